//! Every computed rule, branch by branch: a release described by a little
//! YAML metadata and a few changes, the rule's status and reason.

use super::*;
use crate::domain::checklist::{ChecklistFile, Known, Origin as ListOrigin};
use crate::domain::input::{ChangeKind, DeployItem, IssueStatus, Severity};
use crate::domain::model::{ActionItemInfo, Decision, Hypercare, Incident, Origin};

/// Template contexts use `key()`, release.json uses serde: one name.
#[test]
fn status_key_is_the_serialized_name() {
    for s in [
        Status::Met,
        Status::NotMet,
        Status::Pending,
        Status::NotApplicable,
        Status::Warning,
    ] {
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            format!("\"{}\"", s.key())
        );
    }
}

fn builtin() -> Checklist {
    let text = include_str!("../../../templates/checklist.yaml");
    let file: ChecklistFile = serde_yaml::from_str(text).unwrap();
    let known = known();
    Checklist::builtin(
        file,
        &ListOrigin {
            path: std::path::Path::new("checklist.yaml"),
            text,
        },
        &Known {
            rules: known.rules,
            fields: known.fields,
        },
    )
    .unwrap()
}

/// One release, as the rules see it.
struct World {
    config: Config,
    meta: ReleaseMeta,
    changes: Vec<Change>,
    commits: Vec<CommitInfo>,
    known_issues: Vec<KnownIssue>,
    bump: Bump,
    required: Bump,
    promotes: bool,
    last_known_good: Option<String>,
    versions: Vec<String>,
    hypercare: Option<Hypercare>,
    escalation: Option<String>,
    incidents: Vec<Incident>,
    withdrawn: bool,
    rolled_back: Vec<String>,
    checklist: Checklist,
}

impl World {
    fn new(meta: &str) -> World {
        World {
            config: serde_yaml::from_str(
                "segments: { enterprise: Enterprise }\nsignoffs: { required: [qa, ux] }\n",
            )
            .unwrap(),
            meta: serde_yaml::from_str(if meta.is_empty() { "{}" } else { meta }).unwrap(),
            changes: Vec::new(),
            commits: Vec::new(),
            known_issues: Vec::new(),
            bump: Bump::Minor,
            required: Bump::Minor,
            promotes: false,
            last_known_good: None,
            versions: vec!["1.0.0".into(), "1.1.0".into()],
            hypercare: None,
            escalation: None,
            incidents: Vec::new(),
            withdrawn: false,
            rolled_back: Vec::new(),
            checklist: builtin(),
        }
    }

    fn with_change(mut self, edit: impl FnOnce(&mut Change)) -> World {
        let mut c = change("c1");
        edit(&mut c);
        self.changes.push(c);
        self
    }

    fn with_incident(mut self, edit: impl FnOnce(&mut Incident)) -> World {
        let mut i = incident();
        edit(&mut i);
        self.incidents.push(i);
        self
    }

    fn facts(&self) -> Facts<'_> {
        Facts {
            config: &self.config,
            version: "1.1.0",
            meta: &self.meta,
            meta_file: ".relnotes/releases/1.1.0.yaml".into(),
            changes: &self.changes,
            commits: &self.commits,
            known_issues: &self.known_issues,
            bump: self.bump,
            required: self.required,
            promotes_prerelease: self.promotes,
            last_known_good: self.last_known_good.as_deref(),
            release_versions: &self.versions,
            hypercare: self.hypercare.as_ref(),
            escalation: self.escalation.as_deref(),
            incidents: &self.incidents,
            withdrawn: self.withdrawn,
            rolled_back: &self.rolled_back,
        }
    }

    /// What the rule of checklist item `id` says.
    fn rule(&self, id: &str) -> Vec<Found> {
        let def = self
            .checklist
            .items
            .iter()
            .find(|d| d.id == id)
            .unwrap_or_else(|| panic!("no item {id}"));
        let f = self.facts();
        let cx = Cx {
            f: &f,
            def,
            checklist: &self.checklist,
            kind: release_type(&f),
            customer_facing: !self.changes.is_empty(),
        };
        answer(&cx, &self.checklist.profile(cx.kind))
    }

    /// The one finding of item `id`: status and reason.
    fn one(&self, id: &str) -> (Status, String) {
        let found = self.rule(id);
        assert_eq!(found.len(), 1, "{id}: {found:?}");
        (found[0].status, found[0].reason.clone())
    }

    fn evaluate(&self, stage: Stage) -> Readiness {
        evaluate(&self.facts(), &self.checklist, stage, false)
    }
}

fn change(id: &str) -> Change {
    Change {
        id: id.into(),
        origin: Origin::File,
        path: Some(format!(".relnotes/changes/1.1.0/{id}.md")),
        kind: ChangeKind::Added,
        breaking: false,
        audiences: vec![Audience::Customer, Audience::Support, Audience::Internal],
        segments: Vec::new(),
        title: "Export all invoices at once".into(),
        text: "Export all invoices at once.".into(),
        upgrade: None,
        support: None,
        internal: None,
        deploy: Vec::new(),
        prs: Vec::new(),
        commits: Vec::new(),
        issues: Vec::new(),
        component: None,
        authors: Vec::new(),
        publish_after: None,
        held: false,
        highlight: false,
    }
}

fn incident() -> Incident {
    Incident {
        id: "INC-1".into(),
        release: "1.1.0".into(),
        title: "Checkout down".into(),
        severity: Severity::High,
        started: None,
        resolved: None,
        on_call: None,
        notified_at: None,
        decision: Decision::Undecided,
        root_cause: None,
        action_items: Vec::new(),
        customer_message: None,
        timeline: String::new(),
        path: ".relnotes/incidents/INC-1.md".into(),
    }
}

fn commit(kind: &str, covered: bool) -> CommitInfo {
    let c = |s: &str| s.to_string();
    CommitInfo {
        id: c("abcdef1234567890"),
        short: c("abcdef1"),
        kind: Some(c(kind)),
        scope: None,
        subject: c("export invoices"),
        description: c("export invoices"),
        body: None,
        breaking: false,
        breaking_note: None,
        breaking_footer: None,
        prs: Vec::new(),
        author: c("Dana"),
        author_email: c("dana@example.com"),
        co_authors: Vec::new(),
        time: c("2026-03-01T10:00:00Z"),
        merge: false,
        other: false,
        covered,
        changelog_skip: false,
    }
}

fn known_issue(workaround: Option<&str>, none: bool) -> KnownIssue {
    KnownIssue {
        id: "KI-1".into(),
        title: "Slow export".into(),
        affects: ">=1.0.0".into(),
        fixed_in: None,
        severity: Severity::Medium,
        status: IssueStatus::Open,
        segments: Vec::new(),
        workaround: workaround.map(String::from),
        no_workaround: none,
        text: String::new(),
        path: ".relnotes/known-issues/KI-1.md".into(),
    }
}

/// Asserts each (metadata, item, status, words of the reason).
fn table(cases: &[(&str, &str, Status, &str)]) {
    for (meta, id, status, words) in cases {
        let (got, reason) = World::new(meta).one(id);
        assert_eq!(got, *status, "{id} with {meta:?}: {reason}");
        assert!(reason.contains(words), "{id} with {meta:?}: {reason}");
    }
}

#[test]
fn check_fields_read_every_answer() {
    use Status::*;
    table(&[
        ("", "requirements.ci", NotMet, "not answered yet"),
        ("requirements: { ci: true }", "requirements.ci", Met, "done"),
        (
            "requirements: { ci: 'https://ci.example/1' }",
            "requirements.ci",
            Met,
            "https://ci.example/1",
        ),
        (
            "requirements: { ci: false }",
            "requirements.ci",
            NotMet,
            "answered no",
        ),
        (
            "requirements: { ci: pending }",
            "requirements.ci",
            NotMet,
            "still pending",
        ),
        (
            "requirements: { ci: n/a }",
            "requirements.ci",
            NotApplicable,
            "not applicable",
        ),
    ]);
    // A post-deploy check answered no failed: the playbook applies.
    let w = World::new("support: { notified: false }");
    assert!(w.rule("support.notified")[0].failed);
    let w = World::new("checks: { legal_review: done }");
    let def = ItemDef {
        id: "legal.review".into(),
        section: Section::PreRelease,
        role: "legal".into(),
        title: "Legal review".into(),
        stage: Stage::PreRelease,
        types: Vec::new(),
        customer_facing: false,
        field: Some("checks.legal_review".into()),
        rule: None,
        example: None,
    };
    let f = w.facts();
    let cx = Cx {
        f: &f,
        def: &def,
        checklist: &w.checklist,
        kind: TypeName::Minor,
        customer_facing: false,
    };
    assert_eq!(check_field(&cx, "checks.legal_review").status, Status::Met);
    assert_eq!(check_field(&cx, "checks.tax_review").status, Status::NotMet);
}

#[test]
fn pre_release_rules() {
    use Status::*;
    table(&[
        ("", "notes.drafted", NotMet, "no summary and no changes"),
        (
            "summary: Faster.",
            "notes.drafted",
            NotMet,
            "no changes in this release",
        ),
        (
            "",
            "rollback.plan",
            NotMet,
            "no rollback or mitigation plan",
        ),
        (
            "rollback: { plan: \"Redeploy 1.0.0.\\nThen check.\" }",
            "rollback.plan",
            Met,
            "Redeploy 1.0.0.",
        ),
        ("", "smoke_tests.prepared", NotMet, "no smoke tests listed"),
        (
            "smoke_tests: [{ name: Log in }]",
            "smoke_tests.prepared",
            Met,
            "1 smoke test(s) prepared",
        ),
        ("", "deployment.window", NotApplicable, "does not ask"),
        (
            "deployment: { window: not needed }",
            "deployment.window",
            NotApplicable,
            "not needed",
        ),
        (
            "deployment: { window: tonight }",
            "deployment.window",
            NotMet,
            "has no start and end",
        ),
        (
            "deployment: { window: { start: 2026-03-02T14:00:00Z, end: 2026-03-02T13:00:00Z } }",
            "deployment.window",
            NotMet,
            "before it starts",
        ),
        (
            "deployment: { window: { start: 2026-03-02T13:00:00Z, end: 2026-03-02T14:00:00Z } }",
            "deployment.window",
            Met,
            " to ",
        ),
    ]);
    let w = World::new("summary: Faster.").with_change(|_| {});
    assert_eq!(
        w.one("notes.drafted"),
        (Met, "summary and 1 change(s)".into())
    );
    let w = World::new("").with_change(|_| {});
    assert_eq!(w.one("notes.drafted"), (NotMet, "no summary".into()));
}

#[test]
fn signoffs_follow_the_configuration_and_the_profile() {
    use Status::*;
    let by_id = |w: &World| -> Vec<(String, Status, String)> {
        w.rule("signoff")
            .into_iter()
            .map(|f| (f.named.unwrap().0, f.status, f.reason))
            .collect()
    };
    let w = World::new(
        "signoffs:\n  qa: { by: Dana, at: 2026-03-01, status: approved }\n  ux: { status: approved }\n",
    );
    let got = by_id(&w);
    assert_eq!(
        got[0],
        (
            "signoff.qa".into(),
            Met,
            "approved by Dana on 2026-03-01".into()
        )
    );
    assert_eq!(got[1].1, NotMet);
    assert!(got[1].2.contains("without who"));
    let w = World::new("signoffs:\n  qa: { by: Dana, status: rejected, note: flaky }\n  ux: { status: pending }\n  legal: { by: Lee, status: rejected }\n");
    let got = by_id(&w);
    assert_eq!(got[0].2, "rejected by Dana: flaky");
    assert_eq!(got[1].2, "sign-off from ux is pending");
    assert_eq!(
        got[2],
        ("signoff.legal".into(), NotMet, "rejected by Lee".into())
    );
    let got = by_id(&World::new(""));
    assert_eq!(got[0].2, "no sign-off from qa");
    // A hotfix with nothing customer-facing needs QA's (and DevOps') only.
    let got = by_id(&World::new("type: hotfix"));
    assert_eq!(got[0].1, NotMet);
    assert_eq!(
        got[1],
        (
            "signoff.ux".into(),
            NotApplicable,
            "a hotfix without customer-facing changes needs no sign-off from ux".into()
        )
    );
    let got = by_id(&World::new("type: hotfix").with_change(|_| {}));
    assert_eq!(got[1].1, NotMet, "customer-facing: UX signs off");
}

#[test]
fn deployment_rules() {
    use Status::*;
    table(&[
        ("", "deployment.staging", NotMet, "not answered yet"),
        ("deployment: { staging: passed }", "deployment.staging", NotMet, "no smoke test results"),
        ("deployment: { staging: passed }\nsmoke_tests: [{ name: Log in, env: staging, status: failed }]", "deployment.staging", NotMet, "not passed in staging: Log in"),
        ("deployment: { staging: passed }\nsmoke_tests: [{ name: Log in, env: staging, status: passed }]", "deployment.staging", Met, "1 smoke test(s) passed"),
        ("deployment: { staging: n/a }", "deployment.staging", NotApplicable, "not applicable"),
        ("deployment: { staging: pending }", "deployment.staging", NotMet, "is pending"),
        ("deployment: { staging: failed }", "deployment.staging", NotMet, "staging deploy failed"),
        ("", "deployment.production", NotMet, "no deployment pipeline named"),
        ("deployment: { pipeline: deploy-job }", "deployment.production", NotMet, "not deployed to production yet"),
        ("deployment: { pipeline: deploy-job, production: deployed }", "deployment.production", Met, "deployed: deployed"),
        ("deployment: { pipeline: deploy-job, production: failed }", "deployment.production", NotMet, "through deploy-job failed"),
        ("deployment: { pipeline: deploy-job, production: rolled back }", "deployment.production", NotMet, "was rolled back"),
        ("", "deployment.verifications", NotMet, "no post-deploy verifications listed"),
        ("deployment: { verifications: [Health checks] }", "deployment.verifications", NotMet, "not passed yet: Health checks"),
        ("deployment: { verifications: [{ name: Health, status: passed }] }", "deployment.verifications", Met, "1 verification(s) passed"),
        ("deployment: { verifications: [{ name: Health, status: failed }] }", "deployment.verifications", NotMet, "failed: Health"),
        ("", "deployment.dashboards_reviewed", NotMet, "no monitoring dashboards listed"),
        ("deployment: { dashboards: [{ name: Latency }] }", "deployment.dashboards_reviewed", NotMet, "not yet reviewed"),
        ("deployment: { dashboards: [{ name: Latency }], dashboards_reviewed: true }", "deployment.dashboards_reviewed", Met, "reviewed: Latency"),
        ("", "deployment.automation", NotMet, "no automated deployment"),
        ("deployment: { automation: true }", "deployment.automation", Met, "deployment is automated"),
        ("deployment: { pipeline: deploy-job }", "deployment.automation", Met, "automated through deploy-job"),
        ("deployment: { automation: n/a }", "deployment.automation", NotApplicable, "not applicable"),
        ("", "deployment.dashboards", NotMet, "no monitoring dashboards listed"),
        ("deployment: { dashboards: [{ name: Latency }] }", "deployment.dashboards", Met, "Latency"),
        ("", "deployment.channels", NotMet, "no communication channel"),
        ("deployment: { channels: ['#rel'] }", "deployment.channels", Met, "#rel"),
    ]);
    for (meta, id) in [
        (
            "deployment: { pipeline: p, production: failed }",
            "deployment.production",
        ),
        (
            "deployment: { verifications: [{ name: H, status: failed }] }",
            "deployment.verifications",
        ),
        (
            "smoke_tests: [{ name: L, env: production, status: failed }]",
            "qa.smoke_production",
        ),
    ] {
        assert!(World::new(meta).rule(id)[0].failed, "{id}");
    }
    let w = World::new("").with_change(|c| {
        c.deploy = vec![
            DeployItem {
                item: "Run migration".into(),
                owner: "dba".into(),
                status: None,
            },
            DeployItem {
                item: "Flip flag".into(),
                owner: "devops".into(),
                status: Some(Check::Bool(true)),
            },
            DeployItem {
                item: "Warm cache".into(),
                owner: "devops".into(),
                status: Some(Check::Text("n/a".into())),
            },
        ];
    });
    let found = w.rule("deploy");
    let got: Vec<(String, String, Status)> = found
        .iter()
        .map(|f| {
            let (id, role, _) = f.named.clone().unwrap();
            (id, role, f.status)
        })
        .collect();
    assert_eq!(
        got,
        [
            ("deploy.c1.1".to_string(), "Dba".to_string(), NotMet),
            ("deploy.c1.2".into(), "DevOps".into(), Met),
            ("deploy.c1.3".into(), "DevOps".into(), NotApplicable),
        ]
    );
    assert!(found[0].reason.contains("owner dba"));
}

#[test]
fn support_rules() {
    use Status::*;
    let mut w = World::new("");
    assert_eq!(
        w.one("support.known_issues").1,
        "no known issues affect this release"
    );
    w.known_issues = vec![known_issue(None, false)];
    assert_eq!(
        w.one("support.known_issues"),
        (NotMet, "no workaround written for KI-1".into())
    );
    w.known_issues = vec![
        known_issue(Some("Export by month."), false),
        known_issue(None, true),
    ];
    assert_eq!(w.one("support.known_issues").0, Met);
    assert_eq!(
        w.one("support.escalation"),
        (NotMet, "no escalation path to engineering".into())
    );
    w.escalation = Some("#support".into());
    assert_eq!(w.one("support.escalation"), (Met, "#support".into()));
    assert!(w.one("support.hypercare").1.contains("start not known yet"));
    w.hypercare = Some(Hypercare {
        hours: 48,
        start: "a".into(),
        end: "b".into(),
    });
    assert_eq!(w.one("support.hypercare"), (Met, "48 hours, a to b".into()));
    let w = World::new("support: { hypercare_hours: 72 }");
    assert_eq!(
        w.one("support.hypercare"),
        (
            NotMet,
            "hypercare of 72 hours is outside 24-48 hours".into()
        )
    );
}

#[test]
fn customer_communication_rules() {
    use Status::*;
    // Nothing customer-facing: the communication items do not apply.
    assert_eq!(
        World::new("").one("communication.segments"),
        (NotApplicable, "no customer-facing changes".into())
    );
    let cases = [
        ("", "communication.segments", Met, "all customers"),
        ("communication: { segments: [enterprise] }", "communication.segments", Met, "Enterprise"),
        ("communication: { segments: [enterprize] }", "communication.segments", NotMet, "not in the configuration: enterprize"),
        ("", "communication.timing", NotMet, "no send time"),
        ("communication: { send_at: 2026-03-02T12:00:00Z }\ndeployment: { window: { start: 2026-03-02T13:00:00Z, end: 2026-03-02T14:00:00Z } }", "communication.timing", NotMet, "before the deployment window opens"),
        ("communication: { send_at: 2026-03-02T15:00:00Z }\ndeployment: { window: { start: 2026-03-02T13:00:00Z, end: 2026-03-02T14:00:00Z } }", "communication.timing", Met, "deployment window ends"),
        ("communication: { send_at: 2026-03-02T15:00:00Z }", "communication.timing", Met, "no deployment window to align with"),
        ("", "communication.feedback", NotMet, "no feedback channel"),
        ("communication: { feedback: ['#fb'] }", "communication.feedback", Met, "#fb"),
    ];
    for (meta, id, status, words) in cases {
        let (got, reason) = World::new(meta).with_change(|_| {}).one(id);
        assert_eq!(got, status, "{id}: {reason}");
        assert!(reason.contains(words), "{id}: {reason}");
    }
    let hint = World::new("communication: { segments: [enterprize] }")
        .with_change(|_| {})
        .rule("communication.segments")[0]
        .hint
        .clone()
        .unwrap();
    assert!(hint.contains("`enterprize` -> `enterprise`?"), "{hint}");
}

#[test]
fn quality_rules() {
    use Status::*;
    table(&[
        ("", "qa.smoke_production", NotMet, "no smoke test results from production"),
        ("smoke_tests: [{ name: Log in, env: production, status: pending }]", "qa.smoke_production", NotMet, "not passed in production: Log in"),
        ("smoke_tests: [{ name: Log in, env: production, status: passed }]", "qa.smoke_production", Met, "1 smoke test(s) passed in production"),
        ("smoke_tests: [{ name: Log in, env: production, status: failed }]", "qa.smoke_production", NotMet, "failed in production: Log in"),
        ("", "qa.critical_flows", NotMet, "no critical user flows listed"),
        ("qa: { critical_flows: [Checkout] }", "qa.critical_flows", NotMet, "not passed: Checkout"),
        ("qa: { critical_flows: [{ name: Checkout, status: passed }] }", "qa.critical_flows", Met, "Checkout"),
        ("", "qa.performance", NotMet, "no performance figures"),
        ("qa: { performance: [{ metric: p95, baseline: 400 }] }", "qa.performance", NotMet, "no current value for p95"),
        ("qa: { performance: [{ metric: p95, baseline: 400, current: 380 }] }", "qa.performance", Met, "p95: 380 vs baseline 400 (-5.0%)"),
        ("qa: { performance: [{ metric: rps, baseline: 100, current: 80, higher_is_better: true }] }", "qa.performance", NotMet, "regression beyond tolerance in rps; escalate: "),
        ("qa: { performance: [{ metric: p95, baseline: 400, current: 460, tolerance: 20 }] }", "qa.performance", Met, "+15.0%"),
        ("qa: { performance: [{ metric: p95, baseline: 400, current: 500 }], escalation: perf-team }", "qa.performance", NotMet, "; escalate to perf-team: "),
    ]);
    let w = World::new("qa: { performance: [{ metric: p95, baseline: 400, current: 500 }] }")
        .with_incident(|i| i.on_call = Some("Kim".into()));
    let found = &w.rule("qa.performance")[0];
    assert!(found.reason.contains("escalate to Kim"), "{}", found.reason);
    assert!(found
        .hint
        .as_deref()
        .unwrap()
        .contains("never edit the measured numbers"));
}

#[test]
fn release_type_rules() {
    use Status::*;
    let mut w = World::new("");
    assert_eq!(
        w.one("release.type"),
        (Met, "minor release, as the changes require".into())
    );
    w.required = Bump::Major;
    assert!(w
        .one("release.type")
        .1
        .contains("the changes call for a major release"));
    w.promotes = true;
    assert_eq!(w.one("release.type").0, NotApplicable);
    w.bump = Bump::Initial;
    assert!(w.one("release.type").1.starts_with("first release"));
    let mut w = World::new("type: minor");
    assert_eq!(
        w.one("release.declared_type"),
        (Met, "declared minor".into())
    );
    w.bump = Bump::Patch;
    assert_eq!(
        w.one("release.declared_type"),
        (
            NotMet,
            "declared minor, but the version is a patch bump".into()
        )
    );
    assert_eq!(World::new("").one("release.declared_type").0, NotApplicable);
    // The type whose profile applies.
    let mut w = World::new("");
    assert_eq!(release_type(&w.facts()), TypeName::Minor);
    w.bump = Bump::Prerelease;
    w.required = Bump::Patch;
    assert_eq!(release_type(&w.facts()), TypeName::Patch);
    w.bump = Bump::Initial;
    assert_eq!(release_type(&w.facts()), TypeName::Major);
    assert_eq!(
        release_type(&World::new("type: hotfix").facts()),
        TypeName::Hotfix
    );
}

#[test]
fn content_rules() {
    use Status::*;
    let w = World::new("");
    assert_eq!(w.one("content.upgrade_steps").0, NotApplicable);
    let w = World::new("").with_change(|c| c.breaking = true);
    let (st, reason) = w.one("content.upgrade_steps");
    assert_eq!(
        (st, reason.as_str()),
        (NotMet, "breaking without an upgrade step: c1")
    );
    let w = World::new("").with_change(|c| {
        c.breaking = true;
        c.upgrade = Some("Use /v2.".into());
    });
    assert_eq!(w.one("content.upgrade_steps").0, Met);

    assert_eq!(w.one("content.segments").0, Met);
    let w = World::new("").with_change(|c| c.segments = vec!["enterprize".into()]);
    assert_eq!(
        w.one("content.segments"),
        (NotMet, "unknown segment: c1 targets `enterprize`".into())
    );

    assert_eq!(
        World::new("").one("content.segment_summary").0,
        NotApplicable
    );
    let w = World::new("summary: Faster pages.")
        .with_change(|c| c.segments = vec!["enterprise".into()]);
    assert_eq!(
        w.one("content.segment_summary"),
        (Met, "checked against 1 segment-only change(s)".into())
    );
    let w = World::new("summary: You can now export all invoices at once.")
        .with_change(|c| c.segments = vec!["enterprise".into()]);
    assert_eq!(w.one("content.segment_summary").0, Warning);

    assert_eq!(World::new("").one("content.internal_text").0, Met);
    let w = World::new("").with_change(|c| {
        c.internal = Some("Behind the bulk_export flag for now".into());
        c.text = "Behind the bulk_export flag for now".into();
    });
    assert_eq!(
        w.one("content.internal_text"),
        (
            NotMet,
            "internal note text appears in the customer text of c1".into()
        )
    );
}

#[test]
fn coverage_and_rollback_rules() {
    use Status::*;
    let mut w = World::new("");
    w.config
        .commits
        .kinds
        .insert("feat".into(), ChangeKind::Added);
    w.commits = vec![commit("feat", false)];
    assert_eq!(
        w.one("coverage.commits").0,
        NotApplicable,
        "no change files"
    );
    w.changes.push(change("c1"));
    let (st, reason) = w.one("coverage.commits");
    assert_eq!(
        (st, reason.as_str()),
        (
            Warning,
            "1 commit(s) without a change file: abcdef1 export invoices"
        )
    );
    w.commits = vec![commit("feat", true), commit("chore", false)];
    assert_eq!(w.one("coverage.commits").0, Met);

    let mut w = World::new("");
    assert!(w
        .one("rollback.last_known_good")
        .1
        .contains("first release"));
    w.last_known_good = Some("1.0.0".into());
    assert_eq!(
        w.one("rollback.last_known_good"),
        (Met, "roll back to 1.0.0".into())
    );
    w.rolled_back = vec!["1.0.0".into()];
    assert!(w
        .one("rollback.last_known_good")
        .1
        .contains("was rolled back after an incident"));
    w.last_known_good = Some("0.9.0".into());
    assert!(w
        .one("rollback.last_known_good")
        .1
        .contains("has no release tag"));
}

#[test]
fn the_playbook_rules() {
    use Status::*;
    let none = World::new("");
    for id in [
        "incident.on_call",
        "incident.root_cause",
        "incident.action_items",
    ] {
        assert_eq!(
            none.one(id),
            (NotMet, "no incident recorded".into()),
            "{id}"
        );
        let hint = none.rule(id)[0].hint.clone().unwrap();
        assert!(
            hint.contains("relnotes incident new --release 1.1.0"),
            "{hint}"
        );
    }
    assert!(none
        .one("incident.opened")
        .1
        .contains("no incident recorded for this release"));
    assert!(none
        .one("incident.decision")
        .1
        .contains("neither a rollback"));
    assert!(
        none.rule("incident.customer_message").is_empty(),
        "not withdrawn"
    );

    let w = World::new("").with_incident(|_| {});
    assert_eq!(
        w.one("incident.opened"),
        (Met, "INC-1: Checkout down (high severity)".into())
    );
    assert!(w
        .one("incident.on_call")
        .1
        .contains("not recorded in INC-1"));
    assert_eq!(
        w.one("incident.root_cause"),
        (NotMet, "no root cause in INC-1".into())
    );
    assert_eq!(
        w.one("incident.action_items"),
        (NotMet, "INC-1 has no action items".into())
    );
    let hint = w.rule("incident.root_cause")[0].hint.clone().unwrap();
    assert!(
        hint.starts_with(".relnotes/incidents/INC-1.md: set `root_cause`"),
        "{hint}"
    );

    let item = |owner: Option<&str>, due: Option<&str>, open: bool| ActionItemInfo {
        title: "Add a timeout".into(),
        owner: owner.map(String::from),
        due: due.map(String::from),
        status: if open { "open" } else { "done" },
        open,
    };
    let w = World::new("").with_incident(|i| {
        i.on_call = Some("Kim".into());
        i.notified_at = Some("09:10".into());
        i.decision = Decision::RolledBack {
            to: "1.0.0".into(),
            at: None,
        };
        i.root_cause = Some("Lock".into());
        i.action_items = vec![
            item(Some("Kim"), Some("2026-05-01"), true),
            item(Some("Lee"), Some("2026-05-02"), false),
        ];
    });
    assert_eq!(
        w.one("incident.on_call"),
        (Met, "Kim notified at 09:10".into())
    );
    assert_eq!(
        w.one("incident.decision"),
        (Met, "INC-1: rolled back to 1.0.0".into())
    );
    assert_eq!(w.one("incident.root_cause").0, Met);
    assert_eq!(
        w.one("incident.action_items"),
        (Met, "2 action item(s), 1 open".into())
    );
    let w = World::new("").with_incident(|i| {
        i.action_items = vec![item(None, None, true), item(Some("Kim"), None, true)]
    });
    assert_eq!(
        w.one("incident.action_items").1,
        "\"Add a timeout\" has no owner; \"Add a timeout\" has no due date"
    );

    let mut w = World::new("").with_incident(|_| {});
    w.withdrawn = true;
    assert_eq!(w.one("incident.customer_message").0, NotApplicable);
    let mut w = World::new("").with_change(|_| {}).with_incident(|_| {});
    w.withdrawn = true;
    assert!(w
        .one("incident.customer_message")
        .1
        .contains("customers are not told"));
    w.incidents[0].customer_message = Some("Use 1.0.0.".into());
    assert_eq!(
        w.one("incident.customer_message"),
        (Met, "customer message in INC-1".into())
    );
}

#[test]
fn the_evaluation_walks_the_checklist_in_order_and_switches_on_the_playbook() {
    let w = World::new("");
    let r = w.evaluate(Stage::PreRelease);
    assert!(!r.items.iter().any(|i| i.stage == Stage::Incident));
    // Later-stage items not done are pending before the deploy.
    let prod = r
        .items
        .iter()
        .find(|i| i.id == "deployment.production")
        .unwrap();
    assert_eq!(prod.status, Status::Pending);
    assert_eq!(r.release_type, Some(TypeName::Minor));
    let ids: Vec<&str> = r.items.iter().map(|i| i.id.as_str()).take(5).collect();
    assert_eq!(
        ids,
        [
            "requirements.acceptance_criteria",
            "requirements.prs_merged",
            "requirements.ci",
            "requirements.security_scan",
            "notes.drafted"
        ]
    );
    // A failed deploy blocks at every stage and brings the playbook in.
    let w = World::new("deployment: { pipeline: p, production: failed }");
    let r = w.evaluate(Stage::PreRelease);
    let prod = r
        .items
        .iter()
        .find(|i| i.id == "deployment.production")
        .unwrap();
    assert_eq!(prod.status, Status::NotMet);
    assert!(prod.blocking);
    assert!(prod
        .hint
        .as_deref()
        .unwrap()
        .contains("rollback and incident playbook"));
    assert!(r.items.iter().any(|i| i.id == "incident.decision"));
    assert!(!r.ready);
    // Asked for, the playbook is evaluated without a failure too.
    let r = World::new("").evaluate(Stage::Incident);
    assert!(r.items.iter().any(|i| i.id == "incident.opened"));
    // Counts add up.
    let c = &r.counts;
    assert_eq!(
        c.met + c.not_met + c.pending + c.not_applicable + c.warning,
        r.items.len()
    );
}
