# METADATA
# title: Credential in an annotation or label
# custom:
#   id: SEC-K8S-003
#   severity: high
#   controls: [IA-5(7), SC-28]
#   resource_types: ["@k8s"]
#   remediation: Move the credential into a Secret (or the secret store the annotation's consumer supports) and reference it; annotations and labels are readable by everyone who may get or list the object.
package vigil.rules.k8s.secrets.no_secrets_in_metadata

import data.vigil.lib.k8s

# vigil replaces credential-looking values with this text (and a keyed hash) before rules
# run, so a rule sees where a credential was, never the credential.
redacted := "(redacted by vigil)"

# An object's own metadata, unless vigil checks it on its controller (a Pod's annotations
# come from its Deployment's template), and its pod template's.
deny contains f if {
	not k8s.controlled(input)
	some f in carried(k8s.metadata(input), "config.metadata", input.name)
}

deny contains f if {
	input.type in k8s.workload_types
	not k8s.controlled(input)
	m := object.get(input.config, ["spec", "template", "metadata"], {})
	some f in carried(m, "config.spec.template.metadata", sprintf("%s: pod template", [input.name]))
}

deny contains f if {
	input.type == "K8s::batch::CronJob"
	m := object.get(input.config, ["spec", "jobTemplate", "spec", "template", "metadata"], {})
	some f in carried(m, "config.spec.jobTemplate.spec.template.metadata", sprintf("%s: pod template", [input.name]))
}

# The annotations and labels of one metadata object that carry a redacted credential.
carried(meta, path, what) := {{"msg": msg, "path": sprintf("%s.%s[%q]", [path, field, key])} |
	some field in ["annotations", "labels"]
	some key, value in object.get(meta, field, {})
	is_string(value)
	contains(value, redacted)
	msg := sprintf("%s: %s %s carries a credential", [what, trim_suffix(field, "s"), key])
}
