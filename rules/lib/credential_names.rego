# Whether an environment variable's name says it holds a credential (password, secret, token,
# API key, access key, private key, credentials), by whole words so that SECRET_NAME or
# TOKEN_TTL, which name or describe a credential without holding one, do not match. Shared by
# the ECS and Lambda environment rules. Not a rule: no METADATA block.
package vigil.lib.credential_names

# The words of a name, lower-cased: split at anything not a letter or digit, at camelCase
# humps (dbPassword, APIKey) and where digits start (PASSWORD2).
words(name) := [w |
	some w in regex.split(`[^a-z0-9]+`, lower(spaced(name)))
	w != ""
]

spaced(name) := s3 if {
	s1 := regex.replace(name, `([A-Z]+)([A-Z][a-z])`, "${1}_${2}")
	s2 := regex.replace(s1, `([a-z0-9])([A-Z])`, "${1}_${2}")
	s3 := regex.replace(s2, `([A-Za-z])([0-9])`, "${1}_${2}")
}

# Word sequences that name a credential.
phrases := [
	["password"],
	["passwd"],
	["passphrase"],
	["secret"],
	["secrets"],
	["secretkey"],
	["token"],
	["tokens"],
	["credential"],
	["credentials"],
	["creds"],
	["apikey"],
	["api", "key"],
	["accesskey"],
	["access", "key"],
	["privatekey"],
	["private", "key"],
]

# A last word that makes the name about a credential rather than the credential itself: its
# name, ARN, id, where it is, how long it lives, whether it is on.
qualifiers := {
	"name",
	"names",
	"arn",
	"arns",
	"id",
	"ids",
	"ref",
	"param",
	"parameter",
	"ssm",
	"file",
	"files",
	"path",
	"paths",
	"dir",
	"url",
	"uri",
	"endpoint",
	"host",
	"region",
	"location",
	"store",
	"manager",
	"bucket",
	"table",
	"source",
	"provider",
	"backend",
	"ttl",
	"expiry",
	"expires",
	"expiration",
	"lifetime",
	"timeout",
	"age",
	"interval",
	"duration",
	"seconds",
	"secs",
	"ms",
	"length",
	"len",
	"size",
	"limit",
	"min",
	"max",
	"count",
	"type",
	"kind",
	"mode",
	"format",
	"algorithm",
	"alg",
	"version",
	"header",
	"field",
	"label",
	"prefix",
	"suffix",
	"policy",
	"rotation",
	"issuer",
	"audience",
	"scope",
	"scopes",
	"enabled",
	"enable",
	"disabled",
	"required",
}

has_phrase(ws) if {
	some p in phrases
	count(ws) >= count(p)
	some i in numbers.range(0, count(ws) - count(p))
	array.slice(ws, i, i + count(p)) == p
}

# True when the name looks like it holds a credential.
credential(name) if {
	ws := words(name)
	has_phrase(ws)
	not ws[count(ws) - 1] in qualifiers
}

# DB_PASS, SMTP_PASS: "pass" only as the last word (PASS_THROUGH is no password).
credential(name) if {
	ws := words(name)
	count(ws) > 1
	ws[count(ws) - 1] == "pass"
}
