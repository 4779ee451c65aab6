//! A local emulator of the Smilepayz v2.0 gateway, for tests and development without the
//! sandbox: take it as a dev-dependency beside the [`smilepayz`] SDK, or run it as
//! `smilepayz serve` and drive it from any language through its
//! [control API](#the-control-api-and-the-dashboard).
//!
//! ```toml
//! [dev-dependencies]
//! smilepayz-emulator = "0.1"
//! ```
//!
//! [`Emulator::builder`] starts an in-process HTTP/1.1 server (hyper) that answers every
//! endpoint of the spec, in every region, the way the v2.0 gateway does: it checks the
//! headers, the X-TIMESTAMP window, the partner id and the `X-SIGNATURE` (RSA or HMAC, over
//! the exact body bytes), reads the body as the merchant's region's typed request, and answers
//! from the merchant's live accounts and transactions (a stateful sandbox: pay-ins, pay-outs,
//! settlement and signed callbacks; see [the books](#the-books-a-stateful-sandbox)).
//! Nothing in it names a region: regions, endpoints, headers and examples all come from the
//! generated code.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use smilepayz::Region;
//! use smilepayz_emulator::{Emulator, TestMerchant};
//! use smilepayz::timestamp::Timestamp;
//!
//! let merchant = TestMerchant::generate(Region::Thb)?;
//! let emulator = Emulator::builder().merchant(merchant.merchant()).start().await?;
//!
//! // Serialize once, sign those bytes, send those bytes.
//! let body = br#"{"accountNo":"21120030202403071031","balanceTypes":["BALANCE"]}"#;
//! let timestamp = Timestamp::now(Region::Thb.info().utc_offset_seconds).to_string();
//! let signature = merchant.signer()?.sign(&timestamp, body)?;
//! // POST `body` to format!("{}/v2.0/inquiry-balance", emulator.base_url()) with
//! // Content-Type: application/json, X-TIMESTAMP: timestamp, X-SIGNATURE: signature and
//! // X-PARTNER-ID: merchant.partner_id; the answer has code "00" and the THB balance.
//!
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # What is checked, in order
//!
//! Each failed check is answered with a JSON body `{"code": "…", "message": "…"}` (the
//! message says what is wrong and how to fix it), `Content-Type: application/json` and an
//! `X-TIMESTAMP` header, like every answer.
//!
//! 0. The request head (request line and headers) is at most 64 KiB; a larger one, like
//!    anything that is not HTTP/1.x, is refused by the HTTP layer (hyper: a bare 4xx, or no
//!    answer) and the connection is closed.
//! 1. The method is `POST` (405) and the path is an endpoint of the spec (404).
//! 2. The body is at most [`EmulatorBuilder::max_body_bytes`] (64 KiB by default) (413). The
//!    limit is enforced while reading: a larger body is never buffered.
//! 3. `Content-Type` is `application/json`; a `charset` parameter is allowed and must be UTF-8
//!    (415).
//! 4. `Content-Type`, `X-TIMESTAMP`, `X-SIGNATURE` and `X-PARTNER-ID` are each present exactly
//!    once (400); `X-TIMESTAMP` is `yyyy-MM-ddTHH:mm:ss±HH:mm`, or the same ending in `Z`
//!    for UTC as the official Java demo sends it (400), and within
//!    [`EmulatorBuilder::clock_skew`] (300 s by default, from the spec) of the emulator's
//!    clock (401). Only the instant is judged, not whether the offset is the region's: the
//!    demos send `+07:00` or `Z` in every region.
//! 5. `X-PARTNER-ID` is a registered [`Merchant`] (401).
//! 6. `X-SIGNATURE` verifies over `X-TIMESTAMP|merchantSecret|body`, the body as the raw bytes
//!    received, with the merchant's scheme, secret and key (401: malformed Base64, wrong
//!    length and mismatch each have their own code).
//! 7. The body is UTF-8 (400) and JSON (400), and passes the region's rules for the
//!    endpoint (the generated rules table; 400, the message naming each field by JSON path).
//!    An endpoint the merchant's region does not offer is a 404.
//! 8. The endpoint answers, in the region's currency and offset, as described below.
//!    Endpoints without behaviour of their own answer with the region's first documented
//!    example response.
//!
//! Until the partner is known, error answers carry X-TIMESTAMP in the request's offset (or
//! UTC, before X-TIMESTAMP is read); after that, in the merchant's region's offset.
//!
//! # The books: a stateful sandbox
//!
//! Each registered merchant has, in its region, a pay-in account and a pay-out account
//! ([`RunningEmulator::accounts`]; 20-digit numbers like the gateway's, see
//! [`account_numbers`]). They open at [`PAYIN_OPENING_BALANCE`] (0) and
//! [`PAYOUT_OPENING_BALANCE`] (1,000,000 in the region's major unit). Any other account
//! number is answered too, as the sandbox does, at [`OTHER_ACCOUNT_OPENING_BALANCE`]
//! (250,000); nothing moves it, so it is not kept (asking about any number of them costs no
//! memory). Amounts are kept exactly, in the region's
//! smallest unit, and every change happens under one lock: concurrent orders never lose or
//! double-count money. State is in memory, bounded by
//! [`EmulatorBuilder::max_transactions`] (1,000,000 by default; past it new orders get
//! `TOO_MANY_TRANSACTIONS`).
//!
//! - **inquiry-balance** answers the account's live balance and available balance.
//! - **pay-in** creates a transaction with a `tradeNo` in the gateway's shape, status
//!   `PROCESSING` (or `INIT` with a checkout link when `paymentMethod` is empty), and answers
//!   with channel data: `qrString` for QR methods, `vaNumber` and `receiverBankName` for
//!   `BANK`, a wallet address for `USDT`, otherwise `paymentUrl`. A repeated `orderNo` of the
//!   merchant is refused (`DUPLICATE_ORDER`, 409).
//! - **pay-out** holds the amount against the pay-out account's available balance, or is
//!   refused with `INSUFFICIENT_BALANCE` when it is short (nothing is held).
//! - **The books** move only amounts more than 0 and keep every account at
//!   `0 <= available <= balance`. The region's rules refuse a zero, negative or too large
//!   amount first (`INVALID_BODY_FIELDS`, naming `money.amount`); the books refuse on their
//!   own whatever would still break that (`MOVEMENT_REFUSED`), and book nothing for it.
//! - **Settlement**: [`EmulatorBuilder::settle_after`] (1 s by default; zero settles before
//!   answering) after creation, or at once with [`RunningEmulator::settle`], a transaction
//!   becomes final. A pay-in becomes `SUCCESS` and credits the balance and available balance;
//!   a pay-out becomes `SUCCESS` and debits the balance (the hold is spent). Test values end
//!   it otherwise, as test card numbers do: an `orderNo` ending in `FAIL` ends `FAILED`, a
//!   pay-in `orderNo` ending in `EXPIRE` ends `EXPIRED`; neither moves money (a failed
//!   pay-out's hold is released).
//! - **inquiry-status** by `orderNo` or `tradeNo` answers the transaction as it stands; a
//!   wrong `tradeType` or an unknown number is `TRANSACTION_NOT_FOUND` (404). The region's
//!   documented examples are answered as documented.
//! - **Callbacks**: on every final status, the notification (`orderNo`, `tradeNo`,
//!   `merchantId`, `merchantName`, `paymentMethod`, `transactionTime` in local time,
//!   `status`, `money`) is POSTed to the order's `callbackUrl`, signed with the emulator's
//!   platform key ([`RunningEmulator::platform_public_key`]) over `tradeNo|X-TIMESTAMP` in the
//!   region's offset. It is delivered again, with a doubling delay, until the merchant
//!   answers 200 `SUCCESS` ([`CallbackRetries`]: six deliveries over about a minute by
//!   default). Any `http(s)://` callback URL is accepted, as the gateway takes it (anything
//!   else is `CALLBACK_URL_REFUSED`), but only loopback `http://` URLs are called: nothing
//!   leaves the machine. A callback for any other URL is recorded once as not attempted, with
//!   the reason, unless [`EmulatorBuilder::forward_callbacks_to`] sends every callback to one
//!   local URL (the order's own in the `X-Original-Callback-Url` header). [`RunningEmulator::deliveries`] lists every delivery and how it was answered.
//! - Connections that send nothing for [`EmulatorBuilder::idle_timeout`] (30 s by default;
//!   kept-alive connections between requests too) are closed, and so are those whose request
//!   head or body does not arrive whole within that time, however steadily it trickles in.
//!
//! # The control API and the dashboard
//!
//! Test suites in any language steer the books over HTTP, on the emulator's own port under
//! [`CONTROL_PREFIX`] (`/__emulator/api`, a path the gateway's API does not use;
//! [`RunningEmulator::control_url`], `controlUrl` in `smilepayz serve --json`). Answers are
//! JSON with amounts as exact decimal strings; errors are `{"error": "…"}` saying what is
//! wrong, with a 4xx status. The OpenAPI 3.1 document is at `{controlUrl}/openapi.json`.
//! There is no authentication: the emulator is a test tool on loopback
//! ([`EmulatorBuilder::control_api`] turns it off). What a browser could be tricked into
//! sending is refused (403): a request whose `Origin` is not the emulator's own, or one
//! addressed to a host name other than `localhost` (DNS rebinding).
//!
//! | request | what it does | Rust |
//! |---|---|---|
//! | `GET /merchants` | every merchant with its accounts' balances | [`RunningEmulator::merchants`] |
//! | `PUT /merchants/{partnerId}/balances` `{"payin": "…", "payout": "…"}` | sets either or both balances, all or none; holds stay held | [`RunningEmulator::set_balance`] |
//! | `GET /transactions?orderNo=&tradeNo=&partnerId=&status=` | transactions, oldest first | [`RunningEmulator::transactions`] |
//! | `GET /transactions/{tradeNo}` | one transaction (404 if unknown) | [`RunningEmulator::transaction`] |
//! | `POST /transactions/{tradeNo}/settle` `{"status": "SUCCESS" \| "FAILED" \| "EXPIRED"}` | final now, money moved as the status says, callback sent; no body: as it would settle by itself (409 if final already) | [`RunningEmulator::settle_as`], [`RunningEmulator::settle`] |
//! | `GET /callbacks?tradeNo=&orderNo=` | every callback with its attempts, answers and state (`DELIVERING`, `ACCEPTED`, `GAVE_UP`, `NOT_ATTEMPTED` with the reason) | [`RunningEmulator::callbacks`] |
//! | `POST /callbacks/{id}/redeliver` | delivers it again as a new callback (202, its id) | [`RunningEmulator::redeliver`] |
//! | `POST /reset` | forgets transactions and callbacks (those on their way stop); accounts open again; merchants stay | [`RunningEmulator::reset`] |
//!
//! The dashboard, at [`DASHBOARD_PATH`] ([`RunningEmulator::dashboard_url`]), is one page
//! served by the emulator (no build step, nothing fetched from the network): the merchants
//! with their balances, the transactions with a button for each way they can end, and the
//! callbacks with their attempts, the answers and a button to redeliver; it refreshes every
//! second.
//!
//! # Result codes
//!
//! **These are the emulator's own codes, not the gateway's.** Smilepayz publishes no v2.0
//! error-code table, so the emulator uses SNAP BI-style seven-digit codes: the HTTP status,
//! the endpoint's service code from the spec (`11` for `inquiry-balance`, `92` for
//! `inquiry-status`, `90` for `pay-in`, `91` for `pay-out`; `00` before a request is routed),
//! and a two-digit case. Every check has its own code, exported as constants in [`codes`],
//! one module per endpoint, named for what they mean (`codes::pay_out::INSUFFICIENT_BALANCE`
//! is `4009107`; [`codes::on_endpoint`] gives any other endpoint's). The table gives them on
//! inquiry-balance (`11`). A
//! real gateway answers the same mistakes with different codes, so test your error handling
//! against "code is not `00`" and the HTTP status; use these codes to tell the emulator's
//! rejections apart.
//!
//! | code (inquiry-balance) | status | constant | meaning |
//! |---|---|---|---|
//! | `00` | 200 | [`gateway::SUCCESS_CODE`] | success |
//! | `4050001` | 405 | [`codes::METHOD_NOT_ALLOWED`] | the method is not `POST` |
//! | `4040001` | 404 | [`codes::UNKNOWN_PATH`] | the path is not an endpoint |
//! | `4131101` | 413 | [`BODY_TOO_LARGE`](codes::inquiry_balance::BODY_TOO_LARGE) | the body is over the limit |
//! | `4151101` | 415 | [`CONTENT_TYPE_NOT_JSON`](codes::inquiry_balance::CONTENT_TYPE_NOT_JSON) | `Content-Type` is not `application/json` |
//! | `4151102` | 415 | [`CONTENT_TYPE_MISSING`](codes::inquiry_balance::CONTENT_TYPE_MISSING) | no `Content-Type` |
//! | `4001101` | 400 | [`MISSING_HEADER`](codes::inquiry_balance::MISSING_HEADER) | a required header is missing |
//! | `4001102` | 400 | [`REPEATED_HEADER`](codes::inquiry_balance::REPEATED_HEADER) | a required header is sent more than once |
//! | `4001103` | 400 | [`MALFORMED_TIMESTAMP`](codes::inquiry_balance::MALFORMED_TIMESTAMP) | `X-TIMESTAMP` is neither `yyyy-MM-ddTHH:mm:ss±HH:mm` nor the same with `Z` |
//! | `4011104` | 401 | [`TIMESTAMP_OUT_OF_WINDOW`](codes::inquiry_balance::TIMESTAMP_OUT_OF_WINDOW) | `X-TIMESTAMP` is too far from the emulator's clock |
//! | `4011105` | 401 | [`UNKNOWN_PARTNER`](codes::inquiry_balance::UNKNOWN_PARTNER) | `X-PARTNER-ID` is not registered |
//! | `4011101` | 401 | [`SIGNATURE_MISMATCH`](codes::inquiry_balance::SIGNATURE_MISMATCH) | the signature does not match |
//! | `4011102` | 401 | [`SIGNATURE_NOT_BASE64`](codes::inquiry_balance::SIGNATURE_NOT_BASE64) | the signature is not Base64 |
//! | `4011103` | 401 | [`SIGNATURE_WRONG_LENGTH`](codes::inquiry_balance::SIGNATURE_WRONG_LENGTH) | the signature has the wrong length for the scheme and key |
//! | `4001104` | 400 | [`BODY_NOT_UTF8`](codes::inquiry_balance::BODY_NOT_UTF8) | the body is not UTF-8 |
//! | `4001105` | 400 | [`BODY_NOT_JSON`](codes::inquiry_balance::BODY_NOT_JSON) | the body is not JSON |
//! | `4041103` | 404 | [`ENDPOINT_NOT_OFFERED`](codes::inquiry_balance::ENDPOINT_NOT_OFFERED) | the merchant's region does not offer the endpoint |
//! | `4001106` | 400 | [`INVALID_BODY_FIELDS`](codes::inquiry_balance::INVALID_BODY_FIELDS) | the body breaks the region's rules (each field named) |
//! | `4041104` | 404 | [`TRANSACTION_NOT_FOUND`](codes::inquiry_balance::TRANSACTION_NOT_FOUND) | inquiry-status: no such transaction of this merchant and `tradeType` |
//! | `4091101` | 409 | [`DUPLICATE_ORDER`](codes::inquiry_balance::DUPLICATE_ORDER) | pay-in, pay-out: the `orderNo` is already used |
//! | `4001107` | 400 | [`INSUFFICIENT_BALANCE`](codes::inquiry_balance::INSUFFICIENT_BALANCE) | pay-out: the available balance is short; nothing held |
//! | `4001108` | 400 | [`CALLBACK_URL_REFUSED`](codes::inquiry_balance::CALLBACK_URL_REFUSED) | `callbackUrl` is not an `http(s)://` URL |
//! | `4001109` | 400 | [`MOVEMENT_REFUSED`](codes::inquiry_balance::MOVEMENT_REFUSED) | pay-in, pay-out: the books refuse the movement; nothing booked |
//! | `5031102` | 503 | [`TOO_MANY_TRANSACTIONS`](codes::inquiry_balance::TOO_MANY_TRANSACTIONS) | the emulator holds as many transactions as it may |
//! | `5001101` | 500 | [`INTERNAL_ERROR`](codes::inquiry_balance::INTERNAL_ERROR) | a bug in the emulator |
//! | `5031101` | 503 | [`INJECTED_SERVER_ERROR`](codes::inquiry_balance::INJECTED_SERVER_ERROR) | an injected server error ([`Faults`]) |
//!
//! The rows are in the order the checks run. An endpoint added to the spec gets the same
//! cases under its own service code.
//!
//! # Fault injection
//!
//! [`Faults`] makes the emulator misbehave on purpose, to test a client's error handling.
//! Faults apply only to requests that were routed to an endpoint (not to 405 and 404
//! answers), after the answer is worked out, in this order: the added latency; then at most
//! one of dropping the connection without an answer, a 503 with
//! [`INJECTED_SERVER_ERROR`](codes::inquiry_balance::INJECTED_SERVER_ERROR), and a malformed body (status 200, the
//! answer's JSON cut in half). The draws come from a small deterministic PRNG (splitmix64)
//! seeded by [`Faults::seed`], three per routed request, so a sequence of requests sent one
//! after another meets the same faults on every run.
//!
//! # Logging
//!
//! Each answer is logged with `tracing` at debug level: method, path, partner id (as sent,
//! once the checks have reached it), result code and status. Secrets, signatures and bodies are never
//! logged, and `Debug` of [`Merchant`] and [`TestMerchant`] redacts them.

mod callback_url;
mod control;
mod delivery;
mod events;
mod handler;
mod inquiry_balance;
mod ledger;
mod merchant;
mod orders;
mod records;
mod rejection;
mod sandbox;
mod service;
mod state;
mod wire;

pub mod codes;

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

pub use control::{CONTROL_PREFIX, DASHBOARD_PATH};
pub use delivery::CallbackRetries;
pub use events::{Answered, EmulatorEvent};
pub use inquiry_balance::{example_account, example_balance};
pub use merchant::{Merchant, TestMerchant};
pub use records::{Callback, CallbackState, Delivery};
pub use sandbox::{
    Balance, BalanceError, MerchantAccounts, MerchantBalances, OTHER_ACCOUNT_OPENING_BALANCE,
    PAYIN_OPENING_BALANCE, PAYOUT_OPENING_BALANCE, SettleError, Transaction, TransactionFilter,
    account_numbers,
};

use delivery::{DeliveryLog, Job};
use ledger::Ledger;
use sandbox::Sandbox;
use smilepayz::Region;
use smilepayz::gateway;
use smilepayz::signing::{KeyError, PlatformKeyPair, PlatformPublicKey, RequestVerifier};
use state::{Partner, State};

/// How long after creation a transaction settles, by default.
pub const DEFAULT_SETTLE_AFTER: Duration = Duration::from_secs(1);
/// How many transactions an emulator keeps, by default; past it, new orders are refused.
pub const DEFAULT_MAX_TRANSACTIONS: usize = 1_000_000;
/// How many callback deliveries the emulator remembers (the oldest are forgotten).
const DELIVERY_LOG_LIMIT: usize = 100_000;

/// The default body limit: 64 KiB.
const DEFAULT_MAX_BODY_BYTES: usize = 64 * 1024;
/// The largest request head (request line and headers) accepted: 64 KiB, like the body. Without
/// it hyper reads heads up to its buffer size (about 400 KiB); a larger head is refused by hyper
/// with 431 and the connection closed.
const MAX_HEAD_BYTES: usize = 64 * 1024;
/// How long [`RunningEmulator::shutdown`] lets open connections finish their request.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);
/// How long the accept loop pauses after a failed accept (e.g. out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);
/// A connection that sends nothing for this long (idle between requests, or stalled in the
/// middle of one) is closed.
const IDLE_TIMEOUT: Duration = Duration::from_secs(30);

/// The emulator: [`Emulator::builder`] configures and starts one.
#[derive(Debug, Clone, Copy)]
pub struct Emulator;

impl Emulator {
    /// A builder with no merchants, no faults, the spec's clock skew, a 64 KiB body limit, on
    /// an ephemeral loopback port.
    #[must_use]
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }
}

/// Configures an emulator; [`EmulatorBuilder::start`] runs it.
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    merchants: Vec<Merchant>,
    faults: Faults,
    clock_skew: Duration,
    max_body_bytes: usize,
    bind: SocketAddr,
    settle_after: Duration,
    max_transactions: usize,
    callback_retries: CallbackRetries,
    platform: Option<PlatformKeyPair>,
    idle_timeout: Duration,
    events: events::Events,
    forward_callbacks_to: Option<String>,
    control: bool,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            merchants: Vec::new(),
            faults: Faults::default(),
            clock_skew: Duration::from_secs(u64::from(gateway::CLOCK_SKEW_SECONDS)),
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            bind: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            settle_after: DEFAULT_SETTLE_AFTER,
            max_transactions: DEFAULT_MAX_TRANSACTIONS,
            callback_retries: CallbackRetries::default(),
            platform: None,
            idle_timeout: IDLE_TIMEOUT,
            events: events::Events::default(),
            forward_callbacks_to: None,
            control: true,
        }
    }
}

impl EmulatorBuilder {
    /// Whether the [control API and dashboard](self#the-control-api-and-the-dashboard) answer
    /// under [`CONTROL_PREFIX`] (on by default). Off, those paths are a 404 like any path
    /// that is not an endpoint.
    #[must_use]
    pub fn control_api(mut self, on: bool) -> Self {
        self.control = on;
        self
    }

    /// Registers a merchant (partner). Call it once per merchant; partner ids must differ.
    #[must_use]
    pub fn merchant(mut self, merchant: Merchant) -> Self {
        self.merchants.push(merchant);
        self
    }

    /// Faults to inject (none by default).
    #[must_use]
    pub fn faults(mut self, faults: Faults) -> Self {
        self.faults = faults;
        self
    }

    /// How far X-TIMESTAMP may be from the emulator's clock, either way. Defaults to the
    /// spec's `gateway::CLOCK_SKEW_SECONDS` (300 s).
    #[must_use]
    pub fn clock_skew(mut self, d: Duration) -> Self {
        self.clock_skew = d;
        self
    }

    /// The largest body accepted, in bytes (64 KiB by default); larger bodies get a 413.
    #[must_use]
    pub fn max_body_bytes(mut self, n: usize) -> Self {
        self.max_body_bytes = n;
        self
    }

    /// The address to listen on; by default `127.0.0.1:0`, an ephemeral loopback port (see
    /// [`RunningEmulator::addr`]). The emulator is for tests: keep it on loopback.
    #[must_use]
    pub fn bind(mut self, addr: SocketAddr) -> Self {
        self.bind = addr;
        self
    }

    /// How long after creation a pay-in or pay-out settles (1 s by default; zero settles it
    /// before the answer is sent).
    #[must_use]
    pub fn settle_after(mut self, d: Duration) -> Self {
        self.settle_after = d;
        self
    }

    /// Calls `sink` with each answered request and each callback delivery, as they happen
    /// (`smilepayz serve --log` prints them). It runs on the emulator's tasks: keep it quick,
    /// and do not block.
    #[must_use]
    pub fn on_event(mut self, sink: impl Fn(&EmulatorEvent) + Send + Sync + 'static) -> Self {
        self.events = events::Events::new(sink);
        self
    }

    /// How many transactions the emulator keeps (1,000,000 by default); past it, pay-ins
    /// and pay-outs are refused with `TOO_MANY_TRANSACTIONS`, so memory stays bounded. A
    /// transaction takes about a kilobyte (934 bytes measured, so about 0.9 GB at the
    /// default cap), so lower it for a long-running `serve` on a small machine, or reset the
    /// books ([`RunningEmulator::reset`]).
    #[must_use]
    pub fn max_transactions(mut self, n: usize) -> Self {
        self.max_transactions = n;
        self
    }

    /// Delivers every callback to `url` (a loopback `http://` URL, such as a test's handler)
    /// instead of the order's `callbackUrl`, which is sent along in the
    /// `X-Original-Callback-Url` header: a merchant's production callback URL can stay in the
    /// orders and the callbacks still arrive here (like `stripe listen --forward-to`).
    #[must_use]
    pub fn forward_callbacks_to(mut self, url: impl Into<String>) -> Self {
        self.forward_callbacks_to = Some(url.into());
        self
    }

    /// How callbacks the merchant does not accept are delivered again.
    #[must_use]
    pub fn callback_retries(mut self, retries: CallbackRetries) -> Self {
        self.callback_retries = retries;
        self
    }

    /// How long a connection may send nothing (idle between requests, or stalled in the
    /// middle of one) before it is closed, and the most a request head or body may take to
    /// arrive whole: 30 s by default.
    #[must_use]
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.idle_timeout = d;
        self
    }

    /// The platform key pair that signs callbacks; by default a fresh one per emulator (see
    /// [`RunningEmulator::platform_public_key`]).
    #[must_use]
    pub fn platform_key(mut self, pair: PlatformKeyPair) -> Self {
        self.platform = Some(pair);
        self
    }

    /// Checks the configuration, seeds the ledger, binds the address and starts serving on
    /// the current tokio runtime.
    ///
    /// # Errors
    /// [`EmulatorError::InvalidFaultRate`], [`EmulatorError::InvalidPartnerId`],
    /// [`EmulatorError::DuplicatePartner`] or [`EmulatorError::InvalidMerchant`] for a bad
    /// configuration; [`EmulatorError::InvalidExample`] if the spec's examples do not fit
    /// their region; [`EmulatorError::Bind`] if the address cannot be bound.
    ///
    /// # Panics
    /// Like `tokio::spawn`, if called outside a tokio runtime.
    pub async fn start(self) -> Result<RunningEmulator, EmulatorError> {
        self.faults.check()?;
        let mut partners = HashMap::with_capacity(self.merchants.len());
        for merchant in self.merchants {
            check_partner_id(&merchant.partner_id)?;
            let verifier =
                RequestVerifier::new(merchant.scheme, merchant.secret, merchant.public_key)
                    .map_err(|source| EmulatorError::InvalidMerchant {
                        partner_id: merchant.partner_id.clone(),
                        source,
                    })?;
            match partners.entry(merchant.partner_id) {
                Entry::Occupied(entry) => {
                    return Err(EmulatorError::DuplicatePartner {
                        partner_id: entry.key().clone(),
                    });
                }
                Entry::Vacant(entry) => {
                    entry.insert(Partner {
                        region: merchant.region,
                        verifier,
                    });
                }
            }
        }
        if let Some(url) = &self.forward_callbacks_to {
            // The checks an order's callbackUrl gets (a real port among them), then "on this
            // machine, over http://".
            callback_url::check_callback_url(url)
                .map_err(|rejection| rejection.message().to_owned())
                .and_then(|()| callback_url::delivered_here(url))
                .map_err(|reason| EmulatorError::ForwardUrl {
                    url: url.chars().take(256).collect(),
                    reason,
                })?;
        }
        let ledger = Ledger::seed()?;
        let platform = match self.platform {
            Some(pair) => pair,
            None => PlatformKeyPair::generate().map_err(EmulatorError::Key)?,
        };
        let (finals, mut final_rx) = tokio::sync::mpsc::unbounded_channel();
        let (jobs, mut job_rx) = tokio::sync::mpsc::unbounded_channel();
        let sandbox = Sandbox::new(self.settle_after, self.max_transactions, finals);
        for (partner_id, partner) in &partners {
            sandbox.open(partner_id, partner.region);
        }
        let bind = self.bind;
        let listener = TcpListener::bind(bind)
            .await
            .map_err(|source| EmulatorError::Bind { addr: bind, source })?;
        let addr = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind { addr: bind, source })?;
        let deliveries = Arc::new(DeliveryLog::new(DELIVERY_LOG_LIMIT, self.events.clone()));
        let state = Arc::new(State {
            partners,
            ledger,
            sandbox,
            idle_timeout: self.idle_timeout,
            clock_skew: self.clock_skew,
            max_body_bytes: self.max_body_bytes,
            faults: self.faults,
            rng: AtomicU64::new(self.faults.seed),
            served: AtomicU64::new(0),
            events: self.events,
            deliveries: Arc::clone(&deliveries),
            jobs,
            control: self.control,
        });
        let (stop, stopped) = watch::channel(false);
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state), stopped.clone()));
        let platform = Arc::new(platform);
        // Settles transactions as their time comes (reads settle what is due too).
        let tick =
            (self.settle_after / 10).clamp(Duration::from_millis(1), Duration::from_millis(20));
        let ticker_state = Arc::clone(&state);
        let mut ticker_stop = stopped.clone();
        let ticker = tokio::spawn(async move {
            loop {
                tokio::select! {
                    _ = ticker_stop.changed() => break,
                    () = tokio::time::sleep(tick) => ticker_state.sandbox.settle_due(),
                }
            }
        });
        // Delivers the callback of every transaction that became final.
        let (dispatch_platform, dispatch_log, retries) = (
            Arc::clone(&platform),
            Arc::clone(&deliveries),
            self.callback_retries,
        );
        let forward: Option<Arc<str>> = self.forward_callbacks_to.as_deref().map(Arc::from);
        let mut dispatch_stop = stopped;
        let dispatcher = tokio::spawn(async move {
            let mut deliveries = JoinSet::new();
            // Each delivery's generation, to stop those of older ones on a reset.
            let mut handles: Vec<(u64, tokio::task::AbortHandle)> = Vec::new();
            fn track(
                handles: &mut Vec<(u64, tokio::task::AbortHandle)>,
                generation: u64,
                handle: tokio::task::AbortHandle,
            ) {
                handles.retain(|(_, h)| !h.is_finished());
                handles.push((generation, handle));
            }
            loop {
                tokio::select! {
                    _ = dispatch_stop.changed() => break,
                    Some(transaction) = final_rx.recv() => {
                        // A transaction from before a reset has no callback any more.
                        if transaction.callback_url.is_some()
                            && transaction.epoch == dispatch_log.generation()
                        {
                            let ticket = dispatch_log.begin(transaction.epoch, None);
                            let epoch = transaction.epoch;
                            let handle = deliveries.spawn(delivery::deliver(
                                transaction,
                                Arc::clone(&dispatch_platform),
                                retries,
                                Arc::clone(&dispatch_log),
                                forward.clone(),
                                ticket,
                            ));
                            track(&mut handles, epoch, handle);
                        }
                    }
                    Some(job) = job_rx.recv() => match job {
                        // Asked for before a reset that came first: its transaction is gone.
                        Job::Redeliver { transaction, .. }
                            if transaction.epoch != dispatch_log.generation() => {}
                        Job::Redeliver { transaction, ticket } => {
                            let epoch = transaction.epoch;
                            let handle = deliveries.spawn(delivery::deliver(
                                *transaction,
                                Arc::clone(&dispatch_platform),
                                retries,
                                Arc::clone(&dispatch_log),
                                forward.clone(),
                                ticket,
                            ));
                            track(&mut handles, epoch, handle);
                        }
                        // Callbacks on their way stop: their transactions are gone.
                        Job::Reset { generation } => {
                            handles.retain(|(epoch, handle)| {
                                if *epoch < generation {
                                    handle.abort();
                                }
                                *epoch >= generation && !handle.is_finished()
                            });
                        }
                    },
                    Some(_) = deliveries.join_next(), if !deliveries.is_empty() => {}
                }
            }
            deliveries.shutdown().await;
        });
        tracing::info!(%addr, "Smilepayz gateway emulator listening");
        Ok(RunningEmulator {
            addr,
            state,
            stop,
            task,
            background: vec![ticker, dispatcher],
            platform,
        })
    }
}

/// A partner id must be what a header can carry, so that requests can name it.
fn check_partner_id(partner_id: &str) -> Result<(), EmulatorError> {
    let reason = if partner_id.is_empty() {
        "it is empty"
    } else if !partner_id.bytes().all(|b| b.is_ascii_graphic()) {
        "it has characters other than visible ASCII, which X-PARTNER-ID cannot carry"
    } else {
        return Ok(());
    };
    Err(EmulatorError::InvalidPartnerId {
        partner_id: partner_id.to_owned(),
        reason,
    })
}

/// Faults the emulator injects, to test a client's error handling. The default injects none.
///
/// See the [module documentation](self#fault-injection) for when and in what order they apply.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Faults {
    /// Latency added to every routed request before it is answered.
    pub latency: Option<Duration>,
    /// The share of routed requests answered with 503, from 0.0 to 1.0.
    pub server_error_rate: f64,
    /// The share of routed requests answered with status 200 and a truncated JSON body, from
    /// 0.0 to 1.0.
    pub malformed_body_rate: f64,
    /// The share of routed requests whose connection is closed without an answer, from 0.0
    /// to 1.0.
    pub drop_connection_rate: f64,
    /// The seed of the fault PRNG: equal seeds give equal fault sequences.
    pub seed: u64,
}

impl Faults {
    fn check(&self) -> Result<(), EmulatorError> {
        for (name, value) in [
            ("server_error_rate", self.server_error_rate),
            ("malformed_body_rate", self.malformed_body_rate),
            ("drop_connection_rate", self.drop_connection_rate),
        ] {
            if !(0.0..=1.0).contains(&value) {
                return Err(EmulatorError::InvalidFaultRate { name, value });
            }
        }
        Ok(())
    }
}

/// A started emulator. [`RunningEmulator::shutdown`] stops it; dropping it stops accepting
/// connections too, without waiting.
pub struct RunningEmulator {
    addr: SocketAddr,
    state: Arc<State>,
    stop: watch::Sender<bool>,
    task: JoinHandle<()>,
    /// The settlement ticker and the callback dispatcher.
    background: Vec<JoinHandle<()>>,
    platform: Arc<PlatformKeyPair>,
}

impl RunningEmulator {
    /// The address it listens on, with the actual port.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>`, the base URL to give a client instead of the sandbox's.
    #[must_use]
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// How many requests it has answered, errors and injected faults included (dropped
    /// connections are not answers, so not counted).
    #[must_use]
    pub fn requests_served(&self) -> u64 {
        self.state.served.load(Ordering::Relaxed)
    }

    /// The platform public key that verifies the emulator's callbacks.
    #[must_use]
    pub fn platform_public_key(&self) -> PlatformPublicKey {
        self.platform.public.clone()
    }

    /// The platform public key as Base64 X.509 `SubjectPublicKeyInfo` DER.
    #[must_use]
    pub fn platform_public_key_base64(&self) -> String {
        self.platform.public_spki_base64()
    }

    /// A merchant's pay-in and pay-out account numbers, if it is registered.
    #[must_use]
    pub fn accounts(&self, partner_id: &str) -> Option<MerchantAccounts> {
        self.state.sandbox.accounts_of(partner_id)
    }

    /// The live balance of one of a merchant's accounts (any other account number is opened
    /// at [`OTHER_ACCOUNT_OPENING_BALANCE`], as balance inquiry does).
    #[must_use]
    pub fn balance(&self, partner_id: &str, account_no: &str) -> Option<Balance> {
        self.state.sandbox.balance(partner_id, account_no)
    }

    /// A transaction by its `tradeNo`.
    #[must_use]
    pub fn transaction(&self, trade_no: &str) -> Option<Transaction> {
        self.state.sandbox.get(trade_no)
    }

    /// How many transactions the emulator holds.
    #[must_use]
    pub fn transaction_count(&self) -> usize {
        self.state.sandbox.len()
    }

    /// Settles a transaction now, whatever its time, and delivers its callback; returns it if
    /// this call made it final.
    pub fn settle(&self, trade_no: &str) -> Option<Transaction> {
        self.state.sandbox.settle(trade_no)
    }

    /// Every callback delivery so far, oldest first (the most recent 100,000).
    #[must_use]
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.deliveries.all()
    }

    /// Every callback so far with its deliveries, oldest first.
    #[must_use]
    pub fn callbacks(&self) -> Vec<Callback> {
        self.state.deliveries.callbacks()
    }

    /// The transactions the filter matches, oldest first.
    #[must_use]
    pub fn transactions(&self, filter: &TransactionFilter) -> Vec<Transaction> {
        self.state.sandbox.list(filter)
    }

    /// Settles a transaction now as `status` (`SUCCESS`, `FAILED`, or `EXPIRED` for a
    /// pay-in), moving the money as that status does, and delivers its callback.
    ///
    /// # Errors
    /// [`SettleError`] when it is unknown, final already, or cannot end in that status;
    /// nothing changes then.
    pub fn settle_as(
        &self,
        trade_no: &str,
        status: smilepayz::definitions::TransactionStatus,
    ) -> Result<Transaction, SettleError> {
        self.state.sandbox.settle_as(trade_no, Some(status))
    }

    /// Delivers a callback again, as a new callback with its own id and attempts (the
    /// transaction's status as it stands); returns the new id, or `None` if no callback has
    /// this id (or its transaction is gone).
    pub fn redeliver(&self, callback: u64) -> Option<u64> {
        self.state.redeliver(callback)
    }

    /// Every merchant with its accounts' balances.
    #[must_use]
    pub fn merchants(&self) -> Vec<MerchantBalances> {
        self.state.sandbox.merchants()
    }

    /// Sets one of a merchant's two accounts to `balance`; what is held for pay-outs in
    /// flight stays held, so the available balance is `balance` less the holds.
    ///
    /// # Errors
    /// [`BalanceError`] for an unknown merchant or account, a negative amount, more decimals
    /// than the currency has, or less than is held; nothing changes then.
    pub fn set_balance(
        &self,
        partner_id: &str,
        account_no: &str,
        balance: smilepayz::Amount,
    ) -> Result<Balance, BalanceError> {
        self.state
            .sandbox
            .set_balances(partner_id, &[(account_no, balance)])?
            .pop()
            .ok_or_else(|| BalanceError::Refused("no balance was set".to_owned()))
    }

    /// Forgets every transaction and callback (callbacks on their way stop) and opens every
    /// merchant's accounts again at their opening balances. The merchants stay.
    pub fn reset(&self) {
        self.state.reset();
    }

    /// The control API's base URL, `http://<addr>/__emulator/api` (see the [module
    /// documentation](self#the-control-api-and-the-dashboard)).
    #[must_use]
    pub fn control_url(&self) -> String {
        format!("{}{CONTROL_PREFIX}", self.base_url())
    }

    /// The dashboard's URL, `http://<addr>/__emulator/`.
    #[must_use]
    pub fn dashboard_url(&self) -> String {
        format!("{}{DASHBOARD_PATH}", self.base_url())
    }

    /// Stops accepting connections, lets open ones finish the request in progress (for up to
    /// 5 seconds), stops settling and delivering, and returns once all has ended.
    pub async fn shutdown(self) {
        self.stop.send_replace(true);
        if let Err(error) = self.task.await {
            tracing::warn!(%error, "the emulator's accept loop ended abnormally");
        }
        for task in self.background {
            let _ = task.await;
        }
    }
}

impl fmt::Debug for RunningEmulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningEmulator")
            .field("addr", &self.addr)
            .field("requests_served", &self.requests_served())
            .finish_non_exhaustive()
    }
}

/// Why the emulator could not be started (or a test merchant made). Messages never contain
/// secrets or key material.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// A test merchant's private and public keys are not one key pair.
    #[error(
        "the merchant's private and public keys are not one key pair; keep both halves of the \
         same key (or delete the merchants file to start with new merchants)"
    )]
    KeyPairMismatch,
    /// The URL given to [`EmulatorBuilder::forward_callbacks_to`] is not one the emulator
    /// delivers to.
    #[error("callbacks cannot be forwarded to {url:?}: {reason}")]
    ForwardUrl {
        /// The URL (at most 256 characters).
        url: String,
        /// Why not.
        reason: String,
    },
    /// The listening address could not be bound.
    #[error(
        "the emulator cannot listen on {addr}: {source}; choose a free address, or \
         127.0.0.1:0 for an ephemeral port"
    )]
    Bind {
        /// The address asked for.
        addr: SocketAddr,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
    /// A merchant's partner id cannot be sent in `X-PARTNER-ID`.
    #[error(
        "the partner id {partner_id:?} cannot be registered: {reason}; use the merchant id \
         the client sends in X-PARTNER-ID"
    )]
    InvalidPartnerId {
        /// The partner id.
        partner_id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// Two merchants have the same partner id.
    #[error(
        "the partner id {partner_id:?} is registered twice; give each merchant its own partner \
         id (for TestMerchant, change `partner_id` before calling `merchant()`)"
    )]
    DuplicatePartner {
        /// The partner id.
        partner_id: String,
    },
    /// A merchant's keys do not fit its scheme (e.g. `sha256-with-rsa` without a public key).
    #[error("merchant {partner_id:?} cannot be registered: {source}")]
    InvalidMerchant {
        /// The merchant's partner id.
        partner_id: String,
        /// What is missing.
        #[source]
        source: KeyError,
    },
    /// A fault rate is not a probability.
    #[error("the fault rate `{name}` is {value}; rates are probabilities from 0.0 to 1.0")]
    InvalidFaultRate {
        /// The field's name.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A documented example response in the spec is not a valid response of its region.
    #[error(
        "the {region} example {example:?} of {endpoint} is not a valid {region} response: \
         {reason}; fix the example in spec/regions and rebuild"
    )]
    InvalidExample {
        /// The endpoint's id in the spec.
        endpoint: &'static str,
        /// The region.
        region: Region,
        /// The example's name.
        example: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// A test merchant's key pair or signer could not be made.
    #[error("the test merchant's keys could not be made: {0}")]
    Key(#[source] KeyError),
    /// The system's random generator failed while making a test merchant's secret.
    #[error(
        "the system random generator failed while making a test merchant's secret; this does \
         not depend on any input: retry"
    )]
    Randomness,
}

/// Accepts connections until told to stop, then gives open connections [`SHUTDOWN_GRACE`] to
/// finish and ends.
async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: watch::Receiver<bool>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            // A stop signal, or the RunningEmulator dropped.
            _ = stopped.changed() => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _peer)) => {
                    connections.spawn(serve_connection(stream, Arc::clone(&state), stopped.clone()));
                }
                Err(error) => {
                    tracing::warn!(%error, "the emulator could not accept a connection");
                    tokio::time::sleep(ACCEPT_BACKOFF).await;
                }
            },
            // Reap finished connections so the set does not grow.
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    let finished = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if finished.is_err() {
        tracing::debug!("the emulator closed connections still open after the grace period");
    }
    connections.shutdown().await;
    tracing::info!("Smilepayz gateway emulator stopped");
}

/// Serves one connection (HTTP/1.1, keep-alive) until the client closes it or the emulator
/// stops, in which case the request in progress is finished first.
async fn serve_connection(
    stream: TcpStream,
    state: Arc<State>,
    mut stopped: watch::Receiver<bool>,
) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "the emulator could not set TCP_NODELAY");
    }
    let idle = state.idle_timeout;
    let service = service_fn(move |request| {
        let state = Arc::clone(&state);
        async move { state.serve(request).await }
    });
    let connection = http1::Builder::new()
        .keep_alive(true)
        .max_header_size(MAX_HEAD_BYTES)
        .timer(hyper_util::rt::TokioTimer::new())
        // hyper's head timeout also runs while a kept-alive connection waits for its next
        // request, so it is the idle timeout; a head that trickles in is bounded by it too.
        .header_read_timeout(idle)
        .serve_connection(TokioIo::new(IdleTimeout::new(stream, idle)), service);
    let mut connection = std::pin::pin!(connection);
    let result = tokio::select! {
        result = connection.as_mut() => result,
        _ = stopped.changed() => {
            connection.as_mut().graceful_shutdown();
            connection.as_mut().await
        }
    };
    if let Err(error) = result {
        tracing::debug!(%error, "an emulator connection ended with an error");
    }
}

/// A stream whose reads fail once nothing has arrived for `limit`, so idle and stalled
/// connections do not stay open for ever.
struct IdleTimeout {
    stream: TcpStream,
    limit: Duration,
    deadline: std::pin::Pin<Box<tokio::time::Sleep>>,
}

impl IdleTimeout {
    fn new(stream: TcpStream, limit: Duration) -> Self {
        Self {
            stream,
            limit,
            deadline: Box::pin(tokio::time::sleep(limit)),
        }
    }
}

impl tokio::io::AsyncRead for IdleTimeout {
    fn poll_read(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &mut tokio::io::ReadBuf<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        use std::task::Poll;
        let this = &mut *self;
        match std::pin::Pin::new(&mut this.stream).poll_read(cx, buf) {
            Poll::Ready(result) => {
                let next = tokio::time::Instant::now() + this.limit;
                this.deadline.as_mut().reset(next);
                Poll::Ready(result)
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Err(std::io::Error::new(
                    std::io::ErrorKind::TimedOut,
                    "the connection was idle for too long",
                ))),
                Poll::Pending => Poll::Pending,
            },
        }
    }
}

impl tokio::io::AsyncWrite for IdleTimeout {
    fn poll_write(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
        buf: &[u8],
    ) -> std::task::Poll<std::io::Result<usize>> {
        std::pin::Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<std::io::Result<()>> {
        std::pin::Pin::new(&mut self.stream).poll_shutdown(cx)
    }
}
