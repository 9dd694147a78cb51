//! Imports from files people keep elsewhere: a pilot inventory from a
//! spreadsheet ([`pilots`]).

mod columns;
mod csv_text;
pub mod pilots;
mod report;
mod rows;
