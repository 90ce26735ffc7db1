//! `relnotes schema`: JSON Schema of each input file, generated from the
//! same types that read them, for editor completion and validation (for
//! example with yaml-language-server). Change files and known issues are
//! described by their front matter. Also the other documents generated
//! from the command line's own description: completions and the manual.

use super::cli::{Cli, SchemaKind};
use super::print_stdout;
use crate::domain::checklist::ChecklistFile;
use crate::domain::config::Config;
use crate::domain::input::{ChangeFront, IncidentFront, KnownIssueFront, ReleaseMeta};
use crate::error::{Error, Result};
use crate::Outcome;

/// `relnotes schema KIND`.
pub fn run(kind: SchemaKind) -> Result<Outcome> {
    let kind = match kind {
        SchemaKind::Config => Kind::Config,
        SchemaKind::Change => Kind::Change,
        SchemaKind::Release => Kind::Release,
        SchemaKind::KnownIssue => Kind::KnownIssue,
        SchemaKind::Incident => Kind::Incident,
        SchemaKind::Checklist => Kind::Checklist,
    };
    print_stdout(&schema(kind))?;
    Ok(Outcome::Success)
}

/// `relnotes completions SHELL`.
pub fn completions(shell: clap_complete::Shell) -> Result<Outcome> {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "relnotes", &mut buf);
    print_stdout(&String::from_utf8_lossy(&buf))?;
    Ok(Outcome::Success)
}

/// `relnotes man`: the main page on standard output, or with `dir` every
/// page, so the `relnotes-build(1)` the main page names exist.
pub fn man(dir: Option<&std::path::Path>) -> Result<Outcome> {
    let mut cmd = Cli::command();
    // Built, so the generated `help` command is listed (and gets a page).
    cmd.build();
    let Some(dir) = dir else {
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd)
            .render(&mut buf)
            .map_err(|e| Error::io("writing", "stdout", e))?;
        print_stdout(&String::from_utf8_lossy(&buf))?;
        return Ok(Outcome::Success);
    };
    std::fs::create_dir_all(dir).map_err(|e| Error::io("creating", dir, e))?;
    let mut pages = vec![("relnotes".to_string(), cmd.clone())];
    for sub in cmd.get_subcommands() {
        let name = format!("relnotes-{}", sub.get_name());
        pages.push((name.clone(), sub.clone().name(name)));
    }
    for (name, page) in pages {
        let path = dir.join(format!("{name}.1"));
        let mut buf = Vec::new();
        clap_mangen::Man::new(page)
            .render(&mut buf)
            .map_err(|e| Error::io("writing", &path, e))?;
        std::fs::write(&path, buf).map_err(|e| Error::io("writing", &path, e))?;
    }
    Ok(Outcome::Success)
}

/// The input files that have a schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `.relnotes/config.yaml`
    Config,
    /// The front matter of `.relnotes/changes/*/*.md`
    Change,
    /// `.relnotes/releases/<version>.yaml`
    Release,
    /// The front matter of `.relnotes/known-issues/*.md`
    KnownIssue,
    /// The front matter of `.relnotes/incidents/*.md`
    Incident,
    /// `.relnotes/checklist.yaml`
    Checklist,
}

/// The schema of `kind`, as pretty-printed JSON.
pub fn schema(kind: Kind) -> String {
    let (schema, title) = match kind {
        Kind::Config => (
            schemars::schema_for!(Config),
            "relnotes .relnotes/config.yaml",
        ),
        Kind::Change => (
            schemars::schema_for!(ChangeFront),
            "relnotes change file front matter (.relnotes/changes/*/*.md)",
        ),
        Kind::Release => (
            schemars::schema_for!(ReleaseMeta),
            "relnotes release metadata (.relnotes/releases/<version>.yaml)",
        ),
        Kind::KnownIssue => (
            schemars::schema_for!(KnownIssueFront),
            "relnotes known issue front matter (.relnotes/known-issues/*.md)",
        ),
        Kind::Incident => (
            schemars::schema_for!(IncidentFront),
            "relnotes incident front matter (.relnotes/incidents/*.md)",
        ),
        Kind::Checklist => (
            schemars::schema_for!(ChecklistFile),
            "relnotes Release Readiness Checklist changes (.relnotes/checklist.yaml)",
        ),
    };
    let mut value = schema.to_value();
    if let Some(obj) = value.as_object_mut() {
        obj.insert("title".into(), title.into());
    }
    serde_json::to_string_pretty(&value).expect("a schema serializes") + "\n"
}
