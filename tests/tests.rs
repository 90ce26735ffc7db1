//! One integration test binary, with modules by feature. Every test drives
//! the real `relnotes` binary or the fixture harness.

mod harness;

mod book;
mod build;
mod check;
mod cli;
mod fixtures;
mod git_walk;
mod kb;
mod layers;
mod preview;
mod scaffold;
