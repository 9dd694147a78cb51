//! Commands that move data in and out: export, import, verify, backup.

use super::args::{
    BackupArgs, ExportCmd, ExportDecisionsArgs, ExportPackArgs, ExportPilotsArgs, FormatArg, ImportCmd,
    InventoryFormatArg, PackFormatArg, VerifyArgs,
};
use super::output::print_json;
use super::output::{out, outln};
use super::{CliError, CliResult, Ctx};
use crate::domain::calendar::parse_date;
use crate::export::{self, Anchor, Format};
use crate::store::{DecisionFilter, GENESIS};
use crate::text::sanitize;
use crate::Error;
use serde::Serialize;
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

impl From<InventoryFormatArg> for Format {
    fn from(f: InventoryFormatArg) -> Format {
        match f {
            InventoryFormatArg::Csv => Format::Csv,
            InventoryFormatArg::Json => Format::Json,
        }
    }
}

pub fn export(ctx: &mut Ctx, c: ExportCmd) -> CliResult {
    match c {
        ExportCmd::Decisions(a) => export_decisions(ctx, a),
        ExportCmd::Pack(a) => export_pack(ctx, a),
        ExportCmd::Pilots(a) => export_pilots(ctx, a),
    }
}

fn export_pilots(ctx: &mut Ctx, a: ExportPilotsArgs) -> CliResult {
    let format = Format::from(a.format);
    let (store, playbook, today) = (&ctx.store, &ctx.playbook, ctx.today);
    refuse_database_as_output(store, a.out.as_deref())?;
    let summary = emit(a.out.as_deref(), |w| {
        export::pilots::write(store, playbook, today, format, w)
    })?;
    if let (Some(path), Some(s)) = (a.out.as_deref(), summary) {
        let noun = if s.pilots == 1 { "pilot" } else { "pilots" };
        outln!("Wrote {} {noun} to {} ({format}).", s.pilots, shown(path));
        print_anchor(&s.anchor);
    }
    Ok(())
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
    refuse_database_as_output(store, a.out.as_deref())?;
    let summary = emit(a.out.as_deref(), |w| {
        export::decisions::write(store, format, &filter, w)
    })?;
    if let (Some(path), Some(s)) = (a.out.as_deref(), summary) {
        let noun = if s.decisions == 1 { "decision" } else { "decisions" };
        outln!("Wrote {} {noun} to {} ({format}).", s.decisions, shown(path));
        print_anchor(&s.anchor);
    }
    Ok(())
}

fn export_pack(ctx: &mut Ctx, a: ExportPackArgs) -> CliResult {
    let format = Format::from(a.format);
    let (store, playbook, today) = (&ctx.store, &ctx.playbook, ctx.today);
    refuse_database_as_output(store, a.out.as_deref())?;
    let summary = emit(a.out.as_deref(), |w| {
        export::pack::write(store, playbook, today, format, w)
    })?;
    if let (Some(path), Some(s)) = (a.out.as_deref(), summary) {
        outln!(
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

/// An export must never replace the database it reads (or its WAL files).
fn refuse_database_as_output(store: &crate::store::Store, out: Option<&Path>) -> Result<(), CliError> {
    let Some(out) = out else { return Ok(()) };
    let canon = |p: &Path| std::fs::canonicalize(p).ok();
    let (Some(db), Some(target)) = (canon(store.path()), canon(out)) else {
        return Ok(());
    };
    let companions = ["", "-wal", "-shm", "-journal"].map(|s| format!("{}{s}", db.display()));
    #[cfg(unix)]
    let same_file = {
        use std::os::unix::fs::MetadataExt;
        let id = |p: &Path| std::fs::metadata(p).ok().map(|m| (m.dev(), m.ino()));
        companions
            .iter()
            .any(|c| id(Path::new(c)).is_some() && id(Path::new(c)) == id(&target))
    };
    #[cfg(not(unix))]
    let same_file = false;
    if same_file || companions.iter().any(|c| Path::new(c) == target) {
        return Err(CliError::Usage(format!(
            "--out {} is the database itself: give another file name for the export",
            shown(out)
        )));
    }
    Ok(())
}

fn shown(path: &Path) -> String {
    sanitize(&path.display().to_string())
}

fn print_anchor(a: &Anchor) {
    outln!("{}", sanitize(&a.sentence()));
    outln!("Check it later with: {}", sanitize(&a.verify_command()));
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

pub fn import(ctx: &mut Ctx, c: ImportCmd) -> CliResult {
    match c {
        ImportCmd::Pilots(a) => {
            let report = crate::import::pilots::import_csv(&mut ctx.store, &ctx.playbook, &a.file, a.dry_run)?;
            out!("{}", report.to_text(LISTED_ROWS));
            Ok(())
        }
    }
}

/// Added or updated rows listed one by one before "and N more".
const LISTED_ROWS: usize = 50;

/// The version of the `verify --json` shape.
pub const VERIFY_SCHEMA_VERSION: u32 = 2;

/// Problems the table check lists before "and more".
const STATE_PROBLEMS: usize = 20;

#[derive(Serialize)]
struct VerifyJson {
    schema_version: u32,
    ok: bool,
    file: String,
    integrity: Vec<String>,
    chains: Vec<ChainJson>,
    cross_check: Vec<Problem>,
    /// Rows that differ from what the audit trail says (first ones).
    state: Vec<String>,
    anchors: Vec<AnchorJson>,
    problems: Vec<String>,
    /// What a passing run proves, and what it cannot.
    proven: String,
}

#[derive(Serialize)]
struct ChainJson {
    name: &'static str,
    entries: u64,
    head: String,
    broken_at: Option<i64>,
    reason: Option<String>,
}

#[derive(Serialize)]
struct Problem {
    decision: i64,
    reason: String,
}

#[derive(Serialize)]
struct AnchorJson {
    hash: String,
    found: bool,
    /// The chain the hash heads ("decision" or "audit event").
    chain: Option<&'static str>,
    /// 1-based position of the anchored entry in its chain (0 for an
    /// anchor taken before the first entry).
    position: Option<u64>,
    recorded_since: Option<u64>,
}

/// Check an anchor's shape: 64 hexadecimal characters.
fn parse_anchor(raw: &str) -> Result<String, CliError> {
    let h = raw.trim().to_ascii_lowercase();
    if h.len() != 64 || !h.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(CliError::Usage(format!(
            "the anchor '{}' is not a chain hash: give the 64 hexadecimal characters an export states as a head hash",
            sanitize(raw.trim())
        )));
    }
    Ok(h)
}

/// Where `hash` is in the chains: the chain and its 1-based position.
fn locate(hash: &str, chains: &[crate::store::ChainReport]) -> Option<(&'static str, u64)> {
    if hash == GENESIS {
        return Some(("any", 0));
    }
    chains
        .iter()
        .find_map(|c| c.hashes.iter().position(|h| h == hash).map(|i| (c.name, i as u64 + 1)))
}

pub fn verify(ctx: &mut Ctx, a: VerifyArgs) -> CliResult {
    let anchors = a
        .anchor
        .iter()
        .map(|s| parse_anchor(s))
        .collect::<Result<Vec<_>, _>>()?;
    let store = &ctx.store;
    let mut problems: Vec<String> = Vec::new();
    let checking = store.integrity_check_in_background();
    let chains = crate::store::verify_chains(store)?;
    let cross = store.decision_audit_mismatches()?;
    let state = crate::store::check_state(store, STATE_PROBLEMS)?;
    let integrity = match checking.wait()? {
        Ok(()) => vec!["ok".to_string()],
        Err(rows) => {
            problems.push(format!(
                "SQLite's integrity check failed: {}",
                rows.first().cloned().unwrap_or_default()
            ));
            rows
        }
    };
    for c in &chains {
        if let Some((_, reason)) = &c.broken_at {
            problems.push(reason.clone());
        }
    }
    problems.extend(cross.iter().map(|(_, r)| r.clone()));
    problems.extend(state.iter().cloned());
    let anchor_results: Vec<AnchorJson> = anchors
        .into_iter()
        .map(|hash| {
            let found = locate(&hash, &chains);
            let entries = |name: &str| chains.iter().find(|c| c.name == name).map_or(0, |c| c.entries);
            if found.is_none() {
                problems.push(format!(
                    "the anchor {hash} is in neither chain: the log or the trail was cut back or rewritten since the export that stated it, or the anchor comes from another file"
                ));
            }
            AnchorJson {
                found: found.is_some(),
                chain: found.map(|f| f.0),
                position: found.map(|f| f.1),
                recorded_since: found.filter(|f| f.0 != "any").map(|(name, p)| entries(name) - p),
                hash,
            }
        })
        .collect();
    let ok = problems.is_empty();
    let proven = proven_sentence(&chains, &anchor_results);
    if a.json {
        print_json(&VerifyJson {
            schema_version: VERIFY_SCHEMA_VERSION,
            ok,
            file: store.path().display().to_string(),
            integrity,
            chains: chains
                .iter()
                .map(|c| ChainJson {
                    name: c.name,
                    entries: c.entries,
                    head: c.head.clone(),
                    broken_at: c.broken_at.as_ref().map(|b| b.0),
                    reason: c.broken_at.as_ref().map(|b| b.1.clone()),
                })
                .collect(),
            cross_check: cross
                .iter()
                .map(|(d, r)| Problem {
                    decision: *d,
                    reason: r.clone(),
                })
                .collect(),
            state: state.clone(),
            anchors: anchor_results,
            problems: problems.clone(),
            proven: proven.clone(),
        })?;
    } else {
        let mark = |good: bool| if good { "ok  " } else { "FAIL" };
        outln!("{} file integrity (SQLite integrity_check)", mark(integrity == ["ok"]));
        for c in &chains {
            let noun = if c.entries == 1 { "entry" } else { "entries" };
            match &c.broken_at {
                None => outln!(
                    "{} {} chain: {} {noun}, head {}",
                    mark(true),
                    c.name,
                    c.entries,
                    sanitize(&c.head)
                ),
                Some((_, reason)) => outln!(
                    "{} {} chain: {} {noun}; {}",
                    mark(false),
                    c.name,
                    c.entries,
                    sanitize(reason)
                ),
            }
        }
        match cross.first() {
            None => outln!("{} decisions match the audit trail", mark(true)),
            Some((_, reason)) => outln!("{} {}", mark(false), sanitize(reason)),
        }
        match state.first() {
            None => outln!("{} every table matches the audit trail", mark(true)),
            Some(first) => {
                outln!("{} {}", mark(false), sanitize(first));
                for p in state.iter().skip(1) {
                    outln!("     {}", sanitize(p));
                }
            }
        }
        for a in &anchor_results {
            match (a.chain, a.position, a.recorded_since) {
                (Some("any"), ..) => outln!(
                    "{} anchor {} is the empty chain's hash: every later chain extends it",
                    mark(true),
                    a.hash
                ),
                (Some(chain), Some(p), Some(since)) => outln!(
                    "{} anchor {} is {chain} {p} of the {chain} chain ({since} recorded since)",
                    mark(true),
                    a.hash
                ),
                _ => outln!("{} anchor {} is in neither chain", mark(false), a.hash),
            }
        }
    }
    if ok {
        if !a.json {
            outln!("{} verifies. {}", sanitize(&store.path().display().to_string()), proven);
            // Not a problem (the trail records them), but worth knowing.
            for run in store.stale_runs()? {
                outln!(
                    "Note: {} by {} (started {}) stopped before it finished; its {} staged pilots are hidden and the next import removes them.",
                    sanitize(&run.what),
                    sanitize(&run.actor),
                    sanitize(&run.started_at),
                    run.pilots
                );
            }
        }
        return Ok(());
    }
    Err(Error::Storage(format!(
        "{} does not verify: {}{}; restore it from a backup ('lastmile restore BACKUP') and find out who changed it",
        store.path().display(),
        problems[0],
        if problems.len() > 1 {
            format!(" (and {} more problems)", problems.len() - 1)
        } else {
            String::new()
        }
    ))
    .into())
}

/// What a passing verify proves, and what it cannot, in two sentences.
fn proven_sentence(chains: &[crate::store::ChainReport], anchors: &[AnchorJson]) -> String {
    let count = |name: &str| chains.iter().find(|c| c.name == name).map_or(0, |c| c.entries);
    let mut s = format!(
        "Proven: the file is whole, no row of the {} decisions or {} audit events was changed or removed from the middle of its chain, and every table holds what the audit trail says.",
        count("decision"),
        count("audit event")
    );
    let anchored: Vec<String> = anchors
        .iter()
        .filter_map(|a| match (a.chain, a.position) {
            (Some(c), Some(p)) if c != "any" => Some(format!("{c} {p}")),
            _ => None,
        })
        .collect();
    if anchored.is_empty() {
        s.push_str(" Not provable without an anchor: a chain rebuilt from scratch, or entries cut from its end; give the head hashes an export states with --anchor.");
    } else {
        s.push_str(&format!(
            " The chains still extend the anchors (up to {}). Not provable: entries cut from the end after the newest anchor.",
            anchored.join(" and ")
        ));
    }
    s
}

pub fn backup(ctx: &mut Ctx, a: BackupArgs) -> CliResult {
    ctx.store.backup_to(&a.file)?;
    outln!(
        "Backed up {} to {}.",
        sanitize(&ctx.store.path().display().to_string()),
        sanitize(&a.file.display().to_string())
    );
    Ok(())
}

pub fn restore(db: &Path, backup: &Path, actor: &str, clock: crate::clock::Clock) -> CliResult {
    let r = crate::store::restore(db, backup, actor, clock)?;
    let show = |p: &Path| sanitize(&p.display().to_string());
    outln!(
        "Restored {} from {}: {} pilots, {} decisions.",
        show(db),
        show(backup),
        r.pilots,
        r.decisions
    );
    if let Some(a) = &r.moved_aside {
        outln!("The file it replaced is kept as {}.", show(a));
    }
    outln!("Check it with: lastmile --db {} verify", show(db));
    Ok(())
}
