//! SNS topics and SQS queues: each one's attributes (encryption, policy) and tags.

use super::{err_text, gathered, listed, policy_doc, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::messaging as doc;
use crate::model::aws::Document;
use crate::model::Resource;

const TOPIC: &str = "AWS::SNS::Topic";
const QUEUE: &str = "AWS::SQS::Queue";

pub async fn sns(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TOPIC);
    let client = super::client!(aws_sdk_sns, ctx, region);
    let topics = match listed(
        &scope,
        "sns:ListTopics",
        client
            .list_topics()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = topics
        .iter()
        .filter_map(|t| t.topic_arn())
        .map(|arn| topic(ctx, &client, region, arn))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

/// One topic's attributes and tags.
pub(super) async fn topic(
    ctx: &Ctx,
    client: &aws_sdk_sns::Client,
    region: &str,
    arn: &str,
) -> Result<Option<Resource>, String> {
    let (attrs, tags) = tokio::join!(
        client.get_topic_attributes().topic_arn(arn).send(),
        client.list_tags_for_resource().resource_arn(arn).send(),
    );
    let attrs = attrs.map_err(|e| format!("sns:GetTopicAttributes {arn}: {}", err_text(&e)))?;
    let tags = tags.map_err(|e| format!("sns:ListTagsForResource {arn}: {}", err_text(&e)))?;
    let tags = tag_map(tags.tags().iter().map(|t| (Some(t.key()), Some(t.value()))));
    let a = attrs.attributes();
    let get = |k: &str| a.and_then(|a| a.get(k)).cloned();
    Ok(Some(
        doc::Topic {
            topic_arn: arn.to_string(),
            kms_master_key_id: get("KmsMasterKeyId"),
            policy: get("Policy").map(|p| policy_doc(&p)),
            fifo_topic: get("FifoTopic").as_deref() == Some("true"),
        }
        .resource(&ctx.at(region), tags),
    ))
}

pub async fn sqs(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, QUEUE);
    let client = super::client!(aws_sdk_sqs, ctx, region);
    let urls = match listed(
        &scope,
        "sqs:ListQueues",
        client
            .list_queues()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = urls
        .iter()
        .map(|url| queue_read(ctx, &client, region, url))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

/// One queue's attributes and tags.
pub(super) async fn queue_read(
    ctx: &Ctx,
    client: &aws_sdk_sqs::Client,
    region: &str,
    url: &str,
) -> Result<Option<Resource>, String> {
    use aws_sdk_sqs::types::QueueAttributeName as Name;
    let (attrs, tags) = tokio::join!(
        client
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(Name::QueueArn)
            .attribute_names(Name::KmsMasterKeyId)
            .attribute_names(Name::SqsManagedSseEnabled)
            .attribute_names(Name::Policy)
            .attribute_names(Name::FifoQueue)
            .send(),
        client.list_queue_tags().queue_url(url).send(),
    );
    let attrs = attrs.map_err(|e| format!("sqs:GetQueueAttributes {url}: {}", err_text(&e)))?;
    let tags = tags
        .map_err(|e| format!("sqs:ListQueueTags {url}: {}", err_text(&e)))?
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let a = attrs.attributes();
    let get = |k: Name| a.and_then(|a| a.get(&k)).cloned();
    Ok(Some(
        doc::Queue {
            queue_url: url.to_string(),
            queue_arn: get(Name::QueueArn),
            kms_master_key_id: get(Name::KmsMasterKeyId),
            sqs_managed_sse_enabled: get(Name::SqsManagedSseEnabled).as_deref() == Some("true"),
            policy: get(Name::Policy).map(|p| policy_doc(&p)),
            fifo_queue: get(Name::FifoQueue).as_deref() == Some("true"),
        }
        .resource(&ctx.at(region), tags),
    ))
}
