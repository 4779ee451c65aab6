//! The human reference page: every region and how they differ, as Markdown.

use askama::Template;

use crate::model::Spec;
use crate::model::{Field, Ty};

#[derive(Template)]
#[template(path = "reference.md", escape = "none")]
struct Page {
    api_version: String,
    sandbox: String,
    production: String,
    scheme: String,
    also_documented: String,
    string_to_sign: String,
    clock_skew: u32,
    code_field: String,
    message_field: String,
    success_code: String,
    regions: Vec<RegionRow>,
    endpoints: Vec<EndpointSection>,
}

struct RegionRow {
    code: String,
    name: String,
    currency: String,
    area_code: u16,
    offset: String,
    money_format: String,
    endpoints: String,
    module: String,
}

struct EndpointSection {
    title: String,
    method: String,
    path: String,
    service_code: String,
    summary: String,
    fields: Vec<FieldRow>,
    differences: Vec<Difference>,
}

struct FieldRow {
    side: String,
    path: String,
    presence: &'static str,
    doc_type: String,
    description: String,
}

struct Difference {
    path: String,
    cells: Vec<String>,
}

/// Text safe inside a Markdown table cell.
fn cell(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .replace('|', "\\|")
}

fn field_rows(side: &str, prefix: &str, fields: &[Field], out: &mut Vec<FieldRow>) {
    for field in fields {
        let path = if prefix.is_empty() {
            field.name.clone()
        } else {
            format!("{prefix}.{}", field.name)
        };
        out.push(FieldRow {
            side: side.to_owned(),
            path: path.clone(),
            presence: if field.required { "M" } else { "O" },
            doc_type: cell(&kind(&field.ty)),
            description: cell(&described(field)),
        });
        if let Some(inner) = field.ty.object().map(|o| o.fields.as_slice()) {
            field_rows(side, &path, inner, out);
        }
    }
}

/// The field's description, then the source page's own words when the spec keeps them
/// beside it (rustdoc shows only the description; the wording lives here).
fn described(field: &Field) -> String {
    match &field.source_text {
        Some(words) => {
            let source = field
                .source
                .as_deref()
                .map(|s| format!(" ({s})"))
                .unwrap_or_default();
            format!("{} Source{source}: \"{}\"", field.doc, words.trim())
        }
        None => field.doc.clone(),
    }
}

/// The field's type in the spec's words, with its limits.
fn kind(ty: &Ty) -> String {
    match ty {
        Ty::String {
            min_length,
            max_length,
            pattern,
            ..
        } => {
            let base = match (min_length, max_length) {
                (Some(a), Some(b)) => format!("string({a}..{b})"),
                (None, Some(b)) => format!("string({b})"),
                (Some(a), None) => format!("string({a}..)"),
                (None, None) => "string".to_owned(),
            };
            match pattern {
                Some(p) => format!("{base} matching `{}`", p.text),
                None => base,
            }
        }
        Ty::Enum(e) => format!("enum {}", e.name.name()),
        Ty::List { item, .. } => format!("list of {}", kind(item)),
        Ty::Object {
            object,
            one_or_many,
        } => {
            if *one_or_many {
                format!("{} or list", object.name.name())
            } else {
                object.name.name().to_owned()
            }
        }
        Ty::Money(money) => format!("money ({})", crate::model::shape_name(money.shape)),
        other => other.kind_name().to_owned(),
    }
}

/// What differs in a region from the shared field, in a few words; empty when nothing does.
fn difference(regional: &Field, shared: Option<&Field>) -> String {
    let Some(shared) = shared else {
        return format!(
            "only here ({}, {}): {}",
            if regional.required { "M" } else { "O" },
            kind(&regional.ty),
            regional.doc
        );
    };
    let mut parts = Vec::new();
    if regional.required != shared.required {
        parts.push(if regional.required {
            "M here".to_owned()
        } else {
            "O here".to_owned()
        });
    }
    if let (Ty::Enum(e), _) = (&regional.ty, &shared.ty)
        && let Some(allowed) = &e.allowed
    {
        parts.push(format!("values: {}", allowed.join(", ")));
    }
    if let (Ty::List { item, .. }, _) = (&regional.ty, &shared.ty)
        && let Ty::Enum(e) = item.as_ref()
        && let Some(allowed) = &e.allowed
    {
        parts.push(format!("values: {}", allowed.join(", ")));
    }
    if let (Ty::String { .. }, Ty::String { .. }) = (&regional.ty, &shared.ty)
        && regional.ty != shared.ty
    {
        parts.push(kind(&regional.ty));
    }
    if let (Ty::Money(here), Ty::Money(there)) = (&regional.ty, &shared.ty)
        && here != there
        && let Some(range) = crate::model::money_range(here)
    {
        parts.push(format!("amount {range}"));
    }
    if regional.default != shared.default
        && let Some(default) = &regional.default
    {
        parts.push(format!("default {}", cell_value(default)));
    }
    if let Some(object) = regional.ty.object()
        && Some(&object.at_least_one_of) != shared.ty.object().map(|o| &o.at_least_one_of)
    {
        for group in &object.at_least_one_of {
            parts.push(format!("needs one of {}", group.join(", ")));
        }
    }
    if let Some(doc) = &regional.region_doc {
        parts.push(doc.clone());
    }
    parts.join("; ")
}

/// A value as the table shows it: a string without its quotes.
fn cell_value(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

fn flatten<'f>(prefix: &str, fields: &'f [Field], out: &mut Vec<(String, &'f Field)>) {
    for field in fields {
        let path = format!("{prefix}.{}", field.name);
        out.push((path.clone(), field));
        if let Some(inner) = field.ty.object().map(|o| o.fields.as_slice()) {
            flatten(&path, inner, out);
        }
    }
}

/// The reference page for `spec`, as committed at `docs/regions.md`.
pub fn reference_markdown(spec: &Spec) -> Result<String, askama::Error> {
    let g = &spec.gateway;
    let regions = spec
        .regions
        .iter()
        .map(|r| RegionRow {
            code: r.spec.code.clone(),
            name: cell(&r.spec.name),
            currency: r.spec.currency.clone(),
            area_code: r.spec.area_code,
            offset: r.spec.timestamp_offset.clone(),
            money_format: r.spec.money_format.clone(),
            endpoints: r
                .endpoints
                .iter()
                .map(|e| format!("`{}`", e.id))
                .collect::<Vec<_>>()
                .join(", "),
            module: r.module.clone(),
        })
        .collect();
    let mut endpoints = Vec::new();
    for resolved in &spec.endpoints {
        let id = &resolved.id;
        let endpoint = &resolved.spec;
        let mut fields = Vec::new();
        for header in &g.request_headers {
            fields.push(FieldRow {
                side: "request header".to_owned(),
                path: header.name.clone(),
                presence: if header.required { "M" } else { "O" },
                doc_type: cell(&header.doc_type),
                description: cell(&header.description),
            });
        }
        field_rows("request", "", &resolved.request, &mut fields);
        for header in &g.response_headers {
            fields.push(FieldRow {
                side: "response header".to_owned(),
                path: header.name.clone(),
                presence: if header.required { "M" } else { "O" },
                doc_type: cell(&header.doc_type),
                description: cell(&header.description),
            });
        }
        field_rows("response", "", &resolved.response, &mut fields);
        // The notification the gateway sends for the endpoint's orders, when it has one.
        if let Some(callback) = &resolved.callback {
            field_rows("callback", "", callback, &mut fields);
        }

        let mut shared_paths = Vec::new();
        flatten("request", &resolved.request, &mut shared_paths);
        flatten("response", &resolved.response, &mut shared_paths);
        // Every path some region words, rules or extends its own way, with each region's cell.
        let mut rows: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        let mut offered = Vec::new();
        for (i, region) in spec.regions.iter().enumerate() {
            let Some(own) = region.endpoint(id) else {
                offered.push("not offered".to_owned());
                continue;
            };
            offered.push("offered".to_owned());
            let mut regional = Vec::new();
            flatten("request", &own.request, &mut regional);
            flatten("response", &own.response, &mut regional);
            for (path, field) in regional {
                let shared = shared_paths
                    .iter()
                    .find(|(p, _)| *p == path)
                    .map(|(_, f)| *f);
                let mut text = difference(field, shared);
                if let Some(note) = own.own.field_notes.get(&path) {
                    if !text.is_empty() {
                        text.push_str("; ");
                    }
                    text.push_str(note);
                }
                if !text.is_empty() {
                    rows.entry(path)
                        .or_insert_with(|| vec![String::new(); spec.regions.len()])[i] =
                        cell(&text);
                }
            }
            for (path, note) in &own.own.field_notes {
                if path.starts_with("header.") || path.starts_with("response-header.") {
                    rows.entry(path.clone())
                        .or_insert_with(|| vec![String::new(); spec.regions.len()])[i] = cell(note);
                }
            }
        }
        let mut differences = vec![Difference {
            path: "(endpoint)".to_owned(),
            cells: offered,
        }];
        differences.extend(
            rows.into_iter()
                .map(|(path, cells)| Difference { path, cells }),
        );
        endpoints.push(EndpointSection {
            title: cell(&endpoint.title),
            method: "POST".to_owned(),
            path: endpoint.path.clone(),
            service_code: endpoint.service_code.clone(),
            summary: cell(endpoint.doc.as_deref().unwrap_or(&endpoint.summary)),
            fields,
            differences,
        });
    }
    let page = Page {
        api_version: g.api_version.clone(),
        sandbox: g.environments.sandbox.clone(),
        production: g.environments.production.clone(),
        scheme: g.signature.scheme.as_str().to_owned(),
        also_documented: g
            .signature
            .also_documented
            .iter()
            .map(|s| format!("`{}`", s.as_str()))
            .collect::<Vec<_>>()
            .join(", "),
        string_to_sign: g
            .signature
            .string_to_sign
            .iter()
            .map(|p| match p {
                crate::spec::SignPart::Timestamp => "X-TIMESTAMP",
                crate::spec::SignPart::MerchantSecret => "merchantSecret",
                crate::spec::SignPart::Body => "body",
            })
            .collect::<Vec<_>>()
            .join(&g.signature.separator),
        clock_skew: g.signature.clock_skew_seconds,
        code_field: g.result.code_field.clone(),
        message_field: g.result.message_field.clone(),
        success_code: g.result.success_code.clone(),
        regions,
        endpoints,
    };
    page.render()
}
