//! The realistic demo: eleven pilots across the four sectors and the three
//! phases, drawn from the situations the source documents describe.

use super::{backdate, demo_start, ensure_empty, DemoSummary};
use crate::domain::model::{
    Criterion, ItemState, MetricCategory, MetricFields, NewDecision, Outcome, Phase, PilotFields, Rag, Role, Status,
};
use crate::playbook::{Playbook, READINESS_RUBRIC, SELECTION_QUESTIONS, SELECTION_RUBRIC};
use crate::store::Store;
use crate::Result;
use chrono::{Duration, NaiveDate};

const PEOPLE: &[(&str, &str)] = &[
    ("Amara Okafor", "Chief Medical Information Officer"),
    ("Ben Hartley", "Head of Fraud Strategy"),
    ("Carmen Diaz", "Director, Platform Engineering"),
    ("Dev Patel", "Model Risk Manager"),
    ("Elena Petrova", "Programme Lead, AI"),
    ("Farid Haddad", "Privacy and Compliance Officer"),
    ("Grace Liu", "VP Customer Operations"),
    ("Hiro Tanaka", "Enterprise Architect"),
    ("Isla Murray", "Records Management Lead"),
    ("Jonas Weber", "Service Desk Manager"),
    ("Kofi Mensah", "Chief Information Officer"),
];

/// The programme lead (Elena Petrova), who records the demo's history.
const LEAD: usize = 4;

struct Spec {
    name: &'static str,
    unit: &'static str,
    sector: &'static str,
    phase: Phase,
    status: Status,
    case: &'static str,
    data: &'static str,
    model: &'static str,
    integration: &'static str,
    governance: &'static str,
    /// Earlier and current rating per dimension (data, governance, integration, ownership).
    dims: [(Option<Rag>, Option<Rag>); 4],
    selection: [u8; 5],
    /// Index into PEOPLE per role (product, platform, governance, business).
    owners: [Option<usize>; 4],
    /// Share of the current phase's items done, in tenths.
    progress: usize,
    /// Days since the current ratings were given.
    scored_days_ago: i64,
}

use Rag::{Green as G, Red as R, Yellow as Y};

const SPECS: &[Spec] = &[
    Spec {
        name: "Clinical documentation assistant",
        unit: "Clinical Operations",
        sector: "healthcare",
        phase: Phase::Hardening,
        status: Status::Active,
        case: "Drafts visit notes from dictation so clinicians spend less time on documentation; the pilot handled 50 dictations, production means 500 a day across 30 specialties, three EMR integrations and HIPAA logging.",
        data: "Dictation audio, EMR encounter records (three EMR integrations)",
        model: "Speech-to-text plus LLM summarisation",
        integration: "Three EMR systems, hospital identity provider, audit logging",
        governance: "HIPAA logging in place; clinical validation study under way",
        dims: [(Some(Y), Some(G)), (Some(R), Some(Y)), (Some(R), Some(G)), (Some(Y), Some(G))],
        selection: [5, 4, 4, 4, 4],
        owners: [Some(0), Some(2), Some(5), Some(0)],
        progress: 9,
        scored_days_ago: 6,
    },
    Spec {
        name: "Card fraud detection",
        unit: "Retail Banking",
        sector: "financial",
        phase: Phase::Hardening,
        status: Status::Active,
        case: "Flags fraudulent card transactions in real time; trained on twelve months of cleaned history, it met missing fields, late records and adversarial drift in live traffic.",
        data: "Card authorisations, chargebacks, device fingerprints",
        model: "Gradient-boosted classifier",
        integration: "Fraud orchestration layer, case management",
        governance: "SR 11-7 model documentation drafted; independent validation booked",
        dims: [(Some(R), Some(Y)), (Some(Y), Some(G)), (Some(Y), Some(G)), (Some(G), Some(G))],
        selection: [5, 4, 5, 4, 4],
        owners: [Some(1), Some(2), Some(3), Some(1)],
        progress: 8,
        scored_days_ago: 9,
    },
    Spec {
        name: "IT service desk copilot",
        unit: "Corporate IT",
        sector: "enterprise",
        phase: Phase::Hardening,
        status: Status::Active,
        case: "Suggests resolutions and drafts replies for service desk agents inside the ITSM tool.",
        data: "Ticket history, knowledge base articles",
        model: "Retrieval-augmented LLM",
        integration: "ITSM platform, single sign-on",
        governance: "SOC 2 controls mapped; identity controls reviewed",
        dims: [(Some(G), Some(G)), (Some(Y), Some(G)), (Some(G), Some(G)), (Some(Y), Some(G))],
        selection: [4, 5, 5, 4, 5],
        owners: [Some(9), Some(2), Some(7), Some(6)],
        progress: 10,
        scored_days_ago: 4,
    },
    Spec {
        name: "AML alert triage",
        unit: "Financial Crime Compliance",
        sector: "financial",
        phase: Phase::Hardening,
        status: Status::Stopped,
        case: "Ranks anti-money-laundering alerts so investigators see the riskiest first.",
        data: "Transaction monitoring alerts, customer risk ratings",
        model: "Ranking model",
        integration: "Case management, core banking feeds",
        governance: "Model risk review found lineage gaps",
        dims: [(Some(R), Some(R)), (Some(Y), Some(R)), (Some(Y), Some(Y)), (Some(R), Some(Y))],
        selection: [4, 2, 3, 3, 2],
        owners: [Some(1), None, Some(3), Some(1)],
        progress: 3,
        scored_days_ago: 12,
    },
    Spec {
        name: "Federal records review",
        unit: "Office of the CIO",
        sector: "government",
        phase: Phase::Scaffolding,
        status: Status::Active,
        case: "Pre-screens records for release, marking likely exemptions for a human reviewer; the pilot cleared 200 redacted documents in 48 hours, production means 20,000 a quarter with NIST AI RMF documentation.",
        data: "Scanned records, past release decisions",
        model: "Document classifier plus LLM extraction",
        integration: "Records management system, agency identity service",
        governance: "NIST AI RMF mapping started; authority to operate not yet requested",
        dims: [(Some(Y), Some(Y)), (Some(R), Some(Y)), (Some(R), Some(R)), (Some(Y), Some(Y))],
        selection: [5, 4, 3, 4, 4],
        owners: [Some(8), Some(7), None, Some(10)],
        progress: 4,
        scored_days_ago: 35,
    },
    Spec {
        name: "Agentic customer support",
        unit: "Customer Operations",
        sector: "enterprise",
        phase: Phase::Scaffolding,
        status: Status::Active,
        case: "An agent that resolves routine account requests end to end, handing off to people when unsure; it worked on 100 hand-picked tickets, production means the identity system, an audit pipeline and the SOC 2 perimeter.",
        data: "Support transcripts, account APIs, policy pages",
        model: "Tool-using LLM agent",
        integration: "CRM, billing API, telephony, identity provider",
        governance: "Prompt-injection testing not started; escalation rules in draft",
        dims: [(Some(Y), Some(Y)), (Some(R), Some(R)), (Some(Y), Some(Y)), (Some(R), Some(Y))],
        selection: [5, 4, 3, 3, 3],
        owners: [Some(6), None, None, Some(6)],
        progress: 3,
        scored_days_ago: 20,
    },
    Spec {
        name: "Prior authorisation assistant",
        unit: "Revenue Cycle",
        sector: "healthcare",
        phase: Phase::Scaffolding,
        status: Status::Active,
        case: "Assembles prior-authorisation packets from the chart so staff submit complete requests first time.",
        data: "EMR notes, payer rules",
        model: "LLM extraction with rules",
        integration: "EMR, payer portals",
        governance: "HIPAA review done; clinical sign-off pending",
        dims: [(Some(Y), Some(G)), (Some(Y), Some(Y)), (Some(R), Some(Y)), (Some(Y), Some(G))],
        selection: [4, 4, 4, 4, 3],
        owners: [Some(0), Some(2), Some(5), None],
        progress: 5,
        scored_days_ago: 15,
    },
    Spec {
        name: "Benefits eligibility chatbot",
        unit: "Citizen Services",
        sector: "government",
        phase: Phase::Assessment,
        status: Status::Proposed,
        case: "Answers residents' questions about benefit eligibility in plain language, in several languages.",
        data: "Programme rules, FAQ content",
        model: "Retrieval-augmented LLM",
        integration: "Public website, case system (read-only)",
        governance: "No AI RMF mapping yet",
        dims: [(None, Some(Y)), (None, Some(R)), (None, Some(Y)), (None, None)],
        selection: [4, 3, 4, 2, 3],
        owners: [Some(4), None, None, None],
        progress: 5,
        scored_days_ago: 25,
    },
    Spec {
        name: "KYC document extraction",
        unit: "Onboarding",
        sector: "financial",
        phase: Phase::Assessment,
        status: Status::Active,
        case: "Reads identity and address documents at onboarding and pre-fills the KYC file.",
        data: "Uploaded ID documents, onboarding forms",
        model: "Vision-language model",
        integration: "Onboarding portal, KYC platform",
        governance: "SR 11-7 applicability being assessed",
        dims: [(None, Some(Y)), (None, Some(Y)), (None, Some(G)), (None, Some(Y))],
        selection: [4, 4, 4, 4, 4],
        owners: [Some(1), Some(2), None, Some(1)],
        progress: 10,
        scored_days_ago: 18,
    },
    Spec {
        name: "Contract clause review",
        unit: "Legal",
        sector: "enterprise",
        phase: Phase::Assessment,
        status: Status::Active,
        case: "Compares supplier contracts with the clause playbook and flags deviations for counsel.",
        data: "Executed contracts, clause library",
        model: "LLM with retrieval",
        integration: "Contract management system",
        governance: "ISO 42001 scoping not started",
        dims: [(None, Some(G)), (None, Some(Y)), (None, Some(Y)), (None, Some(Y))],
        selection: [3, 4, 4, 3, 3],
        owners: [None, Some(7), None, None],
        progress: 4,
        scored_days_ago: 40,
    },
    Spec {
        name: "Permit application summariser",
        unit: "Planning Department",
        sector: "government",
        phase: Phase::Assessment,
        status: Status::Proposed,
        case: "Summarises planning applications and flags missing documents before an officer picks them up.",
        data: "Application PDFs, planning policy",
        model: "LLM summarisation",
        integration: "Planning portal",
        governance: "Not assessed",
        dims: [(None, None), (None, None), (None, Some(Y)), (None, None)],
        selection: [3, 3, 4, 3, 2],
        owners: [None, None, None, None],
        progress: 2,
        scored_days_ago: 10,
    },
];

/// The pilots the programme lead shortlisted in Assessment (a third seat
/// is still open).
const SHORTLIST: [&str; 2] = ["KYC document extraction", "Contract clause review"];

/// A pilot's revision inside the demo's transaction.
fn tx_revision(tx: &crate::store::Tx<'_>, id: i64) -> Result<i64> {
    tx.conn()
        .query_row("SELECT revision FROM pilots WHERE id = ?1", [id], |r| r.get(0))
        .map_err(|e| crate::Error::Storage(e.to_string()))
}

/// A score's rationale, in words of its dimension and pilot.
fn rationale(spec: &Spec, dim: &str, r: Rag) -> String {
    let what = match dim {
        "data" => format!("data ({})", spec.data),
        "governance" => format!("governance ({})", spec.governance),
        "integration" => format!("integration ({})", spec.integration),
        _ => "ownership of the running service".to_string(),
    };
    match r {
        Rag::Red => format!("Major gap in {what}: no plan or owner for closing it yet"),
        Rag::Yellow => format!("Gap in {what} understood; a plan is agreed and work is under way"),
        Rag::Green => format!("Evidence for {what} reviewed with its owner; holds for production use"),
    }
}

/// Load the realistic demo into an empty database; day 1 is set so that
/// `today` is day 45.
pub fn load_realistic(store: &mut Store, playbook: &Playbook, today: NaiveDate) -> Result<DemoSummary> {
    ensure_empty(store)?;
    let start = demo_start(today);
    let items = playbook.items();
    let readiness = playbook.find_rubric(READINESS_RUBRIC)?.clone();
    let rag_scale = playbook.scale_of(&readiness).clone();
    let selection = playbook.find_rubric(SELECTION_RUBRIC)?.clone();
    let sel_scale = playbook.scale_of(&selection).clone();
    let day = crate::domain::calendar::programme_day(start, today);
    let mut decisions = 0;
    let programme_rev = store.programme()?.revision;
    // The history is the demo programme's own: its lead recorded it, not the
    // account that loaded the demo.
    let loader = store.actor().to_string();
    store.set_actor(PEOPLE[LEAD].0);
    let written = store.write(|tx| {
        backdate(tx, today, 50);
        tx.set_programme("Enterprise AI pilots to production", start, programme_rev)?;
        let mut people = Vec::new();
        for (name, title) in PEOPLE {
            people.push(tx.add_person(name, title)?);
        }
        super::programme_work(tx, playbook, today, people[LEAD], SPECS.len())?;
        for spec in SPECS {
            backdate(tx, today, 44);
            let id = tx.add_pilot(
                &PilotFields {
                    name: spec.name.into(),
                    business_unit: spec.unit.into(),
                    sector: Some(playbook.sector_key(spec.sector)?),
                    business_case: spec.case.into(),
                    data_sources: spec.data.into(),
                    model_class: spec.model.into(),
                    integration_footprint: spec.integration.into(),
                    governance_posture: spec.governance.into(),
                    // A stopped pilot is stopped by its no-go decision below.
                    status: Some(if spec.status == Status::Stopped {
                        Status::Active
                    } else {
                        spec.status
                    }),
                },
                &items,
            )?;
            backdate(tx, today, 40);
            for (q, v) in SELECTION_QUESTIONS.iter().zip(spec.selection) {
                let why = format!("Assessment workshop on {}: {}", spec.name, spec.case);
                tx.add_score(id, &selection, &sel_scale, q, &v.to_string(), &why)?;
            }
            for (dim, (early, _)) in readiness.sections[0].questions.iter().zip(spec.dims) {
                if let Some(r) = early {
                    tx.add_score(
                        id,
                        &readiness,
                        &rag_scale,
                        &dim.key,
                        r.key(),
                        &rationale(spec, &dim.key, r),
                    )?;
                }
            }
            backdate(tx, today, spec.scored_days_ago);
            // The current ratings, given (or confirmed) at the latest review.
            for (dim, (_, now)) in readiness.sections[0].questions.iter().zip(spec.dims) {
                if let Some(r) = now {
                    tx.add_score(
                        id,
                        &readiness,
                        &rag_scale,
                        &dim.key,
                        r.key(),
                        &rationale(spec, &dim.key, r),
                    )?;
                }
            }
            backdate(tx, today, 30);
            for (role, who) in Role::ALL.iter().zip(spec.owners) {
                if let Some(p) = who {
                    tx.assign_owner(id, *role, people[p], None)?;
                }
            }
            assign_rights(tx, playbook, today, id, spec, &people)?;
            record_vendor(tx, playbook, today, id, spec)?;
            // Checklist progress: earlier phases mostly closed, the current
            // one `progress` tenths done, one item in progress, one blocked.
            backdate(tx, today, 3);
            let checklist: Vec<_> = items.iter().enumerate().collect();
            let current: Vec<usize> = checklist
                .iter()
                .filter(|(_, t)| t.phase == spec.phase)
                .map(|(i, _)| *i)
                .collect();
            let done_upto = current.len() * spec.progress / 10;
            let rows = tx_items(tx, id)?;
            for (pos, (item_id, rev, _)) in rows.iter().enumerate() {
                let tmpl = &items[pos];
                let state = if tmpl.phase < spec.phase {
                    if pos % 7 == 3 {
                        ItemState::Na
                    } else if (pos + spec.name.len()) % 9 == 4 && spec.progress < 6 {
                        ItemState::Todo // a straggler from an earlier phase: overdue
                    } else {
                        ItemState::Done
                    }
                } else if tmpl.phase == spec.phase {
                    let k = current.iter().position(|c| *c == pos).unwrap_or(0);
                    if k < done_upto {
                        ItemState::Done
                    } else if k == done_upto {
                        ItemState::Doing
                    } else if k == done_upto + 2 && spec.progress < 8 {
                        ItemState::Blocked
                    } else {
                        ItemState::Todo
                    }
                } else {
                    ItemState::Todo
                };
                let mut rev = *rev;
                if state == ItemState::Na {
                    // Not applicable only with a reason, written first.
                    let reason = format!(
                        "Not applicable to {}: {} already covers it, confirmed at the phase review",
                        spec.name, spec.unit
                    );
                    tx.set_item_note(*item_id, rev, &reason)?;
                    rev += 1;
                }
                if state != ItemState::Todo {
                    tx.set_item_state(*item_id, rev, state)?;
                    rev += 1;
                }
                let owner_role = pos % 4;
                let owner = spec.owners[owner_role].filter(|_| tmpl.phase <= spec.phase && tmpl.due_day <= day + 14);
                if let Some(p) = owner {
                    tx.set_item_owner(*item_id, rev, Some(people[p]))?;
                    rev += 1;
                }
                // Work of earlier phases was checked at their gate; in the
                // current phase a few items were ticked without evidence
                // (unless the pilot is done), and the gates say so.
                let evidenced = tmpl.phase < spec.phase || spec.progress == 10 || pos % 5 != 2;
                if state == ItemState::Done && evidenced {
                    let by = owner.map_or("the programme office", |p| PEOPLE[p].0);
                    let note = format!(
                        "Evidence: {} for {}, checked by {} ({} folder)",
                        tmpl.section.to_lowercase(),
                        spec.name,
                        by,
                        spec.unit
                    );
                    tx.set_item_note(*item_id, rev, &note)?;
                }
            }
            for m in metrics_for(spec) {
                tx.add_metric(id, &m)?;
            }
            if SHORTLIST.contains(&spec.name) {
                backdate(tx, today, 16);
                let rev = tx_revision(tx, id)?;
                tx.set_shortlisted(playbook, id, rev, true, None)?;
            }
            decisions += walk_gates(tx, playbook, today, id, spec, &people)?;
            decisions += decide(tx, playbook, today, id, spec, &people)?;
        }
        Ok(())
    });
    store.set_actor(&loader);
    written?;
    Ok(DemoSummary {
        pilots: SPECS.len(),
        people: PEOPLE.len(),
        decisions,
        start_date: start.to_string(),
    })
}

fn tx_items(tx: &crate::store::Tx<'_>, pilot_id: i64) -> Result<Vec<(i64, i64, i64)>> {
    tx.item_ids(pilot_id)
}

fn metrics_for(spec: &Spec) -> Vec<MetricFields> {
    let m = |category, name: &str, unit: &str, hib, b, min, t, s, cur| MetricFields {
        category: Some(category),
        name: name.into(),
        unit: unit.into(),
        higher_is_better: hib,
        baseline: Some(b),
        minimum: Some(min),
        target: Some(t),
        stretch: Some(s),
        current: cur,
        scorecard: false,
    };
    match spec.name {
        "Clinical documentation assistant" => vec![
            m(
                MetricCategory::new("performance"),
                "Note accuracy (clinician-rated)",
                "%",
                true,
                0.0,
                90.0,
                95.0,
                98.0,
                Some(93.5),
            ),
            m(
                MetricCategory::new("business"),
                "Documentation time per visit",
                "min",
                false,
                16.0,
                12.0,
                9.0,
                7.0,
                Some(10.5),
            ),
            m(
                MetricCategory::new("user"),
                "Clinicians using it weekly",
                "%",
                true,
                0.0,
                40.0,
                60.0,
                80.0,
                Some(52.0),
            ),
            m(
                MetricCategory::new("operational"),
                "p95 draft latency",
                "s",
                false,
                0.0,
                30.0,
                15.0,
                8.0,
                Some(12.0),
            ),
        ],
        "Card fraud detection" => vec![
            m(
                MetricCategory::new("performance"),
                "Fraud caught at 1% alert rate",
                "%",
                true,
                55.0,
                65.0,
                72.0,
                80.0,
                Some(68.0),
            ),
            m(
                MetricCategory::new("business"),
                "Fraud losses avoided per month",
                "k$",
                true,
                0.0,
                150.0,
                300.0,
                450.0,
                Some(210.0),
            ),
            m(
                MetricCategory::new("operational"),
                "Scoring latency p99",
                "ms",
                false,
                0.0,
                120.0,
                80.0,
                50.0,
                Some(95.0),
            ),
        ],
        "IT service desk copilot" => vec![
            m(
                MetricCategory::new("performance"),
                "Suggested answer accepted",
                "%",
                true,
                0.0,
                35.0,
                50.0,
                65.0,
                Some(57.0),
            ),
            m(
                MetricCategory::new("business"),
                "Mean time to resolve",
                "h",
                false,
                9.0,
                8.0,
                6.5,
                5.0,
                Some(6.1),
            ),
            m(
                MetricCategory::new("user"),
                "Agent satisfaction",
                "/5",
                true,
                3.1,
                3.5,
                4.0,
                4.5,
                Some(4.2),
            ),
            m(
                MetricCategory::new("operational"),
                "Time to detect a drop in answer quality",
                "h",
                false,
                72.0,
                24.0,
                8.0,
                2.0,
                Some(6.0),
            ),
        ],
        "AML alert triage" => vec![m(
            MetricCategory::new("performance"),
            "True positives in top decile",
            "%",
            true,
            22.0,
            35.0,
            45.0,
            55.0,
            Some(29.0),
        )],
        "Federal records review" => vec![
            m(
                MetricCategory::new("performance"),
                "Exemption recall",
                "%",
                true,
                0.0,
                95.0,
                98.0,
                99.5,
                Some(91.0),
            ),
            m(
                MetricCategory::new("business"),
                "Backlog cleared per month",
                "records",
                true,
                1200.0,
                2000.0,
                3000.0,
                4000.0,
                None,
            ),
        ],
        "Agentic customer support" => vec![
            m(
                MetricCategory::new("performance"),
                "Requests resolved without hand-off",
                "%",
                true,
                0.0,
                30.0,
                45.0,
                60.0,
                Some(24.0),
            ),
            m(
                MetricCategory::new("operational"),
                "Cost per resolved request",
                "$",
                false,
                4.2,
                3.0,
                2.0,
                1.2,
                Some(2.7),
            ),
        ],
        "KYC document extraction" => vec![m(
            MetricCategory::new("business"),
            "Minutes of analyst time per KYC file (lower is better)",
            "min",
            false,
            42.0,
            30.0,
            20.0,
            12.0,
            None,
        )],
        _ => vec![],
    }
}

/// Who holds each built-in decision right (by owner role) and the
/// threshold they hold it under: pilots in Hardening settled them all
/// before their Scaffolding gate; a pilot well into Scaffolding has
/// settled the first few.
const RIGHTS: &[(&str, Role, &str)] = &[
    (
        "promote",
        Role::Business,
        "only after the production gate passes with every must-meet criterion met",
    ),
    (
        "deploy-change",
        Role::Platform,
        "prompt and configuration changes once the evaluation suite passes",
    ),
    (
        "approve-retraining",
        Role::Product,
        "when accuracy on the monthly sample falls below minimum viable",
    ),
    (
        "rollback",
        Role::Platform,
        "at once when the error rate doubles or a harmful output is confirmed",
    ),
    (
        "act-on-output",
        Role::Product,
        "case handlers act under the approval limit; above it a supervisor decides",
    ),
    (
        "override-output",
        Role::Governance,
        "any reviewer, with a recorded reason that feeds the next evaluation",
    ),
    (
        "accountable",
        Role::Business,
        "answers for the outcome to the customer and the committee",
    ),
];

/// Who builds each pilot past Assessment, and the vendor asks in hand: a
/// vendor with all three asks, a vendor with some, or in-house with why.
/// (pilot, vendor or `None` for in-house, asks in hand with their
/// evidence, the in-house reason)
type VendorSpec = (
    &'static str,
    Option<&'static str>,
    &'static [(&'static str, &'static str)],
    &'static str,
);

const VENDORS: &[VendorSpec] = &[
    (
        "Clinical documentation assistant",
        Some("Scribe Health Systems"),
        &[
            (
                "reference-call",
                "Call with a regional hospital group live on it for a year, notes in the vendor folder",
            ),
            (
                "integration-architecture",
                "Architecture mapped to our EMR, SSO and audit logging, reviewed by platform",
            ),
            (
                "production-sla",
                "SLA signed: word error rate under 5%, credits and a fix plan within 10 days when breached",
            ),
        ],
        "",
    ),
    (
        "Card fraud detection",
        None,
        &[],
        "Model built and run by the fraud analytics team on our own transaction platform",
    ),
    (
        "IT service desk copilot",
        Some("Helpline AI"),
        &[
            (
                "reference-call",
                "Call with a logistics firm that took it to production",
            ),
            (
                "integration-architecture",
                "Written design against our ticketing, identity and knowledge base",
            ),
            (
                "production-sla",
                "SLA with a deflection-quality threshold and a monthly review",
            ),
        ],
        "",
    ),
    (
        "Agentic customer support",
        Some("Conversa Labs"),
        &[(
            "reference-call",
            "Call with a telecom customer; they run it in production for billing questions",
        )],
        "",
    ),
    (
        "Prior authorisation assistant",
        None,
        &[],
        "Built in-house on the revenue cycle team's document pipeline",
    ),
];

fn record_vendor(
    tx: &mut crate::store::Tx<'_>,
    pb: &Playbook,
    today: NaiveDate,
    pilot: i64,
    spec: &Spec,
) -> Result<()> {
    let Some((_, vendor, asks, reason)) = VENDORS.iter().find(|v| v.0 == spec.name) else {
        return Ok(());
    };
    backdate(tx, today, 22);
    let choice = match vendor {
        Some(name) => crate::domain::model::VendorChoice::Vendor { name: name.to_string() },
        None => crate::domain::model::VendorChoice::InHouse {
            reason: reason.to_string(),
        },
    };
    tx.set_vendor(pilot, &choice, None)?;
    for (key, evidence) in asks.iter() {
        if let Some(def) = pb.vendor_ask(key) {
            tx.set_vendor_ask(pilot, &def.key, &def.name, evidence, None)?;
        }
    }
    Ok(())
}

fn assign_rights(
    tx: &mut crate::store::Tx<'_>,
    pb: &Playbook,
    today: NaiveDate,
    pilot: i64,
    spec: &Spec,
    people: &[i64],
) -> Result<()> {
    let how_many = match spec.phase {
        Phase::Hardening => RIGHTS.len(),
        Phase::Scaffolding if spec.progress >= 5 => 4,
        _ => 0,
    };
    backdate(tx, today, 20);
    for (key, role, threshold) in RIGHTS.iter().take(how_many) {
        let (Some(def), Some(p)) = (pb.right(key), spec.owners[role.index()]) else {
            continue;
        };
        tx.assign_right(pilot, key, &def.name, people[p], threshold, None)?;
    }
    Ok(())
}

/// The gate decisions that brought a pilot to its phase: a go at each
/// earlier gate, dated before today, judged on the pilot's facts by the
/// real rule (an override where the demo's history moved on without all
/// the evidence).
fn walk_gates(
    tx: &mut crate::store::Tx<'_>,
    pb: &Playbook,
    today: NaiveDate,
    pilot: i64,
    spec: &Spec,
    people: &[i64],
) -> Result<usize> {
    let mut n = 0;
    for gate in Phase::ALL.iter().filter(|g| **g < spec.phase) {
        // Assessment gates 30 days ago (day 15), Scaffolding 16 (day 29).
        let ago = if *gate == Phase::Assessment { 30 } else { 16 };
        backdate(tx, today, ago);
        let open: Vec<String> = tx
            .judge(pb, pilot)?
            .current
            .map(|g| g.blockers().map(|c| c.label.to_lowercase()).collect())
            .unwrap_or_default();
        let next = gate.next().map_or("production", |p| p.label());
        let rationale = if !open.is_empty() {
            format!(
                "{}: the sponsor wants the work to go on into {next} while this stays open: {}. Accepted as a known risk.",
                spec.name,
                open.join("; ")
            )
        } else {
            match gate {
                Phase::Assessment => format!(
                    "{}: {} The case is clear and the scorecard agreed, so it moves on to Scaffolding.",
                    spec.name, spec.case
                ),
                _ => format!(
                    "{}: governance posture ({}) and the integration design ({}) are in place; on to Hardening.",
                    spec.name, spec.governance, spec.integration
                ),
            }
        };
        super::record(
            tx,
            pb,
            pilot,
            NewDecision {
                outcome: Some(Outcome::Go),
                rationale,
                decided_by: people[10],
                decided_on: (today - Duration::days(ago)).to_string(),
                communicated: true,
                ..NewDecision::default()
            },
        )?;
        n += 1;
    }
    Ok(n)
}

fn decide(
    tx: &mut crate::store::Tx<'_>,
    pb: &Playbook,
    today: NaiveDate,
    pilot: i64,
    spec: &Spec,
    people: &[i64],
) -> Result<usize> {
    let date = |ago: i64| (today - Duration::days(ago)).to_string();
    let crit = |pairs: &[(&str, bool)]| -> Vec<Criterion> {
        pairs
            .iter()
            .map(|(c, m)| Criterion {
                criterion: (*c).into(),
                met: *m,
                need: None,
            })
            .collect()
    };
    let cio = people[10];
    let mut n = 0;
    let mut record = |tx: &mut crate::store::Tx<'_>, ago: i64, d: NewDecision| -> Result<()> {
        backdate(tx, today, ago);
        super::record(tx, pb, pilot, d)?;
        n += 1;
        Ok(())
    };
    match spec.name {
        "IT service desk copilot" => {
            record(
                tx,
                12,
                NewDecision {
                    outcome: Some(Outcome::Defer),
                    criteria: crit(&[
                        ("Accepted-answer rate at or above target", false),
                        ("Rollback plan tested", false),
                        ("Four owners named", true),
                    ]),
                    rationale: "Acceptance is below target and rollback has not been rehearsed; revisit in two weeks."
                        .into(),
                    decided_by: cio,
                    decided_on: date(12),
                    stop_conditions: "Stop if acceptance stays under 35% for four weeks.".into(),
                    communicated: true,
                    ..NewDecision::default()
                },
            )?;
            record(tx, 2, NewDecision {
                outcome: Some(Outcome::Go),
                criteria: crit(&[("Accepted-answer rate at or above target", true), ("Rollback plan tested", true), ("Four owners named", true), ("Monitoring with alert thresholds live", true)]),
                rationale: "Targets met for three weeks running; rollback rehearsed; on-call rota agreed with the service desk.".into(),
                decided_by: cio,
                decided_on: date(2),
                stop_conditions: "Roll back if suggestion acceptance drops under 35% or a data leak is confirmed.".into(),
                communicated: false,
                    ..NewDecision::default()
            })?;
        }
        "AML alert triage" => {
            record(tx, 8, NewDecision {
                outcome: Some(Outcome::NoGo),
                criteria: crit(&[("Lineage of training data documented", false), ("True positives above minimum viable", false), ("Platform owner named", false)]),
                rationale: "Data lineage cannot be evidenced for model risk and lift is below the minimum viable level; stopping cleanly frees the team for fraud work.".into(),
                decided_by: people[3],
                decided_on: date(8),
                stop_conditions: String::new(),
                communicated: true,
                    ..NewDecision::default()
            })?;
        }
        "Card fraud detection" => {
            record(tx, 5, NewDecision {
                outcome: Some(Outcome::Pivot),
                criteria: crit(&[("Catch rate at target on live traffic", false), ("Independent validation complete", false), ("Latency within budget", true)]),
                rationale: "Shadow mode shows drift on live traffic; retrain on recent data with drift monitoring before a new review.".into(),
                decided_by: people[3],
                decided_on: date(5),
                stop_conditions: "No-go if the retrained model misses the minimum viable catch rate.".into(),
                communicated: false,
                    ..NewDecision::default()
            })?;
        }
        "Benefits eligibility chatbot" => {
            record(
                tx,
                20,
                NewDecision {
                    outcome: Some(Outcome::Defer),
                    criteria: crit(&[("Team readiness scored 3 or more", false)]),
                    rationale: "No team to run it yet; revisit after the citizen services reorganisation.".into(),
                    decided_by: people[4],
                    decided_on: date(20),
                    stop_conditions: "Drop from the portfolio if no owner is found by day 60.".into(),
                    communicated: true,
                    ..NewDecision::default()
                },
            )?;
        }
        _ => {}
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::readiness::Verdict;

    #[test]
    fn realistic_demo_is_believable() {
        let pb = Playbook::builtin();
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let mut s = Store::open_in_memory_with_clock("demo", crate::clock::Clock::fixed(today)).unwrap();
        let sum = load_realistic(&mut s, &pb, today).unwrap();
        assert!((8..=12).contains(&sum.pilots));
        let rows = s.portfolio(&pb, 45).unwrap();
        for p in Phase::ALL {
            assert!(rows.iter().any(|r| r.phase == *p), "no pilot in {p}");
        }
        for sec in &pb.sectors {
            assert!(
                rows.iter().any(|r| r.sector.key() == sec.key),
                "no pilot in {}",
                sec.key
            );
        }
        assert!(rows.iter().any(|r| r.verdict == Some(Verdict::NotReady)));
        assert!(rows.iter().any(|r| r.overdue > 0));
        assert!(rows.iter().any(|r| r.items_done > 0));
        let decisions = s.decisions(&Default::default()).unwrap();
        assert_eq!(decisions.len(), sum.decisions);
        // Credited to the demo's own people, not to the loading account.
        let others: i64 = s
            .conn()
            .query_row(
                // (The new file's programme row is recorded by its opener.)
                "SELECT count(*) FROM audit_events WHERE actor <> 'Elena Petrova'
                 AND NOT (entity = 'programme' AND field = 'created')",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(others, 0);
        assert_eq!(s.actor(), "demo", "the loader's name is back");
        // Every pilot past Assessment passed each earlier gate by a decision
        // dated before today.
        for r in rows.iter().filter(|r| r.phase > Phase::Assessment) {
            for gate in Phase::ALL.iter().filter(|g| **g < r.phase) {
                assert!(
                    decisions.iter().any(|d| d.pilot_id == r.id
                        && d.gate == Some(*gate)
                        && d.outcome == Outcome::Go
                        && d.decided_on < today.to_string()),
                    "{} has no go at the {gate} gate",
                    r.name
                );
            }
        }
        // Rationales are the pilots' own: no two decisions share one.
        let mut why: Vec<&str> = decisions.iter().map(|d| d.rationale.as_str()).collect();
        why.sort_unstable();
        why.dedup();
        assert_eq!(why.len(), decisions.len(), "a rationale repeats");
        assert!(decisions.iter().any(|d| d.superseded_by.is_some()));
        assert_eq!(s.programme().unwrap().start_date, demo_start(today));
        assert!(
            load_realistic(&mut s, &pb, today).is_err(),
            "a second load must be refused"
        );
        let chains = crate::store::verify_chains(&s).unwrap();
        assert!(chains.iter().all(|c| c.broken_at.is_none()));
    }
}
