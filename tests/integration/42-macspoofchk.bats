#!/usr/bin/env bats
# bridge macspoofchk on nftables: a container sends only with its own source MAC. cnet keeps
# one fixed rule in `table bridge cnet` (chain macspoof, bridge prerouting -300) and, per
# attachment, one element in each of the sets macspoof-ports (host veth) and
# macspoof-allowed (host veth . container MAC), owned by "<net>/<cid>/<ifname>". The
# elements go with DEL (also with the namespace gone), with a failed ADD and with GC. The
# last tests run the reference v1.1.1 side by side: it builds chains per container in
# `table bridge nat` with the nft binary.

# Bats runs each test in a subshell; helpers here set status and output:
# shellcheck disable=SC2030,SC2031

load helpers

NET=spoofnet

setup() {
	cnet_setup
	BR=sbr-$SUFFIX
	track_link "$BR"
}

teardown() {
	cnet_teardown
	# this file's sandbox is shared by its tests: the next one starts without these tables
	nft delete table bridge cnet 2>/dev/null || true
	nft delete table bridge nat 2>/dev/null || true
}

# conf [JQ_FILTER]: bridge $BR with macspoofchk, gateway 10.67.0.1, host-local in $DATA_DIR.
conf() {
	jq -nc --arg br "$BR" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: $br, isGateway: true,
		macspoofchk: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.67.0.0/24"}]]}}' |
		jq -c "${1:-.}"
}

# add ID [CONFIG]: make netns ID-$SUFFIX and ADD eth0 in it; RES[ID] keeps the result.
declare -gA RES
add() {
	make_ns "$1-$SUFFIX"
	cni bridge ADD "$1" "$(ns_path "$1-$SUFFIX")" eth0 "${2:-$(conf)}"
	[ "$status" -eq 0 ]
	RES[$1]=$output
}

del() { # ID [CONFIG]
	cni bridge DEL "$1" "$(ns_path "$1-$SUFFIX")" eth0 "${2:-$(conf)}"
	[ "$status" -eq 0 ]
}

host_veth() { jq -r '.interfaces[1].name' <<<"${RES[$1]}"; }
cont_mac() { jq -r '.interfaces[2].mac' <<<"${RES[$1]}"; }

# elements SET: the set's elements as compact JSON lines, {val, comment} as nft -j prints them.
elements() {
	nft -j list set bridge cnet "$1" 2>/dev/null |
		jq -c '.nftables[] | .set? // empty | .elem[]? | .elem'
}

# owners: the owners of every element in both sets, sorted, one a line.
owners() {
	{ elements macspoof-ports; elements macspoof-allowed; } | jq -r .comment | sort
}

# expect_elements ID...: exactly these attachments' elements, with their veth and MAC.
expect_elements() {
	local id ports='[]' allowed='[]'
	for id in "$@"; do
		ports=$(jq -c --arg v "$(host_veth "$id")" --arg o "$NET/$id/eth0" \
			'. + [{val: $v, comment: $o}]' <<<"$ports")
		allowed=$(jq -c --arg v "$(host_veth "$id")" --arg m "$(cont_mac "$id")" \
			--arg o "$NET/$id/eth0" '. + [{val: {concat: [$v, $m]}, comment: $o}]' <<<"$allowed")
	done
	json_eq "$(jq -c 'sort_by(.comment)' <<<"$ports")" \
		"$(elements macspoof-ports | jq -sc 'sort_by(.comment)')"
	json_eq "$(jq -c 'sort_by(.comment)' <<<"$allowed")" \
		"$(elements macspoof-allowed | jq -sc 'sort_by(.comment)')"
}

# drops [TABLE CHAIN]: packets counted by the drop rule (cnet's, by default).
drops() {
	nft -j list chain bridge "${1:-cnet}" "${2:-macspoof}" |
		jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add // 0'
}

rules() { # the number of rules in table bridge cnet
	nft -j list table bridge cnet | jq '[.nftables[] | .rule? // empty] | length'
}

pings() { ns_exec "$1" ping -c1 -W1 "$2" >/dev/null 2>&1; }

# refute CMD...: fail when CMD succeeds (bats does not fail a test on `! CMD`).
refute() {
	if "$@" >/dev/null 2>&1; then
		echo "refute: succeeded: $*" >&2
		return 1
	fi
}

drops_above() { (($(drops "${@:2}") > $1)); }

# spoof_cycle NS GW BRIDGE [TABLE CHAIN]: the real MAC reaches GW; a changed MAC does not (its
# frames dropped: counted when a counter is named, never learned by BRIDGE); the real one
# passes again.
spoof_cycle() {
	local ns=$1 gw=$2 br=$3 real before
	real=$(ip -n "$ns" -j link show eth0 | jq -r '.[0].address')
	wait_until 3 pings "$ns" "$gw"
	[[ $# -gt 3 ]] && before=$(drops "${@:4}")
	ip -n "$ns" link set eth0 address 02:5f:00:00:00:99
	refute pings "$ns" "$gw"
	if [[ $# -gt 3 ]]; then wait_until 2 drops_above "$before" "${@:4}"; fi
	refute grep -qi 02:5f:00:00:00:99 <<<"$(bridge fdb show br "$br")"
	ip -n "$ns" link set eth0 address "$real"
	wait_until 3 pings "$ns" "$gw"
}

@test "ADD: one element in each set, owned by the attachment; one fixed rule" {
	add c1
	expect_elements c1
	[ "$(rules)" -eq 1 ]
	nft list chain bridge cnet macspoof | grep -q \
		'iifname @macspoof-ports iifname . ether saddr != @macspoof-allowed counter packets [0-9]* bytes [0-9]* drop'
	nft -j list chain bridge cnet macspoof | jq -e '.nftables[] | .chain? // empty
		| .type == "filter" and .hook == "prerouting" and .prio == -300 and .policy == "accept"'
	del c1
	del c1
	[ -z "$(owners)" ]
}

@test "a spoofed source MAC is dropped before the bridge learns it; the real one passes" {
	add c1
	wait_until 3 pings "c1-$SUFFIX" 10.67.0.1
	spoof_cycle "c1-$SUFFIX" 10.67.0.1 "$BR" cnet macspoof
}

@test "two containers: each may send only with its own MAC, not the other's" {
	add c1
	add c2
	expect_elements c1 c2
	wait_until 3 pings "c1-$SUFFIX" 10.67.0.3
	# c2 takes c1's MAC: dropped (and not learned: c1 keeps its place in the FDB)
	ip -n "c2-$SUFFIX" link set eth0 address "$(cont_mac c1)"
	refute pings "c2-$SUFFIX" 10.67.0.1
	wait_until 3 pings "c1-$SUFFIX" 10.67.0.1
	ip -n "c2-$SUFFIX" link set eth0 address "$(cont_mac c2)"
	wait_until 3 pings "c2-$SUFFIX" 10.67.0.1
	wait_until 3 pings "c1-$SUFFIX" 10.67.0.3
}

@test "the rule count does not grow with containers; without macspoofchk no element" {
	add c1
	local n
	n=$(rules)
	add c2
	add c3
	[ "$(rules)" -eq "$n" ]
	expect_elements c1 c2 c3
	add c4 "$(conf '.macspoofchk = false')"
	[ "$(rules)" -eq "$n" ]
	expect_elements c1 c2 c3
	# c4 is not checked: any MAC passes
	ip -n "c4-$SUFFIX" link set eth0 address 02:5f:00:00:00:44
	wait_until 3 pings "c4-$SUFFIX" 10.67.0.1
}

@test "DEL removes only that attachment's elements: twice, with the netns gone, with CNI_NETNS empty" {
	add c1
	add c2
	add c3
	del c1
	expect_elements c2 c3
	del c1
	expect_elements c2 c3
	ip netns del "c2-$SUFFIX"
	del c2
	expect_elements c3
	cni bridge DEL c3 "" eth0 "$(conf)"
	[ "$status" -eq 0 ]
	[ -z "$(owners)" ]
	wait_until 3 pings "c3-$SUFFIX" 10.67.0.1   # no element, no check: c3's veth is its own business
	# nothing of the chain grew or went: the layout stays for the next ADD
	[ "$(rules)" -eq 1 ]
}

@test "a failed ADD (IPAM after the spoof check) leaves no element and no veth" {
	make_ns "c1-$SUFFIX"
	# the pool has room for nobody: IPAM fails after the elements are in
	cni bridge ADD c1 "$(ns_path "c1-$SUFFIX")" eth0 \
		"$(conf '.ipam.ranges = [[{subnet: "10.67.0.0/30", rangeStart: "10.67.0.1", rangeEnd: "10.67.0.1"}]]')"
	[ "$status" -eq 1 ]
	[ -z "$(owners)" ]
	# the layout was made, then the elements rolled back
	nft list set bridge cnet macspoof-ports >/dev/null
	assert_no_leftovers "$BR"
	assert_no_leftovers -n "c1-$SUFFIX"
}

@test "GC removes the elements of attachments no longer valid, and only this network's" {
	add c1
	add c2
	make_ns "o1-$SUFFIX"
	cni bridge ADD o1 "$(ns_path "o1-$SUFFIX")" eth0 "$(conf '.name = "othernet" | .ipam.dataDir += "/o"')"
	[ "$status" -eq 0 ]
	cni bridge GC "" "" "" "$(conf '. + {"cni.dev/valid-attachments": [{containerID: "c2", ifname: "eth0"}]}')"
	[ "$status" -eq 0 ]
	[ "$(owners | uniq)" = "$(printf '%s\n' "$NET/c2/eth0" othernet/o1/eth0 | sort)" ]
}

@test "CHECK passes after ADD and fails with 7 when an element is missing" {
	add c1
	local prev
	prev=$(jq -c --argjson r "${RES[c1]}" '. + {prevResult: $r}' <<<"$(conf)")
	cni bridge CHECK c1 "$(ns_path "c1-$SUFFIX")" eth0 "$prev"
	[ "$status" -eq 0 ]
	nft delete element bridge cnet macspoof-allowed "{ \"$(host_veth c1)\" . $(cont_mac c1) }"
	cni bridge CHECK c1 "$(ns_path "c1-$SUFFIX")" eth0 "$prev"
	[ "$status" -eq 1 ]
	json_eq "$(jq -nc --arg m "macspoofchk: no element \"$(host_veth c1)\" . $(cont_mac c1) in set macspoof-allowed of table bridge cnet" \
		'{cniVersion: "1.1.0", code: 7, msg: $m}')" "$output"
	del c1
	[ -z "$(owners)" ]
	# the table gone altogether: CHECK says so too
	add c2
	prev=$(jq -c --argjson r "${RES[c2]}" '. + {prevResult: $r}' <<<"$(conf)")
	nft delete table bridge cnet
	cni bridge CHECK c2 "$(ns_path "c2-$SUFFIX")" eth0 "$prev"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" -eq 7 ]
	del c2
}

# ---- against the reference v1.1.1 (its bridge runs `nft` through go-nft) ------------------

# ref_conf: the reference side's config: its own bridge, subnet and dataDir; cniVersion
# 1.0.0 (v1.1.1 knows no 1.1.0).
ref_conf() {
	conf '.cniVersion = "1.0.0" | .bridge = "r" + .bridge | .ipam.dataDir += "/ref"
		| .ipam.ranges = [[{subnet: "10.68.0.0/24"}]]'
}

ref_add() { # ID
	make_ns "$1-$SUFFIX"
	track_link "r$BR"
	USE_REF=1 cni bridge ADD "$1" "$(ns_path "$1-$SUFFIX")" eth0 "$(ref_conf)"
	[ "$status" -eq 0 ]
	RES[$1]=$output
}

ref_del() { # ID
	USE_REF=1 cni bridge DEL "$1" "$(ns_path "$1-$SUFFIX")" eth0 "$(ref_conf)"
	[ "$status" -eq 0 ]
}

# ref_chains: the names of the chains in the reference's table bridge nat.
ref_chains() {
	nft -j list table bridge nat 2>/dev/null | jq -r '.nftables[] | .chain? // empty | .name' | sort
}

@test "reference v1.1.1 and cnet: both drop a spoofed source MAC and pass the real one" {
	[[ -x $REF_BIN/bridge ]] || skip "reference plugins not installed in $REF_BIN"
	command -v nft >/dev/null || skip "no nft binary: the reference cannot set macspoofchk up"
	ref_add r1
	add c1
	# the reference: a jump per port to chains of its own in table bridge nat, no counter
	[ "$(ref_chains)" = "$(printf '%s\n' PREROUTING cni-br-iface-r1-eth0 cni-br-iface-r1-eth0-mac)" ]
	nft list chain bridge nat cni-br-iface-r1-eth0-mac | grep -q "ether saddr $(cont_mac r1) return"
	spoof_cycle "r1-$SUFFIX" 10.68.0.1 "r$BR"
	spoof_cycle "c1-$SUFFIX" 10.67.0.1 "$BR" cnet macspoof
	# each side's DEL removes its own; each leaves its base chain (cnet also its empty sets)
	ref_del r1
	del c1
	[ "$(ref_chains)" = PREROUTING ]
	refute grep -q iifname <<<"$(nft list chain bridge nat PREROUTING)"
	[ -z "$(owners)" ]
	[ "$(rules)" -eq 1 ]
}

@test "difference: DEL with the netns gone: the reference leaves its chains behind, cnet removes its elements" {
	[[ -x $REF_BIN/bridge ]] || skip "reference plugins not installed in $REF_BIN"
	command -v nft >/dev/null || skip "no nft binary: the reference cannot set macspoofchk up"
	ref_add r1
	add c1
	ip netns del "r1-$SUFFIX"
	ip netns del "c1-$SUFFIX"
	ref_del r1
	del c1
	# the reference: its jump and per-container chains stay (CNI-NOTES 2.1: a leak)
	[ "$(ref_chains)" = "$(printf '%s\n' PREROUTING cni-br-iface-r1-eth0 cni-br-iface-r1-eth0-mac)" ]
	[ -z "$(owners)" ]
}
