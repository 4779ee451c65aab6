//! `smilepayz-codegen`: check a spec folder, generate the SDK's Rust from it, and write the
//! files people read (the JSON Schema for editors, the region reference page).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: smilepayz-codegen <command>

commands:
  check <spec-dir>                      check the spec; print every problem as file:line:column
  generate <spec-dir> --out <dir>       write the generated Rust to <dir>/smilepayz_generated.rs
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
            let files = smilepayz_codegen::generate_files(&spec).map_err(|e| e.to_string())?;
            let regions = out.join("regions");
            std::fs::create_dir_all(&regions)
                .map_err(|e| format!("cannot create {}: {e}", regions.display()))?;
            // A region removed from the spec leaves no file behind.
            let keep: Vec<std::path::PathBuf> = files.iter().map(|(p, _)| out.join(p)).collect();
            if let Ok(entries) = std::fs::read_dir(&regions) {
                for entry in entries.filter_map(Result::ok) {
                    let path = entry.path();
                    if path.extension().is_some_and(|e| e == "rs") && !keep.contains(&path) {
                        std::fs::remove_file(&path)
                            .map_err(|e| format!("cannot remove {}: {e}", path.display()))?;
                        println!("removed {}", path.display());
                    }
                }
            }
            for (relative, text) in &files {
                let file = out.join(relative);
                if std::fs::read_to_string(&file).ok().as_deref() != Some(text.as_str()) {
                    write(&file, text)?;
                    println!("wrote {}", file.display());
                }
            }
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
