#!/usr/bin/env bash
# Runs every test: format and lint checks, unit and flow tests, screen
# snapshots, the QR decode test, the training tenant, and the end-to-end
# tests that drive the release binary in a real pseudo-terminal (tmux).
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

cargo fmt --all -- --check
cargo clippy --all-targets --locked -- -D warnings
cargo build --release --locked
MFA_ASSIST_BIN="$PWD/target/release/mfa-assist" cargo test --locked
