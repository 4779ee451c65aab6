//! The committed files made from the spec are up to date, and generation is deterministic.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn load() -> smilepayz_codegen::Spec {
    smilepayz_codegen::load(&root().join("spec"))
        .unwrap_or_else(|problems| panic!("the spec has problems:\n{problems}"))
}

fn committed(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_default()
}

#[test]
fn committed_json_schemas_are_current() {
    for (file, schema) in [
        (
            "spec/schema/gateway.schema.json",
            smilepayz_codegen::gateway_schema(),
        ),
        (
            "spec/schema/region.schema.json",
            smilepayz_codegen::region_schema(),
        ),
    ] {
        assert!(
            committed(file) == smilepayz_codegen::schema_text(&schema),
            "{file} is not up to date with the spec types; run `cargo run --bin smilepayz-codegen -- schema spec` and commit it"
        );
    }
}

#[test]
fn committed_reference_page_is_current() {
    let page = smilepayz_codegen::reference_markdown(&load()).expect("the reference page renders");
    assert!(
        committed("docs/regions.md") == page,
        "docs/regions.md is not up to date with the spec; run `cargo run --bin smilepayz-codegen -- reference spec --out docs/regions.md` and commit it"
    );
}

#[test]
fn the_same_spec_gives_byte_identical_output() {
    let first = smilepayz_codegen::generate(&load()).expect("generates");
    let second = smilepayz_codegen::generate(&load()).expect("generates");
    assert_eq!(first, second);
    // The output is valid Rust.
    syn::parse_file(&first).expect("the generated file parses");
}

#[test]
fn every_region_file_is_a_module_and_a_region() {
    let spec = load();
    let code = smilepayz_codegen::generate(&spec).expect("generates");
    let files: Vec<_> = std::fs::read_dir(root().join("spec/regions"))
        .expect("spec/regions exists")
        .filter_map(Result::ok)
        .collect();
    assert_eq!(spec.regions.len(), files.len());
    for region in &spec.regions {
        assert!(
            code.contains(&format!("pub mod {} {{", region.module)),
            "no module for {}",
            region.spec.code
        );
    }
    assert_eq!(
        smilepayz::Region::ALL.len(),
        files.len(),
        "the SDK was built from a different spec"
    );
}
