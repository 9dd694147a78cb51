//! Domain rules with no I/O: the vocabulary, the stage gates and verdicts, the
//! candidate ranking, the programme calendar and name resolution.

pub mod calendar;
pub mod candidates;
pub mod gates;
pub mod items;
pub mod metrics;
pub mod model;
pub mod names;
pub mod readiness;
pub mod rights;
pub mod staged_ids;
pub mod sync;
pub mod vendors;

pub use gates::{judge, GateFacts, GateResult, Judgement};
pub use model::*;
pub use readiness::Verdict;
