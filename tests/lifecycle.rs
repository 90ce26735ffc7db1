//! The release lifecycle as data: a project's own Release Readiness
//! Checklist (`.relnotes/checklist.yaml`), what `relnotes checklist`
//! prints, and how a performance regression is escalated.

use std::path::Path;

use serde_json::Value;

use crate::harness::{case_repo, run_in};

fn run(repo: &Path, args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
    run_in(repo, &args)
}

fn check_json(repo: &Path) -> (i32, Value) {
    let (code, stdout, stderr) = run(repo, &["check", "--tag", "v1.1.0", "--format", "json"]);
    let v = serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}{stderr}"));
    (code, v)
}

fn item<'a>(report: &'a Value, id: &str) -> Option<&'a Value> {
    report["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
}

fn append(path: &Path, text: &str) {
    let mut all = std::fs::read_to_string(path).unwrap_or_default();
    all.push_str(text);
    std::fs::write(path, all).unwrap();
}

const CUSTOM: &str = "\
roles:
  legal: Legal
items:
  - id: legal.review
    section: pre-release
    role: legal
    title: Legal review of the release notes
    field: checks.legal_review
    example: \"legal_review: https://legal.example/r/12\"
drop: [deployment.window]
rename:
  support.trained: Support trained on the new export
profiles:
  minor:
    drop: [qa.performance]
";

/// A project adds an item of its own (read from `checks:` in the release
/// metadata, with its own role), drops one, renames one and drops another
/// for one release type only; `check` applies all of it.
#[test]
fn a_project_checklist_adds_drops_renames_and_profiles_items() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    case_repo("check-ready", repo);
    let (code, before) = check_json(repo);
    assert_eq!(code, 0);
    assert!(item(&before, "deployment.window").is_some());

    std::fs::write(repo.join(".relnotes/checklist.yaml"), CUSTOM).unwrap();
    let (code, report) = check_json(repo);
    assert_eq!(code, 1, "the new item is not answered yet");
    let legal = item(&report, "legal.review").unwrap();
    assert_eq!(legal["role"], "Legal");
    assert_eq!(legal["status"], "not_met");
    assert_eq!(legal["blocking"], true);
    let hint = legal["hint"].as_str().unwrap();
    assert!(
        hint.contains("`checks.legal_review`") && hint.contains("legal.example"),
        "{hint}"
    );
    assert!(item(&report, "deployment.window").is_none(), "dropped");
    assert_eq!(
        item(&report, "support.trained").unwrap()["title"],
        "Support trained on the new export"
    );
    let perf = item(&report, "qa.performance").unwrap();
    assert_eq!(perf["status"], "not_applicable");
    assert_eq!(perf["reason"], "not on the minor release checklist");
    assert_eq!(report["release_type"], "minor");

    // Answering the check makes the release ready again.
    append(
        &repo.join(".relnotes/releases/1.1.0.yaml"),
        "checks:\n  legal_review: https://legal.example/r/12\n",
    );
    let (code, report) = check_json(repo);
    assert_eq!(code, 0, "{report}");
    let legal = item(&report, "legal.review").unwrap();
    assert_eq!(legal["status"], "met");
    assert_eq!(legal["reason"], "https://legal.example/r/12");

    // A word the check does not know is refused, as everywhere.
    append(
        &repo.join(".relnotes/releases/1.1.0.yaml"),
        "  tax_review: finnished\n",
    );
    let (code, _, stderr) = run(repo, &["check", "--tag", "v1.1.0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("1.1.0.yaml:"), "{stderr}");
}

/// `relnotes checklist` prints the effective checklist: for one type or
/// for all, in Markdown, HTML or JSON; `build` writes the one of each
/// release's type beside its readiness page, which links to it.
#[test]
fn the_checklist_command_prints_the_effective_checklist() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    case_repo("check-ready", repo);
    std::fs::write(repo.join(".relnotes/checklist.yaml"), CUSTOM).unwrap();

    let (code, md, stderr) = run(repo, &["checklist"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        md.starts_with("# OctoAcme: Release Readiness Checklist\n"),
        "{md}"
    );
    assert!(md.contains("`.relnotes/checklist.yaml`"), "{md}");
    assert!(
        md.contains("- [ ] **Legal review of the release notes** (Legal, pre-release): `checks.legal_review` in the release metadata"),
        "{md}"
    );
    assert!(!md.contains("Deployment window scheduled"), "{md}");
    assert!(md.contains("## Release types"), "{md}");
    assert!(
        md.contains("- **hotfix**: sign-offs from QA, UX, DevOps, Product (QA, DevOps only, when nothing is customer-facing)"),
        "{md}"
    );

    let (code, json, _) = run(repo, &["checklist", "--type", "minor", "--format", "json"]);
    assert_eq!(code, 0);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["release_type"], "minor");
    let ids: Vec<&str> = doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"signoff.qa") && ids.contains(&"legal.review"));
    assert!(
        !ids.contains(&"qa.performance"),
        "dropped for minor releases"
    );
    assert!(ids.contains(&"incident.decision"));

    let (code, html, _) = run(repo, &["checklist", "--type", "hotfix", "--format", "html"]);
    assert_eq!(code, 0);
    assert!(html.contains("<code>checks.legal_review</code>"), "{html}");
    assert!(html.contains("Sign-off from UX</strong> <span class=\"small\">(UX, pre-release, with customer-facing changes only)"), "{html}");

    let (code, _, stderr) = run(repo, &["build", "--tag", "v1.1.0"]);
    assert_eq!(code, 0, "{stderr}");
    let dir = repo.join("dist/1.1.0");
    let readiness = std::fs::read_to_string(dir.join("readiness.html")).unwrap();
    assert!(
        readiness.contains(
            "<a href=\"checklist.html\">Release Readiness Checklist</a> for a minor release"
        ),
        "{readiness}"
    );
    let page = std::fs::read_to_string(dir.join("checklist.md")).unwrap();
    assert!(page.contains("(minor release)") && page.contains("Legal review"));
}

/// A checklist that names what relnotes cannot answer is bad input: exit 2
/// at the file, line and column, with the nearest name.
#[test]
fn a_bad_project_checklist_is_a_located_error() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    case_repo("check-ready", repo);
    for (text, at, want) in [
        (
            "items:\n  - { id: legal.review, section: pre-release, role: legal, title: Legal, rule: hypercar }\n",
            ":2:",
            "did you mean `hypercare`?",
        ),
        (
            "drop:\n  - deployment.windw\n",
            ":2:",
            "did you mean `deployment.window`?",
        ),
        (
            "items:\n  - { id: x.y, section: pre-release, role: qa, title: X, field: requirements.cii }\n",
            ":2:",
            "`requirements.ci`",
        ),
        (
            "items:\n  - { id: x.y, section: prerelease, role: qa, title: X, field: checks.x }\n",
            ":2:",
            "pre-release",
        ),
        ("profiles:\n  hotfx: {}\n", ":2:", "hotfix"),
    ] {
        std::fs::write(repo.join(".relnotes/checklist.yaml"), text).unwrap();
        let (code, _, stderr) = run(repo, &["check", "--tag", "v1.1.0"]);
        assert_eq!(code, 2, "{text}: {stderr}");
        assert!(
            stderr.contains(&format!(".relnotes/checklist.yaml{at}")),
            "{text}: {stderr}"
        );
        assert!(stderr.contains(want), "{text}: {stderr}");
    }
}

/// A performance regression names who it is escalated to, and the hint
/// says to escalate, never to edit the numbers.
#[test]
fn a_performance_regression_is_escalated_not_edited() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    case_repo("check-ready", repo);
    let meta = repo.join(".relnotes/releases/1.1.0.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let text = text.replace(
        "{ metric: p95 billing page ms, baseline: 420, current: 380 }",
        "{ metric: p95 billing page ms, baseline: 420, current: 520 }",
    );
    let text = text.replace("qa:\n", "qa:\n  escalation: \"#perf-council\"\n");
    std::fs::write(&meta, text).unwrap();
    let (code, report) = check_json(repo);
    assert_eq!(code, 1);
    let perf = item(&report, "qa.performance").unwrap();
    let reason = perf["reason"].as_str().unwrap();
    assert!(
        reason.starts_with("regression beyond tolerance in p95 billing page ms; escalate to #perf-council: p95 billing page ms: 520 vs baseline 420 (+23.8%)"),
        "{reason}"
    );
    let hint = perf["hint"].as_str().unwrap();
    assert!(
        hint.contains("escalate the regression to #perf-council")
            && hint.contains("never edit the measured numbers"),
        "{hint}"
    );
}

const INCIDENT: &str = "---
release: 1.1.0
title: Invoices could not be created
severity: critical
started: 2026-03-02T13:20:00Z
resolved: 2026-03-02T14:05:00Z
on_call: { who: Kim Ortiz, notified_at: 2026-03-02T13:24:00Z }
rollback: { to: 1.0.0, at: 2026-03-02T13:50:00Z }
root_cause: The migration locked the invoices table.
action_items:
  - { title: Add a lock timeout to migrations, owner: Kim Ortiz, due: 2026-03-16 }
customer_message: Version 1.1.0 was withdrawn; <script>alert(1)</script> 1.0.0 is current.
---
- 13:50 rolled back <img src=x onerror=alert(1)>
";

/// A rolled-back release: the support knowledge base has the incident's
/// own page (the postmortem), lists it on the home page and links it from
/// the withdrawn release; the readiness checklist is there too. The
/// customer site has neither.
#[test]
fn the_support_kb_has_incident_pages_and_the_checklist() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    case_repo("check-ready", repo);
    let meta = repo.join(".relnotes/releases/1.1.0.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace(
            "  production: https://ci.example/deploy/456",
            "  production: rolled back",
        ),
    )
    .unwrap();
    std::fs::create_dir_all(repo.join(".relnotes/incidents")).unwrap();
    std::fs::write(repo.join(".relnotes/incidents/INC-1.md"), INCIDENT).unwrap();
    let (code, _, stderr) = run(repo, &["kb", "--out", "kb"]);
    assert_eq!(code, 0, "{stderr}");
    let read = |p: &str| std::fs::read_to_string(repo.join("kb").join(p)).unwrap();
    let page = read("incidents/INC-1.html");
    assert!(
        page.contains("<h1>Incident INC-1: Invoices could not be created"),
        "{page}"
    );
    assert!(
        page.contains("<p>Rolled back to 1.0.0 at 2 March 2026, 13:50 UTC.</p>"),
        "{page}"
    );
    assert!(page.contains("Kim Ortiz, notified <time datetime=\"2026-03-02T13:24:00Z\">2 March 2026, 13:24 UTC</time>"), "{page}");
    assert!(page.contains("Add a lock timeout to migrations"));
    assert!(page.contains("href=\"../releases/1.1.0.html\""));
    let lower = page.to_lowercase();
    assert!(
        !lower.contains("<script") && !lower.contains("onerror"),
        "{page}"
    );
    let home = read("index.html");
    assert!(
        home.contains("<a href=\"incidents/INC-1.html\">INC-1: Invoices could not be created</a>"),
        "{home}"
    );
    assert!(home.contains("href=\"checklist.html\">Readiness checklist</a>"));
    let release = read("releases/1.1.0.html");
    assert!(
        release.contains("Withdrawn after incident INC-1"),
        "{release}"
    );
    assert!(
        release.contains("href=\"../incidents/INC-1.html\""),
        "{release}"
    );
    let checklist = read("checklist.html");
    assert!(
        checklist.contains("<h2>Incident playbook</h2>"),
        "{checklist}"
    );

    let (code, _, stderr) = run(repo, &["kb", "--audience", "customer", "--out", "kbc"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(!repo.join("kbc/incidents").exists());
    assert!(!repo.join("kbc/checklist.html").exists());
    let home = std::fs::read_to_string(repo.join("kbc/index.html")).unwrap();
    assert!(
        !home.contains("INC-1") && !home.contains("Readiness checklist"),
        "{home}"
    );
}

/// The release date on every page is the production deploy's day when
/// it is recorded, written for people, and the hypercare window starts at
/// the deploy.
#[test]
fn the_production_deploy_dates_the_release() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    case_repo("check-ready", repo);
    let meta = repo.join(".relnotes/releases/1.1.0.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(
        &meta,
        text.replace(
            "  production: https://ci.example/deploy/456",
            "  production: https://ci.example/deploy/456\n  deployed_at: 2026-03-05T10:00:00Z",
        ),
    )
    .unwrap();
    let (code, _, stderr) = run(repo, &["build", "--tag", "v1.1.0"]);
    assert_eq!(code, 0, "{stderr}");
    let read = |p: &str| std::fs::read_to_string(repo.join("dist/1.1.0").join(p)).unwrap();
    assert!(read("customer/index.md").contains("Released 5 March 2026 · version 1.1.0"));
    assert!(read("customer/index.html")
        .contains("Released <time datetime=\"2026-03-05\">5 March 2026</time>"));
    assert!(
        read("support.md")
            .contains("Hypercare: 48 hours, 5 March 2026, 10:00 UTC to 7 March 2026, 10:00 UTC"),
        "{}",
        read("support.md")
    );
    let json: Value = serde_json::from_str(&read("release.json")).unwrap();
    assert_eq!(
        json["release"]["date"], "2026-03-05",
        "machine-readable stays ISO"
    );
}
