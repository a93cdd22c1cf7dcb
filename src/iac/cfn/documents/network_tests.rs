use serde_json::json;

use super::super::UNKNOWN_TEXT;
use crate::iac::cfn::documents::testing::*;

#[test]
fn security_group_rules_read_as_describe_security_groups_gives_them() {
    let d = build_text(
        r#"
Resources:
  Open:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: ssh from anywhere
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
        - {IpProtocol: 6, FromPort: "22", ToPort: "22", CidrIpv6: "::/0"}
        - {IpProtocol: -1, FromPort: 0, ToPort: 0, SourceSecurityGroupId: !Ref Closed}
        - {IpProtocol: TCP, FromPort: 80, ToPort: 80}
  Closed:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupName: web
      GroupDescription: https from the VPC
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}
      SecurityGroupEgress:
        - {IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationSecurityGroupId: sg-1}
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
"#,
    );
    let open = &built(&d, "Open").resource;
    assert_eq!(open.resource_type, "AWS::EC2::SecurityGroup");
    assert_eq!(
        open.name.as_deref(),
        Some("Open"),
        "no name: the logical id"
    );
    let c = &open.config;
    assert_eq!(c["GroupId"], "${Open}");
    assert_eq!(c["VpcId"], "${Vpc}");
    assert_eq!(c["Description"], "ssh from anywhere");
    assert_eq!(
        c["IpPermissions"],
        json!([
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
             "UserIdGroupPairs": []},
            {"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [],
             "UserIdGroupPairs": [{"GroupId": "${Closed}"}]},
        ]),
        "one permission per protocol and ports, `6` named tcp, no ports for all traffic, a rule \
         without a source left out"
    );
    assert_eq!(
        c["IpPermissionsEgress"],
        json!([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [],
                "UserIdGroupPairs": []}]),
        "the egress rule EC2 adds to a group without any"
    );
    let closed = &built(&d, "Closed").resource;
    assert_eq!(closed.name.as_deref(), Some("web"));
    assert_eq!(
        closed.config["IpPermissions"][0]["IpRanges"],
        json!([{"CidrIp": "10.0.0.0/8"}])
    );
    assert_eq!(
        closed.config["IpPermissionsEgress"],
        json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [],
                "Ipv6Ranges": [], "UserIdGroupPairs": [{"GroupId": "sg-1"}]}]),
        "egress rules of its own replace the default one"
    );
}

#[test]
fn separate_rule_resources_join_their_group_by_ref_getatt_or_name() {
    let d = build_text(
        r#"
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: app, GroupName: app}
  Other:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: other}
  ByRef:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref Sg, IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: 0.0.0.0/0}
  ByGetAtt:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !GetAtt Sg.GroupId, IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIpv6: "::/0"}
  ByName:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupName: app, IpProtocol: udp, FromPort: 53, ToPort: 53, SourceSecurityGroupId: !GetAtt Other.GroupId}
  Out:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: {GroupId: !Ref Sg, IpProtocol: tcp, FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: !Ref Other}
  Elsewhere:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: sg-0123, IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}
"#,
    );
    assert_eq!(d.joined, 5, "rules are joined, never unsupported");
    assert!(d.unsupported.is_empty(), "{:?}", d.unsupported);
    let sg = config(&d, "Sg");
    assert_eq!(
        sg["IpPermissions"],
        json!([
            {"IpProtocol": "tcp", "FromPort": 3389, "ToPort": 3389,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}],
             "UserIdGroupPairs": []},
            {"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [], "Ipv6Ranges": [],
             "UserIdGroupPairs": [{"GroupId": "${Other.GroupId}"}]},
        ])
    );
    let egress = sg["IpPermissionsEgress"].as_array().unwrap();
    assert_eq!(
        egress.len(),
        2,
        "a separate egress rule keeps the default one"
    );
    assert_eq!(egress[0]["IpProtocol"], "-1");
    assert_eq!(egress[1]["UserIdGroupPairs"][0]["GroupId"], "${Other}");
    let other = config(&d, "Other");
    assert_eq!(other["IpPermissions"], json!([]));
    assert_eq!(other["IpPermissionsEgress"].as_array().unwrap().len(), 1);
}

#[test]
fn an_unknown_cidr_stays_unknown_at_its_place() {
    let d = build_text(
        r#"
Parameters:
  Cidr: {Type: String}
Conditions:
  Wide: !Equals [!Ref Cidr, 0.0.0.0/0]
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: admin
      SecurityGroupIngress:
        - {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: !Ref Cidr}
  Separate:
    Type: AWS::EC2::SecurityGroupIngress
    Properties: {GroupId: !Ref Sg, IpProtocol: tcp, FromPort: 3389, ToPort: 3389, CidrIp: !Ref Cidr}
  Whole:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: either
      SecurityGroupIngress: !If
        - Wide
        - [{IpProtocol: -1, CidrIp: 0.0.0.0/0}]
        - [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8}]
"#,
    );
    let sg = built(&d, "Sg");
    let paths: Vec<&str> = sg.unknowns.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        paths,
        [
            "config.IpPermissions[0].IpRanges[0].CidrIp",
            "config.IpPermissions[1].IpRanges[0].CidrIp"
        ]
    );
    assert_eq!(sg.unknowns[0].1, "parameter Cidr has no value");
    assert_eq!(
        sg.resource.config["IpPermissions"][0]["IpRanges"][0]["CidrIp"],
        UNKNOWN_TEXT
    );
    assert_eq!(sg.resource.config["IpPermissions"][1]["FromPort"], 3389);
    let other = sg.other.as_ref().unwrap();
    assert_eq!(other.config["IpPermissions"][0]["IpRanges"][0], json!({}));
    let whole = built(&d, "Whole");
    assert_eq!(whole.unknowns[0].0, "config.IpPermissions");
}

#[test]
fn volumes_encrypted_or_not_or_up_to_the_region() {
    let d = build_text(
        r#"
Resources:
  Encrypted:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 8, Encrypted: true, KmsKeyId: !Ref Key}
  Plain:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: "20", Encrypted: "false", VolumeType: gp3}
  Unset:
    Type: AWS::EC2::Volume
    Properties: {AvailabilityZone: eu-west-1a, Size: 8}
  Attach:
    Type: AWS::EC2::VolumeAttachment
    Properties: {InstanceId: !Ref I, VolumeId: !Ref Encrypted, Device: /dev/sdf}
  I:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: subnet-1}
  Key:
    Type: AWS::KMS::Key
"#,
    );
    let e = config(&d, "Encrypted");
    assert_eq!(e["VolumeId"], "${Encrypted}");
    assert_eq!(e["Encrypted"], true);
    assert_eq!(e["KmsKeyId"], "${Key}");
    assert_eq!(e["VolumeType"], "gp2", "EBS's default type");
    assert_eq!(e["State"], "in-use");
    assert_eq!(
        e["Attachments"],
        json!([{"InstanceId": "${I}", "Device": "/dev/sdf", "State": "attached"}])
    );
    let p = config(&d, "Plain");
    assert_eq!(p["Encrypted"], false, "a boolean written as text");
    assert_eq!(p["Size"], 20);
    assert_eq!(p["State"], "available");
    let u = built(&d, "Unset");
    assert_eq!(u.unknowns[0].0, "config.Encrypted");
    assert!(u.unknowns[0].1.contains("EBS encryption by default"));
    assert_eq!(u.resource.config["Encrypted"], true);
    assert_eq!(u.other.as_ref().unwrap().config["Encrypted"], false);
}

#[test]
fn an_instance_has_its_public_ip_imds_settings_and_groups_as_ec2_launches_it() {
    let d = build_text(
        r#"
Parameters:
  SubnetParam: {Type: String}
Resources:
  Private:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}
  Public:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, MapPublicIpOnLaunch: true}
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Hardened:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      InstanceType: t3.micro
      SubnetId: !Ref Private
      SecurityGroupIds: [!GetAtt Sg.GroupId]
      IamInstanceProfile: !Ref Profile
      MetadataOptions: {HttpTokens: required}
      Tags: [{Key: Name, Value: bastion}]
  Defaults:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, IamInstanceProfile: app-profile}
  InPublic:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: !Ref Public, LaunchTemplate: {LaunchTemplateId: !Ref Lt, Version: 1}}
  Nic:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-1
      NetworkInterfaces:
        - {DeviceIndex: "0", SubnetId: !Ref Private, AssociatePublicIpAddress: true, GroupSet: [sg-9]}
  WithEip:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: !Ref Private}
  Eip:
    Type: AWS::EC2::EIP
    Properties: {InstanceId: !Ref WithEip}
  Unknown:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: !Ref SubnetParam}
  Outside:
    Type: AWS::EC2::Instance
    Properties: {ImageId: ami-1, SubnetId: subnet-0abc, MetadataOptions: {HttpEndpoint: disabled}}
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties: {LaunchTemplateData: {MetadataOptions: {HttpTokens: required}}}
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties: {GroupDescription: x}
  Profile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [r]}
"#,
    );
    let h = built(&d, "Hardened");
    assert!(h.unknowns.is_empty(), "{:?}", h.unknowns);
    let c = &h.resource.config;
    assert_eq!(h.resource.name.as_deref(), Some("bastion"));
    assert_eq!(c["InstanceId"], "${Hardened}");
    assert_eq!(c["InstanceType"], "t3.micro");
    assert!(
        c.get("PublicIpAddress").is_none(),
        "a subnet that maps none"
    );
    assert_eq!(
        (&c["SubnetId"], &c["VpcId"]),
        (&json!("${Private}"), &json!("${Vpc}"))
    );
    assert_eq!(
        c["MetadataOptions"],
        json!({"HttpTokens": "required", "HttpEndpoint": "enabled"})
    );
    assert_eq!(c["SecurityGroups"], json!([{"GroupId": "${Sg.GroupId}"}]));
    assert_eq!(c["IamInstanceProfile"]["Arn"], "${Profile.Arn}");
    assert_eq!(c["State"]["Name"], "running");

    let dflt = built(&d, "Defaults");
    let c = &dflt.resource.config;
    assert_eq!(
        c["PublicIpAddress"], "${Defaults.PublicIp}",
        "no subnet: the default VPC's, which maps public IPs"
    );
    assert_eq!(c["InstanceType"], "m1.small");
    assert_eq!(c["SecurityGroups"], json!([{"GroupName": "default"}]));
    assert_eq!(
        c["IamInstanceProfile"]["Arn"],
        "arn:aws:iam::${AWS::AccountId}:instance-profile/app-profile"
    );
    assert_eq!(dflt.unknowns.len(), 1);
    assert_eq!(dflt.unknowns[0].0, "config.MetadataOptions.HttpTokens");
    assert_eq!(c["MetadataOptions"]["HttpTokens"], UNKNOWN_TEXT);
    let fail = &dflt.other.as_ref().unwrap().config;
    assert!(fail["MetadataOptions"].get("HttpTokens").is_none());

    let p = config(&d, "InPublic");
    assert_eq!(p["PublicIpAddress"], "${InPublic.PublicIp}");
    assert_eq!(
        p["MetadataOptions"]["HttpTokens"], "required",
        "from its launch template"
    );
    let n = config(&d, "Nic");
    assert_eq!(n["PublicIpAddress"], "${Nic.PublicIp}");
    assert_eq!(n["SubnetId"], "${Private}");
    assert_eq!(n["SecurityGroups"], json!([{"GroupId": "sg-9"}]));
    assert_eq!(
        config(&d, "WithEip")["PublicIpAddress"],
        "${WithEip.PublicIp}"
    );

    let u = built(&d, "Unknown");
    let paths: Vec<&str> = u.unknowns.iter().map(|(p, _)| p.as_str()).collect();
    assert!(paths.contains(&"config.PublicIpAddress"), "{paths:?}");
    assert!(paths.contains(&"config.SubnetId"), "{paths:?}");
    let o = built(&d, "Outside");
    let why = &o
        .unknowns
        .iter()
        .find(|(p, _)| p == "config.PublicIpAddress");
    assert!(why.unwrap().1.contains("subnet-0abc"), "{:?}", o.unknowns);
    assert_eq!(
        o.resource.config["MetadataOptions"]["HttpEndpoint"],
        "disabled"
    );
}

#[test]
fn vpcs_subnets_and_nat_gateways_with_what_joins_them() {
    let d = build_text(
        r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16}
  Bare:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.1.0.0/16}
  Log:
    Type: AWS::EC2::FlowLog
    Properties: {ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL}
  Public:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24, MapPublicIpOnLaunch: true}
  Private:
    Type: AWS::EC2::Subnet
    Properties: {VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24, AvailabilityZone: eu-west-1a}
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref Public, AllocationId: !GetAtt Ip.AllocationId}
  Unrouted:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: !Ref Public, ConnectivityType: private}
  ToNat:
    Type: AWS::EC2::Route
    Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat}
  Rt:
    Type: AWS::EC2::RouteTable
    Properties: {VpcId: !Ref Vpc}
  Ip:
    Type: AWS::EC2::EIP
"#,
    );
    let v = config(&d, "Vpc");
    assert_eq!(v["VpcId"], "${Vpc}");
    assert_eq!(v["IsDefault"], false);
    assert_eq!(
        v["FlowLogs"],
        json!([{"FlowLogId": "${Log}", "FlowLogStatus": "ACTIVE", "TrafficType": "ALL",
                "LogDestinationType": "cloud-watch-logs"}])
    );
    assert_eq!(config(&d, "Bare")["FlowLogs"], json!([]));
    assert_eq!(config(&d, "Public")["MapPublicIpOnLaunch"], true);
    let private = config(&d, "Private");
    assert_eq!(private["MapPublicIpOnLaunch"], false, "the default");
    assert_eq!(private["DefaultForAz"], false);
    assert_eq!(private["AvailabilityZone"], "eu-west-1a");
    let nat = config(&d, "Nat");
    assert_eq!(nat["RoutedBy"], json!(["${Rt}"]));
    assert_eq!(nat["State"], "available");
    assert_eq!(nat["ConnectivityType"], "public");
    assert_eq!(nat["VpcId"], "${Vpc}");
    let unrouted = config(&d, "Unrouted");
    assert_eq!(unrouted["RoutedBy"], json!([]));
    assert_eq!(unrouted["ConnectivityType"], "private");
    assert_eq!(d.joined, 2);
}

#[path = "network_edge_tests.rs"]
mod edge;
