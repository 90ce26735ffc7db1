//! Assembly: reads every source once (configuration, `.relnotes/` inputs, git
//! tags and commits) and builds the release model. This is the only place
//! that combines sources; after it, everything is plain data in
//! [`crate::domain::model`]. Rendering, checking and serving never come back here.

pub mod staging;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::domain::config::Config;
use crate::domain::conventional;
use crate::domain::input::{
    Audience, ChangeFile, Inputs, IssueStatus, KnownIssueFile, ReleaseMeta, Window,
};
use crate::domain::model::{
    Change, CommitInfo, Hypercare, KnownIssue, Origin, PreviousRelease, Project, Release,
    ReleaseKind, Segment,
};
use crate::domain::readiness::{self, Facts, Readiness, Stage};
use crate::error::{nearest_n, Error, Result};
use crate::sources::git::{self, Repo};

/// A release tag, matched and parsed.
#[derive(Debug, Clone)]
pub struct ReleaseTag {
    pub name: String,
    pub version: semver::Version,
    /// What the tag reference points to; [`Sources::peel`] resolves it.
    pub target: git::TagRef,
    /// The resolved tag, once [`Sources::peel`] has read it: a release's
    /// fingerprint, its walk and the next release's walk all need it.
    peeled: std::sync::OnceLock<git::Peeled>,
}

/// Which releases a command is about.
#[derive(Debug, Clone)]
pub enum Target {
    /// The newest release tag.
    Latest,
    /// A tag name (`v1.1.0`) or a version (`1.1.0`).
    Tag(String),
    /// The changes since the newest tag, under a proposed version (default:
    /// the next version from the changes).
    Unreleased(Option<String>),
    /// Every release, plus the unreleased changes if there are any.
    All,
}

/// Everything read from the repository, before assembly.
pub struct Sources {
    /// The repository's working directory (absolute).
    pub workdir: PathBuf,
    /// The working directory as paths are shown: empty when relnotes runs
    /// at the repository root.
    pub root: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
    pub inputs: Inputs,
    pub tags: Vec<ReleaseTag>,
    /// git2 repositories are not `Sync`: the history is read on one thread
    /// at a time (see [`Sources::for_each_release`]); the lock only makes
    /// the type shareable.
    repo: std::sync::Mutex<Repo>,
    /// The known issues as releases show them, made once on first use.
    known: std::sync::OnceLock<Vec<KnownIssue>>,
    /// See [`Sources::shared_fingerprint`].
    shared_print: std::sync::OnceLock<u64>,
    skip: Vec<regex::Regex>,
}

/// How an incremental build tells which releases are up to date.
pub struct Fresh<'a> {
    /// Everything the outputs depend on besides the sources (the renderer,
    /// the formats), hashed.
    pub salt: u64,
    /// Whether the outputs of this version were written from this
    /// fingerprint and are all still there.
    pub up_to_date: &'a (dyn Fn(&str, u64) -> bool + Sync),
}

/// What `assemble` reports besides the releases.
pub struct Assembled {
    pub project: Project,
    pub releases: Vec<Release>,
}

impl Sources {
    /// Opens the repository at (or above) `path` and reads the inputs that
    /// `target` needs (`None`: all of them).
    pub fn load(path: &Path, target: Option<&Target>) -> Result<Sources> {
        let repo = Repo::open(path)?;
        repo.ensure_complete()?;
        let workdir = repo.workdir();
        // Paths in messages and outputs are relative when relnotes runs at
        // the repository root, as in CI: shorter, and the same on every
        // machine.
        let here = std::env::current_dir()
            .ok()
            .and_then(|d| d.canonicalize().ok());
        let root = if here.is_some() && here == workdir.canonicalize().ok() {
            PathBuf::new()
        } else {
            workdir.clone()
        };
        let dir = root.join(".relnotes");
        let config = crate::sources::files::load_config(&dir)?;
        let tags = release_tags(&repo, &config)?;
        let only = target.and_then(|t| versions_needed(t, &tags, &config));
        let inputs = crate::sources::files::load_inputs(&dir, only.as_ref())?;
        let skip = config
            .commits
            .skip
            .iter()
            .map(|p| regex::Regex::new(p).expect("validated in Config::validate"))
            .collect();
        Ok(Sources {
            workdir,
            root,
            dir,
            config,
            inputs,
            tags,
            known: std::sync::OnceLock::new(),
            shared_print: std::sync::OnceLock::new(),
            repo: std::sync::Mutex::new(repo),
            skip,
        })
    }

    /// Every known issue, in the order of `inputs.known_issues`.
    pub fn known_issues(&self) -> &[KnownIssue] {
        self.known.get_or_init(|| {
            self.inputs
                .known_issues
                .iter()
                .map(|f| known_issue(f, self))
                .collect()
        })
    }

    /// Runs `f` with the repository (do not call it again inside `f`).
    fn with_repo<R>(&self, f: impl FnOnce(&Repo) -> Result<R>) -> Result<R> {
        f(&self.repo.lock().unwrap_or_else(|e| e.into_inner()))
    }

    pub fn project(&self) -> Project {
        Project {
            name: self.config.project_name(&self.workdir),
            url: self.config.project.url.clone(),
            segments: self
                .config
                .segments
                .iter()
                .map(|(id, name)| Segment {
                    id: id.clone(),
                    name: name.clone(),
                })
                .collect(),
        }
    }

    /// Release versions, oldest first, without prefix.
    pub fn versions(&self) -> Vec<String> {
        self.tags.iter().map(|t| t.version.to_string()).collect()
    }

    /// Finds the tag for `--tag`: a tag name or a bare version.
    pub fn find_tag(&self, wanted: &str) -> Result<usize> {
        if let Some(i) = self
            .tags
            .iter()
            .position(|t| t.name == wanted || t.version.to_string() == wanted)
        {
            return Ok(i);
        }
        let names: Vec<&str> = self.tags.iter().map(|t| t.name.as_str()).collect();
        let near = nearest_n(wanted, names.iter().copied(), 3);
        let help = if names.is_empty() {
            "this repository has no release tags yet; use `--unreleased --version X.Y.Z`"
                .to_string()
        } else if near.is_empty() {
            format!(
                "release tags here: {}{}",
                names
                    .iter()
                    .rev()
                    .take(5)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                if names.len() > 5 { ", ..." } else { "" }
            )
        } else {
            format!("nearest release tags: {}", near.join(", "))
        };
        Err(Error::usage(
            format!("tag `{wanted}` is not a release tag in this repository"),
            help,
        ))
    }

    /// The unreleased commits: reachable from HEAD and not from the newest tag.
    fn unreleased_range(&self) -> Option<(String, Option<String>)> {
        let head = self.with_repo(|r| Ok(r.head())).ok()??;
        let last = match self.tags.last() {
            Some(t) => Some(self.peel(t).ok()?.commit),
            None => None,
        };
        Some((head, last))
    }

    /// Whether there is anything unreleased (commits or change files).
    pub fn has_unreleased(&self) -> Result<bool> {
        if self.inputs.changes.contains_key("unreleased") {
            return Ok(true);
        }
        match self.unreleased_range() {
            Some((head, last)) => Ok(last.as_deref() != Some(head.as_str())
                && !self
                    .with_repo(|r| r.commits(&head, last.as_deref()))?
                    .is_empty()),
            None => Ok(false),
        }
    }

    /// The releases `target` names, in order, before any reading.
    fn plan(&self, target: &Target) -> Result<Vec<Plan>> {
        Ok(match target {
            Target::Latest => {
                if self.tags.is_empty() {
                    return Err(Error::usage(
                        "this repository has no release tags yet: everything is unreleased",
                        "build the unreleased changes with `relnotes build --unreleased --version 0.1.0`",
                    ));
                }
                vec![Plan::Tag(self.tags.len() - 1)]
            }
            Target::Tag(t) => vec![Plan::Tag(self.find_tag(t)?)],
            Target::Unreleased(version) => vec![Plan::Unreleased(version.clone())],
            Target::All => {
                let mut plan: Vec<Plan> = (0..self.tags.len()).map(Plan::Tag).collect();
                if self.has_unreleased()? {
                    plan.push(Plan::Unreleased(None));
                }
                plan
            }
        })
    }

    /// Assembles the releases named by `target` and hands each to `f` as
    /// soon as it is ready. One thread walks the history, release by
    /// release, while the others assemble and hand over what it read, so
    /// only a few releases are in memory at a time however long the
    /// history is. Releases arrive in no particular order; each is complete
    /// in itself. If several fail, the error of the oldest is returned,
    /// whatever the number of threads.
    pub fn for_each_release<F>(&self, target: &Target, f: F) -> Result<()>
    where
        F: Fn(Release) -> Result<()> + Sync,
    {
        self.for_each_stale_release(target, None, |r, _| f(r))
            .map(|_| ())
    }

    /// [`Sources::for_each_release`] for incremental builds: with
    /// `fresh`, each tagged release's [`Sources::fingerprint`] (salted with
    /// everything the caller's outputs depend on) is computed first, from
    /// the tags and input files alone, and a release for which
    /// `fresh.up_to_date(version, fingerprint)` holds is skipped before any
    /// history is read. `f` gets the fingerprint to record with the
    /// outputs. Unreleased changes are always assembled. Returns how many
    /// releases were skipped.
    pub fn for_each_stale_release<F>(
        &self,
        target: &Target,
        fresh: Option<&Fresh<'_>>,
        f: F,
    ) -> Result<usize>
    where
        F: Fn(Release, Option<u64>) -> Result<()> + Sync,
    {
        let plan = self.plan(target)?;
        let versions = self.versions();
        let failed: std::sync::Mutex<Option<(usize, Error)>> = std::sync::Mutex::new(None);
        let skipped = std::sync::atomic::AtomicUsize::new(0);
        let first_failure = || {
            failed
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .as_ref()
                .map(|(k, _)| *k)
        };
        let fail = |k: usize, e: Error| {
            let mut slot = failed.lock().unwrap_or_else(|e| e.into_inner());
            if slot.as_ref().is_none_or(|(f, _)| k < *f) {
                *slot = Some((k, e));
            }
        };
        // The history is read on one thread, in plan order: libgit2 guards
        // each pack file with locks, and two readers spent more time
        // waiting on them than they saved. The other threads assemble and
        // render what it sends.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Job, Option<u64>)>(4);
            let (skipped, fail) = (&skipped, &fail);
            scope.spawn(move || {
                for (k, p) in plan.into_iter().enumerate() {
                    let job = || -> Result<Option<(Job, Option<u64>)>> {
                        Ok(match p {
                            Plan::Tag(i) => {
                                let print = match fresh {
                                    Some(fr) => {
                                        let print = self.fingerprint(i, fr.salt)?;
                                        let version = self.tags[i].version.to_string();
                                        if (fr.up_to_date)(&version, print) {
                                            skipped
                                                .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                            return Ok(None);
                                        }
                                        Some(print)
                                    }
                                    None => None,
                                };
                                Some((self.tag_job(i)?, print))
                            }
                            Plan::Unreleased(v) => Some((self.unreleased_job(v)?, None)),
                        })
                    };
                    match job() {
                        Ok(None) => {}
                        Ok(Some((job, print))) => {
                            if tx.send((k, job, print)).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            fail(k, e);
                            break;
                        }
                    }
                }
            });
            rx.into_iter().par_bridge().for_each(|(k, job, print)| {
                if first_failure().is_some_and(|f| f < k) {
                    return;
                }
                if let Err(e) = self.release(job, &versions).and_then(|r| f(r, print)) {
                    fail(k, e);
                }
            });
        });
        match failed.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some((_, e)) => Err(e),
            None => Ok(skipped.into_inner()),
        }
    }

    /// A hash of everything the assembled model of tagged release `i`
    /// depends on besides `salt`: the tag and what it points to, the
    /// previous tag and the previous stable one (which fix the commits and
    /// the rollback target), the release's metadata and change files, the
    /// known issues, the configuration and where paths are shown from.
    /// Reads two tags and their commits; no history.
    pub fn fingerprint(&self, i: usize, salt: u64) -> Result<u64> {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        salt.hash(&mut h);
        self.shared_fingerprint().hash(&mut h);
        let tag = &self.tags[i];
        let version = tag.version.to_string();
        let peeled = |t: &ReleaseTag, h: &mut std::collections::hash_map::DefaultHasher| {
            let p = self.peel(t)?;
            (
                &t.name,
                &t.target.target,
                &p.commit,
                p.time,
                p.offset_minutes,
            )
                .hash(h);
            Ok::<_, Error>(())
        };
        peeled(tag, &mut h)?;
        match i.checked_sub(1).map(|p| &self.tags[p]) {
            Some(prev) => peeled(prev, &mut h)?,
            None => "first".hash(&mut h),
        }
        let prev_stable = self.tags[..i]
            .iter()
            .rev()
            .find(|t| t.version.pre.is_empty());
        prev_stable.map(|t| &t.name).hash(&mut h);
        let meta = self.inputs.releases.get(&version);
        // The parsed inputs, not their bytes: a comment or a reformatted
        // file changes nothing. Written as JSON (every field, no escaping
        // of Unicode), which is several times cheaper than `{:?}`.
        let mut buf = Vec::with_capacity(16 * 1024);
        match meta {
            Some(m) => {
                m.path.hash(&mut h);
                crate::render::json::write_pretty(&mut buf, &m.meta).expect("metadata serializes");
            }
            None => "no metadata".hash(&mut h),
        }
        for c in self.inputs.changes.get(&version).into_iter().flatten() {
            (&c.id, &c.path, &c.body).hash(&mut h);
            crate::render::json::write_pretty(&mut buf, &c.front).expect("a change serializes");
        }
        buf.hash(&mut h);
        // The rollback target counts as met only if it is a release tag.
        let last_known_good = meta
            .and_then(|m| m.meta.rollback.last_known_good.clone())
            .or_else(|| prev_stable.map(|t| t.version.to_string()));
        // (A version that does not parse matches no tag, as in readiness.)
        let tagged = last_known_good.map(|v| {
            let v = v.trim_start_matches(self.config.tags.prefix.as_str());
            semver::Version::parse(v).is_ok_and(|v| self.tags.iter().any(|t| t.version == v))
        });
        tagged.hash(&mut h);
        Ok(h.finish())
    }

    /// The part of every fingerprint that all releases share.
    fn shared_fingerprint(&self) -> u64 {
        *self.shared_print.get_or_init(|| {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            format!("{:?}", self.config).hash(&mut h);
            format!("{:?}", self.inputs.known_issues).hash(&mut h);
            format!("{:?}", self.project()).hash(&mut h);
            self.root.hash(&mut h);
            h.finish()
        })
    }

    /// Assembles the releases named by `target`, oldest first.
    pub fn assemble(&self, target: &Target) -> Result<Assembled> {
        let out = std::sync::Mutex::new(Vec::new());
        self.for_each_release(target, |r| {
            out.lock().unwrap_or_else(|e| e.into_inner()).push(r);
            Ok(())
        })?;
        let mut releases = out.into_inner().unwrap_or_else(|e| e.into_inner());
        let order = |r: &Release| semver::Version::parse(&r.version).ok();
        releases.sort_by(|a, b| {
            order(a)
                .cmp(&order(b))
                .then_with(|| a.unreleased.cmp(&b.unreleased))
        });
        Ok(Assembled {
            project: self.project(),
            releases,
        })
    }

    /// The commit and time of a release tag.
    pub fn peel(&self, tag: &ReleaseTag) -> Result<git::Peeled> {
        if let Some(p) = tag.peeled.get() {
            return Ok(p.clone());
        }
        let p = self.with_repo(|r| r.peel(&tag.target))?;
        Ok(tag.peeled.get_or_init(|| p).clone())
    }

    fn tag_job(&self, i: usize) -> Result<Job> {
        let tag = &self.tags[i];
        let prev = i.checked_sub(1).map(|p| &self.tags[p]);
        let peeled = self.peel(tag)?;
        let prev_commit = prev.map(|p| self.peel(p)).transpose()?.map(|p| p.commit);
        let commits = self.with_repo(|r| r.commits(&peeled.commit, prev_commit.as_deref()))?;
        Ok(Job {
            version: tag.version.clone(),
            tag: Some((tag.clone(), peeled)),
            previous: prev.cloned(),
            previous_stable: self.tags[..i]
                .iter()
                .rev()
                .find(|t| t.version.pre.is_empty())
                .cloned(),
            commits,
            change_dirs: vec![tag.version.to_string()],
        })
    }

    fn unreleased_job(&self, version: Option<String>) -> Result<Job> {
        let commits = match self.unreleased_range() {
            Some((head, last)) if last.as_deref() != Some(head.as_str()) => {
                self.with_repo(|r| r.commits(&head, last.as_deref()))?
            }
            _ => Vec::new(),
        };
        let previous = self.tags.last().cloned();
        let version = match version {
            Some(v) => {
                let v = v
                    .strip_prefix(self.config.tags.prefix.as_str())
                    .unwrap_or(&v);
                semver::Version::parse(v).map_err(|e| {
                    Error::usage(
                        format!("`{v}` is not a semantic version: {e}"),
                        "give a version like 1.5.0 or 2.0.0-rc.1",
                    )
                })?
            }
            None => self.next_version_for(&commits, previous.as_ref()).0,
        };
        if let Some(p) = &previous {
            if version <= p.version {
                return Err(Error::usage(
                    format!(
                        "version {version} is not newer than the last release {}",
                        p.version
                    ),
                    format!(
                        "use a version after {}: `relnotes next` suggests one",
                        p.version
                    ),
                ));
            }
        }
        let change_dirs = vec![version.to_string(), "unreleased".into()];
        Ok(Job {
            version,
            tag: None,
            previous_stable: self
                .tags
                .iter()
                .rev()
                .find(|t| t.version.pre.is_empty())
                .cloned(),
            previous,
            // After `relnotes release V` and before the tag, the files are
            // already in changes/V/.
            change_dirs,
            commits,
        })
    }

    /// The next version after the newest tag, and the changes that decide it
    /// (for `relnotes next --explain`).
    pub fn next_version(&self) -> Result<(semver::Version, Vec<String>)> {
        let commits = match self.unreleased_range() {
            Some((head, last)) if last.as_deref() != Some(head.as_str()) => {
                self.with_repo(|r| r.commits(&head, last.as_deref()))?
            }
            _ => Vec::new(),
        };
        Ok(self.next_version_for(&commits, self.tags.last()))
    }

    fn next_version_for(
        &self,
        commits: &[git::Commit],
        previous: Option<&ReleaseTag>,
    ) -> (semver::Version, Vec<String>) {
        let mut infos: Vec<CommitInfo> = commits
            .iter()
            .filter(|c| !self.skipped(c))
            .map(commit_info)
            .collect();
        let files = self
            .inputs
            .changes
            .get("unreleased")
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        mark_covered(files, &mut infos);
        let changes = self.changes(files, &infos, None, &[]);
        let (required, why) = required_bump(&changes, previous.map(|p| &p.version));
        let base = previous
            .map(|p| p.version.clone())
            .unwrap_or_else(|| semver::Version::new(0, 0, 0));
        let mut v = semver::Version::new(base.major, base.minor, base.patch);
        if !base.pre.is_empty() {
            // 1.0.0-rc.2 is followed by 1.0.0.
        } else {
            match required {
                "major" => v = semver::Version::new(v.major + 1, 0, 0),
                "minor" => v = semver::Version::new(v.major, v.minor + 1, 0),
                _ => v.patch += 1,
            }
        }
        if previous.is_none() && v == semver::Version::new(0, 0, 1) {
            v = semver::Version::new(0, 1, 0);
        }
        (v, why)
    }

    fn skipped(&self, c: &git::Commit) -> bool {
        let subject = c.message.lines().next().unwrap_or("");
        self.skip.iter().any(|r| r.is_match(subject))
    }

    fn release(&self, job: Job, versions: &[String]) -> Result<Release> {
        let config = &self.config;
        let version = job.version.to_string();
        let mut warnings = Vec::new();
        let mut commits: Vec<CommitInfo> = Vec::with_capacity(job.commits.len());
        for c in &job.commits {
            if self.skipped(c) {
                continue;
            }
            if c.lossy {
                let w = format!(
                    "commit {}: the message is not valid UTF-8; it was decoded with replacement characters",
                    &c.id[..12]
                );
                eprintln!("warning: {w}");
                warnings.push(w);
            }
            commits.push(commit_info(c));
        }
        let meta_file = self.inputs.releases.get(&version);
        let meta: ReleaseMeta = meta_file.map(|m| m.meta.clone()).unwrap_or_default();
        let meta_path = self.rel(&self.dir.join("releases").join(format!("{version}.yaml")));
        let files: Vec<ChangeFile> = job
            .change_dirs
            .iter()
            .filter_map(|d| self.inputs.changes.get(d))
            .flatten()
            .cloned()
            .collect();
        let files = files.as_slice();

        mark_covered(files, &mut commits);

        let date = meta.date.map(|d| d.to_string()).or_else(|| {
            job.tag
                .as_ref()
                .map(|(_, p)| local_time(p.time, p.offset_minutes).date().to_string())
        });
        let time = job
            .tag
            .as_ref()
            .map(|(_, p)| rfc3339(p.time, p.offset_minutes));
        let mut changes = self.changes(files, &commits, date.as_deref(), &meta.highlights);
        for f in files {
            for s in f.front.segments.iter().flatten() {
                if !config.segments.contains_key(s) {
                    warnings.push(format!(
                        "change {} targets segment `{s}`, which the configuration does not define",
                        f.id
                    ));
                }
            }
        }
        for h in &meta.highlights {
            if !changes.iter().any(|c| &c.id == h) {
                warnings.push(format!("highlight `{h}` names no change of this release"));
            }
        }
        for c in &mut changes {
            if c.origin == Origin::File {
                c.path = Some(self.rel(Path::new(c.path.as_deref().unwrap_or(""))));
            }
        }

        let (known_issues, fixed_issues) = known_issues_for(&job.version, self);

        let prev_version = job.previous.as_ref().map(|p| &p.version);
        let (required, _) = required_bump(&changes, prev_version);
        let bump = bump_between(prev_version, &job.version);
        let promotes = prev_version.is_some_and(|p| {
            !p.pre.is_empty()
                && (p.major, p.minor, p.patch)
                    == (job.version.major, job.version.minor, job.version.patch)
        });
        let kind = ReleaseKind {
            bump: bump.to_string(),
            required: required.to_string(),
            declared: meta.kind.map(|k| k.as_str().to_string()),
            promotes_prerelease: promotes,
        };

        let last_known_good = meta
            .rollback
            .last_known_good
            .clone()
            .or_else(|| job.previous_stable.as_ref().map(|p| p.version.to_string()));

        let hours = meta.support.hypercare_hours.unwrap_or(48);
        let start = match &meta.deployment.window {
            Some(Window::Range { end, .. }) => Some(*end),
            _ => job
                .tag
                .as_ref()
                .and_then(|(_, p)| jiff::Timestamp::from_second(p.time).ok()),
        };
        let hypercare = start.map(|s| Hypercare {
            hours,
            start: s.to_string(),
            end: (s + jiff::SignedDuration::from_hours(i64::from(hours))).to_string(),
        });

        let mut release = Release {
            version,
            tag: job.tag.as_ref().map(|(t, _)| t.name.clone()),
            unreleased: job.tag.is_none(),
            previous: job.previous.as_ref().map(|p| PreviousRelease {
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
            metadata_file: meta_file.map(|_| meta_path),
            metadata: meta,
            hypercare,
            last_known_good,
            readiness: Readiness::default(),
            warnings,
        };
        release.readiness = evaluate(&release, config, versions, Stage::PreRelease, false);
        Ok(release)
    }

    /// Change items: every change file, plus items derived from commits
    /// (customer-visible when the release has no change files at all,
    /// support and internal otherwise).
    fn changes(
        &self,
        files: &[ChangeFile],
        commits: &[CommitInfo],
        date: Option<&str>,
        highlights: &[String],
    ) -> Vec<Change> {
        let config = &self.config;
        let mut out = Vec::new();
        for f in files {
            let fr = &f.front;
            let authors = commits
                .iter()
                .filter(|c| {
                    c.prs.iter().any(|p| fr.prs.contains(p))
                        || fr
                            .commits
                            .iter()
                            .any(|id| id.len() >= 7 && c.id.starts_with(id.as_str()))
                })
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
            let title = crate::domain::text::first_line(&f.body)
                .trim_start_matches('#')
                .trim()
                .to_string();
            out.push(Change {
                id: f.id.clone(),
                origin: Origin::File,
                path: Some(f.path.to_string_lossy().into_owned()),
                kind: fr.kind.as_str().to_string(),
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
            });
        }
        let from_commits_for_customers = files.is_empty();
        for c in commits {
            if c.covered || c.merge {
                continue;
            }
            let mapped = c.kind.as_deref().and_then(|k| config.commits.kinds.get(k));
            let kind = match (mapped, c.breaking) {
                (Some(k), _) => k.clone(),
                (None, true) => "changed".to_string(),
                (None, false) => continue, // internal or other: in the commit list only
            };
            // A breaking change always reaches customers: their migration
            // steps must not depend on someone writing a change file.
            let audiences = if from_commits_for_customers || c.breaking {
                Audience::ALL.to_vec()
            } else {
                vec![Audience::Support, Audience::Internal]
            };
            let mut authors = vec![c.author.clone()];
            authors.extend(c.co_authors.iter().filter(|a| **a != c.author).cloned());
            let title = match &c.scope {
                Some(s) => format!("**{s}:** {}", c.description),
                None => c.description.clone(),
            };
            let upgrade = if c.breaking {
                c.breaking_footer.clone()
            } else {
                None
            };
            out.push(Change {
                id: c.short.clone(),
                origin: Origin::Commit,
                path: None,
                kind,
                breaking: c.breaking,
                audiences,
                segments: Vec::new(),
                title: title.clone(),
                text: title,
                upgrade,
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
            });
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
                kind_rank(&c.kind),
                c.origin == Origin::Commit,
            )
        });
        out
    }

    /// A path relative to the repository root, with `/` separators.
    pub fn rel(&self, p: &Path) -> String {
        p.strip_prefix(&self.root)
            .unwrap_or(p)
            .to_string_lossy()
            .replace('\\', "/")
    }
}

enum Plan {
    Tag(usize),
    Unreleased(Option<String>),
}

struct Job {
    version: semver::Version,
    tag: Option<(ReleaseTag, git::Peeled)>,
    previous: Option<ReleaseTag>,
    previous_stable: Option<ReleaseTag>,
    commits: Vec<git::Commit>,
    change_dirs: Vec<String>,
}

/// Evaluates readiness for an assembled release. `build` stores the
/// pre-release evaluation in the model; `check` calls this with its stage.
pub fn evaluate(
    release: &Release,
    config: &Config,
    versions: &[String],
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
        bump: &release.kind.bump,
        required: &release.kind.required,
        promotes_prerelease: release.kind.promotes_prerelease,
        last_known_good: release.last_known_good.as_deref(),
        release_versions: versions,
        hypercare: release.hypercare.as_ref(),
    };
    readiness::evaluate(&facts, stage, strict)
}

/// The versions whose change files and metadata `target` needs, or `None`
/// when it needs all of them.
fn versions_needed(
    target: &Target,
    tags: &[ReleaseTag],
    config: &Config,
) -> Option<BTreeSet<String>> {
    let mut set = BTreeSet::new();
    set.insert("unreleased".to_string());
    match target {
        Target::All => return None,
        Target::Latest => set.extend(tags.last().map(|t| t.version.to_string())),
        Target::Tag(t) => {
            // An unknown tag is reported later, with suggestions.
            let found = tags
                .iter()
                .find(|x| x.name == *t || x.version.to_string() == *t);
            set.extend(found.map(|x| x.version.to_string()));
        }
        Target::Unreleased(Some(v)) => {
            set.insert(
                v.strip_prefix(config.tags.prefix.as_str())
                    .unwrap_or(v)
                    .to_string(),
            );
        }
        // The version comes from the changes: every unreleased one is read.
        Target::Unreleased(None) => return None,
    }
    Some(set)
}

/// Marks the commits that a change file speaks for (by PR number or commit
/// id prefix), so they are not listed a second time.
fn mark_covered(files: &[ChangeFile], commits: &mut [CommitInfo]) {
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

pub fn kind_rank(kind: &str) -> usize {
    crate::domain::config::CHANGE_KINDS
        .iter()
        .position(|k| *k == kind)
        .unwrap_or(crate::domain::config::CHANGE_KINDS.len())
}

/// The bump the changes call for, and the ids of the changes that decide it.
pub fn required_bump(
    changes: &[Change],
    previous: Option<&semver::Version>,
) -> (&'static str, Vec<String>) {
    let pre_1 = previous.is_some_and(|p| p.major == 0) || previous.is_none();
    let breaking: Vec<String> = changes
        .iter()
        .filter(|c| c.breaking)
        .map(describe)
        .collect();
    if !breaking.is_empty() {
        return (if pre_1 { "minor" } else { "major" }, breaking);
    }
    let added: Vec<String> = changes
        .iter()
        .filter(|c| c.kind == "added")
        .map(describe)
        .collect();
    if !added.is_empty() {
        return ("minor", added);
    }
    ("patch", changes.iter().map(describe).collect())
}

fn describe(c: &Change) -> String {
    format!(
        "{} ({}{}): {}",
        c.id,
        if c.breaking { "breaking " } else { "" },
        c.kind,
        c.title
    )
}

fn bump_between(prev: Option<&semver::Version>, cur: &semver::Version) -> &'static str {
    match prev {
        None => "initial",
        Some(p) if cur.major != p.major => "major",
        Some(p) if cur.minor != p.minor => "minor",
        Some(p) if cur.patch != p.patch => "patch",
        Some(_) => "prerelease",
    }
}

fn known_issues_for(
    version: &semver::Version,
    sources: &Sources,
) -> (Vec<KnownIssue>, Vec<KnownIssue>) {
    let mut affected = Vec::new();
    let mut fixed = Vec::new();
    for (f, ki) in sources
        .inputs
        .known_issues
        .iter()
        .zip(sources.known_issues())
    {
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

fn known_issue(f: &KnownIssueFile, sources: &Sources) -> KnownIssue {
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
        status: match status {
            IssueStatus::Open => "open".into(),
            IssueStatus::Fixed => "fixed".into(),
        },
        segments: fr.segments.clone().unwrap_or_default(),
        workaround: if no_workaround {
            None
        } else {
            w.map(str::to_string)
        },
        no_workaround,
        text: f.body.clone(),
        path: sources.rel(&f.path),
    }
}

fn commit_info(c: &git::Commit) -> CommitInfo {
    let p = conventional::parse(&c.message);
    let subject = c.message.lines().next().unwrap_or("").trim().to_string();
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
        time: rfc3339(c.time, c.offset_minutes),
        merge: c.parent_count > 1,
        covered: false,
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

/// Release tags, oldest first by semantic version.
fn release_tags(repo: &Repo, config: &Config) -> Result<Vec<ReleaseTag>> {
    let pattern = config
        .tags
        .pattern
        .as_deref()
        .map(|p| regex::Regex::new(p).expect("validated in Config::validate"));
    let mut out: BTreeMap<semver::Version, ReleaseTag> = BTreeMap::new();
    for t in repo.tags()? {
        let version = match &pattern {
            Some(re) => re
                .captures(&t.name)
                .and_then(|c| c.name("version"))
                .map(|m| m.as_str().to_string()),
            None => t
                .name
                .strip_prefix(config.tags.prefix.as_str())
                .map(str::to_string),
        };
        let Some(v) = version.and_then(|v| semver::Version::parse(&v).ok()) else {
            continue;
        };
        // Two tags for one version: keep the first name in sort order.
        let keep = out.get(&v).is_none_or(|e| t.name < e.name);
        if keep {
            out.insert(
                v.clone(),
                ReleaseTag {
                    name: t.name.clone(),
                    version: v,
                    target: t,
                    peeled: std::sync::OnceLock::new(),
                },
            );
        }
    }
    Ok(out.into_values().collect())
}
