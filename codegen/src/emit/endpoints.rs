//! The shared endpoint modules: each endpoint's request, response and notification types,
//! generic over the region, with their traits, builders and run-time layer.

use super::*;

pub(crate) fn has_extras(spec: &Spec, id: &str, request: bool) -> bool {
    spec.regions.iter().filter_map(|r| r.endpoint(id)).any(|e| {
        if request {
            !e.request_extras.is_empty()
        } else {
            !e.response_extras.is_empty()
        }
    })
}

/// The top-level request fields to which some region gives a default of its own, by JSON name.
pub(crate) fn region_defaulted(spec: &Spec, id: &str) -> std::collections::BTreeSet<String> {
    spec.regions
        .iter()
        .filter_map(|r| r.endpoint(id))
        .flat_map(|e| e.own.overrides.iter())
        .filter(|(_, change)| change.default.is_some())
        .filter_map(|(path, _)| path.strip_prefix("request.").map(str::to_owned))
        .collect()
}

/// The region's own defaults of `id`'s request fields, as `(JSON name, JSON text)`.
pub(crate) fn region_defaults(region: &crate::model::Region, id: &str) -> Vec<(String, String)> {
    let Some(e) = region.endpoint(id) else {
        return Vec::new();
    };
    e.own
        .overrides
        .iter()
        .filter_map(|(path, change)| {
            let name = path.strip_prefix("request.")?;
            Some((name.to_owned(), change.default.as_ref()?.to_string()))
        })
        .collect()
}

/// The request field that is the gateway's idempotency key.
pub(crate) const ORDER_NO_FIELD: &str = "orderNo";

pub(crate) fn endpoints_module(spec: &Spec) -> Result<TokenStream> {
    let mut modules = Vec::new();
    for endpoint in &spec.endpoints {
        modules.push(endpoint_module(spec, endpoint)?);
    }
    Ok(quote! {
        #[doc = " The endpoints' request and response types, shared by every region that offers them."]
        #[doc = ""]
        #[doc = " Each type is generic over the region; the region modules in [`crate::regions`] fix it."]
        pub mod endpoints { #(#modules)* }
    })
}

/// The endpoint module's doc-test: the first region's first example with a request body, read,
/// checked and written back unchanged, and its response read the same way when it has one.
/// Written once per endpoint: every region's examples are tested by `tests/tests/examples.rs`.
fn endpoint_example_doc(spec: &Spec, endpoint: &Endpoint) -> TokenStream {
    let prefix = &endpoint.spec.type_prefix;
    let found = spec.regions.iter().find_map(|region| {
        let own = region.endpoint(&endpoint.id)?;
        own.own.examples.iter().find_map(|x| {
            let request = x.request.as_ref()?.body.as_ref()?;
            let response = x.response.as_ref().and_then(|m| m.body.as_ref());
            Some((region, x, request, response))
        })
    });
    let Some((region, example, request, response)) = found else {
        return quote! {};
    };
    let module = &region.module;
    let constant = naming::constant_name(prefix);
    let mut test = format!(
        "use smilepayz::regions::{module};\n\nlet body = {};\nlet request: {module}::{prefix}Request = serde_json::from_str(body)?;\nrequest.validate()?;\nassert_eq!(\n    serde_json::to_value(&request)?,\n    serde_json::from_str::<serde_json::Value>(body)?\n);\n",
        raw_string(&request.to_string()),
    );
    if let Some(response) = response {
        test.push_str(&format!(
            "\nlet body = {};\nlet response: {module}::{prefix}Response = serde_json::from_str(body)?;\nassert_eq!(\n    serde_json::to_value(&response)?,\n    serde_json::from_str::<serde_json::Value>(body)?\n);\n",
            raw_string(&response.to_string()),
        ));
    }
    doc_raw(&format!(
        "\n# Example\n\nThe {} example {} of {} read, checked and written back unchanged (every region's documented examples are in its `{constant}_EXAMPLES`, e.g. [`crate::regions::{module}::{constant}_EXAMPLES`]):\n\n```\n{test}# Ok::<(), Box<dyn std::error::Error>>(())\n```",
        escape_markdown(&region.spec.name),
        code(&example.name),
        escape_markdown(&endpoint.spec.title),
    ))
}

pub(crate) fn endpoint_module(spec: &Spec, endpoint: &Endpoint) -> Result<TokenStream> {
    let id = &endpoint.id;
    let e = &endpoint.spec;
    let module = checked_ident(&endpoint.module)?;
    let prefix = &e.type_prefix;
    let variant = checked_ident(&format!("{prefix}Variant"))?;
    let request = checked_ident(&format!("{prefix}Request"))?;
    let builder = checked_ident(&format!("{prefix}RequestBuilder"))?;
    let builder_fields = checked_ident(&format!("{prefix}RequestBuilderFields"))?;
    let response = checked_ident(&format!("{prefix}Response"))?;
    let place = Place {
        region: quote! { R },
        local: quote! { crate::endpoints::#module },
    };
    let request_extra = has_extras(spec, id, true);
    let response_extra = has_extras(spec, id, false);

    let defaulted = region_defaulted(spec, id);
    let mut assoc = Vec::new();
    if !defaulted.is_empty() {
        assoc.push(quote! {
            #[doc = " The region's own defaults: `(JSON name, value as JSON)` of the optional request fields the builder and `new()` fill in when they are left unset. Empty in most regions."]
            const DEFAULTS: &'static [(&'static str, &'static str)] = &[];
        });
    }
    for field in &endpoint.request {
        if let Ty::Object { object, .. } = &field.ty
            && let Some(slot) = &object.extra_slot
        {
            let slot = checked_ident(slot)?;
            let text = format!(
                " The fields only the region has inside the request's {} (`NoExtraFields` in most regions).",
                code(&field.name)
            );
            assoc.push(quote! {
                #[doc = #text]
                type #slot: crate::ExtraFields + ::core::default::Default;
            });
        }
    }
    if request_extra {
        assoc.push(quote! {
            #[doc = " The region's extra request fields (all optional in the type, so `Default` leaves them unset)."]
            type RequestExtra: crate::ExtraFields + ::core::default::Default;
        });
    }
    if response_extra {
        assoc.push(quote! {
            #[doc = " The region's extra response fields."]
            type ResponseExtra: crate::ExtraFields;
        });
    }

    let written = written_objects(spec);
    let extensible = extensible_objects(spec);
    let mut items = Vec::new();
    for local in endpoint_locals(endpoint) {
        items.push(match local {
            LocalType::Object(object) => emit_object(
                object,
                &place,
                written.contains(object.name.name()),
                extensible.contains(&extensible_key(id, &object.name)),
            )?,
            LocalType::Enum(en) => emit_enum(en)?,
        });
    }
    let generics = quote! { <R: #variant> };
    let request_about = format!("The request body of {} (POST {}).", e.title, e.path);
    items.push(emit_struct(
        &request,
        &request_about,
        &endpoint.request,
        &generics,
        &place,
        request_extra.then(|| (quote! { R::RequestExtra }, extra_doc("request"))),
        !request_extra && !endpoint.request.iter().any(|f| f.ty.uses_region()),
    )?);
    items.push(write::object_impl(
        &quote! { #request },
        &generics,
        &endpoint.request,
        request_extra,
    )?);
    let response_about = format!("The response body of {}.", e.title);
    items.push(emit_struct(
        &response,
        &response_about,
        &endpoint.response,
        &generics,
        &place,
        response_extra.then(|| (quote! { R::ResponseExtra }, extra_doc("response"))),
        !response_extra && !endpoint.response.iter().any(|f| f.ty.uses_region()),
    )?);
    let request_phantom = !request_extra && !endpoint.request.iter().any(|f| f.ty.uses_region());
    let notification = match &e.callback {
        Some(callback) => Some(checked_ident(&callback.type_name)?),
        None => None,
    };
    if let (Some(callback), Some(fields)) = (&e.callback, &endpoint.callback) {
        let name = checked_ident(&callback.type_name)?;
        let about = format!(
            "{}: what the gateway POSTs to the merchant's `callbackUrl` when an order of {} reaches a final status.\n\n{}\n\nVerify it with [`crate::callback::CallbackVerifier`], which checks the signature over `tradeNo|X-TIMESTAMP` and reads the raw body as this type; then answer [`crate::callback::SUCCESS_REPLY`]. The signature covers neither the status nor the amount: confirm with `inquiry-status` before shipping goods. Deliveries repeat: handle them idempotently by `tradeNo`.",
            callback.title,
            e.title,
            callback.doc.trim()
        );
        items.push(emit_struct(
            &name,
            &about,
            fields,
            &generics,
            &place,
            None,
            !fields.iter().any(|f| f.ty.uses_region()),
        )?);
    }

    // The constructor takes the required fields in the spec's order; the builder takes any.
    let mut params = Vec::new();
    let mut inits = Vec::new();
    let mut builder_members = Vec::new();
    let mut builder_inits = Vec::new();
    let mut setters = Vec::new();
    let mut missing_checks = Vec::new();
    let mut required_names = Vec::new();
    let mut required_values = Vec::new();
    let mut build_inits = Vec::new();
    let mut partial_puts = Vec::new();
    let mut region_fills = Vec::new();
    for field in &endpoint.request {
        let fid = field_ident(field)?;
        let ty = ty_tokens(&field.ty, &place)?;
        let wire = &field.name;
        let (param_ty, convert) = param(&field.ty, &ty, &place)?;
        if field.type_required {
            params.push(quote! { #fid: #param_ty });
            inits.push(quote! { #fid: #fid #convert, });
            missing_checks.push(quote! {
                if fields.#fid.is_none() { problems.push(crate::FieldProblem::required(#wire, R::INFO.code)); }
            });
            required_names.push(quote! { ::core::option::Option::Some(#fid) });
            required_values.push(quote! { fields.#fid });
            build_inits.push(quote! { #fid, });
        } else {
            // `new()` fills in the defaults as `build()` does: the region's, else the shared one.
            let region_default = defaulted
                .contains(wire)
                .then(|| quote! { crate::rules::region_default(R::DEFAULTS, #wire) });
            let shared_default = field.default.as_ref().map(|default| {
                let json = default.to_string();
                quote! { ::serde_json::from_str(#json).ok() }
            });
            let default = match (&region_default, &shared_default) {
                (Some(region), Some(shared)) => Some(quote! { #region.or_else(|| #shared) }),
                (Some(region), None) => Some(region.clone()),
                (None, Some(shared)) => Some(shared.clone()),
                (None, None) => None,
            };
            // `build()` fills them in first, so that the error of a build with a mandatory
            // field missing judges the body with them too.
            match default {
                Some(default) => {
                    inits.push(quote! { #fid: #default, });
                    region_fills.push(quote! {
                        if fields.#fid.is_none() {
                            fields.#fid = #default;
                        }
                    });
                }
                None => inits.push(quote! { #fid: ::core::option::Option::None, }),
            }
            build_inits.push(quote! { #fid: fields.#fid, });
        }
        partial_puts.push(quote! { crate::rules::put(&mut partial, #wire, &fields.#fid); });
        builder_members.push(quote! { pub(crate) #fid: ::core::option::Option<#ty>, });
        builder_inits.push(quote! { #fid: ::core::option::Option::None, });
        let text = format!(
            " Sets {} ({}).",
            code(wire),
            if field.required {
                "mandatory"
            } else {
                "optional"
            }
        );
        let more = doc(&field.doc);
        setters.push(quote! {
            #[doc = #text]
            #[doc = ""]
            #more
            pub fn #fid(mut self, value: #param_ty) -> Self {
                self.fields.#fid = ::core::option::Option::Some(value #convert);
                self
            }
        });
    }
    if request_extra {
        inits.push(quote! { extra: ::core::default::Default::default(), });
        builder_members.push(quote! { pub(crate) extra: R::RequestExtra, });
        builder_inits.push(quote! { extra: ::core::default::Default::default(), });
        build_inits.push(quote! { extra: fields.extra, });
        partial_puts.push(quote! { crate::rules::put_all(&mut partial, &fields.extra); });
        setters.push(quote! {
            #[doc = " Sets the region's extra fields all at once (each region's module also has a setter per field)."]
            pub fn extra(mut self, extra: R::RequestExtra) -> Self {
                self.fields.extra = extra;
                self
            }
        });
    } else {
        if request_phantom {
            inits.push(quote! { region: ::core::marker::PhantomData, });
            build_inits.push(quote! { region: ::core::marker::PhantomData, });
        }
        builder_members.push(quote! { pub(crate) region: ::core::marker::PhantomData<fn() -> R>, });
        builder_inits.push(quote! { region: ::core::marker::PhantomData, });
    }
    // With a mandatory field missing there is no request to validate, so the fields that
    // are set are checked as JSON: the error still names every problem, not only the gaps.
    let unpack = if required_names.is_empty() {
        quote! {}
    } else {
        quote! {
            if !problems.is_empty() {
                let mut partial = ::serde_json::Map::new();
                #(#partial_puts)*
                return ::core::result::Result::Err(crate::rules::partial_error(
                    &<R as #variant>::REQUEST_RULES,
                    partial,
                    &<R as crate::RegionSpec>::INFO,
                    problems,
                ));
            }
            let (#(#required_names,)*) = (#(#required_values,)*) else {
                return ::core::result::Result::Err(crate::ValidationError::new(problems));
            };
        }
    };
    let code_field = endpoint
        .response
        .iter()
        .find(|f| f.name == spec.gateway.result.code_field)
        .ok_or_else(|| EmitError(format!("`{id}` has no result code field")))
        .and_then(field_ident)?;
    let message_field = endpoint
        .response
        .iter()
        .find(|f| f.name == spec.gateway.result.message_field)
        .ok_or_else(|| EmitError(format!("`{id}` has no result message field")))
        .and_then(field_ident)?;

    // The gateway's idempotency key, when the request has it: errors carry it, so that an
    // unknown outcome can be asked about by it.
    let order_no_fn = match endpoint
        .request
        .iter()
        .find(|f| f.name == ORDER_NO_FIELD && matches!(f.ty, Ty::String { .. }))
    {
        Some(field) => {
            let fid = field_ident(field)?;
            let value = if field.type_required {
                quote! { ::core::option::Option::Some(&self.#fid) }
            } else {
                quote! { self.#fid.as_deref() }
            };
            quote! {
                fn order_no(&self) -> ::core::option::Option<&str> { #value }
            }
        }
        None => quote! {},
    };

    let summary = e.doc.as_deref().unwrap_or(&e.summary);
    let retry = if e.read_only {
        "Read-only: the client retries it on connection failures and server errors."
    } else {
        "Not read-only: the client never retries it. If a call ends without an answer (a timeout after the request may have been sent), do not send it again blindly: ask `inquiry-status` by the same `orderNo` first."
    };
    let offered: Vec<&str> = spec
        .regions
        .iter()
        .filter(|r| r.endpoint(id).is_some())
        .map(|r| r.spec.code.as_str())
        .collect();
    let about = format!(
        "{} (`POST {}`)\n\n{}\n\n{retry}\n\nOffered in: {}.",
        e.title,
        e.path,
        summary.trim(),
        if offered.is_empty() {
            "no region".to_owned()
        } else {
            offered.join(", ")
        }
    );
    let docs = doc(&about);
    let notes = if e.notes.is_empty() {
        quote! {}
    } else {
        let list: String = e.notes.iter().map(|n| format!("- {n}\n")).collect();
        doc(&format!("\nNotes from the documentation:\n\n{list}"))
    };
    let path = &e.path;
    let service_code = &e.service_code;
    let read_only = e.read_only;
    let title = &e.title;
    // A constructor from the mandatory fields alone, unless the endpoint also needs one
    // field of a group (`at_least_one_of`): such a request could never be valid.
    // Bound `mut` only where a region default may be filled in.
    let fields_binding = if region_fills.is_empty() {
        quote! { let fields = *self.fields; }
    } else {
        quote! { let mut fields = *self.fields; }
    };
    let new_fn = if e.at_least_one_of.is_empty() {
        let new_doc = format!(
            " A request from its mandatory fields, checked against the region's rules (see [`{request}::validate`]). For optional and region-only fields use [`{request}::builder`]."
        );
        quote! {
            #[doc = #new_doc]
            pub fn new(#(#params),*) -> ::core::result::Result<Self, crate::ValidationError> {
                let request = Self { #(#inits)* };
                request.validate()?;
                ::core::result::Result::Ok(request)
            }
        }
    } else {
        quote! {}
    };
    let builder_doc = if e.at_least_one_of.is_empty() {
        " A builder with every field unset.".to_owned()
    } else {
        let groups: Vec<String> = e
            .at_least_one_of
            .iter()
            .map(|g| g.iter().map(|f| code(f)).collect::<Vec<_>>().join(" or "))
            .collect();
        format!(
            " A builder with every field unset. (There is no `new()`: a request also needs {}.)",
            groups.join(", and ")
        )
    };
    let shared_check = super::check::shared_check(&endpoint.request, &e.at_least_one_of)?;
    let any_items = any::endpoint_items(
        spec,
        endpoint,
        &any::Typed {
            request: &request,
            builder: &builder,
            response: &response,
            notification: notification.as_ref(),
        },
    )?;
    let example_doc = endpoint_example_doc(spec, endpoint);
    // The shared rules the regions' tables name, written once here.
    let mut shared = super::rules::Shared::of(&endpoint.request);
    for region in &spec.regions {
        if let Some(own) = region.endpoint(id) {
            super::rules::rules_fields_over(&own.request, &mut shared, "");
        }
    }
    let shared_items = shared.items();
    let shared_rules = (!shared_items.is_empty()).then(|| {
        let names = super::rules::rules_imports(&quote! { #(#shared_items)* });
        quote! {
            #[doc = " The rules of the request fields as the shared spec gives them, named by the regions' rules tables (`REQUEST_RULES`) where a region keeps them unchanged."]
            pub mod shared_rules {
                #names
                #(#shared_items)*
            }
        }
    });
    Ok(quote! {
        #docs
        #notes
        #example_doc
        pub mod #module {
            #shared_rules
            #[doc = " Where the endpoint is and what it is."]
            pub const ENDPOINT: crate::EndpointInfo = crate::EndpointInfo {
                id: #id,
                title: #title,
                path: #path,
                service_code: #service_code,
                read_only: #read_only,
            };

            #[doc = " A region that offers this endpoint, with what it adds to the shared shape."]
            pub trait #variant: crate::RegionSpec {
                #(#assoc)*
                #[doc = " The region's documented examples of this endpoint."]
                const EXAMPLES: &'static [crate::Example];
                #[doc = " The rules a request body must follow in the region."]
                const REQUEST_RULES: crate::rules::Object;
                #[doc = " The endpoint as the region offers it, for the region's [`crate::RegionInfo::endpoints`]: the endpoint, [`Self::REQUEST_RULES`] and [`Self::EXAMPLES`]."]
                const REGION_ENDPOINT: crate::RegionEndpoint = crate::RegionEndpoint {
                    endpoint: ENDPOINT,
                    request_rules: &Self::REQUEST_RULES,
                    examples: Self::EXAMPLES,
                };
                #[doc = " Every problem of `request` by [`Self::REQUEST_RULES`], as [`crate::rules::check`] finds them in its JSON (money excepted: amounts are judged by their own digits, not their float): generated code that reads the fields where they are."]
                #[doc = ""]
                #[doc = " Written once for every region: each rule, and whether a field is mandatory, is read from the region's table at compile time; the region's own fields are checked by [`Self::check_own`]."]
                #[inline]
                fn check_request(request: &#request<Self>) -> ::std::vec::Vec<crate::FieldProblem> {
                    #shared_check
                }
                #[doc = " The problems of what only the region has, added to `out`: its extra fields, the fields it adds inside shared objects and its conditions. Nothing in most regions."]
                #[inline]
                fn check_own(request: &#request<Self>, out: &mut ::std::vec::Vec<crate::FieldProblem>) {
                    let _ = (request, out);
                }
            }

            #(#items)*

            impl<R: #variant> #request<R> {
                #new_fn

                #[doc = #builder_doc]
                pub fn builder() -> #builder<R> {
                    #builder { fields: ::std::boxed::Box::new(#builder_fields { #(#builder_inits)* }) }
                }

                #[doc = " Checks the request against the region's rules, naming every offending field by its JSON path."]
                pub fn validate(&self) -> ::core::result::Result<(), crate::ValidationError> {
                    let problems = <R as #variant>::check_request(self);
                    if problems.is_empty() {
                        ::core::result::Result::Ok(())
                    } else {
                        ::core::result::Result::Err(crate::ValidationError::new(problems))
                    }
                }
            }

            #[doc = " Builds a request field by field; [`build`](Self::build) checks every rule at once."]
            #[doc = ""]
            #[doc = " Its fields are kept in one allocation, so that each setter moves a pointer rather than the whole request."]
            #[derive(::core::fmt::Debug, ::core::clone::Clone)]
            pub struct #builder<R: #variant> { pub(crate) fields: ::std::boxed::Box<#builder_fields<R>> }

            #[doc = " What a builder has been given so far."]
            #[derive(::core::fmt::Debug, ::core::clone::Clone)]
            pub(crate) struct #builder_fields<R: #variant> { #(#builder_members)* }

            impl<R: #variant> #builder<R> {
                #(#setters)*

                #[doc = " The request, or one error naming every field that is missing or breaks a rule."]
                pub fn build(self) -> ::core::result::Result<#request<R>, crate::ValidationError> {
                    #[allow(unused_mut)]
                    let mut problems: ::std::vec::Vec<crate::FieldProblem> = ::std::vec::Vec::new();
                    #fields_binding
                    #(#region_fills)*
                    #(#missing_checks)*
                    #unpack
                    let request = #request { #(#build_inits)* };
                    request.validate()?;
                    ::core::result::Result::Ok(request)
                }
            }

            impl<R: #variant> crate::ApiRequest for #request<R> {
                type Region = R;
                type Response = #response<R>;
                const ENDPOINT: crate::EndpointInfo = ENDPOINT;
                fn validate(&self) -> ::core::result::Result<(), crate::ValidationError> {
                    #request::validate(self)
                }
                #[inline]
                fn write_body(&self, out: &mut ::std::vec::Vec<u8>) {
                    crate::json::WriteJson::write_json(self, out);
                }
                #order_no_fn
            }

            impl<R: #variant> crate::GatewayResponse for #response<R> {
                fn result_code(&self) -> &str { &self.#code_field }
                fn result_message(&self) -> &str { &self.#message_field }
            }

            #any_items
        }
    })
}
