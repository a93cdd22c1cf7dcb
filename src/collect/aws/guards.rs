//! The account's own guards, one document per region whether the guard is on or not:
//! GuardDuty's detector, Security Hub, the AWS Config recorder, IAM Access Analyzer; and per
//! account the IAM password policy (sent by the `iam` service) and S3's account-level
//! public access block.

use super::{err_code, err_text, listed, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::guards as doc;
use crate::model::aws::Document;

pub async fn guardduty(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, doc::Detector::TYPE);
    let client = super::client!(aws_sdk_guardduty, ctx, region);
    let ids = match listed(
        &scope,
        "guardduty:ListDetectors",
        client
            .list_detectors()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let at = ctx.at(region);
    let Some(id) = ids.first() else {
        let none = doc::Detector {
            status: "NONE".into(),
            ..Default::default()
        };
        return vec![ScopeResult::ok(
            scope,
            vec![none.resource(&at, Default::default())],
        )];
    };
    let d = match client.get_detector().detector_id(id).send().await {
        Ok(d) => d,
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!("guardduty:GetDetector {id}: {}", err_text(&e)),
            )]
        }
    };
    let tags = d
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let detector = doc::Detector {
        detector_id: Some(id.clone()),
        status: d
            .status()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        finding_publishing_frequency: d.finding_publishing_frequency().map(|f| f.as_str().into()),
        features: d
            .features()
            .iter()
            .map(|f| doc::Feature {
                name: f.name().map(|n| n.as_str().into()),
                status: f.status().map(|s| s.as_str().into()),
            })
            .collect(),
    };
    vec![ScopeResult::ok(scope, vec![detector.resource(&at, tags)])]
}

pub async fn securityhub(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, doc::Hub::TYPE);
    let client = super::client!(aws_sdk_securityhub, ctx, region);
    let hub = match client.describe_hub().send().await {
        Ok(h) => doc::Hub {
            enabled: true,
            hub_arn: h.hub_arn().map(Into::into),
            subscribed_at: h.subscribed_at().map(Into::into),
            auto_enable_controls: h.auto_enable_controls(),
        },
        // "Account ... is not subscribed to AWS Security Hub": off in this region. An
        // AccessDeniedException is a failed read, not a hub that is off.
        Err(e) if err_code(&e).as_deref() == Some("InvalidAccessException") => doc::Hub::default(),
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!("securityhub:DescribeHub: {}", err_text(&e)),
            )]
        }
    };
    vec![ScopeResult::ok(
        scope,
        vec![hub.resource(&ctx.at(region), Default::default())],
    )]
}

pub async fn config_recorder(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, doc::ConfigurationRecorder::TYPE);
    let client = super::client!(aws_sdk_config, ctx, region);
    let (recorders, statuses) = tokio::join!(
        client.describe_configuration_recorders().send(),
        client.describe_configuration_recorder_status().send(),
    );
    let recorders = match recorders {
        Ok(r) => r,
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!("config:DescribeConfigurationRecorders: {}", err_text(&e)),
            )]
        }
    };
    let statuses = match statuses {
        Ok(s) => s,
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!(
                    "config:DescribeConfigurationRecorderStatus: {}",
                    err_text(&e)
                ),
            )]
        }
    };
    let at = ctx.at(region);
    // Service-linked recorders (`aws-service-linked-…`) record for another service only.
    let own: Vec<_> = recorders
        .configuration_recorders()
        .iter()
        .filter(|r| {
            !r.name()
                .unwrap_or_default()
                .starts_with("AWSConfigurationRecorderFor")
        })
        .collect();
    let docs: Vec<_> = if own.is_empty() {
        vec![doc::ConfigurationRecorder::default().resource(&at, Default::default())]
    } else {
        own.iter()
            .map(|r| {
                let name = r.name().unwrap_or_default();
                let status = statuses
                    .configuration_recorders_status()
                    .iter()
                    .find(|s| s.name() == Some(name));
                let g = r.recording_group();
                doc::ConfigurationRecorder {
                    name: Some(name.to_string()),
                    role_arn: r.role_arn().map(Into::into),
                    all_supported: g.is_some_and(|g| g.all_supported()),
                    include_global_resource_types: g
                        .is_some_and(|g| g.include_global_resource_types()),
                    exclusion_types: g
                        .and_then(|g| g.exclusion_by_resource_types())
                        .map(|x| {
                            x.resource_types()
                                .iter()
                                .map(|t| t.as_str().to_string())
                                .collect()
                        })
                        .unwrap_or_default(),
                    resource_types: g
                        .map(|g| {
                            g.resource_types()
                                .iter()
                                .map(|t| t.as_str().to_string())
                                .collect()
                        })
                        .unwrap_or_default(),
                    recording: status.is_some_and(|s| s.recording()),
                    last_status: status
                        .and_then(|s| s.last_status())
                        .map(|s| s.as_str().into()),
                }
                .resource(&at, Default::default())
            })
            .collect()
    };
    vec![ScopeResult::ok(scope, docs)]
}

pub async fn access_analyzer(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, doc::AnalyzerCoverage::TYPE);
    let client = super::client!(aws_sdk_accessanalyzer, ctx, region);
    let r = client
        .list_analyzers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("access-analyzer:ListAnalyzers: {}", err_text(&e)))
        .map(|analyzers| {
            let coverage = doc::AnalyzerCoverage {
                analyzers: analyzers
                    .iter()
                    .map(|a| doc::Analyzer {
                        name: Some(a.name().to_string()),
                        arn: Some(a.arn().to_string()),
                        kind: Some(a.r#type().as_str().to_string()),
                        status: Some(a.status().as_str().to_string()),
                    })
                    .collect(),
            };
            vec![coverage.resource(&ctx.at(region), Default::default())]
        });
    vec![ScopeResult::of(scope, r)]
}

/// The IAM password policy, read with the `iam` service's client.
pub async fn password_policy(ctx: &Ctx, client: &aws_sdk_iam::Client, region: &str) -> ScopeResult {
    let scope = ctx.scope(region, doc::PasswordPolicy::TYPE);
    let policy = match client.get_account_password_policy().send().await {
        Ok(o) => match o.password_policy() {
            Some(p) => doc::PasswordPolicy {
                present: true,
                minimum_password_length: p.minimum_password_length(),
                require_symbols: p.require_symbols(),
                require_numbers: p.require_numbers(),
                require_uppercase_characters: p.require_uppercase_characters(),
                require_lowercase_characters: p.require_lowercase_characters(),
                allow_users_to_change_password: p.allow_users_to_change_password(),
                expire_passwords: p.expire_passwords(),
                max_password_age: p.max_password_age(),
                password_reuse_prevention: p.password_reuse_prevention(),
                hard_expiry: p.hard_expiry(),
            },
            None => doc::PasswordPolicy::default(),
        },
        Err(e) if err_code(&e).as_deref() == Some("NoSuchEntity") => doc::PasswordPolicy::default(),
        Err(e) => {
            return ScopeResult::failed(
                scope,
                format!("iam:GetAccountPasswordPolicy: {}", err_text(&e)),
            )
        }
    };
    ScopeResult::ok(
        scope,
        vec![policy.resource(&ctx.at(region), Default::default())],
    )
}

/// S3's account-level public access block, from the first region scanned.
pub async fn account_public_access_block(ctx: &Ctx, home: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope("global", doc::AccountPublicAccessBlock::TYPE);
    let client = s3control(ctx, home);
    let block = match client
        .get_public_access_block()
        .account_id(&ctx.account)
        .send()
        .await
    {
        Ok(o) => {
            let c = o.public_access_block_configuration();
            doc::AccountPublicAccessBlock {
                block_public_acls: c.and_then(|c| c.block_public_acls()).unwrap_or(false),
                ignore_public_acls: c.and_then(|c| c.ignore_public_acls()).unwrap_or(false),
                block_public_policy: c.and_then(|c| c.block_public_policy()).unwrap_or(false),
                restrict_public_buckets: c
                    .and_then(|c| c.restrict_public_buckets())
                    .unwrap_or(false),
            }
        }
        Err(e) if err_code(&e).as_deref() == Some("NoSuchPublicAccessBlockConfiguration") => {
            doc::AccountPublicAccessBlock::default()
        }
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!("s3:GetAccountPublicAccessBlock: {}", err_text(&e)),
            )]
        }
    };
    vec![ScopeResult::ok(
        scope,
        vec![block.resource(&ctx.at("global"), Default::default())],
    )]
}

/// An S3 Control client. With an endpoint URL (an emulator) the URL is used as given: the
/// SDK otherwise puts the account id in front of the host (`123456789012.127.0.0.1`).
fn s3control(ctx: &Ctx, region: &str) -> aws_sdk_s3control::Client {
    use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};
    #[derive(Debug)]
    struct AsGiven(String);
    impl ResolveEndpoint for AsGiven {
        fn resolve_endpoint<'a>(&'a self, _: &'a Params) -> EndpointFuture<'a> {
            EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
        }
    }
    let mut conf = aws_sdk_s3control::config::Builder::from(&ctx.regional(region))
        .interceptor(ctx.counter())
        .retry_partition(ctx.partition("s3control", region));
    if let Some(url) = &ctx.endpoint_url {
        conf = conf.endpoint_resolver(AsGiven(url.clone()));
    }
    aws_sdk_s3control::Client::from_conf(conf.build())
}
