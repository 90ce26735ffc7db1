//! `relnotes templates`: lists the built-in templates, or writes them out
//! for editing (a user's template wins over the built-in of the same name).

use std::path::PathBuf;

use super::cli::TemplatesAction;
use super::{print_stdout, repo_root, Global};
use crate::error::{Error, Result};
use crate::render;
use crate::Outcome;

pub fn run(g: &Global, action: TemplatesAction) -> Result<Outcome> {
    match action {
        TemplatesAction::Eject { dir, force } => eject(g, dir, force)?,
        TemplatesAction::List => {
            let names: Vec<&str> = render::BUILTIN.iter().map(|(n, _)| *n).collect();
            print_stdout(&(names.join("\n") + "\n"))?;
        }
    }
    Ok(Outcome::Success)
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
