//! A region file: its facts, the endpoints it offers with its overrides and extra fields
//! applied, its examples checked, and what must differ between regions.

use super::*;

pub(crate) fn with(path: &[Step], k: &str) -> Vec<Step> {
    let mut p = path.to_vec();
    p.push(Step::Key(k.to_owned()));
    p
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

pub(crate) fn is_code(text: &str, min: usize, max: usize) -> bool {
    (min..=max).contains(&text.len())
        && text.starts_with(|c: char| c.is_ascii_uppercase())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

pub(crate) fn check_region(
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
            money_scale: scale.unwrap_or(8),
            money_format: &spec.money_format,
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
pub(crate) fn region_endpoint(
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
            // What the generated constants can hold: each header one `Name: value` line, and
            // a message with something in it (`Example::exchange` writes an empty one as absent).
            if let Some(m) = message {
                let at = [base.clone(), keys(&[side_name])].concat();
                if m.headers.is_empty() && m.body.is_none() {
                    problems.push(
                        src.at(&at),
                        format!("the example's {side_name} has neither headers nor a body"),
                        format!("give it headers or a body, or leave `{side_name}` out"),
                    );
                }
                for (name, value) in &m.headers {
                    let padded = |t: &str| t.trim() != t;
                    if name.is_empty()
                        || name.contains([':', '\n', '\r'])
                        || value.contains(['\n', '\r'])
                        || padded(name)
                        || padded(value)
                    {
                        problems.push(
                            src.at_key(&[at.clone(), keys(&["headers"])].concat(), name),
                            format!("the example's header {name:?}: {value:?} is not one `Name: value` line"),
                            "write the header's name without `:` and spaces around it, and its value on one line without spaces around it",
                        );
                    }
                }
            }
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
pub(crate) fn inside_fields(
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

pub(crate) fn collect_paths(prefix: &str, fields: &[Field], paths: &mut BTreeSet<String>) {
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
pub(crate) fn check_across_regions(
    regions: &[(PathBuf, RegionSpec, Node)],
    problems: &mut Problems,
) {
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
