//! AWS::Serverless::Function → the Lambda function with the same logical id; its execution
//! role `<Id>Role` when no `Role` is given; the function URL `<Id>Url` (and its public
//! permission); and the resources of its events (sam_events.rs). The implicit APIs, and the
//! routes SAM adds to the definitions of the APIs it manages, are made here too.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};

use super::{
    copy, insert_some, is_fn, is_intrinsic, merge, object, s3_location, Props, Sam, IMPLICIT_HTTP,
    IMPLICIT_REST,
};
use crate::iac::cfn::resolve::unknown;

/// The resources of the function's events, and the edits they make to the template.
#[path = "sam_events.rs"]
mod events;

/// The Lambda properties a function's own pass to unchanged.
const SAME: &str = "FunctionName Handler Runtime Description MemorySize Timeout VpcConfig \
    Environment KmsKeyArn ReservedConcurrentExecutions Layers FileSystemConfigs ImageConfig \
    PackageType Architectures SnapStart EphemeralStorage CodeSigningConfigArn \
    RuntimeManagementConfig LoggingConfig RecursiveLoop";

/// AWS managed policies under `service-role/` and `job-function/`, so that a name in
/// `Policies` becomes the ARN SAM's bundled policy map gives it.
const SERVICE_ROLE: &str = "AWSLambdaBasicExecutionRole AWSLambdaVPCAccessExecutionRole \
    AWSLambdaKinesisExecutionRole AWSLambdaDynamoDBExecutionRole AWSLambdaSQSQueueExecutionRole \
    AWSLambdaMSKExecutionRole AWSLambdaRole AWSLambdaENIManagementAccess \
    AWSConfigRulesExecutionRole AWSIoTRuleActions AWSGlueServiceRole \
    AmazonAPIGatewayPushToCloudWatchLogs AmazonEC2RoleforSSM AmazonSSMAutomationRole";
const JOB_FUNCTION: &str = "ViewOnlyAccess DatabaseAdministrator NetworkAdministrator \
    SystemAdministrator DataScientist SupportUser Billing";

/// Before expanding: the implicit APIs that `Api` and `HttpApi` events create, `Globals`
/// (which apply to them too) merged into each serverless resource, the events' routes in
/// the definitions SAM writes (the implicit APIs', and those of APIs given none), and the
/// edits S3 and Cognito events make to their bucket and user pool ([`events::link`]).
pub(super) fn prepare(
    resources: &mut Props,
    globals: &Props,
    derived: &mut BTreeMap<String, String>,
) {
    let events = api_events(resources);
    let mut managed = BTreeSet::new();
    for e in &events {
        let implicit = [IMPLICIT_REST, IMPLICIT_HTTP].contains(&e.api.as_str());
        if implicit && !resources.contains_key(&e.api) {
            let (ty, props) = match e.rest {
                true => ("AWS::Serverless::Api", json!({"StageName": "Prod"})),
                false => ("AWS::Serverless::HttpApi", json!({})),
            };
            resources.insert(e.api.clone(), json!({"Type": ty, "Properties": props}));
            derived.insert(e.api.clone(), e.function.clone());
            managed.insert(e.api.clone());
        }
    }
    for (id, r) in resources.iter_mut() {
        let ty = r
            .get("Type")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string();
        let rest = ty == "AWS::Serverless::Api";
        if let Some(g) = globals.get(&ty) {
            let local = r.get_mut("Properties").map_or(json!({}), Value::take);
            r["Properties"] = merge(g, local);
        }
        let Some(p) = r.get_mut("Properties").and_then(Value::as_object_mut) else {
            continue;
        };
        let defined = p.contains_key("DefinitionBody") || p.contains_key("DefinitionUri");
        if (rest || ty == "AWS::Serverless::HttpApi") && (managed.contains(id) || !defined) {
            managed.insert(id.clone());
            p.insert("DefinitionBody".into(), skeleton(rest));
        }
    }
    for e in events.iter().filter(|e| managed.contains(&e.api)) {
        let r = resources.get_mut(&e.api);
        if let Some(body) = r.and_then(|r| r.pointer_mut("/Properties/DefinitionBody")) {
            add_route(body, e);
        }
    }
    events::link(resources);
}

/// An Api or HttpApi event: the API it routes through and its route.
struct ApiEvent {
    api: String,
    rest: bool,
    path: String,
    /// Lowercase; `any` for every method.
    method: String,
    function: String,
    payload_format: Option<Value>,
}

/// The Api and HttpApi events of every function whose API is named (or implicit).
fn api_events(resources: &Props) -> Vec<ApiEvent> {
    let mut out = Vec::new();
    for (id, r) in resources {
        if r.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let Some(events) = r.pointer("/Properties/Events").and_then(Value::as_object) else {
            continue;
        };
        for e in events.values() {
            let rest = match e.get("Type").and_then(Value::as_str) {
                Some("Api") => true,
                Some("HttpApi") => false,
                _ => continue,
            };
            let get = |k: &str| e.get("Properties").and_then(|p| p.get(k));
            let api = match get(if rest { "RestApiId" } else { "ApiId" }) {
                None if rest => IMPLICIT_REST.to_string(),
                None => IMPLICIT_HTTP.to_string(),
                Some(Value::String(s)) => s.clone(),
                Some(v) => match v.get("Ref").and_then(Value::as_str) {
                    Some(s) => s.to_string(),
                    None => continue,
                },
            };
            let text = |k: &str| get(k).and_then(Value::as_str);
            let (path, method) = match (text("Path"), text("Method")) {
                (Some(p), Some(m)) => (p.to_string(), m.to_lowercase()),
                (None, None) if !rest => ("$default".to_string(), "any".to_string()),
                _ => continue,
            };
            out.push(ApiEvent {
                api,
                rest,
                path,
                method,
                function: id.clone(),
                payload_format: get("PayloadFormatVersion").cloned(),
            });
        }
    }
    out
}

/// The definition SAM gives an API that has none, for its events' routes.
fn skeleton(rest: bool) -> Value {
    let info = json!({"version": "1.0", "title": {"Ref": "AWS::StackName"}});
    if rest {
        json!({"swagger": "2.0", "info": info, "paths": {}})
    } else {
        let tag = json!({"name": "httpapi:createdBy", "x-amazon-apigateway-tag-value": "SAM"});
        json!({"openapi": "3.0.1", "info": info, "paths": {}, "tags": [tag]})
    }
}

/// The event's route, integrated with its function, in the API's definition.
fn add_route(body: &mut Value, e: &ApiEvent) {
    if !body.is_object() {
        return;
    }
    let uri = format!(
        "arn:${{AWS::Partition}}:apigateway:${{AWS::Region}}:lambda:path/2015-03-31/functions/${{{}.Arn}}/invocations",
        e.function
    );
    let mut integration =
        json!({"type": "aws_proxy", "httpMethod": "POST", "uri": {"Fn::Sub": uri}});
    if !e.rest {
        integration["payloadFormatVersion"] = e.payload_format.clone().unwrap_or(json!("2.0"));
    }
    let method = match e.method.as_str() {
        "any" => "x-amazon-apigateway-any-method",
        m => m,
    };
    if !body["paths"].is_object() {
        body["paths"] = json!({});
    }
    let path = &mut body["paths"][&e.path];
    if !path.is_object() {
        *path = json!({});
    }
    path[method] = json!({"x-amazon-apigateway-integration": integration, "responses": {}});
}

pub(super) fn expand(s: &mut Sam) -> Result<(), String> {
    let id = s.id;
    let mut f = s.pick(SAME);
    f.insert("Code".into(), code(&s.p)?);
    let tracing = s.get("Tracing").map(|t| json!({"Mode": t}));
    insert_some(&mut f, "TracingConfig", tracing);
    let dlq = dead_letter(&s.p)?;
    let target = dlq.as_ref().map(|(_, arn)| json!({"TargetArn": arn}));
    insert_some(&mut f, "DeadLetterConfig", target);
    let tags = s.tags(&[("lambda:createdBy", "SAM")])?;
    insert_some(&mut f, "Tags", tags.clone());
    let target = json!({"Ref": id});
    url(s, &target)?;
    let for_events = events::events(s, &target)?;
    if let Some(role) = s.get("Role") {
        f.insert("Role".into(), role.clone());
    } else {
        let mut managed = vec!["AWSLambdaBasicExecutionRole"];
        if s.p.contains_key("Tracing") {
            managed.push("AWSXrayWriteOnlyAccess");
        }
        if s.p.contains_key("VpcConfig") {
            managed.push("AWSLambdaVPCAccessExecutionRole");
        }
        let managed = managed.into_iter().chain(for_events);
        let managed = managed.map(|n| json!(managed_arn(n))).collect();
        let inline = dlq.map(|(action, arn)| {
            let statement = json!({"Action": action, "Resource": arn, "Effect": "Allow"});
            let document = json!({"Version": "2012-10-17", "Statement": [statement]});
            json!({"PolicyName": "DeadLetterQueuePolicy", "PolicyDocument": document})
        });
        let inline = inline.into_iter().collect();
        let role = role(s, "lambda.amazonaws.com", managed, inline, tags)?;
        f.insert(
            "Role".into(),
            json!({"Fn::GetAtt": [format!("{id}Role"), "Arn"]}),
        );
        s.add(format!("{id}Role"), "AWS::IAM::Role", role);
    }
    s.base("AWS::Lambda::Function", f);
    Ok(())
}

/// `InlineCode`, `CodeUri` or, for an image, `ImageUri` as the function's `Code`.
fn code(p: &Props) -> Result<Value, String> {
    if p.get("PackageType").and_then(Value::as_str) == Some("Image") {
        return Ok(match p.get("ImageUri") {
            Some(u) => json!({"ImageUri": u}),
            None => unknown("ImageUri: the image sam build makes"),
        });
    }
    match (p.get("InlineCode"), p.get("CodeUri")) {
        (Some(c), _) => Ok(json!({"ZipFile": c})),
        // Without either, `sam build` packages the template's directory.
        (None, u) => s3_location(
            u.unwrap_or(&json!(".")),
            "CodeUri",
            "S3Bucket S3Key S3ObjectVersion",
        ),
    }
}

/// `DeadLetterQueue`'s action (for the role) and target.
fn dead_letter(p: &Props) -> Result<Option<(&'static str, Value)>, String> {
    let Some(d) = p.get("DeadLetterQueue") else {
        return Ok(None);
    };
    let action = match d.get("Type").and_then(Value::as_str) {
        Some("SQS") => "sqs:SendMessage",
        Some("SNS") => "sns:Publish",
        _ => return Err("'DeadLetterQueue' requires a Type of SQS or SNS".into()),
    };
    let arn = d
        .get("TargetArn")
        .ok_or("'DeadLetterQueue' requires a TargetArn")?;
    Ok(Some((action, arn.clone())))
}

/// `FunctionUrlConfig` → `<Id>Url`, and `<Id>UrlPublicPermissions` when it has no auth.
fn url(s: &mut Sam, target: &Value) -> Result<(), String> {
    let Some(c) = s.get("FunctionUrlConfig") else {
        return Ok(());
    };
    let c = c
        .as_object()
        .filter(|o| !is_fn(o))
        .ok_or("'FunctionUrlConfig' must be a map")?;
    let auth = c.get("AuthType");
    let valid = match auth {
        Some(Value::String(a)) => a == "AWS_IAM" || a == "NONE",
        Some(v) => is_intrinsic(v),
        None => false,
    };
    if !valid {
        return Err("FunctionUrlConfig requires an AuthType of AWS_IAM or NONE".into());
    }
    let mut u = object(json!({"TargetFunctionArn": target}));
    copy(c, &mut u, "AuthType Cors InvokeMode");
    let public = auth.and_then(Value::as_str) == Some("NONE");
    let id = s.id;
    s.add(format!("{id}Url"), "AWS::Lambda::Url", u);
    if public {
        let perm = json!({"Action": "lambda:InvokeFunctionUrl", "FunctionName": target,
            "Principal": "*", "FunctionUrlAuthType": "NONE"});
        s.add(
            format!("{id}UrlPublicPermissions"),
            "AWS::Lambda::Permission",
            object(perm),
        );
    }
    Ok(())
}

/// The ARN of an AWS managed policy given by name (an ARN stays as is).
fn managed_arn(name: &str) -> String {
    let is_name = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-".contains(c));
    if name.starts_with("arn:") || !is_name {
        return name.to_string();
    }
    let listed = |names: &str| names.split(' ').any(|n| n == name);
    let path = match () {
        _ if listed(SERVICE_ROLE) => "service-role/",
        _ if listed(JOB_FUNCTION) => "job-function/",
        _ => "",
    };
    format!("arn:aws:iam::aws:policy/{path}{name}")
}

/// The properties of the execution role `<Id>Role` SAM makes for a function or a state
/// machine: trusted by `service` (or `AssumeRolePolicyDocument`), with `managed` and `inline`
/// policies, and `Policies`: a name or ARN is a managed policy, a document an inline policy
/// `<Id>RolePolicy<index>`, a SAM policy template an inline policy whose document is unknown.
pub(super) fn role(
    s: &Sam,
    service: &str,
    mut managed: Vec<Value>,
    mut inline: Vec<Value>,
    tags: Option<Value>,
) -> Result<Props, String> {
    let id = s.id;
    let trust = s
        .get("AssumeRolePolicyDocument")
        .cloned()
        .unwrap_or_else(|| {
            let principal = json!({"Service": [service]});
            let statement =
                json!({"Action": ["sts:AssumeRole"], "Effect": "Allow", "Principal": principal});
            json!({"Version": "2012-10-17", "Statement": [statement]})
        });
    let policies = match s.get("Policies") {
        None => Vec::new(),
        Some(Value::Array(items)) => items.clone(),
        Some(v) => vec![v.clone()],
    };
    let no_value = |v: &Value| v.get("Ref").and_then(Value::as_str) == Some("AWS::NoValue");
    for (i, policy) in policies.into_iter().enumerate() {
        let name = format!("{id}RolePolicy{i}");
        let named = |doc: Value| json!({"PolicyName": name, "PolicyDocument": doc});
        let invalid = || format!("policy at index {i} in 'Policies' is not valid");
        match &policy {
            Value::String(s) => managed.push(json!(managed_arn(s))),
            Value::Object(o) if o.contains_key("Statement") => inline.push(named(policy)),
            Value::Object(o) if o.len() == 1 && o.contains_key("Fn::If") => {
                let a = o["Fn::If"]
                    .as_array()
                    .filter(|a| a.len() == 3)
                    .ok_or_else(invalid)?;
                let document = a[1..].iter().any(|b| b.get("Statement").is_some());
                let convert = |b: &Value| match b {
                    b if no_value(b) => b.clone(),
                    b if document => named(b.clone()),
                    Value::String(s) => json!(managed_arn(s)),
                    b => b.clone(),
                };
                let v = json!({"Fn::If": [a[0], convert(&a[1]), convert(&a[2])]});
                match document {
                    true => inline.push(v),
                    false => managed.push(v),
                }
            }
            v if is_intrinsic(v) => managed.push(policy),
            Value::Object(o) if o.len() == 1 => {
                let template = o.keys().next().map_or("", String::as_str);
                inline.push(named(unknown(format!("SAM policy template {template}"))));
            }
            _ => return Err(invalid()),
        }
    }
    let mut unique: Vec<Value> = Vec::new();
    for m in managed {
        if !unique.contains(&m) {
            unique.push(m);
        }
    }
    let mut role = s.pick("RolePath>Path PermissionsBoundary");
    role.extend(object(
        json!({"AssumeRolePolicyDocument": trust, "ManagedPolicyArns": unique}),
    ));
    if !inline.is_empty() {
        role.insert("Policies".into(), Value::Array(inline));
    }
    insert_some(&mut role, "Tags", tags);
    Ok(role)
}

/// `{"Ref": "MyApi.Stage"}` → `{"Ref": "MyApiProdStage"}`.
pub(super) fn rewrite_refs(v: &mut Value, refs: &BTreeMap<String, String>) {
    match v {
        Value::Object(o) => {
            if let (1, Some(Value::String(s))) = (o.len(), o.get_mut("Ref")) {
                if let Some(n) = refs.get(s.as_str()) {
                    *s = n.clone();
                }
                return;
            }
            o.values_mut().for_each(|x| rewrite_refs(x, refs));
        }
        Value::Array(items) => items.iter_mut().for_each(|x| rewrite_refs(x, refs)),
        _ => {}
    }
}
