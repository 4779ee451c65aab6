#!/usr/bin/env bash
# Compile-time figures for BENCHMARKS.md. A script, not a CI test: it takes several minutes of
# clean builds. Run from anywhere:
#
#   tests/bench/scripts/compile-time.sh [--skip-clean] [--full-clean-synthetic] [--rounds N]
#
# 1. Clean `cargo build -p smilepayz` (default features, the committed code of the real regions) against a clean
#    build of the minimal hand-written client crate `smilepayz-baseline`, each in its own
#    CARGO_TARGET_DIR (under $BENCH_TARGET, default /tmp/bench-target), never the shared one.
# 2. Regions at scale with warm dependencies: in the SDK's target dir, `cargo build -p smilepayz`
#    --features regenerate and SMILEPAYZ_SPEC_DIR set to the real spec (10 regions), then
#    synthetic specs of 100 and 1,000 regions, interleaved over
#    --rounds rounds. Each build reruns the build script (the generator) and recompiles the
#    smilepayz crate and nothing else, which is what a region costs.
#    --full-clean-synthetic also times a clean build of everything with 1,000 regions.
# 3. A no-op `cargo build -vv` runs no build script ("Fresh"), and editing one region file
#    reruns it ("Dirty").
# 4. `cargo tree -d` of smilepayz with default features: duplicates, copies of syn, crypto
#    libraries.
#
# CARGO_BUILD_JOBS defaults to 1 (the machine is shared). Results go to $BENCH_OUT
# (default /tmp/smilepayz-compile-time)/results.txt; the build logs beside it.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
target=${BENCH_TARGET:-/tmp/bench-target}
out=${BENCH_OUT:-/tmp/smilepayz-compile-time}
skip_clean=false
full_clean_synthetic=false
rounds=2
while [ $# -gt 0 ]; do
    case "$1" in
        --skip-clean) skip_clean=true ;;
        --full-clean-synthetic) full_clean_synthetic=true ;;
        --rounds) rounds=$2; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
    shift
done
mkdir -p "$out" "$target"
results=$out/results.txt
log=$out/build.log
: >"$log"
echo "# compile-time.sh, $(date -u +%Y-%m-%dT%H:%M:%SZ), CARGO_BUILD_JOBS=$CARGO_BUILD_JOBS, $(rustc --version)" | tee "$results"

now() { date +%s.%N; }
# timed LABEL COMMAND...: runs the command (output to the log), prints and records the seconds.
timed() {
    local label=$1
    shift
    echo "== $label: $*" >>"$log"
    local start end
    start=$(now)
    "$@" >>"$log" 2>&1
    end=$(now)
    awk -v l="$label" -v s="$start" -v e="$end" 'BEGIN { printf "%-44s %8.1f s\n", l, e - s }' | tee -a "$results"
}
# The lines the last build compiled: the generated files in OUT_DIR when the build regenerated
# (the `regenerate` feature), the committed sdk/src/generated/ otherwise.
generated_lines() {
    local folder
    folder=$(ls -td "$target"/sdk/debug/build/smilepayz-*/out/generated 2>/dev/null | head -1 || true)
    if [ -n "$folder" ]; then
        echo "    generated: $(cat "$folder"/mod.rs "$folder"/regions/*.rs | wc -l) lines, $(cat "$folder"/mod.rs "$folder"/regions/*.rs | wc -c) bytes" | tee -a "$results"
    else
        echo "    generated (committed): $(cat "$root"/sdk/src/generated/mod.rs "$root"/sdk/src/generated/regions/*.rs | wc -l) lines" | tee -a "$results"
    fi
}

# The synthetic specs (not committed; written under $out).
cargo build -q -p smilepayz-bench --bin synth-spec
for n in 100 1000; do
    "$root/target/debug/synth-spec" "$n" "$out/spec-$n" >>"$log"
done

if [ "$skip_clean" = false ]; then
    echo "## clean builds (each in its own target dir)" | tee -a "$results"
    rm -rf "$target/baseline" "$target/sdk"
    timed "clean: smilepayz-baseline" env CARGO_TARGET_DIR="$target/baseline" cargo build --timings -p smilepayz-baseline
    cp "$target/baseline/cargo-timings/cargo-timing.html" "$out/timings-baseline.html"
    timed "clean: smilepayz (default features, 3 regions)" env CARGO_TARGET_DIR="$target/sdk" cargo build --timings -p smilepayz
    cp "$target/sdk/cargo-timings/cargo-timing.html" "$out/timings-sdk.html"
    generated_lines
    # Where the difference goes: the units the SDK's build compiles that the baseline's does not.
    python3 "$root/tests/bench/scripts/timings.py" "$out/timings-sdk.html" "$out/timings-baseline.html" | sed -n '/units only in the first/,$p' | head -25 | tee -a "$results"
fi

echo "## regions at scale, dependencies warm (build script + smilepayz crate)" | tee -a "$results"
# The spec is read only with the `regenerate` feature (without it the SDK builds its committed
# code); one untimed build first compiles the generator and its dependencies.
env CARGO_TARGET_DIR="$target/sdk" SMILEPAYZ_SPEC_DIR="$root/spec" cargo build -p smilepayz --features regenerate >>"$log" 2>&1
for round in $(seq 1 "$rounds"); do
    for spec in real 100 1000; do
        dir=$out/spec-$spec
        [ "$spec" = real ] && dir=$root/spec
        # A newer spec file makes the build script run again (the primed build, or the last
        # round, would leave the build fresh).
        touch "$dir/gateway.yaml"
        timed "warm, round $round: $spec regions" env CARGO_TARGET_DIR="$target/sdk" SMILEPAYZ_SPEC_DIR="$dir" cargo build --timings -p smilepayz --features regenerate
        generated_lines
        # The two units that rebuild: running the build script (the generator, compiled in
        # the dev profile like every build dependency) and compiling the smilepayz crate.
        python3 "$root/tests/bench/scripts/timings.py" "$target/sdk/cargo-timings/cargo-timing.html" | { grep -E ' smilepayz 0' || true; } | sed 's/^/  /' | tee -a "$results"
    done
done

if [ "$full_clean_synthetic" = true ]; then
    echo "## clean build with 1000 synthetic regions" | tee -a "$results"
    rm -rf "$target/sdk-1000"
    timed "clean: smilepayz (default features, 1000 regions)" env CARGO_TARGET_DIR="$target/sdk-1000" SMILEPAYZ_SPEC_DIR="$out/spec-1000" cargo build -p smilepayz --features regenerate
fi

echo "## no-op build and a region edit" | tee -a "$results"
rm -rf "$out/spec-copy"
cp -r "$root/spec" "$out/spec-copy"
export SMILEPAYZ_SPEC_DIR=$out/spec-copy
CARGO_TARGET_DIR="$target/sdk" cargo build -p smilepayz --features regenerate >>"$log" 2>&1
CARGO_TARGET_DIR="$target/sdk" cargo build -vv -p smilepayz --features regenerate >"$out/noop.txt" 2>&1
echo "no-op build: $(grep -c 'Fresh smilepayz v' "$out/noop.txt") 'Fresh smilepayz', $(grep -c 'Dirty smilepayz' "$out/noop.txt") 'Dirty smilepayz', $(grep -c 'Running .*smilepayz-[0-9a-f]*/build-script-build' "$out/noop.txt") build-script runs" | tee -a "$results"
echo "# edited by compile-time.sh" >>"$out/spec-copy/regions/thb.yaml"
CARGO_TARGET_DIR="$target/sdk" cargo build -vv -p smilepayz --features regenerate >"$out/edit.txt" 2>&1
echo "after editing regions/thb.yaml: $(grep -c 'Dirty smilepayz' "$out/edit.txt") 'Dirty smilepayz' (reason: $(grep -o 'Dirty smilepayz[^:]*: .*has changed' "$out/edit.txt" | head -1 | sed 's/.*: //')), $(grep -c 'Running .*smilepayz-[0-9a-f]*/build-script-build' "$out/edit.txt") build-script runs, smilepayz recompiled: $(grep -c 'Running .*rustc --crate-name smilepayz ' "$out/edit.txt")" | tee -a "$results"
unset SMILEPAYZ_SPEC_DIR

echo "## cargo tree -d -p smilepayz (default features, normal and build dependencies)" | tee -a "$results"
cargo tree -d -p smilepayz -e normal,build >"$out/tree-d.txt" 2>&1
grep -E '^[a-z0-9_-]+ v' "$out/tree-d.txt" | sort -u | tee -a "$results" || echo "(no duplicates)" | tee -a "$results"
cargo tree -p smilepayz -e normal,build --prefix none >"$out/tree.txt" 2>&1
echo "copies of syn: $(grep -E '^syn v' "$out/tree.txt" | sort -u | tr '\n' ' ')" | tee -a "$results"
echo "crypto libraries: $(grep -E '^(aws-lc-rs|aws-lc-sys|ring|openssl|openssl-sys|rsa|boring|boring-sys) v' "$out/tree.txt" | sed 's/ (.*//' | sort -u | tr '\n' ' ')" | tee -a "$results"
# RustCrypto hash/MAC crates are crypto implementations too, beside aws-lc.
echo "RustCrypto crates: $(grep -E '^(hmac|sha2|sha1|digest|block-buffer|crypto-common) v' "$out/tree.txt" | sed 's/ (.*//' | sort -u | tr '\n' ' ')" | tee -a "$results"
echo "results: $results"
