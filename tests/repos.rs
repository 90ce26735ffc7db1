//! Repository layouts found in the wild: a `.git` file pointing elsewhere
//! (`git clone --separate-git-dir`), `GIT_DIR`/`GIT_WORK_TREE` as git hooks
//! set them, and the formats relnotes cannot read (SHA-256, reftable),
//! which must say so plainly.

use std::path::Path;
use std::process::Command;

use crate::harness::bin;

fn git(dir: &Path, args: &[&str]) -> bool {
    Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-01-01T00:00:00Z")
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", "A")
        .env("GIT_COMMITTER_EMAIL", "a@example.org")
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A repository in `dir` (created with `init` args) with one tagged
/// release and a change file.
fn tagged(dir: &Path, init: &[&str]) -> bool {
    std::fs::create_dir_all(dir).unwrap();
    let mut args = vec!["init", "-q"];
    args.extend(init);
    if !git(dir, &args) {
        return false;
    }
    let changes = dir.join(".relnotes/changes/1.0.0");
    std::fs::create_dir_all(&changes).unwrap();
    std::fs::write(
        changes.join("first.md"),
        "---\ntype: added\n---\nThe first version.\n",
    )
    .unwrap();
    git(dir, &["add", "."])
        && git(dir, &["commit", "-q", "-m", "feat: first"])
        && git(dir, &["tag", "v1.0.0"])
}

fn relnotes(dir: &Path, args: &[&str], env: &[(&str, &Path)]) -> (i32, String) {
    let mut cmd = Command::new(bin());
    cmd.args(args).current_dir(dir);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Regression: with `--separate-git-dir`, `.relnotes/` was read from beside
/// the git directory and `dist/` written there.
#[test]
fn a_separate_git_dir_reads_and_writes_in_the_working_tree() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    assert!(tagged(&src, &[]));
    let gitdir = tmp.path().join("gitdir");
    let wt = tmp.path().join("wt");
    assert!(git(
        tmp.path(),
        &[
            "clone",
            "-q",
            "--separate-git-dir",
            gitdir.to_str().unwrap(),
            "src",
            "wt"
        ]
    ));
    assert!(wt.join(".git").is_file());
    let (code, stderr) = relnotes(&wt, &["build", "--format", "md"], &[]);
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(wt.join("dist/1.0.0/customer/index.md")).unwrap();
    assert!(page.contains("The first version."), "{page}");
    assert!(!tmp.path().join("dist").exists());
}

/// Regression: `GIT_DIR` and `GIT_WORK_TREE` (as in git hooks) were ignored.
#[test]
fn git_dir_and_work_tree_from_the_environment_are_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    assert!(tagged(&repo, &[]));
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    let (code, stderr) = relnotes(
        &elsewhere,
        &["build", "--format", "md"],
        &[("GIT_DIR", &repo.join(".git")), ("GIT_WORK_TREE", &repo)],
    );
    assert_eq!(code, 0, "{stderr}");
    let page = std::fs::read_to_string(repo.join("dist/1.0.0/customer/index.md")).unwrap();
    assert!(page.contains("The first version."), "{page}");
}

/// SHA-256 and reftable repositories fail with a plain statement, not
/// "not inside a git repository". (Skipped where git itself cannot make
/// them.)
#[test]
fn unsupported_repository_formats_are_named() {
    let tmp = tempfile::tempdir().unwrap();
    for (init, word) in [
        (&["--object-format=sha256"][..], "SHA-256"),
        (&["--ref-format=reftable"][..], "reftable"),
    ] {
        let dir = tmp.path().join(word);
        if !tagged(&dir, init) {
            eprintln!("git cannot create a {word} repository here; not checked");
            continue;
        }
        let (code, stderr) = relnotes(&dir, &["build"], &[]);
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(word), "{stderr}");
        assert!(!stderr.contains("not inside a git repository"), "{stderr}");
    }
}

/// Commits show the author's date by default, as `git log` does, and the
/// committer's with `commits.date: committer`.
#[test]
fn commit_dates_are_the_authors_unless_configured() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    assert!(git(repo, &["init", "-q"]));
    let ok = Command::new("git")
        .args([
            "commit",
            "-q",
            "--allow-empty",
            "-m",
            "feat: written long ago",
        ])
        .current_dir(repo)
        .env("GIT_AUTHOR_DATE", "2025-01-02T03:04:05Z")
        .env("GIT_COMMITTER_DATE", "2026-06-07T08:09:10Z")
        .env("GIT_AUTHOR_NAME", "A")
        .env("GIT_AUTHOR_EMAIL", "a@example.org")
        .env("GIT_COMMITTER_NAME", "C")
        .env("GIT_COMMITTER_EMAIL", "c@example.org")
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let time = |repo: &Path| {
        let out = Command::new(bin())
            .args(["context", "--unreleased", "--version", "0.1.0"])
            .current_dir(repo)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        v["release"]["commits"][0]["time"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        time(repo).starts_with("2025-01-02T03:04:05"),
        "{}",
        time(repo)
    );
    std::fs::create_dir_all(repo.join(".relnotes")).unwrap();
    std::fs::write(
        repo.join(".relnotes/config.yaml"),
        "commits:\n  date: committer\n",
    )
    .unwrap();
    assert!(
        time(repo).starts_with("2026-06-07T08:09:10"),
        "{}",
        time(repo)
    );
}

fn git_out(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The commit ids of release 2.0.0 as relnotes lists them, sorted.
fn release_commits(dir: &Path) -> Vec<String> {
    let out = Command::new(bin())
        .args(["context", "--tag", "v2.0.0"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut ids: Vec<String> = v["release"]["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

fn rev_list(dir: &Path) -> Vec<String> {
    let mut ids: Vec<String> = git_out(dir, &["rev-list", "v2.0.0", "^v1.0.0"])
        .lines()
        .map(str::to_string)
        .collect();
    ids.sort();
    ids
}

/// Regression: `git replace` was ignored, and `info/grafts` honoured only
/// for loose objects. Release membership is `git rev-list` with both, in
/// loose and packed storage.
#[test]
fn replace_refs_and_grafts_are_honoured_as_git_does() {
    for (how, packed) in [
        ("replace", false),
        ("replace", true),
        ("grafts", false),
        ("grafts", true),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();
        assert!(git(dir, &["init", "-q"]));
        for (i, msg) in ["feat: one", "feat: two", "feat: three", "feat: four"]
            .iter()
            .enumerate()
        {
            assert!(git(dir, &["commit", "-q", "--allow-empty", "-m", msg]));
            if i == 0 {
                assert!(git(dir, &["tag", "v1.0.0"]));
            }
        }
        assert!(git(dir, &["tag", "v2.0.0"]));
        let third = git_out(dir, &["rev-parse", "HEAD~1"]);
        match how {
            // The third commit loses its parents: history starts there.
            "replace" => assert!(git(dir, &["replace", "--graft", &third])),
            _ => std::fs::write(dir.join(".git/info/grafts"), format!("{third}\n")).unwrap(),
        }
        if packed {
            assert!(git(dir, &["gc", "-q"]));
        }
        let want = rev_list(dir);
        assert_eq!(want.len(), 2, "{how}: git itself lists {want:?}");
        assert_eq!(release_commits(dir), want, "{how}, packed: {packed}");
    }
}
