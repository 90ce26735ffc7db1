//! The tags of a repository, read from its files: `refs/tags/` (one file
//! per tag) and `packed-refs`, a loose tag overriding a packed one of the
//! same name, as git reads them. libgit2's reference iterator does the same
//! a good deal slower (about 11 ms for 700 loose tags, a sixth of a
//! tag-time build). Anything this reader does not expect (a symbolic tag, a
//! file that is not an object id, a name that is not UTF-8) makes it give
//! up, and the caller asks libgit2, which answers or reports the problem.

use std::collections::BTreeMap;
use std::path::Path;

use super::TagRef;

/// Every tag under `refs/tags/` of the git directory `common` (the
/// repository's common directory, shared by its worktrees), by name; `None`
/// when libgit2 should answer instead.
pub fn tags(common: &Path) -> Option<Vec<TagRef>> {
    let mut found: BTreeMap<String, String> = BTreeMap::new();
    match std::fs::read(common.join("packed-refs")) {
        Ok(bytes) => {
            let text = std::str::from_utf8(&bytes).ok()?;
            for line in text.lines() {
                // Comments (the header) and the peeled id of the entry above.
                if line.starts_with('#') || line.starts_with('^') || line.is_empty() {
                    continue;
                }
                let (id, name) = line.split_once(' ')?;
                let id = object_id(id)?;
                if let Some(tag) = name.strip_prefix("refs/tags/") {
                    found.insert(tag.to_string(), id);
                }
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(_) => return None,
    }
    let dir = common.join("refs/tags");
    if dir.is_dir() {
        for entry in walkdir::WalkDir::new(&dir).follow_links(false) {
            let entry = entry.ok()?;
            if entry.file_type().is_dir() {
                continue;
            }
            if !entry.file_type().is_file() {
                return None;
            }
            let name = entry.path().strip_prefix(&dir).ok()?.to_str()?;
            // A reference being written by git right now.
            if name.ends_with(".lock") {
                continue;
            }
            let text = read_small(entry.path())?;
            let name = name.replace(std::path::MAIN_SEPARATOR, "/");
            found.insert(name, object_id(text.trim_end())?);
        }
    }
    Some(
        found
            .into_iter()
            .map(|(name, target)| TagRef { name, target })
            .collect(),
    )
}

/// The text of a loose reference file: an object id and a newline. Read
/// with one `read` into a small buffer (hundreds of tags, each a file: the
/// size query and second read of `read_to_string` were a third of the
/// system calls). `None` for anything longer or not UTF-8.
fn read_small(path: &Path) -> Option<String> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).ok()?;
    let mut buf = [0u8; 128];
    let mut len = 0;
    loop {
        match file.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => len += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => return None,
        }
        if len == buf.len() {
            return None;
        }
    }
    String::from_utf8(buf[..len].to_vec()).ok()
}

/// `text` if it is a whole object id (SHA-1 or SHA-256, lower-case hex).
fn object_id(text: &str) -> Option<String> {
    let hex = |c: u8| c.is_ascii_digit() || (b'a'..=b'f').contains(&c);
    (matches!(text.len(), 40 | 64) && text.bytes().all(hex)).then(|| text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loose_tags_override_packed_ones_and_odd_files_give_up() {
        let tmp = tempfile::tempdir().unwrap();
        let git = tmp.path();
        let a = "a".repeat(40);
        let b = "b".repeat(40);
        let c = "c".repeat(40);
        std::fs::write(
            git.join("packed-refs"),
            format!("# pack-refs with: peeled fully-peeled sorted \n{a} refs/heads/main\n{a} refs/tags/v1.0.0\n^{b}\n{a} refs/tags/v1.1.0\n"),
        )
        .unwrap();
        std::fs::create_dir_all(git.join("refs/tags/team")).unwrap();
        std::fs::write(git.join("refs/tags/v1.1.0"), format!("{c}\n")).unwrap();
        std::fs::write(git.join("refs/tags/team/v2.0.0"), format!("{b}\n")).unwrap();
        std::fs::write(git.join("refs/tags/v3.0.0.lock"), "partial").unwrap();
        let tags = tags(git).unwrap();
        let got: Vec<(&str, &str)> = tags
            .iter()
            .map(|t| (t.name.as_str(), t.target.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("team/v2.0.0", b.as_str()),
                ("v1.0.0", a.as_str()),
                ("v1.1.0", c.as_str()),
            ]
        );
        // A file longer than any reference: libgit2 answers.
        std::fs::write(git.join("refs/tags/huge"), "a".repeat(200)).unwrap();
        assert!(super::tags(git).is_none());
        std::fs::remove_file(git.join("refs/tags/huge")).unwrap();
        // A symbolic tag: libgit2 answers.
        std::fs::write(git.join("refs/tags/latest"), "ref: refs/tags/v1.1.0\n").unwrap();
        assert!(super::tags(git).is_none());
        std::fs::remove_file(git.join("refs/tags/latest")).unwrap();
        // A damaged packed-refs line: libgit2 answers (and reports it).
        std::fs::write(git.join("packed-refs"), "not a reference line\n").unwrap();
        assert!(super::tags(git).is_none());
        // No tags at all.
        let empty = tempfile::tempdir().unwrap();
        assert_eq!(super::tags(empty.path()).unwrap().len(), 0);
    }

    /// What libgit2's iterator gives, on a repository with packed tags, loose
    /// ones, annotated ones, a tag in a folder and a loose tag moved after
    /// packing.
    #[test]
    fn the_tags_are_libgit2s() {
        let tmp = tempfile::tempdir().unwrap();
        let repo = git2::Repository::init(tmp.path()).unwrap();
        let sig =
            git2::Signature::new("A", "a@example.com", &git2::Time::new(1_700_000_000, 0)).unwrap();
        let mut parent: Option<git2::Oid> = None;
        let mut commits = Vec::new();
        for i in 0..4 {
            let tree = repo.treebuilder(None).unwrap().write().unwrap();
            let tree = repo.find_tree(tree).unwrap();
            let parents: Vec<git2::Commit> = parent
                .iter()
                .map(|p| repo.find_commit(*p).unwrap())
                .collect();
            let refs: Vec<&git2::Commit> = parents.iter().collect();
            let id = repo
                .commit(Some("HEAD"), &sig, &sig, &format!("c{i}"), &tree, &refs)
                .unwrap();
            commits.push(id);
            parent = Some(id);
        }
        let obj = |i: usize| repo.find_object(commits[i], None).unwrap();
        repo.tag_lightweight("v1.0.0", &obj(0), false).unwrap();
        repo.tag("v1.1.0", &obj(1), &sig, "annotated", false)
            .unwrap();
        repo.tag_lightweight("team/v0.1.0", &obj(1), false).unwrap();
        let packed = std::process::Command::new("git")
            .args(["pack-refs", "--all"])
            .current_dir(tmp.path())
            .status()
            .unwrap();
        assert!(packed.success());
        repo.tag_lightweight("v1.0.0", &obj(2), true).unwrap();
        repo.tag("v2.0.0", &obj(3), &sig, "annotated", false)
            .unwrap();
        let mut want: Vec<(String, String)> = repo
            .references_glob("refs/tags/*")
            .unwrap()
            .map(|r| {
                let r = r.unwrap();
                (
                    r.shorthand().unwrap().to_string(),
                    r.target().unwrap().to_string(),
                )
            })
            .collect();
        want.sort();
        let got: Vec<(String, String)> = tags(repo.commondir())
            .unwrap()
            .into_iter()
            .map(|t| (t.name, t.target))
            .collect();
        assert_eq!(got, want);
        assert_eq!(got.len(), 4);
        assert!(got.contains(&("v1.0.0".into(), commits[2].to_string())));
    }
}
