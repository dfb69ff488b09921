#!/usr/bin/env python3
"""Measure a full-screen terminal program in a pseudo-terminal, against another.

Python 3 standard library only. Each run starts the program in a fresh pty
(100x40, TERM=xterm-256color, an empty HOME so no user config is read) and
measures, in this order:

  first frame   start -> the last byte of the first frame: the ready text was
                seen and then the output stayed quiet for --quiet ms
  idle          --idle seconds with no input: write bursts, bytes, CPU ms
  keys          each key written alone, after the previous one settled:
                latency to the first byte and to the last byte of its frame,
                and the bytes it caused; the first --skip keys (navigation
                to the screen under test) are left out of the figures
  memory        VmHWM (peak resident memory) of the process, before quitting
  binary        size of the executable file

With --vs the two programs run interleaved (A B A B ...), so a noisy, shared
machine slows both alike: compare the ratios, not the absolute figures.
Key latencies are pooled over all runs of a program before taking p50/p99.
"""

import argparse
import json
import os
import pty
import re
import select
import shlex
import shutil
import signal
import statistics
import sys
import tempfile
import termios
import time
import fcntl
import struct

ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|.)", re.S)
# Queries a terminal answers; a program waiting for the reply would hang.
REPLIES = {b"\x1b[6n": b"\x1b[1;1R", b"\x1b[c": b"\x1b[?62;22c", b"\x1b[>c": b"\x1b[>0;0;0c"}


class Session:
    """One program in a pty; every byte it writes is timestamped."""

    def __init__(self, argv, cols, rows, home):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": home,
            "XDG_CONFIG_HOME": os.path.join(home, ".config"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
        }
        self.t0 = time.monotonic()
        pid, fd = pty.fork()
        if pid == 0:
            try:
                fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        self.chunks = []  # (time, bytes)
        self.status = None

    def pump(self, until):
        """Reads whatever arrives until the monotonic time `until`."""
        while True:
            left = until - time.monotonic()
            if left <= 0:
                return
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                return
            try:
                data = os.read(self.fd, 65536)
            except OSError:  # the program closed the pty
                self.reap(block=True)
                time.sleep(left)
                return
            if not data:
                return
            self.chunks.append((time.monotonic(), data))
            for query, reply in REPLIES.items():
                if query in data:
                    os.write(self.fd, reply)

    def settle(self, since, quiet, timeout):
        """Waits for output after `since` followed by `quiet` s of silence.
        Returns (first byte time, last byte time, bytes) or None."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.pump(min(deadline, time.monotonic() + quiet))
            after = [c for c in self.chunks if c[0] >= since]
            if after and time.monotonic() - after[-1][0] >= quiet:
                return after[0][0], after[-1][0], sum(len(d) for _, d in after)
        return None

    def text(self):
        return ANSI.sub(b"", b"".join(d for _, d in self.chunks)).decode("utf-8", "replace")

    def proc(self, name):
        try:
            with open(f"/proc/{self.pid}/{name}") as f:
                return f.read()
        except OSError:
            return ""

    def cpu_ms(self):
        fields = self.proc("stat").rsplit(")", 1)[-1].split()
        if len(fields) < 13:
            return None
        return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")

    def vmhwm_kb(self):
        m = re.search(r"VmHWM:\s+(\d+)", self.proc("status"))
        return int(m.group(1)) if m else None

    def reap(self, block=False):
        if self.status is None:
            try:
                pid, status = os.waitpid(self.pid, 0 if block else os.WNOHANG)
                if pid:
                    self.status = status
            except ChildProcessError:
                self.status = -1
        return self.status is not None

    def quit(self, keys):
        start = time.monotonic()
        if keys:
            os.write(self.fd, keys)
        for sig, wait in ((None, 2.0), (signal.SIGTERM, 1.0), (signal.SIGKILL, 1.0)):
            if sig:
                try:
                    os.killpg(self.pid, sig)
                except ProcessLookupError:
                    pass
            end = time.monotonic() + wait
            while time.monotonic() < end:
                if self.reap():
                    os.close(self.fd)
                    return (time.monotonic() - start) * 1000, sig is None
                self.pump(min(end, time.monotonic() + 0.01))
        os.close(self.fd)
        return None, False


def unescape(key):
    return key.encode().decode("unicode_escape").encode("latin-1")


def percentile(values, p):
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def one_run(argv, args, ready_text, keys):
    home = tempfile.mkdtemp(prefix="ttyperf-")
    s = Session(argv, args.cols, args.rows, home)
    out = {}
    try:
        quiet = args.quiet / 1000
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline and ready_text not in s.text():
            s.pump(time.monotonic() + 0.01)
        got = s.settle(s.t0, quiet, args.timeout)
        if not got or ready_text not in s.text():
            raise RuntimeError(f"{argv[0]}: no first frame within {args.timeout} s:\n{s.text()[-400:]}")
        out["first_frame_ms"] = (got[1] - s.t0) * 1000
        out["first_frame_bytes"] = got[2]
        if args.idle:
            cpu0, since = s.cpu_ms(), time.monotonic()
            s.pump(since + args.idle)
            idle = [c for c in s.chunks if c[0] >= since]
            out["idle_writes"] = len(idle)
            out["idle_bytes"] = sum(len(d) for _, d in idle)
            cpu1 = s.cpu_ms()
            out["idle_cpu_ms"] = None if cpu0 is None or cpu1 is None else cpu1 - cpu0
        first, last, size = [], [], []
        for i, key in enumerate(keys):
            sent = time.monotonic()
            os.write(s.fd, key)
            got = s.settle(sent, args.key_quiet / 1000, 2.0)
            if i < args.skip:
                continue
            if got:
                first.append((got[0] - sent) * 1000)
                last.append((got[1] - sent) * 1000)
            size.append(got[2] if got else 0)
        out["key_first_ms"], out["key_last_ms"] = first, last
        out["bytes_per_key"] = statistics.mean(size) if size else None
        out["vmhwm_kb"] = s.vmhwm_kb()
        out["quit_ms"], out["quit_clean"] = s.quit(unescape(args.quit))
    finally:
        if s.status is None:
            try:
                os.killpg(s.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            s.reap(block=True)
        shutil.rmtree(home, ignore_errors=True)
    return out


def summary(runs, argv):
    med = lambda k: statistics.median([r[k] for r in runs if r.get(k) is not None] or [float("nan")])
    pooled_first = [v for r in runs for v in r["key_first_ms"]]
    pooled_last = [v for r in runs for v in r["key_last_ms"]]
    row = {
        "first_frame_ms": med("first_frame_ms"),
        "bytes_per_key": med("bytes_per_key"),
        "key_first_byte_p50_ms": percentile(pooled_first, 50),
        "key_frame_p50_ms": percentile(pooled_last, 50),
        "key_frame_p99_ms": percentile(pooled_last, 99),
        "vmhwm_kb": med("vmhwm_kb"),
        "quit_ms": med("quit_ms"),
    }
    if "idle_writes" in runs[0]:
        row.update(idle_writes=med("idle_writes"), idle_bytes=med("idle_bytes"), idle_cpu_ms=med("idle_cpu_ms"))
    exe = shutil.which(argv[0])
    row["binary_bytes"] = os.path.getsize(exe) if exe else None
    return row


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("command", nargs=argparse.REMAINDER, help="-- program and its arguments")
    p.add_argument("--vs", help="the program to compare against (a shell-quoted command)")
    p.add_argument("--labels", default="app,floor")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--ready-text", default="", help="text the first frame of the program shows")
    p.add_argument("--vs-ready-text", default="", help="text the first frame of --vs shows")
    p.add_argument("--keys", default="", help="keys separated by spaces, escapes like \\r \\x1b[B")
    p.add_argument("--skip", type=int, default=0, help="leading keys left out of the key figures")
    p.add_argument("--quit", default="\\x03", help="keys that quit (then SIGTERM, SIGKILL)")
    p.add_argument("--idle", type=float, default=0, help="seconds of no input to measure")
    p.add_argument("--quiet", type=float, default=150, help="ms of silence that ends the first frame")
    p.add_argument("--key-quiet", type=float, default=80, help="ms of silence that ends a key's frame")
    p.add_argument("--timeout", type=float, default=10)
    p.add_argument("--cols", type=int, default=100)
    p.add_argument("--rows", type=int, default=40)
    p.add_argument("--json", help="write every run's figures here")
    args = p.parse_args()
    argv = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not argv:
        p.error("no command")
    keys = [unescape(k) for k in args.keys.split()]
    programs = [(argv, args.ready_text)]
    if args.vs:
        programs.append((shlex.split(args.vs), args.vs_ready_text))
    labels = args.labels.split(",")[: len(programs)]
    runs = [[] for _ in programs]
    for n in range(args.runs):
        for i, (cmd, ready) in enumerate(programs):
            runs[i].append(one_run(cmd, args, ready, keys))
        print(f"run {n + 1}/{args.runs} done", file=sys.stderr)
    rows = [summary(r, cmd) for r, (cmd, _) in zip(runs, programs)]
    width = max(len(k) for k in rows[0])
    print(f"{'':{width}}  " + "  ".join(f"{l:>10}" for l in labels) + ("  {:>10}".format(f"{labels[0]}/{labels[1]}") if len(rows) > 1 else ""))
    for key in rows[0]:
        vals = [r[key] for r in rows]
        line = f"{key:{width}}  " + "  ".join(f"{v:>10.1f}" if isinstance(v, float) else f"{v!s:>10}" for v in vals)
        if len(vals) > 1:
            a, b = vals
            line += f"  {a / b:>9.2f}x" if isinstance(a, (int, float)) and isinstance(b, (int, float)) and b else f"  {'-':>10}"
        print(line)
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"labels": labels, "summary": rows, "runs": runs}, f, indent=1)


if __name__ == "__main__":
    main()
