#!/usr/bin/env bash
# Mutation testing of the code that keeps people safe, with cargo-mutants
# (https://mutants.rs): each mutant (a `<` made `<=`, a body replaced by
# `Ok(())`, a `!` dropped, ...) is built and the tests chosen for its module
# are run; a mutant the tests still pass is "missed": a promise no test keeps.
#
#   scripts/mutants.sh                       every module below, one after another
#   scripts/mutants.sh src/helpdesk/script.rs [FILE...]   only these modules
#   scripts/mutants.sh --list                the modules, their tests and mutant counts
#   scripts/mutants.sh --since main [FILE...] only mutants on lines changed since a git ref
#   scripts/mutants.sh --re REGEX FILE...    only mutants whose name matches (instead of
#                                            the module's own function regex)
#
# Results: target/mutants/out/<module>/mutants.out/ (caught.txt, missed.txt,
# timeout.txt, unviable.txt, outcomes.json) and a one-line summary per module
# in target/mutants/summary.txt. Exits non-zero if any mutant was missed or
# timed out. docs/testing.md has the latest full run and the mutants shown to
# be equivalent (excluded below with their reasons).
#
# How it stays under an hour on two cores:
# - Each module runs only the test targets that guard it (not the whole
#   suite), chosen below; tests needing the privacyIDEA server or tmux are
#   left to the modules that need them.
# - Where a file mixes promise-carrying code with plain drawing or parsing,
#   a regex (-F) keeps the functions that carry the promise.
# - The tree is copied once to target/mutants/tree and mutated there in
#   place, with its own target dir seeded from target/debug, so each mutant
#   is an incremental rebuild of this crate only. Your working tree is never
#   touched.
# - One clean run of every chosen test target first; then cargo-mutants skips
#   its own baseline and uses fixed timeouts.
set -euo pipefail

# Everything runs inside main, which bash reads whole before running: editing
# this file during a (long) run cannot derail the run.
main() {
all_args=("$@")
cd "$(dirname "$0")/.."
root="$PWD"

# module | cargo test targets | mutant-name regex ('' = all) | test timeout (s)
# The targets are cargo options (applied to both the build and the test
# run); anything after ' -- ' goes to the test binaries (name filters).
MODULES=(
  # The helpdesk gate, pass issue/reveal/hide, confirmation, records.
  # The steps' rows also run helpdesk_truth (the privileged-caller gate) and
  # helpdesk_phone (adding a phone number): their promises live there.
  "src/helpdesk/update/mod.rs|--test helpdesk_flow --test helpdesk_promises||60"
  "src/helpdesk/update/lookup.rs|--test helpdesk_flow --test helpdesk_promises||60"
  "src/helpdesk/update/account.rs|--test helpdesk_flow --test helpdesk_promises --test helpdesk_truth --test helpdesk_phone||60"
  "src/helpdesk/update/checks.rs|--test helpdesk_flow --test helpdesk_promises --test helpdesk_truth --test helpdesk_phone||60"
  "src/helpdesk/update/pass.rs|--test helpdesk_flow --test helpdesk_promises --test helpdesk_truth --test helpdesk_phone||60"
  "src/helpdesk/update/confirm.rs|--test helpdesk_flow --test helpdesk_promises --test helpdesk_truth --test helpdesk_phone||60"
  "src/helpdesk/update/watch.rs|--test helpdesk_flow --test helpdesk_promises --test helpdesk_truth --test helpdesk_phone||60"
  "src/helpdesk/update/summary.rs|--test helpdesk_flow --test helpdesk_promises --test helpdesk_truth --test helpdesk_phone||60"
  "src/helpdesk/mod.rs|--test helpdesk_flow --test helpdesk_promises||60"
  "src/helpdesk/script.rs|--test helpdesk_flow --test helpdesk_promises --test helpdesk_sign_out_hint||60"
  # Case summary and the audit/case writer.
  "src/helpdesk/case.rs|--test case_summary --test helpdesk_flow||60"
  "src/audit.rs|--lib --test records --test records_full_disk --test helpdesk_flow||60"
  # The training tenant's helpdesk side and its lockout rules.
  "src/provider/training/admin.rs|--test training_admin||60"
  "src/provider/training/sessions.rs|--test training_provider|do_sign_in|60"
  # Every provider's error mapping: HTTP status, throttling, error codes.
  "src/provider/http.rs|--lib --test http_errors --test http_server_down||60"
  "src/provider/privacyidea/api.rs|--lib||60"
  # privacyIDEA's "no such user" (error 904) and the names never sent.
  "src/provider/privacyidea/admin.rs|--lib --test privacyidea_admin|\b(admin_error|plain_username|check_caller)\b|120"
  "src/provider/graph/errors.rs|--lib --test graph_provider --test graph_desk --test graph_entra_facts||120"
  # Secrets, clipboard, dates in records.
  "src/secret.rs|--lib||60"
  "src/clipboard.rs|--lib||60"
  "src/timefmt.rs|--lib||60"
  "src/provider/calendar.rs|--lib -- provider::calendar||60"
  # Kiosk: idle sign-out and the clean-up of unfinished methods (pure flow).
  "src/flow/update/mod.rs|--test flow --test kiosk_idle --test kiosk_cleanup_notice|\b(on_tick|sign_out|quit|expired)\b|60"
  "src/flow/update/add.rs|--test flow --test kiosk_idle --test kiosk_cleanup_notice|\b(on_enrollment|prepare)\b|60"
  "src/flow/update/scan.rs|--test flow --test kiosk_idle --test kiosk_cleanup_notice|\bscan\b|60"
  # When the idle sign-out falls due, and "Still there?" before it.
  "src/flow/mod.rs|--test flow --test kiosk_idle --test kiosk_idle_device_code|\b(idle_deadline|idle_warning_at|idle_warning|next_wakeup)\b|60"
  # Terminal set-up/restore, the wipe, signals and EOF: the real binary in
  # tmux (a debug build of the mutated tree per mutant; the tests that need
  # no privacyIDEA server). Only the functions that keep those promises.
  "src/terminal.rs|--test e2e_exit -- every_signal signing_out_wipes terminal_closing| (restore|wipe|<impl Drop for TerminalGuard>::drop|<impl crate::driver::Screen for RealScreen>::wipe_scrollback)( |$)|600"
  # Session end, wipe, and the terminal failing while it ends.
  "src/driver/mod.rs|--test driver_headless --test app_headless --test driver_end_reason --test driver_terminal_gone| (run|Driver<'_, X>::(end|on_input|wipe|draw))( |$)|mod\.rs:(211|212|317):|120"
  "src/driver/cleanup.rs|--lib --test driver_cleanup_waited -- driver::cleanup sign_out||120"
  # Which signals end a session and why (the reason in log and audit). Left
  # out: the cfg(not(unix)) stand-in (never built here) and the streams'
  # whole-body replacements (`BoxStream::new()` and the like do not compile:
  # unviable, a build each for nothing).
  "src/driver/signals.rs|--lib --test e2e_exit -- driver::signals every_signal|signals\.rs:(26|35|36|37):|600"
  # The hang-up watch and the burst reader (the cfg(unix) module only, by
  # line: the stand-in for other systems has the same names): their unit
  # tests on a pty of their own, and the real binary in tmux for the choice
  # of terminal (stdin or /dev/tty) and the wiring.
  "src/driver/tty.rs|--lib --test e2e_exit -- driver::tty terminal_closing a_raw_burst|tty\.rs:([6-9][0-9]|1[0-4][0-9]):|120"
  # A sign-in walked away from is closed; requests stopped; the clean-up
  # queue the end of the session waits for.
  "src/app/mod.rs|--test app_headless --test driver_headless --test driver_cleanup_waited --test driver_terminal_gone| (App::adopt|<impl Executor for App>::(stop|cleanup)|<impl Drop for App>::drop)( |$)|120"
)

# Mutants shown to be equivalent (no test can tell them apart from the
# original): matched against cargo-mutants' mutant names, one reason each in
# docs/testing.md ("Equivalent mutants").
EXCLUDE_RE=(
  # Packing disjoint bit fields: `|` and `^` are the same there.
  'src/clipboard\.rs:20:[0-9]+: replace \| with \^ in base64'
  # `is_connect() || is_request()`: a request-but-not-connect error was
  # already ServerDown, and a connect error is never a redirect or builder
  # error, so the final else says Unreachable too. Matched by column, not
  # line (the line moved once and the exclusion silently stopped matching);
  # column 31 is the `is_body() || is_decode()` of the same function, which
  # a test does catch.
  'src/provider/http\.rs:[0-9]+:34: replace \|\| with && in map_reqwest_error'
  # BODY_START (`16 * 1024`, column 30, a const: no function in the name) is
  # only the first size of an answer's buffer; grow_wiping makes room for
  # whatever arrives, so 1040 or 0 bytes read the same answers.
  'src/provider/http\.rs:[0-9]+:30: replace \* with [+/]$'
  # Only reached with a request of a signed-in person in flight: true there.
  'replace match guard flow\.account\.is_some\(\) with true in expired'
  # Without the guard, Ordinary reaches its own arm, which answers None too.
  'replace match guard p\.allows_changes\(\) with false in privilege_refusal'
  # A watch is open on no confirmation but the end of the call's: every other
  # Cancel reaches the Account either way.
  'src/helpdesk/update/confirm\.rs:23:[0-9]+: replace match guard what == Pending::Finish with true in confirm'
  # While ending, draw is only called for the Quit effect inside feed, whose
  # own `!self.ending` guard drops the error anyway.
  "replace match guard self\\.ending with false in Driver<'_, X>::draw"
  # The app is dropped only after its run returned, and the run's end has
  # already stopped the same requests and poller (Executor::stop).
  'replace <impl Drop for App>::drop with \(\)'
  # poll(2) with no events and no timeout returns only -1 (EINTR, revents
  # 0) or n >= 1 with revents a non-empty part of POLLHUP|POLLERR|POLLNVAL,
  # and POLLNVAL comes alone: `n < 0` as `<= 0` or `== 0`, the mask's `&`
  # as `|` or `^`, and `|` as `^` between its disjoint bits change nothing.
  'src/driver/tty\.rs:[0-9]+:[0-9]+: replace < with (<=|==) in imp::wait_for_hangup$'
  'src/driver/tty\.rs:[0-9]+:[0-9]+: replace & with (\||\^) in imp::wait_for_hangup$'
  'src/driver/tty\.rs:[0-9]+:[0-9]+: replace \| with \^ in imp::wait_for_hangup$'
)

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
  exit 2
}

field() { cut -d'|' -f"$2" <<<"$1"; }
# The filter may itself contain '|': everything between field 2 and the last.
filter_of() {
  local row="$1"
  row="${row#*|}"
  row="${row#*|}"
  echo "${row%|*}"
}

want=()
list=0
since=""
only_re=""
while [ $# -gt 0 ]; do
  case "$1" in
    -h | --help) usage ;;
    --list) list=1 ;;
    --since)
      since="${2:?--since needs a git ref}"
      shift
      ;;
    --re)
      only_re="${2:?--re needs a regex}"
      shift
      ;;
    *) want+=("$1") ;;
  esac
  shift
done

# The chosen modules in the order given (the table's order by default).
rows=()
if [ ${#want[@]} -eq 0 ]; then
  rows=("${MODULES[@]}")
else
  for w in "${want[@]}"; do
    for row in "${MODULES[@]}"; do
      [ "$w" = "$(field "$row" 1)" ] && rows+=("$row")
    done
  done
fi
if [ ${#want[@]} -gt 0 ] && [ ${#rows[@]} -ne ${#want[@]} ]; then
  echo "mutants.sh: not a module of this script: ${want[*]}" >&2
  echo "modules:" >&2
  for row in "${MODULES[@]}"; do echo "  $(field "$row" 1)" >&2; done
  exit 2
fi

if ! command -v cargo-mutants >/dev/null 2>&1; then
  echo "mutants.sh: installing cargo-mutants (takes a few minutes once)" >&2
  cargo install --locked cargo-mutants
fi

exclude_args=()
for re in "${EXCLUDE_RE[@]}"; do
  exclude_args+=(-E "$re")
done

# Splits a row's targets into cargo options (-C each) and test-binary args.
split_targets() {
  local targets="$1" cargo_part test_part=""
  cargo_part="${targets%% -- *}"
  [ "$cargo_part" != "$targets" ] && test_part="${targets#* -- }"
  cargo_args=()
  for a in $cargo_part; do cargo_args+=("--cargo-arg=$a"); done
  test_args=()
  if [ -n "$test_part" ]; then
    # cargo-mutants hands what follows its own `--` to `cargo test`, which
    # takes one name filter at most: a second `--` sends the filters on to
    # the test binaries (with one `--`, two filters made every mutant's
    # `cargo test` fail at once, and so look "caught").
    test_args=(-- --)
    for a in $test_part; do test_args+=("$a"); done
  fi
}

if [ "$list" = 1 ]; then
  for row in "${rows[@]}"; do
    file="$(field "$row" 1)"
    filter="$(filter_of "$row")"
    [ -n "$only_re" ] && filter="$only_re"
    args=(-f "$file" "${exclude_args[@]}")
    [ -n "$filter" ] && args+=(-F "$filter")
    n="$(cargo mutants --list "${args[@]}" 2>/dev/null | wc -l)"
    printf '%-34s %4s mutants  tests: %s%s\n' "$file" "$n" "$(field "$row" 2)" \
      "${filter:+  functions: $filter}"
  done
  exit 0
fi

# Tests that need the real privacyIDEA server (privacyidea_*, pi_*, and
# e2e_exit's clean-up at the QR): the whole run goes under with-server.sh,
# which starts one for it.
if [ -z "${MFA_ASSIST_PI_URL:-}" ]; then
  for row in "${rows[@]}"; do
    case " $(field "$row" 2) " in
      *" --test e2e_exit "* | *" --test privacyidea_"* | *" --test pi_"*)
        echo "mutants.sh: $(field "$row" 1) needs the privacyIDEA server; starting one" >&2
        exec "$root/scripts/privacyidea/with-server.sh" "$root/scripts/mutants.sh" "${all_args[@]}"
        ;;
    esac
  done
fi

user_target="${CARGO_TARGET_DIR:-$root/target}"
work="${MUTANTS_DIR:-$user_target/mutants}"
tree="$work/tree"
export CARGO_TARGET_DIR="$work/target"
# The tmux tests run $MFA_ASSIST_BIN when it is set (a release build made
# from the unmutated tree): here they must run the binary cargo builds from
# the mutated tree (CARGO_BIN_EXE_mfa-assist), or no driver mutant could fail.
unset MFA_ASSIST_BIN
mkdir -p "$work"

diff_args=()
if [ -n "$since" ]; then
  git diff "$since" -- src >"$work/since.diff"
  diff_args=(--in-diff "$work/since.diff")
fi

# A fresh copy of the working tree (uncommitted edits included, ignored
# files not).
rm -rf "$tree"
mkdir -p "$tree"
git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done |
  tar --null -T - -cf - | tar -xf - -C "$tree"
# Cargo decides freshness by file times: a build left over from an earlier,
# interrupted run (of a mutant) is newer than the copied sources and would be
# taken as up to date. Newer sources force one honest rebuild of this crate.
find "$tree/src" "$tree/tests" "$tree/benches" "$tree/assets" -type f -exec touch {} +
# Seed the build cache from the normal one, without copying it: the
# dependencies' artifacts are hard-linked (cargo never rewrites a fresh
# dependency), this crate's own (lib, bin, tests, benches, incremental) are
# left out and built once from the copied sources.
seed="${user_target}/debug"
if [ ! -d "$CARGO_TARGET_DIR/debug" ] && [ -d "$seed" ] &&
  [ "$CARGO_TARGET_DIR" != "$user_target" ]; then
  echo "mutants.sh: seeding $CARGO_TARGET_DIR from $seed (hard links)" >&2
  own="$(cargo metadata --no-deps --format-version 1 --locked |
    jq -r '.packages[] | .name, (.targets[].name | gsub("-"; "_"))' | sort -u)"
  for d in deps build .fingerprint; do
    mkdir -p "$CARGO_TARGET_DIR/debug/$d"
    for p in "$seed/$d"/*; do
      [ -e "$p" ] || continue
      base="${p##*/}"
      ours=0
      while IFS= read -r n; do
        case "$base" in "$n"-* | "lib$n"-*) ours=1 && break ;; esac
      done <<<"$own"
      [ "$ours" = 0 ] && cp -al "$p" "$CARGO_TARGET_DIR/debug/$d/"
    done
  done
fi

# The baseline: each module's tests green on the unmutated tree, once per
# distinct set of targets.
started=$(date +%s)
rm -f "$work/baseline.log"
seen=" "
for row in "${rows[@]}"; do
  targets="$(field "$row" 2)"
  case "$seen" in *"|$targets|"*) continue ;; esac
  seen="$seen|$targets| "
  split_targets "$targets"
  plain=()
  for ((i = 0; i < ${#cargo_args[@]}; i++)); do plain+=("${cargo_args[$i]#--cargo-arg=}"); done
  echo "mutants.sh: baseline: cargo test ${plain[*]} ${test_args[*]:1}" >&2
  # (cargo test itself: one `--` before the filters.)
  (cd "$tree" && cargo test --locked -q "${plain[@]}" "${test_args[@]:1}" >>"$work/baseline.log" 2>&1) || {
    echo "mutants.sh: the tests fail on the unmutated tree; see $work/baseline.log" >&2
    tail -n 30 "$work/baseline.log" >&2
    exit 1
  }
done
echo "mutants.sh: baseline green in $(($(date +%s) - started)) s" >&2

summary="$work/summary.txt"
: >"$summary"
status=0
for row in "${rows[@]}"; do
  file="$(field "$row" 1)"
  filter="$(filter_of "$row")"
  timeout="$(field "$row" "$(($(tr -cd '|' <<<"$row" | wc -c) + 1))")"
  split_targets "$(field "$row" 2)"
  slug="$(tr '/.' '__' <<<"$file")"
  out="$work/out/$slug"
  rm -rf "$out"
  mkdir -p "$out"
  args=(-f "$file" "${exclude_args[@]}" "${diff_args[@]}" "${cargo_args[@]}")
  [ -n "$only_re" ] && filter="$only_re"
  [ -n "$filter" ] && args+=(-F "$filter")
  echo "mutants.sh: $file ($(field "$row" 2))" >&2
  t0=$(date +%s)
  rc=0
  (cd "$tree" && cargo mutants --in-place --baseline=skip --no-shuffle \
    --timeout "$timeout" --build-timeout 600 --colors never \
    -o "$out" "${args[@]}" "${test_args[@]}") || rc=$?
  secs=$(($(date +%s) - t0))
  count() {
    local f="$out/mutants.out/$1.txt"
    if [ -s "$f" ]; then grep -c . "$f"; else echo 0; fi
  }
  line="$(printf '%-34s caught %3s  missed %3s  timeout %3s  unviable %3s  %5ss' \
    "$file" "$(count caught)" "$(count missed)" "$(count timeout)" "$(count unviable)" "$secs")"
  echo "$line" | tee -a "$summary" >&2
  if [ "$(count missed)" != 0 ] || [ "$(count timeout)" != 0 ]; then
    sed 's/^/    missed: /' "$out/mutants.out/missed.txt" >&2 || true
    status=1
  elif [ "$rc" != 0 ]; then
    echo "    cargo-mutants failed (exit $rc); see $out/mutants.out/debug.log" >&2
    status=1
  fi
done
echo "mutants.sh: done in $(($(date +%s) - started)) s; summary in $summary" >&2
cat "$summary"
exit "$status"
}

main "$@"
