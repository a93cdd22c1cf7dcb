//! A synthetic AWS estate for benchmarks and engine tests: deterministic, mixed types, about
//! half of the resources non-compliant in some way.

use chrono::Utc;
use serde_json::json;

use crate::model::{Resource, Snapshot};

/// A deterministic mix of AWS resources, about half of them non-compliant in some way.
pub fn estate(n: usize) -> Snapshot {
    estate_in("123456789012", n)
}

/// [`estate`] in the account `account` (an organization's member in `vigil bench
/// --accounts`).
pub fn estate_in(account: &str, n: usize) -> Snapshot {
    // Bucket names are global: another account's are its own.
    let bucket = |i: usize| match account {
        "123456789012" => format!("bucket-{i}"),
        a => format!("bucket-{a}-{i}"),
    };
    let regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    let mut resources = Vec::with_capacity(n);
    for i in 0..n {
        let region = regions[i % regions.len()];
        let odd = i % 2 == 1;
        let mut tags = std::collections::BTreeMap::new();
        if i % 3 != 0 {
            tags.insert("owner".to_string(), "platform-team".to_string());
            tags.insert(
                "environment".to_string(),
                if odd { "dev" } else { "prod" }.to_string(),
            );
            tags.insert("cost-center".to_string(), "cc-42".to_string());
            tags.insert("data-classification".to_string(), "internal".to_string());
        }
        if i % 7 == 0 {
            tags.insert(
                "NIST_Control".to_string(),
                if odd { "AC-2_SC-28" } else { "AC-99" }.to_string(),
            );
        }
        let (t, id, config) = match i % 20 {
            0..=5 => (
                "AWS::EC2::Instance",
                format!("arn:aws:ec2:{region}:{account}:instance/i-{i:017x}"),
                json!({
                    "InstanceId": format!("i-{i:017x}"), "InstanceType": "t3.micro", "ImageId": "ami-123",
                    "State": {"Name": if i % 11 == 0 { "stopped" } else { "running" }},
                    "StateTransitionReason": "", "StoppedAt": if i % 11 == 0 { Some("2026-01-01T00:00:00Z") } else { None },
                    "LaunchTime": "2025-01-01T00:00:00Z",
                    "PublicIpAddress": if odd { Some("203.0.113.10") } else { None },
                    "MetadataOptions": {"HttpTokens": if odd { "optional" } else { "required" }, "HttpEndpoint": "enabled"},
                    "SecurityGroups": [{"GroupId": "sg-1", "GroupName": "web"}], "BlockDeviceMappings": [],
                }),
            ),
            6..=10 => (
                "AWS::EC2::Volume",
                format!("arn:aws:ec2:{region}:{account}:volume/vol-{i:017x}"),
                json!({
                    "VolumeId": format!("vol-{i:017x}"), "Size": 100, "VolumeType": "gp3",
                    "State": if i % 13 == 0 { "available" } else { "in-use" }, "Encrypted": !odd,
                    "CreateTime": "2025-01-01T00:00:00Z", "AvailabilityZone": format!("{region}a"), "Attachments": [],
                }),
            ),
            11..=12 => (
                "AWS::EC2::Snapshot",
                format!("arn:aws:ec2:{region}:{account}:snapshot/snap-{i:017x}"),
                json!({
                    "SnapshotId": format!("snap-{i:017x}"), "VolumeId": "vol-1", "VolumeSize": 100,
                    "StartTime": "2025-01-01T00:00:00Z", "State": "completed", "Encrypted": odd, "Description": "",
                }),
            ),
            13..=14 => (
                "AWS::EC2::SecurityGroup",
                format!("arn:aws:ec2:{region}:{account}:security-group/sg-{i:017x}"),
                json!({
                    "GroupId": format!("sg-{i:017x}"), "GroupName": if i % 40 == 13 { "default" } else { "app" }, "Description": "app",
                    "IpPermissions": [
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": if odd { "0.0.0.0/0" } else { "10.0.0.0/8" }}], "Ipv6Ranges": [], "UserIdGroupPairs": []},
                        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}
                    ],
                    "IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}],
                }),
            ),
            15 => (
                "AWS::S3::Bucket",
                format!("arn:aws:s3:::{}", bucket(i)),
                json!({
                    "Name": bucket(i), "CreationDate": "2025-01-01T00:00:00Z", "Region": region,
                    "ServerSideEncryptionConfiguration": {"Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": if odd { "AES256" } else { "aws:kms" }}}]},
                    "PublicAccessBlockConfiguration": {"BlockPublicAcls": true, "IgnorePublicAcls": true, "BlockPublicPolicy": !odd, "RestrictPublicBuckets": true},
                }),
            ),
            16 => (
                "AWS::IAM::Policy",
                format!("arn:aws:iam::{account}:policy/p-{i}"),
                json!({
                    "PolicyName": format!("p-{i}"), "Arn": format!("arn:aws:iam::{account}:policy/p-{i}"), "DefaultVersionId": "v1",
                    "AttachmentCount": 1, "IsAttachable": true,
                    "Document": {"Version": "2012-10-17", "Statement": [
                        {"Effect": "Allow", "Action": if odd { json!("*") } else { json!(["s3:GetObject", "s3:ListBucket"]) }, "Resource": "*"},
                        {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": format!("arn:aws:kms:{region}:{account}:key/k")}
                    ]},
                }),
            ),
            17 => (
                "AWS::IAM::Role",
                format!("arn:aws:iam::{account}:role/r-{i}"),
                json!({
                    "RoleName": format!("r-{i}"), "Arn": format!("arn:aws:iam::{account}:role/r-{i}"), "Path": "/", "CreateDate": "2024-01-01T00:00:00Z",
                    "RolePolicyList": if odd { json!([{"PolicyName": "inline", "PolicyDocument": {"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}}]) } else { json!([]) },
                    "AttachedManagedPolicies": [], "RoleLastUsed": {"LastUsedDate": "2026-01-01T00:00:00Z"},
                }),
            ),
            18 => (
                "AWS::KMS::Key",
                format!("arn:aws:kms:{region}:{account}:key/k-{i}"),
                json!({
                    "KeyId": format!("k-{i}"), "KeyManager": "CUSTOMER", "KeySpec": "SYMMETRIC_DEFAULT", "KeyUsage": "ENCRYPT_DECRYPT",
                    "KeyState": "Enabled", "Enabled": true, "Description": "", "KeyRotationEnabled": !odd,
                }),
            ),
            _ => (
                "AWS::RDS::DBInstance",
                format!("arn:aws:rds:{region}:{account}:db:db-{i}"),
                json!({
                    "DBInstanceIdentifier": format!("db-{i}"), "Engine": "postgres", "DBInstanceStatus": "available",
                    "StorageEncrypted": !odd, "PubliclyAccessible": odd, "MultiAZ": false, "BackupRetentionPeriod": 7,
                }),
            ),
        };
        resources.push(Resource {
            id,
            resource_type: t.to_string(),
            provider: "aws".into(),
            account: Some(account.into()),
            region: Some(if t.starts_with("AWS::IAM::") {
                "global".into()
            } else {
                region.into()
            }),
            name: None,
            tags,
            config: crate::collect::prune(config),
        });
    }
    let scopes: std::collections::BTreeSet<String> =
        resources.iter().map(Resource::scope).collect();
    Snapshot {
        version: 1,
        collected_at: Utc::now().to_rfc3339(),
        coverage: scopes
            .into_iter()
            .map(|scope| super::Coverage {
                scope,
                status: super::CoverageStatus::Complete,
                error: None,
            })
            .collect(),
        resources,
        identities: Default::default(),
        accounts: Default::default(),
    }
}

/// A deterministic synthetic Kubernetes cluster of about `n` objects, as the collector would
/// produce them: namespaces of 20 apps, each app a Deployment with its ReplicaSet, three Pods,
/// a Service, a ServiceAccount, a claim and a RoleBinding; half the apps insecure, every
/// other namespace without a default-deny policy. Coverage is complete.
pub fn cluster(n: usize) -> Snapshot {
    use super::{Coverage, CoverageStatus};
    let cluster = "bench";
    let mut objects: Vec<serde_json::Value> = Vec::with_capacity(n + 64);
    let apps_per_ns = 20;
    let mut app = 0usize;
    while objects.len() < n {
        let ns = format!("team-{:04}", app / apps_per_ns);
        if app.is_multiple_of(apps_per_ns) {
            objects.push(json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns,
                "labels": {"owner": "team", "environment": if app.is_multiple_of(40) { "dev" } else { "prod" }, "data-classification": "internal"}},
                "status": {"phase": "Active"}}));
            if app.is_multiple_of(40) {
                objects.push(
                    json!({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "default-deny", "namespace": ns},
                    "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}}),
                );
            }
            objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "Role",
                "metadata": {"name": "reader", "namespace": ns},
                "rules": [{"apiGroups": [""], "resources": if app.is_multiple_of(80) { json!(["secrets"]) } else { json!(["pods", "services"]) }, "verbs": ["get", "list"]}]}));
        }
        let name = format!("app-{app:05}");
        let insecure = app % 2 == 1;
        let labels = json!({"app.kubernetes.io/name": name, "app.kubernetes.io/part-of": "bench", "owner": "team"});
        let container = if insecure {
            json!({"name": "main", "image": "nginx:latest", "securityContext": {"privileged": true},
                   "env": [{"name": "DB_PASSWORD", "value": "x"}]})
        } else {
            json!({"name": "main", "image": format!("registry.example.com/bench/{name}@sha256:{}", "ab".repeat(32)),
                   "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "capabilities": {"drop": ["ALL"]}}})
        };
        let spec = json!({"serviceAccountName": name, "automountServiceAccountToken": insecure,
            "securityContext": {"runAsNonRoot": !insecure, "runAsUser": if insecure { 0 } else { 10001 }, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [container],
            "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": format!("{name}-data")}}]});
        let template = json!({"metadata": {"labels": labels}, "spec": spec});
        let rs = format!("{name}-5d8f7c");
        objects.push(json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"replicas": if app.is_multiple_of(17) { 0 } else { 3 }, "selector": {"matchLabels": {"app.kubernetes.io/name": name}}, "template": template},
            "status": {"conditions": [{"type": "Progressing", "status": "True", "lastUpdateTime": "2026-01-01T00:00:00Z", "reason": "NewReplicaSetAvailable"}]}}));
        objects.push(json!({"apiVersion": "apps/v1", "kind": "ReplicaSet",
            "metadata": {"name": rs, "namespace": ns, "labels": labels,
                "ownerReferences": [{"apiVersion": "apps/v1", "kind": "Deployment", "name": name, "controller": true}]},
            "spec": {"replicas": 3, "template": template}}));
        for p in 0..3 {
            let mut pod_spec = spec.clone();
            pod_spec["nodeName"] = json!(format!("node-{}", app % 50));
            objects.push(json!({"apiVersion": "v1", "kind": "Pod",
                "metadata": {"name": format!("{rs}-{p}"), "namespace": ns, "labels": labels,
                    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": rs, "controller": true}]},
                "spec": pod_spec, "status": {"phase": "Running"}}));
        }
        objects.push(json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": ns, "labels": labels},
            "spec": {"selector": {"app.kubernetes.io/name": name}, "ports": [{"port": 80, "targetPort": 8080}]}}));
        objects.push(json!({"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": name, "namespace": ns}}));
        objects.push(json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
            "metadata": {"name": format!("{name}-data"), "namespace": ns, "creationTimestamp": "2026-01-01T00:00:00Z"},
            "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": "1Gi"}}}, "status": {"phase": "Bound"}}));
        objects.push(json!({"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "RoleBinding",
            "metadata": {"name": name, "namespace": ns},
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "reader"},
            "subjects": [{"kind": "ServiceAccount", "name": if app.is_multiple_of(9) { format!("{name}-gone") } else { name.clone() }, "namespace": ns}]}));
        app += 1;
    }
    let resources: Vec<Resource> = objects
        .into_iter()
        .filter_map(|o| crate::collect::k8s::normalize(o, cluster))
        .collect();
    let coverage = crate::model::k8s::KINDS
        .iter()
        .map(|k| Coverage {
            scope: format!("kubernetes/{cluster}/*/{}", k.resource_type()),
            status: CoverageStatus::Complete,
            error: None,
        })
        .collect();
    Snapshot {
        version: 1,
        collected_at: Utc::now().to_rfc3339(),
        coverage,
        resources,
        identities: Default::default(),
        accounts: Default::default(),
    }
}
