//! Containers: ECS clusters, task definitions and services, and EKS clusters with their
//! `AWS::EKS::Nodegroup`s. An identifier is what a `Ref` gives (`${TaskDef}`, a task
//! definition's ARN), as the others hold it. No secret is kept: a container's environment
//! values are redacted as the live scan redacts them, whatever their names; their names stay,
//! which is what the rules read.
//!
//! `AWS::ECS::ClusterCapacityProviderAssociations` is counted as joined without adding to its
//! cluster: the live document holds no capacity providers and no rule reads them.

use serde_json::{json, Value};

use super::refs::{done, each, id_of, target, text};
use super::{name, or, text_of, Mapped};
use crate::iac::cfn::resolve::{reference, unknown_reason, Resolved};
use crate::model::aws;
use crate::redact::REDACTED;

/// The start of an ECS ARN in the stack's region and account.
const ECS_ARN: &str = "arn:aws:ecs:${AWS::Region}:${AWS::AccountId}:";

/// The control-plane log types DescribeCluster reports (EKS API reference, LogSetup).
const LOG_TYPES: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

/// The types joined into this area's resources.
pub(super) const JOINED: &[&str] = &[
    "AWS::EKS::Nodegroup",
    "AWS::ECS::ClusterCapacityProviderAssociations",
];

/// `r`'s document, if it is one of this area's types.
pub(super) fn build(r: &Resolved, all: &[Resolved]) -> Option<Mapped> {
    Some(match r.resource_type.as_str() {
        "AWS::ECS::Cluster" => ecs_cluster(r),
        "AWS::ECS::TaskDefinition" => task_definition(r),
        "AWS::ECS::Service" => service(r, all),
        "AWS::EKS::Cluster" => eks_cluster(r, all),
        _ => return None,
    })
}

/// Whether `v` is a value unknown until deploy.
fn is_unknown(v: &Value) -> bool {
    unknown_reason(v).is_some()
}

/// A Kubernetes version as text. YAML reads an unquoted `1.30` as the number 1.3: EKS has no
/// version with a one-digit minor (its first was 1.10), so such a number lost a trailing 0.
fn version(v: &Value) -> Value {
    let Value::Number(n) = v else {
        return v.clone();
    };
    let s = n.to_string();
    match s.split_once('.') {
        Some((_, minor)) if minor.len() == 1 => format!("{s}0").into(),
        _ => s.into(),
    }
}

/// An ECS cluster as DescribeClusters gives it with its settings.
fn ecs_cluster(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let doc = json!({
        "ClusterName": text_of(&name(r, "ClusterName")),
        "ClusterArn": id_of(r, Some("Arn")),
        "Status": "ACTIVE",
        // Without ClusterSettings, Container Insights "will be off for the cluster ... unless
        // the containerInsights account setting is turned on" (AWS::ECS::Cluster
        // ClusterSettings reference). That account setting is off unless someone turns it
        // on, so no setting is read as off, as the rule does.
        "Settings": p.get("ClusterSettings"),
    });
    done(doc, r, super::finish::<aws::ecs::Cluster>)
}

/// A task definition as DescribeTaskDefinition gives its first revision.
fn task_definition(r: &Resolved) -> Mapped {
    let p = &r.properties;
    let doc = json!({
        "Family": text_of(&name(r, "Family")),
        "TaskDefinitionArn": id_of(r, None),
        // A family registered by the stack starts at revision 1, active.
        "Revision": 1, "Status": "ACTIVE",
        // Without NetworkMode tasks use bridge (RegisterTaskDefinition, ECS API reference: "If
        // no network mode is specified, the default is bridge."), yet DescribeTaskDefinition
        // gives none back (the AWS CLI reference's describe-task-definition example): absent.
        "NetworkMode": p.get("NetworkMode"),
        "RequiresCompatibilities": p.get("RequiresCompatibilities"),
        "TaskRoleArn": p.get("TaskRoleArn"), "ExecutionRoleArn": p.get("ExecutionRoleArn"),
        "PidMode": p.get("PidMode"), "IpcMode": p.get("IpcMode"),
        "ContainerDefinitions": containers(p.get("ContainerDefinitions")),
    });
    done(doc, r, super::finish::<aws::ecs::TaskDefinition>)
}

/// The container definitions. Unknown until deploy, they are one container whose settings the
/// rules read are all that unknown value, so each container rule's verdict stays open.
fn containers(v: Option<&Value>) -> Value {
    match v {
        Some(u) if is_unknown(u) => json!([{
            "Name": u, "Privileged": u, "ReadonlyRootFilesystem": u, "User": u,
            "LogConfiguration": {"LogDriver": u},
        }]),
        other => each(other, container),
    }
}

/// A container definition as DescribeTaskDefinition gives it. `Privileged` and
/// `ReadonlyRootFilesystem` stay absent when not set: the API reference gives them no default
/// beyond Docker's (off), and the rules read an absent one as false.
fn container(c: &Value) -> Value {
    let log = |l: &Value| match is_unknown(l) {
        true => l.clone(),
        false => json!({"LogDriver": l.get("LogDriver"), "Options": options(l.get("Options"))}),
    };
    let secret = |s: &Value| json!({"Name": s.get("Name"), "ValueFrom": s.get("ValueFrom")});
    json!({
        "Name": c.get("Name"), "Image": c.get("Image"),
        // ContainerDefinition (ECS API reference), essential: "If this parameter is omitted,
        // a container is assumed to be essential."
        "Essential": or(c, "Essential", true),
        "Privileged": c.get("Privileged"),
        "ReadonlyRootFilesystem": c.get("ReadonlyRootFilesystem"),
        "User": c.get("User").map(text),
        "LogConfiguration": c.get("LogConfiguration").map(log),
        "Environment": each(c.get("Environment"), variable),
        "Secrets": each(c.get("Secrets"), secret),
    })
}

/// A log driver's options, each as text (`max-buffer-size: 4`).
fn options(v: Option<&Value>) -> Value {
    match v {
        Some(Value::Object(m)) => m.iter().map(|(k, x)| (k.clone(), text(x))).collect(),
        other => other.cloned().unwrap_or(Value::Null),
    }
}

/// An environment variable as the live scan holds it: its name, its value redacted whatever
/// the name (an empty one stays empty, an unknown one unknown: its text is never known here).
fn variable(e: &Value) -> Value {
    let value = e.get("Value").map(|v| match v {
        Value::String(s) if s.is_empty() => v.clone(),
        v if is_unknown(v) => v.clone(),
        _ => Value::String(REDACTED.into()),
    });
    json!({"Name": e.get("Name").map(text), "Value": value})
}

/// A service as DescribeServices gives it once created.
fn service(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let launch = p.get("LaunchType");
    let fargate = launch.and_then(Value::as_str) == Some("FARGATE");
    let daemon = p.get("SchedulingStrategy").and_then(Value::as_str) == Some("DAEMON");
    // AWS::ECS::Service reference: PlatformVersion "If one isn't specified, the LATEST
    // platform version is used" (Fargate only); DesiredCount "For new services, if a desired
    // count is not specified, a default value of 1 is used" (a daemon runs one per instance).
    let platform = p.get("PlatformVersion").cloned();
    let platform = platform.or_else(|| fargate.then(|| "LATEST".into()));
    let count = p.get("DesiredCount").cloned();
    let count = count.or_else(|| (!daemon).then(|| 1.into()));
    let doc = json!({
        "ServiceName": text_of(&name(r, "ServiceName")),
        "ServiceArn": id_of(r, None),
        "ClusterArn": cluster_arn(p.get("Cluster"), all),
        "Status": "ACTIVE", "LaunchType": launch, "PlatformVersion": platform,
        "TaskDefinition": task_definition_of(p.get("TaskDefinition"), all),
        "DesiredCount": count,
        "NetworkConfiguration": p.get("NetworkConfiguration").map(network),
        // AWS::ECS::Service reference: EnableExecuteCommand "If true, the execute command
        // functionality is turned on"; CreateService leaves it off otherwise.
        "EnableExecuteCommand": or(p, "EnableExecuteCommand", false),
    });
    done(doc, r, service_finish)
}

/// A service's document; an `AssignPublicIp` unknown until deploy at `DISABLED` (passes)
/// and at `ENABLED` (fails), the only values it takes.
fn service_finish(
    json: Value,
    tags: std::collections::BTreeMap<String, String>,
    place: &aws::Place,
) -> Result<super::Parts, String> {
    let path = "config.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp";
    super::switched::<aws::ecs::Service>(json, tags, place, path, ("DISABLED", "ENABLED"))
}

/// The ARN of the cluster `v` names: a cluster of the template's, an ARN, or a name.
/// AWS::ECS::Service reference, Cluster: "If you do not specify a cluster, the default
/// cluster is assumed."
fn cluster_arn(v: Option<&Value>, all: &[Resolved]) -> Value {
    let Some(v) = v else {
        return format!("{ECS_ARN}cluster/default").into();
    };
    if let Some(c) = target(Some(v), "AWS::ECS::Cluster", all) {
        return id_of(c, Some("Arn"));
    }
    match v.as_str() {
        Some(n) if !n.starts_with("arn:") && !n.contains("${") => {
            format!("{ECS_ARN}cluster/{n}").into()
        }
        _ => v.clone(),
    }
}

/// The task definition a service runs: one of the template's as what its `Ref` gives (its
/// ARN, `${TaskDef}`), whichever attribute names it; else as given (`family:revision`, an ARN).
fn task_definition_of(v: Option<&Value>, all: &[Resolved]) -> Value {
    match target(v, "AWS::ECS::TaskDefinition", all) {
        Some(t) => id_of(t, None),
        None => v.cloned().unwrap_or(Value::Null),
    }
}

/// A service's `NetworkConfiguration`, its awsvpc configuration with AWS's default.
fn network(n: &Value) -> Value {
    if is_unknown(n) {
        return n.clone();
    }
    let vpc = |a: &Value| match is_unknown(a) {
        true => a.clone(),
        // AWS::ECS::Service AwsVpcConfiguration reference, AssignPublicIp: "When you use
        // create-service or update-service, the default is DISABLED."
        false => json!({
            "AssignPublicIp": or(a, "AssignPublicIp", "DISABLED"),
            "Subnets": a.get("Subnets"), "SecurityGroups": a.get("SecurityGroups"),
        }),
    };
    json!({"AwsvpcConfiguration": n.get("AwsvpcConfiguration").map(vpc)})
}

/// An EKS cluster as DescribeCluster gives it, with the node groups made in the template.
fn eks_cluster(r: &Resolved, all: &[Resolved]) -> Mapped {
    let p = &r.properties;
    let version = p.get("Version").map(version);
    let of_cluster = |g: &&Resolved| g.resource_type == "AWS::EKS::Nodegroup" && belongs(g, r);
    let groups = all.iter().filter(of_cluster);
    let groups: Vec<Value> = groups.map(|g| nodegroup(g, version.as_ref())).collect();
    let doc = json!({
        "Name": text_of(&name(r, "Name")),
        "Arn": id_of(r, Some("Arn")),
        // Without Version, EKS uses its default version (AWS::EKS::Cluster reference), one in
        // standard support: left out, as a cluster without Version passes.
        "Version": version, "Status": "ACTIVE", "RoleArn": p.get("RoleArn"),
        "ResourcesVpcConfig": vpc_config(r, p.get("ResourcesVpcConfig")),
        "EncryptionConfig": encryption(p.get("EncryptionConfig")),
        "Logging": logging(p.get("Logging")),
        "UpgradePolicy": p.get("UpgradePolicy"),
        "Nodegroups": groups,
    });
    done(doc, r, super::finish::<aws::eks::Cluster>)
}

/// Whether node group `g` is in cluster `r`: its `ClusterName` is `!Ref Cluster`, or the name
/// the cluster's `Name` gives.
fn belongs(g: &Resolved, r: &Resolved) -> bool {
    let Some(c) = g.properties.get("ClusterName") else {
        return false;
    };
    let named = r.properties.get("Name").filter(|n| n.is_string());
    reference(c) == Some(r.logical_id.as_str()) || named == Some(c)
}

/// The cluster's VPC configuration with EKS's defaults (AWS::EKS::Cluster ResourcesVpcConfig
/// reference): EndpointPublicAccess "The default value for this parameter is true",
/// EndpointPrivateAccess "The default value for this parameter is false", PublicAccessCidrs
/// "The default value is 0.0.0.0/0". An unknown configuration makes each setting unknown,
/// the CIDR blocks as when left out, so a verdict that hangs on it stays open.
fn vpc_config(r: &Resolved, v: Option<&Value>) -> Value {
    let whole = v.filter(|v| is_unknown(v));
    let get = |k: &str| whole.or_else(|| v?.get(k)).cloned();
    let cidrs = v.and_then(|c| c.get("PublicAccessCidrs")).cloned();
    json!({
        "EndpointPublicAccess": get("EndpointPublicAccess").unwrap_or(Value::Bool(true)),
        "EndpointPrivateAccess": get("EndpointPrivateAccess").unwrap_or(Value::Bool(false)),
        "PublicAccessCidrs": cidrs.unwrap_or_else(|| json!(["0.0.0.0/0"])),
        "SubnetIds": get("SubnetIds"), "SecurityGroupIds": get("SecurityGroupIds"),
        "ClusterSecurityGroupId": id_of(r, Some("ClusterSecurityGroupId")),
    })
}

/// `EncryptionConfig` as DescribeCluster gives it (the same shape); none without it. An
/// unknown one is secrets encryption with an unknown key, so the verdict on it stays open.
fn encryption(v: Option<&Value>) -> Value {
    match v {
        None => json!([]),
        Some(u) if is_unknown(u) => json!([{"Resources": ["secrets"], "Provider": {"KeyArn": u}}]),
        Some(list) => list.clone(),
    }
}

/// The template's enabled log types as DescribeCluster's setups: the enabled types, then the
/// others off. EKS API reference, CreateCluster logging: "By default, cluster control plane
/// logs aren't exported to CloudWatch Logs." Types an unknown value may enable are neither on
/// nor off: their setup's `Enabled` is that unknown value.
fn logging(v: Option<&Value>) -> Value {
    let cluster = v.and_then(|l| l.get("ClusterLogging"));
    let listed = cluster.and_then(|c| c.get("EnabledTypes"));
    let whole = [v, cluster, listed]
        .into_iter()
        .flatten()
        .find(|x| is_unknown(x));
    let mut open = whole.cloned();
    let mut on: Vec<String> = Vec::new();
    for t in listed.and_then(Value::as_array).into_iter().flatten() {
        match t.get("Type").unwrap_or(t) {
            Value::String(s) => on.push(s.clone()),
            u if is_unknown(u) => open = Some(u.clone()),
            _ => {}
        }
    }
    let off: Vec<&str> = LOG_TYPES
        .into_iter()
        .filter(|t| !on.iter().any(|o| o == t))
        .collect();
    let mut setups = Vec::new();
    if !on.is_empty() {
        setups.push(json!({"Types": on, "Enabled": true}));
    }
    if !off.is_empty() {
        setups.push(json!({"Types": off, "Enabled": open.unwrap_or(Value::Bool(false))}));
    }
    json!({ "ClusterLogging": setups })
}

/// A node group as DescribeNodegroup gives it. CreateNodegroup (EKS API reference), version:
/// "By default, the Kubernetes version of the cluster is used."
fn nodegroup(g: &Resolved, cluster_version: Option<&Value>) -> Value {
    let p = &g.properties;
    let template = |t: &Value| match is_unknown(t) {
        true => t.clone(),
        false => json!({"Id": t.get("Id"), "Name": t.get("Name"),
            "Version": t.get("Version").map(text)}),
    };
    let access = |a: &Value| match is_unknown(a) {
        true => a.clone(),
        false => json!({"Ec2SshKey": a.get("Ec2SshKey"),
            "SourceSecurityGroups": a.get("SourceSecurityGroups")}),
    };
    json!({
        "NodegroupName": text_of(&name(g, "NodegroupName")),
        "NodegroupArn": id_of(g, Some("Arn")), "Status": "ACTIVE",
        "Version": p.get("Version").map(version).or_else(|| cluster_version.cloned()),
        "ReleaseVersion": p.get("ReleaseVersion"),
        "AmiType": p.get("AmiType"), "CapacityType": p.get("CapacityType"),
        "LaunchTemplate": p.get("LaunchTemplate").map(template),
        "RemoteAccess": p.get("RemoteAccess").map(access),
    })
}

#[cfg(test)]
#[path = "containers_tests.rs"]
mod tests;
