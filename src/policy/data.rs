//! What a rule reads besides its resource: the `data` document (context, parameters, the
//! control catalog, inventory facts) and the resource as the engine's `input`.

use std::collections::{BTreeMap, HashMap};

use chrono::SecondsFormat;
use regorus::Value;

use super::inventory;
use super::types::EvalContext;
use crate::controls;
use crate::model::{Resource, Snapshot};

/// The `data` document rules see, as JSON.
pub fn data_document(snapshot: &Snapshot, ctx: &EvalContext) -> serde_json::Value {
    data_document_with(snapshot, ctx, &inventory::controllers(&snapshot.resources))
}

pub(super) fn data_document_with(
    snapshot: &Snapshot,
    ctx: &EvalContext,
    delegated: &HashMap<&str, Vec<&str>>,
) -> serde_json::Value {
    let mut accounts: Vec<&str> = Vec::new();
    let mut regions: Vec<&str> = Vec::new();
    let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
    for r in &snapshot.resources {
        if let Some(a) = r.account.as_deref() {
            if !accounts.contains(&a) {
                accounts.push(a);
            }
        }
        if let Some(g) = r.region.as_deref() {
            if !regions.contains(&g) {
                regions.push(g);
            }
        }
        *counts.entry(r.resource_type.as_str()).or_default() += 1;
    }
    let controls: serde_json::Map<String, serde_json::Value> = controls::catalog()
        .ids()
        .map(|id| (id.to_string(), serde_json::Value::Bool(true)))
        .collect();
    let now_ns = ctx.now.timestamp_nanos_opt().unwrap_or(i64::MAX);
    serde_json::json!({
        "vigil": {
            "context": {
                "now": ctx.now.to_rfc3339_opts(SecondsFormat::Secs, true),
                "now_ns": now_ns,
                "params": ctx.params,
                "idle_since": ctx.idle_since,
                "accounts": snapshot.accounts,
            },
            "controls": controls,
            "inventory": {
                "accounts": accounts,
                "regions": regions,
                "resource_counts": counts,
                "k8s": inventory::kubernetes(snapshot, delegated),
            }
        }
    })
}

/// Converts one resource to the engine's value type, reading the JSON tree in place (no
/// intermediate copy of the document).
pub fn to_input(r: &Resource) -> Value {
    use serde::Deserialize as _;
    let mut obj = Value::new_object();
    let map = obj.as_object_mut().expect("new object");
    let s = |v: &str| Value::String(v.into());
    map.insert(s("id"), s(&r.id));
    map.insert(s("type"), s(&r.resource_type));
    map.insert(s("provider"), s(&r.provider));
    for (key, value) in [
        ("account", &r.account),
        ("region", &r.region),
        ("name", &r.name),
    ] {
        if let Some(v) = value {
            map.insert(s(key), s(v));
        }
    }
    let mut tags = Value::new_object();
    let t = tags.as_object_mut().expect("new object");
    for (k, v) in &r.tags {
        t.insert(s(k), s(v));
    }
    map.insert(s("tags"), tags);
    map.insert(
        s("config"),
        Value::deserialize(&r.config).unwrap_or(Value::Undefined),
    );
    obj
}
