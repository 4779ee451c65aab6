//! A client that cannot work is refused when it is built, naming what is wrong, never at the
//! first request as a retryable network error.

use std::sync::OnceLock;

use smilepayz::signing::{MerchantKeyPair, MerchantSecret};
use smilepayz::{Client, ConfigError};

/// A client that builds, with the scheme the gateway checks (RSA), so the tests run with the
/// default features (the HMAC scheme needs `hmac-sha512`).
fn builder() -> smilepayz::ClientBuilder {
    static KEY: OnceLock<MerchantKeyPair> = OnceLock::new();
    let key = KEY.get_or_init(|| MerchantKeyPair::generate().expect("a key pair"));
    Client::builder()
        .base_url("http://127.0.0.1:9")
        .partner_id("sandbox-20001")
        .merchant_secret(MerchantSecret::new("0123456789abcdef".repeat(4)).expect("secret"))
        .private_key(key.private.clone())
}

#[test]
fn a_partner_id_a_header_cannot_carry_is_a_configuration_error() {
    assert!(builder().build().is_ok());
    for bad in [
        "sandbox-2000\n1",
        "sandbox 20001",
        "sandbox-2000é",
        "a\u{7f}b",
    ] {
        match builder().partner_id(bad).build() {
            Err(error @ ConfigError::PartnerId { .. }) => {
                assert!(error.to_string().contains("X-PARTNER-ID"), "{error}");
            }
            other => panic!("{bad:?}: {other:?}"),
        }
    }
    assert!(matches!(
        builder().partner_id("   ").build(),
        Err(ConfigError::Missing(what)) if what.contains("SMILEPAYZ_PARTNER_ID")
    ));
}

#[test]
fn each_missing_setting_is_named_with_the_variable_and_the_builder_call_that_give_it() {
    let secret = || MerchantSecret::new("0123456789abcdef".repeat(4)).expect("secret");
    let cases = [
        (
            Client::builder().partner_id("sandbox-20001"),
            ["SMILEPAYZ_ENVIRONMENT", "ClientBuilder::environment"],
        ),
        (
            Client::builder().base_url("http://127.0.0.1:9"),
            ["SMILEPAYZ_PARTNER_ID", "ClientBuilder::partner_id"],
        ),
        (
            Client::builder()
                .base_url("http://127.0.0.1:9")
                .partner_id("sandbox-20001"),
            [
                "SMILEPAYZ_MERCHANT_SECRET",
                "ClientBuilder::merchant_secret",
            ],
        ),
        (
            Client::builder()
                .base_url("http://127.0.0.1:9")
                .partner_id("sandbox-20001")
                .merchant_secret(secret()),
            ["SMILEPAYZ_PRIVATE_KEY_FILE", "ClientBuilder::private_key"],
        ),
    ];
    for (builder, names) in cases {
        match builder.build() {
            Err(error @ ConfigError::Missing(_)) => {
                let text = error.to_string();
                for name in names {
                    assert!(text.contains(name), "{name} not in {text:?}");
                }
            }
            other => panic!("{names:?}: {other:?}"),
        }
    }
}

#[test]
fn a_base_url_that_is_not_an_http_origin_is_a_configuration_error() {
    for bad in [
        "ftp://gateway.smilepayz.com",
        "gateway.smilepayz.com",
        "http://",
        "https://gateway.smilepayz.com/?x=1",
        "https://gateway.smilepayz.com/#top",
        "https://exa mple.com",
    ] {
        assert!(
            matches!(
                builder().base_url(bad).build(),
                Err(ConfigError::BaseUrl(_))
            ),
            "{bad:?} was accepted"
        );
    }
    // Credentials are refused before anything else, and never shown, in errors or Debug.
    for with_password in [
        "https://merchant:base-url-pass@gateway.example/?x=1",
        "https://merchant:base-url-pass@gateway.example",
    ] {
        let error = builder()
            .base_url(with_password)
            .build()
            .expect_err("credentials in the base URL");
        assert!(
            matches!(error, ConfigError::BaseUrlCredentials(_)),
            "{error}"
        );
        let shown = format!("{error} {error:?} {:?}", builder().base_url(with_password));
        assert!(!shown.contains("base-url-pass"), "{shown}");
    }
    // A trailing slash is fine: paths are joined without doubling it.
    let client = builder()
        .base_url("http://127.0.0.1:9/")
        .build()
        .expect("builds");
    assert_eq!(client.base_url(), "http://127.0.0.1:9");
}

/// Without the `hmac-sha512` feature, choosing that scheme is a configuration error that
/// names the feature, when the client is built.
#[cfg(not(feature = "hmac-sha512"))]
#[test]
fn the_hmac_scheme_without_its_feature_is_refused_naming_the_feature() {
    let error = builder()
        .signature_scheme(smilepayz::SignatureScheme::HmacSha512)
        .build()
        .expect_err("not built in");
    assert!(error.to_string().contains("hmac-sha512"), "{error}");
}
