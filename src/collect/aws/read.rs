//! One resource read again, exactly as the collector reads it (the same calls, the same
//! normalizing): what an apply checks its preconditions and version hash against.

use aws_sdk_ec2::types::Filter;

use super::{client, ec2, err_text, kms, s3, ts, Ctx};
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
            let listed = ctx
                .call(c.list_buckets().into_paginator().send().try_collect())
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
        "AWS::EC2::Volume" => {
            match ctx
                .call(c.describe_volumes().volume_ids(native).send())
                .await
            {
                Ok(o) => Ok(o
                    .volumes()
                    .first()
                    .map(|v| ec2::normalize_volume(&ctx.at(region), v))),
                Err(e) if gone(super::err_code(&e), &["InvalidVolume.NotFound"]) => Ok(None),
                Err(e) => Err(format!("ec2:DescribeVolumes {native}: {}", err_text(&e))),
            }
        }
        "AWS::EC2::EIP" => {
            let f = Filter::builder()
                .name("allocation-id")
                .values(native)
                .build();
            match ctx.call(c.describe_addresses().filters(f).send()).await {
                Ok(o) => Ok(o
                    .addresses()
                    .first()
                    .map(|a| ec2::normalize_address(&ctx.at(region), a))),
                Err(e) => Err(format!("ec2:DescribeAddresses {native}: {}", err_text(&e))),
            }
        }
        "AWS::EC2::Instance" => {
            match ctx
                .call(c.describe_instances().instance_ids(native).send())
                .await
            {
                Ok(o) => Ok(o
                    .reservations()
                    .iter()
                    .flat_map(|r| r.instances())
                    .next()
                    .map(|i| ec2::normalize_instance(&ctx.at(region), i))),
                Err(e) if gone(super::err_code(&e), &["InvalidInstanceID.NotFound"]) => Ok(None),
                Err(e) => Err(format!("ec2:DescribeInstances {native}: {}", err_text(&e))),
            }
        }
        "AWS::EC2::SecurityGroup" => {
            match ctx
                .call(c.describe_security_groups().group_ids(native).send())
                .await
            {
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
                ctx.call(c.describe_vpcs().vpc_ids(native).send()),
                ctx.call(c.describe_flow_logs().filter(f).send()),
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
            let o = ctx
                .call(c.get_ebs_encryption_by_default().send())
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
