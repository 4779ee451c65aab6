//! The client against the emulator over real loopback HTTP, in every region.

use smilepayz::definitions::BalanceType;
use smilepayz::endpoints::inquiry_balance::AnyInquiryBalanceRequest;
use smilepayz::signing::{MerchantSecret, SignatureScheme};
use smilepayz::{Client, Region, RetryPolicy};
use smilepayz_emulator::example_account;
use smilepayz_emulator::{Emulator, Merchant, RunningEmulator, TestMerchant, codes};

/// An emulator with a fresh test merchant for `region`, and a client signed as that merchant.
async fn emulator_and_client(region: Region) -> (RunningEmulator, Client) {
    let merchant = TestMerchant::generate(region).expect("test merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .start()
        .await
        .expect("starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(merchant.secret.clone())
        .private_key(merchant.private_key.clone())
        .build()
        .expect("client");
    (emulator, client)
}

/// Starts an emulator with a test merchant for the region and queries its example account,
/// with the region chosen at run time.
async fn round_trip(region: Region) {
    let (emulator, client) = emulator_and_client(region).await;
    let account = example_account(region).expect("the region has an example account");
    let request = AnyInquiryBalanceRequest::builder(region)
        .account_no(account.clone())
        .balance_types([BalanceType::Balance])
        .build()
        .expect("valid");
    let response = client
        .send(&request)
        .await
        .unwrap_or_else(|e| panic!("{region}: {e}"));
    assert_eq!(response.region(), region);
    assert_eq!(response.code(), "00");
    assert_eq!(response.account_no(), Some(account.as_str()));
    let infos = response.account_infos();
    let info = infos.first().expect("one entry");
    assert_eq!(info.amount.currency(), region.currency());
    assert_eq!(info.balance_type, BalanceType::Balance);

    // Any other account number is answered too, at its opening balance, as the sandbox
    // answers account numbers it does not know.
    let other = AnyInquiryBalanceRequest::builder(region)
        .account_no("no-such-account")
        .balance_types([BalanceType::Balance])
        .build()
        .expect("valid");
    let answered = client
        .send(&other)
        .await
        .unwrap_or_else(|e| panic!("{region}: {e}"));
    assert_eq!(answered.account_no(), Some("no-such-account"));
    let entry = answered.account_infos().remove(0);
    let opening: smilepayz::Amount = smilepayz_emulator::OTHER_ACCOUNT_OPENING_BALANCE
        .parse()
        .expect("an amount");
    assert_eq!(entry.amount.amount(), opening);
    emulator.shutdown().await;
}

#[tokio::test]
async fn every_region_round_trips_through_the_emulator() {
    for region in Region::ALL {
        round_trip(*region).await;
    }
}

#[tokio::test]
async fn the_hmac_scheme_works_end_to_end() {
    let secret = "fedcba9876543210".repeat(4);
    let emulator = Emulator::builder()
        .merchant(Merchant {
            partner_id: "sandbox-hmac".into(),
            region: Region::Pen,
            secret: MerchantSecret::new(secret.clone()).expect("secret"),
            public_key: None,
            scheme: SignatureScheme::HmacSha512,
        })
        .start()
        .await
        .expect("starts");
    let client = Client::builder()
        .base_url(emulator.base_url())
        .partner_id("sandbox-hmac")
        .merchant_secret(MerchantSecret::new(secret).expect("secret"))
        .signature_scheme(SignatureScheme::HmacSha512)
        .build()
        .expect("an HMAC client needs no private key");
    let request = smilepayz::regions::pen::InquiryBalanceRequest::new(
        "21220030202403071031",
        [BalanceType::Balance],
    )
    .expect("valid");
    let response = client.send(&request).await.expect("answered");
    assert_eq!(
        response.account_infos.first().map(|i| i.amount.to_string()),
        // Live balances are written at the region's money format (#.##).
        Some("250000.00 PEN".to_owned())
    );
    emulator.shutdown().await;
}

#[tokio::test]
async fn refusals_come_back_as_gateway_errors_with_their_own_codes() {
    let merchant = TestMerchant::generate(Region::Thb).expect("test merchant");
    let emulator = Emulator::builder()
        .merchant(merchant.merchant())
        .start()
        .await
        .expect("starts");
    let request = smilepayz::regions::thb::InquiryBalanceRequest::new(
        "21120030202403071031",
        [BalanceType::Balance],
    )
    .expect("valid");
    let base = || {
        Client::builder()
            .base_url(emulator.base_url())
            .retry(RetryPolicy::none())
            .private_key(merchant.private_key.clone())
    };
    let wrong_secret = base()
        .partner_id(merchant.partner_id.clone())
        .merchant_secret(MerchantSecret::new("not-the-secret").expect("secret"))
        .build()
        .expect("client");
    let unknown_partner = base()
        .partner_id("sandbox-nobody")
        .merchant_secret(merchant.secret.clone())
        .build()
        .expect("client");
    for (client, expected) in [
        (wrong_secret, codes::inquiry_balance::SIGNATURE_MISMATCH),
        (unknown_partner, codes::inquiry_balance::UNKNOWN_PARTNER),
    ] {
        let error = client.send(&request).await.expect_err("refused");
        assert_eq!(error.gateway_code(), Some(expected), "{error}");
        assert_eq!(error.status(), Some(401));
        assert!(!error.is_retryable());
    }
    emulator.shutdown().await;
}

#[tokio::test]
async fn sign_request_gives_what_send_sends() {
    let (emulator, client) = emulator_and_client(Region::Usdt).await;
    let request = smilepayz::regions::usdt::InquiryBalanceRequest::new(
        "21120030202403071031",
        [BalanceType::Balance],
    )
    .expect("valid");
    let signed = client.sign_request(&request).expect("signs");
    assert!(signed.timestamp.ends_with("+07:00"), "{}", signed.timestamp);
    assert_eq!(signed.signature.len(), 344);
    assert_eq!(
        &signed.body[..],
        br#"{"accountNo":"21120030202403071031","balanceTypes":["BALANCE"]}"#
    );
    // Sent by hand, the signed request is accepted.
    let response = reqwest::Client::new()
        .post(format!("{}/v2.0/inquiry-balance", emulator.base_url()))
        .header("Content-Type", "application/json")
        .header("X-TIMESTAMP", &signed.timestamp)
        .header("X-SIGNATURE", &signed.signature)
        .header("X-PARTNER-ID", &signed.partner_id)
        .body(signed.body.clone())
        .send()
        .await
        .expect("answered");
    let typed: smilepayz::regions::usdt::InquiryBalanceResponse = smilepayz::decode_response(
        response.status().as_u16(),
        &response.bytes().await.expect("body"),
    )
    .expect("00");
    assert_eq!(typed.code, "00");
    emulator.shutdown().await;
}

#[tokio::test]
async fn send_raw_returns_the_answer_as_it_came() {
    let (emulator, client) = emulator_and_client(Region::Thb).await;
    let endpoint = smilepayz::endpoints::inquiry_balance::ENDPOINT;
    let body = br#"{"accountNo":"21120030202403071031","balanceTypes":["BALANCE"]}"#.to_vec();
    let raw = client
        .send_raw(&endpoint, Region::Thb, body)
        .await
        .expect("answered");
    assert_eq!(raw.status, 200);
    assert!(
        raw.timestamp
            .as_deref()
            .is_some_and(|t| t.ends_with("+07:00")),
        "{:?}",
        raw.timestamp
    );
    let typed: smilepayz::regions::thb::InquiryBalanceResponse =
        smilepayz::decode_response(raw.status, &raw.body).expect("a THB answer");
    assert_eq!(typed.code, "00");

    // A refusal is an answer too: send_raw returns it with its status, not an error.
    let raw = client
        .send_raw(
            &endpoint,
            Region::Thb,
            br#"{"balanceTypes":["BALANCE"]}"#.to_vec(),
        )
        .await
        .expect("answered");
    assert_eq!(raw.status, 400);
    let body: serde_json::Value = serde_json::from_slice(&raw.body).expect("JSON");
    assert_eq!(body["code"], codes::inquiry_balance::INVALID_BODY_FIELDS);
    emulator.shutdown().await;
}

/// The client makes the URLs of the spec's endpoints once, at `build()`; an endpoint of the
/// caller's own is sent to its path under the base URL all the same.
#[tokio::test]
async fn an_endpoint_outside_the_spec_is_sent_to_its_own_path() {
    let (emulator, client) = emulator_and_client(Region::Thb).await;
    let endpoint = smilepayz::EndpointInfo {
        id: "not-an-endpoint",
        title: "Not an endpoint",
        path: "/v2.0/not-an-endpoint",
        service_code: "99",
        read_only: true,
    };
    let raw = client
        .send_raw(&endpoint, Region::Thb, b"{}".to_vec())
        .await
        .expect("answered");
    assert_eq!(raw.status, 404, "{}", String::from_utf8_lossy(&raw.body));
    let answer = String::from_utf8_lossy(&raw.body);
    assert!(answer.contains("/v2.0/not-an-endpoint"), "{answer}");
    emulator.shutdown().await;
}
