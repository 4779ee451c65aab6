//! Regions: the facts each region's spec file gives, as a type ([`RegionSpec`]) and as data
//! ([`RegionInfo`], reached at run time through [`Region`]).

use std::fmt;
use std::str::FromStr;

use crate::Region;

/// What a region's spec file says of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegionInfo {
    /// The region's code, e.g. `THB`.
    pub code: &'static str,
    /// The region's name, e.g. `Thailand`.
    pub name: &'static str,
    /// One line from the region's documentation page.
    pub summary: &'static str,
    /// The currency of every amount, e.g. `THB`.
    pub currency: &'static str,
    /// The gateway's area code for the region, e.g. 11.
    pub area_code: u16,
    /// The X-TIMESTAMP offset, e.g. `+07:00`.
    pub utc_offset: &'static str,
    /// The X-TIMESTAMP offset in seconds east of UTC, e.g. 25200.
    pub utc_offset_seconds: i32,
    /// How amounts are written, e.g. `#.##`.
    pub money_format: &'static str,
    /// Decimal places of the money format, e.g. 2.
    pub money_scale: u8,
    /// The endpoints the region offers, ordered by id.
    pub endpoints: &'static [RegionEndpoint],
}

/// One endpoint as a region offers it: what it is, the rules its request body follows in the
/// region, and the region's documented examples.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RegionEndpoint {
    /// The endpoint.
    pub endpoint: crate::EndpointInfo,
    /// The rules a request body must follow in the region.
    pub request_rules: &'static crate::rules::Object,
    /// The region's documented examples.
    pub examples: &'static [crate::Example],
}

impl RegionInfo {
    /// The endpoint with this id (e.g. `inquiry-status`), if the region offers it.
    pub fn endpoint(&self, id: &str) -> Option<&'static RegionEndpoint> {
        self.endpoints.iter().find(|e| e.endpoint.id == id)
    }

    /// The endpoint at this path (e.g. `/v2.0/inquiry-status`), if the region offers it.
    pub fn endpoint_at(&self, path: &str) -> Option<&'static RegionEndpoint> {
        self.endpoints.iter().find(|e| e.endpoint.path == path)
    }
}

/// A region as a type: the marker types `smilepayz::regions::thb::Thb` and so on, which fix
/// the shared request and response types to one region (and so one currency).
pub trait RegionSpec:
    Copy + Default + fmt::Debug + PartialEq + Eq + std::hash::Hash + Send + Sync + 'static
{
    /// The region, as a value.
    const REGION: Region;
    /// The region's facts.
    const INFO: RegionInfo;
}

impl Region {
    /// The region's code, e.g. `THB`.
    pub const fn code(self) -> &'static str {
        self.info().code
    }

    /// The region's name, e.g. `Thailand`.
    pub const fn name(self) -> &'static str {
        self.info().name
    }

    /// The region's currency, e.g. `THB`.
    pub const fn currency(self) -> &'static str {
        self.info().currency
    }

    /// The gateway's area code for the region.
    pub const fn area_code(self) -> u16 {
        self.info().area_code
    }

    /// The X-TIMESTAMP offset, e.g. `+07:00`.
    pub const fn utc_offset(self) -> &'static str {
        self.info().utc_offset
    }
}

impl Region {
    /// The endpoints the region offers.
    pub const fn endpoints(self) -> &'static [RegionEndpoint] {
        self.info().endpoints
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A region code that is not in the spec.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown region {given:?}; the regions are: {known}")]
pub struct UnknownRegion {
    given: String,
    known: String,
}

impl FromStr for Region {
    type Err = UnknownRegion;

    /// Reads a region code in any case: `thb`, `THB`.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        Region::ALL
            .iter()
            .copied()
            .find(|r| r.code().eq_ignore_ascii_case(text))
            .ok_or_else(|| UnknownRegion {
                given: text.to_owned(),
                known: Region::ALL
                    .iter()
                    .map(|r| r.code())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// Why JSON could not be read as an endpoint's message in a region chosen at run time (the
/// `from_json` of the generated `Any…` types).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReadError {
    /// The region does not offer the endpoint.
    #[error("{endpoint} is not offered in {region}; it is offered in {offered}")]
    NotOffered {
        /// The endpoint's id.
        endpoint: &'static str,
        /// The region asked for.
        region: Region,
        /// The regions that offer it, e.g. `PEN, THB`.
        offered: String,
    },
    /// The JSON is not the region's message.
    #[error("not a {region} {endpoint} {what}: {source}")]
    Json {
        /// The endpoint's id.
        endpoint: &'static str,
        /// The region.
        region: Region,
        /// `request`, `response` or `notification`.
        what: &'static str,
        /// What serde_json found wrong, with its line and column.
        source: serde_json::Error,
    },
}

impl ReadError {
    /// The endpoint is not offered in `region` (what the generated `from_json` answers).
    pub(crate) fn not_offered(endpoint: &'static str, region: Region) -> Self {
        let offered: Vec<&str> = Region::ALL
            .iter()
            .filter(|r| r.info().endpoint(endpoint).is_some())
            .map(|r| r.code())
            .collect();
        ReadError::NotOffered {
            endpoint,
            region,
            offered: offered.join(", "),
        }
    }

    /// The body is not the region's message (what the generated `from_json` answers).
    pub(crate) fn json(
        endpoint: &'static str,
        region: Region,
        what: &'static str,
        source: serde_json::Error,
    ) -> Self {
        ReadError::Json {
            endpoint,
            region,
            what,
            source,
        }
    }
}

/// A message read from JSON in a region chosen at run time: the generated `Any…` types.
pub trait FromRegionJson: Sized {
    /// Reads `json` as the message in `region`'s shape.
    ///
    /// # Errors
    /// When the region does not offer the endpoint or the JSON is not its message.
    fn from_region_json(region: Region, json: &[u8]) -> Result<Self, ReadError>;
}
