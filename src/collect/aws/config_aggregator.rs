//! An AWS Config aggregator as the hub sees it (`source = "config-aggregator"`): connected
//! once per scan with the hub's credentials, its sources' status read then
//! (`DescribeConfigurationAggregatorSourcesStatus`). A member account and region whose
//! source did not last succeed is not read from it ([`Aggregate::unhealthy`]); the items
//! themselves are read in [`super::config_query`].

use aws_sdk_config::types::{AggregatedSourceStatusType, AggregatedSourceType};
use aws_smithy_types::date_time::Format;

use super::{err_text, AwsOptions};

/// An aggregator and the status of its sources, as the hub sees them.
#[derive(Debug)]
pub struct Aggregate {
    pub name: String,
    pub(super) client: aws_sdk_config::Client,
    sources: Vec<SourceStatus>,
}

#[derive(Debug, Clone)]
struct SourceStatus {
    /// An account id, or an organization's id.
    id: String,
    organization: bool,
    region: String,
    status: Option<AggregatedSourceStatusType>,
    updated: Option<String>,
    error: String,
}

impl Aggregate {
    /// Connects to aggregator `name` with the hub's credentials (`hub`'s profile and
    /// endpoint; its region unless `region` names the aggregator's) and reads its sources'
    /// status.
    pub async fn connect(
        hub: &AwsOptions,
        name: &str,
        region: Option<&str>,
    ) -> Result<Aggregate, String> {
        let sdk = super::load(hub).await;
        let mut conf = aws_sdk_config::config::Builder::from(&sdk)
            .interceptor(super::CountCalls(hub.stats.clone()));
        if let Some(r) = region {
            conf = conf.region(aws_config::Region::new(r.to_string()));
        }
        let client = aws_sdk_config::Client::from_conf(conf.build());
        let mut sources = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let page = client
                .describe_configuration_aggregator_sources_status()
                .configuration_aggregator_name(name)
                .set_next_token(token.clone())
                .send()
                .await
                .map_err(|e| {
                    format!(
                        "config:DescribeConfigurationAggregatorSourcesStatus (aggregator {name}): {}",
                        err_text(&e)
                    )
                })?;
            for s in page.aggregated_source_status_list() {
                sources.push(SourceStatus {
                    id: s.source_id().unwrap_or_default().to_string(),
                    organization: s.source_type() == Some(&AggregatedSourceType::Organization),
                    region: s.aws_region().unwrap_or_default().to_string(),
                    status: s.last_update_status().cloned(),
                    updated: s
                        .last_update_time()
                        .and_then(|t| t.fmt(Format::DateTime).ok()),
                    error: [s.last_error_code(), s.last_error_message()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(": "),
                });
            }
            match page.next_token() {
                Some(n) if !n.is_empty() => token = Some(n.to_string()),
                _ => break,
            }
        }
        Ok(Aggregate {
            name: name.to_string(),
            client,
            sources,
        })
    }

    /// Why `account`'s items in `region` cannot be read from the aggregator: it has no
    /// source there, or that source did not last succeed. An account's own source speaks
    /// for it; otherwise the organization's.
    pub fn unhealthy(&self, account: &str, region: &str) -> Option<String> {
        let here = |s: &&SourceStatus| s.region == region;
        let source = self
            .sources
            .iter()
            .filter(here)
            .find(|s| s.id == account)
            .or_else(|| self.sources.iter().filter(here).find(|s| s.organization));
        let Some(s) = source else {
            return Some(format!(
                "the AWS Config aggregator {} has no source for account {account} in {region}",
                self.name
            ));
        };
        if s.status == Some(AggregatedSourceStatusType::Succeeded) {
            return None;
        }
        Some(format!(
            "the AWS Config aggregator {}'s source {} in {region} last updated {}{}{}",
            self.name,
            s.id,
            s.status.as_ref().map_or("with no status", |st| st.as_str()),
            s.updated
                .as_deref()
                .map(|u| format!(" at {u}"))
                .unwrap_or_default(),
            if s.error.is_empty() {
                String::new()
            } else {
                format!(" ({})", s.error)
            }
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agg(sources: Vec<SourceStatus>) -> Aggregate {
        let conf = aws_sdk_config::Config::builder()
            .behavior_version(aws_config::BehaviorVersion::latest())
            .build();
        Aggregate {
            name: "org".into(),
            client: aws_sdk_config::Client::from_conf(conf),
            sources,
        }
    }

    fn source(id: &str, org: bool, region: &str, status: &str) -> SourceStatus {
        SourceStatus {
            id: id.into(),
            organization: org,
            region: region.into(),
            status: Some(AggregatedSourceStatusType::from(status)),
            updated: Some("2026-12-07T09:00:00Z".into()),
            error: if status == "SUCCEEDED" {
                String::new()
            } else {
                "AccessDeniedException: not authorized".into()
            },
        }
    }

    #[test]
    fn an_account_region_is_read_only_where_its_source_last_succeeded() {
        let a = agg(vec![
            source("111111111111", false, "us-east-1", "SUCCEEDED"),
            source("111111111111", false, "eu-west-1", "FAILED"),
            source("o-abc", true, "us-east-1", "OUTDATED"),
            source("o-abc", true, "ap-south-1", "SUCCEEDED"),
        ]);
        assert_eq!(a.unhealthy("111111111111", "us-east-1"), None);
        let failed = a.unhealthy("111111111111", "eu-west-1").unwrap();
        assert!(
            failed.contains("FAILED at 2026-12-07T09:00:00Z (AccessDeniedException"),
            "{failed}"
        );
        // Without its own source, the organization's speaks for the account.
        assert!(a
            .unhealthy("222222222222", "us-east-1")
            .unwrap()
            .contains("source o-abc in us-east-1 last updated OUTDATED"));
        assert_eq!(a.unhealthy("222222222222", "ap-south-1"), None);
        assert!(a
            .unhealthy("222222222222", "sa-east-1")
            .unwrap()
            .contains("has no source for account 222222222222 in sa-east-1"));
    }
}
