//! The resolved model the emitter works from: every `ref` replaced by its definition, every
//! kind checked with the attributes it allows, and, per region, the shared fields with the
//! region's overrides applied and its extra fields added.
//!
//! The spec types in [`crate::spec`] say what a file may contain; this module says what it
//! means. Each check reports a located problem (file, line, column, what, how to fix) and
//! resolution carries on, so one run shows every problem.
//!
//! Here: the model's types ([`Spec`], [`Endpoint`], [`Region`], [`Field`], [`Ty`], …);
//! `resolve` (spec fields to model fields), `definitions` (shared types, enums, limits),
//! `money` (amounts and decimal text) and `check` (a JSON value against the model).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use heck::ToPascalCase;
use serde_json::Value;

use crate::naming;
use crate::node::Node;
use crate::problem::{Location, Problems};
use crate::spec::{
    CharSet, DefinitionSpec, EndpointSpec, EnumValue, FieldKind, FieldSpec, GatewaySpec,
    MoneyShape, RegionEndpoint, RegionSpec,
};

mod check;
mod definitions;
mod money;
mod resolve;

pub use check::*;
pub use definitions::*;
pub use money::*;
pub use resolve::*;

/// A loaded, checked spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// What all regions share, as written.
    pub gateway: GatewaySpec,
    /// The shared definitions, resolved, by name.
    pub definitions: BTreeMap<String, Definition>,
    /// The endpoints, resolved, ordered by id.
    pub endpoints: Vec<Endpoint>,
    /// The regions, ordered by code.
    pub regions: Vec<Region>,
}

/// A resolved endpoint: its shared fields, as the generated types have them.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Its id, e.g. `inquiry-status`.
    pub id: String,
    /// Its Rust module name, e.g. `inquiry_status`.
    pub module: String,
    /// What gateway.yaml says of it.
    pub spec: EndpointSpec,
    /// The request's fields.
    pub request: Vec<Field>,
    /// The response's fields.
    pub response: Vec<Field>,
    /// Every type name in the endpoint's namespace (generated and inline), with the field
    /// that named it: a region's extra fields must not reuse them.
    pub types: Namespace,
    /// The endpoint's callback (notification) body fields, when it has one.
    pub callback: Option<Vec<Field>>,
}

/// A loaded, checked region.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The file it came from.
    pub file: PathBuf,
    /// What the file says.
    pub spec: RegionSpec,
    /// Its Rust module name, e.g. `thb`.
    pub module: String,
    /// Its Rust type name, e.g. `Thb`.
    pub type_name: String,
    /// Its X-TIMESTAMP offset from UTC in seconds.
    pub utc_offset_seconds: i32,
    /// Decimal places of its money format.
    pub money_scale: u8,
    /// The endpoints it offers, ordered by id, with its overrides and extras applied.
    pub endpoints: Vec<RegionEndpointModel>,
}

/// One endpoint as one region offers it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionEndpointModel {
    /// The endpoint's id.
    pub id: String,
    /// The request's fields in this region: shared ones with overrides, then extras.
    pub request: Vec<Field>,
    /// The response's fields in this region.
    pub response: Vec<Field>,
    /// The request's extra fields alone.
    pub request_extras: Vec<Field>,
    /// The response's extra fields alone.
    pub response_extras: Vec<Field>,
    /// What the region file says of the endpoint.
    pub own: RegionEndpoint,
}

impl Spec {
    /// The endpoint with this id.
    pub fn endpoint(&self, id: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.id == id)
    }
}

impl Region {
    /// What the region says of one endpoint, when it offers it.
    pub fn endpoint(&self, id: &str) -> Option<&RegionEndpointModel> {
        self.endpoints.iter().find(|e| e.id == id)
    }
}

/// One step of a path into a spec file's tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A mapping key.
    Key(String),
    /// A list index.
    Index(usize),
}

/// A path into a spec file's tree.
pub type TreePath = Vec<Step>;

/// `[Key(a), Key(b), …]` from string keys.
pub fn keys(parts: &[&str]) -> TreePath {
    parts.iter().map(|k| Step::Key((*k).to_owned())).collect()
}

/// A file and its located tree, for reporting problems.
#[derive(Clone, Copy)]
pub struct Source<'a> {
    /// The parsed file.
    pub tree: &'a Node,
    /// Its path.
    pub file: &'a Path,
}

impl Source<'_> {
    /// Where the value at `path` was written, or the deepest place on the way that exists.
    pub fn at(&self, path: &[Step]) -> Location {
        let mut node = self.tree;
        let mut at = (node.line, node.column);
        for step in path {
            let next = match step {
                Step::Key(key) => node.get(key),
                Step::Index(i) => node.index(*i),
            };
            match next {
                Some(n) => {
                    node = n;
                    at = (n.line, n.column);
                }
                None => break,
            }
        }
        Location {
            file: self.file.to_path_buf(),
            line: at.0,
            column: at.1,
        }
    }

    /// Where the key at the end of `parent` + `key` was written.
    pub fn at_key(&self, parent: &[Step], key: &str) -> Location {
        let mut node = self.tree;
        for step in parent {
            let next = match step {
                Step::Key(k) => node.get(k),
                Step::Index(i) => node.index(*i),
            };
            match next {
                Some(n) => node = n,
                None => return self.at(parent),
            }
        }
        match node.entry(key) {
            Some((k, _)) => Location {
                file: self.file.to_path_buf(),
                line: k.line,
                column: k.column,
            },
            None => self.at(parent),
        }
    }
}

fn with(path: &[Step], more: &[Step]) -> TreePath {
    let mut p = path.to_vec();
    p.extend_from_slice(more);
    p
}

fn key(k: &str) -> Step {
    Step::Key(k.to_owned())
}

/// Where a generated type lives.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeName {
    /// In the endpoint's own module (or, for a region's extra fields, the region's).
    Local(String),
    /// In `definitions`, shared by every endpoint.
    Shared(String),
}

impl TypeName {
    /// The bare name.
    pub fn name(&self) -> &str {
        match self {
            TypeName::Local(n) | TypeName::Shared(n) => n,
        }
    }
}

/// A resolved field.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The JSON key.
    pub name: String,
    /// The Rust field name.
    pub rust: String,
    /// Mandatory (in this region, once overrides are applied).
    pub required: bool,
    /// Mandatory in the shared spec: what the generated type says.
    pub type_required: bool,
    /// Its type.
    pub ty: Ty,
    /// Curated documentation (or the source's wording when there is none).
    pub doc: String,
    /// The source's wording, when a curated `doc` is given beside it.
    pub source_text: Option<String>,
    /// Where the wording comes from.
    pub source: Option<String>,
    /// The type column of the documentation.
    pub doc_type: String,
    /// The default value.
    pub default: Option<Value>,
    /// Example values.
    pub examples: Vec<Value>,
    /// The region's own note (from an override's `doc`).
    pub region_doc: Option<String>,
    /// Mandatory when a top-level request field has one of some values (a region's override).
    pub required_when: Option<RequiredWhen>,
}

/// A condition that makes a field mandatory: the top-level request field `field` holds one of
/// `values` (as text: a string, or a whole number's digits).
#[derive(Debug, Clone, PartialEq)]
pub struct RequiredWhen {
    /// The deciding field's JSON name.
    pub field: String,
    /// The values that make the field mandatory.
    pub values: Vec<String>,
}

/// A resolved type.
#[derive(Debug, Clone, PartialEq)]
pub enum Ty {
    /// A string.
    String {
        /// Least length.
        min_length: Option<u32>,
        /// Greatest length.
        max_length: Option<u32>,
        /// Allowed characters.
        chars: Option<CharSet>,
        /// The shape the whole value must have.
        pattern: Option<crate::pattern::Pattern>,
    },
    /// A whole number.
    Integer {
        /// Least value.
        minimum: Option<i64>,
        /// Greatest value.
        maximum: Option<i64>,
    },
    /// An exact decimal.
    Decimal {
        /// Least value, as decimal text.
        minimum: Option<String>,
        /// Greatest value, as decimal text.
        maximum: Option<String>,
    },
    /// A boolean.
    Boolean,
    /// A timestamp.
    Timestamp {
        /// Whether it carries a UTC offset.
        offset: bool,
    },
    /// An enum.
    Enum(EnumType),
    /// A list.
    List {
        /// The items' type.
        item: Box<Ty>,
        /// Least number of items.
        min_items: Option<u32>,
        /// Greatest number of items.
        max_items: Option<u32>,
    },
    /// An object.
    Object {
        /// The object type.
        object: ObjectType,
        /// One object, or a list of them.
        one_or_many: bool,
    },
    /// Money in the region's currency.
    Money(MoneyTy),
    /// A JSON object or a string holding one.
    JsonObject,
    /// A string holding JSON.
    JsonString,
}

/// Money in the region's currency: its shape, and the bounds of a request's amount.
///
/// Every amount a request carries is more than 0 and at most [`MAX_REQUEST_AMOUNT`], whatever
/// the spec says; `minimum` and `maximum` (inclusive) narrow that, per field or per region.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyTy {
    /// `{currency, value: "…"}` or `{currency, amount: …}`.
    pub shape: MoneyShape,
    /// The least amount a request may carry, as a plain decimal.
    pub minimum: Option<String>,
    /// The greatest amount a request may carry, as a plain decimal.
    pub maximum: Option<String>,
}

impl MoneyTy {
    /// Money of `shape` with no bounds beyond the shared floor and ceiling.
    pub fn new(shape: MoneyShape) -> Self {
        MoneyTy {
            shape,
            minimum: None,
            maximum: None,
        }
    }
}

/// A resolved enum type.
#[derive(Debug, Clone, PartialEq)]
pub struct EnumType {
    /// Its generated type.
    pub name: TypeName,
    /// Documentation of the type.
    pub doc: String,
    /// Its values.
    pub variants: Vec<Variant>,
    /// Whether unknown values are kept.
    pub open: bool,
    /// Whether the values are whole numbers.
    pub integer: bool,
    /// The values allowed in this region's requests, when a region restricts them.
    pub allowed: Option<Vec<String>>,
}

/// An enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// The value as text (`"1"`, `"SUCCESS"`).
    pub wire: String,
    /// The Rust variant name.
    pub name: String,
    /// What it means.
    pub doc: Option<String>,
}

/// A resolved object type.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectType {
    /// Its generated type.
    pub name: TypeName,
    /// Documentation of the type.
    pub doc: String,
    /// Its fields.
    pub fields: Vec<Field>,
    /// Groups of its fields of which at least one must be present when the object is sent
    /// (a region's override: `at_least_one_of: [[idNumber, identity]]`).
    pub at_least_one_of: Vec<Vec<String>>,
    /// In an endpoint's shared request: the name of the variant's associated type that holds
    /// the fields some regions add inside this object (`ReceiverExtra`), when any region does.
    pub extra_slot: Option<String>,
    /// In a region's request: the names of its fields that only this region has (kept in the
    /// type's `extra`).
    pub region_fields: Vec<String>,
}

impl Ty {
    /// The object this type holds, alone or as the items of a list.
    pub fn object(&self) -> Option<&ObjectType> {
        match self {
            Ty::Object { object, .. } => Some(object),
            Ty::List { item, .. } => item.object(),
            _ => None,
        }
    }

    /// Whether the type mentions the region (money does, through its currency).
    pub fn uses_region(&self) -> bool {
        match self {
            Ty::Money(_) => true,
            Ty::List { item, .. } => item.uses_region(),
            Ty::Object { object, .. } => object.fields.iter().any(|f| f.ty.uses_region()),
            _ => false,
        }
    }

    /// The spec's name of the kind, for messages.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Ty::String { .. } => "string",
            Ty::Integer { .. } => "integer",
            Ty::Decimal { .. } => "decimal",
            Ty::Boolean => "boolean",
            Ty::Timestamp { .. } => "timestamp",
            Ty::Enum(_) => "enum",
            Ty::List { .. } => "list",
            Ty::Object { .. } => "object",
            Ty::Money(_) => "money",
            Ty::JsonObject => "json-object",
            Ty::JsonString => "json-string",
        }
    }
}

/// A resolved shared definition.
#[derive(Debug, Clone, PartialEq)]
pub enum Definition {
    /// An object type.
    Object(ObjectType),
    /// An enum type.
    Enum(EnumType),
    /// A money type (an alias of one of the two money shapes).
    Money {
        /// Its name.
        name: String,
        /// Its documentation.
        doc: String,
        /// Its shape and bounds.
        money: MoneyTy,
    },
}

impl Definition {
    /// The definition's name.
    pub fn name(&self) -> &str {
        match self {
            Definition::Object(o) => o.name.name(),
            Definition::Enum(e) => e.name.name(),
            Definition::Money { name, .. } => name,
        }
    }
}
