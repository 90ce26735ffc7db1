//! The command line: the only module that uses clap. It describes commands
//! and flags and turns them into the commands' requests, once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use super::build::BuildRequest;
use super::check::CheckRequest;
use crate::domain::config::Format;
use crate::domain::input::{Audience, ChangeKind};
use crate::domain::readiness::Stage;
use crate::engine::Target;

#[derive(Debug, Parser)]
#[command(
    name = "relnotes",
    version = version(),
    about = "Release notes and release documents for customers, support and stakeholders, from git history, change files and release metadata",
    long_about = None
)]
pub struct Cli {
    /// The repository to read (default: the git repository enclosing the
    /// current directory).
    #[arg(long, global = true, value_name = "PATH")]
    pub repo: Option<PathBuf>,
    /// In a monorepo: the package to work on (an id from `packages:` in
    /// .relnotes/config.yaml).
    #[arg(long, global = true, value_name = "ID")]
    pub package: Option<String>,
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

/// `relnotes --version`: the version and, when built from a git checkout,
/// the commit (`0.1.0 (1a2b3c4d5e6f)`).
pub fn version() -> String {
    let commit = env!("RELNOTES_COMMIT");
    if commit.is_empty() {
        env!("CARGO_PKG_VERSION").to_string()
    } else {
        format!("{} ({commit})", env!("CARGO_PKG_VERSION"))
    }
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
    Build(BuildArgs),
    /// Evaluate the release readiness gate: exit 0 when ready, 1 when not.
    Check(CheckArgs),
    /// Print the release model as JSON (the same as `X/release.json`).
    Context(ContextArgs),
    /// Print the next version number, from the changes since the last release.
    Next(NextArgs),
    /// Write a new change file in `.relnotes/changes/unreleased/`.
    New(NewArgs),
    /// Start release VERSION: move the unreleased change files into it and
    /// write its metadata file with every readiness field pending.
    Release(ReleaseArgs),
    /// Print one page of a release (for `gh release create --notes-file -`).
    Notes(NotesArgs),
    /// Print the Release Readiness Checklist `check` applies: the built-in
    /// one, adapted by `.relnotes/checklist.yaml`.
    Checklist(ChecklistArgs),
    /// Write a release's announcements, ready to send: e-mails (.eml) per
    /// audience, a Slack payload and the plain text.
    Announce(AnnounceArgs),
    /// Write Atom feeds of the customer release notes (all customers and
    /// each segment).
    Feed(FeedArgs),
    /// Write CHANGELOG.md (Keep a Changelog) from every release, or check
    /// that it is up to date.
    Changelog(ChangelogArgs),
    /// Record a production incident of a release (the rollback and incident
    /// playbook).
    Incident {
        #[command(subcommand)]
        action: IncidentAction,
    },
    /// Work with the built-in templates.
    Templates {
        #[command(subcommand)]
        action: TemplatesAction,
    },
    /// Build the built-in sample project (OctoAcme) end to end and print
    /// where the outputs are.
    Demo(DemoArgs),
    /// Build the support knowledge base: a static site over every release
    /// and known issue.
    Kb(KbArgs),
    /// Preview every page of a release in the browser, rebuilt as files change.
    Preview(PreviewArgs),
    /// Create `.relnotes/` with a commented configuration.
    Init,
    /// Print the JSON Schema of an input file, for editor completion.
    Schema(SchemaArgs),
    /// Print shell completions.
    Completions(CompletionsArgs),
    /// Print the manual page (roff).
    Man(ManArgs),
}

#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    pub select: Select,
    /// Build every release in the history, and the unreleased changes.
    #[arg(long, conflicts_with_all = ["tag", "unreleased"])]
    pub all: bool,
    /// Output directory (default: `output.dir` of the configuration, or
    /// `dist`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Formats to write, comma separated.
    #[arg(long, value_delimiter = ',', value_enum, value_name = "FORMATS")]
    pub format: Vec<FormatArg>,
    /// Rebuild every release named, even those whose outputs are up to
    /// date (by default a tagged release is rebuilt only when its tag,
    /// inputs, configuration, templates or relnotes changed).
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub select: Select,
    /// Report format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Treat warnings (such as commits without change files) as blocking.
    #[arg(long)]
    pub strict: bool,
    /// Which moment of the release to check.
    #[arg(long, value_enum, default_value_t = StageArg::PreRelease)]
    pub stage: StageArg,
    /// The pull-request gate: check only the commits of this branch (not in
    /// --base) and fail when one that customers would notice has no change
    /// file.
    #[arg(long, conflicts_with_all = ["tag", "stage", "strict"])]
    pub changes: bool,
    /// With --changes: the branch the pull request goes into (default: the
    /// first of origin/main, origin/master, main, master that exists).
    #[arg(long, value_name = "REF", requires = "changes")]
    pub base: Option<String>,
    /// In a monorepo: check a product release (`releases/<VERSION>.yaml`),
    /// ready when every package release it bundles is.
    #[arg(long, value_name = "VERSION", conflicts_with_all = ["tag", "unreleased", "changes"])]
    pub product: Option<String>,
}

#[derive(Debug, Args)]
pub struct ContextArgs {
    #[command(flatten)]
    pub select: Select,
    /// Every release in the history.
    #[arg(long, conflicts_with_all = ["tag", "unreleased"])]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct NextArgs {
    /// Say which changes decided it.
    #[arg(long)]
    pub explain: bool,
}

#[derive(Debug, Args)]
pub struct NewArgs {
    /// Change kind.
    #[arg(long = "type", value_name = "TYPE", value_parser = clap::builder::PossibleValuesParser::new(ChangeKind::names()))]
    pub kind: Option<String>,
    /// The change breaks existing use (needs an upgrade step).
    #[arg(long)]
    pub breaking: bool,
    /// Audiences (customer, support, internal); repeat or comma separate.
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(Audience::names()))]
    pub audience: Vec<String>,
    /// Customer segments; repeat or comma separate.
    #[arg(long, value_delimiter = ',')]
    pub segment: Vec<String>,
    /// Pull request numbers.
    #[arg(long, value_delimiter = ',')]
    pub pr: Vec<u64>,
    /// The customer-facing text.
    #[arg(short, long, value_name = "TEXT")]
    pub message: Option<String>,
    /// The change id (file name); default: made from the text.
    #[arg(long)]
    pub id: Option<String>,
}

#[derive(Debug, Args)]
pub struct NotesArgs {
    #[command(flatten)]
    pub select: Select,
    /// Whose page.
    #[arg(long, value_enum, default_value_t = NotesAudience::Customer)]
    pub audience: NotesAudience,
    /// The customer page of this segment (default: the page for all
    /// customers).
    #[arg(long, value_name = "ID")]
    pub segment: Option<String>,
    /// Markdown, HTML, or plain text.
    #[arg(long, value_enum, default_value_t = NotesFormat::Md)]
    pub format: NotesFormat,
}

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// The checklist of one release type (default: every type, with what
    /// differs per type).
    #[arg(long = "type", value_enum, value_name = "TYPE")]
    pub release_type: Option<ReleaseTypeArg>,
    /// Markdown, HTML, or JSON (the items with ids, for tools).
    #[arg(long, value_enum, default_value_t = ChecklistFormat::Md)]
    pub format: ChecklistFormat,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ReleaseTypeArg {
    Major,
    Minor,
    Patch,
    Hotfix,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChecklistFormat {
    Md,
    Html,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NotesAudience {
    Customer,
    Support,
    Stakeholders,
    Readiness,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum NotesFormat {
    Md,
    Html,
    Text,
}

#[derive(Debug, Args)]
pub struct AnnounceArgs {
    #[command(flatten)]
    pub select: Select,
    /// Output directory (default: `<output dir>/announce/<version>`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Where the pages are published, for the link in the Slack message.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct FeedArgs {
    /// Output directory (default: `<output dir>/feeds`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Where the pages are published (for absolute links and ids), for
    /// example https://example.com/releases.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
}

#[derive(Debug, Args)]
pub struct ChangelogArgs {
    /// The file to write (default: CHANGELOG.md at the repository root).
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Write nothing; exit 1 if the file is missing or out of date (for CI).
    #[arg(long)]
    pub check: bool,
    /// Whose changes: what all customers see, or everything support sees.
    #[arg(long, value_enum, default_value_t = ChangelogAudienceArg::Customer)]
    pub audience: ChangelogAudienceArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum ChangelogAudienceArg {
    Customer,
    Support,
}

#[derive(Debug, Subcommand)]
pub enum IncidentAction {
    /// Write `.relnotes/incidents/<id>.md` with every field of the playbook
    /// to fill in.
    New(IncidentNewArgs),
}

#[derive(Debug, Args)]
pub struct IncidentNewArgs {
    /// The release the incident is about, for example 2.0.0.
    #[arg(long)]
    pub release: String,
    /// The incident id (file name); default: the next free `INC-<n>`.
    #[arg(long)]
    pub id: Option<String>,
    /// What went wrong, in one line.
    #[arg(short, long, value_name = "TEXT")]
    pub message: Option<String>,
    /// How bad it is.
    #[arg(long, value_enum, default_value_t = SeverityArg::High)]
    pub severity: SeverityArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum SeverityArg {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Debug, Args)]
pub struct ReleaseArgs {
    /// The version, for example 1.4.0.
    pub version: String,
    /// Start a hotfix that fixes this incident or known issue (repeat for
    /// several): `type: hotfix` and `fixes` in the metadata.
    #[arg(long, value_name = "ID")]
    pub hotfix: Vec<String>,
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Where to create the sample (default: a new temporary directory).
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct KbArgs {
    /// Output directory (default: `<output dir>/kb`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Site format: HTML with search, or Markdown for a wiki.
    #[arg(long, value_enum, default_value_t = KbFormat::Html)]
    pub format: KbFormat,
    /// Who the site is for: support (everything but internal notes) or
    /// customers (customer-visible text only).
    #[arg(long, value_enum, default_value_t = KbAudience::Support)]
    pub audience: KbAudience,
}

#[derive(Debug, Args)]
pub struct PreviewArgs {
    #[command(flatten)]
    pub select: Select,
    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 4173)]
    pub port: u16,
    /// Address to listen on. Anything but loopback exposes unreleased
    /// notes to the network.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
    /// With a --host other than loopback: another name this machine is
    /// reached by (repeatable); its own names and addresses are accepted.
    #[arg(long, value_name = "NAME")]
    pub allow_host: Vec<String>,
    /// Open the index page in the default browser.
    #[arg(long)]
    pub open: bool,
}

#[derive(Debug, Args)]
pub struct SchemaArgs {
    /// Which file.
    #[arg(value_enum)]
    pub kind: SchemaKind,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write every page (relnotes.1 and one per command, which the main
    /// page refers to) into this folder instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    pub shell: clap_complete::Shell,
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
    /// incident front matter
    Incident,
    /// .relnotes/checklist.yaml
    Checklist,
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
    /// The rollback and incident playbook (also evaluated at any stage
    /// once a deploy failed or an incident is recorded).
    Incident,
}

impl Cli {
    pub fn command() -> clap::Command {
        <Cli as clap::CommandFactory>::command()
    }

    /// Parses the arguments after the program name (for tests and tools
    /// that check command lines written down elsewhere).
    pub fn try_parse_args(args: &[String]) -> Result<Cli, clap::Error> {
        <Cli as Parser>::try_parse_from(
            std::iter::once("relnotes".to_string()).chain(args.iter().cloned()),
        )
    }
}

// ------------------------------------------------------------- requests
// The command line becomes the commands' requests here, once.

impl Select {
    /// The releases these flags name (`all`: every release).
    pub fn target(&self, all: bool) -> Target {
        if all {
            Target::All
        } else if self.unreleased {
            Target::Unreleased(self.version.clone())
        } else if let Some(t) = &self.tag {
            Target::Tag(t.clone())
        } else {
            Target::Latest
        }
    }
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Md => Format::Md,
            FormatArg::Html => Format::Html,
        }
    }
}

impl From<BuildArgs> for BuildRequest {
    fn from(a: BuildArgs) -> BuildRequest {
        BuildRequest {
            target: a.select.target(a.all),
            out: a.out,
            formats: a.format.into_iter().map(Format::from).collect(),
            force: a.force,
        }
    }
}

impl From<CheckArgs> for CheckRequest {
    fn from(a: CheckArgs) -> CheckRequest {
        CheckRequest {
            target: a.select.target(false),
            json: a.format == ReportFormat::Json,
            stage: match a.stage {
                StageArg::PreRelease => Stage::PreRelease,
                StageArg::PostDeploy => Stage::PostDeploy,
                StageArg::Incident => Stage::Incident,
            },
            strict: a.strict,
            changes: a.changes.then(|| a.base.clone().unwrap_or_default()),
            product: a.product,
        }
    }
}
