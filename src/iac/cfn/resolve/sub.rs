//! `Fn::Sub`: `${Param}`, `${Resource}`, `${Resource.Attr}`, `${AWS::Region}` and the
//! variables its second form names, `${!Literal}` kept as written.

use serde_json::{Map, Value};

use super::{text, unknown_reason, Resolver};

impl Resolver<'_> {
    pub(super) fn sub(&self, arg: &Value) -> Result<Value, String> {
        let (template, vars) = match arg {
            Value::String(s) => (s.clone(), Map::new()),
            Value::Array(a) if a.len() == 2 => (
                a[0].as_str().ok_or("Fn::Sub takes text")?.to_string(),
                a[1].as_object()
                    .cloned()
                    .ok_or("Fn::Sub takes a map of variables")?,
            ),
            _ => return Err("Fn::Sub takes text, or [text, variables]".into()),
        };
        let mut out = String::new();
        let mut rest = template.as_str();
        while let Some(start) = rest.find("${") {
            out.push_str(&rest[..start]);
            let after = &rest[start + 2..];
            let end = after
                .find('}')
                .ok_or_else(|| format!("Fn::Sub: unclosed ${{ in {template:?}"))?;
            let name = &after[..end];
            rest = &after[end + 1..];
            if let Some(literal) = name.strip_prefix('!') {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
                continue;
            }
            let v = if let Some(v) = vars.get(name) {
                self.eval(v)?
            } else if let Some((r, a)) = name.split_once('.') {
                self.attribute(r, a)?
            } else {
                self.reference(name)?
            };
            if unknown_reason(&v).is_some() {
                return Ok(v);
            }
            out.push_str(&text(&v).ok_or_else(|| format!("Fn::Sub: ${{{name}}} is not text"))?);
        }
        out.push_str(rest);
        Ok(Value::String(out))
    }
}
