#!/usr/bin/env bash
# Runs CMD with a fresh privacyIDEA server and its MFA_ASSIST_PI_* variables
# exported, then stops the server whatever happens; exits with CMD's status.
#
#   scripts/privacyidea/with-server.sh cargo test --locked
#
# install.sh (cached venv) + start.sh in a temp RUN_DIR. If either fails this
# exits non-zero with the reason: the privacyIDEA tests must never be skipped
# silently. Set MFA_ASSIST_PI_KEEP=1 to keep the RUN_DIR (logs, DB) afterwards.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
if [ $# -eq 0 ]; then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi
say() { echo "privacyidea/with-server.sh: $*" >&2; }

if ! py="$("$here/install.sh" | tail -n1)" || [ ! -x "$py" ]; then
  say "installing privacyIDEA failed (see above)"
  exit 1
fi

run_root="$(mktemp -d "${TMPDIR:-/tmp}/mfa-assist-pi.XXXXXX")"
run_dir="$run_root/run"
# shellcheck disable=SC2317 # only reached through the EXIT trap
cleanup() {
  "$here/stop.sh" "$run_dir" || say "could not stop the server of $run_dir"
  if [ "${MFA_ASSIST_PI_KEEP:-0}" = 1 ]; then
    say "kept $run_dir"
  else
    rm -rf "$run_root"
  fi
}
trap cleanup EXIT
# Until CMD runs, a signal simply exits, and the EXIT trap stops the server.
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if ! MFA_ASSIST_PI_PYTHON="$py" "$here/start.sh" "$run_dir"; then
  say "starting privacyIDEA failed (see above)"
  exit 1
fi

set -a
# shellcheck source=/dev/null # written by start.sh
. "$run_dir/env"
set +a

# CMD runs in the background so that a signal to this script is handled at
# once (bash delays traps until a foreground child exits): it is passed on
# to CMD, and the server is stopped when CMD has ended. `<&0` keeps stdin,
# which a background job would otherwise get as /dev/null.
"$@" <&0 &
child=$!
trap 'kill -INT "$child" 2>/dev/null || true' INT
trap 'kill -TERM "$child" 2>/dev/null || true' TERM
trap 'kill -HUP "$child" 2>/dev/null || true' HUP
# A trapped signal interrupts `wait`; wait again until CMD is really gone,
# then once more for its status (bash keeps it).
while kill -0 "$child" 2>/dev/null; do
  wait "$child" || true
done
status=0
wait "$child" || status=$?
exit "$status"
