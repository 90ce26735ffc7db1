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
    /// The pull-request gate against this base (`""`: the default base).
    pub changes: Option<String>,
    /// A product release of a monorepo, by version.
    pub product: Option<String>,
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
    if let Some(base) = &req.changes {
        return changes_gate(g, (!base.is_empty()).then_some(base.as_str()));
    }
    if let Some(version) = &req.product {
        return product_gate(g, version, &req);
    }
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

/// `relnotes check --changes`: every commit of the branch that customers
/// would notice (a type in `commits.kinds`) needs a change file (one that
/// names its pull request or commit). A `Changelog: skip` trailer or
/// `commits.skip` lets a commit through.
fn changes_gate(g: &Global, base: Option<&str>) -> Result<Outcome> {
    let target = Target::Unreleased(None);
    let sources = super::load(g, Some(&target))?;
    let (base_name, ids) = sources.branch_commits(base)?;
    let branch: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
    let assembled = sources.assemble(&target)?;
    let release = &assembled.releases[0];
    let kinds = &sources.config.commits.kinds;
    let skip_trailer = |c: &crate::domain::model::CommitInfo| c.changelog_skip;
    let missing: Vec<_> = release
        .commits
        .iter()
        .filter(|c| branch.contains(c.id.as_str()))
        .filter(|c| !c.covered && !c.merge && !skip_trailer(c))
        .filter(|c| c.kind.as_deref().is_some_and(|k| kinds.contains_key(k)))
        .collect();
    let visible = release
        .commits
        .iter()
        .filter(|c| branch.contains(c.id.as_str()))
        .filter(|c| c.kind.as_deref().is_some_and(|k| kinds.contains_key(k)))
        .count();
    if missing.is_empty() {
        g.say(format!(
            "{} commit(s) on this branch (not in {base_name}), {visible} that customers would notice: each has a change file or a `Changelog: skip` trailer",
            ids.len()
        ));
        return Ok(Outcome::Success);
    }
    let mut out = format!(
        "{} of the {} commit(s) on this branch (not in {base_name}) change what customers get but have no change file:\n",
        missing.len(),
        ids.len()
    );
    for c in &missing {
        let kind = c
            .kind
            .as_deref()
            .and_then(|k| kinds.get(k))
            .map(|k| k.as_str())
            .unwrap_or("changed");
        let pr = c
            .prs
            .first()
            .map(|n| format!(" --pr {n}"))
            .unwrap_or_default();
        let text = c.description.replace('\'', "'\\''");
        out.push_str(&format!(
            "  {} {}\n    relnotes new --type {kind}{pr} -m '{text}'\n",
            c.short, c.subject
        ));
    }
    out.push_str("Write a change file for each (reword the text for customers), or add a `Changelog: skip` trailer to a commit customers will not notice.\n");
    if g.quiet {
        eprint!("{out}");
    } else {
        print_stdout(&out)?;
    }
    Ok(Outcome::NotReady)
}

#[derive(Serialize)]
struct ProductCheckJson<'a> {
    /// Version of this report's schema.
    schema: u32,
    project: &'a str,
    product: &'a str,
    /// Every package release below is ready.
    ready: bool,
    packages: Vec<ProductPartJson<'a>>,
}

#[derive(Serialize)]
struct ProductPartJson<'a> {
    package: &'a str,
    release: &'a str,
    tag: Option<&'a str>,
    #[serde(flatten)]
    readiness: &'a Readiness,
}

/// `relnotes check --product VERSION`: the gate over a product release of
/// a monorepo, which is ready when every package release it bundles is.
fn product_gate(g: &Global, version: &str, req: &CheckRequest) -> Result<Outcome> {
    let products = crate::engine::products::products_at(&g.repo, req.stage, req.strict)?;
    let Some(product) = products.iter().find(|p| p.version == version) else {
        let names: Vec<&str> = products.iter().map(|p| p.version.as_str()).collect();
        return Err(Error::usage(
            format!("no product release `{version}` in .relnotes/releases/"),
            if names.is_empty() {
                "a product release is a file `.relnotes/releases/<version>.yaml` with `packages: {api: 1.2.0, ...}`".to_string()
            } else {
                format!("use one of: {}", names.join(", "))
            },
        ));
    };
    let ready = product.ready();
    if req.json {
        let report = ProductCheckJson {
            schema: 1,
            project: &product.project,
            product: &product.version,
            ready,
            packages: product
                .parts
                .iter()
                .map(|p| ProductPartJson {
                    package: &p.package,
                    release: &p.release.version,
                    tag: p.release.tag.as_deref(),
                    readiness: &p.release.readiness,
                })
                .collect(),
        };
        let text = serde_json::to_string_pretty(&report)
            .map_err(|e| Error::json("the readiness report", e))?;
        print_stdout(&(text + "\n"))?;
    } else if !g.quiet {
        let mut text = format!(
            "{} {} (product release, {}): {}\n",
            product.project,
            product.version,
            product.path,
            if ready { "READY" } else { "NOT READY" }
        );
        for p in &product.parts {
            text.push('\n');
            text.push_str(&report::check_text(
                &p.project.name,
                &p.release,
                &p.release.readiness,
            ));
        }
        print_stdout(&if g.color {
            report::colorize(&text)
        } else {
            text
        })?;
    }
    Ok(if ready {
        Outcome::Success
    } else {
        Outcome::NotReady
    })
}
