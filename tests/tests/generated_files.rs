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
            "{file} is not up to date with the spec types; run `cargo regenerate` and commit it"
        );
    }
}

#[test]
fn committed_reference_page_is_current() {
    let page = smilepayz_codegen::reference_markdown(&load()).expect("the reference page renders");
    assert!(
        committed("docs/regions.md") == page,
        "docs/regions.md is not up to date with the spec; run `cargo regenerate` and commit it"
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

#[test]
fn the_committed_generated_code_is_current() {
    // The crate builds from these files when it is not regenerating (from the registry, and
    // `cargo build -p smilepayz` here); they must be exactly what the spec generates.
    const FIX: &str = "run `cargo regenerate` and commit the result";
    let files = smilepayz_codegen::generate_files(&load()).expect("generates");
    let mut stale = Vec::new();
    for (relative, text) in &files {
        let path = format!("sdk/src/generated/{relative}");
        if committed(&path) != *text {
            stale.push(path);
        }
        syn::parse_file(text).unwrap_or_else(|e| panic!("{relative} does not parse: {e}"));
    }
    let expected: Vec<String> = files.iter().map(|(p, _)| p.clone()).collect();
    for entry in std::fs::read_dir(root().join("sdk/src/generated/regions"))
        .expect("sdk/src/generated/regions exists")
        .filter_map(Result::ok)
    {
        let name = format!("regions/{}", entry.file_name().to_string_lossy());
        if !expected.contains(&name) {
            stale.push(format!(
                "sdk/src/generated/{name} (no such region in the spec)"
            ));
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated code: {}; {FIX}",
        stale.join(", ")
    );
    // The split layout holds the same code as the single file the build script writes.
    let single = smilepayz_codegen::generate(&load()).expect("generates");
    for (relative, text) in &files {
        if let Some(module) = relative
            .strip_prefix("regions/")
            .and_then(|r| r.strip_suffix(".rs"))
        {
            assert!(
                single.contains(&format!("pub mod {module} {{")),
                "{relative} has no module in the single-file output"
            );
            assert!(text.lines().count() > 10, "{relative} is nearly empty");
        }
    }
}
