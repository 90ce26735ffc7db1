//! Rendering of the preview shell (`relnotes preview`): the index page, the
//! side-by-side compare view, and the bar injected at the top of every
//! served page (error banner, readiness findings, navigation). The pages of
//! the release themselves come from the ordinary [`super::Renderer`]; this
//! module only frames them. The shell templates are built in and cannot be
//! overridden: they are a tool, not output. Like the rest of `render`, this
//! module reads the model and never touches files or the network.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::domain::config::Config;
use crate::domain::model::{Audience, Change, KnownIssue, Project, Release};
use crate::error::{Error, Result};
use crate::render::markdown;

use super::ReadinessItemCtx;

/// The shell templates, embedded in the binary.
const TEMPLATES: &[(&str, &str)] = &[
    (
        "preview/index.html",
        include_str!("../../templates/preview/index.html"),
    ),
    (
        "preview/compare.html",
        include_str!("../../templates/preview/compare.html"),
    ),
    (
        "preview/bar.html",
        include_str!("../../templates/preview/bar.html"),
    ),
    (
        "preview/panel.html",
        include_str!("../../templates/preview/panel.html"),
    ),
    (
        "preview/shell.css",
        include_str!("../../templates/preview/shell.css"),
    ),
    (
        "preview/bar.css",
        include_str!("../../templates/preview/bar.css"),
    ),
];

/// The script every served page loads: it waits for the server to say the
/// pages were rebuilt, then reloads and restores the scroll position.
pub const RELOAD_JS: &str = include_str!("../../templates/preview/reload.js");

/// The preview's own templates.
pub struct Shell {
    tera: tera::Tera,
}

impl Shell {
    pub fn new() -> Result<Shell> {
        let mut tera = tera::Tera::default();
        tera.set_escape_fn(super::escape_html);
        tera.add_raw_templates(TEMPLATES.iter().copied())
            .map_err(shell_error)?;
        Ok(Shell { tera })
    }

    pub fn index(&self, ctx: &IndexCtx) -> Result<String> {
        self.render("preview/index.html", ctx)
    }

    pub fn compare(&self, ctx: &CompareCtx) -> Result<String> {
        self.render("preview/compare.html", ctx)
    }

    pub fn bar(&self, ctx: &BarCtx) -> Result<String> {
        self.render("preview/bar.html", ctx)
    }

    fn render(&self, name: &str, ctx: &impl Serialize) -> Result<String> {
        let ctx = tera::Context::from_serialize(ctx).map_err(shell_error)?;
        self.tera.render(name, &ctx).map_err(shell_error)
    }
}

fn shell_error(e: tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    Error::Template {
        template: "(preview shell)".into(),
        line: 1,
        column: 1,
        message,
        help: "this is a built-in template of `relnotes preview`; please report this as a bug"
            .into(),
    }
}

// ----------------------------------------------------------------- contexts

/// What every shell page says about the release.
#[derive(Debug, Clone, Serialize)]
pub struct ReleaseInfo {
    /// `OctoAcme 2.0.0 "Cirrus"`.
    pub title: String,
    pub version: String,
    /// `released 2026-04-22` or `not released yet`.
    pub status: String,
    /// The release the compare view shows next to this one.
    pub previous: Option<String>,
}

/// The readiness findings: what still blocks the release, by role.
#[derive(Debug, Clone, Serialize)]
pub struct PanelCtx {
    pub ready: bool,
    pub stage: String,
    pub met: usize,
    pub not_met: usize,
    pub pending: usize,
    pub warning: usize,
    pub not_applicable: usize,
    /// Roles with items that are not met, pending or warnings.
    pub groups: Vec<PanelGroup>,
    pub readiness_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PanelGroup {
    pub role: String,
    pub items: Vec<ReadinessItemCtx>,
}

/// The bar injected at the top of every served page.
#[derive(Debug, Clone, Serialize)]
pub struct BarCtx {
    /// The error of the last rebuild (full text with file, line, column).
    pub error: Option<String>,
    /// `None` until the first rebuild that succeeds.
    pub release: Option<ReleaseInfo>,
    pub readiness: Option<PanelCtx>,
    /// What the reload script tells the server it has seen.
    pub since: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageLinkCtx {
    pub label: String,
    pub audience: String,
    pub description: String,
    pub url: String,
    pub md_url: Option<String>,
}

/// One column of the segment table: all customers or one segment.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnCtx {
    pub label: String,
    pub url: String,
    pub compare_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CellCtx {
    pub shown: bool,
    /// Why the item is or is not on that page.
    pub note: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct RowCtx {
    pub id: String,
    /// Sanitized inline HTML.
    pub title: String,
    pub kind: String,
    pub breaking: bool,
    pub cells: Vec<CellCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IndexCtx {
    pub release: ReleaseInfo,
    pub pages: Vec<PageLinkCtx>,
    pub json_url: String,
    pub columns: Vec<ColumnCtx>,
    pub items: Vec<RowCtx>,
    pub issues: Vec<RowCtx>,
    pub warnings: Vec<String>,
    pub readiness: PanelCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareCtx {
    pub release: ReleaseInfo,
    /// Which customer page this view compares.
    pub label: String,
    pub tabs: Vec<TabCtx>,
    pub current_url: String,
    pub previous_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TabCtx {
    pub label: String,
    pub url: String,
    pub current: bool,
}

// ----------------------------------------------------------------- builders

/// Percent-encodes one path segment for an href (segment ids come from the
/// configuration and may hold any character).
pub fn encode_segment(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The URL of a page of `version`, as `build` would write it below the
/// output directory (`customer/index`, `support`...).
pub fn page_url(version: &str, path: &str, ext: &str) -> String {
    let mut url = String::from("/");
    url.push_str(&encode_segment(version));
    for part in path.split('/') {
        url.push('/');
        url.push_str(&encode_segment(part));
    }
    url.push('.');
    url.push_str(ext);
    url
}

/// The compare view of the customer page for `segment` (`None`: everyone).
pub fn compare_url(segment: Option<&str>) -> String {
    format!(
        "/compare/{}.html",
        segment
            .map(encode_segment)
            .unwrap_or_else(|| "index".into())
    )
}

pub fn release_info(project: &Project, release: &Release, previous: Option<&str>) -> ReleaseInfo {
    let mut title = format!("{} {}", project.name, release.version);
    if let Some(n) = &release.name {
        title.push_str(&format!(" \u{201c}{n}\u{201d}"));
    }
    let status = match (&release.date, release.unreleased) {
        (_, true) => "not released yet".to_string(),
        (Some(d), false) => format!("released {d}"),
        (None, false) => "released".to_string(),
    };
    ReleaseInfo {
        title,
        version: release.version.clone(),
        status,
        previous: previous.map(str::to_string),
    }
}

/// The readiness findings of the release: the pre-release evaluation stored
/// in the model, the same one `relnotes check` reports by default.
pub fn panel(release: &Release) -> PanelCtx {
    let r = super::readiness_ctx(&release.readiness);
    let groups = r
        .roles
        .iter()
        .filter_map(|role| {
            let items: Vec<ReadinessItemCtx> = role
                .items
                .iter()
                .filter(|i| i.blocking || (i.status != "met" && i.status != "not_applicable"))
                .cloned()
                .collect();
            (!items.is_empty()).then(|| PanelGroup {
                role: role.name.clone(),
                items,
            })
        })
        .collect();
    PanelCtx {
        ready: r.ready,
        stage: r.stage,
        met: r.met,
        not_met: r.not_met,
        pending: r.pending,
        warning: r.warning,
        not_applicable: r.not_applicable,
        groups,
        readiness_url: page_url(&release.version, "readiness", "html"),
    }
}

/// Why `change` is or is not on the customer page of `segment`.
fn change_cell(config: &Config, c: &Change, segment: Option<&str>) -> CellCtx {
    let shown = c.is_for_customers_in(segment);
    let note = if !c.is_for(Audience::Customer) {
        "not for customers (support and stakeholders only)".to_string()
    } else if c.held {
        format!(
            "held back until {}",
            c.publish_after.as_deref().unwrap_or("a later date")
        )
    } else if c.segments.is_empty() {
        "every customer".to_string()
    } else if shown {
        format!("for {}", segment_names(config, &c.segments))
    } else {
        format!("only for {}", segment_names(config, &c.segments))
    };
    CellCtx { shown, note }
}

fn issue_cell(config: &Config, k: &KnownIssue, segment: Option<&str>) -> CellCtx {
    let shown = k.is_for_customers_in(segment);
    let note = if k.segments.is_empty() {
        "every customer".to_string()
    } else if shown {
        format!("for {}", segment_names(config, &k.segments))
    } else {
        format!("only for {}", segment_names(config, &k.segments))
    };
    CellCtx { shown, note }
}

fn segment_names(config: &Config, ids: &[String]) -> String {
    ids.iter()
        .map(|s| config.segment_name(s))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The index page: every page of the release, and per segment which items
/// it receives and which it does not.
pub fn index_context(
    project: &Project,
    config: &Config,
    release: &Release,
    previous: Option<&str>,
    with_md: bool,
) -> IndexCtx {
    let v = release.version.as_str();
    let md = |path: &str| with_md.then(|| page_url(v, path, "md"));
    // A project (or package) that writes no customer pages has no customer
    // links or columns either.
    let customers = config.writes_for(Audience::Customer);
    let mut pages = Vec::new();
    if customers {
        pages.push(PageLinkCtx {
            label: "Customer release notes: all customers".into(),
            audience: "customer".into(),
            description: "What every customer receives.".into(),
            url: page_url(v, "customer/index", "html"),
            md_url: md("customer/index"),
        });
    }
    for id in release.segment_pages.iter().filter(|_| customers) {
        let name = config.segment_name(id);
        let path = format!("customer/{id}");
        pages.push(PageLinkCtx {
            label: format!("Customer release notes: {name}"),
            audience: "customer".into(),
            description: format!("What customers in {name} receive: everything for all customers plus their own items."),
            url: page_url(v, &path, "html"),
            md_url: md(&path),
        });
    }
    for (label, audience, path, description) in [
        (
            "Support notes",
            "support",
            "support",
            "Every change with the notes for support, known issues with workarounds, escalation and hypercare.",
        ),
        (
            "Stakeholder announcement",
            "internal",
            "stakeholders",
            "Release type, readiness by role, deployment checklist, rollback plan and the full change list.",
        ),
        (
            "Release readiness checklist",
            "internal",
            "readiness",
            "Every readiness item: met, not met, pending or not applicable, and why.",
        ),
        (
            "The checklist itself",
            "internal",
            "checklist",
            "The Release Readiness Checklist for this release's type: every item, its owner, its stage and how it is decided.",
        ),
    ] {
        let written = match path {
            "support" => config.writes_for(Audience::Support),
            "stakeholders" => config.writes_for(Audience::Internal),
            _ => true,
        };
        if !written {
            continue;
        }
        pages.push(PageLinkCtx {
            label: label.into(),
            audience: audience.into(),
            description: description.into(),
            url: page_url(v, path, "html"),
            md_url: md(path),
        });
    }
    let segments: Vec<Option<&str>> = std::iter::once(None)
        .chain(release.segment_pages.iter().map(|s| Some(s.as_str())))
        .filter(|_| customers)
        .collect();
    let columns = segments
        .iter()
        .map(|s| ColumnCtx {
            label: match s {
                None => "All customers".to_string(),
                Some(id) => config.segment_name(id).to_string(),
            },
            url: page_url(v, &format!("customer/{}", s.unwrap_or("index")), "html"),
            compare_url: compare_url(*s),
        })
        .collect();
    let items = release
        .changes
        .iter()
        .map(|c| RowCtx {
            id: c.id.clone(),
            title: markdown::to_inline_html(&c.title, &config.images.allow_hosts),
            kind: c.kind.as_str().to_string(),
            breaking: c.breaking,
            cells: segments
                .iter()
                .map(|s| change_cell(config, c, *s))
                .collect(),
        })
        .collect();
    let mut seen = BTreeMap::new();
    let issues = release
        .known_issues
        .iter()
        .map(|k| (k, "known issue"))
        .chain(
            release
                .fixed_issues
                .iter()
                .map(|k| (k, "fixed known issue")),
        )
        .filter(|(k, _)| seen.insert(k.id.clone(), ()).is_none())
        .map(|(k, kind)| RowCtx {
            id: k.id.clone(),
            title: markdown::to_inline_html(&k.title, &config.images.allow_hosts),
            kind: kind.into(),
            breaking: false,
            cells: segments.iter().map(|s| issue_cell(config, k, *s)).collect(),
        })
        .collect();
    IndexCtx {
        release: release_info(project, release, previous),
        pages,
        json_url: format!("/{}/release.json", encode_segment(v)),
        columns,
        items,
        issues,
        warnings: release.warnings.clone(),
        readiness: panel(release),
    }
}

/// The compare view of one customer page: this release next to `previous`.
pub fn compare_context(
    project: &Project,
    config: &Config,
    release: &Release,
    previous: Option<&str>,
    previous_segments: &[String],
    segment: Option<&str>,
) -> CompareCtx {
    let v = release.version.as_str();
    let path = format!("customer/{}", segment.unwrap_or("index"));
    // The release before may have had no page for the segment: its
    // customers then read the page for everyone.
    let previous_path = match segment {
        Some(s) if previous_segments.iter().any(|p| p == s) => path.clone(),
        _ => "customer/index".to_string(),
    };
    let tabs = std::iter::once((None, "All customers".to_string()))
        .chain(
            release
                .segment_pages
                .iter()
                .map(|id| (Some(id.as_str()), config.segment_name(id).to_string())),
        )
        .map(|(s, label)| TabCtx {
            label,
            url: compare_url(s),
            current: s == segment,
        })
        .collect();
    CompareCtx {
        release: release_info(project, release, previous),
        label: match segment {
            None => "all customers".to_string(),
            Some(s) => config.segment_name(s).to_string(),
        },
        tabs,
        current_url: page_url(v, &path, "html"),
        previous_url: previous.map(|p| page_url(p, &previous_path, "html")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_encode_what_paths_cannot_hold() {
        assert_eq!(
            page_url("1.2.0", "customer/index", "html"),
            "/1.2.0/customer/index.html"
        );
        assert_eq!(
            page_url("1.2.0", "customer/big plan/x", "md"),
            "/1.2.0/customer/big%20plan/x.md"
        );
        assert_eq!(compare_url(Some("a/b")), "/compare/a%2Fb.html");
    }

    #[test]
    fn the_shell_templates_parse_and_escape_errors() {
        let shell = Shell::new().unwrap();
        let html = shell
            .bar(&BarCtx {
                error: Some("<script>alert(1)</script> at x.md:3:1".into()),
                release: None,
                readiness: None,
                since: "a-1".into(),
            })
            .unwrap();
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<script>alert"), "{html}");
    }
}
