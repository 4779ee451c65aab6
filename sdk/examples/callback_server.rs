//! A merchant's callback server, end to end against the local emulator:
//!
//! 1. start the emulator (one THB test merchant) and a callback endpoint on a loopback port;
//! 2. send a THB pay-in with the typed builder, its `callbackUrl` pointing at the endpoint;
//! 3. the emulator settles it and POSTs the pay-in notification; the endpoint verifies it
//!    with the platform public key, handles it once per `tradeNo`, and answers `SUCCESS`;
//! 4. confirm with inquiry-status (the signature covers neither status nor amount), and read
//!    the credited balance.
//!
//! Run it with `cargo run -p smilepayz --example callback_server`.
//! In production the endpoint is the same; the key is the platform public key Smilepayz
//! gives you, and `callbackUrl` is your own https:// URL.
//!
//! With `-- --handler --platform-public-key KEY [--addr 127.0.0.1:0]` it runs the endpoint
//! alone, trusting that key, until it is stopped: it prints `listening on URL` first, then a
//! line per pay-in it handles. That is how to test it with `smilepayz send-callback --check
//! --url URL --region THB --platform-private-key <the private half>`.

use std::collections::HashSet;
use std::convert::Infallible;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full, Limited};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use smilepayz::callback::{CallbackVerifier, SUCCESS_REPLY};
use smilepayz::definitions::{BalanceType, Merchant, Payer, PaymentMethod, TradeType};
use smilepayz::regions::thb;
use smilepayz::signing::PlatformPublicKey;
use smilepayz::{Client, OrderNo, Region, TransactionMoney};
use smilepayz_emulator::{Emulator, TestMerchant};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// What the handler keeps: the trade numbers already handled (a database in a real shop).
struct Shop {
    verifier: CallbackVerifier,
    handled: Mutex<HashSet<String>>,
    paid: mpsc::UnboundedSender<thb::PayInNotification>,
}

/// The callback endpoint: verify, handle once, answer SUCCESS (or an error, so the gateway
/// delivers again).
async fn callback(
    shop: Arc<Shop>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Infallible> {
    let (parts, body) = request.into_parts();
    let answer = |status: StatusCode, text: &'static str| {
        let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
        *response.status_mut() = status;
        response
    };
    // The raw bytes, before any JSON parsing: the signature is checked over what was sent.
    let Ok(body) = Limited::new(body, 64 * 1024)
        .collect()
        .await
        .map(|b| b.to_bytes())
    else {
        return Ok(answer(StatusCode::BAD_REQUEST, "unreadable body"));
    };
    let verified = shop.verifier.verify::<thb::PayInNotification>(
        parts.headers.iter(),
        &body,
        SystemTime::now(),
    );
    let verified = match verified {
        Ok(verified) => verified,
        Err(error) => {
            eprintln!("refused a callback: {error}");
            return Ok(answer(StatusCode::UNAUTHORIZED, "refused"));
        }
    };
    // Deliveries repeat: act once per tradeNo, and answer SUCCESS every time.
    let first_time = shop
        .handled
        .lock()
        .map(|mut handled| handled.insert(verified.trade_no.clone()))
        .unwrap_or(false);
    if first_time {
        let _ = shop.paid.send(verified.notification);
    }
    Ok(answer(StatusCode::OK, SUCCESS_REPLY))
}

/// Serves the callback endpoint on `listener` until the process ends.
fn serve(listener: TcpListener, shop: Arc<Shop>) {
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let shop = Arc::clone(&shop);
            tokio::spawn(async move {
                let service =
                    hyper::service::service_fn(move |request| callback(Arc::clone(&shop), request));
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(stream), service)
                    .await;
            });
        }
    });
}

/// `--handler --platform-public-key KEY [--addr ADDR]`: the endpoint alone, until stopped.
async fn handler_only(args: &[String]) -> Result<(), Box<dyn std::error::Error>> {
    let value = |name: &str| {
        args.iter()
            .position(|a| a == name)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    let key = value("--platform-public-key")
        .ok_or("--handler needs --platform-public-key KEY (Base64 SPKI or PEM)")?;
    let addr = value("--addr").unwrap_or_else(|| "127.0.0.1:0".to_owned());
    let (paid, mut payments) = mpsc::unbounded_channel();
    let shop = Arc::new(Shop {
        verifier: CallbackVerifier::new(PlatformPublicKey::parse(&key)?),
        handled: Mutex::new(HashSet::new()),
        paid,
    });
    let listener = TcpListener::bind(&addr).await?;
    println!(
        "listening on http://{}/smilepayz/pay-in",
        listener.local_addr()?
    );
    serve(listener, shop);
    while let Some(notification) = payments.recv().await {
        println!(
            "handled {} {:?} {}",
            notification.trade_no, notification.status, notification.money
        );
    }
    Ok(())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--handler") {
        return handler_only(&args).await;
    }
    // The gateway side: the emulator, settling orders 200 ms after they are created.
    let merchant = TestMerchant::generate(Region::Thb)?;
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .settle_after(Duration::from_millis(200))
        .start()
        .await?;

    // The merchant side: a callback endpoint on a loopback port.
    let (paid, mut payments) = mpsc::unbounded_channel();
    let shop = Arc::new(Shop {
        verifier: CallbackVerifier::new(emulator.platform_public_key()),
        handled: Mutex::new(HashSet::new()),
        paid,
    });
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let callback_url = format!("http://{}/smilepayz/pay-in", listener.local_addr()?);
    serve(listener, Arc::clone(&shop));

    // A pay-in, with the typed builder: every rule is checked before anything is sent.
    let client = Client::builder()
        .base_url(emulator.base_url())
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .build()?;
    let order_no = OrderNo::generate(&merchant.partner_id)?;
    let request = thb::PayInRequest::builder()
        .order_no(order_no.clone())
        .purpose("Order 1001 at the example shop")
        .merchant(Merchant::new(merchant.partner_id.clone()))
        .money(TransactionMoney::parse("100.50")?)
        .payment_method(PaymentMethod::Qrpay)
        .payer(Payer {
            name: Some("Somchai".into()),
            account_no: Some("1234567890".into()),
            bank_name: Some("KBANK".into()),
            ..Payer::default()
        })
        .callback_url(callback_url)
        .build()?;
    let created = client.send(&request).await?;
    println!(
        "pay-in {order_no}: {:?}, tradeNo {:?}, QR {:?}",
        created.status,
        created.trade_no,
        created
            .channel
            .as_ref()
            .and_then(|c| c.qr_string.as_deref())
    );

    // The callback arrives once the emulator settles it (bounded wait).
    let notification = tokio::time::timeout(Duration::from_secs(10), payments.recv())
        .await?
        .ok_or("the callback server stopped")?;
    println!(
        "callback: {} {:?} {}",
        notification.trade_no, notification.status, notification.money
    );

    // Confirm before shipping: the signature covers neither the status nor the amount.
    let status = thb::InquiryStatusRequest::builder()
        .trade_type(TradeType::PayIn)
        .order_no(order_no.as_str())
        .build()?;
    let confirmed = client.send(&status).await?;
    println!(
        "inquiry-status: {:?} {:?}",
        confirmed.status,
        confirmed.money.map(|m| m.to_string())
    );

    let accounts = emulator
        .accounts(&merchant.partner_id)
        .ok_or("no accounts")?;
    let balance =
        thb::InquiryBalanceRequest::new(accounts.payin_account_no, [BalanceType::Balance])?;
    let balance = client.send(&balance).await?;
    if let Some(entry) = balance.account_infos.first() {
        println!("pay-in account balance: {}", entry.amount);
    }
    emulator.shutdown().await;
    Ok(())
}
