#!/usr/bin/env bash
# Builds the release binary and runs only the end-to-end tests against it:
# the real binary in a real pseudo-terminal (tmux), checked by reading the
# screen. Extra arguments go to the test harness, e.g. a test name:
#   scripts/e2e-smoke.sh push_flow
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for tool in tmux oathtool; do
  command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "The end-to-end tests need: ${missing[*]}" >&2
  echo "Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi

cargo build --release --locked
MFA_ASSIST_BIN="$PWD/target/release/mfa-assist" cargo test --locked --test e2e -- "$@"
