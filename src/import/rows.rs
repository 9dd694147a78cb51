//! One data row read against the header: the name, sector, status, text
//! and owner cells it asks for, or the reason it is rejected.

use super::columns::{parse_sector, parse_status, Field};
use super::csv_text::Table;
use crate::domain::model::{Sector, Status};
use crate::text::{clean_text, validate_name};

/// What one valid row asks for.
#[derive(Debug, Clone)]
pub(super) struct Wanted {
    pub(super) row: usize,
    pub(super) name: String,
    /// Non-empty text cells, by [`TEXT_FIELDS`](super::columns::TEXT_FIELDS) index.
    pub(super) texts: [Option<String>; 6],
    pub(super) sector: Option<Sector>,
    pub(super) status: Option<Status>,
    /// Owner names by role index.
    pub(super) owners: [Option<String>; 4],
}

/// The row's cells as what it asks for, or the reason it is rejected.
pub(super) fn read_row(
    playbook: &crate::playbook::Playbook,
    table: &Table,
    row: usize,
    cells: &[String],
) -> std::result::Result<Wanted, String> {
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
            Field::Sector => w.sector = Some(parse_sector(playbook, raw).map_err(|e| e.to_string())?),
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
