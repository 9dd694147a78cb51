//! An organisation's playbook that extends the built-in one: a file that
//! says `extends = "builtin"` and holds only what it adds or replaces.
//! Entries are matched by key (sectors, roles, phases, rubrics, lenses,
//! metric categories, scales, checklist items), gates by phase, checklist
//! sections by phase and name; `[gating]` replaces only the settings it
//! names. The merged playbook is validated as a whole, like any other.

use super::{
    GateDef, Lens, MetricCategoryDef, PhaseDef, Playbook, RightDef, RoleDef, Rubric, Scale, SectionDef, SectorDef,
};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What an extending file may hold; every part is optional.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Extension {
    pub extends: String,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    phases: Vec<PhaseDef>,
    #[serde(default)]
    sectors: Vec<SectorDef>,
    #[serde(default)]
    roles: Vec<RoleDef>,
    #[serde(default)]
    checklist: Vec<SectionDef>,
    #[serde(default)]
    scales: BTreeMap<String, Scale>,
    #[serde(default)]
    rubrics: Vec<Rubric>,
    #[serde(default)]
    metric_categories: Vec<MetricCategoryDef>,
    #[serde(default)]
    lenses: Vec<Lens>,
    #[serde(default)]
    rights: Vec<RightDef>,
    #[serde(default)]
    vendor_asks: Vec<super::VendorAskDef>,
    #[serde(default)]
    gating: Option<GatingPatch>,
    #[serde(default)]
    gates: Vec<GateDef>,
}

/// The `[gating]` settings an extension changes.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GatingPatch {
    score_max_age_days: Option<i64>,
    shared_roles: Option<Vec<[String; 2]>>,
    shortlist_size: Option<usize>,
}

/// The only playbook an extension can name.
pub(crate) const BUILTIN: &str = "builtin";

/// Replace the entry with the same key in place, or add it at the end.
fn upsert<T>(base: &mut Vec<T>, add: Vec<T>, key: impl Fn(&T) -> &str) {
    for a in add {
        match base.iter().position(|b| key(b) == key(&a)) {
            Some(i) => base[i] = a,
            None => base.push(a),
        }
    }
}

impl Extension {
    /// The base playbook with this extension's entries added or replaced.
    pub(crate) fn apply(self, mut pb: Playbook) -> Playbook {
        if let Some(n) = self.name {
            pb.name = n;
        }
        if let Some(v) = self.version {
            pb.version = v;
        }
        upsert(&mut pb.phases, self.phases, |p| &p.key);
        upsert(&mut pb.sectors, self.sectors, |s| &s.key);
        upsert(&mut pb.roles, self.roles, |r| &r.key);
        upsert(&mut pb.rubrics, self.rubrics, |r| &r.key);
        upsert(&mut pb.metric_categories, self.metric_categories, |m| &m.key);
        upsert(&mut pb.lenses, self.lenses, |l| &l.key);
        upsert(&mut pb.rights, self.rights, |r| &r.key);
        upsert(&mut pb.vendor_asks, self.vendor_asks, |a| &a.key);
        upsert(&mut pb.gates, self.gates, |g| &g.phase);
        pb.scales.extend(self.scales);
        if let Some(g) = self.gating {
            if let Some(v) = g.score_max_age_days {
                pb.gating.score_max_age_days = v;
            }
            if let Some(v) = g.shared_roles {
                pb.gating.shared_roles = v;
            }
            if let Some(v) = g.shortlist_size {
                pb.gating.shortlist_size = v;
            }
        }
        for section in self.checklist {
            let at = pb
                .checklist
                .iter()
                .position(|s| s.phase == section.phase && s.section == section.section);
            let at = match at {
                Some(i) => i,
                None => {
                    pb.checklist.push(SectionDef {
                        items: Vec::new(),
                        ..section.clone()
                    });
                    pb.checklist.len() - 1
                }
            };
            for item in section.items {
                if let Some(i) = pb.checklist[at].items.iter().position(|x| x.key == item.key) {
                    pb.checklist[at].items[i] = item;
                    continue;
                }
                // An item moved to another section leaves its old one.
                for s in &mut pb.checklist {
                    s.items.retain(|x| x.key != item.key);
                }
                pb.checklist[at].items.push(item);
            }
        }
        pb
    }
}
