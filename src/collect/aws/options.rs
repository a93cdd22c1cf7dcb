//! What one AWS account's collection is told: its options (regions, credentials, services,
//! limits, the role to assume, where its inventory comes from) and the STS session names
//! vigil's scans go by.

use std::sync::Arc;

use super::{config_query, organization};

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
    /// The aggregator of [`Inventory::Aggregator`], connected once per scan with the hub's
    /// credentials (or why it could not be); set when the scan starts.
    pub aggregate: Option<Arc<Result<config_query::Aggregate, String>>>,
    /// Where API calls and throttled answers are counted.
    pub stats: Arc<crate::collect::ApiStats>,
}

/// Where an account's inventory comes from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Inventory {
    /// Every type from its service's API.
    #[default]
    Api,
    /// [`super::config_source::TYPES`] from AWS Config's configuration items; daily items older
    /// than `max_item_age_hours` fail their scope. The rest from the APIs.
    Config { max_item_age_hours: u64 },
    /// The same types from an aggregator's configuration items (read with the hub's
    /// credentials, in `region`); each account's own recorder still says what is recorded.
    Aggregator {
        name: String,
        region: Option<String>,
        max_item_age_hours: u64,
    },
}

impl Inventory {
    /// Whether the types Config records come from Config.
    pub fn from_config(&self) -> bool {
        !matches!(self, Inventory::Api)
    }
}

/// A role assumed through STS: its ARN, the session name CloudTrail shows for it, and the
/// external id its trust policy may ask for.
#[derive(Debug, Clone, PartialEq)]
pub struct AssumeRole {
    pub arn: String,
    /// Empty until the scan that uses it names it ([`scan_session`]).
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

/// The session name of a scan of `target` started at `at`: `vigil-scan-prod-<time>`.
pub fn scan_session(target: Option<&str>, at: chrono::DateTime<chrono::Utc>) -> String {
    session_name(&format!("scan-{}", target.unwrap_or("aws")), at)
}
