//! Evaluation metrics: how a typed level is read, and which levels agree
//! with each other. The workbench's metric form, `lastmile metric` and the
//! store all apply these rules, so no way in accepts what another refuses.

use super::model::MetricFields;

/// Read a typed level: `85`, `0.25`, `1,200`, `92%`; empty means none.
pub fn parse_level(raw: &str) -> Result<Option<f64>, String> {
    let t = raw.trim();
    if t.is_empty() {
        return Ok(None);
    }
    // A comma separates thousands ("1,200"); a decimal comma ("0,25")
    // would be misread as 25, so it is refused.
    let whole = t.trim_start_matches(['-', '+']).split('.').next().unwrap_or("");
    let mut groups = whole.split(',');
    let first = groups.next().unwrap_or("");
    let thousands = groups.all(|g| g.len() == 3 && g.chars().all(|c| c.is_ascii_digit()));
    if t.contains(',')
        && (!thousands || first.is_empty() || first.len() > 3 || t.split('.').nth(1).is_some_and(|d| d.contains(',')))
    {
        return Err(format!(
            "'{}' is not a number: write it like 85 or 0.25 (a comma only between thousands)",
            crate::text::sanitize(t)
        ));
    }
    match t.replace(',', "").trim_end_matches('%').trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!(
            "'{}' is not a number: write it like 85 or 0.25",
            crate::text::sanitize(t)
        )),
    }
}

/// The levels must run the metric's way: for higher-is-better, minimum
/// viable ≤ target ≤ stretch (the other way round for lower-is-better).
/// The error names the field to fix ("target" or "stretch").
pub fn check_levels(f: &MetricFields) -> Result<(), (&'static str, String)> {
    let (higher, way) = if f.higher_is_better {
        (true, "higher is better")
    } else {
        (false, "lower is better")
    };
    let wrong = |a: f64, b: f64| if higher { b < a } else { b > a };
    if let (Some(min), Some(target)) = (f.minimum, f.target) {
        if wrong(min, target) {
            return Err((
                "target",
                format!(
                    "the target is {} the minimum viable level although {way}: check the levels, or whether lower is better",
                    if higher { "below" } else { "above" }
                ),
            ));
        }
    }
    let floor = f.target.or(f.minimum);
    if let (Some(t), Some(stretch)) = (floor, f.stretch) {
        if wrong(t, stretch) {
            return Err((
                "stretch",
                format!(
                    "the stretch level is {} the target although {way}: a stretch goes beyond the target",
                    if higher { "below" } else { "above" }
                ),
            ));
        }
    }
    Ok(())
}

/// Metrics in the playbook's order of categories (then as added), the
/// order every list shows them in.
pub fn in_playbook_order(pb: &crate::playbook::Playbook, metrics: &mut [crate::domain::model::Metric]) {
    metrics.sort_by_key(|m| pb.category_index(&m.category));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(higher: bool, min: f64, target: f64, stretch: f64) -> MetricFields {
        MetricFields {
            category: None,
            name: "x".into(),
            unit: String::new(),
            higher_is_better: higher,
            baseline: None,
            minimum: Some(min),
            target: Some(target),
            stretch: Some(stretch),
            current: None,
            scorecard: false,
        }
    }

    #[test]
    fn levels_are_read_as_people_write_them() {
        assert_eq!(parse_level(" 1,200 "), Ok(Some(1200.0)));
        assert_eq!(parse_level("92%"), Ok(Some(92.0)));
        assert_eq!(parse_level(""), Ok(None));
        assert!(parse_level("lots").unwrap_err().contains("not a number"));
        assert!(parse_level("inf").is_err());
        assert!(parse_level("0,25").is_err(), "a decimal comma is not read as 25");
        assert_eq!(parse_level("-5"), Ok(Some(-5.0)));
        assert_eq!(parse_level("12,345,678.5"), Ok(Some(12_345_678.5)));
    }

    #[test]
    fn levels_must_run_the_metrics_way() {
        assert!(check_levels(&m(true, 70.0, 85.0, 95.0)).is_ok());
        assert_eq!(check_levels(&m(true, 85.0, 70.0, 95.0)).unwrap_err().0, "target");
        assert_eq!(check_levels(&m(true, 70.0, 85.0, 80.0)).unwrap_err().0, "stretch");
        // Lower is better: minutes to resolve.
        assert!(check_levels(&m(false, 30.0, 20.0, 10.0)).is_ok());
        assert_eq!(check_levels(&m(false, 20.0, 30.0, 10.0)).unwrap_err().0, "target");
        assert_eq!(check_levels(&m(false, 30.0, 20.0, 25.0)).unwrap_err().0, "stretch");
    }
}
