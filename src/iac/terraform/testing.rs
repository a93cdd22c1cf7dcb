//! Test helpers: a plan written in a few lines, read into documents.

use serde_json::{json, Value};

use crate::iac::cfn::Loaded;

/// A `terraform show -json` plan (format 1.2) creating `resources`, each
/// `{"address", "type", "after", "after_unknown"?, "expressions"?, "index"?}` (the address's
/// module part gives its module). `modules` is the `configuration.root_module` to use when
/// the test needs module calls; else one is made from each resource's `expressions`.
pub(crate) fn plan(resources: Value, root_module: Option<Value>) -> String {
    let items = resources.as_array().cloned().unwrap_or_default();
    let mut changes = Vec::new();
    let mut config = Vec::new();
    for r in &items {
        let address = r["address"].as_str().unwrap_or_default();
        let parts = super::plan::split_address(address);
        let module = parts[..parts.len() - 2].join(".");
        let ty = r["type"].as_str().unwrap_or_default();
        let name = parts[parts.len() - 1].split('[').next().unwrap_or_default();
        let mut rc = json!({
            "address": address, "mode": "managed", "type": ty, "name": name,
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "change": {
                "actions": ["create"], "before": null, "after": r["after"],
                "after_unknown": r.get("after_unknown").cloned().unwrap_or(json!({})),
                "after_sensitive": r.get("after_sensitive").cloned().unwrap_or(json!({})),
            },
        });
        if !module.is_empty() {
            rc["module_address"] = json!(module);
        }
        if let Some(i) = r.get("index") {
            rc["index"] = i.clone();
        }
        changes.push(rc);
        if module.is_empty() {
            config.push(json!({
                "address": format!("{ty}.{name}"), "mode": "managed", "type": ty, "name": name,
                "expressions": r.get("expressions").cloned().unwrap_or(json!({})),
            }));
        }
    }
    let root = root_module.unwrap_or_else(|| json!({"resources": config}));
    serde_json::to_string_pretty(&json!({
        "format_version": "1.2",
        "terraform_version": "1.11.4",
        "resource_changes": changes,
        "configuration": {
            "provider_config": {"aws": {"name": "aws", "expressions": {"region": {"constant_value": "eu-west-1"}}}},
            "root_module": root,
        },
    }))
    .unwrap_or_default()
}

/// The documents `plan` (a plan's text) gives, as `vigil scan --terraform-plan` reads them.
pub(crate) fn load(plan: &str) -> Loaded {
    let dir = tempfile::tempdir().expect("temporary directory");
    let path = dir.path().join("plan.json");
    std::fs::write(&path, plan).expect("plan written");
    super::load(&[path], None)
}

/// The document (passing extreme) of the resource at `address`.
pub(crate) fn config<'l>(loaded: &'l Loaded, address: &str) -> &'l Value {
    let r = loaded
        .resources
        .iter()
        .find(|r| r.id.ends_with(&format!("#{address}")))
        .unwrap_or_else(|| {
            panic!(
                "no document for {address}: {:?}",
                loaded.resources.iter().map(|r| &r.id).collect::<Vec<_>>()
            )
        });
    &r.config
}

/// The document at the failing extreme of the resource at `address`, when it has unknowns.
pub(crate) fn failing<'l>(loaded: &'l Loaded, address: &str) -> Option<&'l Value> {
    loaded
        .failing
        .iter()
        .find(|(id, _)| id.ends_with(&format!("#{address}")))
        .map(|(_, r)| &r.config)
}

/// The bundled rules run on the plan of `resources`, as `vigil scan --terraform-plan` runs
/// them; the plan must read without errors.
pub(crate) fn checked(resources: Value) -> crate::iac::Checked {
    let rules =
        crate::policy::RuleSet::load(&[crate::policy::RuleSource::Bundled]).expect("bundled rules");
    let loaded = load(&plan(resources, None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    crate::iac::check(&rules, Default::default(), loaded, chrono::Utc::now())
}

/// The Terraform address of the resource a result judged.
pub(crate) fn address(r: &crate::model::RuleResult) -> String {
    r.resource_id
        .rsplit('#')
        .next()
        .unwrap_or_default()
        .to_string()
}

/// A verdict's rule and resource address.
pub(crate) type Verdict = (String, String);

/// Each FAIL verdict and each one left to deploy time, with the bundled rules.
pub(crate) fn verdicts(resources: Value) -> (Vec<Verdict>, Vec<Verdict>) {
    let checked = checked(resources);
    let of = |r: &crate::model::RuleResult| (r.rule_id.clone(), address(r));
    let v = &checked.verdicts;
    let open = v.unknown.iter().map(|u| of(&u.result)).collect();
    (v.fail.iter().map(of).collect(), open)
}
