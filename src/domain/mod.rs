//! Domain rules with no I/O: the vocabulary, the readiness verdict, the
//! candidate ranking, the programme calendar and name resolution.

pub mod calendar;
pub mod candidates;
pub mod model;
pub mod names;
pub mod readiness;

pub use model::*;
pub use readiness::{assess, Blocker, Facts, Readiness, Verdict};
