//! Types: a resolved type as a Rust type expression, and the structs, enums and object
//! types (shared definitions, endpoint-local and region-only ones) with their constructors.

use super::*;

/// Where a type expression is written: the region type it names (`R` in shared code, the
/// region's marker in a region module) and the module its endpoint-local types live in.
pub(crate) struct Place {
    pub(crate) region: TokenStream,
    pub(crate) local: TokenStream,
}

pub(crate) fn type_path(name: &TypeName, uses_region: bool, place: &Place) -> Result<TokenStream> {
    let id = checked_ident(name.name())?;
    let region = &place.region;
    let args = if uses_region {
        quote! { <#region> }
    } else {
        quote! {}
    };
    let local = &place.local;
    Ok(match name {
        TypeName::Local(_) => quote! { #local::#id #args },
        TypeName::Shared(_) => quote! { crate::definitions::#id #args },
    })
}

pub(crate) fn ty_tokens(ty: &Ty, place: &Place) -> Result<TokenStream> {
    let region = &place.region;
    Ok(match ty {
        Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. } => {
            quote! { ::std::string::String }
        }
        Ty::Integer { .. } => quote! { i64 },
        Ty::Decimal { .. } => quote! { crate::Decimal },
        Ty::Boolean => quote! { bool },
        Ty::Enum(e) => type_path(&e.name, false, place)?,
        Ty::List { item, .. } => {
            let item = ty_tokens(item, place)?;
            quote! { ::std::vec::Vec<#item> }
        }
        Ty::Object {
            object,
            one_or_many,
        } => {
            let uses = object.fields.iter().any(|f| f.ty.uses_region());
            let mut path = type_path(&object.name, uses, place)?;
            // In an endpoint's request: the fields regions add inside come from the region.
            if let Some(slot) = &object.extra_slot {
                let slot = checked_ident(slot)?;
                path = quote! { #path<#region::#slot> };
            }
            if *one_or_many {
                quote! { crate::OneOrMany<#path> }
            } else {
                path
            }
        }
        Ty::Money(money) => match money.shape {
            MoneyShape::ValueString => quote! { crate::Money<#region> },
            MoneyShape::AmountNumber => quote! { crate::TransactionMoney<#region> },
        },
        Ty::JsonObject => quote! { crate::JsonObjectOrString },
    })
}

/// The parameter type of a constructor argument or setter, and how it becomes the field's
/// value: lists take any iterator of their items, everything else anything that converts.
pub(crate) fn param(
    ty: &Ty,
    field_ty: &TokenStream,
    place: &Place,
) -> Result<(TokenStream, TokenStream)> {
    Ok(match ty {
        Ty::List { item, .. } => {
            let item = ty_tokens(item, place)?;
            (
                quote! { impl ::core::iter::IntoIterator<Item = #item> },
                quote! { .into_iter().collect() },
            )
        }
        _ => (
            quote! { impl ::core::convert::Into<#field_ty> },
            quote! { .into() },
        ),
    })
}

pub(crate) fn field_ident(field: &Field) -> Result<Ident> {
    checked_ident(&field.rust)
}

/// Emits a struct for `fields`.
pub(crate) fn emit_struct(
    name: &Ident,
    about: &str,
    fields: &[Field],
    generics: &TokenStream,
    place: &Place,
    extra: Option<(TokenStream, String)>,
    phantom: bool,
) -> Result<TokenStream> {
    let mut members = Vec::new();
    for field in fields {
        let id = field_ident(field)?;
        let ty = ty_tokens(&field.ty, place)?;
        let wire = &field.name;
        let docs = field_doc(field);
        let (serde_attr, ty) = if field.type_required {
            (quote! { #[serde(rename = #wire)] }, ty)
        } else {
            (
                quote! { #[serde(rename = #wire, default, skip_serializing_if = "::core::option::Option::is_none")] },
                quote! { ::core::option::Option<#ty> },
            )
        };
        members.push(quote! { #docs #serde_attr pub #id: #ty, });
    }
    if let Some((ty, text)) = &extra {
        members.push(quote! { #[doc = #text] #[serde(flatten)] pub extra: #ty, });
    }
    if phantom {
        members.push(quote! {
            #[serde(skip)]
            region: ::core::marker::PhantomData<fn() -> R>,
        });
    }
    let docs = doc(about);
    let bound = if generics.is_empty() {
        quote! {}
    } else {
        quote! { #[serde(bound = "")] }
    };
    Ok(quote! {
        #docs
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #bound
        pub struct #name #generics { #(#members)* }
    })
}

pub(crate) fn emit_enum(e: &EnumType) -> Result<TokenStream> {
    let name = checked_ident(e.name.name())?;
    let mut variants = Vec::new();
    let mut to_text = Vec::new();
    let mut from_text = Vec::new();
    for v in &e.variants {
        let id = checked_ident(&v.name)?;
        let wire = &v.wire;
        let text = match &v.doc {
            Some(d) => format!("{d}\n\nOn the wire: {}.", code(wire)),
            None => format!("{}.", code(wire)),
        };
        let docs = doc_raw(&text);
        variants.push(quote! { #docs #id, });
        to_text.push(quote! { #name::#id => #wire, });
        from_text.push(quote! { #wire => ::core::result::Result::Ok(#name::#id), });
    }
    let listed: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
    let listed = listed.join(", ");
    let (unknown_variant, unknown_text, unknown_from, non_exhaustive) = if e.open {
        (
            quote! {
                #[doc = " A value the spec does not list, kept exactly as the gateway sent it (and sent back"]
                #[doc = " the same way), so a new value never makes a whole message unreadable."]
                Unknown(::std::string::String),
            },
            quote! { #name::Unknown(text) => text, },
            quote! { other => ::core::result::Result::Ok(#name::Unknown(other.to_owned())), },
            quote! { #[non_exhaustive] },
        )
    } else {
        let expected = format!("one of {listed}");
        (
            quote! {},
            quote! {},
            quote! { other => ::core::result::Result::Err(::std::format!("{other:?} is not {}", #expected)), },
            quote! {},
        )
    };
    let kind = if e.open { "open" } else { "closed" };
    let about = format!(
        "{}\n\nValues: {listed}. This enum is {kind}: {}",
        e.doc.trim(),
        if e.open {
            "values the spec does not list are read as `Unknown` and kept."
        } else {
            "any other value is refused."
        }
    );
    let about = doc(&about);
    let (serialize, deserialize) = if e.integer {
        (
            quote! {
                let text = self.as_str();
                match text.parse::<i64>() {
                    ::core::result::Result::Ok(n) => serializer.serialize_i64(n),
                    ::core::result::Result::Err(_) => serializer.serialize_str(text),
                }
            },
            quote! {
                let number = crate::wire::WholeNumber::deserialize(deserializer)?;
                Self::from_text(&number.0).map_err(::serde::de::Error::custom)
            },
        )
    } else {
        (
            quote! { serializer.serialize_str(self.as_str()) },
            quote! {
                let text: ::std::borrow::Cow<'de, str> = crate::wire::text(deserializer)?;
                Self::from_text(&text).map_err(::serde::de::Error::custom)
            },
        )
    };
    Ok(quote! {
        #about
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash, ::core::cmp::PartialOrd, ::core::cmp::Ord)]
        #non_exhaustive
        pub enum #name { #(#variants)* #unknown_variant }

        impl #name {
            #[doc = " The value as the gateway writes it."]
            pub fn as_str(&self) -> &str {
                match self { #(#to_text)* #unknown_text }
            }

            fn from_text(text: &str) -> ::core::result::Result<Self, ::std::string::String> {
                match text { #(#from_text)* #unknown_from }
            }
        }

        impl ::core::fmt::Display for #name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for #name {
            type Err = ::std::string::String;
            fn from_str(text: &str) -> ::core::result::Result<Self, Self::Err> {
                Self::from_text(text)
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #deserialize
            }
        }
    })
}

/// Every object and enum type written inline in `fields`, depth first.
pub(crate) fn local_types<'f>(fields: &'f [Field], out: &mut Vec<LocalType<'f>>) {
    for field in fields {
        let mut ty = &field.ty;
        if let Ty::List { item, .. } = ty {
            ty = item;
        }
        match ty {
            Ty::Object { object, .. } => {
                if matches!(object.name, TypeName::Local(_)) {
                    out.push(LocalType::Object(object));
                    local_types(&object.fields, out);
                }
            }
            Ty::Enum(e) if matches!(e.name, TypeName::Local(_)) => out.push(LocalType::Enum(e)),
            _ => {}
        }
    }
}

/// The endpoint's own nested types: of its request, its response and its callback.
pub(crate) fn endpoint_locals(endpoint: &Endpoint) -> Vec<LocalType<'_>> {
    let mut locals = Vec::new();
    local_types(&endpoint.request, &mut locals);
    local_types(&endpoint.response, &mut locals);
    if let Some(fields) = &endpoint.callback {
        local_types(fields, &mut locals);
    }
    locals
}

pub(crate) enum LocalType<'f> {
    Object(&'f ObjectType),
    Enum(&'f EnumType),
}

/// An object type; with `writable`, its JSON writer too (see [`written_objects`]).
pub(crate) fn emit_object(
    object: &ObjectType,
    place: &Place,
    writable: bool,
    extensible: bool,
) -> Result<TokenStream> {
    if extensible {
        return emit_extensible_object(object, place, writable);
    }
    let name = checked_ident(object.name.name())?;
    let generic = object.fields.iter().any(|f| f.ty.uses_region());
    let generics = if generic {
        quote! { <R: crate::RegionSpec> }
    } else {
        quote! {}
    };
    let about = if object.doc.trim().is_empty() {
        format!("The `{}` object.", object.name.name())
    } else {
        object.doc.clone()
    };
    let definition = emit_struct(&name, &about, &object.fields, &generics, place, None, false)?;
    let writer = if writable {
        write::object_impl(&quote! { #name }, &generics, &object.fields, false)?
    } else {
        quote! {}
    };
    // A constructor from the mandatory fields (the others unset), so that code does not
    // have to spell out every optional field; with no mandatory field, `Default` too.
    let mut params = Vec::new();
    let mut inits = Vec::new();
    for field in &object.fields {
        let fid = field_ident(field)?;
        if field.type_required {
            let ty = ty_tokens(&field.ty, place)?;
            let (param_ty, convert) = param(&field.ty, &ty, place)?;
            params.push(quote! { #fid: #param_ty });
            inits.push(quote! { #fid: #fid #convert, });
        } else {
            inits.push(quote! { #fid: ::core::option::Option::None, });
        }
    }
    let impl_generics = if generic {
        quote! { <R: crate::RegionSpec> }
    } else {
        quote! {}
    };
    let type_generics = if generic {
        quote! { <R> }
    } else {
        quote! {}
    };
    let new_doc = constructor_doc(object.name.name(), params.is_empty());
    let default = if params.is_empty() {
        quote! {
            impl #impl_generics ::core::default::Default for #name #type_generics {
                fn default() -> Self { Self::new() }
            }
        }
    } else {
        quote! {}
    };
    Ok(quote! {
        #definition
        #writer
        impl #impl_generics #name #type_generics {
            #[doc = #new_doc]
            #[must_use]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* }
            }
        }
        #default
    })
}

/// The documentation of an object type's `new`.
pub(crate) fn constructor_doc(name: &str, no_params: bool) -> String {
    if no_params {
        format!(" An empty `{name}`: every field unset; set the ones you need.")
    } else {
        format!(
            " {} `{name}` from its mandatory fields; the optional ones are unset.",
            crate::naming::article(name)
        )
    }
}

/// An object some regions add fields inside (`extra_fields.inside`): generic over the type of
/// those fields, `X`, which is [`crate::NoExtraFields`] unless a region's request says
/// otherwise (`Receiver` is `Receiver<NoExtraFields>`). The loader refuses such an object
/// when it holds money, so it is never also generic over the region.
pub(crate) fn emit_extensible_object(
    object: &ObjectType,
    place: &Place,
    writable: bool,
) -> Result<TokenStream> {
    let name = checked_ident(object.name.name())?;
    let about = if object.doc.trim().is_empty() {
        format!("The `{}` object.", object.name.name())
    } else {
        object.doc.clone()
    };
    let extra = (
        quote! { X },
        format!(
            " The fields only some regions have inside a `{}`; see the region's module (e.g. a region's `{}` type alias). `NoExtraFields` elsewhere.",
            object.name.name(),
            object.name.name()
        ),
    );
    let definition = emit_struct(
        &name,
        &about,
        &object.fields,
        &quote! { <X: crate::ExtraFields = crate::NoExtraFields> },
        place,
        Some(extra),
        false,
    )?;
    let writer = if writable {
        write::object_impl_with(
            &quote! { #name<X> },
            &quote! { <X: crate::ExtraFields> },
            &object.fields,
            true,
        )?
    } else {
        quote! {}
    };
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut moves = Vec::new();
    for field in &object.fields {
        let fid = field_ident(field)?;
        moves.push(quote! { #fid: self.#fid, });
        if field.type_required {
            let ty = ty_tokens(&field.ty, place)?;
            let (param_ty, convert) = param(&field.ty, &ty, place)?;
            params.push(quote! { #fid: #param_ty });
            inits.push(quote! { #fid: #fid #convert, });
        } else {
            inits.push(quote! { #fid: ::core::option::Option::None, });
        }
    }
    let new_doc = constructor_doc(object.name.name(), params.is_empty());
    // `Default` for any region's fields (`regions::brl::pay_in::Payer::default()`); `new()`
    // for the shared ones alone, so that `Payer::new()` needs no type annotation.
    let default = if params.is_empty() {
        quote! {
            impl<X: crate::ExtraFields + ::core::default::Default> ::core::default::Default for #name<X> {
                fn default() -> Self {
                    Self { #(#inits)* extra: ::core::default::Default::default() }
                }
            }
        }
    } else {
        quote! {}
    };
    Ok(quote! {
        #definition
        #writer
        impl #name {
            #[doc = #new_doc]
            #[must_use]
            pub fn new(#(#params),*) -> Self {
                Self { #(#inits)* extra: crate::NoExtraFields {} }
            }
        }
        impl<X: crate::ExtraFields> #name<X> {
            #[doc = " The same fields with the region-only fields `extra` instead of the ones it has (a region's own type, or `NoExtraFields` to drop them)."]
            #[must_use]
            pub fn with_extra<Y: crate::ExtraFields>(self, extra: Y) -> #name<Y> {
                #name { #(#moves)* extra }
            }
        }
        #default
    })
}

/// The object types some region adds fields inside, in some endpoint's request: shared ones
/// by name (`Payer`), an endpoint's own by the endpoint's id and name (`pay-in/Payer`), since
/// two endpoints may each have a type of the same name.
pub(crate) fn extensible_objects(spec: &Spec) -> std::collections::BTreeSet<String> {
    let mut out = std::collections::BTreeSet::new();
    for endpoint in &spec.endpoints {
        for field in &endpoint.request {
            if let Ty::Object { object, .. } = &field.ty
                && object.extra_slot.is_some()
            {
                out.insert(extensible_key(&endpoint.id, &object.name));
            }
        }
    }
    out
}

/// The key of an object type in [`extensible_objects`].
pub(crate) fn extensible_key(endpoint: &str, name: &TypeName) -> String {
    match name {
        TypeName::Shared(name) => name.clone(),
        TypeName::Local(name) => format!("{endpoint}/{name}"),
    }
}

/// The names of the object types the SDK writes as JSON: those a request holds (in any
/// region, its extra fields included) and those any region's extra fields hold
/// (`ExtraFields::write_fields` is generated for every side). Responses and notifications are
/// only read, so their other types get no writer.
pub(crate) fn written_objects(spec: &Spec) -> std::collections::BTreeSet<String> {
    fn walk(ty: &Ty, out: &mut std::collections::BTreeSet<String>) {
        match ty {
            Ty::List { item, .. } => walk(item, out),
            Ty::Object { object, .. } => {
                out.insert(object.name.name().to_owned());
                for field in &object.fields {
                    walk(&field.ty, out);
                }
            }
            _ => {}
        }
    }
    let mut out = std::collections::BTreeSet::new();
    let shared = spec.endpoints.iter().flat_map(|e| &e.request);
    let regional = spec
        .regions
        .iter()
        .flat_map(|r| &r.endpoints)
        .flat_map(|e| e.request.iter().chain(&e.response_extras));
    for field in shared.chain(regional) {
        walk(&field.ty, &mut out);
    }
    out
}

pub(crate) fn definitions_module(spec: &Spec) -> Result<TokenStream> {
    let place = Place {
        region: quote! { R },
        local: quote! { crate::definitions },
    };
    let written = written_objects(spec);
    let extensible = extensible_objects(spec);
    let mut items = Vec::new();
    for definition in spec.definitions.values() {
        items.push(match definition {
            Definition::Object(object) if object.fields.iter().any(|f| f.ty.uses_region()) => {
                let typed =
                    emit_object(object, &place, written.contains(object.name.name()), false)?;
                let twin = any::twin(object, &place)?;
                quote! { #typed #twin }
            }
            Definition::Object(object) => emit_object(
                object,
                &place,
                written.contains(object.name.name()),
                extensible.contains(&extensible_key("", &object.name)),
            )?,
            Definition::Enum(e) => emit_enum(e)?,
            Definition::Money {
                name,
                doc: text,
                money,
            } => {
                let id = checked_ident(name)?;
                let ty = match money.shape {
                    MoneyShape::ValueString => quote! { crate::Money<R> },
                    MoneyShape::AmountNumber => quote! { crate::TransactionMoney<R> },
                };
                let docs = doc(text);
                quote! { #docs pub type #id<R> = #ty; }
            }
        });
    }
    Ok(quote! {
        #[doc = " The shared definitions of `spec/gateway.yaml`: objects and enums written once and used"]
        #[doc = " by several endpoints."]
        pub mod definitions { #(#items)* }
    })
}
