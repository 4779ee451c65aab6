//! The resolver: a spec field (with its `ref`s, kinds and attributes) becomes a resolved
//! [`Field`], each misuse reported where it is written.

use super::*;

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
