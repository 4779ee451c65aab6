//! Loading a spec folder: `gateway.yaml` and `regions/*.yaml`, checked as a whole.
//!
//! Each file is first read into a located tree and checked against the JSON Schema of the
//! spec types, then read into those types, then resolved into the [`model`](crate::model)
//! the emitter works from and checked for what a schema cannot say (formats, duplicates
//! across files, names that must become Rust identifiers, references, overrides, examples
//! that must match the fields in their region). Every problem is collected; nothing stops at
//! the first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::{
    self, Definition, Field, Namespace, RegionFacts, Resolver, Side, Source, Step, Ty, keys,
    pascal_only,
};
use crate::naming;
use crate::node::{self, Node};
use crate::problem::{Location, Problems};
use crate::spec::{EndpointSpec, GatewaySpec, OverrideSpec, RegionEndpoint, RegionSpec};

/// A loaded, checked spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// What all regions share, as written.
    pub gateway: GatewaySpec,
    /// The shared definitions, resolved, by name.
    pub definitions: BTreeMap<String, Definition>,
    /// The endpoints, resolved, ordered by id.
    pub endpoints: Vec<Endpoint>,
    /// The regions, ordered by code.
    pub regions: Vec<Region>,
}

/// A resolved endpoint: its shared fields, as the generated types have them.
#[derive(Debug, Clone, PartialEq)]
pub struct Endpoint {
    /// Its id, e.g. `inquiry-status`.
    pub id: String,
    /// Its Rust module name, e.g. `inquiry_status`.
    pub module: String,
    /// What gateway.yaml says of it.
    pub spec: EndpointSpec,
    /// The request's fields.
    pub request: Vec<Field>,
    /// The response's fields.
    pub response: Vec<Field>,
    /// Every type name in the endpoint's namespace (generated and inline), with the field
    /// that named it: a region's extra fields must not reuse them.
    pub types: Namespace,
    /// The endpoint's callback (notification) body fields, when it has one.
    pub callback: Option<Vec<Field>>,
}

/// A loaded, checked region.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The file it came from.
    pub file: PathBuf,
    /// What the file says.
    pub spec: RegionSpec,
    /// Its Rust module name, e.g. `thb`.
    pub module: String,
    /// Its Rust type name, e.g. `Thb`.
    pub type_name: String,
    /// Its X-TIMESTAMP offset from UTC in seconds.
    pub utc_offset_seconds: i32,
    /// Decimal places of its money format.
    pub money_scale: u8,
    /// The endpoints it offers, ordered by id, with its overrides and extras applied.
    pub endpoints: Vec<RegionEndpointModel>,
}

/// One endpoint as one region offers it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegionEndpointModel {
    /// The endpoint's id.
    pub id: String,
    /// The request's fields in this region: shared ones with overrides, then extras.
    pub request: Vec<Field>,
    /// The response's fields in this region.
    pub response: Vec<Field>,
    /// The request's extra fields alone.
    pub request_extras: Vec<Field>,
    /// The response's extra fields alone.
    pub response_extras: Vec<Field>,
    /// What the region file says of the endpoint.
    pub own: RegionEndpoint,
}

impl Spec {
    /// The endpoint with this id.
    pub fn endpoint(&self, id: &str) -> Option<&Endpoint> {
        self.endpoints.iter().find(|e| e.id == id)
    }
}

impl Region {
    /// What the region says of one endpoint, when it offers it.
    pub fn endpoint(&self, id: &str) -> Option<&RegionEndpointModel> {
        self.endpoints.iter().find(|e| e.id == id)
    }
}

/// The files a spec folder consists of, in the order they are read: `gateway.yaml`, then
/// every `regions/*.yaml` by name. The build script watches exactly these.
pub fn spec_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = vec![dir.join("gateway.yaml")];
    files.extend(region_files(dir).unwrap_or_default());
    files
}

fn region_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("regions"))?
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    Ok(files)
}

/// What the gateway file resolves to.
struct Shared {
    spec: GatewaySpec,
    definitions: BTreeMap<String, Definition>,
    known: BTreeSet<String>,
    endpoints: Vec<Endpoint>,
}

/// Loads and checks the spec in `dir`, returning every problem found when there is any.
pub fn load(dir: &Path) -> Result<Spec, Problems> {
    let mut problems = Problems::default();
    let gateway_file = dir.join("gateway.yaml");
    let gateway =
        read_checked::<GatewaySpec>(&gateway_file, &crate::gateway_schema_json(), &mut problems)
            .map(|(spec, tree)| {
                let src = Source {
                    tree: &tree,
                    file: &gateway_file,
                };
                check_gateway(spec, src, &mut problems)
            });

    let files = match region_files(dir) {
        Ok(files) => files,
        Err(error) => {
            problems.push(
                Location::start_of(&dir.join("regions")),
                format!("cannot read the regions folder: {error}"),
                "create the folder `regions/` in the spec folder with one <code>.yaml per region",
            );
            Vec::new()
        }
    };
    if files.is_empty() && problems.is_empty() {
        problems.push(
            Location::start_of(&dir.join("regions")),
            "the spec has no regions",
            "add a region file such as regions/thb.yaml",
        );
    }

    let region_schema = crate::region_schema_json();
    let mut regions = Vec::new();
    let mut parsed = Vec::new();
    for file in files {
        if file.extension().is_some_and(|e| e == "yml") {
            problems.push(
                Location::start_of(&file),
                "region files must end in .yaml",
                format!("rename it to {}", file.with_extension("yaml").display()),
            );
            continue;
        }
        if let Some((spec, tree)) = read_checked::<RegionSpec>(&file, &region_schema, &mut problems)
        {
            let src = Source {
                tree: &tree,
                file: &file,
            };
            if let Some(region) = check_region(spec.clone(), src, gateway.as_ref(), &mut problems) {
                regions.push(region);
            }
            parsed.push((file.clone(), spec, tree));
        }
    }
    check_across_regions(&parsed, &mut problems);

    match gateway {
        Some(shared) if problems.is_empty() => {
            regions.sort_by(|a, b| a.spec.code.cmp(&b.spec.code));
            let mut endpoints = shared.endpoints;
            mark_extended_objects(&mut endpoints, &regions);
            Ok(Spec {
                gateway: shared.spec,
                definitions: shared.definitions,
                endpoints,
                regions,
            })
        }
        _ => Err(problems.sorted()),
    }
}

/// Marks each shared request object some region adds fields inside (`extra_fields.inside`)
/// with the name of the associated type that holds them, so that the endpoint's type takes
/// them from the region.
fn mark_extended_objects(endpoints: &mut [Endpoint], regions: &[Region]) {
    for endpoint in endpoints {
        let extended: BTreeSet<&str> = regions
            .iter()
            .filter_map(|r| r.endpoint(&endpoint.id))
            .flat_map(|e| e.own.extra_fields.inside.keys())
            .filter_map(|path| path.strip_prefix("request."))
            .collect();
        for field in &mut endpoint.request {
            if extended.contains(field.name.as_str())
                && let Ty::Object { object, .. } = &mut field.ty
            {
                object.extra_slot = Some(naming::extra_slot_name(&field.rust));
            }
        }
    }
}

/// Reads one file: YAML, then the schema check, then the typed read.
fn read_checked<T: serde::de::DeserializeOwned>(
    file: &Path,
    schema: &serde_json::Value,
    problems: &mut Problems,
) -> Option<(T, Node)> {
    let text = match std::fs::read(file) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => text,
            Err(error) => {
                let valid = &error.as_bytes()[..error.utf8_error().valid_up_to()];
                let line = 1 + valid.iter().filter(|b| **b == b'\n').count() as u64;
                let column = 1 + valid.iter().rev().take_while(|b| **b != b'\n').count() as u64;
                problems.push(
                    Location {
                        file: file.to_path_buf(),
                        line,
                        column,
                    },
                    "the file is not valid UTF-8",
                    "save the file as UTF-8",
                );
                return None;
            }
        },
        Err(error) => {
            problems.push(
                Location::start_of(file),
                format!("cannot read the file: {error}"),
                "check that the file exists and is readable",
            );
            return None;
        }
    };
    let tree = match node::parse(&text) {
        Ok(tree) => tree,
        Err((line, column, message)) => {
            problems.push(
                Location {
                    file: file.to_path_buf(),
                    line,
                    column,
                },
                format!("invalid YAML: {message}"),
                "fix the YAML syntax at this place (indentation, quotes, a missing `:`)",
            );
            return None;
        }
    };
    let before = problems.len();
    crate::schema_check::check(&tree, schema, file, problems);
    if problems.len() > before {
        return None;
    }
    match serde_json::from_value::<T>(tree.to_json()) {
        Ok(value) => Some((value, tree)),
        Err(error) => {
            problems.push(
                Location::start_of(file),
                format!("the file does not match the spec's types: {error}"),
                "compare the file with the spec's JSON Schema under spec/schema/",
            );
            None
        }
    }
}

fn check_gateway(spec: GatewaySpec, src: Source<'_>, problems: &mut Problems) -> Shared {
    for (key, url) in [
        ("sandbox", &spec.environments.sandbox),
        ("production", &spec.environments.production),
    ] {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.ends_with('/') {
            problems.push(
                src.at(&keys(&["environments", key])),
                format!("the {key} base URL {url:?} is not an http(s) URL without a trailing /"),
                "write it as https://host, with no path or trailing slash",
            );
        }
    }
    let parts = &spec.signature.string_to_sign;
    if !parts.contains(&crate::spec::SignPart::Body)
        || !parts.contains(&crate::spec::SignPart::Timestamp)
    {
        problems.push(
            src.at(&keys(&["signature", "string_to_sign"])),
            "the string to sign must include the timestamp and the body",
            "list the parts in order, e.g. [timestamp, merchant-secret, body]",
        );
    }
    let definitions = model::definitions(&spec.definitions, src, problems);
    let known: BTreeSet<String> = spec.definitions.keys().cloned().collect();
    let resolver = Resolver {
        definitions: &definitions,
        known: &known,
    };
    let mut endpoints = Vec::new();
    let mut paths: BTreeMap<&str, &str> = BTreeMap::new();
    let mut prefixes: BTreeMap<&str, &str> = BTreeMap::new();
    let mut service_codes: BTreeMap<&str, &str> = BTreeMap::new();
    for (id, endpoint) in &spec.endpoints {
        let here = keys(&["endpoints", id]);
        let at = |k: &str| src.at(&keys(&["endpoints", id, k]));
        let module = id.replace('-', "_");
        if naming::type_name(id).is_err()
            || id.chars().any(|c| c.is_ascii_uppercase())
            || naming::check_identifier(&module).is_err()
            || id.starts_with('-')
            || id.ends_with('-')
            || id.contains("--")
            || id.contains('_')
        {
            problems.push(
                src.at_key(&keys(&["endpoints"]), id),
                format!("endpoint id `{id}` is not kebab-case"),
                "use lower-case words joined by -, e.g. inquiry-balance",
            );
        }
        if let Err(why) = naming::check_identifier(&endpoint.type_prefix)
            .and_then(|()| pascal_only(&endpoint.type_prefix))
        {
            problems.push(
                at("type_prefix"),
                format!(
                    "type_prefix `{}` cannot be a Rust type name: {why}",
                    endpoint.type_prefix
                ),
                "use a PascalCase name such as InquiryBalance",
            );
        }
        if let Some(other) = prefixes.insert(&endpoint.type_prefix, id) {
            problems.push(
                at("type_prefix"),
                format!(
                    "type_prefix `{}` is also used by endpoint `{other}`",
                    endpoint.type_prefix
                ),
                "give each endpoint its own type_prefix",
            );
        }
        if !endpoint.path.starts_with('/') || endpoint.path.contains(char::is_whitespace) {
            problems.push(
                at("path"),
                format!(
                    "path {:?} does not start with / or holds a space",
                    endpoint.path
                ),
                "write the path from the root, e.g. /v2.0/inquiry-balance",
            );
        } else if let Some(other) = paths.insert(&endpoint.path, id) {
            problems.push(
                at("path"),
                format!(
                    "path {} is also the path of endpoint `{other}`",
                    endpoint.path
                ),
                "each endpoint needs its own path",
            );
        }
        let code = endpoint.service_code.as_bytes();
        if code.len() != 2 || !code.iter().all(u8::is_ascii_digit) {
            problems.push(
                at("service_code"),
                format!("service code {:?} is not two digits", endpoint.service_code),
                "write the gateway's two-digit service code in quotes, e.g. \"11\"",
            );
        } else if let Some(other) = service_codes.insert(&endpoint.service_code, id) {
            problems.push(
                at("service_code"),
                format!(
                    "service code {:?} is also the service code of endpoint `{other}`",
                    endpoint.service_code
                ),
                "each endpoint has its own service code on the gateway (it is part of every result code); copy it from the endpoint's page",
            );
        }
        // The endpoint's own namespace, with the names the generator gives its items.
        let prefix = &endpoint.type_prefix;
        let mut namespace: Namespace = [
            "Request",
            "Response",
            "RequestBuilder",
            "RequestBuilderFields",
            "Variant",
            // Emitted in each region's module for the endpoint.
            "RequestExtra",
            "ResponseExtra",
        ]
        .iter()
        .map(|suffix| format!("{prefix}{suffix}"))
        // The run-time region types: `AnyPayInRequest`, …
        .chain(
            ["Request", "Response", "RequestBuilder", "RequestExtra"]
                .iter()
                .map(|suffix| format!("Any{prefix}{suffix}")),
        )
        .map(|name| (name, "(generated)".to_owned()))
        .collect();
        let request = resolver.fields(
            &endpoint.request,
            src,
            &with(&here, "request"),
            &mut namespace,
            problems,
        );
        let response = resolver.fields(
            &endpoint.response,
            src,
            &with(&here, "response"),
            &mut namespace,
            problems,
        );
        let callback = endpoint.callback.as_ref().map(|callback| {
            let cat = with(&here, "callback");
            if let Err(why) = naming::check_identifier(&callback.type_name)
                .and_then(|()| pascal_only(&callback.type_name))
            {
                problems.push(
                    src.at(&with(&cat, "type_name")),
                    format!(
                        "callback type_name `{}` cannot be a Rust type name: {why}",
                        callback.type_name
                    ),
                    "use a PascalCase name such as PayInNotification",
                );
            } else if let Some(other) =
                namespace.insert(callback.type_name.clone(), "(callback)".to_owned())
            {
                problems.push(
                    src.at(&with(&cat, "type_name")),
                    format!(
                        "callback type_name `{}` is already used in this endpoint by field `{other}`",
                        callback.type_name
                    ),
                    "give the notification a name of its own, e.g. PayInNotification",
                );
            }
            let fields = resolver.fields(
                &callback.fields,
                src,
                &with(&cat, "fields"),
                &mut namespace,
                problems,
            );
            let signed = fields.iter().find(|f| f.name == "tradeNo");
            if !signed.is_some_and(|f| f.required && matches!(f.ty, Ty::String { .. })) {
                problems.push(
                    src.at(&with(&cat, "fields")),
                    format!("the callback of `{id}` has no required string field `tradeNo`"),
                    "add it: the platform signs tradeNo|X-TIMESTAMP, so every callback carries it",
                );
            }
            fields
        });
        for (role, name) in [
            ("code_field", &spec.result.code_field),
            ("message_field", &spec.result.message_field),
        ] {
            let found = response.iter().find(|f| &f.name == name);
            if !found.is_some_and(|f| f.required && matches!(f.ty, Ty::String { .. })) {
                problems.push(
                    at("response"),
                    format!("the response of `{id}` has no required string field `{name}` (result.{role})"),
                    format!("add a required `{name}` field of type string to the response"),
                );
            }
        }
        for (g, group) in endpoint.at_least_one_of.iter().enumerate() {
            let gat = src.at(&[
                here.clone(),
                keys(&["at_least_one_of"]),
                vec![Step::Index(g)],
            ]
            .concat());
            if group.len() < 2 {
                problems.push(
                    gat.clone(),
                    "an at_least_one_of group needs two fields or more",
                    "list the fields of which one must be sent, e.g. [orderNo, tradeNo]",
                );
            }
            for name in group {
                match request.iter().find(|f| &f.name == name) {
                    None => problems.push(
                        gat.clone(),
                        format!(
                            "at_least_one_of names `{name}`, which is not a request field of `{id}`"
                        ),
                        "name top-level request fields",
                    ),
                    Some(f) if f.required => problems.push(
                        gat.clone(),
                        format!("at_least_one_of names `{name}`, which is already required"),
                        "make the fields of the group `required: false`",
                    ),
                    Some(_) => {}
                }
            }
        }
        endpoints.push(Endpoint {
            id: id.clone(),
            module,
            spec: endpoint.clone(),
            request,
            response,
            types: namespace,
            callback,
        });
    }
    Shared {
        spec,
        definitions,
        known,
        endpoints,
    }
}

fn with(path: &[Step], k: &str) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(Step::Key(k.to_owned()));
    p
}

/// Parses `±HH:MM` into seconds east of UTC, within the offsets in use (-12:00 to +14:00).
pub fn parse_offset(text: &str) -> Option<i32> {
    let bytes = text.as_bytes();
    if bytes.len() != 6 || bytes[3] != b':' {
        return None;
    }
    let sign = match bytes[0] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let digits = |s: &[u8]| -> Option<i32> {
        if s.iter().all(u8::is_ascii_digit) {
            Some(i32::from(s[0] - b'0') * 10 + i32::from(s[1] - b'0'))
        } else {
            None
        }
    };
    let hours = digits(&bytes[1..3])?;
    let minutes = digits(&bytes[4..6])?;
    let seconds = sign * (hours * 3600 + minutes * 60);
    (minutes < 60 && (-12 * 3600..=14 * 3600).contains(&seconds)).then_some(seconds)
}

/// Parses a money format: `integer` (0 places) or `#.` and one `#` per place (1 to 8).
pub fn parse_money_format(text: &str) -> Option<u8> {
    if text == "integer" {
        return Some(0);
    }
    let places = text.strip_prefix("#.")?;
    let n = places.len();
    (places.bytes().all(|b| b == b'#') && (1..=8).contains(&n)).then_some(n as u8)
}

fn is_code(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_uppercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn check_region(
    spec: RegionSpec,
    src: Source<'_>,
    gateway: Option<&Shared>,
    problems: &mut Problems,
) -> Option<Region> {
    let before = problems.len();
    let at = |key: &str| src.at(&keys(&[key]));

    if !is_code(&spec.code, 2, 10) {
        problems.push(
            at("code"),
            format!(
                "region code {:?} is not 2 to 10 upper-case letters or digits",
                spec.code
            ),
            "write the code in upper case, starting with a letter, e.g. THB",
        );
    }
    let stem = src
        .file
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    if stem != spec.code.to_lowercase() {
        problems.push(
            at("code"),
            format!(
                "region code {:?} does not match the file name {stem}.yaml",
                spec.code
            ),
            format!(
                "name the file {}.yaml, or change the code",
                spec.code.to_lowercase()
            ),
        );
    }
    let module = naming::module_name(&spec.code);
    let type_name = naming::type_name(&spec.code);
    if let Err(why) = module.as_ref().and(type_name.as_ref()) {
        problems.push(
            at("code"),
            format!(
                "region code {:?} cannot name a Rust module: {why}",
                spec.code
            ),
            "choose a code of letters and digits that starts with a letter",
        );
    }
    if !is_code(&spec.currency, 3, 6) {
        problems.push(
            at("currency"),
            format!("currency {:?} is not a currency code", spec.currency),
            "write an ISO 4217 code (THB, PEN) or a token symbol (USDT): 3 to 6 upper-case letters or digits, starting with a letter",
        );
    }
    // The gateway's area codes are two digits today; up to 9999 leaves room for specs with
    // thousands of regions (the generator is benchmarked at 1,000).
    if !(1..=9999).contains(&spec.area_code) {
        problems.push(
            at("area_code"),
            format!("area code {} is outside 1 to 9999", spec.area_code),
            "use the gateway's area code for the region (Thailand is 11, Peru 15, USDT 30)",
        );
    }
    let offset = parse_offset(&spec.timestamp_offset);
    if offset.is_none() {
        problems.push(
            at("timestamp_offset"),
            format!(
                "timestamp offset {:?} is not ±HH:MM between -12:00 and +14:00",
                spec.timestamp_offset
            ),
            "write it with sign, hours and minutes, in quotes: \"+07:00\", \"-05:00\"",
        );
    }
    let scale = parse_money_format(&spec.money_format);
    if scale.is_none() {
        problems.push(
            at("money_format"),
            format!(
                "money format {:?} is not `integer` or `#.` followed by 1 to 8 `#`",
                spec.money_format
            ),
            "write `integer`, \"#.##\" or \"#.####\", in quotes",
        );
    }
    if spec.endpoints.is_empty() {
        problems.push(
            at("endpoints"),
            "the region offers no endpoint",
            "list the endpoints it offers under `endpoints:`, e.g. `inquiry-balance: {}`",
        );
    }

    let mut endpoints = Vec::new();
    if let Some(shared) = gateway {
        let resolver = Resolver {
            definitions: &shared.definitions,
            known: &shared.known,
        };
        let facts = RegionFacts {
            code: &spec.code,
            currency: &spec.currency,
            scale: scale.unwrap_or(8),
            format: &spec.money_format,
        };
        for (id, own) in &spec.endpoints {
            let here = keys(&["endpoints", id]);
            let Some(endpoint) = shared.endpoints.iter().find(|e| &e.id == id) else {
                let known: Vec<&str> = shared.endpoints.iter().map(|e| e.id.as_str()).collect();
                problems.push(
                    src.at_key(&keys(&["endpoints"]), id),
                    format!("endpoint `{id}` is not in gateway.yaml"),
                    format!("use one of: {}", known.join(", ")),
                );
                continue;
            };
            if let Some(model) = region_endpoint(
                endpoint, own, &resolver, facts, shared, src, &here, problems,
            ) {
                endpoints.push(model);
            }
        }
    }

    if problems.len() > before {
        return None;
    }
    Some(Region {
        file: src.file.to_path_buf(),
        module: module.ok()?,
        type_name: type_name.ok()?,
        utc_offset_seconds: offset?,
        money_scale: scale?,
        spec,
        endpoints,
    })
}

/// One endpoint in one region: overrides applied, extras resolved, notes and examples
/// checked.
#[allow(clippy::too_many_arguments)]
fn region_endpoint(
    endpoint: &Endpoint,
    own: &RegionEndpoint,
    resolver: &Resolver<'_>,
    facts: RegionFacts<'_>,
    shared: &Shared,
    src: Source<'_>,
    here: &[Step],
    problems: &mut Problems,
) -> Option<RegionEndpointModel> {
    let id = &endpoint.id;
    let before = problems.len();
    let mut request = endpoint.request.clone();
    let mut response = endpoint.response.clone();
    let prefix = &endpoint.spec.type_prefix;
    let mut namespace: Namespace = endpoint.types.clone();
    for suffix in ["RequestExtra", "ResponseExtra"] {
        namespace.insert(format!("{prefix}{suffix}"), "(generated)".to_owned());
    }
    for field in &request {
        if matches!(field.ty, Ty::Object { .. }) {
            let slot = naming::extra_slot_name(&field.rust);
            namespace.insert(format!("{prefix}{slot}"), "(generated)".to_owned());
        }
    }
    // The region's own fields inside shared objects first, so that overrides can name them.
    inside_fields(
        &mut request,
        own,
        resolver,
        src,
        here,
        &mut namespace,
        problems,
    );
    for (path, change) in &own.overrides {
        let at = src.at_key(&with(here, "overrides"), path);
        let (fields, rest) = match path.split_once('.') {
            Some(("request", rest)) => (&mut request, rest),
            Some(("response", rest)) => (&mut response, rest),
            _ => {
                problems.push(
                    at,
                    format!("override `{path}` does not start with request. or response."),
                    "write the field's path, e.g. request.payer.accountNo",
                );
                continue;
            }
        };
        let parts: Vec<&str> = rest.split('.').collect();
        match find_mut(fields, &parts) {
            None => problems.push(
                at,
                format!("override `{path}` names no field of `{id}`"),
                "write the path of a shared field, e.g. request.payer.accountNo; a field only this region has goes under extra_fields",
            ),
            Some(field) => apply_override(field, change, path, facts.code, at, problems),
        }
    }
    // Conditions, groups and defaults, once every override is applied: they depend on what
    // the other overrides make mandatory or allow.
    for (path, change) in &own.overrides {
        let at = src.at_key(&with(here, "overrides"), path);
        if let Some(condition) = &change.required_when {
            required_when(&mut request, path, condition, id, at.clone(), problems);
        }
        if !change.at_least_one_of.is_empty() {
            object_groups(
                &mut request,
                path,
                &change.at_least_one_of,
                at.clone(),
                problems,
            );
        }
        if let Some(value) = &change.default {
            region_default(&mut request, path, value, facts, at, problems);
        }
    }

    let mut extras = Vec::new();
    for (side, specs, shared_fields) in [
        ("request", &own.extra_fields.request, &request),
        ("response", &own.extra_fields.response, &response),
    ] {
        let path = [here.to_vec(), keys(&["extra_fields", side])].concat();
        let resolved = resolver.fields(specs, src, &path, &mut namespace, problems);
        for (i, extra) in resolved.iter().enumerate() {
            if let Some(clash) = shared_fields
                .iter()
                .find(|f| f.name == extra.name || f.rust == extra.rust)
            {
                problems.push(
                    src.at(&[path.clone(), vec![Step::Index(i), Step::Key("name".into())]].concat()),
                    format!("extra field `{}` clashes with the shared field `{}`", extra.name, clash.name),
                    "a region's extra field needs a name of its own; to change a shared field use overrides, to reword it field_notes",
                );
            }
        }
        extras.push(resolved);
    }
    let response_extras = extras.pop().unwrap_or_default();
    let request_extras = extras.pop().unwrap_or_default();
    // Extras are set through the builder, so the generated type holds them as options.
    let mut request_extras_typed = request_extras.clone();
    for f in &mut request_extras_typed {
        f.type_required = false;
    }
    let mut response_extras_typed = response_extras.clone();
    for f in &mut response_extras_typed {
        f.type_required = false;
    }
    request.extend(request_extras_typed.iter().cloned());
    response.extend(response_extras_typed.iter().cloned());

    let mut paths = BTreeSet::new();
    for header in &shared.spec.request_headers {
        paths.insert(format!("header.{}", header.name));
    }
    for header in &shared.spec.response_headers {
        paths.insert(format!("response-header.{}", header.name));
    }
    collect_paths("request", &request, &mut paths);
    collect_paths("response", &response, &mut paths);
    for path in own.field_notes.keys() {
        if !paths.contains(path) {
            problems.push(
                src.at_key(&with(here, "field_notes"), path),
                format!("field_notes names `{path}`, which is not a field or header of `{id}`"),
                "use a path such as request.accountNo, response.accountInfos.amount.value or header.X-TIMESTAMP",
            );
        }
    }

    let mut names = BTreeSet::new();
    for (i, example) in own.examples.iter().enumerate() {
        let base = [
            here.to_vec(),
            vec![Step::Key("examples".into()), Step::Index(i)],
        ]
        .concat();
        if !names.insert(example.name.as_str()) {
            problems.push(
                src.at(&with(&base, "name")),
                format!("two examples are named `{}`", example.name),
                "give each example its own name",
            );
        }
        for (side_name, side, message, fields, groups) in [
            (
                "request",
                Side::Request,
                &example.request,
                &request,
                endpoint.spec.at_least_one_of.as_slice(),
            ),
            (
                "response",
                Side::Response,
                &example.response,
                &response,
                &[][..],
            ),
        ] {
            let Some(body) = message.as_ref().and_then(|m| m.body.as_ref()) else {
                continue;
            };
            let body_path = [base.clone(), keys(&[side_name, "body"])].concat();
            let mut found = Vec::new();
            model::check_object(
                fields,
                groups,
                body,
                Some(facts),
                side,
                &mut String::new(),
                &mut found,
            );
            for (json_path, message) in found {
                let mut p = body_path.clone();
                p.extend(json_steps(&json_path));
                problems.push(
                    src.at(&p),
                    format!("the example's `{json_path}`: {message}"),
                    "fix the example, or the field's rules if the example is right",
                );
            }
        }
    }
    if problems.len() > before {
        return None;
    }
    Some(RegionEndpointModel {
        id: id.clone(),
        request,
        response,
        request_extras: request_extras_typed,
        response_extras: response_extras_typed,
        own: own.clone(),
    })
}

/// Adds the region's own fields inside shared request objects (`extra_fields.inside`) to the
/// region's copy of each object, once each is known to be a top-level request object without
/// money and the names are new there.
fn inside_fields(
    request: &mut [Field],
    own: &RegionEndpoint,
    resolver: &Resolver<'_>,
    src: Source<'_>,
    here: &[Step],
    namespace: &mut Namespace,
    problems: &mut Problems,
) {
    let base = [here.to_vec(), keys(&["extra_fields", "inside"])].concat();
    for (path, specs) in &own.extra_fields.inside {
        let at = src.at_key(&base, path);
        let Some(name) = path.strip_prefix("request.").filter(|n| !n.contains('.')) else {
            problems.push(
                at,
                format!("extra_fields.inside names `{path}`; a region adds fields inside a top-level request object only"),
                "write the object's path, e.g. request.receiver; a top-level field of the region's own goes under extra_fields.request",
            );
            continue;
        };
        let Some(field) = request.iter_mut().find(|f| f.name == name) else {
            problems.push(
                at,
                format!("extra_fields.inside names `{path}`, which is not a request field"),
                "write the path of a shared request object, e.g. request.receiver",
            );
            continue;
        };
        if ["Request", "Response"]
            .iter()
            .any(|w| naming::extra_slot_name(&field.rust) == format!("{w}Extra"))
        {
            problems.push(
                at,
                format!("extra_fields.inside cannot add fields inside `{name}`: its extra fields' type would be named like the request's own"),
                "give the field another `rust_name` in gateway.yaml",
            );
            continue;
        }
        let object = match &mut field.ty {
            Ty::Object {
                object,
                one_or_many: false,
            } if !object.fields.iter().any(|f| f.ty.uses_region()) => object,
            Ty::Object { .. } => {
                problems.push(
                    at,
                    format!("extra_fields.inside names `{path}`, an object that holds money or may be a list"),
                    "add the fields to the object in gateway.yaml as optional fields, and make them mandatory where needed",
                );
                continue;
            }
            other => {
                problems.push(
                    at,
                    format!(
                        "extra_fields.inside names `{path}`, which is {}, not an object",
                        other.kind_name()
                    ),
                    "write the path of a request object, e.g. request.receiver",
                );
                continue;
            }
        };
        let at_fields = [base.clone(), vec![Step::Key(path.clone())]].concat();
        if specs.is_empty() {
            problems.push(
                at,
                format!("extra_fields.inside `{path}` lists no field"),
                "list the fields only this region has inside the object, or remove the entry",
            );
            continue;
        }
        let resolved = resolver.fields(specs, src, &at_fields, namespace, problems);
        for (i, mut extra) in resolved.into_iter().enumerate() {
            // These fields are read through serde's flatten, which buffers them: an exact
            // number (money, a decimal) read from its own digits cannot be read there.
            if holds_exact_number(&extra.ty) {
                problems.push(
                    src.at(&[at_fields.clone(), vec![Step::Index(i), Step::Key("name".into())]].concat()),
                    format!("extra field `{}` inside `{name}` is or holds money or a decimal, which a region's field inside an object cannot be", extra.name),
                    "make it a top-level extra field (extra_fields.request), or a string",
                );
                continue;
            }
            if let Some(clash) = object
                .fields
                .iter()
                .find(|f| f.name == extra.name || f.rust == extra.rust)
            {
                problems.push(
                    src.at(&[at_fields.clone(), vec![Step::Index(i), Step::Key("name".into())]].concat()),
                    format!("extra field `{}` inside `{name}` clashes with its shared field `{}`", extra.name, clash.name),
                    "a region's field needs a name of its own; to change a shared field use overrides",
                );
                continue;
            }
            // Set through the object's `extra`, so the type holds it as an option.
            extra.type_required = false;
            object.region_fields.push(extra.name.clone());
            object.fields.push(extra);
        }
    }
}

/// Whether a value of `ty` is or holds money or a decimal.
fn holds_exact_number(ty: &Ty) -> bool {
    match ty {
        Ty::Money(_) | Ty::Decimal { .. } => true,
        Ty::List { item, .. } => holds_exact_number(item),
        Ty::Object { object, .. } => object.fields.iter().any(|f| holds_exact_number(&f.ty)),
        _ => false,
    }
}

/// `a.b[0].c` as tree steps.
fn json_steps(path: &str) -> Vec<Step> {
    let mut steps = Vec::new();
    if path == "(body)" {
        return steps;
    }
    for part in path.split('.') {
        let (name, mut rest) = match part.find('[') {
            Some(i) => (&part[..i], &part[i..]),
            None => (part, ""),
        };
        if !name.is_empty() {
            steps.push(Step::Key(name.to_owned()));
        }
        while let Some(end) = rest.find(']') {
            if let Ok(i) = rest[1..end].parse() {
                steps.push(Step::Index(i));
            }
            rest = &rest[end + 1..];
        }
    }
    steps
}

fn find_mut<'f>(fields: &'f mut [Field], parts: &[&str]) -> Option<&'f mut Field> {
    let (first, rest) = parts.split_first()?;
    let field = fields.iter_mut().find(|f| f.name == *first)?;
    if rest.is_empty() {
        return Some(field);
    }
    match &mut field.ty {
        Ty::Object { object, .. } => find_mut(&mut object.fields, rest),
        Ty::List { item, .. } => match item.as_mut() {
            Ty::Object { object, .. } => find_mut(&mut object.fields, rest),
            _ => None,
        },
        _ => None,
    }
}

/// Sets an override's `required_when` on the field at `path`, if the condition is sound: the
/// field is an optional request field not inside a list, and the deciding field is a
/// top-level request string or enum whose values the condition lists in its type.
fn required_when(
    request: &mut [Field],
    path: &str,
    condition: &crate::spec::RequiredWhenSpec,
    id: &str,
    at: Location,
    problems: &mut Problems,
) {
    let Some(rest) = path.strip_prefix("request.") else {
        problems.push(
            at,
            format!("override `{path}` sets required_when, which applies to request fields only"),
            "remove required_when, or put it on a request field's override",
        );
        return;
    };
    let values: Vec<String> = match request
        .iter()
        .find(|f| f.name == condition.field)
        .map(|f| &f.ty)
    {
        None => {
            problems.push(
                at,
                format!(
                    "override `{path}`: required_when names `{}`, which is not a top-level request field of `{id}`",
                    condition.field
                ),
                "name a top-level request field, e.g. paymentMethod",
            );
            return;
        }
        Some(Ty::String { .. }) => condition
            .values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(Ty::Enum(e)) if e.integer => condition
            .values
            .iter()
            .filter_map(|v| v.as_i64().map(|n| n.to_string()))
            .collect(),
        Some(Ty::Enum(_)) => condition
            .values
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Some(other) => {
            problems.push(
                at,
                format!(
                    "override `{path}`: required_when's `{}` is a {}; a condition needs a string or an enum",
                    condition.field,
                    other.kind_name()
                ),
                "name a string or enum field",
            );
            return;
        }
    };
    if values.is_empty() || values.len() != condition.values.len() {
        problems.push(
            at,
            format!(
                "override `{path}`: required_when's values must be values of `{}` as it is written, at least one",
                condition.field
            ),
            "list the values as the field writes them, e.g. [W_OVO], or [1] for an integer enum",
        );
        return;
    }
    let parts: Vec<&str> = rest.split('.').collect();
    // Not through a list: "required" of an item would need the item's index.
    let mut fields: &[Field] = request;
    for (i, part) in parts.iter().enumerate() {
        let Some(field) = fields.iter().find(|f| f.name == *part) else {
            return; // Reported by the override itself.
        };
        if i + 1 == parts.len() {
            break;
        }
        match &field.ty {
            Ty::Object {
                object,
                one_or_many: false,
            } => fields = &object.fields,
            _ => {
                problems.push(
                    at,
                    format!("override `{path}` sets required_when on a field inside a list"),
                    "put the condition on a field reached through objects only",
                );
                return;
            }
        }
    }
    match find_mut(request, &parts) {
        Some(field) if field.required => problems.push(
            at,
            format!("override `{path}` sets required_when, but the field is always mandatory here"),
            "remove required_when, or make the field optional",
        ),
        Some(field) => {
            field.required_when = Some(model::RequiredWhen {
                field: condition.field.clone(),
                values,
            });
        }
        None => {}
    }
}

/// Sets an override's `at_least_one_of` on the object at `path`, if each group names two or
/// more of its fields, none of them mandatory: a request object then needs one of each group.
fn object_groups(
    request: &mut [Field],
    path: &str,
    groups: &[Vec<String>],
    at: Location,
    problems: &mut Problems,
) {
    let Some(rest) = path.strip_prefix("request.") else {
        problems.push(
            at,
            format!(
                "override `{path}` sets at_least_one_of, which applies to request objects only"
            ),
            "remove at_least_one_of, or put it on the override of a request object",
        );
        return;
    };
    let parts: Vec<&str> = rest.split('.').collect();
    let Some(field) = find_mut(request, &parts) else {
        return; // Reported by the override itself.
    };
    let object = match &mut field.ty {
        Ty::Object { object, .. } => object,
        Ty::List { item, .. } if matches!(**item, Ty::Object { .. }) => match item.as_mut() {
            Ty::Object { object, .. } => object,
            _ => return,
        },
        other => {
            problems.push(
                at,
                format!(
                    "override `{path}` sets at_least_one_of, but the field is {}",
                    other.kind_name()
                ),
                "put at_least_one_of on an object's override and name its fields; for top-level request fields, the endpoint's at_least_one_of in gateway.yaml",
            );
            return;
        }
    };
    let mut sound = true;
    for group in groups {
        if group.len() < 2 {
            sound = false;
            problems.push(
                at.clone(),
                format!("override `{path}`: an at_least_one_of group needs two fields or more"),
                "list the fields of which one must be sent, e.g. [idNumber, identity]",
            );
        }
        for name in group {
            match object.fields.iter().find(|f| &f.name == name) {
                None => {
                    sound = false;
                    let known: Vec<&str> = object.fields.iter().map(|f| f.name.as_str()).collect();
                    problems.push(
                        at.clone(),
                        format!("override `{path}`: at_least_one_of names `{name}`, which is not a field of it"),
                        format!("name some of its fields: {}", known.join(", ")),
                    );
                }
                Some(f) if f.required => {
                    sound = false;
                    problems.push(
                        at.clone(),
                        format!("override `{path}`: at_least_one_of names `{name}`, which is already mandatory here"),
                        "leave the mandatory field out of the group, or do not make it mandatory",
                    );
                }
                Some(_) => {}
            }
        }
    }
    if sound {
        object.at_least_one_of = groups.to_vec();
    }
}

/// Sets an override's `default` on the top-level request field at `path`, if the field is
/// optional in every region's type (a mandatory one is a constructor argument, so a default
/// would never be used) and the value follows the field's rules in the region.
fn region_default(
    request: &mut [Field],
    path: &str,
    value: &serde_json::Value,
    facts: RegionFacts<'_>,
    at: Location,
    problems: &mut Problems,
) {
    let Some(name) = path.strip_prefix("request.").filter(|n| !n.contains('.')) else {
        problems.push(
            at,
            format!(
                "override `{path}` sets a default, which applies to top-level request fields only"
            ),
            "put the default on a top-level request field's override, e.g. request.paymentMethod",
        );
        return;
    };
    let Some(field) = request.iter_mut().find(|f| f.name == name) else {
        return; // Reported by the override itself.
    };
    if field.type_required {
        problems.push(
            at,
            format!("override `{path}` sets a default, but the field is mandatory in every region"),
            "remove the default: a mandatory field is given to the request's constructor",
        );
        return;
    }
    let mut found = Vec::new();
    model::check_value(
        &field.ty,
        value,
        Some(facts),
        model::Side::Request,
        &mut name.to_owned(),
        &mut found,
    );
    if let Some((json_path, why)) = found.into_iter().next() {
        problems.push(
            at,
            format!("override `{path}`: the default {value} breaks the field's rules here: `{json_path}` {why}"),
            "give a default the field accepts in this region, or change its rules",
        );
        return;
    }
    field.default = Some(value.clone());
}

fn apply_override(
    field: &mut Field,
    change: &OverrideSpec,
    path: &str,
    region: &str,
    at: Location,
    problems: &mut Problems,
) {
    let refuse = |problems: &mut Problems, what: &str, kind: &str| {
        problems.push(
            at.clone(),
            format!("override `{path}` sets {what}, but the field is {kind}"),
            format!("remove {what} from the override"),
        );
    };
    let kind = field.ty.kind_name();
    match change.required {
        Some(true) => field.required = true,
        Some(false) if field.required => problems.push(
            at.clone(),
            format!("override `{path}` makes a mandatory field optional"),
            "a region can only make a field mandatory: make it `required: false` in gateway.yaml and `required: true` in the regions that need it",
        ),
        _ => {}
    }
    let list = matches!(field.ty, Ty::List { .. });
    let target: &mut Ty = match &mut field.ty {
        Ty::List { item, .. } if change.min_items.is_none() && change.max_items.is_none() => item,
        other => other,
    };
    match target {
        Ty::String {
            min_length,
            max_length,
            chars,
            pattern,
        } => {
            if let Some(text) = &change.pattern {
                match crate::pattern::parse(text) {
                    Ok(parsed) => *pattern = Some(parsed),
                    Err(why) => problems.push(
                        at.clone(),
                        format!("override `{path}`: pattern {text:?}: {why}"),
                        "write a pattern of characters, classes like [A-Z0-9] and counts like {4} or {7,8}, with | between alternatives",
                    ),
                }
            }
            if change.min_length.is_some() {
                *min_length = change.min_length;
            }
            if change.max_length.is_some() {
                *max_length = change.max_length;
            }
            if change.chars.is_some() {
                *chars = change.chars;
            }
            if let (Some(a), Some(b)) = (*min_length, *max_length)
                && a > b
            {
                problems.push(
                    at.clone(),
                    format!("override `{path}` leaves min_length {a} above max_length {b}"),
                    "make min_length at most max_length",
                );
            }
        }
        _ => {
            for (set, what) in [
                (change.min_length.is_some(), "min_length"),
                (change.max_length.is_some(), "max_length"),
                (change.chars.is_some(), "chars"),
                (change.pattern.is_some(), "pattern"),
            ] {
                if set {
                    refuse(problems, what, kind);
                }
            }
        }
    }
    match target {
        Ty::Integer { minimum, maximum } => {
            for (value, slot, what) in [
                (&change.minimum, minimum, "minimum"),
                (&change.maximum, maximum, "maximum"),
            ] {
                if let Some(v) = value {
                    match v.as_i64() {
                        Some(n) => *slot = Some(n),
                        None => problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {v} is not a whole number"),
                            "write a whole number",
                        ),
                    }
                }
            }
        }
        Ty::Decimal { minimum, maximum } => {
            for (value, slot, what) in [
                (&change.minimum, minimum, "minimum"),
                (&change.maximum, maximum, "maximum"),
            ] {
                if let Some(v) = value {
                    match v.as_str().filter(|t| model::parse_decimal(t).is_some()) {
                        Some(t) => *slot = Some(t.to_owned()),
                        None => problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {v} is not a decimal in a string"),
                            "write it in quotes, e.g. \"0.01\"",
                        ),
                    }
                }
            }
        }
        Ty::Money(money) => {
            for (value, slot, what) in [
                (&change.minimum, &mut money.minimum, "minimum"),
                (&change.maximum, &mut money.maximum, "maximum"),
            ] {
                if let Some(v) = value {
                    let Some(text) = v.as_str().filter(|t| model::parse_decimal(t).is_some())
                    else {
                        problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {v} is not a decimal in a string"),
                            "write it in quotes, e.g. \"10000\"",
                        );
                        continue;
                    };
                    match model::money_bound_problem(text) {
                        None => *slot = Some(text.to_owned()),
                        Some(why) => problems.push(
                            at.clone(),
                            format!("override `{path}`: {what} {why}"),
                            "write a positive amount in quotes, e.g. \"10000\", or leave the bound out",
                        ),
                    }
                }
            }
            if let (Some(min), Some(max)) = (&money.minimum, &money.maximum)
                && model::compare_decimal(min, max) == Some(std::cmp::Ordering::Greater)
            {
                problems.push(
                    at.clone(),
                    format!("override `{path}` leaves minimum {min} above maximum {max}"),
                    "make minimum at most maximum",
                );
            }
        }
        _ => {
            for (set, what) in [
                (change.minimum.is_some(), "minimum"),
                (change.maximum.is_some(), "maximum"),
            ] {
                if set {
                    refuse(problems, what, kind);
                }
            }
        }
    }
    match target {
        Ty::Enum(e) => {
            if let Some(values) = &change.values {
                let mut allowed = Vec::new();
                for v in values {
                    let text = match v {
                        serde_json::Value::String(t) if !e.integer => t.clone(),
                        serde_json::Value::Number(n) if e.integer && n.is_i64() => n.to_string(),
                        other => {
                            problems.push(
                                at.clone(),
                                format!(
                                    "override `{path}`: value {other} is not {}",
                                    if e.integer {
                                        "a whole number"
                                    } else {
                                        "a string"
                                    }
                                ),
                                "write the values as the enum does",
                            );
                            continue;
                        }
                    };
                    if !e.open && !e.variants.iter().any(|x| x.wire == text) {
                        let listed: Vec<&str> =
                            e.variants.iter().map(|x| x.wire.as_str()).collect();
                        problems.push(
                            at.clone(),
                            format!(
                                "override `{path}`: {text} is not a value of the closed enum `{}`",
                                e.name.name()
                            ),
                            format!("use some of: {}", listed.join(", ")),
                        );
                    }
                    allowed.push(text);
                }
                if allowed.is_empty() {
                    problems.push(
                        at.clone(),
                        format!("override `{path}` allows no value in {region}"),
                        "list at least one value",
                    );
                }
                e.allowed = Some(allowed);
            }
        }
        _ => {
            if change.values.is_some() {
                refuse(problems, "values", kind);
            }
        }
    }
    if change.min_items.is_some() || change.max_items.is_some() {
        match &mut field.ty {
            Ty::List {
                min_items,
                max_items,
                ..
            } => {
                if change.min_items.is_some() {
                    *min_items = change.min_items;
                }
                if change.max_items.is_some() {
                    *max_items = change.max_items;
                }
            }
            _ => {
                let _ = list;
                problems.push(
                    at.clone(),
                    format!(
                        "override `{path}` sets min_items or max_items, but the field is {kind}"
                    ),
                    "remove them from the override",
                );
            }
        }
    }
    check_limits_after_override(&field.ty, path, &at, problems);
    if let Some(doc) = &change.doc {
        field.region_doc = Some(doc.trim().to_owned());
    }
}

/// After an override, the lower limits must still be at most the upper ones (string lengths
/// are compared where they are set).
fn check_limits_after_override(ty: &Ty, path: &str, at: &Location, problems: &mut Problems) {
    let mut above = |what: &str, low: String, high: String| {
        problems.push(
            at.clone(),
            format!("override `{path}` leaves {what} {low} above {}", high),
            "make the lower limit at most the upper one",
        );
    };
    let (item, list_limits) = match ty {
        Ty::List {
            item,
            min_items,
            max_items,
        } => (item.as_ref(), Some((*min_items, *max_items))),
        other => (other, None),
    };
    if let Some((Some(min), Some(max))) = list_limits
        && min > max
    {
        above("min_items", min.to_string(), format!("max_items {max}"));
    }
    match item {
        Ty::Integer {
            minimum: Some(min),
            maximum: Some(max),
        } if min > max => above("minimum", min.to_string(), format!("maximum {max}")),
        Ty::Decimal {
            minimum: Some(min),
            maximum: Some(max),
        } if model::compare_decimal(min, max) == Some(std::cmp::Ordering::Greater) => {
            above("minimum", min.clone(), format!("maximum {max}"))
        }
        _ => {}
    }
}

fn collect_paths(prefix: &str, fields: &[Field], paths: &mut BTreeSet<String>) {
    for field in fields {
        let path = format!("{prefix}.{}", field.name);
        let ty = match &field.ty {
            Ty::List { item, .. } => item.as_ref(),
            other => other,
        };
        match ty {
            Ty::Object { object, .. } => collect_paths(&path, &object.fields, paths),
            Ty::Money(money) => {
                paths.insert(format!("{path}.currency"));
                paths.insert(format!(
                    "{path}.{}",
                    match money.shape {
                        crate::spec::MoneyShape::ValueString => "value",
                        crate::spec::MoneyShape::AmountNumber => "amount",
                    }
                ));
            }
            _ => {}
        }
        paths.insert(path);
    }
}

/// Codes, currencies and area codes must each belong to one region. Checked over every
/// region file that parsed, even one with other problems, so all clashes show at once.
fn check_across_regions(regions: &[(PathBuf, RegionSpec, Node)], problems: &mut Problems) {
    for (i, (file, spec, tree)) in regions.iter().enumerate() {
        for (earlier_file, earlier, _) in &regions[..i] {
            let clashes = [
                (
                    "code",
                    "region code",
                    spec.code.clone(),
                    earlier.code.clone(),
                ),
                (
                    "currency",
                    "currency",
                    spec.currency.clone(),
                    earlier.currency.clone(),
                ),
                (
                    "area_code",
                    "area code",
                    spec.area_code.to_string(),
                    earlier.area_code.to_string(),
                ),
            ];
            for (key, what, mine, theirs) in clashes {
                if mine == theirs {
                    problems.push(
                        Source { tree, file }.at(&keys(&[key])),
                        format!("{what} {mine} is also used by {}", earlier_file.display()),
                        format!("each region needs its own {what}; change this one or remove the other file"),
                    );
                }
            }
        }
    }
}
