//! Data and compute: KMS keys, RDS instances, clusters and subnet groups, DynamoDB tables,
//! CloudTrail trails, Lambda functions with their URLs and permissions, Secrets Manager
//! secrets with their rotation, EFS file systems with their backup policy, ElastiCache
//! replication groups.
//!
//! No secret is carried over: a database's password, a secret's value
//! (`aws_secretsmanager_secret_version` is not read at all), a replication group's AUTH
//! token and a permission's event source token are never copied, only whether they are
//! given; a function's environment values are redacted here already, as the live scan holds
//! them. Where the provider sends a value that AWS would otherwise default differently at
//! creation (`publicly_accessible`, `enable_logging`, `is_enabled`), the template gets what
//! AWS has after `terraform apply`.

use serde_json::{json, Map, Value};

use super::{
    block, blocks, given, link, patch, props, resource, tags, target, with_tags, without_empty, Out,
};
use crate::iac::cfn::resolve::{reference, unknown, unknown_reason};
use crate::iac::terraform::plan::Planned;
use crate::redact::REDACTED;

const DB_INSTANCE: &[&str] = &["aws_db_instance"];
const CLUSTER: &[&str] = &["aws_rds_cluster"];
const SUBNET_GROUP: &[&str] = &["aws_db_subnet_group"];
const SUBNET: &[&str] = &["aws_subnet"];
const FUNCTION: &[&str] = &["aws_lambda_function"];
const SECRET: &[&str] = &["aws_secretsmanager_secret"];
const FILE_SYSTEM: &[&str] = &["aws_efs_file_system"];

/// The template resources `r` becomes, if it is one of this area's types.
pub(super) fn translate(r: &Planned, all: &[Planned]) -> Option<Vec<Out>> {
    let v = &r.values;
    let made = |ty: &str, m: Map<String, Value>| vec![resource(r, ty, with_tags(m, v))];
    // Types without tags in a template (a URL, a permission, a rotation schedule).
    let plain = |ty: &str, m: Map<String, Value>| vec![resource(r, ty, m)];
    Some(match r.resource_type.as_str() {
        "aws_kms_key" => made("AWS::KMS::Key", kms_key(v)),
        "aws_db_instance" => made("AWS::RDS::DBInstance", db_instance(v, all)),
        "aws_rds_cluster_instance" => made("AWS::RDS::DBInstance", cluster_instance(v, all)),
        "aws_rds_cluster" => made("AWS::RDS::DBCluster", cluster(v, all)),
        "aws_db_subnet_group" => made("AWS::RDS::DBSubnetGroup", subnet_group(v, all)),
        "aws_dynamodb_table" => made("AWS::DynamoDB::Table", table(v)),
        "aws_cloudtrail" => made("AWS::CloudTrail::Trail", trail(v)),
        "aws_lambda_function" => made("AWS::Lambda::Function", function(v)),
        "aws_lambda_function_url" => plain("AWS::Lambda::Url", function_url(v, all)),
        "aws_lambda_permission" => plain("AWS::Lambda::Permission", permission(v, all)),
        "aws_secretsmanager_secret" => made("AWS::SecretsManager::Secret", secret(v)),
        "aws_secretsmanager_secret_rotation" => {
            plain("AWS::SecretsManager::RotationSchedule", rotation(v, all))
        }
        "aws_efs_file_system" => {
            // EFS takes its tags as FileSystemTags (its Name is the Name tag's).
            let mut m = file_system(v);
            m.insert("FileSystemTags".into(), tags(v));
            plain("AWS::EFS::FileSystem", m)
        }
        "aws_efs_backup_policy" => {
            let status = block(v, "backup_policy").and_then(|b| given(b, "status"));
            status
                .and_then(|s| {
                    let policy = json!({ "Status": s });
                    patch(
                        all,
                        v.get("file_system_id"),
                        FILE_SYSTEM,
                        "BackupPolicy",
                        policy,
                    )
                })
                .into_iter()
                .collect()
        }
        "aws_elasticache_replication_group" => {
            made("AWS::ElastiCache::ReplicationGroup", replication_group(v))
        }
        _ => return None,
    })
}

/// `v[key]` when the plan holds a value (not null).
fn set<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// The resource of `types` that `v` names: by reference, by a known name or id, or by the
/// known value of its argument `key` (RDS identifiers, which RDS compares ignoring case).
fn named<'a>(all: &'a [Planned], v: &Value, types: &[&str], key: &str) -> Option<&'a Planned> {
    target(all, v, types).or_else(|| {
        let s = v.as_str()?;
        all.iter()
            .filter(|r| types.contains(&r.resource_type.as_str()))
            .find(|r| {
                r.values
                    .get(key)
                    .and_then(Value::as_str)
                    .is_some_and(|x| x.eq_ignore_ascii_case(s))
            })
    })
}

/// `v`, or the deploy-time identifier of the resource [`named`] finds.
fn linked(all: &[Planned], v: &Value, types: &[&str], key: &str) -> Value {
    match named(all, v, types, key) {
        Some(t) if reference(v).is_none() => Value::String(format!("${{{}}}", t.logical_id)),
        _ => v.clone(),
    }
}

/// The arguments of `v` named in `same` (space-separated; their property is their name in
/// PascalCase: `kms_key_id` → `KmsKeyId`) and in `renames`, where set; Terraform's empty
/// texts left out.
fn args(v: &Value, same: &str, renames: &[(&str, &str)]) -> Map<String, Value> {
    let pascal = |k: &str| -> String {
        let word = |w: &str| {
            let mut c = w.chars();
            c.next().map_or_else(String::new, |f| {
                f.to_ascii_uppercase().to_string() + c.as_str()
            })
        };
        k.split('_').map(word).collect()
    };
    let mut m = props(v, renames);
    for k in same.split_whitespace() {
        if let Some(x) = set(v, k) {
            m.insert(pascal(k), x.clone());
        }
    }
    without_empty(m)
}

fn kms_key(v: &Value) -> Map<String, Value> {
    let same = "description key_usage enable_key_rotation multi_region";
    let renames = [
        ("customer_master_key_spec", "KeySpec"),
        ("policy", "KeyPolicy"),
    ];
    let mut m = args(v, same, &renames);
    // `is_enabled` defaults to true, as Enabled does; a plan without it is read as that.
    let enabled = set(v, "is_enabled").cloned().unwrap_or(Value::Bool(true));
    m.insert("Enabled".into(), enabled);
    m
}

/// What every RDS database type names alike.
const RDS: &str = "engine engine_version auto_minor_version_upgrade";
/// What a database with its own storage (an instance outside a cluster, a cluster) has.
const STORED: &str = "kms_key_id backup_retention_period deletion_protection copy_tags_to_snapshot";
const STORED_RENAMES: &[(&str, &str)] = &[
    (
        "iam_database_authentication_enabled",
        "EnableIAMDatabaseAuthentication",
    ),
    (
        "enabled_cloudwatch_logs_exports",
        "EnableCloudwatchLogsExports",
    ),
];

/// StorageEncrypted as RDS sets it at apply. Without a source, as planned. With one,
/// `storage_encrypted` (false unless set) is not what RDS does: a restored or replicated
/// database takes its source's encryption, or is encrypted with `kms_key_id` where RDS takes
/// one (`key_encrypts`: a read replica, a restored cluster). Else it is `inherited` (a
/// source in the plan), or left out for the documents to call unknown.
fn encryption(m: &mut Map<String, Value>, v: &Value, key_encrypts: bool, inherited: Option<Value>) {
    // DBSnapshotIdentifier, SourceDBInstanceIdentifier, SourceDBClusterIdentifier, ...
    let from_source = m
        .keys()
        .any(|k| k.ends_with("SnapshotIdentifier") || k.starts_with("Source"));
    let encrypted = if !from_source {
        set(v, "storage_encrypted").cloned()
    } else if key_encrypts && m.contains_key("KmsKeyId") {
        Some(Value::Bool(true))
    } else {
        inherited
    };
    if let Some(e) = encrypted {
        m.insert("StorageEncrypted".into(), e);
    }
}

/// PubliclyAccessible: the provider's default is false and it always sends it, where
/// CreateDBInstance alone makes a database without a subnet group public.
fn public(v: &Value) -> Value {
    set(v, "publicly_accessible")
        .cloned()
        .unwrap_or(Value::Bool(false))
}

fn subnet_group_of(m: &mut Map<String, Value>, v: &Value, all: &[Planned]) {
    if let Some(g) = given(v, "db_subnet_group_name") {
        let group = linked(all, g, SUBNET_GROUP, "name");
        m.insert("DBSubnetGroupName".into(), group);
    }
}

fn db_instance(v: &Value, all: &[Planned]) -> Map<String, Value> {
    // Never `password`: only what the documents read.
    let renames = [
        ("identifier", "DBInstanceIdentifier"),
        ("instance_class", "DBInstanceClass"),
        ("snapshot_identifier", "DBSnapshotIdentifier"),
        ("multi_az", "MultiAZ"),
    ];
    let same = format!("{RDS} {STORED} monitoring_interval");
    let mut m = args(v, &same, &[STORED_RENAMES, &renames].concat());
    if let Some(p) = block(v, "restore_to_point_in_time") {
        let renames = [
            (
                "source_db_instance_identifier",
                "SourceDBInstanceIdentifier",
            ),
            (
                "source_db_instance_automated_backups_arn",
                "SourceDBInstanceAutomatedBackupsArn",
            ),
        ];
        m.extend(args(p, "source_dbi_resource_id", &renames));
    }
    let replica = given(v, "replicate_source_db");
    // A replica of a database of the plan made from nothing has that database's encryption.
    let inherited = replica
        .and_then(|s| named(all, s, DB_INSTANCE, "identifier"))
        .map(|s| &s.values)
        .filter(|s| {
            given(s, "snapshot_identifier").is_none()
                && given(s, "replicate_source_db").is_none()
                && block(s, "restore_to_point_in_time").is_none()
        })
        .and_then(|s| set(s, "storage_encrypted").cloned());
    if let Some(s) = replica {
        let source = linked(all, s, DB_INSTANCE, "identifier");
        m.insert("SourceDBInstanceIdentifier".into(), source);
    }
    subnet_group_of(&mut m, v, all);
    encryption(&mut m, v, replica.is_some(), inherited);
    m.insert("PubliclyAccessible".into(), public(v));
    m
}

/// An Aurora instance: its storage, backups and encryption are its cluster's.
fn cluster_instance(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let renames = [
        ("identifier", "DBInstanceIdentifier"),
        ("instance_class", "DBInstanceClass"),
    ];
    let mut m = args(v, &format!("{RDS} monitoring_interval"), &renames);
    if let Some(c) = given(v, "cluster_identifier") {
        let cluster = linked(all, c, CLUSTER, "cluster_identifier");
        m.insert("DBClusterIdentifier".into(), cluster);
    }
    subnet_group_of(&mut m, v, all);
    m.insert("PubliclyAccessible".into(), public(v));
    m
}

fn cluster(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let same = "engine_mode publicly_accessible snapshot_identifier";
    let renames = [
        ("cluster_identifier", "DBClusterIdentifier"),
        ("db_cluster_instance_class", "DBClusterInstanceClass"),
    ];
    let mut m = args(
        v,
        &format!("{RDS} {STORED} {same}"),
        &[STORED_RENAMES, &renames].concat(),
    );
    let restored = block(v, "restore_to_point_in_time");
    if let Some(s) = restored.and_then(|p| given(p, "source_cluster_identifier")) {
        let source = linked(all, s, CLUSTER, "cluster_identifier");
        m.insert("SourceDBClusterIdentifier".into(), source);
    }
    subnet_group_of(&mut m, v, all);
    encryption(&mut m, v, true, None);
    m
}

fn subnet_group(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let renames = [
        ("name", "DBSubnetGroupName"),
        ("description", "DBSubnetGroupDescription"),
    ];
    let mut m = args(v, "", &renames);
    if let Some(ids) = set(v, "subnet_ids") {
        let ids = match ids {
            Value::Array(a) => Value::Array(a.iter().map(|s| link(all, s, SUBNET)).collect()),
            other => other.clone(),
        };
        m.insert("SubnetIds".into(), ids);
    }
    m
}

fn table(v: &Value) -> Map<String, Value> {
    let same = "billing_mode deletion_protection_enabled";
    let mut m = args(v, same, &[("name", "TableName")]);
    if let Some(s) = block(v, "server_side_encryption") {
        let renames = [("enabled", "SSEEnabled"), ("kms_key_arn", "KMSMasterKeyId")];
        m.insert(
            "SSESpecification".into(),
            Value::Object(args(s, "", &renames)),
        );
    }
    if let Some(p) = block(v, "point_in_time_recovery") {
        let pitr = props(p, &[("enabled", "PointInTimeRecoveryEnabled")]);
        m.insert(
            "PointInTimeRecoverySpecification".into(),
            Value::Object(pitr),
        );
    }
    m
}

fn trail(v: &Value) -> Map<String, Value> {
    let same = "s3_bucket_name is_multi_region_trail include_global_service_events \
        enable_log_file_validation is_organization_trail";
    let renames = [
        ("name", "TrailName"),
        ("kms_key_id", "KMSKeyId"),
        ("cloud_watch_logs_group_arn", "CloudWatchLogsLogGroupArn"),
    ];
    let mut m = args(v, same, &renames);
    // `enable_logging` defaults to true: the provider starts logging once the trail is made,
    // where a template's trail logs only if IsLogging says so.
    let logging = set(v, "enable_logging")
        .cloned()
        .unwrap_or(Value::Bool(true));
    m.insert("IsLogging".into(), logging);
    let selectors: Vec<Value> = blocks(v, "event_selector")
        .iter()
        .map(|s| Value::Object(args(s, "read_write_type include_management_events", &[])))
        .collect();
    if !selectors.is_empty() {
        m.insert("EventSelectors".into(), Value::Array(selectors));
    }
    let advanced: Vec<Value> = blocks(v, "advanced_event_selector")
        .iter()
        .map(|a| {
            let fields: Vec<Value> = blocks(a, "field_selector")
                .iter()
                .map(|f| Value::Object(args(f, "field equals", &[])))
                .collect();
            let mut s = args(a, "name", &[]);
            s.insert("FieldSelectors".into(), Value::Array(fields));
            Value::Object(s)
        })
        .collect();
    if !advanced.is_empty() {
        m.insert("AdvancedEventSelectors".into(), Value::Array(advanced));
    }
    m
}

/// Environment values as the live scan holds them: redacted, an empty one empty, an unknown
/// one unknown (its reason names an expression, never a value).
fn redacted(vars: &Value) -> Value {
    match vars {
        Value::Object(o) => Value::Object(
            o.iter()
                .map(|(k, x)| {
                    let kept = match x {
                        Value::String(s) if s.is_empty() => x.clone(),
                        x if unknown_reason(x).is_some() => x.clone(),
                        _ => Value::String(REDACTED.into()),
                    };
                    (k.clone(), kept)
                })
                .collect(),
        ),
        v if unknown_reason(v).is_some() => v.clone(),
        _ => unknown("the function's environment variables are not a map in the plan"),
    }
}

fn function(v: &Value) -> Map<String, Value> {
    let same = "function_name runtime role handler kms_key_arn package_type";
    let mut m = args(v, same, &[]);
    if let Some(t) = block(v, "dead_letter_config").and_then(|d| given(d, "target_arn")) {
        m.insert("DeadLetterConfig".into(), json!({ "TargetArn": t }));
    }
    if let Some(mode) = block(v, "tracing_config").and_then(|t| given(t, "mode")) {
        m.insert("TracingConfig".into(), json!({ "Mode": mode }));
    }
    // A `vpc_config` without subnets is the provider's way of saying "not in a VPC".
    let vpc = block(v, "vpc_config").filter(|c| {
        set(c, "subnet_ids").is_some_and(|s| s.as_array().is_none_or(|a| !a.is_empty()))
    });
    if let Some(c) = vpc {
        let ids = args(c, "subnet_ids security_group_ids", &[]);
        m.insert("VpcConfig".into(), Value::Object(ids));
    }
    if let Some(vars) = block(v, "environment").and_then(|e| set(e, "variables")) {
        m.insert("Environment".into(), json!({ "Variables": redacted(vars) }));
    }
    m
}

fn function_url(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let mut m = args(v, "qualifier", &[("authorization_type", "AuthType")]);
    if let Some(f) = set(v, "function_name") {
        m.insert("TargetFunctionArn".into(), link(all, f, FUNCTION));
    }
    m
}

fn permission(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let same = "action principal source_arn source_account function_url_auth_type";
    let mut m = args(v, same, &[("principal_org_id", "PrincipalOrgID")]);
    if let Some(f) = set(v, "function_name") {
        let f = link(all, f, FUNCTION);
        // A permission on a version or alias is in that one's policy, not the function's:
        // named as a template names it (`name:alias`), it joins no function.
        let f = match (given(v, "qualifier"), f.as_str()) {
            (Some(q), Some(s)) => Value::String(format!("{s}:{}", q.as_str().unwrap_or("?"))),
            _ => f,
        };
        m.insert("FunctionName".into(), f);
    }
    // A shared secret: that one is required is kept, not its value.
    if given(v, "event_source_token").is_some() {
        m.insert("EventSourceToken".into(), REDACTED.into());
    }
    m
}

/// `policy` is left out: a template gives a secret's policy as a separate
/// AWS::SecretsManager::ResourcePolicy, and the documents read none.
fn secret(v: &Value) -> Map<String, Value> {
    args(v, "name kms_key_id description", &[])
}

fn rotation(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let mut m = args(v, "", &[("rotation_lambda_arn", "RotationLambdaARN")]);
    if let Some(s) = set(v, "secret_id") {
        m.insert("SecretId".into(), link(all, s, SECRET));
    }
    if let Some(r) = block(v, "rotation_rules") {
        let same = "automatically_after_days schedule_expression duration";
        let mut rules = args(r, same, &[]);
        // 0 days is the provider's "not set" beside a schedule expression.
        rules.retain(|k, x| !(k == "AutomaticallyAfterDays" && x.as_i64() == Some(0)));
        m.insert("RotationRules".into(), Value::Object(rules));
    }
    m
}

fn file_system(v: &Value) -> Map<String, Value> {
    let same = "encrypted kms_key_id performance_mode throughput_mode availability_zone_name";
    args(v, same, &[])
}

fn replication_group(v: &Value) -> Map<String, Value> {
    let same = "replication_group_id engine kms_key_id at_rest_encryption_enabled \
        transit_encryption_enabled automatic_failover_enabled snapshot_retention_limit";
    let renames = [
        ("description", "ReplicationGroupDescription"),
        ("multi_az_enabled", "MultiAZEnabled"),
    ];
    let mut m = args(v, same, &renames);
    let groups = set(v, "user_group_ids").filter(|g| g.as_array().is_none_or(|a| !a.is_empty()));
    if let Some(g) = groups {
        m.insert("UserGroupIds".into(), g.clone());
    }
    // Valkey is encrypted at rest unless asked otherwise (the provider's documentation:
    // the default is true for valkey, false for redis).
    if !m.contains_key("AtRestEncryptionEnabled") && given(v, "engine") == Some(&json!("valkey")) {
        m.insert("AtRestEncryptionEnabled".into(), Value::Bool(true));
    }
    if let Some(t) = auth_token(v) {
        m.insert("AuthToken".into(), t);
    }
    m
}

/// Whether an AUTH token is given, never the token. The provider marks `auth_token`
/// sensitive, and a plan marks a sensitive argument whether it is set or not, so a hidden
/// one is not known to be set: none without in-transit encryption (a token needs it), else
/// unknown (a reason starting `condition ` is the documents' "maybe given").
fn auth_token(v: &Value) -> Option<Value> {
    let t = set(v, "auth_token").filter(|t| t.as_str() != Some(""))?;
    let Some(why) = unknown_reason(t).filter(|why| why.contains("sensitive")) else {
        return Some(REDACTED.into());
    };
    if set(v, "transit_encryption_enabled") == Some(&Value::Bool(false)) {
        return None;
    }
    Some(unknown(format!(
        "condition unknown: {why}, and a plan marks it so whether or not it is set"
    )))
}

#[cfg(test)]
#[path = "../translate_data_tests.rs"]
mod tests;
