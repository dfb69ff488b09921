//! A TCP proxy in front of the server that a test can "switch off": `cut()`
//! closes the listening socket and drops every live connection, so clients
//! see what they would see if privacyIDEA were stopped (connection refused,
//! or a connection closed mid-request); `restore()` listens again on the
//! same port, as a restarted server would.

use std::net::SocketAddr;
use std::sync::Mutex;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::task::{JoinHandle, JoinSet};
use tokio_util::sync::CancellationToken;

pub struct CutProxy {
    addr: SocketAddr,
    upstream: SocketAddr,
    running: Mutex<Option<Running>>,
}

struct Running {
    stop: CancellationToken,
    /// Owns the listener and the connection tasks; ends after dropping both.
    accept: JoinHandle<()>,
}

/// A listener that can be bound again on the same port right after the
/// previous one closed (connections it accepted may sit in TIME_WAIT).
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = TcpSocket::new_v4()?;
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(128)
}

impl CutProxy {
    /// Starts forwarding 127.0.0.1:<free port> to `upstream_url`
    /// (`http://host:port`, any path is ignored). Needs a tokio runtime.
    pub async fn start(upstream_url: &str) -> CutProxy {
        let url = reqwest::Url::parse(upstream_url)
            .unwrap_or_else(|e| panic!("upstream URL {upstream_url}: {e}"));
        let host = url.host_str().expect("upstream URL without host");
        let port = url
            .port_or_known_default()
            .expect("upstream URL without port");
        let upstream = tokio::net::lookup_host((host, port))
            .await
            .unwrap_or_else(|e| panic!("resolving {host}:{port}: {e}"))
            .next()
            .unwrap_or_else(|| panic!("{host}:{port} resolves to nothing"));
        let listener = listen("127.0.0.1:0".parse().unwrap()).expect("binding the proxy");
        let addr = listener.local_addr().unwrap();
        let proxy = CutProxy {
            addr,
            upstream,
            running: Mutex::new(None),
        };
        *proxy.running.lock().unwrap() = Some(proxy.spawn(listener));
        proxy
    }

    /// `http://127.0.0.1:PORT`, stable across cut/restore.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn is_cut(&self) -> bool {
        self.running.lock().unwrap().is_none()
    }

    fn spawn(&self, listener: TcpListener) -> Running {
        let stop = CancellationToken::new();
        let upstream = self.upstream;
        let accept = tokio::spawn({
            let stop = stop.clone();
            async move {
                let mut conns = JoinSet::new();
                loop {
                    tokio::select! {
                        _ = stop.cancelled() => break,
                        // Reaps finished connections so the set does not grow.
                        Some(_) = conns.join_next(), if !conns.is_empty() => {}
                        accepted = listener.accept() => {
                            // An accept error (e.g. EMFILE) only loses that client.
                            if let Ok((client, _)) = accepted {
                                conns.spawn(pipe(client, upstream));
                            }
                        }
                    }
                }
                drop(listener);
                // Aborting drops both sockets of every live connection.
                conns.shutdown().await;
            }
        });
        Running { stop, accept }
    }

    /// Stops listening and drops all live connections; returns once the
    /// port is closed. Cutting a cut proxy does nothing.
    pub async fn cut(&self) {
        let Some(running) = self.running.lock().unwrap().take() else {
            return;
        };
        running.stop.cancel();
        let _ = running.accept.await;
    }

    /// Listens again on the same port. Restoring a running proxy does nothing.
    pub async fn restore(&self) {
        if !self.is_cut() {
            return;
        }
        let listener =
            listen(self.addr).unwrap_or_else(|e| panic!("listening again on {}: {e}", self.addr));
        let running = self.spawn(listener);
        *self.running.lock().unwrap() = Some(running);
    }
}

impl Drop for CutProxy {
    fn drop(&mut self) {
        if let Ok(mut guard) = self.running.lock()
            && let Some(running) = guard.take()
        {
            running.stop.cancel();
        }
    }
}

async fn pipe(mut client: TcpStream, upstream: SocketAddr) {
    // An unreachable upstream closes the client's connection, which is what
    // a client of a dead server behind a load balancer would see.
    let Ok(mut server) = TcpStream::connect(upstream).await else {
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
}
