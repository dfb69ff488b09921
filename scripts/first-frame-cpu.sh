#!/usr/bin/env bash
# CPU time (perf's task-clock, every thread) from exec to the first frame
# and a SIGTERM quit, for several programs run interleaved in a 100x40 tmux
# pane with an empty HOME. Unlike the wall-clock first frame of
# scripts/ttyperf.py, CPU time hardly moves with the load of a shared
# machine, so it shows what a change to start-up costs or saves.
#
#   scripts/first-frame-cpu.sh RUNS LABEL=BINARY:READY_TEXT ...
#   scripts/first-frame-cpu.sh 10 app=target/release/mfa-assist:'Recover your' \
#       floor=target/floor/release/floor:Welcome
#
# Needs perf (linux-perf) and tmux. A program is sent SIGTERM 0.3 s after
# its ready text appears; the floor has no handler and just ends.
set -euo pipefail
runs="$1"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
for i in $(seq 1 "$runs"); do
  for spec in "$@"; do
    label="${spec%%=*}"
    rest="${spec#*=}"
    bin="$(realpath "${rest%%:*}")"
    ready="${rest#*:}"
    sock="ffcpu-$$-$label-$i"
    out="$work/$label-$i.csv"
    tmux -f /dev/null -L "$sock" new-session -d -x 100 -y 40 \
      "env HOME=$work/home XDG_CONFIG_HOME=$work/home/.config TERM=xterm-256color \
       perf stat -x, -o $out -e task-clock,page-faults $bin; sleep 5"
    for _ in $(seq 1 250); do
      if tmux -L "$sock" capture-pane -p 2>/dev/null | grep -qF "$ready"; then break; fi
      sleep 0.02
    done
    sleep 0.3
    pid="$(pgrep -f "^$bin" | head -1 || true)"
    if [[ -n "$pid" ]]; then kill -TERM "$pid"; fi
    for _ in $(seq 1 100); do
      if [[ -s "$out" ]] && grep -q task-clock "$out"; then break; fi
      sleep 0.02
    done
    tmux -L "$sock" kill-server 2>/dev/null || true
  done
done
for spec in "$@"; do
  python3 - "$work" "${spec%%=*}" "$runs" <<'PY'
import statistics, sys
work, label, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
clock, faults = [], []
for i in range(1, runs + 1):
    try:
        lines = open(f"{work}/{label}-{i}.csv").read().splitlines()
    except OSError:
        continue
    for line in lines:
        f = line.split(",")
        if len(f) > 2 and f[2] == "task-clock":
            clock.append(float(f[0]))
        if len(f) > 2 and f[2] == "page-faults":
            faults.append(int(f[0]))
if not clock:
    sys.exit(f"{label}: no measurement")
print(f"{label:10s} cpu ms median {statistics.median(clock):6.2f} (min {min(clock):.2f}, "
      f"max {max(clock):.2f})  page faults {statistics.median(faults):.0f}  runs {len(clock)}")
PY
done
