//! Smilepayz v2.0 gateway signatures.
//!
//! * Requests: `X-SIGNATURE = Base64(sign(X-TIMESTAMP + "|" + merchantSecret + "|" + body))`,
//!   signed with RSASSA-PKCS1-v1_5/SHA-256 and the merchant private key
//!   ([`SignatureScheme::Sha256WithRsa`], what the production gateway checks) or with
//!   HMAC-SHA512 keyed by the merchant secret ([`SignatureScheme::HmacSha512`]).
//! * Callbacks: the platform signs `tradeNo + "|" + X-TIMESTAMP` with RSASSA-PKCS1-v1_5/SHA-256;
//!   [`verify_callback`] checks it with the platform public key.
//! * [`RequestVerifier`] and [`MerchantKeyPair`] serve a local gateway emulator and tests.
//!
//! RSA comes from `aws-lc-rs`, the library reqwest's rustls already links, so the SDK carries
//! one crypto backend. Secrets and private keys are zeroized on drop where the types allow it,
//! and no `Debug` or error message ever contains the merchant secret or key material.

use std::fmt;
use std::ops::Range;
use std::str::FromStr;
use std::sync::Arc;

use aws_lc_rs::encoding::AsDer as _;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeySize, PublicEncryptingKey};
use aws_lc_rs::signature::{
    KeyPair as _, ParsedPublicKey, RSA_PKCS1_2048_8192_SHA256, RSA_PKCS1_SHA256, RsaKeyPair,
};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
#[cfg(feature = "hmac-sha512")]
use hmac::{Hmac, KeyInit as _, Mac as _};
use secrecy::{ExposeSecret as _, SecretString};
#[cfg(feature = "hmac-sha512")]
use sha2::Sha512;
use zeroize::{Zeroize, Zeroizing};

#[cfg(feature = "hmac-sha512")]
type HmacSha512 = Hmac<Sha512>;

/// Bytes in an HMAC-SHA512 tag.
const HMAC_SHA512_LEN: usize = 64;

/// Smilepayz (and `RSA_PKCS1_2048_8192_SHA256` at verification time) refuse smaller keys;
/// checking when a key is loaded turns a silent "never verifies" into a clear error.
const MIN_RSA_BITS: usize = 2048;

// ---------------------------------------------------------------------------------------------
// Scheme
// ---------------------------------------------------------------------------------------------

/// How `X-SIGNATURE` is computed. Written `sha256-with-rsa` / `hmac-sha512` in configuration.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// RSASSA-PKCS1-v1_5 with SHA-256 and the merchant private key (`SHA256withRSA`).
    /// This is what the production gateway checks.
    Sha256WithRsa,
    /// HMAC-SHA512 keyed with the merchant secret (the docs' staging variant and v1.0 scheme).
    /// Signing or verifying with it needs the crate's `hmac-sha512` feature; without it,
    /// [`Signer::new`] and [`RequestVerifier::new`] answer [`KeyError::SchemeNotBuilt`].
    HmacSha512,
}

impl SignatureScheme {
    /// The configuration name: `"sha256-with-rsa"` or `"hmac-sha512"`.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Sha256WithRsa => "sha256-with-rsa",
            Self::HmacSha512 => "hmac-sha512",
        }
    }
}

impl fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SignatureScheme {
    type Err = UnknownSchemeError;

    /// Accepts the configuration names, ignoring ASCII case and surrounding whitespace.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        [Self::Sha256WithRsa, Self::HmacSha512]
            .into_iter()
            .find(|scheme| scheme.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownSchemeError(s.to_owned()))
    }
}

/// A signature scheme name that is neither `sha256-with-rsa` nor `hmac-sha512`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown signature scheme {0:?}; use \"sha256-with-rsa\" (what the production gateway \
     checks) or \"hmac-sha512\""
)]
pub struct UnknownSchemeError(String);

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/// A merchant secret or key could not be used.
///
/// Messages say what is wrong and how to fix it; they never contain the secret or key material
/// (every `reason` is text written by this module, never a piece of the input).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum KeyError {
    /// The merchant secret was empty.
    #[error(
        "the merchant secret is empty; pass the merchant secret exactly as Smilepayz issued it \
         (64 hex characters)"
    )]
    EmptySecret,
    /// The merchant private key could not be decoded or was not an acceptable RSA key.
    #[error(
        "the merchant private key is not Base64 PKCS#8 DER or PEM: {reason}; pass the key \
         exactly as Smilepayz issued it"
    )]
    InvalidPrivateKey {
        /// What is wrong with it.
        reason: String,
    },
    /// The platform public key could not be decoded or was not an acceptable RSA key.
    #[error(
        "the platform public key is not Base64 X.509 SubjectPublicKeyInfo DER or PEM: {reason}; \
         pass the platform public key exactly as Smilepayz published it"
    )]
    InvalidPlatformPublicKey {
        /// What is wrong with it.
        reason: String,
    },
    /// The merchant public key could not be decoded or was not an acceptable RSA key.
    #[error(
        "the merchant public key is not Base64 X.509 SubjectPublicKeyInfo DER or PEM: {reason}; \
         pass the public half of the merchant key pair as uploaded to Smilepayz"
    )]
    InvalidMerchantPublicKey {
        /// What is wrong with it.
        reason: String,
    },
    /// The `sha256-with-rsa` scheme was chosen for signing without a merchant private key.
    #[error(
        "the sha256-with-rsa scheme signs with the merchant private key, but none was given; \
         pass Some(MerchantPrivateKey) or choose the hmac-sha512 scheme"
    )]
    MissingPrivateKey,
    /// The `sha256-with-rsa` scheme was chosen for verifying without a merchant public key.
    #[error(
        "the sha256-with-rsa scheme verifies with the merchant public key, but none was given; \
         pass Some(MerchantPublicKey) or choose the hmac-sha512 scheme"
    )]
    MissingPublicKey,
    /// The `hmac-sha512` scheme was chosen, but this build of the SDK leaves it out (it is
    /// behind the `hmac-sha512` feature, so that the default build compiles no second crypto
    /// stack for a scheme the production gateway does not check).
    #[error(
        "the {scheme} scheme is not in this build of the smilepayz crate; turn on its \
         `hmac-sha512` feature (cargo add smilepayz --features hmac-sha512), or use \
         sha256-with-rsa, which is what the production gateway checks"
    )]
    SchemeNotBuilt {
        /// The scheme that was asked for.
        scheme: SignatureScheme,
    },
    /// aws-lc-rs failed to generate or export a key pair.
    #[error(
        "aws-lc-rs failed to generate or export an RSA-2048 key pair; this does not depend on \
         any input: retry, and report it if it persists"
    )]
    Generation,
}

/// Signing failed inside the crypto library. Inputs cannot cause this: keys are validated
/// when loaded, and any timestamp and body can be signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignError {
    /// The crypto backend reported a failure.
    #[error(
        "computing the {scheme} signature failed inside the crypto library; the key was accepted \
         when loaded, so retry, and report it if it persists"
    )]
    Backend {
        /// The scheme that was being computed.
        scheme: SignatureScheme,
    },
}

/// Why a request's `X-SIGNATURE` was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The header is not standard padded Base64.
    #[error("X-SIGNATURE is not standard padded Base64")]
    MalformedBase64,
    /// The decoded signature has the wrong size for the scheme and key.
    #[error("X-SIGNATURE decodes to {actual} bytes, but this scheme and key produce {expected}")]
    WrongLength {
        /// Bytes a genuine signature has.
        expected: usize,
        /// Bytes the header decoded to.
        actual: usize,
    },
    /// Well formed, but not a signature of this timestamp, secret and body.
    #[error(
        "X-SIGNATURE does not match: the timestamp, body or merchant secret differ from what was \
         signed, or another key signed it"
    )]
    Mismatch,
}

// ---------------------------------------------------------------------------------------------
// Secret and keys
// ---------------------------------------------------------------------------------------------

/// The merchant secret. In v2.0 it is signed *as text* inside the string to sign (and is the
/// HMAC key for `hmac-sha512`). Zeroized on drop; `Debug` is redacted.
#[derive(Clone)]
pub struct MerchantSecret(SecretString);

impl MerchantSecret {
    /// Wraps the secret exactly as given: it is not trimmed, since trimming would change every
    /// signature.
    ///
    /// # Errors
    /// [`KeyError::EmptySecret`] if it is empty.
    pub fn new(secret: impl Into<String>) -> Result<Self, KeyError> {
        let secret = secret.into();
        if secret.is_empty() {
            return Err(KeyError::EmptySecret);
        }
        Ok(Self(SecretString::from(secret)))
    }

    fn bytes(&self) -> &[u8] {
        self.0.expose_secret().as_bytes()
    }
}

impl fmt::Debug for MerchantSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("MerchantSecret([redacted])")
    }
}

/// The merchant's RSA private key (PKCS#8), used for `sha256-with-rsa` request signatures.
///
/// Cheap to clone (shared). aws-lc-rs frees the key material when the last clone drops;
/// `Debug` shows only the key size.
#[derive(Clone)]
pub struct MerchantPrivateKey(Arc<RsaKeyPair>);

impl MerchantPrivateKey {
    /// Parses Base64 of PKCS#8 DER, the form Smilepayz hands out. Whitespace and line breaks
    /// anywhere in the text are ignored.
    ///
    /// # Errors
    /// [`KeyError::InvalidPrivateKey`] if it is not Base64 or not an RSA PKCS#8 key.
    pub fn from_base64_pkcs8(base64: &str) -> Result<Self, KeyError> {
        let invalid = |reason| KeyError::InvalidPrivateKey { reason };
        let der = decode_key_base64(base64).map_err(invalid)?;
        let pair = RsaKeyPair::from_pkcs8(&der).map_err(|e| {
            // Mixing up the two halves is the usual mistake; name it rather than the DER error.
            invalid(if PublicEncryptingKey::from_der(&der).is_ok() {
                "it is a public key (SubjectPublicKeyInfo), but the private key is needed here"
                    .to_owned()
            } else {
                format!("it is not an RSA PKCS#8 private key ({e})")
            })
        })?;
        check_bits(pair.public_modulus_len() * 8).map_err(invalid)?;
        Ok(Self(Arc::new(pair)))
    }

    /// Parses a `-----BEGIN PRIVATE KEY-----` PEM block (unencrypted PKCS#8).
    ///
    /// # Errors
    /// [`KeyError::InvalidPrivateKey`] if there is no such block (the message says how to
    /// convert PKCS#1 or encrypted keys) or its content is not an RSA PKCS#8 key.
    pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
        let body = pem_body(pem, PemKind::Private)
            .map_err(|reason| KeyError::InvalidPrivateKey { reason })?;
        Self::from_base64_pkcs8(body)
    }

    /// Accepts either form: PEM if the text contains `-----BEGIN`, Base64 PKCS#8 otherwise.
    ///
    /// # Errors
    /// As [`Self::from_pem`] or [`Self::from_base64_pkcs8`].
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        if text.contains(PEM_BEGIN) {
            Self::from_pem(text)
        } else {
            Self::from_base64_pkcs8(text)
        }
    }

    /// Size of the RSA modulus in bits (2048 for Smilepayz keys).
    #[must_use]
    pub fn bits(&self) -> usize {
        self.0.public_modulus_len() * 8
    }
}

impl fmt::Debug for MerchantPrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantPrivateKey")
            .field("bits", &self.bits())
            .finish_non_exhaustive()
    }
}

/// An RSA public key accepted for RSASSA-PKCS1-v1_5/SHA-256 verification.
#[derive(Clone)]
struct RsaPublicKey {
    key: ParsedPublicKey,
    /// Modulus size in bytes, which is also the exact size of every signature.
    len: usize,
}

impl RsaPublicKey {
    fn from_base64_spki(base64: &str) -> Result<Self, String> {
        let der = decode_key_base64(base64)?;
        // `ParsedPublicKey` cannot report the key size, and `RsaSubjectPublicKey::modulus_len`
        // needs aws-lc-rs's `ring-io` feature; `PublicEncryptingKey` parses SPKI only (no bare
        // PKCS#1) and reports the size, so it doubles as the format check.
        let len = PublicEncryptingKey::from_der(&der)
            .map_err(|e| {
                if RsaKeyPair::from_pkcs8(&der).is_ok() {
                    "it is a private key, but the public key is needed here".to_owned()
                } else {
                    format!("it is not an RSA SubjectPublicKeyInfo ({e})")
                }
            })?
            .key_size_bytes();
        check_bits(len * 8)?;
        let key = ParsedPublicKey::new(&RSA_PKCS1_2048_8192_SHA256, &der[..])
            .map_err(|e| format!("aws-lc-rs refused it for RSA-SHA256 verification ({e})"))?;
        Ok(Self { key, len })
    }

    fn from_pem(pem: &str) -> Result<Self, String> {
        Self::from_base64_spki(pem_body(pem, PemKind::Public)?)
    }

    fn parse(text: &str) -> Result<Self, String> {
        if text.contains(PEM_BEGIN) {
            Self::from_pem(text)
        } else {
            Self::from_base64_spki(text)
        }
    }

    fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        self.key.verify_sig(message, signature).is_ok()
    }
}

/// Defines a public-key wrapper; the two kinds differ only in role and error variant, and
/// separate types keep a merchant key from being passed where the platform key belongs.
macro_rules! public_key_type {
    ($(#[$doc:meta])* $name:ident, $error:ident) => {
        $(#[$doc])*
        #[derive(Clone)]
        pub struct $name(RsaPublicKey);

        impl $name {
            /// Parses Base64 of X.509 `SubjectPublicKeyInfo` DER. Whitespace and line breaks
            /// anywhere in the text are ignored.
            ///
            /// # Errors
            #[doc = concat!("[`KeyError::", stringify!($error), "`] if it is not Base64 or not an RSA SPKI key of at least 2048 bits.")]
            pub fn from_base64_spki(base64: &str) -> Result<Self, KeyError> {
                RsaPublicKey::from_base64_spki(base64)
                    .map(Self)
                    .map_err(|reason| KeyError::$error { reason })
            }

            /// Parses a `-----BEGIN PUBLIC KEY-----` PEM block.
            ///
            /// # Errors
            #[doc = concat!("[`KeyError::", stringify!($error), "`] if there is no such block or its content is not an RSA SPKI key.")]
            pub fn from_pem(pem: &str) -> Result<Self, KeyError> {
                RsaPublicKey::from_pem(pem)
                    .map(Self)
                    .map_err(|reason| KeyError::$error { reason })
            }

            /// Accepts either form: PEM if the text contains `-----BEGIN`, Base64 SPKI
            /// otherwise.
            ///
            /// # Errors
            /// As [`Self::from_pem`] or [`Self::from_base64_spki`].
            pub fn parse(text: &str) -> Result<Self, KeyError> {
                RsaPublicKey::parse(text)
                    .map(Self)
                    .map_err(|reason| KeyError::$error { reason })
            }

            /// Size of the RSA modulus in bits.
            #[must_use]
            pub fn bits(&self) -> usize {
                self.0.len * 8
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("bits", &self.bits())
                    .finish_non_exhaustive()
            }
        }
    };
}

public_key_type!(
    /// The Smilepayz platform public key, which verifies callback (notification) signatures.
    PlatformPublicKey,
    InvalidPlatformPublicKey
);

public_key_type!(
    /// The public half of a merchant key pair, which verifies request signatures
    /// (used by the local gateway emulator).
    MerchantPublicKey,
    InvalidMerchantPublicKey
);

/// A freshly generated RSA-2048 merchant key pair, for tests and the gateway emulator.
pub struct MerchantKeyPair {
    /// Signs requests.
    pub private: MerchantPrivateKey,
    /// Verifies them.
    pub public: MerchantPublicKey,
    pkcs8_base64: SecretString,
    spki_base64: String,
}

impl MerchantKeyPair {
    /// Generates a new RSA-2048 key pair with aws-lc-rs.
    ///
    /// # Errors
    /// [`KeyError::Generation`] if aws-lc-rs fails (not caused by any input).
    pub fn generate() -> Result<Self, KeyError> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
        // Exported once here so the accessors below are infallible. `Pkcs8V1Der` zeroizes
        // its buffer on drop.
        let pkcs8 = pair.as_der().map_err(|_| KeyError::Generation)?;
        let pkcs8_base64 = SecretString::from(STANDARD.encode(pkcs8.as_ref()));
        let spki = pair
            .public_key()
            .as_der()
            .map_err(|_| KeyError::Generation)?;
        let spki_base64 = STANDARD.encode(spki.as_ref());
        let public =
            MerchantPublicKey::from_base64_spki(&spki_base64).map_err(|_| KeyError::Generation)?;
        Ok(Self {
            private: MerchantPrivateKey(Arc::new(pair)),
            public,
            pkcs8_base64,
            spki_base64,
        })
    }

    /// The private key as Base64 PKCS#8 DER, the form Smilepayz issues (and
    /// [`MerchantPrivateKey::parse`] reads back).
    #[must_use]
    pub fn private_pkcs8_base64(&self) -> SecretString {
        self.pkcs8_base64.clone()
    }

    /// The public key as Base64 X.509 `SubjectPublicKeyInfo` DER.
    #[must_use]
    pub fn public_spki_base64(&self) -> String {
        self.spki_base64.clone()
    }
}

impl fmt::Debug for MerchantKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantKeyPair")
            .field("bits", &self.private.bits())
            .finish_non_exhaustive()
    }
}

/// A Smilepayz-style platform key pair: signs callbacks as the platform does. The gateway
/// emulator holds one, and tests use one to sign the callbacks their handlers receive
/// (see [`crate::callback::testing`]). A merchant never has the real platform's private key.
pub struct PlatformKeyPair {
    private: Arc<RsaKeyPair>,
    /// Verifies the callbacks this pair signs: give it to the code under test.
    pub public: PlatformPublicKey,
    spki_base64: String,
}

impl PlatformKeyPair {
    /// Generates a new RSA-2048 key pair with aws-lc-rs.
    ///
    /// # Errors
    /// [`KeyError::Generation`] if aws-lc-rs fails (not caused by any input).
    pub fn generate() -> Result<Self, KeyError> {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).map_err(|_| KeyError::Generation)?;
        Self::from_pair(Arc::new(pair), || KeyError::Generation)
    }

    /// The pair, with its public half exported once (so the accessors are infallible).
    fn from_pair(
        private: Arc<RsaKeyPair>,
        failed: impl Fn() -> KeyError,
    ) -> Result<Self, KeyError> {
        let spki = private.public_key().as_der().map_err(|_| failed())?;
        let spki_base64 = STANDARD.encode(spki.as_ref());
        let public = PlatformPublicKey::from_base64_spki(&spki_base64).map_err(|_| failed())?;
        Ok(Self {
            private,
            public,
            spki_base64,
        })
    }

    /// A platform key pair from its private key, Base64 PKCS#8 or PEM: for tests that sign
    /// callbacks with a key their handler already trusts (`smilepayz send-callback`).
    ///
    /// # Errors
    /// [`KeyError::InvalidPrivateKey`] when the text is not an RSA private key of 2048 bits
    /// or more.
    pub fn parse(text: &str) -> Result<Self, KeyError> {
        let key = MerchantPrivateKey::parse(text)?;
        Self::from_pair(key.0, || KeyError::InvalidPrivateKey {
            reason: "its public half cannot be used as an RSA public key".to_owned(),
        })
    }

    /// The public key as Base64 X.509 `SubjectPublicKeyInfo` DER, the form Smilepayz
    /// publishes its platform key in.
    #[must_use]
    pub fn public_spki_base64(&self) -> String {
        self.spki_base64.clone()
    }

    /// The callback `X-SIGNATURE`: Base64 SHA256withRSA over `trade_no + "|" + timestamp`.
    ///
    /// # Errors
    /// [`SignError::Backend`] if the crypto library fails (not caused by the inputs).
    pub fn sign_callback(&self, trade_no: &str, timestamp: &str) -> Result<String, SignError> {
        let message = StringToSign::callback(trade_no, timestamp);
        let mut signature = vec![0; self.private.public_modulus_len()];
        self.private
            .sign(
                &RSA_PKCS1_SHA256,
                &SystemRandom::new(),
                message.as_bytes(),
                &mut signature,
            )
            .map_err(|_| SignError::Backend {
                scheme: SignatureScheme::Sha256WithRsa,
            })?;
        Ok(STANDARD.encode(signature))
    }
}

impl Clone for PlatformKeyPair {
    fn clone(&self) -> Self {
        Self {
            private: Arc::clone(&self.private),
            public: self.public.clone(),
            spki_base64: self.spki_base64.clone(),
        }
    }
}

impl fmt::Debug for PlatformKeyPair {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PlatformKeyPair")
            .field("bits", &self.public.bits())
            .finish_non_exhaustive()
    }
}

// ---------------------------------------------------------------------------------------------
// Key text decoding
// ---------------------------------------------------------------------------------------------

const PEM_BEGIN: &str = "-----BEGIN ";

/// Decodes key Base64, ignoring all ASCII whitespace (keys arrive wrapped, indented or with a
/// trailing newline). Errors describe the problem without quoting any of the text.
fn decode_key_base64(text: &str) -> Result<Zeroizing<Vec<u8>>, String> {
    let compact: Zeroizing<Vec<u8>> =
        Zeroizing::new(text.bytes().filter(|b| !b.is_ascii_whitespace()).collect());
    if compact.is_empty() {
        return Err("the text is empty".to_owned());
    }
    // Pre-sized so decoding never reallocates and leaves an unzeroized copy behind.
    let mut der = Zeroizing::new(Vec::with_capacity(base64::decoded_len_estimate(
        compact.len(),
    )));
    STANDARD
        .decode_vec(&compact[..], &mut der)
        .map_err(|e| match e {
            // The offending byte is deliberately not reported.
            base64::DecodeError::InvalidByte(at, _) => format!(
                "character {} (not counting whitespace) is not standard Base64",
                at + 1
            ),
            base64::DecodeError::InvalidLength(_) => {
                "the Base64 text has an impossible length; it looks truncated".to_owned()
            }
            base64::DecodeError::InvalidLastSymbol { .. } => {
                "the last Base64 character is impossible; the text looks truncated or altered"
                    .to_owned()
            }
            base64::DecodeError::InvalidPadding => {
                "the Base64 text ends with wrong '=' padding; it looks truncated or altered"
                    .to_owned()
            }
        })?;
    Ok(der)
}

fn check_bits(bits: usize) -> Result<(), String> {
    if bits < MIN_RSA_BITS {
        return Err(format!(
            "it is a {bits}-bit RSA key, and keys under {MIN_RSA_BITS} bits are refused"
        ));
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum PemKind {
    Private,
    Public,
}

/// Returns the Base64 between the `BEGIN`/`END` lines of the PEM block this kind of key needs.
/// Other well-known labels get a conversion hint; the label itself is never echoed, since a
/// malformed header could run on into key material.
fn pem_body(pem: &str, kind: PemKind) -> Result<&str, String> {
    let want = match kind {
        PemKind::Private => "PRIVATE KEY",
        PemKind::Public => "PUBLIC KEY",
    };
    let after_begin = pem
        .find(PEM_BEGIN)
        .map(|at| &pem[at + PEM_BEGIN.len()..])
        .ok_or_else(|| "there is no -----BEGIN line".to_owned())?;
    let (label, rest) = after_begin
        .split_once("-----")
        .ok_or_else(|| "the -----BEGIN line is not closed by -----".to_owned())?;
    if label != want {
        let hint = match (kind, label) {
            (PemKind::Private, "RSA PRIVATE KEY") => {
                "it is a PKCS#1 \"RSA PRIVATE KEY\"; convert it to PKCS#8 with \
                 `openssl pkey -in key.pem -out pkcs8.pem`"
            }
            (PemKind::Private, "ENCRYPTED PRIVATE KEY") => {
                "it is an encrypted key; decrypt it to plain PKCS#8 with \
                 `openssl pkey -in key.pem -out pkcs8.pem`"
            }
            (PemKind::Private, "PUBLIC KEY" | "RSA PUBLIC KEY") => {
                "it is a public key, but the private key is needed here"
            }
            (PemKind::Public, "PRIVATE KEY" | "RSA PRIVATE KEY" | "ENCRYPTED PRIVATE KEY") => {
                "it is a private key, but the public key is needed here"
            }
            (PemKind::Public, "RSA PUBLIC KEY") => {
                "it is a PKCS#1 \"RSA PUBLIC KEY\"; convert it with \
                 `openssl rsa -RSAPublicKey_in -in key.pem -pubout`"
            }
            (PemKind::Public, "CERTIFICATE") => {
                "it is a certificate; extract its key with \
                 `openssl x509 -in cert.pem -pubkey -noout`"
            }
            _ => "the PEM block has an unexpected label",
        };
        return Err(format!("expected a \"{want}\" PEM block, but {hint}"));
    }
    let end = format!("-----END {want}-----");
    rest.find(&end)
        .map(|at| &rest[..at])
        .ok_or_else(|| format!("the PEM block has no {end} line"))
}

// ---------------------------------------------------------------------------------------------
// String to sign
// ---------------------------------------------------------------------------------------------

/// The exact bytes a signature covers.
///
/// Kept as bytes, not `String`: the body is signed byte for byte as it is sent, and need not
/// be UTF-8. The merchant secret's bytes in it are zeroized on drop (the timestamp and body
/// around them are not secret: they are sent as they are); `Debug` replaces the secret with
/// `[redacted]`.
pub struct StringToSign {
    /// Allocated at its final size, so no copy of the secret is left behind by a reallocation.
    bytes: Vec<u8>,
    /// Where the merchant secret sits in `bytes`, for redaction and zeroizing.
    secret: Option<Range<usize>>,
}

impl Drop for StringToSign {
    fn drop(&mut self) {
        if let Some(secret) = self.secret.clone()
            && let Some(bytes) = self.bytes.get_mut(secret)
        {
            bytes.zeroize();
        }
    }
}

impl StringToSign {
    /// `timestamp + "|" + secret + "|" + body`, as bytes. Pass the same timestamp string that
    /// goes into `X-TIMESTAMP` and the same body bytes that are sent.
    #[must_use]
    pub fn request(timestamp: &str, secret: &MerchantSecret, body: &[u8]) -> Self {
        let secret = secret.bytes();
        let mut bytes = Vec::with_capacity(timestamp.len() + secret.len() + body.len() + 2);
        bytes.extend_from_slice(timestamp.as_bytes());
        bytes.push(b'|');
        let start = bytes.len();
        bytes.extend_from_slice(secret);
        let range = start..bytes.len();
        bytes.push(b'|');
        bytes.extend_from_slice(body);
        Self {
            bytes,
            secret: Some(range),
        }
    }

    /// `trade_no + "|" + timestamp`: `tradeNo` from the callback body, `X-TIMESTAMP` from its
    /// header.
    #[must_use]
    pub fn callback(trade_no: &str, timestamp: &str) -> Self {
        Self {
            bytes: format!("{trade_no}|{timestamp}").into_bytes(),
            secret: None,
        }
    }

    /// The bytes to sign. For a request these include the merchant secret: do not log them.
    #[must_use]
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for StringToSign {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = |b: &[u8]| String::from_utf8_lossy(b).escape_debug().to_string();
        f.write_str("StringToSign(\"")?;
        match &self.secret {
            Some(secret) => write!(
                f,
                "{}[redacted]{}",
                text(self.bytes.get(..secret.start).unwrap_or_default()),
                text(self.bytes.get(secret.end..).unwrap_or_default()),
            )?,
            None => f.write_str(&text(&self.bytes))?,
        }
        f.write_str("\")")
    }
}

// ---------------------------------------------------------------------------------------------
// Signing and verifying
// ---------------------------------------------------------------------------------------------

/// Computes `X-SIGNATURE` for outgoing requests. Cheap to clone; `Debug` is redacted.
#[derive(Clone)]
pub struct Signer {
    secret: MerchantSecret,
    key: SigningKey,
}

/// The key each scheme needs, so signing never has to handle "RSA without a key".
#[derive(Clone)]
enum SigningKey {
    Rsa(MerchantPrivateKey),
    Hmac,
}

impl Signer {
    /// A signer for `scheme`. `sha256-with-rsa` needs the private key; `hmac-sha512` ignores it.
    ///
    /// # Errors
    /// [`KeyError::MissingPrivateKey`] for `sha256-with-rsa` without a key.
    pub fn new(
        scheme: SignatureScheme,
        secret: MerchantSecret,
        private_key: Option<MerchantPrivateKey>,
    ) -> Result<Self, KeyError> {
        let key = match scheme {
            SignatureScheme::Sha256WithRsa => {
                SigningKey::Rsa(private_key.ok_or(KeyError::MissingPrivateKey)?)
            }
            SignatureScheme::HmacSha512 => hmac_built(scheme).map(|()| SigningKey::Hmac)?,
        };
        Ok(Self { secret, key })
    }

    /// The scheme this signer uses.
    #[must_use]
    pub fn scheme(&self) -> SignatureScheme {
        match self.key {
            SigningKey::Rsa(_) => SignatureScheme::Sha256WithRsa,
            SigningKey::Hmac => SignatureScheme::HmacSha512,
        }
    }

    /// The Base64 `X-SIGNATURE` for a request with this `X-TIMESTAMP` and body. Both must be
    /// byte-identical to what is sent. RSA PKCS#1 v1.5 is deterministic, so equal inputs give
    /// equal signatures.
    ///
    /// # Errors
    /// [`SignError::Backend`] if the crypto library fails (not caused by the inputs).
    pub fn sign(&self, timestamp: &str, body: &[u8]) -> Result<String, SignError> {
        let message = StringToSign::request(timestamp, &self.secret, body);
        let backend = SignError::Backend {
            scheme: self.scheme(),
        };
        match &self.key {
            SigningKey::Rsa(key) => {
                let mut signature = vec![0; key.0.public_modulus_len()];
                // aws-lc-rs ignores the RNG (PKCS#1 v1.5 needs none) but the ring-style
                // signature still asks for one.
                key.0
                    .sign(
                        &RSA_PKCS1_SHA256,
                        &SystemRandom::new(),
                        message.as_bytes(),
                        &mut signature,
                    )
                    .map_err(|_| backend)?;
                Ok(STANDARD.encode(signature))
            }
            SigningKey::Hmac => hmac_sha512_tag(&self.secret, &message)
                .map(|tag| STANDARD.encode(tag))
                .ok_or(backend),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("Signer");
        s.field("scheme", &self.scheme());
        if let SigningKey::Rsa(key) = &self.key {
            s.field("key", key);
        }
        s.finish_non_exhaustive()
    }
}

/// `Ok` when this build can sign and verify with the HMAC scheme.
#[cfg(feature = "hmac-sha512")]
#[allow(clippy::unnecessary_wraps)] // the same signature as without the feature
fn hmac_built(_scheme: SignatureScheme) -> Result<(), KeyError> {
    Ok(())
}

/// `Ok` when this build can sign and verify with the HMAC scheme.
#[cfg(not(feature = "hmac-sha512"))]
fn hmac_built(scheme: SignatureScheme) -> Result<(), KeyError> {
    Err(KeyError::SchemeNotBuilt { scheme })
}

/// HMAC-SHA512 keyed with the secret, already fed `message`.
#[cfg(feature = "hmac-sha512")]
fn hmac_sha512(secret: &MerchantSecret, message: &StringToSign) -> Option<HmacSha512> {
    // HMAC takes keys of any length, so this cannot fail; the Result is the trait's.
    HmacSha512::new_from_slice(secret.bytes())
        .ok()
        .map(|mac| mac.chain_update(message.as_bytes()))
}

/// The HMAC-SHA512 tag of `message` under the secret.
#[cfg(feature = "hmac-sha512")]
fn hmac_sha512_tag(secret: &MerchantSecret, message: &StringToSign) -> Option<Vec<u8>> {
    hmac_sha512(secret, message).map(|mac| mac.finalize().as_bytes().to_vec())
}

/// Never called: no HMAC signer or verifier can be made without the feature.
#[cfg(not(feature = "hmac-sha512"))]
fn hmac_sha512_tag(_secret: &MerchantSecret, _message: &StringToSign) -> Option<Vec<u8>> {
    None
}

/// Whether `signature` is the HMAC-SHA512 tag of `message`, compared in constant time.
#[cfg(feature = "hmac-sha512")]
fn hmac_sha512_matches(secret: &MerchantSecret, message: &StringToSign, signature: &[u8]) -> bool {
    hmac_sha512(secret, message).is_some_and(|mac| mac.verify_slice(signature).is_ok())
}

/// Never called: no HMAC verifier can be made without the feature.
#[cfg(not(feature = "hmac-sha512"))]
fn hmac_sha512_matches(_secret: &MerchantSecret, _message: &StringToSign, _sig: &[u8]) -> bool {
    false
}

/// Checks a callback's `X-SIGNATURE` (Base64) over `trade_no + "|" + timestamp` with the
/// platform public key. `trade_no` comes from the JSON body, `timestamp` from `X-TIMESTAMP`.
///
/// The signature covers neither status nor amount: confirm with `inquiry-status` before acting.
#[must_use]
pub fn verify_callback(
    key: &PlatformPublicKey,
    trade_no: &str,
    timestamp: &str,
    signature_b64: &str,
) -> bool {
    STANDARD.decode(signature_b64).is_ok_and(|signature| {
        key.0.verify(
            StringToSign::callback(trade_no, timestamp).as_bytes(),
            &signature,
        )
    })
}

/// Checks request `X-SIGNATURE`s the way the gateway does (for the local gateway emulator).
#[derive(Clone)]
pub struct RequestVerifier {
    secret: MerchantSecret,
    key: VerifyingKey,
}

#[derive(Clone)]
enum VerifyingKey {
    Rsa(MerchantPublicKey),
    Hmac,
}

impl RequestVerifier {
    /// A verifier for `scheme`. `sha256-with-rsa` needs the merchant public key; `hmac-sha512`
    /// ignores it.
    ///
    /// # Errors
    /// [`KeyError::MissingPublicKey`] for `sha256-with-rsa` without a key.
    pub fn new(
        scheme: SignatureScheme,
        secret: MerchantSecret,
        public_key: Option<MerchantPublicKey>,
    ) -> Result<Self, KeyError> {
        let key = match scheme {
            SignatureScheme::Sha256WithRsa => {
                VerifyingKey::Rsa(public_key.ok_or(KeyError::MissingPublicKey)?)
            }
            SignatureScheme::HmacSha512 => hmac_built(scheme).map(|()| VerifyingKey::Hmac)?,
        };
        Ok(Self { secret, key })
    }

    /// The scheme this verifier checks.
    #[must_use]
    pub fn scheme(&self) -> SignatureScheme {
        match self.key {
            VerifyingKey::Rsa(_) => SignatureScheme::Sha256WithRsa,
            VerifyingKey::Hmac => SignatureScheme::HmacSha512,
        }
    }

    /// Checks `signature_b64` over `timestamp + "|" + secret + "|" + body`.
    ///
    /// # Errors
    /// [`VerifyError::MalformedBase64`], [`VerifyError::WrongLength`] (length is public, so
    /// reporting it early leaks nothing) or [`VerifyError::Mismatch`]. HMAC tags are compared
    /// in constant time.
    pub fn verify(
        &self,
        timestamp: &str,
        body: &[u8],
        signature_b64: &str,
    ) -> Result<(), VerifyError> {
        let signature = STANDARD
            .decode(signature_b64)
            .map_err(|_| VerifyError::MalformedBase64)?;
        let expected = match &self.key {
            VerifyingKey::Rsa(key) => key.0.len,
            VerifyingKey::Hmac => HMAC_SHA512_LEN,
        };
        if signature.len() != expected {
            return Err(VerifyError::WrongLength {
                expected,
                actual: signature.len(),
            });
        }
        let message = StringToSign::request(timestamp, &self.secret, body);
        let valid = match &self.key {
            VerifyingKey::Rsa(key) => key.0.verify(message.as_bytes(), &signature),
            VerifyingKey::Hmac => hmac_sha512_matches(&self.secret, &message, &signature),
        };
        if valid {
            Ok(())
        } else {
            Err(VerifyError::Mismatch)
        }
    }
}

impl fmt::Debug for RequestVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("RequestVerifier");
        s.field("scheme", &self.scheme());
        if let VerifyingKey::Rsa(key) = &self.key {
            s.field("key", key);
        }
        s.finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_names_round_trip() {
        for scheme in [SignatureScheme::Sha256WithRsa, SignatureScheme::HmacSha512] {
            assert_eq!(scheme.to_string().parse::<SignatureScheme>(), Ok(scheme));
        }
        assert_eq!(
            " HMAC-SHA512\n".parse::<SignatureScheme>(),
            Ok(SignatureScheme::HmacSha512)
        );
        let err = "SHA256withRSA".parse::<SignatureScheme>().unwrap_err();
        assert!(err.to_string().contains("sha256-with-rsa"), "{err}");
    }

    #[test]
    fn empty_secret_is_refused() {
        assert_eq!(MerchantSecret::new("").unwrap_err(), KeyError::EmptySecret);
        assert_eq!(
            format!("{:?}", MerchantSecret::new("s3cr3t").unwrap()),
            "MerchantSecret([redacted])"
        );
    }

    #[test]
    fn request_string_keeps_body_bytes_and_redacts_secret() {
        let secret = MerchantSecret::new("TOPSECRET").unwrap();
        let body = b"{\"a\":\"\xff\"}"; // not UTF-8: must be signed as given
        let s = StringToSign::request("2020-12-18T15:06:00+07:00", &secret, body);
        let mut expected = b"2020-12-18T15:06:00+07:00|TOPSECRET|".to_vec();
        expected.extend_from_slice(body);
        assert_eq!(s.as_bytes(), expected);
        let debug = format!("{s:?}");
        assert!(!debug.contains("TOPSECRET"), "{debug}");
        assert!(
            debug.starts_with("StringToSign(\"2020-12-18T15:06:00+07:00|[redacted]|{"),
            "{debug}"
        );
        let cb = StringToSign::callback("T1", "2024-01-29T16:37:52+07:00");
        assert_eq!(cb.as_bytes(), b"T1|2024-01-29T16:37:52+07:00");
    }

    #[test]
    fn hmac_signer_needs_no_key_but_rsa_does() {
        let secret = MerchantSecret::new("k").unwrap();
        assert_eq!(
            Signer::new(SignatureScheme::Sha256WithRsa, secret.clone(), None).unwrap_err(),
            KeyError::MissingPrivateKey
        );
        assert_eq!(
            RequestVerifier::new(SignatureScheme::Sha256WithRsa, secret.clone(), None).unwrap_err(),
            KeyError::MissingPublicKey
        );
        #[cfg(feature = "hmac-sha512")]
        {
            let signer = Signer::new(SignatureScheme::HmacSha512, secret.clone(), None).unwrap();
            let sig = signer.sign("t", b"b").unwrap();
            let verifier = RequestVerifier::new(SignatureScheme::HmacSha512, secret, None).unwrap();
            assert_eq!(verifier.verify("t", b"b", &sig), Ok(()));
            assert_eq!(verifier.verify("t", b"c", &sig), Err(VerifyError::Mismatch));
        }
        #[cfg(not(feature = "hmac-sha512"))]
        {
            let not_built = KeyError::SchemeNotBuilt {
                scheme: SignatureScheme::HmacSha512,
            };
            assert_eq!(
                Signer::new(SignatureScheme::HmacSha512, secret.clone(), None).unwrap_err(),
                not_built
            );
            assert_eq!(
                RequestVerifier::new(SignatureScheme::HmacSha512, secret, None).unwrap_err(),
                not_built
            );
            let message = not_built.to_string();
            assert!(
                message.contains("--features hmac-sha512") && message.contains("sha256-with-rsa"),
                "{message}"
            );
        }
    }

    #[test]
    fn pem_labels_get_conversion_hints() {
        let pkcs1 = "-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        let err = MerchantPrivateKey::parse(pkcs1).unwrap_err().to_string();
        assert!(err.contains("openssl pkey"), "{err}");
        let cert = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
        let err = PlatformPublicKey::parse(cert).unwrap_err().to_string();
        assert!(err.contains("openssl x509"), "{err}");
        let unterminated = "-----BEGIN PRIVATE KEYMIIEvQIBADAN";
        let err = MerchantPrivateKey::parse(unterminated)
            .unwrap_err()
            .to_string();
        assert!(!err.contains("MIIEvQ"), "{err}");
        let no_end = "-----BEGIN PUBLIC KEY-----\nAAAA\n";
        let err = MerchantPublicKey::parse(no_end).unwrap_err().to_string();
        assert!(err.contains("-----END PUBLIC KEY-----"), "{err}");
    }

    #[test]
    fn base64_errors_do_not_quote_input() {
        let err = MerchantPrivateKey::parse("MIIE*vQ")
            .unwrap_err()
            .to_string();
        assert!(err.contains("character 5"), "{err}");
        assert!(!err.contains("MIIE"), "{err}");
        let err = MerchantPrivateKey::parse("  \n").unwrap_err().to_string();
        assert!(err.contains("empty"), "{err}");
    }
}
