#!/usr/bin/env bash
# A maintainer's edit, in a copy of the repository: after a change to the spec (or to the
# generator), every cargo command of the README's workflow either uses the edited spec or
# stops at once naming `cargo regenerate`; never does it run the old code in silence. Run by
# CI (.ci/run) after the tests, sharing their target folder so only the copy's own packages
# are compiled again.
#
#   bash tests/maintainer.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
export CARGO_TERM_COLOR=never
copy=$(mktemp -d)
trap 'rm -rf "$copy"' EXIT
# The repository's tracked files, as they are in the work tree.
(cd "$root" && git ls-files -z | tar --null --ignore-failed-read -T - -cf -) | (cd "$copy" && tar -xf -)
cd "$copy"
bin=$CARGO_TARGET_DIR/debug/smilepayz

fail() { printf 'FAIL: %s\n' "$*"; exit 1; }

# Runs a command that must stop, naming `cargo regenerate`.
stops() {
  local out
  if out=$("$@" 2>&1); then
    fail "\`$*\` succeeded on stale generated code"
  fi
  grep -q 'cargo regenerate' <<<"$out" || {
    printf '%s\n' "$out" | tail -20
    fail "\`$*\` failed without naming \`cargo regenerate\`"
  }
  echo "ok: \`$*\` stops and names \`cargo regenerate\`"
}

# Prints the THB line of `smilepayz regions`, as built by the given command.
thb_name() { "$@" regions | awk '$1 == "THB" { print $2 }'; }

echo "== a spec edit: Thailand's name becomes Siam"
sed -i 's/^name: Thailand$/name: Siam/' spec/regions/thb.yaml
grep -q '^name: Siam$' spec/regions/thb.yaml || fail "the edit did not apply"
stops cargo regenerate --check
stops cargo run --quiet --bin smilepayz -- regions
stops cargo test --quiet -p smilepayz --lib --no-run

stops cargo build
# The workspace's tests turn on `regenerate`: they build the SDK from the spec as it is, and
# the test that compares the committed code with it fails, naming the command.
stops cargo test --quiet -p smilepayz-tests --test generated_files

cargo regenerate
cargo regenerate --check
[ "$(thb_name cargo run --quiet --bin smilepayz --)" = Siam ] ||
  fail "after cargo regenerate, cargo run --bin smilepayz does not show the edit"
echo "ok: after \`cargo regenerate\`, \`cargo run --bin smilepayz\` shows the edit"
cargo build --quiet
[ "$(thb_name "$bin")" = Siam ] || fail "after cargo regenerate, cargo build does not show the edit"
echo "ok: after \`cargo regenerate\`, \`cargo build\` builds the edit"

echo "== a generator edit"
printf '\n// A maintainer was here.\n' >> codegen/src/naming.rs
stops cargo run --quiet --bin smilepayz -- regions
cargo regenerate
[ "$(thb_name cargo run --quiet --bin smilepayz --)" = Siam ] || fail "the command broke after regenerating"
echo "ok: a generator edit stops the build until \`cargo regenerate\`"
# The copy's builds shared the target folder and left its edited `smilepayz` binary there:
# build the repository's own again, so target/debug/smilepayz is the repository's.
(cd "$root" && cargo build --quiet --bin smilepayz)
echo "maintainer workflow: ok"
