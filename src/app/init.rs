//! `relnotes init`: creates `.relnotes/` with a commented configuration
//! named after the project, and says what to do next.

use std::path::Path;

use super::{repo_root, Global};
use crate::error::{Error, Result};
use crate::Outcome;

/// The configuration `init` writes; `{name}` is the project's name. Lines
/// starting with `# ` are examples: uncommented (the `# ` removed), the
/// file is still valid. Lines starting with `##` explain.
pub const INIT_CONFIG: &str = r#"## relnotes configuration. Every field is optional; `relnotes schema config`
## describes them all, and the book's reference explains each.
project:
  name: {name}
  # url: https://example.com
## Links to pull requests, issues and commits in the pages.
# links:
#   pr: https://git.example/org/repo/pull/{number}
#   issue: https://tracker.example/browse/{id}
#   commit: https://git.example/org/repo/commit/{sha}
tags:
  prefix: v
## Customer segments (id: name): each gets its own customer page.
# segments:
#   enterprise: Enterprise plan
#   beta: Beta program
signoffs:
  required: [qa, ux, devops, product]
## Which commits reach customers when a release has change files too.
# commits:
#   customer: change-files-only
output:
  dir: dist
  formats: [md, html]
"#;

/// The next steps `init` prints.
const NEXT_STEPS: &str = "next steps:
  relnotes new --type added -m \"What changes for customers\"   # a change file per change
  git add .relnotes && git commit -m \"chore: set up relnotes\"
  relnotes next --explain                                       # the version the changes call for
  relnotes release X.Y.Z && git commit -am \"chore(release): X.Y.Z\" && git tag vX.Y.Z
  relnotes check --tag vX.Y.Z && relnotes build --tag vX.Y.Z";

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
        let text = INIT_CONFIG.replace("{name}", &yaml_string(&project_name(&root)));
        std::fs::write(&config, text).map_err(|e| Error::io("writing", &config, e))?;
        g.say(format!("wrote {}", config.display()));
    }
    g.say(NEXT_STEPS);
    Ok(Outcome::Success)
}

/// The project's name: from Cargo.toml, package.json or pyproject.toml,
/// else the repository's folder.
pub fn project_name(root: &Path) -> String {
    let read = |f: &str| std::fs::read_to_string(root.join(f)).ok();
    let from_toml = |text: String, table: &[&str]| -> Option<String> {
        let mut v: toml::Value = toml::from_str(&text).ok()?;
        for key in table {
            v = v.get(*key)?.clone();
        }
        v.get("name")?.as_str().map(str::to_string)
    };
    let from_json = |text: String| -> Option<String> {
        let v: serde_json::Value = serde_json::from_str(&text).ok()?;
        v.get("name")?.as_str().map(str::to_string)
    };
    read("Cargo.toml")
        .and_then(|t| from_toml(t, &["package"]))
        .or_else(|| read("package.json").and_then(from_json))
        .or_else(|| read("pyproject.toml").and_then(|t| from_toml(t, &["project"])))
        .filter(|n| !n.trim().is_empty())
        .or_else(|| root.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "project".into())
}

/// `s` as a YAML scalar: quoted when it could read as something else.
fn yaml_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "project".into())
}
