//! Publishing (issue 16): `relnotes notes` prints exactly the page `build`
//! writes, for each audience, segment and format; what customers read never
//! carries support or internal text. CHANGELOG.md is covered by the
//! `changelog` fixture.

use std::path::Path;

use crate::harness::{case_repo, run_in};

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run_in(dir, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

#[test]
fn notes_print_the_page_build_writes() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    let (code, _, stderr) = run(tmp.path(), &["build", "--tag", "v1.1.0"]);
    assert_eq!(code, 0, "{stderr}");
    for (args, page) in [
        (vec![], "customer/index.md"),
        (vec!["--segment", "enterprise"], "customer/enterprise.md"),
        (vec!["--audience", "support"], "support.md"),
        (vec!["--audience", "stakeholders"], "stakeholders.md"),
        (
            vec!["--audience", "readiness", "--format", "html"],
            "readiness.html",
        ),
        (vec!["--format", "html"], "customer/index.html"),
    ] {
        let mut all = vec!["notes", "--tag", "v1.1.0", "-q"];
        all.extend(args.iter());
        let (code, stdout, stderr) = run(tmp.path(), &all);
        assert_eq!(code, 0, "{all:?}: {stderr}");
        let want = std::fs::read_to_string(tmp.path().join("dist/1.1.0").join(page)).unwrap();
        assert_eq!(stdout, want, "{all:?} differs from {page}");
    }
}

#[test]
fn customer_notes_carry_no_support_or_internal_text_and_text_has_no_markup() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    let (_, support, _) = run(
        tmp.path(),
        &["notes", "--tag", "v1.1.0", "--audience", "support", "-q"],
    );
    let (_, customer, _) = run(tmp.path(), &["notes", "--tag", "v1.1.0", "-q"]);
    // The support page has notes for support that customers must not see.
    let only_support: Vec<&str> = support
        .lines()
        .filter(|l| l.contains("Support:") || l.contains("support note"))
        .collect();
    assert!(!only_support.is_empty(), "{support}");
    for l in only_support {
        let l = l.trim().trim_start_matches("- ");
        assert!(
            !customer.contains(l),
            "customer notes contain support text {l:?}"
        );
    }
    let (code, text, stderr) = run(
        tmp.path(),
        &["notes", "--tag", "v1.1.0", "--format", "text", "-q"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert!(text.starts_with("OctoAcme 1.1.0"), "{text}");
    for markup in ["**", "## ", "](", "<"] {
        assert!(!text.contains(markup), "{markup:?} in {text}");
    }
    assert!(
        text.contains("- The billing page opens up to twice as fast."),
        "{text}"
    );
}

#[test]
fn notes_refuse_an_unknown_segment_and_a_segment_for_other_audiences() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    let (code, _, stderr) = run(
        tmp.path(),
        &["notes", "--tag", "v1.1.0", "--segment", "gold"],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no segment `gold`") && stderr.contains("enterprise"),
        "{stderr}"
    );
    let (code, _, stderr) = run(
        tmp.path(),
        &[
            "notes",
            "--tag",
            "v1.1.0",
            "--audience",
            "support",
            "--segment",
            "beta",
        ],
    );
    assert_eq!(code, 2);
    assert!(
        stderr.contains("--segment goes with the customer page only"),
        "{stderr}"
    );
}

/// The CI files a user copies parse as YAML, and every `relnotes` command
/// line in them is accepted by the real command line parser.
#[test]
fn the_ci_recipes_parse_and_use_real_commands() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for file in ["ci/github-actions.yml", "ci/gitlab-ci.yml"] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        let _: serde_yaml::Value =
            serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        let mut seen = 0;
        for line in text.lines() {
            // Comments (` # ...`) are prose.
            let line = line.split(" #").next().unwrap();
            let Some(at) = line.find("relnotes ") else {
                continue;
            };
            let cmd = &line[at..];
            if line.contains("cargo install") || line.trim_start().starts_with('#') {
                continue;
            }
            // Up to a pipe, a redirection, a comment or the end of the
            // shell command.
            // GitHub expressions (`${{ github.base_ref }}`) stand for a word.
            let mut cmd = cmd.to_string();
            while let (Some(a), Some(b)) = (cmd.find("${{"), cmd.find("}}")) {
                cmd.replace_range(a..b + 2, "main");
            }
            let cmd = cmd.split(['|', '>', ';', '#']).next().unwrap().trim();
            let words: Vec<String> = cmd
                .split_whitespace()
                .skip(1)
                .map(|w| w.trim_matches('"').to_string())
                .map(|w| {
                    if w.contains('$') {
                        "v1.0.0".to_string()
                    } else {
                        w
                    }
                })
                .collect();
            let parsed = relnotes::app::cli::Cli::try_parse_args(&words);
            assert!(parsed.is_ok(), "{file}: `{cmd}`: {:?}", parsed.err());
            seen += 1;
        }
        assert!(seen >= 4, "{file}: only {seen} relnotes commands");
    }
}

/// `relnotes feed`: Atom feeds that parse, one entry per release with a
/// stable id and the tag's time, segment-only changes only in their
/// segment's feed, sanitized HTML content, the same bytes on every run.
#[test]
fn feeds_parse_and_say_the_right_thing_to_each_segment() {
    use atom_syndication::Feed;
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    std::fs::write(
        tmp.path().join(".relnotes/changes/2.0.0/hostile.md"),
        "---\ntype: fixed\n---\nNo more <script>alert(1)</script> [x](javascript:alert(2)) in titles.\n",
    )
    .unwrap();
    let (code, _, stderr) = run(
        tmp.path(),
        &["feed", "--url", "https://octoacme.example/releases"],
    );
    assert_eq!(code, 0, "{stderr}");
    let dir = tmp.path().join("dist/feeds");
    let read = |name: &str| {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        (
            text.clone(),
            Feed::read_from(text.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}")),
        )
    };
    let (all_text, all) = read("customer.xml");
    let (_, enterprise) = read("customer-enterprise.xml");
    assert_eq!(all.title().as_str(), "OctoAcme release notes");
    assert_eq!(
        enterprise.title().as_str(),
        "OctoAcme release notes for Enterprise plan"
    );
    let versions: Vec<&str> = all.entries().iter().map(|e| e.title().as_str()).collect();
    assert_eq!(versions.len(), 5, "{versions:?}");
    assert!(versions[0].starts_with("OctoAcme 2.0.0"), "{versions:?}");
    let mut ids: Vec<&str> = all.entries().iter().map(|e| e.id()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 5);
    assert_eq!(
        all.entries()[0].links()[0].href(),
        "https://octoacme.example/releases/2.0.0/customer/index.html"
    );
    assert_eq!(
        all.entries()[0].updated().to_rfc3339(),
        "2026-04-20T14:00:00+00:00"
    );
    let content = |f: &Feed, i: usize| {
        f.entries()[i]
            .content()
            .and_then(|c| c.value())
            .unwrap_or("")
            .to_string()
    };
    // Bulk export is for the enterprise segment only (1.1.0).
    let v110 = |f: &Feed| {
        f.entries()
            .iter()
            .position(|e| e.title().as_str().starts_with("OctoAcme 1.1.0"))
            .unwrap()
    };
    assert!(
        !content(&all, v110(&all)).contains("xport all invoices"),
        "{}",
        content(&all, v110(&all))
    );
    assert!(content(&enterprise, v110(&enterprise)).contains("xport all invoices"));
    let hostile = content(&all, 0);
    assert!(hostile.contains("No more"), "{hostile}");
    assert!(
        !hostile.contains("<script") && !hostile.contains("javascript:"),
        "{hostile}"
    );
    // Same inputs, same bytes.
    let (code, _, stderr) = run(
        tmp.path(),
        &["feed", "--url", "https://octoacme.example/releases"],
    );
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        std::fs::read_to_string(dir.join("customer.xml")).unwrap(),
        all_text
    );
    let (code, _, stderr) = run(tmp.path(), &["feed", "--url", "javascript:alert(1)"]);
    assert_eq!(code, 2, "{stderr}");
}

/// `relnotes announce`: e-mails that parse back with both parts, one per
/// audience, the right text for each, a Slack payload in Block Kit shape
/// with Slack's markup escaped, the same bytes on every run.
#[test]
fn announcements_parse_back_and_are_deterministic() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    std::fs::write(
        tmp.path().join(".relnotes/changes/1.1.0/hostile.md"),
        "---\ntype: fixed\n---\nNo more <script>alert(1)</script> & <@channel> pings.\n",
    )
    .unwrap();
    let config = tmp.path().join(".relnotes/config.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("announce:\n  from: OctoAcme releases <releases@octoacme.example>\n  to:\n    enterprise: [admins@bigcorp.example]\n  subject: \"{project} {version} for {audience}\"\n");
    std::fs::write(&config, text).unwrap();
    let args = [
        "announce",
        "--tag",
        "v1.1.0",
        "--url",
        "https://octoacme.example/releases",
    ];
    let (code, _, stderr) = run(tmp.path(), &args);
    assert_eq!(code, 0, "{stderr}");
    let dir = tmp.path().join("dist/announce/1.1.0");
    let before = crate::harness::read_tree(&dir);
    let names: Vec<&String> = before.keys().collect();
    assert_eq!(
        names,
        [
            ".relnotes-output",
            "announcement.txt",
            "email-all.eml",
            "email-enterprise.eml",
            "email-stakeholders.eml",
            "slack.json"
        ]
    );
    let parse = |name: &str| {
        let bytes = before[name].clone();
        mail_parser::MessageParser::default()
            .parse(&bytes)
            .map(|m| {
                (
                    m.subject().unwrap_or("").to_string(),
                    m.to()
                        .and_then(|t| t.first())
                        .and_then(|a| a.address())
                        .unwrap_or("")
                        .to_string(),
                    m.body_text(0).map(|t| t.to_string()).unwrap_or_default(),
                    m.body_html(0).map(|t| t.to_string()).unwrap_or_default(),
                    m.message_id().unwrap_or("").to_string(),
                )
            })
            .unwrap_or_else(|| panic!("{name} does not parse"))
    };
    let (subject, to, text, html, id) = parse("email-enterprise.eml");
    assert_eq!(subject, "OctoAcme 1.1.0 for Enterprise plan");
    assert_eq!(to, "admins@bigcorp.example");
    assert_eq!(id, "1.1.0.enterprise@octoacme.example");
    assert!(text.contains("xport all invoices at once"), "{text}");
    assert!(!text.contains("**") && !text.contains("<script"), "{text}");
    assert!(
        html.contains("<!DOCTYPE html>") && html.contains("xport all invoices"),
        "{html}"
    );
    assert!(!html.contains("<script>alert"), "{html}");
    let (subject, _, text, _, _) = parse("email-all.eml");
    assert_eq!(subject, "OctoAcme 1.1.0 for all customers");
    assert!(
        !text.contains("xport all invoices at once"),
        "segment-only change sent to all: {text}"
    );
    let (_, _, text, _, _) = parse("email-stakeholders.eml");
    assert!(text.contains("Readiness"), "{text}");
    // Slack: Block Kit, markup escaped, a link to the page.
    let slack: serde_json::Value = serde_json::from_slice(&before["slack.json"]).unwrap();
    let blocks = slack["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert!(blocks
        .iter()
        .all(|b| ["header", "section", "context"].contains(&b["type"].as_str().unwrap())));
    let all_text = serde_json::to_string(&slack).unwrap();
    assert!(
        all_text.contains("&lt;script&gt;") && all_text.contains("&lt;@channel&gt;"),
        "{all_text}"
    );
    assert!(
        !all_text.contains("<script>") && !all_text.contains("<@channel>"),
        "{all_text}"
    );
    assert!(all_text.contains(
        "<https://octoacme.example/releases/1.1.0/customer/index.html|Read the release notes>"
    ));
    // Same inputs, same bytes.
    let (code, _, stderr) = run(tmp.path(), &args);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(crate::harness::read_tree(&dir), before);
}

/// `outputs:` in the configuration: an extra page per release from the
/// user's own template, with the context of its audience's page; a bad
/// path or a missing template is refused.
#[test]
fn extra_outputs_from_the_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    let config = tmp.path().join(".relnotes/config.yaml");
    let original = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        format!("{original}outputs:\n  - {{ template: press.md, path: press, audience: customer, segment: enterprise }}\n"),
    )
    .unwrap();
    let (code, _, stderr) = run(tmp.path(), &["build", "--tag", "v1.1.0"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("outputs: the template `press.md` is not in .relnotes/templates/"),
        "{stderr}"
    );
    std::fs::create_dir_all(tmp.path().join(".relnotes/templates")).unwrap();
    std::fs::write(
        tmp.path().join(".relnotes/templates/press.md"),
        "# Press note: {{ project.name }} {{ release.version }}\n{% for i in highlights %}\n- {{ i.title.md }}{% endfor %}{% for s in sections %}{% for i in s.items %}\n- {{ i.title.md }}{% endfor %}{% endfor %}\n",
    )
    .unwrap();
    let (code, _, stderr) = run(tmp.path(), &["build", "--tag", "v1.1.0"]);
    assert_eq!(code, 0, "{stderr}");
    let press = std::fs::read_to_string(tmp.path().join("dist/1.1.0/press.md")).unwrap();
    assert!(press.starts_with("# Press note: OctoAcme 1.1.0"), "{press}");
    assert!(
        press.contains("xport all invoices"),
        "the enterprise segment's change: {press}"
    );
    assert!(!tmp.path().join("dist/1.1.0/press.html").exists());
    // A second build finds the release up to date, extra page included.
    let (code, stdout, stderr) = run(tmp.path(), &["build", "--tag", "v1.1.0"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stdout.contains("up to date") || stdout.contains("0 release"),
        "{stdout}"
    );
    for (bad, why) in [
        ("../x", "cannot be an extra page's path"),
        ("support", "cannot be an extra page's path"),
    ] {
        std::fs::write(
            &config,
            format!("{original}outputs:\n  - {{ template: press.md, path: \"{bad}\", audience: customer }}\n"),
        )
        .unwrap();
        let (code, _, stderr) = run(tmp.path(), &["build", "--tag", "v1.1.0"]);
        assert_eq!(code, 2, "{stderr}");
        assert!(
            stderr.contains(why) && stderr.contains("config.yaml:"),
            "{stderr}"
        );
    }
}

/// The knowledge base's Atom feed: releases and known issues, linked to
/// their pages inside the site.
#[test]
fn the_kb_feed_lists_releases_and_known_issues() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    let (code, _, stderr) = run(tmp.path(), &["kb"]);
    assert_eq!(code, 0, "{stderr}");
    let text = std::fs::read_to_string(tmp.path().join("dist/kb/feed.xml")).unwrap();
    let feed = atom_syndication::Feed::read_from(text.as_bytes()).unwrap();
    let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
    assert!(titles.iter().any(|t| t.starts_with("KI-8: ")), "{titles:?}");
    assert!(titles.iter().any(|t| t.contains("1.1.0")), "{titles:?}");
    for e in feed.entries() {
        let href = e.links()[0].href();
        assert!(
            tmp.path().join("dist/kb").join(href).is_file(),
            "{href} is not a page of the site"
        );
    }
}
