//! The file collector: reads `config.yaml`, change files, release metadata
//! and known issues from `.relnotes/` into the domain's input types. walkdir
//! is used here and nowhere else; YAML goes through [`super::yaml`].

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::yaml;
use crate::domain::config::Config;
use crate::domain::input::{
    ChangeFile, ChangeFront, Inputs, KnownIssueFile, KnownIssueFront, ReleaseMeta, ReleaseMetaFile,
};
use crate::error::{Error, Result};

/// Loads `config.yaml` from the `.relnotes/` directory, or the defaults
/// when the file does not exist.
pub fn load_config(dir: &Path) -> Result<Config> {
    let path = dir.join("config.yaml");
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
        Err(e) => return Err(Error::io("reading", path, e)),
    };
    let config: Config = yaml::parse(&path, &text, 1)?;
    config.validate(&path)?;
    Ok(config)
}

/// Reads every input file under `dir` (the `.relnotes/` directory). A
/// missing directory is fine: there are simply no inputs.
///
/// With `only`, change files and release metadata are read for those
/// versions (and `unreleased`) alone: `build --tag` then costs the same
/// whatever the length of the history. Known issues are always all read.
pub fn load_inputs(dir: &Path, only: Option<&BTreeSet<String>>) -> Result<Inputs> {
    let mut inputs = Inputs::default();
    // Change files, release metadata and known issues are listed and
    // parsed at the same time, on every core: listing a thousand
    // release folders one after the other kept a core idle at the start
    // of `build --all`.
    let load = || {
        rayon::join(
            || load_changes(&dir.join("changes"), only),
            || rayon::join(|| load_release_metas(dir, only), || load_known_issues(dir)),
        )
    };
    // Reading thousands of small files waits on the kernel much of the
    // time: with twice as many threads as cores, the cores were still
    // idle a quarter of this phase; four times (at most 32) keeps them
    // busy. The results are in path order whatever the thread count.
    let threads = (4 * rayon::current_num_threads()).min(32);
    let (changes, (metas, known)) =
        match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool.install(load),
            Err(_) => load(),
        };
    for change in changes? {
        let group = change
            .path
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        inputs.changes.entry(group).or_default().push(change);
    }
    inputs.releases.extend(metas?);
    inputs.known_issues = known?;
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

/// Every change file under `changes/<folder>/` (only the named folders if
/// `only` is given), in path order. Folders are listed and files parsed in
/// parallel; if several files are broken, the first in path order is
/// reported, whatever the thread count.
fn load_changes(changes: &Path, only: Option<&BTreeSet<String>>) -> Result<Vec<ChangeFile>> {
    let folders: Vec<PathBuf> = match only {
        Some(versions) => versions.iter().map(|v| changes.join(v)).collect(),
        None => {
            if !changes.is_dir() {
                return Ok(Vec::new());
            }
            let mut folders = Vec::new();
            for entry in walkdir::WalkDir::new(changes)
                .min_depth(1)
                .max_depth(1)
                .sort_by_file_name()
            {
                let entry = entry.map_err(|e| walk_error(changes, e))?;
                if entry.file_name().to_string_lossy().starts_with('.') {
                    continue;
                }
                if entry.file_type().is_dir() {
                    folders.push(entry.into_path());
                } else if entry.file_type().is_file()
                    && entry.path().extension().and_then(|e| e.to_str()) == Some("md")
                {
                    return Err(Error::invalid(
                        entry.path(),
                        "change file outside a release folder",
                        "move it into .relnotes/changes/unreleased/ (or changes/<version>/)",
                    ));
                }
            }
            folders
        }
    };
    let per_folder: Vec<Result<Vec<ChangeFile>>> = folders
        .par_iter()
        .map(|folder| {
            let paths = files_with_ext(folder, "md", 1)?;
            first_error(paths.par_iter().map(|p| read_change(p)).collect())
        })
        .collect();
    Ok(first_error(per_folder)?.into_iter().flatten().collect())
}

fn load_release_metas(
    dir: &Path,
    only: Option<&BTreeSet<String>>,
) -> Result<Vec<(String, ReleaseMetaFile)>> {
    let paths: Vec<PathBuf> = match only {
        None => files_with_ext(&dir.join("releases"), "yaml", 1)?,
        Some(versions) => versions
            .iter()
            .map(|v| dir.join("releases").join(format!("{v}.yaml")))
            .filter(|p| p.is_file())
            .collect(),
    };
    first_error(
        paths
            .into_par_iter()
            .map(|path| {
                let text = read(&path)?;
                let meta: ReleaseMeta = yaml::parse(&path, &text, 1)?;
                Ok((stem(&path), ReleaseMetaFile { path, meta }))
            })
            .collect(),
    )
}

/// Every release may be affected by any known issue: all are read.
fn load_known_issues(dir: &Path) -> Result<Vec<KnownIssueFile>> {
    first_error(
        files_with_ext(&dir.join("known-issues"), "md", 1)?
            .into_par_iter()
            .map(|path| {
                let text = read(&path)?;
                let fm = yaml::split_front_matter(&path, &text)?;
                let front: KnownIssueFront = yaml::parse(&path, fm.yaml, 2)?;
                let body = fm.body.trim().to_string();
                Ok(KnownIssueFile { path, front, body })
            })
            .collect(),
    )
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

pub fn read_change(path: &Path) -> Result<ChangeFile> {
    let text = read(path)?;
    let fm = yaml::split_front_matter(path, &text)?;
    let front: ChangeFront = yaml::parse(path, fm.yaml, 2)?;
    Ok(ChangeFile {
        id: stem(path),
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

fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| Error::io("reading", path, e))
}

/// Files ending in `.ext` at exactly `depth` below `dir`, sorted by path so
/// that every run sees them in the same order.
fn files_with_ext(dir: &Path, ext: &str, depth: usize) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .min_depth(1)
        .max_depth(depth)
        .sort_by_file_name()
    {
        let entry = entry.map_err(|e| walk_error(dir, e))?;
        let name = entry.file_name().to_string_lossy();
        if name.starts_with('.') || !entry.file_type().is_file() {
            continue;
        }
        if entry.path().extension().and_then(|e| e.to_str()) == Some(ext) {
            out.push(entry.into_path());
        }
    }
    Ok(out)
}
