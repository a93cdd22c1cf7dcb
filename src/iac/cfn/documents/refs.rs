//! What the areas share to build documents: the references between a template's resources
//! (what a `Ref` gives, which resource refers to which), lists whose items may be unknown
//! until deploy, and the last step of every document.

use serde_json::Value;

use super::{tags, Finish, Mapped};
use crate::iac::cfn::resolve::{reference, unknown_reason, Resolved};
use crate::model::doc::prune;

/// `doc` without its nulls (properties the template leaves out), with `r`'s tags.
pub(super) fn done(doc: Value, r: &Resolved, finish: Finish) -> Mapped {
    Ok((prune(doc), tags(&r.properties), finish))
}

/// What a `Ref` to `r` gives (`${Sg}`), or one of its attributes (`${Lb.DNSName}`).
pub(super) fn id_of(r: &Resolved, attr: Option<&str>) -> Value {
    let attr = attr.map_or(String::new(), |a| format!(".{a}"));
    format!("${{{}{attr}}}", r.logical_id).into()
}

/// Whether `v` refers to `r` (`!Ref R`, `!GetAtt R.Attr`).
pub(super) fn refers(v: Option<&Value>, r: &Resolved) -> bool {
    v.and_then(reference) == Some(r.logical_id.as_str())
}

/// The resources of type `ty` whose `key` refers to `r`.
pub(super) fn joined<'a>(
    all: &'a [Resolved],
    ty: &str,
    key: &str,
    r: &Resolved,
) -> Vec<&'a Resolved> {
    let of = |j: &&Resolved| j.resource_type == ty && refers(j.properties.get(key), r);
    all.iter().filter(of).collect()
}

/// The resource of type `ty` in the template that `v` refers to (`!Ref X`, `!GetAtt X.Arn`).
pub(super) fn target<'a>(v: Option<&Value>, ty: &str, all: &'a [Resolved]) -> Option<&'a Resolved> {
    let id = reference(v?)?;
    let is = |r: &&Resolved| r.logical_id == id && r.resource_type == ty;
    all.iter().find(is)
}

/// A list property with each known item mapped by `f`; an unknown list, or an unknown item,
/// as it is; none when absent.
pub(super) fn each(v: Option<&Value>, f: impl Fn(&Value) -> Value) -> Value {
    let Some(Value::Array(a)) = v else {
        return v.cloned().unwrap_or(Value::Null);
    };
    let one = |i: &Value| match unknown_reason(i) {
        Some(_) => i.clone(),
        None => f(i),
    };
    a.iter().map(one).collect()
}

/// A number or boolean as the text the API gives back (`6` → `"6"`); other values as they are.
pub(super) fn text(v: &Value) -> Value {
    match v {
        Value::Number(n) => n.to_string().into(),
        Value::Bool(b) => b.to_string().into(),
        other => other.clone(),
    }
}
