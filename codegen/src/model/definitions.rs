//! Shared definitions and enum types, resolved once, and the limits a field's attributes set.

use super::*;

/// Whether `name` is PascalCase (starts upper case, no `_`).
pub(crate) fn pascal_only(name: &str) -> Result<(), String> {
    if name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('_') {
        Ok(())
    } else {
        Err("it is not PascalCase".to_owned())
    }
}

pub(crate) fn check_money_fields(
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

pub(crate) fn integer_limit(
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
pub(crate) fn money_bounds(
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

pub(crate) fn decimal_limit(
    value: Option<&Value>,
    src: Source<'_>,
    at: &[Step],
    problems: &mut Problems,
) -> Option<String> {
    let value = value?;
    match value.as_str().filter(|t| is_plain_decimal(t)) {
        Some(text) => match decimal_too_long(text) {
            None => Some(text.to_owned()),
            Some(why) => {
                problems.push(
                    src.at(at),
                    why,
                    "write the limit with fewer digits (leading zeros count)",
                );
                None
            }
        },
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

pub(crate) fn references(fields: &[FieldSpec]) -> BTreeSet<String> {
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
pub(crate) fn check_standalone(
    ty: &Ty,
    value: &Value,
    src: Source<'_>,
    at: &[Step],
    problems: &mut Problems,
) {
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
