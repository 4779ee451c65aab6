//! Loading a spec folder: `gateway.yaml` and `regions/*.yaml`, checked as a whole.
//!
//! Each file is first read into a located tree and checked against the JSON Schema of the
//! spec types, then read into those types, then checked for what a schema cannot say
//! (formats, duplicates across files, names that must become Rust identifiers, examples that
//! must match the fields). Every problem is collected; nothing stops at the first.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::naming;
use crate::node::{self, Node};
use crate::problem::{Location, Problems};
use crate::spec::{FieldKind, FieldSpec, GatewaySpec, RegionSpec};

/// A loaded, checked spec.
#[derive(Debug, Clone, PartialEq)]
pub struct Spec {
    /// What all regions share.
    pub gateway: GatewaySpec,
    /// The regions, ordered by code.
    pub regions: Vec<Region>,
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

/// Loads and checks the spec in `dir`, returning every problem found when there is any.
pub fn load(dir: &Path) -> Result<Spec, Problems> {
    let mut problems = Problems::default();
    let gateway_file = dir.join("gateway.yaml");
    let gateway =
        read_checked::<GatewaySpec>(&gateway_file, &crate::gateway_schema_json(), &mut problems);
    if let Some((spec, tree)) = &gateway {
        check_gateway(spec, tree, &gateway_file, &mut problems);
    }

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
            parsed.push((file.clone(), spec.clone(), tree.clone()));
            let region = check_region(
                spec,
                &tree,
                &file,
                gateway.as_ref().map(|g| &g.0),
                &mut problems,
            );
            if let Some(region) = region {
                regions.push(region);
            }
        }
    }
    check_across_regions(&parsed, &mut problems);

    match gateway {
        Some((gateway, _)) if problems.is_empty() => {
            regions.sort_by(|a, b| a.spec.code.cmp(&b.spec.code));
            Ok(Spec { gateway, regions })
        }
        _ => Err(problems.sorted()),
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

/// One step of a path into a located tree.
enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where the value at `path` was written, or the deepest place on the way that exists.
fn locate(tree: &Node, file: &Path, path: &[Step<'_>]) -> Location {
    let mut node = tree;
    let mut at = (node.line, node.column);
    for step in path {
        let next = match step {
            Step::Key(key) => node.get(key),
            Step::Index(i) => node.index(*i),
        };
        match next {
            Some(n) => {
                node = n;
                at = (n.line, n.column);
            }
            None => break,
        }
    }
    Location {
        file: file.to_path_buf(),
        line: at.0,
        column: at.1,
    }
}

/// Where the key at the end of `path` was written (for problems with the key itself).
fn locate_key(tree: &Node, file: &Path, parent: &[Step<'_>], key: &str) -> Location {
    let mut node = tree;
    for step in parent {
        let next = match step {
            Step::Key(k) => node.get(k),
            Step::Index(i) => node.index(*i),
        };
        match next {
            Some(n) => node = n,
            None => return locate(tree, file, parent),
        }
    }
    match node.entry(key) {
        Some((k, _)) => Location {
            file: file.to_path_buf(),
            line: k.line,
            column: k.column,
        },
        None => locate(tree, file, parent),
    }
}

fn check_gateway(spec: &GatewaySpec, tree: &Node, file: &Path, problems: &mut Problems) {
    for (key, url) in [
        ("sandbox", &spec.environments.sandbox),
        ("production", &spec.environments.production),
    ] {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.ends_with('/') {
            problems.push(
                locate(tree, file, &[Step::Key("environments"), Step::Key(key)]),
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
            locate(
                tree,
                file,
                &[Step::Key("signature"), Step::Key("string_to_sign")],
            ),
            "the string to sign must include the timestamp and the body",
            "list the parts in order, e.g. [timestamp, merchant-secret, body]",
        );
    }
    let mut type_names: BTreeMap<String, String> = BTreeMap::new();
    for (id, endpoint) in &spec.endpoints {
        let here = [Step::Key("endpoints"), Step::Key(id)];
        if naming::type_name(id).is_err() || id.chars().any(|c| c.is_ascii_uppercase()) {
            problems.push(
                locate_key(tree, file, &[Step::Key("endpoints")], id),
                format!("endpoint id `{id}` is not kebab-case"),
                "use lower-case words joined by -, e.g. inquiry-balance",
            );
        }
        if let Err(why) = naming::check_identifier(&endpoint.type_prefix)
            .and_then(|()| pascal_only(&endpoint.type_prefix))
        {
            problems.push(
                locate(
                    tree,
                    file,
                    &[
                        here[0].clone_step(),
                        here[1].clone_step(),
                        Step::Key("type_prefix"),
                    ],
                ),
                format!(
                    "type_prefix `{}` cannot be a Rust type name: {why}",
                    endpoint.type_prefix
                ),
                "use a PascalCase name such as InquiryBalance",
            );
        }
        if !endpoint.path.starts_with('/') {
            problems.push(
                locate(
                    tree,
                    file,
                    &[
                        here[0].clone_step(),
                        here[1].clone_step(),
                        Step::Key("path"),
                    ],
                ),
                format!("path {:?} does not start with /", endpoint.path),
                "write the path from the root, e.g. /v2.0/inquiry-balance",
            );
        }
        for (side, fields) in [
            ("request", &endpoint.request),
            ("response", &endpoint.response),
        ] {
            let path = vec![here[0].clone_step(), here[1].clone_step(), Step::Key(side)];
            check_fields(fields, tree, file, &path, &mut type_names, problems);
        }
        for (role, name) in [
            ("code_field", &spec.result.code_field),
            ("message_field", &spec.result.message_field),
        ] {
            let found = endpoint.response.iter().find(|f| &f.name == name);
            if !found.is_some_and(|f| f.required && f.kind == FieldKind::String) {
                problems.push(
                    locate(tree, file, &[here[0].clone_step(), here[1].clone_step(), Step::Key("response")]),
                    format!("the response of `{id}` has no required string field `{name}` (result.{role})"),
                    format!("add a required `{name}` field of type string to the response"),
                );
            }
        }
    }
}

impl Step<'_> {
    fn clone_step(&self) -> Step<'_> {
        match self {
            Step::Key(k) => Step::Key(k),
            Step::Index(i) => Step::Index(*i),
        }
    }
}

fn pascal_only(name: &str) -> Result<(), String> {
    if name.starts_with(|c: char| c.is_ascii_uppercase()) && !name.contains('_') {
        Ok(())
    } else {
        Err("it is not PascalCase".to_owned())
    }
}

/// Checks a list of fields (and the fields of their objects): names, kinds and the keys
/// each kind needs. `type_names` collects generated type names to catch two objects that
/// would share one.
fn check_fields(
    fields: &[FieldSpec],
    tree: &Node,
    file: &Path,
    path: &[Step<'_>],
    type_names: &mut BTreeMap<String, String>,
    problems: &mut Problems,
) {
    let mut wire_names = BTreeSet::new();
    let mut rust_names: BTreeMap<String, &str> = BTreeMap::new();
    for (i, field) in fields.iter().enumerate() {
        let mut here: Vec<Step<'_>> = path.iter().map(Step::clone_step).collect();
        here.push(Step::Index(i));
        let at = |key: &str| {
            let mut p: Vec<Step<'_>> = here.iter().map(Step::clone_step).collect();
            p.push(Step::Key(key));
            locate(tree, file, &p)
        };
        if !wire_names.insert(field.name.as_str()) {
            problems.push(
                at("name"),
                format!("field `{}` is listed twice", field.name),
                "remove one of the two entries",
            );
        }
        let rust = match &field.rust_name {
            Some(name) => naming::check_identifier(name).map(|()| name.clone()).map_err(|why| {
                (at("rust_name"), format!("rust_name `{name}` is not a valid Rust identifier: {why}"),
                 "use snake_case ASCII letters, digits and _".to_owned())
            }),
            None => naming::field_name(&field.name).map_err(|why| {
                (at("name"), format!("field name `{}` is not a valid Rust identifier once converted to snake_case: {why}", field.name),
                 format!("add `rust_name: <snake_case_name>` to this field to name it in Rust; the wire name stays `{}`", field.name))
            }),
        };
        match rust {
            Ok(rust) => {
                if let Some(other) = rust_names.insert(rust.clone(), &field.name) {
                    problems.push(
                        at("name"),
                        format!(
                            "fields `{other}` and `{}` both become `{rust}` in Rust",
                            field.name
                        ),
                        "give one of them a `rust_name:` of its own",
                    );
                }
            }
            Err((location, message, help)) => problems.push(location, message, help),
        }
        match (field.kind, field.items) {
            (FieldKind::List, None) => problems.push(
                at("type"),
                format!("list field `{}` does not say what it holds", field.name),
                "add `items: string` or `items: balance-type`",
            ),
            (FieldKind::List, Some(FieldKind::String | FieldKind::BalanceType)) => {}
            (FieldKind::List, Some(other)) => problems.push(
                at("items"),
                format!("a list of `{}` is not supported", other.as_str()),
                "use `items: string` or `items: balance-type`",
            ),
            (_, Some(_)) => problems.push(
                at("items"),
                format!(
                    "`items` only applies to a list, and `{}` is a {}",
                    field.name,
                    field.kind.as_str()
                ),
                "remove `items`, or make the field `type: list`",
            ),
            _ => {}
        }
        if field.max_length.is_some() && field.kind != FieldKind::String {
            problems.push(
                at("max_length"),
                format!(
                    "`max_length` only applies to a string, and `{}` is a {}",
                    field.name,
                    field.kind.as_str()
                ),
                "remove `max_length`",
            );
        }
        if field.one_or_many && field.kind != FieldKind::Object {
            problems.push(
                at("one_or_many"),
                format!(
                    "`one_or_many` only applies to an object, and `{}` is a {}",
                    field.name,
                    field.kind.as_str()
                ),
                "remove `one_or_many`",
            );
        }
        match field.kind {
            FieldKind::Object => {
                match &field.type_name {
                    None => problems.push(
                        at("type"),
                        format!("object field `{}` has no `type_name`", field.name),
                        "add `type_name: <PascalCase>` to name its generated type",
                    ),
                    Some(name) => {
                        if let Err(why) =
                            naming::check_identifier(name).and_then(|()| pascal_only(name))
                        {
                            problems.push(
                                at("type_name"),
                                format!("type_name `{name}` cannot be a Rust type name: {why}"),
                                "use a PascalCase name such as AccountInfo",
                            );
                        } else if let Some(other) =
                            type_names.insert(name.clone(), field.name.clone())
                        {
                            problems.push(
                                at("type_name"),
                                format!("type_name `{name}` is already used by field `{other}`"),
                                "give each object its own type_name",
                            );
                        }
                    }
                }
                if field.fields.is_empty() {
                    problems.push(
                        at("type"),
                        format!("object field `{}` has no fields", field.name),
                        "list its fields under `fields:`",
                    );
                }
                let mut inner = here.iter().map(Step::clone_step).collect::<Vec<_>>();
                inner.push(Step::Key("fields"));
                check_fields(&field.fields, tree, file, &inner, type_names, problems);
            }
            FieldKind::Money => {
                let names: Vec<&str> = field.fields.iter().map(|f| f.name.as_str()).collect();
                let strings = field
                    .fields
                    .iter()
                    .all(|f| f.kind == FieldKind::String && f.required);
                if names != ["currency", "value"] || !strings {
                    problems.push(
                        at("fields"),
                        format!("money field `{}` must list exactly the required string fields currency and value", field.name),
                        "document the two fields `currency` and `value` (type: string, required: true), in that order",
                    );
                }
            }
            _ => {
                if !field.fields.is_empty() {
                    problems.push(
                        at("fields"),
                        format!(
                            "`fields` only applies to an object or money, and `{}` is a {}",
                            field.name,
                            field.kind.as_str()
                        ),
                        "remove `fields`, or change the field's type",
                    );
                }
                if field.type_name.is_some() {
                    problems.push(
                        at("type_name"),
                        format!(
                            "`type_name` only applies to an object, and `{}` is a {}",
                            field.name,
                            field.kind.as_str()
                        ),
                        "remove `type_name`",
                    );
                }
            }
        }
    }
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
    tree: &Node,
    file: &Path,
    gateway: Option<&GatewaySpec>,
    problems: &mut Problems,
) -> Option<Region> {
    let before = problems.len();
    let at = |key: &str| locate(tree, file, &[Step::Key(key)]);

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
    let stem = file
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
    if spec.balance_types.is_empty() {
        problems.push(
            at("balance_types"),
            "the region accepts no balance type",
            "list at least one, e.g. [BALANCE]",
        );
    }
    let mut seen = BTreeSet::new();
    for (i, balance_type) in spec.balance_types.iter().enumerate() {
        let here = locate(tree, file, &[Step::Key("balance_types"), Step::Index(i)]);
        if !balance_type.starts_with(|c: char| c.is_ascii_uppercase())
            || !balance_type
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            problems.push(
                here.clone(),
                format!("balance type {balance_type:?} is not an upper-case code"),
                "write it as the gateway does, e.g. BALANCE or AVAILABLE",
            );
        }
        if !seen.insert(balance_type) {
            problems.push(
                here,
                format!("balance type {balance_type} is listed twice"),
                "remove one",
            );
        }
    }

    if let Some(gateway) = gateway {
        for (id, endpoint_notes) in &spec.endpoints {
            let here = [Step::Key("endpoints"), Step::Key(id.as_str())];
            let Some(endpoint) = gateway.endpoints.get(id) else {
                let known: Vec<&str> = gateway.endpoints.keys().map(String::as_str).collect();
                problems.push(
                    locate_key(tree, file, &[Step::Key("endpoints")], id),
                    format!("endpoint `{id}` is not in gateway.yaml"),
                    format!("use one of: {}", known.join(", ")),
                );
                continue;
            };
            let mut paths = BTreeSet::new();
            for header in &gateway.request_headers {
                paths.insert(format!("header.{}", header.name));
            }
            for header in &gateway.response_headers {
                paths.insert(format!("response-header.{}", header.name));
            }
            collect_paths("request", &endpoint.request, &mut paths);
            collect_paths("response", &endpoint.response, &mut paths);
            let notes_path = [
                here[0].clone_step(),
                here[1].clone_step(),
                Step::Key("field_notes"),
            ];
            for path in endpoint_notes.field_notes.keys() {
                if !paths.contains(path) {
                    problems.push(
                        locate_key(tree, file, &notes_path, path),
                        format!("field_notes names `{path}`, which is not a field or header of `{id}`"),
                        "use a path such as request.accountNo, response.accountInfos.amount.value or header.X-TIMESTAMP",
                    );
                }
            }
            let mut type_names = BTreeMap::new();
            collect_type_names(&endpoint.request, &mut type_names);
            collect_type_names(&endpoint.response, &mut type_names);
            for (side, extras, shared) in [
                (
                    "request",
                    &endpoint_notes.extra_fields.request,
                    &endpoint.request,
                ),
                (
                    "response",
                    &endpoint_notes.extra_fields.response,
                    &endpoint.response,
                ),
            ] {
                let path = [
                    here[0].clone_step(),
                    here[1].clone_step(),
                    Step::Key("extra_fields"),
                    Step::Key(side),
                ];
                check_fields(extras, tree, file, &path, &mut type_names, problems);
                for (i, extra) in extras.iter().enumerate() {
                    if side == "request" && extra.required {
                        let mut p: Vec<Step<'_>> = path.iter().map(Step::clone_step).collect();
                        p.extend([Step::Index(i), Step::Key("required")]);
                        problems.push(
                            locate(tree, file, &p),
                            format!("extra request field `{}` is required", extra.name),
                            "make it `required: false`: requests are built from the shared fields, and a region's extras are set afterwards",
                        );
                    }
                    let clash = shared.iter().find(|f| {
                        f.name == extra.name
                            || naming::field_name(&f.name).ok()
                                == naming::field_name(&extra.name).ok()
                    });
                    if let Some(clash) = clash {
                        let mut p: Vec<Step<'_>> = path.iter().map(Step::clone_step).collect();
                        p.extend([Step::Index(i), Step::Key("name")]);
                        problems.push(
                            locate(tree, file, &p),
                            format!("extra field `{}` clashes with the shared field `{}`", extra.name, clash.name),
                            "a region's extra field needs a name of its own; to reword a shared field use field_notes",
                        );
                    }
                }
            }
            let mut names = BTreeSet::new();
            for (i, example) in endpoint_notes.examples.iter().enumerate() {
                let base = [
                    here[0].clone_step(),
                    here[1].clone_step(),
                    Step::Key("examples"),
                    Step::Index(i),
                ];
                if !names.insert(example.name.as_str()) {
                    let mut p: Vec<Step<'_>> = base.iter().map(Step::clone_step).collect();
                    p.push(Step::Key("name"));
                    problems.push(
                        locate(tree, file, &p),
                        format!("two examples are named `{}`", example.name),
                        "give each example its own name",
                    );
                }
                for (side, message, fields, extras) in [
                    (
                        "request",
                        &example.request,
                        &endpoint.request,
                        &endpoint_notes.extra_fields.request,
                    ),
                    (
                        "response",
                        &example.response,
                        &endpoint.response,
                        &endpoint_notes.extra_fields.response,
                    ),
                ] {
                    let Some(body) = message.as_ref().and_then(|m| m.body.as_ref()) else {
                        continue;
                    };
                    let mut p: Vec<Step<'_>> = base.iter().map(Step::clone_step).collect();
                    p.extend([Step::Key(side), Step::Key("body")]);
                    let all: Vec<&FieldSpec> = fields.iter().chain(extras.iter()).collect();
                    let context = ExampleContext {
                        spec: &spec,
                        tree,
                        file,
                    };
                    context.check_object(body, &all, &mut p, problems);
                }
            }
        }
    }

    if problems.len() > before {
        return None;
    }
    Some(Region {
        file: file.to_path_buf(),
        module: module.ok()?,
        type_name: type_name.ok()?,
        utc_offset_seconds: offset?,
        money_scale: scale?,
        spec,
    })
}

fn collect_paths(prefix: &str, fields: &[FieldSpec], paths: &mut BTreeSet<String>) {
    for field in fields {
        let path = format!("{prefix}.{}", field.name);
        collect_paths(&path, &field.fields, paths);
        paths.insert(path);
    }
}

fn collect_type_names(fields: &[FieldSpec], names: &mut BTreeMap<String, String>) {
    for field in fields {
        if let Some(name) = &field.type_name {
            names.insert(name.clone(), field.name.clone());
        }
        collect_type_names(&field.fields, names);
    }
}

/// Checks an example body against the fields it should have, in the region's terms.
struct ExampleContext<'a> {
    spec: &'a RegionSpec,
    tree: &'a Node,
    file: &'a Path,
}

impl ExampleContext<'_> {
    fn check_object<'p>(
        &self,
        body: &'p serde_json::Value,
        fields: &[&FieldSpec],
        path: &mut Vec<Step<'p>>,
        problems: &mut Problems,
    ) {
        let Some(object) = body.as_object() else {
            problems.push(
                locate(self.tree, self.file, path),
                "an example body must be a JSON object",
                "write the body as a mapping of field names to values",
            );
            return;
        };
        for field in fields {
            if field.required && !object.contains_key(&field.name) {
                problems.push(
                    locate(self.tree, self.file, path),
                    format!("the example lacks the required field `{}`", field.name),
                    format!(
                        "add `{}` to the example, or mark the field optional",
                        field.name
                    ),
                );
            }
        }
        for (key, value) in object {
            path.push(Step::Key(key));
            match fields.iter().find(|f| &f.name == key) {
                None => problems.push(
                    locate(self.tree, self.file, path),
                    format!("the example has `{key}`, which is not a field of this message"),
                    "remove it, or declare it under extra_fields",
                ),
                Some(field) => self.check_value(value, field, path, problems),
            }
            path.pop();
        }
    }

    fn check_value<'p>(
        &self,
        value: &'p serde_json::Value,
        field: &FieldSpec,
        path: &mut Vec<Step<'p>>,
        problems: &mut Problems,
    ) {
        let here = |path: &[Step<'_>]| locate(self.tree, self.file, path);
        match field.kind {
            FieldKind::String => match value.as_str() {
                Some(text) => {
                    if let Some(max) = field.max_length
                        && text.chars().count() > max as usize
                    {
                        problems.push(
                            here(path),
                            format!("`{}` is longer than {max} characters", field.name),
                            "shorten the example value",
                        );
                    }
                }
                None => problems.push(
                    here(path),
                    format!("`{}` must be a string", field.name),
                    "put the value in quotes",
                ),
            },
            FieldKind::BalanceType => self.check_balance_type(value, path, problems),
            FieldKind::List => match value.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        path.push(Step::Index(i));
                        if field.items == Some(FieldKind::BalanceType) {
                            self.check_balance_type(item, path, problems);
                        } else if !item.is_string() {
                            problems.push(
                                here(path),
                                "list items must be strings",
                                "put the value in quotes",
                            );
                        }
                        path.pop();
                    }
                }
                None => problems.push(
                    here(path),
                    format!("`{}` must be a list", field.name),
                    "write it as [A, B]",
                ),
            },
            FieldKind::Object => {
                let inner: Vec<&FieldSpec> = field.fields.iter().collect();
                match value.as_array() {
                    Some(items) if field.one_or_many => {
                        for (i, item) in items.iter().enumerate() {
                            path.push(Step::Index(i));
                            self.check_object(item, &inner, path, problems);
                            path.pop();
                        }
                    }
                    _ => self.check_object(value, &inner, path, problems),
                }
            }
            FieldKind::Money => {
                let currency = value.get("currency").and_then(serde_json::Value::as_str);
                if currency != Some(self.spec.currency.as_str()) {
                    path.push(Step::Key("currency"));
                    problems.push(
                        here(path),
                        format!(
                            "the example's currency is {}, but the region's is {}",
                            currency.map_or("missing".to_owned(), |c| format!("{c:?}")),
                            self.spec.currency
                        ),
                        format!("write currency: {}", self.spec.currency),
                    );
                    path.pop();
                }
                if !value.get("value").is_some_and(serde_json::Value::is_string) {
                    problems.push(
                        here(path),
                        "money needs a string `value`",
                        "write the amount in quotes, e.g. value: \"250000\"",
                    );
                }
            }
            FieldKind::JsonObject => {
                if !(value.is_object() || value.is_string() || value.is_null()) {
                    problems.push(
                        here(path),
                        format!("`{}` must be an object or a JSON string", field.name),
                        "write a mapping",
                    );
                }
            }
        }
    }

    fn check_balance_type(
        &self,
        value: &serde_json::Value,
        path: &[Step<'_>],
        problems: &mut Problems,
    ) {
        let text = value.as_str().unwrap_or_default();
        if !self.spec.balance_types.iter().any(|t| t == text) {
            problems.push(
                locate(self.tree, self.file, path),
                format!(
                    "balance type {value} is not one of the region's balance_types ({})",
                    self.spec.balance_types.join(", ")
                ),
                "use one of the region's balance types, or add it to balance_types",
            );
        }
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
                        locate(tree, file, &[Step::Key(key)]),
                        format!("{what} {mine} is also used by {}", earlier_file.display()),
                        format!("each region needs its own {what}; change this one or remove the other file"),
                    );
                }
            }
        }
    }
}
