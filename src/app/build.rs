//! `relnotes build`: every page of the releases asked for, rendered and
//! swapped into the output directory at once. A tagged release whose build
//! stamp matches its fingerprint is not rebuilt.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use super::Global;
use crate::domain::config::{Config, Format};
use crate::domain::model::Release;
use crate::engine::staging::{Mode, Staging};
use crate::engine::{self, Sources, Target};
use crate::error::Result;
use crate::render::{self, Renderer};
use crate::Outcome;

/// What to build, from the command line.
pub struct BuildRequest {
    pub target: Target,
    pub out: Option<PathBuf>,
    /// Empty: the configuration's formats.
    pub formats: Vec<Format>,
    pub force: bool,
}

pub fn run(g: &Global, req: BuildRequest) -> Result<Outcome> {
    super::refuse_stdout_dir(req.out.as_deref())?;
    // A monorepo without --package: every package, each into its own
    // folder of the output.
    if g.package.is_none() {
        let ids = Sources::package_ids(&g.repo)?;
        if !ids.is_empty() {
            for id in ids {
                let one = Global {
                    package: Some(id.clone()),
                    ..g.clone()
                };
                let req = BuildRequest {
                    target: req.target.clone(),
                    out: req.out.as_ref().map(|o| o.join(&id)),
                    formats: req.formats.clone(),
                    force: req.force,
                };
                g.say(format!("package {id}:"));
                run_one(&one, req)?;
            }
            build_products(g, &req)?;
            return Ok(Outcome::Success);
        }
    }
    run_one(g, req)
}

/// The product releases of a monorepo (`releases/<version>.yaml` naming
/// package versions): one customer page each, in `products/<version>/`
/// of the output.
fn build_products(g: &Global, req: &BuildRequest) -> Result<()> {
    let products = engine::products::products(&g.repo)?;
    if products.is_empty() {
        return Ok(());
    }
    let sources = Sources::load_package(
        &g.repo,
        None,
        products[0].parts.first().map(|p| p.package.as_str()),
    )?;
    let out = match &req.out {
        Some(o) => o.join("products"),
        None => {
            let dir = Path::new(&sources.config.output.dir)
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_default();
            sources.root.join(dir).join("products")
        }
    };
    let renderer = Renderer::new(&sources.templates("")?)?;
    let formats = if req.formats.is_empty() {
        sources.config.output.formats.clone()
    } else {
        req.formats.clone()
    };
    let staging = Staging::new(&out, Mode::Replace, &sources.protected())?;
    for p in &products {
        for f in sorted(formats.clone()) {
            let text = renderer.render_product(p, f)?;
            staging.write(&format!("{}/index.{}", p.version, f.ext()), text.as_bytes())?;
        }
        g.say(format!(
            "product {}{}: {}",
            p.version,
            if p.ready() {
                ""
            } else {
                " (not ready: a package release in it is not)"
            },
            out.join(&p.version).display()
        ));
    }
    staging.commit()?;
    Ok(())
}

fn run_one(g: &Global, req: BuildRequest) -> Result<Outcome> {
    let sources = super::load(g, Some(&req.target))?;
    crate::trace::phase("sources loaded");
    let formats = if req.formats.is_empty() {
        sources.config.output.formats.clone()
    } else {
        req.formats.clone()
    };
    build(
        g,
        &sources,
        &req.target,
        req.out.as_deref(),
        &sorted(formats),
        req.force,
    )?;
    Ok(Outcome::Success)
}

fn sorted(mut f: Vec<Format>) -> Vec<Format> {
    f.sort();
    f.dedup();
    f
}

/// One built release, for the summary lines: what is left of it once its
/// pages are written.
struct Built {
    order: (Option<semver::Version>, String, bool),
    label: &'static str,
    ready: bool,
    warnings: Vec<String>,
}

impl Built {
    fn of(release: Release) -> Built {
        Built {
            order: (
                semver::Version::parse(&release.version).ok(),
                release.version.clone(),
                release.unreleased,
            ),
            label: super::release_word(&release),
            ready: release.readiness.ready,
            warnings: release.warnings,
        }
    }

    fn version(&self) -> &str {
        &self.order.1
    }
}

/// Renders every page of every release in `target` and swaps them into the
/// output directory. Returns the output directory.
pub fn build(
    g: &Global,
    sources: &Sources,
    target: &Target,
    out: Option<&Path>,
    formats: &[Format],
    force: bool,
) -> Result<PathBuf> {
    if sources.tags.is_empty() && matches!(target, Target::All) {
        eprintln!("note: this repository has no release tags: everything is unreleased");
    }
    let target = match (target, sources.tags.is_empty()) {
        (Target::All, true) => &Target::Unreleased(None),
        _ => target,
    };
    let renderer = Renderer::new(&sources.templates("")?)?;
    renderer.check_outputs(&sources.config)?;
    let out = match out {
        Some(o) => o.to_path_buf(),
        None => sources.root.join(&sources.config.output.dir),
    };
    let staging = Staging::new(&out, Mode::Keep, &sources.protected())?;
    let project = sources.project();
    let config = &sources.config;
    let checklists = render::release::ChecklistPages::new(
        &renderer,
        &project,
        config,
        &sources.checklist,
        formats,
    )?;
    crate::trace::phase("templates read, checklists rendered");
    let files = AtomicUsize::new(0);
    let built = Mutex::new(Vec::new());
    // A release whose stamp matches its fingerprint, and whose files are
    // all there, is not rebuilt: its outputs would come out the same.
    let expected = release_files(config, formats);
    let up_to_date = |version: &str, print: u64| {
        let dir = out.join(version);
        !force
            && std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|s| s == stamp_text(print))
            && expected.iter().all(|f| dir.join(f).is_file())
    };
    let fresh = engine::Fresh {
        salt: build_salt(&renderer, formats),
        up_to_date: &up_to_date,
    };
    // Building one release (at tag time) also writes its announcements,
    // ready to send; the whole history does not.
    let announce = !matches!(target, Target::All);
    let skipped = sources.for_each_stale_release(target, Some(&fresh), |release, print| {
        crate::trace::release_phase(&release.version, "assembled");
        // The announcements need both formats of their pages.
        let also = if announce {
            let missing: Vec<Format> = [Format::Md, Format::Html]
                .into_iter()
                .filter(|f| !formats.contains(f))
                .collect();
            super::announce::pages_needed(config, &release, &missing)
        } else {
            Vec::new()
        };
        let (mut pages, extra) = render::release::render_release_with(
            &renderer,
            &project,
            config,
            &release,
            &checklists,
            formats,
            &also,
            // One release (tag time) is rendered on every core.
            announce,
        )?;
        crate::trace::release_phase(&release.version, "rendered");
        for (path, text) in &pages {
            staging.write(path, text.as_bytes())?;
            files.fetch_add(1, Ordering::Relaxed);
        }
        crate::trace::release_phase(&release.version, "staged");
        if announce {
            pages.extend(extra);
            for (name, text) in
                super::announce::files_with(config, &renderer, &project, &release, None, &pages)?
            {
                staging.write(
                    &format!("{}/announce/{name}", release.version),
                    text.as_bytes(),
                )?;
                files.fetch_add(1, Ordering::Relaxed);
            }
            crate::trace::release_phase(&release.version, "announcements staged");
        }
        if let Some(print) = print {
            staging.write(
                &format!("{}/{STAMP}", release.version),
                stamp_text(print).as_bytes(),
            )?;
        }
        built
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(Built::of(release));
        Ok(())
    })?;
    let mut built = built.into_inner().unwrap_or_else(|e| e.into_inner());
    built.sort_by(|a, b| a.order.cmp(&b.order));
    crate::trace::phase("every release built");
    let written = staging.commit()?;
    crate::trace::phase("outputs swapped in");
    for b in &built {
        g.warn(b.label, b.version(), &b.warnings);
    }
    summarize(g, &out, &built, files.into_inner(), written.len(), skipped);
    Ok(out)
}

fn summarize(
    g: &Global,
    out: &Path,
    built: &[Built],
    files: usize,
    releases: usize,
    skipped: usize,
) {
    if g.verbose || built.len() <= 3 {
        for b in built {
            g.say(format!(
                "{} {}{}: {}",
                b.label,
                b.version(),
                if b.ready {
                    ""
                } else {
                    " (not ready: `relnotes check` says why)"
                },
                out.join(b.version()).display()
            ));
        }
    }
    g.say(format!(
        "wrote {files} files for {releases} release(s) to {}{}",
        out.display(),
        if skipped > 0 {
            format!("; {skipped} release(s) already up to date (--force rebuilds them)")
        } else {
            String::new()
        }
    ));
}

/// The build stamp in each tagged release's output directory: the
/// fingerprint of what the release was built from.
pub const STAMP: &str = ".relnotes-build";

fn stamp_text(print: u64) -> String {
    format!("relnotes build stamp: the fingerprint of this release's inputs; delete this file to rebuild the release\n{print:016x}\n")
}

/// What every release's outputs depend on besides its sources: this
/// relnotes (its source, through the build script), the templates in use
/// and the formats asked for.
fn build_salt(renderer: &Renderer, formats: &[Format]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    env!("RELNOTES_BUILD_ID").hash(&mut h);
    renderer.identity().hash(&mut h);
    for f in formats {
        f.ext().hash(&mut h);
    }
    h.finish()
}

/// The files `render_release` writes for every release, below its
/// directory. Segment pages depend on the release's own inputs, which its
/// fingerprint covers.
fn release_files(config: &Config, formats: &[Format]) -> Vec<String> {
    let mut out: Vec<String> = formats
        .iter()
        .flat_map(|f| {
            render::pages_for(config, &[])
                .into_iter()
                .filter(move |spec| spec.template(*f).is_some())
                .map(move |spec| format!("{}.{}", spec.path, f.ext()))
        })
        .collect();
    out.extend(formats.iter().map(|f| format!("checklist.{}", f.ext())));
    out.push("release.json".into());
    out
}
