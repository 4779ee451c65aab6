//! The run-time builder of an endpoint's request (`AnyPayInRequestBuilder`): it takes its
//! region at run time and forwards each setter to the region's typed builder, held as a trait
//! object implemented once, generic over the region; and the regions' extra request fields as
//! one type (`AnyPayOutRequestExtra`).

use proc_macro2::{Ident, TokenStream};
use quote::quote;

use super::super::{Place, Result, checked_ident, code, doc, field_ident, param, ty_tokens};
use super::{Offering, Typed, shared_part};
use crate::model::{Endpoint, Ty};
use crate::spec::MoneyShape;

/// The regions' extra request fields as one type, for the run-time builder.
pub(super) fn request_extras(prefix: &str, offering: &[Offering]) -> Result<TokenStream> {
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
pub(super) fn any_builder(
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
