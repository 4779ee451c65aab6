//! The generator (`load` + `generate`) on synthetic specs of 10, 100 and 1,000 regions (see
//! BENCHMARKS.md).
//! `cargo bench -p smilepayz-bench --bench generator`; the throughput column (regions per
//! second) must stay flat for growth to be linear.

// criterion_group!/criterion_main! define public functions without doc comments, which the
// workspace's `missing_docs = "deny"` would refuse; this file has nothing else public.
#![allow(missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{
    BenchmarkId, Criterion, SamplingMode, Throughput, criterion_group, criterion_main,
};
use smilepayz_bench::synthetic;

fn generator(c: &mut Criterion) {
    let root =
        std::env::temp_dir().join(format!("smilepayz-bench-generator-{}", std::process::id()));
    let mut group = c.benchmark_group("generator");
    group
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4))
        .sample_size(10);
    for regions in [10, 100, 1000] {
        let dir = root.join(regions.to_string());
        synthetic::write_spec(&synthetic::real_spec_dir(), &dir, regions)
            .expect("a synthetic spec");
        group.throughput(Throughput::Elements(regions as u64));
        group.bench_with_input(
            BenchmarkId::new("load_and_generate", regions),
            &dir,
            |b, dir| {
                b.iter(|| {
                    let spec =
                        smilepayz_codegen::load(black_box(dir)).expect("the synthetic spec loads");
                    smilepayz_codegen::generate(&spec).expect("generated").len()
                })
            },
        );
    }
    group.finish();
    let _ = std::fs::remove_dir_all(&root);
}

criterion_group!(benches, generator);
criterion_main!(benches);
