#!/usr/bin/env python3
"""Plan-only stand-in for the hashicorp/aws Terraform provider.

Serves, under the source address registry.terraform.io/hashicorp/aws, the resource
schemas of hashicorp/aws v5.99.0 for the handful of resource types the vigil Terraform
fixture uses (see README.md for where each schema was taken from), and plans creates the
way the real provider does: attributes the configuration sets are planned as set,
SDKv2 `Default`s are filled in, every other Computed attribute (and every Optional+Computed
SDKv2 block the configuration leaves out) is "known after apply", and `tags_all` is the
provider's `default_tags` merged with the resource's `tags`.

It cannot create, read or delete anything: apply fails with an error. It exists only so
that the real `terraform` binary can produce a plan without network access to the registry.

Runs on the `tf` package from PyPI (https://github.com/hfern/tf), which implements the
go-plugin handshake and the tfplugin6 gRPC service; this module overrides the servicer's
RPCs it needs rather than using tf's resource abstractions, because those know neither
list-nested blocks nor SDKv2 defaults.
"""

import json
import sys

import msgpack
from msgpack import ExtType

from tf import provider as tf_provider
from tf import runner as tf_runner
from tf.gen import tfplugin_pb2 as pb
from tf.iface import Provider

PROVIDER_ADDRESS = "registry.terraform.io/hashicorp/aws"
PROVIDER_VERSION = "5.99.0"

# --------------------------------------------------------------------------------------
# Values on the wire (cty msgpack). Unknown values are msgpack extension values; cty
# writes a plain unknown as fixext1 type 0 with a zero byte. Unknowns that arrive from
# Terraform (possibly refined, another extension type) are passed back untouched.

UNKNOWN = ExtType(0, b"\x00")


def is_unknown(v):
    return isinstance(v, ExtType)


def decode(dv):
    if dv.msgpack:
        return msgpack.unpackb(dv.msgpack, raw=False, strict_map_key=False)
    if dv.json:
        return json.loads(dv.json)
    return None


def encode(v):
    return pb.DynamicValue(msgpack=msgpack.packb(v, use_bin_type=True))


# --------------------------------------------------------------------------------------
# StateFuncs of the real provider that change a configured value at plan time.


def normalize_json(v):
    """terraform-plugin-sdk's structure.NormalizeJsonString: unmarshal and marshal again
    with Go's encoding/json (sorted keys, no spaces, HTML characters escaped). On invalid
    JSON the value is returned unchanged, as the provider's StateFuncs do."""
    try:
        doc = json.loads(v)
    except (TypeError, ValueError):
        return v
    out = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        out = out.replace(ch, esc)
    return out


_PROTOCOL_NAMES = {"6": "tcp", "17": "udp", "1": "icmp", "58": "icmpv6", "all": "-1"}


def normalize_protocol(v):
    """internal/service/ec2 protocolStateFunc: protocol numbers of the named protocols
    become their names, "all" becomes "-1"."""
    p = v.lower()
    return _PROTOCOL_NAMES.get(p, p)


# --------------------------------------------------------------------------------------
# Schema declarations. Types are cty JSON type expressions; flags: r = Required,
# o = Optional, c = Computed. `default` is an SDKv2 schema Default (not part of the wire
# schema, applied when planning). A nested block with computed=True is an SDKv2
# Optional+Computed block: left out of the configuration it is planned as unknown.

S, N, B = "string", "number", "bool"


def List(t):
    return ["list", t]


def Set(t):
    return ["set", t]


def Map(t):
    return ["map", t]


def Object(**attrs):
    return ["object", attrs]


class Attr:
    def __init__(self, type_, flags, default=None, deprecated=False, sensitive=False, normalize=None):
        assert set(flags) <= set("roc") and flags, flags
        self.type = type_
        self.required = "r" in flags
        self.optional = "o" in flags
        self.computed = "c" in flags
        self.default = default
        self.deprecated = deprecated
        self.sensitive = sensitive
        self.normalize = normalize

    def to_pb(self, name):
        return pb.Schema.Attribute(
            name=name,
            type=json.dumps(self.type, separators=(",", ":")).encode(),
            required=self.required,
            optional=self.optional,
            computed=self.computed,
            sensitive=self.sensitive,
            deprecated=self.deprecated,
            description_kind=pb.StringKind.PLAIN,
        )


class Block:
    def __init__(self, attrs, blocks=None, deprecated=False):
        self.attrs = attrs
        self.blocks = blocks or {}
        self.deprecated = deprecated

    def to_pb(self):
        return pb.Schema.Block(
            attributes=[a.to_pb(n) for n, a in sorted(self.attrs.items())],
            block_types=[nb.to_pb(n) for n, nb in sorted(self.blocks.items())],
            description_kind=pb.StringKind.PLAIN,
            deprecated=self.deprecated,
        )


_NESTING = {
    "single": pb.Schema.NestedBlock.NestingMode.SINGLE,
    "list": pb.Schema.NestedBlock.NestingMode.LIST,
    "set": pb.Schema.NestedBlock.NestingMode.SET,
}


class Nested:
    def __init__(self, nesting, block, min_items=0, max_items=0, computed=False):
        self.nesting = nesting
        self.block = block
        self.min_items = min_items
        self.max_items = max_items
        self.computed = computed

    def to_pb(self, name):
        return pb.Schema.NestedBlock(
            type_name=name,
            block=self.block.to_pb(),
            nesting=_NESTING[self.nesting],
            min_items=self.min_items,
            max_items=self.max_items,
        )


class Resource:
    def __init__(self, name, block, version=0, sdk=True):
        self.name = name
        self.block = block
        self.version = version
        # True for resources built on terraform-plugin-sdk v2 (served with the legacy type
        # system flag, as the SDK does); False for terraform-plugin-framework resources.
        self.sdk = sdk

    def to_pb(self):
        return pb.Schema(version=self.version, block=self.block.to_pb())


def timeouts(*ops):
    return Nested("single", Block({op: Attr(S, "o") for op in ops}))


def tags():
    return {"tags": Attr(Map(S), "o"), "tags_all": Attr(Map(S), "oc")}


# provider "aws" configuration (a subset: the assume_role*, endpoints and a few rarely
# used attributes are not declared).
PROVIDER = Block(
    {
        "access_key": Attr(S, "o"),
        "allowed_account_ids": Attr(Set(S), "o"),
        "custom_ca_bundle": Attr(S, "o"),
        "ec2_metadata_service_endpoint": Attr(S, "o"),
        "ec2_metadata_service_endpoint_mode": Attr(S, "o"),
        "forbidden_account_ids": Attr(Set(S), "o"),
        "http_proxy": Attr(S, "o"),
        "https_proxy": Attr(S, "o"),
        "insecure": Attr(B, "o"),
        "max_retries": Attr(N, "o"),
        "no_proxy": Attr(S, "o"),
        "profile": Attr(S, "o"),
        "region": Attr(S, "o"),
        "retry_mode": Attr(S, "o"),
        "s3_us_east_1_regional_endpoint": Attr(S, "o"),
        "s3_use_path_style": Attr(B, "o"),
        "secret_key": Attr(S, "o"),
        "shared_config_files": Attr(List(S), "o"),
        "shared_credentials_files": Attr(List(S), "o"),
        "skip_credentials_validation": Attr(B, "o"),
        "skip_metadata_api_check": Attr(S, "o"),
        "skip_region_validation": Attr(B, "o"),
        "skip_requesting_account_id": Attr(B, "o"),
        "sts_region": Attr(S, "o"),
        "token": Attr(S, "o"),
        "use_dualstack_endpoint": Attr(B, "o"),
        "use_fips_endpoint": Attr(B, "o"),
    },
    {
        "default_tags": Nested("list", Block({"tags": Attr(Map(S), "o")}), max_items=1),
        "ignore_tags": Nested(
            "list", Block({"key_prefixes": Attr(Set(S), "o"), "keys": Attr(Set(S), "o")}), max_items=1
        ),
    },
)

SG_RULE_OBJECT = Object(
    cidr_blocks=List(S),
    description=S,
    from_port=N,
    ipv6_cidr_blocks=List(S),
    prefix_list_ids=List(S),
    protocol=S,
    security_groups=Set(S),
    self=B,
    to_port=N,
)

RESOURCES = [
    # internal/service/kms/key.go
    Resource(
        "aws_kms_key",
        Block(
            {
                "arn": Attr(S, "c"),
                "bypass_policy_lockout_safety_check": Attr(B, "o", default=False),
                "custom_key_store_id": Attr(S, "o"),
                "customer_master_key_spec": Attr(S, "o", default="SYMMETRIC_DEFAULT"),
                "deletion_window_in_days": Attr(N, "o"),
                "description": Attr(S, "oc"),
                "enable_key_rotation": Attr(B, "o", default=False),
                "id": Attr(S, "oc"),
                "is_enabled": Attr(B, "o", default=True),
                "key_id": Attr(S, "c"),
                "key_usage": Attr(S, "o", default="ENCRYPT_DECRYPT"),
                "multi_region": Attr(B, "oc"),
                "policy": Attr(S, "oc", normalize=normalize_json),
                "rotation_period_in_days": Attr(N, "oc"),
                **tags(),
                "xks_key_id": Attr(S, "o"),
            },
            {"timeouts": timeouts("create")},
        ),
    ),
    # internal/service/ec2/vpc_security_group.go
    Resource(
        "aws_security_group",
        Block(
            {
                "arn": Attr(S, "c"),
                "description": Attr(S, "o", default="Managed by Terraform"),
                "egress": Attr(Set(SG_RULE_OBJECT), "oc"),
                "id": Attr(S, "oc"),
                "ingress": Attr(Set(SG_RULE_OBJECT), "oc"),
                "name": Attr(S, "oc"),
                "name_prefix": Attr(S, "oc"),
                "owner_id": Attr(S, "c"),
                "revoke_rules_on_delete": Attr(B, "o", default=False),
                **tags(),
                "vpc_id": Attr(S, "oc"),
            },
            {"timeouts": timeouts("create", "delete")},
        ),
        version=1,
    ),
    # internal/service/ec2/vpc_security_group_rule.go
    Resource(
        "aws_security_group_rule",
        Block(
            {
                "cidr_blocks": Attr(List(S), "o"),
                "description": Attr(S, "o"),
                "from_port": Attr(N, "r"),
                "id": Attr(S, "oc"),
                "ipv6_cidr_blocks": Attr(List(S), "o"),
                "prefix_list_ids": Attr(List(S), "o"),
                "protocol": Attr(S, "r", normalize=normalize_protocol),
                "security_group_id": Attr(S, "r"),
                "security_group_rule_id": Attr(S, "c"),
                "self": Attr(B, "o", default=False),
                "source_security_group_id": Attr(S, "oc"),
                "to_port": Attr(N, "r"),
                "type": Attr(S, "r"),
            },
            {"timeouts": timeouts("create")},
        ),
        version=2,
    ),
    # internal/service/ec2/vpc_security_group_ingress_rule.go (terraform-plugin-framework)
    Resource(
        "aws_vpc_security_group_ingress_rule",
        Block(
            {
                "arn": Attr(S, "c"),
                "cidr_ipv4": Attr(S, "o"),
                "cidr_ipv6": Attr(S, "o"),
                "description": Attr(S, "o"),
                "from_port": Attr(N, "o"),
                "id": Attr(S, "c"),
                "ip_protocol": Attr(S, "r"),
                "prefix_list_id": Attr(S, "o"),
                "referenced_security_group_id": Attr(S, "o"),
                "security_group_id": Attr(S, "r"),
                "security_group_rule_id": Attr(S, "c"),
                "tags": Attr(Map(S), "o"),
                "tags_all": Attr(Map(S), "c"),
                "to_port": Attr(N, "o"),
            }
        ),
        sdk=False,
    ),
    # internal/service/iam/role.go
    Resource(
        "aws_iam_role",
        Block(
            {
                "arn": Attr(S, "c"),
                "assume_role_policy": Attr(S, "r", normalize=normalize_json),
                "create_date": Attr(S, "c"),
                "description": Attr(S, "o"),
                "force_detach_policies": Attr(B, "o", default=False),
                "id": Attr(S, "oc"),
                "managed_policy_arns": Attr(Set(S), "oc", deprecated=True),
                "max_session_duration": Attr(N, "o", default=3600),
                "name": Attr(S, "oc"),
                "name_prefix": Attr(S, "oc"),
                "path": Attr(S, "o", default="/"),
                "permissions_boundary": Attr(S, "o"),
                **tags(),
                "unique_id": Attr(S, "c"),
            },
            {
                "inline_policy": Nested(
                    "set",
                    Block({"name": Attr(S, "o"), "policy": Attr(S, "o")}, deprecated=True),
                    computed=True,
                ),
            },
        ),
    ),
    # internal/service/iam/policy.go
    Resource(
        "aws_iam_policy",
        Block(
            {
                "arn": Attr(S, "c"),
                "attachment_count": Attr(N, "c"),
                "description": Attr(S, "o"),
                "id": Attr(S, "oc"),
                "name": Attr(S, "oc"),
                "name_prefix": Attr(S, "oc"),
                "path": Attr(S, "o", default="/"),
                "policy": Attr(S, "r", normalize=normalize_json),
                "policy_id": Attr(S, "c"),
                **tags(),
            }
        ),
    ),
    # internal/service/iam/role_policy_attachment.go
    Resource(
        "aws_iam_role_policy_attachment",
        Block({"id": Attr(S, "oc"), "policy_arn": Attr(S, "r"), "role": Attr(S, "r")}),
    ),
    # internal/service/logs/group.go
    Resource(
        "aws_cloudwatch_log_group",
        Block(
            {
                "arn": Attr(S, "c"),
                "id": Attr(S, "oc"),
                "kms_key_id": Attr(S, "o"),
                "log_group_class": Attr(S, "oc"),
                "name": Attr(S, "oc"),
                "name_prefix": Attr(S, "oc"),
                "retention_in_days": Attr(N, "o", default=0),
                "skip_destroy": Attr(B, "o", default=False),
                **tags(),
            }
        ),
    ),
    # internal/service/s3/bucket.go
    Resource(
        "aws_s3_bucket",
        Block(
            {
                "acceleration_status": Attr(S, "oc", deprecated=True),
                "acl": Attr(S, "oc", deprecated=True),
                "arn": Attr(S, "c"),
                "bucket": Attr(S, "oc"),
                "bucket_domain_name": Attr(S, "c"),
                "bucket_prefix": Attr(S, "oc"),
                "bucket_regional_domain_name": Attr(S, "c"),
                "force_destroy": Attr(B, "o", default=False),
                "hosted_zone_id": Attr(S, "c"),
                "id": Attr(S, "oc"),
                "object_lock_enabled": Attr(B, "oc"),
                "policy": Attr(S, "oc", deprecated=True),
                "region": Attr(S, "c"),
                "request_payer": Attr(S, "oc", deprecated=True),
                **tags(),
                "website_domain": Attr(S, "c", deprecated=True),
                "website_endpoint": Attr(S, "c", deprecated=True),
            },
            {
                "cors_rule": Nested(
                    "list",
                    Block(
                        {
                            "allowed_headers": Attr(List(S), "o"),
                            "allowed_methods": Attr(List(S), "r"),
                            "allowed_origins": Attr(List(S), "r"),
                            "expose_headers": Attr(List(S), "o"),
                            "max_age_seconds": Attr(N, "o"),
                        },
                        deprecated=True,
                    ),
                    computed=True,
                ),
                "grant": Nested(
                    "set",
                    Block(
                        {
                            "id": Attr(S, "o"),
                            "permissions": Attr(Set(S), "r"),
                            "type": Attr(S, "r"),
                            "uri": Attr(S, "o"),
                        },
                        deprecated=True,
                    ),
                    computed=True,
                ),
                "lifecycle_rule": Nested(
                    "list",
                    Block(
                        {
                            "abort_incomplete_multipart_upload_days": Attr(N, "o"),
                            "enabled": Attr(B, "r"),
                            "id": Attr(S, "oc"),
                            "prefix": Attr(S, "o"),
                            "tags": Attr(Map(S), "o"),
                        },
                        {
                            "expiration": Nested(
                                "list",
                                Block(
                                    {
                                        "date": Attr(S, "o"),
                                        "days": Attr(N, "o"),
                                        "expired_object_delete_marker": Attr(B, "o"),
                                    }
                                ),
                                max_items=1,
                            ),
                            "noncurrent_version_expiration": Nested(
                                "list", Block({"days": Attr(N, "o")}), max_items=1
                            ),
                            "noncurrent_version_transition": Nested(
                                "set", Block({"days": Attr(N, "o"), "storage_class": Attr(S, "r")})
                            ),
                            "transition": Nested(
                                "set",
                                Block(
                                    {
                                        "date": Attr(S, "o"),
                                        "days": Attr(N, "o"),
                                        "storage_class": Attr(S, "r"),
                                    }
                                ),
                            ),
                        },
                        deprecated=True,
                    ),
                    computed=True,
                ),
                "logging": Nested(
                    "list",
                    Block(
                        {"target_bucket": Attr(S, "r"), "target_prefix": Attr(S, "o")},
                        deprecated=True,
                    ),
                    max_items=1,
                    computed=True,
                ),
                "object_lock_configuration": Nested(
                    "list",
                    Block(
                        {"object_lock_enabled": Attr(S, "o", deprecated=True)},
                        {
                            "rule": Nested(
                                "list",
                                Block(
                                    {},
                                    {
                                        "default_retention": Nested(
                                            "list",
                                            Block(
                                                {
                                                    "days": Attr(N, "o"),
                                                    "mode": Attr(S, "r"),
                                                    "years": Attr(N, "o"),
                                                }
                                            ),
                                            min_items=1,
                                            max_items=1,
                                        )
                                    },
                                    deprecated=True,
                                ),
                                max_items=1,
                            )
                        },
                        deprecated=True,
                    ),
                    max_items=1,
                    computed=True,
                ),
                "replication_configuration": Nested(
                    "list",
                    Block(
                        {"role": Attr(S, "r")},
                        {
                            "rules": Nested(
                                "set",
                                Block(
                                    {
                                        "delete_marker_replication_status": Attr(S, "o"),
                                        "id": Attr(S, "o"),
                                        "prefix": Attr(S, "o"),
                                        "priority": Attr(N, "o"),
                                        "status": Attr(S, "r"),
                                    },
                                    {
                                        "destination": Nested(
                                            "list",
                                            Block(
                                                {
                                                    "account_id": Attr(S, "o"),
                                                    "bucket": Attr(S, "r"),
                                                    "replica_kms_key_id": Attr(S, "o"),
                                                    "storage_class": Attr(S, "o"),
                                                },
                                                {
                                                    "access_control_translation": Nested(
                                                        "list", Block({"owner": Attr(S, "r")}), max_items=1
                                                    ),
                                                    "metrics": Nested(
                                                        "list",
                                                        Block({"minutes": Attr(N, "o"), "status": Attr(S, "o")}),
                                                        max_items=1,
                                                    ),
                                                    "replication_time": Nested(
                                                        "list",
                                                        Block({"minutes": Attr(N, "o"), "status": Attr(S, "o")}),
                                                        max_items=1,
                                                    ),
                                                },
                                            ),
                                            min_items=1,
                                            max_items=1,
                                        ),
                                        "filter": Nested(
                                            "list",
                                            Block({"prefix": Attr(S, "o"), "tags": Attr(Map(S), "o")}),
                                            max_items=1,
                                        ),
                                        "source_selection_criteria": Nested(
                                            "list",
                                            Block(
                                                {},
                                                {
                                                    "sse_kms_encrypted_objects": Nested(
                                                        "list", Block({"enabled": Attr(B, "r")}), max_items=1
                                                    )
                                                },
                                            ),
                                            max_items=1,
                                        ),
                                    },
                                ),
                                min_items=1,
                            )
                        },
                        deprecated=True,
                    ),
                    max_items=1,
                    computed=True,
                ),
                "server_side_encryption_configuration": Nested(
                    "list",
                    Block(
                        {},
                        {
                            "rule": Nested(
                                "list",
                                Block(
                                    {"bucket_key_enabled": Attr(B, "o")},
                                    {
                                        "apply_server_side_encryption_by_default": Nested(
                                            "list",
                                            Block({"kms_master_key_id": Attr(S, "o"), "sse_algorithm": Attr(S, "r")}),
                                            min_items=1,
                                            max_items=1,
                                        )
                                    },
                                ),
                                min_items=1,
                                max_items=1,
                            )
                        },
                        deprecated=True,
                    ),
                    max_items=1,
                    computed=True,
                ),
                "timeouts": timeouts("create", "delete", "read", "update"),
                "versioning": Nested(
                    "list",
                    Block({"enabled": Attr(B, "o"), "mfa_delete": Attr(B, "o")}, deprecated=True),
                    max_items=1,
                    computed=True,
                ),
                "website": Nested(
                    "list",
                    Block(
                        {
                            "error_document": Attr(S, "o"),
                            "index_document": Attr(S, "o"),
                            "redirect_all_requests_to": Attr(S, "o"),
                            "routing_rules": Attr(S, "o"),
                        },
                        deprecated=True,
                    ),
                    max_items=1,
                    computed=True,
                ),
            },
        ),
    ),
    # internal/service/s3/bucket_public_access_block.go
    Resource(
        "aws_s3_bucket_public_access_block",
        Block(
            {
                "block_public_acls": Attr(B, "o", default=False),
                "block_public_policy": Attr(B, "o", default=False),
                "bucket": Attr(S, "r"),
                "id": Attr(S, "oc"),
                "ignore_public_acls": Attr(B, "o", default=False),
                "restrict_public_buckets": Attr(B, "o", default=False),
            }
        ),
    ),
    # internal/service/s3/bucket_server_side_encryption_configuration.go
    Resource(
        "aws_s3_bucket_server_side_encryption_configuration",
        Block(
            {
                "bucket": Attr(S, "r"),
                "expected_bucket_owner": Attr(S, "o"),
                "id": Attr(S, "oc"),
            },
            {
                "rule": Nested(
                    "set",
                    Block(
                        {"bucket_key_enabled": Attr(B, "o")},
                        {
                            "apply_server_side_encryption_by_default": Nested(
                                "list",
                                Block({"kms_master_key_id": Attr(S, "o"), "sse_algorithm": Attr(S, "r")}),
                                max_items=1,
                            )
                        },
                    ),
                    min_items=1,
                )
            },
        ),
    ),
    # internal/service/s3/bucket_policy.go
    Resource(
        "aws_s3_bucket_policy",
        Block(
            {
                "bucket": Attr(S, "r"),
                "id": Attr(S, "oc"),
                "policy": Attr(S, "r", normalize=normalize_json),
            }
        ),
    ),
    # internal/service/sqs/queue.go
    Resource(
        "aws_sqs_queue",
        Block(
            {
                "arn": Attr(S, "c"),
                "content_based_deduplication": Attr(B, "o", default=False),
                "deduplication_scope": Attr(S, "oc"),
                "delay_seconds": Attr(N, "o", default=0),
                "fifo_queue": Attr(B, "o", default=False),
                "fifo_throughput_limit": Attr(S, "oc"),
                "id": Attr(S, "oc"),
                "kms_data_key_reuse_period_seconds": Attr(N, "oc"),
                "kms_master_key_id": Attr(S, "o"),
                "max_message_size": Attr(N, "o", default=262144),
                "message_retention_seconds": Attr(N, "o", default=345600),
                "name": Attr(S, "oc"),
                "name_prefix": Attr(S, "oc"),
                "policy": Attr(S, "oc", normalize=normalize_json),
                "receive_wait_time_seconds": Attr(N, "o", default=0),
                "redrive_allow_policy": Attr(S, "oc", normalize=normalize_json),
                "redrive_policy": Attr(S, "oc", normalize=normalize_json),
                "sqs_managed_sse_enabled": Attr(B, "oc"),
                **tags(),
                "url": Attr(S, "c"),
                "visibility_timeout_seconds": Attr(N, "o", default=30),
            },
            {"timeouts": timeouts("create", "delete", "update")},
        ),
    ),
    # internal/service/route53/zone.go
    Resource(
        "aws_route53_zone",
        Block(
            {
                "arn": Attr(S, "c"),
                "comment": Attr(S, "o", default="Managed by Terraform"),
                "delegation_set_id": Attr(S, "o"),
                "force_destroy": Attr(B, "o", default=False),
                "id": Attr(S, "oc"),
                "name": Attr(S, "r"),
                "name_servers": Attr(List(S), "c"),
                "primary_name_server": Attr(S, "c"),
                **tags(),
                "zone_id": Attr(S, "c"),
            },
            {
                "timeouts": timeouts("create", "delete", "update"),
                "vpc": Nested("set", Block({"vpc_id": Attr(S, "r"), "vpc_region": Attr(S, "oc")})),
            },
        ),
    ),
]

RESOURCES_BY_NAME = {r.name: r for r in RESOURCES}


# --------------------------------------------------------------------------------------
# Planning


def plan_object(block, config):
    """Planned value of one object (resource or nested block element) being created."""
    planned = {}
    for name, attr in block.attrs.items():
        value = config.get(name)
        if value is None:
            if attr.default is not None:
                value = attr.default
            elif attr.computed:
                value = UNKNOWN
        elif attr.normalize is not None and isinstance(value, str):
            value = attr.normalize(value)
        planned[name] = value
    for name, nested in block.blocks.items():
        value = config.get(name)
        if is_unknown(value):
            planned[name] = value  # a dynamic block over an unknown collection
        elif nested.nesting == "single":
            planned[name] = None if value is None else plan_object(nested.block, value)
        elif not value:
            planned[name] = UNKNOWN if nested.computed else value
        else:
            planned[name] = [v if is_unknown(v) else plan_object(nested.block, v) for v in value]
    return planned


def wholly_known(value):
    if is_unknown(value):
        return False
    if isinstance(value, dict):
        return all(wholly_known(v) for v in value.values())
    if isinstance(value, list):
        return all(wholly_known(v) for v in value)
    return True


class StandInAWS(Provider):
    """The tf.iface.Provider the servicer is built around (its RPCs are overridden)."""

    def get_model_prefix(self):
        return ""

    def get_provider_schema(self, diags):
        raise NotImplementedError

    def full_name(self):
        return PROVIDER_ADDRESS

    def validate_config(self, diags, config):
        pass

    def configure_provider(self, diags, config):
        pass

    def get_data_sources(self):
        return []

    def get_resources(self):
        return []


class Servicer(tf_provider.ProviderServicer):
    def __init__(self, app):
        super().__init__(app)
        self.default_tags = {}
        self.default_tags_known = True
        self.ignore_keys = set()
        self.ignore_prefixes = []

    @staticmethod
    def _error(summary, detail=""):
        return [pb.Diagnostic(severity=pb.Diagnostic.ERROR, summary=summary, detail=detail)]

    def _capabilities(self):
        return pb.ServerCapabilities(plan_destroy=False, get_provider_schema_optional=True)

    def GetMetadata(self, request, context):
        return pb.GetMetadata.Response(
            server_capabilities=self._capabilities(),
            resources=[pb.GetMetadata.ResourceMetadata(type_name=r.name) for r in RESOURCES],
        )

    def GetProviderSchema(self, request, context):
        return pb.GetProviderSchema.Response(
            provider=pb.Schema(version=0, block=PROVIDER.to_pb()),
            provider_meta=pb.Schema(version=0, block=pb.Schema.Block()),
            resource_schemas={r.name: r.to_pb() for r in RESOURCES},
            server_capabilities=self._capabilities(),
        )

    def ValidateProviderConfig(self, request, context):
        return pb.ValidateProviderConfig.Response()

    def ValidateResourceConfig(self, request, context):
        # Terraform itself checks the configuration against the schema (attribute names,
        # types, Required, block counts); the real provider's value validators are not
        # reproduced.
        if request.type_name not in RESOURCES_BY_NAME:
            return pb.ValidateResourceConfig.Response(
                diagnostics=self._error(f"stand-in aws provider does not declare {request.type_name}")
            )
        return pb.ValidateResourceConfig.Response()

    def ConfigureProvider(self, request, context):
        config = decode(request.config) or {}
        default_tags = config.get("default_tags")
        self.default_tags, self.default_tags_known = {}, True
        if is_unknown(default_tags) or not wholly_known(default_tags):
            self.default_tags_known = False
        elif default_tags:
            self.default_tags = dict(default_tags[0].get("tags") or {})
        ignore_tags = config.get("ignore_tags")
        if ignore_tags and wholly_known(ignore_tags):
            self.ignore_keys = set(ignore_tags[0].get("keys") or [])
            self.ignore_prefixes = list(ignore_tags[0].get("key_prefixes") or [])
        return pb.ConfigureProvider.Response()

    def _tags_all(self, config_tags):
        """verify.SetTagsDiff (SDKv2) / the framework tagging interceptor's SetTagsAll:
        tags_all is the provider's default_tags overlaid with the resource's tags, known at
        plan time when both are; unknown when the result is empty."""
        if not self.default_tags_known or not wholly_known(config_tags):
            return UNKNOWN
        merged = dict(self.default_tags)
        merged.update(config_tags or {})
        merged = {
            k: v
            for k, v in merged.items()
            if k not in self.ignore_keys and not any(k.startswith(p) for p in self.ignore_prefixes)
        }
        return merged if merged else UNKNOWN

    def PlanResourceChange(self, request, context):
        resource = RESOURCES_BY_NAME.get(request.type_name)
        if resource is None:
            return pb.PlanResourceChange.Response(
                diagnostics=self._error(f"stand-in aws provider does not declare {request.type_name}")
            )
        prior = decode(request.prior_state)
        proposed = decode(request.proposed_new_state)
        if proposed is None:  # destroy
            return pb.PlanResourceChange.Response(
                planned_state=request.proposed_new_state, legacy_type_system=resource.sdk
            )
        if prior is not None:
            # Update: the stand-in never has state of its own; keep Terraform's proposal.
            planned = proposed
        else:
            config = decode(request.config) or {}
            planned = plan_object(resource.block, config)
            if "tags_all" in resource.block.attrs:
                planned["tags_all"] = self._tags_all(config.get("tags"))
        return pb.PlanResourceChange.Response(planned_state=encode(planned), legacy_type_system=resource.sdk)

    def ReadResource(self, request, context):
        return pb.ReadResource.Response(new_state=request.current_state, private=request.private)

    def UpgradeResourceState(self, request, context):
        state = json.loads(request.raw_state.json) if request.raw_state.json else None
        return pb.UpgradeResourceState.Response(upgraded_state=encode(state))

    def ApplyResourceChange(self, request, context):
        return pb.ApplyResourceChange.Response(
            diagnostics=self._error(
                "stand-in aws provider cannot apply",
                "This provider only declares the hashicorp/aws schema so that Terraform can plan "
                "offline (scripts/terraform-fixture); it has no AWS client.",
            )
        )

    def ImportResourceState(self, request, context):
        return pb.ImportResourceState.Response(diagnostics=self._error("stand-in aws provider cannot import"))

    def ReadDataSource(self, request, context):
        return pb.ReadDataSource.Response(diagnostics=self._error("stand-in aws provider has no data sources"))


def dump_schema():
    """`provider.py --schema`: the schemas in the form of `terraform providers schema -json`."""
    def block(b):
        out = {}
        attrs = {}
        for a in b.attributes:
            d = {"type": json.loads(a.type), "description_kind": "plain"}
            for flag in ("required", "optional", "computed", "sensitive", "deprecated"):
                if getattr(a, flag):
                    d[flag] = True
            attrs[a.name] = d
        if attrs:
            out["attributes"] = attrs
        nested = {}
        for nb in b.block_types:
            d = {"nesting_mode": pb.Schema.NestedBlock.NestingMode.Name(nb.nesting).lower(), "block": block(nb.block)}
            if nb.min_items:
                d["min_items"] = nb.min_items
            if nb.max_items:
                d["max_items"] = nb.max_items
            nested[nb.type_name] = d
        if nested:
            out["block_types"] = nested
        if b.deprecated:
            out["deprecated"] = True
        out["description_kind"] = "plain"
        return out

    return {
        "provider": {"version": 0, "block": block(PROVIDER.to_pb())},
        "resource_schemas": {
            r.name: {"version": r.version, "block": block(r.block.to_pb())} for r in RESOURCES
        },
    }


def main():
    if "--schema" in sys.argv:
        json.dump(dump_schema(), sys.stdout, indent=2, sort_keys=True)
        sys.stdout.write("\n")
        return
    tf_provider.ProviderServicer = Servicer  # tf.runner looks the class up at call time
    tf_runner.run_provider(StandInAWS(), sys.argv)


if __name__ == "__main__":
    main()
