//! Loading a spec folder: `gateway.yaml` and `regions/*.yaml`, checked as a whole.
//!
//! Each file is first read into a located tree and checked against the JSON Schema of the
//! spec types, then read into those types, then resolved into the [`model`](crate::model)
//! the emitter works from and checked for what a schema cannot say (formats, duplicates
//! across files, names that must become Rust identifiers, references, overrides, examples
//! that must match the fields in their region). Every problem is collected; nothing stops at
//! the first.

mod gateway;
mod overrides;
mod region;

use gateway::*;
use overrides::*;
use region::*;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::model::{
    self, Definition, Field, Namespace, RegionFacts, Resolver, Side, Source, Step, Ty, keys,
    parse_offset, pascal_only,
};
use crate::model::{Endpoint, Region, RegionEndpointModel, Spec};
use crate::naming;
use crate::node::{self, Node};
use crate::problem::{Location, Problems};
use crate::spec::{GatewaySpec, OverrideSpec, RegionEndpoint, RegionSpec};

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
    // Each file is read and checked on its own (in parallel); the problems and regions are
    // gathered in the files' order.
    let read = crate::parallel::map(&files, |file| {
        let mut problems = Problems::default();
        if file.extension().is_some_and(|e| e == "yml") {
            problems.push(
                Location::start_of(file),
                "region files must end in .yaml",
                format!("rename it to {}", file.with_extension("yaml").display()),
            );
            return (problems, None);
        }
        let read =
            read_checked::<RegionSpec>(file, &region_schema, &mut problems).map(|(spec, tree)| {
                let src = Source { tree: &tree, file };
                let region = check_region(spec.clone(), src, gateway.as_ref(), &mut problems);
                (region, spec, tree)
            });
        (problems, read)
    });
    let mut regions = Vec::new();
    let mut parsed = Vec::new();
    for (file, (found, read)) in files.iter().zip(read) {
        problems.0.extend(found.0);
        if let Some((region, spec, tree)) = read {
            regions.extend(region);
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
