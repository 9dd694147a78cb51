//! The audit trail and the two hash chains (audit events, decisions).
//! Each row's hash is SHA-256 over the previous row's hash and the row's
//! content, so editing or deleting a row behind lastmile's back breaks the
//! chain from that row on.

use super::Cached;
use super::{Store, Tx};
use crate::domain::model::AuditEvent;
use crate::Result;
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first row of a chain.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Hash the previous hash and the fields, unambiguously separated.
pub(crate) fn chain_hash(prev: &str, fields: &[Option<&str>]) -> String {
    let mut h = FieldHasher::new(prev);
    for f in fields {
        h.field(*f);
    }
    h.finish()
}

/// [`chain_hash`] a field at a time, for callers that read the fields one
/// by one (a row digest) and need not collect them first.
pub(crate) struct FieldHasher(Sha256);

impl FieldHasher {
    pub(crate) fn new(prev: &str) -> FieldHasher {
        let mut h = Sha256::new();
        h.update(prev.as_bytes());
        FieldHasher(h)
    }

    pub(crate) fn field(&mut self, f: Option<&str>) {
        self.bytes(f.map(str::as_bytes));
    }

    /// A field given as its UTF-8 bytes.
    pub(crate) fn bytes(&mut self, f: Option<&[u8]>) {
        match f {
            Some(s) => {
                self.0.update([1u8]);
                self.0.update((s.len() as u64).to_le_bytes());
                self.0.update(s);
            }
            None => self.0.update([0u8]),
        }
    }

    pub(crate) fn finish(self) -> String {
        hex(&self.0.finalize())
    }
}

/// Lower-case hexadecimal, without a `format!` per byte (a bulk load hashes
/// hundreds of thousands of rows).
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    out
}

/// The hashed content of one audit event, in chain order.
struct AuditContent<'a> {
    at: &'a str,
    actor: &'a str,
    entity: &'a str,
    entity_id: &'a str,
    pilot_id: Option<&'a str>,
    field: &'a str,
    old: Option<&'a str>,
    new: Option<&'a str>,
    /// Schema 3: the digest of the row (or rows) an event creates, so the
    /// chain pins their whole content ([`super::state`]). Events without
    /// one hash exactly as before, so older chains still verify.
    digest: Option<&'a str>,
}

impl AuditContent<'_> {
    fn hash(&self, prev: &str) -> String {
        let mut f = vec![
            Some(self.at),
            Some(self.actor),
            Some(self.entity),
            Some(self.entity_id),
            self.pilot_id,
            Some(self.field),
            self.old,
            self.new,
        ];
        if let Some(d) = self.digest {
            f.push(Some(d));
        }
        chain_hash(prev, &f)
    }
}

/// The newest audit event's hash (the chain's head), or the genesis hash.
pub(crate) fn audit_head(c: &rusqlite::Connection) -> rusqlite::Result<String> {
    Ok(
        c.cached_row("SELECT hash FROM audit_events ORDER BY id DESC LIMIT 1", [], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or_else(|| GENESIS.to_string()),
    )
}

/// One event to append with [`append_event`].
pub(crate) struct NewEvent<'a> {
    pub at: &'a str,
    pub actor: &'a str,
    pub entity: &'a str,
    pub entity_id: i64,
    pub pilot_id: Option<i64>,
    pub field: &'a str,
    pub old: Option<&'a str>,
    pub new: Option<&'a str>,
    pub digest: Option<&'a str>,
}

/// Append one event after `prev` (the chain's head); returns its hash.
pub(crate) fn append_event(c: &rusqlite::Connection, prev: &str, ev: &NewEvent) -> rusqlite::Result<String> {
    let id_s = ev.entity_id.to_string();
    let pilot_s = ev.pilot_id.map(|p| p.to_string());
    let hash = AuditContent {
        at: ev.at,
        actor: ev.actor,
        entity: ev.entity,
        entity_id: &id_s,
        pilot_id: pilot_s.as_deref(),
        field: ev.field,
        old: ev.old,
        new: ev.new,
        digest: ev.digest,
    }
    .hash(prev);
    c.prepare_cached(
        "INSERT INTO audit_events (at, actor, entity, entity_id, pilot_id, field, old_value, new_value, digest, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?
    .execute(params![
        ev.at, ev.actor, ev.entity, ev.entity_id, ev.pilot_id, ev.field, ev.old, ev.new, ev.digest, prev, hash
    ])?;
    Ok(hash)
}

impl Tx<'_> {
    /// Record one change. `field` is a column name or `created`.
    pub fn audit(
        &mut self,
        entity: &str,
        entity_id: i64,
        pilot_id: Option<i64>,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
    ) -> Result<()> {
        self.audit_with_digest(entity, entity_id, pilot_id, field, old, new, None)
    }

    /// Record the creation of a row whose content `digest` pins
    /// ([`super::state`]).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn audit_with_digest(
        &mut self,
        entity: &str,
        entity_id: i64,
        pilot_id: Option<i64>,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
        digest: Option<&str>,
    ) -> Result<()> {
        let prev = match self.last_audit_hash.take() {
            Some(h) => h,
            None => audit_head(self.conn()).map_err(|e| self.err(e))?,
        };
        let hash = append_event(
            self.conn(),
            &prev,
            &NewEvent {
                at: &self.now,
                actor: self.actor,
                entity,
                entity_id,
                pilot_id,
                field,
                old,
                new,
                digest,
            },
        )
        .map_err(|e| self.err(e))?;
        self.last_audit_hash = Some(hash);
        Ok(())
    }

    /// Hash of the newest decision, or the genesis hash.
    pub(crate) fn decision_head(&self) -> Result<String> {
        Ok(self
            .conn()
            .cached_row("SELECT hash FROM decisions ORDER BY id DESC LIMIT 1", [], |r| r.get(0))
            .optional()
            .map_err(|e| self.err(e))?
            .unwrap_or_else(|| GENESIS.to_string()))
    }
}

/// The state of one hash chain.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ChainReport {
    pub name: &'static str,
    pub entries: u64,
    pub head: String,
    /// The first row whose stored hashes do not match, with the reason.
    pub broken_at: Option<(i64, String)>,
    /// Every hash in order (used to check an anchor).
    #[serde(skip)]
    pub hashes: Vec<String>,
}

impl ChainReport {
    fn walk(name: &'static str, rows: impl Iterator<Item = (i64, String, String, String)>) -> ChainReport {
        let mut r = ChainReport {
            name,
            entries: 0,
            head: GENESIS.to_string(),
            broken_at: None,
            hashes: Vec::new(),
        };
        let mut expected_prev = GENESIS.to_string();
        for (id, prev, stored, computed) in rows {
            r.entries += 1;
            if r.broken_at.is_none() {
                if prev != expected_prev {
                    r.broken_at = Some((
                        id,
                        format!("{name} row {id} does not follow the row before it (a row was removed or reordered)"),
                    ));
                } else if stored != computed {
                    r.broken_at = Some((id, format!("{name} row {id} was changed after it was written")));
                }
            }
            expected_prev = stored.clone();
            r.head = stored.clone();
            r.hashes.push(stored);
        }
        r
    }
}

/// Recompute both chains from the stored rows.
pub fn verify_chains(store: &Store) -> Result<Vec<ChainReport>> {
    let c = store.conn();
    let mut stmt = c
        .prepare("SELECT id, at, actor, entity, entity_id, pilot_id, field, old_value, new_value, prev_hash, hash, digest FROM audit_events ORDER BY id")
        .map_err(|e| store.err(e))?;
    let rows = stmt
        .query_map([], |r| {
            let id: i64 = r.get(0)?;
            let at: String = r.get(1)?;
            let actor: String = r.get(2)?;
            let entity: String = r.get(3)?;
            let entity_id: i64 = r.get(4)?;
            let pilot_id: Option<i64> = r.get(5)?;
            let field: String = r.get(6)?;
            let old: Option<String> = r.get(7)?;
            let new: Option<String> = r.get(8)?;
            let prev: String = r.get(9)?;
            let hash: String = r.get(10)?;
            let digest: Option<String> = r.get(11)?;
            let eid = entity_id.to_string();
            let pid = pilot_id.map(|p| p.to_string());
            let computed = AuditContent {
                at: &at,
                actor: &actor,
                entity: &entity,
                entity_id: &eid,
                pilot_id: pid.as_deref(),
                field: &field,
                old: old.as_deref(),
                new: new.as_deref(),
                digest: digest.as_deref(),
            }
            .hash(&prev);
            Ok((id, prev, hash, computed))
        })
        .map_err(|e| store.err(e))?
        .collect::<rusqlite::Result<Vec<_>>>()
        .map_err(|e| store.err(e))?;
    let audit = ChainReport::walk("audit event", rows.into_iter());
    let decisions = super::decisions::chain_rows(store)?;
    let decisions = ChainReport::walk("decision", decisions.into_iter());
    Ok(vec![decisions, audit])
}

impl Store {
    /// Audit events, newest first; for one pilot or all, at most `limit`.
    pub fn audit_events(&self, pilot_id: Option<i64>, limit: usize) -> Result<Vec<AuditEvent>> {
        // Two statements, not `?1 IS NULL OR pilot_id = ?1`: with the OR
        // SQLite cannot use the audit_pilot index and walks the whole
        // table from the newest event to find one pilot's.
        let sql = match pilot_id {
            Some(_) => {
                "SELECT id, at, actor, entity, entity_id, pilot_id, field, old_value, new_value, hash
                 FROM audit_events WHERE pilot_id = ?1 ORDER BY id DESC LIMIT ?2"
            }
            // The whole trail leaves out the events of pilots an
            // unfinished import is adding: nobody can open them yet.
            None => {
                "SELECT id, at, actor, entity, entity_id, pilot_id, field, old_value, new_value, hash
                 FROM audit_events WHERE ?1 IS NULL
                   AND (pilot_id IS NULL OR pilot_id NOT IN (SELECT pilot_id FROM staged_pilots))
                 ORDER BY id DESC LIMIT ?2"
            }
        };
        let mut stmt = self.conn().prepare_cached(sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map(params![pilot_id, limit as i64], |r| {
                Ok(AuditEvent {
                    id: r.get(0)?,
                    at: r.get(1)?,
                    actor: r.get(2)?,
                    entity: r.get(3)?,
                    entity_id: r.get(4)?,
                    pilot_id: r.get(5)?,
                    field: r.get(6)?,
                    old_value: r.get(7)?,
                    new_value: r.get(8)?,
                    hash: r.get(9)?,
                })
            })
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_separates_fields() {
        assert_ne!(
            chain_hash(GENESIS, &[Some("ab"), Some("c")]),
            chain_hash(GENESIS, &[Some("a"), Some("bc")])
        );
        assert_ne!(chain_hash(GENESIS, &[None]), chain_hash(GENESIS, &[Some("")]));
        assert_eq!(chain_hash(GENESIS, &[Some("x")]).len(), 64);
    }

    #[test]
    fn chain_verifies_and_detects_tampering() {
        let mut s = Store::open_in_memory("t").unwrap();
        s.write(|tx| {
            tx.audit("pilot", 1, Some(1), "created", None, Some("A"))?;
            tx.audit("pilot", 1, Some(1), "name", Some("A"), Some("B"))
        })
        .unwrap();
        s.write(|tx| tx.audit("pilot", 1, Some(1), "phase", Some("assessment"), Some("scaffolding")))
            .unwrap();
        let r = verify_chains(&s).unwrap();
        assert!(r.iter().all(|c| c.broken_at.is_none()), "{r:?}");
        // The new file's programme row, then the three events above.
        assert_eq!(r[1].entries, 4);
        s.conn()
            .execute_batch(
                "DROP TRIGGER audit_append_only_update; UPDATE audit_events SET new_value = 'C' WHERE id = 3;",
            )
            .unwrap();
        let r = verify_chains(&s).unwrap();
        assert_eq!(r[1].broken_at.as_ref().unwrap().0, 3);
    }
}
