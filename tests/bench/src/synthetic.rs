//! Synthetic specs of many regions, for the generator and compile-time benchmarks. Never
//! committed: they are written into a folder the caller chooses (a temporary one).
//!
//! Region `i` (1-based) is the real `regions/thb.yaml` with its own facts: code `R0001`… (file
//! `r0001.yaml`), currency `C0001`… (also in its examples and notes, which must state the
//! region's currency), name `Synthetic 0001`, and area code `i`. Area codes must be unique and
//! at most 9999 (the loader's rule), so 9999 is the largest synthetic spec the loader accepts;
//! [`MAX_REGIONS`] says so and a larger one is written anyway, so that the refusal can be seen.

use std::io;
use std::path::Path;

/// The most regions a spec can have under the loader's area-code rule (unique, 1 to 9999).
pub const MAX_REGIONS: usize = 9999;

/// The code of synthetic region `i`: `R0001`.
pub fn region_code(i: usize) -> String {
    format!("R{i:04}")
}

/// The currency of synthetic region `i`: `C0001`.
pub fn currency(i: usize) -> String {
    format!("C{i:04}")
}

/// Writes a spec of `regions` synthetic regions into `out` (`gateway.yaml` copied from
/// `real_spec`, `regions/r0001.yaml`… made from `real_spec/regions/thb.yaml`). `out` is
/// emptied first.
///
/// # Errors
/// If the real spec cannot be read or `out` cannot be written.
pub fn write_spec(real_spec: &Path, out: &Path, regions: usize) -> io::Result<()> {
    if out.exists() {
        std::fs::remove_dir_all(out)?;
    }
    std::fs::create_dir_all(out.join("regions"))?;
    std::fs::copy(real_spec.join("gateway.yaml"), out.join("gateway.yaml"))?;
    let template = std::fs::read_to_string(real_spec.join("regions/thb.yaml"))?;
    for i in 1..=regions {
        let code = region_code(i);
        std::fs::write(
            out.join("regions")
                .join(format!("{}.yaml", code.to_lowercase())),
            region_file(&template, i),
        )?;
    }
    Ok(())
}

/// The THB region file made into synthetic region `i`.
fn region_file(thb: &str, i: usize) -> String {
    let code = region_code(i);
    let currency = currency(i);
    let mut text = String::with_capacity(thb.len() + 64);
    for line in thb.lines() {
        // Top-level keys are not indented; the examples' `code: "00"` is.
        if line.starts_with("code:") {
            text.push_str(&format!("code: {code}"));
        } else if line.starts_with("name:") {
            text.push_str(&format!("name: Synthetic {i:04}"));
        } else if line.starts_with("area_code:") {
            text.push_str(&format!("area_code: {i}"));
        } else {
            text.push_str(&line.replace("THB", &currency));
        }
        text.push('\n');
    }
    text
}

/// The repository's `spec/` folder.
pub fn real_spec_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../spec")
}
