//! Accepting connections: counted, optionally through TLS, and each one
//! wrapped so the bytes written to it are counted.
//!
//! The TLS handshake runs in a task per connection, not in
//! `Listener::accept`, so one slow or failing handshake does not hold up
//! the next connection; finished ones reach axum through a channel.

use std::{
    io,
    net::SocketAddr,
    pin::Pin,
    sync::{atomic::Ordering, Arc},
    task::{Context, Poll},
    time::Duration,
};

use tokio::{
    io::{AsyncRead, AsyncWrite, ReadBuf},
    net::TcpListener,
    sync::mpsc,
};
use tokio_rustls::TlsAcceptor;

use super::wan::Counters;

/// A handshake slower than this is abandoned.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A plain or TLS stream.
pub(crate) trait Stream: AsyncRead + AsyncWrite + Unpin + Send {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send> Stream for T {}

/// The connections ready to serve, for `axum::serve`.
pub(crate) struct Accepted {
    ready: mpsc::Receiver<(Counted, SocketAddr)>,
    local: SocketAddr,
}

impl axum::serve::Listener for Accepted {
    type Io = Counted;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accept loop only ends when this receiver is gone, so
            // this is not reached; waiting forever is the honest answer.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        Ok(self.local)
    }
}

/// Accepts on `listener` in the background until the returned
/// [`Accepted`] is dropped, which also closes the port.
pub(crate) fn accept(
    listener: TcpListener,
    local: SocketAddr,
    tls: Option<TlsAcceptor>,
    counters: Arc<Counters>,
) -> Accepted {
    let (ready, receiver) = mpsc::channel(64);
    tokio::spawn(async move {
        loop {
            let accepted = tokio::select! {
                _ = ready.closed() => return,
                accepted = listener.accept() => accepted,
            };
            let (tcp, peer) = match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, typically: let some close.
                    tracing::debug!(%error, "sandbox accept failed");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                    continue;
                }
            };
            counters.connections.fetch_add(1, Ordering::Relaxed);
            // Small requests and answers: do not wait to fill a segment.
            let _ = tcp.set_nodelay(true);
            let ready = ready.clone();
            let tls = tls.clone();
            let counters = counters.clone();
            tokio::spawn(async move {
                let stream: Box<dyn Stream> = match tls {
                    None => Box::new(tcp),
                    Some(acceptor) => {
                        match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                            Ok(Ok(tls)) => Box::new(tls),
                            Ok(Err(error)) => {
                                tracing::debug!(%error, %peer, "sandbox TLS handshake failed");
                                return;
                            }
                            Err(_) => return,
                        }
                    }
                };
                let _ = ready.send((Counted { stream, counters }, peer)).await;
            });
        }
    });
    Accepted {
        ready: receiver,
        local,
    }
}

/// A connection that counts the bytes written to it.
pub(crate) struct Counted {
    stream: Box<dyn Stream>,
    counters: Arc<Counters>,
}

impl Counted {
    fn count(&self, written: &Poll<io::Result<usize>>) {
        if let Poll::Ready(Ok(n)) = written {
            self.counters
                .bytes_sent
                .fetch_add(*n as u64, Ordering::Relaxed);
        }
    }
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write(cx, buf);
        self.count(&written);
        written
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let written = Pin::new(&mut self.stream).poll_write_vectored(cx, bufs);
        self.count(&written);
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
