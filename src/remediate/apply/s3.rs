//! S3 actions: the prior setting saved before each change, public access block, default
//! encryption, and tags merged into the set read just before (S3 replaces the whole set).

use std::collections::BTreeMap;

use serde_json::{json, Value};

use super::aws::{flag, Params, Remediator};
use crate::collect::aws::err_text;
use crate::model::plan::Call;

impl Remediator {
    /// Sends one S3 call of an action.
    pub(super) async fn s3_call(
        &self,
        c: &Call,
        region: &str,
        vars: &mut super::Vars,
    ) -> Result<Value, String> {
        let p = Params(c);
        let fail = |e: String| format!("{}: {e}", c.api);
        match c.api.as_str() {
            "s3:GetPublicAccessBlock" | "s3:GetBucketEncryption" | "s3:GetBucketTagging" => {
                let prior = self
                    .s3_prior(c, region, &p.str("Bucket")?)
                    .await
                    .map_err(fail)?;
                vars.insert("$prior", prior.clone());
                Ok(json!({"prior": prior}))
            }
            "s3:PutPublicAccessBlock" => {
                use aws_sdk_s3::types::PublicAccessBlockConfiguration as Pab;
                let v = p.value("PublicAccessBlockConfiguration");
                let s3 = self.s3(region);
                s3.put_public_access_block()
                    .bucket(p.str("Bucket")?)
                    .public_access_block_configuration(
                        Pab::builder()
                            .block_public_acls(flag(v, "BlockPublicAcls"))
                            .ignore_public_acls(flag(v, "IgnorePublicAcls"))
                            .block_public_policy(flag(v, "BlockPublicPolicy"))
                            .restrict_public_buckets(flag(v, "RestrictPublicBuckets"))
                            .build(),
                    )
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({}))
            }
            "s3:PutBucketEncryption" => {
                use aws_sdk_s3::types::{
                    ServerSideEncryption, ServerSideEncryptionByDefault as ByDefault,
                    ServerSideEncryptionConfiguration as Sse, ServerSideEncryptionRule as Rule,
                };
                let rule = p
                    .value("ServerSideEncryptionConfiguration")
                    .and_then(|v| v.get("Rules"))
                    .and_then(|r| r.get(0))
                    .cloned()
                    .unwrap_or_default();
                let d = &rule["ApplyServerSideEncryptionByDefault"];
                let by_default = ByDefault::builder()
                    .sse_algorithm(ServerSideEncryption::from(
                        d["SSEAlgorithm"].as_str().unwrap_or("aws:kms"),
                    ))
                    .set_kms_master_key_id(d["KMSMasterKeyID"].as_str().map(str::to_string))
                    .build()
                    .map_err(|e| fail(e.to_string()))?;
                let sse = Sse::builder()
                    .rules(
                        Rule::builder()
                            .apply_server_side_encryption_by_default(by_default)
                            .set_bucket_key_enabled(rule["BucketKeyEnabled"].as_bool())
                            .build(),
                    )
                    .build()
                    .map_err(|e| fail(e.to_string()))?;
                self.s3(region)
                    .put_bucket_encryption()
                    .bucket(p.str("Bucket")?)
                    .server_side_encryption_configuration(sse)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({}))
            }
            "s3:PutBucketTagging" => {
                // S3 replaces the whole set: the additions merge into the set read just
                // before (never a replacement of tags the plan did not name).
                let mut set: BTreeMap<String, String> = vars
                    .get("$prior")
                    .and_then(Value::as_object)
                    .map(|m| {
                        m.iter()
                            .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                            .collect()
                    })
                    .ok_or_else(|| fail("the tag set was not read first".into()))?;
                set.extend(p.tags());
                let tagging = aws_sdk_s3::types::Tagging::builder()
                    .set_tag_set(Some(
                        set.iter()
                            .map(|(k, v)| aws_sdk_s3::types::Tag::builder().key(k).value(v).build())
                            .collect::<Result<Vec<_>, _>>()
                            .map_err(|e| fail(e.to_string()))?,
                    ))
                    .build()
                    .map_err(|e| fail(e.to_string()))?;
                self.s3(region)
                    .put_bucket_tagging()
                    .bucket(p.str("Bucket")?)
                    .tagging(tagging)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({"TagSet": set}))
            }
            other => Err(format!("vigil does not make {other} calls")),
        }
    }

    fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        let mut b = aws_sdk_s3::config::Builder::from(&self.ctx.regional(region))
            .interceptor(self.ctx.counter());
        if self.ctx.endpoint_url.is_some() {
            b = b.force_path_style(true);
        }
        aws_sdk_s3::Client::from_conf(b.build())
    }

    /// The bucket setting a call replaces, as it is now (`null` when none is set).
    async fn s3_prior(&self, c: &Call, region: &str, bucket: &str) -> Result<Value, String> {
        let s3 = self.s3(region);
        let absent = |code: Option<String>, codes: &[&str]| {
            code.is_some_and(|x| codes.contains(&x.as_str()))
        };
        match c.api.as_str() {
            "s3:GetPublicAccessBlock" => match s3.get_public_access_block().bucket(bucket).send().await {
                Ok(o) => Ok(o.public_access_block_configuration().map_or(Value::Null, |p| {
                    json!({"BlockPublicAcls": p.block_public_acls(), "IgnorePublicAcls": p.ignore_public_acls(),
                        "BlockPublicPolicy": p.block_public_policy(), "RestrictPublicBuckets": p.restrict_public_buckets()})
                })),
                Err(e) if absent(crate::collect::aws::err_code(&e), &["NoSuchPublicAccessBlockConfiguration"]) => Ok(Value::Null),
                Err(e) => Err(err_text(&e)),
            },
            "s3:GetBucketEncryption" => match s3.get_bucket_encryption().bucket(bucket).send().await {
                Ok(o) => Ok(o.server_side_encryption_configuration().map_or(Value::Null, |cfg| {
                    json!({"Rules": cfg.rules().iter().map(|r| json!({
                        "ApplyServerSideEncryptionByDefault": r.apply_server_side_encryption_by_default().map(|d| json!({
                            "SSEAlgorithm": d.sse_algorithm().as_str(), "KMSMasterKeyID": d.kms_master_key_id()})),
                        "BucketKeyEnabled": r.bucket_key_enabled()})).collect::<Vec<_>>()})
                })),
                Err(e) if absent(crate::collect::aws::err_code(&e), &["ServerSideEncryptionConfigurationNotFoundError"]) => Ok(Value::Null),
                Err(e) => Err(err_text(&e)),
            },
            _ => match s3.get_bucket_tagging().bucket(bucket).send().await {
                Ok(o) => Ok(Value::Object(
                    o.tag_set().iter().map(|t| (t.key().to_string(), json!(t.value()))).collect(),
                )),
                Err(e) if absent(crate::collect::aws::err_code(&e), &["NoSuchTagSet", "NoSuchTagSetError"]) => Ok(json!({})),
                Err(e) => Err(err_text(&e)),
            },
        }
    }
}
