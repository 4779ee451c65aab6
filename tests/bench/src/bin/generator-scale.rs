//! Regions at scale: `generator-scale [N…]` (default 10 100 1000).
//!
//! 1. Generated lines per region for the real spec: `smilepayz_codegen::region_source` of each
//!    region, beside the shared code (`shared_source`) that every region reuses.
//! 2. For each N, a synthetic spec of N regions (see `smilepayz_bench::synthetic`): the time of
//!    `load` and of `generate_files` (what the SDK's build and `cargo regenerate` write: `mod.rs`
//!    and a file per region; median of 3 runs), and the output's size, each also per region,
//!    so linear growth shows as a flat per-region column. A spec the loader refuses (more than
//!    9,999 regions: area codes run out) is reported with the loader's first problem.

use std::path::Path;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use smilepayz_bench::synthetic;

fn main() -> ExitCode {
    let sizes: Vec<usize> = {
        let given: Vec<usize> = std::env::args()
            .skip(1)
            .filter_map(|a| a.parse().ok())
            .collect();
        if given.is_empty() {
            vec![10, 100, 1000]
        } else {
            given
        }
    };
    let real = synthetic::real_spec_dir();
    let spec = match smilepayz_codegen::load(&real) {
        Ok(spec) => spec,
        Err(problems) => {
            eprintln!("the real spec does not load:\n{problems}");
            return ExitCode::FAILURE;
        }
    };
    let lines = |text: &str| text.lines().count();
    let shared = smilepayz_codegen::shared_source(&spec)
        .map(|s| lines(&s))
        .unwrap_or(0);
    let whole = smilepayz_codegen::generate(&spec)
        .map(|s| lines(&s))
        .unwrap_or(0);
    println!(
        "real spec: {} regions, {whole} generated lines in all, {shared} shared",
        spec.regions.len()
    );
    for region in &spec.regions {
        match smilepayz_codegen::region_source(&spec, region) {
            Ok(source) => println!("  {}: {} lines", region.spec.code, lines(&source)),
            Err(error) => println!("  {}: cannot generate: {error}", region.spec.code),
        }
    }

    println!();
    println!(
        "regions | load ms | generate ms | total ms | us/region | output KiB | lines | lines/region"
    );
    let dir =
        std::env::temp_dir().join(format!("smilepayz-generator-scale-{}", std::process::id()));
    for n in sizes {
        if let Err(error) = synthetic::write_spec(&real, &dir, n) {
            eprintln!("cannot write the synthetic spec: {error}");
            return ExitCode::FAILURE;
        }
        match measure(&dir, n) {
            Ok(row) => println!("{row}"),
            Err(message) => println!("{n:>7} | refused by the loader: {message}"),
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    ExitCode::SUCCESS
}

fn measure(dir: &Path, n: usize) -> Result<String, String> {
    let mut loads = Vec::new();
    let mut generates = Vec::new();
    let mut output = String::new();
    for _ in 0..3 {
        let started = Instant::now();
        let spec = smilepayz_codegen::load(dir).map_err(|problems| {
            let count = problems
                .to_string()
                .lines()
                .filter(|l| l.contains("error"))
                .count();
            let first = problems
                .to_string()
                .lines()
                .next()
                .unwrap_or_default()
                .to_owned();
            format!("{count} problem(s), the first: {first}")
        })?;
        loads.push(started.elapsed());
        let started = Instant::now();
        // The files the SDK's build and `cargo regenerate` write: `mod.rs` and one file per
        // region (the region files emitted and printed in parallel).
        output = smilepayz_codegen::generate_files(&spec)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|(_, text)| text)
            .collect();
        generates.push(started.elapsed());
    }
    let (load, generate) = (median(loads), median(generates));
    let total = load + generate;
    let lines = output.lines().count();
    Ok(format!(
        "{n:>7} | {:>7.1} | {:>11.1} | {:>8.1} | {:>9.0} | {:>10.0} | {lines:>5} | {:>12.1}",
        ms(load),
        ms(generate),
        ms(total),
        total.as_secs_f64() * 1e6 / n as f64,
        output.len() as f64 / 1024.0,
        lines as f64 / n as f64,
    ))
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}
