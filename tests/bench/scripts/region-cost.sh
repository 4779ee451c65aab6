#!/usr/bin/env bash
# Generated lines per added region (BENCHMARKS.md §4, issue 19's measure): the real spec
# generated with and without a copy of spec/regions/thb.yaml as region XTS (area code 99),
# counted file by file. Writes nothing in the repository.
set -euo pipefail
cd "$(dirname "$0")/../../.."
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cargo build --quiet --release -p smilepayz-codegen --bin smilepayz-codegen
codegen=target/release/smilepayz-codegen
cp -r spec "$work/spec"
"$codegen" generate "$work/spec" --out "$work/without" >/dev/null
# Its own code, currency, name and area code (each must be unique); the rest as Thailand's.
sed -e 's/THB/XTS/g' -e 's/^name: Thailand$/name: Testland/' -e 's/^area_code: 11$/area_code: 99/' \
    spec/regions/thb.yaml >"$work/spec/regions/xts.yaml"
"$codegen" generate "$work/spec" --out "$work/with" >/dev/null
lines() { find "$1" -name '*.rs' -exec cat {} + | wc -l; }
without=$(lines "$work/without")
with=$(lines "$work/with")
echo "generated lines without XTS: $without"
echo "generated lines with XTS:    $with"
echo "  regions/xts.rs: $(wc -l <"$work/with/regions/xts.rs")"
echo "  mod.rs:         $(( $(wc -l <"$work/with/mod.rs") - $(wc -l <"$work/without/mod.rs") ))"
echo "per added region: $(( with - without ))"
