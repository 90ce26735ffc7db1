//! Output folders: relnotes replaces only what it wrote, never the
//! repository, its inputs or anything above them; it writes through a
//! symlinked --out; one run at a time; and a run killed at any moment
//! leaves the old output or the new one, never a mix.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::harness::{bin, read_tree, run_in};

/// A repository with `releases` tagged releases, each with a change file.
fn repo_with_releases(dir: &Path, releases: usize) {
    let mut steps = String::new();
    for i in 0..releases {
        steps.push_str(&format!(
            "  - commit: \"feat: feature {i} (#{i})\"\n  - tag: v1.{i}.0\n"
        ));
    }
    let yaml =
        format!("author: Sam Park <sam@example.org>\nstart: 2026-01-01T00:00:00Z\nsteps:\n{steps}");
    let spec: relnotes::sources::git::HistorySpec =
        relnotes::sources::yaml::parse(Path::new("history.yaml"), &yaml, 1).unwrap();
    relnotes::sources::git::write_history(dir, &spec).unwrap();
    for i in 0..releases {
        let d = dir.join(format!(".relnotes/changes/1.{i}.0"));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(
            d.join("change.md"),
            format!("---\ntype: added\nprs: [{i}]\n---\nFeature number {i} for everyone.\n"),
        )
        .unwrap();
    }
}

fn relnotes(dir: &Path, args: &[&str]) -> (i32, String) {
    let (code, _, stderr) = run_in(dir, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>());
    (code, stderr)
}

/// Every refusal: exit 2, a hint, and nothing touched.
#[test]
fn outputs_never_replace_what_relnotes_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    repo_with_releases(&repo, 2);
    let foreign = repo.join("docs");
    std::fs::create_dir_all(&foreign).unwrap();
    std::fs::write(foreign.join("keep.md"), "mine").unwrap();
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let repo_s = repo.display().to_string();
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["kb".into(), "--out".into(), ".relnotes".into()],
            "input folder",
        ),
        (
            vec!["kb".into(), "--out".into(), ".relnotes/templates".into()],
            "input folder",
        ),
        (
            vec!["kb".into(), "--out".into(), repo_s.clone()],
            "repository",
        ),
        (
            vec!["kb".into(), "--out".into(), format!("{repo_s}/.")],
            "repository",
        ),
        (vec!["kb".into(), "--out".into(), ".".into()], "repository"),
        (vec!["kb".into(), "--out".into(), "..".into()], "repository"),
        (vec!["build".into(), "--out".into(), "/".into()], "root"),
        (
            vec!["kb".into(), "--out".into(), "docs".into()],
            "did not write",
        ),
        (
            vec!["build".into(), "--out".into(), "docs/".into()],
            "did not write",
        ),
    ];
    for (args, why) in cases {
        let out = Command::new(bin())
            .args(&args)
            .current_dir(&repo)
            .env("HOME", &home)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(why) && stderr.contains("help:"),
            "{args:?}: {stderr}"
        );
    }
    let out = Command::new(bin())
        .args(["kb", "--out"])
        .arg(&home)
        .current_dir(&repo)
        .env("HOME", &home)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("home folder"));
    // Nothing was touched.
    assert_eq!(
        std::fs::read_to_string(foreign.join("keep.md")).unwrap(),
        "mine"
    );
    assert!(repo.join(".git").is_dir());
    assert!(repo.join(".relnotes/changes/1.0.0/change.md").is_file());
    // A folder relnotes wrote is replaced, and an empty one is fine.
    std::fs::create_dir_all(repo.join("empty")).unwrap();
    assert_eq!(relnotes(&repo, &["kb", "--out", "empty"]).0, 0);
    assert_eq!(relnotes(&repo, &["kb", "--out", "empty"]).0, 0);
}

/// Regression: a symlinked --out was replaced by a folder and its target
/// never updated; the kb staged in the grandparent of --out.
#[test]
fn the_kb_before_the_first_build_does_not_block_it_and_a_failed_run_leaves_no_folder() {
    let tmp = tempfile::tempdir().unwrap();
    repo_with_releases(tmp.path(), 2);
    // `kb` makes dist/kb (and its lock in dist/): dist is then relnotes'
    // own, and `build` may write its releases beside the KB.
    let (code, stderr) = relnotes(tmp.path(), &["kb"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, stderr) = relnotes(tmp.path(), &["build", "--all"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(tmp.path().join("dist/1.1.0").is_dir());
    assert!(tmp.path().join("dist/kb/index.html").is_file());
    // A run that fails removes the folders it made for its output.
    std::fs::write(tmp.path().join(".relnotes/config.yaml"), "tags: [\n").unwrap();
    let before = read_tree(tmp.path());
    let (code, stderr) = relnotes(tmp.path(), &["kb", "--out", "site/kb"]);
    assert_eq!(code, 2, "{stderr}");
    std::fs::remove_file(tmp.path().join(".relnotes/config.yaml")).unwrap();
    std::fs::create_dir_all(tmp.path().join(".relnotes/templates/kb")).unwrap();
    std::fs::write(
        tmp.path().join(".relnotes/templates/kb/base.html"),
        "{% if %}",
    )
    .unwrap();
    let (code, stderr) = relnotes(tmp.path(), &["kb", "--out", "site/kb"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("base.html"), "{stderr}");
    assert!(!tmp.path().join("site").exists());
    std::fs::remove_dir_all(tmp.path().join(".relnotes/templates")).unwrap();
    assert_eq!(read_tree(tmp.path()).len(), before.len() - 1);
}

#[test]
fn a_symlinked_output_is_written_through_and_staging_stays_beside() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    repo_with_releases(&repo, 2);
    let target = tmp.path().join("site");
    std::fs::create_dir_all(&target).unwrap();
    std::os::unix::fs::symlink(&target, repo.join("published")).unwrap();
    assert_eq!(relnotes(&repo, &["kb", "--out", "published"]).0, 0);
    assert!(repo.join("published").is_symlink());
    assert!(target.join("index.html").is_file());
    // The grandparent is not written to: make it read-only for the run.
    let nested = repo.join("a/b");
    std::fs::create_dir_all(&nested).unwrap();
    let (code, stderr) = relnotes(&repo, &["kb", "--out", "a/b/kb"]);
    assert_eq!(code, 0, "{stderr}");
    let beside: Vec<String> = std::fs::read_dir(repo.join("a"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(beside, ["b"], "nothing staged in the grandparent");
}

/// Two runs into one output: the second stops with exit 2 and says why.
#[test]
fn a_second_run_into_the_same_output_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    repo_with_releases(repo, 2);
    std::fs::create_dir_all(repo.join("dist")).unwrap();
    let lock = std::fs::File::create(repo.join(".dist.relnotes-lock")).unwrap();
    lock.lock().unwrap();
    let (code, stderr) = relnotes(repo, &["build", "--all"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("another relnotes run"), "{stderr}");
    lock.unlock().unwrap();
    assert_eq!(relnotes(repo, &["build", "--all"]).0, 0);
}

fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    read_tree(dir)
}

/// Killed (SIGKILL) at many moments, `build --all` leaves the output
/// exactly as the previous run wrote it or exactly as this run would: never
/// a mix, never a missing release; the next run leaves nothing beside it.
#[test]
fn a_killed_build_leaves_the_old_output_or_the_new_one() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    std::fs::create_dir_all(&repo).unwrap();
    repo_with_releases(&repo, 60);
    let config = repo.join(".relnotes/config.yaml");
    let names = ["Kill Test One", "Kill Test Two"];
    // The two complete trees, built into folders of their own.
    let mut trees = Vec::new();
    for (n, name) in names.iter().enumerate() {
        std::fs::write(&config, format!("project:\n  name: {name}\n")).unwrap();
        let out = format!("tree{n}");
        let (code, stderr) = relnotes(&repo, &["build", "--all", "--out", &out]);
        assert_eq!(code, 0, "{stderr}");
        trees.push(snapshot(&repo.join(&out)));
    }
    assert_ne!(trees[0], trees[1]);
    std::fs::write(&config, format!("project:\n  name: {}\n", names[0])).unwrap();
    assert_eq!(relnotes(&repo, &["build", "--all"]).0, 0);
    let timed = std::time::Instant::now();
    assert_eq!(relnotes(&repo, &["build", "--all", "--force"]).0, 0);
    let full = timed.elapsed();
    let mut swapped = 0;
    for i in 0..16u32 {
        let before = snapshot(&repo.join("dist"));
        let now = trees
            .iter()
            .position(|t| *t == before)
            .expect("a complete tree");
        let next = 1 - now;
        std::fs::write(&config, format!("project:\n  name: {}\n", names[next])).unwrap();
        let mut child = Command::new(bin())
            .args(["build", "--all"])
            .current_dir(&repo)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Moments spread over the whole run and past its end (the swap
        // included): a started run takes a little longer than a timed one.
        std::thread::sleep(full.mul_f64(f64::from(i) / 6.0));
        let _ = child.kill();
        let _ = child.wait();
        let after = snapshot(&repo.join("dist"));
        let which = trees.iter().position(|t| *t == after);
        assert!(which.is_some(), "run {i}: the output is neither tree");
        if which == Some(next) {
            swapped += 1;
        }
    }
    // Some runs finished or were killed after their swap; some before.
    assert!(swapped > 0 && swapped < 16, "swapped {swapped} of 16");
    assert_eq!(relnotes(&repo, &["build", "--all"]).0, 0);
    let left: Vec<String> = std::fs::read_dir(&repo)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("relnotes-staging") || n.contains("relnotes-old"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
