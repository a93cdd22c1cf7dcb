package vigil.rules.aws.tagging.nist_control_tag

controls := {"ac-2": true, "ac-6": true, "ac-6.1": true, "sc-28": true}

test_deny_unknown_control if {
	r := deny with input as {"id": "r", "tags": {"NIST_Control": "AC-2_AC-99"}} with data.vigil.controls as controls
	count(r) == 1
	some f in r
	contains(f.msg, `"AC-99"`)
	not contains(f.msg, `"AC-2"`)
}

test_deny_garbage_and_empty_parts if {
	r := deny with input as {"id": "r", "tags": {"NIST_Control": "XX__AC-2"}} with data.vigil.controls as controls
	some f in r
	contains(f.msg, `"XX"`)
	contains(f.msg, `""`)
}

test_allow_valid_ids_all_spellings if {
	count(deny) == 0 with input as {"id": "r", "tags": {"NIST_Control": "AC-2_ac-6.1_AC-6(1)_SC-28_AC-06"}} with data.vigil.controls as controls
}

test_allow_no_tag if {
	count(deny) == 0 with input as {"id": "r", "tags": {"owner": "x"}} with data.vigil.controls as controls
}

test_allow_real_catalog if {
	count(deny) == 0 with input as {"id": "r", "tags": {"NIST_Control": "AC-2_SC-28.1"}}
}
