//! A region's changes to shared fields: overrides (limits, values, required, defaults),
//! conditions (`required_when`) and groups (`at_least_one_of`), each checked where it is written.

use super::*;

/// Whether a value of `ty` is or holds money or a decimal.
pub(crate) fn holds_exact_number(ty: &Ty) -> bool {
    match ty {
        Ty::Money(_) | Ty::Decimal { .. } => true,
        Ty::List { item, .. } => holds_exact_number(item),
        Ty::Object { object, .. } => object.fields.iter().any(|f| holds_exact_number(&f.ty)),
        _ => false,
    }
}

/// `a.b[0].c` as tree steps.
pub(crate) fn json_steps(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    if path == "(body)" {
        return steps;
    }
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(Step::Key(name.to_owned()));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                steps.push(Step::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    steps
}

pub(crate) fn find_mut<'f>(fields: &'f mut [Field], parts: &[&str]) -> Option<&'f mut Field> {
    let (first, rest) = parts.split_first()?;
    let field = fields.iter_mut().find(|f| f.name == *first)?;
    if rest.is_empty() {
        return Some(field);
    }
    match &mut field.ty {
        Ty::Object { object, .. } => find_mut(&mut object.fields, rest),
        Ty::List { item, .. } => match item.as_mut() {
            Ty::Object { object, .. } => find_mut(&mut object.fields, rest),
            _ => None,
        },
        _ => None,
    }
}

/// Sets an override's `required_when` on the field at `path`, if the condition is sound: the
/// field is an optional request field not inside a list, and the deciding field is a
/// top-level request string or enum whose values the condition lists in its type.
pub(crate) fn required_when(
    request: &mut [Field],
    path: &str,
    condition: &crate::spec::RequiredWhenSpec,
    id: &str,
    at: Location,
    problems: &mut Problems,
) {
    let Some(rest) = path.strip_prefix("request.") else {
        problems.push(
            at,
            format!("override `{path}` sets required_when, which applies to request fields only"),
            "remove required_when, or put it on a request field's override",
        );
        return;
    };
    let values: Vec<String> = match request
        .iter()
        .find(|f| f.name == condition.field)
        .map(|f| &f.ty)
    {
        None => {
            problems.push(
                at,
                format!(
                    "override `{path}`: required_when names `{}`, which is not a top-level request field of `{id}`",
                    condition.field
                ),
                "name a top-level request field, e.g. paymentMethod",
            );
            return;
        }
        Some(Ty::String { .. }) => condition
            .values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Ty::Enum(e)) if e.integer => condition
            .values
            .iter()
            .filter_map(|v| v.as_i64().map(|n| n.to_string()))
            .collect(),
        Some(Ty::Enum(_)) => condition
            .values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(other) => {
            problems.push(
                at,
                format!(
                    "override `{path}`: required_when's `{}` is a {}; a condition needs a string or an enum",
                    condition.field,
                    other.kind_name()
                ),
                "name a string or enum field",
            );
            return;
        }
    };
    if values.is_empty() || values.len() != condition.values.len() {
        problems.push(
            at,
            format!(
                "override `{path}`: required_when's values must be values of `{}` as it is written, at least one",
                condition.field
            ),
            "list the values as the field writes them, e.g. [W_OVO], or [1] for an integer enum",
        );
        return;
    }
    let parts: Vec<&str> = rest.split('.').collect();
    // Not through a list: "required" of an item would need the item's index.
    let mut fields: &[Field] = request;
    for (i, part) in parts.iter().enumerate() {
        let Some(field) = fields.iter().find(|f| f.name == *part) else {
            return; // Reported by the override itself.
        };
        if i + 1 == parts.len() {
            break;
        }
        match &field.ty {
            Ty::Object {
                object,
                one_or_many: false,
            } => fields = &object.fields,
            _ => {
                problems.push(
                    at,
                    format!("override `{path}` sets required_when on a field inside a list"),
                    "put the condition on a field reached through objects only",
                );
                return;
            }
        }
    }
    match find_mut(request, &parts) {
        Some(field) if field.required => problems.push(
            at,
            format!("override `{path}` sets required_when, but the field is always mandatory here"),
            "remove required_when, or make the field optional",
        ),
        Some(field) => {
            field.required_when = Some(model::RequiredWhen {
                field: condition.field.clone(),
                values,
            });
        }
        None => {}
    }
}

/// Sets an override's `at_least_one_of` on the object at `path`, if each group names two or
/// more of its fields, none of them mandatory: a request object then needs one of each group.
pub(crate) fn object_groups(
    request: &mut [Field],
    path: &str,
    groups: &[Vec<String>],
    at: Location,
    problems: &mut Problems,
) {
    let Some(rest) = path.strip_prefix("request.") else {
        problems.push(
            at,
            format!(
                "override `{path}` sets at_least_one_of, which applies to request objects only"
            ),
            "remove at_least_one_of, or put it on the override of a request object",
        );
        return;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let Some(field) = find_mut(request, &parts) else {
        return; // Reported by the override itself.
    };
    let object = match &mut field.ty {
        Ty::Object { object, .. } => object,
        Ty::List { item, .. } if matches!(**item, Ty::Object { .. }) => match item.as_mut() {
            Ty::Object { object, .. } => object,
            _ => return,
        },
        other => {
            problems.push(
                at,
                format!(
                    "override `{path}` sets at_least_one_of, but the field is {}",
                    other.kind_name()
                ),
                "put at_least_one_of on an object's override and name its fields; for top-level request fields, the endpoint's at_least_one_of in gateway.yaml",
            );
            return;
        }
    };
    let mut sound = true;
    for group in groups {
        if group.len() < 2 {
            sound = false;
            problems.push(
                at.clone(),
                format!("override `{path}`: an at_least_one_of group needs two fields or more"),
                "list the fields of which one must be sent, e.g. [idNumber, identity]",
            );
        }
        for name in group {
            match object.fields.iter().find(|f| &f.name == name) {
                None => {
                    sound = false;
                    let known: Vec<&str> = object.fields.iter().map(|f| f.name.as_str()).collect();
                    problems.push(
                        at.clone(),
                        format!("override `{path}`: at_least_one_of names `{name}`, which is not a field of it"),
                        format!("name some of its fields: {}", known.join(", ")),
                    );
                }
                Some(f) if f.required => {
                    sound = false;
                    problems.push(
                        at.clone(),
                        format!("override `{path}`: at_least_one_of names `{name}`, which is already mandatory here"),
                        "leave the mandatory field out of the group, or do not make it mandatory",
                    );
                }
                Some(_) => {}
            }
        }
    }
    if sound {
        object.at_least_one_of = groups.to_vec();
    }
}

/// Sets an override's `default` on the top-level request field at `path`, if the field is
/// optional in every region's type (a mandatory one is a constructor argument, so a default
/// would never be used) and the value follows the field's rules in the region.
pub(crate) fn region_default(
    request: &mut [Field],
    path: &str,
    value: &serde_json::Value,
    facts: RegionFacts<'_>,
    at: Location,
    problems: &mut Problems,
) {
    let Some(name) = path.strip_prefix("request.").filter(|n| !n.contains('.')) else {
        problems.push(
            at,
            format!(
                "override `{path}` sets a default, which applies to top-level request fields only"
            ),
            "put the default on a top-level request field's override, e.g. request.paymentMethod",
        );
        return;
    };
    let Some(field) = request.iter_mut().find(|f| f.name == name) else {
        return; // Reported by the override itself.
    };
    if field.type_required {
        problems.push(
            at,
            format!("override `{path}` sets a default, but the field is mandatory in every region"),
            "remove the default: a mandatory field is given to the request's constructor",
        );
        return;
    }
    let mut found = Vec::new();
    model::check_value(
        &field.ty,
        value,
        Some(facts),
        model::Side::Request,
        &mut name.to_owned(),
        &mut found,
    );
    if let Some((json_path, why)) = found.into_iter().next() {
        problems.push(
            at,
            format!("override `{path}`: the default {value} breaks the field's rules here: `{json_path}` {why}"),
            "give a default the field accepts in this region, or change its rules",
        );
        return;
    }
    field.default = Some(value.clone());
}

pub(crate) fn apply_override(
    field: &mut Field,
    change: &OverrideSpec,
    path: &str,
    region: &str,
    at: Location,
    problems: &mut Problems,
) {
    let refuse = |problems: &mut Problems, what: &str, kind: &str| {
        problems.push(
            at.clone(),
            format!("override `{path}` sets {what}, but the field is {kind}"),
            format!("remove {what} from the override"),
        );
    };
    let kind = field.ty.kind_name();
    match change.required {
        Some(true) => field.required = true,
        Some(false) if field.required => problems.push(
            at.clone(),
            format!("override `{path}` makes a mandatory field optional"),
            "a region can only make a field mandatory: make it `required: false` in gateway.yaml and `required: true` in the regions that need it",
        ),
        _ => {}
    }
    let list = matches!(field.ty, Ty::List { .. });
    let target: &mut Ty = match &mut field.ty {
        Ty::List { item, .. } if change.min_items.is_none() && change.max_items.is_none() => item,
        other => other,
    };
    match target {
        Ty::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => {
            if let Some(text) = &change.pattern {
                match crate::pattern::parse(text) {
                    Ok(parsed) => *pattern = Some(parsed),
                    Err(why) => problems.push(
                        at.clone(),
                        format!("override `{path}`: pattern {text:?}: {why}"),
                        "write a pattern of characters, classes like [A-Z0-9] and counts like {4} or {7,8}, with | between alternatives",
                    ),
                }
            }
            if change.min_length.is_some() {
                *min_length = change.min_length;
            }
            if change.max_length.is_some() {
                *max_length = change.max_length;
            }
            if change.chars.is_some() {
                *chars = change.chars;
            }
            if let (Some(a), Some(b)) = (*min_length, *max_length)
                && a > b
            {
                problems.push(
                    at.clone(),
                    format!("override `{path}` leaves min_length {a} above max_length {b}"),
                    "make min_length at most max_length",
                );
            }
        }
        _ => {
            for (set, what) in [
                (change.min_length.is_some(), "min_length"),
                (change.max_length.is_some(), "max_length"),
                (change.chars.is_some(), "chars"),
                (change.pattern.is_some(), "pattern"),
            ] {
                if set {
                    refuse(problems, what, kind);
                }
            }
        }
    }
    match target {
        Ty::Integer { minimum, maximum } => {
            for (value, slot, what) in [
                (&change.minimum, minimum, "minimum"),
                (&change.maximum, maximum, "maximum"),
            ] {
                if let Some(v) = value {
                    match v.as_i64() {
                        Some(n) => *slot = Some(n),
                        None => problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {v} is not a whole number"),
                            "write a whole number",
                        ),
                    }
                }
            }
        }
        Ty::Decimal { minimum, maximum } => {
            for (value, slot, what) in [
                (&change.minimum, minimum, "minimum"),
                (&change.maximum, maximum, "maximum"),
            ] {
                if let Some(v) = value {
                    match v.as_str().filter(|t| model::is_plain_decimal(t)) {
                        Some(t) => match model::decimal_too_long(t) {
                            None => *slot = Some(t.to_owned()),
                            Some(why) => problems.push(
                                at.clone(),
                                format!("override `{path}`: {what} {why}"),
                                "write it with fewer digits (leading zeros count)",
                            ),
                        },
                        None => problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {v} is not a decimal in a string"),
                            "write it in quotes, e.g. \"0.01\"",
                        ),
                    }
                }
            }
        }
        Ty::Money(money) => {
            for (value, slot, what) in [
                (&change.minimum, &mut money.minimum, "minimum"),
                (&change.maximum, &mut money.maximum, "maximum"),
            ] {
                if let Some(v) = value {
                    let Some(text) = v.as_str().filter(|t| model::is_plain_decimal(t)) else {
                        problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {v} is not a decimal in a string"),
                            "write it in quotes, e.g. \"10000\"",
                        );
                        continue;
                    };
                    match model::money_bound_problem(text) {
                        None => *slot = Some(text.to_owned()),
                        Some(why) => problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {why}"),
                            "write a positive amount in quotes, e.g. \"10000\", or leave the bound out",
                        ),
                    }
                }
            }
            if let (Some(min), Some(max)) = (&money.minimum, &money.maximum)
                && model::compare_decimal(min, max) == Some(std::cmp::Ordering::Greater)
            {
                problems.push(
                    at.clone(),
                    format!("override `{path}` leaves minimum {min} above maximum {max}"),
                    "make minimum at most maximum",
                );
            }
        }
        _ => {
            for (set, what) in [
                (change.minimum.is_some(), "minimum"),
                (change.maximum.is_some(), "maximum"),
            ] {
                if set {
                    refuse(problems, what, kind);
                }
            }
        }
    }
    match target {
        Ty::Enum(e) => {
            if let Some(values) = &change.values {
                let mut allowed = Vec::new();
                for v in values {
                    let text = match v {
                        serde_json::Value::String(t) if !e.integer => t.clone(),
                        serde_json::Value::Number(n) if e.integer && n.is_i64() => n.to_string(),
                        other => {
                            problems.push(
                                at.clone(),
                                format!(
                                    "override `{path}`: value {other} is not {}",
                                    if e.integer {
                                        "a whole number"
                                    } else {
                                        "a string"
                                    }
                                ),
                                "write the values as the enum does",
                            );
                            continue;
                        }
                    };
                    if !e.open && !e.variants.iter().any(|x| x.wire == text) {
                        let listed: Vec<&str> =
                            e.variants.iter().map(|x| x.wire.as_str()).collect();
                        problems.push(
                            at.clone(),
                            format!(
                                "override `{path}`: {text} is not a value of the closed enum `{}`",
                                e.name.name()
                            ),
                            format!("use some of: {}", listed.join(", ")),
                        );
                    }
                    allowed.push(text);
                }
                if allowed.is_empty() {
                    problems.push(
                        at.clone(),
                        format!("override `{path}` allows no value in {region}"),
                        "list at least one value",
                    );
                }
                e.allowed = Some(allowed);
            }
        }
        _ => {
            if change.values.is_some() {
                refuse(problems, "values", kind);
            }
        }
    }
    if change.min_items.is_some() || change.max_items.is_some() {
        match &mut field.ty {
            Ty::List {
                min_items,
                max_items,
                ..
            } => {
                if change.min_items.is_some() {
                    *min_items = change.min_items;
                }
                if change.max_items.is_some() {
                    *max_items = change.max_items;
                }
            }
            _ => {
                let _ = list;
                problems.push(
                    at.clone(),
                    format!(
                        "override `{path}` sets min_items or max_items, but the field is {kind}"
                    ),
                    "remove them from the override",
                );
            }
        }
    }
    check_limits_after_override(&field.ty, path, &at, problems);
    if let Some(doc) = &change.doc {
        field.region_doc = Some(doc.trim().to_owned());
    }
}

/// After an override, the lower limits must still be at most the upper ones (string lengths
/// are compared where they are set).
pub(crate) fn check_limits_after_override(
    ty: &Ty,
    path: &str,
    at: &Location,
    problems: &mut Problems,
) {
    let mut above = |what: &str, low: String, high: String| {
        problems.push(
            at.clone(),
            format!("override `{path}` leaves {what} {low} above {}", high),
            "make the lower limit at most the upper one",
        );
    };
    let (item, list_limits) = match ty {
        Ty::List {
            item,
            min_items,
            max_items,
        } => (item.as_ref(), Some((*min_items, *max_items))),
        other => (other, None),
    };
    if let Some((Some(min), Some(max))) = list_limits
        && min > max
    {
        above("min_items", min.to_string(), format!("max_items {max}"));
    }
    match item {
        Ty::Integer {
            minimum: Some(min),
            maximum: Some(max),
        } if min > max => above("minimum", min.to_string(), format!("maximum {max}")),
        Ty::Decimal {
            minimum: Some(min),
            maximum: Some(max),
        } if model::compare_decimal(min, max) == Some(std::cmp::Ordering::Greater) => {
            above("minimum", min.clone(), format!("maximum {max}"))
        }
        _ => {}
    }
}
