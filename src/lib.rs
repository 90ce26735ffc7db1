//! relnotes: release notes and release documents for customers, support and
//! stakeholders, from git history, change files and release metadata.
//!
//! Data flows one way: [`cli`] -> sources ([`config`], [`inputs`], [`git`])
//! -> [`assemble`] -> [`model::Release`] -> [`render`] per audience and
//! format -> [`output`]. `build`, `check`, `context` and `demo` are views of
//! the same model.

pub mod assemble;
pub mod cli;
pub mod commands;
pub mod config;
pub mod conventional;
pub mod demo;
pub mod error;
pub mod git;
pub mod inputs;
pub mod json;
pub mod kb;
pub mod markdown;
pub mod model;
pub mod output;
pub mod preview;
pub mod readiness;
pub mod render;
pub mod schema;
pub mod yaml;

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
pub fn run(cli: cli::Cli) -> Result<Outcome> {
    commands::dispatch(cli)
}
