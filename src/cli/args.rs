//! The command line, declared with clap. `--help` on every subcommand is
//! generated from these doc comments.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// lastmile: take a portfolio of AI pilots through a 90-day
/// production-readiness playbook, from the terminal.
///
/// Run with no command to open the workbench. Pilots and people are named
/// case-insensitively; a unique prefix is enough.
#[derive(Debug, Parser)]
#[command(
    name = "lastmile",
    version,
    about,
    long_about,
    max_term_width = 100,
    after_long_help = "Environment:
  LASTMILE_DB                the database file (like --db)
  LASTMILE_PLAYBOOK          a playbook file (like --playbook)
  LASTMILE_CONFIG            the workbench's config file (keys, colours, mouse)
  LASTMILE_TODAY=YYYY-MM-DD  treat this date as today (reproducible reports)
  LASTMILE_BUSY_TIMEOUT_MS   how long a save waits for another terminal (default 10000)
  NO_COLOR                   no colours in the workbench

Exit codes: 0 success, 1 runtime error (unknown name, bad file, refused edit), 2 usage error.

Examples:
  lastmile --db demo.db demo          load the demo portfolio into demo.db
  lastmile --db demo.db               open the workbench on it
  lastmile why \"federal records\"      the blockers of one pilot
  lastmile export decisions --format html --out log.html"
)]
pub struct Cli {
    /// Database file [default: lastmile.db in the platform data directory]
    #[arg(long, global = true, env = "LASTMILE_DB", value_name = "PATH")]
    pub db: Option<PathBuf>,

    /// Who is acting, recorded in the audit trail [default: name in the config file, else $USER; the workbench asks when neither says]
    #[arg(long = "as", global = true, value_name = "NAME")]
    pub actor: Option<String>,

    /// Use this playbook file instead of the built-in one
    #[arg(long, global = true, env = "LASTMILE_PLAYBOOK", value_name = "FILE")]
    pub playbook: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create the database, or bring an older one up to date (safe to repeat)
    Init(InitArgs),
    /// Load the demo portfolio (or a synthetic one with --pilots) into an empty database
    Demo(DemoArgs),
    /// List, add and move pilots
    #[command(subcommand)]
    Pilots(PilotsCmd),
    /// List and add people (owners and decision-makers)
    #[command(subcommand)]
    People(PeopleCmd),
    /// Name one of a pilot's four owners
    Assign(AssignArgs),
    /// List a pilot's decision rights, or give one to a person with a threshold
    Rights(RightsArgs),
    /// A pilot's vendor and the asks before signing, with their evidence
    Vendor(VendorArgs),
    /// Show a pilot's checklist (or the programme's), or set an item's state, owner or note
    Check(CheckArgs),
    /// List a pilot's evaluation metrics, add one with its levels, or record its current value
    Metric(MetricArgs),
    /// Score a dimension red/yellow/green, or print every rubric's result
    Score(ScoreArgs),
    /// Answer one question of any rubric in the playbook
    Rubric(RubricArgs),
    /// The programme's shortlist of priority pilots and the ranked candidates; add or remove one
    Shortlist(ShortlistArgs),
    /// Record the gate decision for a pilot's current gate: go, no-go, pivot or defer (append-only)
    Decide(DecideArgs),
    /// A pilot's current gate, every criterion met or not with what is missing, and the production verdict
    Why(WhyArgs),
    /// Portfolio summary: pilots per phase and readiness, candidates, blockers
    Status(JsonFlag),
    /// Export the decision log, the steering-committee pack or the pilot inventory
    #[command(subcommand)]
    Export(ExportCmd),
    /// Import pilots from a spreadsheet (CSV)
    #[command(subcommand)]
    Import(ImportCmd),
    /// Check the file's integrity, both hash chains, every table against the audit trail, and anchors
    Verify(VerifyArgs),
    /// Copy the database safely, even while others are writing to it
    Backup(BackupArgs),
    /// Put a backup in place of the database (refused while another
    /// lastmile has it open; the replaced file is kept beside it)
    Restore(RestoreArgs),
    /// The playbook's reference lenses (the five production conditions, readiness gaps, ...)
    #[command(subcommand)]
    Playbook(PlaybookCmd),
    /// Print the workbench's keys in effect (the defaults and your config file's changes)
    Keys(KeysArgs),
    /// Print a shell completion script (see the README for where to put it)
    Completions(CompletionsArgs),
    /// Print the manual page (roff), generated from the same definitions as --help
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  lastmile vendor Federal\n  lastmile vendor Federal set 'Archivum Inc'\n  lastmile vendor Federal ask reference --evidence 'call with a state archive, 3 Mar'\n  lastmile vendor Federal in-house --reason 'built by the records team'"
)]
pub struct VendorArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    #[command(subcommand)]
    pub action: Option<VendorCmd>,
    /// Print the record, or the change, as JSON
    #[arg(long, global = true)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum VendorCmd {
    /// Name the vendor the pilot is built with
    Set {
        /// The vendor's name
        name: String,
    },
    /// Built in-house: no vendor ask applies, and this says why
    InHouse {
        /// Why no vendor is involved
        #[arg(long)]
        reason: String,
    },
    /// Record what the vendor handed over for one ask, or take it back
    Ask {
        /// The ask: its key, or the start of its key or name
        ask: String,
        /// What was received (a link, a date, who)
        #[arg(long, required_unless_present = "clear")]
        evidence: Option<String>,
        /// Take the evidence back
        #[arg(long, conflicts_with = "evidence")]
        clear: bool,
    },
    /// Forget who builds the pilot (the asks' evidence is kept)
    Clear,
}

#[derive(Debug, Args)]
pub struct MetricArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    #[command(subcommand)]
    pub action: Option<MetricCmd>,
    /// Print the list as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum MetricCmd {
    /// Add a metric: its category and levels (minimum viable, target, stretch)
    Add {
        /// The metric's name, e.g. "Tickets resolved without hand-off"
        name: String,
        /// performance, business, user or operational
        #[arg(long)]
        category: String,
        /// Unit shown after values, e.g. % or min
        #[arg(long, default_value = "")]
        unit: String,
        /// Where it stands today, before the pilot
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        baseline: Option<String>,
        /// Minimum viable level
        #[arg(long = "min", value_name = "X", allow_hyphen_values = true)]
        minimum: Option<String>,
        /// Target level
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        target: Option<String>,
        /// Stretch level
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        stretch: Option<String>,
        /// Current value, if measured already
        #[arg(long, value_name = "X", allow_hyphen_values = true)]
        current: Option<String>,
        /// Lower values are better (minutes to resolve, error rate)
        #[arg(long)]
        lower_is_better: bool,
        /// It is the pilot's one-number scorecard (replaces any other)
        #[arg(long)]
        scorecard: bool,
    },
    /// Mark an existing metric as the pilot's one-number scorecard
    Scorecard {
        /// The metric's name or unique prefix
        name: String,
    },
    /// Record a metric's current value ("-" clears it)
    Set {
        /// The metric's name or unique prefix
        name: String,
        /// The value, e.g. 85, 0.25, -3 or 92%
        #[arg(allow_hyphen_values = true)]
        value: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum PlaybookCmd {
    /// Print the lenses (all, or one with --lens)
    Show {
        /// One lens by key (e.g. five-conditions); the list names them
        #[arg(long, value_name = "KEY")]
        lens: Option<String>,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
    /// Print the built-in playbook in full, a starting point for your own
    /// (or start a file with extends = "builtin" and write only your changes)
    Export,
    /// Add the playbook's new checklist items to pilots still in the gates;
    /// report items the playbook no longer has (kept, never deleted)
    Sync {
        /// Say what would change, and change nothing
        #[arg(long)]
        dry_run: bool,
        /// Print JSON instead of text
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
pub struct KeysArgs {
    /// Print Markdown tables (docs/keys.md is this output for the defaults)
    #[arg(long)]
    pub markdown: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Name of the programme
    #[arg(long)]
    pub name: Option<String>,
    /// Day 1 of the 90 days (YYYY-MM-DD) [default: today, for a new file]
    #[arg(long, value_name = "DATE")]
    pub start: Option<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Build a deterministic synthetic portfolio of N pilots instead
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub pilots: Option<u32>,
    /// Seed for the synthetic portfolio
    #[arg(long, value_name = "S", default_value_t = 1, requires = "pilots")]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum PilotsCmd {
    /// List every pilot with phase, readiness and owners
    List(JsonFlag),
    /// Add a pilot; its checklist is created from the playbook
    Add(PilotAddArgs),
    /// Show one pilot in full
    Show(PilotShowArgs),
    /// Move a pilot to another phase by hand (a correction: pilots move on through gate decisions)
    Move(PilotMoveArgs),
    /// Put a pilot on the programme's shortlist (or take it off with --off)
    Shortlist(PilotShortlistArgs),
}

#[derive(Debug, Args)]
pub struct PilotShortlistArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Take it off the shortlist
    #[arg(long, conflicts_with = "reason")]
    pub off: bool,
    /// Why a pilot with a red flag in problem selection joins anyway (recorded)
    #[arg(long = "override", value_name = "REASON")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  lastmile shortlist\n  lastmile shortlist add Card\n  lastmile shortlist add 'Benefits' --override 'the minister asked; the data gap is funded'\n  lastmile shortlist remove Card"
)]
pub struct ShortlistArgs {
    #[command(subcommand)]
    pub action: Option<ShortlistCmd>,
    /// Print the list as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ShortlistCmd {
    /// Put a pilot on the shortlist (the playbook caps it, 3 by default)
    Add {
        /// Pilot name or unique prefix
        pilot: String,
        /// Why a pilot with a red flag in problem selection joins anyway (recorded)
        #[arg(long = "override", value_name = "REASON")]
        reason: Option<String>,
    },
    /// Take a pilot off the shortlist
    Remove {
        /// Pilot name or unique prefix
        pilot: String,
    },
}

#[derive(Debug, Args)]
pub struct PilotAddArgs {
    /// Pilot name (unique)
    pub name: String,
    /// Sector, which decides the governance framework: a key the playbook
    /// lists (built in: government, healthcare, financial, enterprise;
    /// default enterprise)
    #[arg(long)]
    pub sector: Option<String>,
    /// Business unit
    #[arg(long, default_value = "")]
    pub unit: String,
    /// Business case, in a sentence or two
    #[arg(long = "case", default_value = "")]
    pub business_case: String,
    /// Data sources
    #[arg(long, default_value = "")]
    pub data: String,
    /// Model class
    #[arg(long, default_value = "")]
    pub model: String,
    /// Integration footprint
    #[arg(long, default_value = "")]
    pub integration: String,
    /// Governance posture
    #[arg(long, default_value = "")]
    pub governance: String,
    /// Lifecycle status
    #[arg(long, value_enum, default_value_t = StatusArg::Active)]
    pub status: StatusArg,
}

#[derive(Debug, Args)]
pub struct PilotShowArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct PilotMoveArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Target phase: next, prev, assessment, scaffolding or hardening
    pub to: MoveTo,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum MoveTo {
    Next,
    Prev,
    Assessment,
    Scaffolding,
    Hardening,
}

#[derive(Debug, Subcommand)]
pub enum PeopleCmd {
    /// List everyone
    List(JsonFlag),
    /// Add a person
    Add(PersonAddArgs),
}

#[derive(Debug, Args)]
pub struct PersonAddArgs {
    /// Full name (unique)
    pub name: String,
    /// Job title
    #[arg(long, default_value = "")]
    pub title: String,
}

#[derive(Debug, Args)]
pub struct AssignArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Which of the four owners
    #[arg(value_enum)]
    pub role: RoleArg,
    /// Person (must exist: add with 'lastmile people add')
    pub person: String,
}

#[derive(Debug, Args)]
#[command(
    after_help = "Examples:\n  lastmile rights KYC\n  lastmile rights KYC rollback 'Ben Hartley' --threshold 'when errors double'\n  lastmile rights KYC rollback --clear"
)]
pub struct RightsArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// The right: its key or the start of its key or name (the listing shows them)
    pub right: Option<String>,
    /// Person who holds it (must exist: add with 'lastmile people add')
    #[arg(conflicts_with = "clear")]
    pub person: Option<String>,
    /// When or up to what the person may use the right
    #[arg(long, value_name = "TEXT", conflicts_with = "clear")]
    pub threshold: Option<String>,
    /// Take the right from whoever holds it
    #[arg(long)]
    pub clear: bool,
    /// Print the list, or the change (before and after), as JSON
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
#[command(
    override_usage = "lastmile check [OPTIONS] PILOT [ITEM] [STATE]\n       lastmile check [OPTIONS] --programme [ITEM] [STATE]",
    after_help = "Examples:\n  lastmile check KYC\n  lastmile check KYC as-scorecard done --note 'scorecard signed 12 Oct'\n  lastmile check --programme\n  lastmile check --programme as-pick-three doing --owner 'Ben Hartley'\n  lastmile check --programme as-pick-three --owner -   (nobody)"
)]
pub struct CheckArgs {
    /// Pilot name or unique prefix (with --programme: the item, then its state)
    #[arg(required_unless_present = "programme")]
    pub pilot: Option<String>,
    /// Item key (from the listing) or unique prefix of its key
    pub item: Option<String>,
    /// New state
    #[arg(value_enum)]
    pub state: Option<StateArg>,
    /// Set the item's owner
    #[arg(long, value_name = "PERSON")]
    pub owner: Option<String>,
    /// Set the item's note or evidence link
    #[arg(long)]
    pub note: Option<String>,
    /// Only this phase (when listing)
    #[arg(long, value_enum)]
    pub phase: Option<PhaseArg>,
    /// The programme checklist: work done once for the whole portfolio
    #[arg(long)]
    pub programme: bool,
    /// Print JSON instead of text (when listing)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Dimension to score (omit to print every rubric's result)
    #[arg(value_enum, requires = "rating")]
    pub dimension: Option<DimensionArg>,
    /// Rating
    #[arg(value_enum, requires = "why")]
    pub rating: Option<RatingArg>,
    /// Rationale for the rating (required with a rating)
    #[arg(long)]
    pub why: Option<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RubricArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Rubric key from the playbook (e.g. readiness, selection)
    pub rubric: String,
    /// Question key within the rubric
    pub question: String,
    /// Answer: a label of the rubric's scale (e.g. green, 4, partly)
    pub answer: String,
    /// Rationale: what evidence supports the answer (required, whatever the answer)
    #[arg(long)]
    pub why: String,
}

#[derive(Debug, Args)]
pub struct DecideArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Outcome
    #[arg(value_enum)]
    pub outcome: OutcomeArg,
    /// The named decision-maker (must exist in people)
    #[arg(long)]
    pub by: String,
    /// Rationale
    #[arg(long)]
    pub why: String,
    /// A criterion and whether it was met: "TEXT=met" or "TEXT=unmet" (repeatable)
    #[arg(long = "criterion", value_name = "TEXT=met|unmet")]
    pub criteria: Vec<String>,
    /// Stop conditions or conditions attached to the decision
    #[arg(long, default_value = "")]
    pub stop: String,
    /// The decision has already been communicated
    #[arg(long)]
    pub communicated: bool,
    /// Date of the decision (YYYY-MM-DD) [default: today]
    #[arg(long, value_name = "DATE")]
    pub date: Option<String>,
    /// A go past unmet must-meet criteria: the written reason (marked as an override in the log)
    #[arg(long = "override", value_name = "REASON")]
    pub override_reason: Option<String>,
    /// A pivot: the phase the pilot goes back to [default: assessment]
    #[arg(long, value_enum, value_name = "PHASE")]
    pub to: Option<PhaseArg>,
    /// A defer: the date the pilot is reviewed again (YYYY-MM-DD), required
    #[arg(long, value_name = "DATE")]
    pub review: Option<String>,
}

#[derive(Debug, Args)]
pub struct WhyArgs {
    /// Pilot name or unique prefix
    pub pilot: String,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum ExportCmd {
    /// Every decision with criteria, rationale, decision-maker and supersession
    Decisions(ExportDecisionsArgs),
    /// The steering-committee pack: phases, readiness, heatmap, blockers, decisions
    Pack(ExportPackArgs),
    /// Every pilot, one row each: phase, verdict, readiness, owners, progress, last decision
    Pilots(ExportPilotsArgs),
}

#[derive(Debug, Args)]
pub struct ExportDecisionsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = FormatArg::Md)]
    pub format: FormatArg,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Only decisions made on or after this date (YYYY-MM-DD)
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only these pilots (repeatable)
    #[arg(long = "pilot", value_name = "NAME")]
    pub pilots: Vec<String>,
}

#[derive(Debug, Args)]
pub struct ExportPackArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = PackFormatArg::Md)]
    pub format: PackFormatArg,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportPilotsArgs {
    /// Output format
    #[arg(long, value_enum, default_value_t = InventoryFormatArg::Csv)]
    pub format: InventoryFormatArg,
    /// Write to this file instead of standard output
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum ImportCmd {
    /// Add or update pilots from a CSV file (matched by pilot name)
    Pilots(ImportPilotsArgs),
}

#[derive(Debug, Args)]
pub struct ImportPilotsArgs {
    /// CSV file (comma or semicolon separated, UTF-8)
    pub file: PathBuf,
    /// Report what would change without changing anything
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A head hash an earlier export stated (of the decision chain or the
    /// audit chain; give both with two --anchor): check its chain still
    /// extends it
    #[arg(long, value_name = "HASH")]
    pub anchor: Vec<String>,
    /// Print JSON instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The backup to restore (a file 'lastmile backup' made)
    pub backup: PathBuf,
}

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Destination file (must not exist)
    pub file: PathBuf,
}

/// Declares a clap value enum that maps onto a domain vocabulary.
macro_rules! arg_enum {
    ($name:ident => $domain:ty { $($variant:ident => $target:ident),+ $(,)? }) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
        pub enum $name { $($variant),+ }
        impl From<$name> for $domain {
            fn from(v: $name) -> $domain {
                match v { $($name::$variant => <$domain>::$target),+ }
            }
        }
    };
}

use crate::domain::model as m;
arg_enum!(StatusArg => m::Status { Proposed => Proposed, Active => Active, Paused => Paused, Production => Production, Stopped => Stopped });
arg_enum!(RoleArg => m::Role { Product => Product, Platform => Platform, Governance => Governance, Business => Business });
arg_enum!(DimensionArg => m::Dimension { Data => Data, Governance => Governance, Integration => Integration, Ownership => Ownership });
arg_enum!(RatingArg => m::Rag { Red => Red, Yellow => Yellow, Green => Green });
arg_enum!(StateArg => m::ItemState { Todo => Todo, Doing => Doing, Done => Done, Na => Na, Blocked => Blocked });
arg_enum!(PhaseArg => m::Phase { Assessment => Assessment, Scaffolding => Scaffolding, Hardening => Hardening });

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Go,
    #[value(name = "no-go")]
    NoGo,
    Pivot,
    Defer,
}

impl From<OutcomeArg> for m::Outcome {
    fn from(v: OutcomeArg) -> m::Outcome {
        match v {
            OutcomeArg::Go => m::Outcome::Go,
            OutcomeArg::NoGo => m::Outcome::NoGo,
            OutcomeArg::Pivot => m::Outcome::Pivot,
            OutcomeArg::Defer => m::Outcome::Defer,
        }
    }
}

/// Decision-log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Md,
    Csv,
    Json,
    Html,
}

/// Inventory formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InventoryFormatArg {
    Csv,
    Json,
}

/// Pack formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PackFormatArg {
    Md,
    Html,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
