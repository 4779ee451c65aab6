//! What several test files share: a merchant's callback endpoint on a loopback port.

#![allow(dead_code, reason = "each test file uses a part of it")]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use smilepayz::callback::SUCCESS_REPLY;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// One callback as the merchant's server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A merchant's callback endpoint on a loopback port: records every delivery and answers
/// `SUCCESS`, except the first `refuse_first` deliveries, which get a 500.
pub struct CallbackServer {
    pub url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl CallbackServer {
    pub async fn start(refuse_first: usize) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!(
            "http://{}/smilepayz/callback",
            listener.local_addr().expect("addr")
        );
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&received);
        tokio::spawn(async move {
            loop {
                let Ok((mut stream, _)) = listener.accept().await else {
                    return;
                };
                let log = Arc::clone(&log);
                tokio::spawn(async move {
                    let mut data = Vec::new();
                    let mut buffer = [0u8; 4096];
                    // Read the head, then Content-Length bytes of body (bounded: 64 KiB).
                    let (head_end, length) = loop {
                        let Ok(n) = stream.read(&mut buffer).await else {
                            return;
                        };
                        if n == 0 || data.len() > 65_536 {
                            return;
                        }
                        data.extend_from_slice(&buffer[..n]);
                        if let Some(end) = data.windows(4).position(|w| w == b"\r\n\r\n") {
                            let head = String::from_utf8_lossy(&data[..end]).to_ascii_lowercase();
                            let length = head
                                .lines()
                                .find_map(|l| l.strip_prefix("content-length:"))
                                .and_then(|v| v.trim().parse::<usize>().ok())
                                .unwrap_or(0);
                            break (end + 4, length);
                        }
                    };
                    while data.len() < head_end + length {
                        let Ok(n) = stream.read(&mut buffer).await else {
                            return;
                        };
                        if n == 0 {
                            return;
                        }
                        data.extend_from_slice(&buffer[..n]);
                    }
                    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
                    let headers = head
                        .lines()
                        .skip(1)
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_owned(), v.trim().to_owned()))
                        .collect();
                    let body = data[head_end..head_end + length].to_vec();
                    let count = {
                        let mut log = log.lock().expect("log");
                        log.push(Received { headers, body });
                        log.len()
                    };
                    let reply = if count <= refuse_first {
                        "HTTP/1.1 500 Internal Server Error\r\ncontent-length: 5\r\nconnection: close\r\n\r\nerror".to_owned()
                    } else {
                        format!(
                            "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{SUCCESS_REPLY}",
                            SUCCESS_REPLY.len()
                        )
                    };
                    let _ = stream.write_all(reply.as_bytes()).await;
                });
            }
        });
        Self { url, received }
    }

    /// Waits for the `n`th delivery and returns it verified and read as `region`'s `N`.
    pub async fn last_verified<N: smilepayz::FromRegionJson>(
        &self,
        verifier: &smilepayz::callback::CallbackVerifier,
        region: smilepayz::Region,
        n: usize,
    ) -> N {
        let received = self.wait_for(n).await;
        let callback = received.last().expect("a callback");
        verifier
            .verify_in::<N>(
                region,
                callback
                    .headers
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_bytes())),
                &callback.body,
                std::time::SystemTime::now(),
            )
            .unwrap_or_else(|e| panic!("{region}: {e}"))
            .notification
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("log").clone()
    }

    /// Waits (at most 10 s) until `n` deliveries have arrived.
    pub async fn wait_for(&self, n: usize) -> Vec<Received> {
        for _ in 0..200 {
            let received = self.received();
            if received.len() >= n {
                return received;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("{n} callbacks expected, {} arrived", self.received().len());
    }
}

/// Reads one HTTP/1.1 message, a request or an answer (head and `Content-Length` body), from
/// `stream`; `None` at the end of the connection.
pub async fn read_http_message(stream: &mut TcpStream) -> Option<(String, Vec<u8>)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    Some((head, buffer[head_end..head_end + length].to_vec()))
}
