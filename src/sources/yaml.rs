//! The metadata reader: the only module that knows about serde_yaml. It turns
//! YAML text (a whole file, or the front matter of a Markdown file) into the
//! typed input structs, and turns every YAML or schema error into an
//! [`Error::Input`] with the file, line and column and a hint.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::error::{nearest, Error, Location, Result};

/// Parses `text` as YAML into `T`. `first_line` is the line of the file on
/// which `text` starts (1 for a whole file, 2 for front matter after `---`).
pub fn parse<T: DeserializeOwned>(path: &Path, text: &str, first_line: usize) -> Result<T> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // An empty document means "all defaults", not an error.
    if text.trim().is_empty() {
        return serde_yaml::from_str("{}").map_err(|e| to_error(path, e, first_line, text));
    }
    check_depth(path, text, first_line)?;
    check_duplicates(path, text, first_line)?;
    serde_yaml::from_str(text).map_err(|e| to_error(path, e, first_line, text))
}

/// How deeply brackets may nest. relnotes' files need three or four
/// levels; the YAML parser's time grows with the square of the depth
/// (100,000 levels took minutes), so deep nesting is refused before it.
pub const MAX_DEPTH: usize = 64;

/// Refuses text whose `[` and `{` nest deeper than [`MAX_DEPTH`]. Brackets
/// are counted everywhere, in quoted text too: only text with dozens of
/// unclosed brackets in a row is refused, and no metadata needs that.
fn check_depth(path: &Path, text: &str, first_line: usize) -> Result<()> {
    let mut depth = 0usize;
    let (mut line, mut line_start) = (first_line, 0);
    for (i, b) in text.bytes().enumerate() {
        match b {
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(Error::at(
                        path,
                        (line, text[line_start..i].chars().count() + 1),
                        format!("the YAML nests more than {MAX_DEPTH} levels deep here"),
                        "relnotes' files need only a few levels: close the brackets, or quote text that holds many `[` or `{`",
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            _ => {}
        }
    }
    Ok(())
}

/// Whether some `key:` text appears twice at one indentation of one block
/// mapping: the lines of each list item (`- `) and of each nested mapping
/// are a mapping of their own, so the items of a list, which repeat their
/// keys, are not suspects. A line of a multi-line text that looks like a
/// key can only make a false suspect, which the full parse then clears.
fn may_repeat_keys(text: &str) -> bool {
    // The block mappings open at the current line: (indentation, keys).
    let mut open: Vec<(usize, std::collections::HashSet<&str>)> = Vec::new();
    for line in text.lines() {
        let mut rest = line.trim_start();
        if rest.is_empty() || rest.starts_with('#') {
            continue;
        }
        let mut indent = line.len() - rest.len();
        let mut item = false;
        while let Some(r) = rest.strip_prefix("- ") {
            let inner = r.trim_start();
            indent += 2 + (r.len() - inner.len());
            rest = inner;
            item = true;
        }
        while open
            .last()
            .is_some_and(|(i, _)| *i > indent || (item && *i == indent))
        {
            open.pop();
        }
        let Some(colon) = rest.find(':') else {
            continue;
        };
        let key = &rest[..colon];
        match open.last_mut() {
            Some((i, keys)) if *i == indent => {
                if !keys.insert(key) {
                    return true;
                }
            }
            _ => open.push((indent, std::collections::HashSet::from([key]))),
        }
    }
    false
}

/// Refuses a key written twice in one mapping (YAML forbids it; serde
/// would keep the last value of a map without a word). The parse into a
/// generic value that finds them runs only when [`may_repeat_keys`] says a
/// key's text repeats within a block mapping.
fn check_duplicates(path: &Path, text: &str, first_line: usize) -> Result<()> {
    if !may_repeat_keys(text) {
        return Ok(());
    }
    let Err(e) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
        return Ok(());
    };
    let raw = e.to_string();
    let Some(at) = raw.find("duplicate entry with key ") else {
        // Not a duplicate: the typed parse reports it with its own words.
        return Ok(());
    };
    let rest = &raw[at + "duplicate entry with key ".len()..];
    let key = rest
        .split(" at line ")
        .next()
        .unwrap_or(rest)
        .trim_matches('"')
        .to_string();
    // The parser points at the mapping; the second use of the key is what
    // the user has to change.
    let from = e.location().map(|l| l.line()).unwrap_or(1);
    let first = crate::domain::text::locate(text, &format!("{key}:"), from);
    let (line, column) = crate::domain::text::locate(text, &format!("{key}:"), first.0 + 1);
    let (line, column) = if line > first.0 {
        (line, column)
    } else {
        first
    };
    let field = raw[..at].trim_end_matches([' ', ':']);
    let place = if field.is_empty() {
        String::new()
    } else {
        format!(" in `{field}`")
    };
    Err(Error::at(
        path,
        (line + first_line - 1, column),
        format!("the key `{key}` is written twice{place}"),
        "keep one of the two: a key may appear once in a mapping (ids must be unique)",
    ))
}

/// A Markdown file with YAML front matter, split into its parts.
pub struct FrontMatter<'a> {
    /// The YAML between the `---` lines.
    pub yaml: &'a str,
    /// The Markdown after the closing `---`.
    pub body: &'a str,
}

/// Splits `---\n<yaml>\n---\n<body>`. A file without front matter is an
/// error: every change file and known issue needs at least a `type` or `id`.
pub fn split_front_matter<'a>(path: &Path, text: &'a str) -> Result<FrontMatter<'a>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
        .ok_or_else(|| Error::Input {
            location: Location {
                file: path.to_path_buf(),
                line: 1,
                column: 1,
            },
            message: "expected YAML front matter starting with a line `---`".into(),
            help: "start the file with `---`, the fields (for example `type: added`), then `---` and the text".into(),
        })?;
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            let yaml = &rest[..offset];
            let body = &rest[offset + line.len()..];
            return Ok(FrontMatter { yaml, body });
        }
        offset += line.len();
    }
    Err(Error::Input {
        location: Location {
            file: path.to_path_buf(),
            line: rest.lines().count() + 2,
            column: 1,
        },
        message: "the front matter is not closed: expected a line `---` after the fields".into(),
        help: "add a line with `---` between the fields and the text".into(),
    })
}

fn to_error(path: &Path, err: serde_yaml::Error, first_line: usize, text: &str) -> Error {
    let (line, column) = err
        .location()
        .map(|l| (l.line() + first_line - 1, l.column()))
        .unwrap_or((first_line, 1));
    let raw = err.to_string();
    // The library appends its own position; we print ours instead.
    let mut message = match raw.find(" at line ") {
        Some(i) => raw[..i].to_string(),
        None => raw.clone(),
    };
    // A file (or field) that is one plain text where fields belong: serde
    // quotes the whole text, which may be the whole file. Show the start
    // of its first line.
    let prefix = "invalid type: string \"";
    if let (Some(i), Some(end)) = (message.find(prefix), message.rfind("\", expected ")) {
        let quoted = message.get(i + prefix.len()..end).unwrap_or("");
        let on_one_line = text.lines().any(|l| l.contains(quoted));
        if quoted.chars().count() > 60 || !on_one_line {
            // The longest start (at most 60 characters) written on one line.
            let mut short = String::new();
            for c in quoted.chars().take(60) {
                short.push(c);
                if !text.contains(short.as_str()) {
                    short.pop();
                    break;
                }
            }
            let expected =
                message[end + 3..].replace("expected struct ", "expected the fields of ");
            message = format!(
                "{}invalid type: a text (\"{short}…\"), {expected}",
                &message[..i]
            );
        }
    }
    let help = hint_for(&message);
    Error::Input {
        location: Location {
            file: path.to_path_buf(),
            line,
            column,
        },
        message,
        help,
    }
}

/// A hint for a serde message: the nearest valid name for an unknown field or
/// variant, otherwise a pointer to the reference.
fn hint_for(message: &str) -> String {
    // Field paths such as `smoke_tests[1]: ` come before serde's own words.
    let core = message
        .find("unknown ")
        .map(|i| &message[i..])
        .unwrap_or(message);
    let quoted: Vec<&str> = core.split('`').skip(1).step_by(2).collect();
    let unknown = message.contains("unknown field") || message.contains("unknown variant");
    if unknown && !quoted.is_empty() {
        let word = quoted[0];
        let expected = &quoted[1..];
        if let Some(best) = nearest(word, expected.iter().copied()) {
            return format!("did you mean `{best}`? (valid: {})", expected.join(", "));
        }
        if expected.is_empty() {
            return "this place takes no fields; remove it".into();
        }
        return format!("valid names here: {}", expected.join(", "));
    }
    if message.contains("is not a status relnotes knows") {
        return "write a status word (done, pending, failed, rolled back, not applicable), a link, or a note of a few words: see \"Check values\" in book/src/reference.md".into();
    }
    if message.starts_with("affects:") || message.starts_with("fixed_in:") {
        return "write a version (1.4.1) for fixed_in, and a range for affects, for example \">=1.3.0, <1.4.1\"".into();
    }
    if core.contains("invalid type") || core.contains("invalid value") {
        return "this field takes a different kind of value: see the input file reference (book/src/reference.md)".into();
    }
    if core.starts_with("missing field") {
        return "add the field; the input file reference (book/src/reference.md) lists what each file needs".into();
    }
    if message.contains(": ")
        && !message.starts_with("did not")
        && !message.starts_with("found")
        && !message.starts_with("mapping")
        && !message.starts_with("while")
    {
        return "check the value against the input file reference (book/src/reference.md)".into();
    }
    "fix the YAML syntax at this position; quote text that contains `: `, `#`, `[` or starts with a quote".into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_keys_are_suspected_within_one_mapping_only() {
        // The items of a list repeat their keys: no suspect.
        let items = "signoffs:\n  - role: qa\n    by: Kim\n  - role: ux\n    by: Ravi\n";
        assert!(!may_repeat_keys(items));
        let nested = "a:\n  x: 1\nb:\n  x: 2\n";
        assert!(!may_repeat_keys(nested));
        // A key twice in one mapping, also after a nested one or in an item.
        assert!(may_repeat_keys("a: 1\nb: 2\na: 3\n"));
        assert!(may_repeat_keys("a: 1\nb:\n  c: 2\na: 3\n"));
        assert!(may_repeat_keys("list:\n  - id: x\n    id: y\n"));
        assert!(may_repeat_keys(
            "list:\n  -   id: x\n      title: t\n      id: y\n"
        ));
    }

    #[derive(serde::Deserialize, Debug)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct T {
        summary: Option<String>,
        highlights: Option<Vec<String>>,
    }

    #[test]
    fn unknown_field_suggests_nearest_name() {
        let err = parse::<T>(Path::new("r.yaml"), "summry: x\n", 1).unwrap_err();
        let text = err.to_string();
        assert!(text.contains("r.yaml:1:1"), "{text}");
        assert!(text.contains("unknown field `summry`"), "{text}");
        assert!(text.contains("did you mean `summary`?"), "{text}");
    }

    #[test]
    fn front_matter_line_numbers_are_file_lines() {
        let src = "---\nsummary: [\n---\nbody\n";
        let fm = split_front_matter(Path::new("c.md"), src).unwrap();
        assert_eq!(fm.body, "body\n");
        let err = parse::<T>(Path::new("c.md"), fm.yaml, 2).unwrap_err();
        let Error::Input { location, .. } = err else {
            panic!()
        };
        assert!(location.line >= 2, "{location}");
    }
}
