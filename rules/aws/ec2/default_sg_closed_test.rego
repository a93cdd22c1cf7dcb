package vigil.rules.aws.ec2.default_sg_closed

aws_default := {"type": "AWS::EC2::SecurityGroup", "config": {
	"GroupId": "sg-d", "GroupName": "default", "VpcId": "vpc-1",
	"IpPermissions": [{"IpProtocol": "-1", "IpRanges": [], "Ipv6Ranges": [], "UserIdGroupPairs": [{"GroupId": "sg-d"}]}],
	"IpPermissionsEgress": [{"IpProtocol": "-1", "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [], "UserIdGroupPairs": []}],
}}

test_deny_aws_default_rules if {
	r := deny with input as aws_default
	r == {
		{"msg": "default security group sg-d of vpc-1 has an inbound rule: all traffic with sg-d", "path": "config.IpPermissions[0]"},
		{"msg": "default security group sg-d of vpc-1 has an outbound rule: all traffic with 0.0.0.0/0", "path": "config.IpPermissionsEgress[0]"},
	}
}

test_deny_inbound_only_one_per_rule if {
	r := deny with input as {"config": {"GroupId": "sg-d", "GroupName": "default", "VpcId": "vpc-1", "IpPermissionsEgress": [], "IpPermissions": [
		{"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
		{"IpProtocol": "udp", "FromPort": 53, "ToPort": 53, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]},
	]}}
	count(r) == 2
	some f in r
	f.path == "config.IpPermissions[0]"
	f.msg == "default security group sg-d of vpc-1 has an inbound rule: tcp 22-22 with 10.0.0.0/8, ::/0"
}

test_allow_closed_default if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg-d", "GroupName": "default", "VpcId": "vpc-1", "IpPermissions": [], "IpPermissionsEgress": []}}
}

test_allow_closed_default_fields_missing if {
	count(deny) == 0 with input as {"config": {"GroupId": "sg-d", "GroupName": "default"}}
}

test_allow_non_default_group if {
	count(deny) == 0 with input as object.union(aws_default, {"config": {"GroupName": "web"}})
}
