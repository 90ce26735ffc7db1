//! Planning: which releases a command is about, and which input files
//! they need, decided before any history is read.

use std::collections::BTreeSet;

use super::{ReleaseTag, Sources};
use crate::domain::config::Config;
use crate::error::{Error, Result};
use crate::sources::git::Repo;

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

/// One release to assemble.
pub enum Plan {
    /// The tag at this index of [`Sources::tags`].
    Tag(usize),
    /// The unreleased changes, under this version if given.
    Unreleased(Option<String>),
}

impl Sources {
    /// The unreleased commits: reachable from HEAD and not from the newest
    /// release on HEAD's branch, as (HEAD, that release's commit).
    pub(super) fn unreleased_range(&self) -> Option<(String, Option<String>)> {
        let head = self.with_repo(|r| Ok(r.head())).ok()??;
        let last = match self.unreleased_base {
            Some(i) => Some(self.peel(&self.tags[i]).ok()?.commit),
            None => None,
        };
        Some((head, last))
    }

    /// The release the unreleased changes follow.
    pub fn unreleased_previous(&self) -> Option<&ReleaseTag> {
        self.unreleased_base.map(|i| &self.tags[i])
    }

    /// The commits of the unreleased range, newest first.
    pub(super) fn unreleased_commits(&self) -> Result<Vec<crate::domain::assemble::Commit>> {
        match self.unreleased_range() {
            Some((head, last)) if last.as_deref() != Some(head.as_str()) => {
                self.read_commits(&head, last.as_deref())
            }
            _ => Ok(Vec::new()),
        }
    }

    /// Whether there is anything unreleased (commits or change files).
    pub fn has_unreleased(&self) -> Result<bool> {
        if self.inputs.changes.contains_key("unreleased") {
            return Ok(true);
        }
        if self.package.is_none() {
            // The base is HEAD or one of its ancestors: anything else on
            // HEAD is unreleased. No walk needed (it would read the hidden
            // side of HEAD's range before any release is built).
            return Ok(match self.unreleased_range() {
                Some((head, base)) => base.as_deref() != Some(head.as_str()),
                None => false,
            });
        }
        Ok(!self.unreleased_commits()?.is_empty())
    }

    /// The releases `target` names, in order, before any reading.
    pub fn plan(&self, target: &Target) -> Result<Vec<Plan>> {
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
}

/// The newest release tag whose commit HEAD contains, and the newer tags
/// set aside because HEAD does not contain them (a release made on another
/// branch). Without HEAD, the newest tag.
pub fn unreleased_base(repo: &Repo, tags: &[ReleaseTag]) -> Result<(Option<usize>, Vec<String>)> {
    let Some(head) = repo.head() else {
        return Ok((tags.len().checked_sub(1), Vec::new()));
    };
    let mut set_aside = Vec::new();
    for (i, t) in tags.iter().enumerate().rev() {
        let commit = repo.peel(&t.target)?.commit;
        if repo.is_ancestor(&commit, &head)? {
            return Ok((Some(i), set_aside));
        }
        set_aside.push(t.name.clone());
    }
    Ok((None, set_aside))
}

/// The versions whose change files and metadata `target` needs, or `None`
/// when it needs all of them.
pub fn versions_needed(
    target: &Target,
    tags: &[ReleaseTag],
    config: &Config,
) -> Option<BTreeSet<String>> {
    let mut set = BTreeSet::new();
    set.insert("unreleased".to_string());
    // The releases since the one before are read too: a final release
    // gathers its candidates' change files, and the preview compares with
    // the release before. A few folders cost no more than one.
    let mut with_previous = |i: Option<usize>| {
        if let Some(i) = i {
            let from = super::tags::previous_index(tags, i, config.releases.prereleases)
                .unwrap_or(i)
                .min(i.saturating_sub(1));
            for t in &tags[from..=i] {
                set.insert(t.version.to_string());
            }
        }
    };
    match target {
        Target::All => return None,
        Target::Latest => with_previous(tags.len().checked_sub(1)),
        Target::Tag(t) => {
            // An unknown tag is reported later, with suggestions.
            with_previous(
                tags.iter()
                    .position(|x| x.name == *t || x.version.to_string() == *t),
            );
        }
        Target::Unreleased(Some(v)) => {
            with_previous(tags.len().checked_sub(1));
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
