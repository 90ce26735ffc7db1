//! `relnotes release VERSION`: starts a release by moving the unreleased
//! change files into it and writing its metadata skeleton, every readiness
//! field pending.

use std::path::PathBuf;

use super::{repo_root, Global};
use crate::engine::Target;
use crate::error::{Error, Result};
use crate::Outcome;

/// The release metadata skeleton: every readiness field present and pending.
pub fn release_skeleton(version: &str, previous: Option<&str>, fixes: &[String]) -> String {
    let skeleton = format!(
        r#"# Release metadata for {version}: fill in each field as the release progresses.
# `relnotes check --tag v{version}` says what is still missing.
name:
# date: {{YYYY-MM-DD}}        # default: the tag's date
# type: minor                # patch | minor | major; default: from the changes
summary: ""                  # one paragraph for customers
highlights: []               # change ids shown first
requirements:
  acceptance_criteria: pending
  prs_merged: pending
  ci: pending                # true, false, or a link to the run
  security_scan: pending
rollback:
  plan: ""
  last_known_good: {lkg}
smoke_tests: []              # - {{ name: Log in, status: pending, env: staging }}
signoffs:
  qa:      {{ status: pending }}
  ux:      {{ status: pending }}
  devops:  {{ status: pending }}
  product: {{ status: pending }}
support:
  trained: pending
  kb_published: pending
  logs_access: pending
  # escalation: '#support-escalations, then the on-call engineer'
  escalation_updated: pending
  hypercare_hours: 48
  notified: pending          # after the deploy
communication:
  plan_finalized: pending
  segments: []
  channels: []
  # send_at: 2026-03-02T15:00:00Z
  feedback: []
  sent: pending              # after the deploy
  announcement_sent: pending # after the deploy
deployment:
  # window: {{ start: 2026-03-02T13:00:00Z, end: 2026-03-02T14:00:00Z }}  # or: not needed
  backup: pending            # or: not applicable
  staging: pending
  # pipeline: https://ci.example/deploy/456
  # automation: true         # or name the pipeline above
  health_checks: pending
  verifications: []          # - {{ name: Health checks green, status: pending }}
  dashboards: []             # - {{ name: Latency, url: https://grafana.example/d/x }}
  alerts_configured: pending
  channels: []
  production: pending        # after the deploy
  dashboards_reviewed: pending # after the deploy
qa:
  critical_flows: []         # - {{ name: Checkout, status: pending }}
  performance: []            # - {{ metric: p95 page ms, baseline: 420, current: 380 }}
incident:
  on_call: ""
"#,
        lkg = previous.unwrap_or("\"\"")
    );
    if fixes.is_empty() {
        return skeleton;
    }
    skeleton.replacen(
        "# type: minor                # patch | minor | major; default: from the changes\n",
        &format!(
            "type: hotfix                 # a patch for a production problem: a smaller gate\nfixes: [{}]\n",
            fixes.join(", ")
        ),
        1,
    )
}

pub fn run(g: &Global, version: &str, hotfix: &[String]) -> Result<Outcome> {
    let root = repo_root(&g.repo)?;
    let v = version.trim_start_matches('v');
    let parsed = semver::Version::parse(v).map_err(|e| {
        Error::usage(
            format!("`{version}` is not a semantic version: {e}"),
            "give a version like 1.4.0",
        )
    })?;
    let sources = super::load(g, Some(&Target::Unreleased(Some(v.to_string()))))?;
    // The last known-good release: never one an incident rolled back.
    let rolled_back: Vec<String> = sources
        .inputs
        .incidents
        .iter()
        .filter(|i| i.front.rollback.is_some())
        .map(|i| i.front.release.to_string())
        .collect();
    let previous = sources
        .tags
        .iter()
        .rev()
        .find(|t| {
            t.version < parsed
                && t.version.pre.is_empty()
                && !rolled_back.contains(&t.version.to_string())
        })
        .map(|t| t.version.to_string());
    for id in hotfix {
        let known = sources.inputs.incidents.iter().any(|i| &i.id == id)
            || sources
                .inputs
                .known_issues
                .iter()
                .any(|k| &k.front.id == id);
        if !known {
            return Err(Error::usage(
                format!("--hotfix {id}: no incident or known issue has this id"),
                "name an incident (.relnotes/incidents/<id>.md; `relnotes incident new` writes one) or a known issue by its id",
            ));
        }
    }
    let dir = root.join(".relnotes");
    // A package of a monorepo keeps its change files and metadata in
    // folders of its own.
    let (changes, releases) = match &g.package {
        Some(p) => (dir.join("changes").join(p), dir.join("releases").join(p)),
        None => (dir.join("changes"), dir.join("releases")),
    };
    let from = changes.join("unreleased");
    let to = changes.join(v);
    let mut moved = Vec::new();
    if let Some(p) = &g.package {
        moved.extend(take_shared(&dir.join("changes/unreleased"), &to, p)?);
    }
    if from.is_dir() {
        let files = change_files_in(&from)?;
        for f in &files {
            free_in_release(&to.join(f.file_name().expect("a file")))?;
        }
        if !files.is_empty() {
            std::fs::create_dir_all(&to).map_err(|e| Error::io("creating", &to, e))?;
        }
        for f in files {
            let target = to.join(f.file_name().expect("a file"));
            std::fs::rename(&f, &target).map_err(|e| Error::io("moving", &f, e))?;
            moved.push(target);
        }
    }
    g.say(format!(
        "moved {} change file(s) into {}",
        moved.len(),
        to.display()
    ));
    let meta = releases.join(format!("{v}.yaml"));
    if meta.exists() {
        g.say(format!("kept the existing {}", meta.display()));
    } else {
        std::fs::create_dir_all(meta.parent().expect("has parent"))
            .map_err(|e| Error::io("creating", &meta, e))?;
        std::fs::write(&meta, release_skeleton(v, previous.as_deref(), hotfix))
            .map_err(|e| Error::io("writing", &meta, e))?;
        g.say(format!("wrote {}", meta.display()));
    }
    Ok(Outcome::Success)
}

/// Shared unreleased change files (`changes/unreleased/`) that name
/// `package` go into its release folder `to`: moved when it is the only
/// package they name, else copied, with the package taken off their
/// `packages: [...]` list so the others still get them.
fn take_shared(
    shared: &std::path::Path,
    to: &std::path::Path,
    package: &str,
) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    if !shared.is_dir() {
        return Ok(out);
    }
    for f in change_files_in(shared)? {
        let text = std::fs::read_to_string(&f).map_err(|e| Error::io("reading", &f, e))?;
        let Some((line, names)) = packages_line(&text) else {
            continue;
        };
        if !names.iter().any(|n| n == package) {
            continue;
        }
        let target = to.join(f.file_name().expect("a file"));
        free_in_release(&target)?;
        std::fs::create_dir_all(to).map_err(|e| Error::io("creating", to, e))?;
        let rest: Vec<&str> = names
            .iter()
            .map(String::as_str)
            .filter(|n| *n != package)
            .collect();
        if rest.is_empty() {
            std::fs::rename(&f, &target).map_err(|e| Error::io("moving", &f, e))?;
        } else {
            std::fs::write(&target, &text).map_err(|e| Error::io("writing", &target, e))?;
            let kept = text.replacen(line, &format!("packages: [{}]", rest.join(", ")), 1);
            std::fs::write(&f, kept).map_err(|e| Error::io("writing", &f, e))?;
        }
        out.push(target);
    }
    Ok(out)
}

/// The `packages: [a, b]` line of a change file's front matter and the
/// names it lists.
fn packages_line(text: &str) -> Option<(&str, Vec<String>)> {
    let front = text.strip_prefix("---")?.split("\n---").next()?;
    let line = front.lines().find(|l| l.starts_with("packages:"))?;
    let list = line["packages:".len()..].trim();
    let inner = list.strip_prefix('[')?.strip_suffix(']')?;
    let names = inner
        .split(',')
        .map(|n| n.trim().trim_matches(['"', '\'']).to_string())
        .filter(|n| !n.is_empty())
        .collect();
    Some((line, names))
}

/// The change files (`*.md`) of a folder, in name order.
fn change_files_in(dir: &std::path::Path) -> Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io("reading", dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    files.sort();
    Ok(files)
}

/// A change file may go to `target` in the release folder only if no file
/// of that name is there.
fn free_in_release(target: &std::path::Path) -> Result<()> {
    if target.exists() {
        return Err(Error::invalid(
            target,
            "a change file of this name is already in the release",
            "rename one of the two change files, then run again",
        ));
    }
    Ok(())
}
