//! Secrets Manager: secrets' metadata from ListSecrets (its answer carries rotation, KMS key,
//! dates and tags). GetSecretValue is never called: vigil has no permission to.

use aws_sdk_secretsmanager::types::SecretListEntry;

use super::{err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::secretsmanager as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::SecretsManager::Secret";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_secretsmanager, ctx, region);
    let listed = client
        .list_secrets()
        .into_paginator()
        .send()
        .try_collect()
        .await
        .map(|pages| {
            pages
                .iter()
                .flat_map(|p| p.secret_list())
                .map(|s| normalize(&ctx.at(region), s))
                .collect()
        })
        .map_err(|e| format!("secretsmanager:ListSecrets: {}", err_text(&e)));
    vec![ScopeResult::of(scope, listed)]
}

pub fn normalize(at: &Place, s: &SecretListEntry) -> Resource {
    let tags = tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
    doc::Secret {
        name: s.name().unwrap_or_default().into(),
        arn: s.arn().map(Into::into),
        kms_key_id: s.kms_key_id().map(Into::into),
        rotation_enabled: s.rotation_enabled().unwrap_or(false),
        rotation_rules: s.rotation_rules().map(|r| doc::RotationRules {
            automatically_after_days: r.automatically_after_days(),
            schedule_expression: r.schedule_expression().map(Into::into),
        }),
        last_rotated_date: s.last_rotated_date().map(ts),
        last_changed_date: s.last_changed_date().map(ts),
        last_accessed_date: s.last_accessed_date().map(ts),
        created_date: s.created_date().map(ts),
        primary_region: s.primary_region().map(Into::into),
    }
    .resource(at, tags)
}
