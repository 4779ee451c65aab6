//! Checks a located YAML tree against the JSON Schema of the spec's own types.
//!
//! Only the part of JSON Schema that `schemars` emits for the spec types is understood:
//! `$ref` into `$defs`, `type`, `properties`, `required`, `additionalProperties`, `items`,
//! `anyOf`/`oneOf`, `const`, `enum`, `minimum` and `maximum`. Unlike a typed parse, the walk
//! goes on after a problem, so a file with five mistakes gets five messages.

use std::path::Path;

use serde_json::Value as Json;

use crate::node::{Node, Value};
use crate::problem::{Location, Problems};

/// Checks `node` against `schema` (a root schema with its `$defs`), recording every problem.
pub fn check(node: &Node, schema: &Json, file: &Path, problems: &mut Problems) {
    let walker = Walker { root: schema, file };
    walker.walk(node, schema, "", problems);
}

struct Walker<'a> {
    root: &'a Json,
    file: &'a Path,
}

impl Walker<'_> {
    fn at(&self, line: u64, column: u64) -> Location {
        Location {
            file: self.file.to_path_buf(),
            line,
            column,
        }
    }

    fn resolve<'s>(&'s self, schema: &'s Json) -> &'s Json {
        let mut current = schema;
        // Bounded: schemars never chains more than a few references.
        for _ in 0..16 {
            match current
                .get("$ref")
                .and_then(Json::as_str)
                .and_then(|r| r.strip_prefix("#/$defs/"))
                .and_then(|name| self.root.get("$defs").and_then(|d| d.get(name)))
            {
                Some(target) => current = target,
                None => break,
            }
        }
        current
    }

    fn walk(&self, node: &Node, schema: &Json, path: &str, problems: &mut Problems) {
        let schema = self.resolve(schema);
        let Some(object) = schema.as_object() else {
            // `true` (or anything that is not an object) accepts every value.
            return;
        };
        let described = || describe(path, schema);

        if let Some(branches) = object
            .get("anyOf")
            .or_else(|| object.get("oneOf"))
            .and_then(Json::as_array)
        {
            self.walk_alternatives(node, branches, path, problems);
        }

        if let Some(expected) = object.get("const")
            && node.to_json() != *expected
        {
            problems.push(
                self.at(node.line, node.column),
                format!("{}must be {expected}, found {}", prefix(path), shown(node)),
                described(),
            );
            return;
        }
        if let Some(allowed) = object.get("enum").and_then(Json::as_array)
            && !allowed.contains(&node.to_json())
        {
            problems.push(
                self.at(node.line, node.column),
                format!(
                    "{}must be one of {}, found {}",
                    prefix(path),
                    list(allowed),
                    shown(node)
                ),
                described(),
            );
            return;
        }

        if let Some(types) = object.get("type") {
            let types: Vec<&str> = match types {
                Json::String(t) => vec![t.as_str()],
                Json::Array(ts) => ts.iter().filter_map(Json::as_str).collect(),
                _ => Vec::new(),
            };
            if !types.is_empty() && !types.iter().any(|t| has_type(&node.value, t)) {
                let expected = types
                    .iter()
                    .map(|t| type_name(t))
                    .collect::<Vec<_>>()
                    .join(" or ");
                let mut help = described();
                if types.contains(&"string")
                    && matches!(
                        node.value,
                        Value::Integer(_) | Value::Float(_) | Value::Bool(_)
                    )
                {
                    help = format!("put the value in quotes, so YAML reads it as text; {help}");
                }
                problems.push(
                    self.at(node.line, node.column),
                    format!(
                        "{}must be {expected}, found {}",
                        prefix(path),
                        node.value.kind()
                    ),
                    help,
                );
                return;
            }
        }

        if let Value::Integer(i) = node.value {
            let min = object.get("minimum").and_then(Json::as_f64);
            let max = object.get("maximum").and_then(Json::as_f64);
            let outside =
                min.is_some_and(|m| (i as f64) < m) || max.is_some_and(|m| (i as f64) > m);
            if outside {
                problems.push(
                    self.at(node.line, node.column),
                    format!(
                        "{}{i} is out of range ({} to {})",
                        prefix(path),
                        min.map_or("…".into(), |m| m.to_string()),
                        max.map_or("…".into(), |m| m.to_string())
                    ),
                    described(),
                );
            }
        }

        match &node.value {
            Value::Mapping(entries) => self.walk_mapping(node, entries, object, path, problems),
            Value::Sequence(items) => {
                if let Some(item_schema) = object.get("items") {
                    for (i, item) in items.iter().enumerate() {
                        self.walk(item, item_schema, &format!("{path}[{i}]"), problems);
                    }
                }
            }
            _ => {}
        }
    }

    fn walk_alternatives(
        &self,
        node: &Node,
        branches: &[Json],
        path: &str,
        problems: &mut Problems,
    ) {
        let mut attempts = Vec::new();
        for branch in branches {
            let mut found = Problems::default();
            self.walk(node, branch, path, &mut found);
            if found.is_empty() {
                return;
            }
            attempts.push((branch, found));
        }
        // An `Option<T>` is `anyOf [T, null]`: when the value is not null, T's problems are
        // the useful ones.
        let non_null: Vec<_> = attempts
            .iter()
            .filter(|(branch, _)| self.resolve(branch).get("type") != Some(&Json::from("null")))
            .collect();
        let constants: Vec<Json> = branches
            .iter()
            .filter_map(|b| self.resolve(b).get("const").cloned())
            .collect();
        if !constants.is_empty() && constants.len() == branches.len() {
            problems.push(
                self.at(node.line, node.column),
                format!(
                    "{}must be one of {}, found {}",
                    prefix(path),
                    list(&constants),
                    shown(node)
                ),
                "use one of the listed values, spelled exactly".to_owned(),
            );
        } else if let [(_, found)] = non_null.as_slice() {
            problems.0.extend(found.0.iter().cloned());
        } else {
            problems.push(
                self.at(node.line, node.column),
                format!("{}matches none of the allowed forms", prefix(path)),
                "see the spec's JSON Schema under spec/schema/ for the allowed forms".to_owned(),
            );
        }
    }

    fn walk_mapping(
        &self,
        node: &Node,
        entries: &[(crate::node::Key, Node)],
        object: &serde_json::Map<String, Json>,
        path: &str,
        problems: &mut Problems,
    ) {
        let properties = object.get("properties").and_then(Json::as_object);
        let additional = object.get("additionalProperties");
        for (key, value) in entries {
            let child = join(path, &key.name);
            match properties.and_then(|p| p.get(&key.name)) {
                Some(schema) => self.walk(value, schema, &child, problems),
                None => match additional {
                    Some(Json::Bool(false)) => {
                        let known: Vec<&str> = properties
                            .map(|p| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let help = match closest(&key.name, &known) {
                            Some(guess) => format!("did you mean `{guess}`?"),
                            None => format!(
                                "remove it; the keys allowed here are: {}",
                                known.join(", ")
                            ),
                        };
                        problems.push(
                            self.at(key.line, key.column),
                            format!("unknown key `{}`{}", key.name, within(path)),
                            help,
                        );
                    }
                    Some(schema) => self.walk(value, schema, &child, problems),
                    None => {}
                },
            }
        }
        if let Some(required) = object.get("required").and_then(Json::as_array) {
            for name in required.iter().filter_map(Json::as_str) {
                if !entries.iter().any(|(k, _)| k.name == name) {
                    let about = properties
                        .and_then(|p| p.get(name))
                        .map(|s| describe(&join(path, name), self.resolve(s)))
                        .unwrap_or_default();
                    problems.push(
                        self.at(node.line, node.column),
                        format!("missing key `{name}`{}", within(path)),
                        format!("add `{name}:`; {about}"),
                    );
                }
            }
        }
    }
}

fn has_type(value: &Value, ty: &str) -> bool {
    match ty {
        "null" => matches!(value, Value::Null),
        "boolean" => matches!(value, Value::Bool(_)),
        "integer" => matches!(value, Value::Integer(_)),
        "number" => matches!(value, Value::Integer(_) | Value::Float(_)),
        "string" => matches!(value, Value::String(_)),
        "array" => matches!(value, Value::Sequence(_)),
        "object" => matches!(value, Value::Mapping(_)),
        _ => true,
    }
}

fn type_name(ty: &str) -> &str {
    match ty {
        "null" => "null",
        "boolean" => "true or false",
        "integer" => "an integer",
        "number" => "a number",
        "string" => "a string",
        "array" => "a list",
        "object" => "a mapping",
        other => other,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn prefix(path: &str) -> String {
    if path.is_empty() {
        "the document ".to_owned()
    } else {
        format!("`{path}` ")
    }
}

fn within(path: &str) -> String {
    if path.is_empty() {
        " at the top level".to_owned()
    } else {
        format!(" in `{path}`")
    }
}

fn describe(path: &str, schema: &Json) -> String {
    let what = schema
        .get("description")
        .and_then(Json::as_str)
        .unwrap_or("see the spec's JSON Schema under spec/schema/");
    if path.is_empty() {
        what.to_owned()
    } else {
        format!("`{path}`: {what}")
    }
}

fn shown(node: &Node) -> String {
    match &node.value {
        Value::String(s) => format!("{s:?}"),
        Value::Integer(i) => i.to_string(),
        Value::Bool(b) => b.to_string(),
        other => other.kind().to_owned(),
    }
}

fn list(values: &[Json]) -> String {
    values
        .iter()
        .map(|v| v.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The known key nearest to a misspelled one, when one is near enough to be a likely typo.
fn closest<'k>(key: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(&key.to_lowercase(), &k.to_lowercase()), *k))
        .filter(|(d, k)| *d <= 2.max(k.len() / 4))
        .min()
        .map(|(_, k)| k)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typos_are_matched_to_the_nearest_key() {
        assert_eq!(closest("curency", &["currency", "code"]), Some("currency"));
        assert_eq!(closest("zzzzzz", &["currency", "code"]), None);
    }
}
