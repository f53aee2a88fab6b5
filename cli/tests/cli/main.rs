//! The `assured` binary end to end, against a sandbox started in each test.

mod bulk;
mod commands;
mod exit_codes;
mod first_contact;
mod formats;
mod secrets;
mod support;
