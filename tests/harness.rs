//! The fixture harness: every folder under `fixtures/` is one case. The
//! harness builds the case's git repository in a temporary directory (fixed
//! authors and dates, so commit ids are stable), copies its `relnotes/`
//! folder to `.relnotes/`, runs the real `relnotes` binary for each run in
//! `case.yaml`, and compares exit code, stdout, stderr and written files
//! with `expected/`. After a deliberate change, `RELNOTES_BLESS=1 cargo
//! test` rewrites every expected file and `RELNOTES_BLESS=case,other` only
//! those of the cases named. Differences are shown as unified diffs. See
//! fixtures/README.md.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// The history to create (default: `history.yaml` in the case folder).
    #[serde(default)]
    pub history: Option<String>,
    /// The `.relnotes/` inputs (default: `relnotes/` in the case folder, if
    /// it exists).
    #[serde(default)]
    pub relnotes: Option<String>,
    pub runs: Vec<Run>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Run {
    pub name: String,
    /// Files to write (path relative to the repository -> content) before
    /// the run.
    #[serde(default)]
    pub write: BTreeMap<String, String>,
    /// Files to delete before the run.
    #[serde(default)]
    pub remove: Vec<String>,
    /// Text replacements in files before the run: path -> [{from, to}].
    #[serde(default)]
    pub edit: BTreeMap<String, Vec<Edit>>,
    pub args: Vec<String>,
    #[serde(default)]
    pub exit: i32,
    /// A directory (relative to the repository) to compare with
    /// `expected/<tree_expected or name>/`.
    #[serde(default)]
    pub tree: Option<String>,
    #[serde(default)]
    pub tree_expected: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edit {
    pub from: String,
    pub to: String,
}

pub fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_relnotes")
}

/// Whether the expected outputs of `name` are to be rewritten:
/// `RELNOTES_BLESS=1` (or `all`) rewrites every case's, a comma-separated
/// list only those named; unset, empty or `0` none.
pub fn bless(name: &str) -> bool {
    let Some(v) = std::env::var_os("RELNOTES_BLESS") else {
        return false;
    };
    let v = v.to_string_lossy();
    match v.trim() {
        "" | "0" => false,
        "1" | "all" => true,
        list => list.split(',').any(|n| n.trim() == name),
    }
}

/// Creates the repository of the fixture case `name` in `dir`: its history
/// and its `.relnotes/` inputs, as the harness does before the runs.
pub fn case_repo(name: &str, dir: &Path) {
    let case_dir = fixtures_dir().join(name);
    let text = std::fs::read_to_string(case_dir.join("case.yaml")).unwrap();
    let case: Case = serde_yaml::from_str(&text).unwrap();
    setup_repo(&case_dir, &case, dir);
}

/// Creates the case's repository in `dir`.
pub fn setup_repo(case_dir: &Path, case: &Case, dir: &Path) {
    let history = case_dir.join(case.history.as_deref().unwrap_or("history.yaml"));
    let text =
        std::fs::read_to_string(&history).unwrap_or_else(|e| panic!("{}: {e}", history.display()));
    let spec: relnotes::sources::git::HistorySpec =
        relnotes::sources::yaml::parse(&history, &text, 1).unwrap();
    relnotes::sources::git::write_history(dir, &spec).unwrap();
    let inputs = case_dir.join(case.relnotes.as_deref().unwrap_or("relnotes"));
    if inputs.is_dir() {
        copy_dir(&inputs, &dir.join(".relnotes"));
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).sort_by_file_name() {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let target = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Runs the binary in `repo` and returns (exit code, stdout, stderr) with
/// the repository path replaced by `[REPO]`.
pub fn run_in(repo: &Path, args: &[String]) -> (i32, String, String) {
    let out = Command::new(bin())
        .args(args)
        .current_dir(repo)
        .env("NO_COLOR", "1")
        .env_remove("RUST_BACKTRACE")
        .env_remove("RELNOTES_TRACE_PERFORMANCE")
        .output()
        .expect("run relnotes");
    let clean = |b: &[u8]| {
        let s = String::from_utf8_lossy(b).into_owned();
        let canon = repo.canonicalize().unwrap();
        s.replace(&canon.display().to_string(), "[REPO]")
            .replace(&repo.display().to_string(), "[REPO]")
    };
    (
        out.status.code().unwrap_or(-1),
        clean(&out.stdout),
        clean(&out.stderr),
    )
}

/// Every file below `dir`, by relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if !dir.is_dir() {
        return out;
    }
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.unwrap();
        if entry.file_type().is_file() {
            let rel = entry
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            out.insert(rel, std::fs::read(entry.path()).unwrap());
        }
    }
    out
}

/// HTML we write must never carry script or markup from inputs. Returns
/// what is wrong, if anything.
pub fn unsafe_html(name: &str, html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let handler = regex::Regex::new(r#"<[^>]*\son[a-z]+\s*="#).unwrap();
    let js_link = regex::Regex::new(r#"(href|src|action)\s*=\s*["']?\s*javascript:"#).unwrap();
    for (bad, what) in [
        (lower.contains("<script"), "a <script> element"),
        (lower.contains("<iframe"), "an <iframe>"),
        (
            lower.contains("<style") && lower.matches("<style").count() > 1,
            "a second <style> element",
        ),
        (handler.is_match(&lower), "an event handler attribute"),
        (js_link.is_match(&lower), "a javascript: link"),
    ] {
        if bad {
            return Some(format!("{name}: contains {what}"));
        }
    }
    None
}

/// Runs one case; returns the differences found (empty when it passes).
pub fn run_case(case_dir: &Path) -> Vec<String> {
    let case_name = case_dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let bless = || bless(&case_name);
    let text = std::fs::read_to_string(case_dir.join("case.yaml")).unwrap();
    let case: Case =
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", case_dir.display()));
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    setup_repo(case_dir, &case, &repo);
    let expected = case_dir.join("expected");
    let mut problems = Vec::new();
    for run in &case.runs {
        for p in &run.remove {
            std::fs::remove_file(repo.join(p)).unwrap_or_else(|e| panic!("remove {p}: {e}"));
        }
        for (p, content) in &run.write {
            let path = repo.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }
        for (p, edits) in &run.edit {
            let path = repo.join(p);
            let mut text =
                std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("edit {p}: {e}"));
            for e in edits {
                assert!(
                    text.contains(&e.from),
                    "{}: {p} does not contain {:?}",
                    run.name,
                    e.from
                );
                text = text.replacen(&e.from, &e.to, 1);
            }
            std::fs::write(&path, text).unwrap();
        }
        let (code, stdout, stderr) = run_in(&repo, &run.args);
        let transcript = format!(
            "$ relnotes {}\nexit: {code}\n--- stdout\n{stdout}--- stderr\n{stderr}",
            run.args.join(" ")
        );
        if code != run.exit {
            problems.push(format!(
                "{}: exit {code}, expected {}\n{transcript}",
                run.name, run.exit
            ));
        }
        let file = expected.join(format!("{}.txt", run.name));
        compare(&file, transcript.as_bytes(), bless(), &mut problems);
        if let Some(tree) = &run.tree {
            let mut actual = read_tree(&repo.join(tree));
            // Build stamps hash relnotes' own source, so they change with
            // every commit; tests/build.rs checks them.
            actual.retain(|name, _| !name.ends_with("/.relnotes-build"));
            for (name, bytes) in &actual {
                if name.ends_with(".html") {
                    problems.extend(unsafe_html(name, &String::from_utf8_lossy(bytes)));
                }
            }
            let exp_dir = expected.join(run.tree_expected.as_deref().unwrap_or(&run.name));
            if bless() && run.tree_expected.is_none() {
                let _ = std::fs::remove_dir_all(&exp_dir);
                for (name, bytes) in &actual {
                    let p = exp_dir.join(name);
                    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                    std::fs::write(p, bytes).unwrap();
                }
            } else {
                let want = read_tree(&exp_dir);
                for name in want
                    .keys()
                    .chain(actual.keys())
                    .collect::<std::collections::BTreeSet<_>>()
                {
                    match (want.get(name), actual.get(name)) {
                        (Some(a), Some(b)) if a == b => {}
                        (Some(a), Some(b)) => {
                            problems.push(format!("{}: {name} differs\n{}", run.name, diff(a, b)))
                        }
                        (Some(_), None) => {
                            problems.push(format!("{}: {name} was not written", run.name))
                        }
                        (None, Some(_)) => {
                            problems.push(format!("{}: {name} is not expected", run.name))
                        }
                        (None, None) => unreachable!(),
                    }
                }
            }
        }
    }
    problems
}

fn compare(file: &Path, actual: &[u8], bless: bool, problems: &mut Vec<String>) {
    if bless {
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, actual).unwrap();
        return;
    }
    match std::fs::read(file) {
        Ok(want) if want == actual => {}
        Ok(want) => problems.push(format!(
            "{} differs\n{}",
            file.display(),
            diff(&want, actual)
        )),
        Err(_) => problems.push(format!(
            "{} is missing (run with RELNOTES_BLESS=<case> to create it)\n{}",
            file.display(),
            String::from_utf8_lossy(actual)
        )),
    }
}

/// A unified diff of expected and actual text, with three lines of context.
pub fn diff(want: &[u8], got: &[u8]) -> String {
    let w = String::from_utf8_lossy(want);
    let g = String::from_utf8_lossy(got);
    similar::TextDiff::from_lines(w.as_ref(), g.as_ref())
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string()
}

/// The folder of the browser tests, once node, Chromium and playwright-core
/// are there. The browser tests are `#[ignore]`d, so plain `cargo test`
/// lists them as ignored instead of passing them silently; whoever runs them
/// (`.ci/run` does, with `--include-ignored`) gets a failure saying what is
/// missing.
pub fn browser_ready() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    let node_ok = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let missing: Vec<&str> = [
        (!node_ok, "node"),
        (
            !Path::new("/usr/bin/chromium").exists(),
            "/usr/bin/chromium (apt-get install chromium)",
        ),
        (
            !dir.join("node_modules/playwright-core").is_dir(),
            "tests/browser/node_modules (npm ci --prefix tests/browser)",
        ),
    ]
    .into_iter()
    .filter(|(m, _)| *m)
    .map(|(_, what)| what)
    .collect();
    assert!(
        missing.is_empty(),
        "this browser test needs {}; .ci/run installs them",
        missing.join(", ")
    );
    dir
}
