//! What the emulator records of its callbacks: each delivery, and each callback with its
//! deliveries.

use std::time::SystemTime;

/// One delivery of one callback, as the merchant answered it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Delivery {
    /// The callback this delivery belongs to (see [`Callback`]): every delivery of one
    /// notification has the same id; a redelivery asked for gets a new one.
    pub callback: u64,
    /// The transaction's `tradeNo`.
    pub trade_no: String,
    /// The merchant's `orderNo`.
    pub order_no: String,
    /// Where it was sent.
    pub url: String,
    /// The status delivered.
    pub status: &'static str,
    /// 1 for the first delivery.
    pub attempt: u32,
    /// Whether the emulator contacted the URL: it delivers only to loopback `http://` URLs and
    /// records any other one once, not attempted, with the reason in `error`.
    pub attempted: bool,
    /// When it was sent.
    pub at: SystemTime,
    /// The HTTP status the merchant answered, if it answered.
    pub http_status: Option<u16>,
    /// Whether the merchant answered 200 with `SUCCESS`: no more deliveries follow.
    pub accepted: bool,
    /// What went wrong, when it was not accepted.
    pub error: Option<String>,
    /// Whether no more deliveries of this callback follow (accepted, not attempted, or the
    /// last of [`CallbackRetries::attempts`](super::CallbackRetries::attempts)).
    pub last: bool,
}

/// Where a callback stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallbackState {
    /// Waiting for the next delivery.
    Delivering,
    /// The merchant answered 200 `SUCCESS`.
    Accepted,
    /// Every delivery failed; the emulator gave up.
    GaveUp,
    /// The URL is not on this machine, so it was never contacted (see [`Delivery::error`]).
    NotAttempted,
}

impl CallbackState {
    /// `DELIVERING`, `ACCEPTED`, `GAVE_UP` or `NOT_ATTEMPTED`.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CallbackState::Delivering => "DELIVERING",
            CallbackState::Accepted => "ACCEPTED",
            CallbackState::GaveUp => "GAVE_UP",
            CallbackState::NotAttempted => "NOT_ATTEMPTED",
        }
    }
}

/// One notification of a final transaction and its deliveries so far.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callback {
    /// Its id, for [`RunningEmulator::redeliver`](super::RunningEmulator::redeliver).
    pub id: u64,
    /// The transaction's `tradeNo`.
    pub trade_no: String,
    /// The merchant's `orderNo`.
    pub order_no: String,
    /// Where it goes.
    pub url: String,
    /// The status it carries.
    pub status: &'static str,
    /// The callback this one delivers again, when it was asked for.
    pub redelivery_of: Option<u64>,
    /// Where it stands.
    pub state: CallbackState,
    /// Its deliveries, first first.
    pub attempts: Vec<Delivery>,
}

/// Groups deliveries into callbacks, oldest first.
pub(super) fn callbacks(deliveries: Vec<Delivery>, redeliveries: &[(u64, u64)]) -> Vec<Callback> {
    let mut grouped: Vec<Callback> = Vec::new();
    let mut index: std::collections::HashMap<u64, usize> = std::collections::HashMap::new();
    let redeliveries: std::collections::HashMap<u64, u64> = redeliveries.iter().copied().collect();
    for delivery in deliveries {
        let at = *index.entry(delivery.callback).or_insert_with(|| {
            grouped.push(Callback {
                id: delivery.callback,
                trade_no: delivery.trade_no.clone(),
                order_no: delivery.order_no.clone(),
                url: delivery.url.clone(),
                status: delivery.status,
                redelivery_of: redeliveries.get(&delivery.callback).copied(),
                state: CallbackState::Delivering,
                attempts: Vec::new(),
            });
            grouped.len() - 1
        });
        grouped[at].attempts.push(delivery);
    }
    for callback in &mut grouped {
        if let Some(last) = callback.attempts.last() {
            callback.state = match (last.attempted, last.accepted, last.last) {
                (false, _, _) => CallbackState::NotAttempted,
                (true, true, _) => CallbackState::Accepted,
                (true, false, true) => CallbackState::GaveUp,
                (true, false, false) => CallbackState::Delivering,
            };
        }
    }
    grouped
}
