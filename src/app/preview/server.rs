//! The HTTP side of the preview: one handler that checks the Host header,
//! looks the path up in the fixed map of the current [`Site`], adds the
//! preview bar to HTML pages, and tells open pages when to reload.
//!
//! Nothing here reads a file: a request can only ever name one of the
//! resources built in memory, so `..` or encoded variants of it have
//! nothing to reach. Reload notices are server-sent events (axum's `Sse`):
//! the page's `EventSource` asks `/_relnotes/events?since=TOKEN`; the answer
//! is held until the pages differ from TOKEN (then `data: reload`) or for
//! at most [`HOLD`], after which the browser reconnects by itself.

use std::net::IpAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::sse::{Event, Sse};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tokio::sync::watch;

use crate::render::preview::{BarCtx, Shell, RELOAD_JS};

use super::hosts::Hosts;
use super::serve::Peer;
use super::site::{Resource, Site};

/// How long an events request is held before the browser is told to ask
/// again.
const HOLD: Duration = Duration::from_secs(25);

/// Where the reload script and the events live. Outside any release path:
/// versions never start with `_`.
const SCRIPT_PATH: &str = "/_relnotes/reload.js";
const EVENTS_PATH: &str = "/_relnotes/events";

/// What the server shows right now.
pub struct Snapshot {
    /// The last build that succeeded.
    pub site: Option<Arc<Site>>,
    /// The error of the last build, if it failed.
    pub error: Option<String>,
    /// Identifies this state for the reload script.
    pub token: String,
    /// The bar injected at the top of every page (banner, readiness, links).
    pub bar: String,
}

/// The state shared by the handler, the rebuild thread and `run`.
pub struct App {
    snapshot: RwLock<Arc<Snapshot>>,
    generation: watch::Sender<u64>,
    /// Changes on every start, so a page from an earlier run reloads.
    instance: String,
    pub shell: Shell,
    /// Which Host headers are answered, and from whom.
    hosts: Hosts,
    stop: watch::Receiver<bool>,
}

impl App {
    pub fn new(shell: Shell, hosts: Hosts, stop: watch::Receiver<bool>) -> App {
        let instance = format!(
            "{:x}",
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0)
                ^ u128::from(std::process::id())
        );
        let (generation, _) = watch::channel(0);
        App {
            snapshot: RwLock::new(Arc::new(Snapshot {
                site: None,
                error: None,
                token: format!("{instance}-0"),
                bar: String::new(),
            })),
            generation,
            instance,
            shell,
            hosts,
            stop,
        }
    }

    pub fn snapshot(&self) -> Arc<Snapshot> {
        self.snapshot
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Takes the outcome of a build: new pages, or the error text (the last
    /// good pages stay). Returns whether anything a page shows changed;
    /// only then are open pages told to reload.
    pub fn publish(&self, outcome: std::result::Result<Site, String>) -> bool {
        let mut guard = self.snapshot.write().unwrap_or_else(|e| e.into_inner());
        let old = guard.clone();
        let (site, error) = match outcome {
            Ok(site) => {
                let same = old.site.as_ref().is_some_and(|s| s.routes == site.routes);
                if same && old.error.is_none() {
                    return false;
                }
                let site = if same {
                    old.site.clone()
                } else {
                    Some(Arc::new(site))
                };
                (site, None)
            }
            Err(message) => {
                if old.error.as_deref() == Some(message.as_str()) {
                    return false;
                }
                (old.site.clone(), Some(message))
            }
        };
        let generation = *self.generation.borrow() + 1;
        let token = format!("{}-{generation}", self.instance);
        let ctx = BarCtx {
            error: error.clone(),
            release: site.as_ref().map(|s| s.release.clone()),
            readiness: site.as_ref().map(|s| s.readiness.clone()),
            since: token.clone(),
        };
        let bar = self.shell.bar(&ctx).unwrap_or_else(|e| {
            format!(
                "<div id=\"relnotes-preview\"><pre>{}</pre></div>",
                crate::render::escape_html_string(&format!(
                    "{e}\n{}",
                    error.as_deref().unwrap_or("")
                ))
            )
        });
        *guard = Arc::new(Snapshot {
            site,
            error,
            token,
            bar,
        });
        // Sent under the lock, so a page never carries a token newer than
        // the one the events handler sees.
        self.generation.send_replace(generation);
        true
    }

    fn token(&self, generation: u64) -> String {
        format!("{}-{generation}", self.instance)
    }

    /// Whether a request with these headers, from `peer`, is answered (see
    /// [`Hosts`]). A request without a known peer is treated as remote.
    fn host_allowed(&self, headers: &HeaderMap, peer: Option<Peer>) -> bool {
        let Some(host) = headers.get(header::HOST).and_then(|h| h.to_str().ok()) else {
            return false;
        };
        let peer = peer.map_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), |p| p.0.ip());
        self.hosts.allows(host_name(host), peer)
    }
}

/// The host part of a Host header value: without the port, IPv6 literals
/// keep their brackets.
fn host_name(host: &str) -> &str {
    if host.starts_with('[') {
        return match host.find(']') {
            Some(i) => &host[..=i],
            None => host,
        };
    }
    match host.rfind(':') {
        Some(i) if host[i + 1..].bytes().all(|b| b.is_ascii_digit()) => &host[..i],
        _ => host,
    }
}

pub fn router(app: Arc<App>) -> Router {
    Router::new().fallback(handle).with_state(app)
}

async fn handle(State(app): State<Arc<App>>, req: Request) -> Response {
    let peer = req.extensions().get::<Peer>().copied();
    if !app.host_allowed(req.headers(), peer) {
        return plain(
            StatusCode::FORBIDDEN,
            "relnotes preview answers only requests addressed to this machine's own names (see the names it printed at start; add one with --allow-host).\n",
        );
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut r = plain(
            StatusCode::METHOD_NOT_ALLOWED,
            "relnotes preview only reads.\n",
        );
        r.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return r;
    }
    let Some(path) = percent_decode(req.uri().path()) else {
        return not_found();
    };
    let query = req.uri().query().unwrap_or("");
    match path.as_str() {
        SCRIPT_PATH => respond(
            StatusCode::OK,
            "text/javascript; charset=utf-8",
            RELOAD_JS.to_string(),
        ),
        EVENTS_PATH => {
            let since = query_param(query, "since").unwrap_or_default();
            events(app, since).await
        }
        _ => {
            // Inside the compare view the outer page shows the bar and
            // reloads for both sides.
            let embedded = req
                .headers()
                .get("sec-fetch-dest")
                .is_some_and(|d| d.as_bytes() == b"iframe")
                || query_param(query, "embed").is_some();
            page(&app, &path, embedded)
        }
    }
}

fn page(app: &App, path: &str, embedded: bool) -> Response {
    let snap = app.snapshot();
    let path = if path == "/index.html" { "/" } else { path };
    let resource = snap.site.as_ref().and_then(|s| s.routes.get(path));
    match resource {
        Some(Resource {
            content_type,
            body,
            page,
        }) => {
            let body = if *page && !embedded {
                inject(body, &snap.bar, &snap.token)
            } else {
                body.clone()
            };
            respond(StatusCode::OK, content_type, body)
        }
        None if path == "/" => {
            // Nothing has built yet: the bar says why.
            let body = inject(
                "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>relnotes preview</title></head><body></body></html>\n",
                &snap.bar,
                &snap.token,
            );
            respond(StatusCode::OK, "text/html; charset=utf-8", body)
        }
        None => not_found(),
    }
}

/// Puts the bar right after `<body ...>` and the reload script before
/// `</body>` (or at the ends, for a template without them).
pub fn inject(html: &str, bar: &str, token: &str) -> String {
    let script = format!("<script src=\"{SCRIPT_PATH}\" data-since=\"{token}\"></script>\n");
    // ASCII lowercasing keeps byte offsets.
    let lower = html.to_ascii_lowercase();
    let start = lower
        .find("<body")
        .and_then(|i| lower[i..].find('>').map(|j| i + j + 1))
        .unwrap_or(0);
    let end = lower
        .rfind("</body>")
        .filter(|e| *e >= start)
        .unwrap_or(html.len());
    let mut out = String::with_capacity(html.len() + bar.len() + script.len() + 2);
    out.push_str(&html[..start]);
    out.push('\n');
    out.push_str(bar);
    out.push_str(&html[start..end]);
    out.push_str(&script);
    out.push_str(&html[end..]);
    out
}

/// The reload notice, as server-sent events (axum's): one event, `reload`
/// when the pages differ from `since`, or a comment after [`HOLD`]; then
/// the response ends and the browser asks again after `retry`.
async fn events(app: Arc<App>, since: String) -> Response {
    let event = futures_util::stream::once(async move {
        let retry = Duration::from_millis(300);
        let event = if changed_since(&app, &since).await {
            Event::default().retry(retry).data("reload")
        } else {
            Event::default().retry(retry).comment("nothing changed yet")
        };
        Ok::<_, std::convert::Infallible>(event)
    });
    let mut r = Sse::new(event).into_response();
    secure(r.headers_mut(), "text/event-stream");
    r
}

/// Waits until the pages differ from `since` (true), or for at most
/// [`HOLD`] or until the server stops (false).
async fn changed_since(app: &App, since: &str) -> bool {
    let mut generation = app.generation.subscribe();
    let mut stop = app.stop.clone();
    let hold = tokio::time::sleep(HOLD);
    tokio::pin!(hold);
    loop {
        if app.token(*generation.borrow_and_update()) != since {
            return true;
        }
        if *stop.borrow() {
            return false;
        }
        tokio::select! {
            changed = generation.changed() => if changed.is_err() { return false },
            _ = &mut hold => return false,
            _ = stop.changed() => return false,
        }
    }
}

fn not_found() -> Response {
    plain(
        StatusCode::NOT_FOUND,
        "Not found. The preview serves only the pages of the release: start at /\n",
    )
}

fn plain(status: StatusCode, text: &'static str) -> Response {
    respond(status, "text/plain; charset=utf-8", text.to_string())
}

fn respond(status: StatusCode, content_type: &str, body: String) -> Response {
    let mut r = Response::new(Body::from(body));
    *r.status_mut() = status;
    secure(r.headers_mut(), content_type);
    r
}

/// The headers every answer carries: its type, no caching, no sniffing,
/// no referrer, no framing by others, and for pages a policy that lets
/// only the preview's own script run.
fn secure(h: &mut HeaderMap, content_type: &str) {
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::X_FRAME_OPTIONS,
        HeaderValue::from_static("SAMEORIGIN"),
    );
    if content_type.starts_with("text/html") {
        // Only the preview's own script runs; pages keep their inline style
        // and images from anywhere their text links to.
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: http: https:; connect-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
            ),
        );
    }
}

/// Decodes `%XX` escapes. `None` for malformed escapes or bytes that are
/// not UTF-8: no page has such a path.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn query_param(query: &str, name: &str) -> Option<String> {
    query.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (k == name).then(|| percent_decode(&v.replace('+', " ")).unwrap_or_default())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_names_without_ports() {
        assert_eq!(host_name("localhost:4173"), "localhost");
        assert_eq!(host_name("[::1]:80"), "[::1]");
        assert_eq!(host_name("127.0.0.1"), "127.0.0.1");
        assert_eq!(host_name("evil.example:1"), "evil.example");
        assert!(!super::super::hosts::is_loopback_name(host_name(
            "localhost.evil.example:1"
        )));
    }

    #[test]
    fn decoding_rejects_malformed_escapes() {
        assert_eq!(percent_decode("/%2e%2e/x").as_deref(), Some("/../x"));
        assert_eq!(percent_decode("/%zz"), None);
        assert_eq!(percent_decode("/%2"), None);
        assert_eq!(percent_decode("/%ff"), None);
    }

    #[test]
    fn the_bar_goes_after_body_and_the_script_before_its_end() {
        let html = "<html><BODY class=x><main>hi</main></body></html>";
        let out = inject(html, "<div>BAR</div>", "t-1");
        assert!(
            out.starts_with("<html><BODY class=x>\n<div>BAR</div><main>hi</main><script"),
            "{out}"
        );
        assert!(out.ends_with("</script>\n</body></html>"), "{out}");
        let bare = inject("text", "B", "t");
        assert!(bare.starts_with("\nBtext<script"), "{bare}");
    }
}
