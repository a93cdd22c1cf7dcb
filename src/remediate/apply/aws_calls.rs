//! The calls AWS actions make, each with the IAM action it needs: what
//! `deploy/iam-remediation-policy.json` grants (a test keeps them equal). Calls are named as
//! the call log names them (`service:Operation`, the service as the SDK names it).

/// The write calls actions make, each with the IAM action it needs.
/// `deploy/iam-remediation-policy.json` grants exactly these and [`READS`] (a test keeps
/// them equal).
pub const WRITES: &[(&str, &str)] = &[
    ("ec2:CreateSnapshot", "ec2:CreateSnapshot"),
    ("ec2:CreateTags", "ec2:CreateTags"),
    ("ec2:DeleteVolume", "ec2:DeleteVolume"),
    ("ec2:ReleaseAddress", "ec2:ReleaseAddress"),
    ("ec2:StopInstances", "ec2:StopInstances"),
    (
        "ec2:EnableEbsEncryptionByDefault",
        "ec2:EnableEbsEncryptionByDefault",
    ),
    (
        "ec2:RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
    ),
    ("s3:PutPublicAccessBlock", "s3:PutBucketPublicAccessBlock"),
    ("s3:PutBucketEncryption", "s3:PutEncryptionConfiguration"),
    ("s3:PutBucketTagging", "s3:PutBucketTagging"),
    ("kms:EnableKeyRotation", "kms:EnableKeyRotation"),
    ("kms:TagResource", "kms:TagResource"),
    (
        "ecr:PutImageScanningConfiguration",
        "ecr:PutImageScanningConfiguration",
    ),
    (
        "cloudwatchlogs:PutRetentionPolicy",
        "logs:PutRetentionPolicy",
    ),
    (
        "elasticloadbalancingv2:ModifyLoadBalancerAttributes",
        "elasticloadbalancing:ModifyLoadBalancerAttributes",
    ),
    ("sqs:SetQueueAttributes", "sqs:SetQueueAttributes"),
    ("sns:SetTopicAttributes", "sns:SetTopicAttributes"),
];

/// The reads an apply makes: the prior configuration it saves, the wait for a snapshot,
/// and reading targets again (the collector's own calls for those types).
/// (`sts:GetCallerIdentity`, which names the account, needs no permission.)
pub const READS: &[(&str, &str)] = &[
    ("ec2:DescribeSnapshots", "ec2:DescribeSnapshots"),
    ("ec2:DescribeVolumes", "ec2:DescribeVolumes"),
    ("ec2:DescribeAddresses", "ec2:DescribeAddresses"),
    ("ec2:DescribeInstances", "ec2:DescribeInstances"),
    ("ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroups"),
    ("ec2:DescribeVpcs", "ec2:DescribeVpcs"),
    ("ec2:DescribeFlowLogs", "ec2:DescribeFlowLogs"),
    (
        "ec2:GetEbsEncryptionByDefault",
        "ec2:GetEbsEncryptionByDefault",
    ),
    ("s3:ListBuckets", "s3:ListAllMyBuckets"),
    ("s3:GetPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
    ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    ("s3:GetBucketPolicy", "s3:GetBucketPolicy"),
    ("s3:GetBucketTagging", "s3:GetBucketTagging"),
    ("kms:DescribeKey", "kms:DescribeKey"),
    ("kms:GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
    ("kms:ListResourceTags", "kms:ListResourceTags"),
    ("ecr:DescribeRepositories", "ecr:DescribeRepositories"),
    ("ecr:GetLifecyclePolicy", "ecr:GetLifecyclePolicy"),
    ("ecr:GetRepositoryPolicy", "ecr:GetRepositoryPolicy"),
    ("ecr:ListTagsForResource", "ecr:ListTagsForResource"),
    ("cloudwatchlogs:DescribeLogGroups", "logs:DescribeLogGroups"),
    (
        "cloudwatchlogs:ListTagsForResource",
        "logs:ListTagsForResource",
    ),
    (
        "elasticloadbalancingv2:DescribeLoadBalancers",
        "elasticloadbalancing:DescribeLoadBalancers",
    ),
    (
        "elasticloadbalancingv2:DescribeTags",
        "elasticloadbalancing:DescribeTags",
    ),
    (
        "elasticloadbalancingv2:DescribeLoadBalancerAttributes",
        "elasticloadbalancing:DescribeLoadBalancerAttributes",
    ),
    (
        "elasticloadbalancingv2:DescribeListeners",
        "elasticloadbalancing:DescribeListeners",
    ),
    ("wafv2:GetWebACLForResource", "wafv2:GetWebACLForResource"),
    ("sqs:GetQueueAttributes", "sqs:GetQueueAttributes"),
    ("sqs:ListQueueTags", "sqs:ListQueueTags"),
    ("sns:GetTopicAttributes", "sns:GetTopicAttributes"),
    ("sns:ListTagsForResource", "sns:ListTagsForResource"),
];

/// The IAM actions the remediation credentials need: [`WRITES`] and [`READS`].
pub fn actions() -> std::collections::BTreeSet<&'static str> {
    WRITES.iter().chain(READS).map(|(_, a)| *a).collect()
}
