//! Helpers shared by the integration tests: the reliability tests
//! (concurrency, crash, bad files, hostile input) and, through
//! [`env::Env`], the end-to-end tests of the commands (cli, export,
//! import, verify). Each test file uses only some of them.
#![allow(dead_code)]

pub mod env;
pub mod pty;

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// The `lastmile` binary Cargo built for these tests.
pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_lastmile")
}

/// A `lastmile --db DB --as tester ARGS...` command with today's date
/// pinned, so output does not depend on the day the tests run.
pub fn lastmile(db: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(bin());
    c.arg("--db").arg(db).args(["--as", "tester"]).args(args);
    c.env("LASTMILE_TODAY", "2026-03-02")
        .env("TZ", "UTC")
        .env_remove("LASTMILE_DB")
        .env_remove("LASTMILE_PLAYBOOK");
    c
}

/// Run a command to completion: (exit code, stdout, stderr).
pub fn run(mut c: Command) -> (i32, String, String) {
    let out = c.output().expect("run lastmile");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The environment variable that turns a copy of a test binary into a
/// helper process (see [`spawn_helper`]).
pub const HELPER_ENV: &str = "LASTMILE_TEST_HELPER";

/// Start this test binary again as a separate process that runs only the
/// test `name`, with `HELPER_ENV` set to `role`: the helper test does its
/// work only when that variable is set, so in a normal run it passes at
/// once. This gives real processes (own address space, own SQLite
/// connection, killable with SIGKILL) without a separate binary.
pub fn spawn_helper(name: &str, role: &str, envs: &[(&str, String)]) -> Child {
    let mut c = Command::new(std::env::current_exe().expect("test binary path"));
    c.args([name, "--exact", "--nocapture", "--test-threads=1", "-q"]);
    c.env(HELPER_ENV, role);
    for (k, v) in envs {
        c.env(k, v);
    }
    c.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    c.spawn().expect("spawn helper process")
}

/// The helper role this process was started with, if any.
pub fn helper_role() -> Option<String> {
    std::env::var(HELPER_ENV).ok()
}

/// A small deterministic PRNG (xorshift64*), so runs can be reproduced
/// from the printed seed.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
}

/// The seed for randomised tests: `LASTMILE_TEST_SEED` or a fixed default.
pub fn seed(default: u64) -> u64 {
    std::env::var("LASTMILE_TEST_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

/// Whether a string holds a byte a terminal could take as a command: C0
/// controls other than newline, DEL, C1 controls (U+0080..U+009F), or the
/// bidi overrides and isolates.
pub fn has_terminal_control(s: &str) -> bool {
    s.chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}
