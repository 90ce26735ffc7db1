//! Project configuration (`.relnotes/config.yaml`). Every field has a default,
//! so a repository with tags and Conventional Commits and no `.relnotes/` at
//! all gets useful notes. This module describes and validates settings;
//! the sources layer reads the file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::domain::input::{Audience, ChangeKind};
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq, schemars::JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub project: Project,
    pub links: Links,
    pub tags: Tags,
    /// Customer segments: id -> display name (pages are made in id order).
    pub segments: BTreeMap<String, String>,
    /// The audiences the project writes for (default all three): without
    /// `customer` no customer pages, feeds or customer knowledge base;
    /// without `support` no support page or support knowledge base;
    /// without `internal` no stakeholder page. A change is shown only to
    /// the audiences both it and the project have.
    pub audiences: Option<Vec<Audience>>,
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
    /// The audiences it writes for, instead of the project's (`[support,
    /// internal]` for a library no customer sees).
    #[serde(default)]
    pub audiences: Option<Vec<Audience>>,
    /// Its own customer segments (id -> display name), instead of the
    /// project's.
    #[serde(default)]
    pub segments: Option<BTreeMap<String, String>>,
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
        validate_segment_ids(&self.segments, path, text, 1)?;
        if self.audiences.as_ref().is_some_and(Vec::is_empty) {
            return Err(Error::at(
                path,
                crate::domain::text::locate(text, "audiences:", 1),
                "`audiences` is empty: nothing would be written for anyone",
                "list the audiences the project writes for (customer, support, internal), or remove `audiences` for all three",
            ));
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
                // Every set of segments a customer page is made with has
                // it: the project's, and each package's own.
                for (whose, segments) in self.segment_sets() {
                    if !segments.contains_key(s) {
                        return Err(Error::at(
                            path,
                            crate::domain::text::locate(text, s, at.0),
                            match whose {
                                None => format!("outputs: segment `{s}` is not a segment of the configuration"),
                                Some(p) => format!("outputs: segment `{s}` is not a segment of package `{p}`, which has segments of its own"),
                            },
                            match whose {
                                None => "name a segment id from `segments:`".to_string(),
                                Some(p) => format!("add `{s}` to the segments of package `{p}`, or name a segment every package has"),
                            },
                        ));
                    }
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

    /// Whether the project (or, in a package's configuration, the package)
    /// writes for `audience`.
    pub fn writes_for(&self, audience: Audience) -> bool {
        self.audiences
            .as_ref()
            .is_none_or(|a| a.contains(&audience))
    }

    /// The audiences written for, in order, for messages.
    pub fn audience_names(&self) -> String {
        Audience::ALL
            .into_iter()
            .filter(|a| self.writes_for(*a))
            .map(Audience::as_str)
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// An input error for asking for `audience`'s output of a project (or
    /// package) that does not write for it.
    pub fn not_written_for(&self, audience: Audience, what: &str) -> Error {
        Error::usage(
            format!(
                "{} does not write for the {} audience, so there is no {what}",
                self.project.name,
                audience.as_str()
            ),
            format!(
                "its audiences are {} (`audiences:` in .relnotes/config.yaml)",
                self.audience_names()
            ),
        )
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
        if let Some(a) = &p.audiences {
            c.audiences = Some(a.clone());
        }
        if let Some(s) = &p.segments {
            c.segments = s.clone();
        }
        c
    }

    /// The sets of segments customer pages are made with: the project's
    /// (unless every package has its own) and each package's own, with the
    /// package's id; packages that write no customer pages are left out.
    fn segment_sets(&self) -> Vec<(Option<&str>, &BTreeMap<String, String>)> {
        let customers = |p: &Package| {
            p.audiences
                .as_ref()
                .or(self.audiences.as_ref())
                .is_none_or(|a| a.contains(&Audience::Customer))
        };
        let mut out = Vec::new();
        if self.packages.is_empty()
            || self
                .packages
                .iter()
                .any(|p| p.segments.is_none() && customers(p))
        {
            out.push((None, &self.segments));
        }
        for p in self.packages.iter().filter(|p| customers(p)) {
            if let Some(s) = &p.segments {
                out.push((Some(p.id.as_str()), s));
            }
        }
        out
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
            if p.audiences.as_ref().is_some_and(Vec::is_empty) {
                return Err(err(
                    format!("package `{}`: `audiences` is empty: nothing would be written for anyone", p.id),
                    "list the audiences the package writes for (customer, support, internal), or remove `audiences` for the project's",
                ));
            }
            if let Some(s) = &p.segments {
                validate_segment_ids(s, path, text, at.0)?;
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

/// Segment ids become file names and links: each must be usable. `from` is
/// the line to look for them from.
fn validate_segment_ids(
    segments: &BTreeMap<String, String>,
    path: &Path,
    text: &str,
    from: usize,
) -> Result<()> {
    for id in segments.keys() {
        if let Some(problem) = crate::domain::text::id_problem(id) {
            let line = crate::domain::text::locate(text, "segments:", from).0;
            return Err(Error::at(
                path,
                crate::domain::text::locate(text, id, line),
                format!("segment id `{id}` {problem}"),
                "segment ids name files and links: use letters, digits, `-` and `_`, for example `enterprise: Enterprise customers`",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(text: &str) -> Result<Config> {
        let path = Path::new(".relnotes/config.yaml");
        let c: Config = serde_yaml::from_str(text).expect("the test's YAML parses");
        c.validate(path, text)?;
        Ok(c)
    }

    const MONO: &str = "segments:\n  enterprise: Enterprise\npackages:\n  - id: api\n    paths: [api]\n    tag: \"api/v{version}\"\n  - id: web\n    paths: [web]\n    tag: \"web-{version}\"\n    segments:\n      pro: Pro plan\n  - id: cli\n    paths: [cli]\n    tag: \"cli-{version}\"\n    audiences: [support, internal]\n";

    #[test]
    fn a_package_has_its_own_audiences_and_segments_or_the_projects() {
        let c = config(MONO).unwrap();
        let dir = Path::new("/repo");
        let api = c.for_package(&c.packages[0], dir);
        let web = c.for_package(&c.packages[1], dir);
        let cli = c.for_package(&c.packages[2], dir);
        assert_eq!(api.segments.keys().collect::<Vec<_>>(), ["enterprise"]);
        assert_eq!(web.segments.keys().collect::<Vec<_>>(), ["pro"]);
        assert!(Audience::ALL
            .iter()
            .all(|a| api.writes_for(*a) && web.writes_for(*a)));
        assert!(!cli.writes_for(Audience::Customer));
        assert!(cli.writes_for(Audience::Support) && cli.writes_for(Audience::Internal));
        assert_eq!(cli.audience_names(), "support, internal");
        // Without `audiences` anywhere, everything is written, as before.
        assert!(Config::default().writes_for(Audience::Customer));
    }

    #[test]
    fn empty_audiences_and_bad_package_segments_are_refused_where_they_are() {
        let e = config(&MONO.replace("[support, internal]", "[]")).unwrap_err();
        assert!(e.to_string().contains("`cli`: `audiences` is empty"), "{e}");
        let e = config(&MONO.replace("      pro: Pro plan", "      \"pro plan\": Pro plan"))
            .unwrap_err();
        assert!(e.to_string().contains("segment id `pro plan`"), "{e}");
        assert!(e.to_string().contains(":11:7"), "points at the line: {e}");
        let e = config(&format!("audiences: []\n{MONO}")).unwrap_err();
        assert!(e.to_string().contains("`audiences` is empty"), "{e}");
    }

    #[test]
    fn an_extra_output_for_a_segment_needs_it_in_every_set_of_segments() {
        let out = "outputs:\n  - template: vip.md\n    path: vip\n    audience: customer\n    segment: enterprise\n";
        // The web app has its own segments, without `enterprise`.
        let e = config(&format!("{MONO}{out}")).unwrap_err();
        assert!(
            e.to_string().contains("not a segment of package `web`"),
            "{e}"
        );
        // With it there too, the output is fine.
        let both = MONO.replace(
            "      pro: Pro plan",
            "      pro: Pro plan\n      enterprise: Enterprise",
        );
        config(&format!("{both}{out}")).unwrap();
        // A package without customer pages needs none.
        let cli_only = both.replace(
            "    segments:\n      pro: Pro plan\n      enterprise: Enterprise\n",
            "    audiences: [internal]\n    segments:\n      pro: Pro plan\n",
        );
        config(&format!("{cli_only}{out}")).unwrap();
    }
}
