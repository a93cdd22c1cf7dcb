# METADATA
# title: Pod mounts a service account token it may not need
# description: "A pod spec that leaves automountServiceAccountToken unset inherits its ServiceAccount's setting: it passes when the collected ServiceAccount sets automountServiceAccountToken: false. Where the ServiceAccount is unknown (manifest mode, not collected) the pod is reported."
# custom:
#   id: RBAC-K8S-004
#   severity: medium
#   controls: [AC-6]
#   resource_types: ["@k8s-pods"]
#   remediation: "Set automountServiceAccountToken: false on the pod spec or its ServiceAccount, or annotate the workload vigil.dev/needs-api-access: \"true\" when it calls the API."
package vigil.rules.k8s.rbac.automount_token

import data.vigil.lib.k8s

deny contains {"msg": msg, "path": sprintf("%s.automountServiceAccountToken", [p.path])} if {
	p := k8s.pod(input)
	not p.spec.automountServiceAccountToken == false
	not inherits_false(p.spec)
	not object.get(k8s.metadata(input), "annotations", {})["vigil.dev/needs-api-access"] == "true"
	msg := sprintf("%s: pod mounts the token of service account %s (set automountServiceAccountToken: false)", [input.name, service_account(p.spec)])
}

# The pod spec leaves the field unset and its ServiceAccount, as collected, disables it.
inherits_false(spec) if {
	object.get(spec, "automountServiceAccountToken", null) == null
	accounts := k8s.facts(input, "service_accounts")
	object.get(accounts, [k8s.namespace(input), service_account(spec), "automountServiceAccountToken"], null) == false
}

# The pod's ServiceAccount: serviceAccountName, else the deprecated serviceAccount, else "default".
service_account(spec) := name if {
	name := object.get(spec, "serviceAccountName", "")
	is_string(name)
	name != ""
}

service_account(spec) := name if {
	not named(spec, "serviceAccountName")
	name := object.get(spec, "serviceAccount", "")
	is_string(name)
	name != ""
}

service_account(spec) := "default" if {
	not named(spec, "serviceAccountName")
	not named(spec, "serviceAccount")
}

named(spec, field) if {
	is_string(spec[field])
	spec[field] != ""
}
