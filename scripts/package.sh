#!/usr/bin/env bash
# Builds the Debian package: target/debian/mfa-assist_<version>-1_<arch>.deb
# (under $CARGO_TARGET_DIR when it is set).
#
# The man page and the shell completions are made here by the release
# binary itself (`mfa-assist man`, `mfa-assist completions <shell>`), so
# they always match its command line. Needs cargo-deb:
#   cargo install --locked cargo-deb
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo deb --version >/dev/null 2>&1; then
  echo "cargo-deb is missing: cargo install --locked cargo-deb" >&2
  exit 1
fi

target="${CARGO_TARGET_DIR:-$PWD/target}"
cargo build --release --locked
bin="$target/release/mfa-assist"
# cargo-deb reads these as target/release/package/* (see Cargo.toml).
gen="$target/release/package"
rm -rf "$gen"
mkdir -p "$gen"
"$bin" man | gzip -9n >"$gen/mfa-assist.1.gz"
"$bin" completions bash >"$gen/mfa-assist.bash"
"$bin" completions zsh >"$gen/_mfa-assist"
"$bin" completions fish >"$gen/mfa-assist.fish"

cargo deb --no-build --locked --output "$target/debian/" "$@"
