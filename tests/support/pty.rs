//! The real `lastmile` workbench in a pseudo-terminal, its screen parsed
//! by a vt100 emulator (for the end-to-end tests of the workbench).

use portable_pty::{native_pty_system, Child, CommandBuilder, PtySize};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What the workbench shows, and a way to type into it.
pub struct Screen {
    pub parser: Arc<Mutex<vt100::Parser>>,
    keys: Mutex<Box<dyn Write + Send>>,
    _master: Box<dyn portable_pty::MasterPty + Send>,
    /// The closable screen's reader runs while this holds.
    reading: Arc<std::sync::atomic::AtomicBool>,
}

impl Screen {
    pub fn text(&self) -> String {
        self.parser.lock().unwrap().screen().contents()
    }

    /// Wait up to 20 s for `what` to be on screen; returns the screen.
    pub fn wait_for(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let t = self.text();
            if t.contains(what) {
                return t;
            }
            if start.elapsed() > Duration::from_secs(20) {
                panic!("timed out waiting for {what:?}; screen:\n{t}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Close the terminal, as closing its window does (a screen from
    /// [`spawn_closable_workbench`]).
    pub fn close(self) {
        self.reading.store(false, std::sync::atomic::Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(150));
        drop(self);
    }

    /// Add a pilot with the keyboard from the portfolio (`n`, its name,
    /// Ctrl-S) and wait until the workbench says it was saved.
    pub fn add_pilot(&self, name: &str) {
        self.press(b"n");
        self.wait_for("Add a pilot");
        self.press(name.as_bytes());
        self.press(b"\x13");
        self.wait_for(&format!("added {name} with"));
    }

    /// Type `bytes`, then give the workbench a moment.
    pub fn press(&self, bytes: &[u8]) {
        let mut k = self.keys.lock().unwrap();
        k.write_all(bytes).unwrap();
        k.flush().unwrap();
        std::thread::sleep(Duration::from_millis(150));
    }
}

/// Start `lastmile --db DB --as tester` in a `cols` x `rows` terminal with
/// today pinned and a private config, state and home folder.
pub fn spawn_workbench(db: &Path, cols: u16, rows: u16) -> (Box<dyn Child + Send + Sync>, Screen) {
    spawn(db, cols, rows, false, "tester", super::env::TODAY)
}

/// [`spawn_workbench`] acting as `actor` on the day `today`.
pub fn spawn_workbench_as(
    db: &Path,
    cols: u16,
    rows: u16,
    actor: &str,
    today: &str,
) -> (Box<dyn Child + Send + Sync>, Screen) {
    spawn(db, cols, rows, false, actor, today)
}

/// The folder standing for the workbench's home (config, state, logs).
pub fn home_of(db: &Path) -> std::path::PathBuf {
    db.parent().unwrap().join("home")
}

/// [`spawn_workbench`], with a terminal [`Screen::close`] can really close:
/// its output is read through the master's own descriptor (never a
/// duplicate), so dropping the screen hangs the terminal up, as closing a
/// window does.
pub fn spawn_closable_workbench(db: &Path, cols: u16, rows: u16) -> (Box<dyn Child + Send + Sync>, Screen) {
    spawn(db, cols, rows, true, "tester", super::env::TODAY)
}

/// The workbench with nothing saying who the user is (no `--as`, no
/// `$USER`, no name in the config file).
pub fn spawn_unnamed_workbench(db: &Path, cols: u16, rows: u16, today: &str) -> (Box<dyn Child + Send + Sync>, Screen) {
    spawn(db, cols, rows, false, "", today)
}

fn spawn(
    db: &Path,
    cols: u16,
    rows: u16,
    closable: bool,
    actor: &str,
    today: &str,
) -> (Box<dyn Child + Send + Sync>, Screen) {
    let home = home_of(db);
    std::fs::create_dir_all(&home).unwrap();
    let config = home.join("config.toml");
    std::fs::write(&config, "# defaults\n").unwrap();
    let pair = native_pty_system()
        .openpty(PtySize {
            rows,
            cols,
            pixel_width: 0,
            pixel_height: 0,
        })
        .unwrap();
    let mut cmd = CommandBuilder::new(super::bin());
    cmd.args(["--db", db.to_str().unwrap()]);
    if actor.is_empty() {
        // Nobody says who the user is: no --as, no login name.
        cmd.env_remove("USER");
        cmd.env_remove("USERNAME");
    } else {
        cmd.args(["--as", actor]);
    }
    cmd.env("LASTMILE_TODAY", today);
    cmd.env("LASTMILE_CONFIG", &config);
    cmd.env("HOME", &home);
    cmd.env("XDG_STATE_HOME", home.join("state"));
    cmd.env("XDG_CONFIG_HOME", home.join("config"));
    cmd.env("TERM", "xterm-256color");
    let child = pair.slave.spawn_command(cmd).unwrap();
    drop(pair.slave);
    let parser = Arc::new(Mutex::new(vt100::Parser::new(rows, cols, 0)));
    let sink = Arc::clone(&parser);
    let reading = Arc::new(std::sync::atomic::AtomicBool::new(true));
    if closable {
        let fd = pair.master.as_raw_fd().unwrap();
        let on = Arc::clone(&reading);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while on.load(std::sync::atomic::Ordering::SeqCst) {
                let mut p = libc::pollfd {
                    fd,
                    events: libc::POLLIN,
                    revents: 0,
                };
                // SAFETY: one valid pollfd; the descriptor outlives the
                // loop, which stops before the screen closes it.
                if unsafe { libc::poll(&mut p, 1, 50) } <= 0 {
                    continue;
                }
                // SAFETY: reads into a buffer of the given length.
                let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
                if n <= 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n as usize]);
            }
        });
    } else {
        let mut reader = pair.master.try_clone_reader().unwrap();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().process(&buf[..n]);
            }
        });
    }
    let keys = Mutex::new(pair.master.take_writer().unwrap());
    (
        child,
        Screen {
            parser,
            keys,
            _master: pair.master,
            reading,
        },
    )
}

/// Wait up to 20 s for the workbench to exit.
pub fn wait_exit(child: &mut Box<dyn Child + Send + Sync>, after: &str) -> portable_pty::ExitStatus {
    let start = Instant::now();
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "lastmile did not exit after {after}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
