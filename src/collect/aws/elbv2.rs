//! Elastic Load Balancing v2: load balancers (DescribeLoadBalancers) with their attributes,
//! listeners, tags, and the WAFv2 web ACL of each application load balancer.

use std::collections::BTreeMap;

use aws_sdk_elasticloadbalancingv2::types::{Listener, LoadBalancer, LoadBalancerTypeEnum};
use aws_sdk_elasticloadbalancingv2::Client;

use super::{err_code, err_text, gathered, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::elbv2 as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::ElasticLoadBalancingV2::LoadBalancer";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_elasticloadbalancingv2, ctx, region);
    let waf = super::client!(aws_sdk_wafv2, ctx, region);
    let lbs = match client
        .describe_load_balancers()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(l) => l,
        Err(e) => {
            return vec![ScopeResult::failed(
                scope,
                format!(
                    "elasticloadbalancing:DescribeLoadBalancers: {}",
                    err_text(&e)
                ),
            )]
        }
    };
    // Tags come 20 load balancers at a time.
    let mut tags: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let arns: Vec<String> = lbs
        .iter()
        .filter_map(|l| l.load_balancer_arn().map(str::to_string))
        .collect();
    for chunk in arns.chunks(20) {
        match client
            .describe_tags()
            .set_resource_arns(Some(chunk.to_vec()))
            .send()
            .await
        {
            Ok(o) => {
                for d in o.tag_descriptions() {
                    tags.insert(
                        d.resource_arn().unwrap_or_default().to_string(),
                        tag_map(d.tags().iter().map(|t| (t.key(), t.value()))),
                    );
                }
            }
            Err(e) => {
                return vec![ScopeResult::failed(
                    scope,
                    format!("elasticloadbalancing:DescribeTags: {}", err_text(&e)),
                )]
            }
        }
    }
    let reads = lbs
        .iter()
        .map(|l| {
            let t = tags
                .get(l.load_balancer_arn().unwrap_or_default())
                .cloned()
                .unwrap_or_default();
            load_balancer(ctx, &client, &waf, region, l, t)
        })
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

pub(super) async fn load_balancer(
    ctx: &Ctx,
    client: &Client,
    waf: &aws_sdk_wafv2::Client,
    region: &str,
    lb: &LoadBalancer,
    tags: BTreeMap<String, String>,
) -> Result<Option<Resource>, String> {
    let arn = lb.load_balancer_arn().unwrap_or_default();
    let name = lb.load_balancer_name().unwrap_or_default();
    let application = lb.r#type() == Some(&LoadBalancerTypeEnum::Application);
    let (attributes, listeners, acl) = tokio::join!(
        client
            .describe_load_balancer_attributes()
            .load_balancer_arn(arn)
            .send(),
        client
            .describe_listeners()
            .load_balancer_arn(arn)
            .into_paginator()
            .items()
            .send()
            .try_collect(),
        async {
            if !application {
                return Ok(None);
            }
            match waf
                .get_web_acl_for_resource()
                .resource_arn(arn)
                .send()
                .await
            {
                Ok(o) => Ok(o.web_acl().map(|a| a.arn().to_string())),
                Err(e) if err_code(&e).as_deref() == Some("WAFNonexistentItemException") => {
                    Ok(None)
                }
                Err(e) => Err(format!(
                    "wafv2:GetWebACLForResource {name}: {}",
                    err_text(&e)
                )),
            }
        }
    );
    let attributes = attributes
        .map_err(|e| {
            format!(
                "elasticloadbalancing:DescribeLoadBalancerAttributes {name}: {}",
                err_text(&e)
            )
        })?
        .attributes()
        .iter()
        .filter_map(|a| {
            Some((
                a.key()?.to_string(),
                a.value().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    let listeners = listeners.map_err(|e| {
        format!(
            "elasticloadbalancing:DescribeListeners {name}: {}",
            err_text(&e)
        )
    })?;
    Ok(Some(normalize(
        &ctx.at(region),
        lb,
        attributes,
        &listeners,
        acl?,
        tags,
    )))
}

pub fn normalize(
    at: &Place,
    lb: &LoadBalancer,
    attributes: BTreeMap<String, String>,
    listeners: &[Listener],
    web_acl_arn: Option<String>,
    tags: BTreeMap<String, String>,
) -> Resource {
    doc::LoadBalancer {
        load_balancer_name: lb.load_balancer_name().unwrap_or_default().into(),
        load_balancer_arn: lb.load_balancer_arn().map(Into::into),
        kind: lb.r#type().map(|t| t.as_str().into()),
        scheme: lb.scheme().map(|s| s.as_str().into()),
        dns_name: lb.dns_name().map(Into::into),
        vpc_id: lb.vpc_id().map(Into::into),
        security_groups: lb.security_groups().to_vec(),
        attributes,
        listeners: listeners
            .iter()
            .map(|l| doc::Listener {
                listener_arn: l.listener_arn().map(Into::into),
                port: l.port(),
                protocol: l.protocol().map(|p| p.as_str().into()),
                ssl_policy: l.ssl_policy().map(Into::into),
                certificates: l
                    .certificates()
                    .iter()
                    .map(|c| doc::Certificate {
                        certificate_arn: c.certificate_arn().map(Into::into),
                    })
                    .collect(),
                default_actions: l
                    .default_actions()
                    .iter()
                    .map(|a| doc::Action {
                        kind: a.r#type().map(|t| t.as_str().into()),
                        redirect_config: a.redirect_config().map(|r| doc::Redirect {
                            protocol: r.protocol().map(Into::into),
                            port: r.port().map(Into::into),
                            status_code: r.status_code().map(|s| s.as_str().into()),
                        }),
                    })
                    .collect(),
            })
            .collect(),
        web_acl_arn,
    }
    .resource(at, tags)
}
