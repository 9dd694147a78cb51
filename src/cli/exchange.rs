//! Commands that move data in and out: export, import, verify, backup.

use super::args::{BackupArgs, ExportCmd, ImportCmd, VerifyArgs};
use super::{CliResult, Ctx};
use crate::text::sanitize;
use crate::Error;

pub fn export(_ctx: &mut Ctx, _c: ExportCmd) -> CliResult {
    Err(Error::invalid("export is not available in this build yet").into())
}

pub fn import(_ctx: &mut Ctx, _c: ImportCmd) -> CliResult {
    Err(Error::invalid("import is not available in this build yet").into())
}

pub fn verify(_ctx: &mut Ctx, _a: VerifyArgs) -> CliResult {
    Err(Error::invalid("verify is not available in this build yet").into())
}

pub fn backup(ctx: &mut Ctx, a: BackupArgs) -> CliResult {
    ctx.store.backup_to(&a.file)?;
    println!("Backed up {} to {}.", ctx.store.path().display(), sanitize(&a.file.display().to_string()));
    Ok(())
}
