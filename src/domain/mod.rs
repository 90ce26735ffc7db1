//! The domain: plain data and pure functions. Input types as the files
//! declare them, configuration, the release model, Conventional Commit
//! parsing, versions, assembly and readiness. Nothing here reads a file,
//! opens a repository or renders a page, so all of it is testable with
//! values alone; it imports no other layer of relnotes but the error type.

pub mod assemble;
pub mod checklist;
pub mod config;
pub mod conventional;
pub mod input;
pub mod model;
pub mod package;
pub mod readiness;
pub mod text;
pub mod version;
