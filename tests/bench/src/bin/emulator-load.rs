//! The emulator's throughput with signature verification on: a bounded load on loopback.
//!
//! `emulator-load [--requests 2000] [--concurrency 1,32] [--max-seconds 60] [--verifies 300]`
//!
//! The emulator runs in this process with the benchmark merchant (THB, `sha256-with-rsa`). The
//! load is one request signed by the SDK and sent again and again by a plain reqwest client
//! (signed anew before each batch, so X-TIMESTAMP stays in the window): the client then costs
//! little, and the figure is the emulator's. Every answer must be a 200; each one went through
//! every check, the RSA verification included.
//!
//! Printed per concurrency: requests per second, the process's CPU time per request, and the
//! share of it that RSA verification takes (the time of one `RequestVerifier::verify` of the
//! same request, measured alone, divided by the CPU per request). The instruction-count share
//! comes from running this under callgrind (`tests/bench/scripts/callgrind.sh`).

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smilepayz::SignedRequest;
use smilepayz::signing::{MerchantPublicKey, SignatureScheme};
use smilepayz::signing::{MerchantSecret, RequestVerifier};
use smilepayz_bench::{args, cpu, fixtures};
use smilepayz_emulator::Emulator;
use tokio::task::JoinSet;

fn main() {
    let requests: usize = args::option("--requests", 2000);
    let concurrencies: Vec<usize> = args::list("--concurrency", &[1, 32]);
    let max = Duration::from_secs(args::option("--max-seconds", 60));
    let verifies: usize = args::option("--verifies", 300);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let deadline = Instant::now() + max;
    runtime.block_on(async {
        let emulator = Emulator::builder()
            .merchant(fixtures::emulator_merchant())
            .start()
            .await
            .expect("the emulator starts");
        let url = format!("{}/v2.0/inquiry-balance", emulator.base_url());
        let signer = fixtures::sdk_client(&emulator.base_url());
        let http = reqwest::Client::builder().build().expect("reqwest");
        let signed = signer
            .sign_request(&fixtures::sdk_request())
            .expect("signed");

        let verify_each = if verifies > 0 {
            verify_time(&signed, verifies)
        } else {
            Duration::ZERO
        };
        if verifies > 0 {
            println!(
                "RSA verification alone: {:.1} us per request ({verifies} verifies)",
                us(verify_each)
            );
        }
        println!(
            "concurrency | requests | seconds | req/s | CPU us/request | RSA verify share of CPU"
        );
        for &concurrency in &concurrencies {
            // Warm-up: open the connections.
            let _ = load(&http, &url, &signer, concurrency, concurrency * 2).await;
            if Instant::now() > deadline {
                break;
            }
            let cpu_before = cpu::process_cpu_time();
            let started = Instant::now();
            let sent = load(&http, &url, &signer, concurrency, requests).await;
            let wall = started.elapsed();
            let cpu_used = cpu::process_cpu_time()
                .zip(cpu_before)
                .map(|(after, before)| after.saturating_sub(before));
            let per_request = cpu_used.map(|c| c / sent as u32);
            let share = per_request
                .filter(|c| !c.is_zero() && verifies > 0)
                .map(|c| {
                    format!(
                        "{:.1}%",
                        100.0 * verify_each.as_secs_f64() / c.as_secs_f64()
                    )
                })
                .unwrap_or_else(|| "-".to_owned());
            println!(
                "{concurrency:>11} | {sent:>8} | {:>7.2} | {:>5.0} | {:>14} | {share}",
                wall.as_secs_f64(),
                sent as f64 / wall.as_secs_f64(),
                per_request.map_or("-".to_owned(), |c| format!("{:.0}", us(c))),
            );
        }
        println!("answered by the emulator: {}", emulator.requests_served());
        emulator.shutdown().await;
    });
}

/// Sends `total` requests with `concurrency` tasks over kept-alive connections, signed once
/// per call; every answer must be a 200.
async fn load(
    http: &reqwest::Client,
    url: &str,
    signer: &smilepayz::Client,
    concurrency: usize,
    total: usize,
) -> usize {
    let signed = Arc::new(
        signer
            .sign_request(&fixtures::sdk_request())
            .expect("signed"),
    );
    let next = Arc::new(AtomicUsize::new(0));
    let mut tasks = JoinSet::new();
    for _ in 0..concurrency {
        let (http, url, signed, next) = (
            http.clone(),
            url.to_owned(),
            Arc::clone(&signed),
            Arc::clone(&next),
        );
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                let response = http
                    .post(&url)
                    .header("Content-Type", "application/json")
                    .header("X-TIMESTAMP", &signed.timestamp)
                    .header("X-SIGNATURE", &signed.signature)
                    .header("X-PARTNER-ID", &signed.partner_id)
                    .body(signed.body.clone())
                    .send()
                    .await
                    .expect("an answer");
                let status = response.status();
                let body = response.bytes().await.expect("a body");
                assert_eq!(
                    status,
                    200,
                    "the emulator refused: {}",
                    String::from_utf8_lossy(&body)
                );
                black_box(body);
            }
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("a load task");
    }
    total
}

/// The time of one RSA verification of `signed`, as the emulator does it, alone.
fn verify_time(signed: &SignedRequest, count: usize) -> Duration {
    let verifier = RequestVerifier::new(
        SignatureScheme::Sha256WithRsa,
        MerchantSecret::new(fixtures::SECRET).expect("a secret"),
        Some(MerchantPublicKey::parse(fixtures::PUBLIC_KEY_SPKI_BASE64).expect("a key")),
    )
    .expect("a verifier");
    let started = Instant::now();
    for _ in 0..count {
        verifier
            .verify(
                black_box(&signed.timestamp),
                black_box(&signed.body),
                black_box(&signed.signature),
            )
            .expect("the signature verifies");
    }
    started.elapsed() / count as u32
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}
