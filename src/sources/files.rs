//! The file collector: reads `config.yaml`, change files, release metadata
//! and known issues from `.relnotes/` into the domain's input types. walkdir
//! is used here and nowhere else; YAML goes through [`super::yaml`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::yaml;
use crate::domain::checklist::{Checklist, ChecklistFile, Origin};
use crate::domain::config::{Config, Limits};
use crate::domain::input::{
    ChangeFile, ChangeFront, IncidentFile, IncidentFront, Inputs, KnownIssueFile, KnownIssueFront,
    ReleaseMeta, ReleaseMetaFile, TemplateFile,
};
use crate::domain::text::id_problem;
use crate::error::{Error, Result};

/// What an input path turned out to be, symlinks followed.
enum Entry {
    /// A regular file inside the repository (its real path).
    File(PathBuf),
    /// A folder inside the repository.
    Dir,
    /// Nothing there (not even a symlink).
    Missing,
}

/// Which limit applies to a file.
#[derive(Clone, Copy)]
pub enum Kind {
    Yaml,
    Markdown,
}

/// The one gate every input file passes: it is read only if it is a
/// regular file (never a FIFO or a device: no hang, no endless read),
/// inside the repository once symlinks are followed (a symlink to
/// `/etc/passwd` or `/proc/self/environ` is refused, not published),
/// within the size limit, and UTF-8 (an error names the line and column
/// of the first bad byte). `build --tag`, `build --all`, `kb` and
/// `preview` all read through it.
#[derive(Clone)]
pub struct Guard {
    /// The repository's working directory, symlinks resolved.
    root: PathBuf,
    limits: Limits,
}

impl Guard {
    pub fn new(workdir: &Path, limits: Limits) -> Guard {
        let root = workdir
            .canonicalize()
            .unwrap_or_else(|_| workdir.to_path_buf());
        Guard { root, limits }
    }

    /// The same gate with the limits of the configuration.
    pub fn with_limits(&self, limits: Limits) -> Guard {
        Guard {
            root: self.root.clone(),
            limits,
        }
    }

    /// What `path` is, symlinks followed; an error for a dangling symlink,
    /// a target outside the repository, or something that is neither a
    /// file nor a folder.
    fn entry(&self, path: &Path) -> Result<Entry> {
        let link = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Entry::Missing),
            Err(e) => return Err(Error::io("reading", path, e)),
        };
        let real = match path.canonicalize() {
            Ok(r) => r,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && link.file_type().is_symlink() => {
                return Err(Error::invalid(
                    path,
                    "this symlink points to nothing (dangling)",
                    "point it at a file in the repository, or delete it",
                ))
            }
            Err(e) => return Err(Error::io("reading", path, e)),
        };
        if !real.starts_with(&self.root) {
            return Err(Error::invalid(
                path,
                format!(
                    "this is a symlink to {}, outside the repository",
                    real.display()
                ),
                "relnotes reads inputs only from inside the repository (what it publishes must not include other files on this machine): copy the file in instead",
            ));
        }
        let meta = std::fs::metadata(&real).map_err(|e| Error::io("reading", path, e))?;
        if meta.is_file() {
            Ok(Entry::File(real))
        } else if meta.is_dir() {
            Ok(Entry::Dir)
        } else {
            Err(Error::invalid(
                path,
                format!("this is {}, not a regular file", special_kind(&meta)),
                "relnotes reads only regular files: replace it with a file, or move it out of .relnotes/",
            ))
        }
    }

    /// What an entry of a folder already checked by [`Guard::entry`] is.
    /// Files and folders in it are inside the repository too, so only a
    /// symlink needs resolving: listing thousands of change files costs no
    /// extra system calls.
    fn listed(&self, entry: &walkdir::DirEntry) -> Result<Entry> {
        let t = entry.file_type();
        if t.is_file() {
            Ok(Entry::File(entry.path().to_path_buf()))
        } else if t.is_dir() {
            Ok(Entry::Dir)
        } else {
            // A symlink (resolved and checked), or a FIFO, socket or device
            // (refused with its kind).
            self.entry(entry.path())
        }
    }

    /// Reads a file that [`Guard::files`] listed: checked already.
    fn read_listed(&self, path: &Path, kind: Kind) -> Result<String> {
        self.read_file(path, path, kind)
    }

    /// Reads the input file at `path` (see [`Guard`]). A folder where a
    /// file belongs is an error.
    pub fn read(&self, path: &Path, kind: Kind) -> Result<String> {
        match self.entry(path)? {
            Entry::File(real) => self.read_file(path, &real, kind),
            Entry::Dir => Err(Error::invalid(
                path,
                "this is a folder where a file is expected",
                "replace the folder with a file, or rename it",
            )),
            Entry::Missing => Err(Error::io(
                "reading",
                path,
                std::io::ErrorKind::NotFound.into(),
            )),
        }
    }

    fn read_file(&self, path: &Path, real: &Path, kind: Kind) -> Result<String> {
        use std::io::Read;
        let (limit_kib, key) = match kind {
            Kind::Yaml => (self.limits.yaml_kib, "yaml_kib"),
            Kind::Markdown => (self.limits.markdown_kib, "markdown_kib"),
        };
        let limit = limit_kib.saturating_mul(1024);
        let file = open_no_block(real).map_err(|e| Error::io("reading", path, e))?;
        // The file itself, not the name: what is read is what was checked.
        let meta = file.metadata().map_err(|e| Error::io("reading", path, e))?;
        if !meta.is_file() {
            return Err(Error::invalid(
                path,
                format!("this is {}, not a regular file", special_kind(&meta)),
                "relnotes reads only regular files",
            ));
        }
        let too_big = || {
            Error::invalid(
                path,
                format!("this file is larger than the limit of {limit_kib} KiB"),
                format!("split it, or raise `limits.{key}` in .relnotes/config.yaml if it really is this big"),
            )
        };
        if meta.len() > limit {
            return Err(too_big());
        }
        let mut bytes = Vec::with_capacity(meta.len() as usize);
        file.take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("reading", path, e))?;
        if bytes.len() as u64 > limit {
            return Err(too_big());
        }
        let mut text = String::from_utf8(bytes).map_err(|e| {
            let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
            // Valid up to here by construction.
            let before = std::str::from_utf8(good).unwrap_or("");
            let line = before.matches('\n').count() + 1;
            let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
            let byte = e.as_bytes().get(good.len()).copied().unwrap_or(0);
            Error::at(
                path,
                (line, column),
                format!("the file is not valid UTF-8 (byte 0x{byte:02x})"),
                "save the file as UTF-8 (most editors have an encoding setting)",
            )
        })?;
        if text.starts_with('\u{feff}') {
            text.drain(..'\u{feff}'.len_utf8());
        }
        Ok(text)
    }

    /// What the folder `dir` holds (one level, hidden names left out), in
    /// name order, each entry as (name, path, what it is); nothing when
    /// `dir` is not a folder.
    fn list(&self, dir: &Path) -> Result<Vec<(String, PathBuf, Entry)>> {
        if !matches!(self.entry(dir)?, Entry::Dir) {
            return Ok(Vec::new());
        }
        let mut out = Vec::new();
        for entry in walkdir::WalkDir::new(dir)
            .min_depth(1)
            .max_depth(1)
            .sort_by_file_name()
        {
            let entry = entry.map_err(|e| walk_error(dir, e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                continue;
            }
            let kind = self.listed(&entry)?;
            out.push((name, entry.into_path(), kind));
        }
        Ok(out)
    }

    /// The files of the folder `dir` (one level) that end in `.ext`, in
    /// name order. Hidden names are skipped. Anything else is never
    /// passed over in silence: a near-miss name (`1.2.0.yml`), a folder
    /// named like a file, a FIFO or a symlink leaving the repository is an
    /// error; another file or folder is a warning.
    fn files(&self, dir: &Path, ext: &str, warnings: &mut Vec<String>) -> Result<Vec<PathBuf>> {
        let mut out = Vec::new();
        for (_, path, kind) in self.list(dir)? {
            let has_ext = path.extension().and_then(|e| e.to_str()) == Some(ext);
            match kind {
                Entry::File(_) if has_ext => out.push(path),
                Entry::File(_) => {
                    if let Some(wrong) = near_miss(&path, ext) {
                        return Err(Error::invalid(
                            &path,
                            format!("a `.{wrong}` file where relnotes reads `.{ext}` files"),
                            format!("rename it to end in `.{ext}`"),
                        ));
                    }
                    warnings.push(format!(
                        "{}: ignored: relnotes reads only `.{ext}` files here",
                        path.display()
                    ));
                }
                Entry::Dir if has_ext => {
                    return Err(Error::invalid(
                        &path,
                        "this is a folder where a file is expected",
                        "replace the folder with a file, or rename it",
                    ))
                }
                Entry::Dir => warnings.push(format!(
                    "{}: ignored: a folder where relnotes reads only `.{ext}` files",
                    path.display()
                )),
                Entry::Missing => {}
            }
        }
        Ok(out)
    }

    /// The template files in `dir` (one level; sub-folders such as `kb/`
    /// are read on their own).
    pub fn templates(&self, dir: &Path) -> Result<Vec<TemplateFile>> {
        let mut out = Vec::new();
        for (name, path, kind) in self.list(dir)? {
            if let Entry::File(real) = kind {
                let text = self.read_file(&path, &real, Kind::Markdown)?;
                out.push(TemplateFile { name, path, text });
            }
        }
        Ok(out)
    }
}

/// Opens a file without waiting for a writer if it turns out to be a FIFO
/// after all (replaced between the check and the open).
fn open_no_block(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    options.open(path)
}

fn special_kind(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    let _ = meta;
    "a special file"
}

/// The extension of `path` if it looks like a misspelt `ext`.
fn near_miss(path: &Path, ext: &str) -> Option<String> {
    let got = path.extension()?.to_str()?;
    let near: &[&str] = match ext {
        "yaml" => &["yml", "YAML", "YML", "json"],
        "md" => &["markdown", "MD", "mdown", "txt"],
        _ => &[],
    };
    near.contains(&got).then(|| got.to_string())
}

/// Loads `config.yaml` from the `.relnotes/` directory, or the defaults
/// when the file does not exist. A dangling symlink, a folder or a FIFO
/// named `config.yaml` is an error, never the defaults.
pub fn load_config(guard: &Guard, dir: &Path) -> Result<Config> {
    guard.check_inputs_dir(dir)?;
    let path = dir.join("config.yaml");
    let yml = dir.join("config.yml");
    if !matches!(guard.entry(&yml)?, Entry::Missing) {
        return Err(Error::invalid(
            yml,
            "relnotes reads `config.yaml`, not `config.yml`",
            "rename it to config.yaml (or merge it into config.yaml if both exist)",
        ));
    }
    if let Entry::Missing = guard.entry(&path)? {
        return Ok(Config::default());
    }
    let text = guard.read(&path, Kind::Yaml)?;
    let config: Config = yaml::parse(&path, &text, 1)?;
    config.validate(&path, &text)?;
    Ok(config)
}

/// The product releases of a monorepo: the files at the top of
/// `releases/` whose `packages` name the package versions they bundle.
pub fn load_products(guard: &Guard, dir: &Path) -> Result<Vec<(String, ReleaseMetaFile)>> {
    let (metas, _) = load_release_metas(guard, &dir.join("releases"), None)?;
    Ok(metas
        .into_iter()
        .filter(|(_, m)| !m.meta.packages.is_empty())
        .collect())
}

/// The built-in Release Readiness Checklist.
pub const BUILTIN_CHECKLIST: &str = include_str!("../../templates/checklist.yaml");

/// The effective checklist: the built-in one, adapted by
/// `.relnotes/checklist.yaml` when the project has one.
pub fn load_checklist(guard: &Guard, dir: &Path) -> Result<Checklist> {
    let builtin_path = Path::new("templates/checklist.yaml (built in)");
    let file: ChecklistFile = yaml::parse(builtin_path, BUILTIN_CHECKLIST, 1)?;
    let known = crate::domain::readiness::known();
    let list = Checklist::builtin(
        file,
        &Origin {
            path: builtin_path,
            text: BUILTIN_CHECKLIST,
        },
        &known,
    )?;
    let path = dir.join("checklist.yaml");
    if let Entry::Missing = guard.entry(&path)? {
        return Ok(list);
    }
    let text = guard.read(&path, Kind::Yaml)?;
    let file: ChecklistFile = yaml::parse(&path, &text, 1)?;
    let shown = path.to_string_lossy().replace('\\', "/");
    list.customize(
        file,
        &Origin {
            path: &path,
            text: &text,
        },
        &known,
        shown,
    )
}

impl Guard {
    /// `.relnotes/` itself must be a folder inside the repository.
    fn check_inputs_dir(&self, dir: &Path) -> Result<()> {
        match self.entry(dir)? {
            Entry::File(_) => Err(Error::invalid(
                dir,
                "this is a file where relnotes expects its folder of inputs",
                "move the file away; `relnotes init` creates the folder",
            )),
            _ => Ok(()),
        }
    }
}

/// The known issues and incidents under `dir` (the `.relnotes/`
/// directory), each with the warnings of its listing, as read: what
/// [`load_inputs`] takes besides the files it reads. They do not depend on
/// the release tags, so a command reads them while it lists the tags.
pub struct Issues {
    known: Listed<KnownIssueFile>,
    incidents: Listed<IncidentFile>,
}

/// A pool for reading many small files: they wait on the kernel much of
/// the time, and with twice as many threads as cores the cores were still
/// idle a quarter of this phase; four times (at most 32) keeps them busy.
/// Results are in path order whatever the thread count. `None` when no
/// pool can be made: the global one reads them then.
pub fn io_pool() -> Option<rayon::ThreadPool> {
    let threads = (4 * rayon::current_num_threads()).min(32);
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .ok()
}

/// Reads the known issues and incidents under `dir` (errors are kept for
/// [`load_inputs`] to report in its order). For a `package`, those that
/// name it or no package.
pub fn load_issues(
    guard: &Guard,
    dir: &Path,
    package: Option<&str>,
    pool: Option<&rayon::ThreadPool>,
) -> Issues {
    let load = || {
        rayon::join(
            || load_known_issues(guard, dir),
            || load_incidents(guard, dir),
        )
    };
    let (mut known, mut incidents) = match pool {
        Some(pool) => pool.install(load),
        None => load(),
    };
    if let Some(p) = package {
        let names = |list: &[String]| list.is_empty() || list.iter().any(|x| x == p);
        if let Ok((k, _)) = &mut known {
            k.retain(|k| names(&k.front.packages));
        }
        if let Ok((i, _)) = &mut incidents {
            i.retain(|i| i.front.package.as_deref().is_none_or(|x| x == p));
        }
    }
    Issues { known, incidents }
}

/// Reads every input file under `dir` (the `.relnotes/` directory), with
/// the known issues and incidents `issues` already read. A missing
/// directory is fine: there are simply no inputs.
///
/// With `only`, change files and release metadata are read for those
/// versions (and `unreleased`) alone: `build --tag` then costs the same
/// whatever the length of the history. Known issues are always all read.
///
/// For a `package` of a monorepo: its change files are under
/// `changes/<package>/`, its metadata under `releases/<package>/`, and
/// shared unreleased change files (`changes/unreleased/`) count when their
/// `packages` name it; known issues and incidents count when they name it
/// or no package.
pub fn load_inputs(
    guard: &Guard,
    dir: &Path,
    only: Option<&BTreeSet<String>>,
    package: Option<&str>,
    issues: Issues,
    pool: Option<&rayon::ThreadPool>,
) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    let (changes_dir, releases_dir) = match package {
        Some(p) => (dir.join("changes").join(p), dir.join("releases").join(p)),
        None => (dir.join("changes"), dir.join("releases")),
    };
    // Change files and release metadata are listed and parsed at the same
    // time, on every core: listing a thousand release folders one after
    // the other kept a core idle at the start of `build --all`.
    let load = || {
        rayon::join(
            || load_changes(guard, &changes_dir, only),
            || load_release_metas(guard, &releases_dir, only),
        )
    };
    let (changes, metas) = match pool {
        Some(pool) => pool.install(load),
        None => load(),
    };
    let Issues { known, incidents } = issues;
    let (mut changes, w1) = changes?;
    if let Some(p) = package {
        let (shared, _) = load_changes(
            guard,
            &dir.join("changes"),
            Some(&BTreeSet::from(["unreleased".to_string()])),
        )?;
        changes.extend(
            shared
                .into_iter()
                .filter(|c| c.front.packages.iter().flatten().any(|x| x == p)),
        );
    }
    let (metas, w2) = metas?;
    let (known, w3) = known?;
    let (incidents, w4) = incidents?;
    inputs.warnings = [w1, w2, w3, w4].concat();
    inputs.incidents = incidents;
    for change in changes {
        let group = change
            .path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        inputs.changes.entry(group).or_default().push(change);
    }
    inputs.releases.extend(metas);
    inputs.known_issues = known;
    let mut seen = BTreeMap::new();
    for ki in &inputs.known_issues {
        if let Some(prev) = seen.insert(ki.front.id.clone(), ki.path.clone()) {
            return Err(Error::invalid(
                &ki.path,
                format!(
                    "known issue id `{}` is also used by {}",
                    ki.front.id,
                    prev.display()
                ),
                "give every known issue its own id: it is the address of its page",
            ));
        }
    }
    Ok(inputs)
}

/// A file name (without extension) that becomes an id: checked like every
/// id (see [`id_problem`]).
fn checked_stem(path: &Path, what: &str) -> Result<String> {
    checked_id(path, stem(path), what)
}

/// `id`, named by `path`, if it can be an id (see [`id_problem`]).
fn checked_id(path: &Path, id: String, what: &str) -> Result<String> {
    match id_problem(&id) {
        None => Ok(id),
        Some(problem) => Err(Error::invalid(
            path,
            format!("the {what} `{id}` (from the file name) {problem}"),
            "rename the file: its name becomes a file name and a link in the outputs",
        )),
    }
}

/// Files read per worker, with the warnings met while listing them.
type Listed<T> = Result<(Vec<T>, Vec<String>)>;

/// Every change file under `changes/<folder>/` (only the named folders if
/// `only` is given), in path order. Folders are listed and files parsed in
/// parallel; if several files are broken, the first in path order is
/// reported, whatever the thread count.
fn load_changes(
    guard: &Guard,
    changes: &Path,
    only: Option<&BTreeSet<String>>,
) -> Listed<ChangeFile> {
    let mut warnings = Vec::new();
    let folders: Vec<PathBuf> = match only {
        Some(versions) => {
            let mut folders = Vec::new();
            for v in versions {
                let folder = changes.join(v);
                match guard.entry(&folder)? {
                    Entry::Dir => folders.push(folder),
                    Entry::Missing => {}
                    Entry::File(_) => return Err(Error::invalid(
                        &folder,
                        "this is a file where a folder of change files is expected",
                        "change files go in .relnotes/changes/<version>/ or changes/unreleased/",
                    )),
                }
            }
            folders
        }
        None => {
            let mut folders = Vec::new();
            for (name, path, kind) in guard.list(changes)? {
                match kind {
                    Entry::Dir => {
                        checked_id(&path, name, "release folder")?;
                        folders.push(path)
                    }
                    Entry::File(_) if path.extension().and_then(|e| e.to_str()) == Some("md") => {
                        return Err(Error::invalid(
                            &path,
                            "change file outside a release folder",
                            "move it into .relnotes/changes/unreleased/ (or changes/<version>/)",
                        ));
                    }
                    Entry::File(_) => warnings.push(format!(
                        "{}: ignored: change files go in a folder per release",
                        path.display()
                    )),
                    Entry::Missing => {}
                }
            }
            folders
        }
    };
    let per_folder: Vec<Listed<ChangeFile>> = folders
        .par_iter()
        .map(|folder| {
            let mut warnings = Vec::new();
            let paths = guard.files(folder, "md", &mut warnings)?;
            let files = first_error(
                paths
                    .par_iter()
                    .map(|p| parse_change(p, guard.read_listed(p, Kind::Markdown)))
                    .collect(),
            )?;
            Ok((files, warnings))
        })
        .collect();
    let mut files = Vec::new();
    for folder in first_error(per_folder)? {
        files.extend(folder.0);
        warnings.extend(folder.1);
    }
    Ok((files, warnings))
}

fn load_release_metas(
    guard: &Guard,
    releases: &Path,
    only: Option<&BTreeSet<String>>,
) -> Listed<(String, ReleaseMetaFile)> {
    let mut warnings = Vec::new();
    let paths: Vec<PathBuf> = match only {
        None => guard.files(releases, "yaml", &mut warnings)?,
        Some(versions) => {
            let mut paths = Vec::new();
            for v in versions {
                let path = releases.join(format!("{v}.yaml"));
                if !matches!(guard.entry(&path)?, Entry::Missing) {
                    paths.push(path);
                } else if !matches!(
                    guard.entry(&releases.join(format!("{v}.yml")))?,
                    Entry::Missing
                ) {
                    return Err(Error::invalid(
                        releases.join(format!("{v}.yml")),
                        "a `.yml` file where relnotes reads `.yaml` files",
                        "rename it to end in `.yaml`",
                    ));
                }
            }
            paths
        }
    };
    let metas = first_error(
        paths
            .into_par_iter()
            .map(|path| {
                let version = checked_stem(&path, "release version")?;
                let text = guard.read(&path, Kind::Yaml)?;
                let meta: ReleaseMeta = yaml::parse(&path, &text, 1)?;
                Ok((version, ReleaseMetaFile { path, meta, text }))
            })
            .collect(),
    )?;
    Ok((metas, warnings))
}

/// Every release may be affected by any known issue: all are read.
fn load_known_issues(guard: &Guard, dir: &Path) -> Listed<KnownIssueFile> {
    let mut warnings = Vec::new();
    let paths = guard.files(&dir.join("known-issues"), "md", &mut warnings)?;
    let known = first_error(
        paths
            .into_par_iter()
            .map(|path| {
                let text = guard.read_listed(&path, Kind::Markdown)?;
                let fm = yaml::split_front_matter(&path, &text)?;
                let front: KnownIssueFront = yaml::parse(&path, fm.yaml, 2)?;
                if let Some(problem) = id_problem(&front.id) {
                    return Err(Error::at(
                        &path,
                        crate::domain::text::locate(&text, "id:", 2),
                        format!("known issue id `{}` {problem}", front.id),
                        "the id names the issue's page and link: use letters, digits and `-`, for example `KI-12`",
                    ));
                }
                let body = fm.body.trim().to_string();
                Ok(KnownIssueFile { path, front, body })
            })
            .collect(),
    )?;
    Ok((known, warnings))
}

/// Every incident record: few, and every release may need them (a
/// rolled-back release is not a last known-good one), so all are read.
fn load_incidents(guard: &Guard, dir: &Path) -> Listed<IncidentFile> {
    let mut warnings = Vec::new();
    let paths = guard.files(&dir.join("incidents"), "md", &mut warnings)?;
    let incidents = first_error(
        paths
            .into_par_iter()
            .map(|path| parse_incident(&path, guard.read_listed(&path, Kind::Markdown)))
            .collect(),
    )?;
    Ok((incidents, warnings))
}

/// One incident record.
pub fn read_incident(guard: &Guard, path: &Path) -> Result<IncidentFile> {
    parse_incident(path, guard.read(path, Kind::Markdown))
}

fn parse_incident(path: &Path, text: Result<String>) -> Result<IncidentFile> {
    let id = checked_stem(path, "incident id")?;
    let text = text?;
    let fm = yaml::split_front_matter(path, &text)?;
    let front: IncidentFront = yaml::parse(path, fm.yaml, 2)?;
    Ok(IncidentFile {
        id,
        path: path.to_path_buf(),
        front,
        body: fm.body.trim().to_string(),
    })
}

/// The values, or the first error in order (not the first to happen on
/// some thread: the same broken file is reported on every run).
fn first_error<T>(results: Vec<Result<T>>) -> Result<Vec<T>> {
    results.into_iter().collect()
}

fn walk_error(dir: &Path, e: walkdir::Error) -> Error {
    let path = e.path().unwrap_or(dir).to_path_buf();
    Error::io("reading", path, e.into())
}

pub fn read_change(guard: &Guard, path: &Path) -> Result<ChangeFile> {
    parse_change(path, guard.read(path, Kind::Markdown))
}

fn parse_change(path: &Path, text: Result<String>) -> Result<ChangeFile> {
    let id = checked_stem(path, "change id")?;
    let text = text?;
    let fm = yaml::split_front_matter(path, &text)?;
    let front: ChangeFront = yaml::parse(path, fm.yaml, 2)?;
    Ok(ChangeFile {
        id,
        path: path.to_path_buf(),
        front,
        body: fm.body.trim().to_string(),
    })
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
