//! Transport failures, classified once, by type, never by message text: DNS, connect, TLS,
//! timeout, reset, body; and whether the request may have reached Zoom. The pipeline, OAuth
//! and the health report all read the [`TransportFailure`] this module derives.
//!
//! DNS failures are recognised because the SDK resolves names itself (`SdkResolver`, Tokio's
//! resolver behind reqwest's `Resolve`) and fails with its own [`DnsError`]. TLS failures are
//! `rustls::Error`s, connection failures and resets `std::io::Error` kinds, early closes
//! `hyper::Error`s.

use serde::Serialize;
use std::error::Error as StdError;
use std::io::ErrorKind as Io;

/// What failed on the way to Zoom.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TransportKind {
    /// The host name did not resolve.
    Dns,
    /// No connection (refused, unreachable).
    Connect,
    /// The TLS handshake failed (certificate, protocol).
    Tls,
    /// A connect or request timeout elapsed.
    Timeout,
    /// The connection was reset or closed before the answer was complete.
    Reset,
    /// The answer's body could not be read.
    Body,
    /// Anything else the HTTP stack reported.
    Other,
}

/// A classified transport failure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct TransportFailure {
    /// What failed: DNS, connect and TLS failures happen before anything is sent; the others
    /// may leave a request processed by Zoom.
    pub kind: TransportKind,
    /// Whether Zoom may have received the request (false only when no connection was made).
    pub maybe_sent: bool,
}

impl TransportFailure {
    /// Classify a reqwest error.
    pub fn of(e: &reqwest::Error) -> Self {
        let connecting = e.is_connect();
        let kind = match chain_kind(e) {
            // A name that did not resolve in time is still a DNS failure.
            Some(TransportKind::Dns) => TransportKind::Dns,
            _ if e.is_timeout() => TransportKind::Timeout,
            Some(kind) => kind,
            None if connecting => TransportKind::Connect,
            None if e.is_body() || e.is_decode() => TransportKind::Body,
            None => TransportKind::Other,
        };
        let before_sending = connecting
            || matches!(
                kind,
                TransportKind::Dns | TransportKind::Connect | TransportKind::Tls
            );
        Self {
            kind,
            maybe_sent: !before_sending,
        }
    }

    /// The SDK error for this failure of `e`: [`crate::Error::Timeout`] or
    /// [`crate::Error::Transport`].
    pub(crate) fn into_error(
        self,
        e: &reqwest::Error,
        timeout: std::time::Duration,
    ) -> crate::Error {
        match self.kind {
            TransportKind::Timeout => crate::Error::Timeout {
                after: timeout,
                maybe_sent: self.maybe_sent,
            },
            kind => crate::Error::Transport {
                kind,
                message: super::describe(e),
                maybe_sent: self.maybe_sent,
            },
        }
    }
}

/// The SDK error for a failed exchange, classified once.
pub(crate) fn to_error(e: &reqwest::Error, timeout: std::time::Duration) -> crate::Error {
    TransportFailure::of(e).into_error(e, timeout)
}

/// The first typed cause found along the error's chain (looking inside `io::Error`s too, whose
/// `source()` skips the error they wrap).
fn chain_kind(e: &(dyn StdError + 'static)) -> Option<TransportKind> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(e);
    while let Some(err) = current {
        if let Some(kind) = kind_of(err) {
            return Some(kind);
        }
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            if let Some(inner) = io.get_ref() {
                if let Some(kind) = chain_kind(inner) {
                    return Some(kind);
                }
            }
        }
        current = err.source();
    }
    None
}

fn kind_of(err: &(dyn StdError + 'static)) -> Option<TransportKind> {
    if err.is::<DnsError>() {
        return Some(TransportKind::Dns);
    }
    if err.is::<rustls::Error>() {
        return Some(TransportKind::Tls);
    }
    if let Some(h) = err.downcast_ref::<hyper::Error>() {
        if h.is_timeout() {
            return Some(TransportKind::Timeout);
        }
        if h.is_incomplete_message() || h.is_canceled() || h.is_closed() {
            return Some(TransportKind::Reset);
        }
    }
    if let Some(io) = err.downcast_ref::<std::io::Error>() {
        return match io.kind() {
            Io::ConnectionRefused
            | Io::AddrNotAvailable
            | Io::NetworkUnreachable
            | Io::HostUnreachable
            | Io::NetworkDown => Some(TransportKind::Connect),
            Io::ConnectionReset | Io::ConnectionAborted | Io::BrokenPipe | Io::UnexpectedEof => {
                Some(TransportKind::Reset)
            }
            Io::TimedOut => Some(TransportKind::Timeout),
            _ => None,
        };
    }
    None
}

/// A name that did not resolve (the SDK's resolver's error).
#[derive(Debug, thiserror::Error)]
#[error("{host} does not resolve: {source}")]
pub struct DnsError {
    host: String,
    #[source]
    source: std::io::Error,
}

/// The SDK's resolver: Tokio's (the system's `getaddrinfo`), failing with a typed [`DnsError`].
#[derive(Debug, Default)]
pub(crate) struct SdkResolver;

impl reqwest::dns::Resolve for SdkResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let found = tokio::net::lookup_host((host.clone(), 0)).await;
            match found {
                Ok(addrs) => {
                    let addrs: Vec<std::net::SocketAddr> = addrs.collect();
                    if addrs.is_empty() {
                        let source = std::io::Error::new(Io::NotFound, "no address");
                        return Err(Box::new(DnsError { host, source }) as _);
                    }
                    Ok(Box::new(addrs.into_iter()) as reqwest::dns::Addrs)
                }
                Err(source) => Err(Box::new(DnsError { host, source }) as _),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::time::Duration;

    fn client() -> reqwest::Client {
        reqwest::Client::builder()
            .dns_resolver(Arc::new(SdkResolver))
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn an_unresolvable_name_is_dns_and_unsent() {
        let e = client()
            .get("http://no-such-host.invalid/")
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            TransportFailure::of(&e),
            TransportFailure {
                kind: TransportKind::Dns,
                maybe_sent: false
            }
        );
    }

    #[tokio::test]
    async fn a_refused_connection_is_connect_and_unsent() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let e = client()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            TransportFailure::of(&e),
            TransportFailure {
                kind: TransportKind::Connect,
                maybe_sent: false
            }
        );
    }

    #[tokio::test]
    async fn tls_to_a_plain_http_server_is_tls_and_unsent() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::AsyncWriteExt;
            while let Ok((mut s, _)) = listener.accept().await {
                let _ = s
                    .write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n")
                    .await;
            }
        });
        let e = reqwest::Client::builder()
            .use_rustls_tls()
            .build()
            .unwrap()
            .get(format!("https://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(TransportFailure::of(&e).kind, TransportKind::Tls, "{e:?}");
    }

    #[tokio::test]
    async fn a_connection_closed_after_the_request_is_reset_and_maybe_sent() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        tokio::spawn(async move {
            use tokio::io::AsyncReadExt;
            while let Ok((mut s, _)) = listener.accept().await {
                let mut buf = [0u8; 1024];
                let _ = s.read(&mut buf).await;
                drop(s);
            }
        });
        let e = client()
            .get(format!("http://127.0.0.1:{port}/"))
            .send()
            .await
            .unwrap_err();
        assert_eq!(
            TransportFailure::of(&e),
            TransportFailure {
                kind: TransportKind::Reset,
                maybe_sent: true
            },
            "{e:?}"
        );
    }
}
