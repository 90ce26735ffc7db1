//! `relnotes next`: the next version number, from the changes since the
//! newest release, and with `--explain` the changes that decide it.

use super::{print_stdout, Global};
use crate::engine::Target;
use crate::error::Result;
use crate::Outcome;

pub fn run(g: &Global, explain: bool) -> Result<Outcome> {
    let sources = super::load(g, Some(&Target::Unreleased(Some("unreleased".into()))))?;
    let (v, why) = sources.next_version()?;
    let mut out = format!("{v}\n");
    if explain {
        let prev = sources
            .unreleased_previous()
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
