//! The readiness gate: evaluates every item of the release guide (pre-release
//! requirements, sign-offs, deployment checklist, coordination, release type,
//! content rules, coverage, rollback) from the release model and metadata.
//! One evaluation serves `check`, the `readiness` and `stakeholders` pages and
//! the preview. This module decides; it neither reads files nor prints.

use serde::{Deserialize, Serialize};

use crate::domain::checklist::{Answered, Checklist, ItemDef, TypeName};
use crate::domain::config::Config;
use crate::domain::input::{Answer, Check, ReleaseMeta};
use crate::domain::model::{Audience, Bump, Change, CommitInfo, KnownIssue, Release};

mod document;
mod playbook;
mod rules;

pub use document::{document, DocItem, DocProfile, DocSection, Document};
pub use rules::RULES;

/// When the gate is run.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
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

/// The part of the release guide an item belongs to. Checklist files name
/// it briefly (`pre-release`); reports and JSON spell it out.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, schemars::JsonSchema)]
pub enum Section {
    #[serde(rename(serialize = "pre-release requirements", deserialize = "pre-release"))]
    PreRelease,
    #[serde(rename(serialize = "deployment checklist", deserialize = "deployment"))]
    Deployment,
    #[serde(rename = "coordination")]
    Coordination,
    #[serde(rename(serialize = "release type", deserialize = "release-type"))]
    ReleaseType,
    #[serde(rename = "content")]
    Content,
    #[serde(rename = "coverage")]
    Coverage,
    #[serde(rename = "rollback")]
    Rollback,
    #[serde(rename(serialize = "incident playbook", deserialize = "incident"))]
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
    /// The release type whose checklist was applied.
    pub release_type: Option<TypeName>,
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

/// What a rule says about one item: its status, why, and what to do.
#[derive(Debug, Clone)]
pub struct Found {
    pub status: Status,
    pub reason: String,
    pub hint: Option<String>,
    /// A deploy, verification or check after the deploy failed: the item
    /// blocks at every stage, the hint points to the rollback and incident
    /// playbook, and the playbook applies.
    pub failed: bool,
    /// For a rule that makes several items (sign-offs, deploy steps): this
    /// item's own id, role name and title.
    pub named: Option<(String, String, String)>,
}

impl Found {
    pub fn new(status: Status, reason: impl Into<String>, hint: Option<String>) -> Self {
        Found {
            status,
            reason: reason.into(),
            hint,
            failed: false,
            named: None,
        }
    }

    fn failed(mut self) -> Self {
        self.failed = true;
        self
    }

    fn named(mut self, id: String, role: String, title: String) -> Self {
        self.named = Some((id, role, title));
        self
    }
}

/// What a rule sees: the facts of the release, the checklist item it
/// answers, and what the checklist decides for the release's type.
pub struct Cx<'a> {
    pub f: &'a Facts<'a>,
    pub def: &'a ItemDef,
    pub checklist: &'a Checklist,
    pub kind: TypeName,
    pub customer_facing: bool,
}

impl Cx<'_> {
    /// The hint for a field of the release metadata.
    fn hint(&self, field: &str, example: &str) -> Option<String> {
        Some(format!(
            "{}: set `{field}` (for example `{example}`)",
            self.f.meta_file
        ))
    }
}

/// The check fields of the release metadata an item can name with
/// `field:` (besides the project's own `checks.<name>`).
pub const FIELDS: &[&str] = &[
    "requirements.acceptance_criteria",
    "requirements.prs_merged",
    "requirements.ci",
    "requirements.security_scan",
    "support.trained",
    "support.escalation_updated",
    "support.notified",
    "support.kb_published",
    "support.logs_access",
    "communication.plan_finalized",
    "communication.sent",
    "communication.announcement_sent",
    "deployment.backup",
    "deployment.staging",
    "deployment.production",
    "deployment.automation",
    "deployment.alerts_configured",
    "deployment.health_checks",
    "deployment.dashboards_reviewed",
];

/// The value of a check field (`None`: not answered).
fn field<'a>(m: &'a ReleaseMeta, name: &str) -> Option<&'a Check> {
    if let Some(own) = name.strip_prefix("checks.") {
        return m.checks.get(own);
    }
    let (r, s, c, d) = (&m.requirements, &m.support, &m.communication, &m.deployment);
    match name {
        "requirements.acceptance_criteria" => r.acceptance_criteria.as_ref(),
        "requirements.prs_merged" => r.prs_merged.as_ref(),
        "requirements.ci" => r.ci.as_ref(),
        "requirements.security_scan" => r.security_scan.as_ref(),
        "support.trained" => s.trained.as_ref(),
        "support.escalation_updated" => s.escalation_updated.as_ref(),
        "support.notified" => s.notified.as_ref(),
        "support.kb_published" => s.kb_published.as_ref(),
        "support.logs_access" => s.logs_access.as_ref(),
        "communication.plan_finalized" => c.plan_finalized.as_ref(),
        "communication.sent" => c.sent.as_ref(),
        "communication.announcement_sent" => c.announcement_sent.as_ref(),
        "deployment.backup" => d.backup.as_ref(),
        "deployment.staging" => d.staging.as_ref(),
        "deployment.production" => d.production.as_ref(),
        "deployment.automation" => d.automation.as_ref(),
        "deployment.alerts_configured" => d.alerts_configured.as_ref(),
        "deployment.health_checks" => d.health_checks.as_ref(),
        "deployment.dashboards_reviewed" => d.dashboards_reviewed.as_ref(),
        _ => None,
    }
}

/// What the checklist is checked against when it is read.
pub fn known() -> crate::domain::checklist::Known<'static> {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    let rules = NAMES.get_or_init(|| rules::RULES.iter().map(|(n, ..)| *n).collect());
    crate::domain::checklist::Known {
        rules,
        fields: FIELDS,
    }
}

/// An item answered by a check field: done (with its evidence), failed,
/// pending, not applicable or not answered.
fn check_field(cx: &Cx<'_>, name: &str) -> Found {
    let value = field(cx.f.meta, name);
    let (status, reason) = match value.map(|v| (v.answer(), v)) {
        // Reasons are for readers of the pages: the field is named in the
        // hint, for the release manager who fills it in.
        None => (Status::NotMet, "not answered yet".to_string()),
        Some((Answer::Yes, v)) => (Status::Met, v.evidence().unwrap_or("done").to_string()),
        Some((Answer::No, _)) => (Status::NotMet, "answered no: failed".to_string()),
        Some((Answer::Pending, _)) => (Status::NotMet, "still pending".to_string()),
        Some((Answer::NotApplicable, _)) => (Status::NotApplicable, "not applicable".to_string()),
    };
    let example = cx
        .def
        .example
        .clone()
        .unwrap_or_else(|| format!("{}: done", name.rsplit('.').next().unwrap_or(name)));
    let found = Found::new(status, reason, cx.hint(name, &example));
    // A post-deploy check that failed is an incident, not a to-do.
    if cx.def.stage == Stage::PostDeploy && value.is_some_and(|v| v.answer() == Answer::No) {
        found.failed()
    } else {
        found
    }
}

/// The release type whose profile applies: the declared one, else the
/// version bump (a first release counts as major; a pre-release as what
/// its changes call for).
pub fn release_type(f: &Facts<'_>) -> TypeName {
    if let Some(t) = f.meta.kind {
        return TypeName::of(t);
    }
    let bump = match f.bump {
        Bump::Prerelease => f.required,
        b => b,
    };
    match bump {
        Bump::Patch => TypeName::Patch,
        Bump::Minor => TypeName::Minor,
        _ => TypeName::Major,
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

impl Eval<'_> {
    fn push(&mut self, def: &ItemDef, role: String, found: Found) {
        let (id, role, title) = found
            .named
            .unwrap_or_else(|| (def.id.clone(), role, def.title.clone()));
        // An item of a later stage that is not done yet is pending, not
        // failed; one that failed blocks at every stage.
        let status = if found.failed {
            Status::NotMet
        } else if def.stage == Stage::PostDeploy
            && self.stage == Stage::PreRelease
            && found.status == Status::NotMet
        {
            Status::Pending
        } else {
            found.status
        };
        self.failed |= found.failed;
        let blocking = status == Status::NotMet || (self.strict && status == Status::Warning);
        let hint = if found.failed {
            Some(self.playbook_hint())
        } else if matches!(status, Status::Met | Status::NotApplicable) {
            None
        } else {
            found.hint
        };
        self.items.push(Item {
            id,
            section: def.section,
            role,
            title,
            status,
            stage: def.stage,
            blocking,
            reason: found.reason,
            hint,
        });
    }

    /// What to do when a deploy, verification or smoke test failed: the
    /// guide's playbook, with the names this release gives.
    fn playbook_hint(&self) -> String {
        let who = self
            .f
            .meta
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
}

/// Evaluates readiness for an assembled release, at `stage`. `meta_file` is
/// where its metadata file is (or would be), as paths are shown.
#[allow(clippy::too_many_arguments)]
pub fn evaluate_release(
    release: &Release,
    meta_file: String,
    config: &Config,
    checklist: &Checklist,
    versions: &[String],
    rolled_back: &[String],
    stage: Stage,
    strict: bool,
) -> Readiness {
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
    evaluate(&facts, checklist, stage, strict)
}

/// Evaluates every item of the checklist for one release: the items of
/// the release's type in order, then the playbook's when it applies
/// (asked for with `--stage incident`, or switched on by a failure or a
/// recorded incident whatever the stage).
pub fn evaluate(f: &Facts<'_>, checklist: &Checklist, stage: Stage, strict: bool) -> Readiness {
    let mut e = Eval {
        f,
        stage,
        strict,
        items: Vec::new(),
        failed: false,
    };
    let kind = release_type(f);
    let customer_facing = f.meta.communication.customer_facing.unwrap_or_else(|| {
        f.changes
            .iter()
            .any(|c| c.is_for(Audience::Customer) && !c.held)
    });
    let profile = checklist.profile(kind);
    let (playbook, main): (Vec<&ItemDef>, Vec<&ItemDef>) = checklist
        .items
        .iter()
        .filter(|d| d.applies_to(kind))
        .partition(|d| d.stage == Stage::Incident);
    let walk = |e: &mut Eval<'_>, items: &[&ItemDef]| {
        for def in items {
            let cx = Cx {
                f,
                def,
                checklist,
                kind,
                customer_facing,
            };
            let role = checklist.role_name(&def.role);
            for found in answer(&cx, &profile) {
                e.push(def, role.clone(), found);
            }
        }
    };
    walk(&mut e, &main);
    if stage == Stage::Incident || e.failed || !f.incidents.is_empty() || f.withdrawn {
        walk(&mut e, &playbook);
    }
    finish(e, kind)
}

/// What the release says to one checklist item.
fn answer(cx: &Cx<'_>, profile: &crate::domain::checklist::Profile) -> Vec<Found> {
    if profile.drop.contains(&cx.def.id) {
        let reason = format!("not on the {} release checklist", cx.kind.as_str());
        return vec![Found::new(Status::NotApplicable, reason, None)];
    }
    if cx.def.customer_facing && !cx.customer_facing {
        return vec![Found::new(
            Status::NotApplicable,
            "no customer-facing changes",
            None,
        )];
    }
    match cx.def.answered() {
        Answered::Field(name) => vec![check_field(cx, &name)],
        Answered::Rule(name) => match rules::rule(&name) {
            Some(rule) => rule(cx),
            // Unknown rules are refused when the checklist is read.
            None => Vec::new(),
        },
    }
}

fn finish(e: Eval<'_>, kind: TypeName) -> Readiness {
    let count = |s: Status| e.items.iter().filter(|i| i.status == s).count();
    let counts = Counts {
        met: count(Status::Met),
        not_met: count(Status::NotMet),
        pending: count(Status::Pending),
        not_applicable: count(Status::NotApplicable),
        warning: count(Status::Warning),
    };
    Readiness {
        release_type: Some(kind),
        stage: e.stage,
        strict: e.strict,
        ready: !e.items.iter().any(|i| i.blocking),
        counts,
        items: e.items,
    }
}

#[cfg(test)]
mod tests;
