//! `CHANGELOG.md` in the Keep a Changelog 1.1.0 shape: Unreleased on top,
//! one section per release, newest first, changes grouped under Added,
//! Changed, Deprecated, Removed, Fixed and Security, and link references to
//! compare views when `links.compare` is configured. The text between two
//! marker lines is relnotes'; what is above and below them is the
//! project's and is kept as it is.

use serde::Serialize;

use super::{markdown, Renderer};
use crate::domain::config::Config;
use crate::domain::input::ChangeKind;
use crate::domain::model::{Audience, Change, Project, Release};
use crate::domain::version::Candidates;
use crate::error::Result;

/// The line after which relnotes writes.
pub const BEGIN: &str = "<!-- relnotes:begin -->";
/// The line before which relnotes stops; what follows is kept.
pub const END: &str = "<!-- relnotes:end -->";

/// Who the changelog is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangelogAudience {
    /// What the page for all customers shows (the default).
    Customer,
    /// Every change support sees, segment-only changes included.
    Support,
}

#[derive(Debug, Serialize)]
pub struct ChangelogCtx {
    pub project: String,
    pub unreleased: Option<VersionCtx>,
    /// Newest first.
    pub releases: Vec<VersionCtx>,
    /// Link reference definitions, in the order of the headings.
    pub links: Vec<LinkRef>,
}

#[derive(Debug, Serialize)]
pub struct VersionCtx {
    pub version: String,
    pub date: Option<String>,
    /// The heading links to a compare view (a reference below).
    pub link: bool,
    /// Rolled back after an incident: Keep a Changelog's `[YANKED]`.
    pub withdrawn: bool,
    pub sections: Vec<SectionCtx>,
}

#[derive(Debug, Serialize)]
pub struct SectionCtx {
    /// `Added`, `Changed`, ...
    pub title: String,
    /// One Markdown line per change.
    pub items: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct LinkRef {
    pub label: String,
    pub url: String,
}

/// The changelog's context from every release (oldest first, as the
/// engine assembles them). Pre-release candidates of a final release are
/// left out when `releases.prereleases` folds them into it (the default).
pub fn context(
    project: &Project,
    config: &Config,
    releases: &[Release],
    audience: ChangelogAudience,
) -> ChangelogCtx {
    let candidates = Candidates::new(
        releases
            .iter()
            .filter(|r| !r.unreleased)
            .map(|r| r.version.as_str()),
        config.releases.prereleases,
    );
    let mut out = ChangelogCtx {
        project: project.name.clone(),
        unreleased: None,
        releases: Vec::new(),
        links: Vec::new(),
    };
    let compare = config.links.compare.as_deref();
    let url = |from: &str, to: &str| {
        compare.and_then(|p| markdown::safe_url(&p.replace("{from}", from).replace("{to}", to)))
    };
    let newest_tag = releases
        .iter()
        .rev()
        .find(|r| !r.unreleased)
        .and_then(|r| r.tag.clone());
    for r in releases.iter().rev() {
        if r.unreleased {
            let sections = sections(config, &r.changes, audience);
            if sections.is_empty() {
                continue;
            }
            let link = newest_tag.as_deref().and_then(|t| url(t, "HEAD"));
            if let Some(u) = &link {
                out.links.push(LinkRef {
                    label: "Unreleased".into(),
                    url: u.clone(),
                });
            }
            out.unreleased = Some(VersionCtx {
                version: "Unreleased".into(),
                date: None,
                link: link.is_some(),
                withdrawn: false,
                sections,
            });
            continue;
        }
        if candidates.folded(&r.version) {
            continue;
        }
        let link = match (&r.previous, &r.tag) {
            (Some(p), Some(t)) => url(&p.tag, t),
            _ => None,
        };
        if let Some(u) = &link {
            out.links.push(LinkRef {
                label: r.version.clone(),
                url: u.clone(),
            });
        }
        out.releases.push(VersionCtx {
            version: r.version.clone(),
            date: r.date.clone(),
            link: link.is_some(),
            withdrawn: r.withdrawn.is_some(),
            sections: sections(config, &r.changes, audience),
        });
    }
    out
}

/// The release's changes for `audience`, by kind, in the kinds' order.
fn sections(config: &Config, changes: &[Change], audience: ChangelogAudience) -> Vec<SectionCtx> {
    let wanted = |c: &&Change| match audience {
        ChangelogAudience::Customer => c.is_for_customers_in(None),
        ChangelogAudience::Support => c.is_for(Audience::Support),
    };
    ChangeKind::ALL
        .iter()
        .filter_map(|&kind| {
            let items: Vec<String> = changes
                .iter()
                .filter(wanted)
                .filter(|c| c.kind == kind)
                .map(|c| line(config, c))
                .collect();
            (!items.is_empty()).then(|| SectionCtx {
                title: title(kind).into(),
                items,
            })
        })
        .collect()
}

fn title(kind: ChangeKind) -> &'static str {
    match kind {
        ChangeKind::Added => "Added",
        ChangeKind::Changed => "Changed",
        ChangeKind::Deprecated => "Deprecated",
        ChangeKind::Removed => "Removed",
        ChangeKind::Fixed => "Fixed",
        ChangeKind::Security => "Security",
    }
}

/// One list item: the change's first paragraph joined into one line (a
/// changelog entry is one line; a title cut at a line break would stop
/// mid-sentence), breaking changes marked, pull requests linked.
fn line(config: &Config, c: &Change) -> String {
    let mut s = String::new();
    if c.breaking {
        s.push_str("**Breaking:** ");
    }
    let paragraph = crate::domain::text::subject(&c.text);
    let first = if paragraph.starts_with(c.title.trim()) {
        paragraph
    } else {
        crate::domain::text::first_line(&c.title).to_string()
    };
    let title = markdown::remote_images(&first, &config.images.allow_hosts);
    s.push_str(title.trim());
    let prs: Vec<String> = c
        .prs
        .iter()
        .map(|n| {
            match config
                .links
                .pr
                .as_deref()
                .and_then(|p| markdown::safe_url(&p.replace("{number}", &n.to_string())))
            {
                Some(u) => format!("[#{n}]({u})"),
                None => format!("#{n}"),
            }
        })
        .collect();
    if !prs.is_empty() {
        s.push_str(&format!(" ({})", prs.join(", ")));
    }
    s
}

/// The whole file: `existing` (if any) with relnotes' part between the
/// markers replaced by `body`; a new file gets a short header. `None` when
/// `existing` has text but no begin marker: relnotes does not know where
/// its part goes and will not replace a changelog someone wrote.
pub fn splice(existing: Option<&str>, body: &str) -> Option<String> {
    let body = body.trim_end();
    let ours = |head: &str, tail: &str| {
        let mut s = String::with_capacity(head.len() + body.len() + tail.len() + 64);
        s.push_str(head);
        s.push_str(BEGIN);
        s.push_str("\n\n");
        if !body.is_empty() {
            s.push_str(body);
            s.push_str("\n\n");
        }
        s.push_str(END);
        s.push('\n');
        s.push_str(tail);
        s
    };
    match existing {
        None => Some(ours(
            "# Changelog\n\nNotable changes of each release, newest first. The format follows\n[Keep a Changelog](https://keepachangelog.com/en/1.1.0/) and the versions\n[Semantic Versioning](https://semver.org/). Written by relnotes from the\nchange files; edit above the begin marker or below the end marker.\n\n",
            "",
        )),
        Some(text) if text.trim().is_empty() => splice(None, body),
        Some(text) => {
            let begin = line_start(text, BEGIN)?;
            let head = &text[..begin];
            let after = &text[begin..];
            let tail = match line_start(after, END) {
                Some(end) => {
                    let rest = &after[end + END.len()..];
                    rest.strip_prefix('\n').unwrap_or(rest)
                }
                None => "",
            };
            Some(ours(head, tail))
        }
    }
}

/// Where the line that is exactly `marker` starts in `text`.
fn line_start(text: &str, marker: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.trim_end() == marker {
            return Some(at);
        }
        at += line.len();
    }
    None
}

/// Renders relnotes' part of the changelog.
pub fn render(renderer: &Renderer, ctx: &ChangelogCtx) -> Result<String> {
    renderer.render_named("changelog.md", ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_file_gets_a_header_and_the_markers() {
        let text = splice(None, "## [1.0.0] - 2026-01-01\n").unwrap();
        assert!(text.starts_with("# Changelog\n"));
        assert!(text.contains(
            "<!-- relnotes:begin -->\n\n## [1.0.0] - 2026-01-01\n\n<!-- relnotes:end -->\n"
        ));
    }

    #[test]
    fn text_above_and_below_the_markers_is_kept() {
        let old = "# Our log\n\nIntro.\n\n<!-- relnotes:begin -->\nold part\n<!-- relnotes:end -->\n## 0.1.0 (by hand)\n- first\n";
        let new = splice(Some(old), "## [1.0.0]").unwrap();
        assert_eq!(
            new,
            "# Our log\n\nIntro.\n\n<!-- relnotes:begin -->\n\n## [1.0.0]\n\n<!-- relnotes:end -->\n## 0.1.0 (by hand)\n- first\n"
        );
        // Idempotent.
        assert_eq!(splice(Some(&new), "## [1.0.0]").unwrap(), new);
    }

    #[test]
    fn a_hand_written_changelog_without_markers_is_not_replaced() {
        assert_eq!(splice(Some("# Changelog\n\n## 0.1.0\n"), "x"), None);
        assert!(splice(Some("  \n"), "x").is_some());
    }
}
