//! The emulator's money flow under load: pay-ins settled, with their callbacks delivered,
//! verified and answered, per second; then the memory that stored transactions take.
//!
//! `payin-load [--pay-ins 5000] [--concurrency 32] [--memory 100000] [--max-seconds 120]`
//!
//! Phase 1: the emulator (THB benchmark merchant, `settle_after` zero, so each pay-in settles
//! before it is answered) and a callback endpoint run in this process. `--concurrency` tasks
//! send `--pay-ins` pay-ins through the SDK client (each built, checked, signed and sent); the
//! endpoint verifies every callback with the emulator's platform key and answers `SUCCESS`.
//! The figure is pay-ins per second from the first request until the last callback was
//! verified, and how many callbacks were lost (sent pay-ins minus verified callbacks).
//!
//! Phase 2: a second emulator that never settles stores `--memory` pay-ins (no callbacks);
//! the process's resident memory before and after, per transaction.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use smilepayz::callback::{CallbackVerifier, SUCCESS_REPLY};
use smilepayz::definitions::{Merchant, Payer, PaymentMethod};
use smilepayz::regions::thb;
use smilepayz::{OrderNo, TransactionMoney};
use smilepayz_bench::{args, cpu, fixtures};
use smilepayz_emulator::Emulator;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

fn pay_in(i: usize, callback_url: Option<&str>) -> thb::PayInRequest {
    let mut builder = thb::PayInRequest::builder()
        .order_no(OrderNo::new(format!("S20001BENCH{i:018}")).expect("an order number"))
        .purpose("load")
        .merchant(Merchant::new(fixtures::PARTNER_ID))
        .money(TransactionMoney::parse("100.50").expect("an amount"))
        .payment_method(PaymentMethod::Qrpay)
        .payer(Payer {
            name: Some("Somchai".into()),
            account_no: Some("1234567890".into()),
            bank_name: Some("KBANK".into()),
            ..Payer::default()
        });
    if let Some(url) = callback_url {
        builder = builder.callback_url(url);
    }
    builder.build().expect("a valid pay-in")
}

/// Sends pay-ins `from..to` with `concurrency` tasks; every one must be accepted.
async fn send(
    client: &smilepayz::Client,
    from: usize,
    to: usize,
    concurrency: usize,
    callback_url: Option<&str>,
) {
    let next = Arc::new(AtomicUsize::new(from));
    let mut tasks = JoinSet::new();
    for _ in 0..concurrency {
        let (client, next, url) = (
            client.clone(),
            Arc::clone(&next),
            callback_url.map(str::to_owned),
        );
        tasks.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= to {
                    return;
                }
                client
                    .send(&pay_in(i, url.as_deref()))
                    .await
                    .unwrap_or_else(|e| panic!("pay-in {i}: {e}"));
            }
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.expect("a sender task");
    }
}

/// The process's resident memory, in bytes (Linux).
fn resident_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

fn main() {
    let pay_ins: usize = args::option("--pay-ins", 5000);
    let concurrency: usize = args::option("--concurrency", 32);
    let memory: usize = args::option("--memory", 100_000);
    let max = Duration::from_secs(args::option("--max-seconds", 120));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    runtime.block_on(async {
        // Phase 1.
        let emulator = Emulator::builder()
            .merchant(fixtures::emulator_merchant())
            .settle_after(Duration::ZERO)
            .start()
            .await
            .expect("the emulator starts");
        let verified = Arc::new(AtomicUsize::new(0));
        let refused = Arc::new(AtomicUsize::new(0));
        let verifier = Arc::new(CallbackVerifier::new(emulator.platform_public_key()));
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let callback_url = format!("http://{}/callback", listener.local_addr().expect("addr"));
        let (count, bad) = (Arc::clone(&verified), Arc::clone(&refused));
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (verifier, count, bad) = (Arc::clone(&verifier), Arc::clone(&count), Arc::clone(&bad));
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                        let (verifier, count, bad) = (Arc::clone(&verifier), Arc::clone(&count), Arc::clone(&bad));
                        async move {
                            let (parts, body) = request.into_parts();
                            let body = Limited::new(body, 64 * 1024)
                                .collect()
                                .await
                                .map(|b| b.to_bytes())
                                .unwrap_or_default();
                            match verifier.verify::<thb::PayInNotification>(
                                parts.headers.iter(),
                                &body,
                                SystemTime::now(),
                            ) {
                                Ok(_) => count.fetch_add(1, Ordering::Relaxed),
                                Err(_) => bad.fetch_add(1, Ordering::Relaxed),
                            };
                            Ok::<_, Infallible>(hyper::Response::new(Full::new(Bytes::from_static(
                                SUCCESS_REPLY.as_bytes(),
                            ))))
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        let client = fixtures::sdk_client(&emulator.base_url());
        // Warm-up: connections and the first callbacks.
        send(&client, 0, concurrency, concurrency, Some(&callback_url)).await;
        let deadline = Instant::now() + max;
        while verified.load(Ordering::Relaxed) < concurrency && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let cpu_before = cpu::process_cpu_time();
        let started = Instant::now();
        let target = concurrency + pay_ins;
        send(&client, concurrency, target, concurrency, Some(&callback_url)).await;
        while verified.load(Ordering::Relaxed) < target && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
        let wall = started.elapsed();
        let cpu_used = cpu::process_cpu_time()
            .zip(cpu_before)
            .map(|(after, before)| after.saturating_sub(before));
        let done = verified.load(Ordering::Relaxed).saturating_sub(concurrency);
        let redelivered = emulator.deliveries().iter().filter(|d| d.attempt > 1).count();
        println!("pay-ins | concurrency | seconds | pay-ins/s (settled, called back, verified) | CPU us/pay-in | callbacks lost | refused | redelivered");
        println!(
            "{pay_ins:>7} | {concurrency:>11} | {:>7.2} | {:>42.0} | {:>13} | {:>14} | {:>7} | {redelivered:>11}",
            wall.as_secs_f64(),
            done as f64 / wall.as_secs_f64(),
            cpu_used.map_or("-".to_owned(), |c| format!("{:.0}", c.as_secs_f64() * 1e6 / pay_ins as f64)),
            pay_ins.saturating_sub(done),
            refused.load(Ordering::Relaxed),
        );
        emulator.shutdown().await;

        // Phase 2.
        if memory > 0 {
            let store = Emulator::builder()
                .merchant(fixtures::emulator_merchant())
                .settle_after(Duration::from_secs(3600))
                .start()
                .await
                .expect("the emulator starts");
            let client = fixtures::sdk_client(&store.base_url());
            send(&client, 0, 1000, concurrency, None).await;
            let before = resident_bytes();
            send(&client, 1000, 1000 + memory, concurrency, None).await;
            let after = resident_bytes();
            let held = store.transaction_count();
            match (before, after) {
                (Some(b), Some(a)) => println!(
                    "memory: {held} transactions held; resident memory grew {:.1} MiB for {memory} transactions: {:.0} bytes each, {:.1} MiB per 100,000",
                    (a.saturating_sub(b)) as f64 / 1048576.0,
                    a.saturating_sub(b) as f64 / memory as f64,
                    a.saturating_sub(b) as f64 / memory as f64 * 100_000.0 / 1048576.0
                ),
                _ => println!("memory: /proc/self/statm is not readable here"),
            }
            store.shutdown().await;
        }
    });
}
