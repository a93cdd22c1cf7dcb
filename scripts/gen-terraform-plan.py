#!/usr/bin/env python3
"""Writes a large Terraform plan for measuring `vigil scan --terraform-plan`.

The fixture plan (tests/fixtures/terraform/plan.json, Terraform's own output: 16 resources in
three modules) is repeated under `module.copy[N]`, addresses, module addresses and the
configuration's module calls included, until the plan has at least --resources resources.

    scripts/gen-terraform-plan.py --resources 10000 > /tmp/plan-10k.json
"""
import argparse
import copy
import json
import pathlib

here = pathlib.Path(__file__).resolve().parent
fixture = here.parent / "tests" / "fixtures" / "terraform" / "plan.json"

p = argparse.ArgumentParser()
p.add_argument("--resources", type=int, default=10000)
args = p.parse_args()

plan = json.loads(fixture.read_text())
changes = plan["resource_changes"]
copies = -(-args.resources // len(changes))
out = []
for i in range(copies):
    prefix = f"module.copy[{i}]"
    for rc in changes:
        rc = copy.deepcopy(rc)
        rc["address"] = f"{prefix}.{rc['address']}"
        module = rc.get("module_address")
        rc["module_address"] = f"{prefix}.{module}" if module else prefix
        # Names stay apart: bucket and queue names carry the copy's number.
        after = rc["change"].get("after") or {}
        for k in ("bucket", "name"):
            if isinstance(after.get(k), str):
                after[k] = f"{after[k]}-{i}"
        out.append(rc)
plan["resource_changes"] = out
root = plan["configuration"]["root_module"]
plan["configuration"]["root_module"] = {
    "module_calls": {"copy": {"source": "./copy", "count_expression": {"constant_value": copies}, "module": root}}
}
plan.pop("planned_values", None)
plan.pop("relevant_attributes", None)
print(json.dumps(plan, indent=2))
