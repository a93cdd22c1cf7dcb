//! Lambda functions (with their `AWS::Lambda::Url` and `AWS::Lambda::Permission`), Secrets
//! Manager secrets (with their `AWS::SecretsManager::RotationSchedule`), EFS file systems
//! and ElastiCache replication groups. No secret value is kept: a function's environment
//! values are redacted as the live scan redacts them, a secret's string and a replication
//! group's AUTH token are never read, only whether a token is given.

use serde_json::{json, Map, Value};

use super::super::{copy, finish, name, or, tags, text_of, Mapped};
use super::{joined, status};
use crate::iac::cfn::resolve::{unknown_reason, Resolved};
use crate::model::aws;
use crate::redact::REDACTED;

/// `r`'s document, if it is one of these types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        "AWS::Lambda::Function" => function(r, all),
        "AWS::SecretsManager::Secret" => secret(r, all),
        "AWS::EFS::FileSystem" => file_system(r),
        "AWS::ElastiCache::ReplicationGroup" => replication_group(r),
        _ => return None,
    })
}

/// An environment value as the live scan holds it: redacted whatever its name (an empty
/// one stays empty); an unknown one stays unknown, its text never known here.
fn redacted(v: &Value) -> Value {
    match v {
        Value::String(s) if s.is_empty() => v.clone(),
        v if unknown_reason(v).is_some() => v.clone(),
        _ => Value::String(REDACTED.into()),
    }
}

fn function(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let name = name(r, "FunctionName");
    let mut doc = Map::new();
    doc.insert("FunctionName".into(), Value::String(text_of(&name)));
    copy(
        &mut doc,
        p,
        &[
            ("Runtime", "Runtime"),
            ("Role", "Role"),
            ("Handler", "Handler"),
            ("KmsKeyArn", "KMSKeyArn"),
            ("DeadLetterConfig", "DeadLetterConfig"),
        ],
    );
    // Lambda's defaults, which GetFunction reads back: a .zip package, tracing PassThrough.
    doc.insert("PackageType".into(), or(p, "PackageType", "Zip"));
    doc.insert(
        "TracingConfig".into(),
        or(p, "TracingConfig", json!({"Mode": "PassThrough"})),
    );
    if let Some(v) = p.get("VpcConfig") {
        let mut vpc = Map::new();
        copy(
            &mut vpc,
            v,
            &[
                ("SubnetIds", "SubnetIds"),
                ("SecurityGroupIds", "SecurityGroupIds"),
            ],
        );
        let vpc = if unknown_reason(v).is_some() {
            v.clone()
        } else {
            Value::Object(vpc)
        };
        doc.insert("VpcConfig".into(), vpc);
    }
    match p.pointer("/Environment/Variables") {
        Some(Value::Object(vars)) => {
            let vars: Map<String, Value> =
                vars.iter().map(|(k, v)| (k.clone(), redacted(v))).collect();
            doc.insert("Environment".into(), json!({ "Variables": vars }));
        }
        Some(v) if unknown_reason(v).is_some() => {
            doc.insert("Environment".into(), json!({ "Variables": v }));
        }
        _ => {}
    }
    // The live scan reads the function's own URL (GetFunctionUrlConfig without a
    // qualifier): a URL on an alias is not it.
    let url = joined(r, all, "AWS::Lambda::Url", "TargetFunctionArn", &name)
        .into_iter()
        .find(|u| u.properties.get("Qualifier").is_none());
    if let Some(auth) = url.and_then(|u| u.properties.get("AuthType")) {
        doc.insert("FunctionUrlAuthType".into(), auth.clone());
    }
    let arn = Value::String(format!("${{{}.Arn}}", r.logical_id));
    let statements: Vec<Value> = joined(r, all, "AWS::Lambda::Permission", "FunctionName", &name)
        .into_iter()
        .map(|perm| statement(perm, &arn))
        .collect();
    if !statements.is_empty() {
        doc.insert(
            "Policy".into(),
            json!({"Version": "2012-10-17", "Id": "default", "Statement": statements}),
        );
    }
    Ok((Value::Object(doc), tags(p), finish::<aws::lambda::Function>))
}

/// A permission as the statement AddPermission writes in the function's policy.
fn statement(perm: &Resolved, arn: &Value) -> Value {
    let p = &perm.properties;
    let mut s = Map::new();
    s.insert("Sid".into(), Value::String(perm.logical_id.clone()));
    s.insert("Effect".into(), "Allow".into());
    s.insert("Principal".into(), principal(p.get("Principal")));
    s.insert("Action".into(), or(p, "Action", "lambda:InvokeFunction"));
    s.insert("Resource".into(), arn.clone());
    let mut equals = Map::new();
    for (k, key) in [
        ("SourceAccount", "AWS:SourceAccount"),
        ("PrincipalOrgID", "aws:PrincipalOrgID"),
        ("FunctionUrlAuthType", "lambda:FunctionUrlAuthType"),
    ] {
        if let Some(v) = p.get(k) {
            equals.insert(key.into(), v.clone());
        }
    }
    // The token is a shared secret: that it is required is kept, not its value.
    if p.get("EventSourceToken").is_some() {
        equals.insert("lambda:EventSourceToken".into(), REDACTED.into());
    }
    let mut condition = Map::new();
    if !equals.is_empty() {
        condition.insert("StringEquals".into(), Value::Object(equals));
    }
    if let Some(v) = p.get("SourceArn") {
        condition.insert("ArnLike".into(), json!({"AWS:SourceArn": v}));
    }
    if !condition.is_empty() {
        s.insert("Condition".into(), Value::Object(condition));
    }
    Value::Object(s)
}

/// A permission's principal as Lambda writes it: `*`, an account as its root, a service,
/// or an ARN.
fn principal(v: Option<&Value>) -> Value {
    match v.and_then(Value::as_str) {
        Some("*") => "*".into(),
        Some(s) if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) => {
            json!({"AWS": format!("arn:aws:iam::{s}:root")})
        }
        Some(s) if !s.starts_with("arn:") && !s.starts_with("${") && s.contains('.') => {
            json!({"Service": s})
        }
        Some(s) => json!({"AWS": s}),
        None => v.cloned().unwrap_or(Value::Null),
    }
}

fn secret(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let name = name(r, "Name");
    let mut doc = Map::new();
    doc.insert("Name".into(), Value::String(text_of(&name)));
    // Without KmsKeyId, Secrets Manager uses the account's aws/secretsmanager key and
    // ListSecrets gives no KmsKeyId.
    copy(&mut doc, p, &[("KmsKeyId", "KmsKeyId")]);
    let schedule = joined(
        r,
        all,
        "AWS::SecretsManager::RotationSchedule",
        "SecretId",
        &name,
    );
    doc.insert("RotationEnabled".into(), Value::Bool(!schedule.is_empty()));
    if let Some(rules) = schedule
        .first()
        .and_then(|s| s.properties.get("RotationRules"))
    {
        let mut m = Map::new();
        copy(
            &mut m,
            rules,
            &[
                ("AutomaticallyAfterDays", "AutomaticallyAfterDays"),
                ("ScheduleExpression", "ScheduleExpression"),
            ],
        );
        doc.insert("RotationRules".into(), Value::Object(m));
    }
    // Created at deploy: as a scan right after deploy reads it.
    doc.insert(
        "CreatedDate".into(),
        Value::String(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
    );
    Ok((
        Value::Object(doc),
        tags(p),
        finish::<aws::secretsmanager::Secret>,
    ))
}

fn file_system(r: &Resolved) -> Mapped {
    let p = &r.properties;
    // EFS takes its tags as FileSystemTags; its Name is the Name tag's.
    let tags = tags(&json!({"Tags": p.get("FileSystemTags")}));
    let mut doc = Map::new();
    doc.insert(
        "FileSystemId".into(),
        Value::String(format!("${{{}}}", r.logical_id)),
    );
    if let Some(n) = tags.get("Name") {
        doc.insert("Name".into(), Value::String(n.clone()));
    }
    // CreateFileSystem's defaults: unencrypted, General Purpose, Bursting.
    doc.insert("Encrypted".into(), or(p, "Encrypted", false));
    copy(&mut doc, p, &[("KmsKeyId", "KmsKeyId")]);
    doc.insert(
        "PerformanceMode".into(),
        or(p, "PerformanceMode", "generalPurpose"),
    );
    doc.insert("ThroughputMode".into(), or(p, "ThroughputMode", "bursting"));
    // Made through the API, only a One Zone file system (AvailabilityZoneName) gets
    // automatic backups by default (EFS User Guide, "Backing up EFS file systems").
    let backups = p.get("AvailabilityZoneName").is_some();
    let backup = p
        .pointer("/BackupPolicy/Status")
        .cloned()
        .unwrap_or_else(|| status(None, backups, "ENABLED", "DISABLED"));
    doc.insert("BackupPolicyStatus".into(), backup);
    Ok((Value::Object(doc), tags, finish::<aws::efs::FileSystem>))
}

fn replication_group(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let mut doc = Map::new();
    doc.insert(
        "ReplicationGroupId".into(),
        Value::String(text_of(&name(r, "ReplicationGroupId"))),
    );
    copy(
        &mut doc,
        p,
        &[
            ("ReplicationGroupDescription", "Description"),
            ("KmsKeyId", "KmsKeyId"),
            ("UserGroupIds", "UserGroupIds"),
        ],
    );
    // CreateReplicationGroup's defaults: Redis OSS, no encryption at rest or in transit,
    // no automatic failover, no Multi-AZ, no automatic backups.
    doc.insert("Engine".into(), or(p, "Engine", "redis"));
    doc.insert(
        "AtRestEncryptionEnabled".into(),
        or(p, "AtRestEncryptionEnabled", false),
    );
    doc.insert(
        "TransitEncryptionEnabled".into(),
        or(p, "TransitEncryptionEnabled", false),
    );
    doc.insert(
        "AutomaticFailover".into(),
        status(
            p.get("AutomaticFailoverEnabled"),
            false,
            "enabled",
            "disabled",
        ),
    );
    doc.insert(
        "MultiAZ".into(),
        status(p.get("MultiAZEnabled"), false, "enabled", "disabled"),
    );
    doc.insert(
        "SnapshotRetentionLimit".into(),
        or(p, "SnapshotRetentionLimit", 0),
    );
    // Only whether a token is given, never the token. One from a parameter without a
    // value is still given; one under an undecided condition may be left out.
    let auth = match p.get("AuthToken") {
        None => Value::Bool(false),
        Some(v) => match unknown_reason(v) {
            Some(why) if why.starts_with("condition ") => v.clone(),
            Some(_) => Value::Bool(true),
            None => Value::Bool(v.as_str() != Some("")),
        },
    };
    doc.insert("AuthTokenEnabled".into(), auth);
    Ok((
        Value::Object(doc),
        tags(p),
        finish::<aws::elasticache::ReplicationGroup>,
    ))
}

#[cfg(test)]
#[path = "data_functions_tests.rs"]
mod tests;
