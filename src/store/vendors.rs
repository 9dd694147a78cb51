//! A pilot's vendor (seed 000): the vendor's name or "built in-house" with
//! the reason, and per ask the playbook lists (a reference call, a written
//! integration architecture, a production SLA) the evidence received.
//! Every change is an audit event (entity `vendor`, and `vendor-ask` with
//! the ask's key as field) whose digest pins what the row holds after it,
//! so `verify` can tell a row changed behind lastmile's back.

use super::audit::chain_hash;
use super::Cached;
use super::{Store, Tx};
use crate::domain::model::{PilotVendor, VendorAskRecord, VendorChoice};
use crate::error::Conflict;
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension};

pub(crate) const VENDOR: &str = "vendor";
pub(crate) const ASK: &str = "vendor-ask";

/// The longest vendor name, reason or evidence lastmile keeps.
pub const VENDOR_TEXT_MAX: usize = 300;

/// What the audit trail pins of a vendor row.
pub(crate) fn vendor_digest(vendor: &str, reason: &str) -> String {
    chain_hash(VENDOR, &[Some(vendor), Some(reason)])
}

/// What the audit trail pins of an ask's row.
pub(crate) fn ask_digest(evidence: &str) -> String {
    chain_hash(ASK, &[Some(evidence)])
}

fn shown(c: &VendorChoice) -> String {
    match c {
        VendorChoice::Vendor { name } => format!("vendor {name}"),
        VendorChoice::InHouse { reason } => format!("in-house ({reason})"),
    }
}

/// One line of visible text, at most [`VENDOR_TEXT_MAX`] characters.
fn one_line(kind: &str, raw: &str) -> Result<String> {
    let t = crate::text::clean_line(kind, raw)?;
    if t.is_empty() {
        return Err(Error::invalid(format!("the {kind} is empty: say it in a few words")));
    }
    if t.chars().count() > VENDOR_TEXT_MAX {
        return Err(Error::invalid(format!(
            "the {kind} is longer than {VENDOR_TEXT_MAX} characters: shorten it"
        )));
    }
    Ok(t)
}

/// A vendor choice as stored: its text checked and cleaned.
pub fn check_choice(c: &VendorChoice) -> Result<VendorChoice> {
    Ok(match c {
        VendorChoice::Vendor { name } => VendorChoice::Vendor {
            name: one_line("vendor's name", name)?,
        },
        VendorChoice::InHouse { reason } => VendorChoice::InHouse {
            reason: one_line("reason it is built in-house", reason)?,
        },
    })
}

/// Evidence of an ask as stored.
pub fn check_evidence(raw: &str) -> Result<String> {
    one_line("evidence", raw)
}

fn read_vendor(c: &rusqlite::Connection, pilot_id: i64) -> rusqlite::Result<Option<PilotVendor>> {
    c.prepare_cached(
        "SELECT vendor, in_house_reason, revision, updated_by, updated_at FROM pilot_vendors WHERE pilot_id = ?1",
    )?
    .query_row([pilot_id], |r| {
        let vendor: String = r.get(0)?;
        let reason: String = r.get(1)?;
        Ok(PilotVendor {
            choice: if vendor.trim().is_empty() {
                VendorChoice::InHouse { reason }
            } else {
                VendorChoice::Vendor { name: vendor }
            },
            revision: r.get(2)?,
            updated_by: r.get(3)?,
            updated_at: r.get(4)?,
        })
    })
    .optional()
}

fn read_asks(c: &rusqlite::Connection, pilot_id: i64) -> rusqlite::Result<Vec<VendorAskRecord>> {
    let mut stmt =
        c.prepare_cached(
            "SELECT ask_key, evidence, revision, updated_by, updated_at FROM vendor_asks WHERE pilot_id = ?1 ORDER BY ask_key",
        )?;
    let rows = stmt.query_map([pilot_id], |r| {
        Ok(VendorAskRecord {
            key: r.get(0)?,
            evidence: r.get(1)?,
            revision: r.get(2)?,
            updated_by: r.get(3)?,
            updated_at: r.get(4)?,
        })
    })?;
    rows.collect()
}

impl Store {
    /// A pilot's vendor record (`None`: nobody said yet).
    pub fn vendor(&self, pilot_id: i64) -> Result<Option<PilotVendor>> {
        read_vendor(self.conn(), pilot_id).map_err(|e| self.err(e))
    }

    /// The asks with evidence for a pilot, by key.
    pub fn vendor_asks(&self, pilot_id: i64) -> Result<Vec<VendorAskRecord>> {
        read_asks(self.conn(), pilot_id).map_err(|e| self.err(e))
    }
}

impl Tx<'_> {
    fn pilot_exists(&self, pilot_id: i64) -> Result<()> {
        let found: Option<i64> = self
            .conn()
            .cached_row("SELECT id FROM pilots WHERE id = ?1", [pilot_id], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?;
        found
            .map(|_| ())
            .ok_or_else(|| Error::not_found(format!("pilot {pilot_id} no longer exists")))
    }

    /// Say who builds a pilot: a vendor, or in-house with the reason.
    /// `seen` is the row's revision the user saw (`None`: nobody had said).
    /// Returns the record it replaced.
    pub fn set_vendor(
        &mut self,
        pilot_id: i64,
        choice: &VendorChoice,
        seen: Option<i64>,
    ) -> Result<Option<PilotVendor>> {
        let choice = check_choice(choice)?;
        self.pilot_exists(pilot_id)?;
        let current = read_vendor(self.conn(), pilot_id).map_err(|e| self.err(e))?;
        match (&current, seen) {
            (Some(c), _) if c.choice == choice => return Ok(current),
            (Some(c), s) if s != Some(c.revision) => {
                return Err(Error::Conflict(Conflict {
                    what: "the pilot's vendor".into(),
                    current: shown(&c.choice),
                    by: c.updated_by.clone(),
                    at: c.updated_at.clone(),
                }))
            }
            (None, Some(_)) => {
                return Err(Error::Conflict(Conflict {
                    what: "the pilot's vendor".into(),
                    current: "nothing (it was cleared)".into(),
                    by: "another terminal".into(),
                    at: "just now".into(),
                }))
            }
            _ => {}
        }
        let (vendor, reason) = match &choice {
            VendorChoice::Vendor { name } => (name.as_str(), ""),
            VendorChoice::InHouse { reason } => ("", reason.as_str()),
        };
        self.conn()
            .cached_exec(
                // A new row continues after every revision the slot had, so
                // a revision seen before a clear never matches.
                "INSERT INTO pilot_vendors (pilot_id, vendor, in_house_reason, updated_at, updated_by, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1 + (SELECT count(*) FROM audit_events
                     WHERE pilot_id = ?1 AND entity = 'vendor' AND entity_id = ?1))
                 ON CONFLICT (pilot_id) DO UPDATE SET vendor = excluded.vendor,
                   in_house_reason = excluded.in_house_reason, revision = pilot_vendors.revision + 1,
                   updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![pilot_id, vendor, reason, self.now, self.actor],
            )
            .map_err(|e| self.err(e))?;
        self.audit_with_digest(
            VENDOR,
            pilot_id,
            Some(pilot_id),
            VENDOR,
            current.as_ref().map(|c| shown(&c.choice)).as_deref(),
            Some(&shown(&choice)),
            Some(&vendor_digest(vendor, reason)),
        )?;
        Ok(current)
    }

    /// Forget who builds a pilot (against the revision seen). Returns what
    /// was recorded (`None`: nothing was).
    pub fn clear_vendor(&mut self, pilot_id: i64, seen: i64) -> Result<Option<PilotVendor>> {
        let Some(current) = read_vendor(self.conn(), pilot_id).map_err(|e| self.err(e))? else {
            return Ok(None);
        };
        if current.revision != seen {
            return Err(Error::Conflict(Conflict {
                what: "the pilot's vendor".into(),
                current: shown(&current.choice),
                by: current.updated_by.clone(),
                at: current.updated_at.clone(),
            }));
        }
        self.conn()
            .cached_exec("DELETE FROM pilot_vendors WHERE pilot_id = ?1", [pilot_id])
            .map_err(|e| self.err(e))?;
        self.audit(
            VENDOR,
            pilot_id,
            Some(pilot_id),
            VENDOR,
            Some(&shown(&current.choice)),
            None,
        )?;
        Ok(Some(current))
    }

    /// Record the evidence for one ask (`label` names it in messages;
    /// `seen` as for [`Tx::set_vendor`]). Returns the record it replaced.
    pub fn set_vendor_ask(
        &mut self,
        pilot_id: i64,
        key: &str,
        label: &str,
        evidence: &str,
        seen: Option<i64>,
    ) -> Result<Option<VendorAskRecord>> {
        let evidence = check_evidence(evidence)?;
        self.pilot_exists(pilot_id)?;
        let current = read_asks(self.conn(), pilot_id)
            .map_err(|e| self.err(e))?
            .into_iter()
            .find(|a| a.key == key);
        match (&current, seen) {
            (Some(c), _) if c.evidence == evidence => return Ok(current),
            (Some(c), s) if s != Some(c.revision) => {
                return Err(Error::Conflict(Conflict {
                    what: format!("the evidence of {}", label.to_lowercase()),
                    current: c.evidence.clone(),
                    by: c.updated_by.clone(),
                    at: c.updated_at.clone(),
                }))
            }
            (None, Some(_)) => {
                return Err(Error::Conflict(Conflict {
                    what: format!("the evidence of {}", label.to_lowercase()),
                    current: "none (it was cleared)".into(),
                    by: "another terminal".into(),
                    at: "just now".into(),
                }))
            }
            _ => {}
        }
        self.conn()
            .cached_exec(
                "INSERT INTO vendor_asks (pilot_id, ask_key, evidence, updated_at, updated_by, revision)
                 VALUES (?1, ?2, ?3, ?4, ?5, 1 + (SELECT count(*) FROM audit_events
                     WHERE pilot_id = ?1 AND entity = 'vendor-ask' AND entity_id = ?1 AND field = ?2))
                 ON CONFLICT (pilot_id, ask_key) DO UPDATE SET evidence = excluded.evidence,
                   revision = vendor_asks.revision + 1,
                   updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![pilot_id, key, evidence, self.now, self.actor],
            )
            .map_err(|e| self.err(e))?;
        self.audit_with_digest(
            ASK,
            pilot_id,
            Some(pilot_id),
            key,
            current.as_ref().map(|c| c.evidence.as_str()),
            Some(&evidence),
            Some(&ask_digest(&evidence)),
        )?;
        Ok(current)
    }

    /// Take back an ask's evidence (against the revision seen).
    pub fn clear_vendor_ask(
        &mut self,
        pilot_id: i64,
        key: &str,
        label: &str,
        seen: i64,
    ) -> Result<Option<VendorAskRecord>> {
        let Some(current) = read_asks(self.conn(), pilot_id)
            .map_err(|e| self.err(e))?
            .into_iter()
            .find(|a| a.key == key)
        else {
            return Ok(None);
        };
        if current.revision != seen {
            return Err(Error::Conflict(Conflict {
                what: format!("the evidence of {}", label.to_lowercase()),
                current: current.evidence.clone(),
                by: current.updated_by.clone(),
                at: current.updated_at.clone(),
            }));
        }
        self.conn()
            .cached_exec(
                "DELETE FROM vendor_asks WHERE pilot_id = ?1 AND ask_key = ?2",
                params![pilot_id, key],
            )
            .map_err(|e| self.err(e))?;
        self.audit(ASK, pilot_id, Some(pilot_id), key, Some(&current.evidence), None)?;
        Ok(Some(current))
    }
}
