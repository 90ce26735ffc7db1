//! `relnotes kb` (issue 4): the HTML sites compared with their expected
//! pages, every internal link and anchor resolved, byte-identical rebuilds,
//! nothing for support or internal eyes on the customer site, safe pages
//! from hostile input, template overrides, a failed run keeping the old
//! site, and the search box driven in headless Chromium.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::harness::{case_repo, fixtures_dir, read_tree, run_in, unsafe_html};

/// The one script element the site writes itself (home page only). The
/// harness's check rejects every script element, so the KB's pages are
/// checked with exactly this one taken out: any other script still fails.
const OWN_SCRIPT: &str = r#"<script src="search.js" defer></script>"#;

fn octoacme(dir: &Path) {
    case_repo("kb-octoacme", dir);
}

fn kb(repo: &Path, args: &[&str]) -> BTreeMap<String, Vec<u8>> {
    let mut all = vec!["kb".to_string()];
    all.extend(args.iter().map(|s| s.to_string()));
    let (code, _, stderr) = run_in(repo, &all);
    assert_eq!(code, 0, "relnotes {}: {stderr}", all.join(" "));
    let out = args
        .iter()
        .position(|a| *a == "--out")
        .map(|i| args[i + 1])
        .unwrap_or("dist/kb");
    read_tree(&repo.join(out))
}

fn text(tree: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8_lossy(
        tree.get(path)
            .unwrap_or_else(|| panic!("{path} was not written")),
    )
    .into_owned()
}

fn check_safe(tree: &BTreeMap<String, Vec<u8>>) {
    for (name, bytes) in tree {
        if name.ends_with(".html") {
            let html = String::from_utf8_lossy(bytes).replacen(OWN_SCRIPT, "", 1);
            if let Some(problem) = unsafe_html(name, &html) {
                panic!("{problem}");
            }
        }
    }
}

/// The HTML sites of the kb-octoacme fixture against `expected/kb/` and
/// `expected/kb-customer/` (RELNOTES_BLESS=kb-octoacme rewrites them). The Markdown
/// site is compared by the fixture harness itself.
#[test]
fn kb_sites_match_the_expected_pages() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let expected = fixtures_dir().join("kb-octoacme/expected");
    let mut problems = Vec::new();
    for (name, args) in [
        ("kb", vec![]),
        (
            "kb-customer",
            vec!["--audience", "customer", "--out", "kbcust"],
        ),
    ] {
        let actual = kb(tmp.path(), &args);
        check_safe(&actual);
        let dir = expected.join(name);
        if crate::harness::bless("kb-octoacme") {
            let _ = std::fs::remove_dir_all(&dir);
            for (path, bytes) in &actual {
                let p = dir.join(path);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(p, bytes).unwrap();
            }
            continue;
        }
        let want = read_tree(&dir);
        for path in want.keys().chain(actual.keys()).collect::<BTreeSet<_>>() {
            match (want.get(path), actual.get(path)) {
                (Some(a), Some(b)) if a == b => {}
                (Some(a), Some(b)) => problems.push(format!(
                    "{name}: {path} differs\n{}",
                    crate::harness::diff(a, b)
                )),
                (Some(_), None) => problems.push(format!("{name}: {path} was not written")),
                (None, Some(_)) => problems.push(format!("{name}: {path} is not expected")),
                (None, None) => unreachable!(),
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(after a deliberate change: RELNOTES_BLESS=kb-octoacme cargo test)",
        problems.join("\n")
    );
}

// ------------------------------------------------------------ link checker

/// Internal links of a page: `href` and `src` values in HTML, link targets
/// in Markdown. Links to other sites, mail and `data:` are not ours.
fn links(path: &str, text: &str) -> Vec<String> {
    let re = if path.ends_with(".html") {
        regex::Regex::new(r#"(?:href|src|data-index)="([^"]*)""#).unwrap()
    } else {
        regex::Regex::new(r#"\]\(([^)\s]*)\)"#).unwrap()
    };
    re.captures_iter(text)
        .map(|c| c[1].replace("&amp;", "&"))
        .filter(|u| {
            let l = u.to_ascii_lowercase();
            !["http:", "https:", "mailto:", "data:"]
                .iter()
                .any(|s| l.starts_with(s))
        })
        .collect()
}

fn ids(html: &str) -> BTreeSet<String> {
    regex::Regex::new(r#"\sid="([^"]+)""#)
        .unwrap()
        .captures_iter(html)
        .map(|c| c[1].to_string())
        .collect()
}

/// Every internal link of every page: the file exists inside the site and,
/// for `#anchor`s, the target page has an element with that id. Returns the
/// broken links.
fn broken_links(tree: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut broken = Vec::new();
    for (path, bytes) in tree {
        if !(path.ends_with(".html") || path.ends_with(".md")) {
            continue;
        }
        let text = String::from_utf8_lossy(bytes);
        for link in links(path, &text) {
            let (file, anchor) = match link.split_once('#') {
                Some((f, a)) => (f, Some(a)),
                None => (link.as_str(), None),
            };
            let file = file.split('?').next().unwrap_or("");
            let target = if file.is_empty() {
                Some(path.clone())
            } else {
                resolve(path, file)
            };
            let Some(target) = target.filter(|t| tree.contains_key(t)) else {
                broken.push(format!(
                    "{path}: {link} does not resolve to a file of the site"
                ));
                continue;
            };
            if let Some(anchor) = anchor.filter(|a| !a.is_empty()) {
                if !target.ends_with(".html")
                    || !ids(&String::from_utf8_lossy(&tree[&target])).contains(anchor)
                {
                    broken.push(format!("{path}: {link}: {target} has no id {anchor:?}"));
                }
            }
        }
    }
    broken
}

/// `rel` seen from the page at `from`, as a path from the site root; `None`
/// when it leaves the site.
fn resolve(from: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[test]
fn every_internal_link_and_anchor_resolves() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    for args in [
        vec![],
        vec!["--audience", "customer", "--out", "kbcust"],
        vec!["--format", "md", "--out", "kbmd"],
        vec![
            "--format",
            "md",
            "--audience",
            "customer",
            "--out",
            "kbmdcust",
        ],
    ] {
        let tree = kb(tmp.path(), &args);
        let pages = tree
            .keys()
            .filter(|p| p.ends_with(".html") || p.ends_with(".md"))
            .count();
        assert!(pages >= 12, "{args:?}: only {pages} pages");
        let checked: usize = tree
            .iter()
            .map(|(p, b)| links(p, &String::from_utf8_lossy(b)).len())
            .sum();
        assert!(checked > 50, "{args:?}: only {checked} links found");
        let broken = broken_links(&tree);
        assert!(broken.is_empty(), "{args:?}:\n{}", broken.join("\n"));
    }
}

/// The checker itself: a missing page, a missing anchor and a link out of
/// the site are each reported.
#[test]
fn the_link_checker_finds_broken_links() {
    let mut tree = BTreeMap::new();
    tree.insert(
        "index.html".to_string(),
        br#"<a href="issues/KI-1.html#issue-KI-1">a</a> <a href="issues/KI-2.html">b</a> <a href="../out.html">c</a> <a href="https://x.example/">d</a>"#.to_vec(),
    );
    tree.insert(
        "issues/KI-1.html".to_string(),
        br#"<h1 id="top">KI-1</h1><a href="../index.html">home</a>"#.to_vec(),
    );
    tree.insert("index.md".to_string(), b"[x](issues/KI-3.md)".to_vec());
    let broken = broken_links(&tree);
    assert_eq!(broken.len(), 4, "{broken:#?}");
}

// ------------------------------------------------------------- determinism

#[test]
fn two_kb_builds_are_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let a = tmp.path().join("a");
    let b = tmp.path().join("b");
    octoacme(&a);
    octoacme(&b);
    for args in [
        vec!["--out", "one"],
        vec!["--format", "md", "--out", "one"],
        vec!["--audience", "customer", "--out", "one"],
    ] {
        let first = kb(&a, &args);
        let mut again_args = args.clone();
        *again_args.last_mut().unwrap() = "two";
        let again = kb(&a, &again_args);
        let other = kb(&b, &args);
        assert!(first.len() > 10, "{args:?}: {} files", first.len());
        assert!(
            first == again,
            "{args:?}: two builds in one repository differ"
        );
        assert!(
            first == other,
            "{args:?}: two repositories from one fixture differ"
        );
    }
    // The index is written with sorted keys.
    let site = kb(&a, &["--out", "three"]);
    let js = text(&site, "search-index.js");
    let json = js
        .split_once(" = ")
        .map(|(_, j)| j.trim_end().trim_end_matches(';'))
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    fn canonical(v: &serde_json::Value) -> String {
        match v {
            serde_json::Value::Object(m) => {
                let mut keys: Vec<&String> = m.keys().collect();
                keys.sort();
                let parts: Vec<String> = keys
                    .into_iter()
                    .map(|k| {
                        format!(
                            "{}:{}",
                            serde_json::Value::from(k.as_str()),
                            canonical(&m[k])
                        )
                    })
                    .collect();
                format!("{{{}}}", parts.join(","))
            }
            serde_json::Value::Array(a) => {
                format!(
                    "[{}]",
                    a.iter().map(canonical).collect::<Vec<_>>().join(",")
                )
            }
            other => other.to_string(),
        }
    }
    assert!(
        canonical(&v) == json,
        "the index is not written with sorted keys"
    );
    assert!(
        json.contains("\"issues/KI-7.html\""),
        "KI-7 is not in the index"
    );
    assert_eq!(v["index"]["version"], "0.9.5");
}

// --------------------------------------------------------------- audiences

/// Text in the OctoAcme inputs that only support or stakeholders may see.
const NOT_FOR_CUSTOMERS: &[&str] = &[
    "export.job",                 // support note of bulk-export
    "stale totals",               // support note of faster-billing
    "For support",                // the support-note label
    "bulk_export",                // internal note of bulk-export
    "Beta cohort is 40 accounts", // internal note of dark-mode
    "12 enterprise accounts",     // internal note of remove-v1-api
    "penetration test",           // internal note of tls-upgrade
    "Run migration 0042",         // a deploy item
    "support-escalations",        // escalation path
    "on-call",                    // escalation path
    "oncall",                     // on-call rota
    "Escalation",                 // the escalation headings
    "Hypercare",                  // the support window
    "ci: run tests",              // an internal commit
    "bump dependencies",          // a chore commit
];

#[test]
fn the_customer_site_has_no_support_internal_or_escalation_text() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    for args in [
        vec!["--audience", "customer", "--out", "kbcust"],
        vec![
            "--audience",
            "customer",
            "--format",
            "md",
            "--out",
            "kbmdcust",
        ],
    ] {
        let tree = kb(tmp.path(), &args);
        assert!(tree.len() >= 12, "{}", tree.len());
        for (path, bytes) in &tree {
            let t = String::from_utf8_lossy(bytes);
            for bad in NOT_FOR_CUSTOMERS {
                assert!(!t.contains(bad), "{args:?}: {path} shows {bad:?}");
            }
        }
        assert!(
            !tree.keys().any(|p| p.starts_with("changes/")),
            "{args:?}: change pages carry support notes"
        );
        // Every segment's known issues are listed, with the segment's name.
        let ext = if args.contains(&"md") { "md" } else { "html" };
        let ki9 = text(&tree, &format!("issues/KI-9.{ext}"));
        assert!(ki9.contains("Beta program"), "{ki9}");
        assert!(ki9.contains("Switch to the light theme"), "{ki9}");
        // Segment-only changes are listed with their segment.
        let r110 = text(&tree, &format!("releases/1.1.0.{ext}"));
        assert!(r110.contains("export all invoices") && r110.contains("Enterprise plan"));
    }
    // The support site does show them (so the list above is not stale).
    let support = kb(tmp.path(), &[]);
    let all: String = support
        .values()
        .map(|b| String::from_utf8_lossy(b).into_owned())
        .collect();
    for shown in [
        "export.job",
        "stale totals",
        "For support",
        "support-escalations",
        "on-call",
        "Escalation",
        "Hypercare",
    ] {
        assert!(all.contains(shown), "the support site lacks {shown:?}");
    }
    for hidden in [
        "bulk_export",
        "Beta cohort is 40 accounts",
        "Run migration 0042",
    ] {
        assert!(
            !all.contains(hidden),
            "the support site shows internal {hidden:?}"
        );
    }
}

// ------------------------------------------------------- pages and content

#[test]
fn issue_pages_have_every_fact_and_link_to_every_release_they_appear_on() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let tree = kb(tmp.path(), &[]);
    let ki8 = text(&tree, "issues/KI-8.html");
    for fact in [
        "<h1>KI-8: PDF invoices show the wrong logo after a logo change</h1>",
        "<dt>Severity</dt><dd>low</dd>",
        "<dt>Status</dt><dd>open</dd>",
        "<dt>Affected versions</dt><dd>&gt;=1.1.0</dd>",
        "<dt>Fixed in</dt><dd>not fixed yet</dd>",
        "<dt>Segments</dt><dd>All customers</dd>",
        "PDF invoices keep showing the old logo",
        "There is no workaround.",
        "#support-escalations, then the API on-call engineer",
    ] {
        assert!(ki8.contains(fact), "KI-8 lacks {fact:?}");
    }
    for v in ["1.1.0", "1.1.1", "1.2.0", "2.0.0"] {
        assert!(
            ki8.contains(&format!("../releases/{v}.html#issue-KI-8")),
            "KI-8 does not link to {v}"
        );
    }
    assert!(
        !ki8.contains("releases/1.0.0.html"),
        "KI-8 does not affect 1.0.0"
    );
    let ki7 = text(&tree, "issues/KI-7.html");
    assert!(ki7.contains("<dt>Fixed in</dt><dd>1.1.1</dd>"));
    assert!(ki7.contains("<dt>Segments</dt><dd>Enterprise plan</dd>"));
    assert!(
        ki7.contains("releases/1.1.1.html#issue-KI-7\">OctoAcme 1.1.1</a>: fixed in this release")
    );
    // Home: the latest release, open issues by severity, releases by date.
    let home = text(&tree, "index.html");
    let pos = |s: &str| home.find(s).unwrap_or_else(|| panic!("home lacks {s:?}"));
    assert!(pos("<h2>Latest release</h2>") < pos("releases/2.0.0.html"));
    assert!(pos("<h3>Low severity</h3>") < pos("issues/KI-8.html"));
    assert!(
        !home.contains("issues/KI-7.html\">"),
        "a fixed issue among the open ones"
    );
    assert!(
        pos("<li><a href=\"releases/2.0.0.html\"") < pos("<li><a href=\"releases/1.0.0.html\"")
    );
    assert!(home.contains("id=\"search-q\"") && home.contains("<label for=\"search-q\">"));
    // Release pages link to their neighbours and to change pages.
    let r110 = text(&tree, "releases/1.1.0.html");
    assert!(r110.contains("href=\"../releases/1.0.0.html\" rel=\"prev\""));
    assert!(r110.contains("href=\"../releases/1.1.1.html\" rel=\"next\""));
    assert!(r110.contains("href=\"../changes/1.1.0/bulk-export.html\""));
    let first = text(&tree, "releases/1.0.0.html");
    assert!(!first.contains("rel=\"prev\""));
    let last = text(&tree, "releases/2.0.0.html");
    assert!(!last.contains("rel=\"next\""));
    let change = text(&tree, "changes/1.1.0/bulk-export.html");
    assert!(change.contains("export.job") && change.contains("#change-bulk-export"));
    // Unreleased changes are not part of the KB.
    assert!(!tree.keys().any(|p| p.contains("2.1.0")));
    // Indexes: open and fixed issues; every release.
    let issues = text(&tree, "issues/index.html");
    assert!(issues.find("id=\"open\"").unwrap() < issues.find("KI-8").unwrap());
    assert!(issues.find("id=\"fixed\"").unwrap() < issues.find("KI-10").unwrap());
    let releases = text(&tree, "releases/index.html");
    assert_eq!(releases.matches("<tr><td><a href=").count(), 5);
}

/// One `lang`, one `h1`, headings that never skip a level, no empty links.
#[test]
fn pages_are_accessible_plain_html() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let heading = regex::Regex::new(r"<h([1-6])[\s>]").unwrap();
    let empty_link = regex::Regex::new(r"<a [^>]*>\s*</a>").unwrap();
    for args in [vec![], vec!["--audience", "customer", "--out", "kbcust"]] {
        let tree = kb(tmp.path(), &args);
        let css = text(&tree, "style.css");
        assert!(css.contains("@media print"), "no print styles");
        for (path, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
            let html = String::from_utf8_lossy(bytes);
            assert!(
                html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
                "{path}"
            );
            assert!(html.contains("<link rel=\"stylesheet\" href=\""), "{path}");
            let levels: Vec<usize> = heading
                .captures_iter(&html)
                .map(|c| c[1].parse().unwrap())
                .collect();
            assert_eq!(
                levels.iter().filter(|l| **l == 1).count(),
                1,
                "{path}: one h1"
            );
            assert_eq!(levels.first(), Some(&1), "{path}: starts with h1");
            for w in levels.windows(2) {
                assert!(w[1] <= w[0] + 1, "{path}: h{} after h{}", w[1], w[0]);
            }
            assert!(!empty_link.is_match(&html), "{path}: a link without text");
        }
    }
}

#[test]
fn hostile_input_cannot_inject_markup_or_escape_the_site() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("hostile-input", tmp.path());
    // An id that tries to leave the issues folder.
    std::fs::write(
        tmp.path().join(".relnotes/known-issues/escape.md"),
        "---\nid: \"../../escaped\"\ntitle: \"<img src=x onerror=alert(1)>\"\naffects: \">=1.0.0\"\nworkaround: \"[x](javascript:alert(2))\"\n---\n<script>alert(3)</script>\n",
    )
    .unwrap();
    // It is refused where it is written, before anything is made.
    let (code, _, stderr) = run_in(tmp.path(), &["kb".into()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(".relnotes/known-issues/escape.md:2:1: known issue id `../../escaped`"),
        "{stderr}"
    );
    assert!(!tmp.path().join("dist").exists());
    assert!(!tmp.path().join("escaped.html").exists());
    std::fs::remove_file(tmp.path().join(".relnotes/known-issues/escape.md")).unwrap();
    let tree = kb(tmp.path(), &[]);
    check_safe(&tree);
    // The only link that does not resolve is the input's own `<img src=x>`.
    let broken: Vec<String> = broken_links(&tree)
        .into_iter()
        .filter(|b| !b.contains(": x does not resolve"))
        .collect();
    assert!(broken.is_empty(), "{broken:?}");
}

// ---------------------------------------------- templates and failed runs

#[test]
fn a_kb_template_override_wins_and_a_broken_one_keeps_the_old_site() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let before = kb(tmp.path(), &[]);
    let dir = tmp.path().join(".relnotes/templates/kb");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("issue.html"),
        "{% extends \"base.html\" %}{% block content %}<h1>Custom {{ issue.id }}</h1>{% endblock content %}",
    )
    .unwrap();
    let after = kb(tmp.path(), &[]);
    assert!(text(&after, "issues/KI-8.html").contains("<h1>Custom KI-8</h1>"));
    assert_eq!(before["releases/1.1.0.html"], after["releases/1.1.0.html"]);

    std::fs::write(dir.join("release.html"), "{% if %}").unwrap();
    let (code, _, stderr) = run_in(tmp.path(), &["kb".into()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("release.html"), "{stderr}");
    assert_eq!(
        read_tree(&tmp.path().join("dist/kb")),
        after,
        "the old site was changed"
    );
    let leftovers: Vec<PathBuf> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().contains("relnotes-staging"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// A page of an issue that was deleted goes with the next build.
#[test]
fn a_rebuild_replaces_the_whole_site() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    kb(tmp.path(), &[]);
    std::fs::remove_file(tmp.path().join(".relnotes/known-issues/KI-9.md")).unwrap();
    let tree = kb(tmp.path(), &[]);
    assert!(!tree.contains_key("issues/KI-9.html"));
    assert!(tree.contains_key("issues/KI-8.html"));
}

// ----------------------------------------------------------------- browser

/// The search box in headless Chromium: tests/browser/kb-search.mjs types a
/// known issue's title, follows the result to the issue page and checks the
/// workaround and the console.
#[test]
#[ignore = "browser test: needs node, /usr/bin/chromium and `npm ci --prefix tests/browser`; .ci/run runs it with --include-ignored"]
fn search_finds_a_known_issue_in_headless_chromium() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let script = root.join("tests/browser/kb-search.mjs");
    crate::harness::browser_ready();
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    kb(tmp.path(), &["--out", "site"]);
    let out = std::process::Command::new("node")
        .arg(&script)
        .arg(tmp.path().join("site"))
        .current_dir(root)
        .output()
        .expect("run node");
    assert!(
        out.status.success(),
        "kb-search.mjs failed:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A repository without release tags still gets a site: no releases yet,
/// and a page for each known issue.
#[test]
fn a_history_without_tags_gets_a_site_of_known_issues() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("no-tags", tmp.path());
    let dir = tmp.path().join(".relnotes/known-issues");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("KI-1.md"),
        "---\nid: KI-1\ntitle: Slow start\naffects: \">=0.1.0\"\nseverity: high\nworkaround: Wait.\n---\nIt starts slowly.\n",
    )
    .unwrap();
    let tree = kb(tmp.path(), &[]);
    let home = text(&tree, "index.html");
    assert!(home.contains("No releases yet."), "{home}");
    assert!(home.contains("issues/KI-1.html"), "{home}");
    assert!(text(&tree, "issues/KI-1.html").contains("No release page lists this issue."));
    assert!(!tree
        .keys()
        .any(|p| p.starts_with("releases/") && p != "releases/index.html"));
    assert!(broken_links(&tree).is_empty(), "{:?}", broken_links(&tree));
}

/// WCAG AA: the stylesheet's text colours against the white page (and the
/// white text of the search button against its accent background) reach a
/// contrast ratio of 4.5.
#[test]
fn text_colours_have_readable_contrast() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let tree = kb(tmp.path(), &[]);
    let css = text(&tree, "style.css");
    let var = regex::Regex::new(r"--([a-z-]+): #([0-9a-fA-F]{6})").unwrap();
    let luminance = |hex: &str| {
        let c = |i: usize| {
            let v = u8::from_str_radix(&hex[i..i + 2], 16).unwrap() as f64 / 255.0;
            if v <= 0.03928 {
                v / 12.92
            } else {
                ((v + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * c(0) + 0.7152 * c(2) + 0.0722 * c(4)
    };
    let mut checked = 0;
    for c in var.captures_iter(&css) {
        let (name, hex) = (&c[1], &c[2]);
        if ["line", "bg-note"].contains(&name) {
            continue; // borders and backgrounds, not text
        }
        let ratio = (1.0 + 0.05) / (luminance(hex) + 0.05);
        assert!(
            ratio >= 4.5,
            "--{name}: #{hex} has contrast {ratio:.2} on white"
        );
        checked += 1;
    }
    assert!(checked >= 5, "{checked} colours checked");
}

/// Two known issues with one id would share one page: that is an error
/// naming both files, and the old site stays.
#[test]
fn two_known_issues_with_one_id_are_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    octoacme(tmp.path());
    let before = kb(tmp.path(), &[]);
    let dir = tmp.path().join(".relnotes/known-issues");
    std::fs::copy(dir.join("KI-8.md"), dir.join("KI-8-copy.md")).unwrap();
    let (code, _, stderr) = run_in(tmp.path(), &["kb".into()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("KI-8-copy.md") && stderr.contains("KI-8.md") && stderr.contains("own id"),
        "{stderr}"
    );
    assert_eq!(read_tree(&tmp.path().join("dist/kb")), before);
}

/// Finals first, their release candidates under them (issue 14); a
/// candidate whose final is not out yet stays a release of its own.
#[test]
fn candidates_are_listed_under_their_final_release() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("prereleases", tmp.path());
    let tree = kb(tmp.path(), &[]);
    let list = text(&tree, "releases/index.html");
    let rows: Vec<&str> = list.lines().filter(|l| l.starts_with("<tr")).collect();
    let at = |needle: &str| {
        rows.iter()
            .position(|r| r.contains(needle))
            .unwrap_or_else(|| panic!("no row with {needle}:\n{list}"))
    };
    let final_row = at("releases/1.1.0.html");
    let rc1 = at("1.1.0-rc.1");
    let rc2 = at("1.1.0-rc.2");
    assert!(rows[rc1].contains("candidate for 1.1.0"), "{}", rows[rc1]);
    assert!(final_row < rc2 && rc2 < rc1, "{list}");
    // 1.2.0 is not out: its candidates are releases of their own.
    assert!(!rows[at("1.2.0-rc10")].contains("candidate for"), "{list}");
    let home = text(&tree, "index.html");
    assert!(home.contains("<ul class=\"candidates\">"), "{home}");
    broken_links(&tree)
        .is_empty()
        .then_some(())
        .expect("links resolve");
}

/// A monorepo's knowledge base (issue 17): one site, a section per package
/// on its home page, each package's site in its own folder linking back up,
/// every link resolving, one search index over every package's pages with
/// the package named, one feed; a package that writes for no customers is
/// left out of the customers' site and named there.
#[test]
fn a_monorepo_gets_one_knowledge_base_with_a_section_per_package() {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("monorepo", tmp.path());
    let tree = kb(tmp.path(), &[]);
    check_safe(&tree);
    let broken = broken_links(&tree);
    assert!(broken.is_empty(), "{}", broken.join("\n"));
    let home = text(&tree, "index.html");
    for (id, name) in [
        ("api", "Acme API"),
        ("web", "Acme web app"),
        ("cli", "Acme cli"),
    ] {
        assert!(
            home.contains(&format!(
                r#"<h2 id="package-{id}"><a href="{id}/index.html">{name}</a></h2>"#
            )),
            "{id}: {home}"
        );
        let package_home = text(&tree, &format!("{id}/index.html"));
        assert!(
            package_home.contains(r#"<a href="../index.html">All packages</a>"#),
            "{id} links back up"
        );
        // Each package's site is whole on its own.
        for page in [
            "releases/index.html",
            "issues/index.html",
            "feed.xml",
            "search-index.js",
        ] {
            assert!(tree.contains_key(&format!("{id}/{page}")), "{id}/{page}");
        }
    }
    // The API's open known issue is on the home page, linked into its section.
    assert!(home
        .contains(r#"<a href="api/issues/API-1.html">API-1: Webhook calls can arrive twice</a>"#));
    // One search over every package: paths below the package folders, the
    // package named in each result's kind.
    let index = text(&tree, "search-index.js");
    for needle in [
        r#""api/issues/API-1.html":{"kind":"Acme API · Known issue""#,
        r#""web/releases/1.1.0.html":{"kind":"Acme web app · Release""#,
        r#""cli/releases/0.1.0.html":{"kind":"Acme cli · Release""#,
    ] {
        assert!(index.contains(needle), "{needle} not in the search index");
    }
    assert!(home.contains(r#"data-index="search-index.js""#));
    let feed = text(&tree, "feed.xml");
    assert!(
        feed.contains(r#"<link href="web/releases/1.1.0.html""#),
        "{feed}"
    );
    assert!(feed.contains("<title>Acme cli: Acme cli 0.1.0"), "{feed}");

    let customers = kb(tmp.path(), &["--audience", "customer", "--out", "kbc"]);
    check_safe(&customers);
    assert!(broken_links(&customers).is_empty());
    assert!(!customers.keys().any(|k| k.starts_with("cli/")));
    assert!(text(&customers, "index.html").contains("do not write for its readers): Acme cli."));
}
