//! `relnotes build` behaviour beyond the fixtures: determinism and the
//! audience rules checked on the OctoAcme sample.

use std::path::Path;

use crate::harness::{case_repo, read_tree, run_in};

fn octoacme(dir: &Path) {
    case_repo("octoacme", dir);
}

fn build_all(repo: &Path, out: &str) -> std::collections::BTreeMap<String, Vec<u8>> {
    let (code, _, stderr) = run_in(
        repo,
        &["build".into(), "--all".into(), "--out".into(), out.into()],
    );
    assert_eq!(code, 0, "{stderr}");
    read_tree(&repo.join(out))
}

#[test]
fn two_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    octoacme(&a);
    octoacme(&b);
    let first = build_all(&a, "out1");
    let again = build_all(&a, "out2");
    let other_repo = build_all(&b, "out1");
    assert!(first.len() > 50, "only {} files", first.len());
    assert!(first == again, "same repository, two builds");
    assert!(
        first == other_repo,
        "two repositories made from the same fixture"
    );
}

#[test]
fn internal_text_never_reaches_customer_pages() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let tree = build_all(tmp.path(), "dist");
    let internal_notes = [
        "bulk_export",                // 1.1.0 bulk-export internal note
        "Beta cohort is 40 accounts", // 1.2.0 dark-mode internal note
        "12 enterprise accounts",     // 2.0.0 remove-v1-api internal note
        "penetration test",           // 2.0.0 tls-upgrade internal note
        "ci: run tests",              // an internal commit
        "bump dependencies",          // a chore commit
        "Run migration 0042",         // a deploy item
    ];
    let mut customer_pages = 0;
    for (path, bytes) in &tree {
        if path.contains("/customer/") {
            customer_pages += 1;
            let text = String::from_utf8_lossy(bytes);
            for note in internal_notes {
                assert!(!text.contains(note), "{path} shows internal text {note:?}");
            }
            assert!(!text.contains("export.job"), "{path} shows a support note");
        }
    }
    assert!(customer_pages >= 22, "{customer_pages}");
    let stake = String::from_utf8_lossy(&tree["1.1.0/stakeholders.md"]);
    assert!(
        stake.contains("Behind the `bulk_export` flag"),
        "stakeholders see internal notes"
    );
    assert!(
        stake.contains("bump dependencies"),
        "stakeholders see every commit"
    );
    let support = String::from_utf8_lossy(&tree["1.1.0/support.md"]);
    assert!(support.contains("export.job"), "support sees support notes");
    assert!(
        !support.contains("bulk_export` flag"),
        "support does not see internal notes"
    );
}

#[test]
fn segment_pages_add_their_items_and_known_issues() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let tree = build_all(tmp.path(), "dist");
    let page = |p: &str| String::from_utf8_lossy(&tree[p]).into_owned();
    // bulk export is for enterprise only
    assert!(!page("1.1.0/customer/index.md").contains("export all invoices"));
    assert!(page("1.1.0/customer/enterprise.md").contains("export all invoices"));
    // 1.1.0 has nothing of beta's own: no beta page repeats the page for
    // everyone, and the page for everyone links to the enterprise page only.
    assert!(!tree.contains_key("1.1.0/customer/beta.md"));
    assert!(page("1.1.0/customer/index.html").contains("href=\"enterprise.html\""));
    assert!(!page("1.1.0/customer/index.html").contains("href=\"beta.html\""));
    // KI-7 affects 1.1.0 for enterprise, is fixed in 1.1.1 and gone after;
    // customers see its title, never the id
    assert!(page("1.1.0/customer/enterprise.md").contains("Export of more than 50,000 invoices"));
    assert!(!page("1.1.0/customer/index.md").contains("Export of more than 50,000 invoices"));
    assert!(page("1.1.1/customer/enterprise.md").contains("Fixed known issues"));
    assert!(!tree.contains_key("1.2.0/customer/enterprise.md"));
    assert!(!page("1.2.0/customer/index.md").contains("Export of more than 50,000 invoices"));
    // the breaking release has its migration step on every customer page
    for p in ["2.0.0/customer/index.md", "2.0.0/customer/beta.md"] {
        assert!(
            page(p).contains("## Migration steps") && page(p).contains("/api/v2/invoices"),
            "{p}"
        );
    }
}

#[test]
fn release_json_is_the_context_output() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let tree = build_all(tmp.path(), "dist");
    let (code, stdout, stderr) = run_in(
        tmp.path(),
        &["context".into(), "--tag".into(), "v1.1.0".into()],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.as_bytes() == &tree["1.1.0/release.json"][..],
        "context and release.json differ"
    );
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v["release"]["version"], "1.1.0");
    assert_eq!(v["release"]["readiness"]["ready"], true);
}

/// The renderer builds page contexts from cached values for speed; they must
/// be exactly the documented `PageCtx` (what custom templates are written
/// against).
#[test]
fn cached_contexts_render_like_the_documented_context() {
    use relnotes::domain::config::Format;
    use relnotes::engine::{Sources, Target};
    use relnotes::render::{page_context, pages, ReleaseCache, Renderer};
    let tmp = tempfile::tempdir().unwrap();
    relnotes::app::demo::write_sample(tmp.path()).unwrap();
    let sources = Sources::load(tmp.path(), None).unwrap();
    let a = sources.assemble(&Target::All).unwrap();
    let renderer = Renderer::new(&[]).unwrap();
    let mut compared = 0;
    for release in &a.releases {
        for format in [Format::Md, Format::Html] {
            let cache = ReleaseCache::new(&sources.config, release, format);
            for spec in pages(&sources.config, release) {
                let fast = renderer
                    .render(&a.project, &sources.config, release, &cache, &spec, format)
                    .unwrap();
                let ctx = page_context(&a.project, &sources.config, release, &cache, &spec, format);
                let slow = renderer.render_context(spec.page, format, &ctx).unwrap();
                assert!(
                    fast == slow,
                    "{} {} {:?} differs",
                    release.version,
                    spec.path,
                    format
                );
                compared += 1;
            }
        }
    }
    assert!(compared > 50, "{compared}");
}

/// Runs `relnotes -v build --all` (plus `extra`) into `out` and returns the
/// versions it rebuilt, from its report.
fn rebuilt(repo: &Path, out: &str, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = ["-v", "build", "--all", "--out", out]
        .map(String::from)
        .to_vec();
    args.extend(extra.iter().map(|s| s.to_string()));
    let (code, stdout, stderr) = run_in(repo, &args);
    assert_eq!(code, 0, "{stderr}");
    let mut versions: Vec<String> = stdout
        .lines()
        .filter_map(|l| {
            let l = l
                .strip_prefix("release ")
                .or(l.strip_prefix("unreleased "))?;
            Some(l.split([':', ' ']).next()?.to_string())
        })
        .collect();
    versions.sort();
    versions
}

fn git(repo: &Path, args: &[&str]) {
    let out = std::process::Command::new("git")
        .arg("-C")
        .arg(repo)
        .args(args)
        .env("GIT_AUTHOR_NAME", "Dana Lee")
        .env("GIT_AUTHOR_EMAIL", "dana@octoacme.example")
        .env("GIT_COMMITTER_NAME", "Dana Lee")
        .env("GIT_COMMITTER_EMAIL", "dana@octoacme.example")
        .env("GIT_AUTHOR_DATE", "2026-06-01T10:00:00Z")
        .env("GIT_COMMITTER_DATE", "2026-06-01T10:00:00Z")
        .output()
        .unwrap();
    assert!(out.status.success(), "git {args:?}: {out:?}");
}

/// After every kind of change, an incremental build rebuilds exactly the
/// releases it affects and leaves a tree identical to a full rebuild.
#[test]
fn incremental_builds_rebuild_only_what_changed_and_match_a_full_build() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    octoacme(repo);
    let all = ["1.0.0", "1.1.0", "1.1.1", "1.2.0", "2.0.0", "2.1.0"].map(String::from);
    let full = |name: &str| {
        let (code, _, stderr) = run_in(
            repo,
            &["build", "--all", "--force", "--out", name].map(String::from),
        );
        assert_eq!(code, 0, "{stderr}");
        read_tree(&repo.join(name))
    };

    // The first build writes everything, with a stamp per tagged release.
    assert_eq!(rebuilt(repo, "dist", &[]), all);
    let first = read_tree(&repo.join("dist"));
    for v in &all[..5] {
        let stamp = String::from_utf8_lossy(&first[&format!("{v}/.relnotes-build")]).into_owned();
        assert!(stamp.starts_with("relnotes build stamp"), "{stamp}");
    }
    assert!(
        !first.contains_key("2.1.0/.relnotes-build"),
        "unreleased: no stamp"
    );

    // Nothing changed: only the unreleased changes are assembled again, and
    // the tree is byte for byte the same.
    assert_eq!(rebuilt(repo, "dist", &[]), ["2.1.0"]);
    assert!(read_tree(&repo.join("dist")) == first);
    assert!(
        first == full("full-0"),
        "incremental and full builds differ"
    );

    // A change file of one release.
    let change = repo.join(".relnotes/changes/1.1.0/faster-billing.md");
    let text = std::fs::read_to_string(&change).unwrap();
    std::fs::write(&change, format!("{text}\nNow also for invoices.\n")).unwrap();
    assert_eq!(rebuilt(repo, "dist", &[]), ["1.1.0", "2.1.0"]);
    let tree = read_tree(&repo.join("dist"));
    assert!(tree != first);
    assert!(tree == full("full-1"), "after a change file edit");

    // A release's metadata.
    let meta = repo.join(".relnotes/releases/1.2.0.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    std::fs::write(&meta, text.replacen("name:", "# edited\nname:", 1)).unwrap();
    assert_eq!(
        rebuilt(repo, "dist", &[]),
        ["2.1.0"],
        "a comment changes nothing"
    );
    std::fs::write(
        &meta,
        text.replacen("name: Borealis", "name: Borealis II", 1),
    )
    .unwrap();
    let (code, _, stderr) = run_in(repo, &["check".into(), "--tag".into(), "v1.2.0".into()]);
    assert!(code < 2, "the edited metadata must stay valid: {stderr}");
    assert_eq!(rebuilt(repo, "dist", &[]), ["1.2.0", "2.1.0"]);

    // A file deleted from the output.
    std::fs::remove_file(repo.join("dist/1.0.0/support.html")).unwrap();
    assert_eq!(rebuilt(repo, "dist", &[]), ["1.0.0", "2.1.0"]);

    // A known issue can appear on any release: all are rebuilt.
    let issues = repo.join(".relnotes/known-issues");
    let first_issue = std::fs::read_dir(&issues)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    let text = std::fs::read_to_string(&first_issue).unwrap();
    std::fs::write(&first_issue, format!("{text}\nMore detail.\n")).unwrap();
    assert_eq!(rebuilt(repo, "dist", &[]), all);

    // A template override changes every page.
    std::fs::create_dir_all(repo.join(".relnotes/templates")).unwrap();
    let builtin = relnotes::render::BUILTIN
        .iter()
        .find(|(name, _)| *name == "support.md")
        .unwrap()
        .1;
    std::fs::write(
        repo.join(".relnotes/templates/support.md"),
        format!("{builtin}\n_Questions? support@octoacme.example_\n"),
    )
    .unwrap();
    assert_eq!(rebuilt(repo, "dist", &[]), all);
    assert!(
        read_tree(&repo.join("dist")) == full("full-2"),
        "after a template override"
    );

    // A new tag: the new release is built, the others are up to date (the
    // unreleased change files, not moved by `relnotes release`, now make
    // 2.2.0).
    git(repo, &["add", "-A"]);
    git(
        repo,
        &["commit", "-q", "-m", "feat: edit the sample inputs"],
    );
    git(repo, &["tag", "v2.1.0"]);
    assert_eq!(rebuilt(repo, "dist", &[]), ["2.1.0", "2.2.0"]);
    assert!(
        read_tree(&repo.join("dist")) == full("full-3"),
        "after a new tag"
    );
    // Moving a tag rebuilds its release.
    git(
        repo,
        &["commit", "-q", "--allow-empty", "-m", "fix: one more thing"],
    );
    git(repo, &["tag", "-f", "v2.1.0"]);
    assert_eq!(rebuilt(repo, "dist", &[]), ["2.1.0", "2.2.0"]);
    assert!(
        read_tree(&repo.join("dist")) == full("full-4"),
        "after moving a tag"
    );

    // --force rebuilds everything; a different format set is another build.
    let mut now = all.to_vec();
    now.push("2.2.0".into());
    assert_eq!(rebuilt(repo, "dist", &["--force"]), now);
    assert_eq!(rebuilt(repo, "dist", &["--format", "md"]), now);
}

/// Internal text never reaches a customer page, whatever the template: a
/// user template that prints its whole context (`__tera_context`) still
/// sees no support or internal note, deploy item, author or commit, and a
/// support page sees no internal note or deploy item.
#[test]
fn template_contexts_hold_only_what_the_audience_may_see() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    relnotes::app::demo::write_sample(repo).unwrap();
    std::fs::write(
        repo.join(".relnotes/changes/2.0.0/secret.md"),
        "---\ntype: added\nprs: [9001]\nsupport: SENTINEL-SUPPORT\ninternal: SENTINEL-INTERNAL\ndeploy:\n  - { item: SENTINEL-DEPLOY, owner: devops }\n---\nA public line.\n",
    )
    .unwrap();
    let templates = repo.join(".relnotes/templates");
    std::fs::create_dir_all(&templates).unwrap();
    for page in ["customer", "support", "stakeholders"] {
        for ext in ["md", "html"] {
            std::fs::write(
                templates.join(format!("{page}.{ext}")),
                "{{ __tera_context }}",
            )
            .unwrap();
        }
    }
    let (code, _, stderr) = run_in(repo, &["build".into(), "--tag".into(), "v2.0.0".into()]);
    assert_eq!(code, 0, "{stderr}");
    let tree = read_tree(&repo.join("dist/2.0.0"));
    let page = |p: &str| String::from_utf8_lossy(&tree[p]).into_owned();
    // The dump really is the whole context: the stakeholders page has all.
    for ext in ["md", "html"] {
        let all = page(&format!("stakeholders.{ext}"));
        for s in [
            "A public line",
            "SENTINEL-SUPPORT",
            "SENTINEL-INTERNAL",
            "SENTINEL-DEPLOY",
        ] {
            assert!(all.contains(s), "stakeholders.{ext} lacks {s}");
        }
        let quote = if ext == "html" { "&quot;" } else { "\"" };
        assert!(
            all.contains(&format!("{quote}authors{quote}: [{quote}")),
            "stakeholders.{ext}: the dump shows authors as expected"
        );
        let support = page(&format!("support.{ext}"));
        assert!(support.contains("SENTINEL-SUPPORT"), "support.{ext}");
        for s in ["SENTINEL-INTERNAL", "SENTINEL-DEPLOY"] {
            assert!(!support.contains(s), "support.{ext} shows {s}");
        }
        let customer_pages: Vec<&String> = tree
            .keys()
            .filter(|k| k.starts_with("customer/") && k.ends_with(ext))
            .collect();
        // All customers, and beta (KI-9 is for beta customers).
        assert!(customer_pages.len() >= 2, "{customer_pages:?}");
        for p in customer_pages {
            let text = page(p);
            assert!(text.contains("A public line"), "{p}");
            for s in ["SENTINEL-SUPPORT", "SENTINEL-INTERNAL", "SENTINEL-DEPLOY"] {
                assert!(!text.contains(s), "{p} shows {s}");
            }
            // Authors and commits are in the context only as empty lists.
            for key in ["authors", "commits", "deploy"] {
                let filled = format!("{quote}{key}{quote}: [{{");
                let named = format!("{quote}{key}{quote}: [{quote}");
                assert!(
                    !text.contains(&filled) && !text.contains(&named),
                    "{p} shows {key}"
                );
            }
            // ... and the authors' line only empty.
            let by = format!("{quote}by{quote}: {quote}");
            assert!(text.contains(&by), "{p}: the dump has no `by`");
            assert_eq!(
                text.matches(&by).count(),
                text.matches(&format!("{by}{quote}")).count(),
                "{p} shows an author"
            );
        }
    }
}

/// A segment's page shows the segment's own summary and highlights, links
/// to no other segment, and a summary every customer reads that speaks of a
/// segment-only change is warned about.
#[test]
fn segments_have_their_own_summary_and_highlights() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    octoacme(repo);
    let meta = repo.join(".relnotes/releases/1.1.0.yaml");
    let text = std::fs::read_to_string(&meta).unwrap();
    let text = text.replacen(
        "summary: |\n  Bulk export for enterprise admins and faster billing pages.",
        "summary: |\n  Enterprise admins can now export all invoices at once, and billing pages are faster.\nsegments:\n  enterprise:\n    summary: Your admins can export every invoice in one go.\n    highlights: [bulk-export]",
        1,
    );
    assert!(
        text.contains("segments:"),
        "the sample's summary changed: {text}"
    );
    std::fs::write(&meta, text).unwrap();
    let (code, _, stderr) = run_in(
        repo,
        &["build", "--tag", "v1.1.0", "--format", "md"].map(String::from),
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("mentions change bulk-export"),
        "no warning about the summary: {stderr}"
    );
    let tree = read_tree(&repo.join("dist/1.1.0/customer"));
    let page = |p: &str| String::from_utf8_lossy(&tree[p]).into_owned();
    let enterprise = page("enterprise.md");
    assert!(enterprise.contains("Your admins can export every invoice in one go."));
    assert!(!page("index.md").contains("Your admins can export"));
    assert!(!tree.contains_key("beta.md"), "1.1.0 has nothing for beta");
    assert!(
        !enterprise.contains("beta.md"),
        "a segment page links to another"
    );
    // the segment's highlight comes first on its page
    let notable = enterprise.split("## Notable changes").nth(1).unwrap();
    assert!(
        notable
            .trim_start()
            .starts_with("- New: Enterprise admins can now export"),
        "{notable}"
    );
}

/// Segment pages are written for the segments with something of their own
/// in a release, for those the communication plan names when it names any
/// (with a warning for a segment it leaves out), and for every segment with
/// `output.segment_pages: always`. Stakeholders see which pages go out.
#[test]
fn communication_segments_decide_the_segment_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path();
    octoacme(repo);
    let pages = |repo: &Path, v: &str| -> Vec<String> {
        read_tree(&repo.join("dist").join(v).join("customer"))
            .into_keys()
            .filter(|k| k.ends_with(".md"))
            .collect()
    };
    let build = |repo: &Path, tag: &str| {
        let (code, _, stderr) = run_in(
            repo,
            &["build", "--tag", tag, "--format", "md"].map(String::from),
        );
        assert_eq!(code, 0, "{stderr}");
        stderr
    };
    // Nothing for a segment of its own: only the page for everyone.
    build(repo, "v1.0.0");
    assert_eq!(pages(repo, "1.0.0"), ["index.md"]);
    let stake = std::fs::read_to_string(repo.join("dist/1.0.0/stakeholders.md")).unwrap();
    assert!(stake.contains("- Pages: All customers\n"), "{stake}");
    // 1.2.0: dark mode is for beta.
    build(repo, "v1.2.0");
    assert_eq!(pages(repo, "1.2.0"), ["beta.md", "index.md"]);
    let stake = std::fs::read_to_string(repo.join("dist/1.2.0/stakeholders.md")).unwrap();
    assert!(
        stake.contains("- Pages: All customers, Beta program\n"),
        "{stake}"
    );
    // The plan names enterprise only: its page is written even without
    // changes of its own, beta's is not, and the build says so.
    let meta = repo.join(".relnotes/releases/1.2.0.yaml");
    let mut text = std::fs::read_to_string(&meta).unwrap();
    text.push_str("communication:\n  segments: [enterprise]\n");
    std::fs::write(&meta, text).unwrap();
    let stderr = build(repo, "v1.2.0");
    assert_eq!(pages(repo, "1.2.0"), ["enterprise.md", "index.md"]);
    assert!(
        stderr.contains("segment(s) beta have changes or known issues of their own"),
        "{stderr}"
    );
    // Every segment, always, when the configuration asks.
    let config = repo.join(".relnotes/config.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("output:\n  segment_pages: always\n");
    std::fs::write(&config, text).unwrap();
    build(repo, "v1.0.0");
    assert_eq!(
        pages(repo, "1.0.0"),
        ["beta.md", "enterprise.md", "index.md"]
    );
}

#[test]
fn a_performance_trace_names_each_phase_and_changes_no_output() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let build = |out: &str, trace: bool| {
        let mut cmd = std::process::Command::new(crate::harness::bin());
        cmd.args(["build", "--tag", "v1.1.0", "--out", out])
            .current_dir(tmp.path())
            .env_remove("RELNOTES_TRACE_PERFORMANCE");
        if trace {
            cmd.env("RELNOTES_TRACE_PERFORMANCE", "1");
        }
        let done = cmd.output().expect("run relnotes");
        assert!(
            done.status.success(),
            "{}",
            String::from_utf8_lossy(&done.stderr)
        );
        String::from_utf8(done.stderr).expect("UTF-8 stderr")
    };
    let quiet = build("plain", false);
    let traced = build("traced", true);
    assert!(!quiet.contains("relnotes trace:"), "{quiet}");
    let phases: Vec<&str> = traced
        .lines()
        .filter_map(|l| l.strip_prefix("relnotes trace: "))
        .map(|l| {
            l.split_once(" ms  ")
                .expect("milliseconds, then the phase")
                .1
        })
        .collect();
    let at = |p: &str| {
        phases
            .iter()
            .position(|x| *x == p)
            .unwrap_or_else(|| panic!("no phase {p:?} in {phases:#?}"))
    };
    assert!(at("sources loaded") < at("1.1.0: assembled"));
    assert!(at("1.1.0: assembled") < at("1.1.0: rendered"));
    assert!(at("1.1.0: rendered") < at("1.1.0: announcements staged"));
    assert!(at("1.1.0: announcements staged") < at("outputs swapped in"));
    assert_eq!(phases.last(), Some(&"command done"));
    // The trace goes to standard error only: the outputs are the same.
    assert!(read_tree(&tmp.path().join("plain")) == read_tree(&tmp.path().join("traced")));
}
