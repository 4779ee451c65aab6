//! A region's request check, written out as code.
//!
//! `crate::rules::check` interprets a rules table against a `serde_json::Value`; that is what
//! the emulator and the command use on raw bodies. A typed request needs no `Value`: this
//! module writes, per region and endpoint, a function that reads the request's fields where
//! they are and calls the scalar checks the `Value` checker uses (`crate::rules::check_str`,
//! `check_integer`, `check_integer_text`, `check_list_len`; `check_serialized`, which makes the `Value`, for the
//! rare rest) with the same rules, in the order `rules::check` reports problems (required
//! fields in the table's order, then the `at_least_one_of` groups, then each field present,
//! by JSON name, as a `serde_json::Map` iterates). Money is the one difference: its decimal
//! places are counted on the amount's own digits (`check_typed_money`), where a `Value`
//! holds a float. A property test in the SDK (`rules::agreement`) holds it to the `Value`
//! checker's result, word for word, on requests whose amounts a float carries exactly.

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
    let mut body = Vec::new();
    body.push(required(fields, "", &access)?);
    body.push(at_least_one_of(fields, groups, "", &access)?);
    body.push(members(fields, "", &access, table)?);
    // The conditional requirements come last, as `rules::check` reports them.
    body.extend(conditional);
    // A buffer for the paths of list items and of values checked as JSON, when there are any.
    let path = if fields.iter().any(|f| uses_path(&f.ty)) {
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

/// Whether [`value`]'s check of `ty` builds its path in the `path` buffer (lists, and values
/// checked as the JSON they serialize to); the other checks take their path as a literal.
fn uses_path(ty: &Ty) -> bool {
    if always_passes(ty) {
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
        } => object.fields.iter().any(|f| uses_path(&f.ty)),
        _ => true,
    }
}

/// "required in …" for each mandatory field that is not set, in the table's order.
fn required(
    fields: &[Field],
    parent: &str,
    access: &dyn Fn(&Field) -> Result<(TokenStream, bool)>,
) -> Result<TokenStream> {
    let mut checks = Vec::new();
    for field in fields.iter().filter(|f| f.required) {
        let (at, always) = access(field)?;
        if always {
            continue;
        }
        let path = join(parent, &field.name);
        checks.push(quote! {
            if #at.is_none() {
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

/// Each field that is set, by JSON name. `table` holds the fields' rules in the order of
/// `fields`.
fn members(
    fields: &[Field],
    parent: &str,
    access: &dyn Fn(&Field) -> Result<(TokenStream, bool)>,
    table: &TokenStream,
) -> Result<TokenStream> {
    let mut sorted: Vec<(usize, &Field)> = fields.iter().enumerate().collect();
    sorted.sort_by(|a, b| a.1.name.cmp(&b.1.name));
    let mut checks = Vec::new();
    for (index, field) in sorted {
        let (at, always) = access(field)?;
        let path = join(parent, &field.name);
        let index = proc_macro2::Literal::usize_unsuffixed(index);
        let kind = quote! { #table[#index].kind };
        let check = value(&field.ty, quote! { value }, &path, &kind)?;
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
fn value(ty: &Ty, value: TokenStream, path: &str, rule: &TokenStream) -> Result<TokenStream> {
    if always_passes(ty) {
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
            // The region's own fields inside the object are in its `extra`.
            let inner = |field: &Field| -> Result<(TokenStream, bool)> {
                let fid = field_ident(field)?;
                Ok(if object.region_fields.contains(&field.name) {
                    (quote! { object.extra.#fid }, false)
                } else {
                    (quote! { object.#fid }, field.type_required)
                })
            };
            let required = required(&object.fields, path, &inner)?;
            let groups = at_least_one_of(&object.fields, &object.at_least_one_of, path, &inner)?;
            let table = quote! { #rule.object_fields() };
            let members = members(&object.fields, path, &inner, &table)?;
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
