//! AWS collection of one account: the standard credential chain (or a role assumed in a
//! listed or discovered account, `organization.rs`), services and regions in parallel, one
//! scope per (account, region, resource type), a bound on API calls in flight (`ctx.rs`),
//! per-item reads fanned out under it, and throttling met per (account, region, service):
//! retry partitions, paced sends (`pace.rs`), the SDK's standard retries. With
//! `source = "config"` the types AWS Config records come from its items
//! (`config_source.rs`, `config_items.rs`).

pub mod acm;
mod calls;
pub mod cloudtrail;
pub mod config_aggregator;
pub mod config_items;
pub mod config_query;
pub mod config_source;
mod ctx;
pub mod dynamodb;
pub mod ec2;
pub mod ecr;
pub mod ecs;
pub mod efs;
pub mod eks;
pub mod elasticache;
pub mod elbv2;
pub mod guards;
pub mod iam;
pub mod kms;
pub mod lambda;
pub mod logs;
pub mod messaging;
pub mod network;
mod options;
pub mod organization;
pub mod pace;
mod quotas;
pub mod rds;
pub mod read;
pub mod s3;
pub mod secretsmanager;
pub mod services;
pub mod wafv2;

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};

use super::ScopeResult;
use crate::model::resource::scope_key;
pub use options::{scan_session, session_name, AssumeRole, AwsOptions, Inventory};

/// Why AWS collection could not start (a region or the account itself); a service or
/// region that fails later fails only its scopes.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no AWS region: pass --region, set AWS_REGION, or set `collectors.aws.regions` in the config")]
    NoRegion,
    #[error("`{0}` is not an AWS region name (like us-east-1)")]
    BadRegion(String),
    #[error("unknown AWS service `{0}` (known: {1})")]
    UnknownService(String, String),
    #[error("identifying the AWS account (sts:GetCallerIdentity): {0}")]
    Identity(String),
    #[error("assuming role {role}: {message}")]
    AssumeRole { role: String, message: String },
    #[error("role {role} answered as account {answered}, not {expected}: check the account's id or role ARN")]
    WrongAccount {
        role: String,
        expected: String,
        answered: String,
    },
    #[error("listing the organization's accounts ({0})")]
    Organization(String),
}

impl Error {
    /// The error's kind, as a metric label.
    pub fn metric_label(&self) -> &'static str {
        match self {
            Error::NoRegion | Error::BadRegion(_) | Error::UnknownService(..) => "options",
            Error::Identity(_) => "identity",
            Error::AssumeRole { .. } => "assume_role",
            Error::WrongAccount { .. } => "wrong_account",
            Error::Organization(_) => "organization",
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

pub use calls::{err_code, err_text, CountCalls};
pub(crate) use ctx::client;
pub use ctx::Ctx;

/// The retry settings of every client: standard mode, `attempts` per call, backing off
/// exponentially with jitter from 250 ms (honouring `x-amz-retry-after`).
///
/// Not the SDK's adaptive mode: its CUBIC limiter cuts a partition's send rate on every
/// throttled answer, and with a share of answers throttled at random it fell to its floor
/// (0.5 requests a second) and a scan of 1,300 calls took over five minutes instead of
/// seconds (`THROTTLE_RATIO=0.3 scripts/bench-aws-latency`).
pub fn retry_config(attempts: u32) -> RetryConfig {
    RetryConfig::standard()
        .with_max_attempts(attempts.max(1))
        .with_initial_backoff(std::time::Duration::from_millis(250))
}

/// A security group open to the world on SSH, all egress allowed: the SDK's answer the
/// normalizer tests and the Config golden test share.
#[cfg(test)]
pub(crate) fn ssh_open_group() -> aws_sdk_ec2::types::SecurityGroup {
    use aws_sdk_ec2::types::{IpPermission, IpRange, SecurityGroup};
    let world = || IpRange::builder().cidr_ip("0.0.0.0/0").build();
    SecurityGroup::builder()
        .group_id("sg-1")
        .group_name("ssh-open")
        .description("ssh")
        .vpc_id("vpc-1")
        .ip_permissions(
            IpPermission::builder()
                .ip_protocol("tcp")
                .from_port(22)
                .to_port(22)
                .ip_ranges(world())
                .build(),
        )
        .ip_permissions_egress(
            IpPermission::builder()
                .ip_protocol("-1")
                .ip_ranges(world())
                .build(),
        )
        .build()
}

/// Where unit tests of the `normalize_*` functions read: account 123456789012.
#[cfg(test)]
pub(crate) fn test_at(region: &'static str) -> crate::model::aws::Place<'static> {
    crate::model::aws::Place {
        account: "123456789012",
        region,
    }
}

pub fn ts(dt: &aws_sdk_ec2::primitives::DateTime) -> String {
    dt.fmt(aws_sdk_ec2::primitives::DateTimeFormat::DateTime)
        .unwrap_or_default()
}

/// Checks an account's options without contacting AWS: region names and service names.
pub fn check(opts: &AwsOptions) -> Result<()> {
    if let Some(r) = opts
        .regions
        .iter()
        .find(|r| !crate::model::aws::is_region(r))
    {
        return Err(Error::BadRegion(r.clone()));
    }
    if let Some(s) = opts
        .services
        .iter()
        .find(|s| services::service(s).is_none())
    {
        return Err(Error::UnknownService(
            s.clone(),
            services::names().join(", "),
        ));
    }
    Ok(())
}

/// The SDK config from the standard chain (or the profile), with the role assumed when
/// there is one. Nothing is contacted yet.
pub async fn load(opts: &AwsOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(retry_config(opts.max_attempts));
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
        if opts.profile_only {
            loader = loader.credentials_provider(
                aws_config::profile::ProfileFileCredentialsProvider::builder()
                    .profile_name(p)
                    .build(),
            );
        }
    }
    if let Some(first) = opts.regions.first() {
        loader = loader.region(Region::new(first.clone()));
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    let sdk = paced(loader.load().await, opts.max_concurrency);
    let Some(role) = &opts.role else {
        return sdk;
    };
    let mut provider = aws_config::sts::AssumeRoleProvider::builder(role.arn.clone())
        .session_name(role.session_name.clone());
    if let Some(id) = &role.external_id {
        provider = provider.external_id(id.clone());
    }
    let provider = provider.configure(&sdk).build().await;
    sdk.to_builder()
        .credentials_provider(aws_sdk_sts::config::SharedCredentialsProvider::new(
            provider,
        ))
        .build()
}

/// `sdk` with its HTTP client paced per (region, service) ([`pace`]): one `Pace` per
/// account, as each `load` is. The client is the SDK's default one (rustls with aws-lc, the
/// proxy from `HTTPS_PROXY` / `NO_PROXY`), made here because the SDK config holds none until
/// a service client makes it.
fn paced(sdk: SdkConfig, in_flight: usize) -> SdkConfig {
    use aws_smithy_http_client::{proxy::ProxyConfig, tls, Builder, ConnectorBuilder};
    let http = sdk.http_client().unwrap_or_else(|| {
        Builder::new().build_with_connector_fn(|settings, components| {
            let mut conn = ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(
                tls::rustls_provider::CryptoMode::AwsLc,
            ));
            conn.set_connector_settings(settings.cloned());
            if let Some(c) = components {
                conn.set_sleep_impl(c.sleep_impl());
            }
            conn.set_proxy_config(Some(ProxyConfig::from_env()));
            conn.build()
        })
    });
    sdk.to_builder()
        .http_client(Arc::new(pace::Pace::new(in_flight)).wrap(http))
        .build()
}

/// Loads the SDK config ([`load`]) and identifies the account.
pub async fn connect(opts: &AwsOptions) -> Result<(Ctx, Vec<String>)> {
    check(opts)?;
    let sdk = load(opts).await;
    let regions = if opts.regions.is_empty() {
        match sdk.region() {
            Some(r) => vec![r.to_string()],
            None => return Err(Error::NoRegion),
        }
    } else {
        opts.regions.clone()
    };
    let sts = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::config::Builder::from(&sdk)
            .interceptor(CountCalls(opts.stats.clone()))
            .build(),
    );
    let ident = sts
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            let text = err_text(&e);
            if let Some(role) = &opts.role {
                Error::AssumeRole {
                    role: role.arn.clone(),
                    message: text,
                }
            } else if text.contains("loading credentials") || text.contains("no providers in chain") {
                Error::Identity(format!(
                    "no usable AWS credentials (environment, profile, SSO, web identity or instance role): {text}"
                ))
            } else {
                Error::Identity(text)
            }
        })?;
    let account = ident.account().unwrap_or_default().to_string();
    if let Some(expected) = opts.account.as_ref().filter(|a| a.id != account) {
        return Err(Error::WrongAccount {
            role: opts
                .role
                .as_ref()
                .map_or("(none)".into(), |r| r.arn.clone()),
            expected: expected.id.clone(),
            answered: account,
        });
    }
    Ok((
        Ctx {
            account,
            sdk,
            endpoint_url: opts.endpoint_url.clone(),
            width: opts.max_concurrency.max(1),
            partitions: Default::default(),
            stats: opts.stats.clone(),
        },
        regions,
    ))
}

/// Every scope of `account` that `opts` would have collected, failed with `message`: an
/// account that cannot be read has each of its scopes failed, so none of its findings
/// resolves and none of its types looks complete and empty.
pub async fn failed_scopes(opts: &AwsOptions, account: &str, message: &str) -> Vec<ScopeResult> {
    let regions = if opts.regions.is_empty() {
        // The environment's or profile's region, as connect would have taken it.
        load(&AwsOptions {
            role: None,
            ..opts.clone()
        })
        .await
        .region()
        .map(|r| vec![r.to_string()])
        .unwrap_or_default()
    } else {
        opts.regions.clone()
    };
    let mut out = Vec::new();
    for service in services::SERVICES.iter().filter(|s| wanted(opts, s.name)) {
        let in_regions: Vec<&str> = match service.reach {
            services::Reach::Global => vec!["global"],
            services::Reach::Regional => regions.iter().map(String::as_str).collect(),
        };
        for region in in_regions {
            for t in service.resource_types {
                out.push(ScopeResult::failed(
                    scope_key("aws", account, region, t),
                    message.to_string(),
                ));
            }
        }
    }
    out
}

fn wanted(opts: &AwsOptions, service: &str) -> bool {
    opts.services.is_empty() || opts.services.iter().any(|s| s == service)
}

/// Collects every selected service ([`services::SERVICES`]) in every region concurrently:
/// global services once, from the first region.
pub async fn collect(
    opts: &AwsOptions,
    on_progress: &(dyn Fn(&str) + Sync),
) -> Result<(String, Vec<ScopeResult>)> {
    let (ctx, regions) = connect(opts).await?;
    // With Config as the source, a service whose types Config gives is not asked, and the
    // live scopes of those types are dropped where the service is still asked for others.
    let from_config: Vec<&str> = if opts.source.from_config() {
        services::SERVICES
            .iter()
            .filter(|s| wanted(opts, s.name))
            .flat_map(|s| s.resource_types.iter().copied())
            .filter(|t| config_source::TYPES.contains(t))
            .collect()
    } else {
        Vec::new()
    };
    let mut tasks: Vec<
        std::pin::Pin<Box<dyn std::future::Future<Output = Vec<ScopeResult>> + Send>>,
    > = Vec::new();
    for service in services::SERVICES.iter().filter(|s| wanted(opts, s.name)) {
        if service
            .resource_types
            .iter()
            .all(|t| from_config.contains(t))
        {
            continue;
        }
        let run_in: &[String] = match service.reach {
            services::Reach::Global => &regions[..1],
            services::Reach::Regional => &regions,
        };
        for region in run_in {
            tasks.push((service.collect)(ctx.clone(), region.clone()));
        }
    }
    let live_tasks = tasks.len();
    let max_age = match &opts.source {
        Inventory::Api => None,
        Inventory::Config { max_item_age_hours }
        | Inventory::Aggregator {
            max_item_age_hours, ..
        } => Some(*max_item_age_hours),
    };
    if let Some(max_item_age_hours) = max_age {
        let aggregate = match &opts.source {
            Inventory::Aggregator { name, .. } => {
                Some(opts.aggregate.clone().unwrap_or_else(|| {
                    Arc::new(Err(format!(
                        "the AWS Config aggregator {name} was not connected"
                    )))
                }))
            }
            _ => None,
        };
        for (i, region) in regions.iter().enumerate() {
            // Global types (IAM) once, from the first region.
            let types: Vec<&'static str> = config_source::TYPES
                .iter()
                .copied()
                .filter(|t| from_config.contains(t))
                .filter(|t| i == 0 || !crate::model::resource::is_global_type(t))
                .collect();
            let (ctx, region, aggregate) = (ctx.clone(), region.clone(), aggregate.clone());
            tasks.push(Box::pin(async move {
                let via = match &aggregate {
                    Some(a) => config_source::Via::Aggregator(a),
                    None => config_source::Via::Own,
                };
                config_source::collect(&ctx, &region, &types, max_item_age_hours, via).await
            }));
        }
    }
    // Each task is spawned so regions and services really run in parallel.
    let handles: Vec<_> = tasks
        .into_iter()
        .map(|t| tokio::spawn(tracing::Instrument::in_current_span(t)))
        .collect();
    let mut out = Vec::new();
    for (i, h) in handles.into_iter().enumerate() {
        match h.await {
            Ok(mut results) => {
                if i < live_tasks {
                    // The live scopes of types Config gives (a service asked for others).
                    results.retain(|r| {
                        crate::model::resource::parse_scope(&r.scope)
                            .is_none_or(|p| !from_config.contains(&p.resource_type))
                    });
                }
                for r in &results {
                    on_progress(&r.scope);
                }
                out.extend(results)
            }
            Err(e) => tracing::error!(target: "collect", error = %e, "collector task panicked"),
        }
    }
    Ok((ctx.account, out))
}

/// Turns AWS's `[{Key, Value}]` tag lists into a map.
pub fn tag_map<'a>(
    pairs: impl IntoIterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> BTreeMap<String, String> {
    pairs
        .into_iter()
        .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
        .collect()
}

/// One scope from its per-item reads: every document read, and the scope failed (its
/// documents kept) where a read failed.
pub(crate) fn gathered(
    scope: String,
    reads: Vec<std::result::Result<Option<crate::model::Resource>, String>>,
) -> ScopeResult {
    let mut resources = Vec::new();
    let mut errors = Vec::new();
    for r in reads {
        match r {
            Ok(Some(r)) => resources.push(r),
            Ok(None) => {}
            Err(e) => errors.push(e),
        }
    }
    ScopeResult::with_errors(scope, resources, errors)
}

/// A scope's listing: its items, or the scope failed with the operation (`eks:ListClusters`)
/// and the SDK's error, ready to return.
pub(crate) fn listed<T, E>(
    scope: &str,
    operation: &str,
    answer: std::result::Result<
        T,
        aws_sdk_ec2::error::SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    >,
) -> std::result::Result<T, Vec<ScopeResult>>
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    answer.map_err(|e| {
        vec![ScopeResult::failed(
            scope.to_string(),
            format!("{operation}: {}", err_text(&e)),
        )]
    })
}

/// A policy document as the API returns it (JSON text) parsed; kept as text when it does not
/// parse, so a rule still sees that there is one.
pub(crate) fn policy_doc(text: &str) -> serde_json::Value {
    serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_string()))
}
