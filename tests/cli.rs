//! Command-line surface: help text, argument validation, templates eject,
//! demo.

use crate::harness::bin;

#[test]
fn cli_definition_is_consistent() {
    relnotes::app::cli::Cli::command().debug_assert();
}

/// Snapshot of the top-level help, so a change to the commands is seen in
/// review (rewrite with RELNOTES_BLESS=help).
#[test]
fn help_text_snapshot() {
    let out = std::process::Command::new(bin())
        .arg("--help")
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/help.txt");
    if crate::harness::bless("help") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap();
    assert!(
        text == want,
        "the help text changed (RELNOTES_BLESS=help rewrites the snapshot):\n{}",
        crate::harness::diff(want.as_bytes(), text.as_bytes())
    );
}

#[test]
fn eject_writes_every_builtin_template() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("t");
    let out = std::process::Command::new(bin())
        .args(["templates", "eject", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (name, text) in relnotes::render::BUILTIN {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            *text,
            "{name}"
        );
    }
}

#[test]
fn demo_builds_every_output_and_says_where() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo");
    let out = std::process::Command::new(bin())
        .args(["demo", "--dir"])
        .arg(&dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A segment's page exists where the release has something of its own.
    for (v, segments) in [
        ("1.0.0", &[][..]),
        ("1.1.0", &["enterprise"][..]),
        ("1.1.1", &["enterprise"][..]),
        ("1.2.0", &["beta"][..]),
        ("2.0.0", &["beta"][..]),
        ("2.0.1", &["beta"][..]),
        ("2.0.2", &["beta"][..]),
    ] {
        for segment in ["enterprise", "beta"] {
            let page = dir
                .join("dist")
                .join(v)
                .join(format!("customer/{segment}.html"));
            assert_eq!(page.is_file(), segments.contains(&segment), "{v}/{segment}");
        }
        for page in ["customer/index", "support", "stakeholders", "readiness"] {
            for ext in ["md", "html"] {
                assert!(
                    dir.join("dist")
                        .join(v)
                        .join(format!("{page}.{ext}"))
                        .is_file(),
                    "{v}/{page}.{ext}"
                );
            }
        }
        assert!(dir.join("dist").join(v).join("release.json").is_file());
    }
    assert!(
        dir.join("dist/kb/index.html").is_file(),
        "the demo builds the knowledge base"
    );
    assert!(dir.join("dist/kb/issues/KI-8.html").is_file());
    // The whole lifecycle: 2.0.1 failed in production and was rolled back
    // (incident INC-1), 2.0.2 is its hotfix, the newest release.
    let printed = dir.join("dist/2.0.2/customer/index.html");
    assert!(stdout.contains(&printed.display().to_string()), "{stdout}");
    let postmortem = dir.join("dist/kb/incidents/INC-1.html");
    assert!(postmortem.is_file());
    assert!(
        stdout.contains(&format!(
            "The lifecycle: 2.0.1 was rolled back after incident INC-1 (Invoices could not be created while an export ran); its postmortem: {}",
            postmortem.display()
        )),
        "{stdout}"
    );
    assert!(
        stdout.contains("and 2.0.2 is the hotfix for INC-1"),
        "{stdout}"
    );
    let page = |p: &str| std::fs::read_to_string(dir.join("dist").join(p)).unwrap();
    assert!(
        page("2.0.1/customer/index.md").contains("> **Withdrawn.** Version 2.0.1 was withdrawn")
    );
    let hotfix = page("2.0.2/customer/index.md");
    assert!(
        hotfix.contains("Invoices can be created while an export is running."),
        "{hotfix}"
    );
    assert!(page("kb/index.html").contains("withdrawn"));
    let check = std::process::Command::new(bin())
        .args(["--repo"])
        .arg(&dir)
        .args(["check", "--tag", "v2.0.1"])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(1),
        "a rolled-back release is not ready"
    );
    let check = std::process::Command::new(bin())
        .args(["--repo"])
        .arg(&dir)
        .args(["check", "--tag", "v2.0.2"])
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
}

/// `relnotes schema` describes each input file from the types that read it:
/// every field, and no others allowed (unknown fields are errors).
#[test]
fn schema_describes_every_input_file() {
    for (kind, fields) in [
        (
            "config",
            &[
                "project",
                "links",
                "tags",
                "segments",
                "signoffs",
                "commits",
                "releases",
                "output",
                "limits",
                "images",
                "announce",
                "outputs",
                "packages",
                "audiences",
            ][..],
        ),
        (
            "change",
            &[
                "type",
                "breaking",
                "audiences",
                "segments",
                "packages",
                "prs",
                "upgrade",
                "support",
                "internal",
                "deploy",
                "publish_after",
                "commits",
                "issues",
                "component",
            ][..],
        ),
        (
            "release",
            &[
                "name",
                "date",
                "type",
                "summary",
                "highlights",
                "fixes",
                "segments",
                "requirements",
                "rollback",
                "smoke_tests",
                "signoffs",
                "support",
                "communication",
                "deployment",
                "qa",
                "incident",
                "checks",
                "packages",
            ][..],
        ),
        (
            "checklist",
            &["roles", "items", "drop", "rename", "signoffs", "profiles"][..],
        ),
        (
            "known-issue",
            &[
                "id",
                "title",
                "packages",
                "affects",
                "fixed_in",
                "severity",
                "segments",
                "status",
                "workaround",
            ][..],
        ),
    ] {
        let out = std::process::Command::new(bin())
            .args(["schema", kind])
            .output()
            .unwrap();
        assert!(out.status.success(), "{kind}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["additionalProperties"], false, "{kind}");
        let props = v["properties"].as_object().unwrap();
        for f in fields {
            assert!(props.contains_key(*f), "{kind}: no `{f}`");
        }
        assert_eq!(
            props.len(),
            fields.len(),
            "{kind}: {:?}",
            props.keys().collect::<Vec<_>>()
        );
    }
}

/// `--color always` colours the check report's marks; `never` (and output to
/// a pipe under `auto`) leaves plain text.
#[test]
fn color_choice_applies_to_the_check_report() {
    let tmp = tempfile::tempdir().unwrap();
    crate::harness::case_repo("check-ready", tmp.path());
    let run = |color: &str| {
        let out = std::process::Command::new(bin())
            .args(["--color", color, "check", "--tag", "v1.1.0"])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    assert!(run("always").contains("\x1b[32m[met]\x1b[0m"));
    assert!(!run("never").contains('\x1b'));
    assert!(!run("auto").contains('\x1b'), "a pipe is not a terminal");
}

/// The main manual page names one page per command: `man --dir` writes
/// them all, so none of the names points nowhere.
#[test]
fn man_pages_named_by_the_main_page_exist() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(bin())
        .args(["man", "--dir"])
        .arg(tmp.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let main = std::fs::read_to_string(tmp.path().join("relnotes.1")).unwrap();
    let named: Vec<&str> = main
        .split("relnotes\\-")
        .skip(1)
        .filter_map(|s| s.split_once("(1)").map(|(n, _)| n))
        .collect();
    assert!(named.len() > 10, "{named:?}");
    for n in named {
        assert!(tmp.path().join(format!("relnotes-{n}.1")).is_file(), "{n}");
    }
}

/// Regression: `--out -` created a folder named `-`.
#[test]
fn out_dash_is_refused_not_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    relnotes::app::demo::write_sample(tmp.path()).unwrap();
    for args in [&["build", "--out", "-"][..], &["kb", "--out", "-"][..]] {
        let out = std::process::Command::new(bin())
            .args(args)
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("--out -"));
        assert!(!tmp.path().join("-").exists());
    }
}

/// `--version` names the commit relnotes was built from, when built in a
/// git checkout (as here): `relnotes 0.1.0 (1a2b3c4d5e6f)`.
#[test]
fn version_names_the_commit_it_was_built_from() {
    let out = std::process::Command::new(bin())
        .arg("--version")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let want = format!("relnotes {}", env!("CARGO_PKG_VERSION"));
    assert!(text.starts_with(&want), "{text}");
    let built_in_checkout = std::process::Command::new("git")
        .args(["rev-parse", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .is_ok_and(|o| o.status.success());
    if built_in_checkout {
        let commit = text[want.len()..].trim();
        let hex = commit.trim_start_matches('(').trim_end_matches(')');
        assert!(
            commit.starts_with('(')
                && hex.len() == 12
                && hex.bytes().all(|b| b.is_ascii_hexdigit()),
            "{text}"
        );
    }
}
