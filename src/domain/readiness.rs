//! The readiness gate: evaluates every item of the release guide (pre-release
//! requirements, sign-offs, deployment checklist, coordination, release type,
//! content rules, coverage, rollback) from the release model and metadata.
//! One evaluation serves `check`, the `readiness` and `stakeholders` pages and
//! the preview. This module decides; it neither reads files nor prints.

use serde::Serialize;

use crate::domain::config::Config;
use crate::domain::input::{Answer, Check, ReleaseMeta, SignoffStatus, TestStatus, Window};
use crate::domain::model::{Audience, Bump, Change, CommitInfo, KnownIssue, Origin, Release};

/// When the gate is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum Stage {
    /// At tag time, before deploying (the default).
    #[default]
    PreRelease,
    /// After the production deploy.
    PostDeploy,
    /// After a failed or rolled-back deploy: the rollback and incident
    /// playbook (evaluated at any stage once a deploy failed or an
    /// incident is recorded).
    Incident,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::PreRelease => "pre-release",
            Stage::PostDeploy => "post-deploy",
            Stage::Incident => "incident",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Met,
    NotMet,
    /// Belongs to a later stage and is not done yet.
    Pending,
    NotApplicable,
    /// Worth a look; blocks only under `--strict`.
    Warning,
}

impl Status {
    /// The name in JSON and in template contexts: `not_met`.
    pub fn key(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not_met",
            Status::Pending => "pending",
            Status::NotApplicable => "not_applicable",
            Status::Warning => "warning",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Status::Met => "met",
            Status::NotMet => "not met",
            Status::Pending => "pending",
            Status::NotApplicable => "not applicable",
            Status::Warning => "warning",
        }
    }
}

/// The roles the report is grouped by, in this order.
pub const ROLES: &[&str] = &[
    "Release manager",
    "QA",
    "UX",
    "DevOps",
    "Product",
    "Support",
    "Customer communication",
];

/// The part of the release guide an item belongs to.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
pub enum Section {
    #[serde(rename = "pre-release requirements")]
    PreRelease,
    #[serde(rename = "deployment checklist")]
    Deployment,
    #[serde(rename = "coordination")]
    Coordination,
    #[serde(rename = "release type")]
    ReleaseType,
    #[serde(rename = "content")]
    Content,
    #[serde(rename = "coverage")]
    Coverage,
    #[serde(rename = "rollback")]
    Rollback,
    #[serde(rename = "incident playbook")]
    Incident,
}

impl Section {
    /// The name in JSON and in template contexts.
    pub fn as_str(self) -> &'static str {
        match self {
            Section::PreRelease => "pre-release requirements",
            Section::Deployment => "deployment checklist",
            Section::Coordination => "coordination",
            Section::ReleaseType => "release type",
            Section::Content => "content",
            Section::Coverage => "coverage",
            Section::Rollback => "rollback",
            Section::Incident => "incident playbook",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// Stable identifier, e.g. `signoff.qa`, `deployment.backup`.
    pub id: String,
    pub section: Section,
    /// Who acts on the item. Not an enum: sign-off roles and deploy item
    /// owners come from the configuration and change files.
    pub role: String,
    pub title: String,
    pub status: Status,
    /// The stage at which the item must be met.
    pub stage: Stage,
    /// Whether this item keeps the release from being ready.
    pub blocking: bool,
    /// Why the item has this status.
    pub reason: String,
    /// For an item that is not met: the file and field to fill in.
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Counts {
    pub met: usize,
    pub not_met: usize,
    pub pending: usize,
    pub not_applicable: usize,
    pub warning: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Readiness {
    pub stage: Stage,
    pub strict: bool,
    pub ready: bool,
    pub counts: Counts,
    pub items: Vec<Item>,
}

impl Readiness {
    /// Items of one role, in evaluation order.
    pub fn by_role<'a>(&'a self, role: &'a str) -> impl Iterator<Item = &'a Item> + 'a {
        self.items.iter().filter(move |i| i.role == role)
    }

    /// The roles that have items: the seven standard ones first, then any
    /// other sign-off or deploy owner role.
    pub fn roles(&self) -> Vec<String> {
        let mut roles: Vec<String> = ROLES.iter().map(|r| r.to_string()).collect();
        for i in &self.items {
            if !roles.contains(&i.role) {
                roles.push(i.role.clone());
            }
        }
        roles.retain(|r| self.items.iter().any(|i| &i.role == r));
        roles
    }
}

/// What the evaluation needs beyond the release itself.
pub struct Facts<'a> {
    pub config: &'a Config,
    pub version: &'a str,
    pub meta: &'a ReleaseMeta,
    /// The metadata file, relative to the repository, for hints.
    pub meta_file: String,
    pub changes: &'a [Change],
    pub commits: &'a [CommitInfo],
    pub known_issues: &'a [KnownIssue],
    pub bump: Bump,
    pub required: Bump,
    /// The previous release is a pre-release of this version (1.0.0-rc.1
    /// before 1.0.0): the bump rule does not apply.
    pub promotes_prerelease: bool,
    pub last_known_good: Option<&'a str>,
    /// Every release version in the repository (without prefix).
    pub release_versions: &'a [String],
    pub hypercare: Option<&'a crate::domain::model::Hypercare>,
    /// Where support escalates (decided in assembly).
    pub escalation: Option<&'a str>,
    /// Production incidents of the release.
    pub incidents: &'a [crate::domain::model::Incident],
    /// The release was rolled back out of production.
    pub withdrawn: bool,
    /// Every release an incident rolled back.
    pub rolled_back: &'a [String],
}

/// Maps a sign-off or owner role id to the report's role name.
pub fn role_name(id: &str) -> String {
    match id.to_ascii_lowercase().as_str() {
        "qa" => "QA".into(),
        "ux" => "UX".into(),
        "devops" | "ops" | "sre" => "DevOps".into(),
        "product" | "pm" | "product manager" => "Product".into(),
        "support" => "Support".into(),
        "release" | "release manager" | "release_manager" => "Release manager".into(),
        "communication" | "comms" | "marketing" => "Customer communication".into(),
        other => {
            let mut c = other.chars();
            match c.next() {
                Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
                None => "Release manager".into(),
            }
        }
    }
}

struct Eval<'a> {
    f: &'a Facts<'a>,
    stage: Stage,
    strict: bool,
    items: Vec<Item>,
    /// A deploy, verification or check after the deploy failed: the
    /// playbook applies.
    failed: bool,
}

const PRE: Section = Section::PreRelease;
const DEPLOY: Section = Section::Deployment;
const COORD: Section = Section::Coordination;

impl Eval<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        id: impl Into<String>,
        section: Section,
        role: &str,
        title: impl Into<String>,
        item_stage: Stage,
        status: Status,
        reason: impl Into<String>,
        hint: Option<String>,
    ) {
        // An item of a later stage that is not done yet is pending, not failed.
        let status = if item_stage == Stage::PostDeploy
            && self.stage == Stage::PreRelease
            && status == Status::NotMet
        {
            Status::Pending
        } else {
            status
        };
        let blocking = status == Status::NotMet || (self.strict && status == Status::Warning);
        let hint = if matches!(status, Status::Met | Status::NotApplicable) {
            None
        } else {
            hint
        };
        self.items.push(Item {
            id: id.into(),
            section,
            role: role.into(),
            title: title.into(),
            status,
            stage: item_stage,
            blocking,
            reason: reason.into(),
            hint,
        });
    }

    /// The item just pushed has failed (not merely "not done yet"): it
    /// blocks at every stage, and the hint points to the rollback and
    /// incident playbook instead of asking for the field to be changed.
    fn failed_now(&mut self) {
        let hint = self.playbook_hint();
        self.failed = true;
        if let Some(item) = self.items.last_mut() {
            item.status = Status::NotMet;
            item.blocking = true;
            item.hint = Some(hint);
        }
    }

    /// What to do when a deploy, verification or smoke test failed: the
    /// guide's playbook, with the names this release gives.
    fn playbook_hint(&self) -> String {
        let m = self.f.meta;
        let who = m
            .incident
            .on_call
            .as_deref()
            .or(self.f.escalation)
            .map(|w| format!(" escalate to {w} and"))
            .unwrap_or_default();
        let back = match self.f.last_known_good {
            Some(v) => format!("roll back to {v}"),
            None => "roll back to the last known-good release".to_string(),
        };
        format!(
            "follow the rollback and incident playbook:{who} decide with the on-call whether to {back} or fix forward with a hotfix, then record it in an incident file (`relnotes incident new --release {}`); do not change the result to make this pass",
            self.f.version
        )
    }

    fn hint(&self, field: &str, example: &str) -> Option<String> {
        Some(format!(
            "{}: set `{field}` (for example `{example}`)",
            self.f.meta_file
        ))
    }

    /// An item answered by one [`Check`] field of the metadata.
    #[allow(clippy::too_many_arguments)]
    fn check(
        &mut self,
        id: &str,
        section: Section,
        role: &str,
        title: &str,
        stage: Stage,
        value: Option<&Check>,
        field: &str,
        example: &str,
    ) {
        let (status, reason) = match value.map(|v| (v.answer(), v)) {
            // Reasons are for readers of the pages: the field is named in
            // the hint, for the release manager who fills it in.
            None => (Status::NotMet, "not answered yet".to_string()),
            Some((Answer::Yes, v)) => (
                Status::Met,
                match v.evidence() {
                    Some(e) => e.to_string(),
                    None => "done".to_string(),
                },
            ),
            Some((Answer::No, _)) => (Status::NotMet, "answered no: failed".to_string()),
            Some((Answer::Pending, _)) => (Status::NotMet, "still pending".to_string()),
            Some((Answer::NotApplicable, _)) => {
                (Status::NotApplicable, "not applicable".to_string())
            }
        };
        // A post-deploy check that failed is an incident, not a to-do.
        let failed = stage == Stage::PostDeploy && value.is_some_and(|v| v.answer() == Answer::No);
        let hint = self.hint(field, example);
        self.push(id, section, role, title, stage, status, reason, hint);
        if failed {
            self.failed_now();
        }
    }
}

/// Evaluates readiness for an assembled release, at `stage`.
pub fn evaluate_release(
    release: &Release,
    config: &Config,
    versions: &[String],
    rolled_back: &[String],
    stage: Stage,
    strict: bool,
) -> Readiness {
    let meta_file = release
        .metadata_file
        .clone()
        .unwrap_or_else(|| format!(".relnotes/releases/{}.yaml", release.version));
    let facts = Facts {
        config,
        version: &release.version,
        meta: &release.metadata,
        meta_file,
        changes: &release.changes,
        commits: &release.commits,
        known_issues: &release.known_issues,
        bump: release.kind.bump,
        required: release.kind.required,
        promotes_prerelease: release.kind.promotes_prerelease,
        last_known_good: release.last_known_good.as_deref(),
        release_versions: versions,
        hypercare: release.hypercare.as_ref(),
        escalation: release.escalation.as_deref(),
        incidents: &release.incidents,
        withdrawn: release.withdrawn.is_some(),
        rolled_back,
    };
    evaluate(&facts, stage, strict)
}

const INCIDENT: Section = Section::Incident;

/// The rollback and incident playbook's items: an incident recorded, the
/// on-call told, a decision (rolled back or fixed forward), the root cause
/// triaged, action items captured with owners and dates, and customers told
/// when a release they could see was withdrawn.
fn playbook(e: &mut Eval<'_>, customer_facing: bool) {
    let f = e.f;
    let at = Stage::Incident;
    let new = format!("relnotes incident new --release {}", f.version);
    let ids = || {
        f.incidents
            .iter()
            .map(|i| i.path.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let incident_hint = |field: &str, example: &str| {
        Some(if f.incidents.is_empty() {
            format!("record the incident first: `{new}`")
        } else {
            format!("{}: set `{field}` (for example `{example}`)", ids())
        })
    };
    let (st, reason) = match f.incidents.first() {
        None => (
            Status::NotMet,
            "no incident recorded for this release".to_string(),
        ),
        Some(_) => (
            Status::Met,
            f.incidents
                .iter()
                .map(|i| {
                    let severity = format!("{:?}", i.severity).to_lowercase();
                    format!("{}: {} ({severity} severity)", i.id, i.title)
                })
                .collect::<Vec<_>>()
                .join("; "),
        ),
    };
    e.push(
        "incident.opened",
        INCIDENT,
        "Release manager",
        "Incident opened and recorded",
        at,
        st,
        reason,
        Some(format!("run `{new}` and fill in what happened")),
    );

    let missing: Vec<String> = f
        .incidents
        .iter()
        .filter(|i| i.on_call.is_none() || i.notified_at.is_none())
        .map(|i| i.id.clone())
        .collect();
    let (st, reason) = if f.incidents.is_empty() {
        (Status::NotMet, "no incident recorded".to_string())
    } else if missing.is_empty() {
        (
            Status::Met,
            f.incidents
                .iter()
                .map(|i| {
                    format!(
                        "{} notified at {}",
                        i.on_call.as_deref().unwrap_or(""),
                        i.notified_at.as_deref().unwrap_or("")
                    )
                })
                .collect::<Vec<_>>()
                .join("; "),
        )
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
        "on_call",
        "on_call: { who: Dana Reyes, notified_at: 2026-04-22T09:10:00Z }",
    );
    e.push(
        "incident.on_call",
        INCIDENT,
        "DevOps",
        "On-call notified (who, when)",
        at,
        st,
        reason,
        hint,
    );

    let decided: Vec<String> = f
        .incidents
        .iter()
        .filter(|i| i.decision != crate::domain::model::Decision::Undecided)
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
    let hint = incident_hint("rollback", &example);
    e.push(
        "incident.decision",
        INCIDENT,
        "Release manager",
        "Decision: roll back to the last known-good release or fix forward with a hotfix",
        at,
        st,
        reason,
        hint,
    );

    let untriaged: Vec<&str> = f
        .incidents
        .iter()
        .filter(|i| i.root_cause.is_none())
        .map(|i| i.id.as_str())
        .collect();
    let (st, reason) = if f.incidents.is_empty() {
        (Status::NotMet, "no incident recorded".to_string())
    } else if untriaged.is_empty() {
        (Status::Met, "root cause recorded".to_string())
    } else {
        (
            Status::NotMet,
            format!("no root cause in {}", untriaged.join(", ")),
        )
    };
    let hint = incident_hint(
        "root_cause",
        "root_cause: The migration locked the invoices table",
    );
    e.push(
        "incident.root_cause",
        INCIDENT,
        "DevOps",
        "Root cause triaged",
        at,
        st,
        reason,
        hint,
    );

    let mut problems = Vec::new();
    let mut open = 0;
    let mut total = 0;
    for i in f.incidents {
        if i.action_items.is_empty() {
            problems.push(format!("{} has no action items", i.id));
        }
        for a in &i.action_items {
            total += 1;
            if a.open {
                open += 1;
            }
            if a.owner.is_none() || a.due.is_none() {
                problems.push(format!(
                    "\"{}\" has no {}",
                    a.title,
                    if a.owner.is_none() {
                        "owner"
                    } else {
                        "due date"
                    }
                ));
            }
        }
    }
    let (st, reason) = if f.incidents.is_empty() {
        (Status::NotMet, "no incident recorded".to_string())
    } else if problems.is_empty() {
        (Status::Met, format!("{total} action item(s), {open} open"))
    } else {
        (Status::NotMet, problems.join("; "))
    };
    let hint = incident_hint(
        "action_items",
        "- { title: Add a lock timeout to migrations, owner: Kim Ortiz, due: 2026-05-06 }",
    );
    e.push(
        "incident.action_items",
        INCIDENT,
        "Release manager",
        "Action items captured (owner, due date)",
        at,
        st,
        reason,
        hint,
    );

    if f.withdrawn {
        let told: Vec<&str> = f
            .incidents
            .iter()
            .filter(|i| i.customer_message.is_some())
            .map(|i| i.id.as_str())
            .collect();
        let (st, reason) = if !customer_facing {
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
            "customer_message",
            "customer_message: Version 2.0.0 was withdrawn; 1.2.0 stays current",
        );
        e.push(
            "incident.customer_message",
            INCIDENT,
            "Customer communication",
            "Customers told that the release was withdrawn and which release is current",
            at,
            st,
            reason,
            hint,
        );
    }
}

/// Evaluates every readiness item for one release.
pub fn evaluate(f: &Facts<'_>, stage: Stage, strict: bool) -> Readiness {
    let mut e = Eval {
        f,
        stage,
        strict,
        items: Vec::new(),
        failed: false,
    };
    let m = f.meta;
    let pre = Stage::PreRelease;
    let post = Stage::PostDeploy;
    let customer_changes: Vec<&Change> = f
        .changes
        .iter()
        .filter(|c| c.is_for(Audience::Customer) && !c.held)
        .collect();
    let customer_facing = m
        .communication
        .customer_facing
        .unwrap_or(!customer_changes.is_empty());

    // ------------------------------------------------ pre-release requirements
    let r = &m.requirements;
    e.check(
        "requirements.acceptance_criteria",
        PRE,
        "Product",
        "Acceptance criteria met",
        pre,
        r.acceptance_criteria.as_ref(),
        "requirements.acceptance_criteria",
        "acceptance_criteria: true",
    );
    e.check(
        "requirements.prs_merged",
        PRE,
        "Release manager",
        "All pull requests merged",
        pre,
        r.prs_merged.as_ref(),
        "requirements.prs_merged",
        "prs_merged: true",
    );
    e.check(
        "requirements.ci",
        PRE,
        "QA",
        "CI passed",
        pre,
        r.ci.as_ref(),
        "requirements.ci",
        "ci: https://ci.example/run/123",
    );
    e.check(
        "requirements.security_scan",
        PRE,
        "DevOps",
        "Security scan passed",
        pre,
        r.security_scan.as_ref(),
        "requirements.security_scan",
        "security_scan: true",
    );

    let has_summary = m.summary.as_deref().is_some_and(|s| !s.trim().is_empty());
    let (st, reason) = match (has_summary, f.changes.len()) {
        (true, n) if n > 0 => (Status::Met, format!("summary and {n} change(s)")),
        (false, 0) => (Status::NotMet, "no summary and no changes".to_string()),
        (false, _) => (Status::NotMet, "no summary".to_string()),
        (true, _) => (Status::NotMet, "no changes in this release".to_string()),
    };
    let hint = if has_summary {
        Some("add a change file with `relnotes new`".to_string())
    } else {
        e.hint("summary", "summary: Bulk export for enterprise admins.")
    };
    e.push(
        "notes.drafted",
        PRE,
        "Release manager",
        "Release notes drafted",
        pre,
        st,
        reason,
        hint,
    );

    let plan = m.rollback.plan.as_deref().filter(|p| !p.trim().is_empty());
    let (st, reason) = match plan {
        Some(p) => (Status::Met, crate::domain::text::first_line(p).to_string()),
        None => (Status::NotMet, "no rollback or mitigation plan".into()),
    };
    let hint = e.hint(
        "rollback.plan",
        "plan: Redeploy 1.0.2 with the pipeline's rollback job.",
    );
    e.push(
        "rollback.plan",
        PRE,
        "DevOps",
        "Rollback / mitigation plan documented (rollback procedure ready)",
        pre,
        st,
        reason,
        hint,
    );

    let (st, reason) = if m.smoke_tests.is_empty() {
        (Status::NotMet, "no smoke tests listed".to_string())
    } else {
        (
            Status::Met,
            format!("{} smoke test(s) prepared", m.smoke_tests.len()),
        )
    };
    let hint = e.hint(
        "smoke_tests",
        "- { name: Log in and open the dashboard, status: pending }",
    );
    e.push(
        "smoke_tests.prepared",
        PRE,
        "QA",
        "Smoke tests prepared",
        pre,
        st,
        reason,
        hint,
    );

    let hotfix = m.kind == Some(crate::domain::input::ReleaseType::Hotfix);
    for role in &f.config.signoffs.required {
        let title = format!("Sign-off from {}", role_name(role));
        // A hotfix without customer-facing changes needs the sign-offs of
        // the people who test and run it, not of design and product.
        if hotfix && !customer_facing && !matches!(role.as_str(), "qa" | "devops") {
            e.push(
                format!("signoff.{role}"),
                PRE,
                &role_name(role),
                title,
                pre,
                Status::NotApplicable,
                format!("a hotfix without customer-facing changes needs no sign-off from {role}"),
                None,
            );
            continue;
        }
        let (st, reason) = match m.signoffs.get(role) {
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
                SignoffStatus::Pending => {
                    (Status::NotMet, format!("sign-off from {role} is pending"))
                }
                SignoffStatus::Approved => match (&s.by, &s.at) {
                    (Some(by), Some(at)) => (Status::Met, format!("approved by {by} on {at}")),
                    _ => (
                        Status::NotMet,
                        "approved, but without who (`by`) and when (`at`)".into(),
                    ),
                },
            },
        };
        let hint = e.hint(
            &format!("signoffs.{role}"),
            &format!("{role}: {{ by: Name, at: 2026-03-01, status: approved }}"),
        );
        e.push(
            format!("signoff.{role}"),
            PRE,
            &role_name(role),
            title,
            pre,
            st,
            reason,
            hint,
        );
    }
    for (role, s) in &m.signoffs {
        if !f.config.signoffs.required.contains(role) && s.status == SignoffStatus::Rejected {
            let hint = e.hint(&format!("signoffs.{role}.status"), "status: approved");
            e.push(
                format!("signoff.{role}"),
                PRE,
                &role_name(role),
                format!("Sign-off from {}", role_name(role)),
                pre,
                Status::NotMet,
                format!("rejected by {}", s.by.as_deref().unwrap_or("unknown")),
                hint,
            );
        }
    }

    e.check(
        "support.trained",
        PRE,
        "Support",
        "Support team trained and ready",
        pre,
        m.support.trained.as_ref(),
        "support.trained",
        "trained: true",
    );

    if customer_facing {
        e.check(
            "communication.plan_finalized",
            PRE,
            "Customer communication",
            "Customer communication plan finalized",
            pre,
            m.communication.plan_finalized.as_ref(),
            "communication.plan_finalized",
            "plan_finalized: true",
        );
    } else {
        e.push(
            "communication.plan_finalized",
            PRE,
            "Customer communication",
            "Customer communication plan finalized",
            pre,
            Status::NotApplicable,
            "no customer-facing changes",
            None,
        );
    }

    // ------------------------------------------------ deployment checklist
    let d = &m.deployment;
    let (st, reason) = match &d.window {
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
    let hint = e.hint(
        "deployment.window",
        "window: { start: 2026-03-02T13:00:00Z, end: 2026-03-02T14:00:00Z }",
    );
    e.push(
        "deployment.window",
        DEPLOY,
        "Release manager",
        "Deployment window scheduled",
        pre,
        st,
        reason,
        hint,
    );

    e.check(
        "deployment.backup",
        DEPLOY,
        "DevOps",
        "Backup or snapshot taken (if applicable)",
        pre,
        d.backup.as_ref(),
        "deployment.backup",
        "backup: snapshot db-2026-03-02",
    );

    let staging_tests: Vec<_> = m
        .smoke_tests
        .iter()
        .filter(|t| t.env == crate::domain::input::Environment::Staging)
        .collect();
    let failed: Vec<&str> = staging_tests
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .map(|t| t.name.as_str())
        .collect();
    let (st, reason) = match d.staging.as_ref().map(Check::answer) {
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
    let hint = e.hint("deployment.staging", "staging: passed");
    e.push(
        "deployment.staging",
        DEPLOY,
        "DevOps",
        "Staging deploy and smoke tests (infrastructure validated in staging)",
        pre,
        st,
        reason,
        hint,
    );

    let (st, reason) = match (
        d.pipeline.as_deref(),
        d.production.as_ref().map(|p| (p.answer(), p)),
    ) {
        (None, _) => (Status::NotMet, "no deployment pipeline named".to_string()),
        (Some(_), Some((Answer::Yes, p))) => (
            Status::Met,
            format!("deployed: {}", p.evidence().unwrap_or("yes")),
        ),
        (Some(p), Some((Answer::No, c))) => (
            Status::NotMet,
            match c {
                Check::Text(t)
                    if t.to_ascii_lowercase().contains("roll")
                        || t.to_ascii_lowercase().contains("revert") =>
                {
                    format!("production deploy through {p} was rolled back ({t})")
                }
                _ => format!("production deploy through {p} failed"),
            },
        ),
        (Some(p), _) => (
            Status::NotMet,
            format!("not deployed to production yet (pipeline {p})"),
        ),
    };
    let deploy_failed = d
        .production
        .as_ref()
        .is_some_and(|p| p.answer() == Answer::No);
    let hint = e.hint("deployment.production", "production: deployed");
    e.push(
        "deployment.production",
        DEPLOY,
        "DevOps",
        "Production deploy through the pipeline",
        post,
        st,
        reason,
        hint,
    );
    if deploy_failed {
        e.failed_now();
    }

    let pending: Vec<&str> = d
        .verifications
        .iter()
        .filter(|v| v.status() != TestStatus::Passed)
        .map(|v| v.name())
        .collect();
    let (st, reason) = if d.verifications.is_empty() {
        (
            Status::NotMet,
            "no post-deploy verifications listed".to_string(),
        )
    } else if pending.is_empty() {
        (
            Status::Met,
            format!("{} verification(s) passed", d.verifications.len()),
        )
    } else {
        (
            Status::NotMet,
            format!("not passed yet: {}", pending.join(", ")),
        )
    };
    let failed: Vec<&str> = d
        .verifications
        .iter()
        .filter(|v| v.status() == TestStatus::Failed)
        .map(|v| v.name())
        .collect();
    let (st, reason) = if failed.is_empty() {
        (st, reason)
    } else {
        (Status::NotMet, format!("failed: {}", failed.join(", ")))
    };
    let hint = e.hint(
        "deployment.verifications",
        "- { name: Health checks green for 30 minutes, status: passed }",
    );
    e.push(
        "deployment.verifications",
        DEPLOY,
        "DevOps",
        "Post-deploy verifications",
        post,
        st,
        reason,
        hint,
    );
    if !failed.is_empty() {
        e.failed_now();
    }

    e.check(
        "communication.announcement_sent",
        DEPLOY,
        "Release manager",
        "Announcement sent to stakeholders and support",
        post,
        m.communication.announcement_sent.as_ref(),
        "communication.announcement_sent",
        "announcement_sent: true",
    );
    e.check(
        "support.notified",
        DEPLOY,
        "Support",
        "Support notified with release notes and known issues",
        post,
        m.support.notified.as_ref(),
        "support.notified",
        "notified: true",
    );
    if customer_facing {
        e.check(
            "communication.sent",
            DEPLOY,
            "Customer communication",
            "Customer communication sent",
            post,
            m.communication.sent.as_ref(),
            "communication.sent",
            "sent: true",
        );
    } else {
        e.push(
            "communication.sent",
            DEPLOY,
            "Customer communication",
            "Customer communication sent",
            post,
            Status::NotApplicable,
            "no customer-facing changes",
            None,
        );
    }
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
    let hint = e.hint(
        "deployment.dashboards_reviewed",
        "dashboards_reviewed: true",
    );
    e.push(
        "deployment.dashboards_reviewed",
        DEPLOY,
        "DevOps",
        "Monitoring dashboards reviewed with DevOps",
        post,
        st,
        reason,
        hint,
    );

    e.check(
        "support.escalation_updated",
        DEPLOY,
        "Support",
        "Support escalation procedures updated",
        pre,
        m.support.escalation_updated.as_ref(),
        "support.escalation_updated",
        "escalation_updated: true",
    );

    for c in f.changes {
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
            e.push(
                format!("deploy.{}.{}", c.id, n + 1),
                DEPLOY,
                &role_name(&item.owner),
                item.item.clone(),
                post,
                st,
                reason,
                hint,
            );
        }
    }

    // ------------------------------------------------ coordination: DevOps
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
    let hint = e.hint(
        "deployment.pipeline",
        "pipeline: https://ci.example/deploy/456",
    );
    e.push(
        "deployment.automation",
        COORD,
        "DevOps",
        "Deployment automation in place",
        pre,
        st,
        reason,
        hint,
    );
    e.check(
        "deployment.alerts_configured",
        COORD,
        "DevOps",
        "Monitoring alerts configured before production",
        pre,
        d.alerts_configured.as_ref(),
        "deployment.alerts_configured",
        "alerts_configured: true",
    );
    e.check(
        "deployment.health_checks",
        COORD,
        "DevOps",
        "Automated health checks",
        pre,
        d.health_checks.as_ref(),
        "deployment.health_checks",
        "health_checks: true",
    );
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
    let hint = e.hint(
        "deployment.dashboards",
        "dashboards: [{ name: Billing latency, url: https://grafana.example/d/billing }]",
    );
    e.push(
        "deployment.dashboards",
        COORD,
        "DevOps",
        "Monitoring dashboards prepared",
        pre,
        st,
        reason,
        hint,
    );
    let (st, reason) = if d.channels.is_empty() {
        (
            Status::NotMet,
            "no communication channel for the deploy".to_string(),
        )
    } else {
        (Status::Met, d.channels.join(", "))
    };
    let hint = e.hint("deployment.channels", "channels: [\"#release-1-1\"]");
    e.push(
        "deployment.channels",
        COORD,
        "DevOps",
        "Communication channels open",
        pre,
        st,
        reason,
        hint,
    );

    // ------------------------------------------------ coordination: Support
    e.check(
        "support.kb_published",
        COORD,
        "Support",
        "Knowledge base published",
        pre,
        m.support.kb_published.as_ref(),
        "support.kb_published",
        "kb_published: true",
    );
    let missing: Vec<&str> = f
        .known_issues
        .iter()
        .filter(|k| k.workaround.is_none() && !k.no_workaround)
        .map(|k| k.id.as_str())
        .collect();
    let (st, reason) = if f.known_issues.is_empty() {
        (
            Status::Met,
            "no known issues affect this release".to_string(),
        )
    } else if missing.is_empty() {
        (
            Status::Met,
            format!(
                "{} known issue(s), each with a workaround or `none`",
                f.known_issues.len()
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
    e.push(
        "support.known_issues",
        COORD,
        "Support",
        "Known issues and workarounds documented",
        pre,
        st,
        reason,
        hint,
    );
    e.check(
        "support.logs_access",
        COORD,
        "Support",
        "Support has access to logs and monitoring",
        pre,
        m.support.logs_access.as_ref(),
        "support.logs_access",
        "logs_access: true",
    );
    let escalation = f.escalation;
    let (st, reason) = match escalation {
        Some(p) if !p.trim().is_empty() => (Status::Met, p.to_string()),
        _ => (
            Status::NotMet,
            "no escalation path to engineering".to_string(),
        ),
    };
    let hint = e.hint(
        "support.escalation",
        "escalation: \"#support-escalations, then the on-call engineer\"",
    );
    e.push(
        "support.escalation",
        COORD,
        "Support",
        "Escalation path to engineering",
        pre,
        st,
        reason,
        hint,
    );
    let hours = m
        .support
        .hypercare_hours
        .unwrap_or(crate::domain::model::DEFAULT_HYPERCARE_HOURS);
    let (st, reason) = match f.hypercare {
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
    let hint = e.hint("support.hypercare_hours", "hypercare_hours: 48");
    e.push(
        "support.hypercare",
        COORD,
        "Support",
        "Hypercare window (24-48 hours of close coordination)",
        pre,
        st,
        reason,
        hint,
    );

    // ------------------------------------------------ coordination: customers
    if customer_facing {
        let c = &m.communication;
        let unknown: Vec<&str> = c
            .segments
            .iter()
            .map(String::as_str)
            .filter(|s| !is_segment(f.config, s))
            .collect();
        let (st, reason) = if c.segments.is_empty() {
            (Status::Met, "all customers".to_string())
        } else if unknown.is_empty() {
            (
                Status::Met,
                c.segments
                    .iter()
                    .map(|s| f.config.segment_name(s))
                    .collect::<Vec<_>>()
                    .join(", "),
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
        let hint = Some(segment_hint(f.config, &unknown));
        e.push(
            "communication.segments",
            COORD,
            "Customer communication",
            "Targeted segments exist",
            pre,
            st,
            reason,
            hint,
        );

        let (st, reason) = match (&c.send_at, &d.window) {
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
        let hint = e.hint("communication.send_at", "send_at: 2026-03-02T15:00:00Z");
        e.push(
            "communication.timing",
            COORD,
            "Customer communication",
            "Timing aligned with the deployment",
            pre,
            st,
            reason,
            hint,
        );

        let (st, reason) = if c.feedback.is_empty() {
            (Status::NotMet, "no feedback channel watched".to_string())
        } else {
            (Status::Met, c.feedback.join(", "))
        };
        let hint = e.hint(
            "communication.feedback",
            "feedback: [\"#customer-feedback\"]",
        );
        e.push(
            "communication.feedback",
            COORD,
            "Customer communication",
            "Feedback channels watched",
            pre,
            st,
            reason,
            hint,
        );
    } else {
        for (id, title) in [
            ("communication.segments", "Targeted segments exist"),
            ("communication.timing", "Timing aligned with the deployment"),
            ("communication.feedback", "Feedback channels watched"),
        ] {
            e.push(
                id,
                COORD,
                "Customer communication",
                title,
                pre,
                Status::NotApplicable,
                "no customer-facing changes",
                None,
            );
        }
    }

    // ------------------------------------------------ coordination: quality
    let prod: Vec<_> = m
        .smoke_tests
        .iter()
        .filter(|t| t.env == crate::domain::input::Environment::Production)
        .collect();
    let not_passed: Vec<&str> = prod
        .iter()
        .filter(|t| t.status != TestStatus::Passed)
        .map(|t| t.name.as_str())
        .collect();
    let (st, reason) = if prod.is_empty() {
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
    let failed: Vec<&str> = prod
        .iter()
        .filter(|t| t.status == TestStatus::Failed)
        .map(|t| t.name.as_str())
        .collect();
    let (st, reason) = if failed.is_empty() {
        (st, reason)
    } else {
        (
            Status::NotMet,
            format!("failed in production: {}", failed.join(", ")),
        )
    };
    let hint = e.hint(
        "smoke_tests",
        "- { name: Log in, status: passed, env: production }",
    );
    e.push(
        "qa.smoke_production",
        COORD,
        "QA",
        "Smoke tests pass in production",
        post,
        st,
        reason,
        hint,
    );
    if !failed.is_empty() {
        e.failed_now();
    }

    let flows = &m.qa.critical_flows;
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
    let hint = e.hint(
        "qa.critical_flows",
        "critical_flows: [Checkout, Invoice export]",
    );
    e.push(
        "qa.critical_flows",
        COORD,
        "QA",
        "Critical user flows tested",
        pre,
        st,
        reason,
        hint,
    );

    let mut parts = Vec::new();
    let mut regressions = Vec::new();
    let mut missing_current = Vec::new();
    for p in &m.qa.performance {
        match p.current {
            None => missing_current.push(p.metric.as_str()),
            Some(cur) => {
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
        }
    }
    let (st, reason) = if m.qa.performance.is_empty() {
        (
            Status::NotMet,
            "no performance figures compared to the baseline".to_string(),
        )
    } else if !missing_current.is_empty() {
        (
            Status::NotMet,
            format!("no current value for {}", missing_current.join(", ")),
        )
    } else if !regressions.is_empty() {
        (
            Status::NotMet,
            format!(
                "regression beyond tolerance in {}; escalate: {}",
                regressions.join(", "),
                parts.join("; ")
            ),
        )
    } else {
        (Status::Met, parts.join("; "))
    };
    let hint = e.hint(
        "qa.performance",
        "- { metric: p95 billing page ms, baseline: 420, current: 380 }",
    );
    e.push(
        "qa.performance",
        COORD,
        "QA",
        "Performance compared to baseline",
        pre,
        st,
        reason,
        hint,
    );

    // ------------------------------------------------ release type
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
    e.push(
        "release.type",
        Section::ReleaseType,
        "Release manager",
        "Version bump agrees with the changes",
        pre,
        st,
        reason,
        hint,
    );
    let (st, reason) = match m.kind {
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
    let hint = e.hint("type", &format!("type: {}", f.bump));
    e.push(
        "release.declared_type",
        Section::ReleaseType,
        "Release manager",
        "Declared release type agrees",
        pre,
        st,
        reason,
        hint,
    );

    // ------------------------------------------------ content rules
    let no_upgrade: Vec<&Change> = f
        .changes
        .iter()
        .filter(|c| c.breaking && c.upgrade.as_deref().is_none_or(|u| u.trim().is_empty()))
        .collect();
    let breaking = f.changes.iter().filter(|c| c.breaking).count();
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
                no_upgrade
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        )
    };
    let hint = no_upgrade.first().map(|c| match c.origin {
        Origin::File => format!("{}: add `upgrade: |` with the migration step for customers", c.path.as_deref().unwrap_or("")),
        Origin::Commit => format!("add a change file for commit {} with `breaking: true` and `upgrade: |` (or a `BREAKING CHANGE:` footer)", c.id),
    });
    e.push(
        "content.upgrade_steps",
        Section::Content,
        "Release manager",
        "Every breaking change has an upgrade step",
        pre,
        st,
        reason,
        hint,
    );

    let mut bad_segments = Vec::new();
    for c in f.changes {
        for s in &c.segments {
            if !is_segment(f.config, s) {
                bad_segments.push(format!("{} targets `{s}`", c.id));
            }
        }
    }
    for k in f.known_issues {
        for s in &k.segments {
            if !is_segment(f.config, s) {
                bad_segments.push(format!("{} targets `{s}`", k.id));
            }
        }
    }
    let (st, reason) = if bad_segments.is_empty() {
        (
            Status::Met,
            "every targeted segment is configured".to_string(),
        )
    } else {
        (
            Status::NotMet,
            format!("unknown segment: {}", bad_segments.join("; ")),
        )
    };
    let unknown: Vec<&str> = bad_segments
        .iter()
        .filter_map(|b| b.split('`').nth(1))
        .collect();
    let hint = Some(segment_hint(f.config, &unknown));
    e.push(
        "content.segments",
        Section::Content,
        "Customer communication",
        "No change targets an unknown segment",
        pre,
        st,
        reason,
        hint,
    );

    // What every customer reads must not announce what only some get.
    let leaks: Vec<String> = match m.summary.as_deref() {
        Some(summary) => f
            .changes
            .iter()
            .filter(|c| !c.segments.is_empty() && crate::domain::text::mentions(summary, &c.title))
            .map(|c| format!("{} ({} only)", c.id, c.segments.join(", ")))
            .collect(),
        None => Vec::new(),
    };
    let (st, reason) = if f.changes.iter().all(|c| c.segments.is_empty()) {
        (
            Status::NotApplicable,
            "no change is for some segments only".to_string(),
        )
    } else if leaks.is_empty() {
        (
            Status::Met,
            format!(
                "checked against {} segment-only change(s)",
                f.changes.iter().filter(|c| !c.segments.is_empty()).count()
            ),
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
    let hint = e.hint(
        "segments.<id>.summary",
        "segments: { enterprise: { summary: \"Bulk export ...\" } }",
    );
    e.push(
        "content.segment_summary",
        Section::Content,
        "Customer communication",
        "The summary for all customers names no segment-only change",
        pre,
        st,
        reason,
        hint,
    );

    let leaks: Vec<&str> = f
        .changes
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
    e.push(
        "content.internal_text",
        Section::Content,
        "Customer communication",
        "Internal text stays out of customer fields",
        pre,
        st,
        reason,
        hint,
    );

    // ------------------------------------------------ coverage
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
    e.push(
        "coverage.commits",
        Section::Coverage,
        "Release manager",
        "Customer-visible commits covered by change files",
        pre,
        st,
        reason,
        hint,
    );

    // ------------------------------------------------ rollback target
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
    let hint = e.hint("rollback.last_known_good", "last_known_good: 1.0.2");
    e.push(
        "rollback.last_known_good",
        Section::Rollback,
        "DevOps",
        "Last known-good release named and tagged",
        pre,
        st,
        reason,
        hint,
    );

    // The playbook: asked for with `--stage incident`, and switched on by
    // a failed deploy or a recorded incident whatever the stage.
    if stage == Stage::Incident || e.failed || !f.incidents.is_empty() || f.withdrawn {
        playbook(&mut e, customer_facing);
    }

    let counts = Counts {
        met: e.items.iter().filter(|i| i.status == Status::Met).count(),
        not_met: e
            .items
            .iter()
            .filter(|i| i.status == Status::NotMet)
            .count(),
        pending: e
            .items
            .iter()
            .filter(|i| i.status == Status::Pending)
            .count(),
        not_applicable: e
            .items
            .iter()
            .filter(|i| i.status == Status::NotApplicable)
            .count(),
        warning: e
            .items
            .iter()
            .filter(|i| i.status == Status::Warning)
            .count(),
    };
    let ready = !e.items.iter().any(|i| i.blocking);
    Readiness {
        stage,
        strict,
        ready,
        counts,
        items: e.items,
    }
}

fn is_segment(config: &Config, s: &str) -> bool {
    config.segments.contains_key(s)
}

fn segment_hint(config: &Config, unknown: &[&str]) -> String {
    let known: Vec<&str> = config.segments.keys().map(String::as_str).collect();
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

fn names<'a>(it: impl Iterator<Item = &'a str>) -> String {
    it.collect::<Vec<_>>().join(", ")
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
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

#[cfg(test)]
mod tests {
    use super::Status;

    /// Template contexts use `key()`, release.json uses serde: one name.
    #[test]
    fn status_key_is_the_serialized_name() {
        for s in [
            Status::Met,
            Status::NotMet,
            Status::Pending,
            Status::NotApplicable,
            Status::Warning,
        ] {
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.key())
            );
        }
    }
}
