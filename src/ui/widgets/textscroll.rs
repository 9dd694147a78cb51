//! Scrolling a block of wrapped text (help, the reference panel): the
//! position, and how far the last drawing could go, so `G` reaches the end
//! and `k` from there moves at once.

use crate::ui::action::Action;
use std::cell::Cell;

#[derive(Debug, Clone, Default)]
pub struct TextScroll {
    pub offset: usize,
    /// How far the last drawing could scroll (set while drawing).
    max: Cell<usize>,
}

impl TextScroll {
    /// Move for a scrolling action; false when `a` is not one.
    pub fn handle(&mut self, a: Action, page: usize) -> bool {
        let max = self.max.get();
        let at = self.offset.min(max);
        self.offset = match a {
            Action::Up => at.saturating_sub(1),
            Action::Down => (at + 1).min(max),
            Action::PageUp => at.saturating_sub(page),
            Action::PageDown => (at + page).min(max),
            Action::Top => 0,
            // The end, wherever it is once drawn (no drawing may have
            // measured the text yet).
            Action::Bottom => usize::MAX,
            _ => return false,
        };
        true
    }

    /// Drawing found `rows` of text in a view `height` rows tall: returns
    /// the first row to show.
    pub fn fit(&self, rows: usize, height: usize) -> usize {
        let max = rows.saturating_sub(height);
        self.max.set(max);
        self.offset.min(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_end_is_reachable_and_up_from_it_moves_at_once() {
        let mut s = TextScroll::default();
        assert_eq!(s.fit(30, 10), 0);
        assert!(s.handle(Action::Bottom, 5));
        assert_eq!(s.fit(30, 10), 20);
        s.handle(Action::Up, 5);
        assert_eq!(s.offset, 19);
        s.handle(Action::PageDown, 5);
        s.handle(Action::PageDown, 5);
        assert_eq!(s.offset, 20, "never past the end");
        assert!(!s.handle(Action::Open, 5));
    }
}
