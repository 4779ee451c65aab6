#!/usr/bin/env bash
# Instruction counts for BENCHMARKS.md (callgrind counts repeat run to run, unlike times on a
# shared machine). Run from anywhere:
#
#   tests/bench/scripts/callgrind.sh [per-request] [loopback] [emulator]     (all by default)
#
# per-request: the bench binary `per-request <mode> N` under callgrind for N = 100 and 300,
#   modes sign-only (aws-lc-rs RSA-2048 sign of a string as long as a request's), sdk and
#   baseline (the hand-written client), and the same three for a THB pay-in (sign-only-pay-in
#   signs a string as long as the pay-in's); (I(300) - I(100)) / 200 is one request, set-up
#   cancels. PER_REQUEST_MODES picks modes.
# loopback: `loopback --only <sdk|baseline>` at concurrency 1 for 100 and 300 requests against
#   the reference server: one whole round trip (client, server, hyper on both sides) per client.
# emulator: `emulator-load` at concurrency 1 for 100 and 300 requests (the emulator and a
#   plain client in one process); per request, the whole process and the part inside aws-lc's
#   RSA verification (inclusive cost of its RSA_verify), and so the share.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
cd "$root"
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
out=${BENCH_OUT:-/tmp/smilepayz-callgrind}
mkdir -p "$out"
bins=${CARGO_TARGET_DIR:-$root/target}/release
cargo build -q --release -p smilepayz-bench --bin per-request --bin loopback --bin emulator-load
what=${*:-per-request loopback emulator}

# total FILE: the program's total instruction count.
# (awk reads to the end: exiting early would end callgrind_annotate with SIGPIPE, a failure
# under pipefail.)
total() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ && !done { gsub(",", "", $1); print $1; done = 1 }'; }
# inclusive FILE PATTERN: the largest inclusive count of a function whose name matches.
inclusive() {
    callgrind_annotate --inclusive=yes --threshold=100 "$1" 2>/dev/null \
        | grep -E "$2" | awk '{ gsub(",", "", $1); if ($1 + 0 > max) max = $1 + 0 } END { printf "%.0f\n", max }'
}
run() { valgrind --tool=callgrind --callgrind-out-file="$1" "${@:2}" >/dev/null 2>>"$out/valgrind.log"; }

if [[ " $what " == *" per-request "* ]]; then
    echo "per-request client CPU, instructions (callgrind, $(date -u +%F))"
    # PER_REQUEST_N="100 1100" spreads the set-up's run-to-run noise (the RSA blinding's
    # entropy) over more requests.
    read -r low high <<<"${PER_REQUEST_N:-100 300}"
    printf '%-18s %15s %15s %12s\n' mode "I($low)" "I($high)" 'per request'
    declare -A per
    for mode in ${PER_REQUEST_MODES:-sign-only sdk baseline sign-only-pay-in sdk-pay-in baseline-pay-in}; do
        for n in $low $high; do
            run "$out/$mode-$n.out" "$bins/per-request" "$mode" "$n"
        done
        i100=$(total "$out/$mode-$low.out")
        i300=$(total "$out/$mode-$high.out")
        per[$mode]=$(( (i300 - i100) / (high - low) ))
        printf '%-18s %15d %15d %12d\n' "$mode" "$i100" "$i300" "${per[$mode]}"
    done
    echo "SDK beyond the sign:          $(( per[sdk] - per[sign-only] )) instructions per request (goal < 25000)"
    if [[ -n "${per[baseline]:-}" ]]; then
        echo "hand-written beyond the sign: $(( per[baseline] - per[sign-only] )) instructions per request"
    fi
    if [[ -n "${per[sdk-pay-in]:-}" ]]; then
        # A pay-in signs a longer string: its own sign-only run (same length) is subtracted.
        payin=$(( per[sdk-pay-in] - per[sign-only-pay-in] ))
        balance=$(( per[sdk] - per[sign-only] ))
        echo "SDK pay-in beyond its sign:   $payin instructions per request, x$(awk -v a="$payin" -v b="$balance" 'BEGIN { printf "%.2f", a / b }') the balance inquiry's (goal <= 1.5x)"
        if [[ -n "${per[baseline-pay-in]:-}" ]]; then
            echo "hand-written pay-in beyond its sign: $(( per[baseline-pay-in] - per[sign-only-pay-in] )) instructions per request"
        fi
    fi
    echo "SDK / sign-only:              $(awk -v a="${per[sdk]}" -v b="${per[sign-only]}" 'BEGIN { printf "%.4f", a / b }')"
    # In the same run: all instructions but those inside aws-lc-rs's RSA sign (KeyPair::sign,
    # inclusive). No second process, so none of the sign's run-to-run noise (its blinding
    # draws entropy, which under callgrind takes a varying number of instructions).
    echo "in-run, beyond the RSA sign itself (total minus KeyPair::sign inclusive):"
    declare -A own
    for mode in sdk baseline sdk-pay-in baseline-pay-in; do
        [[ -f "$out/$mode-$high.out" && " ${PER_REQUEST_MODES:-sdk baseline sdk-pay-in baseline-pay-in} " == *" $mode "* ]] || continue
        sign_low=$(inclusive "$out/$mode-$low.out" 'aws_lc_rs::rsa::key::KeyPair::sign')
        sign_high=$(inclusive "$out/$mode-$high.out" 'aws_lc_rs::rsa::key::KeyPair::sign')
        t_low=$(total "$out/$mode-$low.out")
        t_high=$(total "$out/$mode-$high.out")
        own[$mode]=$(( ((t_high - sign_high) - (t_low - sign_low)) / (high - low) ))
        printf '  %-18s %8d instructions per request\n' "$mode" "${own[$mode]}"
    done
    if [[ -n "${own[sdk]:-}" && -n "${own[sdk-pay-in]:-}" ]]; then
        echo "  SDK pay-in / balance inquiry: x$(awk -v a="${own[sdk-pay-in]}" -v b="${own[sdk]}" 'BEGIN { printf "%.3f", a / b }') (goal <= 1.5x)"
    fi
    if [[ -n "${own[baseline]:-}" && -n "${own[baseline-pay-in]:-}" ]]; then
        echo "  hand-written pay-in / balance inquiry: x$(awk -v a="${own[baseline-pay-in]}" -v b="${own[baseline]}" 'BEGIN { printf "%.3f", a / b }')"
    fi
fi

if [[ " $what " == *" loopback "* ]]; then
    echo "loopback round trip at concurrency 1, instructions (callgrind, $(date -u +%F))"
    declare -A trip
    for who in sdk baseline; do
        for n in 100 300; do
            run "$out/loopback-$who-$n.out" "$bins/loopback" --only "$who" --requests "$n" --concurrency 1
        done
        trip[$who]=$(( ($(total "$out/loopback-$who-300.out") - $(total "$out/loopback-$who-100.out")) / 200 ))
        echo "$who: ${trip[$who]} per round trip"
    done
    echo "SDK - hand-written: $(( trip[sdk] - trip[baseline] )) per round trip; SDK / hand-written: $(awk -v a="${trip[sdk]}" -v b="${trip[baseline]}" 'BEGIN { printf "%.4f", a / b }')"
fi

if [[ " $what " == *" emulator "* ]]; then
    echo "emulator, concurrency 1, instructions (callgrind, $(date -u +%F))"
    for n in 100 300; do
        run "$out/emulator-$n.out" "$bins/emulator-load" --requests "$n" --concurrency 1 --verifies 0 --max-seconds 600
    done
    e100=$(total "$out/emulator-100.out")
    e300=$(total "$out/emulator-300.out")
    v100=$(inclusive "$out/emulator-100.out" 'RSA_verify[^_a-z]|RSA_verify$')
    v300=$(inclusive "$out/emulator-300.out" 'RSA_verify[^_a-z]|RSA_verify$')
    s100=$(inclusive "$out/emulator-100.out" 'smilepayz_emulator::serve_connection::\{\{closure\}\}')
    s300=$(inclusive "$out/emulator-300.out" 'smilepayz_emulator::serve_connection::\{\{closure\}\}')
    per_request=$(( (e300 - e100) / 200 ))
    per_serve=$(( (s300 - s100) / 200 ))
    per_verify=$(( (v300 - v100) / 200 ))
    echo "whole process (emulator + client) per request: $per_request"
    echo "RSA verification per request:                  $per_verify"
    echo "emulator's connection tasks per request:       $per_serve (serve_connection, inclusive)"
    echo "share of the process's instructions in RSA verification: $(awk -v a="$per_verify" -v b="$per_request" 'BEGIN { printf "%.1f%%", 100 * a / b }')"
    echo "share of the emulator's instructions in RSA verification: $(awk -v a="$per_verify" -v b="$per_serve" 'BEGIN { printf "%.1f%%", 100 * a / b }')"
fi
