//! `relnotes init`: creates `.relnotes/` with a commented configuration.

use super::{repo_root, Global};
use crate::error::{Error, Result};
use crate::Outcome;

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

pub fn run(g: &Global) -> Result<Outcome> {
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
    Ok(Outcome::Success)
}
