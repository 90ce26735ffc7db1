//! Assembly: one release's inputs (its commits, change files, metadata and
//! tag) become a [`Release`]. Pure: everything it needs arrives in a
//! [`ReleaseInput`] and a [`Context`], nothing is read or printed, and the
//! same input always gives the same release. Readiness is evaluated here,
//! once, at the stage the caller asked for.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use crate::domain::config::{CommitDate, Config, CustomerCommits, SegmentPages};
use crate::domain::input::{
    Answer, Audience, ChangeFile, ChangeKind, IncidentFile, IssueStatus, KnownIssueFile,
    ReleaseMeta, ReleaseMetaFile, Window,
};
use crate::domain::model::{
    ActionItemInfo, Change, CommitInfo, Decision, Fix, Hypercare, Incident, KnownIssue, Origin,
    PreviousRelease, Release, ReleaseKind, Withdrawn, DEFAULT_HYPERCARE_HOURS,
};
use crate::domain::readiness::{self, Stage};
use crate::domain::version::{bump_between, required_bump};
use crate::domain::{conventional, text};
use crate::error::{Error, Result};

/// One commit as the history gives it, before any interpretation.
#[derive(Debug, Clone)]
pub struct Commit {
    pub id: String,
    pub parent_count: usize,
    pub author_name: String,
    pub author_email: String,
    /// The committer's time: seconds since the epoch.
    pub time: i64,
    pub offset_minutes: i32,
    /// The author's time (what `git log` shows).
    pub author_time: i64,
    pub author_offset_minutes: i32,
    pub message: String,
    /// The message was not valid UTF-8 and was decoded lossily.
    pub lossy: bool,
}

/// A release tag as assembly needs it.
#[derive(Debug, Clone)]
pub struct TagInfo {
    pub name: String,
    pub version: semver::Version,
}

/// The tag of a tagged release and when it was made.
#[derive(Debug, Clone)]
pub struct Tagged {
    pub tag: TagInfo,
    /// Seconds since the epoch: the tagger's time for an annotated tag, the
    /// commit's time otherwise.
    pub time: i64,
    pub offset_minutes: i32,
}

/// Everything that belongs to one release.
pub struct ReleaseInput<'a> {
    pub version: semver::Version,
    /// `None` for the unreleased changes.
    pub tagged: Option<Tagged>,
    pub previous: Option<TagInfo>,
    /// The newest release before this one that is not a pre-release: the
    /// default rollback target.
    pub previous_stable: Option<TagInfo>,
    /// Newest first, as the history walk returns them.
    pub commits: Vec<Commit>,
    /// The change files of the release, in path order.
    pub files: Vec<ChangeFile>,
    pub meta: Option<&'a ReleaseMetaFile>,
}

/// What every release of a run shares.
pub struct Context<'a> {
    pub config: &'a Config,
    /// The effective Release Readiness Checklist.
    pub checklist: &'a crate::domain::checklist::Checklist,
    /// Every release version, oldest first, without prefix.
    pub versions: &'a [String],
    /// The known issue files and the same issues as releases show them.
    pub known_files: &'a [KnownIssueFile],
    pub known: &'a [KnownIssue],
    /// Every incident record.
    pub incidents: &'a [IncidentFile],
    /// Paths in the model are shown relative to this folder.
    pub root: &'a Path,
    /// The `.relnotes/` folder, as paths are shown.
    pub dir: &'a Path,
    /// In a monorepo, the package these releases are of: its metadata is
    /// in `releases/<package>/`.
    pub package: Option<&'a str>,
    /// Commits whose subject matches one of these are left out.
    pub skip: &'a [regex::Regex],
    /// The readiness stage and strictness to evaluate at.
    pub stage: Stage,
    pub strict: bool,
}

impl Context<'_> {
    /// A path relative to the repository root, with `/` separators.
    pub fn rel(&self, p: &Path) -> String {
        rel(self.root, p)
    }

    pub fn skipped(&self, c: &Commit) -> bool {
        if self.skip.is_empty() {
            return false;
        }
        let subject = text::subject(&c.message);
        self.skip.iter().any(|r| r.is_match(&subject))
    }
}

/// `p` relative to `root`, with `/` separators.
pub fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Builds the release model of one release.
///
/// Highlights that name no change of the release are an error: the
/// release manager meant something that the notes would silently leave
/// out.
pub fn assemble(input: ReleaseInput<'_>, cx: &Context<'_>) -> Result<Release> {
    let config = cx.config;
    let version = input.version.to_string();
    let mut warnings = Vec::new();
    let mut commits: Vec<CommitInfo> = Vec::with_capacity(input.commits.len());
    for c in &input.commits {
        if cx.skipped(c) {
            continue;
        }
        if c.lossy {
            warnings.push(format!(
                "commit {}: the message is not valid UTF-8; it was decoded with replacement characters",
                &c.id[..12.min(c.id.len())]
            ));
        }
        commits.push(commit_info(c, config.commits.date));
    }
    let meta: ReleaseMeta = input.meta.map(|m| m.meta.clone()).unwrap_or_default();
    let releases = match cx.package {
        Some(p) => cx.dir.join("releases").join(p),
        None => cx.dir.join("releases"),
    };
    let meta_path = cx.rel(&releases.join(format!("{version}.yaml")));
    let files = input.files.as_slice();
    mark_covered(files, &mut commits);

    // The release date: the one the metadata gives, else the day of the
    // production deploy, else the tag's.
    let deployed = meta
        .deployment
        .deployed_at
        .map(|t| jiff::tz::Offset::UTC.to_datetime(t).date().to_string());
    let date = meta.date.map(|d| d.to_string()).or(deployed).or_else(|| {
        input
            .tagged
            .as_ref()
            .map(|t| local_time(t.time, t.offset_minutes).date().to_string())
    });
    let time = input
        .tagged
        .as_ref()
        .map(|t| rfc3339(t.time, t.offset_minutes));
    let mut changes = changes(config, files, &commits, date.as_deref(), &meta.highlights);
    warnings.extend(unknown_segments(config, files));
    warnings.extend(uncovered_warning(config, files, &changes));
    warnings.extend(segment_note_warnings(config, &meta, &changes));
    if let Some(file) = input.meta {
        check_highlights(file, &changes)?;
    }
    for c in &mut changes {
        if c.origin == Origin::File {
            c.path = Some(cx.rel(Path::new(c.path.as_deref().unwrap_or(""))));
        }
    }
    let (known_issues, fixed_issues) = known_issues_for(&input.version, cx);

    let (segment_pages, left_out) = segment_pages(config, &meta, &changes, &known_issues);
    if !left_out.is_empty() {
        warnings.push(format!(
            "segment(s) {} have changes or known issues of their own, but `communication.segments` does not name them: no customer page is written for them; name them there, or move their changes to everyone",
            left_out.join(", ")
        ));
    }

    let prev_version = input.previous.as_ref().map(|p| &p.version);
    // A final release is measured against the final release before it,
    // whatever candidates came between: its bump is never `prerelease`.
    let base = if input.version.pre.is_empty() {
        input.previous_stable.as_ref().map(|p| &p.version)
    } else {
        prev_version
    };
    let (required, _) = required_bump(&changes, base);
    let promotes = prev_version.is_some_and(|p| {
        !p.pre.is_empty()
            && (p.major, p.minor, p.patch)
                == (
                    input.version.major,
                    input.version.minor,
                    input.version.patch,
                )
    });
    let kind = ReleaseKind {
        bump: bump_between(base, &input.version),
        required,
        declared: meta.kind,
        promotes_prerelease: promotes,
    };
    // A release that was rolled back is never a last known-good one.
    let rolled_back: BTreeSet<String> = cx
        .incidents
        .iter()
        .filter(|i| i.front.rollback.is_some())
        .map(|i| i.front.release.to_string())
        .collect();
    let last_known_good = match meta.rollback.last_known_good.clone() {
        Some(v) => {
            if rolled_back.contains(&v) {
                warnings.push(format!(
                    "rollback.last_known_good names {v}, which was rolled back after an incident: name a release that ran well in production"
                ));
            }
            Some(v)
        }
        None => input
            .previous_stable
            .as_ref()
            .and_then(|p| known_good_from(&p.version.to_string(), cx.versions, &rolled_back)),
    };
    let incidents: Vec<Incident> = cx
        .incidents
        .iter()
        .filter(|i| i.front.release.to_string() == version)
        .map(|i| incident(i, cx.root))
        .collect();
    let withdrawn = withdrawal(&meta, &incidents, last_known_good.as_deref());
    let fixes = match input.meta {
        Some(file) => fixes(file, cx)?,
        None => Vec::new(),
    };
    let hypercare = hypercare(&meta, input.tagged.as_ref());
    let escalation = meta
        .support
        .escalation
        .clone()
        .or_else(|| meta.incident.escalation.clone());

    let mut release = Release {
        version,
        tag: input.tagged.as_ref().map(|t| t.tag.name.clone()),
        unreleased: input.tagged.is_none(),
        previous: input.previous.as_ref().map(|p| PreviousRelease {
            version: p.version.to_string(),
            tag: p.name.clone(),
        }),
        name: meta.name.clone(),
        date,
        time,
        kind,
        summary: meta.summary.clone().filter(|s| !s.trim().is_empty()),
        changes,
        commits,
        known_issues,
        fixed_issues,
        segment_pages,
        metadata_file: input.meta.map(|_| meta_path.clone()),
        metadata: meta,
        hypercare,
        escalation,
        last_known_good,
        incidents,
        withdrawn,
        fixes,
        readiness: Default::default(),
        warnings,
    };
    let rolled_back: Vec<String> = rolled_back.into_iter().collect();
    release.readiness = readiness::evaluate_release(
        &release,
        meta_path,
        config,
        cx.checklist,
        cx.versions,
        &rolled_back,
        cx.stage,
        cx.strict,
    );
    Ok(release)
}

/// `start` or the newest stable release before it that was not rolled
/// back (`versions` oldest first).
fn known_good_from(
    start: &str,
    versions: &[String],
    rolled_back: &BTreeSet<String>,
) -> Option<String> {
    if !rolled_back.contains(start) {
        return Some(start.to_string());
    }
    let at = versions.iter().position(|v| v == start)?;
    versions[..at]
        .iter()
        .rev()
        .find(|v| {
            !rolled_back.contains(*v) && semver::Version::parse(v).is_ok_and(|x| x.pre.is_empty())
        })
        .cloned()
}

/// The incidents and known issues the release metadata's `fixes` names:
/// an id that names neither is an error where it is written.
fn fixes(file: &ReleaseMetaFile, cx: &Context<'_>) -> Result<Vec<Fix>> {
    let mut out = Vec::new();
    for id in &file.meta.fixes {
        if let Some(i) = cx.incidents.iter().find(|i| &i.id == id) {
            out.push(Fix {
                id: id.clone(),
                title: i.front.title.clone(),
                kind: "incident",
            });
        } else if let Some(k) = cx.known_files.iter().find(|k| &k.front.id == id) {
            out.push(Fix {
                id: id.clone(),
                title: k.front.title.clone(),
                kind: "known issue",
            });
        } else {
            let line = text::locate(&file.text, "fixes:", 1).0;
            let known = cx
                .incidents
                .iter()
                .map(|i| i.id.as_str())
                .chain(cx.known_files.iter().map(|k| k.front.id.as_str()));
            let hint = match crate::error::nearest(id, known) {
                Some(n) => format!("did you mean `{n}`? `fixes` names incidents (.relnotes/incidents/) and known issues by id"),
                None => "`fixes` names incidents (.relnotes/incidents/<id>.md) and known issues (their `id`)".to_string(),
            };
            return Err(Error::at(
                &file.path,
                text::locate(&file.text, id, line),
                format!("fixes: `{id}` is neither an incident nor a known issue"),
                hint,
            ));
        }
    }
    Ok(out)
}

/// An incident record as releases show it.
pub fn incident(f: &IncidentFile, root: &Path) -> Incident {
    let fr = &f.front;
    let decision = match (&fr.rollback, &fr.fixed_by) {
        (Some(r), _) => Decision::RolledBack {
            to: r.to.to_string(),
            at: r.at.map(|t| t.to_string()),
        },
        (None, Some(v)) => Decision::FixedForward { by: v.to_string() },
        (None, None) => Decision::Undecided,
    };
    Incident {
        id: f.id.clone(),
        release: fr.release.to_string(),
        title: fr.title.clone(),
        severity: fr.severity,
        started: fr.started.map(|t| t.to_string()),
        resolved: fr.resolved.map(|t| t.to_string()),
        on_call: fr.on_call.as_ref().map(|o| o.who.clone()),
        notified_at: fr
            .on_call
            .as_ref()
            .and_then(|o| o.notified_at)
            .map(|t| t.to_string()),
        decision,
        root_cause: fr.root_cause.clone().filter(|r| !r.trim().is_empty()),
        action_items: fr
            .action_items
            .iter()
            .map(|a| ActionItemInfo {
                title: a.title.clone(),
                owner: a.owner.clone(),
                due: a.due.map(|d| d.to_string()),
                status: a.status.as_str(),
                open: a.status.is_open(),
            })
            .collect(),
        customer_message: fr.customer_message.clone().filter(|m| !m.trim().is_empty()),
        timeline: f.body.clone(),
        path: rel(root, &f.path),
    }
}

/// Whether the release was taken back out of production: an incident that
/// rolled it back, or a production deploy recorded as rolled back.
fn withdrawal(
    meta: &ReleaseMeta,
    incidents: &[Incident],
    known_good: Option<&str>,
) -> Option<Withdrawn> {
    let default_message = |current: Option<&str>| {
        match current {
        Some(v) => format!(
            "This release was withdrawn after a problem in production. Version {v} is the current release; nothing changes for you until a fixed release is announced."
        ),
        None => "This release was withdrawn after a problem in production.".to_string(),
    }
    };
    if let Some(i) = incidents
        .iter()
        .find(|i| matches!(i.decision, Decision::RolledBack { .. }))
    {
        let current = match &i.decision {
            Decision::RolledBack { to, .. } => Some(to.clone()),
            _ => None,
        };
        return Some(Withdrawn {
            message: i
                .customer_message
                .clone()
                .unwrap_or_else(|| default_message(current.as_deref())),
            current,
            incident: Some(i.id.clone()),
        });
    }
    let production = meta.deployment.production.as_ref()?;
    let text = match production {
        crate::domain::input::Check::Text(t) => t.to_ascii_lowercase(),
        crate::domain::input::Check::Bool(_) => return None,
    };
    (production.answer() == Answer::No && (text.contains("roll") || text.contains("revert"))).then(
        || Withdrawn {
            current: known_good.map(str::to_string),
            message: default_message(known_good),
            incident: None,
        },
    )
}

/// The segments that get a customer page of their own in this release, in
/// configuration order. The segments the communication plan names, when it
/// names any; else every segment (`output.segment_pages: always`) or those
/// with a change, a known issue, a summary or highlights of their own: any
/// other segment page would repeat the page for all customers. Second: the
/// segments with something of their own that the plan leaves out.
fn segment_pages(
    config: &Config,
    meta: &ReleaseMeta,
    changes: &[Change],
    known_issues: &[KnownIssue],
) -> (Vec<String>, Vec<String>) {
    let asked = &meta.communication.segments;
    let own = |id: &str| {
        let named = |list: &[String]| list.iter().any(|s| s == id);
        changes.iter().any(|c| named(&c.segments))
            || known_issues.iter().any(|k| named(&k.segments))
            || meta.segments.contains_key(id)
    };
    let (mut pages, mut left_out) = (Vec::new(), Vec::new());
    for id in config.segments.keys() {
        let wanted = if asked.is_empty() {
            config.output.segment_pages == SegmentPages::Always || own(id)
        } else {
            asked.contains(id)
        };
        if wanted {
            pages.push(id.clone());
        } else if own(id) {
            left_out.push(id.clone());
        }
    }
    (pages, left_out)
}

/// Warnings for change files that name segments the configuration lacks.
fn unknown_segments(config: &Config, files: &[ChangeFile]) -> Vec<String> {
    let mut out = Vec::new();
    for f in files {
        for s in f.front.segments.iter().flatten() {
            if !config.segments.contains_key(s) {
                out.push(format!(
                    "change {} targets segment `{s}`, which the configuration does not define",
                    f.id
                ));
            }
        }
    }
    out
}

/// Every highlight (of all customers or of a segment) must name a change
/// of the release: a change file id or a commit's short hash.
fn check_highlights(file: &ReleaseMetaFile, changes: &[Change]) -> Result<()> {
    let lists = std::iter::once((String::new(), &file.meta.highlights)).chain(
        file.meta
            .segments
            .iter()
            .map(|(id, notes)| (format!("segments.{id}."), &notes.highlights)),
    );
    for (place, list) in lists {
        for h in list {
            if changes.iter().any(|c| &c.id == h) {
                continue;
            }
            let mut ids: Vec<&str> = changes.iter().map(|c| c.id.as_str()).collect();
            ids.truncate(8);
            let hint = match crate::error::nearest(h, ids.iter().copied()) {
                Some(best) => format!("did you mean `{best}`? A highlight names a change file of this release (its file name without `.md`) or a commit hash"),
                None if ids.is_empty() => "this release has no changes to highlight: remove the entry".to_string(),
                None => format!("a highlight names a change file of this release (its file name without `.md`) or a commit hash; this release has: {}", ids.join(", ")),
            };
            let key_line = text::locate(&file.text, "highlights:", 1).0;
            let at = text::locate(&file.text, h, key_line);
            return Err(Error::at(
                &file.path,
                at,
                format!("{place}highlights: `{h}` names no change of this release"),
                hint,
            ));
        }
    }
    Ok(())
}

/// Warnings about the per-segment notes of the metadata: unknown segments,
/// and a summary for every customer that speaks of a change
/// only some segments get.
fn segment_note_warnings(config: &Config, meta: &ReleaseMeta, changes: &[Change]) -> Vec<String> {
    let mut out = Vec::new();
    for id in meta.segments.keys() {
        if !config.segments.contains_key(id) {
            out.push(format!(
                "segments.{id}: the configuration defines no segment `{id}`"
            ));
        }
    }
    let Some(summary) = meta.summary.as_deref() else {
        return out;
    };
    for c in changes.iter().filter(|c| !c.segments.is_empty()) {
        if text::mentions(summary, &c.title) {
            out.push(format!(
                "the summary every customer reads mentions change {} (\"{}\"), which only segment(s) {} get: say it in `segments.<id>.summary` instead",
                c.id,
                c.title,
                c.segments.join(", ")
            ));
        }
    }
    out
}

/// A warning naming the commits that reach customers without a change
/// file, in a release that has change files.
fn uncovered_warning(config: &Config, files: &[ChangeFile], changes: &[Change]) -> Option<String> {
    if files.is_empty() || config.commits.customer != CustomerCommits::Uncovered {
        return None;
    }
    let uncovered: Vec<String> = changes
        .iter()
        .filter(|c| c.origin == Origin::Commit && c.is_for(Audience::Customer))
        .map(|c| format!("{} ({})", c.id, c.title))
        .collect();
    if uncovered.is_empty() {
        return None;
    }
    const SHOWN: usize = 5;
    let more = uncovered.len().saturating_sub(SHOWN);
    Some(format!(
        "{} customer-visible commit(s) have no change file and are listed for customers from their subjects: {}{}; write a change file for each (`relnotes new`), or set `commits.customer: change-files-only` to leave them out",
        uncovered.len(),
        uncovered[..uncovered.len().min(SHOWN)].join(", "),
        if more > 0 { format!(" and {more} more") } else { String::new() }
    ))
}

/// The support window: from the end of the deployment window (or the tag)
/// for the configured hours.
fn hypercare(meta: &ReleaseMeta, tagged: Option<&Tagged>) -> Option<Hypercare> {
    let hours = meta
        .support
        .hypercare_hours
        .unwrap_or(DEFAULT_HYPERCARE_HOURS);
    // From the production deploy, else the end of the deployment window,
    // else the tag.
    let start = match (&meta.deployment.deployed_at, &meta.deployment.window) {
        (Some(at), _) => Some(*at),
        (None, Some(Window::Range { end, .. })) => Some(*end),
        _ => tagged.and_then(|t| jiff::Timestamp::from_second(t.time).ok()),
    };
    start.map(|s| Hypercare {
        hours,
        start: s.to_string(),
        end: (s + jiff::SignedDuration::from_hours(i64::from(hours))).to_string(),
    })
}

/// Change items: every change file, plus items derived from commits
/// (customer-visible when the release has no change files at all, support
/// and internal otherwise).
pub fn changes(
    config: &Config,
    files: &[ChangeFile],
    commits: &[CommitInfo],
    date: Option<&str>,
    highlights: &[String],
) -> Vec<Change> {
    // Which commits name each pull request: a file's authors are those of
    // its pull requests' commits, found without scanning every commit for
    // every file.
    let mut by_pr: std::collections::HashMap<u64, Vec<usize>> = Default::default();
    for (i, c) in commits.iter().enumerate() {
        for p in &c.prs {
            by_pr.entry(*p).or_default().push(i);
        }
    }
    let mut out: Vec<Change> = files
        .iter()
        .map(|f| change_from_file(f, commits, &by_pr, date, highlights))
        .collect();
    // Without change files, commits are the notes. With them, commits no
    // file covers still reach customers unless the project curates.
    let from_commits_for_customers =
        files.is_empty() || config.commits.customer == CustomerCommits::Uncovered;
    for c in commits {
        if c.covered || c.merge {
            continue;
        }
        if let Some(change) = change_from_commit(config, c, from_commits_for_customers, highlights)
        {
            out.push(change);
        }
    }
    // A change reaches only the audiences the project (or package) writes
    // for.
    if config.audiences.is_some() {
        for c in &mut out {
            c.audiences.retain(|a| config.writes_for(*a));
        }
    }
    // Highlights first (in the order listed), then by kind, files before
    // commits; the sort is stable, so files keep their name order and
    // commits their history order.
    out.sort_by_key(|c| {
        (
            highlights
                .iter()
                .position(|h| *h == c.id)
                .unwrap_or(usize::MAX),
            c.kind,
            c.origin == Origin::Commit,
        )
    });
    out
}

/// A change file's change; `by_pr` lists, for each pull request number,
/// the indexes in `commits` of the commits that name it.
fn change_from_file(
    f: &ChangeFile,
    commits: &[CommitInfo],
    by_pr: &std::collections::HashMap<u64, Vec<usize>>,
    date: Option<&str>,
    highlights: &[String],
) -> Change {
    let fr = &f.front;
    // The file's commits (by pull request or id prefix), in history order.
    let mut mine: Vec<usize> = fr
        .prs
        .iter()
        .filter_map(|p| by_pr.get(p))
        .flatten()
        .copied()
        .collect();
    if fr.commits.iter().any(|id| id.len() >= 7) {
        mine.extend(commits.iter().enumerate().filter_map(|(i, c)| {
            fr.commits
                .iter()
                .any(|id| id.len() >= 7 && c.id.starts_with(id.as_str()))
                .then_some(i)
        }));
    }
    mine.sort_unstable();
    mine.dedup();
    let authors = mine
        .iter()
        .map(|&i| &commits[i])
        .flat_map(|c| std::iter::once(c.author.clone()).chain(c.co_authors.iter().cloned()))
        .fold(Vec::new(), |mut v, a| {
            if !v.contains(&a) {
                v.push(a);
            }
            v
        });
    let publish_after = fr.publish_after.map(|d| d.to_string());
    let held = match (&publish_after, date) {
        (None, _) => false,
        (Some(p), Some(d)) => p.as_str() > d,
        (Some(_), None) => true,
    };
    let (title, _) = text::title_of(&f.body);
    Change {
        id: f.id.clone(),
        origin: Origin::File,
        path: Some(f.path.to_string_lossy().into_owned()),
        kind: fr.kind,
        breaking: fr.breaking,
        audiences: fr
            .audiences
            .clone()
            .unwrap_or_else(|| Audience::ALL.to_vec()),
        segments: fr.segments.clone().unwrap_or_default(),
        title: if title.is_empty() {
            f.id.clone()
        } else {
            title
        },
        text: f.body.clone(),
        upgrade: fr.upgrade.clone().filter(|s| !s.trim().is_empty()),
        support: fr.support.clone().filter(|s| !s.trim().is_empty()),
        internal: fr.internal.clone().filter(|s| !s.trim().is_empty()),
        deploy: fr.deploy.clone(),
        prs: fr.prs.clone(),
        commits: fr.commits.clone(),
        issues: fr.issues.clone(),
        component: fr.component.clone(),
        authors,
        publish_after,
        held,
        highlight: highlights.contains(&f.id),
    }
}

/// A change item for a commit that no change file covers, or `None` for
/// commits that only appear in the commit list (internal or other).
fn change_from_commit(
    config: &Config,
    c: &CommitInfo,
    for_customers: bool,
    highlights: &[String],
) -> Option<Change> {
    let mapped = c.kind.as_deref().and_then(|k| config.commits.kinds.get(k));
    let kind = match (mapped, c.breaking) {
        (Some(k), _) => *k,
        (None, true) => ChangeKind::Changed,
        (None, false) => return None,
    };
    // A breaking change always reaches customers: their migration steps
    // must not depend on someone writing a change file.
    let audiences = if for_customers || c.breaking {
        Audience::ALL.to_vec()
    } else {
        vec![Audience::Support, Audience::Internal]
    };
    let mut authors = vec![c.author.clone()];
    authors.extend(c.co_authors.iter().filter(|a| **a != c.author).cloned());
    let title = match &c.scope {
        Some(s) => format!("{s}: {}", c.description),
        None => c.description.clone(),
    };
    Some(Change {
        id: c.short.clone(),
        origin: Origin::Commit,
        path: None,
        kind,
        breaking: c.breaking,
        audiences,
        segments: Vec::new(),
        title: title.clone(),
        text: title,
        upgrade: c.breaking.then(|| c.breaking_footer.clone()).flatten(),
        support: None,
        internal: None,
        deploy: Vec::new(),
        prs: c.prs.clone(),
        commits: vec![c.id.clone()],
        issues: Vec::new(),
        component: c.scope.clone(),
        authors,
        publish_after: None,
        held: false,
        highlight: highlights.contains(&c.short),
    })
}

/// Marks the commits that a change file speaks for (by PR number or commit
/// id prefix), so they are not listed a second time.
pub fn mark_covered(files: &[ChangeFile], commits: &mut [CommitInfo]) {
    let mut covered_prs: HashSet<u64> = HashSet::new();
    let mut covered_ids: Vec<String> = Vec::new();
    for f in files {
        covered_prs.extend(f.front.prs.iter().copied());
        covered_ids.extend(f.front.commits.iter().map(|c| c.to_ascii_lowercase()));
    }
    for c in commits {
        c.covered = c.prs.iter().any(|p| covered_prs.contains(p))
            || covered_ids
                .iter()
                .any(|id| id.len() >= 7 && c.id.starts_with(id.as_str()));
    }
}

/// The known issues that affect `version`, and those it fixes, by severity.
fn known_issues_for(
    version: &semver::Version,
    cx: &Context<'_>,
) -> (Vec<KnownIssue>, Vec<KnownIssue>) {
    let mut affected = Vec::new();
    let mut fixed = Vec::new();
    for (f, ki) in cx.known_files.iter().zip(cx.known) {
        let fr = &f.front;
        let fixed_by = fr.fixed_in.as_ref().is_some_and(|v| version >= v);
        if fr.fixed_in.as_ref() == Some(version) {
            fixed.push(ki.clone());
        }
        if fr.affects.matches(version) && !fixed_by {
            affected.push(ki.clone());
        }
    }
    let order =
        |a: &KnownIssue, b: &KnownIssue| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id));
    affected.sort_by(order);
    fixed.sort_by(order);
    (affected, fixed)
}

/// A known issue as every release shows it.
pub fn known_issue(f: &KnownIssueFile, root: &Path) -> KnownIssue {
    let fr = &f.front;
    let w = fr.workaround.as_deref().map(str::trim);
    let no_workaround = matches!(w, Some(x) if x.is_empty() || x.eq_ignore_ascii_case("none"));
    let status = fr.status.unwrap_or(if fr.fixed_in.is_some() {
        IssueStatus::Fixed
    } else {
        IssueStatus::Open
    });
    KnownIssue {
        id: fr.id.clone(),
        title: fr.title.clone(),
        affects: fr.affects.to_string(),
        fixed_in: fr.fixed_in.as_ref().map(|v| v.to_string()),
        severity: fr.severity,
        status,
        segments: fr.segments.clone().unwrap_or_default(),
        workaround: if no_workaround {
            None
        } else {
            w.map(str::to_string)
        },
        no_workaround,
        text: f.body.clone(),
        path: rel(root, &f.path),
    }
}

/// A commit as the model shows it: Conventional Commit parts, PRs,
/// co-authors, and the date `commits.date` asks for.
pub fn commit_info(c: &Commit, date: CommitDate) -> CommitInfo {
    let (secs, offset) = match date {
        CommitDate::Author => (c.author_time, c.author_offset_minutes),
        CommitDate::Committer => (c.time, c.offset_minutes),
    };
    let p = conventional::parse(&c.message);
    let subject = text::subject(&c.message);
    CommitInfo {
        short: c.id[..7.min(c.id.len())].to_string(),
        id: c.id.clone(),
        other: p.kind.is_none(),
        kind: p.kind,
        scope: p.scope,
        subject,
        description: p.description,
        body: p.body,
        breaking: p.breaking,
        breaking_note: p.breaking_note,
        breaking_footer: p
            .trailers
            .iter()
            .find(|(k, _)| k == "BREAKING CHANGE" || k == "BREAKING-CHANGE")
            .map(|(_, v)| v.clone()),
        prs: p.prs,
        author: c.author_name.clone(),
        author_email: c.author_email.clone(),
        co_authors: p.co_authors,
        time: rfc3339(secs, offset),
        merge: c.parent_count > 1,
        covered: false,
        changelog_skip: c
            .message
            .lines()
            .skip(1)
            .any(|l| l.trim().eq_ignore_ascii_case("changelog: skip")),
    }
}

fn local_time(secs: i64, offset_minutes: i32) -> jiff::civil::DateTime {
    let ts = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let off = jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap_or(jiff::tz::Offset::UTC);
    off.to_datetime(ts)
}

fn rfc3339(secs: i64, offset_minutes: i32) -> String {
    let ts = jiff::Timestamp::from_second(secs).unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let off = jiff::tz::Offset::from_seconds(offset_minutes * 60).unwrap_or(jiff::tz::Offset::UTC);
    ts.display_with_offset(off).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn commit(id: &str, message: &str, author: &str) -> CommitInfo {
        commit_info(
            &Commit {
                id: id.to_string(),
                parent_count: 1,
                author_name: author.to_string(),
                author_email: format!("{author}@example.com"),
                time: 0,
                offset_minutes: 0,
                author_time: 0,
                author_offset_minutes: 0,
                message: message.to_string(),
                lossy: false,
            },
            CommitDate::Author,
        )
    }

    #[test]
    fn a_change_files_authors_are_its_commits_in_history_order_once_each() {
        let commits = [
            commit(
                "a".repeat(40).as_str(),
                "feat: one (#1)\n\nCo-authored-by: Bo <bo@example.com>",
                "Al",
            ),
            commit("b".repeat(40).as_str(), "fix: other (#3)", "Cy"),
            commit("c".repeat(40).as_str(), "fix: two (#2)", "Bo"),
            commit("d".repeat(40).as_str(), "chore: named by id", "Di"),
            commit("e".repeat(40).as_str(), "fix: two again (#2)", "Al"),
        ];
        let front: crate::domain::input::ChangeFront =
            serde_yaml::from_str("type: added\nprs: [2, 1]\ncommits: [ddddddd, abc]\n")
                .expect("a valid front matter");
        let file = ChangeFile {
            id: "export".into(),
            path: "changes/1.0.0/export.md".into(),
            front,
            body: "Export invoices.".into(),
        };
        let changes = changes(&Config::default(), &[file], &commits, None, &[]);
        let from_file = changes
            .iter()
            .find(|c| c.origin == Origin::File)
            .expect("the file's change");
        // `abc` is too short to name a commit; #3 is not the file's.
        assert_eq!(from_file.authors, ["Al", "Bo", "Di"]);
    }
}
