//! Real answers nobody here wrote: the example outputs of the AWS CLI's own documentation
//! (aws/aws-cli, `awscli/examples/<service>/<command>.rst`, Apache-2.0), extracted into
//! `tests/data/aws-cli-examples.json` with the file each came from. Each answer becomes the
//! document of its type the way a plain document in the API's shape does (the JSON
//! protocol services' camelCase members upper-cased first, as AWS Config items are), and the
//! whole bundled pack evaluates them without a rule error.

use std::collections::BTreeMap;

use serde_json::{Map, Value};
use vigil::model::aws::{
    dynamodb, ecr, ecs, efs, eks, elasticache, elbv2, from_document, guards, lambda, logs, network,
    rds, secretsmanager, wafv2, Place,
};
use vigil::model::Resource;

/// camelCase members as the API's PascalCase names; maps of user data keep their keys.
fn pascal(v: Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.into_iter()
                .map(|(k, v)| {
                    let keep = matches!(k.as_str(), "options" | "variables" | "tags");
                    let mut c = k.chars();
                    let key = match c.next() {
                        Some(f) => f.to_uppercase().chain(c).collect(),
                        None => k,
                    };
                    (key, if keep { v } else { pascal(v) })
                })
                .collect::<Map<_, _>>(),
        ),
        Value::Array(a) => Value::Array(a.into_iter().map(pascal).collect()),
        other => other,
    }
}

/// The answer's tags, as a list of `{Key, Value}` or a map.
fn tags(answer: &Value) -> BTreeMap<String, String> {
    let pairs = answer
        .get("Tags")
        .or_else(|| answer.get("tags"))
        .cloned()
        .unwrap_or(Value::Null);
    match pairs {
        Value::Array(a) => a
            .iter()
            .filter_map(|t| {
                let k = t.get("Key").or_else(|| t.get("key"))?.as_str()?;
                let v = t.get("Value").or_else(|| t.get("value"))?.as_str()?;
                Some((k.to_string(), v.to_string()))
            })
            .collect(),
        Value::Object(m) => m
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
            .collect(),
        _ => BTreeMap::new(),
    }
}

fn document(ty: &str, answer: Value) -> Resource {
    let at = Place {
        account: "123456789012",
        region: "us-west-2",
    };
    let t = tags(&answer);
    let a = pascal(answer);
    let r = match ty {
        "AWS::DynamoDB::Table" => from_document::<dynamodb::Table>(&at, a, t),
        "AWS::EC2::NatGateway" => from_document::<network::NatGateway>(&at, a, t),
        "AWS::EC2::NetworkAcl" => from_document::<network::NetworkAcl>(&at, a, t),
        "AWS::EC2::Subnet" => from_document::<network::Subnet>(&at, a, t),
        "AWS::ECR::Repository" => from_document::<ecr::Repository>(&at, a, t),
        "AWS::ECS::Cluster" => from_document::<ecs::Cluster>(&at, a, t),
        "AWS::ECS::Service" => from_document::<ecs::Service>(&at, a, t),
        "AWS::ECS::TaskDefinition" => from_document::<ecs::TaskDefinition>(&at, a, t),
        "AWS::EFS::FileSystem" => from_document::<efs::FileSystem>(&at, a, t),
        "AWS::EKS::Cluster" => from_document::<eks::Cluster>(&at, a, t),
        "AWS::ElastiCache::ReplicationGroup" => {
            from_document::<elasticache::ReplicationGroup>(&at, a, t)
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            from_document::<elbv2::LoadBalancer>(&at, a, t)
        }
        "AWS::GuardDuty::Detector" => from_document::<guards::Detector>(&at, a, t),
        "AWS::IAM::PasswordPolicy" => from_document::<guards::PasswordPolicy>(&at, a, t),
        "AWS::Lambda::Function" => from_document::<lambda::Function>(&at, a, t),
        "AWS::Logs::LogGroup" => from_document::<logs::LogGroup>(&at, a, t),
        "AWS::RDS::DBCluster" => from_document::<rds::DbCluster>(&at, a, t),
        "AWS::SecretsManager::Secret" => from_document::<secretsmanager::Secret>(&at, a, t),
        "AWS::SecurityHub::Hub" => from_document::<guards::Hub>(&at, a, t),
        "AWS::WAFv2::WebACL" => from_document::<wafv2::WebAcl>(&at, a, t),
        other => panic!("no document for {other}"),
    };
    r.unwrap_or_else(|e| panic!("{ty}: {e}"))
}

#[test]
fn the_aws_cli_documentation_examples_become_documents_the_rules_evaluate() {
    let text =
        std::fs::read_to_string(crate::common::repo().join("tests/data/aws-cli-examples.json"))
            .unwrap();
    let examples: Vec<Value> = serde_json::from_str(&text).unwrap();
    assert!(examples.len() >= 20, "{} examples", examples.len());
    let mut resources = Vec::new();
    for e in &examples {
        let ty = e["type"].as_str().unwrap();
        let mut r = document(ty, e["answer"].clone());
        // Two examples of one type may share an id; the snapshot keeps ids apart.
        r.id = format!("{}#{}", r.id, resources.len());
        resources.push(r);
    }
    let by_type =
        |t: &str| -> Vec<&Resource> { resources.iter().filter(|r| r.resource_type == t).collect() };
    // What the answers say lands where the rules read it.
    let lb = by_type("AWS::ElasticLoadBalancingV2::LoadBalancer")[0];
    assert_eq!(lb.config["Type"], "application");
    assert_eq!(lb.config["Scheme"], "internet-facing");
    let eks = by_type("AWS::EKS::Cluster")[0];
    assert!(
        eks.config["ResourcesVpcConfig"]["EndpointPublicAccess"].is_boolean(),
        "{}",
        eks.config
    );
    let table = by_type("AWS::DynamoDB::Table")[0];
    assert!(table.config["TableName"].is_string());
    let policy = by_type("AWS::IAM::PasswordPolicy")[0];
    assert!(
        policy.config["MinimumPasswordLength"].is_number(),
        "{}",
        policy.config
    );

    let snapshot = vigil::model::Snapshot {
        version: 1,
        collected_at: "2026-12-01T00:00:00Z".into(),
        coverage: Vec::new(),
        resources,
        identities: BTreeMap::new(),
        accounts: BTreeMap::new(),
    };
    let rules = vigil::policy::RuleSet::load(&[vigil::policy::RuleSource::Bundled]).unwrap();
    let at = chrono::DateTime::parse_from_rfc3339(&snapshot.collected_at)
        .unwrap()
        .with_timezone(&chrono::Utc);
    let params = vigil::config::Config::default().params();
    let report = vigil::scan::evaluate(&rules, params, &snapshot, at, &BTreeMap::new()).eval;
    assert!(
        report.errors.is_empty(),
        "rule errors on real answers: {:#?}",
        report.errors
    );
    let failed: std::collections::BTreeSet<&str> =
        report.results.iter().map(|r| r.rule_id.as_str()).collect();
    // The documentation's internet-facing ALB has no WAF and its cluster no key for secrets;
    // the cluster's public endpoint is open to one /32 only and it logs every type.
    for rule in ["ELB-AWS-005", "EKS-AWS-001"] {
        assert!(failed.contains(rule), "{rule} did not fire: {failed:?}");
    }
    for rule in ["NET-AWS-007", "LOG-AWS-008"] {
        assert!(!failed.contains(rule), "{rule} fired: {failed:?}");
    }
}
