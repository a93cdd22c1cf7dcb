//! AWS's published read quotas, per account and Region, that the pacer's buckets start at
//! (`pace.rs`). A call draws from its operation's own bucket where AWS publishes a quota for
//! that operation alone (Lambda's `GetPolicy`, CloudWatch Logs' `ListTagsForResource`, WAF's
//! `GetWebACLForResource`), else from its service's bucket, which starts at the strictest
//! quota among the service's other reads vigil makes. A service without a published quota
//! starts at 20 a second, as peers' limiters do; every bucket then follows the answers.
//!
//! Sources (each service's quota page or API reference, as published): EC2 "Request
//! throttling for the Amazon EC2 API"; IAM, Organizations and STS the IAM and STS quotas
//! pages; CloudTrail "get, describe, and list APIs: 10 TPS"; Lambda "Lambda quotas" (15 a
//! second across the control-plane APIs, GetPolicy 15 and GetFunction 100 on their own);
//! KMS "Request quotas" (ListKeys 500, the others higher); DynamoDB "Best practices for
//! managing the control plane" (2,500 a second); CloudWatch Logs "CloudWatch Logs quotas"
//! (DescribeLogGroups 10, ListTagsForResource and ListTagsLogGroup 5 each); SNS `ListTopics`
//! ("throttled at 30 TPS"); ELB "API throttling" (non-mutating actions: bucket 40, refill
//! 10); ECS "Request throttling" (read actions: 20 a second, bursts 50 to 100); ACM "Quotas"
//! (ListCertificates 8, DescribeCertificate 10); WAF "Quotas" (each Get or List action 5,
//! GetWebACLForResource 1); Security Hub's API reference (10 a second, burst 30); Secrets
//! Manager "Quotas" (ListSecrets 100, GetResourcePolicy 50). ECR's, SQS's, EKS's,
//! ElastiCache's, EFS's, GuardDuty's and Access Analyzer's reads have none published; S3's
//! bucket-level reads none either (its object rates are thousands a second per prefix).

/// The bucket a call of `operation` (`ListTagsForResource`) to `service` (its SigV4 name,
/// `logs`) draws from: `logs:ListTagsForResource` where the operation has a quota of its
/// own, else the service's.
pub fn bucket(service: &str, operation: Option<&str>) -> String {
    match (service, operation) {
        ("lambda", Some(op @ ("GetPolicy" | "GetFunction")))
        | ("logs", Some(op @ ("ListTagsForResource" | "ListTagsLogGroup")))
        | ("wafv2", Some(op @ "GetWebACLForResource"))
        | ("acm", Some(op @ "ListCertificates"))
        | ("secretsmanager", Some(op @ "GetResourcePolicy")) => format!("{service}:{op}"),
        _ => service.to_string(),
    }
}

/// Calls a second, and the burst, a bucket starts with.
pub fn starting_rate(bucket: &str) -> (f64, f64) {
    match bucket {
        // EC2's non-mutating actions: a bucket of 100, refilled at 20 a second.
        "ec2" => (20.0, 100.0),
        "iam" | "organizations" | "cloudtrail" => (10.0, 10.0),
        "config" | "rds" => (10.0, 20.0),
        "lambda" | "lambda:GetPolicy" => (15.0, 15.0),
        "lambda:GetFunction" => (100.0, 100.0),
        "kms" => (500.0, 500.0),
        "sts" => (100.0, 100.0),
        "s3" => (1000.0, 1000.0),
        "dynamodb" => (2500.0, 2500.0),
        "logs" => (10.0, 10.0),
        "logs:ListTagsForResource" | "logs:ListTagsLogGroup" => (5.0, 5.0),
        "sns" => (30.0, 30.0),
        "elasticloadbalancing" => (10.0, 40.0),
        "ecs" => (20.0, 50.0),
        "acm" => (10.0, 10.0),
        "acm:ListCertificates" => (8.0, 8.0),
        "wafv2" => (5.0, 5.0),
        "wafv2:GetWebACLForResource" => (1.0, 1.0),
        "securityhub" => (10.0, 30.0),
        "secretsmanager" => (100.0, 100.0),
        "secretsmanager:GetResourcePolicy" => (50.0, 50.0),
        _ => (20.0, 20.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_operation_with_its_own_quota_has_its_own_bucket_the_rest_share_the_service_s() {
        assert_eq!(bucket("lambda", Some("GetPolicy")), "lambda:GetPolicy");
        assert_eq!(bucket("lambda", Some("ListTags")), "lambda");
        assert_eq!(
            bucket("logs", Some("ListTagsForResource")),
            "logs:ListTagsForResource"
        );
        assert_eq!(bucket("sns", Some("ListTagsForResource")), "sns");
        assert_eq!(bucket("ec2", None), "ec2");
        assert_eq!(starting_rate("logs:ListTagsForResource"), (5.0, 5.0));
        assert_eq!(starting_rate("wafv2:GetWebACLForResource"), (1.0, 1.0));
        assert_eq!(starting_rate("eks"), (20.0, 20.0), "none published");
        // Every bucket an operation can get has a rate of its own, not the default's.
        for (service, op) in [
            ("lambda", "GetPolicy"),
            ("lambda", "GetFunction"),
            ("logs", "ListTagsForResource"),
            ("logs", "ListTagsLogGroup"),
            ("wafv2", "GetWebACLForResource"),
            ("acm", "ListCertificates"),
            ("secretsmanager", "GetResourcePolicy"),
        ] {
            let b = bucket(service, Some(op));
            assert_ne!(b, service, "{op}");
            assert_ne!(starting_rate(&b), (20.0, 20.0), "{b}");
        }
    }
}
