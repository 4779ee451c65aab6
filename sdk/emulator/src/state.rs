//! Everything the connections share: the merchants, the books, the callback log and the
//! settings.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedSender;

use super::Faults;
use super::delivery::{DeliveryLog, Job};
use super::events::Events;
use super::ledger::Ledger;
use super::sandbox::Sandbox;
use smilepayz::Region;
use smilepayz::signing::RequestVerifier;

/// A registered merchant, ready to verify its requests.
pub(super) struct Partner {
    pub(super) region: Region,
    pub(super) verifier: RequestVerifier,
}

/// Everything the connections share.
pub(super) struct State {
    pub(super) partners: HashMap<String, Partner>,
    pub(super) ledger: Ledger,
    /// The merchants' accounts and transactions.
    pub(super) sandbox: Sandbox,
    /// How long a connection may stay silent.
    pub(super) idle_timeout: Duration,
    pub(super) clock_skew: Duration,
    pub(super) max_body_bytes: usize,
    pub(super) faults: Faults,
    /// The splitmix64 counter of the fault PRNG.
    pub(super) rng: AtomicU64,
    /// Requests answered (not counting dropped connections).
    pub(super) served: AtomicU64,
    /// Where answered requests are told (`EmulatorBuilder::on_event`).
    pub(super) events: Events,
    /// Every callback delivery.
    pub(super) deliveries: Arc<DeliveryLog>,
    /// Redeliveries and resets, for the callback dispatcher.
    pub(super) jobs: UnboundedSender<Job>,
    /// Whether the control API and the dashboard answer.
    pub(super) control: bool,
}

impl State {
    /// Delivers a callback again under a new id (see `RunningEmulator::redeliver`).
    pub(super) fn redeliver(&self, callback: u64) -> Option<u64> {
        let delivery = self.deliveries.latest(callback)?;
        let transaction = self.sandbox.get(&delivery.trade_no)?;
        let ticket = self.deliveries.begin(transaction.epoch, Some(callback));
        self.jobs
            .send(Job::Redeliver {
                transaction: Box::new(transaction),
                ticket,
            })
            .ok()?;
        Some(ticket.id)
    }

    /// Forgets every transaction and callback (see `RunningEmulator::reset`).
    pub(super) fn reset(&self) {
        let mut generation = 0;
        self.sandbox.reset(|| {
            generation = self.deliveries.clear();
            generation
        });
        // Closed only when the emulator stops.
        let _ = self.jobs.send(Job::Reset { generation });
    }
}
