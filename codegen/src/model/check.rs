//! Checking a JSON value against resolved fields (the spec's examples and defaults): the model
//! is turned into the rules tables of `smilepayz-rules`, as the generated code writes them, and
//! checked by its [`Checker`], the one the SDK runs on bodies. What a region's request must
//! hold is judged by one piece of code, here and at run time.

use bumpalo::Bump;
use smilepayz_rules as rules;
pub use smilepayz_rules::{Checker, RegionFacts, Side};

use super::*;

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

/// Checks a JSON value against fields (the body when `path` is empty: then a request's
/// conditional fields too), collecting `(json path, message)` problems.
pub fn check_object(
    fields: &[Field],
    groups: &[Vec<String>],
    value: &Value,
    region: Option<RegionFacts<'_>>,
    side: Side,
    path: &mut String,
    out: &mut Vec<(String, String)>,
) {
    let arena = Bump::new();
    let tables = Tables {
        arena: &arena,
        side,
    };
    let checker = Checker::new(region, side);
    let table = tables.fields(fields);
    let groups = tables.groups(groups);
    let mut problems = Vec::new();
    if path.is_empty() {
        let mut found = Vec::new();
        conditions("", fields, &mut found);
        let required_when = arena.alloc_slice_fill_iter(found.iter().map(|(path, condition)| {
            rules::RequiredWhen {
                path: arena.alloc_str(path),
                field: &condition.field,
                values: arena.alloc_slice_fill_iter(condition.values.iter().map(String::as_str)),
            }
        }));
        let object = rules::Object::new(table)
            .at_least_one_of(groups)
            .required_when(required_when);
        checker.check(&object, value, &mut problems);
    } else {
        checker.check_object(table, groups, value, path, &mut problems);
    }
    out.extend(problems.into_iter().map(|p| (p.path, p.message)));
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
    let arena = Bump::new();
    let tables = Tables {
        arena: &arena,
        side,
    };
    let mut problems = Vec::new();
    Checker::new(region, side).check_value(&tables.kind(ty), value, path, &mut problems);
    out.extend(problems.into_iter().map(|p| (p.path, p.message)));
}

/// Builds rules tables from the model in an arena, as `emit::rules` writes them into the
/// generated code for a request (`side` decides how an enum's values read: a request takes
/// the region's allowed values, a response any listed one, or any at all when open).
struct Tables<'a> {
    arena: &'a Bump,
    side: Side,
}

impl<'a> Tables<'a> {
    fn fields(&self, fields: &'a [Field]) -> &'a [rules::Field<'a>] {
        self.arena
            .alloc_slice_fill_iter(fields.iter().map(|f| rules::Field {
                name: &f.name,
                required: f.required,
                kind: self.kind(&f.ty),
            }))
    }

    fn groups(&self, groups: &'a [Vec<String>]) -> &'a [&'a [&'a str]] {
        self.arena.alloc_slice_fill_iter(groups.iter().map(|group| {
            &*self
                .arena
                .alloc_slice_fill_iter(group.iter().map(String::as_str))
        }))
    }

    fn kind(&self, ty: &'a Ty) -> rules::Kind<'a> {
        let arena = self.arena;
        match ty {
            Ty::String {
                min_length,
                max_length,
                chars,
                pattern,
            } => rules::Kind::String {
                min_length: *min_length,
                max_length: *max_length,
                chars: chars.map(|c| match c {
                    CharSet::Alphanumeric => rules::Chars::Alphanumeric,
                    CharSet::Digits => rules::Chars::Digits,
                    CharSet::Ascii => rules::Chars::Ascii,
                }),
                pattern: pattern.as_ref().map(|p| &*arena.alloc(p.table(arena))),
            },
            Ty::Integer { minimum, maximum } => rules::Kind::Integer {
                minimum: *minimum,
                maximum: *maximum,
            },
            Ty::Decimal { minimum, maximum } => rules::Kind::Decimal {
                minimum: minimum.as_deref(),
                maximum: maximum.as_deref(),
            },
            Ty::Boolean => rules::Kind::Boolean,
            Ty::Timestamp { offset } => rules::Kind::Timestamp { offset: *offset },
            Ty::Enum(e) => {
                let listed = || e.variants.iter().map(|v| v.wire.as_str());
                let (values, any): (&[&str], bool) = match (&e.allowed, self.side) {
                    (Some(allowed), Side::Request) => (
                        arena.alloc_slice_fill_iter(allowed.iter().map(String::as_str)),
                        false,
                    ),
                    _ => (arena.alloc_slice_fill_iter(listed()), e.open),
                };
                rules::Kind::Enum {
                    values,
                    integer: e.integer,
                    any,
                }
            }
            Ty::List {
                item,
                min_items,
                max_items,
            } => rules::Kind::List {
                item: arena.alloc(self.kind(item)),
                min_items: *min_items,
                max_items: *max_items,
            },
            Ty::Object {
                object,
                one_or_many,
            } => rules::Kind::Object {
                fields: self.fields(&object.fields),
                at_least_one_of: self.groups(&object.at_least_one_of),
                one_or_many: *one_or_many,
            },
            Ty::Money(money) => rules::Kind::Money {
                shape: match money.shape {
                    MoneyShape::ValueString => rules::MoneyShape::ValueString,
                    MoneyShape::AmountNumber => rules::MoneyShape::AmountNumber,
                },
                minimum: money.minimum.as_deref(),
                maximum: money.maximum.as_deref(),
            },
            Ty::JsonObject => rules::Kind::JsonObject,
            Ty::JsonString => rules::Kind::JsonString,
        }
    }
}

/// Parses `±HH:MM` into seconds east of UTC, within the offsets in use (-12:00 to +14:00).
pub fn parse_offset(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    if bytes.len() != 6 || bytes[3] != b':' {
        return None;
    }
    let sign = match bytes[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = |s: &[u8]| -> Option<i32> {
        if s.iter().all(u8::is_ascii_digit) {
            Some(i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
        } else {
            None
        }
    };
    let hours = digits(&bytes[1..3])?;
    let minutes = digits(&bytes[4..6])?;
    let seconds = sign * (hours * 3600 + minutes * 60);
    (minutes < 60 && (-12 * 3600..=14 * 3600).contains(&seconds)).then_some(seconds)
}
