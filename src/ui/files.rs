//! Files written or read from the UI: the decision-log export (through the
//! export module) and the pilot import.

use crate::export::{self, Format};
use crate::playbook::Playbook;
use crate::store::{DecisionFilter, Store};
use std::path::PathBuf;

/// The file name the export prompt starts with.
pub fn default_export_name(today: chrono::NaiveDate) -> String {
    export::default_file_name("decision-log", Format::Markdown, today)
}

/// Export the whole decision log to `name`; the format follows the file
/// extension (md, csv, json, html; none means Markdown, `.md` is added).
/// Returns the message saying where it was written.
pub fn export_decisions(store: &Store, name: &str) -> Result<String, String> {
    let mut path = expand(name);
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some(ext) => Format::parse(ext).map_err(|e| e.to_string())?,
        None => {
            path.set_extension("md");
            Format::Markdown
        }
    };
    let count = store.all_decisions().map_err(|e| e.to_string())?.len();
    export::write_file(&path, |w| {
        export::decisions::write(store, format, &DecisionFilter::default(), w).map(|_| ())
    })
    .map_err(|e| e.to_string())?;
    let shown = std::fs::canonicalize(&path).unwrap_or(path);
    Ok(format!(
        "decision log ({count} decisions, {}) written to {}",
        format.label(),
        crate::text::sanitize(&shown.display().to_string())
    ))
}

/// Import pilots from a CSV file (the same rules as `lastmile import
/// pilots FILE`); the message gives the counts and the first rejected row.
pub fn import_pilots(store: &mut Store, playbook: &Playbook, name: &str) -> Result<String, String> {
    let path = expand(name);
    let report = crate::import::pilots::import_csv(store, playbook, &path, false).map_err(|e| e.to_string())?;
    let mut msg = format!("imported {}: {}", crate::text::sanitize(&report.file), report.counts());
    if let Some(first) = report.rejected.first() {
        msg.push_str(&format!(
            "; row {} rejected: {}",
            first.row,
            crate::text::sanitize(&first.reason)
        ));
    }
    if !report.people_added.is_empty() {
        msg.push_str(&format!("; {} new people", report.people_added.len()));
    }
    Ok(msg)
}

/// `~/` at the start means the home directory.
fn expand(name: &str) -> PathBuf {
    let name = name.trim();
    if let Some(rest) = name.strip_prefix("~/") {
        if let Some(home) = directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()) {
            return home.join(rest);
        }
    }
    PathBuf::from(name)
}
