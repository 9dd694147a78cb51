//! The one clock every programme date comes from: "today", decision dates,
//! review dates, score ages and the time stamped on every change.
//!
//! `LASTMILE_TODAY=YYYY-MM-DD` pins the date (tests, demos, reproducing a
//! report); otherwise it is the local date. A pinned clock still stamps
//! changes with the real time of day, on the pinned date, so the order of
//! changes is kept and a score recorded "today" is as old as the pinned
//! date says.

use chrono::{NaiveDate, SecondsFormat, TimeZone, Utc};

/// Where today comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clock {
    pinned: Option<NaiveDate>,
}

impl Clock {
    /// The system clock: the local date.
    pub fn system() -> Clock {
        Clock { pinned: None }
    }

    /// A clock whose date is always `today`.
    pub fn fixed(today: NaiveDate) -> Clock {
        Clock { pinned: Some(today) }
    }

    /// `LASTMILE_TODAY` when set, the system clock otherwise. A value that
    /// is not a date is an error naming the variable and the fix.
    pub fn from_env() -> crate::Result<Clock> {
        match std::env::var("LASTMILE_TODAY") {
            Ok(v) if !v.trim().is_empty() => NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
                .map(Clock::fixed)
                .map_err(|_| {
                    crate::Error::invalid(format!(
                        "LASTMILE_TODAY '{}' is not a date: write it as YYYY-MM-DD, or unset it to use today's date",
                        crate::text::sanitize(&v)
                    ))
                }),
            _ => Ok(Clock::system()),
        }
    }

    /// `from_env`, falling back to the system clock when the variable is
    /// not a date (for library callers that cannot report an error).
    pub fn from_env_or_system() -> Clock {
        Clock::from_env().unwrap_or_else(|_| Clock::system())
    }

    /// Whether the date is pinned.
    pub fn is_pinned(&self) -> bool {
        self.pinned.is_some()
    }

    /// The date lastmile treats as today.
    pub fn today(&self) -> NaiveDate {
        self.pinned.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// The time stamped on a change: RFC 3339 UTC, seconds. On a pinned
    /// clock, the pinned date with the real local time of day, so the
    /// stamp's local date is the pinned date.
    pub fn now_utc(&self) -> String {
        let now = Utc::now();
        let at = match self.pinned {
            Some(d) => {
                let local = d.and_time(chrono::Local::now().time());
                chrono::Local
                    .from_local_datetime(&local)
                    .earliest()
                    .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
            }
            None => now,
        };
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    }

    /// The local date of a stored RFC 3339 time (the date `today` is
    /// compared with); `None` when it is not a time.
    pub fn local_date_of(at: &str) -> Option<NaiveDate> {
        chrono::DateTime::parse_from_rfc3339(at.trim())
            .ok()
            .map(|t| t.with_timezone(&chrono::Local).date_naive())
            .or_else(|| NaiveDate::parse_from_str(at.get(..10)?, "%Y-%m-%d").ok())
    }
}

/// The date lastmile treats as today, from the environment.
pub fn today() -> NaiveDate {
    Clock::from_env_or_system().today()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fixed_clock_keeps_its_date_and_stamps_it() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let c = Clock::fixed(d);
        assert_eq!(c.today(), d);
        assert!(c.is_pinned());
        assert_eq!(Clock::local_date_of(&c.now_utc()), Some(d), "{}", c.now_utc());
        assert!(!Clock::system().is_pinned());
    }
}
