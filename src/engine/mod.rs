//! The engine: everything between the sources and the outputs that is
//! neither a pure rule nor a page. It opens the repository and reads the
//! inputs ([`Sources::load`]), plans which releases a command is about
//! ([`plan`]), reads the history on one thread while others assemble and
//! render ([`pipeline`]), fingerprints releases so that incremental builds
//! skip what is up to date ([`fingerprint`]) and stages output so that a
//! failed run leaves the previous outputs as they were ([`staging`]).
//! What a release says is decided in [`crate::domain`], never here.

pub mod fingerprint;
pub mod pipeline;
pub mod plan;
pub mod products;
pub mod staging;
pub mod tags;

use std::path::{Path, PathBuf};

use crate::domain::assemble::{self, Context};
use crate::domain::checklist::Checklist;
use crate::domain::config::Config;
use crate::domain::input::Inputs;
use crate::domain::input::TemplateFile;
use crate::domain::model::{KnownIssue, Project, Release, Segment};
use crate::domain::package::PackageFilter;
use crate::domain::readiness::Stage;
use crate::error::Result;
use crate::sources::files::Guard;
use crate::sources::git::{Range, Repo};

pub use pipeline::Fresh;
pub use plan::Target;
pub use tags::ReleaseTag;

/// Everything read from the repository, before assembly.
pub struct Sources {
    /// The repository's working directory (absolute).
    pub workdir: PathBuf,
    /// The working directory as paths are shown: empty when relnotes runs
    /// at the repository root.
    pub root: PathBuf,
    pub dir: PathBuf,
    pub config: Config,
    /// The effective Release Readiness Checklist (built-in, adapted by
    /// `.relnotes/checklist.yaml`).
    pub checklist: Checklist,
    pub inputs: Inputs,
    pub tags: Vec<ReleaseTag>,
    /// What the user should know about the tags (ambiguous versions): the
    /// commands print these, with the releases' own warnings.
    pub warnings: Vec<String>,
    /// git2 repositories are not `Sync`: the history is read on one thread
    /// at a time (see [`pipeline`]); the lock only makes the type
    /// shareable.
    repo: std::sync::Mutex<Repo>,
    /// The gate every input file is read through.
    guard: Guard,
    /// The known issues as releases show them, made once on first use.
    known: std::sync::OnceLock<Vec<KnownIssue>>,
    /// See [`Sources::shared_fingerprint`].
    shared_print: std::sync::OnceLock<u64>,
    skip: Vec<regex::Regex>,
    /// The newest release tag reachable from HEAD: the unreleased changes
    /// are those since it. `None` before the first release.
    unreleased_base: Option<usize>,
    /// The readiness stage and strictness releases are evaluated at.
    stage: Stage,
    strict: bool,
    /// In a monorepo: the package these sources are about.
    package: Option<PackageFilter>,
    /// In a monorepo: every package's rule, in configuration order, and
    /// the position of this one, so that which packages a commit belongs to
    /// is decided once per commit for all of them.
    package_set: Option<(usize, std::sync::Arc<Vec<PackageFilter>>)>,
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
        Sources::load_package(path, target, None)
    }

    /// The packages of the repository at (or above) `path`, by id (empty:
    /// it is not a monorepo).
    pub fn package_ids(path: &Path) -> Result<Vec<String>> {
        let (config, _) = Sources::settings(path)?;
        Ok(config.packages.iter().map(|p| p.id.clone()).collect())
    }

    /// The configuration of the repository at (or above) `path`, as
    /// written (no package view), and the project's name.
    pub fn settings(path: &Path) -> Result<(Config, String)> {
        let repo = Repo::open(path)?;
        let workdir = repo.workdir();
        let guard = Guard::new(&workdir, Default::default());
        let config =
            crate::sources::files::load_config(&guard, &shown_root(&workdir).join(".relnotes"))?;
        let name = config.project_name(&workdir);
        Ok((config, name))
    }

    /// [`Sources::load`] for one package of a monorepo: its tags, the
    /// commits that belong to it, its change files and release metadata
    /// (`.relnotes/changes/<id>/`, `.relnotes/releases/<id>/`, and shared
    /// unreleased change files that name it), the known issues and
    /// incidents that name it or no package.
    pub fn load_package(
        path: &Path,
        target: Option<&Target>,
        package: Option<&str>,
    ) -> Result<Sources> {
        let mut repo = Repo::open(path)?;
        repo.ensure_complete()?;
        crate::trace::phase("repository opened");
        if package.is_some() {
            // The packages of a monorepo walk the same history.
            repo.share_commits();
        }
        let workdir = repo.workdir();
        // Paths in messages and outputs are relative when relnotes runs at
        // the repository root, as in CI: shorter, and the same on every
        // machine.
        let root = shown_root(&workdir);
        let dir = root.join(".relnotes");
        let guard = Guard::new(&workdir, Default::default());
        let config = crate::sources::files::load_config(&guard, &dir)?;
        let package_set = match package {
            Some(id) if config.packages.len() < 63 => {
                let all = config
                    .packages
                    .iter()
                    .map(|p| PackageFilter::new(p, &config.packages))
                    .collect::<Result<Vec<_>>>()?;
                all.iter()
                    .position(|p| p.id == id)
                    .map(|k| (k, std::sync::Arc::new(all)))
            }
            _ => None,
        };
        let (config, package) = package_view(config, package, &workdir)?;
        let guard = guard.with_limits(config.limits.clone());
        crate::trace::phase("configuration read");
        let pool = crate::sources::files::io_pool();
        let package_id = package.as_ref().map(|p| p.id.as_str());
        let (checklist, tags, mut warnings, unreleased_base, mut inputs) =
            std::thread::scope(|s| -> Result<_> {
                // The known issues and incidents do not depend on the tags:
                // they are read while the tags are listed.
                let issues = s.spawn(|| {
                    crate::sources::files::load_issues(&guard, &dir, package_id, pool.as_ref())
                });
                let tagged = (|| -> Result<_> {
                    let checklist = crate::sources::files::load_checklist(&guard, &dir)?;
                    crate::trace::phase("checklist read");
                    let (tags, warnings, base) = release_tags_and_base(&repo, &config, target)?;
                    Ok((checklist, tags, warnings, base))
                })();
                let issues = issues
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
                let (checklist, tags, warnings, unreleased_base) = tagged?;
                let only = target.and_then(|t| plan::versions_needed(t, &tags, &config));
                let inputs = crate::sources::files::load_inputs(
                    &guard,
                    &dir,
                    only.as_ref(),
                    package_id,
                    issues,
                    pool.as_ref(),
                )?;
                Ok((checklist, tags, warnings, unreleased_base, inputs))
            })?;
        crate::trace::phase("input files read");
        warnings.append(&mut inputs.warnings);
        let skip = config
            .commits
            .skip
            .iter()
            .filter_map(|p| regex::Regex::new(p).ok()) // validated in Config::validate
            .collect();
        Ok(Sources {
            workdir,
            root,
            dir,
            config,
            checklist,
            inputs,
            tags,
            warnings,
            guard,
            known: std::sync::OnceLock::new(),
            shared_print: std::sync::OnceLock::new(),
            repo: std::sync::Mutex::new(repo),
            skip,
            unreleased_base,
            stage: Stage::PreRelease,
            strict: false,
            package,
            package_set,
        })
    }

    /// Evaluates readiness at `stage` (default: pre-release) for every
    /// release assembled from now on: `check` asks once, at its stage.
    pub fn with_readiness(mut self, stage: Stage, strict: bool) -> Sources {
        self.stage = stage;
        self.strict = strict;
        self
    }

    /// Every known issue, in the order of `inputs.known_issues`.
    pub fn known_issues(&self) -> &[KnownIssue] {
        self.known.get_or_init(|| {
            self.inputs
                .known_issues
                .iter()
                .map(|f| assemble::known_issue(f, &self.root))
                .collect()
        })
    }

    /// Runs `f` with the repository (do not call it again inside `f`).
    fn with_repo<R>(&self, f: impl FnOnce(&Repo) -> Result<R>) -> Result<R> {
        f(&self.repo.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// In a monorepo: the folder of the package these sources are about.
    pub fn package_folder(&self) -> Option<&str> {
        self.package.as_ref().and_then(|p| p.folder.as_deref())
    }

    /// The commits of `to` not reachable from `hide`, newest first; in a
    /// monorepo, those that belong to the package (the files each changes
    /// are read once per commit in a run).
    pub(crate) fn read_commits(
        &self,
        to: &str,
        hide: Option<&str>,
    ) -> Result<Vec<crate::domain::assemble::Commit>> {
        let range = self.plan_commits(to, hide)?;
        self.take_commits(range)
    }

    /// The range of [`Sources::read_commits`], walked but not read yet:
    /// ranges planned before they are read share the commits they have in
    /// common (see [`Repo::range`]).
    pub(crate) fn plan_commits(&self, to: &str, hide: Option<&str>) -> Result<Range> {
        self.with_repo(|r| r.range(to, hide))
    }

    /// The commits of a planned range (see [`Sources::read_commits`]).
    pub(crate) fn take_commits(
        &self,
        range: Range,
    ) -> Result<Vec<crate::domain::assemble::Commit>> {
        self.with_repo(|r| match (&self.package, &self.package_set) {
            (None, _) => r.read_range(range),
            // Which packages a commit belongs to, decided once for all.
            (Some(_), Some((k, all))) => r.read_range_owned(range, *k, &mut |c| {
                let scope = crate::domain::conventional::scope_of(&c.message);
                // A scope naming a package decides alone: no tree is read.
                if let Some(i) = all.iter().position(|p| Some(p.id.as_str()) == scope) {
                    return Ok(1 << i);
                }
                let paths = r.changed_paths(&c.id)?;
                Ok(all
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.owns(scope, &paths))
                    .fold(0u64, |m, (i, _)| m | 1 << i))
            }),
            (Some(p), None) => r.read_range_where(range, &mut |c| {
                let scope = crate::domain::conventional::scope_of(&c.message);
                Ok(p.owns(scope, &r.changed_paths(&c.id)?))
            }),
        })
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

    /// What assembly shares between the releases of this run.
    fn context<'a>(&'a self, versions: &'a [String]) -> Context<'a> {
        Context {
            config: &self.config,
            checklist: &self.checklist,
            versions,
            known_files: &self.inputs.known_issues,
            known: self.known_issues(),
            incidents: &self.inputs.incidents,
            root: &self.root,
            dir: &self.dir,
            package: self.package.as_ref().map(|p| p.id.as_str()),
            skip: &self.skip,
            stage: self.stage,
            strict: self.strict,
        }
    }

    /// The user's templates in `.relnotes/templates/<sub>` (`""` for the
    /// release pages, `"kb"` for the knowledge base), read through the
    /// same gate as every input.
    pub fn templates(&self, sub: &str) -> Result<Vec<TemplateFile>> {
        self.guard.templates(&self.dir.join("templates").join(sub))
    }

    /// The ids of the commits on HEAD that `base` does not have (`git
    /// rev-list HEAD ^base`): what a pull request adds. `base` `None`
    /// tries `origin/main`, `origin/master`, `main` and `master`.
    pub fn branch_commits(&self, base: Option<&str>) -> Result<(String, Vec<String>)> {
        self.with_repo(|repo| {
            let candidates: Vec<&str> = match base {
                Some(b) => vec![b],
                None => vec!["origin/main", "origin/master", "main", "master"],
            };
            let found = candidates
                .iter()
                .find_map(|b| repo.resolve(b).map(|id| (b.to_string(), id)));
            let Some((name, base_id)) = found else {
                return Err(crate::error::Error::usage(
                    match base {
                        Some(b) => format!("`{b}` names no commit"),
                        None => "none of origin/main, origin/master, main or master exists".to_string(),
                    },
                    "pass the branch the pull request goes into, for example --base origin/develop (in CI, fetch it first)",
                ));
            };
            let head = repo.head().ok_or_else(|| {
                crate::error::Error::usage("HEAD names no commit", "check out the branch to gate")
            })?;
            let ids = repo
                .commits(&head, Some(&base_id))?
                .into_iter()
                .map(|c| c.id)
                .collect();
            Ok((name, ids))
        })
    }

    /// The folders an output must never replace.
    pub fn protected(&self) -> staging::Protected {
        staging::Protected {
            repository: self.workdir.clone(),
            inputs: self.workdir.join(".relnotes"),
        }
    }

    /// A path relative to the repository root, with `/` separators.
    pub fn rel(&self, p: &Path) -> String {
        assemble::rel(&self.root, p)
    }
}

/// The configuration and commit rule of `package`; a monorepo without one
/// named is an error (each package is released on its own).
fn package_view(
    config: Config,
    package: Option<&str>,
    workdir: &Path,
) -> Result<(Config, Option<PackageFilter>)> {
    match package {
        Some(id) => {
            let Some(p) = config.packages.iter().find(|p| p.id == id) else {
                return Err(crate::error::Error::usage(
                    format!("no package `{id}` in .relnotes/config.yaml"),
                    if config.packages.is_empty() {
                        "the configuration defines no packages: leave out --package".to_string()
                    } else {
                        format!("use one of: {}", config.package_ids())
                    },
                ));
            };
            let filter = PackageFilter::new(p, &config.packages)?;
            Ok((config.for_package(p, workdir), Some(filter)))
        }
        None if !config.packages.is_empty() => Err(crate::error::Error::usage(
            format!(
                "this repository has packages ({}): name one with --package",
                config.package_ids()
            ),
            "for example `relnotes --package <id> check`; `relnotes build` without --package builds every package",
        )),
        None => Ok((config, None)),
    }
}

/// The repository's folder as paths are shown: empty when relnotes runs at
/// the repository root, as in CI (shorter, and the same on every machine).
pub(crate) fn shown_root(workdir: &Path) -> PathBuf {
    let here = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    if here.is_some() && here == workdir.canonicalize().ok() {
        PathBuf::new()
    } else {
        workdir.to_path_buf()
    }
}

/// The release tags, warnings about them, and the release the unreleased
/// changes count from (when `target` wants the unreleased changes: the
/// newest release on HEAD's branch; else the newest release).
fn release_tags_and_base(
    repo: &Repo,
    config: &Config,
    target: Option<&Target>,
) -> Result<(Vec<tags::ReleaseTag>, Vec<String>, Option<usize>)> {
    let (tags, mut warnings) = tags::release_tags(repo, config)?;
    crate::trace::phase("release tags listed");
    let wants_unreleased = matches!(
        target,
        None | Some(Target::All) | Some(Target::Unreleased(_))
    );
    let base = if wants_unreleased {
        let (base, set_aside) = plan::unreleased_base(repo, &tags)?;
        warnings.extend(set_aside.into_iter().map(|t| {
            format!("tag `{t}` is not on the current branch (not an ancestor of HEAD): the unreleased changes are counted from the newest release on it")
        }));
        base
    } else {
        tags.len().checked_sub(1)
    };
    Ok((tags, warnings, base))
}
