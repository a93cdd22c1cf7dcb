#!/usr/bin/env python3
"""Measures `vigil run` on an existing database: time to serve, memory at rest, and the
latency of the API routes a dashboard or CI job calls. Standard library only.

    vigil bench --resources 100000 --db /tmp/bench/vigil.db      # a database to serve
    python3 scripts/bench-daemon.py --vigil target/release/vigil --db /tmp/bench/vigil.db

It makes a viewer token, starts `vigil run` on a free port with no schedule, times each
route N times (median and worst), reads the daemon's RSS from /proc, and stops it with SIGTERM.
"""
import argparse
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--vigil", default="target/release/vigil")
    ap.add_argument("--db", required=True)
    ap.add_argument("-n", type=int, default=20, help="requests per route")
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="vigil-bench-daemon-")
    new = subprocess.run([args.vigil, "token", "new", "--name", "bench", "--role", "viewer"],
                         capture_output=True, text=True, check=True)
    token = new.stdout.strip()
    entry = "".join(l + "\n" for l in new.stderr.splitlines() if not l.startswith("#"))
    with open(os.path.join(work, "tokens.toml"), "w") as f:
        f.write(entry)
    port = free_port()
    with open(os.path.join(work, "vigil.toml"), "w") as f:
        f.write(f'[daemon]\nlisten = "127.0.0.1:{port}"\ntokens_file = "{work}/tokens.toml"\n')
    log = open(os.path.join(work, "daemon.log"), "w")
    t0 = time.monotonic()
    proc = subprocess.Popen([args.vigil, "run", "--config", f"{work}/vigil.toml", "--db", args.db],
                            stdout=subprocess.DEVNULL, stderr=log)
    base = f"http://127.0.0.1:{port}"

    def call(path, auth=True):
        req = urllib.request.Request(base + path)
        if auth:
            req.add_header("Authorization", f"Bearer {token}")
        start = time.monotonic()
        with urllib.request.urlopen(req, timeout=120) as r:
            body = r.read()
        return time.monotonic() - start, body

    while True:
        try:
            call("/healthz", auth=False)
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() - t0 > 300:
                sys.exit(f"vigil run did not start; see {work}/daemon.log")
            time.sleep(0.05)
    ready = time.monotonic() - t0
    print(f"serving after {ready:.2f} s (database opened, rules compiled, open-findings gauges set)")
    print(f"RSS at rest: {rss_mb(proc.pid):.0f} MB")

    _, body = call("/api/v1/findings?limit=1")
    page = json.loads(body)
    total = page["total"]
    rid = page["findings"][0]["resource_id"] if page["findings"] else ""
    rule = page["findings"][0]["rule_id"] if page["findings"] else ""
    _, body = call("/api/v1/scans?limit=1")
    scan = json.loads(body)["scans"][0]["id"]
    print(f"database: {os.path.getsize(args.db) / 1e6:.0f} MB, {total} findings (open, reopened, waived)")
    routes = [
        ("/healthz", False),
        ("/readyz", False),
        ("/metrics", False),
        ("/api/v1/status", True),
        ("/api/v1/scans?limit=50", True),
        (f"/api/v1/scans/{scan}", True),
        ("/api/v1/findings?limit=100", True),
        ("/api/v1/findings?limit=100&offset=" + str(max(total - 100, 0)), True),
        (f"/api/v1/findings?rule={rule}&limit=100", True),
        ("/api/v1/findings?severity=critical&limit=100", True),
        ("/api/v1/resources?id=" + urllib.parse.quote(rid, safe=""), True),
        ("/api/v1/drift", True),
    ]
    print(f"{'route':<62} {'median ms':>10} {'max ms':>8} {'bytes':>9}")
    for path, auth in routes:
        times, size = [], 0
        for _ in range(args.n):
            t, body = call(path, auth)
            times.append(t * 1000)
            size = len(body)
        shown = path if len(path) <= 60 else path[:57] + "..."
        print(f"{shown:<62} {statistics.median(times):>10.1f} {max(times):>8.1f} {size:>9}")
    print(f"RSS after the requests: {rss_mb(proc.pid):.0f} MB")
    proc.send_signal(signal.SIGTERM)
    t1 = time.monotonic()
    proc.wait(timeout=60)
    print(f"stopped {time.monotonic() - t1:.2f} s after SIGTERM, exit {proc.returncode}")


if __name__ == "__main__":
    main()
