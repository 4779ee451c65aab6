//! What the emulator does, as it happens: each answered request and each callback delivery,
//! for a log (`smilepayz serve --log`) or a test ([`EmulatorBuilder::on_event`](super::EmulatorBuilder::on_event)).

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::records::Delivery;
use smilepayz::Region;

/// One thing the emulator did.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum EmulatorEvent {
    /// A request was answered.
    Answered(Answered),
    /// A callback was delivered (or recorded as not attempted).
    Callback {
        /// The delivery, as [`RunningEmulator::deliveries`](super::RunningEmulator::deliveries) lists it.
        delivery: Delivery,
        /// No more deliveries of this callback follow: it was accepted, not attempted, or this
        /// was the last attempt (the emulator gives up; the platform would too).
        last: bool,
    },
}

/// An answered request.
#[derive(Debug, Clone)]
pub struct Answered {
    /// When the answer was sent.
    pub at: SystemTime,
    /// The request's method.
    pub method: String,
    /// The request's path (shortened to 128 characters and "…" when longer).
    pub path: String,
    /// The `X-PARTNER-ID` sent, once the checks reached it.
    pub partner_id: Option<String>,
    /// The merchant's region, when the partner is known.
    pub region: Option<Region>,
    /// The endpoint's id (`pay-in`), when the path is one.
    pub endpoint: Option<&'static str>,
    /// The body's `orderNo`, when it has one.
    pub order_no: Option<String>,
    /// The HTTP status answered.
    pub http_status: u16,
    /// The result code answered (`"00"` for success).
    pub code: String,
    /// How long the emulator took, from the request head to the answer.
    pub elapsed: Duration,
}

/// A function told of each event.
type Sink = Arc<dyn Fn(&EmulatorEvent) + Send + Sync>;

/// Where events go: a function the emulator calls on its own tasks, so it must be quick.
#[derive(Clone, Default)]
pub(super) struct Events(Option<Sink>);

impl Events {
    pub(super) fn new(sink: impl Fn(&EmulatorEvent) + Send + Sync + 'static) -> Self {
        Self(Some(Arc::new(sink)))
    }

    /// Whether anyone listens (so that work for events is skipped when nobody does).
    pub(super) fn on(&self) -> bool {
        self.0.is_some()
    }

    pub(super) fn emit(&self, event: &EmulatorEvent) {
        if let Some(sink) = &self.0 {
            sink(event);
        }
    }
}

impl std::fmt::Debug for Events {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Events(listened to)"
        } else {
            "Events(none)"
        })
    }
}
