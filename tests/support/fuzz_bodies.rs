//! What the fuzz targets do with one input, shared by the cargo-fuzz
//! targets in `fuzz/fuzz_targets/` (which include this file by path) and
//! by the bounded, stable-toolchain runs in `tests/properties.rs`. The
//! only property checked is the one a fuzzer can check: no panic, and
//! whatever is accepted can be used without panicking.
#![allow(dead_code)]

use lastmile::playbook::{rubric, Playbook};
use std::collections::HashMap;

/// Parse arbitrary bytes as a playbook; if accepted, use every part of it.
pub fn playbook(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(pb) = Playbook::parse(&text, "fuzz input") else {
        return;
    };
    let items = pb.items();
    for it in &items {
        let _ = pb.item_hint(&it.key);
        assert!(!it.text.trim().is_empty());
    }
    for r in &pb.rubrics {
        let scale = pb.scale_of(r);
        let _ = pb.find_rubric(&r.key);
        // Unanswered, fully answered with each label, and half answered.
        let mut answers = HashMap::new();
        let _ = rubric::score(r, scale, &answers).gate();
        for v in &scale.values {
            for q in r.questions() {
                answers.insert(q.key.clone(), v.label.clone());
            }
            let res = rubric::score(r, scale, &answers);
            let _ = res.gate();
            let _ = res.summary();
        }
        for (i, q) in r.questions().enumerate() {
            if i % 2 == 0 {
                answers.remove(&q.key);
            }
        }
        let _ = rubric::score(r, scale, &answers).gate();
    }
}
