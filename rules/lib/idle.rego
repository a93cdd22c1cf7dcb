# Helpers shared by the idle (reaping) rules of every provider: RFC 3339 times, since when a
# resource has been idle, and whether its environment may be reaped. Not a rule: no METADATA
# block. The provider libraries build on it (vigil.lib.aws.reapable, vigil.lib.k8s.reapable).
package vigil.lib.idle

# Nanoseconds since the epoch of an RFC 3339 timestamp; undefined for anything else (regorus
# makes time.parse_rfc3339_ns on a malformed string an error, hence the pattern first).
timestamp_ns(ts) := time.parse_rfc3339_ns(ts) if {
	is_string(ts)
	regex.match(`^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$`, ts)
}

# The earliest valid RFC 3339 timestamp of a list or set (other entries, such as null, are
# ignored); undefined when there is none.
earliest(list) := [ts |
	some ts in list
	timestamp_ns(ts) == first
][0] if {
	valid := {n | some ts in list; n := timestamp_ns(ts)}
	count(valid) > 0
	first := min(valid)
}

# True when an RFC 3339 timestamp lies more than `hours` before the scan time.
older_than_hours(ts, hours) if {
	data.vigil.context.now_ns - timestamp_ns(ts) > hours * 3600000000000
}

# Whole days between an RFC 3339 timestamp and the scan time.
days_since(ts) := floor((data.vigil.context.now_ns - timestamp_ns(ts)) / 86400000000000)

# The time vigil's history first saw the resource idle, as recorded
# (data.vigil.context.idle_since[r.id]); null when there is none.
recorded(r) := object.get(object.get(data.vigil.context, "idle_since", {}), object.get(r, "id", ""), null)

# Since when the resource has been idle: the earliest of its recorded time and the API's own
# times (`api_times`, a list; null or malformed entries are ignored). Undefined when no time
# at all is known: the rules do not fire then.
since(r, api_times) := earliest(array.concat([recorded(r)], api_times))

# Since when the resource has been idle when the API's times only bound it from below (a
# Deployment's last rollout, a claim's creation): the recorded time when there is one, else
# the earliest of those fallbacks. Undefined when neither is known.
since_or(r, fallbacks) := recorded(r) if has_recorded(r)

since_or(r, fallbacks) := earliest(fallbacks) if not has_recorded(r)

has_recorded(r) if {
	t := recorded(r)
	is_string(t)
	timestamp_ns(t)
}

# True when a resource idle since `ts` has been idle for longer than params.idle_hours.
past_idle_hours(ts) if older_than_hours(ts, data.vigil.context.params.idle_hours)

# Whether a tag or label map matches a reapable_* parameter ({"<key>": ["<value>", ...]}):
# "<key>=<value>" for the first (sorted) key whose value in `values` is one of those listed;
# undefined when none matches, and so for an empty parameter ({}).
match(values, wanted) := found[0] if {
	is_object(values)
	is_object(wanted)
	found := sort([sprintf("%s=%s", [k, v]) |
		some k, allowed in wanted
		v := values[k]
		is_string(v)
		v in listed(allowed)
	])
	count(found) > 0
}

# A parameter's list of values: a list or set as is, a single string as a list of one.
listed(x) := x if is_array(x)

listed(x) := x if is_set(x)

listed(x) := [x] if is_string(x)
