//! The typed request checks, written out as code.
//!
//! `crate::rules::check` interprets a rules table against a `serde_json::Value`; that is what
//! the emulator and the command use on raw bodies. A typed request needs no `Value`: this
//! module writes functions that read the request's fields where they are and call the scalar
//! checks the `Value` checker uses (`crate::rules::check_str`, `check_integer`,
//! `check_integer_text`, `check_list_len`; `check_serialized`, which makes the `Value`, for
//! the rare rest) with the same rules, found by the same problems (`ValidationError` keeps
//! them in the order of their paths, whoever found them). Money is the one difference: its
//! decimal places are counted on the amount's own digits (`check_typed_money`), where a
//! `Value` holds a float. A property test in the SDK (`rules::agreement`) holds it to the
//! `Value` checker's result, word for word, on requests whose amounts a float carries exactly.
//!
//! The check of the fields every region shares is written once per endpoint
//! ([`shared_check`], the variant trait's `check_request`), generic over the region: each
//! rule and whether the field is mandatory are read from the region's table
//! (`Self::REQUEST_RULES`) at compile time, so the region's limits cost what they cost when
//! written out. A region writes only the check of its own fields ([`own_check`]): its extra
//! fields, the fields it adds inside shared objects, its groups there and its conditions.
//! That needs the region's table to list the shared fields first, at the same places, as the
//! loader builds it ([`fits_shared`]); a region whose table does not gets its whole check
//! written out ([`request_check`]), as before.

use proc_macro2::TokenStream;
use quote::quote;

use super::{Result, field_ident};
use crate::model::{Field, Ty};

/// The body of `fn check_request(request: &Request<Marker>) -> Vec<FieldProblem>`, for the
/// region's fields `fields` (shared ones with the region's overrides, then its extras, named
/// in `extras`) and the endpoint's groups. `table` is the region's rules table for them (a
/// constant expression of type `&'static [rules::Field]`, in the order of `fields`): each
/// check names its rule there, evaluated at compile time, so a rule is written out once.
pub(super) fn request_check(
    fields: &[Field],
    extras: &[Field],
    groups: &[Vec<String>],
    conditional: Option<TokenStream>,
    table: &TokenStream,
) -> Result<TokenStream> {
    let access = |field: &Field| -> Result<(TokenStream, bool)> {
        let fid = field_ident(field)?;
        Ok(if extras.iter().any(|x| x.name == field.name) {
            (quote! { request.extra.#fid }, false)
        } else {
            (quote! { request.#fid }, field.type_required)
        })
    };
    let all = |_: &Field| true;
    let mut body = Vec::new();
    body.push(required(fields, "", &access, table, Mode::Fixed, &all)?);
    body.push(at_least_one_of(fields, groups, "", &access)?);
    body.push(members(fields, "", &access, table, Mode::Fixed, &all)?);
    // The conditional requirements come last, as `rules::check` reports them.
    body.extend(conditional);
    // A buffer for the paths of list items and of values checked as JSON, when there are any.
    let path = if fields.iter().any(|f| uses_path(&f.ty, Mode::Fixed)) {
        quote! { let mut path = ::std::string::String::new(); }
    } else {
        quote! {}
    };
    Ok(quote! {
        let region = &<Self as crate::RegionSpec>::INFO;
        #path
        let out = &mut ::std::vec::Vec::new();
        #(#body)*
        ::core::mem::take(out)
    })
}

/// How a check knows a field's rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Written for one region: only what its rules can break is checked, and "required" is
    /// decided here.
    Fixed,
    /// Written once for every region: every field that any region could constrain is
    /// checked, and whether it is mandatory is read from the region's table (a constant).
    Generic,
}

/// The body of the variant trait's `check_request`, written once per endpoint for every
/// region: the shared `fields` and the endpoint's `groups`, each rule named in
/// `Self::REQUEST_RULES` (where [`fits_shared`] put the shared fields first), then the
/// region's own checks (`Self::check_own`).
pub(super) fn shared_check(fields: &[Field], groups: &[Vec<String>]) -> Result<TokenStream> {
    let access = |field: &Field| -> Result<(TokenStream, bool)> {
        let fid = field_ident(field)?;
        Ok((quote! { request.#fid }, field.type_required))
    };
    let table = quote! { Self::REQUEST_RULES.fields };
    let all = |_: &Field| true;
    let required = required(fields, "", &access, &table, Mode::Generic, &all)?;
    let groups = at_least_one_of(fields, groups, "", &access)?;
    let members = members(fields, "", &access, &table, Mode::Generic, &all)?;
    let path = if fields.iter().any(|f| uses_path(&f.ty, Mode::Generic)) {
        quote! { let mut path = ::std::string::String::new(); }
    } else {
        quote! {}
    };
    Ok(quote! {
        let region = &<Self as crate::RegionSpec>::INFO;
        #path
        let out = &mut ::std::vec::Vec::new();
        #required
        #groups
        #members
        Self::check_own(request, out);
        ::core::mem::take(out)
    })
}

/// The body of a region's `check_own`: what [`shared_check`] leaves to it. `fields` are the
/// region's request fields (the shared ones with its overrides, then `extras`), `shared` the
/// endpoint's; `table` the region's rules table for `fields`. Empty when the region has
/// nothing of its own to check.
pub(super) fn own_check(
    fields: &[Field],
    shared: &[Field],
    extras: &[Field],
    conditional: Option<TokenStream>,
    table: &TokenStream,
) -> Result<TokenStream> {
    let is_extra = |field: &Field| extras.iter().any(|x| x.name == field.name);
    let access = |field: &Field| -> Result<(TokenStream, bool)> {
        let fid = field_ident(field)?;
        Ok((quote! { request.extra.#fid }, false))
    };
    let mut body = Vec::new();
    let mut uses = fields
        .iter()
        .filter(|f| is_extra(f))
        .any(|f| uses_path(&f.ty, Mode::Fixed));
    body.push(required(
        fields,
        "",
        &access,
        table,
        Mode::Fixed,
        &is_extra,
    )?);
    body.push(members(fields, "", &access, table, Mode::Fixed, &is_extra)?);
    // Inside the shared objects: the fields only the region has, and its groups there.
    for (index, field) in fields.iter().enumerate() {
        let Ty::Object {
            object,
            one_or_many: false,
        } = &field.ty
        else {
            continue;
        };
        if is_extra(field) {
            continue;
        }
        let shared_groups = shared
            .iter()
            .find(|f| f.name == field.name)
            .and_then(|f| f.ty.object())
            .map(|o| o.at_least_one_of.clone())
            .unwrap_or_default();
        let groups: Vec<Vec<String>> = object
            .at_least_one_of
            .iter()
            .filter(|g| !shared_groups.contains(g))
            .cloned()
            .collect();
        if object.region_fields.is_empty() && groups.is_empty() {
            continue;
        }
        let own = |f: &Field| object.region_fields.contains(&f.name);
        let inner = |f: &Field| -> Result<(TokenStream, bool)> {
            let fid = field_ident(f)?;
            Ok(if own(f) {
                (quote! { object.extra.#fid }, false)
            } else {
                (quote! { object.#fid }, f.type_required)
            })
        };
        uses |= object
            .fields
            .iter()
            .filter(|f| own(f))
            .any(|f| uses_path(&f.ty, Mode::Fixed));
        let path = &field.name;
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let inner_table = quote! { #table[#index].kind.object_fields() };
        let required = required(
            &object.fields,
            path,
            &inner,
            &inner_table,
            Mode::Fixed,
            &own,
        )?;
        let groups = at_least_one_of(&object.fields, &groups, path, &inner)?;
        let members = members(
            &object.fields,
            path,
            &inner,
            &inner_table,
            Mode::Fixed,
            &own,
        )?;
        let fid = field_ident(field)?;
        let checks = quote! { #required #groups #members };
        if checks.is_empty() {
            continue;
        }
        body.push(if field.type_required {
            quote! { { let object = &request.#fid; #checks } }
        } else {
            quote! { if let ::core::option::Option::Some(value) = &request.#fid { let object = value; #checks } }
        });
    }
    body.extend(conditional);
    let body = quote! { #(#body)* };
    if body.is_empty() {
        return Ok(body);
    }
    let path = if uses {
        quote! { let mut path = ::std::string::String::new(); }
    } else {
        quote! {}
    };
    Ok(quote! {
        let region = &<Self as crate::RegionSpec>::INFO;
        #path
        #body
    })
}

/// Whether [`shared_check`] and [`own_check`] check the region's request (`fields`, the
/// shared ones with the region's overrides, then `extras`) as [`request_check`] would: the
/// shared fields come first, in the endpoint's order, each with the same kind of Rust value
/// (so the same scalar check applies); the region adds fields inside shared objects only one
/// level down; the endpoint's groups name shared fields only.
pub(super) fn fits_shared(
    fields: &[Field],
    shared: &[Field],
    extras: &[Field],
    groups: &[Vec<String>],
) -> bool {
    fields.len() == shared.len() + extras.len()
        && fields.iter().zip(shared).all(|(r, s)| same_shape(r, s, 0))
        && fields[shared.len()..]
            .iter()
            .zip(extras)
            .all(|(r, x)| r.name == x.name)
        && groups
            .iter()
            .flatten()
            .all(|name| shared.iter().any(|f| &f.name == name))
}

/// Whether a region's field `r` is the shared field `s` with only its rules changed; `depth`
/// is how far inside the request it is.
fn same_shape(r: &Field, s: &Field, depth: usize) -> bool {
    if r.name != s.name || r.type_required != s.type_required || class(&r.ty) != class(&s.ty) {
        return false;
    }
    match (&r.ty, &s.ty) {
        (
            Ty::Object {
                object: ro,
                one_or_many: false,
            },
            Ty::Object { object: so, .. },
        ) => {
            let own = ro.region_fields.len();
            // `own_check` writes what the region adds one level down (its fields and its
            // groups there); deeper, the object must be the shared one but for its rules.
            (depth == 0 || (own == 0 && ro.at_least_one_of == so.at_least_one_of))
                && ro.fields.len() == so.fields.len() + own
                && ro
                    .fields
                    .iter()
                    .zip(&so.fields)
                    .all(|(a, b)| same_shape(a, b, depth + 1))
                && ro.fields[so.fields.len()..]
                    .iter()
                    .all(|f| ro.region_fields.contains(&f.name))
                && so
                    .at_least_one_of
                    .iter()
                    .all(|g| ro.at_least_one_of.contains(g))
        }
        // Objects checked as their JSON, whole: the same Rust type is enough, but nothing a
        // region adds inside them.
        _ => r.ty.object().is_none_or(|o| o.region_fields.is_empty()),
    }
}

/// Which scalar check a value of the type gets (see [`value`]).
fn class(ty: &Ty) -> &'static str {
    match ty {
        Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. } => "text",
        Ty::Integer { .. } => "integer",
        Ty::Boolean => "boolean",
        Ty::Enum(e) if e.integer => "integer text",
        Ty::Enum(_) => "enum",
        Ty::Money(_) => "money",
        Ty::Object {
            one_or_many: false, ..
        } => "object",
        Ty::List { item, .. }
            if matches!(
                &**item,
                Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. }
            ) || matches!(&**item, Ty::Enum(e) if !e.integer) =>
        {
            "text list"
        }
        _ => "as JSON",
    }
}

/// Whether [`value`]'s check of `ty` builds its path in the `path` buffer (lists, and values
/// checked as the JSON they serialize to); the other checks take their path as a literal.
fn uses_path(ty: &Ty, mode: Mode) -> bool {
    if skipped(ty, mode) {
        return false;
    }
    match ty {
        Ty::String { .. }
        | Ty::JsonString
        | Ty::Timestamp { .. }
        | Ty::Integer { .. }
        | Ty::Enum(_)
        | Ty::Money(_) => false,
        Ty::Object {
            object,
            one_or_many: false,
        } => object
            .fields
            .iter()
            .filter(|f| mode == Mode::Fixed || !object.region_fields.contains(&f.name))
            .any(|f| uses_path(&f.ty, mode)),
        _ => true,
    }
}

/// "required in …" for each mandatory field of `fields` that `only` selects and is not set,
/// in the table's order. `table` holds the rules of `fields`, in their order: a generic check
/// reads there whether the region makes the field mandatory.
fn required(
    fields: &[Field],
    parent: &str,
    access: &dyn Fn(&Field) -> Result<(TokenStream, bool)>,
    table: &TokenStream,
    mode: Mode,
    only: &dyn Fn(&Field) -> bool,
) -> Result<TokenStream> {
    let mut checks = Vec::new();
    for (index, field) in fields.iter().enumerate() {
        if !only(field) || (mode == Mode::Fixed && !field.required) {
            continue;
        }
        let (at, always) = access(field)?;
        if always {
            continue;
        }
        let path = join(parent, &field.name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let condition = match mode {
            Mode::Fixed => quote! { #at.is_none() },
            Mode::Generic => quote! { const { #table[#index].required } && #at.is_none() },
        };
        checks.push(quote! {
            if #condition {
                crate::rules::push_problem(out, #path, ::std::format!("required in {}", region.code));
            }
        });
    }
    Ok(quote! { #(#checks)* })
}

/// "needs at least one of …" for each group of which no field is set (and not empty), at
/// the object's path (`""` for the body).
fn at_least_one_of(
    fields: &[Field],
    groups: &[Vec<String>],
    parent: &str,
    access: &dyn Fn(&Field) -> Result<(TokenStream, bool)>,
) -> Result<TokenStream> {
    let mut body = Vec::new();
    for group in groups {
        let mut present = Vec::new();
        let mut always_met = false;
        for name in group {
            let Some(field) = fields.iter().find(|f| &f.name == name) else {
                continue;
            };
            let (at, always) = access(field)?;
            // As `rules::check` counts it: set, and not the empty string.
            let text = matches!(
                field.ty,
                Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. }
            );
            let text_enum = matches!(&field.ty, Ty::Enum(e) if !e.integer);
            // A JSON object sent as the empty string counts as not sent too.
            if let Ty::JsonObject = field.ty {
                let sent = quote! {
                    !matches!(v, crate::JsonObjectOrString::String(s) if s.is_empty())
                };
                present.push(if always {
                    quote! { { let v = &#at; #sent } }
                } else {
                    quote! { #at.as_ref().is_some_and(|v| #sent) }
                });
                continue;
            }
            match (always, text, text_enum) {
                (true, true, _) => present.push(quote! { !#at.is_empty() }),
                (true, _, true) => present.push(quote! { !#at.as_str().is_empty() }),
                (true, false, false) => always_met = true,
                (false, true, _) => {
                    present.push(quote! { #at.as_ref().is_some_and(|v| !v.is_empty()) });
                }
                (false, _, true) => {
                    present.push(quote! { #at.as_ref().is_some_and(|v| !v.as_str().is_empty()) });
                }
                (false, false, false) => present.push(quote! { #at.is_some() }),
            }
        }
        if always_met {
            continue;
        }
        let message = format!("needs at least one of {} in {{}}", group.join(", "));
        // No field of the group in this region: the group can never be met.
        let any = if present.is_empty() {
            quote! { false }
        } else {
            quote! { #(#present)||* }
        };
        body.push(quote! {
            if !(#any) {
                crate::rules::push_problem(out, #parent, ::std::format!(#message, region.code));
            }
        });
    }
    Ok(quote! { #(#body)* })
}

/// Each field of `fields` that `only` selects and is set, by JSON name. `table` holds the
/// fields' rules in the order of `fields`.
fn members(
    fields: &[Field],
    parent: &str,
    access: &dyn Fn(&Field) -> Result<(TokenStream, bool)>,
    table: &TokenStream,
    mode: Mode,
    only: &dyn Fn(&Field) -> bool,
) -> Result<TokenStream> {
    let mut sorted: Vec<(usize, &Field)> =
        fields.iter().enumerate().filter(|(_, f)| only(f)).collect();
    sorted.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut checks = Vec::new();
    for (index, field) in sorted {
        let (at, always) = access(field)?;
        let path = join(parent, &field.name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let kind = quote! { #table[#index].kind };
        let check = value(&field.ty, quote! { value }, &path, &kind, mode)?;
        if check.is_empty() {
            continue;
        }
        checks.push(if always {
            quote! { { let value = &#at; #check } }
        } else {
            quote! { if let ::core::option::Option::Some(value) = &#at { #check } }
        });
    }
    Ok(quote! { #(#checks)* })
}

/// Checks `value` (a reference to a value of `ty`) at `path`, against the rule `kind` (a
/// constant place of type `rules::Kind` in the region's table).
fn value(
    ty: &Ty,
    value: TokenStream,
    path: &str,
    rule: &TokenStream,
    mode: Mode,
) -> Result<TokenStream> {
    if skipped(ty, mode) {
        return Ok(quote! {});
    }
    // A `&'static Kind` into the table, computed at compile time.
    let kind = quote! { const { &#rule } };
    Ok(match ty {
        Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. } => quote! {
            crate::rules::check_str(#kind, #value, region, #path, out);
        },
        Ty::Integer { .. } => quote! {
            crate::rules::check_integer(#kind, *#value, region, #path, out);
        },
        Ty::Enum(e) if !e.integer => quote! {
            crate::rules::check_str(#kind, #value.as_str(), region, #path, out);
        },
        Ty::Enum(_) => quote! {
            crate::rules::check_integer_text(#kind, #value.as_str(), region, #path, out);
        },
        Ty::Money(_) => quote! {
            crate::rules::check_typed_money(#kind, #value, region, #path, out);
        },
        Ty::Object {
            object,
            one_or_many: false,
        } => {
            // The region's own fields inside the object are in its `extra` (a generic check
            // leaves them to the region's `check_own`).
            let own = |field: &Field| object.region_fields.contains(&field.name);
            let inner = |field: &Field| -> Result<(TokenStream, bool)> {
                let fid = field_ident(field)?;
                Ok(if own(field) {
                    (quote! { object.extra.#fid }, false)
                } else {
                    (quote! { object.#fid }, field.type_required)
                })
            };
            let only = |field: &Field| mode == Mode::Fixed || !own(field);
            let table = quote! { #rule.object_fields() };
            let required = required(&object.fields, path, &inner, &table, mode, &only)?;
            let groups = at_least_one_of(&object.fields, &object.at_least_one_of, path, &inner)?;
            let members = members(&object.fields, path, &inner, &table, mode, &only)?;
            quote! {
                {
                    let object = #value;
                    #required
                    #groups
                    #members
                }
            }
        }
        Ty::List { item, .. }
            if matches!(
                &**item,
                Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. }
            ) || matches!(&**item, Ty::Enum(e) if !e.integer) =>
        {
            let item_kind = quote! { const { #rule.list_item() } };
            let text = quote! { item.as_str() };
            quote! {
                path.clear();
                path.push_str(#path);
                crate::rules::check_list_len(#kind, #value.len(), &path, out);
                for (i, item) in #value.iter().enumerate() {
                    path.clear();
                    path.push_str(#path);
                    crate::rules::push_index(&mut path, i);
                    crate::rules::check_str(#item_kind, #text, region, &path, out);
                }
            }
        }
        // Other lists, decimals, JSON objects and one-or-many objects: rarely in
        // a request, checked as the `Value` they serialize to.
        _ => quote! {
            path.clear();
            path.push_str(#path);
            crate::rules::check_serialized(#kind, #value, region, &mut path, out);
        },
    })
}

/// Whether a check of the type is left out: in a region's own check, when every value passes
/// its rule ([`always_passes`]); in the generic check, only for a boolean (any other field
/// may have limits in some region).
fn skipped(ty: &Ty, mode: Mode) -> bool {
    match mode {
        Mode::Fixed => always_passes(ty),
        Mode::Generic => matches!(ty, Ty::Boolean),
    }
}

/// Whether every value of the type's Rust type passes its rule, so that there is nothing to
/// check: text without limits, a whole number without bounds, a boolean. (An open enum is
/// checked: the empty string is never its value.)
fn always_passes(ty: &Ty) -> bool {
    match ty {
        Ty::String {
            min_length: None,
            max_length: None,
            chars: None,
            pattern: None,
        }
        | Ty::Integer {
            minimum: None,
            maximum: None,
        }
        | Ty::Boolean => true,
        // An open string enum takes any value but the empty string, which is checked.
        Ty::Object {
            object,
            one_or_many: false,
        } => {
            object.at_least_one_of.is_empty()
                && object
                    .fields
                    .iter()
                    // Nothing to check, and no "required" that an unset field could break.
                    .all(|f| always_passes(&f.ty) && (f.type_required || !f.required))
        }
        _ => false,
    }
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}
