#!/usr/bin/env bash
# The peers harness's load step (../shared/peers, run.sh STEPS=load), with more rounds and
# paired figures: each round runs every Rust peer once, in an order shuffled for each round,
# and the SDK is compared with each peer within the round. So a slow patch of the
# shared machine hits the peers of one round alike, and the result says how often the SDK
# came out ahead, not only where five medians fell.
#
#   tests/bench/scripts/peers-paired.sh [ROUNDS] [CONCURRENCY...]     (15 rounds; 1 and 32)
#
# It uses the harness's own binaries, gateway and fixtures: build them first with the harness
# (`SMILEPAYZ_SDK=<repo>/sdk STEPS=load RUNS=1 ./run.sh` in a copy of ../shared/peers).
# PEERS (the harness folder, for fixtures/) and PEERS_TARGET (its binaries, /tmp/peers-target)
# say where they are; N_LOAD requests per run (5000).
set -euo pipefail

rounds=${1:-15}
shift || true
concurrencies=${*:-1 32}
peers_dir=${PEERS:-/tmp/peers-copy}
target=${PEERS_TARGET:-/tmp/peers-target}
n=${N_LOAD:-5000}
port=${PORT:-8788}
url=http://127.0.0.1:$port
fixtures=$peers_dir/fixtures
out=${OUT:-/tmp/peers-paired-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$out"

declare -A bin=(
    [baseline]=$target/baseline/release/peer-baseline
    [progenitor]=$target/progenitor-peer/release/peer-progenitor
    [openapi-generator]=$target/openapi-generator-peer/release/peer-openapi-generator
    [sdk]=$target/sdk-peer/release/peer-sdk
)
order=(baseline progenitor openapi-generator sdk)
for p in "${order[@]}" gateway; do
    b=${bin[$p]:-$target/server/release/peer-gateway}
    [[ -x $b ]] || { echo "missing $b: build the harness first (see the header)" >&2; exit 1; }
done

"$target/server/release/peer-gateway" --addr "127.0.0.1:$port" --fixtures "$fixtures" --max-secs 3600 2>"$out/gateway.log" &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "$url/stats" >/dev/null && break; sleep 0.2; done
curl -sf "$url/stats" >/dev/null || { echo "the gateway did not start" >&2; cat "$out/gateway.log" >&2; exit 1; }

raw=$out/raw.tsv
printf 'c\tround\tpeer\trps\tclient_us\n' >"$raw"
for c in $concurrencies; do
    for r in $(seq "$rounds"); do
        mapfile -t shuffled < <(printf '%s\n' "${order[@]}" | shuf)
        for p in "${shuffled[@]}"; do
            line=$(/usr/bin/time -f 'CPU %U %S' -o "$out/time" "${bin[$p]}" --fixtures "$fixtures" --url "$url" --n "$n" --c "$c" --max-secs 60)
            done_n=$(sed -n 's/.* n=\([0-9]*\) .*/\1/p' <<<"$line")
            rps=$(sed -n 's/.* rps=\([0-9.]*\).*/\1/p' <<<"$line")
            read -r _ u s <"$out/time"
            printf '%s\t%s\t%s\t%s\t%s\n' "$c" "$r" "$p" "$rps" "$(echo "($u + $s) * 1000000 / $done_n" | bc)" >>"$raw"
        done
    done
done

python3 - "$raw" <<'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))
for c in sorted({r["c"] for r in rows}, key=int):
    at = [r for r in rows if r["c"] == c]
    peers = sorted({r["peer"] for r in at})
    print(f"\nconcurrency {c}, {len({r['round'] for r in at})} rounds: median req/s, median client CPU µs/req")
    for p in peers:
        mine = [r for r in at if r["peer"] == p]
        print(f"  {p:18} {statistics.median(float(r['rps']) for r in mine):8.1f} req/s "
              f"{statistics.median(int(r['client_us']) for r in mine):5} µs")
    by_round = {}
    for r in at:
        by_round.setdefault(r["round"], {})[r["peer"]] = r
    print("  SDK against each peer, round by round (SDK minus peer; rounds where the SDK is ahead):")
    for p in peers:
        if p == "sdk":
            continue
        d_rps = [float(v["sdk"]["rps"]) - float(v[p]["rps"]) for v in by_round.values()]
        d_cpu = [int(v["sdk"]["client_us"]) - int(v[p]["client_us"]) for v in by_round.values()]
        print(f"    {p:18} req/s {statistics.median(d_rps):+7.1f} (ahead in {sum(d > 0 for d in d_rps)}/{len(d_rps)}), "
              f"CPU {statistics.median(d_cpu):+4.0f} µs (lower in {sum(d < 0 for d in d_cpu)}/{len(d_cpu)})")
EOF
echo "raw figures: $raw"
