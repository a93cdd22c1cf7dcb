//! RDS: DB instances with their tags.

use aws_sdk_rds::types::DbInstance;
use serde_json::json;

use super::{err_text, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::Resource;

const TYPE: &str = "AWS::RDS::DBInstance";

pub async fn collect(ctx: &Ctx, region: &str) -> Vec<ScopeResult> {
    let scope = ctx.scope(region, TYPE);
    let client = super::client!(aws_sdk_rds, ctx, region);
    match ctx
        .call(
            client
                .describe_db_instances()
                .into_paginator()
                .items()
                .send()
                .try_collect(),
        )
        .await
    {
        Ok(dbs) => vec![ScopeResult::ok(
            scope,
            dbs.iter().map(|d| normalize(ctx, region, d)).collect(),
        )],
        Err(e) => vec![ScopeResult::failed(
            scope,
            format!("rds:DescribeDBInstances: {}", err_text(&e)),
        )],
    }
}

pub fn normalize(ctx: &Ctx, region: &str, d: &DbInstance) -> Resource {
    let id = d.db_instance_identifier().unwrap_or_default();
    let arn = d
        .db_instance_arn()
        .map(str::to_string)
        .unwrap_or_else(|| format!("arn:aws:rds:{region}:{}:db:{id}", ctx.account));
    let config = json!({
        "DBInstanceIdentifier": id,
        "DBInstanceArn": arn,
        "DBInstanceClass": d.db_instance_class(),
        "Engine": d.engine(),
        "EngineVersion": d.engine_version(),
        "DBInstanceStatus": d.db_instance_status(),
        "StorageEncrypted": d.storage_encrypted().unwrap_or(false),
        "KmsKeyId": d.kms_key_id(),
        "PubliclyAccessible": d.publicly_accessible().unwrap_or(false),
        "MultiAZ": d.multi_az().unwrap_or(false),
        "BackupRetentionPeriod": d.backup_retention_period(),
    });
    let tags = tag_map(d.tag_list().iter().map(|t| (t.key(), t.value())));
    ctx.resource(arn, TYPE, region, Some(id.to_string()), tags, config)
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
        let r = normalize(&crate::collect::aws::test_ctx(), "eu-west-1", &d);
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
                "PubliclyAccessible": true, "MultiAZ": false, "BackupRetentionPeriod": 0})
        );
    }
}
