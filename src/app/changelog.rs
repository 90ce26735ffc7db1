//! `relnotes changelog`: writes `CHANGELOG.md` (Keep a Changelog shape)
//! from every release, or with `--check` says whether the file is up to
//! date (for CI). Only the part between relnotes' markers is written; the
//! rest of the file is the project's.

use std::path::PathBuf;

use super::cli::{ChangelogArgs, ChangelogAudienceArg};
use super::Global;
use crate::domain::input::Audience;
use crate::engine::Target;
use crate::error::{Error, Result};
use crate::render::changelog::{self, ChangelogAudience};
use crate::render::Renderer;
use crate::Outcome;

pub fn run(g: &Global, args: ChangelogArgs) -> Result<Outcome> {
    let sources = super::load(g, Some(&Target::All))?;
    let path: PathBuf = match args.out {
        Some(p) => p,
        // A package's changelog goes in its own folder.
        None => match sources.package_folder() {
            Some(folder) => sources.root.join(folder).join("CHANGELOG.md"),
            None => sources.root.join("CHANGELOG.md"),
        },
    };
    if path.is_dir() {
        return Err(Error::usage(
            format!("{} is a folder", path.display()),
            "give --out the changelog's file name, for example --out CHANGELOG.md",
        ));
    }
    let inputs = sources.workdir.join(".relnotes");
    if std::path::absolute(&path).is_ok_and(|p| p.starts_with(&inputs)) {
        return Err(Error::usage(
            format!("will not write {} inside .relnotes/", path.display()),
            "the changelog goes beside the code, for example CHANGELOG.md at the repository root",
        ));
    }
    let renderer = Renderer::new(&sources.templates("")?)?;
    let assembled = sources.assemble(&Target::All)?;
    for r in &assembled.releases {
        g.warn(super::release_word(r), &r.version, &r.warnings);
    }
    let audience = match args.audience {
        ChangelogAudienceArg::Customer => ChangelogAudience::Customer,
        ChangelogAudienceArg::Support => ChangelogAudience::Support,
    };
    let needs = match audience {
        ChangelogAudience::Customer => Audience::Customer,
        ChangelogAudience::Support => Audience::Support,
    };
    if !sources.config.writes_for(needs) {
        return Err(sources.config.not_written_for(
            needs,
            &format!("{} changelog (try --audience support)", needs.as_str()),
        ));
    }
    let ctx = changelog::context(
        &assembled.project,
        &sources.config,
        &assembled.releases,
        audience,
    );
    let body = changelog::render(&renderer, &ctx)?;
    let existing = match std::fs::read_to_string(&path) {
        Ok(t) => Some(t),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(Error::io("reading", &path, e)),
    };
    let Some(text) = changelog::splice(existing.as_deref(), &body) else {
        return Err(Error::invalid(
            &path,
            format!(
                "this changelog has no `{}` line, so relnotes does not know which part is its own",
                changelog::BEGIN
            ),
            format!(
                "add a line `{}` where relnotes' part goes (and `{}` before a hand-kept older history); nothing above or below them is changed",
                changelog::BEGIN,
                changelog::END
            ),
        ));
    };
    if args.check {
        if existing.as_deref() == Some(text.as_str()) {
            g.say(format!("{} is up to date", path.display()));
            return Ok(Outcome::Success);
        }
        let what = if existing.is_none() {
            "does not exist".to_string()
        } else {
            let old: Vec<&str> = existing.as_deref().unwrap_or("").lines().collect();
            let new: Vec<&str> = text.lines().collect();
            let first = old
                .iter()
                .zip(&new)
                .position(|(a, b)| a != b)
                .unwrap_or(old.len().min(new.len()));
            format!(
                "is out of date (from line {}: {:?} should be {:?})",
                first + 1,
                old.get(first).copied().unwrap_or(""),
                new.get(first).copied().unwrap_or("")
            )
        };
        eprintln!(
            "{} {what}; run `relnotes changelog` and commit the result",
            path.display()
        );
        return Ok(Outcome::NotReady);
    }
    if existing.as_deref() == Some(text.as_str()) {
        g.say(format!("{} is up to date", path.display()));
        return Ok(Outcome::Success);
    }
    write_atomically(&path, &text)?;
    g.say(format!(
        "wrote {} ({} release(s){})",
        path.display(),
        ctx.releases.len(),
        if ctx.unreleased.is_some() {
            " and the unreleased changes"
        } else {
            ""
        }
    ));
    Ok(Outcome::Success)
}

/// Writes `text` to `path` through a file beside it and one rename: a
/// failed run leaves the old changelog as it was.
fn write_atomically(path: &std::path::Path, text: &str) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).map_err(|e| Error::io("creating", &dir, e))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".changelog.relnotes-")
        .tempfile_in(&dir)
        .map_err(|e| Error::io("creating a temporary file in", &dir, e))?;
    tmp.write_all(text.as_bytes())
        .map_err(|e| Error::io("writing", tmp.path().to_path_buf(), e))?;
    tmp.persist(path)
        .map_err(|e| Error::io("writing", path, e.error))?;
    Ok(())
}
