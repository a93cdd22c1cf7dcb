//! Remediation plans end to end against moto: propose from a scan's findings, approve with
//! TOTP codes computed here from the enrolled secret (an implementation of RFC 6238 apart
//! from vigil's), apply with separate remediation credentials, and verify by a re-scan.

use crate::common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A moto account, a database, a config naming the approvers file and the remediation
/// profile, and the AWS config file that defines that profile.
struct Estate {
    moto: Moto,
    dir: tempfile::TempDir,
}

impl Estate {
    fn new(moto: Moto, remediation: (&str, &str), endpoint: Option<&str>) -> Estate {
        let dir = tempfile::tempdir().unwrap();
        let e = Estate { moto, dir };
        std::fs::write(
            e.path("aws.config"),
            format!(
                "[profile remediation]\nregion = us-east-1\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                remediation.0, remediation.1
            ),
        )
        .unwrap();
        std::fs::write(
            e.path("config.toml"),
            format!(
                "[approvers]\ntotp_file = \"{}\"\n\n[remediation.aws]\nprofile = \"remediation\"\nendpoint_url = \"{}\"\n",
                e.path("totp.toml").display(),
                endpoint.unwrap_or(&e.moto.url)
            ),
        )
        .unwrap();
        e
    }

    fn path(&self, f: &str) -> PathBuf {
        self.dir.path().join(f)
    }

    /// `vigil ARGS --db … --config …` with the scanner's credentials in the environment.
    fn vigil(&self, args: &[&str]) -> Output {
        self.vigil_as(args, ("testing", "testing"))
    }

    fn vigil_env(&self, args: &[&str], extra: &[(&str, &str)]) -> Output {
        let db = db(self.dir.path());
        let config = self.path("config.toml").display().to_string();
        let aws_config = self.path("aws.config").display().to_string();
        let mut env = vec![
            ("VIGIL_DB", db.as_str()),
            ("VIGIL_CONFIG", config.as_str()),
            ("AWS_CONFIG_FILE", aws_config.as_str()),
        ];
        env.extend_from_slice(extra);
        vigil_env(args, &env)
    }

    fn vigil_as(&self, args: &[&str], keys: (&str, &str)) -> Output {
        let db = db(self.dir.path());
        let config = self.path("config.toml").display().to_string();
        let aws_config = self.path("aws.config").display().to_string();
        vigil_env(
            args,
            &[
                ("VIGIL_DB", &db),
                ("VIGIL_CONFIG", &config),
                ("AWS_CONFIG_FILE", &aws_config),
                ("AWS_ACCESS_KEY_ID", keys.0),
                ("AWS_SECRET_ACCESS_KEY", keys.1),
            ],
        )
    }

    fn scan(&self, now: &str) -> serde_json::Value {
        let rules = self.path("rules").display().to_string();
        let mut args = vec![
            "scan",
            "--endpoint-url",
            &self.moto.url,
            "--region",
            "us-east-1",
            "--format",
            "json",
            "--now",
            now,
        ];
        if self.path("rules").exists() {
            args.extend(["--rules", &rules]);
        }
        json(&self.vigil(&args))
    }

    /// A rule of the operator's own that names its action in its metadata.
    fn with_stop_rule(&self) {
        std::fs::create_dir_all(self.path("rules")).unwrap();
        std::fs::write(self.path("rules/dev_running.rego"), STOP_RULE).unwrap();
    }

    fn enroll(&self, name: &str) {
        let out = self.vigil(&["approver", "add", name]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert!(stdout(&out).starts_with(&format!("otpauth://totp/vigil:{name}?secret=")));
    }

    /// The approver's TOTP code `offset` steps from now, computed by Python's hmac.
    fn code(&self, name: &str, offset: i64) -> String {
        totp_code(&self.path("totp.toml"), name, offset)
    }
}

pub fn totp_code(file: &Path, name: &str, offset: i64) -> String {
    let out = std::process::Command::new("python3")
        .arg("-c")
        .arg(
            r#"
import base64, hmac, hashlib, struct, sys, time, tomllib
d = tomllib.load(open(sys.argv[1], 'rb'))
s = [a['secret'] for a in d['approvers'] if a['name'] == sys.argv[2]][0]
k = base64.b32decode(s + '=' * (-len(s) % 8))
h = hmac.new(k, struct.pack('>Q', int(time.time()) // 30 + int(sys.argv[3])), hashlib.sha1).digest()
o = h[-1] & 15
print('%06d' % ((struct.unpack('>I', h[o:o + 4])[0] & 0x7fffffff) % 1000000))
"#,
        )
        .args([
            file.display().to_string(),
            name.to_string(),
            offset.to_string(),
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// The `service:Operation` of every request an apply sent (its call log), each checked to be
/// one the remediation policy grants (`apply::aws::{WRITES, READS}`).
fn sent_calls(out: &Output) -> std::collections::BTreeSet<String> {
    use vigil::remediate::apply::aws::{READS, WRITES};
    let sent: std::collections::BTreeSet<String> = stderr(out)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["target"] == "collect::aws::api")
        .map(|v| {
            format!(
                "{}:{}",
                v["service"].as_str().unwrap(),
                v["operation"].as_str().unwrap()
            )
        })
        .collect();
    let listed: std::collections::BTreeSet<String> = WRITES
        .iter()
        .chain(READS)
        .map(|(c, _)| c.to_string())
        .chain(["sts:GetCallerIdentity".to_string()])
        .collect();
    let unlisted: Vec<_> = sent.difference(&listed).collect();
    assert!(
        unlisted.is_empty(),
        "calls not in apply::aws::{{WRITES, READS}}: {unlisted:?}"
    );
    sent
}

fn ids(doc: &serde_json::Value, rules: &[&str]) -> Vec<String> {
    doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| rules.contains(&f["rule_id"].as_str().unwrap()) && f["status"] != "resolved")
        .map(|f| f["id"].to_string())
        .collect()
}

/// The moto estate: an idle dev volume, an idle dev address, a bucket with neither public
/// access block nor default encryption and a tag of its own, a key without rotation, a
/// world-open SSH rule, EBS encryption by default off.
const ESTATE: &str = r#"
ec2 = c('ec2'); s3 = c('s3'); kms = c('kms')
tags = [{'Key': 'environment', 'Value': 'dev'}, {'Key': 'owner', 'Value': 'web'},
        {'Key': 'cost-center', 'Value': 'cc-1'}, {'Key': 'data-classification', 'Value': 'internal'}]
vol = ec2.create_volume(AvailabilityZone='us-east-1a', Size=8, Encrypted=True,
    TagSpecifications=[{'ResourceType': 'volume', 'Tags': tags}])['VolumeId']
bare = ec2.create_volume(AvailabilityZone='us-east-1a', Size=1, Encrypted=True)['VolumeId']
eip = ec2.allocate_address(Domain='vpc')['AllocationId']
ec2.create_tags(Resources=[eip], Tags=tags)
s3.create_bucket(Bucket='plan-bucket')
s3.put_bucket_tagging(Bucket='plan-bucket', Tagging={'TagSet': [{'Key': 'team', 'Value': 'storage'}]})
key = kms.create_key(Description='no rotation')['KeyMetadata']['KeyId']
sg = ec2.create_security_group(GroupName='ssh-open', Description='ssh')['GroupId']
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22,
    'IpRanges': [{'CidrIp': '0.0.0.0/0'}, {'CidrIp': '10.0.0.0/8'}]}])
inst = ec2.run_instances(ImageId='ami-12345678', MinCount=1, MaxCount=1, InstanceType='t3.micro',
    TagSpecifications=[{'ResourceType': 'instance', 'Tags': tags}])['Instances'][0]['InstanceId']
print(json.dumps({'vol': vol, 'bare': bare, 'eip': eip, 'key': key, 'sg': sg, 'inst': inst}))
"#;

const STOP_RULE: &str = r#"# METADATA
# title: Dev instance left running
# custom:
#   id: OPS-AWS-001
#   severity: low
#   controls: [CM-7]
#   resource_types: ["AWS::EC2::Instance"]
#   remediation: Stop the instance.
#   action: ec2_stop
package ops.dev_running

deny contains {"msg": "dev instance running", "path": "config.State.Name"} if {
	input.config.State.Name == "running"
	input.tags.environment == "dev"
}
"#;

const RULES: &[&str] = &[
    "OPS-AWS-001",
    "TAG-AWS-004",
    "IDLE-AWS-002",
    "IDLE-AWS-003",
    "NET-AWS-005",
    "S3-AWS-001",
    "KMS-AWS-001",
    "EBS-AWS-002",
    "NET-AWS-001",
    "TAG-AWS-002",
    "TAG-AWS-003",
];

#[test]
fn a_plan_is_proposed_approved_applied_and_verified_against_moto() {
    let e = Estate::new(Moto::start(), ("testing", "testing"), None);
    e.with_stop_rule();
    let made: serde_json::Value = serde_json::from_str(&boto(&e.moto, ESTATE)).unwrap();
    let vol = made["vol"].as_str().unwrap();
    // vigil sees the dev volume and address idle now; four days on they are past the 72 h
    // idle threshold.
    e.scan(&chrono::Utc::now().to_rfc3339());
    let now = (chrono::Utc::now() + chrono::Duration::days(4)).to_rfc3339();
    let doc = e.scan(&now);
    // Not the tags of moto's default subnets, network ACLs and NAT gateways: vigil leaves
    // those to a person (the apply reads them again only for the types it changes).
    let found: Vec<String> = ids(&doc, RULES)
        .into_iter()
        .filter(|id| {
            let f = doc["findings"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| &f["id"].to_string() == id)
                .unwrap();
            let r = f["resource_id"].as_str().unwrap_or_default();
            ![":subnet/", ":network-acl/", ":natgateway/"]
                .iter()
                .any(|k| r.contains(k))
        })
        .collect();
    let rules = e.path("rules").display().to_string();
    let mut args = vec![
        "plan", "propose", "--as", "alice", "--format", "json", "--rules", &rules,
    ];
    for id in &found {
        args.extend(["--finding", id]);
    }
    for t in [
        "owner=platform",
        "environment=dev",
        "cost-center=cc-9",
        "data-classification=internal",
    ] {
        args.extend(["--tag", t]);
    }
    let out = e.vigil(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json(&out);
    assert_eq!(plan["state"], "proposed");
    assert_eq!(plan["approvals_required"], 1, "dev resources: one approver");
    let kinds: std::collections::BTreeSet<&str> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    for k in [
        "ebs_snapshot_then_delete",
        "eip_release",
        "s3_block_public_access",
        "s3_default_encryption",
        "kms_enable_rotation",
        "ebs_encryption_by_default",
        "revoke_ingress",
        "add_tags",
        "ec2_stop",
    ] {
        assert!(kinds.contains(k), "no {k} action in {kinds:?}");
    }
    let dry: Vec<String> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| {
            a["dry_run"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c.as_str().unwrap().to_string())
        })
        .collect();
    let snap = dry.iter().position(|c| {
        c.starts_with(&format!(
            "ec2:CreateSnapshot Description=\"vigil: {vol} before deletion\""
        ))
    });
    let del = dry
        .iter()
        .position(|c| c == &format!("ec2:DeleteVolume VolumeId={vol}"));
    assert!(
        snap.is_some() && del.is_some() && snap < del,
        "snapshot before delete: {dry:#?}"
    );
    let id = plan["id"].to_string();
    let hash = plan["hash"].as_str().unwrap().to_string();
    // The summary is for people, written apart from the actions: the deterministic template
    // here, naming what cannot be fully undone.
    assert_eq!(plan["summary_source"], "template", "{plan:#}");
    assert!(plan.get("summary_reason").is_none(), "{plan:#}");
    let summary = plan["summary"].as_str().unwrap();
    assert!(
        summary.contains("can be undone only in part") && summary.contains(vol),
        "{summary}"
    );

    e.enroll("alice");
    e.enroll("bob");
    // The requester may not approve, even enrolled and with a current code.
    let out = e.vigil(&[
        "plan",
        "approve",
        &id,
        "--hash",
        &hash,
        "--as",
        "alice",
        "--totp",
        &e.code("alice", 0),
    ]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("separation of duties"),
        "{}",
        stderr(&out)
    );
    // A wrong hash is refused, and the code it carried is spent.
    let code = e.code("bob", 0);
    let out = e.vigil(&[
        "plan",
        "approve",
        &id,
        "--hash",
        &"0".repeat(64),
        "--as",
        "bob",
        "--totp",
        &code,
    ]);
    assert!(stderr(&out).contains("is not plan"), "{}", stderr(&out));
    let out = e.vigil(&[
        "plan", "approve", &id, "--hash", &hash, "--as", "bob", "--totp", &code,
    ]);
    assert!(
        stderr(&out).contains("already used"),
        "a replayed code: {}",
        stderr(&out)
    );
    let out = e.vigil(&[
        "plan", "approve", &id, "--hash", &hash, "--as", "bob", "--totp", "000000",
    ]);
    assert!(!out.status.success(), "a wrong code");
    let out = e.vigil(&[
        "plan",
        "approve",
        &id,
        "--hash",
        &hash,
        "--as",
        "bob",
        "--totp",
        &e.code("bob", 1),
        "--format",
        "json",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json(&out)["state"], "approved");

    // A dry run reads every target again and writes nothing.
    let out = e.vigil(&["plan", "apply", &id, "--dry-run", "--format", "json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let dry = json(&out);
    assert_eq!(dry["plan"]["state"], "approved");
    assert!(
        dry["checks"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["problem"].is_null()),
        "{dry:#}"
    );

    let out = e.vigil_env(
        &["plan", "apply", &id, "--format", "json"],
        &[
            ("VIGIL_LOG", "collect::aws::api=debug"),
            ("VIGIL_LOG_FORMAT", "json"),
        ],
    );
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let applied = json(&out)["plan"].clone();
    // Every request the apply sent is one the remediation policy grants; every write it
    // knows was made.
    let sent = sent_calls(&out);
    use vigil::remediate::apply::aws::WRITES;
    // This estate's services' writes (the later services' are
    // `the_later_services_settings_are_planned_applied_and_verified`'s).
    for (w, _) in WRITES
        .iter()
        .filter(|(w, _)| w.starts_with("ec2:") || w.starts_with("s3:") || w.starts_with("kms:"))
    {
        assert!(sent.contains(*w), "the apply made no {w}: {sent:?}");
    }
    assert_eq!(applied["state"], "applied", "{applied:#}");
    let calls = applied["executions"].as_array().unwrap();
    assert!(calls.iter().all(|c| c["outcome"] == "ok"));
    let snapshot_id = calls
        .iter()
        .find(|c| {
            c["call"]
                .as_str()
                .unwrap()
                .starts_with("ec2:CreateSnapshot")
        })
        .unwrap()["answer"]["SnapshotId"]
        .as_str()
        .unwrap()
        .to_string();

    // What moto holds now.
    let state: serde_json::Value = serde_json::from_str(&boto(
        &e.moto,
        &format!(
            r#"
ec2 = c('ec2'); s3 = c('s3'); kms = c('kms')
vols = [v['VolumeId'] for v in ec2.describe_volumes()['Volumes']]
snap = ec2.describe_snapshots(SnapshotIds=['{snapshot_id}'])['Snapshots'][0]
eips = [a['AllocationId'] for a in ec2.describe_addresses()['Addresses']]
pab = s3.get_public_access_block(Bucket='plan-bucket')['PublicAccessBlockConfiguration']
enc = s3.get_bucket_encryption(Bucket='plan-bucket')['ServerSideEncryptionConfiguration']['Rules'][0]
btags = {{t['Key']: t['Value'] for t in s3.get_bucket_tagging(Bucket='plan-bucket')['TagSet']}}
rot = kms.get_key_rotation_status(KeyId='{key}')['KeyRotationEnabled']
ebs = ec2.get_ebs_encryption_by_default()['EbsEncryptionByDefault']
perms = ec2.describe_security_groups(GroupIds=['{sg}'])['SecurityGroups'][0]['IpPermissions']
inst = ec2.describe_instances(InstanceIds=['{inst}'])['Reservations'][0]['Instances'][0]['State']['Name']
ktags = {{t['TagKey']: t['TagValue'] for t in kms.list_resource_tags(KeyId='{key}')['Tags']}}
bare = {{t['Key']: t['Value'] for t in ec2.describe_volumes(VolumeIds=['{bare}'])['Volumes'][0].get('Tags', [])}}
print(json.dumps({{'vols': vols, 'snap_tags': snap.get('Tags', []), 'snap_vol': snap['VolumeId'], 'eips': eips,
  'pab': pab, 'sse': enc['ApplyServerSideEncryptionByDefault']['SSEAlgorithm'], 'btags': btags, 'rot': rot,
  'ebs': ebs, 'inst': inst, 'ktags': ktags, 'ranges': [r['CidrIp'] for p in perms for r in p['IpRanges']], 'bare': bare}}))
"#,
            key = made["key"].as_str().unwrap(),
            sg = made["sg"].as_str().unwrap(),
            bare = made["bare"].as_str().unwrap(),
            inst = made["inst"].as_str().unwrap(),
        ),
    ))
    .unwrap();
    assert!(
        !state["vols"].as_array().unwrap().iter().any(|v| v == vol),
        "volume deleted: {state}"
    );
    assert_eq!(
        state["snap_vol"], vol,
        "the snapshot is of the deleted volume"
    );
    assert!(
        state["snap_tags"]
            .to_string()
            .contains("vigil:source-volume"),
        "{state}"
    );
    assert!(
        !state["eips"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| *a == made["eip"]),
        "address released"
    );
    assert_eq!(
        state["pab"],
        serde_json::json!({"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": true, "RestrictPublicBuckets": true})
    );
    assert_eq!(state["sse"], "aws:kms");
    assert_eq!(
        state["btags"]["team"], "storage",
        "the bucket's own tag kept: {state}"
    );
    assert_eq!(state["btags"]["owner"], "platform");
    assert_eq!(state["rot"], true);
    assert_eq!(state["ebs"], true);
    assert_eq!(
        state["ranges"],
        serde_json::json!(["10.0.0.0/8"]),
        "only the world-open range revoked"
    );
    assert_eq!(
        state["bare"]["owner"], "platform",
        "missing tags added to the bare volume"
    );

    // The next complete scan resolves the findings and verifies the plan.
    let later = (chrono::Utc::now() + chrono::Duration::days(4) + chrono::Duration::minutes(5))
        .to_rfc3339();
    let doc = e.scan(&later);
    let still: Vec<String> = ids(&doc, RULES);
    let planned: Vec<String> = plan["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].to_string())
        .collect();
    assert!(
        still.iter().all(|f| !planned.contains(f)),
        "planned findings still open: {still:?}"
    );
    let shown = json(&e.vigil(&["plan", "show", &id, "--format", "json"]));
    assert_eq!(shown["state"], "verified", "{shown:#}");

    let out = e.vigil(&["audit", "verify"]);
    assert!(out.status.success(), "{}{}", stdout(&out), stderr(&out));
    let audit = stdout(&e.vigil(&["audit", "list", "--format", "json"]));
    for step in [
        "plan.propose",
        "plan.approve_refused",
        "plan.approve",
        "plan.approved",
        "plan.applying",
        "plan.action",
        "plan.applied",
        "plan.verified",
    ] {
        assert!(
            audit.contains(&format!("\"{step}\"")),
            "no {step} in the audit log"
        );
    }
}

/// Scans, proposes a plan for the findings of `rules` (in that order) as alice, and has
/// bob approve it; answers the plan id.
fn approved_plan(e: &Estate, rules: &[&str]) -> String {
    let doc = e.scan(&chrono::Utc::now().to_rfc3339());
    let mut args = vec!["plan", "propose", "--as", "alice", "--format", "json"];
    let mut found = Vec::new();
    for r in rules {
        found.extend(ids(&doc, &[r]));
    }
    assert!(!found.is_empty(), "no findings of {rules:?}: {doc:#}");
    for id in &found {
        args.extend(["--finding", id]);
    }
    let out = e.vigil(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json(&out);
    let (id, hash) = (
        plan["id"].to_string(),
        plan["hash"].as_str().unwrap().to_string(),
    );
    e.enroll("bob");
    let out = e.vigil(&[
        "plan",
        "approve",
        &id,
        "--hash",
        &hash,
        "--as",
        "bob",
        "--totp",
        &e.code("bob", 0),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    id
}

const OPEN_SSH: &str = r#"
ec2 = c('ec2')
sg = ec2.create_security_group(GroupName='ssh-open', Description='ssh')['GroupId']
ec2.authorize_security_group_ingress(GroupId=sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 22, 'ToPort': 22, 'IpRanges': [{'CidrIp': '0.0.0.0/0'}]}])
print(sg)
"#;

#[test]
fn a_target_changed_after_approval_makes_the_plan_stale_and_nothing_is_written() {
    let e = Estate::new(Moto::start(), ("testing", "testing"), None);
    let sg = boto(&e.moto, OPEN_SSH).trim().to_string();
    let id = approved_plan(&e, &["NET-AWS-001"]);
    // Someone changes the group between approval and apply.
    boto(&e.moto, &format!("c('ec2').authorize_security_group_ingress(GroupId='{sg}', IpPermissions=[{{'IpProtocol': 'tcp', 'FromPort': 443, 'ToPort': 443, 'IpRanges': [{{'CidrIp': '10.0.0.0/8'}}]}}])"));
    let out = e.vigil(&["plan", "apply", &id]);
    assert!(!out.status.success());
    let err = stderr(&out);
    assert!(
        err.contains("stale and nothing was written")
            && err.contains("changed since the plan was made"),
        "{err}"
    );
    assert!(
        err.contains("config.IpPermissions"),
        "names what changed: {err}"
    );
    let shown = json(&e.vigil(&["plan", "show", &id, "--format", "json"]));
    assert_eq!(shown["state"], "stale");
    assert_eq!(shown["executions"], serde_json::json!([]), "no call made");
    let ranges = boto(&e.moto, &format!("print([r['CidrIp'] for p in c('ec2').describe_security_groups(GroupIds=['{sg}'])['SecurityGroups'][0]['IpPermissions'] for r in p['IpRanges']])"));
    assert!(
        ranges.contains("0.0.0.0/0"),
        "the world-open rule is still there: {ranges}"
    );
    // A stale plan is not applied again; its findings may be planned anew.
    let out = e.vigil(&["plan", "apply", &id]);
    assert!(
        stderr(&out).contains("only an approved plan is applied"),
        "{}",
        stderr(&out)
    );
    let out = e.vigil(&["plan", "propose", "--rule", "NET-AWS-001", "--as", "alice"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_denied_call_stops_the_plan_and_earlier_actions_stay_recorded() {
    // moto enforces IAM once these 6 unauthenticated calls are spent.
    let moto = Moto::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "6")]);
    let keys = boto(
        &moto,
        r#"
iam = c('iam')
policy = json.load(open(os.environ['POLICY']))
# The fixer may do what the remediation policy grants but block public access. (moto checks
# S3 calls under their operation names, GetBucketEncryption, not IAM's
# s3:GetEncryptionConfiguration: its reads are allowed by pattern here.)
policy['Statement'] += [{'Effect': 'Allow', 'Action': ['sts:GetCallerIdentity', 's3:Get*', 's3:List*'], 'Resource': '*'},
    {'Effect': 'Deny', 'Action': ['s3:PutBucketPublicAccessBlock', 's3:PutPublicAccessBlock'], 'Resource': '*'}]
out = []
for user, doc in [('scanner', {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': '*', 'Resource': '*'}]}), ('fixer', policy)]:
    iam.create_user(UserName=user)
    iam.put_user_policy(UserName=user, PolicyName='p', PolicyDocument=json.dumps(doc))
    k = iam.create_access_key(UserName=user)['AccessKey']
    out += [k['AccessKeyId'], k['SecretAccessKey']]
print(' '.join(out))
"#
        .replace("os.environ['POLICY']", &format!("'{}'", repo().join("deploy/iam-remediation-policy.json").display()))
        .as_str(),
    );
    let k: Vec<&str> = keys.split_whitespace().collect();
    let e = Estate::new(moto, (k[2], k[3]), None);
    boto_as(
        &e.moto,
        "c('kms').create_key(Description='no rotation')\nc('s3').create_bucket(Bucket='open-bucket')",
        k[0],
        k[1],
    );
    let scan = |e: &Estate| {
        json(&e.vigil_as(
            &[
                "scan",
                "--endpoint-url",
                &e.moto.url,
                "--region",
                "us-east-1",
                "--format",
                "json",
            ],
            (k[0], k[1]),
        ))
    };
    let doc = scan(&e);
    let mut args = vec!["plan", "propose", "--as", "alice", "--format", "json"];
    let found: Vec<String> = ids(&doc, &["KMS-AWS-001"])
        .into_iter()
        .chain(ids(&doc, &["NET-AWS-005"]))
        .collect();
    assert_eq!(found.len(), 2, "{doc:#}");
    for id in &found {
        args.extend(["--finding", id]);
    }
    let plan = json(&e.vigil_as(&args, (k[0], k[1])));
    let (id, hash) = (
        plan["id"].to_string(),
        plan["hash"].as_str().unwrap().to_string(),
    );
    e.enroll("bob");
    let out = e.vigil(&[
        "plan",
        "approve",
        &id,
        "--hash",
        &hash,
        "--as",
        "bob",
        "--totp",
        &e.code("bob", 0),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));

    let out = e.vigil(&["plan", "apply", &id, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}\n{}",
        stdout(&out),
        stderr(&out)
    );
    let p = json(&out)["plan"].clone();
    assert_eq!(p["state"], "partially_applied", "{p:#}");
    assert!(
        p["reason"]
            .as_str()
            .unwrap()
            .contains("s3:PutPublicAccessBlock"),
        "{p:#}"
    );
    let calls = p["executions"].as_array().unwrap();
    let last = calls.last().unwrap();
    assert_eq!(last["outcome"], "failed");
    assert!(
        last["answer"]["error"]
            .as_str()
            .unwrap()
            .contains("AccessDenied"),
        "{last:#}"
    );
    assert!(calls.iter().any(|c| c["call"]
        .as_str()
        .unwrap()
        .starts_with("kms:EnableKeyRotation")
        && c["outcome"] == "ok"));
    assert_eq!(
        p["actions"][0]["reversible"], "yes",
        "the done action keeps its inverse: {p:#}"
    );
    assert!(p["actions"][0]["undo"][0]["api"] == "kms:DisableKeyRotation");
    let rot = boto_as(&e.moto, "k = c('kms').list_keys()['Keys'][0]['KeyId']\nprint(c('kms').get_key_rotation_status(KeyId=k)['KeyRotationEnabled'])", k[0], k[1]);
    assert_eq!(rot.trim(), "True");
    let audit = stdout(&e.vigil(&["audit", "list", "--format", "json"]));
    assert!(
        audit.contains("\"plan.partially_applied\"") && audit.contains("\"failed\""),
        "{audit}"
    );
}

#[test]
fn a_plan_killed_while_applying_is_reported_and_not_run_again() {
    let moto = Moto::start();
    // Every call the apply makes waits 2 s in the proxy, so it can be killed mid-way.
    let (mut proxy, slow) = proxy(&moto, "none", 0, &[("PROXY_DELAY_SECONDS", "2")]);
    let e = Estate::new(moto, ("testing", "testing"), Some(&slow));
    boto(&e.moto, OPEN_SSH);
    let id = approved_plan(&e, &["NET-AWS-001"]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vigil"))
        .args(["plan", "apply", &id])
        .env("VIGIL_DB", db(e.dir.path()))
        .env("VIGIL_CONFIG", e.path("config.toml"))
        .env("AWS_CONFIG_FILE", e.path("aws.config"))
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        let shown = json(&e.vigil(&["plan", "show", &id, "--format", "json"]));
        if shown["state"] == "applying" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "never applying: {shown:#}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    // SIGKILL: no cleanup of any kind runs.
    child.kill().unwrap();
    child.wait().unwrap();
    let out = e.vigil(&["plan", "apply", &id]);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("was being applied when vigil stopped"),
        "{}",
        stderr(&out)
    );
    let shown = json(&e.vigil(&["plan", "show", &id, "--format", "json"]));
    assert_eq!(
        shown["state"], "applying",
        "left as it was, for a person to check"
    );
    let out = e.vigil(&["audit", "verify"]);
    assert!(out.status.success(), "{}", stdout(&out));
    let _ = proxy.kill();
}

/// ECR scan on push, a log group's retention, an ALB dropping invalid headers, SQS and SNS
/// encryption: each proposed from its finding with the setting the scan read as its
/// precondition and the undo that puts it back, applied with the remediation credentials
/// (every call one the remediation policy grants), checked in moto, verified by a re-scan.
#[test]
fn the_later_services_settings_are_planned_applied_and_verified() {
    let e = Estate::new(Moto::start(), ("testing", "testing"), None);
    boto(
        &e.moto,
        r#"
c('ecr').create_repository(repositoryName='images')
c('logs').create_log_group(logGroupName='/app/web')
c('logs').put_retention_policy(logGroupName='/app/web', retentionInDays=7)
ec2 = c('ec2')
vpc = ec2.create_vpc(CidrBlock='10.8.0.0/16')['Vpc']['VpcId']
a = ec2.create_subnet(VpcId=vpc, CidrBlock='10.8.1.0/24', AvailabilityZone='us-east-1a')['Subnet']['SubnetId']
b = ec2.create_subnet(VpcId=vpc, CidrBlock='10.8.2.0/24', AvailabilityZone='us-east-1b')['Subnet']['SubnetId']
c('elbv2').create_load_balancer(Name='edge', Subnets=[a, b], Type='application')
c('sqs').create_queue(QueueName='jobs', Attributes={'SqsManagedSseEnabled': 'false'})
c('sns').create_topic(Name='alerts')
"#,
    );
    let rules = [
        "ECR-AWS-001",
        "LOG-AWS-007",
        "ELB-AWS-004",
        "SQS-AWS-001",
        "SNS-AWS-001",
    ];
    let doc = e.scan(&chrono::Utc::now().to_rfc3339());
    let found = ids(&doc, &rules);
    assert_eq!(found.len(), rules.len(), "{doc:#}");
    let mut args = vec!["plan", "propose", "--as", "alice", "--format", "json"];
    for id in &found {
        args.extend(["--finding", id]);
    }
    let out = e.vigil(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    let plan = json(&out);
    let actions = plan["actions"].as_array().unwrap();
    let kinds: std::collections::BTreeSet<&str> = actions
        .iter()
        .map(|a| a["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "alb_drop_invalid_headers",
            "ecr_scan_on_push",
            "log_group_retention",
            "sns_encryption",
            "sqs_encryption"
        ]
        .into(),
        "{plan:#}"
    );
    let retention = actions
        .iter()
        .find(|a| a["kind"] == "log_group_retention")
        .unwrap();
    assert!(
        retention.to_string().contains("retentionInDays=365")
            || retention.to_string().contains("\"retentionInDays\":365"),
        "the param's retention, and 7 days back on undo: {retention:#}"
    );
    assert!(retention.to_string().contains("7"), "{retention:#}");
    let id = plan["id"].to_string();
    let hash = plan["hash"].as_str().unwrap().to_string();
    e.enroll("alice");
    e.enroll("bob");
    let out = e.vigil(&[
        "plan",
        "approve",
        &id,
        "--hash",
        &hash,
        "--as",
        "bob",
        "--totp",
        &e.code("bob", 0),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = e.vigil_env(
        &["plan", "apply", &id, "--format", "json"],
        &[
            ("VIGIL_LOG", "collect::aws::api=debug"),
            ("VIGIL_LOG_FORMAT", "json"),
        ],
    );
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    let applied = json(&out)["plan"].clone();
    assert_eq!(applied["state"], "applied", "{applied:#}");
    let sent = sent_calls(&out);
    for w in [
        "ecr:PutImageScanningConfiguration",
        "cloudwatchlogs:PutRetentionPolicy",
        "elasticloadbalancingv2:ModifyLoadBalancerAttributes",
        "sqs:SetQueueAttributes",
        "sns:SetTopicAttributes",
    ] {
        assert!(sent.contains(w), "the apply made no {w}: {sent:?}");
    }
    let state: serde_json::Value = serde_json::from_str(&boto(
        &e.moto,
        r#"
scan = c('ecr').describe_repositories(repositoryNames=['images'])['repositories'][0]['imageScanningConfiguration']['scanOnPush']
days = c('logs').describe_log_groups(logGroupNamePrefix='/app/web')['logGroups'][0].get('retentionInDays')
elb = c('elbv2')
lb = elb.describe_load_balancers(Names=['edge'])['LoadBalancers'][0]['LoadBalancerArn']
attrs = {a['Key']: a['Value'] for a in elb.describe_load_balancer_attributes(LoadBalancerArn=lb)['Attributes']}
sqs = c('sqs')
q = sqs.get_queue_url(QueueName='jobs')['QueueUrl']
sse = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=['All'])['Attributes'].get('SqsManagedSseEnabled')
topic = c('sns').list_topics()['Topics'][0]['TopicArn']
key = c('sns').get_topic_attributes(TopicArn=topic)['Attributes'].get('KmsMasterKeyId')
print(json.dumps({'scan': scan, 'days': days, 'drop': attrs.get('routing.http.drop_invalid_header_fields.enabled'), 'sse': sse, 'key': key}))
"#,
    ))
    .unwrap();
    assert_eq!(
        state,
        serde_json::json!({"scan": true, "days": 365, "drop": "true", "sse": "true", "key": "alias/aws/sns"})
    );
    // The re-scan resolves every finding the plan answered.
    let doc = e.scan(&chrono::Utc::now().to_rfc3339());
    for rule in rules {
        let open: Vec<_> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule_id"] == rule && f["status"] == "open")
            .collect();
        assert!(open.is_empty(), "{rule} still open: {open:#?}");
    }
}
