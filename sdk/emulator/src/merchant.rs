//! The merchants (partners) the emulator accepts requests from.

use std::fmt;

use secrecy::SecretString;
use zeroize::Zeroizing;

use super::EmulatorError;
use smilepayz::Region;
use smilepayz::signing::{
    MerchantKeyPair, MerchantPrivateKey, MerchantPublicKey, MerchantSecret, SignatureScheme, Signer,
};

/// A merchant the emulator knows: what the gateway holds for a partner id.
///
/// `Debug` shows the partner id, region and scheme, never the secret or key material.
#[derive(Clone)]
pub struct Merchant {
    /// The merchant id, as sent in `X-PARTNER-ID`.
    pub partner_id: String,
    /// The merchant's region: the request and response shapes, currency and X-TIMESTAMP
    /// offset of its answers.
    pub region: Region,
    /// The merchant secret, part of every string to sign (and the HMAC key for
    /// `hmac-sha512`).
    pub secret: MerchantSecret,
    /// The public half of the merchant key pair; required for `sha256-with-rsa`, ignored for
    /// `hmac-sha512`.
    pub public_key: Option<MerchantPublicKey>,
    /// How the merchant's `X-SIGNATURE` is computed.
    pub scheme: SignatureScheme,
}

impl fmt::Debug for Merchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Merchant")
            .field("partner_id", &self.partner_id)
            .field("region", &self.region)
            .field("scheme", &self.scheme)
            .field("secret", &"[redacted]")
            .field(
                "public_key_bits",
                &self.public_key.as_ref().map(MerchantPublicKey::bits),
            )
            .finish()
    }
}

/// A freshly made sandbox merchant: an RSA-2048 key pair and a random 64-hex-character
/// secret, with both halves of every credential, for tests that need to sign requests.
///
/// The partner id looks like the gateway's sandbox ids: `sandbox-` and five digits, `200`
/// and the region's two-digit area code (`sandbox-20011` for THB, `sandbox-20015` for PEN,
/// `sandbox-20030` for USDT). Change [`TestMerchant::partner_id`] before calling
/// [`TestMerchant::merchant`] to register two test merchants of one region.
///
/// `Debug` shows the partner id, region and key size, never the secret or key material.
#[derive(Clone)]
pub struct TestMerchant {
    /// The merchant id for `X-PARTNER-ID`.
    pub partner_id: String,
    /// The merchant's region.
    pub region: Region,
    /// The merchant secret.
    pub secret: MerchantSecret,
    /// The merchant secret as text (64 lowercase hex characters), e.g. for a configuration
    /// file under test.
    pub secret_text: SecretString,
    /// The merchant private key, which signs `sha256-with-rsa` requests.
    pub private_key: MerchantPrivateKey,
    /// The private key as Base64 PKCS#8 DER, the form Smilepayz issues.
    pub private_key_base64: SecretString,
    /// The public key as Base64 X.509 `SubjectPublicKeyInfo` DER.
    pub public_key_base64: String,
    /// The public key, which the emulator verifies with.
    public_key: MerchantPublicKey,
}

/// A key's Base64 body: PEM armour and whitespace removed, so what is printed and written
/// is the one-line form whichever form was read.
fn base64_body(text: &str) -> String {
    text.lines()
        .filter(|line| !line.trim_start().starts_with("-----"))
        .flat_map(|line| line.chars().filter(|c| !c.is_whitespace()))
        .collect()
}

/// A random secret of 64 hex characters, as Smilepayz issues them.
fn random_secret() -> Result<(MerchantSecret, SecretString), EmulatorError> {
    let mut random = Zeroizing::new([0u8; 32]);
    aws_lc_rs::rand::fill(&mut random[..]).map_err(|_| EmulatorError::Randomness)?;
    let mut hex = String::with_capacity(64);
    for byte in random.iter() {
        hex.push(hex_digit(byte >> 4));
        hex.push(hex_digit(byte & 0x0f));
    }
    let secret = MerchantSecret::new(hex.as_str()).map_err(EmulatorError::Key)?;
    Ok((secret, SecretString::from(hex)))
}

impl TestMerchant {
    /// Makes a new sandbox merchant for `region`, with a fresh RSA-2048 key pair and a random
    /// secret.
    ///
    /// # Errors
    /// [`EmulatorError::Key`] or [`EmulatorError::Randomness`] if the system's
    /// crypto library fails (not caused by any input).
    pub fn generate(region: Region) -> Result<Self, EmulatorError> {
        let pair = MerchantKeyPair::generate().map_err(EmulatorError::Key)?;
        let (secret, secret_text) = random_secret()?;
        Ok(Self {
            partner_id: Self::generate_id(region),
            region,
            secret,
            secret_text,
            private_key_base64: pair.private_pkcs8_base64(),
            public_key_base64: pair.public_spki_base64(),
            private_key: pair.private,
            public_key: pair.public,
        })
    }

    /// A test merchant from credentials kept from an earlier run (`smilepayz serve
    /// --merchants FILE`): the secret as text, and the key pair as Base64 PKCS#8 and Base64
    /// `SubjectPublicKeyInfo` (or PEM).
    ///
    /// # Errors
    /// [`EmulatorError::Key`] when the secret is empty or a key cannot be read.
    pub fn from_parts(
        partner_id: impl Into<String>,
        region: Region,
        secret: &str,
        private_key: &str,
        public_key: &str,
    ) -> Result<Self, EmulatorError> {
        let private = MerchantPrivateKey::parse(private_key).map_err(EmulatorError::Key)?;
        let public = MerchantPublicKey::parse(public_key).map_err(EmulatorError::Key)?;
        let secret_key = MerchantSecret::new(secret).map_err(EmulatorError::Key)?;
        // The two halves must be one pair, or every request would be refused later with a
        // signature error that hides the cause.
        let signer = Signer::new(
            SignatureScheme::Sha256WithRsa,
            secret_key.clone(),
            Some(private.clone()),
        )
        .map_err(EmulatorError::Key)?;
        let probe = signer
            .sign("2000-01-01T00:00:00+00:00", b"{}")
            .map_err(|_| EmulatorError::Randomness)?;
        let matches = smilepayz::signing::RequestVerifier::new(
            SignatureScheme::Sha256WithRsa,
            secret_key.clone(),
            Some(public.clone()),
        )
        .is_ok_and(|verifier| {
            verifier
                .verify("2000-01-01T00:00:00+00:00", b"{}", &probe)
                .is_ok()
        });
        if !matches {
            return Err(EmulatorError::KeyPairMismatch);
        }
        Ok(Self {
            partner_id: partner_id.into(),
            region,
            secret: secret_key,
            secret_text: SecretString::from(secret.to_owned()),
            private_key: private,
            private_key_base64: SecretString::from(base64_body(private_key)),
            public_key_base64: base64_body(public_key),
            public_key: public,
        })
    }

    /// Another merchant of the same owner, for `region`: the same key pair (a merchant may
    /// upload one public key for all its partner ids) but its own partner id and its own
    /// random secret, as the gateway issues one per merchant. A request signed with one
    /// merchant's secret is refused under the other's partner id.
    ///
    /// # Errors
    /// [`EmulatorError::Key`] or [`EmulatorError::Randomness`] if the system's crypto
    /// library fails (not caused by any input).
    pub fn sibling(&self, region: Region) -> Result<Self, EmulatorError> {
        let (secret, secret_text) = random_secret()?;
        Ok(Self {
            partner_id: Self::generate_id(region),
            region,
            secret,
            secret_text,
            private_key_base64: self.private_key_base64.clone(),
            public_key_base64: self.public_key_base64.clone(),
            private_key: self.private_key.clone(),
            public_key: self.public_key.clone(),
        })
    }

    /// The sandbox-style partner id a test merchant of `region` gets: `sandbox-200` and the
    /// region's two-digit area code, e.g. `sandbox-20011` for THB.
    #[must_use]
    pub fn generate_id(region: Region) -> String {
        format!("sandbox-200{:02}", region.info().area_code % 100)
    }

    /// The merchant to register with [`EmulatorBuilder::merchant`](super::EmulatorBuilder::merchant):
    /// `sha256-with-rsa`, this secret and the public key.
    #[must_use]
    pub fn merchant(&self) -> Merchant {
        Merchant {
            partner_id: self.partner_id.clone(),
            region: self.region,
            secret: self.secret.clone(),
            public_key: Some(self.public_key.clone()),
            scheme: SignatureScheme::Sha256WithRsa,
        }
    }

    /// A `sha256-with-rsa` [`Signer`] with this merchant's secret and private key.
    ///
    /// # Errors
    /// None in practice (the key is always there); the `Result` is [`Signer::new`]'s.
    pub fn signer(&self) -> Result<Signer, EmulatorError> {
        Signer::new(
            SignatureScheme::Sha256WithRsa,
            self.secret.clone(),
            Some(self.private_key.clone()),
        )
        .map_err(EmulatorError::Key)
    }
}

impl fmt::Debug for TestMerchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TestMerchant")
            .field("partner_id", &self.partner_id)
            .field("region", &self.region)
            .field("secret", &"[redacted]")
            .field("private_key_bits", &self.private_key.bits())
            .finish_non_exhaustive()
    }
}

/// The lowercase hex digit of the low four bits.
fn hex_digit(nibble: u8) -> char {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    char::from(DIGITS[usize::from(nibble & 0x0f)])
}
