//! The `relnotes` binary: parse the command line, run, print the error chain,
//! exit. The only exit point.

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

// Rendering thousands of pages is allocation-heavy; glibc's allocator spent
// about a third of `build --all` in malloc and free.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    relnotes::trace::start();
    relnotes::sources::git::configure_process();
    let cli = relnotes::app::cli::Cli::parse();
    let outcome = relnotes::run(cli);
    relnotes::trace::phase("command done");
    match outcome {
        Ok(relnotes::Outcome::Success) => ExitCode::SUCCESS,
        Ok(relnotes::Outcome::NotReady) => ExitCode::from(1),
        Err(relnotes::Error::Io { source, .. })
            if source.kind() == std::io::ErrorKind::BrokenPipe =>
        {
            // `relnotes context | head` is not an error.
            ExitCode::SUCCESS
        }
        Err(e) => {
            let mut err = std::io::stderr().lock();
            let shown = e.to_string();
            let _ = writeln!(err, "error: {shown}");
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                // A cause already in the message is not repeated.
                let text = s.to_string();
                if !shown.contains(&text) {
                    let _ = writeln!(err, "  caused by: {text}");
                }
                source = s.source();
            }
            ExitCode::from(e.exit_code())
        }
    }
}
