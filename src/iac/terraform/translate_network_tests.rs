use serde_json::{json, Value};

use crate::iac::cfn::documents::UNKNOWN_TEXT;
use crate::iac::terraform::testing::{config, failing, load, plan};

/// `aws_security_group.web` as the provider plans it: `ingress` and `egress` not configured
/// (Optional and Computed: unknown, then left out), with `more` arguments.
fn group(more: Value) -> Value {
    let mut after = json!({"name": "web", "description": "Web tier", "vpc_id": "vpc-0a1b2c3d",
        "revoke_rules_on_delete": false, "tags": null, "tags_all": {"Owner": "platform"}});
    let mut unknown = json!({"arn": true, "id": true, "owner_id": true});
    for k in ["ingress", "egress"] {
        match more.get(k) {
            Some(v) => after[k] = v.clone(),
            None => unknown[k] = json!(true),
        }
    }
    json!({"address": "aws_security_group.web", "type": "aws_security_group",
           "after": after, "after_unknown": unknown})
}

/// What a reference to `aws_security_group.web`'s id is written with.
fn to_web() -> Value {
    json!({"references": ["aws_security_group.web.id", "aws_security_group.web"]})
}

/// An `aws_security_group_rule` of `kind` to `aws_security_group.web`, by reference.
fn group_rule(name: &str, kind: &str, protocol: &str, ports: (i64, i64), cidrs: Value) -> Value {
    json!({"address": format!("aws_security_group_rule.{name}"), "type": "aws_security_group_rule",
           "after": {"type": kind, "protocol": protocol, "from_port": ports.0, "to_port": ports.1,
                     "cidr_blocks": cidrs, "ipv6_cidr_blocks": null, "prefix_list_ids": null,
                     "self": false, "description": null, "timeouts": null},
           "after_unknown": {"id": true, "security_group_id": true,
                             "source_security_group_id": true},
           "expressions": {"security_group_id": to_web()}})
}

fn ssh_from_anywhere() -> Value {
    json!([{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22,
            "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}])
}

#[test]
fn a_separate_rule_by_reference_is_a_permission_of_its_group() {
    let text = plan(
        json!([
            group(json!({})),
            group_rule("ssh", "ingress", "tcp", (22, 22), json!(["0.0.0.0/0"]))
        ]),
        None,
    );
    let loaded = load(&text);
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    assert!(loaded.unsupported.is_empty(), "{:?}", loaded.unsupported);
    assert_eq!(loaded.joined, 1);
    let c = config(&loaded, "aws_security_group.web");
    assert_eq!(c["GroupId"], "${aws_security_group/web}");
    assert_eq!(c["GroupName"], "web");
    assert_eq!(c["VpcId"], "vpc-0a1b2c3d");
    assert_eq!(c["IpPermissions"], ssh_from_anywhere());
    assert_eq!(
        c["IpPermissionsEgress"],
        json!([]),
        "the provider deletes the default egress rule; a rule resource adds only ingress"
    );
    assert!(failing(&loaded, "aws_security_group.web").is_none());
}

#[test]
fn a_vpc_security_group_ingress_rule_is_a_permission_of_its_group() {
    let rule = json!({
        "address": "aws_vpc_security_group_ingress_rule.ssh",
        "type": "aws_vpc_security_group_ingress_rule",
        "after": {"cidr_ipv4": "0.0.0.0/0", "cidr_ipv6": null, "description": null,
                  "from_port": 22, "to_port": 22, "ip_protocol": "tcp", "prefix_list_id": null,
                  "referenced_security_group_id": null, "tags": null, "tags_all": {}},
        "after_unknown": {"arn": true, "id": true, "security_group_id": true,
                          "security_group_rule_id": true, "tags_all": {}},
        "expressions": {"security_group_id": to_web()},
    });
    let loaded = load(&plan(json!([group(json!({})), rule]), None));
    assert_eq!(loaded.joined, 1);
    let c = config(&loaded, "aws_security_group.web");
    assert_eq!(c["IpPermissions"], ssh_from_anywhere());
    assert_eq!(c["IpPermissionsEgress"], json!([]));
}

#[test]
fn inline_ingress_gives_the_document_separate_rules_give() {
    let block = json!({"from_port": 22, "to_port": 22, "protocol": "tcp", "description": "",
        "cidr_blocks": ["0.0.0.0/0", "10.0.0.0/8"], "ipv6_cidr_blocks": [],
        "prefix_list_ids": [], "security_groups": [], "self": false});
    let inline = load(&plan(json!([group(json!({"ingress": [block]}))]), None));
    let cidrs = json!(["0.0.0.0/0", "10.0.0.0/8"]);
    let rule = group_rule("ssh", "ingress", "tcp", (22, 22), cidrs);
    let separate = load(&plan(json!([group(json!({})), rule]), None));
    assert_eq!(
        separate.joined, 2,
        "a template rule per CIDR, as CloudFormation takes them"
    );
    let c = config(&inline, "aws_security_group.web");
    assert_eq!(c, config(&separate, "aws_security_group.web"));
    assert_eq!(
        c["IpPermissions"][0]["IpRanges"],
        json!([{"CidrIp": "0.0.0.0/0"}, {"CidrIp": "10.0.0.0/8"}])
    );
}

#[test]
fn a_group_has_the_egress_rules_terraform_gives_it_and_no_others() {
    let none = load(&plan(json!([group(json!({}))]), None));
    assert_eq!(
        config(&none, "aws_security_group.web")["IpPermissionsEgress"],
        json!([])
    );

    let all_out = json!({"from_port": 0, "to_port": 0, "protocol": "-1", "description": "",
        "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": ["::/0"], "prefix_list_ids": [],
        "security_groups": [], "self": false});
    let declared = load(&plan(
        json!([group(json!({"egress": [all_out], "ingress": []}))]),
        None,
    ));
    let c = config(&declared, "aws_security_group.web");
    assert_eq!(
        c["IpPermissionsEgress"],
        json!([{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
                "Ipv6Ranges": [{"CidrIpv6": "::/0"}], "UserIdGroupPairs": []}])
    );
    assert_eq!(c["IpPermissions"], json!([]));

    let https = group_rule("out", "egress", "TCP", (443, 443), json!(["10.0.0.0/8"]));
    let separate = load(&plan(json!([group(json!({})), https]), None));
    assert_eq!(
        config(&separate, "aws_security_group.web")["IpPermissionsEgress"],
        json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}]),
        "only the separate rule: the default one is gone"
    );
}

#[test]
fn self_groups_and_a_known_group_id_are_joined_by_id() {
    // The group exists (its id is known); the rule names it by that id.
    let mut existing = group(
        json!({"ingress": [{"from_port": 0, "to_port": 0, "protocol": "all",
        "description": "", "cidr_blocks": [], "ipv6_cidr_blocks": [], "prefix_list_ids": [],
        "security_groups": ["sg-0other"], "self": true}]}),
    );
    existing["after"]["id"] = json!("sg-0abc");
    existing["after_unknown"]["id"] = json!(false);
    let rule = json!({"address": "aws_vpc_security_group_egress_rule.db",
        "type": "aws_vpc_security_group_egress_rule",
        "after": {"security_group_id": "sg-0abc", "ip_protocol": "6", "from_port": 5432,
                  "to_port": 5432, "referenced_security_group_id": "sg-0db", "cidr_ipv4": null}});
    let loaded = load(&plan(json!([existing, rule]), None));
    let c = config(&loaded, "aws_security_group.web");
    assert_eq!(
        c["IpPermissions"],
        json!([{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [],
                "UserIdGroupPairs": [{"GroupId": "sg-0other"},
                                     {"GroupId": "${aws_security_group/web}"}]}]),
        "`all` is -1, without ports; `self` is the group itself"
    );
    assert_eq!(
        c["IpPermissionsEgress"],
        json!([{"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432, "IpRanges": [],
                "Ipv6Ranges": [], "UserIdGroupPairs": [{"GroupId": "sg-0db"}]}])
    );
}

#[test]
fn the_default_security_group_keeps_only_the_rules_configured() {
    let text = plan(
        json!([{"address": "aws_default_security_group.d", "type": "aws_default_security_group",
                "after": {"vpc_id": "vpc-1", "ingress": [], "egress": []},
                "after_unknown": {"id": true, "arn": true, "name": true}}]),
        None,
    );
    let c = config(&load(&text), "aws_default_security_group.d").clone();
    assert_eq!(c["GroupName"], "default");
    assert_eq!(
        (&c["IpPermissions"], &c["IpPermissionsEgress"]),
        (&json!([]), &json!([]))
    );
}

/// A subnet, a group and an instance in it (IMDSv2 required, no public IP, user data set),
/// and one with nothing but its image.
fn instances() -> Value {
    json!([
        group(json!({})),
        {"address": "aws_subnet.private", "type": "aws_subnet",
         "after": {"cidr_block": "10.0.1.0/24", "map_public_ip_on_launch": false,
                   "vpc_id": "vpc-0a1b2c3d", "tags": null},
         "after_unknown": {"id": true, "arn": true, "availability_zone": true}},
        {"address": "aws_instance.app", "type": "aws_instance",
         "after": {"ami": "ami-1", "instance_type": "t3.micro", "user_data": "PASSWORD=hunter2",
                   "associate_public_ip_address": false, "subnet_id": null,
                   "vpc_security_group_ids": [null], "tags": {"Name": "app"},
                   "metadata_options": [{"http_tokens": "required", "http_endpoint": "enabled",
                                         "http_put_response_hop_limit": 1}]},
         "after_unknown": {"id": true, "subnet_id": true, "vpc_security_group_ids": [true],
                           "private_ip": true, "public_ip": true, "security_groups": true},
         "expressions": {
             "subnet_id": {"references": ["aws_subnet.private.id", "aws_subnet.private"]},
             "vpc_security_group_ids": to_web()}},
        {"address": "aws_instance.bare", "type": "aws_instance",
         "after": {"ami": "ami-1", "instance_type": "t3.micro", "user_data": null},
         "after_unknown": {"id": true, "metadata_options": true, "subnet_id": true,
                           "associate_public_ip_address": true,
                           "vpc_security_group_ids": true}},
    ])
}

#[test]
fn an_instance_has_its_imds_settings_network_and_groups() {
    let loaded = load(&plan(instances(), None));
    assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
    let c = config(&loaded, "aws_instance.app");
    assert_eq!(
        c["MetadataOptions"],
        json!({"HttpTokens": "required", "HttpEndpoint": "enabled"})
    );
    assert_eq!(c["SubnetId"], "${aws_subnet/private.id}");
    assert_eq!(c["VpcId"], "vpc-0a1b2c3d", "its subnet's");
    assert!(
        c.get("PublicIpAddress").is_none(),
        "associate_public_ip_address false"
    );
    assert_eq!(
        c["SecurityGroups"],
        json!([{"GroupId": "${aws_security_group/web.id}"}])
    );
    assert_eq!(c["InstanceType"], "t3.micro");
    assert!(
        !c.to_string().contains("hunter2"),
        "user data is never read: {c}"
    );
    assert!(failing(&loaded, "aws_instance.app").is_none());

    let bare = config(&loaded, "aws_instance.bare");
    assert_eq!(bare["MetadataOptions"]["HttpTokens"], UNKNOWN_TEXT);
    assert_eq!(
        bare["PublicIpAddress"], "${aws_instance/bare.PublicIp}",
        "no subnet: the default VPC's, which maps public IPs"
    );
    assert_eq!(bare["SecurityGroups"], json!([{"GroupName": "default"}]));
}

#[test]
fn an_encrypted_volume_and_its_attachment() {
    let text = plan(
        json!([
            {"address": "aws_ebs_volume.data", "type": "aws_ebs_volume",
             "after": {"availability_zone": "eu-west-1a", "size": 20, "encrypted": true,
                       "type": "gp3", "snapshot_id": "", "tags": null},
             "after_unknown": {"id": true, "arn": true, "kms_key_id": true, "iops": true},
             "expressions": {"kms_key_id": {"references": ["aws_kms_key.k.arn", "aws_kms_key.k"]}}},
            {"address": "aws_ebs_volume.plain", "type": "aws_ebs_volume",
             "after": {"availability_zone": "eu-west-1a", "size": 8, "encrypted": false},
             "after_unknown": {"id": true, "type": true, "kms_key_id": true}},
            {"address": "aws_volume_attachment.data", "type": "aws_volume_attachment",
             "after": {"device_name": "/dev/sdf", "instance_id": "i-0123"},
             "after_unknown": {"id": true, "volume_id": true},
             "expressions": {"volume_id": {"references": ["aws_ebs_volume.data.id",
                                                          "aws_ebs_volume.data"]}}},
        ]),
        None,
    );
    let loaded = load(&text);
    assert_eq!(loaded.joined, 1);
    let c = config(&loaded, "aws_ebs_volume.data");
    assert_eq!(c["Encrypted"], true);
    assert_eq!(c["KmsKeyId"], "${aws_kms_key/k.arn}");
    assert_eq!((&c["VolumeType"], &c["Size"]), (&json!("gp3"), &json!(20)));
    assert!(c.get("SnapshotId").is_none(), "`\"\"` is not a snapshot");
    assert_eq!(c["State"], "in-use");
    assert_eq!(
        c["Attachments"],
        json!([{"InstanceId": "i-0123", "Device": "/dev/sdf", "State": "attached"}])
    );
    let plain = config(&loaded, "aws_ebs_volume.plain");
    assert_eq!(plain["Encrypted"], false);
    assert_eq!(plain["VolumeType"], "gp2", "EBS's default type");
    assert_eq!(plain["State"], "available");
}

#[path = "translate_network_more_tests.rs"]
mod more;
