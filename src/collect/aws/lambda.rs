//! Lambda: functions (ListFunctions) with their tags, function URL and resource policy.

use aws_sdk_lambda::types::FunctionConfiguration;
use aws_sdk_lambda::Client;

use super::{err_code, err_text, gathered, listed, policy_doc, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::lambda as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::Lambda::Function";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_lambda, ctx, region);
    let functions = match listed(
        &scope,
        "lambda:ListFunctions",
        client
            .list_functions()
            .into_paginator()
            .items()
            .send()
            .try_collect()
            .await,
    ) {
        Ok(x) => x,
        Err(failed) => return failed,
    };
    let reads = functions
        .iter()
        .map(|f| function(ctx, &client, region, f))
        .collect();
    vec![gathered(scope, ctx.each(reads).await)]
}

/// A "not found" answer: the function has no policy or no URL.
fn absent(code: Option<String>) -> bool {
    code.as_deref() == Some("ResourceNotFoundException")
}

async fn function(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    f: &FunctionConfiguration,
) -> Result<Option<Resource>, String> {
    let name = f.function_name().unwrap_or_default();
    let arn = f.function_arn().unwrap_or(name);
    let (tags, policy, url) = tokio::join!(
        client.list_tags().resource(arn).send(),
        client.get_policy().function_name(name).send(),
        client.get_function_url_config().function_name(name).send(),
    );
    let tags = tags
        .map_err(|e| format!("lambda:ListTags {name}: {}", err_text(&e)))?
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    let policy = match policy {
        Ok(p) => p.policy().map(policy_doc),
        Err(e) if absent(err_code(&e)) => None,
        Err(e) => return Err(format!("lambda:GetPolicy {name}: {}", err_text(&e))),
    };
    let url_auth = match url {
        Ok(u) => Some(u.auth_type().as_str().to_string()),
        Err(e) if absent(err_code(&e)) => None,
        Err(e) => {
            return Err(format!(
                "lambda:GetFunctionUrlConfig {name}: {}",
                err_text(&e)
            ))
        }
    };
    Ok(Some(normalize(&ctx.at(region), f, url_auth, policy, tags)))
}

pub fn normalize(
    at: &Place,
    f: &FunctionConfiguration,
    function_url_auth_type: Option<String>,
    policy: Option<serde_json::Value>,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::Function {
        function_name: f.function_name().unwrap_or_default().into(),
        function_arn: f.function_arn().map(Into::into),
        runtime: f.runtime().map(|r| r.as_str().into()),
        package_type: f.package_type().map(|p| p.as_str().into()),
        role: f.role().map(Into::into),
        handler: f.handler().map(Into::into),
        last_modified: f.last_modified().map(Into::into),
        kms_key_arn: f.kms_key_arn().map(Into::into),
        vpc_config: f.vpc_config().map(|v| doc::VpcConfig {
            vpc_id: v.vpc_id().filter(|s| !s.is_empty()).map(Into::into),
            subnet_ids: v.subnet_ids().to_vec(),
            security_group_ids: v.security_group_ids().to_vec(),
        }),
        environment: f.environment().map(|e| doc::Environment {
            variables: e
                .variables()
                .map(|v| v.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        }),
        tracing_config: f.tracing_config().map(|t| doc::TracingConfig {
            mode: t.mode().map(|m| m.as_str().into()),
        }),
        dead_letter_config: f.dead_letter_config().map(|d| doc::DeadLetterConfig {
            target_arn: d.target_arn().map(Into::into),
        }),
        function_url_auth_type,
        policy,
    }
    .resource(at, tags)
}
