//! Fuzz the playbook parser: arbitrary bytes as a playbook file. The body
//! is shared with the bounded stable-toolchain run in tests/properties.rs.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/support/fuzz_bodies.rs"]
mod fuzz_bodies;

fuzz_target!(|data: &[u8]| fuzz_bodies::playbook(data));
