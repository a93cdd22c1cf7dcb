use std::collections::HashSet;

use serde_json::json;

use super::{compare, Status};
use crate::iac::cfn::{Loaded, Origin};
use crate::model::Resource;

fn resource(id: &str, ty: &str, name: Option<&str>, config: serde_json::Value) -> Resource {
    Resource {
        id: id.into(),
        resource_type: ty.into(),
        provider: "aws".into(),
        name: name.map(str::to_string),
        config,
        account: None,
        region: None,
        tags: Default::default(),
    }
}

fn declared(resources: Vec<Resource>, unknowns: &[(&str, &str)]) -> Loaded {
    let mut l = Loaded::default();
    for r in &resources {
        let logical = r.id.split('#').nth(1).unwrap().to_string();
        l.origins.insert(
            r.id.clone(),
            Origin {
                file: "t.yaml".into(),
                line: 3,
                logical_id: logical,
                address: None,
            },
        );
    }
    for (id, path) in unknowns {
        l.unknowns
            .insert(id.to_string(), vec![(path.to_string(), "why".into())]);
    }
    l.resources = resources;
    l
}

#[test]
fn values_known_only_at_deploy_are_never_compared_and_cloudformation_tags_are_its_own() {
    let mut d = resource(
        "t.yaml#Q",
        "AWS::SQS::Queue",
        Some("jobs"),
        json!({"QueueUrl": "${Q}/jobs", "KmsMasterKeyId": "(unknown until deploy)",
               "FifoQueue": false, "Region": "", "Ports": [1, 2]}),
    );
    d.tags.insert("owner".into(), "a".into());
    let loaded = declared(vec![d], &[("t.yaml#Q", "config.KmsMasterKeyId")]);
    let mut live = resource(
        "sqs:jobs",
        "AWS::SQS::Queue",
        Some("jobs"),
        json!({"QueueUrl": "https://sqs/jobs", "KmsMasterKeyId": "alias/x", "FifoQueue": true,
               "Region": "eu-west-1", "Ports": [2, 1]}),
    );
    live.tags.insert("owner".into(), "a".into());
    live.tags
        .insert("aws:cloudformation:stack-name".into(), "s".into());
    let covered: HashSet<String> = ["AWS::SQS::Queue".to_string()].into();
    let (rows, summary) = compare(&loaded, &[live], &covered);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].status, Status::Changed);
    let paths: Vec<&str> = rows[0].changes.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, vec!["config.FifoQueue"]);
    assert_eq!(summary.changed, 1);
}

#[test]
fn the_logical_id_tag_matches_a_resource_whose_name_cloudformation_made() {
    // No name in the template: CloudFormation names it; its tag says which logical id.
    let d = resource(
        "t.yaml#Web",
        "AWS::EC2::SecurityGroup",
        Some("Web"),
        json!({}),
    );
    let k = resource("t.yaml#Key", "AWS::KMS::Key", None, json!({}));
    let loaded = declared(vec![d, k], &[]);
    let mut live = resource(
        "ec2:sg-1",
        "AWS::EC2::SecurityGroup",
        Some("stack-Web-1X2Y"),
        json!({}),
    );
    live.tags
        .insert("aws:cloudformation:logical-id".into(), "Web".into());
    let other = resource(
        "ec2:sg-2",
        "AWS::EC2::SecurityGroup",
        Some("default"),
        json!({}),
    );
    let covered: HashSet<String> = ["AWS::EC2::SecurityGroup".to_string()].into();
    let (rows, summary) = compare(&loaded, &[live, other], &covered);
    let web = rows
        .iter()
        .find(|r| r.live.as_deref() == Some("ec2:sg-1"))
        .unwrap();
    assert_eq!(web.status, Status::Managed);
    assert_eq!(summary.unmanaged, 1, "the default group");
    // The key's type was not scanned: not missing.
    assert_eq!((summary.missing, summary.not_scanned), (0, 1));
}

#[test]
fn what_aws_makes_itself_is_counted_not_listed_as_unmanaged() {
    let loaded = declared(
        vec![
            resource(
                "t.yaml#Web",
                "AWS::EC2::SecurityGroup",
                Some("web"),
                json!({"GroupName": "web"}),
            ),
            resource(
                "t.yaml#Net",
                "AWS::EC2::VPC",
                None,
                json!({"IsDefault": false}),
            ),
            resource(
                "t.yaml#Key",
                "AWS::KMS::Key",
                None,
                json!({"KeyManager": "CUSTOMER"}),
            ),
        ],
        &[],
    );
    let live = vec![
        resource(
            "sg-1",
            "AWS::EC2::SecurityGroup",
            Some("web"),
            json!({"GroupName": "web"}),
        ),
        resource(
            "sg-2",
            "AWS::EC2::SecurityGroup",
            Some("default"),
            json!({"GroupName": "default"}),
        ),
        resource(
            "sg-3",
            "AWS::EC2::SecurityGroup",
            Some("stray"),
            json!({"GroupName": "stray"}),
        ),
        resource("vpc-1", "AWS::EC2::VPC", None, json!({"IsDefault": true})),
        resource("key-1", "AWS::KMS::Key", None, json!({"KeyManager": "AWS"})),
        resource(
            "key-2",
            "AWS::KMS::Key",
            None,
            json!({"KeyManager": "CUSTOMER"}),
        ),
    ];
    let covered: HashSet<String> = ["AWS::EC2::SecurityGroup", "AWS::EC2::VPC", "AWS::KMS::Key"]
        .map(String::from)
        .into();
    let (rows, summary) = compare(&loaded, &live, &covered);
    let unmanaged: Vec<&str> = rows
        .iter()
        .filter(|r| r.status == Status::Unmanaged)
        .filter_map(|r| r.live.as_deref())
        .collect();
    assert_eq!(unmanaged, ["sg-3", "key-2"]);
    assert_eq!(summary.aws_defaults, 3);
    assert_eq!(summary.unmanaged, 2);
}

#[test]
fn lists_compare_as_sets_of_items_and_one_item_changed_field_by_field() {
    let rule = |port: i64, cidr: &str| json!({"FromPort": port, "ToPort": port, "CidrIp": cidr});
    let d = resource(
        "t.yaml#Web",
        "AWS::EC2::SecurityGroup",
        Some("web"),
        json!({"IpPermissions": [rule(443, "10.0.0.0/8"), rule(80, "10.0.0.0/8")],
               "Extra": [rule(1, "a"), rule(2, "b")]}),
    );
    let loaded = declared(vec![d], &[]);
    let live = resource(
        "sg-1",
        "AWS::EC2::SecurityGroup",
        Some("web"),
        // The same two rules in another order, one with a wider range; two rules replaced.
        json!({"IpPermissions": [rule(80, "10.0.0.0/8"), rule(443, "0.0.0.0/0")],
               "Extra": [rule(3, "c"), rule(4, "d")]}),
    );
    let covered: HashSet<String> = HashSet::from(["AWS::EC2::SecurityGroup".to_string()]);
    let (rows, _) = compare(&loaded, &[live], &covered);
    let changes: Vec<(String, Option<serde_json::Value>, Option<serde_json::Value>)> = rows[0]
        .changes
        .iter()
        .map(|c| (c.path.clone(), c.declared.clone(), c.live.clone()))
        .collect();
    assert_eq!(
        changes,
        [
            ("config.Extra[0]".into(), Some(rule(1, "a")), None),
            ("config.Extra[1]".into(), Some(rule(2, "b")), None),
            ("config.Extra[0]".into(), None, Some(rule(3, "c"))),
            ("config.Extra[1]".into(), None, Some(rule(4, "d"))),
            (
                "config.IpPermissions[0].CidrIp".into(),
                Some(json!("10.0.0.0/8")),
                Some(json!("0.0.0.0/0"))
            ),
        ]
    );
}
