//! ECS: clusters (DescribeClusters), the latest active revision of each task definition
//! family (DescribeTaskDefinition by family), and each cluster's services
//! (DescribeServices). Environment values are redacted later, with every document.

use aws_sdk_ecs::types::{
    ClusterField, ContainerDefinition, ServiceField, TaskDefinitionFamilyStatus,
    TaskDefinitionField,
};
use aws_sdk_ecs::Client;

use super::{err_text, gathered, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::ecs as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const CLUSTER: &str = "AWS::ECS::Cluster";
const TASK_DEFINITION: &str = "AWS::ECS::TaskDefinition";
const SERVICE: &str = "AWS::ECS::Service";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let client = super::client!(aws_sdk_ecs, ctx, region);
    let (clusters, tasks) = futures::join!(
        clusters_and_services(ctx, &client, region),
        task_definitions(ctx, &client, region)
    );
    let mut out = clusters;
    out.push(tasks);
    out
}

async fn clusters_and_services(ctx: &Ctx, client: &Client, region: &str) -> Vec<ScopeResult> {
    let (cs, ss) = (ctx.scope(region, CLUSTER), ctx.scope(region, SERVICE));
    let arns = match client
        .list_clusters()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(a) => a,
        Err(e) => {
            let why = format!("ecs:ListClusters: {}", err_text(&e));
            return vec![
                ScopeResult::failed(cs, why.clone()),
                ScopeResult::failed(ss, why),
            ];
        }
    };
    let at = ctx.at(region);
    let mut clusters = Vec::new();
    let mut errors = Vec::new();
    for chunk in arns.chunks(100) {
        match client
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .include(ClusterField::Tags)
            .include(ClusterField::Settings)
            .send()
            .await
        {
            Ok(o) => clusters.extend(o.clusters().iter().map(|c| cluster(&at, c))),
            Err(e) => errors.push(format!("ecs:DescribeClusters: {}", err_text(&e))),
        }
    }
    let reads = arns
        .iter()
        .map(|a| services(ctx, client, region, a))
        .collect();
    let mut services = Vec::new();
    let mut service_errors = errors.clone();
    for r in ctx.each(reads).await {
        match r {
            Ok(s) => services.extend(s),
            Err(e) => service_errors.push(e),
        }
    }
    vec![
        ScopeResult::with_errors(cs, clusters, errors),
        ScopeResult::with_errors(ss, services, service_errors),
    ]
}

fn cluster(at: &Place, c: &aws_sdk_ecs::types::Cluster) -> Resource {
    let tags = tag_map(c.tags().iter().map(|t| (t.key(), t.value())));
    doc::Cluster {
        cluster_name: c.cluster_name().unwrap_or_default().into(),
        cluster_arn: c.cluster_arn().map(Into::into),
        status: c.status().map(Into::into),
        settings: c
            .settings()
            .iter()
            .map(|s| doc::Setting {
                name: s.name().map(|n| n.as_str().into()),
                value: s.value().map(Into::into),
            })
            .collect(),
    }
    .resource(at, tags)
}

async fn services(
    ctx: &Ctx,
    client: &Client,
    region: &str,
    cluster: &str,
) -> Result<Vec<Resource>, String> {
    let arns = client
        .list_services()
        .cluster(cluster)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
        .map_err(|e| format!("ecs:ListServices {cluster}: {}", err_text(&e)))?;
    let at = ctx.at(region);
    let mut out = Vec::new();
    for chunk in arns.chunks(10) {
        let o = client
            .describe_services()
            .cluster(cluster)
            .set_services(Some(chunk.to_vec()))
            .include(ServiceField::Tags)
            .send()
            .await
            .map_err(|e| format!("ecs:DescribeServices {cluster}: {}", err_text(&e)))?;
        out.extend(o.services().iter().map(|s| service(&at, s)));
    }
    Ok(out)
}

fn service(at: &Place, s: &aws_sdk_ecs::types::Service) -> Resource {
    let tags = tag_map(s.tags().iter().map(|t| (t.key(), t.value())));
    let vpc = s
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration());
    doc::Service {
        service_name: s.service_name().unwrap_or_default().into(),
        service_arn: s.service_arn().map(Into::into),
        cluster_arn: s.cluster_arn().map(Into::into),
        status: s.status().map(Into::into),
        launch_type: s.launch_type().map(|l| l.as_str().into()),
        platform_version: s.platform_version().map(Into::into),
        task_definition: s.task_definition().map(Into::into),
        desired_count: s.desired_count(),
        network_configuration: s
            .network_configuration()
            .map(|_| doc::NetworkConfiguration {
                awsvpc_configuration: vpc.map(|v| doc::AwsVpcConfiguration {
                    assign_public_ip: v.assign_public_ip().map(|a| a.as_str().into()),
                    subnets: v.subnets().to_vec(),
                    security_groups: v.security_groups().to_vec(),
                }),
            }),
        enable_execute_command: s.enable_execute_command(),
    }
    .resource(at, tags)
}

async fn task_definitions(ctx: &Ctx, client: &Client, region: &str) -> ScopeResult {
    let scope = ctx.scope(region, TASK_DEFINITION);
    let families = match client
        .list_task_definition_families()
        .status(TaskDefinitionFamilyStatus::Active)
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(f) => f,
        Err(e) => {
            return ScopeResult::failed(
                scope,
                format!("ecs:ListTaskDefinitionFamilies: {}", err_text(&e)),
            )
        }
    };
    let reads = families
        .iter()
        .map(|f| async move {
            let o = client
                .describe_task_definition()
                .task_definition(f)
                .include(TaskDefinitionField::Tags)
                .send()
                .await
                .map_err(|e| format!("ecs:DescribeTaskDefinition {f}: {}", err_text(&e)))?;
            let tags = tag_map(o.tags().iter().map(|t| (t.key(), t.value())));
            Ok(o.task_definition()
                .map(|t| task_definition(&ctx.at(region), t, tags)))
        })
        .collect();
    gathered(scope, ctx.each(reads).await)
}

pub fn task_definition(
    at: &Place,
    t: &aws_sdk_ecs::types::TaskDefinition,
    tags: std::collections::BTreeMap<String, String>,
) -> Resource {
    doc::TaskDefinition {
        family: t.family().unwrap_or_default().into(),
        task_definition_arn: t.task_definition_arn().map(Into::into),
        revision: Some(t.revision()),
        status: t.status().map(|s| s.as_str().into()),
        network_mode: t.network_mode().map(|m| m.as_str().into()),
        requires_compatibilities: t
            .requires_compatibilities()
            .iter()
            .map(|c| c.as_str().to_string())
            .collect(),
        task_role_arn: t.task_role_arn().map(Into::into),
        execution_role_arn: t.execution_role_arn().map(Into::into),
        pid_mode: t.pid_mode().map(|m| m.as_str().into()),
        ipc_mode: t.ipc_mode().map(|m| m.as_str().into()),
        container_definitions: t.container_definitions().iter().map(container).collect(),
    }
    .resource(at, tags)
}

fn container(c: &ContainerDefinition) -> doc::ContainerDefinition {
    doc::ContainerDefinition {
        name: c.name().unwrap_or_default().into(),
        image: c.image().map(Into::into),
        essential: c.essential(),
        privileged: c.privileged(),
        readonly_root_filesystem: c.readonly_root_filesystem(),
        user: c.user().map(Into::into),
        log_configuration: c.log_configuration().map(|l| doc::LogConfiguration {
            log_driver: Some(l.log_driver().as_str().into()),
            options: l
                .options()
                .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default(),
        }),
        environment: c
            .environment()
            .iter()
            .map(|e| doc::KeyValue {
                name: e.name().map(Into::into),
                value: e.value().map(Into::into),
            })
            .collect(),
        secrets: c
            .secrets()
            .iter()
            .map(|s| doc::SecretRef {
                name: Some(s.name().into()),
                value_from: Some(s.value_from().into()),
            })
            .collect(),
    }
}
