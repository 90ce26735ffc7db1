//! The input types: change files, release metadata and known issues as
//! `.relnotes/` declares them. Field names follow SPEC section 3 and the
//! appendix examples; every struct denies unknown fields so a typo is an
//! error, not a silent default. Reading the files is the sources layer's job.

use std::collections::BTreeMap;

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------- change files

#[derive(
    Debug,
    Clone,
    Copy,
    Deserialize,
    Serialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    Customer,
    Support,
    Internal,
}

impl Audience {
    pub const ALL: [Audience; 3] = [Audience::Customer, Audience::Support, Audience::Internal];

    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Customer => "customer",
            Audience::Support => "support",
            Audience::Internal => "internal",
        }
    }

    /// The names of every audience, in order, for messages and flags.
    pub fn names() -> Vec<&'static str> {
        Audience::ALL.iter().map(|a| a.as_str()).collect()
    }
}

#[derive(
    Debug,
    Clone,
    Copy,
    Deserialize,
    Serialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    Added,
    Changed,
    Deprecated,
    Removed,
    Fixed,
    Security,
}

impl ChangeKind {
    /// Every kind, in the order notes list them: the one list of kinds.
    pub const ALL: [ChangeKind; 6] = [
        ChangeKind::Added,
        ChangeKind::Changed,
        ChangeKind::Deprecated,
        ChangeKind::Removed,
        ChangeKind::Fixed,
        ChangeKind::Security,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Added => "added",
            ChangeKind::Changed => "changed",
            ChangeKind::Deprecated => "deprecated",
            ChangeKind::Removed => "removed",
            ChangeKind::Fixed => "fixed",
            ChangeKind::Security => "security",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The names of every kind, in order, for messages.
    pub fn names() -> Vec<&'static str> {
        ChangeKind::ALL.iter().map(|k| k.as_str()).collect()
    }
}

/// A deployment checklist item contributed by a change.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeployItem {
    pub item: String,
    pub owner: String,
    /// Whether it has been done (`done`, `pending`, true/false or a link).
    #[serde(default)]
    pub status: Option<Check>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeFront {
    #[serde(rename = "type")]
    pub kind: ChangeKind,
    #[serde(default)]
    pub breaking: bool,
    #[serde(default)]
    pub audiences: Option<Vec<Audience>>,
    #[serde(default)]
    pub segments: Option<Vec<String>>,
    /// In a monorepo: the packages a shared change file
    /// (`changes/unreleased/`) is for.
    #[serde(default)]
    pub packages: Option<Vec<String>>,
    #[serde(default)]
    pub prs: Vec<u64>,
    #[serde(default)]
    pub commits: Vec<String>,
    #[serde(default)]
    pub issues: Vec<String>,
    #[serde(default)]
    pub component: Option<String>,
    #[serde(default)]
    pub upgrade: Option<String>,
    #[serde(default)]
    pub support: Option<String>,
    #[serde(default)]
    pub internal: Option<String>,
    #[serde(default)]
    pub deploy: Vec<DeployItem>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub publish_after: Option<jiff::civil::Date>,
}

/// One change file as read from disk.
#[derive(Debug, Clone)]
pub struct ChangeFile {
    /// The file name without extension: the change's stable id.
    pub id: String,
    pub path: PathBuf,
    pub front: ChangeFront,
    /// The customer-facing Markdown text.
    pub body: String,
}

// ---------------------------------------------------------------- known issues

#[derive(
    Debug,
    Clone,
    Copy,
    Deserialize,
    Serialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(
    Debug,
    Clone,
    Copy,
    Deserialize,
    Serialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum IssueStatus {
    Open,
    Fixed,
}

impl IssueStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            IssueStatus::Open => "open",
            IssueStatus::Fixed => "fixed",
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct KnownIssueFront {
    pub id: String,
    pub title: String,
    /// In a monorepo: the packages it affects (`affects` is their version
    /// range); empty: every package.
    #[serde(default)]
    pub packages: Vec<String>,
    #[schemars(with = "String")]
    pub affects: semver::VersionReq,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub fixed_in: Option<semver::Version>,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    #[serde(default)]
    pub segments: Option<Vec<String>>,
    #[serde(default)]
    pub status: Option<IssueStatus>,
    /// The workaround; `none` (or an empty string) says there is none.
    #[serde(default)]
    pub workaround: Option<String>,
}

fn default_severity() -> Severity {
    Severity::Medium
}

#[derive(Debug, Clone)]
pub struct KnownIssueFile {
    pub path: PathBuf,
    pub front: KnownIssueFront,
    pub body: String,
}

// --------------------------------------------------------------- incidents

/// The front matter of `.relnotes/incidents/<id>.md`: a production
/// incident of one release, as the guide's rollback and incident playbook
/// records it. The Markdown after it is the timeline.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentFront {
    /// The release version the incident is about (`1.4.0`).
    #[schemars(with = "String")]
    pub release: semver::Version,
    /// In a monorepo: the package whose release it is.
    #[serde(default)]
    pub package: Option<String>,
    pub title: String,
    #[serde(default = "default_severity")]
    pub severity: Severity,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub started: Option<jiff::Timestamp>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub resolved: Option<jiff::Timestamp>,
    #[serde(default)]
    pub on_call: Option<OnCall>,
    /// Rolled back: to which release and when.
    #[serde(default)]
    pub rollback: Option<IncidentRollback>,
    /// Fixed forward: the hotfix release that fixes it.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub fixed_by: Option<semver::Version>,
    /// Markdown: what caused it, once triaged.
    #[serde(default)]
    pub root_cause: Option<String>,
    #[serde(default)]
    pub action_items: Vec<ActionItem>,
    /// Markdown: what customers read on the release's page (for a
    /// rolled-back release: that it was withdrawn, and what to use).
    #[serde(default)]
    pub customer_message: Option<String>,
}

/// Who was on call and when they were told.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OnCall {
    pub who: String,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub notified_at: Option<jiff::Timestamp>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentRollback {
    #[schemars(with = "String")]
    pub to: semver::Version,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub at: Option<jiff::Timestamp>,
}

/// A follow-up from the postmortem.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    pub title: String,
    #[serde(default)]
    pub owner: Option<String>,
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    pub due: Option<jiff::civil::Date>,
    #[serde(default)]
    pub status: ActionStatus,
}

#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum ActionStatus {
    #[default]
    Open,
    InProgress,
    Done,
    WontDo,
}

impl ActionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ActionStatus::Open => "open",
            ActionStatus::InProgress => "in progress",
            ActionStatus::Done => "done",
            ActionStatus::WontDo => "won't do",
        }
    }
    pub fn is_open(self) -> bool {
        matches!(self, ActionStatus::Open | ActionStatus::InProgress)
    }
}

#[derive(Debug, Clone)]
pub struct IncidentFile {
    /// The file name without `.md` (`INC-3`).
    pub id: String,
    pub path: PathBuf,
    pub front: IncidentFront,
    /// The timeline (Markdown).
    pub body: String,
}

// ------------------------------------------------------------ release metadata

/// A readiness answer: `true`/`false`, a link or a note (counts as done),
/// or a word such as `passed`, `pending`, `failed`, `rolled back`, `not
/// applicable`. Read fail-closed: a single word relnotes does not know
/// (`pendng`, `blocked?`) is an input error, never "done".
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Check {
    Bool(bool),
    Text(String),
}

/// What a [`Check`] says, once interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    Yes,
    No,
    Pending,
    NotApplicable,
}

/// The words (and phrases) a check may be, by what they mean. A text
/// that is none of these counts as done only when it is evidence: a link,
/// an id with digits, or a note of several words.
pub const CHECK_WORDS: &[(&str, Answer)] = &[
    ("yes", Answer::Yes),
    ("true", Answer::Yes),
    ("done", Answer::Yes),
    ("passed", Answer::Yes),
    ("pass", Answer::Yes),
    ("ok", Answer::Yes),
    ("approved", Answer::Yes),
    ("complete", Answer::Yes),
    ("completed", Answer::Yes),
    ("deployed", Answer::Yes),
    ("configured", Answer::Yes),
    ("verified", Answer::Yes),
    ("reviewed", Answer::Yes),
    ("merged", Answer::Yes),
    ("tested", Answer::Yes),
    ("scanned", Answer::Yes),
    ("signed", Answer::Yes),
    ("sent", Answer::Yes),
    ("published", Answer::Yes),
    ("ready", Answer::Yes),
    ("green", Answer::Yes),
    ("enabled", Answer::Yes),
    ("no", Answer::No),
    ("false", Answer::No),
    ("fail", Answer::No),
    ("failed", Answer::No),
    ("rejected", Answer::No),
    ("declined", Answer::No),
    ("aborted", Answer::No),
    ("rolled back", Answer::No),
    ("rolled_back", Answer::No),
    ("rolled-back", Answer::No),
    ("reverted", Answer::No),
    ("red", Answer::No),
    ("", Answer::Pending),
    ("pending", Answer::Pending),
    ("todo", Answer::Pending),
    ("tbd", Answer::Pending),
    ("planned", Answer::Pending),
    ("scheduled", Answer::Pending),
    ("in progress", Answer::Pending),
    ("in_progress", Answer::Pending),
    ("waiting", Answer::Pending),
    ("blocked", Answer::Pending),
    ("wip", Answer::Pending),
    ("draft", Answer::Pending),
    ("not yet", Answer::Pending),
    ("not applicable", Answer::NotApplicable),
    ("n/a", Answer::NotApplicable),
    ("na", Answer::NotApplicable),
    ("not needed", Answer::NotApplicable),
    ("none", Answer::NotApplicable),
];

/// First words that make a note say "not done" or "failed" whatever
/// follows (`blocked by the migration`, `failed on the EU cluster`).
const NOTE_OPENINGS: &[(&str, Answer)] = &[
    ("not", Answer::Pending),
    ("no", Answer::No),
    ("blocked", Answer::Pending),
    ("waiting", Answer::Pending),
    ("pending", Answer::Pending),
    ("todo", Answer::Pending),
    ("tbd", Answer::Pending),
    ("failed", Answer::No),
    ("fails", Answer::No),
    ("rejected", Answer::No),
    ("rolled", Answer::No),
    ("reverted", Answer::No),
];

/// How a check text reads: a known word, evidence (done), or `None` for
/// a single word relnotes does not know.
fn read_check_text(text: &str) -> Option<Answer> {
    let t = text.trim().to_ascii_lowercase();
    if let Some((_, a)) = CHECK_WORDS.iter().find(|(w, _)| *w == t) {
        return Some(*a);
    }
    let words: Vec<&str> = t.split_whitespace().collect();
    if words.len() > 1 {
        let first = words[0].trim_matches(|c: char| !c.is_alphanumeric());
        if let Some((_, a)) = NOTE_OPENINGS.iter().find(|(w, _)| *w == first) {
            return Some(*a);
        }
        return Some(Answer::Yes);
    }
    // One token: evidence if it is a link, a path or an id (`#4711`,
    // `run-123`, `db-2026-03-02`); an unknown word otherwise.
    let evidence = t.contains("://")
        || t.starts_with("mailto:")
        || t.contains('/')
        || t.chars().any(|c| c.is_ascii_digit());
    evidence.then_some(Answer::Yes)
}

impl<'de> Deserialize<'de> for Check {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Check;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("true, false, a link, a note, or a status word such as `done`, `pending`, `failed`, `not applicable`")
            }
            fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Check, E> {
                Ok(Check::Bool(v))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Check, E> {
                if read_check_text(v).is_none() {
                    let words = CHECK_WORDS
                        .iter()
                        .map(|(w, _)| *w)
                        .filter(|w| !w.is_empty());
                    let near = crate::error::nearest(&v.trim().to_ascii_lowercase(), words);
                    return Err(E::custom(match near {
                        Some(n) => {
                            format!("`{v}` is not a status relnotes knows (did you mean `{n}`?)")
                        }
                        None => format!("`{v}` is not a status relnotes knows"),
                    }));
                }
                Ok(Check::Text(v.to_string()))
            }
            fn visit_unit<E: serde::de::Error>(self) -> Result<Check, E> {
                Ok(Check::Text(String::new()))
            }
        }
        d.deserialize_any(V)
    }
}

impl Check {
    pub fn answer(&self) -> Answer {
        match self {
            Check::Bool(true) => Answer::Yes,
            Check::Bool(false) => Answer::No,
            // Unknown words never pass (they are refused when read).
            Check::Text(t) => read_check_text(t).unwrap_or(Answer::Pending),
        }
    }

    /// The evidence to show next to a met item: a link or a note.
    pub fn evidence(&self) -> Option<&str> {
        match self {
            Check::Text(t) if self.answer() == Answer::Yes => Some(t.as_str()),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReleaseType {
    Patch,
    Minor,
    Major,
    /// A patch that fixes a production incident or a known issue (named
    /// in `fixes`), with a smaller gate.
    Hotfix,
}

impl ReleaseType {
    pub fn as_str(self) -> &'static str {
        match self {
            ReleaseType::Patch => "patch",
            ReleaseType::Minor => "minor",
            ReleaseType::Major => "major",
            ReleaseType::Hotfix => "hotfix",
        }
    }

    /// The version bump this type means.
    pub fn bump_name(self) -> &'static str {
        match self {
            ReleaseType::Hotfix => "patch",
            other => other.as_str(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Requirements {
    pub acceptance_criteria: Option<Check>,
    pub prs_merged: Option<Check>,
    pub ci: Option<Check>,
    pub security_scan: Option<Check>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Rollback {
    pub plan: Option<String>,
    pub last_known_good: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TestStatus {
    Passed,
    Failed,
    Pending,
}

#[derive(
    Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    #[default]
    Staging,
    Production,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SmokeTest {
    pub name: String,
    #[serde(default = "pending_status")]
    pub status: TestStatus,
    /// Where the result was observed: `staging` (before deploying, the
    /// default) or `production` (after).
    #[serde(default)]
    pub env: Environment,
}

fn pending_status() -> TestStatus {
    TestStatus::Pending
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SignoffStatus {
    Approved,
    Rejected,
    Pending,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Signoff {
    #[serde(default)]
    pub by: Option<String>,
    #[serde(default)]
    pub at: Option<String>,
    #[serde(default = "pending_signoff")]
    pub status: SignoffStatus,
    #[serde(default)]
    pub note: Option<String>,
}

fn pending_signoff() -> SignoffStatus {
    SignoffStatus::Pending
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Support {
    pub trained: Option<Check>,
    pub kb_published: Option<Check>,
    pub logs_access: Option<Check>,
    pub escalation: Option<String>,
    pub hypercare_hours: Option<u32>,
    /// Support escalation procedures updated for this release.
    pub escalation_updated: Option<Check>,
    /// Post-deploy: support notified with the release notes and known issues.
    pub notified: Option<Check>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Communication {
    pub customer_facing: Option<bool>,
    pub plan_finalized: Option<Check>,
    pub segments: Vec<String>,
    pub channels: Vec<String>,
    #[schemars(with = "Option<String>")]
    pub send_at: Option<jiff::Timestamp>,
    pub feedback: Vec<String>,
    /// Who coordinates the customer communication (PM and Support Lead).
    pub owners: Vec<String>,
    /// Post-deploy: the customer communication went out.
    pub sent: Option<Check>,
    /// Post-deploy: the announcement to stakeholders and support went out.
    pub announcement_sent: Option<Check>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Window {
    Range {
        #[schemars(with = "String")]
        start: jiff::Timestamp,
        #[schemars(with = "String")]
        end: jiff::Timestamp,
    },
    /// `not needed` (or another note).
    Note(String),
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    pub name: String,
    #[serde(default)]
    pub url: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Verification {
    Named {
        name: String,
        #[serde(default = "pending_status")]
        status: TestStatus,
    },
    Plain(String),
}

impl Verification {
    pub fn name(&self) -> &str {
        match self {
            Verification::Named { name, .. } | Verification::Plain(name) => name,
        }
    }
    pub fn status(&self) -> TestStatus {
        match self {
            Verification::Named { status, .. } => *status,
            Verification::Plain(_) => TestStatus::Pending,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Deployment {
    pub window: Option<Window>,
    pub backup: Option<Check>,
    pub staging: Option<Check>,
    pub pipeline: Option<String>,
    pub automation: Option<Check>,
    pub health_checks: Option<Check>,
    pub verifications: Vec<Verification>,
    pub dashboards: Vec<Dashboard>,
    pub alerts_configured: Option<Check>,
    pub channels: Vec<String>,
    /// Post-deploy: production deployed through the pipeline.
    pub production: Option<Check>,
    /// When the production deploy happened (RFC 3339): the release date on
    /// every page, and the start of the hypercare window.
    #[schemars(with = "Option<String>")]
    pub deployed_at: Option<jiff::Timestamp>,
    /// Post-deploy: dashboards reviewed with DevOps after the deploy.
    pub dashboards_reviewed: Option<Check>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Flow {
    Named {
        name: String,
        #[serde(default = "pending_status")]
        status: TestStatus,
    },
    Plain(String),
}

impl Flow {
    pub fn name(&self) -> &str {
        match self {
            Flow::Named { name, .. } | Flow::Plain(name) => name,
        }
    }
    /// A flow listed by name alone is prepared, not tested: only
    /// `status: passed` counts as passed.
    pub fn status(&self) -> TestStatus {
        match self {
            Flow::Named { status, .. } => *status,
            Flow::Plain(_) => TestStatus::Pending,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    pub metric: String,
    pub baseline: f64,
    #[serde(default)]
    pub current: Option<f64>,
    /// Largest accepted regression, in percent of the baseline (default 10).
    #[serde(default)]
    pub tolerance: Option<f64>,
    /// Whether a larger value is better (default false: latencies, sizes).
    #[serde(default)]
    pub higher_is_better: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Qa {
    pub critical_flows: Vec<Flow>,
    pub performance: Vec<Metric>,
    /// Where discrepancies found after the deploy are escalated.
    pub escalation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Incident {
    pub on_call: Option<String>,
    pub escalation: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ReleaseMeta {
    pub name: Option<String>,
    #[schemars(with = "Option<String>")]
    pub date: Option<jiff::civil::Date>,
    #[serde(rename = "type")]
    pub kind: Option<ReleaseType>,
    pub summary: Option<String>,
    pub highlights: Vec<String>,
    /// What a hotfix fixes: incident ids and known-issue ids.
    pub fixes: Vec<String>,
    /// What the customer page of a segment says instead of `summary` and
    /// `highlights`, by segment id.
    pub segments: BTreeMap<String, SegmentNotes>,
    pub requirements: Requirements,
    pub rollback: Rollback,
    pub smoke_tests: Vec<SmokeTest>,
    pub signoffs: BTreeMap<String, Signoff>,
    pub support: Support,
    pub communication: Communication,
    pub deployment: Deployment,
    pub qa: Qa,
    pub incident: Incident,
    /// The project's own checks, by name, for the items its checklist
    /// (`.relnotes/checklist.yaml`) adds with `field: checks.<name>`.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, Check>,
    /// In a monorepo, a product release (`releases/2026.04.yaml` at the
    /// top of `releases/`): the package versions it bundles, by package id.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub packages: BTreeMap<String, String>,
}

/// A segment's own summary and highlights for one release.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct SegmentNotes {
    /// Replaces the release summary on this segment's customer page.
    pub summary: Option<String>,
    /// Replaces the release highlights on this segment's customer page.
    pub highlights: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct ReleaseMetaFile {
    pub path: PathBuf,
    pub meta: ReleaseMeta,
    /// The file's text, to point at a value in an error message.
    pub text: String,
}

/// One of the user's template files (`.relnotes/templates/`).
#[derive(Debug, Clone)]
pub struct TemplateFile {
    /// The file name: the template it replaces (`customer.html`).
    pub name: String,
    pub path: PathBuf,
    pub text: String,
}

// ---------------------------------------------------------------- collection

/// Everything under `.relnotes/` except config and templates.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Change files by directory: `unreleased` or a version.
    pub changes: BTreeMap<String, Vec<ChangeFile>>,
    /// Release metadata by version string (file name without `.yaml`).
    pub releases: BTreeMap<String, ReleaseMetaFile>,
    pub known_issues: Vec<KnownIssueFile>,
    /// Every incident, in path order.
    pub incidents: Vec<IncidentFile>,
    /// Files passed over while reading (a stray `notes.txt`), in path
    /// order: the commands print them.
    pub warnings: Vec<String>,
}
