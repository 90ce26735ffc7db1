//! `relnotes announce`: the announcements of one release, ready to send and
//! never sent: an e-mail per customer audience (all customers, each
//! segment) and one for stakeholders, as `.eml` files with a text and an
//! HTML part, a Slack incoming-webhook payload, and the plain text.

use std::path::PathBuf;

use rayon::prelude::*;

use super::cli::AnnounceArgs;
use super::Global;
use crate::domain::config::{Config, Format};
use crate::domain::input::Audience;
use crate::domain::model::{Project, Release};
use crate::engine::staging::{Mode, Staging};
use crate::error::{Error, Result};
use crate::render::announce::{email, slack, Email, SlackReaders};
use crate::render::{markdown, pages, Page, PageSpec, ReleaseCache, Renderer};
use crate::Outcome;

pub fn run(g: &Global, args: AnnounceArgs) -> Result<Outcome> {
    let target = args.select.target(false);
    let sources = super::load(g, Some(&target))?;
    let renderer = Renderer::new(&sources.templates("")?)?;
    let assembled = sources.assemble(&target)?;
    let Some(release) = assembled.releases.first() else {
        return Err(Error::usage(
            "there is no release to announce",
            "tag a release first",
        ));
    };
    g.warn(
        super::release_word(release),
        &release.version,
        &release.warnings,
    );
    let out: PathBuf = match args.out {
        Some(o) => o,
        None => sources
            .root
            .join(&sources.config.output.dir)
            .join("announce")
            .join(&release.version),
    };
    let files = files(
        &sources.config,
        &renderer,
        &assembled.project,
        release,
        args.url.as_deref(),
    )?;
    let staging = Staging::new(&out, Mode::Replace, &sources.protected())?;
    for (name, text) in &files {
        staging.write(name, text.as_bytes())?;
    }
    staging.commit()?;
    g.say(format!(
        "wrote {} announcement file(s) for {} to {} (relnotes never sends them: see the book's Publishing chapter)",
        files.len(),
        release.version,
        out.display()
    ));
    Ok(Outcome::Success)
}

/// Who an announcement is for: (name, segment, page).
type Reader = (String, Option<String>, Page);

/// Who gets an announcement of `release`: all customers, each segment with
/// a page, the stakeholders; only the audiences the project (or package)
/// writes for.
fn audiences(config: &Config, release: &Release) -> Vec<Reader> {
    let mut out: Vec<Reader> = Vec::new();
    if config.writes_for(Audience::Customer) {
        out.push(("all".into(), None, Page::Customer));
        for id in &release.segment_pages {
            out.push((id.clone(), Some(id.clone()), Page::Customer));
        }
    }
    if config.writes_for(Audience::Internal) {
        out.push(("stakeholders".into(), None, Page::Stakeholders));
    }
    out
}

/// The pages the announcements of `release` are made of, in the formats
/// of `missing`: what a build writing other formats renders besides its
/// pages, so that [`files_with`] finds every page it needs.
pub fn pages_needed(
    config: &Config,
    release: &Release,
    missing: &[Format],
) -> Vec<(PageSpec, Format)> {
    let specs = pages(config, release);
    audiences(config, release)
        .into_iter()
        .filter_map(|(_, segment, page)| spec_of(&specs, page, segment.as_deref()).cloned())
        .flat_map(|spec| missing.iter().map(move |f| (spec.clone(), *f)))
        .collect()
}

/// The built-in page of `page` for `segment` among `specs`.
fn spec_of<'a>(specs: &'a [PageSpec], page: Page, segment: Option<&str>) -> Option<&'a PageSpec> {
    specs
        .iter()
        .find(|s| s.page == page && s.segment.as_deref() == segment && s.custom.is_none())
}

/// The announcement files of one release, as (file name, content): an
/// e-mail per customer audience and one for stakeholders, the Slack
/// payload and the plain text. `build` of one release writes them too.
pub fn files(
    config: &Config,
    renderer: &Renderer,
    project: &Project,
    release: &Release,
    base_url: Option<&str>,
) -> Result<Vec<(String, String)>> {
    files_with(config, renderer, project, release, base_url, &[])
}

/// [`files`], taking the pages from `rendered` ((path, text) as
/// [`crate::render::release::render_release`] gives them) where they are,
/// so that `build` of one release does not render its pages twice.
pub fn files_with(
    config: &Config,
    renderer: &Renderer,
    project: &Project,
    release: &Release,
    base_url: Option<&str>,
    rendered: &[(String, String)],
) -> Result<Vec<(String, String)>> {
    let host = project
        .url
        .as_deref()
        .and_then(|u| u.split("//").nth(1))
        .and_then(|rest| rest.split(['/', ':']).next())
        .filter(|h| !h.is_empty())
        .unwrap_or("relnotes.invalid")
        .to_string();
    let from = config
        .announce
        .from
        .clone()
        .unwrap_or_else(|| format!("{} <releases@{host}>", project.name));
    let date = release
        .time
        .as_deref()
        .and_then(|t| t.parse::<jiff::Timestamp>().ok())
        .map(|t| t.as_second())
        .unwrap_or(0);
    let base = base_url.map(|u| u.trim_end_matches('/').to_string());
    let specs = pages(config, release);
    let cache = std::sync::OnceLock::new();
    let render = |page: Page, segment: Option<&str>, format: Format| -> Result<String> {
        let spec = spec_of(&specs, page, segment)
            .ok_or_else(|| Error::usage("no such page", "this is a bug in relnotes"))?;
        let path = format!("{}/{}.{}", release.version, spec.path, format.ext());
        if let Some((_, text)) = rendered.iter().find(|(p, _)| *p == path) {
            return Ok(text.clone());
        }
        let cache = cache.get_or_init(|| ReleaseCache::new(config, release, Format::Html));
        renderer.render(project, config, release, cache, spec, format)
    };
    let audiences = audiences(config, release);
    if audiences.is_empty() {
        return Err(config.not_written_for(Audience::Customer, "announcement"));
    }
    // The plain text and the Slack message go with the widest audience:
    // all customers, else the stakeholders.
    let widest = audiences[0].0.clone();
    // Each audience's e-mail is made on its own: in parallel.
    let per_audience = |(audience, segment, page): &Reader| -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        let md = render(*page, segment.as_deref(), Format::Md)?;
        let html = render(*page, segment.as_deref(), Format::Html)?;
        let text = markdown::to_plain_text(&md);
        let audience_name = match segment {
            Some(s) => config.segment_name(s).to_string(),
            None if *page == Page::Stakeholders => "stakeholders".into(),
            None => "all customers".into(),
        };
        let subject = config
            .announce
            .subject
            .replace("{project}", &project.name)
            .replace("{version}", &release.version)
            .replace("{name}", release.name.as_deref().unwrap_or(""))
            .replace("{audience}", &audience_name);
        let to = config
            .announce
            .to
            .get(audience)
            .cloned()
            .unwrap_or_default();
        let message_id = format!(
            "{}.{}@{host}",
            release.version,
            crate::domain::text::slug(audience)
        );
        let eml = email(&Email {
            from: &from,
            to: &to,
            subject: subject.trim(),
            message_id: &message_id,
            date,
            text: &text,
            html: &html,
        })?;
        out.push((
            format!("email-{}.eml", crate::domain::text::slug(audience)),
            eml,
        ));
        if *audience == widest {
            let page_path = if *page == Page::Customer {
                "customer/index"
            } else {
                "stakeholders"
            };
            let page_url = base
                .as_ref()
                .map(|b| format!("{b}/{}/{page_path}.html", release.version));
            out.push(("announcement.txt".into(), text));
            out.push((
                "slack.json".into(),
                slack(
                    project,
                    release,
                    if *page == Page::Customer {
                        SlackReaders::Customers(None)
                    } else {
                        SlackReaders::Stakeholders
                    },
                    page_url.as_deref(),
                )?,
            ));
        }
        Ok(out)
    };
    let mut out: Vec<(String, String)> = audiences
        .par_iter()
        .map(per_audience)
        .collect::<Result<Vec<_>>>()?
        .into_iter()
        .flatten()
        .collect();
    out.sort();
    Ok(out)
}
