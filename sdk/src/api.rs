//! What the generated endpoint types implement, so that one client can send any of them.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{RegionSpec, ValidationError};

/// Where an endpoint is and what it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EndpointInfo {
    /// The endpoint's id in the spec, e.g. `inquiry-balance`.
    pub id: &'static str,
    /// The documentation page's title.
    pub title: &'static str,
    /// The path, e.g. `/v2.0/inquiry-balance`.
    pub path: &'static str,
    /// The gateway's service code for the endpoint, e.g. `11`.
    pub service_code: &'static str,
    /// Whether the endpoint only reads, so that retrying it is safe.
    pub read_only: bool,
}

/// An HTTP header the gateway documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct HeaderInfo {
    /// The header's name.
    pub name: &'static str,
    /// Whether it is mandatory.
    pub required: bool,
    /// Its fixed value, when it has one.
    pub value: Option<&'static str>,
    /// What the documentation says of it.
    pub description: &'static str,
}

/// A documented example exchange, as the region's spec file gives it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Example {
    /// A short name, e.g. `seed`.
    pub name: &'static str,
    /// Where it comes from.
    pub source: &'static str,
    /// The request.
    pub request: Option<ExampleMessage>,
    /// The response.
    pub response: Option<ExampleMessage>,
}

/// The headers and JSON body of an example message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExampleMessage {
    /// Headers, by name.
    pub headers: &'static [(&'static str, &'static str)],
    /// The JSON body, compact.
    pub body: Option<&'static str>,
}

/// A request body of some endpoint in some region, e.g.
/// `smilepayz::regions::thb::InquiryBalanceRequest`.
pub trait ApiRequest: Serialize + DeserializeOwned + std::fmt::Debug + Clone + Send + Sync {
    /// The region the request is for.
    type Region: RegionSpec;
    /// The response body the endpoint answers with.
    type Response: GatewayResponse;
    /// The endpoint.
    const ENDPOINT: EndpointInfo;
    /// Checks the values against the spec and the region.
    fn validate(&self) -> Result<(), ValidationError>;
    /// Appends the request's JSON body to `out`: the bytes `serde_json::to_vec` would write
    /// for it, written by generated code without going through serde. This is the body the
    /// client signs and sends.
    fn write_body(&self, out: &mut Vec<u8>);
    /// The request's `orderNo` (its idempotency key), for endpoints whose request has one.
    fn order_no(&self) -> Option<&str> {
        None
    }
}

/// A response body: typed, and carrying the gateway's result code and message.
pub trait GatewayResponse:
    Serialize + DeserializeOwned + std::fmt::Debug + Clone + Send + Sync
{
    /// The result code; `"00"` is success.
    fn result_code(&self) -> &str;
    /// The human-readable result message.
    fn result_message(&self) -> &str;
}

/// One part of the string a request signature covers (see `gateway::STRING_TO_SIGN`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SignPart {
    /// The X-TIMESTAMP header, byte for byte.
    Timestamp,
    /// The merchant secret, as text.
    MerchantSecret,
    /// The request body, the exact bytes sent.
    Body,
}
