//! The one error type of relnotes. Every variant carries what a user needs to
//! fix the problem: the file, line and column, the revision or template, and a
//! `help` line that names the next step. This module formats; it never exits.

use std::path::PathBuf;

/// A location inside an input file, 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A YAML document (config, release metadata, front matter) that does not
    /// parse or does not match the expected fields.
    #[error("{location}: {message}\n  help: {help}")]
    Input {
        location: Location,
        message: String,
        help: String,
    },

    /// An input that parsed but whose content is not usable.
    #[error("{path}: {message}\n  help: {help}", path = path.display())]
    Invalid {
        path: PathBuf,
        message: String,
        help: String,
    },

    /// A problem with the command line itself (a tag that does not exist,
    /// conflicting flags).
    #[error("{message}\n  help: {help}")]
    Usage { message: String, help: String },

    /// A problem reading the git repository.
    #[error("{message}\n  help: {help}")]
    Git { message: String, help: String },

    /// A template that does not parse or fails while rendering.
    #[error("template {template}:{line}:{column}: {message}\n  help: {help}")]
    Template {
        template: String,
        line: usize,
        column: usize,
        message: String,
        help: String,
    },

    /// A value that could not be written as JSON: a bug in relnotes, since
    /// the model is plain data.
    #[error("could not write {what} as JSON: {message}\n  help: this is a bug in relnotes; please report it with the command you ran")]
    Json { what: &'static str, message: String },

    /// An output that could not be serialized (a feed): a bug in relnotes.
    #[error("could not write {what}: {message}\n  help: this is a bug in relnotes; please report it with the command you ran")]
    Serialize { what: &'static str, message: String },

    #[error("{action} {path}: {source}", path = path.display())]
    Io {
        action: &'static str,
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Exit code for this error: every error relnotes reports is a usage or
    /// input problem (2); "not ready" (1) is a result, not an error.
    pub fn exit_code(&self) -> u8 {
        2
    }

    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    pub fn json(what: &'static str, e: impl std::fmt::Display) -> Self {
        Error::Json {
            what,
            message: e.to_string(),
        }
    }

    pub fn usage(message: impl Into<String>, help: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            help: help.into(),
        }
    }

    /// An input problem at a known place in a file.
    pub fn at(
        path: impl Into<PathBuf>,
        (line, column): (usize, usize),
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Error::Input {
            location: Location {
                file: path.into(),
                line,
                column,
            },
            message: message.into(),
            help: help.into(),
        }
    }

    pub fn invalid(
        path: impl Into<PathBuf>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Self {
        Error::Invalid {
            path: path.into(),
            message: message.into(),
            help: help.into(),
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The candidate closest to `word`, if it is close enough to be a plausible
/// typo. Used for unknown fields, tags and segments.
pub fn nearest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    nearest_n(word, candidates, 1).into_iter().next()
}

/// Up to `n` candidates ordered by similarity to `word`, most similar first.
pub fn nearest_n<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    n: usize,
) -> Vec<&'a str> {
    let mut scored: Vec<(f64, &str)> = candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.6)
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    scored.into_iter().take(n).map(|(_, c)| c).collect()
}
