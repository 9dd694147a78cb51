//! Fuzz the CSV pilot import: arbitrary bytes as an inventory file,
//! imported (dry run, then for real, then again) into an in-memory
//! database. The body is shared with tests/properties.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/fuzz_bodies.rs"]
mod fuzz_bodies;

fuzz_target!(|data: &[u8]| fuzz_bodies::csv_import(data));
