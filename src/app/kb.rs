//! `relnotes kb`: the support knowledge base, a static site over every
//! release and known issue, built from the same release model as `build`.
//! This module reads the sources once, hands each release to the KB renderer
//! as soon as it is assembled, and writes the site through a staging
//! directory, so a failed run leaves the previous site as it was. It decides
//! nothing about what a page shows: that is [`crate::render::kb`].

use std::path::Path;
use std::sync::Mutex;

use crate::app::cli::{KbArgs, KbAudience, KbFormat};
use crate::app::Global;
use crate::domain::config::Format;
use crate::domain::input::Audience;
use crate::domain::model::KnownIssue;
use crate::engine::staging::{Mode, Staging};
use crate::engine::{Sources, Target};
use crate::error::{Error, Result};
use crate::render::kb::{self as site, KbRenderer, Paths, ReleaseOut, SearchDoc, Site};
use crate::Outcome;

/// What a finished site holds, for the summary line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Written {
    pub files: usize,
    pub releases: usize,
    pub issues: usize,
}

pub fn run(g: &Global, args: KbArgs) -> Result<Outcome> {
    let KbArgs {
        out,
        format,
        audience,
    } = args;
    super::refuse_stdout_dir(out.as_deref())?;
    let format = match format {
        KbFormat::Html => Format::Html,
        KbFormat::Md => Format::Md,
    };
    let audience = match audience {
        KbAudience::Support => site::KbAudience::Support,
        KbAudience::Customer => site::KbAudience::Customer,
    };
    // A monorepo without --package: one knowledge base, a section per
    // package.
    if g.package.is_none() {
        let ids = Sources::package_ids(&g.repo)?;
        if !ids.is_empty() {
            return packages(g, &ids, out, format, audience);
        }
    }
    let sources = super::load(g, Some(&Target::All))?;
    let out = match out {
        Some(o) => o,
        None => sources.root.join(&sources.config.output.dir).join("kb"),
    };
    let needs = needs(audience);
    if !sources.config.writes_for(needs) {
        return Err(sources
            .config
            .not_written_for(needs, &format!("{} knowledge base", needs.as_str())));
    }
    let written = write(&sources, &out, format, audience)?;
    g.say(format!(
        "wrote the knowledge base ({} files: {} releases, {} known issues) to {}",
        written.files,
        written.releases,
        written.issues,
        out.display()
    ));
    Ok(Outcome::Success)
}

/// The audience a knowledge base is for, as configurations name it.
fn needs(audience: site::KbAudience) -> Audience {
    match audience {
        site::KbAudience::Support => Audience::Support,
        site::KbAudience::Customer => Audience::Customer,
    }
}

/// The knowledge base of a monorepo: each package's site in a folder of
/// its own (`api/`, `web/`), and a home page over them with a section per
/// package, one search over every page and one feed. Packages that do not
/// write for the audience are left out (and named on the home page).
fn packages(
    g: &Global,
    ids: &[String],
    out: Option<std::path::PathBuf>,
    format: Format,
    audience: site::KbAudience,
) -> Result<Outcome> {
    let one = |id: &str| {
        let g = Global {
            package: Some(id.to_string()),
            ..g.clone()
        };
        super::load(&g, Some(&Target::All))
    };
    let (config, name) = Sources::settings(&g.repo)?;
    let first = one(&ids[0])?;
    let out = match out {
        Some(o) => o,
        None => first.root.join(&config.output.dir).join("kb"),
    };
    let renderer = KbRenderer::new(&first.templates("kb")?, &first.templates("")?)?;
    let staging = Staging::new(&out, Mode::Replace, &first.protected())?;
    let count = std::sync::atomic::AtomicUsize::new(0);
    let emit = |path: &str, bytes: &[u8]| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        staging.write(path, bytes)
    };
    let mut sections = Vec::new();
    let mut left_out = Vec::new();
    let mut docs = Vec::new();
    let mut feed = Vec::new();
    let (mut releases, mut issues) = (0, 0);
    let mut sources = Some(first);
    for id in ids {
        let s = match sources.take() {
            Some(s) => s,
            None => one(id)?,
        };
        if !s.config.writes_for(needs(audience)) {
            left_out.push(s.project().name);
            continue;
        }
        let prefix = format!("{id}/");
        let built = build_site(&s, format, audience, Some(id), &|path, bytes| {
            emit(&format!("{prefix}{path}"), bytes)
        })?;
        releases += built.written.releases;
        issues += built.written.issues;
        let name = s.project().name;
        for mut d in built.docs {
            d.path = format!("{prefix}{}", d.path);
            d.kind = format!("{name} · {}", d.kind);
            docs.push(d);
        }
        for mut f in built.feed {
            f.link = format!("{prefix}{}", f.link);
            f.title = format!("{name}: {}", f.title);
            feed.push(f);
        }
        sections.extend(built.section);
    }
    let search = format == Format::Html;
    let ext = format.ext();
    let home = site::SiteCtx::new(&name, config.project.url.as_deref(), audience, format);
    let ctx = site::PackagesHomeCtx {
        page_title: home.title.clone(),
        site: home,
        stylesheet: "style.css".into(),
        packages: sections,
        left_out,
        search_index: search.then(|| "search-index.js".to_string()),
        search_script: search.then(|| "search.js".to_string()),
    };
    emit(
        &format!("index.{ext}"),
        renderer.render("packages", format, &ctx)?.as_bytes(),
    )?;
    let feed_id = format!("urn:relnotes:{}:kb:feed", crate::domain::text::slug(&name));
    emit(
        "feed.xml",
        crate::render::feed::atom(&format!("{name} knowledge base"), &feed_id, None, feed)?
            .as_bytes(),
    )?;
    if search {
        emit("style.css", site_css(&renderer).as_bytes())?;
        emit("search.js", renderer.asset("search.js").as_bytes())?;
        emit("search-index.js", site::search_index(docs).as_bytes())?;
    }
    staging.commit()?;
    g.say(format!(
        "wrote the knowledge base of {} package(s) ({} files: {} releases, {} known issues) to {}",
        ctx.packages.len(),
        count.into_inner(),
        releases,
        issues,
        out.display()
    ));
    Ok(Outcome::Success)
}

/// The stylesheet of a site: the pages' and the knowledge base's own.
fn site_css(renderer: &KbRenderer) -> String {
    format!(
        "{}\n/* knowledge base */\n{}",
        renderer.asset("style.css").trim_end(),
        renderer.asset("kb.css")
    )
}

/// Builds the site into a staging folder and swaps it in as `out` at once:
/// the whole folder is replaced (if relnotes wrote it: see
/// [`crate::engine::staging`]), so pages of issues that no longer exist go.
pub fn write(
    sources: &Sources,
    out: &Path,
    format: Format,
    audience: site::KbAudience,
) -> Result<Written> {
    let staging = Staging::new(out, Mode::Replace, &sources.protected())?;
    let count = std::sync::atomic::AtomicUsize::new(0);
    let written = build(sources, format, audience, &|path: &str, bytes: &[u8]| {
        count.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        staging.write(path, bytes)
    })?;
    staging.commit()?;
    Ok(Written {
        files: count.into_inner(),
        ..written
    })
}

/// Renders every page of the site and hands each to `emit` as (path below
/// the site root, content). Release pages are rendered in parallel as the
/// history is read; everything that lists releases comes after.
pub fn build(
    sources: &Sources,
    format: Format,
    audience: site::KbAudience,
    emit: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
) -> Result<Written> {
    Ok(build_site(sources, format, audience, None, emit)?.written)
}

/// What a built site hands to the knowledge base of a monorepo: its
/// section of the home page, its search documents and its feed entries
/// (paths relative to the site's own folder).
struct BuiltSite {
    written: Written,
    section: Option<site::PackageSection>,
    docs: Vec<SearchDoc>,
    feed: Vec<crate::render::feed::FeedItem>,
}

/// [`build`], as the site of the package `package` (a folder below the
/// home page over every package) when it is given.
fn build_site(
    sources: &Sources,
    format: Format,
    audience: site::KbAudience,
    package: Option<&str>,
    emit: &(dyn Fn(&str, &[u8]) -> Result<()> + Sync),
) -> Result<BuiltSite> {
    let renderer = KbRenderer::new(&sources.templates("kb")?, &sources.templates("")?)?;
    let project = sources.project();
    let mut issues: Vec<KnownIssue> = sources.known_issues().to_vec();
    issues.sort_by(|a, b| a.id.cmp(&b.id).then_with(|| a.path.cmp(&b.path)));
    // Each issue has one page at a stable address: two files with one id
    // would fight over it.
    if let Some(w) = issues.windows(2).find(|w| w[0].id == w[1].id) {
        return Err(Error::invalid(
            &w[1].path,
            format!(
                "known issue id `{}` is also the id of {}",
                w[1].id, w[0].path
            ),
            "give each known issue its own id: the id is the address of its knowledge-base page",
        ));
    }
    let site = Site {
        project: &project,
        config: &sources.config,
        format,
        audience,
        paths: Paths {
            ext: format.ext(),
            issues: site::unique_slugs(issues.iter().map(|k| k.id.as_str())),
        },
        nested: package.is_some(),
    };

    let versions = sources.versions();
    let outs: Mutex<Vec<ReleaseOut>> = Mutex::new(Vec::new());
    let incidents: Mutex<Vec<crate::domain::model::Incident>> = Mutex::new(Vec::new());
    let docs: Mutex<Vec<SearchDoc>> = Mutex::new(Vec::new());
    if !sources.tags.is_empty() {
        sources.for_each_release(&Target::All, |release| {
            // The KB is about what was released; `build --unreleased`
            // previews the rest.
            if release.unreleased {
                return Ok(());
            }
            let at = versions.iter().position(|v| *v == release.version);
            let neighbour = |i: Option<usize>| {
                i.and_then(|i| versions.get(i))
                    .map(|v| (v.clone(), v.clone()))
            };
            let previous = neighbour(at.and_then(|i| i.checked_sub(1)));
            let next = neighbour(at.map(|i| i + 1));
            if audience == site::KbAudience::Support {
                incidents
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .extend(release.incidents.iter().cloned());
            }
            let mut o = site.release(&renderer, &release, previous.as_ref(), next.as_ref())?;
            for (path, text) in o.files.drain(..) {
                emit(&path, text.as_bytes())?;
            }
            docs.lock()
                .unwrap_or_else(|e| e.into_inner())
                .append(&mut o.docs);
            outs.lock().unwrap_or_else(|e| e.into_inner()).push(o);
            Ok(())
        })?;
    }
    let mut outs = outs.into_inner().unwrap_or_else(|e| e.into_inner());
    outs.sort_by_key(|o| site::version_key(&o.row.version));
    let releases: Vec<&ReleaseOut> = outs.iter().collect();
    let mut docs = docs.into_inner().unwrap_or_else(|e| e.into_inner());

    for k in &issues {
        let (path, text, doc) = site.issue_page(&renderer, k, &releases)?;
        emit(&path, text.as_bytes())?;
        docs.push(doc);
    }
    // Incidents and the readiness checklist are for the support site.
    let mut incidents = incidents.into_inner().unwrap_or_else(|e| e.into_inner());
    incidents.sort_by(|a, b| {
        site::version_key(&b.release)
            .cmp(&site::version_key(&a.release))
            .then_with(|| a.id.cmp(&b.id))
    });
    let mut incident_rows = Vec::new();
    for i in &incidents {
        let (path, text, row) = site.incident_page(&renderer, i)?;
        emit(&path, text.as_bytes())?;
        incident_rows.push(row);
    }
    if audience == site::KbAudience::Support {
        let doc = crate::domain::readiness::document(&sources.checklist, &sources.config, None);
        let (path, text) = site.checklist_page(&renderer, &doc)?;
        emit(&path, text.as_bytes())?;
    }
    let feed = feed_items(&site, &releases, &issues);
    emit(
        "feed.xml",
        crate::render::feed::atom(
            &format!("{} knowledge base", site.project.name),
            &feed_id(&site, "feed"),
            None,
            feed.clone(),
        )?
        .as_bytes(),
    )?;
    let search = format == Format::Html;
    let ext = format.ext();
    emit(
        &format!("index.{ext}"),
        site.home(&renderer, &releases, &issues, &incident_rows, search)?
            .as_bytes(),
    )?;
    emit(
        &format!("issues/index.{ext}"),
        site.issues_index(&renderer, &issues)?.as_bytes(),
    )?;
    emit(
        &format!("releases/index.{ext}"),
        site.releases_index(&renderer, &releases)?.as_bytes(),
    )?;
    if format == Format::Html {
        emit("style.css", site_css(&renderer).as_bytes())?;
        emit("search.js", renderer.asset("search.js").as_bytes())?;
        emit(
            "search-index.js",
            site::search_index(docs.clone()).as_bytes(),
        )?;
    }
    Ok(BuiltSite {
        written: Written {
            files: 0,
            releases: releases.len(),
            issues: issues.len(),
        },
        section: package.map(|id| site.section(id, &releases, &issues)),
        docs,
        feed,
    })
}

/// A feed entry id of the site: `urn:relnotes:<project>:kb:<what>`.
fn feed_id(site: &Site<'_>, what: &str) -> String {
    format!(
        "urn:relnotes:{}:kb:{what}",
        crate::domain::text::slug(&site.project.name)
    )
}

/// The entries of the KB's Atom feed: every release (dated by its release
/// date) and every known issue (dated by the release that fixed it, else
/// the newest release it affects), linked to their pages.
fn feed_items(
    site: &Site<'_>,
    releases: &[&ReleaseOut],
    issues: &[KnownIssue],
) -> Vec<crate::render::feed::FeedItem> {
    use crate::render::feed::FeedItem;
    use crate::render::markdown;
    let id = |what: &str| feed_id(site, what);
    let allow = &site.config.images.allow_hosts;
    let mut items = Vec::new();
    for r in releases {
        let Some(date) = r.row.date.clone() else {
            continue;
        };
        let html = r
            .summary
            .as_ref()
            .map(|s| markdown::to_html(&s.md, allow))
            .unwrap_or_default();
        items.push(FeedItem {
            id: id(&format!("release:{}", r.row.version)),
            title: r.row.title.clone(),
            updated: date,
            link: site.paths.release(&r.row.version),
            link_type: None,
            html,
        });
    }
    let date_of = |v: &str| {
        releases
            .iter()
            .find(|r| r.row.version == v)
            .and_then(|r| r.row.date.clone())
    };
    for k in issues {
        let date = match &k.fixed_in {
            Some(v) => date_of(v),
            None => releases
                .iter()
                .rev()
                .find(|r| r.affected.contains(&k.id))
                .and_then(|r| r.row.date.clone()),
        };
        let Some(date) = date else {
            continue;
        };
        let status = match &k.fixed_in {
            Some(v) => format!("Fixed in {v}."),
            None => "Open.".to_string(),
        };
        let mut html = format!("<p>{}</p>", crate::render::escape_html_string(&status));
        if let Some(w) = &k.workaround {
            html.push_str("<p><strong>Workaround:</strong></p>");
            html.push_str(&markdown::to_html(w, allow));
        }
        items.push(FeedItem {
            id: id(&format!("issue:{}", k.id)),
            title: format!("{}: {}", k.id, k.title),
            updated: date,
            link: site.paths.issue(&k.id),
            link_type: None,
            html,
        });
    }
    items
}
