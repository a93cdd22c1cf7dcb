//! RDS: DB instances and DB clusters with their tags.

use aws_sdk_rds::types::{DbCluster, DbInstance};

use super::{err_text, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::rds as doc;
use crate::model::aws::{Document, Place};
use crate::model::Resource;

const TYPE: &str = "AWS::RDS::DBInstance";
const CLUSTER: &str = "AWS::RDS::DBCluster";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let client = super::client!(aws_sdk_rds, ctx, region);
    let (instances, clusters) = futures::join!(
        instances(ctx, &client, region),
        clusters(ctx, &client, region)
    );
    vec![instances, clusters]
}

async fn clusters(ctx: &Ctx, client: &aws_sdk_rds::Client, region: &str) -> ScopeResult {
    let scope = ctx.scope(region, CLUSTER);
    match client
        .describe_db_clusters()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(cs) => ScopeResult::ok(
            scope,
            cs.iter().map(|c| cluster(&ctx.at(region), c)).collect(),
        ),
        Err(e) => ScopeResult::failed(scope, format!("rds:DescribeDBClusters: {}", err_text(&e))),
    }
}

pub fn cluster(at: &Place, c: &DbCluster) -> Resource {
    let tags = tag_map(c.tag_list().iter().map(|t| (t.key(), t.value())));
    doc::DbCluster {
        db_cluster_identifier: c.db_cluster_identifier().unwrap_or_default().into(),
        db_cluster_arn: c.db_cluster_arn().map(Into::into),
        engine: c.engine().map(Into::into),
        engine_version: c.engine_version().map(Into::into),
        status: c.status().map(Into::into),
        storage_encrypted: c.storage_encrypted().unwrap_or(false),
        kms_key_id: c.kms_key_id().map(Into::into),
        deletion_protection: c.deletion_protection().unwrap_or(false),
        iam_database_authentication_enabled: c
            .iam_database_authentication_enabled()
            .unwrap_or(false),
        backup_retention_period: c.backup_retention_period(),
        multi_az: c.multi_az().unwrap_or(false),
        publicly_accessible: c.publicly_accessible(),
        enabled_cloudwatch_logs_exports: c.enabled_cloudwatch_logs_exports().to_vec(),
        auto_minor_version_upgrade: c.auto_minor_version_upgrade(),
        copy_tags_to_snapshot: c.copy_tags_to_snapshot().unwrap_or(false),
    }
    .resource(at, tags)
}

async fn instances(ctx: &Ctx, client: &aws_sdk_rds::Client, region: &str) -> ScopeResult {
    let scope = ctx.scope(region, TYPE);
    match client
        .describe_db_instances()
        .into_paginator()
        .items()
        .send()
        .try_collect()
        .await
    {
        Ok(dbs) => ScopeResult::ok(
            scope,
            dbs.iter().map(|d| normalize(&ctx.at(region), d)).collect(),
        ),
        Err(e) => ScopeResult::failed(scope, format!("rds:DescribeDBInstances: {}", err_text(&e))),
    }
}

pub fn normalize(at: &Place, d: &DbInstance) -> Resource {
    let tags = tag_map(d.tag_list().iter().map(|t| (t.key(), t.value())));
    doc::DbInstance {
        db_instance_identifier: d.db_instance_identifier().unwrap_or_default().into(),
        db_instance_arn: d.db_instance_arn().map(Into::into),
        db_instance_class: d.db_instance_class().map(Into::into),
        engine: d.engine().map(Into::into),
        engine_version: d.engine_version().map(Into::into),
        db_instance_status: d.db_instance_status().map(Into::into),
        storage_encrypted: d.storage_encrypted().unwrap_or(false),
        kms_key_id: d.kms_key_id().map(Into::into),
        publicly_accessible: d.publicly_accessible().unwrap_or(false),
        multi_az: d.multi_az().unwrap_or(false),
        backup_retention_period: d.backup_retention_period(),
        deletion_protection: d.deletion_protection().unwrap_or(false),
        iam_database_authentication_enabled: d
            .iam_database_authentication_enabled()
            .unwrap_or(false),
        auto_minor_version_upgrade: d.auto_minor_version_upgrade().unwrap_or(false),
        enabled_cloudwatch_logs_exports: d.enabled_cloudwatch_logs_exports().to_vec(),
        monitoring_interval: d.monitoring_interval(),
        db_cluster_identifier: d.db_cluster_identifier().map(Into::into),
    }
    .resource(at, tags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_rds::types::{DbInstance, Tag};

    #[test]
    fn db_instance_document() {
        let d = DbInstance::builder()
            .db_instance_identifier("orders")
            .db_instance_class("db.t3.micro")
            .engine("postgres")
            .db_instance_status("available")
            .storage_encrypted(false)
            .publicly_accessible(true)
            .backup_retention_period(0)
            .tag_list(Tag::builder().key("owner").value("shop").build())
            .build();
        let at = crate::model::aws::Place {
            account: "123456789012",
            region: "eu-west-1",
        };
        let r = normalize(&at, &d);
        assert_eq!(
            r.id, "arn:aws:rds:eu-west-1:123456789012:db:orders",
            "an ARN when the API gives none"
        );
        assert_eq!(r.name.as_deref(), Some("orders"));
        assert_eq!(r.tags["owner"], "shop");
        assert_eq!(
            r.config,
            serde_json::json!({"DBInstanceIdentifier": "orders",
                "DBInstanceArn": "arn:aws:rds:eu-west-1:123456789012:db:orders",
                "DBInstanceClass": "db.t3.micro", "Engine": "postgres",
                "DBInstanceStatus": "available", "StorageEncrypted": false,
                "PubliclyAccessible": true, "MultiAZ": false, "BackupRetentionPeriod": 0,
                "DeletionProtection": false, "IAMDatabaseAuthenticationEnabled": false,
                "AutoMinorVersionUpgrade": false, "EnabledCloudwatchLogsExports": []})
        );
    }
}
