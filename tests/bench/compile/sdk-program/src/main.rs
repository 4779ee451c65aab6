//! The peers harness's SDK peer (copied from ../shared/peers/sdk-peer), updated to the current API
//! (`definitions::BalanceType`, whose variants are `Balance`, `Available`).
//! SDK peer: the project's `smilepayz` crate as a merchant would use it: a typed THB request
//! sent by its `Client` (no retries, so each call is one exchange like the other peers).
#[path = "../../common/bench.rs"]
mod bench;

use bench::{Mode, Opts};
use smilepayz::regions::thb;
use smilepayz::signing::{MerchantPrivateKey, MerchantSecret};
use smilepayz::definitions::BalanceType;
use smilepayz::{Client, RetryPolicy};
use std::sync::Arc;

fn main() {
    let o = Opts::from_env();
    let raw = std::fs::read(o.fixture("merchant.json")).expect("merchant fixture");
    let v: serde_json::Value = serde_json::from_slice(&raw).expect("fixture is JSON");
    let s = |k: &str| v[k].as_str().unwrap_or_else(|| panic!("fixture field {k}")).to_owned();
    let client = Client::builder()
        .base_url(o.url.clone())
        .partner_id(s("partnerId"))
        .merchant_secret(MerchantSecret::new(s("merchantSecret")).expect("secret"))
        .private_key(MerchantPrivateKey::parse(&s("merchantPrivateKeyPkcs8B64")).expect("key"))
        .retry(RetryPolicy::none())
        .build()
        .expect("client");
    let account = s("accountNo");
    let request = move || thb::InquiryBalanceRequest::new(account.clone(), [BalanceType::Balance]).map_err(|e| e.to_string());
    let ctx = Arc::new((client, request));
    let rt = bench::runtime(&o);
    match o.mode {
        Mode::Load => rt.block_on(bench::load("sdk", &o, move || {
            let ctx = ctx.clone();
            async move {
                let req = (ctx.1)()?;
                let resp = ctx.0.send(&req).await.map_err(|e| e.to_string())?;
                std::hint::black_box(resp);
                Ok(())
            }
        })),
        Mode::Offline => {
            let canned = o.canned_response();
            rt.block_on(bench::offline("sdk", "offline", &o, || {
                let signed = (ctx.1)().and_then(|req| ctx.0.sign_request(&req).map_err(|e| e.to_string()));
                async move {
                    std::hint::black_box(signed?);
                    let resp: thb::InquiryBalanceResponse =
                        smilepayz::decode_response(200, canned).map_err(|e| e.to_string())?;
                    std::hint::black_box(resp);
                    Ok(())
                }
            }))
        }
        Mode::SignOnly => panic!("sign-only: the SDK peer shares baseline's floor"),
    }
}
