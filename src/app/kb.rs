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
    let sources = super::load(g, Some(&Target::All))?;
    let out = match out {
        Some(o) => o,
        None => sources.root.join(&sources.config.output.dir).join("kb"),
    };
    let format = match format {
        KbFormat::Html => Format::Html,
        KbFormat::Md => Format::Md,
    };
    let audience = match audience {
        KbAudience::Support => site::KbAudience::Support,
        KbAudience::Customer => site::KbAudience::Customer,
    };
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
    };

    let versions = sources.versions();
    let outs: Mutex<Vec<ReleaseOut>> = Mutex::new(Vec::new());
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
    let search = format == Format::Html;
    let ext = format.ext();
    emit(
        &format!("index.{ext}"),
        site.home(&renderer, &releases, &issues, search)?.as_bytes(),
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
        let css = format!(
            "{}\n/* knowledge base */\n{}",
            renderer.asset("style.css").trim_end(),
            renderer.asset("kb.css")
        );
        emit("style.css", css.as_bytes())?;
        emit("search.js", renderer.asset("search.js").as_bytes())?;
        emit("search-index.js", site::search_index(docs).as_bytes())?;
    }
    Ok(Written {
        files: 0,
        releases: releases.len(),
        issues: issues.len(),
    })
}
