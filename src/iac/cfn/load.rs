//! Reading CloudFormation templates: YAML (short-form intrinsics `!Ref`, `!Sub`, `!GetAtt
//! a.b`, ... rewritten to their long form) and JSON, each resource's line, and telling a
//! template from the other YAML and JSON a repository holds (parameter files, buildspecs,
//! manifests), which are skipped and counted, not errors.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// One template as read: its body in long form, and the line of each resource's logical id.
#[derive(Debug, Clone)]
pub struct Template {
    /// The file as given (`stacks/net.yaml`).
    pub file: String,
    pub body: Value,
    /// Logical id → the 1-based line of its key under `Resources`.
    pub lines: BTreeMap<String, usize>,
    /// The line of `Resources` itself (1 when it cannot be found): where a resource whose
    /// own key cannot be found is reported.
    pub resources_line: usize,
    /// Resources a transform made (SAM's) → the logical id of the resource they come from,
    /// whose line they are reported at.
    pub derived: BTreeMap<String, String>,
}

impl Template {
    /// The line a resource is reported at.
    pub fn line(&self, logical_id: &str) -> usize {
        let source = self
            .derived
            .get(logical_id)
            .map_or(logical_id, String::as_str);
        self.lines
            .get(source)
            .copied()
            .unwrap_or(self.resources_line)
    }
}

/// What a file turned out to be.
#[derive(Debug)]
pub enum Read {
    Template(Box<Template>),
    /// YAML or JSON that is not a template (no `Resources` of typed resources, no
    /// `AWSTemplateFormatVersion`): skipped and counted.
    Other,
}

/// Parses `text` (from `file`); `Err` is `file:line: message`.
pub fn parse(file: &str, text: &str) -> Result<Read, String> {
    let body = if looks_like_json(file, text) {
        serde_json::from_str::<Value>(text)
            .map_err(|e| format!("{file}:{}: not valid JSON: {e}", e.line().max(1)))?
    } else {
        let yaml: serde_yaml_ng::Value = match serde_yaml_ng::from_str(text) {
            Ok(y) => y,
            // Several documents (Kubernetes manifests): a template is one.
            Err(_) if several_documents(text) => return Ok(Read::Other),
            Err(e) => {
                let line = e.location().map_or(1, |l| l.line().max(1));
                return Err(format!("{file}:{line}: not valid YAML: {e}"));
            }
        };
        long_form(yaml).map_err(|e| format!("{file}: {e}"))?
    };
    if !is_template(&body) {
        return Ok(Read::Other);
    }
    let (resources_line, lines) = resource_lines(text, &body);
    Ok(Read::Template(Box::new(Template {
        file: file.to_string(),
        body,
        lines,
        resources_line,
        derived: BTreeMap::new(),
    })))
}

/// Whether `text` is several well-formed YAML documents.
fn several_documents(text: &str) -> bool {
    use serde::Deserialize as _;
    let mut n = 0;
    for doc in serde_yaml_ng::Deserializer::from_str(text) {
        if serde_yaml_ng::Value::deserialize(doc).is_err() {
            return false;
        }
        n += 1;
    }
    n > 1
}

fn looks_like_json(file: &str, text: &str) -> bool {
    file.ends_with(".json") || text.trim_start().starts_with('{')
}

/// A template declares `AWSTemplateFormatVersion`, or has `Resources` whose entries are
/// mappings with a `Type`.
fn is_template(body: &Value) -> bool {
    let Some(top) = body.as_object() else {
        return false;
    };
    if top.contains_key("AWSTemplateFormatVersion") {
        return true;
    }
    top.get("Resources")
        .and_then(Value::as_object)
        .is_some_and(|r| {
            !r.is_empty()
                && r.values()
                    .all(|v| v.get("Type").and_then(Value::as_str).is_some())
        })
}

/// The functions whose short form is `!Name` for `Fn::Name`.
const FN_TAGS: &[&str] = &[
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "Length",
    "ToJsonString",
    "ForEach",
];

/// YAML → JSON with every short-form tag in long form.
fn long_form(v: serde_yaml_ng::Value) -> Result<Value, String> {
    use serde_yaml_ng::Value as Y;
    Ok(match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => {
            Value::Array(items.into_iter().map(long_form).collect::<Result<_, _>>()?)
        }
        Y::Mapping(m) => {
            let mut out = Map::new();
            for (k, v) in m {
                let key = match k {
                    Y::String(s) => s,
                    Y::Number(n) => n.to_string(),
                    Y::Bool(b) => b.to_string(),
                    other => return Err(format!("a mapping key that is not text: {other:?}")),
                };
                out.insert(key, long_form(v)?);
            }
            Value::Object(out)
        }
        Y::Tagged(t) => {
            let tag = t.tag.to_string();
            let name = tag.trim_start_matches('!');
            let value = long_form(t.value)?;
            let (key, value) = match name {
                "Ref" => ("Ref".to_string(), value),
                "Condition" => ("Condition".to_string(), value),
                // `!GetAtt Resource.Attribute` (the attribute may hold dots itself).
                "GetAtt" => (
                    "Fn::GetAtt".to_string(),
                    match value {
                        Value::String(s) => match s.split_once('.') {
                            Some((r, a)) => Value::Array(vec![r.into(), a.into()]),
                            None => Value::String(s),
                        },
                        other => other,
                    },
                ),
                n if FN_TAGS.contains(&n) => (format!("Fn::{n}"), value),
                // An unknown tag is kept as written, and reported where it is evaluated.
                n => (format!("!{n}"), value),
            };
            let mut m = Map::new();
            m.insert(key, value);
            Value::Object(m)
        }
    })
}

/// The line of `Resources` and of each logical id under it, found in the text: the first line
/// after `Resources` whose key is the id (`Id:`, `"Id":`, `'Id':`). A template written in flow
/// style on one line has its resources at the line of `Resources`.
fn resource_lines(text: &str, body: &Value) -> (usize, BTreeMap<String, usize>) {
    let lines: Vec<&str> = text.lines().collect();
    let key_of = |line: &str| -> Option<String> {
        let t = line.trim_start();
        let (key, rest) = if let Some(q) = t.strip_prefix('"') {
            let end = q.find('"')?;
            (q[..end].to_string(), &q[end + 1..])
        } else if let Some(q) = t.strip_prefix('\'') {
            let end = q.find('\'')?;
            (q[..end].to_string(), &q[end + 1..])
        } else {
            let end = t.find(':')?;
            (t[..end].trim_end().to_string(), &t[end..])
        };
        rest.trim_start().starts_with(':').then_some(key)
    };
    let start = lines
        .iter()
        .position(|l| key_of(l).as_deref() == Some("Resources"));
    let resources_line = start.map_or(1, |i| i + 1);
    let mut found = BTreeMap::new();
    let Some(start) = start else {
        return (resources_line, found);
    };
    let ids: Vec<&String> = body
        .get("Resources")
        .and_then(Value::as_object)
        .map(|r| r.keys().collect())
        .unwrap_or_default();
    let mut wanted: std::collections::HashSet<&str> = ids.iter().map(|s| s.as_str()).collect();
    for (i, line) in lines.iter().enumerate().skip(start + 1) {
        if wanted.is_empty() {
            break;
        }
        if let Some(k) = key_of(line) {
            if wanted.remove(k.as_str()) {
                found.insert(k, i + 1);
            }
        }
    }
    (resources_line, found)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(file: &str, text: &str) -> Template {
        match parse(file, text).unwrap() {
            Read::Template(t) => *t,
            Read::Other => panic!("not read as a template"),
        }
    }

    #[test]
    fn short_forms_become_long_forms_and_resources_have_their_lines() {
        let t = template(
            "net.yaml",
            "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env: {Type: String}\nResources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Sub '${Env}-logs'\n      Tags:\n        - Key: arn\n          Value: !GetAtt Key.Arn\n  Key:\n    Type: AWS::KMS::Key\n    Condition: !Equals [!Ref Env, prod]\n",
        );
        let b = &t.body["Resources"]["Bucket"]["Properties"];
        assert_eq!(
            b["BucketName"],
            serde_json::json!({"Fn::Sub": "${Env}-logs"})
        );
        assert_eq!(
            b["Tags"][0]["Value"],
            serde_json::json!({"Fn::GetAtt": ["Key", "Arn"]})
        );
        assert_eq!(
            t.body["Resources"]["Key"]["Condition"],
            serde_json::json!({"Fn::Equals": [{"Ref": "Env"}, "prod"]})
        );
        assert_eq!(t.line("Bucket"), 5);
        assert_eq!(t.line("Key"), 12);
        assert_eq!(t.resources_line, 4);
    }

    #[test]
    fn json_templates_have_lines_too() {
        let t = template(
            "a.json",
            "{\n  \"Resources\": {\n    \"Queue\": {\n      \"Type\": \"AWS::SQS::Queue\"\n    }\n  }\n}\n",
        );
        assert_eq!(t.line("Queue"), 3);
    }

    #[test]
    fn parameter_files_and_buildspecs_are_not_templates() {
        let params = r#"[{"ParameterKey": "Env", "ParameterValue": "prod"}]"#;
        assert!(matches!(parse("p.json", params), Ok(Read::Other)));
        let buildspec = "version: 0.2\nphases:\n  build:\n    commands: [make]\n";
        assert!(matches!(parse("buildspec.yml", buildspec), Ok(Read::Other)));
    }

    #[test]
    fn bad_yaml_names_its_file_and_line() {
        let e = parse("bad.yaml", "Resources:\n  A:\n    Type: [unclosed\n").unwrap_err();
        assert!(e.starts_with("bad.yaml:"), "{e}");
        assert!(e.contains("not valid YAML"), "{e}");
        let e = parse("bad.json", "{\n \"Resources\": {,}\n}").unwrap_err();
        assert!(e.starts_with("bad.json:2:"), "{e}");
    }
}
