//! The `smilepayz` command: list regions and endpoints, call any endpoint of the spec or
//! query a balance (against the built-in emulator by default, or a real gateway), sign a
//! request body, check a callback signature, and run the local gateway emulator.
//!
//! Errors end the command with one line on stderr and a non-zero exit status, never a panic.

use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::ExposeSecret;
use smilepayz::callback::{CallbackVerifier, SUCCESS_REPLY};
use smilepayz::definitions::BalanceType;
use smilepayz::endpoints::inquiry_balance::{self, AnyInquiryBalanceRequest};
use smilepayz::signing::{
    MerchantPrivateKey, MerchantSecret, PlatformKeyPair, PlatformPublicKey, SignatureScheme,
    Signer, verify_callback,
};
use smilepayz::{Client, Environment, Region, RegionEndpoint, gateway};
use smilepayz_emulator::{Emulator, Faults, TestMerchant};

#[derive(Parser)]
#[command(
    name = "smilepayz",
    version,
    about = "Smilepayz gateway tool: regions, endpoints, calls, balances, signatures and a local gateway emulator",
    after_help = "Credentials for a real gateway come from SMILEPAYZ_PARTNER_ID, SMILEPAYZ_MERCHANT_SECRET and SMILEPAYZ_PRIVATE_KEY (Base64 PKCS#8 or PEM) or SMILEPAYZ_PRIVATE_KEY_FILE."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List every region in the spec.
    Regions {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// List the endpoints each region offers.
    Endpoints {
        /// Only this region's endpoints.
        #[arg(long)]
        region: Option<Region>,
        /// Print JSON: a list of {id, title, path, serviceCode, readOnly, regions}.
        #[arg(long)]
        json: bool,
    },
    /// Sign and send one request to any endpoint of the spec and print the response body.
    /// With no --env or --base-url, starts the built-in emulator with a fresh test key pair.
    /// Exits 0 only when the gateway answers code "00"; a body the region's rules refuse
    /// exits 2 before anything is sent.
    Call {
        /// The endpoint's id, e.g. inquiry-status (see `smilepayz endpoints`).
        endpoint: String,
        /// The region's code, e.g. THB.
        #[arg(long)]
        region: Region,
        /// The JSON body, @FILE to read it from a file, or - to read it from standard input.
        /// Sent byte for byte.
        #[arg(long, conflicts_with = "example", required_unless_present = "example")]
        body: Option<String>,
        /// Send the region's documented example request (the first one, or the one named).
        #[arg(long, num_args = 0..=1, default_missing_value = "")]
        example: Option<String>,
        /// Talk to a real gateway environment.
        #[arg(long, value_enum, conflicts_with = "base_url")]
        env: Option<Env>,
        /// Talk to the gateway at this base URL.
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Query an account's balance. With no --env or --base-url, starts the built-in emulator
    /// with a fresh test key pair and queries it: works offline, with no account.
    Balance {
        /// The region's code, e.g. THB.
        #[arg(long)]
        region: Region,
        /// The account number; against the emulator, defaults to the region's example account.
        #[arg(long)]
        account_no: Option<String>,
        /// A balance type to return; repeat for several. Defaults to BALANCE.
        #[arg(long = "balance-type")]
        balance_types: Vec<String>,
        /// Talk to a real gateway environment.
        #[arg(long, value_enum, conflicts_with = "base_url")]
        env: Option<Env>,
        /// Talk to the gateway at this base URL.
        #[arg(long)]
        base_url: Option<String>,
        /// Print the response body as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the X-SIGNATURE of a body, signed exactly as given; the secret and key come from
    /// the SMILEPAYZ_ variables.
    Sign {
        /// The X-TIMESTAMP the request will carry, e.g. 2020-12-18T15:06:00+07:00.
        #[arg(long)]
        timestamp: String,
        /// The request body, byte for byte as it will be sent; @FILE reads it from a file
        /// and - from standard input (their bytes, a final newline included).
        #[arg(long)]
        body: String,
        /// The signature scheme.
        #[arg(long, value_enum, default_value = "sha256-with-rsa")]
        scheme: Scheme,
    },
    /// Check a callback's X-SIGNATURE (over tradeNo|X-TIMESTAMP) with the platform public key.
    /// Prints `valid` (exit 0) or `invalid` (exit 1).
    VerifyCallback {
        /// The tradeNo from the callback's body.
        #[arg(long)]
        trade_no: String,
        /// The callback's X-TIMESTAMP header.
        #[arg(long)]
        timestamp: String,
        /// The callback's X-SIGNATURE header.
        #[arg(long)]
        signature: String,
        /// The platform public key: Base64 SPKI DER, or PEM (`-----BEGIN …`, as one argument).
        #[arg(long, allow_hyphen_values = true)]
        platform_public_key: String,
        /// How far X-TIMESTAMP may be from this machine's clock, in seconds, as a handler
        /// allows; an older callback is reported `stale`.
        #[arg(long, default_value_t = 300)]
        tolerance_seconds: u64,
        /// Check the signature only, not the clock (for a callback copied from a log).
        #[arg(long)]
        no_clock_check: bool,
    },
    /// Receive callbacks on a local port: verify each with the platform public key, print it
    /// (valid, or which check failed) and answer as a merchant's handler should: SUCCESS to a
    /// valid one, 401 or 400 with the reason otherwise (413 over 64 KiB), so the platform
    /// delivers it again. The tool for "are the gateway's callbacks reaching me and
    /// verifying?". Prints `listening on http://ADDR` first.
    Listen {
        /// The address to bind; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
        /// The platform public key: Base64 SPKI DER, or PEM (`-----BEGIN …`, as one argument;
        /// the emulator prints its own).
        #[arg(long, allow_hyphen_values = true)]
        platform_public_key: String,
        /// How far X-TIMESTAMP may be from this machine's clock, in seconds.
        #[arg(long, default_value_t = 300)]
        tolerance_seconds: u64,
        /// Do not check the clock (for replayed callbacks).
        #[arg(long)]
        no_clock_check: bool,
        /// Stop after this many callbacks (by default, run until interrupted).
        #[arg(long)]
        count: Option<u64>,
        /// Also read each callback as this region's notification, as a typed handler would
        /// (currency, decimals, statuses): one that does not read is answered 400.
        #[arg(long)]
        region: Option<Region>,
        /// Print one JSON object per callback instead of a line of text.
        #[arg(long)]
        json: bool,
    },
    /// Sign a callback as the platform does and POST it to a merchant's callback handler,
    /// printing the answer. With --check, send four (a valid one, the same one again, a stale
    /// one and a forged one) and report each answer against what a correct handler answers:
    /// SUCCESS, SUCCESS, refused, refused. Exits 0 only when every answer is right.
    SendCallback {
        /// The handler's URL, e.g. http://127.0.0.1:8080/smilepayz/callback.
        #[arg(long)]
        url: String,
        /// The region's code, e.g. THB: the currency, offset and merchant id of the default
        /// body, and the rules a given body is checked against before sending.
        #[arg(long)]
        region: Region,
        /// Whose notification it is.
        #[arg(long, value_enum, default_value = "pay-in")]
        endpoint: CallbackEndpoint,
        /// The notification body (JSON, @FILE or - for standard input), sent byte for byte. By
        /// default, a SUCCESS
        /// notification of 100 in the region's currency with a fresh orderNo and tradeNo.
        #[arg(long)]
        body: Option<String>,
        /// The key to sign with, Base64 PKCS#8 or PEM; the handler must be verifying with its
        /// public half (in tests, instead of the real platform key).
        #[arg(
            long,
            env = "SMILEPAYZ_PLATFORM_PRIVATE_KEY",
            hide_env_values = true,
            allow_hyphen_values = true
        )]
        platform_private_key: String,
        /// Send the four callbacks a handler must tell apart, and report each answer.
        #[arg(long)]
        check: bool,
    },
    /// Run the local gateway emulator until interrupted. Prints the address it bound first,
    /// then each region's partner id and secret, and the private key they share.
    Serve {
        /// The address to bind; port 0 picks a free one.
        #[arg(long, default_value = "127.0.0.1:0")]
        addr: SocketAddr,
        /// Added latency per request, in milliseconds.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Share of requests answered 503 (0 to 1).
        #[arg(long, default_value_t = 0.0)]
        server_error_rate: f64,
        /// Share of requests answered with a truncated body (0 to 1).
        #[arg(long, default_value_t = 0.0)]
        malformed_body_rate: f64,
        /// Share of connections dropped without an answer (0 to 1).
        #[arg(long, default_value_t = 0.0)]
        drop_connection_rate: f64,
        /// How long after creation a pay-in or pay-out settles, in milliseconds (0 settles
        /// before answering).
        #[arg(long, default_value_t = 1000)]
        settle_after_ms: u64,
        /// How many transactions to keep (about a kilobyte each); past it, pay-ins and
        /// pay-outs are refused with TOO_MANY_TRANSACTIONS. Lower it for a long run on a small
        /// machine.
        #[arg(long, default_value_t = smilepayz_emulator::DEFAULT_MAX_TRANSACTIONS,
              value_parser = clap::builder::RangedU64ValueParser::<usize>::new().range(1..))]
        max_transactions: usize,
        /// Print one JSON object (base URL, control API and dashboard URLs, platform public
        /// key, merchants with their credentials and accounts) as the first line, for scripts and other test suites
        /// (and, with --log, one JSON object per line after it).
        #[arg(long)]
        json: bool,
        /// Print a line for every request answered (time, partner, region, endpoint, orderNo,
        /// HTTP status, result code, milliseconds) and every callback delivery (its answer,
        /// and when the emulator gives up).
        #[arg(long)]
        log: bool,
        /// Deliver every callback to this local URL (http://127.0.0.1:PORT/…) instead of the
        /// order's callbackUrl, which comes along in the X-Original-Callback-Url header: orders
        /// can carry the shop's real notify URL and the callbacks still reach a local handler.
        #[arg(long)]
        forward_callbacks_to: Option<String>,
        /// Serve no control API and no dashboard under /__emulator/ (they are on by default;
        /// turn them off when the address is reachable from other machines).
        #[arg(long)]
        no_control_api: bool,
        /// Keep the merchants' partner ids, secrets and keys in this JSON file: read from it
        /// when it exists, written to it (readable by you alone) when it does not, so a test
        /// suite's configuration holds the same credentials across starts.
        #[arg(long)]
        merchants: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum CallbackEndpoint {
    PayIn,
    PayOut,
}

#[derive(Clone, Copy, ValueEnum)]
enum Env {
    Sandbox,
    Production,
}

#[derive(Clone, Copy, ValueEnum)]
enum Scheme {
    #[value(name = "sha256-with-rsa")]
    Sha256WithRsa,
    #[value(name = "hmac-sha512")]
    HmacSha512,
}

impl From<Scheme> for SignatureScheme {
    fn from(scheme: Scheme) -> Self {
        match scheme {
            Scheme::Sha256WithRsa => SignatureScheme::Sha256WithRsa,
            Scheme::HmacSha512 => SignatureScheme::HmacSha512,
        }
    }
}

/// A failure: the one line printed, and the exit status.
struct Failure(String, u8);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(error: E) -> Self {
        Failure(error.to_string(), 1)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("smilepayz: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(message, code)) => {
            // One line: the reason, with any newlines folded.
            let line = message.split_whitespace().collect::<Vec<_>>().join(" ");
            eprintln!("smilepayz: {line}");
            ExitCode::from(code)
        }
    }
}

async fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Regions { json } => regions(json),
        Command::Endpoints { region, json } => endpoints(region, json),
        Command::Call {
            endpoint,
            region,
            body,
            example,
            env,
            base_url,
        } => call(&endpoint, region, body, example, env, base_url).await,
        Command::Balance {
            region,
            account_no,
            balance_types,
            env,
            base_url,
            json,
        } => balance(region, account_no, balance_types, env, base_url, json).await,
        Command::Sign {
            timestamp,
            body,
            scheme,
        } => sign(&timestamp, &body_bytes(body)?, scheme.into()),
        Command::Listen {
            addr,
            platform_public_key,
            tolerance_seconds,
            no_clock_check,
            count,
            region,
            json,
        } => {
            let key = PlatformPublicKey::parse(&platform_public_key)?;
            let mut verifier = CallbackVerifier::new(key);
            verifier = if no_clock_check {
                verifier.without_clock_check()
            } else {
                verifier.tolerance(Duration::from_secs(tolerance_seconds))
            };
            listen(addr, verifier, count, region, json).await
        }
        Command::VerifyCallback {
            trade_no,
            timestamp,
            signature,
            platform_public_key,
            tolerance_seconds,
            no_clock_check,
        } => {
            let key = PlatformPublicKey::parse(&platform_public_key)?;
            if !verify_callback(&key, &trade_no, &timestamp, &signature) {
                println!("invalid");
                return Err(Failure(
                    "the signature does not match tradeNo|X-TIMESTAMP under this key".to_owned(),
                    1,
                ));
            }
            // The signature holds; the clock is checked as a handler checks it (the verifier
            // reads only tradeNo from the body, the one signed field).
            let verifier = CallbackVerifier::new(key);
            let verifier = if no_clock_check {
                verifier.without_clock_check()
            } else {
                verifier.tolerance(Duration::from_secs(tolerance_seconds))
            };
            let body = serde_json::json!({ "tradeNo": trade_no }).to_string();
            let headers = [
                ("Content-Type", "application/json"),
                ("X-TIMESTAMP", timestamp.as_str()),
                ("X-SIGNATURE", signature.as_str()),
            ];
            match verifier.verify::<serde::de::IgnoredAny>(
                headers,
                body.as_bytes(),
                std::time::SystemTime::now(),
            ) {
                Ok(_) => {
                    println!("valid");
                    Ok(())
                }
                Err(error @ smilepayz::callback::CallbackError::Stale { .. }) => {
                    println!("stale");
                    Err(Failure(
                        format!(
                            "{error}; the signature itself is valid (--no-clock-check checks it \
                             alone)"
                        ),
                        1,
                    ))
                }
                Err(error) => {
                    println!("invalid");
                    Err(Failure(error.to_string(), 1))
                }
            }
        }
        Command::SendCallback {
            url,
            region,
            endpoint,
            body,
            platform_private_key,
            check,
        } => send_callback(&url, region, endpoint, body, &platform_private_key, check).await,
        Command::Serve {
            addr,
            latency_ms,
            server_error_rate,
            malformed_body_rate,
            drop_connection_rate,
            settle_after_ms,
            max_transactions,
            json,
            log,
            forward_callbacks_to,
            no_control_api,
            merchants,
        } => {
            let faults = Faults {
                latency: (latency_ms > 0).then(|| Duration::from_millis(latency_ms)),
                server_error_rate,
                malformed_body_rate,
                drop_connection_rate,
                ..Faults::default()
            };
            serve(ServeOptions {
                addr,
                faults,
                settle_after: Duration::from_millis(settle_after_ms),
                max_transactions,
                json,
                log,
                forward_callbacks_to,
                control: !no_control_api,
                merchants_file: merchants,
            })
            .await
        }
    }
}

fn regions(json: bool) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    if json {
        let list: Vec<serde_json::Value> = Region::ALL
            .iter()
            .map(|r| {
                let i = r.info();
                serde_json::json!({
                    "code": i.code, "name": i.name, "currency": i.currency,
                    "areaCode": i.area_code, "timestampOffset": i.utc_offset,
                    "moneyFormat": i.money_format,
                    "endpoints": i.endpoints.iter().map(|e| e.endpoint.id).collect::<Vec<_>>(),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<6} {:<12} {:<8} {:>4}  {:<7} {:<8} ENDPOINTS",
        "CODE", "NAME", "CURRENCY", "AREA", "OFFSET", "MONEY"
    )?;
    for region in Region::ALL {
        let i = region.info();
        writeln!(
            out,
            "{:<6} {:<12} {:<8} {:>4}  {:<7} {:<8} {}",
            i.code,
            i.name,
            i.currency,
            i.area_code,
            i.utc_offset,
            i.money_format,
            i.endpoints
                .iter()
                .map(|e| e.endpoint.id)
                .collect::<Vec<_>>()
                .join(",")
        )?;
    }
    Ok(())
}

fn env_var(name: &str) -> Result<Option<String>, Failure> {
    match std::env::var(name) {
        Ok(value) if !value.trim().is_empty() => Ok(Some(value)),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => {
            Err(Failure(format!("{name} is not valid UTF-8"), 1))
        }
    }
}

fn merchant_secret() -> Result<MerchantSecret, Failure> {
    let secret = env_var("SMILEPAYZ_MERCHANT_SECRET")?.ok_or_else(|| {
        Failure(
            "set SMILEPAYZ_MERCHANT_SECRET to your merchant secret".to_owned(),
            1,
        )
    })?;
    Ok(MerchantSecret::new(secret)?)
}

fn private_key() -> Result<Option<MerchantPrivateKey>, Failure> {
    let text = match env_var("SMILEPAYZ_PRIVATE_KEY")? {
        Some(text) => text,
        None => match env_var("SMILEPAYZ_PRIVATE_KEY_FILE")? {
            Some(path) => std::fs::read_to_string(PathBuf::from(&path)).map_err(|e| {
                Failure(
                    format!("cannot read SMILEPAYZ_PRIVATE_KEY_FILE {path}: {e}"),
                    1,
                )
            })?,
            None => return Ok(None),
        },
    };
    Ok(Some(MerchantPrivateKey::parse(&text)?))
}

fn sign(timestamp: &str, body: &[u8], scheme: SignatureScheme) -> Result<(), Failure> {
    let secret = merchant_secret()?;
    let key = private_key()?;
    if scheme == SignatureScheme::Sha256WithRsa && key.is_none() {
        return Err(Failure(
            "set SMILEPAYZ_PRIVATE_KEY (Base64 PKCS#8 or PEM) or SMILEPAYZ_PRIVATE_KEY_FILE to sign with sha256-with-rsa".to_owned(),
            1,
        ));
    }
    let signer = Signer::new(scheme, secret, key)?;
    println!("{}", signer.sign(timestamp, body)?);
    Ok(())
}

/// One balance inquiry in a region chosen at run time, as printable lines and as JSON.
async fn inquire(
    client: &Client,
    region: Region,
    account_no: String,
    balance_types: Vec<BalanceType>,
) -> Result<(Vec<String>, String), Failure> {
    let request = AnyInquiryBalanceRequest::builder(region)
        .account_no(account_no)
        .balance_types(balance_types)
        .build()?;
    let response = client.send(&request).await?;
    let mut lines = vec![
        format!("region   {} ({})", region.name(), region.code()),
        format!(
            "account  {}",
            response.account_no().unwrap_or("(not returned)")
        ),
    ];
    if let Some(name) = response.name() {
        lines.push(format!("name     {name}"));
    }
    lines.push(String::new());
    lines.push(format!(
        "{:<14} {:>24} {:>24}  CURRENCY",
        "BALANCE TYPE", "AMOUNT", "AVAILABLE"
    ));
    for info in response.account_infos() {
        lines.push(format!(
            "{:<14} {:>24} {:>24}  {}",
            info.balance_type.as_str(),
            info.amount.amount().to_string(),
            info.available_balance.amount().to_string(),
            info.amount.currency()
        ));
    }
    let json = serde_json::to_string_pretty(&response)?;
    Ok((lines, json))
}

async fn balance(
    region: Region,
    account_no: Option<String>,
    balance_types: Vec<String>,
    env: Option<Env>,
    base_url: Option<String>,
    json: bool,
) -> Result<(), Failure> {
    let balance_types = if balance_types.is_empty() {
        vec![BalanceType::Balance]
    } else {
        balance_types
            .into_iter()
            .map(|t| t.parse::<BalanceType>())
            .collect::<Result<_, _>>()?
    };
    if region
        .info()
        .endpoint(inquiry_balance::ENDPOINT.id)
        .is_none()
    {
        return Err(Failure(
            format!("the {region} region does not offer inquiry-balance"),
            2,
        ));
    }
    let real = env.is_some() || base_url.is_some();
    let (client, emulator) = connect(region, env, base_url).await?;
    let account_no = match account_no {
        Some(account_no) => account_no,
        None if real => {
            return Err(Failure(
                "give --account-no: a real gateway has no example account".to_owned(),
                1,
            ));
        }
        None => smilepayz_emulator::example_account(region).ok_or_else(|| {
            Failure(
                format!("region {region} has no example account; give --account-no"),
                1,
            )
        })?,
    };
    let result = inquire(&client, region, account_no, balance_types).await;
    if let Some(running) = emulator {
        running.shutdown().await;
    }
    let (lines, report_json) = result?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{report_json}")?;
    } else {
        for line in lines {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// A client for a real gateway (`--env`, `--base-url`, credentials from the SMILEPAYZ_
/// variables), or for a freshly started emulator with a test merchant of `region`.
async fn connect(
    region: Region,
    env: Option<Env>,
    base_url: Option<String>,
) -> Result<(Client, Option<smilepayz_emulator::RunningEmulator>), Failure> {
    let environment = match (env, base_url) {
        (Some(Env::Sandbox), _) => Some(Environment::Sandbox),
        (Some(Env::Production), _) => Some(Environment::Production),
        (None, Some(url)) => Some(Environment::BaseUrl(url)),
        (None, None) => None,
    };
    match environment {
        Some(environment) => {
            // The credentials as the library reads them; --env or --base-url decides where.
            let builder = smilepayz::ClientBuilder::from_env()?.environment(environment);
            Ok((builder.build()?, None))
        }
        None => {
            let merchant = TestMerchant::generate(region)?;
            let running = Emulator::builder()
                .merchant(merchant.merchant())
                .start()
                .await?;
            let client = Client::builder()
                .base_url(running.base_url())
                .partner_id(merchant.partner_id.clone())
                .merchant_secret(merchant.secret.clone())
                .private_key(merchant.private_key.clone())
                .build()?;
            Ok((client, Some(running)))
        }
    }
}

fn endpoints(region: Option<Region>, json: bool) -> Result<(), Failure> {
    let offering = |id: &str| -> Vec<&'static str> {
        Region::ALL
            .iter()
            .filter(|r| r.info().endpoint(id).is_some())
            .map(|r| r.code())
            .collect()
    };
    let listed: Vec<&smilepayz::EndpointInfo> = gateway::ENDPOINTS
        .iter()
        .filter(|e| region.is_none_or(|r| r.info().endpoint(e.id).is_some()))
        .collect();
    let mut out = std::io::stdout().lock();
    if json {
        let list: Vec<serde_json::Value> = listed
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id, "title": e.title, "path": e.path,
                    "serviceCode": e.service_code, "readOnly": e.read_only,
                    "regions": offering(e.id),
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<20} {:<32} {:<8} {:<9} REGIONS",
        "ID", "PATH", "SERVICE", "READ-ONLY"
    )?;
    for e in listed {
        writeln!(
            out,
            "{:<20} {:<32} {:<8} {:<9} {}",
            e.id,
            e.path,
            e.service_code,
            if e.read_only { "yes" } else { "no" },
            offering(e.id).join(",")
        )?;
    }
    Ok(())
}

/// The body `call` sends: given, read from a file, or the region's documented example.
fn call_body(
    offered: &RegionEndpoint,
    region: Region,
    body: Option<String>,
    example: Option<String>,
) -> Result<Vec<u8>, Failure> {
    if let Some(name) = example {
        let with_body: Vec<(&str, &str)> = offered
            .examples
            .iter()
            .filter_map(|e| e.request.and_then(|m| m.body).map(|b| (e.name, b)))
            .collect();
        let found = if name.is_empty() {
            with_body.first()
        } else {
            with_body.iter().find(|(n, _)| *n == name)
        };
        return match found {
            Some((_, body)) => Ok(body.as_bytes().to_vec()),
            None => {
                let names: Vec<&str> = with_body.iter().map(|(n, _)| *n).collect();
                Err(Failure(
                    if names.is_empty() {
                        format!(
                            "the {region} spec has no example request body for {}; give --body",
                            offered.endpoint.id
                        )
                    } else {
                        format!(
                            "the {region} spec has no example request named {name:?} for {}; its examples are: {}",
                            offered.endpoint.id,
                            names.join(", ")
                        )
                    },
                    2,
                ))
            }
        };
    }
    body_bytes(body.unwrap_or_default())
}

/// A `--body` argument's bytes: the text itself; with `@FILE`, the file's; with `-` (or
/// `@-`), standard input's. A JSON body never starts with `@` or is `-`, so neither form
/// can be mistaken for a body given in the argument.
fn body_bytes(arg: String) -> Result<Vec<u8>, Failure> {
    if arg == "-" || arg == "@-" {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| Failure(format!("cannot read the body from standard input: {e}"), 2))?;
        return Ok(bytes);
    }
    match arg.strip_prefix('@') {
        Some(path) => std::fs::read(path)
            .map_err(|e| Failure(format!("cannot read the body file {path}: {e}"), 2)),
        None => Ok(arg.into_bytes()),
    }
}

async fn call(
    id: &str,
    region: Region,
    body: Option<String>,
    example: Option<String>,
    env: Option<Env>,
    base_url: Option<String>,
) -> Result<(), Failure> {
    let Some(offered) = region.info().endpoint(id) else {
        let message = if gateway::ENDPOINTS.iter().any(|e| e.id == id) {
            let offers: Vec<&str> = region.endpoints().iter().map(|e| e.endpoint.id).collect();
            format!(
                "the {region} region does not offer {id}; it offers: {}",
                offers.join(", ")
            )
        } else {
            let known: Vec<&str> = gateway::ENDPOINTS.iter().map(|e| e.id).collect();
            format!(
                "unknown endpoint {id:?}; the endpoints are: {}",
                known.join(", ")
            )
        };
        return Err(Failure(message, 2));
    };
    let body = call_body(offered, region, body, example)?;
    // As sent, byte for byte: amounts are judged on their own digits, not a float's.
    if let Err(error) = smilepayz::rules::check_sent(offered.request_rules, &body, region.info()) {
        return Err(Failure(
            format!("the body is not a valid {region} {id} request, so it was not sent: {error}"),
            2,
        ));
    }
    let (client, emulator) = connect(region, env, base_url).await?;
    let result = client.send_raw(&offered.endpoint, region, body).await;
    if let Some(running) = emulator {
        running.shutdown().await;
    }
    let raw = result?;
    let text = String::from_utf8_lossy(&raw.body);
    let parsed: Option<serde_json::Value> = serde_json::from_slice(&raw.body).ok();
    let mut out = std::io::stdout().lock();
    match &parsed {
        // Indented, but otherwise as the gateway wrote it: key order and the digits of every
        // number (100.50 stays 100.50; a parse into numbers would print 100.5).
        Some(_) => writeln!(out, "{}", indent_json(&text))?,
        None => writeln!(out, "{text}")?,
    }
    let code = parsed.as_ref().and_then(|v| {
        v.get(gateway::RESULT_CODE_FIELD)?
            .as_str()
            .map(str::to_owned)
    });
    match code.as_deref() {
        Some(c) if c == gateway::SUCCESS_CODE => Ok(()),
        Some(c) => {
            let message = parsed
                .as_ref()
                .and_then(|v| {
                    v.get(gateway::RESULT_MESSAGE_FIELD)?
                        .as_str()
                        .map(str::to_owned)
                })
                .unwrap_or_default();
            Err(Failure(
                format!(
                    "the gateway answered code {c} (HTTP {}): {message}",
                    raw.status
                ),
                1,
            ))
        }
        None => Err(Failure(
            format!("the answer (HTTP {}) has no result code", raw.status),
            1,
        )),
    }
}

/// What `serve` was asked for.
struct ServeOptions {
    addr: SocketAddr,
    faults: Faults,
    settle_after: Duration,
    max_transactions: usize,
    json: bool,
    log: bool,
    forward_callbacks_to: Option<String>,
    merchants_file: Option<PathBuf>,
    /// Whether the control API and the dashboard are served.
    control: bool,
}

/// One test merchant per region, each with its own partner id, accounts and secret, as the
/// gateway issues them (a request signed with one merchant's secret is refused under
/// another's id); they share one key pair, so one private key signs for all of them.
fn new_merchants() -> Result<Vec<TestMerchant>, Failure> {
    let first = TestMerchant::generate(Region::ALL[0])?;
    Region::ALL
        .iter()
        .map(|region| first.sibling(*region).map_err(Failure::from))
        .collect()
}

/// The merchants kept in `path` (`serve --merchants`), or new ones written there.
fn kept_merchants(path: &std::path::Path) -> Result<Vec<TestMerchant>, Failure> {
    let bad = |why: String| {
        Failure(
            format!(
                "{} is not a merchants file: {why}; fix it, or delete it to start with new merchants",
                path.display()
            ),
            2,
        )
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            let file: serde_json::Value =
                serde_json::from_slice(&bytes).map_err(|e| bad(format!("not JSON ({e})")))?;
            let entries = file["merchants"]
                .as_array()
                .ok_or_else(|| bad("it has no \"merchants\" list".to_owned()))?;
            let text = |m: &serde_json::Value, k: &str| {
                m[k].as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| bad(format!("a merchant has no string \"{k}\"")))
            };
            let mut merchants = Vec::new();
            for m in entries {
                let region: Region = text(m, "region")?
                    .parse()
                    .map_err(|e| bad(format!("{e}")))?;
                let merchant = TestMerchant::from_parts(
                    text(m, "partnerId")?,
                    region,
                    &text(m, "merchantSecret")?,
                    &text(m, "privateKey")?,
                    &text(m, "publicKey")?,
                )
                .map_err(|e| bad(e.to_string()))?;
                merchants.push(merchant);
            }
            if merchants.is_empty() {
                return Err(bad("its \"merchants\" list is empty".to_owned()));
            }
            Ok(merchants)
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let merchants = new_merchants()?;
            let entries: Vec<serde_json::Value> = merchants
                .iter()
                .map(|m| {
                    serde_json::json!({
                        "region": m.region.code(),
                        "partnerId": m.partner_id,
                        "merchantSecret": m.secret_text.expose_secret(),
                        "privateKey": m.private_key_base64.expose_secret(),
                        "publicKey": m.public_key_base64,
                    })
                })
                .collect();
            let text = serde_json::to_string_pretty(&serde_json::json!({ "merchants": entries }))
                .map_err(|e| Failure(format!("cannot write the merchants: {e}"), 1))?;
            write_private(path, text.as_bytes())
                .map_err(|e| Failure(format!("cannot write {}: {e}", path.display()), 1))?;
            Ok(merchants)
        }
        Err(e) => Err(Failure(format!("cannot read {}: {e}", path.display()), 1)),
    }
}

/// Writes a new file only its owner can read (it holds test secrets and keys).
fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(bytes)
}

async fn serve(options: ServeOptions) -> Result<(), Failure> {
    let ServeOptions {
        addr,
        faults,
        settle_after,
        max_transactions,
        json,
        log,
        forward_callbacks_to,
        merchants_file,
        control,
    } = options;
    let mut builder = Emulator::builder()
        .control_api(control)
        .bind(addr)
        .faults(faults)
        .settle_after(settle_after)
        .max_transactions(max_transactions);
    if let Some(url) = forward_callbacks_to {
        builder = builder.forward_callbacks_to(url);
    }
    if log {
        builder = builder.on_event(move |event| {
            let line = log_line(event, json);
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "{line}");
            let _ = out.flush();
        });
    }
    let merchants = match &merchants_file {
        Some(path) => kept_merchants(path)?,
        None => new_merchants()?,
    };
    for merchant in &merchants {
        builder = builder.merchant(merchant.merchant());
    }
    let partners: Vec<(Region, &TestMerchant)> = merchants.iter().map(|m| (m.region, m)).collect();
    let first = merchants
        .first()
        .cloned()
        .ok_or_else(|| Failure("there is no merchant to serve".to_owned(), 2))?;
    let running = builder.start().await?;
    let mut out = std::io::stdout().lock();
    if json {
        let merchants: Vec<serde_json::Value> = partners
            .iter()
            .map(|(region, merchant)| {
                let accounts = running.accounts(&merchant.partner_id);
                serde_json::json!({
                    "region": region.code(),
                    "partnerId": merchant.partner_id,
                    "merchantSecret": merchant.secret_text.expose_secret(),
                    "privateKey": merchant.private_key_base64.expose_secret(),
                    "publicKey": merchant.public_key_base64,
                    "payinAccountNo": accounts.as_ref().map(|a| a.payin_account_no.clone()),
                    "payoutAccountNo": accounts.as_ref().map(|a| a.payout_account_no.clone()),
                })
            })
            .collect();
        let line = serde_json::json!({
            "baseUrl": running.base_url(),
            "controlUrl": control.then(|| running.control_url()),
            "dashboardUrl": control.then(|| running.dashboard_url()),
            "platformPublicKey": running.platform_public_key_base64(),
            "merchants": merchants,
        });
        writeln!(out, "{line}")?;
    } else {
        writeln!(out, "listening on {}", running.base_url())?;
        if control {
            writeln!(out, "dashboard     {}", running.dashboard_url())?;
            writeln!(
                out,
                "control API   {} (described at {}/openapi.json)",
                running.control_url(),
                running.control_url()
            )?;
        }
        for (region, merchant) in &partners {
            let accounts = running.accounts(&merchant.partner_id);
            writeln!(
                out,
                "partner id {:<6} {}  pay-in account {}  pay-out account {}  secret {}",
                region.code(),
                merchant.partner_id,
                accounts
                    .as_ref()
                    .map_or("-", |a| a.payin_account_no.as_str()),
                accounts
                    .as_ref()
                    .map_or("-", |a| a.payout_account_no.as_str()),
                merchant.secret_text.expose_secret(),
            )?;
        }
        let key = first.private_key_base64.expose_secret();
        if partners
            .iter()
            .all(|(_, m)| m.private_key_base64.expose_secret() == key)
        {
            writeln!(out, "SMILEPAYZ_PRIVATE_KEY={key}")?;
            writeln!(out, "merchant public key: {}", first.public_key_base64)?;
        } else {
            // A merchants file with a key pair per merchant.
            for (_, m) in &partners {
                writeln!(
                    out,
                    "private key of {}: {}",
                    m.partner_id,
                    m.private_key_base64.expose_secret()
                )?;
            }
        }
        writeln!(
            out,
            "platform public key (verifies callbacks): {}",
            running.platform_public_key_base64()
        )?;
    }
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure(format!("cannot wait for Ctrl-C: {e}"), 1))?;
    running.shutdown().await;
    Ok(())
}

/// One `serve --log` line: text, or a JSON object with `--json`.
fn log_line(event: &smilepayz_emulator::EmulatorEvent, json: bool) -> String {
    use smilepayz_emulator::EmulatorEvent;
    let at = |t: std::time::SystemTime| smilepayz::timestamp::Timestamp::at(t, 0).to_string();
    match event {
        EmulatorEvent::Answered(a) => {
            let ms = a.elapsed.as_secs_f64() * 1000.0;
            if json {
                serde_json::json!({
                    "event": "request",
                    "at": at(a.at),
                    "partnerId": a.partner_id,
                    "region": a.region.map(|r| r.code()),
                    "endpoint": a.endpoint,
                    "path": a.path,
                    "orderNo": a.order_no,
                    "httpStatus": a.http_status,
                    "code": a.code,
                    "ms": (ms * 10.0).round() / 10.0,
                })
                .to_string()
            } else {
                format!(
                    "{} request  {} {} {} {} orderNo={} -> {} {} ({ms:.1} ms)",
                    at(a.at),
                    a.partner_id.as_deref().unwrap_or("-"),
                    a.region.map_or("-", |r| r.code()),
                    a.method,
                    a.endpoint.unwrap_or(&a.path),
                    a.order_no.as_deref().unwrap_or("-"),
                    a.http_status,
                    a.code,
                )
            }
        }
        EmulatorEvent::Callback { delivery: d, last } => {
            let gave_up = *last && !d.accepted && d.attempted;
            if json {
                serde_json::json!({
                    "event": "callback",
                    "at": at(d.at),
                    "callback": d.callback,
                    "tradeNo": d.trade_no,
                    "orderNo": d.order_no,
                    "url": d.url,
                    "status": d.status,
                    "attempt": d.attempt,
                    "attempted": d.attempted,
                    "httpStatus": d.http_status,
                    "accepted": d.accepted,
                    "error": d.error,
                    "gaveUp": gave_up,
                })
                .to_string()
            } else {
                let outcome = match (d.attempted, d.accepted) {
                    (false, _) => d.error.clone().unwrap_or_default(),
                    (true, true) => "200 SUCCESS".to_owned(),
                    (true, false) => d.error.clone().unwrap_or_default(),
                };
                format!(
                    "{} callback tradeNo={} orderNo={} {} attempt {} to {} -> {outcome}{}",
                    at(d.at),
                    d.trade_no,
                    d.order_no,
                    d.status,
                    d.attempt,
                    d.url,
                    if gave_up {
                        "; the emulator gives up (no more attempts)"
                    } else {
                        ""
                    }
                )
            }
        }
        _ => format!("{event:?}"),
    }
}

/// A notification of `endpoint` in `region` that a correct handler accepts: SUCCESS, 100 in
/// the region's currency, a fresh orderNo and tradeNo (so a handler's once-per-tradeNo
/// bookkeeping sees a new one on every run).
fn default_notification(region: Region, endpoint: CallbackEndpoint) -> String {
    let info = region.info();
    let now = std::time::SystemTime::now();
    let local = smilepayz::timestamp::Timestamp::at(now, info.utc_offset_seconds).to_string();
    let nanos = now
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() % 1_000_000_000);
    let digits: String = local
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    let prefix = match endpoint {
        CallbackEndpoint::PayIn => "I",
        CallbackEndpoint::PayOut => "O",
    };
    let amount = if info.money_scale == 0 {
        "100".to_owned()
    } else {
        format!("100.{}", "0".repeat(usize::from(info.money_scale)))
    };
    format!(
        r#"{{"orderNo":"SC{prefix}{digits}","tradeNo":"T{prefix}{digits}{nanos:09}","merchantId":{},"merchantName":"Sandbox Merchant","transactionTime":"{}","status":"SUCCESS","money":{{"currency":"{}","amount":{amount}}}}}"#,
        serde_json::Value::from(TestMerchant::generate_id(region)),
        local.get(..19).unwrap_or(&local),
        info.currency,
    )
}

/// One callback as sent: its headers and body.
struct Outgoing {
    headers: Vec<(&'static str, String)>,
    body: Vec<u8>,
}

/// Signs `body` with `key` at `timestamp`.
fn signed(
    key: &PlatformKeyPair,
    body: &[u8],
    timestamp: smilepayz::timestamp::Timestamp,
) -> Result<Outgoing, Failure> {
    let signed = smilepayz::callback::testing::sign_at(key, body, timestamp)
        .map_err(|e| Failure(format!("cannot sign the callback: {e}"), 2))?;
    Ok(Outgoing {
        headers: signed
            .headers()
            .into_iter()
            .map(|(name, value)| (name, value.to_owned()))
            .collect(),
        body: body.to_vec(),
    })
}

/// POSTs one callback; the handler's status and (trimmed, at most 200 characters) answer.
async fn post_callback(
    http: &reqwest::Client,
    url: &str,
    callback: &Outgoing,
) -> Result<(u16, String), Failure> {
    let mut request = http.post(url).body(callback.body.clone());
    for (name, value) in &callback.headers {
        request = request.header(*name, value);
    }
    let answer = request
        .send()
        .await
        .map_err(|e| Failure(format!("cannot reach the handler at {url}: {e}"), 1))?;
    let status = answer.status().as_u16();
    let text = answer.text().await.unwrap_or_default();
    Ok((status, text.trim().chars().take(200).collect()))
}

async fn send_callback(
    url: &str,
    region: Region,
    endpoint: CallbackEndpoint,
    body: Option<String>,
    platform_private_key: &str,
    check: bool,
) -> Result<(), Failure> {
    let key = PlatformKeyPair::parse(platform_private_key).map_err(|e| {
        let why = match e {
            smilepayz::signing::KeyError::InvalidPrivateKey { reason } => reason,
            other => other.to_string(),
        };
        Failure(
            format!(
                "--platform-private-key is not an RSA private key as Base64 PKCS#8 DER or PEM: \
                 {why}; pass the private half of the key pair your handler verifies with"
            ),
            2,
        )
    })?;
    let body = match body {
        Some(text) => body_bytes(text)?,
        None => default_notification(region, endpoint).into_bytes(),
    };
    // A body the SDK would not read as this region's notification is refused before sending.
    let reads = match endpoint {
        CallbackEndpoint::PayIn => {
            <smilepayz::endpoints::pay_in::AnyPayInNotification as smilepayz::FromRegionJson>::from_region_json(region, &body).map(drop)
        }
        CallbackEndpoint::PayOut => {
            <smilepayz::endpoints::pay_out::AnyPayOutNotification as smilepayz::FromRegionJson>::from_region_json(region, &body).map(drop)
        }
    };
    if let Err(error) = reads {
        return Err(Failure(
            format!(
                "the body is not a {} notification in {}: {error}",
                endpoint_name(endpoint),
                region.code()
            ),
            2,
        ));
    }
    let offset = region.info().utc_offset_seconds;
    let now = std::time::SystemTime::now();
    let valid = signed(
        &key,
        &body,
        smilepayz::timestamp::Timestamp::at(now, offset),
    )?;
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(30))
        .build()
        .map_err(|e| Failure(format!("cannot build an HTTP client: {e}"), 1))?;
    let accepted = |(status, text): &(u16, String)| *status == 200 && text == SUCCESS_REPLY;
    if !check {
        let answer = post_callback(&http, url, &valid).await?;
        println!("answered {} {}", answer.0, answer.1);
        return if accepted(&answer) {
            Ok(())
        } else {
            Err(Failure("the handler did not answer SUCCESS".to_owned(), 1))
        };
    }
    let an_hour_ago = now - Duration::from_secs(3600);
    let stale = signed(
        &key,
        &body,
        smilepayz::timestamp::Timestamp::at(an_hour_ago, offset),
    )?;
    let stranger = PlatformKeyPair::generate()
        .map_err(|e| Failure(format!("cannot make a key to forge with: {e}"), 1))?;
    let forged = signed(
        &stranger,
        &body,
        smilepayz::timestamp::Timestamp::at(now, offset),
    )?;
    let cases: [(&str, &Outgoing, bool, &str); 4] = [
        (
            "valid",
            &valid,
            true,
            "a correctly signed, fresh callback must be answered SUCCESS",
        ),
        (
            "same again",
            &valid,
            true,
            "the platform delivers again until it reads SUCCESS: a repeat must be answered SUCCESS (and handled once)",
        ),
        (
            "stale",
            &stale,
            false,
            "signed an hour ago: a replay must be refused",
        ),
        (
            "forged",
            &forged,
            false,
            "signed with another key: it must be refused",
        ),
    ];
    let mut wrong = 0;
    for (name, callback, should_accept, why) in cases {
        let answer = post_callback(&http, url, callback).await?;
        let right = accepted(&answer) == should_accept;
        if !right {
            wrong += 1;
        }
        println!(
            "{:<11} answered {} {:<24} {}",
            name,
            answer.0,
            answer.1.chars().take(24).collect::<String>(),
            if right {
                format!("ok ({})", if should_accept { "SUCCESS" } else { "refused" })
            } else {
                format!("WRONG: {why}")
            }
        );
    }
    if wrong == 0 {
        Ok(())
    } else {
        Err(Failure(
            format!(
                "{wrong} of 4 answers are wrong: the handler would act on callbacks it must refuse, or make the platform deliver again"
            ),
            1,
        ))
    }
}

fn endpoint_name(endpoint: CallbackEndpoint) -> &'static str {
    match endpoint {
        CallbackEndpoint::PayIn => "pay-in",
        CallbackEndpoint::PayOut => "pay-out",
    }
}

/// Indents valid JSON text two spaces per level without reading its values, so that keys
/// keep their order and numbers their digits.
fn indent_json(text: &str) -> String {
    let mut out = String::with_capacity(text.len() * 2);
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        out.push_str(&"  ".repeat(depth));
    };
    let mut chars = text.trim().chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' | '[' => {
                out.push(c);
                let close = if c == '{' { '}' } else { ']' };
                while chars.peek().is_some_and(|n| n.is_whitespace()) {
                    chars.next();
                }
                if chars.peek() == Some(&close) {
                    chars.next();
                    out.push(close);
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            '}' | ']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            ',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

/// Receives callbacks until `count` have arrived (or for ever), printing each.
async fn listen(
    addr: SocketAddr,
    verifier: CallbackVerifier,
    count: Option<u64>,
    region: Option<Region>,
    json: bool,
) -> Result<(), Failure> {
    use http_body_util::BodyExt as _;
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| Failure(format!("cannot listen on {addr}: {e}"), 1))?;
    let bound = listener
        .local_addr()
        .map_err(|e| Failure(format!("cannot read the bound address: {e}"), 1))?;
    println!("listening on http://{bound}");
    std::io::stdout().flush()?;
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel::<()>();
    let verifier = std::sync::Arc::new(verifier);
    let mut received = 0u64;
    loop {
        if count.is_some_and(|n| received >= n) {
            return Ok(());
        }
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let verifier = std::sync::Arc::clone(&verifier);
                let seen = seen_tx.clone();
                tokio::spawn(async move {
                    let service = hyper::service::service_fn(move |request: hyper::Request<hyper::body::Incoming>| {
                        let verifier = std::sync::Arc::clone(&verifier);
                        let seen = seen.clone();
                        async move {
                            let (parts, body) = request.into_parts();
                            let path = parts.uri.path().to_owned();
                            let (status, reply) = match http_body_util::Limited::new(body, MAX_CALLBACK_BYTES)
                                .collect()
                                .await
                            {
                                Ok(collected) => {
                                    let body = collected.to_bytes();
                                    // Raw JSON, so amounts print with the platform's digits.
                                    let verified = verifier.verify::<Box<serde_json::value::RawValue>>(
                                        parts.headers.iter(),
                                        &body,
                                        std::time::SystemTime::now(),
                                    );
                                    // With --region, it must also read as the region's
                                    // notification (pay-in and pay-out ones have one shape).
                                    let verified = match (verified, region) {
                                        (Ok(ok), Some(region)) => <smilepayz::endpoints::pay_in::AnyPayInNotification as smilepayz::FromRegionJson>::from_region_json(region, &body)
                                            .map(|_| ok)
                                            .map_err(|e| smilepayz::callback::CallbackError::Decode(format!("as a {} notification: {e}", region.code()))),
                                        (other, _) => other,
                                    };
                                    print_callback(&path, &body, &verified, json);
                                    match verified {
                                        Ok(_) => (200, SUCCESS_REPLY.to_owned()),
                                        Err(error) => (error.http_status(), error.to_string()),
                                    }
                                }
                                Err(error) => {
                                    let (status, why) = if error.is::<http_body_util::LengthLimitError>() {
                                        (413, format!("the body is larger than {} KiB", MAX_CALLBACK_BYTES / 1024))
                                    } else {
                                        (400, format!("the body could not be read: {error}"))
                                    };
                                    print_unread(&path, &why, status, json);
                                    (status, why)
                                }
                            };
                            let _ = seen.send(());
                            let mut response = hyper::Response::new(http_body_util::Full::new(
                                bytes::Bytes::from(reply),
                            ));
                            *response.status_mut() =
                                hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::BAD_REQUEST);
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
                });
            }
            Some(()) = seen_rx.recv() => received += 1,
            _ = tokio::signal::ctrl_c() => return Ok(()),
        }
    }
}

/// The largest callback body `listen` reads; the platform's are a few hundred bytes.
const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// What `listen --json` prints for one callback.
#[derive(serde::Serialize)]
struct CallbackLine<'a> {
    valid: bool,
    path: &'a str,
    #[serde(rename = "tradeNo", skip_serializing_if = "Option::is_none")]
    trade_no: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    /// The body as JSON, digits as sent, when it is JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    body: Option<&'a serde_json::value::RawValue>,
    /// The body as text, when it is not JSON.
    #[serde(rename = "bodyText", skip_serializing_if = "Option::is_none")]
    body_text: Option<std::borrow::Cow<'a, str>>,
    status: u16,
}

/// One line (or JSON object) per callback: valid with its main fields, or why not, and what
/// was answered.
fn print_callback(
    path: &str,
    body: &[u8],
    verified: &Result<
        smilepayz::callback::Verified<Box<serde_json::value::RawValue>>,
        smilepayz::callback::CallbackError,
    >,
    json: bool,
) {
    let raw: Option<Box<serde_json::value::RawValue>> = serde_json::from_slice(body).ok();
    let line = if json {
        let (trade_no, timestamp, error, status) = match verified {
            Ok(ok) => (
                Some(ok.trade_no.as_str()),
                Some(ok.timestamp.to_string()),
                None,
                200,
            ),
            Err(e) => (None, None, Some(e.to_string()), e.http_status()),
        };
        serde_json::to_string(&CallbackLine {
            valid: verified.is_ok(),
            path,
            trade_no,
            timestamp,
            error,
            body: raw.as_deref(),
            body_text: raw.is_none().then(|| String::from_utf8_lossy(body)),
            status,
        })
        .unwrap_or_default()
    } else {
        match verified {
            Ok(ok) => {
                // Each field's raw JSON: `"SUCCESS"`, `{"currency":"THB","amount":250.00}`.
                let fields: std::collections::BTreeMap<String, Box<serde_json::value::RawValue>> =
                    serde_json::from_str(ok.notification.get()).unwrap_or_default();
                let field = |k: &str| fields.get(k).map_or("-", |v| v.get());
                format!(
                    "valid   {path} tradeNo={} orderNo={} status={} money={} (answered SUCCESS; \
                     the signature covers only tradeNo and X-TIMESTAMP: confirm the status and \
                     money with inquiry-status)",
                    ok.trade_no,
                    field("orderNo"),
                    field("status"),
                    field("money"),
                )
            }
            Err(e) => format!("invalid {path}: {e} (answered {})", e.http_status()),
        }
    };
    println!("{line}");
    let _ = std::io::stdout().flush();
}

/// The line for a callback whose body could not be read whole, answered `status`.
fn print_unread(path: &str, why: &str, status: u16, json: bool) {
    let line = if json {
        serde_json::to_string(&CallbackLine {
            valid: false,
            path,
            trade_no: None,
            timestamp: None,
            error: Some(why.to_owned()),
            body: None,
            body_text: None,
            status,
        })
        .unwrap_or_default()
    } else {
        format!("invalid {path}: {why} (answered {status})")
    };
    println!("{line}");
    let _ = std::io::stdout().flush();
}

#[cfg(test)]
mod tests {
    use super::{indent_json, log_line};
    use smilepayz_emulator::{Answered, Delivery, EmulatorEvent};
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn log_lines_say_what_happened_as_text_and_as_json() {
        let at = UNIX_EPOCH + Duration::from_secs(1_800_000_000);
        let answered = EmulatorEvent::Answered(Answered {
            at,
            method: "POST".to_owned(),
            path: "/v2.0/transaction/pay-in".to_owned(),
            partner_id: Some("sandbox-20011".to_owned()),
            region: Some(smilepayz::Region::Thb),
            endpoint: Some("pay-in"),
            order_no: Some("S20011A1".to_owned()),
            http_status: 200,
            code: "00".to_owned(),
            elapsed: Duration::from_micros(1_250),
        });
        assert_eq!(
            log_line(&answered, false),
            "2027-01-15T08:00:00+00:00 request  sandbox-20011 THB POST pay-in orderNo=S20011A1 -> 200 00 (1.2 ms)"
        );
        let json: serde_json::Value =
            serde_json::from_str(&log_line(&answered, true)).expect("JSON");
        assert_eq!(json["event"], "request");
        assert_eq!(json["endpoint"], "pay-in");
        assert_eq!(json["region"], "THB");
        assert_eq!(json["code"], "00");
        let given_up = EmulatorEvent::Callback {
            delivery: Delivery {
                callback: 1,
                trade_no: "T1".to_owned(),
                order_no: "S20011A1".to_owned(),
                url: "http://127.0.0.1:9/cb".to_owned(),
                status: "SUCCESS",
                attempt: 6,
                attempted: true,
                at,
                http_status: None,
                accepted: false,
                error: Some("cannot connect: refused".to_owned()),
                last: true,
            },
            last: true,
        };
        let text = log_line(&given_up, false);
        assert!(
            text.ends_with("attempt 6 to http://127.0.0.1:9/cb -> cannot connect: refused; the emulator gives up (no more attempts)"),
            "{text}"
        );
        let json: serde_json::Value =
            serde_json::from_str(&log_line(&given_up, true)).expect("JSON");
        assert_eq!(
            (json["event"].as_str(), json["gaveUp"].as_bool()),
            (Some("callback"), Some(true))
        );
    }

    #[test]
    fn indenting_keeps_order_digits_and_strings() {
        let text = r#"{"z":1,"money":{"amount":100.50,"currency":"THB"},"list":[],"o":{},"s":"a,{b}:\"c\""}"#;
        let indented = indent_json(text);
        assert_eq!(
            indented,
            "{\n  \"z\": 1,\n  \"money\": {\n    \"amount\": 100.50,\n    \"currency\": \"THB\"\n  },\n  \"list\": [],\n  \"o\": {},\n  \"s\": \"a,{b}:\\\"c\\\"\"\n}"
        );
        let back: serde_json::Value = serde_json::from_str(&indented).expect("still JSON");
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(text).expect("JSON")
        );
    }
}
