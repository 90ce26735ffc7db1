//! relnotes: release notes and release documents for customers, support and
//! stakeholders, from git history, change files and release metadata.
//!
//! Each top-level module is a layer, and a layer imports only the layers
//! below it (`tests/layers.rs` fails on any other import):
//!
//! - [`app`]: the commands: parses nothing itself (clap does, in
//!   [`app::cli`]), turns arguments into requests, runs them and prints
//!   what they report, warnings included. The preview server lives here.
//! - [`engine`]: plans which releases to build, reads the history on one
//!   thread while others assemble, fingerprints releases for incremental
//!   builds, and stages output so a failed run leaves nothing half-written.
//! - [`render`]: pages per audience and format, the check report, the
//!   knowledge base and preview pages, Markdown and HTML escaping.
//! - [`sources`]: the only code that touches the repository: git, the
//!   `.relnotes/` files and YAML.
//! - [`domain`]: plain data and pure functions: input types, configuration,
//!   the release model, Conventional Commits, versions, assembly and
//!   readiness. It reads no file and imports no other layer.
//! - [`error`]: the one error type, shared by every layer.
//! - [`trace`]: `RELNOTES_TRACE_PERFORMANCE`, the timings of a run's
//!   phases, for every layer but the domain.

pub mod app;
pub mod domain;
pub mod engine;
pub mod error;
pub mod render;
pub mod sources;
pub mod trace;

pub use error::{Error, Result};

/// What a finished command tells `main`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Exit 0.
    Success,
    /// Exit 1: the readiness gate is not met.
    NotReady,
}

/// Runs one command line. Every error comes back here, to `main`.
pub fn run(cli: app::cli::Cli) -> Result<Outcome> {
    app::dispatch(cli)
}
