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
    /// Shared definitions, keyed by their PascalCase type name (`Merchant`, `BalanceType`),
    /// referenced from fields with `ref:`.
    #[serde(default)]
    pub definitions: BTreeMap<String, DefinitionSpec>,
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
    /// What the endpoint does, in the source page's words.
    pub summary: String,
    /// What the endpoint does, written for the SDK's reference (rustdoc). Falls back to
    /// `summary` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
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
    /// Groups of request fields of which at least one must be present, e.g.
    /// `[[orderNo, tradeNo]]`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_least_one_of: Vec<Vec<String>>,
    /// The request body's fields.
    pub request: Vec<FieldSpec>,
    /// The response body's fields.
    pub response: Vec<FieldSpec>,
    /// The notification the gateway POSTs to the merchant's `callbackUrl` when an order of
    /// this endpoint reaches a final status (pay-in, pay-out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub callback: Option<CallbackSpec>,
}

/// A callback: a body the gateway sends to the merchant, signed over `tradeNo|X-TIMESTAMP`
/// with the platform key, answered with the text `SUCCESS`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CallbackSpec {
    /// The PascalCase name of the generated notification type, e.g. `PayInNotification`.
    pub type_name: String,
    /// The documentation page's title, e.g. `Pay-in notification`.
    pub title: String,
    /// What the notification is, in our own words (rustdoc).
    pub doc: String,
    /// Where the field list comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// The body's fields. One of them must be the signed `tradeNo`, a required string.
    pub fields: Vec<FieldSpec>,
}

/// An HTTP method.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HttpMethod {
    /// `POST`, which every v2.0 endpoint uses.
    #[serde(rename = "POST")]
    Post,
}

/// One field of a request or response body (or of an object inside one).
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
    /// What kind of value the field holds. Leave it out when `ref` names a definition.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<FieldKind>,
    /// The name of a shared definition (under `definitions:` in gateway.yaml) the field
    /// holds, or for a `list`, that its items are.
    #[serde(rename = "ref", default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// For a `list`, the kind of its items; an `enum` or `object` item is described by this
    /// field's own `values` or `fields` (or `ref`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub items: Option<FieldKind>,
    /// The type column of the documentation, e.g. `String(128)`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub doc_type: String,
    /// What the field is, written for the SDK's reference (rustdoc).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// What the source page says of the field, verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Where `description` (or the field itself) comes from, e.g. `ENDPOINTS.md §2.1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For a `string`, its least length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// For a `string`, its greatest length in characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// For a `string`, the characters it may hold.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chars: Option<CharSet>,
    /// For a `string`, the shape the whole value must have: alternatives separated by `|`, each
    /// a sequence of characters and classes like `[A-Z0-9]` with counts like `{4}`, `{7,8}`,
    /// `?`, `*`, `+` (no groups or wildcards), e.g. `"[A-Z]{4}0[A-Z0-9]{6}"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// For an `integer`, its least value (a whole number); for a `decimal`, its least value
    /// as a string, e.g. `"0.01"`; for `money`, the least amount a request may carry, as a
    /// string (every request amount is more than 0 in any case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Value>,
    /// For an `integer`, `decimal` or `money`, its greatest value (as for `minimum`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Value>,
    /// For a `list`, its least number of items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u32>,
    /// For a `list`, its greatest number of items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// For an `enum`, its values: strings or whole numbers, each bare or as
    /// `{value, name, doc}`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
    /// For an `enum`: whether the gateway may send values not listed (status, payment
    /// method). An open enum keeps such a value as `Unknown`; a closed one refuses it.
    /// Open by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// For a `timestamp`: whether it carries a UTC offset (`…±HH:MM`). True by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<bool>,
    /// For `money`: which of the gateway's two shapes it has. `value-string` by default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<MoneyShape>,
    /// Example values from the documentation.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub examples: Vec<serde_json::Value>,
    /// The documented default value: what a request builder sends when it is not set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
    /// For an inline `object` or `enum`, the name of its generated type, e.g. `AccountInfo`.
    /// Unique within the endpoint (each endpoint has its own namespace).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// For an `object`: accept one object or an array of them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub one_or_many: bool,
    /// For an `object`, its fields. For `money`, optional documentation of its two fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSpec>,
}

/// A shared definition: an object, enum or money type written once under `definitions:`
/// and referenced with `ref:` from any endpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DefinitionSpec {
    /// `object`, `enum` or `money`.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// What it is, written for the SDK's reference (rustdoc).
    pub doc: String,
    /// Where it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// For an `object`, its fields.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<FieldSpec>,
    /// For an `enum`, its values.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<EnumValue>,
    /// For an `enum`: whether values not listed are kept (true, the default) or refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open: Option<bool>,
    /// For `money`, its shape.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shape: Option<MoneyShape>,
}

/// One value of an enum.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum EnumValue {
    /// A bare whole number, e.g. `1`.
    Integer(i64),
    /// A bare string, e.g. `SUCCESS`.
    Text(String),
    /// A value with a Rust name and documentation.
    Described(DescribedValue),
}

/// An enum value with a Rust name and documentation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DescribedValue {
    /// The value on the wire: a string or a whole number.
    pub value: serde_json::Value,
    /// The Rust variant name (PascalCase), e.g. `PayIn`. Derived from the value when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What the value means.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
}

/// The characters a string may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum CharSet {
    /// ASCII letters and digits.
    Alphanumeric,
    /// ASCII digits.
    Digits,
    /// Printable ASCII (space to `~`).
    Ascii,
}

impl CharSet {
    /// The spec's name for the set.
    pub fn as_str(self) -> &'static str {
        match self {
            CharSet::Alphanumeric => "alphanumeric",
            CharSet::Digits => "digits",
            CharSet::Ascii => "ascii",
        }
    }
}

/// The two shapes of money on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum MoneyShape {
    /// `{"currency": "THB", "value": "250000.00"}`: balances.
    ValueString,
    /// `{"currency": "THB", "amount": 250000.00}`: transactions.
    AmountNumber,
}

/// What kind of value a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FieldKind {
    /// A string.
    String,
    /// A whole number.
    Integer,
    /// An exact decimal number, never read through a float.
    Decimal,
    /// `true` or `false`.
    Boolean,
    /// `yyyy-MM-ddTHH:mm:ss`, with `±HH:MM` unless `offset: false`.
    Timestamp,
    /// One of a set of values (`values`).
    Enum,
    /// A list; `items` says of what.
    List,
    /// An object with `fields`, generated as its own type named by `type_name`.
    Object,
    /// Money in the region's currency, read as an exact decimal; `shape` says which form.
    Money,
    /// A JSON object, also accepted as a string that holds one.
    JsonObject,
    /// A string that holds JSON.
    JsonString,
}

impl FieldKind {
    /// The spec's name for the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::String => "string",
            FieldKind::Integer => "integer",
            FieldKind::Decimal => "decimal",
            FieldKind::Boolean => "boolean",
            FieldKind::Timestamp => "timestamp",
            FieldKind::Enum => "enum",
            FieldKind::List => "list",
            FieldKind::Object => "object",
            FieldKind::Money => "money",
            FieldKind::JsonObject => "json-object",
            FieldKind::JsonString => "json-string",
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
    /// What the region offers, in one line of plain English (rustdoc and the reference page
    /// show it; a page's own wording in another language belongs in a comment).
    pub summary: String,
    /// The currency every amount in the region is in, e.g. `THB`.
    pub currency: String,
    /// The gateway's area code for the region, e.g. `11`.
    pub area_code: u16,
    /// How amounts are written: `integer`, or `#.` and one `#` per decimal place (`#.##`).
    pub money_format: String,
    /// The UTC offset of the region's X-TIMESTAMP, `±HH:MM`, e.g. `"+07:00"`.
    pub timestamp_offset: String,
    /// The endpoints the region offers, keyed by their id in `gateway.yaml`, with what the
    /// region says of each. An endpoint not listed does not exist in the region's module.
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
    /// Changes to shared fields in this region, keyed by path (`request.payer`,
    /// `request.payer.accountNo`): made required, other limits, fewer allowed values.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub overrides: BTreeMap<String, OverrideSpec>,
    /// Fields only this region has.
    #[serde(default)]
    pub extra_fields: ExtraFields,
    /// Examples from the region's documentation page.
    #[serde(default)]
    pub examples: Vec<ExampleSpec>,
}

/// A condition under which a field is mandatory: a top-level request field's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequiredWhenSpec {
    /// The top-level request field whose value decides, e.g. `paymentMethod`.
    pub field: String,
    /// The values (strings, or whole numbers for an integer enum) that make the field
    /// mandatory.
    pub values: Vec<serde_json::Value>,
}

/// How a region changes one shared field. Every key is optional; what is not given stays as
/// `gateway.yaml` says.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OverrideSpec {
    /// `true` makes an optional field mandatory in this region. (A region cannot make a
    /// mandatory field optional: make it optional in gateway.yaml and mandatory where needed.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<bool>,
    /// A string's least length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    /// A string's greatest length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// A string's characters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chars: Option<CharSet>,
    /// The shape a string's whole value must have (see a field's `pattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// A number's least value, or the least amount of money a request may carry (a decimal
    /// in a string, more than 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<serde_json::Value>,
    /// A number's greatest value, or the greatest amount of money a request may carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<serde_json::Value>,
    /// A list's least number of items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_items: Option<u32>,
    /// A list's greatest number of items.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_items: Option<u32>,
    /// An enum's (or a list of enums') values allowed in this region's requests: a subset of
    /// the listed values or, for an open enum, any values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<serde_json::Value>>,
    /// The region's own documentation of the field, added to the shared one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doc: Option<String>,
    /// Makes an optional request field mandatory when a top-level request field has one of
    /// the given values: `{field: paymentMethod, values: [W_OVO]}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_when: Option<RequiredWhenSpec>,
    /// For an object: groups of its fields of which at least one must be sent whenever the
    /// object is, e.g. `[[idNumber, identity]]` (two names for a document number).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub at_least_one_of: Vec<Vec<String>>,
    /// The value a request builder fills in, in this region, when the field is not set: a
    /// top-level request field that is optional in `gateway.yaml`, e.g. `CASHIER_CO`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default: Option<serde_json::Value>,
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
    /// Fields only this region has inside a shared request object, keyed by the object's path:
    /// `request.receiver` (a top-level request field holding an object).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub inside: BTreeMap<String, Vec<FieldSpec>>,
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
