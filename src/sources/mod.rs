//! The sources: the only code that reads the repository. [`git`] reads
//! tags and commits (git2 lives there and nowhere else), [`yaml`] parses
//! YAML with positions for errors, and the input files of `.relnotes/` are
//! read into the domain's input types.

pub mod files;
pub mod git;
pub mod yaml;
