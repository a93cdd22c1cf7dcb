# METADATA
# title: RDS DB instance is not Multi-AZ
# description: "Standalone DB instances must run as Multi-AZ deployments (MultiAZ true); a missing field fails. Aurora instances and other members of DB clusters are skipped: the cluster spreads them across zones."
# custom:
#   id: RDS-AWS-007
#   severity: low
#   controls: [CP-1, CP-2, CP-2(5), CP-2(6), CP-6(2), CP-10, SC-5(2), SC-6, SC-22, SC-36, SI-13(5)]
#   resource_types: ["AWS::RDS::DBInstance"]
#   remediation: aws rds modify-db-instance --db-instance-identifier <db> --multi-az --apply-immediately.
package vigil.rules.aws.rds.instance_multi_az

deny contains {"msg": msg, "path": "config.MultiAZ"} if {
	not input.config.DBClusterIdentifier
	engine := lower(object.get(input.config, "Engine", ""))
	not startswith(engine, "aurora")
	object.get(input.config, "MultiAZ", false) != true
	msg := sprintf("DB instance %s (%s) runs in a single availability zone", [input.config.DBInstanceIdentifier, object.get(input.config, "Engine", "unknown engine")])
}
