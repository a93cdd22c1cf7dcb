//! `[collectors.aws]`: regions, credentials, services and limits, the source of the types
//! AWS Config records, an organization's accounts or accounts listed by hand, and named
//! targets over all of it.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::de;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Aws {
    /// Regions to scan. Empty: the region of the environment / profile.
    #[serde(default, deserialize_with = "de::regions")]
    pub regions: Vec<String>,
    /// Named profile from the shared AWS config files.
    pub profile: Option<String>,
    /// Endpoint override (emulators such as moto).
    pub endpoint_url: Option<String>,
    /// Services to collect; empty means all.
    #[serde(default, deserialize_with = "de::services")]
    pub services: Vec<String>,
    /// Bound on API calls in flight at once, across services and regions.
    #[serde(default = "default_concurrency", deserialize_with = "de::positive")]
    pub max_concurrency: usize,
    /// Attempts per call (1 = no retry); throttling backs off exponentially.
    #[serde(default = "default_attempts", deserialize_with = "de::positive")]
    pub max_attempts: u32,
    /// Accounts collected at once when a target has several (an organization, a list).
    #[serde(
        default = "default_accounts_in_flight",
        deserialize_with = "de::positive"
    )]
    pub max_accounts_in_flight: usize,
    /// Where the types AWS Config records come from: their APIs (`api`), each account's
    /// configuration items (`config`), or an aggregator's (`config-aggregator`).
    #[serde(default)]
    pub source: AwsSource,
    /// With `source = "config-aggregator"`: the aggregator's name, read with these keys'
    /// credentials (the aggregator's account: the management or a delegated administrator).
    pub aggregator: Option<String>,
    /// The region the aggregator is in (default: the first of `regions`, else the
    /// environment's).
    pub aggregator_region: Option<String>,
    /// With `source = "config"` and daily recording: items captured longer ago than this
    /// fail their scope.
    #[serde(default = "default_item_age", deserialize_with = "de::positive")]
    pub max_item_age_hours: u64,
    /// Every active account of an AWS Organization, each read through a role assumed in it;
    /// these keys' own credentials only list the accounts.
    pub organization: Option<Organization>,
    /// Accounts listed by hand, each read through its role.
    #[serde(default)]
    pub accounts: Vec<Account>,
    /// Named AWS targets, each its own credentials and regions on top of the keys here; each
    /// is scanned on its own (`vigil scan --target NAME`, `[[schedules]] target = NAME`), and
    /// target `aws` scans them all together. Empty: target `aws` is the one account the keys
    /// here reach.
    #[serde(default)]
    pub targets: Vec<AwsTarget>,
}

fn default_concurrency() -> usize {
    16
}
fn default_attempts() -> u32 {
    10
}
fn default_accounts_in_flight() -> usize {
    4
}
fn default_item_age() -> u64 {
    26
}

/// `[collectors.aws] source`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AwsSource {
    #[default]
    Api,
    Config,
    ConfigAggregator,
}

/// `[collectors.aws.organization]`: the accounts `organizations:ListAccounts` lists (active
/// ones only), narrowed by `include` / `exclude` (account ids, account names, OU ids).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organization {
    /// The role assumed in every member account (`arn:aws:iam::<id>:role/<role_name>`).
    #[serde(deserialize_with = "de::role_name")]
    pub role_name: String,
    /// The external id the member roles' trust policies ask for, if any.
    pub external_id: Option<String>,
    /// Only these accounts (ids, names, or OU ids `ou-…` / root `r-…`: every account
    /// below); empty: all.
    #[serde(default)]
    pub include: Vec<String>,
    /// Not these (same forms); wins over `include`.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// One `[[collectors.aws.accounts]]` entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// The 12-digit account id; the role must answer as this account.
    #[serde(deserialize_with = "de::account_id")]
    pub id: String,
    /// The name reports and `vigil findings --account` use.
    pub name: Option<String>,
    /// The role to assume. Default: `organization.role_name` in this account.
    #[serde(default, deserialize_with = "de::role_arn")]
    pub role_arn: Option<String>,
    pub external_id: Option<String>,
    /// Regions for this account. Default: the target's.
    #[serde(default, deserialize_with = "de::regions")]
    pub regions: Vec<String>,
    /// Free-form tags, visible to rules (`data.vigil.context.accounts`).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// One `[[collectors.aws.targets]]` entry: a named account (or, later, organization); every
/// key but `name` overrides `[collectors.aws]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsTarget {
    /// The target's name in scans, schedules, metrics and reports.
    #[serde(default)]
    pub name: String,
    #[serde(default, deserialize_with = "de::regions")]
    pub regions: Vec<String>,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    #[serde(default, deserialize_with = "de::services")]
    pub services: Vec<String>,
    /// This target's organization (over `[collectors.aws.organization]`).
    pub organization: Option<Organization>,
    /// This target's accounts (over `[[collectors.aws.accounts]]`).
    #[serde(default)]
    pub accounts: Vec<Account>,
}

impl Default for Aws {
    fn default() -> Self {
        Aws {
            targets: Vec::new(),
            regions: Vec::new(),
            profile: None,
            endpoint_url: None,
            services: Vec::new(),
            max_concurrency: default_concurrency(),
            max_attempts: default_attempts(),
            max_accounts_in_flight: default_accounts_in_flight(),
            source: AwsSource::Api,
            aggregator: None,
            aggregator_region: None,
            max_item_age_hours: default_item_age(),
            organization: None,
            accounts: Vec::new(),
        }
    }
}
