//! WAFv2: web ACLs (ListWebACLs, GetWebACL) with their logging configuration and tags;
//! regional ones in every region, CloudFront's in us-east-1 (where that scope lives).

use aws_sdk_wafv2::types::{Scope, WebAclSummary};
use aws_sdk_wafv2::Client;

use super::{err_code, err_text, gathered, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::wafv2 as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::WAFv2::WebACL";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_wafv2, ctx, region);
    let mut scopes = vec![Scope::Regional];
    if region == "us-east-1" {
        scopes.push(Scope::Cloudfront);
    }
    let mut listed = Vec::new();
    for s in scopes {
        let mut marker: Option<String> = None;
        loop {
            match client
                .list_web_acls()
                .scope(s.clone())
                .set_next_marker(marker.clone())
                .limit(100)
                .send()
                .await
            {
                Ok(o) => {
                    listed.extend(o.web_acls().iter().map(|a| (s.clone(), a.clone())));
                    marker = o.next_marker().filter(|m| !m.is_empty()).map(Into::into);
                    if marker.is_none() || o.web_acls().is_empty() {
                        break;
                    }
                }
                Err(e) => {
                    return vec![ScopeResult::failed(
                        scope,
                        format!("wafv2:ListWebACLs ({}): {}", s.as_str(), err_text(&e)),
                    )]
                }
            }
        }
    }
    let reads = listed
        .iter()
        .map(|(s, a)| web_acl(ctx, &client, region, s, a))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

async fn web_acl(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    scope: &Scope,
    a: &WebAclSummary,
) -> Result<Option<Resource>, String> {
    let (name, id, arn) = (
        a.name().unwrap_or_default(),
        a.id().unwrap_or_default(),
        a.arn().unwrap_or_default(),
    );
    let (acl, logging, tags) = tokio::join!(
        client
            .get_web_acl()
            .name(name)
            .id(id)
            .scope(scope.clone())
            .send(),
        client.get_logging_configuration().resource_arn(arn).send(),
        client.list_tags_for_resource().resource_arn(arn).send(),
    );
    let acl = acl.map_err(|e| format!("wafv2:GetWebACL {name}: {}", err_text(&e)))?;
    let Some(acl) = acl.web_acl() else {
        return Ok(None);
    };
    let destinations = match logging {
        Ok(l) => l
            .logging_configuration()
            .map(|c| c.log_destination_configs().to_vec())
            .unwrap_or_default(),
        Err(e) if err_code(&e).as_deref() == Some("WAFNonexistentItemException") => Vec::new(),
        Err(e) => {
            return Err(format!(
                "wafv2:GetLoggingConfiguration {name}: {}",
                err_text(&e)
            ))
        }
    };
    let tags = tags.map_err(|e| format!("wafv2:ListTagsForResource {name}: {}", err_text(&e)))?;
    let tags = tag_map(
        tags.tag_info_for_resource()
            .map(|i| i.tag_list())
            .unwrap_or_default()
            .iter()
            .map(|t| (Some(t.key()), Some(t.value()))),
    );
    Ok(Some(normalize(
        &ctx.at(region),
        acl,
        scope.as_str(),
        destinations,
        tags,
    )))
}

pub fn normalize(
    at: &Place,
    acl: &aws_sdk_wafv2::types::WebAcl,
    scope: &str,
    log_destination_configs: Vec<String>,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    let default_action = acl.default_action().and_then(|d| {
        if d.block().is_some() {
            Some("BLOCK".to_string())
        } else if d.allow().is_some() {
            Some("ALLOW".to_string())
        } else {
            None
        }
    });
    doc::WebAcl {
        name: acl.name().to_string(),
        id: Some(acl.id().to_string()),
        arn: Some(acl.arn().to_string()),
        scope: Some(scope.to_string()),
        default_action,
        rules: acl
            .rules()
            .iter()
            .map(|r| doc::Rule {
                name: Some(r.name().to_string()),
                priority: Some(r.priority()),
            })
            .collect(),
        visibility_config: acl.visibility_config().map(|v| doc::Visibility {
            cloud_watch_metrics_enabled: v.cloud_watch_metrics_enabled(),
            sampled_requests_enabled: v.sampled_requests_enabled(),
        }),
        log_destination_configs,
    }
    .resource(at, tags)
}
