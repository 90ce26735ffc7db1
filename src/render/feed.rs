//! Atom feeds of the customer release notes: one for all customers and
//! one per segment, written with atom_syndication. Entries are releases,
//! newest first, with ids and dates that never change between runs (the
//! tag's time, never the clock).

use atom_syndication::{Content, Entry, Feed, FixedDateTime, Generator, Link};

use super::markdown;
use crate::domain::config::Config;
use crate::domain::model::{Project, Release};
use crate::domain::text::slug;
use crate::domain::version::Candidates;
use crate::error::{Error, Result};

/// Where the pages are published (`https://example.com/notes`), so that
/// links and ids are absolute; without it links are relative to the feed's
/// folder and ids are `urn:relnotes:` names.
pub struct FeedSite<'a> {
    pub base_url: Option<&'a str>,
    /// The feed's own path below the output folder (`feeds/customer.xml`).
    pub path: &'a str,
}

/// The feed of customer notes for `segment` (`None`: all customers).
pub fn customer_feed(
    project: &Project,
    config: &Config,
    releases: &[Release],
    segment: Option<&str>,
    site: &FeedSite<'_>,
) -> Result<String> {
    let allow = &config.images.allow_hosts;
    // A release without a page for the segment links to the page for all
    // customers, which then says everything the segment gets.
    let page = |r: &Release| match segment {
        Some(s) if r.segment_pages.iter().any(|p| p == s) => format!("customer/{}", slug(s)),
        _ => "customer/index".to_string(),
    };
    // Links from the feed's folder to the pages.
    let up = "../".repeat(site.path.matches('/').count());
    let url = |rel: &str| match site.base_url {
        Some(b) => format!("{}/{rel}", b.trim_end_matches('/')),
        None => format!("{up}{rel}"),
    };
    let id_of = |what: &str| match site.base_url {
        Some(b) => format!("{}/{what}", b.trim_end_matches('/')),
        None => format!("urn:relnotes:{}:{what}", slug(&project.name)),
    };
    let candidates = Candidates::new(
        releases
            .iter()
            .filter(|r| !r.unreleased)
            .map(|r| r.version.as_str()),
        config.releases.prereleases,
    );
    let mut items = Vec::new();
    for r in releases.iter().filter(|r| !r.unreleased) {
        if candidates.folded(&r.version) {
            continue;
        }
        // The tag's time, else the release date.
        let Some(updated) = r.time.clone().or_else(|| r.date.clone()) else {
            continue;
        };
        let mut html = String::new();
        if let Some(w) = &r.withdrawn {
            html.push_str("<p><strong>Withdrawn.</strong></p>");
            html.push_str(&markdown::to_html(&w.message, allow));
        }
        if let Some(s) = &r.summary {
            html.push_str(&markdown::to_html(s, allow));
        }
        let changes: Vec<String> = r
            .changes
            .iter()
            .filter(|c| c.is_for_customers_in(segment))
            .map(|c| format!("<li>{}</li>", markdown::to_inline_html(&c.title, allow)))
            .collect();
        if changes.is_empty() {
            html.push_str("<p>No customer-facing changes in this release.</p>");
        } else {
            html.push_str(&format!("<ul>{}</ul>", changes.concat()));
        }
        items.push(FeedItem {
            id: id_of(&format!("{}/{}", r.version, page(r))),
            title: match &r.name {
                Some(n) => format!("{} {} \u{201c}{n}\u{201d}", project.name, r.version),
                None => format!("{} {}", project.name, r.version),
            },
            updated,
            link: url(&format!("{}/{}.html", r.version, page(r))),
            link_type: Some("text/html".to_string()),
            html,
        });
    }
    let title = match segment {
        Some(s) => format!(
            "{} release notes for {}",
            project.name,
            config.segment_name(s)
        ),
        None => format!("{} release notes", project.name),
    };
    let self_link = site
        .base_url
        .map(|b| format!("{}/{}", b.trim_end_matches('/'), site.path));
    atom(&title, &id_of(site.path), self_link.as_deref(), items)
}

/// One entry of a feed built from something other than releases.
#[derive(Debug, Clone)]
pub struct FeedItem {
    pub id: String,
    pub title: String,
    /// RFC 3339, or a date (`YYYY-MM-DD`, taken as midnight UTC).
    pub updated: String,
    /// Relative to the feed's folder, or absolute.
    pub link: String,
    /// The linked page's media type, when it is known (`text/html`).
    pub link_type: Option<String>,
    /// Sanitized HTML.
    pub html: String,
}

/// A feed of `items` (newest first after sorting by date, then id).
pub fn atom(
    title: &str,
    id: &str,
    self_link: Option<&str>,
    items: Vec<FeedItem>,
) -> Result<String> {
    let parse = |s: &str| {
        let full = if s.len() == 10 {
            format!("{s}T00:00:00Z")
        } else {
            s.to_string()
        };
        FixedDateTime::parse_from_rfc3339(&full).ok()
    };
    let mut dated: Vec<(FixedDateTime, FeedItem)> = items
        .into_iter()
        .filter_map(|i| parse(&i.updated).map(|d| (d, i)))
        .collect();
    dated.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.id.cmp(&b.1.id)));
    let entries: Vec<Entry> = dated
        .into_iter()
        .map(|(updated, i)| {
            let mut entry = Entry::default();
            entry.set_id(i.id);
            entry.set_title(i.title);
            entry.set_updated(updated);
            let mut link = Link::default();
            link.set_href(i.link);
            link.set_rel("alternate");
            link.set_mime_type(i.link_type);
            entry.set_links(vec![link]);
            let mut content = Content::default();
            content.set_content_type(Some("html".to_string()));
            content.set_value(Some(i.html));
            entry.set_content(Some(content));
            entry
        })
        .collect();
    let mut feed = Feed::default();
    feed.set_title(title);
    feed.set_id(id);
    feed.set_updated(
        entries
            .iter()
            .map(|e| *e.updated())
            .max()
            .unwrap_or_default(),
    );
    let mut generator = Generator::default();
    generator.set_value("relnotes");
    feed.set_generator(Some(generator));
    if let Some(s) = self_link {
        let mut me = Link::default();
        me.set_href(s);
        me.set_rel("self");
        feed.set_links(vec![me]);
    }
    feed.set_entries(entries);
    let mut out = Vec::new();
    feed.write_to(&mut out).map_err(|e| Error::Serialize {
        what: "the Atom feed",
        message: e.to_string(),
    })?;
    let mut text = String::from_utf8(out).map_err(|e| Error::Serialize {
        what: "the Atom feed",
        message: e.to_string(),
    })?;
    text.push('\n');
    Ok(text)
}
