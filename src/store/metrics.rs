//! Evaluation metrics: baseline, minimum viable, target, stretch, current.

use super::Cached;
use super::{Store, Tx};
use crate::domain::model::{Metric, MetricCategory, MetricFields};
use crate::error::Conflict;
use crate::text::{sanitize, validate_name};
use crate::{Error, Result};
use rusqlite::{params, OptionalExtension, Row};

const METRIC_COLUMNS: &str =
    "id, pilot_id, category, name, unit, higher_is_better, baseline, minimum, target, stretch, current, revision, updated_by, updated_at";

fn metric_from_row(r: &Row) -> rusqlite::Result<Metric> {
    Ok(Metric {
        id: r.get(0)?,
        pilot_id: r.get(1)?,
        category: MetricCategory::new(&r.get::<_, String>(2)?),
        name: r.get(3)?,
        unit: r.get(4)?,
        higher_is_better: r.get(5)?,
        baseline: r.get(6)?,
        minimum: r.get(7)?,
        target: r.get(8)?,
        stretch: r.get(9)?,
        current: r.get(10)?,
        revision: r.get(11)?,
    })
}

/// A value as the audit trail records it: exactly, so the trail can be
/// replayed ([`super::state`]).
fn exact(v: Option<f64>) -> String {
    v.map(super::state::exact_num).unwrap_or_else(|| "-".into())
}

fn show(v: Option<f64>) -> String {
    v.map(crate::playbook::rubric::fmt_num).unwrap_or_else(|| "-".into())
}

impl Store {
    /// One metric by id.
    pub fn metric(&self, id: i64) -> Result<Metric> {
        let sql = format!("SELECT {METRIC_COLUMNS} FROM metrics WHERE id = ?1");
        self.conn()
            .prepare_cached(&sql)
            .and_then(|mut s| s.query_row([id], metric_from_row).optional())
            .map_err(|e| self.err(e))?
            .ok_or_else(|| crate::Error::not_found(format!("metric {id} no longer exists")))
    }

    /// A pilot's metrics by category then name.
    pub fn metrics(&self, pilot_id: i64) -> Result<Vec<Metric>> {
        let sql = format!("SELECT {METRIC_COLUMNS} FROM metrics WHERE pilot_id = ?1 ORDER BY id");
        let mut stmt = self.conn().prepare_cached(&sql).map_err(|e| self.err(e))?;
        let rows = stmt
            .query_map([pilot_id], metric_from_row)
            .map_err(|e| self.err(e))?
            .collect::<rusqlite::Result<Vec<_>>>()
            .map_err(|e| self.err(e))?;
        Ok(rows)
    }
}

impl Tx<'_> {
    /// Add a metric to a pilot.
    pub fn add_metric(&mut self, pilot_id: i64, f: &MetricFields) -> Result<i64> {
        let name = validate_name("metric", &f.name)?;
        let unit = crate::text::clean_text("unit", &f.unit)?;
        let category = f
            .category
            .clone()
            .unwrap_or_else(|| MetricCategory::new(MetricCategory::DEFAULT_KEY));
        crate::domain::metrics::check_levels(f)
            .map_err(|(_, msg)| Error::invalid(format!("metric '{}': {msg}", sanitize(&name))))?;
        for v in [f.baseline, f.minimum, f.target, f.stretch, f.current]
            .into_iter()
            .flatten()
        {
            if !v.is_finite() {
                return Err(Error::invalid(format!(
                    "metric '{}' has a value that is not a number: use plain numbers",
                    sanitize(&name)
                )));
            }
        }
        let clash: Option<i64> = self
            .conn()
            .cached_row(
                "SELECT id FROM metrics WHERE pilot_id = ?1 AND name = ?2",
                params![pilot_id, name],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if clash.is_some() {
            return Err(Error::invalid(format!(
                "this pilot already has a metric named '{}': update it instead",
                sanitize(&name)
            )));
        }
        self.conn()
            .prepare_cached(
                "INSERT INTO metrics (pilot_id, category, name, unit, higher_is_better, baseline, minimum, target, stretch, current, updated_at, updated_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
            )
            .and_then(|mut s| {
                s.execute(params![
                    pilot_id, category.key(), name, unit, f.higher_is_better, f.baseline, f.minimum, f.target, f.stretch,
                    f.current, self.now, self.actor
                ])
            })
            .map_err(|e| self.err(e))?;
        let id = self.conn().last_insert_rowid();
        let summary = format!(
            "{name} [{}] baseline {} / min {} / target {} / stretch {} / current {}",
            category.key(),
            show(f.baseline),
            show(f.minimum),
            show(f.target),
            show(f.stretch),
            show(f.current)
        );
        self.audit_metric_created(id, pilot_id, &summary)?;
        if f.scorecard {
            self.set_scorecard(pilot_id, id)?;
        }
        Ok(id)
    }

    /// Record a metric's current value.
    pub fn set_metric_current(&mut self, id: i64, revision: i64, value: Option<f64>) -> Result<()> {
        if value.is_some_and(|v| !v.is_finite()) {
            return Err(Error::invalid("the metric value is not a number: use a plain number"));
        }
        let sql = format!("SELECT {METRIC_COLUMNS} FROM metrics WHERE id = ?1");
        let (m, by, at): (Metric, String, String) = self
            .conn()
            .query_row(&sql, [id], |r| Ok((metric_from_row(r)?, r.get(12)?, r.get(13)?)))
            .optional()
            .map_err(|e| self.err(e))?
            .ok_or_else(|| Error::not_found(format!("metric {id} no longer exists")))?;
        if m.revision != revision {
            return Err(Error::Conflict(Conflict {
                what: format!("metric '{}'", sanitize(&m.name)),
                current: show(m.current),
                by,
                at,
            }));
        }
        self.conn()
            .execute(
                "UPDATE metrics SET current = ?1, revision = revision + 1, updated_at = ?2, updated_by = ?3 WHERE id = ?4",
                params![value, self.now, self.actor, id],
            )
            .map_err(|e| self.err(e))?;
        self.audit(
            "metric",
            id,
            Some(m.pilot_id),
            "current",
            Some(&exact(m.current)),
            Some(&exact(value)),
        )
    }
}

/// What the audit trail pins of a pilot's scorecard: the metric.
pub(crate) fn scorecard_digest(metric_id: i64) -> String {
    super::audit::chain_hash("scorecard", &[Some(&metric_id.to_string())])
}

impl Store {
    /// The metric that is a pilot's one-number scorecard, if one is marked.
    pub fn scorecard(&self, pilot_id: i64) -> Result<Option<i64>> {
        self.conn()
            .cached_row(
                "SELECT metric_id FROM scorecards WHERE pilot_id = ?1",
                [pilot_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))
    }
}

impl Tx<'_> {
    /// Mark one of a pilot's metrics as its one-number scorecard (seed
    /// 001), in place of any other. Returns the metric it replaced.
    pub fn set_scorecard(&mut self, pilot_id: i64, metric_id: i64) -> Result<Option<i64>> {
        let name: Option<String> = self
            .conn()
            .cached_row(
                "SELECT name FROM metrics WHERE id = ?1 AND pilot_id = ?2",
                params![metric_id, pilot_id],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some(name) = name else {
            return Err(Error::not_found(format!(
                "metric {metric_id} is not one of this pilot's"
            )));
        };
        let old: Option<(i64, String)> = self
            .conn()
            .cached_row(
                "SELECT s.metric_id, m.name FROM scorecards s JOIN metrics m ON m.id = s.metric_id WHERE s.pilot_id = ?1",
                [pilot_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        if old.as_ref().is_some_and(|(id, _)| *id == metric_id) {
            return Ok(Some(metric_id));
        }
        self.conn()
            .cached_exec(
                "INSERT INTO scorecards (pilot_id, metric_id, updated_at, updated_by) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (pilot_id) DO UPDATE SET metric_id = excluded.metric_id,
                   revision = scorecards.revision + 1, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                params![pilot_id, metric_id, self.now, self.actor],
            )
            .map_err(|e| self.err(e))?;
        self.audit_with_digest(
            "scorecard",
            pilot_id,
            Some(pilot_id),
            "metric",
            old.as_ref().map(|(_, n)| n.as_str()),
            Some(&name),
            Some(&scorecard_digest(metric_id)),
        )?;
        Ok(old.map(|(id, _)| id))
    }
}
