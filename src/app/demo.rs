//! `relnotes demo`: the built-in OctoAcme sample (the same files as the
//! `fixtures/octoacme` test case, embedded in the binary), written into a
//! fresh git repository and built end to end.

use std::path::PathBuf;

use crate::app::build::build;
use crate::app::Global;
use crate::domain::config::Format;
use crate::engine::{Sources, Target};
use crate::error::{Error, Result};
use crate::render::report::check_text;
use crate::Outcome;

/// The history of the sample project.
pub const HISTORY: &str = include_str!("../../fixtures/octoacme/history.yaml");

/// The sample's `.relnotes/` files, by path below `.relnotes/`.
pub const FILES: &[(&str, &str)] = &[
    (
        "changes/1.0.0/invoices.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.0.0/invoices.md"),
    ),
    (
        "changes/1.1.0/bulk-export.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.1.0/bulk-export.md"),
    ),
    (
        "changes/1.1.0/faster-billing.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.1.0/faster-billing.md"),
    ),
    (
        "changes/1.1.0/safari-sessions.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.1.0/safari-sessions.md"),
    ),
    (
        "changes/1.1.1/export-timeouts.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.1.1/export-timeouts.md"),
    ),
    (
        "changes/1.2.0/credit-note-rounding.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.2.0/credit-note-rounding.md"),
    ),
    (
        "changes/1.2.0/dark-mode.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.2.0/dark-mode.md"),
    ),
    (
        "changes/1.2.0/webhooks.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/1.2.0/webhooks.md"),
    ),
    (
        "changes/2.0.0/billing-totals.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/2.0.0/billing-totals.md"),
    ),
    (
        "changes/2.0.0/export-formats.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/2.0.0/export-formats.md"),
    ),
    (
        "changes/2.0.0/remove-v1-api.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/2.0.0/remove-v1-api.md"),
    ),
    (
        "changes/2.0.0/tls-upgrade.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/2.0.0/tls-upgrade.md"),
    ),
    (
        "changes/unreleased/invoice-search.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/unreleased/invoice-search.md"),
    ),
    (
        "changes/unreleased/xlsx-columns.md",
        include_str!("../../fixtures/octoacme/relnotes/changes/unreleased/xlsx-columns.md"),
    ),
    (
        "config.yaml",
        include_str!("../../fixtures/octoacme/relnotes/config.yaml"),
    ),
    (
        "known-issues/KI-10.md",
        include_str!("../../fixtures/octoacme/relnotes/known-issues/KI-10.md"),
    ),
    (
        "known-issues/KI-7.md",
        include_str!("../../fixtures/octoacme/relnotes/known-issues/KI-7.md"),
    ),
    (
        "known-issues/KI-8.md",
        include_str!("../../fixtures/octoacme/relnotes/known-issues/KI-8.md"),
    ),
    (
        "known-issues/KI-9.md",
        include_str!("../../fixtures/octoacme/relnotes/known-issues/KI-9.md"),
    ),
    (
        "releases/1.0.0.yaml",
        include_str!("../../fixtures/octoacme/relnotes/releases/1.0.0.yaml"),
    ),
    (
        "releases/1.1.0.yaml",
        include_str!("../../fixtures/octoacme/relnotes/releases/1.1.0.yaml"),
    ),
    (
        "releases/1.2.0.yaml",
        include_str!("../../fixtures/octoacme/relnotes/releases/1.2.0.yaml"),
    ),
    (
        "releases/2.0.0.yaml",
        include_str!("../../fixtures/octoacme/relnotes/releases/2.0.0.yaml"),
    ),
];

/// The demo's incident episode on top of the sample: 2.0.1 rolled back
/// after incident INC-1, and 2.0.2, its hotfix, on a maintenance branch
/// (`fixtures/octoacme-episode`).
pub const EPISODE_HISTORY: &str = include_str!("../../fixtures/octoacme-episode/history.yaml");

const EPISODE_FILES: &[(&str, &str)] = &[
    (
        "changes/2.0.1/streamed-exports.md",
        include_str!("../../fixtures/octoacme-episode/relnotes/changes/2.0.1/streamed-exports.md"),
    ),
    (
        "changes/2.0.2/invoices-created-again.md",
        include_str!(
            "../../fixtures/octoacme-episode/relnotes/changes/2.0.2/invoices-created-again.md"
        ),
    ),
    (
        "releases/2.0.1.yaml",
        include_str!("../../fixtures/octoacme-episode/relnotes/releases/2.0.1.yaml"),
    ),
    (
        "releases/2.0.2.yaml",
        include_str!("../../fixtures/octoacme-episode/relnotes/releases/2.0.2.yaml"),
    ),
    (
        "incidents/INC-1.md",
        include_str!("../../fixtures/octoacme-episode/relnotes/incidents/INC-1.md"),
    ),
];

fn write_files(dir: &std::path::Path, files: &[(&str, &str)]) -> Result<()> {
    for (rel, text) in files {
        let path = dir.join(".relnotes").join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p).map_err(|e| Error::io("creating", p, e))?;
        }
        std::fs::write(&path, text).map_err(|e| Error::io("writing", &path, e))?;
    }
    Ok(())
}

/// Adds the incident episode to a sample written by [`write_sample`]: the
/// whole release lifecycle, failed deploy, rollback and hotfix included.
pub fn write_episode(dir: &std::path::Path) -> Result<()> {
    let spec: crate::sources::git::HistorySpec = crate::sources::yaml::parse(
        std::path::Path::new("fixtures/octoacme-episode/history.yaml"),
        EPISODE_HISTORY,
        1,
    )?;
    crate::sources::git::write_history(dir, &spec)?;
    write_files(dir, EPISODE_FILES)
}

/// Writes the sample project (history and `.relnotes/`) into `dir`.
pub fn write_sample(dir: &std::path::Path) -> Result<()> {
    let spec: crate::sources::git::HistorySpec = crate::sources::yaml::parse(
        std::path::Path::new("fixtures/octoacme/history.yaml"),
        HISTORY,
        1,
    )?;
    crate::sources::git::write_history(dir, &spec)?;
    write_files(dir, FILES)
}

pub fn run(g: &Global, dir: Option<PathBuf>) -> Result<Outcome> {
    let dir = match dir {
        Some(d) => {
            if d.exists()
                && std::fs::read_dir(&d)
                    .map(|mut r| r.next().is_some())
                    .unwrap_or(false)
            {
                return Err(Error::usage(
                    format!("{} is not empty", d.display()),
                    "give a new or empty directory to --dir, or leave it out to use a temporary one",
                ));
            }
            std::fs::create_dir_all(&d).map_err(|e| Error::io("creating", &d, e))?;
            d
        }
        None => tempfile::Builder::new()
            .prefix("relnotes-demo-")
            .tempdir()
            .map_err(|e| Error::io("creating a temporary directory in", std::env::temp_dir(), e))?
            .keep(),
    };
    write_sample(&dir)?;
    write_episode(&dir)?;
    g.say(format!(
        "OctoAcme sample project written to {}",
        dir.display()
    ));
    let sources = Sources::load(&dir, None)?;
    let out = build(
        g,
        &sources,
        &Target::All,
        Some(&dir.join("dist")),
        &[Format::Md, Format::Html],
        false,
    )?;
    let kb = out.join("kb");
    let site = crate::app::kb::write(
        &sources,
        &kb,
        Format::Html,
        crate::render::kb::KbAudience::Support,
    )?;
    g.say(format!(
        "wrote the support knowledge base ({} files) to {}",
        site.files,
        kb.display()
    ));
    // The CHANGELOG.md a project would commit, written by `relnotes
    // changelog` into the sample repository.
    let changelog = dir.join("CHANGELOG.md");
    let quiet = Global {
        repo: dir.clone(),
        quiet: true,
        verbose: false,
        color: false,
        package: None,
    };
    crate::app::changelog::run(
        &quiet,
        crate::app::cli::ChangelogArgs {
            out: Some(changelog.clone()),
            check: false,
            audience: crate::app::cli::ChangelogAudienceArg::Customer,
        },
    )?;
    g.say(format!("wrote the changelog to {}", changelog.display()));
    crate::app::feed::run(
        &quiet,
        crate::app::cli::FeedArgs {
            out: None,
            url: None,
        },
    )?;
    g.say(format!(
        "wrote the Atom feeds to {}",
        out.join("feeds").display()
    ));
    crate::app::announce::run(
        &quiet,
        crate::app::cli::AnnounceArgs {
            select: crate::app::cli::Select {
                tag: None,
                unreleased: false,
                version: None,
            },
            out: None,
            url: None,
        },
    )?;
    g.say(format!(
        "wrote the announcements of the newest release (e-mails and a Slack message, ready to send) to {}",
        out.join("announce").display()
    ));
    let latest = sources
        .tags
        .last()
        .map(|t| t.version.to_string())
        .unwrap_or_default();
    let a = sources.assemble(&Target::Latest)?;
    let r = &a.releases[0];
    g.say(String::new());
    g.say(format!("Open these for the newest release ({latest}):"));
    let pages = crate::render::pages(&sources.config, r)
        .into_iter()
        .filter(|p| p.custom.is_none())
        .map(|p| format!("{}.html", p.path))
        .chain(["checklist.html".to_string()]);
    for page in pages {
        g.say(format!("  {}", out.join(&latest).join(page).display()));
    }
    g.say(format!(
        "and the knowledge base: {}",
        kb.join("index.html").display()
    ));
    let all = sources.assemble(&Target::All)?;
    for r in all.releases.iter().filter(|r| r.withdrawn.is_some()) {
        for i in &r.incidents {
            g.say(format!(
                "The lifecycle: {} was rolled back after incident {} ({}); its postmortem: {}",
                r.version,
                i.id,
                i.title,
                kb.join("incidents")
                    .join(format!("{}.html", i.id))
                    .display()
            ));
        }
    }
    for r in all.releases.iter().filter(|r| !r.fixes.is_empty()) {
        let fixes: Vec<&str> = r.fixes.iter().map(|f| f.id.as_str()).collect();
        g.say(format!(
            "  and {} is the hotfix for {}: {}",
            r.version,
            fixes.join(", "),
            out.join(&r.version).join("customer/index.html").display()
        ));
    }

    g.say(String::new());
    g.say("Readiness of the newest release (`relnotes check`):");
    let text = check_text(&a.project.name, r, &r.readiness);
    for line in text.lines().take(2) {
        g.say(format!("  {line}"));
    }
    g.say(String::new());
    g.say(format!(
        "Try: relnotes --repo {0} check --tag v1.1.0 (from this checkout: cargo run --release -- --repo {0} check --tag v1.1.0)",
        dir.display()
    ));
    g.say(format!(
        "and: relnotes --repo {} preview --unreleased   (the next release's pages in your browser, live)",
        dir.display()
    ));
    g.say(format!(
        "and: relnotes --repo {} notes --tag v{latest}   (the customer page, as a GitHub release body)",
        dir.display()
    ));
    Ok(Outcome::Success)
}
