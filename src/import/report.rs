//! What an import did: the rows added, updated, left unchanged and
//! rejected, and the report as text for a terminal.

use super::columns::{Field, COLUMNS};
use crate::text::sanitize;
use serde::Serialize;

/// One row that was added, updated or left unchanged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowResult {
    /// Row number as a spreadsheet shows it (the header is row 1).
    pub row: usize,
    pub pilot: String,
    /// The columns whose values changed (canonical headers), for updates.
    pub changed: Vec<&'static str>,
}

/// One row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rejection {
    pub row: usize,
    pub reason: String,
}

/// What an import did (or, for a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    pub file: String,
    pub dry_run: bool,
    /// `,`, `;` or a tab.
    pub delimiter: char,
    /// Headers used, with the field each fills.
    pub columns: Vec<(String, Field)>,
    /// Headers that name no inventory field (ignored).
    pub unknown_columns: Vec<String>,
    /// Data rows read (blank rows excluded).
    pub rows: usize,
    pub blank_rows: usize,
    pub added: Vec<RowResult>,
    pub updated: Vec<RowResult>,
    pub unchanged: Vec<RowResult>,
    pub rejected: Vec<Rejection>,
    /// People created because an owner column named them.
    pub people_added: Vec<String>,
}

impl ImportReport {
    /// Whether the import changed (or would change) the database.
    pub fn changes(&self) -> bool {
        !self.added.is_empty() || !self.updated.is_empty() || !self.people_added.is_empty()
    }

    fn delimiter_name(&self) -> &'static str {
        match self.delimiter {
            ';' => "semicolon-separated",
            '\t' => "tab-separated",
            _ => "comma-separated",
        }
    }

    /// "2 added, 1 updated, 3 unchanged, 1 rejected".
    pub fn counts(&self) -> String {
        format!(
            "{} added, {} updated, {} unchanged, {} rejected",
            self.added.len(),
            self.updated.len(),
            self.unchanged.len(),
            self.rejected.len()
        )
    }

    /// The report as text for a terminal (every value sanitized); at most
    /// `max_listed` added and updated rows are listed one by one.
    pub fn to_text(&self, max_listed: usize) -> String {
        let mut out = String::new();
        let rows = format!("{} {}", self.rows, if self.rows == 1 { "row" } else { "rows" });
        if self.dry_run {
            out.push_str(&format!(
                "Dry run of {} ({}, {rows}): {}. Nothing was changed.\n",
                sanitize(&self.file),
                self.delimiter_name(),
                self.counts()
            ));
        } else {
            out.push_str(&format!(
                "Imported {} ({}, {rows}): {}.\n",
                sanitize(&self.file),
                self.delimiter_name(),
                self.counts()
            ));
        }
        let mut list = |label: &str, rows: &[RowResult]| {
            for r in rows.iter().take(max_listed) {
                let what = if r.changed.is_empty() {
                    String::new()
                } else {
                    format!(" ({})", r.changed.join(", "))
                };
                out.push_str(&format!("  row {:<5} {label:<9} {}{what}\n", r.row, sanitize(&r.pilot)));
            }
            if rows.len() > max_listed {
                out.push_str(&format!("  … and {} more {label}\n", rows.len() - max_listed));
            }
        };
        list("added", &self.added);
        list("updated", &self.updated);
        for r in &self.rejected {
            out.push_str(&format!("  row {:<5} rejected  {}\n", r.row, sanitize(&r.reason)));
        }
        if !self.people_added.is_empty() {
            let names: Vec<String> = self.people_added.iter().map(|n| sanitize(n)).collect();
            out.push_str(&format!("People added (named as owners): {}.\n", names.join(", ")));
        }
        if !self.unknown_columns.is_empty() {
            let names: Vec<String> = self
                .unknown_columns
                .iter()
                .map(|n| format!("'{}'", sanitize(n)))
                .collect();
            out.push_str(&format!(
                "Ignored columns (not inventory fields): {}. The columns lastmile reads: {}.\n",
                names.join(", "),
                COLUMNS.iter().map(|(_, h, _)| *h).collect::<Vec<_>>().join(", ")
            ));
        }
        if self.rows == 0 {
            out.push_str("The file has a header but no pilot rows.\n");
        }
        out
    }
}
