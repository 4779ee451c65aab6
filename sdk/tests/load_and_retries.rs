//! Load and retries: the signed client against the in-process emulator on loopback.
//!
//! - Load: many concurrent clients (and one client shared by many tasks) send a fixed number
//!   of signed balance inquiries across every region within a fixed time; every answer must be
//!   right (code `00`, the region's currency, the account asked for) and no connection may
//!   drop. Retries are off, so that nothing hides a failure.
//! - Retries: with the emulator's fault injection, the client recovers from transient 503s and
//!   dropped connections, and gives up on persistent ones with a retryable error, after exactly
//!   `max_attempts` attempts, within the policy's time budget.
//!
//! Only 127.0.0.1 is used, on ports the system picks. The fault sequences are deterministic:
//! the emulator draws its faults from a seeded PRNG, and the retry tests send one request at a
//! time.

use std::future::Future;
use std::io::Write;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use smilepayz::definitions::BalanceType;
use smilepayz::endpoints::inquiry_balance::AnyInquiryBalanceRequest;
use smilepayz::{Client, Error, ErrorKind, Region, RetryPolicy, gateway};
use smilepayz_emulator::codes::inquiry_balance as code;
use smilepayz_emulator::{Emulator, Faults, RunningEmulator, TestMerchant};

/// The load: this many requests in all, over this many concurrent tasks, within this time.
const LOAD_REQUESTS: usize = 2_000;
const LOAD_CONCURRENCY: usize = 32;
const LOAD_TIME_LIMIT: Duration = Duration::from_secs(60);

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/// A region's example account (what the emulator's ledger holds) and its balance types.
fn example_account(region: Region) -> (String, Vec<BalanceType>) {
    smilepayz_emulator::example_balance(region).expect("every region documents an account")
}

/// One balance inquiry for the region's example account, checked: code `00`, the account
/// asked for, the balance types asked for, every amount in the region's currency.
async fn inquire(
    client: Client,
    region: Region,
    account: String,
    types: Vec<BalanceType>,
) -> Result<(), String> {
    let request = AnyInquiryBalanceRequest::builder(region)
        .account_no(account.clone())
        .balance_types(types.clone())
        .build()
        .map_err(|e| format!("{region}: {e}"))?;
    let response = client
        .send(&request)
        .await
        .map_err(|e| format!("{region}: {e}"))?;
    if response.code() != gateway::SUCCESS_CODE {
        return Err(format!("{region}: code {}", response.code()));
    }
    if response.account_no() != Some(account.as_str()) {
        return Err(format!("{region}: account {:?}", response.account_no()));
    }
    let infos = response.account_infos();
    let got: Vec<BalanceType> = infos.iter().map(|info| info.balance_type.clone()).collect();
    if got != types {
        return Err(format!("{region}: balance types {got:?}"));
    }
    for info in &infos {
        for money in [info.amount, info.available_balance] {
            if money.currency() != region.currency() {
                return Err(format!("{region}: currency {}", money.currency()));
            }
        }
    }
    Ok(())
}

type Pending = Pin<Box<dyn Future<Output = Result<(), String>> + Send>>;

/// A merchant per region, an emulator that knows them all, and a client builder for each.
struct Setup {
    emulator: RunningEmulator,
    merchants: Vec<TestMerchant>,
}

impl Setup {
    async fn start(faults: Faults) -> Setup {
        let merchants: Vec<TestMerchant> = Region::ALL
            .iter()
            .map(|region| TestMerchant::generate(*region).expect("test merchant"))
            .collect();
        let mut builder = Emulator::builder().faults(faults);
        for merchant in &merchants {
            builder = builder.merchant(merchant.merchant());
        }
        let emulator = builder.start().await.expect("the emulator starts");
        assert!(emulator.addr().ip().is_loopback());
        Setup {
            emulator,
            merchants,
        }
    }

    fn client(&self, merchant: &TestMerchant, retry: RetryPolicy) -> Client {
        Client::builder()
            .base_url(self.emulator.base_url())
            .partner_id(&merchant.partner_id)
            .merchant_secret(merchant.secret.clone())
            .private_key(merchant.private_key.clone())
            .retry(retry)
            .timeout(Duration::from_secs(30))
            .build()
            .expect("client")
    }

    /// One inquiry, by `client`, for `merchant`'s region.
    fn inquire(client: &Client, merchant: &TestMerchant) -> Pending {
        let (account, types) = example_account(merchant.region);
        Box::pin(inquire(client.clone(), merchant.region, account, types))
    }
}

/// Latency percentiles of a sorted list.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i]
}

/// Runs `LOAD_REQUESTS` inquiries over `LOAD_CONCURRENCY` tasks (task `i` uses
/// `clients[i % clients.len()]`) and checks that every one was answered right, in time, once.
async fn load(setup: &Setup, clients: &[(Client, TestMerchant)], what: &str) {
    let served_before = setup.emulator.requests_served();
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for task in 0..LOAD_CONCURRENCY {
        let (client, merchant) = clients[task % clients.len()].clone();
        // The requests split evenly; the first tasks take the remainder.
        let share =
            LOAD_REQUESTS / LOAD_CONCURRENCY + usize::from(task < LOAD_REQUESTS % LOAD_CONCURRENCY);
        tasks.spawn(async move {
            let mut latencies = Vec::with_capacity(share);
            let mut failures = Vec::new();
            for _ in 0..share {
                let sent = Instant::now();
                if let Err(failure) = Setup::inquire(&client, &merchant).await {
                    failures.push(failure);
                }
                latencies.push(sent.elapsed());
            }
            (latencies, failures)
        });
    }
    let mut latencies = Vec::new();
    let mut failures = Vec::new();
    let finished = tokio::time::timeout(LOAD_TIME_LIMIT, async {
        while let Some(result) = tasks.join_next().await {
            let (l, f) = result.expect("a load task panicked");
            latencies.extend(l);
            failures.extend(f);
        }
    })
    .await;
    let elapsed = started.elapsed();
    assert!(
        finished.is_ok(),
        "{what}: not done within {LOAD_TIME_LIMIT:?} ({} of {LOAD_REQUESTS} answered)",
        latencies.len()
    );
    latencies.sort();
    let served = setup.emulator.requests_served() - served_before;
    println!(
        "{what}: {} requests, {} failures, {} answered by the emulator, in {:.2} s \
         ({:.0} requests/s; latency p50 {:?}, p99 {:?}, max {:?})",
        latencies.len(),
        failures.len(),
        served,
        elapsed.as_secs_f64(),
        latencies.len() as f64 / elapsed.as_secs_f64(),
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.99),
        percentile(&latencies, 1.0),
    );
    assert_eq!(latencies.len(), LOAD_REQUESTS, "{what}");
    assert!(
        failures.is_empty(),
        "{what}: {} failures, e.g. {:?}",
        failures.len(),
        &failures[..failures.len().min(5)]
    );
    // No retries were allowed: every request reached the emulator once and was answered, so
    // no connection dropped.
    assert_eq!(
        served, LOAD_REQUESTS as u64,
        "{what}: requests lost or repeated"
    );
}

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_clients_in_every_region_get_every_answer_right() {
    let setup = Setup::start(Faults::default()).await;
    // A client each: 32 clients, each with its own connection pool, across the regions.
    let clients: Vec<(Client, TestMerchant)> = (0..LOAD_CONCURRENCY)
        .map(|i| {
            let merchant = setup.merchants[i % setup.merchants.len()].clone();
            (setup.client(&merchant, RetryPolicy::none()), merchant)
        })
        .collect();
    load(&setup, &clients, "32 clients").await;
    // One client per region shared by all the tasks: clones share the connection pool.
    let shared: Vec<(Client, TestMerchant)> = setup
        .merchants
        .iter()
        .map(|merchant| {
            (
                setup.client(merchant, RetryPolicy::none()),
                merchant.clone(),
            )
        })
        .collect();
    load(&setup, &shared, "one client per region, 32 tasks").await;
    setup.emulator.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Retries
// ---------------------------------------------------------------------------------------------

/// Debug logs of the client and the emulator, captured for counting attempts.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0
            .lock()
            .map_err(|_| std::io::Error::other("poisoned"))?
            .extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    /// Captures this thread's debug logs until the guard is dropped (the tests run on a
    /// current-thread runtime, so the client and the emulator log on this thread).
    fn install(&self) -> tracing::subscriber::DefaultGuard {
        let writer = self.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .finish();
        tracing::subscriber::set_default(subscriber)
    }

    fn take(&self) -> String {
        let mut bytes = self.0.lock().expect("not poisoned");
        String::from_utf8_lossy(&std::mem::take(&mut *bytes)).into_owned()
    }
}

/// Lines of `log` that contain every needle.
fn count(log: &str, needles: &[&str]) -> usize {
    log.lines()
        .filter(|line| needles.iter().all(|n| line.contains(n)))
        .count()
}

fn quick_retries(max_attempts: u32, total_budget: Duration) -> RetryPolicy {
    RetryPolicy {
        max_attempts,
        initial_backoff: Duration::from_millis(2),
        max_backoff: Duration::from_millis(20),
        total_budget,
    }
}

#[tokio::test]
async fn transient_server_errors_and_dropped_connections_are_retried_until_they_succeed() {
    let captured = Captured::default();
    let _guard = captured.install();
    let setup = Setup::start(Faults {
        server_error_rate: 0.3,
        drop_connection_rate: 0.3,
        seed: 20_240_410,
        ..Faults::default()
    })
    .await;
    let policy = quick_retries(12, Duration::from_secs(20));
    let clients: Vec<(Client, TestMerchant)> = setup
        .merchants
        .iter()
        .map(|merchant| (setup.client(merchant, policy), merchant.clone()))
        .collect();
    let requests = 150;
    let started = Instant::now();
    for i in 0..requests {
        // One at a time, so the seeded faults fall the same way on every run.
        let (client, merchant) = &clients[i % clients.len()];
        Setup::inquire(client, merchant)
            .await
            .unwrap_or_else(|e| panic!("request {i} failed despite retries: {e}"));
    }
    let elapsed = started.elapsed();
    let log = captured.take();
    let served = setup.emulator.requests_served();
    let retried_503 = count(&log, &["retrying", "HTTP 503", code::INJECTED_SERVER_ERROR]);
    // A dropped connection, after the request was written: "may have been sent".
    let retried_drop = count(&log, &["retrying", "broke before an answer"]);
    let drops = count(&log, &["emulator dropped the connection (fault injection)"]);
    println!(
        "transient faults (503 and dropped connections, 30 % each, seed 20240410): {requests} \
         requests, all answered correctly in {:.2} s; {} attempts in all: {retried_503} retries \
         after a 503, {retried_drop} after a dropped connection ({drops} connections dropped), \
         {served} answers from the emulator",
        elapsed.as_secs_f64(),
        served as usize + drops,
    );
    assert!(
        retried_503 > 0 && retried_drop > 0,
        "both faults were retried"
    );
    assert_eq!(retried_drop, drops, "every dropped connection was retried");
    // Every answer is counted: the successes and the 503s that were retried.
    assert_eq!(served as usize, requests + retried_503);
    setup.emulator.shutdown().await;
}

#[tokio::test]
async fn persistent_faults_end_in_a_retryable_error_after_max_attempts_within_the_budget() {
    let captured = Captured::default();
    let _guard = captured.install();
    let slack = Duration::from_secs(5);

    // Every attempt answered 503: exactly max_attempts attempts, the last 503 returned.
    let setup = Setup::start(Faults {
        server_error_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let policy = quick_retries(5, Duration::from_secs(10));
    let merchant = setup.merchants[0].clone();
    let client = setup.client(&merchant, policy);
    let (account, types) = example_account(merchant.region);
    let started = Instant::now();
    let error = send_expecting_error(&client, merchant.region, &account, &types).await;
    let elapsed = started.elapsed();
    assert!(error.is_retryable(), "{error:?}");
    assert!(
        matches!(error.kind(), ErrorKind::Gateway { status: 503, code: c, .. } if c == code::INJECTED_SERVER_ERROR),
        "{error:?}"
    );
    assert_eq!(
        setup.emulator.requests_served(),
        u64::from(policy.max_attempts)
    );
    assert!(elapsed <= policy.total_budget + slack, "{elapsed:?}");
    println!(
        "persistent 503: gave up after {} attempts in {:.3} s with {error}",
        setup.emulator.requests_served(),
        elapsed.as_secs_f64()
    );
    setup.emulator.shutdown().await;

    // Every connection dropped: exactly max_attempts attempts, a connection error.
    let setup = Setup::start(Faults {
        drop_connection_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let merchant = setup.merchants[0].clone();
    let client = setup.client(&merchant, policy);
    captured.take();
    let started = Instant::now();
    let error = send_expecting_error(&client, merchant.region, &account, &types).await;
    let elapsed = started.elapsed();
    let log = captured.take();
    let drops = count(&log, &["emulator dropped the connection (fault injection)"]);
    assert!(error.is_retryable(), "{error:?}");
    // The emulator dropped each connection after reading the request: it may have been sent.
    assert!(
        matches!(error.kind(), ErrorKind::NoAnswer { .. }),
        "{error:?}"
    );
    assert_eq!(error.sent(), smilepayz::Sent::Maybe);
    assert_eq!(drops, policy.max_attempts as usize, "attempts");
    assert_eq!(setup.emulator.requests_served(), 0);
    assert!(elapsed <= policy.total_budget + slack, "{elapsed:?}");
    println!(
        "persistent drops: gave up after {drops} attempts in {:.3} s with {error}",
        elapsed.as_secs_f64()
    );
    setup.emulator.shutdown().await;

    // Many attempts allowed, a short budget: the budget stops the retries.
    let setup = Setup::start(Faults {
        server_error_rate: 1.0,
        latency: Some(Duration::from_millis(50)),
        ..Faults::default()
    })
    .await;
    let budget = Duration::from_millis(600);
    let policy = RetryPolicy {
        max_attempts: 1_000,
        initial_backoff: Duration::from_millis(20),
        max_backoff: Duration::from_millis(40),
        total_budget: budget,
    };
    let merchant = setup.merchants[0].clone();
    let client = setup.client(&merchant, policy);
    let started = Instant::now();
    let error = send_expecting_error(&client, merchant.region, &account, &types).await;
    let elapsed = started.elapsed();
    let attempts = setup.emulator.requests_served();
    assert!(error.is_retryable(), "{error:?}");
    assert!((2..1_000).contains(&attempts), "{attempts} attempts");
    assert!(
        elapsed <= budget + slack,
        "{elapsed:?} for a budget of {budget:?}"
    );
    println!(
        "persistent 503, budget {budget:?}: gave up after {attempts} attempts in {:.3} s",
        elapsed.as_secs_f64()
    );
    setup.emulator.shutdown().await;

    // A 200 with a truncated body is not retried: one attempt, a decode error.
    let setup = Setup::start(Faults {
        malformed_body_rate: 1.0,
        ..Faults::default()
    })
    .await;
    let merchant = setup.merchants[0].clone();
    let client = setup.client(&merchant, quick_retries(5, Duration::from_secs(10)));
    let error = send_expecting_error(&client, merchant.region, &account, &types).await;
    assert!(!error.is_retryable(), "{error:?}");
    assert!(
        matches!(error.kind(), ErrorKind::Decode { status: 200, .. }),
        "{error:?}"
    );
    assert_eq!(setup.emulator.requests_served(), 1);
    println!("malformed 200: not retried, {error}");
    setup.emulator.shutdown().await;
}

/// Sends one inquiry for `region`'s example account and returns the error it must end in.
async fn send_expecting_error(
    client: &Client,
    region: Region,
    account: &str,
    types: &[BalanceType],
) -> Error {
    let request = AnyInquiryBalanceRequest::builder(region)
        .account_no(account)
        .balance_types(types.iter().cloned())
        .build()
        .expect("valid");
    client
        .send(&request)
        .await
        .expect_err("the faults are persistent")
}
