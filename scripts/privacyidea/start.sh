#!/usr/bin/env bash
# Seeds a fresh privacyIDEA in RUN_DIR (wiped!) and starts it on 127.0.0.1.
#
#   scripts/privacyidea/start.sh RUN_DIR [PORT]
#
# Without PORT a free one is picked. Waits until GET /healthz/ answers, then
# writes RUN_DIR/env (KEY=value lines, `set -a; . RUN_DIR/env` loads them):
#   MFA_ASSIST_PI_URL, MFA_ASSIST_PI_ADMIN, MFA_ASSIST_PI_ADMIN_PASSWORD_FILE,
#   MFA_ASSIST_PI_REALM, MFA_ASSIST_PI_RUN_DIR
# The server's PID is in RUN_DIR/server.pid; stop it with stop.sh RUN_DIR.
# Logs: RUN_DIR/server.log (stdout/stderr) and RUN_DIR/privacyidea.log.
# MFA_ASSIST_PI_PYTHON may name the venv python; otherwise install.sh
# (cached) provides it.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 RUN_DIR [PORT]" >&2
  exit 2
fi
mkdir -p "$1"
run_dir="$(cd "$1" && pwd)"
want_port="${2:-}"
timeout="${MFA_ASSIST_PI_START_TIMEOUT:-30}"

say() { echo "privacyidea/start.sh: $*" >&2; }
secs() { echo "$(($1 / 1000000000)).$(($1 % 1000000000 / 100000000))"; }

py="${MFA_ASSIST_PI_PYTHON:-}"
if [ -z "$py" ]; then
  py="$("$here/install.sh" | tail -n1)"
fi
venv_bin="$(dirname "$py")"

if [ -f "$run_dir/server.pid" ] && kill -0 "$(cat "$run_dir/server.pid")" 2>/dev/null; then
  say "a server from $run_dir is still running (PID $(cat "$run_dir/server.pid")); run stop.sh first"
  exit 1
fi

free_port() {
  "$py" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Waits for /healthz/ while watching the process, so a server that dies at
# start fails fast instead of after the whole timeout.
wait_healthy() {
  "$py" - "$1" "$2" "$timeout" <<'EOF'
import os, sys, time, urllib.request
pid, url, timeout = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
deadline = time.monotonic() + timeout
last = "no answer yet"
while time.monotonic() < deadline:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        print(f"the server process {pid} exited during start-up", file=sys.stderr)
        sys.exit(1)
    try:
        with urllib.request.urlopen(url + "/healthz/", timeout=2) as r:
            if r.status == 200:
                sys.exit(0)
            last = f"HTTP {r.status}"
    except Exception as e:  # noqa: BLE001 - any failure means "not yet"
        last = str(e)
    time.sleep(0.1)
print(f"no healthy answer from {url}/healthz/ within {timeout:g} s (last: {last})", file=sys.stderr)
sys.exit(1)
EOF
}

start_ns=$(date +%s%N)
# A picked port can be taken by someone else before the server binds it; then
# seed and start again on another one (the port is baked into the seed).
attempts=1
[ -z "$want_port" ] && attempts=3
for attempt in $(seq 1 "$attempts"); do
  port="${want_port:-$(free_port)}"
  url="http://127.0.0.1:$port"
  rm -f "$run_dir/env"
  "$py" "$here/seed.py" "$run_dir" "$port" >"$run_dir.seed.log" 2>&1 || {
    say "seeding $run_dir failed:"
    tail -n 30 "$run_dir.seed.log" >&2
    rm -f "$run_dir.seed.log"
    exit 1
  }
  mv "$run_dir.seed.log" "$run_dir/seed.log"
  seeded_ns=$(date +%s%N)

  # setsid: own process group, so stop.sh can take down any children too.
  (
    cd "$run_dir"
    export PRIVACYIDEA_CONFIGFILE="$run_dir/pi.cfg"
    exec setsid "$venv_bin/pi-manage" run -h 127.0.0.1 -p "$port" --with-threads --no-reload \
      >"$run_dir/server.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$run_dir/server.pid"

  if reason="$(wait_healthy "$pid" "$url" 2>&1)"; then
    cat >"$run_dir/env" <<EOF
MFA_ASSIST_PI_URL=$url
MFA_ASSIST_PI_ADMIN=admin
MFA_ASSIST_PI_ADMIN_PASSWORD_FILE=$run_dir/admin.pw
MFA_ASSIST_PI_REALM=testrealm
MFA_ASSIST_PI_RUN_DIR=$run_dir
EOF
    now_ns=$(date +%s%N)
    say "privacyIDEA up at $url (PID $pid) in $(secs $((now_ns - start_ns))) s" \
      "(seed $(secs $((seeded_ns - start_ns))) s, start $(secs $((now_ns - seeded_ns))) s)"
    exit 0
  fi
  "$here/stop.sh" "$run_dir" >/dev/null 2>&1 || true
  if [ "$attempt" -lt "$attempts" ] && grep -q "Address already in use" "$run_dir/server.log"; then
    say "port $port was taken meanwhile, trying another one"
    continue
  fi
  say "privacyIDEA did not start: $reason"
  say "last lines of $run_dir/server.log:"
  tail -n 40 "$run_dir/server.log" >&2 || true
  if [ -s "$run_dir/privacyidea.log" ]; then
    say "last lines of $run_dir/privacyidea.log:"
    tail -n 20 "$run_dir/privacyidea.log" >&2
  fi
  exit 1
done
