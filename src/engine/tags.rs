//! Release tags: which tags are releases (by prefix or pattern), in
//! semantic-version order, and what each points to, resolved once.

use std::collections::BTreeMap;

use super::Sources;
use crate::domain::assemble::TagInfo;
use crate::domain::config::Config;
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

impl ReleaseTag {
    pub fn info(&self) -> TagInfo {
        TagInfo {
            name: self.name.clone(),
            version: self.version.clone(),
        }
    }
}

impl Sources {
    /// The commit and time of a release tag.
    pub fn peel(&self, tag: &ReleaseTag) -> Result<git::Peeled> {
        if let Some(p) = tag.peeled.get() {
            return Ok(p.clone());
        }
        let p = self.with_repo(|r| r.peel(&tag.target))?;
        Ok(tag.peeled.get_or_init(|| p).clone())
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

    /// The newest release before tag `i` that is not a pre-release.
    pub fn previous_stable(&self, i: usize) -> Option<&ReleaseTag> {
        self.tags[..i]
            .iter()
            .rev()
            .find(|t| t.version.pre.is_empty())
    }
}

/// Release tags, oldest first by semantic version.
pub fn release_tags(repo: &Repo, config: &Config) -> Result<Vec<ReleaseTag>> {
    // Validated in Config::validate; an invalid one matches nothing.
    let pattern = config
        .tags
        .pattern
        .as_deref()
        .and_then(|p| regex::Regex::new(p).ok());
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
