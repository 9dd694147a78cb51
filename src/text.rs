//! Untrusted text: names, notes and imported cells may hold control
//! characters or escape sequences. Nothing from the database reaches a
//! terminal without passing through [`sanitize`]; names are checked with
//! [`validate_name`] before they are stored.

use unicode_width::UnicodeWidthStr;

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

/// The name of an invisible character, for errors; `None` for a visible one.
///
/// Invisible means: a format character (Unicode category Cf: zero-width
/// space and joiners, word joiner, invisible operators, soft hyphen, byte
/// order mark, Mongolian vowel separator, tags...), a variation selector,
/// the combining grapheme joiner, or a blank that is not a space (Hangul
/// fillers, Braille blank). Controls are caught before this, by
/// [`is_control`].
fn invisible(c: char) -> Option<&'static str> {
    Some(match c {
        '\u{00AD}' => "SOFT HYPHEN",
        '\u{034F}' => "COMBINING GRAPHEME JOINER",
        '\u{061C}' => "ARABIC LETTER MARK",
        '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}' => "HANGUL FILLER",
        '\u{17B4}' | '\u{17B5}' => "KHMER INHERENT VOWEL",
        '\u{180E}' => "MONGOLIAN VOWEL SEPARATOR",
        '\u{180B}'..='\u{180D}' | '\u{180F}' => "MONGOLIAN FREE VARIATION SELECTOR",
        '\u{200B}' => "ZERO WIDTH SPACE",
        '\u{200C}' => "ZERO WIDTH NON-JOINER",
        '\u{200D}' => "ZERO WIDTH JOINER",
        '\u{200E}' => "LEFT-TO-RIGHT MARK",
        '\u{200F}' => "RIGHT-TO-LEFT MARK",
        '\u{2060}' => "WORD JOINER",
        '\u{2061}' => "FUNCTION APPLICATION",
        '\u{2062}' => "INVISIBLE TIMES",
        '\u{2063}' => "INVISIBLE SEPARATOR",
        '\u{2064}' => "INVISIBLE PLUS",
        '\u{206A}'..='\u{206F}' => "DEPRECATED FORMAT CHARACTER",
        '\u{2800}' => "BRAILLE PATTERN BLANK",
        '\u{FE00}'..='\u{FE0F}' | '\u{E0100}'..='\u{E01EF}' => "VARIATION SELECTOR",
        '\u{FEFF}' => "ZERO WIDTH NO-BREAK SPACE (BYTE ORDER MARK)",
        '\u{FFF9}'..='\u{FFFB}' => "INTERLINEAR ANNOTATION CHARACTER",
        '\u{E0001}' | '\u{E0020}'..='\u{E007F}' => "TAG",
        // The rest of category Cf.
        '\u{0600}'..='\u{0605}'
        | '\u{06DD}'
        | '\u{070F}'
        | '\u{0890}'..='\u{0891}'
        | '\u{08E2}'
        | '\u{110BD}'
        | '\u{110CD}'
        | '\u{13430}'..='\u{1343F}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}' => "FORMAT CHARACTER",
        _ => return None,
    })
}

/// Emoji and pictographic symbols, which the zero-width joiner and the
/// emoji variation selector combine into one picture (👩‍💻, ❤️).
fn pictographic(c: char) -> bool {
    matches!(c,
        '\u{00A9}' | '\u{00AE}' | '\u{203C}' | '\u{2049}' | '\u{2122}' | '\u{2139}'
        | '\u{2194}'..='\u{21FF}' | '\u{2300}'..='\u{23FF}' | '\u{24C2}' | '\u{25A0}'..='\u{27BF}'
        | '\u{2900}'..='\u{297F}' | '\u{2B00}'..='\u{2BFF}' | '\u{3030}' | '\u{303D}' | '\u{3297}' | '\u{3299}'
        | '\u{1F000}'..='\u{1FAFF}')
}

/// Scripts that need the zero-width joiner and non-joiner to be spelled
/// right: Arabic, Syriac, the Indic scripts, Sinhala, Mongolian and Persian
/// presentation forms.
fn joining_script(c: char) -> bool {
    matches!(c,
        '\u{0600}'..='\u{08FF}' | '\u{0900}'..='\u{0DFF}' | '\u{1800}'..='\u{18AF}'
        | '\u{A8E0}'..='\u{A8FF}' | '\u{FB50}'..='\u{FDFF}' | '\u{FE70}'..='\u{FEFC}')
}

/// CJK ideographs, which ideographic variation selectors pick a glyph of.
fn ideograph(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{3FFFF}')
}

/// Whether the invisible character at `i` is needed where it stands: a
/// joiner inside an emoji sequence or a word of a joining script, a
/// variation selector right after a character it picks a form of, a tag
/// inside an emoji flag (🏴 and tags, ended by U+E007F). Elsewhere (after
/// a Latin letter, a space, at either end) it only hides something.
fn needed(chars: &[char], i: usize) -> bool {
    let c = chars[i];
    let prev = i.checked_sub(1).map(|j| chars[j]);
    let next = chars.get(i + 1).copied();
    let visible = |x: Option<char>| x.is_some_and(|x| !x.is_whitespace() && invisible(x).is_none());
    match c {
        '\u{200D}' => {
            let emoji_prev = prev.is_some_and(|p| pictographic(p) || p == '\u{FE0F}');
            let emoji_next = next.is_some_and(pictographic);
            (emoji_prev && emoji_next) || (visible(prev) && visible(next) && prev.is_some_and(joining_script))
        }
        '\u{200C}' => visible(prev) && visible(next) && prev.is_some_and(joining_script),
        '\u{FE0E}' | '\u{FE0F}' => prev.is_some_and(|p| pictographic(p) || p.is_ascii_digit() || p == '#' || p == '*'),
        '\u{E0100}'..='\u{E01EF}' => prev.is_some_and(ideograph),
        '\u{E0020}'..='\u{E007F}' => {
            let mut j = i;
            while j > 0 && matches!(chars[j - 1], '\u{E0020}'..='\u{E007E}') {
                j -= 1;
            }
            let flag = j > 0 && chars[j - 1] == '\u{1F3F4}';
            let end = chars[i..].iter().position(|&x| x == '\u{E007F}');
            flag && end.is_some_and(|e| chars[i..i + e].iter().all(|x| matches!(x, '\u{E0020}'..='\u{E007E}')))
        }
        _ => false,
    }
}

/// Check and tidy a name (pilot, person, metric, programme, actor).
///
/// The rules, each stated in the error that applies it:
/// * surrounding space is trimmed; an empty name is refused;
/// * a name over [`MAX_NAME_CHARS`] characters is refused;
/// * control characters (C0, C1, DEL, bidi overrides) are refused;
/// * invisible characters (format characters such as U+200B ZERO WIDTH
///   SPACE, the soft hyphen, the byte order mark; variation selectors;
///   blank fillers) are refused, except a joiner or selector that an emoji
///   sequence, a joining script (Arabic, Indic...) or a CJK ideograph needs
///   where it stands;
/// * cleaned, not refused: each run of whitespace, including no-break and
///   the other Unicode spaces, becomes one ASCII space, and the name is
///   put in Unicode normalisation form C (composed), so `e` + U+0301 is
///   stored as `é`.
///
/// Names are compared for uniqueness by [`name_key`].
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
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if let Some(what) = invisible(c) {
            if !needed(&chars, i) {
                return Err(crate::Error::invalid(format!(
                    "the {kind} name is refused: names may not hold invisible characters (U+{:04X} {what} at position {}): remove it and try again",
                    c as u32,
                    i + 1
                )));
            }
        }
    }
    let mut spaced = String::with_capacity(name.len());
    let mut in_space = false;
    for c in chars {
        if c.is_whitespace() {
            if !in_space {
                spaced.push(' ');
            }
            in_space = true;
        } else {
            spaced.push(c);
            in_space = false;
        }
    }
    let name = nfc(&spaced);
    let count = name.chars().count();
    if count > MAX_NAME_CHARS {
        return Err(crate::Error::invalid(format!(
            "the {kind} name is {count} characters long once its accents are composed: shorten it to at most {MAX_NAME_CHARS}"
        )));
    }
    Ok(name)
}

fn nfc(s: &str) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        return s.to_string();
    }
    s.nfc().collect()
}

/// What two names are compared by for uniqueness and lookup: the name in
/// normalisation form C and lower case (full Unicode lower case, not only
/// ASCII as SQLite's NOCASE). So "Ärzte" and "ärzte" written with a
/// combining diaeresis have the same key. Lower case is not full case
/// folding: "Straße" and "STRASSE" keep different keys, as do
/// compatibility forms ("Ｆｕｌｌ" and "Full") and look-alike letters of
/// different scripts (Latin "a", Cyrillic "а").
pub fn name_key(name: &str) -> String {
    if name.is_ascii() {
        return name.to_ascii_lowercase();
    }
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};
    // Lower-casing commutes with canonical decomposition, so a name already
    // composed (as stored names are) needs no decomposing first.
    let lower = if is_nfc_quick(name.chars()) == IsNormalized::Yes {
        name.to_lowercase()
    } else {
        name.nfd().collect::<String>().to_lowercase()
    };
    if is_nfc_quick(lower.chars()) == IsNormalized::Yes {
        lower
    } else {
        lower.nfc().collect()
    }
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

/// Check one line of free text (a threshold, a short reason): control
/// characters are removed, each run of whitespace (a pasted newline too)
/// becomes one space, and the result is trimmed. A line with nothing
/// visible left (only invisible characters such as U+200B) comes back
/// empty, so a caller that needs some text refuses it.
pub fn clean_line(kind: &str, raw: &str) -> crate::Result<String> {
    let text = clean_text(kind, raw)?;
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.chars().all(|c| invisible(c).is_some()) {
        out.clear();
    }
    Ok(nfc(&out))
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

/// [`escape_json_controls`] as a stream: a writer that passes JSON text on
/// to `inner` with DEL, C1 controls and bidi overrides escaped, so a large
/// document is encoded straight to its file or pipe instead of being held
/// in memory (twice) first. A character split across two writes is held
/// back until it is complete.
pub struct JsonSafe<W: std::io::Write> {
    inner: W,
    /// The start of a UTF-8 sequence the last write ended in.
    pending: Vec<u8>,
}

impl<W: std::io::Write> JsonSafe<W> {
    pub fn new(inner: W) -> JsonSafe<W> {
        JsonSafe {
            inner,
            pending: Vec::new(),
        }
    }

    /// The inner writer, once everything written has been passed on.
    pub fn into_inner(mut self) -> std::io::Result<W> {
        if !self.pending.is_empty() {
            let rest = std::mem::take(&mut self.pending);
            self.inner.write_all(&rest)?;
        }
        Ok(self.inner)
    }

    fn pass(&mut self, text: &str) -> std::io::Result<()> {
        let unescaped = |c: char| is_control(c) && c as u32 >= 0x7f;
        // JSON is mostly ASCII, and below DEL nothing needs escaping here.
        if text.bytes().all(|b| b < 0x7f) {
            return self.inner.write_all(text.as_bytes());
        }
        let mut start = 0;
        for (i, c) in text.char_indices() {
            if unescaped(c) {
                self.inner.write_all(&text.as_bytes()[start..i])?;
                write!(self.inner, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        self.inner.write_all(&text.as_bytes()[start..])
    }
}

impl<W: std::io::Write> std::io::Write for JsonSafe<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let joined;
        let bytes = if self.pending.is_empty() {
            buf
        } else {
            self.pending.extend_from_slice(buf);
            joined = std::mem::take(&mut self.pending);
            &joined[..]
        };
        match std::str::from_utf8(bytes) {
            Ok(text) => self.pass(text)?,
            Err(e) => {
                let (valid, rest) = bytes.split_at(e.valid_up_to());
                self.pass(std::str::from_utf8(valid).unwrap_or_default())?;
                if e.error_len().is_some() {
                    // Not UTF-8 at all (never from a JSON encoder): pass it on.
                    self.inner.write_all(rest)?;
                } else {
                    self.pending = rest.to_vec();
                }
            }
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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
    // Measure prefixes as a whole, not char by char: a sequence can be
    // wider than its parts (`*` then U+FE0F asks for the two-cell emoji).
    // The longest prefix that fits, by binary search over char boundaries.
    let ends: Vec<usize> = s.char_indices().map(|(i, _)| i).skip(1).chain([s.len()]).collect();
    let (mut lo, mut hi) = (0usize, ends.len());
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if width(&s[..ends[mid - 1]]) < max {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut out = s[..if lo == 0 { 0 } else { ends[lo - 1] }].to_string();
    out.push('…');
    out
}

#[cfg(test)]
mod tests {

    #[test]
    fn clean_line_folds_newlines_drops_controls_and_empties_invisible_text() {
        use super::clean_line;
        assert_eq!(clean_line("t", "  over\n  \t£10k\u{1b}[31m ").unwrap(), "over £10k[31m");
        assert_eq!(clean_line("t", "\u{200b}\u{feff} ").unwrap(), "");
        assert_eq!(clean_line("t", "cafe\u{301}").unwrap(), "caf\u{e9}");
    }

    #[test]
    fn json_safe_streams_what_escape_json_controls_gives_whatever_the_chunks() {
        let json = "{\"a\": \"ok \u{9b}31m é \u{202e}evil\u{7f} 漢字 😀\"}";
        let want = escape_json_controls(json);
        assert_ne!(want, json);
        for chunk in 1..=json.len() {
            let mut w = JsonSafe::new(Vec::new());
            for part in json.as_bytes().chunks(chunk) {
                std::io::Write::write_all(&mut w, part).unwrap();
            }
            let got = String::from_utf8(w.into_inner().unwrap()).unwrap();
            assert_eq!(got, want, "in chunks of {chunk} bytes");
        }
    }

    use super::*;

    #[test]
    fn truncate_measures_sequences_not_chars() {
        // `*` then U+FE0F is one two-cell emoji: counted char by char it
        // looked one cell wide, and the cut text overflowed its column.
        let s = "詐欺مرحبا*\u{fe0f}مرحبامرحبا";
        for max in 0..20 {
            let t = truncate(s, max);
            assert!(width(&t) <= max, "{t:?} is wider than {max}");
            assert!(s.starts_with(t.trim_end_matches('…')));
        }
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abc", 1), "…");
    }

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
    fn invisible_characters_are_refused_with_the_rule_and_position() {
        let e = validate_name("pilot", "Frau\u{200b}d").unwrap_err().to_string();
        assert_eq!(
            e,
            "the pilot name is refused: names may not hold invisible characters (U+200B ZERO WIDTH SPACE at position 5): remove it and try again"
        );
        for (name, what) in [
            ("soft\u{ad}hyphen", "U+00AD SOFT HYPHEN"),
            ("\u{feff}Bom", "U+FEFF ZERO WIDTH NO-BREAK SPACE"),
            ("Word\u{2060}joiner", "U+2060 WORD JOINER"),
            ("Invisible\u{2062}times", "U+2062 INVISIBLE TIMES"),
            ("Mongol\u{180e}ian", "U+180E MONGOLIAN VOWEL SEPARATOR"),
            ("Fr\u{200d}aud", "U+200D ZERO WIDTH JOINER"),
            ("Fr\u{200c}aud", "U+200C ZERO WIDTH NON-JOINER"),
            ("Mark\u{200e}ed", "U+200E LEFT-TO-RIGHT MARK"),
            ("Fraud\u{fe0f}", "U+FE0F VARIATION SELECTOR"),
            ("Han\u{3164}gul", "U+3164 HANGUL FILLER"),
            ("Blank\u{2800}name", "U+2800 BRAILLE PATTERN BLANK"),
            ("Tag\u{e0041}ged", "U+E0041 TAG"),
            ("Arabic\u{61c}mark", "U+061C ARABIC LETTER MARK"),
            ("Joiner\u{34f}x", "U+034F COMBINING GRAPHEME JOINER"),
        ] {
            let e = validate_name("person", name).unwrap_err().to_string();
            assert!(e.contains(what), "{name:?}: {e}");
            assert!(e.contains("names may not hold invisible characters"), "{e}");
            assert!(!e.chars().any(is_control) && !e.contains('\n'), "{e:?}");
        }
    }

    #[test]
    fn joiners_and_selectors_that_a_script_or_emoji_needs_are_kept() {
        for name in [
            "Team 👩\u{200d}💻 copilot",
            "Family 👨\u{200d}👩\u{200d}👧",
            "Love ❤\u{fe0f} bot",
            "Keycap 1\u{fe0f}\u{20e3}",
            "Runner 🏃\u{1f3fd}\u{200d}\u{2640}\u{fe0f}",
            "Flag 🏴\u{e0067}\u{e0062}\u{e0065}\u{e006e}\u{e0067}\u{e007f}",
            "می\u{200c}خواهم",
            "क्\u{200d}ष",
            "葛\u{e0100}飾区",
        ] {
            assert_eq!(validate_name("pilot", name).unwrap(), nfc(name), "{name:?}");
        }
        // A tag outside a flag, a joiner at an end, next to a space.
        for name in [
            "🏴\u{e0067}",
            "x\u{e007f}",
            "👩\u{200d}",
            "👩\u{200d} 💻",
            "a \u{200c}b",
        ] {
            assert!(validate_name("pilot", name).is_err(), "{name:?}");
        }
    }

    #[test]
    fn spaces_are_collapsed_and_accents_composed() {
        assert_eq!(
            validate_name(
                "pilot",
                "\u{a0}Fraud\u{a0}\u{2003} \u{3000}detection\u{202f}x\u{2028}y "
            )
            .unwrap(),
            "Fraud detection x y"
        );
        assert_eq!(
            validate_name("pilot", "Cafe\u{301} re\u{301}sume\u{301}").unwrap(),
            "Café résumé"
        );
        assert_eq!(validate_name("pilot", "A\u{308}rzte").unwrap(), "\u{c4}rzte");
        // Cleaning is stable: a cleaned name comes back unchanged.
        for n in [
            "Fraud\u{a0}\u{a0}detection",
            "Cafe\u{301}",
            "詐欺  検知",
            "Team 👩\u{200d}💻",
        ] {
            let once = validate_name("pilot", n).unwrap();
            assert_eq!(validate_name("pilot", &once).unwrap(), once);
        }
    }

    #[test]
    fn name_keys_ignore_case_and_accent_encoding() {
        assert_eq!(name_key("Ärzte Copilot"), name_key("a\u{308}rzte copilot"));
        assert_eq!(name_key("ÄRZTE"), name_key("\u{e4}rzte"));
        assert_eq!(name_key("Claims Triage"), "claims triage");
        assert_eq!(name_key("ΟΔΥΣΣΕΥΣ"), name_key("οδυσσευς"));
        assert_eq!(name_key("Résumé"), name_key("RE\u{301}SUME\u{301}"));
        // Lower case, not full case folding or compatibility forms.
        assert_ne!(name_key("Straße"), name_key("STRASSE"));
        assert_ne!(name_key("Ｆｕｌｌ"), name_key("Full"));
        assert_ne!(name_key("Claims"), name_key("Claims 2"));
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
