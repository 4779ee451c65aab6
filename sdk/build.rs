//! Generates the region modules from `../spec` into `OUT_DIR` on every spec change.
//!
//! `SMILEPAYZ_SPEC_DIR` points the build at another spec folder (the compile-time benchmarks
//! use it for synthetic specs of hundreds of regions).

use std::path::{Path, PathBuf};

fn main() {
    println!("cargo::rerun-if-env-changed=SMILEPAYZ_SPEC_DIR");
    let spec_dir = std::env::var_os("SMILEPAYZ_SPEC_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("../spec"));
    let spec = spec_dir.as_path();
    // Watch the folder (a region added or removed) and each file (a region edited); with
    // these lines a build that changes nothing does not run this script again.
    println!("cargo::rerun-if-changed={}", spec.join("regions").display());
    for file in smilepayz_codegen::spec_files(spec) {
        println!("cargo::rerun-if-changed={}", file.display());
    }
    let loaded = match smilepayz_codegen::load(spec) {
        Ok(loaded) => loaded,
        Err(problems) => fail(&format!(
            "the spec in {} has problems:\n{problems}\nfix them (check with `cargo run --bin smilepayz-codegen -- check spec`) and build again",
            spec.display()
        )),
    };
    let code = match smilepayz_codegen::generate(&loaded) {
        Ok(code) => code,
        Err(error) => fail(&error.to_string()),
    };
    let Some(out_dir) = std::env::var_os("OUT_DIR") else {
        fail("OUT_DIR is not set; build this crate with cargo");
    };
    let out = Path::new(&out_dir).join("smilepayz_generated.rs");
    // Write only when the text changed, so dependants are not rebuilt for nothing.
    if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str())
        && let Err(error) = std::fs::write(&out, code)
    {
        fail(&format!("cannot write {}: {error}", out.display()));
    }
}

fn fail(message: &str) -> ! {
    for line in message.lines() {
        println!("cargo::error={line}");
    }
    std::process::exit(1);
}
