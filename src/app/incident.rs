//! `relnotes incident new`: writes an incident record for a release into
//! `.relnotes/incidents/`, with every field of the rollback and incident
//! playbook present as a commented example, and reads it back to prove it
//! is valid input.

use super::cli::{IncidentNewArgs, SeverityArg};
use super::{repo_root, Global};
use crate::error::{Error, Result};
use crate::Outcome;

pub fn new(g: &Global, args: IncidentNewArgs) -> Result<Outcome> {
    let IncidentNewArgs {
        release,
        id,
        message,
        severity,
    } = args;
    let version = semver::Version::parse(release.trim_start_matches('v')).map_err(|e| {
        Error::usage(
            format!("--release `{release}` is not a version: {e}"),
            "give the release's version, for example --release 2.0.0",
        )
    })?;
    let root = repo_root(&g.repo)?;
    let dir = root.join(".relnotes/incidents");
    let id = match id {
        Some(id) => {
            if let Some(problem) = crate::domain::text::id_problem(&id) {
                return Err(Error::usage(
                    format!("--id `{id}` {problem}"),
                    "the id names the incident's file and page: use letters, digits and `-`, for example --id INC-7",
                ));
            }
            id
        }
        None => next_id(&dir),
    };
    let path = dir.join(format!("{id}.md"));
    if path.exists() {
        return Err(Error::usage(
            format!("{} already exists", path.display()),
            "edit it, or give another --id",
        ));
    }
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
    let title = message.unwrap_or_else(|| format!("Production problem after deploying {version}"));
    let severity = match severity {
        SeverityArg::Low => "low",
        SeverityArg::Medium => "medium",
        SeverityArg::High => "high",
        SeverityArg::Critical => "critical",
    };
    let hotfix = semver::Version::new(version.major, version.minor, version.patch + 1);
    let text = skeleton(&version.to_string(), &hotfix.to_string(), &title, severity);
    std::fs::write(&path, text).map_err(|e| Error::io("writing", &path, e))?;
    // Read it back: what we write must be valid input.
    let guard = crate::sources::files::Guard::new(&root, Default::default());
    crate::sources::files::read_incident(&guard, &path)?;
    g.say(format!(
        "wrote {}: fill in the on-call, the decision, the root cause and the action items; `relnotes check --tag <tag> --stage incident` shows what is missing",
        path.display()
    ));
    Ok(Outcome::Success)
}

/// `INC-<n>` with the next number after those in `dir`.
fn next_id(dir: &std::path::Path) -> String {
    let highest = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter_map(|e| {
                    let name = e.file_name().to_string_lossy().into_owned();
                    name.strip_prefix("INC-")?
                        .strip_suffix(".md")?
                        .parse::<u32>()
                        .ok()
                })
                .max()
                .unwrap_or(0)
        })
        .unwrap_or(0);
    format!("INC-{}", highest + 1)
}

fn skeleton(version: &str, hotfix: &str, title: &str, severity: &str) -> String {
    let title = title.replace('"', "'");
    format!(
        r#"---
release: {version}
title: "{title}"
severity: {severity}
# When it started and when it was resolved (RFC 3339):
# started: 2026-04-22T09:05:00Z
# resolved: 2026-04-22T10:30:00Z
# Who was on call, and when they were told:
# on_call: {{ who: Dana Reyes, notified_at: 2026-04-22T09:10:00Z }}
# The decision: roll back to the last known-good release ...
# rollback: {{ to: 1.2.0, at: 2026-04-22T09:40:00Z }}
# ... or fix forward with a hotfix release:
# fixed_by: {hotfix}
# What caused it, once triaged:
# root_cause: |
#   The migration locked the invoices table for twelve minutes.
# Follow-ups from the postmortem (status: open, in-progress, done, wont-do):
# action_items:
#   - {{ title: Add a lock timeout to migrations, owner: Kim Ortiz, due: 2026-05-06 }}
# What customers read on the release's page if it was withdrawn:
# customer_message: |
#   Version {version} was withdrawn; the previous version stays current.
---
The timeline, one line per step:

- (time) what happened, who did what
"#
    )
}
