//! lastmile: a terminal workbench that takes a portfolio of AI pilots through
//! a 90-day production-readiness playbook, over one local SQLite file.
//!
//! Layers, one direction: `cli` and `ui` turn input into calls on `store`
//! (all SQL lives there), which applies the `domain` rules and the
//! `playbook` data; `export` and `import` read and write files.

pub mod cli;
pub mod clock;
pub mod demo;
pub mod domain;
pub mod error;
pub mod export;
pub mod import;
pub mod playbook;
pub mod store;
pub mod text;
pub mod ui;

pub use error::{Error, Result};
