//! S3 (account-wide listing): every bucket with its default encryption, public access block,
//! policy and tags, each read through a client in the bucket's own region.

use std::collections::{BTreeMap, HashMap};

use aws_sdk_s3::Client;
use serde_json::Value;

use super::{err_code, err_text, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::s3 as doc;
use crate::model::aws::Document;
use crate::model::Resource;

const TYPE: &str = "AWS::S3::Bucket";

pub(super) fn client_for(ctx: &Ctx, region: &str) -> Client {
    let mut b = aws_sdk_s3::config::Builder::from(&ctx.regional(region))
        .interceptor(ctx.counter())
        .retry_partition(ctx.partition("s3", region));
    if ctx.endpoint_url.is_some() {
        // Emulators serve buckets by path, not by virtual host.
        b = b.force_path_style(true);
    }
    Client::from_conf(b.build())
}

/// `GetBucketLocation`'s answer → region name (`""` is us-east-1, `EU` is eu-west-1).
pub fn location_region(constraint: Option<&str>) -> String {
    match constraint.unwrap_or("") {
        "" => "us-east-1".into(),
        "EU" => "eu-west-1".into(),
        other => other.into(),
    }
}

pub async fn collect(ctx: &Ctx, home_region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope("global", TYPE);
    let home = client_for(ctx, home_region);
    let buckets = match home
        .list_buckets()
        .into_paginator()
        .send()
        .try_collect()
        .await
    {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.buckets.unwrap_or_default())
            .collect::<Vec<_>>(),
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!("s3:ListBuckets: {}", err_text(&e)),
            )]
        }
    };
    // Clients by region, made once each and shared by the buckets' reads.
    let clients: std::sync::Mutex<HashMap<String, Client>> = Default::default();
    let read = |b: &aws_sdk_s3::types::Bucket| {
        let (home, clients) = (&home, &clients);
        let name = b.name().unwrap_or_default().to_string();
        let created = b.creation_date().map(ts);
        async move {
            let loc = home
                .get_bucket_location()
                .bucket(&name)
                .send()
                .await
                .map_err(|e| format!("s3:GetBucketLocation {name}: {}", err_text(&e)))?;
            let region = location_region(loc.location_constraint().map(|c| c.as_str()));
            let client = clients
                .lock()
                .expect("not poisoned")
                .entry(region.clone())
                .or_insert_with(|| client_for(ctx, &region))
                .clone();
            bucket(ctx, &client, &name, &region, created).await
        }
    };
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    for r in ctx.each(buckets.iter().map(read).collect()).await {
        match r {
            Ok(r) => resources.push(r),
            Err(e) => errors.push(e),
        }
    }
    vec![ScopeResult::with_errors(scope, resources, errors)]
}

pub(super) async fn bucket(
    ctx: &Ctx,
    c: &Client,
    name: &str,
    region: &str,
    created: Option<String>,
) -> Result<Resource, String> {
    let (enc, pab, policy, tagging) = tokio::join!(
        c.get_bucket_encryption().bucket(name).send(),
        c.get_public_access_block().bucket(name).send(),
        c.get_bucket_policy().bucket(name).send(),
        c.get_bucket_tagging().bucket(name).send(),
    );
    // "Not configured" answers are facts, not failures.
    let absent = |code: Option<String>, expected: &[&str]| {
        code.is_some_and(|c| expected.contains(&c.as_str()))
    };
    let encryption = match enc {
        Ok(o) => o.server_side_encryption_configuration().map(encryption),
        Err(e)
            if absent(
                err_code(&e),
                &["ServerSideEncryptionConfigurationNotFoundError"],
            ) =>
        {
            None
        }
        Err(e) => return Err(format!("s3:GetBucketEncryption {name}: {}", err_text(&e))),
    };
    let public_access = match pab {
        Ok(o) => o.public_access_block_configuration().map(public_access),
        Err(e) if absent(err_code(&e), &["NoSuchPublicAccessBlockConfiguration"]) => None,
        Err(e) => return Err(format!("s3:GetPublicAccessBlock {name}: {}", err_text(&e))),
    };
    let policy = match policy {
        Ok(o) => o.policy().map(policy_document),
        Err(e) if absent(err_code(&e), &["NoSuchBucketPolicy"]) => None,
        Err(e) => return Err(format!("s3:GetBucketPolicy {name}: {}", err_text(&e))),
    };
    let tags: BTreeMap<String, String> = match tagging {
        Ok(o) => tag_map(o.tag_set().iter().map(|t| (Some(t.key()), Some(t.value())))),
        Err(e) if absent(err_code(&e), &["NoSuchTagSet", "NoSuchTagSetError"]) => BTreeMap::new(),
        Err(e) => return Err(format!("s3:GetBucketTagging {name}: {}", err_text(&e))),
    };
    let bucket = doc::Bucket {
        name: name.into(),
        creation_date: created,
        region: region.into(),
        server_side_encryption_configuration: encryption,
        public_access_block_configuration: public_access,
        policy,
    };
    Ok(bucket.resource(&ctx.at(region), tags))
}

/// A bucket's default encryption as its document has it.
pub fn encryption(cfg: &aws_sdk_s3::types::ServerSideEncryptionConfiguration) -> doc::Encryption {
    doc::Encryption {
        rules: cfg
            .rules()
            .iter()
            .map(|r| doc::EncryptionRule {
                apply_server_side_encryption_by_default: r
                    .apply_server_side_encryption_by_default()
                    .map(|d| doc::EncryptionDefault {
                        sse_algorithm: Some(d.sse_algorithm().as_str().into()),
                        kms_master_key_id: d.kms_master_key_id().map(Into::into),
                    }),
                bucket_key_enabled: r.bucket_key_enabled(),
            })
            .collect(),
    }
}

/// A bucket's public access block as its document has it.
pub fn public_access(
    p: &aws_sdk_s3::types::PublicAccessBlockConfiguration,
) -> doc::PublicAccessBlock {
    doc::PublicAccessBlock {
        block_public_acls: p.block_public_acls().unwrap_or(false),
        ignore_public_acls: p.ignore_public_acls().unwrap_or(false),
        block_public_policy: p.block_public_policy().unwrap_or(false),
        restrict_public_buckets: p.restrict_public_buckets().unwrap_or(false),
    }
}

/// A bucket policy, parsed (kept as text when it does not parse).
pub fn policy_document(p: &str) -> Value {
    serde_json::from_str::<Value>(p).unwrap_or_else(|_| Value::String(p.to_string()))
}
