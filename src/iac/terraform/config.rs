//! A plan's `configuration`: the expressions each resource's arguments are written with, by
//! module. It has no source positions; what it gives is which value comes from which other
//! resource (`"references": ["aws_kms_key.logs.arn", "aws_kms_key.logs"]`), followed here
//! through module variables and outputs to the resource that makes the value.

use serde_json::{Map, Value};

use super::plan::{logical_id, split_address};
use crate::iac::cfn::resolve::unknown;

/// The configuration's module tree (`configuration.root_module`).
#[derive(Debug, Default)]
pub struct Config {
    root: Value,
}

/// The expression at some point of a resource's arguments.
#[derive(Debug, Clone, Copy)]
pub enum Expr<'a> {
    /// Arguments or a nested block: name → expression.
    Map(&'a Map<String, Value>),
    /// Repeated nested blocks.
    List(&'a [Value]),
    /// One expression (`constant_value` or `references`), for everything under it.
    Leaf(&'a Value),
    None,
}

impl<'a> Expr<'a> {
    fn of(v: Option<&'a Value>) -> Expr<'a> {
        match v {
            Some(Value::Object(o))
                if o.contains_key("references") || o.contains_key("constant_value") =>
            {
                Expr::Leaf(v.unwrap_or(&Value::Null))
            }
            Some(Value::Object(o)) => Expr::Map(o),
            Some(Value::Array(a)) => Expr::List(a),
            _ => Expr::None,
        }
    }

    pub fn child(self, key: &str) -> Expr<'a> {
        match self {
            Expr::Map(m) => Expr::of(m.get(key)),
            Expr::List(l) if l.len() == 1 => Expr::of(l.first()).child(key),
            Expr::Leaf(l) => Expr::Leaf(l),
            _ => Expr::None,
        }
    }

    pub fn item(self, i: usize) -> Expr<'a> {
        match self {
            Expr::List(l) => Expr::of(l.get(i)),
            Expr::Leaf(l) => Expr::Leaf(l),
            _ => Expr::None,
        }
    }

    /// The references of an expression written with some.
    pub fn references(self) -> Option<Vec<String>> {
        let Expr::Leaf(l) = self else { return None };
        let refs: Vec<String> = l
            .get("references")?
            .as_array()?
            .iter()
            .filter_map(|r| r.as_str().map(str::to_string))
            .collect();
        (!refs.is_empty()).then_some(refs)
    }
}

/// A module instance on the way from the root: its call's name and instance key.
type Step = (String, String);

fn module_steps(module_address: &str) -> Vec<Step> {
    if module_address.is_empty() {
        return vec![];
    }
    split_address(module_address)
        .chunks(2)
        .filter_map(|c| {
            let call = c.get(1)?;
            let (name, key) = call
                .split_once('[')
                .map_or((call.as_str(), ""), |(n, _)| (n, &call[n.len()..]));
            Some((name.to_string(), key.to_string()))
        })
        .collect()
}

fn module_address(steps: &[Step]) -> String {
    steps
        .iter()
        .map(|(n, k)| format!("module.{n}{k}"))
        .collect::<Vec<_>>()
        .join(".")
}

impl Config {
    pub fn new(root: Option<&Value>) -> Config {
        Config {
            root: root.cloned().unwrap_or(Value::Null),
        }
    }

    fn module(&self, steps: &[Step]) -> Option<&Value> {
        steps.iter().try_fold(&self.root, |m, (name, _)| {
            m.get("module_calls")?.get(name)?.get("module")
        })
    }

    /// The `source` of the module call at `module_address` (`./modules/net`).
    pub fn source(&self, module_address: &str) -> Option<String> {
        let steps = module_steps(module_address);
        let (last, parent) = steps.split_last()?;
        let call = self.module(parent)?.get("module_calls")?.get(&last.0)?;
        call.get("source")?.as_str().map(str::to_string)
    }

    fn config_resource(&self, steps: &[Step], address: &str) -> Option<&Value> {
        self.module(steps)?
            .get("resources")?
            .as_array()?
            .iter()
            .find(|r| r.get("address").and_then(Value::as_str) == Some(address))
    }

    /// The expressions of the resource at `address` (`aws_s3_bucket.b`) in the module at
    /// `module_address`.
    pub fn resource(&self, module_address: &str, address: &str) -> Option<&Map<String, Value>> {
        self.config_resource(&module_steps(module_address), address)?
            .get("expressions")?
            .as_object()
    }

    /// What a value known only after apply is, from its expression's `refs`: the
    /// deploy-time identifier of the resource that makes it (`${logical.arn}`), or an
    /// unknown value saying which expression it waits for.
    pub fn resolve(&self, refs: Vec<String>, module_address: &str, index: Option<&Value>) -> Value {
        self.resolve_in(&refs, &module_steps(module_address), index, 0)
    }

    fn resolve_in(
        &self,
        refs: &[String],
        steps: &[Step],
        index: Option<&Value>,
        depth: u8,
    ) -> Value {
        let first = refs.first().map_or("", String::as_str);
        let at = |r: &str| match steps.is_empty() {
            true => r.to_string(),
            false => format!("{}.{r}", module_address(steps)),
        };
        let waits = |r: &str| unknown(format!("{} is known only after apply", at(r)));
        if depth > 16 {
            return waits(first);
        }
        // The longest reference names the attribute (`aws_kms_key.logs.arn`, then the
        // resource `aws_kms_key.logs`).
        let Some(r) = refs
            .iter()
            .filter(|r| {
                !matches!(
                    r.split('.').next(),
                    Some("count" | "each" | "path" | "self" | "terraform")
                )
            })
            .max_by_key(|r| r.len())
        else {
            return waits(first);
        };
        let parts = split_address(r);
        match parts[0].as_str() {
            "var" => {
                let Some(((call, _), parent)) = steps.split_last() else {
                    return waits(r);
                };
                let expr = self.module(parent).and_then(|m| {
                    m.pointer(&format!("/module_calls/{call}/expressions/{}", parts[1]))
                });
                match Expr::of(expr).references() {
                    Some(up) => self.resolve_in(&up, parent, index, depth + 1),
                    None => waits(r),
                }
            }
            "module" if parts.len() >= 3 => {
                let (name, key) = parts[1]
                    .split_once('[')
                    .map_or((parts[1].as_str(), String::new()), |(n, k)| {
                        (n, format!("[{k}"))
                    });
                let mut child = steps.to_vec();
                child.push((name.to_string(), key));
                let expr = self
                    .module(&child)
                    .and_then(|m| m.pointer(&format!("/outputs/{}/expression", parts[2])));
                match Expr::of(expr).references() {
                    Some(down) => self.resolve_in(&down, &child, None, depth + 1),
                    None => waits(r),
                }
            }
            "local" | "data" | "module" => waits(r),
            _ if parts.len() >= 2 => {
                let (name, key) = match parts[1].split_once('[') {
                    Some((n, k)) => (n, Some(format!("[{k}"))),
                    None => (parts[1].as_str(), None),
                };
                let config = format!("{}.{name}", parts[0]);
                let repeated = self.config_resource(steps, &config).is_some_and(|c| {
                    c.get("count_expression").is_some() || c.get("for_each_expression").is_some()
                });
                let key = match (key, repeated, index) {
                    (Some(k), _, _) => k,
                    (None, false, _) => String::new(),
                    (None, true, Some(Value::Number(n))) => format!("[{n}]"),
                    (None, true, Some(Value::String(s))) => format!("[{s:?}]"),
                    (None, true, _) => {
                        return unknown(format!(
                            "{}: which instance is meant is known only after apply",
                            at(&config)
                        ))
                    }
                };
                let target = logical_id(&at(&format!("{config}{key}")));
                match parts.get(2) {
                    Some(attr) => Value::String(format!("${{{target}.{attr}}}")),
                    None => Value::String(format!("${{{target}}}")),
                }
            }
            _ => waits(r),
        }
    }
}
