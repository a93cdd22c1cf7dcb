//! EC2 network documents: network ACLs, subnets and NAT gateways (with the route tables
//! that send traffic to each).

use serde::{Deserialize, Serialize};

use super::{Document, Place};

fn arn(at: &Place, kind: &str, id: &str) -> String {
    format!("arn:aws:ec2:{}:{}:{kind}/{id}", at.region, at.account)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NetworkAcl {
    pub network_acl_id: String,
    pub vpc_id: Option<String>,
    pub is_default: bool,
    pub entries: Vec<AclEntry>,
    pub associations: Vec<AclAssociation>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclEntry {
    pub rule_number: Option<i32>,
    /// An IP protocol number as a string; `"-1"` for all.
    pub protocol: Option<String>,
    /// `allow` or `deny`.
    pub rule_action: Option<String>,
    pub egress: bool,
    pub cidr_block: Option<String>,
    pub ipv6_cidr_block: Option<String>,
    pub port_range: Option<PortRange>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct PortRange {
    pub from: Option<i32>,
    pub to: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct AclAssociation {
    pub subnet_id: Option<String>,
}

impl Document for NetworkAcl {
    const TYPE: &'static str = "AWS::EC2::NetworkAcl";
    fn id(&self, at: &Place) -> String {
        arn(at, "network-acl", &self.network_acl_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Subnet {
    pub subnet_id: String,
    pub vpc_id: Option<String>,
    pub cidr_block: Option<String>,
    pub availability_zone: Option<String>,
    pub map_public_ip_on_launch: bool,
    pub default_for_az: bool,
}

impl Document for Subnet {
    const TYPE: &'static str = "AWS::EC2::Subnet";
    fn id(&self, at: &Place) -> String {
        arn(at, "subnet", &self.subnet_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct NatGateway {
    pub nat_gateway_id: String,
    pub vpc_id: Option<String>,
    pub subnet_id: Option<String>,
    pub state: Option<String>,
    /// `public` or `private`.
    pub connectivity_type: Option<String>,
    pub create_time: Option<String>,
    /// The route tables with a route through this gateway (DescribeRouteTables); empty: no
    /// subnet sends traffic to it.
    pub routed_by: Vec<String>,
}

impl Document for NatGateway {
    const TYPE: &'static str = "AWS::EC2::NatGateway";
    fn id(&self, at: &Place) -> String {
        arn(at, "natgateway", &self.nat_gateway_id)
    }
}
