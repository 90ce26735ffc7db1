//! Release tags: which tags are releases (by prefix or pattern), in
//! semantic-version order, and what each points to, resolved once.

use std::collections::BTreeMap;

use super::Sources;
use crate::domain::assemble::TagInfo;
use crate::domain::config::{Config, Prereleases};
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

    /// The release that tag `i`'s notes start after: the tag before it, or
    /// for a final release under `prereleases: aggregate` the final release
    /// before it, so its notes include its candidates'.
    pub fn previous_of(&self, i: usize) -> Option<usize> {
        previous_index(&self.tags, i, self.config.releases.prereleases)
    }

    /// The newest release before tag `i` that is not a pre-release.
    pub fn previous_stable(&self, i: usize) -> Option<&ReleaseTag> {
        self.tags[..i]
            .iter()
            .rev()
            .find(|t| t.version.pre.is_empty())
    }
}

/// See [`Sources::previous_of`].
pub fn previous_index(tags: &[ReleaseTag], i: usize, mode: Prereleases) -> Option<usize> {
    if mode == Prereleases::Aggregate && tags[i].version.pre.is_empty() {
        (0..i).rev().find(|&j| tags[j].version.pre.is_empty())
    } else {
        i.checked_sub(1)
    }
}

/// Release tags, oldest first by semantic version, and warnings about
/// tags that are ambiguous.
pub fn release_tags(repo: &Repo, config: &Config) -> Result<(Vec<ReleaseTag>, Vec<String>)> {
    // Validated in Config::validate; an invalid one matches nothing.
    let pattern = config
        .tags
        .pattern
        .as_deref()
        .and_then(|p| regex::Regex::new(p).ok());
    let ignore_pre = config.releases.prereleases == Prereleases::Ignore;
    let mut warnings = Vec::new();
    // Keyed without build metadata: `v1.0.0+build.7` and `v1.0.0` are one
    // version (semver gives build metadata no precedence).
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
        if ignore_pre && !v.pre.is_empty() {
            continue;
        }
        let key = semver::Version {
            build: semver::BuildMetadata::EMPTY,
            ..v.clone()
        };
        let tag = ReleaseTag {
            name: t.name.clone(),
            version: v,
            target: t,
            peeled: std::sync::OnceLock::new(),
        };
        match out.get(&key) {
            None => {
                out.insert(key, tag);
            }
            Some(kept) => {
                // Prefer the tag without build metadata, then the first name.
                let better = (!tag.version.build.is_empty(), &tag.name)
                    < (!kept.version.build.is_empty(), &kept.name);
                let (keep, drop) = if better { (&tag, kept) } else { (kept, &tag) };
                warnings.push(format!(
                    "tags `{}` and `{}` name one version, {key}: using `{}`",
                    keep.name, drop.name, keep.name
                ));
                if better {
                    out.insert(key, tag);
                }
            }
        }
    }
    let tags: Vec<ReleaseTag> = out.into_values().collect();
    warnings.extend(text_ordered_prereleases(&tags));
    Ok((tags, warnings))
}

/// Warnings for pre-release tags like `-rc10` beside `-rc2`: without a dot
/// semver compares `rc10` and `rc2` as text, so rc10 sorts first.
fn text_ordered_prereleases(tags: &[ReleaseTag]) -> Vec<String> {
    // (version without pre-release, letters) -> digit counts seen
    let mut seen: BTreeMap<(String, String), Vec<(usize, &str)>> = BTreeMap::new();
    for t in tags {
        for id in t.version.pre.as_str().split('.') {
            let letters = id.trim_end_matches(|c: char| c.is_ascii_digit());
            let digits = &id[letters.len()..];
            if !letters.is_empty() && !digits.is_empty() {
                let base = format!(
                    "{}.{}.{}",
                    t.version.major, t.version.minor, t.version.patch
                );
                seen.entry((base, letters.to_string()))
                    .or_default()
                    .push((digits.len(), t.name.as_str()));
            }
        }
    }
    let mut out = Vec::new();
    for ((_, letters), names) in seen {
        let longest = names.iter().map(|(n, _)| *n).max().unwrap_or(0);
        if names.iter().any(|(n, _)| *n != longest) {
            for (n, name) in &names {
                if *n == longest {
                    out.push(format!(
                        "tag `{name}`: `{letters}` and its number are compared as text, so it sorts before shorter numbers; name such tags `{letters}.N` (for example `-{letters}.10`)"
                    ));
                }
            }
        }
    }
    out
}
