//! Reading an inventory file into a table: size limits, the UTF-8 check
//! (byte-order mark, UTF-16, workbooks and binaries refused), the separator,
//! unclosed quotes, and the header matched to fields.

use super::columns::{field_for_header, Field};
use crate::text::sanitize;
use crate::{Error, Result};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// Largest file an import reads.
pub const MAX_FILE_BYTES: u64 = 20 * 1024 * 1024;
/// Most pilot rows one file may hold.
pub const MAX_ROWS: usize = 100_000;

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
pub(super) struct Table {
    pub(super) delimiter: u8,
    pub(super) columns: Vec<(usize, Field)>,
    pub(super) used: Vec<(String, Field)>,
    pub(super) unknown: Vec<String>,
    pub(super) header_len: usize,
    /// (row number, cells)
    pub(super) records: Vec<(usize, Vec<String>)>,
    pub(super) blank_rows: usize,
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

pub(super) fn parse_table(shown: &str, text: &str) -> Result<Table> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
