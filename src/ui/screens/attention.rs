//! Attention: what needs someone this week across the portfolio. Every line
//! jumps to the place where it is fixed. One component: the list's state,
//! its keys (`handle`) and its drawing live here; loading it from the
//! portfolio is the app's (`App::load_attention`).

use crate::domain::model::{Role, Status};
use crate::text::{sanitize, truncate};
use crate::ui::action::Action;
use crate::ui::app::Ui;
use crate::ui::app::{App, ListTarget};
use crate::ui::draw::fit;
use crate::ui::overlay::Jump;
use crate::ui::state::matches_words;
use crate::ui::widgets::list::window_offset;
use crate::ui::widgets::list::Scroll;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

/// At most this many checklist lines are listed.
pub const ITEM_LIMIT: usize = 2000;

impl App {
    /// Build the attention list from the in-memory portfolio, one query for
    /// the items due soon, and the decision log.
    pub(crate) fn load_attention(&mut self) {
        let mut lines = Vec::new();
        let mut more = [0u64; 2];
        for (k, (from, before)) in [(i64::MIN, self.day), (self.day, self.day + 8)].into_iter().enumerate() {
            match self.store.open_items_due_between(from, before, ITEM_LIMIT) {
                Ok((items, total)) => {
                    more[k] = total.saturating_sub(items.len() as u64);
                    for (it, pilot) in items {
                        lines.push(self.item_line(it, pilot));
                    }
                }
                Err(e) => self.error(e.to_string()),
            }
        }
        // The programme checklist's open work, once (not once per pilot).
        for i in self
            .programme_items
            .iter()
            .filter(|i| i.state.is_open() && i.due_day < self.day + 8)
        {
            let jump = Jump::Programme { item_id: i.id };
            lines.push(self.due_line(i.due_day, i.owner.clone(), &i.text, "Programme".into(), jump));
        }
        // Stopped pilots and pilots in production have left the gates.
        let live = |s: Status| crate::domain::gates::is_active(s);
        // A defer holds its pilot until a review date: due ones come first.
        let today = self.today.to_string();
        let current: std::collections::HashMap<i64, (Status, crate::domain::model::Phase)> = self
            .portfolio
            .rows
            .iter()
            .map(|r| (r.id, (r.status, r.phase)))
            .collect();
        for d in self.decisions.all.iter().filter(|d| {
            d.outcome == crate::domain::model::Outcome::Defer
                && d.superseded_by.is_none()
                && d.review_on.as_deref().is_some_and(|r| r <= today.as_str())
                && current
                    .get(&d.pilot_id)
                    .is_some_and(|(s, p)| live(*s) && d.gate == Some(*p))
        }) {
            let on = d.review_on.clone().unwrap_or_default();
            lines.push(AttentionLine {
                kind: AttentionKind::ReviewDue,
                pilot: d.pilot.clone(),
                owner: None,
                text: format!(
                    "deferred by {}: review it and record the gate decision",
                    sanitize(&d.decided_by)
                ),
                when: format!("review {}", sanitize(&on)),
                jump: Jump::Pilot { pilot_id: d.pilot_id },
            });
        }
        for r in self.portfolio.rows.iter().filter(|r| live(r.status)) {
            let missing: Vec<Role> = Role::ALL
                .iter()
                .zip(r.owners.iter())
                .filter(|(_, o)| o.is_none())
                .map(|(r, _)| *r)
                .collect();
            if let Some(first) = missing.first() {
                lines.push(AttentionLine {
                    kind: AttentionKind::MissingOwner,
                    pilot: r.name.clone(),
                    owner: None,
                    text: format!(
                        "no {}",
                        missing
                            .iter()
                            .map(|r| r.label().to_lowercase())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    when: format!("{} of 4 named", r.owner_count()),
                    jump: Jump::Role {
                        pilot_id: r.id,
                        role: *first,
                    },
                });
            }
        }
        let cutoff = (self.today - chrono::Duration::days(30)).to_string();
        for r in self.portfolio.rows.iter().filter(|r| live(r.status)) {
            if let Some(at) = &r.oldest_score_at {
                if at.get(..10).is_some_and(|d| d < cutoff.as_str()) {
                    lines.push(AttentionLine {
                        kind: AttentionKind::StaleScore,
                        pilot: r.name.clone(),
                        owner: None,
                        text: "a readiness score is more than 30 days old: score it again".into(),
                        when: format!("oldest {}", sanitize(at.get(..10).unwrap_or(at))),
                        jump: Jump::Pilot { pilot_id: r.id },
                    });
                }
            }
        }
        for d in self
            .decisions
            .all
            .iter()
            .filter(|d| !d.communicated && d.superseded_by.is_none())
        {
            lines.push(AttentionLine {
                kind: AttentionKind::Uncommunicated,
                pilot: d.pilot.clone(),
                owner: None,
                text: format!(
                    "{} decided by {}: tell the business (C on the decision log)",
                    d.outcome.label(),
                    sanitize(&d.decided_by)
                ),
                when: format!("decided {}", sanitize(&d.decided_on)),
                jump: Jump::Decision { decision_id: d.id },
            });
        }
        lines.sort_by_key(|l| l.kind);
        self.attention.all = lines;
        self.attention.refilter();
        self.attention.more = more;
        self.attention.loaded = true;
    }

    fn item_line(&self, it: crate::domain::model::ChecklistItem, pilot: String) -> AttentionLine {
        let jump = Jump::Item {
            pilot_id: it.pilot_id,
            item_id: it.id,
            phase: it.phase,
        };
        self.due_line(it.due_day, it.owner, &it.text, pilot, jump)
    }

    /// An open item due before today or within the week.
    fn due_line(&self, due_day: i64, owner: Option<String>, text: &str, pilot: String, jump: Jump) -> AttentionLine {
        let overdue = due_day < self.day;
        let when = if overdue {
            format!("{}d late (day {})", self.day - due_day, due_day)
        } else if due_day == self.day {
            format!("today (day {due_day})")
        } else {
            format!("in {}d (day {due_day})", due_day - self.day)
        };
        let who = owner.as_deref().map_or("no owner".to_string(), sanitize);
        AttentionLine {
            kind: if overdue {
                AttentionKind::Overdue
            } else {
                AttentionKind::DueSoon
            },
            pilot,
            owner,
            text: format!("{} ({who})", sanitize(text)),
            when,
            jump,
        }
    }
}

/// How the attention list is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AttentionGroup {
    #[default]
    Kind,
    Pilot,
    Owner,
}

impl AttentionGroup {
    pub fn next(self) -> AttentionGroup {
        match self {
            AttentionGroup::Kind => AttentionGroup::Pilot,
            AttentionGroup::Pilot => AttentionGroup::Owner,
            AttentionGroup::Owner => AttentionGroup::Kind,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            AttentionGroup::Kind => "by kind",
            AttentionGroup::Pilot => "by pilot",
            AttentionGroup::Owner => "by owner",
        }
    }
}

/// Kinds of line on the Attention screen, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum AttentionKind {
    /// A defer's review date has come.
    ReviewDue,
    Overdue,
    DueSoon,
    MissingOwner,
    StaleScore,
    Uncommunicated,
}

impl AttentionKind {
    pub fn title(self) -> &'static str {
        match self {
            AttentionKind::ReviewDue => "Deferred pilots due for review",
            AttentionKind::Overdue => "Overdue checklist items",
            AttentionKind::DueSoon => "Due within 7 days",
            AttentionKind::MissingOwner => "Pilots missing owners",
            AttentionKind::StaleScore => "Scores older than 30 days",
            AttentionKind::Uncommunicated => "Decisions not yet communicated",
        }
    }
}

/// One line on the Attention screen.
#[derive(Debug, Clone, PartialEq)]
pub struct AttentionLine {
    pub kind: AttentionKind,
    pub pilot: String,
    /// Who is to act (an item's owner), when someone is named.
    pub owner: Option<String>,
    pub text: String,
    pub when: String,
    pub jump: Jump,
}

#[derive(Debug, Clone, Default)]
pub struct AttentionState {
    /// Every line, by kind.
    pub all: Vec<AttentionLine>,
    /// The lines shown: filtered, in the order of the grouping.
    pub lines: Vec<AttentionLine>,
    pub filter: crate::ui::widgets::textbuf::TextBuf,
    pub group: AttentionGroup,
    pub scroll: Scroll,
    pub loaded: bool,
    /// Items left out past the display limit (overdue, due soon).
    pub more: [u64; 2],
}

/// What a key on the list asks of the app.
#[derive(Debug, Clone, PartialEq)]
pub enum ScreenOutcome {
    Stay,
    /// Not a key of this screen.
    Unhandled,
    /// Go to where the selected line is fixed.
    Jump(Jump),
    /// The grouping changed: say so.
    Grouped(AttentionGroup),
    Filter,
    ClearFilter,
}

impl AttentionState {
    pub fn handle(&mut self, a: Action, page: usize) -> ScreenOutcome {
        if self.scroll.handle(a, self.lines.len(), page) {
            return ScreenOutcome::Stay;
        }
        match a {
            Action::Open => {
                if let Some(l) = self.lines.get(self.scroll.selected) {
                    return ScreenOutcome::Jump(l.jump.clone());
                }
            }
            Action::Filter => return ScreenOutcome::Filter,
            Action::Group => {
                self.group = self.group.next();
                self.refilter();
                self.scroll.top();
                return ScreenOutcome::Grouped(self.group);
            }
            Action::Back if !self.filter.text().is_empty() => return ScreenOutcome::ClearFilter,
            _ => return ScreenOutcome::Unhandled,
        }
        ScreenOutcome::Stay
    }

    /// The heading a line goes under in the current grouping.
    pub fn heading(&self, l: &AttentionLine) -> String {
        match self.group {
            AttentionGroup::Kind => l.kind.title().to_string(),
            AttentionGroup::Pilot => crate::text::sanitize(&l.pilot),
            AttentionGroup::Owner => l
                .owner
                .as_deref()
                .map_or("No owner named".into(), crate::text::sanitize),
        }
    }

    /// Filter and group again.
    pub fn refilter(&mut self) {
        let q = self.filter.text().to_string();
        let mut lines: Vec<AttentionLine> = self
            .all
            .iter()
            .filter(|l| {
                matches_words(
                    &q,
                    &[
                        &l.pilot,
                        &l.text,
                        &l.when,
                        l.owner.as_deref().unwrap_or(""),
                        l.kind.title(),
                    ],
                )
            })
            .cloned()
            .collect();
        match self.group {
            AttentionGroup::Kind => {}
            AttentionGroup::Pilot => lines.sort_by_key(|a| a.pilot.to_lowercase()),
            // Named owners A to Z, then the lines nobody owns.
            AttentionGroup::Owner => lines.sort_by(|a, b| match (&a.owner, &b.owner) {
                (Some(x), Some(y)) => x.to_lowercase().cmp(&y.to_lowercase()),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            }),
        }
        self.lines = lines;
        self.scroll.clamp(self.lines.len());
    }
}

impl AttentionState {
    pub fn draw(&self, f: &mut Frame, area: Rect, ui: &Ui) {
        let t = &ui.config.theme;
        let area = ui.draw_list_filter(f, area, &self.filter, self.lines.len(), self.all.len(), "lines");
        let lines = &self.lines;
        if lines.is_empty() && !self.all.is_empty() {
            f.render_widget(
                Paragraph::new("No line matches the filter: Esc clears it.").style(t.muted()),
                area,
            );
            return;
        }
        if lines.is_empty() {
            f.render_widget(
                Paragraph::new("Nothing needs attention this week: no overdue or due items, every pilot has its four owners, scores are fresh and decisions communicated.")
                    .style(t.ok())
                    .wrap(Wrap { trim: true }),
                area,
            );
            return;
        }
        // One line of counts, then a heading before each kind.
        let count = |k: AttentionKind| lines.iter().filter(|l| l.kind == k).count();
        let r = count(AttentionKind::ReviewDue);
        let (o, d, m, st, u) = (
            count(AttentionKind::Overdue) as u64 + self.more[0],
            count(AttentionKind::DueSoon) as u64 + self.more[1],
            count(AttentionKind::MissingOwner),
            count(AttentionKind::StaleScore),
            count(AttentionKind::Uncommunicated),
        );
        let summary = if area.width >= 110 {
            format!("This week: {r} review(s) due · {o} overdue · {d} due within 7 days · {m} pilots missing owners · {st} stale scores · {u} decisions not communicated")
        } else {
            format!("{r} review(s) · {o} overdue · {d} due soon · {m} no owner · {st} stale · {u} not told")
        };
        f.render_widget(
            Paragraph::new(Span::styled(truncate(&summary, area.width as usize), t.title())),
            Rect { height: 1, ..area },
        );
        let area = Rect {
            y: area.y + 1,
            height: area.height.saturating_sub(1),
            ..area
        };
        // The selected line in full under the list (rows cut their text).
        let area = if area.height >= 12 {
            let foot = Rect {
                y: area.y + area.height - 2,
                height: 2,
                ..area
            };
            if let Some(l) = lines.get(self.scroll.selected) {
                f.render_widget(
                    Paragraph::new(Line::from(vec![
                        Span::styled("─ ", t.border()),
                        Span::styled(format!("{}: ", sanitize(&l.pilot)), t.title()),
                        Span::raw(sanitize(&l.text)),
                        Span::styled(format!(" · {}", l.when), t.muted()),
                    ]))
                    .wrap(Wrap { trim: true }),
                    foot,
                );
            }
            Rect {
                height: area.height - 2,
                ..area
            }
        } else {
            area
        };
        // Display rows: a heading before each group (kind, pilot, owner).
        let mut rows: Vec<Option<usize>> = Vec::new();
        let mut last: Option<String> = None;
        for (i, l) in lines.iter().enumerate() {
            let h = self.heading(l);
            if last.as_ref() != Some(&h) {
                rows.push(None);
                last = Some(h);
            }
            rows.push(Some(i));
        }
        let sel = self.scroll.selected;
        let sel_row = rows.iter().position(|r| *r == Some(sel)).unwrap_or(0);
        let h = area.height as usize;
        ui.page.set(h.max(1));
        let mut off = window_offset(sel_row, rows.len(), h, self.scroll.offset.get());
        if sel_row > 0 && rows[sel_row - 1].is_none() && sel_row - 1 < off {
            off = sel_row - 1;
        }
        self.scroll.offset.set(off);
        ui.hits.borrow_mut().scroll_areas.push((area, ListTarget::Attention));
        let w = area.width as usize;
        let pilot_w = (w / 4).clamp(12, 36);
        let when_w = 19;
        let mut out = Vec::new();
        for (n, r) in rows.iter().enumerate().skip(off).take(h) {
            let y = area.y + (n - off) as u16;
            match r {
                None => {
                    let first = &lines[rows.get(n + 1).copied().flatten().unwrap_or(0)];
                    let kind = first.kind;
                    let heading = self.heading(first);
                    let count = lines.iter().filter(|l| self.heading(l) == heading).count();
                    let by_kind = self.group == crate::ui::app::AttentionGroup::Kind;
                    let more = match kind {
                        AttentionKind::Overdue if by_kind => self.more[0],
                        AttentionKind::DueSoon if by_kind => self.more[1],
                        _ => 0,
                    };
                    let extra = if more > 0 {
                        format!(" (+{more} more not listed)")
                    } else {
                        String::new()
                    };
                    let style = match kind {
                        AttentionKind::Overdue | AttentionKind::MissingOwner if by_kind => t.alert(),
                        _ => t.title(),
                    };
                    out.push(Line::from(Span::styled(format!("{heading} ({count}){extra}"), style)));
                }
                Some(i) => {
                    let l = &lines[*i];
                    ui.hit_row(area, (y - area.y) as usize, ListTarget::Attention, *i);
                    let mark = match l.kind {
                        AttentionKind::ReviewDue => "↻",
                        AttentionKind::Overdue => "!",
                        AttentionKind::DueSoon => "›",
                        AttentionKind::MissingOwner => "✗",
                        AttentionKind::StaleScore => "~",
                        AttentionKind::Uncommunicated => "✉",
                    };
                    let text_w = w.saturating_sub(pilot_w + when_w + 6);
                    let mut line = Line::from(vec![
                        Span::styled(
                            format!("  {mark} "),
                            if l.kind == AttentionKind::Overdue {
                                t.alert()
                            } else {
                                t.warn()
                            },
                        ),
                        Span::raw(format!("{} ", fit(&sanitize(&l.pilot), pilot_w))),
                        Span::raw(format!("{} ", fit(&truncate(&l.text, text_w), text_w))),
                        Span::styled(fit(&l.when, when_w), t.muted()),
                    ]);
                    if *i == sel {
                        line = line.patch_style(t.selected());
                    }
                    out.push(line);
                }
            }
        }
        f.render_widget(Paragraph::new(out), area);
    }
}
