#!/usr/bin/env bash
# Issue 10's compile-cost figure: the clean `cargo build --release` CPU time (user + system)
# of a minimal program on `smilepayz` (default features) against the same program written by
# hand on the lean stack (tests/bench/compile/lean-client), in one run, one after the other,
# each from an empty target folder. Goal: at most 1.10x.
#
#   tests/bench/scripts/compile-ratio.sh [ROUNDS]      (1 by default; medians over rounds)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
bench=$root/tests/bench/compile
target=${BENCH_TARGET:-/tmp/compile-ratio}
rounds=${1:-1}
# Lock files from the repository's, so both builds use the same versions of shared crates.
for p in lean-client sdk-program; do
  cp "$root/Cargo.lock" "$bench/$p/Cargo.lock"
  (cd "$bench/$p" && cargo fetch -q)
done
printf '%-12s %6s %9s %9s\n' program round wall_s cpu_s
declare -A cpu
for r in $(seq "$rounds"); do
  for p in lean-client sdk-program; do
    rm -rf "$target/$p"
    /usr/bin/time -f '%e %U %S' -o "$target.time" \
      env CARGO_TARGET_DIR="$target/$p" cargo build --release -q --manifest-path "$bench/$p/Cargo.toml"
    read -r wall user sys < "$target.time"
    c=$(echo "$user + $sys" | bc)
    cpu[$p]="${cpu[$p]:-} $c"
    printf '%-12s %6d %9.1f %9.1f\n' "$p" "$r" "$wall" "$c"
  done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
lean=$(echo "${cpu[lean-client]}" | median)
sdk=$(echo "${cpu[sdk-program]}" | median)
echo "median CPU seconds: lean-client $lean, sdk-program $sdk; ratio $(echo "scale=3; $sdk / $lean" | bc) (goal <= 1.10)"
