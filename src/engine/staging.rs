//! Writing results without losing anything: outputs are written into a
//! staging directory next to the output directory and swapped into place
//! only when everything has been rendered, so a failed run leaves the
//! previous outputs exactly as they were.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A staging area for one run's outputs.
pub struct Staging {
    dir: tempfile::TempDir,
    out: PathBuf,
    /// Directories already created, so that writing thousands of files does
    /// not ask the file system about the same directory thousands of times.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
}

impl Staging {
    /// Creates the staging directory beside `out` (same file system, so the
    /// final renames are atomic).
    pub fn new(out: &Path) -> Result<Staging> {
        let parent = match out.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io("creating", &parent, e))?;
        let dir = tempfile::Builder::new()
            .prefix(".relnotes-staging-")
            .tempdir_in(&parent)
            .map_err(|e| Error::io("creating a staging directory in", &parent, e))?;
        Ok(Staging {
            dir,
            out: out.to_path_buf(),
            made: Default::default(),
        })
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `bytes` at `rel` inside the staging directory.
    pub fn write(&self, rel: &str, bytes: &[u8]) -> Result<()> {
        let path = self.dir.path().join(rel);
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

    /// Moves every top-level entry of the staging directory into the output
    /// directory, replacing the entry of the same name. Entries of the output
    /// directory that this run did not produce (other releases) stay.
    pub fn commit(self) -> Result<Vec<String>> {
        std::fs::create_dir_all(&self.out).map_err(|e| Error::io("creating", &self.out, e))?;
        let trash = self.dir.path().join(".replaced");
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .map_err(|e| Error::io("reading", self.dir.path(), e))?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n != ".replaced")
            .collect();
        names.sort();
        for name in &names {
            let target = self.out.join(name);
            if target.exists() {
                std::fs::create_dir_all(&trash).map_err(|e| Error::io("creating", &trash, e))?;
                std::fs::rename(&target, trash.join(name))
                    .map_err(|e| Error::io("moving aside", &target, e))?;
            }
            let staged = self.dir.path().join(name);
            std::fs::rename(&staged, &target)
                .map_err(|e| Error::io("moving into place", &target, e))?;
        }
        // Dropping the TempDir removes what was replaced.
        Ok(names)
    }
}
