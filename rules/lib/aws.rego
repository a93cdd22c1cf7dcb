# Helpers shared by the AWS rules. Not a rule: no METADATA block.
package vigil.lib.aws

import data.vigil.lib.idle

# A value that may be a string or a list, as a list.
as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

# The statements of an IAM policy document, always as a list.
statements(doc) := as_list(object.get(doc, "Statement", []))

# Required tag keys missing from a tag map, or present with an empty value, sorted.
missing_tags(tags, required) := sort([k |
	some k in required
	trim_space(object.get(tags, k, "")) == ""
])

# Every policy document a resource carries, as {name, document}:
# customer-managed policies their default version, principals their inline policies.
inline_policies(resource) := [{"name": resource.config.PolicyName, "document": doc} |
	doc := object.get(resource.config, "Document", null)
	doc != null
] if resource.type == "AWS::IAM::Policy"

inline_policies(resource) := [{"name": p.PolicyName, "document": p.PolicyDocument} |
	some key in ["UserPolicyList", "RolePolicyList", "GroupPolicyList"]
	some p in object.get(resource.config, key, [])
] if resource.type != "AWS::IAM::Policy"

# "customer-managed policy" or "inline policy <name>", for messages.
describe_policy(resource, p) := "the policy" if resource.type == "AWS::IAM::Policy"

describe_policy(resource, p) := sprintf("inline policy %s", [p.name]) if resource.type != "AWS::IAM::Policy"

# Allow statements of a document.
allows(doc) := [s |
	some s in statements(doc)
	s.Effect == "Allow"
]

# Lower-cased actions of a statement (Action only; NotAction is handled by the rules).
actions(s) := [lower(a) | some a in as_list(object.get(s, "Action", []))]

resources(s) := as_list(object.get(s, "Resource", []))

# True when an RFC 3339 timestamp lies more than `hours` before the scan time. Unlike the
# vigil.lib.idle helpers, a malformed timestamp is a rule error here, not `undefined`.
older_than_hours(ts, hours) if {
	t := time.parse_rfc3339_ns(ts)
	data.vigil.context.now_ns - t > hours * 3600000000000
}

# Whole days between an RFC 3339 timestamp and the scan time.
days_since(ts) := floor((data.vigil.context.now_ns - time.parse_rfc3339_ns(ts)) / 86400000000000)

# A short human name for messages: the resource's name, else the last part of its id.
label(r) := r.name if {
	is_string(r.name)
	r.name != ""
}

label(r) := last if {
	not has_name(r)
	parts := split(r.id, "/")
	last := parts[count(parts) - 1]
}

has_name(r) if {
	is_string(r.name)
	r.name != ""
}

# Whether the resource may be reaped by the idle rules: "<key>=<value>" for a tag matching
# params.reapable_tags ({"<tag key>": ["<value>", ...]}); undefined when none matches, and so
# when the parameter is empty ({}) or absent.
reapable(r) := idle.match(object.get(r, "tags", {}), object.get(data.vigil.context.params, "reapable_tags", {}))
