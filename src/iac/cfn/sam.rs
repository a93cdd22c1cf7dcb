//! The AWS SAM transform (`Transform: AWS::Serverless-2016-10-31`): `AWS::Serverless::*`
//! resources expanded into the resources the transform creates, before intrinsics are
//! evaluated, following the SAM translator: `Globals` merged into each resource (maps merged,
//! lists concatenated, the resource's own values win), the implicit APIs that `Api` and
//! `HttpApi` events create, then each serverless resource replaced by what it becomes. Every
//! resource made is recorded in [`Template::derived`], so a finding on it is reported at the
//! serverless resource's line. Intrinsics are carried over untouched; what the transform
//! would take from packaging (a local `CodeUri`) or from its own tables (a SAM policy
//! template's document) is an unknown value ([`unknown`]).
//!
//! Not made: `AutoPublishAlias`'s version and alias, `DeploymentPreference`, `EventInvokeConfig`,
//! API domains, usage plans, authorizers and the definition edits of `Auth` and `Cors`, state
//! machines' events, function events of type MQ, SelfManagedKafka, DocumentDB, and SNS with
//! `SqsSubscription` (sam_events.rs expands the others); `AWS::Serverless::Application`,
//! `Connector` and newer types are reported, not expanded. A layer keeps its logical id.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

use super::load::Template;
use super::resolve::unknown;

#[path = "sam_function.rs"]
mod function;

type Props = Map<String, Value>;

const TRANSFORM: &str = "AWS::Serverless-2016-10-31";
/// The sections of `Globals`, each for `AWS::Serverless::<section>`.
const GLOBAL_SECTIONS: &str = "Api CapacityProvider Function HttpApi SimpleTable StateMachine";
/// The APIs SAM creates for the events that name none.
const IMPLICIT_REST: &str = "ServerlessRestApi";
const IMPLICIT_HTTP: &str = "ServerlessHttpApi";

/// One serverless resource being expanded, and what it becomes.
struct Sam<'a> {
    id: &'a str,
    r: &'a Value,
    /// Its properties, `Globals` merged in.
    p: Props,
    /// The template's resources (the serverless ones not expanded).
    resources: &'a Props,
    made: Vec<(String, Value)>,
    /// The references SAM resolves (`MyApi.Stage`) → the logical id they name.
    refs: Vec<(String, String)>,
}

impl Sam<'_> {
    /// The resource that takes the serverless resource's logical id and attributes.
    fn base(&mut self, ty: &str, props: Props) {
        let mut attrs = self.r.as_object().cloned().unwrap_or_default();
        attrs.retain(|k, _| k != "Type" && k != "Properties");
        let made = (self.id.into(), resource(ty, props, attrs));
        self.made.insert(0, made);
    }

    /// A resource made from it, with the attributes SAM passes on (`Condition`, deletion
    /// policies).
    fn add(&mut self, id: impl Into<String>, ty: &str, props: Props) {
        let mut attrs = Map::new();
        let keys = "Condition DeletionPolicy UpdateReplacePolicy";
        copy(self.r.as_object().unwrap_or(&Map::new()), &mut attrs, keys);
        self.made.push((id.into(), resource(ty, props, attrs)));
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.p.get(key)
    }

    /// Its properties `keys` names, as [`copy`] does.
    fn pick(&self, keys: &str) -> Props {
        let mut out = Map::new();
        copy(&self.p, &mut out, keys);
        out
    }

    fn tags(&self, first: &[(&str, &str)]) -> Result<Option<Value>, String> {
        tag_list(first, self.get("Tags"))
    }
}

/// Expands a SAM template's serverless resources in place; returns `file:line: message` for
/// each that could not be expanded (it is left as is).
pub fn expand(t: &mut Template) -> Vec<String> {
    let listed = |v: &Value| v.as_str() == Some(TRANSFORM);
    let transform = t.body.get("Transform");
    let in_list = |v: &Value| v.as_array().is_some_and(|a| a.iter().any(listed));
    if !transform.is_some_and(|v| listed(v) || in_list(v)) {
        return Vec::new();
    }
    let mut errors = Vec::new();
    let globals = t.body.as_object_mut().and_then(|b| b.remove("Globals"));
    let globals = parse_globals(t, globals, &mut errors);
    let resources = t.body.get_mut("Resources").map(Value::take);
    let Some(Value::Object(mut resources)) = resources else {
        return errors;
    };
    function::prepare(&mut resources, &globals, &mut t.derived);
    let (mut out, mut refs) = (Map::new(), BTreeMap::new());
    for (id, r) in &resources {
        let ty = r.get("Type").and_then(Value::as_str).unwrap_or_default();
        if !ty.starts_with("AWS::Serverless::") {
            out.insert(id.clone(), r.clone());
            continue;
        }
        let s = match expand_one(id, ty, r, &resources) {
            Ok(s) => s,
            Err(e) => {
                errors.push(format!("{}:{}: {id}: {e}", t.file, t.line(id)));
                out.insert(id.clone(), r.clone());
                continue;
            }
        };
        let source = t.derived.get(id).cloned().unwrap_or_else(|| id.clone());
        for (n, v) in s.made {
            if n != source {
                t.derived.insert(n.clone(), source.clone());
            }
            out.insert(n, v);
        }
        refs.extend(s.refs);
    }
    let mut resources = Value::Object(out);
    function::rewrite_refs(&mut resources, &refs);
    if let Some(outputs) = t.body.get_mut("Outputs") {
        function::rewrite_refs(outputs, &refs);
    }
    t.body["Resources"] = resources;
    errors
}

/// `Globals` by the serverless type each section applies to.
fn parse_globals(t: &Template, g: Option<Value>, errors: &mut Vec<String>) -> Props {
    let mut out = Map::new();
    let at = |e: String| format!("{}:{}: Globals: {e}", t.file, t.resources_line);
    let sections = match g {
        None => return out,
        Some(Value::Object(sections)) => sections,
        Some(_) => {
            errors.push(at("it must be a map of sections".into()));
            return out;
        }
    };
    for (section, props) in sections {
        if !GLOBAL_SECTIONS.split(' ').any(|s| s == section) {
            errors.push(at(format!("'{section}' is not one of {GLOBAL_SECTIONS}")));
        } else if !props.is_object() {
            errors.push(at(format!("the value of {section} must be a map")));
        } else {
            out.insert(format!("AWS::Serverless::{section}"), props);
        }
    }
    out
}

/// A global value merged with the resource's: maps merged key by key, lists concatenated
/// (global items first), otherwise (scalars, intrinsics, different kinds) the resource's.
fn merge(global: &Value, local: Value) -> Value {
    match (global, local) {
        (Value::Object(g), Value::Object(l)) if !is_intrinsic(global) && !is_fn(&l) => {
            let mut out = g.clone();
            for (k, v) in l {
                let merged = match out.get(&k) {
                    Some(gv) => merge(gv, v),
                    None => v,
                };
                out.insert(k, merged);
            }
            Value::Object(out)
        }
        (Value::Array(g), Value::Array(l)) => Value::Array(g.iter().cloned().chain(l).collect()),
        (_, l) => l,
    }
}

fn expand_one<'a>(
    id: &'a str,
    ty: &str,
    r: &'a Value,
    resources: &'a Props,
) -> Result<Sam<'a>, String> {
    let p = match r.get("Properties") {
        None => Map::new(),
        Some(Value::Object(p)) if !is_fn(p) => p.clone(),
        Some(_) => return Err("its Properties are not a map".into()),
    };
    let (made, refs) = (Vec::new(), Vec::new());
    let mut s = Sam {
        id,
        r,
        p,
        resources,
        made,
        refs,
    };
    match ty {
        "AWS::Serverless::Function" => function::expand(&mut s)?,
        "AWS::Serverless::Api" => rest_api(&mut s)?,
        "AWS::Serverless::HttpApi" => http_api(&mut s)?,
        "AWS::Serverless::SimpleTable" => table(&mut s)?,
        "AWS::Serverless::LayerVersion" => layer(&mut s)?,
        "AWS::Serverless::StateMachine" => state_machine(&mut s)?,
        other => {
            return Err(format!(
                "{other} is not expanded (vigil's SAM transform does not make this type), so what it creates is not checked"
            ))
        }
    }
    Ok(s)
}

/// AWS::Serverless::Api → RestApi, Deployment and Stage.
fn rest_api(s: &mut Sam) -> Result<(), String> {
    let (id, name) = (s.id, s.get("StageName").cloned());
    let name = name.ok_or("missing required property 'StageName'")?;
    let mut api = s.pick(
        "Name Description BinaryMediaTypes MinimumCompressionSize Mode FailOnWarnings \
         DisableExecuteApiEndpoint ApiKeySourceType",
    );
    definition(&s.p, &mut api)?;
    match s.get("EndpointConfiguration") {
        Some(Value::Object(e)) if !is_fn(e) => {
            let mut c = object(json!({"Types": [e.get("Type")]}));
            copy(e, &mut c, "VpcEndpointIds IpAddressType");
            api.insert("EndpointConfiguration".into(), Value::Object(c));
        }
        Some(v) => {
            api.insert("EndpointConfiguration".into(), json!({"Types": [v]}));
            let types = json!({"endpointConfigurationTypes": v});
            api.insert("Parameters".into(), types);
        }
        None => {}
    }
    let definition = api.get("Body").or(api.get("BodyS3Location"));
    let hash = short_hash(definition.unwrap_or(&Value::Null));
    let deployment_id = format!("{id}Deployment{hash}");
    let about = format!("RestApi deployment id: {hash}");
    let mut deployment = object(json!({"RestApiId": {"Ref": id}, "Description": about}));
    if !s.p.contains_key("OpenApiVersion") {
        deployment.insert("StageName".into(), json!("Stage"));
    }
    let stage_id = stage_id(id, &name);
    let mut stage = s.pick(
        "StageName CacheClusterEnabled CacheClusterSize Variables MethodSettings \
         AccessLogSetting CanarySetting TracingEnabled",
    );
    stage.insert("RestApiId".into(), json!({"Ref": id}));
    stage.insert("DeploymentId".into(), json!({"Ref": deployment_id}));
    insert_some(&mut stage, "Tags", s.tags(&[])?);
    s.base("AWS::ApiGateway::RestApi", api);
    s.add(&deployment_id, "AWS::ApiGateway::Deployment", deployment);
    s.add(&stage_id, "AWS::ApiGateway::Stage", stage);
    s.refs.push((format!("{id}.Stage"), stage_id));
    s.refs.push((format!("{id}.Deployment"), deployment_id));
    Ok(())
}

/// AWS::Serverless::HttpApi → ApiGatewayV2 Api and Stage (`$default` when none is named).
fn http_api(s: &mut Sam) -> Result<(), String> {
    let id = s.id;
    let mut api = s.pick("Name Description FailOnWarnings DisableExecuteApiEndpoint");
    definition(&s.p, &mut api)?;
    let mut tags = object(json!({"httpapi:createdBy": "SAM"}));
    match s.get("Tags") {
        Some(Value::Object(t)) if !is_fn(t) => tags.extend(t.clone()),
        Some(_) => return Err("Tags must be a map of tag names to values".into()),
        None => {}
    }
    api.insert("Tags".into(), Value::Object(tags.clone()));
    let name = s.get("StageName").cloned().unwrap_or(json!("$default"));
    let stage_id = match name.as_str() {
        Some("$default") => format!("{id}ApiGatewayDefaultStage"),
        _ => stage_id(id, &name),
    };
    let mut stage = s.pick("AccessLogSettings DefaultRouteSettings RouteSettings StageVariables");
    let more = json!({"ApiId": {"Ref": id}, "StageName": name, "AutoDeploy": true, "Tags": tags});
    stage.extend(object(more));
    s.base("AWS::ApiGatewayV2::Api", api);
    s.add(&stage_id, "AWS::ApiGatewayV2::Stage", stage);
    s.refs.push((format!("{id}.Stage"), stage_id));
    Ok(())
}

/// An API's `DefinitionBody` or `DefinitionUri` as its `Body` or `BodyS3Location`.
fn definition(p: &Props, api: &mut Props) -> Result<(), String> {
    match (p.get("DefinitionBody"), p.get("DefinitionUri")) {
        (Some(_), Some(_)) => {
            return Err("give 'DefinitionUri' or 'DefinitionBody', not both".into())
        }
        (Some(b), None) => api.insert("Body".into(), b.clone()),
        (None, Some(u)) => {
            let at = s3_location(u, "DefinitionUri", "Bucket Key Version")?;
            api.insert("BodyS3Location".into(), at)
        }
        (None, None) => None,
    };
    Ok(())
}

/// A stage's logical id: `<Api><StageName>Stage` (`<Api>Stage` for a name that is not
/// alphanumeric, which SAM hashes).
fn stage_id(id: &str, name: &Value) -> String {
    let name = name
        .as_str()
        .filter(|s| s.chars().all(|c| c.is_ascii_alphanumeric()));
    format!("{id}{}Stage", name.unwrap_or_default())
}

/// AWS::Serverless::SimpleTable → a DynamoDB table keyed by `PrimaryKey` (`id`, a string, by
/// default), on demand unless `ProvisionedThroughput` is given.
fn table(s: &mut Sam) -> Result<(), String> {
    let (name, ty) = match s.get("PrimaryKey") {
        None => (json!("id"), "S"),
        Some(Value::Object(k)) if !is_fn(k) => {
            let name = k.get("Name").ok_or("'PrimaryKey.Name' is required")?;
            let ty = match k.get("Type").and_then(Value::as_str) {
                Some("String") => "S",
                Some("Number") => "N",
                Some("Binary") => "B",
                _ => return Err("'PrimaryKey.Type' must be String, Number or Binary".into()),
            };
            (name.clone(), ty)
        }
        Some(_) => return Err("'PrimaryKey' must be a map of Name and Type".into()),
    };
    let mut table =
        s.pick("ProvisionedThroughput SSESpecification TableName PointInTimeRecoverySpecification");
    table.extend(object(json!({
        "AttributeDefinitions": [{"AttributeName": name, "AttributeType": ty}],
        "KeySchema": [{"AttributeName": name, "KeyType": "HASH"}],
    })));
    if !table.contains_key("ProvisionedThroughput") {
        table.insert("BillingMode".into(), json!("PAY_PER_REQUEST"));
    }
    insert_some(&mut table, "Tags", s.tags(&[])?);
    s.base("AWS::DynamoDB::Table", table);
    Ok(())
}

/// AWS::Serverless::LayerVersion → a Lambda layer version, retained on delete unless
/// `RetentionPolicy` says `Delete`.
fn layer(s: &mut Sam) -> Result<(), String> {
    let content = s
        .get("ContentUri")
        .ok_or("missing required property 'ContentUri'")?;
    let content = s3_location(content, "ContentUri", "S3Bucket S3Key S3ObjectVersion")?;
    let mut layer =
        s.pick("LayerName Description CompatibleRuntimes CompatibleArchitectures LicenseInfo");
    layer.entry("LayerName").or_insert(json!(s.id));
    layer.insert("Content".into(), content);
    let policy = match s.get("RetentionPolicy") {
        None => {
            s.r.get("DeletionPolicy")
                .cloned()
                .unwrap_or(json!("Retain"))
        }
        Some(Value::String(p)) if p.eq_ignore_ascii_case("retain") => json!("Retain"),
        Some(Value::String(p)) if p.eq_ignore_ascii_case("delete") => json!("Delete"),
        Some(_) => return Err("'RetentionPolicy' must be Retain or Delete".into()),
    };
    s.base("AWS::Lambda::LayerVersion", layer);
    s.made[0].1["DeletionPolicy"] = policy;
    Ok(())
}

/// AWS::Serverless::StateMachine → a Step Functions state machine, and its role `<Id>Role`
/// when none is given.
fn state_machine(s: &mut Sam) -> Result<(), String> {
    let id = s.id;
    let at = match (s.get("Definition"), s.get("DefinitionUri")) {
        (Some(_), Some(_)) => return Err("give 'Definition' or 'DefinitionUri', not both".into()),
        (None, None) => return Err("either 'Definition' or 'DefinitionUri' is required".into()),
        (_, u) => u.map(|u| s3_location(u, "DefinitionUri", "Bucket Key Version")),
    };
    insert_some(&mut s.p, "DefinitionS3Location", at.transpose()?);
    let (role, policies) = (s.get("Role"), s.get("Policies"));
    if role.is_some() && policies.is_some() {
        return Err("give 'Role' or 'Policies' (not both) or neither".into());
    }
    let mut sm = s.pick(
        "Definition DefinitionSubstitutions DefinitionS3Location Name>StateMachineName \
         Type>StateMachineType Logging>LoggingConfiguration Tracing>TracingConfiguration \
         Role>RoleArn",
    );
    let tags = s.tags(&[("stateMachine:createdBy", "SAM")])?;
    insert_some(&mut sm, "Tags", tags.clone());
    if !sm.contains_key("RoleArn") {
        let role = function::role(s, "states.amazonaws.com", Vec::new(), Vec::new(), tags)?;
        sm.insert(
            "RoleArn".into(),
            json!({"Fn::GetAtt": [format!("{id}Role"), "Arn"]}),
        );
        s.add(format!("{id}Role"), "AWS::IAM::Role", role);
    }
    s.base("AWS::StepFunctions::StateMachine", sm);
    Ok(())
}

// Helpers, shared with the function's expansion.

/// `{"Ref": ...}`, `{"Fn::...": ...}`, `{"Condition": ...}`.
fn is_intrinsic(v: &Value) -> bool {
    v.as_object().is_some_and(is_fn)
}

fn is_fn(o: &Props) -> bool {
    o.len() == 1
        && o.keys()
            .all(|k| k == "Ref" || k == "Condition" || k.starts_with("Fn::"))
}

/// The map a `json!({...})` makes.
fn object(v: Value) -> Props {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// Copies the properties `keys` names (`A B>C`: `A` as itself, `B` as `C`) that `from` has.
fn copy(from: &Props, to: &mut Props, keys: &str) {
    for k in keys.split_whitespace() {
        let (a, b) = k.split_once('>').unwrap_or((k, k));
        if let Some(v) = from.get(a) {
            to.insert(b.into(), v.clone());
        }
    }
}

fn insert_some(to: &mut Props, key: &str, v: Option<Value>) {
    if let Some(v) = v {
        to.insert(key.into(), v);
    }
}

fn resource(ty: &str, props: Props, mut attrs: Props) -> Value {
    attrs.insert("Type".into(), json!(ty));
    attrs.insert("Properties".into(), Value::Object(props));
    Value::Object(attrs)
}

/// A map of tags as CloudFormation's `[{Key, Value}]`, after the tags SAM adds; `None`
/// without either.
fn tag_list(first: &[(&str, &str)], tags: Option<&Value>) -> Result<Option<Value>, String> {
    let tag = |k: &str, v: &Value| json!({"Key": k, "Value": v});
    let mut out: Vec<Value> = first.iter().map(|(k, v)| tag(k, &json!(v))).collect();
    match tags {
        Some(Value::Object(t)) if !is_fn(t) => out.extend(t.iter().map(|(k, v)| tag(k, v))),
        Some(_) => return Err("Tags must be a map of tag names to values".into()),
        None => {}
    }
    Ok((!out.is_empty() || tags.is_some()).then_some(Value::Array(out)))
}

/// An S3 location (`s3://bucket/key?versionId=v`, or `{Bucket, Key, Version}`) with the
/// target's `names` for bucket, key and version. A local path, which `sam package` uploads,
/// is unknown until then.
fn s3_location(v: &Value, prop: &str, names: &str) -> Result<Value, String> {
    let names: Vec<&str> = names.split(' ').collect();
    let mut out = Map::new();
    match v {
        Value::String(s) => {
            let Some(rest) = s.strip_prefix("s3://") else {
                return Ok(unknown(format!(
                    "{prop} {s}: a local path, uploaded by sam package"
                )));
            };
            let (path, version) = match rest.split_once("?versionId=") {
                Some((p, v)) => (p, Some(json!(v))),
                None => (rest, None),
            };
            let parts = path
                .split_once('/')
                .filter(|(b, k)| !b.is_empty() && !k.is_empty());
            let Some((bucket, key)) = parts else {
                return Err(format!("'{prop}' is not an S3 URI s3://bucket/key"));
            };
            out.insert(names[0].into(), json!(bucket));
            out.insert(names[1].into(), json!(key));
            insert_some(&mut out, names[2], version);
        }
        Value::Object(o) if o.contains_key("Bucket") && o.contains_key("Key") => {
            let (b, k, v) = (names[0], names[1], names[2]);
            copy(o, &mut out, &format!("Bucket>{b} Key>{k} Version>{v}"));
        }
        _ => return Err(format!("'{prop}' requires Bucket and Key")),
    }
    Ok(Value::Object(out))
}

/// Ten hex digits of the SHA-256 of `v`, for the logical ids SAM makes unique with a hash.
fn short_hash(v: &Value) -> String {
    crate::digest::sha256_hex(v.to_string())[..10].to_string()
}

#[cfg(test)]
#[path = "sam_tests.rs"]
mod tests;
