//! `dispatch!`: what the run-time `Any…` types write once per region, and nothing else.
//!
//! The generated run-time types (`AnyPayInRequest`, `AnyPayInResponse`, …) are enums with one
//! variant per region that offers the endpoint. Their accessors and their builder's setters do
//! the same thing in every region, so they are not a `match` with an arm per region: each goes
//! through a trait object (the endpoint module's private `…View` and `…Ops` traits), whose one
//! impl is generic over the region. What stays per region is small: the variants, one `match`
//! that reaches the typed value (`view`), one that reads JSON or starts a builder in a region
//! given at run time, and one [`Wrap`] impl per region and type. Every endpoint's generated
//! module defines a local `each_region!` that hands its list of regions
//! (`[Brl brl " Brazil (BRL).", …]`: the variant, the region's module and the variant's
//! documentation) to this macro. Adding a region adds one entry to that list.
//!
//! The forms (after the list):
//! - `enum #[attributes] pub enum Any(Typed) { more variants }`: the enum with a variant
//!   `Brl(Typed<Brl>)` per region, documented, then `more variants`;
//! - `wrap Typed => Any`: `impl Wrap<Typed<Marker>, Any> for Marker`, one per region, which the
//!   generic `From<Typed<R>> for Any` calls;
//! - `region r, R => body, _ => none`: `body` with `R` the marker type of the region `r`, or
//!   `none` when the endpoint is not offered there;
//! - `value, Enum, v => body`: `body` with `v` bound to what `value` holds, whatever the region.

use serde::de::DeserializeOwned;

use crate::{ReadError, Region};

/// How a region's typed message becomes its variant of the run-time enum.
///
/// Implemented on the region's marker type (`regions::thb::Thb`), one impl per region and
/// `Any…` type, so that `From<PayInRequest<R>> for AnyPayInRequest` is one generic impl: a
/// `From` impl per region would all have the same self type, which the compiler compares
/// pairwise, and at a thousand regions that alone took ten seconds of every build.
pub trait Wrap<Typed, Any> {
    /// `Any::Region(value)`.
    fn wrap(value: Typed) -> Any;
}

/// Reads `json` as the region's typed message `T` and wraps it in its run-time enum `A`.
#[inline]
pub(crate) fn read<T: DeserializeOwned + Into<A>, A>(
    endpoint: &'static str,
    region: Region,
    what: &'static str,
    json: &[u8],
) -> Result<A, ReadError> {
    serde_json::from_slice::<T>(json)
        .map(Into::into)
        .map_err(|e| ReadError::json(endpoint, region, what, e))
}

/// What a run-time request's `send` returns: the send of the typed request it holds, boxed, so
/// that one generic impl serves every region.
#[cfg(feature = "client")]
pub(crate) type Sending<'a, T> =
    core::pin::Pin<Box<dyn core::future::Future<Output = Result<T, crate::Error>> + Send + 'a>>;

macro_rules! dispatch {
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] enum $(#[$attr:meta])* $vis:vis enum $any:ident($typed:ident) { $($more:tt)* }) => {
        $(#[$attr])*
        $vis enum $any {
            $(#[doc = $doc] $variant($typed<$crate::regions::$module::$variant>),)*
            $($more)*
        }
    };
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] wrap $typed:ident => $any:ident) => {
        $(
            impl $crate::dispatch::Wrap<$typed<$crate::regions::$module::$variant>, $any>
                for $crate::regions::$module::$variant
            {
                #[inline]
                fn wrap(value: $typed<$crate::regions::$module::$variant>) -> $any {
                    $any::$variant(value)
                }
            }
        )*
    };
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] region $region:expr, $r:ident => $body:expr, _ => $none:expr) => {
        match $region {
            $($crate::Region::$variant => {
                type $r = $crate::regions::$module::$variant;
                $body
            })*
            #[allow(unreachable_patterns, reason = "when every region offers the endpoint")]
            _ => $none,
        }
    };
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] $value:expr, $any:ident, $v:pat => $body:expr) => {
        match $value {
            $($any::$variant($v) => $body,)*
        }
    };
}

pub(crate) use dispatch;
