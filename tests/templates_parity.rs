//! "A template and a moto estate built from the same definitions give the same findings."
//!
//! One template (`tests/fixtures/templates/parity/parity.yaml`) is scanned with
//! `vigil scan --templates`, then deployed to moto with CloudFormation's CreateStack (moto
//! builds real resources from it) and the estate scanned with `vigil scan`. Each live finding
//! is traced back to its logical id through the physical id DescribeStackResources gives (the
//! name the template gives every resource that has one; a key's or a security group's id; an
//! ECS task definition's or service's ARN; an Elastic IP's address, read as its allocation id).
//! moto tags only EC2 resources with `aws:cloudformation:logical-id`
//! (`moto/cloudformation/parsing.py`, `ResourceMap.create`, for `TaggedEC2Resource`s), so the
//! tag cannot be what maps them. The (logical id, rule) FAIL pairs of both scans must be the
//! same, tag rules included: the resources carry the required tags or, where moto cannot
//! create them with tags (keys) or the template leaves them out on purpose, both sides must
//! report the same tag findings. Findings on what the stack did not create (moto's default
//! VPC, the account's guards) are not the template's and are left out.
//!
//! The template reader fills what a template leaves out as AWS documents it at creation.
//! Where moto's CloudFormation builds something else from the same template, the pair only
//! moto's estate fails is listed in [`MOTO_ONLY`] with the moto code that causes it, and a pair
//! only the template fails (moto dropped the setting that fails it) in [`TEMPLATE_ONLY`]; each
//! must be seen, so a moto that stops differing (or a template that stops exercising it)
//! makes this test fail until the list is corrected.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::common::*;

const TEMPLATE: &str = "tests/fixtures/templates/parity/parity.yaml";

/// A (logical id, rule) pair only one side reports, and why.
struct Difference {
    logical_id: &'static str,
    rule: &'static str,
    cause: &'static str,
}

/// The pairs only the moto estate fails, each caused by moto 5.2.1 (the version
/// `scripts/test` pins), not by the template reader, which follows AWS's documentation.
///
/// Two pairs both sides report for different reasons, because moto drops the same settings:
/// PublicBucket's NET-AWS-005 (the template turns two flags off; moto's bucket has no public
/// access block at all, as below) and its S3-AWS-001 (the template gets S3's SSE-S3 default;
/// moto's bucket has no default encryption, `FakeBucket.encryption = None`, where AWS
/// encrypts every new bucket with SSE-S3 since January 2023).
const MOTO_ONLY: &[Difference] = &[
    Difference {
        logical_id: "DataBucket",
        rule: "NET-AWS-005",
        cause: "a new bucket blocks all public access on AWS (since April 2023), which the \
                template reader fills in; moto's bucket starts without a public access block \
                (moto/s3/models.py FakeBucket.__init__: public_access_block = None, so \
                GetPublicAccessBlock answers NoSuchPublicAccessBlockConfiguration), and \
                FakeBucket.create_from_cloudformation_json reads only BucketEncryption and \
                Tags, so even a PublicAccessBlockConfiguration the template gives is dropped",
    },
    Difference {
        logical_id: "AuditLogs",
        rule: "LOG-AWS-009",
        cause: "moto/logs/models.py LogGroup.__init__ reads the key from kwargs['kmsKeyId'] \
                (CreateLogGroup's parameter), but LogGroup.create_from_cloudformation_json \
                passes the template's properties, KmsKeyId, so the group is created without \
                its key",
    },
    Difference {
        logical_id: "KeyedTopic",
        rule: "TAG-AWS-004",
        cause: "moto/sns/models.py Topic.create_from_cloudformation_json calls \
                create_topic(name, properties), which setattr()s every property on the topic \
                (Tags becomes topic.tags), while tags live in topic._tags (create_topic's \
                tags argument, not passed): ListTagsForResource answers none",
    },
    Difference {
        logical_id: "Repository",
        rule: "ECR-AWS-001",
        cause: "moto/ecr/models.py Repository.create_from_cloudformation_json keeps \
                ImageScanningConfiguration as the template writes it, {ScanOnPush: true}; the \
                API's member is scanOnPush, so DescribeRepositories (serialized by the API's \
                shape) answers imageScanningConfiguration {} and scanning on push reads as off",
    },
    Difference {
        logical_id: "AppSubnet",
        rule: "NET-AWS-009",
        cause: "a subnet a stack creates maps no public IPs unless MapPublicIpOnLaunch says so \
                (AWS::EC2::Subnet reference: Default false); moto/ec2/models/subnets.py \
                SubnetBackend.create_subnet counts a subnet as its zone's default \
                (default_for_az = len(self.subnets.get(availability_zone, [])) == 0) before it \
                defaults the zone, so one created without AvailabilityZone (as \
                Subnet.create_from_cloudformation_json does for the template's) looks up zone \
                None, finds none, and gets DefaultForAz and map_public_ip_on_launch true",
    },
    Difference {
        logical_id: "InsightsCluster",
        rule: "ECS-AWS-006",
        cause: "moto/ecs/models.py Cluster.create_from_cloudformation_json calls \
                create_cluster(cluster_name=resource_name) only, dropping ClusterSettings: \
                Cluster.__init__ falls back to containerInsights disabled",
    },
    Difference {
        logical_id: "InsightsCluster",
        rule: "TAG-AWS-004",
        cause: "moto/ecs/models.py Cluster.create_from_cloudformation_json does not pass Tags \
                to create_cluster: DescribeClusters answers none",
    },
    Difference {
        logical_id: "WebTask",
        rule: "TAG-AWS-004",
        cause: "moto/ecs/models.py TaskDefinition.create_from_cloudformation_json passes only \
                Family, ContainerDefinitions, Volumes and Memory to register_task_definition \
                (Tags, NetworkMode, RequiresCompatibilities, ExecutionRoleArn are dropped): \
                DescribeTaskDefinition answers no tags",
    },
    Difference {
        logical_id: "PrivateService",
        rule: "TAG-AWS-004",
        cause: "moto/ecs/models.py Service.create_from_cloudformation_json passes only the \
                cluster, name, DesiredCount and TaskDefinition to create_service: Tags are \
                dropped (as are LaunchType and NetworkConfiguration, see TEMPLATE_ONLY)",
    },
    Difference {
        logical_id: "WebInstance",
        rule: "EC2-AWS-001",
        cause: "moto/ec2/models/instances.py Instance.create_from_cloudformation_json calls \
                run_instances without the template's MetadataOptions, so MetadataOptions({}) \
                (its __init__) gives HttpTokens optional where the template requires tokens",
    },
];

/// The pairs only the template fails, each because moto 5.2.1's CloudFormation drops the
/// setting that fails them (AWS would keep it, as the template reader does).
const TEMPLATE_ONLY: &[Difference] = &[Difference {
    logical_id: "PublicService",
    rule: "ECS-AWS-005",
    cause: "moto/ecs/models.py Service.create_from_cloudformation_json does not pass \
            NetworkConfiguration to create_service, so Service.__init__ keeps \
            network_configuration {} and DescribeServices answers no AssignPublicIp (ENABLED in \
            the template): the service reads as not assigning public IPs",
}];

/// The type of vigil's document for a CloudFormation type of the template; `None` for the
/// types joined into another resource's document (a separate ingress rule into its group, a
/// policy into its role), which have no findings of their own.
fn document_type(cfn_type: &str) -> Option<&str> {
    match cfn_type {
        "AWS::EC2::SecurityGroupIngress" | "AWS::IAM::Policy" => None,
        "AWS::IAM::ManagedPolicy" => Some("AWS::IAM::Policy"),
        other => Some(other),
    }
}

/// One resource of the deployed stack.
struct StackResource {
    logical_id: String,
    cfn_type: String,
    physical_id: String,
}

impl StackResource {
    /// Whether a live resource of `ty` with the id (ARN) `id` is this one.
    fn is(&self, ty: &str, id: &str) -> bool {
        if document_type(&self.cfn_type) != Some(ty) || self.physical_id.is_empty() {
            return false;
        }
        // A queue's physical id is its URL; the live document's id is its ARN, by name.
        let p = match self.cfn_type.as_str() {
            "AWS::SQS::Queue" => self.physical_id.rsplit('/').next().unwrap(),
            _ => self.physical_id.as_str(),
        };
        id == p || id.ends_with(&format!("/{p}")) || id.ends_with(&format!(":{p}"))
    }
}

/// Creates the stack in moto from the template and returns its resources. An Elastic IP's
/// physical id is its address (as on AWS); the live document's id is its allocation id, which
/// DescribeAddresses gives for the address.
fn deploy(moto: &Moto) -> Vec<StackResource> {
    let path = repo().join(TEMPLATE);
    let script = format!(
        r#"
cf = c('cloudformation')
cf.create_stack(StackName='parity', TemplateBody=open({path:?}).read())
cf.get_waiter('stack_create_complete').wait(StackName='parity', WaiterConfig={{'Delay': 1, 'MaxAttempts': 30}})
ec2 = c('ec2')
def physical(r):
    p = r.get('PhysicalResourceId', '')
    if r['ResourceType'] != 'AWS::EC2::EIP':
        return p
    return ec2.describe_addresses(PublicIps=[p])['Addresses'][0].get('AllocationId', p)
print(json.dumps([[r['LogicalResourceId'], r['ResourceType'], physical(r), r['ResourceStatus']]
    for r in cf.describe_stack_resources(StackName='parity')['StackResources']]))
"#,
        path = path.display().to_string()
    );
    let out: Vec<Vec<String>> = serde_json::from_str(boto(moto, &script).trim()).unwrap();
    out.into_iter()
        .map(|r| {
            assert_eq!(r[3], "CREATE_COMPLETE", "{r:?}");
            StackResource {
                logical_id: r[0].clone(),
                cfn_type: r[1].clone(),
                physical_id: r[2].clone(),
            }
        })
        .collect()
}

/// The pairs a scan's `findings` fail, each with where it was found (for messages).
type Pairs = BTreeMap<(String, String), String>;

fn show(pairs: &BTreeSet<&(String, String)>) -> String {
    pairs
        .iter()
        .map(|(id, rule)| format!("\n  {id} {rule}"))
        .collect()
}

#[test]
fn a_template_and_the_stack_moto_builds_from_it_give_the_same_findings() {
    // The template, before deploy.
    let out = scan_in_repo(&["--templates", TEMPLATE, "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let planned = json(&out);
    let t = &planned["templates"];
    assert_eq!(t["errors"], serde_json::json!([]), "{t}");
    assert_eq!(t["unsupported_types"], serde_json::json!({}), "{t}");
    assert_eq!(
        t["joined"], 2,
        "the MySQL ingress rule and the decrypt policy"
    );
    assert_eq!(
        planned["not_evaluated"],
        serde_json::json!([]),
        "every value is known"
    );
    let template: Pairs = planned["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let key = (
                f["logical_id"].as_str().unwrap().to_string(),
                f["rule_id"].as_str().unwrap().to_string(),
            );
            (
                key,
                format!("{}:{}", f["file"].as_str().unwrap(), f["line"]),
            )
        })
        .collect();

    // The same template, deployed to moto and scanned there.
    let moto = Moto::start();
    let stack = deploy(&moto);
    assert_eq!(
        t["resources"].as_u64().unwrap() + t["joined"].as_u64().unwrap(),
        stack.len() as u64,
        "moto created every resource of the template (it skips a type it cannot build)"
    );
    let dir = tempfile::tempdir().unwrap();
    let saved = dir.path().join("snapshot.json");
    let out = scan_moto(
        &moto,
        &db(dir.path()),
        &[
            "--format",
            "json",
            "--save-snapshot",
            saved.to_str().unwrap(),
        ],
    );
    let live = json(&out);
    let failed: Vec<&Value> = live["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "complete")
        .collect();
    assert!(
        failed.is_empty(),
        "a failed scope would hide its findings: {failed:#?}\n{}",
        stderr(&out)
    );

    // Every resource with a document was collected, and is found by exactly one live id.
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    let collected = snapshot["resources"].as_array().unwrap();
    for r in stack
        .iter()
        .filter(|r| document_type(&r.cfn_type).is_some())
    {
        let found: Vec<&str> = collected
            .iter()
            .filter(|c| r.is(c["type"].as_str().unwrap(), c["id"].as_str().unwrap()))
            .map(|c| c["id"].as_str().unwrap())
            .collect();
        assert_eq!(
            found.len(),
            1,
            "{} ({}, {}) collected as {found:?}",
            r.logical_id,
            r.cfn_type,
            r.physical_id
        );
    }

    // The Elastic IPs as moto associated them (the idle rule, which reads the association,
    // needs history, so no finding shows it): WebAddress to WebInstance, SpareAddress to none.
    let config = |logical_id: &str| {
        let r = stack.iter().find(|r| r.logical_id == logical_id).unwrap();
        let of = |c: &&Value| r.is(c["type"].as_str().unwrap(), c["id"].as_str().unwrap());
        collected.iter().find(of).unwrap()["config"].clone()
    };
    let instance = stack
        .iter()
        .find(|r| r.logical_id == "WebInstance")
        .unwrap();
    let web = config("WebAddress");
    assert_eq!(web["InstanceId"], instance.physical_id.as_str(), "{web}");
    assert!(web["AssociationId"].is_string(), "{web}");
    let spare = config("SpareAddress");
    assert!(spare["AssociationId"].is_null(), "{spare}");

    let mut deployed = Pairs::new();
    for f in live["findings"].as_array().unwrap() {
        let (ty, id) = (
            f["resource_type"].as_str().unwrap(),
            f["resource_id"].as_str().unwrap(),
        );
        let of: Vec<&StackResource> = stack.iter().filter(|r| r.is(ty, id)).collect();
        assert!(of.len() <= 1, "{id} is more than one resource of the stack");
        if let Some(r) = of.first() {
            assert_eq!(f["status"], "open", "{f}");
            let key = (
                r.logical_id.clone(),
                f["rule_id"].as_str().unwrap().to_string(),
            );
            deployed.insert(key, id.to_string());
        }
    }

    // The same pairs, but for moto's documented differences.
    let both: BTreeSet<&(String, String)> = template
        .keys()
        .filter(|k| deployed.contains_key(*k))
        .collect();
    let key = |d: &Difference| (d.logical_id.to_string(), d.rule.to_string());
    let moto_only: BTreeSet<(String, String)> = MOTO_ONLY.iter().map(key).collect();
    let template_only: BTreeSet<(String, String)> = TEMPLATE_ONLY.iter().map(key).collect();
    // Pairs one side fails that no list explains, and listed pairs the scans do not show so.
    let unexplained = |one: &Pairs, other: &Pairs, listed: &BTreeSet<(String, String)>| {
        let only = |k: &&(String, String)| !other.contains_key(*k) && !listed.contains(*k);
        one.keys().filter(only).cloned().collect::<BTreeSet<_>>()
    };
    let not_seen = |one: &Pairs, other: &Pairs, listed: &BTreeSet<(String, String)>| {
        let seen = |k: &&(String, String)| one.contains_key(*k) && !other.contains_key(*k);
        listed
            .iter()
            .filter(|k| !seen(k))
            .cloned()
            .collect::<BTreeSet<_>>()
    };
    let template_unexplained = unexplained(&template, &deployed, &template_only);
    let moto_unexplained = unexplained(&deployed, &template, &moto_only);
    let mut stale = not_seen(&deployed, &template, &moto_only);
    stale.extend(not_seen(&template, &deployed, &template_only));
    let causes: String = MOTO_ONLY
        .iter()
        .chain(TEMPLATE_ONLY)
        .map(|d| format!("\n  {} {}: {}", d.logical_id, d.rule, d.cause))
        .collect();
    let at: String = template_unexplained
        .iter()
        .map(|k| format!("\n  {} {} at {}", k.0, k.1, template[k]))
        .collect();
    assert!(
        template_unexplained.is_empty() && moto_unexplained.is_empty() && stale.is_empty(),
        "the template and moto's stack differ\n\
         only the template fails, not explained by TEMPLATE_ONLY:{at}\n\
         only moto's stack fails, not explained by MOTO_ONLY:{}\n\
         listed but not what the scans show (both fail, neither, or the other side):{}\n\
         moto's documented differences:{causes}\n\
         both fail:{}",
        show(&moto_unexplained.iter().collect()),
        show(&stale.iter().collect()),
        show(&both),
    );

    // The template exercises each area on both sides: something fails and something
    // passes (the pairs above are the same, so checking one side is enough).
    let fails = |id: &str, rule: &str| template.contains_key(&(id.to_string(), rule.to_string()));
    for (id, rule) in [
        ("PublicBucket", "NET-AWS-005"),
        ("PublicBucket", "TAG-AWS-003"),
        ("SshGroup", "NET-AWS-001"),
        ("SshGroup", "NET-AWS-002"),
        ("AdminRole", "IAM-AWS-001"),
        ("AppRole", "IAM-AWS-004"),
        ("S3AllPolicy", "IAM-AWS-002"),
        ("OpenQueue", "SQS-AWS-001"),
        ("PlainTopic", "SNS-AWS-001"),
        ("AppLogs", "LOG-AWS-007"),
        ("StaleKey", "KMS-AWS-001"),
        ("JobQueue", "TAG-AWS-005"),
        ("OrdersTable", "DDB-AWS-001"),
        ("Repository", "ECR-AWS-004"),
        ("AppVpc", "LOG-AWS-004"),
        ("PlainCluster", "ECS-AWS-006"),
        ("PlainCluster", "TAG-AWS-004"),
        ("BatchTask", "ECS-AWS-001"),
        ("BatchTask", "ECS-AWS-002"),
        ("BatchTask", "ECS-AWS-004"),
        ("BatchTask", "SEC-AWS-002"),
        ("PublicService", "ECS-AWS-005"),
        ("WebInstance", "NET-AWS-004"),
    ] {
        assert!(fails(id, rule), "{id} should fail {rule}");
    }
    for (id, rule) in [
        ("DataBucket", "S3-AWS-001"),
        ("WebGroup", "NET-AWS-001"),
        ("AppRole", "IAM-AWS-001"),
        ("AppReadPolicy", "IAM-AWS-002"),
        ("JobQueue", "SQS-AWS-001"),
        ("KeyedTopic", "SNS-AWS-001"),
        ("AuditLogs", "LOG-AWS-007"),
        ("DataKey", "KMS-AWS-001"),
        ("OrdersTable", "DDB-AWS-003"),
        ("Repository", "ECR-AWS-002"),
        ("OpenQueue", "TAG-AWS-004"),
        ("AppVpc", "TAG-AWS-004"),
        ("AppSubnet", "NET-AWS-009"),
        ("InsightsCluster", "ECS-AWS-006"),
        ("WebTask", "ECS-AWS-001"),
        ("WebTask", "ECS-AWS-002"),
        ("WebTask", "ECS-AWS-004"),
        ("WebTask", "SEC-AWS-002"),
        ("PrivateService", "ECS-AWS-005"),
        ("WebInstance", "EC2-AWS-001"),
    ] {
        assert!(!fails(id, rule), "{id} should pass {rule}");
    }
}
