//! The run-time region surface of one endpoint: for code that reads its region from
//! configuration instead of naming a region type.
//!
//! For the request, the response and the notification, an enum over the regions that offer
//! the endpoint (`AnyPayInRequest`, …) that serializes exactly as the typed value it holds,
//! reads JSON in a region given at run time, and has one accessor per shared field. Money
//! comes out as `crate::AnyMoney` (the amount with its region); an object holding money
//! comes out as its region-free twin (`AnyAccountInfo`), generated here too. The request
//! also gets a builder that takes a `crate::Region` (`builder`).

mod builder;

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{
    EmitError, LocalType, Place, Result, checked_ident, code, endpoint_locals, field_ident,
    ty_tokens,
};
use crate::model::{Endpoint, Spec};
use crate::model::{Field, ObjectType, Ty, TypeName};

/// A region that offers the endpoint, as the generated code names it.
struct Offering {
    /// `Thb`: the enum variant and the region's marker type.
    variant: Ident,
    /// ` Thailand (THB).`, for documentation.
    doc: String,
    /// `THB`, for messages.
    code: String,
    /// `thb`: the region's module under `crate::regions`.
    module: Ident,
    /// The region's own request extra type, when it has extra request fields.
    request_extra: Option<TokenStream>,
}

/// The names of the typed items the surface wraps.
pub(super) struct Typed<'a> {
    pub request: &'a Ident,
    pub builder: &'a Ident,
    pub response: &'a Ident,
    pub notification: Option<&'a Ident>,
}

/// Accessor names the enums define themselves, which a field cannot take.
const OWN_METHODS: &[&str] = &["region", "from_json", "from_slice", "validate", "builder"];

pub(super) fn endpoint_items(
    spec: &Spec,
    endpoint: &Endpoint,
    typed: &Typed<'_>,
) -> Result<TokenStream> {
    let id = &endpoint.id;
    let prefix = &endpoint.spec.type_prefix;
    let module = checked_ident(&endpoint.module)?;
    let mut offering = Vec::new();
    for region in spec.regions.iter() {
        let Some(own) = region.endpoint(id) else {
            continue;
        };
        let variant = checked_ident(&region.type_name)?;
        let region_module = checked_ident(&region.module)?;
        let request_extra = if own.request_extras.is_empty() {
            None
        } else {
            let extra = checked_ident(&format!("{prefix}RequestExtra"))?;
            Some(quote! { crate::regions::#region_module::#module::#extra })
        };
        offering.push(Offering {
            variant,
            module: region_module.clone(),
            doc: super::doc_safe(&format!(" {} ({}).", region.spec.name, region.spec.code)),
            code: region.spec.code.clone(),
            request_extra,
        });
    }
    if offering.is_empty() {
        return Ok(quote! {});
    }
    let place = Place {
        region: quote! { R },
        local: quote! { crate::endpoints::#module },
    };
    let title = &endpoint.spec.title;
    let mut items = vec![dispatch_macro(title, &offering)];

    // Region-free twins of the endpoint's own objects that hold money.
    for local in endpoint_locals(endpoint) {
        if let LocalType::Object(object) = local
            && object.fields.iter().any(|f| f.ty.uses_region())
        {
            items.push(twin(object, &place)?);
        }
    }

    let variant = checked_ident(&format!("{prefix}Variant"))?;
    let request_any = format_ident!("Any{}", typed.request);
    let response_any = format_ident!("Any{}", typed.response);
    let mut messages = vec![
        (
            typed.request,
            request_any.clone(),
            &endpoint.request,
            "request",
            format!(
                " A request of {title} for a region chosen at run time: one variant per region that offers the endpoint.\n\n Build one with [`{request_any}::builder`], read one with [`{request_any}::from_json`], or convert a typed request with `From`; send it with `Client::send`, which answers with a [`{response_any}`]. It serializes exactly as the typed request it holds."
            ),
        ),
        (
            typed.response,
            response_any.clone(),
            &endpoint.response,
            "response",
            format!(
                " The response of {title} in a region chosen at run time, as `Client::send` returns it for an [`{request_any}`].\n\n Its accessors read the shared fields without naming the region; money comes as [`crate::AnyMoney`]. Match a variant for the region's own fields. It serializes exactly as the typed response it holds."
            ),
        ),
    ];
    if let (Some(name), Some(fields)) = (typed.notification, &endpoint.callback) {
        messages.push((
            name,
            format_ident!("Any{}", name),
            fields,
            "notification",
            format!(
                " A notification of {title} in a region chosen at run time, as `CallbackVerifier::verify_in` returns it when the region comes from configuration.\n\n Its accessors read the shared fields without naming the region; money comes as [`crate::AnyMoney`]."
            ),
        ));
    }
    for (name, any, fields, what, about) in &messages {
        let message = Message {
            typed: name,
            any,
            variant: &variant,
            what,
            response: (*what == "request").then_some((typed.response, &response_any)),
        };
        items.push(message_enum(&message, fields, about, &place)?);
    }
    items.push(builder::request_extras(prefix, &offering)?);
    items.push(builder::any_builder(
        endpoint,
        typed,
        &request_any,
        &offering,
        &place,
    )?);
    items.push(quote! {
        #[cfg(feature = "client")]
        impl crate::client::Sendable for #request_any {
            type Response = #response_any;
            #[inline]
            fn send_with<'a>(
                &'a self,
                client: &'a crate::Client,
            ) -> impl ::core::future::Future<Output = ::core::result::Result<Self::Response, crate::Error>> + ::core::marker::Send + 'a {
                self.view().send(client)
            }
        }
    });
    Ok(quote! { #(#items)* })
}

/// `each_region!`: the one place that lists the regions offering the endpoint, handed to the
/// SDK's `crate::dispatch::dispatch!`, which writes the enums' variants, the few `match`es
/// over the regions (reading JSON, starting a builder, reaching the typed value) and each
/// region's `crate::dispatch::Wrap` impls. Accessors and setters go through a trait object
/// implemented once, generic over the region, so they are written and type-checked once.
fn dispatch_macro(title: &str, offering: &[Offering]) -> TokenStream {
    let regions = offering.iter().map(|o| {
        let (v, m, doc) = (&o.variant, &o.module, &o.doc);
        quote! { #v #m #doc }
    });
    let about = format!(
        " The regions that offer {title}: `each_region!(…)` is `crate::dispatch::dispatch!` over them (see its forms there)."
    );
    quote! {
        #[doc = #about]
        macro_rules! each_region {
            ($($args:tt)*) => {
                crate::dispatch::dispatch! { [#(#regions),*] $($args)* }
            };
        }
    }
}

/// One message of the endpoint (request, response or notification), as its run-time enum wraps it.
struct Message<'a> {
    /// `PayInRequest`: the typed message, generic over the region.
    typed: &'a Ident,
    /// `AnyPayInRequest`: the run-time enum.
    any: &'a Ident,
    /// `PayInVariant`: the trait of the regions that offer the endpoint.
    variant: &'a Ident,
    /// "request", "response" or "notification".
    what: &'a str,
    /// For the request, the typed response and the run-time one `Client::send` answers with.
    response: Option<(&'a Ident, &'a Ident)>,
}

/// The enum over the regions for one message, and the trait object behind its accessors: a
/// private `…View` trait with one generic impl for the typed message, reached through one
/// `match` (`view`), so an accessor is one line and is type-checked once, not once per region.
fn message_enum(
    message: &Message<'_>,
    fields: &[Field],
    about: &str,
    place: &Place,
) -> Result<TokenStream> {
    let Message {
        typed,
        any,
        variant,
        what,
        response,
    } = *message;
    let about: Vec<&str> = about.lines().map(str::trim_start).collect();
    // One attribute: the enum is written by `each_region!`, whose arguments are printed as
    // tokens, so each `#[doc]` would be a line of its own there.
    let docs = super::doc_safe(
        &about
            .iter()
            .map(|line| format!(" {line}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
    let docs = quote! { #[doc = #docs] };
    let view = format_ident!("{}View", typed);
    let mut methods = Vec::new();
    let mut impls = Vec::new();
    let mut accessors = Vec::new();
    for field in fields {
        if OWN_METHODS.contains(&field.rust.as_str()) {
            return Err(EmitError(format!(
                "the field `{}` of {what} would be named `{}`, which the run-time type {any} uses for its own method; rename the field in the spec (`rust:`)",
                field.name, field.rust
            )));
        }
        let fid = field_ident(field)?;
        let (ty, expr) = match shared_part(&field.ty) {
            // An object some regions add fields inside: its shared fields, the same type in
            // every region (a region's own fields are on its typed request).
            Some(plain) => {
                let plain = ty_tokens(&plain, place)?;
                let drop = quote! { v.clone().with_extra(crate::NoExtraFields {}) };
                if field.type_required {
                    (plain, quote! { { let v = &self.#fid; #drop } })
                } else {
                    (
                        quote! { ::core::option::Option<#plain> },
                        quote! { self.#fid.as_ref().map(|v| #drop) },
                    )
                }
            }
            None => accessor(&field.ty, field.type_required, quote! { self.#fid }, place)?,
        };
        let text = format!(
            " {} ({}{}).",
            first_sentence(&field.doc),
            code(&field.name),
            if field.type_required {
                ""
            } else {
                "; `None` when not sent"
            }
        );
        methods.push(quote! { fn #fid(&self) -> #ty; });
        impls.push(quote! {
            #[inline]
            fn #fid(&self) -> #ty { #expr }
        });
        accessors.push(quote! {
            #[doc = #text]
            #[inline]
            pub fn #fid(&self) -> #ty {
                self.view().#fid()
            }
        });
    }
    let mut bounds = quote! { crate::dispatch::Wrap<#typed<R>, #any> };
    if let Some((response, response_any)) = response {
        bounds = quote! { #bounds + crate::dispatch::Wrap<#response<R>, #response_any> };
        methods.push(quote! {
            fn validate(&self) -> ::core::result::Result<(), crate::ValidationError>;
            #[cfg(feature = "client")]
            fn send<'a>(&'a self, client: &'a crate::Client) -> crate::dispatch::Sending<'a, #response_any>;
        });
        impls.push(quote! {
            #[inline]
            fn validate(&self) -> ::core::result::Result<(), crate::ValidationError> {
                #typed::validate(self)
            }
            #[cfg(feature = "client")]
            fn send<'a>(&'a self, client: &'a crate::Client) -> crate::dispatch::Sending<'a, #response_any> {
                ::std::boxed::Box::pin(async move { client.send(self).await.map(#response_any::from) })
            }
        });
        accessors.push(quote! {
            #[doc = " Checks the request against its region's rules, naming every offending field by its JSON path."]
            #[inline]
            pub fn validate(&self) -> ::core::result::Result<(), crate::ValidationError> {
                self.view().validate()
            }
        });
    }
    let region_doc = format!(" The region the {what} is in.");
    let read_doc = format!(
        " Reads a {what} body in `region`'s shape (its own fields and currency).\n\n # Errors\n A [`crate::ReadError`] when the region does not offer the endpoint or the JSON is not its {what}."
    );
    let view_doc = format!(
        " What [`{any}`] reads from the typed {what} it holds, whatever its region: implemented once, generic over the region."
    );
    Ok(quote! {
        each_region!(enum
            #docs
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq, ::serde::Serialize)]
            #[serde(untagged)]
            #[non_exhaustive]
            pub enum #any(#typed) {}
        );

        #[doc = #view_doc]
        trait #view: ::core::marker::Sync {
            fn region(&self) -> crate::Region;
            #(#methods)*
        }

        impl<R: #variant + #bounds> #view for #typed<R> {
            #[inline]
            fn region(&self) -> crate::Region {
                <R as crate::RegionSpec>::REGION
            }
            #(#impls)*
        }

        impl #any {
            #[doc = " The typed value held, as the trait every region's type implements."]
            #[inline]
            fn view(&self) -> &dyn #view {
                each_region!(self, Self, value => value)
            }

            #[doc = #region_doc]
            #[inline]
            pub fn region(&self) -> crate::Region {
                self.view().region()
            }

            #[doc = #read_doc]
            #[inline]
            pub fn from_json(region: crate::Region, json: &str) -> ::core::result::Result<Self, crate::ReadError> {
                Self::from_slice(region, json.as_bytes())
            }

            #[doc = " As [`from_json`](Self::from_json), from bytes (a raw HTTP body)."]
            #[inline]
            pub fn from_slice(region: crate::Region, json: &[u8]) -> ::core::result::Result<Self, crate::ReadError> {
                each_region!(
                    region region,
                    R => crate::dispatch::read::<#typed<R>, Self>(ENDPOINT.id, region, #what, json),
                    _ => ::core::result::Result::Err(crate::ReadError::not_offered(ENDPOINT.id, region))
                )
            }

            #(#accessors)*
        }

        impl crate::FromRegionJson for #any {
            #[inline]
            fn from_region_json(region: crate::Region, json: &[u8]) -> ::core::result::Result<Self, crate::ReadError> {
                Self::from_slice(region, json)
            }
        }

        impl<R: #variant + crate::dispatch::Wrap<#typed<R>, #any>> ::core::convert::From<#typed<R>> for #any {
            #[inline]
            fn from(value: #typed<R>) -> Self {
                <R as crate::dispatch::Wrap<#typed<R>, #any>>::wrap(value)
            }
        }

        each_region!(wrap #typed => #any);
    })
}

/// The type of an object some regions add fields inside, without them (`Receiver` for
/// `Receiver<R::ReceiverExtra>`); `None` for every other type.
fn shared_part(ty: &Ty) -> Option<Ty> {
    match ty {
        Ty::Object {
            object,
            one_or_many,
        } if object.extra_slot.is_some() => {
            let mut object = object.clone();
            object.extra_slot = None;
            Some(Ty::Object {
                object,
                one_or_many: *one_or_many,
            })
        }
        _ => None,
    }
}

/// The first sentence of a field's documentation, for an accessor's summary line.
fn first_sentence(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|&(i, c)| c == '.' && text[i + 1..].starts_with([' ', '\n']))
        .map_or(text.len(), |(i, _)| i);
    let sentence = text[..end].trim_end_matches('.');
    if sentence.is_empty() {
        "The field".to_owned()
    } else {
        super::doc_safe(sentence)
    }
}

/// The return type and expression of an accessor of a field of type `ty` held at `place_expr`
/// (a field of the typed value `value`): borrowed where the type has no region, converted to
/// its region-free form where it has.
fn accessor(
    ty: &Ty,
    required: bool,
    at: TokenStream,
    place: &Place,
) -> Result<(TokenStream, TokenStream)> {
    if ty.uses_region() {
        let (owned, convert) = erase(ty)?;
        return Ok(if required {
            (owned, convert(at, false))
        } else {
            let inner = convert(quote! { v }, true);
            (
                quote! { ::core::option::Option<#owned> },
                quote! { #at.as_ref().map(|v| #inner) },
            )
        });
    }
    let plain = ty_tokens(ty, place)?;
    Ok(match (ty, required) {
        (Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. }, true) => {
            (quote! { &str }, quote! { #at.as_str() })
        }
        (Ty::String { .. } | Ty::JsonString | Ty::Timestamp { .. }, false) => (
            quote! { ::core::option::Option<&str> },
            quote! { #at.as_deref() },
        ),
        (Ty::List { item, .. }, true) => {
            let item = ty_tokens(item, place)?;
            (quote! { &[#item] }, quote! { #at.as_slice() })
        }
        (Ty::List { item, .. }, false) => {
            let item = ty_tokens(item, place)?;
            (
                quote! { ::core::option::Option<&[#item]> },
                quote! { #at.as_deref() },
            )
        }
        (Ty::Integer { .. } | Ty::Boolean, true) => (plain, quote! { #at }),
        (Ty::Integer { .. } | Ty::Boolean, false) => {
            (quote! { ::core::option::Option<#plain> }, quote! { #at })
        }
        (_, true) => (quote! { &#plain }, quote! { &#at }),
        (_, false) => (
            quote! { ::core::option::Option<&#plain> },
            quote! { #at.as_ref() },
        ),
    })
}

/// Turns a value into its region-free form: given the expression and whether it is a
/// reference (`v` in `.map(|v| …)`) or a place (`value.amount`).
type Convert = Box<dyn Fn(TokenStream, bool) -> TokenStream>;

/// The region-free form of a type that mentions the region, and how a value of it becomes one.
fn erase(ty: &Ty) -> Result<(TokenStream, Convert)> {
    Ok(match ty {
        Ty::Money(_) => (
            quote! { crate::AnyMoney },
            Box::new(|v, is_ref| {
                if is_ref {
                    quote! { crate::AnyMoney::from(*#v) }
                } else {
                    quote! { crate::AnyMoney::from(#v) }
                }
            }),
        ),
        Ty::List { item, .. } => {
            let (item_ty, convert) = erase(item)?;
            let each = convert(quote! { item }, true);
            (
                quote! { ::std::vec::Vec<#item_ty> },
                Box::new(move |v, _| quote! { #v.iter().map(|item| #each).collect() }),
            )
        }
        Ty::Object {
            object,
            one_or_many,
        } => {
            let twin = twin_path(object)?;
            if *one_or_many {
                (
                    quote! { ::std::vec::Vec<#twin> },
                    Box::new(move |v, _| quote! { #v.iter().map(#twin::from).collect() }),
                )
            } else {
                let path = twin.clone();
                (
                    twin,
                    Box::new(move |v, is_ref| {
                        if is_ref {
                            quote! { #path::from(#v) }
                        } else {
                            quote! { #path::from(&#v) }
                        }
                    }),
                )
            }
        }
        other => {
            return Err(EmitError(format!(
                "a {} cannot mention the region",
                other.kind_name()
            )));
        }
    })
}

fn twin_path(object: &ObjectType) -> Result<TokenStream> {
    let name = format_ident!("Any{}", checked_ident(object.name.name())?);
    Ok(match &object.name {
        // Endpoint-local twins live beside the `Any…` enums; shared ones in `definitions`.
        TypeName::Local(_) => quote! { #name },
        TypeName::Shared(_) => quote! { crate::definitions::#name },
    })
}

/// The region-free twin of an object holding money: the same fields, money as
/// `crate::AnyMoney`, built from a reference to the typed object.
pub(super) fn twin(object: &ObjectType, place: &Place) -> Result<TokenStream> {
    let typed = checked_ident(object.name.name())?;
    let name = format_ident!("Any{}", typed);
    let mut members = Vec::new();
    let mut inits = Vec::new();
    for field in &object.fields {
        let fid = field_ident(field)?;
        let text = format!(" {}", first_sentence(&field.doc));
        let (ty, init) = if field.ty.uses_region() {
            let (owned, convert) = erase(&field.ty)?;
            if field.type_required {
                (owned, convert(quote! { value.#fid }, false))
            } else {
                let inner = convert(quote! { v }, true);
                (
                    quote! { ::core::option::Option<#owned> },
                    quote! { value.#fid.as_ref().map(|v| #inner) },
                )
            }
        } else {
            let plain = ty_tokens(&field.ty, place)?;
            let ty = if field.type_required {
                plain
            } else {
                quote! { ::core::option::Option<#plain> }
            };
            (ty, quote! { ::core::clone::Clone::clone(&value.#fid) })
        };
        members.push(quote! { #[doc = #text] pub #fid: #ty, });
        inits.push(quote! { #fid: #init, });
    }
    let about = format!(
        " {} `{}` with its money as [`crate::AnyMoney`], for code that picks its region at run time.",
        crate::naming::article(object.name.name()),
        object.name.name()
    );
    Ok(quote! {
        #[doc = #about]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #[non_exhaustive]
        pub struct #name { #(#members)* }

        impl<R: crate::RegionSpec> ::core::convert::From<&#typed<R>> for #name {
            #[inline]
            fn from(value: &#typed<R>) -> Self {
                Self { #(#inits)* }
            }
        }
    })
}
