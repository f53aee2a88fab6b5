//! Exit codes, and the one line a failure prints on stderr.

use std::{fmt, process::ExitCode};

/// What kind of failure ended the command; each has its own exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Code {
    /// 1: server errors, network, bad responses, failed bulk rows.
    Failure,
    /// 2: input refused before sending or by the server (400); usage errors.
    InvalidInput,
    /// 3: no API key, or the server refused it (401, 403).
    Auth,
    /// 4: nothing found (404, empty lookups).
    NotFound,
    /// 5: rate limited (429).
    RateLimited,
    /// 130: stopped by Ctrl-C (128 + SIGINT, as shells report it), or by SIGTERM.
    Interrupted,
}

impl Code {
    /// The process exit status.
    pub fn as_u8(self) -> u8 {
        match self {
            Code::Failure => 1,
            Code::InvalidInput => 2,
            Code::Auth => 3,
            Code::NotFound => 4,
            Code::RateLimited => 5,
            Code::Interrupted => 130,
        }
    }

    /// The code for a library error.
    pub fn of(error: &assured::Error) -> Code {
        use assured::Error as E;
        match error {
            E::InvalidInput(_) | E::Validation(_) => Code::InvalidInput,
            E::Auth(_) => Code::Auth,
            E::NotFound(_) | E::MissingProfileId { .. } => Code::NotFound,
            E::RateLimited { .. } => Code::RateLimited,
            _ => Code::Failure,
        }
    }
}

impl From<Code> for ExitCode {
    fn from(code: Code) -> Self {
        ExitCode::from(code.as_u8())
    }
}

/// A failed command: its exit code and the line to print. An empty message
/// means the command already reported everything (bulk results).
#[derive(Debug)]
pub struct Failure {
    /// The exit code.
    pub code: Code,
    /// One line for stderr, without the `error: ` prefix.
    pub message: String,
}

impl Failure {
    /// A failure of `code` described by `message`.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    /// Input the command refused before sending anything.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::new(Code::InvalidInput, message)
    }

    /// A library error while doing `what` (e.g. "listing providers").
    pub fn api(what: &str, error: &assured::Error) -> Self {
        let mut message = format!("{what}: {}", describe(error));
        if let assured::Error::Transport { source, .. } = error {
            if source.is_connect() {
                message.push_str(
                    " (hint: is the server up, and the base URL right? \
                     --base-url, ASSURED_BASE_URL)",
                );
            }
        }
        Self::new(Code::of(error), message)
    }

    /// Writing the output failed.
    pub fn io(what: &str, error: &std::io::Error) -> Self {
        Self::new(Code::Failure, format!("{what}: {error}"))
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The error's message and its sources (reqwest hides the cause of a
/// transport error there), on one line. Never holds the API key: the
/// library's errors do not carry it.
pub fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text.replace(['\n', '\r'], " ")
}

/// The result of a command.
pub type Outcome = Result<(), Failure>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_distinct() {
        let codes = [
            Code::Failure,
            Code::InvalidInput,
            Code::Auth,
            Code::NotFound,
            Code::RateLimited,
            Code::Interrupted,
        ]
        .map(Code::as_u8);
        assert_eq!(codes, [1, 2, 3, 4, 5, 130]);
    }

    #[test]
    fn invalid_input_is_two() {
        let error = assured::Error::from(assured::InvalidInput::new("npi", "must be 10 digits"));
        let failure = Failure::api("finding providers by NPI", &error);
        assert_eq!(failure.code, Code::InvalidInput);
        assert_eq!(
            failure.message,
            "finding providers by NPI: invalid input: npi: must be 10 digits"
        );
    }
}
