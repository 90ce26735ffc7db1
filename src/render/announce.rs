//! Announcements ready to send (relnotes never sends them): an RFC 5322
//! e-mail with a plain-text and an HTML part (built with mail-builder),
//! and a Slack incoming-webhook payload in Block Kit. Every byte follows
//! from the inputs: the date is the tag's time, the Message-ID and the MIME
//! boundary are made from the release and the audience.

use mail_builder::headers::content_type::ContentType;
use mail_builder::mime::MimePart;
use mail_builder::MessageBuilder;
use serde_json::json;

use crate::domain::model::{Project, Release};
use crate::domain::text::slug;
use crate::error::{Error, Result};

/// One e-mail: who, what, and both bodies.
pub struct Email<'a> {
    pub from: &'a str,
    pub to: &'a [String],
    pub subject: &'a str,
    /// `version.audience@project`, without angle brackets.
    pub message_id: &'a str,
    /// Seconds since the epoch (the tag's time).
    pub date: i64,
    pub text: &'a str,
    pub html: &'a str,
}

/// The e-mail as the bytes of an `.eml` file (CRLF line ends, as RFC 5322
/// wants).
pub fn email(e: &Email<'_>) -> Result<String> {
    let (name, address) = split_address(e.from);
    let boundary = format!("relnotes-{}", slug(e.message_id).replace('.', "-"));
    let body = MimePart::new(
        ContentType::new("multipart/alternative").attribute("boundary", boundary),
        vec![
            MimePart::new(ContentType::new("text/plain"), e.text.to_string()),
            MimePart::new(ContentType::new("text/html"), e.html.to_string()),
        ],
    );
    let mut m = MessageBuilder::new()
        .from((name.to_string(), address.to_string()))
        .subject(e.subject.to_string())
        .message_id(e.message_id.to_string())
        .date(e.date)
        .body(body);
    if !e.to.is_empty() {
        m = m.to(e.to.to_vec());
    }
    m.write_to_string().map_err(|err| Error::Serialize {
        what: "the announcement e-mail",
        message: err.to_string(),
    })
}

/// `Name <address>` or a bare address.
fn split_address(s: &str) -> (&str, &str) {
    match (s.find('<'), s.rfind('>')) {
        (Some(a), Some(b)) if a < b => (s[..a].trim().trim_matches('"'), s[a + 1..b].trim()),
        _ => ("", s.trim()),
    }
}

/// Text for Slack's `mrkdwn`: `&`, `<` and `>` are its only markup
/// characters to escape.
fn slack_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Who a Slack message is for: customers (all, or one segment), whose
/// message lists what their page shows, or stakeholders (a project that
/// writes for no customers), whose message lists every change.
#[derive(Debug, Clone, Copy)]
pub enum SlackReaders<'a> {
    Customers(Option<&'a str>),
    Stakeholders,
}

/// A Slack incoming-webhook payload: a header, the summary, the changes
/// for this audience, and a link to the page.
pub fn slack(
    project: &Project,
    release: &Release,
    readers: SlackReaders<'_>,
    page_url: Option<&str>,
) -> Result<String> {
    let title = match &release.name {
        Some(n) => format!("{} {} \u{201c}{n}\u{201d}", project.name, release.version),
        None => format!("{} {}", project.name, release.version),
    };
    let mut blocks = vec![json!({
        "type": "header",
        "text": { "type": "plain_text", "text": title, "emoji": false }
    })];
    if let Some(w) = &release.withdrawn {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": format!("*Withdrawn.* {}", slack_text(w.message.trim())) }
        }));
    }
    if let Some(s) = &release.summary {
        blocks.push(json!({
            "type": "section",
            "text": { "type": "mrkdwn", "text": slack_text(s.trim()) }
        }));
    }
    let items: Vec<String> = release
        .changes
        .iter()
        .filter(|c| match readers {
            SlackReaders::Customers(segment) => c.is_for_customers_in(segment),
            SlackReaders::Stakeholders => true,
        })
        .map(|c| {
            let mark = if c.breaking { "*Breaking:* " } else { "" };
            format!(
                "• {mark}{}",
                slack_text(crate::domain::text::first_line(&c.title))
            )
        })
        .collect();
    // Slack limits a section's text to 3,000 characters.
    let mut text = String::new();
    for i in &items {
        if text.len() + i.len() + 1 > 2900 {
            text.push_str("\n…");
            break;
        }
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(i);
    }
    if text.is_empty() {
        text = match readers {
            SlackReaders::Customers(_) => "No customer-facing changes in this release.",
            SlackReaders::Stakeholders => "No changes in this release.",
        }
        .into();
    }
    blocks.push(json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } }));
    if let Some(u) = page_url {
        blocks.push(json!({
            "type": "context",
            "elements": [{ "type": "mrkdwn", "text": format!("<{}|Read the release notes>", u.replace('|', "%7C").replace('>', "%3E")) }]
        }));
    }
    let payload = json!({ "text": title, "blocks": blocks });
    let mut s =
        serde_json::to_string_pretty(&payload).map_err(|e| Error::json("the Slack payload", e))?;
    s.push('\n');
    Ok(s)
}
