//! The single-setting actions of the services beyond the first eight: ECR scan on push, a
//! log group's retention, an application load balancer's header handling, SQS and SNS
//! encryption at rest.

use serde_json::{json, Value};

use super::aws::Remediator;
use crate::collect::aws::{client, err_text};
use crate::model::plan::Call;

impl Remediator {
    pub(super) async fn services_call(&self, c: &Call, region: &str) -> Result<Value, String> {
        let ctx = &self.ctx;
        let fail = |e: String| format!("{}: {e}", c.api);
        let text = |k: &str| {
            c.params
                .get(k)
                .and_then(Value::as_str)
                .map(str::to_string)
                .ok_or_else(|| format!("{}: no {k}", c.api))
        };
        match c.api.as_str() {
            "ecr:PutImageScanningConfiguration" => {
                let on = c.params["imageScanningConfiguration"]["scanOnPush"] == true;
                let ecr = client!(aws_sdk_ecr, ctx, region);
                let scanning = aws_sdk_ecr::types::ImageScanningConfiguration::builder()
                    .scan_on_push(on)
                    .build();
                ecr.put_image_scanning_configuration()
                    .repository_name(text("repositoryName")?)
                    .image_scanning_configuration(scanning)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
            }
            "cloudwatchlogs:PutRetentionPolicy" => {
                let days = c.params["retentionInDays"]
                    .as_i64()
                    .and_then(|d| i32::try_from(d).ok())
                    .ok_or_else(|| fail("no retentionInDays".into()))?;
                let logs = client!(aws_sdk_cloudwatchlogs, ctx, region);
                logs.put_retention_policy()
                    .log_group_name(text("logGroupName")?)
                    .retention_in_days(days)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
            }
            "cloudwatchlogs:DeleteRetentionPolicy" => {
                let logs = client!(aws_sdk_cloudwatchlogs, ctx, region);
                logs.delete_retention_policy()
                    .log_group_name(text("logGroupName")?)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
            }
            "elasticloadbalancingv2:ModifyLoadBalancerAttributes" => {
                use aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute;
                let attributes = c.params["Attributes"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|a| {
                        LoadBalancerAttribute::builder()
                            .set_key(a["Key"].as_str().map(str::to_string))
                            .set_value(a["Value"].as_str().map(str::to_string))
                            .build()
                    })
                    .collect();
                let elb = client!(aws_sdk_elasticloadbalancingv2, ctx, region);
                elb.modify_load_balancer_attributes()
                    .load_balancer_arn(text("LoadBalancerArn")?)
                    .set_attributes(Some(attributes))
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
            }
            "sqs:SetQueueAttributes" => {
                use aws_sdk_sqs::types::QueueAttributeName;
                let sqs = client!(aws_sdk_sqs, ctx, region);
                let mut set = sqs.set_queue_attributes().queue_url(text("QueueUrl")?);
                for (k, v) in c.params["Attributes"].as_object().into_iter().flatten() {
                    set = set.attributes(
                        QueueAttributeName::from(k.as_str()),
                        v.as_str().unwrap_or_default(),
                    );
                }
                set.send().await.map_err(|e| fail(err_text(&e)))?;
            }
            "sns:SetTopicAttributes" => {
                let sns = client!(aws_sdk_sns, ctx, region);
                sns.set_topic_attributes()
                    .topic_arn(text("TopicArn")?)
                    .attribute_name(text("AttributeName")?)
                    .attribute_value(text("AttributeValue")?)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
            }
            other => return Err(format!("vigil does not make {other} calls")),
        }
        Ok(json!({}))
    }
}
