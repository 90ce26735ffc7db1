//! `relnotes preview`: a local web server that shows every page of a
//! release and rebuilds them as files change.

use crate::assemble::Target;
use crate::commands::Global;
use crate::error::{Error, Result};

pub fn run(_g: &Global, _target: Target, _port: u16, _host: &str, _open: bool) -> Result<()> {
    Err(Error::usage("`relnotes preview` is being built (issue 5)", "use `relnotes build` meanwhile"))
}
