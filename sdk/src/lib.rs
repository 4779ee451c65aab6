//! A typed client for the Smilepayz payment gateway (API v2.0), generated region by region
//! from the YAML spec in the repository's `spec/` folder.
//!
//! Each region is a module, such as [`regions::thb`], whose request and response types are
//! fixed to the region's currency; [`Region`] picks one at run time.
//!
//! ```
//! use smilepayz::regions::thb;
//! use smilepayz::definitions::BalanceType;
//!
//! let request = thb::InquiryBalanceRequest::new("21120030202403071031", [BalanceType::Balance])?;
//! assert_eq!(
//!     serde_json::to_string(&request)?,
//!     r#"{"accountNo":"21120030202403071031","balanceTypes":["BALANCE"]}"#
//! );
//!
//! // A THB response is read as THB; one in another currency is an error.
//! let body = r#"{"code":"00","message":"Successful","accountInfos":{"balanceType":"BALANCE",
//!     "amount":{"currency":"THB","value":"250000.50"},
//!     "availableBalance":{"currency":"THB","value":"250000"}}}"#;
//! let response: thb::InquiryBalanceResponse = serde_json::from_str(body)?;
//! let info = response.account_infos.first().expect("one entry");
//! assert_eq!(info.amount.value().to_string(), "250000.50");
//! assert!(serde_json::from_str::<thb::InquiryBalanceResponse>(&body.replace("THB", "USD")).is_err());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod api;
pub mod callback;
#[cfg(feature = "client")]
pub mod client;
#[cfg(feature = "emulator")]
pub mod emulator;
mod error;
pub mod money;
pub mod order_no;
mod region;
pub mod rules;
pub mod signing;
pub mod timestamp;
mod wire;

pub use api::{
    ApiRequest, EndpointInfo, Example, ExampleMessage, GatewayResponse, HeaderInfo, SignPart,
};
#[cfg(feature = "client")]
pub use client::{
    Client, ClientBuilder, ConfigError, Environment, Error, RetryPolicy, SignedRequest,
    decode_response,
};
pub use error::{FieldProblem, ValidationError};
pub use money::{Amount, AmountError, Decimal, Money, TransactionMoney};
pub use order_no::{OrderNo, OrderNoError};
pub use region::{RegionEndpoint, RegionInfo, RegionSpec, UnknownRegion};
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
