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
///
/// The generated tables write one as `Example::exchange(name, source, request headers,
/// request body, response headers, response body)`, `Example::request_only(…)` when the page
/// shows only a request, or `Example::body_only(…)` when it shows only a request body.
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

impl Example {
    /// An example from its name, its source and its two messages, each as its headers (one
    /// `Name: value` per line) and its compact JSON body. A body left empty is one the page
    /// does not show; a message with neither headers nor body is one it does not show.
    pub const fn exchange(
        name: &'static str,
        source: &'static str,
        request_headers: &'static str,
        request_body: &'static str,
        response_headers: &'static str,
        response_body: &'static str,
    ) -> Self {
        Self {
            name,
            source,
            request: ExampleMessage::shown(request_headers, request_body),
            response: ExampleMessage::shown(response_headers, response_body),
        }
    }

    /// An example that shows only a request, written as for [`Example::exchange`].
    pub const fn request_only(
        name: &'static str,
        source: &'static str,
        headers: &'static str,
        body: &'static str,
    ) -> Self {
        Self::exchange(name, source, headers, body, "", "")
    }

    /// An example that shows only a request body (a demo's, sent without headers of its own).
    pub const fn body_only(name: &'static str, source: &'static str, body: &'static str) -> Self {
        Self::exchange(name, source, "", body, "", "")
    }
}

/// The headers and JSON body of an example message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ExampleMessage {
    /// The headers the page shows.
    pub headers: ExampleHeaders,
    /// The JSON body, compact.
    pub body: Option<&'static str>,
}

impl ExampleMessage {
    /// A message from its headers (one `Name: value` per line) and its body (empty for none).
    pub const fn new(headers: &'static str, body: &'static str) -> Self {
        Self {
            headers: ExampleHeaders(headers),
            body: if body.is_empty() { None } else { Some(body) },
        }
    }

    /// The message, or `None` when it has neither headers nor body.
    const fn shown(headers: &'static str, body: &'static str) -> Option<Self> {
        if headers.is_empty() && body.is_empty() {
            None
        } else {
            Some(Self::new(headers, body))
        }
    }
}

/// The headers of an example message, `Name: value` one per line, sorted by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ExampleHeaders(&'static str);

impl ExampleHeaders {
    /// The headers, sorted by name, as `(name, value)`: the value is what follows the first
    /// `: ` of its line.
    ///
    /// ```
    /// let message = smilepayz::ExampleMessage::new(
    ///     "Content-Type: application/json\nX-PARTNER-ID: 20001\nX-TIMESTAMP: 2020-12-18T15:06:00+07:00",
    ///     "",
    /// );
    /// let headers: Vec<_> = message.headers.iter().collect();
    /// assert_eq!(
    ///     headers,
    ///     [
    ///         ("Content-Type", "application/json"),
    ///         ("X-PARTNER-ID", "20001"),
    ///         ("X-TIMESTAMP", "2020-12-18T15:06:00+07:00"),
    ///     ]
    /// );
    /// assert_eq!(message.headers.get("x-partner-id"), Some("20001"));
    /// assert_eq!(message.body, None);
    /// ```
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &'static str)> + use<> {
        self.0.lines().filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name, value.strip_prefix(' ').unwrap_or(value)))
        })
    }

    /// The value of the header `name` (any case), if the example has it.
    pub fn get(&self, name: &str) -> Option<&'static str> {
        self.iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// Whether the example shows no headers.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// The headers as written, one `Name: value` per line.
    pub const fn as_str(&self) -> &'static str {
        self.0
    }
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
