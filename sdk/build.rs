//! The generated code is committed in `src/generated/` (so the crate builds from the registry
//! with no spec and no generator). With the `regenerate` feature, this script generates it
//! afresh from the spec instead, into `OUT_DIR`, on every spec change: that is how a spec edit
//! followed by `cargo build` takes effect in the repository, where the workspace turns the
//! feature on. A test compares the committed files with the spec and names the command that
//! brings them up to date.
//!
//! `SMILEPAYZ_SPEC_DIR` (with `regenerate`) points the build at another spec folder (the
//! compile-time benchmarks and the spec-variant tests use it). Without it, `regenerate` uses
//! `../spec`, the repository's; where that does not exist (a build from the registry, docs.rs
//! with every feature on), the committed files are used.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(smilepayz_regenerated)");
    println!("cargo::rustc-check-cfg=cfg(docsrs)");
    println!("cargo::rerun-if-env-changed=SMILEPAYZ_SPEC_DIR");
    regenerate::run();
}

#[cfg(not(feature = "regenerate"))]
mod regenerate {
    pub fn run() {
        if std::env::var_os("SMILEPAYZ_SPEC_DIR").is_some() {
            super::fail(
                "SMILEPAYZ_SPEC_DIR is set, but the `regenerate` feature is off, so the committed \
                 code would be built instead: build with `--features smilepayz/regenerate`",
            );
        }
    }
}

#[cfg(feature = "regenerate")]
mod regenerate {
    use std::path::{Path, PathBuf};

    pub fn run() {
        let (spec_dir, explicit) = match std::env::var_os("SMILEPAYZ_SPEC_DIR") {
            Some(dir) => (PathBuf::from(dir), true),
            None => (PathBuf::from("../spec"), false),
        };
        let spec = spec_dir.as_path();
        if !explicit && !spec.join("gateway.yaml").is_file() {
            // A packaged crate: no spec beside it. The committed code is the crate's.
            println!("cargo::rerun-if-changed=build.rs");
            return;
        }
        // Watch the folder (a region added or removed) and each file (a region edited); with
        // these lines a build that changes nothing does not run this script again.
        println!("cargo::rerun-if-changed={}", spec.join("regions").display());
        for file in smilepayz_codegen::spec_files(spec) {
            println!("cargo::rerun-if-changed={}", file.display());
        }
        let loaded = match smilepayz_codegen::load(spec) {
            Ok(loaded) => loaded,
            Err(problems) => super::fail(&format!(
                "the spec in {} has problems:\n{problems}\nfix them (check with `cargo run --bin smilepayz-codegen -- check spec`) and build again",
                spec.display()
            )),
        };
        let code = match smilepayz_codegen::generate(&loaded) {
            Ok(code) => code,
            Err(error) => super::fail(&error.to_string()),
        };
        let Some(out_dir) = std::env::var_os("OUT_DIR") else {
            super::fail("OUT_DIR is not set; build this crate with cargo");
        };
        let out = Path::new(&out_dir).join("smilepayz_generated.rs");
        // Write only when the text changed, so dependants are not rebuilt for nothing.
        if std::fs::read_to_string(&out).ok().as_deref() != Some(code.as_str())
            && let Err(error) = std::fs::write(&out, code)
        {
            super::fail(&format!("cannot write {}: {error}", out.display()));
        }
        println!("cargo::rustc-cfg=smilepayz_regenerated");
    }
}

fn fail(message: &str) -> ! {
    for line in message.lines() {
        println!("cargo::error={line}");
    }
    std::process::exit(1);
}
