//! The rules of a deploy that went wrong: the production deploy, the
//! post-deploy verifications and the production smoke tests (a failure
//! switches on the rollback and incident playbook), and the playbook's own
//! items: an incident recorded, the on-call told, a decision (rolled back
//! or fixed forward), the root cause triaged, action items captured with
//! owners and dates, and customers told when a release they could see was
//! withdrawn.

use crate::domain::input::{Answer, Check, Environment, TestStatus};
use crate::domain::model::Decision;

use super::{Cx, Found, Status};

pub(super) fn production_deploy(cx: &Cx<'_>) -> Vec<Found> {
    let d = &cx.f.meta.deployment;
    let (st, reason) = match (
        d.pipeline.as_deref(),
        d.production.as_ref().map(|p| (p.answer(), p)),
    ) {
        (None, _) => (Status::NotMet, "no deployment pipeline named".to_string()),
        (Some(_), Some((Answer::Yes, p))) => (
            Status::Met,
            format!("deployed: {}", p.evidence().unwrap_or("yes")),
        ),
        (Some(p), Some((Answer::No, c))) => (Status::NotMet, failed_deploy(p, c)),
        (Some(p), _) => (
            Status::NotMet,
            format!("not deployed to production yet (pipeline {p})"),
        ),
    };
    let failed = d
        .production
        .as_ref()
        .is_some_and(|p| p.answer() == Answer::No);
    let found = Found::new(
        st,
        reason,
        cx.hint("deployment.production", "production: deployed"),
    );
    vec![if failed { found.failed() } else { found }]
}

fn failed_deploy(pipeline: &str, c: &Check) -> String {
    match c {
        Check::Text(t)
            if t.to_ascii_lowercase().contains("roll")
                || t.to_ascii_lowercase().contains("revert") =>
        {
            format!("production deploy through {pipeline} was rolled back ({t})")
        }
        _ => format!("production deploy through {pipeline} failed"),
    }
}

pub(super) fn verifications(cx: &Cx<'_>) -> Vec<Found> {
    let list = &cx.f.meta.deployment.verifications;
    let with = |status: TestStatus, yes: bool| -> Vec<&str> {
        list.iter()
            .filter(|v| (v.status() == status) == yes)
            .map(|v| v.name())
            .collect()
    };
    let pending = with(TestStatus::Passed, false);
    let failed = with(TestStatus::Failed, true);
    let (st, reason) = if !failed.is_empty() {
        (Status::NotMet, format!("failed: {}", failed.join(", ")))
    } else if list.is_empty() {
        (
            Status::NotMet,
            "no post-deploy verifications listed".to_string(),
        )
    } else if pending.is_empty() {
        (
            Status::Met,
            format!("{} verification(s) passed", list.len()),
        )
    } else {
        (
            Status::NotMet,
            format!("not passed yet: {}", pending.join(", ")),
        )
    };
    let hint = cx.hint(
        "deployment.verifications",
        "- { name: Health checks green for 30 minutes, status: passed }",
    );
    let found = Found::new(st, reason, hint);
    vec![if failed.is_empty() {
        found
    } else {
        found.failed()
    }]
}

pub(super) fn production_smoke_tests(cx: &Cx<'_>) -> Vec<Found> {
    let prod: Vec<_> =
        cx.f.meta
            .smoke_tests
            .iter()
            .filter(|t| t.env == Environment::Production)
            .collect();
    let named = |keep: &dyn Fn(TestStatus) -> bool| -> Vec<&str> {
        prod.iter()
            .filter(|t| keep(t.status))
            .map(|t| t.name.as_str())
            .collect()
    };
    let not_passed = named(&|s| s != TestStatus::Passed);
    let failed = named(&|s| s == TestStatus::Failed);
    let (st, reason) = if !failed.is_empty() {
        (
            Status::NotMet,
            format!("failed in production: {}", failed.join(", ")),
        )
    } else if prod.is_empty() {
        (
            Status::NotMet,
            "no smoke test results from production".to_string(),
        )
    } else if not_passed.is_empty() {
        (
            Status::Met,
            format!("{} smoke test(s) passed in production", prod.len()),
        )
    } else {
        (
            Status::NotMet,
            format!("not passed in production: {}", not_passed.join(", ")),
        )
    };
    let hint = cx.hint(
        "smoke_tests",
        "- { name: Log in, status: passed, env: production }",
    );
    let found = Found::new(st, reason, hint);
    vec![if failed.is_empty() {
        found
    } else {
        found.failed()
    }]
}

/// The playbook's hint for an incident field: record the incident first,
/// else fill in the field in its file.
fn incident_hint(cx: &Cx<'_>, field: &str, example: &str) -> Option<String> {
    let f = cx.f;
    Some(if f.incidents.is_empty() {
        format!(
            "record the incident first: `relnotes incident new --release {}`",
            f.version
        )
    } else {
        let files: Vec<&str> = f.incidents.iter().map(|i| i.path.as_str()).collect();
        format!(
            "{}: set `{field}` (for example `{example}`)",
            files.join(", ")
        )
    })
}

fn no_incident() -> (Status, String) {
    (Status::NotMet, "no incident recorded".to_string())
}

pub(super) fn incident_opened(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let (st, reason) = if f.incidents.is_empty() {
        (
            Status::NotMet,
            "no incident recorded for this release".to_string(),
        )
    } else {
        let list: Vec<String> = f
            .incidents
            .iter()
            .map(|i| {
                let severity = format!("{:?}", i.severity).to_lowercase();
                format!("{}: {} ({severity} severity)", i.id, i.title)
            })
            .collect();
        (Status::Met, list.join("; "))
    };
    let hint = format!(
        "run `relnotes incident new --release {}` and fill in what happened",
        f.version
    );
    vec![Found::new(st, reason, Some(hint))]
}

pub(super) fn on_call_notified(cx: &Cx<'_>) -> Vec<Found> {
    let incidents = cx.f.incidents;
    let missing: Vec<&str> = incidents
        .iter()
        .filter(|i| i.on_call.is_none() || i.notified_at.is_none())
        .map(|i| i.id.as_str())
        .collect();
    let (st, reason) = if incidents.is_empty() {
        no_incident()
    } else if missing.is_empty() {
        let list: Vec<String> = incidents
            .iter()
            .map(|i| {
                format!(
                    "{} notified at {}",
                    i.on_call.as_deref().unwrap_or(""),
                    i.notified_at.as_deref().unwrap_or("")
                )
            })
            .collect();
        (Status::Met, list.join("; "))
    } else {
        (
            Status::NotMet,
            format!(
                "who was on call and when they were told is not recorded in {}",
                missing.join(", ")
            ),
        )
    };
    let hint = incident_hint(
        cx,
        "on_call",
        "on_call: { who: Dana Reyes, notified_at: 2026-04-22T09:10:00Z }",
    );
    vec![Found::new(st, reason, hint)]
}

pub(super) fn incident_decision(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let decided: Vec<String> = f
        .incidents
        .iter()
        .filter(|i| i.decision != Decision::Undecided)
        .map(|i| format!("{}: {}", i.id, i.decision.text()))
        .collect();
    let (st, reason) = if decided.is_empty() {
        (
            Status::NotMet,
            "neither a rollback nor a fix-forward hotfix is recorded".to_string(),
        )
    } else {
        (Status::Met, decided.join("; "))
    };
    let example = match f.last_known_good {
        Some(v) => {
            format!("rollback: {{ to: {v}, at: 2026-04-22T09:40:00Z }}` or `fixed_by: 2.0.1")
        }
        None => "fixed_by: 2.0.1".to_string(),
    };
    let hint = incident_hint(cx, "rollback", &example);
    vec![Found::new(st, reason, hint)]
}

pub(super) fn root_cause(cx: &Cx<'_>) -> Vec<Found> {
    let incidents = cx.f.incidents;
    let untriaged: Vec<&str> = incidents
        .iter()
        .filter(|i| i.root_cause.is_none())
        .map(|i| i.id.as_str())
        .collect();
    let (st, reason) = if incidents.is_empty() {
        no_incident()
    } else if untriaged.is_empty() {
        (Status::Met, "root cause recorded".to_string())
    } else {
        (
            Status::NotMet,
            format!("no root cause in {}", untriaged.join(", ")),
        )
    };
    let hint = incident_hint(
        cx,
        "root_cause",
        "root_cause: The migration locked the invoices table",
    );
    vec![Found::new(st, reason, hint)]
}

pub(super) fn action_items(cx: &Cx<'_>) -> Vec<Found> {
    let incidents = cx.f.incidents;
    let mut problems = Vec::new();
    let (mut open, mut total) = (0, 0);
    for i in incidents {
        if i.action_items.is_empty() {
            problems.push(format!("{} has no action items", i.id));
        }
        for a in &i.action_items {
            total += 1;
            open += usize::from(a.open);
            let lacks = match (&a.owner, &a.due) {
                (None, _) => Some("owner"),
                (Some(_), None) => Some("due date"),
                _ => None,
            };
            if let Some(what) = lacks {
                problems.push(format!("\"{}\" has no {what}", a.title));
            }
        }
    }
    let (st, reason) = if incidents.is_empty() {
        no_incident()
    } else if problems.is_empty() {
        (Status::Met, format!("{total} action item(s), {open} open"))
    } else {
        (Status::NotMet, problems.join("; "))
    };
    let hint = incident_hint(
        cx,
        "action_items",
        "- { title: Add a lock timeout to migrations, owner: Kim Ortiz, due: 2026-05-06 }",
    );
    vec![Found::new(st, reason, hint)]
}

/// Only for a withdrawn release: customers who could see it are told.
pub(super) fn withdrawal_message(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    if !f.withdrawn {
        return Vec::new();
    }
    let told: Vec<&str> = f
        .incidents
        .iter()
        .filter(|i| i.customer_message.is_some())
        .map(|i| i.id.as_str())
        .collect();
    let (st, reason) = if !cx.customer_facing {
        (
            Status::NotApplicable,
            "the release has no customer-facing changes".to_string(),
        )
    } else if told.is_empty() {
        (
            Status::NotMet,
            "customers are not told that the release was withdrawn (the pages say so in a default sentence)".to_string(),
        )
    } else {
        (
            Status::Met,
            format!("customer message in {}", told.join(", ")),
        )
    };
    let hint = incident_hint(
        cx,
        "customer_message",
        "customer_message: Version 2.0.0 was withdrawn; 1.2.0 stays current",
    );
    vec![Found::new(st, reason, hint)]
}
