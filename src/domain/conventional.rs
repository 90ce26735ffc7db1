//! Reads a commit message: Conventional Commit type, scope, `!` and
//! `BREAKING CHANGE` footers (through git-conventional), pull request numbers
//! from squash suffixes and merge subjects, and `Co-authored-by` trailers.
//! A message that is not a Conventional Commit is kept with type `None`.

use std::sync::LazyLock;

use regex::Regex;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Parsed {
    /// The Conventional Commit type, lower-cased; `None` for other commits.
    pub kind: Option<String>,
    pub scope: Option<String>,
    /// The description (subject without `type(scope): `) or, for other
    /// commits, the whole subject.
    pub description: String,
    pub body: Option<String>,
    pub breaking: bool,
    /// The text of a `BREAKING CHANGE:` footer, if any.
    pub breaking_note: Option<String>,
    pub prs: Vec<u64>,
    pub co_authors: Vec<String>,
    /// All `Key: value` trailers, in order.
    pub trailers: Vec<(String, String)>,
}

static SQUASH_PR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\(#(\d+)\)").expect("a literal pattern compiles"));
static MERGE_PR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Merge pull request #(\d+)").expect("a literal pattern compiles")
});
static TRAILER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([A-Za-z][A-Za-z0-9-]*|BREAKING CHANGE): (.*)$")
        .expect("a literal pattern compiles")
});

/// The scope of a Conventional Commit subject (`feat(api): ...` gives
/// `api`), read from the subject alone: what deciding a commit's package
/// needs, without parsing the whole message.
pub fn scope_of(message: &str) -> Option<&str> {
    let subject = message.trim_start().lines().next()?.trim();
    let colon = subject.find(':')?;
    let head = subject[..colon]
        .strip_suffix('!')
        .unwrap_or(&subject[..colon]);
    let open = head.find('(')?;
    let kind = &head[..open];
    if kind.is_empty()
        || !kind
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    let scope = head[open + 1..].strip_suffix(')')?.trim();
    (!scope.is_empty()).then_some(scope)
}

pub fn parse(message: &str) -> Parsed {
    let message = message.trim();
    let subject = message.lines().next().unwrap_or("").trim();
    // (Leading blank lines are gone with the trim, so the subject is the
    // first line of the first paragraph, as git-conventional reads it.)
    let mut out = Parsed::default();

    // (The literal checks skip the regex machinery for most subjects.)
    if subject.starts_with("Merge pull request #") {
        if let Some(c) = MERGE_PR.captures(subject) {
            out.prs.extend(c[1].parse::<u64>().ok());
        }
    }
    if subject.contains("(#") {
        for c in SQUASH_PR.captures_iter(subject) {
            out.prs.extend(c[1].parse::<u64>().ok());
        }
    }

    match git_conventional::Commit::parse(message) {
        Ok(c) => {
            out.kind = Some(c.type_().as_str().to_ascii_lowercase());
            out.scope = c.scope().map(|s| s.as_str().to_string());
            out.description = strip_pr_suffix(c.description());
            out.body = c
                .body()
                .map(|b| b.trim().to_string())
                .filter(|b| !b.is_empty());
            out.breaking = c.breaking();
            for f in c.footers() {
                let key = f.token().as_str().to_string();
                let value = f.value().trim().to_string();
                if f.breaking() && out.breaking_note.is_none() {
                    out.breaking_note = Some(value.clone());
                }
                out.trailers.push((key, value));
            }
            if out.breaking_note.is_none() && c.breaking() {
                // `feat!: x` without a footer: the description is the note.
                out.breaking_note = c.breaking_description().map(str::to_string);
            }
        }
        Err(_) => {
            out.description = strip_pr_suffix(subject);
            let rest = message[subject.len()..].trim();
            let (body, trailers) = split_trailers(rest);
            out.body = Some(body.to_string()).filter(|b| !b.is_empty());
            out.trailers = trailers;
            if let Some((_, v)) = out.trailers.iter().find(|(k, _)| is_breaking_key(k)) {
                out.breaking = true;
                out.breaking_note = Some(v.clone());
            }
        }
    }
    if out.description.is_empty() {
        out.description = subject.to_string();
    }
    out.co_authors = out
        .trailers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("co-authored-by"))
        .map(|(_, v)| person_name(v))
        .collect();
    out
}

fn is_breaking_key(k: &str) -> bool {
    k == "BREAKING CHANGE" || k == "BREAKING-CHANGE"
}

fn strip_pr_suffix(s: &str) -> String {
    if !s.contains("(#") {
        return s.trim().to_string();
    }
    let trimmed = SQUASH_PR.replace_all(s, "");
    let t = trimmed.trim();
    if t.is_empty() { s.trim() } else { t }.to_string()
}

/// The last paragraph of `text`, if every line of it is a `Key: value`
/// trailer, split off from the body.
fn split_trailers(text: &str) -> (&str, Vec<(String, String)>) {
    let start = text.rfind("\n\n").map(|i| i + 2).unwrap_or(0);
    let last = &text[start..];
    let mut trailers = Vec::new();
    for line in last.lines() {
        match TRAILER.captures(line.trim_end()) {
            Some(c) => trailers.push((c[1].to_string(), c[2].trim().to_string())),
            None => return (text, Vec::new()),
        }
    }
    if trailers.is_empty() {
        return (text, trailers);
    }
    (text[..start].trim(), trailers)
}

/// `Name <mail>` -> `Name`.
pub fn person_name(s: &str) -> String {
    match s.find('<') {
        Some(i) if i > 0 => s[..i].trim().to_string(),
        _ => s.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conventional_with_scope_breaking_and_pr() {
        let p = parse("feat(api)!: drop v1 endpoints (#42)\n\nbody text\n\nBREAKING CHANGE: use /v2\nCo-authored-by: Kim Ortiz <kim@x.example>");
        assert_eq!(p.kind.as_deref(), Some("feat"));
        assert_eq!(p.scope.as_deref(), Some("api"));
        assert_eq!(p.description, "drop v1 endpoints");
        assert!(p.breaking);
        assert_eq!(p.breaking_note.as_deref(), Some("use /v2"));
        assert_eq!(p.prs, vec![42]);
        assert_eq!(p.co_authors, vec!["Kim Ortiz"]);
        assert_eq!(p.body.as_deref(), Some("body text"));
    }

    #[test]
    fn bang_without_footer_uses_description() {
        let p = parse("fix!: stop accepting empty names");
        assert!(p.breaking);
        assert_eq!(
            p.breaking_note.as_deref(),
            Some("stop accepting empty names")
        );
    }

    #[test]
    fn merge_subject_gives_pr_and_other_kind() {
        let p = parse("Merge pull request #17 from octo/export\n\nAdd export");
        assert_eq!(p.kind, None);
        assert_eq!(p.prs, vec![17]);
        assert_eq!(p.description, "Merge pull request #17 from octo/export");
    }

    #[test]
    fn non_conventional_keeps_subject_and_trailers() {
        let p = parse("Update README\n\nCo-authored-by: Ravi Shah <ravi@x.example>");
        assert_eq!(p.kind, None);
        assert_eq!(p.description, "Update README");
        assert_eq!(p.co_authors, vec!["Ravi Shah"]);
        assert_eq!(p.body, None);
    }
}

#[cfg(test)]
mod scope_tests {
    use super::{parse, scope_of};

    #[test]
    fn the_scope_is_read_from_the_subject_as_the_full_parser_reads_it() {
        for m in [
            "feat(api): webhooks",
            "fix(cli)!: flags\n\nbody",
            "\n\nfeat(web-app): dark mode",
            "feat: no scope",
            "Merge branch 'x'",
            "docs(README: typo",
            "(api): no type",
        ] {
            assert_eq!(scope_of(m), parse(m).scope.as_deref(), "{m:?}");
        }
    }
}
