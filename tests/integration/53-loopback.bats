#!/usr/bin/env bats
# The loopback plugin: ADD brings lo up in the container and prints the reference's result
# (lo, zero MAC, the sandbox, lo's first IPv4 and IPv6 address), or passes prevResult on; DEL
# brings lo down (the namespace gone is success); CHECK verifies lo is up; GC and STATUS have
# nothing to do. Then side by side with the reference loopback ($REF_BIN, Debian's v1.1.1):
# the same result and the same kernel state.

# Bats runs each test in a subshell; helpers set status/output for the caller:
# shellcheck disable=SC2030,SC2031

load helpers

setup() {
	cnet_setup
	NS=lo-$SUFFIX
	make_ns "$NS"
	ip -n "$NS" link set lo down   # make_ns brings it up; start from a fresh namespace's state
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf [VERSION]: a loopback config, as Kubernetes conflists have it.
conf() { jq -nc --arg v "${1:-1.1.0}" '{cniVersion: $v, name: "lonet", type: "loopback"}'; }

# lo CMD CONFIG [NETNS] [IFNAME]: run loopback for container c1 (in $NS unless NETNS given).
lo() { cni loopback "$1" c1 "${3-$(ns_path "$NS")}" "${4:-lo}" "$2"; }

# lo_up: is lo administratively up in $NS?
lo_up() { ip -n "$NS" -j link show dev lo | jq -e '.[0].flags | index("UP") != null' >/dev/null; }
lo_down() { ! lo_up; }   # (a bare `! cmd` never fails a bats test)

# lo_addrs [NETNS]: lo's addresses as "addr/plen" lines.
lo_addrs() {
	ip -n "${1:-$NS}" -j addr show dev lo | jq -r '.[0].addr_info[] | "\(.local)/\(.prefixlen)"'
}

# expected VERSION [NETNS]: the result for a fresh namespace (127.0.0.1/8 and ::1/128).
expected() {
	jq -nc --arg v "$1" --arg ns "$(ns_path "${2:-$NS}")" '
		def ip($a; $ver): {interface: 0, address: $a}
			+ (if $v | startswith("0.") then {version: $ver} else {} end);
		{cniVersion: $v,
		 interfaces: [{name: "lo", mac: "00:00:00:00:00:00", sandbox: $ns}],
		 ips: [ip("127.0.0.1/8"; "4"), ip("::1/128"; "6")], dns: {}}'
}

# err_json CODE MSG [VERSION]
err_json() {
	jq -nc --argjson code "$1" --arg msg "$2" --arg v "${3:-1.1.0}" \
		'{cniVersion: $v, code: $code, msg: $msg}'
}

# ---- ADD ----------------------------------------------------------------------------------

@test "ADD brings lo up and prints lo with its addresses" {
	lo_down
	lo ADD "$(conf)"
	[ "$status" -eq 0 ]
	json_eq "$(expected 1.1.0)" "$output"
	lo_up
	is "$(lo_addrs)" "127.0.0.1/8
::1/128"
	# nothing else appears in the namespace or the sandbox
	assert_no_leftovers -n "$NS"
	assert_no_leftovers
}

@test "ADD: the result in every cniVersion (ips[].version before 1.0.0)" {
	local v
	for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
		lo ADD "$(conf "$v")"
		[ "$status" -eq 0 ]
		json_eq "$(expected "$v")" "$output"
	done
}

@test "ADD ignores CNI_IFNAME, and a second ADD is harmless" {
	lo ADD "$(conf)" "$(ns_path "$NS")" eth0
	[ "$status" -eq 0 ]
	json_eq "$(expected 1.1.0)" "$output"
	lo ADD "$(conf)"
	[ "$status" -eq 0 ]
	json_eq "$(expected 1.1.0)" "$output"
	assert_no_leftovers -n "$NS"
}

@test "ADD chained: prevResult is passed on (in the config's version), lo still comes up" {
	local prev
	prev='{"cniVersion": "1.0.0", "interfaces": [{"name": "eth0", "sandbox": "/run/netns/x"}],
		"ips": [{"address": "10.1.1.5/24", "gateway": "10.1.1.1", "interface": 0}],
		"routes": [{"dst": "0.0.0.0/0"}], "dns": {"nameservers": ["10.1.1.53"]}}'
	lo ADD "$(conf 1.0.0 | jq -c --argjson p "$prev" '. + {prevResult: $p}')"
	[ "$status" -eq 0 ]
	json_eq "$prev" "$output"
	lo_up
	lo ADD "$(conf 0.4.0 | jq -c --argjson p "$prev" '. + {prevResult: $p}')"
	[ "$status" -eq 0 ]
	json_eq "$(jq -c '.cniVersion = "0.4.0" | .ips[0].version = "4"' <<<"$prev")" "$output"
}

@test "ADD: lo's first address of each family; a non-loopback address on lo is an error" {
	# an address given before lo comes up is the first one (as for the reference)
	ip -n "$NS" addr del 127.0.0.1/8 dev lo
	ip -n "$NS" addr add 127.0.0.5/8 dev lo
	lo ADD "$(conf)"
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.ips[].address]' <<<"$output")" = '["127.0.0.5/8","::1/128"]' ]
	ip -n "$NS" addr add 10.9.9.9/8 dev lo
	lo ADD "$(conf)"
	json_eq "$(err_json 7 "loopback: lo in $(ns_path "$NS") has a non-loopback address 10.9.9.9/8")" \
		"$output"
}

@test "ADD without IPv6 on lo: only the IPv4 address" {
	ip netns exec "$NS" sysctl -qw net.ipv6.conf.lo.disable_ipv6=1
	lo ADD "$(conf)"
	[ "$status" -eq 0 ]
	json_eq '[{"interface": 0, "address": "127.0.0.1/8"}]' "$(jq -c .ips <<<"$output")"
}

@test "ADD: a missing or bogus CNI_NETNS is error 4" {
	lo ADD "$(conf)" "/run/netns/gone-$SUFFIX"
	json_eq "$(err_json 4 "CNI_NETNS: open \"/run/netns/gone-$SUFFIX\": No such file or directory")" \
		"$output"
	lo ADD "$(conf)" "$BATS_TEST_TMPDIR"
	[ "$(jq -r .code <<<"$output")" = 4 ]
	lo ADD "$(conf)" ""
	json_eq "$(err_json 4 "CNI_NETNS is required for ADD")" "$output"
}

# ---- DEL, CHECK, GC, STATUS -----------------------------------------------------------------

@test "DEL brings lo down; twice is fine; so is a namespace that is gone or not given" {
	lo ADD "$(conf)"
	[ "$status" -eq 0 ]
	local _
	for _ in 1 2; do
		lo DEL "$(conf)"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		lo_down
	done
	is "$(lo_addrs)" 127.0.0.1/8   # the kernel drops ::1 with lo down
	lo DEL "$(conf)" "/run/netns/gone-$SUFFIX"
	[ "$status" -eq 0 ]
	lo DEL "$(conf)" ""
	[ "$status" -eq 0 ]
	lo DEL "$(conf)" "$BATS_TEST_TMPDIR"   # not a namespace: treated as gone
	[ "$status" -eq 0 ]
}

@test "CHECK: lo up passes, lo down is error 7; needs 0.4.0" {
	lo ADD "$(conf)"
	local prev=$output
	lo CHECK "$(conf | jq -c --argjson p "$prev" '. + {prevResult: $p}')"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	lo CHECK "$(conf)"   # like the reference, lo's state is all that is checked
	[ "$status" -eq 0 ]
	ip -n "$NS" link set lo down
	lo CHECK "$(conf)"
	json_eq "$(err_json 7 "loopback: lo in $(ns_path "$NS") is down")" "$output"
	lo CHECK "$(conf 0.3.1)"
	[ "$(jq -r .code <<<"$output")" = 1 ]
	lo CHECK "$(conf)" "/run/netns/gone-$SUFFIX"
	[ "$(jq -r .code <<<"$output")" = 4 ]
}

@test "GC and STATUS (1.1.0): nothing to do, always ready" {
	cni loopback GC "" "" "" "$(conf | jq -c '. + {"cni.dev/valid-attachments": []}')"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cni loopback STATUS "" "" "" "$(conf)"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cni loopback GC "" "" "" "$(conf 1.0.0)"
	json_eq "$(err_json 1 'config version "1.0.0" does not allow GC (needs 1.1.0 or later)' 1.0.0)" \
		"$output"
}

# ---- differential: the reference loopback -------------------------------------------------------

# both CMD CONFIG: run the reference in $RNS, then cnet in $NS; outputs in OUT[ref]/OUT[cnet],
# exit statuses in ST[ref]/ST[cnet].
both() {
	declare -gA OUT ST
	USE_REF=1 lo "$1" "$2" "$(ns_path "$RNS")"
	OUT[ref]=$output ST[ref]=$status
	USE_REF=0 lo "$1" "$2"
	OUT[cnet]=$output ST[cnet]=$status
}

# both_exit N: both exited with status N.
both_exit() {
	[ "${ST[ref]}" -eq "$1" ] || { echo "reference exited ${ST[ref]}: ${OUT[ref]}" >&2; return 1; }
	[ "${ST[cnet]}" -eq "$1" ] || { echo "cnet exited ${ST[cnet]}: ${OUT[cnet]}" >&2; return 1; }
}

# same_state: lo's flags and addresses are the same in $RNS and $NS.
same_state() {
	is "$(ip -n "$NS" -j link show dev lo | jq -c '.[0] | {flags, operstate, mtu}')" \
		"$(ip -n "$RNS" -j link show dev lo | jq -c '.[0] | {flags, operstate, mtu}')"
	is "$(lo_addrs "$NS")" "$(lo_addrs "$RNS")"
}

ref_setup() {
	[[ -x $REF_BIN/loopback ]] || skip "reference loopback not installed in $REF_BIN"
	RNS=lor-$SUFFIX
	make_ns "$RNS"
	ip -n "$RNS" link set lo down
}

@test "differential: ADD, CHECK, DEL give the same results and lo state as the reference" {
	ref_setup
	local c
	c=$(conf 1.0.0)
	both ADD "$c"
	both_exit 0
	json_eq "${OUT[ref]//$RNS/$NS}" "${OUT[cnet]}"
	same_state
	both CHECK "$c"
	both_exit 0
	both DEL "$c"
	both_exit 0
	same_state
	both CHECK "$c"   # lo down: both fail
	both_exit 1
	both DEL "$c"
	both_exit 0
}

@test "differential: prevResult passed on unchanged, as by the reference" {
	ref_setup
	local c
	c=$(conf 1.0.0 | jq -c '. + {prevResult: {cniVersion: "1.0.0",
		interfaces: [{name: "eth0", mac: "0a:58:0a:01:01:05", sandbox: "/run/netns/x"}],
		ips: [{address: "10.1.1.5/24", interface: 0}], dns: {}}}')
	both ADD "$c"
	both_exit 0
	json_eq "${OUT[ref]}" "${OUT[cnet]}"
	same_state
}

@test "difference: before 1.0.0 the reference leaves out ips[].version; cnet writes it" {
	ref_setup
	local v
	for v in 0.3.0 0.3.1 0.4.0; do
		both ADD "$(conf "$v")"
		both_exit 0
		json_eq "$(expected "$v" "$RNS" | jq -c 'del(.ips[].version)')" "${OUT[ref]}"
		json_eq "$(expected "$v")" "${OUT[cnet]}"
	done
}

@test "difference: a non-loopback address on lo is error 999 in the reference, 7 in cnet" {
	ref_setup
	ip -n "$RNS" addr add 10.9.9.9/8 dev lo
	ip -n "$NS" addr add 10.9.9.9/8 dev lo
	both ADD "$(conf 1.0.0)"
	json_eq '{"code": 999, "msg": "loopback interface found with non-loopback address \"10.9.9.9\""}' \
		"${OUT[ref]}"
	[ "$(jq -r .code <<<"${OUT[cnet]}")" = 7 ]
	same_state   # both brought lo up before looking
}
