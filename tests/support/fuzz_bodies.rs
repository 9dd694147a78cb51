//! What the fuzz targets do with one input, shared by the cargo-fuzz
//! targets in `fuzz/fuzz_targets/` (which include this file by path) and
//! by the bounded, stable-toolchain runs in `tests/properties.rs`. The
//! only property checked is the one a fuzzer can check: no panic, and
//! whatever is accepted can be used without panicking.
#![allow(dead_code)]

use lastmile::playbook::{rubric, Playbook};
use lastmile::store::{verify_chains, Store};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

fn builtin() -> &'static Playbook {
    static PB: OnceLock<Playbook> = OnceLock::new();
    PB.get_or_init(Playbook::builtin)
}

/// Whether text holds anything a terminal could take as a command.
fn has_control(s: &str) -> bool {
    s.chars()
        .any(|c| (c.is_control() && c != '\n') || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'))
}

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

/// Import arbitrary bytes as a CSV pilot inventory into a small database:
/// no panic; a dry run predicts the real import; an error is one clean
/// line; what is imported has valid names and clean text, keeps the hash
/// chains whole, and importing the same file again changes nothing.
pub fn csv_import(data: &[u8]) {
    use lastmile::domain::model::PilotFields;
    use lastmile::import::pilots::import_csv;
    static N: AtomicUsize = AtomicUsize::new(0);
    let path = std::env::temp_dir().join(format!(
        "lastmile-fuzz-{}-{}.csv",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    ));
    std::fs::write(&path, data).expect("write the fuzz input");
    let pb = builtin();
    let mut store = Store::open_in_memory("fuzz").expect("in-memory store");
    store
        .write(|tx| {
            tx.add_pilot(
                &PilotFields {
                    name: "Claims triage".into(),
                    ..Default::default()
                },
                &pb.items(),
            )?;
            tx.add_person("Dana Reyes", "CIO")
        })
        .expect("seed rows");
    let dry = import_csv(&mut store, pb, &path, true);
    let real = import_csv(&mut store, pb, &path, false);
    match (&dry, &real) {
        (Ok(d), Ok(r)) => {
            assert_eq!(d.counts(), r.counts(), "the dry run predicts the import");
            let text = r.to_text(50);
            assert!(!has_control(&text), "report text holds a control: {text:?}");
            for p in store.pilots().expect("pilots") {
                assert_eq!(
                    lastmile::text::validate_name("pilot", &p.name).ok().as_deref(),
                    Some(p.name.as_str())
                );
                for v in [&p.business_unit, &p.business_case, &p.data_sources, &p.model_class] {
                    assert!(
                        !v.chars().any(|c| c.is_control() && c != '\n' && c != '\t'),
                        "stored control: {v:?}"
                    );
                }
            }
            for chain in verify_chains(&store).expect("chains") {
                assert!(chain.broken_at.is_none(), "{chain:?}");
            }
            let again = import_csv(&mut store, pb, &path, false).expect("the same file imports again");
            assert!(
                !again.changes(),
                "importing the same file again changed something: {}",
                again.counts()
            );
        }
        (Err(a), Err(b)) => {
            for e in [a, b] {
                let m = e.to_string();
                assert!(!m.contains('\n') && !has_control(&m), "error is one clean line: {m:?}");
            }
        }
        _ => panic!("the dry run and the import disagree: {dry:?} / {real:?}"),
    }
    let _ = std::fs::remove_file(&path);
}
