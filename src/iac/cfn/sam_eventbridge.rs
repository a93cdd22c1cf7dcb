//! A function's EventBridge events (part of sam_events.rs): Schedule, CloudWatchEvent and
//! EventBridgeRule → an EventBridge rule and EventBridge's permission to invoke the function;
//! ScheduleV2 → an EventBridge Scheduler schedule and the role it invokes the function with.

use serde_json::{json, Map, Value};

use super::{copy, insert_some, object, Event, Sam};

/// An EventBridge target id's most characters (events.py, `_EVENT_RULE_TARGET_ID_MAX_LENGTH`).
const TARGET_ID_MAX: usize = 64;

/// Schedule, CloudWatchEvent, EventBridgeRule → the EventBridge rule `<Function><Event>` that
/// targets the function, and EventBridge's permission to invoke it from the rule (push.py,
/// `Schedule.to_cloudformation`, `CloudWatchEvent.to_cloudformation` and their
/// `_construct_target`; `EventBridgeRule` is a `CloudWatchEvent`).
pub(super) fn rule(s: &mut Sam, e: &Event, ty: &str) -> Result<(), String> {
    let schedule = ty == "Schedule";
    let mut rule = match schedule {
        true => e.pick("Name Description"),
        false => e.pick("EventBusName Pattern>EventPattern RuleName>Name"),
    };
    if schedule {
        rule.insert("ScheduleExpression".into(), e.required("Schedule")?);
    }
    insert_some(&mut rule, "State", state(e)?);
    let rule_arn = json!({"Fn::GetAtt": [e.id, "Arn"]});
    let queue = dead_letter(s, e, Some(&rule_arn))?;
    let given = e
        .get("Target")
        .and_then(|t| t.get("Id"))
        .filter(|_| !schedule);
    let id = given.cloned().unwrap_or_else(|| json!(target_id(&e.id)));
    let mut target = object(json!({"Arn": e.arn, "Id": id}));
    let keys = match schedule {
        true => "Input RetryPolicy",
        false => "Input InputPath RetryPolicy InputTransformer",
    };
    copy(&e.p, &mut target, keys);
    insert_some(
        &mut target,
        "DeadLetterConfig",
        queue.map(|q| json!({"Arn": q})),
    );
    rule.insert("Targets".into(), json!([target]));
    s.add(e.id.clone(), "AWS::Events::Rule", rule);
    e.permit(s, "events.amazonaws.com", json!({"SourceArn": rule_arn}));
    Ok(())
}

/// A rule's `State`: as given, or from `Enabled` (push.py, `Schedule.to_cloudformation`).
fn state(e: &Event) -> Result<Option<Value>, String> {
    match (e.get("State"), e.get("Enabled")) {
        (Some(_), Some(_)) => {
            Err(e.error("State and Enabled Properties cannot both be specified."))
        }
        (Some(state), None) => Ok(Some(state.clone())),
        (None, Some(Value::Bool(on))) => Ok(Some(json!(if *on { "ENABLED" } else { "DISABLED" }))),
        (None, Some(_)) => Err(e.error("'Enabled' must be true or false")),
        (None, None) => Ok(None),
    }
}

/// `<Function><Event>LambdaTarget`, cut to the 64 characters a target id may have (events.py,
/// `generate_valid_target_id`).
fn target_id(id: &str) -> String {
    let suffix = "LambdaTarget";
    let kept: String = id.chars().take(TARGET_ID_MAX - suffix.len()).collect();
    format!("{kept}{suffix}")
}

/// The dead-letter queue of a rule or schedule: the ARN `DeadLetterConfig` gives, or that of
/// the queue `<Function><Event>Queue` (or `QueueLogicalId`) made for `Type: SQS`, with, for a
/// rule (`rule` its ARN), the queue policy `<Function><Event>QueuePolicy` letting EventBridge
/// send to it (eventbridge_utils.py, `EventBridgeRuleUtils`; scheduler.py,
/// `_get_dlq_queue_arn_and_resources`, which makes no policy).
fn dead_letter(s: &mut Sam, e: &Event, rule: Option<&Value>) -> Result<Option<Value>, String> {
    let Some(d) = e.get("DeadLetterConfig") else {
        return Ok(None);
    };
    match (d.get("Arn"), d.get("Type").and_then(Value::as_str)) {
        (Some(_), Some(_)) => {
            let both = "You can either define 'Arn' or 'Type' property of DeadLetterConfig.";
            return Err(e.error(both));
        }
        (Some(arn), None) => return Ok(Some(arn.clone())),
        (None, Some("SQS")) => {}
        (None, Some(_)) => {
            let only = "The only valid value for 'Type' property of DeadLetterConfig is 'SQS'.";
            return Err(e.error(only));
        }
        (None, None) => {
            let none = "No 'Arn' or 'Type' property provided for DeadLetterConfig.";
            return Err(e.error(none));
        }
    }
    let queue = match d.get("QueueLogicalId") {
        None => format!("{}Queue", e.id),
        Some(Value::String(q)) => q.clone(),
        Some(_) => return Err(e.error("QueueLogicalId must be a string")),
    };
    let queue_arn = json!({"Fn::GetAtt": [queue, "Arn"]});
    s.add(queue.clone(), "AWS::SQS::Queue", Map::new());
    if let Some(rule) = rule {
        let statement = json!({"Action": "sqs:SendMessage", "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"}, "Resource": queue_arn,
            "Condition": {"ArnEquals": {"aws:SourceArn": rule}}});
        let document = json!({"Version": "2012-10-17", "Statement": [statement]});
        let policy = json!({"PolicyDocument": document, "Queues": [{"Ref": queue}]});
        let id = format!("{}QueuePolicy", e.id);
        s.add(id, "AWS::SQS::QueuePolicy", object(policy));
    }
    Ok(Some(queue_arn))
}

/// ScheduleV2 → the EventBridge Scheduler schedule `<Function><Event>` (named after itself
/// unless `OmitName`) and, without `RoleArn`, the role `<Function><Event>Role` it invokes the
/// function with (scheduler.py, `SchedulerEventSource.to_cloudformation`). No permission: the
/// scheduler calls the function with the role.
pub(super) fn schedule_v2(s: &mut Sam, e: &Event) -> Result<(), String> {
    let mut schedule = e
        .pick("State Description StartDate EndDate ScheduleExpressionTimezone GroupName KmsKeyArn");
    schedule.insert(
        "ScheduleExpression".into(),
        e.required("ScheduleExpression")?,
    );
    match (e.get("OmitName") == Some(&json!(true)), e.get("Name")) {
        (true, Some(_)) => return Err(e.error("Name cannot be set when OmitName is True")),
        (true, None) => {}
        (false, name) => {
            schedule.insert("Name".into(), name.cloned().unwrap_or(json!(e.id)));
        }
    }
    let window = e.get("FlexibleTimeWindow").filter(|w| w != &&json!({}));
    let window = window.cloned().unwrap_or(json!({"Mode": "OFF"}));
    schedule.insert("FlexibleTimeWindow".into(), window);
    let queue = dead_letter(s, e, None)?;
    let role = match e.get("RoleArn") {
        Some(arn) => arn.clone(),
        None => scheduler_role(s, e, queue.as_ref()),
    };
    let mut target = object(json!({"Arn": e.arn, "RoleArn": role}));
    copy(&e.p, &mut target, "Input RetryPolicy");
    insert_some(
        &mut target,
        "DeadLetterConfig",
        queue.map(|q| json!({"Arn": q})),
    );
    schedule.insert("Target".into(), Value::Object(target));
    s.add(e.id.clone(), "AWS::Scheduler::Schedule", schedule);
    Ok(())
}

/// The role `<Function><Event>Role` a schedule invokes the function with (and sends to its
/// dead-letter `queue` with); returns its ARN (scheduler.py, `_construct_execution_role`;
/// iam.py, `IAMRolePolicies.scheduler_assume_role_policy`,
/// `lambda_invoke_function_role_policy`, `sqs_send_message_role_policy`).
fn scheduler_role(s: &mut Sam, e: &Event, queue: Option<&Value>) -> Value {
    let policy = |suffix: &str, action: &str, resource: &Value| {
        let statement = json!({"Action": action, "Effect": "Allow", "Resource": resource});
        let document = json!({"Statement": [statement]});
        json!({"PolicyName": format!("{}{suffix}", e.id), "PolicyDocument": document})
    };
    let mut policies = vec![policy("LambdaPolicy", "lambda:InvokeFunction", &e.arn)];
    policies.extend(queue.map(|q| policy("SQSPolicy", "sqs:SendMessage", q)));
    let principal = json!({"Service": ["scheduler.amazonaws.com"]});
    let statement = json!({"Action": ["sts:AssumeRole"], "Effect": "Allow",
        "Principal": principal});
    let trust = json!({"Version": "2012-10-17", "Statement": [statement]});
    let mut role = e.pick("PermissionsBoundary");
    role.extend(object(
        json!({"AssumeRolePolicyDocument": trust, "Policies": policies}),
    ));
    let id = format!("{}Role", e.id);
    s.add(&id, "AWS::IAM::Role", role);
    json!({"Fn::GetAtt": [id, "Arn"]})
}
