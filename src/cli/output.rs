//! Text output helpers: every value from the database is sanitized before
//! it reaches the terminal, and columns are aligned by display width.

use crate::text::{sanitize, truncate, width};

/// A plain text table aligned by display width.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
    max: Vec<usize>,
}

impl Table {
    /// A table with these headers; `max` caps each column's width.
    pub fn new(headers: &[&str], max: &[usize]) -> Table {
        Table {
            headers: headers.iter().map(|h| h.to_string()).collect(),
            rows: Vec::new(),
            max: max.to_vec(),
        }
    }

    /// Add a row (cells are sanitized and truncated here).
    pub fn row(&mut self, cells: Vec<String>) {
        let cells = cells
            .into_iter()
            .enumerate()
            .map(|(i, c)| truncate(&sanitize(&c), self.max.get(i).copied().unwrap_or(60)))
            .collect();
        self.rows.push(cells);
    }

    /// Render with two spaces between columns and no trailing spaces.
    pub fn render(&self) -> String {
        let n = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| width(h)).collect();
        for r in &self.rows {
            for (i, c) in r.iter().enumerate().take(n) {
                widths[i] = widths[i].max(width(c));
            }
        }
        let mut out = String::new();
        let line = |cells: &[String], out: &mut String| {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                s.push_str(c);
                if i + 1 < cells.len() {
                    s.push_str(&" ".repeat(widths[i] - width(c) + 2));
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&self.headers, &mut out);
        for r in &self.rows {
            line(r, &mut out);
        }
        out
    }
}

/// Print JSON (pretty) to standard output.
pub fn print_json<T: serde::Serialize>(v: &T) -> crate::Result<()> {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return Ok(());
    }
    // Encoded straight to standard output: a portfolio of 100,000 pilots
    // is never held as one string (let alone two).
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let written = crate::export::write_json(&mut out, v).and_then(|()| out.flush());
    if let Err(e) = written {
        note_stdout_error(&e);
    }
    Ok(())
}

/// Four dimension chips, e.g. `G Y R -`.
pub fn chips(d: &[Option<crate::domain::Rag>; 4]) -> String {
    d.iter()
        .map(|r| r.map_or('-', |r| r.letter()).to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// How writing to standard output went, for the exit status: a reader that
/// went away (`lastmile status | head`) is not an error; any other failure
/// (a full disk) is reported once on standard error after the command has
/// done its work. Never a panic: `println!` panics on both.
static STDOUT_FAILED: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);
static STDOUT_CLOSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Write to standard output; after the first failure, write nothing more.
pub fn emit(args: std::fmt::Arguments) {
    use std::io::Write;
    use std::sync::atomic::Ordering;
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_fmt(args).and_then(|()| out.flush()) {
        note_stdout_error(&e);
    }
}

/// Remember a failed write to standard output.
pub fn note_stdout_error(e: &std::io::Error) {
    use std::sync::atomic::Ordering;
    STDOUT_CLOSED.store(true, Ordering::Relaxed);
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        let mut failed = STDOUT_FAILED.lock().unwrap_or_else(|p| p.into_inner());
        failed.get_or_insert_with(|| e.to_string());
    }
}

/// The first failure writing standard output, other than a closed pipe.
pub fn stdout_failure() -> Option<String> {
    STDOUT_FAILED.lock().unwrap_or_else(|p| p.into_inner()).clone()
}

/// `print!` without the panic: see [`emit`].
macro_rules! out {
    ($($t:tt)*) => { $crate::cli::output::emit(format_args!($($t)*)) };
}

/// `println!` without the panic: see [`emit`].
macro_rules! outln {
    () => { $crate::cli::output::emit(format_args!("\n")) };
    ($($t:tt)*) => { $crate::cli::output::emit(format_args!("{}\n", format_args!($($t)*))) };
}

pub(crate) use {out, outln};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_aligns_wide_text_and_strips_controls() {
        let mut t = Table::new(&["name", "x"], &[10, 5]);
        t.row(vec!["詐欺".into(), "1".into()]);
        t.row(vec!["a\u{1b}[2Jb".into(), "2".into()]);
        let s = t.render();
        assert!(!s.contains('\u{1b}'));
        let lines: Vec<&str> = s.lines().collect();
        assert!(lines.iter().all(|l| width(l) == 13), "{lines:?}");
        assert!(lines[2].starts_with("a\\u{1b}[2…"), "{}", lines[2]);
    }
}
