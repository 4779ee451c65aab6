//! The region modules: each region's marker type and facts, its own types and aliases, its
//! examples, and what it overrides.

use super::*;

pub(crate) fn regions_module(spec: &Spec) -> Result<TokenStream> {
    regions_module_with(spec, true)
}

/// The `regions` module: with `inline`, each region module written in it; without, each
/// declared (`pub mod thb;`), its items written to a file of their own by [`region_parts`].
pub(crate) fn regions_module_with(spec: &Spec, inline: bool) -> Result<TokenStream> {
    // Only the inline modules need it (the files are written by `generate_files`).
    let extras = if inline {
        Extras::of(spec)
    } else {
        Extras(Default::default())
    };
    let mut variants = Vec::new();
    let mut all = Vec::new();
    let mut infos = Vec::new();
    let mut modules = Vec::new();
    for region in &spec.regions {
        let variant = checked_ident(&region.type_name)?;
        let module = checked_ident(&region.module)?;
        let text = doc_safe(&format!(" {} ({}).", region.spec.name, region.spec.code));
        variants.push(quote! { #[doc = #text] #variant, });
        all.push(quote! { Region::#variant });
        infos.push(quote! { Region::#variant => &<#module::#variant as crate::RegionSpec>::INFO, });
        if inline {
            modules.push(region_module_with(spec, region, &extras)?);
        } else {
            let module_doc = region_doc(region);
            // Formatted by prettyplease: `cargo fmt` leaves the file as generated.
            modules.push(quote! { #module_doc #[rustfmt::skip] pub mod #module; });
        }
    }
    Ok(quote! {
        #[doc = " The regions, one module each, and [`Region`](crate::Region) for choosing one at run time."]
        pub mod regions {
            #[doc = " Every region in the spec, for callers that pick a region at run time."]
            #[doc = ""]
            #[doc = " Parse one from its code with `str::parse` (any case); display it as its code."]
            #[derive(::core::fmt::Debug, ::core::clone::Clone, ::core::marker::Copy, ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash, ::core::cmp::PartialOrd, ::core::cmp::Ord)]
            #[non_exhaustive]
            pub enum Region { #(#variants)* }

            impl Region {
                #[doc = " Every region, ordered by code."]
                pub const ALL: &'static [Region] = &[#(#all),*];

                #[doc = " The region's facts: code, name, currency, area code, offset, money format, endpoints."]
                pub const fn info(self) -> &'static crate::RegionInfo {
                    match self { #(#infos)* }
                }
            }

            #(#modules)*
        }
    })
}

pub(crate) fn region_module(spec: &Spec, region: &Region) -> Result<TokenStream> {
    region_module_with(spec, region, &Extras::of(spec))
}

/// The endpoints some region adds request or response fields to, as `(id, request side)`:
/// whether a variant trait has `RequestExtra` and `ResponseExtra`, found once for all regions.
pub(crate) struct Extras(std::collections::BTreeSet<(String, bool)>);

impl Extras {
    pub(crate) fn of(spec: &Spec) -> Self {
        let mut found = std::collections::BTreeSet::new();
        for endpoint in &spec.endpoints {
            for side in [true, false] {
                if has_extras(spec, &endpoint.id, side) {
                    found.insert((endpoint.id.clone(), side));
                }
            }
        }
        Extras(found)
    }

    fn has(&self, id: &str, request: bool) -> bool {
        self.0.contains(&(id.to_owned(), request))
    }
}

fn region_module_with(spec: &Spec, region: &Region, extras: &Extras) -> Result<TokenStream> {
    let module_doc = region_doc(region);
    let module = checked_ident(&region.module)?;
    let body = region_parts(spec, region, extras)?;
    Ok(quote! {
        #module_doc
        pub mod #module { #body }
    })
}

/// A region module's documentation: its summary and facts, and where its own words are.
fn region_doc(region: &Region) -> TokenStream {
    let r = &region.spec;
    let (code_, name, summary, currency) = (&r.code, &r.name, &r.summary, &r.currency);
    let (area, offset, money_format) = (r.area_code, &r.timestamp_offset, &r.money_format);
    let file_name = region
        .file
        .file_name()
        .and_then(|f| f.to_str())
        .map(|f| format!("spec/regions/{f}"))
        .unwrap_or_default();
    let offered: Vec<String> = region.endpoints.iter().map(|e| code(&e.id)).collect();
    let own_words = if region
        .endpoints
        .iter()
        .any(|e| !e.own.field_notes.is_empty())
    {
        format!(
            " What the {} pages say of their fields in their own words is in the reference page \
             (`docs/regions.md` in the repository, \"How the regions differ\").",
            escape_markdown(name)
        )
    } else {
        String::new()
    };
    doc_raw(&format!(
        "{} ({code_}): {}\n\nMoney in {currency} (format {}), area code {area}, `X-TIMESTAMP` at {offset}; \
         offers {}. From {}.{own_words}",
        escape_markdown(name),
        escape_markdown(summary),
        code(money_format),
        offered.join(", "),
        code(&file_name),
    ))
}

/// A region module's items: its marker type and facts, and per endpoint its own types, rules
/// table, variant impl, aliases and examples.
pub(crate) fn region_parts(
    spec: &Spec,
    region: &Region,
    extras_of: &Extras,
) -> Result<TokenStream> {
    let r = &region.spec;
    let marker = checked_ident(&region.type_name)?;
    let module = checked_ident(&region.module)?;
    let (code_, name, summary, currency) = (&r.code, &r.name, &r.summary, &r.currency);
    let area = r.area_code;
    let offset = &r.timestamp_offset;
    let offset_seconds = Literal::i32_unsuffixed(region.utc_offset_seconds);
    let money_format = &r.money_format;
    let scale = Literal::u8_unsuffixed(region.money_scale);
    let marker_doc = doc_safe(&format!(
        " The {name} region as a type: fixes the shared request and response types to {currency}."
    ));
    let marker_path = quote! { crate::regions::#module::#marker };

    let mut items = Vec::new();
    let mut registry = Vec::new();
    for own in &region.endpoints {
        let Some(endpoint) = spec.endpoint(&own.id) else {
            return Err(EmitError(format!(
                "region {code_} offers unknown endpoint {}",
                own.id
            )));
        };
        let id = &endpoint.id;
        let e = &endpoint.spec;
        let endpoint_module = checked_ident(&endpoint.module)?;
        let prefix = &e.type_prefix;
        let variant = checked_ident(&format!("{prefix}Variant"))?;
        let constant = naming::constant_name(prefix);
        let examples_name = checked_ident(&format!("{constant}_EXAMPLES"))?;
        let rules_name = checked_ident(&format!("{constant}_REQUEST_RULES"))?;
        let place = Place {
            region: marker_path.clone(),
            local: quote! { crate::regions::#module::#endpoint_module },
        };

        let mut assoc = Vec::new();
        let mut sub_items = Vec::new();
        for (request_side, extras, suffix) in [
            (true, &own.request_extras, "RequestExtra"),
            (false, &own.response_extras, "ResponseExtra"),
        ] {
            if !extras_of.has(id, request_side) {
                continue;
            }
            let assoc_name = format_ident!("{}", suffix);
            if extras.is_empty() {
                assoc.push(quote! { type #assoc_name = crate::NoExtraFields; });
                continue;
            }
            let type_name = checked_ident(&format!("{prefix}{suffix}"))?;
            let side = if request_side { "request" } else { "response" };
            let about = format!(
                "The fields only the {name} region's {} {side} has.",
                e.title
            );
            let mut locals = Vec::new();
            local_types(extras, &mut locals);
            for local in locals {
                sub_items.push(match local {
                    // Extra fields are written by `ExtraFields::write_fields`, so what they hold
                    // needs a writer, whichever side they are on.
                    LocalType::Object(object) => emit_object(object, &place, true, false)?,
                    LocalType::Enum(en) => emit_enum(en)?,
                });
            }
            // Every extra field is an `Option` in the type, so `Default` leaves them all unset.
            let item = emit_struct(&type_name, &about, extras, &quote! {}, &place, None, false)?;
            let write_fields = write::fields_writer(extras)?;
            sub_items.push(quote! {
                #[derive(::core::default::Default)]
                #item
                impl crate::ExtraFields for #type_name {
                    #[inline]
                    fn write_fields(&self, out: &mut ::std::vec::Vec<u8>) {
                        #write_fields
                    }
                }
            });
            if request_side {
                let builder = checked_ident(&format!("{prefix}RequestBuilder"))?;
                let mut setters = Vec::new();
                for f in extras {
                    let fid = field_ident(f)?;
                    let ty = ty_tokens(&f.ty, &place)?;
                    let (param_ty, convert) = param(&f.ty, &ty, &place)?;
                    let text = format!(
                        " Sets {} ({} in {code_}; only {name} has it).",
                        code(&f.name),
                        if f.required { "mandatory" } else { "optional" }
                    );
                    let more = doc(&f.doc);
                    setters.push(quote! {
                        #[doc = #text]
                        #[doc = ""]
                        #more
                        pub fn #fid(mut self, value: #param_ty) -> Self {
                            self.fields.extra.#fid = ::core::option::Option::Some(value #convert);
                            self
                        }
                    });
                }
                sub_items.push(quote! {
                    impl crate::endpoints::#endpoint_module::#builder<#marker_path> { #(#setters)* }
                });
            }
            assoc.push(quote! { type #assoc_name = #endpoint_module::#type_name; });
        }
        // The fields the region adds inside shared request objects: a type per object, and
        // an alias of the object with them (`regions::brl::pay_out::Receiver`).
        let mut aliased = std::collections::BTreeSet::new();
        for field in &endpoint.request {
            let Ty::Object { object, .. } = &field.ty else {
                continue;
            };
            let Some(slot) = &object.extra_slot else {
                continue;
            };
            let slot_id = checked_ident(slot)?;
            let own_fields: Vec<Field> = own
                .request
                .iter()
                .find(|f| f.name == field.name)
                .and_then(|f| f.ty.object())
                .map(|o| {
                    o.fields
                        .iter()
                        .filter(|f| o.region_fields.contains(&f.name))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            if own_fields.is_empty() {
                assoc.push(quote! { type #slot_id = crate::NoExtraFields; });
                continue;
            }
            let type_name = checked_ident(&format!("{prefix}{slot}"))?;
            let about = format!(
                "The fields only {name} has inside the request's `{}`, kept in its `extra`.",
                field.name
            );
            let mut locals = Vec::new();
            local_types(&own_fields, &mut locals);
            for local in locals {
                sub_items.push(match local {
                    LocalType::Object(object) => emit_object(object, &place, true, false)?,
                    LocalType::Enum(en) => emit_enum(en)?,
                });
            }
            let item = emit_struct(
                &type_name,
                &about,
                &own_fields,
                &quote! {},
                &place,
                None,
                false,
            )?;
            let write_fields = write::fields_writer(&own_fields)?;
            sub_items.push(quote! {
                #[derive(::core::default::Default)]
                #item
                impl crate::ExtraFields for #type_name {
                    #[inline]
                    fn write_fields(&self, out: &mut ::std::vec::Vec<u8>) {
                        #write_fields
                    }
                }
            });
            assoc.push(quote! { type #slot_id = #endpoint_module::#type_name; });
            let object_id = checked_ident(object.name.name())?;
            let object_path = match &object.name {
                TypeName::Local(_) => quote! { crate::endpoints::#endpoint_module::#object_id },
                TypeName::Shared(_) => quote! { crate::definitions::#object_id },
            };
            let alias_doc = doc_safe(&format!(
                " {} `{}` as {name} sends it in {}: the shared fields, and {name}'s own in `extra` ([`{}`]).",
                crate::naming::article(object.name.name()),
                object.name.name(),
                e.title,
                type_name
            ));
            sub_items.push(quote! {
                #[doc = #alias_doc]
                pub type #object_id = #object_path<#type_name>;
            });
            aliased.insert(object.name.name().to_owned());
        }
        // Aliases of the endpoint's nested types, fixed to the region.
        for local in endpoint_locals(endpoint) {
            let (type_name, generic, about) = match local {
                LocalType::Object(o) => (
                    o.name.name(),
                    o.fields.iter().any(|f| f.ty.uses_region()),
                    o.doc.clone(),
                ),
                LocalType::Enum(en) => (en.name.name(), false, en.doc.clone()),
            };
            if aliased.contains(type_name) {
                continue;
            }
            let alias = checked_ident(type_name)?;
            if generic {
                let docs = doc(&format!(
                    "{}\n\nFixed to {name} ({currency}).",
                    about.trim()
                ));
                sub_items.push(quote! {
                    #docs
                    pub type #alias = crate::endpoints::#endpoint_module::#alias<super::#marker>;
                });
            } else {
                sub_items.push(quote! {
                    pub use crate::endpoints::#endpoint_module::#alias;
                });
            }
        }
        let sub_doc = doc_safe(&format!(
            " The nested types of {} in {name}, and the fields only {name} has.",
            e.title
        ));
        // A region with nothing of its own in an endpoint gets no empty module.
        if !sub_items.is_empty() {
            items.push(quote! {
                #[doc = #sub_doc]
                pub mod #endpoint_module { #(#sub_items)* }
            });
        }

        let mut shared = super::rules::Shared::of(&endpoint.request);
        let rules = super::rules::rules_fields_over(&own.request, &mut shared, "");
        let groups = e.at_least_one_of.iter().map(|g| quote! { &[#(#g),*] });
        let mut found = Vec::new();
        crate::model::conditions("", &own.request, &mut found);
        let conditions: Vec<TokenStream> = found
            .iter()
            .map(|(path, c)| {
                let (field, values) = (&c.field, &c.values);
                quote! { crate::rules::RequiredWhen { path: #path, field: #field, values: &[#(#values),*] } }
            })
            .collect();
        let mut rules_doc = format!(
            "The rules of the {} request body in {}.",
            escape_markdown(&e.title),
            escape_markdown(name)
        );
        if !shared.used.is_empty() {
            rules_doc.push_str(&format!(
                " The rules it keeps as the shared spec gives them are named from \
                 [`crate::endpoints::{endpoint_module}::shared_rules`]."
            ));
        }
        let rules_doc = doc_raw(&rules_doc);
        // The table is written with the short names of `crate::rules` and the endpoint's
        // shared rules, imported inside the constant (so they cannot clash with a name of the
        // region's module): a field is one line, `ORDER_NO` where the region keeps the shared
        // rule, `Field::required("orderNo", Kind::TEXT.min_length(6))` where it has its own.
        let names = super::rules::rules_imports(&rules);
        let shared_names = (!shared.used.is_empty()).then(|| {
            quote! { use crate::endpoints::#endpoint_module::shared_rules::*; }
        });
        let mut object = quote! { crate::rules::Object::new(#rules) };
        if !e.at_least_one_of.is_empty() {
            object = quote! { #object.at_least_one_of(&[#(#groups),*]) };
        }
        if !conditions.is_empty() {
            object = quote! { #object.required_when(&[#(#conditions),*]) };
        }
        items.push(quote! {
            #rules_doc
            pub const #rules_name: crate::rules::Object = {
                #shared_names
                #names
                #object
            };
        });
        let request_type = checked_ident(&format!("{prefix}Request"))?;
        // Conditions read other fields of the request: checked on its JSON, and only in a
        // region that has them.
        let conditional = (!conditions.is_empty()).then(|| {
            quote! {
                if let ::core::result::Result::Ok(json) = ::serde_json::to_value(request) {
                    crate::rules::check_required_when(#rules_name.required_when, &json, region, out);
                }
            }
        });
        let table = quote! { #rules_name.fields };
        let request_path = quote! { crate::endpoints::#endpoint_module::#request_type<Self> };
        // The shared fields are checked by the trait's `check_request`, written once; the
        // region writes the check of its own fields, or all of it when its table does not
        // line up with the shared fields.
        let check_fn = if check::fits_shared(
            &own.request,
            &endpoint.request,
            &own.request_extras,
            &e.at_least_one_of,
        ) {
            let body = check::own_check(
                &own.request,
                &endpoint.request,
                &own.request_extras,
                conditional,
                &table,
            )?;
            if body.is_empty() {
                quote! {}
            } else {
                quote! {
                    #[inline]
                    fn check_own(request: &#request_path, out: &mut ::std::vec::Vec<crate::FieldProblem>) {
                        #body
                    }
                }
            }
        } else {
            let body = check::request_check(
                &own.request,
                &own.request_extras,
                &e.at_least_one_of,
                conditional,
                &table,
            )?;
            quote! {
                // Inline: compiled where a request of the region is checked, not in the SDK's
                // own build for every region.
                #[inline]
                fn check_request(request: &#request_path) -> ::std::vec::Vec<crate::FieldProblem> {
                    #body
                }
            }
        };
        let defaults = region_defaults(region, id);
        if !defaults.is_empty() {
            let (names, values): (Vec<_>, Vec<_>) = defaults.into_iter().unzip();
            assoc.push(quote! {
                const DEFAULTS: &'static [(&'static str, &'static str)] = &[#((#names, #values)),*];
            });
        }
        items.push(quote! {
            impl endpoints::#endpoint_module::#variant for #marker {
                #(#assoc)*
                const EXAMPLES: &'static [crate::Example] = #examples_name;
                const REQUEST_RULES: crate::rules::Object = #rules_name;
                #check_fn
            }
        });

        let overrides = region_rules_table(&own.request, &endpoint.request);
        for (suffix, request_side) in [("Request", true), ("Response", false)] {
            let alias = checked_ident(&format!("{prefix}{suffix}"))?;
            let mut text = format!(
                "The {} {} in {} ({currency}).",
                escape_markdown(&e.title),
                suffix.to_lowercase(),
                escape_markdown(name),
            );
            if request_side && !own.own.examples.is_empty() {
                text.push_str(&format!(" Its documented examples: [`{examples_name}`]."));
            }
            if request_side && !overrides.is_empty() {
                text.push_str(&format!(
                    "\n\nIn {name} these fields have rules of their own:\n\n{overrides}"
                ));
            }
            let docs = doc_raw(&text);
            items.push(quote! {
                #docs
                pub type #alias = endpoints::#endpoint_module::#alias<#marker>;
            });
        }
        if let Some(callback) = &e.callback {
            let alias = checked_ident(&callback.type_name)?;
            let text = doc_safe(&format!(
                " The {} {name} sends (money in {}). Read it with [`crate::callback::CallbackVerifier::verify`].",
                callback.title, region.spec.currency
            ));
            items.push(quote! {
                #[doc = #text]
                pub type #alias = endpoints::#endpoint_module::#alias<#marker>;
            });
        }
        let builder_alias = checked_ident(&format!("{prefix}RequestBuilder"))?;
        let builder_doc = doc_safe(&format!(" Builds the {} request in {name}.", e.title));
        items.push(quote! {
            #[doc = #builder_doc]
            pub type #builder_alias = endpoints::#endpoint_module::#builder_alias<#marker>;
        });
        let examples = examples_tokens(&own.own.examples)?;
        let text = doc_safe(&format!(" The {name} page's examples of {}.", e.title));
        items.push(quote! {
            #[doc = #text]
            pub const #examples_name: &[crate::Example] = #examples;
        });
        registry
            .push(quote! { <#marker as endpoints::#endpoint_module::#variant>::REGION_ENDPOINT });
    }

    let area_lit = Literal::u16_unsuffixed(area);
    let body = quote! {
            use crate::endpoints;

            #[doc = #marker_doc]
            // The prelude's derives: a derive is looked up among macros, which a region's
            // types (named from the spec) cannot shadow.
            #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
            pub struct #marker;

            impl crate::RegionSpec for #marker {
                const REGION: crate::Region = crate::Region::#marker;
                const INFO: crate::RegionInfo = crate::RegionInfo {
                    code: #code_,
                    name: #name,
                    summary: #summary,
                    currency: #currency,
                    area_code: #area_lit,
                    utc_offset: #offset,
                    utc_offset_seconds: #offset_seconds,
                    money_format: #money_format,
                    money_scale: #scale,
                    endpoints: &[#(#registry),*],
                };
            }

            #(#items)*
    };
    Ok(body)
}
