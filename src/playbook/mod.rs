//! The playbook as data: phases, sectors, roles, checklist, scales, rubrics
//! and reference lenses. The default ships in `assets/playbook.toml` and is
//! compiled in; `--playbook FILE` loads an organisation's own.

mod extend;
pub mod rubric;

use crate::domain::model::{Dimension, Phase, Role, Sector};
use crate::{Error, Result};
use serde::Deserialize;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// The playbook compiled into the binary.
pub const DEFAULT_PLAYBOOK: &str = include_str!("../../assets/playbook.toml");

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    pub name: String,
    pub version: u32,
    pub phases: Vec<PhaseDef>,
    pub sectors: Vec<SectorDef>,
    pub roles: Vec<RoleDef>,
    pub checklist: Vec<SectionDef>,
    pub scales: BTreeMap<String, Scale>,
    pub rubrics: Vec<Rubric>,
    #[serde(default)]
    pub metric_categories: Vec<MetricCategoryDef>,
    #[serde(default)]
    pub lenses: Vec<Lens>,
    /// The decision rights each pilot assigns: a named person and a
    /// threshold or condition for each (000, 004).
    #[serde(default)]
    pub rights: Vec<RightDef>,
    /// What to get from a vendor before signing (000): each recorded per
    /// pilot with its evidence; an in-house pilot says why none apply.
    #[serde(default)]
    pub vendor_asks: Vec<VendorAskDef>,
    /// How gates are judged, apart from their criteria.
    #[serde(default)]
    pub gating: Gating,
    /// One gate at the end of each phase, in phase order.
    pub gates: Vec<GateDef>,
}

/// Settings every gate shares.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gating {
    /// A dimension score older than this many days no longer counts.
    #[serde(default = "default_score_age")]
    pub score_max_age_days: i64,
    /// Pairs of owner roles one person may hold together (by default none).
    #[serde(default)]
    pub shared_roles: Vec<[String; 2]>,
    /// How many pilots the programme's shortlist holds.
    #[serde(default = "default_shortlist")]
    pub shortlist_size: usize,
}

fn default_score_age() -> i64 {
    30
}

fn default_shortlist() -> usize {
    3
}

impl Default for Gating {
    fn default() -> Gating {
        Gating {
            score_max_age_days: default_score_age(),
            shared_roles: Vec::new(),
            shortlist_size: default_shortlist(),
        }
    }
}

/// The gate at the end of one phase.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateDef {
    pub phase: String,
    pub name: String,
    #[serde(default)]
    pub summary: String,
    pub criteria: Vec<CriterionDef>,
}

/// Must-meet criteria block the gate; should-meet ones warn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Need {
    Must,
    Should,
}

/// What a criterion checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CriterionKind {
    /// The gating checklist items of this phase and earlier ones are met:
    /// done with evidence, or not applicable with a reason.
    Items,
    /// Each of the four dimensions is at least `at_least` and was scored
    /// within the score age limit.
    Dimensions,
    /// The owner roles (`roles`, default all four) are named, by distinct
    /// people unless `gating.shared_roles` lets a pair share one.
    Owners,
    /// A rubric lands at `min_band` or better and breaks no blocking rule.
    Rubric,
    /// The pilot is on the programme's shortlist.
    Shortlist,
    /// Every metric is at or above its minimum viable level, with at least
    /// one metric in each of `categories`.
    Metrics,
    /// A scorecard metric with a baseline and a target exists.
    Scorecard,
    /// The decision rights (`rights`, default every right the playbook
    /// lists) each have a named person and a threshold.
    Rights,
    /// The pilot says whether a vendor is involved; with one, the vendor
    /// asks (`asks`, default every ask) each have evidence and, when
    /// `rubric` names one, that rubric (vendor capability) meets
    /// `min_band`. An in-house pilot (with its reason) meets it.
    Vendor,
}

/// One criterion of a gate.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionDef {
    pub kind: CriterionKind,
    pub need: Need,
    /// What the criterion says, as recorded with a decision.
    pub label: String,
    /// Dimensions: the lowest rating that meets it (red, yellow, green).
    #[serde(default)]
    pub at_least: Option<String>,
    /// Owners: the roles that must be named (default all four).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Rubric: its key.
    #[serde(default)]
    pub rubric: Option<String>,
    /// Rubric: the lowest band label that meets it (default: any band
    /// that does not block).
    #[serde(default)]
    pub min_band: Option<String>,
    /// Metrics: categories that need at least one metric each.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Items: these item keys must be met (gating or not); when empty,
    /// the gating items of the gate's phase and earlier phases.
    #[serde(default)]
    pub items: Vec<String>,
    /// Rights: these rights must be assigned; when empty, every right.
    #[serde(default)]
    pub rights: Vec<String>,
    /// Vendor: these asks need evidence; when empty, every ask.
    #[serde(default)]
    pub asks: Vec<String>,
}

/// One ask of a vendor before signing: what to get, and what good
/// evidence of it looks like.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct VendorAskDef {
    pub key: String,
    /// What to get, as a short phrase ("A reference call").
    pub name: String,
    #[serde(default)]
    pub hint: String,
}

/// One decision right: who may take a decision about a pilot, and up to
/// what threshold (promote to production, trigger a rollback...).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RightDef {
    pub key: String,
    /// What the right allows, as a short phrase ("Promote to production").
    pub name: String,
    /// What a good threshold or condition names.
    #[serde(default)]
    pub hint: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhaseDef {
    pub key: String,
    pub name: String,
    pub first_day: i64,
    pub last_day: i64,
    pub summary: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectorDef {
    pub key: String,
    pub name: String,
    pub frameworks: Vec<String>,
    pub summary: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleDef {
    pub key: String,
    pub name: String,
    pub duty: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionDef {
    pub phase: String,
    pub section: String,
    pub items: Vec<ItemDef>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ItemDef {
    pub key: String,
    pub text: String,
    pub due: i64,
    #[serde(default)]
    pub gate: bool,
    /// The item stands for a gate's review or decision itself: it is never
    /// a criterion of the gate and closes when the gate decision is
    /// recorded.
    #[serde(default)]
    pub review: bool,
    #[serde(default)]
    pub hint: String,
    /// Whose work the item is: each pilot's (the default) or the
    /// programme's, done once for the whole portfolio ("list every AI
    /// pilot"); programme items live on the programme checklist.
    #[serde(default)]
    pub scope: Scope,
}

/// Whose work a checklist item is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Every pilot carries its own copy.
    #[default]
    Pilot,
    /// Done once, on the programme checklist.
    Programme,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scale {
    pub name: String,
    pub values: Vec<ScaleValue>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScaleValue {
    pub label: String,
    pub value: f64,
}

/// How answers (within a section) or section results (across) combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Combine {
    Sum,
    Mean,
    #[serde(alias = "minimum", alias = "min")]
    Worst,
    #[serde(alias = "maximum", alias = "max")]
    Best,
}

/// A band's or rule's effect on readiness.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    Block,
    Warn,
    Pass,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub min: f64,
    /// Whether a value equal to `min` is in the band (the default); `false`
    /// writes a half-open range such as "above 2.5", so published rubrics
    /// with ranges like (2.5, 3.5] can be written exactly.
    #[serde(default = "yes")]
    pub min_inclusive: bool,
    pub label: String,
    pub level: Level,
}

fn yes() -> bool {
    true
}

/// A rule over the individual answers of a rubric.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub kind: RuleKind,
    pub threshold: f64,
    #[serde(default)]
    pub count: usize,
    pub label: String,
    pub level: Level,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleKind {
    /// Fires when any answer is below `threshold`.
    AnyBelow,
    /// Fires when at least `count` answers are at or above `threshold`.
    CountAtLeast,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub scale: String,
    pub within: Combine,
    pub across: Combine,
    #[serde(default)]
    pub gates_readiness: bool,
    #[serde(default)]
    pub bands: Vec<Band>,
    #[serde(default)]
    pub rules: Vec<Rule>,
    pub sections: Vec<RubricSection>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RubricSection {
    pub key: String,
    pub name: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub key: String,
    pub text: String,
    #[serde(default)]
    pub help: String,
    #[serde(default)]
    pub guide: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MetricCategoryDef {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub examples: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Lens {
    pub key: String,
    pub name: String,
    #[serde(default)]
    pub source: String,
    /// The phases (keys) it belongs to, for the workbench's reference
    /// panel; none means every phase.
    #[serde(default)]
    pub phases: Vec<String>,
    pub items: Vec<String>,
}

impl Lens {
    /// Whether the lens belongs to `phase`.
    pub fn applies_to(&self, phase: Phase) -> bool {
        self.phases.is_empty() || self.phases.iter().any(|p| Phase::parse(p).is_ok_and(|p| p == phase))
    }
}

/// A checklist item template, flattened with its phase and section.
#[derive(Debug, Clone, PartialEq)]
pub struct ItemTemplate {
    pub key: String,
    pub phase: Phase,
    pub section: String,
    pub text: String,
    pub due_day: i64,
    pub gate: bool,
    pub review: bool,
    pub scope: Scope,
}

/// Key of the built-in four-dimension rubric.
pub const READINESS_RUBRIC: &str = "readiness";
/// Key of the built-in problem-selection rubric.
pub const SELECTION_RUBRIC: &str = "selection";
/// Question keys of the selection rubric, in order.
pub const SELECTION_QUESTIONS: [&str; 5] = ["impact", "data", "feasibility", "team", "path"];

fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let before = &src[..offset.min(src.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

impl Playbook {
    /// The compiled-in default playbook.
    pub fn builtin() -> Playbook {
        Playbook::parse(DEFAULT_PLAYBOOK, "built-in playbook")
            .expect("the built-in playbook is checked by the test suite")
    }

    /// Load a playbook file; errors name the file, line and column.
    pub fn load(path: &Path) -> Result<Playbook> {
        let src = std::fs::read_to_string(path)
            .map_err(|e| Error::Playbook(format!("cannot read playbook {}: {e}", path.display())))?;
        Playbook::parse(&src, &path.display().to_string())
    }

    /// Parse and validate playbook text. `origin` names it in errors. A
    /// file that says `extends = "builtin"` holds only what it adds to or
    /// replaces in the built-in playbook ([`extend`]).
    pub fn parse(src: &str, origin: &str) -> Result<Playbook> {
        fn located<T: serde::de::DeserializeOwned>(src: &str, origin: &str) -> Result<T> {
            toml::from_str(src).map_err(|e| {
                let (line, col) = e.span().map_or((1, 1), |s| line_col(src, s.start));
                let msg = e.message().replace('\n', " ");
                Error::Playbook(format!(
                    "playbook {origin}, line {line}, column {col}: {msg}; fix the file or run without --playbook"
                ))
            })
        }
        let table: toml::Table = located(src, origin)?;
        let (mut pb, origin) = if table.contains_key("extends") {
            let ext: extend::Extension = located(src, origin)?;
            if ext.extends != extend::BUILTIN {
                return Err(Error::Playbook(format!(
                    "playbook {origin}: extends = '{}', but only the built-in playbook can be extended: write extends = \"{}\"",
                    crate::text::sanitize(&ext.extends),
                    extend::BUILTIN
                )));
            }
            (
                ext.apply(Playbook::builtin()),
                format!("{origin} (extending the built-in playbook)"),
            )
        } else {
            (located::<Playbook>(src, origin)?, origin.to_string())
        };
        pb.clean_strings().map_err(|m| {
            Error::Playbook(format!(
                "playbook {origin}: {m}; fix the file or run without --playbook"
            ))
        })?;
        pb.validate().map_err(|m| {
            Error::Playbook(format!(
                "playbook {origin}: {m}; fix the file or run without --playbook"
            ))
        })?;
        Ok(pb)
    }

    /// Playbook text is untrusted, like anything read from a file: every
    /// piece of display text (names, summaries, frameworks, item text and
    /// hints, labels, guides, lens text...) is sanitised here, as it loads,
    /// so no screen or command can forget to; a control character shows as
    /// a visible escape such as `\u{1b}` and newlines become spaces. Keys,
    /// which are typed on the command line, stored and matched, are refused
    /// instead when they hold a control character. The references between
    /// them (a criterion's `min_band`, say) are cleaned the same way as what
    /// they name, so they still match.
    fn clean_strings(&mut self) -> std::result::Result<(), String> {
        fn text(s: &mut String) {
            if s.chars().any(crate::text::is_control) {
                *s = crate::text::sanitize(s);
            }
        }
        fn texts(v: &mut [String]) {
            v.iter_mut().for_each(text);
        }
        fn key(field: &str, k: &str) -> std::result::Result<(), String> {
            match k.chars().enumerate().find(|(_, c)| crate::text::is_control(*c)) {
                None => Ok(()),
                Some((i, c)) => Err(format!(
                    "{field} '{}' holds a control character ({}) at position {}: keys are typed and matched, so remove it",
                    crate::text::sanitize(k),
                    c.escape_unicode(),
                    i + 1
                )),
            }
        }
        fn keys(field: &str, v: &[String]) -> std::result::Result<(), String> {
            v.iter().try_for_each(|k| key(field, k))
        }
        text(&mut self.name);
        for p in &mut self.phases {
            key("phase key", &p.key)?;
            text(&mut p.name);
            text(&mut p.summary);
        }
        for s in &mut self.sectors {
            key("sector key", &s.key)?;
            text(&mut s.name);
            texts(&mut s.frameworks);
            text(&mut s.summary);
        }
        for r in &mut self.roles {
            key("role key", &r.key)?;
            text(&mut r.name);
            text(&mut r.duty);
        }
        for s in &mut self.checklist {
            key("checklist phase", &s.phase)?;
            text(&mut s.section);
            for i in &mut s.items {
                key("checklist item key", &i.key)?;
                text(&mut i.text);
                text(&mut i.hint);
            }
        }
        for (k, scale) in &mut self.scales {
            key("scale key", k)?;
            text(&mut scale.name);
            for v in &scale.values {
                key(&format!("scale '{k}' label"), &v.label)?;
            }
        }
        for r in &mut self.rubrics {
            key("rubric key", &r.key)?;
            key(&format!("rubric '{}' scale", r.key), &r.scale)?;
            text(&mut r.name);
            text(&mut r.description);
            for b in &mut r.bands {
                text(&mut b.label);
            }
            for rule in &mut r.rules {
                text(&mut rule.label);
            }
            for s in &mut r.sections {
                key(&format!("rubric '{}' section key", r.key), &s.key)?;
                text(&mut s.name);
                for q in &mut s.questions {
                    key(&format!("rubric '{}' question key", r.key), &q.key)?;
                    text(&mut q.text);
                    text(&mut q.help);
                    for (label, guide) in &mut q.guide {
                        key(&format!("rubric '{}' question '{}' guide label", r.key, q.key), label)?;
                        text(guide);
                    }
                }
            }
        }
        for m in &mut self.metric_categories {
            key("metric category key", &m.key)?;
            text(&mut m.name);
            texts(&mut m.examples);
        }
        for l in &mut self.lenses {
            key("lens key", &l.key)?;
            for p in &l.phases {
                key("lens phase", p)?;
            }
            text(&mut l.name);
            text(&mut l.source);
            texts(&mut l.items);
        }
        for r in &mut self.rights {
            key("right key", &r.key)?;
            text(&mut r.name);
            text(&mut r.hint);
        }
        for a in &mut self.vendor_asks {
            key("vendor ask key", &a.key)?;
            text(&mut a.name);
            text(&mut a.hint);
        }
        for pair in &self.gating.shared_roles {
            keys("gating.shared_roles", pair)?;
        }
        for g in &mut self.gates {
            key("gate phase", &g.phase)?;
            text(&mut g.name);
            text(&mut g.summary);
            for c in &mut g.criteria {
                text(&mut c.label);
                let at = format!("gate '{}', criterion '{}'", g.name, c.label);
                key(&format!("{at}: at_least"), c.at_least.as_deref().unwrap_or(""))?;
                keys(&format!("{at}: roles"), &c.roles)?;
                key(&format!("{at}: rubric"), c.rubric.as_deref().unwrap_or(""))?;
                if let Some(b) = &mut c.min_band {
                    text(b);
                }
                keys(&format!("{at}: categories"), &c.categories)?;
                keys(&format!("{at}: items"), &c.items)?;
                keys(&format!("{at}: rights"), &c.rights)?;
                keys(&format!("{at}: asks"), &c.asks)?;
            }
        }
        Ok(())
    }

    fn validate(&self) -> std::result::Result<(), String> {
        let keys: Vec<&str> = self.phases.iter().map(|p| p.key.as_str()).collect();
        let want: Vec<&str> = Phase::ALL.iter().map(|p| p.key()).collect();
        if keys != want {
            return Err(format!(
                "phases must be {} in that order (found {})",
                want.join(", "),
                keys.join(", ")
            ));
        }
        if self.sectors.is_empty() {
            return Err("the playbook lists no sectors: add at least one [[sectors]] entry".into());
        }
        let mut sectors = HashSet::new();
        for d in &self.sectors {
            if d.key.trim().is_empty() || d.name.trim().is_empty() {
                return Err(format!("sector '{}' needs a key and a name", d.key));
            }
            if !d
                .key
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(format!(
                    "sector key '{}' may hold only lower-case letters, digits and hyphens (e.g. \"manufacturing\", \"public-health\")",
                    d.key
                ));
            }
            if !sectors.insert(d.key.as_str()) {
                return Err(format!("sector key '{}' appears twice", d.key));
            }
        }
        for r in Role::ALL {
            if !self.roles.iter().any(|d| d.key == r.key()) {
                return Err(format!("role '{}' is missing", r.key()));
            }
        }
        for l in &self.lenses {
            for p in &l.phases {
                Phase::parse(p).map_err(|e| format!("lens '{}': {e}", l.key))?;
            }
        }
        let mut rights = HashSet::new();
        for r in &self.rights {
            if r.key.trim().is_empty() || r.name.trim().is_empty() {
                return Err(format!("decision right '{}' needs a key and a name", r.key));
            }
            if !rights.insert(r.key.as_str()) {
                return Err(format!("decision right key '{}' appears twice", r.key));
            }
        }
        if self.metric_categories.is_empty() {
            return Err("the playbook lists no metric categories: add at least one [[metric_categories]] entry".into());
        }
        let mut cats = HashSet::new();
        for m in &self.metric_categories {
            if m.key.is_empty()
                || !m
                    .key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                return Err(format!(
                    "metric category key '{}' may hold only lower-case letters, digits and hyphens",
                    m.key
                ));
            }
            if !cats.insert(m.key.as_str()) {
                return Err(format!("metric category key '{}' appears twice", m.key));
            }
        }
        let mut asks = HashSet::new();
        for a in &self.vendor_asks {
            if a.key.trim().is_empty() || a.name.trim().is_empty() {
                return Err(format!("vendor ask '{}' needs a key and a name", a.key));
            }
            if !asks.insert(a.key.as_str()) {
                return Err(format!("vendor ask key '{}' appears twice", a.key));
            }
        }
        let mut seen = HashSet::new();
        for section in &self.checklist {
            let phase =
                Phase::parse(&section.phase).map_err(|e| format!("checklist section '{}': {e}", section.section))?;
            let def = &self.phases[phase.index()];
            for item in &section.items {
                if !seen.insert(item.key.as_str()) {
                    return Err(format!("checklist item key '{}' appears twice", item.key));
                }
                if item.due < def.first_day || item.due > def.last_day {
                    return Err(format!(
                        "checklist item '{}' is due on day {}, outside {} (days {}-{})",
                        item.key, item.due, def.name, def.first_day, def.last_day
                    ));
                }
                if item.text.trim().is_empty() {
                    return Err(format!("checklist item '{}' has no text", item.key));
                }
                if item.gate && item.review {
                    return Err(format!(
                        "checklist item '{}' is both a gate item and a review item: a review item closes with the gate decision, so it cannot be one of its criteria",
                        item.key
                    ));
                }
                if item.scope == Scope::Programme && (item.gate || item.review) {
                    return Err(format!(
                        "checklist item '{}' is a programme item and so cannot gate a pilot's phase or stand for its review: drop gate/review or its scope",
                        item.key
                    ));
                }
            }
        }
        for (key, scale) in &self.scales {
            if scale.values.is_empty() {
                return Err(format!("scale '{key}' has no values"));
            }
        }
        let mut rubric_keys = HashSet::new();
        for r in &self.rubrics {
            if !rubric_keys.insert(r.key.as_str()) {
                return Err(format!("rubric key '{}' appears twice", r.key));
            }
            if !self.scales.contains_key(&r.scale) {
                return Err(format!(
                    "rubric '{}' uses scale '{}', which is not declared under [scales]",
                    r.key, r.scale
                ));
            }
            if r.sections.iter().all(|s| s.questions.is_empty()) {
                return Err(format!("rubric '{}' has no questions", r.key));
            }
            if r.bands.windows(2).any(|w| w[0].min > w[1].min) {
                return Err(format!("rubric '{}' bands must be in ascending order of min", r.key));
            }
            let mut q = HashSet::new();
            for s in &r.sections {
                for question in &s.questions {
                    if !q.insert(question.key.as_str()) {
                        return Err(format!("rubric '{}' has question '{}' twice", r.key, question.key));
                    }
                }
            }
        }
        let readiness = self
            .rubric(READINESS_RUBRIC)
            .ok_or("the 'readiness' rubric (four dimensions) is missing")?;
        for d in Dimension::ALL {
            if readiness.question(d.key()).is_none() {
                return Err(format!("the 'readiness' rubric has no '{}' question", d.key()));
            }
        }
        if let Some(q) = readiness.questions().find(|q| Dimension::parse(&q.key).is_err()) {
            return Err(format!(
                "the 'readiness' rubric has a question '{}' that is not one of the four dimensions (data, governance, integration, ownership): put it in a rubric of its own",
                q.key
            ));
        }
        let rag: Vec<&str> = self.scales[&readiness.scale]
            .values
            .iter()
            .map(|v| v.label.as_str())
            .collect();
        if rag != ["red", "yellow", "green"] {
            return Err("the 'readiness' rubric must use a red, yellow, green scale".into());
        }
        self.validate_gates()
    }

    fn validate_gates(&self) -> std::result::Result<(), String> {
        let phases: Vec<&str> = self.gates.iter().map(|g| g.phase.as_str()).collect();
        let want: Vec<&str> = Phase::ALL.iter().map(|p| p.key()).collect();
        if phases != want {
            return Err(format!(
                "gates must be one per phase, {} in that order (found {})",
                want.join(", "),
                if phases.is_empty() {
                    "none".to_string()
                } else {
                    phases.join(", ")
                }
            ));
        }
        if self.gating.score_max_age_days < 1 {
            return Err("gating.score_max_age_days must be at least 1".into());
        }
        for pair in &self.gating.shared_roles {
            for r in pair {
                Role::parse(r).map_err(|e| format!("gating.shared_roles: {e}"))?;
            }
        }
        for g in &self.gates {
            if g.criteria.is_empty() {
                return Err(format!("gate '{}' has no criteria", g.name));
            }
            for c in &g.criteria {
                let at = format!("gate '{}', criterion '{}'", g.name, c.label);
                if c.label.trim().is_empty() {
                    return Err(format!("gate '{}' has a criterion with no label", g.name));
                }
                match c.kind {
                    CriterionKind::Dimensions => {
                        let v = c.at_least.as_deref().unwrap_or("");
                        crate::domain::model::Rag::parse(v).map_err(|e| format!("{at}: at_least: {e}"))?;
                    }
                    CriterionKind::Owners => {
                        for r in &c.roles {
                            Role::parse(r).map_err(|e| format!("{at}: {e}"))?;
                        }
                    }
                    CriterionKind::Rubric => {
                        let key = c.rubric.as_deref().unwrap_or("");
                        let r = self
                            .rubric(key)
                            .ok_or_else(|| format!("{at}: no rubric '{key}' is declared"))?;
                        if let Some(b) = &c.min_band {
                            if !r.bands.iter().any(|x| &x.label == b) {
                                return Err(format!("{at}: rubric '{key}' has no band '{b}'"));
                            }
                        }
                    }
                    CriterionKind::Metrics => {
                        for k in &c.categories {
                            self.category_key(k).map_err(|e| format!("{at}: {e}"))?;
                        }
                    }
                    CriterionKind::Items => {
                        for k in &c.items {
                            let item = self
                                .checklist
                                .iter()
                                .flat_map(|s| s.items.iter())
                                .find(|i| &i.key == k)
                                .ok_or_else(|| format!("{at}: no checklist item '{k}'"))?;
                            if item.review {
                                return Err(format!(
                                    "{at}: '{k}' is a review item, which closes with the decision and cannot be its criterion"
                                ));
                            }
                            if item.scope == Scope::Programme {
                                return Err(format!(
                                    "{at}: '{k}' is a programme item (done once for the portfolio), not one of a pilot's criteria"
                                ));
                            }
                        }
                    }
                    CriterionKind::Rights => {
                        if self.rights.is_empty() {
                            return Err(format!(
                                "{at}: the playbook lists no decision rights: add [[rights]] entries or remove the criterion"
                            ));
                        }
                        for k in &c.rights {
                            if self.right(k).is_none() {
                                return Err(format!("{at}: no decision right '{k}' is declared"));
                            }
                        }
                    }
                    CriterionKind::Vendor => {
                        if self.vendor_asks.is_empty() {
                            return Err(format!(
                                "{at}: the playbook lists no vendor asks: add [[vendor_asks]] entries or remove the criterion"
                            ));
                        }
                        for k in &c.asks {
                            if self.vendor_ask(k).is_none() {
                                return Err(format!("{at}: no vendor ask '{k}' is declared"));
                            }
                        }
                        if let Some(r) = &c.rubric {
                            let def = self.rubric(r).ok_or_else(|| format!("{at}: no rubric '{r}'"))?;
                            if let Some(b) = &c.min_band {
                                if !def.bands.iter().any(|x| &x.label == b) {
                                    return Err(format!("{at}: rubric '{r}' has no band '{b}'"));
                                }
                            }
                        }
                    }
                    CriterionKind::Shortlist | CriterionKind::Scorecard => {}
                }
            }
        }
        Ok(())
    }

    /// The gate at the end of a phase.
    pub fn gate(&self, p: Phase) -> &GateDef {
        &self.gates[p.index()]
    }

    /// Keys of the items that stand for a gate's review or decision.
    pub fn review_items(&self) -> impl Iterator<Item = (&str, Phase)> {
        self.checklist.iter().flat_map(|s| {
            let phase = Phase::parse(&s.phase).unwrap_or(Phase::Assessment);
            s.items
                .iter()
                .filter(|i| i.review)
                .map(move |i| (i.key.as_str(), phase))
        })
    }

    /// A vendor ask by key.
    pub fn vendor_ask(&self, key: &str) -> Option<&VendorAskDef> {
        self.vendor_asks.iter().find(|a| a.key == key)
    }

    /// The vendor ask a key, a prefix of one or of its name names.
    pub fn find_vendor_ask(&self, key: &str) -> Result<&VendorAskDef> {
        let k = key.trim().to_lowercase();
        if let Some(a) = self.vendor_ask(&k) {
            return Ok(a);
        }
        let hits: Vec<&VendorAskDef> = self
            .vendor_asks
            .iter()
            .filter(|a| a.key.starts_with(&k) || a.name.to_lowercase().starts_with(&k))
            .collect();
        match hits.as_slice() {
            [one] if !k.is_empty() => Ok(one),
            _ => Err(Error::not_found(format!(
                "'{}' is not a vendor ask: use one of {}",
                crate::text::sanitize(key),
                self.vendor_asks
                    .iter()
                    .map(|a| a.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// A decision right by key.
    pub fn right(&self, key: &str) -> Option<&RightDef> {
        self.rights.iter().find(|r| r.key == key)
    }

    /// A decision right by key, unique key prefix or name prefix (any
    /// case), with an error listing the keys.
    pub fn find_right(&self, key: &str) -> Result<&RightDef> {
        let k = key.trim().to_lowercase();
        if let Some(r) = self.right(&k) {
            return Ok(r);
        }
        let hits: Vec<&RightDef> = self
            .rights
            .iter()
            .filter(|r| r.key.starts_with(&k) || r.name.to_lowercase().starts_with(&k))
            .collect();
        match hits.as_slice() {
            [one] if !k.is_empty() => Ok(one),
            _ => Err(Error::not_found(format!(
                "'{}' is {} decision right in the playbook: use one of {}",
                crate::text::sanitize(key.trim()),
                if hits.len() > 1 && !k.is_empty() {
                    "the start of more than one"
                } else {
                    "not a"
                },
                self.rights
                    .iter()
                    .map(|r| r.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// A rubric by key.
    pub fn rubric(&self, key: &str) -> Option<&Rubric> {
        self.rubrics.iter().find(|r| r.key == key)
    }

    /// A rubric by key or unique prefix, with an error listing the keys.
    pub fn find_rubric(&self, key: &str) -> Result<&Rubric> {
        let k = key.trim().to_ascii_lowercase();
        if let Some(r) = self.rubric(&k) {
            return Ok(r);
        }
        let matches: Vec<&Rubric> = self.rubrics.iter().filter(|r| r.key.starts_with(&k)).collect();
        match matches.as_slice() {
            [one] => Ok(one),
            _ => Err(Error::not_found(format!(
                "no rubric '{}' in the playbook: use one of {}",
                crate::text::sanitize(key),
                self.rubrics
                    .iter()
                    .map(|r| r.key.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
        }
    }

    /// The scale a rubric is answered on.
    pub fn scale_of(&self, rubric: &Rubric) -> &Scale {
        &self.scales[&rubric.scale]
    }

    /// The checklist item templates each pilot carries, in order.
    pub fn items(&self) -> Vec<ItemTemplate> {
        self.templates(Scope::Pilot)
    }

    /// The programme checklist's item templates, in order.
    pub fn programme_items(&self) -> Vec<ItemTemplate> {
        self.templates(Scope::Programme)
    }

    fn templates(&self, scope: Scope) -> Vec<ItemTemplate> {
        let mut out = Vec::new();
        for phase in Phase::ALL {
            for s in self.checklist.iter().filter(|s| s.phase == phase.key()) {
                for i in s.items.iter().filter(|i| i.scope == scope) {
                    out.push(ItemTemplate {
                        key: i.key.clone(),
                        phase: *phase,
                        section: s.section.clone(),
                        text: i.text.clone(),
                        due_day: i.due,
                        gate: i.gate,
                        review: i.review,
                        scope,
                    });
                }
            }
        }
        out
    }

    /// The definition of a phase.
    pub fn phase(&self, p: Phase) -> &PhaseDef {
        &self.phases[p.index()]
    }

    /// The definition of a sector.
    pub fn sector(&self, s: &Sector) -> Option<&SectorDef> {
        self.sectors.iter().find(|d| d.key == s.key())
    }

    /// A metric category's name, or its key when the playbook no longer
    /// lists it.
    pub fn category_label(&self, c: &crate::domain::model::MetricCategory) -> String {
        self.metric_categories
            .iter()
            .find(|d| d.key == c.key())
            .map_or_else(|| c.key().to_string(), |d| d.name.clone())
    }

    /// A category's place in the playbook (unknown ones last): metrics are
    /// listed in this order.
    pub fn category_index(&self, c: &crate::domain::model::MetricCategory) -> usize {
        self.metric_categories
            .iter()
            .position(|d| d.key == c.key())
            .unwrap_or(usize::MAX)
    }

    /// The metric category a key or a name (case-insensitive) names.
    pub fn category_key(&self, raw: &str) -> Result<crate::domain::model::MetricCategory> {
        self.category_def(raw)
            .map(|d| crate::domain::model::MetricCategory::new(&d.key))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown metric category '{}': use one of {}",
                    crate::text::sanitize(raw.trim()),
                    self.metric_categories
                        .iter()
                        .map(|d| d.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// The metric category a key or a name (case-insensitive) names. A key
    /// as written (what criteria hold) is found without folding case, which
    /// allocates: gates ask for every pilot of the portfolio.
    pub fn category_def(&self, raw: &str) -> Option<&MetricCategoryDef> {
        if let Some(d) = self.metric_categories.iter().find(|d| d.key == raw) {
            return Some(d);
        }
        let t = raw.trim().to_lowercase();
        self.metric_categories
            .iter()
            .find(|d| d.key == t || d.name.to_lowercase() == t)
    }

    /// A sector's name, or its key when the playbook no longer lists it.
    pub fn sector_label(&self, s: &Sector) -> String {
        self.sector(s).map_or_else(|| s.key().to_string(), |d| d.name.clone())
    }

    /// The sector a key or a name (case-insensitive) names, if the
    /// playbook lists it; the error names the keys it does list.
    pub fn sector_key(&self, raw: &str) -> Result<Sector> {
        let t = raw.trim().to_lowercase();
        self.sectors
            .iter()
            .find(|d| d.key == t || d.name.to_lowercase() == t)
            .map(|d| Sector::new(&d.key))
            .ok_or_else(|| {
                Error::invalid(format!(
                    "unknown sector '{}': use one of {} (a playbook may add its own)",
                    crate::text::sanitize(raw.trim()),
                    self.sectors
                        .iter()
                        .map(|d| d.key.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            })
    }

    /// The sector a new pilot gets when none is given: enterprise if the
    /// playbook lists it, else its first sector.
    pub fn default_sector(&self) -> Sector {
        self.sector_key(Sector::DEFAULT_KEY)
            .unwrap_or_else(|_| Sector::new(self.sectors.first().map_or(Sector::DEFAULT_KEY, |d| d.key.as_str())))
    }

    /// The hint text of a checklist item, if the playbook gives one.
    pub fn item_hint(&self, key: &str) -> Option<&str> {
        self.checklist
            .iter()
            .flat_map(|s| s.items.iter())
            .find(|i| i.key == key)
            .map(|i| i.hint.as_str())
            .filter(|h| !h.is_empty())
    }
}

impl Rubric {
    /// A question by key.
    pub fn question(&self, key: &str) -> Option<&Question> {
        self.sections
            .iter()
            .flat_map(|s| s.questions.iter())
            .find(|q| q.key == key)
    }
    /// Every question in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_metric_category_is_found_by_key_or_by_name_in_any_case() {
        let pb = super::Playbook::builtin();
        let key = |raw: &str| pb.category_def(raw).map(|d| d.key.as_str());
        assert_eq!(key("business"), Some("business"));
        assert_eq!(key(" BUSINESS "), Some("business"));
        assert_eq!(key("performance"), Some("performance"));
        assert_eq!(key("Performance"), Some("performance"));
        assert_eq!(key("speed"), None);
        assert!(pb
            .category_key("speed")
            .unwrap_err()
            .to_string()
            .contains("use one of performance"));
    }

    use super::*;

    #[test]
    fn builtin_playbook_parses_and_is_complete() {
        let pb = Playbook::builtin();
        assert_eq!(pb.phases.len(), 3);
        let items = pb.items();
        assert!(items.len() >= 30, "{} items", items.len());
        assert!(items.iter().any(|i| i.gate));
        for p in Phase::ALL {
            assert!(items.iter().any(|i| i.phase == *p), "no items in {p}");
        }
        assert!(pb.rubric(SELECTION_RUBRIC).is_some());
        let sel = pb.rubric(SELECTION_RUBRIC).unwrap();
        for q in SELECTION_QUESTIONS {
            assert!(sel.question(q).is_some(), "selection has no {q}");
        }
        assert!(pb.lenses.len() >= 6);
    }

    #[test]
    fn malformed_playbook_names_line_and_column() {
        let src = DEFAULT_PLAYBOOK.replacen("first_day = 1\n", "first_day = \"one\"\n", 1);
        let e = Playbook::parse(&src, "custom.toml").unwrap_err().to_string();
        assert!(e.starts_with("playbook custom.toml, line "), "{e}");
        assert!(e.contains("column"), "{e}");
        let line: usize = e["playbook custom.toml, line ".len()..]
            .split(',')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(src.lines().nth(line - 1).unwrap(), "first_day = \"one\"");
    }

    #[test]
    fn invalid_playbooks_are_refused_with_reasons() {
        let cases = [
            (
                DEFAULT_PLAYBOOK.replacen("key = \"assessment\"", "key = \"discovery\"", 1),
                "phases must be",
            ),
            (
                DEFAULT_PLAYBOOK.replacen("scale = \"rag\"", "scale = \"nope\"", 1),
                "not declared",
            ),
            (format!("{DEFAULT_PLAYBOOK}\nsurprise = 1\n"), "unknown field"),
            (
                DEFAULT_PLAYBOOK.replacen(
                    "questions = [\n  { key = \"data\", text = \"Data readiness\"",
                    "questions = [\n  { key = \"vendor\", text = \"Vendor\" },\n  { key = \"data\", text = \"Data readiness\"",
                    1,
                ),
                "is not one of the four dimensions",
            ),
            ("= broken".to_string(), "line 1"),
        ];
        for (src, want) in cases {
            let e = Playbook::parse(&src, "x.toml").unwrap_err().to_string();
            assert!(e.contains(want), "{want}: {e}");
        }
    }

    /// Playbook text is untrusted: display text holding control sequences
    /// is sanitised as the file loads, so no screen can show it raw.
    #[test]
    fn playbook_text_is_sanitised_as_it_loads() {
        // TOML escapes, so the parsed strings hold ESC, BEL, CSI and a bidi override.
        let evil = "\\u001b]0;pwned\\u0007\\u009b2J\\u202e";
        let src = DEFAULT_PLAYBOOK
            .replacen("name = \"Assessment\"", &format!("name = \"Assessment{evil}\""), 1)
            .replacen("name = \"Healthcare\"", &format!("name = \"Healthcare{evil}\""), 1)
            .replacen("\"HIPAA\"", &format!("\"HIPAA{evil}\""), 1)
            .replacen("hint = \"Ask every", &format!("hint = \"{evil}Ask every"), 1)
            .replacen(
                "section = \"Capability inventory\"",
                &format!("section = \"Capability{evil} inventory\""),
                1,
            )
            .replacen("label = \"Strong\"", &format!("label = \"Strong{evil}\""), 1)
            .replacen("duty = \"Answers", &format!("duty = \"{evil}Answers"), 1)
            .replacen("red = \"Runs only", &format!("red = \"{evil}Runs only"), 1)
            .replacen(
                "\"Integration completeness: stable",
                &format!("\"{evil}Integration completeness: stable"),
                1,
            );
        let pb = Playbook::parse(&src, "evil.toml").unwrap();
        let shown = "\\u{1b}]0;pwned\\u{7}\\u{9b}2J\\u{202e}";
        let assessment = pb.phase(Phase::Assessment);
        assert_eq!(assessment.name, format!("Assessment{shown}"));
        let health = pb.sector(&Sector::new("healthcare")).unwrap();
        assert_eq!(health.name, format!("Healthcare{shown}"));
        assert_eq!(health.frameworks[0], format!("HIPAA{shown}"));
        let hint = pb.item_hint("as-inventory-all").unwrap();
        assert!(hint.starts_with(shown), "{hint}");
        assert_eq!(pb.checklist[0].section, format!("Capability{shown} inventory"));
        let sel = pb.rubric(SELECTION_RUBRIC).unwrap();
        assert_eq!(sel.bands[2].label, format!("Strong{shown}"));
        assert!(pb.roles[0].duty.starts_with(shown));
        let data = pb.rubric(READINESS_RUBRIC).unwrap().question("data").unwrap();
        assert!(data.guide["red"].starts_with(shown));
        assert!(pb.lenses[0].items[0].starts_with(shown));
        let all = [
            &assessment.name,
            &health.name,
            &health.frameworks[0],
            &pb.checklist[0].section,
            &sel.bands[2].label,
            &pb.roles[0].duty,
            &data.guide["red"],
            &pb.lenses[0].items[0],
        ];
        for s in all {
            assert!(!s.chars().any(crate::text::is_control), "{s:?}");
        }
        assert!(!hint.chars().any(crate::text::is_control));
        // Items copied into a pilot's checklist carry the clean text.
        let items = pb.items();
        assert!(items.iter().all(|i| !i.section.chars().any(crate::text::is_control)));
    }

    #[test]
    fn lenses_belong_to_phases_named_as_the_playbook_names_them() {
        let pb = Playbook::builtin();
        let five = pb.lenses.iter().find(|l| l.key == "five-conditions").unwrap();
        assert!(five.applies_to(Phase::Hardening) && !five.applies_to(Phase::Assessment));
        let bad = DEFAULT_PLAYBOOK.replacen("phases = [\"hardening\"]", "phases = [\"harden\"]", 1);
        let e = Playbook::parse(&bad, "p.toml").unwrap_err().to_string();
        assert!(e.contains("lens 'five-conditions'") && e.contains("harden"), "{e}");
        // No phases: every phase.
        let all = DEFAULT_PLAYBOOK.replacen("phases = [\"hardening\"]\n", "", 1);
        let pb = Playbook::parse(&all, "p.toml").unwrap();
        assert!(Phase::ALL.iter().all(|p| pb.lenses[0].applies_to(*p)));
    }

    /// Keys are typed, stored and matched: one holding a control character
    /// is refused, naming the field and the fix, on one line.
    #[test]
    fn playbook_keys_with_controls_are_refused() {
        let cases = [
            (
                "key = \"as-inventory-all\"",
                "key = \"as-inventory\\u001b[2J-all\"",
                "checklist item key",
            ),
            ("key = \"selection\"", "key = \"selection\\u009b\"", "rubric key"),
            ("key = \"five-conditions\"", "key = \"five\\u202e\"", "lens key"),
        ];
        for (from, to, field) in cases {
            let src = DEFAULT_PLAYBOOK.replacen(from, to, 1);
            assert_ne!(src, DEFAULT_PLAYBOOK, "{from}");
            let e = Playbook::parse(&src, "evil.toml").unwrap_err().to_string();
            assert!(e.starts_with(&format!("playbook evil.toml: {field} '")), "{e}");
            assert!(e.contains("holds a control character"), "{e}");
            assert!(e.ends_with("fix the file or run without --playbook"), "{e}");
            assert!(!e.chars().any(crate::text::is_control), "{e:?}");
            assert_eq!(e.lines().count(), 1, "{e}");
        }
    }

    #[test]
    fn uncommented_example_rubric_parses() {
        let mut src = String::new();
        let mut in_example = false;
        for line in DEFAULT_PLAYBOOK.lines() {
            if line.starts_with("# [scales.points]") {
                in_example = true;
            }
            if in_example && line.starts_with("# ") && !line.starts_with("# -") {
                src.push_str(&line[2..]);
            } else if in_example && line == "#" {
            } else {
                src.push_str(line);
            }
            src.push('\n');
        }
        let pb = Playbook::parse(&src, "example").unwrap();
        assert!(pb.rubric("engineering-maturity").is_some());
    }
}
