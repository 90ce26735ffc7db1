//! One integration test binary, with modules by feature. Every test drives
//! the real `relnotes` binary or the fixture harness.

// Test helpers may panic on what cannot happen in a prepared test repository.
#![allow(clippy::unwrap_used)]

mod harness;

mod book;
mod build;
mod check;
mod cli;
mod fixtures;
mod git_walk;
mod hostile;
mod kb;
mod layers;
mod layout;
mod lifecycle;
mod outputs;
mod preview;
mod properties;
mod publishing;
mod repos;
mod scaffold;
