//! The human reference page: every region and how they differ, as Markdown.

use askama::Template;

use crate::load::Spec;
use crate::spec::FieldSpec;

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
    balance_types: String,
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

fn field_rows(side: &str, prefix: &str, fields: &[FieldSpec], out: &mut Vec<FieldRow>) {
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
            doc_type: cell(&field.doc_type),
            description: cell(&field.description),
        });
        field_rows(side, &path, &field.fields, out);
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
            balance_types: r.spec.balance_types.join(", "),
            module: r.module.clone(),
        })
        .collect();
    let mut endpoints = Vec::new();
    for (id, endpoint) in &g.endpoints {
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
        field_rows("request", "", &endpoint.request, &mut fields);
        for header in &g.response_headers {
            fields.push(FieldRow {
                side: "response header".to_owned(),
                path: header.name.clone(),
                presence: if header.required { "M" } else { "O" },
                doc_type: cell(&header.doc_type),
                description: cell(&header.description),
            });
        }
        field_rows("response", "", &endpoint.response, &mut fields);

        // Every path some region words its own way or adds, with each region's cell.
        let mut paths = std::collections::BTreeSet::new();
        for region in &spec.regions {
            if let Some(own) = region.spec.endpoints.get(id) {
                paths.extend(own.field_notes.keys().cloned());
                for f in &own.extra_fields.request {
                    paths.insert(format!("request.{}", f.name));
                }
                for f in &own.extra_fields.response {
                    paths.insert(format!("response.{}", f.name));
                }
            }
        }
        let differences = paths
            .into_iter()
            .map(|path| {
                let cells = spec
                    .regions
                    .iter()
                    .map(|region| {
                        let own = region.spec.endpoints.get(id);
                        if let Some(note) = own.and_then(|o| o.field_notes.get(&path)) {
                            return cell(note);
                        }
                        let extra = own.and_then(|o| {
                            o.extra_fields
                                .request
                                .iter()
                                .map(|f| (format!("request.{}", f.name), f))
                                .chain(
                                    o.extra_fields
                                        .response
                                        .iter()
                                        .map(|f| (format!("response.{}", f.name), f)),
                                )
                                .find(|(p, _)| *p == path)
                        });
                        match extra {
                            Some((_, f)) => format!(
                                "only here ({}, {}): {}",
                                if f.required { "M" } else { "O" },
                                cell(&f.doc_type),
                                cell(&f.description)
                            ),
                            None => String::new(),
                        }
                    })
                    .collect();
                Difference { path, cells }
            })
            .collect();
        endpoints.push(EndpointSection {
            title: cell(&endpoint.title),
            method: "POST".to_owned(),
            path: endpoint.path.clone(),
            service_code: endpoint.service_code.clone(),
            summary: cell(&endpoint.summary),
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
