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
