//! A merchant's service in Thailand on axum: pay-ins and pay-outs sent with
//! `send_reconciled`, their callbacks verified by the `smilepayz::axum` extractor and
//! confirmed with inquiry-status. See `service.rs`.
//!
//! ```sh
//! # the gateway's sandbox, or `smilepayz serve --json` for a local emulator:
//! export SMILEPAYZ_BASE_URL=… SMILEPAYZ_PARTNER_ID=… SMILEPAYZ_MERCHANT_SECRET=… SMILEPAYZ_PRIVATE_KEY=…
//! export SMILEPAYZ_PLATFORM_PUBLIC_KEY=…   # Base64, as the merchant dashboard shows it
//! export SHOP_PUBLIC_URL=https://shop.example.com   # where the platform reaches this service
//! cargo run -p smilepayz --example merchant_service --features client,axum
//! curl -X POST localhost:3000/pay-ins -H 'content-type: application/json' \
//!   -d '{"amount":"100.00","payerName":"Somchai","payerAccount":"1234567890","payerBank":"KBANK"}'
//! ```

mod service;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use smilepayz::Client;
use smilepayz::callback::CallbackVerifier;
use smilepayz::signing::PlatformPublicKey;

fn variable(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|_| format!("set {name}"))
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let key = PlatformPublicKey::from_base64_spki(&variable("SMILEPAYZ_PLATFORM_PUBLIC_KEY")?)?;
    let shop = service::Shop {
        client,
        verifier: CallbackVerifier::new(key),
        merchant_id: variable("SMILEPAYZ_PARTNER_ID")?,
        public_url: variable("SHOP_PUBLIC_URL")?,
        orders: Arc::new(Mutex::new(HashMap::new())),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:3000").await?;
    println!("listening on http://{}", listener.local_addr()?);
    axum::serve(listener, service::router(shop)).await?;
    Ok(())
}
