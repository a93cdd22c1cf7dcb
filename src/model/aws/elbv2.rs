//! Elastic Load Balancing v2 documents: application, network and gateway load balancers
//! with their attributes, listeners and web ACL.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Document, Place};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct LoadBalancer {
    pub load_balancer_name: String,
    pub load_balancer_arn: Option<String>,
    /// `application`, `network` or `gateway`.
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    /// `internet-facing` or `internal`.
    pub scheme: Option<String>,
    #[serde(rename = "DNSName")]
    pub dns_name: Option<String>,
    pub vpc_id: Option<String>,
    pub security_groups: Vec<String>,
    /// DescribeLoadBalancerAttributes as a map (`access_logs.s3.enabled` → `"true"`).
    pub attributes: BTreeMap<String, String>,
    pub listeners: Vec<Listener>,
    /// The WAFv2 web ACL protecting an application load balancer; absent without one.
    #[serde(rename = "WebACLArn")]
    pub web_acl_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Listener {
    pub listener_arn: Option<String>,
    pub port: Option<i32>,
    pub protocol: Option<String>,
    pub ssl_policy: Option<String>,
    pub certificates: Vec<Certificate>,
    pub default_actions: Vec<Action>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Certificate {
    pub certificate_arn: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Action {
    #[serde(rename = "Type")]
    pub kind: Option<String>,
    pub redirect_config: Option<Redirect>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Redirect {
    pub protocol: Option<String>,
    pub port: Option<String>,
    pub status_code: Option<String>,
}

impl Document for LoadBalancer {
    const TYPE: &'static str = "AWS::ElasticLoadBalancingV2::LoadBalancer";
    fn id(&self, at: &Place) -> String {
        self.load_balancer_arn.clone().unwrap_or_else(|| {
            format!(
                "arn:aws:elasticloadbalancing:{}:{}:loadbalancer/{}",
                at.region, at.account, self.load_balancer_name
            )
        })
    }
    fn name(&self, _: &Place) -> Option<String> {
        Some(self.load_balancer_name.clone())
    }
    fn settle(&mut self, at: &Place) {
        self.load_balancer_arn = Some(self.id(at));
    }
}
