#!/usr/bin/env bash
# The Debian package: builds it with scripts/package.sh and checks what is
# in it (binary, man page, completions, example config, kiosk unit, kiosk
# user), that the man page renders, that each completion script parses,
# and that the kiosk unit passes `systemd-analyze verify`. As root it also
# installs the package with dpkg, runs /usr/bin/mfa-assist, and removes the
# package again if it was not installed before.
#
# Without cargo-deb or dpkg this test skips with a loud message, except
# when MFA_ASSIST_CI=1 (set by .ci/run): there a missing tool fails it.
# MFA_ASSIST_PACKAGE_INSTALL=0 skips the install step even as root.
set -euo pipefail
cd "$(dirname "$0")/.."

fail() {
  echo "tests/package.sh: FAIL: $*" >&2
  exit 1
}

# A tool that is missing: fatal in CI, a loud skip elsewhere.
missing() {
  if [ "${MFA_ASSIST_CI:-0}" = 1 ]; then
    fail "$1 is missing ($2); .ci/run installs it"
  fi
  echo "" >&2
  echo "##################################################################" >&2
  echo "## tests/package.sh: SKIPPED $3: $1 is missing." >&2
  echo "## Install it with: $2" >&2
  echo "##################################################################" >&2
  echo "" >&2
}

if ! command -v dpkg-deb >/dev/null 2>&1; then
  missing dpkg-deb "apt-get install dpkg" "the whole package test"
  exit 0
fi
if ! cargo deb --version >/dev/null 2>&1; then
  missing cargo-deb "cargo install --locked cargo-deb" "the whole package test"
  exit 0
fi

target="${CARGO_TARGET_DIR:-$PWD/target}"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -n 1)
[ -n "$version" ] || fail "no version in Cargo.toml"
work=$(mktemp -d)
cleanup_dirs() { rm -rf "$work"; }
trap cleanup_dirs EXIT

echo "== building the package"
rm -f "$target"/debian/mfa-assist_"$version"-*.deb
if ! ./scripts/package.sh >"$work/build.log" 2>&1; then
  cat "$work/build.log" >&2
  fail "scripts/package.sh failed"
fi
deb=$(ls "$target"/debian/mfa-assist_"$version"-*.deb)
[ -f "$deb" ] || fail "no .deb for version $version in $target/debian"
echo "   $deb"

echo "== contents (dpkg-deb -c)"
dpkg-deb -c "$deb" | awk '{print $1, $6}' | sed 's| \./| /|' >"$work/contents"
expect() { # mode path
  grep -qxF -e "$1 $2" "$work/contents" || {
    cat "$work/contents" >&2
    fail "the package lacks $2 with mode $1"
  }
}
expect -rwxr-xr-x /usr/bin/mfa-assist
expect -rw-r--r-- /usr/share/man/man1/mfa-assist.1.gz
expect -rw-r--r-- /usr/share/bash-completion/completions/mfa-assist
expect -rw-r--r-- /usr/share/zsh/vendor-completions/_mfa-assist
expect -rw-r--r-- /usr/share/fish/vendor_completions.d/mfa-assist.fish
expect -rw-r--r-- /usr/share/doc/mfa-assist/config.example.toml
expect -rw-r--r-- /usr/share/doc/mfa-assist/kiosk.md
expect -rw-r--r-- /usr/share/doc/mfa-assist/copyright
expect -rw-r--r-- /usr/lib/systemd/system/mfa-assist-kiosk.service
expect -rw-r--r-- /usr/lib/sysusers.d/mfa-assist.conf
expect -rw-r--r-- /usr/share/doc/mfa-assist/examples/console-setup
# Nothing in /etc: the config is the admin's, the package never owns it.
if grep -q ' /etc/' "$work/contents"; then fail "the package ships files in /etc"; fi

echo "== control fields"
dpkg-deb -f "$deb" Package Version Depends >"$work/control"
grep -qx "Package: mfa-assist" "$work/control" || fail "wrong Package field"
grep -qx "Version: $version-1" "$work/control" || fail "wrong Version field"
grep -q "^Depends: .*libc6" "$work/control" || fail "no libc6 dependency"
# Into a file first: with pipefail, `grep -q` quitting early would SIGPIPE
# tar and fail the pipeline at random.
dpkg-deb --ctrl-tarfile "$deb" | tar -t >"$work/control-files"
grep -qx './postinst' "$work/control-files" || fail "no postinst"

root="$work/root"
dpkg-deb -x "$deb" "$root"
cmp -s config.example.toml "$root/usr/share/doc/mfa-assist/config.example.toml" ||
  fail "the packaged config.example.toml differs from the repository's"

echo "== man page renders and lists every option"
zcat "$root/usr/share/man/man1/mfa-assist.1.gz" >"$work/mfa-assist.1"
if command -v groff >/dev/null 2>&1; then
  groff -man -Tutf8 -ww -z "$work/mfa-assist.1" 2>"$work/groff.err" || fail "groff failed"
  [ ! -s "$work/groff.err" ] || { cat "$work/groff.err" >&2; fail "groff warns on the man page"; }
  groff -man -Tascii -P-cbou -rLL=200n "$work/mfa-assist.1" >"$work/man.txt"
else
  missing groff "apt-get install groff-base" "the man page rendering check (content check only)"
  cp "$work/mfa-assist.1" "$work/man.txt"
fi
"$root/usr/bin/mfa-assist" --help >"$work/help.txt"
options=$(grep -o -- '--[a-z][a-z-]*' "$work/help.txt" | sort -u)
[ -n "$options" ] || fail "no options in --help"
for opt in $options; do
  grep -q -- "$opt" "$work/man.txt" || fail "the man page does not mention $opt"
done
for section in NAME SYNOPSIS DESCRIPTION OPTIONS COMMANDS FILES ENVIRONMENT; do
  grep -q "^$section" "$work/man.txt" || fail "the man page has no $section section"
done
grep -q "/etc/mfa-assist/config.toml" "$work/man.txt" || fail "the man page does not name /etc/mfa-assist/config.toml"

echo "== completion scripts parse"
bash -n "$root/usr/share/bash-completion/completions/mfa-assist" || fail "bash -n"
# And complete: `mfa-assist --ki<TAB>` offers --kiosk.
got=$(bash -c '
  source "$1"
  COMP_WORDS=(mfa-assist --ki); COMP_CWORD=1; COMP_LINE="mfa-assist --ki"; COMP_POINT=${#COMP_LINE}
  fn=$(complete -p mfa-assist | sed -n "s/.* -F \([^ ]*\) .*/\1/p")
  "$fn" mfa-assist --ki mfa-assist
  printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/mfa-assist")
[ "$got" = "--kiosk" ] || fail "bash completion of --ki gave: $got"
if command -v zsh >/dev/null 2>&1; then
  zsh -n "$root/usr/share/zsh/vendor-completions/_mfa-assist" || fail "zsh -n"
else
  missing zsh "apt-get install zsh" "zsh -n (content check only)"
  grep -q '^#compdef mfa-assist' "$root/usr/share/zsh/vendor-completions/_mfa-assist" || fail "zsh completion header"
fi
if command -v fish >/dev/null 2>&1; then
  fish -n "$root/usr/share/fish/vendor_completions.d/mfa-assist.fish" || fail "fish -n"
else
  missing fish "apt-get install fish" "fish -n (content check only)"
  grep -q '^complete -c mfa-assist' "$root/usr/share/fish/vendor_completions.d/mfa-assist.fish" || fail "fish completion content"
fi

verify_unit() { # extra systemd-analyze arguments...
  systemd-analyze verify "$@" >"$work/verify.out" 2>&1 || {
    cat "$work/verify.out" >&2
    fail "systemd-analyze verify rejects the kiosk unit"
  }
  # Unknown keys and bad values are only warnings: any output is a failure.
  [ ! -s "$work/verify.out" ] || {
    cat "$work/verify.out" >&2
    fail "systemd-analyze verify warns about the kiosk unit"
  }
}
if command -v systemd-analyze >/dev/null 2>&1 && [ -d /usr/lib/systemd/system ]; then
  echo "== kiosk unit (systemd-analyze verify, in the unpacked package)"
  # The unit's dependencies (sysinit.target, getty@.service, ...) come from
  # the host; the package's own files are not overwritten.
  cp -an /usr/lib/systemd/system/. "$root/usr/lib/systemd/system/"
  verify_unit --man=no --root="$root" mfa-assist-kiosk.service
else
  missing systemd-analyze "apt-get install systemd" "systemd-analyze verify of the kiosk unit"
fi

install_step() {
  if [ "${MFA_ASSIST_PACKAGE_INSTALL:-1}" = 0 ]; then
    echo "== install: skipped (MFA_ASSIST_PACKAGE_INSTALL=0)"
    return
  fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "== install: skipped, not root (the contents were checked above)"
    return
  fi
  echo "== install (dpkg -i) and run from /usr/bin"
  local before
  before=$(dpkg-query -W -f='${Status}' mfa-assist 2>/dev/null || true)
  if [ "$before" != "install ok installed" ]; then
    trap 'dpkg --purge mfa-assist >/dev/null 2>&1 || true; cleanup_dirs' EXIT
  fi
  dpkg -i "$deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
  [ "$(command -v mfa-assist)" = /usr/bin/mfa-assist ] || fail "mfa-assist is not /usr/bin/mfa-assist on PATH"
  got=$(/usr/bin/mfa-assist --version)
  [ "$got" = "mfa-assist $version" ] || fail "/usr/bin/mfa-assist --version said: $got"
  help_text=$(/usr/bin/mfa-assist --help)
  grep -q -- '--kiosk' <<<"$help_text" || fail "/usr/bin/mfa-assist --help"
  # `check` from /usr/bin with no config anywhere: the training tenant, all ✓.
  check_home=$(mktemp -d)
  if ! got=$(cd / && HOME="$check_home" XDG_CONFIG_HOME="$check_home" MFA_ASSIST_CONFIG= \
      /usr/bin/mfa-assist check 2>&1); then
    rm -rf "$check_home"
    fail "/usr/bin/mfa-assist check failed: $got"
  fi
  rm -rf "$check_home"
  grep -q 'All checks passed' <<<"$got" || fail "/usr/bin/mfa-assist check said: $got"
  if grep -qs '^path-exclude=/usr/share/man' /etc/dpkg/dpkg.cfg.d/*; then
    echo "   man -w: skipped, this machine's dpkg drops man pages (/etc/dpkg/dpkg.cfg.d)"
  elif command -v man >/dev/null 2>&1; then
    [ "$(man -w mfa-assist)" = /usr/share/man/man1/mfa-assist.1.gz ] || fail "man -w mfa-assist"
  else
    missing man "apt-get install man-db" "man -w mfa-assist"
  fi
  entry=$(getent passwd mfa-kiosk) || fail "the package did not create the mfa-kiosk user"
  case "$entry" in
  *:/nonexistent:/usr/sbin/nologin) ;;
  *) fail "mfa-kiosk should have no home and no shell: $entry" ;;
  esac
  [ "$(id -u mfa-kiosk)" -lt 1000 ] || fail "mfa-kiosk is not a system user"
  if command -v systemd-analyze >/dev/null 2>&1; then
    # Installed for real, with the host's own units and /usr/bin/mfa-assist.
    verify_unit --man=no /usr/lib/systemd/system/mfa-assist-kiosk.service
  fi
  if [ "$before" != "install ok installed" ]; then
    dpkg --purge mfa-assist >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg --purge"; }
    [ ! -e /usr/bin/mfa-assist ] || fail "dpkg --purge left /usr/bin/mfa-assist"
  fi
}
install_step

echo "tests/package.sh: ok"
