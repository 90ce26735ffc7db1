//! The commands: each one loads the sources, asks the model what it needs and
//! hands the result to an output. No command reads a source directly, and
//! none formats another command's output.

pub mod cli;
pub mod demo;
pub mod kb;
pub mod preview;
pub mod schema;

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::app::cli::{Cli, Command, FormatArg, ReportFormat, Select, StageArg, TemplatesAction};
use crate::domain::config::Format;
use crate::domain::model::{Project, Release};
use crate::domain::readiness::{Readiness, Stage, Status};
use crate::engine::staging::Staging;
use crate::engine::{self, Sources, Target};
use crate::error::{Error, Result};
use crate::render::{self, ReleaseCache, Renderer};
use crate::Outcome;

/// Options shared by every command.
pub struct Global {
    pub repo: PathBuf,
    pub quiet: bool,
    pub verbose: bool,
    /// Colour terminal reports (never files).
    pub color: bool,
}

impl Global {
    pub fn say(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", msg.as_ref());
        }
    }
}

pub fn dispatch(cli: Cli) -> Result<Outcome> {
    let g = Global {
        repo: cli.repo.clone().unwrap_or_else(|| PathBuf::from(".")),
        quiet: cli.quiet,
        verbose: cli.verbose,
        color: match cli.color {
            crate::app::cli::ColorChoice::Always => true,
            crate::app::cli::ColorChoice::Never => false,
            crate::app::cli::ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        },
    };
    match cli.command {
        Command::Build {
            select,
            all,
            out,
            format,
            force,
        } => {
            let target = target(&select, all);
            let sources = Sources::load(&g.repo, Some(&target))?;
            build(
                &g,
                &sources,
                &target,
                out.as_deref(),
                &formats(&format, &sources),
                force,
            )?;
            Ok(Outcome::Success)
        }
        Command::Context { select, all } => {
            let target = target(&select, all);
            let sources = Sources::load(&g.repo, Some(&target))?;
            let a = sources.assemble(&target)?;
            let json = if all {
                crate::render::json::to_string_pretty(&crate::domain::model::History {
                    project: a.project,
                    releases: a.releases,
                })
            } else {
                crate::render::json::to_string_pretty(&ReleaseJson {
                    project: &a.project,
                    release: &a.releases[0],
                })
            }
            .expect("the model serializes");
            print_stdout(&(json + "\n"))?;
            Ok(Outcome::Success)
        }
        Command::Check {
            select,
            format,
            strict,
            stage,
        } => {
            let sources = Sources::load(&g.repo, Some(&target(&select, false)))?;
            let stage = match stage {
                StageArg::PreRelease => Stage::PreRelease,
                StageArg::PostDeploy => Stage::PostDeploy,
            };
            check(&g, &sources, &target(&select, false), format, stage, strict)
        }
        Command::Next { explain } => {
            let sources = Sources::load(
                &g.repo,
                Some(&Target::Unreleased(Some("unreleased".into()))),
            )?;
            let (v, why) = sources.next_version()?;
            let mut out = format!("{v}\n");
            if explain {
                let prev = sources
                    .tags
                    .last()
                    .map(|t| t.name.as_str())
                    .unwrap_or("the start of history");
                if why.is_empty() {
                    out.push_str(&format!(
                        "no changes since {prev}: the next version is a patch\n"
                    ));
                } else {
                    out.push_str(&format!("decided by the changes since {prev}:\n"));
                    for w in why {
                        out.push_str(&format!("  - {w}\n"));
                    }
                }
            }
            print_stdout(&out)?;
            Ok(Outcome::Success)
        }
        Command::New {
            kind,
            breaking,
            audience,
            segment,
            pr,
            message,
            id,
        } => {
            new_change(&g, kind, breaking, audience, segment, pr, message, id)?;
            Ok(Outcome::Success)
        }
        Command::Release { version } => {
            start_release(&g, &version)?;
            Ok(Outcome::Success)
        }
        Command::Templates { action } => {
            match action {
                TemplatesAction::Eject { dir, force } => eject(&g, dir, force)?,
                TemplatesAction::List => {
                    let names: Vec<&str> = render::BUILTIN.iter().map(|(n, _)| *n).collect();
                    print_stdout(&(names.join("\n") + "\n"))?;
                }
            }
            Ok(Outcome::Success)
        }
        Command::Demo { dir } => {
            crate::app::demo::run(&g, dir)?;
            Ok(Outcome::Success)
        }
        Command::Kb {
            out,
            format,
            audience,
        } => {
            crate::app::kb::run(&g, out, format, audience)?;
            Ok(Outcome::Success)
        }
        Command::Preview {
            select,
            port,
            host,
            open,
        } => {
            crate::app::preview::run(&g, target(&select, false), port, &host, open)?;
            Ok(Outcome::Success)
        }
        Command::Schema { kind } => {
            let kind = match kind {
                crate::app::cli::SchemaKind::Config => crate::app::schema::Kind::Config,
                crate::app::cli::SchemaKind::Change => crate::app::schema::Kind::Change,
                crate::app::cli::SchemaKind::Release => crate::app::schema::Kind::Release,
                crate::app::cli::SchemaKind::KnownIssue => crate::app::schema::Kind::KnownIssue,
            };
            print_stdout(&crate::app::schema::schema(kind))?;
            Ok(Outcome::Success)
        }
        Command::Init => {
            init(&g)?;
            Ok(Outcome::Success)
        }
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "relnotes", &mut buf);
            print_stdout(&String::from_utf8_lossy(&buf))?;
            Ok(Outcome::Success)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|e| Error::io("writing", "stdout", e))?;
            print_stdout(&String::from_utf8_lossy(&buf))?;
            Ok(Outcome::Success)
        }
    }
}

fn print_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("writing", "stdout", e))
}

pub fn target(select: &Select, all: bool) -> Target {
    if all {
        Target::All
    } else if select.unreleased {
        Target::Unreleased(select.version.clone())
    } else if let Some(t) = &select.tag {
        Target::Tag(t.clone())
    } else {
        Target::Latest
    }
}

fn formats(args: &[FormatArg], sources: &Sources) -> Vec<Format> {
    let mut f: Vec<Format> = if args.is_empty() {
        sources.config.output.formats.clone()
    } else {
        args.iter()
            .map(|a| match a {
                FormatArg::Md => Format::Md,
                FormatArg::Html => Format::Html,
            })
            .collect()
    };
    f.sort();
    f.dedup();
    f
}

/// `X/release.json` and `relnotes context`: the model of one release.
#[derive(Serialize)]
pub struct ReleaseJson<'a> {
    pub project: &'a Project,
    pub release: &'a Release,
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
    let renderer = Renderer::new(Some(&sources.dir.join("templates")))?;
    let out = match out {
        Some(o) => o.to_path_buf(),
        None => sources.root.join(&sources.config.output.dir),
    };
    let staging = Staging::new(&out)?;
    let project = sources.project();
    let project = &project;
    let config = &sources.config;
    let files = std::sync::atomic::AtomicUsize::new(0);
    let summary = std::sync::Mutex::new(Vec::new());
    // A release whose stamp matches its fingerprint, and whose files are
    // all there, is not rebuilt: its outputs would come out the same.
    let salt = build_salt(&renderer, formats);
    let expected = release_files(config, formats);
    let up_to_date = |version: &str, print: u64| {
        if force {
            return false;
        }
        let dir = out.join(version);
        std::fs::read_to_string(dir.join(STAMP)).is_ok_and(|s| s == stamp_text(print))
            && expected.iter().all(|f| dir.join(f).is_file())
    };
    let fresh = engine::Fresh {
        salt,
        up_to_date: &up_to_date,
    };
    let skipped = sources.for_each_stale_release(target, Some(&fresh), |release, print| {
        for (path, text) in render_release(&renderer, project, config, &release, formats)? {
            staging.write(&path, text.as_bytes())?;
            files.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        if let Some(print) = print {
            staging.write(
                &format!("{}/{STAMP}", release.version),
                stamp_text(print).as_bytes(),
            )?;
        }
        summary.lock().unwrap_or_else(|e| e.into_inner()).push((
            semver::Version::parse(&release.version).ok(),
            release.version.clone(),
            release.unreleased,
            release.readiness.ready,
        ));
        Ok(())
    })?;
    let mut summary = summary.into_inner().unwrap_or_else(|e| e.into_inner());
    summary.sort();
    let written = staging.commit()?;
    let files = files.into_inner();
    if g.verbose || summary.len() <= 3 {
        for (_, version, unreleased, ready) in &summary {
            g.say(format!(
                "{} {version}{}: {}",
                if *unreleased { "unreleased" } else { "release" },
                if *ready {
                    ""
                } else {
                    " (not ready: `relnotes check` says why)"
                },
                out.join(version).display()
            ));
        }
    }
    g.say(format!(
        "wrote {files} files for {} release(s) to {}{}",
        written.len(),
        out.display(),
        if skipped > 0 {
            format!("; {skipped} release(s) already up to date (--force rebuilds them)")
        } else {
            String::new()
        }
    ));
    Ok(out)
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

/// The files `render_release` writes for a release, below its directory.
fn release_files(config: &crate::domain::config::Config, formats: &[Format]) -> Vec<String> {
    let mut out: Vec<String> = formats
        .iter()
        .flat_map(|f| {
            render::pages(config)
                .into_iter()
                .map(move |spec| format!("{}.{}", spec.path, f.ext()))
        })
        .collect();
    out.push("release.json".into());
    out
}

/// Every file `build` writes for one release, as (path below the output
/// directory, content), in a fixed order. `preview` serves the same.
pub fn render_release(
    renderer: &Renderer,
    project: &Project,
    config: &crate::domain::config::Config,
    release: &Release,
    formats: &[Format],
) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    // One cache serves every format: Markdown templates read only the `md`
    // side of each text, so the HTML made for the HTML pages does no harm.
    let richest = if formats.contains(&Format::Html) {
        Format::Html
    } else {
        Format::Md
    };
    let cache = ReleaseCache::new(config, release, richest);
    for &format in formats {
        for spec in &render::pages(config) {
            let text = renderer.render(project, config, release, &cache, spec, format)?;
            out.push((
                format!("{}/{}.{}", release.version, spec.path, format.ext()),
                text,
            ));
        }
    }
    let mut json = Vec::with_capacity(256 * 1024);
    crate::render::json::write_pretty(&mut json, &ReleaseJson { project, release })
        .expect("the model serializes");
    json.push(b'\n');
    let json = String::from_utf8(json).expect("JSON is written from UTF-8 strings");
    out.push((format!("{}/release.json", release.version), json));
    Ok(out)
}

// ------------------------------------------------------------------- check

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

fn check(
    g: &Global,
    sources: &Sources,
    target: &Target,
    format: ReportFormat,
    stage: Stage,
    strict: bool,
) -> Result<Outcome> {
    let a = sources.assemble(target)?;
    let release = &a.releases[0];
    let r = engine::evaluate(release, &sources.config, &sources.versions(), stage, strict);
    match format {
        ReportFormat::Json => {
            let json = serde_json::to_string_pretty(&CheckJson {
                schema: 1,
                project: &a.project.name,
                release: &release.version,
                tag: release.tag.as_deref(),
                readiness: &r,
            })
            .expect("the report serializes");
            print_stdout(&(json + "\n"))?;
        }
        ReportFormat::Text => {
            if !g.quiet {
                let text = check_text(&a.project.name, release, &r);
                print_stdout(&if g.color { colorize(&text) } else { text })?;
            }
        }
    }
    Ok(if r.ready {
        Outcome::Success
    } else {
        Outcome::NotReady
    })
}

/// The text report of `relnotes check`, grouped by role.
pub fn check_text(project: &str, release: &Release, r: &Readiness) -> String {
    let mut s = String::new();
    let c = &r.counts;
    s.push_str(&format!(
        "{project} {} ({} stage{}): {}\n{} met, {} not met, {} pending, {} warning(s), {} not applicable\n",
        release.version,
        r.stage.as_str(),
        if r.strict { ", strict" } else { "" },
        if r.ready { "READY" } else { "NOT READY" },
        c.met,
        c.not_met,
        c.pending,
        c.warning,
        c.not_applicable
    ));
    for role in r.roles() {
        s.push_str(&format!("\n{role}\n"));
        for i in r.by_role(&role) {
            let mark = match (i.status, i.blocking) {
                (_, true) => "[NOT MET] ",
                (Status::Met, _) => "[met]     ",
                (Status::NotMet, _) => "[NOT MET] ",
                (Status::Pending, _) => "[pending] ",
                (Status::NotApplicable, _) => "[n/a]     ",
                (Status::Warning, _) => "[warning] ",
            };
            s.push_str(&format!("  {mark}{}: {}\n", i.title, i.reason));
            if let Some(h) = &i.hint {
                s.push_str(&format!("             hint: {h}\n"));
            }
        }
    }
    s
}

/// ANSI colours for the status marks of the text report.
fn colorize(text: &str) -> String {
    const RESET: &str = "\x1b[0m";
    let mut out = text.to_string();
    for (mark, colour) in [
        ("[NOT MET]", "\x1b[1;31m"),
        ("[met]", "\x1b[32m"),
        ("[pending]", "\x1b[33m"),
        ("[warning]", "\x1b[33m"),
        ("[n/a]", "\x1b[2m"),
        ("NOT READY", "\x1b[1;31m"),
    ] {
        out = out.replace(mark, &format!("{colour}{mark}{RESET}"));
    }
    out.replace(": READY", &format!(": \x1b[1;32mREADY{RESET}"))
}

// --------------------------------------------------------- scaffolding

#[allow(clippy::too_many_arguments)]
fn new_change(
    g: &Global,
    kind: Option<String>,
    breaking: bool,
    audience: Vec<String>,
    segment: Vec<String>,
    pr: Vec<u64>,
    message: Option<String>,
    id: Option<String>,
) -> Result<()> {
    let root = repo_root(&g.repo)?;
    let interactive = std::io::stdin().is_terminal() && kind.is_none() && message.is_none();
    let (kind, breaking, message) = if interactive {
        let kind = ask(
            "Kind (added, changed, deprecated, removed, fixed, security)",
            "added",
        )?;
        if crate::domain::input::ChangeType::parse(&kind).is_none() {
            return Err(Error::usage(
                format!("`{kind}` is not a change kind"),
                "use added, changed, deprecated, removed, fixed or security",
            ));
        }
        let breaking = ask("Breaking change? (y/N)", "n")?
            .to_ascii_lowercase()
            .starts_with('y');
        let message = ask("What changes for customers (one sentence)", "")?;
        (kind, breaking, message)
    } else {
        let kind = kind.ok_or_else(|| {
            Error::usage(
                "no change kind given",
                "pass --type added (or changed, deprecated, removed, fixed, security)",
            )
        })?;
        let message = message.ok_or_else(|| {
            Error::usage("no text given", "pass -m \"What changes for customers\"")
        })?;
        (kind, breaking, message)
    };
    if message.trim().is_empty() {
        return Err(Error::usage(
            "the change text is empty",
            "pass -m \"What changes for customers\"",
        ));
    }
    let dir = root.join(".relnotes/changes/unreleased");
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
    let base = id.unwrap_or_else(|| crate::domain::text::id_from_text(&message));
    let mut name = base.clone();
    let mut n = 2;
    while dir.join(format!("{name}.md")).exists() {
        name = format!("{base}-{n}");
        n += 1;
    }
    let mut front = format!("---\ntype: {kind}\n");
    if breaking {
        front.push_str("breaking: true\nupgrade: |\n  TODO: the step customers take to upgrade\n");
    }
    if !audience.is_empty() {
        front.push_str(&format!("audiences: [{}]\n", audience.join(", ")));
    }
    if !segment.is_empty() {
        front.push_str(&format!("segments: [{}]\n", segment.join(", ")));
    }
    if !pr.is_empty() {
        front.push_str(&format!(
            "prs: [{}]\n",
            pr.iter().map(u64::to_string).collect::<Vec<_>>().join(", ")
        ));
    }
    front.push_str("# support: |\n#   What support should know: symptoms, how to verify, where to look in logs.\n");
    front.push_str("# internal: |\n#   Notes for stakeholders only.\n---\n");
    front.push_str(message.trim());
    front.push('\n');
    let path = dir.join(format!("{name}.md"));
    std::fs::write(&path, front).map_err(|e| Error::io("writing", &path, e))?;
    // Read it back: what we write must be valid input.
    crate::sources::files::read_change(&path)?;
    g.say(format!("wrote {}", path.display()));
    Ok(())
}

fn ask(question: &str, default: &str) -> Result<String> {
    print!(
        "{question}{}: ",
        if default.is_empty() {
            String::new()
        } else {
            format!(" [{default}]")
        }
    );
    std::io::stdout().flush().ok();
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Error::io("reading", "stdin", e))?;
    let t = line.trim();
    Ok(if t.is_empty() {
        default.to_string()
    } else {
        t.to_string()
    })
}

fn repo_root(path: &Path) -> Result<PathBuf> {
    Ok(crate::sources::git::Repo::open(path)?.workdir())
}

/// The release metadata skeleton: every readiness field present and pending.
pub fn release_skeleton(version: &str, previous: Option<&str>) -> String {
    format!(
        r#"# Release metadata for {version}: fill in each field as the release progresses.
# `relnotes check --tag v{version}` says what is still missing.
name:
# date: {{YYYY-MM-DD}}        # default: the tag's date
# type: minor                # patch | minor | major; default: from the changes
summary: ""                  # one paragraph for customers
highlights: []               # change ids shown first
requirements:
  acceptance_criteria: pending
  prs_merged: pending
  ci: pending                # true, false, or a link to the run
  security_scan: pending
rollback:
  plan: ""
  last_known_good: {lkg}
smoke_tests: []              # - {{ name: Log in, status: pending, env: staging }}
signoffs:
  qa:      {{ status: pending }}
  ux:      {{ status: pending }}
  devops:  {{ status: pending }}
  product: {{ status: pending }}
support:
  trained: pending
  kb_published: pending
  logs_access: pending
  # escalation: '#support-escalations, then the on-call engineer'
  escalation_updated: pending
  hypercare_hours: 48
  notified: pending          # after the deploy
communication:
  plan_finalized: pending
  segments: []
  channels: []
  # send_at: 2026-03-02T15:00:00Z
  feedback: []
  sent: pending              # after the deploy
  announcement_sent: pending # after the deploy
deployment:
  # window: {{ start: 2026-03-02T13:00:00Z, end: 2026-03-02T14:00:00Z }}  # or: not needed
  backup: pending            # or: not applicable
  staging: pending
  # pipeline: https://ci.example/deploy/456
  # automation: true         # or name the pipeline above
  health_checks: pending
  verifications: []          # - {{ name: Health checks green, status: pending }}
  dashboards: []             # - {{ name: Latency, url: https://grafana.example/d/x }}
  alerts_configured: pending
  channels: []
  production: pending        # after the deploy
  dashboards_reviewed: pending # after the deploy
qa:
  critical_flows: []         # - {{ name: Checkout, status: pending }}
  performance: []            # - {{ metric: p95 page ms, baseline: 420, current: 380 }}
incident:
  on_call: ""
"#,
        lkg = previous.unwrap_or("\"\"")
    )
}

fn start_release(g: &Global, version: &str) -> Result<()> {
    let root = repo_root(&g.repo)?;
    let v = version.trim_start_matches('v');
    let parsed = semver::Version::parse(v).map_err(|e| {
        Error::usage(
            format!("`{version}` is not a semantic version: {e}"),
            "give a version like 1.4.0",
        )
    })?;
    let sources = Sources::load(&g.repo, Some(&Target::Unreleased(Some(v.to_string()))))?;
    let previous = sources
        .tags
        .iter()
        .rev()
        .find(|t| t.version < parsed && t.version.pre.is_empty())
        .map(|t| t.version.to_string());
    let dir = root.join(".relnotes");
    let from = dir.join("changes/unreleased");
    let to = dir.join("changes").join(v);
    let mut moved = Vec::new();
    if from.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&from)
            .map_err(|e| Error::io("reading", &from, e))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        files.sort();
        for f in &files {
            let target = to.join(f.file_name().expect("a file"));
            if target.exists() {
                return Err(Error::invalid(
                    &target,
                    "a change file of this name is already in the release",
                    "rename one of the two change files, then run again",
                ));
            }
        }
        if !files.is_empty() {
            std::fs::create_dir_all(&to).map_err(|e| Error::io("creating", &to, e))?;
        }
        for f in files {
            let target = to.join(f.file_name().expect("a file"));
            std::fs::rename(&f, &target).map_err(|e| Error::io("moving", &f, e))?;
            moved.push(target);
        }
    }
    g.say(format!(
        "moved {} change file(s) into {}",
        moved.len(),
        to.display()
    ));
    let meta = dir.join("releases").join(format!("{v}.yaml"));
    if meta.exists() {
        g.say(format!("kept the existing {}", meta.display()));
    } else {
        std::fs::create_dir_all(meta.parent().expect("has parent"))
            .map_err(|e| Error::io("creating", &meta, e))?;
        std::fs::write(&meta, release_skeleton(v, previous.as_deref()))
            .map_err(|e| Error::io("writing", &meta, e))?;
        g.say(format!("wrote {}", meta.display()));
    }
    Ok(())
}

fn eject(g: &Global, dir: Option<PathBuf>, force: bool) -> Result<()> {
    let dir = match dir {
        Some(d) => d,
        None => repo_root(&g.repo)?.join(".relnotes/templates"),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
    for (name, text) in render::BUILTIN {
        let path = dir.join(name);
        if path.exists() && !force {
            g.say(format!(
                "kept {} (use --force to overwrite)",
                path.display()
            ));
            continue;
        }
        std::fs::write(&path, text).map_err(|e| Error::io("writing", &path, e))?;
        g.say(format!("wrote {}", path.display()));
    }
    Ok(())
}

pub const INIT_CONFIG: &str = r#"# relnotes configuration. Every field is optional; the values shown are examples.
project:
  name: My Project
  # url: https://example.com
links:
  # pr: https://git.example/org/repo/pull/{number}
  # issue: https://tracker.example/browse/{id}
  # commit: https://git.example/org/repo/commit/{sha}
tags:
  prefix: v
segments: {}
  # enterprise: Enterprise plan
  # beta: Beta program
signoffs:
  required: [qa, ux, devops, product]
output:
  dir: dist
  formats: [md, html]
"#;

fn init(g: &Global) -> Result<()> {
    let root = repo_root(&g.repo)?;
    let dir = root.join(".relnotes");
    for sub in ["changes/unreleased", "releases", "known-issues"] {
        let d = dir.join(sub);
        std::fs::create_dir_all(&d).map_err(|e| Error::io("creating", &d, e))?;
    }
    let config = dir.join("config.yaml");
    if config.exists() {
        g.say(format!("kept the existing {}", config.display()));
    } else {
        std::fs::write(&config, INIT_CONFIG).map_err(|e| Error::io("writing", &config, e))?;
        g.say(format!("wrote {}", config.display()));
    }
    Ok(())
}
