//! What the preview serves: every page `relnotes build` writes for the
//! release, the customer pages of the release before it (for the compare
//! view), the index and the compare pages, all in memory under a fixed set
//! of paths. Built in one pass from the sources, exactly as `build` does;
//! this module never writes a file.

use std::collections::BTreeMap;
use std::path::Path;

use crate::domain::config::Format;
use crate::engine::{Sources, Target};
use crate::error::{Error, Result};
use crate::render::preview::{
    compare_context, index_context, panel, release_info, PanelCtx, ReleaseInfo, Shell,
};
use crate::render::release::{render_release, ChecklistPages};
use crate::render::Renderer;

/// One thing the server can answer with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    pub content_type: &'static str,
    pub body: String,
    /// An HTML page: the server adds the preview bar and reload script.
    pub page: bool,
}

impl Resource {
    fn for_path(path: &str, body: String) -> Resource {
        let (content_type, page) = match path.rsplit('.').next() {
            Some("html") => ("text/html; charset=utf-8", true),
            Some("json") => ("application/json", false),
            // Markdown shown as text: browsers would download text/markdown.
            _ => ("text/plain; charset=utf-8", false),
        };
        Resource {
            content_type,
            body,
            page,
        }
    }

    fn html(body: String) -> Resource {
        Resource {
            content_type: "text/html; charset=utf-8",
            body,
            page: true,
        }
    }
}

/// The pages of one successful build. Two builds with the same `routes`
/// show the same thing (the bar is made from the same release).
#[derive(Debug)]
pub struct Site {
    /// Decoded request path (`/2.0.0/customer/index.html`) to resource. The
    /// server answers these and nothing else.
    pub routes: BTreeMap<String, Resource>,
    pub release: ReleaseInfo,
    pub readiness: PanelCtx,
}

/// Reads the sources and renders everything the preview serves.
pub fn build(repo: &Path, package: Option<&str>, target: &Target, shell: &Shell) -> Result<Site> {
    let sources = Sources::load_package(repo, Some(target), package)?;
    let renderer = Renderer::new(&sources.templates("")?)?;
    let assembled = sources.assemble(target)?;
    let project = &assembled.project;
    let config = &sources.config;
    let release = assembled.releases.first().ok_or_else(|| {
        Error::usage(
            "there is no release to preview",
            "pass --tag or --unreleased",
        )
    })?;

    // HTML always; Markdown too when the project builds it.
    let mut formats = config.output.formats.clone();
    formats.push(Format::Html);
    formats.sort();
    formats.dedup();

    let mut routes = BTreeMap::new();
    let checklists = ChecklistPages::new(&renderer, project, config, &sources.checklist, &formats)?;
    for (path, text) in render_release(&renderer, project, config, release, &checklists, &formats)?
    {
        routes.insert(format!("/{path}"), Resource::for_path(&path, text));
    }

    // The customer pages of the release before, rendered with today's
    // templates so that the compare view shows differences in the text.
    let (previous, previous_segments) = match &release.previous {
        Some(p) => {
            // The same sources: planning reads the previous release's
            // inputs too, so nothing is loaded twice.
            let before = sources.assemble(&Target::Tag(p.tag.clone()))?;
            let prev = before.releases.first().ok_or_else(|| {
                Error::usage(
                    format!("the previous release {} could not be read", p.version),
                    "check its tag and metadata",
                )
            })?;
            for (path, text) in render_release(
                &renderer,
                &before.project,
                &sources.config,
                prev,
                &checklists,
                &[Format::Html],
            )? {
                if path.starts_with(&format!("{}/customer/", prev.version)) {
                    routes.insert(format!("/{path}"), Resource::for_path(&path, text));
                }
            }
            (Some(prev.version.clone()), prev.segment_pages.clone())
        }
        None => (None, Vec::new()),
    };

    let with_md = formats.contains(&Format::Md);
    let index = index_context(project, config, release, previous.as_deref(), with_md);
    routes.insert("/".into(), Resource::html(shell.index(&index)?));
    // Compare views are of customer pages: none without customers.
    let customers = config.writes_for(crate::domain::input::Audience::Customer);
    let segments = std::iter::once(None)
        .chain(release.segment_pages.iter().map(|s| Some(s.as_str())))
        .filter(|_| customers);
    for segment in segments {
        let ctx = compare_context(
            project,
            config,
            release,
            previous.as_deref(),
            &previous_segments,
            segment,
        );
        routes.insert(
            format!("/compare/{}.html", segment.unwrap_or("index")),
            Resource::html(shell.compare(&ctx)?),
        );
    }

    Ok(Site {
        routes,
        release: release_info(project, release, previous.as_deref()),
        readiness: panel(release),
    })
}
