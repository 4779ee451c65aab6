//! What a failed request tells: what went wrong ([`ErrorKind`]), whether it reached the
//! gateway ([`Sent`]), and which request it was (endpoint, region, attempts, `orderNo`).

use std::fmt;

use crate::signing::SignError;
use crate::{Region, ValidationError};

/// Why a request failed, and which request it was.
///
/// Its message starts with the request, then says what happened, e.g.
///
/// ```text
/// pay-in in THB, orderNo S20001A1B2C3, after 1 attempt: the connection to the gateway at
/// http://127.0.0.1:41021/v2.0/transaction/pay-in broke before an answer (…); the request may
/// have been sent; it is not read-only, so it was not retried: ask inquiry-status by the same
/// orderNo before sending it again
/// ```
///
/// [`Error::kind`] is the failure to match on; [`Error::sent`] says whether the request can
/// have had an effect. The message already includes the causes (a connection's, for
/// example), which [`std::error::Error::source`] also gives, as the original error.
pub struct Error {
    inner: Box<Inner>,
}

#[derive(Debug)]
struct Inner {
    kind: ErrorKind,
    request: Option<RequestContext>,
}

/// Which request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
struct RequestContext {
    endpoint: &'static str,
    region: Region,
    attempts: u32,
    order_no: Option<String>,
}

/// What went wrong. Keeps the HTTP status and the raw body where there is one.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The request breaks the spec; it was not sent.
    #[error("the request was not sent: {0}")]
    Invalid(#[from] ValidationError),
    /// The request could not be signed; it was not sent.
    #[error("the request could not be signed: {0}")]
    Sign(#[from] SignError),
    /// No connection could be made: the request was not sent.
    #[error("cannot reach the gateway at {url}: {reason}")]
    Connect {
        /// The URL tried.
        url: String,
        /// What went wrong, with its causes.
        reason: String,
        /// The HTTP stack's error.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// No complete answer within the configured timeouts or the call's deadline: the request
    /// may have been sent and acted on.
    #[error(
        "the gateway at {url} did not answer in time ({reason}); the request may have been sent{hint}"
    )]
    Timeout {
        /// The URL tried.
        url: String,
        /// Which timeout.
        reason: String,
        /// For an endpoint that is not read-only, what to do before sending it again.
        hint: &'static str,
        /// The HTTP stack's error, when it reported the timeout.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The connection broke after the request was written, before an answer began: the
    /// request may have been sent and acted on.
    #[error(
        "the connection to the gateway at {url} broke before an answer ({reason}); the request may have been sent{hint}"
    )]
    NoAnswer {
        /// The URL tried.
        url: String,
        /// What went wrong, with its causes.
        reason: String,
        /// For an endpoint that is not read-only, what to do before sending it again.
        hint: &'static str,
        /// The HTTP stack's error.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The answer began but its body broke off.
    #[error("the gateway's answer broke off (HTTP {status}): {reason}")]
    BodyInterrupted {
        /// The HTTP status.
        status: u16,
        /// What went wrong.
        reason: String,
        /// The HTTP stack's error.
        #[source]
        source: Option<reqwest::Error>,
    },
    /// The HTTP client followed a redirect (only a client given with
    /// `ClientBuilder::http_client` can): the answer is not the gateway's, and the signed
    /// request may have been sent to the other place too.
    #[error(
        "the HTTP client followed a redirect (HTTP {status}) from {url} to {to}: the answer is not the gateway's, and the signed request may have reached both; build the reqwest::Client with .redirect(reqwest::redirect::Policy::none())"
    )]
    Redirected {
        /// The URL asked.
        url: String,
        /// Where the answer came from, without credentials.
        to: String,
        /// The status of the answer that came.
        status: u16,
    },
    /// The answer's body is larger than the client accepts.
    #[error(
        "the gateway's answer (HTTP {status}) is larger than {limit} bytes; raise max_response_bytes if that is expected"
    )]
    TooLarge {
        /// The HTTP status.
        status: u16,
        /// The limit, in bytes.
        limit: usize,
    },
    /// The gateway answered with an error code (anything but the success code).
    #[error("the gateway refused the request (HTTP {status}): code {code}: {message}")]
    Gateway {
        /// The HTTP status.
        status: u16,
        /// The gateway's code.
        code: String,
        /// The gateway's message.
        message: String,
        /// The raw body.
        body: String,
    },
    /// The answer is an HTTP error without the gateway's code and message.
    #[error(
        "the gateway answered HTTP {status} without a result code{}",
        snippet(body)
    )]
    Http {
        /// The HTTP status.
        status: u16,
        /// The raw body.
        body: String,
    },
    /// The answer could not be read as the region's response: not JSON, a wrong type, a
    /// missing field, a currency that is not the region's.
    #[error(
        "the gateway's answer (HTTP {status}) is not a valid response: {reason}{}",
        snippet(body)
    )]
    Decode {
        /// The HTTP status.
        status: u16,
        /// What is wrong with it.
        reason: String,
        /// The raw body.
        body: String,
    },
}

fn snippet(body: &str) -> String {
    if body.is_empty() {
        return "; the body is empty".to_owned();
    }
    let cut: String = body.chars().take(200).collect();
    let more = if cut.len() < body.len() { "…" } else { "" };
    format!("; body: {cut}{more}")
}

/// Whether a failed request reached the gateway; see [`Error::sent`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sent {
    /// It was not sent: nothing can have happened.
    No,
    /// It may have been sent and acted on; the outcome is unknown. For an endpoint that is
    /// not read-only, ask inquiry-status (by `orderNo`, the idempotency key) before sending
    /// it again.
    Maybe,
    /// The gateway answered; the error holds what it said.
    Answered,
}

impl ErrorKind {
    /// Whether trying the same request again can help: connection failures, timeouts, bodies
    /// cut short, 429 and the 5xx answers a retry can cure (500, 502, 503, 504).
    pub fn is_retryable(&self) -> bool {
        match self {
            ErrorKind::Connect { .. }
            | ErrorKind::Timeout { .. }
            | ErrorKind::NoAnswer { .. }
            | ErrorKind::BodyInterrupted { .. } => true,
            ErrorKind::Http { status, .. }
            | ErrorKind::Decode { status, .. }
            | ErrorKind::Gateway { status, .. } => retryable_status(*status),
            _ => false,
        }
    }

    /// Whether the request reached the gateway; see [`Error::sent`].
    pub fn sent(&self) -> Sent {
        match self {
            ErrorKind::Invalid(_) | ErrorKind::Sign(_) | ErrorKind::Connect { .. } => Sent::No,
            ErrorKind::Timeout { .. }
            | ErrorKind::NoAnswer { .. }
            | ErrorKind::Redirected { .. } => Sent::Maybe,
            _ => Sent::Answered,
        }
    }

    /// A short name of the kind of error, as spans record it in `error.type`: `timeout`,
    /// `connect`, `no_answer`, `gateway_refused`, …
    pub fn type_name(&self) -> &'static str {
        match self {
            ErrorKind::Invalid(_) => "invalid_request",
            ErrorKind::Sign(_) => "sign",
            ErrorKind::Connect { .. } => "connect",
            ErrorKind::Timeout { .. } => "timeout",
            ErrorKind::NoAnswer { .. } => "no_answer",
            ErrorKind::BodyInterrupted { .. } => "body_interrupted",
            ErrorKind::Redirected { .. } => "redirected",
            ErrorKind::TooLarge { .. } => "too_large",
            ErrorKind::Gateway { .. } => "gateway_refused",
            ErrorKind::Http { .. } => "http_error",
            ErrorKind::Decode { .. } => "invalid_response",
        }
    }
}

/// The answers a read-only call is retried on: too many requests, and the server errors a
/// retry can cure (not 501, which says the server will never do it).
pub(crate) fn retryable_status(status: u16) -> bool {
    matches!(status, 429 | 500 | 502 | 503 | 504)
}

impl Error {
    /// What went wrong, to match on.
    pub fn kind(&self) -> &ErrorKind {
        &self.inner.kind
    }

    /// What went wrong, by value.
    pub fn into_kind(self) -> ErrorKind {
        self.inner.kind
    }

    /// The endpoint's id (e.g. `pay-in`), when the error came from sending a request.
    pub fn endpoint(&self) -> Option<&'static str> {
        self.inner.request.as_ref().map(|r| r.endpoint)
    }

    /// The region the request was for, when the error came from sending a request.
    pub fn region(&self) -> Option<Region> {
        self.inner.request.as_ref().map(|r| r.region)
    }

    /// How many times the request was sent: 0 when it never was (an invalid request, say),
    /// more than 1 when a read-only request was retried.
    pub fn attempts(&self) -> u32 {
        self.inner.request.as_ref().map_or(0, |r| r.attempts)
    }

    /// The request's `orderNo`, when it has one: the key to ask inquiry-status with when the
    /// outcome is unknown.
    pub fn order_no(&self) -> Option<&str> {
        self.inner.request.as_ref()?.order_no.as_deref()
    }

    /// Whether trying the same request again can help: connection failures, timeouts, bodies
    /// cut short, 429 and the 5xx answers a retry can cure (500, 502, 503, 504). The client
    /// retries these itself for read-only endpoints; for pay-in and pay-out, ask
    /// inquiry-status first.
    pub fn is_retryable(&self) -> bool {
        self.inner.kind.is_retryable()
    }

    /// Whether the request reached the gateway: never sent (configuration, validation,
    /// signing, no connection), perhaps sent (a timeout or a broken connection after it was
    /// written: for a pay-in or pay-out, ask inquiry-status by the same `orderNo` before
    /// sending it again), or answered (status and body kept).
    pub fn sent(&self) -> Sent {
        self.inner.kind.sent()
    }

    /// The HTTP status, when an answer came.
    pub fn status(&self) -> Option<u16> {
        match &self.inner.kind {
            ErrorKind::BodyInterrupted { status, .. }
            | ErrorKind::TooLarge { status, .. }
            | ErrorKind::Redirected { status, .. }
            | ErrorKind::Gateway { status, .. }
            | ErrorKind::Http { status, .. }
            | ErrorKind::Decode { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The raw body, when one was read.
    pub fn body(&self) -> Option<&str> {
        match &self.inner.kind {
            ErrorKind::Gateway { body, .. }
            | ErrorKind::Http { body, .. }
            | ErrorKind::Decode { body, .. } => Some(body),
            _ => None,
        }
    }

    /// The gateway's result code, when it sent one.
    pub fn gateway_code(&self) -> Option<&str> {
        match &self.inner.kind {
            ErrorKind::Gateway { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The same error, saying which request it came from.
    pub(crate) fn for_request(
        mut self,
        endpoint: &'static str,
        region: Region,
        attempts: u32,
        order_no: Option<&str>,
    ) -> Self {
        self.inner.request = Some(RequestContext {
            endpoint,
            region,
            attempts,
            order_no: order_no.map(str::to_owned),
        });
        self
    }
}

impl From<ErrorKind> for Error {
    fn from(kind: ErrorKind) -> Self {
        Error {
            inner: Box::new(Inner {
                kind,
                request: None,
            }),
        }
    }
}

impl From<ValidationError> for Error {
    fn from(error: ValidationError) -> Self {
        ErrorKind::Invalid(error).into()
    }
}

impl From<SignError> for Error {
    fn from(error: SignError) -> Self {
        ErrorKind::Sign(error).into()
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Error");
        debug.field("kind", &self.inner.kind);
        if let Some(request) = &self.inner.request {
            debug
                .field("endpoint", &request.endpoint)
                .field("region", &request.region)
                .field("attempts", &request.attempts)
                .field("order_no", &request.order_no);
        }
        debug.finish()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(request) = &self.inner.request {
            write!(f, "{} in {}", request.endpoint, request.region)?;
            if let Some(order_no) = &request.order_no {
                write!(f, ", orderNo {order_no}")?;
            }
            match request.attempts {
                0 => {}
                1 => f.write_str(", after 1 attempt")?,
                n => write!(f, ", after {n} attempts")?,
            }
            f.write_str(": ")?;
        }
        fmt::Display::fmt(&self.inner.kind, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        // The kind's own cause (the HTTP stack's error, a validation or signing error); the
        // kind itself is this error's message, not a separate cause.
        std::error::Error::source(&self.inner.kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn which_errors_are_retryable() {
        let connect: Error = ErrorKind::Connect {
            url: "u".into(),
            reason: "r".into(),
            source: None,
        }
        .into();
        assert!(connect.is_retryable());
        assert_eq!(connect.sent(), Sent::No);
        for (status, retryable) in [(503, true), (429, true), (501, false), (404, false)] {
            let error: Error = ErrorKind::Http {
                status,
                body: String::new(),
            }
            .into();
            assert_eq!(error.is_retryable(), retryable, "{status}");
            assert_eq!(error.sent(), Sent::Answered);
        }
        let refused: Error = ErrorKind::Gateway {
            status: 401,
            code: "4011101".into(),
            message: "bad signature".into(),
            body: String::new(),
        }
        .into();
        assert!(!refused.is_retryable());
        assert_eq!(refused.gateway_code(), Some("4011101"));
    }

    #[test]
    fn the_message_names_the_request() {
        let error = Error::from(ErrorKind::NoAnswer {
            url: "http://127.0.0.1:1/v2.0/transaction/pay-in".into(),
            reason: "connection reset".into(),
            hint: "; ask inquiry-status",
            source: None,
        })
        .for_request("pay-in", Region::Thb, 1, Some("S20001A1B2C3"));
        assert_eq!(
            error.to_string(),
            "pay-in in THB, orderNo S20001A1B2C3, after 1 attempt: the connection to the gateway at http://127.0.0.1:1/v2.0/transaction/pay-in broke before an answer (connection reset); the request may have been sent; ask inquiry-status"
        );
        assert_eq!(error.endpoint(), Some("pay-in"));
        assert_eq!(error.region(), Some(Region::Thb));
        assert_eq!(error.attempts(), 1);
        assert_eq!(error.order_no(), Some("S20001A1B2C3"));
        assert_eq!(error.sent(), Sent::Maybe);

        let retried = Error::from(ErrorKind::Http {
            status: 503,
            body: String::new(),
        })
        .for_request("inquiry-balance", Region::Pen, 3, None);
        assert!(retried.to_string().starts_with(
            "inquiry-balance in PEN, after 3 attempts: the gateway answered HTTP 503"
        ));
        let bare = Error::from(ErrorKind::Sign(crate::signing::SignError::Backend {
            scheme: crate::SignatureScheme::Sha256WithRsa,
        }));
        assert!(
            bare.to_string()
                .starts_with("the request could not be signed: computing the"),
            "{bare}"
        );
        assert_eq!((bare.endpoint(), bare.attempts()), (None, 0));
    }
}
