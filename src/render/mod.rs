//! The renderer: turns the release model into pages, per audience and per
//! format. The only module that uses tera. Templates never see the model's
//! structs: they get the page context defined here (documented in the book's
//! template reference), already filtered for the page's audience, so a custom
//! template cannot leak internal text onto a customer page.

pub mod announce;
pub mod changelog;
pub mod feed;
pub mod kb;
pub mod markdown;
pub mod preview;
pub mod release;
pub mod report;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::PathBuf;

use rayon::prelude::*;
use serde::Serialize;

use crate::domain::config::{Config, Format};
use crate::domain::input::TemplateFile;
use crate::domain::model::{Audience, Change, CommitInfo, KnownIssue, Project, Release};
use crate::domain::readiness::{Readiness, Section, Status};
use crate::error::{Error, Result};

/// The built-in templates, embedded in the binary. `relnotes templates
/// eject` writes these out; `.relnotes/templates/<name>` overrides one.
pub const BUILTIN: &[(&str, &str)] = &[
    ("base.html", include_str!("../../templates/base.html")),
    ("style.css", include_str!("../../templates/style.css")),
    (
        "customer.html",
        include_str!("../../templates/customer.html"),
    ),
    ("customer.md", include_str!("../../templates/customer.md")),
    ("support.html", include_str!("../../templates/support.html")),
    ("support.md", include_str!("../../templates/support.md")),
    (
        "stakeholders.html",
        include_str!("../../templates/stakeholders.html"),
    ),
    (
        "stakeholders.md",
        include_str!("../../templates/stakeholders.md"),
    ),
    (
        "readiness.html",
        include_str!("../../templates/readiness.html"),
    ),
    ("readiness.md", include_str!("../../templates/readiness.md")),
    ("changelog.md", include_str!("../../templates/changelog.md")),
    ("checklist.md", include_str!("../../templates/checklist.md")),
    (
        "checklist_body.md",
        include_str!("../../templates/checklist_body.md"),
    ),
    (
        "checklist_body.html",
        include_str!("../../templates/checklist_body.html"),
    ),
    ("product.md", include_str!("../../templates/product.md")),
    ("product.html", include_str!("../../templates/product.html")),
    (
        "checklist.html",
        include_str!("../../templates/checklist.html"),
    ),
];

/// The pages of one release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Page {
    Customer,
    Support,
    Stakeholders,
    Readiness,
}

impl Page {
    pub fn template(self, format: Format) -> String {
        let base = match self {
            Page::Customer => "customer",
            Page::Support => "support",
            Page::Stakeholders => "stakeholders",
            Page::Readiness => "readiness",
        };
        format!("{base}.{}", format.ext())
    }

    /// The audience the page is for (`None`: the readiness page, the
    /// release's gate, which every release has).
    pub fn audience(self) -> Option<Audience> {
        match self {
            Page::Customer => Some(Audience::Customer),
            Page::Support => Some(Audience::Support),
            Page::Stakeholders => Some(Audience::Internal),
            Page::Readiness => None,
        }
    }
}

/// One page to produce: where it goes and what it shows.
#[derive(Debug, Clone)]
pub struct PageSpec {
    pub page: Page,
    /// For customer pages: the segment (`None`: the page for everyone).
    pub segment: Option<String>,
    /// Path below the release directory, without extension.
    pub path: String,
    /// An extra output from `outputs:` in the configuration: the user's
    /// template (`press.md`), rendered in its own format only.
    pub custom: Option<(String, Format)>,
}

impl PageSpec {
    /// The customer page for everyone (`segment` `None`) or for a segment.
    pub fn customer(segment: Option<&str>) -> PageSpec {
        PageSpec {
            page: Page::Customer,
            segment: segment.map(str::to_string),
            path: format!("customer/{}", segment.unwrap_or("index")),
            custom: None,
        }
    }

    /// The template for `format`, or `None` when this page has no output
    /// in that format (an extra output exists in one format).
    pub fn template(&self, format: Format) -> Option<String> {
        match &self.custom {
            Some((name, f)) => (*f == format).then(|| name.clone()),
            None => Some(self.page.template(format)),
        }
    }
}

/// The pages of a release, in a fixed order: the page for all customers,
/// one per segment of `release.segment_pages`, the support, stakeholder and
/// readiness pages, then the extra outputs of the configuration.
pub fn pages(config: &Config, release: &Release) -> Vec<PageSpec> {
    pages_for(config, &release.segment_pages)
}

/// The pages of a release whose segment pages are `segments`.
/// Pages for an audience the project (or package) does not write for are
/// left out; the readiness page is always there.
pub fn pages_for(config: &Config, segments: &[String]) -> Vec<PageSpec> {
    let mut out = Vec::new();
    let customers = config.writes_for(Audience::Customer);
    if customers {
        out.push(PageSpec::customer(None));
        out.extend(segments.iter().map(|id| PageSpec::customer(Some(id))));
    }
    for (page, path) in [
        (Page::Support, "support"),
        (Page::Stakeholders, "stakeholders"),
        (Page::Readiness, "readiness"),
    ] {
        if page.audience().is_none_or(|a| config.writes_for(a)) {
            out.push(PageSpec {
                page,
                segment: None,
                path: path.into(),
                custom: None,
            });
        }
    }
    for o in &config.outputs {
        let format = if o.template.ends_with(".html") {
            Format::Html
        } else {
            Format::Md
        };
        let page = match o.audience {
            crate::domain::config::OutputAudience::Customer => Page::Customer,
            crate::domain::config::OutputAudience::Support => Page::Support,
            crate::domain::config::OutputAudience::Stakeholders => Page::Stakeholders,
        };
        if page.audience().is_some_and(|a| !config.writes_for(a)) {
            continue;
        }
        out.push(PageSpec {
            page,
            segment: o.segment.clone(),
            path: o.path.clone(),
            custom: Some((o.template.clone(), format)),
        });
    }
    out
}

/// Starting size of a page's output buffer.
const PAGE_CAPACITY: usize = 64 * 1024;

/// The template engine with the built-ins and the user's overrides.
pub struct Renderer {
    tera: tera::Tera,
    /// Template name -> file it came from, for error messages.
    origins: BTreeMap<String, PathBuf>,
    /// A hash of every template's name and text (see [`Renderer::identity`]).
    identity: u64,
}

impl Renderer {
    /// Loads the built-in templates, then the user's (from
    /// `.relnotes/templates/`), which win by name.
    pub fn new(overrides: &[TemplateFile]) -> Result<Renderer> {
        let mut sources: BTreeMap<String, String> = BUILTIN
            .iter()
            .map(|(n, s)| (n.to_string(), s.to_string()))
            .collect();
        let mut origins = BTreeMap::new();
        apply_overrides(overrides, &mut sources, &mut origins);
        let identity = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            sources.hash(&mut h);
            h.finish()
        };
        let mut tera = new_tera();
        let r = Renderer {
            tera: tera::Tera::default(),
            origins,
            identity,
        };
        tera.add_raw_templates(sources.iter().map(|(n, s)| (n.as_str(), s.as_str())))
            .map_err(|e| r.error(e))?;
        Ok(Renderer { tera, ..r })
    }

    /// What the pages depend on besides their context: the templates in
    /// use (built-in and the user's), hashed.
    pub fn identity(&self) -> u64 {
        self.identity
    }

    /// Renders one page of one release.
    pub fn render(
        &self,
        project: &Project,
        config: &Config,
        release: &Release,
        cache: &ReleaseCache,
        spec: &PageSpec,
        format: Format,
    ) -> Result<String> {
        let ctx = tera_context(project, config, release, cache, spec, format)
            .map_err(|e| self.error(e))?;
        // Pages run to tens of kilobytes: start big enough that the output
        // is not copied over and over as it grows.
        let mut out = Vec::with_capacity(PAGE_CAPACITY);
        self.tera
            .render_to(
                &spec
                    .template(format)
                    .unwrap_or_else(|| spec.page.template(format)),
                &ctx,
                &mut out,
            )
            .map_err(|e| self.error(e))?;
        String::from_utf8(out).map_err(|e| {
            self.error(tera::Error::message(format!(
                "the page is not valid UTF-8: {e}"
            )))
        })
    }

    /// Renders a page from its documented context (what `render` does, by a
    /// slower road: for tests and tools that build a context themselves).
    pub fn render_context(&self, page: Page, format: Format, ctx: &PageCtx) -> Result<String> {
        let ctx = tera::Context::from_serialize(ctx).map_err(|e| self.error(e))?;
        self.tera
            .render(&page.template(format), &ctx)
            .map_err(|e| self.error(e))
    }

    /// Checks that every extra output's template was loaded (the user's
    /// `.relnotes/templates/<name>`).
    pub fn check_outputs(&self, config: &Config) -> Result<()> {
        for o in &config.outputs {
            if !self.origins.contains_key(&o.template) {
                return Err(Error::invalid(
                    ".relnotes/config.yaml",
                    format!(
                        "outputs: the template `{}` is not in .relnotes/templates/",
                        o.template
                    ),
                    format!(
                        "write .relnotes/templates/{} (`relnotes templates eject` writes the built-in pages to start from)",
                        o.template
                    ),
                ));
            }
        }
        Ok(())
    }

    /// The customer page of a monorepo's product release: each package's
    /// customer notes, and whether every package release is ready.
    pub fn render_product(
        &self,
        product: &crate::domain::package::Product,
        format: Format,
    ) -> Result<String> {
        #[derive(Serialize)]
        struct ProductInfo {
            version: String,
            ready: bool,
            not_ready: Vec<String>,
            summary: Option<Text>,
        }
        #[derive(Serialize)]
        struct PartCtx {
            id: String,
            name: String,
            version: String,
            ready: bool,
            customer: PageCtx,
        }
        #[derive(Serialize)]
        struct Ctx {
            page: Title,
            product: ProductInfo,
            packages: Vec<PartCtx>,
        }
        // Customers read about the packages written for them; the others
        // are in the product (and its readiness) but not on this page.
        let packages = product
            .parts
            .iter()
            .filter(|p| p.config.writes_for(Audience::Customer))
            .map(|p| {
                let cache = ReleaseCache::new(&p.config, &p.release, format);
                let spec = &PageSpec::customer(None);
                PartCtx {
                    id: p.package.clone(),
                    name: p.project.name.clone(),
                    version: p.release.version.clone(),
                    ready: p.release.readiness.ready,
                    customer: page_context(&p.project, &p.config, &p.release, &cache, spec, format),
                }
            })
            .collect();
        let ctx = Ctx {
            page: Title {
                title: format!("{} {}: release notes", product.project, product.version),
            },
            product: ProductInfo {
                version: product.version.clone(),
                ready: product.ready(),
                not_ready: product
                    .parts
                    .iter()
                    .filter(|p| !p.release.readiness.ready)
                    .map(|p| format!("{} {}", p.project.name, p.release.version))
                    .collect(),
                summary: product
                    .meta
                    .summary
                    .as_deref()
                    .map(|s| Text::block(s, format, &[])),
            },
            packages,
        };
        self.render_named(&format!("product.{}", format.ext()), &ctx)
    }

    /// The Release Readiness Checklist document in `format`.
    pub fn render_checklist(
        &self,
        project: &str,
        doc: &crate::domain::readiness::Document,
        format: Format,
    ) -> Result<String> {
        #[derive(Serialize)]
        struct Ctx<'a> {
            page: Title,
            doc: &'a crate::domain::readiness::Document,
        }
        let title = match doc.release_type {
            Some(t) => format!("{project}: Release Readiness Checklist ({t} release)"),
            None => format!("{project}: Release Readiness Checklist"),
        };
        let ctx = Ctx {
            page: Title { title },
            doc,
        };
        self.render_named(&format!("checklist.{}", format.ext()), &ctx)
    }

    /// Renders the template `name` with any context (`changelog.md`).
    pub fn render_named<C: Serialize>(&self, name: &str, ctx: &C) -> Result<String> {
        let ctx = tera::Context::from_serialize(ctx).map_err(|e| self.error(e))?;
        self.tera.render(name, &ctx).map_err(|e| self.error(e))
    }

    fn error(&self, e: tera::Error) -> Error {
        template_error(
            e,
            &self.origins,
            "",
            "(or delete it to use the built-in template; `relnotes templates eject` writes the built-ins out)",
        )
    }
}

/// Puts the user's template files over `sources`, by name, and records
/// where each came from for error messages.
pub(crate) fn apply_overrides(
    files: &[TemplateFile],
    sources: &mut BTreeMap<String, String>,
    origins: &mut BTreeMap<String, PathBuf>,
) {
    for f in files {
        origins.insert(f.name.clone(), f.path.clone());
        sources.insert(f.name.clone(), f.text.clone());
    }
}

/// The title of a document that is not a release page (`page.title`).
#[derive(Serialize)]
struct Title {
    title: String,
}

/// A template engine with relnotes' own filters.
pub(crate) fn new_tera() -> tera::Tera {
    let mut tera = tera::Tera::default();
    tera.set_escape_fn(escape_html);
    // `cell`: text safe inside a Markdown table cell.
    tera.register_filter("cell", |s: &str, _: tera::Kwargs, _: &tera::State| {
        s.replace('|', "\\|").replace(['\n', '\r'], " ")
    });
    // `links`: plain text as HTML, escaped, its web addresses as links (for
    // readiness reasons that carry evidence such as a CI run's address).
    tera.register_filter("links", |s: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&linkify(s))
    });
    // `code`: plain text as HTML, escaped, `quoted` parts as <code>.
    tera.register_filter("code", |s: &str, _: tera::Kwargs, _: &tera::State| {
        tera::Value::safe_string(&code_spans(s))
    });
    // `human`: a date or an RFC 3339 time written for people.
    tera.register_filter("human", |s: &str, _: tera::Kwargs, _: &tera::State| {
        human_time(s)
    });
    // `sentence`: the first letter upper case, the rest as written (Tera's
    // `capitalize` lowers the rest, times and ids included).
    tera.register_filter("sentence", |s: &str, _: tera::Kwargs, _: &tera::State| {
        let mut c = s.chars();
        match c.next() {
            Some(f) => f.to_uppercase().collect::<String>() + c.as_str(),
            None => String::new(),
        }
    });
    tera
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `2026-04-22` as `22 April 2026`, and an RFC 3339 time as `22 April
/// 2026, 09:40 UTC` (in the offset it was written with). Anything else
/// comes back as it is.
pub fn human_time(s: &str) -> String {
    let day = |d: jiff::civil::Date| {
        let month = MONTHS[usize::from(d.month().unsigned_abs()).saturating_sub(1) % 12];
        format!("{} {month} {}", d.day(), d.year())
    };
    let s = s.trim();
    if s.len() == 10 {
        if let Ok(d) = s.parse::<jiff::civil::Date>() {
            return day(d);
        }
    }
    if s.len() > 10
        && s.as_bytes()
            .get(10)
            .is_some_and(|b| matches!(b, b'T' | b't' | b' '))
    {
        let (civil, zone) = if s.ends_with(['Z', 'z']) {
            let Ok(t) = s.parse::<jiff::Timestamp>() else {
                return s.to_string();
            };
            (jiff::tz::Offset::UTC.to_datetime(t), "UTC".to_string())
        } else {
            let Ok(t) = s.parse::<jiff::civil::DateTime>() else {
                return s.to_string();
            };
            let offset = s.get(s.len().saturating_sub(6)..).unwrap_or("");
            (t, format!("UTC{offset}"))
        };
        return format!(
            "{}, {:02}:{:02} {zone}",
            day(civil.date()),
            civil.hour(),
            civil.minute()
        );
    }
    s.to_string()
}

/// Escapes text for HTML element content and attribute values (quoted
/// either way): `&`, `<`, `>`, `"` and `'`, exactly as Tera's own escaper
/// does, but writing the runs of plain text between them at once instead of
/// byte by byte. Autoescaping is most of what HTML templates spend.
pub(crate) fn escape_html(input: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = input.as_bytes();
    let mut plain = 0;
    for (i, b) in bytes.iter().enumerate() {
        let entity: &[u8] = match b {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[plain..i])?;
        out.write_all(entity)?;
        plain = i + 1;
    }
    out.write_all(&bytes[plain..])
}

/// `text` escaped for HTML, with every `http://` and `https://` address
/// made a link (only addresses [`markdown::safe_url`] accepts).
pub fn linkify(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 32);
    let mut rest = text;
    while let Some(at) = rest
        .find("http://")
        .into_iter()
        .chain(rest.find("https://"))
        .min()
    {
        out.push_str(&escape_html_string(&rest[..at]));
        let tail = &rest[at..];
        let end = tail
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '<' | '>' | ')' | ',' | ';'))
            .unwrap_or(tail.len());
        let url = tail[..end].trim_end_matches(['.', ':']);
        match markdown::safe_url(url) {
            Some(u) => out.push_str(&format!(
                "<a href=\"{}\">{}</a>",
                escape_html_string(&u),
                escape_html_string(url)
            )),
            None => out.push_str(&escape_html_string(url)),
        }
        rest = &tail[url.len()..];
    }
    out.push_str(&escape_html_string(rest));
    out
}

/// `text` escaped for HTML, each pair of backticks a `<code>` element.
pub fn code_spans(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An unpaired backtick: no code spans.
        return escape_html_string(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            if i % 2 == 1 {
                format!("<code>{}</code>", escape_html_string(p))
            } else {
                linkify(p)
            }
        })
        .collect()
}

/// [`escape_html`] into a new string.
pub fn escape_html_string(input: &str) -> String {
    let mut out = Vec::with_capacity(input.len() + 16);
    // Writing into a Vec cannot fail.
    let _ = escape_html(input, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A template error as the user needs it: the file it came from (theirs,
/// or the built-in name behind `builtin_prefix`), line and column, every
/// cause, and what to do. `override_help` follows "fix <file> ".
pub(crate) fn template_error(
    e: tera::Error,
    origins: &BTreeMap<String, PathBuf>,
    builtin_prefix: &str,
    override_help: &str,
) -> Error {
    let (template, line, column, mut message) = match e.kind() {
        tera::ErrorKind::SyntaxError(r) | tera::ErrorKind::RenderingError(r) => (
            r.filename().to_string(),
            r.span().start_line,
            r.span().start_col + 1,
            r.message().to_string(),
        ),
        other => {
            // Checks made when templates are loaded (unknown filters,
            // tests, functions, includes) come as one report text: its
            // first ` --> name:line:col` says where.
            let text = other.to_string();
            let place = text.lines().find_map(|l| {
                let rest = l.trim_start().strip_prefix("--> ")?;
                let mut parts = rest.rsplitn(3, ':');
                let column = parts.next()?.trim().parse::<usize>().ok()?;
                let line = parts.next()?.trim().parse::<usize>().ok()?;
                Some((parts.next()?.to_string(), line, column))
            });
            let what: Vec<&str> = text
                .lines()
                .filter_map(|l| l.strip_prefix("error: "))
                .collect();
            match place {
                Some((name, line, column)) if !what.is_empty() => {
                    (name, line, column, what.join("; "))
                }
                _ => (String::from("(templates)"), 1, 1, text),
            }
        }
    };
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    let (template, help) = match origins.get(&template) {
        Some(path) => (
            path.display().to_string(),
            format!("fix {} {override_help}", path.display()),
        ),
        None => (
            format!("{builtin_prefix}{template}"),
            "this is a built-in template; please report this as a bug".to_string(),
        ),
    };
    Error::Template {
        template,
        line,
        column,
        message,
        help,
    }
}

// ------------------------------------------------------------- page context

/// Text in two forms: Markdown as written, and sanitized HTML.
#[derive(Debug, Clone, Serialize, Default)]
pub struct Text {
    pub md: String,
    pub html: String,
}

impl Text {
    /// A block of Markdown from an input. Images from other sites whose
    /// host is not in `allow` become links, in both forms.
    pub(crate) fn block(md: &str, format: Format, allow: &[String]) -> Text {
        Text {
            html: if format == Format::Html {
                markdown::to_html(md, allow)
            } else {
                String::new()
            },
            md: markdown::remote_images(md.trim(), allow).into_owned(),
        }
    }
    fn inline(md: &str, format: Format, allow: &[String]) -> Text {
        Text {
            html: if format == Format::Html {
                markdown::to_inline_html(md, allow)
            } else {
                String::new()
            },
            md: markdown::remote_images(md.trim(), allow).into_owned(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Link {
    pub label: String,
    pub url: Option<String>,
}

/// One change as a template sees it.
#[derive(Debug, Clone, Serialize)]
pub struct ItemCtx {
    pub id: String,
    pub origin: String,
    pub kind: String,
    /// The kind as readers name it: `New`, `Changed`, `Fixed`...
    pub kind_title: String,
    pub breaking: bool,
    pub highlight: bool,
    pub title: Text,
    pub text: Text,
    /// Whether `text` says more than `title`.
    pub has_details: bool,
    pub segments: Vec<String>,
    pub component: Option<String>,
    pub upgrade: Option<Text>,
    /// Support pages and stakeholders only.
    pub support: Option<Text>,
    /// Stakeholders only.
    pub internal: Option<Text>,
    pub prs: Vec<Link>,
    pub issues: Vec<Link>,
    pub commits: Vec<Link>,
    pub authors: Vec<String>,
    /// The authors as one line, `Ann, Bo`.
    pub by: String,
    pub deploy: Vec<DeployCtx>,
    /// Set when the change is held out of customer pages until a date.
    pub held_until: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DeployCtx {
    pub item: String,
    pub owner: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionCtx {
    pub kind: String,
    pub title: String,
    pub items: Vec<ItemCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct IssueCtx {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub status: String,
    /// The version range as written (`>=1.1.0, <1.2.0`).
    pub affects: String,
    /// The same for readers: `1.1.0 up to (not including) 1.2.0`.
    pub affects_text: String,
    pub fixed_in: Option<String>,
    pub segments: Vec<String>,
    pub workaround: Option<Text>,
    pub no_workaround: bool,
    pub text: Text,
}

/// A commit as templates see it. Its text borrows from the commit while
/// it is converted to a template value (no copy of each text first);
/// [`CommitCtx::into_owned`] makes one that stands alone.
#[derive(Debug, Clone, Serialize)]
pub struct CommitCtx<'a> {
    pub short: Cow<'a, str>,
    pub url: Option<String>,
    pub kind: Cow<'a, str>,
    pub scope: Option<Cow<'a, str>>,
    /// The subject as written.
    pub subject: Cow<'a, str>,
    /// The subject without its type prefix and pull request suffix.
    pub text: Cow<'a, str>,
    pub breaking: bool,
    pub prs: Vec<Link>,
    pub authors: Vec<Cow<'a, str>>,
    /// The authors as one line, `Ann, Bo`: what pages print (Tera's `join`
    /// on every commit of a long release took 4% of a `build --all`).
    pub by: String,
}

impl CommitCtx<'_> {
    pub fn into_owned(self) -> CommitCtx<'static> {
        let own = |s: Cow<'_, str>| Cow::Owned(s.into_owned());
        CommitCtx {
            short: own(self.short),
            url: self.url,
            kind: own(self.kind),
            scope: self.scope.map(own),
            subject: own(self.subject),
            text: own(self.text),
            breaking: self.breaking,
            prs: self.prs,
            authors: self.authors.into_iter().map(own).collect(),
            by: self.by,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ReleaseCtx {
    pub version: String,
    pub tag: Option<String>,
    pub name: Option<String>,
    /// `OctoAcme 1.1.0 "Aurora"`.
    pub title: String,
    pub date: Option<String>,
    pub unreleased: bool,
    /// `major`, `minor`, `patch`, `prerelease` or `initial`.
    #[serde(rename = "type")]
    pub kind: String,
    pub previous_version: Option<String>,
    /// A release candidate or other pre-release (`2.0.0-rc.1`).
    pub prerelease: bool,
    pub summary: Option<Text>,
    pub last_known_good: Option<String>,
    /// Set when the release was rolled back out of production: every page
    /// says so, customers in the incident's own words.
    pub withdrawn: Option<WithdrawnCtx>,
    /// Declared `type: hotfix`.
    pub hotfix: bool,
    /// What a hotfix fixes: incidents and known issues, by id and title.
    pub fixes: Vec<crate::domain::model::Fix>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WithdrawnCtx {
    /// The release customers are on instead.
    pub current: Option<String>,
    pub message: Text,
    /// The incident id (support and stakeholder pages only).
    pub incident: Option<String>,
}

/// A production incident of the release (support, stakeholder and
/// readiness pages).
#[derive(Debug, Clone, Serialize)]
pub struct IncidentCtx {
    pub id: String,
    pub title: String,
    pub severity: String,
    pub started: Option<String>,
    pub resolved: Option<String>,
    pub on_call: Option<String>,
    pub notified_at: Option<String>,
    /// `rolled back to 1.2.0 at ...`, `fixed forward by 2.0.1`, or that
    /// nothing is decided yet.
    pub decision: String,
    pub root_cause: Option<Text>,
    pub action_items: Vec<ActionItemCtx>,
    pub open_action_items: usize,
    pub timeline: Text,
    pub path: String,
    /// What customers were told (Markdown), when the incident says.
    pub customer_message: Option<Text>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ActionItemCtx {
    pub title: String,
    pub owner: Option<String>,
    pub due: Option<String>,
    pub status: String,
    pub open: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReadinessItemCtx {
    pub id: String,
    pub section: String,
    pub title: String,
    pub status: String,
    pub status_label: String,
    pub blocking: bool,
    pub reason: String,
    pub hint: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleCtx {
    pub name: String,
    /// `ready`, `blocked` or `pending`.
    pub status: String,
    pub items: Vec<ReadinessItemCtx>,
    /// The titles of the role's items that block the release.
    pub blocking: Vec<String>,
    /// The titles of the role's items still pending (or warnings) that do
    /// not block it.
    pub pending: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReadinessCtx {
    /// The release type whose checklist applies (`minor`).
    pub release_type: Option<String>,
    pub ready: bool,
    pub stage: String,
    pub met: usize,
    pub not_met: usize,
    pub pending: usize,
    pub not_applicable: usize,
    pub warning: usize,
    pub roles: Vec<RoleCtx>,
    /// The deployment checklist items (including those from change files).
    pub deployment: Vec<ReadinessItemCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SupportCtx {
    pub escalation: Option<String>,
    pub on_call: Option<String>,
    pub hypercare_hours: Option<u32>,
    pub hypercare_start: Option<String>,
    pub hypercare_end: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpsCtx {
    pub rollback_plan: Option<Text>,
    pub last_known_good: Option<String>,
    pub pipeline: Option<String>,
    pub window: Option<String>,
    pub dashboards: Vec<Link>,
    pub alerts_configured: bool,
    pub channels: Vec<String>,
    pub on_call: Option<String>,
    /// The customer communication: who gets notes, how, and whether it
    /// went out.
    pub communication: CommunicationCtx,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommunicationCtx {
    /// Whether customers hear of this release at all.
    pub customer_facing: bool,
    /// The customer pages written: `All customers`, then each segment's.
    pub pages: Vec<String>,
    pub channels: Vec<String>,
    /// When it is planned to go out (RFC 3339).
    pub send_at: Option<String>,
    /// `yes`, `no`, `pending` or `not_applicable`.
    pub sent: String,
}

/// Everything a page template sees. Documented in the book ("Templates").
#[derive(Debug, Clone, Serialize)]
pub struct PageCtx {
    pub project: ProjectCtx,
    pub page: PageInfo,
    pub release: ReleaseCtx,
    pub highlights: Vec<ItemCtx>,
    pub sections: Vec<SectionCtx>,
    pub migration: Vec<ItemCtx>,
    pub known_issues: Vec<IssueCtx>,
    pub fixed_issues: Vec<IssueCtx>,
    /// Stakeholders page only.
    pub commits: Vec<CommitCtx<'static>>,
    /// Stakeholders and readiness pages only.
    pub readiness: Option<ReadinessCtx>,
    /// Support page only.
    pub support: Option<SupportCtx>,
    /// Stakeholders page only.
    pub ops: Option<OpsCtx>,
    /// Support, stakeholder and readiness pages.
    pub incidents: Vec<IncidentCtx>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProjectCtx {
    pub name: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PageInfo {
    pub kind: Page,
    /// `customer`, `support` or `internal`.
    pub audience: String,
    pub segment: Option<SegmentCtx>,
    pub title: String,
    pub format: String,
    /// Other customer pages of this release (for customer pages), as paths
    /// relative to this page.
    pub segment_pages: Vec<Link>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SegmentCtx {
    pub id: String,
    pub name: String,
}

/// Work shared by all pages of a release in one format: each change's
/// Markdown is turned into HTML once, not once per page.
pub struct ReleaseCache {
    items: Vec<ItemCtx>,
    known: Vec<IssueCtx>,
    fixed: Vec<IssueCtx>,
    /// The same, as template values, per audience variant: converting once
    /// per release instead of once per page is most of the rendering time
    /// saved on long histories. Indexed by [`audience_slot`].
    item_values: [Vec<tera::Value>; 3],
    /// Known and fixed issues: [customer variant, full].
    known_values: [Vec<tera::Value>; 2],
    fixed_values: [Vec<tera::Value>; 2],
    commits_value: tera::Value,
    readiness_value: tera::Value,
}

fn audience_slot(a: Audience) -> usize {
    match a {
        Audience::Customer => 0,
        Audience::Support => 1,
        Audience::Internal => 2,
    }
}

impl ReleaseCache {
    pub fn new(config: &Config, release: &Release, format: Format) -> ReleaseCache {
        ReleaseCache::build(config, release, format, false)
    }

    /// [`ReleaseCache::new`] with every change, issue and commit converted
    /// in parallel: what a build of one release wants, where that release
    /// is all the work there is. (When many releases are built at once,
    /// each stays on one thread: its values then stay in one core's cache.)
    pub fn new_parallel(config: &Config, release: &Release, format: Format) -> ReleaseCache {
        ReleaseCache::build(config, release, format, true)
    }

    fn build(config: &Config, release: &Release, format: Format, parallel: bool) -> ReleaseCache {
        let work = Work(parallel);
        let ((changes, (known, fixed)), (commits_value, readiness_value)) = work.join(
            || {
                work.join(
                    || work.map(&release.changes, |c| change_values(config, c, format)),
                    || {
                        work.join(
                            || issue_values(work, config, &release.known_issues, format),
                            || issue_values(work, config, &release.fixed_issues, format),
                        )
                    },
                )
            },
            || {
                work.join(
                    || {
                        tera::Value::from(work.map(&release.commits, |c| {
                            tera::Value::from_serializable(&commit_ctx(config, c))
                        }))
                    },
                    || tera::Value::from_serializable(&readiness_ctx(&release.readiness)),
                )
            },
        );
        let mut items = Vec::with_capacity(changes.len());
        let mut item_values: [Vec<tera::Value>; 3] =
            std::array::from_fn(|_| Vec::with_capacity(changes.len()));
        for (item, values) in changes {
            items.push(item);
            for (slot, v) in item_values.iter_mut().zip(values) {
                slot.push(v);
            }
        }
        let (known, known_values) = known;
        let (fixed, fixed_values) = fixed;
        ReleaseCache {
            item_values,
            known_values,
            fixed_values,
            commits_value,
            readiness_value,
            items,
            known,
            fixed,
        }
    }
}

/// Work on a list, on every core or on this thread only.
#[derive(Clone, Copy)]
pub(crate) struct Work(pub bool);

impl Work {
    pub(crate) fn map<T: Sync, R: Send>(
        self,
        list: &[T],
        f: impl Fn(&T) -> R + Sync + Send,
    ) -> Vec<R> {
        if self.0 {
            list.par_iter().map(f).collect()
        } else {
            list.iter().map(f).collect()
        }
    }

    pub(crate) fn join<A: Send, B: Send>(
        self,
        a: impl FnOnce() -> A + Send,
        b: impl FnOnce() -> B + Send,
    ) -> (A, B) {
        if self.0 {
            rayon::join(a, b)
        } else {
            (a(), b())
        }
    }
}

/// A change's typed context and its template values for customers,
/// support and stakeholders (indexed by [`audience_slot`]). The change is
/// converted once, in full (what stakeholders see); the support and
/// customer forms are that value with the hidden fields emptied, as
/// `item_for` does, and only when some page of that audience shows the
/// change (else none).
fn change_values(config: &Config, c: &Change, format: Format) -> (ItemCtx, [tera::Value; 3]) {
    let i = item(config, c, format);
    let full = tera::Value::from_serializable(&i);
    let variant = |a: Audience| {
        let shown = match a {
            Audience::Customer => c.is_for(Audience::Customer) && !c.held,
            Audience::Support => c.is_for(Audience::Support),
            Audience::Internal => true,
        };
        if !shown {
            tera::Value::none()
        } else if a == Audience::Support && i.internal.is_none() && i.deploy.is_empty() {
            full.clone()
        } else {
            hide_fields(&full, a)
        }
    };
    let values = [
        variant(Audience::Customer),
        variant(Audience::Support),
        full.clone(),
    ];
    (i, values)
}

/// Issues' typed contexts and their template values: [customer form, full].
fn issue_values(
    work: Work,
    config: &Config,
    list: &[KnownIssue],
    format: Format,
) -> (Vec<IssueCtx>, [Vec<tera::Value>; 2]) {
    let ctx: Vec<IssueCtx> = work.map(list, |k| issue(config, k, format));
    let values = [
        work.map(&ctx, |i| {
            tera::Value::from_serializable(&issue_for(i, Audience::Customer))
        }),
        work.map(&ctx, tera::Value::from_serializable),
    ];
    (ctx, values)
}

/// The one audience filter: the fields of a change an audience may not
/// see, and how they are emptied. Customers get neither support nor
/// internal notes, deploy items, authors, commits nor the hold date;
/// support gets no internal notes or deploy items; stakeholders see all.
fn hidden_fields(audience: Audience) -> &'static [(&'static str, Empty)] {
    match audience {
        Audience::Internal => &[],
        Audience::Support => &[("internal", Empty::None), ("deploy", Empty::List)],
        Audience::Customer => &[
            ("internal", Empty::None),
            ("deploy", Empty::List),
            ("support", Empty::None),
            ("authors", Empty::List),
            ("by", Empty::Text),
            ("commits", Empty::List),
            ("held_until", Empty::None),
        ],
    }
}

/// How a hidden field is emptied.
#[derive(Clone, Copy)]
enum Empty {
    None,
    List,
    Text,
}

/// [`hidden_fields`] applied to a change converted to a template value:
/// a new map of the same fields in the same order, the hidden ones
/// emptied. (Serialized rather than built: Tera takes the values of the
/// full map over as they are, where building a map from another one
/// inserts every field twice.)
fn hide_fields(full: &tera::Value, audience: Audience) -> tera::Value {
    use tera::value::Key;
    /// A converted struct (every field name static), fields hidden.
    struct Hidden<'a>(&'a tera::value::Map, &'static [(&'static str, Empty)]);
    impl Serialize for Hidden<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::SerializeStruct;
            let mut out = s.serialize_struct("Item", self.0.len())?;
            for (key, value) in self.0 {
                let Key::Str(name) = *key else { continue };
                match self.1.iter().find(|(field, _)| *field == name) {
                    Some((_, Empty::None)) => out.serialize_field(name, &())?,
                    Some((_, Empty::List)) => out.serialize_field(name, &[(); 0])?,
                    Some((_, Empty::Text)) => out.serialize_field(name, "")?,
                    None => out.serialize_field(name, value)?,
                }
            }
            out.end()
        }
    }
    let Some(map) = full.as_map() else {
        return full.clone();
    };
    // A converted struct's field names are static, and it has every
    // hidden field (always so for `ItemCtx`): each is emptied where it is.
    if map.keys().all(|k| matches!(k, Key::Str(_))) {
        return tera::Value::from_serializable(&Hidden(map, hidden_fields(audience)));
    }
    let mut map = map.clone();
    for (field, empty) in hidden_fields(audience) {
        let value = match empty {
            Empty::None => tera::Value::none(),
            Empty::List => tera::Value::from(Vec::<tera::Value>::new()),
            Empty::Text => tera::Value::from(""),
        };
        map.insert((*field).into(), value);
    }
    tera::Value::from(map)
}

/// [`hidden_fields`] applied to a change's typed context (the documented
/// context of `page_context`). A test holds it equal to [`hide_fields`].
fn item_for(i: &ItemCtx, audience: Audience) -> ItemCtx {
    let mut i = i.clone();
    for (field, _) in hidden_fields(audience) {
        match *field {
            "internal" => i.internal = None,
            "deploy" => i.deploy.clear(),
            "support" => i.support = None,
            "authors" => i.authors.clear(),
            "by" => i.by.clear(),
            "commits" => i.commits.clear(),
            "held_until" => i.held_until = None,
            other => unreachable!("hidden_fields names no field `{other}`"),
        }
    }
    i
}

fn issue_for(i: &IssueCtx, audience: Audience) -> IssueCtx {
    let mut i = i.clone();
    if audience == Audience::Customer {
        i.segments.clear();
    }
    i
}

/// Which items of a release a page shows, and in which places.
struct Layout {
    audience: Audience,
    highlights: Vec<usize>,
    /// (kind, item indices), in display order.
    sections: Vec<(String, Vec<usize>)>,
    migration: Vec<usize>,
    known: Vec<usize>,
    fixed: Vec<usize>,
}

fn page_audience(page: Page) -> Audience {
    match page {
        Page::Customer => Audience::Customer,
        Page::Support => Audience::Support,
        Page::Stakeholders | Page::Readiness => Audience::Internal,
    }
}

fn layout(release: &Release, cache: &ReleaseCache, spec: &PageSpec) -> Layout {
    let segment = spec.segment.as_deref();
    let shown: Vec<usize> = release
        .changes
        .iter()
        .enumerate()
        .filter(|(_, c)| match spec.page {
            Page::Customer => c.is_for_customers_in(segment),
            Page::Support => c.is_for(Audience::Support),
            Page::Stakeholders => true,
            Page::Readiness => false,
        })
        .map(|(n, _)| n)
        .collect();
    let items = &cache.items;
    let migration = shown
        .iter()
        .copied()
        .filter(|&n| items[n].breaking && items[n].upgrade.is_some())
        .collect();
    // A segment page may have highlights of its own.
    let own = match (spec.page, segment) {
        (Page::Customer, Some(s)) => release
            .metadata
            .segments
            .get(s)
            .map(|notes| &notes.highlights)
            .filter(|h| !h.is_empty()),
        _ => None,
    };
    let highlighted = |n: usize| match own {
        Some(h) => h.contains(&release.changes[n].id),
        None => items[n].highlight,
    };
    let mut highlights = Vec::new();
    let mut sections: Vec<(String, Vec<usize>)> = Vec::new();
    for n in shown {
        if highlighted(n) {
            highlights.push(n);
            continue;
        }
        match sections.last_mut() {
            Some((kind, list)) if *kind == items[n].kind => list.push(n),
            _ => sections.push((items[n].kind.clone(), vec![n])),
        }
    }
    let issue_filter =
        |k: &KnownIssue| spec.page != Page::Customer || k.is_for_customers_in(segment);
    let pick = |list: &[KnownIssue]| -> Vec<usize> {
        list.iter()
            .enumerate()
            .filter(|(_, k)| issue_filter(k))
            .map(|(n, _)| n)
            .collect()
    };
    Layout {
        audience: page_audience(spec.page),
        highlights,
        sections,
        migration,
        known: pick(&release.known_issues),
        fixed: pick(&release.fixed_issues),
    }
}

/// The template context of a page, built from the cached values.
fn tera_context(
    project: &Project,
    config: &Config,
    release: &Release,
    cache: &ReleaseCache,
    spec: &PageSpec,
    format: Format,
) -> tera::TeraResult<tera::Context> {
    use std::collections::BTreeMap;
    use tera::Value;
    let l = layout(release, cache, spec);
    let frame = page_frame(project, config, release, spec, format);
    let mut ctx = tera::Context::from_serialize(&frame)?;
    let items = &cache.item_values[audience_slot(l.audience)];
    let list = |ix: &[usize]| Value::from(ix.iter().map(|&n| items[n].clone()).collect::<Vec<_>>());
    ctx.insert_value("highlights", list(&l.highlights));
    ctx.insert_value("migration", list(&l.migration));
    let sections: Vec<Value> = l
        .sections
        .iter()
        .map(|(kind, ix)| {
            let mut m: BTreeMap<&'static str, Value> = BTreeMap::new();
            m.insert("kind", Value::from(kind.as_str()));
            m.insert("title", Value::from(section_title(kind)));
            m.insert("items", list(ix));
            Value::from(m)
        })
        .collect();
    ctx.insert_value("sections", Value::from(sections));
    let slot = usize::from(l.audience != Audience::Customer);
    let pick = |values: &[Value], ix: &[usize]| {
        Value::from(ix.iter().map(|&n| values[n].clone()).collect::<Vec<_>>())
    };
    ctx.insert_value("known_issues", pick(&cache.known_values[slot], &l.known));
    ctx.insert_value("fixed_issues", pick(&cache.fixed_values[slot], &l.fixed));
    if spec.page == Page::Stakeholders {
        ctx.insert_value("commits", cache.commits_value.clone());
    }
    if matches!(spec.page, Page::Stakeholders | Page::Readiness) {
        ctx.insert_value("readiness", cache.readiness_value.clone());
    }
    Ok(ctx)
}

fn link(pattern: Option<&str>, key: &str, value: &str, label: String) -> Link {
    Link {
        label,
        url: pattern.and_then(|p| markdown::safe_url(&p.replace(key, value))),
    }
}

fn item(config: &Config, c: &Change, format: Format) -> ItemCtx {
    let l = &config.links;
    let title = Text::inline(&c.title, format, &config.images.allow_hosts);
    let text = Text::block(&c.text, format, &config.images.allow_hosts);
    ItemCtx {
        id: c.id.clone(),
        origin: match c.origin {
            crate::domain::model::Origin::File => "file".into(),
            crate::domain::model::Origin::Commit => "commit".into(),
        },
        kind: c.kind.as_str().to_string(),
        kind_title: section_title(c.kind.as_str()).to_string(),
        breaking: c.breaking,
        highlight: c.highlight,
        has_details: c.text.trim() != c.title.trim() && crate::domain::text::title_of(&c.text).1,
        title,
        text,
        segments: c
            .segments
            .iter()
            .map(|s| config.segment_name(s).to_string())
            .collect(),
        component: c.component.clone(),
        upgrade: c
            .upgrade
            .as_deref()
            .map(|u| Text::block(u, format, &config.images.allow_hosts)),
        support: c
            .support
            .as_deref()
            .map(|u| Text::block(u, format, &config.images.allow_hosts)),
        internal: c
            .internal
            .as_deref()
            .map(|u| Text::block(u, format, &config.images.allow_hosts)),
        prs: c
            .prs
            .iter()
            .map(|n| link(l.pr.as_deref(), "{number}", &n.to_string(), format!("#{n}")))
            .collect(),
        issues: c
            .issues
            .iter()
            .map(|i| link(l.issue.as_deref(), "{id}", i, i.clone()))
            .collect(),
        commits: c
            .commits
            .iter()
            .map(|s| link(l.commit.as_deref(), "{sha}", s, s.chars().take(7).collect()))
            .collect(),
        authors: c.authors.clone(),
        by: c.authors.join(", "),
        deploy: c
            .deploy
            .iter()
            .map(|d| DeployCtx {
                item: d.item.clone(),
                owner: d.owner.clone(),
            })
            .collect(),
        held_until: if c.held {
            c.publish_after.clone().or(Some("a later date".into()))
        } else {
            None
        },
    }
}

fn issue(config: &Config, k: &KnownIssue, format: Format) -> IssueCtx {
    IssueCtx {
        id: k.id.clone(),
        title: k.title.clone(),
        severity: format!("{:?}", k.severity).to_lowercase(),
        status: k.status.as_str().to_string(),
        affects: k.affects.clone(),
        affects_text: affects_text(&k.affects),
        fixed_in: k.fixed_in.clone(),
        segments: k
            .segments
            .iter()
            .map(|s| config.segment_name(s).to_string())
            .collect(),
        workaround: k
            .workaround
            .as_deref()
            .map(|w| Text::block(w, format, &config.images.allow_hosts)),
        no_workaround: k.no_workaround,
        text: Text::block(&k.text, format, &config.images.allow_hosts),
    }
}

/// The summary a segment's customer page shows instead of the release's.
fn segment_summary<'a>(release: &'a Release, spec: &PageSpec) -> Option<&'a str> {
    if spec.page != Page::Customer {
        return None;
    }
    let notes = release.metadata.segments.get(spec.segment.as_deref()?)?;
    notes.summary.as_deref().filter(|s| !s.trim().is_empty())
}

/// A version range as readers say it: `>=1.1.0, <1.2.0` becomes
/// `1.1.0 up to (not including) 1.2.0`. Ranges of other shapes stay as
/// written.
fn affects_text(range: &str) -> String {
    let parts: Vec<&str> = range.split(',').map(str::trim).collect();
    fn from(p: &str) -> Option<&str> {
        p.strip_prefix(">=").map(str::trim)
    }
    fn below(p: &str) -> Option<&str> {
        p.strip_prefix('<')
            .filter(|r| !r.starts_with('='))
            .map(str::trim)
    }
    match parts.as_slice() {
        [a, b] => match (from(a), below(b)) {
            (Some(a), Some(b)) => format!("{a} up to (not including) {b}"),
            _ => range.to_string(),
        },
        [a] => match (from(a), a.strip_prefix('=')) {
            (Some(a), _) => format!("{a} and later"),
            (_, Some(v)) => v.trim().to_string(),
            _ => range.to_string(),
        },
        _ => range.to_string(),
    }
}

fn section_title(kind: &str) -> &'static str {
    match kind {
        "added" => "New",
        "changed" => "Changed",
        "deprecated" => "Deprecated",
        "removed" => "Removed",
        "fixed" => "Fixed",
        "security" => "Security",
        _ => "Other changes",
    }
}

/// Builds the context of one page, filtered for its audience. This is the
/// documented template context; rendering builds the same from cached
/// values (see `tera_context`).
pub fn page_context(
    project: &Project,
    config: &Config,
    release: &Release,
    cache: &ReleaseCache,
    spec: &PageSpec,
    format: Format,
) -> PageCtx {
    let l = layout(release, cache, spec);
    let mut ctx = page_frame(project, config, release, spec, format);
    let items = |ix: &[usize]| -> Vec<ItemCtx> {
        ix.iter()
            .map(|&n| item_for(&cache.items[n], l.audience))
            .collect()
    };
    ctx.highlights = items(&l.highlights);
    ctx.migration = items(&l.migration);
    ctx.sections = l
        .sections
        .iter()
        .map(|(kind, ix)| SectionCtx {
            kind: kind.clone(),
            title: section_title(kind).to_string(),
            items: items(ix),
        })
        .collect();
    ctx.known_issues = l
        .known
        .iter()
        .map(|&n| issue_for(&cache.known[n], l.audience))
        .collect();
    ctx.fixed_issues = l
        .fixed
        .iter()
        .map(|&n| issue_for(&cache.fixed[n], l.audience))
        .collect();
    if spec.page == Page::Stakeholders {
        ctx.commits = release
            .commits
            .iter()
            .map(|c| commit_ctx(config, c).into_owned())
            .collect();
    }
    if matches!(spec.page, Page::Stakeholders | Page::Readiness) {
        ctx.readiness = Some(readiness_ctx(&release.readiness));
    }
    ctx
}

/// Everything of a page's context except the lists of changes, issues and
/// commits and the readiness report (left empty).
fn page_frame(
    project: &Project,
    config: &Config,
    release: &Release,
    spec: &PageSpec,
    format: Format,
) -> PageCtx {
    let segment = spec.segment.as_deref();
    let audience = page_audience(spec.page);
    let meta = &release.metadata;
    let title = {
        let mut t = format!("{} {}", project.name, release.version);
        if let Some(n) = &release.name {
            t.push_str(&format!(" \u{201c}{n}\u{201d}"));
        }
        t
    };
    let segment_ctx = segment.map(|s| SegmentCtx {
        id: s.to_string(),
        name: config.segment_name(s).to_string(),
    });
    let page_title = match (spec.page, &segment_ctx) {
        (Page::Customer, None) => format!("{title}: release notes"),
        (Page::Customer, Some(s)) => format!("{title}: release notes for {}", s.name),
        (Page::Support, _) => format!("{title}: support notes"),
        (Page::Stakeholders, _) => format!("{title}: release announcement"),
        (Page::Readiness, _) => format!("{title}: release readiness"),
    };
    let ext = format.ext();
    // The page for all customers lists the segment pages; a segment's page
    // links to no other segment's: its readers need not learn of them.
    let segment_pages = if spec.page == Page::Customer && segment.is_none() {
        std::iter::once(Link {
            label: "All customers".into(),
            url: Some(format!("index.{ext}")),
        })
        .chain(release.segment_pages.iter().map(|id| Link {
            label: config.segment_name(id).to_string(),
            url: Some(format!("{id}.{ext}")),
        }))
        .collect()
    } else {
        Vec::new()
    };
    let support = (spec.page == Page::Support).then(|| SupportCtx {
        escalation: release.escalation.clone(),
        on_call: meta.incident.on_call.clone(),
        hypercare_hours: Some(release.hypercare_hours()),
        hypercare_start: release.hypercare.as_ref().map(|h| h.start.clone()),
        hypercare_end: release.hypercare.as_ref().map(|h| h.end.clone()),
    });
    let ops = (spec.page == Page::Stakeholders).then(|| OpsCtx {
        rollback_plan: meta
            .rollback
            .plan
            .as_deref()
            .map(|p| Text::block(p, format, &config.images.allow_hosts)),
        last_known_good: release.last_known_good.clone(),
        pipeline: meta.deployment.pipeline.clone(),
        window: match &meta.deployment.window {
            Some(crate::domain::input::Window::Range { start, end }) => {
                Some(format!("{start} to {end}"))
            }
            Some(crate::domain::input::Window::Note(n)) => Some(n.clone()),
            None => None,
        },
        dashboards: meta
            .deployment
            .dashboards
            .iter()
            .map(|d| Link {
                label: d.name.clone(),
                url: d.url.as_deref().and_then(markdown::safe_url),
            })
            .collect(),
        alerts_configured: meta
            .deployment
            .alerts_configured
            .as_ref()
            .is_some_and(|c| c.answer() == crate::domain::input::Answer::Yes),
        channels: meta.deployment.channels.clone(),
        on_call: meta.incident.on_call.clone(),
        communication: CommunicationCtx {
            customer_facing: meta.communication.customer_facing != Some(false),
            pages: std::iter::once("All customers".to_string())
                .chain(
                    release
                        .segment_pages
                        .iter()
                        .map(|s| config.segment_name(s).to_string()),
                )
                .collect(),
            channels: meta.communication.channels.clone(),
            send_at: meta.communication.send_at.map(|t| t.to_string()),
            sent: match meta.communication.sent.as_ref().map(|c| c.answer()) {
                Some(crate::domain::input::Answer::Yes) => "yes",
                Some(crate::domain::input::Answer::No) => "no",
                Some(crate::domain::input::Answer::NotApplicable) => "not_applicable",
                Some(crate::domain::input::Answer::Pending) | None => "pending",
            }
            .into(),
        },
    });
    PageCtx {
        project: ProjectCtx {
            name: project.name.clone(),
            url: project.url.as_deref().and_then(markdown::safe_url),
        },
        page: PageInfo {
            kind: spec.page,
            audience: match audience {
                Audience::Customer => "customer",
                Audience::Support => "support",
                Audience::Internal => "internal",
            }
            .into(),
            segment: segment_ctx,
            title: page_title,
            format: ext.into(),
            segment_pages,
        },
        release: ReleaseCtx {
            version: release.version.clone(),
            tag: release.tag.clone(),
            name: release.name.clone(),
            title,
            date: release.date.clone(),
            unreleased: release.unreleased,
            kind: release.kind.bump.as_str().to_string(),
            previous_version: release.previous.as_ref().map(|p| p.version.clone()),
            prerelease: semver::Version::parse(&release.version).is_ok_and(|v| !v.pre.is_empty()),
            summary: segment_summary(release, spec)
                .or(release.summary.as_deref())
                .map(|s| Text::block(s, format, &config.images.allow_hosts)),
            last_known_good: release.last_known_good.clone(),
            withdrawn: release.withdrawn.as_ref().map(|w| WithdrawnCtx {
                current: w.current.clone(),
                message: Text::block(&w.message, format, &config.images.allow_hosts),
                incident: (audience != Audience::Customer)
                    .then(|| w.incident.clone())
                    .flatten(),
            }),
            hotfix: release.metadata.kind == Some(crate::domain::input::ReleaseType::Hotfix),
            fixes: release.fixes.clone(),
        },
        incidents: if audience == Audience::Customer {
            Vec::new()
        } else {
            release
                .incidents
                .iter()
                .map(|i| incident_ctx(config, i, format))
                .collect()
        },
        highlights: Vec::new(),
        sections: Vec::new(),
        migration: Vec::new(),
        known_issues: Vec::new(),
        fixed_issues: Vec::new(),
        commits: Vec::new(),
        readiness: None,
        support,
        ops,
    }
}

pub(crate) fn incident_ctx(
    config: &Config,
    i: &crate::domain::model::Incident,
    format: Format,
) -> IncidentCtx {
    let allow = &config.images.allow_hosts;
    IncidentCtx {
        id: i.id.clone(),
        title: i.title.clone(),
        severity: format!("{:?}", i.severity).to_lowercase(),
        started: i.started.clone(),
        resolved: i.resolved.clone(),
        on_call: i.on_call.clone(),
        notified_at: i.notified_at.clone(),
        decision: match &i.decision {
            crate::domain::model::Decision::RolledBack { to, at: Some(at) } => {
                format!("rolled back to {to} at {}", human_time(at))
            }
            other => other.text(),
        },
        root_cause: i
            .root_cause
            .as_deref()
            .map(|r| Text::block(r, format, allow)),
        action_items: i
            .action_items
            .iter()
            .map(|a| ActionItemCtx {
                title: a.title.clone(),
                owner: a.owner.clone(),
                due: a.due.clone(),
                status: a.status.to_string(),
                open: a.open,
            })
            .collect(),
        open_action_items: i.open_action_items().count(),
        timeline: Text::block(&i.timeline, format, allow),
        path: i.path.clone(),
        customer_message: i
            .customer_message
            .as_deref()
            .map(|m| Text::block(m, format, allow)),
    }
}

fn commit_ctx<'a>(config: &Config, c: &'a CommitInfo) -> CommitCtx<'a> {
    let l = &config.links;
    let mut authors = vec![Cow::Borrowed(c.author.as_str())];
    authors.extend(
        c.co_authors
            .iter()
            .filter(|a| **a != c.author)
            .map(|a| Cow::Borrowed(a.as_str())),
    );
    CommitCtx {
        short: Cow::Borrowed(&c.short),
        url: l
            .commit
            .as_deref()
            .and_then(|p| markdown::safe_url(&p.replace("{sha}", &c.id))),
        kind: match &c.kind {
            Some(k) => Cow::Borrowed(k),
            None if c.merge => Cow::Borrowed("merge"),
            None => Cow::Borrowed("other"),
        },
        scope: c.scope.as_deref().map(Cow::Borrowed),
        subject: Cow::Borrowed(&c.subject),
        text: Cow::Borrowed(&c.description),
        breaking: c.breaking,
        prs: c
            .prs
            .iter()
            .map(|n| link(l.pr.as_deref(), "{number}", &n.to_string(), format!("#{n}")))
            .collect(),
        by: authors.join(", "),
        authors,
    }
}

pub fn readiness_ctx(r: &Readiness) -> ReadinessCtx {
    let item = |i: &crate::domain::readiness::Item| ReadinessItemCtx {
        id: i.id.clone(),
        section: i.section.as_str().to_string(),
        title: i.title.clone(),
        status: i.status.key().to_string(),
        status_label: i.status.label().to_string(),
        blocking: i.blocking,
        reason: i.reason.clone(),
        hint: i.hint.clone(),
    };
    let roles = r
        .roles()
        .into_iter()
        .map(|name| {
            let items: Vec<ReadinessItemCtx> = r.by_role(&name).map(item).collect();
            let blocking: Vec<String> = r
                .by_role(&name)
                .filter(|i| i.blocking)
                .map(|i| i.title.clone())
                .collect();
            let pending: Vec<String> = r
                .by_role(&name)
                .filter(|i| !i.blocking && matches!(i.status, Status::Pending | Status::Warning))
                .map(|i| i.title.clone())
                .collect();
            let status = if !blocking.is_empty() {
                "blocked"
            } else if !pending.is_empty() {
                "pending"
            } else {
                "ready"
            };
            RoleCtx {
                name,
                status: status.into(),
                items,
                blocking,
                pending,
            }
        })
        .collect();
    ReadinessCtx {
        release_type: r.release_type.map(|t| t.as_str().to_string()),
        ready: r.ready,
        stage: r.stage.as_str().into(),
        met: r.counts.met,
        not_met: r.counts.not_met,
        pending: r.counts.pending,
        not_applicable: r.counts.not_applicable,
        warning: r.counts.warning,
        roles,
        deployment: r
            .items
            .iter()
            .filter(|i| i.section == Section::Deployment)
            .map(item)
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The typed and the value form of the audience filter agree on every
    /// field, so templates and `page_context` see the same.
    #[test]
    fn version_ranges_for_readers() {
        assert_eq!(
            affects_text(">=1.1.0, <1.2.0"),
            "1.1.0 up to (not including) 1.2.0"
        );
        assert_eq!(affects_text(">=1.1.0"), "1.1.0 and later");
        assert_eq!(affects_text("=1.1.3"), "1.1.3");
        assert_eq!(affects_text("^1.1"), "^1.1");
    }

    #[test]
    fn one_audience_filter_for_values_and_contexts() {
        let text = |s: &str| Text::inline(s, Format::Html, &[]);
        let link = |s: &str| Link {
            label: s.into(),
            url: None,
        };
        let full = ItemCtx {
            id: "x".into(),
            origin: "file".into(),
            kind: "added".into(),
            kind_title: "New".into(),
            breaking: false,
            highlight: false,
            has_details: false,
            title: text("t"),
            text: text("b"),
            segments: vec!["Beta".into()],
            component: Some("c".into()),
            upgrade: Some(text("u")),
            support: Some(text("s")),
            internal: Some(text("i")),
            prs: vec![link("#1")],
            issues: vec![link("I-1")],
            commits: vec![link("abc1234")],
            authors: vec!["A".into()],
            by: "A".into(),
            deploy: vec![DeployCtx {
                item: "d".into(),
                owner: "devops".into(),
            }],
            held_until: Some("2030-01-01".into()),
        };
        let value = tera::Value::from_serializable(&full);
        for a in Audience::ALL {
            assert_eq!(
                tera::Value::from_serializable(&item_for(&full, a)),
                hide_fields(&value, a),
                "{a:?}"
            );
        }
    }

    #[test]
    fn fields_are_hidden_in_maps_whose_keys_are_not_static_too() {
        let map: BTreeMap<String, tera::Value> = [
            ("title".to_string(), tera::Value::from("t")),
            ("internal".to_string(), tera::Value::from("secret")),
            (
                "commits".to_string(),
                tera::Value::from(vec![tera::Value::from("abc")]),
            ),
        ]
        .into_iter()
        .collect();
        let full = tera::Value::from_serializable(&map);
        let hidden = hide_fields(&full, Audience::Customer);
        let m = hidden.as_map().unwrap();
        let key = |k: &'static str| tera::value::Key::Str(k);
        assert_eq!(m.get(&key("title")), Some(&tera::Value::from("t")));
        assert_eq!(m.get(&key("internal")), Some(&tera::Value::none()));
        assert_eq!(
            m.get(&key("commits")),
            Some(&tera::Value::from(Vec::<tera::Value>::new()))
        );
        // Fields the full map did not have are added, as for a struct.
        assert_eq!(
            m.get(&key("deploy")),
            Some(&tera::Value::from(Vec::<tera::Value>::new()))
        );
    }

    #[test]
    fn a_commit_borrowed_and_owned_is_the_same_template_value() {
        let c = CommitInfo {
            id: "0123456789abcdef0123456789abcdef01234567".into(),
            short: "0123456".into(),
            kind: None,
            scope: Some("api".into()),
            subject: "Merge pull request #7 from x/y".into(),
            description: "Merge pull request #7 from x/y".into(),
            body: None,
            breaking: false,
            breaking_note: None,
            breaking_footer: None,
            prs: vec![7],
            author: "A".into(),
            author_email: "a@example.com".into(),
            co_authors: vec!["A".into(), "B".into()],
            time: "2024-01-01T00:00:00+00:00".into(),
            merge: true,
            other: true,
            covered: false,
            changelog_skip: false,
        };
        let config = Config::default();
        let borrowed = commit_ctx(&config, &c);
        assert_eq!(borrowed.kind, "merge");
        assert_eq!(borrowed.authors, ["A", "B"]);
        assert_eq!(borrowed.by, "A, B");
        assert_eq!(
            tera::Value::from_serializable(&borrowed),
            tera::Value::from_serializable(&borrowed.clone().into_owned())
        );
    }

    /// Our escaper writes exactly what Tera's own does (so outputs do not
    /// change with it), including both quote characters for attributes.
    #[test]
    fn escape_html_matches_tera_byte_for_byte() {
        let cases = [
            "",
            "plain text",
            "<script>alert('x')</script>",
            "a & b \"quoted\" 'single' <tag attr=\"v\">",
            "&&&<<<>>>\"\"\"'''",
            "ünïcödé → ✓ <b>bold</b> 日本語 & done",
            "trailing <",
            "> leading",
        ];
        for input in cases {
            let mut ours = Vec::new();
            super::escape_html(input, &mut ours).unwrap();
            let mut theirs = Vec::new();
            tera::escape_html(input, &mut theirs).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap(),
                "{input:?}"
            );
        }
        let mut out = Vec::new();
        super::escape_html("<a href='x' title=\"y\">&", &mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "&lt;a href=&#39;x&#39; title=&quot;y&quot;&gt;&amp;"
        );
    }
}

#[cfg(test)]
mod reader_text_tests {
    use super::{code_spans, linkify};

    #[test]
    fn addresses_become_links_and_everything_is_escaped() {
        assert_eq!(
            linkify("run https://ci.example/run/1, then <b>x</b>"),
            "run <a href=\"https://ci.example/run/1\">https://ci.example/run/1</a>, then &lt;b&gt;x&lt;/b&gt;"
        );
        assert_eq!(
            linkify("no link: javascript:alert(1)"),
            "no link: javascript:alert(1)"
        );
        assert_eq!(
            linkify("https://x.example/\"onmouseover=\"a"),
            "<a href=\"https://x.example/\">https://x.example/</a>&quot;onmouseover=&quot;a"
        );
    }

    #[test]
    fn backticks_become_code() {
        assert_eq!(
            code_spans("set `a<b` (for example `x: 1`)"),
            "set <code>a&lt;b</code> (for example <code>x: 1</code>)"
        );
        assert_eq!(code_spans("one ` tick"), "one ` tick");
    }
}

#[cfg(test)]
mod time_tests {
    use super::human_time;

    #[test]
    fn dates_and_times_are_written_for_people() {
        assert_eq!(human_time("2026-04-22"), "22 April 2026");
        assert_eq!(human_time("2026-01-05"), "5 January 2026");
        assert_eq!(
            human_time("2026-03-02T13:50:00Z"),
            "2 March 2026, 13:50 UTC"
        );
        assert_eq!(
            human_time("2026-03-02T13:50:00+02:00"),
            "2 March 2026, 13:50 UTC+02:00"
        );
        assert_eq!(human_time("tomorrow"), "tomorrow");
        assert_eq!(human_time("2026-13-45"), "2026-13-45");
    }
}
