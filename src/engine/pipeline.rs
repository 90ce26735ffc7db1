//! The pipeline: one thread walks the history release by release and hands
//! each release's inputs to the other threads, which assemble it (a pure
//! function of its inputs) and give it to the caller. Only a few releases
//! are in memory at a time, however long the history is.

use rayon::prelude::*;

use super::plan::{Plan, Target};
use super::{Assembled, Sources};
use crate::domain::assemble::{self, Commit, ReleaseInput, Tagged};
use crate::domain::input::ChangeFile;
use crate::domain::model::Release;
use crate::domain::version;
use crate::error::{Error, Result};

/// How an incremental build tells which releases are up to date.
pub struct Fresh<'a> {
    /// Everything the outputs depend on besides the sources (the renderer,
    /// the formats), hashed.
    pub salt: u64,
    /// Whether the outputs of this version were written from this
    /// fingerprint and are all still there.
    pub up_to_date: &'a (dyn Fn(&str, u64) -> bool + Sync),
}

/// What the history thread hands over for one release: the pieces of a
/// [`ReleaseInput`] that are read from git.
struct Job {
    version: semver::Version,
    /// Index of the tag in [`Sources::tags`]; `None` for unreleased changes.
    tag: Option<(usize, Tagged)>,
    /// Index of the previous release's tag.
    previous: Option<usize>,
    commits: Vec<Commit>,
    /// Folders under `changes/` whose files belong to the release.
    change_dirs: Vec<String>,
}

/// A planned release whose range is walked and whose commits are not read
/// yet.
enum Walked {
    Tag(Job, crate::sources::git::Range),
    /// The unreleased changes (read at once: their version depends on
    /// them), under this version if given.
    Unreleased(Option<String>),
}

/// How many releases ahead the history thread walks before reading the
/// commits of the first (a commit two releases list is read once if
/// they are this close; on git's own history most are within five).
const LOOKAHEAD: usize = 4;

/// The first error by plan order, so the same failure is reported on every
/// run whatever the number of threads.
#[derive(Default)]
struct FirstFailure(std::sync::Mutex<Option<(usize, Error)>>);

impl FirstFailure {
    fn at(&self) -> Option<usize> {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .as_ref()
            .map(|(k, _)| *k)
    }

    fn record(&self, k: usize, e: Error) {
        let mut slot = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().is_none_or(|(f, _)| k < *f) {
            *slot = Some((k, e));
        }
    }

    fn into_result(self) -> Result<()> {
        match self.0.into_inner().unwrap_or_else(|e| e.into_inner()) {
            Some((_, e)) => Err(e),
            None => Ok(()),
        }
    }
}

impl Sources {
    /// Assembles the releases named by `target` and hands each to `f` as
    /// soon as it is ready. Releases arrive in no particular order; each is
    /// complete in itself. If several fail, the error of the oldest is
    /// returned, whatever the number of threads.
    pub fn for_each_release<F>(&self, target: &Target, f: F) -> Result<()>
    where
        F: Fn(Release) -> Result<()> + Sync,
    {
        self.for_each_stale_release(target, None, |r, _| f(r))
            .map(|_| ())
    }

    /// [`Sources::for_each_release`] for incremental builds: with `fresh`,
    /// each tagged release's fingerprint (salted with everything the
    /// caller's outputs depend on) is computed first, and a release for
    /// which `fresh.up_to_date(version, fingerprint)` holds is skipped
    /// before any history is read. `f` gets the fingerprint to record with
    /// the outputs. Unreleased changes are always assembled. Returns how
    /// many releases were skipped.
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
        crate::trace::phase("releases planned");
        let versions = self.versions();
        let cx = self.context(&versions);
        let failed = FirstFailure::default();
        let skipped = std::sync::atomic::AtomicUsize::new(0);
        // The history is read on one thread, in plan order: libgit2 guards
        // each pack file with locks, and two readers spent more time
        // waiting on them than they saved. The other threads assemble and
        // render what it sends. The thread walks the ranges of the next
        // few releases before it reads the commits of the first: a commit
        // several of them list (a fix on a maintenance branch and in the
        // next release's candidate) is then read and decoded once.
        std::thread::scope(|scope| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<(usize, Job, Option<u64>)>(4);
            let (skipped, failed) = (&skipped, &failed);
            scope.spawn(move || {
                let mut plan = plan.into_iter().enumerate();
                let mut ahead = std::collections::VecDeque::new();
                loop {
                    while ahead.len() < LOOKAHEAD {
                        let Some((k, p)) = plan.next() else { break };
                        match self.walk(p, fresh, skipped) {
                            Ok(None) => {}
                            Ok(Some(w)) => ahead.push_back((k, w)),
                            Err(e) => {
                                failed.record(k, e);
                                plan.by_ref().for_each(drop);
                                break;
                            }
                        }
                    }
                    let Some((k, (walked, print))) = ahead.pop_front() else {
                        break;
                    };
                    crate::trace::phase("ranges walked; reading the next release's commits");
                    match self.read(walked) {
                        Ok(job) => {
                            if tx.send((k, job, print)).is_err() {
                                break;
                            }
                        }
                        Err(e) => {
                            failed.record(k, e);
                            break;
                        }
                    }
                }
            });
            rx.into_iter().par_bridge().for_each(|(k, job, print)| {
                if failed.at().is_some_and(|f| f < k) {
                    return;
                }
                crate::trace::release_phase(&job.version, "commits read");
                let done = assemble::assemble(self.input(job), &cx).and_then(|r| f(r, print));
                if let Err(e) = done {
                    failed.record(k, e);
                }
            });
        });
        failed.into_result()?;
        Ok(skipped.into_inner())
    }

    /// Walks the range of one planned release, or `None` when `fresh`
    /// says its outputs are up to date.
    fn walk(
        &self,
        p: Plan,
        fresh: Option<&Fresh<'_>>,
        skipped: &std::sync::atomic::AtomicUsize,
    ) -> Result<Option<(Walked, Option<u64>)>> {
        Ok(match p {
            Plan::Tag(i) => {
                let print = match fresh {
                    Some(fr) => {
                        let print = self.fingerprint(i, fr.salt)?;
                        if (fr.up_to_date)(&self.tags[i].version.to_string(), print) {
                            skipped.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            return Ok(None);
                        }
                        Some(print)
                    }
                    None => None,
                };
                Some((self.tag_walk(i)?, print))
            }
            Plan::Unreleased(v) => Some((Walked::Unreleased(v), None)),
        })
    }

    /// Reads the commits of a walked release: its job.
    fn read(&self, walked: Walked) -> Result<Job> {
        match walked {
            Walked::Tag(mut job, range) => {
                job.commits = self.take_commits(range)?;
                Ok(job)
            }
            Walked::Unreleased(v) => self.unreleased_job(v),
        }
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

    /// A tagged release's job without its commits, and its range.
    fn tag_walk(&self, i: usize) -> Result<Walked> {
        let tag = &self.tags[i];
        let previous = self.previous_of(i);
        let peeled = self.peel(tag)?;
        let prev_commit = previous
            .map(|p| self.peel(&self.tags[p]))
            .transpose()?
            .map(|p| p.commit);
        let range = self.plan_commits(&peeled.commit, prev_commit.as_deref())?;
        let job = Job {
            version: tag.version.clone(),
            tag: Some((
                i,
                Tagged {
                    tag: tag.info(),
                    time: peeled.time,
                    offset_minutes: peeled.offset_minutes,
                },
            )),
            previous,
            commits: Vec::new(),
            // A final release after its candidates speaks for them too.
            change_dirs: self.tags[previous.map_or(0, |p| p + 1)..=i]
                .iter()
                .map(|t| t.version.to_string())
                .collect(),
        };
        Ok(Walked::Tag(job, range))
    }

    fn unreleased_job(&self, version: Option<String>) -> Result<Job> {
        let commits = self.unreleased_commits()?;
        let previous = self.unreleased_base;
        let prev_version = previous.map(|p| &self.tags[p].version);
        let version = match version {
            Some(v) => self.proposed_version(&v)?,
            None => self.next_version_for(&commits, prev_version).0,
        };
        if let Some(p) = prev_version {
            if version <= *p {
                return Err(Error::usage(
                    format!("version {version} is not newer than the last release {p}"),
                    format!("use a version after {p}: `relnotes next` suggests one"),
                ));
            }
        }
        Ok(Job {
            // After `relnotes release V` and before the tag, the files are
            // already in changes/V/.
            change_dirs: vec![version.to_string(), "unreleased".into()],
            version,
            tag: None,
            previous,
            commits,
        })
    }

    /// A version given on the command line, with or without tag prefix.
    fn proposed_version(&self, v: &str) -> Result<semver::Version> {
        let v = v
            .strip_prefix(self.config.tags.prefix.as_str())
            .unwrap_or(v);
        semver::Version::parse(v).map_err(|e| {
            Error::usage(
                format!("`{v}` is not a semantic version: {e}"),
                "give a version like 1.5.0 or 2.0.0-rc.1",
            )
        })
    }

    /// The change files of the given folders under `changes/`, in order.
    fn change_files(&self, dirs: &[String]) -> Vec<ChangeFile> {
        dirs.iter()
            .filter_map(|d| self.inputs.changes.get(d))
            .flatten()
            .cloned()
            .collect()
    }

    /// A job read from git becomes the pure assembly's input.
    fn input(&self, job: Job) -> ReleaseInput<'_> {
        let version = job.version.to_string();
        // The newest stable release before this one: before the tag for a
        // tagged release, up to the release on HEAD's branch for the
        // unreleased changes.
        let before = job
            .tag
            .as_ref()
            .map_or_else(|| self.unreleased_base.map_or(0, |b| b + 1), |(i, _)| *i);
        ReleaseInput {
            files: self.change_files(&job.change_dirs),
            meta: self.inputs.releases.get(&version),
            version: job.version,
            tagged: job.tag.map(|(_, t)| t),
            previous: job.previous.map(|p| self.tags[p].info()),
            previous_stable: self.previous_stable(before).map(|t| t.info()),
            commits: job.commits,
        }
    }

    /// The next version after the newest tag, and the changes that decide it
    /// (for `relnotes next --explain`).
    pub fn next_version(&self) -> Result<(semver::Version, Vec<String>)> {
        let commits = self.unreleased_commits()?;
        Ok(self.next_version_for(&commits, self.unreleased_previous().map(|t| &t.version)))
    }

    fn next_version_for(
        &self,
        commits: &[Commit],
        previous: Option<&semver::Version>,
    ) -> (semver::Version, Vec<String>) {
        let versions = self.versions();
        let cx = self.context(&versions);
        let mut infos: Vec<_> = commits
            .iter()
            .filter(|c| !cx.skipped(c))
            .map(|c| assemble::commit_info(c, self.config.commits.date))
            .collect();
        let files = self.change_files(&["unreleased".to_string()]);
        assemble::mark_covered(&files, &mut infos);
        let changes = assemble::changes(&self.config, &files, &infos, None, &[]);
        let (required, why) = version::required_bump(&changes, previous);
        (version::next_version(previous, required), why)
    }
}
