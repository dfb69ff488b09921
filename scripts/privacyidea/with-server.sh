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
cleanup() {
  "$here/stop.sh" "$run_dir" || say "could not stop the server of $run_dir"
  if [ "${MFA_ASSIST_PI_KEEP:-0}" = 1 ]; then
    say "kept $run_dir"
  else
    rm -rf "$run_root"
  fi
}
trap cleanup EXIT
# Turning signals into a normal exit makes the EXIT trap stop the server.
trap 'exit 130' INT
trap 'exit 143' TERM HUP

if ! MFA_ASSIST_PI_PYTHON="$py" "$here/start.sh" "$run_dir"; then
  say "starting privacyIDEA failed (see above)"
  exit 1
fi

set -a
# shellcheck source=/dev/null # written by start.sh
. "$run_dir/env"
set +a

status=0
"$@" || status=$?
exit "$status"
