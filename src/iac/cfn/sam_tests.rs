use serde_json::json;

use super::*;
use crate::iac::cfn::load::{parse, Read};
use crate::iac::cfn::resolve::{evaluate, unknown_reason};

/// The template `text` reads as (not expanded).
pub(super) fn template(text: &str) -> Template {
    match parse("t.yaml", text).unwrap() {
        Read::Template(t) => *t,
        Read::Other => panic!("not a template"),
    }
}

/// The template expanded, which must expand without errors.
pub(super) fn expanded(text: &str) -> Template {
    let mut t = template(text);
    let errors = expand(&mut t);
    assert!(errors.is_empty(), "{errors:?}");
    t
}

/// The resource `id` of the expanded template.
pub(super) fn res<'t>(t: &'t Template, id: &str) -> &'t Value {
    t.body["Resources"]
        .get(id)
        .unwrap_or_else(|| panic!("no {id} in {}", t.body["Resources"]))
}

const FUNCTIONS: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Parameters:
  Stage: {Type: String, Default: dev}
Globals:
  Function:
    Runtime: python3.12
    Timeout: 10
    Environment:
      Variables: {LOG_LEVEL: info, STAGE: !Ref Stage}
    Tags: {team: core}
Resources:
  Queue:
    Type: AWS::SQS::Queue
  Worker:
    Type: AWS::Serverless::Function
    Condition: IsProd
    Properties:
      CodeUri: s3://artifacts/worker.zip?versionId=7
      Handler: app.handler
      Timeout: 30
      Tracing: Active
      KmsKeyArn: !Sub "arn:aws:kms:${AWS::Region}:111122223333:key/k"
      DeadLetterQueue: {Type: SQS, TargetArn: !GetAtt Queue.Arn}
      Environment:
        Variables: {LOG_LEVEL: debug}
      Tags: {owner: ops}
      Policies:
        - AmazonS3ReadOnlyAccess
        - arn:aws:iam::111122223333:policy/custom
        - Version: "2012-10-17"
          Statement: [{Effect: Allow, Action: "s3:GetObject", Resource: "*"}]
        - SQSPollerPolicy: {QueueName: !GetAtt Queue.QueueName}
      Events:
        Jobs:
          Type: SQS
          Properties: {Queue: !GetAtt Queue.Arn, BatchSize: 5}
  Given:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: "def handler(e, c): return 1"
      Handler: index.handler
      Role: !GetAtt Existing.Arn
      Policies: [AdministratorAccess]
      FunctionUrlConfig: {AuthType: NONE, Cors: {AllowOrigins: ["*"]}}
  Existing:
    Type: AWS::IAM::Role
    Properties: {AssumeRolePolicyDocument: {}}
Conditions:
  IsProd: !Equals [!Ref Stage, prod]
"#;

#[test]
fn functions_become_lambda_functions_with_their_roles_and_globals() {
    let t = expanded(FUNCTIONS);
    assert!(t.body.get("Globals").is_none());
    let w = res(&t, "Worker");
    assert_eq!(w["Type"], "AWS::Lambda::Function");
    assert_eq!(w["Condition"], "IsProd");
    let p = &w["Properties"];
    assert_eq!(p["Runtime"], "python3.12", "from Globals");
    assert_eq!(p["Timeout"], 30, "the function's own value wins");
    assert_eq!(
        p["Environment"]["Variables"],
        json!({"LOG_LEVEL": "debug", "STAGE": {"Ref": "Stage"}}),
        "maps merged, intrinsics carried over"
    );
    assert_eq!(
        p["Code"],
        json!({"S3Bucket": "artifacts", "S3Key": "worker.zip", "S3ObjectVersion": "7"})
    );
    assert_eq!(p["TracingConfig"], json!({"Mode": "Active"}));
    assert_eq!(
        p["DeadLetterConfig"],
        json!({"TargetArn": {"Fn::GetAtt": ["Queue", "Arn"]}})
    );
    assert_eq!(
        p["KmsKeyArn"]["Fn::Sub"],
        "arn:aws:kms:${AWS::Region}:111122223333:key/k"
    );
    assert_eq!(
        p["Tags"],
        json!([{"Key": "lambda:createdBy", "Value": "SAM"},
               {"Key": "owner", "Value": "ops"}, {"Key": "team", "Value": "core"}])
    );
    assert_eq!(p["Role"], json!({"Fn::GetAtt": ["WorkerRole", "Arn"]}));

    let role = res(&t, "WorkerRole");
    assert_eq!(role["Type"], "AWS::IAM::Role");
    assert_eq!(role["Condition"], "IsProd", "the condition is passed on");
    let r = &role["Properties"];
    assert_eq!(
        r["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": ["lambda.amazonaws.com"]})
    );
    assert_eq!(
        r["ManagedPolicyArns"],
        json!([
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
            "arn:aws:iam::aws:policy/service-role/AWSLambdaSQSQueueExecutionRole",
            "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess",
            "arn:aws:iam::111122223333:policy/custom",
        ])
    );
    let policies = r["Policies"].as_array().unwrap();
    assert_eq!(policies[0]["PolicyName"], "DeadLetterQueuePolicy");
    assert_eq!(
        policies[0]["PolicyDocument"]["Statement"][0]["Action"],
        "sqs:SendMessage"
    );
    assert_eq!(policies[1]["PolicyName"], "WorkerRolePolicy2");
    assert_eq!(
        policies[1]["PolicyDocument"]["Statement"][0]["Action"],
        "s3:GetObject"
    );
    assert_eq!(policies[2]["PolicyName"], "WorkerRolePolicy3");
    assert_eq!(
        unknown_reason(&policies[2]["PolicyDocument"]),
        Some("SAM policy template SQSPollerPolicy")
    );
    assert_eq!(
        r["Tags"][0],
        json!({"Key": "lambda:createdBy", "Value": "SAM"})
    );

    let mapping = res(&t, "WorkerJobs");
    assert_eq!(mapping["Type"], "AWS::Lambda::EventSourceMapping");
    assert_eq!(
        mapping["Properties"],
        json!({"EventSourceArn": {"Fn::GetAtt": ["Queue", "Arn"]},
               "FunctionName": {"Ref": "Worker"}, "BatchSize": 5})
    );

    let given = res(&t, "Given");
    assert_eq!(
        given["Properties"]["Role"],
        json!({"Fn::GetAtt": ["Existing", "Arn"]})
    );
    assert_eq!(
        given["Properties"]["Code"],
        json!({"ZipFile": "def handler(e, c): return 1"})
    );
    assert!(
        t.body["Resources"].get("GivenRole").is_none(),
        "a function with a Role gets no role, and its Policies are not used"
    );
    let url = res(&t, "GivenUrl");
    assert_eq!(url["Type"], "AWS::Lambda::Url");
    assert_eq!(
        url["Properties"],
        json!({"AuthType": "NONE", "Cors": {"AllowOrigins": ["*"]},
               "TargetFunctionArn": {"Ref": "Given"}})
    );
    let public = res(&t, "GivenUrlPublicPermissions");
    assert_eq!(
        public["Properties"],
        json!({"Action": "lambda:InvokeFunctionUrl", "FunctionName": {"Ref": "Given"},
               "Principal": "*", "FunctionUrlAuthType": "NONE"})
    );

    // Reported at the serverless resource's line.
    for (made, from) in [
        ("WorkerRole", "Worker"),
        ("WorkerJobs", "Worker"),
        ("GivenUrl", "Given"),
        ("GivenUrlPublicPermissions", "Given"),
    ] {
        assert_eq!(t.derived[made], from);
        assert_eq!(t.line(made), t.line(from));
    }
    assert!(!t.derived.contains_key("Worker"));
    assert_eq!(t.line("Worker"), 16);
    assert_eq!(t.line("Given"), 39);
}

const APIS: &str = r#"
Transform: [AWS::Serverless-2016-10-31]
Globals:
  Api:
    TracingEnabled: true
Resources:
  Hello:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: hello/
      Handler: app.handler
      Runtime: nodejs20.x
      Events:
        Get:
          Type: Api
          Properties: {Path: /hello/, Method: get}
        Post:
          Type: Api
          Properties: {Path: /orders, Method: post, RestApiId: !Ref Orders}
        Http:
          Type: HttpApi
  Orders:
    Type: AWS::Serverless::Api
    Properties:
      StageName: live
      AccessLogSetting: {DestinationArn: arn:aws:logs:eu-west-1:111122223333:log-group:api}
      Tags: {app: orders}
  Using:
    Type: AWS::ApiGateway::BasePathMapping
    Properties: {DomainName: example.com, RestApiId: !Ref Orders, Stage: !Ref Orders.Stage}
  Table:
    Type: AWS::Serverless::SimpleTable
    Properties:
      PrimaryKey: {Name: pk, Type: Number}
      SSESpecification: {SSEEnabled: true}
  Plain:
    Type: AWS::Serverless::SimpleTable
"#;

#[test]
fn api_events_make_the_implicit_api_and_explicit_apis_their_stages() {
    let t = expanded(APIS);
    let api = res(&t, "ServerlessRestApi");
    assert_eq!(api["Type"], "AWS::ApiGateway::RestApi");
    let route = &api["Properties"]["Body"]["paths"]["/hello/"]["get"];
    assert_eq!(
        route["x-amazon-apigateway-integration"]["type"],
        "aws_proxy"
    );
    assert_eq!(
        route["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"],
        "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Hello.Arn}/invocations"
    );
    let stage = res(&t, "ServerlessRestApiProdStage");
    assert_eq!(stage["Type"], "AWS::ApiGateway::Stage");
    assert_eq!(stage["Properties"]["StageName"], "Prod");
    assert_eq!(
        stage["Properties"]["TracingEnabled"], true,
        "Globals apply to it"
    );
    let deployment = stage["Properties"]["DeploymentId"]["Ref"].as_str().unwrap();
    assert!(deployment.starts_with("ServerlessRestApiDeployment"));
    assert_eq!(res(&t, deployment)["Type"], "AWS::ApiGateway::Deployment");
    let permission = res(&t, "HelloGetPermissionProd");
    assert_eq!(
        permission["Properties"]["Principal"],
        "apigateway.amazonaws.com"
    );
    assert_eq!(
        permission["Properties"]["SourceArn"]["Fn::Sub"][0],
        "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${__ApiId__}/${__Stage__}/GET/hello"
    );
    for made in [
        "ServerlessRestApi",
        "ServerlessRestApiProdStage",
        deployment,
    ] {
        assert_eq!(t.derived[made], "Hello", "{made}");
        assert_eq!(t.line(made), t.line("Hello"));
    }

    // The explicit API, given no definition, gets its events' routes.
    let orders = res(&t, "Orders");
    assert_eq!(orders["Type"], "AWS::ApiGateway::RestApi");
    assert!(orders["Properties"]["Body"]["paths"]["/orders"]["post"].is_object());
    let stage = res(&t, "OrdersliveStage");
    assert_eq!(stage["Properties"]["StageName"], "live");
    assert_eq!(stage["Properties"]["TracingEnabled"], true);
    assert_eq!(
        stage["Properties"]["AccessLogSetting"]["DestinationArn"],
        "arn:aws:logs:eu-west-1:111122223333:log-group:api"
    );
    assert_eq!(
        stage["Properties"]["Tags"],
        json!([{"Key": "app", "Value": "orders"}])
    );
    assert_eq!(t.line("OrdersliveStage"), t.line("Orders"));
    assert!(t.body["Resources"].get("HelloPostPermissionlive").is_some());
    assert_eq!(
        res(&t, "Using")["Properties"]["Stage"],
        json!({"Ref": "OrdersliveStage"}),
        "SAM's Orders.Stage reference names the stage"
    );

    let http = res(&t, "ServerlessHttpApi");
    assert_eq!(http["Type"], "AWS::ApiGatewayV2::Api");
    assert!(
        http["Properties"]["Body"]["paths"]["$default"]["x-amazon-apigateway-any-method"]
            .is_object()
    );
    let default = res(&t, "ServerlessHttpApiApiGatewayDefaultStage");
    assert_eq!(default["Properties"]["StageName"], "$default");
    assert_eq!(default["Properties"]["AutoDeploy"], true);
    assert!(t.body["Resources"].get("HelloHttpPermission").is_some());

    let table = res(&t, "Table");
    assert_eq!(table["Type"], "AWS::DynamoDB::Table");
    assert_eq!(
        table["Properties"],
        json!({"AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "N"}],
               "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
               "BillingMode": "PAY_PER_REQUEST", "SSESpecification": {"SSEEnabled": true}})
    );
    let plain = &res(&t, "Plain")["Properties"];
    assert_eq!(
        plain["KeySchema"],
        json!([{"AttributeName": "id", "KeyType": "HASH"}])
    );

    // A local CodeUri is uploaded by `sam package`: unknown until then.
    let code = &res(&t, "Hello")["Properties"]["Code"];
    assert_eq!(
        unknown_reason(code),
        Some("CodeUri hello/: a local path, uploaded by sam package")
    );
}

#[test]
fn layers_and_state_machines() {
    let t = expanded(
        r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Deps:
    Type: AWS::Serverless::LayerVersion
    Properties:
      ContentUri: {Bucket: b, Key: deps.zip}
      RetentionPolicy: delete
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: A, States: {A: {Type: Succeed}}}
      Logging: {Level: ALL}
      Policies: [{LambdaInvokePolicy: {FunctionName: f}}]
"#,
    );
    let layer = res(&t, "Deps");
    assert_eq!(layer["Type"], "AWS::Lambda::LayerVersion");
    assert_eq!(layer["DeletionPolicy"], "Delete");
    assert_eq!(
        layer["Properties"],
        json!({"LayerName": "Deps", "Content": {"S3Bucket": "b", "S3Key": "deps.zip"}})
    );
    let flow = res(&t, "Flow");
    assert_eq!(flow["Type"], "AWS::StepFunctions::StateMachine");
    assert_eq!(
        flow["Properties"]["LoggingConfiguration"],
        json!({"Level": "ALL"})
    );
    assert_eq!(
        flow["Properties"]["RoleArn"],
        json!({"Fn::GetAtt": ["FlowRole", "Arn"]})
    );
    assert_eq!(
        flow["Properties"]["Tags"][0]["Key"],
        "stateMachine:createdBy"
    );
    let role = &res(&t, "FlowRole")["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"],
        json!(["states.amazonaws.com"])
    );
    assert_eq!(role["ManagedPolicyArns"], json!([]));
    assert_eq!(role["Policies"][0]["PolicyName"], "FlowRolePolicy0");
    assert_eq!(t.line("FlowRole"), t.line("Flow"));
}

#[test]
fn the_expansion_evaluates_without_errors() {
    let t = expanded(
        r#"
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: src/
      Handler: a.b
      Runtime: python3.12
      Policies: [{DynamoDBCrudPolicy: {TableName: t}}]
      Events:
        Get: {Type: Api, Properties: {Path: /, Method: any}}
"#,
    );
    let e = evaluate(&t, &BTreeMap::new());
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    let mut types: Vec<&str> = e
        .resources
        .iter()
        .map(|r| r.resource_type.as_str())
        .collect();
    types.sort();
    assert_eq!(
        types,
        [
            "AWS::ApiGateway::Deployment",
            "AWS::ApiGateway::RestApi",
            "AWS::ApiGateway::Stage",
            "AWS::IAM::Role",
            "AWS::Lambda::Function",
            "AWS::Lambda::Permission",
        ]
    );
}

#[test]
fn without_the_transform_nothing_changes() {
    let text = r#"
AWSTemplateFormatVersion: "2010-09-09"
Globals:
  Function: {Runtime: python3.12}
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {CodeUri: s3://b/k, Handler: a.b}
"#;
    let mut t = template(text);
    let before = t.body.clone();
    assert!(expand(&mut t).is_empty());
    assert_eq!(t.body, before);
    assert!(t.derived.is_empty());
}

#[test]
fn what_cannot_be_expanded_is_reported_at_its_line_and_left_as_is() {
    let mut t = template(
        r#"
Transform: AWS::Serverless-2016-10-31
Globals:
  Functions: {Runtime: python3.12}
Resources:
  Good:
    Type: AWS::Serverless::SimpleTable
  BadTags:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: s3://b/k
      Handler: a.b
      Tags: [a, b]
  NoAuth:
    Type: AWS::Serverless::Function
    Properties:
      InlineCode: x
      FunctionUrlConfig: {Cors: {}}
  Link:
    Type: AWS::Serverless::Connector
    Properties: {Source: {Id: Good}, Destination: {Id: Good}, Permissions: [Read]}
"#,
    );
    let errors = expand(&mut t);
    assert_eq!(
        errors,
        [
            "t.yaml:5: Globals: 'Functions' is not one of Api CapacityProvider Function HttpApi SimpleTable StateMachine",
            "t.yaml:8: BadTags: Tags must be a map of tag names to values",
            "t.yaml:19: Link: AWS::Serverless::Connector is not expanded (vigil's SAM transform does not make this type), so what it creates is not checked",
            "t.yaml:14: NoAuth: FunctionUrlConfig requires an AuthType of AWS_IAM or NONE",
        ]
    );
    assert_eq!(res(&t, "BadTags")["Type"], "AWS::Serverless::Function");
    assert_eq!(res(&t, "Link")["Type"], "AWS::Serverless::Connector");
    assert!(t.body["Resources"].get("NoAuthUrl").is_none());
    assert_eq!(
        res(&t, "Good")["Type"],
        "AWS::DynamoDB::Table",
        "the rest is expanded"
    );
}
