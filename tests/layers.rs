//! The layers of `src/` import only downwards (see the module doc of
//! `src/lib.rs`): this reads every source file and fails on an import that
//! points up or sideways, and on any import cycle between top-level modules.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules, lowest first. A module may import those of a lower
/// rank; modules of the same rank may not import each other.
const LAYERS: &[(&str, u8)] = &[
    ("error", 0),
    ("trace", 0),
    ("domain", 1),
    ("sources", 2),
    ("render", 2),
    ("engine", 3),
    ("app", 4),
];

fn rank(module: &str) -> Option<u8> {
    LAYERS.iter().find(|(m, _)| *m == module).map(|(_, r)| *r)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).expect("src/ is readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn ident(s: &str) -> &str {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(s.len());
    &s[..end]
}

/// The top-level modules named by `crate::...` paths in `text`, including
/// those inside `use crate::{a::x, b};` groups.
fn imported(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("crate::") {
        let rest = &text[i + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0usize;
            let mut at_item_start = true;
            for (j, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => at_item_start = true,
                    c if c.is_whitespace() => {}
                    _ if at_item_start && depth == 0 => {
                        at_item_start = false;
                        let name = ident(&group[j..]);
                        if !name.is_empty() {
                            out.insert(name.to_string());
                        }
                    }
                    _ => {}
                }
            }
        } else {
            let name = ident(rest);
            if !name.is_empty() {
                out.insert(name.to_string());
            }
        }
    }
    out
}

fn module_of(src: &Path, file: &Path) -> Option<String> {
    let rel = file.strip_prefix(src).ok()?;
    let first = rel.components().next()?.as_os_str().to_string_lossy();
    let name = first.trim_end_matches(".rs").to_string();
    (name != "lib" && name != "main").then_some(name)
}

fn graph() -> BTreeMap<String, BTreeMap<String, Vec<String>>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    let mut g: BTreeMap<String, BTreeMap<String, Vec<String>>> = BTreeMap::new();
    for f in files {
        let Some(from) = module_of(&src, &f) else {
            continue;
        };
        let text = std::fs::read_to_string(&f).expect("a source file is UTF-8");
        for to in imported(&text) {
            if to != from && rank(&to).is_some() {
                g.entry(from.clone())
                    .or_default()
                    .entry(to)
                    .or_default()
                    .push(f.strip_prefix(&src).unwrap_or(&f).display().to_string());
            }
        }
    }
    g
}

#[test]
fn every_top_level_module_has_a_layer() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for f in files {
        if let Some(m) = module_of(&src, &f) {
            assert!(
                rank(&m).is_some(),
                "src/{m} is not in LAYERS of tests/layers.rs"
            );
        }
    }
}

#[test]
fn imports_only_point_down() {
    let mut wrong = Vec::new();
    for (from, tos) in graph() {
        let r = rank(&from).expect("checked above");
        for (to, files) in tos {
            if rank(&to).expect("filtered") >= r {
                wrong.push(format!("{from} -> {to} (in {})", files.join(", ")));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or sideways:\n  {}",
        wrong.join("\n  ")
    );
}

#[test]
fn no_import_cycle_between_top_level_modules() {
    let g = graph();
    // Depth-first search with colours: grey on the stack, black done.
    fn visit<'a>(
        n: &'a str,
        g: &'a BTreeMap<String, BTreeMap<String, Vec<String>>>,
        colour: &mut BTreeMap<&'a str, u8>,
        stack: &mut Vec<&'a str>,
    ) -> Option<Vec<String>> {
        colour.insert(n, 1);
        stack.push(n);
        for to in g.get(n).into_iter().flat_map(|t| t.keys()) {
            match colour.get(to.as_str()) {
                Some(1) => {
                    let at = stack.iter().position(|s| *s == to).unwrap_or(0);
                    let mut cycle: Vec<String> =
                        stack[at..].iter().map(|s| s.to_string()).collect();
                    cycle.push(to.clone());
                    return Some(cycle);
                }
                Some(_) => {}
                None => {
                    if let Some(c) = visit(to, g, colour, stack) {
                        return Some(c);
                    }
                }
            }
        }
        stack.pop();
        colour.insert(n, 2);
        None
    }
    let mut colour = BTreeMap::new();
    for n in g.keys() {
        if !colour.contains_key(n.as_str()) {
            if let Some(c) = visit(n, &g, &mut colour, &mut Vec::new()) {
                panic!("import cycle: {}", c.join(" -> "));
            }
        }
    }
}

#[test]
fn the_import_reader_sees_groups_and_paths() {
    let text =
        "use crate::{domain::model::Release, error::Error};\nlet x = crate::render::json::f();";
    let got: Vec<String> = imported(text).into_iter().collect();
    assert_eq!(got, ["domain", "error", "render"]);
}
