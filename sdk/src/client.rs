//! The signed HTTP client.
//!
//! One request is: serialize the body once, take an X-TIMESTAMP in the region's offset, sign
//! `timestamp|secret|body`, send those exact bytes, read at most `max_response_bytes` of the
//! answer and parse it into the region's response type. A response whose code is not the
//! success code is an [`ErrorKind::Gateway`] that keeps the code and message.
//!
//! Read-only endpoints (balance inquiry) are retried on connection failures, timeouts, bodies
//! cut short and 5xx answers, with bounded, jittered exponential backoff inside a total time
//! budget; each attempt is signed afresh with a new timestamp. Nothing else is retried.

use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::time::{Duration, Instant};

use tracing::Instrument;

use crate::signing::{KeyError, MerchantPrivateKey, MerchantSecret, SignatureScheme, Signer};
use crate::timestamp::Timestamp;

mod error;
mod reconcile;
use crate::{ApiRequest, EndpointInfo, GatewayResponse, RegionSpec};
use error::retryable_status;
pub use error::{Error, ErrorKind, Sent};
pub use reconcile::{LOOKUP_BUDGET, Reconcilable, Reconciled};

/// Where the client sends requests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Environment {
    /// `https://sandbox-gateway.smilepayz.com` (partner ids start with `sandbox-`).
    Sandbox,
    /// `https://gateway.smilepayz.com`.
    Production,
    /// Any base URL, such as a local emulator's `http://127.0.0.1:PORT`.
    BaseUrl(String),
}

impl Environment {
    /// The base URL, without a trailing slash.
    pub fn base_url(&self) -> &str {
        match self {
            Environment::Sandbox => crate::gateway::SANDBOX_BASE_URL,
            Environment::Production => crate::gateway::PRODUCTION_BASE_URL,
            Environment::BaseUrl(url) => url.trim_end_matches('/'),
        }
    }
}

/// When and how often a read-only request is tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included (1 means no retry).
    pub max_attempts: u32,
    /// The backoff before the first retry; it doubles each time, up to `max_backoff`.
    pub initial_backoff: Duration,
    /// The longest backoff.
    pub max_backoff: Duration,
    /// No retry starts once this much time has passed since the first attempt.
    pub total_budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(2),
            total_budget: Duration::from_secs(20),
        }
    }
}

impl RetryPolicy {
    /// No retries: every request is tried once.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            ..RetryPolicy::default()
        }
    }

    /// The wait before retry number `retry` (1-based): "full jitter", a uniform random
    /// duration up to the capped exponential backoff, so that many clients do not retry in
    /// step.
    fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let cap = self
            .initial_backoff
            .saturating_mul(1 << exponent)
            .min(self.max_backoff);
        let random = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        cap.mul_f64((random >> 11) as f64 / (1u64 << 53) as f64)
    }
}

/// A setting the client cannot be built with. Says which and how to fix it; never includes
/// a secret or key.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// A required setting was not given.
    #[error("the client needs {0}")]
    Missing(&'static str),
    /// The merchant secret or a key is unusable.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The base URL is not http(s).
    #[error("base URL {0:?} is not an http:// or https:// URL")]
    BaseUrl(String),
    /// The HTTP client could not be set up.
    #[error("cannot set up the HTTP client: {0}")]
    Http(String),
    /// The base URL holds a user name or password.
    #[error(
        "base URL {0} holds a user name or password; the gateway authenticates requests by their signature, so remove them (a proxy's credentials go in ClientBuilder::proxy)"
    )]
    BaseUrlCredentials(String),
    /// The proxy URL cannot be used.
    #[error("the proxy URL {url} cannot be used: {reason}")]
    Proxy {
        /// The URL, with any password replaced by `***`.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two settings that cannot go together.
    #[error("{0}")]
    Conflict(&'static str),
    /// The partner id cannot be sent in the X-PARTNER-ID header.
    #[error(
        "the partner id {partner_id:?} cannot be sent as X-PARTNER-ID: {reason}; use the merchant id the platform gave you"
    )]
    PartnerId {
        /// The partner id, as given (it is not a secret).
        partner_id: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// An environment variable of [`ClientBuilder::from_env`] is missing or unusable.
    #[error("{variable}: {reason}")]
    Env {
        /// The variable, e.g. `SMILEPAYZ_PARTNER_ID`.
        variable: &'static str,
        /// What is wrong, and how to fix it. Never the variable's value for a secret.
        reason: String,
    },
}

/// What an error says to do after a request of an endpoint that is not read-only may have
/// been sent.
const NOT_READ_ONLY_HINT: &str = "; it is not read-only, so it was not retried: ask inquiry-status by the same orderNo before sending it again";

/// Builds a [`Client`].
pub struct ClientBuilder {
    environment: Option<Environment>,
    partner_id: Option<String>,
    secret: Option<MerchantSecret>,
    private_key: Option<MerchantPrivateKey>,
    scheme: SignatureScheme,
    connect_timeout: Duration,
    timeout: Duration,
    read_timeout: Option<Duration>,
    retry: RetryPolicy,
    max_response_bytes: usize,
    deadline: Duration,
    proxy: Option<String>,
    http_client: Option<reqwest::Client>,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field(
                "environment",
                &self.environment.as_ref().map(|e| redact_url(e.base_url())),
            )
            .field("partner_id", &self.partner_id)
            .field("secret", &self.secret.as_ref().map(|_| "[redacted]"))
            .field(
                "private_key",
                &self.private_key.as_ref().map(|_| "[redacted]"),
            )
            .field("scheme", &self.scheme)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("proxy", &self.proxy.as_deref().map(redact_url))
            .field("http_client", &self.http_client.is_some())
            .finish_non_exhaustive()
    }
}

/// A URL as it may be shown: any password replaced by `***` (a proxy URL may carry one).
fn redact_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        Ok(parsed) => parsed.to_string(),
        // Not a URL: nothing in it can be told apart from a password, so none of it is shown.
        Err(_) => "(not a URL)".to_owned(),
    }
}

/// The environment variables [`ClientBuilder::from_env`] reads, as the `smilepayz` command does.
pub mod env {
    /// The merchant id (X-PARTNER-ID).
    pub const PARTNER_ID: &str = "SMILEPAYZ_PARTNER_ID";
    /// The merchant secret.
    pub const MERCHANT_SECRET: &str = "SMILEPAYZ_MERCHANT_SECRET";
    /// The merchant private key: Base64 PKCS#8, or PEM.
    pub const PRIVATE_KEY: &str = "SMILEPAYZ_PRIVATE_KEY";
    /// A file holding the private key, when `SMILEPAYZ_PRIVATE_KEY` is not set.
    pub const PRIVATE_KEY_FILE: &str = "SMILEPAYZ_PRIVATE_KEY_FILE";
    /// `sandbox` or `production`.
    pub const ENVIRONMENT: &str = "SMILEPAYZ_ENVIRONMENT";
    /// A base URL instead of an environment (for example a local emulator's).
    pub const BASE_URL: &str = "SMILEPAYZ_BASE_URL";
}

/// A variable's value: `None` when unset or blank.
fn env_value(variable: &'static str) -> Result<Option<String>, ConfigError> {
    match std::env::var(variable) {
        Ok(value) if !value.trim().is_empty() => Ok(Some(value.trim().to_owned())),
        Ok(_) | Err(std::env::VarError::NotPresent) => Ok(None),
        Err(std::env::VarError::NotUnicode(_)) => Err(ConfigError::Env {
            variable,
            reason: "it is not valid UTF-8".to_owned(),
        }),
    }
}

impl ClientBuilder {
    /// A builder set from the environment variables the `smilepayz` command reads (see
    /// [`env`](mod@env)): `SMILEPAYZ_PARTNER_ID`, `SMILEPAYZ_MERCHANT_SECRET`, `SMILEPAYZ_PRIVATE_KEY`
    /// (or `SMILEPAYZ_PRIVATE_KEY_FILE`), and `SMILEPAYZ_ENVIRONMENT` (`sandbox` or
    /// `production`) or `SMILEPAYZ_BASE_URL`. Unset variables are left for the builder's
    /// setters (and `build()` names what is still missing); a set one that is unusable is an
    /// error naming it, never showing a secret.
    ///
    /// # Errors
    /// [`ConfigError::Env`] for a variable that is not UTF-8, names no environment, or whose
    /// key file cannot be read; [`ConfigError::Key`] for a secret or key that does not parse.
    pub fn from_env() -> Result<Self, ConfigError> {
        let mut builder = Client::builder();
        match (env_value(env::ENVIRONMENT)?, env_value(env::BASE_URL)?) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Env {
                    variable: env::ENVIRONMENT,
                    reason: format!("set it or {}, not both", env::BASE_URL),
                });
            }
            (Some(name), None) => {
                builder = builder.environment(match name.to_ascii_lowercase().as_str() {
                    "sandbox" => Environment::Sandbox,
                    "production" => Environment::Production,
                    _ => {
                        return Err(ConfigError::Env {
                            variable: env::ENVIRONMENT,
                            reason: format!(
                                "{name:?} is not an environment; use sandbox or production (or set {} instead)",
                                env::BASE_URL
                            ),
                        });
                    }
                });
            }
            (None, Some(url)) => builder = builder.base_url(url),
            (None, None) => {}
        }
        if let Some(partner_id) = env_value(env::PARTNER_ID)? {
            builder = builder.partner_id(partner_id);
        }
        if let Some(secret) = env_value(env::MERCHANT_SECRET)? {
            builder = builder.merchant_secret(MerchantSecret::new(secret)?);
        }
        let key_text = match env_value(env::PRIVATE_KEY)? {
            Some(text) => Some(text),
            None => match env_value(env::PRIVATE_KEY_FILE)? {
                Some(path) => {
                    Some(
                        std::fs::read_to_string(&path).map_err(|e| ConfigError::Env {
                            variable: env::PRIVATE_KEY_FILE,
                            reason: format!("cannot read {path}: {e}"),
                        })?,
                    )
                }
                None => None,
            },
        };
        if let Some(text) = key_text {
            builder = builder.private_key(MerchantPrivateKey::parse(&text)?);
        }
        Ok(builder)
    }

    /// How long one call may take in all, every attempt and wait included (30 s by default):
    /// each attempt's timeout is at most what is left of it, and no retry starts that could
    /// not finish in time.
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    /// Where to send requests: sandbox, production or any base URL.
    pub fn environment(mut self, environment: Environment) -> Self {
        self.environment = Some(environment);
        self
    }

    /// A base URL, such as a local emulator's; the same as `environment(Environment::BaseUrl(..))`.
    pub fn base_url(self, url: impl Into<String>) -> Self {
        self.environment(Environment::BaseUrl(url.into()))
    }

    /// The merchant id, sent as X-PARTNER-ID.
    pub fn partner_id(mut self, partner_id: impl Into<String>) -> Self {
        self.partner_id = Some(partner_id.into());
        self
    }

    /// The merchant secret, part of every signed string.
    pub fn merchant_secret(mut self, secret: MerchantSecret) -> Self {
        self.secret = Some(secret);
        self
    }

    /// The merchant's RSA private key (needed for `sha256-with-rsa`, the gateway's scheme).
    pub fn private_key(mut self, key: MerchantPrivateKey) -> Self {
        self.private_key = Some(key);
        self
    }

    /// The signature scheme; by default the one the spec says the gateway checks.
    pub fn signature_scheme(mut self, scheme: SignatureScheme) -> Self {
        self.scheme = scheme;
        self
    }

    /// How long to wait for a connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one attempt may take in all, from sending to the end of the body (default 30 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How long a read may wait for the next bytes (off by default: each attempt's timeout
    /// and the call's deadline already bound a stalled answer, without a timer per read).
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// When read-only requests are retried.
    pub fn retry(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    /// The largest response body accepted (default 1 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends every request through this proxy: `http://host:port`, with `user:password@`
    /// when it needs them. The gateway accepts calls only from the merchant's allow-listed
    /// addresses, so production traffic often leaves through a fixed-address proxy; HTTPS
    /// goes through it as a tunnel (CONNECT), so the proxy sees the host, not the request.
    /// Setting a proxy turns off the `HTTPS_PROXY`/`HTTP_PROXY` variables, which the client
    /// otherwise follows. A bad URL is an error at [`build`](Self::build); its password is
    /// never shown.
    pub fn proxy(mut self, url: impl Into<String>) -> Self {
        self.proxy = Some(url.into());
        self
    }

    /// Sends requests with this `reqwest::Client` instead of one the SDK builds: for a proxy
    /// with its own settings, a local address to bind, extra root certificates, a connection
    /// pool shared with the rest of the service, or a client set up for tests.
    ///
    /// The SDK still signs every request, sets each attempt's timeout within the call's
    /// deadline, retries read-only calls and limits the answer's size. The client's own
    /// settings replace the SDK's connection settings, which then do nothing:
    /// [`connect_timeout`](Self::connect_timeout), [`read_timeout`](Self::read_timeout) and
    /// [`proxy`](Self::proxy) (setting both is an error at `build`).
    ///
    /// **Build it with `.redirect(reqwest::redirect::Policy::none())`.** The gateway never
    /// redirects, and a client that follows a redirect sends the signed request to another
    /// place. The SDK cannot read a client's redirect policy, so it checks every answer: one
    /// that came from another URL than the one asked is refused
    /// ([`ErrorKind::Redirected`]), never read as the gateway's. Give it no retry policy of
    /// its own either: the SDK never retries a pay-in or pay-out, and a client that did could
    /// send one twice.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Builds the client; a missing or malformed setting is an error now, not at the first
    /// request.
    pub fn build(self) -> Result<Client, ConfigError> {
        let environment = self.environment.ok_or(ConfigError::Missing(
            "an environment: sandbox, production or a base URL (set SMILEPAYZ_ENVIRONMENT or SMILEPAYZ_BASE_URL, or call ClientBuilder::environment)",
        ))?;
        let base_url = environment.base_url().trim_end_matches('/').to_owned();
        // Checked now, so a bad URL is a configuration error here, never a retryable
        // network error at the first request.
        let parsed = reqwest::Url::parse(&base_url)
            .map_err(|_| ConfigError::BaseUrl(redact_url(&base_url)))?;
        // First, so that no other error shows them: credentials would reach error messages
        // and spans, and the gateway authenticates requests by their signature.
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(ConfigError::BaseUrlCredentials(redact_url(&base_url)));
        }
        if !matches!(parsed.scheme(), "https" | "http")
            || parsed.host_str().is_none_or(str::is_empty)
            || parsed.query().is_some()
            || parsed.fragment().is_some()
        {
            return Err(ConfigError::BaseUrl(base_url));
        }
        let partner_id = self.partner_id.filter(|p| !p.trim().is_empty()).ok_or(
            ConfigError::Missing(
                "a partner id, your merchant id as sent in X-PARTNER-ID (set SMILEPAYZ_PARTNER_ID, or call ClientBuilder::partner_id)",
            ),
        )?;
        // Made once here, as the X-PARTNER-ID value of every request.
        let partner_header = match http::HeaderValue::from_str(&partner_id) {
            Ok(value) if partner_id.bytes().all(|b| b.is_ascii_graphic()) => value,
            _ => {
                return Err(ConfigError::PartnerId {
                    partner_id,
                    reason: "it holds a space, a control character (such as a newline) or a non-ASCII character, which a header cannot carry",
                });
            }
        };
        let secret = self.secret.ok_or(ConfigError::Missing(
            "the merchant secret (set SMILEPAYZ_MERCHANT_SECRET, or call ClientBuilder::merchant_secret)",
        ))?;
        // Named here with where it comes from; `Signer::new` would only say it is missing.
        if self.scheme == SignatureScheme::Sha256WithRsa && self.private_key.is_none() {
            return Err(ConfigError::Missing(
                "the merchant private key to sign with sha256-with-rsa, the gateway's scheme (set SMILEPAYZ_PRIVATE_KEY to it as Base64 PKCS#8 or PEM, or SMILEPAYZ_PRIVATE_KEY_FILE to its file; or call ClientBuilder::private_key)",
            ));
        }
        let signer = Signer::new(self.scheme, secret, self.private_key)?;
        let http = match (self.http_client, self.proxy) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Conflict(
                    "the client was given both a proxy and its own reqwest::Client: set the proxy on that reqwest::Client (reqwest::Proxy), or leave http_client out",
                ));
            }
            (Some(client), None) => client,
            (None, proxy) => {
                // No client-wide total timeout: each attempt sets its own (at most what is
                // left of the call's deadline), which is the one timer a request needs.
                let mut http = reqwest::Client::builder().connect_timeout(self.connect_timeout);
                if let Some(read_timeout) = self.read_timeout {
                    http = http.read_timeout(read_timeout);
                }
                if let Some(url) = proxy {
                    http = http.proxy(proxy_of(&url)?);
                }
                http.pool_idle_timeout(Duration::from_secs(60))
                    .tcp_nodelay(true)
                    // The gateway answers; it does not redirect. Following a redirect would
                    // send a signed request somewhere else, so a 3xx is returned as an error.
                    .redirect(reqwest::redirect::Policy::none())
                    .user_agent(concat!("smilepayz-rust/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .map_err(|e| ConfigError::Http(e.to_string()))?
            }
        };
        // Made once here rather than for every request: each endpoint's URL (reqwest would
        // parse the URL text of each request).
        let urls = crate::gateway::ENDPOINTS
            .iter()
            .map(|endpoint| {
                let text = format!("{base_url}{}", endpoint.path);
                reqwest::Url::parse(&text)
                    .map(|url| (endpoint.path, url))
                    .map_err(|_| ConfigError::BaseUrl(base_url.clone()))
            })
            .collect::<Result<Vec<_>, _>>()?
            .into();
        Ok(Client {
            http,
            base_url,
            urls,
            partner_id,
            partner_header,
            signer,
            retry: self.retry,
            max_response_bytes: self.max_response_bytes,
            deadline: self.deadline,
            attempt_timeout: self.timeout,
        })
    }
}

/// The proxy of [`ClientBuilder::proxy`]: an `http://` (or `https://`) URL with a host.
fn proxy_of(url: &str) -> Result<reqwest::Proxy, ConfigError> {
    let refuse = |reason: &str| ConfigError::Proxy {
        url: redact_url(url),
        reason: reason.to_owned(),
    };
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        refuse(&format!(
            "it is not a URL ({e}); write it as http://host:port"
        ))
    })?;
    if !matches!(parsed.scheme(), "http" | "https") || parsed.host_str().is_none_or(str::is_empty) {
        return Err(refuse(
            "it is not an http:// or https:// URL with a host; write it as http://host:port",
        ));
    }
    reqwest::Proxy::all(parsed.as_str()).map_err(|e| refuse(&e.to_string()))
}

/// The signed client. Cheap to clone; clones share connections.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base_url: String,
    /// Each endpoint's URL, by its path.
    urls: std::sync::Arc<[(&'static str, reqwest::Url)]>,
    partner_id: String,
    /// `partner_id` as the X-PARTNER-ID header value.
    partner_header: http::HeaderValue,
    signer: Signer,
    retry: RetryPolicy,
    max_response_bytes: usize,
    deadline: Duration,
    /// One attempt's own limit (`ClientBuilder::timeout`), within the deadline.
    attempt_timeout: Duration,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.base_url)
            .field("partner_id", &self.partner_id)
            .field("scheme", &self.signer.scheme())
            .field("retry", &self.retry)
            .field("max_response_bytes", &self.max_response_bytes)
            .finish_non_exhaustive()
    }
}

/// What [`Client::send`] sends: every typed request ([`ApiRequest`]), and the generated
/// `Any…Request` types of a region chosen at run time.
pub trait Sendable: Sync {
    /// What the gateway's success answer is read as.
    type Response;
    /// Sends the request with `client`; [`Client::send`] is the way to call it.
    fn send_with<'a>(
        &'a self,
        client: &'a Client,
    ) -> impl Future<Output = Result<Self::Response, Error>> + Send + 'a;
}

impl<Q: ApiRequest> Sendable for Q {
    type Response = Q::Response;
    fn send_with<'a>(
        &'a self,
        client: &'a Client,
    ) -> impl Future<Output = Result<Self::Response, Error>> + Send + 'a {
        client.send_typed(self)
    }
}

/// A request signed and ready to send (see [`Client::sign_request`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedRequest {
    /// The X-PARTNER-ID header.
    pub partner_id: String,
    /// The X-TIMESTAMP header, the exact text signed.
    pub timestamp: String,
    /// The X-SIGNATURE header.
    pub signature: String,
    /// The body, the exact bytes signed.
    pub body: bytes::Bytes,
}

/// A response as it came: status, X-TIMESTAMP and the body bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawResponse {
    /// The HTTP status.
    pub status: u16,
    /// The X-TIMESTAMP response header, when present.
    pub timestamp: Option<String>,
    /// The body.
    pub body: Vec<u8>,
    /// The `Retry-After` header, in seconds, when present.
    pub retry_after: Option<Duration>,
}

impl Client {
    /// A client from the environment variables the `smilepayz` command reads
    /// ([`ClientBuilder::from_env`]), with the default timeouts and retries.
    ///
    /// ```no_run
    /// // SMILEPAYZ_ENVIRONMENT=sandbox SMILEPAYZ_PARTNER_ID=sandbox-20001
    /// // SMILEPAYZ_MERCHANT_SECRET=… SMILEPAYZ_PRIVATE_KEY_FILE=/run/secrets/smilepayz.pem
    /// let client = smilepayz::Client::from_env()?;
    /// # Ok::<(), smilepayz::ConfigError>(())
    /// ```
    ///
    /// # Errors
    /// As [`ClientBuilder::from_env`], then [`ClientBuilder::build`] (for example
    /// [`ConfigError::Missing`] when no environment or partner id is set).
    pub fn from_env() -> Result<Client, ConfigError> {
        ClientBuilder::from_env()?.build()
    }

    /// A builder, with the spec's signature scheme and the default timeouts and retries.
    pub fn builder() -> ClientBuilder {
        ClientBuilder {
            environment: None,
            partner_id: None,
            secret: None,
            private_key: None,
            scheme: crate::gateway::SIGNATURE_SCHEME,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(30),
            read_timeout: None,
            retry: RetryPolicy::default(),
            deadline: DEFAULT_DEADLINE,
            max_response_bytes: 1 << 20,
            proxy: None,
            http_client: None,
        }
    }

    /// The base URL requests go to.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Sends a request and reads its response: a typed request answers with the region's
    /// typed response (a `regions::thb::InquiryBalanceRequest` with a
    /// `regions::thb::InquiryBalanceResponse`), a request for a region chosen at run time with
    /// the matching `Any…` response (an `AnyInquiryBalanceRequest` with an
    /// `AnyInquiryBalanceResponse`).
    ///
    /// # Errors
    /// An [`Error`] naming the endpoint, the region, the attempts made and the request's
    /// `orderNo`; [`Error::sent`] says whether the request can have had an effect.
    pub async fn send<Q: Sendable>(&self, request: &Q) -> Result<Q::Response, Error> {
        request.send_with(self).await
    }

    async fn send_typed<Q: ApiRequest>(&self, request: &Q) -> Result<Q::Response, Error> {
        let region = <Q::Region as RegionSpec>::REGION;
        let span = call_span(&Q::ENDPOINT, region, request.order_no());
        let mut attempts = 0;
        let call = async {
            match body_of(request) {
                Ok(body) => self
                    .exchange(&Q::ENDPOINT, region, body, &mut attempts)
                    .await
                    .and_then(|raw| decode::<Q::Response>(raw.status, &raw.body)),
                Err(kind) => Err(kind),
            }
        };
        // A span no subscriber records is not entered and left at each poll.
        let outcome = if span.is_disabled() {
            call.await
        } else {
            let outcome = call.instrument(span.clone()).await;
            record_call(&span, attempts, outcome.as_ref().err());
            outcome
        };
        outcome.map_err(|kind| {
            Error::from(kind).for_request(Q::ENDPOINT.id, region, attempts, request.order_no())
        })
    }

    /// Signs a request as [`Client::send`] would, without sending it: the exact body bytes,
    /// the X-TIMESTAMP (now, in the region's offset) and the X-SIGNATURE. For debugging a
    /// refused signature, or for sending through an HTTP stack of your own.
    pub fn sign_request<Q: ApiRequest>(&self, request: &Q) -> Result<SignedRequest, Error> {
        let region = <Q::Region as RegionSpec>::REGION;
        body_of(request)
            .and_then(|body| self.sign_body(region.info().utc_offset_seconds, body))
            .map_err(|kind| {
                Error::from(kind).for_request(Q::ENDPOINT.id, region, 0, request.order_no())
            })
    }

    fn sign_body(
        &self,
        offset_seconds: i32,
        body: bytes::Bytes,
    ) -> Result<SignedRequest, ErrorKind> {
        let timestamp = Timestamp::now(offset_seconds).to_string();
        let signature = self.signer.sign(&timestamp, &body)?;
        Ok(SignedRequest {
            partner_id: self.partner_id.clone(),
            timestamp,
            signature,
            body,
        })
    }

    /// Sends a body that is already serialized, signed as given, and returns the answer as it
    /// came, whatever its status. For tools that print raw JSON; typed code uses [`Client::send`].
    pub async fn send_raw(
        &self,
        endpoint: &EndpointInfo,
        region: crate::Region,
        body: Vec<u8>,
    ) -> Result<RawResponse, Error> {
        let span = call_span(endpoint, region, None);
        let mut attempts = 0;
        let call = self.exchange(endpoint, region, bytes::Bytes::from(body), &mut attempts);
        let outcome = if span.is_disabled() {
            call.await
        } else {
            let outcome = call.instrument(span.clone()).await;
            record_call(&span, attempts, outcome.as_ref().err());
            outcome
        };
        outcome.map_err(|kind| Error::from(kind).for_request(endpoint.id, region, attempts, None))
    }

    /// The attempts of one request: sign, send, read; retried as the policy and the endpoint
    /// allow. `attempts` counts the attempts made.
    async fn exchange(
        &self,
        endpoint: &EndpointInfo,
        region: crate::Region,
        body: bytes::Bytes,
        attempts: &mut u32,
    ) -> Result<RawResponse, ErrorKind> {
        let url = self.url(endpoint)?;
        let offset_seconds = region.info().utc_offset_seconds;
        let started = Instant::now();
        let deadline = started + self.deadline;
        loop {
            *attempts += 1;
            let attempt = *attempts;
            let span = attempt_span(&url, endpoint, region, attempt);
            // Each attempt gets at most what is left of the operation's deadline.
            let left = deadline.saturating_duration_since(Instant::now());
            let hint = if endpoint.read_only {
                ""
            } else {
                NOT_READ_ONLY_HINT
            };
            let exchange = self.attempt(&url, offset_seconds, body.clone(), left, hint);
            // A span no subscriber records is not entered and left at each poll.
            let result = if span.is_disabled() {
                exchange.await
            } else {
                let result = exchange.instrument(span.clone()).await;
                match &result {
                    Ok(raw) => {
                        span.record("http.response.status_code", raw.status);
                        if raw.status >= 400 {
                            span.record("error.type", raw.status.to_string());
                            span.record("otel.status_code", "ERROR");
                        }
                    }
                    Err(error) => {
                        span.record("error.type", error.type_name());
                        span.record("otel.status_code", "ERROR");
                    }
                }
                result
            };
            let mut retry_after = None;
            let outcome = result.and_then(|raw| {
                if retryable_status(raw.status) {
                    // 429, 500, 502, 503 and 504 stay errors so they can be retried; the last
                    // one is returned with its body if no retry succeeds.
                    retry_after = raw.retry_after;
                    Err(server_error(raw.status, &raw.body))
                } else {
                    // Any other answer (501 and other 4xx included) is final.
                    Ok(raw)
                }
            });
            match outcome {
                Ok(raw) => return Ok(raw),
                Err(error) => {
                    let may_retry = endpoint.read_only
                        && error.is_retryable()
                        && attempt < self.retry.max_attempts;
                    // The gateway's Retry-After, when longer than our own backoff.
                    let wait = self
                        .retry
                        .backoff(attempt)
                        .max(retry_after.unwrap_or_default());
                    let in_time = Instant::now()
                        .checked_add(wait)
                        .is_some_and(|at| at < deadline)
                        && started.elapsed().saturating_add(wait) <= self.retry.total_budget;
                    if !may_retry || !in_time {
                        return Err(error);
                    }
                    tracing::debug!(attempt, wait_ms = wait.as_millis() as u64, %error, "retrying");
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// The endpoint's URL: made at `build()` for the spec's endpoints, else from its path.
    fn url(
        &self,
        endpoint: &EndpointInfo,
    ) -> Result<std::borrow::Cow<'_, reqwest::Url>, ErrorKind> {
        if let Some((_, url)) = self.urls.iter().find(|(path, _)| *path == endpoint.path) {
            return Ok(std::borrow::Cow::Borrowed(url));
        }
        let text = format!("{}{}", self.base_url, endpoint.path);
        reqwest::Url::parse(&text)
            .map(std::borrow::Cow::Owned)
            .map_err(|e| ErrorKind::Connect {
                reason: format!(
                    "the endpoint path {:?} does not make a URL with the base URL: {e}",
                    endpoint.path
                ),
                url: text,
                source: None,
            })
    }

    async fn attempt(
        &self,
        url: &reqwest::Url,
        offset_seconds: i32,
        body: bytes::Bytes,
        left: Duration,
        hint: &'static str,
    ) -> Result<RawResponse, ErrorKind> {
        if left.is_zero() {
            return Err(ErrorKind::Timeout {
                url: strip_credentials(url),
                reason: format!("the call's deadline of {:?} passed", self.deadline),
                hint,
                source: None,
            });
        }
        let signed = self.sign_body(offset_seconds, body)?;
        let response = self
            .http
            .post(url.clone())
            .timeout(left.min(self.attempt_timeout))
            .header(http::header::CONTENT_TYPE, APPLICATION_JSON)
            .header(X_TIMESTAMP, signed.timestamp)
            .header(X_SIGNATURE, signed.signature)
            .header(X_PARTNER_ID, self.partner_header.clone())
            .body(signed.body)
            .send()
            .await
            .map_err(|e| transport_error(&strip_credentials(url), e, hint))?;
        let status = response.status().as_u16();
        // A client of the merchant's own (`http_client`) may follow redirects; an answer from
        // elsewhere is never read as the gateway's.
        if !same_place(response.url(), url) {
            return Err(ErrorKind::Redirected {
                url: strip_credentials(url),
                to: strip_credentials(response.url()),
                status,
            });
        }
        let timestamp = response
            .headers()
            .get(X_TIMESTAMP)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let retry_after = response
            .headers()
            .get(http::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| retry_after(v, std::time::SystemTime::now()));
        let body = read_limited(response, status, self.max_response_bytes, hint).await?;
        tracing::debug!(status, bytes = body.len(), "answered");
        Ok(RawResponse {
            status,
            timestamp,
            body,
            retry_after,
        })
    }
}

/// How long a `Retry-After` value asks to wait, from `now`: a number of seconds, or an HTTP
/// date (`Wed, 21 Oct 2026 07:28:00 GMT`; a date already past asks for no wait). `None` when
/// it is neither.
pub(crate) fn retry_after(value: &str, now: std::time::SystemTime) -> Option<Duration> {
    let value = value.trim();
    let wait = if let Ok(seconds) = value.parse::<u64>() {
        Duration::from_secs(seconds)
    } else {
        let at = httpdate::parse_http_date(value).ok()?;
        at.duration_since(now).unwrap_or_default()
    };
    // No call waits longer than a day, whatever a server asks; a larger value could not be
    // added to a clock reading.
    Some(wait.min(RETRY_AFTER_CAP))
}

/// The longest `Retry-After` the client takes as given.
const RETRY_AFTER_CAP: Duration = Duration::from_secs(24 * 60 * 60);

/// Whether an answer came from the URL asked: the same scheme, host, port, path and query
/// (reqwest moves a URL's credentials into a header, so they are not compared).
fn same_place(a: &reqwest::Url, b: &reqwest::Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
        && a.path() == b.path()
        && a.query() == b.query()
}

/// A URL without its user name and password, as spans and errors show it (OpenTelemetry's
/// `url.full` must not carry credentials).
pub(crate) fn strip_credentials(url: &reqwest::Url) -> String {
    if url.username().is_empty() && url.password().is_none() {
        return url.as_str().to_owned();
    }
    let mut url = url.clone();
    let _ = url.set_username("");
    let _ = url.set_password(None);
    url.to_string()
}

/// The span of one call, every attempt in it: the endpoint, the region, the `orderNo`, and
/// when it ends, the resends and the error's type.
fn call_span(
    endpoint: &EndpointInfo,
    region: crate::Region,
    order_no: Option<&str>,
) -> tracing::Span {
    tracing::info_span!(
        "smilepayz.call",
        otel.name = endpoint.id,
        smilepayz.endpoint = endpoint.id,
        smilepayz.region = region.code(),
        smilepayz.order_no = order_no,
        http.request.resend_count = tracing::field::Empty,
        error.type = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
    )
}

/// What a call's span learns when it ends.
fn record_call(span: &tracing::Span, attempts: u32, error: Option<&ErrorKind>) {
    if attempts > 1 {
        span.record("http.request.resend_count", attempts - 1);
    }
    if let Some(error) = error {
        span.record("error.type", error.type_name());
        span.record("otel.status_code", "ERROR");
    }
}

/// The span of one attempt, an HTTP client span in OpenTelemetry's terms: the method, the
/// URL without credentials, the server, the resend count, and when it ends, the status code
/// or the error's type.
fn attempt_span(
    url: &reqwest::Url,
    endpoint: &EndpointInfo,
    region: crate::Region,
    attempt: u32,
) -> tracing::Span {
    let span = tracing::info_span!(
        "smilepayz.attempt",
        otel.name = "POST",
        otel.kind = "client",
        http.request.method = "POST",
        url.full = tracing::field::Empty,
        server.address = url.host_str().unwrap_or_default(),
        server.port = url.port_or_known_default(),
        http.request.resend_count = tracing::field::Empty,
        http.response.status_code = tracing::field::Empty,
        error.type = tracing::field::Empty,
        otel.status_code = tracing::field::Empty,
        smilepayz.endpoint = endpoint.id,
        smilepayz.region = region.code(),
        attempt,
    );
    if !span.is_disabled() {
        span.record("url.full", strip_credentials(url));
        if attempt > 1 {
            span.record("http.request.resend_count", attempt - 1);
        }
    }
    span
}

// The request headers, as constants rather than text reqwest would parse for each request
// (header names are case-insensitive; HTTP/1.1 sends them in lower case either way).
const APPLICATION_JSON: http::HeaderValue = http::HeaderValue::from_static("application/json");
const X_TIMESTAMP: http::HeaderName = http::HeaderName::from_static("x-timestamp");
const X_SIGNATURE: http::HeaderName = http::HeaderName::from_static("x-signature");
const X_PARTNER_ID: http::HeaderName = http::HeaderName::from_static("x-partner-id");

fn transport_error(url: &str, error: reqwest::Error, hint: &'static str) -> ErrorKind {
    // reqwest's Display of a connection error is terse; its source chain says why.
    let mut reason = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(cause) = source {
        reason.push_str(": ");
        reason.push_str(&cause.to_string());
        source = cause.source();
    }
    if error.is_connect() {
        // No connection (a connect timeout included): the request was not sent.
        ErrorKind::Connect {
            url: url.to_owned(),
            reason,
            source: Some(error),
        }
    } else if error.is_timeout() {
        ErrorKind::Timeout {
            url: url.to_owned(),
            reason,
            hint,
            source: Some(error),
        }
    } else {
        ErrorKind::NoAnswer {
            url: url.to_owned(),
            reason,
            hint,
            source: Some(error),
        }
    }
}

/// Reads the body, stopping with an error past `limit` bytes, so that a huge or endless answer
/// cannot take unbounded memory.
async fn read_limited(
    mut response: reqwest::Response,
    status: u16,
    limit: usize,
    hint: &'static str,
) -> Result<Vec<u8>, ErrorKind> {
    if response
        .content_length()
        .is_some_and(|length| length > limit as u64)
    {
        return Err(ErrorKind::TooLarge { status, limit });
    }
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                if body.len() + chunk.len() > limit {
                    return Err(ErrorKind::TooLarge { status, limit });
                }
                body.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(body),
            Err(error) if error.is_timeout() => {
                return Err(ErrorKind::Timeout {
                    url: error.url().map(|u| u.to_string()).unwrap_or_default(),
                    reason: "reading the body".to_owned(),
                    hint,
                    source: Some(error),
                });
            }
            Err(error) => {
                return Err(ErrorKind::BodyInterrupted {
                    status,
                    reason: error.to_string(),
                    source: Some(error),
                });
            }
        }
    }
}

/// The minimal shape of every gateway answer: its result code and message.
#[derive(serde::Deserialize)]
struct Envelope {
    code: String,
    #[serde(default)]
    message: String,
}

fn body_of<Q: ApiRequest>(request: &Q) -> Result<bytes::Bytes, ErrorKind> {
    request.validate()?;
    // Room for a typical body at once, instead of growing the buffer several times.
    let mut body = Vec::with_capacity(512);
    request.write_body(&mut body);
    Ok(bytes::Bytes::from(body))
}

fn lossy(body: &[u8]) -> String {
    String::from_utf8_lossy(body).into_owned()
}

/// How long one call may take in all, by default.
pub const DEFAULT_DEADLINE: Duration = Duration::from_secs(30);

fn server_error(status: u16, body: &[u8]) -> ErrorKind {
    match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => ErrorKind::Gateway {
            status,
            code: envelope.code,
            message: envelope.message,
            body: lossy(body),
        },
        Err(_) => ErrorKind::Http {
            status,
            body: lossy(body),
        },
    }
}

/// Reads an answer as `T`, as [`Client::send`] does: a 2xx with the success code is the typed
/// response; anything else is the matching [`Error`]. The typed parse comes first, since a
/// success is the common case; only when it fails is the body read as a bare code and message.
pub fn decode_response<T: GatewayResponse>(status: u16, body: &[u8]) -> Result<T, Error> {
    decode(status, body).map_err(Error::from)
}

/// Reads an answer as [`decode_response`] does, as the message of a region chosen at run time
/// (an `Any…Response`, e.g. `AnyInquiryBalanceResponse`): a 2xx with the success code is the
/// region's response; anything else is the matching [`Error`]. For tools that hold raw
/// answers; [`Client::send`] decodes typed responses itself.
///
/// # Errors
/// As [`decode_response`].
pub fn decode_response_in<T: crate::FromRegionJson>(
    region: crate::Region,
    status: u16,
    body: &[u8],
) -> Result<T, Error> {
    let success = crate::gateway::SUCCESS_CODE;
    match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) if (200..300).contains(&status) && envelope.code == success => {
            T::from_region_json(region, body).map_err(|error| {
                ErrorKind::Decode {
                    status,
                    reason: error.to_string(),
                    body: lossy(body),
                }
                .into()
            })
        }
        Ok(envelope) => Err(ErrorKind::Gateway {
            status,
            code: envelope.code,
            message: envelope.message,
            body: lossy(body),
        }
        .into()),
        Err(error) if (200..300).contains(&status) => Err(ErrorKind::Decode {
            status,
            reason: error.to_string(),
            body: lossy(body),
        }
        .into()),
        Err(_) => Err(ErrorKind::Http {
            status,
            body: lossy(body),
        }
        .into()),
    }
}

fn decode<T: GatewayResponse>(status: u16, body: &[u8]) -> Result<T, ErrorKind> {
    let text = || lossy(body);
    let success = crate::gateway::SUCCESS_CODE;
    if (200..300).contains(&status) {
        match serde_json::from_slice::<T>(body) {
            Ok(typed) if typed.result_code() == success => return Ok(typed),
            Ok(typed) => {
                return Err(ErrorKind::Gateway {
                    status,
                    code: typed.result_code().to_owned(),
                    message: typed.result_message().to_owned(),
                    body: text(),
                });
            }
            Err(error) => {
                return Err(match serde_json::from_slice::<Envelope>(body) {
                    Ok(envelope) if envelope.code != success => ErrorKind::Gateway {
                        status,
                        code: envelope.code,
                        message: envelope.message,
                        body: text(),
                    },
                    _ => ErrorKind::Decode {
                        status,
                        reason: error.to_string(),
                        body: text(),
                    },
                });
            }
        }
    }
    match serde_json::from_slice::<Envelope>(body) {
        Ok(envelope) => Err(ErrorKind::Gateway {
            status,
            code: envelope.code,
            message: envelope.message,
            body: text(),
        }),
        Err(_) => Err(ErrorKind::Http {
            status,
            body: text(),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = std::time::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(retry_after(" 0 ", now), Some(Duration::ZERO));
        // 1,700,000,000 is Tue, 14 Nov 2023 22:13:20 GMT.
        assert_eq!(
            retry_after("Tue, 14 Nov 2023 22:13:50 GMT", now),
            Some(Duration::from_secs(30))
        );
        // A date already past asks for no wait.
        assert_eq!(
            retry_after("Tue, 14 Nov 2023 22:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        // The obsolete forms RFC 9110 still asks a recipient to read.
        assert_eq!(
            retry_after("Tuesday, 14-Nov-23 22:13:30 GMT", now),
            Some(Duration::from_secs(10))
        );
        // A value no clock can add is capped at a day.
        assert_eq!(
            retry_after("10000000000000000000", now),
            Some(Duration::from_secs(86_400))
        );
        for nonsense in ["", "soon", "-5", "1.5", "Tue, 32 Nov 2023 22:13:50 GMT"] {
            assert_eq!(retry_after(nonsense, now), None, "{nonsense:?}");
        }
    }

    #[test]
    fn backoff_is_jittered_and_capped() {
        let policy = RetryPolicy::default();
        for retry in 1..30 {
            let wait = policy.backoff(retry);
            assert!(wait <= policy.max_backoff);
            assert!(
                wait <= policy
                    .initial_backoff
                    .saturating_mul(1 << (retry - 1).min(20))
            );
        }
        let waits: std::collections::BTreeSet<Duration> =
            (0..20).map(|_| policy.backoff(3)).collect();
        assert!(waits.len() > 1, "backoff is not jittered");
    }
}
