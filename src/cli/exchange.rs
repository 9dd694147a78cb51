//! Commands that move data in and out: export, import, verify, backup.

use super::args::{
    BackupArgs, ExportCmd, ExportDecisionsArgs, ExportPackArgs, FormatArg, ImportCmd, PackFormatArg, VerifyArgs,
};
use super::{CliError, CliResult, Ctx};
use crate::domain::calendar::parse_date;
use crate::export::{self, Anchor, Format};
use crate::store::DecisionFilter;
use crate::text::sanitize;
use crate::Error;
use std::io::Write;
use std::path::Path;

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Md => Format::Markdown,
            FormatArg::Csv => Format::Csv,
            FormatArg::Json => Format::Json,
            FormatArg::Html => Format::Html,
        }
    }
}

impl From<PackFormatArg> for Format {
    fn from(f: PackFormatArg) -> Format {
        match f {
            PackFormatArg::Md => Format::Markdown,
            PackFormatArg::Html => Format::Html,
        }
    }
}

pub fn export(ctx: &mut Ctx, c: ExportCmd) -> CliResult {
    match c {
        ExportCmd::Decisions(a) => export_decisions(ctx, a),
        ExportCmd::Pack(a) => export_pack(ctx, a),
    }
}

fn export_decisions(ctx: &mut Ctx, a: ExportDecisionsArgs) -> CliResult {
    let format = Format::from(a.format);
    let since = match a.since.as_deref() {
        Some(s) => Some(
            parse_date("--since date", s)
                .map_err(|e| CliError::Usage(e.to_string()))?
                .to_string(),
        ),
        None => None,
    };
    let mut pilot_ids = Vec::new();
    for name in &a.pilots {
        let id = ctx.store.find_pilot(name)?.id;
        if !pilot_ids.contains(&id) {
            pilot_ids.push(id);
        }
    }
    let filter = DecisionFilter { pilot_ids, since };
    let store = &ctx.store;
    let summary = emit(a.out.as_deref(), |w| {
        export::decisions::write(store, format, &filter, w)
    })?;
    if let (Some(path), Some(s)) = (a.out.as_deref(), summary) {
        let noun = if s.decisions == 1 { "decision" } else { "decisions" };
        println!("Wrote {} {noun} to {} ({format}).", s.decisions, shown(path));
        print_anchor(&s.anchor);
    }
    Ok(())
}

fn export_pack(ctx: &mut Ctx, a: ExportPackArgs) -> CliResult {
    let format = Format::from(a.format);
    let (store, playbook, today) = (&ctx.store, &ctx.playbook, ctx.today);
    let summary = emit(a.out.as_deref(), |w| {
        export::pack::write(store, playbook, today, format, w)
    })?;
    if let (Some(path), Some(s)) = (a.out.as_deref(), summary) {
        println!(
            "Wrote the steering-committee pack to {} ({format}): {} pilots, {} priority, {} decisions of the period.",
            shown(path),
            s.pilots,
            s.priority,
            s.decisions
        );
        print_anchor(&s.anchor);
    }
    Ok(())
}

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string())
}

fn print_anchor(a: &Anchor) {
    println!("{}", a.sentence());
    println!("Check it later with: {}", a.verify_command());
}

/// Run `render` into the file `out` (complete or not at all), or into
/// standard output when there is none. Returns `None` when standard output
/// was closed early (e.g. piped into `head`), which is not an error.
fn emit<T>(out: Option<&Path>, render: impl FnOnce(&mut dyn Write) -> crate::Result<T>) -> Result<Option<T>, CliError> {
    if let Some(path) = out {
        let mut value = None;
        export::write_file(path, |w| {
            value = Some(render(w)?);
            Ok(())
        })?;
        return Ok(value);
    }
    let stdout = std::io::stdout();
    let mut w = PipeWriter {
        inner: std::io::BufWriter::with_capacity(1 << 16, stdout.lock()),
        closed: false,
    };
    let result = render(&mut w).and_then(|v| {
        w.flush().map_err(|e| export::write_error("standard output", e))?;
        Ok(v)
    });
    match result {
        Ok(v) => Ok(Some(v)),
        Err(_) if w.closed => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A writer that remembers whether the reader went away.
struct PipeWriter<W: Write> {
    inner: W,
    closed: bool,
}

impl<W: Write> PipeWriter<W> {
    fn note<T>(&mut self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                self.closed = true;
            }
        }
        r
    }
}

impl<W: Write> Write for PipeWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.inner.write(buf);
        self.note(r)
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.inner.flush();
        self.note(r)
    }
}

pub fn import(_ctx: &mut Ctx, _c: ImportCmd) -> CliResult {
    Err(Error::invalid("import is not available in this build yet").into())
}

pub fn verify(_ctx: &mut Ctx, _a: VerifyArgs) -> CliResult {
    Err(Error::invalid("verify is not available in this build yet").into())
}

pub fn backup(ctx: &mut Ctx, a: BackupArgs) -> CliResult {
    ctx.store.backup_to(&a.file)?;
    println!(
        "Backed up {} to {}.",
        ctx.store.path().display(),
        sanitize(&a.file.display().to_string())
    );
    Ok(())
}
