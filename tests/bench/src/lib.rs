//! Benchmarks of the smilepayz SDK; see `benches/` and BENCHMARKS.md.
