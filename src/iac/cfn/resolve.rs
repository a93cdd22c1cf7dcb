//! Evaluating a template's intrinsics where their inputs are known: `Ref` to parameters (a
//! given value, else the default) and pseudo parameters, `Fn::Sub`, `Join`, `Select`, `Split`,
//! `FindInMap`, `If` with its condition (`Equals`, `And`, `Or`, `Not`, `Condition`),
//! `GetAtt` to a property the resource declares, `Base64`, `Length`, `ToJsonString`.
//!
//! What cannot be known before deploy stays unknown, with its reason, instead of being
//! guessed: a parameter without a value or default, one read from SSM, an `If` on such a
//! condition whose branches differ, `ImportValue`, `GetAZs`, `Cidr`, a macro's output. Such
//! a value is `{"Fn::Unknown": "<reason>"}` ([`unknown`]), and anything computed from it is
//! unknown too. A `Ref` to a resource, or a `GetAtt` of an attribute the resource does not
//! declare, is the deploy-time identifier `${Name}` / `${Name.Attr}`: known to exist, its
//! text not known; resources that belong together are joined through it.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::{Map, Value};

use super::load::Template;

mod conditions;
mod sub;
use conditions::Tri;

/// The key of an unknown value's marker.
pub const UNKNOWN: &str = "Fn::Unknown";
/// The marker `AWS::NoValue` leaves, removed by its parent.
const NO_VALUE: &str = "Fn::NoValue";

/// An unknown value: `reason` says what is not known (`parameter KeyArn has no value`).
pub fn unknown(reason: impl Into<String>) -> Value {
    let mut m = Map::new();
    m.insert(UNKNOWN.into(), Value::String(reason.into()));
    Value::Object(m)
}

/// The reason of an unknown value, if `v` is one.
pub fn unknown_reason(v: &Value) -> Option<&str> {
    let o = v.as_object()?;
    (o.len() == 1).then(|| o.get(UNKNOWN)?.as_str())?
}

/// The logical id a deploy-time identifier (`${Bucket}`, `${Key.Arn}`) names.
pub fn reference(v: &Value) -> Option<&str> {
    let s = v.as_str()?.strip_prefix("${")?.strip_suffix('}')?;
    Some(s.split('.').next().unwrap_or(s))
}

/// One resource of a template, its properties evaluated.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub logical_id: String,
    pub resource_type: String,
    pub properties: Value,
    pub line: usize,
    /// The resource's `Condition` could not be decided: it may not be created at all.
    pub unknown_condition: Option<String>,
}

/// A template's resources, those it does not create (their condition is false), and a
/// `file:line: message` for each resource that could not be evaluated.
#[derive(Debug, Default)]
pub struct Evaluated {
    pub resources: Vec<Resolved>,
    pub not_created: usize,
    pub errors: Vec<String>,
}

/// Evaluates `t` with `given` parameter values (name → value as text, as `aws cloudformation
/// deploy` takes them).
pub fn evaluate(t: &Template, given: &BTreeMap<String, String>) -> Evaluated {
    let r = Resolver::new(t, given);
    let mut out = Evaluated::default();
    let Some(resources) = t.body.get("Resources").and_then(Value::as_object) else {
        out.errors
            .push(format!("{}:{}: no Resources", t.file, t.resources_line));
        return out;
    };
    for (id, res) in resources {
        let line = t.line(id);
        let at = |e: String| format!("{}:{line}: {id}: {e}", t.file);
        let Some(ty) = res.get("Type").and_then(Value::as_str) else {
            out.errors.push(at(if id.starts_with("Fn::ForEach") {
                "Fn::ForEach (the AWS::LanguageExtensions transform) is not expanded".into()
            } else {
                "a resource without a Type".into()
            }));
            continue;
        };
        let unknown_condition = match res.get("Condition").and_then(Value::as_str) {
            None => None,
            Some(c) => match r.condition(c) {
                Ok(Tri::True) => None,
                Ok(Tri::False) => {
                    out.not_created += 1;
                    continue;
                }
                Ok(Tri::Unknown(why)) => Some(format!("created only if condition {c}: {why}")),
                Err(e) => {
                    out.errors.push(at(e));
                    continue;
                }
            },
        };
        let props = res
            .get("Properties")
            .cloned()
            .unwrap_or(Value::Object(Map::new()));
        match r.eval(&props) {
            Ok(properties) => out.resources.push(Resolved {
                logical_id: id.clone(),
                resource_type: ty.to_string(),
                properties: if properties.get(NO_VALUE).is_some() {
                    Value::Object(Map::new())
                } else {
                    properties
                },
                line,
                unknown_condition,
            }),
            Err(e) => out.errors.push(at(e)),
        }
    }
    out
}

struct Resolver<'a> {
    t: &'a Template,
    params: BTreeMap<String, Value>,
    conditions: RefCell<HashMap<String, Tri>>,
    /// Conditions and attributes being evaluated, to find cycles.
    visiting: RefCell<Vec<String>>,
}

const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::NotificationARNs",
    "AWS::Partition",
    "AWS::Region",
    "AWS::StackId",
    "AWS::StackName",
    "AWS::URLSuffix",
];

impl<'a> Resolver<'a> {
    fn new(t: &'a Template, given: &BTreeMap<String, String>) -> Self {
        let mut params = BTreeMap::new();
        if let Some(ps) = t.body.get("Parameters").and_then(Value::as_object) {
            for (name, p) in ps {
                let ty = p.get("Type").and_then(Value::as_str).unwrap_or("String");
                let text = given.get(name).cloned().or_else(|| {
                    p.get("Default").map(|d| match d {
                        Value::String(s) => s.clone(),
                        Value::Array(items) => items
                            .iter()
                            .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                            .collect::<Vec<_>>()
                            .join(","),
                        other => other.to_string(),
                    })
                });
                let value = match text {
                    // An SSM parameter's default is the SSM name; its value is read at deploy.
                    _ if ty.starts_with("AWS::SSM::Parameter::Value") => {
                        unknown(format!("parameter {name} is read from SSM at deploy"))
                    }
                    None => unknown(format!("parameter {name} has no value")),
                    Some(s) if ty == "CommaDelimitedList" || ty.starts_with("List<") => {
                        Value::Array(
                            s.split(',')
                                .map(|x| Value::String(x.trim().into()))
                                .collect(),
                        )
                    }
                    Some(s) if ty == "Number" => s
                        .parse::<i64>()
                        .map(Value::from)
                        .or_else(|_| s.parse::<f64>().map(Value::from))
                        .unwrap_or(Value::String(s)),
                    Some(s) => Value::String(s),
                };
                params.insert(name.clone(), value);
            }
        }
        for p in PSEUDO {
            let v = given.get(*p).map_or_else(
                || Value::String(format!("${{{p}}}")),
                |s| Value::String(s.clone()),
            );
            params.insert(p.to_string(), v);
        }
        Resolver {
            t,
            params,
            conditions: RefCell::default(),
            visiting: RefCell::default(),
        }
    }

    fn resources(&self) -> Option<&Map<String, Value>> {
        self.t.body.get("Resources").and_then(Value::as_object)
    }

    fn eval(&self, v: &Value) -> Result<Value, String> {
        match v {
            Value::Object(o) if o.len() == 1 => {
                let (k, arg) = o.iter().next().expect("one entry");
                if k == "Ref" || k.starts_with("Fn::") || k.starts_with('!') {
                    return self.function(k, arg);
                }
                self.object(o)
            }
            Value::Object(o) => self.object(o),
            Value::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for i in items {
                    let v = self.eval(i)?;
                    if v.get(NO_VALUE).is_none() {
                        out.push(v);
                    }
                }
                Ok(Value::Array(out))
            }
            other => Ok(other.clone()),
        }
    }

    fn object(&self, o: &Map<String, Value>) -> Result<Value, String> {
        let mut out = Map::new();
        for (k, v) in o {
            let v = self.eval(v)?;
            if v.get(NO_VALUE).is_none() {
                out.insert(k.clone(), v);
            }
        }
        Ok(Value::Object(out))
    }

    fn function(&self, name: &str, arg: &Value) -> Result<Value, String> {
        match name {
            "Ref" => self.reference(arg.as_str().ok_or("Ref takes a name")?),
            "Fn::GetAtt" => {
                let (res, attr) = match arg {
                    Value::Array(a) if a.len() == 2 => {
                        let attr = self.eval(&a[1])?;
                        (
                            a[0].as_str()
                                .ok_or("Fn::GetAtt takes a resource name")?
                                .to_string(),
                            text(&attr).ok_or("Fn::GetAtt takes an attribute name")?,
                        )
                    }
                    Value::String(s) => match s.split_once('.') {
                        Some((r, a)) => (r.to_string(), a.to_string()),
                        None => return Err(format!("Fn::GetAtt {s}: no attribute")),
                    },
                    _ => return Err("Fn::GetAtt takes [resource, attribute]".into()),
                };
                self.attribute(&res, &attr)
            }
            "Fn::Sub" => self.sub(arg),
            "Fn::Join" => {
                let a = pair(name, arg)?;
                let sep = text(&self.eval(a.0)?).ok_or("Fn::Join takes a delimiter")?;
                let items = self.eval(a.1)?;
                if let Some(u) = first_unknown(&items) {
                    return Ok(u);
                }
                let parts = items
                    .as_array()
                    .ok_or("Fn::Join takes a list")?
                    .iter()
                    .map(|i| text(i).ok_or_else(|| format!("Fn::Join of a non-text value {i}")))
                    .collect::<Result<Vec<_>, _>>()?;
                Ok(Value::String(parts.join(&sep)))
            }
            "Fn::Select" => {
                let a = pair(name, arg)?;
                let index = self.eval(a.0)?;
                let list = self.eval(a.1)?;
                if let Some(u) =
                    first_unknown(&index).or_else(|| unknown_reason(&list).map(|_| list.clone()))
                {
                    return Ok(u);
                }
                if let Some(id) = opaque(&index).or_else(|| opaque(&list)) {
                    return Ok(unknown(format!("Fn::Select from {id}, known at deploy")));
                }
                let i = text(&index)
                    .and_then(|s| s.parse::<usize>().ok())
                    .ok_or("Fn::Select takes an index")?;
                let items = list.as_array().ok_or("Fn::Select takes a list")?;
                items
                    .get(i)
                    .cloned()
                    .ok_or_else(|| format!("Fn::Select index {i} of a list of {}", items.len()))
            }
            "Fn::Split" => {
                let a = pair(name, arg)?;
                let sep = text(&self.eval(a.0)?).ok_or("Fn::Split takes a delimiter")?;
                let s = self.eval(a.1)?;
                if unknown_reason(&s).is_some() {
                    return Ok(s);
                }
                if let Some(id) = opaque(&s) {
                    return Ok(unknown(format!("Fn::Split of {id}, known at deploy")));
                }
                let s = text(&s).ok_or("Fn::Split takes text")?;
                Ok(Value::Array(
                    s.split(sep.as_str())
                        .map(|x| Value::String(x.into()))
                        .collect(),
                ))
            }
            "Fn::FindInMap" => {
                let a = arg
                    .as_array()
                    .filter(|a| a.len() >= 3)
                    .ok_or("Fn::FindInMap takes [map, key, key]")?;
                let keys = a[..3]
                    .iter()
                    .map(|k| self.eval(k))
                    .collect::<Result<Vec<_>, _>>()?;
                if let Some(u) = keys.iter().find_map(first_unknown) {
                    return Ok(u);
                }
                if let Some(id) = keys.iter().find_map(opaque) {
                    return Ok(unknown(format!("Fn::FindInMap keyed by {id}, known at deploy")));
                }
                let keys: Vec<String> = keys.iter().map(|k| text(k).unwrap_or_default()).collect();
                self.t
                    .body
                    .get("Mappings")
                    .and_then(|m| m.get(&keys[0]))
                    .and_then(|m| m.get(&keys[1]))
                    .and_then(|m| m.get(&keys[2]))
                    .map(|v| self.eval(v))
                    .unwrap_or_else(|| {
                        Err(format!(
                            "Fn::FindInMap: no {}.{}.{} in Mappings",
                            keys[0], keys[1], keys[2]
                        ))
                    })
            }
            "Fn::If" => {
                let a = arg
                    .as_array()
                    .filter(|a| a.len() == 3)
                    .ok_or("Fn::If takes [condition, then, else]")?;
                let c = a[0].as_str().ok_or("Fn::If takes a condition name")?;
                match self.condition(c)? {
                    Tri::True => self.eval(&a[1]),
                    Tri::False => self.eval(&a[2]),
                    Tri::Unknown(why) => {
                        let (yes, no) = (self.eval(&a[1])?, self.eval(&a[2])?);
                        Ok(if yes == no {
                            yes
                        } else {
                            unknown(format!("condition {c}: {why}"))
                        })
                    }
                }
            }
            "Fn::Base64" => {
                let v = self.eval(arg)?;
                if unknown_reason(&v).is_some() {
                    return Ok(v);
                }
                use base64::Engine as _;
                let s = text(&v).ok_or("Fn::Base64 takes text")?;
                Ok(Value::String(
                    base64::engine::general_purpose::STANDARD.encode(s),
                ))
            }
            "Fn::Length" => {
                let v = self.eval(arg)?;
                if unknown_reason(&v).is_some() {
                    return Ok(v);
                }
                Ok(Value::from(
                    v.as_array().ok_or("Fn::Length takes a list")?.len(),
                ))
            }
            "Fn::ToJsonString" => {
                let v = self.eval(arg)?;
                if let Some(u) = first_unknown(&v) {
                    return Ok(u);
                }
                Ok(Value::String(v.to_string()))
            }
            "Fn::ImportValue" => {
                let v = self.eval(arg)?;
                Ok(unknown(format!(
                    "Fn::ImportValue {}: another stack's output",
                    text(&v).unwrap_or_else(|| "(computed)".into())
                )))
            }
            // Left by an expansion before evaluation (a SAM policy template's document).
            UNKNOWN => Ok(unknown(arg.as_str().unwrap_or("a value known at deploy"))),
            "Fn::GetAZs" => Ok(unknown("Fn::GetAZs: the region's zones")),
            "Fn::Cidr" => Ok(unknown("Fn::Cidr: computed at deploy")),
            "Fn::Transform" => Ok(unknown("Fn::Transform: a macro's output")),
            // Conditions inside a value are an error of the template; `Condition` alone is
            // valid only in conditions.
            other if other.starts_with("!Rain::") => Err(format!(
                "{other} is a directive of the rain tool, not CloudFormation: check the template `rain pkg` writes"
            )),
            other => Err(format!("unknown intrinsic function {other}")),
        }
    }

    fn reference(&self, name: &str) -> Result<Value, String> {
        if name == "AWS::NoValue" {
            let mut m = Map::new();
            m.insert(NO_VALUE.into(), Value::Bool(true));
            return Ok(Value::Object(m));
        }
        if let Some(v) = self.params.get(name) {
            return Ok(v.clone());
        }
        if self.resources().is_some_and(|r| r.contains_key(name)) {
            return Ok(Value::String(format!("${{{name}}}")));
        }
        Err(format!(
            "Ref {name}: neither a parameter nor a resource of this template"
        ))
    }

    /// `GetAtt res.attr`: the property when `res` declares one of that name, else the
    /// identifier `${res.attr}`.
    fn attribute(&self, res: &str, attr: &str) -> Result<Value, String> {
        let Some(r) = self.resources().and_then(|r| r.get(res)) else {
            return Err(format!(
                "Fn::GetAtt {res}.{attr}: no resource {res} in this template"
            ));
        };
        let Some(declared) = r.get("Properties").and_then(|p| p.get(attr)) else {
            return Ok(Value::String(format!("${{{res}.{attr}}}")));
        };
        let key = format!("{res}.{attr}");
        if self.visiting.borrow().contains(&key) {
            let mut chain = self.visiting.borrow().clone();
            chain.push(key);
            return Err(format!("circular reference: {}", chain.join(" -> ")));
        }
        self.visiting.borrow_mut().push(key);
        let v = self.eval(declared);
        self.visiting.borrow_mut().pop();
        v
    }
}

/// A scalar as text (numbers and booleans as written).
fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn pair<'v>(name: &str, arg: &'v Value) -> Result<(&'v Value, &'v Value), String> {
    match arg.as_array().map(Vec::as_slice) {
        Some([a, b]) => Ok((a, b)),
        _ => Err(format!("{name} takes two arguments")),
    }
}

/// The deploy-time identifier a value is or holds (`${AWS::Region}`, `${Bucket.Arn}`, or text
/// made with one): it may be copied into text, but not compared, split or looked up by.
pub(super) fn opaque(v: &Value) -> Option<String> {
    let s = v.as_str()?;
    let start = s.find("${")?;
    let end = s[start..].find('}')?;
    Some(s[start + 2..start + end].to_string())
}

/// The value itself when unknown, or its first unknown item.
fn first_unknown(v: &Value) -> Option<Value> {
    if unknown_reason(v).is_some() {
        return Some(v.clone());
    }
    v.as_array()?
        .iter()
        .find(|i| unknown_reason(i).is_some())
        .cloned()
}

#[cfg(test)]
#[path = "resolve_tests.rs"]
mod tests;
