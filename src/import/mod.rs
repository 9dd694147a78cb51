//! Imports from files people keep elsewhere: a pilot inventory from a
//! spreadsheet ([`pilots`]).

pub mod pilots;
