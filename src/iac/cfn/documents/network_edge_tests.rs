use serde_json::json;

use crate::iac::cfn::documents::testing::*;

#[test]
fn a_network_acl_has_its_entries_associations_and_the_default_deny() {
    let d = build_text(
        r#"
Resources:
  Acl:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  Ssh:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 100, Protocol: 6, RuleAction: allow, CidrBlock: 0.0.0.0/0, PortRange: {From: 22, To: 22}}
  All:
    Type: AWS::EC2::NetworkAclEntry
    Properties: {NetworkAclId: !Ref Acl, RuleNumber: 200, Protocol: -1, RuleAction: allow, Egress: true, CidrBlock: 0.0.0.0/0, PortRange: {From: 0, To: 0}}
  Assoc:
    Type: AWS::EC2::SubnetNetworkAclAssociation
    Properties: {NetworkAclId: !Ref Acl, SubnetId: !Ref Subnet}
  Closed:
    Type: AWS::EC2::NetworkAcl
    Properties: {VpcId: !Ref Vpc}
  Vpc:
    Type: AWS::EC2::VPC
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc}
"#,
    );
    let acl = config(&d, "Acl");
    assert_eq!(acl["NetworkAclId"], "${Acl}");
    assert_eq!(acl["IsDefault"], false);
    let entry = |n: i64| {
        acl["Entries"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["RuleNumber"] == n)
    };
    assert_eq!(
        entry(100).unwrap(),
        &json!({"RuleNumber": 100, "Protocol": "6", "RuleAction": "allow", "Egress": false,
               "CidrBlock": "0.0.0.0/0", "PortRange": {"From": 22, "To": 22}})
    );
    assert_eq!(
        entry(200).unwrap(),
        &json!({"RuleNumber": 200, "Protocol": "-1", "RuleAction": "allow", "Egress": true,
               "CidrBlock": "0.0.0.0/0"})
    );
    assert_eq!(acl["Associations"], json!([{"SubnetId": "${Subnet}"}]));
    let closed = config(&d, "Closed");
    assert_eq!(
        closed["Entries"],
        json!([
            {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": false,
             "CidrBlock": "0.0.0.0/0"},
            {"RuleNumber": 32767, "Protocol": "-1", "RuleAction": "deny", "Egress": true,
             "CidrBlock": "0.0.0.0/0"},
        ]),
        "a new ACL denies everything"
    );
    assert_eq!(closed["Associations"], json!([]));
    assert_eq!(d.joined, 3);
}

#[test]
fn a_load_balancer_has_its_attributes_listeners_and_web_acl() {
    let d = build_text(
        r#"
Resources:
  Alb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties:
      Name: front
      Subnets: [!Ref A, !Ref B]
      SecurityGroups: [!Ref Sg]
      LoadBalancerAttributes:
        - {Key: deletion_protection.enabled, Value: true}
        - {Key: routing.http.drop_invalid_header_fields.enabled, Value: "true"}
        - {Key: idle_timeout.timeout_seconds, Value: 60}
  Https:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 443
      Protocol: HTTPS
      Certificates: [{CertificateArn: !Ref Cert}]
      DefaultActions: [{Type: forward, TargetGroupArn: !Ref Tg}]
  Http:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Alb
      Port: 80
      Protocol: HTTP
      DefaultActions:
        - Type: redirect
          RedirectConfig: {Protocol: HTTPS, Port: 443, StatusCode: HTTP_301}
  Waf:
    Type: AWS::WAFv2::WebACLAssociation
    Properties: {ResourceArn: !Ref Alb, WebACLArn: !GetAtt Acl.Arn}
  Cert:
    Type: AWS::CertificateManager::Certificate
    Properties: {DomainName: example.com}
  Nlb:
    Type: AWS::ElasticLoadBalancingV2::LoadBalancer
    Properties: {Type: network, Scheme: internal}
  Tls:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties:
      LoadBalancerArn: !Ref Nlb
      Port: 443
      Protocol: TLS
      SslPolicy: ELBSecurityPolicy-TLS13-1-2-2021-06
      Certificates: [{CertificateArn: "arn:aws:iam::123456789012:server-certificate/x"}]
  A: {Type: AWS::EC2::Subnet}
  B: {Type: AWS::EC2::Subnet}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: lb}
  Tg:
    Type: AWS::ElasticLoadBalancingV2::TargetGroup
  Acl:
    Type: AWS::WAFv2::WebACL
"#,
    );
    let alb = &built(&d, "Alb").resource;
    assert_eq!(alb.name.as_deref(), Some("front"));
    let c = &alb.config;
    assert_eq!(
        (&c["Type"], &c["Scheme"]),
        (&json!("application"), &json!("internet-facing"))
    );
    assert_eq!(c["LoadBalancerArn"], "${Alb}");
    assert_eq!(c["DNSName"], "${Alb.DNSName}");
    assert_eq!(c["SecurityGroups"], json!(["${Sg}"]));
    assert_eq!(
        c["Attributes"],
        json!({
            "deletion_protection.enabled": "true",
            "access_logs.s3.enabled": "false",
            "routing.http.desync_mitigation_mode": "defensive",
            "routing.http.drop_invalid_header_fields.enabled": "true",
            "idle_timeout.timeout_seconds": "60",
        }),
        "the template's over what a new load balancer has, as text"
    );
    assert_eq!(c["WebACLArn"], "${Acl.Arn}");
    let listener = |port: i64| {
        c["Listeners"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["Port"] == port)
    };
    let (https, http) = (listener(443).unwrap(), listener(80).unwrap());
    assert_eq!(
        https,
        &json!({"ListenerArn": "${Https}", "Port": 443, "Protocol": "HTTPS",
               "SslPolicy": "ELBSecurityPolicy-2016-08",
               "Certificates": [{"CertificateArn":
                   "arn:aws:acm:${AWS::Region}:${AWS::AccountId}:certificate/${Cert}"}],
               "DefaultActions": [{"Type": "forward"}]}),
        "ELB's default policy; a certificate of the template is an ACM one"
    );
    assert_eq!(
        http["DefaultActions"],
        json!([{"Type": "redirect",
                "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}])
    );
    assert!(http.get("SslPolicy").is_none());
    let nlb = config(&d, "Nlb");
    assert_eq!(
        nlb["Attributes"],
        json!({"deletion_protection.enabled": "false", "access_logs.s3.enabled": "false"})
    );
    assert_eq!(nlb["Scheme"], "internal");
    assert_eq!(nlb["LoadBalancerName"], "Nlb");
    assert_eq!(
        nlb["Listeners"][0]["SslPolicy"],
        "ELBSecurityPolicy-TLS13-1-2-2021-06"
    );
    assert!(nlb.get("WebACLArn").is_none());
    assert_eq!(d.joined, 4);
}
