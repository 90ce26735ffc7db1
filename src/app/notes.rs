//! `relnotes notes`: prints one page of one release to standard output, as
//! `build` would write it, for `gh release create vX --notes-file -` and
//! `glab release create`. `--format text` strips the Markdown for places
//! that show plain text.

use super::cli::{NotesArgs, NotesAudience, NotesFormat};
use super::{print_stdout, Global};
use crate::domain::config::Format;
use crate::error::{Error, Result};
use crate::render::{markdown, pages_for, Page, ReleaseCache, Renderer};
use crate::Outcome;

pub fn run(g: &Global, args: NotesArgs) -> Result<Outcome> {
    let target = args.select.target(false);
    let sources = super::load(g, Some(&target))?;
    let page = match args.audience {
        NotesAudience::Customer => Page::Customer,
        NotesAudience::Support => Page::Support,
        NotesAudience::Stakeholders => Page::Stakeholders,
        NotesAudience::Readiness => Page::Readiness,
    };
    if let Some(a) = page.audience().filter(|a| !sources.config.writes_for(*a)) {
        return Err(sources.config.not_written_for(
            a,
            match page {
                Page::Stakeholders => "stakeholder page",
                Page::Support => "support page",
                _ => "customer page",
            },
        ));
    }
    if args.segment.is_some() && page != Page::Customer {
        return Err(Error::usage(
            "--segment goes with the customer page only",
            "drop --segment, or use --audience customer",
        ));
    }
    if let Some(s) = &args.segment {
        if !sources.config.segments.contains_key(s) {
            let known: Vec<&str> = sources.config.segments.keys().map(String::as_str).collect();
            return Err(Error::usage(
                format!("no segment `{s}` in the configuration"),
                if known.is_empty() {
                    "the configuration defines no segments".to_string()
                } else {
                    format!("use one of: {}", known.join(", "))
                },
            ));
        }
    }
    let renderer = Renderer::new(&sources.templates("")?)?;
    let assembled = sources.assemble(&target)?;
    let Some(release) = assembled.releases.first() else {
        return Err(Error::usage(
            "there is no release to print",
            "tag a release first, or pass --unreleased",
        ));
    };
    g.warn(
        super::release_word(release),
        &release.version,
        &release.warnings,
    );
    // Asked for by name, a segment's page is printed even when `build`
    // would not write it (nothing of the segment's own in the release).
    let every_segment: Vec<String> = sources.config.segments.keys().cloned().collect();
    let spec = pages_for(&sources.config, &every_segment)
        .into_iter()
        .find(|p| p.page == page && p.segment == args.segment)
        .ok_or_else(|| Error::usage("no such page", "check --audience and --segment"))?;
    let format = match args.format {
        NotesFormat::Html => Format::Html,
        NotesFormat::Md | NotesFormat::Text => Format::Md,
    };
    let cache = ReleaseCache::new(&sources.config, release, format);
    let text = renderer.render(
        &assembled.project,
        &sources.config,
        release,
        &cache,
        &spec,
        format,
    )?;
    let text = match args.format {
        NotesFormat::Text => markdown::to_plain_text(&text),
        _ => text,
    };
    print_stdout(&text)?;
    Ok(Outcome::Success)
}
