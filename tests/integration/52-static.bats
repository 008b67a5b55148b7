#!/usr/bin/env bats
# The static IPAM plugin: alone (the exact result per cniVersion, every address source and
# their precedence, bad input for each key with its code and message, CHECK/DEL/GC/STATUS),
# chained under cnet's bridge (addresses and routes as `ip -j` sees them inside the
# namespace), and side by side with the reference static ($REF_BIN, Debian's v1.1.1).

# Bats runs each test in a subshell; helpers set status/output for the caller:
# shellcheck disable=SC2030,SC2031

load helpers

NET=stnet

setup() {
	cnet_setup
	NS=st-$SUFFIX
	make_ns "$NS"
	BR=sb-$SUFFIX
	track_link "$BR"
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf [JQ_FILTER]: cniVersion 1.1.0 bridge config on $BR with static IPAM: 10.60.0.5/24 (gw
# .1) and fd00:60::5/64 (gw ::1), two routes, dns. FILTER (jq) edits it.
conf() {
	jq -nc --arg br "$BR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: $br,
		ipam: {type: "static",
			addresses: [{address: "10.60.0.5/24", gateway: "10.60.0.1"},
				    {address: "fd00:60::5/64", gateway: "fd00:60::1"}],
			routes: [{dst: "0.0.0.0/0"}, {dst: "192.168.0.0/16", gw: "10.60.0.254"},
				 {dst: "::/0"}],
			dns: {nameservers: ["10.60.0.53"], domain: "example.org",
			      search: ["example.org"], options: ["ndots:2"]}}}' |
		jq -c "${1:-.}"
}

# st CMD CONFIG [CNI_ARGS]: run static (alone) for container c1.
st() { cni static "$1" c1 "$(ns_path "$NS")" eth0 "$2" "${3-}"; }

# st_ok CONFIG [CNI_ARGS]: ADD must succeed; result in RESULT.
st_ok() {
	st ADD "$@"
	[ "$status" -eq 0 ]
	RESULT=$output
}

# ips: the result's addresses as "addr gw" lines ("-" for none).
ips() { jq -r '.ips[]? | "\(.address) \(.gateway // "-")"' <<<"$RESULT"; }

# with_prev CONFIG RESULT
with_prev() { jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"; }

# br CMD CONFIG [CNI_ARGS]: run cnet's bridge for container c1 in $NS (it execs build/bin/static).
br() { cni bridge "$1" c1 "$(ns_path "$NS")" eth0 "$2" "${3-}"; }

# ns_addrs [FAMILY]: eth0's global addresses in $NS, one "addr/plen" a line.
ns_addrs() {
	ip -n "$NS" ${1:+"-$1"} -j addr show dev eth0 |
		jq -r '.[0].addr_info[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"'
}

# ns_routes FAMILY: the container's routes via eth0 as "dst via gw" / "dst" lines, sorted.
ns_routes() {
	ip -n "$NS" "-$1" -j route show dev eth0 |
		jq -r '.[] | select(.protocol != "kernel") | .dst + (if .gateway then " via " + .gateway else "" end)' |
		sort
}

# err_json CODE MSG [VERSION]
err_json() {
	jq -nc --argjson code "$1" --arg msg "$2" --arg v "${3:-1.1.0}" \
		'{cniVersion: $v, code: $code, msg: $msg}'
}

# ---- the result ---------------------------------------------------------------------------

@test "ADD prints the exact result: addresses with gateways, routes, dns" {
	st_ok "$(conf)"
	json_eq '{"cniVersion": "1.1.0",
		"ips": [{"address": "10.60.0.5/24", "gateway": "10.60.0.1"},
			{"address": "fd00:60::5/64", "gateway": "fd00:60::1"}],
		"routes": [{"dst": "0.0.0.0/0"}, {"dst": "192.168.0.0/16", "gw": "10.60.0.254"},
			{"dst": "::/0"}],
		"dns": {"nameservers": ["10.60.0.53"], "domain": "example.org",
			"search": ["example.org"], "options": ["ndots:2"]}}' "$RESULT"
	# static never touches the namespace
	assert_no_leftovers -n "$NS"
}

@test "result per cniVersion: ips[].version before 1.0.0, route metrics from 1.1.0" {
	local v c
	for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
		c=$(conf ".cniVersion = \"$v\" | del(.ipam.dns)
			| .ipam.routes = [{dst: \"192.168.0.0/16\", gw: \"10.60.0.254\", priority: 7}]")
		st_ok "$c"
		case $v in
		0.*) json_eq "{\"cniVersion\": \"$v\",
			\"ips\": [{\"version\": \"4\", \"address\": \"10.60.0.5/24\", \"gateway\": \"10.60.0.1\"},
				{\"version\": \"6\", \"address\": \"fd00:60::5/64\", \"gateway\": \"fd00:60::1\"}],
			\"routes\": [{\"dst\": \"192.168.0.0/16\", \"gw\": \"10.60.0.254\"}], \"dns\": {}}" "$RESULT" ;;
		1.0.0) json_eq '{"cniVersion": "1.0.0",
			"ips": [{"address": "10.60.0.5/24", "gateway": "10.60.0.1"},
				{"address": "fd00:60::5/64", "gateway": "fd00:60::1"}],
			"routes": [{"dst": "192.168.0.0/16", "gw": "10.60.0.254"}], "dns": {}}' "$RESULT" ;;
		1.1.0) json_eq '{"cniVersion": "1.1.0",
			"ips": [{"address": "10.60.0.5/24", "gateway": "10.60.0.1"},
				{"address": "fd00:60::5/64", "gateway": "fd00:60::1"}],
			"routes": [{"dst": "192.168.0.0/16", "gw": "10.60.0.254", "priority": 7}],
			"dns": {}}' "$RESULT" ;;
		esac
	done
}

@test "no addresses: routes and dns only; an address without gateway has none" {
	st_ok "$(conf 'del(.ipam.addresses) | del(.ipam.dns) | .ipam.routes = [{dst: "10.0.0.0/8"}]')"
	json_eq '{"cniVersion": "1.1.0", "routes": [{"dst": "10.0.0.0/8"}], "dns": {}}' "$RESULT"
	st_ok "$(conf '.ipam = {type: "static", addresses: [{address: "10.60.0.9/32"}]}')"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.60.0.9/32"}], "dns": {}}' "$RESULT"
}

# ---- address sources ------------------------------------------------------------------------

@test "CNI_ARGS IP= is appended to ipam.addresses; GATEWAY= goes to the IP= prefix holding it" {
	st_ok "$(conf)" "IgnoreUnknown=1;IP=10.70.0.5/24,fd00:70::5/64;GATEWAY=fd00:70::1,10.70.0.1"
	is "$(ips)" "10.60.0.5/24 10.60.0.1
fd00:60::5/64 fd00:60::1
10.70.0.5/24 10.70.0.1
fd00:70::5/64 fd00:70::1"
	# a GATEWAY= in no IP= prefix is ignored (as by the reference), with a warning
	st_ok "$(conf)" "IP=10.70.0.5/24;GATEWAY=10.60.0.7"
	is "$(ips)" "10.60.0.5/24 10.60.0.1
fd00:60::5/64 fd00:60::1
10.70.0.5/24 -"
	[[ $CNI_STDERR == *"GATEWAY=10.60.0.7 is in none of the IP= prefixes: ignored"* ]]
}

@test "precedence: runtimeConfig.ips > args.cni.ips > ipam.addresses + CNI_ARGS IP=" {
	st_ok "$(conf '.args = {cni: {ips: ["10.80.0.5/24", "fd00:80::5/64"]}}')" "IP=10.70.0.5/24"
	is "$(ips)" "10.80.0.5/24 -
fd00:80::5/64 -"
	st_ok "$(conf '.args = {cni: {ips: ["10.80.0.5/24"]}} | .runtimeConfig = {ips: ["10.90.0.5/16"]}')" \
		"IP=10.70.0.5/24"
	is "$(ips)" "10.90.0.5/16 -"
	# empty lists replace nothing
	st_ok "$(conf '.args = {cni: {ips: []}} | .runtimeConfig = {ips: []}')"
	is "$(ips)" "10.60.0.5/24 10.60.0.1
fd00:60::5/64 fd00:60::1"
}

# ---- bad input ----------------------------------------------------------------------------------

@test "bad input: each key fails with its code and a message naming it" {
	local -a cases=(
		# jq filter | CNI_ARGS | code | message
		'del(.ipam)||7|ipam: missing required key'
		'.ipam.addresses = {}||7|ipam.addresses: expected an array, got object'
		'.ipam.addresses[0] = {}||7|ipam.addresses[0].address: missing required key'
		'.ipam.addresses[0].address = 5||7|ipam.addresses[0].address: expected a string, got integer'
		'.ipam.addresses[1].address = "fd00::5"||7|ipam.addresses[1].address: "fd00::5" has no prefix length: give the address in CIDR notation, e.g. "fd00::5/64"'
		'.ipam.addresses[0].address = "10.60.0.5/40"||7|ipam.addresses[0].address: "10.60.0.5/40" is not an IP address in CIDR notation (e.g. "10.1.0.5/24")'
		'.ipam.addresses[0].address = "::ffff:10.60.0.5/120"||7|ipam.addresses[0].address: ::ffff:10.60.0.5/120 is an IPv4-mapped IPv6 address; give the IPv4 address instead'
		'.ipam.addresses[0].gateway = "junk"||7|ipam.addresses[0].gateway: "junk" is not an IP address'
		'.ipam.addresses[0].gateway = "fd00:60::1"||7|ipam.addresses[0].gateway: fd00:60::1 is IPv6 but the address 10.60.0.5/24 is IPv4'
		'.ipam.addresses[1] = {address: "10.60.0.5/16"}||7|ipam.addresses[1]: address 10.60.0.5 is given twice'
		'.ipam.routes[1].dst = "192.168.0.0"||7|ipam.routes[1].dst: "192.168.0.0" is not a CIDR prefix'
		'.ipam.routes[1].gw = "fd00::1"||7|ipam.routes[1].gw: family differs from dst'"'"'s'
		'.ipam.routes = [{}]||7|ipam.routes[0].dst: missing required key'
		'.ipam.dns.nameservers = "10.60.0.53"||7|ipam.dns.nameservers: expected an array, got string'
		'.ipam.dns.search = [1]||7|ipam.dns.search[0]: expected a string, got integer'
		'.args = {cni: {ips: ["10.80.0.5"]}}||7|args.cni.ips[0]: "10.80.0.5" has no prefix length: give the address in CIDR notation, e.g. "10.80.0.5/24"'
		'.runtimeConfig = {ips: "10.80.0.5/24"}||7|runtimeConfig.ips: expected an array, got string'
		'.||4|CNI_ARGS IP: "10.70.0.5" has no prefix length: give the address in CIDR notation, e.g. "10.70.0.5/24"'
	)
	local entry filter args code msg
	for entry in "${cases[@]}"; do
		IFS='|' read -r filter args code msg <<<"$entry"
		[[ $code == 4 ]] && args='IgnoreUnknown=1;IP=10.70.0.5'
		st ADD "$(conf "$filter")" "$args"
		json_eq "$(err_json "$code" "$msg")" "$output"
	done
	local more=(
		'IP=10.70.0.5/24;GATEWAY=10.70.0.1/24|CNI_ARGS GATEWAY: "10.70.0.1/24" is not an IP address'
		'IP=10.70.0.5/24,|CNI_ARGS IP: "" is not an IP address in CIDR notation (e.g. "10.1.0.5/24")'
		'IP=10.60.0.5/8|CNI_ARGS IP: address 10.60.0.5 is given twice'
		'IP=10.70.0.5/24=x|CNI_ARGS: "IP=10.70.0.5/24=x" is not KEY=VALUE'
	)
	for entry in "${more[@]}"; do
		st ADD "$(conf)" "${entry%%|*}"
		json_eq "$(err_json 4 "${entry#*|}")" "$output"
	done
}

# ---- CHECK, DEL, GC, STATUS -----------------------------------------------------------------------

@test "CHECK: the config's addresses must be in prevResult, with their gateways" {
	local c
	c=$(conf)
	st_ok "$c"
	st CHECK "$(with_prev "$c" "$RESULT")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	st CHECK "$c"
	json_eq "$(err_json 7 "prevResult: required for CHECK")" "$output"
	st CHECK "$(with_prev "$c" "$(jq -c '.ips[0].gateway = "10.60.0.254"' <<<"$RESULT")")"
	json_eq "$(err_json 7 "static: address 10.60.0.5/24 has gateway 10.60.0.254 in prevResult, expected 10.60.0.1 (interface eth0)")" \
		"$output"
	st CHECK "$(with_prev "$c" "$(jq -c 'del(.ips[1])' <<<"$RESULT")")"
	json_eq "$(err_json 7 "static: address fd00:60::5/64 is not in prevResult (interface eth0)")" \
		"$output"
	# an invalid config fails CHECK as it fails ADD
	st CHECK "$(with_prev "$(conf '.ipam.addresses[0].gateway = "x"')" "$RESULT")"
	json_eq "$(err_json 7 'ipam.addresses[0].gateway: "x" is not an IP address')" "$output"
	# CHECK needs 0.4.0
	st CHECK "$(with_prev "$(conf '.cniVersion = "0.3.1"')" "$RESULT")"
	[ "$(jq -r .code <<<"$output")" = 1 ]
}

@test "DEL does nothing and always succeeds: twice, no netns, even with a broken config" {
	local _
	for _ in 1 2; do
		st DEL "$(conf)"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
	cni static DEL c1 "" eth0 "$(conf '.ipam.addresses = "broken"')"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "GC and STATUS (1.1.0): nothing to collect, always ready; refused below 1.1.0" {
	cni static GC "" "" "" "$(conf '. + {"cni.dev/valid-attachments": []}')"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cni static STATUS "" "" "" "$(conf)"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cni static STATUS "" "" "" "$(conf '.cniVersion = "1.0.0"')"
	json_eq "$(err_json 1 'config version "1.0.0" does not allow STATUS (needs 1.1.0 or later)' 1.0.0)" \
		"$output"
}

# ---- under cnet's bridge ----------------------------------------------------------------------

@test "bridge + static, IPv4: the address, the routes and dns in the result and the namespace" {
	local c
	c=$(conf '.ipam.addresses |= .[:1] | .ipam.routes |= .[:2]')
	br ADD "$c"
	[ "$status" -eq 0 ]
	RESULT=$output
	json_eq '[{"address": "10.60.0.5/24", "gateway": "10.60.0.1", "interface": 2}]' \
		"$(jq -c .ips <<<"$RESULT")"
	json_eq '[{"dst": "0.0.0.0/0"}, {"dst": "192.168.0.0/16", "gw": "10.60.0.254"}]' \
		"$(jq -c .routes <<<"$RESULT")"
	json_eq '{"nameservers": ["10.60.0.53"], "domain": "example.org", "search": ["example.org"],
		"options": ["ndots:2"]}' "$(jq -c .dns <<<"$RESULT")"
	is "$(ns_addrs 4)" 10.60.0.5/24
	is "$(ns_routes 4)" "192.168.0.0/16 via 10.60.0.254
default via 10.60.0.1"
	br CHECK "$(with_prev "$c" "$RESULT")"
	[ "$status" -eq 0 ]
	br DEL "$c"
	[ "$status" -eq 0 ]
	br DEL "$c"
	[ "$status" -eq 0 ]
	assert_no_leftovers -n "$NS"
	assert_no_leftovers "$BR"
}

@test "bridge + static, IPv6 only" {
	local c
	c=$(conf '.ipam.addresses |= .[1:] | .ipam.routes = [{dst: "::/0"},
		{dst: "fd00:99::/64", gw: "fd00:60::fe"}] | del(.ipam.dns)')
	br ADD "$c"
	[ "$status" -eq 0 ]
	json_eq '[{"address": "fd00:60::5/64", "gateway": "fd00:60::1", "interface": 2}]' \
		"$(jq -c .ips <<<"$output")"
	is "$(ns_addrs 6)" fd00:60::5/64
	is "$(ns_addrs 4)" ""
	is "$(ns_routes 6)" "default via fd00:60::1
fd00:99::/64 via fd00:60::fe"
	br DEL "$c"
	[ "$status" -eq 0 ]
	assert_no_leftovers -n "$NS"
}

@test "bridge + static, dual stack with CNI_ARGS and the ips capability" {
	local c
	c=$(conf)
	br ADD "$c" "IgnoreUnknown=1;IP=10.70.0.5/24;GATEWAY=10.70.0.1"
	[ "$status" -eq 0 ]
	is "$(ns_addrs 4)" "10.60.0.5/24
10.70.0.5/24"
	is "$(ns_addrs 6)" fd00:60::5/64
	is "$(ns_routes 4)" "192.168.0.0/16 via 10.60.0.254
default via 10.60.0.1"
	is "$(ns_routes 6)" "default via fd00:60::1"
	br DEL "$c"
	[ "$status" -eq 0 ]
	# runtimeConfig.ips (the `ips` capability) replaces the configured addresses
	c=$(conf '.runtimeConfig = {ips: ["10.80.0.5/24", "fd00:80::5/64"]} | .ipam.routes = [{dst: "10.0.0.0/8"}]')
	br ADD "$c"
	[ "$status" -eq 0 ]
	is "$(ns_addrs 4)" 10.80.0.5/24
	is "$(ns_addrs 6)" fd00:80::5/64
	is "$(ns_routes 4)" "10.0.0.0/8"
	br DEL "$c"
	[ "$status" -eq 0 ]
	assert_no_leftovers -n "$NS"
}

@test "bridge + static: a bad static config fails ADD with static's error, nothing left" {
	br ADD "$(conf '.ipam.addresses[0].address = "10.60.0.5"')"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 7 ]
	[[ $(jq -r .msg <<<"$output") == *'ipam.addresses[0].address: "10.60.0.5" has no prefix length'* ]]
	assert_no_leftovers -n "$NS"
	assert_no_leftovers "$BR"
}

# ---- differential: the reference static -------------------------------------------------------

# ref_vs_cnet CONFIG [CNI_ARGS]: ADD with both; the results must be equal JSON.
ref_vs_cnet() {
	local ref
	USE_REF=1 st ADD "$1" "${2-}"
	[ "$status" -eq 0 ]
	ref=$output
	st ADD "$1" "${2-}"
	[ "$status" -eq 0 ]
	json_eq "$ref" "$output"
}

@test "differential: same results as the reference static, for 0.3.0 to 1.0.0" {
	[[ -x $REF_BIN/static ]] || skip "reference static not installed in $REF_BIN"
	local v
	for v in 0.3.0 0.3.1 0.4.0 1.0.0; do
		ref_vs_cnet "$(conf ".cniVersion = \"$v\"")"
		ref_vs_cnet "$(conf ".cniVersion = \"$v\"")" \
			"IgnoreUnknown=1;IP=10.70.0.5/24, fd00:70::5/64;GATEWAY=10.70.0.1,fd00:70::1"
		ref_vs_cnet "$(conf ".cniVersion = \"$v\" | .args = {cni: {ips: [\"10.80.0.5/24\"]}}")" \
			"IP=10.70.0.5/24"
		ref_vs_cnet "$(conf ".cniVersion = \"$v\" | .args = {cni: {ips: [\"10.80.0.5/24\"]}}
			| .runtimeConfig = {ips: [\"fd00:90::5/64\"]}")"
		ref_vs_cnet "$(conf ".cniVersion = \"$v\" | del(.ipam.addresses) | del(.ipam.dns)")"
		ref_vs_cnet "$(conf ".cniVersion = \"$v\"")" "IP=10.70.0.5/24;GATEWAY=10.60.0.9"
	done
}

@test "differential: DEL and a matching CHECK succeed on both" {
	[[ -x $REF_BIN/static ]] || skip "reference static not installed in $REF_BIN"
	local c r u
	c=$(conf '.cniVersion = "1.0.0"')
	for u in 1 0; do
		USE_REF=$u st ADD "$c"
		r=$output
		USE_REF=$u st CHECK "$(with_prev "$c" "$r")"
		[ "$status" -eq 0 ]
		USE_REF=$u st DEL "$c"
		[ "$status" -eq 0 ]
		USE_REF=$u st CHECK "$c"   # no prevResult: both refuse
		[ "$status" -eq 1 ]
	done
}

@test "difference: bad input is code 999 in the reference, 7 or 4 in cnet" {
	[[ -x $REF_BIN/static ]] || skip "reference static not installed in $REF_BIN"
	local c
	c=$(conf '.cniVersion = "1.0.0" | .ipam.addresses[0].address = "10.60.0.5"')
	USE_REF=1 st ADD "$c"
	json_eq '{"code": 999, "msg": "the '"'"'address'"'"' field is expected to be in CIDR notation, got: '"'"'10.60.0.5'"'"'"}' \
		"$output"
	st ADD "$c"
	[ "$(jq -r .code <<<"$output")" = 7 ]
	USE_REF=1 st ADD "$(conf '.cniVersion = "1.0.0"')" "IP=10.70.0.5"
	[ "$(jq -r .code <<<"$output")" = 999 ]
	st ADD "$(conf '.cniVersion = "1.0.0"')" "IP=10.70.0.5"
	[ "$(jq -r .code <<<"$output")" = 4 ]
}

@test "difference: a gateway of the other family is accepted by the reference, 7 in cnet" {
	[[ -x $REF_BIN/static ]] || skip "reference static not installed in $REF_BIN"
	local c
	c=$(conf '.cniVersion = "1.0.0" | .ipam.addresses[0].gateway = "fd00:60::1"')
	USE_REF=1 st ADD "$c"
	[ "$status" -eq 0 ]
	[ "$(jq -r '.ips[0].gateway' <<<"$output")" = fd00:60::1 ]
	st ADD "$c"
	json_eq "$(err_json 7 "ipam.addresses[0].gateway: fd00:60::1 is IPv6 but the address 10.60.0.5/24 is IPv4" 1.0.0)" \
		"$output"
}

@test "difference: CHECK with an address missing from prevResult passes the reference, 7 in cnet" {
	[[ -x $REF_BIN/static ]] || skip "reference static not installed in $REF_BIN"
	local c prev
	c=$(conf '.cniVersion = "1.0.0"')
	prev='{"cniVersion": "1.0.0", "ips": [{"address": "10.60.0.5/24", "gateway": "10.60.0.1"}]}'
	USE_REF=1 st CHECK "$(with_prev "$c" "$prev")"
	[ "$status" -eq 0 ]
	st CHECK "$(with_prev "$c" "$prev")"
	json_eq "$(err_json 7 "static: address fd00:60::5/64 is not in prevResult (interface eth0)" 1.0.0)" \
		"$output"
}

@test "difference: GC/STATUS are unknown commands to the reference v1.1.1, no-ops in cnet" {
	[[ -x $REF_BIN/static ]] || skip "reference static not installed in $REF_BIN"
	USE_REF=1 st STATUS "$(conf '.cniVersion = "1.0.0"')"
	json_eq '{"code": 4, "msg": "unknown CNI_COMMAND: STATUS"}' "$output"
	USE_REF=1 st GC "$(conf '.cniVersion = "1.0.0"')"
	json_eq '{"code": 4, "msg": "unknown CNI_COMMAND: GC"}' "$output"
	cni static STATUS "" "" "" "$(conf)"
	[ "$status" -eq 0 ]
}
