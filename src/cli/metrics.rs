//! `lastmile metric`: a pilot's evaluation metrics, from the command line,
//! with the same rules as the workbench's metric form
//! ([`crate::domain::metrics`]).

use super::args::{MetricArgs, MetricCmd};
use super::output::{outln, print_json, Table};
use super::{CliError, CliResult, Ctx};
use crate::domain::metrics::{check_levels, parse_level};
use crate::domain::model::{Metric, MetricFields, MetricStanding};
use crate::playbook::rubric::fmt_num;
use crate::text::sanitize;
use crate::Error;

pub fn metric(ctx: &mut Ctx, a: MetricArgs) -> CliResult {
    let p = ctx.store.find_pilot(&a.pilot)?;
    match a.action {
        None => {
            let list = ctx.store.metrics(p.id)?;
            if a.json {
                let card = ctx.store.scorecard(p.id)?;
                let rows: Vec<serde_json::Value> = list
                    .iter()
                    .map(|m| serde_json::json!({ "metric": m, "standing": m.standing(), "scorecard": card == Some(m.id) }))
                    .collect();
                print_json(&serde_json::json!({ "pilot": p.name, "metrics": rows }))?;
                return Ok(());
            }
            if list.is_empty() {
                outln!(
                    "'{}' has no metrics yet: add one with 'lastmile metric PILOT add NAME --category C --min X --target X'.",
                    sanitize(&p.name)
                );
                return Ok(());
            }
            let mut list = list;
            list.sort_by_key(|m| ctx.playbook.category_index(&m.category));
            outln!("{}", list_table(&ctx.playbook, &list, ctx.store.scorecard(p.id)?));
            Ok(())
        }
        Some(MetricCmd::Add {
            name,
            category,
            unit,
            baseline,
            minimum,
            target,
            stretch,
            current,
            lower_is_better,
            scorecard,
        }) => {
            let level = |flag: &str, v: &Option<String>| -> Result<Option<f64>, CliError> {
                match v {
                    None => Ok(None),
                    Some(raw) => parse_level(raw).map_err(|e| CliError::Usage(format!("--{flag}: {e}"))),
                }
            };
            let fields = MetricFields {
                category: Some(
                    ctx.playbook
                        .category_key(&category)
                        .map_err(|e| CliError::Usage(format!("--category: {e}")))?,
                ),
                name,
                unit,
                higher_is_better: !lower_is_better,
                baseline: level("baseline", &baseline)?,
                minimum: level("min", &minimum)?,
                target: level("target", &target)?,
                stretch: level("stretch", &stretch)?,
                current: level("current", &current)?,
                scorecard,
            };
            if let Err((field, msg)) = check_levels(&fields) {
                let flag = if field == "target" { "--target" } else { "--stretch" };
                return Err(CliError::Run(Error::invalid(format!("{flag}: {msg}"))));
            }
            ctx.store.write(|tx| tx.add_metric(p.id, &fields))?;
            outln!(
                "Added metric '{}' to '{}'{}.",
                sanitize(fields.name.trim()),
                sanitize(&p.name),
                if scorecard { " as its one-number scorecard" } else { "" }
            );
            Ok(())
        }
        Some(MetricCmd::Scorecard { name }) => {
            let list = ctx.store.metrics(p.id)?;
            let m = find_metric(&list, &name, &p.name)?;
            let old = ctx.store.write(|tx| tx.set_scorecard(p.id, m.id))?;
            let was = old
                .filter(|o| *o != m.id)
                .and_then(|o| list.iter().find(|x| x.id == o))
                .map(|o| format!(" (was '{}')", sanitize(&o.name)))
                .unwrap_or_default();
            outln!(
                "'{}' is the one-number scorecard of '{}'{was}.",
                sanitize(&m.name),
                sanitize(&p.name)
            );
            if m.baseline.is_none() || m.target.is_none() {
                outln!("Note: a scorecard counts at the gate once it has a baseline and a target.");
            }
            Ok(())
        }
        Some(MetricCmd::Set { name, value }) => {
            let list = ctx.store.metrics(p.id)?;
            let m = find_metric(&list, &name, &p.name)?;
            let v = if value.trim() == "-" {
                None
            } else {
                match parse_level(&value).map_err(CliError::Usage)? {
                    Some(v) => Some(v),
                    None => return Err(CliError::Usage("give a value, or - to clear it".into())),
                }
            };
            ctx.store.write(|tx| tx.set_metric_current(m.id, m.revision, v))?;
            let now = ctx.store.metric(m.id)?;
            outln!(
                "{}: now {} ({}).",
                sanitize(&m.name),
                v.map_or("no value".to_string(), |v| format!(
                    "{}{}",
                    fmt_num(v),
                    sanitize(&m.unit)
                )),
                standing_label(now.standing())
            );
            Ok(())
        }
    }
}

/// A metric by exact name (case ignored) or unique prefix.
fn find_metric<'a>(list: &'a [Metric], name: &str, pilot: &str) -> Result<&'a Metric, CliError> {
    let want = name.trim().to_lowercase();
    if let Some(m) = list.iter().find(|m| m.name.to_lowercase() == want) {
        return Ok(m);
    }
    let hits: Vec<&Metric> = list
        .iter()
        .filter(|m| m.name.to_lowercase().starts_with(&want))
        .collect();
    match hits.as_slice() {
        [m] => Ok(m),
        [] => Err(CliError::Run(Error::not_found(format!(
            "'{}' has no metric named '{}': list them with 'lastmile metric \"{}\"'",
            sanitize(pilot),
            sanitize(name),
            sanitize(pilot)
        )))),
        many => Err(CliError::Run(Error::invalid(format!(
            "'{}' matches {} metrics ({}): type more of the name",
            sanitize(name),
            many.len(),
            many.iter().map(|m| sanitize(&m.name)).collect::<Vec<_>>().join(", ")
        )))),
    }
}

fn standing_label(s: MetricStanding) -> &'static str {
    match s {
        MetricStanding::NoData => "no value yet",
        MetricStanding::BelowMinimum => "below minimum viable",
        MetricStanding::Minimum => "at minimum viable",
        MetricStanding::Target => "at target",
        MetricStanding::Stretch => "at stretch",
    }
}

fn list_table(pb: &crate::playbook::Playbook, list: &[Metric], scorecard: Option<i64>) -> String {
    let n = |v: Option<f64>| v.map_or("-".to_string(), fmt_num);
    let mut t = Table::new(
        &[
            "METRIC", "CATEGORY", "UNIT", "BASELINE", "MIN", "TARGET", "STRETCH", "CURRENT", "STANDING",
        ],
        &[60, 22, 10, 10, 10, 10, 10, 10, 22],
    );
    for m in list {
        t.row(vec![
            format!(
                "{}{}{}",
                sanitize(&m.name),
                if m.higher_is_better { "" } else { " (lower is better)" },
                if scorecard == Some(m.id) { " · scorecard" } else { "" }
            ),
            sanitize(&pb.category_label(&m.category)),
            m.unit.clone(),
            n(m.baseline),
            n(m.minimum),
            n(m.target),
            n(m.stretch),
            n(m.current),
            standing_label(m.standing()).to_string(),
        ]);
    }
    t.render()
}
