//! `gateway.yaml`: the shared facts, definitions and endpoints, resolved and checked.

use super::*;

/// Module names the generated code gives its own modules, or imports by name in a region's
/// module (`use crate::endpoints;`): an endpoint cannot be one of them.
const RESERVED_MODULES: &[&str] = &[
    "endpoints",
    "regions",
    "definitions",
    "gateway",
    "shared_rules",
];

pub(crate) fn check_gateway(spec: GatewaySpec, src: Source<'_>, problems: &mut Problems) -> Shared {
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
        } else if RESERVED_MODULES.contains(&module.as_str()) {
            problems.push(
                src.at_key(&keys(&["endpoints"]), id),
                format!(
                    "endpoint id `{id}` would be the module `{module}`, a name the generated code uses for its own modules"
                ),
                "choose another id, e.g. one that names what the endpoint does",
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
