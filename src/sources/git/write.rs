//! The history writer: creates a repository from a plain description of
//! commits, branches, merges and tags, with fixed authors and times so that
//! commit ids are the same on every machine. `relnotes demo` writes its
//! sample project with it, and the fixture tests and benchmarks their
//! histories. It is part of the git source because git2 lives there; no
//! command that reads a user's repository uses it.

use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use std::collections::HashMap;

/// A history to create, used by `relnotes demo`, the fixture tests and the
/// benchmarks. Each step either commits on the current branch, switches
/// branch, merges a branch into the current one, or tags the current commit.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySpec {
    /// Default author, as `Name <email>`.
    #[serde(default = "default_author")]
    pub author: String,
    /// Time of the first commit; each next step is one hour later.
    #[serde(default = "default_start")]
    pub start: jiff::Timestamp,
    /// Make the repository a shallow clone (for the shallow-clone error).
    #[serde(default)]
    pub shallow: bool,
    /// The branch HEAD names at the end (default: `main`).
    #[serde(default)]
    pub head: Option<String>,
    pub steps: Vec<Step>,
}

fn default_author() -> String {
    "Dana Lee <dana@octoacme.example>".into()
}

fn default_start() -> jiff::Timestamp {
    "2026-01-05T09:00:00Z".parse().expect("valid timestamp")
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    /// Commit message (for `merge`, the merge commit's message).
    #[serde(default)]
    pub commit: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub at: Option<jiff::Timestamp>,
    /// Write the message as ISO-8859-1 bytes without an encoding header
    /// (what old tools did): the reader must decode it lossily.
    #[serde(default)]
    pub latin1: bool,
    /// Switch to this branch, creating it at the current commit if new.
    #[serde(default)]
    pub branch: Option<String>,
    /// With `branch`: create it at this tag or branch instead (a
    /// maintenance branch from a release tag).
    #[serde(default)]
    pub from: Option<String>,
    /// Merge this branch into the current one.
    #[serde(default)]
    pub merge: Option<String>,
    /// With `commit`: files the commit changes (paths from the repository
    /// root), besides the sample's `CHANGES.txt`.
    #[serde(default)]
    pub files: Vec<String>,
    /// Tag the current commit.
    #[serde(default)]
    pub tag: Option<String>,
    /// With `tag`: make an annotated tag with this message.
    #[serde(default)]
    pub annotated: Option<String>,
}

/// Creates a repository at `dir` with the history described by `spec`.
/// Commit ids depend only on the spec, so fixtures are reproducible. In an
/// existing repository the steps continue its branches (`main` first).
pub fn write_history(dir: &Path, spec: &HistorySpec) -> Result<()> {
    let fail = |e: git2::Error| Error::Git {
        message: format!("writing the sample history failed: {}", e.message()),
        help: "check that the target directory is writable".into(),
    };
    let repo = git2::Repository::init(dir).map_err(fail)?;
    let odb = repo.odb().map_err(fail)?;
    let mut heads: HashMap<String, git2::Oid> = HashMap::new();
    for b in repo.branches(Some(git2::BranchType::Local)).map_err(fail)? {
        let (b, _) = b.map_err(fail)?;
        if let (Ok(Some(name)), Some(id)) = (b.name(), b.get().target()) {
            heads.insert(name.to_string(), id);
        }
    }
    let mut current = "main".to_string();
    let mut time = spec.start.as_second();
    let mut first_tagged: Option<git2::Oid> = None;
    let mut counter = 0u64;

    let empty = repo
        .treebuilder(None)
        .and_then(|t| t.write())
        .map_err(fail)?;
    let mut write_commit =
        |message: &[u8], author: &str, at: i64, parents: &[git2::Oid], files: &[String]| {
            counter += 1;
            // One small file whose content changes with each commit, so that
            // every commit has its own tree, as in a real history; and the
            // step's own files, over the first parent's tree.
            let blob = odb
                .write(
                    git2::ObjectType::Blob,
                    format!("change {counter}\n").as_bytes(),
                )
                .map_err(fail)?;
            let base = match parents.first() {
                Some(p) => repo.find_commit(*p).and_then(|c| c.tree()).map_err(fail)?,
                None => repo.find_tree(empty).map_err(fail)?,
            };
            let mut update = git2::build::TreeUpdateBuilder::new();
            update.upsert("CHANGES.txt", blob, git2::FileMode::Blob);
            // A file named twice in one step is changed once.
            let mut files: Vec<&String> = files.iter().collect();
            files.sort();
            files.dedup();
            for f in files {
                let content = odb
                    .write(
                        git2::ObjectType::Blob,
                        format!("{f}: change {counter}\n").as_bytes(),
                    )
                    .map_err(fail)?;
                update.upsert(f.as_str(), content, git2::FileMode::Blob);
            }
            let tree = update.create_updated(&repo, &base).map_err(fail)?;
            let mut buf = Vec::new();
            buf.extend_from_slice(format!("tree {tree}\n").as_bytes());
            for p in parents {
                buf.extend_from_slice(format!("parent {p}\n").as_bytes());
            }
            let who = format!("{author} {at} +0000");
            buf.extend_from_slice(format!("author {who}\ncommitter {who}\n\n").as_bytes());
            buf.extend_from_slice(message);
            if !message.ends_with(b"\n") {
                buf.push(b'\n');
            }
            odb.write(git2::ObjectType::Commit, &buf).map_err(fail)
        };

    for step in &spec.steps {
        let at = step.at.map(|t| t.as_second()).unwrap_or(time);
        time = at + 3600;
        let author = step.author.as_deref().unwrap_or(&spec.author);
        if let Some(b) = &step.branch {
            let start = match &step.from {
                Some(from) => Some(
                    repo.revparse_single(&format!("{from}^{{commit}}"))
                        .map_err(fail)?
                        .id(),
                ),
                None => heads.get(&current).copied(),
            };
            if let Some(head) = start {
                heads.entry(b.clone()).or_insert(head);
            }
            current = b.clone();
        }
        if let Some(m) = &step.merge {
            let ours = heads.get(&current).copied();
            let theirs = *heads.get(m).ok_or_else(|| Error::Git {
                message: format!("history step merges unknown branch `{m}`"),
                help: "create the branch with a `branch:` step first".into(),
            })?;
            let msg = step
                .commit
                .clone()
                .unwrap_or_else(|| format!("Merge branch '{m}'"));
            let parents: Vec<git2::Oid> = ours.into_iter().chain([theirs]).collect();
            let id = write_commit(msg.as_bytes(), author, at, &parents, &step.files)?;
            heads.insert(current.clone(), id);
        } else if let Some(msg) = &step.commit {
            let bytes: Vec<u8> = if step.latin1 {
                msg.chars()
                    .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                    .collect()
            } else {
                msg.as_bytes().to_vec()
            };
            let parents: Vec<git2::Oid> = heads.get(&current).copied().into_iter().collect();
            let id = write_commit(&bytes, author, at, &parents, &step.files)?;
            heads.insert(current.clone(), id);
        }
        if let Some(t) = &step.tag {
            let head = *heads.get(&current).ok_or_else(|| Error::Git {
                message: format!("history tags `{t}` before any commit"),
                help: "add a commit step before the tag".into(),
            })?;
            first_tagged.get_or_insert(head);
            let obj = repo.find_object(head, None).map_err(fail)?;
            match &step.annotated {
                Some(msg) => {
                    let (name, email) = split_person(author);
                    let sig = git2::Signature::new(&name, &email, &git2::Time::new(at, 0))
                        .map_err(fail)?;
                    repo.tag(t, &obj, &sig, msg, false).map_err(fail)?;
                }
                None => {
                    repo.reference(&format!("refs/tags/{t}"), head, false, "tag")
                        .map_err(fail)?;
                }
            }
        }
    }
    for (branch, id) in &heads {
        repo.reference(&format!("refs/heads/{branch}"), *id, true, "history")
            .map_err(fail)?;
    }
    let head = format!("refs/heads/{}", spec.head.as_deref().unwrap_or("main"));
    repo.set_head(&head).map_err(fail)?;
    if spec.shallow {
        // What `git clone --depth` leaves behind: a list of commits whose
        // parents are missing.
        let cut = first_tagged.or_else(|| heads.get("main").copied());
        if let Some(cut) = cut {
            std::fs::write(repo.path().join("shallow"), format!("{cut}\n"))
                .map_err(|e| Error::io("writing", repo.path().join("shallow"), e))?;
        }
    }
    Ok(())
}

fn split_person(s: &str) -> (String, String) {
    match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => (s[..a].trim().to_string(), s[a + 1..b].to_string()),
        _ => (s.trim().to_string(), String::new()),
    }
}
