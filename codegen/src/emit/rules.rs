//! The rules a region's requests are checked with, emitted as static data, and the examples
//! emitted beside them.

use super::*;

/// The names of `crate::rules` the tables are written with.
pub(crate) const RULES_NAMES: &[&str] =
    &["Atom", "Chars", "Field", "Kind", "MoneyShape", "Pattern"];

pub(crate) fn opt<T: quote::ToTokens>(value: Option<T>) -> TokenStream {
    match value {
        Some(v) => quote! { ::core::option::Option::Some(#v) },
        None => quote! { ::core::option::Option::None },
    }
}

/// `use crate::rules::{Field, Kind};` with the names of [`RULES_NAMES`] that `written` uses
/// as a path (`Kind :: TEXT`) or a struct literal (`Atom { … }`), not inside a string literal
/// such as a field's name; nothing when it uses none.
pub(crate) fn rules_imports(written: &TokenStream) -> TokenStream {
    let written = written.to_string();
    let names: Vec<Ident> = RULES_NAMES
        .iter()
        .filter(|name| {
            written.contains(&format!("{name} ::")) || written.contains(&format!("{name} {{"))
        })
        .map(|name| format_ident!("{}", name))
        .collect();
    if names.is_empty() {
        quote! {}
    } else {
        quote! { use crate::rules::{#(#names),*}; }
    }
}

/// A pattern as the SDK's static table: `&Pattern { … }`.
///
/// The tables are written with the short names of `crate::rules` in [`RULES_NAMES`]; the
/// constant that holds a table imports the ones it uses.
pub(crate) fn pattern_tokens(pattern: &crate::pattern::Pattern) -> TokenStream {
    let text = &pattern.text;
    let alternatives = pattern.alternatives.iter().map(|atoms| {
        let atoms = atoms.iter().map(|atom| {
            let ranges = atom.ranges.iter().map(|(a, b)| quote! { (#a, #b) });
            // Counts are at most 256 (pattern::MAX_COUNT), so they fit a u16.
            let min = u16::try_from(atom.min).unwrap_or(u16::MAX);
            let max = opt(atom.max.map(|m| u16::try_from(m).unwrap_or(u16::MAX)));
            quote! { Atom { ranges: &[#(#ranges),*], min: #min, max: #max } }
        });
        quote! { &[#(#atoms),*] }
    });
    quote! { &Pattern { text: #text, alternatives: &[#(#alternatives),*] } }
}

pub(crate) fn rules_kind(ty: &Ty) -> TokenStream {
    rules_kind_over(ty, &mut Shared::none(), "")
}

/// The endpoint's shared request rules a region's table can name instead of writing them out:
/// `ORDER_NO` for `orderNo`, `PAYER_ID_TYPE` for `payer.idType`, each the rule the shared spec
/// gives. A region whose rule for a field is the same, word for word, names the constant.
pub(crate) struct Shared<'a> {
    /// The shared fields, by JSON path, with their constant's name.
    fields: std::collections::BTreeMap<String, (Ident, &'a Field)>,
    /// The paths a table named.
    pub(crate) used: std::collections::BTreeSet<String>,
}

impl<'a> Shared<'a> {
    /// Nothing shared: every rule written out.
    pub(crate) fn none() -> Self {
        Shared {
            fields: Default::default(),
            used: Default::default(),
        }
    }

    /// The shared rules of `fields` (an endpoint's shared request fields), objects' fields
    /// included. Two paths that would get the same constant name both stay unshared.
    pub(crate) fn of(fields: &'a [Field]) -> Self {
        fn walk<'a>(prefix: &str, fields: &'a [Field], out: &mut Vec<(String, String, &'a Field)>) {
            for field in fields {
                let path = join_path(prefix, &field.name);
                let name = path
                    .split('.')
                    .map(crate::naming::constant_name)
                    .collect::<Vec<_>>()
                    .join("_");
                out.push((path.clone(), name, field));
                if let Some(object) = field.ty.object() {
                    walk(&path, &object.fields, out);
                }
            }
        }
        let mut all = Vec::new();
        walk("", fields, &mut all);
        let mut count = std::collections::BTreeMap::new();
        for (_, name, _) in &all {
            *count.entry(name.clone()).or_insert(0) += 1;
        }
        let fields = all
            .into_iter()
            .filter(|(_, name, _)| count[name] == 1)
            .filter_map(|(path, name, field)| {
                let ident = syn::parse_str::<Ident>(&name).ok()?;
                Some((path, (ident, field)))
            })
            .collect();
        Shared {
            fields,
            used: Default::default(),
        }
    }

    /// The shared field at `path`, when it has a constant.
    fn get(&self, path: &str) -> Option<&(Ident, &'a Field)> {
        self.fields.get(path)
    }

    /// The constants the tables named, as `pub const ORDER_NO: Field = …;` items, in path
    /// order. An object's constant names those of its fields that are constants too (`PAYER`
    /// lists `PAYER_NAME`, `PAYER_ID_TYPE`, … where the regions' tables name them): each
    /// rule is written once.
    pub(crate) fn items(&self) -> Vec<TokenStream> {
        // Only constants already written are named: naming one would not write another.
        let mut written = Shared {
            fields: self
                .fields
                .iter()
                .filter(|(path, _)| self.used.contains(*path))
                .map(|(path, field)| (path.clone(), field.clone()))
                .collect(),
            used: Default::default(),
        };
        self.used
            .iter()
            .filter_map(|path| self.fields.get(path).map(|f| (path, f)))
            .map(|(path, (ident, field))| {
                let rule = field_rule(field, &mut written, path);
                let text = format!(" `{path}` as the shared spec gives it.");
                quote! { #[doc = #text] pub const #ident: Field = #rule; }
            })
            .collect()
    }
}

fn join_path(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// A rule kind, with what is shared under `path` named from `shared`.
fn rules_kind_over(ty: &Ty, shared: &mut Shared<'_>, path: &str) -> TokenStream {
    match ty {
        Ty::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => {
            // `Kind::TEXT` narrowed by what the spec sets: one short line for most fields.
            let mut kind = quote! { Kind::TEXT };
            if let Some(n) = min_length {
                let n = proc_macro2::Literal::u32_unsuffixed(*n);
                kind = quote! { #kind.min_length(#n) };
            }
            if let Some(n) = max_length {
                let n = proc_macro2::Literal::u32_unsuffixed(*n);
                kind = quote! { #kind.max_length(#n) };
            }
            if let Some(c) = chars {
                let c = match c {
                    CharSet::Alphanumeric => quote! { Chars::Alphanumeric },
                    CharSet::Digits => quote! { Chars::Digits },
                    CharSet::Ascii => quote! { Chars::Ascii },
                };
                kind = quote! { #kind.chars(#c) };
            }
            if let Some(p) = pattern {
                let p = pattern_tokens(p);
                kind = quote! { #kind.pattern(#p) };
            }
            kind
        }
        Ty::Integer { minimum, maximum } => {
            let mut kind = quote! { Kind::INTEGER };
            if let Some(n) = minimum {
                let n = proc_macro2::Literal::i64_unsuffixed(*n);
                kind = quote! { #kind.at_least(#n) };
            }
            if let Some(n) = maximum {
                let n = proc_macro2::Literal::i64_unsuffixed(*n);
                kind = quote! { #kind.at_most(#n) };
            }
            kind
        }
        Ty::Decimal { minimum, maximum } => {
            let (min, max) = (opt(minimum.as_deref()), opt(maximum.as_deref()));
            quote! { Kind::Decimal { minimum: #min, maximum: #max } }
        }
        Ty::Boolean => quote! { Kind::Boolean },
        Ty::Timestamp { offset } => quote! { Kind::Timestamp { offset: #offset } },
        Ty::Enum(e) => {
            let values: Vec<&str> = match &e.allowed {
                Some(allowed) => allowed.iter().map(String::as_str).collect(),
                None => e.variants.iter().map(|v| v.wire.as_str()).collect(),
            };
            let any = e.allowed.is_none() && e.open;
            let mut kind = quote! { Kind::one_of(&[#(#values),*]) };
            if e.integer {
                kind = quote! { #kind.whole_numbers() };
            }
            if any {
                kind = quote! { #kind.or_any() };
            }
            kind
        }
        Ty::List {
            item,
            min_items,
            max_items,
        } => {
            let item = rules_kind(item);
            let mut kind = quote! { Kind::list(&#item) };
            if let Some(n) = min_items {
                let n = proc_macro2::Literal::u32_unsuffixed(*n);
                kind = quote! { #kind.min_items(#n) };
            }
            if let Some(n) = max_items {
                let n = proc_macro2::Literal::u32_unsuffixed(*n);
                kind = quote! { #kind.max_items(#n) };
            }
            kind
        }
        Ty::Object {
            object,
            one_or_many,
        } => {
            let fields = rules_fields_over(&object.fields, shared, path);
            let mut kind = quote! { Kind::object(#fields) };
            if !object.at_least_one_of.is_empty() {
                let groups = object.at_least_one_of.iter().map(|g| quote! { &[#(#g),*] });
                kind = quote! { #kind.at_least_one_of(&[#(#groups),*]) };
            }
            if *one_or_many {
                kind = quote! { #kind.one_or_many() };
            }
            kind
        }
        Ty::Money(money) => {
            let shape = match money.shape {
                MoneyShape::ValueString => quote! { MoneyShape::ValueString },
                MoneyShape::AmountNumber => quote! { MoneyShape::AmountNumber },
            };
            let mut kind = quote! { Kind::money(#shape) };
            if let Some(amount) = &money.minimum {
                kind = quote! { #kind.min_amount(#amount) };
            }
            if let Some(amount) = &money.maximum {
                kind = quote! { #kind.max_amount(#amount) };
            }
            kind
        }
        Ty::JsonObject => quote! { Kind::JsonObject },
        Ty::JsonString => quote! { Kind::JsonString },
    }
}

/// Whether two types write the same rule: the same type does; objects whose documentation or
/// Rust names differ do when their groups and fields' rules are the same; other kinds are
/// compared written (short, except a list of objects).
fn same_rule(a: &Ty, b: &Ty) -> bool {
    if a == b {
        return true;
    }
    match (a, b) {
        (
            Ty::Object {
                object: x,
                one_or_many: many_x,
            },
            Ty::Object {
                object: y,
                one_or_many: many_y,
            },
        ) => {
            many_x == many_y
                && x.at_least_one_of == y.at_least_one_of
                && x.fields.len() == y.fields.len()
                && x.fields.iter().zip(&y.fields).all(|(f, g)| {
                    f.name == g.name && f.required == g.required && same_rule(&f.ty, &g.ty)
                })
        }
        (Ty::Object { .. }, _) | (_, Ty::Object { .. }) => false,
        _ => rules_kind(a).to_string() == rules_kind(b).to_string(),
    }
}

/// The longest kind, as written tokens, that a table writes out rather than naming the shared
/// rule's: a short kind such as `Kind::TEXT.max_length(64)` says more than `PAYER_NAME.kind`.
const SHORT_KIND: usize = 48;

/// A field's rule as a table writes it: `Field::required("orderNo", Kind::TEXT…)`.
fn field_rule(f: &Field, shared: &mut Shared<'_>, path: &str) -> TokenStream {
    let name = &f.name;
    let kind = rules_kind_over(&f.ty, shared, path);
    if f.required {
        quote! { Field::required(#name, #kind) }
    } else {
        quote! { Field::optional(#name, #kind) }
    }
}

/// The fields of a table under `prefix`: a field whose rule is the shared one, word for word,
/// is its constant's name (`ORDER_NO`), or `Field::required("x", X.kind)` where only whether
/// it is mandatory changed; another is written out, an object's fields again named from
/// `shared` where they are the same.
pub(crate) fn rules_fields_over(
    fields: &[Field],
    shared: &mut Shared<'_>,
    prefix: &str,
) -> TokenStream {
    let items: Vec<TokenStream> = fields
        .iter()
        .map(|f| {
            let path = join_path(prefix, &f.name);
            let name = &f.name;
            if let Some((ident, base)) = shared.get(&path).cloned()
                && f.name == base.name
                && same_rule(&f.ty, &base.ty)
            {
                if f.required == base.required {
                    shared.used.insert(path);
                    return quote! { #ident };
                }
                // Only whether it is mandatory changed: a long kind (an enum's values, an
                // object) is named from the shared rule, a short one written out.
                if rules_kind(&f.ty).to_string().len() > SHORT_KIND {
                    shared.used.insert(path);
                    return if f.required {
                        quote! { Field::required(#name, #ident.kind) }
                    } else {
                        quote! { Field::optional(#name, #ident.kind) }
                    };
                }
            }
            field_rule(f, shared, &path)
        })
        .collect();
    quote! { &[#(#items),*] }
}

/// A raw string literal for `text` in a doc-test, with enough `#`s.
pub(crate) fn raw_string(text: &str) -> String {
    let mut hashes = String::from("#");
    while text.contains(&format!("\"{hashes}")) {
        hashes.push('#');
    }
    format!("r{hashes}\"{text}\"{hashes}")
}

/// A Markdown list of the request fields whose rules differ from the shared ones.
pub(crate) fn region_rules_table(regional: &[Field], shared: &[Field]) -> String {
    let mut out = String::new();
    fn walk(prefix: &str, regional: &[Field], shared: &[Field], out: &mut String) {
        for field in regional {
            let path = if prefix.is_empty() {
                field.name.clone()
            } else {
                format!("{prefix}.{}", field.name)
            };
            let base = shared.iter().find(|f| f.name == field.name);
            let differs = match base {
                None => true,
                Some(b) => {
                    b.required != field.required
                        || b.ty != field.ty
                        || b.default != field.default
                        || field.region_doc.is_some()
                }
            };
            // What a region adds beyond the type: its own field, its default, an object's
            // groups.
            let mut more = String::new();
            if base.is_none() && !prefix.is_empty() {
                more.push_str("; this region's own field");
            }
            if let Some(default) = field
                .default
                .as_ref()
                .filter(|d| base.and_then(|b| b.default.as_ref()) != Some(*d))
            {
                more.push_str(&format!(
                    "; filled in with {} when not set",
                    code(&default.to_string())
                ));
            }
            let groups = |f: &Field| f.ty.object().map(|o| o.at_least_one_of.clone());
            let own_groups = groups(field).unwrap_or_default();
            if base.and_then(groups).unwrap_or_default() != own_groups {
                for group in &own_groups {
                    more.push_str(&format!(
                        "; needs at least one of {}",
                        escape_markdown(&group.join(", "))
                    ));
                }
            }
            let (inner_r, inner_s) = (
                field.ty.object().map(|o| o.fields.as_slice()),
                base.and_then(|b| b.ty.object().map(|o| o.fields.as_slice())),
            );
            if let (Some(r), Some(s)) = (inner_r, inner_s)
                && base.is_some_and(|b| b.required == field.required)
            {
                if !more.is_empty() {
                    out.push_str(&format!(
                        "- {}: {}{}.\n",
                        code(&path),
                        if field.required {
                            "mandatory"
                        } else {
                            "optional"
                        },
                        more,
                    ));
                }
                walk(&path, r, s, out);
                continue;
            }
            if differs {
                let note = field
                    .region_doc
                    .as_deref()
                    .map(|d| format!(" {}", escape_markdown(d)))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "- {}: {}; {}{}.{note}\n",
                    code(&path),
                    if field.required {
                        "mandatory"
                    } else {
                        "optional"
                    },
                    escape_markdown(&describe_ty(&field.ty)),
                    more,
                ));
            }
        }
    }
    walk("", regional, shared, &mut out);
    out
}

/// The examples as `Example::exchange(name, source, request headers, request body, response
/// headers, response body)`, or `Example::request_only(name, source, headers, body)` when
/// there is no response (`Example::body_only(name, source, body)` when it is a body alone): the headers one
/// `Name: value` per line, an empty string for what the page does not show. Six strings a line each, the shortest form prettyplease keeps readable.
pub(crate) fn examples_tokens(examples: &[crate::spec::ExampleSpec]) -> Result<TokenStream> {
    let message = |m: &Option<ExampleMessage>| -> Result<(String, String)> {
        let Some(m) = m else {
            return Ok(Default::default());
        };
        let mut headers = Vec::new();
        for (name, value) in &m.headers {
            if name.is_empty() || name.contains([':', '\n', '\r']) || value.contains(['\n', '\r']) {
                return Err(EmitError(format!(
                    "example header {name:?}: {value:?} cannot be written as one `Name: value` line"
                )));
            }
            headers.push(format!("{name}: {value}"));
        }
        let body = m.body.as_ref().map(|b| b.to_string()).unwrap_or_default();
        Ok((headers.join("\n"), body))
    };
    let mut items = Vec::new();
    for e in examples {
        let name = &e.name;
        let source = e.source.as_deref().unwrap_or("");
        let (request_headers, request_body) = message(&e.request)?;
        if e.request
            .as_ref()
            .is_some_and(|m| m.headers.is_empty() && m.body.is_none())
            || e.response
                .as_ref()
                .is_some_and(|m| m.headers.is_empty() && m.body.is_none())
        {
            return Err(EmitError(format!(
                "example {name}: a message with neither headers nor body; leave it out"
            )));
        }
        items.push(match &e.response {
            None if request_headers.is_empty() && !request_body.is_empty() => quote! {
                crate::Example::body_only(#name, #source, #request_body)
            },
            None => quote! {
                crate::Example::request_only(#name, #source, #request_headers, #request_body)
            },
            Some(_) => {
                let (response_headers, response_body) = message(&e.response)?;
                quote! {
                    crate::Example::exchange(#name, #source, #request_headers, #request_body, #response_headers, #response_body)
                }
            }
        });
    }
    Ok(quote! { &[#(#items),*] })
}
