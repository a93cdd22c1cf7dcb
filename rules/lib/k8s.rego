# Helpers shared by the Kubernetes rules. Not a rule: no METADATA block.
package vigil.lib.k8s

import data.vigil.lib.idle

workload_types := {
	"K8s::apps::Deployment", "K8s::apps::StatefulSet", "K8s::apps::DaemonSet",
	"K8s::apps::ReplicaSet", "K8s::batch::Job",
}

# Kinds that may be delegated to their controller: when vigil delegates one, its findings
# are reported once, on the controlling Deployment, StatefulSet, DaemonSet or CronJob.
controllable_types := {"K8s::core::Pod", "K8s::apps::ReplicaSet", "K8s::batch::Job"}

# The object's metadata ({} when absent).
metadata(r) := m if {
	m := object.get(r.config, "metadata", {})
	is_object(m)
}

metadata(r) := {} if not is_object(object.get(r.config, "metadata", {}))

# The object's namespace ("" for cluster-scoped objects).
namespace(r) := object.get(metadata(r), "namespace", "")

# The inventory of the resource's cluster (data.vigil.inventory.k8s[account]), {} when none.
cluster(r) := object.get(data.vigil.inventory, ["k8s", object.get(r, "account", "")], {})

# One map of the cluster inventory (namespaces, network_policies, ...), {} when absent.
facts(r, name) := object.get(cluster(r), name, {})

# True for namespaces listed in params.system_namespaces.
system_namespace(ns) if ns in data.vigil.context.params.system_namespaces

# A Pod, ReplicaSet or Job that vigil checks on its controller instead, so a finding is
# reported once, not once per replica. The decision is made by vigil, not by the rules: it
# publishes the ids (input.id) of the delegated objects as
# data.vigil.inventory.k8s[<cluster>].delegated = {"<id>": true}. vigil only delegates an
# object whose controller was collected and which has not drifted from the controller's
# template, so a mirror pod (owned by a Node), a pod of an uncollected owner or a pod with
# an ephemeral debug container or a changed image is absent and is checked itself, as is
# an object without an id.
controlled(r) if {
	r.type in controllable_types
	facts(r, "delegated")[r.id] == true
}

# The pod spec of a Pod, a workload's template or a CronJob's job template, with the path
# to it; undefined for controlled objects and for other kinds.
pod(r) := {"spec": r.config.spec, "path": "config.spec"} if {
	r.type == "K8s::core::Pod"
	not controlled(r)
}

pod(r) := {"spec": r.config.spec.template.spec, "path": "config.spec.template.spec"} if {
	r.type in workload_types
	not controlled(r)
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

# Required label keys missing from a label map, or present with an empty value, sorted.
missing_labels(labels, required) := sort([k |
	some k in required
	blank(object.get(labels, k, ""))
]) if is_object(labels)

missing_labels(labels, required) := sort(required) if not is_object(labels)

blank(v) if v == null

blank(v) if {
	is_string(v)
	trim_space(v) == ""
}

# RFC 3339 time helpers, shared with the AWS rules in vigil.lib.idle (kept here for rules
# that call them as k8s.*): undefined, not an error, for a malformed timestamp.
timestamp_ns(ts) := idle.timestamp_ns(ts)

earliest(list) := idle.earliest(list)

older_than_hours(ts, hours) if idle.older_than_hours(ts, hours)

days_since(ts) := idle.days_since(ts)

# The namespace whose labels decide whether an object may be reaped: for a PersistentVolume
# (cluster-scoped) the namespace of its claim (spec.claimRef; undefined without one), for
# other objects their own (metadata.namespace, else the resource's region).
reap_namespace(r) := ns if {
	r.type == "K8s::core::PersistentVolume"
	ns := object.get(r.config, ["spec", "claimRef", "namespace"], "")
	is_string(ns)
	ns != ""
}

reap_namespace(r) := ns if {
	r.type != "K8s::core::PersistentVolume"
	ns := own_namespace(r)
	is_string(ns)
	ns != ""
}

own_namespace(r) := namespace(r) if namespace(r) != ""

own_namespace(r) := object.get(r, "region", "") if namespace(r) == ""

# Whether the object may be reaped by the idle rules: "<key>=<value>" for a label of its
# namespace (data.vigil.inventory.k8s[<cluster>].namespaces[<ns>].labels) matching
# params.reapable_namespace_labels ({"<label>": ["<value>", ...]}); undefined when none
# matches, when the parameter is empty ({}) or absent, when the namespace was not collected
# and for a PersistentVolume without a claim.
reapable(r) := idle.match(labels, wanted) if {
	ns := reap_namespace(r)
	labels := object.get(facts(r, "namespaces"), [ns, "labels"], {})
	wanted := object.get(data.vigil.context.params, "reapable_namespace_labels", {})
}
