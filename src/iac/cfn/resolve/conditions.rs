//! Conditions: `Fn::Equals`, `And`, `Or`, `Not` and `Condition`, three-valued (true, false,
//! or unknown until deploy), each evaluated once, cycles reported.

use serde_json::Value;

use super::{opaque, text, unknown_reason, Resolver};

/// A condition's value: true, false, or not known before deploy (and why).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Tri {
    True,
    False,
    Unknown(String),
}

impl Tri {
    fn of(b: bool) -> Tri {
        if b {
            Tri::True
        } else {
            Tri::False
        }
    }
}

impl Resolver<'_> {
    pub(super) fn condition(&self, name: &str) -> Result<Tri, String> {
        if let Some(t) = self.conditions.borrow().get(name) {
            return Ok(t.clone());
        }
        let key = format!("condition {name}");
        if self.visiting.borrow().contains(&key) {
            let mut chain = self.visiting.borrow().clone();
            chain.push(key);
            return Err(format!("circular reference: {}", chain.join(" -> ")));
        }
        let expr = self
            .t
            .body
            .get("Conditions")
            .and_then(|c| c.get(name))
            .ok_or_else(|| format!("no condition {name} in Conditions"))?;
        self.visiting.borrow_mut().push(key);
        let t = self.truth(expr);
        self.visiting.borrow_mut().pop();
        let t = t?;
        self.conditions
            .borrow_mut()
            .insert(name.to_string(), t.clone());
        Ok(t)
    }

    fn truth(&self, expr: &Value) -> Result<Tri, String> {
        let (k, arg) = expr
            .as_object()
            .filter(|o| o.len() == 1)
            .and_then(|o| o.iter().next())
            .ok_or_else(|| format!("a condition is not a function: {expr}"))?;
        let list = || arg.as_array().ok_or_else(|| format!("{k} takes a list"));
        match k.as_str() {
            "Condition" => self.condition(arg.as_str().ok_or("Condition takes a name")?),
            "Fn::Equals" => {
                let a = list()?;
                if a.len() != 2 {
                    return Err("Fn::Equals takes two values".into());
                }
                let (x, y) = (self.eval(&a[0])?, self.eval(&a[1])?);
                if let Some(why) = unknown_reason(&x).or_else(|| unknown_reason(&y)) {
                    return Ok(Tri::Unknown(why.to_string()));
                }
                if let Some(id) = opaque(&x).or_else(|| opaque(&y)) {
                    return Ok(Tri::Unknown(format!("{id} is known at deploy")));
                }
                Ok(Tri::of(
                    text(&x).is_some_and(|x| Some(x) == text(&y)) || x == y,
                ))
            }
            "Fn::Not" => Ok(
                match self.truth(list()?.first().ok_or("Fn::Not takes one condition")?)? {
                    Tri::True => Tri::False,
                    Tri::False => Tri::True,
                    u => u,
                },
            ),
            "Fn::And" | "Fn::Or" => {
                let all = k == "Fn::And";
                let mut why = None;
                for c in list()? {
                    match self.truth(c)? {
                        Tri::True if !all => return Ok(Tri::True),
                        Tri::False if all => return Ok(Tri::False),
                        Tri::Unknown(w) => why = why.or(Some(w)),
                        _ => {}
                    }
                }
                Ok(why.map_or(Tri::of(all), Tri::Unknown))
            }
            other => Err(format!("{other} is not a condition function")),
        }
    }
}
