//! The programme calendar: day 1 is the start date; days run to 90.

use super::model::Phase;
use chrono::NaiveDate;

/// Programme day of `today` for a programme starting on `start` (day 1).
pub fn programme_day(start: NaiveDate, today: NaiveDate) -> i64 {
    (today - start).num_days() + 1
}

/// "Day 37 of 90 · Scaffolding", or before/after the programme.
pub fn describe_day(day: i64) -> String {
    if day < 1 {
        format!("{} day(s) before day 1", 1 - day)
    } else if day > 90 {
        format!("Day {day} (past day 90)")
    } else {
        format!("Day {day} of 90 · {}", Phase::of_day(day).label())
    }
}

/// Parse a YYYY-MM-DD date with a readable error.
pub fn parse_date(what: &str, s: &str) -> crate::Result<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        crate::Error::invalid(format!(
            "the {what} '{}' is not a date: write it as YYYY-MM-DD, e.g. 2026-09-01",
            crate::text::sanitize(s)
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_count_from_one() {
        let start = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(programme_day(start, start), 1);
        assert_eq!(programme_day(start, NaiveDate::from_ymd_opt(2026, 2, 6).unwrap()), 37);
        assert_eq!(describe_day(37), "Day 37 of 90 · Scaffolding");
        assert_eq!(describe_day(0), "1 day(s) before day 1");
        assert!(describe_day(95).contains("past day 90"));
        assert!(parse_date("start date", "2026-13-01").is_err());
    }
}
