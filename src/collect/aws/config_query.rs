//! The ways AWS Config's configuration items are read: an account's own
//! `SelectResourceConfig`, or an aggregator's `SelectAggregateResourceConfig` for one member
//! account and region (`source = "config-aggregator"`). When SELECT answers nothing for a
//! type Config has discovered resources of, the items come from `ListDiscoveredResources` +
//! `BatchGetResourceConfig` instead (their aggregate forms for an aggregator): SELECT's index
//! can miss what the resource listing has (Cloud Custodian's workaround,
//! cloud-custodian/cloud-custodian#5802).
//! The aggregator itself, and its sources' health, are [`super::config_aggregator`]'s.

use aws_sdk_config::types::{
    AggregateResourceIdentifier, BaseConfigurationItem, ResourceFilters, ResourceKey, ResourceType,
};
use aws_smithy_types::date_time::Format;
use serde_json::{json, Value};

pub use super::config_aggregator::Aggregate;
use super::err_text;

/// The columns every SELECT asks for.
const FIELDS: &str = "resourceId, resourceName, resourceType, arn, accountId, awsRegion, \
    configuration, supplementaryConfiguration, tags, configurationItemCaptureTime, \
    configurationItemStatus";

/// Keys a batch read takes at once (the API's limit).
const BATCH: usize = 100;

/// Where one account's items of one region are read.
pub enum Items<'a> {
    /// The account's own Config, through its own credentials.
    Own(&'a aws_sdk_config::Client),
    /// An aggregator, through the hub's credentials.
    Aggregate {
        agg: &'a Aggregate,
        account: &'a str,
        region: &'a str,
    },
}

impl Items<'_> {
    /// Every current item of type `t`, as JSON in the shape SELECT gives.
    pub async fn read(&self, t: &str) -> Result<Vec<Value>, String> {
        let selected = self.select(t).await?;
        if !selected.is_empty() {
            return Ok(selected);
        }
        let ids = self.discovered(t).await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        tracing::debug!(target: "collect", resource_type = t, resources = ids.len(),
            "SELECT found no items of a type Config lists resources of; reading them in batches");
        let mut out = Vec::new();
        for chunk in ids.chunks(BATCH) {
            out.extend(self.batch(t, chunk).await?);
        }
        Ok(out)
    }

    async fn select(&self, t: &str) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let (results, next) = match self {
                Items::Own(client) => {
                    let expression = format!("SELECT {FIELDS} WHERE resourceType = '{t}'");
                    let page = client
                        .select_resource_config()
                        .expression(expression)
                        .limit(100)
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| {
                            format!("config:SelectResourceConfig {t}: {}", err_text(&e))
                        })?;
                    (page.results, page.next_token)
                }
                Items::Aggregate {
                    agg,
                    account,
                    region,
                } => {
                    let expression = format!(
                        "SELECT {FIELDS} WHERE resourceType = '{t}' AND accountId = '{account}' AND awsRegion = '{}'",
                        item_region(t, region)
                    );
                    let page = agg
                        .client
                        .select_aggregate_resource_config()
                        .configuration_aggregator_name(&agg.name)
                        .expression(expression)
                        .limit(100)
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| {
                            format!(
                                "config:SelectAggregateResourceConfig {t} (aggregator {}): {}",
                                agg.name,
                                err_text(&e)
                            )
                        })?;
                    (page.results, page.next_token)
                }
            };
            for r in results.unwrap_or_default() {
                out.push(
                    serde_json::from_str(&r)
                        .map_err(|e| format!("config: a SELECT result of {t} is not JSON: {e}"))?,
                );
            }
            match next {
                Some(n) if !n.is_empty() => token = Some(n),
                _ => return Ok(out),
            }
        }
    }

    /// The resources of type `t` Config lists (deleted ones left out): their ids and the
    /// region an aggregator files them under.
    async fn discovered(&self, t: &str) -> Result<Vec<(String, String)>, String> {
        let mut out = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let next = match self {
                Items::Own(client) => {
                    let page = client
                        .list_discovered_resources()
                        .resource_type(ResourceType::from(t))
                        .limit(100)
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| {
                            format!("config:ListDiscoveredResources {t}: {}", err_text(&e))
                        })?;
                    out.extend(
                        page.resource_identifiers()
                            .iter()
                            .filter_map(|r| Some((r.resource_id()?.to_string(), String::new()))),
                    );
                    page.next_token
                }
                Items::Aggregate {
                    agg,
                    account,
                    region,
                } => {
                    let page = agg
                        .client
                        .list_aggregate_discovered_resources()
                        .configuration_aggregator_name(&agg.name)
                        .resource_type(ResourceType::from(t))
                        .filters(
                            ResourceFilters::builder()
                                .account_id(*account)
                                .region(item_region(t, region))
                                .build(),
                        )
                        .limit(100)
                        .set_next_token(token.clone())
                        .send()
                        .await
                        .map_err(|e| {
                            format!(
                                "config:ListAggregateDiscoveredResources {t} (aggregator {}): {}",
                                agg.name,
                                err_text(&e)
                            )
                        })?;
                    out.extend(
                        page.resource_identifiers()
                            .iter()
                            .filter(|r| r.source_account_id() == *account)
                            .map(|r| (r.resource_id().to_string(), r.source_region().to_string())),
                    );
                    page.next_token
                }
            };
            match next {
                Some(n) if !n.is_empty() => token = Some(n),
                _ => return Ok(out),
            }
        }
    }

    /// The items of up to [`BATCH`] resources; keys the service leaves unprocessed are
    /// asked once more, and any still left fail the read.
    async fn batch(&self, t: &str, ids: &[(String, String)]) -> Result<Vec<Value>, String> {
        let mut out = Vec::new();
        let mut pending: Vec<(String, String)> = ids.to_vec();
        for _ in 0..2 {
            if pending.is_empty() {
                break;
            }
            let (items, left) = match self {
                Items::Own(client) => {
                    let keys = pending
                        .iter()
                        .map(|(id, _)| {
                            ResourceKey::builder()
                                .resource_type(ResourceType::from(t))
                                .resource_id(id)
                                .build()
                                .map_err(|e| e.to_string())
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    let got = client
                        .batch_get_resource_config()
                        .set_resource_keys(Some(keys))
                        .send()
                        .await
                        .map_err(|e| {
                            format!("config:BatchGetResourceConfig {t}: {}", err_text(&e))
                        })?;
                    let left = got
                        .unprocessed_resource_keys()
                        .iter()
                        .map(|k| (k.resource_id().to_string(), String::new()))
                        .collect::<Vec<_>>();
                    (got.base_configuration_items, left)
                }
                Items::Aggregate {
                    agg,
                    account,
                    region: _,
                } => {
                    let keys = pending
                        .iter()
                        .map(|(id, filed)| {
                            AggregateResourceIdentifier::builder()
                                .source_account_id(*account)
                                .source_region(filed)
                                .resource_type(ResourceType::from(t))
                                .resource_id(id)
                                .build()
                                .map_err(|e| e.to_string())
                        })
                        .collect::<Result<Vec<_>, _>>()?;
                    let got = agg
                        .client
                        .batch_get_aggregate_resource_config()
                        .configuration_aggregator_name(&agg.name)
                        .set_resource_identifiers(Some(keys))
                        .send()
                        .await
                        .map_err(|e| {
                            format!(
                                "config:BatchGetAggregateResourceConfig {t} (aggregator {}): {}",
                                agg.name,
                                err_text(&e)
                            )
                        })?;
                    let left = got
                        .unprocessed_resource_identifiers()
                        .iter()
                        .map(|k| (k.resource_id().to_string(), k.source_region().to_string()))
                        .collect::<Vec<_>>();
                    (got.base_configuration_items, left)
                }
            };
            out.extend(items.unwrap_or_default().iter().map(base_item));
            pending = left;
        }
        if !pending.is_empty() {
            return Err(format!(
                "config: the items of {} {t} resource(s) were left unprocessed twice ({}{})",
                pending.len(),
                pending
                    .iter()
                    .take(3)
                    .map(|(id, _)| id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                if pending.len() > 3 { ", ..." } else { "" }
            ));
        }
        Ok(out)
    }
}

/// The region an aggregator files a type's items under: `global` for IAM's.
fn item_region<'r>(t: &str, region: &'r str) -> &'r str {
    if crate::model::resource::is_global_type(t) {
        "global"
    } else {
        region
    }
}

/// A batch read's item in the shape SELECT gives (its `configuration` a JSON string; tags
/// only inside it, where the type records them).
fn base_item(b: &BaseConfigurationItem) -> Value {
    json!({
        "accountId": b.account_id(),
        "arn": b.arn(),
        "resourceType": b.resource_type().map(|t| t.as_str()),
        "resourceId": b.resource_id(),
        "resourceName": b.resource_name(),
        "awsRegion": b.aws_region(),
        "configurationItemStatus": b.configuration_item_status().map(|s| s.as_str()),
        "configurationItemCaptureTime": b
            .configuration_item_capture_time()
            .and_then(|t| t.fmt(Format::DateTime).ok()),
        "configuration": b.configuration(),
        "supplementaryConfiguration": b.supplementary_configuration(),
    })
}
