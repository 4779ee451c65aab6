//! What an endpoint with behaviour of its own is given: the checked request.

use super::rejection::Rejection;
use super::state::State;
use smilepayz::Region;

/// Hand-written behaviour for one endpoint.
pub(super) struct Handler {
    /// The endpoint's id in the spec.
    pub(super) id: &'static str,
    /// Answers a request whose headers, signature and body rules have been checked: reads
    /// the body as the region's request and returns the region's response.
    pub(super) answer: fn(&Call<'_>) -> Result<Vec<u8>, Rejection>,
}

/// One checked request, as a handler sees it.
pub(super) struct Call<'a> {
    /// Everything the emulator holds.
    pub(super) state: &'a State,
    /// The merchant's region.
    pub(super) region: Region,
    /// The merchant's partner id.
    pub(super) partner_id: &'a str,
    /// The body, UTF-8 JSON that passed the region's rules.
    pub(super) body: &'a str,
}
