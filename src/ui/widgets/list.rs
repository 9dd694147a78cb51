//! Selection and scrolling for long lists: only the visible window is ever
//! drawn. The offset lives in a `Cell` so drawing (which only reads state)
//! can keep the selection in view without changing anything else.

use std::cell::Cell;

/// A selected index and the first visible row.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scroll {
    pub selected: usize,
    pub offset: Cell<usize>,
}

impl Scroll {
    pub fn new() -> Scroll {
        Scroll::default()
    }

    /// Keep the selection inside `len` rows.
    pub fn clamp(&mut self, len: usize) {
        if len == 0 {
            self.selected = 0;
        } else if self.selected >= len {
            self.selected = len - 1;
        }
    }

    pub fn up(&mut self, n: usize) {
        self.selected = self.selected.saturating_sub(n);
    }

    pub fn down(&mut self, n: usize, len: usize) {
        if len > 0 {
            self.selected = (self.selected + n).min(len - 1);
        }
    }

    /// Move for a list key (up, down, a page, the ends) over `len` rows;
    /// false when `a` is not one.
    pub fn handle(&mut self, a: crate::ui::action::Action, len: usize, page: usize) -> bool {
        use crate::ui::action::Action;
        match a {
            Action::Up => self.up(1),
            Action::Down => self.down(1, len),
            Action::PageUp => self.up(page),
            Action::PageDown => self.down(page, len),
            Action::Top => self.top(),
            Action::Bottom => self.bottom(len),
            _ => return false,
        }
        true
    }

    pub fn top(&mut self) {
        self.selected = 0;
    }

    pub fn bottom(&mut self, len: usize) {
        self.selected = len.saturating_sub(1);
    }

    /// The first row to show so `selected` is visible in `height` rows,
    /// moving the window as little as possible. Records it for the next
    /// draw and for mouse hit-testing.
    pub fn window(&self, len: usize, height: usize) -> usize {
        let off = window_offset(self.selected, len, height, self.offset.get());
        self.offset.set(off);
        off
    }
}

/// See [`Scroll::window`].
pub fn window_offset(selected: usize, len: usize, height: usize, prev: usize) -> usize {
    if height == 0 || len <= height {
        return 0;
    }
    let max_off = len - height;
    let mut off = prev.min(max_off);
    if selected < off {
        off = selected;
    } else if selected >= off + height {
        off = selected + 1 - height;
    }
    off.min(max_off)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_follows_selection_lazily() {
        assert_eq!(window_offset(0, 100, 10, 0), 0);
        assert_eq!(window_offset(9, 100, 10, 0), 0);
        assert_eq!(window_offset(10, 100, 10, 0), 1);
        assert_eq!(window_offset(5, 100, 10, 3), 3);
        assert_eq!(window_offset(2, 100, 10, 3), 2);
        assert_eq!(window_offset(99, 100, 10, 0), 90);
        assert_eq!(window_offset(3, 5, 10, 4), 0);
        assert_eq!(window_offset(3, 5, 0, 4), 0);
    }
}
