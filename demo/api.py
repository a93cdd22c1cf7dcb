#!/usr/bin/env python3
"""Talks to a running `vigil run` the way a dashboard or a CI job would (standard library only).

VIGIL_URL and VIGIL_TOKEN (an operator token) come from the environment.
"""
import json
import os
import sys
import time
import urllib.error
import urllib.request

URL, TOKEN = os.environ["VIGIL_URL"], os.environ["VIGIL_TOKEN"]


def call(method, path, body=None, token=TOKEN):
    req = urllib.request.Request(URL + path, method=method, data=body)
    if token:
        req.add_header("Authorization", f"Bearer {token}")
    if body is not None:
        req.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()
    except OSError:
        return 0, ""


deadline = time.time() + 60
while call("GET", "/healthz", token=None)[0] != 200:
    if time.time() > deadline:
        sys.exit("vigil run did not start within 60 s (see demo/out/daemon.log)")
    time.sleep(0.2)

code, _ = call("GET", "/api/v1/scans", token=None)
print(f"GET /api/v1/scans without a token -> {code}")
code, body = call("POST", "/api/v1/scans", json.dumps({"target": "aws"}).encode())
print(f"POST /api/v1/scans {{\"target\": \"aws\"}} -> {code} {body}")
run = json.loads(body)["run_id"]
while True:
    _, body = call("GET", f"/api/v1/scans?run_id={run}")
    scans = json.loads(body)["scans"]
    if scans:
        s = scans[0]
        print(f"scan {s['id']} (run {run}): {s['status']}, {s['resources']} resources")
        break
    if time.time() > deadline:
        sys.exit(f"run {run} was not recorded within 60 s")
    time.sleep(0.3)
code, body = call("GET", "/readyz", token=None)
print(f"GET /readyz -> {code} {body}")
_, body = call("GET", "/api/v1/findings?severity=critical&limit=3")
page = json.loads(body)
print(f"GET /api/v1/findings?severity=critical&limit=3 -> {page['total']} in all, first {len(page['findings'])}:")
for f in page["findings"]:
    print(f"  {f['id']:>4} {f['rule_id']:<12} {f['resource_id']}")
_, text = call("GET", "/metrics", token=None)
print("GET /metrics (some of it):")
for line in text.splitlines():
    if line.startswith(("vigil_scans_total", "vigil_findings_open{", "vigil_api_calls_total{provider=\"aws\",service=\"ec2\"}")):
        print("  " + line)
