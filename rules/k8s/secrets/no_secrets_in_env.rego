# METADATA
# title: Secret passed to a container through an environment variable
# custom:
#   id: SEC-K8S-001
#   severity: high
#   controls: [IA-5(7), SC-28]
#   resource_types: ["@k8s-pods"]
#   remediation: Mount secrets as files (volumes) instead of environment variables; never put secret values in the manifest.
package vigil.rules.k8s.secrets.no_secrets_in_env

import data.vigil.lib.k8s

secretish := `(?i)(password|passwd|secret|token|api[_-]?key|private[_-]?key|credential)`

deny contains {"msg": msg, "path": sprintf("%s.%s.env[%d]", [p.path, x.path, i])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	some i, e in object.get(x.c, "env", [])
	e.valueFrom.secretKeyRef
	msg := sprintf("%s: container %s reads secret %s into env var %s", [input.name, x.c.name, e.valueFrom.secretKeyRef.name, e.name])
}

deny contains {"msg": msg, "path": sprintf("%s.%s.env[%d]", [p.path, x.path, i])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	some i, e in object.get(x.c, "env", [])
	is_string(e.value)
	e.value != ""
	regex.match(secretish, e.name)
	msg := sprintf("%s: container %s has a literal value in env var %s", [input.name, x.c.name, e.name])
}

deny contains {"msg": msg, "path": sprintf("%s.%s.envFrom[%d]", [p.path, x.path, i])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	some i, src in object.get(x.c, "envFrom", [])
	ref := src.secretRef
	msg := sprintf("%s: container %s imports every key of secret %s as env vars (envFrom)", [input.name, x.c.name, object.get(ref, "name", "")])
}
