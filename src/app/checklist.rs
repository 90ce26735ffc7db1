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
    let sources = super::load(g, None)?;
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
            renderer.render_checklist(&sources.project().name, &doc, format)?
        }
    };
    print_stdout(&text)?;
    Ok(Outcome::Success)
}
