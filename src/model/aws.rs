//! The AWS resource types vigil reads, by the service whose collector makes them
//! ([`crate::collect::aws::services`] names these lists), and which of them are read once
//! per account rather than per region.

pub const EC2: &[&str] = &[
    "AWS::EC2::Instance",
    "AWS::EC2::Volume",
    "AWS::EC2::Snapshot",
    "AWS::EC2::EIP",
    "AWS::EC2::SecurityGroup",
    "AWS::EC2::VPC",
    "AWS::EC2::EBSEncryptionDefault",
];
pub const IAM: &[&str] = &[
    "AWS::IAM::User",
    "AWS::IAM::Role",
    "AWS::IAM::Group",
    "AWS::IAM::Policy",
    "AWS::IAM::RootUser",
];
pub const S3: &[&str] = &["AWS::S3::Bucket"];
pub const KMS: &[&str] = &["AWS::KMS::Key"];
pub const RDS: &[&str] = &["AWS::RDS::DBInstance"];
pub const CLOUDTRAIL: &[&str] = &["AWS::CloudTrail::Trail", "AWS::CloudTrail::RegionCoverage"];

/// Every AWS type, service by service.
pub const TYPES: &[&[&str]] = &[EC2, IAM, S3, KMS, RDS, CLOUDTRAIL];

/// Types collected once per account rather than per region (IAM; S3's bucket list).
pub const GLOBAL: &[&[&str]] = &[IAM, S3];

pub fn is_type(t: &str) -> bool {
    TYPES.iter().any(|ts| ts.contains(&t))
}

/// Whether `r` has the shape of an AWS region name (`us-east-1`, `us-gov-west-1`).
pub fn is_region(r: &str) -> bool {
    let parts: Vec<&str> = r.split('-').collect();
    parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()))
}
