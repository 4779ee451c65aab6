//! The generated code is committed in `src/generated/` (so the crate builds from the registry
//! with no spec and no generator). With the `regenerate` feature, this script generates it
//! afresh from the spec instead, into `OUT_DIR`, on every spec change: that is how the
//! workspace's tests (`cargo test` at the root; the tests package turns the feature on) see a
//! spec edit before `cargo regenerate` has run.
//!
//! Without the feature, in the repository (`cargo run --bin smilepayz`, `cargo test -p
//! smilepayz`: features unify only across the packages being built), the committed files are
//! built, and only if they are current: `src/generated/FINGERPRINT` must match the spec and the
//! generator's sources, or the build stops and names `cargo regenerate`. With the feature, a
//! stale committed folder is a warning (the build itself uses the spec as it is).
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
        if let Some(stale) = super::fingerprint::stale() {
            super::fail(&format!(
                "{stale}, and this build does not regenerate (the `regenerate` feature is on only \
                 when a package that turns it on is built too).\n\
                 Run `cargo regenerate` at the repository's root, then build again \
                 (or build with `--features smilepayz/regenerate`)."
            ));
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
        // The same files `cargo regenerate` commits (`mod.rs`, `regions/<region>.rs`, the
        // region files emitted in parallel), in OUT_DIR/generated; the file the crate
        // includes declares that folder's `mod.rs` as the module `generated`.
        let files = match smilepayz_codegen::generate_files(&loaded) {
            Ok(files) => files,
            Err(error) => super::fail(&error.to_string()),
        };
        let Some(out_dir) = std::env::var_os("OUT_DIR") else {
            super::fail("OUT_DIR is not set; build this crate with cargo");
        };
        let folder = Path::new(&out_dir).join("generated");
        // A region removed from the spec leaves no file behind.
        if let Ok(entries) = std::fs::read_dir(folder.join("regions")) {
            for entry in entries.flatten() {
                let name = format!("regions/{}", entry.file_name().to_string_lossy());
                if !files.iter().any(|(relative, _)| *relative == name) {
                    let _ = std::fs::remove_file(entry.path());
                }
            }
        }
        for (relative, text) in &files {
            write_if_changed(&folder.join(relative), text);
        }
        let Some(module) = folder.join("mod.rs").to_str().map(str::to_owned) else {
            super::fail(&format!(
                "OUT_DIR ({}) is not valid UTF-8, so the generated module cannot be named in a #[path]",
                folder.display()
            ));
        };
        write_if_changed(
            &Path::new(&out_dir).join("smilepayz_generated.rs"),
            &format!(
                "#[path = {module:?}]\n#[rustfmt::skip]\nmod generated;\npub use generated::{{definitions, endpoints, gateway, regions}};\n"
            ),
        );
        println!("cargo::rustc-cfg=smilepayz_regenerated");
        if !explicit && let Some(stale) = super::fingerprint::stale() {
            println!(
                "cargo::warning={stale}; this build uses the spec as it is, but builds without \
                 the `regenerate` feature and the crate's package use the committed code: run \
                 `cargo regenerate` and commit the result"
            );
        }
    }

    /// Writes `text` to `path` only when it changed, so dependants are not rebuilt for nothing.
    fn write_if_changed(path: &Path, text: &str) {
        if std::fs::read_to_string(path).ok().as_deref() == Some(text) {
            return;
        }
        let written = match path.parent() {
            Some(parent) => std::fs::create_dir_all(parent),
            None => Ok(()),
        }
        .and_then(|()| std::fs::write(path, text));
        if let Err(error) = written {
            super::fail(&format!("cannot write {}: {error}", path.display()));
        }
    }
}

/// The committed code's fingerprint against the repository's spec and generator sources (the
/// same computation as `smilepayz_codegen::fingerprint`, which this script cannot depend on
/// without the `regenerate` feature; CI builds both ways, so the two must agree).
mod fingerprint {
    use std::path::{Path, PathBuf};

    /// Why the committed code is stale, or `None` when it is current or when this is not a
    /// build in the repository (no `../spec`, `../codegen`: a packaged crate).
    pub fn stale() -> Option<String> {
        let root = Path::new("..");
        let committed = Path::new("src/generated/FINGERPRINT");
        if !root.join("spec/gateway.yaml").is_file() || !root.join("codegen/src").is_dir() {
            println!("cargo::rerun-if-changed=build.rs");
            return None;
        }
        println!("cargo::rerun-if-changed={}", committed.display());
        for dir in ["../spec/regions", "../codegen/src"] {
            println!("cargo::rerun-if-changed={dir}");
        }
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        let mut eat = |bytes: &[u8]| {
            for &byte in bytes.iter().filter(|&&b| b != b'\r') {
                hash ^= u64::from(byte);
                hash = hash.wrapping_mul(0x0100_0000_01b3);
            }
        };
        for (name, path) in inputs(root) {
            println!("cargo::rerun-if-changed={}", path.display());
            let Ok(bytes) = std::fs::read(&path) else {
                return Some(format!("{name} cannot be read"));
            };
            eat(name.as_bytes());
            eat(&[0]);
            eat(&bytes);
            eat(&[0xff]);
        }
        let actual = format!("{hash:016x}");
        let text = std::fs::read_to_string(committed).unwrap_or_default();
        let written = text
            .lines()
            .map(str::trim)
            .find(|line| !line.is_empty() && !line.starts_with('#'));
        (written != Some(actual.as_str())).then(|| {
            "sdk/src/generated/ is older than the spec or the generator (its FINGERPRINT does \
             not match spec/ and codegen/src/)"
                .to_owned()
        })
    }

    fn inputs(root: &Path) -> Vec<(String, PathBuf)> {
        let mut files = vec![(
            "spec/gateway.yaml".to_owned(),
            root.join("spec/gateway.yaml"),
        )];
        files.extend(listed(root, "spec/regions", &|name| {
            name.ends_with(".yaml") || name.ends_with(".yml")
        }));
        files.extend(listed(root, "codegen/src", &|name| name.ends_with(".rs")));
        files
    }

    fn listed(root: &Path, dir: &str, keep: &dyn Fn(&str) -> bool) -> Vec<(String, PathBuf)> {
        let mut found = Vec::new();
        let mut pending = vec![dir.to_owned()];
        while let Some(dir) = pending.pop() {
            let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
                continue;
            };
            for entry in entries.filter_map(Result::ok) {
                let name = entry.file_name().to_string_lossy().into_owned();
                let relative = format!("{dir}/{name}");
                if entry.file_type().is_ok_and(|t| t.is_dir()) {
                    pending.push(relative);
                } else if keep(&name) {
                    found.push((relative, entry.path()));
                }
            }
        }
        found.sort();
        found
    }
}

fn fail(message: &str) -> ! {
    for line in message.lines() {
        println!("cargo::error={line}");
    }
    std::process::exit(1);
}
