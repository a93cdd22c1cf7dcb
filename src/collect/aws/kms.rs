//! KMS: customer-managed keys with their rotation status and tags.

use aws_sdk_kms::types::{KeyManagerType, KeySpec, KeyState};
use aws_sdk_kms::Client;

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::kms as doc;
use crate::model::aws::Document;
use crate::model::Resource;

const TYPE: &str = "AWS::KMS::Key";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_kms, ctx, region);
    let keys = match client
        .list_keys()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(k) => k,
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!("kms:ListKeys: {}", err_text(&e)),
            )]
        }
    };
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    let reads = keys
        .iter()
        .filter_map(|k| k.key_id())
        .map(|id| key(ctx, &client, region, id))
        .collect();
    for r in ctx.each(reads).await {
        match r {
            Ok(Some(r)) => resources.push(r),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    vec![ScopeResult::with_errors(scope, resources, errors)]
}

pub(super) async fn key(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    id: &str,
) -> Result<Option<Resource>, String> {
    let described = client
        .describe_key()
        .key_id(id)
        .send()
        .await
        .map_err(|e| format!("kms:DescribeKey {id}: {}", err_text(&e)))?;
    let Some(meta) = described.key_metadata() else {
        return Ok(None);
    };
    if meta.key_manager() != Some(&KeyManagerType::Customer) {
        return Ok(None); // AWS-managed keys rotate on their own and cannot be changed.
    }
    let symmetric = meta
        .key_spec()
        .is_none_or(|s| *s == KeySpec::SymmetricDefault);
    let pending = meta.key_state() == Some(&KeyState::PendingDeletion);
    let queried = symmetric && !pending && meta.origin().is_none_or(|o| o.as_str() == "AWS_KMS");
    // Rotation and tags are read together.
    let (rotation, tags) = tokio::join!(
        async {
            if !queried {
                return Ok(None);
            }
            client
                .get_key_rotation_status()
                .key_id(id)
                .send()
                .await
                .map(|o| Some(o.key_rotation_enabled()))
                .map_err(|e| format!("kms:GetKeyRotationStatus {id}: {}", err_text(&e)))
        },
        client.list_resource_tags().key_id(id).send(),
    );
    let rotation = rotation?;
    let tags = tags.map_err(|e| format!("kms:ListResourceTags {id}: {}", err_text(&e)))?;
    let tags = tag_map(
        tags.tags()
            .iter()
            .map(|t| (Some(t.tag_key()), Some(t.tag_value()))),
    );
    Ok(Some(normalize(&ctx.at(region), meta, rotation, tags)))
}

/// A customer-managed key's document: its metadata, its rotation status (None when it
/// cannot be queried) and its tags.
pub fn normalize(
    at: &crate::model::aws::Place,
    meta: &aws_sdk_kms::types::KeyMetadata,
    rotation: Option<bool>,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::Key {
        key_id: meta.key_id().into(),
        arn: meta.arn().map(Into::into),
        key_manager: meta.key_manager().map(|m| m.as_str().into()),
        key_spec: meta.key_spec().map(|s| s.as_str().into()),
        key_usage: meta.key_usage().map(|s| s.as_str().into()),
        key_state: meta.key_state().map(|s| s.as_str().into()),
        enabled: meta.enabled(),
        description: meta.description().unwrap_or_default().into(),
        creation_date: meta.creation_date().map(ts),
        deletion_date: meta.deletion_date().map(ts),
        key_rotation_enabled: rotation,
    }
    .resource(at, tags)
}
