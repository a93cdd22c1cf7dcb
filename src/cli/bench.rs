//! `vigil bench`: evaluation speed and peak memory on a synthetic estate of mixed AWS types,
//! with the whole rule pack.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use chrono::Utc;
use serde_json::json;

use vigil::model::{Resource, Snapshot};
use vigil::policy::{self, EvalContext};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Number of synthetic resources.
    #[arg(long, default_value_t = 100_000)]
    pub resources: usize,
    /// Evaluation threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Also record the scan in a SQLite database at this path (measures the store).
    #[arg(long)]
    pub db: Option<PathBuf>,
    /// Use the interpreter for every rule instead of the bytecode VM.
    #[arg(long)]
    pub interpreter: bool,
}

pub fn run(args: Args, config: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let cfg = super::load_config(config)?;
    let rules = super::load_rules(&super::rule_sources(&cfg, &[], false))?;
    let t0 = Instant::now();
    let snapshot = synthetic(args.resources);
    let gen = t0.elapsed();
    let ctx = EvalContext {
        now: Utc::now(),
        params: cfg.params(),
        mode: if args.interpreter { policy::evaluate::EngineMode::Interpreter } else { Default::default() },
        threads: args.threads,
    };
    let t1 = Instant::now();
    let report = policy::evaluate(&rules, &snapshot, &ctx);
    let eval = t1.elapsed();
    println!("rules:            {}", rules.rules.len());
    println!("resources:        {}", snapshot.resources.len());
    println!("generated in:     {:.2?}", gen);
    println!("evaluated in:     {:.2?} ({} rule evaluations, {} failing results, {} errors)",
        eval, report.evaluations, report.results.len(), report.errors.len());
    println!("resources/s:      {:.0}", snapshot.resources.len() as f64 / eval.as_secs_f64());
    println!("evaluations/s:    {:.0}", report.evaluations as f64 / eval.as_secs_f64());
    if let Some(db) = &args.db {
        let mut store = vigil::store::Store::open(db)?;
        let t2 = Instant::now();
        let now = Utc::now().to_rfc3339();
        store.record_scan(&vigil::store::ScanInput {
            started_at: &now,
            finished_at: &now,
            target: "bench",
            snapshot: &snapshot,
            report: &report,
            rules_loaded: rules.rules.len(),
            rule_problems: Vec::new(),
        })?;
        println!("stored in:        {:.2?}", t2.elapsed());
    }
    let mut slow: Vec<_> = report.rule_time.iter().collect();
    slow.sort_by(|a, b| b.1.cmp(a.1));
    println!("slowest rules (thread time): {}", slow.iter().take(5).map(|(r, d)| format!("{r} {d:.2?}")).collect::<Vec<_>>().join(", "));
    if let Some(kb) = peak_rss_kb() {
        println!("peak RSS:         {:.1} MB", kb as f64 / 1024.0);
    }
    Ok(ExitCode::SUCCESS)
}

fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// A deterministic mix of AWS resources, about half of them non-compliant in some way.
pub fn synthetic(n: usize) -> Snapshot {
    let account = "123456789012";
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    let mut resources = Vec::with_capacity(n);
    for i in 0..n {
        let region = regions[i % regions.len()];
        let odd = i % 2 == 1;
        let mut tags = std::collections::BTreeMap::new();
        if i % 3 != 0 {
            tags.insert("owner".to_string(), "platform-team".to_string());
            tags.insert("environment".to_string(), if odd { "dev" } else { "prod" }.to_string());
            tags.insert("cost-center".to_string(), "cc-42".to_string());
            tags.insert("data-classification".to_string(), "internal".to_string());
        }
        if i % 7 == 0 {
            tags.insert("NIST_Control".to_string(), if odd { "AC-2_SC-28" } else { "AC-99" }.to_string());
        }
        let (t, id, config) = match i % 20 {
            0..=5 => ("AWS::EC2::Instance", format!("arn:aws:ec2:{region}:{account}:instance/i-{i:017x}"), json!({
                "InstanceId": format!("i-{i:017x}"), "InstanceType": "t3.micro", "ImageId": "ami-123",
                "State": {"Name": if i % 11 == 0 { "stopped" } else { "running" }},
                "StateTransitionReason": "", "StoppedAt": if i % 11 == 0 { Some("2026-01-01T00:00:00Z") } else { None },
                "LaunchTime": "2025-01-01T00:00:00Z",
                "PublicIpAddress": if odd { Some("203.0.113.10") } else { None },
                "MetadataOptions": {"HttpTokens": if odd { "optional" } else { "required" }, "HttpEndpoint": "enabled"},
                "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}], "BlockDeviceMappings": [],
            })),
            6..=10 => ("AWS::EC2::Volume", format!("arn:aws:ec2:{region}:{account}:volume/vol-{i:017x}"), json!({
                "VolumeId": format!("vol-{i:017x}"), "Size": 100, "VolumeType": "gp3",
                "State": if i % 13 == 0 { "available" } else { "in-use" }, "Encrypted": !odd,
                "CreateTime": "2025-01-01T00:00:00Z", "AvailabilityZone": format!("{region}a"), "Attachments": [],
            })),
            11..=12 => ("AWS::EC2::Snapshot", format!("arn:aws:ec2:{region}:{account}:snapshot/snap-{i:017x}"), json!({
                "SnapshotId": format!("snap-{i:017x}"), "VolumeId": "vol-1", "VolumeSize": 100,
                "StartTime": "2025-01-01T00:00:00Z", "State": "completed", "Encrypted": odd, "Description": "",
            })),
            13..=14 => ("AWS::EC2::SecurityGroup", format!("arn:aws:ec2:{region}:{account}:security-group/sg-{i:017x}"), json!({
                "GroupId": format!("sg-{i:017x}"), "GroupName": if i % 40 == 13 { "default" } else { "app" }, "Description": "app",
                "IpPermissions": [
                    {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": if odd { "0.0.0.0/0" } else { "10.0.0.0/8" }}], "Ipv6Ranges": [], "UserIdGroupPairs": []},
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}
                ],
                "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}],
            })),
            15 => ("AWS::S3::Bucket", format!("arn:aws:s3:::bucket-{i}"), json!({
                "Name": format!("bucket-{i}"), "CreationDate": "2025-01-01T00:00:00Z", "Region": region,
                "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": if odd { "AES256" } else { "aws:kms" }}}]},
                "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": !odd, "RestrictPublicBuckets": true},
            })),
            16 => ("AWS::IAM::Policy", format!("arn:aws:iam::{account}:policy/p-{i}"), json!({
                "PolicyName": format!("p-{i}"), "Arn": format!("arn:aws:iam::{account}:policy/p-{i}"), "DefaultVersionId": "v1",
                "AttachmentCount": 1, "IsAttachable": true,
                "Document": {"Version": "2012-10-17", "Statement": [
                    {"Effect": "Allow", "Action": if odd { json!("*") } else { json!(["s3:GetObject", "s3:ListBucket"]) }, "Resource": "*"},
                    {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": format!("arn:aws:kms:{region}:{account}:key/k")}
                ]},
            })),
            17 => ("AWS::IAM::Role", format!("arn:aws:iam::{account}:role/r-{i}"), json!({
                "RoleName": format!("r-{i}"), "Arn": format!("arn:aws:iam::{account}:role/r-{i}"), "Path": "/", "CreateDate": "2024-01-01T00:00:00Z",
                "RolePolicyList": if odd { json!([{"PolicyName": "inline", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]) } else { json!([]) },
                "AttachedManagedPolicies": [], "RoleLastUsed": {"LastUsedDate": "2026-01-01T00:00:00Z"},
            })),
            18 => ("AWS::KMS::Key", format!("arn:aws:kms:{region}:{account}:key/k-{i}"), json!({
                "KeyId": format!("k-{i}"), "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT",
                "KeyState": "Enabled", "Enabled": true, "Description": "", "KeyRotationEnabled": !odd,
            })),
            _ => ("AWS::RDS::DBInstance", format!("arn:aws:rds:{region}:{account}:db:db-{i}"), json!({
                "DBInstanceIdentifier": format!("db-{i}"), "Engine": "postgres", "DBInstanceStatus": "available",
                "StorageEncrypted": !odd, "PubliclyAccessible": odd, "MultiAZ": false, "BackupRetentionPeriod": 7,
            })),
        };
        resources.push(Resource {
            id,
            resource_type: t.to_string(),
            provider: "aws".into(),
            account: Some(account.into()),
            region: Some(if t.starts_with("AWS::IAM::") { "global".into() } else { region.into() }),
            name: None,
            tags,
            config: vigil::collect::prune(config),
        });
    }
    Snapshot {
        version: 1,
        collected_at: Utc::now().to_rfc3339(),
        coverage: Vec::new(),
        resources,
    }
}
