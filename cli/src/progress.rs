//! Progress bars on stderr for multi-page and bulk work: drawn only when
//! stderr is a terminal, hidden otherwise (pipes, files, tests).

use std::{
    io::{self, IsTerminal},
    time::Duration,
};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Redraws per second at most: a bar over a fast walk or over thousands of
/// rows would otherwise spend the terminal's time (and an ssh link's) on
/// frames nobody can read.
const REDRAWS_PER_SECOND: u8 = 8;

/// How often the spinner moves while nothing else changes (a slow page).
const TICK: Duration = Duration::from_millis(250);

/// A bar counting `unit` (e.g. "rows") towards `total`, when known.
pub fn bar(total: Option<u64>, unit: &'static str) -> ProgressBar {
    if !io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let target = ProgressDrawTarget::stderr_with_hz(REDRAWS_PER_SECOND);
    let bar = ProgressBar::with_draw_target(total, target);
    style(&bar, unit, total.is_some());
    bar.enable_steady_tick(TICK);
    bar
}

/// Tells `bar` the total, once known (after the first page).
pub fn set_total(bar: &ProgressBar, total: u64, unit: &'static str) {
    if bar.is_hidden() {
        return;
    }
    bar.set_length(total);
    style(bar, unit, true);
}

fn style(bar: &ProgressBar, unit: &str, with_total: bool) {
    let template = if with_total {
        format!("{{spinner}} [{{elapsed_precise}}] {{wide_bar}} {{pos}}/{{len}} {unit} {{msg}}")
    } else {
        format!("{{spinner}} [{{elapsed_precise}}] {{pos}} {unit} {{msg}}")
    };
    if let Ok(style) = ProgressStyle::with_template(&template) {
        bar.set_style(style);
    }
}
