//! Kubernetes shape facts, in one place: the kinds vigil reads, the API group of each, where
//! a kind keeps its pod spec, which kinds bear pods, and how a resource id and type are
//! spelled. Collection, inventory, idle tracking and the CLI all read them from here.

/// A kind vigil collects: its API group (`""` for core), kind, and where it keeps a pod spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub group: &'static str,
    pub kind: &'static str,
    /// A JSON pointer to the kind's pod spec: a Pod's own spec, a workload's template, a
    /// CronJob's job template. None for kinds without pods.
    pub pod_spec: Option<&'static str>,
}

const fn k(group: &'static str, kind: &'static str) -> Kind {
    Kind {
        group,
        kind,
        pod_spec: None,
    }
}

const fn pods(group: &'static str, kind: &'static str, pod_spec: &'static str) -> Kind {
    Kind {
        group,
        kind,
        pod_spec: Some(pod_spec),
    }
}

const TEMPLATE: &str = "/spec/template/spec";

/// Every kind collected, in the order they are listed. Secrets are deliberately absent.
pub const KINDS: &[Kind] = &[
    k("", "Namespace"),
    pods("", "Pod", "/spec"),
    k("", "Service"),
    k("", "ServiceAccount"),
    k("", "PersistentVolume"),
    k("", "PersistentVolumeClaim"),
    pods("apps", "Deployment", TEMPLATE),
    pods("apps", "StatefulSet", TEMPLATE),
    pods("apps", "DaemonSet", TEMPLATE),
    pods("apps", "ReplicaSet", TEMPLATE),
    pods("batch", "Job", TEMPLATE),
    pods("batch", "CronJob", "/spec/jobTemplate/spec/template/spec"),
    k("networking.k8s.io", "Ingress"),
    k("networking.k8s.io", "NetworkPolicy"),
    k("rbac.authorization.k8s.io", "Role"),
    k("rbac.authorization.k8s.io", "ClusterRole"),
    k("rbac.authorization.k8s.io", "RoleBinding"),
    k("rbac.authorization.k8s.io", "ClusterRoleBinding"),
];

impl Kind {
    /// The group as it appears in types and ids: `core` for the core group.
    pub fn group_name(&self) -> &'static str {
        if self.group.is_empty() {
            "core"
        } else {
            self.group
        }
    }

    /// `K8s::apps::Deployment`, `K8s::core::Pod`.
    pub fn resource_type(&self) -> String {
        resource_type(self.group_name(), self.kind)
    }
}

/// The collected kind of this name (`Pod`, `deployment`: case does not matter).
pub fn kind(name: &str) -> Option<&'static Kind> {
    KINDS.iter().find(|k| k.kind.eq_ignore_ascii_case(name))
}

/// The kinds whose objects carry a pod spec (a Pod and the six workload kinds), as resource
/// types. What uses a claim, a service account or a secret is known only where all of them
/// were read.
pub fn pod_bearing_types() -> impl Iterator<Item = String> {
    KINDS
        .iter()
        .filter(|k| k.pod_spec.is_some())
        .map(Kind::resource_type)
}

/// Where a kind keeps its pod spec, as a JSON pointer; None for kinds without pods.
pub fn pod_spec_pointer(kind: &str) -> Option<&'static str> {
    KINDS.iter().find(|k| k.kind == kind)?.pod_spec
}

/// `apps/v1` → `apps`, `v1` → `core`, `batch/v1beta1` → `batch`.
pub fn group_of(api_version: &str) -> &str {
    match api_version.split_once('/') {
        Some((group, _)) => group,
        None => "core",
    }
}

/// `K8s::<group>::<Kind>`, the group spelled as [`group_of`] gives it.
pub fn resource_type(group: &str, kind: &str) -> String {
    format!("K8s::{group}::{kind}")
}

/// `k8s://<cluster>/<namespace>/<group>/<Kind>/<name>`; `_cluster` stands for the namespace
/// of a cluster-scoped object.
pub fn resource_id(
    cluster: &str,
    namespace: Option<&str>,
    group: &str,
    kind: &str,
    name: &str,
) -> String {
    let ns = namespace.unwrap_or(CLUSTER_SCOPED);
    format!("k8s://{cluster}/{ns}/{group}/{kind}/{name}")
}

/// The namespace part of a cluster-scoped object's id and scope.
pub const CLUSTER_SCOPED: &str = "_cluster";

/// A namespace name as Kubernetes allows it (an RFC 1123 label): `*`, `_cluster` or an empty
/// name would otherwise become a scope that covers the wrong objects.
pub fn valid_namespace(ns: &str) -> bool {
    !ns.is_empty()
        && ns.len() <= 63
        && ns
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !ns.starts_with('-')
        && !ns.ends_with('-')
}

/// Makes a name safe for ids and scopes: an EKS context ARN becomes its cluster name, and
/// characters other than letters, digits, `.`, `_` and `-` become `-`.
pub fn cluster_name(raw: &str) -> String {
    let short = match raw.rsplit_once(":cluster/") {
        Some((_, name)) => name,
        None => raw,
    };
    let s: String = short
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() {
        "cluster".into()
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_types_and_ids() {
        assert_eq!(group_of("apps/v1"), "apps");
        assert_eq!(group_of("v1"), "core");
        assert_eq!(group_of("networking.k8s.io/v1"), "networking.k8s.io");
        assert_eq!(kind("pod").unwrap().resource_type(), "K8s::core::Pod");
        assert_eq!(
            resource_id("c1", None, "core", "Namespace", "shop"),
            "k8s://c1/_cluster/core/Namespace/shop"
        );
        assert_eq!(
            pod_spec_pointer("CronJob"),
            Some("/spec/jobTemplate/spec/template/spec")
        );
        assert_eq!(pod_spec_pointer("Service"), None);
        let bearing: Vec<String> = pod_bearing_types().collect();
        assert_eq!(
            bearing,
            [
                "K8s::core::Pod",
                "K8s::apps::Deployment",
                "K8s::apps::StatefulSet",
                "K8s::apps::DaemonSet",
                "K8s::apps::ReplicaSet",
                "K8s::batch::Job",
                "K8s::batch::CronJob"
            ]
        );
    }

    #[test]
    fn cluster_names_are_safe() {
        assert_eq!(
            cluster_name("arn:aws:eks:us-east-1:123456789012:cluster/prod-1"),
            "prod-1"
        );
        assert_eq!(cluster_name("kind-dev"), "kind-dev");
        assert_eq!(cluster_name("gke_proj_zone/x y"), "gke_proj_zone-x-y");
        assert!(valid_namespace("kube-system") && !valid_namespace("_cluster"));
    }
}
