//! `relnotes checklist`: the Release Readiness Checklist that `check`
//! applies, as a document (Markdown or HTML) or as data (JSON).

use super::cli::{ChecklistArgs, ChecklistFormat, ReleaseTypeArg};
use super::{print_stdout, Global};
use crate::domain::checklist::TypeName;
use crate::domain::config::Format;
use crate::domain::readiness::document;
use crate::error::{Error, Result};
use crate::render::Renderer;
use crate::Outcome;

pub fn run(g: &Global, args: ChecklistArgs) -> Result<Outcome> {
    // The checklist is the project's: in a monorepo any package's view has
    // it; the document then bears the project's name, or the package's
    // when one is named.
    let (settings, project) = crate::engine::Sources::settings(&g.repo)?;
    let named = g.package.is_some();
    let g = &match (&g.package, settings.packages.first()) {
        (None, Some(first)) => Global {
            package: Some(first.id.clone()),
            ..g.clone()
        },
        _ => g.clone(),
    };
    let sources = super::load(g, None)?;
    let project = if named {
        sources.project().name
    } else {
        project
    };
    let only = args.release_type.map(|t| match t {
        ReleaseTypeArg::Major => TypeName::Major,
        ReleaseTypeArg::Minor => TypeName::Minor,
        ReleaseTypeArg::Patch => TypeName::Patch,
        ReleaseTypeArg::Hotfix => TypeName::Hotfix,
    });
    let doc = document(&sources.checklist, &sources.config, only);
    let text = match args.format {
        ChecklistFormat::Json => {
            serde_json::to_string_pretty(&doc).map_err(|e| Error::json("the checklist", e))? + "\n"
        }
        ChecklistFormat::Md | ChecklistFormat::Html => {
            let format = match args.format {
                ChecklistFormat::Html => Format::Html,
                _ => Format::Md,
            };
            let renderer = Renderer::new(&sources.templates("")?)?;
            renderer.render_checklist(&project, &doc, format)?
        }
    };
    print_stdout(&text)?;
    Ok(Outcome::Success)
}
