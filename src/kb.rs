//! `relnotes kb`: the support knowledge base, a static site over every
//! release and known issue, built from the same release model as `build`.

use std::path::PathBuf;

use crate::cli::{KbAudience, KbFormat};
use crate::commands::Global;
use crate::error::{Error, Result};

pub fn run(_g: &Global, _out: Option<PathBuf>, _format: KbFormat, _audience: KbAudience) -> Result<()> {
    Err(Error::usage("`relnotes kb` is being built (issue 4)", "use `relnotes build --all` meanwhile"))
}
