//! `--upload s3://bucket/prefix`: the pack and its public key to S3 with a SHA-256 checksum
//! the service verifies, under the bucket's Object Lock retention when it has one.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{ChecksumAlgorithm, ObjectLockEnabled, ObjectLockRetentionMode};

/// Where a pack went.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Uploaded {
    pub url: String,
    pub sha256: String,
    /// `COMPLIANCE` or `GOVERNANCE` and the retain-until time, when the bucket locks objects.
    pub retention: Option<(String, String)>,
}

pub use crate::config::parse_s3_url as parse_url;

pub async fn client(endpoint_url: Option<&str>, region: Option<&str>) -> aws_sdk_s3::Client {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest());
    if let Some(r) = region {
        loader = loader.region(aws_config::Region::new(r.to_string()));
    }
    if let Some(u) = endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let sdk = loader.load().await;
    let conf = aws_sdk_s3::config::Builder::from(&sdk)
        .force_path_style(endpoint_url.is_some())
        .build();
    aws_sdk_s3::Client::from_conf(conf)
}

fn err(e: impl std::error::Error + 'static) -> String {
    crate::collect::error_chain(&e)
}

/// The bucket's default retention: mode and days, when Object Lock is on with a rule.
async fn retention(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
) -> Option<(ObjectLockRetentionMode, i64)> {
    let conf = s3
        .get_object_lock_configuration()
        .bucket(bucket)
        .send()
        .await
        .ok()?
        .object_lock_configuration?;
    if conf.object_lock_enabled != Some(ObjectLockEnabled::Enabled) {
        return None;
    }
    let rule = conf.rule?.default_retention?;
    let days = rule
        .days
        .map(i64::from)
        .or(rule.years.map(|y| i64::from(y) * 365))?;
    Some((rule.mode?, days))
}

/// Puts each `(name, bytes)` under the prefix; the first is the pack.
pub async fn upload(
    s3: &aws_sdk_s3::Client,
    url: &str,
    files: Vec<(String, Vec<u8>)>,
) -> Result<Vec<Uploaded>, String> {
    let (bucket, prefix) = parse_url(url)?;
    let lock = retention(s3, &bucket).await;
    let mut out = Vec::new();
    for (name, bytes) in files {
        let key = if prefix.is_empty() {
            name.to_string()
        } else {
            format!("{prefix}/{name}")
        };
        let sha = super::super::posture::sha256(&bytes);
        let mut put = s3
            .put_object()
            .bucket(&bucket)
            .key(&key)
            .body(ByteStream::from(bytes))
            .checksum_algorithm(ChecksumAlgorithm::Sha256);
        let mut kept = None;
        if let Some((mode, days)) = &lock {
            let until = chrono::Utc::now() + chrono::Duration::days(*days);
            put = put
                .object_lock_mode(mode.as_str().into())
                .object_lock_retain_until_date(aws_sdk_s3::primitives::DateTime::from_secs(
                    until.timestamp(),
                ));
            kept = Some((
                mode.as_str().to_string(),
                until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            ));
        }
        put.send()
            .await
            .map_err(|e| format!("uploading s3://{bucket}/{key}: {}", err(e)))?;
        out.push(Uploaded {
            url: format!("s3://{bucket}/{key}"),
            sha256: sha,
            retention: kept,
        });
    }
    Ok(out)
}
