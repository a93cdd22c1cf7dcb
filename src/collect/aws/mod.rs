//! AWS collection: the standard credential chain, regions in parallel, one scope per
//! (account, region, resource type), a bound on API calls in flight and the SDK's standard
//! retry mode (exponential backoff with jitter on throttling).

pub mod cloudtrail;
pub mod config_items;
pub mod config_source;
pub mod ec2;
pub mod iam;
pub mod kms;
pub mod organization;
pub mod pace;
pub mod rds;
pub mod read;
pub mod s3;
pub mod services;

use crate::collect::error_chain;
use std::collections::BTreeMap;
use std::sync::Arc;

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_ec2::config::retry::{RetryPartition, TokenBucket};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use tokio::sync::Semaphore;

use super::ScopeResult;
use crate::model::resource::scope_key;

#[derive(Debug, Clone)]
pub struct AwsOptions {
    /// The configured target this account belongs to (`[[collectors.aws.targets]]` name),
    /// named in errors when it cannot be identified.
    pub label: Option<String>,
    pub regions: Vec<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Services to collect (empty: all).
    pub services: Vec<String>,
    pub max_concurrency: usize,
    pub max_attempts: u32,
    /// A role to assume (a member account of an organization or list; remediation).
    pub role: Option<AssumeRole>,
    /// The account this is, when known before connecting (a listed or discovered account):
    /// the role must answer as it, and its scopes fail by its id when it cannot be read.
    pub account: Option<crate::model::aws::AccountMeta>,
    /// List this organization's accounts with these credentials and read each through a
    /// role; the options here are each member's, but for `role` and `account`.
    pub organization: Option<organization::OrgOptions>,
    /// Accounts read at once (of an organization or several listed).
    pub max_accounts_in_flight: usize,
    /// Where the types AWS Config records are read from.
    pub source: Inventory,
    /// Take credentials from `profile` only, never from the environment (remediation: the
    /// scanner's credentials in the environment must not be the ones that write).
    pub profile_only: bool,
    /// Where API calls and throttled answers are counted.
    pub stats: Arc<crate::collect::ApiStats>,
}

/// Where an account's inventory comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Inventory {
    /// Every type from its service's API.
    #[default]
    Api,
    /// [`config_source::TYPES`] from AWS Config's configuration items; daily items older
    /// than `max_item_age_hours` fail their scope. The rest from the APIs.
    Config { max_item_age_hours: u64 },
}

/// A role assumed through STS: its ARN, the session name CloudTrail shows for it, and the
/// external id its trust policy may ask for.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRole {
    pub arn: String,
    pub session_name: String,
    pub external_id: Option<String>,
}

/// A session name naming vigil and what it does, within STS's limits (2–64 characters of
/// `[\w+=,.@-]`): `vigil-scan-prod-20261207T090000Z`.
pub fn session_name(what: &str, at: chrono::DateTime<chrono::Utc>) -> String {
    let clean: String = what
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "+=,.@_-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect();
    let mut name = format!("vigil-{clean}");
    let stamp = at.format("-%Y%m%dT%H%M%SZ").to_string();
    name.truncate(64 - stamp.len());
    name + &stamp
}

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

/// A service's client for one region, its calls counted and its retries in the (account,
/// region, service) partition: `client!(aws_sdk_kms, ctx, region)`.
macro_rules! client {
    ($sdk:ident, $ctx:expr, $region:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from(&$ctx.regional($region))
                .interceptor($ctx.counter())
                .retry_partition(
                    $ctx.partition(stringify!($sdk).trim_start_matches("aws_sdk_"), $region),
                )
                .build(),
        )
    };
}
pub(crate) use client;

/// Tokens in a partition's retry quota (a retry takes 5, a throttled one 1).
const RETRY_QUOTA: usize = 500;
/// Tokens the quota regains per second.
const RETRY_REFILL_PER_SECOND: f32 = 20.0;

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

/// Shared by every collector task of one scan.
#[derive(Clone)]
pub struct Ctx {
    pub account: String,
    pub sdk: SdkConfig,
    pub endpoint_url: Option<String>,
    limit: Arc<Semaphore>,
    /// `max_concurrency`: the bound `limit` holds, and how many per-item reads are started
    /// at once.
    width: usize,
    /// The retry partition of each (service, region) of this account.
    partitions: Arc<std::sync::Mutex<BTreeMap<(String, String), RetryPartition>>>,
    stats: Arc<crate::collect::ApiStats>,
}

impl Ctx {
    /// The SDK config for one region.
    pub fn regional(&self, region: &str) -> SdkConfig {
        self.sdk
            .to_builder()
            .region(Region::new(region.to_string()))
            .build()
    }

    /// The retry partition of `service` in `region` for this account: its own retry quota
    /// and its own adaptive send rate. The SDK's default partition is one per service and
    /// region for the whole process, so every account of an organization would share one
    /// quota and one rate, though AWS throttles each account on its own.
    pub fn partition(&self, service: &str, region: &str) -> RetryPartition {
        self.partitions
            .lock()
            .expect("not poisoned")
            .entry((service.to_string(), region.to_string()))
            .or_insert_with(|| {
                RetryPartition::custom(format!("{service}-{}-{region}", self.account))
                    .token_bucket(
                        TokenBucket::builder()
                            .capacity(RETRY_QUOTA)
                            // Refilled with time too, so a long scan's throttles cannot
                            // exhaust it for good.
                            .refill_rate(RETRY_REFILL_PER_SECOND)
                            .throttling_retry_cost(1)
                            .build(),
                    )
                    .build()
            })
            .clone()
    }

    /// Counts this scan's requests and throttled answers; every service client carries it.
    pub fn counter(&self) -> CountCalls {
        CountCalls(self.stats.clone())
    }

    /// Runs one API operation (or one paginated listing) while holding a permit, so at most
    /// `max_concurrency` are in flight across all services and regions.
    pub async fn call<F: std::future::Future>(&self, f: F) -> F::Output {
        let _permit = self.limit.acquire().await.expect("semaphore never closed");
        f.await
    }

    /// Reads every item concurrently (each call still waits for a permit of [`Ctx::call`]),
    /// the answers in the items' order: per-bucket, per-key and per-trail reads fan out
    /// instead of following one another.
    ///
    /// The reads come made (a `Vec`, not a mapping closure): a closure in the stream's type
    /// makes the collection non-`Send` (rust-lang/rust#102211), and the daemon spawns it.
    pub async fn each<Fut: std::future::Future>(&self, reads: Vec<Fut>) -> Vec<Fut::Output> {
        use futures::StreamExt as _;
        futures::stream::iter(reads)
            .buffered(self.width)
            .collect()
            .await
    }

    pub fn scope(&self, region: &str, resource_type: &str) -> String {
        scope_key("aws", &self.account, region, resource_type)
    }

    /// Where a document of this account in `region` was read.
    pub fn at<'a>(&'a self, region: &'a str) -> crate::model::aws::Place<'a> {
        crate::model::aws::Place {
            account: &self.account,
            region,
        }
    }
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

/// An SDK error as one line: the service's error code and message with the HTTP status, or
/// the transport problem (timeout, connection refused, no credentials) with its causes.
pub fn err_text<E>(e: &aws_sdk_ec2::error::SdkError<E, HttpResponse>) -> String
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    use aws_sdk_ec2::error::SdkError;
    match e {
        SdkError::ServiceError(se) => {
            let status = se.raw().status().as_u16();
            let body = se
                .raw()
                .body()
                .bytes()
                .map(|b| String::from_utf8_lossy(b).into_owned())
                .unwrap_or_default();
            // Emulators sometimes answer a JSON-protocol service with an XML error body.
            let code = se
                .err()
                .code()
                .map(str::to_string)
                .or_else(|| xml_tag(&body, "Code"));
            let msg = se
                .err()
                .message()
                .map(str::to_string)
                .or_else(|| xml_tag(&body, "Message"));
            match (code, msg) {
                (Some(code), Some(msg)) => format!("{code} (HTTP {status}): {msg}"),
                (Some(code), None) => format!("{code} (HTTP {status})"),
                _ => format!("HTTP {status}: {}", error_chain(e)),
            }
        }
        other => error_chain(other),
    }
}

fn xml_tag(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].to_string())
}

/// An SDK error's service error code, when the service returned one.
pub fn err_code<E, R>(e: &aws_sdk_ec2::error::SdkError<E, R>) -> Option<String>
where
    E: aws_sdk_ec2::error::ProvideErrorMetadata,
{
    e.as_service_error()
        .and_then(|s| s.code())
        .map(str::to_string)
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
    let sdk = paced(loader.load().await);
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
fn paced(sdk: SdkConfig) -> SdkConfig {
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
        .http_client(Arc::new(pace::Pace::default()).wrap(http))
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
            limit: Arc::new(Semaphore::new(opts.max_concurrency.max(1))),
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
    let from_config: Vec<&str> = match opts.source {
        Inventory::Api => Vec::new(),
        Inventory::Config { .. } => services::SERVICES
            .iter()
            .filter(|s| wanted(opts, s.name))
            .flat_map(|s| s.resource_types.iter().copied())
            .filter(|t| config_source::TYPES.contains(t))
            .collect(),
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
    if let Inventory::Config { max_item_age_hours } = opts.source {
        for (i, region) in regions.iter().enumerate() {
            // Global types (IAM) once, from the first region.
            let types: Vec<&'static str> = config_source::TYPES
                .iter()
                .copied()
                .filter(|t| from_config.contains(t))
                .filter(|t| i == 0 || !crate::model::resource::is_global_type(t))
                .collect();
            let (ctx, region) = (ctx.clone(), region.clone());
            tasks.push(Box::pin(async move {
                config_source::collect(&ctx, &region, &types, max_item_age_hours).await
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

/// An SDK interceptor counting every attempt sent and every throttled answer (HTTP 429, or
/// one of the throttling error codes the SDK's own retry classifier knows).
#[derive(Debug, Clone)]
pub struct CountCalls(Arc<crate::collect::ApiStats>);

const THROTTLING_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

fn service_of(cfg: &aws_smithy_types::config_bag::ConfigBag) -> String {
    cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>()
        // The SDK's service name's first word: `Config Service` is `config`, as IAM's action
        // prefix spells it.
        .map(|m| {
            m.service()
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase()
        })
        .unwrap_or_else(|| "unknown".into())
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for CountCalls {
    fn name(&self) -> &'static str {
        "vigil::collect::aws::CountCalls"
    }

    fn read_before_transmit(
        &self,
        _ctx: &aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let service = service_of(cfg);
        if let Some(m) = cfg.load::<aws_smithy_runtime_api::client::orchestrator::Metadata>() {
            // `--log-level collect::aws::api=debug` lists every request (retries included).
            tracing::debug!(target: "collect::aws::api", service = %service, operation = m.name(), "request");
        }
        self.0.record("aws", &service, false);
        Ok(())
    }

    fn read_after_deserialization(
        &self,
        ctx: &aws_smithy_runtime_api::client::interceptors::context::AfterDeserializationInterceptorContextRef<'_>,
        _rc: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        cfg: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        let response = ctx.response();
        let status = response.status().as_u16();
        let throttled = status == 429
            || (status >= 400
                && response.body().bytes().is_some_and(|b| {
                    let text = String::from_utf8_lossy(&b[..b.len().min(4096)]);
                    THROTTLING_CODES.iter().any(|code| {
                        // As an XML element or a JSON value/`__type` suffix.
                        text.contains(&format!(">{code}<"))
                            || text.contains(&format!("\"{code}\""))
                            || text.contains(&format!("#{code}\""))
                    })
                }));
        if throttled {
            self.0.record("aws", &service_of(cfg), true);
        }
        Ok(())
    }
}
