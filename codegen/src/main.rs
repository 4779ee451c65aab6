//! `smilepayz-codegen`: check a spec folder, generate the SDK's Rust from it, and write the
//! files people read (the JSON Schema for editors, the region reference page).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: smilepayz-codegen <command>

commands:
  regenerate [--check] [--root <dir>]   in the repository: write everything made from the spec
                                        (sdk/src/generated/ with its FINGERPRINT, spec/schema/,
                                        docs/regions.md); with --check, write nothing and fail
                                        when any of it is stale. `cargo regenerate` runs this.
  check <spec-dir>                      check the spec; print every problem as file:line:column
  generate <spec-dir> --out <dir>       write the generated Rust to <dir> (mod.rs, regions/*.rs)
  schema <spec-dir>                     write the spec files' JSON Schema to <spec-dir>/schema/
  reference <spec-dir> --out <file>     write the Markdown reference of all regions to <file>

exit status: 0 on success, 1 when the spec has problems, 2 on a usage or file error";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(code) => code,
        Err(message) => {
            eprintln!("smilepayz-codegen: {message}");
            ExitCode::from(2)
        }
    }
}

fn run(args: &[String]) -> Result<ExitCode, String> {
    let Some(command) = args.first() else {
        return Err(format!("no command given\n\n{USAGE}"));
    };
    let rest = &args[1..];
    match command.as_str() {
        "-h" | "--help" | "help" => {
            println!("{USAGE}");
            Ok(ExitCode::SUCCESS)
        }
        "regenerate" => regenerate(rest),
        "check" => {
            let (dir, _) = parse(rest, false)?;
            Ok(match load(&dir) {
                Some(spec) => {
                    println!(
                        "{}: ok ({} region{}, {} endpoint{})",
                        dir.display(),
                        spec.regions.len(),
                        plural(spec.regions.len()),
                        spec.gateway.endpoints.len(),
                        plural(spec.gateway.endpoints.len())
                    );
                    ExitCode::SUCCESS
                }
                None => ExitCode::from(1),
            })
        }
        "generate" => {
            let (dir, out) = parse(rest, true)?;
            let Some(spec) = load(&dir) else {
                return Ok(ExitCode::from(1));
            };
            let out = out.ok_or("generate needs --out <dir>")?;
            let files: Vec<(PathBuf, String)> = smilepayz_codegen::generate_files(&spec)
                .map_err(|e| e.to_string())?
                .into_iter()
                .map(|(relative, text)| (PathBuf::from(relative), text))
                .collect();
            sync(&out, Path::new("regions"), &files, false)?;
            Ok(ExitCode::SUCCESS)
        }
        "schema" => {
            let (dir, _) = parse(rest, false)?;
            let folder = dir.join("schema");
            std::fs::create_dir_all(&folder)
                .map_err(|e| format!("cannot create {}: {e}", folder.display()))?;
            for (name, schema) in [
                ("gateway.schema.json", smilepayz_codegen::gateway_schema()),
                ("region.schema.json", smilepayz_codegen::region_schema()),
            ] {
                let file = folder.join(name);
                write(&file, &smilepayz_codegen::schema_text(&schema))?;
                println!("wrote {}", file.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        "reference" => {
            let (dir, out) = parse(rest, true)?;
            let Some(spec) = load(&dir) else {
                return Ok(ExitCode::from(1));
            };
            let out = out.ok_or("reference needs --out <file>")?;
            let page = smilepayz_codegen::reference_markdown(&spec)
                .map_err(|e| format!("cannot render the reference page: {e}"))?;
            write(&out, &page)?;
            println!("wrote {}", out.display());
            Ok(ExitCode::SUCCESS)
        }
        other => Err(format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// The folder, inside the repository, that holds the committed generated code.
const GENERATED: &str = "sdk/src/generated";

/// `regenerate [--check] [--root <dir>]`.
fn regenerate(args: &[String]) -> Result<ExitCode, String> {
    let mut check = false;
    let mut root = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => check = true,
            "--root" => root = Some(PathBuf::from(iter.next().ok_or("--root needs a folder")?)),
            other => return Err(format!("unexpected argument `{other}`\n\n{USAGE}")),
        }
    }
    let root = match root {
        Some(root) => root,
        None => find_root()?,
    };
    let Some(outputs) = repository_outputs(&root)? else {
        return Ok(ExitCode::from(1));
    };
    let regions = Path::new(GENERATED).join("regions");
    if sync(&root, &regions, &outputs, check)? {
        let done = if check { "is" } else { "was already" };
        println!(
            "everything generated {done} current ({} files)",
            outputs.len()
        );
        Ok(ExitCode::SUCCESS)
    } else if check {
        eprintln!("run `cargo regenerate` at the repository's root and commit the result");
        Ok(ExitCode::from(1))
    } else {
        Ok(ExitCode::SUCCESS)
    }
}

/// Brings the files under `base` up to date with `outputs` (paths relative to `base`): writes
/// those whose text differs and removes the `.rs` files in `base/regions` that `outputs` no
/// longer has (a region removed from the spec). With `check`, changes nothing and reports each
/// such file on stderr instead. Returns whether everything was already current.
fn sync(
    base: &Path,
    regions: &Path,
    outputs: &[(PathBuf, String)],
    check: bool,
) -> Result<bool, String> {
    let mut leftovers: Vec<PathBuf> = std::fs::read_dir(base.join(regions))
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| regions.join(entry.file_name()))
                .filter(|relative| {
                    relative.extension().is_some_and(|e| e == "rs")
                        && !outputs.iter().any(|(p, _)| p == relative)
                })
                .collect()
        })
        .unwrap_or_default();
    leftovers.sort();
    let stale: Vec<&(PathBuf, String)> = outputs
        .iter()
        .filter(|(relative, text)| {
            std::fs::read_to_string(base.join(relative)).ok().as_deref() != Some(text.as_str())
        })
        .collect();
    for relative in &leftovers {
        let path = base.join(relative);
        if check {
            eprintln!("not in the spec: {}", shown(&path));
        } else {
            std::fs::remove_file(&path)
                .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
            println!("removed {}", shown(&path));
        }
    }
    for (relative, text) in &stale {
        let path = base.join(relative);
        if check {
            eprintln!("stale: {}", shown(&path));
            continue;
        }
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        write(&path, text)?;
        println!("wrote {}", shown(&path));
    }
    Ok(stale.is_empty() && leftovers.is_empty())
}

/// Everything the repository holds that is made from the spec, with its path from `root`;
/// `None` (the problems printed) when the spec has problems.
fn repository_outputs(root: &Path) -> Result<Option<Vec<(PathBuf, String)>>, String> {
    let Some(spec) = load(&root.join("spec")) else {
        return Ok(None);
    };
    let mut outputs: Vec<(PathBuf, String)> = smilepayz_codegen::generate_files(&spec)
        .map_err(|e| e.to_string())?
        .into_iter()
        .map(|(relative, text)| (Path::new(GENERATED).join(relative), text))
        .collect();
    let fingerprint = smilepayz_codegen::fingerprint::fingerprint(root)
        .map_err(|e| format!("cannot read the spec or the generator's sources: {e}"))?;
    outputs.push((
        Path::new(GENERATED).join(smilepayz_codegen::fingerprint::FILE),
        smilepayz_codegen::fingerprint::file_text(&fingerprint),
    ));
    for (name, schema) in [
        ("gateway.schema.json", smilepayz_codegen::gateway_schema()),
        ("region.schema.json", smilepayz_codegen::region_schema()),
    ] {
        outputs.push((
            Path::new("spec/schema").join(name),
            smilepayz_codegen::schema_text(&schema),
        ));
    }
    let page = smilepayz_codegen::reference_markdown(&spec)
        .map_err(|e| format!("cannot render the reference page: {e}"))?;
    outputs.push((PathBuf::from("docs/regions.md"), page));
    Ok(Some(outputs))
}

/// The repository's root: the current folder or the nearest one above it that holds
/// `spec/gateway.yaml` and `sdk/src/generated/`.
fn find_root() -> Result<PathBuf, String> {
    let here = std::env::current_dir().map_err(|e| format!("no current folder: {e}"))?;
    here.ancestors()
        .find(|dir| dir.join("spec/gateway.yaml").is_file() && dir.join(GENERATED).is_dir())
        .map(Path::to_path_buf)
        .ok_or_else(|| {
            format!(
                "{} is not inside the smilepayz repository (no spec/gateway.yaml and {GENERATED}/ \
                 here or above); run it from the repository or pass --root <dir>",
                here.display()
            )
        })
}

/// A path as the user reads it: from the current folder when it is under it.
fn shown(path: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|here| path.strip_prefix(here).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf())
        .display()
        .to_string()
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Reads `<spec-dir> [--out <path>]`.
fn parse(args: &[String], takes_out: bool) -> Result<(PathBuf, Option<PathBuf>), String> {
    let mut dir = None;
    let mut out = None;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--out" if takes_out => {
                out = Some(PathBuf::from(iter.next().ok_or("--out needs a path")?));
            }
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}`\n\n{USAGE}"));
            }
            path if dir.is_none() => dir = Some(PathBuf::from(path)),
            extra => return Err(format!("unexpected argument `{extra}`\n\n{USAGE}")),
        }
    }
    let dir = dir.ok_or_else(|| format!("no spec folder given\n\n{USAGE}"))?;
    Ok((dir, out))
}

/// Loads the spec, printing every problem to stderr when there are any.
fn load(dir: &Path) -> Option<smilepayz_codegen::Spec> {
    match smilepayz_codegen::load(dir) {
        Ok(spec) => Some(spec),
        Err(problems) => {
            eprintln!("{problems}");
            None
        }
    }
}

fn write(file: &Path, text: &str) -> Result<(), String> {
    std::fs::write(file, text).map_err(|e| format!("cannot write {}: {e}", file.display()))
}
