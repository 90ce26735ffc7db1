//! Small text rules shared by every layer: the title of a Markdown text and
//! the one slug function that turns ids into file names and URL parts.

/// The first non-empty line of a Markdown text, trimmed: used as a title.
pub fn first_line(markdown: &str) -> &str {
    markdown
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
}

/// The title of a change file's body: its first heading line, or its first
/// paragraph with the lines joined by spaces (a paragraph wrapped in the
/// file is one title). Second: whether the body says more than that.
pub fn title_of(markdown: &str) -> (String, bool) {
    let mut lines = markdown.lines().map(str::trim).skip_while(|l| l.is_empty());
    let Some(first) = lines.next() else {
        return (String::new(), false);
    };
    if first.starts_with('#') {
        let title = first.trim_start_matches('#').trim().to_string();
        return (title, lines.any(|l| !l.is_empty()));
    }
    let mut title = first.to_string();
    for l in lines.by_ref() {
        // A blank line, a heading or a list item ends the first paragraph.
        if l.is_empty() {
            break;
        }
        if l.starts_with(['#', '-', '*', '>', '|']) || l.starts_with("```") {
            return (title, true);
        }
        title.push(' ');
        title.push_str(l);
    }
    (title, lines.any(|l| !l.is_empty()))
}

/// The subject of a commit message as `git log --format=%s` shows it: the
/// first paragraph, after any leading blank lines, its lines joined by
/// spaces.
pub fn subject(message: &str) -> String {
    let mut out = String::new();
    for line in message
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(line.trim());
    }
    out
}

/// A file name made only of letters, digits, `.`, `_` and `-`, never
/// starting with a dot: ids from input files cannot leave their folder or
/// need escaping in a URL. The same id always gives the same name.
pub fn slug(id: &str) -> String {
    let s: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    let s = s.trim_start_matches('.');
    if s.is_empty() {
        "-".into()
    } else {
        s.to_string()
    }
}

/// Why `id` cannot be an identifier that becomes a file name or a part of
/// a URL (a segment, known-issue or change id, a release version), or
/// `None` when it can: 1 to 100 ASCII letters, digits, `.`, `_`, `-` and
/// `+`, starting with a letter or digit. Ids are checked, never silently
/// rewritten: two ids must not end up as the same file.
pub fn id_problem(id: &str) -> Option<&'static str> {
    let Some(first) = id.chars().next() else {
        return Some("is empty");
    };
    if id.len() > 100 {
        return Some("is longer than 100 characters");
    }
    if !first.is_ascii_alphanumeric() {
        return Some("must start with a letter or a digit");
    }
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '+'))
    {
        return Some("may only hold letters, digits, `.`, `_`, `-` and `+`");
    }
    None
}

/// The 1-based line and column of the first line at or after `from_line`
/// whose text (after indentation and a list dash) starts with `needle`:
/// where a value from a YAML file was written, for error messages. `(1, 1)`
/// when it cannot be found.
pub fn locate(text: &str, needle: &str, from_line: usize) -> (usize, usize) {
    for (i, line) in text.lines().enumerate().skip(from_line.saturating_sub(1)) {
        let body = line.trim_start();
        let body_col = line.len() - body.len();
        let (body, col) = match body.strip_prefix("- ") {
            Some(rest) => (rest.trim_start(), line.len() - rest.trim_start().len()),
            None => (body, body_col),
        };
        let unquoted = body.trim_start_matches(['"', '\'']);
        if body.starts_with(needle) || unquoted.starts_with(needle) {
            return (i + 1, col + 1);
        }
    }
    // A value inside a flow list (`highlights: [a, b]`).
    for (i, line) in text.lines().enumerate().skip(from_line.saturating_sub(1)) {
        if let Some(at) = line.find(needle) {
            return (i + 1, line[..at].chars().count() + 1);
        }
    }
    (1, 1)
}

/// Whether `text` mentions `title`: four words of the title in a row, or
/// the whole title when it is shorter (case and punctuation aside).
pub fn mentions(text: &str, title: &str) -> bool {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let (text, title) = (words(text), words(title));
    let n = title.len().min(4);
    if n == 0 {
        return false;
    }
    title
        .windows(n)
        .any(|run| text.windows(n).any(|t| t == run))
}

/// An id for a new change file from its text: the slug of its first six
/// words, lower-cased (`change` when there are none).
pub fn id_from_text(text: &str) -> String {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_lowercase)
        .collect();
    if words.is_empty() {
        "change".into()
    } else {
        slug(&words.join("-"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_stay_in_their_folder() {
        assert_eq!(slug("KI-7"), "KI-7");
        assert_eq!(slug("../../etc/passwd"), "-..-etc-passwd");
        assert_eq!(slug(".hidden"), "hidden");
        assert_eq!(slug("a b/c?d#e"), "a-b-c-d-e");
        assert_eq!(slug(""), "-");
    }

    #[test]
    fn ids_from_text_take_six_words() {
        assert_eq!(
            id_from_text("Enterprise admins can export all invoices at once."),
            "enterprise-admins-can-export-all-invoices"
        );
        assert_eq!(id_from_text("Fix: a, b"), "fix-a-b");
        assert_eq!(id_from_text("!!!"), "change");
    }

    #[test]
    fn subjects_are_first_paragraphs() {
        assert_eq!(subject("\n\nfeat: x\n\nbody"), "feat: x");
        assert_eq!(subject("fix: a\ncontinued\n\nbody"), "fix: a continued");
        assert_eq!(subject(""), "");
    }

    #[test]
    fn first_line_skips_blank_lines() {
        assert_eq!(first_line("\n\n  # Title  \nbody"), "# Title");
        assert_eq!(first_line(""), "");
    }
}

#[cfg(test)]
mod id_tests {
    use super::*;

    #[test]
    fn ids_are_checked_not_rewritten() {
        for ok in ["enterprise", "KI-12", "1.4.0", "2.0.0-rc.1+build.5", "a_b"] {
            assert_eq!(id_problem(ok), None, "{ok}");
        }
        for bad in [
            "../../x",
            "javascript:alert(1)//",
            ".hidden",
            "a b",
            "a/b",
            "-flag",
            "é",
        ] {
            assert!(id_problem(bad).is_some(), "{bad}");
        }
        assert!(id_problem(&"a".repeat(101)).is_some());
    }

    #[test]
    fn locate_finds_keys_and_list_items() {
        let text = "segments:\n  smb: Small\n  \"x/y\": Bad\nhighlights:\n  - nope\n";
        assert_eq!(locate(text, "x/y", 1), (3, 3));
        assert_eq!(locate(text, "nope", 4), (5, 5));
        assert_eq!(locate(text, "absent", 1), (1, 1));
    }
}

#[cfg(test)]
mod title_tests {
    use super::title_of;

    #[test]
    fn a_wrapped_first_paragraph_is_one_title() {
        assert_eq!(
            title_of("Invoices can be created\nwhile an export runs.\n"),
            (
                "Invoices can be created while an export runs.".into(),
                false
            )
        );
        assert_eq!(
            title_of("\n# Bulk export\n\nAdmins can export.\n"),
            ("Bulk export".into(), true)
        );
        assert_eq!(
            title_of("Faster pages.\n\nTotals are cached.\n"),
            ("Faster pages.".into(), true)
        );
        assert_eq!(title_of("Steps:\n- one\n- two\n"), ("Steps:".into(), true));
        assert_eq!(title_of("  \n"), (String::new(), false));
    }
}
