//! End to end against moto's server: real SDK calls, the real binary, SQLite on disk.

use crate::common;

use common::*;

const REGIONS: [&str; 4] = ["--region", "us-east-1", "--region", "eu-west-1"];

/// The services vigil first read (`--service` for each): the test that needs moto's IAM
/// enforcement uses them (docs/moto-notes.md says why).
const FIRST_EIGHT: &[&str] = &[
    "--service",
    "ec2",
    "--service",
    "iam",
    "--service",
    "s3",
    "--service",
    "kms",
    "--service",
    "rds",
    "--service",
    "cloudtrail",
];

fn scan(moto: &Moto, dbpath: &str, extra: &[&str]) -> (std::process::Output, serde_json::Value) {
    let mut args = vec![
        "scan",
        "--endpoint-url",
        &moto.url,
        "--db",
        dbpath,
        "--format",
        "json",
    ];
    args.extend_from_slice(&REGIONS);
    args.extend_from_slice(extra);
    let out = vigil(&args);
    let doc = json(&out);
    (out, doc)
}

#[test]
fn findings_open_resolve_and_reopen_across_scans() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let dbpath = db(dir.path());
    boto(
        &moto,
        r#"
ec2 = c('ec2')
vol = ec2.create_volume(AvailabilityZone='us-east-1a', Size=8, Encrypted=False)['VolumeId']
sg = ec2.create_security_group(GroupName='ssh-open', Description='ssh')['GroupId']
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}])
print(json.dumps({'vol': vol, 'sg': sg}))
"#,
    );
    let (out, doc) = scan(&moto, &dbpath, &[]);
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    assert_eq!(out.status.code(), Some(1), "high findings fail the gate");
    let vol = finding(&doc, "EBS-AWS-001", ":volume/").expect("unencrypted volume reported");
    assert_eq!(vol["status"], "open");
    assert_eq!(vol["severity"], "high");
    assert!(vol["controls"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c == "SC-28(1)"));
    let ssh = finding(&doc, "NET-AWS-001", ":security-group/").expect("world-open SSH reported");
    let first_seen = ssh["first_seen"].as_str().unwrap().to_string();

    // Fix both: revoke the rule, delete the volume.
    boto(
        &moto,
        r#"
ec2 = c('ec2')
for v in ec2.describe_volumes()['Volumes']:
    ec2.delete_volume(VolumeId=v['VolumeId'])
sg = ec2.describe_security_groups(GroupNames=['ssh-open'])['SecurityGroups'][0]['GroupId']
ec2.revoke_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}])
"#,
    );
    let (_, doc2) = scan(&moto, &dbpath, &[]);
    assert_eq!(
        finding(&doc2, "EBS-AWS-001", ":volume/").unwrap()["status"],
        "resolved"
    );
    assert_eq!(
        finding(&doc2, "NET-AWS-001", ":security-group/").unwrap()["status"],
        "resolved"
    );
    assert!(doc2["summary"]["lifecycle"]["resolved"].as_u64().unwrap() >= 2);

    // It comes back: reopened, first_seen kept.
    boto(
        &moto,
        r#"
ec2 = c('ec2')
sg = ec2.describe_security_groups(GroupNames=['ssh-open'])['SecurityGroups'][0]['GroupId']
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}])
"#,
    );
    let (_, doc3) = scan(&moto, &dbpath, &[]);
    let ssh3 = finding(&doc3, "NET-AWS-001", ":security-group/").unwrap();
    assert_eq!(ssh3["status"], "reopened");
    assert_eq!(ssh3["first_seen"], first_seen.as_str());
}

/// moto enforces IAM once `INITIAL_NO_AUTH_ACTION_COUNT` unauthenticated calls are used up:
/// the scanner's own policy then denies KMS, so that scope fails and the rest is scanned.
#[test]
fn denied_service_makes_a_partial_scan_and_keeps_its_findings_open() {
    // Exactly 4 unauthenticated calls: create_user, put_user_policy, create_access_key, create_key.
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "4")]);
    let keys = boto(
        &moto,
        r#"
iam = c('iam')
iam.create_user(UserName='scanner')
iam.put_user_policy(UserName='scanner', PolicyName='all', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}))
k = iam.create_access_key(UserName='scanner')['AccessKey']
c('kms').create_key(Description='no rotation')
print(k['AccessKeyId'], k['SecretAccessKey'])
"#,
    );
    let mut it = keys.split_whitespace();
    let (key, secret) = (
        it.next().unwrap().to_string(),
        it.next().unwrap().to_string(),
    );
    let dir = tempfile::tempdir().unwrap();
    let dbpath = db(dir.path());
    let env = [
        ("AWS_ACCESS_KEY_ID", key.as_str()),
        ("AWS_SECRET_ACCESS_KEY", secret.as_str()),
    ];
    // The first eight services: moto checks signatures once IAM is enforced and rejects the
    // SDK's REST-JSON GET requests (EKS, Lambda, GuardDuty, ...) as SignatureDoesNotMatch.
    let mut args = vec![
        "scan",
        "--endpoint-url",
        &moto.url,
        "--db",
        &dbpath,
        "--format",
        "json",
        "--region",
        "us-east-1",
    ];
    args.extend_from_slice(FIRST_EIGHT);
    let out = vigil_env(&args, &env);
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    let kms = finding(&doc, "KMS-AWS-001", ":key/").expect("key without rotation reported");
    assert_eq!(kms["status"], "open");
    assert_eq!(kms["stale"], false);

    // Now deny KMS to the scanner (and rotate the key, which it can no longer see).
    boto_as(
        &moto,
        r#"
kms = c('kms')
kid = kms.list_keys()['Keys'][0]['KeyId']
kms.enable_key_rotation(KeyId=kid)
c('iam').put_user_policy(UserName='scanner', PolicyName='all', PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [
    {'Effect': 'Allow', 'Action': '*', 'Resource': '*'},
    {'Effect': 'Deny', 'Action': 'kms:*', 'Resource': '*'}]}))
"#,
        &key,
        &secret,
    );
    let out = vigil_env(&args, &env);
    let doc = json(&out);
    assert_eq!(doc["scan"]["status"], "partial");
    let failed: Vec<_> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0]["scope"]
        .as_str()
        .unwrap()
        .ends_with("/us-east-1/AWS::KMS::Key"));
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("AccessDenied"),
        "{failed:?}"
    );
    // The rotation was fixed, but vigil could not see it: the finding must stay open, stale.
    let kms = finding(&doc, "KMS-AWS-001", ":key/").expect("still reported");
    assert_eq!(kms["status"], "open");
    assert_eq!(kms["stale"], true);
    // Every other scope was scanned and stored.
    assert!(
        doc["scan"]["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["status"] == "complete")
            .count()
            > 10
    );
    assert!(stderr(&out).contains("partial"));
}

#[test]
fn endpoint_down_is_an_error_and_loses_nothing() {
    let moto = Moto::start();
    boto(
        &moto,
        "c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)",
    );
    let dir = tempfile::tempdir().unwrap();
    let dbpath = db(dir.path());
    let (_, doc) = scan(&moto, &dbpath, &[]);
    let before = active(&doc);
    assert!(!before.is_empty());
    let closed = format!("http://127.0.0.1:{}", free_port());
    let out = vigil(&[
        "scan",
        "--endpoint-url",
        &closed,
        "--db",
        &dbpath,
        "--region",
        "us-east-1",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("Connection refused") || stderr(&out).contains("connect"),
        "{}",
        stderr(&out)
    );
    // The next good scan sees the same open findings, none resolved by the failure.
    let (_, doc2) = scan(&moto, &dbpath, &[]);
    assert_eq!(active(&doc2), before);
    assert_eq!(doc2["summary"]["lifecycle"]["resolved"], 0);
}

#[test]
fn saved_snapshot_evaluates_offline_to_the_same_findings() {
    let moto = Moto::start();
    boto(&moto, "c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)\nc('s3').create_bucket(Bucket='plain-bucket')");
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snap.json").display().to_string();
    let (_, live) = scan(&moto, &db(dir.path()), &["--save-snapshot", &snap]);
    drop(moto);
    let offline_db = dir.path().join("offline.db").display().to_string();
    let out = vigil(&[
        "scan",
        "--snapshot",
        &snap,
        "--db",
        &offline_db,
        "--format",
        "json",
    ]);
    let offline = json(&out);
    assert_eq!(active(&offline), active(&live));
    assert!(!active(&live).is_empty());

    // A malformed snapshot names file, line and column, and exits 2.
    std::fs::write(
        &snap,
        "{\n  \"collected_at\": \"x\",\n  \"coverage\": [],\n  \"resources\": [ {\"id\": 1} ]\n}\n",
    )
    .unwrap();
    let out = vigil(&["scan", "--snapshot", &snap, "--db", &offline_db]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("snap.json:4:"), "{err}");
}

fn throttled_count(child: &mut std::process::Child) -> usize {
    use std::io::Read;
    let _ = child.kill();
    let mut out = String::new();
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    let _ = child.wait();
    out.lines().filter(|l| l.starts_with("throttled")).count()
}

#[test]
fn throttling_is_retried_with_backoff_and_reported_when_retries_run_out() {
    let moto = Moto::start();
    boto(
        &moto,
        "c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)",
    );
    let dir = tempfile::tempdir().unwrap();

    // Two throttled answers, five attempts allowed: the scan completes and sees the volume.
    let (mut proxy, url) = throttling_proxy(&moto, "DescribeVolumes", 2);
    let dbpath = db(dir.path());
    let out = vigil(&[
        "scan",
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
        "--db",
        &dbpath,
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(
        throttled_count(&mut proxy),
        2,
        "the SDK retried through both throttled answers"
    );
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&out));
    assert!(finding(&doc, "EBS-AWS-001", ":volume/").is_some());

    // One attempt only: the volume scope fails with the throttling error, the rest completes.
    let cfg = dir.path().join("vigil.toml");
    std::fs::write(&cfg, "[collectors.aws]\nmax_attempts = 1\n").unwrap();
    let (mut proxy, url) = throttling_proxy(&moto, "DescribeVolumes", 100);
    let out = vigil(&[
        "--config",
        cfg.to_str().unwrap(),
        "scan",
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
        "--db",
        &dbpath,
        "--format",
        "json",
    ]);
    let doc = json(&out);
    assert_eq!(throttled_count(&mut proxy), 1);
    assert_eq!(doc["scan"]["status"], "partial");
    let failed: Vec<_> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(failed[0]["scope"]
        .as_str()
        .unwrap()
        .ends_with("AWS::EC2::Volume"));
    assert!(
        failed[0]["error"]
            .as_str()
            .unwrap()
            .contains("RequestLimitExceeded"),
        "{failed:?}"
    );
    // The unencrypted-volume finding is kept open, not resolved.
    assert_eq!(
        finding(&doc, "EBS-AWS-001", ":volume/").unwrap()["status"],
        "open"
    );
}

/// Tags that hold credentials (by their key, or by the shape of their value) are redacted
/// before anything is stored or printed: no planted value is in the database files, the
/// snapshot, the JSON or table output or the log, and SEC-AWS-001 names each tag.
#[test]
fn credentials_in_tags_never_reach_the_database_a_snapshot_the_output_or_the_log() {
    let moto = Moto::start();
    boto(
        &moto,
        r#"
ec2 = c('ec2')
vol = ec2.create_volume(AvailabilityZone='us-east-1a', Size=8, Encrypted=True, TagSpecifications=[{'ResourceType': 'volume', 'Tags': [
    {'Key': 'db_password', 'Value': 'PLANT-aws-password-1'},
    {'Key': 'Name', 'Value': 'AKIAPLANTAWSXTWOABCD'},
    {'Key': 'owner', 'Value': 'shop'}]}])
ec2.create_security_group(GroupName='web', Description='web', TagSpecifications=[{'ResourceType': 'security-group', 'Tags': [
    {'Key': 'callback', 'Value': 'https://admin:PLANT-aws-url-3@hooks.example.com/x'},
    {'Key': 'deploy-key', 'Value': '-----BEGIN RSA PRIVATE KEY-----PLANT-aws-key-4'}]}])
s3 = c('s3')
s3.create_bucket(Bucket='plant-bucket')
s3.put_bucket_tagging(Bucket='plant-bucket', Tagging={'TagSet': [
    {'Key': 'api-key', 'Value': 'PLANT-aws-api-5'}, {'Key': 'environment', 'Value': 'dev'}]})
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir(&data).unwrap();
    let dbpath = data.join("vigil.db").display().to_string();
    let snap = dir.path().join("snap.json");
    let (json_run, doc) = scan(
        &moto,
        &dbpath,
        &[
            "--save-snapshot",
            snap.to_str().unwrap(),
            "--log-level",
            "debug",
        ],
    );
    assert_eq!(doc["scan"]["status"], "complete", "{}", stderr(&json_run));
    let table_run = vigil(&[
        "scan",
        "--endpoint-url",
        &moto.url,
        "--db",
        &dbpath,
        "--region",
        "us-east-1",
        "--region",
        "eu-west-1",
        "--log-level",
        "debug",
    ]);
    let findings = vigil(&["findings", "list", "--db", &dbpath, "--format", "json"]);
    let api = moto_dump(&moto);
    assert!(
        api.contains("PLANT-aws-password-1") && api.contains("AKIAPLANTAWSXTWOABCD"),
        "the test plants what it looks for"
    );
    for (what, text) in [
        ("the database files", all_bytes(&data)),
        ("the snapshot", std::fs::read_to_string(&snap).unwrap()),
        (
            "scan --format json",
            format!("{}{}", stdout(&json_run), stderr(&json_run)),
        ),
        (
            "scan --format table",
            format!("{}{}", stdout(&table_run), stderr(&table_run)),
        ),
        ("findings list", stdout(&findings)),
    ] {
        assert!(!text.contains("PLANT"), "{what} holds a planted value");
    }
    let sec: Vec<String> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "SEC-AWS-001")
        .flat_map(|f| {
            f["message"]
                .as_str()
                .unwrap()
                .split("; ")
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    for tag in ["db_password", "Name", "callback", "deploy-key", "api-key"] {
        assert!(
            sec.iter()
                .any(|m| m.ends_with(&format!("tag {tag} carries a credential"))),
            "no SEC-AWS-001 for {tag}: {sec:#?}"
        );
    }
    assert!(!sec
        .iter()
        .any(|m| m.contains("tag owner") || m.contains("tag environment")));
}

/// What moto holds, as its own API answers it (to prove the planted values are there).
fn moto_dump(moto: &Moto) -> String {
    boto(
        moto,
        r#"
print(json.dumps(c('ec2').describe_volumes()['Volumes'], default=str))
print(json.dumps(c('s3').get_bucket_tagging(Bucket='plant-bucket')['TagSet']))
"#,
    )
}

/// Every request a full scan sends is an operation of `vigil::collect::aws::services` (the
/// table `deploy/iam-policy.json` is tested against), and every operation listed there is sent
/// by a scan of an estate that has each kind of resource.
#[test]
fn every_request_a_scan_sends_is_in_the_service_table() {
    let moto = Moto::start();
    boto(
        &moto,
        r#"
c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)
s3 = c('s3')
s3.create_bucket(Bucket='logs')
s3.put_bucket_tagging(Bucket='logs', Tagging={'TagSet': [{'Key': 'owner', 'Value': 'shop'}]})
s3.put_bucket_policy(Bucket='logs', Policy=json.dumps({'Version': '2012-10-17', 'Statement': [{'Effect': 'Deny', 'Principal': '*', 'Action': 's3:*', 'Resource': 'arn:aws:s3:::logs/*', 'Condition': {'Bool': {'aws:SecureTransport': 'false'}}}]}))
c('kms').create_key(Tags=[{'TagKey': 'owner', 'TagValue': 'shop'}])
c('cloudtrail').create_trail(Name='main', S3BucketName='logs', IsMultiRegionTrail=True)
c('iam').create_user(UserName='ci-bot')
c('rds').create_db_instance(DBInstanceIdentifier='db', DBInstanceClass='db.t3.micro', Engine='postgres', MasterUsername='u', MasterUserPassword='p4ssw0rd-long')
"#,
    );
    // Every other service's kind of resource.
    boto(&moto, crate::aws_services::ESTATE);
    let dir = tempfile::tempdir().unwrap();
    let dbpath = db(dir.path());
    let out = vigil_env(
        &[
            "scan",
            "--endpoint-url",
            &moto.url,
            "--db",
            &dbpath,
            "--region",
            "us-east-1",
        ],
        &[
            ("VIGIL_LOG", "collect::aws::api=debug"),
            ("VIGIL_LOG_FORMAT", "json"),
        ],
    );
    let log = stderr(&out);
    let sent: std::collections::BTreeSet<(String, String)> = log
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"] == "collect::aws::api")
        .map(|v| {
            (
                v["service"].as_str().unwrap().to_string(),
                v["operation"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    use vigil::collect::aws::services::{IDENTITY, SERVICES};
    let mut listed: std::collections::BTreeSet<(String, String)> = SERVICES
        .iter()
        .flat_map(|s| {
            s.calls
                .iter()
                .map(|c| (s.name.to_string(), c.operation.to_string()))
        })
        .collect();
    listed.insert(("sts".into(), IDENTITY.operation.into()));
    let unlisted: Vec<_> = sent.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "a scan sends operations the service table does not list; add each to its service in \
         src/collect/aws/services.rs with its IAM action, and the action to \
         deploy/iam-policy.json: {unlisted:?}\n{log}"
    );
    let unsent: Vec<_> = listed.difference(&sent).collect();
    assert!(
        unsent.is_empty(),
        "the service table lists operations no scan sent: {unsent:?}\n{log}"
    );
}

/// A third of all calls throttled at random, each service with its own error (EC2
/// RequestLimitExceeded, S3 SlowDown, IAM/STS/RDS Throttling, KMS/CloudTrail
/// ThrottlingException): every scope still completes, with the same findings as an
/// unthrottled scan.
#[test]
fn a_scan_with_a_third_of_its_calls_throttled_completes() {
    let moto = Moto::start();
    boto(
        &moto,
        r#"
for i in range(15):
    c('s3').create_bucket(Bucket='b-%d' % i)
for i in range(8):
    c('kms').create_key(Description='k%d' % i)
c('cloudtrail').create_trail(Name='main', S3BucketName='b-0', IsMultiRegionTrail=True)
for i in range(20):
    c('ec2').create_volume(AvailabilityZone='us-east-1a', Size=8)
for i in range(5):
    c('iam').create_user(UserName='u%d' % i)
c('rds').create_db_instance(DBInstanceIdentifier='db', DBInstanceClass='db.t3.micro', Engine='postgres', MasterUsername='u', MasterUserPassword='p4ssw0rd-long')
"#,
    );
    let dir = tempfile::tempdir().unwrap();
    let plain = scan_moto(&moto, &db(dir.path()), &["--format", "json"]);
    let plain = json(&plain);
    assert_eq!(plain["scan"]["status"], "complete");

    let (mut proxy, url) = proxy(&moto, "none", 0, &[("PROXY_THROTTLE_RATIO", "0.3")]);
    let other = tempfile::tempdir().unwrap();
    let other_db = db(other.path());
    let args = vec![
        "scan",
        "--endpoint-url",
        &url,
        "--region",
        "us-east-1",
        "--db",
        &other_db,
        "--format",
        "json",
    ];
    let out = vigil(&args);
    let doc = json(&out);
    let throttled = throttled_count(&mut proxy);
    let failed: Vec<&serde_json::Value> = doc["scan"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] != "complete")
        .collect();
    assert!(
        failed.is_empty(),
        "{throttled} throttled answers failed scopes: {failed:#?}"
    );
    assert_eq!(doc["scan"]["status"], "complete");
    assert!(throttled >= 30, "the proxy throttled {throttled} calls");
    assert_eq!(
        active(&doc).len(),
        active(&plain).len(),
        "the same findings as without throttling"
    );
}
