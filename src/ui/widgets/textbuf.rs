//! A small text buffer with a cursor, for the filter, prompts, form fields
//! and the note editor. Cursor positions are in characters.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use unicode_width::UnicodeWidthChar;

/// Editable text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextBuf {
    text: String,
    /// Cursor position in characters.
    cursor: usize,
    multiline: bool,
}

impl TextBuf {
    pub fn new(text: &str) -> TextBuf {
        TextBuf {
            text: text.to_string(),
            cursor: text.chars().count(),
            multiline: false,
        }
    }

    pub fn multiline(text: &str) -> TextBuf {
        TextBuf {
            multiline: true,
            ..TextBuf::new(text)
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    pub fn cursor(&self) -> usize {
        self.cursor
    }

    pub fn is_multiline(&self) -> bool {
        self.multiline
    }

    pub fn set(&mut self, text: &str) {
        self.text = text.to_string();
        self.cursor = text.chars().count();
    }

    pub fn clear(&mut self) {
        self.set("");
    }

    fn byte_at(&self, char_idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(char_idx)
            .map_or(self.text.len(), |(b, _)| b)
    }

    fn len(&self) -> usize {
        self.text.chars().count()
    }

    /// Insert text at the cursor (pasting; newlines dropped when single-line).
    pub fn insert_str(&mut self, s: &str) {
        for c in s.chars() {
            if c == '\r' {
                continue;
            }
            if c == '\n' && !self.multiline {
                self.insert(' ');
            } else if c == '\n' || c == '\t' || !c.is_control() {
                self.insert(c);
            }
        }
    }

    fn insert(&mut self, c: char) {
        let b = self.byte_at(self.cursor);
        self.text.insert(b, c);
        self.cursor += 1;
    }

    fn line_start(&self, at: usize) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = at.min(chars.len());
        while i > 0 && chars[i - 1] != '\n' {
            i -= 1;
        }
        i
    }

    fn line_end(&self, at: usize) -> usize {
        let chars: Vec<char> = self.text.chars().collect();
        let mut i = at.min(chars.len());
        while i < chars.len() && chars[i] != '\n' {
            i += 1;
        }
        i
    }

    /// Apply an editing key; false when the key is not an editing key.
    pub fn handle_key(&mut self, k: &KeyEvent) -> bool {
        let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
        match k.code {
            KeyCode::Char('u') if ctrl => {
                let start = self.line_start(self.cursor);
                let (a, b) = (self.byte_at(start), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = start;
            }
            KeyCode::Char('w') if ctrl => {
                let chars: Vec<char> = self.text.chars().collect();
                let mut i = self.cursor;
                while i > 0 && chars[i - 1] == ' ' {
                    i -= 1;
                }
                while i > 0 && chars[i - 1] != ' ' && chars[i - 1] != '\n' {
                    i -= 1;
                }
                let (a, b) = (self.byte_at(i), self.byte_at(self.cursor));
                self.text.replace_range(a..b, "");
                self.cursor = i;
            }
            KeyCode::Char('a') if ctrl => self.cursor = self.line_start(self.cursor),
            KeyCode::Char('e') if ctrl => self.cursor = self.line_end(self.cursor),
            KeyCode::Char(_) if ctrl || k.modifiers.contains(KeyModifiers::ALT) => return false,
            KeyCode::Char(c) => self.insert(c),
            KeyCode::Enter if self.multiline => self.insert('\n'),
            KeyCode::Backspace => {
                if self.cursor > 0 {
                    self.cursor -= 1;
                    let b = self.byte_at(self.cursor);
                    self.text.remove(b);
                }
            }
            KeyCode::Delete => {
                if self.cursor < self.len() {
                    let b = self.byte_at(self.cursor);
                    self.text.remove(b);
                }
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(self.len()),
            KeyCode::Home => self.cursor = self.line_start(self.cursor),
            KeyCode::End => self.cursor = self.line_end(self.cursor),
            KeyCode::Up if self.multiline => {
                let start = self.line_start(self.cursor);
                if start > 0 {
                    let col = self.cursor - start;
                    let prev_start = self.line_start(start - 1);
                    self.cursor = (prev_start + col).min(start - 1);
                }
            }
            KeyCode::Down if self.multiline => {
                let start = self.line_start(self.cursor);
                let end = self.line_end(self.cursor);
                if end < self.len() {
                    let col = self.cursor - start;
                    let next_end = self.line_end(end + 1);
                    self.cursor = (end + 1 + col).min(next_end);
                }
            }
            _ => return false,
        }
        true
    }

    /// Visual lines of the text wrapped at `width` cells, and the cursor's
    /// (row, column) among them.
    pub fn wrapped(&self, width: usize) -> (Vec<String>, (usize, usize)) {
        let width = width.max(1);
        // Each row: (char index, char shown, cells); a newline ends its
        // row as a zero-width entry, so the cursor can sit on it.
        let mut rows: Vec<Vec<(usize, char, usize)>> = vec![Vec::new()];
        for (i, c) in self.text.chars().enumerate() {
            if c == '\n' {
                rows.last_mut().expect("at least one row").push((i, '\n', 0));
                rows.push(Vec::new());
                continue;
            }
            let shown = if c == '\t' { ' ' } else { c };
            let w = shown.width().unwrap_or(0);
            let cells = |r: &[(usize, char, usize)]| r.iter().map(|x| x.2).sum::<usize>();
            let row = rows.last_mut().expect("at least one row");
            // A space that does not fit hangs at the end of its row (the
            // view keeps a spare column for it); the next word starts the
            // next row.
            if shown == ' ' || cells(row) + w <= width {
                row.push((i, shown, w));
                continue;
            }
            // Break after the row's last space (not a leading one), so
            // words stay whole; a word longer than the row is broken where
            // it must be.
            let tail = match row.iter().rposition(|x| x.1 == ' ') {
                Some(sp) if sp > 0 || row.len() > 1 => row.split_off(sp + 1),
                _ => Vec::new(),
            };
            if cells(&tail) + w <= width {
                rows.push(tail);
            } else {
                // The moved part and this character do not fit together.
                if !tail.is_empty() {
                    rows.push(tail);
                }
                rows.push(Vec::new());
            }
            rows.last_mut().expect("at least one row").push((i, shown, w));
        }
        let col_of = |row: &[(usize, char, usize)], upto: usize| row[..upto].iter().map(|x| x.2).sum::<usize>();
        let mut cur = None;
        for (r, row) in rows.iter().enumerate() {
            if let Some(k) = row.iter().position(|x| x.0 == self.cursor) {
                cur = Some((r, col_of(row, k)));
                break;
            }
        }
        let cur = cur.unwrap_or_else(|| {
            let last = rows.len() - 1;
            let col = col_of(&rows[last], rows[last].len());
            if col >= width {
                rows.push(Vec::new());
                (last + 1, 0)
            } else {
                (last, col)
            }
        });
        let lines = rows
            .iter()
            .map(|r| r.iter().filter(|x| x.1 != '\n').map(|x| x.1).collect())
            .collect();
        (lines, cur)
    }

    /// The single-line view that fits `width` cells and keeps the cursor
    /// visible: (text, cursor column).
    pub fn window(&self, width: usize) -> (String, usize) {
        let width = width.max(1);
        let chars: Vec<char> = self.text.chars().map(|c| if c == '\n' { '⏎' } else { c }).collect();
        let mut start = 0;
        let w = |s: &[char]| s.iter().map(|c| c.width().unwrap_or(0)).sum::<usize>();
        while w(&chars[start..self.cursor.min(chars.len())]) >= width {
            start += 1;
        }
        let mut out = String::new();
        let mut used = 0;
        for c in &chars[start..] {
            let cw = c.width().unwrap_or(0);
            if used + cw > width {
                break;
            }
            used += cw;
            out.push(*c);
        }
        (out, w(&chars[start..self.cursor.min(chars.len())]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyEventKind, KeyEventState};

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent {
            code,
            modifiers: KeyModifiers::NONE,
            kind: KeyEventKind::Press,
            state: KeyEventState::NONE,
        }
    }

    #[test]
    fn edits_and_moves() {
        let mut t = TextBuf::new("héllo");
        t.handle_key(&key(KeyCode::Left));
        t.handle_key(&key(KeyCode::Backspace));
        assert_eq!(t.text(), "hélo");
        t.handle_key(&key(KeyCode::Home));
        t.handle_key(&key(KeyCode::Char('>')));
        assert_eq!(t.text(), ">hélo");
        assert!(!t.handle_key(&key(KeyCode::Enter)));
    }

    #[test]
    fn multiline_wraps_with_cursor() {
        let mut t = TextBuf::multiline("abcdef\ngh");
        let (lines, cur) = t.wrapped(4);
        assert_eq!(lines, vec!["abcd", "ef", "gh"]);
        assert_eq!(cur, (2, 2));
        t.handle_key(&key(KeyCode::Up));
        assert_eq!(t.cursor(), 2);
        t.handle_key(&key(KeyCode::Enter));
        assert_eq!(t.text(), "ab\ncdef\ngh");
        let (_, c) = TextBuf::new("abcdefghij").window(4);
        assert_eq!(c, 3);
    }

    #[test]
    fn wrapping_keeps_words_whole_and_follows_the_cursor() {
        let t = TextBuf::multiline("four different people (004)");
        let (lines, cur) = t.wrapped(11);
        assert_eq!(lines, vec!["four ", "different ", "people ", "(004)"]);
        assert_eq!(cur, (3, 5), "the cursor at the end");
        let mut t = TextBuf::multiline("ab cdefgh");
        t.handle_key(&key(KeyCode::Home));
        for _ in 0..4 {
            t.handle_key(&key(KeyCode::Right));
        }
        let (lines, cur) = t.wrapped(5);
        assert_eq!(lines, vec!["ab ", "cdefg", "h"]);
        assert_eq!(cur, (1, 1), "on the d");
        // A space at the edge hangs there: no row of a lone space, no row
        // starting with one.
        let (lines, _) = TextBuf::multiline("abcde fghij").wrapped(5);
        assert_eq!(
            lines,
            vec!["abcde ", "fghij", ""],
            "the cursor after a full row starts the next"
        );
        // Wide characters never push a row past its width.
        let (lines, _) = TextBuf::multiline("ab cd界界").wrapped(5);
        for l in &lines {
            assert!(unicode_width::UnicodeWidthStr::width(l.trim_end()) <= 5, "{lines:?}");
        }
        let (lines, cur) = TextBuf::multiline("").wrapped(5);
        assert_eq!((lines, cur), (vec![String::new()], (0, 0)));
    }
}
