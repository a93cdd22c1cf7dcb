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

use super::{
    acm, cloudtrail, dynamodb, ec2, ecr, ecs, efs, eks, elasticache, elbv2, guards, iam, kms,
    lambda, logs, messaging, rds, s3, secretsmanager, wafv2, Ctx,
};
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
            call("DescribeNetworkAcls", "ec2:DescribeNetworkAcls"),
            call("DescribeSubnets", "ec2:DescribeSubnets"),
            call("DescribeNatGateways", "ec2:DescribeNatGateways"),
            call("DescribeRouteTables", "ec2:DescribeRouteTables"),
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
            call("GetAccountPasswordPolicy", "iam:GetAccountPasswordPolicy"),
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
        calls: &[
            call("DescribeDBInstances", "rds:DescribeDBInstances"),
            call("DescribeDBClusters", "rds:DescribeDBClusters"),
        ],
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
    Service {
        name: "eks",
        reach: Reach::Regional,
        calls: &[
            call("ListClusters", "eks:ListClusters"),
            call("DescribeCluster", "eks:DescribeCluster"),
            call("ListNodegroups", "eks:ListNodegroups"),
            call("DescribeNodegroup", "eks:DescribeNodegroup"),
        ],
        resource_types: model::aws::EKS,
        collect: |c, r| Box::pin(async move { eks::collect(&c, &r).await }),
    },
    Service {
        name: "ecs",
        reach: Reach::Regional,
        calls: &[
            call("ListClusters", "ecs:ListClusters"),
            call("DescribeClusters", "ecs:DescribeClusters"),
            call("ListServices", "ecs:ListServices"),
            call("DescribeServices", "ecs:DescribeServices"),
            call(
                "ListTaskDefinitionFamilies",
                "ecs:ListTaskDefinitionFamilies",
            ),
            call("DescribeTaskDefinition", "ecs:DescribeTaskDefinition"),
        ],
        resource_types: model::aws::ECS,
        collect: |c, r| Box::pin(async move { ecs::collect(&c, &r).await }),
    },
    Service {
        name: "lambda",
        reach: Reach::Regional,
        calls: &[
            call("ListFunctions", "lambda:ListFunctions"),
            call("ListTags", "lambda:ListTags"),
            call("GetPolicy", "lambda:GetPolicy"),
            call("GetFunctionUrlConfig", "lambda:GetFunctionUrlConfig"),
        ],
        resource_types: model::aws::LAMBDA,
        collect: |c, r| Box::pin(async move { lambda::collect(&c, &r).await }),
    },
    Service {
        name: "ecr",
        reach: Reach::Regional,
        calls: &[
            call("DescribeRepositories", "ecr:DescribeRepositories"),
            call("GetLifecyclePolicy", "ecr:GetLifecyclePolicy"),
            call("GetRepositoryPolicy", "ecr:GetRepositoryPolicy"),
            call("ListTagsForResource", "ecr:ListTagsForResource"),
        ],
        resource_types: model::aws::ECR,
        collect: |c, r| Box::pin(async move { ecr::collect(&c, &r).await }),
    },
    Service {
        name: "elasticloadbalancingv2",
        reach: Reach::Regional,
        calls: &[
            call(
                "DescribeLoadBalancers",
                "elasticloadbalancing:DescribeLoadBalancers",
            ),
            call("DescribeTags", "elasticloadbalancing:DescribeTags"),
            call(
                "DescribeLoadBalancerAttributes",
                "elasticloadbalancing:DescribeLoadBalancerAttributes",
            ),
            call(
                "DescribeListeners",
                "elasticloadbalancing:DescribeListeners",
            ),
        ],
        resource_types: model::aws::ELBV2,
        collect: |c, r| Box::pin(async move { elbv2::collect(&c, &r).await }),
    },
    Service {
        name: "wafv2",
        reach: Reach::Regional,
        // GetWebACLForResource is sent by the load balancers' collector, for each
        // application load balancer.
        calls: &[
            call("ListWebACLs", "wafv2:ListWebACLs"),
            call("GetWebACL", "wafv2:GetWebACL"),
            call("GetLoggingConfiguration", "wafv2:GetLoggingConfiguration"),
            call("ListTagsForResource", "wafv2:ListTagsForResource"),
            call("GetWebACLForResource", "wafv2:GetWebACLForResource"),
        ],
        resource_types: model::aws::WAFV2,
        collect: |c, r| Box::pin(async move { wafv2::collect(&c, &r).await }),
    },
    Service {
        name: "acm",
        reach: Reach::Regional,
        calls: &[
            call("ListCertificates", "acm:ListCertificates"),
            call("DescribeCertificate", "acm:DescribeCertificate"),
            call("ListTagsForCertificate", "acm:ListTagsForCertificate"),
        ],
        resource_types: model::aws::ACM,
        collect: |c, r| Box::pin(async move { acm::collect(&c, &r).await }),
    },
    Service {
        name: "secretsmanager",
        reach: Reach::Regional,
        calls: &[call("ListSecrets", "secretsmanager:ListSecrets")],
        resource_types: model::aws::SECRETSMANAGER,
        collect: |c, r| Box::pin(async move { secretsmanager::collect(&c, &r).await }),
    },
    Service {
        name: "cloudwatchlogs",
        reach: Reach::Regional,
        calls: &[
            call("DescribeLogGroups", "logs:DescribeLogGroups"),
            call("ListTagsForResource", "logs:ListTagsForResource"),
        ],
        resource_types: model::aws::LOGS,
        collect: |c, r| Box::pin(async move { logs::collect(&c, &r).await }),
    },
    Service {
        name: "sns",
        reach: Reach::Regional,
        calls: &[
            call("ListTopics", "sns:ListTopics"),
            call("GetTopicAttributes", "sns:GetTopicAttributes"),
            call("ListTagsForResource", "sns:ListTagsForResource"),
        ],
        resource_types: model::aws::SNS,
        collect: |c, r| Box::pin(async move { messaging::sns(&c, &r).await }),
    },
    Service {
        name: "sqs",
        reach: Reach::Regional,
        calls: &[
            call("ListQueues", "sqs:ListQueues"),
            call("GetQueueAttributes", "sqs:GetQueueAttributes"),
            call("ListQueueTags", "sqs:ListQueueTags"),
        ],
        resource_types: model::aws::SQS,
        collect: |c, r| Box::pin(async move { messaging::sqs(&c, &r).await }),
    },
    Service {
        name: "dynamodb",
        reach: Reach::Regional,
        calls: &[
            call("ListTables", "dynamodb:ListTables"),
            call("DescribeTable", "dynamodb:DescribeTable"),
            call(
                "DescribeContinuousBackups",
                "dynamodb:DescribeContinuousBackups",
            ),
            call("ListTagsOfResource", "dynamodb:ListTagsOfResource"),
        ],
        resource_types: model::aws::DYNAMODB,
        collect: |c, r| Box::pin(async move { dynamodb::collect(&c, &r).await }),
    },
    Service {
        name: "elasticache",
        reach: Reach::Regional,
        calls: &[
            call(
                "DescribeReplicationGroups",
                "elasticache:DescribeReplicationGroups",
            ),
            call("ListTagsForResource", "elasticache:ListTagsForResource"),
        ],
        resource_types: model::aws::ELASTICACHE,
        collect: |c, r| Box::pin(async move { elasticache::collect(&c, &r).await }),
    },
    Service {
        name: "efs",
        reach: Reach::Regional,
        calls: &[
            call(
                "DescribeFileSystems",
                "elasticfilesystem:DescribeFileSystems",
            ),
            call(
                "DescribeBackupPolicy",
                "elasticfilesystem:DescribeBackupPolicy",
            ),
        ],
        resource_types: model::aws::EFS,
        collect: |c, r| Box::pin(async move { efs::collect(&c, &r).await }),
    },
    Service {
        name: "guardduty",
        reach: Reach::Regional,
        calls: &[
            call("ListDetectors", "guardduty:ListDetectors"),
            call("GetDetector", "guardduty:GetDetector"),
        ],
        resource_types: model::aws::GUARDDUTY,
        collect: |c, r| Box::pin(async move { guards::guardduty(&c, &r).await }),
    },
    Service {
        name: "securityhub",
        reach: Reach::Regional,
        calls: &[call("DescribeHub", "securityhub:DescribeHub")],
        resource_types: model::aws::SECURITYHUB,
        collect: |c, r| Box::pin(async move { guards::securityhub(&c, &r).await }),
    },
    Service {
        name: "config",
        reach: Reach::Regional,
        calls: &[
            call(
                "DescribeConfigurationRecorders",
                "config:DescribeConfigurationRecorders",
            ),
            call(
                "DescribeConfigurationRecorderStatus",
                "config:DescribeConfigurationRecorderStatus",
            ),
        ],
        resource_types: model::aws::CONFIG,
        collect: |c, r| Box::pin(async move { guards::config_recorder(&c, &r).await }),
    },
    Service {
        name: "accessanalyzer",
        reach: Reach::Regional,
        calls: &[call("ListAnalyzers", "access-analyzer:ListAnalyzers")],
        resource_types: model::aws::ACCESSANALYZER,
        collect: |c, r| Box::pin(async move { guards::access_analyzer(&c, &r).await }),
    },
    Service {
        name: "s3control",
        reach: Reach::Global,
        // S3 Control's action names differ from its operation names.
        calls: &[call(
            "GetPublicAccessBlock",
            "s3:GetAccountPublicAccessBlock",
        )],
        resource_types: model::aws::S3CONTROL,
        collect: |c, home| {
            Box::pin(async move { guards::account_public_access_block(&c, &home).await })
        },
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
