//! Untrusted text: names, notes and imported cells may hold control
//! characters or escape sequences. Nothing from the database reaches a
//! terminal without passing through [`sanitize`]; names are checked with
//! [`validate_name`] before they are stored.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Longest name lastmile accepts, in characters.
pub const MAX_NAME_CHARS: usize = 120;
/// Longest free text (notes, rationale) lastmile accepts, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Whether a character can act on a terminal: C0, DEL and C1 controls,
/// and the bidi overrides and isolates.
pub fn is_control(c: char) -> bool {
    // C0, DEL and C1 controls, plus bidi overrides that can reorder a line.
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Make text safe to print on a terminal: control characters (C0, C1, ESC,
/// DEL, bidi overrides) are shown as visible escapes like `\u{1b}`; newlines
/// and tabs become spaces unless `keep_newlines`.
pub fn sanitize_with(s: &str, keep_newlines: bool) -> String {
    if !s.chars().any(is_control) {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' if keep_newlines => out.push('\n'),
            '\n' | '\t' | '\r' => out.push(' '),
            c if is_control(c) => out.push_str(&c.escape_unicode().to_string()),
            c => out.push(c),
        }
    }
    out
}

/// [`sanitize_with`] for one-line display.
pub fn sanitize(s: &str) -> String {
    sanitize_with(s, false)
}

/// Check and tidy a name (pilot, person, metric): trims surrounding space,
/// refuses empty, over-long and control-character names with a sentence
/// saying what to change.
pub fn validate_name(kind: &str, raw: &str) -> crate::Result<String> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(crate::Error::invalid(format!(
            "the {kind} name is empty: give a name of 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    let count = name.chars().count();
    if count > MAX_NAME_CHARS {
        return Err(crate::Error::invalid(format!(
            "the {kind} name is {count} characters long: shorten it to at most {MAX_NAME_CHARS}"
        )));
    }
    if let Some((i, c)) = name.chars().enumerate().find(|(_, c)| is_control(*c)) {
        return Err(crate::Error::invalid(format!(
            "the {kind} name contains a control character ({}) at position {}: names were rejected, not cleaned; remove it and try again",
            c.escape_unicode(),
            i + 1
        )));
    }
    Ok(name.to_string())
}

/// Check free text (note, rationale): length only; control characters other
/// than newline and tab are removed, since notes are often pasted.
pub fn clean_text(kind: &str, raw: &str) -> crate::Result<String> {
    let count = raw.chars().count();
    if count > MAX_TEXT_CHARS {
        return Err(crate::Error::invalid(format!(
            "the {kind} is {count} characters long: shorten it to at most {MAX_TEXT_CHARS}"
        )));
    }
    Ok(raw
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !is_control(*c))
        .collect::<String>()
        .trim_end()
        .to_string())
}

/// Make JSON text safe to print on a terminal. A JSON encoder escapes C0
/// controls (ESC becomes `\u001b`) but writes DEL, C1 controls (such as
/// U+009B, a one-character CSI) and bidi overrides as they are; this
/// escapes those too. They can only occur inside JSON strings, so the
/// result is the same JSON value.
pub fn escape_json_controls(json: &str) -> String {
    let unescaped = |c: char| is_control(c) && c as u32 >= 0x7f;
    if !json.chars().any(unescaped) {
        return json.to_string();
    }
    let mut out = String::with_capacity(json.len() + 16);
    for c in json.chars() {
        if unescaped(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// Display width of text in terminal cells.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Left-align text in a column `cells` wide: pad with spaces to that
/// display width (`format!("{:<n}")` counts characters, so wide and
/// combining characters would push the next column out of line). Text
/// already wider is returned as it is; cut it first with [`truncate`].
pub fn pad(s: &str, cells: usize) -> String {
    let mut out = s.to_string();
    out.push_str(&" ".repeat(cells.saturating_sub(width(s))));
    out
}

/// Cut text to at most `max` cells, adding `…` when cut. Never splits a
/// character, never exceeds `max` even with wide characters.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = c.width().unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_escapes_escape_sequences() {
        let s = sanitize("a\u{1b}[2Jb\u{9b}c");
        assert!(!s.chars().any(|c| c.is_control()));
        assert_eq!(s, "a\\u{1b}[2Jb\\u{9b}c");
    }

    #[test]
    fn sanitize_leaves_plain_text_alone() {
        assert_eq!(sanitize("Fraud détection 詐欺 🚀"), "Fraud détection 詐欺 🚀");
        assert_eq!(sanitize("two\nlines"), "two lines");
        assert_eq!(sanitize_with("two\nlines", true), "two\nlines");
    }

    #[test]
    fn names_are_validated() {
        assert_eq!(validate_name("pilot", "  Fraud  ").unwrap(), "Fraud");
        assert!(validate_name("pilot", "   ").is_err());
        assert!(validate_name("pilot", &"x".repeat(10_000))
            .unwrap_err()
            .to_string()
            .contains("10000 characters"));
        let e = validate_name("pilot", "bad\u{1b}[31m").unwrap_err().to_string();
        assert!(e.contains("control character"), "{e}");
        assert!(validate_name("pilot", "evil\u{202E}txt").is_err());
    }

    #[test]
    fn truncate_respects_wide_characters() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("詐欺詐欺", 5), "詐欺…");
        assert!(width(&truncate("詐欺詐欺", 5)) <= 5);
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("e\u{301}e\u{301}e\u{301}", 2), "e\u{301}…");
    }

    #[test]
    fn pad_counts_cells_not_characters() {
        assert_eq!(pad("ab", 4), "ab  ");
        assert_eq!(pad("詐欺", 6), "詐欺  ");
        assert_eq!(pad("e\u{301}", 3), "e\u{301}  ");
        assert_eq!(pad("toolong", 3), "toolong");
        assert_eq!(width(&pad("🚀x", 10)), 10);
    }

    #[test]
    fn json_controls_are_escaped_and_the_value_kept() {
        let v = serde_json::json!({ "name": "a\u{1b}[2Jb\u{9b}31m\u{202e}c\u{7f}" });
        let raw = serde_json::to_string_pretty(&v).unwrap();
        let safe = escape_json_controls(&raw);
        assert!(!safe.chars().any(|c| is_control(c) && c != '\n'), "{safe}");
        assert!(
            safe.contains("\\u009b") && safe.contains("\\u202e") && safe.contains("\\u007f"),
            "{safe}"
        );
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, v);
        assert_eq!(escape_json_controls("{\n  \"a\": 1\n}"), "{\n  \"a\": 1\n}");
    }

    #[test]
    fn clean_text_strips_controls_keeps_newlines() {
        assert_eq!(clean_text("note", "a\u{7}b\nc").unwrap(), "ab\nc");
    }
}
