//! Project configuration (`.relnotes/config.yaml`). Every field has a default,
//! so a repository with tags and Conventional Commits and no `.relnotes/` at
//! all gets useful notes. This module describes and validates settings;
//! the sources layer reads the file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::input::ChangeKind;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub project: Project,
    pub links: Links,
    pub tags: Tags,
    /// Customer segments: id -> display name (pages are made in id order).
    pub segments: BTreeMap<String, String>,
    pub signoffs: Signoffs,
    pub commits: Commits,
    pub releases: Releases,
    pub output: Output,
    pub limits: Limits,
    pub images: Images,
    pub announce: Announce,
    /// Extra pages `build` writes for every release from the user's own
    /// templates.
    pub outputs: Vec<ExtraOutput>,
    /// The packages of a monorepo, each released on its own (empty: the
    /// repository is one package, as usual).
    pub packages: Vec<Package>,
}

/// One package of a monorepo: its own tags, versions, change files,
/// release metadata and notes.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// Names the package on the command line (`--package api`), in
    /// `.relnotes/changes/<id>/`, `.relnotes/releases/<id>/` and the output
    /// folder.
    pub id: String,
    /// What pages call it (default: the project name and the id).
    #[serde(default)]
    pub name: Option<String>,
    /// The files that are the package (globs relative to the repository
    /// root, `services/api/**`): a commit that changes one belongs to it.
    pub paths: Vec<String>,
    /// Its release tags, with `{version}` where the version goes
    /// (`api/v{version}`, `grep-cli-{version}`, `@acme/web@{version}`).
    pub tag: String,
}

impl Package {
    /// The tag pattern as a regular expression with a `version` group.
    pub fn tag_pattern(&self) -> String {
        let (before, after) = self.tag.split_once("{version}").unwrap_or((&self.tag, ""));
        format!(
            "^{}(?P<version>.+){}$",
            regex::escape(before),
            regex::escape(after)
        )
    }
}

/// An extra page of every release: a template of the user's
/// (`.relnotes/templates/<template>`), rendered with the context of the
/// audience's page, written at `<version>/<path>.<md|html>`.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraOutput {
    /// The template file name, ending in `.md` or `.html` (the output's
    /// format).
    pub template: String,
    /// Where it goes below the release's folder, without extension
    /// (`press` or `notes/press`).
    pub path: String,
    /// Whose page's context the template gets.
    pub audience: OutputAudience,
    /// For a customer page: the segment whose changes it shows.
    #[serde(default)]
    pub segment: Option<String>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OutputAudience {
    Customer,
    Support,
    Stakeholders,
}

/// The announcements `relnotes announce` writes (never sends).
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Announce {
    /// The sender, `Name <address>` (default: the project at
    /// `releases@<the project URL's host>`).
    pub from: Option<String>,
    /// Recipients by audience: `all` (every customer), a segment id, or
    /// `stakeholders`.
    pub to: BTreeMap<String, Vec<String>>,
    /// The subject, with `{project}`, `{version}`, `{name}` and
    /// `{audience}` filled in.
    pub subject: String,
}

impl Default for Announce {
    fn default() -> Self {
        Announce {
            from: None,
            to: BTreeMap::new(),
            subject: "{project} {version}: what's new".into(),
        }
    }
}

/// How big an input file may be. Files past the limit are refused with an
/// error instead of being read: a runaway generated file must not take
/// minutes and gigabytes. `config.yaml` itself is always held to the
/// default YAML limit.
#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Largest YAML file (release metadata), in KiB.
    pub yaml_kib: u64,
    /// Largest Markdown file (change file, known issue, template), in KiB.
    pub markdown_kib: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            yaml_kib: 1024,
            markdown_kib: 4096,
        }
    }
}

/// Images in change files and known issues. Pages never fetch anything from
/// elsewhere by default: a remote image becomes a link with its alt text.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Images {
    /// Hosts whose images are kept as images (for example
    /// `cdn.example.com`). Relative images are always kept.
    pub allow_hosts: Vec<String>,
}

/// How releases are cut from the tags.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Releases {
    pub prereleases: Prereleases,
}

/// What pre-release tags (`v2.0.0-rc.1`) are.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum Prereleases {
    /// A final release covers everything since the previous final release,
    /// its candidates included; a candidate covers what is new since the
    /// release before it. Customers never have to read candidates.
    #[default]
    Aggregate,
    /// Every tag covers what is new since the tag before it.
    Separate,
    /// Pre-release tags are not releases.
    Ignore,
}

/// Which commits reach customers in a release that has change files.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CustomerCommits {
    /// Customer-visible commits (features, fixes...) that no change file
    /// covers are listed after the change files, and `build` warns.
    #[default]
    Uncovered,
    /// Only change files speak to customers (curated notes).
    ChangeFilesOnly,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Project {
    pub name: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Links {
    /// URL pattern with `{number}`.
    pub pr: Option<String>,
    /// URL pattern with `{id}`.
    pub issue: Option<String>,
    /// URL pattern with `{sha}`.
    pub commit: Option<String>,
    /// URL pattern comparing two tags, with `{from}` and `{to}` (for
    /// example `https://github.com/o/r/compare/{from}...{to}`): the
    /// CHANGELOG links each version to it.
    pub compare: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Tags {
    /// Tags named `<prefix><semver>` are releases.
    pub prefix: String,
    /// A regular expression with a `version` group; replaces `prefix`.
    pub pattern: Option<String>,
}

impl Default for Tags {
    fn default() -> Self {
        Tags {
            prefix: "v".into(),
            pattern: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Signoffs {
    pub required: Vec<String>,
}

impl Default for Signoffs {
    fn default() -> Self {
        Signoffs {
            required: ["qa", "ux", "devops", "product"].map(String::from).to_vec(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Commits {
    /// Commit type -> change kind, for the commit types customers see.
    pub kinds: BTreeMap<String, ChangeKind>,
    /// Commit types that only stakeholders see.
    pub internal: Vec<String>,
    /// Regular expressions on the subject; matching commits are left out.
    pub skip: Vec<String>,
    /// In a release with change files: whether customer-visible commits
    /// that no change file covers are listed for customers too.
    pub customer: CustomerCommits,
    /// Which date of a commit pages and `release.json` show.
    pub date: CommitDate,
}

/// A commit's two dates.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum CommitDate {
    /// When the change was written, as `git log` shows it.
    #[default]
    Author,
    /// When the commit was made (after a rebase or cherry-pick: then).
    Committer,
}

impl Default for Commits {
    fn default() -> Self {
        let kinds = [
            ("feat", ChangeKind::Added),
            ("fix", ChangeKind::Fixed),
            ("perf", ChangeKind::Changed),
            ("security", ChangeKind::Security),
        ]
        .into_iter()
        .map(|(a, b)| (a.to_string(), b))
        .collect();
        Commits {
            kinds,
            internal: ["chore", "ci", "build", "refactor", "test", "docs", "style"]
                .map(String::from)
                .to_vec(),
            skip: vec![r"^chore\(release\)".into()],
            customer: CustomerCommits::default(),
            date: CommitDate::default(),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Output {
    pub dir: String,
    pub formats: Vec<Format>,
    /// Which segments get a customer page of their own in a release.
    pub segment_pages: SegmentPages,
}

impl Default for Output {
    fn default() -> Self {
        Output {
            dir: "dist".into(),
            formats: vec![Format::Md, Format::Html],
            segment_pages: SegmentPages::Changed,
        }
    }
}

/// Which segments get a page of their own when a release's
/// `communication.segments` does not say.
#[derive(
    Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum SegmentPages {
    /// Only the segments with something of their own in the release (a
    /// change, a known issue, a summary or highlights): a page that would
    /// repeat the page for all customers is not written.
    #[default]
    Changed,
    /// Every configured segment, in every release.
    Always,
}

#[derive(
    Debug,
    Clone,
    Copy,
    Deserialize,
    Serialize,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Md,
    Html,
}

impl Format {
    pub fn ext(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
        }
    }
}

impl Config {
    /// Checks what the types cannot: regular expressions and
    /// the tag pattern's `version` group. `path` is for the messages.
    /// Checks what serde cannot: expressions, and ids that become file
    /// names and links. `text` is the file's text, to point at the place.
    pub fn validate(&self, path: &Path, text: &str) -> Result<()> {
        self.validate_packages(path, text)?;
        for id in self.segments.keys() {
            if let Some(problem) = crate::domain::text::id_problem(id) {
                let line = crate::domain::text::locate(text, "segments:", 1).0;
                return Err(Error::at(
                    path,
                    crate::domain::text::locate(text, id, line),
                    format!("segment id `{id}` {problem}"),
                    "segment ids name files and links: use letters, digits, `-` and `_`, for example `enterprise: Enterprise customers`",
                ));
            }
        }
        for o in &self.outputs {
            let at = crate::domain::text::locate(text, &o.template, 1);
            if !(o.template.ends_with(".md") || o.template.ends_with(".html"))
                || crate::domain::text::id_problem(&o.template).is_some()
            {
                return Err(Error::at(
                    path,
                    at,
                    format!("outputs: template `{}` is not a template file name", o.template),
                    "name a file in .relnotes/templates/ ending in .md or .html, for example `press.md`",
                ));
            }
            let bad_path = o.path.is_empty()
                || o.path
                    .split('/')
                    .any(|part| crate::domain::text::id_problem(part).is_some());
            const BUILT_IN: [&str; 4] = ["support", "stakeholders", "readiness", "release"];
            if bad_path || BUILT_IN.contains(&o.path.as_str()) || o.path.starts_with("customer/") {
                return Err(Error::at(
                    path,
                    crate::domain::text::locate(text, &o.path, at.0),
                    format!("outputs: path `{}` cannot be an extra page's path", o.path),
                    "give a path below the release's folder made of letters, digits, `-` and `_` (for example `press` or `notes/press`), not one of the built-in pages",
                ));
            }
            if let Some(s) = &o.segment {
                if !self.segments.contains_key(s) {
                    return Err(Error::at(
                        path,
                        crate::domain::text::locate(text, s, at.0),
                        format!("outputs: segment `{s}` is not a segment of the configuration"),
                        "name a segment id from `segments:`",
                    ));
                }
            }
        }
        for host in &self.images.allow_hosts {
            if host.is_empty()
                || !host
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'))
            {
                return Err(Error::at(
                    path,
                    crate::domain::text::locate(text, host, 1),
                    format!("images.allow_hosts: `{host}` is not a host name"),
                    "write the host alone, for example `cdn.example.com` (no scheme, no path)",
                ));
            }
        }
        for pattern in self.commits.skip.iter().chain(self.tags.pattern.iter()) {
            if let Err(e) = regex::Regex::new(pattern) {
                return Err(Error::invalid(
                    path,
                    format!("`{pattern}` is not a valid regular expression: {e}"),
                    "fix the expression in commits.skip or tags.pattern",
                ));
            }
        }
        if let Some(p) = &self.tags.pattern {
            if !p.contains("(?P<version>") && !p.contains("(?<version>") {
                return Err(Error::invalid(
                    path,
                    format!("tags.pattern `{p}` has no `version` group"),
                    "write the version part as a named group, for example '^release-(?P<version>.+)$'",
                ));
            }
        }
        Ok(())
    }

    /// The project name shown in pages; falls back to the repository's
    /// directory name.
    pub fn project_name(&self, repo_dir: &Path) -> String {
        if !self.project.name.is_empty() {
            return self.project.name.clone();
        }
        repo_dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "project".into())
    }

    pub fn segment_name<'a>(&'a self, id: &'a str) -> &'a str {
        self.segments.get(id).map(String::as_str).unwrap_or(id)
    }

    /// The configuration one package of a monorepo is built with: its tag
    /// pattern, its name as the project's, and its own output folder.
    pub fn for_package(&self, p: &Package, repo_dir: &Path) -> Config {
        let mut c = self.clone();
        c.tags = Tags {
            prefix: String::new(),
            pattern: Some(p.tag_pattern()),
        };
        c.project.name = match &p.name {
            Some(n) => n.clone(),
            None => format!("{} {}", self.project_name(repo_dir), p.id),
        };
        c.output.dir = format!("{}/{}", self.output.dir.trim_end_matches('/'), p.id);
        c
    }

    /// Packages with their ids named, for messages.
    pub fn package_ids(&self) -> String {
        self.packages
            .iter()
            .map(|p| p.id.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Each package's id usable, unique, its tag with one `{version}`, its
    /// paths valid globs.
    fn validate_packages(&self, path: &Path, text: &str) -> Result<()> {
        let mut seen = std::collections::BTreeSet::new();
        let from = crate::domain::text::locate(text, "packages:", 1).0;
        for p in &self.packages {
            let at = crate::domain::text::locate(text, &p.id, from);
            let err = |message: String, help: &str| Error::at(path, at, message, help);
            if let Some(problem) = crate::domain::text::id_problem(&p.id) {
                return Err(err(
                    format!("package id `{}` {problem}", p.id),
                    "package ids name folders and options: use letters, digits, `-` and `_`",
                ));
            }
            if !seen.insert(p.id.as_str()) {
                return Err(err(
                    format!("the package `{}` is listed twice", p.id),
                    "give each package its own id",
                ));
            }
            if p.tag.matches("{version}").count() != 1 {
                return Err(err(
                    format!(
                        "package `{}`: tag `{}` must contain `{{version}}` once",
                        p.id, p.tag
                    ),
                    "write where the version goes, for example `tag: \"api/v{version}\"`",
                ));
            }
            if p.paths.is_empty() {
                return Err(err(
                    format!("package `{}` has no `paths`", p.id),
                    "list the files that are the package, for example `paths: [\"services/api/**\"]`",
                ));
            }
            for g in &p.paths {
                if let Err(e) = globset::Glob::new(g) {
                    return Err(err(
                        format!("package `{}`: `{g}` is not a glob: {}", p.id, e.kind()),
                        "use globs relative to the repository root, for example `services/api/**`",
                    ));
                }
            }
        }
        Ok(())
    }
}
