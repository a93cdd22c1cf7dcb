//! AWS Config as the source (`[collectors.aws] source = "config"`): moto's real recorder
//! decides what is recorded, and SelectResourceConfig (which moto's server does not answer)
//! comes from recorded items served by tests/fixtures/throttle_proxy.py. The types Config
//! gives come from its items; what the recorder does not record, or a stopped recorder,
//! fails those scopes and resolves nothing; the rest is read live.

use serde_json::{json, Value};

use crate::common::*;

const VOLUME_ARN: &str = "arn:aws:ec2:us-east-1:123456789012:volume/vol-0fromconfig";

/// One recorded volume (unencrypted) and one customer-managed key without rotation, as
/// SelectResourceConfig gives them; and an instance the recorder does not record.
fn items() -> Value {
    json!({
        "AWS::EC2::Volume": [{
            "accountId": "123456789012", "arn": VOLUME_ARN, "awsRegion": "us-east-1",
            "resourceType": "AWS::EC2::Volume", "resourceId": "vol-0fromconfig",
            "configurationItemStatus": "OK",
            "configurationItemCaptureTime": "2026-12-01T10:00:00.000Z",
            "configuration": {"volumeId": "vol-0fromconfig", "size": 8, "volumeType": "gp3",
                "state": {"value": "available"}, "encrypted": false,
                "createTime": "2026-11-01T10:00:00.000Z", "availabilityZone": "us-east-1a",
                "attachments": []},
            "supplementaryConfiguration": {},
            "tags": [{"key": "owner", "value": "shop"}]
        }],
        "AWS::KMS::Key": [{
            "accountId": "123456789012", "arn": "arn:aws:kms:us-east-1:123456789012:key/k-config",
            "awsRegion": "us-east-1", "resourceType": "AWS::KMS::Key", "resourceId": "k-config",
            "configurationItemStatus": "OK",
            "configuration": {"keyId": "k-config", "arn": "arn:aws:kms:us-east-1:123456789012:key/k-config",
                "keyManager": "CUSTOMER", "keySpec": "SYMMETRIC_DEFAULT", "keyUsage": "ENCRYPT_DECRYPT",
                "keyState": "Enabled", "enabled": true, "description": "orders",
                "creationDate": "2026-11-01T10:00:00.000Z"},
            "supplementaryConfiguration": {"KeyRotationStatus": "false"}
        }],
        "AWS::EC2::Instance": [{
            "accountId": "123456789012", "arn": "arn:aws:ec2:us-east-1:123456789012:instance/i-unrecorded",
            "awsRegion": "us-east-1", "resourceType": "AWS::EC2::Instance",
            "configurationItemStatus": "OK",
            "configuration": {"instanceId": "i-unrecorded", "state": {"name": "running"}}
        }]
    })
}

fn scan(dir: &std::path::Path, url: &str, db: &str) -> (std::process::Output, Value) {
    let cfg = dir.join("vigil.toml");
    std::fs::write(
        &cfg,
        format!(
            "[collectors.aws]\nendpoint_url = \"{url}\"\nregions = [\"us-east-1\"]\n\
             services = [\"ec2\", \"kms\"]\nmax_attempts = 1\nsource = \"config\"\n"
        ),
    )
    .unwrap();
    let check = vigil(&["config", "check", cfg.to_str().unwrap()]);
    assert!(
        stdout(&check).contains("the types AWS Config records read from its configuration items"),
        "{}",
        stdout(&check)
    );
    let out = vigil_env(
        &[
            "scan",
            "--config",
            cfg.to_str().unwrap(),
            "--db",
            db,
            "--format",
            "json",
        ],
        &[
            ("VIGIL_LOG", "collect::aws::api=debug"),
            ("VIGIL_LOG_FORMAT", "json"),
        ],
    );
    // The Config calls sent are the ones deploy/iam-policy.json grants for this source.
    let sent: std::collections::BTreeSet<String> = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == "collect::aws::api" && v["service"] == "config")
        .map(|v| v["operation"].as_str().unwrap().to_string())
        .collect();
    let listed: std::collections::BTreeSet<String> = vigil::collect::aws::services::CONFIG
        .iter()
        .map(|c| c.operation.to_string())
        .collect();
    assert!(sent.is_subset(&listed) && !sent.is_empty(), "{sent:?}");
    let doc = json(&out);
    (out, doc)
}

fn coverage(doc: &Value, t: &str) -> Value {
    doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == format!("aws/123456789012/us-east-1/{t}"))
        .cloned()
        .unwrap_or_else(|| panic!("no scope for {t}: {}", doc["scan"]["coverage"]))
}

#[test]
fn recorded_types_come_from_config_items_and_unrecorded_ones_fail() {
    let moto = Moto::start();
    // The real recorder: volumes and keys only. A live volume exists too, which Config has
    // not recorded: with Config as the source, vigil must not see it.
    boto(
        &moto,
        r#"
cfg = c('config')
cfg.put_configuration_recorder(ConfigurationRecorder={'name': 'default',
    'roleARN': 'arn:aws:iam::123456789012:role/config',
    'recordingGroup': {'allSupported': False, 'includeGlobalResourceTypes': False,
                       'resourceTypes': ['AWS::EC2::Volume', 'AWS::KMS::Key']}})
cfg.put_delivery_channel(DeliveryChannel={'name': 'default', 's3BucketName': 'config-bucket'})
cfg.start_configuration_recorder(ConfigurationRecorderName='default')
c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8, Encrypted=False)
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let fixture = dir.path().join("items.json");
    std::fs::write(&fixture, items().to_string()).unwrap();
    let db = db(dir.path());
    let (mut proxy, url) = proxy(
        &moto,
        "none",
        0,
        &[("PROXY_CONFIG_ITEMS", fixture.to_str().unwrap())],
    );
    let (out, first) = scan(dir.path(), &url, &db);
    assert_eq!(first["scan"]["status"], "partial", "{}", stderr(&out));

    // From the items: the recorded volume and key, each with its findings.
    let volumes: Vec<&str> = first["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "EBS-AWS-001")
        .map(|f| f["resource_id"].as_str().unwrap())
        .collect();
    assert_eq!(volumes, [VOLUME_ARN], "only the volume Config recorded");
    assert!(
        finding(&first, "KMS-AWS-001", "key/k-config").is_some(),
        "the key's rotation came from supplementaryConfiguration: {}",
        first["findings"]
    );
    assert_eq!(coverage(&first, "AWS::EC2::Volume")["status"], "complete");
    assert_eq!(coverage(&first, "AWS::KMS::Key")["status"], "complete");
    // Not recorded: failed with the reason, never complete and empty.
    for t in [
        "AWS::EC2::Instance",
        "AWS::EC2::EIP",
        "AWS::EC2::SecurityGroup",
    ] {
        let c = coverage(&first, t);
        assert_eq!(c["status"], "failed", "{t}");
        assert!(
            c["error"]
                .as_str()
                .unwrap()
                .contains(&format!("does not record {t}")),
            "{c}"
        );
    }
    // What Config does not give is read live.
    for t in [
        "AWS::EC2::VPC",
        "AWS::EC2::Snapshot",
        "AWS::EC2::EBSEncryptionDefault",
    ] {
        assert_eq!(coverage(&first, t)["status"], "complete", "{t}");
    }

    // The recorder stopped: every Config-sourced scope fails and nothing of it resolves.
    boto(
        &moto,
        "c('config').stop_configuration_recorder(ConfigurationRecorderName='default')",
    );
    let (out, second) = scan(dir.path(), &url, &db);
    let _ = proxy.kill();
    assert_eq!(second["scan"]["status"], "partial", "{}", stderr(&out));
    let c = coverage(&second, "AWS::EC2::Volume");
    assert_eq!(c["status"], "failed");
    assert!(c["error"].as_str().unwrap().contains("is stopped"), "{c}");
    let still = finding(&second, "EBS-AWS-001", "vol-0fromconfig").expect("still listed");
    assert_eq!(still["status"], "open");
    assert_eq!(
        still["stale"], true,
        "open and stale, not resolved: {still}"
    );
}

/// Items recorded from real accounts by another project (Cloud Custodian's test data; see
/// tests/fixtures/config/custodian/README.md) become documents: both range shapes, ports
/// that SELECT answered as floats, a deleted item, supplementary rotation status.
#[test]
fn items_recorded_from_real_accounts_become_documents() {
    use vigil::collect::aws::config_items::{item, resource};
    let read = |file: &str, t: &str| -> Vec<Option<vigil::model::Resource>> {
        let path = repo().join("tests/fixtures/config/custodian").join(file);
        let d: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let data = &d["data"];
        let items: Vec<Value> = match data.get("Results") {
            Some(r) => r
                .as_array()
                .unwrap()
                .iter()
                .map(|s| serde_json::from_str(s.as_str().unwrap()).unwrap())
                .collect(),
            None => data["configurationItems"].as_array().unwrap().clone(),
        };
        items
            .into_iter()
            .map(|mut i| {
                // Custodian's SELECT asked for no envelope: the type, account and region.
                let o = i.as_object_mut().unwrap();
                o.entry("resourceType").or_insert(json!(t));
                o.entry("accountId").or_insert(json!("644160558196"));
                o.entry("awsRegion").or_insert(json!("us-east-1"));
                o.entry("arn").or_insert(json!(format!("{file}#item")));
                o.entry("configurationItemStatus").or_insert(json!("OK"));
                resource(&item(&i).unwrap()).unwrap_or_else(|e| panic!("{file}: {e}"))
            })
            .collect()
    };
    let sg = read("sg-history.json", "AWS::EC2::SecurityGroup");
    let first = sg[0].as_ref().unwrap();
    assert_eq!(
        first.id,
        "arn:aws:ec2:us-east-1:644160558196:security-group/sg-a38ed1de"
    );
    assert_eq!(
        first.config["IpPermissions"][0],
        json!({"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []})
    );
    let pair = read("sg-group-pair-history.json", "AWS::EC2::SecurityGroup");
    assert_eq!(
        pair[0].as_ref().unwrap().config["IpPermissions"][0]["UserIdGroupPairs"],
        json!([{"GroupId": "sg-aa6c90c3"}])
    );
    let floats = read("sg-select-float-ports.json", "AWS::EC2::SecurityGroup");
    let ports = &floats[0].as_ref().unwrap().config["IpPermissions"];
    assert!(
        ports
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["FromPort"] == json!(22)),
        "22.0 is the port 22: {ports}"
    );
    assert!(read("sg-select-default.json", "AWS::EC2::SecurityGroup")[0].is_some());
    let volumes = read("volume-history.json", "AWS::EC2::Volume");
    assert!(volumes[0].is_none(), "the deleted item is no document");
    let v = volumes[1].as_ref().unwrap();
    assert_eq!(v.config["Encrypted"], true);
    // As the live collector writes the SDK's time: its milliseconds kept.
    assert_eq!(v.config["CreateTime"], "2017-01-18T02:20:33.122Z");
    assert_eq!(v.config["Attachments"][0]["InstanceId"], "i-12345");
    let keys = read("kms-select.json", "AWS::KMS::Key");
    let k = keys[0].as_ref().unwrap();
    assert_eq!(k.config["KeyRotationEnabled"], false);
    assert_eq!(k.config["KeyManager"], "CUSTOMER");
}

/// A scan of moto with `collectors` as the `[collectors.aws]` keys (besides the endpoint and
/// region), saving its snapshot: (output, findings JSON, the Config calls sent, the snapshot).
fn scan_with(
    dir: &std::path::Path,
    url: &str,
    db: &str,
    collectors: &str,
    name: &str,
) -> (
    std::process::Output,
    Value,
    std::collections::BTreeSet<String>,
    Value,
) {
    let cfg = dir.join(format!("{name}.toml"));
    std::fs::write(
        &cfg,
        format!(
            "[collectors.aws]\nendpoint_url = \"{url}\"\nregions = [\"us-east-1\"]\nmax_attempts = 1\n{collectors}"
        ),
    )
    .unwrap();
    let saved = dir.join(format!("{name}.snapshot.json"));
    let out = vigil_env(
        &[
            "scan",
            "--config",
            cfg.to_str().unwrap(),
            "--db",
            db,
            "--format",
            "json",
            "--save-snapshot",
            saved.to_str().unwrap(),
        ],
        &[
            ("VIGIL_LOG", "collect::aws::api=debug"),
            ("VIGIL_LOG_FORMAT", "json"),
        ],
    );
    let sent = stderr(&out)
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|v| v["target"] == "collect::aws::api" && v["service"] == "config")
        .map(|v| v["operation"].as_str().unwrap().to_string())
        .collect();
    let doc = json(&out);
    let snapshot = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap_or_default())
        .unwrap_or(Value::Null);
    (out, doc, sent, snapshot)
}

/// The resource of this id in a saved snapshot.
fn resource<'a>(snapshot: &'a Value, id_end: &str) -> Option<&'a Value> {
    snapshot["resources"]
        .as_array()?
        .iter()
        .find(|r| r["id"].as_str().is_some_and(|i| i.ends_with(id_end)))
}

const RECORD_ALL: &str = r#"
cfg = c('config')
cfg.put_configuration_recorder(ConfigurationRecorder={'name': 'default',
    'roleARN': 'arn:aws:iam::123456789012:role/config',
    'recordingGroup': {'allSupported': True, 'includeGlobalResourceTypes': True}})
cfg.put_delivery_channel(DeliveryChannel={'name': 'default', 's3BucketName': 'config-bucket'})
cfg.start_configuration_recorder(ConfigurationRecorderName='default')
trust = json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow',
    'Principal': {'Service': 'ec2.amazonaws.com'}, 'Action': 'sts:AssumeRole'}]})
c('iam').create_role(RoleName='app', AssumeRolePolicyDocument=trust, Description='the app',
    Tags=[{'Key': 'owner', 'Value': 'shop'}])
"#;

/// SELECT answers nothing (moto's server never does) while Config lists roles: the roles
/// come from ListDiscoveredResources + BatchGetResourceConfig (moto's own configuration
/// items), each the document the live collector builds for the same role.
#[test]
fn when_select_finds_nothing_the_items_come_from_the_listing_and_batch_reads() {
    let moto = Moto::start();
    boto(&moto, RECORD_ALL);
    let dir = tempfile::tempdir().unwrap();
    let db = db(dir.path());
    // Through the proxy only for moto's batch-read times (docs/moto-notes.md, Config).
    let (mut proxy, url) = proxy(&moto, "none", 0, &[]);
    let (out, doc, sent, snapshot) = scan_with(
        dir.path(),
        &url,
        &db,
        "services = [\"iam\"]\nsource = \"config\"\n",
        "config",
    );
    let _ = proxy.kill();
    let role = coverage_of(&doc, "aws/123456789012/global/AWS::IAM::Role");
    assert_eq!(role["status"], "complete", "{role}\n{}", stderr(&out));
    for op in [
        "SelectResourceConfig",
        "ListDiscoveredResources",
        "BatchGetResourceConfig",
    ] {
        assert!(sent.contains(op), "{op} in {sent:?}");
    }
    let from_config = resource(&snapshot, ":role/app").expect("the role, from its item");
    let live_db = dir.path().join("live.db");
    let (out, _, _, live) = scan_with(
        dir.path(),
        &moto.url,
        live_db.to_str().unwrap(),
        "services = [\"iam\"]\n",
        "live",
    );
    let from_api = resource(&live, ":role/app").unwrap_or_else(|| panic!("{}", stderr(&out)));
    assert_eq!(from_config["tags"], json!({"owner": "shop"}));
    assert_eq!(
        from_config, from_api,
        "the same role read from its configuration item and from IAM"
    );
}

fn coverage_of(doc: &Value, scope: &str) -> Value {
    doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["scope"] == scope)
        .cloned()
        .unwrap_or_else(|| panic!("no scope {scope}: {}", doc["scan"]["coverage"]))
}

/// `source = "config-aggregator"`: the items come from the aggregator (SELECT for the
/// volume, its listing and batch reads for the roles) with the hub's credentials, only
/// where the aggregator's source for the account and region last succeeded; the account's
/// own recorder still says what is recorded.
#[test]
fn an_aggregator_is_read_where_its_source_last_succeeded() {
    let moto = Moto::start();
    boto(
        &moto,
        &(RECORD_ALL.to_string()
            + r#"
cfg.put_configuration_aggregator(ConfigurationAggregatorName='org',
    AccountAggregationSources=[{'AccountIds': ['123456789012'], 'AllAwsRegions': True}])
"#),
    );
    let dir = tempfile::tempdir().unwrap();
    let items = dir.path().join("items.json");
    std::fs::write(&items, items_of(&["AWS::EC2::Volume"]).to_string()).unwrap();
    let status = dir.path().join("status.json");
    let write_status = |s: &str| {
        std::fs::write(
            &status,
            json!([{"SourceId": "123456789012", "SourceType": "ACCOUNT", "AwsRegion": "us-east-1",
                "LastUpdateStatus": s, "LastUpdateTime": 1.7649e9,
                "LastErrorCode": if s == "SUCCEEDED" { Value::Null } else { json!("AccessDeniedException") }}])
            .to_string(),
        )
        .unwrap()
    };
    write_status("SUCCEEDED");
    let db = db(dir.path());
    let (mut proxy, url) = proxy(
        &moto,
        "none",
        0,
        &[
            ("PROXY_CONFIG_ITEMS", items.to_str().unwrap()),
            ("PROXY_AGGREGATOR_STATUS", status.to_str().unwrap()),
        ],
    );
    let keys =
        "services = [\"ec2\", \"iam\"]\nsource = \"config-aggregator\"\naggregator = \"org\"\n";
    let check_cfg = dir.path().join("check.toml");
    std::fs::write(&check_cfg, format!("[collectors.aws]\n{keys}")).unwrap();
    assert!(
        stdout(&vigil(&["config", "check", check_cfg.to_str().unwrap()]))
            .contains("read from aggregator org's configuration items"),
    );
    let (out, first, sent, snapshot) = scan_with(dir.path(), &url, &db, keys, "agg");
    for op in [
        "DescribeConfigurationAggregatorSourcesStatus",
        "SelectAggregateResourceConfig",
        "ListAggregateDiscoveredResources",
        "BatchGetAggregateResourceConfig",
        "DescribeConfigurationRecorders",
    ] {
        assert!(sent.contains(op), "{op} in {sent:?}\n{}", stderr(&out));
    }
    assert!(!sent.contains("SelectResourceConfig"), "{sent:?}");
    for scope in [
        "aws/123456789012/us-east-1/AWS::EC2::Volume",
        "aws/123456789012/global/AWS::IAM::Role",
    ] {
        let c = coverage_of(&first, scope);
        assert_eq!(c["status"], "complete", "{c}\n{}", stderr(&out));
    }
    assert!(finding(&first, "EBS-AWS-001", "vol-0fromconfig").is_some());
    assert!(
        resource(&snapshot, ":role/app").is_some(),
        "the role, from the aggregator"
    );

    // A listed account, read through its role: the aggregator is still read with the
    // hub's keys (not the member's role), once.
    let listed = format!(
        "{keys}\n[[collectors.aws.accounts]]\nid = \"123456789012\"\nname = \"shop\"\n\
         role_arn = \"arn:aws:iam::123456789012:role/VigilReader\"\n"
    );
    let (out, through_role, sent, _) = scan_with(dir.path(), &url, &db, &listed, "listed");
    let c = coverage_of(&through_role, "aws/123456789012/us-east-1/AWS::EC2::Volume");
    assert_eq!(c["status"], "complete", "{c}\n{}", stderr(&out));
    assert!(sent.contains("DescribeConfigurationAggregatorSourcesStatus"));

    // The aggregator's source failed: its scopes fail with the reason, nothing resolves.
    write_status("FAILED");
    let (out, second, _, _) = scan_with(dir.path(), &url, &db, keys, "agg");
    let _ = proxy.kill();
    let c = coverage_of(&second, "aws/123456789012/us-east-1/AWS::EC2::Volume");
    assert_eq!(c["status"], "failed", "{}", stderr(&out));
    assert!(
        c["error"]
            .as_str()
            .unwrap()
            .contains("aggregator org's source 123456789012 in us-east-1 last updated FAILED"),
        "{c}"
    );
    let still = finding(&second, "EBS-AWS-001", "vol-0fromconfig").expect("still listed");
    assert_eq!(
        (&still["status"], &still["stale"]),
        (&json!("open"), &json!(true))
    );
    // Live-only types are still read live.
    assert_eq!(
        coverage_of(&second, "aws/123456789012/us-east-1/AWS::EC2::Snapshot")["status"],
        "complete"
    );
}

/// [`items`] of these types only.
fn items_of(types: &[&str]) -> Value {
    let all = items();
    Value::Object(
        all.as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| types.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    )
}
