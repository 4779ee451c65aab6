//! A fixed reference server: HTTP/1.1 with keep-alive on loopback, answering every request
//! with the same canned body, without checking anything. Loopback round trips against it
//! measure the clients, not a server.
//!
//! It runs on its own thread with a current-thread tokio runtime, so it costs both clients the
//! same and does not share their runtime's worker threads.

use std::convert::Infallible;
use std::net::{Ipv4Addr, SocketAddr};
use std::thread::JoinHandle;

use bytes::Bytes;
use http::header::{CONTENT_TYPE, HeaderValue};
use http::{Request, Response};
use http_body_util::{BodyExt as _, Full};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::sync::oneshot;

/// A running reference server; dropping it stops it.
pub struct ReferenceServer {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl ReferenceServer {
    /// Starts a server on an ephemeral loopback port that answers every request with status
    /// 200, `Content-Type: application/json`, a fixed `X-TIMESTAMP` and `body`.
    ///
    /// # Errors
    /// If the runtime cannot be built or the port cannot be bound.
    pub fn start(body: &'static str) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let listener = runtime.block_on(TcpListener::bind((Ipv4Addr::LOCALHOST, 0)))?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name("reference-server".to_owned())
            .spawn(move || runtime.block_on(serve(listener, body, stopped)))?;
        Ok(Self {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for ReferenceServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn serve(listener: TcpListener, body: &'static str, mut stopped: oneshot::Receiver<()>) {
    let body = Bytes::from_static(body.as_bytes());
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let body = body.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |request: Request<Incoming>| {
                        let body = body.clone();
                        async move {
                            // Read the request body, as any server must before answering on
                            // a kept-alive connection.
                            let _ = request.into_body().collect().await;
                            let mut response = Response::new(Full::new(body));
                            let headers = response.headers_mut();
                            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
                            headers.insert("x-timestamp", HeaderValue::from_static("2026-11-22T10:00:01+07:00"));
                            Ok::<_, Infallible>(response)
                        }
                    });
                    let _ = http1::Builder::new()
                        .keep_alive(true)
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        }
    }
}
