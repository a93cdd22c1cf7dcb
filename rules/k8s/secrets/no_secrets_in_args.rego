# METADATA
# title: Credential passed to a container on its command line
# custom:
#   id: SEC-K8S-002
#   severity: high
#   controls: [IA-5(7), SC-28, IA-5]
#   resource_types: ["@k8s-pods"]
#   remediation: Read the credential from a mounted Secret file (or a workload identity) instead of passing it in args or command, where anyone who can read the object, and the node's process list, sees it.
package vigil.rules.k8s.secrets.no_secrets_in_args

import data.vigil.lib.k8s

# vigil replaces credential-looking values with this text (and a keyed hash) before rules
# run, so a rule sees where a credential was, never the credential.
redacted := "(redacted by vigil)"

deny contains {"msg": msg, "path": sprintf("%s.%s.%s[%d]", [p.path, x.path, field, i])} if {
	p := k8s.pod(input)
	some x in k8s.containers(p.spec)
	some field in ["command", "args"]
	words := object.get(x.c, field, [])
	some i, word in words
	is_string(word)
	contains(word, redacted)
	msg := sprintf("%s: container %s passes a credential in its %s (%s)", [input.name, x.c.name, field, concat(", ", keys(words, i))])
}

# The keys the credentials of one word were given under: `--db-password` for
# `--db-password=…`, the flag before a word that is a flag's value, the key of an
# assignment inside a script.
keys(words, i) := [k |
	segments := split(words[i], redacted)
	some j in numbers.range(0, count(segments) - 2)
	k := key_before(words, i, segments[j])
]

key_before(_, _, segment) := w if {
	w := last_word(segment)
	w != ""
}

key_before(words, i, segment) := words[i - 1] if {
	last_word(segment) == ""
	i > 0
	startswith(words[i - 1], "-")
}

key_before(words, i, segment) := sprintf("argument %d", [i]) if {
	last_word(segment) == ""
	not flag_before(words, i)
}

flag_before(words, i) if {
	i > 0
	startswith(words[i - 1], "-")
}

# The last word of a text before a redacted value, without the `=`, `:` or quote that
# joined them: `--db-password=` -> `--db-password`, `x; export TOKEN=` -> `TOKEN`.
last_word(text) := w if {
	t := trim_right(text, "=: \"'")
	parts := [p | some p in regex.split(`[\s"';&|(]+`, t); p != ""]
	count(parts) > 0
	w := parts[count(parts) - 1]
}

last_word(text) := "" if {
	t := trim_right(text, "=: \"'")
	count([p | some p in regex.split(`[\s"';&|(]+`, t); p != ""]) == 0
}
