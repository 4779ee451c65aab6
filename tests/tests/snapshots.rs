//! One review page per region (what it offers and demands: endpoints, fields with M/O, types
//! and limits, allowed values, defaults, overrides, extra fields, example names), plus one of
//! what the regions share. The generated code itself is committed once, in
//! `sdk/src/generated/`; these pages are what a reviewer reads.
//!
//! A spec change shows up here as a short diff: run `cargo insta review` to accept it.
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
fn every_region_page_matches_its_snapshot() {
    let spec = load();
    insta::glob!("../../spec/regions", "*.yaml", |path| {
        let region = spec
            .regions
            .iter()
            .find(|r| r.file.file_name() == path.file_name())
            .unwrap_or_else(|| panic!("{} did not load as a region", path.display()));
        insta::assert_snapshot!(smilepayz_codegen::region_page(&spec, region));
    });
}

#[test]
fn shared_page_matches_its_snapshot() {
    insta::assert_snapshot!("shared", smilepayz_codegen::shared_page(&load()));
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
            .strip_prefix("snapshots__every_region_page_matches_its_snapshot@")
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

/// The pages are for review: one rule changed in one region is a one-line change of that
/// region's page, and no other page moves.
#[test]
fn one_changed_rule_is_a_one_line_page_diff() {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let copy = dir.path().join("spec");
    std::fs::create_dir_all(copy.join("regions")).expect("create the copy");
    std::fs::copy(spec_dir().join("gateway.yaml"), copy.join("gateway.yaml"))
        .expect("copy gateway.yaml");
    for entry in std::fs::read_dir(spec_dir().join("regions")).expect("spec/regions") {
        let path = entry.expect("a region file").path();
        let name = path.file_name().expect("a file name").to_owned();
        std::fs::copy(&path, copy.join("regions").join(name)).expect("copy a region");
    }
    let thb = copy.join("regions/thb.yaml");
    let text = std::fs::read_to_string(&thb).expect("thb.yaml");
    let rule = "      request.paymentMethod:\n        required: true\n";
    assert_eq!(
        text.matches(rule).count(),
        1,
        "thb.yaml changed shape; update this test"
    );
    // Thailand's pay-in: productDetail at most 64 characters instead of the shared 128.
    let edited = text.replacen(
        rule,
        &format!("      request.productDetail:\n        max_length: 64\n{rule}"),
        1,
    );
    std::fs::write(&thb, edited).expect("write thb.yaml");

    let before = load();
    let after = smilepayz_codegen::load(&copy)
        .unwrap_or_else(|problems| panic!("the edited spec has problems:\n{problems}"));
    let mut changed = Vec::new();
    for (old, new) in before.regions.iter().zip(&after.regions) {
        let old_page = smilepayz_codegen::region_page(&before, old);
        let new_page = smilepayz_codegen::region_page(&after, new);
        let old_lines: Vec<&str> = old_page.lines().collect();
        let new_lines: Vec<&str> = new_page.lines().collect();
        assert_eq!(old_lines.len(), new_lines.len(), "{}", old.spec.code);
        for (a, b) in old_lines.iter().zip(&new_lines) {
            if a != b {
                changed.push(format!("{}: {a} -> {b}", old.spec.code));
            }
        }
    }
    assert_eq!(
        smilepayz_codegen::shared_page(&before),
        smilepayz_codegen::shared_page(&after)
    );
    assert_eq!(changed.len(), 1, "{changed:#?}");
    assert!(
        changed[0].starts_with("THB: ")
            && changed[0].ends_with("O productDetail string ..64 chars [region override]"),
        "{changed:#?}"
    );
}
