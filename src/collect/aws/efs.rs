//! EFS: file systems (DescribeFileSystems, which carries their tags) with their backup
//! policy.

use aws_sdk_efs::types::FileSystemDescription;

use super::{err_code, err_text, gathered, listed, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::efs as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::EFS::FileSystem";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_efs, ctx, region);
    let systems = match listed(
        &scope,
        "elasticfilesystem:DescribeFileSystems",
        client
            .describe_file_systems()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = systems
        .iter()
        .map(|f| {
            let client = &client;
            async move {
                let id = f.file_system_id();
                let status = match client
                    .describe_backup_policy()
                    .file_system_id(id)
                    .send()
                    .await
                {
                    Ok(o) => o.backup_policy().map(|p| p.status().as_str().to_string()),
                    Err(e) if err_code(&e).as_deref() == Some("PolicyNotFound") => None,
                    Err(e) => {
                        return Err(format!(
                            "elasticfilesystem:DescribeBackupPolicy {id}: {}",
                            err_text(&e)
                        ))
                    }
                };
                Ok(Some(normalize(&ctx.at(region), f, status)))
            }
        })
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

pub fn normalize(
    at: &Place,
    f: &FileSystemDescription,
    backup_policy_status: Option<String>,
) -> Resource {
    let tags = tag_map(f.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
    doc::FileSystem {
        file_system_id: f.file_system_id().into(),
        file_system_arn: f.file_system_arn().map(Into::into),
        name: f.name().map(Into::into),
        encrypted: f.encrypted().unwrap_or(false),
        kms_key_id: f.kms_key_id().map(Into::into),
        performance_mode: Some(f.performance_mode().as_str().into()),
        throughput_mode: f.throughput_mode().map(|t| t.as_str().into()),
        life_cycle_state: Some(f.life_cycle_state().as_str().into()),
        creation_time: Some(ts(f.creation_time())),
        backup_policy_status,
    }
    .resource(at, tags)
}
