//! The resources each function event type expands into, the permissions joined into the
//! function's resource policy, and the bundled rules' verdict on them.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::iac::cfn::documents::testing::{build_text, config};
use crate::iac::cfn::load::Template;
use crate::iac::cfn::sam::expand;
use crate::iac::cfn::sam::tests::{expanded, res, template};

/// A function with one event of each push type this module expands (and a bucket, topic and
/// user pool for them).
const EVENTS: &str = r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Topic:
    Type: AWS::SNS::Topic
  Uploads:
    Type: AWS::S3::Bucket
    DependsOn: Topic
    Properties:
      NotificationConfiguration:
        TopicConfigurations: [{Event: "s3:ObjectRestore:*", Topic: !Ref Topic}]
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {UserPoolName: users}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://b/k
      Handler: a.b
      Runtime: python3.12
      Events:
        Upload:
          Type: S3
          Properties:
            Bucket: !Ref Uploads
            Events: ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]
            Filter: {S3Key: {Rules: [{Name: prefix, Value: in/}]}}
        Note:
          Type: SNS
          Properties: {Topic: !Ref Topic, FilterPolicy: {kind: [a]}, Region: eu-west-1}
        Nightly:
          Type: Schedule
          Properties: {Schedule: rate(1 day), Enabled: false, Input: '{"a": 1}', Description: nightly}
        Change:
          Type: EventBridgeRule
          Properties:
            Pattern: {source: [aws.ec2]}
            State: ENABLED
            RuleName: changes
            Target: {Id: first}
            DeadLetterConfig: {Type: SQS}
        Old:
          Type: CloudWatchEvent
          Properties: {Pattern: {source: [aws.s3]}, InputPath: $.detail}
        Tick:
          Type: ScheduleV2
          Properties:
            ScheduleExpression: rate(5 minutes)
            DeadLetterConfig: {Arn: "arn:aws:sqs:eu-west-1:111122223333:dlq"}
            PermissionsBoundary: "arn:aws:iam::111122223333:policy/boundary"
        Logs:
          Type: CloudWatchLogs
          Properties: {LogGroupName: /app/log, FilterPattern: ERROR}
        Things:
          Type: IoTRule
          Properties: {Sql: "SELECT * FROM 'sensors'", AwsIotSqlVersion: "2016-03-23"}
        SignUp:
          Type: Cognito
          Properties: {UserPool: !Ref Pool, Trigger: [PreSignUp, PostConfirmation]}
        Skill:
          Type: AlexaSkill
          Properties: {SkillId: amzn1.ask.skill.1}
"#;

/// The properties of the resource `id`.
fn props<'t>(t: &'t Template, id: &str) -> &'t Value {
    &res(t, id)["Properties"]
}

/// `{"Fn::GetAtt": [id, "Arn"]}`.
fn arn(id: &str) -> Value {
    json!({"Fn::GetAtt": [id, "Arn"]})
}

/// Asserts that `id` is a permission for `principal` to invoke `Fn`, on the conditions of
/// `with`.
fn assert_permission(t: &Template, id: &str, principal: &str, with: Value) {
    assert_eq!(res(t, id)["Type"], "AWS::Lambda::Permission");
    let mut p = json!({"Action": "lambda:InvokeFunction", "FunctionName": {"Ref": "Fn"},
        "Principal": principal});
    p.as_object_mut()
        .unwrap()
        .extend(with.as_object().unwrap().clone());
    assert_eq!(*props(t, id), p, "{id}");
}

/// The errors of expanding `text`.
fn errors(text: &str) -> Vec<String> {
    expand(&mut template(text))
}

#[test]
fn s3_events_permit_s3_and_notify_the_function_from_the_bucket() {
    let t = expanded(EVENTS);
    let with = json!({"SourceAccount": {"Ref": "AWS::AccountId"}});
    assert_permission(&t, "FnUploadPermission", "s3.amazonaws.com", with);
    let bucket = res(&t, "Uploads");
    let filter = json!({"S3Key": {"Rules": [{"Name": "prefix", "Value": "in/"}]}});
    let entry = |event: &str| json!({"Event": event, "Function": arn("Fn"), "Filter": filter});
    assert_eq!(
        bucket["Properties"]["NotificationConfiguration"],
        json!({
            "TopicConfigurations": [{"Event": "s3:ObjectRestore:*", "Topic": {"Ref": "Topic"}}],
            "LambdaConfigurations": [entry("s3:ObjectCreated:*"), entry("s3:ObjectRemoved:*")],
        })
    );
    assert_eq!(bucket["DependsOn"], json!(["Topic", "FnUploadPermission"]));
    assert_eq!(bucket["Type"], "AWS::S3::Bucket");
    assert!(
        !t.derived.contains_key("Uploads"),
        "the bucket stays at its own line"
    );
    assert_eq!(t.derived["FnUploadPermission"], "Fn");
}

#[test]
fn a_conditional_function_is_notified_under_its_condition() {
    let t = expanded(
        r#"
Transform: AWS::Serverless-2016-10-31
Conditions:
  On: !Equals [a, a]
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Fn:
    Type: AWS::Serverless::Function
    Condition: On
    Properties:
      CodeUri: s3://b/k
      Handler: a.b
      Runtime: python3.12
      Events:
        Upload:
          Type: S3
          Properties: {Bucket: !Ref Uploads, Events: "s3:ObjectCreated:*"}
"#,
    );
    let entry = json!({"Event": "s3:ObjectCreated:*", "Function": arn("Fn")});
    let bucket = props(&t, "Uploads");
    assert_eq!(
        bucket["NotificationConfiguration"]["LambdaConfigurations"],
        json!([{"Fn::If": ["On", entry, {"Ref": "AWS::NoValue"}]}])
    );
    let depends = json!({"Fn::If": ["On", {"Ref": "FnUploadPermission"}, "no dependency"]});
    assert_eq!(
        bucket["Tags"],
        json!([{"Key": "sam:ConditionalDependsOn:FnUploadPermission", "Value": depends}])
    );
    assert!(res(&t, "Uploads").get("DependsOn").is_none());
    assert_eq!(res(&t, "FnUploadPermission")["Condition"], "On");
}

#[test]
fn sns_events_subscribe_the_function_and_permit_the_topic() {
    let t = expanded(EVENTS);
    assert_eq!(res(&t, "FnNote")["Type"], "AWS::SNS::Subscription");
    assert_eq!(
        *props(&t, "FnNote"),
        json!({"Protocol": "lambda", "Endpoint": arn("Fn"), "TopicArn": {"Ref": "Topic"},
            "FilterPolicy": {"kind": ["a"]}, "Region": "eu-west-1"})
    );
    let with = json!({"SourceArn": {"Ref": "Topic"}});
    assert_permission(&t, "FnNotePermission", "sns.amazonaws.com", with);
}

#[test]
fn schedule_and_event_rules_target_the_function_and_permit_eventbridge() {
    let t = expanded(EVENTS);
    assert_eq!(res(&t, "FnNightly")["Type"], "AWS::Events::Rule");
    let target = json!({"Arn": arn("Fn"), "Id": "FnNightlyLambdaTarget", "Input": "{\"a\": 1}"});
    assert_eq!(
        *props(&t, "FnNightly"),
        json!({"ScheduleExpression": "rate(1 day)", "State": "DISABLED",
            "Description": "nightly", "Targets": [target]})
    );
    let queue = arn("FnChangeQueue");
    let target = json!({"Arn": arn("Fn"), "Id": "first", "DeadLetterConfig": {"Arn": queue}});
    assert_eq!(
        *props(&t, "FnChange"),
        json!({"EventPattern": {"source": ["aws.ec2"]}, "Name": "changes", "State": "ENABLED",
            "Targets": [target]})
    );
    assert_eq!(res(&t, "FnChangeQueue")["Type"], "AWS::SQS::Queue");
    let policy = props(&t, "FnChangeQueuePolicy");
    assert_eq!(policy["Queues"], json!([{"Ref": "FnChangeQueue"}]));
    let statement = &policy["PolicyDocument"]["Statement"][0];
    assert_eq!(
        statement["Principal"],
        json!({"Service": "events.amazonaws.com"})
    );
    assert_eq!(
        statement["Condition"],
        json!({"ArnEquals": {"aws:SourceArn": arn("FnChange")}})
    );
    let target = json!({"Arn": arn("Fn"), "Id": "FnOldLambdaTarget", "InputPath": "$.detail"});
    assert_eq!(
        *props(&t, "FnOld"),
        json!({"EventPattern": {"source": ["aws.s3"]}, "Targets": [target]})
    );
    for rule in ["FnNightly", "FnChange", "FnOld"] {
        let (id, with) = (format!("{rule}Permission"), json!({"SourceArn": arn(rule)}));
        assert_permission(&t, &id, "events.amazonaws.com", with);
    }
}

#[test]
fn schedule_v2_makes_a_scheduler_schedule_and_its_role() {
    let t = expanded(EVENTS);
    assert_eq!(res(&t, "FnTick")["Type"], "AWS::Scheduler::Schedule");
    let dlq = "arn:aws:sqs:eu-west-1:111122223333:dlq";
    assert_eq!(
        *props(&t, "FnTick"),
        json!({"ScheduleExpression": "rate(5 minutes)", "Name": "FnTick",
            "FlexibleTimeWindow": {"Mode": "OFF"},
            "Target": {"Arn": arn("Fn"), "RoleArn": arn("FnTickRole"),
                "DeadLetterConfig": {"Arn": dlq}}})
    );
    let role = props(&t, "FnTickRole");
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": ["scheduler.amazonaws.com"]})
    );
    assert_eq!(
        role["PermissionsBoundary"],
        "arn:aws:iam::111122223333:policy/boundary"
    );
    let invoke =
        json!({"Action": "lambda:InvokeFunction", "Effect": "Allow", "Resource": arn("Fn")});
    let send = json!({"Action": "sqs:SendMessage", "Effect": "Allow", "Resource": dlq});
    assert_eq!(
        role["Policies"],
        json!([
            {"PolicyName": "FnTickLambdaPolicy", "PolicyDocument": {"Statement": [invoke]}},
            {"PolicyName": "FnTickSQSPolicy", "PolicyDocument": {"Statement": [send]}},
        ])
    );
    assert!(t.body["Resources"].get("FnTickPermission").is_none());
    assert_eq!(t.derived["FnTickRole"], "Fn");
}

#[test]
fn logs_iot_cognito_and_alexa_events_make_their_resources_and_permissions() {
    let t = expanded(EVENTS);
    assert_eq!(res(&t, "FnLogs")["Type"], "AWS::Logs::SubscriptionFilter");
    assert_eq!(res(&t, "FnLogs")["DependsOn"], json!(["FnLogsPermission"]));
    assert_eq!(
        *props(&t, "FnLogs"),
        json!({"LogGroupName": "/app/log", "FilterPattern": "ERROR", "DestinationArn": arn("Fn")})
    );
    let group = "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${__LogGroupName__}:*";
    let with = json!({"SourceArn": {"Fn::Sub": [group, {"__LogGroupName__": "/app/log"}]}});
    assert_permission(&t, "FnLogsPermission", "logs.amazonaws.com", with);
    assert_eq!(res(&t, "FnThings")["Type"], "AWS::IoT::TopicRule");
    assert_eq!(
        props(&t, "FnThings")["TopicRulePayload"],
        json!({"Sql": "SELECT * FROM 'sensors'", "AwsIotSqlVersion": "2016-03-23",
            "RuleDisabled": false, "Actions": [{"Lambda": {"FunctionArn": arn("Fn")}}]})
    );
    let rule = "arn:${AWS::Partition}:iot:${AWS::Region}:${AWS::AccountId}:rule/${RuleName}";
    let with = json!({"SourceArn": {"Fn::Sub": [rule, {"RuleName": {"Ref": "FnThings"}}]},
        "SourceAccount": {"Fn::Sub": "${AWS::AccountId}"}});
    assert_permission(&t, "FnThingsPermission", "iot.amazonaws.com", with);
    assert_eq!(
        props(&t, "Pool")["LambdaConfig"],
        json!({"PreSignUp": arn("Fn"), "PostConfirmation": arn("Fn")})
    );
    assert_eq!(props(&t, "Pool")["UserPoolName"], "users");
    let with = json!({"SourceArn": arn("Pool")});
    assert_permission(&t, "FnCognitoPermission", "cognito-idp.amazonaws.com", with);
    let with = json!({"EventSourceToken": "amzn1.ask.skill.1"});
    assert_permission(&t, "FnSkillPermission", "alexa-appkit.amazon.com", with);
}

#[test]
fn the_permissions_join_the_function_resource_policy() {
    let t = expanded(EVENTS);
    let d = build_text(&t.body.to_string());
    let policy = &config(&d, "Fn")["Policy"];
    let statements = policy["Statement"].as_array().unwrap();
    let sid = |s: &&Value| s["Sid"].as_str().unwrap_or_default().to_string();
    let of = |id: &str| statements.iter().find(|s| sid(s) == id).unwrap();
    let sids: Vec<String> = statements.iter().map(|s| sid(&s)).collect();
    assert_eq!(
        sids,
        [
            "FnChangePermission",
            "FnCognitoPermission",
            "FnLogsPermission",
            "FnNightlyPermission",
            "FnNotePermission",
            "FnOldPermission",
            "FnSkillPermission",
            "FnThingsPermission",
            "FnUploadPermission",
        ]
    );
    assert_eq!(
        *of("FnUploadPermission"),
        json!({"Sid": "FnUploadPermission", "Effect": "Allow", "Action": "lambda:InvokeFunction",
            "Principal": {"Service": "s3.amazonaws.com"}, "Resource": "${Fn.Arn}",
            "Condition": {"StringEquals": {"AWS:SourceAccount": "${AWS::AccountId}"}}})
    );
    let source = |id: &str| of(id)["Condition"]["ArnLike"]["AWS:SourceArn"].clone();
    assert_eq!(source("FnNotePermission"), "${Topic}");
    assert_eq!(source("FnNightlyPermission"), "${FnNightly.Arn}");
    assert_eq!(source("FnCognitoPermission"), "${Pool.Arn}");
    assert_eq!(
        source("FnLogsPermission"),
        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/app/log:*"
    );
    assert_eq!(
        of("FnThingsPermission")["Principal"],
        json!({"Service": "iot.amazonaws.com"})
    );
    assert_eq!(
        of("FnSkillPermission")["Condition"],
        json!({"StringEquals": {"lambda:EventSourceToken": "(redacted by vigil)"}})
    );
}

#[test]
fn the_public_policy_rule_passes_the_service_permissions() {
    let open = r#"
  Open:
    Type: AWS::Lambda::Function
    Properties:
      Code: {ZipFile: x}
      Handler: a.b
      Runtime: python3.12
      Role: arn:aws:iam::111122223333:role/r
  OpenPermission:
    Type: AWS::Lambda::Permission
    Properties: {Action: "lambda:InvokeFunction", FunctionName: !Ref Open, Principal: "*"}
"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("template.yaml");
    std::fs::write(&path, format!("{EVENTS}{open}")).unwrap();
    let loaded = crate::iac::cfn::load(&[path], &BTreeMap::new());
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let rules = crate::policy::RuleSet::load(&[crate::policy::RuleSource::Bundled]).unwrap();
    let checked = crate::iac::check(&rules, Default::default(), loaded, chrono::Utc::now());
    let v = &checked.verdicts;
    let rule = "LAMBDA-AWS-001";
    let failed: Vec<&str> = v
        .fail
        .iter()
        .filter(|f| f.rule_id == rule)
        .map(|f| f.resource_id.rsplit('#').next().unwrap_or_default())
        .collect();
    assert_eq!(
        failed,
        ["Open"],
        "the public permission fails, the service ones do not"
    );
    assert!(!v.unknown.iter().any(|u| u.result.rule_id == rule));
    assert_eq!((v.per_rule[rule].pass, v.per_rule[rule].fail), (1, 1));
}

#[test]
fn sns_through_a_queue_makes_nothing_and_long_ids_are_cut_for_targets() {
    let t = expanded(
        r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  FunctionWithAVeryLongLogicalIdThatGoesOnAndOnAndOn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://b/k
      Handler: a.b
      Runtime: python3.12
      Events:
        Queued:
          Type: SNS
          Properties: {Topic: "arn:aws:sns:eu-west-1:111122223333:t", SqsSubscription: true}
        EveryDayOfTheWeek:
          Type: Schedule
          Properties: {Schedule: rate(1 day), State: DISABLED}
"#,
    );
    let id = "FunctionWithAVeryLongLogicalIdThatGoesOnAndOnAndOn";
    let mut made: Vec<&String> = t.body["Resources"].as_object().unwrap().keys().collect();
    made.sort();
    let rule = format!("{id}EveryDayOfTheWeek");
    let permission = format!("{rule}Permission");
    let role = format!("{id}Role");
    assert_eq!(made, [id, &rule, &permission, &role]);
    let target = &props(&t, &rule)["Targets"][0]["Id"];
    assert_eq!(
        *target,
        "FunctionWithAVeryLongLogicalIdThatGoesOnAndOnAndOnEvLambdaTarget"
    );
    assert_eq!(target.as_str().unwrap().len(), 64);
    assert_eq!(props(&t, &rule)["State"], "DISABLED");
}

#[test]
fn what_the_translator_rejects_is_reported() {
    let function = |events: &str| {
        format!(
            r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties: {{LambdaConfig: {{PreSignUp: arn:aws:lambda:eu-west-1:111122223333:function:f}}}}
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://b/k
      Handler: a.b
      Runtime: python3.12
      Events:
        E: {events}
"#
        )
    };
    let cases = [
        (
            r#"{Type: S3, Properties: {Bucket: elsewhere, Events: "s3:ObjectCreated:*"}}"#,
            "event E: S3 events must reference an S3 bucket in the same template",
        ),
        (
            "{Type: Schedule, Properties: {Schedule: rate(1 day), State: ENABLED, Enabled: true}}",
            "event E: State and Enabled Properties cannot both be specified.",
        ),
        (
            "{Type: ScheduleV2, Properties: {ScheduleExpression: rate(1 day), OmitName: true, Name: n}}",
            "event E: Name cannot be set when OmitName is True",
        ),
        (
            "{Type: Cognito, Properties: {UserPool: !Ref Pool, Trigger: PreSignUp}}",
            "event E: Cognito trigger \"PreSignUp\" is set twice (or Pool's LambdaConfig is not a map)",
        ),
        (
            "{Type: CloudWatchLogs, Properties: {LogGroupName: g}}",
            "event E: missing required property 'FilterPattern'",
        ),
        (
            "{Type: EventBridgeRule, Properties: {Pattern: {}, DeadLetterConfig: {Type: SNS}}}",
            "event E: The only valid value for 'Type' property of DeadLetterConfig is 'SQS'.",
        ),
    ];
    for (event, error) in cases {
        assert_eq!(
            errors(&function(event)),
            [format!("t.yaml:7: Fn: {error}")],
            "{event}"
        );
    }
}
