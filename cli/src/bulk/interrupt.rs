//! Ctrl-C (or, on Unix, SIGTERM: how `kill`, systemd and Kubernetes stop a process) during a
//! bulk invite. The first one lets the batch in flight finish (its rows then have a known result)
//! and sends nothing more; a second one stops waiting, and the rows of that batch are reported as
//! unknown. Either way every row gets its result and the totals print.

use indicatif::ProgressBar;
use tokio::{sync::mpsc, task::JoinHandle};

/// The interrupts (Ctrl-C, SIGTERM) received since sending began.
pub struct Interrupts {
    presses: mpsc::UnboundedReceiver<&'static str>,
    count: usize,
    /// What the first interrupt was, for messages.
    first: Option<&'static str>,
    listener: JoinHandle<()>,
    bar: ProgressBar,
}

impl Interrupts {
    /// Takes Ctrl-C over from the default handler (which would end the
    /// process mid-batch, leaving no record of what was sent).
    pub fn listen(bar: &ProgressBar) -> Self {
        let (tx, presses) = mpsc::unbounded_channel();
        let listener = tokio::spawn(async move {
            #[cfg(unix)]
            let mut term =
                tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
            loop {
                #[cfg(unix)]
                let name = tokio::select! {
                    pressed = tokio::signal::ctrl_c() => pressed.ok().map(|()| "Ctrl-C"),
                    Some(()) = terminated(&mut term) => Some("SIGTERM"),
                };
                #[cfg(not(unix))]
                let name = tokio::signal::ctrl_c().await.ok().map(|()| "Ctrl-C");
                match name {
                    Some(name) if tx.send(name).is_ok() => {}
                    _ => break,
                }
            }
        });
        Self {
            presses,
            count: 0,
            first: None,
            listener,
            bar: bar.clone(),
        }
    }

    /// How many interrupts came so far.
    pub fn count(&mut self) -> usize {
        while let Ok(name) = self.presses.try_recv() {
            self.press(name);
        }
        self.count
    }

    /// What the first interrupt was (`Ctrl-C`, `SIGTERM`).
    pub fn cause(&self) -> &'static str {
        self.first.unwrap_or("Ctrl-C")
    }

    /// Waits for the next interrupt (forever, if none can be listened to).
    pub async fn next(&mut self) {
        match self.presses.recv().await {
            Some(name) => self.press(name),
            None => std::future::pending().await,
        }
    }

    fn press(&mut self, name: &'static str) {
        self.count += 1;
        if self.count == 1 {
            self.first = Some(name);
            self.bar.suspend(|| {
                eprintln!(
                    "interrupted ({name}): finishing the batch in flight, sending nothing more \
                     ({name} again to stop waiting)"
                );
            });
        }
    }
}

/// The next SIGTERM, or never when it cannot be listened to.
#[cfg(unix)]
async fn terminated(term: &mut Option<tokio::signal::unix::Signal>) -> Option<()> {
    match term {
        Some(term) => term.recv().await,
        None => std::future::pending().await,
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        self.listener.abort();
    }
}
