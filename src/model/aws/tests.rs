//! Each AWS document type held to `docs/resources.md`: the fields its row lists (and the
//! fields inside each object or list the row spells out) are exactly the type's fields.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

use super::*;

const DOC: &str = include_str!("../../../docs/resources.md");

/// A documented field: `Name`, `Name?`, `Name{A, B}`, `Name[{A, B}]`, `Name[…]`.
#[derive(Debug)]
struct Field {
    name: String,
    /// The fields inside, when the row spells them out.
    inner: Option<Vec<Field>>,
    list: bool,
}

/// The `config` fields the row of `ty` lists: the code spans that start with a field name,
/// before the row's prose (` — `, `; `).
fn documented(ty: &str) -> Vec<Field> {
    let row = DOC
        .lines()
        .find(|l| l.starts_with(&format!("| `{ty}` |")))
        .unwrap_or_else(|| panic!("docs/resources.md has no row for {ty}"));
    let cell = row.splitn(3, " | ").nth(2).unwrap_or_default();
    let cell = cell.split(" — ").next().unwrap_or_default();
    let cell = cell.split("; ").next().unwrap_or_default();
    let spans: Vec<&str> = cell
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|s| s.starts_with(|c: char| c.is_ascii_uppercase()))
        .collect();
    let text = spans.join(", ");
    let mut chars = text.chars().peekable();
    let fields = parse_list(&mut chars);
    assert!(
        chars.next().is_none(),
        "{ty}: unbalanced field list `{text}`"
    );
    fields
}

fn parse_list(s: &mut std::iter::Peekable<std::str::Chars>) -> Vec<Field> {
    let mut out = Vec::new();
    loop {
        while s.peek().is_some_and(|c| *c == ' ' || *c == ',') {
            s.next();
        }
        let mut name = String::new();
        while let Some(c) = s.peek().copied().filter(|c| c.is_ascii_alphanumeric()) {
            name.push(c);
            s.next();
        }
        if name.is_empty() {
            return out;
        }
        if s.peek() == Some(&'?') {
            s.next();
        }
        let (inner, list) = match s.peek() {
            Some('{') => (nested(s, '}'), false),
            Some('[') => {
                s.next();
                let inner = if s.peek() == Some(&'{') {
                    nested(s, '}')
                } else {
                    skip_to(s, ']');
                    None
                };
                assert_eq!(s.next(), Some(']'), "{name}: `[` without `]`");
                (inner, true)
            }
            _ => (None, false),
        };
        out.push(Field { name, inner, list });
    }
}

/// `{A, B}` → Some([A, B]); `{…}` → None (the row does not spell it out).
fn nested(s: &mut std::iter::Peekable<std::str::Chars>, close: char) -> Option<Vec<Field>> {
    s.next();
    if s.peek() == Some(&'…') {
        skip_to(s, close);
        s.next();
        return None;
    }
    let inner = parse_list(s);
    assert_eq!(s.next(), Some(close), "a field list without `{close}`");
    Some(inner)
}

fn skip_to(s: &mut std::iter::Peekable<std::str::Chars>, close: char) {
    while s.peek().is_some_and(|c| *c != close) {
        s.next();
    }
}

/// A document with every spelled-out object present (empty) and every spelled-out list
/// holding one empty object, so serializing shows each level's fields.
fn skeleton(fields: &[Field]) -> Value {
    let mut m = Map::new();
    for f in fields {
        if let Some(inner) = &f.inner {
            let v = skeleton(inner);
            m.insert(
                f.name.clone(),
                if f.list { Value::Array(vec![v]) } else { v },
            );
        }
    }
    Value::Object(m)
}

fn compare(path: &str, fields: &[Field], v: &Value) {
    let v = match v {
        Value::Array(a) => &a[0],
        v => v,
    };
    let have: BTreeSet<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("{path}: not an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    let documented: BTreeSet<&str> = fields.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        have, documented,
        "{path}: the document's fields differ from docs/resources.md"
    );
    for f in fields {
        if let Some(inner) = &f.inner {
            compare(&format!("{path}.{}", f.name), inner, &v[&f.name]);
        }
    }
}

fn holds_to_docs<D: Document>() {
    let fields = documented(D::TYPE);
    let doc: D = serde_json::from_value(skeleton(&fields))
        .unwrap_or_else(|e| panic!("{}: the documented shape does not parse: {e}", D::TYPE));
    compare(D::TYPE, &fields, &serde_json::to_value(&doc).unwrap());
}

macro_rules! documented {
    ($($test:ident: $ty:ty,)*) => {
        $(#[test]
        fn $test() {
            holds_to_docs::<$ty>();
        })*

        #[test]
        fn every_type_has_a_document() {
            let typed: BTreeSet<&str> = [$(<$ty as Document>::TYPE),*].into_iter().collect();
            let all: BTreeSet<&str> = TYPES.iter().flat_map(|t| t.iter().copied()).collect();
            assert_eq!(typed, all);
        }
    };
}

documented! {
    ec2_instance: ec2::Instance,
    ec2_volume: ec2::Volume,
    ec2_snapshot: ec2::Snapshot,
    ec2_eip: ec2::Eip,
    ec2_security_group: ec2::SecurityGroup,
    ec2_vpc: ec2::Vpc,
    ec2_ebs_encryption_default: ec2::EbsEncryptionDefault,
    iam_user: iam::User,
    iam_role: iam::Role,
    iam_group: iam::Group,
    iam_policy: iam::Policy,
    iam_root_user: iam::RootUser,
    s3_bucket: s3::Bucket,
    kms_key: kms::Key,
    rds_db_instance: rds::DbInstance,
    cloudtrail_trail: cloudtrail::Trail,
    cloudtrail_region_coverage: cloudtrail::RegionCoverage,
    ec2_network_acl: network::NetworkAcl,
    ec2_subnet: network::Subnet,
    ec2_nat_gateway: network::NatGateway,
    iam_password_policy: guards::PasswordPolicy,
    s3_account_public_access_block: guards::AccountPublicAccessBlock,
    rds_db_cluster: rds::DbCluster,
    eks_cluster: eks::Cluster,
    ecs_cluster: ecs::Cluster,
    ecs_task_definition: ecs::TaskDefinition,
    ecs_service: ecs::Service,
    lambda_function: lambda::Function,
    ecr_repository: ecr::Repository,
    elbv2_load_balancer: elbv2::LoadBalancer,
    wafv2_web_acl: wafv2::WebAcl,
    acm_certificate: acm::Certificate,
    secretsmanager_secret: secretsmanager::Secret,
    logs_log_group: logs::LogGroup,
    sns_topic: messaging::Topic,
    sqs_queue: messaging::Queue,
    dynamodb_table: dynamodb::Table,
    elasticache_replication_group: elasticache::ReplicationGroup,
    efs_file_system: efs::FileSystem,
    guardduty_detector: guards::Detector,
    securityhub_hub: guards::Hub,
    config_recorder: guards::ConfigurationRecorder,
    access_analyzer_coverage: guards::AnalyzerCoverage,
}

#[test]
fn the_parser_reads_nested_fields() {
    let f = documented("AWS::S3::Bucket");
    let sse = f
        .iter()
        .find(|f| f.name == "ServerSideEncryptionConfiguration")
        .unwrap();
    let rules = &sse.inner.as_ref().unwrap()[0];
    assert!(rules.list && rules.name == "Rules");
    let default = &rules.inner.as_ref().unwrap()[0];
    let names: Vec<&str> = default
        .inner
        .as_ref()
        .unwrap()
        .iter()
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(names, ["SSEAlgorithm", "KMSMasterKeyID"]);
}

#[test]
fn a_plain_document_gives_the_same_resource() {
    let at = Place {
        account: "123456789012",
        region: "us-east-1",
    };
    // As `aws ec2 describe-instances` prints it: more fields than vigil keeps.
    let api = serde_json::json!({
        "InstanceId": "i-0abc", "InstanceType": "t3.micro", "Architecture": "x86_64",
        "State": {"Code": 80, "Name": "stopped"},
        "StateTransitionReason": "User initiated (2024-01-01 12:00:00 GMT)",
        "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}],
        "Tags": [{"Key": "Name", "Value": "web-1"}]
    });
    let tags = [("Name".to_string(), "web-1".to_string())].into();
    let r = from_document::<ec2::Instance>(&at, api, tags).unwrap();
    assert_eq!(r.id, "arn:aws:ec2:us-east-1:123456789012:instance/i-0abc");
    assert_eq!(r.name.as_deref(), Some("web-1"));
    assert_eq!(
        r.config,
        serde_json::json!({"InstanceId": "i-0abc", "InstanceType": "t3.micro",
            "State": {"Name": "stopped"},
            "StateTransitionReason": "User initiated (2024-01-01 12:00:00 GMT)",
            "StoppedAt": "2024-01-01T12:00:00Z",
            "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}],
            "BlockDeviceMappings": []}),
        "fields vigil does not keep are dropped, and StoppedAt is derived"
    );
    let bad = from_document::<ec2::Volume>(&at, serde_json::json!({"Size": "big"}), tags_none());
    assert!(bad.unwrap_err().to_string().contains("invalid type"));
}

fn tags_none() -> std::collections::BTreeMap<String, String> {
    Default::default()
}
