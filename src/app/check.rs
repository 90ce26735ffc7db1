//! `relnotes check`, the readiness gate, and `relnotes context`, the model
//! as JSON. Readiness is evaluated once, during assembly, at the stage the
//! command asks for; this module only reports it.

use serde::Serialize;

use super::{print_stdout, Global};
use crate::domain::model::{History, Project, Release};
use crate::domain::readiness::{Readiness, Stage};
use crate::engine::Target;
use crate::error::{Error, Result};
use crate::render::release::ReleaseJson;
use crate::render::report;
use crate::Outcome;

/// What to check, from the command line.
pub struct CheckRequest {
    pub target: Target,
    pub json: bool,
    pub stage: Stage,
    pub strict: bool,
}

#[derive(Serialize)]
struct CheckJson<'a> {
    /// Version of this report's schema.
    schema: u32,
    project: &'a str,
    release: &'a str,
    tag: Option<&'a str>,
    #[serde(flatten)]
    readiness: &'a Readiness,
}

pub fn run(g: &Global, req: CheckRequest) -> Result<Outcome> {
    let sources = super::load(g, Some(&req.target))?.with_readiness(req.stage, req.strict);
    let a = sources.assemble(&req.target)?;
    let release = &a.releases[0];
    let r = &release.readiness;
    if req.json {
        print_stdout(&(json(&a.project, release)? + "\n"))?;
    } else if !g.quiet {
        let text = report::check_text(&a.project.name, release, r);
        print_stdout(&if g.color {
            report::colorize(&text)
        } else {
            text
        })?;
    }
    Ok(if r.ready {
        Outcome::Success
    } else {
        Outcome::NotReady
    })
}

fn json(project: &Project, release: &Release) -> Result<String> {
    serde_json::to_string_pretty(&CheckJson {
        schema: 1,
        project: &project.name,
        release: &release.version,
        tag: release.tag.as_deref(),
        readiness: &release.readiness,
    })
    .map_err(|e| Error::json("the readiness report", e))
}

/// `relnotes context`: one release (or all, with `all`) as JSON.
pub fn context(g: &Global, target: &Target, all: bool) -> Result<Outcome> {
    let sources = super::load(g, Some(target))?;
    let a = sources.assemble(target)?;
    let json = if all {
        serde_json::to_string_pretty(&History {
            project: a.project,
            releases: a.releases,
        })
    } else {
        serde_json::to_string_pretty(&ReleaseJson {
            project: &a.project,
            release: &a.releases[0],
        })
    }
    .map_err(|e| Error::json("the release model", e))?;
    print_stdout(&(json + "\n"))?;
    Ok(Outcome::Success)
}
