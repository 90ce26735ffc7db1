//! Rendering of the knowledge-base site (`relnotes kb`): its own templates
//! (`templates/kb/`, overridden by name from `.relnotes/templates/kb/`), its
//! page contexts, and the search index. The only place the KB uses tera and
//! elasticlunr. What each page may show is decided by [`super::page_context`]
//! for the changes of a release (the support view, or the customer views of
//! every segment) and here for known issues: templates never see the model.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Serialize;

use super::{
    page_context, ItemCtx, Page, PageCtx, PageSpec, ReleaseCache, ReleaseCtx, SupportCtx, Text,
};
use crate::domain::config::{Config, Format};
use crate::domain::input::TemplateFile;
use crate::domain::model::{IssueStatus, KnownIssue, Project, Release};
use crate::error::{Error, Result};
use crate::render::markdown;

/// The built-in KB templates and assets, embedded in the binary. A file of
/// the same name in `.relnotes/templates/kb/` wins.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/kb/base.html")),
    ("home.html", include_str!("../../templates/kb/home.html")),
    (
        "release.html",
        include_str!("../../templates/kb/release.html"),
    ),
    ("issue.html", include_str!("../../templates/kb/issue.html")),
    (
        "change.html",
        include_str!("../../templates/kb/change.html"),
    ),
    (
        "issues.html",
        include_str!("../../templates/kb/issues.html"),
    ),
    (
        "releases.html",
        include_str!("../../templates/kb/releases.html"),
    ),
    ("home.md", include_str!("../../templates/kb/home.md")),
    ("release.md", include_str!("../../templates/kb/release.md")),
    ("issue.md", include_str!("../../templates/kb/issue.md")),
    ("change.md", include_str!("../../templates/kb/change.md")),
    ("issues.md", include_str!("../../templates/kb/issues.md")),
    (
        "releases.md",
        include_str!("../../templates/kb/releases.md"),
    ),
    (
        "incident.html",
        include_str!("../../templates/kb/incident.html"),
    ),
    (
        "incident.md",
        include_str!("../../templates/kb/incident.md"),
    ),
    (
        "checklist.html",
        include_str!("../../templates/kb/checklist.html"),
    ),
    (
        "checklist.md",
        include_str!("../../templates/kb/checklist.md"),
    ),
    (
        "checklist_body.md",
        include_str!("../../templates/checklist_body.md"),
    ),
    (
        "checklist_body.html",
        include_str!("../../templates/checklist_body.html"),
    ),
    (
        "packages.html",
        include_str!("../../templates/kb/packages.html"),
    ),
    (
        "packages.md",
        include_str!("../../templates/kb/packages.md"),
    ),
    ("kb.css", include_str!("../../templates/kb/kb.css")),
    ("search.js", include_str!("../../templates/kb/search.js")),
];

/// Who a site is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KbAudience {
    /// Everything but internal notes: support notes, escalation, hypercare.
    Support,
    /// Customer-visible text only, for every segment (named).
    Customer,
}

/// The KB templates with the user's overrides, plus the static assets.
pub struct KbRenderer {
    tera: tera::Tera,
    /// Template name -> the user's file it came from, for error messages.
    origins: BTreeMap<String, PathBuf>,
    /// Non-template files (stylesheet, script) by name.
    assets: BTreeMap<String, String>,
}

impl KbRenderer {
    /// Loads the built-in KB templates, then the user's
    /// (`.relnotes/templates/kb/`). `page_templates` are the user's
    /// `.relnotes/templates/`, whose `style.css` replaces the built-in one,
    /// so the KB looks like the release pages.
    pub fn new(overrides: &[TemplateFile], page_templates: &[TemplateFile]) -> Result<KbRenderer> {
        let mut sources: BTreeMap<String, String> = BUILTIN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let style = super::BUILTIN
            .iter()
            .find(|(n, _)| *n == "style.css")
            .map(|(_, s)| s.to_string())
            .unwrap_or_default();
        sources.insert("style.css".into(), style);
        let mut origins = BTreeMap::new();
        let user_style: Vec<TemplateFile> = page_templates
            .iter()
            .filter(|f| f.name == "style.css")
            .cloned()
            .collect();
        super::apply_overrides(&user_style, &mut sources, &mut origins);
        super::apply_overrides(overrides, &mut sources, &mut origins);
        let (templates, assets): (BTreeMap<String, String>, BTreeMap<String, String>) = sources
            .into_iter()
            .partition(|(n, _)| n.ends_with(".html") || n.ends_with(".md"));
        let mut tera = super::new_tera();
        let r = KbRenderer {
            tera: tera::Tera::default(),
            origins,
            assets,
        };
        tera.add_raw_templates(templates.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| r.error(e))?;
        Ok(KbRenderer { tera, ..r })
    }

    /// A static asset (`style.css`, `kb.css`, `search.js`).
    pub fn asset(&self, name: &str) -> &str {
        self.assets.get(name).map(String::as_str).unwrap_or("")
    }

    /// Renders the template `name` (`home`, `release`, ...) in `format`.
    pub fn render<C: Serialize>(&self, name: &str, format: Format, ctx: &C) -> Result<String> {
        let ctx = tera::Context::from_serialize(ctx).map_err(|e| self.error(e))?;
        self.tera
            .render(&format!("{name}.{}", format.ext()), &ctx)
            .map_err(|e| self.error(e))
    }

    fn error(&self, e: tera::Error) -> Error {
        super::template_error(
            e,
            &self.origins,
            "kb/",
            "(or delete it to use the built-in KB template)",
        )
    }
}

// ------------------------------------------------------------------ paths

pub use crate::domain::text::slug;

/// Gives each id a distinct slug, in the order given: the first of two ids
/// with the same slug keeps it, the next gets `-2`, and so on.
pub fn unique_slugs<'a>(ids: impl IntoIterator<Item = &'a str>) -> BTreeMap<String, String> {
    let mut taken = std::collections::BTreeSet::new();
    let mut out = BTreeMap::new();
    for id in ids {
        if out.contains_key(id) {
            continue;
        }
        let base = slug(id);
        let mut s = base.clone();
        let mut n = 2;
        while !taken.insert(s.to_ascii_lowercase()) {
            s = format!("{base}-{n}");
            n += 1;
        }
        out.insert(id.to_string(), s);
    }
    out
}

/// Where every page of the site lives, relative to the site root.
pub struct Paths {
    pub ext: &'static str,
    /// Known issue id -> slug.
    pub issues: BTreeMap<String, String>,
}

impl Paths {
    pub fn home(&self) -> String {
        format!("index.{}", self.ext)
    }
    pub fn releases(&self) -> String {
        format!("releases/index.{}", self.ext)
    }
    pub fn issues(&self) -> String {
        format!("issues/index.{}", self.ext)
    }
    pub fn release(&self, version: &str) -> String {
        format!("releases/{}.{}", slug(version), self.ext)
    }
    pub fn issue(&self, id: &str) -> String {
        let s = self.issues.get(id).cloned().unwrap_or_else(|| slug(id));
        format!("issues/{s}.{}", self.ext)
    }
    pub fn change(&self, version: &str, change_slug: &str) -> String {
        format!("changes/{}/{change_slug}.{}", slug(version), self.ext)
    }
    pub fn incident(&self, id: &str) -> String {
        format!("incidents/{}.{}", slug(id), self.ext)
    }
    pub fn checklist(&self) -> String {
        format!("checklist.{}", self.ext)
    }
}

/// `../` once per folder of `from` (a path relative to the site root).
fn root_of(from: &str) -> String {
    "../".repeat(from.matches('/').count())
}

// --------------------------------------------------------------- contexts

/// What every KB page knows about the site.
#[derive(Debug, Clone, Serialize)]
pub struct SiteCtx {
    pub project: String,
    pub project_url: Option<String>,
    /// `OctoAcme knowledge base`.
    pub title: String,
    /// `support` or `customer`.
    pub audience: String,
    /// `html` or `md`.
    pub format: String,
}

/// Links every page has, relative to the page.
#[derive(Debug, Clone, Serialize)]
pub struct NavCtx {
    /// `../` repeated to the site root (empty on top-level pages).
    pub root: String,
    pub home: String,
    pub releases: String,
    pub issues: String,
    /// The search box on the home page (HTML only).
    pub search: Option<String>,
    /// The Release Readiness Checklist (support site only).
    pub checklist: Option<String>,
    pub stylesheet: String,
    /// In a monorepo's knowledge base: the home page over every package.
    pub up: Option<String>,
}

/// A production incident's own page (support site only): the postmortem.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentPageCtx {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    pub incident: super::IncidentCtx,
    /// The release it happened in.
    pub release: LinkCtx,
}

/// An incident as the home page lists it.
#[derive(Debug, Clone, Serialize)]
pub struct IncidentRow {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub release: String,
    pub href: String,
    pub decision: String,
    pub resolved: bool,
    pub open_action_items: usize,
}

/// The Release Readiness Checklist page (support site only).
#[derive(Debug, Clone, Serialize)]
pub struct ChecklistPageCtx<'a> {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    pub doc: &'a crate::domain::readiness::Document,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkCtx {
    pub label: String,
    pub href: String,
}

/// A release in lists.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseRow {
    pub version: String,
    pub title: String,
    pub name: Option<String>,
    pub date: Option<String>,
    #[serde(rename = "type")]
    pub kind: String,
    pub href: String,
    pub known_issues: usize,
    pub fixed_issues: usize,
    /// Rolled back out of production after an incident.
    pub withdrawn: bool,
    /// The release candidates of this final release, newest first: lists
    /// show finals first and their candidates under them.
    pub candidates: Vec<ReleaseRow>,
}

/// A known issue as the KB shows it. Built here from the model (not from
/// the release pages' context) because the KB lists every segment's issues
/// with the segment names, on both sites.
#[derive(Debug, Clone, Serialize)]
pub struct IssueCtx {
    pub id: String,
    pub anchor: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    pub affects: String,
    pub fixed_in: Option<String>,
    /// Segment display names; empty: every customer.
    pub segments: Vec<String>,
    pub workaround: Option<Text>,
    pub no_workaround: bool,
    /// Description and symptoms.
    pub text: Text,
    /// The issue page, relative to the page that shows this.
    pub href: String,
}

/// A change of a release page, with its anchor and its own page if it has
/// support notes.
#[derive(Debug, Clone, Serialize)]
pub struct ChangeCtx {
    #[serde(flatten)]
    pub item: ItemCtx,
    pub anchor: String,
    pub page: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    pub kind: String,
    pub title: String,
    pub items: Vec<ChangeCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SeverityGroup {
    pub severity: String,
    pub title: String,
    pub issues: Vec<IssueCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct HomeCtx {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    pub latest: Option<ReleaseRow>,
    pub latest_summary: Option<Text>,
    pub open_by_severity: Vec<SeverityGroup>,
    pub open_count: usize,
    pub fixed_count: usize,
    /// Newest first by date, at most [`HOME_RELEASES`].
    pub releases: Vec<ReleaseRow>,
    pub release_count: usize,
    /// The search index script, relative to the home page (HTML only).
    pub search_index: Option<String>,
    pub search_script: Option<String>,
    /// Production incidents, newest release first (support site only).
    pub incidents: Vec<IncidentRow>,
}

/// How many releases the home page lists before "all releases".
pub const HOME_RELEASES: usize = 10;

#[derive(Debug, Clone, Serialize)]
pub struct ReleasePageCtx {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    pub release: ReleaseCtx,
    pub highlights: Vec<ChangeCtx>,
    pub sections: Vec<SectionCtx>,
    pub migration: Vec<ChangeCtx>,
    pub known_issues: Vec<IssueCtx>,
    pub fixed_issues: Vec<IssueCtx>,
    /// Escalation path and hypercare (support site only).
    pub support: Option<SupportCtx>,
    /// Production incidents (support site only).
    pub incidents: Vec<super::IncidentCtx>,
    pub previous: Option<LinkCtx>,
    pub next: Option<LinkCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppearanceCtx {
    pub version: String,
    pub title: String,
    pub date: Option<String>,
    /// `affected` or `fixed`.
    pub how: String,
    pub href: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct EscalationCtx {
    pub path: String,
    pub on_call: Option<String>,
    /// The release whose metadata says so.
    pub version: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssuePageCtx {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    pub issue: IssueCtx,
    /// Segment names, or `All customers`.
    pub segment_label: String,
    /// Release pages that list the issue, newest first.
    pub appears: Vec<AppearanceCtx>,
    /// Support site only: the escalation path of the newest release that
    /// lists the issue and has one.
    pub escalation: Option<EscalationCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChangePageCtx {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    pub change: ChangeCtx,
    pub release: LinkCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssuesIndexCtx {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    /// Open issues, most severe first.
    pub open: Vec<IssueCtx>,
    /// Fixed issues, most recently fixed first.
    pub fixed: Vec<IssueCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleasesIndexCtx {
    pub site: SiteCtx,
    pub nav: NavCtx,
    pub page_title: String,
    /// Newest first by date.
    pub releases: Vec<ReleaseRow>,
}

// --------------------------------------------------------------- builders

/// Everything needed to build contexts, shared by all pages of a site.
pub struct Site<'a> {
    pub project: &'a Project,
    pub config: &'a Config,
    pub format: Format,
    pub audience: KbAudience,
    pub paths: Paths,
    /// A package's section of a monorepo's knowledge base, one folder below
    /// the home page over every package.
    pub nested: bool,
}

/// What a package's section shows on the home page of a monorepo's
/// knowledge base, with links relative to that page.
#[derive(Debug, Clone, Serialize)]
pub struct PackageSection {
    pub id: String,
    pub name: String,
    pub home: String,
    pub releases: String,
    pub issues: String,
    pub release_count: usize,
    pub open_count: usize,
    pub fixed_count: usize,
    pub latest: Option<ReleaseRow>,
    pub open: Vec<IssueCtx>,
}

/// The home page of a monorepo's knowledge base: a section per package.
#[derive(Debug, Clone, Serialize)]
pub struct PackagesHomeCtx {
    pub site: SiteCtx,
    pub page_title: String,
    pub stylesheet: String,
    pub packages: Vec<PackageSection>,
    /// Packages that do not write for this knowledge base's audience.
    pub left_out: Vec<String>,
    pub search_index: Option<String>,
    pub search_script: Option<String>,
}

/// A search document: one page of the site.
#[derive(Debug, Clone)]
pub struct SearchDoc {
    /// The page, relative to the site root.
    pub path: String,
    pub title: String,
    /// `Release`, `Known issue` or `Change` (with the package's name before
    /// it in the knowledge base of a monorepo).
    pub kind: String,
    pub body: String,
}

/// What a rendered release contributes to the rest of the site.
pub struct ReleaseOut {
    pub row: ReleaseRow,
    pub summary: Option<Text>,
    /// Known issue ids the release lists as affecting it, and as fixed.
    pub affected: Vec<String>,
    pub fixed: Vec<String>,
    pub escalation: Option<(String, Option<String>)>,
    /// (path, content) of the release page and its change pages.
    pub files: Vec<(String, String)>,
    pub docs: Vec<SearchDoc>,
}

impl SiteCtx {
    /// What the pages of a site for `audience` in `format` know about it:
    /// its title names `project` (a package's name, or the monorepo's for
    /// the home page over every package).
    pub fn new(project: &str, url: Option<&str>, audience: KbAudience, format: Format) -> SiteCtx {
        SiteCtx {
            project: project.to_string(),
            project_url: url.and_then(markdown::safe_url),
            title: match audience {
                KbAudience::Support => format!("{project} support knowledge base"),
                KbAudience::Customer => format!("{project} release notes and known issues"),
            },
            audience: match audience {
                KbAudience::Support => "support".into(),
                KbAudience::Customer => "customer".into(),
            },
            format: format.ext().into(),
        }
    }
}

/// The latest release customers are on (a withdrawn one is not), of
/// `releases` oldest first.
fn latest<'r>(releases: &[&'r ReleaseOut]) -> Option<&'r ReleaseOut> {
    releases
        .iter()
        .rev()
        .find(|r| !r.row.withdrawn)
        .or(releases.last())
        .copied()
}

impl<'a> Site<'a> {
    pub fn ctx(&self) -> SiteCtx {
        SiteCtx::new(
            &self.project.name,
            self.project.url.as_deref(),
            self.audience,
            self.format,
        )
    }

    pub fn nav(&self, from: &str) -> NavCtx {
        let root = root_of(from);
        NavCtx {
            home: format!("{root}{}", self.paths.home()),
            releases: format!("{root}{}", self.paths.releases()),
            issues: format!("{root}{}", self.paths.issues()),
            search: (self.format == Format::Html)
                .then(|| format!("{root}{}#search", self.paths.home())),
            checklist: (self.audience == KbAudience::Support)
                .then(|| format!("{root}{}", self.paths.checklist())),
            stylesheet: format!("{root}style.css"),
            up: self
                .nested
                .then(|| format!("{root}../index.{}", self.paths.ext)),
            root,
        }
    }

    fn text(&self, md: &str) -> Text {
        Text::block(md, self.format, &self.config.images.allow_hosts)
    }

    /// A known issue as shown on the page at `from`.
    pub fn issue(&self, k: &KnownIssue, from: &str) -> IssueCtx {
        let anchor = format!(
            "issue-{}",
            self.paths
                .issues
                .get(&k.id)
                .cloned()
                .unwrap_or_else(|| slug(&k.id))
        );
        IssueCtx {
            id: k.id.clone(),
            anchor,
            title: k.title.clone(),
            severity: format!("{:?}", k.severity).to_lowercase(),
            status: k.status.as_str().to_string(),
            affects: k.affects.clone(),
            fixed_in: k.fixed_in.clone(),
            segments: k
                .segments
                .iter()
                .map(|s| self.config.segment_name(s).to_string())
                .collect(),
            workaround: k.workaround.as_deref().map(|w| self.text(w)),
            no_workaround: k.no_workaround,
            text: self.text(&k.text),
            href: format!("{}{}", root_of(from), self.paths.issue(&k.id)),
        }
    }

    fn release_title(&self, r: &Release) -> String {
        let mut t = format!("{} {}", self.project.name, r.version);
        if let Some(n) = &r.name {
            t.push_str(&format!(" \u{201c}{n}\u{201d}"));
        }
        t
    }

    /// The filtered release context: the support page's, or for customers
    /// the union of the customer pages of every segment (each change once,
    /// in the release's order), so segment-only changes are listed with
    /// their segment names.
    fn release_view(&self, r: &Release) -> PageCtx {
        let cache = ReleaseCache::new(self.config, r, self.format);
        let spec = |page, segment: Option<&String>| PageSpec {
            page,
            segment: segment.cloned(),
            path: String::new(),
            custom: None,
        };
        match self.audience {
            KbAudience::Support => page_context(
                self.project,
                self.config,
                r,
                &cache,
                &spec(Page::Support, None),
                self.format,
            ),
            KbAudience::Customer => {
                let mut all = page_context(
                    self.project,
                    self.config,
                    r,
                    &cache,
                    &spec(Page::Customer, None),
                    self.format,
                );
                let mut items: BTreeMap<String, (ItemCtx, String)> = BTreeMap::new();
                let mut collect = |ctx: &PageCtx| {
                    for i in &ctx.highlights {
                        items
                            .entry(i.id.clone())
                            .or_insert_with(|| (i.clone(), String::new()));
                    }
                    for s in &ctx.sections {
                        for i in &s.items {
                            items
                                .entry(i.id.clone())
                                .or_insert_with(|| (i.clone(), s.title.clone()));
                        }
                    }
                };
                collect(&all);
                for seg in self.config.segments.keys() {
                    let ctx = page_context(
                        self.project,
                        self.config,
                        r,
                        &cache,
                        &spec(Page::Customer, Some(seg)),
                        self.format,
                    );
                    collect(&ctx);
                }
                let mut highlights = Vec::new();
                let mut sections: Vec<super::SectionCtx> = Vec::new();
                let mut migration = Vec::new();
                for c in &r.changes {
                    let Some((i, title)) = items.remove(&c.id) else {
                        continue;
                    };
                    if i.breaking && i.upgrade.is_some() {
                        migration.push(i.clone());
                    }
                    if i.highlight {
                        highlights.push(i);
                        continue;
                    }
                    match sections.last_mut() {
                        Some(s) if s.kind == i.kind => s.items.push(i),
                        _ => sections.push(super::SectionCtx {
                            kind: i.kind.clone(),
                            title,
                            items: vec![i],
                        }),
                    }
                }
                all.highlights = highlights;
                all.sections = sections;
                all.migration = migration;
                all.support = None;
                all
            }
        }
    }

    /// Renders one release page (and the pages of its changes with support
    /// notes) and returns what the rest of the site needs from it.
    pub fn release(
        &self,
        renderer: &KbRenderer,
        r: &Release,
        previous: Option<&(String, String)>,
        next: Option<&(String, String)>,
    ) -> Result<ReleaseOut> {
        let path = self.paths.release(&r.version);
        let view = self.release_view(r);
        let ids: Vec<&str> = view
            .highlights
            .iter()
            .chain(view.sections.iter().flat_map(|s| &s.items))
            .map(|i| i.id.as_str())
            .collect();
        let slugs = unique_slugs(ids);
        let change = |i: &ItemCtx, from: &str| {
            let s = slugs.get(&i.id).cloned().unwrap_or_else(|| slug(&i.id));
            let page = (self.audience == KbAudience::Support && i.support.is_some())
                .then(|| format!("{}{}", root_of(from), self.paths.change(&r.version, &s)));
            ChangeCtx {
                item: i.clone(),
                anchor: format!("change-{s}"),
                page,
            }
        };
        let highlights: Vec<ChangeCtx> = view.highlights.iter().map(|i| change(i, &path)).collect();
        let sections: Vec<SectionCtx> = view
            .sections
            .iter()
            .map(|s| SectionCtx {
                kind: s.kind.clone(),
                title: s.title.clone(),
                items: s.items.iter().map(|i| change(i, &path)).collect(),
            })
            .collect();
        let migration: Vec<ChangeCtx> = view.migration.iter().map(|i| change(i, &path)).collect();
        let title = self.release_title(r);
        let row = ReleaseRow {
            version: r.version.clone(),
            title: title.clone(),
            name: r.name.clone(),
            date: r.date.clone(),
            kind: r.kind.bump.as_str().to_string(),
            href: path.clone(),
            known_issues: r.known_issues.len(),
            fixed_issues: r.fixed_issues.len(),
            withdrawn: r.withdrawn.is_some(),
            candidates: Vec::new(),
        };
        let link = |(v, t): &(String, String), label: &str| LinkCtx {
            label: format!("{label}: {t}"),
            href: format!("{}{}", root_of(&path), self.paths.release(v)),
        };
        let page_title = match self.audience {
            KbAudience::Support => format!("{title}: support notes"),
            KbAudience::Customer => format!("{title}: release notes"),
        };
        let ctx = ReleasePageCtx {
            site: self.ctx(),
            nav: self.nav(&path),
            page_title: page_title.clone(),
            release: view.release.clone(),
            known_issues: r
                .known_issues
                .iter()
                .map(|k| self.issue(k, &path))
                .collect(),
            fixed_issues: r
                .fixed_issues
                .iter()
                .map(|k| self.issue(k, &path))
                .collect(),
            support: view.support.clone(),
            incidents: view.incidents.clone(),
            previous: previous.map(|p| link(p, "Previous release")),
            next: next.map(|n| link(n, "Next release")),
            highlights,
            sections,
            migration,
        };
        let mut files = vec![(path.clone(), renderer.render("release", self.format, &ctx)?)];
        // Search: only what this page shows.
        let mut body = Vec::new();
        if let Some(s) = &ctx.release.summary {
            body.push(s.md.clone());
        }
        let mut docs = Vec::new();
        for c in ctx
            .highlights
            .iter()
            .chain(ctx.sections.iter().flat_map(|s| &s.items))
        {
            let i = &c.item;
            body.push(i.title.md.clone());
            body.push(i.text.md.clone());
            if let Some(u) = &i.upgrade {
                body.push(u.md.clone());
            }
            if let Some(s) = &i.support {
                body.push(s.md.clone());
            }
            if c.page.is_some() {
                let cpath = self
                    .paths
                    .change(&r.version, c.anchor.trim_start_matches("change-"));
                let cctx = ChangePageCtx {
                    site: self.ctx(),
                    nav: self.nav(&cpath),
                    page_title: format!("{}: {}", r.version, plain(&i.title.md)),
                    change: ChangeCtx {
                        item: i.clone(),
                        anchor: c.anchor.clone(),
                        page: None,
                    },
                    release: LinkCtx {
                        label: page_title.clone(),
                        href: format!(
                            "{}{}{}",
                            root_of(&cpath),
                            self.paths.release(&r.version),
                            if self.format == Format::Html {
                                format!("#{}", c.anchor)
                            } else {
                                String::new()
                            }
                        ),
                    },
                };
                files.push((
                    cpath.clone(),
                    renderer.render("change", self.format, &cctx)?,
                ));
                let mut cbody = vec![i.text.md.clone()];
                cbody.extend(i.upgrade.iter().map(|u| u.md.clone()));
                cbody.extend(i.support.iter().map(|u| u.md.clone()));
                docs.push(SearchDoc {
                    path: cpath,
                    title: cctx.page_title.clone(),
                    kind: "Change".into(),
                    body: cbody.join("\n"),
                });
            }
        }
        for k in ctx.known_issues.iter().chain(&ctx.fixed_issues) {
            body.push(format!("{} {}", k.id, k.title));
        }
        docs.push(SearchDoc {
            path: path.clone(),
            title,
            kind: "Release".into(),
            body: body.join("\n"),
        });
        let escalation = ctx
            .support
            .as_ref()
            .and_then(|s| s.escalation.clone().map(|e| (e, s.on_call.clone())));
        Ok(ReleaseOut {
            row,
            summary: ctx.release.summary.clone(),
            affected: r.known_issues.iter().map(|k| k.id.clone()).collect(),
            fixed: r.fixed_issues.iter().map(|k| k.id.clone()).collect(),
            escalation,
            files,
            docs,
        })
    }

    /// Renders the page of one known issue.
    pub fn issue_page(
        &self,
        renderer: &KbRenderer,
        k: &KnownIssue,
        releases: &[&ReleaseOut],
    ) -> Result<(String, String, SearchDoc)> {
        let path = self.paths.issue(&k.id);
        let issue = self.issue(k, &path);
        let mut appears: Vec<AppearanceCtx> = releases
            .iter()
            .rev()
            .filter_map(|r| {
                let how = if r.fixed.contains(&k.id) {
                    "fixed"
                } else if r.affected.contains(&k.id) {
                    "affected"
                } else {
                    return None;
                };
                let anchor = if self.format == Format::Html {
                    format!("#{}", issue.anchor)
                } else {
                    String::new()
                };
                Some(AppearanceCtx {
                    version: r.row.version.clone(),
                    title: r.row.title.clone(),
                    date: r.row.date.clone(),
                    how: how.into(),
                    href: format!("{}{}{anchor}", root_of(&path), r.row.href),
                })
            })
            .collect();
        appears.dedup_by(|a, b| a.version == b.version);
        let escalation = match self.audience {
            KbAudience::Customer => None,
            KbAudience::Support => releases
                .iter()
                .rev()
                .filter(|r| r.fixed.contains(&k.id) || r.affected.contains(&k.id))
                .find_map(|r| {
                    r.escalation.as_ref().map(|(p, oc)| EscalationCtx {
                        path: p.clone(),
                        on_call: oc.clone(),
                        version: r.row.version.clone(),
                    })
                }),
        };
        let segment_label = if issue.segments.is_empty() {
            "All customers".to_string()
        } else {
            issue.segments.join(", ")
        };
        let title = format!("{}: {}", k.id, k.title);
        let ctx = IssuePageCtx {
            site: self.ctx(),
            nav: self.nav(&path),
            page_title: title.clone(),
            issue,
            segment_label: segment_label.clone(),
            appears,
            escalation,
        };
        let text = renderer.render("issue", self.format, &ctx)?;
        let mut body = vec![
            k.text.clone(),
            format!(
                "{} {} {}",
                ctx.issue.severity, ctx.issue.status, segment_label
            ),
        ];
        body.extend(k.workaround.clone());
        let doc = SearchDoc {
            path: path.clone(),
            title,
            kind: "Known issue".into(),
            body: body.join("\n"),
        };
        Ok((path, text, doc))
    }
}

impl Site<'_> {
    fn rows_by_date(&self, releases: &[&ReleaseOut], from: &str) -> Vec<ReleaseRow> {
        let mut rows: Vec<&ReleaseOut> = releases.to_vec();
        // Newest first: by date, then by version for releases of one day.
        rows.sort_by(|a, b| {
            b.row
                .date
                .cmp(&a.row.date)
                .then_with(|| version_key(&b.row.version).cmp(&version_key(&a.row.version)))
        });
        let row = |r: &ReleaseOut| ReleaseRow {
            href: format!("{}{}", root_of(from), r.row.href),
            ..r.row.clone()
        };
        // A candidate whose final release exists is listed under it.
        let base = |v: &str| version_key(v).map(|v| (v.major, v.minor, v.patch, v.pre.is_empty()));
        let finals: Vec<(u64, u64, u64)> = rows
            .iter()
            .filter_map(|r| base(&r.row.version))
            .filter(|b| b.3)
            .map(|b| (b.0, b.1, b.2))
            .collect();
        let under_final = |r: &ReleaseOut| {
            base(&r.row.version)
                .filter(|b| !b.3)
                .map(|b| (b.0, b.1, b.2))
                .filter(|b| finals.contains(b))
        };
        let mut out: Vec<ReleaseRow> = Vec::new();
        for r in rows.iter().filter(|r| under_final(r).is_none()) {
            let mut top = row(r);
            let me = base(&r.row.version).map(|b| (b.0, b.1, b.2));
            let mut candidates: Vec<&&ReleaseOut> = rows
                .iter()
                .filter(|c| {
                    under_final(c).is_some() && under_final(c) == me && top.version != c.row.version
                })
                .collect();
            candidates.sort_by_key(|c| std::cmp::Reverse(version_key(&c.row.version)));
            if me.is_some() && base(&r.row.version).is_some_and(|b| b.3) {
                top.candidates = candidates.into_iter().map(|c| row(c)).collect();
            }
            out.push(top);
        }
        out
    }

    /// Open issues most severe first, then fixed issues most recently fixed
    /// first; ties by id.
    fn split_issues(&self, issues: &[KnownIssue], from: &str) -> (Vec<IssueCtx>, Vec<IssueCtx>) {
        let mut open: Vec<&KnownIssue> = issues
            .iter()
            .filter(|k| k.status != IssueStatus::Fixed)
            .collect();
        open.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
        let mut fixed: Vec<&KnownIssue> = issues
            .iter()
            .filter(|k| k.status == IssueStatus::Fixed)
            .collect();
        fixed.sort_by(|a, b| {
            let v = |k: &KnownIssue| k.fixed_in.as_deref().map(version_key);
            v(b).cmp(&v(a)).then_with(|| a.id.cmp(&b.id))
        });
        (
            open.into_iter().map(|k| self.issue(k, from)).collect(),
            fixed.into_iter().map(|k| self.issue(k, from)).collect(),
        )
    }

    /// The home page. `releases` are oldest first by version.
    pub fn home(
        &self,
        renderer: &KbRenderer,
        releases: &[&ReleaseOut],
        issues: &[KnownIssue],
        incidents: &[IncidentRow],
        search: bool,
    ) -> Result<String> {
        let path = self.paths.home();
        let (open, fixed) = self.split_issues(issues, &path);
        let mut open_by_severity: Vec<SeverityGroup> = Vec::new();
        for i in &open {
            match open_by_severity.last_mut() {
                Some(g) if g.severity == i.severity => g.issues.push(i.clone()),
                _ => open_by_severity.push(SeverityGroup {
                    severity: i.severity.clone(),
                    title: capitalize(&i.severity),
                    issues: vec![i.clone()],
                }),
            }
        }
        let latest = latest(releases);
        let mut rows = self.rows_by_date(releases, &path);
        rows.truncate(HOME_RELEASES);
        let ctx = HomeCtx {
            site: self.ctx(),
            nav: self.nav(&path),
            page_title: self.ctx().title,
            latest: latest.map(|r| r.row.clone()),
            latest_summary: latest.and_then(|r| r.summary.clone()),
            open_count: open.len(),
            fixed_count: fixed.len(),
            open_by_severity,
            releases: rows,
            release_count: releases.len(),
            search_index: search.then(|| "search-index.js".to_string()),
            search_script: search.then(|| "search.js".to_string()),
            incidents: incidents.to_vec(),
        };
        renderer.render("home", self.format, &ctx)
    }

    /// This site as a section of a monorepo's knowledge base: its latest
    /// release and open known issues, linked from one folder above.
    pub fn section(
        &self,
        id: &str,
        releases: &[&ReleaseOut],
        issues: &[KnownIssue],
    ) -> PackageSection {
        let home = self.paths.home();
        let (mut open, fixed) = self.split_issues(issues, &home);
        let latest = latest(releases).map(|r| ReleaseRow {
            href: format!("{id}/{}", r.row.href),
            ..r.row.clone()
        });
        for k in &mut open {
            k.href = format!("{id}/{}", k.href);
        }
        PackageSection {
            id: id.to_string(),
            name: self.project.name.clone(),
            home: format!("{id}/{home}"),
            releases: format!("{id}/{}", self.paths.releases()),
            issues: format!("{id}/{}", self.paths.issues()),
            release_count: releases.len(),
            open_count: open.len(),
            fixed_count: fixed.len(),
            latest,
            open,
        }
    }

    /// An incident's page: what happened, the decision, the root cause,
    /// the action items and the timeline. Support site only.
    pub fn incident_page(
        &self,
        renderer: &KbRenderer,
        incident: &crate::domain::model::Incident,
    ) -> Result<(String, String, IncidentRow)> {
        let path = self.paths.incident(&incident.id);
        let ctx = super::incident_ctx(self.config, incident, self.format);
        let release_href = format!(
            "{}{}",
            root_of(&path),
            self.paths.release(&incident.release)
        );
        let row = IncidentRow {
            id: incident.id.clone(),
            title: incident.title.clone(),
            severity: ctx.severity.clone(),
            release: incident.release.clone(),
            href: path.clone(),
            decision: ctx.decision.clone(),
            resolved: incident.resolved.is_some(),
            open_action_items: ctx.open_action_items,
        };
        let page = IncidentPageCtx {
            site: self.ctx(),
            nav: self.nav(&path),
            page_title: format!("Incident {}: {}", incident.id, incident.title),
            incident: ctx,
            release: LinkCtx {
                label: format!("{} {}", self.project.name, incident.release),
                href: release_href,
            },
        };
        let text = renderer.render("incident", self.format, &page)?;
        Ok((path, text, row))
    }

    /// The Release Readiness Checklist every release is checked against.
    pub fn checklist_page(
        &self,
        renderer: &KbRenderer,
        doc: &crate::domain::readiness::Document,
    ) -> Result<(String, String)> {
        let path = self.paths.checklist();
        let ctx = ChecklistPageCtx {
            site: self.ctx(),
            nav: self.nav(&path),
            page_title: "Release Readiness Checklist".to_string(),
            doc,
        };
        Ok((path, renderer.render("checklist", self.format, &ctx)?))
    }

    /// The index of known issues: open, then fixed.
    pub fn issues_index(&self, renderer: &KbRenderer, issues: &[KnownIssue]) -> Result<String> {
        let path = self.paths.issues();
        let (open, fixed) = self.split_issues(issues, &path);
        let ctx = IssuesIndexCtx {
            site: self.ctx(),
            nav: self.nav(&path),
            page_title: format!("{}: known issues", self.project.name),
            open,
            fixed,
        };
        renderer.render("issues", self.format, &ctx)
    }

    /// The index of releases, newest first by date.
    pub fn releases_index(
        &self,
        renderer: &KbRenderer,
        releases: &[&ReleaseOut],
    ) -> Result<String> {
        let path = self.paths.releases();
        let ctx = ReleasesIndexCtx {
            site: self.ctx(),
            nav: self.nav(&path),
            page_title: format!("{}: releases", self.project.name),
            releases: self.rows_by_date(releases, &path),
        };
        renderer.render("releases", self.format, &ctx)
    }
}

/// Orders version strings by semantic version (unparsable ones first).
pub fn version_key(v: &str) -> Option<semver::Version> {
    semver::Version::parse(v).ok()
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// A one-line Markdown title as plain text (for page titles and search).
pub fn plain(md: &str) -> String {
    md.replace(['*', '`'], "").trim().to_string()
}

// ------------------------------------------------------------------ search

/// The tokenizer and pipeline of the index. The site's script tokenizes the
/// query the same way: lower case, split at white space and `-`, trim
/// everything but letters, digits and `_` from both ends. There is no
/// stemmer, so the script needs none; it matches word prefixes instead.
struct KbLanguage;

const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "in", "is", "it", "of", "on",
    "or", "the", "to", "was", "with",
];

fn trimmer(token: String) -> Option<String> {
    let t = token.trim_matches(|c: char| !(c.is_ascii_alphanumeric() || c == '_'));
    (!t.is_empty()).then(|| t.to_string())
}

fn stop_words(token: String) -> Option<String> {
    (!STOP_WORDS.contains(&token.as_str())).then_some(token)
}

impl elasticlunr::Language for KbLanguage {
    fn name(&self) -> String {
        "English".into()
    }
    fn code(&self) -> String {
        "en".into()
    }
    fn tokenize(&self, text: &str) -> Vec<String> {
        text.split(|c: char| c.is_whitespace() || c == '-')
            .filter(|s| !s.is_empty())
            .map(str::to_lowercase)
            .collect()
    }
    fn make_pipeline(&self) -> elasticlunr::Pipeline {
        use elasticlunr::pipeline::FnWrapper;
        elasticlunr::Pipeline {
            queue: vec![
                Box::new(FnWrapper("trimmer".into(), trimmer)),
                Box::new(FnWrapper("stopWordFilter".into(), stop_words)),
            ],
        }
    }
}

/// The search data of the site as a script (`search-index.js`): the
/// elasticlunr index of every page's title and text, and each page's title
/// and kind for the result list. Documents are added in path order and the
/// JSON is written with sorted keys, so the same site gives the same bytes.
pub fn search_index(mut docs: Vec<SearchDoc>) -> String {
    docs.sort_by(|a, b| a.path.cmp(&b.path));
    let mut index = elasticlunr::IndexBuilder::with_language(Box::new(KbLanguage))
        .save_docs(false)
        .add_field("title")
        .add_field("body")
        .set_ref("ref")
        .build();
    let mut pages = serde_json::Map::new();
    for d in &docs {
        index.add_doc(&d.path, [d.title.as_str(), d.body.as_str()]);
        let mut m = serde_json::Map::new();
        m.insert("title".into(), d.title.clone().into());
        m.insert("kind".into(), d.kind.clone().into());
        pages.insert(d.path.clone(), m.into());
    }
    let mut all = serde_json::Map::new();
    all.insert(
        "index".into(),
        serde_json::to_value(&index).expect("the index serializes"),
    );
    all.insert("pages".into(), pages.into());
    let mut out = String::from(
        "// The search index of this knowledge base, written by relnotes kb.\nwindow.relnotesKbIndex = ",
    );
    write_sorted(&serde_json::Value::Object(all), &mut out);
    out.push_str(";\n");
    out
}

/// Compact JSON with object keys in sorted order, whatever the map type.
fn write_sorted(v: &serde_json::Value, out: &mut String) {
    match v {
        serde_json::Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (n, k) in keys.into_iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::Value::String(k.clone()).to_string());
                out.push(':');
                write_sorted(&m[k], out);
            }
            out.push('}');
        }
        serde_json::Value::Array(a) => {
            out.push('[');
            for (n, x) in a.iter().enumerate() {
                if n > 0 {
                    out.push(',');
                }
                write_sorted(x, out);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colliding_slugs_get_a_suffix() {
        let m = unique_slugs(["a b", "a/b", "c"]);
        assert_eq!(m["a b"], "a-b");
        assert_eq!(m["a/b"], "a-b-2");
        assert_eq!(m["c"], "c");
    }

    #[test]
    fn the_index_is_the_same_whatever_the_order_of_pages() {
        let doc = |p: &str, t: &str| SearchDoc {
            path: p.into(),
            title: t.into(),
            kind: "Known issue".into(),
            body: format!("{t} body text and more"),
        };
        let a = search_index(vec![
            doc("issues/a.html", "Alpha"),
            doc("issues/b.html", "Beta"),
        ]);
        let b = search_index(vec![
            doc("issues/b.html", "Beta"),
            doc("issues/a.html", "Alpha"),
        ]);
        assert_eq!(a, b);
        assert!(a.contains("\"alpha\"") || a.contains("\"a\":{"), "{a}");
    }
}
