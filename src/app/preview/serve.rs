//! The preview's connections, below axum's router: each connection gets a
//! header-read timeout that also closes idle keep-alive connections (hyper
//! starts it whenever it waits for a request's head), a cap on open
//! connections (past it, a short 503 and the connection closed), and the
//! peer's address for the Host check. `axum::serve` offers none of these,
//! and without them 1,100 idle connections starved the server.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Semaphore};

/// The client's address, put into every request's extensions.
#[derive(Debug, Clone, Copy)]
pub struct Peer(pub SocketAddr);

/// How long a connection may take to send a request's head, and may stay
/// idle between requests; and how many connections may be open at once.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub header_read: Duration,
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            // A browser sends a head at once; ten seconds is generous.
            header_read: Duration::from_secs(10),
            // A preview has a handful of tabs, each with a reload request
            // open; far below the usual limit of 1,024 open files.
            max_connections: 128,
        }
    }
}

impl Limits {
    /// The defaults, or for tests `RELNOTES_PREVIEW_LIMITS=SECONDS,COUNT`.
    pub fn from_env() -> Limits {
        let mut limits = Limits::default();
        if let Ok(v) = std::env::var("RELNOTES_PREVIEW_LIMITS") {
            if let Some((secs, count)) = v.split_once(',') {
                if let (Ok(s), Ok(c)) = (secs.trim().parse::<f64>(), count.trim().parse()) {
                    limits.header_read = Duration::from_secs_f64(s);
                    limits.max_connections = c;
                }
            }
        }
        limits
    }
}

/// Serves `router` on `listener` until `stop` turns true.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: Limits,
    mut stop: watch::Receiver<bool>,
) -> std::io::Result<()> {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    loop {
        let accepted = tokio::select! {
            r = listener.accept() => r,
            _ = stopped(&mut stop) => return Ok(()),
        };
        let (stream, peer) = match accepted {
            Ok(a) => a,
            // Out of file descriptors or a connection reset before it was
            // taken: wait a moment, the server itself is fine.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        match slots.clone().try_acquire_owned() {
            Ok(slot) => {
                let router = router.clone();
                let stop = stop.clone();
                tokio::spawn(async move {
                    connection(stream, peer, router, limits.header_read, stop).await;
                    drop(slot);
                });
            }
            Err(_) => {
                tokio::spawn(refuse(stream));
            }
        }
    }
}

/// Serves one connection until it closes, times out or the server stops.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    router: Router,
    header_read: Duration,
    mut stop: watch::Receiver<bool>,
) {
    let service =
        hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
            req.extensions_mut().insert(Peer(peer));
            let mut router = router.clone();
            async move {
                tower_service::Service::call(&mut router, req.map(axum::body::Body::new)).await
            }
        });
    let conn = http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(header_read)
        .keep_alive(true)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(conn);
    tokio::select! {
        _ = conn.as_mut() => {}
        _ = stopped(&mut stop) => {
            conn.as_mut().graceful_shutdown();
            let _ = conn.await;
        }
    }
}

/// Resolves once the server is told to stop (the watch's guard is not held
/// across an await, so connection tasks stay `Send`).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|s| *s).await.map(|_| ());
}

/// Past the connection cap: say so and close.
async fn refuse(mut stream: TcpStream) {
    let body = "relnotes preview: too many open connections; try again in a moment\n";
    let answer = format!(
        "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nRetry-After: 1\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(answer.as_bytes()).await;
    let _ = stream.shutdown().await;
}
