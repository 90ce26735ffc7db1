//! Every file of one release's output, as (path, content): the pages of
//! each audience in each format, the Release Readiness Checklist of its
//! type and `release.json`. `build` writes them and `preview` serves them,
//! so both always show the same thing.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{pages, PageSpec, ReleaseCache, Renderer, Work};
use crate::domain::checklist::{Checklist, TypeName};
use crate::domain::config::{Config, Format};
use crate::domain::model::{Project, Release};
use crate::domain::readiness::document;
use crate::error::{Error, Result};

/// The checklist document of each release type in each format, rendered
/// once per run: every release links to the one of its type.
pub struct ChecklistPages(BTreeMap<(TypeName, Format), String>);

impl ChecklistPages {
    pub fn new(
        renderer: &Renderer,
        project: &Project,
        config: &Config,
        checklist: &Checklist,
        formats: &[Format],
    ) -> Result<Self> {
        let mut out = BTreeMap::new();
        for t in TypeName::ALL {
            let doc = document(checklist, config, Some(t));
            for &f in formats {
                out.insert((t, f), renderer.render_checklist(&project.name, &doc, f)?);
            }
        }
        Ok(ChecklistPages(out))
    }

    fn get(&self, t: TypeName, f: Format) -> Option<&String> {
        self.0.get(&(t, f))
    }
}

/// `X/release.json` and `relnotes context`: the model of one release.
#[derive(Serialize)]
pub struct ReleaseJson<'a> {
    pub project: &'a Project,
    pub release: &'a Release,
}

/// Rendered files, as (path below the output directory, content).
pub type Files = Vec<(String, String)>;

/// Every file `build` writes for one release, as (path below the output
/// directory, content), in a fixed order.
pub fn render_release(
    renderer: &Renderer,
    project: &Project,
    config: &Config,
    release: &Release,
    checklists: &ChecklistPages,
    formats: &[Format],
) -> Result<Vec<(String, String)>> {
    render_release_with(
        renderer,
        project,
        config,
        release,
        checklists,
        formats,
        &[],
        false,
    )
    .map(|(files, _)| files)
}

/// [`render_release`], and besides its files the pages of `also` (each in
/// its format), rendered from the same template values: the announcement
/// e-mails of a tag-time build need both formats of a few pages, whatever
/// formats the build writes. Returns (files, `also` as (path, content)).
/// With `parallel`, the template values, the pages and `release.json` are
/// made on every core: at tag time the one release being built is all the
/// work there is. (When many releases are built at once, each stays on one
/// thread, its values in one core's cache.)
#[allow(clippy::too_many_arguments)]
pub fn render_release_with(
    renderer: &Renderer,
    project: &Project,
    config: &Config,
    release: &Release,
    checklists: &ChecklistPages,
    formats: &[Format],
    also: &[(PageSpec, Format)],
    parallel: bool,
) -> Result<(Files, Files)> {
    // One cache serves every format: Markdown templates read only the `md`
    // side of each text, so the HTML made for the HTML pages does no harm.
    let richest = if formats
        .iter()
        .chain(also.iter().map(|(_, f)| f))
        .any(|f| *f == Format::Html)
    {
        Format::Html
    } else {
        Format::Md
    };
    let cache = if parallel {
        ReleaseCache::new_parallel(config, release, richest)
    } else {
        ReleaseCache::new(config, release, richest)
    };
    crate::trace::release_phase(&release.version, "template values built");
    let specs = pages(config, release);
    let wanted: Vec<(&PageSpec, Format)> = formats
        .iter()
        .flat_map(|&format| {
            specs
                .iter()
                .filter(move |spec| spec.template(format).is_some())
                .map(move |spec| (spec, format))
        })
        .chain(also.iter().map(|(spec, format)| (spec, *format)))
        .collect();
    let path = |spec: &PageSpec, format: Format| {
        format!("{}/{}.{}", release.version, spec.path, format.ext())
    };
    let work = Work(parallel);
    let (rendered, json) = work.join(
        || {
            work.map(&wanted, |&(spec, format)| {
                let text = renderer.render(project, config, release, &cache, spec, format)?;
                Ok((path(spec, format), text))
            })
            .into_iter()
            .collect::<Result<Vec<_>>>()
        },
        || release_json(project, release),
    );
    let mut out = rendered?;
    let extra = out.split_off(out.len() - also.len());
    if let Some(t) = release.readiness.release_type {
        for &format in formats {
            if let Some(text) = checklists.get(t, format) {
                out.push((
                    format!("{}/checklist.{}", release.version, format.ext()),
                    text.clone(),
                ));
            }
        }
    }
    out.push((format!("{}/release.json", release.version), json?));
    Ok((out, extra))
}

/// `release.json`: the model of one release, pretty-printed, with a final
/// newline.
pub fn release_json(project: &Project, release: &Release) -> Result<String> {
    let mut json = Vec::with_capacity(256 * 1024);
    serde_json::to_writer_pretty(&mut json, &ReleaseJson { project, release })
        .map_err(|e| Error::json("the release model", e))?;
    json.push(b'\n');
    String::from_utf8(json).map_err(|e| Error::json("the release model", e))
}
