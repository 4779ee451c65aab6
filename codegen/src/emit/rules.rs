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
            let fields = rules_fields(&object.fields);
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

pub(crate) fn rules_fields(fields: &[Field]) -> TokenStream {
    let items = fields.iter().map(|f| {
        let name = &f.name;
        let kind = rules_kind(&f.ty);
        if f.required {
            quote! { Field::required(#name, #kind) }
        } else {
            quote! { Field::optional(#name, #kind) }
        }
    });
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

pub(crate) fn examples_tokens(examples: &[crate::spec::ExampleSpec]) -> TokenStream {
    let message = |m: &Option<ExampleMessage>| match m {
        None => quote! { ::core::option::Option::None },
        Some(m) => {
            let headers = m.headers.iter().map(|(k, v)| quote! { (#k, #v) });
            let body = match &m.body {
                Some(b) => {
                    let json = b.to_string();
                    quote! { ::core::option::Option::Some(#json) }
                }
                None => quote! { ::core::option::Option::None },
            };
            quote! {
                ::core::option::Option::Some(crate::ExampleMessage { headers: &[#(#headers),*], body: #body })
            }
        }
    };
    let items = examples.iter().map(|e| {
        let name = &e.name;
        let source = e.source.as_deref().unwrap_or("");
        let request = message(&e.request);
        let response = message(&e.response);
        quote! {
            crate::Example { name: #name, source: #source, request: #request, response: #response }
        }
    });
    quote! { &[#(#items),*] }
}
