//! Every page kind fits the text column in a browser, on a desktop and on a
//! phone: tests/browser/layout.mjs opens each in headless Chromium at 1280
//! and 390 px and fails on sideways scrolling.

use std::path::Path;

use crate::harness::case_repo;

#[test]
#[ignore = "browser test: needs node, /usr/bin/chromium and `npm ci --prefix tests/browser`; .ci/run runs it with --include-ignored"]
fn every_page_kind_fits_at_desktop_and_phone_widths() {
    crate::harness::browser_ready();
    let octoacme = [
        "1.1.0/customer/index.html",
        "1.1.0/customer/enterprise.html",
        "1.1.0/support.html",
        "1.1.0/stakeholders.html",
        "1.1.0/readiness.html",
        "2.0.0/stakeholders.html",
        "2.0.0/readiness.html",
        "kb/index.html",
        "kb/releases/index.html",
        "kb/releases/1.1.0.html",
        "kb/issues/index.html",
        "kb/issues/KI-7.html",
    ];
    // A monorepo's pages of its own: the knowledge base over every package,
    // a package's section, and a product release's customer page.
    let monorepo = [
        "kb/index.html",
        "kb/api/index.html",
        "products/2026.02/index.html",
    ];
    for (case, pages) in [("octoacme", &octoacme[..]), ("monorepo", &monorepo[..])] {
        let tmp = tempfile::tempdir().unwrap();
        let repo = tmp.path();
        case_repo(case, repo);
        for args in [&["build", "--all"][..], &["kb", "--out", "dist/kb"][..]] {
            let out = std::process::Command::new(crate::harness::bin())
                .args(args)
                .current_dir(repo)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{case}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let out = std::process::Command::new("node")
            .arg(root.join("tests/browser/layout.mjs"))
            .arg(repo.join("dist"))
            .args(pages)
            .current_dir(root)
            .output()
            .expect("run node");
        assert!(
            out.status.success(),
            "{case}: layout.mjs failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
