//! The CAQH password: from `ASSURED_CAQH_PASSWORD`, or a hidden prompt
//! when stdin is a terminal. Never from an argument, which would sit in
//! shell history and process lists; there is no flag for it.

use std::io::{self, IsTerminal};

use assured::models::CaqhSecret;

use crate::exit::Failure;

/// The environment variable the password is read from.
pub const PASSWORD_ENV: &str = "ASSURED_CAQH_PASSWORD";

/// The CAQH password, from the environment or a hidden prompt.
pub fn caqh_password() -> Result<CaqhSecret, Failure> {
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        if !password.is_empty() {
            return Ok(CaqhSecret::from(password));
        }
    }
    if !io::stdin().is_terminal() {
        return Err(Failure::invalid(format!(
            "the CAQH password is needed: set {PASSWORD_ENV}, or run in a terminal to be \
             prompted (it is never taken from an argument)"
        )));
    }
    let password = rpassword::prompt_password("CAQH password: ")
        .map_err(|e| Failure::invalid(format!("reading the CAQH password: {e}")))?;
    if password.is_empty() {
        return Err(Failure::invalid("the CAQH password must not be empty"));
    }
    Ok(CaqhSecret::from(password))
}
