//! A function's `Events` → the resources the SAM translator makes for each, with its logical
//! ids: `<Function><Event>` for the main resource, `<Function><Event>Permission` for the Lambda
//! permission that lets the source service invoke the function (so the function's resource
//! policy, which vigil builds from these permissions, has the statements the live one has).
//! Each mapping follows `samtranslator/model/eventsources/` of aws/serverless-application-model
//! (`push.py`, `pull.py`, `scheduler.py`, `cloudwatchlogs.py`), cited at its function:
//!
//! - Api, HttpApi: API Gateway's permission (the routes are written by `prepare`);
//! - SQS, Kinesis, DynamoDB, MSK: an event source mapping, and the managed policy it needs;
//! - S3: S3's permission, and the function in the bucket's `NotificationConfiguration`;
//! - SNS: the function's subscription to the topic, and SNS's permission;
//! - Schedule, CloudWatchEvent, EventBridgeRule: an EventBridge rule targeting the function
//!   (and the dead-letter queue `Type: SQS` asks for), and EventBridge's permission;
//! - ScheduleV2: an EventBridge Scheduler schedule and the role it invokes the function with
//!   (these two in sam_eventbridge.rs);
//! - CloudWatchLogs: a subscription filter, and CloudWatch Logs' permission;
//! - IoTRule: a topic rule, and IoT's permission;
//! - Cognito: Cognito's permission, and the function as the user pool's triggers;
//! - AlexaSkill: the Alexa Skills Kit's permission.
//!
//! Not made: SNS with `SqsSubscription` (the queue SAM puts between topic and function, its
//! policy, subscription and mapping), and the MQ, SelfManagedKafka and DocumentDB sources;
//! other types are skipped.

use serde_json::{json, Map, Value};

use super::super::{copy, insert_some, is_fn, object, Props, Sam, IMPLICIT_HTTP, IMPLICIT_REST};

/// Schedule, CloudWatchEvent, EventBridgeRule and ScheduleV2.
#[path = "sam_eventbridge.rs"]
mod eventbridge;

/// The type of what lets a service invoke the function.
const PERMISSION: &str = "AWS::Lambda::Permission";
/// The ARN API Gateway invokes from, for an API's permissions.
const EXECUTE_API: &str =
    "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}";

/// One of a function's events being expanded.
struct Event<'e> {
    name: &'e str,
    /// `<Function><Event>`: the logical id of what it makes.
    id: String,
    p: Props,
    /// `{"Ref": <Function>}`: what a permission or a mapping names.
    target: &'e Value,
    /// `{"Fn::GetAtt": [<Function>, "Arn"]}`: what a rule, subscription or trigger invokes.
    arn: Value,
}

impl Event<'_> {
    /// Its property `key`.
    fn get(&self, key: &str) -> Option<&Value> {
        self.p.get(key)
    }

    /// Its property `key`, when it is a string.
    fn text(&self, key: &str) -> Option<&str> {
        self.get(key).and_then(Value::as_str)
    }

    /// A property SAM requires.
    fn required(&self, key: &str) -> Result<Value, String> {
        let missing = || self.error(&format!("missing required property '{key}'"));
        self.get(key).cloned().ok_or_else(missing)
    }

    /// Its properties `keys` names, as [`copy`] does.
    fn pick(&self, keys: &str) -> Props {
        let mut out = Map::new();
        copy(&self.p, &mut out, keys);
        out
    }

    /// An error of this event, as the expansion reports it.
    fn error(&self, message: &str) -> String {
        format!("event {}: {message}", self.name)
    }

    /// `<Function><Event>Permission`: `principal` may invoke the function on the conditions
    /// `with` gives (`SourceArn`, `SourceAccount`, `EventSourceToken`).
    fn permit(&self, s: &mut Sam, principal: &str, with: Value) {
        let id = format!("{}Permission", self.id);
        s.add(id, PERMISSION, permission(self.target, principal, with));
    }
}

/// A permission's properties (push.py, `PushEventSource._construct_permission`: the function
/// by name, SAM leaving out the conditions it has no value for).
fn permission(target: &Value, principal: &str, with: Value) -> Props {
    let mut p = object(json!({"Action": "lambda:InvokeFunction", "FunctionName": target}));
    p.insert("Principal".into(), json!(principal));
    p.extend(object(with));
    p
}

/// The resources of the function's events; returns the managed policies (by name) they add
/// to a generated role.
pub(super) fn events(s: &mut Sam, target: &Value) -> Result<Vec<&'static str>, String> {
    let mut managed = Vec::new();
    let events = match s.get("Events") {
        None => return Ok(managed),
        Some(Value::Object(e)) if !is_fn(e) => e.clone(),
        Some(_) => return Err("'Events' must be a map of events".into()),
    };
    for (name, e) in &events {
        let ty = e.get("Type").and_then(Value::as_str);
        let ty = ty.ok_or_else(|| format!("event {name} has no Type"))?;
        let p = match e.get("Properties") {
            None => Map::new(),
            Some(Value::Object(o)) => o.clone(),
            Some(_) => return Err(format!("event {name}: its Properties are not a map")),
        };
        let id = format!("{}{name}", s.id);
        let arn = json!({"Fn::GetAtt": [s.id, "Arn"]});
        let e = Event {
            name,
            id,
            p,
            target,
            arn,
        };
        match ty {
            "Api" => api(s, &e)?,
            "HttpApi" => http_api(s, &e),
            "SQS" | "Kinesis" | "DynamoDB" | "MSK" => managed.push(pull(s, &e, ty)?),
            "S3" => s3(s, &e)?,
            "SNS" => sns(s, &e)?,
            "Schedule" | "CloudWatchEvent" | "EventBridgeRule" => eventbridge::rule(s, &e, ty)?,
            "ScheduleV2" => eventbridge::schedule_v2(s, &e)?,
            "CloudWatchLogs" => logs(s, &e)?,
            "IoTRule" => iot(s, &e)?,
            "Cognito" => cognito(s, &e)?,
            "AlexaSkill" => alexa(s, &e),
            // MQ, SelfManagedKafka, DocumentDB and the rest are not expanded.
            _ => {}
        }
    }
    Ok(managed)
}

/// A method as an execute-api ARN has it: `ANY` is `*`.
fn verb(method: &str) -> String {
    match method.to_ascii_uppercase().as_str() {
        "ANY" => "*".to_string(),
        m => m.to_string(),
    }
}

/// Api → API Gateway's permission to invoke the function on the event's route in any stage,
/// `<Function><Event>Permission<Stage>` (push.py, `Api._get_permissions`).
fn api(s: &mut Sam, e: &Event) -> Result<(), String> {
    let (Some(path), Some(method)) = (e.text("Path"), e.text("Method")) else {
        return Err(e.error("an Api event requires Path and Method"));
    };
    let path = path
        .strip_suffix('/')
        .filter(|p| !p.is_empty())
        .unwrap_or(path);
    let api = e.get("RestApiId").cloned();
    let explicit = api
        .as_ref()
        .and_then(|a| s.resources.get(a.get("Ref")?.as_str()?));
    let stage = explicit.and_then(|a| a.pointer("/Properties/StageName")?.as_str());
    let alphanumeric = |s: &&str| s.chars().all(|c| c.is_ascii_alphanumeric());
    let stage = stage.filter(alphanumeric).unwrap_or("Prod");
    let api = api.unwrap_or(json!({"Ref": IMPLICIT_REST}));
    let source = format!("{EXECUTE_API}/${{__Stage__}}/{}{path}", verb(method));
    let source = json!({"Fn::Sub": [source, {"__ApiId__": api, "__Stage__": "*"}]});
    let with = json!({"SourceArn": source});
    let perm = permission(e.target, "apigateway.amazonaws.com", with);
    s.add(format!("{}Permission{stage}", e.id), PERMISSION, perm);
    Ok(())
}

/// HttpApi → API Gateway's permission to invoke the function on the event's route (push.py,
/// `HttpApi._get_permission`).
fn http_api(s: &mut Sam, e: &Event) {
    let api = e.get("ApiId").cloned();
    let api = api.unwrap_or(json!({"Ref": IMPLICIT_HTTP}));
    let route = match (e.text("Path"), e.text("Method")) {
        (Some(p), Some(m)) if p != "$default" => format!("/*/{}{p}", verb(m)),
        _ => "/*".to_string(),
    };
    let source = format!("{EXECUTE_API}{route}");
    let source = json!({"Fn::Sub": [source, {"__ApiId__": api}]});
    e.permit(s, "apigateway.amazonaws.com", json!({"SourceArn": source}));
}

/// SQS, Kinesis, DynamoDB, MSK → the event source mapping `<Function><Event>` from the queue or
/// stream; returns the managed policy the role needs to read it (pull.py,
/// `PullEventSource.to_cloudformation`).
fn pull(s: &mut Sam, e: &Event, ty: &str) -> Result<&'static str, String> {
    let (from, policy) = match ty {
        "SQS" => ("Queue", "AWSLambdaSQSQueueExecutionRole"),
        "Kinesis" => ("Stream", "AWSLambdaKinesisExecutionRole"),
        "DynamoDB" => ("Stream", "AWSLambdaDynamoDBExecutionRole"),
        _ => ("Stream", "AWSLambdaMSKExecutionRole"),
    };
    let mut m = e.p.clone();
    m.insert("EventSourceArn".into(), e.required(from)?);
    m.remove(from);
    m.insert("FunctionName".into(), e.target.clone());
    let on_failure = m
        .get_mut("DestinationConfig")
        .and_then(|d| d.get_mut("OnFailure"));
    if let Some(Value::Object(f)) = on_failure {
        f.remove("Type");
    }
    s.add(e.id.clone(), "AWS::Lambda::EventSourceMapping", m);
    Ok(policy)
}

/// The logical id and resource of the template that the event's `key` names by `Ref`.
fn in_template<'r>(resources: &'r Props, p: &Props, key: &str) -> Option<(String, &'r Value)> {
    let id = p.get(key)?.get("Ref")?.as_str()?;
    resources.get(id).map(|r| (id.to_string(), r))
}

/// S3 → S3's permission to invoke the function, from a bucket of the account (push.py,
/// `S3.to_cloudformation`: `SourceAccount` only); [`link`] has put the function in the bucket's
/// notifications, which SAM requires to be in the template (`S3.resources_to_link`).
fn s3(s: &mut Sam, e: &Event) -> Result<(), String> {
    e.required("Events")?;
    let resources = s.resources;
    let elsewhere = || e.error("S3 events must reference an S3 bucket in the same template");
    let (bucket, b) = in_template(resources, &e.p, "Bucket").ok_or_else(elsewhere)?;
    let notified = b.pointer("/Properties/NotificationConfiguration/LambdaConfigurations");
    if !notified.is_some_and(Value::is_array) {
        let at = "NotificationConfiguration.LambdaConfigurations";
        return Err(e.error(&format!("{bucket}'s {at} must be a list in a map")));
    }
    let with = json!({"SourceAccount": {"Ref": "AWS::AccountId"}});
    e.permit(s, "s3.amazonaws.com", with);
    Ok(())
}

/// SNS → the function's subscription `<Function><Event>` to the topic, and SNS's permission to
/// invoke it from the topic (push.py, `SNS.to_cloudformation`, `SNS._inject_subscription`).
/// With `SqsSubscription` SAM subscribes a queue instead: nothing is made.
fn sns(s: &mut Sam, e: &Event) -> Result<(), String> {
    let topic = e.required("Topic")?;
    let through_queue = match e.get("SqsSubscription") {
        Some(Value::Bool(b)) => *b,
        Some(Value::Object(o)) => !o.is_empty(),
        _ => false,
    };
    if through_queue {
        return Ok(());
    }
    let mut sub = e.pick("Region FilterPolicy FilterPolicyScope RedrivePolicy");
    let more = json!({"Protocol": "lambda", "Endpoint": e.arn, "TopicArn": topic});
    sub.extend(object(more));
    e.permit(s, "sns.amazonaws.com", json!({"SourceArn": topic}));
    s.add(e.id.clone(), "AWS::SNS::Subscription", sub);
    Ok(())
}

/// CloudWatchLogs → the subscription filter `<Function><Event>` sending the log group's events
/// to the function (after the permission), and CloudWatch Logs' permission to invoke it from
/// the log group (cloudwatchlogs.py, `CloudWatchLogs.to_cloudformation`, `get_source_arn`,
/// `get_subscription_filter`: principal `logs.amazonaws.com`). SAM writes the ARN's partition
/// as that of the region it runs in, the stack's: `${AWS::Partition}` here.
fn logs(s: &mut Sam, e: &Event) -> Result<(), String> {
    let group = e.required("LogGroupName")?;
    let pattern = e.required("FilterPattern")?;
    let arn = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:\
        ${__LogGroupName__}:*";
    let source = json!({"Fn::Sub": [arn, {"__LogGroupName__": group}]});
    e.permit(s, "logs.amazonaws.com", json!({"SourceArn": source}));
    let mut filter = object(json!({"LogGroupName": group, "FilterPattern": pattern}));
    filter.insert("DestinationArn".into(), e.arn.clone());
    s.add(e.id.clone(), "AWS::Logs::SubscriptionFilter", filter);
    if let Some((_, made)) = s.made.last_mut() {
        made["DependsOn"] = json!([format!("{}Permission", e.id)]);
    }
    Ok(())
}

/// IoTRule → the topic rule `<Function><Event>` whose action invokes the function, and IoT's
/// permission to invoke it from the rule of the account (push.py, `IoTRule.to_cloudformation`,
/// `_construct_iot_rule`); the partition as in [`logs`].
fn iot(s: &mut Sam, e: &Event) -> Result<(), String> {
    let mut payload = e.pick("AwsIotSqlVersion");
    let action = json!({"Lambda": {"FunctionArn": e.arn}});
    let more = json!({"Sql": e.required("Sql")?, "RuleDisabled": false, "Actions": [action]});
    payload.extend(object(more));
    let arn = "arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${RuleName}";
    let source = json!({"Fn::Sub": [arn, {"RuleName": {"Ref": e.id}}]});
    let account = json!({"Fn::Sub": "${AWS::AccountId}"});
    let with = json!({"SourceArn": source, "SourceAccount": account});
    e.permit(s, "iot.amazonaws.com", with);
    let rule = object(json!({"TopicRulePayload": payload}));
    s.add(e.id.clone(), "AWS::IoT::TopicRule", rule);
    Ok(())
}

/// Cognito → Cognito's permission to invoke the function from the user pool,
/// `<Function>CognitoPermission` (one for all the function's Cognito events) (push.py,
/// `Cognito.to_cloudformation`); [`link`] has made the function the pool's triggers, which SAM
/// requires to be in the template (`Cognito.resources_to_link`).
fn cognito(s: &mut Sam, e: &Event) -> Result<(), String> {
    let resources = s.resources;
    let elsewhere =
        || e.error("Cognito events must reference a Cognito UserPool in the same template");
    let (pool, r) = in_template(resources, &e.p, "UserPool").ok_or_else(elsewhere)?;
    let config = r.pointer("/Properties/LambdaConfig");
    for trigger in listed(&e.required("Trigger")?) {
        let set = config.and_then(|c| c.get(trigger.as_str()?));
        if set != Some(&e.arn) {
            let at = format!("{pool}'s LambdaConfig");
            let taken = format!("Cognito trigger {trigger} is set twice (or {at} is not a map)");
            return Err(e.error(&taken));
        }
    }
    let with = json!({"SourceArn": {"Fn::GetAtt": [pool, "Arn"]}});
    let perm = permission(e.target, "cognito-idp.amazonaws.com", with);
    let id = format!("{}CognitoPermission", s.id);
    s.add(id, PERMISSION, perm);
    Ok(())
}

/// AlexaSkill → the Alexa Skills Kit's permission to invoke the function, for the skill
/// `SkillId` names (its `EventSourceToken`) or, without it, any skill (push.py,
/// `AlexaSkill.to_cloudformation`).
fn alexa(s: &mut Sam, e: &Event) {
    let with = Value::Object(e.pick("SkillId>EventSourceToken"));
    e.permit(s, "alexa-appkit.amazon.com", with);
}

/// A value or list of values (S3's `Events`, Cognito's `Trigger`) as a list.
fn listed(v: &Value) -> Vec<Value> {
    match v {
        Value::Array(items) => items.clone(),
        v => vec![v.clone()],
    }
}

/// An S3 or Cognito event of a function, for [`link`].
struct Link {
    /// The logical id of the bucket or user pool the event names.
    to: String,
    /// The function's logical id.
    function: String,
    /// The function's `Condition`.
    condition: Option<Value>,
    /// `<Function><Event>Permission`.
    permission: String,
    /// The event's properties.
    p: Props,
    /// An S3 event (else a Cognito one).
    s3: bool,
}

/// Before expanding (the template's resources can still be changed), the edits SAM makes in
/// place: the function of each S3 event in its bucket's notifications, and that of each
/// Cognito event as its user pool's triggers. What cannot be edited (no such resource, not a
/// map) is left as is, and the expansion reports it.
pub(super) fn link(resources: &mut Props) {
    let mut links = Vec::new();
    for (id, r) in resources.iter() {
        if r.get("Type").and_then(Value::as_str) != Some("AWS::Serverless::Function") {
            continue;
        }
        let Some(events) = r.pointer("/Properties/Events").and_then(Value::as_object) else {
            continue;
        };
        for (name, e) in events {
            let (ty, p) = (e.get("Type").and_then(Value::as_str), e.get("Properties"));
            let (s3, key) = match ty {
                Some("S3") => (true, "Bucket"),
                Some("Cognito") => (false, "UserPool"),
                _ => continue,
            };
            let Some(p) = p.and_then(Value::as_object) else {
                continue;
            };
            let Some(to) = p.get(key).and_then(|b| b.get("Ref")?.as_str()) else {
                continue;
            };
            links.push(Link {
                to: to.to_string(),
                function: id.clone(),
                condition: r.get("Condition").cloned(),
                permission: format!("{id}{name}Permission"),
                p: p.clone(),
                s3,
            });
        }
    }
    for l in &links {
        let Some(r) = resources.get_mut(&l.to) else {
            continue;
        };
        match l.s3 {
            true => notify(r, l),
            false => trigger(r, l),
        };
    }
}

/// A map under `key` of `o`, made when missing; `None` when it is something else.
fn map_at<'o>(o: &'o mut Props, key: &str) -> Option<&'o mut Props> {
    let v = o.entry(key).or_insert_with(|| json!({})).as_object_mut()?;
    (!is_fn(v)).then_some(v)
}

/// The function in the bucket's `NotificationConfiguration.LambdaConfigurations`, once for
/// each of the event's `Events` (under the function's condition), and the bucket made to wait
/// for the permission: `DependsOn` it or, when the function has a condition, a tag that refers
/// to it (push.py, `S3._inject_notification_configuration`, `_depend_on_lambda_permissions`,
/// `_depend_on_lambda_permissions_using_tag`).
fn notify(bucket: &mut Value, l: &Link) -> Option<()> {
    let arn = json!({"Fn::GetAtt": [l.function, "Arn"]});
    let mut entry = object(json!({"Function": arn}));
    copy(&l.p, &mut entry, "Filter");
    let events = listed(l.p.get("Events")?);
    let b = bucket.as_object_mut()?;
    let props = map_at(b, "Properties")?;
    let list = map_at(props, "NotificationConfiguration")?
        .entry("LambdaConfigurations")
        .or_insert_with(|| json!([]))
        .as_array_mut()?;
    for event in events {
        let mut entry = entry.clone();
        entry.insert("Event".into(), event);
        let entry = match &l.condition {
            Some(c) => json!({"Fn::If": [c, entry, {"Ref": "AWS::NoValue"}]}),
            None => Value::Object(entry),
        };
        if !list.contains(&entry) {
            list.push(entry);
        }
    }
    let permission = json!(l.permission);
    if let Some(c) = &l.condition {
        let value = json!({"Fn::If": [c, {"Ref": l.permission}, "no dependency"]});
        let key = format!("sam:ConditionalDependsOn:{}", l.permission);
        let tags = props.entry("Tags").or_insert_with(|| json!([]));
        tags.as_array_mut()?
            .push(json!({"Key": key, "Value": value}));
        return Some(());
    }
    let mut after = match b.get("DependsOn") {
        Some(Value::Array(ids)) => ids.clone(),
        Some(id) => vec![id.clone()],
        None => Vec::new(),
    };
    if !after.contains(&permission) {
        after.push(permission);
    }
    b.insert("DependsOn".into(), Value::Array(after));
    Some(())
}

/// The function as each of the event's `Trigger`s in the user pool's `LambdaConfig`, unless
/// the trigger is taken (push.py, `Cognito._inject_lambda_config`, which rejects that).
fn trigger(pool: &mut Value, l: &Link) -> Option<()> {
    let arn = json!({"Fn::GetAtt": [l.function, "Arn"]});
    let triggers = listed(l.p.get("Trigger")?);
    let props = map_at(pool.as_object_mut()?, "Properties")?;
    let config = map_at(props, "LambdaConfig")?;
    for t in triggers {
        config.entry(t.as_str()?).or_insert_with(|| arn.clone());
    }
    Some(())
}

#[cfg(test)]
#[path = "sam_events_tests.rs"]
mod tests;
