# METADATA
# title: SNS topic policy does not deny requests without TLS
# description: The topic policy must have a statement with Effect Deny, Principal * (or AWS *) and Condition Bool aws:SecureTransport false. A topic without a policy does not deny them either.
# custom:
#   id: SNS-AWS-003
#   severity: low
#   controls: [AC-17(2), SC-8, SC-8(1)]
#   resource_types: ["AWS::SNS::Topic"]
#   remediation: "Add a topic policy statement: Effect Deny, Principal *, Action SNS:Publish, Resource the topic, Condition Bool aws:SecureTransport false."
package vigil.rules.aws.messaging.topic_tls_only

import data.vigil.lib.aws
import data.vigil.lib.aws_policy

deny contains {"msg": msg, "path": "config.Policy"} if {
	object.get(input.config, "Policy", null) == null
	msg := sprintf("topic %s has no access policy, so requests without TLS are not denied", [aws.label(input)])
}

deny contains {"msg": msg, "path": "config.Policy"} if {
	policy := object.get(input.config, "Policy", null)
	policy != null
	not aws_policy.tls_denied(policy)
	msg := sprintf("topic %s policy does not deny requests without TLS (aws:SecureTransport false)", [aws.label(input)])
}
