#!/usr/bin/env bash
# Stops the privacyIDEA started by start.sh RUN_DIR: its process group and
# any children, by RUN_DIR/server.pid. Waits until they are gone. Idempotent.
set -euo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 RUN_DIR" >&2
  exit 2
fi
pidfile="$1/server.pid"
[ -f "$pidfile" ] || exit 0
pid="$(cat "$pidfile")"
case "$pid" in
  '' | *[!0-9]*)
    echo "privacyidea/stop.sh: $pidfile does not hold a PID" >&2
    exit 1
    ;;
esac

# Reads /proc rather than calling ps: minimal Debian images have no procps.
# Field 3 of /proc/PID/stat is the state, field 5 the process group (the
# command name in field 2 has no spaces for python/pi-manage).
stat_field() { awk -v f="$1" '{ print $f }' "/proc/$pid/stat" 2>/dev/null || true; }
# A zombie counts as gone: it holds no port and its parent will reap it.
alive() { [ -e "/proc/$pid" ] && [ "$(stat_field 3)" != Z ]; }
signal_all() {
  local kids
  kids="$(cat /proc/"$pid"/task/*/children 2>/dev/null || true)"
  # start.sh runs the server under setsid, so its PID is also its process
  # group; only signal the group when that holds, never someone else's.
  if [ "$(stat_field 5)" = "$pid" ]; then
    kill "-$1" -- "-$pid" 2>/dev/null || true
  fi
  # shellcheck disable=SC2086 # word splitting of the child list is intended
  kill "-$1" "$pid" $kids 2>/dev/null || true
}

# A stale PID file may name a reused PID: only touch a pi-manage process.
if alive && ! tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q pi-manage; then
  echo "privacyidea/stop.sh: PID $pid is not a pi-manage process any more; removing the stale $pidfile" >&2
  rm -f "$pidfile"
  exit 0
fi

if alive; then
  signal_all TERM
  for _ in $(seq 1 50); do
    alive || break
    sleep 0.1
  done
  if alive; then
    signal_all KILL
    for _ in $(seq 1 50); do
      alive || break
      sleep 0.1
    done
  fi
fi
if alive; then
  echo "privacyidea/stop.sh: PID $pid is still running" >&2
  exit 1
fi
rm -f "$pidfile"
