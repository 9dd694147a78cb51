//! The command line: parse, open the store, run one command, map errors to
//! exit codes (0 success, 1 runtime error, 2 usage error).

pub mod args;
mod exchange;
mod metrics;
mod output;
mod pilots;
mod programme;
mod rights;
mod scoring;
mod status;
mod sync;
mod vendor;

use crate::playbook::Playbook;
use crate::store::{OpenMode, Store};
use crate::Error;
use args::{Cli, Command};
use chrono::NaiveDate;
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

/// An error from a command: a usage mistake (exit 2) or a runtime one (1).
#[derive(Debug)]
pub enum CliError {
    Usage(String),
    Run(Error),
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Run(e)
    }
}

/// The result of a command.
pub type CliResult = Result<(), CliError>;

/// What every command gets.
pub struct Ctx {
    pub store: Store,
    pub playbook: Playbook,
    pub today: NaiveDate,
}

impl Ctx {
    /// Today's programme day.
    pub fn day(&self) -> crate::Result<i64> {
        Ok(crate::domain::calendar::programme_day(
            self.store.programme()?.start_date,
            self.today,
        ))
    }
}

/// The default database path: `lastmile.db` in the platform data directory.
pub fn default_db_path() -> PathBuf {
    directories::ProjectDirs::from("", "", "lastmile")
        .map(|d| d.data_dir().join("lastmile.db"))
        .unwrap_or_else(|| PathBuf::from("lastmile.db"))
}

/// Who acts when `--as` is not given: the config file's `name`, else the
/// login name; `None` when neither says (the workbench then asks).
fn default_actor() -> Option<String> {
    crate::ui::Config::load().ok().and_then(|c| c.name).or_else(|| {
        std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .ok()
            .filter(|s| !s.trim().is_empty())
    })
}

/// The name recorded when nothing says who the user is.
const UNKNOWN_ACTOR: &str = "unknown";

/// A line on stderr; a closed stderr (the terminal went away) is not a
/// reason to panic on the way out.
fn say_err(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// Parse the command line and run; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            print_parse_error(&e);
            return ExitCode::from(e.exit_code().clamp(0, 255) as u8);
        }
    };
    match run(cli) {
        Ok(()) => {
            if let Some(e) = output::stdout_failure() {
                // The work is done (and committed): say so, and exit 0 so
                // that a script retrying on failure does not do it twice.
                say_err(&format!(
                    "lastmile: the command was carried out, but it could not write its output ({e})"
                ));
            }
            ExitCode::SUCCESS
        }
        Err(CliError::Usage(m)) => {
            say_err(&format!("error: {m}\nFor more information, try '--help'."));
            ExitCode::from(2)
        }
        Err(CliError::Run(e)) => {
            say_err(&format!("error: {}", crate::text::sanitize(&e.to_string())));
            ExitCode::from(1)
        }
    }
}

/// Print what the parser has to say: its errors quote the arguments they
/// reject, and `--help` shows environment values (`[env: LASTMILE_DB=...]`),
/// so the text is untrusted. It is rendered without colour (the plain
/// rendering also drops well-formed escape sequences) and sanitised, keeping
/// its line breaks; errors go to stderr, help and version to stdout.
fn print_parse_error(e: &clap::Error) {
    use std::io::Write;
    let text = crate::text::sanitize_with(&e.render().to_string(), true);
    // A closed pipe (`lastmile --help | head -1`) is not an error here.
    let _ = if e.use_stderr() {
        std::io::stderr().write_all(text.as_bytes())
    } else {
        std::io::stdout().write_all(text.as_bytes())
    };
}

/// `lastmile playbook show [--lens KEY] [--json]`: the reference lenses.
fn playbook_cmd(pb: &Playbook, c: &args::PlaybookCmd) -> CliResult {
    let args::PlaybookCmd::Show { lens, json } = c else {
        unreachable!("only show is answered without a database")
    };
    let shown: Vec<&crate::playbook::Lens> = match lens {
        None => pb.lenses.iter().collect(),
        Some(k) => match pb.lenses.iter().find(|l| l.key == k.trim()) {
            Some(l) => vec![l],
            None => {
                return Err(CliError::Usage(format!(
                    "the playbook has no lens '{}': use one of {}",
                    crate::text::sanitize(k),
                    pb.lenses.iter().map(|l| l.key.as_str()).collect::<Vec<_>>().join(", ")
                )))
            }
        },
    };
    if *json {
        output::print_json(&serde_json::json!({ "lenses": shown }))?;
        return Ok(());
    }
    let mut out = String::new();
    for (i, l) in shown.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let source = if l.source.is_empty() {
            String::new()
        } else {
            format!(" (source {})", l.source)
        };
        out.push_str(&format!("{} [{}]{source}\n", l.name, l.key));
        for (n, item) in l.items.iter().enumerate() {
            out.push_str(&format!("  {:>2}. {item}\n", n + 1));
        }
    }
    output::out!("{}", crate::text::sanitize_with(&out, true));
    Ok(())
}

/// `lastmile completions SHELL`: a completion script from the clap
/// definitions, so it always matches `--help`.
fn completions(shell: clap_complete::Shell) -> CliResult {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "lastmile", &mut buf);
    output::out!("{}", String::from_utf8_lossy(&buf));
    Ok(())
}

/// `lastmile man`: the manual page, from the same definitions.
fn man() -> CliResult {
    use clap::CommandFactory;
    let mut buf = Vec::new();
    clap_mangen::Man::new(Cli::command())
        .render(&mut buf)
        .map_err(|e| CliError::Run(Error::Io(e.to_string())))?;
    output::out!("{}", String::from_utf8_lossy(&buf));
    Ok(())
}

/// `lastmile keys`: the keymap in effect, from the same data as `?`.
fn keys(markdown: bool) -> CliResult {
    let config = crate::ui::Config::load().map_err(|e| CliError::Run(Error::invalid(e)))?;
    let km = &config.keymap;
    let text = if markdown {
        km.markdown()
    } else {
        let mut out = String::new();
        for mode in crate::ui::Mode::ALL {
            let list = km.bindings(*mode);
            if list.is_empty() {
                continue;
            }
            out.push_str(&format!("{}\n", mode.label()));
            let key_w = list
                .iter()
                .map(|b| {
                    b.keys
                        .iter()
                        .map(|k| k.to_string())
                        .collect::<Vec<_>>()
                        .join(" ")
                        .chars()
                        .count()
                })
                .max()
                .unwrap_or(4);
            for b in list {
                let keys = b.keys.iter().map(|k| k.to_string()).collect::<Vec<_>>().join(" ");
                out.push_str(&format!("  {keys:<key_w$}  {}\n", b.description));
            }
            out.push('\n');
        }
        out
    };
    output::out!("{}", crate::text::sanitize_with(&text, true));
    Ok(())
}

/// Run a parsed command line.
pub fn run(cli: Cli) -> CliResult {
    let playbook = match &cli.playbook {
        Some(p) => Playbook::load(p)?,
        None => Playbook::builtin(),
    };
    let (actor, unknown) = match cli.actor.as_deref() {
        Some(a) => (crate::text::validate_name("actor (--as)", a)?, false),
        None => match default_actor() {
            Some(a) => (a, false),
            None => (UNKNOWN_ACTOR.to_string(), true),
        },
    };
    let db = cli.db.clone().unwrap_or_else(default_db_path);
    let clock = crate::clock::Clock::from_env()?;
    let Some(command) = cli.command else {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(
                "the workbench needs a terminal; run it in one, or use a command such as 'lastmile status'".into(),
            ));
        }
        let mut store = Store::open_with_clock(&db, OpenMode::Create, &actor, clock)?;
        // The workbench never freezes behind another lastmile's long write.
        store.set_when_busy(crate::store::WhenBusy::Refuse);
        return crate::ui::run(store, playbook, unknown).map_err(|e| CliError::Run(Error::Io(e.to_string())));
    };
    // The keys, completions and the manual need no database.
    match &command {
        Command::Keys(a) => return keys(a.markdown),
        Command::Completions(a) => return completions(a.shell),
        Command::Man => return man(),
        Command::Playbook(c @ args::PlaybookCmd::Show { .. }) => return playbook_cmd(&playbook, c),
        Command::Playbook(args::PlaybookCmd::Export) => {
            output::outln!("{}", crate::playbook::DEFAULT_PLAYBOOK.trim_end());
            return Ok(());
        }
        _ => {}
    }
    // A restore replaces the file: it must not hold it open itself.
    if let Command::Restore(a) = &command {
        return exchange::restore(&db, &a.backup, &actor, clock);
    }
    // Commands that only read or copy a database never create one.
    let mode = match command {
        Command::Verify(_) | Command::Export(_) | Command::Backup(_) => OpenMode::Existing,
        _ => OpenMode::Create,
    };
    let mut store = Store::open_with_clock(&db, mode, &actor, clock)?;
    // Behind another lastmile's import or demo build, wait and say so.
    store.on_wait(|h| say_err(&format!("lastmile: waiting for {} to finish…", h.describe())));
    let today = store.today();
    let mut ctx = Ctx { store, playbook, today };
    match command {
        Command::Init(a) => pilots::init(&mut ctx, a),
        Command::Demo(a) => pilots::demo(&mut ctx, a),
        Command::Pilots(c) => pilots::pilots(&mut ctx, c),
        Command::People(c) => pilots::people(&mut ctx, c),
        Command::Assign(a) => pilots::assign(&mut ctx, a),
        Command::Rights(a) => rights::rights(&mut ctx, a),
        Command::Shortlist(a) => pilots::shortlist(&mut ctx, a),
        Command::Check(a) if a.programme => programme::check(&mut ctx, a),
        Command::Check(a) => pilots::check(&mut ctx, a),
        Command::Metric(a) => metrics::metric(&mut ctx, a),
        Command::Vendor(a) => vendor::vendor(&mut ctx, a),
        Command::Score(a) => scoring::score(&mut ctx, a),
        Command::Rubric(a) => scoring::rubric(&mut ctx, a),
        Command::Decide(a) => scoring::decide(&mut ctx, a),
        Command::Why(a) => scoring::why(&mut ctx, a),
        Command::Status(a) => status::status(&mut ctx, a.json),
        Command::Export(c) => exchange::export(&mut ctx, c),
        Command::Import(c) => exchange::import(&mut ctx, c),
        Command::Verify(a) => exchange::verify(&mut ctx, a),
        Command::Backup(a) => exchange::backup(&mut ctx, a),
        Command::Playbook(args::PlaybookCmd::Sync { dry_run, json }) => sync::sync(&mut ctx, dry_run, json),
        Command::Restore(_)
        | Command::Keys(_)
        | Command::Completions(_)
        | Command::Man
        | Command::Playbook(args::PlaybookCmd::Show { .. } | args::PlaybookCmd::Export) => {
            unreachable!("handled before the store is opened")
        }
    }
}
