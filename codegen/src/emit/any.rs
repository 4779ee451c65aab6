//! The run-time region surface of one endpoint: for code that reads its region from
//! configuration instead of naming a region type.
//!
//! For the request, the response and the notification, an enum over the regions that offer
//! the endpoint (`AnyPayInRequest`, …) that serializes exactly as the typed value it holds,
//! reads JSON in a region given at run time, and has one accessor per shared field. Money
//! comes out as `crate::AnyMoney` (the amount with its region); an object holding money
//! comes out as its region-free twin (`AnyAccountInfo`), generated here too. The request
//! also gets a builder that takes a `crate::Region`.

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{
    EmitError, LocalType, Place, Result, checked_ident, code, doc, endpoint_locals, field_ident,
    param, ty_tokens,
};
use crate::model::{Endpoint, Spec};
use crate::model::{Field, ObjectType, Ty, TypeName};
use crate::spec::MoneyShape;

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
    items.push(request_extras(prefix, &offering)?);
    items.push(any_builder(
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

/// The regions' extra request fields as one type, for the run-time builder.
fn request_extras(prefix: &str, offering: &[Offering]) -> Result<TokenStream> {
    let with: Vec<&Offering> = offering
        .iter()
        .filter(|o| o.request_extra.is_some())
        .collect();
    if with.is_empty() {
        return Ok(quote! {});
    }
    let name = checked_ident(&format!("Any{prefix}RequestExtra"))?;
    let mut variants = Vec::new();
    let mut froms = Vec::new();
    let mut regions = Vec::new();
    for o in with {
        let (v, text) = (&o.variant, &o.doc);
        let ty = o.request_extra.as_ref().expect("filtered");
        variants.push(quote! { #[doc = #text] #v(#ty), });
        froms.push(quote! {
            impl ::core::convert::From<#ty> for #name {
                #[inline]
                fn from(value: #ty) -> Self { Self::#v(value) }
            }
        });
        regions.push(quote! { Self::#v(_) => crate::Region::#v, });
    }
    let about = format!(
        " The extra request fields of one region, for [`Any{prefix}RequestBuilder::extra`]: each region's own type converts into it."
    );
    Ok(quote! {
        #[doc = #about]
        #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum #name { #(#variants)* }

        impl #name {
            #[doc = " The region the fields belong to."]
            #[inline]
            pub fn region(&self) -> crate::Region {
                match self { #(#regions)* }
            }
        }

        #(#froms)*
    })
}

/// The builder that takes its region at run time and forwards every setter to the region's
/// typed builder, held as a trait object (`…Ops`, implemented once, generic over the region).
fn any_builder(
    endpoint: &Endpoint,
    typed: &Typed<'_>,
    request_any: &Ident,
    offering: &[Offering],
    place: &Place,
) -> Result<TokenStream> {
    let prefix = &endpoint.spec.type_prefix;
    let name = checked_ident(&format!("Any{prefix}RequestBuilder"))?;
    let ops = checked_ident(&format!("{prefix}RequestBuilderOps"))?;
    let variant = checked_ident(&format!("{prefix}Variant"))?;
    let builder = typed.builder;
    let request = typed.request;
    let mut setters = Vec::new();
    let mut methods = Vec::new();
    let mut impls = Vec::new();
    let mut skipped = Vec::new();
    for field in &endpoint.request {
        let fid = field_ident(field)?;
        let text = format!(
            " Sets {} ({}).",
            code(&field.name),
            if field.required {
                "mandatory"
            } else {
                "optional"
            }
        );
        let mut more = doc(&field.doc);
        if shared_part(&field.ty).is_some() {
            more.extend(quote! {
                #[doc = ""]
                #[doc = " Its shared fields: the fields a region has of its own inside it are set on that region's typed builder, whose request converts into the run-time one (`From`)."]
            });
        }
        // The public setter's parameter, the value handed to the region's builder (`value`,
        // of type `given`), and how that builder's field is made of it.
        let (param_ty, given, prepare, store) = match &field.ty {
            Ty::Money(money) if money.shape == MoneyShape::AmountNumber => (
                quote! { crate::Amount },
                quote! { crate::Amount },
                quote! {},
                quote! { crate::TransactionMoney::unchecked(value) },
            ),
            Ty::Money(_) => (
                quote! { crate::Amount },
                quote! { crate::Amount },
                quote! {},
                quote! { crate::Money::new(value) },
            ),
            ty if ty.uses_region() => {
                skipped.push(code(&field.name));
                continue;
            }
            // The shared fields, given to every region's builder with no fields of its own
            // (a region's own fields inside are set on its typed builder).
            ty if shared_part(ty).is_some() => {
                let plain = shared_part(ty).expect("checked");
                let plain = ty_tokens(&plain, place)?;
                (
                    quote! { impl ::core::convert::Into<#plain> },
                    plain.clone(),
                    quote! { let value: #plain = value.into(); },
                    quote! { value.with_extra(::core::default::Default::default()) },
                )
            }
            ty => {
                let plain = ty_tokens(ty, place)?;
                let (param_ty, _) = param(ty, &plain, place)?;
                // A list is collected once, then handed to the region's builder.
                let prepare = match ty {
                    Ty::List { .. } => quote! { let value: #plain = value.into_iter().collect(); },
                    _ => quote! { let value: #plain = value.into(); },
                };
                (param_ty, plain, prepare, quote! { value })
            }
        };
        methods.push(quote! { fn #fid(&mut self, value: #given); });
        impls.push(quote! {
            #[inline]
            fn #fid(&mut self, value: #given) {
                self.fields.#fid = ::core::option::Option::Some(#store);
            }
        });
        let money_doc = if matches!(field.ty, Ty::Money(_)) {
            quote! { #[doc = ""] #[doc = " The amount is in the region's currency. `build` refuses an amount that is not more than 0, one outside the region's limits, or one with more decimal places than the region's money format."] }
        } else {
            quote! {}
        };
        setters.push(quote! {
            #[doc = #text]
            #[doc = ""]
            #more
            #money_doc
            #[must_use]
            #[inline]
            pub fn #fid(mut self, value: #param_ty) -> Self {
                #prepare
                if let ::core::option::Option::Some(inner) = self.inner.as_mut() {
                    inner.#fid(value);
                }
                self
            }
        });
    }
    let extras = offering.iter().any(|o| o.request_extra.is_some());
    if extras {
        let extra_enum = checked_ident(&format!("Any{prefix}RequestExtra"))?;
        methods.push(quote! { fn as_any_mut(&mut self) -> &mut dyn ::core::any::Any; });
        impls.push(quote! {
            #[inline]
            fn as_any_mut(&mut self) -> &mut dyn ::core::any::Any {
                self
            }
        });
        let arms = offering
            .iter()
            .filter(|o| o.request_extra.is_some())
            .map(|o| {
                let (v, m) = (&o.variant, &o.module);
                quote! {
                    #extra_enum::#v(extra) => {
                        match inner.as_any_mut().downcast_mut::<#builder<crate::regions::#m::#v>>() {
                            ::core::option::Option::Some(builder) => builder.fields.extra = extra,
                            ::core::option::Option::None => self.wrong_extra = ::core::option::Option::Some(crate::Region::#v),
                        }
                    }
                }
            });
        setters.push(quote! {
            #[doc = " Sets the region's extra fields (e.g. `regions::pen::pay_out::PayOutRequestExtra`). Fields of another region than the builder's make `build` fail, naming both regions."]
            #[must_use]
            #[inline]
            pub fn extra(mut self, extra: impl ::core::convert::Into<#extra_enum>) -> Self {
                if let ::core::option::Option::Some(inner) = self.inner.as_mut() {
                    match extra.into() {
                        #(#arms)*
                    }
                }
                self
            }
        });
    }
    let skipped_doc = if skipped.is_empty() {
        quote! {}
    } else {
        let text = format!(
            " {} hold money inside an object, so they are set through the region's typed builder.",
            skipped.join(", ")
        );
        quote! { #[doc = ""] #[doc = #text] }
    };
    let about = format!(
        " Builds a [`{request_any}`] for a region chosen at run time: the same setters as the typed builder, money as an [`crate::Amount`] in the region's currency."
    );
    let ops_doc = format!(
        " What [`{name}`] asks of the region's typed builder it holds: implemented once, generic over the region."
    );
    let offered: Vec<&str> = offering.iter().map(|o| o.code.as_str()).collect();
    let offered_in = format!("it is offered in {}", offered.join(", "));
    let wrong_extra_check = if extras {
        quote! {
            if let ::core::option::Option::Some(other) = self.wrong_extra {
                return ::core::result::Result::Err(crate::ValidationError::new(::std::vec![crate::FieldProblem {
                    path: "(extra)".to_owned(),
                    message: ::std::format!("the extra fields given are {other}'s, not {region}'s"),
                }]));
            }
        }
    } else {
        quote! {}
    };
    let (wrong_extra_member, wrong_extra_init, wrong_extra_clone) = if extras {
        (
            quote! { wrong_extra: ::core::option::Option<crate::Region>, },
            quote! { wrong_extra: ::core::option::Option::None, },
            quote! { wrong_extra: self.wrong_extra, },
        )
    } else {
        (quote! {}, quote! {}, quote! {})
    };
    let id = &endpoint.id;
    Ok(quote! {
        #[doc = #about]
        #skipped_doc
        #[derive(::core::fmt::Debug)]
        pub struct #name {
            region: crate::Region,
            /// The region's typed builder; `None` when the region does not offer the endpoint.
            inner: ::core::option::Option<::std::boxed::Box<dyn #ops>>,
            #wrong_extra_member
        }

        impl ::core::clone::Clone for #name {
            #[inline]
            fn clone(&self) -> Self {
                Self {
                    region: self.region,
                    inner: self.inner.as_ref().map(|inner| inner.clone_box()),
                    #wrong_extra_clone
                }
            }
        }

        #[doc = #ops_doc]
        trait #ops: ::core::fmt::Debug + ::core::marker::Send + ::core::marker::Sync {
            #(#methods)*
            fn build(self: ::std::boxed::Box<Self>) -> ::core::result::Result<#request_any, crate::ValidationError>;
            fn clone_box(&self) -> ::std::boxed::Box<dyn #ops>;
        }

        impl<R: #variant + crate::dispatch::Wrap<#request<R>, #request_any>> #ops for #builder<R> {
            #(#impls)*
            #[inline]
            fn build(self: ::std::boxed::Box<Self>) -> ::core::result::Result<#request_any, crate::ValidationError> {
                #builder::build(*self).map(#request_any::from)
            }
            #[inline]
            fn clone_box(&self) -> ::std::boxed::Box<dyn #ops> {
                ::std::boxed::Box::new(::core::clone::Clone::clone(self))
            }
        }

        impl #request_any {
            #[doc = " A builder for `region`, with every field unset."]
            #[inline]
            pub fn builder(region: crate::Region) -> #name {
                let inner = each_region!(
                    region region,
                    R => ::core::option::Option::Some(::std::boxed::Box::new(#request::<R>::builder()) as ::std::boxed::Box<dyn #ops>),
                    _ => ::core::option::Option::None
                );
                #name { region, inner, #wrong_extra_init }
            }
        }

        impl #name {
            #[doc = " The region the request is for."]
            #[inline]
            pub fn region(&self) -> crate::Region {
                self.region
            }

            #(#setters)*

            #[doc = " The request, or one error naming every field that is missing or breaks the region's rules (or the region not offering the endpoint)."]
            #[inline]
            pub fn build(self) -> ::core::result::Result<#request_any, crate::ValidationError> {
                let region = self.region;
                #wrong_extra_check
                match self.inner {
                    ::core::option::Option::Some(inner) => inner.build(),
                    ::core::option::Option::None => ::core::result::Result::Err(crate::ValidationError::new(::std::vec![crate::FieldProblem {
                        path: "(endpoint)".to_owned(),
                        message: ::std::format!("{} is not offered in {}; {}", #id, region, #offered_in),
                    }])),
                }
            }
        }
    })
}
