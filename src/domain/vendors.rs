//! A pilot's vendor asks as a list: every ask the playbook names with the
//! evidence received, then asks the file holds that the playbook no longer
//! lists (kept, marked retired).

use super::model::{VendorAskRecord, VendorChoice};
use crate::playbook::Playbook;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AskRow {
    pub key: String,
    pub name: String,
    pub hint: String,
    pub evidence: Option<VendorAskRecord>,
    /// The playbook no longer lists it.
    pub retired: bool,
}

/// The playbook's asks with their evidence, then retired ones.
pub fn ask_rows(pb: &Playbook, records: &[VendorAskRecord]) -> Vec<AskRow> {
    let mut out: Vec<AskRow> = pb
        .vendor_asks
        .iter()
        .map(|a| AskRow {
            key: a.key.clone(),
            name: a.name.clone(),
            hint: a.hint.clone(),
            evidence: records.iter().find(|r| r.key == a.key).cloned(),
            retired: false,
        })
        .collect();
    for r in records.iter().filter(|r| pb.vendor_ask(&r.key).is_none()) {
        out.push(AskRow {
            key: r.key.clone(),
            name: r.key.clone(),
            hint: String::new(),
            evidence: Some(r.clone()),
            retired: true,
        });
    }
    out
}

/// How many of the playbook's asks have evidence, of how many.
pub fn coverage(rows: &[AskRow]) -> (usize, usize) {
    let live = rows.iter().filter(|r| !r.retired);
    let of = live.clone().count();
    (live.filter(|r| r.evidence.is_some()).count(), of)
}

/// A vendor choice in a few words.
pub fn describe(c: Option<&VendorChoice>) -> String {
    match c {
        None => "not said yet".into(),
        Some(VendorChoice::Vendor { name }) => name.clone(),
        Some(VendorChoice::InHouse { reason }) => format!("built in-house ({reason})"),
    }
}
