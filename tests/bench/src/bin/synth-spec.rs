//! Writes a synthetic spec: `synth-spec <regions> <folder>` (see `smilepayz_bench::synthetic`).
//! The compile-time script builds the SDK from it through `SMILEPAYZ_SPEC_DIR`.

use std::path::PathBuf;
use std::process::ExitCode;

use smilepayz_bench::synthetic;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let (Some(Ok(regions)), Some(out)) = (
        args.get(1).map(|n| n.parse::<usize>()),
        args.get(2).map(PathBuf::from),
    ) else {
        eprintln!("usage: synth-spec <regions> <folder>");
        return ExitCode::FAILURE;
    };
    if let Err(error) = synthetic::write_spec(&synthetic::real_spec_dir(), &out, regions) {
        eprintln!("cannot write {}: {error}", out.display());
        return ExitCode::FAILURE;
    }
    println!("{regions} regions in {}", out.display());
    ExitCode::SUCCESS
}
