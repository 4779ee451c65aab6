//! `dispatch!`: the `match` over the regions that offer an endpoint, written once.
//!
//! The generated run-time types (`AnyPayInRequest`, `AnyPayInResponse`, their builder) hold
//! one variant per region, and each of their accessors, setters and conversions does the same
//! thing in every region. Instead of an arm per region in each of them, every endpoint's
//! generated module defines a local `each_region!` that hands its list of regions
//! (`[Brl brl " Brazil (BRL).", …]`: the variant, the region's module and the variant's
//! documentation) to this macro, which writes the enums' variants and the arms. Adding a region
//! adds one entry to that list, not a variant to every enum and an arm to every accessor.
//!
//! The forms (after the list):
//! - `enum #[attributes] pub enum Any(Typed) { more variants }`: the enum with a variant
//!   `Brl(Typed<Brl>)` per region, documented, then `more variants`;
//! - `from Typed => Any`: `impl From<Typed<Marker>> for Any`, one per region;
//! - `region r, R => body, _ => none`: `body` with `R` the marker type of the region `r`, or
//!   `none` when the endpoint is not offered there;
//! - `start r, Enum, R => body, _ => none`: the same, with `body` wrapped in `Enum`'s variant
//!   for `r`;
//! - `map value, Enum, v => body, more arms…`: `body` with `v` bound to what `value` holds,
//!   wrapped back in the same region's variant;
//! - `typed value, Enum, v, R => body`: `body` with `v` bound and `R` the region's marker;
//! - `value, Enum, v => body, more arms…`: `body` with `v` bound, whatever the region.

macro_rules! dispatch {
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] enum $(#[$attr:meta])* $vis:vis enum $any:ident($typed:ident) { $($more:tt)* }) => {
        $(#[$attr])*
        $vis enum $any {
            $(#[doc = $doc] $variant($typed<$crate::regions::$module::$variant>),)*
            $($more)*
        }
    };
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] from $typed:ident => $any:ident) => {
        $(
            impl ::core::convert::From<$typed<$crate::regions::$module::$variant>> for $any {
                #[inline]
                fn from(value: $typed<$crate::regions::$module::$variant>) -> Self {
                    Self::$variant(value)
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
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] start $region:expr, $any:ident, $r:ident => $body:expr, _ => $none:expr) => {
        match $region {
            $($crate::Region::$variant => {
                type $r = $crate::regions::$module::$variant;
                $any::$variant($body)
            })*
            #[allow(unreachable_patterns, reason = "when every region offers the endpoint")]
            _ => $none,
        }
    };
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] map $value:expr, $any:ident, $v:pat => $body:expr $(, $pat:pat => $other:expr)* $(,)?) => {
        match $value {
            $($any::$variant($v) => $any::$variant($body),)*
            $($pat => $other,)*
        }
    };
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] typed $value:expr, $any:ident, $v:pat, $r:ident => $body:expr) => {
        match $value {
            $($any::$variant($v) => {
                type $r = $crate::regions::$module::$variant;
                $body
            })*
        }
    };
    ([$($variant:ident $module:ident $doc:literal),* $(,)?] $value:expr, $any:ident, $v:pat => $body:expr $(, $pat:pat => $other:expr)* $(,)?) => {
        match $value {
            $($any::$variant($v) => $body,)*
            $($pat => $other,)*
        }
    };
}

pub(crate) use dispatch;
