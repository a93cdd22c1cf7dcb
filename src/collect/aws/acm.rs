//! ACM: certificates (ListCertificates of every status and key type, DescribeCertificate)
//! with their tags.

use aws_sdk_acm::types::CertificateDetail;
use aws_sdk_acm::Client;

use super::{err_text, gathered, listed, tag_map, ts, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::acm as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::ACM::Certificate";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    use aws_sdk_acm::types::{Filters, KeyAlgorithm};
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_acm, ctx, region);
    // Without a key type filter ListCertificates leaves out every key but RSA 2048.
    let every_key = Filters::builder()
        .set_key_types(Some(
            KeyAlgorithm::values()
                .iter()
                .map(|k| KeyAlgorithm::from(*k))
                .collect(),
        ))
        .build();
    let arns = match listed(
        &scope,
        "acm:ListCertificates",
        client
            .list_certificates()
            .includes(every_key)
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = arns
        .iter()
        .filter_map(|c| c.certificate_arn())
        .map(|arn| certificate(ctx, &client, region, arn))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

async fn certificate(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    arn: &str,
) -> Result<Option<Resource>, String> {
    let (described, tags) = tokio::join!(
        client.describe_certificate().certificate_arn(arn).send(),
        client
            .list_tags_for_certificate()
            .certificate_arn(arn)
            .send(),
    );
    let described =
        described.map_err(|e| format!("acm:DescribeCertificate {arn}: {}", err_text(&e)))?;
    let tags = tags.map_err(|e| format!("acm:ListTagsForCertificate {arn}: {}", err_text(&e)))?;
    let tags = tag_map(tags.tags().iter().map(|t| (Some(t.key()), t.value())));
    Ok(described
        .certificate()
        .map(|c| normalize(&ctx.at(region), c, tags)))
}

pub fn normalize(
    at: &Place,
    c: &CertificateDetail,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::Certificate {
        certificate_arn: c.certificate_arn().unwrap_or_default().into(),
        domain_name: c.domain_name().map(Into::into),
        status: c.status().map(|s| s.as_str().into()),
        kind: c.r#type().map(|t| t.as_str().into()),
        key_algorithm: c.key_algorithm().map(|k| k.as_str().into()),
        not_before: c.not_before().map(ts),
        not_after: c.not_after().map(ts),
        in_use_by: c.in_use_by().to_vec(),
        renewal_eligibility: c.renewal_eligibility().map(|r| r.as_str().into()),
        options: c.options().map(|o| doc::CertificateOptions {
            // Deprecated in the API (the opt-out is no longer offered); certificates that
            // opted out earlier still answer DISABLED.
            #[allow(deprecated)]
            certificate_transparency_logging_preference: o
                .certificate_transparency_logging_preference()
                .map(|p| p.as_str().into()),
        }),
    }
    .resource(at, tags)
}
