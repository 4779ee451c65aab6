//! A request refused by one of the emulator's checks.

use super::codes::Check;

/// A request refused by one check, with a message saying what is wrong and how to fix it.
#[derive(Debug)]
pub(super) struct Rejection {
    pub(super) check: Check,
    pub(super) message: String,
}

impl Rejection {
    pub(super) fn new(check: Check, message: impl Into<String>) -> Self {
        Self {
            check,
            message: message.into(),
        }
    }

    /// The check that failed.
    #[cfg(test)]
    pub(super) fn check(&self) -> Check {
        self.check
    }

    /// What is wrong and how to fix it.
    pub(super) fn message(&self) -> &str {
        &self.message
    }
}
