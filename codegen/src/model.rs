//! The resolved model the emitter works from: every `ref` replaced by its definition, every
//! kind checked with the attributes it allows, and, per region, the shared fields with the
//! region's overrides applied and its extra fields added.
//!
//! The spec types in [`crate::spec`] say what a file may contain; this module says what it
//! means. Each check reports a located problem (file, line, column, what, how to fix) and
//! resolution carries on, so one run shows every problem.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use heck::ToPascalCase;
use serde_json::Value;

use crate::naming;
use crate::node::Node;
use crate::problem::{Location, Problems};
use crate::spec::{CharSet, DefinitionSpec, EnumValue, FieldKind, FieldSpec, MoneyShape};

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

/// Every field with a condition under `fields`, by JSON path through objects (not lists).
pub fn conditions<'f>(
    prefix: &str,
    fields: &'f [Field],
    out: &mut Vec<(String, &'f RequiredWhen)>,
) {
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.clone()
        } else {
            format!("{prefix}.{}", field.name)
        };
        if let Some(condition) = &field.required_when {
            out.push((path.clone(), condition));
        }
        if let Ty::Object {
            object,
            one_or_many: false,
        } = &field.ty
        {
            conditions(&path, &object.fields, out);
        }
    }
}

/// The conditional requirements of `fields` against the whole `body`: each field whose
/// condition holds and which is absent (or null, or under an absent object) is reported, in
/// the order of the fields, as the SDK's `rules::check_required_when` does.
pub fn check_conditions(
    fields: &[Field],
    body: &Value,
    region: Option<&str>,
    out: &mut Vec<(String, String)>,
) {
    let mut found = Vec::new();
    conditions("", fields, &mut found);
    for (path, condition) in found {
        let decided = match body.get(&condition.field) {
            Some(Value::String(t)) => Some(t.clone()),
            Some(Value::Number(n)) if n.is_i64() => Some(n.to_string()),
            _ => None,
        };
        let Some(value) = decided.filter(|v| condition.values.contains(v)) else {
            continue;
        };
        let mut node = Some(body);
        for part in path.split('.') {
            node = node.and_then(|n| n.get(part)).filter(|n| !n.is_null());
        }
        if node.is_none() {
            let place = region.map(|r| format!(" in {r}")).unwrap_or_default();
            out.push((
                path,
                format!("required{place} when {} is {value}", condition.field),
            ));
        }
    }
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

/// The largest amount any request may carry: 15 digits before the decimal point. No region's
/// gateway takes more, and up to it a JSON number keeps its whole part exactly. The SDK's
/// `rules::MAX_REQUEST_AMOUNT` is the same value (a test holds them together).
pub const MAX_REQUEST_AMOUNT: &str = "999999999999999";

/// The most digits an amount may be written with (the SDK's `money::MAX_DIGITS`).
pub const MAX_AMOUNT_DIGITS: usize = 38;

/// What is wrong with a request's amount `text` (a plain decimal) under `money`'s bounds, in
/// `region` (its code, for the message), if anything: the words every checker uses.
pub fn amount_problem(text: &str, money: &MoneyTy, region: Option<&str>) -> Option<String> {
    use std::cmp::Ordering::{Greater, Less};
    let within = region.map(|r| format!(" in {r}")).unwrap_or_default();
    if compare_decimal(text, "0") != Some(Greater) {
        return Some("must be more than 0".to_owned());
    }
    if compare_decimal(text, MAX_REQUEST_AMOUNT) == Some(Greater) {
        return Some(format!(
            "is {text}; the largest amount a request may carry is {MAX_REQUEST_AMOUNT}"
        ));
    }
    if let Some(min) = &money.minimum
        && compare_decimal(text, min) == Some(Less)
    {
        return Some(format!("is {text}; the least allowed{within} is {min}"));
    }
    if let Some(max) = &money.maximum
        && compare_decimal(text, max) == Some(Greater)
    {
        return Some(format!("is {text}; the greatest allowed{within} is {max}"));
    }
    None
}

/// A money field's own bounds in words ("from 10000 to 999999999"), if it has any.
pub fn money_range(money: &MoneyTy) -> Option<String> {
    match (&money.minimum, &money.maximum) {
        (Some(a), Some(b)) => Some(format!("from {a} to {b}")),
        (Some(a), None) => Some(format!("at least {a}")),
        (None, Some(b)) => Some(format!("at most {b}")),
        (None, None) => None,
    }
}

/// Why `text` cannot be a money bound (`minimum`, `maximum`), if it cannot.
pub fn money_bound_problem(text: &str) -> Option<String> {
    use std::cmp::Ordering::Greater;
    if parse_decimal(text).is_some_and(|(_, w, f)| w.len() + f.len() > MAX_AMOUNT_DIGITS) {
        return Some(format!(
            "{text} has more than {MAX_AMOUNT_DIGITS} digits, more than an amount keeps"
        ));
    }
    if compare_decimal(text, "0") != Some(Greater) {
        return Some(format!(
            "{text} is not more than 0, and every request amount must be more than 0"
        ));
    }
    if compare_decimal(text, MAX_REQUEST_AMOUNT) == Some(Greater) {
        return Some(format!(
            "{text} is more than {MAX_REQUEST_AMOUNT}, the largest amount any request may carry"
        ));
    }
    None
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

/// Resolves fields against the shared definitions, reporting problems.
pub struct Resolver<'d> {
    /// The definitions, resolved, by name.
    pub definitions: &'d BTreeMap<String, Definition>,
    /// Names of the definitions (for messages), including ones that failed to resolve.
    pub known: &'d BTreeSet<String>,
}

/// Where inline type names are collected, to catch two types of one name in a namespace.
pub type Namespace = BTreeMap<String, String>;

impl Resolver<'_> {
    /// Resolves a list of fields at `path` (the list itself) in `src`.
    pub fn fields(
        &self,
        specs: &[FieldSpec],
        src: Source<'_>,
        path: &[Step],
        namespace: &mut Namespace,
        problems: &mut Problems,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let mut wire_names = BTreeSet::new();
        let mut rust_names: BTreeMap<String, String> = BTreeMap::new();
        for (i, spec) in specs.iter().enumerate() {
            let here = with(path, &[Step::Index(i)]);
            let at = |k: &str| src.at(&with(&here, &[key(k)]));
            if !wire_names.insert(spec.name.as_str()) {
                problems.push(
                    at("name"),
                    format!("field `{}` is listed twice", spec.name),
                    "remove one of the two entries",
                );
            }
            let rust = match &spec.rust_name {
                Some(name) => naming::check_identifier(name).map(|()| name.clone()).map_err(|why| {
                    (at("rust_name"), format!("rust_name `{name}` is not a valid Rust identifier: {why}"),
                     "use snake_case ASCII letters, digits and _".to_owned())
                }),
                None => naming::field_name(&spec.name).map_err(|why| {
                    (at("name"), format!("field name `{}` is not a valid Rust identifier once converted to snake_case: {why}", spec.name),
                     format!("add `rust_name: <snake_case_name>` to this field to name it in Rust; the wire name stays `{}`", spec.name))
                }),
            };
            let rust = match rust {
                Ok(rust) => {
                    if let Some(other) = rust_names.insert(rust.clone(), spec.name.clone()) {
                        problems.push(
                            at("name"),
                            format!(
                                "fields `{other}` and `{}` both become `{rust}` in Rust",
                                spec.name
                            ),
                            "give one of them a `rust_name:` of its own",
                        );
                    }
                    rust
                }
                Err((location, message, help)) => {
                    problems.push(location, message, help);
                    continue;
                }
            };
            if spec.doc.is_none() && spec.description.is_none() {
                problems.push(
                    at("name"),
                    format!("field `{}` has no documentation", spec.name),
                    "add `doc:` (what the field is, in plain words); keep a source page's own wording in `description:`",
                );
            }
            let Some(ty) = self.field_type(spec, src, &here, namespace, problems) else {
                continue;
            };
            let (doc, source_text) = match (&spec.doc, &spec.description) {
                (Some(doc), description) => (doc.trim().to_owned(), description.clone()),
                (None, Some(description)) => (description.trim().to_owned(), None),
                (None, None) => (String::new(), None),
            };
            let field = Field {
                required_when: None,
                name: spec.name.clone(),
                rust,
                required: spec.required,
                type_required: spec.required,
                ty,
                doc,
                source_text,
                source: spec.source.clone(),
                doc_type: spec.doc_type.clone(),
                default: spec.default.clone(),
                examples: spec.examples.clone(),
                region_doc: None,
            };
            for (j, example) in spec.examples.iter().enumerate() {
                check_standalone(
                    &field.ty,
                    example,
                    src,
                    &with(&here, &[key("examples"), Step::Index(j)]),
                    problems,
                );
            }
            if let Some(default) = &spec.default {
                if spec.required {
                    problems.push(
                        at("default"),
                        format!("field `{}` is required and has a default", spec.name),
                        "a default is what is sent when the field is not set: make the field `required: false`, or remove `default`",
                    );
                }
                check_standalone(
                    &field.ty,
                    default,
                    src,
                    &with(&here, &[key("default")]),
                    problems,
                );
            }
            out.push(field);
        }
        out
    }

    fn field_type(
        &self,
        spec: &FieldSpec,
        src: Source<'_>,
        here: &[Step],
        namespace: &mut Namespace,
        problems: &mut Problems,
    ) -> Option<Ty> {
        let at = |k: &str| src.at(&with(here, &[key(k)]));
        match (spec.kind, &spec.reference) {
            (None, None) => {
                problems.push(
                    at("name"),
                    format!("field `{}` has no type", spec.name),
                    "add `type:` (string, integer, decimal, boolean, timestamp, enum, list, object, money, json-object, json-string) or `ref:` naming a definition",
                );
                None
            }
            (Some(kind), Some(_)) if kind != FieldKind::List => {
                problems.push(
                    at("type"),
                    format!(
                        "field `{}` has both `type: {}` and `ref:`",
                        spec.name,
                        kind.as_str()
                    ),
                    "a `ref` field takes its type from the definition: remove `type`, or write `type: list` for a list of them",
                );
                None
            }
            (None, Some(name)) => {
                self.check_only(spec, None, src, here, problems);
                let ty = self.reference(name, src, &with(here, &[key("ref")]), problems)?;
                match ty {
                    Ty::Object { object, .. } => Some(Ty::Object {
                        object,
                        one_or_many: spec.one_or_many,
                    }),
                    other if spec.one_or_many => {
                        problems.push(
                            at("one_or_many"),
                            format!(
                                "`one_or_many` only applies to an object, and `{}` is a `ref: {name}` to {}",
                                spec.name,
                                other.kind_name()
                            ),
                            "remove `one_or_many`, or reference an object definition",
                        );
                        None
                    }
                    other => Some(other),
                }
            }
            (Some(FieldKind::List), reference) => {
                self.check_only(spec, Some(FieldKind::List), src, here, problems);
                let item = match (spec.items, reference) {
                    (None, None) => {
                        problems.push(
                            at("type"),
                            format!("list field `{}` does not say what it holds", spec.name),
                            "add `items: <kind>` (e.g. `items: string`), or `ref: <Definition>` for a list of a definition",
                        );
                        return None;
                    }
                    (Some(_), Some(_)) => {
                        problems.push(
                            at("items"),
                            format!("list field `{}` has both `items` and `ref`", spec.name),
                            "keep one: `ref` for a list of a definition, `items` for a list of another kind",
                        );
                        return None;
                    }
                    (None, Some(name)) => {
                        self.reference(name, src, &with(here, &[key("ref")]), problems)?
                    }
                    (Some(FieldKind::List), None) => {
                        problems.push(
                            at("items"),
                            format!("list field `{}` holds lists", spec.name),
                            "lists of lists are not supported: wrap the inner list in an object",
                        );
                        return None;
                    }
                    (Some(kind), None) => {
                        self.inline(kind, spec, src, here, namespace, problems)?
                    }
                };
                if let (Some(min), Some(max)) = (spec.min_items, spec.max_items)
                    && min > max
                {
                    problems.push(
                        at("min_items"),
                        format!("min_items {min} is more than max_items {max}"),
                        "make min_items at most max_items",
                    );
                }
                Some(Ty::List {
                    item: Box::new(item),
                    min_items: spec.min_items,
                    max_items: spec.max_items,
                })
            }
            (Some(kind), None) => {
                self.check_only(spec, Some(kind), src, here, problems);
                self.inline(kind, spec, src, here, namespace, problems)
            }
            (Some(_), Some(_)) => None,
        }
    }

    /// A kind written inline: its attributes read from `spec`.
    fn inline(
        &self,
        kind: FieldKind,
        spec: &FieldSpec,
        src: Source<'_>,
        here: &[Step],
        namespace: &mut Namespace,
        problems: &mut Problems,
    ) -> Option<Ty> {
        let at = |k: &str| src.at(&with(here, &[key(k)]));
        Some(match kind {
            FieldKind::String => {
                if let (Some(min), Some(max)) = (spec.min_length, spec.max_length)
                    && min > max
                {
                    problems.push(
                        at("min_length"),
                        format!("min_length {min} is more than max_length {max}"),
                        "make min_length at most max_length",
                    );
                }
                let pattern = spec.pattern.as_deref().and_then(|text| {
                    crate::pattern::parse(text)
                        .map_err(|why| {
                            problems.push(
                                at("pattern"),
                                format!("pattern {text:?}: {why}"),
                                "write a pattern of characters, classes like [A-Z0-9] and counts like {4} or {7,8}, with | between alternatives",
                            );
                        })
                        .ok()
                });
                Ty::String {
                    min_length: spec.min_length,
                    max_length: spec.max_length,
                    chars: spec.chars,
                    pattern,
                }
            }
            FieldKind::Integer => {
                let minimum = integer_limit(
                    spec.minimum.as_ref(),
                    src,
                    &with(here, &[key("minimum")]),
                    problems,
                );
                let maximum = integer_limit(
                    spec.maximum.as_ref(),
                    src,
                    &with(here, &[key("maximum")]),
                    problems,
                );
                if let (Some(min), Some(max)) = (minimum, maximum)
                    && min > max
                {
                    problems.push(
                        at("minimum"),
                        format!("minimum {min} is more than maximum {max}"),
                        "make minimum at most maximum",
                    );
                }
                Ty::Integer { minimum, maximum }
            }
            FieldKind::Decimal => {
                let minimum = decimal_limit(
                    spec.minimum.as_ref(),
                    src,
                    &with(here, &[key("minimum")]),
                    problems,
                );
                let maximum = decimal_limit(
                    spec.maximum.as_ref(),
                    src,
                    &with(here, &[key("maximum")]),
                    problems,
                );
                if let (Some(min), Some(max)) = (&minimum, &maximum)
                    && compare_decimal(min, max) == Some(std::cmp::Ordering::Greater)
                {
                    problems.push(
                        at("minimum"),
                        format!("minimum {min} is more than maximum {max}"),
                        "make minimum at most maximum",
                    );
                }
                Ty::Decimal { minimum, maximum }
            }
            FieldKind::Boolean => Ty::Boolean,
            FieldKind::Timestamp => Ty::Timestamp {
                offset: spec.offset.unwrap_or(true),
            },
            FieldKind::JsonObject => Ty::JsonObject,
            FieldKind::JsonString => Ty::JsonString,
            FieldKind::Money => {
                let shape = spec.shape.unwrap_or(MoneyShape::ValueString);
                check_money_fields(&spec.fields, shape, src, here, problems);
                Ty::Money(money_bounds(shape, spec, src, here, problems))
            }
            FieldKind::Enum => {
                let name = self.local_name(
                    spec,
                    "enum",
                    "PaymentMethod",
                    src,
                    here,
                    namespace,
                    problems,
                )?;
                let doc = spec
                    .doc
                    .clone()
                    .or_else(|| spec.description.clone())
                    .unwrap_or_default();
                Ty::Enum(enum_type(
                    TypeName::Local(name),
                    doc,
                    &spec.values,
                    spec.open.unwrap_or(true),
                    src,
                    &with(here, &[key("values")]),
                    problems,
                )?)
            }
            FieldKind::Object => {
                let name = self.local_name(
                    spec,
                    "object",
                    "AccountInfo",
                    src,
                    here,
                    namespace,
                    problems,
                )?;
                if spec.fields.is_empty() {
                    problems.push(
                        at("type"),
                        format!("object field `{}` has no fields", spec.name),
                        "list its fields under `fields:`",
                    );
                }
                let fields = self.fields(
                    &spec.fields,
                    src,
                    &with(here, &[key("fields")]),
                    namespace,
                    problems,
                );
                let doc = spec
                    .doc
                    .clone()
                    .or_else(|| spec.description.clone())
                    .unwrap_or_default();
                Ty::Object {
                    object: ObjectType {
                        name: TypeName::Local(name),
                        doc,
                        fields,
                        at_least_one_of: Vec::new(),
                        extra_slot: None,
                        region_fields: Vec::new(),
                    },
                    one_or_many: spec.one_or_many,
                }
            }
            FieldKind::List => return None,
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn local_name(
        &self,
        spec: &FieldSpec,
        what: &str,
        example: &str,
        src: Source<'_>,
        here: &[Step],
        namespace: &mut Namespace,
        problems: &mut Problems,
    ) -> Option<String> {
        let Some(name) = &spec.type_name else {
            problems.push(
                src.at(&with(here, &[key("type")])),
                format!("{what} field `{}` has no `type_name`", spec.name),
                format!("add `type_name: <PascalCase>` to name its generated type (e.g. {example}), or `ref:` a shared definition"),
            );
            return None;
        };
        if let Err(why) = naming::check_identifier(name).and_then(|()| pascal_only(name)) {
            problems.push(
                src.at(&with(here, &[key("type_name")])),
                format!("type_name `{name}` cannot be a Rust type name: {why}"),
                format!("use a PascalCase name such as {example}"),
            );
            return None;
        }
        if let Some(other) = namespace.insert(name.clone(), spec.name.clone()) {
            problems.push(
                src.at(&with(here, &[key("type_name")])),
                format!("type_name `{name}` is already used in this endpoint by field `{other}`"),
                "give each object or enum of an endpoint its own type_name (another endpoint may reuse it), or write the type once under `definitions:` and `ref:` it",
            );
        }
        Some(name.clone())
    }

    fn reference(
        &self,
        name: &str,
        src: Source<'_>,
        at: &[Step],
        problems: &mut Problems,
    ) -> Option<Ty> {
        match self.definitions.get(name) {
            Some(Definition::Object(object)) => Some(Ty::Object {
                object: object.clone(),
                one_or_many: false,
            }),
            Some(Definition::Enum(e)) => Some(Ty::Enum(e.clone())),
            Some(Definition::Money { money, .. }) => Some(Ty::Money(money.clone())),
            None if self.known.contains(name) => None, // Its own problems are reported.
            None => {
                let known: Vec<&str> = self.known.iter().map(String::as_str).collect();
                problems.push(
                    src.at(at),
                    format!("`ref: {name}` names no definition"),
                    if known.is_empty() {
                        "add it under `definitions:` in gateway.yaml".to_owned()
                    } else {
                        format!(
                            "use one of: {}, or add it under `definitions:` in gateway.yaml",
                            known.join(", ")
                        )
                    },
                );
                None
            }
        }
    }

    /// Refuses attributes that do not apply to the field's kind (`None`: a `ref` field).
    fn check_only(
        &self,
        spec: &FieldSpec,
        kind: Option<FieldKind>,
        src: Source<'_>,
        here: &[Step],
        problems: &mut Problems,
    ) {
        use FieldKind as K;
        // For a list, the item kind decides the item attributes.
        let item = if kind == Some(K::List) {
            spec.items
        } else {
            kind
        };
        let list = kind == Some(K::List);
        let referenced = spec.reference.is_some();
        let checks: [(&str, bool, bool, &str); 17] = [
            (
                "min_length",
                spec.min_length.is_some(),
                item == Some(K::String),
                "a string",
            ),
            (
                "max_length",
                spec.max_length.is_some(),
                item == Some(K::String),
                "a string",
            ),
            (
                "chars",
                spec.chars.is_some(),
                item == Some(K::String),
                "a string",
            ),
            (
                "pattern",
                spec.pattern.is_some(),
                item == Some(K::String),
                "a string",
            ),
            (
                "minimum",
                spec.minimum.is_some(),
                matches!(item, Some(K::Integer | K::Decimal | K::Money)),
                "an integer, decimal or money",
            ),
            (
                "maximum",
                spec.maximum.is_some(),
                matches!(item, Some(K::Integer | K::Decimal | K::Money)),
                "an integer, decimal or money",
            ),
            ("min_items", spec.min_items.is_some(), list, "a list"),
            ("max_items", spec.max_items.is_some(), list, "a list"),
            ("items", spec.items.is_some(), list, "a list"),
            (
                "values",
                !spec.values.is_empty(),
                item == Some(K::Enum) && !referenced,
                "an inline enum",
            ),
            (
                "open",
                spec.open.is_some(),
                item == Some(K::Enum) && !referenced,
                "an inline enum",
            ),
            (
                "offset",
                spec.offset.is_some(),
                item == Some(K::Timestamp),
                "a timestamp",
            ),
            (
                "shape",
                spec.shape.is_some(),
                item == Some(K::Money),
                "money",
            ),
            (
                "type_name",
                spec.type_name.is_some(),
                matches!(item, Some(K::Object | K::Enum)) && !referenced,
                "an inline object or enum",
            ),
            (
                "one_or_many",
                spec.one_or_many,
                kind == Some(K::Object) || (kind.is_none() && referenced),
                "an object",
            ),
            (
                "fields",
                !spec.fields.is_empty(),
                matches!(item, Some(K::Object | K::Money)) && !referenced,
                "an inline object or money",
            ),
            ("rust_name", false, true, ""),
        ];
        let shown = match (kind, &spec.reference) {
            (Some(K::List), _) => format!(
                "a list of {}",
                spec.items.map_or_else(
                    || spec.reference.clone().unwrap_or_default(),
                    |k| k.as_str().to_owned()
                )
            ),
            (Some(k), _) => format!("a {}", k.as_str()),
            (None, Some(r)) => format!("a `ref: {r}`"),
            (None, None) => "untyped".to_owned(),
        };
        for (attr, present, allowed, applies_to) in checks {
            if present && !allowed {
                problems.push(
                    src.at(&with(here, &[key(attr)])),
                    format!(
                        "`{attr}` only applies to {applies_to}, and `{}` is {shown}",
                        spec.name
                    ),
                    format!("remove `{attr}`, or change the field's type"),
                );
            }
        }
    }
}

/// Whether `name` is PascalCase (starts upper case, no `_`).
pub(crate) fn pascal_only(name: &str) -> Result<(), String> {
    if name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('_') {
        Ok(())
    } else {
        Err("it is not PascalCase".to_owned())
    }
}

fn check_money_fields(
    fields: &[FieldSpec],
    shape: MoneyShape,
    src: Source<'_>,
    here: &[Step],
    problems: &mut Problems,
) {
    if fields.is_empty() {
        return;
    }
    let amount = match shape {
        MoneyShape::ValueString => "value",
        MoneyShape::AmountNumber => "amount",
    };
    let names: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    if names != ["currency", amount] || !fields.iter().all(|f| f.required) {
        problems.push(
            src.at(&with(here, &[key("fields")])),
            format!("the fields of this money ({}) must be the required `currency` and `{amount}`, in that order", shape_name(shape)),
            format!("document exactly `currency` and `{amount}` (required: true), or leave `fields` out"),
        );
    }
}

/// The spec's name of a money shape.
pub fn shape_name(shape: MoneyShape) -> &'static str {
    match shape {
        MoneyShape::ValueString => "value-string",
        MoneyShape::AmountNumber => "amount-number",
    }
}

fn integer_limit(
    value: Option<&Value>,
    src: Source<'_>,
    at: &[Step],
    problems: &mut Problems,
) -> Option<i64> {
    let value = value?;
    match value.as_i64() {
        Some(n) => Some(n),
        None => {
            problems.push(
                src.at(at),
                format!("{value} is not a whole number"),
                "write a whole number, e.g. 1",
            );
            None
        }
    }
}

/// Money of `shape` with the field's `minimum` and `maximum`, each checked.
fn money_bounds(
    shape: MoneyShape,
    spec: &FieldSpec,
    src: Source<'_>,
    here: &[Step],
    problems: &mut Problems,
) -> MoneyTy {
    let mut bound = |value: Option<&Value>, name: &str| {
        let at = with(here, &[key(name)]);
        let text = decimal_limit(value, src, &at, problems)?;
        match money_bound_problem(&text) {
            None => Some(text),
            Some(why) => {
                problems.push(
                    src.at(&at),
                    format!("{name} {why}"),
                    "write a positive amount in quotes, e.g. \"10000\", or leave the bound out",
                );
                None
            }
        }
    };
    let minimum = bound(spec.minimum.as_ref(), "minimum");
    let maximum = bound(spec.maximum.as_ref(), "maximum");
    if let (Some(min), Some(max)) = (&minimum, &maximum)
        && compare_decimal(min, max) == Some(std::cmp::Ordering::Greater)
    {
        problems.push(
            src.at(&with(here, &[key("minimum")])),
            format!("minimum {min} is more than maximum {max}"),
            "make minimum at most maximum",
        );
    }
    MoneyTy {
        shape,
        minimum,
        maximum,
    }
}

fn decimal_limit(
    value: Option<&Value>,
    src: Source<'_>,
    at: &[Step],
    problems: &mut Problems,
) -> Option<String> {
    let value = value?;
    match value.as_str().filter(|t| parse_decimal(t).is_some()) {
        Some(text) => Some(text.to_owned()),
        None => {
            problems.push(
                src.at(at),
                format!("{value} is not a decimal written as a string"),
                "write the limit in quotes, e.g. \"0.01\", so it is read exactly",
            );
            None
        }
    }
}

/// Digits and scale of a plain decimal (`-12.50` is `(-1250, 2)`), without exponent.
pub fn parse_decimal(text: &str) -> Option<(bool, String, String)> {
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, fraction) = match rest.split_once('.') {
        Some((w, f)) => (w, f),
        None => (rest, ""),
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty()
        || !digits(whole)
        || !digits(fraction)
        || (rest.contains('.') && fraction.is_empty())
    {
        return None;
    }
    Some((negative, whole.to_owned(), fraction.to_owned()))
}

/// Compares two plain decimals by value.
pub fn compare_decimal(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    let (an, aw, af) = parse_decimal(a)?;
    let (bn, bw, bf) = parse_decimal(b)?;
    let norm = |w: &str, f: &str, width: usize| {
        let w = w.trim_start_matches('0');
        let mut f = f.to_owned();
        while f.len() < width {
            f.push('0');
        }
        (w.len(), format!("{w}{f}"))
    };
    let width = af.len().max(bf.len());
    let (al, ad) = norm(&aw, &af, width);
    let (bl, bd) = norm(&bw, &bf, width);
    let zero = |d: &str| d.bytes().all(|b| b == b'0');
    let magnitude = al.cmp(&bl).then_with(|| ad.cmp(&bd));
    let (an, bn) = (an && !zero(&ad), bn && !zero(&bd));
    Some(match (an, bn) {
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
    })
}

/// Builds an enum type from its values.
pub fn enum_type(
    name: TypeName,
    doc: String,
    values: &[EnumValue],
    open: bool,
    src: Source<'_>,
    at: &[Step],
    problems: &mut Problems,
) -> Option<EnumType> {
    if values.is_empty() {
        problems.push(
            src.at(at),
            format!("enum `{}` has no values", name.name()),
            "list its values under `values:`, e.g. [SUCCESS, FAILED] or [{value: 1, name: PayIn}]",
        );
        return None;
    }
    let mut variants = Vec::new();
    let mut integers = 0;
    let mut seen_wire = BTreeSet::new();
    let mut seen_name = BTreeSet::new();
    let before = problems.len();
    for (i, value) in values.iter().enumerate() {
        let here = with(at, &[Step::Index(i)]);
        let (json, given_name, doc) = match value {
            EnumValue::Integer(n) => (Value::from(*n), None, None),
            EnumValue::Text(t) => (Value::from(t.clone()), None, None),
            EnumValue::Described(d) => (d.value.clone(), d.name.clone(), d.doc.clone()),
        };
        let wire = match &json {
            Value::String(t) if !t.is_empty() => t.clone(),
            Value::Number(n) if n.is_i64() => {
                integers += 1;
                n.to_string()
            }
            other => {
                problems.push(
                    src.at(&here),
                    format!("enum value {other} is not a non-empty string or a whole number"),
                    "write a string such as SUCCESS or a whole number such as 1",
                );
                continue;
            }
        };
        if !seen_wire.insert(wire.clone()) {
            problems.push(
                src.at(&here),
                format!("enum value {wire} is listed twice"),
                "remove one",
            );
        }
        let rust = match given_name {
            Some(n) => n,
            None if json.is_number() => {
                problems.push(
                    src.at(&here),
                    format!("enum value {wire} is a number, so it needs a Rust name"),
                    format!("write it as {{value: {wire}, name: <PascalCase>}}, e.g. {{value: 1, name: PayIn}}"),
                );
                continue;
            }
            None => wire.to_pascal_case(),
        };
        if let Err(why) = naming::check_identifier(&rust).and_then(|()| pascal_only(&rust)) {
            problems.push(
                src.at(&here),
                format!("enum value {wire} becomes the Rust name `{rust}`, which cannot be a variant: {why}"),
                format!("write it as {{value: {json}, name: <PascalCase>}} to name it"),
            );
            continue;
        }
        if open && rust == "Unknown" {
            problems.push(
                src.at(&here),
                format!("enum value {wire} becomes the variant `Unknown`, which an open enum keeps for unlisted values"),
                format!("write it as {{value: {json}, name: <another name>}}"),
            );
            continue;
        }
        if !seen_name.insert(rust.clone()) {
            problems.push(
                src.at(&here),
                format!(
                    "two values of enum `{}` become the variant `{rust}`",
                    name.name()
                ),
                "give one of them a `name:` of its own",
            );
            continue;
        }
        variants.push(Variant {
            wire,
            name: rust,
            doc,
        });
    }
    if integers != 0 && integers != variants.len() {
        problems.push(
            src.at(at),
            format!("enum `{}` mixes numbers and strings", name.name()),
            "make every value a string, or every value a number",
        );
    }
    if problems.len() > before {
        return None;
    }
    Some(EnumType {
        name,
        doc,
        integer: integers > 0,
        variants,
        open,
        allowed: None,
    })
}

/// Resolves every shared definition, in dependency order, reporting cycles.
pub fn definitions(
    specs: &BTreeMap<String, DefinitionSpec>,
    src: Source<'_>,
    problems: &mut Problems,
) -> BTreeMap<String, Definition> {
    let known: BTreeSet<String> = specs.keys().cloned().collect();
    let mut done: BTreeMap<String, Definition> = BTreeMap::new();
    let mut failed = BTreeSet::new();
    // Resolve in rounds: a definition is resolved once every definition it refers to is.
    let mut pending: Vec<&String> = specs.keys().collect();
    for name in &pending {
        if let Err(why) = naming::check_identifier(name).and_then(|()| pascal_only(name)) {
            problems.push(
                src.at_key(&keys(&["definitions"]), name),
                format!("definition name `{name}` cannot be a Rust type name: {why}"),
                "use a PascalCase name such as Merchant",
            );
            failed.insert((*name).clone());
        }
    }
    pending.retain(|n| !failed.contains(*n));
    loop {
        let mut progressed = false;
        let mut next = Vec::new();
        for name in pending {
            let spec = &specs[name];
            let refs = references(&spec.fields);
            if refs.iter().any(|r| failed.contains(r)) {
                failed.insert(name.clone());
                progressed = true;
                continue;
            }
            if refs
                .iter()
                .any(|r| known.contains(r) && !done.contains_key(r))
            {
                next.push(name);
                continue;
            }
            progressed = true;
            let here = keys(&["definitions", name]);
            let resolver = Resolver {
                definitions: &done,
                known: &known,
            };
            let before = problems.len();
            let definition = match spec.kind {
                FieldKind::Object => {
                    if spec.fields.is_empty() {
                        problems.push(
                            src.at(&here),
                            format!("definition `{name}` has no fields"),
                            "list its fields under `fields:`",
                        );
                    }
                    let mut namespace = Namespace::new();
                    let fields = resolver.fields(
                        &spec.fields,
                        src,
                        &with(&here, &[key("fields")]),
                        &mut namespace,
                        problems,
                    );
                    if !namespace.is_empty() {
                        problems.push(
                            src.at(&here),
                            format!(
                                "definition `{name}` holds an inline object or enum ({})",
                                namespace.keys().cloned().collect::<Vec<_>>().join(", ")
                            ),
                            "write nested types as definitions of their own and `ref:` them",
                        );
                    }
                    Some(Definition::Object(ObjectType {
                        name: TypeName::Shared(name.clone()),
                        doc: spec.doc.clone(),
                        fields,
                        at_least_one_of: Vec::new(),
                        extra_slot: None,
                        region_fields: Vec::new(),
                    }))
                }
                FieldKind::Enum => enum_type(
                    TypeName::Shared(name.clone()),
                    spec.doc.clone(),
                    &spec.values,
                    spec.open.unwrap_or(true),
                    src,
                    &with(&here, &[key("values")]),
                    problems,
                )
                .map(Definition::Enum),
                FieldKind::Money => Some(Definition::Money {
                    name: name.clone(),
                    doc: spec.doc.clone(),
                    money: MoneyTy::new(spec.shape.unwrap_or(MoneyShape::ValueString)),
                }),
                other => {
                    problems.push(
                        src.at(&with(&here, &[key("type")])),
                        format!("definition `{name}` is a {}; definitions are objects, enums or money", other.as_str()),
                        "write the field's type where it is used, or make the definition an object, enum or money",
                    );
                    None
                }
            };
            for (attr, present, allowed) in [
                (
                    "fields",
                    !spec.fields.is_empty(),
                    spec.kind == FieldKind::Object,
                ),
                (
                    "values",
                    !spec.values.is_empty(),
                    spec.kind == FieldKind::Enum,
                ),
                ("open", spec.open.is_some(), spec.kind == FieldKind::Enum),
                ("shape", spec.shape.is_some(), spec.kind == FieldKind::Money),
            ] {
                if present && !allowed {
                    problems.push(
                        src.at(&with(&here, &[key(attr)])),
                        format!(
                            "`{attr}` does not apply to definition `{name}`, a {}",
                            spec.kind.as_str()
                        ),
                        format!("remove `{attr}`"),
                    );
                }
            }
            match definition {
                Some(d) if problems.len() == before => {
                    done.insert(name.clone(), d);
                }
                _ => {
                    failed.insert(name.clone());
                }
            }
        }
        if next.is_empty() {
            break;
        }
        if !progressed {
            for name in next {
                problems.push(
                    src.at_key(&keys(&["definitions"]), name),
                    format!("definition `{name}` refers to itself, directly or through other definitions"),
                    "break the cycle: a definition cannot contain itself",
                );
            }
            break;
        }
        pending = next;
    }
    done
}

fn references(fields: &[FieldSpec]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in fields {
        if let Some(r) = &f.reference {
            out.insert(r.clone());
        }
        out.extend(references(&f.fields));
    }
    out
}

/// Checks an example or default value against a type, with no region (examples in
/// `gateway.yaml`).
fn check_standalone(ty: &Ty, value: &Value, src: Source<'_>, at: &[Step], problems: &mut Problems) {
    let mut found = Vec::new();
    check_value(
        ty,
        value,
        None,
        Side::Response,
        &mut String::new(),
        &mut found,
    );
    for (_, message) in found {
        problems.push(
            src.at(at),
            format!("example or default: {message}"),
            "fix the value so it matches the field's type",
        );
    }
}

/// What an example value is checked for: a request (limits and allowed values apply) or a
/// response (open enums take any value).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// A request body.
    Request,
    /// A response body.
    Response,
}

/// The region facts an example is checked against.
#[derive(Debug, Clone, Copy)]
pub struct RegionFacts<'a> {
    /// Its code.
    pub code: &'a str,
    /// Its currency.
    pub currency: &'a str,
    /// Its money scale.
    pub scale: u8,
    /// Its money format, e.g. `#.##`.
    pub format: &'a str,
}

/// Checks a JSON value against fields, collecting `(json path, message)` problems.
pub fn check_object(
    fields: &[Field],
    groups: &[Vec<String>],
    value: &Value,
    region: Option<RegionFacts<'_>>,
    side: Side,
    path: &mut String,
    out: &mut Vec<(String, String)>,
) {
    let Some(object) = value.as_object() else {
        out.push((
            shown(path),
            format!("must be a JSON object, not {}", json_kind(value)),
        ));
        return;
    };
    for field in fields {
        if field.required && object.get(&field.name).is_none_or(Value::is_null) {
            let place = region
                .map(|r| format!(" in {}", r.code))
                .unwrap_or_default();
            out.push((join(path, &field.name), format!("required{place}")));
        }
    }
    for group in groups {
        if !group
            .iter()
            .any(|name| object.get(name).is_some_and(|v| !v.is_null() && v != ""))
        {
            let place = region
                .map(|r| format!(" in {}", r.code))
                .unwrap_or_default();
            out.push((
                shown(path),
                format!("needs at least one of {}{place}", group.join(", ")),
            ));
        }
    }
    for (name, item) in object {
        let Some(field) = fields.iter().find(|f| &f.name == name) else {
            let known: Vec<&str> = fields.iter().map(|f| f.name.as_str()).collect();
            let place = region
                .map(|r| format!(" in {}", r.code))
                .unwrap_or_default();
            out.push((
                join(path, name),
                format!(
                    "is not a field of this message{place}; its fields are {}",
                    known.join(", ")
                ),
            ));
            continue;
        };
        if item.is_null() && !field.required {
            continue;
        }
        let len = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(name);
        check_value(&field.ty, item, region, side, path, out);
        path.truncate(len);
    }
    // The whole body's conditional requirements, after everything else.
    if path.is_empty() && side == Side::Request {
        check_conditions(fields, value, region.map(|r| r.code), out);
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_owned()
    } else {
        format!("{path}.{name}")
    }
}

fn shown(path: &str) -> String {
    if path.is_empty() {
        "(body)".to_owned()
    } else {
        path.to_owned()
    }
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Checks one value against a type.
pub fn check_value(
    ty: &Ty,
    value: &Value,
    region: Option<RegionFacts<'_>>,
    side: Side,
    path: &mut String,
    out: &mut Vec<(String, String)>,
) {
    let mut bad = |message: String| out.push((shown(path), message));
    match ty {
        Ty::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => match value.as_str() {
            None => bad(format!("must be a string, not {}", json_kind(value))),
            Some(text) => {
                let n = text.chars().count();
                if let Some(min) = min_length
                    && n < *min as usize
                {
                    bad(format!("is {n} characters long; at least {min} are needed"));
                }
                if let Some(max) = max_length
                    && n > *max as usize
                {
                    bad(format!("is {n} characters long; at most {max} are allowed"));
                }
                if let Some(set) = chars
                    && !text.chars().all(|c| in_set(*set, c))
                {
                    let what = match set {
                        CharSet::Alphanumeric => "letters and digits (A-Z, a-z, 0-9)",
                        CharSet::Digits => "digits",
                        CharSet::Ascii => "printable ASCII characters",
                    };
                    bad(format!("may hold only {what}"));
                }
                if let Some(pattern) = pattern
                    && !pattern.matches(text)
                {
                    bad(pattern.message());
                }
            }
        },
        Ty::Integer { minimum, maximum } => match value.as_i64() {
            None => bad(format!("must be a whole number, not {value}")),
            Some(n) => {
                if let Some(min) = minimum
                    && n < *min
                {
                    bad(format!("is {n}; the least allowed is {min}"));
                }
                if let Some(max) = maximum
                    && n > *max
                {
                    bad(format!("is {n}; the greatest allowed is {max}"));
                }
            }
        },
        Ty::Decimal { minimum, maximum } => match decimal_text(value) {
            None => bad(format!("must be a decimal number, not {value}")),
            Some(text) => {
                if let Some(min) = minimum
                    && compare_decimal(&text, min) == Some(std::cmp::Ordering::Less)
                {
                    bad(format!("is {text}; the least allowed is {min}"));
                }
                if let Some(max) = maximum
                    && compare_decimal(&text, max) == Some(std::cmp::Ordering::Greater)
                {
                    bad(format!("is {text}; the greatest allowed is {max}"));
                }
            }
        },
        Ty::Boolean => {
            if !value.is_boolean() {
                bad(format!("must be true or false, not {value}"));
            }
        }
        Ty::Timestamp { offset } => match value.as_str() {
            Some(text) if timestamp_ok(text, *offset) => {}
            _ => bad(format!(
                "must be a timestamp {}, not {value}",
                if *offset {
                    "yyyy-MM-ddTHH:mm:ss±HH:mm"
                } else {
                    "yyyy-MM-ddTHH:mm:ss (no offset)"
                }
            )),
        },
        Ty::Enum(e) => {
            let text = match value {
                Value::String(t) if !e.integer => Some(t.clone()),
                Value::Number(n) if e.integer && n.is_i64() => Some(n.to_string()),
                _ => None,
            };
            match text {
                None => bad(format!(
                    "must be {}, not {value}",
                    if e.integer {
                        "a whole number"
                    } else {
                        "a string"
                    }
                )),
                Some(text) => {
                    let listed = e.variants.iter().any(|v| v.wire == text);
                    let allowed = match (&e.allowed, side) {
                        (Some(allowed), Side::Request) => allowed.contains(&text),
                        // An empty value is never one of an enum's, even of an open one.
                        _ => listed || (e.open && !(text.is_empty() && side == Side::Request)),
                    };
                    if !allowed && text.is_empty() {
                        let choices = match (&e.allowed, side) {
                            (Some(a), Side::Request) => a.clone(),
                            _ => e.variants.iter().map(|v| v.wire.clone()).collect(),
                        };
                        bad(format!("is empty; send one of {}", choices.join(", ")));
                    } else if !allowed {
                        let choices = match (&e.allowed, side) {
                            (Some(a), Side::Request) => a.clone(),
                            _ => e.variants.iter().map(|v| v.wire.clone()).collect(),
                        };
                        let place = region
                            .map(|r| format!(" in {}", r.code))
                            .unwrap_or_default();
                        bad(format!(
                            "{text} is not allowed{place}; use one of {}",
                            choices.join(", ")
                        ));
                    }
                }
            }
        }
        Ty::List {
            item,
            min_items,
            max_items,
        } => match value.as_array() {
            None => bad(format!("must be a list, not {}", json_kind(value))),
            Some(items) => {
                if let Some(min) = min_items
                    && items.len() < *min as usize
                {
                    bad(format!(
                        "has {} items; at least {min} are needed",
                        items.len()
                    ));
                }
                if let Some(max) = max_items
                    && items.len() > *max as usize
                {
                    bad(format!(
                        "has {} items; at most {max} are allowed",
                        items.len()
                    ));
                }
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check_value(item, v, region, side, path, out);
                    path.truncate(len);
                }
            }
        },
        Ty::Object {
            object,
            one_or_many,
        } => match value.as_array() {
            Some(items) if *one_or_many => {
                if items.is_empty() {
                    bad("must hold at least one entry".to_owned());
                }
                for (i, v) in items.iter().enumerate() {
                    let len = path.len();
                    path.push_str(&format!("[{i}]"));
                    check_object(
                        &object.fields,
                        &object.at_least_one_of,
                        v,
                        region,
                        side,
                        path,
                        out,
                    );
                    path.truncate(len);
                }
            }
            _ => check_object(
                &object.fields,
                &object.at_least_one_of,
                value,
                region,
                side,
                path,
                out,
            ),
        },
        Ty::Money(money) => {
            let shape = &money.shape;
            let Some(object) = value.as_object() else {
                bad(format!(
                    "must be money, an object with currency and {}",
                    amount_key(*shape)
                ));
                return;
            };
            let currency = object.get("currency").and_then(Value::as_str);
            match (currency, region) {
                (Some(c), Some(region)) if c != region.currency => out.push((
                    join(path, "currency"),
                    format!(
                        "is {c:?}, but {} amounts are in {}",
                        region.code, region.currency
                    ),
                )),
                (None, Some(region)) => out.push((
                    join(path, "currency"),
                    format!("required in {} (write {:?})", region.code, region.currency),
                )),
                (None, None) => out.push((join(path, "currency"), "required".to_owned())),
                _ => {}
            }
            let amount_key = amount_key(*shape);
            let amount = object.get(amount_key);
            let text = match (shape, amount) {
                (MoneyShape::ValueString, Some(Value::String(t))) => Some(t.clone()),
                (MoneyShape::AmountNumber, Some(v @ Value::Number(_))) => decimal_text(v),
                _ => None,
            };
            // A plain decimal of at most 38 digits, as the SDK's `Amount` reads (leading zeros
            // count), so the two checkers agree on every text.
            let exact = |t: &String| {
                parse_decimal(t).is_some_and(|(_, w, f)| w.len() + f.len() <= MAX_AMOUNT_DIGITS)
            };
            match text.filter(exact) {
                // Too large or too small for a plain decimal, serde_json holds the number as a
                // float written with an exponent: say what is wrong with it (as the SDK does).
                None if *shape == MoneyShape::AmountNumber
                    && side == Side::Request
                    && let Some(float) = amount.and_then(Value::as_f64) =>
                {
                    let message = if float <= 0.0 {
                        "must be more than 0".to_owned()
                    } else if float >= 1.0 {
                        format!(
                            "is {}; the largest amount a request may carry is {MAX_REQUEST_AMOUNT}",
                            amount.map(Value::to_string).unwrap_or_default()
                        )
                    } else {
                        match region {
                            Some(region) => format!(
                                "is {}; {} amounts have at most {} decimal places ({})",
                                amount.map(Value::to_string).unwrap_or_default(),
                                region.code,
                                region.scale,
                                region.format
                            ),
                            None => "has too many decimal places".to_owned(),
                        }
                    };
                    out.push((join(path, amount_key), message));
                }
                None => out.push((
                    join(path, amount_key),
                    match shape {
                        MoneyShape::ValueString => {
                            "must be a decimal in a string, e.g. \"250000.00\"".to_owned()
                        }
                        MoneyShape::AmountNumber => {
                            "must be a decimal number, e.g. 10000 or 100.50".to_owned()
                        }
                    },
                )),
                Some(text) => {
                    let scale = parse_decimal(&text).map_or(0, |(_, _, f)| f.len());
                    if side == Side::Request
                        && let Some(problem) = amount_problem(&text, money, region.map(|r| r.code))
                    {
                        out.push((join(path, amount_key), problem));
                    }
                    if side == Side::Request
                        && let Some(region) = region
                        && scale > region.scale as usize
                    {
                        out.push((
                            join(path, amount_key),
                            format!(
                                "{text} has {scale} decimal places; {} amounts have at most {} ({})",
                                region.code, region.scale, region.format
                            ),
                        ));
                    }
                }
            }
            for k in object.keys() {
                if k != "currency" && k != amount_key {
                    out.push((
                        join(path, k),
                        format!("is not a field of money; money has currency and {amount_key}"),
                    ));
                }
            }
        }
        Ty::JsonObject => {
            if !(value.is_object() || value.is_string()) {
                bad("must be a JSON object, or a string holding one".to_owned());
            }
        }
        Ty::JsonString => match value.as_str() {
            None => bad("must be a string holding JSON".to_owned()),
            Some(text)
                if !text.is_empty()
                    && serde_json::from_str::<serde::de::IgnoredAny>(text).is_err() =>
            {
                bad(format!("must be a string holding JSON, not {text:?}"));
            }
            Some(_) => {}
        },
    }
}

fn amount_key(shape: MoneyShape) -> &'static str {
    match shape {
        MoneyShape::ValueString => "value",
        MoneyShape::AmountNumber => "amount",
    }
}

fn decimal_text(value: &Value) -> Option<String> {
    match value {
        Value::Number(n) => {
            let text = n.to_string();
            parse_decimal(&text).map(|_| text)
        }
        _ => None,
    }
}

fn in_set(set: CharSet, c: char) -> bool {
    match set {
        CharSet::Alphanumeric => c.is_ascii_alphanumeric(),
        CharSet::Digits => c.is_ascii_digit(),
        CharSet::Ascii => (' '..='~').contains(&c),
    }
}

/// `yyyy-MM-ddTHH:mm:ss` with (`±HH:MM`) or without an offset.
pub fn timestamp_ok(text: &str, offset: bool) -> bool {
    let b = text.as_bytes();
    let expected = if offset { 25 } else { 19 };
    if b.len() != expected {
        return false;
    }
    let digit = |i: usize| b[i].is_ascii_digit();
    let shape = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18]
        .iter()
        .all(|&i| digit(i))
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':';
    shape && (!offset || crate::load::parse_offset(&text[19..]).is_some())
}
