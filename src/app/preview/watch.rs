//! Watching `.relnotes/` for changes: change files, release metadata, known
//! issues, configuration and templates. The directory is watched
//! recursively, not file by file, so editors that save through a temporary
//! file and a rename are seen like any other write. Events are debounced
//! (notify-debouncer-full) and handed, batched, to one rebuild thread.

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{new_debouncer, DebounceEventResult, Debouncer, RecommendedCache};

use crate::error::{Error, Result};

/// Quiet time after the last event before a rebuild starts.
const DEBOUNCE: Duration = Duration::from_millis(200);

/// Keeps the watch alive; dropping it stops watching and ends the rebuild
/// thread.
pub struct Watch {
    _debouncer: Arc<Mutex<Debouncer<notify::RecommendedWatcher, RecommendedCache>>>,
}

/// Watches `dir` (the `.relnotes/` directory; it may not exist yet) and
/// calls `on_change` with the changed paths, on a thread of its own, one
/// batch at a time.
pub fn start(dir: PathBuf, on_change: impl Fn(&[PathBuf]) + Send + 'static) -> Result<Watch> {
    let (tx, rx) = mpsc::channel::<Vec<PathBuf>>();
    let inside = dir.clone();
    let debouncer = new_debouncer(
        DEBOUNCE,
        None,
        move |result: DebounceEventResult| match result {
            Ok(events) => {
                let paths: Vec<PathBuf> = events
                    .iter()
                    .filter(|e| relevant(&e.kind))
                    .flat_map(|e| e.paths.iter())
                    .filter(|p| p.starts_with(&inside))
                    .cloned()
                    .collect();
                if !paths.is_empty() {
                    let _ = tx.send(paths);
                }
            }
            Err(errors) => {
                for e in errors {
                    eprintln!("warning: watching for changes: {e}");
                }
            }
        },
    )
    .map_err(|e| watch_error(&dir, e))?;
    let debouncer = Arc::new(Mutex::new(debouncer));
    let parent = dir.parent().map(Path::to_path_buf).unwrap_or_default();
    {
        let mut d = debouncer.lock().unwrap_or_else(|e| e.into_inner());
        // The parent, so that a `.relnotes/` created (or replaced) later is
        // noticed; it is watched non-recursively and cheap.
        d.watch(&parent, RecursiveMode::NonRecursive)
            .map_err(|e| watch_error(&parent, e))?;
        if dir.is_dir() {
            d.watch(&dir, RecursiveMode::Recursive)
                .map_err(|e| watch_error(&dir, e))?;
        }
    }
    // Weak: the thread must not keep the watch alive after `Watch` is gone.
    let handle = Arc::downgrade(&debouncer);
    let mut watching = dir.is_dir();
    std::thread::Builder::new()
        .name("relnotes-preview-rebuild".into())
        .spawn(move || {
            while let Ok(mut paths) = rx.recv() {
                // Everything that arrived meanwhile goes into one rebuild.
                while let Ok(more) = rx.try_recv() {
                    paths.extend(more);
                }
                paths.sort();
                paths.dedup();
                if !watching && dir.is_dir() {
                    if let Some(d) = handle.upgrade() {
                        let mut d = d.lock().unwrap_or_else(|e| e.into_inner());
                        watching = d.watch(&dir, RecursiveMode::Recursive).is_ok();
                    }
                }
                on_change(&paths);
            }
        })
        .map_err(|e| Error::io("starting a thread for", &parent, e))?;
    Ok(Watch {
        _debouncer: debouncer,
    })
}

/// Whether an event can mean new content. Opening and reading files (which
/// every rebuild does) must not start another rebuild.
fn relevant(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        _ => true,
    }
}

fn watch_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::invalid(
        path,
        format!("cannot watch for changes: {e}"),
        "on Linux, raise fs.inotify.max_user_watches, or preview without live reload using `relnotes build`",
    )
}
