//! AWS actions: the remediation credentials (`[remediation.aws]`: a profile, a role assumed
//! with the plan in its session name, an endpoint for emulators), targets read again as
//! the collector reads them, and each call of an action sent as the plan shows it.

use std::collections::BTreeMap;
use std::time::Duration;

use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, ResourceType, Tag, TagSpecification};
use serde_json::{json, Value};

use crate::collect::aws::{client, connect, err_text, AwsOptions, Ctx};
use crate::config::RemediationAws;
use crate::model::plan::Call;
use crate::model::Resource;
use crate::remediate::aws::TAGS_PARAM;

pub use super::aws_calls::{actions, READS, WRITES};

/// How long an apply waits for a snapshot to complete before it fails the action (the
/// volume is not deleted).
const SNAPSHOT_WAIT: Duration = Duration::from_secs(30 * 60);

/// Connected with the remediation credentials.
pub struct Remediator {
    pub(super) ctx: Ctx,
}

/// A call's parameters, read by name.
pub(super) struct Params<'a>(pub(super) &'a Call);

impl Params<'_> {
    pub(super) fn str(&self, k: &str) -> Result<String, String> {
        self.0
            .params
            .get(k)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| format!("{}: no {k}", self.0.api))
    }
    pub(super) fn strs(&self, k: &str) -> Result<Vec<String>, String> {
        self.0
            .params
            .get(k)
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str().map(str::to_string))
                    .collect()
            })
            .ok_or_else(|| format!("{}: no {k}", self.0.api))
    }
    pub(super) fn value(&self, k: &str) -> Option<&Value> {
        self.0.params.get(k)
    }
    pub(super) fn tags(&self) -> BTreeMap<String, String> {
        self.value(TAGS_PARAM)
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .map(|(k, v)| (k.clone(), v.as_str().unwrap_or_default().to_string()))
                    .collect()
            })
            .unwrap_or_default()
    }
}

pub(super) fn flag(v: Option<&Value>, k: &str) -> bool {
    v.and_then(|v| v.get(k))
        .and_then(Value::as_bool)
        .unwrap_or(false)
}

impl Remediator {
    /// Connects with `[remediation.aws]`; refused without a profile or role there, so the
    /// scanner's read-only credentials are never the ones that write.
    pub async fn connect(
        cfg: &RemediationAws,
        regions: &[String],
        plan: i64,
    ) -> Result<Remediator, String> {
        if !cfg.is_set() {
            return Err("none configured: set `[remediation.aws] profile` or `role_arn` (the scanner's own credentials stay read-only)".into());
        }
        let mut regions: Vec<String> = regions.to_vec();
        regions.sort();
        regions.dedup();
        let opts = AwsOptions {
            label: None,
            regions,
            profile: cfg.profile.clone(),
            endpoint_url: cfg.endpoint_url.clone(),
            services: Vec::new(),
            max_concurrency: 4,
            max_attempts: 3,
            role: cfg
                .role_arn
                .clone()
                .map(|arn| crate::collect::aws::AssumeRole {
                    arn,
                    session_name: format!("vigil-plan-{plan}"),
                    external_id: None,
                }),
            account: None,
            organization: None,
            max_accounts_in_flight: 1,
            source: Default::default(),
            profile_only: true,
            aggregate: None,
            stats: Default::default(),
        };
        let (ctx, _) = connect(&opts).await.map_err(|e| e.to_string())?;
        Ok(Remediator { ctx })
    }

    /// The target as the API answers now.
    pub async fn read(&self, r: &Resource) -> Result<Option<Resource>, String> {
        if r.account.as_deref().is_some_and(|a| a != self.ctx.account) {
            return Err(format!(
                "the remediation credentials are for account {}, the target is in {}",
                self.ctx.account,
                r.account.as_deref().unwrap_or("?")
            ));
        }
        crate::collect::aws::read::read_again(&self.ctx, r).await
    }

    /// Sends one call of an action in the target's region. `vars` carries what earlier
    /// calls of the action answered (`$snapshot`, `$prior`).
    pub(super) async fn call(
        &self,
        c: &Call,
        region: &str,
        vars: &mut super::Vars,
    ) -> Result<Value, String> {
        match c.api.split(':').next() {
            Some("ec2") => self.ec2_call(c, region, vars).await,
            Some("s3") => self.s3_call(c, region, vars).await,
            Some("kms") => self.kms_call(c, region).await,
            Some("ecr" | "cloudwatchlogs" | "elasticloadbalancingv2" | "sqs" | "sns") => {
                self.services_call(c, region).await
            }
            _ => Err(format!("vigil does not make {} calls", c.api)),
        }
    }

    /// EC2's calls: snapshots, volumes, addresses, instances, security groups, tags.
    async fn ec2_call(
        &self,
        c: &Call,
        region: &str,
        vars: &mut super::Vars,
    ) -> Result<Value, String> {
        let ctx = &self.ctx;
        let p = Params(c);
        let fail = |e: String| format!("{}: {e}", c.api);
        match c.api.as_str() {
            "ec2:CreateSnapshot" | "ec2:DescribeSnapshots" => {
                self.snapshot_call(c, region, vars).await
            }
            "ec2:DeleteVolume" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                ec2.delete_volume()
                    .volume_id(p.str("VolumeId")?)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({}))
            }
            "ec2:ReleaseAddress" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                ec2.release_address()
                    .allocation_id(p.str("AllocationId")?)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({}))
            }
            "ec2:StopInstances" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                let o = ec2
                    .stop_instances()
                    .set_instance_ids(Some(p.strs("InstanceIds")?))
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({"Stopping": o.stopping_instances().iter()
                    .map(|i| i.instance_id().unwrap_or_default()).collect::<Vec<_>>()}))
            }
            "ec2:EnableEbsEncryptionByDefault" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                let o = ec2
                    .enable_ebs_encryption_by_default()
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({"EbsEncryptionByDefault": o.ebs_encryption_by_default()}))
            }
            "ec2:RevokeSecurityGroupIngress" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                let perms = p
                    .value("IpPermissions")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let o = ec2
                    .revoke_security_group_ingress()
                    .group_id(p.str("GroupId")?)
                    .set_ip_permissions(Some(perms.iter().map(ip_permission).collect()))
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({"Return": o.r#return()}))
            }
            "ec2:CreateTags" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                let tags: Vec<Tag> = p
                    .tags()
                    .into_iter()
                    .map(|(k, v)| Tag::builder().key(k).value(v).build())
                    .collect();
                ec2.create_tags()
                    .set_resources(Some(p.strs("Resources")?))
                    .set_tags(Some(tags))
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({}))
            }
            other => Err(format!("vigil does not make {other} calls")),
        }
    }

    /// Snapshot-then-delete's first two calls: the snapshot made (its id kept in `vars` as
    /// `$snapshot`), then waited for until `completed`.
    async fn snapshot_call(
        &self,
        c: &Call,
        region: &str,
        vars: &mut super::Vars,
    ) -> Result<Value, String> {
        let ctx = &self.ctx;
        let p = Params(c);
        let fail = |e: String| format!("{}: {e}", c.api);
        match c.api.as_str() {
            "ec2:CreateSnapshot" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                let tags = p
                    .value("TagSpecifications")
                    .and_then(|v| v.get(0))
                    .and_then(|s| s.get("Tags"))
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let spec = TagSpecification::builder()
                    .resource_type(ResourceType::Snapshot)
                    .set_tags(Some(
                        tags.iter()
                            .map(|t| {
                                Tag::builder()
                                    .key(t["Key"].as_str().unwrap_or_default())
                                    .value(t["Value"].as_str().unwrap_or_default())
                                    .build()
                            })
                            .collect(),
                    ))
                    .build();
                let o = ec2
                    .create_snapshot()
                    .volume_id(p.str("VolumeId")?)
                    .description(p.str("Description")?)
                    .tag_specifications(spec)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                let id = o.snapshot_id().unwrap_or_default().to_string();
                vars.insert("$snapshot", json!(id));
                Ok(json!({"SnapshotId": id, "State": o.state().map(|s| s.as_str())}))
            }
            "ec2:DescribeSnapshots" => {
                let ec2 = client!(aws_sdk_ec2, ctx, region);
                let id = vars
                    .get("$snapshot")
                    .and_then(Value::as_str)
                    .ok_or_else(|| fail("no snapshot made before".into()))?
                    .to_string();
                let state = wait_for(SNAPSHOT_WAIT, Duration::from_secs(5), || async {
                    let o = ec2
                        .describe_snapshots()
                        .snapshot_ids(&id)
                        .send()
                        .await
                        .map_err(|e| err_text(&e))?;
                    Ok(o.snapshots()
                        .first()
                        .and_then(|s| s.state())
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default())
                })
                .await
                .map_err(fail)?;
                Ok(json!({"SnapshotId": id, "State": state}))
            }
            other => Err(format!("vigil does not make {other} calls")),
        }
    }

    /// KMS's calls: key rotation and tags.
    async fn kms_call(&self, c: &Call, region: &str) -> Result<Value, String> {
        let ctx = &self.ctx;
        let p = Params(c);
        let fail = |e: String| format!("{}: {e}", c.api);
        match c.api.as_str() {
            "kms:EnableKeyRotation" => {
                let kms = client!(aws_sdk_kms, ctx, region);
                kms.enable_key_rotation()
                    .key_id(p.str("KeyId")?)
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({}))
            }
            "kms:TagResource" => {
                let kms = client!(aws_sdk_kms, ctx, region);
                let tags = p
                    .tags()
                    .into_iter()
                    .map(|(k, v)| {
                        aws_sdk_kms::types::Tag::builder()
                            .tag_key(k)
                            .tag_value(v)
                            .build()
                    })
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(|e| fail(e.to_string()))?;
                kms.tag_resource()
                    .key_id(p.str("KeyId")?)
                    .set_tags(Some(tags))
                    .send()
                    .await
                    .map_err(|e| fail(err_text(&e)))?;
                Ok(json!({}))
            }
            other => Err(format!("vigil does not make {other} calls")),
        }
    }
}

/// An EC2 permission from the plan's JSON (`IpProtocol`, ports, the ranges to revoke).
fn ip_permission(v: &Value) -> IpPermission {
    IpPermission::builder()
        .set_ip_protocol(v["IpProtocol"].as_str().map(str::to_string))
        .set_from_port(v["FromPort"].as_i64().map(|p| p as i32))
        .set_to_port(v["ToPort"].as_i64().map(|p| p as i32))
        .set_ip_ranges(Some(
            v["IpRanges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    IpRange::builder()
                        .set_cidr_ip(r["CidrIp"].as_str().map(str::to_string))
                        .build()
                })
                .collect(),
        ))
        .set_ipv6_ranges(Some(
            v["Ipv6Ranges"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    Ipv6Range::builder()
                        .set_cidr_ipv6(r["CidrIpv6"].as_str().map(str::to_string))
                        .build()
                })
                .collect(),
        ))
        .build()
}

/// Polls `state` until it answers `completed`, fails on `error`, and gives up after `limit`.
pub async fn wait_for<F, Fut>(
    limit: Duration,
    every: Duration,
    mut state: F,
) -> Result<String, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<String, String>>,
{
    let started = tokio::time::Instant::now();
    loop {
        let s = state().await?;
        match s.as_str() {
            "completed" => return Ok(s),
            "error" => {
                return Err("the snapshot failed (state error); the volume was not deleted".into())
            }
            _ if started.elapsed() >= limit => {
                return Err(format!(
                    "the snapshot is still {s} after {} s; the volume was not deleted",
                    limit.as_secs()
                ))
            }
            _ => tokio::time::sleep(every).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wait's logic on a fake snapshot (moto completes snapshots at once): pending twice
    /// then completed, an error state, and one that never completes within the limit.
    #[test]
    fn the_wait_for_a_snapshot_ends_on_completed_error_or_time() {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .build()
            .unwrap();
        let (limit, every) = (Duration::from_millis(30), Duration::from_millis(1));
        let asked = std::cell::Cell::new(0);
        let answers = std::cell::RefCell::new(vec!["pending", "pending", "completed"].into_iter());
        let next = || async {
            asked.set(asked.get() + 1);
            Ok(answers
                .borrow_mut()
                .next()
                .unwrap_or("completed")
                .to_string())
        };
        assert_eq!(
            rt.block_on(wait_for(limit, every, next)).unwrap(),
            "completed"
        );
        assert_eq!(asked.get(), 3, "asked until completed");
        let failing = || async { Ok("error".to_string()) };
        let got = rt.block_on(wait_for(limit, every, failing));
        assert!(got.unwrap_err().contains("not deleted"));
        let stuck = || async { Ok("pending".to_string()) };
        let got = rt.block_on(wait_for(Duration::ZERO, every, stuck));
        assert!(got.unwrap_err().contains("still pending after 0 s"));
    }
}
