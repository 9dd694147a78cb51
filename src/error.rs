//! One error type for the library: every variant carries a readable sentence
//! that names the thing and what to do about it.

use std::fmt;

/// What went wrong, in a form the CLI and the TUI can both show.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// Input the user can fix (a bad name, value or option).
    Invalid(String),
    /// A named thing does not exist.
    NotFound(String),
    /// Another terminal changed the row since this user read it.
    Conflict(Conflict),
    /// The database file cannot be written.
    ReadOnly(String),
    /// The database stayed locked for longer than the busy timeout.
    Busy(String),
    /// The disk (or the database's page limit) is full.
    DiskFull(String),
    /// The file is not a usable lastmile database, or SQLite failed.
    Storage(String),
    /// The playbook file is malformed.
    Playbook(String),
    /// Reading or writing a file failed.
    Io(String),
}

/// A refused edit: someone else changed the row first.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// What was being edited, e.g. `checklist item "Name the four owners"`.
    pub what: String,
    /// The value now in the file.
    pub current: String,
    /// Who made the change that is now in the file.
    pub by: String,
    /// When they made it.
    pub at: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(m)
            | Error::NotFound(m)
            | Error::ReadOnly(m)
            | Error::Busy(m)
            | Error::DiskFull(m)
            | Error::Storage(m)
            | Error::Playbook(m)
            | Error::Io(m) => f.write_str(m),
            Error::Conflict(c) => write!(
                f,
                "{} was changed by {} at {} (now: {}); your edit was not saved: look at their change, then apply yours again",
                c.what, c.by, c.at, c.current
            ),
        }
    }
}

impl std::error::Error for Error {}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Shorthand for [`Error::Invalid`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::Invalid(msg.into())
    }
    /// Shorthand for [`Error::NotFound`].
    pub fn not_found(msg: impl Into<String>) -> Self {
        Error::NotFound(msg.into())
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(e.to_string())
    }
}
