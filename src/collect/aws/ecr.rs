//! ECR: repositories (DescribeRepositories) with their lifecycle policy, repository policy
//! and tags.

use aws_sdk_ecr::types::Repository;
use aws_sdk_ecr::Client;

use super::{err_code, err_text, gathered, listed, policy_doc, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::ecr as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::ECR::Repository";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_ecr, ctx, region);
    let repos = match listed(
        &scope,
        "ecr:DescribeRepositories",
        client
            .describe_repositories()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = repos
        .iter()
        .map(|r| repository(ctx, &client, region, r))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

pub(super) async fn repository(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    r: &Repository,
) -> Result<Option<Resource>, String> {
    let name = r.repository_name().unwrap_or_default();
    let arn = r.repository_arn().unwrap_or_default();
    let (lifecycle, policy, tags) = tokio::join!(
        client.get_lifecycle_policy().repository_name(name).send(),
        client.get_repository_policy().repository_name(name).send(),
        client.list_tags_for_resource().resource_arn(arn).send(),
    );
    let lifecycle = match lifecycle {
        Ok(l) => l.lifecycle_policy_text().map(policy_doc),
        Err(e) if err_code(&e).as_deref() == Some("LifecyclePolicyNotFoundException") => None,
        Err(e) => return Err(format!("ecr:GetLifecyclePolicy {name}: {}", err_text(&e))),
    };
    let policy = match policy {
        Ok(p) => p.policy_text().map(policy_doc),
        Err(e) if err_code(&e).as_deref() == Some("RepositoryPolicyNotFoundException") => None,
        Err(e) => return Err(format!("ecr:GetRepositoryPolicy {name}: {}", err_text(&e))),
    };
    let tags = tags.map_err(|e| format!("ecr:ListTagsForResource {name}: {}", err_text(&e)))?;
    let tags = tag_map(tags.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
    Ok(Some(normalize(&ctx.at(region), r, lifecycle, policy, tags)))
}

pub fn normalize(
    at: &Place,
    r: &Repository,
    lifecycle_policy: Option<serde_json::Value>,
    policy: Option<serde_json::Value>,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::Repository {
        repository_name: r.repository_name().unwrap_or_default().into(),
        repository_arn: r.repository_arn().map(Into::into),
        repository_uri: r.repository_uri().map(Into::into),
        image_tag_mutability: r.image_tag_mutability().map(|m| m.as_str().into()),
        image_scanning_configuration: doc::ScanningConfiguration {
            scan_on_push: r
                .image_scanning_configuration()
                .is_some_and(|s| s.scan_on_push()),
        },
        encryption_configuration: r.encryption_configuration().map(|e| {
            doc::EncryptionConfiguration {
                encryption_type: Some(e.encryption_type().as_str().into()),
                kms_key: e.kms_key().map(Into::into),
            }
        }),
        lifecycle_policy,
        policy,
    }
    .resource(at, tags)
}
