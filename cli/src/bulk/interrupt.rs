//! Ctrl-C during a bulk invite. The first one lets the batch in flight
//! finish (its rows then have a known result) and sends nothing more; a
//! second one stops waiting, and the rows of that batch are reported as
//! unknown. Either way every row gets its result and the totals print.

use indicatif::ProgressBar;
use tokio::{sync::mpsc, task::JoinHandle};

/// The Ctrl-Cs pressed since sending began.
pub struct Interrupts {
    presses: mpsc::UnboundedReceiver<()>,
    count: usize,
    listener: JoinHandle<()>,
    bar: ProgressBar,
}

impl Interrupts {
    /// Takes Ctrl-C over from the default handler (which would end the
    /// process mid-batch, leaving no record of what was sent).
    pub fn listen(bar: &ProgressBar) -> Self {
        let (tx, presses) = mpsc::unbounded_channel();
        let listener = tokio::spawn(async move {
            while tokio::signal::ctrl_c().await.is_ok() {
                if tx.send(()).is_err() {
                    break;
                }
            }
        });
        Self {
            presses,
            count: 0,
            listener,
            bar: bar.clone(),
        }
    }

    /// How many times Ctrl-C was pressed so far.
    pub fn count(&mut self) -> usize {
        while self.presses.try_recv().is_ok() {
            self.press();
        }
        self.count
    }

    /// Waits for the next press (forever, if Ctrl-C cannot be listened to).
    pub async fn next(&mut self) {
        match self.presses.recv().await {
            Some(()) => self.press(),
            None => std::future::pending().await,
        }
    }

    fn press(&mut self) {
        self.count += 1;
        if self.count == 1 {
            self.bar.suspend(|| {
                eprintln!(
                    "interrupted: finishing the batch in flight, sending nothing more \
                     (Ctrl-C again to stop waiting)"
                );
            });
        }
    }
}

impl Drop for Interrupts {
    fn drop(&mut self) {
        self.listener.abort();
    }
}
