//! `RELNOTES_TRACE_PERFORMANCE=1`: where the time of a run goes. Each
//! phase of a command prints, on standard error, the milliseconds since
//! the process started and what was just done (as `GIT_TRACE_PERFORMANCE`
//! does for git). Unset, a phase costs one load of a flag.

use std::sync::OnceLock;
use std::time::Instant;

static START: OnceLock<Option<Instant>> = OnceLock::new();

/// Starts the clock if the variable asks for a trace: `main` calls it
/// first. Without it (tests, other programs using the library) nothing is
/// printed.
pub fn start() {
    START.get_or_init(|| {
        std::env::var_os("RELNOTES_TRACE_PERFORMANCE")
            .filter(|v| !v.is_empty() && v != "0")
            .map(|_| Instant::now())
    });
}

/// Says that `what` is done, when tracing.
pub fn phase(what: &str) {
    if let Some(Some(t)) = START.get() {
        eprintln!(
            "relnotes trace: {:8.2} ms  {what}",
            t.elapsed().as_secs_f64() * 1000.0
        );
    }
}

/// Says that `what` is done for release `version`, when tracing.
pub fn release_phase(version: &dyn std::fmt::Display, what: &str) {
    if matches!(START.get(), Some(Some(_))) {
        phase(&format!("{version}: {what}"));
    }
}
