//! The merchant secret and private key never reach `Debug`, `Display`, errors or logs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use secrecy::ExposeSecret;
use smilepayz::definitions::BalanceType;
use smilepayz::regions::thb;
use smilepayz::signing::{MerchantPrivateKey, MerchantSecret};
use smilepayz::{Client, Region};
use smilepayz_emulator::{Emulator, TestMerchant};

/// Every 16-character window of a secret: none may appear in the text.
fn assert_clean(what: &str, text: &str, secrets: &[&str]) {
    for secret in secrets {
        let chars: Vec<char> = secret.chars().collect();
        for window in chars.windows(16) {
            let piece: String = window.iter().collect();
            assert!(
                !text.contains(&piece),
                "{what} contains secret material {piece:?}:\n{text}"
            );
        }
    }
}

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

#[tokio::test]
async fn debug_display_errors_and_traces_hold_no_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let merchant = TestMerchant::generate(Region::Thb).expect("test merchant");
    let secret = merchant.secret_text.expose_secret().to_owned();
    let key = merchant.private_key_base64.expose_secret().to_owned();
    let secrets = [secret.as_str(), key.as_str()];

    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .start()
        .await
        .expect("starts");
    let builder = Client::builder()
        .base_url(emulator.base_url())
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(MerchantSecret::new(secret.clone()).expect("secret"))
        .private_key(MerchantPrivateKey::parse(&key).expect("key"));
    assert_clean("ClientBuilder's Debug", &format!("{builder:?}"), &secrets);
    let client = builder.build().expect("client");
    assert_clean("Client's Debug", &format!("{client:?}"), &secrets);
    assert_clean(
        "TestMerchant's Debug",
        &format!("{merchant:?} {:?}", merchant.merchant()),
        &secrets,
    );

    let request = thb::InquiryBalanceRequest::new("21120030202403071031", [BalanceType::Balance])
        .expect("valid");
    let response = client
        .send(&request)
        .await
        .expect("a full request succeeds");
    assert_eq!(response.code, "00");

    // Errors: a refusal from the emulator (wrong secret), and an unknown order.
    let wrong = Client::builder()
        .base_url(emulator.base_url())
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(MerchantSecret::new(format!("{secret}x")).expect("secret"))
        .private_key(MerchantPrivateKey::parse(&key).expect("key"))
        .build()
        .expect("client");
    let refused = wrong.send(&request).await.expect_err("wrong secret");
    let nobody = thb::InquiryStatusRequest::builder()
        .trade_type(smilepayz::definitions::TradeType::PayIn)
        .order_no("S20011NOBODY")
        .build()
        .expect("valid");
    let missing = client.send(&nobody).await.expect_err("unknown order");
    for error in [&refused, &missing] {
        assert_clean("an error's Display", &error.to_string(), &secrets);
        assert_clean("an error's Debug", &format!("{error:?}"), &secrets);
    }
    let config = Client::builder()
        .merchant_secret(MerchantSecret::new(secret.clone()).expect("secret"))
        .build()
        .expect_err("no environment");
    assert_clean("a config error", &format!("{config} {config:?}"), &secrets);

    emulator.shutdown().await;
    let log = String::from_utf8_lossy(&captured.0.lock().expect("log").clone()).into_owned();
    assert!(
        log.contains("smilepayz.call") && log.contains("smilepayz.attempt"),
        "the request was traced:\n{log}"
    );
    assert_clean("the trace output", &log, &secrets);
}
