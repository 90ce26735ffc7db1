//! The release model: everything known about one release, assembled once from
//! git, change files, release metadata, known issues and configuration, and
//! then only read. `build`, `check`, `context`, `kb` and `preview` are all
//! views of this model; none of them goes back to the sources. It is plain
//! data (serializable, no library types), so it is also the JSON of
//! `relnotes context` and `X/release.json`.

use serde::Serialize;

pub use crate::domain::input::{
    Audience, ChangeKind, DeployItem, IssueStatus, ReleaseMeta, ReleaseType, Severity,
};
use crate::domain::readiness::Readiness;

/// Hours of close coordination after a release when the metadata says
/// nothing (the guide asks for 24 to 48).
pub const DEFAULT_HYPERCARE_HOURS: u32 = 48;

/// The project, as pages need it.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub name: String,
    pub url: Option<String>,
    pub segments: Vec<Segment>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Segment {
    pub id: String,
    pub name: String,
}

/// One release (or the unreleased changes, under a proposed version).
#[derive(Debug, Clone, Serialize)]
pub struct Release {
    /// The version without tag prefix (`1.1.0`).
    pub version: String,
    /// The git tag; `None` for unreleased changes.
    pub tag: Option<String>,
    pub unreleased: bool,
    /// The release before this one, if any.
    pub previous: Option<PreviousRelease>,
    /// The release name from the metadata (`Aurora`).
    pub name: Option<String>,
    /// `YYYY-MM-DD`: the metadata's date, else the tag's date.
    pub date: Option<String>,
    /// The tag's time (RFC 3339, in the tag's own offset).
    pub time: Option<String>,
    pub kind: ReleaseKind,
    /// Markdown.
    pub summary: Option<String>,
    /// Curated change items, highlights first, then by kind.
    pub changes: Vec<Change>,
    /// Every commit of the release, newest first.
    pub commits: Vec<CommitInfo>,
    /// Known issues that affect this release.
    pub known_issues: Vec<KnownIssue>,
    /// Known issues this release fixes.
    pub fixed_issues: Vec<KnownIssue>,
    /// The segments whose customers get a page of their own (and an
    /// announcement), in configuration order: those the metadata's
    /// `communication.segments` names, else those with something of their
    /// own in the release (see `output.segment_pages`).
    pub segment_pages: Vec<String>,
    /// The release metadata file, relative to the repository.
    pub metadata_file: Option<String>,
    /// The release metadata (defaults when there is no file).
    pub metadata: ReleaseMeta,
    /// The support window after the release.
    pub hypercare: Option<Hypercare>,
    /// Where support escalates: the metadata's support escalation path,
    /// else the incident escalation. Derived from `metadata`, which the
    /// JSON already carries.
    #[serde(skip)]
    pub escalation: Option<String>,
    /// The last known-good version to roll back to (never a release that
    /// failed or was rolled back).
    pub last_known_good: Option<String>,
    /// Production incidents of this release.
    pub incidents: Vec<Incident>,
    /// Set when the release was rolled back out of production.
    pub withdrawn: Option<Withdrawn>,
    /// What a hotfix fixes (from `fixes`), incidents and known issues.
    pub fixes: Vec<Fix>,
    /// The readiness evaluation: one for every consumer.
    pub readiness: Readiness,
    /// Things the user should know that did not stop the build.
    pub warnings: Vec<String>,
}

impl Release {
    /// Hours of close coordination after the release: the metadata's, else
    /// the default.
    pub fn hypercare_hours(&self) -> u32 {
        self.hypercare
            .as_ref()
            .map(|h| h.hours)
            .or(self.metadata.support.hypercare_hours)
            .unwrap_or(DEFAULT_HYPERCARE_HOURS)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviousRelease {
    pub version: String,
    pub tag: String,
}

/// How far a version is from the one before it.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Bump {
    /// The first release.
    Initial,
    Patch,
    Minor,
    Major,
    /// Same major, minor and patch: a pre-release and its final, or two
    /// pre-releases.
    Prerelease,
}

impl std::fmt::Display for Bump {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Bump {
    pub fn as_str(self) -> &'static str {
        match self {
            Bump::Initial => "initial",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
            Bump::Prerelease => "prerelease",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseKind {
    /// The bump from the previous version.
    pub bump: Bump,
    /// The bump the changes call for (`patch`, `minor` or `major`).
    pub required: Bump,
    /// The type written in the release metadata, if any.
    pub declared: Option<ReleaseType>,
    /// The previous release is a pre-release of this version.
    pub promotes_prerelease: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Hypercare {
    pub hours: u32,
    pub start: String,
    pub end: String,
}

/// Where a change item comes from.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Origin {
    /// A change file under `.relnotes/changes/`.
    File,
    /// Derived from a commit message.
    Commit,
}

/// One change as presented in notes.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// The change file's name without extension, or the commit's short id.
    pub id: String,
    pub origin: Origin,
    /// Path of the change file, relative to the repository.
    pub path: Option<String>,
    pub kind: ChangeKind,
    pub breaking: bool,
    pub audiences: Vec<Audience>,
    /// Segment ids; empty means every customer.
    pub segments: Vec<String>,
    /// One line of Markdown.
    pub title: String,
    /// The customer-facing Markdown text.
    pub text: String,
    /// Migration step (Markdown).
    pub upgrade: Option<String>,
    /// Note for support (Markdown).
    pub support: Option<String>,
    /// Note for stakeholders (Markdown); never shown to customers.
    pub internal: Option<String>,
    pub deploy: Vec<DeployItem>,
    pub prs: Vec<u64>,
    pub commits: Vec<String>,
    pub issues: Vec<String>,
    pub component: Option<String>,
    pub authors: Vec<String>,
    /// Held out of customer pages until this date.
    pub publish_after: Option<String>,
    /// Held out of this release's customer pages (publish_after is later
    /// than the release date, or the release has no date yet).
    pub held: bool,
    /// Listed in the release metadata's `highlights`.
    pub highlight: bool,
}

impl Change {
    pub fn is_for(&self, audience: Audience) -> bool {
        self.audiences.contains(&audience)
    }

    /// Shown on the customer page of `segment` (`None`: the page for all).
    pub fn is_for_customers_in(&self, segment: Option<&str>) -> bool {
        self.is_for(Audience::Customer)
            && !self.held
            && (self.segments.is_empty()
                || segment.is_some_and(|s| self.segments.iter().any(|x| x == s)))
    }
}

/// One commit of the release.
#[derive(Debug, Clone, Serialize)]
pub struct CommitInfo {
    pub id: String,
    pub short: String,
    /// Conventional Commit type, or `None` for other commits.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    pub scope: Option<String>,
    pub subject: String,
    pub description: String,
    pub body: Option<String>,
    pub breaking: bool,
    pub breaking_note: Option<String>,
    /// The text of a `BREAKING CHANGE:` footer: the migration step.
    pub breaking_footer: Option<String>,
    pub prs: Vec<u64>,
    pub author: String,
    pub author_email: String,
    pub co_authors: Vec<String>,
    /// RFC 3339 in the commit's own offset.
    pub time: String,
    pub merge: bool,
    /// Not a Conventional Commit.
    pub other: bool,
    /// Covered by a change file of this release.
    pub covered: bool,
    /// The message has a `Changelog: skip` trailer: the pull-request gate
    /// lets it through without a change file.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub changelog_skip: bool,
}

/// A known issue as it applies to one release.
#[derive(Debug, Clone, Serialize)]
pub struct KnownIssue {
    pub id: String,
    pub title: String,
    pub affects: String,
    pub fixed_in: Option<String>,
    pub severity: Severity,
    pub status: IssueStatus,
    pub segments: Vec<String>,
    /// `None`: nothing said; `Some("")` never happens (normalized to none).
    pub workaround: Option<String>,
    /// The file says explicitly that there is no workaround.
    pub no_workaround: bool,
    /// Description and symptoms (Markdown).
    pub text: String,
    pub path: String,
}

impl KnownIssue {
    pub fn is_for_customers_in(&self, segment: Option<&str>) -> bool {
        self.segments.is_empty() || segment.is_some_and(|s| self.segments.iter().any(|x| x == s))
    }
}

/// A production incident of a release (`.relnotes/incidents/<id>.md`).
#[derive(Debug, Clone, Serialize)]
pub struct Incident {
    pub id: String,
    pub release: String,
    pub title: String,
    pub severity: Severity,
    /// RFC 3339.
    pub started: Option<String>,
    pub resolved: Option<String>,
    pub on_call: Option<String>,
    pub notified_at: Option<String>,
    /// What was decided: rolled back, or fixed forward.
    pub decision: Decision,
    pub root_cause: Option<String>,
    pub action_items: Vec<ActionItemInfo>,
    /// Markdown for customers.
    pub customer_message: Option<String>,
    /// The timeline (Markdown).
    pub timeline: String,
    pub path: String,
}

impl Incident {
    pub fn open_action_items(&self) -> impl Iterator<Item = &ActionItemInfo> {
        self.action_items.iter().filter(|a| a.open)
    }
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Decision {
    /// Nothing recorded yet.
    Undecided,
    RolledBack {
        to: String,
        at: Option<String>,
    },
    FixedForward {
        by: String,
    },
}

impl Decision {
    /// The decision in words, for pages and reports.
    pub fn text(&self) -> String {
        match self {
            Decision::Undecided => "no decision recorded yet".to_string(),
            Decision::RolledBack { to, at: Some(at) } => format!("rolled back to {to} at {at}"),
            Decision::RolledBack { to, at: None } => format!("rolled back to {to}"),
            Decision::FixedForward { by } => format!("fixed forward by {by}"),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionItemInfo {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: &'static str,
    pub open: bool,
}

/// An incident or known issue a hotfix fixes.
#[derive(Debug, Clone, Serialize)]
pub struct Fix {
    pub id: String,
    pub title: String,
    /// `incident` or `known issue`.
    pub kind: &'static str,
}

/// A release taken back out of production.
#[derive(Debug, Clone, Serialize)]
pub struct Withdrawn {
    /// The release customers are on instead.
    pub current: Option<String>,
    /// What customers read (Markdown): the incident's `customer_message`,
    /// else a default sentence.
    pub message: String,
    /// The incident that says so, if any.
    pub incident: Option<String>,
}

/// Several releases read in one pass (`build --all`, `kb`).
#[derive(Debug, Clone, Serialize)]
pub struct History {
    pub project: Project,
    /// Oldest first.
    pub releases: Vec<Release>,
}
