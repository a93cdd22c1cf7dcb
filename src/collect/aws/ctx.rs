//! The context every collector task of one account's scan shares: its SDK config (whose
//! HTTP client paces calls and bounds those in flight, `pace.rs`), the retry partition of each (service, region), the call
//! counter; and the `client!` macro that makes a service's client from it.

use std::collections::BTreeMap;
use std::sync::Arc;

use aws_config::{Region, SdkConfig};
use aws_sdk_ec2::config::retry::{RetryPartition, TokenBucket};

use super::calls::CountCalls;
use crate::model::resource::scope_key;

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

/// Shared by every collector task of one scan.
#[derive(Clone)]
pub struct Ctx {
    pub account: String,
    pub sdk: SdkConfig,
    pub endpoint_url: Option<String>,
    /// `max_concurrency`: the bound on calls in flight the SDK config's client holds, and
    /// how many per-item reads are started at once.
    pub(super) width: usize,
    /// The retry partition of each (service, region) of this account.
    pub(super) partitions: Arc<std::sync::Mutex<BTreeMap<(String, String), RetryPartition>>>,
    pub(super) stats: Arc<crate::collect::ApiStats>,
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

    /// Reads every item concurrently, at most `max_concurrency` items at once (each call still
    /// waits for its service's rate and a slot in flight), the answers in the items' order:
    /// per-bucket, per-key and per-trail reads fan out instead of following one another.
    /// The next item starts when any one finishes, so one slow answer (a bucket in a far
    /// region, a retried call) holds up only its own item.
    ///
    /// The reads come made (a `Vec`, not a mapping closure): a closure in the stream's type
    /// makes the collection non-`Send` (rust-lang/rust#102211), and the daemon spawns it.
    pub async fn each<Fut: std::future::Future>(&self, reads: Vec<Fut>) -> Vec<Fut::Output> {
        use futures::StreamExt as _;
        let mut numbered = Vec::with_capacity(reads.len());
        for (n, read) in reads.into_iter().enumerate() {
            numbered.push(async move { (n, read.await) });
        }
        let mut answers: Vec<(usize, Fut::Output)> = futures::stream::iter(numbered)
            .buffer_unordered(self.width)
            .collect()
            .await;
        answers.sort_unstable_by_key(|(n, _)| *n);
        answers.into_iter().map(|(_, answer)| answer).collect()
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
