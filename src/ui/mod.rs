//! The terminal workbench (ratatui + crossterm).
//!
//! One direction: terminal events become [`Action`]s through the
//! [`Keymap`] of the current [`Mode`]; [`App::update`] applies them (every
//! change through the store); [`App::draw`] only reads the state. The loop
//! ([`run_loop`]) is generic over ratatui's `Backend`, so whole flows run on
//! `TestBackend` in tests.
//!
//! Layout: `app` (state), `action`, `keymap`, `config`, `theme`, `data`
//! (the in-memory portfolio), `pilot` (one pilot in full), `ops` (writes
//! and undo), `layers` and `overlay` (help, menus, prompts, picker, forms),
//! `screens/` (one file per screen), `forms/`, `widgets/`.

pub mod action;
pub mod app;
pub mod config;
pub mod confirm;
pub mod data;
pub mod draw;
pub mod editor;
pub mod effect;
pub mod files;
pub mod forms;
pub mod help;
pub mod history;
pub mod keymap;
mod layers;
pub mod lenses;
pub mod menu;
mod mouse;
pub mod overlay;
pub mod picker;
pub mod pilot;
mod pilot_actions;
pub mod programme;
pub mod prompt;
pub mod recent;
pub mod rights;
mod route;
pub mod screens;
pub mod state;
pub mod theme;
pub mod vendor;
pub mod why;
pub mod widgets;
pub mod workshop;

pub use action::Action;
pub use app::{App, Screen};
pub use config::Config;
pub use keymap::{Keymap, Mode};

use crate::playbook::Playbook;
use crate::store::Store;
use crossterm::event::{
    self, DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture, Event,
};
use crossterm::execute;
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::Terminal;
use std::io::{self, Stdout};
use std::time::Duration;

/// How long the loop waits for input before ticking (live refresh,
/// message expiry).
pub const TICK: Duration = Duration::from_millis(250);

/// Where input comes from: the terminal, or a script in tests.
pub trait EventSource {
    /// The next event, or `None` after `timeout` without one.
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>>;

    /// Whether the workbench must close now (a hang-up, terminate or
    /// interrupt signal arrived).
    fn stop_requested(&self) -> bool {
        false
    }
}

/// Events from the real terminal; hang-up, terminate and interrupt signals
/// ask the loop to stop, so the workbench closes the way `q` does (the
/// write-ahead log checkpointed into the file) instead of dying.
pub struct TerminalEvents {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    /// Set when the loop has ended, so the watchdog stands down.
    ended: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl TerminalEvents {
    /// The event loop has returned: the watchdog stands down, and the
    /// workbench closes (and checkpoints) by itself.
    fn finish(&self) {
        self.ended.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Drop for TerminalEvents {
    fn drop(&mut self) {
        self.finish();
    }
}

/// Watches for the terminal going away. A closed terminal makes
/// crossterm's reader spin on end-of-file inside `poll` forever, so the
/// event loop may never see the stop flag: if the loop has not ended
/// within two seconds of a hang-up or a signal, this thread moves the
/// write-ahead log into the file itself (a connection of its own) and ends
/// the process. Committed changes are safe either way; this puts them in
/// the .db file.
fn watchdog(
    db: std::path::PathBuf,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    ended: std::sync::Arc<std::sync::atomic::AtomicBool>,
) {
    use std::sync::atomic::Ordering;
    let mut since: Option<std::time::Instant> = None;
    while !ended.load(Ordering::Relaxed) {
        std::thread::sleep(Duration::from_millis(200));
        if terminal_hung_up() {
            stop.store(true, Ordering::Relaxed);
        }
        if stop.load(Ordering::Relaxed) {
            let t = *since.get_or_insert_with(std::time::Instant::now);
            if t.elapsed() > Duration::from_secs(2) && !ended.load(Ordering::Relaxed) {
                tracing::warn!("the event loop did not stop after the terminal went away; checkpointing and exiting");
                if let Ok(c) = rusqlite::Connection::open(&db) {
                    let _ = c.busy_timeout(Duration::from_secs(2));
                    let _ = c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
                }
                std::process::exit(0);
            }
        }
    }
}

impl TerminalEvents {
    fn new(db: &std::path::Path) -> TerminalEvents {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let ended = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        {
            let (db, stop, ended) = (db.to_path_buf(), stop.clone(), ended.clone());
            std::thread::spawn(move || watchdog(db, stop, ended));
        }
        #[cfg(unix)]
        for sig in [
            signal_hook::consts::SIGHUP,
            signal_hook::consts::SIGTERM,
            signal_hook::consts::SIGINT,
        ] {
            if let Err(e) = signal_hook::flag::register(sig, std::sync::Arc::clone(&stop)) {
                tracing::warn!(signal = sig, error = %e, "cannot catch the signal");
            }
        }
        TerminalEvents { stop, ended }
    }
}

impl EventSource for TerminalEvents {
    fn next(&mut self, timeout: Duration) -> io::Result<Option<Event>> {
        // Wake at least every TICK to notice a signal (poll may resume
        // after one instead of returning).
        let deadline = std::time::Instant::now() + timeout;
        loop {
            if self.stop_requested() {
                return Ok(None);
            }
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match event::poll(left.min(TICK)) {
                Ok(true) => return Ok(Some(event::read()?)),
                Ok(false) if left.is_zero() || left <= TICK => return Ok(None),
                Ok(false) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    fn stop_requested(&self) -> bool {
        self.stop.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Whether the terminal went away (its window closed, its multiplexer
/// killed): standard input then reports a hang-up.
fn terminal_hung_up() -> bool {
    #[cfg(unix)]
    {
        let mut fd = libc::pollfd {
            fd: libc::STDIN_FILENO,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd, a zero timeout; nothing is retained.
        let n = unsafe { libc::poll(&mut fd, 1, 0) };
        n > 0 && (fd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL)) != 0
    }
    #[cfg(not(unix))]
    {
        false
    }
}

/// Scripted events for tests: each event once, then a quit.
pub struct ScriptedEvents {
    events: std::collections::VecDeque<Event>,
}

impl ScriptedEvents {
    pub fn new(events: impl IntoIterator<Item = Event>) -> ScriptedEvents {
        ScriptedEvents {
            events: events.into_iter().collect(),
        }
    }
}

impl EventSource for ScriptedEvents {
    fn next(&mut self, _timeout: Duration) -> io::Result<Option<Event>> {
        Ok(Some(self.events.pop_front().unwrap_or_else(|| {
            Event::Key(event::KeyEvent::new(
                event::KeyCode::Char('c'),
                event::KeyModifiers::CONTROL,
            ))
        })))
    }
}

/// Run the app until it quits: draw when something changed, handle every
/// pending event before drawing again, tick when idle.
pub fn run_loop<B: Backend>(
    terminal: &mut Terminal<B>,
    app: &mut App,
    events: &mut impl EventSource,
) -> io::Result<()> {
    let mut dirty = true;
    while !app.should_quit() && !events.stop_requested() {
        if dirty {
            terminal.draw(|f| app.draw(f))?;
            dirty = false;
        }
        match events.next(TICK)? {
            Some(ev) => {
                app.handle_event(&ev);
                dirty = true;
                // Coalesce: apply what is already queued, then draw once.
                while !app.should_quit() && !events.stop_requested() {
                    match events.next(Duration::ZERO)? {
                        Some(ev) => app.handle_event(&ev),
                        None => break,
                    }
                }
            }
            None => dirty |= app.tick(),
        }
    }
    Ok(())
}

/// Puts the terminal back however the UI ends (normal exit, error, panic).
struct TerminalGuard {
    /// Never dropped: ratatui's own restore on drop prints to stderr when
    /// showing the cursor fails, and a print to a terminal that has gone
    /// (its window closed) panics, so the process would abort before the
    /// store checkpoints its write-ahead log. [`restore_terminal`] shows
    /// the cursor instead, ignoring a terminal that is gone.
    terminal: std::mem::ManuallyDrop<Terminal<CrosstermBackend<Stdout>>>,
}

/// Leave raw mode and the alternate screen; safe to call more than once.
pub fn restore_terminal() {
    let _ = disable_raw_mode();
    let _ = execute!(
        io::stdout(),
        DisableMouseCapture,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        crossterm::cursor::Show
    );
}

impl TerminalGuard {
    fn enter(mouse: bool) -> io::Result<TerminalGuard> {
        enable_raw_mode()?;
        let mut out = io::stdout();
        let entered = (|| {
            execute!(out, EnterAlternateScreen, EnableBracketedPaste)?;
            if mouse {
                execute!(out, EnableMouseCapture)?;
            }
            Terminal::new(CrosstermBackend::new(io::stdout()))
        })();
        match entered {
            Ok(terminal) => Ok(TerminalGuard {
                terminal: std::mem::ManuallyDrop::new(terminal),
            }),
            Err(e) => {
                restore_terminal();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore_terminal();
    }
}

/// Install color-eyre's reports and a panic hook that restores the
/// terminal before the report is printed (once per process).
fn install_hooks() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let (panic_hook, eyre_hook) = color_eyre::config::HookBuilder::default()
            .display_env_section(false)
            .into_hooks();
        let _ = eyre_hook.install();
        let panic_hook = panic_hook.into_panic_hook();
        std::panic::set_hook(Box::new(move |info| {
            restore_terminal();
            tracing::error!(panic = %info, "panic");
            panic_hook(info);
        }));
    });
}

/// The log file in the platform state directory (`lastmile.log`).
pub fn log_path() -> Option<std::path::PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "lastmile")?;
    let dir = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir()).to_path_buf();
    Some(dir.join("lastmile.log"))
}

/// Log to a file, never to the screen (no colour codes).
fn init_logging() {
    let Some(path) = log_path() else { return };
    if let Some(dir) = path.parent() {
        if std::fs::create_dir_all(dir).is_err() {
            return;
        }
    }
    let Ok(file) = std::fs::OpenOptions::new().create(true).append(true).open(&path) else {
        return;
    };
    let _ = tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_target(false)
        .with_max_level(tracing::Level::INFO)
        .try_init();
}

/// Open the terminal UI on `store` until the user quits.
pub fn run(store: Store, playbook: Playbook, ask_name: bool) -> color_eyre::Result<()> {
    let config = Config::load().map_err(|e| color_eyre::eyre::eyre!(e))?;
    init_logging();
    install_hooks();
    tracing::info!(db = %store.path().display(), actor = store.actor(), "workbench started");
    let mut app = App::new(store, playbook, config)?;
    if ask_name {
        app.ask_name();
    }
    let mut guard = TerminalGuard::enter(app.mouse_enabled())?;
    let mut events = TerminalEvents::new(app.store().path());
    // The first frame, then the file check (on another thread, before the
    // first save): on two cores the check slowed the frame by a third.
    guard.terminal.draw(|f| app.draw(f))?;
    app.start_file_check();
    app.start_playbook_check();
    let result = run_loop(&mut guard.terminal, &mut app, &mut events);
    events.finish();
    drop(guard);
    if events.stop_requested() {
        tracing::info!("closing on a signal");
    }
    // Whatever ended the loop (q, a signal, a terminal that went away),
    // move this session's changes from the write-ahead log into the file.
    app.store().checkpoint();
    tracing::info!("workbench closed");
    result?;
    Ok(())
}
