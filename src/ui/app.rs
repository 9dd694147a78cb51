//! The application state and the one-direction loop's middle: events become
//! actions through the keymap; `update` applies them (calling the store);
//! drawing only reads this state.

use super::action::Action;
use super::config::Config;
use super::data::PortfolioView;
use super::history::History;
use super::keymap::Mode;
use super::overlay::{Jump, Overlay};
use super::pilot::PilotData;
pub use super::state::*;
use crate::domain::calendar::programme_day;
use crate::domain::model::Phase;
use crate::playbook::Playbook;
use crate::store::{Programme, Store};
use chrono::NaiveDate;
use crossterm::event::{Event, KeyEvent, KeyEventKind};
use std::cell::RefCell;
use std::time::{Duration, Instant};

/// How often the database file is checked for changes by other programs.
pub const POLL_EVERY: Duration = Duration::from_secs(1);
/// How long an information message stays in the status bar.
pub const MESSAGE_FOR: Duration = Duration::from_secs(8);

/// The workbench: the store, and everything the UI knows ([`Ui`], which
/// `App` dereferences to). Handlers are methods of `App` and may run
/// effects through the store; drawing is a method of [`Ui`], which holds no
/// store, so rendering cannot query or change the database.
pub struct App {
    pub(crate) store: Store,
    pub(crate) ui: Ui,
}

/// Everything the UI knows and draws from: no store.
pub struct Ui {
    /// The file's path, the acting person, read-only or not.
    pub(crate) file: FileView,
    pub(crate) playbook: Playbook,
    pub(crate) config: Config,
    pub(crate) today: NaiveDate,
    pub(crate) day: i64,
    pub(crate) programme: Option<Programme>,
    pub(crate) screen: Screen,
    pub(crate) portfolio: PortfolioView,
    pub(crate) boards: [BoardState; 3],
    pub(crate) detail: DetailState,
    pub(crate) pilot: Option<PilotData>,
    /// The programme checklist (loaded with the portfolio).
    pub(crate) programme_items: Vec<crate::domain::model::ProgrammeItem>,
    /// The selected portfolio pilot's gates (the preview's gaps), loaded
    /// alone so moving through the portfolio reads one pilot's facts.
    pub(crate) preview: Option<(i64, crate::domain::gates::Judgement)>,
    pub(crate) decisions: DecisionsState,
    pub(crate) attention: AttentionState,
    pub(crate) overlays: Vec<Overlay>,
    pub(crate) message: Option<Message>,
    /// Every message of the session, for rereading (`@`).
    pub(crate) log: Vec<super::recent::LoggedMessage>,
    /// The newest audit event already seen (others' newer ones are
    /// announced on the next poll).
    pub(crate) seen_event: i64,
    /// The newest audit event when the session began: yours up to it are
    /// from earlier sessions and listed by U from the audit trail.
    pub(crate) session_start: i64,
    /// This session's changes, for undo and the history view.
    pub(crate) history: History,
    pub(crate) data_version: i64,
    pub(crate) last_poll: Instant,
    /// The file at our path went away and the user was told.
    pub(crate) replaced_reported: bool,
    /// The comparison of the playbook with the file's checklists, when it
    /// runs on another thread.
    pub(crate) playbook_check: Option<std::sync::mpsc::Receiver<Option<String>>>,
    pub(crate) quit: bool,
    pub(crate) hits: RefCell<Hits>,
    /// The portfolio (or board) filter is being typed.
    pub(crate) filtering: bool,
    /// Rows in the last drawn main list, for page up / down.
    pub(crate) page: std::cell::Cell<usize>,
}

/// What the status bar says about the file, refreshed when it changes
/// (opened, reopened after a restore, a name given).
#[derive(Debug, Clone, Default)]
pub struct FileView {
    pub path: std::path::PathBuf,
    pub actor: String,
    pub read_only: bool,
}

impl std::ops::Deref for App {
    type Target = Ui;
    fn deref(&self) -> &Ui {
        &self.ui
    }
}

impl std::ops::DerefMut for App {
    fn deref_mut(&mut self) -> &mut Ui {
        &mut self.ui
    }
}

impl App {
    /// Build the app and load the portfolio once. Today comes from the
    /// store's clock.
    pub fn new(store: Store, playbook: Playbook, config: Config) -> crate::Result<App> {
        let today = store.today();
        let file = FileView {
            path: store.path().to_path_buf(),
            actor: store.actor().to_string(),
            read_only: store.is_read_only(),
        };
        let ui = Ui {
            file,
            playbook,
            config,
            today,
            day: 1,
            programme: None,
            screen: Screen::Portfolio,
            portfolio: PortfolioView::default(),
            boards: Default::default(),
            detail: DetailState::default(),
            pilot: None,
            programme_items: Vec::new(),
            preview: None,
            decisions: DecisionsState::default(),
            attention: AttentionState::default(),
            overlays: Vec::new(),
            message: None,
            log: Vec::new(),
            seen_event: 0,
            session_start: 0,
            history: History::default(),
            data_version: 0,
            last_poll: Instant::now(),
            replaced_reported: false,
            playbook_check: None,
            quit: false,
            hits: RefCell::new(Hits::default()),
            filtering: false,
            page: std::cell::Cell::new(10),
        };
        let mut app = App { store, ui };
        app.reload_all()?;
        app.seen_event = app.store.audit_events(None, 1)?.first().map_or(0, |e| e.id);
        app.session_start = app.seen_event;
        if app.store.is_read_only() {
            app.info(format!(
                "{} is read-only: you can look, but changes will be refused",
                app.store.path().display()
            ));
        }
        Ok(app)
    }

    /// Read everything again (start, refresh, another program's change,
    /// a conflict), keeping selections by pilot id.
    pub fn reload_all(&mut self) -> crate::Result<()> {
        let programme = self.store.programme()?;
        // A workbench left open past midnight moves on to the new day.
        self.today = self.store.today();
        self.day = programme_day(programme.start_date, self.today);
        self.programme = Some(programme);
        let rows = self.store.portfolio(&self.playbook, self.day)?;
        self.portfolio.set_rows(rows);
        self.programme_items = self.store.programme_items()?;
        self.decisions.loaded = false;
        self.attention.loaded = false;
        self.pilot = None;
        self.preview = None;
        self.data_version = self.store.data_version()?;
        self.ensure_loaded();
        Ok(())
    }

    /// Ask who the user is (the workbench does when neither `--as`, the
    /// config file nor `$USER` says): the answer is recorded on every
    /// change and remembered in the config file.
    pub fn ask_name(&mut self) {
        self.overlays.push(Overlay::Prompt(super::prompt::PromptState::new(
            "Who are you? Every change you make is recorded with your name".into(),
            "Your name (Esc: go on as 'unknown')".into(),
            "",
            super::prompt::PromptPurpose::Name,
        )));
    }

    /// Copy what the status bar shows about the file from the store.
    pub(crate) fn sync_file(&mut self) {
        self.ui.file = FileView {
            path: self.store.path().to_path_buf(),
            actor: self.store.actor().to_string(),
            read_only: self.store.is_read_only(),
        };
    }

    /// The store (for tests and the CLI).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Start checking the file on another thread (before the first save
    /// waits for it); the workbench calls this once its first frame is on
    /// screen, so the check does not slow the frame down.
    pub fn start_file_check(&mut self) {
        self.store.check_in_background();
    }

    /// Compare the loaded playbook with the file's checklists and say
    /// when they differ (items new to the playbook, items it no longer
    /// has). A file is read on another thread; the answer is shown by
    /// [`App::tick`]. An in-memory store is compared at once.
    pub fn start_playbook_check(&mut self) {
        let items = self.playbook.items();
        let programme = self.playbook.programme_items();
        let path = self.store.path().to_path_buf();
        // The command to run names this file; the playbook is the one this
        // workbench was started with.
        let command = format!(
            "lastmile --db {} playbook sync --dry-run (with this workbench's --playbook)",
            crate::text::sanitize(&path.display().to_string())
        );
        if path.as_os_str() == ":memory:" {
            if let Ok(file) = self.store.checklists_for_sync() {
                let plan = crate::domain::sync::plan_all(&items, &programme, &file);
                let said = crate::domain::sync::notice(&plan, &command);
                self.playbook_notice(said);
            }
            return;
        }
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let said = crate::store::checklists_at(&path).ok().and_then(|file| {
                let plan = crate::domain::sync::plan_all(&items, &programme, &file);
                crate::domain::sync::notice(&plan, &command)
            });
            let _ = tx.send(said);
        });
        self.ui.playbook_check = Some(rx);
    }

    /// Whether the playbook comparison is still running.
    pub fn playbook_check_pending(&self) -> bool {
        self.ui.playbook_check.is_some()
    }

    fn playbook_notice(&mut self, said: Option<String>) {
        if let Some(m) = said {
            self.info(m);
        }
    }

    /// Replace the colour theme (tests; a future theme switch).
    pub fn set_theme(&mut self, theme: super::theme::Theme) {
        self.config.theme = theme;
    }

    /// Press keys named as in the config file, separated by spaces
    /// (`"3 l d"`, `"ctrl-s"`); for tests and scripted demos.
    pub fn press(&mut self, keys: &str) {
        for k in keys.split_whitespace() {
            let key = super::keymap::Key::parse(k).unwrap_or_else(|e| panic!("bad key in press(): {e}"));
            self.handle_key(key.to_event());
        }
    }

    /// Type text into the focused field, one key per character.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let code = if c == '\n' {
                crossterm::event::KeyCode::Enter
            } else {
                crossterm::event::KeyCode::Char(c)
            };
            self.handle_key(KeyEvent::new(code, crossterm::event::KeyModifiers::NONE));
        }
    }

    pub(crate) fn info(&mut self, text: impl Into<String>) {
        self.say(MessageKind::Info, text.into());
    }

    pub(crate) fn ok(&mut self, text: impl Into<String>) {
        self.say(MessageKind::Ok, text.into());
    }

    pub(crate) fn error(&mut self, text: impl Into<String>) {
        self.say(MessageKind::Error, text.into());
    }

    /// Show a message in the status area and keep it in the message log.
    fn say(&mut self, kind: MessageKind, text: String) {
        let when = super::screens::detail::short_time(&self.store.clock().now_utc());
        self.log.push(super::recent::LoggedMessage {
            when,
            kind,
            text: text.clone(),
        });
        if self.log.len() > super::recent::MESSAGES_KEPT {
            self.log.remove(0);
        }
        self.message = Some(Message {
            text,
            kind,
            at: Instant::now(),
        });
    }

    /// Open the reference panel on the lenses of the phase in view: the
    /// board's, the workshop's, else the current pilot's phase.
    pub(crate) fn open_reference(&mut self) {
        let phase = self
            .overlays
            .iter()
            .rev()
            .find_map(|o| match o {
                Overlay::Workshop(w) => Some(w.phase),
                _ => None,
            })
            .or(match self.screen {
                Screen::Board(p) => Some(p),
                _ => None,
            })
            .or_else(|| {
                self.current_pilot()
                    .and_then(|id| self.portfolio.row(id).map(|r| r.phase))
            });
        let state = super::lenses::LensesState::new(&self.playbook, phase);
        self.overlays.push(Overlay::Lenses(state));
    }

    /// Open the recent-changes / messages overlay.
    pub(crate) fn open_recent(&mut self, view: super::recent::RecentView) {
        use super::recent::{message_rows, RecentRow, RecentState};
        let me = self.store.actor().to_string();
        let mut changes: Vec<(String, RecentRow)> = self
            .history
            .recent()
            .map(|c| {
                (
                    c.at.clone(),
                    RecentRow {
                        when: super::screens::detail::short_time(&c.at),
                        who: crate::text::sanitize(&me),
                        pilot: c.pilot.clone(),
                        pilot_id: c.pilot_id,
                        text: c.what.clone(),
                        kind: None,
                    },
                )
            })
            .collect();
        // Other people's changes (and yours from earlier sessions) from the
        // audit trail: the session's own are listed above in words.
        match self.store.audit_events(None, 200) {
            Ok(events) => {
                let start = self.session_start;
                // This session's own writes are listed above; anything else
                // is someone else's, or yours from another terminal.
                for e in events
                    .into_iter()
                    .filter(|e| !self.store.wrote_event(e.id) || e.id <= start)
                {
                    let pilot = e
                        .pilot_id
                        .and_then(|p| self.portfolio.row(p).map(|r| crate::text::sanitize(&r.name)))
                        .unwrap_or_default();
                    let item: Vec<_> = if e.entity == "item" {
                        self.store.item(e.entity_id).into_iter().collect()
                    } else {
                        Vec::new()
                    };
                    let text = super::screens::detail::describe_event(&self.playbook, &e, Some(&item));
                    changes.push((
                        e.at.clone(),
                        RecentRow {
                            when: super::screens::detail::short_time(&e.at),
                            who: crate::text::sanitize(&e.actor),
                            pilot,
                            pilot_id: e.pilot_id,
                            text,
                            kind: None,
                        },
                    ));
                }
            }
            Err(e) => self.error(e.to_string()),
        }
        changes.sort_by(|a, b| b.0.cmp(&a.0));
        let changes = changes.into_iter().map(|(_, r)| r).collect();
        let messages = message_rows(&self.log);
        self.overlays
            .push(Overlay::Recent(RecentState::new(view, changes, messages)));
    }

    /// Show a refused write; after a conflict, reload so the user sees the
    /// other change and can apply theirs again.
    pub(crate) fn fail(&mut self, e: crate::Error) {
        let conflict = matches!(e, crate::Error::Conflict(_));
        tracing::warn!(error = %e, "write refused");
        self.error(e.to_string());
        if conflict {
            let msg = self.message.clone();
            if let Err(e2) = self.reload_all() {
                self.error(format!("{e}; reloading also failed: {e2}"));
                return;
            }
            self.message = msg;
        }
    }

    /// Load what the current screen shows (pilot detail, decision log,
    /// attention list) when it is missing or stale.
    pub(crate) fn ensure_loaded(&mut self) {
        let needs_pilot = !self.overlays.is_empty()
            || !matches!(self.screen, Screen::Portfolio | Screen::Decisions | Screen::Attention);
        if needs_pilot {
            let want = self.current_pilot();
            if want != self.pilot.as_ref().map(|p| p.id()) {
                self.pilot = None;
                if let Some(id) = want {
                    match PilotData::load(&self.store, &self.playbook, id, self.day) {
                        Ok(d) => self.pilot = Some(d),
                        Err(crate::Error::NotFound(_)) => self.portfolio.remove(id),
                        Err(e) => self.error(e.to_string()),
                    }
                }
            }
        }
        if matches!(self.screen, Screen::Portfolio) && self.overlays.is_empty() {
            let want = self.current_pilot();
            if want != self.preview.as_ref().map(|(id, _)| *id) {
                self.preview = None;
                if let Some(id) = want {
                    match self.store.judge(&self.playbook, id) {
                        Ok(j) => self.preview = Some((id, j)),
                        Err(crate::Error::NotFound(_)) => self.portfolio.remove(id),
                        Err(e) => self.error(e.to_string()),
                    }
                }
            }
        }
        if matches!(self.screen, Screen::Decisions | Screen::Attention) && !self.decisions.loaded {
            match self.store.all_decisions() {
                Ok(list) => {
                    self.decisions.all = list;
                    self.decisions.refilter();
                    self.decisions.loaded = true;
                }
                Err(e) => self.error(e.to_string()),
            }
        }
        if self.screen == Screen::Attention && !self.attention.loaded {
            self.load_attention();
        }
        if let Screen::Board(p) = self.screen {
            let n = self.board_pilots(p).len();
            self.boards[p.index()].pilots.clamp(n);
            let items = self.pilot.as_ref().map_or(0, |d| d.items(p).len());
            self.boards[p.index()].items.clamp(items);
        }
    }

    /// After a write to one pilot: refresh its row and its detail, and mark
    /// the portfolio-wide lists stale.
    pub(crate) fn refresh_pilot(&mut self, id: i64) {
        match self.store.pilot_row(&self.playbook, self.day, id) {
            Ok(row) => self.portfolio.upsert(row),
            Err(crate::Error::NotFound(_)) => self.portfolio.remove(id),
            Err(e) => self.error(e.to_string()),
        }
        if self.pilot.as_ref().is_some_and(|p| p.id() == id) {
            self.pilot = None;
        }
        if self.preview.as_ref().is_some_and(|(p, _)| *p == id) {
            self.preview = None;
        }
        self.decisions.loaded = false;
        self.attention.loaded = false;
        self.ensure_loaded();
    }

    /// Handle one terminal event.
    pub fn handle_event(&mut self, ev: &Event) {
        match ev {
            Event::Key(k) if k.kind != KeyEventKind::Release => self.handle_key(*k),
            Event::Mouse(m) if self.config.mouse => self.on_mouse(*m),
            Event::Paste(s) => self.paste(s),
            _ => {}
        }
    }

    /// Handle one key press.
    pub fn handle_key(&mut self, k: KeyEvent) {
        if self.message.as_ref().is_some_and(|m| m.kind == MessageKind::Error) {
            self.message = None;
        }
        let mode = self.mode();
        let action = self.config.keymap.action_for(mode, &k);
        match action {
            Some(a) => self.update(a),
            None if mode.is_text() => {
                self.text_input(&k);
                self.ensure_loaded();
            }
            None => {
                if let (Some(Overlay::Menu(m)), crossterm::event::KeyCode::Char(c)) = (self.overlays.last(), k.code) {
                    let chose = c.to_digit(10).filter(|d| *d >= 1).map(|d| m.choose(d as usize - 1));
                    if let Some(super::menu::Outcome::Chose(i)) = chose {
                        self.menu_choose(i);
                        self.ensure_loaded();
                    }
                }
            }
        }
    }

    /// Apply one action.
    pub fn update(&mut self, a: Action) {
        tracing::debug!(action = a.name(), "action");
        if a == Action::Quit && self.mode() != Mode::Workshop {
            let asked = matches!(self.overlays.last(),
                Some(Overlay::Confirm(c)) if c.pending == super::overlay::Pending::Quit);
            if asked {
                // Ctrl-C again on "quit and lose it?" means yes.
                self.quit = true;
            } else if let Some(what) = self.unsaved() {
                self.overlays.push(Overlay::Confirm(super::overlay::ConfirmState {
                    title: "Quit without saving?".into(),
                    message: format!("{what} is not saved. Quit and lose it? (y / n)"),
                    pending: super::overlay::Pending::Quit,
                }));
            } else {
                self.quit = true;
            }
            return;
        }
        if !self.overlays.is_empty() {
            self.overlay_action(a);
        } else if self.filtering {
            self.filter_action(a);
        } else if !self.screen_action(a) {
            self.common_action(a);
        }
        self.ensure_loaded();
    }

    /// What typed text would be lost on quitting, if any: a form changed
    /// since it opened, or a note edited.
    fn unsaved(&self) -> Option<String> {
        self.overlays.iter().rev().find_map(|o| match o {
            Overlay::Form(f) if f.dirty => Some(format!("What you typed in \"{}\"", f.title)),
            Overlay::Editor(e) if e.buf.text() != e.original => Some("The note you are writing".to_string()),
            _ => None,
        })
    }

    fn screen_action(&mut self, a: Action) -> bool {
        match self.screen {
            Screen::Portfolio => self.portfolio_action(a),
            Screen::Board(p) => self.board_action(p, a),
            Screen::Detail => self.ui.detail.handle(a, self.ui.page.get().max(1)),
            Screen::Decisions => self.decisions_action(a),
            Screen::Attention => self.attention_action(a),
        }
    }

    /// Actions every screen shares.
    fn common_action(&mut self, a: Action) {
        match a {
            Action::Help => {
                let mode = self.mode();
                self.overlays.push(Overlay::Help(super::help::HelpState::new(mode)));
            }
            Action::NextScreen | Action::PrevScreen => {
                let cur = self.screen.tab().or(self.detail.from).unwrap_or(0);
                let n = TABS.len();
                let next = if a == Action::NextScreen {
                    (cur + 1) % n
                } else {
                    (cur + n - 1) % n
                };
                self.go(TABS[next]);
            }
            Action::ScreenPortfolio => self.go(Screen::Portfolio),
            Action::ScreenAssessment => self.go(Screen::Board(Phase::Assessment)),
            Action::ScreenScaffolding => self.go(Screen::Board(Phase::Scaffolding)),
            Action::ScreenHardening => self.go(Screen::Board(Phase::Hardening)),
            Action::ScreenDecisions => self.go(Screen::Decisions),
            Action::ScreenAttention => self.go(Screen::Attention),
            Action::Back if self.screen == Screen::Detail => {
                let to = self.detail.from.map_or(Screen::Portfolio, |i| TABS[i]);
                self.go(to);
            }
            Action::Undo => self.undo_last(),
            Action::Programme => self.open_programme(None),
            Action::History => self.open_recent(super::recent::RecentView::Changes),
            Action::Messages => self.open_recent(super::recent::RecentView::Messages),
            Action::Reference => self.open_reference(),
            Action::Refresh => match self.reload_all() {
                Ok(()) => self.info("reloaded from the database file"),
                Err(e) => self.error(e.to_string()),
            },
            Action::Why => self.open_why(),
            _ => {
                self.pilot_action(a);
            }
        }
    }

    /// Switch screens.
    pub fn go(&mut self, s: Screen) {
        if s == Screen::Detail && self.screen != Screen::Detail {
            self.detail.from = self.screen.tab();
        }
        if let Screen::Board(p) = self.screen {
            if s != self.screen {
                let b = &mut self.boards[p.index()];
                if b.pinned.take().is_some() {
                    b.pilots.selected = 0;
                }
            }
        }
        let carry = self.current_pilot();
        let changed = s != self.screen;
        if changed {
            // A message is about the screen it was shown on.
            self.message = None;
        }
        self.screen = s;
        if let (true, Screen::Board(p)) = (changed, s) {
            // A board opens on its pilots pane, on the pilot the user was
            // looking at when it is in this phase.
            let b = p.index();
            self.boards[b].focus_checklist = false;
            if let Some(pos) = carry.and_then(|id| self.board_pilots(p).iter().position(|x| *x == id)) {
                if self.boards[b].pilots.selected != pos {
                    self.boards[b].pilots.selected = pos;
                    self.boards[b].items.selected = 0;
                }
            }
        }
        self.ensure_loaded();
    }

    /// Open a pilot's detail screen.
    pub fn open_detail(&mut self, pilot_id: i64) {
        self.detail.show(pilot_id);
        self.go(Screen::Detail);
    }

    /// Every ~second: notice other programs' changes, expire messages.
    /// Returns true when the screen should be drawn again.
    pub fn tick(&mut self) -> bool {
        let mut redraw = false;
        if self
            .message
            .as_ref()
            .is_some_and(|m| m.kind != MessageKind::Error && m.at.elapsed() > MESSAGE_FOR)
        {
            self.message = None;
            redraw = true;
        }
        if let Some(rx) = &self.ui.playbook_check {
            match rx.try_recv() {
                Ok(said) => {
                    self.ui.playbook_check = None;
                    redraw |= said.is_some();
                    self.playbook_notice(said);
                }
                Err(std::sync::mpsc::TryRecvError::Disconnected) => self.ui.playbook_check = None,
                Err(std::sync::mpsc::TryRecvError::Empty) => {}
            }
        }
        if self.last_poll.elapsed() >= POLL_EVERY {
            self.last_poll = Instant::now();
            redraw |= self.poll_changes();
        }
        redraw
    }

    /// The file at our path is not the one we opened: never write through
    /// the old handle. If another file is there now (a restore), close ours
    /// cleanly and open that one; if none, say so and refuse every write.
    fn reopen_replaced_file(&mut self) -> bool {
        let path = crate::text::sanitize(&self.store.path().display().to_string());
        if !self.store.path().exists() {
            if !self.replaced_reported {
                self.replaced_reported = true;
                self.error(format!(
                    "{path} was moved or deleted while it was open: nothing more can be saved; quit and reopen the file"
                ));
            }
            return true;
        }
        tracing::warn!(db = %path, "the file was replaced underneath; reopening");
        let placeholder = match Store::open_in_memory_with_clock(self.store.actor(), self.store.clock()) {
            Ok(s) => s,
            Err(e) => {
                self.error(e.to_string());
                return true;
            }
        };
        let old = std::mem::replace(&mut self.store, placeholder);
        let old_path = old.path().to_path_buf();
        match old.reopen() {
            Ok(s) => {
                self.store = s;
                self.sync_file();
                // Another file: its events are not news.
                self.seen_event = self
                    .store
                    .audit_events(None, 1)
                    .ok()
                    .and_then(|e| e.first().map(|e| e.id))
                    .unwrap_or(0);
                self.session_start = self.seen_event;
                self.store.check_in_background();
                let reload = self.reload_all();
                self.error(match reload {
                    Ok(()) => format!(
                        "{path} was replaced by another file while it was open (a restore?): lastmile reopened it; nothing was written to either file since"
                    ),
                    Err(e) => e.to_string(),
                });
            }
            Err(e) => {
                // Keep working read-only on nothing rather than on a file
                // that is not the one at the path.
                self.store.detach_to(&old_path);
                self.sync_file();
                self.error(format!(
                    "{path} was replaced while it was open and cannot be reopened ({e}): quit and reopen"
                ));
            }
        }
        true
    }

    /// Say what another terminal changed (besides redrawing it): one
    /// change in words, several counted, with the key that lists them.
    fn announce_others(&mut self) {
        let Ok(events) = self.store.audit_events(None, 50) else {
            return;
        };
        let seen = self.seen_event;
        self.seen_event = events.first().map_or(seen, |e| e.id.max(seen));
        let me = self.store.actor().to_string();
        // Not this session's own writes: someone else's, or the same
        // person's from another terminal (told apart by event, not name).
        let new: Vec<_> = events
            .iter()
            .filter(|e| e.id > seen && !self.store.wrote_event(e.id))
            .collect();
        let Some(first) = new.first() else { return };
        let who = if first.actor == me {
            format!("{} (another terminal)", crate::text::sanitize(&first.actor))
        } else {
            crate::text::sanitize(&first.actor)
        };
        let by_one = new.iter().all(|e| e.actor == first.actor);
        let list = self.config.keymap.key_label(Mode::Global, Action::History);
        let text = if new.len() == 1 {
            let e = first;
            let item: Vec<_> = if e.entity == "item" {
                self.store.item(e.entity_id).into_iter().collect()
            } else {
                Vec::new()
            };
            if e.entity == "item" && e.field == "state" {
                let state = e
                    .new_value
                    .as_deref()
                    .and_then(|v| crate::domain::model::ItemState::parse(v).ok())
                    .map_or_else(
                        || crate::text::sanitize(e.new_value.as_deref().unwrap_or("")),
                        |s| s.label().to_string(),
                    );
                let text = item.first().map_or(String::new(), |i| {
                    crate::text::truncate(&crate::text::sanitize(&i.text), 50)
                });
                format!("{who} marked \"{text}\" {state}")
            } else {
                format!(
                    "{who} changed {}",
                    super::screens::detail::describe_event(&self.playbook, e, Some(&item))
                )
            }
        } else {
            // Only the newest 50 are read: more reads as "50 or more".
            let n = if new.len() >= 50 {
                "50 or more".to_string()
            } else {
                new.len().to_string()
            };
            if by_one {
                format!("{who} made {n} changes ({list} lists them)")
            } else {
                format!("{n} changes by others ({list} lists them)")
            }
        };
        self.info(text);
    }

    /// Use another clock (a pinned date in tests); the next poll sees it.
    pub fn set_clock(&mut self, clock: crate::clock::Clock) {
        self.store.set_clock(clock);
    }

    /// Reload when another connection has committed since we last looked,
    /// or when a new day has begun (verdicts, overdue items and score ages
    /// move with the date).
    pub fn poll_changes(&mut self) -> bool {
        if self.store.replaced_underneath() {
            return self.reopen_replaced_file();
        }
        if self.store.today() != self.today {
            tracing::info!(day = %self.store.today(), "a new day; reloading");
            let msg = self.message.clone();
            if let Err(e) = self.reload_all() {
                self.error(e.to_string());
            } else {
                self.message = msg;
            }
            return true;
        }
        match self.store.data_version() {
            Ok(v) if v != self.data_version => {
                tracing::info!(
                    old = self.data_version,
                    new = v,
                    "database changed by another program; reloading"
                );
                let msg = self.message.clone();
                if let Err(e) = self.reload_all() {
                    self.error(e.to_string());
                } else {
                    self.message = msg;
                    self.announce_others();
                }
                true
            }
            Ok(_) => false,
            Err(e) => {
                self.error(e.to_string());
                true
            }
        }
    }
}

impl Ui {
    pub fn screen(&self) -> Screen {
        self.screen
    }

    pub fn should_quit(&self) -> bool {
        self.quit
    }

    /// The status-bar message, if any.
    pub fn message(&self) -> Option<&str> {
        self.message.as_ref().map(|m| m.text.as_str())
    }

    /// How many layers (help, forms, pickers...) are open.
    pub fn layers(&self) -> usize {
        self.overlays.len()
    }

    /// The programme day shown in the status bar.
    pub fn day(&self) -> i64 {
        self.day
    }

    /// Whether mouse capture is on (from the config).
    pub fn mouse_enabled(&self) -> bool {
        self.config.mouse
    }

    /// The keymap mode keys are read in now.
    pub fn mode(&self) -> Mode {
        if let Some(o) = self.overlays.last() {
            return o.mode();
        }
        if self.filtering {
            return Mode::Filter;
        }
        match self.screen {
            Screen::Portfolio => Mode::Portfolio,
            Screen::Board(p) => {
                if self.boards[p.index()].focus_checklist {
                    Mode::Checklist
                } else {
                    Mode::Board
                }
            }
            Screen::Decisions => Mode::Decisions,
            Screen::Attention => Mode::Attention,
            Screen::Detail => Mode::Detail,
        }
    }

    /// The pilots listed on a phase board (a pinned pilot first).
    pub fn board_pilots(&self, phase: Phase) -> Vec<i64> {
        let mut out = Vec::new();
        let b = &self.boards[phase.index()];
        let rows = self.portfolio.phase_rows(phase);
        if let Some(p) = b.pinned {
            if self.portfolio.row(p).is_some_and(|r| r.phase != phase) {
                out.push(p);
            }
        }
        out.extend(rows.iter().map(|&i| self.portfolio.rows[i].id));
        out
    }

    /// The pilot selected on a phase board.
    pub fn board_pilot(&self, phase: Phase) -> Option<i64> {
        let b = &self.boards[phase.index()];
        let list = self.board_pilots(phase);
        list.get(b.pilots.selected).copied()
    }

    /// A checklist item of the loaded pilot, as the user sees it (drawing
    /// reads only what is loaded; it never queries the store).
    pub(crate) fn item(&self, id: i64) -> Option<crate::domain::model::ChecklistItem> {
        self.pilot.as_ref()?.checklist.iter().find(|i| i.id == id).cloned()
    }

    /// The checklist item selected on the board in view, if its checklist
    /// is loaded.
    pub fn selected_item(&self) -> Option<i64> {
        let Screen::Board(p) = self.screen else { return None };
        let d = self.pilot.as_ref()?;
        d.items(p).get(self.boards[p.index()].items.selected).map(|i| i.id)
    }

    /// The pilot the user is looking at: the one of the top layer, else
    /// the screen's selection.
    pub fn current_pilot(&self) -> Option<i64> {
        if let Some(p) = self.overlays.iter().rev().find_map(|o| o.pilot()) {
            return Some(p);
        }
        match self.screen {
            Screen::Portfolio => self.portfolio.selected_id(),
            Screen::Board(p) => self.board_pilot(p),
            Screen::Detail => self.detail.pilot_id,
            Screen::Decisions => self
                .decisions
                .list
                .get(self.decisions.scroll.selected)
                .map(|d| d.pilot_id),
            Screen::Attention => self
                .attention
                .lines
                .get(self.attention.scroll.selected)
                .and_then(|l| match l.jump {
                    Jump::Item { pilot_id, .. }
                    | Jump::Role { pilot_id, .. }
                    | Jump::Dimension { pilot_id, .. }
                    | Jump::Rights { pilot_id }
                    | Jump::Vendor { pilot_id }
                    | Jump::Pilot { pilot_id } => Some(pilot_id),
                    Jump::Programme { .. } => None,
                    Jump::Decision { decision_id } => self
                        .decisions
                        .all
                        .iter()
                        .find(|d| d.id == decision_id)
                        .map(|d| d.pilot_id),
                }),
        }
    }
}
