//! The steering-committee pack, for people to read: the programme day and
//! phase, every pilot counted per phase and readiness verdict, then in
//! detail only the pilots the committee acts on (a heatmap of their four
//! dimensions, their blockers, owners and metrics against target), and the
//! newest decisions of the period with the counts of all of them. Markdown,
//! or one self-contained HTML file (inline CSS and SVG charts, no scripts,
//! no network) that prints on A4. Its size does not grow with the
//! portfolio: the full inventory is `lastmile export pilots`, the full log
//! `lastmile export decisions`.
//!
//! *Priority pilots* are the shortlist, the live pilots past Assessment
//! (they face a gate decision; the first [`IN_PLAY_SHOWN`], the latest phase
//! and the pilots ready for their decision first), and the top three
//! assessment candidates. *The period* is the programme so far:
//! decisions made from day 1 to today.

use super::escape::{html, md};
use super::{html as frame, to_string, write_error, Anchor, Format};
use crate::domain::calendar::{describe_day, programme_day};
use crate::domain::candidates::rank;
use crate::domain::gates::Gap;
use crate::domain::model::{Decision, Dimension, Metric, MetricStanding, Outcome, Phase, Rag, Role, Status};
use crate::domain::readiness::{ItemRef, Verdict};
use crate::domain::rights::{coverage, matrix, RightRow};
use crate::playbook::rubric::fmt_num;
use crate::playbook::Playbook;
use crate::store::{DecisionFilter, PilotRow, Programme, Store};
use crate::{Error, Result};
use chrono::NaiveDate;
use std::io::{self, Write};

/// How many assessment candidates count as priority pilots.
pub const CANDIDATES: usize = 3;
/// Live pilots past Assessment detailed in the pack (they face a gate
/// decision); the rest are counted.
pub const IN_PLAY_SHOWN: usize = 20;
/// Decisions of the period listed in the pack (the newest); all are counted.
pub const DECISIONS_SHOWN: usize = 30;
/// Checklist items listed under one blocker before "and N more".
const ITEMS_SHOWN: usize = 6;

/// What a pack export contained.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub pilots: usize,
    pub priority: usize,
    pub decisions: usize,
    pub anchor: Anchor,
}

/// Render the pack (Markdown or HTML) as a string.
pub fn render(store: &Store, playbook: &Playbook, today: NaiveDate, format: Format) -> Result<String> {
    to_string(|w| write(store, playbook, today, format, w).map(|_| ()))
}

/// Write the pack (Markdown or HTML) to `out`.
pub fn write(
    store: &Store,
    playbook: &Playbook,
    today: NaiveDate,
    format: Format,
    out: &mut dyn Write,
) -> Result<Summary> {
    if !matches!(format, Format::Markdown | Format::Html) {
        return Err(Error::invalid(format!(
            "the steering-committee pack is written as Markdown or HTML, not {}: use md or html (the decision log has {})",
            format.label(),
            format.label()
        )));
    }
    let pack = Pack::load(store, playbook, today)?;
    let target = "the steering-committee pack";
    match format {
        Format::Html => write_html(&pack, out).map_err(|e| write_error(target, e))?,
        _ => write_md(&pack, out).map_err(|e| write_error(target, e))?,
    }
    Ok(Summary {
        pilots: pack.rows.len(),
        priority: pack.priority.len(),
        decisions: pack.decisions.len(),
        anchor: pack.anchor,
    })
}

/// One priority pilot in detail.
struct Priority {
    row: usize,
    reason: String,
    /// The current gate's gaps: (blocks, gap).
    gaps: Vec<(bool, Gap)>,
    /// The current gate's name.
    gate: String,
    metrics: Vec<Metric>,
    /// The decision-rights matrix, for pilots past Assessment (empty
    /// otherwise).
    rights: Vec<RightRow>,
}

struct Pack {
    programme: Programme,
    today: NaiveDate,
    day: i64,
    exported_by: String,
    anchor: Anchor,
    /// Ordered by phase, then name.
    rows: Vec<PilotRow>,
    /// Pilots per phase (rows) and verdict (columns, in `Verdict::ALL` order).
    /// Per phase: not ready, at risk, ready, left the gates.
    counts: [[usize; 4]; 3],
    priority: Vec<Priority>,
    /// On the shortlist, among the priority pilots.
    shortlisted: usize,
    /// Live pilots past Assessment, off the shortlist: detailed, and all.
    in_play_shown: usize,
    in_play_count: usize,
    /// Decisions of the period, in the order recorded.
    decisions: Vec<Decision>,
    /// The programme checklist (work done once for the portfolio).
    programme_items: Vec<crate::domain::model::ProgrammeItem>,
    /// Sectors' and metric categories' names by key, from the playbook.
    sector_names: std::collections::HashMap<String, String>,
    category_names: std::collections::HashMap<String, String>,
}

impl Pack {
    fn load(store: &Store, playbook: &Playbook, today: NaiveDate) -> Result<Pack> {
        let programme = store.programme()?;
        let day = programme_day(programme.start_date, today);
        let mut rows = store.portfolio(playbook, day)?;
        rows.sort_by_key(|r| r.phase); // stable: by name within a phase
        let mut counts = [[0usize; 4]; 3];
        for r in &rows {
            let k = r.verdict.map_or(3, verdict_index);
            counts[r.phase.index()][k] += 1;
        }
        let live = |r: &PilotRow| !matches!(r.status, Status::Stopped | Status::Production);
        let mut picked: Vec<(usize, String)> = Vec::new();
        for (i, r) in rows.iter().enumerate().filter(|(_, r)| r.shortlisted && live(r)) {
            picked.push((i, format!("on the shortlist, in {}", r.phase.label())));
        }
        let shortlisted = picked.len();
        // The chosen pilots past Assessment face a gate decision: the latest
        // phase first and, within a phase, those ready for it first.
        let mut in_play: Vec<usize> = (0..rows.len())
            .filter(|&i| rows[i].phase != Phase::Assessment && live(&rows[i]) && !rows[i].shortlisted)
            .collect();
        let readiness = |v: Option<Verdict>| match v {
            Some(Verdict::Ready) => 0,
            Some(Verdict::AtRisk) => 1,
            _ => 2,
        };
        in_play.sort_by_key(|&i| (std::cmp::Reverse(rows[i].phase), readiness(rows[i].verdict), i));
        let in_play_count = in_play.len();
        let in_play_shown = in_play_count.min(IN_PLAY_SHOWN);
        for &i in &in_play[..in_play_shown] {
            picked.push((i, format!("in {}", rows[i].phase.label())));
        }
        let facts = crate::store::candidate_facts(&rows);
        for (k, c) in rank(&facts).into_iter().take(CANDIDATES).enumerate() {
            match rows.iter().position(|r| r.id == c.pilot_id) {
                Some(i) if !picked.iter().any(|(j, _)| *j == i) => {
                    picked.push((i, format!("assessment candidate #{}", k + 1)));
                }
                _ => {}
            }
        }
        let mut priority = Vec::with_capacity(picked.len());
        for (row, reason) in picked {
            let id = rows[row].id;
            let j = store.judge(playbook, id)?;
            let (gaps, gate) = match &j.current {
                Some(g) => (
                    g.gaps().into_iter().map(|(b, x)| (b, x.clone())).collect(),
                    g.name.clone(),
                ),
                None => (Vec::new(), String::new()),
            };
            priority.push(Priority {
                row,
                reason,
                gaps,
                gate,
                metrics: {
                    let mut m = store.metrics(id)?;
                    crate::domain::metrics::in_playbook_order(playbook, &mut m);
                    m
                },
                rights: if rows[row].phase == Phase::Assessment {
                    Vec::new()
                } else {
                    let keys: Vec<&str> = playbook.rights.iter().map(|r| r.key.as_str()).collect();
                    matrix(playbook, &store.rights(id, &keys)?)
                },
            });
        }
        let filter = DecisionFilter {
            pilot_ids: Vec::new(),
            since: Some(programme.start_date.to_string()),
        };
        let (anchor, mut decisions) = super::anchored(store, || store.decisions(&filter))?;
        let today_s = today.to_string();
        decisions.retain(|d| d.decided_on <= today_s);
        decisions.reverse();
        Ok(Pack {
            programme,
            today,
            day,
            exported_by: store.actor().to_string(),
            anchor,
            rows,
            counts,
            priority,
            shortlisted,
            in_play_shown,
            in_play_count,
            decisions,
            programme_items: store.programme_items()?,
            sector_names: playbook
                .sectors
                .iter()
                .map(|s| (s.key.clone(), s.name.clone()))
                .collect(),
            category_names: playbook
                .metric_categories
                .iter()
                .map(|c| (c.key.clone(), c.name.clone()))
                .collect(),
        })
    }

    /// A metric category's name (its key when the playbook no longer lists it).
    fn category(&self, c: &crate::domain::model::MetricCategory) -> String {
        self.category_names
            .get(c.key())
            .cloned()
            .unwrap_or_else(|| c.key().to_string())
    }

    /// A sector's name (its key when the playbook no longer lists it).
    fn sector(&self, s: &crate::domain::model::Sector) -> String {
        self.sector_names
            .get(s.key())
            .cloned()
            .unwrap_or_else(|| s.key().to_string())
    }

    /// When a programme item is due, and whether it is late.
    fn programme_due(&self, i: &crate::domain::model::ProgrammeItem) -> String {
        if i.state.is_open() && i.due_day < self.day {
            format!("day {} (overdue)", i.due_day)
        } else {
            format!("day {}", i.due_day)
        }
    }

    fn phase_total(&self, p: usize) -> usize {
        self.counts[p].iter().sum()
    }

    fn verdict_total(&self, v: usize) -> usize {
        self.counts.iter().map(|c| c[v]).sum()
    }

    fn outcome_counts(&self) -> [usize; 4] {
        let mut n = [0; 4];
        for d in &self.decisions {
            n[d.outcome.index()] += 1;
        }
        n
    }

    fn period(&self) -> String {
        format!("day 1 ({}) to today ({})", self.programme.start_date, self.today)
    }

    /// Who the priority pilots are, in one sentence.
    fn priority_sentence(&self) -> String {
        let mut s = format!(
            "{} on the shortlist; {} more in Scaffolding or Hardening & decision, not stopped or in production",
            self.shortlisted, self.in_play_count
        );
        if self.in_play_count > self.in_play_shown {
            s.push_str(&format!(
                " (the first {} here: the latest phase first and, within a phase, those ready for their gate decision first; every pilot is in lastmile export pilots)",
                self.in_play_shown
            ));
        }
        s.push_str(&format!("; and the top {CANDIDATES} assessment candidates"));
        s
    }

    /// The decisions the pack lists: the newest of the period, oldest first.
    fn decisions_listed(&self) -> &[Decision] {
        &self.decisions[self.decisions.len().saturating_sub(DECISIONS_SHOWN)..]
    }

    /// How the decisions of the period are listed, in one sentence.
    fn decisions_sentence(&self) -> String {
        let n = self.decisions.len();
        let [go, no_go, pivot, defer] = self.outcome_counts();
        let mut s = format!(
            "Decisions made from {}: {n} ({go} go, {no_go} no-go, {pivot} pivot, {defer} defer).",
            self.period()
        );
        if n > DECISIONS_SHOWN {
            s.push_str(&format!(
                " The newest {DECISIONS_SHOWN} are listed; the whole log is in lastmile export decisions."
            ));
        }
        s
    }
}

fn verdict_index(v: Verdict) -> usize {
    Verdict::ALL.iter().position(|x| *x == v).unwrap_or(0)
}

fn rag_word(r: Option<Rag>) -> &'static str {
    match r {
        Some(Rag::Red) => "R",
        Some(Rag::Yellow) => "Y",
        Some(Rag::Green) => "G",
        None => "–",
    }
}

fn standing_label(s: MetricStanding) -> &'static str {
    match s {
        MetricStanding::NoData => "no data",
        MetricStanding::BelowMinimum => "below minimum viable",
        MetricStanding::Minimum => "minimum viable reached",
        MetricStanding::Target => "target reached",
        MetricStanding::Stretch => "stretch reached",
    }
}

fn num(v: Option<f64>, unit: &str) -> String {
    match v {
        Some(v) if unit.is_empty() => fmt_num(v),
        Some(v) if unit == "%" => format!("{}%", fmt_num(v)),
        Some(v) => format!("{} {unit}", fmt_num(v)),
        None => "—".into(),
    }
}

/// The checklist items a gap names, if any.
fn blocker_items(b: &Gap) -> Vec<&ItemRef> {
    match b {
        Gap::Items { items } => items.iter().map(|(i, _)| i).collect(),
        Gap::Overdue { items, .. } => items.iter().collect(),
        _ => Vec::new(),
    }
}

fn severity_word(blocks: bool) -> &'static str {
    if blocks {
        "blocks"
    } else {
        "warns"
    }
}

/// A row's verdict as (css key, mark, label).
fn shown(r: &PilotRow) -> (&'static str, &'static str, &'static str) {
    let (mark, label) = crate::domain::readiness::shown(r.verdict, r.status);
    (r.verdict.map_or("left", |v| v.key()), mark, label)
}

fn last_decision(r: &PilotRow) -> String {
    match &r.last_decision {
        Some((o, on)) => format!("last decision: {} on {on}", o.label()),
        None => "no decision yet".into(),
    }
}

// ---------------------------------------------------------------- Markdown

fn write_md(p: &Pack, w: &mut dyn Write) -> io::Result<()> {
    writeln!(w, "# Steering-committee pack: {}\n", md(&p.programme.name))?;
    writeln!(
        w,
        "{} (day 1 = {}, today {}). {} pilots. Exported {} by {}.\n",
        describe_day(p.day),
        p.programme.start_date,
        p.today,
        p.rows.len(),
        p.anchor.exported_at,
        md(&p.exported_by)
    )?;
    writeln!(
        w,
        "{}\n",
        p.anchor.markdown("the decisions below are still the log in the file")
    )?;

    writeln!(w, "## Pilots per phase and readiness\n")?;
    writeln!(
        w,
        "Each pilot's verdict at the gate of the phase it is in; stopped pilots and pilots in production have left the gates.\n"
    )?;
    writeln!(
        w,
        "| Phase | Pilots | ✗ Not ready | ! At risk | ✓ Ready | Stopped or in production |"
    )?;
    writeln!(w, "|---|--:|--:|--:|--:|--:|")?;
    for ph in Phase::ALL {
        let c = p.counts[ph.index()];
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} |",
            ph.label(),
            p.phase_total(ph.index()),
            c[0],
            c[1],
            c[2],
            c[3]
        )?;
    }
    writeln!(
        w,
        "| All | {} | {} | {} | {} | {} |\n",
        p.rows.len(),
        p.verdict_total(0),
        p.verdict_total(1),
        p.verdict_total(2),
        p.verdict_total(3)
    )?;

    writeln!(w, "## Readiness heatmap of the priority pilots\n")?;
    writeln!(
        w,
        "Current rating on each dimension: G green, Y yellow, R red, – not scored.\n"
    )?;
    write!(w, "| Pilot | Phase |")?;
    for d in Dimension::ALL {
        write!(w, " {} |", d.label())?;
    }
    writeln!(w, " Readiness |\n|---|---|:-:|:-:|:-:|:-:|---|")?;
    for r in p.priority.iter().map(|pr| &p.rows[pr.row]) {
        write!(w, "| {} | {} |", md(&r.name), r.phase.label())?;
        for d in r.dimensions {
            write!(w, " {} |", rag_word(d))?;
        }
        let (_, mark, label) = shown(r);
        writeln!(w, " {mark} {label} |")?;
    }
    writeln!(w)?;

    writeln!(w, "## Priority pilots\n")?;
    writeln!(w, "{}: {}.\n", p.priority.len(), md(&p.priority_sentence()))?;
    for pr in &p.priority {
        let r = &p.rows[pr.row];
        writeln!(w, "### {}\n", md(&r.name))?;
        writeln!(
            w,
            "{} · {} · {} · {} {} · {}.\n",
            md(&pr.reason),
            md(&p.sector(&r.sector)),
            r.status.label(),
            shown(r).1,
            shown(r).2,
            last_decision(r)
        )?;
        writeln!(w, "**Owners**\n")?;
        writeln!(w, "| Role | Owner |\n|---|---|")?;
        for role in Role::ALL {
            let who = r.owners[role.index()].as_deref().map_or("— missing".to_string(), md);
            writeln!(w, "| {} | {who} |", role.label())?;
        }
        if !pr.rights.is_empty() {
            let (held, of) = coverage(&pr.rights);
            writeln!(w, "\n**Decision rights** ({held} of {of} assigned)\n")?;
            writeln!(w, "| Right | Held by | Threshold |\n|---|---|---|")?;
            for x in &pr.rights {
                match &x.holder {
                    Some(h) => writeln!(w, "| {} | {} | {} |", md(&x.name), md(&h.person), md(&h.threshold))?,
                    None => writeln!(w, "| {} | — missing | |", md(&x.name))?,
                }
            }
        }
        writeln!(w, "\n**Blockers at the {}**\n", md(&pr.gate.to_lowercase()))?;
        if pr.gaps.is_empty() {
            writeln!(w, "- none: ready for the gate decision")?;
        }
        for (blocks, b) in &pr.gaps {
            writeln!(w, "- {}: {}", severity_word(*blocks), md(&b.describe()))?;
            let items = blocker_items(b);
            for i in items.iter().take(ITEMS_SHOWN) {
                writeln!(w, "  - day {}: {}", i.due_day, md(&i.text))?;
            }
            if items.len() > ITEMS_SHOWN {
                writeln!(w, "  - and {} more", items.len() - ITEMS_SHOWN)?;
            }
        }
        writeln!(w, "\n**Metrics against target**\n")?;
        if pr.metrics.is_empty() {
            writeln!(w, "No metrics defined yet.\n")?;
            continue;
        }
        writeln!(
            w,
            "| Metric | Category | Baseline | Minimum viable | Target | Stretch | Current | Standing |"
        )?;
        writeln!(w, "|---|---|--:|--:|--:|--:|--:|---|")?;
        for m in &pr.metrics {
            writeln!(
                w,
                "| {}{} | {} | {} | {} | {} | {} | {} | {} |",
                md(&m.name),
                if m.higher_is_better { "" } else { " (lower is better)" },
                md(&p.category(&m.category)),
                md(&num(m.baseline, &m.unit)),
                md(&num(m.minimum, &m.unit)),
                md(&num(m.target, &m.unit)),
                md(&num(m.stretch, &m.unit)),
                md(&num(m.current, &m.unit)),
                standing_label(m.standing())
            )?;
        }
        writeln!(w)?;
    }

    if !p.programme_items.is_empty() {
        writeln!(w, "## Programme checklist\n")?;
        writeln!(w, "Work done once for the whole portfolio.\n")?;
        writeln!(w, "| Item | State | Due | Owner | Note |")?;
        writeln!(w, "|---|---|---|---|---|")?;
        for i in &p.programme_items {
            writeln!(
                w,
                "| {} | {} | {} | {} | {} |",
                md(&i.text),
                i.state.label(),
                p.programme_due(i),
                i.owner.as_deref().map_or("—".to_string(), md),
                if i.note.is_empty() {
                    "—".to_string()
                } else {
                    md(&i.note)
                }
            )?;
        }
        writeln!(w)?;
    }

    writeln!(w, "## Decisions of the period\n")?;
    writeln!(w, "{}\n", md(&p.decisions_sentence()))?;
    if p.decisions.is_empty() {
        return Ok(());
    }
    writeln!(
        w,
        "| # | Pilot | Outcome | Decided on | Decided by | Criteria met | Rationale | Communicated | Superseded by |"
    )?;
    writeln!(w, "|--:|---|---|---|---|--:|---|---|---|")?;
    for d in p.decisions_listed() {
        writeln!(
            w,
            "| {} | {} | {} | {} | {} | {} of {} | {} | {} | {} |",
            d.id,
            md(&d.pilot),
            md(&format!(
                "{}: {}",
                super::decisions::gate_name(d),
                super::decisions::outcome_text(d)
            )),
            md(&d.decided_on),
            md(&super::decisions::maker_text(d)),
            d.criteria.iter().filter(|c| c.met).count(),
            d.criteria.len(),
            md(&d.rationale),
            if d.communicated { "yes" } else { "no" },
            d.superseded_by.map_or("—".to_string(), |id| format!("#{id}"))
        )?;
    }
    Ok(())
}

// ---------------------------------------------------------------- HTML

const VERDICT_COLOURS: [&str; 3] = ["#c62828", "#d4a106", "#2e7d32"];
const OUTCOME_COLOURS: [&str; 4] = ["#2e7d32", "#c62828", "#d4a106", "#78909c"];

fn rag_class(r: Option<Rag>) -> &'static str {
    match r {
        Some(Rag::Red) => "rag rag-red",
        Some(Rag::Yellow) => "rag rag-yellow",
        Some(Rag::Green) => "rag rag-green",
        None => "rag rag-none",
    }
}

fn rag_title(r: Option<Rag>) -> &'static str {
    r.map_or("not scored", |r| r.label())
}

/// Stacked horizontal bars: pilots per phase, split by verdict.
fn phase_chart(p: &Pack, w: &mut dyn Write) -> io::Result<()> {
    let (label_w, bar_w, row_h, top) = (170.0, 340.0, 30.0, 8.0);
    let max = Phase::ALL
        .iter()
        .map(|ph| p.phase_total(ph.index()))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let height = top + row_h * 3.0 + 34.0;
    let width = label_w + bar_w + 50.0;
    writeln!(
        w,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"phase-chart-title\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
         <title id=\"phase-chart-title\">Pilots per phase by readiness verdict</title>"
    )?;
    for (k, ph) in Phase::ALL.iter().enumerate() {
        let y = top + row_h * k as f64;
        writeln!(
            w,
            "<text x=\"0\" y=\"{}\" fill=\"#1d232b\">{}</text>",
            y + 17.0,
            html(ph.label())
        )?;
        let mut x = label_w;
        for (v, verdict) in Verdict::ALL.iter().enumerate() {
            let n = p.counts[ph.index()][v];
            if n == 0 {
                continue;
            }
            let seg = bar_w * n as f64 / max;
            writeln!(
                w,
                "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{seg:.1}\" height=\"22\" fill=\"{}\"><title>{}: {n} {}</title></rect>",
                VERDICT_COLOURS[v],
                html(ph.label()),
                verdict.label().to_lowercase()
            )?;
            if seg >= 18.0 {
                writeln!(
                    w,
                    "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#ffffff\" text-anchor=\"middle\" font-weight=\"600\">{n}</text>",
                    x + seg / 2.0,
                    y + 15.5
                )?;
            }
            x += seg;
        }
        writeln!(
            w,
            "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"#5b6570\">{}</text>",
            x + 6.0,
            y + 15.5,
            p.phase_total(ph.index())
        )?;
    }
    let ly = top + row_h * 3.0 + 14.0;
    let mut lx = label_w;
    for (v, verdict) in Verdict::ALL.iter().enumerate() {
        writeln!(
            w,
            "<rect x=\"{lx}\" y=\"{:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{}\" y=\"{:.1}\" fill=\"#1d232b\">{} {}</text>",
            ly - 10.0,
            VERDICT_COLOURS[v],
            lx + 16.0,
            ly,
            verdict.mark(),
            verdict.label()
        )?;
        lx += 100.0;
    }
    writeln!(
        w,
        "</svg><figcaption class=\"note\">Pilots per phase, by readiness verdict.</figcaption></figure>"
    )
}

/// Vertical bars: decisions of the period by outcome.
fn outcome_chart(p: &Pack, w: &mut dyn Write) -> io::Result<()> {
    let counts = p.outcome_counts();
    let max = counts.iter().copied().max().unwrap_or(0).max(1) as f64;
    let (col_w, plot_h, top) = (70.0, 110.0, 16.0);
    let width = col_w * 4.0 + 10.0;
    let height = top + plot_h + 24.0;
    writeln!(
        w,
        "<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-labelledby=\"outcome-chart-title\" \
         viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" font-family=\"system-ui, sans-serif\" font-size=\"12\">\n\
         <title id=\"outcome-chart-title\">Decisions of the period by outcome</title>"
    )?;
    for (k, o) in Outcome::ALL.iter().enumerate() {
        let n = counts[k];
        let h = plot_h * n as f64 / max;
        let x = 10.0 + col_w * k as f64;
        let y = top + plot_h - h;
        writeln!(
            w,
            "<rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{h:.1}\" fill=\"{}\"><title>{}: {n}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1d232b\">{n}</text>\
             <text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"#1d232b\">{}</text>",
            col_w - 20.0,
            OUTCOME_COLOURS[k],
            o.label(),
            x + (col_w - 20.0) / 2.0,
            y - 4.0,
            x + (col_w - 20.0) / 2.0,
            top + plot_h + 16.0,
            o.label()
        )?;
    }
    writeln!(
        w,
        "</svg><figcaption class=\"note\">Decisions of the period, by outcome.</figcaption></figure>"
    )
}

/// A small bullet chart: zones up to minimum viable, target and stretch, and
/// the current value as a bar.
fn metric_bullet(m: &Metric, w: &mut dyn Write) -> io::Result<()> {
    let values: Vec<f64> = [m.baseline, m.minimum, m.target, m.stretch, m.current]
        .into_iter()
        .flatten()
        .filter(|v| v.is_finite())
        .collect();
    if values.is_empty() || (m.minimum.is_none() && m.target.is_none()) {
        return write!(w, "—");
    }
    let lo = values.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (lo, hi) = if (hi - lo).abs() < f64::EPSILON {
        (lo - 1.0, hi + 1.0)
    } else {
        (lo, hi)
    };
    let pad = (hi - lo) * 0.05;
    let (lo, hi) = (lo - pad, hi + pad);
    let width = 140.0;
    let x = |v: f64| (v - lo) / (hi - lo) * width;
    // Zones from worst to best along the direction of improvement.
    let levels = [m.minimum, m.target, m.stretch];
    let fills = ["#fde3e3", "#fff2bf", "#dcf2e1", "#b9e4c4"];
    write!(
        w,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" viewBox=\"0 0 {width} 16\" width=\"{width}\" height=\"16\">\
         <title>{}: current {}, target {}</title>",
        html(&m.name),
        html(&num(m.current, &m.unit)),
        html(&num(m.target, &m.unit))
    )?;
    let mut edges: Vec<f64> = vec![if m.higher_is_better { lo } else { hi }];
    edges.extend(levels.iter().flatten().copied());
    edges.push(if m.higher_is_better { hi } else { lo });
    for (k, pair) in edges.windows(2).enumerate() {
        let (a, b) = (x(pair[0]).min(x(pair[1])), x(pair[0]).max(x(pair[1])));
        write!(
            w,
            "<rect x=\"{a:.1}\" y=\"0\" width=\"{:.1}\" height=\"16\" fill=\"{}\"/>",
            (b - a).max(0.0),
            fills[k.min(fills.len() - 1)]
        )?;
    }
    if let Some(t) = m.target {
        write!(
            w,
            "<rect x=\"{:.1}\" y=\"1\" width=\"2\" height=\"14\" fill=\"#1d232b\"/>",
            x(t) - 1.0
        )?;
    }
    if let Some(c) = m.current {
        let (a, b) = if m.higher_is_better {
            (x(lo), x(c))
        } else {
            (x(c), x(hi))
        };
        write!(
            w,
            "<rect x=\"{a:.1}\" y=\"5\" width=\"{:.1}\" height=\"6\" fill=\"#37474f\"/>",
            (b - a).max(1.0)
        )?;
    }
    write!(w, "</svg>")
}

fn write_html(p: &Pack, w: &mut dyn Write) -> io::Result<()> {
    frame::open(w, &format!("Steering-committee pack: {}", p.programme.name), "A4")?;
    writeln!(
        w,
        "<header>\n<h1>Steering-committee pack: {}</h1>",
        html(&p.programme.name)
    )?;
    writeln!(
        w,
        "<p class=\"sub\"><strong>{}</strong> (day 1 = {}, today {}) · {} pilots · exported {} by {}.</p>\n</header>",
        html(&describe_day(p.day)),
        p.programme.start_date,
        p.today,
        p.rows.len(),
        html(&p.anchor.exported_at),
        html(&p.exported_by)
    )?;
    frame::anchor(w, &p.anchor)?;

    writeln!(
        w,
        "<section>\n<h2>Pilots per phase and readiness</h2>\n<div class=\"charts\">"
    )?;
    phase_chart(p, w)?;
    outcome_chart(p, w)?;
    writeln!(w, "</div>")?;
    writeln!(
        w,
        "<table class=\"counts\">\n<thead><tr><th scope=\"col\">Phase</th><th scope=\"col\" class=\"num\">Pilots</th>\
         <th scope=\"col\" class=\"num\">✗ Not ready</th><th scope=\"col\" class=\"num\">! At risk</th>\
         <th scope=\"col\" class=\"num\">✓ Ready</th><th scope=\"col\" class=\"num\">Stopped or in production</th></tr></thead>\n<tbody>"
    )?;
    for ph in Phase::ALL {
        let c = p.counts[ph.index()];
        writeln!(
            w,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            html(ph.label()),
            p.phase_total(ph.index()),
            c[0],
            c[1],
            c[2],
            c[3]
        )?;
    }
    writeln!(
        w,
        "</tbody>\n<tfoot><tr><th scope=\"row\">All</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr></tfoot>\n</table>\n</section>",
        p.rows.len(),
        p.verdict_total(0),
        p.verdict_total(1),
        p.verdict_total(2),
        p.verdict_total(3)
    )?;

    writeln!(w, "<section>\n<h2>Readiness heatmap of the priority pilots</h2>")?;
    writeln!(
        w,
        "<p class=\"note\">Current rating on each dimension: G green, Y yellow, R red, – not scored.</p>"
    )?;
    write!(
        w,
        "<table class=\"heatmap\">\n<thead><tr><th scope=\"col\">Pilot</th><th scope=\"col\">Phase</th>"
    )?;
    for d in Dimension::ALL {
        write!(w, "<th scope=\"col\">{}</th>", html(d.label()))?;
    }
    writeln!(w, "<th scope=\"col\">Readiness</th></tr></thead>\n<tbody>")?;
    for r in p.priority.iter().map(|pr| &p.rows[pr.row]) {
        write!(
            w,
            "<tr><th scope=\"row\">{}</th><td>{}</td>",
            html(&r.name),
            html(r.phase.label())
        )?;
        for d in r.dimensions {
            write!(
                w,
                "<td class=\"{}\" title=\"{}\">{}</td>",
                rag_class(d),
                rag_title(d),
                rag_word(d)
            )?;
        }
        writeln!(
            w,
            "<td class=\"v-{}\">{} {}</td></tr>",
            shown(r).0,
            shown(r).1,
            html(shown(r).2)
        )?;
    }
    writeln!(w, "</tbody>\n</table>\n</section>")?;

    writeln!(w, "<section>\n<h2>Priority pilots</h2>")?;
    writeln!(
        w,
        "<p class=\"note\">{}: {}.</p>",
        p.priority.len(),
        html(&p.priority_sentence())
    )?;
    for pr in &p.priority {
        let r = &p.rows[pr.row];
        writeln!(w, "<article class=\"pilot\">\n<h3>{}</h3>", html(&r.name))?;
        writeln!(
            w,
            "<p class=\"sub\">{} · {} · {} · <span class=\"v-{}\">{} {}</span> · {}.</p>",
            html(&pr.reason),
            html(&p.sector(&r.sector)),
            html(r.status.label()),
            shown(r).0,
            shown(r).1,
            html(shown(r).2),
            html(&last_decision(r))
        )?;
        write!(w, "<table class=\"owners\"><caption>Owners</caption><tbody>")?;
        for role in Role::ALL {
            let who = match &r.owners[role.index()] {
                Some(n) => html(n).into_owned(),
                None => "<span class=\"unmet\">— missing</span>".into(),
            };
            write!(
                w,
                "<tr><th scope=\"row\">{}</th><td>{who}</td></tr>",
                html(role.label())
            )?;
        }
        writeln!(w, "</tbody></table>")?;
        if !pr.rights.is_empty() {
            let (held, of) = coverage(&pr.rights);
            write!(
                w,
                "<table class=\"rights\"><caption>Decision rights, {held} of {of} assigned</caption><tbody>"
            )?;
            for x in &pr.rights {
                let (who, threshold) = match &x.holder {
                    Some(h) => (html(&h.person).into_owned(), html(&h.threshold).into_owned()),
                    None => ("<span class=\"unmet\">— missing</span>".into(), String::new()),
                };
                write!(
                    w,
                    "<tr><th scope=\"row\">{}</th><td>{who}</td><td>{threshold}</td></tr>",
                    html(&x.name)
                )?;
            }
            writeln!(w, "</tbody></table>")?;
        }
        writeln!(w, "<h4>Blockers at the {}</h4>", html(&pr.gate.to_lowercase()))?;
        if pr.gaps.is_empty() {
            writeln!(w, "<p class=\"met\">None: ready for the gate decision.</p>")?;
        } else {
            writeln!(w, "<ul class=\"blockers\">")?;
            for (blocks, b) in &pr.gaps {
                let class = if *blocks { "unmet" } else { "v-at-risk" };
                write!(
                    w,
                    "<li><span class=\"{class}\">{}</span>: {}",
                    severity_word(*blocks),
                    html(&b.describe())
                )?;
                let items = blocker_items(b);
                if !items.is_empty() {
                    write!(w, "<ul>")?;
                    for i in items.iter().take(ITEMS_SHOWN) {
                        write!(w, "<li>day {}: {}</li>", i.due_day, html(&i.text))?;
                    }
                    if items.len() > ITEMS_SHOWN {
                        write!(w, "<li>and {} more</li>", items.len() - ITEMS_SHOWN)?;
                    }
                    write!(w, "</ul>")?;
                }
                writeln!(w, "</li>")?;
            }
            writeln!(w, "</ul>")?;
        }
        writeln!(w, "<h4>Metrics against target</h4>")?;
        if pr.metrics.is_empty() {
            writeln!(w, "<p class=\"note\">No metrics defined yet.</p>\n</article>")?;
            continue;
        }
        writeln!(
            w,
            "<table class=\"metrics\">\n<thead><tr><th scope=\"col\">Metric</th><th scope=\"col\">Category</th>\
             <th scope=\"col\" class=\"num\">Baseline</th><th scope=\"col\" class=\"num\">Minimum viable</th>\
             <th scope=\"col\" class=\"num\">Target</th><th scope=\"col\" class=\"num\">Stretch</th>\
             <th scope=\"col\" class=\"num\">Current</th><th scope=\"col\">Standing</th><th scope=\"col\">Chart</th></tr></thead>\n<tbody>"
        )?;
        for m in &pr.metrics {
            let class = match m.standing() {
                MetricStanding::BelowMinimum => "unmet",
                MetricStanding::Target | MetricStanding::Stretch => "met",
                _ => "note",
            };
            write!(
                w,
                "<tr><td>{}{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{class}\">{}</td><td>",
                html(&m.name),
                if m.higher_is_better { "" } else { " (lower is better)" },
                html(&p.category(&m.category)),
                html(&num(m.baseline, &m.unit)),
                html(&num(m.minimum, &m.unit)),
                html(&num(m.target, &m.unit)),
                html(&num(m.stretch, &m.unit)),
                html(&num(m.current, &m.unit)),
                standing_label(m.standing())
            )?;
            metric_bullet(m, w)?;
            writeln!(w, "</td></tr>")?;
        }
        writeln!(w, "</tbody>\n</table>\n</article>")?;
    }
    writeln!(w, "</section>")?;

    if !p.programme_items.is_empty() {
        writeln!(w, "<section>\n<h2>Programme checklist</h2>")?;
        writeln!(w, "<p class=\"note\">Work done once for the whole portfolio.</p>")?;
        writeln!(
            w,
            "<table class=\"programme\">\n<thead><tr><th>Item</th><th>State</th><th>Due</th><th>Owner</th><th>Note</th></tr></thead>\n<tbody>"
        )?;
        for i in &p.programme_items {
            writeln!(
                w,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                html(&i.text),
                i.state.label(),
                p.programme_due(i),
                html(i.owner.as_deref().unwrap_or("—")),
                if i.note.is_empty() { "—".into() } else { html(&i.note) }
            )?;
        }
        writeln!(w, "</tbody>\n</table>\n</section>")?;
    }

    writeln!(w, "<section>\n<h2>Decisions of the period</h2>")?;
    writeln!(w, "<p class=\"note\">{}</p>", html(&p.decisions_sentence()))?;
    if !p.decisions.is_empty() {
        writeln!(
            w,
            "<table class=\"log\">\n<thead><tr><th scope=\"col\" class=\"num\">#</th><th scope=\"col\">Pilot</th>\
             <th scope=\"col\">Outcome</th><th scope=\"col\">Decided on</th><th scope=\"col\">Decided by</th>\
             <th scope=\"col\" class=\"num\">Criteria met</th><th scope=\"col\">Rationale</th>\
             <th scope=\"col\">Communicated</th><th scope=\"col\">Superseded by</th></tr></thead>\n<tbody>"
        )?;
        for d in p.decisions_listed() {
            writeln!(
                w,
                "<tr><td class=\"num\">{}</td><td>{}</td><td><span class=\"o o-{}\">{}</span></td><td class=\"nowrap\">{}</td>\
                 <td>{}</td><td class=\"num\">{} of {}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                d.id,
                html(&d.pilot),
                d.outcome.key(),
                html(&format!("{}: {}", super::decisions::gate_name(d), super::decisions::outcome_text(d))),
                html(&d.decided_on),
                html(&super::decisions::maker_text(d)),
                d.criteria.iter().filter(|c| c.met).count(),
                d.criteria.len(),
                html(&d.rationale),
                if d.communicated { "yes" } else { "no" },
                d.superseded_by.map_or("—".to_string(), |id| format!("#{id}"))
            )?;
        }
        writeln!(w, "</tbody>\n</table>")?;
    }
    writeln!(w, "</section>")?;
    frame::close(w, &p.exported_by, &p.anchor.exported_at)
}
