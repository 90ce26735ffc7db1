//! `relnotes new`, `relnotes release` and `relnotes next`.

use crate::harness::{bin, case_repo, run_in};

fn git(dir: &std::path::Path, args: &[&str]) {
    let ok = std::process::Command::new("git")
        .args(args)
        .current_dir(dir)
        .status()
        .unwrap()
        .success();
    assert!(ok, "git {args:?}");
}

fn repo(case: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    case_repo(case, tmp.path());
    tmp
}

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    run_in(dir, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

#[test]
fn new_writes_a_valid_change_file_from_flags() {
    let tmp = repo("check-ready");
    let (code, out, err) = run(
        tmp.path(),
        &[
            "new",
            "--type",
            "added",
            "--breaking",
            "--audience",
            "customer,support",
            "--segment",
            "beta",
            "--pr",
            "77",
            "-m",
            "Search invoices by customer name.",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let path = tmp
        .path()
        .join(".relnotes/changes/unreleased/search-invoices-by-customer-name.md");
    assert!(out.contains("search-invoices-by-customer-name.md"), "{out}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("type: added")
            && text.contains("breaking: true")
            && text.contains("prs: [77]"),
        "{text}"
    );
    assert!(
        text.contains("segments: [beta]") && text.contains("audiences: [customer, support]"),
        "{text}"
    );
    // The next version counts it: a breaking change after 2.0.0 is a major bump.
    let (code, out, _) = run(tmp.path(), &["next", "--explain"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("3.0.0\n"), "{out}");
    assert!(
        out.contains("search-invoices-by-customer-name (breaking added)"),
        "{out}"
    );
    // The same text again gets its own file.
    let (code, _, _) = run(
        tmp.path(),
        &[
            "new",
            "--type",
            "fixed",
            "-m",
            "Search invoices by customer name.",
        ],
    );
    assert_eq!(code, 0);
    assert!(tmp
        .path()
        .join(".relnotes/changes/unreleased/search-invoices-by-customer-name-2.md")
        .exists());
}

#[test]
fn new_without_type_or_text_is_a_usage_error() {
    let tmp = repo("check-ready");
    let (code, _, err) = run(tmp.path(), &["new", "-m", "x"]);
    assert_eq!(code, 2);
    assert!(err.contains("--type"), "{err}");
}

#[test]
fn release_moves_change_files_and_writes_pending_metadata() {
    let tmp = repo("check-ready");
    run(
        tmp.path(),
        &[
            "new",
            "--type",
            "fixed",
            "-m",
            "Exports keep the column order.",
        ],
    );
    let (code, out, err) = run(tmp.path(), &["release", "2.0.1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("moved 1 change file(s)"), "{out}");
    let moved = tmp
        .path()
        .join(".relnotes/changes/2.0.1/exports-keep-the-column-order.md");
    assert!(moved.exists());
    assert!(!tmp
        .path()
        .join(".relnotes/changes/unreleased/exports-keep-the-column-order.md")
        .exists());
    let meta = tmp.path().join(".relnotes/releases/2.0.1.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    assert!(text.contains("last_known_good: 2.0.0"), "{text}");
    // The skeleton is valid input, and every readiness field is pending.
    let (code, report, err) = run(
        tmp.path(),
        &[
            "check",
            "--unreleased",
            "--version",
            "2.0.1",
            "--format",
            "json",
        ],
    );
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&report).unwrap();
    let items = v["items"].as_array().unwrap();
    let status = |id: &str| {
        items
            .iter()
            .find(|i| i["id"] == id)
            .map(|i| i["status"].as_str().unwrap().to_string())
            .unwrap()
    };
    assert_eq!(status("requirements.ci"), "not_met");
    assert_eq!(status("signoff.qa"), "not_met");
    assert_eq!(status("deployment.production"), "pending");
    // A second run keeps what the release manager filled in.
    std::fs::write(&meta, "name: Kept\n").unwrap();
    let (code, out, _) = run(tmp.path(), &["release", "2.0.1"]);
    assert_eq!(code, 0);
    assert!(out.contains("kept the existing"), "{out}");
    assert_eq!(std::fs::read_to_string(&meta).unwrap(), "name: Kept\n");
}

/// `init` names the project after its manifest (never "My Project"), and
/// every commented example in the configuration it writes stays valid when
/// uncommented.
#[test]
fn init_names_the_project_and_its_examples_stay_valid() {
    let cases: [(&str, &str, &str); 4] = [
        (
            "Cargo.toml",
            "[package]\nname = \"acme-tool\"\nversion = \"0.1.0\"\n",
            "acme-tool",
        ),
        (
            "package.json",
            "{\"name\": \"@acme/web\", \"version\": \"1.0.0\"}",
            "@acme/web",
        ),
        (
            "pyproject.toml",
            "[project]\nname = \"acme-py\"\n",
            "acme-py",
        ),
        ("README", "no manifest", "repo"),
    ];
    for (file, text, name) in cases {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(&repo).unwrap();
        git(&repo, &["init", "-q"]);
        std::fs::write(repo.join(file), text).unwrap();
        let out = std::process::Command::new(bin())
            .arg("init")
            .current_dir(&repo)
            .output()
            .unwrap();
        assert!(out.status.success(), "{file}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains("next steps"), "{stdout}");
        let path = repo.join(".relnotes/config.yaml");
        let written = std::fs::read_to_string(&path).unwrap();
        let config: relnotes::domain::config::Config =
            relnotes::sources::yaml::parse(&path, &written, 1).unwrap();
        assert_eq!(config.project.name, name, "{file}");
        let uncommented: String = written
            .lines()
            .map(|l| {
                let indent = l.len() - l.trim_start().len();
                match l.trim_start().strip_prefix("# ") {
                    Some(rest) => format!("{}{rest}\n", &l[..indent]),
                    None => format!("{l}\n"),
                }
            })
            .collect();
        let full: relnotes::domain::config::Config =
            relnotes::sources::yaml::parse(&path, &uncommented, 1)
                .unwrap_or_else(|e| panic!("{e}\n{uncommented}"));
        full.validate(&path, &uncommented).unwrap();
        assert_eq!(full.segments.len(), 2, "{uncommented}");
        assert!(full.links.pr.is_some());
    }
}
