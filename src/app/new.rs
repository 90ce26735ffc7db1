//! `relnotes new`: writes a change file into `.relnotes/changes/unreleased/`,
//! from flags or by asking on a terminal, and reads it back to prove it is
//! valid input.

use std::io::{IsTerminal, Write};

use super::cli::NewArgs;
use super::{repo_root, Global};
use crate::domain::input::ChangeKind;
use crate::error::{Error, Result};
use crate::Outcome;

pub fn run(g: &Global, args: NewArgs) -> Result<Outcome> {
    let NewArgs {
        kind,
        breaking,
        audience,
        segment,
        pr,
        message,
        id,
    } = args;
    let root = repo_root(&g.repo)?;
    if g.package.is_none() {
        // In a monorepo a change file belongs to packages: one written
        // without any would be in no package's notes.
        let ids = crate::engine::Sources::package_ids(&g.repo)?;
        if !ids.is_empty() {
            return Err(Error::usage(
                format!(
                    "this repository has packages ({}): say which one the change is for",
                    ids.join(", ")
                ),
                format!(
                    "pass --package, for example `relnotes --package {} new ...`; a change for several packages goes in .relnotes/changes/unreleased/ with `packages: [a, b]` in its front matter",
                    ids[0]
                ),
            ));
        }
    }
    let interactive = std::io::stdin().is_terminal() && kind.is_none() && message.is_none();
    let (kind, breaking, message) = if interactive {
        let kinds = ChangeKind::names().join(", ");
        let kind = ask(&format!("Kind ({kinds})"), "added")?;
        if ChangeKind::parse(&kind).is_none() {
            return Err(Error::usage(
                format!("`{kind}` is not a change kind"),
                format!("use one of {kinds}"),
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
                format!("pass --type with one of {}", ChangeKind::names().join(", ")),
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
    let dir = match &g.package {
        Some(p) => root.join(".relnotes/changes").join(p).join("unreleased"),
        None => root.join(".relnotes/changes/unreleased"),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
    if let Some(id) = &id {
        if let Some(problem) = crate::domain::text::id_problem(id) {
            return Err(Error::usage(
                format!("--id `{id}` {problem}"),
                "the id becomes the file name and a link: use letters, digits and `-`, for example --id bulk-export",
            ));
        }
    }
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
    let guard = crate::sources::files::Guard::new(&root, Default::default());
    crate::sources::files::read_change(&guard, &path)?;
    g.say(format!("wrote {}", path.display()));
    Ok(Outcome::Success)
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
