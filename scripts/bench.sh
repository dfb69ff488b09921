#!/usr/bin/env bash
# Whole-program measurements the Rust benches can't take: binary size,
# startup to first frame, CPU used while idle, resident memory. Needs tmux.
# Frame render and QR costs: `cargo bench`.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked >/dev/null 2>&1
bin="$PWD/target/release/mfa-assist"
sock="mfa-bench-$$"
t() { tmux -L "$sock" "$@"; }
trap 't kill-server 2>/dev/null || true' EXIT

echo "binary size: $(stat -c %s "$bin") bytes"

start=$(date +%s%N)
t new-session -d -s b -x 100 -y 40 "exec $bin"
until t capture-pane -p -t b 2>/dev/null | grep -q "Recover your sign-in"; do sleep 0.005; done
end=$(date +%s%N)
echo "startup to first frame (via tmux): $(( (end - start) / 1000000 )) ms"

pid=$(t display -p -t b '#{pane_pid}')
ticks() { awk '{print $14 + $15}' "/proc/$pid/stat"; }
hz=$(getconf CLK_TCK)
a=$(ticks); sleep 10; b=$(ticks)
echo "CPU while idle on Welcome for 10 s: $(( (b - a) * 1000 / hz )) ms"
echo "resident memory: $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
