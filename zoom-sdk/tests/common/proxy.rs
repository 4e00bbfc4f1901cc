//! A TCP proxy on loopback that a test can take down (open connections cut, new ones refused)
//! and bring back on the same port: a database "restarting" under the SDK.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub struct FlakyProxy {
    pub addr: SocketAddr,
    up: watch::Sender<bool>,
    conns: Arc<Mutex<Vec<JoinHandle<()>>>>,
    _task: JoinHandle<()>,
}

impl FlakyProxy {
    /// Forward 127.0.0.1:<some port> to `target`.
    pub async fn start(target: SocketAddr) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let addr = listener.local_addr().expect("addr");
        let (up, mut rx) = watch::channel(true);
        let conns: Arc<Mutex<Vec<JoinHandle<()>>>> = Arc::default();
        let c = conns.clone();
        let task = tokio::spawn(async move {
            let mut listener = Some(listener);
            loop {
                if !*rx.borrow() {
                    // Down: no listener, so connecting is refused.
                    listener = None;
                    if rx.changed().await.is_err() {
                        return;
                    }
                    continue;
                }
                let l = match &listener {
                    Some(l) => l,
                    None => {
                        listener = TcpListener::bind(addr).await.ok();
                        if listener.is_none() {
                            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                        }
                        continue;
                    }
                };
                tokio::select! {
                    accepted = l.accept() => {
                        if let Ok((mut inbound, _)) = accepted {
                            c.lock().unwrap().push(tokio::spawn(async move {
                                if let Ok(mut outbound) = TcpStream::connect(target).await {
                                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                                }
                            }));
                        }
                    }
                    changed = rx.changed() => if changed.is_err() { return },
                }
            }
        });
        Self {
            addr,
            up,
            conns,
            _task: task,
        }
    }

    /// Down: every open connection is cut and new ones are refused. Up: accept again.
    pub fn set_up(&self, up: bool) {
        if !up {
            for c in self.conns.lock().unwrap().drain(..) {
                c.abort();
            }
        }
        let _ = self.up.send(up);
    }
}
