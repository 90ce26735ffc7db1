//! The commands. [`cli`] describes the command line (clap lives there and
//! nowhere else) and turns its values into requests; each command has a
//! file of its own that loads the sources through the [`crate::engine`],
//! hands the model to a renderer and writes or prints the result. Warnings
//! found on the way come back in the model and are printed here, in order.

pub mod announce;
pub mod build;
pub mod changelog;
pub mod check;
pub mod checklist;
pub mod cli;
pub mod demo;
pub mod feed;
pub mod incident;
pub mod init;
pub mod kb;
pub mod new;
pub mod next;
pub mod notes;
#[cfg(feature = "preview")]
pub mod preview;
pub mod release;
pub mod schema;
pub mod templates;

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use crate::domain::model::Release;
use crate::error::{Error, Result};
use crate::Outcome;
use cli::{Cli, ColorChoice, Command};

/// Options shared by every command.
#[derive(Debug, Clone)]
pub struct Global {
    pub repo: PathBuf,
    pub quiet: bool,
    pub verbose: bool,
    /// Colour terminal reports (never files).
    pub color: bool,
    /// In a monorepo: the package the command is about.
    pub package: Option<String>,
}

impl Global {
    pub fn say(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", msg.as_ref());
        }
    }

    /// Prints the warnings of one release (`label` is `release` or
    /// `unreleased`). Commands call it in release order, after the work.
    /// `--quiet` prints only errors.
    pub fn warn(&self, label: &str, version: &str, warnings: &[String]) {
        if self.quiet {
            return;
        }
        for w in warnings {
            eprintln!("warning: {label} {version}: {w}");
        }
    }
}

fn release_word(r: &Release) -> &'static str {
    if r.unreleased {
        "unreleased"
    } else {
        "release"
    }
}

/// Runs one parsed command line.
pub fn dispatch(cli: Cli) -> Result<Outcome> {
    let g = Global {
        repo: cli.repo.clone().unwrap_or_else(|| PathBuf::from(".")),
        quiet: cli.quiet,
        verbose: cli.verbose,
        package: cli.package.clone(),
        color: match cli.color {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        },
    };
    match cli.command {
        Command::Build(a) => build::run(&g, a.into()),
        Command::Check(a) => check::run(&g, a.into()),
        Command::Context(a) => check::context(&g, &a.select.target(a.all), a.all),
        Command::Next(a) => next::run(&g, a.explain),
        Command::New(a) => new::run(&g, a),
        Command::Release(a) => release::run(&g, &a.version, &a.hotfix),
        Command::Changelog(a) => changelog::run(&g, a),
        Command::Notes(a) => notes::run(&g, a),
        Command::Checklist(a) => checklist::run(&g, a),
        Command::Feed(a) => feed::run(&g, a),
        Command::Announce(a) => announce::run(&g, a),
        Command::Incident { action } => match action {
            cli::IncidentAction::New(a) => incident::new(&g, a),
        },
        Command::Templates { action } => templates::run(&g, action),
        Command::Demo(a) => demo::run(&g, a.dir),
        Command::Kb(a) => kb::run(&g, a),
        Command::Preview(a) => preview(&g, a),
        Command::Init => init::run(&g),
        Command::Schema(a) => schema::run(a.kind),
        Command::Completions(a) => schema::completions(a.shell),
        Command::Man(a) => schema::man(a.dir.as_deref()),
    }
}

#[cfg(feature = "preview")]
fn preview(g: &Global, a: cli::PreviewArgs) -> Result<Outcome> {
    preview::run(
        g,
        a.select.target(false),
        a.port,
        &a.host,
        &a.allow_host,
        a.open,
    )?;
    Ok(Outcome::Success)
}

#[cfg(not(feature = "preview"))]
fn preview(_: &Global, _: cli::PreviewArgs) -> Result<Outcome> {
    Err(Error::usage(
        "this relnotes was built without the preview server",
        "build it with the default features: cargo install --path . (or --features preview)",
    ))
}

/// Opens the repository and reads what `target` needs, printing what the
/// user should know about the tags.
pub fn load(g: &Global, target: Option<&crate::engine::Target>) -> Result<crate::engine::Sources> {
    let sources = crate::engine::Sources::load_package(&g.repo, target, g.package.as_deref())?;
    for w in sources.warnings.iter().filter(|_| !g.quiet) {
        eprintln!("warning: {w}");
    }
    Ok(sources)
}

/// Writes `s` to standard output. A closed pipe comes back as an error that
/// `main` treats as success.
pub fn print_stdout(s: &str) -> Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(s.as_bytes())
        .and_then(|_| out.flush())
        .map_err(|e| Error::io("writing", "stdout", e))
}

/// `--out -` names standard output, which takes no folder of pages.
pub fn refuse_stdout_dir(out: Option<&std::path::Path>) -> Result<()> {
    if out.is_some_and(|o| o.as_os_str() == "-") {
        return Err(Error::usage(
            "`--out -` would write a folder of pages to standard output",
            "give a folder to --out (`relnotes context` prints the release model as JSON)",
        ));
    }
    Ok(())
}

/// The repository's working directory, for commands that write inputs.
fn repo_root(path: &std::path::Path) -> Result<PathBuf> {
    Ok(crate::sources::git::Repo::open(path)?.workdir())
}
