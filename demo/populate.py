#!/usr/bin/env python3
"""Populate an AWS emulator (moto's server) with vigil's demo estate.

    python3 demo/populate.py --endpoint-url http://127.0.0.1:PORT [--regions us-east-1,eu-west-1]

Some resources comply with vigil's rules, others break them on purpose; the comment on each
names the rule(s) it is meant to trigger ("compliant" where none should fire). Global
resources (IAM, S3, CloudTrail, RDS, most KMS keys) go to the first region; EC2 resources and
an EBS key go to every region. Only boto3 is needed, and only the endpoint given is ever
contacted (the credentials are dummies). Run it once against a fresh server: a second run
stops with a clear message instead of duplicating the estate.

Rules that cannot fire on one scan of a fresh estate: IDLE-AWS-001/002/003 report resources
in a reapable environment (tag environment=dev by default) idle for longer than idle_hours
(72) as vigil's history sees them, so they need scans days apart (`vigil idle` lists the idle
resources from the first scan on); IAM-AWS-005 (moto cannot give root access keys). See
docs/moto-notes.md.
"""
import argparse
import json
import sys

try:
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError
except ImportError:
    sys.exit("populate.py needs boto3: pip install boto3")

TAGS = {"owner": "platform-team", "environment": "prod", "cost-center": "cc-1042", "data-classification": "internal"}


def tag_list(extra=None, **override):
    """The four required tags (override one with a keyword, drop one with None) plus extras."""
    tags = dict(TAGS, **override)
    tags.update(extra or {})
    return [{"Key": k, "Value": v} for k, v in tags.items() if v is not None]


def kms_tags(**override):
    return [{"TagKey": t["Key"], "TagValue": t["Value"]} for t in tag_list(**override)]


def doc(*statements):
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


class Estate:
    def __init__(self, endpoint, regions):
        self.endpoint = endpoint
        self.regions = regions
        self.home = regions[0]
        self.created = {}

    def client(self, service, region=None):
        return boto3.client(service, endpoint_url=self.endpoint, region_name=region or self.home,
                            aws_access_key_id="testing", aws_secret_access_key="testing",
                            config=Config(retries={"max_attempts": 2}, connect_timeout=5, read_timeout=60))

    def count(self, kind, n=1):
        self.created[kind] = self.created.get(kind, 0) + n

    # ---- IAM (global) ----------------------------------------------------------------------
    def iam(self):
        iam = self.client("iam")
        if any(u["UserName"] == "alice" for u in iam.list_users()["Users"]):
            sys.exit("populate.py: this emulator already holds the demo estate (user alice exists); "
                     "start a fresh one (demo/moto.sh start) or POST /moto-api/reset")

        # IAM-AWS-007: console password, no MFA. Also in the admins group below.
        iam.create_user(UserName="alice", Tags=tag_list(owner="alice@example.com"))
        iam.create_login_profile(UserName="alice", Password="Demo-only-123!")
        iam.create_access_key(UserName="alice")
        # Compliant: console password with a virtual MFA device.
        iam.create_user(UserName="bob", Tags=tag_list(owner="bob@example.com"))
        iam.create_login_profile(UserName="bob", Password="Demo-only-456!")
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName="bob", SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
        # Programmatic only (access key); gets the s3:* policy below. SEC-AWS-001: someone
        # left a deploy token in a tag; vigil stores and prints it only redacted.
        iam.create_user(UserName="ci-bot", Tags=tag_list(extra={"deploy_token": "demo-token-not-a-real-one-0042"}))
        iam.create_access_key(UserName="ci-bot")
        self.count("iam users", 3)

        iam.create_group(GroupName="admins")
        # IAM-AWS-001 (Action * on Resource *) and IAM-AWS-003 (inline policy).
        iam.put_group_policy(GroupName="admins", PolicyName="everything",
                             PolicyDocument=doc({"Effect": "Allow", "Action": "*", "Resource": "*"}))
        iam.add_user_to_group(GroupName="admins", UserName="alice")
        self.count("iam groups")

        policies = {
            "AdminAll": doc({"Effect": "Allow", "Action": "*", "Resource": "*"}),  # IAM-AWS-001
            "S3FullAccessWildcard": doc({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}),  # IAM-AWS-002
            "DecryptEverything": doc({"Effect": "Allow", "Action": ["kms:Decrypt"], "Resource": "*"}),  # IAM-AWS-004
            # Compliant: least privilege on one bucket.
            "ReadReportsBucket": doc({"Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
                                      "Resource": ["arn:aws:s3:::acme-reports", "arn:aws:s3:::acme-reports/*"]}),
        }
        arns = {name: iam.create_policy(PolicyName=name, PolicyDocument=document)["Policy"]["Arn"]
                for name, document in policies.items()}
        self.count("iam policies", len(policies))

        # Compliant role: trust policy for EC2, one least-privilege managed policy.
        iam.create_role(RoleName="reports-reader", Tags=tag_list(),
                        AssumeRolePolicyDocument=doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                                                      "Action": "sts:AssumeRole"}))
        iam.attach_role_policy(RoleName="reports-reader", PolicyArn=arns["ReadReportsBucket"])
        iam.attach_user_policy(UserName="ci-bot", PolicyArn=arns["S3FullAccessWildcard"])
        self.count("iam roles")
        # IAM-AWS-006 fires on its own: moto's account summary always says AccountMFAEnabled 0.

    # ---- KMS keys and S3 (global, home region) ----------------------------------------------
    def storage(self):
        kms = self.client("kms")
        # Compliant key: rotation on, tagged. Encrypts the audit bucket, the trail's bucket, RDS.
        data_key = kms.create_key(Description="s3 data key", Tags=kms_tags())["KeyMetadata"]
        kms.enable_key_rotation(KeyId=data_key["KeyId"])
        # KMS-AWS-001 (rotation off) and TAG-AWS-004 / TAG-AWS-005 (missing tags, owner "TBD").
        kms.create_key(Description="legacy key", Tags=[{"TagKey": "owner", "TagValue": "TBD"}])
        # KMS-AWS-002 (pending deletion) and TAG-AWS-004 (untagged).
        old = kms.create_key(Description="retired key")["KeyMetadata"]
        kms.schedule_key_deletion(KeyId=old["KeyId"], PendingWindowInDays=7)
        self.count("kms keys", 3)
        self.data_key_arn = data_key["Arn"]

        s3 = self.client("s3")

        def bucket(name):
            if self.home == "us-east-1":
                s3.create_bucket(Bucket=name)
            else:
                s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.home})

        # Compliant: SSE-KMS with a bucket key, full public access block, TLS-only policy, tags.
        bucket("acme-audit-logs")
        s3.put_bucket_encryption(Bucket="acme-audit-logs", ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": self.data_key_arn},
             "BucketKeyEnabled": True}]})
        s3.put_public_access_block(Bucket="acme-audit-logs", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True})
        s3.put_bucket_policy(Bucket="acme-audit-logs", Policy=doc({
            "Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Resource": ["arn:aws:s3:::acme-audit-logs", "arn:aws:s3:::acme-audit-logs/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}}}))
        s3.put_bucket_tagging(Bucket="acme-audit-logs",
                              Tagging={"TagSet": tag_list(**{"data-classification": "confidential"})})
        # S3-AWS-001 (no default encryption), S3-AWS-002 (no policy), NET-AWS-005 (no public
        # access block), TAG-AWS-003 (no tags): nothing configured at all.
        bucket("acme-public-assets")
        # S3-AWS-001 (SSE-S3 only), S3-AWS-002, NET-AWS-005 (BlockPublicPolicy off),
        # TAG-AWS-003 (unknown data classification "top-secret").
        bucket("acme-reports")
        s3.put_bucket_encryption(Bucket="acme-reports", ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
        s3.put_public_access_block(Bucket="acme-reports", PublicAccessBlockConfiguration={
            "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": False, "RestrictPublicBuckets": True})
        s3.put_bucket_tagging(Bucket="acme-reports",
                              Tagging={"TagSet": tag_list(**{"data-classification": "top-secret"})})
        self.count("s3 buckets", 3)

    # ---- CloudTrail (home region, multi-region) ---------------------------------------------
    def cloudtrail(self):
        ct = self.client("cloudtrail")
        # LOG-AWS-001 passes in every scanned region (a shadow trail covers the others) and
        # LOG-AWS-002 passes (validation on); CT-AWS-001 (no KMS key) and LOG-AWS-003 (no
        # CloudWatch Logs) fire.
        ct.create_trail(Name="org-trail", S3BucketName="acme-audit-logs", IsMultiRegionTrail=True,
                        EnableLogFileValidation=True, TagsList=tag_list())
        ct.start_logging(Name="org-trail")
        self.count("cloudtrail trails")

    # ---- RDS (home region) ------------------------------------------------------------------
    def rds(self):
        rds = self.client("rds")
        # RDS-AWS-001 (unencrypted) and NET-AWS-006 (public). The passwords are demo values.
        rds.create_db_instance(DBInstanceIdentifier="orders-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="orders", MasterUserPassword="demo-only-pw-1",
                               AllocatedStorage=20, PubliclyAccessible=True, StorageEncrypted=False,
                               Tags=tag_list(**{"data-classification": "confidential"}))
        # Compliant: encrypted with a customer key, private, tagged.
        rds.create_db_instance(DBInstanceIdentifier="billing-db", DBInstanceClass="db.t3.micro", Engine="postgres",
                               MasterUsername="billing", MasterUserPassword="demo-only-pw-2",
                               AllocatedStorage=20, PubliclyAccessible=False, StorageEncrypted=True,
                               KmsKeyId=self.data_key_arn, MultiAZ=True, BackupRetentionPeriod=7,
                               Tags=tag_list(**{"data-classification": "restricted"}))
        self.count("rds instances", 2)

    # ---- EC2, per region --------------------------------------------------------------------
    def ec2(self, region, first):
        ec2 = self.client("ec2", region)
        # Compliant per-region EBS key (rotation on, tagged). Encrypted volumes name it
        # explicitly: without a KmsKeyId moto invents an alias/aws/ebs key that it reports as a
        # customer key with rotation off.
        kms = self.client("kms", region)
        ebs_key = kms.create_key(Description=f"ebs key {region}", Tags=kms_tags())["KeyMetadata"]
        kms.enable_key_rotation(KeyId=ebs_key["KeyId"])
        self.count("kms keys")

        image = ec2.register_image(Name="base-image", RootDeviceName="/dev/xvda",
                                   BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8}}])["ImageId"]
        # Registering the image also leaves an unencrypted "Auto-created snapshot for AMI" (EBS-AWS-003).

        vpc = ec2.create_vpc(CidrBlock="10.20.0.0/16")["Vpc"]["VpcId"]
        ec2.create_tags(Resources=[vpc], Tags=tag_list(Name=f"app-{region}"))
        if first:
            # LOG-AWS-004 passes for this VPC; the region's default VPC (and, in the other
            # regions, this VPC too) has no flow log and fails. TAG-AWS-004 fires on default VPCs.
            ec2.create_flow_logs(ResourceIds=[vpc], ResourceType="VPC", TrafficType="ALL",
                                 LogDestinationType="s3", LogDestination="arn:aws:s3:::acme-audit-logs")
            ec2.enable_ebs_encryption_by_default()  # EBS-AWS-002 fires in the other regions only
        self.count("vpcs")
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="10.20.1.0/24")["Subnet"]["SubnetId"]
        # NET-AWS-003 fires on every VPC's default security group (moto gives it an allow-all egress rule).

        web = ec2.create_security_group(GroupName="web", Description="https from anywhere", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=web, IpPermissions=[  # compliant: 443 only
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        bastion = ec2.create_security_group(GroupName="ssh-internal", Description="ssh from the corporate range",
                                            VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=bastion, IpPermissions=[  # compliant: SSH from 10/8 only
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "10.0.0.0/8"}]}])
        ssh = ec2.create_security_group(GroupName="ssh-anywhere", Description="legacy admin", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=ssh, IpPermissions=[  # NET-AWS-001 (IPv4 and IPv6)
            {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}],
             "Ipv6Ranges": [{"CidrIpv6": "::/0"}]}])
        db = ec2.create_security_group(GroupName="db-open", Description="mysql", VpcId=vpc)["GroupId"]
        ec2.authorize_security_group_ingress(GroupId=db, IpPermissions=[  # NET-AWS-002 (MySQL)
            {"IpProtocol": "tcp", "FromPort": 3306, "ToPort": 3306, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
        ec2.create_tags(Resources=[web, bastion, ssh, db], Tags=tag_list())
        self.count("security groups", 4)

        def encrypted_root(name, **override):
            return dict(
                BlockDeviceMappings=[{"DeviceName": "/dev/xvda", "Ebs": {
                    "VolumeSize": 8, "Encrypted": True, "KmsKeyId": ebs_key["Arn"], "DeleteOnTermination": True}}],
                TagSpecifications=[{"ResourceType": "instance", "Tags": tag_list(Name=name, **override)},
                                   {"ResourceType": "volume", "Tags": tag_list(Name=f"{name}-root", **override)}])

        # Compliant: IMDSv2 only, private subnet, encrypted tagged root volume, all tags, and a
        # valid NIST_Control tag (TAG-AWS-006 passes).
        spec = encrypted_root("api-1", extra={"NIST_Control": "AC-2_SC-28"})
        ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
                          SecurityGroupIds=[web, bastion],
                          MetadataOptions={"HttpTokens": "required", "HttpEndpoint": "enabled"}, **spec)
        # EC2-AWS-001 (IMDSv1), NET-AWS-004 (public IP: default VPC subnet), TAG-AWS-001 (only a
        # Name tag), TAG-AWS-006 (invalid NIST_Control "AC-99_XX-1"); its root volume is moto's
        # default, unencrypted and untagged (EBS-AWS-001, TAG-AWS-002).
        legacy = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro",
                                   TagSpecifications=[{"ResourceType": "instance",
                                                       "Tags": [{"Key": "Name", "Value": "legacy-box"},
                                                                {"Key": "NIST_Control", "Value": "AC-99_XX-1"}]}])
        legacy_id = legacy["Instances"][0]["InstanceId"]
        # IDLE-AWS-001 once stopped for longer than idle_hours (72 by default; moto stamps the
        # stop with the current time): a dev instance, so a reaping candidate.
        spec = encrypted_root("batch-worker", environment="dev")
        stopped = ec2.run_instances(ImageId=image, MinCount=1, MaxCount=1, InstanceType="t3.micro", SubnetId=subnet,
                                    MetadataOptions={"HttpTokens": "required"}, **spec)
        ec2.stop_instances(InstanceIds=[stopped["Instances"][0]["InstanceId"]])
        self.count("instances", 3)

        az = f"{region}a"
        # Compliant: encrypted with the customer key, tagged (unattached, but created just now).
        ok_vol = ec2.create_volume(AvailabilityZone=az, Size=20, Encrypted=True, KmsKeyId=ebs_key["Arn"],
                                   TagSpecifications=[{"ResourceType": "volume", "Tags": tag_list(Name="data")}])
        # EBS-AWS-001 (unencrypted), TAG-AWS-002 (untagged); idle (unattached) but untagged, so
        # not in a reapable environment: `vigil idle` lists it, IDLE-AWS-002 does not report it.
        loose = ec2.create_volume(AvailabilityZone=az, Size=50, Encrypted=False)
        self.count("volumes", 2)
        ec2.create_snapshot(VolumeId=loose["VolumeId"], Description="before cleanup")  # EBS-AWS-003
        ec2.create_snapshot(VolumeId=ok_vol["VolumeId"], Description="nightly",  # compliant
                            TagSpecifications=[{"ResourceType": "snapshot", "Tags": tag_list()}])
        self.count("snapshots", 2)

        # Allocated, never associated: idle (`vigil idle`), in prod, so not a reaping candidate.
        idle = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.create_tags(Resources=[idle], Tags=tag_list(Name="spare-ip"))
        # Compliant: associated with legacy-box.
        used = ec2.allocate_address(Domain="vpc")["AllocationId"]
        ec2.associate_address(AllocationId=used, InstanceId=legacy_id)
        self.count("elastic ips", 2)

    def run(self):
        self.iam()
        self.storage()
        self.cloudtrail()
        self.rds()
        for i, region in enumerate(self.regions):
            self.ec2(region, first=(i == 0))
        summary = ", ".join(f"{n} {kind}" for kind, n in self.created.items())
        print(f"demo estate in {', '.join(self.regions)}: {summary}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.strip().splitlines()[0])
    ap.add_argument("--endpoint-url", required=True, help="moto server URL, e.g. http://127.0.0.1:5000")
    ap.add_argument("--regions", default="us-east-1,eu-west-1",
                    help="comma-separated; the first gets the global resources (default: %(default)s)")
    args = ap.parse_args()
    regions = list(dict.fromkeys(r.strip() for r in args.regions.split(",") if r.strip()))
    if not regions:
        ap.error("--regions is empty")
    try:
        Estate(args.endpoint_url.rstrip("/"), regions).run()
    except ClientError as e:
        err = e.response.get("Error", {})
        sys.exit(f"populate.py: {e.operation_name} failed: {err.get('Code')}: {err.get('Message')}")
    except BotoCoreError as e:
        sys.exit(f"populate.py: cannot reach {args.endpoint_url}: {e}")


if __name__ == "__main__":
    main()
