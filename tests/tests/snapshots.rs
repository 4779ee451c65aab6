//! One snapshot per region of its generated module, plus one of the shared modules.
//!
//! A spec change shows up here as a reviewable diff: run `cargo insta review` to accept it.
//! In CI (`CI` set) snapshots are only checked, never written.

use std::path::{Path, PathBuf};

fn spec_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec")
}

fn load() -> smilepayz_codegen::Spec {
    smilepayz_codegen::load(&spec_dir())
        .unwrap_or_else(|problems| panic!("the spec has problems:\n{problems}"))
}

#[test]
fn every_region_module_matches_its_snapshot() {
    let spec = load();
    insta::glob!("../../spec/regions", "*.yaml", |path| {
        let region = spec
            .regions
            .iter()
            .find(|r| r.file.file_name() == path.file_name())
            .unwrap_or_else(|| panic!("{} did not load as a region", path.display()));
        let source =
            smilepayz_codegen::region_source(&spec, region).expect("the region module is emitted");
        insta::assert_snapshot!(source);
    });
}

#[test]
fn shared_modules_match_their_snapshot() {
    let source = smilepayz_codegen::shared_source(&load()).expect("the shared modules are emitted");
    insta::assert_snapshot!("shared", source);
}

/// insta leaves a snapshot whose region file was deleted in place; this fails instead, so a
/// removed region cannot leave a stale file behind.
#[test]
fn no_snapshot_is_left_without_its_region() {
    let snapshots = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let regions: Vec<String> = std::fs::read_dir(spec_dir().join("regions"))
        .expect("spec/regions exists")
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    let mut stale = Vec::new();
    for entry in std::fs::read_dir(&snapshots)
        .expect("tests/snapshots exists")
        .filter_map(Result::ok)
    {
        let name = entry.file_name().into_string().unwrap_or_default();
        if name == "snapshots__shared.snap" {
            continue;
        }
        let referenced = name
            .strip_prefix("snapshots__every_region_module_matches_its_snapshot@")
            .and_then(|rest| rest.strip_suffix(".snap"))
            .is_some_and(|region_file| regions.iter().any(|r| r == region_file));
        if !referenced {
            stale.push(name);
        }
    }
    assert!(
        stale.is_empty(),
        "snapshots without a region file or test: {stale:?}; delete them (or run `cargo insta test --unreferenced=delete`)"
    );
}
