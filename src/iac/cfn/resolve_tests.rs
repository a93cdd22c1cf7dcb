use serde_json::json;

use super::*;
use crate::iac::cfn::load::{parse, Read};

fn template(text: &str) -> Template {
    match parse("t.yaml", text).unwrap() {
        Read::Template(t) => *t,
        Read::Other => panic!("not a template"),
    }
}

fn props(e: &Evaluated, id: &str) -> Value {
    e.resources
        .iter()
        .find(|r| r.logical_id == id)
        .unwrap_or_else(|| panic!("no {id}: {:?}", e.errors))
        .properties
        .clone()
}

const T: &str = r#"
AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  KeyArn: {Type: String}
  Subnets: {Type: CommaDelimitedList, Default: "a, b"}
  Days: {Type: Number, Default: 30}
  Ami: {Type: "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>", Default: /aws/ami}
Mappings:
  Sizes:
    dev: {Disk: 8}
    prod: {Disk: 100}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  HasKey: !Not [!Equals [!Ref KeyArn, ""]]
  ProdAndKey: !And [!Condition IsProd, !Condition HasKey]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${Env}-${AWS::Region}-logs-${!Literal}"
      Encryption: !If [HasKey, !Ref KeyArn, !Ref KeyArn]
      Versioning: !If [IsProd, Enabled, !Ref "AWS::NoValue"]
      Tags:
        - {Key: subnets, Value: !Join [":", !Ref Subnets]}
        - {Key: first, Value: !Select [1, !Split [",", "x,y,z"]]}
        - {Key: disk, Value: !FindInMap [Sizes, !Ref Env, Disk]}
        - {Key: key, Value: !If [HasKey, "yes", "no"]}
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      Name: !GetAtt Bucket.BucketName
      Arn: !GetAtt Bucket.Arn
      Days: !Ref Days
      Image: !Ref Ami
      Shared: !ImportValue net-VpcId
  ProdOnly:
    Type: AWS::SNS::Topic
    Condition: IsProd
  MaybeKeyed:
    Type: AWS::SQS::Queue
    Condition: ProdAndKey
    Properties: {}
"#;

#[test]
fn known_values_are_computed_unknown_ones_say_why() {
    let t = template(T);
    let e = evaluate(&t, &BTreeMap::new());
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    let b = props(&e, "Bucket");
    assert_eq!(b["BucketName"], "dev-${AWS::Region}-logs-${Literal}");
    assert_eq!(
        unknown_reason(&b["Encryption"]),
        Some("parameter KeyArn has no value"),
        "both branches are the unknown parameter itself"
    );
    assert!(
        b.get("Versioning").is_none(),
        "AWS::NoValue removes the key"
    );
    assert_eq!(b["Tags"][0]["Value"], "a:b");
    assert_eq!(b["Tags"][1]["Value"], "y");
    assert_eq!(b["Tags"][2]["Value"], 8);
    assert_eq!(
        unknown_reason(&b["Tags"][3]["Value"]),
        Some("condition HasKey: parameter KeyArn has no value")
    );
    let p = props(&e, "Policy");
    assert_eq!(p["Bucket"], "${Bucket}");
    assert_eq!(reference(&p["Bucket"]), Some("Bucket"));
    assert_eq!(
        p["Name"], "dev-${AWS::Region}-logs-${Literal}",
        "a declared property"
    );
    assert_eq!(p["Arn"], "${Bucket.Arn}");
    assert_eq!(reference(&p["Arn"]), Some("Bucket"));
    assert_eq!(p["Days"], 30);
    assert_eq!(
        unknown_reason(&p["Image"]),
        Some("parameter Ami is read from SSM at deploy")
    );
    assert!(unknown_reason(&p["Shared"]).unwrap().contains("net-VpcId"));
    assert_eq!(
        e.not_created, 2,
        "ProdOnly: IsProd is false for dev; MaybeKeyed: that false decides the And, though HasKey is unknown"
    );
    assert!(e.resources.iter().all(|r| r.logical_id != "MaybeKeyed"));
}

#[test]
fn given_values_decide_conditions_and_fill_parameters() {
    let t = template(T);
    let given: BTreeMap<String, String> = [
        ("Env".to_string(), "prod".to_string()),
        ("AWS::Region".to_string(), "eu-west-1".to_string()),
    ]
    .into();
    let e = evaluate(&t, &given);
    let b = props(&e, "Bucket");
    assert_eq!(b["BucketName"], "prod-eu-west-1-logs-${Literal}");
    assert_eq!(b["Versioning"], "Enabled");
    assert_eq!(b["Tags"][2]["Value"], 100);
    assert_eq!(e.not_created, 0);
    let maybe = e
        .resources
        .iter()
        .find(|r| r.logical_id == "MaybeKeyed")
        .unwrap();
    assert_eq!(
        maybe.unknown_condition.as_deref(),
        Some("created only if condition ProdAndKey: parameter KeyArn has no value")
    );
    let e = evaluate(
        &t,
        &[("KeyArn".to_string(), "arn:aws:kms:k".to_string())].into(),
    );
    assert_eq!(props(&e, "Bucket")["Encryption"], json!("arn:aws:kms:k"));
    assert_eq!(props(&e, "Bucket")["Tags"][3]["Value"], "yes");
}

#[test]
fn a_bad_resource_is_reported_with_its_line_and_the_rest_evaluated() {
    let t = template(
        "Resources:\n  Good:\n    Type: AWS::SQS::Queue\n  Bad:\n    Type: AWS::SQS::Queue\n    Properties:\n      X: !Frobnicate y\n  Loop:\n    Type: AWS::SNS::Topic\n    Properties:\n      A: !GetAtt Loop.B\n      B: !GetAtt Loop.A\n  Dangling:\n    Type: AWS::SNS::Topic\n    Properties:\n      A: !Ref Nowhere\n",
    );
    let e = evaluate(&t, &BTreeMap::new());
    assert_eq!(e.resources.len(), 1);
    assert_eq!(e.resources[0].logical_id, "Good");
    let errors = e.errors.join("\n");
    assert!(
        errors.contains("t.yaml:4: Bad: unknown intrinsic function !Frobnicate"),
        "{errors}"
    );
    assert!(
        errors.contains("t.yaml:8: Loop: circular reference: Loop.B -> Loop.A -> Loop.B"),
        "{errors}"
    );
    assert!(
        errors.contains("t.yaml:13: Dangling: Ref Nowhere"),
        "{errors}"
    );
}

#[test]
fn circular_conditions_are_an_error_not_a_hang() {
    let t = template(
        "Conditions:\n  A: !Condition B\n  B: !Not [!Condition A]\nResources:\n  Q:\n    Type: AWS::SQS::Queue\n    Condition: A\n",
    );
    let e = evaluate(&t, &BTreeMap::new());
    assert!(e.resources.is_empty());
    assert!(e.errors[0].contains("circular reference"), "{:?}", e.errors);
}

#[test]
fn deploy_time_identifiers_are_copied_into_text_but_never_compared_or_looked_up() {
    let t = template(
        r#"
Mappings:
  Ami: {us-east-1: {Id: ami-1}}
Conditions:
  InVirginia: !Equals [!Ref "AWS::Region", us-east-1]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
  I:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: !FindInMap [Ami, !Ref "AWS::Region", Id]
      Zone: !Select [0, !GetAtt Vpc.CidrBlockAssociations]
      Host: !Select [2, !Split ["/", !GetAtt Vpc.DomainName]]
      Arn: !Sub "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${Vpc}"
      Tier: !If [InVirginia, primary, secondary]
"#,
    );
    let e = evaluate(&t, &BTreeMap::new());
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    let p = props(&e, "I");
    assert_eq!(
        unknown_reason(&p["ImageId"]),
        Some("Fn::FindInMap keyed by AWS::Region, known at deploy")
    );
    assert!(unknown_reason(&p["Zone"]).is_some());
    assert!(unknown_reason(&p["Host"]).is_some());
    assert_eq!(
        p["Arn"],
        "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc/${Vpc}"
    );
    assert_eq!(
        unknown_reason(&p["Tier"]),
        Some("condition InVirginia: AWS::Region is known at deploy")
    );
    let given = [("AWS::Region".to_string(), "us-east-1".to_string())].into();
    let p = props(&evaluate(&t, &given), "I");
    assert_eq!(p["ImageId"], "ami-1");
    assert_eq!(p["Tier"], "primary");
}

#[test]
fn kubernetes_manifests_beside_templates_are_other_files() {
    let text = "apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n";
    assert!(matches!(parse("m.yaml", text), Ok(Read::Other)));
}

#[test]
fn an_unknown_left_by_an_expansion_stays_unknown() {
    let t = template("Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Doc: {\"Fn::Unknown\": \"SAM policy template SQSPollerPolicy\"}\n");
    let e = evaluate(&t, &BTreeMap::new());
    assert!(e.errors.is_empty(), "{:?}", e.errors);
    assert_eq!(
        unknown_reason(&props(&e, "R")["Doc"]),
        Some("SAM policy template SQSPollerPolicy")
    );
}
