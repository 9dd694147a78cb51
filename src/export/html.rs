//! The shared frame of the HTML exports: one self-contained document with
//! inline CSS (screen and A4 print), no scripts, no external resources.

use super::escape::html;
use std::io::{self, Write};

/// Styles shared by the decision log and the pack.
const BASE_CSS: &str = r#"
:root { --ink: #1d232b; --muted: #5b6570; --line: #d5dae0; --head: #eef1f4;
  --red: #c62828; --red-bg: #fde3e3; --yellow: #8a6d00; --yellow-bg: #fff2bf;
  --green: #1b6e33; --green-bg: #dcf2e1; --none-bg: #eceff1; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 0 auto; max-width: 1200px; padding: 24px; color: var(--ink);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
h3 { font-size: 15px; margin: 18px 0 6px; }
p { margin: 6px 0; }
.sub, .note { color: var(--muted); }
code { font: 12px/1.3 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; word-break: break-all; }
.anchor { border: 1px solid var(--line); border-left: 4px solid var(--ink); background: #f7f8fa; padding: 8px 12px; margin: 12px 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: var(--head); font-weight: 600; }
td { white-space: pre-line; overflow-wrap: anywhere; }
td.num, th.num { text-align: right; white-space: nowrap; }
td.nowrap { white-space: nowrap; }
ul.crit { margin: 0; padding: 0; list-style: none; }
ul.crit li { margin: 0 0 2px; }
.met { color: var(--green); }
.unmet { color: var(--red); }
.o { display: inline-block; padding: 0 6px; border-radius: 3px; font-weight: 600; white-space: nowrap; }
.o-go { background: var(--green-bg); color: var(--green); }
.o-no-go { background: var(--red-bg); color: var(--red); }
.o-pivot { background: var(--yellow-bg); color: var(--yellow); }
.o-defer { background: var(--none-bg); color: var(--muted); }
.rag { text-align: center; font-weight: 700; white-space: nowrap; }
.rag-red { background: var(--red-bg); color: var(--red); }
.rag-yellow { background: var(--yellow-bg); color: var(--yellow); }
.rag-green { background: var(--green-bg); color: var(--green); }
.rag-none { background: var(--none-bg); color: var(--muted); }
.v-not-ready { color: var(--red); font-weight: 600; }
.v-at-risk { color: var(--yellow); font-weight: 600; }
.v-ready { color: var(--green); font-weight: 600; }
.pilot { border: 1px solid var(--line); border-radius: 4px; padding: 4px 12px 8px; margin: 12px 0; }
.pilot h3 { margin-top: 8px; }
.charts { display: flex; flex-wrap: wrap; gap: 24px; }
.chart svg { display: block; max-width: 100%; height: auto; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, .pilot, .chart, .anchor { break-inside: avoid; }
  thead { display: table-header-group; }
  a { color: inherit; text-decoration: none; }
}
"#;

/// Write the document head and open the body. `page` is the CSS `@page`
/// size, e.g. `A4` or `A4 landscape`.
pub(crate) fn open(w: &mut dyn Write, title: &str, page: &str) -> io::Result<()> {
    write!(
        w,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"lastmile {}\">\n<title>{}</title>\n<style>{BASE_CSS}\
         @page {{ size: {page}; margin: 12mm; }}\n</style>\n</head>\n<body>\n",
        env!("CARGO_PKG_VERSION"),
        html(title)
    )
}

/// State the decision chain's anchor in a box.
pub(crate) fn anchor(w: &mut dyn Write, a: &super::Anchor) -> io::Result<()> {
    write!(
        w,
        "<section class=\"anchor\" aria-label=\"Decision chain anchor\">\n<p>Decision chain: <strong>{}</strong> {}, head hash <code>{}</code>; audit chain: <strong>{}</strong> {}, head hash <code>{}</code>; exported {}.</p>\n\
         <p class=\"note\">To check later that this is still the log in the file, run <code>{}</code>.</p>\n</section>\n",
        a.entries,
        if a.entries == 1 { "entry" } else { "entries" },
        html(&a.head),
        a.audit_entries,
        if a.audit_entries == 1 { "event" } else { "events" },
        html(&a.audit_head),
        html(&a.exported_at),
        html(&a.verify_command())
    )
}

/// Close the document with a footer.
pub(crate) fn close(w: &mut dyn Write, by: &str, at: &str) -> io::Result<()> {
    write!(
        w,
        "<footer>Exported by {} at {} with lastmile {}.</footer>\n</body>\n</html>\n",
        html(by),
        html(at),
        env!("CARGO_PKG_VERSION")
    )
}
