//! A plan's resources in groups that refer to each other: by reference (`${logical}`), or by
//! a known name or id another resource has. Joins only happen inside a group, so each group
//! is translated and built on its own, and a plan of 10,000 resources costs the sum of its
//! groups, not the square of its size.

use std::collections::HashMap;

use serde_json::Value;

use super::plan::Planned;
use crate::iac::cfn::resolve::reference;

/// The arguments that name a resource (those [`super::translate`] joins by).
pub(super) const NAMING: &[&str] = &["id", "arn", "name", "bucket", "url", "function_name"];

/// Also make a group: the database identifiers RDS compares without case.
const ALSO_GROUPING: &[&str] = &["identifier", "cluster_identifier"];

/// The indices of `resources` in groups, each in plan order, the groups by their first.
pub fn groups(resources: &[Planned]) -> Vec<Vec<usize>> {
    let mut parent: Vec<usize> = (0..resources.len()).collect();
    fn root(parent: &mut [usize], mut i: usize) -> usize {
        while parent[i] != i {
            parent[i] = parent[parent[i]];
            i = parent[i];
        }
        i
    }
    let mut union = |a: usize, b: usize| {
        let (ra, rb) = (root(&mut parent, a), root(&mut parent, b));
        if ra != rb {
            parent[ra.max(rb)] = ra.min(rb);
        }
    };
    let by_logical: HashMap<&str, usize> = resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.logical_id.as_str(), i))
        .collect();
    let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in resources.iter().enumerate() {
        for k in NAMING.iter().chain(ALSO_GROUPING) {
            if let Some(s) = r
                .values
                .get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.is_empty())
            {
                by_name.entry(s.to_lowercase()).or_default().push(i);
            }
        }
    }
    for (i, r) in resources.iter().enumerate() {
        let mut texts = Vec::new();
        leaves(&r.values, &mut texts);
        for s in texts {
            if let Some(j) =
                reference(&Value::String(s.to_string())).and_then(|l| by_logical.get(l))
            {
                union(i, *j);
            }
            for j in by_name.get(&s.to_lowercase()).into_iter().flatten() {
                union(i, *j);
            }
        }
    }
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut slot: HashMap<usize, usize> = HashMap::new();
    for i in 0..resources.len() {
        let r = root(&mut parent, i);
        let at = *slot.entry(r).or_insert_with(|| {
            out.push(Vec::new());
            out.len() - 1
        });
        out[at].push(i);
    }
    out
}

/// Every text in `v`.
fn leaves<'v>(v: &'v Value, out: &mut Vec<&'v str>) {
    match v {
        Value::String(s) => out.push(s),
        Value::Array(a) => a.iter().for_each(|x| leaves(x, out)),
        Value::Object(o) => o.values().for_each(|x| leaves(x, out)),
        _ => {}
    }
}
