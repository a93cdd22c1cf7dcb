//! Containers: ECS clusters (with their capacity providers), task definitions and services;
//! EKS clusters and their node groups (`AWS::EKS::Nodegroup`, joined into the cluster).
//!
//! A task definition's `container_definitions` is JSON text in the plan: it is read, its
//! camelCase keys written as the template's PascalCase properties, and its environment values
//! redacted here already, as the live scan holds them. Arguments the provider sends with its
//! own default (`assign_public_ip = false`, `endpoint_public_access = true`) are what AWS
//! has after `terraform apply`; those the provider leaves to AWS (`public_access_cidrs`,
//! `network_mode`) are left out, for the documents to fill as AWS does.

use serde_json::{json, Map, Value};

use super::{block, blocks, given, link, props, resource, with_tags, without_empty, Out};
use crate::iac::cfn::resolve::{unknown, unknown_reason};
use crate::iac::terraform::plan::Planned;
use crate::redact::REDACTED;

const ECS_CLUSTER: &[&str] = &["aws_ecs_cluster"];
const TASK_DEFINITION: &[&str] = &["aws_ecs_task_definition"];
const EKS_CLUSTER: &[&str] = &["aws_eks_cluster"];

/// Container definition keys whose values are maps the user names (not properties).
const FREE_FORM: &[&str] = &["options", "dockerLabels"];

/// The template resources `r` becomes, if it is one of this area's types.
pub(super) fn translate(r: &Planned, all: &[Planned]) -> Option<Vec<Out>> {
    let v = &r.values;
    let made = |ty: &str, m: Map<String, Value>| vec![resource(r, ty, with_tags(m, v))];
    Some(match r.resource_type.as_str() {
        "aws_ecs_cluster" => made("AWS::ECS::Cluster", ecs_cluster(v)),
        "aws_ecs_cluster_capacity_providers" => vec![resource(
            r,
            "AWS::ECS::ClusterCapacityProviderAssociations",
            capacity_providers(v, all),
        )],
        "aws_ecs_task_definition" => made("AWS::ECS::TaskDefinition", task_definition(v)),
        "aws_ecs_service" => made("AWS::ECS::Service", service(v, all)),
        "aws_eks_cluster" => made("AWS::EKS::Cluster", eks_cluster(v)),
        "aws_eks_node_group" => made("AWS::EKS::Nodegroup", node_group(v, all)),
        _ => return None,
    })
}

/// `v[key]` when the plan holds a value (not null).
fn set<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    v.get(key).filter(|x| !x.is_null())
}

/// Whether `v` is a value unknown until deploy.
fn is_unknown(v: &Value) -> bool {
    unknown_reason(v).is_some()
}

/// An `aws_ecs_cluster`, its `setting` blocks as `ClusterSettings`.
fn ecs_cluster(v: &Value) -> Map<String, Value> {
    let mut m = without_empty(props(v, &[("name", "ClusterName")]));
    let setting = |s: &Value| json!({"Name": set(s, "name"), "Value": set(s, "value")});
    match v.get("setting") {
        Some(u) if is_unknown(u) => {
            m.insert("ClusterSettings".into(), u.clone());
        }
        _ => {
            let settings: Vec<Value> = blocks(v, "setting").iter().map(setting).collect();
            if !settings.is_empty() {
                m.insert("ClusterSettings".into(), settings.into());
            }
        }
    }
    m
}

/// An `aws_ecs_cluster_capacity_providers` naming its cluster (joined, nothing read).
fn capacity_providers(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let mut m = props(v, &[("capacity_providers", "CapacityProviders")]);
    if let Some(c) = given(v, "cluster_name") {
        m.insert("Cluster".into(), link(all, c, ECS_CLUSTER));
    }
    m
}

/// An `aws_ecs_task_definition` with its containers read from their JSON.
fn task_definition(v: &Value) -> Map<String, Value> {
    let renames = [
        ("family", "Family"),
        ("network_mode", "NetworkMode"),
        ("requires_compatibilities", "RequiresCompatibilities"),
        ("task_role_arn", "TaskRoleArn"),
        ("execution_role_arn", "ExecutionRoleArn"),
        ("pid_mode", "PidMode"),
        ("ipc_mode", "IpcMode"),
        ("cpu", "Cpu"),
        ("memory", "Memory"),
    ];
    let mut m = without_empty(props(v, &renames));
    if let Some(c) = set(v, "container_definitions") {
        m.insert("ContainerDefinitions".into(), containers(c));
    }
    m
}

/// `container_definitions` (JSON text in the plan) as the template's `ContainerDefinitions`;
/// an unknown one as it is. Text made with a value known only after apply (`${logical.attr}`,
/// what the plan holds for `jsonencode` of such a value) is unknown.
fn containers(c: &Value) -> Value {
    let parsed = match c {
        Value::String(s) if s.starts_with("${") => {
            return unknown(format!("container_definitions waits for {s} until apply"))
        }
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(p) => p,
            Err(e) => return unknown(format!("container_definitions is not JSON: {e}")),
        },
        other => other.clone(),
    };
    match parsed {
        Value::Array(items) => items.iter().map(container).collect(),
        other => other,
    }
}

/// One container definition with the template's property names and its environment values
/// redacted (an empty one stays empty).
fn container(c: &Value) -> Value {
    let mut out = pascal_keys(c);
    if let Some(Value::Array(env)) = out.get_mut("Environment") {
        for e in env.iter_mut() {
            if let Some(x) = e.get_mut("Value") {
                if x.as_str() != Some("") && !is_unknown(x) && !x.is_null() {
                    *x = Value::String(REDACTED.into());
                }
            }
        }
    }
    out
}

/// `v` with each object key in PascalCase (`readonlyRootFilesystem` →
/// `ReadonlyRootFilesystem`), except inside the maps a user names ([`FREE_FORM`]).
fn pascal_keys(v: &Value) -> Value {
    match v {
        Value::Object(o) => o
            .iter()
            .map(|(k, x)| {
                let kept = FREE_FORM.contains(&k.as_str());
                (pascal(k), if kept { x.clone() } else { pascal_keys(x) })
            })
            .collect(),
        Value::Array(a) => a.iter().map(pascal_keys).collect(),
        other => other.clone(),
    }
}

/// `k` with its first letter in upper case.
fn pascal(k: &str) -> String {
    let mut c = k.chars();
    c.next().map_or_else(String::new, |f| {
        f.to_ascii_uppercase().to_string() + c.as_str()
    })
}

/// An `aws_ecs_service` naming its cluster and task definition, with its awsvpc settings.
fn service(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let renames = [
        ("name", "ServiceName"),
        ("launch_type", "LaunchType"),
        ("platform_version", "PlatformVersion"),
        ("desired_count", "DesiredCount"),
        ("enable_execute_command", "EnableExecuteCommand"),
        ("scheduling_strategy", "SchedulingStrategy"),
    ];
    let mut m = without_empty(props(v, &renames));
    if let Some(c) = given(v, "cluster") {
        m.insert("Cluster".into(), link(all, c, ECS_CLUSTER));
    }
    if let Some(t) = given(v, "task_definition") {
        m.insert("TaskDefinition".into(), link(all, t, TASK_DEFINITION));
    }
    if let Some(n) = block(v, "network_configuration") {
        let renames = [
            ("subnets", "Subnets"),
            ("security_groups", "SecurityGroups"),
        ];
        let mut a = props(n, &renames);
        if let Some(p) = set(n, "assign_public_ip") {
            a.insert("AssignPublicIp".into(), public_ip(p));
        }
        m.insert(
            "NetworkConfiguration".into(),
            json!({ "AwsvpcConfiguration": a }),
        );
    }
    m
}

/// `assign_public_ip` (a boolean) as the template's `ENABLED` or `DISABLED`.
fn public_ip(p: &Value) -> Value {
    let on = match p {
        Value::Bool(b) => *b,
        Value::String(s) if s.eq_ignore_ascii_case("true") => true,
        Value::String(s) if s.eq_ignore_ascii_case("false") => false,
        other => return other.clone(),
    };
    Value::from(if on { "ENABLED" } else { "DISABLED" })
}

/// An `aws_eks_cluster`: its `vpc_config`, `encryption_config`, enabled log types and
/// upgrade policy as the template's properties.
fn eks_cluster(v: &Value) -> Map<String, Value> {
    let renames = [
        ("name", "Name"),
        ("role_arn", "RoleArn"),
        ("version", "Version"),
    ];
    let mut m = without_empty(props(v, &renames));
    if let Some(c) = block(v, "vpc_config") {
        let renames = [
            ("endpoint_public_access", "EndpointPublicAccess"),
            ("endpoint_private_access", "EndpointPrivateAccess"),
            ("public_access_cidrs", "PublicAccessCidrs"),
            ("subnet_ids", "SubnetIds"),
            ("security_group_ids", "SecurityGroupIds"),
        ];
        m.insert(
            "ResourcesVpcConfig".into(),
            Value::Object(props(c, &renames)),
        );
    }
    let encryption: Vec<Value> = blocks(v, "encryption_config")
        .iter()
        .map(|e| {
            let mut x = props(e, &[("resources", "Resources")]);
            if let Some(p) = block(e, "provider") {
                let key = without_empty(props(p, &[("key_arn", "KeyArn")]));
                x.insert("Provider".into(), Value::Object(key));
            }
            Value::Object(x)
        })
        .collect();
    if !encryption.is_empty() {
        m.insert("EncryptionConfig".into(), encryption.into());
    }
    if let Some(t) = set(v, "enabled_cluster_log_types") {
        let types = match t {
            Value::Array(a) => a.iter().map(|t| json!({ "Type": t })).collect(),
            unknown_list => unknown_list.clone(),
        };
        let logging = json!({"ClusterLogging": {"EnabledTypes": types}});
        m.insert("Logging".into(), logging);
    }
    if let Some(s) = block(v, "upgrade_policy").and_then(|u| given(u, "support_type")) {
        m.insert("UpgradePolicy".into(), json!({ "SupportType": s }));
    }
    m
}

/// An `aws_eks_node_group` naming its cluster, with its remote access and launch template.
fn node_group(v: &Value, all: &[Planned]) -> Map<String, Value> {
    let renames = [
        ("node_group_name", "NodegroupName"),
        ("node_role_arn", "NodeRole"),
        ("subnet_ids", "Subnets"),
        ("ami_type", "AmiType"),
        ("capacity_type", "CapacityType"),
        ("release_version", "ReleaseVersion"),
        ("version", "Version"),
    ];
    let mut m = without_empty(props(v, &renames));
    if let Some(c) = given(v, "cluster_name") {
        m.insert("ClusterName".into(), link(all, c, EKS_CLUSTER));
    }
    if let Some(a) = block(v, "remote_access") {
        let renames = [
            ("ec2_ssh_key", "Ec2SshKey"),
            ("source_security_group_ids", "SourceSecurityGroups"),
        ];
        m.insert(
            "RemoteAccess".into(),
            Value::Object(without_empty(props(a, &renames))),
        );
    }
    if let Some(t) = block(v, "launch_template") {
        let renames = [("id", "Id"), ("name", "Name"), ("version", "Version")];
        m.insert(
            "LaunchTemplate".into(),
            Value::Object(without_empty(props(t, &renames))),
        );
    }
    m
}

#[cfg(test)]
#[path = "../translate_containers_tests.rs"]
mod tests;
