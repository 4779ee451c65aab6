//! Review pages: what each region offers and demands, in a few lines per endpoint, for the
//! snapshot tests. A spec change shows up in a pull request as a short diff of these pages,
//! in the words a payments engineer reviews (fields, M/O, limits, allowed values, overrides,
//! extra fields, example names), rather than as a diff of generated Rust.
//!
//! The pages describe the resolved model the generator emits from, so they cannot disagree
//! with the code; the code itself is committed once, in `sdk/src/generated/`.

use std::fmt::Write as _;

use crate::model::{Definition, Field, MoneyTy, Ty, TypeName};
use crate::model::{Region, Spec};
use crate::spec::RegionEndpoint;

/// The review page of one region.
#[must_use]
pub fn region_page(spec: &Spec, region: &Region) -> String {
    let facts = &region.spec;
    let mut page = String::new();
    let _ = writeln!(page, "{}: {}", facts.code, facts.name);
    let _ = writeln!(
        page,
        "currency {}, area code {}, money {} ({} decimal place{}), X-TIMESTAMP offset {}",
        facts.currency,
        facts.area_code,
        facts.money_format,
        region.money_scale,
        if region.money_scale == 1 { "" } else { "s" },
        facts.timestamp_offset
    );
    let _ = writeln!(page, "summary: {}", one_line(&facts.summary));
    for endpoint in &region.endpoints {
        let Some(shared) = spec.endpoint(&endpoint.id) else {
            continue;
        };
        let own = &endpoint.own;
        let _ = writeln!(
            page,
            "\n{} (POST {}, service code {})",
            endpoint.id, shared.spec.path, shared.spec.service_code
        );
        let marks = Marks::new(own, &endpoint.request_extras, &endpoint.response_extras);
        page.push_str("  request\n");
        fields(&mut page, "request", "", &endpoint.request, &marks);
        for group in &shared.spec.at_least_one_of {
            let _ = writeln!(page, "    at least one of {}", group.join(", "));
        }
        page.push_str("  response\n");
        fields(&mut page, "response", "", &endpoint.response, &marks);
        let names: Vec<String> = own
            .examples
            .iter()
            .map(|example| {
                let parts: Vec<&str> = [
                    example.request.as_ref().map(|_| "request"),
                    example.response.as_ref().map(|_| "response"),
                ]
                .into_iter()
                .flatten()
                .collect();
                format!("{} ({})", example.name, parts.join(" + "))
            })
            .collect();
        if !names.is_empty() {
            let _ = writeln!(page, "  examples: {}", names.join(", "));
        }
    }
    page
}

/// The review page of what every region shares: the gateway's facts, the shared types and
/// each endpoint's callback.
#[must_use]
pub fn shared_page(spec: &Spec) -> String {
    let gateway = &spec.gateway;
    let mut page = String::new();
    let _ = writeln!(page, "gateway API {}", gateway.api_version);
    let _ = writeln!(page, "sandbox {}", gateway.environments.sandbox);
    let _ = writeln!(page, "production {}", gateway.environments.production);
    let regions: Vec<&str> = spec.regions.iter().map(|r| r.spec.code.as_str()).collect();
    let _ = writeln!(page, "regions {}", regions.join(", "));
    page.push_str("\nshared types\n");
    for definition in spec.definitions.values() {
        match definition {
            Definition::Object(object) => {
                let _ = writeln!(page, "  object {}", object.name.name());
                fields(&mut page, "", "", &object.fields, &Marks::default());
            }
            Definition::Enum(e) => {
                let values: Vec<&str> = e.variants.iter().map(|v| v.wire.as_str()).collect();
                let _ = writeln!(
                    page,
                    "  enum {}: {}{}",
                    e.name.name(),
                    values.join(", "),
                    if e.open {
                        " (open: other values kept)"
                    } else {
                        ""
                    }
                );
            }
            Definition::Money { name, money, .. } => {
                let _ = writeln!(page, "  {name}: {}", money_kind(money));
            }
        }
    }
    for endpoint in &spec.endpoints {
        let _ = writeln!(
            page,
            "\n{} (POST {}, service code {}, {})",
            endpoint.id,
            endpoint.spec.path,
            endpoint.spec.service_code,
            if endpoint.spec.read_only {
                "read-only: retried"
            } else {
                "moves money: never retried"
            }
        );
        if let Some(callback) = &endpoint.callback {
            page.push_str("  callback\n");
            fields(&mut page, "", "", callback, &Marks::default());
        }
    }
    page
}

/// What the region file changed, to mark on the fields it touches.
#[derive(Default)]
struct Marks {
    /// Paths (`request.payer.accountNo`) with a region override.
    overrides: Vec<String>,
    /// Fields only this region has (`request.network`, `request.payer.pixType`).
    extras: Vec<String>,
}

impl Marks {
    fn new(own: &RegionEndpoint, request: &[Field], response: &[Field]) -> Self {
        let request = request.iter().map(|f| format!("request.{}", f.name));
        let response = response.iter().map(|f| format!("response.{}", f.name));
        Self {
            overrides: own.overrides.keys().cloned().collect(),
            extras: request.chain(response).collect(),
        }
    }
}

/// One line per field, nested objects indented under their field.
fn fields(page: &mut String, side: &str, prefix: &str, list: &[Field], marks: &Marks) {
    for field in list {
        let path = if prefix.is_empty() {
            field.name.clone()
        } else {
            format!("{prefix}.{}", field.name)
        };
        let depth = path.matches('.').count();
        let key = format!("{side}.{path}");
        let mut notes = Vec::new();
        if let Some(default) = &field.default {
            notes.push(format!("default {default}"));
        }
        if let Some(when) = &field.required_when {
            notes.push(format!(
                "required when {} is {}",
                when.field,
                when.values.join(" or ")
            ));
        }
        if marks.overrides.contains(&key) {
            notes.push("region override".to_owned());
        }
        if marks.extras.contains(&key) {
            notes.push("this region only".to_owned());
        }
        let _ = writeln!(
            page,
            "{:indent$}{} {} {}{}",
            "",
            if field.required { "M" } else { "O" },
            field.name,
            kind(&field.ty),
            if notes.is_empty() {
                String::new()
            } else {
                format!(" [{}]", notes.join("; "))
            },
            indent = 4 + 2 * depth
        );
        if let Some(object) = field.ty.object() {
            for group in &object.at_least_one_of {
                let _ = writeln!(
                    page,
                    "{:indent$}at least one of {}",
                    "",
                    group.join(", "),
                    indent = 6 + 2 * depth
                );
            }
            // Fields only this region has inside a shared object.
            let inner = Marks {
                overrides: marks.overrides.clone(),
                extras: marks
                    .extras
                    .iter()
                    .cloned()
                    .chain(
                        object
                            .region_fields
                            .iter()
                            .map(|name| format!("{key}.{name}")),
                    )
                    .collect(),
            };
            fields(page, side, &path, &object.fields, &inner);
        }
    }
}

/// A field's type with its limits, in the spec's words.
fn kind(ty: &Ty) -> String {
    match ty {
        Ty::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => {
            let mut text = "string".to_owned();
            match (min_length, max_length) {
                (Some(a), Some(b)) => text.push_str(&format!(" {a}..{b} chars")),
                (None, Some(b)) => text.push_str(&format!(" ..{b} chars")),
                (Some(a), None) => text.push_str(&format!(" {a}.. chars")),
                (None, None) => {}
            }
            if let Some(chars) = chars {
                text.push_str(&format!(", {}", chars.as_str()));
            }
            if let Some(pattern) = pattern {
                text.push_str(&format!(", matching {}", pattern.text));
            }
            text
        }
        Ty::Integer { minimum, maximum } => format!("integer{}", range(minimum, maximum)),
        Ty::Decimal { minimum, maximum } => format!("decimal{}", range(minimum, maximum)),
        Ty::Boolean => "boolean".to_owned(),
        Ty::Timestamp { offset } => {
            if *offset {
                "timestamp with offset".to_owned()
            } else {
                "timestamp (local, no offset)".to_owned()
            }
        }
        Ty::Enum(e) => {
            let mut text = format!("enum {}", type_name(&e.name));
            // A shared enum's values are on the shared page; a region's own are listed here.
            let values: Option<Vec<&str>> = match (&e.allowed, &e.name) {
                (Some(allowed), _) => Some(allowed.iter().map(String::as_str).collect()),
                (None, TypeName::Local(_)) => {
                    Some(e.variants.iter().map(|v| v.wire.as_str()).collect())
                }
                (None, TypeName::Shared(_)) => None,
            };
            if let Some(values) = values {
                text.push_str(&format!(", values {}", values.join(", ")));
            }
            if e.open && !matches!(e.name, TypeName::Shared(_)) {
                text.push_str(" (open)");
            }
            text
        }
        Ty::List {
            item,
            min_items,
            max_items,
        } => {
            let count = match (min_items, max_items) {
                (None, None) => String::new(),
                (a, b) => format!(
                    " ({}..{} items)",
                    a.map(|a| a.to_string()).unwrap_or_default(),
                    b.map(|b| b.to_string()).unwrap_or_default()
                ),
            };
            format!("list of {}{count}", kind(item))
        }
        Ty::Object {
            object,
            one_or_many,
        } => {
            let name = type_name(&object.name);
            if *one_or_many {
                format!("{name} or a list of them")
            } else {
                name
            }
        }
        Ty::Money(money) => money_kind(money),
        Ty::JsonObject => "JSON object (or a string holding one)".to_owned(),
        Ty::JsonString => "string holding JSON".to_owned(),
    }
}

fn money_kind(money: &MoneyTy) -> String {
    let mut text = format!("money ({})", crate::model::shape_name(money.shape));
    if money.minimum.is_some() || money.maximum.is_some() {
        text.push_str(&format!(
            ", amount {}..{}",
            money.minimum.as_deref().unwrap_or(""),
            money.maximum.as_deref().unwrap_or("")
        ));
    }
    text
}

fn range<T: std::fmt::Display>(minimum: &Option<T>, maximum: &Option<T>) -> String {
    match (minimum, maximum) {
        (None, None) => String::new(),
        (a, b) => format!(
            " {}..{}",
            a.as_ref().map(ToString::to_string).unwrap_or_default(),
            b.as_ref().map(ToString::to_string).unwrap_or_default()
        ),
    }
}

/// A type's name, with `shared` for the types every endpoint shares.
fn type_name(name: &TypeName) -> String {
    match name {
        TypeName::Local(n) => n.clone(),
        TypeName::Shared(n) => format!("{n} (shared)"),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}
