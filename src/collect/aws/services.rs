//! The AWS services vigil reads, one row each: its name (as `--service` and
//! `collectors.aws.services` spell it), whether it is read once per account or in every
//! region, the API operations its collector sends with the IAM action each needs, the
//! resource types it produces, and the collector itself.
//!
//! This table is the one list: collection runs from it, the config and the CLI check
//! service names against it, and `deploy/iam-policy.json` is tested to grant exactly its
//! actions (a moto scan checks that every operation sent is listed here).

use std::future::Future;
use std::pin::Pin;

use super::{cloudtrail, ec2, iam, kms, rds, s3, Ctx};
use crate::collect::ScopeResult;
use crate::model;

/// Where a service's collector runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Once per account, from the first region (IAM, S3's bucket list).
    Global,
    /// In every region scanned.
    Regional,
}

/// One API operation a collector sends, and the IAM action it needs (None: none is needed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Call {
    /// The operation as the API names it (`DescribeInstances`).
    pub operation: &'static str,
    pub action: Option<&'static str>,
}

const fn call(operation: &'static str, action: &'static str) -> Call {
    Call {
        operation,
        action: Some(action),
    }
}

/// A collector task: the scan's context and the region it runs in.
pub type Collector = fn(Ctx, String) -> Pin<Box<dyn Future<Output = Vec<ScopeResult>> + Send>>;

pub struct Service {
    /// Also the SDK's service id, as the API call counters and logs name it.
    pub name: &'static str,
    pub reach: Reach,
    pub calls: &'static [Call],
    pub resource_types: &'static [&'static str],
    pub collect: Collector,
}

/// The call every scan makes first to identify the account: STS GetCallerIdentity works for
/// every principal, and IAM policies cannot deny it.
pub const IDENTITY: Call = Call {
    operation: "GetCallerIdentity",
    action: None,
};

pub const SERVICES: &[Service] = &[
    Service {
        name: "ec2",
        reach: Reach::Regional,
        calls: &[
            call("DescribeInstances", "ec2:DescribeInstances"),
            call("DescribeVolumes", "ec2:DescribeVolumes"),
            call("DescribeSnapshots", "ec2:DescribeSnapshots"),
            call("DescribeAddresses", "ec2:DescribeAddresses"),
            call("DescribeSecurityGroups", "ec2:DescribeSecurityGroups"),
            call("DescribeVpcs", "ec2:DescribeVpcs"),
            call("DescribeFlowLogs", "ec2:DescribeFlowLogs"),
            call("GetEbsEncryptionByDefault", "ec2:GetEbsEncryptionByDefault"),
        ],
        resource_types: model::aws::EC2,
        collect: |c, r| Box::pin(async move { ec2::collect(&c, &r).await }),
    },
    Service {
        name: "iam",
        reach: Reach::Global,
        calls: &[
            call(
                "GetAccountAuthorizationDetails",
                "iam:GetAccountAuthorizationDetails",
            ),
            call("GetAccountSummary", "iam:GetAccountSummary"),
            call("ListVirtualMFADevices", "iam:ListVirtualMFADevices"),
            call("GenerateCredentialReport", "iam:GenerateCredentialReport"),
            call("GetCredentialReport", "iam:GetCredentialReport"),
        ],
        resource_types: model::aws::IAM,
        collect: |c, _| Box::pin(async move { iam::collect(&c).await }),
    },
    Service {
        name: "s3",
        reach: Reach::Global,
        // S3's action names differ from its operation names.
        calls: &[
            call("ListBuckets", "s3:ListAllMyBuckets"),
            call("GetBucketLocation", "s3:GetBucketLocation"),
            call("GetBucketEncryption", "s3:GetEncryptionConfiguration"),
            call("GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
            call("GetBucketPolicy", "s3:GetBucketPolicy"),
            call("GetBucketTagging", "s3:GetBucketTagging"),
        ],
        resource_types: model::aws::S3,
        collect: |c, home| Box::pin(async move { s3::collect(&c, &home).await }),
    },
    Service {
        name: "kms",
        reach: Reach::Regional,
        calls: &[
            call("ListKeys", "kms:ListKeys"),
            call("DescribeKey", "kms:DescribeKey"),
            call("GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
            call("ListResourceTags", "kms:ListResourceTags"),
        ],
        resource_types: model::aws::KMS,
        collect: |c, r| Box::pin(async move { kms::collect(&c, &r).await }),
    },
    Service {
        name: "rds",
        reach: Reach::Regional,
        calls: &[call("DescribeDBInstances", "rds:DescribeDBInstances")],
        resource_types: model::aws::RDS,
        collect: |c, r| Box::pin(async move { rds::collect(&c, &r).await }),
    },
    Service {
        name: "cloudtrail",
        reach: Reach::Regional,
        calls: &[
            call("DescribeTrails", "cloudtrail:DescribeTrails"),
            call("GetTrailStatus", "cloudtrail:GetTrailStatus"),
            call("GetEventSelectors", "cloudtrail:GetEventSelectors"),
            call("ListTags", "cloudtrail:ListTags"),
        ],
        resource_types: model::aws::CLOUDTRAIL,
        collect: |c, r| Box::pin(async move { cloudtrail::collect(&c, &r).await }),
    },
];

/// What a target with `[collectors.aws.organization]` sends with its own (hub) credentials
/// before reading any member: the organization's accounts, their places and tags, and the
/// role assumed in each member (`deploy/iam-organization-policy.json` grants exactly these).
pub const ORGANIZATION: &[Call] = &[
    call("ListAccounts", "organizations:ListAccounts"),
    call("ListRoots", "organizations:ListRoots"),
    call(
        "ListOrganizationalUnitsForParent",
        "organizations:ListOrganizationalUnitsForParent",
    ),
    call(
        "ListAccountsForParent",
        "organizations:ListAccountsForParent",
    ),
    call("ListTagsForResource", "organizations:ListTagsForResource"),
    call("AssumeRole", "sts:AssumeRole"),
];

/// What `source = "config"` sends per region, besides the live collectors of the types
/// Config does not give.
pub const CONFIG: &[Call] = &[
    call(
        "DescribeConfigurationRecorders",
        "config:DescribeConfigurationRecorders",
    ),
    call(
        "DescribeConfigurationRecorderStatus",
        "config:DescribeConfigurationRecorderStatus",
    ),
    call("SelectResourceConfig", "config:SelectResourceConfig"),
    call("ListDiscoveredResources", "config:ListDiscoveredResources"),
    call("BatchGetResourceConfig", "config:BatchGetResourceConfig"),
];

/// What `source = "config-aggregator"` sends to the aggregator with the hub's credentials
/// (`deploy/iam-organization-policy.json` grants them); each member still answers
/// [`CONFIG`]'s recorder calls and the live collectors.
pub const AGGREGATOR: &[Call] = &[
    call(
        "DescribeConfigurationAggregatorSourcesStatus",
        "config:DescribeConfigurationAggregatorSourcesStatus",
    ),
    call(
        "SelectAggregateResourceConfig",
        "config:SelectAggregateResourceConfig",
    ),
    call(
        "ListAggregateDiscoveredResources",
        "config:ListAggregateDiscoveredResources",
    ),
    call(
        "BatchGetAggregateResourceConfig",
        "config:BatchGetAggregateResourceConfig",
    ),
];

/// The services' names, in the table's order.
pub fn names() -> Vec<&'static str> {
    SERVICES.iter().map(|s| s.name).collect()
}

/// The service of this name.
pub fn service(name: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.name == name)
}

/// Every IAM action the collectors need (with either source), once each.
pub fn actions() -> std::collections::BTreeSet<&'static str> {
    SERVICES
        .iter()
        .flat_map(|s| s.calls)
        .chain(CONFIG)
        .chain([&IDENTITY])
        .filter_map(|c| c.action)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_aws_type_has_one_service_and_its_reach_is_its_scope() {
        let mut ours: Vec<&str> = SERVICES
            .iter()
            .flat_map(|s| s.resource_types.iter().copied())
            .collect();
        let mut all: Vec<&str> = model::aws::TYPES
            .iter()
            .flat_map(|t| t.iter().copied())
            .collect();
        ours.sort_unstable();
        all.sort_unstable();
        assert_eq!(
            ours, all,
            "each type of model::aws is made by exactly one service"
        );
        for s in SERVICES {
            for t in s.resource_types {
                assert_eq!(
                    model::resource::is_global_type(t),
                    s.reach == Reach::Global,
                    "{t}: the scope of its resources and its service's reach disagree"
                );
            }
        }
    }
}
