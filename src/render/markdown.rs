//! Markdown to safe HTML: the only module that uses pulldown-cmark and
//! ammonia. Every piece of HTML made from commit or change-file text passes
//! through [`to_html`], which removes scripts, event handler attributes,
//! `javascript:` links and any other markup outside a small allow-list.

use std::sync::LazyLock;

use pulldown_cmark::{html, Event, Options, Parser, Tag};

static CLEANER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| cleaner(&[]));

/// The sanitizer: web and mail links only, and images that load from
/// another site only from the `allow`ed hosts (pages promise that showing
/// them fetches nothing from elsewhere).
fn cleaner(allow: &[String]) -> ammonia::Builder<'static> {
    let allow = allow.to_vec();
    let mut b = ammonia::Builder::default();
    b.url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer"))
        .url_relative(ammonia::UrlRelative::PassThrough)
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" && is_remote(value) && !allowed(value, &allow)
            {
                None
            } else {
                Some(value.into())
            }
        });
    b
}

fn allowed(url: &str, allow: &[String]) -> bool {
    host(url).is_some_and(|h| {
        let name = h.split(':').next().unwrap_or(&h);
        allow
            .iter()
            .any(|a| a.eq_ignore_ascii_case(&h) || a.eq_ignore_ascii_case(name))
    })
}

/// A URL that points to another site (a scheme or `//host`), as opposed
/// to a path relative to the page.
fn is_remote(url: &str) -> bool {
    let url = url.trim_start();
    url.starts_with("//")
        || url
            .find(':')
            .is_some_and(|i| !url[..i].contains(['/', '?', '#']))
}

/// The host of an absolute URL (`https://cdn.example.com:8080/x` gives
/// `cdn.example.com:8080`), lower-cased.
fn host(url: &str) -> Option<String> {
    let rest = url.trim_start().split_once("//")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    Some(host.to_ascii_lowercase())
}

/// Markdown with every image from another site that is not on the
/// `allow` list turned into a link to it, its alt text the label: a
/// reader can still open it, and showing the page fetches nothing. The
/// text is otherwise unchanged (the Markdown outputs show it as written).
pub fn remote_images<'a>(markdown: &'a str, allow: &[String]) -> std::borrow::Cow<'a, str> {
    if !markdown.contains("![") {
        return markdown.into();
    }
    let mut bangs = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options()).into_offset_iter() {
        if let Event::Start(Tag::Image { dest_url, .. }) = event {
            if is_remote(&dest_url)
                && !allowed(&dest_url, allow)
                && markdown[range.start..].starts_with("![")
            {
                bangs.push(range.start);
            }
        }
    }
    if bangs.is_empty() {
        return markdown.into();
    }
    let mut out = String::with_capacity(markdown.len());
    let mut from = 0;
    for at in bangs {
        out.push_str(&markdown[from..at]);
        from = at + 1;
    }
    out.push_str(&markdown[from..]);
    out.into()
}

fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH
}

/// Text that Markdown and the sanitizer would pass through unchanged: one
/// line of letters, digits, spaces and harmless punctuation. Most commit
/// subjects are like this; skipping the parser for them keeps large
/// histories fast.
fn is_plain(s: &str) -> bool {
    let t = s.trim();
    !t.is_empty()
        && !t.starts_with(['-', '+', '='])
        && !t.as_bytes()[0].is_ascii_digit()
        && !t.contains("  ")
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b" .,:;()'\"/?%@".contains(&b))
}

/// Renders Markdown to sanitized HTML (block level). Images from other
/// sites become links unless their host is in `allow`.
pub fn to_html(markdown: &str, allow: &[String]) -> String {
    let markdown = &*remote_images(markdown, allow);
    if is_plain(markdown) {
        return format!("<p>{}</p>\n", markdown.trim());
    }
    let events: Vec<Event<'_>> = Parser::new_ext(markdown, options()).collect();
    let mut raw = String::with_capacity(markdown.len() * 3 / 2);
    // pulldown-cmark escapes text itself; only raw HTML, links and images
    // can carry markup or scripts. Without them the sanitizer has nothing to
    // remove, and skipping it keeps large histories fast.
    let needs_cleaning = events.iter().any(|e| {
        matches!(
            e,
            Event::Html(_)
                | Event::InlineHtml(_)
                | Event::Start(Tag::Link { .. } | Tag::Image { .. })
        )
    });
    html::push_html(&mut raw, events.into_iter());
    if needs_cleaning && !allow.is_empty() {
        cleaner(allow).clean(&raw).to_string()
    } else if needs_cleaning {
        CLEANER.clean(&raw).to_string()
    } else {
        raw
    }
}

/// Markdown as plain text: markup removed, links as `text (url)`, list
/// items as `- `, paragraphs and headings separated by blank lines. For
/// places that show text as it is (`relnotes notes --format text`).
pub fn to_plain_text(markdown: &str) -> String {
    use pulldown_cmark::TagEnd;
    let mut out = String::with_capacity(markdown.len());
    let mut links: Vec<String> = Vec::new();
    let mut depth = 0usize;
    for event in Parser::new_ext(markdown, options()) {
        match event {
            Event::Text(t) | Event::Code(t) => out.push_str(&t),
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::Start(Tag::Item) => {
                out.push_str(&"  ".repeat(depth.saturating_sub(1)));
                out.push_str("- ");
            }
            Event::Start(Tag::List(_)) => {
                if depth > 0 && !out.ends_with('\n') {
                    out.push('\n');
                }
                depth += 1;
            }
            Event::End(TagEnd::List(_)) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    out.push('\n');
                }
            }
            Event::End(TagEnd::Item) if !out.ends_with('\n') => out.push('\n'),
            Event::Start(Tag::Link { dest_url, .. }) => links.push(dest_url.to_string()),
            Event::End(TagEnd::Link) => {
                if let Some(u) = links.pop() {
                    if !u.is_empty() && !out.ends_with(u.as_str()) {
                        out.push_str(&format!(" ({u})"));
                    }
                }
            }
            Event::End(
                TagEnd::Paragraph | TagEnd::Heading(_) | TagEnd::BlockQuote(_) | TagEnd::CodeBlock,
            ) => {
                if depth == 0 {
                    out.push_str("\n\n");
                } else if !out.ends_with('\n') {
                    out.push('\n');
                }
            }
            Event::Rule => out.push('\n'),
            // Everything else, raw HTML included, is markup: dropped (the
            // text between tags stays).
            _ => {}
        }
    }
    let mut text = out.trim_end().to_string();
    while text.contains("\n\n\n") {
        text = text.replace("\n\n\n", "\n\n");
    }
    text.push('\n');
    text
}

/// Renders a one-line Markdown text to sanitized inline HTML, without the
/// wrapping paragraph (for titles and list items).
pub fn to_inline_html(markdown: &str, allow: &[String]) -> String {
    let html = to_html(markdown, allow);
    let t = html.trim();
    match t.strip_prefix("<p>").and_then(|s| s.strip_suffix("</p>")) {
        Some(inner) if !inner.contains("<p>") => inner.to_string(),
        _ => t.to_string(),
    }
}

/// A URL from an input file, if it is safe to put in an `href`: http, https
/// and mailto links and relative links. `javascript:` and every other scheme
/// give `None` (the label is then shown without a link).
pub fn safe_url(url: &str) -> Option<String> {
    // Most URLs (every one made from a link pattern) have nothing to strip.
    let cleaned: String = if url.bytes().all(|b| b.is_ascii_graphic()) {
        url.to_string()
    } else {
        url.chars()
            .filter(|c| !c.is_control() && !c.is_whitespace())
            .collect()
    };
    let scheme_end = cleaned.find(':');
    let path_start = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    let allowed = ["http:", "https:", "mailto:"].iter().any(|s| {
        cleaned
            .get(..s.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(s))
    }) || scheme_end.is_none_or(|i| i > path_start);
    (allowed && !cleaned.is_empty()).then_some(cleaned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_handlers_and_javascript_links_are_removed() {
        let html = to_html("Hi <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) <a href=\"javascript:alert(4)\">y</a>", &[]);
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("onerror"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn only_web_links_are_safe_urls() {
        assert_eq!(
            safe_url("https://x.example/a").as_deref(),
            Some("https://x.example/a")
        );
        assert_eq!(
            safe_url("../1.0.0/support.html").as_deref(),
            Some("../1.0.0/support.html")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(safe_url(" JaVa\tScRiPt:alert(1)"), None);
        assert_eq!(safe_url("data:text/html,x"), None);
        assert_eq!(safe_url("JAVASCRIPT:alert(1)"), None);
        assert_eq!(safe_url("java\u{0}script:alert(1)"), None);
        assert_eq!(safe_url("java\u{2028}script:alert(1)"), None);
        assert_eq!(
            safe_url("HTTPS://X.example/a").as_deref(),
            Some("HTTPS://X.example/a")
        );
        assert_eq!(
            safe_url("https://exämple.org/ä b").as_deref(),
            Some("https://exämple.org/äb")
        );
        assert_eq!(
            safe_url("mailto:a@b.example").as_deref(),
            Some("mailto:a@b.example")
        );
    }

    #[test]
    fn ordinary_markdown_survives() {
        let html = to_html("**Billing > Export** and [docs](https://x.example)", &[]);
        assert!(
            html.contains("<strong>Billing &gt; Export</strong>"),
            "{html}"
        );
        assert!(html.contains("href=\"https://x.example\""), "{html}");
    }

    #[test]
    fn plain_fast_path_matches_the_parser() {
        for s in [
            "add bulk export",
            "fix: crash (on save), again?",
            "it's \"quoted\" 50% @home/x",
        ] {
            assert!(is_plain(s), "{s}");
            let mut raw = String::new();
            html::push_html(&mut raw, Parser::new_ext(s, options()));
            assert_eq!(to_html(s, &[]), CLEANER.clean(&raw).to_string(), "{s}");
        }
        assert!(!is_plain("1. list"));
        assert!(!is_plain("<b>x</b>"));
    }

    #[test]
    fn markdown_without_html_or_links_skips_the_sanitizer_safely() {
        for s in [
            "**bold** and `code` & <not html",
            "- a\n- b\n\n| x | y |\n|---|---|\n| 1 | 2 |",
            "Tom & Jerry > 3",
        ] {
            let mut raw = String::new();
            html::push_html(&mut raw, Parser::new_ext(s, options()));
            assert_eq!(to_html(s, &[]), CLEANER.clean(&raw).to_string(), "{s}");
        }
    }

    #[test]
    fn remote_images_become_links_unless_their_host_is_allowed() {
        let md = "See ![the dialog](https://tracker.example/p.png) and ![local](img/a.png)";
        let html = to_html(md, &[]);
        assert!(!html.contains("<img src=\"https://"), "{html}");
        assert!(
            html.contains("<a href=\"https://tracker.example/p.png\" rel=\"noopener noreferrer\">the dialog</a>"),
            "{html}"
        );
        assert!(html.contains("<img src=\"img/a.png\""), "{html}");
        assert_eq!(
            remote_images(md, &[]),
            "See [the dialog](https://tracker.example/p.png) and ![local](img/a.png)"
        );
        let allow = ["tracker.example".to_string()];
        let html = to_html(md, &allow);
        assert!(
            html.contains("<img src=\"https://tracker.example/p.png\""),
            "{html}"
        );
        // Raw HTML images load only from allowed hosts too, and `//host`
        // counts as remote.
        let raw = "<img src=\"https://evil.example/x.png\"> <img src=\"//evil.example/y.png\">";
        for allow in [&[][..], &allow[..]] {
            let html = to_html(raw, allow);
            assert!(!html.contains("evil.example"), "{html}");
        }
        assert!(
            to_html("<img src=\"https://tracker.example/z.png\">", &allow)
                .contains("tracker.example/z.png")
        );
        // Reference-style images too.
        let md = "![alt][r]\n\n[r]: https://tracker.example/q.png";
        assert!(!to_html(md, &[]).contains("<img"));
    }

    #[test]
    fn inline_strips_paragraph() {
        assert_eq!(to_inline_html("a *b*", &[]), "a <em>b</em>");
    }
}
