#!/usr/bin/env bash
# Runs every test: format and lint checks, unit and flow tests, screen
# snapshots, the QR decode test, the training tenant, the privacyIDEA
# provider against a real privacyIDEA server, and the end-to-end tests that
# drive the release binary in a real pseudo-terminal (tmux), and the Debian
# package built from it (tests/package.sh).
#
# The privacyIDEA server (3.14 from PyPI, in a cached venv) is installed,
# seeded and started on a free loopback port by
# scripts/privacyidea/with-server.sh, and stopped afterwards. If it cannot
# start, this script fails with the reason: those tests never skip.
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

# insta appends every snapshot file a test asserts to this list (the
# mechanism behind `cargo insta test --unreferenced=reject`); afterwards a
# snapshot no test asserts any more fails the run instead of going stale.
refs="$(mktemp)"
trap 'rm -f "$refs"' EXIT
INSTA_SNAPSHOT_REFERENCES_FILE="$refs" \
  MFA_ASSIST_BIN="${CARGO_TARGET_DIR:-$PWD/target}/release/mfa-assist" \
  scripts/privacyidea/with-server.sh cargo test --locked
scripts/unreferenced-snapshots.sh "$refs"
# The Debian package from that release build (skips loudly without cargo-deb).
tests/package.sh
