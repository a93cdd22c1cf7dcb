# Helpers for resource-based policies (SNS, SQS, Lambda, ECR, Secrets Manager): who a policy
# lets in, and whether it refuses requests without TLS. Not a rule: no METADATA block.
package vigil.lib.aws_policy

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

statements(doc) := as_list(object.get(doc, "Statement", [])) if is_object(doc)

statements(doc) := [] if not is_object(doc)

# A principal that names everyone: "*", {"AWS": "*"} or a list holding "*".
everyone(p) if p == "*"

everyone(p) if {
	is_object(p)
	"*" in as_list(object.get(p, "AWS", []))
}

# Condition keys that tie a statement to an account, organization, source or network, so
# that "*" as the principal is not the whole internet (as AWS's own public-access checks and
# Prowler's read them).
restricting_keys := {
	"aws:sourceaccount", "aws:sourceowner", "aws:sourcearn", "aws:principalorgid",
	"aws:principalaccount", "aws:principalarn", "aws:sourcevpc", "aws:sourcevpce",
	"aws:sourceorgid", "aws:sourceorgpaths", "aws:principalorgpaths", "aws:sourceip",
	"aws:userid", "aws:username", "aws:resourceaccount", "aws:resourceorgid",
	"lambda:functionurlauthtype", "lambda:eventsourcetoken",
}

restricted(s) if {
	some _, cond in object.get(s, "Condition", {})
	some k, _ in cond
	lower(k) in restricting_keys
}

# Allow statements anyone on the internet matches: principal "*" and no condition that
# narrows it to an account, organization, source or network.
public_allows(doc) := [s |
	some s in statements(doc)
	s.Effect == "Allow"
	everyone(object.get(s, "Principal", ""))
	not restricted(s)
]

insecure_transport(s) if {
	some op in ["Bool", "BoolIfExists"]
	some k, v in object.get(object.get(s, "Condition", {}), op, {})
	lower(k) == "aws:securetransport"
	some x in as_list(v)
	lower(sprintf("%v", [x])) == "false"
}

# The policy has a Deny for everyone on requests made without TLS.
tls_denied(doc) if {
	some s in statements(doc)
	s.Effect == "Deny"
	everyone(object.get(s, "Principal", ""))
	insecure_transport(s)
}
