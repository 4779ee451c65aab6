#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub mod axum;
pub mod callback;
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub mod client;
mod dispatch;
mod error;
mod json;
pub mod money;
pub mod order_no;
mod region;
pub mod rules;
pub mod signing;
pub mod timestamp;
mod wire;

pub use api::{
    ApiRequest, EndpointInfo, Example, ExampleHeaders, ExampleMessage, GatewayResponse, HeaderInfo,
    SignPart,
};
#[cfg(feature = "client")]
#[cfg_attr(docsrs, doc(cfg(feature = "client")))]
pub use client::{
    Client, ClientBuilder, ConfigError, Environment, Error, ErrorKind, LOOKUP_BUDGET, Reconcilable,
    Reconciled, RetryPolicy, Sendable, Sent, SignedRequest, decode_response, decode_response_in,
};
pub use error::{FieldProblem, ValidationError};
pub use money::{Amount, AmountError, AnyMoney, Decimal, Money, TransactionMoney};
pub use order_no::{OrderNo, OrderNoError};
pub use region::{
    FromRegionJson, ReadError, RegionEndpoint, RegionInfo, RegionSpec, UnknownRegion,
};
pub use regions::Region;
pub use signing::SignatureScheme;
pub use wire::{ExtraFields, JsonObjectOrString, NoExtraFields, OneOrMany};

// The generated code: committed in src/generated/, or (feature `regenerate`, in the
// repository) generated afresh from the spec by the build script.
// Formatted by prettyplease, byte for byte as generated: `cargo fmt` leaves it alone.
#[cfg(not(smilepayz_regenerated))]
#[rustfmt::skip]
mod generated;
#[cfg(not(smilepayz_regenerated))]
pub use generated::{definitions, endpoints, gateway, regions};
#[cfg(smilepayz_regenerated)]
include!(concat!(env!("OUT_DIR"), "/smilepayz_generated.rs"));
