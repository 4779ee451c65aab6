//! Checks `signing` against the project's test vectors (copies in `tests/vectors/`).

use secrecy::ExposeSecret as _;
use serde_json::Value;
use smilepayz::signing::{
    KeyError, MerchantKeyPair, MerchantPrivateKey, MerchantPublicKey, MerchantSecret,
    PlatformPublicKey, RequestVerifier, SignatureScheme, Signer, StringToSign, VerifyError,
    verify_callback,
};

const SIGNATURES: &str = include_str!("vectors/signatures.json");
const PLATFORM_CALLBACKS: &str = include_str!("vectors/platform-callbacks.json");

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("vector file is JSON")
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name]
        .as_str()
        .unwrap_or_else(|| panic!("vector field {name} is a string"))
}

struct Fixture {
    v: Value,
}

impl Fixture {
    fn load() -> Self {
        Self {
            v: json(SIGNATURES),
        }
    }
    fn secret_text(&self) -> &str {
        field(&self.v, "merchantSecret")
    }
    fn secret(&self) -> MerchantSecret {
        MerchantSecret::new(self.secret_text()).unwrap()
    }
    fn private_b64(&self) -> &str {
        field(&self.v, "merchantPrivateKeyPkcs8B64")
    }
    fn merchant_public_b64(&self) -> &str {
        field(&self.v, "merchantPublicKeySpkiB64")
    }
    fn platform_public_b64(&self) -> &str {
        field(&self.v, "platformPublicKeySpkiB64")
    }
    fn requests(&self) -> &[Value] {
        self.v["requests"].as_array().unwrap()
    }
    fn callbacks(&self) -> &[Value] {
        self.v["callbacks"].as_array().unwrap()
    }
    fn rsa_signer(&self) -> Signer {
        let key = MerchantPrivateKey::parse(self.private_b64()).unwrap();
        Signer::new(SignatureScheme::Sha256WithRsa, self.secret(), Some(key)).unwrap()
    }
    fn rsa_verifier(&self) -> RequestVerifier {
        let key = MerchantPublicKey::parse(self.merchant_public_b64()).unwrap();
        RequestVerifier::new(SignatureScheme::Sha256WithRsa, self.secret(), Some(key)).unwrap()
    }
    fn hmac_verifier(&self) -> RequestVerifier {
        RequestVerifier::new(SignatureScheme::HmacSha512, self.secret(), None).unwrap()
    }
}

fn pem(label: &str, b64: &str) -> String {
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(line).unwrap());
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// Every 16-character window of `s` (ASCII Base64 or hex).
fn chunks16(s: &str) -> impl Iterator<Item = &str> {
    assert!(s.len() >= 16);
    (0..=s.len() - 16).map(move |i| &s[i..i + 16])
}

fn assert_no_key_material(text: &str, secrets: &[&str]) {
    for secret in secrets {
        assert!(!text.contains(secret), "leaks a secret: {text}");
        for chunk in chunks16(secret) {
            assert!(!text.contains(chunk), "leaks {chunk:?}: {text}");
        }
    }
}

/// `s` with the character at `i` replaced by a different one.
fn flip_char(s: &str, i: usize) -> String {
    s.char_indices()
        .map(|(j, c)| match (j == i, c) {
            (false, c) => c,
            (true, '0') => '1',
            (true, _) => '0',
        })
        .collect()
}

#[test]
fn request_vectors_reproduce_string_to_sign_and_both_signatures() {
    let fx = Fixture::load();
    let rsa = fx.rsa_signer();
    let hmac = Signer::new(SignatureScheme::HmacSha512, fx.secret(), None).unwrap();
    assert_eq!(fx.requests().len(), 4);
    for r in fx.requests() {
        let name = field(r, "name");
        let (ts, body) = (field(r, "xTimestamp"), field(r, "body").as_bytes());
        assert_eq!(
            StringToSign::request(ts, &fx.secret(), body).as_bytes(),
            field(r, "stringToSign").as_bytes(),
            "{name}"
        );
        let sig = rsa.sign(ts, body).unwrap();
        assert_eq!(sig, field(r, "xSignature"), "{name}");
        assert_eq!(sig.len(), 344, "{name}: documented X-SIGNATURE length");
        assert_eq!(
            hmac.sign(ts, body).unwrap(),
            field(r, "hmacSha512"),
            "{name}"
        );
    }
}

#[test]
fn request_verifier_accepts_vectors_and_rejects_changes() {
    let fx = Fixture::load();
    for (verifier, sig_field, len) in [
        (fx.rsa_verifier(), "xSignature", 256),
        (fx.hmac_verifier(), "hmacSha512", 64),
    ] {
        for r in fx.requests() {
            let name = field(r, "name");
            let (ts, body, sig) = (
                field(r, "xTimestamp"),
                field(r, "body").as_bytes(),
                field(r, sig_field),
            );
            assert_eq!(verifier.verify(ts, body, sig), Ok(()), "{name}");

            for i in 0..body.len() {
                let mut changed = body.to_vec();
                changed[i] ^= 0x01;
                assert_eq!(
                    verifier.verify(ts, &changed, sig),
                    Err(VerifyError::Mismatch),
                    "{name}: byte {i} changed"
                );
                let mut removed = body.to_vec();
                removed.remove(i);
                assert_eq!(
                    verifier.verify(ts, &removed, sig),
                    Err(VerifyError::Mismatch),
                    "{name}: byte {i} removed"
                );
            }
            let mut appended = body.to_vec();
            appended.push(b' ');
            assert_eq!(
                verifier.verify(ts, &appended, sig),
                Err(VerifyError::Mismatch)
            );
            let wrong_ts = flip_char(ts, ts.len() - 1);
            assert_eq!(
                verifier.verify(&wrong_ts, body, sig),
                Err(VerifyError::Mismatch)
            );

            // One byte short, re-encoded as valid Base64.
            let raw = base64_decode(sig);
            let short = base64_encode(&raw[..raw.len() - 1]);
            assert_eq!(
                verifier.verify(ts, body, &short),
                Err(VerifyError::WrongLength {
                    expected: len,
                    actual: len - 1
                }),
                "{name}"
            );
            for bad in [
                &sig[..sig.len() - 1],
                "not base64!",
                "",
                "====",
                &sig.replace('+', "-"),
            ] {
                if bad == sig {
                    continue; // no '+' to replace
                }
                assert!(
                    matches!(
                        verifier.verify(ts, body, bad),
                        Err(VerifyError::MalformedBase64 | VerifyError::WrongLength { .. })
                    ),
                    "{name}: {bad:?}"
                );
            }
            assert_eq!(
                verifier.verify(ts, body, "not base64!"),
                Err(VerifyError::MalformedBase64)
            );
        }
    }
    // The wrong secret changes the signed text for both schemes.
    let other = MerchantSecret::new("f".repeat(64)).unwrap();
    let key = MerchantPublicKey::parse(fx.merchant_public_b64()).unwrap();
    let r = &fx.requests()[0];
    for (scheme, key, sig_field) in [
        (SignatureScheme::Sha256WithRsa, Some(key), "xSignature"),
        (SignatureScheme::HmacSha512, None, "hmacSha512"),
    ] {
        let verifier = RequestVerifier::new(scheme, other.clone(), key).unwrap();
        assert_eq!(
            verifier.verify(
                field(r, "xTimestamp"),
                field(r, "body").as_bytes(),
                field(r, sig_field)
            ),
            Err(VerifyError::Mismatch)
        );
    }
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(b)
}

/// (trade_no, timestamp, signature, stringToSign, key) for all four callbacks.
fn all_callbacks() -> Vec<(String, String, String, String, String)> {
    let fx = Fixture::load();
    let mut out = Vec::new();
    for c in fx.callbacks() {
        out.push((
            field(c, "tradeNo").to_owned(),
            field(c, "xTimestamp").to_owned(),
            field(c, "xSignature").to_owned(),
            field(c, "stringToSign").to_owned(),
            fx.platform_public_b64().to_owned(),
        ));
    }
    let platform = json(PLATFORM_CALLBACKS);
    for c in platform["callbacks"].as_array().unwrap() {
        out.push((
            field(c, "tradeNo").to_owned(),
            field(c, "xTimestamp").to_owned(),
            field(c, "xSignature").to_owned(),
            field(c, "stringToSign").to_owned(),
            field(c, "platformPublicKeySpkiB64").to_owned(),
        ));
    }
    assert_eq!(out.len(), 4);
    out
}

#[test]
fn callbacks_verify_and_any_change_is_rejected() {
    let callbacks = all_callbacks();
    for (n, (trade_no, ts, sig, sts, key_b64)) in callbacks.iter().enumerate() {
        assert_eq!(
            StringToSign::callback(trade_no, ts).as_bytes(),
            sts.as_bytes()
        );
        let key = PlatformPublicKey::parse(key_b64).unwrap();
        assert_eq!(key.bits(), 2048);
        assert!(verify_callback(&key, trade_no, ts, sig), "callback {n}");

        for i in 0..trade_no.len() {
            assert!(
                !verify_callback(&key, &flip_char(trade_no, i), ts, sig),
                "callback {n}: tradeNo char {i}"
            );
        }
        for i in 0..ts.len() {
            assert!(
                !verify_callback(&key, trade_no, &flip_char(ts, i), sig),
                "callback {n}: timestamp char {i}"
            );
        }
        // Swapped fields and a malformed signature.
        assert!(!verify_callback(&key, ts, trade_no, sig));
        assert!(!verify_callback(&key, trade_no, ts, "not base64!"));
        assert!(!verify_callback(&key, trade_no, ts, &sig[..sig.len() - 4]));

        // Every other distinct key rejects it.
        for (_, _, _, _, other_b64) in &callbacks {
            if other_b64 != key_b64 {
                let other = PlatformPublicKey::parse(other_b64).unwrap();
                assert!(!verify_callback(&other, trade_no, ts, sig), "callback {n}");
            }
        }
    }
}

#[test]
fn pem_forms_of_the_same_keys_work() {
    let fx = Fixture::load();
    let private_pem = pem("PRIVATE KEY", fx.private_b64());
    let r = &fx.requests()[0];
    let (ts, body) = (field(r, "xTimestamp"), field(r, "body").as_bytes());

    for text in [
        private_pem.clone(),
        private_pem.replace('\n', "\r\n"),
        format!("\n  {private_pem}  \n"),
    ] {
        let key = MerchantPrivateKey::from_pem(&text).unwrap();
        let signer = Signer::new(SignatureScheme::Sha256WithRsa, fx.secret(), Some(key)).unwrap();
        assert_eq!(signer.sign(ts, body).unwrap(), field(r, "xSignature"));
        assert!(MerchantPrivateKey::parse(&text).is_ok());
    }
    // Base64 wrapped at 64 characters without armour is accepted too.
    let wrapped: String = pem("PRIVATE KEY", fx.private_b64())
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(MerchantPrivateKey::from_base64_pkcs8(&format!("  {wrapped}\n")).is_ok());

    let merchant_pub =
        MerchantPublicKey::from_pem(&pem("PUBLIC KEY", fx.merchant_public_b64())).unwrap();
    let verifier = RequestVerifier::new(
        SignatureScheme::Sha256WithRsa,
        fx.secret(),
        Some(merchant_pub),
    )
    .unwrap();
    assert_eq!(verifier.verify(ts, body, field(r, "xSignature")), Ok(()));

    let platform_pem = pem("PUBLIC KEY", fx.platform_public_b64());
    for key in [
        PlatformPublicKey::from_pem(&platform_pem).unwrap(),
        PlatformPublicKey::parse(&platform_pem).unwrap(),
    ] {
        for c in fx.callbacks() {
            assert!(verify_callback(
                &key,
                field(c, "tradeNo"),
                field(c, "xTimestamp"),
                field(c, "xSignature")
            ));
        }
    }
}

#[test]
fn malformed_keys_give_errors_without_key_material() {
    let fx = Fixture::load();
    let private = fx.private_b64();
    let public = fx.merchant_public_b64();
    let mid = private.len() / 2;
    let altered = format!("{}{}", &private[..mid], &private[mid + 4..]);
    let bad_private = [
        private[..private.len() - 10].to_owned(),
        altered.clone(),
        format!("{}*{}", &private[..mid], &private[mid..]),
        public.to_owned(), // a public key where the private key belongs
        pem("RSA PRIVATE KEY", private),
        pem("PUBLIC KEY", private),
        pem("PRIVATE KEY", public),
        pem("PRIVATE KEY", private).replace("-----END PRIVATE KEY-----", ""),
        "-----BEGIN PRIVATE KEY".to_owned() + private,
        String::new(),
    ];
    for text in &bad_private {
        let err = MerchantPrivateKey::parse(text).unwrap_err();
        assert!(matches!(err, KeyError::InvalidPrivateKey { .. }), "{err:?}");
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("merchant private key"), "{shown}");
        assert!(
            shown.contains("pass the key exactly as Smilepayz issued it"),
            "{shown}"
        );
        assert_no_key_material(&shown, &[private, public]);
    }

    let bad_public = [
        public[..public.len() - 8].to_owned(),
        private.to_owned(),
        pem("PRIVATE KEY", public),
        pem("PUBLIC KEY", private),
        pem("RSA PUBLIC KEY", public),
        format!("{}!{}", &public[..20], &public[20..]),
    ];
    for text in &bad_public {
        let err = PlatformPublicKey::parse(text).unwrap_err();
        assert!(
            matches!(err, KeyError::InvalidPlatformPublicKey { .. }),
            "{err:?}"
        );
        let shown = format!("{err} {err:?}");
        assert!(shown.contains("platform public key"), "{shown}");
        assert_no_key_material(&shown, &[private, public]);

        let err = MerchantPublicKey::parse(text).unwrap_err();
        assert!(
            matches!(err, KeyError::InvalidMerchantPublicKey { .. }),
            "{err:?}"
        );
        assert_no_key_material(&format!("{err} {err:?}"), &[private, public]);
    }

    // Swapped halves are named as such.
    let err = MerchantPrivateKey::parse(public).unwrap_err().to_string();
    assert!(err.contains("it is a public key"), "{err}");
    let err = PlatformPublicKey::parse(private).unwrap_err().to_string();
    assert!(err.contains("it is a private key"), "{err}");
}

#[test]
fn debug_output_never_contains_secrets() {
    let fx = Fixture::load();
    let secret = fx.secret_text();
    let private = fx.private_b64();
    let key = MerchantPrivateKey::parse(private).unwrap();
    let hmac = Signer::new(SignatureScheme::HmacSha512, fx.secret(), Some(key.clone())).unwrap();
    let generated = MerchantKeyPair::generate().unwrap();
    let generated_private = generated.private_pkcs8_base64();

    let shown = [
        format!("{:?}", fx.secret()),
        format!("{key:?}"),
        format!("{:?}", fx.rsa_signer()),
        format!("{hmac:?}"),
        format!("{:?}", fx.rsa_verifier()),
        format!("{:?}", fx.hmac_verifier()),
        format!("{:?}", StringToSign::request("ts", &fx.secret(), b"{}")),
        format!("{generated:?}"),
        format!("{:?}", generated.private),
        format!("{:?}", generated_private),
    ];
    assert_eq!(shown[0], "MerchantSecret([redacted])");
    assert!(shown[1].contains("2048"), "{}", shown[1]);
    for text in &shown {
        assert_no_key_material(text, &[secret, private, generated_private.expose_secret()]);
    }
}

#[test]
fn generated_key_pair_round_trips() {
    let pair = MerchantKeyPair::generate().unwrap();
    assert_eq!(pair.private.bits(), 2048);
    assert_eq!(pair.public.bits(), 2048);
    let secret = MerchantSecret::new("0123456789abcdef".repeat(4)).unwrap();
    let (ts, body) = ("2026-01-01T00:00:00+07:00", br#"{"accountNo":"1"}"#);

    let reparsed = MerchantPrivateKey::parse(pair.private_pkcs8_base64().expose_secret()).unwrap();
    let public = MerchantPublicKey::parse(&pair.public_spki_base64()).unwrap();
    let verifier =
        RequestVerifier::new(SignatureScheme::Sha256WithRsa, secret.clone(), Some(public)).unwrap();
    let own = RequestVerifier::new(
        SignatureScheme::Sha256WithRsa,
        secret.clone(),
        Some(pair.public.clone()),
    )
    .unwrap();

    let signer = Signer::new(
        SignatureScheme::Sha256WithRsa,
        secret.clone(),
        Some(pair.private.clone()),
    )
    .unwrap();
    let sig = signer.sign(ts, body).unwrap();
    assert_eq!(verifier.verify(ts, body, &sig), Ok(()));
    assert_eq!(own.verify(ts, body, &sig), Ok(()));
    assert_eq!(
        own.verify(ts, b"{\"accountNo\":\"2\"}", &sig),
        Err(VerifyError::Mismatch)
    );
    // The exported PKCS#8 is the same key: PKCS#1 v1.5 is deterministic.
    let again = Signer::new(SignatureScheme::Sha256WithRsa, secret, Some(reparsed)).unwrap();
    assert_eq!(again.sign(ts, body).unwrap(), sig);

    // A different key pair's signature is refused.
    let other = MerchantKeyPair::generate().unwrap();
    assert_ne!(other.public_spki_base64(), pair.public_spki_base64());
    let secret = MerchantSecret::new("x").unwrap();
    let other_sig = Signer::new(
        SignatureScheme::Sha256WithRsa,
        secret.clone(),
        Some(other.private),
    )
    .unwrap()
    .sign(ts, body)
    .unwrap();
    let verifier =
        RequestVerifier::new(SignatureScheme::Sha256WithRsa, secret, Some(pair.public)).unwrap();
    assert_eq!(
        verifier.verify(ts, body, &other_sig),
        Err(VerifyError::Mismatch)
    );
}

#[test]
fn non_utf8_body_is_signed_as_given() {
    let fx = Fixture::load();
    let body = b"{\"a\":\"\xff\xfe\"}";
    let sig = fx.rsa_signer().sign("ts", body).unwrap();
    assert_eq!(fx.rsa_verifier().verify("ts", body, &sig), Ok(()));
    assert_eq!(
        fx.rsa_verifier()
            .verify("ts", b"{\"a\":\"\xff\xff\"}", &sig),
        Err(VerifyError::Mismatch)
    );
}
