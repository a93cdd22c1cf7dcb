//! A collected resource, its coverage scope, and which resource types exist.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One collected resource: the document a rule sees as `input`.
///
/// `config` keeps the provider API's own shape, minus fields that change on every read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    pub id: String,
    #[serde(rename = "type")]
    pub resource_type: String,
    pub provider: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    #[serde(default)]
    pub config: serde_json::Value,
}

/// Types collected once per account rather than per region.
pub fn is_global_type(t: &str) -> bool {
    super::aws::GLOBAL.iter().any(|ts| ts.contains(&t))
}

/// Whether a collector produces this type ([`super::aws`], [`super::k8s::KINDS`]): rules may
/// only name these.
pub fn is_known_type(t: &str) -> bool {
    static K8S: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        super::k8s::KINDS
            .iter()
            .map(|k| k.resource_type())
            .collect()
    });
    super::aws::is_type(t) || K8S.iter().any(|k| k == t)
}

impl Resource {
    /// The coverage scope this resource belongs to: `aws/<account>/<region>/<type>`, or
    /// `kubernetes/<cluster>/<namespace>/<type>` (`_cluster` for cluster-scoped kinds).
    /// IAM and S3 are collected account-wide, so their scope region is `global` (a bucket's
    /// own region is in its `region` field and `config.Region`).
    pub fn scope(&self) -> String {
        let region = if is_global_type(&self.resource_type) {
            "global"
        } else if self.provider == "kubernetes" {
            self.region.as_deref().unwrap_or("_cluster")
        } else {
            self.region.as_deref().unwrap_or("-")
        };
        scope_key(
            &self.provider,
            self.account.as_deref().unwrap_or("-"),
            region,
            &self.resource_type,
        )
    }
}

pub fn scope_key(provider: &str, account: &str, region: &str, resource_type: &str) -> String {
    format!("{provider}/{account}/{region}/{resource_type}")
}

/// A scope's parts: provider, account or cluster, region or namespace, resource type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScopeParts<'a> {
    pub provider: &'a str,
    pub account: &'a str,
    pub region: &'a str,
    pub resource_type: &'a str,
}

/// `aws/123456789012/us-east-1/AWS::EC2::Volume` in its parts; None for anything else.
pub fn parse_scope(scope: &str) -> Option<ScopeParts<'_>> {
    let mut p = scope.splitn(4, '/');
    Some(ScopeParts {
        provider: p.next()?,
        account: p.next()?,
        region: p.next()?,
        resource_type: p.next()?,
    })
}

/// Whether a coverage scope covers a resource scope: equal, or equal but for a `*` region
/// (a Kubernetes kind listed across all namespaces covers every namespace).
pub fn scope_covers(coverage: &str, scope: &str) -> bool {
    if coverage == scope {
        return true;
    }
    match (parse_scope(coverage), parse_scope(scope)) {
        (Some(c), Some(s)) => c.region == "*" && ScopeParts { region: "*", ..s } == c,
        _ => false,
    }
}

/// The wildcard form of a scope (`p/a/*/t`), which covers it.
pub fn scope_wildcard(scope: &str) -> Option<String> {
    let p = parse_scope(scope)?;
    Some(format!(
        "{}/{}/*/{}",
        p.provider, p.account, p.resource_type
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcard_scopes_cover_every_namespace() {
        let all = "kubernetes/c1/*/K8s::core::Pod";
        assert!(scope_covers(all, "kubernetes/c1/shop/K8s::core::Pod"));
        assert!(scope_covers(all, all));
        assert!(!scope_covers(all, "kubernetes/c2/shop/K8s::core::Pod"));
        assert!(!scope_covers(
            all,
            "kubernetes/c1/shop/K8s::apps::Deployment"
        ));
        assert!(!scope_covers(
            "kubernetes/c1/a/K8s::core::Pod",
            "kubernetes/c1/b/K8s::core::Pod"
        ));
        assert_eq!(
            scope_wildcard("kubernetes/c1/shop/K8s::core::Pod").as_deref(),
            Some(all)
        );
    }
}
