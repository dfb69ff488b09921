#!/usr/bin/env bash
# Installs privacyIDEA 3.14 (exactly requirements-lock.txt) into a cached venv
# and prints the venv's python on the last line of stdout.
#
#   PY=$(scripts/privacyidea/install.sh | tail -n1)
#
# The venv lives in
#   ${MFA_ASSIST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mfa-assist}/privacyidea-<lock hash>
# so a changed lock file gets a new venv and an unchanged one is reused.
# MFA_ASSIST_PYTHON picks the interpreter (default: python3, needs >= 3.10).
# Progress and errors go to stderr.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
lock="$here/requirements-lock.txt"
python="${MFA_ASSIST_PYTHON:-python3}"
cache_root="${MFA_ASSIST_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/mfa-assist}"
hash="$(sha256sum "$lock" | cut -c1-16)"
venv="$cache_root/privacyidea-$hash"

say() { echo "privacyidea/install.sh: $*" >&2; }

# A venv is only trusted once the marker exists (written after a complete
# install) and its interpreter still runs: a pyenv or system python upgrade
# can leave a venv whose symlinked interpreter is gone.
venv_works() {
  [ -f "$venv/.installed" ] && [ -x "$venv/bin/pi-manage" ] &&
    "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('privacyIDEA') != '3.14')" 2>/dev/null
}

if venv_works; then
  echo "$venv/bin/python"
  exit 0
fi

if ! command -v "$python" >/dev/null 2>&1; then
  say "'$python' not found. On Debian/Ubuntu: apt-get install python3 python3-venv"
  exit 3
fi
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))'; then
  say "privacyIDEA 3.14 needs Python >= 3.10, '$python' is $("$python" -V 2>&1)"
  exit 3
fi
# Debian splits venv/ensurepip out of python3; without it `python3 -m venv`
# fails half-way with a long message, so check up front and name the package.
if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
  ver="$("$python" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')"
  say "'$python' cannot create virtual environments (the venv/ensurepip module is missing)."
  say "On Debian/Ubuntu install it with: apt-get install python3-venv   (for Python $ver: python$ver-venv)"
  exit 3
fi

mkdir -p "$cache_root"
# Parallel runs (several worktrees, CI + a developer) must not build the same
# venv at once; the second one waits and then reuses it.
exec 9>"$venv.lock"
if command -v flock >/dev/null 2>&1; then
  flock 9
fi
if venv_works; then
  echo "$venv/bin/python"
  exit 0
fi

start=$(date +%s)
say "installing privacyIDEA into $venv (about 20-30 s, once per lock file)"
rm -rf "$venv"
# Built in place rather than in a temp dir and renamed: venv scripts
# (pi-manage) hard-code the absolute interpreter path in their shebang.
if ! "$python" -m venv "$venv" >&2; then
  rm -rf "$venv"
  say "'$python -m venv' failed. On Debian/Ubuntu: apt-get install python3-venv"
  exit 3
fi
if ! "$venv/bin/python" -m pip install --quiet --no-input --disable-pip-version-check \
  --require-virtualenv -r "$lock" >&2; then
  rm -rf "$venv"
  say "pip install -r $lock failed (is PyPI reachable?)"
  exit 4
fi
if ! "$venv/bin/python" -c 'import privacyidea.app' >&2; then
  rm -rf "$venv"
  say "privacyIDEA was installed but does not import"
  exit 4
fi
echo "lock=$hash python=$("$python" -V 2>&1) installed=$(date -u +%FT%TZ)" >"$venv/.installed"
say "installed in $(($(date +%s) - start)) s"
echo "$venv/bin/python"
