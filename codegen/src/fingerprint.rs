//! What the committed generated code was made from, as one line the SDK's build script can
//! check without the generator.
//!
//! `cargo regenerate` writes `sdk/src/generated/FINGERPRINT`: a hash of the spec files and of
//! the generator's own sources. A build of the SDK in the repository that does not regenerate
//! (`cargo run --bin smilepayz`, `cargo test -p smilepayz`: the `regenerate` feature is on only
//! when a package that turns it on is built too) hashes the same files and stops, naming
//! `cargo regenerate`, when they differ, so stale code is never built without a word.
//!
//! `sdk/build.rs` has its own copy of [`fingerprint`] (it cannot depend on this crate unless
//! it regenerates); CI builds the SDK without regenerating, so the two copies must agree for
//! CI to pass.

use std::path::{Path, PathBuf};

/// The file, inside the generated folder, that holds the fingerprint.
pub const FILE: &str = "FINGERPRINT";

/// The inputs of generation under the repository `root`, in the order they are hashed: the
/// spec (`spec/gateway.yaml`, then `spec/regions/*.yaml` by name) and the generator's sources
/// (`codegen/src/**/*.rs` by path). Each with its `/`-separated path from `root`.
#[must_use]
pub fn inputs(root: &Path) -> Vec<(String, PathBuf)> {
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

/// Files under `root/dir` (recursively) whose names pass `keep`, sorted by path.
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

/// The fingerprint of the inputs under `root`, as written in [`FILE`]: FNV-1a (64 bits) over
/// each file's path and bytes, carriage returns left out so a Windows checkout agrees. Not a
/// security measure: it tells "changed" from "unchanged".
///
/// # Errors
/// When an input cannot be read.
pub fn fingerprint(root: &Path) -> std::io::Result<String> {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &byte in bytes.iter().filter(|&&b| b != b'\r') {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, path) in inputs(root) {
        eat(name.as_bytes());
        eat(&[0]);
        eat(&std::fs::read(&path)?);
        eat(&[0xff]);
    }
    Ok(format!("{hash:016x}"))
}

/// The text of [`FILE`] for `fingerprint`.
#[must_use]
pub fn file_text(fingerprint: &str) -> String {
    format!(
        "# Written by `cargo regenerate`: a hash of spec/ and codegen/src/ as they were when\n\
         # this folder was generated. The SDK's build script compares it with the files in the\n\
         # repository and refuses to build stale code. Do not edit by hand.\n\
         {fingerprint}\n"
    )
}

/// The fingerprint written in a [`FILE`]'s text: its one line that is not a comment.
#[must_use]
pub fn read(text: &str) -> Option<&str> {
    text.lines()
        .map(str::trim)
        .find(|line| !line.is_empty() && !line.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn carriage_returns_and_file_order_are_handled() {
        let dir = std::env::temp_dir().join(format!("fingerprint-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("spec/regions")).unwrap();
        std::fs::create_dir_all(dir.join("codegen/src/emit")).unwrap();
        std::fs::write(dir.join("spec/gateway.yaml"), "a: 1\n").unwrap();
        std::fs::write(dir.join("spec/regions/thb.yaml"), "code: THB\n").unwrap();
        std::fs::write(dir.join("codegen/src/lib.rs"), "//! x\n").unwrap();
        std::fs::write(dir.join("codegen/src/emit/any.rs"), "//! y\n").unwrap();
        let names: Vec<String> = inputs(&dir).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                "spec/gateway.yaml",
                "spec/regions/thb.yaml",
                "codegen/src/emit/any.rs",
                "codegen/src/lib.rs"
            ]
        );
        let first = fingerprint(&dir).unwrap();
        std::fs::write(dir.join("spec/regions/thb.yaml"), "code: THB\r\n").unwrap();
        assert_eq!(fingerprint(&dir).unwrap(), first, "CRLF counts as LF");
        std::fs::write(dir.join("spec/regions/thb.yaml"), "code: THb\n").unwrap();
        assert_ne!(fingerprint(&dir).unwrap(), first, "one byte changes it");
        assert_eq!(read(&file_text(&first)), Some(first.as_str()));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
