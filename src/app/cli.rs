//! The command line: the only module that uses clap. It describes commands
//! and flags and turns them into plain values for [`crate::run`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "relnotes",
    version,
    about = "Release notes and release documents for customers, support and stakeholders, from git history, change files and release metadata",
    long_about = None
)]
pub struct Cli {
    /// The repository to read (default: the git repository enclosing the
    /// current directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// Print only errors.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print more about what is read and written.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    /// When to use colors in terminal output.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Which release a command is about.
#[derive(Debug, Args, Clone)]
pub struct Select {
    /// The release tag (default: the newest release tag).
    #[arg(long, value_name = "TAG", conflicts_with_all = ["unreleased"])]
    pub tag: Option<String>,
    /// The changes since the newest release tag, not tagged yet.
    #[arg(long)]
    pub unreleased: bool,
    /// With --unreleased: the version to give them (default: the next
    /// version from the changes).
    #[arg(long, value_name = "VERSION", requires = "unreleased")]
    pub version: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Write the release notes and documents of a release (or all releases).
    Build {
        #[command(flatten)]
        select: Select,
        /// Build every release in the history, and the unreleased changes.
        #[arg(long, conflicts_with_all = ["tag", "unreleased"])]
        all: bool,
        /// Output directory (default: `output.dir` of the configuration, or
        /// `dist`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Formats to write, comma separated.
        #[arg(long, value_delimiter = ',', value_enum, value_name = "FORMATS")]
        format: Vec<FormatArg>,
        /// Rebuild every release named, even those whose outputs are up to
        /// date (by default a tagged release is rebuilt only when its tag,
        /// inputs, configuration, templates or relnotes changed).
        #[arg(long)]
        force: bool,
    },
    /// Evaluate the release readiness gate: exit 0 when ready, 1 when not.
    Check {
        #[command(flatten)]
        select: Select,
        /// Report format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
        format: ReportFormat,
        /// Treat warnings (such as commits without change files) as blocking.
        #[arg(long)]
        strict: bool,
        /// Which moment of the release to check.
        #[arg(long, value_enum, default_value_t = StageArg::PreRelease)]
        stage: StageArg,
    },
    /// Print the release model as JSON (the same as `X/release.json`).
    Context {
        #[command(flatten)]
        select: Select,
        /// Every release in the history.
        #[arg(long, conflicts_with_all = ["tag", "unreleased"])]
        all: bool,
    },
    /// Print the next version number, from the changes since the last release.
    Next {
        /// Say which changes decided it.
        #[arg(long)]
        explain: bool,
    },
    /// Write a new change file in `.relnotes/changes/unreleased/`.
    New {
        /// Change kind.
        #[arg(long = "type", value_name = "TYPE", value_parser = ["added", "changed", "deprecated", "removed", "fixed", "security"])]
        kind: Option<String>,
        /// The change breaks existing use (needs an upgrade step).
        #[arg(long)]
        breaking: bool,
        /// Audiences (customer, support, internal); repeat or comma separate.
        #[arg(long, value_delimiter = ',', value_parser = ["customer", "support", "internal"])]
        audience: Vec<String>,
        /// Customer segments; repeat or comma separate.
        #[arg(long, value_delimiter = ',')]
        segment: Vec<String>,
        /// Pull request numbers.
        #[arg(long, value_delimiter = ',')]
        pr: Vec<u64>,
        /// The customer-facing text.
        #[arg(short, long, value_name = "TEXT")]
        message: Option<String>,
        /// The change id (file name); default: made from the text.
        #[arg(long)]
        id: Option<String>,
    },
    /// Start release VERSION: move the unreleased change files into it and
    /// write its metadata file with every readiness field pending.
    Release {
        /// The version, for example 1.4.0.
        version: String,
    },
    /// Work with the built-in templates.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Build the built-in sample project (OctoAcme) end to end and print
    /// where the outputs are.
    Demo {
        /// Where to create the sample (default: a new temporary directory).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Build the support knowledge base: a static site over every release
    /// and known issue.
    Kb {
        /// Output directory (default: `<output dir>/kb`).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// Site format: HTML with search, or Markdown for a wiki.
        #[arg(long, value_enum, default_value_t = KbFormat::Html)]
        format: KbFormat,
        /// Who the site is for: support (everything but internal notes) or
        /// customers (customer-visible text only).
        #[arg(long, value_enum, default_value_t = KbAudience::Support)]
        audience: KbAudience,
    },
    /// Preview every page of a release in the browser, rebuilt as files change.
    Preview {
        #[command(flatten)]
        select: Select,
        /// Port to listen on (0 picks a free one).
        #[arg(long, default_value_t = 4173)]
        port: u16,
        /// Address to listen on. Anything but loopback exposes unreleased
        /// notes to the network.
        #[arg(long, default_value = "127.0.0.1")]
        host: String,
        /// Open the index page in the default browser.
        #[arg(long)]
        open: bool,
    },
    /// Create `.relnotes/` with a commented configuration.
    Init,
    /// Print the JSON Schema of an input file, for editor completion.
    Schema {
        /// Which file.
        #[arg(value_enum)]
        kind: SchemaKind,
    },
    /// Print shell completions.
    Completions { shell: clap_complete::Shell },
    /// Print the manual page (roff).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum TemplatesAction {
    /// Write the built-in templates to `.relnotes/templates/` for editing.
    Eject {
        /// Where to write them (default: `.relnotes/templates`).
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Overwrite templates that already exist there.
        #[arg(long)]
        force: bool,
    },
    /// List the template names.
    List,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FormatArg {
    Md,
    Html,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum SchemaKind {
    /// .relnotes/config.yaml
    Config,
    /// change file front matter
    Change,
    /// .relnotes/releases/<version>.yaml
    Release,
    /// known issue front matter
    KnownIssue,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum KbFormat {
    Html,
    Md,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum KbAudience {
    Support,
    Customer,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ReportFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum StageArg {
    PreRelease,
    PostDeploy,
}

impl Cli {
    pub fn command() -> clap::Command {
        <Cli as clap::CommandFactory>::command()
    }
}
