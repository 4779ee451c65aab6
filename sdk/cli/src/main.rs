//! The `smilepayz` command: list regions, query a balance (against the built-in emulator by
//! default, or a real gateway), sign a request body, check a callback signature, and run the
//! local gateway emulator.
//!
//! Errors end the command with one line on stderr and a non-zero exit status, never a panic.

use std::future::Future;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand, ValueEnum};
use secrecy::ExposeSecret;
use smilepayz::emulator::{Emulator, Faults, TestMerchant};
use smilepayz::endpoints::inquiry_balance::{InquiryBalanceRequest, InquiryBalanceVariant};
use smilepayz::regions::{AnyRegion, RegionVisitor};
use smilepayz::signing::{
    MerchantPrivateKey, MerchantSecret, PlatformPublicKey, SignatureScheme, Signer, verify_callback,
};
use smilepayz::{BalanceType, Client, Environment, Region};

#[derive(Parser)]
#[command(
    name = "smilepayz",
    version,
    about = "Smilepayz gateway tool: regions, balances, signatures and a local gateway emulator",
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
        /// The request body, byte for byte as it will be sent.
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
        /// The platform public key: Base64 SPKI DER, or PEM.
        #[arg(long)]
        platform_public_key: String,
    },
    /// Run the local gateway emulator until interrupted. Prints the address it bound first,
    /// then the partner ids, secret and private key it accepts.
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
    },
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
        } => sign(&timestamp, &body, scheme.into()),
        Command::VerifyCallback {
            trade_no,
            timestamp,
            signature,
            platform_public_key,
        } => {
            let key = PlatformPublicKey::parse(&platform_public_key)?;
            if verify_callback(&key, &trade_no, &timestamp, &signature) {
                println!("valid");
                Ok(())
            } else {
                println!("invalid");
                Err(Failure(
                    "the signature does not match tradeNo|X-TIMESTAMP under this key".to_owned(),
                    1,
                ))
            }
        }
        Command::Serve {
            addr,
            latency_ms,
            server_error_rate,
            malformed_body_rate,
            drop_connection_rate,
        } => {
            let faults = Faults {
                latency: (latency_ms > 0).then(|| Duration::from_millis(latency_ms)),
                server_error_rate,
                malformed_body_rate,
                drop_connection_rate,
                ..Faults::default()
            };
            serve(addr, faults).await
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
                    "moneyFormat": i.money_format, "balanceTypes": i.balance_types,
                })
            })
            .collect();
        writeln!(out, "{}", serde_json::to_string_pretty(&list)?)?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<6} {:<12} {:<8} {:>4}  {:<7} {:<8} BALANCE TYPES",
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
            i.balance_types.join(",")
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

fn sign(timestamp: &str, body: &str, scheme: SignatureScheme) -> Result<(), Failure> {
    let secret = merchant_secret()?;
    let key = private_key()?;
    if scheme == SignatureScheme::Sha256WithRsa && key.is_none() {
        return Err(Failure(
            "set SMILEPAYZ_PRIVATE_KEY (Base64 PKCS#8 or PEM) or SMILEPAYZ_PRIVATE_KEY_FILE to sign with sha256-with-rsa".to_owned(),
            1,
        ));
    }
    let signer = Signer::new(scheme, secret, key)?;
    println!("{}", signer.sign(timestamp, body.as_bytes())?);
    Ok(())
}

/// The account numbers of a region's example responses: what the emulator's ledger holds.
struct ExampleAccount;

impl RegionVisitor for ExampleAccount {
    type Output = Option<String>;

    fn visit<R: AnyRegion>(self) -> Option<String> {
        <R as InquiryBalanceVariant>::EXAMPLES
            .iter()
            .filter_map(|e| e.response.and_then(|m| m.body))
            .filter_map(|body| serde_json::from_str::<serde_json::Value>(body).ok())
            .find_map(|v| v.get("accountNo")?.as_str().map(str::to_owned))
    }
}

/// One balance inquiry in a region chosen at run time, answered as a table or JSON.
struct Inquiry<'a> {
    client: &'a Client,
    account_no: String,
    balance_types: Vec<BalanceType>,
}

/// The region-independent result of an inquiry: its printable lines and its JSON.
struct Report {
    lines: Vec<String>,
    json: String,
}

type Pending<'a> = Pin<Box<dyn Future<Output = Result<Report, Failure>> + Send + 'a>>;

impl<'a> RegionVisitor for Inquiry<'a> {
    type Output = Pending<'a>;

    fn visit<R: AnyRegion>(self) -> Pending<'a> {
        Box::pin(async move {
            let request = InquiryBalanceRequest::<R>::new(self.account_no, self.balance_types)?;
            let response = self.client.send(&request).await?;
            let mut lines = vec![
                format!("region   {} ({})", R::INFO.name, R::INFO.code),
                format!(
                    "account  {}",
                    response.account_no.as_deref().unwrap_or("(not returned)")
                ),
            ];
            if let Some(name) = &response.name {
                lines.push(format!("name     {name}"));
            }
            lines.push(String::new());
            lines.push(format!(
                "{:<14} {:>24} {:>24}  CURRENCY",
                "BALANCE TYPE", "AMOUNT", "AVAILABLE"
            ));
            for info in &response.account_infos {
                lines.push(format!(
                    "{:<14} {:>24} {:>24}  {}",
                    info.balance_type.as_str(),
                    info.amount.value().to_string(),
                    info.available_balance.value().to_string(),
                    R::INFO.currency
                ));
            }
            let json = serde_json::to_string_pretty(&response)?;
            Ok(Report { lines, json })
        })
    }
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
        vec![BalanceType::BALANCE]
    } else {
        balance_types.into_iter().map(BalanceType::new).collect()
    };
    let environment = match (env, base_url) {
        (Some(Env::Sandbox), _) => Some(Environment::Sandbox),
        (Some(Env::Production), _) => Some(Environment::Production),
        (None, Some(url)) => Some(Environment::BaseUrl(url)),
        (None, None) => None,
    };
    let (client, emulator, account_no) = match environment {
        Some(environment) => {
            let partner_id = env_var("SMILEPAYZ_PARTNER_ID")?.ok_or_else(|| {
                Failure(
                    "set SMILEPAYZ_PARTNER_ID to your merchant id (X-PARTNER-ID)".to_owned(),
                    1,
                )
            })?;
            let account_no = account_no.ok_or_else(|| {
                Failure(
                    "give --account-no: a real gateway has no example account".to_owned(),
                    1,
                )
            })?;
            let mut builder = Client::builder()
                .environment(environment)
                .partner_id(partner_id)
                .merchant_secret(merchant_secret()?);
            if let Some(key) = private_key()? {
                builder = builder.private_key(key);
            }
            (builder.build()?, None, account_no)
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
            let account_no = match account_no {
                Some(account_no) => account_no,
                None => region.visit(ExampleAccount).ok_or_else(|| {
                    Failure(
                        format!("region {region} has no example account; give --account-no"),
                        1,
                    )
                })?,
            };
            (client, Some(running), account_no)
        }
    };
    let result = region
        .visit(Inquiry {
            client: &client,
            account_no,
            balance_types,
        })
        .await;
    if let Some(running) = emulator {
        running.shutdown().await;
    }
    let report = result?;
    let mut out = std::io::stdout().lock();
    if json {
        writeln!(out, "{}", report.json)?;
    } else {
        for line in report.lines {
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

async fn serve(addr: SocketAddr, faults: Faults) -> Result<(), Failure> {
    let mut builder = Emulator::builder().bind(addr).faults(faults);
    // One test merchant per region, all with the same secret and key, so one set of
    // credentials works everywhere.
    let first = TestMerchant::generate(Region::ALL[0])?;
    let mut partners = Vec::new();
    for region in Region::ALL {
        let mut merchant = first.merchant();
        merchant.region = *region;
        merchant.partner_id = format!("sandbox-emulator-{}", region.code().to_lowercase());
        partners.push((region, merchant.partner_id.clone()));
        builder = builder.merchant(merchant);
    }
    let running = builder.start().await?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "listening on {}", running.base_url())?;
    for (region, partner_id) in &partners {
        writeln!(out, "partner id {:<6} {partner_id}", region.code())?;
    }
    writeln!(
        out,
        "SMILEPAYZ_MERCHANT_SECRET={}",
        first.secret_text.expose_secret()
    )?;
    writeln!(
        out,
        "SMILEPAYZ_PRIVATE_KEY={}",
        first.private_key_base64.expose_secret()
    )?;
    writeln!(out, "merchant public key: {}", first.public_key_base64)?;
    out.flush()?;
    drop(out);
    tokio::signal::ctrl_c()
        .await
        .map_err(|e| Failure(format!("cannot wait for Ctrl-C: {e}"), 1))?;
    running.shutdown().await;
    Ok(())
}
