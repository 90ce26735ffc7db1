//! Every whole-file example in the book is parsed with the real input types,
//! so the book cannot drift from the code. Examples are fenced as
//! ```yaml config, ```yaml release, ```yaml checklist, ```markdown change,
//! ```markdown known-issue, ```markdown incident.

use std::path::Path;

use relnotes::domain::config::Config;
use relnotes::domain::input::{IncidentFront, KnownIssueFront, ReleaseMeta};

fn examples() -> Vec<(String, String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src");
    let mut out = Vec::new();
    let mut pages: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    pages.sort();
    for page in pages
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
    {
        let text = std::fs::read_to_string(&page).unwrap();
        let mut lines = text.lines().enumerate();
        while let Some((n, line)) = lines.next() {
            let Some(info) = line.trim_start().strip_prefix("```") else {
                continue;
            };
            let kind = match info.trim() {
                "yaml config" => "config",
                "yaml release" => "release",
                "yaml checklist" => "checklist",
                "markdown change" => "change",
                "markdown known-issue" => "known-issue",
                "markdown incident" => "incident",
                _ => {
                    // Skip the body of any other fence.
                    if !info.trim().is_empty() {
                        for (_, l) in lines.by_ref() {
                            if l.trim_start().starts_with("```") {
                                break;
                            }
                        }
                    }
                    continue;
                }
            };
            let mut body = String::new();
            for (_, l) in lines.by_ref() {
                if l.trim_start().starts_with("```") {
                    break;
                }
                body.push_str(l);
                body.push('\n');
            }
            let name = format!("{}:{}", page.file_name().unwrap().to_string_lossy(), n + 1);
            out.push((name, kind.to_string(), body));
        }
    }
    out
}

#[test]
fn every_input_example_in_the_book_parses() {
    let examples = examples();
    let tmp = tempfile::tempdir().unwrap();
    for (name, kind, body) in &examples {
        let path = Path::new(name);
        let result = match kind.as_str() {
            "config" => relnotes::sources::yaml::parse::<Config>(path, body, 1).map(|_| ()),
            "release" => relnotes::sources::yaml::parse::<ReleaseMeta>(path, body, 1).map(|_| ()),
            "checklist" => {
                // Applied to the built-in checklist, as `check` does.
                let dir = tmp.path().join(".relnotes");
                std::fs::create_dir_all(&dir).unwrap();
                std::fs::write(dir.join("checklist.yaml"), body).unwrap();
                let guard = relnotes::sources::files::Guard::new(tmp.path(), Default::default());
                relnotes::sources::files::load_checklist(&guard, &dir).map(|_| ())
            }
            "change" => {
                let file = tmp.path().join("example.md");
                std::fs::write(&file, body).unwrap();
                {
                    let guard =
                        relnotes::sources::files::Guard::new(tmp.path(), Default::default());
                    relnotes::sources::files::read_change(&guard, &file).map(|_| ())
                }
            }
            "known-issue" => relnotes::sources::yaml::split_front_matter(path, body)
                .and_then(|fm| relnotes::sources::yaml::parse::<KnownIssueFront>(path, fm.yaml, 2))
                .map(|_| ()),
            "incident" => relnotes::sources::yaml::split_front_matter(path, body)
                .and_then(|fm| relnotes::sources::yaml::parse::<IncidentFront>(path, fm.yaml, 2))
                .map(|_| ()),
            _ => unreachable!(),
        };
        if let Err(e) = result {
            panic!("book example {name} ({kind}) does not parse:\n{e}");
        }
    }
    for kind in [
        "config",
        "release",
        "checklist",
        "change",
        "known-issue",
        "incident",
    ] {
        assert!(
            examples.iter().any(|(_, k, _)| k == kind),
            "the book has no `{kind}` example"
        );
    }
}
