//! RDS: DB instances with their tags.

use aws_sdk_rds::types::DbInstance;

use super::{err_text, tag_map, Ctx};
use crate::collect::ScopeResult;
use crate::model::aws::rds as doc;
use crate::model::aws::{Document, Place};
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
            dbs.iter().map(|d| normalize(&ctx.at(region), d)).collect(),
        )],
        Err(e) => vec![ScopeResult::failed(
            scope,
            format!("rds:DescribeDBInstances: {}", err_text(&e)),
        )],
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
                "PubliclyAccessible": true, "MultiAZ": false, "BackupRetentionPeriod": 0})
        );
    }
}
