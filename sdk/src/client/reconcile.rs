//! Pay-ins and pay-outs that find out their own outcome.
//!
//! A pay-in or pay-out is never retried, because it creates an order. When one ends without
//! a usable answer (a timeout, a connection broken after sending, a 5xx, a body that cannot
//! be read) or with the gateway saying its `orderNo` is already taken, whether the order
//! exists is unknown, and sending it again could move money twice. [`Client::send_reconciled`]
//! sends once and then asks inquiry-status by the same `orderNo` (the gateway's idempotency
//! key), a few times with waits, within [`LOOKUP_BUDGET`] after the send, and answers with
//! what it found:
//! [`Reconciled::Created`], [`Reconciled::AlreadyExists`] or [`Reconciled::NotCreated`]. It
//! never sends the order a second time.

use std::time::{Duration, Instant};

use super::{Client, Error, ErrorKind, Sent};
use crate::ApiRequest;
use crate::definitions::TradeType;
use crate::endpoints::inquiry_status::{
    InquiryStatusRequest, InquiryStatusResponse, InquiryStatusVariant,
};
use crate::endpoints::{pay_in, pay_out};

/// A request whose outcome [`Client::send_reconciled`] can find out: one with an `orderNo`
/// that inquiry-status looks up under a trade type (pay-in, pay-out).
pub trait Reconcilable: ApiRequest<Region: InquiryStatusVariant> {
    /// The trade type inquiry-status looks the order up under.
    const TRADE_TYPE: TradeType;
}

impl<R: pay_in::PayInVariant + InquiryStatusVariant> Reconcilable for pay_in::PayInRequest<R> {
    const TRADE_TYPE: TradeType = TradeType::PayIn;
}

impl<R: pay_out::PayOutVariant + InquiryStatusVariant> Reconcilable for pay_out::PayOutRequest<R> {
    const TRADE_TYPE: TradeType = TradeType::PayOut;
}

/// What [`Client::send_reconciled`] found out.
#[derive(Debug)]
#[non_exhaustive]
pub enum Reconciled<A, S> {
    /// The gateway created the order with this send, and this is its answer.
    Created(A),
    /// The order exists: this send created it but its answer was lost, or another send with
    /// the same `orderNo` did. This is inquiry-status's answer for it (its `status`, `tradeNo`
    /// and amount). Do not send it again.
    AlreadyExists(S),
    /// The order does not exist and this send created nothing: the error says why (refused,
    /// never sent, or not found by inquiry-status after the waits). Sending it again, with the
    /// same `orderNo`, is safe.
    NotCreated(Error),
}

/// How long the lookups may take in all, after the send ended: their waits and each lookup
/// (which has the rest of this budget as its own deadline). A send that timed out has used
/// the client's deadline; the lookups get this much more, so a reconciled send takes at most
/// the deadline plus this.
pub const LOOKUP_BUDGET: Duration = Duration::from_secs(10);

/// The waits between inquiry-status lookups, after the first one right away. The order
/// counts as not created only when every lookup finds nothing, the last one at least this
/// long after the send ended (3.5 s in all), so that a request still on its way is not
/// missed.
const LOOKUP_WAITS: [Duration; 3] = [
    Duration::from_millis(500),
    Duration::from_secs(1),
    Duration::from_secs(2),
];

/// How an error of the send reads for reconciliation.
enum Outcome {
    /// The gateway did not create the order.
    NotCreated,
    /// The gateway says the `orderNo` is taken.
    Duplicate,
    /// It may or may not have been created.
    Unknown,
}

/// The gateway's result codes carry their HTTP status in their first three digits, then the
/// endpoint's service code, then the case (`4091101`: 409, the emulator's duplicate order).
/// The gateway's own codes for a duplicate and for an unknown order are not published; this is
/// the convention its codes follow, and the one the emulator keeps.
fn code_status(error: &Error) -> Option<&str> {
    error.gateway_code().and_then(|code| code.get(..3))
}

/// Whether the gateway says the `orderNo` is taken: HTTP 409, or a code of status 409.
fn is_duplicate(error: &Error) -> bool {
    error.status() == Some(409) || code_status(error) == Some("409")
}

/// Whether inquiry-status says it has no such order: exactly its "transaction not found"
/// code (404, inquiry-status's service code, case 04, as the emulator answers). Any other
/// refusal (an unknown path, an endpoint the merchant is not enabled for, a proxy's 404) says
/// nothing about the order, so it never counts as "not found".
fn is_not_found(error: &Error) -> bool {
    let code = format!(
        "404{}04",
        crate::endpoints::inquiry_status::ENDPOINT.service_code
    );
    error.gateway_code() == Some(code.as_str())
}

fn outcome(error: &Error) -> Outcome {
    match error.sent() {
        Sent::No => return Outcome::NotCreated,
        Sent::Maybe => return Outcome::Unknown,
        Sent::Answered => {}
    }
    if is_duplicate(error) {
        return Outcome::Duplicate;
    }
    match error.kind() {
        // An answer that cannot be read, or was cut: the gateway may have created the order.
        ErrorKind::Decode { .. }
        | ErrorKind::BodyInterrupted { .. }
        | ErrorKind::TooLarge { .. } => Outcome::Unknown,
        // A server error may come after the order was booked, except 501 (never done).
        ErrorKind::Gateway { status, .. } | ErrorKind::Http { status, .. }
            if *status >= 500 && *status != 501 =>
        {
            Outcome::Unknown
        }
        // Any other refusal (429 included): the gateway did not take the order.
        _ => Outcome::NotCreated,
    }
}

impl Client {
    /// Sends a pay-in or pay-out once and, when its outcome is unknown, finds it out by
    /// asking inquiry-status with the same `orderNo`, the gateway's idempotency key:
    ///
    /// - the answer came: [`Reconciled::Created`];
    /// - the gateway refused it (its rules, a signature, a balance too low), or it was never
    ///   sent: [`Reconciled::NotCreated`], with the error;
    /// - a timeout, a connection broken after sending, a 5xx, an unreadable answer, or "this
    ///   `orderNo` is taken": inquiry-status is asked right away and then after 0.5, 1 and 2
    ///   seconds, all within [`LOOKUP_BUDGET`] after the send: found,
    ///   [`Reconciled::AlreadyExists`] with its status; its "transaction not found" code every
    ///   time, [`Reconciled::NotCreated`].
    ///
    /// It never sends the order twice. It takes at most the client's
    /// [deadline](super::ClientBuilder::deadline) for the send plus [`LOOKUP_BUDGET`].
    ///
    /// # Errors
    /// When the outcome stays unknown: inquiry-status could not be asked (or kept failing)
    /// before the deadline, or it did not find an order the gateway called taken. The error is
    /// the send's own ([`Error::sent`] is `Maybe` or `Answered`); do not send the order again
    /// before its status is known.
    pub async fn send_reconciled<Q: Reconcilable>(
        &self,
        request: &Q,
    ) -> Result<Reconciled<Q::Response, InquiryStatusResponse<Q::Region>>, Error> {
        let error = match self.send(request).await {
            Ok(answer) => return Ok(Reconciled::Created(answer)),
            Err(error) => error,
        };
        let duplicate = match outcome(&error) {
            Outcome::NotCreated => return Ok(Reconciled::NotCreated(error)),
            Outcome::Duplicate => true,
            Outcome::Unknown => false,
        };
        let Some(order_no) = request.order_no() else {
            return Err(error);
        };
        let lookup = match InquiryStatusRequest::<Q::Region>::builder()
            .trade_type(Q::TRADE_TYPE)
            .order_no(order_no)
            .build()
        {
            Ok(lookup) => lookup,
            // An orderNo the request took but inquiry-status does not: nothing to ask with.
            Err(_) => return Err(error),
        };
        let deadline = Instant::now() + LOOKUP_BUDGET;
        let mut found_nothing = 0usize;
        let waits = std::iter::once(Duration::ZERO).chain(LOOKUP_WAITS);
        for wait in waits {
            if Instant::now() + wait >= deadline {
                break;
            }
            tokio::time::sleep(wait).await;
            let left = deadline.saturating_duration_since(Instant::now());
            let Ok(answer) = tokio::time::timeout(left, self.send(&lookup)).await else {
                break; // The budget is spent; the outcome stays unknown.
            };
            match answer {
                Ok(status) => {
                    tracing::info!(
                        order_no,
                        after = %error,
                        "the order exists; it was not sent again"
                    );
                    return Ok(Reconciled::AlreadyExists(status));
                }
                Err(not_found) if is_not_found(&not_found) => found_nothing += 1,
                // Not an answer about the order (a timeout, a 5xx): ask again while there is
                // time.
                Err(other) => {
                    tracing::debug!(order_no, error = %other, "inquiry-status failed; asking again");
                }
            }
        }
        // Not found at every lookup, the last one after all the waits: the gateway does not
        // have it. (A duplicate that cannot be found stays unknown.)
        if !duplicate && found_nothing == 1 + LOOKUP_WAITS.len() {
            return Ok(Reconciled::NotCreated(error));
        }
        Err(error)
    }
}
