//! Hostile and broken inputs (issue 12): ids that would become paths or
//! links, symlinks out of the repository, FIFOs, folders and misnamed files
//! where files belong, oversized and deeply nested files, and the error
//! messages for BOMs, bad UTF-8, duplicate keys, plain-text files and
//! unknown highlights. Every case is refused with exit 2 naming the file
//! (and the line and column where there is one), or warned about where
//! skipping is right; none hangs, none publishes what it should not.

use std::path::Path;
use std::time::{Duration, Instant};

use crate::harness::{case_repo, read_tree, run_in};

fn repo() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    case_repo("octoacme", tmp.path());
    tmp
}

fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    run_in(dir, &args.iter().map(|s| s.to_string()).collect::<Vec<_>>())
}

/// Runs and expects exit 2 with every one of `want` in stderr.
fn refused(dir: &Path, args: &[&str], want: &[&str]) -> String {
    let (code, _, stderr) = run(dir, args);
    assert_eq!(code, 2, "relnotes {}: {stderr}", args.join(" "));
    for w in want {
        assert!(
            stderr.contains(w),
            "relnotes {}: no `{w}` in:\n{stderr}",
            args.join(" ")
        );
    }
    assert!(stderr.contains("help: "), "{stderr}");
    stderr
}

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn symlink(target: &Path, link: &Path) {
    std::os::unix::fs::symlink(target, link).unwrap();
}

// ------------------------------------------------------------------- ids

#[test]
fn segment_ids_that_would_be_links_or_paths_are_refused_at_their_place() {
    let tmp = repo();
    let config = tmp.path().join(".relnotes/config.yaml");
    let original = std::fs::read_to_string(&config).unwrap();
    for (id, line) in [("\"javascript:alert(1)//\"", 13), ("\"../../x\"", 13)] {
        let text = original.replace(
            "  beta: Beta program",
            &format!("  beta: Beta program\n  {id}: Evil"),
        );
        std::fs::write(&config, text).unwrap();
        let stderr = refused(
            tmp.path(),
            &["build", "--all"],
            &[
                &format!(".relnotes/config.yaml:{line}:3: segment id `"),
                "segment ids name files and links",
            ],
        );
        assert!(!stderr.contains("caused by"), "{stderr}");
    }
    assert!(!tmp.path().join("dist").exists());
    assert!(!tmp.path().parent().unwrap().join("x").exists());
}

#[test]
fn change_ids_release_versions_and_new_ids_are_checked() {
    let tmp = repo();
    write(
        tmp.path(),
        ".relnotes/changes/unreleased/bad name.md",
        "---\ntype: added\n---\nx\n",
    );
    refused(
        tmp.path(),
        &["build", "--all"],
        &["bad name.md", "change id `bad name`", "rename the file"],
    );
    std::fs::remove_file(tmp.path().join(".relnotes/changes/unreleased/bad name.md")).unwrap();
    write(tmp.path(), ".relnotes/releases/1 0.yaml", "summary: x\n");
    refused(tmp.path(), &["build", "--all"], &["release version `1 0`"]);
    std::fs::remove_file(tmp.path().join(".relnotes/releases/1 0.yaml")).unwrap();

    let (code, _, stderr) = run(
        tmp.path(),
        &["new", "--type", "added", "-m", "x", "--id", "../../x"],
    );
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--id `../../x`"), "{stderr}");
    assert!(!tmp.path().join(".relnotes/x.md").exists());
    assert!(!tmp.path().join("x.md").exists());
}

// -------------------------------------------------------------- symlinks

#[test]
fn no_input_is_read_through_a_symlink_out_of_the_repository() {
    let tmp = repo();
    let secret_dir = tempfile::tempdir().unwrap();
    let secret = secret_dir.path().join("environ");
    std::fs::write(&secret, "AWS_SECRET=hunter2\n").unwrap();

    // The stylesheet the KB and the pages publish.
    std::fs::create_dir_all(tmp.path().join(".relnotes/templates")).unwrap();
    let style = tmp.path().join(".relnotes/templates/style.css");
    symlink(&secret, &style);
    for cmd in [
        &["kb"][..],
        &["build", "--all"],
        &["build", "--tag", "v1.1.0"],
    ] {
        refused(tmp.path(), cmd, &["style.css", "outside the repository"]);
    }
    assert!(!tmp.path().join("dist").exists());
    std::fs::remove_file(&style).unwrap();

    // A release file: refused the same way by --tag and by --all.
    let release = tmp.path().join(".relnotes/releases/1.1.0.yaml");
    std::fs::rename(&release, secret_dir.path().join("1.1.0.yaml")).unwrap();
    symlink(&secret_dir.path().join("1.1.0.yaml"), &release);
    for cmd in [
        &["build", "--tag", "v1.1.0"][..],
        &["build", "--all"],
        &["kb"],
    ] {
        refused(tmp.path(), cmd, &["1.1.0.yaml", "outside the repository"]);
    }
    // Inside the repository a symlink is followed, by both.
    std::fs::remove_file(&release).unwrap();
    std::fs::copy(
        secret_dir.path().join("1.1.0.yaml"),
        tmp.path().join("shared.yaml"),
    )
    .unwrap();
    symlink(Path::new("../../shared.yaml"), &release);
    for cmd in [
        &["build", "--tag", "v1.1.0", "--out", "one"][..],
        &["build", "--all"],
    ] {
        let (code, _, stderr) = run(tmp.path(), cmd);
        assert_eq!(code, 0, "{stderr}");
    }
    let page = std::fs::read_to_string(tmp.path().join("dist/1.1.0/customer/index.md")).unwrap();
    assert!(page.contains("Bulk export"), "{page}");

    // A known issue and a change file pointing at /etc/passwd.
    symlink(
        Path::new("/etc/passwd"),
        &tmp.path().join(".relnotes/known-issues/KI-99.md"),
    );
    refused(tmp.path(), &["kb"], &["KI-99.md", "outside the repository"]);
    std::fs::remove_file(tmp.path().join(".relnotes/known-issues/KI-99.md")).unwrap();
    symlink(
        Path::new("/dev/zero"),
        &tmp.path().join(".relnotes/changes/unreleased/zero.md"),
    );
    refused(
        tmp.path(),
        &["build", "--all"],
        &["zero.md", "outside the repository"],
    );
}

#[test]
fn dangling_symlinks_are_errors_not_defaults() {
    let tmp = repo();
    let config = tmp.path().join(".relnotes/config.yaml");
    std::fs::remove_file(&config).unwrap();
    symlink(Path::new("nowhere.yaml"), &config);
    refused(
        tmp.path(),
        &["build", "--all"],
        &["config.yaml", "points to nothing"],
    );
    std::fs::remove_file(&config).unwrap();
    symlink(
        Path::new("missing.md"),
        &tmp.path().join(".relnotes/changes/unreleased/gone.md"),
    );
    refused(
        tmp.path(),
        &["build", "--all"],
        &["gone.md", "points to nothing"],
    );
}

// ---------------------------------------------- what is not a regular file

#[test]
fn a_fifo_is_refused_without_hanging() {
    let tmp = repo();
    let config = tmp.path().join(".relnotes/config.yaml");
    std::fs::remove_file(&config).unwrap();
    let status = std::process::Command::new("mkfifo")
        .arg(&config)
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    let mut child = std::process::Command::new(crate::harness::bin())
        .args(["build", "--all"])
        .current_dir(tmp.path())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Bounded: a hang is a failure, not a stuck test run.
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("relnotes hung on a FIFO named config.yaml");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut stderr).unwrap();
    assert_eq!(status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("config.yaml") && stderr.contains("FIFO"),
        "{stderr}"
    );
}

#[test]
fn folders_and_misnamed_files_are_never_passed_over_in_silence() {
    let tmp = repo();
    // A folder where a release file belongs.
    std::fs::create_dir_all(tmp.path().join(".relnotes/releases/1.1.1.yaml")).unwrap();
    refused(
        tmp.path(),
        &["build", "--all"],
        &["1.1.1.yaml", "a folder where a file is expected"],
    );
    refused(
        tmp.path(),
        &["build", "--tag", "v1.1.1"],
        &["1.1.1.yaml", "a folder"],
    );
    std::fs::remove_dir(tmp.path().join(".relnotes/releases/1.1.1.yaml")).unwrap();
    // The wrong extension.
    write(tmp.path(), ".relnotes/releases/1.1.1.yml", "summary: x\n");
    refused(
        tmp.path(),
        &["build", "--all"],
        &["1.1.1.yml", "rename it to end in `.yaml`"],
    );
    refused(
        tmp.path(),
        &["build", "--tag", "v1.1.1"],
        &["1.1.1.yml", "`.yaml`"],
    );
    std::fs::remove_file(tmp.path().join(".relnotes/releases/1.1.1.yml")).unwrap();
    write(tmp.path(), ".relnotes/config.yml", "segments: {}\n");
    refused(
        tmp.path(),
        &["build", "--all"],
        &["config.yml", "rename it to config.yaml"],
    );
    std::fs::remove_file(tmp.path().join(".relnotes/config.yml")).unwrap();
    // Anything else is a warning, and the build goes on.
    write(tmp.path(), ".relnotes/releases/NOTES.txt", "scratch\n");
    let (code, _, stderr) = run(tmp.path(), &["build", "--all"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("warning: .relnotes/releases/NOTES.txt: ignored: relnotes reads only `.yaml` files here"),
        "{stderr}"
    );
}

// ------------------------------------------------------------ size, depth

#[test]
fn an_oversized_file_is_refused_quickly_and_the_limit_can_be_raised() {
    let tmp = repo();
    let mut big = String::from("---\ntype: added\n---\n");
    while big.len() < 5 * 1024 * 1024 {
        big.push_str("A line of a change file that someone generated by mistake.\n");
    }
    write(tmp.path(), ".relnotes/changes/unreleased/huge.md", &big);
    refused(
        tmp.path(),
        &["build", "--all"],
        &[
            "huge.md",
            "larger than the limit of 4096 KiB",
            "limits.markdown_kib",
        ],
    );
    let config = tmp.path().join(".relnotes/config.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("limits:\n  markdown_kib: 8192\n");
    std::fs::write(&config, text).unwrap();
    let (code, _, stderr) = run(tmp.path(), &["build", "--all"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn deeply_nested_yaml_is_refused_before_parsing() {
    let tmp = repo();
    let depth = 100_000;
    let text = format!("summary: {}{}\n", "[".repeat(depth), "]".repeat(depth));
    write(tmp.path(), ".relnotes/releases/1.1.0.yaml", &text);
    let started = Instant::now();
    refused(
        tmp.path(),
        &["build", "--tag", "v1.1.0"],
        &["1.1.0.yaml:1:74: the YAML nests more than 64 levels deep"],
    );
    // Not a timing assertion: the quadratic parse took minutes; this guards
    // against it coming back with a very generous bound.
    assert!(started.elapsed() < Duration::from_secs(60));
}

// -------------------------------------------------------- error messages

#[test]
fn a_byte_order_mark_is_accepted() {
    let tmp = repo();
    let release = tmp.path().join(".relnotes/releases/1.1.0.yaml");
    let text = std::fs::read_to_string(&release).unwrap();
    std::fs::write(&release, format!("\u{feff}{text}")).unwrap();
    let change = tmp.path().join(".relnotes/changes/unreleased/bom.md");
    std::fs::write(&change, "\u{feff}---\ntype: added\n---\nWith a BOM.\n").unwrap();
    let (code, _, stderr) = run(tmp.path(), &["build", "--all"]);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn invalid_utf8_names_its_line_and_column_once() {
    let tmp = repo();
    std::fs::write(
        tmp.path().join(".relnotes/releases/1.1.0.yaml"),
        b"name: Aurora\nsummary: caf\xe9 ok\n",
    )
    .unwrap();
    let stderr = refused(
        tmp.path(),
        &["build", "--tag", "v1.1.0"],
        &[
            "1.1.0.yaml:2:13: the file is not valid UTF-8 (byte 0xe9)",
            "save the file as UTF-8",
        ],
    );
    assert!(!stderr.contains("caused by"), "{stderr}");
}

#[test]
fn duplicate_keys_are_reported_where_the_second_one_is() {
    let tmp = repo();
    write(
        tmp.path(),
        ".relnotes/releases/1.1.1.yaml",
        "name: Patch\nsummary: one\ntype: patch\nsummary: two\n",
    );
    refused(
        tmp.path(),
        &["build", "--tag", "v1.1.1"],
        &[
            "1.1.1.yaml:4:1: the key `summary` is written twice",
            "keep one of the two",
        ],
    );
    let config = tmp.path().join(".relnotes/config.yaml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        text.replace(
            "  beta: Beta program",
            "  beta: Beta program\n  beta: Beta again",
        ),
    )
    .unwrap();
    std::fs::remove_file(tmp.path().join(".relnotes/releases/1.1.1.yaml")).unwrap();
    refused(
        tmp.path(),
        &["build", "--all"],
        &["config.yaml:13:3: the key `beta` is written twice in `segments`"],
    );
}

#[test]
fn a_release_file_of_plain_text_shows_one_line_of_it() {
    let tmp = repo();
    let mut text = String::from("This release is great\n");
    for i in 0..200 {
        text.push_str(&format!("and line {i} goes on\n"));
    }
    write(tmp.path(), ".relnotes/releases/1.1.1.yaml", &text);
    let stderr = refused(
        tmp.path(),
        &["build", "--tag", "v1.1.1"],
        &["1.1.1.yaml:1:1", "This release is great…"],
    );
    assert!(!stderr.contains("line 3 goes on"), "{stderr}");
    assert!(stderr.lines().count() <= 3, "{stderr}");
}

#[test]
fn a_highlight_that_names_no_change_is_an_error_for_build_and_check() {
    let tmp = repo();
    let release = tmp.path().join(".relnotes/releases/1.1.0.yaml");
    let text = std::fs::read_to_string(&release).unwrap();
    std::fs::write(
        &release,
        text.replace("highlights: [bulk-export]", "highlights: [bulk-exprot]"),
    )
    .unwrap();
    for cmd in [
        &["build", "--tag", "v1.1.0"][..],
        &["check", "--tag", "v1.1.0"],
    ] {
        refused(
            tmp.path(),
            cmd,
            &[
                "1.1.0.yaml:5:14: highlights: `bulk-exprot` names no change of this release",
                "did you mean `bulk-export`?",
            ],
        );
    }
}

#[test]
fn an_unknown_filter_in_the_users_template_is_blamed_on_that_template() {
    let tmp = repo();
    write(
        tmp.path(),
        ".relnotes/templates/customer.md",
        "# {{ release.version | shout }}\n",
    );
    let stderr = refused(
        tmp.path(),
        &["build", "--tag", "v1.1.0"],
        &[
            "template .relnotes/templates/customer.md:1:24: Unknown filter `shout`",
            "fix .relnotes/templates/customer.md",
        ],
    );
    assert!(!stderr.contains("report this as a bug"), "{stderr}");
}

// --------------------------------------------------------- remote images

#[test]
fn remote_images_are_links_unless_their_host_is_allowed() {
    let tmp = repo();
    write(
        tmp.path(),
        ".relnotes/changes/1.1.0/screenshot.md",
        "---\ntype: changed\n---\nThe new dialog ![dialog](https://tracker.example/p.png) is clearer.\n",
    );
    write(
        tmp.path(),
        ".relnotes/known-issues/KI-20.md",
        "---\nid: KI-20\ntitle: Pixel\naffects: \">=1.0.0\"\n---\n<img src=\"https://tracker.example/beacon.gif\"> seen.\n",
    );
    let (code, _, stderr) = run(tmp.path(), &["build", "--all"]);
    assert_eq!(code, 0, "{stderr}");
    let (code, _, stderr) = run(tmp.path(), &["kb"]);
    assert_eq!(code, 0, "{stderr}");
    let pages: Vec<(String, String)> = read_tree(&tmp.path().join("dist"))
        .into_iter()
        .filter(|(p, _)| p.ends_with(".html") || p.ends_with(".md"))
        .map(|(p, b)| (p, String::from_utf8(b).unwrap()))
        .collect();
    let customer = &pages
        .iter()
        .find(|(p, _)| p == "1.1.0/customer/index.html")
        .unwrap()
        .1;
    assert!(
        customer.contains(
            "<a href=\"https://tracker.example/p.png\" rel=\"noopener noreferrer\">dialog</a>"
        ),
        "{customer}"
    );
    for (path, page) in &pages {
        assert!(!page.contains("![dialog](https://"), "{path}");
        if path.ends_with(".html") {
            // Markdown outputs keep raw HTML as written (their renderer
            // decides); HTML pages never load it.
            assert!(!page.contains("<img src=\"https://"), "{path}");
            assert!(!page.contains("beacon.gif"), "{path}");
        }
    }

    let config = tmp.path().join(".relnotes/config.yaml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("images:\n  allow_hosts: [tracker.example]\n");
    std::fs::write(&config, text).unwrap();
    let (code, _, stderr) = run(tmp.path(), &["build", "--all"]);
    assert_eq!(code, 0, "{stderr}");
    let customer =
        std::fs::read_to_string(tmp.path().join("dist/1.1.0/customer/index.html")).unwrap();
    assert!(
        customer.contains("<img src=\"https://tracker.example/p.png\""),
        "{customer}"
    );
}
