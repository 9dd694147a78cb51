//! The rules every checklist item follows, a pilot's or the programme's:
//! "not applicable" is kept only with its reason, written as the note.

use super::model::ItemState;
use crate::text::{sanitize, truncate};

/// Whether an item may move to `to`: not applicable needs the reason in
/// its note first.
pub fn state_change(text: &str, note: &str, to: ItemState) -> crate::Result<()> {
    if to == ItemState::Na && note.trim().is_empty() {
        return Err(crate::Error::invalid(format!(
            "\"{}\" can be marked not applicable only with a reason: write the reason in its note first",
            truncate(&sanitize(text), 50)
        )));
    }
    Ok(())
}

/// Whether an item's note may become `note`: a not-applicable item keeps
/// its reason.
pub fn note_change(text: &str, state: ItemState, note: &str) -> crate::Result<()> {
    if state == ItemState::Na && note.trim().is_empty() {
        return Err(crate::Error::invalid(format!(
            "\"{}\" is not applicable, and its note is the reason: change the reason, or the state first",
            truncate(&sanitize(text), 50)
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_applicable_keeps_its_reason() {
        assert!(state_change("x", " ", ItemState::Na).is_err());
        assert!(state_change("x", "does not apply: no PII", ItemState::Na).is_ok());
        assert!(state_change("x", "", ItemState::Done).is_ok());
        assert!(note_change("x", ItemState::Na, "").is_err());
        assert!(note_change("x", ItemState::Done, "").is_ok());
    }
}
