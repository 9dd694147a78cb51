//! Importing a pilot inventory kept in a spreadsheet (CSV).
//!
//! The rules (also in `docs/exports.md`):
//!
//! * Columns are matched by header name, case-insensitively and ignoring
//!   spaces, underscores and punctuation; each field has a few accepted
//!   aliases ([`COLUMNS`]). `name` is required, every other column is
//!   optional; unknown columns are reported and ignored.
//! * UTF-8 with or without a byte-order mark; CRLF or LF line ends; quoted
//!   cells may hold separators, quotes (doubled) and newlines. The separator
//!   is detected from the header line: comma, semicolon (as spreadsheets in
//!   many locales save) or tab; an Excel `sep=;` first line is honoured.
//! * Rows are matched to pilots by name (case-insensitive). A new name adds
//!   a pilot (with its checklist from the playbook); an existing pilot gets
//!   only the cells that are present and non-empty, so a blank cell never
//!   erases anything, and the stored name keeps its spelling.
//! * A row that cannot be used (no name, an unknown sector, a name that is
//!   already on an earlier row, ...) is rejected with its row number and the
//!   reason, and the other rows are still imported. A problem with the file
//!   itself (not CSV, binary, empty, no name column, too big, an unclosed
//!   quote) refuses the whole file. Either way the import is one
//!   transaction: all of its changes are saved, or none.
//! * Importing the same file again changes nothing.

use crate::domain::model::{Owner, Person, Pilot, PilotFields, Role, Sector, Status};
use crate::playbook::Playbook;
use crate::store::{Store, Tx};
use crate::text::{clean_text, sanitize, validate_name};
use crate::{Error, Result};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Largest file an import reads.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Most pilot rows one file may hold.
pub const MAX_ROWS: usize = 100_000;

/// A field of the inventory a column can fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Name,
    BusinessUnit,
    Sector,
    BusinessCase,
    DataSources,
    ModelClass,
    IntegrationFootprint,
    GovernancePosture,
    Status,
    ProductOwner,
    PlatformOwner,
    GovernanceOwner,
    BusinessOwner,
}

/// Every importable column: the field, its canonical header, and the other
/// headers accepted for it (compared after [`normalise_header`]).
pub const COLUMNS: &[(Field, &str, &[&str])] = &[
    (
        Field::Name,
        "name",
        &[
            "pilot",
            "pilot name",
            "use case",
            "use case name",
            "project",
            "project name",
            "initiative",
        ],
    ),
    (
        Field::BusinessUnit,
        "business unit",
        &["unit", "bu", "department", "division"],
    ),
    (Field::Sector, "sector", &["industry"]),
    (
        Field::BusinessCase,
        "business case",
        &["case", "description", "summary"],
    ),
    (Field::DataSources, "data sources", &["data source", "data", "datasets"]),
    (Field::ModelClass, "model class", &["model", "model type"]),
    (
        Field::IntegrationFootprint,
        "integration footprint",
        &["integration", "integrations", "systems"],
    ),
    (
        Field::GovernancePosture,
        "governance posture",
        &["governance", "compliance"],
    ),
    (Field::Status, "status", &["lifecycle", "lifecycle status"]),
    (Field::ProductOwner, "product owner", &[]),
    (Field::PlatformOwner, "platform owner", &[]),
    (Field::GovernanceOwner, "governance owner", &[]),
    (Field::BusinessOwner, "business owner", &["owner of record"]),
];

impl Field {
    /// The canonical column header.
    pub fn header(self) -> &'static str {
        COLUMNS.iter().find(|(f, ..)| *f == self).map_or("", |(_, h, _)| h)
    }

    /// The owner role this column names, if it is an owner column.
    pub fn role(self) -> Option<Role> {
        match self {
            Field::ProductOwner => Some(Role::Product),
            Field::PlatformOwner => Some(Role::Platform),
            Field::GovernanceOwner => Some(Role::Governance),
            Field::BusinessOwner => Some(Role::Business),
            _ => None,
        }
    }

    fn text_index(self) -> Option<usize> {
        TEXT_FIELDS.iter().position(|f| *f == self)
    }
}

/// The free-text inventory fields, in [`PilotFields`] order.
const TEXT_FIELDS: [Field; 6] = [
    Field::BusinessUnit,
    Field::BusinessCase,
    Field::DataSources,
    Field::ModelClass,
    Field::IntegrationFootprint,
    Field::GovernancePosture,
];

/// Lower-case, with every run of non-alphanumeric characters made one space.
pub fn normalise_header(h: &str) -> String {
    let mut out = String::with_capacity(h.len());
    for c in h.trim().chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

/// The field a header names, if any.
pub fn field_for_header(h: &str) -> Option<Field> {
    let n = normalise_header(h);
    COLUMNS
        .iter()
        .find(|(_, canon, aliases)| *canon == n || aliases.contains(&n.as_str()))
        .map(|(f, ..)| *f)
}

/// Parse a sector from its key, its label or a common alias.
pub fn parse_sector(s: &str) -> Result<Sector> {
    let n = normalise_header(s);
    let found = Sector::ALL
        .iter()
        .copied()
        .find(|v| n == v.key() || n == normalise_header(v.label()));
    found
        .or(match n.as_str() {
            "gov" | "public sector" | "public" => Some(Sector::Government),
            "health" | "health care" => Some(Sector::Healthcare),
            "finance" | "banking" | "financial service" | "fs" => Some(Sector::Financial),
            "enterprise technology" | "technology" | "tech" => Some(Sector::Enterprise),
            _ => None,
        })
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown sector '{}': use government, healthcare, financial services or enterprise tech",
                sanitize(s.trim())
            ))
        })
}

/// Parse a status from its key, its label or a common alias.
pub fn parse_status(s: &str) -> Result<Status> {
    let n = normalise_header(s);
    let found = Status::ALL
        .iter()
        .copied()
        .find(|v| n == v.key() || n == normalise_header(v.label()));
    found
        .or(match n.as_str() {
            "live" => Some(Status::Production),
            "on hold" => Some(Status::Paused),
            "cancelled" | "canceled" => Some(Status::Stopped),
            _ => None,
        })
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown status '{}': use proposed, active, paused, in production or stopped",
                sanitize(s.trim())
            ))
        })
}

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

// ---------------------------------------------------------------- reading

/// Read the file as text, refusing with one sentence anything that is not a
/// UTF-8 text file of a sensible size.
pub fn read_text(path: &Path) -> Result<String> {
    let shown = sanitize(&path.display().to_string());
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => {
            Error::not_found(format!("{shown} does not exist: check the file name and path"))
        }
        _ => Error::Io(format!("cannot read {shown} ({e}): check the path and its permissions")),
    })?;
    if meta.is_dir() {
        return Err(Error::invalid(format!(
            "{shown} is a folder: give the CSV file inside it"
        )));
    }
    let too_big = |size: u64| {
        Error::invalid(format!(
            "{shown} is {:.1} MB, over the {} MB import limit: split the inventory into smaller files and import each",
            size as f64 / (1024.0 * 1024.0),
            MAX_FILE_BYTES / (1024 * 1024)
        ))
    };
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(meta.len()));
    }
    let file = std::fs::File::open(path)
        .map_err(|e| Error::Io(format!("cannot open {shown} ({e}): check the path and its permissions")))?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // Read at most one byte past the limit: a device or a growing file
    // cannot make the import read forever.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Io(format!("cannot read {shown} ({e}): check the file")))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(bytes.len() as u64));
    }
    decode(&shown, bytes)
}

fn decode(shown: &str, mut bytes: Vec<u8>) -> Result<String> {
    const SAVE: &str = "in your spreadsheet, save it as 'CSV UTF-8' and import that file";
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(Error::invalid(format!("{shown} is UTF-16 text, not UTF-8: {SAVE}")));
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(Error::invalid(format!(
            "{shown} is a ZIP archive (probably an Excel or OpenDocument workbook), not CSV: {SAVE}"
        )));
    }
    if bytes.starts_with(b"%PDF") || bytes.contains(&0) {
        return Err(Error::invalid(format!(
            "{shown} is a binary file, not CSV text: {SAVE}"
        )));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        bytes.drain(..3);
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|b| **b == b'\n').count() + 1;
        Error::invalid(format!(
            "{shown} is not UTF-8 text (the first bad byte is on line {line}): {SAVE}"
        ))
    })?;
    if text.trim().is_empty() {
        return Err(Error::invalid(format!(
            "{shown} is empty: it needs a header row with a 'name' column and one row per pilot"
        )));
    }
    Ok(text)
}

/// The rows of a file, checked at the file level.
#[derive(Debug)]
struct Table {
    delimiter: u8,
    columns: Vec<(usize, Field)>,
    used: Vec<(String, Field)>,
    unknown: Vec<String>,
    header_len: usize,
    /// (row number, cells)
    records: Vec<(usize, Vec<String>)>,
    blank_rows: usize,
}

/// Pick the separator from the header line: whichever of `,` `;` tab occurs
/// most outside quotes (comma on a tie).
fn detect_delimiter(line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|i| (counts[*i], std::cmp::Reverse(*i))).unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        [b',', b';', b'\t'][best]
    }
}

/// If a quoted cell is never closed, the line it opens on.
fn unclosed_quote(text: &str, delimiter: u8) -> Option<usize> {
    #[derive(PartialEq)]
    enum S {
        Start,
        Plain,
        Quoted,
        QuoteInQuoted,
    }
    let d = delimiter as char;
    let (mut state, mut line, mut opened) = (S::Start, 1, 0);
    for c in text.chars() {
        state = match (state, c) {
            (S::Start, '"') => {
                opened = line;
                S::Quoted
            }
            (S::Quoted, '"') => S::QuoteInQuoted,
            (S::Quoted, _) => S::Quoted,
            (S::QuoteInQuoted, '"') => S::Quoted,
            (_, '\n') => S::Start,
            (_, c) if c == d => S::Start,
            (_, '\r') => S::Start,
            _ => S::Plain,
        };
        if c == '\n' {
            line += 1;
        }
    }
    (state == S::Quoted).then_some(opened)
}

fn parse_table(shown: &str, text: &str) -> Result<Table> {
    let mut body = text;
    let mut first_row = 1;
    let mut delimiter = None;
    // Excel's "sep=;" hint line.
    let first_line = text.lines().next().unwrap_or("").trim();
    if let Some(sep) = first_line
        .strip_prefix("sep=")
        .or_else(|| first_line.strip_prefix("SEP="))
    {
        if let [b] = sep.as_bytes() {
            delimiter = Some(*b);
            body = text.split_once('\n').map_or("", |(_, rest)| rest);
            first_row = 2;
        }
    }
    let header_line = body.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(header_line));
    if let Some(line) = unclosed_quote(body, delimiter) {
        return Err(Error::invalid(format!(
            "{shown} has a quoted cell that starts on line {} and is never closed: add the closing quote (\") and import again",
            line + first_row - 1
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(body.as_bytes());
    let mut records = reader.records();
    let mut row = first_row - 1;
    let bad = |e: csv::Error| {
        Error::invalid(format!(
            "{shown} could not be read as CSV ({e}): save it again as CSV UTF-8"
        ))
    };
    // The header: the first row that is not blank.
    let header = loop {
        match records.next() {
            None => {
                return Err(Error::invalid(format!(
                    "{shown} is empty: it needs a header row with a 'name' column and one row per pilot"
                )))
            }
            Some(r) => {
                row += 1;
                let r = r.map_err(bad)?;
                if r.iter().any(|c| !c.trim().is_empty()) {
                    break r;
                }
            }
        }
    };
    let mut columns = Vec::new();
    let mut used: Vec<(String, Field)> = Vec::new();
    let mut unknown = Vec::new();
    let mut seen: HashMap<Field, (usize, String)> = HashMap::new();
    for (i, h) in header.iter().enumerate() {
        let h = h.trim();
        match field_for_header(h) {
            Some(f) => {
                if let Some((j, other)) = seen.get(&f) {
                    return Err(Error::invalid(format!(
                        "{shown} has two columns for the {}: '{}' (column {}) and '{}' (column {}): keep one of them",
                        f.header(),
                        sanitize(other),
                        j + 1,
                        sanitize(h),
                        i + 1
                    )));
                }
                seen.insert(f, (i, h.to_string()));
                columns.push((i, f));
                used.push((h.to_string(), f));
            }
            None if h.is_empty() => {}
            None => unknown.push(h.to_string()),
        }
    }
    if !seen.contains_key(&Field::Name) {
        let found: Vec<String> = header
            .iter()
            .filter(|h| !h.trim().is_empty())
            .take(8)
            .map(|h| format!("'{}'", sanitize(h.trim())))
            .collect();
        return Err(Error::invalid(format!(
            "{shown} has no pilot name column (its header row has {}): add a column headed 'name' (or 'pilot')",
            if found.is_empty() {
                "no names".to_string()
            } else {
                found.join(", ")
            }
        )));
    }
    let header_len = header.len();
    let mut out = Vec::new();
    let mut blank_rows = 0;
    for r in records {
        row += 1;
        let r = r.map_err(bad)?;
        if r.iter().all(|c| c.trim().is_empty()) {
            blank_rows += 1;
            continue;
        }
        if out.len() == MAX_ROWS {
            return Err(Error::invalid(format!(
                "{shown} has more than {MAX_ROWS} pilot rows: split it into smaller files and import each"
            )));
        }
        out.push((row, r.iter().map(str::to_string).collect()));
    }
    Ok(Table {
        delimiter,
        columns,
        used,
        unknown,
        header_len,
        records: out,
        blank_rows,
    })
}

// ---------------------------------------------------------------- rows

/// What one valid row asks for.
#[derive(Debug, Clone)]
struct Wanted {
    row: usize,
    name: String,
    /// Non-empty text cells, by [`TEXT_FIELDS`] index.
    texts: [Option<String>; 6],
    sector: Option<Sector>,
    status: Option<Status>,
    /// Owner names by role index.
    owners: [Option<String>; 4],
}

fn read_row(table: &Table, row: usize, cells: &[String]) -> std::result::Result<Wanted, String> {
    if cells.len() > table.header_len && cells[table.header_len..].iter().any(|c| !c.trim().is_empty()) {
        return Err(format!(
            "the row has {} cells but the header has {}: put quotes around cells that contain the separator",
            cells.len(),
            table.header_len
        ));
    }
    let mut w = Wanted {
        row,
        name: String::new(),
        texts: Default::default(),
        sector: None,
        status: None,
        owners: Default::default(),
    };
    for (i, field) in &table.columns {
        let raw = cells.get(*i).map(String::as_str).unwrap_or("");
        if raw.trim().is_empty() {
            continue;
        }
        match field {
            Field::Name => w.name = validate_name("pilot", raw).map_err(|e| e.to_string())?,
            Field::Sector => w.sector = Some(parse_sector(raw).map_err(|e| e.to_string())?),
            Field::Status => w.status = Some(parse_status(raw).map_err(|e| e.to_string())?),
            f => {
                if let Some(role) = f.role() {
                    let kind = role.label().to_lowercase();
                    w.owners[role.index()] = Some(validate_name(&kind, raw).map_err(|e| e.to_string())?);
                } else if let Some(k) = f.text_index() {
                    let text = clean_text(f.header(), raw.trim()).map_err(|e| e.to_string())?;
                    w.texts[k] = Some(text);
                }
            }
        }
    }
    if w.name.is_empty() {
        return Err("the pilot name is empty: fill in the name column".into());
    }
    Ok(w)
}

/// SQLite's NOCASE folds ASCII only; match names the same way.
fn key(name: &str) -> String {
    name.to_ascii_lowercase()
}

fn fields_of(p: &Pilot) -> PilotFields {
    PilotFields {
        name: p.name.clone(),
        business_unit: p.business_unit.clone(),
        sector: Some(p.sector),
        business_case: p.business_case.clone(),
        data_sources: p.data_sources.clone(),
        model_class: p.model_class.clone(),
        integration_footprint: p.integration_footprint.clone(),
        governance_posture: p.governance_posture.clone(),
        status: Some(p.status),
    }
}

fn texts_mut(f: &mut PilotFields) -> [&mut String; 6] {
    [
        &mut f.business_unit,
        &mut f.business_case,
        &mut f.data_sources,
        &mut f.model_class,
        &mut f.integration_footprint,
        &mut f.governance_posture,
    ]
}

/// One change to make.
#[derive(Debug)]
enum Step {
    Add {
        row: usize,
        fields: PilotFields,
        owners: [Option<String>; 4],
    },
    Update {
        row: usize,
        id: i64,
        revision: i64,
        fields: Option<PilotFields>,
        /// (role, person name, revision of the owner row replaced)
        owners: Vec<(Role, String, Option<i64>)>,
    },
}

/// The report and the steps that produce it, from the rows and the
/// database's current contents.
fn plan(table: &Table, snapshot: &(Vec<Pilot>, Vec<Person>, Vec<(i64, Owner)>)) -> (ImportReport, Vec<Step>) {
    let (pilots, people, owners) = snapshot;
    let by_name: HashMap<String, &Pilot> = pilots.iter().map(|p| (key(&p.name), p)).collect();
    let mut person_known: HashMap<String, String> = people.iter().map(|p| (key(&p.name), p.name.clone())).collect();
    let mut owner_of: HashMap<(i64, Role), &Owner> = HashMap::new();
    for (pid, o) in owners {
        owner_of.insert((*pid, o.role), o);
    }
    let mut report = ImportReport {
        delimiter: table.delimiter as char,
        columns: table.used.clone(),
        unknown_columns: table.unknown.clone(),
        rows: table.records.len(),
        blank_rows: table.blank_rows,
        ..Default::default()
    };
    let mut steps = Vec::new();
    let mut first_row: HashMap<String, usize> = HashMap::new();
    let mut note_people = |names: &[Option<String>], report: &mut ImportReport| {
        for n in names.iter().flatten() {
            if let std::collections::hash_map::Entry::Vacant(slot) = person_known.entry(key(n)) {
                slot.insert(n.clone());
                report.people_added.push(n.clone());
            }
        }
    };
    for (row, cells) in &table.records {
        let w = match read_row(table, *row, cells) {
            Ok(w) => w,
            Err(reason) => {
                report.rejected.push(Rejection { row: *row, reason });
                continue;
            }
        };
        if let Some(first) = first_row.get(&key(&w.name)) {
            report.rejected.push(Rejection {
                row: w.row,
                reason: format!("pilot '{}' is already on row {first}: keep one row per pilot", w.name),
            });
            continue;
        }
        first_row.insert(key(&w.name), w.row);
        match by_name.get(&key(&w.name)) {
            None => {
                let mut fields = PilotFields {
                    name: w.name.clone(),
                    sector: w.sector,
                    status: w.status,
                    ..Default::default()
                };
                for (slot, v) in texts_mut(&mut fields).into_iter().zip(&w.texts) {
                    if let Some(v) = v {
                        slot.clone_from(v);
                    }
                }
                note_people(&w.owners, &mut report);
                report.added.push(RowResult {
                    row: w.row,
                    pilot: w.name.clone(),
                    changed: Vec::new(),
                });
                steps.push(Step::Add {
                    row: w.row,
                    fields,
                    owners: w.owners,
                });
            }
            Some(p) => {
                let mut changed = Vec::new();
                let mut fields = fields_of(p);
                for ((slot, v), f) in texts_mut(&mut fields).into_iter().zip(&w.texts).zip(TEXT_FIELDS) {
                    if let Some(v) = v {
                        if slot != v {
                            slot.clone_from(v);
                            changed.push(f.header());
                        }
                    }
                }
                if let Some(s) = w.sector.filter(|s| *s != p.sector) {
                    fields.sector = Some(s);
                    changed.push(Field::Sector.header());
                }
                if let Some(s) = w.status.filter(|s| *s != p.status) {
                    fields.status = Some(s);
                    changed.push(Field::Status.header());
                }
                let fields_changed = !changed.is_empty();
                let mut owner_steps = Vec::new();
                for role in Role::ALL {
                    let Some(name) = &w.owners[role.index()] else { continue };
                    let current = owner_of.get(&(p.id, *role));
                    if current.is_some_and(|o| key(&o.person) == key(name)) {
                        continue;
                    }
                    owner_steps.push((*role, name.clone(), current.map(|o| o.revision)));
                    let header = [
                        Field::ProductOwner,
                        Field::PlatformOwner,
                        Field::GovernanceOwner,
                        Field::BusinessOwner,
                    ][role.index()]
                    .header();
                    changed.push(header);
                }
                note_people(&w.owners, &mut report);
                let result = RowResult {
                    row: w.row,
                    pilot: p.name.clone(),
                    changed,
                };
                if result.changed.is_empty() {
                    report.unchanged.push(result);
                } else {
                    report.updated.push(result);
                    steps.push(Step::Update {
                        row: w.row,
                        id: p.id,
                        revision: p.revision,
                        fields: fields_changed.then_some(fields),
                        owners: owner_steps,
                    });
                }
            }
        }
    }
    // Only people an applied row names are added.
    let named: std::collections::HashSet<String> = steps
        .iter()
        .flat_map(|s| match s {
            Step::Add { owners, .. } => owners.iter().flatten().map(|n| key(n)).collect::<Vec<_>>(),
            Step::Update { owners, .. } => owners.iter().map(|(_, n, _)| key(n)).collect(),
        })
        .collect();
    report.people_added.retain(|n| named.contains(&key(n)));
    (report, steps)
}

fn apply(tx: &mut Tx<'_>, playbook: &Playbook, people: &[Person], steps: &[Step]) -> Result<()> {
    let items = playbook.items();
    let mut person_id: HashMap<String, i64> = people.iter().map(|p| (key(&p.name), p.id)).collect();
    let mut person = |tx: &mut Tx<'_>, name: &str| -> Result<i64> {
        if let Some(id) = person_id.get(&key(name)) {
            return Ok(*id);
        }
        let id = tx.add_person(name, "")?;
        person_id.insert(key(name), id);
        Ok(id)
    };
    for step in steps {
        let row = match step {
            Step::Add { row, .. } | Step::Update { row, .. } => *row,
        };
        let result = (|| -> Result<()> {
            match step {
                Step::Add { fields, owners, .. } => {
                    let id = tx.add_pilot(fields, &items)?;
                    for role in Role::ALL {
                        if let Some(name) = &owners[role.index()] {
                            let who = person(tx, name)?;
                            tx.assign_owner(id, *role, who, None)?;
                        }
                    }
                }
                Step::Update {
                    id,
                    revision,
                    fields,
                    owners,
                    ..
                } => {
                    if let Some(f) = fields {
                        tx.update_pilot(*id, *revision, f)?;
                    }
                    for (role, name, seen) in owners {
                        let who = person(tx, name)?;
                        tx.assign_owner(*id, *role, who, *seen)?;
                    }
                }
            }
            Ok(())
        })();
        result.map_err(|e| Error::invalid(format!("row {row} could not be imported ({e}); nothing was imported")))?;
    }
    Ok(())
}

/// Import pilots from the CSV file at `path` (see the module documentation
/// for the rules). With `dry_run`, nothing is written and the report says
/// what would happen. A file-level problem is an error and changes nothing.
pub fn import_csv(store: &mut Store, playbook: &Playbook, path: &Path, dry_run: bool) -> Result<ImportReport> {
    let shown = sanitize(&path.display().to_string());
    let text = read_text(path)?;
    let table = parse_table(&shown, &text)?;
    drop(text);
    let file = path
        .file_name()
        .map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().to_string());
    if dry_run {
        let snapshot = store.import_snapshot()?;
        let (mut report, _) = plan(&table, &snapshot);
        report.file = file;
        report.dry_run = true;
        return Ok(report);
    }
    store.write(|tx| {
        // Plan again inside the transaction: nothing can change meanwhile.
        let snapshot = tx.import_snapshot()?;
        let (mut report, steps) = plan(&table, &snapshot);
        report.file = file;
        if report.changes() {
            apply(tx, playbook, &snapshot.1, &steps)?;
            let summary = format!("{}: {}", report.file, report.counts());
            tx.audit("import", 0, None, "pilots", None, Some(&summary))?;
        }
        Ok(report)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_case_and_punctuation_insensitively() {
        assert_eq!(field_for_header(" Pilot Name "), Some(Field::Name));
        assert_eq!(field_for_header("BUSINESS_UNIT"), Some(Field::BusinessUnit));
        assert_eq!(field_for_header("Business-Unit"), Some(Field::BusinessUnit));
        assert_eq!(field_for_header("Owner of record"), Some(Field::BusinessOwner));
        assert_eq!(field_for_header("Budget"), None);
        assert_eq!(normalise_header("  Data  sources (main) "), "data sources main");
    }

    #[test]
    fn sectors_and_statuses_accept_keys_labels_and_aliases() {
        assert_eq!(parse_sector("Financial services").unwrap(), Sector::Financial);
        assert_eq!(parse_sector("FINANCIAL").unwrap(), Sector::Financial);
        assert_eq!(parse_sector("enterprise-tech").unwrap(), Sector::Enterprise);
        assert_eq!(parse_sector("Public sector").unwrap(), Sector::Government);
        assert!(parse_sector("retail")
            .unwrap_err()
            .to_string()
            .contains("unknown sector 'retail'"));
        assert_eq!(parse_status("In production").unwrap(), Status::Production);
        assert_eq!(parse_status("on hold").unwrap(), Status::Paused);
        assert!(parse_status("dormant").is_err());
    }

    #[test]
    fn delimiters_are_detected_outside_quotes() {
        assert_eq!(detect_delimiter("name,sector"), b',');
        assert_eq!(detect_delimiter("name;sector;\"a,b,c\""), b';');
        assert_eq!(detect_delimiter("name\tsector"), b'\t');
        assert_eq!(detect_delimiter("name"), b',');
    }

    #[test]
    fn unclosed_quotes_are_found() {
        assert_eq!(unclosed_quote("a,b\n\"x,y\n", b','), Some(2));
        assert_eq!(unclosed_quote("a,b\n\"x\ny\",z\n", b','), None);
        assert_eq!(unclosed_quote("a,b\nsay \"hi\",z\n", b','), None);
        assert_eq!(unclosed_quote("a;\"b\"\"c\"\n", b';'), None);
    }

    #[test]
    fn decoding_refuses_what_is_not_utf8_text() {
        let e = |b: &[u8]| decode("f.csv", b.to_vec()).unwrap_err().to_string();
        assert!(e(b"PK\x03\x04rest").contains("ZIP archive"));
        assert!(e(b"\xff\xfen\x00").contains("UTF-16"));
        assert!(e(b"name\n\x00\x01").contains("binary"));
        assert!(e(b"name\nCaf\xe9\n").contains("not UTF-8 text (the first bad byte is on line 2)"));
        assert!(e(b"\xef\xbb\xbf \r\n").contains("is empty"));
        assert_eq!(decode("f.csv", b"\xef\xbb\xbfname\n".to_vec()).unwrap(), "name\n");
    }
}
