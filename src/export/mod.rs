//! Exports for readers outside lastmile: the decision log
//! ([`decisions`], in Markdown, CSV, JSON and HTML), the
//! steering-committee pack ([`pack`], in Markdown and HTML) and the full
//! pilot inventory ([`pilots`], in CSV and JSON).
//!
//! Every export states both chains' head hashes (decisions and audit
//! events), their numbers of entries and the time of the export (an
//! [`Anchor`]), so a committee can later check with `lastmile verify
//! --anchor HASH --anchor HASH` that the log they were given is still part
//! of the log in the file, and that no change since was removed. Every untrusted string passes through
//! [`escape`] for its format: CSV cells are neutralised against formula
//! injection, Markdown cells cannot break out of their table, and HTML text
//! is always escaped. Renderers write to any [`std::io::Write`], so a large
//! log streams to a file without being held in memory twice.

pub mod decisions;
pub mod escape;
mod html;
pub mod pack;
pub mod pilots;

use crate::store::Store;
use crate::{Error, Result};
use serde::Serialize;
use std::io::Write;
use std::path::Path;

/// The version of the JSON decision-log shape (`schema_version`). It changes
/// only when a field is removed or changes meaning; new fields may be added
/// within a version.
pub const DECISIONS_SCHEMA_VERSION: u32 = 2;

/// An export format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// CommonMark with GitHub-flavoured tables.
    Markdown,
    /// RFC 4180: comma-separated, CRLF line ends, UTF-8 with a byte-order mark.
    Csv,
    /// A versioned JSON document (see `docs/exports.md`).
    Json,
    /// One self-contained HTML file: inline CSS and SVG, no scripts.
    Html,
}

impl Format {
    /// Every format, in menu order.
    pub const ALL: [Format; 4] = [Format::Markdown, Format::Csv, Format::Json, Format::Html];

    /// The short key used on the command line (`md`, `csv`, `json`, `html`).
    pub fn key(self) -> &'static str {
        match self {
            Format::Markdown => "md",
            Format::Csv => "csv",
            Format::Json => "json",
            Format::Html => "html",
        }
    }

    /// The file extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.key()
    }

    /// The name shown to people.
    pub fn label(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown",
            Format::Csv => "CSV",
            Format::Json => "JSON",
            Format::Html => "HTML",
        }
    }

    /// Parse a key, a label or a file extension (case-insensitive).
    pub fn parse(s: &str) -> Result<Format> {
        match s.trim().trim_start_matches('.').to_ascii_lowercase().as_str() {
            "md" | "markdown" => Ok(Format::Markdown),
            "csv" => Ok(Format::Csv),
            "json" => Ok(Format::Json),
            "html" | "htm" => Ok(Format::Html),
            _ => Err(Error::invalid(format!(
                "unknown export format '{}': use md, csv, json or html",
                crate::text::sanitize(s)
            ))),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// What every export states about the decision chain, so the log a reader
/// holds can be checked against the file later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Anchor {
    /// Hash of the newest decision (the genesis hash when there is none).
    pub head: String,
    /// Number of decisions in the chain (all of them, whatever the filter).
    pub entries: u64,
    /// Hash of the newest audit event: anchors every change, not only
    /// decisions.
    pub audit_head: String,
    /// Number of audit events.
    pub audit_entries: u64,
    /// When the export was made (UTC, RFC 3339).
    pub exported_at: String,
}

impl Anchor {
    /// The decision chain of `store` as it is now.
    pub fn of(store: &Store) -> Result<Anchor> {
        let (head, entries) = store.decision_chain_head()?;
        let (audit_head, audit_entries) = store.audit_chain_head()?;
        Ok(Anchor {
            head,
            entries,
            audit_head,
            audit_entries,
            exported_at: store.clock().now_utc(),
        })
    }

    /// The command that checks this anchor later.
    pub fn verify_command(&self) -> String {
        format!("lastmile verify --anchor {} --anchor {}", self.head, self.audit_head)
    }

    /// The anchor as a Markdown sentence; `what` completes "To check later
    /// that ...".
    pub(crate) fn markdown(&self, what: &str) -> String {
        let hex = |h: &str| h.chars().all(|c| c.is_ascii_hexdigit());
        let cmd = if hex(&self.head) && hex(&self.audit_head) {
            format!("`{}`", self.verify_command())
        } else {
            escape::md(&self.verify_command())
        };
        format!(
            "Decision chain: {} {}, head hash {}; audit chain: {} {}, head hash {}. To check later that {what}, run {cmd}.",
            self.entries,
            if self.entries == 1 { "entry" } else { "entries" },
            escape::md_hash(&self.head),
            self.audit_entries,
            if self.audit_entries == 1 { "event" } else { "events" },
            escape::md_hash(&self.audit_head)
        )
    }

    /// One sentence stating the anchor.
    pub fn sentence(&self) -> String {
        format!(
            "Decision chain: {} {}, head hash {}; audit chain: {} {}, head hash {}; exported {}.",
            self.entries,
            if self.entries == 1 { "entry" } else { "entries" },
            self.head,
            self.audit_entries,
            if self.audit_entries == 1 { "event" } else { "events" },
            self.audit_head,
            self.exported_at
        )
    }
}

/// Read `what` together with the anchor that covers it. The chain is
/// append-only, so when its head is the same before and after the read, the
/// rows read are exactly the anchored ones; if another terminal recorded a
/// decision meanwhile, read again (a few times at most).
pub(crate) fn anchored<T>(store: &Store, mut what: impl FnMut() -> Result<T>) -> Result<(Anchor, T)> {
    let mut attempts = 0;
    loop {
        let before = Anchor::of(store)?;
        let value = what()?;
        let (head, entries) = store.decision_chain_head()?;
        attempts += 1;
        if (head == before.head && entries == before.entries) || attempts == 3 {
            return Ok((before, value));
        }
    }
}

/// Both chains' heads and counts, as every JSON export states them.
#[derive(Serialize)]
pub(crate) struct JsonChain<'a> {
    head: &'a str,
    entries: u64,
    audit_head: &'a str,
    audit_entries: u64,
}

impl JsonChain<'_> {
    pub(crate) fn of(a: &Anchor) -> JsonChain<'_> {
        JsonChain {
            head: &a.head,
            entries: a.entries,
            audit_head: &a.audit_head,
            audit_entries: a.audit_entries,
        }
    }
}

/// A file name for an export made on `date`, e.g. `decision-log-2026-11-23.md`.
pub fn default_file_name(kind: &str, format: Format, date: chrono::NaiveDate) -> String {
    format!("{kind}-{date}.{}", format.extension())
}

/// Encode `value` as pretty JSON straight into `w`, with the C1 controls
/// and bidi overrides the encoder leaves raw escaped on the way (the JSON
/// value is unchanged, and safe to print on a terminal), then a newline.
/// Buffered before the escaping, so it sees large chunks, not every token.
pub(crate) fn write_json<T: Serialize + ?Sized>(w: &mut dyn Write, value: &T) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(1 << 16, crate::text::JsonSafe::new(w));
    serde_json::to_writer_pretty(&mut out, value).map_err(std::io::Error::from)?;
    out.write_all(b"\n")?;
    out.into_inner().map_err(|e| e.into_error())?.into_inner().map(|_| ())
}

/// Map an I/O error while writing an export to a sentence naming the target.
pub(crate) fn write_error(target: &str, e: std::io::Error) -> Error {
    Error::Io(format!(
        "writing {target} failed ({e}): check the disk and the path, then export again"
    ))
}

/// Write a file all at once: the content goes to a temporary file next to
/// `path` through a buffer, which replaces `path` only when complete, so a
/// failed export never leaves a half-written file behind.
pub fn write_file(path: &Path, render: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let shown = path.display().to_string();
    if path.is_dir() {
        return Err(Error::invalid(format!(
            "{} is a directory: give a file name to write the export to",
            crate::text::sanitize(&shown)
        )));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    if dir.exists() && !dir.is_dir() {
        return Err(Error::invalid(format!(
            "{} is a file, not a folder: write the export into a folder",
            crate::text::sanitize(&dir.display().to_string())
        )));
    }
    if !dir.is_dir() {
        return Err(Error::not_found(format!(
            "the folder {} does not exist: create it first or write the export elsewhere",
            crate::text::sanitize(&dir.display().to_string())
        )));
    }
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_else(|| "export".into());
    let tmp = dir.join(format!(".{file_name}.{}.tmp", std::process::id()));
    let result = (|| {
        let file = std::fs::File::create(&tmp).map_err(|e| write_error(&shown, e))?;
        let mut w = std::io::BufWriter::with_capacity(1 << 16, file);
        render(&mut w)?;
        let file = w.into_inner().map_err(|e| write_error(&shown, e.into_error()))?;
        file.sync_all().map_err(|e| write_error(&shown, e))?;
        std::fs::rename(&tmp, path).map_err(|e| write_error(&shown, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Render into a string (for the TUI and tests).
pub(crate) fn to_string(render: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<String> {
    let mut buf: Vec<u8> = Vec::with_capacity(1 << 14);
    render(&mut buf)?;
    String::from_utf8(buf).map_err(|e| Error::Io(format!("an export produced invalid UTF-8 ({e}); please report it")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_keys_labels_and_extensions() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.key()).unwrap(), f);
            assert_eq!(Format::parse(f.label()).unwrap(), f);
        }
        assert_eq!(Format::parse(".HTM").unwrap(), Format::Html);
        let e = Format::parse("xlsx").unwrap_err().to_string();
        assert!(e.contains("md, csv, json or html"), "{e}");
    }

    #[test]
    fn default_names_carry_the_date_and_extension() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(
            default_file_name("decision-log", Format::Markdown, d),
            "decision-log-2026-11-23.md"
        );
    }

    #[test]
    fn write_file_replaces_only_when_complete() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.txt");
        write_file(&path, |w| Ok(w.write_all(b"first")?)).unwrap();
        let e = write_file(&path, |w| {
            w.write_all(b"partial")?;
            Err(Error::invalid("boom"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "boom");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "first");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left behind"
        );
        let e = write_file(dir.path(), |_| Ok(())).unwrap_err().to_string();
        assert!(e.contains("is a directory"), "{e}");
        let e = write_file(&dir.path().join("missing/x.md"), |_| Ok(()))
            .unwrap_err()
            .to_string();
        assert!(e.contains("does not exist"), "{e}");
        // A file where the folder should be is named as a file.
        let file = dir.path().join("plain.txt");
        std::fs::write(&file, "x").unwrap();
        let e = write_file(&file.join("log.md"), |_| Ok(())).unwrap_err().to_string();
        assert!(e.contains("is a file, not a folder"), "{e}");
    }
}
