//! One resource read again, exactly as the collector reads it (the same calls, the same
//! normalizing): what an apply checks its preconditions and version hash against.

use aws_sdk_ec2::types::Filter;

use super::{
    client, ec2, ecr, elbv2, err_code, err_text, kms, logs, messaging, s3, tag_map, ts, Ctx,
};
use crate::model::Resource;

/// The resource `r` (as stored) as the API answers now; None when it is gone.
pub async fn read_again(ctx: &Ctx, r: &Resource) -> Result<Option<Resource>, String> {
    let region = r.region.as_deref().unwrap_or_default();
    let native = r.id.rsplit('/').next().unwrap_or_default();
    match r.resource_type.as_str() {
        t if t.starts_with("AWS::EC2::") => ec2_again(ctx, t, region, native).await,
        "AWS::S3::Bucket" => {
            let name = r.id.strip_prefix("arn:aws:s3:::").unwrap_or(native);
            let c = s3::client_for(ctx, region);
            let listed = c
                .list_buckets()
                .into_paginator()
                .send()
                .try_collect()
                .await
                .map_err(|e| format!("s3:ListBuckets: {}", err_text(&e)))?;
            let Some(b) = listed
                .iter()
                .flat_map(|p| p.buckets())
                .find(|b| b.name() == Some(name))
            else {
                return Ok(None);
            };
            s3::bucket(ctx, &c, name, region, b.creation_date().map(ts))
                .await
                .map(Some)
        }
        "AWS::KMS::Key" => {
            let c = client!(aws_sdk_kms, ctx, region);
            kms::key(ctx, &c, region, native).await
        }
        "AWS::ECR::Repository" => {
            let c = client!(aws_sdk_ecr, ctx, region);
            let name = text(r, "RepositoryName");
            match c
                .describe_repositories()
                .repository_names(&name)
                .send()
                .await
            {
                Ok(o) => match o.repositories().first() {
                    Some(repo) => ecr::repository(ctx, &c, region, repo).await,
                    None => Ok(None),
                },
                Err(e) if err_code(&e).as_deref() == Some("RepositoryNotFoundException") => {
                    Ok(None)
                }
                Err(e) => Err(format!("ecr:DescribeRepositories: {}", err_text(&e))),
            }
        }
        "AWS::Logs::LogGroup" => {
            let c = client!(aws_sdk_cloudwatchlogs, ctx, region);
            let name = text(r, "LogGroupName");
            let listed = c
                .describe_log_groups()
                .log_group_name_prefix(&name)
                .send()
                .await
                .map_err(|e| format!("logs:DescribeLogGroups: {}", err_text(&e)))?;
            match listed
                .log_groups()
                .iter()
                .find(|g| g.log_group_name() == Some(name.as_str()))
            {
                Some(g) => logs::log_group(ctx, &c, region, g).await,
                None => Ok(None),
            }
        }
        "AWS::ElasticLoadBalancingV2::LoadBalancer" => {
            let c = client!(aws_sdk_elasticloadbalancingv2, ctx, region);
            let waf = client!(aws_sdk_wafv2, ctx, region);
            let arn = text(r, "LoadBalancerArn");
            let found = match c
                .describe_load_balancers()
                .load_balancer_arns(&arn)
                .send()
                .await
            {
                Ok(o) => o.load_balancers().first().cloned(),
                Err(e) if err_code(&e).as_deref() == Some("LoadBalancerNotFound") => None,
                Err(e) => {
                    return Err(format!(
                        "elasticloadbalancing:DescribeLoadBalancers: {}",
                        err_text(&e)
                    ))
                }
            };
            let Some(lb) = found else {
                return Ok(None);
            };
            let tags = c
                .describe_tags()
                .resource_arns(&arn)
                .send()
                .await
                .map_err(|e| format!("elasticloadbalancing:DescribeTags: {}", err_text(&e)))?;
            let tags = tag_map(
                tags.tag_descriptions()
                    .iter()
                    .flat_map(|d| d.tags())
                    .map(|t| (t.key(), t.value())),
            );
            elbv2::load_balancer(ctx, &c, &waf, region, &lb, tags).await
        }
        "AWS::SQS::Queue" => {
            let c = client!(aws_sdk_sqs, ctx, region);
            messaging::queue_read(ctx, &c, region, &text(r, "QueueUrl")).await
        }
        "AWS::SNS::Topic" => {
            let c = client!(aws_sdk_sns, ctx, region);
            messaging::topic(ctx, &c, region, &text(r, "TopicArn")).await
        }
        t => Err(format!("vigil does not read {t} again for remediation")),
    }
}

/// An EC2 resource read again: `native` is its id (`vol-…`, `i-…`).
async fn ec2_again(
    ctx: &Ctx,
    resource_type: &str,
    region: &str,
    native: &str,
) -> Result<Option<Resource>, String> {
    let gone =
        |code: Option<String>, codes: &[&str]| code.is_some_and(|c| codes.contains(&c.as_str()));
    let c = client!(aws_sdk_ec2, ctx, region);
    match resource_type {
        "AWS::EC2::Volume" => match c.describe_volumes().volume_ids(native).send().await {
            Ok(o) => Ok(o
                .volumes()
                .first()
                .map(|v| ec2::normalize_volume(&ctx.at(region), v))),
            Err(e) if gone(super::err_code(&e), &["InvalidVolume.NotFound"]) => Ok(None),
            Err(e) => Err(format!("ec2:DescribeVolumes {native}: {}", err_text(&e))),
        },
        "AWS::EC2::EIP" => {
            let f = Filter::builder()
                .name("allocation-id")
                .values(native)
                .build();
            match c.describe_addresses().filters(f).send().await {
                Ok(o) => Ok(o
                    .addresses()
                    .first()
                    .map(|a| ec2::normalize_address(&ctx.at(region), a))),
                Err(e) => Err(format!("ec2:DescribeAddresses {native}: {}", err_text(&e))),
            }
        }
        "AWS::EC2::Instance" => match c.describe_instances().instance_ids(native).send().await {
            Ok(o) => Ok(o
                .reservations()
                .iter()
                .flat_map(|r| r.instances())
                .next()
                .map(|i| ec2::normalize_instance(&ctx.at(region), i))),
            Err(e) if gone(super::err_code(&e), &["InvalidInstanceID.NotFound"]) => Ok(None),
            Err(e) => Err(format!("ec2:DescribeInstances {native}: {}", err_text(&e))),
        },
        "AWS::EC2::SecurityGroup" => {
            match c.describe_security_groups().group_ids(native).send().await {
                Ok(o) => Ok(o
                    .security_groups()
                    .first()
                    .map(|g| ec2::normalize_security_group(&ctx.at(region), g))),
                Err(e) if gone(super::err_code(&e), &["InvalidGroup.NotFound"]) => Ok(None),
                Err(e) => Err(format!(
                    "ec2:DescribeSecurityGroups {native}: {}",
                    err_text(&e)
                )),
            }
        }
        "AWS::EC2::VPC" => {
            let f = Filter::builder().name("resource-id").values(native).build();
            let (vpcs, logs) = tokio::join!(
                c.describe_vpcs().vpc_ids(native).send(),
                c.describe_flow_logs().filter(f).send(),
            );
            let logs =
                logs.map_err(|e| format!("ec2:DescribeFlowLogs {native}: {}", err_text(&e)))?;
            match vpcs {
                Ok(o) => Ok(o
                    .vpcs()
                    .first()
                    .map(|v| ec2::normalize_vpc(&ctx.at(region), v, logs.flow_logs()))),
                Err(e) if gone(super::err_code(&e), &["InvalidVpcID.NotFound"]) => Ok(None),
                Err(e) => Err(format!("ec2:DescribeVpcs {native}: {}", err_text(&e))),
            }
        }
        "AWS::EC2::EBSEncryptionDefault" => {
            let o = c
                .get_ebs_encryption_by_default()
                .send()
                .await
                .map_err(|e| format!("ec2:GetEbsEncryptionByDefault: {}", err_text(&e)))?;
            Ok(Some(ec2::normalize_ebs_default(
                &ctx.at(region),
                o.ebs_encryption_by_default().unwrap_or(false),
            )))
        }
        t => Err(format!("vigil does not read {t} again for remediation")),
    }
}

/// A string field of a stored document (empty when absent).
fn text(r: &Resource, k: &str) -> String {
    r.config
        .get(k)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_default()
        .to_string()
}
