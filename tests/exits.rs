//! Exits, pipes and signals (issue 10, part 4): a command that committed
//! never panics because its reader went away or its output is full, and a
//! workbench killed by a hang-up or terminate signal leaves its changes in
//! the .db file itself, not only in the write-ahead log.

mod support;

use lastmile::store::{OpenMode, Store};
use std::process::Stdio;
use support::env::Env;

/// `lastmile --db DB --as tester ARGS` as a plain process, today pinned.
fn plain(e: &Env, args: &[&str]) -> std::process::Command {
    let mut cmd = std::process::Command::new(support::bin());
    cmd.arg("--db").arg(&e.db).args(["--as", "tester"]).args(args);
    cmd.env("LASTMILE_TODAY", support::env::TODAY).env("TZ", "UTC");
    cmd
}

/// `lastmile decide` whose standard output is a pipe nobody reads.
fn decide_into_closed_pipe(e: &Env, why: &str) -> std::process::Output {
    let mut cmd = plain(e, &["decide", "claims", "no-go", "--by", "dana", "--why", why]);
    cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    // Close the reading end before lastmile gets to print anything.
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

fn pilot_and_maker() -> Env {
    let e = Env::init();
    e.ok(&["pilots", "add", "Claims triage", "--sector", "healthcare"]);
    e.ok(&["people", "add", "Dana Reyes"]);
    e
}

#[test]
fn a_closed_pipe_after_a_commit_exits_0_without_a_panic() {
    let e = pilot_and_maker();
    let out = decide_into_closed_pipe(&e, "Evidence will not arrive in time");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    // Recorded once; a script that retries on failure has no reason to.
    assert_eq!(e.store().decisions(&Default::default()).unwrap().len(), 1);
}

#[test]
fn a_full_standard_output_does_not_panic_and_says_the_work_was_done() {
    let e = pilot_and_maker();
    let full = std::fs::OpenOptions::new().write(true).open("/dev/full").unwrap();
    let out = plain(&e, &["decide", "claims", "no-go", "--by", "dana", "--why", "No budget"])
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("could not write its output"), "{stderr}");
    assert_eq!(e.store().decisions(&Default::default()).unwrap().len(), 1);
}

#[test]
fn reading_commands_into_a_closed_pipe_exit_quietly() {
    let e = Env::demo();
    for args in [
        &["status"][..],
        &["pilots", "list"],
        &["verify"],
        &["export", "decisions"],
    ] {
        let mut cmd = plain(&e, args);
        cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    }
}

/// The .db file alone, copied without its -wal and -shm files, as a user
/// copying "the database" would.
fn copy_db_alone(db: &std::path::Path, to: &std::path::Path) -> Store {
    std::fs::copy(db, to).unwrap();
    Store::open(to, OpenMode::Existing, "checker").unwrap()
}

#[cfg(unix)]
#[test]
fn hang_up_and_terminate_leave_the_changes_in_the_db_file() {
    for signal in ["HUP", "TERM", "INT"] {
        let e = Env::init();
        let (mut child, screen) = support::pty::spawn_workbench(&e.db, 100, 30);
        screen.wait_for("Day ");
        // Add a pilot with the keyboard: the change is committed (to the
        // write-ahead log) while the workbench stays open.
        screen.add_pilot("Hang-up survivor");
        let pid = child.process_id().unwrap();
        let status = std::process::Command::new("kill")
            .args([&format!("-{signal}"), &pid.to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        support::pty::wait_exit(&mut child, signal);
        let copy = copy_db_alone(&e.db, &e.path("copy.db"));
        let names: Vec<String> = copy.pilots().unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, ["Hang-up survivor"], "after SIG{signal}");
    }
}

#[cfg(unix)]
#[test]
fn closing_the_terminal_closes_the_workbench_and_leaves_the_changes_in_the_db_file() {
    let e = Env::init();
    let (mut child, screen) = support::pty::spawn_closable_workbench(&e.db, 100, 30);
    screen.wait_for("Day ");
    screen.add_pilot("Window closed");
    // The window goes away: no key, and perhaps no signal, ever comes.
    screen.close();
    support::pty::wait_exit(&mut child, "the terminal closed");
    let copy = copy_db_alone(&e.db, &e.path("copy.db"));
    let names: Vec<String> = copy.pilots().unwrap().into_iter().map(|p| p.name).collect();
    let log =
        std::fs::read_to_string(support::pty::home_of(&e.db).join("state/lastmile/lastmile.log")).unwrap_or_default();
    assert_eq!(names, ["Window closed"], "log:\n{log}");
}
