//! Writing results without losing anything, and without touching what
//! relnotes does not own.
//!
//! - **Only its own folders.** An output folder is replaced only if relnotes
//!   wrote it: it holds the marker file [`MARKER`] (or, from before the
//!   marker, a release's build stamp or the knowledge base's search index).
//!   The path is resolved first (`.`, `..`, symlinks), and `/`, the home
//!   folder, the repository, any folder that contains the repository, and
//!   `.relnotes/` or anything in it are refused outright. A symlinked
//!   output folder is written through: its target is replaced.
//! - **All or nothing.** A run writes into a staging folder beside the
//!   output (same file system), copies in (as hard links) what it keeps of
//!   the old output, and then exchanges the two folders in one atomic step
//!   (`renameat2(RENAME_EXCHANGE)` on Linux; elsewhere two renames, which a
//!   crash between leaves recoverable: the next run puts the old folder
//!   back before it starts). Killed at any moment, a run leaves either the
//!   old output or the new one, never a mix; its leftovers are removed by
//!   the next run.
//! - **One run at a time.** A lock file beside the output is held for the
//!   whole run; a second run into the same folder stops with exit 2.

use std::collections::HashSet;
use std::fs::File;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use crate::error::{Error, Result};

/// The file that marks a folder as written by relnotes.
pub const MARKER: &str = ".relnotes-output";

const MARKER_TEXT: &str =
    "This folder is written by relnotes, which replaces its contents on every run.\n";

/// What happens to the old output's contents that this run did not write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// They stay (`build`: releases that were up to date).
    Keep,
    /// They go (`kb`: the site is written whole).
    Replace,
}

/// The folders relnotes must never replace: the repository and its inputs.
#[derive(Debug, Clone)]
pub struct Protected {
    pub repository: PathBuf,
    pub inputs: PathBuf,
}

/// A staging area for one run's outputs.
pub struct Staging {
    dir: PathBuf,
    out: PathBuf,
    mode: Mode,
    /// Directories already created, so that writing thousands of files does
    /// not ask the file system about the same directory thousands of times.
    made: Mutex<HashSet<PathBuf>>,
    /// Held until the run ends.
    _lock: File,
    lock_path: PathBuf,
    /// Folders above the output that did not exist before this run,
    /// deepest first.
    created: Vec<PathBuf>,
    done: bool,
}

impl Staging {
    /// Checks that `out` may be written, takes its lock, removes what
    /// earlier killed runs left, and creates the staging folder beside it.
    pub fn new(out: &Path, mode: Mode, protected: &Protected) -> Result<Staging> {
        let out = resolve(out)?;
        refuse_foreign(&out, protected)?;
        let (parent, name) = parent_and_name(&out)?;
        // The folders this run creates above the output: a failed run
        // removes them again, leaving the user's tree as it was.
        let created = parent
            .ancestors()
            .take_while(|a| !a.exists())
            .map(Path::to_path_buf)
            .collect();
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("creating", &parent, e))?;
        let lock = lock(&parent, &name, &out)?;
        recover(&parent, &name, &out)?;
        let dir = tempfile::Builder::new()
            .prefix(&format!(".{name}.relnotes-staging-"))
            .tempdir_in(&parent)
            .map_err(|e| Error::io("creating a staging folder in", &parent, e))?
            .keep();
        Ok(Staging {
            dir,
            out,
            mode,
            made: Mutex::new(HashSet::new()),
            _lock: lock,
            lock_path: parent.join(format!(".{name}.relnotes-lock")),
            created,
            done: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Writes `bytes` at `rel` inside the staging folder.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.join(rel);
        if let Some(p) = path.parent() {
            let known = self
                .made
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .contains(p);
            if !known {
                std::fs::create_dir_all(p).map_err(|e| Error::io("creating", p, e))?;
                self.made
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .insert(p.to_path_buf());
            }
        }
        std::fs::write(&path, bytes).map_err(|e| Error::io("writing", &path, e))
    }

    /// Puts the staged output in place at once. Returns the top-level
    /// entries this run wrote, sorted.
    pub fn commit(mut self) -> Result<Vec<String>> {
        let mut written: Vec<String> = entries(&self.dir)?
            .into_iter()
            .filter(|n| n != MARKER)
            .collect();
        written.sort();
        self.write(MARKER, MARKER_TEXT.as_bytes())?;
        if self.out.exists() {
            if self.mode == Mode::Keep {
                for name in entries(&self.out)? {
                    if !self.dir.join(&name).exists() {
                        link_tree(&self.out.join(&name), &self.dir.join(&name))?;
                    }
                }
            }
            exchange(&self.dir, &self.out)?;
            // `dir` now holds the old output.
            let _ = std::fs::remove_dir_all(&self.dir);
        } else {
            std::fs::rename(&self.dir, &self.out)
                .map_err(|e| Error::io("moving into place", &self.out, e))?;
        }
        self.done = true;
        Ok(written)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.done {
            // A failed run: the old output was never touched.
            let _ = std::fs::remove_dir_all(&self.dir);
            if !self.created.is_empty() {
                let _ = std::fs::remove_file(&self.lock_path);
                for dir in &self.created {
                    if std::fs::remove_dir(dir).is_err() {
                        break;
                    }
                }
            }
        }
    }
}

/// `out` as an absolute path with `.`, `..` and symlinks resolved, also
/// when it does not exist yet (its nearest existing ancestor is resolved).
fn resolve(out: &Path) -> Result<PathBuf> {
    let here = std::env::current_dir().map_err(|e| Error::io("reading", ".", e))?;
    let mut lexical = PathBuf::new();
    for c in here.join(out).components() {
        match c {
            Component::ParentDir => {
                lexical.pop();
            }
            Component::CurDir => {}
            other => lexical.push(other),
        }
    }
    let mut existing = lexical.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(p), Some(n)) => {
                rest.push(n.to_os_string());
                existing = p;
            }
            _ => break,
        }
    }
    let mut resolved = existing
        .canonicalize()
        .map_err(|e| Error::io("resolving", existing, e))?;
    resolved.extend(rest.iter().rev());
    Ok(resolved)
}

/// Refuses folders relnotes must not replace (see the module doc).
fn refuse_foreign(out: &Path, protected: &Protected) -> Result<()> {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let repository = canon(&protected.repository);
    let inputs = canon(&protected.inputs);
    let home = std::env::var_os("HOME").map(|h| canon(Path::new(&h)));
    let refuse = |why: &str| {
        Err(Error::usage(
            format!("will not write the output into {}: {why}", out.display()),
            "choose a folder of its own for the output, for example dist/ inside the repository (--out DIR or output.dir)",
        ))
    };
    if out.parent().is_none() {
        return refuse("it is the root folder");
    }
    if home.as_deref() == Some(out) {
        return refuse("it is your home folder");
    }
    if repository.starts_with(out) {
        return refuse("it is the repository or a folder that contains it");
    }
    if out.starts_with(&inputs) {
        return refuse("it is relnotes' input folder .relnotes/ or inside it");
    }
    if out.is_file() {
        return refuse("it is a file");
    }
    if out.is_dir() && !owned(out) {
        return Err(Error::usage(
            format!(
                "will not replace {}: it is a folder relnotes did not write (it has no {MARKER} file) and it is not empty",
                out.display()
            ),
            "give --out a new or empty folder; relnotes replaces only folders it wrote itself",
        ));
    }
    Ok(())
}

/// Whether relnotes wrote `dir`: empty, the marker, or (from before the
/// marker) a release's build stamp or the knowledge base's search index.
fn owned(dir: &Path) -> bool {
    let Ok(names) = entries(dir) else {
        return false;
    };
    // Only relnotes' own things: lock files of outputs inside it, and
    // outputs it wrote (the KB in `dist/kb` before `build` made `dist`).
    let own = |n: &String| {
        (n.starts_with('.') && n.ends_with(".relnotes-lock"))
            || entries(&dir.join(n)).is_ok_and(|inner| inner.iter().any(|i| i == MARKER))
    };
    names.is_empty()
        || names.iter().all(own)
        || names.iter().any(|n| n == MARKER)
        || names
            .iter()
            .any(|n| dir.join(n).join(".relnotes-build").is_file())
        || std::fs::read_to_string(dir.join("search-index.js")).is_ok_and(|s| {
            s.starts_with("// The search index of this knowledge base, written by relnotes kb.")
        })
}

fn parent_and_name(out: &Path) -> Result<(PathBuf, String)> {
    match (out.parent(), out.file_name()) {
        (Some(p), Some(n)) => Ok((p.to_path_buf(), n.to_string_lossy().into_owned())),
        _ => Err(Error::usage(
            format!("`{}` does not name a folder", out.display()),
            "give --out a folder name, such as dist",
        )),
    }
}

/// Takes the lock of `out`, held by the returned file.
fn lock(parent: &Path, name: &str, out: &Path) -> Result<File> {
    let path = parent.join(format!(".{name}.relnotes-lock"));
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(|e| Error::io("opening the lock file", &path, e))?;
    match file.try_lock() {
        Ok(()) => Ok(file),
        Err(std::fs::TryLockError::WouldBlock) => Err(Error::usage(
            format!("another relnotes run is writing {}", out.display()),
            format!(
                "wait for it to finish, then run again (its lock is {})",
                path.display()
            ),
        )),
        Err(std::fs::TryLockError::Error(e)) => Err(Error::io("locking", &path, e)),
    }
}

/// Undoes what a killed run left beside `out`: an old output moved aside
/// but not replaced goes back; staging folders go.
fn recover(parent: &Path, name: &str, out: &Path) -> Result<()> {
    let staging = format!(".{name}.relnotes-staging-");
    let old = format!(".{name}.relnotes-old-");
    for entry in entries(parent)? {
        let path = parent.join(&entry);
        if entry.starts_with(&old) && !out.exists() {
            std::fs::rename(&path, out).map_err(|e| Error::io("restoring", out, e))?;
        } else if entry.starts_with(&staging) || entry.starts_with(&old) {
            std::fs::remove_dir_all(&path).map_err(|e| Error::io("removing", &path, e))?;
        }
    }
    Ok(())
}

/// The names in a folder.
fn entries(dir: &Path) -> Result<Vec<String>> {
    Ok(std::fs::read_dir(dir)
        .map_err(|e| Error::io("reading", dir, e))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect())
}

/// `from` recreated at `to` with hard links (copies where links fail).
fn link_tree(from: &Path, to: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(from).map_err(|e| Error::io("reading", from, e))?;
    if meta.is_dir() {
        std::fs::create_dir_all(to).map_err(|e| Error::io("creating", to, e))?;
        for name in entries(from)? {
            link_tree(&from.join(&name), &to.join(&name))?;
        }
        Ok(())
    } else {
        std::fs::hard_link(from, to)
            .or_else(|_| std::fs::copy(from, to).map(|_| ()))
            .map_err(|e| Error::io("keeping", from, e))
    }
}

/// Swaps the folders `a` and `b`, atomically where the system can.
fn exchange(a: &Path, b: &Path) -> Result<()> {
    #[cfg(target_os = "linux")]
    {
        if exchange_atomic(a, b).is_ok() {
            return Ok(());
        }
    }
    // Two renames; a crash between them leaves `b` missing and the old
    // output beside it, which the next run's `recover` puts back.
    let (parent, name) = parent_and_name(b)?;
    let aside = parent.join(format!(".{name}.relnotes-old-{}", std::process::id()));
    std::fs::rename(b, &aside).map_err(|e| Error::io("moving aside", b, e))?;
    std::fs::rename(a, b).map_err(|e| Error::io("moving into place", b, e))?;
    std::fs::rename(&aside, a).map_err(|e| Error::io("moving", &aside, e))
}

#[cfg(target_os = "linux")]
fn exchange_atomic(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))
    };
    let (a, b) = (c(a)?, c(b)?);
    // SAFETY: both pointers are valid NUL-terminated strings that live
    // until the call returns; AT_FDCWD makes them relative to the current
    // folder as any path is.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a.as_ptr(),
            libc::AT_FDCWD,
            b.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(root: &Path) -> Protected {
        Protected {
            repository: root.join("repo"),
            inputs: root.join("repo/.relnotes"),
        }
    }

    #[test]
    fn a_new_output_is_written_whole_with_its_marker() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("repo/.relnotes")).unwrap();
        let out = tmp.path().join("repo/dist");
        let s = Staging::new(&out, Mode::Keep, &protected(tmp.path())).unwrap();
        s.write("1.0.0/a.md", b"a").unwrap();
        assert_eq!(s.commit().unwrap(), ["1.0.0"]);
        assert!(out.join(MARKER).is_file());
        assert_eq!(std::fs::read(out.join("1.0.0/a.md")).unwrap(), b"a");
        // Kept entries survive the next run; nothing is left beside.
        let s = Staging::new(&out, Mode::Keep, &protected(tmp.path())).unwrap();
        s.write("2.0.0/b.md", b"b").unwrap();
        s.commit().unwrap();
        assert!(out.join("1.0.0/a.md").is_file() && out.join("2.0.0/b.md").is_file());
        let left: Vec<String> = entries(&tmp.path().join("repo"))
            .unwrap()
            .into_iter()
            .filter(|n| n.contains("staging") || n.contains("-old-"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    #[test]
    fn a_failed_run_leaves_the_old_output() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("repo/.relnotes")).unwrap();
        let out = tmp.path().join("repo/dist");
        let s = Staging::new(&out, Mode::Replace, &protected(tmp.path())).unwrap();
        s.write("x", b"old").unwrap();
        s.commit().unwrap();
        let s = Staging::new(&out, Mode::Replace, &protected(tmp.path())).unwrap();
        s.write("x", b"new").unwrap();
        drop(s);
        assert_eq!(std::fs::read(out.join("x")).unwrap(), b"old");
    }

    #[test]
    fn a_second_run_waits_its_turn() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("repo/.relnotes")).unwrap();
        let out = tmp.path().join("repo/dist");
        let first = Staging::new(&out, Mode::Keep, &protected(tmp.path())).unwrap();
        let second = Staging::new(&out, Mode::Keep, &protected(tmp.path()));
        assert!(matches!(second, Err(Error::Usage { .. })));
        drop(first);
        assert!(Staging::new(&out, Mode::Keep, &protected(tmp.path())).is_ok());
    }

    #[test]
    fn an_old_output_moved_aside_by_a_killed_run_comes_back() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("repo/.relnotes")).unwrap();
        let parent = tmp.path().join("repo");
        let aside = parent.join(".dist.relnotes-old-123");
        std::fs::create_dir_all(&aside).unwrap();
        std::fs::write(aside.join(MARKER), MARKER_TEXT).unwrap();
        std::fs::create_dir_all(parent.join(".dist.relnotes-staging-abc")).unwrap();
        let out = parent.join("dist");
        let s = Staging::new(&out, Mode::Keep, &protected(tmp.path())).unwrap();
        assert!(out.join(MARKER).is_file());
        assert!(!aside.exists());
        assert!(!parent.join(".dist.relnotes-staging-abc").exists());
        drop(s);
    }
}
