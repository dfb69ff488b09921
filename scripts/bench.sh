#!/usr/bin/env bash
# mfa-assist against the floor (benches/floor: the cheapest ratatui app),
# both in a pseudo-terminal (scripts/ttyperf.py), interleaved app, floor,
# app, floor... so a busy machine slows both alike: read the ratios, not the
# absolute times. Frame render and QR costs per screen: `cargo bench`.
#
#   ./scripts/bench.sh              5 runs, 5 s idle each
#   RUNS=10 IDLE=30 ./scripts/bench.sh
#   JSON=out.json ./scripts/bench.sh   also keep every run's figures
set -euo pipefail
cd "$(dirname "$0")/.."
target="${CARGO_TARGET_DIR:-$PWD/target}"

echo "building mfa-assist and the floor (release)..." >&2
cargo build --release --locked --bin mfa-assist >&2
(cd benches/floor && CARGO_TARGET_DIR="$target/floor" cargo build --release --locked >&2)
app="$target/release/mfa-assist"
floor="$target/floor/release/floor"

# Enter goes from Welcome to Sign in (left out of the key figures), then a
# username is typed; the floor echoes the same keys into its field.
keys='\r a l e x a n d e r s o n'
args=(--runs "${RUNS:-5}" --idle "${IDLE:-5}" --keys "$keys" --skip 1
      --ready-text Welcome --vs-ready-text Welcome --labels app,floor --vs "$floor")
if [[ -n "${JSON:-}" ]]; then args+=(--json "$JSON"); fi
python3 scripts/ttyperf.py "${args[@]}" -- "$app"
