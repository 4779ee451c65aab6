//! The spec's data model: what `spec/gateway.yaml` and each `spec/regions/*.yaml` may say.
//!
//! These types are the single source of the spec's shape. The JSON Schema that editors use is
//! produced from them (`smilepayz-codegen schema`), and the loader checks every file against
//! that same schema before it reads the file into these types, so the three never drift.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `spec/gateway.yaml`: what every region of the gateway shares.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Smilepayz gateway spec (shared by all regions)")]
pub struct GatewaySpec {
    /// The API version the spec describes, e.g. `"2.0"`.
    pub api_version: String,
    /// Base URLs of the gateway's environments.
    pub environments: Environments,
    /// How requests are signed.
    pub signature: SignatureSpec,
    /// Where a response says whether it succeeded.
    pub result: ResultSpec,
    /// Headers every request carries.
    pub request_headers: Vec<HeaderSpec>,
    /// Headers every response carries.
    pub response_headers: Vec<HeaderSpec>,
    /// The endpoints, keyed by a kebab-case id such as `inquiry-balance`.
    pub endpoints: BTreeMap<String, EndpointSpec>,
}

/// Base URLs of the gateway's environments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Environments {
    /// The sandbox base URL, e.g. `https://sandbox-gateway.smilepayz.com`.
    pub sandbox: String,
    /// The production base URL, e.g. `https://gateway.smilepayz.com`.
    pub production: String,
}

/// How requests are signed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SignatureSpec {
    /// The scheme the gateway checks.
    pub scheme: SignatureScheme,
    /// Other schemes the documentation describes, which the SDK also implements.
    #[serde(default)]
    pub also_documented: Vec<SignatureScheme>,
    /// The parts of the string to sign, in order.
    pub string_to_sign: Vec<SignPart>,
    /// What joins the parts, e.g. `"|"`.
    pub separator: String,
    /// How far, in seconds, X-TIMESTAMP may be from the gateway's clock.
    pub clock_skew_seconds: u32,
}

/// A request signature scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SignatureScheme {
    /// Base64(RSASSA-PKCS1-v1_5 / SHA-256 with the merchant's RSA private key).
    Sha256WithRsa,
    /// Base64(HMAC-SHA512 keyed with the merchant secret).
    HmacSha512,
}

impl SignatureScheme {
    /// The spec's name for the scheme.
    pub fn as_str(self) -> &'static str {
        match self {
            SignatureScheme::Sha256WithRsa => "sha256-with-rsa",
            SignatureScheme::HmacSha512 => "hmac-sha512",
        }
    }
}

/// One part of the string to sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum SignPart {
    /// The X-TIMESTAMP header, byte for byte.
    Timestamp,
    /// The merchant secret, as text.
    MerchantSecret,
    /// The request body, the exact bytes sent.
    Body,
}

/// Where a response says whether it succeeded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResultSpec {
    /// The response field holding the result code, e.g. `code`.
    pub code_field: String,
    /// The response field holding the human-readable message, e.g. `message`.
    pub message_field: String,
    /// The code that means success, e.g. `"00"`.
    pub success_code: String,
}

/// An HTTP header.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HeaderSpec {
    /// The header's name, e.g. `X-TIMESTAMP`.
    pub name: String,
    /// Mandatory (M) or optional (O).
    pub required: bool,
    /// The type column of the documentation, e.g. `String`.
    #[serde(rename = "type")]
    pub doc_type: String,
    /// The header's fixed value, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What the documentation says of it.
    pub description: String,
}

/// One endpoint, as all regions share it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EndpointSpec {
    /// The prefix of the generated type names, e.g. `InquiryBalance`.
    pub type_prefix: String,
    /// The documentation page's title.
    pub title: String,
    /// What the endpoint does.
    pub summary: String,
    /// The HTTP method.
    pub method: HttpMethod,
    /// The path, e.g. `/v2.0/inquiry-balance`.
    pub path: String,
    /// The service code the gateway gives the endpoint, e.g. `"11"`.
    pub service_code: String,
    /// Whether the endpoint only reads, so that retrying it is safe.
    pub read_only: bool,
    /// The page's "Important Notes".
    #[serde(default)]
    pub notes: Vec<String>,
    /// The request body's fields.
    pub request: Vec<FieldSpec>,
    /// The response body's fields.
    pub response: Vec<FieldSpec>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HttpMethod {
    /// `POST`, which every v2.0 endpoint uses.
    #[serde(rename = "POST")]
    Post,
}

/// One field of a request or response body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The field's name on the wire (its JSON key), e.g. `accountNo`.
    pub name: String,
    /// Mandatory (M, `true`) or optional (O, `false`).
    pub required: bool,
    /// The Rust field name, when the snake_case form of `name` is not a usable identifier
    /// (a non-ASCII name, say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rust_name: Option<String>,
    /// What kind of value the field holds.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// For a `list`, the kind of its items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<FieldKind>,
    /// The type column of the documentation, e.g. `String(128)`.
    pub doc_type: String,
    /// For a `string`, its greatest length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// What the documentation says of the field.
    pub description: String,
    /// Example values from the documentation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// The documented default value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// For an `object`, the name of its generated type, e.g. `AccountInfo`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// For an `object`: accept one object or an array of them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_or_many: bool,
    /// For an `object` or `money`, its fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSpec>,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    /// A string.
    String,
    /// A balance type code, one of the region's `balance_types`.
    BalanceType,
    /// A list; `items` says of what.
    List,
    /// An object with `fields`, generated as its own type named by `type_name`.
    Object,
    /// `{ "currency": …, "value": "…" }` in the region's currency, read as an exact decimal.
    Money,
    /// A JSON object, also accepted as a string that holds one.
    JsonObject,
}

impl FieldKind {
    /// The spec's name for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::String => "string",
            FieldKind::BalanceType => "balance-type",
            FieldKind::List => "list",
            FieldKind::Object => "object",
            FieldKind::Money => "money",
            FieldKind::JsonObject => "json-object",
        }
    }
}

/// `spec/regions/<code>.yaml`: what one region says of its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "Smilepayz region spec (one file per region)")]
pub struct RegionSpec {
    /// The region's code, upper case, matching the file name: `THB` in `thb.yaml`.
    pub code: String,
    /// The region's name, e.g. `Thailand`.
    pub name: String,
    /// One line from the region's documentation page.
    pub summary: String,
    /// The currency every amount in the region is in, e.g. `THB`.
    pub currency: String,
    /// The gateway's area code for the region, e.g. `11`.
    pub area_code: u16,
    /// How amounts are written: `integer`, or `#.` and one `#` per decimal place (`#.##`).
    pub money_format: String,
    /// The UTC offset of the region's X-TIMESTAMP, `±HH:MM`, e.g. `"+07:00"`.
    pub timestamp_offset: String,
    /// The balance type codes the region accepts, e.g. `[BALANCE]`.
    pub balance_types: Vec<String>,
    /// What the region says of each endpoint, keyed by the endpoint's id in `gateway.yaml`.
    #[serde(default)]
    pub endpoints: BTreeMap<String, RegionEndpoint>,
}

/// What a region says of one endpoint.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RegionEndpoint {
    /// The region's own wording for shared fields, keyed by path: `request.accountNo`,
    /// `response.accountInfos.amount.currency`, `header.X-TIMESTAMP`,
    /// `response-header.X-TIMESTAMP`.
    #[serde(default)]
    pub field_notes: BTreeMap<String, String>,
    /// Fields only this region has.
    #[serde(default)]
    pub extra_fields: ExtraFields,
    /// Examples from the region's documentation page.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
}

/// Fields only one region has.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExtraFields {
    /// Extra request body fields.
    #[serde(default)]
    pub request: Vec<FieldSpec>,
    /// Extra response body fields.
    #[serde(default)]
    pub response: Vec<FieldSpec>,
}

/// An example exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleSpec {
    /// A short name, unique within the endpoint, e.g. `seed`.
    pub name: String,
    /// Where the example comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<ExampleMessage>,
    /// The response.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ExampleMessage>,
}

/// The headers and body of an example request or response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExampleMessage {
    /// Headers, by name.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The JSON body.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<serde_json::Value>,
}
