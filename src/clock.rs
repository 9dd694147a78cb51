//! Today's date. `LASTMILE_TODAY=YYYY-MM-DD` pins it (tests, demos,
//! reproducing a report); otherwise the local date.

use chrono::NaiveDate;

/// The date lastmile treats as today.
pub fn today() -> NaiveDate {
    std::env::var("LASTMILE_TODAY")
        .ok()
        .and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Local::now().date_naive())
}
