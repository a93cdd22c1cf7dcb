# METADATA
# title: Workload in the default namespace
# custom:
#   id: NS-K8S-001
#   severity: low
#   controls: [AC-3, AC-4, CM-2, CM-6, CM-7, SC-7]
#   resource_types: ["@k8s-pods", "K8s::core::Service", "K8s::core::ServiceAccount", "K8s::networking.k8s.io::Ingress", "K8s::rbac.authorization.k8s.io::Role", "K8s::rbac.authorization.k8s.io::RoleBinding"]
#   remediation: Deploy into a dedicated namespace with its own quotas, network policies and RBAC.
package vigil.rules.k8s.namespace.not_default_namespace

deny contains {"msg": msg, "path": "config.metadata.namespace"} if {
	object.get(object.get(input.config, "metadata", {}), "namespace", "default") == "default"
	not input.name == "kubernetes"
	msg := sprintf("%s is in the default namespace", [input.name])
}
