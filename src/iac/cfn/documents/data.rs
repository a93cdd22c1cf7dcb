//! Keys, databases, trails and functions: KMS keys, RDS instances and clusters, DynamoDB
//! tables, CloudTrail trails; in [`functions`], Lambda functions (with their
//! `AWS::Lambda::Url` and `AWS::Lambda::Permission`), Secrets Manager secrets (with their
//! `AWS::SecretsManager::RotationSchedule`), EFS file systems and ElastiCache replication
//! groups. What AWS sets when a template leaves a property out is filled as the API does at
//! creation; each default names where it comes from.

use serde_json::{json, Map, Value};

use super::{copy, name, or, tags, text_of, Mapped};
use crate::iac::cfn::resolve::{reference, unknown, unknown_reason, Resolved};
use crate::model::aws;

#[path = "data_functions.rs"]
mod functions;

/// The types joined into this area's resources.
pub(super) const JOINED: &[&str] = &[
    "AWS::Lambda::Url",
    "AWS::Lambda::Permission",
    "AWS::SecretsManager::RotationSchedule",
];

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        "AWS::KMS::Key" => key(r),
        "AWS::RDS::DBInstance" => db_instance(r, all),
        "AWS::RDS::DBCluster" => db_cluster(r),
        "AWS::DynamoDB::Table" => table(r),
        "AWS::CloudTrail::Trail" => trail(r),
        _ => return functions::build(r, all),
    })
}

/// A boolean as written (`true`, `"true"`); `None` when absent, unknown or not a boolean.
fn flag(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") => Some(true),
        Value::String(s) if s.eq_ignore_ascii_case("false") => Some(false),
        _ => None,
    }
}

/// A switch as the API reports it, `on` or `off` (`default` when the template leaves it
/// out); an unknown value stays unknown.
fn status(v: Option<&Value>, default: bool, on: &str, off: &str) -> Value {
    let word = |b: bool| Value::from(if b { on } else { off });
    match v {
        None => word(default),
        Some(x) => flag(Some(x)).map_or_else(|| x.clone(), word),
    }
}

/// The resource of type `ty` that `v` refers to (`!Ref X`, `!GetAtt X.Arn`).
fn target<'a>(all: &'a [Resolved], v: &Value, ty: &str) -> Option<&'a Resolved> {
    let id = reference(v)?;
    all.iter()
        .find(|r| r.logical_id == id && r.resource_type == ty)
}

/// The resource of type `ty` that `v` names: by reference, or by the name its property
/// `key` gives (RDS names are case-insensitive).
fn named<'a>(all: &'a [Resolved], v: &Value, ty: &str, key: &str) -> Option<&'a Resolved> {
    target(all, v, ty).or_else(|| {
        let n = v.as_str()?;
        all.iter().find(|r| {
            r.resource_type == ty
                && r.properties
                    .get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.eq_ignore_ascii_case(n))
        })
    })
}

/// The resources of type `ty` whose `key` names `r`: by reference, by its name, or by an
/// ARN ending in its name (`arn:aws:lambda:…:function:NAME`).
fn joined<'a>(
    r: &Resolved,
    all: &'a [Resolved],
    ty: &str,
    key: &str,
    name: &Value,
) -> Vec<&'a Resolved> {
    all.iter()
        .filter(|j| j.resource_type == ty)
        .filter(|j| {
            let Some(t) = j.properties.get(key) else {
                return false;
            };
            if reference(t) == Some(r.logical_id.as_str()) {
                return true;
            }
            match (t.as_str(), name.as_str()) {
                (Some(t), Some(n)) => {
                    t == n || (t.starts_with("arn:") && t.ends_with(&format!(":{n}")))
                }
                _ => false,
            }
        })
        .collect()
}

fn key(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "KeyId".into(),
        Value::String(format!("${{{}}}", r.logical_id)),
    );
    // CloudFormation makes customer managed keys; KMS's defaults: a symmetric key for
    // encryption, enabled (AWS::KMS::Key: KeySpec, KeyUsage, Enabled).
    doc.insert("KeyManager".into(), "CUSTOMER".into());
    let spec = or(p, "KeySpec", "SYMMETRIC_DEFAULT");
    doc.insert("KeySpec".into(), spec.clone());
    doc.insert("KeyUsage".into(), or(p, "KeyUsage", "ENCRYPT_DECRYPT"));
    let enabled = or(p, "Enabled", true);
    let origin = p.get("Origin").and_then(Value::as_str).unwrap_or("AWS_KMS");
    let state = match (origin, flag(Some(&enabled))) {
        // A key for imported material waits for it (CreateKey, Origin EXTERNAL).
        ("EXTERNAL", _) => Some("PendingImport"),
        (_, Some(true)) => Some("Enabled"),
        (_, Some(false)) => Some("Disabled"),
        _ => None,
    };
    if let Some(s) = state {
        doc.insert("KeyState".into(), s.into());
    }
    doc.insert("Enabled".into(), enabled);
    doc.insert("Description".into(), or(p, "Description", ""));
    // The live scan reads rotation only where GetKeyRotationStatus answers: symmetric keys
    // with key material from KMS. EnableKeyRotation's default is false.
    if (spec == "SYMMETRIC_DEFAULT" || !spec.is_string()) && origin == "AWS_KMS" {
        doc.insert(
            "KeyRotationEnabled".into(),
            or(p, "EnableKeyRotation", false),
        );
    }
    // KeyPolicy has no place in the live document (the collector does not read key
    // policies), so no rule reads it.
    Ok((Value::Object(doc), tags(p), super::finish::<aws::kms::Key>))
}

/// RDS's engine names are lower case (`MySQL` is read back as `mysql`).
fn engine(p: &Value) -> Option<Value> {
    p.get("Engine").map(|e| match e.as_str() {
        Some(s) => Value::String(s.to_ascii_lowercase()),
        None => e.clone(),
    })
}

/// StorageEncrypted as RDS sets it: as given; inherited from the snapshot or database
/// restored or replicated (unknown here); always for Aurora Serverless v1; else false
/// (CreateDBInstance and CreateDBCluster's default).
fn encrypted(p: &Value) -> Value {
    if let Some(v) = p.get("StorageEncrypted") {
        return v.clone();
    }
    const SOURCES: &[&str] = &[
        "SnapshotIdentifier",
        "DBSnapshotIdentifier",
        "DBClusterSnapshotIdentifier",
        "SourceDBInstanceIdentifier",
        "SourceDBClusterIdentifier",
        "SourceDbiResourceId",
        "SourceDBInstanceAutomatedBackupsArn",
    ];
    if let Some(src) = SOURCES.iter().find(|k| p.get(**k).is_some()) {
        return unknown(format!(
            "StorageEncrypted not given: inherited from the {src} restored"
        ));
    }
    Value::Bool(p.get("EngineMode").and_then(Value::as_str) == Some("serverless"))
}

/// PubliclyAccessible when the template leaves it out. CreateDBInstance: without a subnet
/// group the database goes in the default VPC, and is public when that VPC has an internet
/// gateway (a default VPC has one as AWS creates it); with one, public when the group's VPC
/// has an internet gateway. That VPC is followed through the template (subnet group →
/// subnet → VPC → gateway attachment); where it leaves the template, unknown.
///
/// Doubt: older versions of the same API reference said a database with a subnet group is
/// private unless PubliclyAccessible is given; the current one is followed.
fn default_public(group: Option<&Value>, all: &[Resolved]) -> Value {
    let Some(group) = group else {
        return Value::Bool(true);
    };
    if group == "default" {
        return Value::Bool(true);
    }
    let vpc = named(all, group, "AWS::RDS::DBSubnetGroup", "DBSubnetGroupName")
        .and_then(|g| g.properties.get("SubnetIds")?.as_array()?.first())
        .and_then(|s| target(all, s, "AWS::EC2::Subnet"))
        .and_then(|s| target(all, s.properties.get("VpcId")?, "AWS::EC2::VPC"));
    match vpc {
        Some(vpc) => Value::Bool(all.iter().any(|a| {
            a.resource_type == "AWS::EC2::VPCGatewayAttachment"
                && a.properties.get("VpcId").and_then(reference) == Some(vpc.logical_id.as_str())
                && a.properties.get("InternetGatewayId").is_some()
        })),
        None => unknown(format!(
            "PubliclyAccessible not given: RDS makes the database public if the VPC of subnet group {} has an internet gateway",
            text_of(group)
        )),
    }
}

fn db_instance(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "DBInstanceIdentifier".into(),
        Value::String(text_of(&name(r, "DBInstanceIdentifier"))),
    );
    copy(
        &mut doc,
        p,
        &[
            ("DBInstanceClass", "DBInstanceClass"),
            ("EngineVersion", "EngineVersion"),
            ("DeletionProtection", "DeletionProtection"),
            (
                "EnableIAMDatabaseAuthentication",
                "IAMDatabaseAuthenticationEnabled",
            ),
            (
                "EnableCloudwatchLogsExports",
                "EnabledCloudwatchLogsExports",
            ),
            ("MonitoringInterval", "MonitoringInterval"),
        ],
    );
    if let Some(e) = engine(p) {
        doc.insert("Engine".into(), e);
    }
    let mut group = p.get("DBSubnetGroupName").cloned();
    match p.get("DBClusterIdentifier") {
        // An Aurora instance's storage, backups and subnet group are its cluster's.
        Some(c) => match named(all, c, "AWS::RDS::DBCluster", "DBClusterIdentifier") {
            Some(cluster) => {
                let cp = &cluster.properties;
                doc.insert(
                    "DBClusterIdentifier".into(),
                    Value::String(text_of(&name(cluster, "DBClusterIdentifier"))),
                );
                doc.insert("StorageEncrypted".into(), encrypted(cp));
                copy(&mut doc, cp, &[("KmsKeyId", "KmsKeyId")]);
                doc.insert(
                    "BackupRetentionPeriod".into(),
                    or(cp, "BackupRetentionPeriod", 1),
                );
                group = group.or_else(|| cp.get("DBSubnetGroupName").cloned());
            }
            None => {
                doc.insert("DBClusterIdentifier".into(), c.clone());
                let why = format!("set by DB cluster {}, not in this template", text_of(c));
                doc.insert(
                    "StorageEncrypted".into(),
                    unknown(format!("encryption {why}")),
                );
                if group.is_none() {
                    group = Some(unknown(format!("the subnet group {why}")));
                }
            }
        },
        None => {
            doc.insert("StorageEncrypted".into(), encrypted(p));
            copy(&mut doc, p, &[("KmsKeyId", "KmsKeyId")]);
            // CloudFormation's default retention is 1 day (AWS::RDS::DBInstance).
            doc.insert(
                "BackupRetentionPeriod".into(),
                or(p, "BackupRetentionPeriod", 1),
            );
        }
    }
    let public = match (p.get("PubliclyAccessible"), &group) {
        (Some(v), _) => v.clone(),
        (None, Some(g)) if unknown_reason(g).is_some() => g.clone(),
        (None, g) => default_public(g.as_ref(), all),
    };
    doc.insert("PubliclyAccessible".into(), public);
    doc.insert("MultiAZ".into(), or(p, "MultiAZ", false));
    // AutoMinorVersionUpgrade's default is true (CreateDBInstance).
    doc.insert(
        "AutoMinorVersionUpgrade".into(),
        or(p, "AutoMinorVersionUpgrade", true),
    );
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::rds::DbInstance>,
    ))
}

fn db_cluster(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "DBClusterIdentifier".into(),
        Value::String(text_of(&name(r, "DBClusterIdentifier"))),
    );
    copy(
        &mut doc,
        p,
        &[
            ("EngineVersion", "EngineVersion"),
            ("KmsKeyId", "KmsKeyId"),
            ("DeletionProtection", "DeletionProtection"),
            (
                "EnableIAMDatabaseAuthentication",
                "IAMDatabaseAuthenticationEnabled",
            ),
            ("PubliclyAccessible", "PubliclyAccessible"),
            (
                "EnableCloudwatchLogsExports",
                "EnabledCloudwatchLogsExports",
            ),
            ("AutoMinorVersionUpgrade", "AutoMinorVersionUpgrade"),
            ("CopyTagsToSnapshot", "CopyTagsToSnapshot"),
        ],
    );
    if let Some(e) = engine(p) {
        doc.insert("Engine".into(), e);
    }
    doc.insert("StorageEncrypted".into(), encrypted(p));
    // CloudFormation's default retention is 1 day (AWS::RDS::DBCluster).
    doc.insert(
        "BackupRetentionPeriod".into(),
        or(p, "BackupRetentionPeriod", 1),
    );
    // A Multi-AZ DB cluster (one with its own instance class) spans three zones; an Aurora
    // cluster's zones are its instances', not known from the cluster.
    doc.insert(
        "MultiAZ".into(),
        Value::Bool(p.get("DBClusterInstanceClass").is_some()),
    );
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::rds::DbCluster>,
    ))
}

fn table(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "TableName".into(),
        Value::String(text_of(&name(r, "TableName"))),
    );
    // DynamoDB's defaults (AWS::DynamoDB::Table): provisioned capacity, deletion
    // protection off, point-in-time recovery off, encryption with a key DynamoDB owns (no
    // SSEDescription).
    doc.insert("BillingMode".into(), or(p, "BillingMode", "PROVISIONED"));
    copy(
        &mut doc,
        p,
        &[("DeletionProtectionEnabled", "DeletionProtectionEnabled")],
    );
    let sse = p.pointer("/SSESpecification/SSEEnabled");
    match flag(sse) {
        Some(true) => {
            let mut d = json!({"Status": "ENABLED", "SSEType": "KMS"});
            if let Some(k) = p.pointer("/SSESpecification/KMSMasterKeyId") {
                d["KMSMasterKeyArn"] = k.clone();
            }
            doc.insert("SSEDescription".into(), d);
        }
        Some(false) => {}
        None => {
            if let Some(v) = sse {
                doc.insert("SSEDescription".into(), v.clone());
            }
        }
    }
    doc.insert(
        "PointInTimeRecoveryStatus".into(),
        status(
            p.pointer("/PointInTimeRecoverySpecification/PointInTimeRecoveryEnabled"),
            false,
            "ENABLED",
            "DISABLED",
        ),
    );
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::dynamodb::Table>,
    ))
}

fn trail(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert("Name".into(), Value::String(text_of(&name(r, "TrailName"))));
    doc.insert(
        "TrailARN".into(),
        Value::String(format!("${{{}.Arn}}", r.logical_id)),
    );
    // CreateTrail's defaults: single-region, not an organization trail, global service
    // events included, no log file validation.
    doc.insert(
        "IsMultiRegionTrail".into(),
        or(p, "IsMultiRegionTrail", false),
    );
    doc.insert(
        "IsOrganizationTrail".into(),
        or(p, "IsOrganizationTrail", false),
    );
    doc.insert(
        "IncludeGlobalServiceEvents".into(),
        or(p, "IncludeGlobalServiceEvents", true),
    );
    copy(
        &mut doc,
        p,
        &[
            ("EnableLogFileValidation", "LogFileValidationEnabled"),
            ("S3BucketName", "S3BucketName"),
            ("KMSKeyId", "KmsKeyId"),
            ("CloudWatchLogsLogGroupArn", "CloudWatchLogsLogGroupArn"),
        ],
    );
    let mut status = Map::new();
    status.insert("IsLogging".into(), or(p, "IsLogging", false));
    // A logging trail first delivers to CloudWatch Logs after deploy.
    if p.get("CloudWatchLogsLogGroupArn").is_some() && flag(p.get("IsLogging")) != Some(false) {
        status.insert(
            "LatestCloudWatchLogsDeliveryTime".into(),
            unknown("the trail's first delivery to CloudWatch Logs is after deploy"),
        );
    }
    doc.insert("Status".into(), Value::Object(status));
    let given = |k: &str| {
        p.get(k)
            .filter(|v| v.as_array().is_none_or(|a| !a.is_empty()))
    };
    match (given("EventSelectors"), given("AdvancedEventSelectors")) {
        // Without selectors a trail logs all management events: GetEventSelectors answers
        // with that default selector.
        (None, None) => {
            doc.insert(
                "EventSelectors".into(),
                json!([{"ReadWriteType": "All", "IncludeManagementEvents": true}]),
            );
        }
        (selectors, advanced) => {
            if let Some(s) = selectors {
                let filled = match s.as_array() {
                    // A selector's own defaults (AWS::CloudTrail::Trail EventSelector).
                    Some(items) => Value::Array(
                        items
                            .iter()
                            .map(|i| {
                                json!({
                                    "ReadWriteType": or(i, "ReadWriteType", "All"),
                                    "IncludeManagementEvents": or(i, "IncludeManagementEvents", true),
                                })
                            })
                            .collect(),
                    ),
                    None => s.clone(),
                };
                doc.insert("EventSelectors".into(), filled);
            }
            if let Some(a) = advanced {
                doc.insert("AdvancedEventSelectors".into(), a.clone());
            }
        }
    }
    Ok((
        Value::Object(doc),
        tags(p),
        super::finish::<aws::cloudtrail::Trail>,
    ))
}

#[cfg(test)]
#[path = "data_tests.rs"]
mod tests;
