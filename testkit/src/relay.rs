//! A TCP relay between the process under test and a real server (PostgreSQL), which a test
//! can cut and restore.
//!
//! It reproduces what the process sees when its database restarts or the network between
//! them fails: every open connection is dropped mid-conversation, and new ones are closed
//! as soon as they are accepted (the client reads an end of stream during its handshake),
//! until the relay is restored. The server itself is real and untouched, so what was
//! committed before the cut is there after it.

use std::net::SocketAddr;
use std::sync::Arc;
use tokio::io::copy_bidirectional;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;

/// A relay to one server address; dropped, it stops relaying.
pub struct TcpRelay {
    addr: SocketAddr,
    up: watch::Sender<bool>,
    accepting: tokio::task::JoinHandle<()>,
}

impl TcpRelay {
    /// Relay a fresh local port to `server` (`host:port`).
    pub async fn start(server: &str) -> Self {
        let server: Arc<str> = server.into();
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a local port for the relay");
        let addr = listener.local_addr().expect("the relay's address");
        let (up, _) = watch::channel(true);
        let state = up.subscribe();
        let accepting = tokio::spawn(async move {
            while let Ok((mut client, _)) = listener.accept().await {
                let mut state = state.clone();
                let server = server.clone();
                if !*state.borrow_and_update() {
                    drop(client);
                    continue;
                }
                tokio::spawn(async move {
                    let Ok(mut server) = TcpStream::connect(&*server).await else {
                        return;
                    };
                    tokio::select! {
                        _ = copy_bidirectional(&mut client, &mut server) => {}
                        _ = state.wait_for(|up| !up) => {}
                    }
                });
            }
        });
        Self {
            addr,
            up,
            accepting,
        }
    }

    /// The local address to connect to instead of the server's.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Drop every relayed connection and close new ones at once, until [`TcpRelay::restore`].
    pub fn cut(&self) {
        self.up.send_replace(false);
    }

    /// Relay new connections again.
    pub fn restore(&self) {
        self.up.send_replace(true);
    }
}

impl Drop for TcpRelay {
    fn drop(&mut self) {
        self.cut();
        self.accepting.abort();
    }
}
