//! Loopback round trips: the SDK client against the hand-written reqwest client, both doing the
//! same signed balance inquiry against the fixed reference server (which answers the canned THB
//! body without checking), in one process and one run.
//!
//! `loopback [--requests 400] [--rounds 6] [--concurrency 1,32] [--max-seconds 120]`
//!
//! For each concurrency, rounds alternate the order (SDK first, then hand-written first) so
//! that a slow patch of the shared machine hits both; each round sends a fixed number of
//! requests per client over kept-alive connections, and the whole run stops after
//! `--max-seconds` even if rounds remain. Printed: each client's requests per second over all
//! rounds, and the SDK/hand-written throughput ratio (median and range of the per-round ratios).
//!
//! `loopback --only <sdk|baseline> --requests N --concurrency C` sends N requests with one client
//! and nothing else: the callgrind driver for the instructions of a whole round trip (client,
//! reference server and hyper on both sides), `(I(300) - I(100)) / 200` per request.

use std::hint::black_box;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use smilepayz_bench::reference_server::ReferenceServer;
use smilepayz_bench::{args, fixtures};
use tokio::task::JoinSet;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Which {
    Sdk,
    Baseline,
}

struct Clients {
    sdk: smilepayz::Client,
    baseline: smilepayz_baseline::BalanceClient,
}

fn main() {
    let requests: usize = args::option("--requests", 400);
    let rounds: usize = args::option("--rounds", 6);
    let concurrencies: Vec<usize> = args::list("--concurrency", &[1, 32]);
    let max = Duration::from_secs(args::option("--max-seconds", 120));
    let only: String = args::option("--only", String::new());
    let server =
        ReferenceServer::start(fixtures::THB_RESPONSE).expect("the reference server starts");
    let url = server.base_url();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime");
    let deadline = Instant::now() + max;
    runtime.block_on(async {
        let clients = Arc::new(Clients {
            sdk: fixtures::sdk_client(&url),
            baseline: fixtures::baseline_client(&url),
        });
        if !only.is_empty() {
            let which = if only == "sdk" { Which::Sdk } else { Which::Baseline };
            let concurrency = concurrencies.first().copied().unwrap_or(1);
            let elapsed = run(&clients, which, concurrency, requests).await;
            println!("{only}: {requests} requests at concurrency {concurrency} in {elapsed:?}");
            return;
        }
        println!("loopback against the reference server, {requests} requests per client per round, up to {rounds} rounds");
        println!("concurrency | SDK req/s | hand-written req/s | SDK/hand-written (median of rounds) | range | rounds");
        for &concurrency in &concurrencies {
            // Warm-up: open the connections and fill the pools.
            for which in [Which::Sdk, Which::Baseline] {
                run(&clients, which, concurrency, concurrency * 4).await;
            }
            let (mut sdk_time, mut baseline_time) = (Duration::ZERO, Duration::ZERO);
            let mut ratios = Vec::new();
            for round in 0..rounds {
                if Instant::now() > deadline {
                    break;
                }
                let order = if round % 2 == 0 {
                    [Which::Sdk, Which::Baseline]
                } else {
                    [Which::Baseline, Which::Sdk]
                };
                let mut times = [Duration::ZERO; 2];
                for which in order {
                    let elapsed = run(&clients, which, concurrency, requests).await;
                    times[usize::from(which == Which::Baseline)] = elapsed;
                }
                sdk_time += times[0];
                baseline_time += times[1];
                // Throughput ratio = hand-written time / SDK time for the same count.
                ratios.push(times[1].as_secs_f64() / times[0].as_secs_f64());
            }
            let done = ratios.len();
            if done == 0 {
                println!("{concurrency:>11} | out of time before the first round");
                continue;
            }
            ratios.sort_by(f64::total_cmp);
            let rps = |time: Duration| (requests * done) as f64 / time.as_secs_f64();
            println!(
                "{concurrency:>11} | {:>9.0} | {:>18.0} | {:>35.3} | {:.3}..{:.3} | {done}",
                rps(sdk_time),
                rps(baseline_time),
                ratios[done / 2],
                ratios[0],
                ratios[done - 1],
            );
        }
    });
    drop(server);
}

/// Sends `total` requests with `concurrency` tasks, each sending one after another on the
/// client's kept-alive connections; returns the wall time.
async fn run(clients: &Arc<Clients>, which: Which, concurrency: usize, total: usize) -> Duration {
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = JoinSet::new();
    for _ in 0..concurrency {
        let clients = Arc::clone(clients);
        let next = Arc::clone(&next);
        tasks.spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < total {
                match which {
                    Which::Sdk => {
                        let request = fixtures::sdk_request();
                        let response = clients.sdk.send(&request).await.expect("an SDK answer");
                        black_box(response);
                    }
                    Which::Baseline => {
                        let request = fixtures::baseline_request();
                        let response = clients
                            .baseline
                            .inquiry_balance(&request)
                            .await
                            .expect("a hand-written answer");
                        black_box(response);
                    }
                }
            }
        });
    }
    while let Some(result) = tasks.join_next().await {
        result.expect("a request task");
    }
    started.elapsed()
}
