//! Files written or read from the UI: the decision-log export (through the
//! export module) and the pilot import.

use crate::export::{self, Format};
use crate::playbook::Playbook;
use crate::store::{DecisionFilter, Store};
use std::path::{Path, PathBuf};

/// The file name the export prompt starts with.
pub fn default_export_name(today: chrono::NaiveDate) -> String {
    export::default_file_name("decision-log", Format::Markdown, today)
}

/// Where an export typed as `name` goes: `~/` expanded, relative names
/// under the current folder, no extension meaning Markdown (`.md` added).
pub fn export_target(name: &str) -> crate::Result<(PathBuf, Format)> {
    let mut path = expand(name);
    let format = match path.extension().and_then(|e| e.to_str()) {
        Some(ext) => Format::parse(ext)?,
        None => {
            path.set_extension("md");
            Format::Markdown
        }
    };
    if path.is_relative() {
        if let Ok(cwd) = std::env::current_dir() {
            path = cwd.join(path);
        }
    }
    Ok((path, format))
}

/// The folder exports are written to when a bare file name is typed.
pub fn export_folder() -> String {
    std::env::current_dir()
        .map(|d| crate::text::sanitize(&d.display().to_string()))
        .unwrap_or_else(|_| "the current folder".into())
}

/// Export the whole decision log to `path` (its format from the
/// extension). An existing file is replaced only when `overwrite`.
/// Returns the message saying where it was written.
pub fn export_decisions(store: &Store, path: &Path, overwrite: bool) -> crate::Result<String> {
    let (path, format) = export_target(&path.display().to_string())?;
    if !overwrite && path.exists() {
        return Err(crate::Error::invalid(format!(
            "{} exists already: choose another name, or confirm replacing it",
            crate::text::sanitize(&path.display().to_string())
        )));
    }
    let count = store.all_decisions()?.len();
    export::write_file(&path, |w| {
        export::decisions::write(store, format, &DecisionFilter::default(), w).map(|_| ())
    })?;
    let shown = std::fs::canonicalize(&path).unwrap_or(path);
    Ok(format!(
        "decision log ({count} decisions, {}) written to {}",
        format.label(),
        crate::text::sanitize(&shown.display().to_string())
    ))
}

/// Import pilots from a CSV file (the same rules as `lastmile import
/// pilots FILE`); the message gives the counts and the first rejected row.
pub fn import_pilots(store: &mut Store, playbook: &Playbook, name: &str) -> crate::Result<String> {
    let path = expand(name);
    let report = crate::import::pilots::import_csv(store, playbook, &path, false)?;
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
