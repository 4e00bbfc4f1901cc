//! The accept loop. It serves each connection with hyper directly (not `axum::serve`) so that a
//! handler can drop its own connection mid-request: that is how connection resets are injected.

use crate::ConnKill;
use axum::Router;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tower::ServiceExt;

pub(crate) async fn serve(listener: TcpListener, app: Router, mut shutdown: oneshot::Receiver<()>) {
    loop {
        tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                tokio::spawn(async move {
                    let kill = ConnKill::default();
                    let for_requests = kill.clone();
                    let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
                        req.extensions_mut().insert(for_requests.clone());
                        app.clone().oneshot(req)
                    });
                    let conn = hyper::server::conn::http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), svc);
                    tokio::select! {
                        _ = conn => {}
                        // Dropping the connection future closes the socket with no answer.
                        _ = kill.0.notified() => {}
                    }
                });
            }
        }
    }
}
