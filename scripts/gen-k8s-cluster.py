#!/usr/bin/env python3
"""Writes a large synthetic cluster for tests/fixtures/k8s_api.py, to time whole Kubernetes scans.

    python3 scripts/gen-k8s-cluster.py OUT_DIR --objects 20000
    python3 tests/fixtures/k8s_api.py OUT_DIR        # prints the port
    vigil scan --target kubernetes --kubeconfig ...   # token: bench-token

The cluster reuses the recorded discovery of tests/fixtures/k8s/cluster-a and holds apps of
ten objects (Deployment, ReplicaSet, three Pods, Service, ServiceAccount, claim, RoleBinding,
and per 20 apps a Namespace, a NetworkPolicy and a Role), half of them insecure.
"""
import argparse
import json
import os
import shutil

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("--objects", type=int, default=20000)
args = ap.parse_args()
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(args.out, exist_ok=True)
shutil.copy(os.path.join(here, "..", "tests", "fixtures", "k8s", "cluster-a", "discovery.json"), args.out)

items = []
app = 0
while len(items) < args.objects:
    ns = f"team-{app // 20:04d}"
    meta = lambda name, **kw: dict({"name": name, "namespace": ns, "uid": f"u-{len(items)}", "resourceVersion": str(1000 + len(items)),
                                    "creationTimestamp": "2026-01-01T00:00:00Z"}, **kw)
    if app % 20 == 0:
        items.append({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": {"owner": "team"}}, "status": {"phase": "Active"}})
        items.append({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy", "metadata": meta("default-deny"),
                      "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}})
        items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role", "metadata": meta("reader"),
                      "rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]})
    name = f"app-{app:05d}"
    bad = app % 2 == 1
    labels = {"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bench", "owner": "team"}
    c = {"name": "main", "image": "nginx:latest" if bad else "registry.example.com/x@sha256:" + "ab" * 32,
         "securityContext": {"privileged": True} if bad else {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
         "env": [{"name": "DB_PASSWORD", "value": "not-a-secret"}] if bad else []}
    spec = {"serviceAccountName": name, "containers": [c],
            "securityContext": {} if bad else {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "volumes": [{"name": "d", "persistentVolumeClaim": {"claimName": f"{name}-data"}}]}
    tmpl = {"metadata": {"labels": labels}, "spec": spec}
    rs = f"{name}-5d8f7c"
    own = lambda kind, n, api: [{"apiVersion": api, "kind": kind, "name": n, "uid": "x", "controller": True}]
    items.append({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta(name, labels=labels),
                  "spec": {"replicas": 3, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}, "template": tmpl},
                  "status": {"replicas": 3, "conditions": [{"type": "Progressing", "status": "True", "lastUpdateTime": "2026-11-01T00:00:00Z"}]}})
    items.append({"apiVersion": "apps/v1", "kind": "ReplicaSet", "metadata": meta(rs, labels=labels, ownerReferences=own("Deployment", name, "apps/v1")),
                  "spec": {"replicas": 3, "template": tmpl}})
    for p in range(3):
        items.append({"apiVersion": "v1", "kind": "Pod", "metadata": meta(f"{rs}-{p}", labels=labels, ownerReferences=own("ReplicaSet", rs, "apps/v1")),
                      "spec": spec, "status": {"phase": "Running", "podIP": f"10.0.{p}.{app % 250}"}})
    items.append({"apiVersion": "v1", "kind": "Service", "metadata": meta(name, labels=labels), "spec": {"selector": {"app.kubernetes.io/name": name}, "ports": [{"port": 80}]}})
    items.append({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": meta(name)})
    items.append({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": meta(f"{name}-data"), "spec": {}, "status": {"phase": "Bound"}})
    items.append({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding", "metadata": meta(name),
                  "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
                  "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}]})
    app += 1
with open(os.path.join(args.out, "objects.json"), "w") as f:
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, f)
with open(os.path.join(args.out, "server.json"), "w") as f:
    json.dump({"token": "bench-token", "errors": {}}, f)
print(f"{len(items)} objects in {args.out}")
