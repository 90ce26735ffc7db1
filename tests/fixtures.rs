//! One test per fixture case under `fixtures/` (see fixtures/README.md).

use crate::harness::{fixtures_dir, run_case};

fn case(name: &str) {
    let problems = run_case(&fixtures_dir().join(name));
    assert!(
        problems.is_empty(),
        "fixture {name}:\n{}\n(after a deliberate change: RELNOTES_BLESS={name} cargo test)",
        problems.join("\n\n")
    );
}

/// Every folder with a case.yaml has a test below: nothing is skipped.
#[test]
fn every_fixture_has_a_test() {
    let this = include_str!("fixtures.rs");
    for entry in std::fs::read_dir(fixtures_dir()).unwrap() {
        let entry = entry.unwrap();
        if entry.path().join("case.yaml").exists() {
            let name = entry.file_name().to_string_lossy().replace('-', "_");
            assert!(
                this.contains(&format!("{name} => ")),
                "fixture {name} has no test"
            );
        }
    }
}

macro_rules! cases {
    ($($name:ident => $dir:literal),* $(,)?) => {
        $( #[test] fn $name() { case($dir); } )*
    };
}

cases! {
    monorepo => "monorepo",
    checklist => "checklist",
    octoacme => "octoacme",
    plain_conventional => "plain-conventional",
    breaking_release => "breaking-release",
    hostile_input => "hostile-input",
    bad_yaml => "bad-yaml",
    unknown_field => "unknown-field",
    missing_tag => "missing-tag",
    no_tags => "no-tags",
    shallow_clone => "shallow-clone",
    non_utf8 => "non-utf8",
    template_error => "template-error",
    failed_build_keeps_output => "failed-build-keeps-output",
    check_ready => "check-ready",
    check_missing_qa_signoff => "check-missing-qa-signoff",
    check_rejected_signoff => "check-rejected-signoff",
    check_minor_with_breaking => "check-minor-with-breaking",
    check_breaking_without_upgrade => "check-breaking-without-upgrade",
    check_no_communication_plan => "check-no-communication-plan",
    check_not_customer_facing => "check-not-customer-facing",
    check_unknown_segment => "check-unknown-segment",
    kb_octoacme => "kb-octoacme",
    prereleases => "prereleases",
    unmerged_tag => "unmerged-tag",
    failed_deploy => "failed-deploy",
    changelog => "changelog",
    changelog_plain => "changelog-plain",
    pr_gate => "pr-gate",
    check_segment_summary => "check-segment-summary",
}
