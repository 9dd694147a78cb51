//! Escaping untrusted text for each export format. Every string that came
//! from a person (pilot names, rationale, criteria, notes) goes through one
//! of these before it is written.

use std::borrow::Cow;

/// Control characters (other than newline) become visible escapes such as
/// `\u{1b}`, and tabs and carriage returns become spaces, so no export can
/// carry a terminal escape sequence or a character HTML forbids.
pub fn scrub(s: &str) -> Cow<'_, str> {
    if s.chars().all(|c| c == '\n' || !is_control(c)) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(crate::text::sanitize_with(s, true))
}

fn is_control(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Characters that make a spreadsheet treat a cell as a formula (OWASP
/// "CSV injection"): `=`, `+`, `-`, `@`, tab and carriage return.
fn is_formula_start(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// A CSV cell that no spreadsheet will evaluate: when the text begins with a
/// formula character (also after leading spaces), it is prefixed with a
/// single quote, as OWASP recommends. Quoting of commas, quotes and newlines
/// is left to the CSV writer.
pub fn csv_cell(s: &str) -> Cow<'_, str> {
    let first = s.chars().find(|c| *c != ' ');
    match first {
        Some(c) if is_formula_start(c) => Cow::Owned(format!("'{s}")),
        _ => Cow::Borrowed(s),
    }
}

/// Text for a Markdown table cell or an inline span: every character with a
/// meaning in CommonMark or GFM inline syntax is backslash-escaped (`|`
/// included, so a cell cannot split), `&` is escaped where it would start an
/// entity, and newlines become `<br>`, so the text renders literally and
/// stays on its line.
pub fn md(s: &str) -> String {
    let s = scrub(s);
    let mut out = String::with_capacity(s.len() + 8);
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' | '$' | '{' | '}' => {
                out.push('\\');
                out.push(c);
            }
            '&' if starts_entity(&chars[i + 1..]) => out.push_str("\\&"),
            '\n' => out.push_str("<br>"),
            c => out.push(c),
        }
    }
    // Renderers trim a cell's surrounding spaces anyway.
    let out = out.trim();
    // Text that could open a block (a list item, a setext underline) when it
    // starts a line, e.g. inside a list item, gets its marker escaped.
    let digits = out.chars().take_while(char::is_ascii_digit).count();
    if out.starts_with(['-', '+', '=']) {
        format!("\\{out}")
    } else if digits > 0
        && [". ", ") ", ".", ")"]
            .iter()
            .any(|m| out[digits..].starts_with(m) && (m.len() == 2 || out.len() == digits + 1))
    {
        format!("{}\\{}", &out[..digits], &out[digits..])
    } else {
        out.to_string()
    }
}

/// A hash for Markdown: a code span when it is plain hexadecimal (as every
/// hash lastmile writes is), escaped text otherwise (a hash column edited
/// by hand could hold anything).
pub fn md_hash(h: &str) -> String {
    if !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit()) {
        format!("`{h}`")
    } else {
        md(h)
    }
}

/// Whether what follows an `&` would be read as a character reference.
fn starts_entity(rest: &[char]) -> bool {
    let body: Vec<&char> = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || **c == '#')
        .collect();
    !body.is_empty() && rest.get(body.len()) == Some(&';')
}

/// Text escaped for HTML element content and attribute values.
pub fn html(s: &str) -> Cow<'_, str> {
    let s = scrub(s);
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_neutralises_formula_starts() {
        for bad in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
            "  =HYPERLINK(\"http://x\")",
        ] {
            assert!(csv_cell(bad).starts_with('\''), "{bad:?}");
        }
        for good in ["Fraud", "a=b", "", "1-2", "'quoted"] {
            assert_eq!(csv_cell(good), good);
        }
    }

    #[test]
    fn markdown_escapes_tables_and_markup() {
        assert_eq!(md("a|b"), "a\\|b");
        assert_eq!(md("<script>alert(1)</script>"), "\\<script\\>alert(1)\\</script\\>");
        assert_eq!(md("two\nlines"), "two<br>lines");
        assert_eq!(md("*bold* [x](y) `c`"), "\\*bold\\* \\[x\\](y) \\`c\\`");
        assert_eq!(md("AT&T &amp; &#60;"), "AT&T \\&amp; \\&\\#60;");
        assert_eq!(md("- item"), "\\- item");
        assert_eq!(md("12. item"), "12\\. item");
        assert_eq!(md("12 items"), "12 items");
        assert_eq!(md("93.5%"), "93.5%");
        assert_eq!(md("7)"), "7\\)");
        assert_eq!(md("Fraud détection"), "Fraud détection");
    }

    #[test]
    fn hashes_are_code_only_when_hexadecimal() {
        assert_eq!(md_hash("00ff"), "`00ff`");
        assert_eq!(md_hash("`x` | y"), "\\`x\\` \\| y");
    }

    #[test]
    fn html_escapes_everything_and_scrubs_controls() {
        assert_eq!(
            html("<b a=\"1\">'&'</b>"),
            "&lt;b a=&quot;1&quot;&gt;&#39;&amp;&#39;&lt;/b&gt;"
        );
        assert_eq!(html("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(scrub("keep\nnewlines\ttabs"), "keep\nnewlines tabs");
    }
}
