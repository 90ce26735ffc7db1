//! `relnotes preview`: a local web server that shows every page `relnotes
//! build` would write for one release, from memory, and rebuilds them as
//! the files under `.relnotes/` change. Open pages reload by themselves.
//!
//! The parts: [`site`] builds the pages (the same model and renderer as
//! `build`), [`server`] answers requests from a fixed map of paths,
//! [`watch`] turns file events into rebuilds. A failed rebuild never stops
//! the server: the last good pages stay, with the error on top. This module
//! wires them together, prints the address and stops on Ctrl-C or SIGTERM.

mod hosts;
mod serve;
mod server;
mod site;
mod watch;

use std::io::Write;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::app::Global;
use crate::engine::Target;
use crate::error::{Error, Result};
use crate::render::preview::Shell;

use server::App;

/// Runs the preview until Ctrl-C or SIGTERM.
pub fn run(
    g: &Global,
    target: Target,
    port: u16,
    host: &str,
    allow_hosts: &[String],
    open: bool,
) -> Result<()> {
    // Not a repository, or no such tag: nothing to preview, and nothing a
    // file edit could fix.
    let workdir = crate::sources::git::Repo::open(&g.repo)?.workdir();
    let shell = Shell::new()?;

    let addr = resolve(host, port)?;
    let loopback = addr.ip().is_loopback();
    if !loopback {
        eprintln!(
            "warning: listening on {}: anyone who can reach this machine can read these unpublished notes",
            addr.ip()
        );
    }
    let listener = std::net::TcpListener::bind(addr).map_err(|e| {
        Error::usage(
            format!("cannot listen on {addr}: {e}"),
            "choose another port with --port, or --port 0 for a free one",
        )
    })?;
    listener
        .set_nonblocking(true)
        .map_err(|e| Error::io("configuring", "the listening socket", e))?;
    let local = listener
        .local_addr()
        .map_err(|e| Error::io("reading", "the listening address", e))?;

    let started = Instant::now();
    let first = match site::build(&g.repo, g.package.as_deref(), &target, &shell) {
        Ok(site) => Ok(site),
        Err(e @ (Error::Usage { .. } | Error::Git { .. })) => return Err(e),
        Err(e) => {
            report(&e, false);
            Err(message(&e))
        }
    };
    if g.verbose {
        eprintln!("preview: built in {} ms", started.elapsed().as_millis());
    }

    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let hosts = hosts::Hosts::new(addr.ip(), host, allow_hosts);
    if !hosts.names().is_empty() && !g.quiet {
        eprintln!(
            "preview: answering requests for {} (and localhost from this machine); add names with --allow-host",
            hosts.names().join(", ")
        );
    }
    let app = Arc::new(App::new(shell, hosts, stop_rx.clone()));
    app.publish(first);

    let watch = {
        let app = app.clone();
        let repo = g.repo.clone();
        let package = g.package.clone();
        let quiet = g.quiet;
        // Canonical, as file events name paths (macOS reports /private/tmp
        // for /tmp).
        let workdir = workdir.canonicalize().unwrap_or(workdir);
        watch::start(workdir.join(".relnotes"), move |paths| {
            rebuild(&app, (&repo, package.as_deref()), &target, paths, quiet)
        })?
    };

    let url = match local.ip() {
        IpAddr::V6(ip) => format!("http://[{ip}]:{}/", local.port()),
        IpAddr::V4(ip) => format!("http://{ip}:{}/", local.port()),
    };
    {
        // The one line scripts and tests read: always printed, even with -q.
        let mut out = std::io::stdout().lock();
        writeln!(out, "preview: {url}")
            .and_then(|_| out.flush())
            .map_err(|e| Error::io("writing", "stdout", e))?;
    }
    if !g.quiet {
        eprintln!("preview: watching .relnotes/ for changes; press Ctrl-C to stop");
    }
    if open {
        open_browser(&url);
    }

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Error::io("starting", "the preview server", e))?;
    let served = runtime.block_on(async move {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let server = serve::serve(
            listener,
            server::router(app),
            serve::Limits::from_env(),
            stop_rx,
        );
        tokio::select! {
            r = server => r,
            _ = async {
                stop_signal().await;
                let _ = stop_tx.send(true);
                // Give open connections a moment, then stop regardless.
                tokio::time::sleep(Duration::from_secs(3)).await;
            } => Ok(()),
        }
    });
    runtime.shutdown_timeout(Duration::from_millis(500));
    drop(watch);
    served.map_err(|e| Error::io("serving", url.clone(), e))?;
    if !g.quiet {
        eprintln!("preview: stopped");
    }
    Ok(())
}

/// Rebuilds after a change and publishes the outcome.
fn rebuild(
    app: &App,
    (repo, package): (&std::path::Path, Option<&str>),
    target: &Target,
    paths: &[PathBuf],
    quiet: bool,
) {
    let started = Instant::now();
    let result = settled(|| site::build(repo, package, target, &app.shell), SETTLE);
    let had_error = app.snapshot().error.is_some();
    match result {
        Ok(site) => {
            let changed = app.publish(Ok(site));
            if had_error {
                eprintln!("preview: the problem is fixed; pages rebuilt");
            } else if changed && !quiet {
                let what = paths
                    .first()
                    .map(|p| {
                        p.strip_prefix(std::env::current_dir().unwrap_or_default())
                            .unwrap_or(p)
                            .display()
                            .to_string()
                    })
                    .unwrap_or_default();
                eprintln!(
                    "preview: rebuilt after a change to {what} ({} ms)",
                    started.elapsed().as_millis()
                );
            }
        }
        Err(e) => {
            report(&e, app.snapshot().site.is_some());
            app.publish(Err(message(&e)));
        }
    }
}

/// How long a failed rebuild waits before its second try.
const SETTLE: Duration = Duration::from_millis(250);

/// Builds, and after a failure once more after `wait`: an editor that saves
/// in two steps (truncate, then write; or a temporary file, then a rename)
/// leaves a file broken or missing for a moment, and a banner for that
/// moment would only alarm.
fn settled<T>(build: impl Fn() -> Result<T>, wait: Duration) -> Result<T> {
    build().or_else(|_| {
        std::thread::sleep(wait);
        build()
    })
}

/// The full text of an error and its causes, as `main` prints it.
fn message(e: &Error) -> String {
    let mut s = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(cause) = source {
        s.push_str(&format!("\n  caused by: {cause}"));
        source = cause.source();
    }
    s
}

fn report(e: &Error, has_pages: bool) {
    eprintln!("error: {}", message(e));
    if has_pages {
        eprintln!("preview: still serving the last pages that built; fix the file and save");
    } else {
        eprintln!("preview: nothing to show until this is fixed; the pages appear once it is");
    }
}

fn resolve(host: &str, port: u16) -> Result<SocketAddr> {
    let bad = |detail: String| {
        Error::usage(
            format!("cannot listen on `{host}`: {detail}"),
            "use --host 127.0.0.1 (the default) or another address of this machine",
        )
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, port));
    }
    let mut addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| bad(e.to_string()))?
        .collect();
    // `localhost` may resolve to both; IPv4 first, as printed addresses are.
    addrs.sort_by_key(|a| !a.is_ipv4());
    addrs
        .into_iter()
        .next()
        .ok_or_else(|| bad("the name has no address".into()))
}

async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

/// Best effort: a missing opener is not an error, the address is printed.
fn open_browser(url: &str) {
    let mut cmd = if cfg!(target_os = "macos") {
        std::process::Command::new("open")
    } else if cfg!(windows) {
        let mut c = std::process::Command::new("cmd");
        c.args(["/C", "start", ""]);
        c
    } else {
        std::process::Command::new("xdg-open")
    };
    let spawned = cmd
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("preview: could not open a browser; open {url} yourself");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    #[test]
    fn a_failed_build_is_tried_once_more_before_it_counts() {
        // Broken at the first read, fixed by the second: no error shows.
        let tries = Cell::new(0);
        let half_saved = || {
            tries.set(tries.get() + 1);
            if tries.get() == 1 {
                Err(Error::usage("half-saved", "wait"))
            } else {
                Ok(7)
            }
        };
        assert_eq!(settled(half_saved, Duration::ZERO).ok(), Some(7));
        assert_eq!(tries.get(), 2);
        // Still broken: the error of the second try counts.
        let tries = Cell::new(0);
        let broken = || -> Result<i32> {
            tries.set(tries.get() + 1);
            Err(Error::usage("broken", "fix it"))
        };
        assert!(settled(broken, Duration::ZERO).is_err());
        assert_eq!(tries.get(), 2);
        // A good build is not repeated.
        let tries = Cell::new(0);
        let good = || -> Result<i32> {
            tries.set(tries.get() + 1);
            Ok(1)
        };
        assert!(settled(good, Duration::ZERO).is_ok());
        assert_eq!(tries.get(), 1);
    }
}
