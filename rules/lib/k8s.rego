# Helpers shared by the Kubernetes rules. Not a rule: no METADATA block.
package vigil.lib.k8s

workload_types := {
	"K8s::apps::Deployment", "K8s::apps::StatefulSet", "K8s::apps::DaemonSet",
	"K8s::apps::ReplicaSet", "K8s::batch::Job",
}

pod_types := workload_types | {"K8s::core::Pod", "K8s::batch::CronJob"}

# A Pod created by a controller (ReplicaSet, Job, ...) is checked on its workload instead,
# so a finding is reported once, not once per replica.
controlled(obj) if {
	some ref in object.get(object.get(obj, "metadata", {}), "ownerReferences", [])
	ref.controller == true
}

# The pod spec of a Pod, a workload's template or a CronJob's job template, with the path
# to it; undefined for controlled Pods and for other kinds.
pod(r) := {"spec": r.config.spec, "path": "config.spec"} if {
	r.type == "K8s::core::Pod"
	not controlled(r.config)
}

pod(r) := {"spec": r.config.spec.template.spec, "path": "config.spec.template.spec"} if {
	r.type in workload_types
}

pod(r) := {"spec": r.config.spec.jobTemplate.spec.template.spec, "path": "config.spec.jobTemplate.spec.template.spec"} if {
	r.type == "K8s::batch::CronJob"
}

# Every container of a pod spec with its list name and index:
# {"c": container, "path": "containers[0]"} for containers, initContainers, ephemeralContainers.
containers(spec) := [{"c": c, "path": sprintf("%s[%d]", [key, i])} |
	some key in ["containers", "initContainers", "ephemeralContainers"]
	some i, c in object.get(spec, key, [])
]

# A container's effective securityContext field: the container's own, else the pod's.
effective(spec, c, field) := c.securityContext[field]

effective(spec, c, field) := spec.securityContext[field] if {
	not has_field(object.get(c, "securityContext", {}), field)
}

has_field(obj, field) if {
	_ = obj[field]
}

# Parses an image reference: registry (the part before the first "/" when it looks like a
# host), repository, tag and digest.
image(ref) := {"registry": registry, "tag": tag, "digest": digest} if {
	parts := split(ref, "@")
	digest := digest_of(parts)
	name := parts[0]
	registry := registry_of(name)
	tag := tag_of(name)
}

digest_of(parts) := parts[1] if count(parts) > 1

digest_of(parts) := "" if count(parts) == 1

registry_of(name) := first if {
	first := split(name, "/")[0]
	count(split(name, "/")) > 1
	host_like(first)
}

registry_of(name) := "docker.io" if {
	not host_like_prefix(name)
}

host_like_prefix(name) if {
	count(split(name, "/")) > 1
	host_like(split(name, "/")[0])
}

host_like(s) if contains(s, ".")

host_like(s) if contains(s, ":")

host_like(s) if s == "localhost"

# The tag after the last ":" of the last path segment; "" when there is none.
tag_of(name) := tag if {
	segments := split(name, "/")
	last := segments[count(segments) - 1]
	pieces := split(last, ":")
	count(pieces) > 1
	tag := pieces[count(pieces) - 1]
}

tag_of(name) := "" if {
	segments := split(name, "/")
	last := segments[count(segments) - 1]
	count(split(last, ":")) == 1
}
