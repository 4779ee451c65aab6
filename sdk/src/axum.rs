//! Callbacks in an [axum](https://docs.rs/axum) service: extractors that read the raw body
//! under a size limit, verify it with the [`CallbackVerifier`] of the application state and
//! decode the notification, and the `SUCCESS` answer.
//!
//! ```no_run
//! # fn app(key: smilepayz::signing::PlatformPublicKey) -> axum::Router {
//! use axum::{Router, extract::FromRef, routing::post};
//! use smilepayz::axum::{Callback, Success};
//! use smilepayz::callback::CallbackVerifier;
//! use smilepayz::regions::thb;
//!
//! #[derive(Clone)]
//! struct App {
//!     verifier: CallbackVerifier,
//! }
//!
//! impl FromRef<App> for CallbackVerifier {
//!     fn from_ref(app: &App) -> CallbackVerifier {
//!         app.verifier.clone()
//!     }
//! }
//!
//! // Reached only by a callback that verified and decoded; anything else was answered 401
//! // or 400 with the reason, never SUCCESS.
//! async fn pay_in_done(Callback(callback): Callback<thb::PayInNotification>) -> Success {
//!     // The signature covers tradeNo and X-TIMESTAMP only, not the status or the amount:
//!     // ask inquiry-status for callback.trade_no before acting on it (a replayed callback
//!     // with another status verifies too), and act once per trade_no.
//!     let _trade_no = callback.trade_no;
//!     Success
//! }
//!
//! let app: Router = Router::new()
//!     .route("/smilepayz/pay-in", post(pay_in_done))
//!     .with_state(App { verifier: CallbackVerifier::new(key) });
//! # app
//! # }
//! ```
//!
//! The extractors are written on `axum-core`, whose releases are fewer than axum's, so that a
//! new axum release does not need a new SDK release unless axum-core changes too.

use std::time::SystemTime;

use axum_core::body::Body;
use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use http::StatusCode;
use http::header::CONTENT_TYPE;
use http_body_util::BodyExt;
use serde::de::DeserializeOwned;

use crate::callback::{CallbackError, CallbackVerifier, SUCCESS_REPLY, Verified};
use crate::{FromRegionJson, Region};

/// The largest callback body the extractors read: 64 KiB, far more than any notification.
pub const MAX_CALLBACK_BYTES: usize = 64 * 1024;

/// A callback of a region known when the service is built, verified and decoded as `N` (a
/// generated notification such as `regions::thb::PayInNotification`). The application state
/// gives the [`CallbackVerifier`] (`CallbackVerifier: FromRef<State>`).
///
/// Verified means signed by the platform over `tradeNo` and `X-TIMESTAMP`, not that its
/// status or amount are true: confirm them with inquiry-status before shipping goods or
/// paying out.
#[derive(Debug, Clone)]
pub struct Callback<N>(pub Verified<N>);

/// A callback of the region the application state names (`Region: FromRef<State>`), for a
/// service whose region comes from its configuration, decoded as a generated `Any…`
/// notification (for example `endpoints::pay_in::AnyPayInNotification`).
#[derive(Debug, Clone)]
pub struct AnyCallback<N>(pub Verified<N>);

/// Why a callback was refused, as the answer the platform gets: 401 when the signature or the
/// timestamp does not hold, 413 for a body over [`MAX_CALLBACK_BYTES`], 400 otherwise, with
/// the reason as plain text. Never `SUCCESS`, so the platform delivers it again.
#[derive(Debug)]
pub struct CallbackRejection {
    status: StatusCode,
    reason: String,
    error: Option<CallbackError>,
}

impl CallbackRejection {
    /// The status the platform gets.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The reason, as the answer's body says it.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// The verifier's error, when the body was read and a check failed.
    pub fn error(&self) -> Option<&CallbackError> {
        self.error.as_ref()
    }
}

impl From<CallbackError> for CallbackRejection {
    fn from(error: CallbackError) -> Self {
        let status = StatusCode::from_u16(error.http_status()).unwrap_or(StatusCode::BAD_REQUEST);
        CallbackRejection {
            status,
            reason: error.to_string(),
            error: Some(error),
        }
    }
}

impl std::fmt::Display for CallbackRejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.status.as_u16(), self.reason)
    }
}

impl std::error::Error for CallbackRejection {}

impl IntoResponse for CallbackRejection {
    fn into_response(self) -> Response {
        tracing_reject(&self);
        let mut response = Response::new(Body::from(self.reason));
        *response.status_mut() = self.status;
        response.headers_mut().insert(
            CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

#[cfg(feature = "client")]
fn tracing_reject(rejection: &CallbackRejection) {
    tracing::warn!(status = rejection.status.as_u16(), reason = %rejection.reason, "callback refused");
}

#[cfg(not(feature = "client"))]
fn tracing_reject(_rejection: &CallbackRejection) {}

/// The answer that tells the platform a callback was received: HTTP 200 with the text
/// `SUCCESS`. Answer it only once the notification is stored or handled; anything else makes
/// the platform deliver it again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Success;

impl IntoResponse for Success {
    fn into_response(self) -> Response {
        let mut response = Response::new(Body::from(SUCCESS_REPLY));
        response.headers_mut().insert(
            CONTENT_TYPE,
            http::HeaderValue::from_static("text/plain; charset=utf-8"),
        );
        response
    }
}

/// The request's headers and its body, read up to [`MAX_CALLBACK_BYTES`].
async fn read(request: Request) -> Result<(http::HeaderMap, bytes::Bytes), CallbackRejection> {
    let (parts, body) = request.into_parts();
    let limited = http_body_util::Limited::new(body, MAX_CALLBACK_BYTES);
    match limited.collect().await {
        Ok(collected) => Ok((parts.headers, collected.to_bytes())),
        Err(error) if error.is::<http_body_util::LengthLimitError>() => Err(CallbackRejection {
            status: StatusCode::PAYLOAD_TOO_LARGE,
            reason: format!(
                "the callback body is larger than {MAX_CALLBACK_BYTES} bytes; a notification is far smaller"
            ),
            error: None,
        }),
        Err(error) => Err(CallbackRejection {
            status: StatusCode::BAD_REQUEST,
            reason: format!("the callback body could not be read: {error}"),
            error: None,
        }),
    }
}

fn header_pairs(headers: &http::HeaderMap) -> impl Iterator<Item = (&str, &[u8])> {
    headers
        .iter()
        .map(|(name, value)| (name.as_str(), value.as_bytes()))
}

impl<S, N> FromRequest<S> for Callback<N>
where
    N: DeserializeOwned + Send,
    CallbackVerifier: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = CallbackRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = CallbackVerifier::from_ref(state);
        let (headers, body) = read(request).await?;
        verifier
            .verify::<N>(header_pairs(&headers), &body, SystemTime::now())
            .map(Callback)
            .map_err(CallbackRejection::from)
    }
}

impl<S, N> FromRequest<S> for AnyCallback<N>
where
    N: FromRegionJson + Send,
    CallbackVerifier: FromRef<S>,
    Region: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = CallbackRejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = CallbackVerifier::from_ref(state);
        let region = Region::from_ref(state);
        let (headers, body) = read(request).await?;
        verifier
            .verify_in::<N>(region, header_pairs(&headers), &body, SystemTime::now())
            .map(AnyCallback)
            .map_err(CallbackRejection::from)
    }
}
