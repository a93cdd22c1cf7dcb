//! `terraform show -json` output read: a plan (format versions 0.1 to 1.2) or a state. Each
//! managed resource the plan leaves in place after apply is kept with its planned values, in
//! which every value "known after apply" is replaced: by the deploy-time identifier of the
//! resource it refers to (`${logical}`, `${logical.arn}`), so resources that belong together
//! are joined as in a template; by an unknown value naming the expression
//! ([`crate::iac::cfn::resolve::unknown`]); or left out when the configuration does not set it
//! at all (AWS computes it, as it does for a template that leaves it out). A sensitive value
//! is never read.

use serde_json::Value;

use super::config::{Config, Expr};
use crate::iac::cfn::resolve::unknown;

/// The plan format versions read: 0.1 (Terraform 0.12 – 1.0.x) through 1.2 (1.5 and later).
pub const FORMATS: &str = "0.1 to 1.2";

/// One managed resource of a plan, as it will be after apply.
#[derive(Debug, Clone)]
pub struct Planned {
    /// The full address: `module.net.aws_security_group.web[0]`.
    pub address: String,
    /// The address without dots, usable where templates use logical ids.
    pub logical_id: String,
    /// `module.net` (`""` at the root).
    pub module_address: String,
    pub resource_type: String,
    pub name: String,
    /// `count.index` (a number) or `each.key` (text), if any.
    pub index: Option<Value>,
    /// The planned values, unknowns replaced (see the module's description).
    pub values: Value,
    /// The line of the address in the plan's text (1 when not found).
    pub line: usize,
}

impl Planned {
    /// The resource `entry` gives (a `resource_changes` item or a state's resource), in the
    /// module at `module_address`, with `values`; `lines` gives its line.
    fn new(
        entry: &Value,
        module_address: String,
        values: Value,
        lines: &std::collections::HashMap<String, usize>,
    ) -> Planned {
        let text_of = |k: &str| {
            entry
                .get(k)
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        let address = text_of("address");
        Planned {
            logical_id: logical_id(&address),
            line: lines.get(&address).copied().unwrap_or(1),
            module_address,
            resource_type: text_of("type"),
            name: text_of("name"),
            index: entry.get("index").cloned(),
            address,
            values,
        }
    }
}

/// A plan's resources and what else it says.
#[derive(Debug, Default)]
pub struct Plan {
    pub resources: Vec<Planned>,
    pub format_version: String,
    /// The default `aws` provider's region when the configuration gives it as a constant.
    pub region: Option<String>,
    /// Data sources and resources the plan deletes: not there after apply.
    pub skipped: usize,
    pub warnings: Vec<String>,
    pub config: Config,
}

/// The logical id standing for `address` (dots are what split `${logical.attr}`).
pub fn logical_id(address: &str) -> String {
    address.replace('.', "/")
}

/// Reads `text` (the file `file`).
pub fn read(file: &str, text: &str) -> Result<Plan, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| {
        format!(
            "{file}:{}: not `terraform show -json` output: {e}",
            e.line().max(1)
        )
    })?;
    let mut plan = Plan::default();
    let version = v
        .get("format_version")
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{file}:1: no format_version: not `terraform show -json` output"))?;
    plan.format_version = version.to_string();
    let line_of = |needle: &str| line_of(text, needle);
    match version.split_once('.').map(|(a, b)| (a, b.parse::<u32>())) {
        Some(("0", Ok(1 | 2))) | Some(("1", Ok(0..=2))) => {}
        // Minor versions only add to the format (Terraform's JSON output documentation).
        Some(("1", Ok(_))) => plan.warnings.push(format!(
            "{file}:{}: format_version {version} is newer than those vigil knows ({FORMATS}); read as 1.2",
            line_of("\"format_version\"")
        )),
        _ => {
            return Err(format!(
                "{file}:{}: format_version {version:?} is not a Terraform plan format vigil reads ({FORMATS})",
                line_of("\"format_version\"")
            ))
        }
    }
    plan.config = Config::new(v.pointer("/configuration/root_module"));
    plan.region = v
        .pointer("/configuration/provider_config/aws/expressions/region/constant_value")
        .and_then(Value::as_str)
        .map(str::to_string);
    let state_like = v.get("resource_changes").is_none();
    if state_like {
        // A state (`terraform show -json` without a plan): everything is known.
        let Some(root) = v
            .pointer("/values/root_module")
            .or_else(|| v.pointer("/planned_values/root_module"))
        else {
            return Err(format!(
                "{file}:1: neither resource_changes nor values: not a plan or a state"
            ));
        };
        walk_state(root, &mut plan, &address_lines(text));
        return Ok(plan);
    }
    let lines = address_lines(text);
    for rc in v["resource_changes"].as_array().into_iter().flatten() {
        let text_of = |k: &str| rc.get(k).and_then(Value::as_str).unwrap_or("");
        let actions: Vec<&str> = rc
            .pointer("/change/actions")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let gone = actions.iter().all(|a| matches!(*a, "delete" | "forget"));
        if text_of("mode") != "managed" || gone || actions.is_empty() {
            plan.skipped += 1;
            continue;
        }
        let address = text_of("address").to_string();
        let change = &rc["change"];
        let module_address = text_of("module_address").to_string();
        let ctx = Marking {
            plan: &plan.config,
            address: &address,
            module: &module_address,
            index: rc.get("index"),
        };
        let expr = plan
            .config
            .resource(&module_address, &config_address(&address));
        let values = ctx
            .mark(
                &change["after"],
                &change["after_unknown"],
                &change["after_sensitive"],
                expr.map(Expr::Map).unwrap_or(Expr::None),
                "",
            )
            .unwrap_or(Value::Null);
        plan.resources
            .push(Planned::new(rc, module_address, values, &lines));
    }
    Ok(plan)
}

/// Each resource's line in the plan's text: where its `"address"` is first given in
/// `resource_changes` (one pass over the text).
fn address_lines(text: &str) -> std::collections::HashMap<String, usize> {
    const KEY: &str = "\"address\"";
    let mut out = std::collections::HashMap::new();
    let start = text.find("\"resource_changes\"").unwrap_or(0);
    // `counted`: the offset up to which newlines are counted in `line`.
    let (mut line, mut counted) = (text[..start].matches('\n').count() + 1, start);
    let mut from = start;
    while let Some(at) = text[from..].find(KEY) {
        let key = from + at;
        line += text[counted..key].matches('\n').count();
        counted = key;
        from = key + KEY.len();
        let value = text[from..]
            .trim_start_matches([' ', ':', '\n', '\r', '\t'])
            .strip_prefix('"')
            .and_then(json_text);
        if let Some(a) = value {
            out.entry(a).or_insert(line);
        }
    }
    out
}

/// The JSON text string `s` starts with (after its opening quote), decoded.
fn json_text(s: &str) -> Option<String> {
    let mut escaped = false;
    let end = s.char_indices().find_map(|(i, c)| {
        match (escaped, c) {
            (true, _) => escaped = false,
            (false, '\\') => escaped = true,
            (false, '"') => return Some(i),
            _ => {}
        }
        None
    })?;
    serde_json::from_str(&format!("\"{}\"", &s[..end])).ok()
}

/// The first line of `text` holding `needle`, or 1.
fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map_or(1, |at| text[..at].matches('\n').count() + 1)
}

/// `module.a[0].aws_s3_bucket.b["x"]` → `aws_s3_bucket.b`: the resource's address in its
/// module's configuration.
pub fn config_address(address: &str) -> String {
    let mut parts = split_address(address);
    let n = parts.len();
    let (t, name) = (parts.remove(n - 2), parts.remove(n - 2));
    format!("{t}.{}", name.split('[').next().unwrap_or(&name))
}

/// The address's dot-separated parts, dots inside `["..."]` keys kept.
pub fn split_address(address: &str) -> Vec<String> {
    let (mut parts, mut cur, mut depth) = (Vec::new(), String::new(), 0);
    for c in address.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            '.' if depth == 0 => {
                parts.push(std::mem::take(&mut cur));
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    parts.push(cur);
    parts
}

fn walk_state(module: &Value, plan: &mut Plan, lines: &std::collections::HashMap<String, usize>) {
    for r in module["resources"].as_array().into_iter().flatten() {
        let text_of = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
        if text_of("mode") != "managed" {
            plan.skipped += 1;
            continue;
        }
        let address = text_of("address").to_string();
        let parts = split_address(&address);
        let module_address = parts[..parts.len().saturating_sub(2)].join(".");
        let values = hide_sensitive(&r["values"], &r["sensitive_values"], &address, "");
        plan.resources
            .push(Planned::new(r, module_address, values, lines));
    }
    for m in module["child_modules"].as_array().into_iter().flatten() {
        walk_state(m, plan, lines);
    }
}

fn sensitive(address: &str, path: &str) -> Value {
    unknown(format!(
        "{address}{path} is sensitive in the plan; vigil does not read it"
    ))
}

fn hide_sensitive(v: &Value, s: &Value, address: &str, path: &str) -> Value {
    match (v, s) {
        (Value::Null, _) => Value::Null,
        (_, Value::Bool(true)) => sensitive(address, path),
        (Value::Object(o), Value::Object(so)) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let p = format!("{path}.{k}");
                    let hidden = so
                        .get(k)
                        .map_or_else(|| x.clone(), |s| hide_sensitive(x, s, address, &p));
                    (k.clone(), hidden)
                })
                .collect(),
        ),
        (Value::Array(a), Value::Array(sa)) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, x)| match sa.get(i) {
                    Some(s) => hide_sensitive(x, s, address, &format!("{path}[{i}]")),
                    None => x.clone(),
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// What marking one resource's values needs to know.
struct Marking<'a> {
    plan: &'a Config,
    address: &'a str,
    module: &'a str,
    index: Option<&'a Value>,
}

impl Marking<'_> {
    /// `after` with its unknown and sensitive leaves replaced; `None` for a value the
    /// configuration does not set that is known only after apply.
    fn mark(
        &self,
        after: &Value,
        unknown_at: &Value,
        sensitive_at: &Value,
        expr: Expr,
        path: &str,
    ) -> Option<Value> {
        // Terraform marks an argument the provider declares sensitive even when it is not
        // set (null): that stays null.
        if sensitive_at == &Value::Bool(true)
            && !(after.is_null() && unknown_at != &Value::Bool(true))
        {
            return Some(sensitive(self.address, path));
        }
        if unknown_at == &Value::Bool(true) {
            return expr
                .references()
                .map(|refs| self.plan.resolve(refs, self.module, self.index));
        }
        match after {
            Value::Object(o) => {
                let mut keys: Vec<&String> = o.keys().collect();
                if let Value::Object(u) = unknown_at {
                    keys.extend(u.keys().filter(|k| !o.contains_key(*k)));
                }
                let mut out = serde_json::Map::new();
                for k in keys {
                    let marked = self.mark(
                        o.get(k).unwrap_or(&Value::Null),
                        unknown_at.get(k).unwrap_or(&Value::Null),
                        sensitive_at.get(k).unwrap_or(&Value::Null),
                        expr.child(k),
                        &format!("{path}.{k}"),
                    );
                    if let Some(m) = marked {
                        out.insert(k.clone(), m);
                    }
                }
                Some(Value::Object(out))
            }
            Value::Array(items) => Some(Value::Array(
                items
                    .iter()
                    .enumerate()
                    .filter_map(|(i, x)| {
                        self.mark(
                            x,
                            unknown_at.get(i).unwrap_or(&Value::Null),
                            sensitive_at.get(i).unwrap_or(&Value::Null),
                            expr.item(i),
                            &format!("{path}[{i}]"),
                        )
                    })
                    .collect(),
            )),
            // An object the plan leaves out entirely but whose parts are unknown.
            Value::Null if unknown_at.is_object() => self.mark(
                &Value::Object(Default::default()),
                unknown_at,
                sensitive_at,
                expr,
                path,
            ),
            other => Some(other.clone()),
        }
    }
}

#[cfg(test)]
#[path = "plan_tests.rs"]
mod tests;
