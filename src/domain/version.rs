//! Versions: which bump a set of changes calls for, which bump two
//! versions are apart, and the next version after the newest release.

use crate::domain::model::{Bump, Change};

/// The bump the changes call for, and the changes that decide it
/// (described for `relnotes next --explain`).
pub fn required_bump(
    changes: &[Change],
    previous: Option<&semver::Version>,
) -> (Bump, Vec<String>) {
    let pre_1 = previous.is_none_or(|p| p.major == 0);
    let breaking: Vec<String> = changes
        .iter()
        .filter(|c| c.breaking)
        .map(describe)
        .collect();
    if !breaking.is_empty() {
        return (if pre_1 { Bump::Minor } else { Bump::Major }, breaking);
    }
    let added: Vec<String> = changes
        .iter()
        .filter(|c| c.kind == crate::domain::input::ChangeKind::Added)
        .map(describe)
        .collect();
    if !added.is_empty() {
        return (Bump::Minor, added);
    }
    (Bump::Patch, changes.iter().map(describe).collect())
}

fn describe(c: &Change) -> String {
    format!(
        "{} ({}{}): {}",
        c.id,
        if c.breaking { "breaking " } else { "" },
        c.kind.as_str(),
        c.title
    )
}

/// How far apart two consecutive release versions are.
pub fn bump_between(prev: Option<&semver::Version>, cur: &semver::Version) -> Bump {
    match prev {
        None => Bump::Initial,
        Some(p) if cur.major != p.major => Bump::Major,
        Some(p) if cur.minor != p.minor => Bump::Minor,
        Some(p) if cur.patch != p.patch => Bump::Patch,
        Some(_) => Bump::Prerelease,
    }
}

/// The version after `previous` that `required` calls for. A pre-release
/// is followed by its final version; the first release is 0.1.0 unless the
/// changes call for more.
pub fn next_version(previous: Option<&semver::Version>, required: Bump) -> semver::Version {
    let base = previous
        .cloned()
        .unwrap_or_else(|| semver::Version::new(0, 0, 0));
    let mut v = semver::Version::new(base.major, base.minor, base.patch);
    if base.pre.is_empty() {
        match required {
            Bump::Major => v = semver::Version::new(v.major + 1, 0, 0),
            Bump::Minor => v = semver::Version::new(v.major, v.minor + 1, 0),
            _ => v.patch += 1,
        }
    }
    if previous.is_none() && v == semver::Version::new(0, 0, 1) {
        v = semver::Version::new(0, 1, 0);
    }
    v
}

/// Which pre-release candidates a list of releases folds into their final
/// release (the customer pages' rule, `releases.prereleases`): with
/// `aggregate` (the default) a candidate is listed on its own only while its
/// final is not out; with `separate` every candidate is.
pub struct Candidates {
    finals: Vec<(u64, u64, u64)>,
    separate: bool,
}

impl Candidates {
    /// From the released versions (not the unreleased changes).
    pub fn new<'a>(
        released: impl IntoIterator<Item = &'a str>,
        prereleases: crate::domain::config::Prereleases,
    ) -> Candidates {
        Candidates {
            finals: released
                .into_iter()
                .filter_map(|v| semver::Version::parse(v).ok())
                .filter(|v| v.pre.is_empty())
                .map(|v| (v.major, v.minor, v.patch))
                .collect(),
            separate: prereleases == crate::domain::config::Prereleases::Separate,
        }
    }

    /// Whether `version` is a candidate folded into its released final.
    pub fn folded(&self, version: &str) -> bool {
        !self.separate
            && semver::Version::parse(version).is_ok_and(|v| {
                !v.pre.is_empty() && self.finals.contains(&(v.major, v.minor, v.patch))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> semver::Version {
        semver::Version::parse(s).expect("a test version")
    }

    #[test]
    fn bumps_between_versions() {
        assert_eq!(bump_between(None, &v("1.0.0")), Bump::Initial);
        assert_eq!(bump_between(Some(&v("1.0.0")), &v("2.0.0")), Bump::Major);
        assert_eq!(bump_between(Some(&v("1.0.0")), &v("1.1.0")), Bump::Minor);
        assert_eq!(bump_between(Some(&v("1.0.0")), &v("1.0.1")), Bump::Patch);
        assert_eq!(
            bump_between(Some(&v("1.0.0-rc.1")), &v("1.0.0")),
            Bump::Prerelease
        );
    }

    #[test]
    fn next_versions() {
        assert_eq!(next_version(None, Bump::Patch), v("0.1.0"));
        assert_eq!(next_version(Some(&v("1.2.3")), Bump::Patch), v("1.2.4"));
        assert_eq!(next_version(Some(&v("1.2.3")), Bump::Minor), v("1.3.0"));
        assert_eq!(next_version(Some(&v("1.2.3")), Bump::Major), v("2.0.0"));
        assert_eq!(
            next_version(Some(&v("2.0.0-rc.2")), Bump::Major),
            v("2.0.0")
        );
    }
}
