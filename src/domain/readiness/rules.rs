//! The computed rules of the checklist: one small function per rule, each
//! answering one item (or, for sign-offs and deploy items, one item per
//! sign-off or deploy step) from the facts of the release. The checklist
//! names them (`rule: hypercare`); [`RULES`] is the table it is checked
//! against.

use crate::domain::input::{Answer, Check, Environment, SignoffStatus, TestStatus, Window};
use crate::domain::model::{Bump, Change, CommitInfo, Origin};

use super::{Cx, Found, Status};

/// A rule: what it says about the release.
pub type Rule = fn(&Cx<'_>) -> Vec<Found>;

/// Every rule, by the name checklists use, with what it checks (for the
/// printed checklist).
pub const RULES: &[(&str, Rule, &str)] = &[
    ("notes_drafted", notes_drafted, "the release metadata has a summary and the release has at least one change"),
    ("rollback_plan", rollback_plan, "`rollback.plan` describes how to roll back or mitigate"),
    ("smoke_tests_prepared", smoke_tests_prepared, "`smoke_tests` lists at least one smoke test"),
    ("signoffs", signoffs, "each required sign-off is approved, with who (`by`) and when (`at`); a rejected sign-off always blocks"),
    ("deployment_window", deployment_window, "`deployment.window` has a start before its end (or says it is not needed)"),
    ("staging", staging, "`deployment.staging` passed and every staging smoke test passed"),
    ("production_deploy", super::playbook::production_deploy, "`deployment.production` is deployed through the named pipeline; failed or rolled back switches on the incident playbook"),
    ("verifications", super::playbook::verifications, "every post-deploy verification passed; a failed one switches on the incident playbook"),
    ("dashboards_reviewed", dashboards_reviewed, "dashboards are listed and `deployment.dashboards_reviewed` says they were reviewed after the deploy"),
    ("deploy_items", deploy_items, "each deploy step of the release's change files is done (one item per step, owned by its owner)"),
    ("automation", automation, "the deploy runs through a pipeline (`deployment.pipeline`) or `deployment.automation` confirms it"),
    ("dashboards", dashboards, "`deployment.dashboards` lists the monitoring dashboards"),
    ("deploy_channels", deploy_channels, "`deployment.channels` names where the deploy is coordinated"),
    ("known_issue_workarounds", known_issue_workarounds, "every known issue affecting the release has a workaround, or says there is none"),
    ("escalation_path", escalation_path, "`support.escalation` (or `incident.escalation`) names the path to engineering"),
    ("hypercare", hypercare, "the hypercare window is 24 to 48 hours (`support.hypercare_hours`, default 48)"),
    ("targeted_segments", targeted_segments, "every segment `communication.segments` names is configured"),
    ("communication_timing", communication_timing, "`communication.send_at` is set and not before the deployment window opens"),
    ("feedback_channels", feedback_channels, "`communication.feedback` names the channels watched for customer feedback"),
    ("production_smoke_tests", super::playbook::production_smoke_tests, "smoke tests ran in production and passed; a failed one switches on the incident playbook"),
    ("critical_flows", critical_flows, "every critical user flow in `qa.critical_flows` passed (a flow named alone is prepared, not passed)"),
    ("performance", performance, "every metric in `qa.performance` has a current value within tolerance of its baseline; a regression is escalated"),
    ("version_bump", version_bump, "the version bump is the one the changes call for"),
    ("declared_type", declared_type, "the declared `type` agrees with the version bump"),
    ("upgrade_steps", upgrade_steps, "every breaking change has an upgrade step for customers"),
    ("known_segments", known_segments, "no change or known issue targets a segment the configuration lacks"),
    ("segment_summary", segment_summary, "the summary every customer reads names no change only some segments get"),
    ("internal_text", internal_text, "no line of a change's internal note appears in its customer text"),
    ("commit_coverage", commit_coverage, "every customer-visible commit is covered by a change file (when the release has change files)"),
    ("last_known_good", last_known_good, "a last known-good release is named, tagged and was never rolled back"),
    ("incident_opened", super::playbook::incident_opened, "an incident record exists for the release (`relnotes incident new`)"),
    ("on_call_notified", super::playbook::on_call_notified, "each incident records who was on call and when they were told"),
    ("incident_decision", super::playbook::incident_decision, "each incident records the decision: rolled back (to, at) or fixed forward by a hotfix"),
    ("root_cause", super::playbook::root_cause, "each incident records its root cause"),
    ("action_items", super::playbook::action_items, "each incident has action items, each with an owner and a due date"),
    ("withdrawal_message", super::playbook::withdrawal_message, "a withdrawn customer-facing release tells customers so in their words (`customer_message`)"),
];

/// The computed rule named `name`.
pub fn rule(name: &str) -> Option<Rule> {
    RULES.iter().find(|(n, ..)| *n == name).map(|(_, r, _)| *r)
}

fn one(status: Status, reason: impl Into<String>, hint: Option<String>) -> Vec<Found> {
    vec![Found::new(status, reason, hint)]
}

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

fn notes_drafted(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let has_summary = f
        .meta
        .summary
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    let (st, reason) = match (has_summary, f.changes.len()) {
        (true, n) if n > 0 => (Status::Met, format!("summary and {n} change(s)")),
        (false, 0) => (Status::NotMet, "no summary and no changes".to_string()),
        (false, _) => (Status::NotMet, "no summary".to_string()),
        (true, _) => (Status::NotMet, "no changes in this release".to_string()),
    };
    let hint = if has_summary {
        Some("add a change file with `relnotes new`".to_string())
    } else {
        cx.hint("summary", "summary: Bulk export for enterprise admins.")
    };
    one(st, reason, hint)
}

fn rollback_plan(cx: &Cx<'_>) -> Vec<Found> {
    let plan =
        cx.f.meta
            .rollback
            .plan
            .as_deref()
            .filter(|p| !p.trim().is_empty());
    let (st, reason) = match plan {
        Some(p) => (Status::Met, crate::domain::text::first_line(p).to_string()),
        None => (Status::NotMet, "no rollback or mitigation plan".into()),
    };
    let hint = cx.hint(
        "rollback.plan",
        "plan: Redeploy 1.0.2 with the pipeline's rollback job.",
    );
    one(st, reason, hint)
}

fn smoke_tests_prepared(cx: &Cx<'_>) -> Vec<Found> {
    let tests = &cx.f.meta.smoke_tests;
    let (st, reason) = if tests.is_empty() {
        (Status::NotMet, "no smoke tests listed".to_string())
    } else {
        (
            Status::Met,
            format!("{} smoke test(s) prepared", tests.len()),
        )
    };
    let hint = cx.hint(
        "smoke_tests",
        "- { name: Log in and open the dashboard, status: pending }",
    );
    one(st, reason, hint)
}

/// One item per required sign-off (the profile of the release type may
/// need fewer when nothing is customer-facing), and one per rejected
/// sign-off that is not required: a rejection always blocks.
fn signoffs(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let profile = cx.checklist.profile(cx.kind);
    let all = cx.checklist.signoffs_for(cx.kind, f.config);
    let needed: Vec<String> = match (&profile.internal_signoffs, cx.customer_facing) {
        (Some(internal), false) => internal.clone(),
        _ => all.clone(),
    };
    let mut out = Vec::new();
    let extra = needed.iter().filter(|r| !all.contains(r));
    for role in all.iter().chain(extra) {
        let name = cx.checklist.role_name(role);
        let title = cx.def.title.replace("{role}", &name);
        let found = if needed.contains(role) {
            signoff(cx, role)
        } else {
            Found::new(
                Status::NotApplicable,
                format!(
                    "a {} without customer-facing changes needs no sign-off from {role}",
                    cx.kind.as_str()
                ),
                None,
            )
        };
        out.push(found.named(format!("signoff.{role}"), name, title));
    }
    for (role, s) in &f.meta.signoffs {
        if !all.contains(role) && !needed.contains(role) && s.status == SignoffStatus::Rejected {
            let name = cx.checklist.role_name(role);
            let title = cx.def.title.replace("{role}", &name);
            let hint = cx.hint(&format!("signoffs.{role}.status"), "status: approved");
            out.push(
                Found::new(
                    Status::NotMet,
                    format!("rejected by {}", s.by.as_deref().unwrap_or("unknown")),
                    hint,
                )
                .named(format!("signoff.{role}"), name, title),
            );
        }
    }
    out
}

/// What one required sign-off says.
fn signoff(cx: &Cx<'_>, role: &str) -> Found {
    let (st, reason) = match cx.f.meta.signoffs.get(role) {
        None => (Status::NotMet, format!("no sign-off from {role}")),
        Some(s) => match s.status {
            SignoffStatus::Rejected => (
                Status::NotMet,
                format!(
                    "rejected by {}{}",
                    s.by.as_deref().unwrap_or("unknown"),
                    s.note
                        .as_deref()
                        .map(|n| format!(": {n}"))
                        .unwrap_or_default()
                ),
            ),
            SignoffStatus::Pending => (Status::NotMet, format!("sign-off from {role} is pending")),
            SignoffStatus::Approved => match (&s.by, &s.at) {
                (Some(by), Some(at)) => (Status::Met, format!("approved by {by} on {at}")),
                _ => (
                    Status::NotMet,
                    "approved, but without who (`by`) and when (`at`)".into(),
                ),
            },
        },
    };
    let hint = cx.hint(
        &format!("signoffs.{role}"),
        &format!("{role}: {{ by: Name, at: 2026-03-01, status: approved }}"),
    );
    Found::new(st, reason, hint)
}

fn deployment_window(cx: &Cx<'_>) -> Vec<Found> {
    let (st, reason) = match &cx.f.meta.deployment.window {
        None => (
            Status::NotApplicable,
            "the release does not ask for a deployment window".to_string(),
        ),
        Some(Window::Note(n)) if Check::Text(n.clone()).answer() == Answer::NotApplicable => {
            (Status::NotApplicable, format!("deployment.window: {n}"))
        }
        Some(Window::Note(n)) => (
            Status::NotMet,
            format!("deployment.window `{n}` has no start and end"),
        ),
        Some(Window::Range { start, end }) if end <= start => (
            Status::NotMet,
            format!("window ends ({end}) before it starts ({start})"),
        ),
        Some(Window::Range { start, end }) => (Status::Met, format!("{start} to {end}")),
    };
    let hint = cx.hint(
        "deployment.window",
        "window: { start: 2026-03-02T13:00:00Z, end: 2026-03-02T14:00:00Z }",
    );
    one(st, reason, hint)
}

fn staging(cx: &Cx<'_>) -> Vec<Found> {
    let m = cx.f.meta;
    let staging_tests: Vec<_> = m
        .smoke_tests
        .iter()
        .filter(|t| t.env == Environment::Staging)
        .collect();
    let failed: Vec<&str> = staging_tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .map(|t| t.name.as_str())
        .collect();
    let (st, reason) = match m.deployment.staging.as_ref().map(Check::answer) {
        None => (Status::NotMet, "not answered yet".to_string()),
        Some(Answer::Yes) if staging_tests.is_empty() => (
            Status::NotMet,
            "deployed to staging, but no smoke test results".to_string(),
        ),
        Some(Answer::Yes) if !failed.is_empty() => (
            Status::NotMet,
            format!("smoke tests not passed in staging: {}", failed.join(", ")),
        ),
        Some(Answer::Yes) => (
            Status::Met,
            format!(
                "staging passed, {} smoke test(s) passed",
                staging_tests.len()
            ),
        ),
        Some(Answer::NotApplicable) => (
            Status::NotApplicable,
            "deployment.staging: not applicable".to_string(),
        ),
        Some(Answer::Pending) => (Status::NotMet, "staging deploy is pending".to_string()),
        Some(Answer::No) => (Status::NotMet, "staging deploy failed".to_string()),
    };
    one(st, reason, cx.hint("deployment.staging", "staging: passed"))
}

fn dashboards_reviewed(cx: &Cx<'_>) -> Vec<Found> {
    let d = &cx.f.meta.deployment;
    let (st, reason) = if d.dashboards.is_empty() {
        (
            Status::NotMet,
            "no monitoring dashboards listed".to_string(),
        )
    } else {
        match d.dashboards_reviewed.as_ref().map(Check::answer) {
            Some(Answer::Yes) => (
                Status::Met,
                format!(
                    "reviewed: {}",
                    names(d.dashboards.iter().map(|x| x.name.as_str()))
                ),
            ),
            _ => (
                Status::NotMet,
                "dashboards not yet reviewed with DevOps after the deploy".to_string(),
            ),
        }
    };
    let hint = cx.hint(
        "deployment.dashboards_reviewed",
        "dashboards_reviewed: true",
    );
    one(st, reason, hint)
}

/// One item per deploy step of the release's change files.
fn deploy_items(cx: &Cx<'_>) -> Vec<Found> {
    let mut out = Vec::new();
    for c in cx.f.changes {
        for (n, item) in c.deploy.iter().enumerate() {
            let (st, reason) = match item.status.as_ref().map(Check::answer) {
                Some(Answer::Yes) => (Status::Met, format!("done (from change {})", c.id)),
                Some(Answer::NotApplicable) => (
                    Status::NotApplicable,
                    format!("not applicable (from change {})", c.id),
                ),
                _ => (
                    Status::NotMet,
                    format!("not done yet (from change {}, owner {})", c.id, item.owner),
                ),
            };
            let hint = Some(format!(
                "{}: set `status: done` on this deploy item when it is done",
                c.path.as_deref().unwrap_or("the change file")
            ));
            out.push(Found::new(st, reason, hint).named(
                format!("{}.{}.{}", cx.def.id, c.id, n + 1),
                cx.checklist.role_name(&item.owner),
                item.item.clone(),
            ));
        }
    }
    out
}

fn automation(cx: &Cx<'_>) -> Vec<Found> {
    let d = &cx.f.meta.deployment;
    let (st, reason) = match (
        d.automation.as_ref().map(Check::answer),
        d.pipeline.as_deref(),
    ) {
        (Some(Answer::Yes), _) => (Status::Met, "deployment is automated".to_string()),
        (None, Some(p)) => (Status::Met, format!("automated through {p}")),
        (Some(Answer::NotApplicable), _) => (
            Status::NotApplicable,
            "deployment.automation: not applicable".to_string(),
        ),
        _ => (
            Status::NotMet,
            "no automated deployment (no pipeline, automation not confirmed)".to_string(),
        ),
    };
    let hint = cx.hint(
        "deployment.pipeline",
        "pipeline: https://ci.example/deploy/456",
    );
    one(st, reason, hint)
}

fn dashboards(cx: &Cx<'_>) -> Vec<Found> {
    let d = &cx.f.meta.deployment;
    let (st, reason) = if d.dashboards.is_empty() {
        (
            Status::NotMet,
            "no monitoring dashboards listed".to_string(),
        )
    } else {
        (
            Status::Met,
            names(d.dashboards.iter().map(|x| x.name.as_str())),
        )
    };
    let hint = cx.hint(
        "deployment.dashboards",
        "dashboards: [{ name: Billing latency, url: https://grafana.example/d/billing }]",
    );
    one(st, reason, hint)
}

fn deploy_channels(cx: &Cx<'_>) -> Vec<Found> {
    let channels = &cx.f.meta.deployment.channels;
    let (st, reason) = if channels.is_empty() {
        (
            Status::NotMet,
            "no communication channel for the deploy".to_string(),
        )
    } else {
        (Status::Met, channels.join(", "))
    };
    one(
        st,
        reason,
        cx.hint("deployment.channels", "channels: [\"#release-1-1\"]"),
    )
}

fn known_issue_workarounds(cx: &Cx<'_>) -> Vec<Found> {
    let issues = cx.f.known_issues;
    let missing: Vec<&str> = issues
        .iter()
        .filter(|k| k.workaround.is_none() && !k.no_workaround)
        .map(|k| k.id.as_str())
        .collect();
    let (st, reason) = if issues.is_empty() {
        (
            Status::Met,
            "no known issues affect this release".to_string(),
        )
    } else if missing.is_empty() {
        (
            Status::Met,
            format!(
                "{} known issue(s), each with a workaround or `none`",
                issues.len()
            ),
        )
    } else {
        (
            Status::NotMet,
            format!("no workaround written for {}", missing.join(", ")),
        )
    };
    let hint = Some(format!(
        "in .relnotes/known-issues/: add `workaround: ...` (or `workaround: none`) to {}",
        missing.join(", ")
    ));
    one(st, reason, hint)
}

fn escalation_path(cx: &Cx<'_>) -> Vec<Found> {
    let (st, reason) = match cx.f.escalation {
        Some(p) if !p.trim().is_empty() => (Status::Met, p.to_string()),
        _ => (
            Status::NotMet,
            "no escalation path to engineering".to_string(),
        ),
    };
    let hint = cx.hint(
        "support.escalation",
        "escalation: \"#support-escalations, then the on-call engineer\"",
    );
    one(st, reason, hint)
}

fn hypercare(cx: &Cx<'_>) -> Vec<Found> {
    let hours =
        cx.f.meta
            .support
            .hypercare_hours
            .unwrap_or(crate::domain::model::DEFAULT_HYPERCARE_HOURS);
    let (st, reason) = match cx.f.hypercare {
        _ if !(24..=48).contains(&hours) => (
            Status::NotMet,
            format!("hypercare of {hours} hours is outside 24-48 hours"),
        ),
        Some(h) => (
            Status::Met,
            format!("{} hours, {} to {}", h.hours, h.start, h.end),
        ),
        None => (
            Status::Met,
            format!("{hours} hours from the production deploy (start not known yet)"),
        ),
    };
    one(
        st,
        reason,
        cx.hint("support.hypercare_hours", "hypercare_hours: 48"),
    )
}

fn targeted_segments(cx: &Cx<'_>) -> Vec<Found> {
    let config = cx.f.config;
    let segments = &cx.f.meta.communication.segments;
    let unknown: Vec<&str> = segments
        .iter()
        .map(String::as_str)
        .filter(|s| !config.segments.contains_key(*s))
        .collect();
    let (st, reason) = if segments.is_empty() {
        (Status::Met, "all customers".to_string())
    } else if unknown.is_empty() {
        (
            Status::Met,
            names(segments.iter().map(|s| config.segment_name(s))),
        )
    } else {
        (
            Status::NotMet,
            format!(
                "segment(s) not in the configuration: {}",
                unknown.join(", ")
            ),
        )
    };
    one(st, reason, Some(segment_hint(cx, &unknown)))
}

fn communication_timing(cx: &Cx<'_>) -> Vec<Found> {
    let m = cx.f.meta;
    let (st, reason) = match (&m.communication.send_at, &m.deployment.window) {
        (None, _) => (
            Status::NotMet,
            "no send time for the customer communication".to_string(),
        ),
        (Some(at), Some(Window::Range { start, .. })) if at < start => (
            Status::NotMet,
            format!("sent at {at}, before the deployment window opens at {start}"),
        ),
        (Some(at), Some(Window::Range { end, .. })) => (
            Status::Met,
            format!("sent at {at}, deployment window ends {end}"),
        ),
        (Some(at), _) => (
            Status::Met,
            format!("sent at {at} (no deployment window to align with)"),
        ),
    };
    one(
        st,
        reason,
        cx.hint("communication.send_at", "send_at: 2026-03-02T15:00:00Z"),
    )
}

fn feedback_channels(cx: &Cx<'_>) -> Vec<Found> {
    let feedback = &cx.f.meta.communication.feedback;
    let (st, reason) = if feedback.is_empty() {
        (Status::NotMet, "no feedback channel watched".to_string())
    } else {
        (Status::Met, feedback.join(", "))
    };
    let hint = cx.hint(
        "communication.feedback",
        "feedback: [\"#customer-feedback\"]",
    );
    one(st, reason, hint)
}

fn critical_flows(cx: &Cx<'_>) -> Vec<Found> {
    let flows = &cx.f.meta.qa.critical_flows;
    let untested: Vec<&str> = flows
        .iter()
        .filter(|x| x.status() != TestStatus::Passed)
        .map(|x| x.name())
        .collect();
    let (st, reason) = if flows.is_empty() {
        (Status::NotMet, "no critical user flows listed".to_string())
    } else if untested.is_empty() {
        (Status::Met, names(flows.iter().map(|x| x.name())))
    } else {
        (
            Status::NotMet,
            format!("not passed: {}", untested.join(", ")),
        )
    };
    let hint = cx.hint("qa.critical_flows", "- { name: Checkout, status: passed }");
    one(st, reason, hint)
}

/// Each metric against its baseline. A regression beyond tolerance is a
/// discrepancy to escalate (to `qa.escalation`, else the on-call), never a
/// number to edit.
fn performance(cx: &Cx<'_>) -> Vec<Found> {
    let m = cx.f.meta;
    let mut parts = Vec::new();
    let mut regressions = Vec::new();
    let mut missing_current = Vec::new();
    for p in &m.qa.performance {
        let Some(cur) = p.current else {
            missing_current.push(p.metric.as_str());
            continue;
        };
        let change = if p.baseline != 0.0 {
            (cur - p.baseline) / p.baseline * 100.0
        } else {
            0.0
        };
        let worse = if p.higher_is_better { -change } else { change };
        parts.push(format!(
            "{}: {} vs baseline {} ({:+.1}%)",
            p.metric,
            fmt_num(cur),
            fmt_num(p.baseline),
            change
        ));
        if worse > p.tolerance.unwrap_or(10.0) {
            regressions.push(p.metric.as_str());
        }
    }
    let example = "- { metric: p95 billing page ms, baseline: 420, current: 380 }";
    if m.qa.performance.is_empty() {
        let reason = "no performance figures compared to the baseline";
        return one(Status::NotMet, reason, cx.hint("qa.performance", example));
    }
    if !missing_current.is_empty() {
        let reason = format!("no current value for {}", missing_current.join(", "));
        return one(Status::NotMet, reason, cx.hint("qa.performance", example));
    }
    if regressions.is_empty() {
        return one(Status::Met, parts.join("; "), None);
    }
    let to =
        m.qa.escalation
            .as_deref()
            .or(cx.f.incidents.iter().find_map(|i| i.on_call.as_deref()))
            .or(m.incident.on_call.as_deref())
            .or(cx.f.escalation);
    let reason = format!(
        "regression beyond tolerance in {}{}: {}",
        regressions.join(", "),
        match to {
            Some(t) => format!("; escalate to {t}"),
            None => "; escalate".to_string(),
        },
        parts.join("; ")
    );
    let hint = Some(format!(
        "escalate the regression{}: find and fix the cause, or have QA accept it with a wider `tolerance` and a note; never edit the measured numbers to pass",
        match to {
            Some(t) => format!(" to {t}"),
            None => " (name who in `qa.escalation`)".to_string(),
        }
    ));
    one(Status::NotMet, reason, hint)
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

fn version_bump(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let (st, reason) = if f.bump == Bump::Initial {
        (
            Status::NotApplicable,
            "first release: no previous version to compare with".to_string(),
        )
    } else if f.promotes_prerelease {
        (
            Status::NotApplicable,
            "promotes a pre-release of the same version".to_string(),
        )
    } else if f.bump == f.required {
        (
            Status::Met,
            format!("{} release, as the changes require", f.bump),
        )
    } else {
        (
            Status::NotMet,
            format!(
                "version is a {} bump, the changes call for a {} release",
                f.bump, f.required
            ),
        )
    };
    let hint = Some(format!(
        "tag a {} release (`relnotes next --explain` shows which changes decide it), or mark the deciding change differently",
        f.required
    ));
    one(st, reason, hint)
}

fn declared_type(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let (st, reason) = match f.meta.kind {
        None => (
            Status::NotApplicable,
            "no `type` in the release metadata".to_string(),
        ),
        Some(k) if k.bump_name() == f.bump.as_str() || (f.bump == Bump::Initial) => {
            (Status::Met, format!("declared {}", k.as_str()))
        }
        Some(k) => (
            Status::NotMet,
            format!(
                "declared {}, but the version is a {} bump",
                k.as_str(),
                f.bump
            ),
        ),
    };
    one(st, reason, cx.hint("type", &format!("type: {}", f.bump)))
}

fn upgrade_steps(cx: &Cx<'_>) -> Vec<Found> {
    let changes = cx.f.changes;
    let no_upgrade: Vec<&Change> = changes
        .iter()
        .filter(|c| c.breaking && c.upgrade.as_deref().is_none_or(|u| u.trim().is_empty()))
        .collect();
    let breaking = changes.iter().filter(|c| c.breaking).count();
    let (st, reason) = if breaking == 0 {
        (Status::NotApplicable, "no breaking changes".to_string())
    } else if no_upgrade.is_empty() {
        (
            Status::Met,
            format!("{breaking} breaking change(s), each with an upgrade step"),
        )
    } else {
        (
            Status::NotMet,
            format!(
                "breaking without an upgrade step: {}",
                names(no_upgrade.iter().map(|c| c.id.as_str()))
            ),
        )
    };
    let hint = no_upgrade.first().map(|c| match c.origin {
        Origin::File => format!("{}: add `upgrade: |` with the migration step for customers", c.path.as_deref().unwrap_or("")),
        Origin::Commit => format!("add a change file for commit {} with `breaking: true` and `upgrade: |` (or a `BREAKING CHANGE:` footer)", c.id),
    });
    one(st, reason, hint)
}

fn known_segments(cx: &Cx<'_>) -> Vec<Found> {
    let config = cx.f.config;
    let mut bad = Vec::new();
    let targets =
        cx.f.changes
            .iter()
            .map(|c| (&c.id, &c.segments))
            .chain(cx.f.known_issues.iter().map(|k| (&k.id, &k.segments)));
    for (id, segments) in targets {
        for s in segments {
            if !config.segments.contains_key(s) {
                bad.push((id.as_str(), s.as_str()));
            }
        }
    }
    let (st, reason) = if bad.is_empty() {
        (
            Status::Met,
            "every targeted segment is configured".to_string(),
        )
    } else {
        let list: Vec<String> = bad
            .iter()
            .map(|(id, s)| format!("{id} targets `{s}`"))
            .collect();
        (
            Status::NotMet,
            format!("unknown segment: {}", list.join("; ")),
        )
    };
    let unknown: Vec<&str> = bad.iter().map(|(_, s)| *s).collect();
    one(st, reason, Some(segment_hint(cx, &unknown)))
}

/// What every customer reads must not announce what only some get.
fn segment_summary(cx: &Cx<'_>) -> Vec<Found> {
    let changes = cx.f.changes;
    let leaks: Vec<String> = match cx.f.meta.summary.as_deref() {
        Some(summary) => changes
            .iter()
            .filter(|c| !c.segments.is_empty() && crate::domain::text::mentions(summary, &c.title))
            .map(|c| format!("{} ({} only)", c.id, c.segments.join(", ")))
            .collect(),
        None => Vec::new(),
    };
    let targeted = changes.iter().filter(|c| !c.segments.is_empty()).count();
    let (st, reason) = if targeted == 0 {
        (
            Status::NotApplicable,
            "no change is for some segments only".to_string(),
        )
    } else if leaks.is_empty() {
        (
            Status::Met,
            format!("checked against {targeted} segment-only change(s)"),
        )
    } else {
        (
            Status::Warning,
            format!(
                "the summary every customer reads mentions a change only some segments get: {}",
                leaks.join("; ")
            ),
        )
    };
    let hint = cx.hint(
        "segments.<id>.summary",
        "segments: { enterprise: { summary: \"Bulk export ...\" } }",
    );
    one(st, reason, hint)
}

fn internal_text(cx: &Cx<'_>) -> Vec<Found> {
    let leaks: Vec<&str> =
        cx.f.changes
            .iter()
            .filter(|c| leaks_internal(c))
            .map(|c| c.id.as_str())
            .collect();
    let (st, reason) = if leaks.is_empty() {
        (
            Status::Met,
            "no internal note text in customer-facing fields".to_string(),
        )
    } else {
        (
            Status::NotMet,
            format!(
                "internal note text appears in the customer text of {}",
                leaks.join(", ")
            ),
        )
    };
    let hint = Some("keep internal details in the `internal` field only; rewrite the body and `upgrade` for customers".to_string());
    one(st, reason, hint)
}

/// A line of the internal note (long enough to be meaningful) that also
/// appears in the customer text or upgrade step.
fn leaks_internal(c: &Change) -> bool {
    let Some(internal) = c.internal.as_deref() else {
        return false;
    };
    let customer = format!("{}\n{}", c.text, c.upgrade.as_deref().unwrap_or(""));
    internal
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().count() >= 12)
        .any(|l| customer.contains(l))
}

fn commit_coverage(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let has_files = f.changes.iter().any(|c| c.origin == Origin::File);
    let visible_kinds = &f.config.commits.kinds;
    let uncovered: Vec<&CommitInfo> = f
        .commits
        .iter()
        .filter(|c| {
            !c.covered
                && c.kind
                    .as_deref()
                    .is_some_and(|k| visible_kinds.contains_key(k))
        })
        .collect();
    let (st, reason) = if !has_files {
        (
            Status::NotApplicable,
            "no change files: the customer notes are written from the commits".to_string(),
        )
    } else if uncovered.is_empty() {
        (
            Status::Met,
            "every customer-visible commit is covered by a change file".to_string(),
        )
    } else {
        let list: Vec<String> = uncovered
            .iter()
            .take(10)
            .map(|c| format!("{} {}", c.short, c.subject))
            .collect();
        let more = if uncovered.len() > 10 {
            format!(" and {} more", uncovered.len() - 10)
        } else {
            String::new()
        };
        (
            Status::Warning,
            format!(
                "{} commit(s) without a change file: {}{more}",
                uncovered.len(),
                list.join("; ")
            ),
        )
    };
    let hint = Some("write change files with `relnotes new --pr N` (or list the commit under `commits:` in an existing one)".to_string());
    one(st, reason, hint)
}

fn last_known_good(cx: &Cx<'_>) -> Vec<Found> {
    let f = cx.f;
    let (st, reason) = match f.last_known_good {
        None => (
            Status::NotMet,
            "no last known-good release (this is the first release)".to_string(),
        ),
        Some(v) => {
            let v = v.trim_start_matches(f.config.tags.prefix.as_str());
            if f.rolled_back.iter().any(|r| r == v) {
                (
                    Status::NotMet,
                    format!("{v} was rolled back after an incident: it is not known to be good"),
                )
            } else if f.release_versions.iter().any(|r| r == v) {
                (Status::Met, format!("roll back to {v}"))
            } else {
                (
                    Status::NotMet,
                    format!("last known-good release {v} has no release tag"),
                )
            }
        }
    };
    one(
        st,
        reason,
        cx.hint("rollback.last_known_good", "last_known_good: 1.0.2"),
    )
}

fn segment_hint(cx: &Cx<'_>, unknown: &[&str]) -> String {
    let known: Vec<&str> = cx.f.config.segments.keys().map(String::as_str).collect();
    let near: Vec<String> = unknown
        .iter()
        .filter_map(|u| {
            crate::error::nearest(u, known.iter().copied()).map(|n| format!("`{u}` -> `{n}`?"))
        })
        .collect();
    format!(
        "define the segment under `segments:` in .relnotes/config.yaml or use a configured one ({}){}",
        if known.is_empty() { "none configured".to_string() } else { known.join(", ") },
        if near.is_empty() { String::new() } else { format!("; did you mean {}", near.join(", ")) }
    )
}
