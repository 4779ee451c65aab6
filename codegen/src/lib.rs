//! The engine behind the smilepayz SDK: loads the Smilepayz gateway spec (YAML) and emits
//! the SDK's typed Rust modules.
//!
//! The SDK's build script, the `smilepayz-codegen` command and the snapshot tests are thin
//! shells over three calls: [`load`] a spec folder (every problem reported with
//! `file:line:column`), [`generate`] Rust from it, and, for people, [`reference_markdown`].

// The engine, private: what the build script, the command and the tests use is re-exported
// below (as progenitor's `Generator` and typify's `TypeSpace` keep theirs behind one type).
mod emit;
mod load;
mod naming;
mod page;
mod parallel;
mod problem;
#[cfg(feature = "cli")]
mod reference;
mod schema_check;

// Public: what a loaded [`Spec`] is made of (its fields are these types), the fingerprint
// `cargo regenerate` writes, and the pieces the cross-checking tests compare the SDK's own
// implementations with (the JSON tree with locations, the string-pattern language).
pub mod fingerprint;
pub mod model;
pub mod node;
pub mod pattern;
pub mod spec;

pub use emit::{EmitError, FILES_HEADER, generate, generate_files, region_source, shared_source};
pub use load::{load, spec_files};
pub use model::{Region, Spec};
pub use page::{region_page, shared_page};
pub use problem::{Location, Problem, Problems};
#[cfg(feature = "cli")]
pub use reference::reference_markdown;

/// The JSON Schema of `gateway.yaml`, produced from [`spec::GatewaySpec`].
pub fn gateway_schema() -> schemars::Schema {
    schemars::schema_for!(spec::GatewaySpec)
}

/// The JSON Schema of a region file, produced from [`spec::RegionSpec`].
pub fn region_schema() -> schemars::Schema {
    schemars::schema_for!(spec::RegionSpec)
}

pub(crate) fn gateway_schema_json() -> serde_json::Value {
    gateway_schema().to_value()
}

pub(crate) fn region_schema_json() -> serde_json::Value {
    region_schema().to_value()
}

/// A schema as committed under `spec/schema/`: pretty JSON with a final newline.
pub fn schema_text(schema: &schemars::Schema) -> String {
    let mut text = serde_json::to_string_pretty(schema).unwrap_or_default();
    text.push('\n');
    text
}
