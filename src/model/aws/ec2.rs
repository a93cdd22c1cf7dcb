//! EC2 documents: instances, volumes, snapshots, Elastic IPs, security groups, VPCs with
//! their flow logs, and a region's EBS encryption-by-default setting.

use serde::{Deserialize, Serialize};

use super::{non_empty, Document, Place};

fn arn(at: &Place, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{}:{}:{kind}/{id}", at.region, at.account)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Instance {
    pub instance_id: String,
    pub instance_type: Option<String>,
    pub image_id: Option<String>,
    pub state: InstanceState,
    pub state_transition_reason: String,
    /// When a stopped instance stopped, read from `StateTransitionReason`.
    pub stopped_at: Option<String>,
    pub launch_time: Option<String>,
    pub public_ip_address: Option<String>,
    pub private_ip_address: Option<String>,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub iam_instance_profile: Option<Arn>,
    pub metadata_options: Option<MetadataOptions>,
    pub security_groups: Vec<GroupRef>,
    pub block_device_mappings: Vec<BlockDevice>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InstanceState {
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Arn {
    pub arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct MetadataOptions {
    pub http_tokens: Option<String>,
    pub http_endpoint: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GroupRef {
    pub group_id: Option<String>,
    pub group_name: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BlockDevice {
    pub device_name: Option<String>,
    /// The EBS volume: the API's `Ebs.VolumeId`, flattened.
    pub volume_id: Option<String>,
    /// The API's shape, read from a plain document and flattened into `VolumeId`.
    #[serde(skip_serializing)]
    pub ebs: Option<BlockDeviceEbs>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct BlockDeviceEbs {
    pub volume_id: Option<String>,
}

/// `User initiated (2024-01-01 12:00:00 GMT)` → `2024-01-01T12:00:00Z` (emulators write UTC).
pub fn stopped_at(reason: &str) -> Option<String> {
    let start = reason.find('(')? + 1;
    let end = reason[start..]
        .find(" GMT)")
        .or_else(|| reason[start..].find(" UTC)"))?
        + start;
    let t = chrono::NaiveDateTime::parse_from_str(&reason[start..end], "%Y-%m-%d %H:%M:%S").ok()?;
    Some(t.and_utc().format("%Y-%m-%dT%H:%M:%SZ").to_string())
}

impl Document for Instance {
    const TYPE: &'static str = "AWS::EC2::Instance";
    fn id(&self, at: &Place) -> String {
        arn(at, "instance", &self.instance_id)
    }
    fn settle(&mut self, _: &Place) {
        for b in &mut self.block_device_mappings {
            if let Some(ebs) = b.ebs.take() {
                b.volume_id = b.volume_id.take().or(ebs.volume_id);
            }
        }
        self.stopped_at = if self.state.name.as_deref() == Some("stopped") {
            stopped_at(&self.state_transition_reason)
        } else {
            None
        };
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Volume {
    pub volume_id: String,
    pub size: Option<i32>,
    pub volume_type: Option<String>,
    pub state: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub create_time: Option<String>,
    pub availability_zone: Option<String>,
    pub snapshot_id: Option<String>,
    pub attachments: Vec<VolumeAttachment>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct VolumeAttachment {
    pub instance_id: Option<String>,
    pub state: Option<String>,
    pub device: Option<String>,
}

impl Document for Volume {
    const TYPE: &'static str = "AWS::EC2::Volume";
    fn id(&self, at: &Place) -> String {
        arn(at, "volume", &self.volume_id)
    }
    fn settle(&mut self, _: &Place) {
        non_empty(&mut self.snapshot_id);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Snapshot {
    pub snapshot_id: String,
    pub volume_id: Option<String>,
    pub volume_size: Option<i32>,
    pub start_time: Option<String>,
    pub state: Option<String>,
    pub encrypted: bool,
    pub kms_key_id: Option<String>,
    pub description: String,
}

impl Document for Snapshot {
    const TYPE: &'static str = "AWS::EC2::Snapshot";
    fn id(&self, at: &Place) -> String {
        arn(at, "snapshot", &self.snapshot_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Eip {
    pub allocation_id: Option<String>,
    pub public_ip: Option<String>,
    pub domain: Option<String>,
    pub association_id: Option<String>,
    pub instance_id: Option<String>,
    pub network_interface_id: Option<String>,
}

impl Document for Eip {
    const TYPE: &'static str = "AWS::EC2::EIP";
    fn id(&self, at: &Place) -> String {
        let id = self.allocation_id.as_ref().or(self.public_ip.as_ref());
        arn(at, "elastic-ip", id.map_or("", String::as_str))
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.public_ip.clone()
    }
    fn settle(&mut self, _: &Place) {
        non_empty(&mut self.instance_id);
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct SecurityGroup {
    pub group_id: String,
    pub group_name: Option<String>,
    pub description: Option<String>,
    pub vpc_id: Option<String>,
    pub ip_permissions: Vec<IpPermission>,
    pub ip_permissions_egress: Vec<IpPermission>,
}

/// One permission; `IpProtocol` is `"-1"` for all traffic.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpPermission {
    pub ip_protocol: Option<String>,
    pub from_port: Option<i32>,
    pub to_port: Option<i32>,
    pub ip_ranges: Vec<IpRange>,
    pub ipv6_ranges: Vec<Ipv6Range>,
    pub user_id_group_pairs: Vec<GroupPair>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct IpRange {
    pub cidr_ip: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Ipv6Range {
    pub cidr_ipv6: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct GroupPair {
    pub group_id: Option<String>,
}

impl Document for SecurityGroup {
    const TYPE: &'static str = "AWS::EC2::SecurityGroup";
    fn id(&self, at: &Place) -> String {
        arn(at, "security-group", &self.group_id)
    }
    fn name(&self, _: &Place) -> Option<String> {
        self.group_name.clone()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Vpc {
    pub vpc_id: String,
    pub cidr_block: Option<String>,
    pub is_default: bool,
    pub state: Option<String>,
    /// The flow logs whose resource is this VPC.
    pub flow_logs: Vec<FlowLog>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct FlowLog {
    pub flow_log_id: Option<String>,
    pub flow_log_status: Option<String>,
    pub traffic_type: Option<String>,
    pub log_destination_type: Option<String>,
}

impl Document for Vpc {
    const TYPE: &'static str = "AWS::EC2::VPC";
    fn id(&self, at: &Place) -> String {
        arn(at, "vpc", &self.vpc_id)
    }
}

/// A region's EBS encryption-by-default setting, one per region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct EbsEncryptionDefault {
    pub ebs_encryption_by_default: bool,
}

impl Document for EbsEncryptionDefault {
    const TYPE: &'static str = "AWS::EC2::EBSEncryptionDefault";
    fn id(&self, at: &Place) -> String {
        format!(
            "arn:aws:ec2:{}:{}:ebs-encryption-by-default",
            at.region, at.account
        )
    }
    fn name(&self, at: &Place) -> Option<String> {
        Some(format!("EBS encryption by default ({})", at.region))
    }
}
