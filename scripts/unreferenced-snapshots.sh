#!/usr/bin/env bash
# Fails if a snapshot file under tests/snapshots is not in REFS, the list of
# snapshot files the test run asserted (insta writes it when
# INSTA_SNAPSHOT_REFERENCES_FILE is set; scripts/test.sh does). Same check as
# `cargo insta test --unreferenced=reject`, without installing cargo-insta.
#
#   scripts/unreferenced-snapshots.sh REFS
set -euo pipefail
cd "$(dirname "$0")/.."

refs="${1:?usage: $0 REFS}"
if [ ! -s "$refs" ]; then
  echo "unreferenced-snapshots: $refs is empty: no snapshot test ran" >&2
  exit 1
fi
stale=()
while IFS= read -r -d '' snap; do
  name="$(basename "$snap")"
  # insta records absolute paths; compare by file name within tests/snapshots.
  if ! grep -q "/tests/snapshots/${name}\$" "$refs"; then
    stale+=("$snap")
  fi
done < <(find tests/snapshots -name '*.snap' -print0 | sort -z)
if [ ${#stale[@]} -gt 0 ]; then
  echo "unreferenced-snapshots: no test asserts these snapshots any more;" >&2
  echo "delete them, or restore the test that used them:" >&2
  printf '  %s\n' "${stale[@]}" >&2
  exit 1
fi
echo "unreferenced-snapshots: all $(find tests/snapshots -name '*.snap' | wc -l) snapshots are asserted"
