#!/usr/bin/env bats
# The bridge plugin (delegating to host-local) as a black box: the exact JSON it prints, the
# kernel state it leaves (`ip -j`, `bridge -j`), pings between containers, CHECK, DEL (twice,
# and with the netns gone), each config key, the result shapes per cniVersion, GC and STATUS.
# Every test makes its own container namespaces and its own bridge (br-$SUFFIX).

load helpers

NET=brnet

setup() {
	cnet_setup
	BR=br-$SUFFIX
	track_link "$BR"
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf [JQ_FILTER]: cniVersion 1.1.0 bridge config on $BR, host-local over 10.99.0.0/24 in
# $DATA_DIR; FILTER (jq) edits it.
conf() {
	jq -nc --arg br "$BR" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: $br,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.99.0.0/24"}]]}}' |
		jq -c "${1:-.}"
}

# nsname ID: the container namespace of container ID in this test.
nsname() { echo "$1-$SUFFIX"; }

# add ID CONFIG [CNI_ARGS]: make ID's namespace (if needed) and ADD eth0 there; must succeed.
# The result is in $output (and RESULT).
add() {
	local ns
	ns=$(nsname "$1")
	[[ -e $(ns_path "$ns") ]] || make_ns "$ns"
	cni bridge ADD "$1" "$(ns_path "$ns")" eth0 "$2" "${3-}"
	[ "$status" -eq 0 ]
	RESULT=$output
}

# del_twice ID CONFIG: DEL ID twice; both must succeed and print nothing.
del_twice() {
	local _
	for _ in 1 2; do
		cni bridge DEL "$1" "$(ns_path "$(nsname "$1")")" eth0 "$2"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

# with_prev CONFIG RESULT: CONFIG with RESULT as prevResult.
with_prev() { jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"; }

# check ID CONFIG RESULT: CHECK with RESULT as prevResult; sets status/output.
check() {
	cni bridge CHECK "$1" "$(ns_path "$(nsname "$1")")" eth0 "$(with_prev "$2" "$3")"
}

# mac_of LINK [NETNS]
mac_of() { ip ${2:+-n "$2"} -j link show dev "$1" | jq -r '.[0].address'; }

# host_veth ID: the sandbox-root end of ID's eth0.
host_veth() {
	local idx
	idx=$(ip -n "$(nsname "$1")" -j link show dev eth0 | jq '.[0].link_index')
	ip -j link show | jq -r --argjson i "$idx" '.[] | select(.ifindex == $i) | .ifname'
}

# addrs LINK [NETNS] [FAMILY]: its global addresses as a JSON array of "addr/plen".
addrs() {
	ip ${2:+-n "$2"} ${3:+"-$3"} -j addr show dev "$1" |
		jq -c '[.[0].addr_info // [] | .[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"]'
}

# leases [NET]: the lease files (named by address) host-local keeps for NET.
leases() {
	local d=$DATA_DIR/${1:-$NET}
	[[ -d $d ]] || return 0
	find "$d" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' -printf '%f\n' | sort
}

# pings NETNS DST [DST...]: NETNS reaches every DST (polls: ports and neighbours settle).
pings() {
	local ns=$1 dst
	shift
	for dst in "$@"; do
		wait_until 5 ns_exec "$ns" ping -q -c 1 -W 1 "$dst" >/dev/null
	done
}

# expected_result ID VERSION IPS ROUTES [DNS]: the result ADD must print for container ID,
# with the MACs and the host veth name read from the kernel.
expected_result() {
	local id=$1 ns veth dns=${5-}
	[[ -n $dns ]] || dns='{}'
	ns=$(nsname "$id")
	veth=$(host_veth "$id")
	jq -nc --arg v "$2" --argjson ips "$3" --argjson routes "$4" --argjson dns "$dns" \
		--arg br "$BR" --arg brmac "$(mac_of "$BR")" \
		--arg veth "$veth" --arg vmac "$(mac_of "$veth")" \
		--arg cmac "$(mac_of eth0 "$ns")" --arg sb "$(ns_path "$ns")" '
		{cniVersion: $v,
		 interfaces: [{name: $br, mac: $brmac}, {name: $veth, mac: $vmac},
			      {name: "eth0", mac: $cmac, sandbox: $sb}]}
		+ (if $ips == [] then {} else {ips: $ips} end)
		+ (if $routes == [] then {} else {routes: $routes} end)
		+ {dns: $dns}'
}

# err_json CODE MSG [VERSION]: the error object cnet prints.
err_json() {
	jq -nc --argjson code "$1" --arg msg "$2" --arg v "${3:-1.1.0}" \
		'{cniVersion: $v, code: $code, msg: $msg}'
}

# oper_up LINK: is LINK's operstate UP?
oper_up() { ip -j link show dev "$1" | jq -e '.[0].operstate == "UP"' >/dev/null; }

# dad_done NETNS ADDR: ADDR is on eth0 in NETNS and no longer tentative.
dad_done() {
	ip -n "$1" -6 -j addr show dev eth0 |
		jq -e --arg a "$2" 'any(.[0].addr_info[]; .local == $a and (.tentative | not))' >/dev/null
}

# vlan_filtering_supported: can this kernel make a VLAN-filtering bridge?
vlan_filtering_supported() {
	local probe=vf-$SUFFIX
	ip link add "$probe" type bridge vlan_filtering 1 2>/dev/null || return 1
	ip link del "$probe"
}

# port_vlans LINK: the VLANs of bridge port LINK, ranges expanded, as [{vlan, flags}].
port_vlans() {
	bridge -j vlan show dev "$1" | jq -c --arg l "$1" '[.[] | select(.ifname == $l) | .vlans[]
		| . as $v | range(.vlan; (.vlanEnd // .vlan) + 1) | {vlan: ., flags: ($v.flags // [])}]'
}

# ---- ADD, kernel state, CHECK, DEL ----------------------------------------------------------

@test "ADD prints the exact result; bridge, port and container are set up; CHECK; DEL twice" {
	local c ns veth
	c=$(conf '.isGateway = true | .ipam.routes = [{dst: "0.0.0.0/0"}]')
	add c1 "$c"
	ns=$(nsname c1)
	veth=$(host_veth c1)
	[[ $veth =~ ^veth[0-9a-f]{8}$ ]]
	json_eq "$(expected_result c1 1.1.0 \
		'[{"interface": 2, "address": "10.99.0.2/24", "gateway": "10.99.0.1"}]' \
		'[{"dst": "0.0.0.0/0"}]')" "$RESULT"

	# the bridge: up, carrying the gateway address
	ip -d -j link show dev "$BR" | jq -e '.[0].linkinfo.info_kind == "bridge"'
	ip -j link show dev "$BR" | jq -e '.[0].flags | index("UP")'
	[ "$(addrs "$BR" "" 4)" = '["10.99.0.1/24"]' ]
	# the host veth: a port of the bridge, up, no hairpin, not isolated
	ip -j link show dev "$veth" | jq -e --arg br "$BR" '.[0].master == $br'
	wait_until 5 oper_up "$veth"
	bridge -d -j link show dev "$veth" | jq -e '.[0].hairpin == false and .[0].isolated == false'
	# the container: eth0 up with its address, a default route via the gateway
	ip -n "$ns" -j link show dev eth0 | jq -e '.[0].flags | index("UP")'
	[ "$(addrs eth0 "$ns" 4)" = '["10.99.0.2/24"]' ]
	ip -n "$ns" -j route show default | jq -e '.[0].gateway == "10.99.0.1" and .[0].dev == "eth0"'
	# the sysctls: forwarding on (a gateway), no router advertisements on the bridge, ARP
	# announcements from the container
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = 1 ]
	[ "$(cat "/proc/sys/net/ipv6/conf/$BR/accept_ra")" = 0 ]
	[ "$(ns_exec "$ns" cat /proc/sys/net/ipv4/conf/eth0/arp_notify)" = 1 ]
	# the lease
	[ "$(leases)" = 10.99.0.2 ]
	pings "$ns" 10.99.0.1

	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	del_twice c1 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
	assert_no_leftovers -n "$ns"
}

@test "CHECK fails once the container's address is removed" {
	local c ns
	c=$(conf '.isGateway = true')
	add c1 "$c"
	ns=$(nsname c1)
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	ip -n "$ns" addr del 10.99.0.2/24 dev eth0
	check c1 "$c" "$RESULT"
	[ "$status" -eq 1 ]
	json_eq '{"cniVersion": "1.1.0", "code": 7, "msg": "address 10.99.0.2/24 is missing on \"eth0\""}' \
		"$output"
	del_twice c1 "$c"
	[ -z "$(leases)" ]
}

@test "CHECK fails once the container's interface is gone, and once promisc is turned off" {
	local c ns
	c=$(conf '.promiscMode = true')
	add c1 "$c"
	ns=$(nsname c1)
	ip -j link show dev "$BR" | jq -e '.[0].flags | index("PROMISC")'
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]

	ip link set dev "$BR" promisc off
	check c1 "$c" "$RESULT"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 7 "bridge \"$BR\" is not in promiscuous mode")" "$output"

	ip link set dev "$BR" promisc on
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	# IPAM's CHECK is part of it: a lost lease fails the CHECK
	mv "$DATA_DIR/$NET/10.99.0.2" "$BATS_TEST_TMPDIR/lease"
	check c1 "$c" "$RESULT"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 3 "ipam host-local CHECK: host-local: failed to find an address of \
container c1 (ifname eth0)")" "$output"
	mv "$BATS_TEST_TMPDIR/lease" "$DATA_DIR/$NET/10.99.0.2"

	ip -n "$ns" link del eth0
	check c1 "$c" "$RESULT"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 3 ]
	del_twice c1 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

@test "DEL after the netns was deleted still releases the lease" {
	local c ns
	c=$(conf '.isGateway = true')
	add c1 "$c"
	ns=$(nsname c1)
	[ "$(leases)" = 10.99.0.2 ]
	ip netns del "$ns"
	[ ! -e "$(ns_path "$ns")" ]
	del_twice c1 "$c"
	[ -z "$(leases)" ]
	# the kernel removes the veth pair with the namespace, asynchronously
	wait_until 10 assert_no_leftovers "$BR" 2>/dev/null
	# and with an empty CNI_NETNS too
	add c2 "$c"
	[ "$(leases)" = 10.99.0.3 ]
	cni bridge DEL c2 "" eth0 "$c"
	[ "$status" -eq 0 ]
	[ -z "$(leases)" ]
}

@test "a second attachment (net1, another network and bridge) in the same container" {
	local c1 c2 ns br2=bq-$SUFFIX
	track_link "$br2"
	c1=$(conf '.isGateway = true')
	c2=$(jq -c --arg br "$br2" '.name = "other" | .bridge = $br
		| .ipam.ranges = [[{subnet: "10.100.0.0/24"}]]' <<<"$c1")
	add c1 "$c1"
	ns=$(nsname c1)
	cni bridge ADD c1 "$(ns_path "$ns")" net1 "$c2"
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.interfaces[0].name, .interfaces[2].name, .ips[0].address]' <<<"$output")" = \
		"[\"$br2\",\"net1\",\"10.100.0.2/24\"]" ]
	[ "$(addrs net1 "$ns" 4)" = '["10.100.0.2/24"]' ]
	pings "$ns" 10.99.0.1 10.100.0.1
	# DEL of net1 leaves eth0 and its lease alone
	cni bridge DEL c1 "$(ns_path "$ns")" net1 "$c2"
	[ "$status" -eq 0 ]
	assert_no_leftovers -n "$ns" eth0
	[ "$(leases)" = 10.99.0.2 ]
	[ "$(leases other)" = "" ]
	del_twice c1 "$c1"
	assert_no_leftovers "$BR" "$br2"
}

# ---- connectivity ----------------------------------------------------------------------------

@test "isGateway: two containers ping each other and the gateway; the host reaches them" {
	local c
	c=$(conf '.isGateway = true')
	add c1 "$c"
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.99.0.2/24 ]
	add c2 "$c"
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.99.0.3/24 ]
	[ "$(ip -j link show master "$BR" | jq length)" -eq 2 ]
	pings "$(nsname c1)" 10.99.0.3 10.99.0.1
	pings "$(nsname c2)" 10.99.0.2 10.99.0.1
	wait_until 5 ping -q -c 1 -W 1 10.99.0.2 >/dev/null
	del_twice c1 "$c"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

@test "IPv6 only: addresses, gateway on the bridge, ping -6 between containers" {
	local c ns1 ns2
	c=$(conf '.isGateway = true | .ipam.ranges = [[{subnet: "fd00:99::/64"}]]')
	add c1 "$c"
	json_eq "$(expected_result c1 1.1.0 \
		'[{"interface": 2, "address": "fd00:99::2/64", "gateway": "fd00:99::1"}]' '[]')" \
		"$RESULT"
	add c2 "$c"
	ns1=$(nsname c1)
	ns2=$(nsname c2)
	[ "$(addrs eth0 "$ns1" 6)" = '["fd00:99::2/64"]' ]
	[ "$(addrs eth0 "$ns2" 6)" = '["fd00:99::3/64"]' ]
	[ "$(addrs "$BR" "" 6)" = '["fd00:99::1/64"]' ]
	pings "$ns1" fd00:99::3 fd00:99::1
	pings "$ns2" fd00:99::2
	[ "$(cat /proc/sys/net/ipv6/conf/all/forwarding)" = 1 ]
	[ "$(leases)" = "$(printf 'fd00:99::2\nfd00:99::3')" ]
	del_twice c1 "$c"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

@test "dual stack: one address per family, ping -4 and -6 between containers" {
	local c ns1 r1
	c=$(conf '.isGateway = true
		| .ipam.ranges = [[{subnet: "10.99.0.0/24"}], [{subnet: "fd00:99::/64"}]]')
	add c1 "$c"
	r1=$RESULT
	json_eq "$(expected_result c1 1.1.0 '[
		{"interface": 2, "address": "10.99.0.2/24", "gateway": "10.99.0.1"},
		{"interface": 2, "address": "fd00:99::2/64", "gateway": "fd00:99::1"}]' '[]')" "$r1"
	add c2 "$c"
	ns1=$(nsname c1)
	[ "$(addrs eth0 "$ns1")" = '["10.99.0.2/24","fd00:99::2/64"]' ]
	[ "$(addrs eth0 "$(nsname c2)")" = '["10.99.0.3/24","fd00:99::3/64"]' ]
	pings "$ns1" 10.99.0.3 fd00:99::3 10.99.0.1 fd00:99::1
	pings "$(nsname c2)" 10.99.0.2 fd00:99::2
	check c1 "$c" "$r1"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

@test "isDefaultGateway: default routes via the gateways, for each family" {
	local c ns
	c=$(conf '.isDefaultGateway = true
		| .ipam.ranges = [[{subnet: "10.99.0.0/24"}], [{subnet: "fd00:99::/64"}]]')
	add c1 "$c"
	ns=$(nsname c1)
	json_eq '[{"dst": "0.0.0.0/0", "gw": "10.99.0.1"}, {"dst": "::/0", "gw": "fd00:99::1"}]' \
		"$(jq -c .routes <<<"$RESULT")"
	ip -n "$ns" -4 -j route show default | jq -e '.[0].gateway == "10.99.0.1"'
	ip -n "$ns" -6 -j route show default | jq -e '.[0].gateway == "fd00:99::1"'
	# isDefaultGateway implies isGateway
	[ "$(addrs "$BR")" = '["10.99.0.1/24","fd00:99::1/64"]' ]
	pings "$ns" 10.99.0.1 fd00:99::1
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"

	# IPAM's own default route is kept, not doubled
	c=$(conf '.isDefaultGateway = true | .ipam.routes = [{dst: "0.0.0.0/0"}]')
	add c2 "$c"
	json_eq '[{"dst": "0.0.0.0/0"}]' "$(jq -c .routes <<<"$RESULT")"
	[ "$(ip -n "$(nsname c2)" -4 -j route show default | jq length)" -eq 1 ]
	del_twice c2 "$c"
	[ -z "$(leases)" ]
}

# ---- port and bridge options ------------------------------------------------------------------

@test "hairpinMode sets hairpin on the bridge port" {
	local c veth
	c=$(conf '.hairpinMode = true')
	add c1 "$c"
	veth=$(host_veth c1)
	bridge -d -j link show dev "$veth" | jq -e '.[0].hairpin == true'
	ip -d -j link show dev "$veth" | jq -e '.[0].linkinfo.info_slave_data.hairpin == true'
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	assert_no_leftovers "$BR"
}

@test "portIsolation: isolated ports reach the gateway, not each other" {
	local c ns1 ns2 v
	c=$(conf '.isGateway = true | .portIsolation = true')
	add c1 "$c"
	add c2 "$c"
	ns1=$(nsname c1)
	ns2=$(nsname c2)
	for v in "$(host_veth c1)" "$(host_veth c2)"; do
		bridge -d -j link show dev "$v" | jq -e '.[0].isolated == true'
		ip -d -j link show dev "$v" | jq -e '.[0].linkinfo.info_slave_data.isolated == true'
	done
	pings "$ns1" 10.99.0.1
	pings "$ns2" 10.99.0.1
	wait_until 5 ping -q -c 1 -W 1 10.99.0.3 >/dev/null
	run ns_exec "$ns1" ping -q -c 2 -W 1 10.99.0.3
	[ "$status" -ne 0 ]
	run ns_exec "$ns2" ping -q -c 2 -W 1 10.99.0.2
	[ "$status" -ne 0 ]
	del_twice c1 "$c"
	del_twice c2 "$c"
	assert_no_leftovers "$BR"
}

@test "promiscMode puts the bridge in promiscuous mode" {
	local c
	c=$(conf '.promiscMode = true')
	add c1 "$c"
	ip -j link show dev "$BR" | jq -e '.[0].flags | index("PROMISC")'
	ip -d -j link show dev "$BR" | jq -e '.[0].promiscuity >= 1'
	del_twice c1 "$c"
}

@test "mtu applies to the bridge and both veth ends" {
	local c
	c=$(conf '.mtu = 1400 | .isGateway = true')
	add c1 "$c"
	[ "$(ip -j link show dev "$BR" | jq '.[0].mtu')" -eq 1400 ]
	[ "$(ip -j link show dev "$(host_veth c1)" | jq '.[0].mtu')" -eq 1400 ]
	[ "$(ip -n "$(nsname c1)" -j link show dev eth0 | jq '.[0].mtu')" -eq 1400 ]
	pings "$(nsname c1)" 10.99.0.1
	del_twice c1 "$c"
	assert_no_leftovers "$BR"
}

@test "container MAC from runtimeConfig.mac, from CNI_ARGS MAC=, runtimeConfig first" {
	local c
	c=$(conf '.runtimeConfig = {mac: "02:00:00:00:01:01"}')
	add c1 "$c"
	[ "$(mac_of eth0 "$(nsname c1)")" = 02:00:00:00:01:01 ]
	[ "$(jq -r '.interfaces[2].mac' <<<"$RESULT")" = 02:00:00:00:01:01 ]
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]

	add c2 "$(conf)" "IgnoreUnknown=1;MAC=02:00:00:00:01:02"
	[ "$(mac_of eth0 "$(nsname c2)")" = 02:00:00:00:01:02 ]
	[ "$(jq -r '.interfaces[2].mac' <<<"$RESULT")" = 02:00:00:00:01:02 ]

	add c3 "$(conf '.runtimeConfig = {mac: "02:00:00:00:01:03"}
		| .args = {cni: {mac: "02:00:00:00:01:05"}}')" "MAC=02:00:00:00:01:04"
	[ "$(mac_of eth0 "$(nsname c3)")" = 02:00:00:00:01:03 ]
	# args.cni.mac comes before CNI_ARGS
	add c4 "$(conf '.args = {cni: {mac: "02:00:00:00:01:06"}}')" "MAC=02:00:00:00:01:07"
	[ "$(mac_of eth0 "$(nsname c4)")" = 02:00:00:00:01:06 ]
	del_twice c1 "$c"
	del_twice c2 "$(conf)"
	del_twice c3 "$(conf)"
	del_twice c4 "$(conf)"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

@test "forceAddress: another IPv4 address on the bridge is an error without it, replaced with it" {
	local c
	ip link add "$BR" type bridge
	ip addr add 10.99.0.77/24 dev "$BR"
	make_ns "$(nsname c1)"
	c=$(conf '.isGateway = true')
	cni bridge ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$c"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 7 "bridge \"$BR\" already has an IP address (10.99.0.77/24) different \
from 10.99.0.1/24 (set forceAddress to replace it)")" "$output"
	# rolled back: no veth, no lease, the address untouched
	assert_no_leftovers "$BR"
	assert_no_leftovers -n "$(nsname c1)"
	[ -z "$(leases)" ]
	[ "$(addrs "$BR" "" 4)" = '["10.99.0.77/24"]' ]

	c=$(conf '.isGateway = true | .forceAddress = true')
	add c1 "$c"
	[ "$(addrs "$BR" "" 4)" = '["10.99.0.1/24"]' ]
	pings "$(nsname c1)" 10.99.0.1
	del_twice c1 "$c"
	[ -z "$(leases)" ]
}

@test "forceAddress: an overlapping IPv6 address is replaced, a disjoint one stays" {
	local c
	ip link add "$BR" type bridge
	ip addr add fd00:99::77/64 dev "$BR" nodad
	ip addr add fd00:aa::1/64 dev "$BR" nodad
	make_ns "$(nsname c1)"
	c=$(conf '.isGateway = true | .ipam.ranges = [[{subnet: "fd00:99::/64"}]]')
	cni bridge ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$c"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 7 "bridge \"$BR\" already has an IP address (fd00:99::77/64) different \
from fd00:99::1/64 (set forceAddress to replace it)")" "$output"
	assert_no_leftovers "$BR"
	[ -z "$(leases)" ]

	c=$(conf '.isGateway = true | .forceAddress = true | .ipam.ranges = [[{subnet: "fd00:99::/64"}]]')
	add c1 "$c"
	[ "$(addrs "$BR" "" 6)" = '["fd00:99::1/64","fd00:aa::1/64"]' ] ||
		[ "$(addrs "$BR" "" 6)" = '["fd00:aa::1/64","fd00:99::1/64"]' ]
	pings "$(nsname c1)" fd00:99::1
	del_twice c1 "$c"
}

@test "a failed ADD on a new bridge does not break the next gateway ADD (plugins#620)" {
	local c
	c=$(conf '.isGateway = true')
	make_ns "$(nsname c1)"
	# the bridge is made, the port joins, IPAM refuses, the port goes: a bridge without
	# ports has the MAC 00:00:00:00:00:00
	cni bridge ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$c" "IP=10.200.0.5"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 7 ]
	assert_no_leftovers "$BR"
	[ "$(mac_of "$BR")" = 00:00:00:00:00:00 ]
	add c1 "$c"
	[ "$(jq -r '.interfaces[0].mac' <<<"$RESULT")" != 00:00:00:00:00:00 ]
	[ "$(jq -r '.interfaces[0].mac' <<<"$RESULT")" = "$(mac_of "$BR")" ]
	pings "$(nsname c1)" 10.99.0.1
	# pinned: the bridge keeps its MAC when the port goes
	del_twice c1 "$c"
	[ "$(mac_of "$BR")" = "$(jq -r '.interfaces[0].mac' <<<"$RESULT")" ]
}

@test "an existing bridge is reused and brought up; without a bridge key it is cni0" {
	local c idx
	ip link add "$BR" type bridge
	idx=$(ip -j link show dev "$BR" | jq '.[0].ifindex')
	c=$(conf '.isGateway = true')
	add c1 "$c"
	[ "$(ip -j link show dev "$BR" | jq '.[0].ifindex')" = "$idx" ]
	ip -j link show dev "$BR" | jq -e '.[0].flags | index("UP")'
	pings "$(nsname c1)" 10.99.0.1
	del_twice c1 "$c"
	# the bridge is never deleted
	ip link show dev "$BR" >/dev/null

	track_link cni0
	c=$(conf 'del(.bridge)')
	add c2 "$c"
	[ "$(jq -r '.interfaces[0].name' <<<"$RESULT")" = cni0 ]
	ip -j link show dev "$(host_veth c2)" | jq -e '.[0].master == "cni0"'
	del_twice c2 "$c"
	assert_no_leftovers "$BR" cni0
}

@test "enabledad: DAD on in the container, the address usable once it passed; off by default" {
	local c ns
	c=$(conf '.ipam.ranges = [[{subnet: "fd00:99::/64"}]] | .isGateway = true')
	add c1 "$c"
	ns=$(nsname c1)
	[ "$(ns_exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/accept_dad)" = 0 ]
	# without DAD the address is usable at once
	dad_done "$ns" fd00:99::2
	del_twice c1 "$c"

	c=$(conf '.ipam.ranges = [[{subnet: "fd00:99::/64"}]] | .isGateway = true | .enabledad = true')
	add c2 "$c"
	ns=$(nsname c2)
	[ "$(ns_exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/accept_dad)" = 1 ]
	[ "$(ns_exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/enhanced_dad)" = 1 ]
	# the address has passed DAD (ADD may wait for it; the kernel takes about a second)
	wait_until 10 dad_done "$ns" fd00:99::3
	pings "$ns" fd00:99::1
	del_twice c2 "$c"
	[ -z "$(leases)" ]
}

@test "disableContainerInterface with no IPAM: the container interface stays down" {
	local c ns
	c=$(conf '.disableContainerInterface = true | .ipam = {}')
	add c1 "$c"
	ns=$(nsname c1)
	json_eq "$(expected_result c1 1.1.0 '[]' '[]')" "$RESULT"
	ip -n "$ns" -j link show dev eth0 | jq -e '.[0].flags | index("UP") | not'
	ip -j link show dev "$(host_veth c1)" | jq -e --arg br "$BR" '.[0].master == $br'
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	[ ! -e "$DATA_DIR" ]
	assert_no_leftovers "$BR"
}

@test "layer 2 only (ipam {}): no address, eth0 up, frames cross the bridge" {
	local c ns1 ns2
	c=$(conf '.ipam = {}')
	add c1 "$c"
	json_eq "$(expected_result c1 1.1.0 '[]' '[]')" "$RESULT"
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	add c2 "$c"
	ns1=$(nsname c1)
	ns2=$(nsname c2)
	ip -n "$ns1" -j link show dev eth0 | jq -e '.[0].flags | index("UP")'
	[ "$(addrs eth0 "$ns1" 4)" = '[]' ]
	[ "$(addrs "$BR" "" 4)" = '[]' ]
	ns_exec "$ns1" ip addr add 192.168.77.1/24 dev eth0
	ns_exec "$ns2" ip addr add 192.168.77.2/24 dev eth0
	pings "$ns1" 192.168.77.2
	del_twice c1 "$c"
	del_twice c2 "$c"
	# as the reference: an ipam object without a type is layer 2 only too
	c=$(conf '.ipam = {dataDir: "/nonexistent"}')
	add c3 "$c"
	json_eq "$(expected_result c3 1.1.0 '[]' '[]')" "$RESULT"
	del_twice c3 "$c"
	[ ! -e "$DATA_DIR" ]
	assert_no_leftovers "$BR"
}

@test "layer 2 only: CHECK still passes after another port changed the bridge's MAC" {
	local c r1
	c=$(conf '.ipam = {}')
	add c1 "$c"
	r1=$RESULT
	# an uplink with a lower MAC joins: an unpinned bridge takes the lowest port MAC
	track_link "up-$SUFFIX"
	ip link add "up-$SUFFIX" address 02:00:00:00:00:01 type veth peer name "uq-$SUFFIX"
	ip link set "up-$SUFFIX" master "$BR"
	[ "$(mac_of "$BR")" = 02:00:00:00:00:01 ]
	[ "$(jq -r '.interfaces[0].mac' <<<"$r1")" != 02:00:00:00:00:01 ]
	# c1's attachment is as it was made: CHECK must not blame it for the bridge's MAC
	check c1 "$c" "$r1"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
}

@test "dns: IPAM's resolvConf without the key, the bridge's dns key overrides it" {
	local c rc=$BATS_TEST_TMPDIR/resolv.conf
	printf 'nameserver 10.0.0.53\ndomain ipam.example\nsearch ipam.example\noptions ndots:3\n' >"$rc"
	c=$(conf ".ipam.resolvConf = \"$rc\"")
	add c1 "$c"
	json_eq '{"nameservers": ["10.0.0.53"], "domain": "ipam.example", "search": ["ipam.example"],
		"options": ["ndots:3"]}' "$(jq -c .dns <<<"$RESULT")"

	c=$(conf ".ipam.resolvConf = \"$rc\"
		| .dns = {nameservers: [\"1.1.1.1\", \"fd00::53\"], domain: \"corp.example\",
			  search: [\"a.example\", \"b.example\"], options: [\"ndots:2\"]}")
	add c2 "$c"
	json_eq "$(expected_result c2 1.1.0 \
		'[{"interface": 2, "address": "10.99.0.3/24", "gateway": "10.99.0.1"}]' '[]' \
		'{"nameservers": ["1.1.1.1", "fd00::53"], "domain": "corp.example",
		  "search": ["a.example", "b.example"], "options": ["ndots:2"]}')" "$RESULT"
	del_twice c1 "$c"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
}

# ---- result shapes ----------------------------------------------------------------------------

@test "cniVersion 0.3.1, 0.4.0, 1.0.0 and 1.1.0 result shapes" {
	local v c id n=1 ips routes
	for v in 0.3.1 0.4.0 1.0.0 1.1.0; do
		id=c$n
		n=$((n + 1))
		c=$(conf ".cniVersion = \"$v\" | .isGateway = true
			| .ipam.routes = [{dst: \"192.168.0.0/16\", gw: \"10.99.0.254\", priority: 100}]")
		add "$id" "$c"
		# ips[].version before 1.0.0; route metrics (priority) from 1.1.0 on
		ips=$(jq -nc --arg v "$v" --arg a "10.99.0.$n/24" '[
			(if $v == "0.3.1" or $v == "0.4.0" then {version: "4"} else {} end)
			+ {interface: 2, address: $a, gateway: "10.99.0.1"}]')
		routes='[{"dst": "192.168.0.0/16", "gw": "10.99.0.254"}]'
		[[ $v != 1.1.0 ]] ||
			routes='[{"dst": "192.168.0.0/16", "gw": "10.99.0.254", "priority": 100}]'
		json_eq "$(expected_result "$id" "$v" "$ips" "$routes")" "$RESULT"
		# the container gets the route as the result has it (no metric before 1.1.0)
		ip -n "$(nsname "$id")" -j route show 192.168.0.0/16 | jq -e --arg v "$v" '
			.[0].gateway == "10.99.0.254"
			and .[0].metric == (if $v == "1.1.0" then 100 else null end)'
		check "$id" "$c" "$RESULT"
		if [[ $v == 0.3.1 ]]; then   # CHECK needs 0.4.0
			[ "$status" -eq 1 ]
			[ "$(jq -c '[.cniVersion, .code]' <<<"$output")" = '["0.3.1",1]' ]
		else
			[ "$status" -eq 0 ]
		fi
		del_twice "$id" "$c"
	done
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

# ---- GC and STATUS -----------------------------------------------------------------------------

@test "GC (1.1.0) through the bridge releases the leases of attachments not listed as valid" {
	local c
	c=$(conf)
	add c1 "$c"
	add c2 "$c"
	add c3 "$c"
	[ "$(leases | wc -l)" -eq 3 ]
	cni bridge GC "" "" "" "$(jq -c '. + {"cni.dev/valid-attachments": [
		{containerID: "c1", ifname: "eth0"}, {containerID: "c3", ifname: "eth0"}]}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(leases)" = "$(printf '10.99.0.2\n10.99.0.4')" ]
	[ "$(head -n1 "$DATA_DIR/$NET/10.99.0.4" | tr -d '\r')" = c3 ]

	# GC needs a 1.1.0 config
	cni bridge GC "" "" "" "$(jq -c '.cniVersion = "1.0.0" | . + {"cni.dev/valid-attachments": []}' <<<"$c")"
	[ "$status" -eq 1 ]
	[ "$(jq -c '[.cniVersion, .code]' <<<"$output")" = '["1.0.0",1]' ]
	[ "$(leases | wc -l)" -eq 2 ]

	del_twice c1 "$c"
	del_twice c2 "$c"
	del_twice c3 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

@test "STATUS (1.1.0) through the bridge: 0 while addresses are free, 50 when exhausted" {
	local c
	# a /30: .1 is the gateway, .3 the broadcast address: one address to hand out
	c=$(conf '.ipam.ranges = [[{subnet: "10.99.0.0/30"}]]')
	cni bridge STATUS "" "" "" "$c"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	add c1 "$c"
	cni bridge STATUS "" "" "" "$c"
	[ "$status" -eq 1 ]
	json_eq '{"cniVersion": "1.1.0", "code": 50,
		"msg": "ipam host-local STATUS: range set 0 (10.99.0.0/30) has no free address"}' "$output"
	del_twice c1 "$c"
	cni bridge STATUS "" "" "" "$c"
	[ "$status" -eq 0 ]
}

@test "STATUS and GC (1.1.0) on a layer-2-only network (ipam {} or without type) succeed" {
	local ipam
	for ipam in '{}' '{"dataDir": "/nonexistent"}' '{"type": ""}'; do
		cni bridge STATUS "" "" "" "$(conf ".ipam = $ipam")"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		cni bridge GC "" "" "" "$(conf ".ipam = $ipam | .[\"cni.dev/valid-attachments\"] = []")"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

# ---- VLANs (skipped where the kernel lacks CONFIG_BRIDGE_VLAN_FILTERING) ---------------------

@test "vlan: without kernel VLAN filtering, ADD fails and leaves nothing" {
	vlan_filtering_supported && skip "this kernel has VLAN filtering"
	make_ns "$(nsname c1)"
	cni bridge ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$(conf '.vlan = 100')"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 100 ]
	[[ $(jq -r .msg <<<"$output") == *"VLAN filtering"* ]]
	assert_no_leftovers
	assert_no_leftovers -n "$(nsname c1)"
	[ -z "$(leases)" ]
}

@test "vlan: VLAN filtering on the bridge, the port's PVID untagged, VLAN 1 kept unless preserveDefaultVlan is false" {
	vlan_filtering_supported || skip "kernel without bridge VLAN filtering"
	local c veth
	# the reference defaults preserveDefaultVlan to true: VLAN 1 stays on the port
	c=$(conf '.vlan = 100')
	add c1 "$c"
	veth=$(host_veth c1)
	ip -d -j link show dev "$BR" | jq -e '.[0].linkinfo.info_data.vlan_filtering == 1'
	json_eq '[{"vlan": 1, "flags": ["Egress Untagged"]},
		{"vlan": 100, "flags": ["PVID", "Egress Untagged"]}]' "$(port_vlans "$veth")"
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"

	c=$(conf '.vlan = 100 | .preserveDefaultVlan = false')
	add c2 "$c"
	json_eq '[{"vlan": 100, "flags": ["PVID", "Egress Untagged"]}]' "$(port_vlans "$(host_veth c2)")"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
}

@test "vlan with isGateway: containers of a VLAN reach each other and <bridge>.<vid>, not another VLAN" {
	vlan_filtering_supported || skip "kernel without bridge VLAN filtering"
	local c100 c200 ns1
	c100=$(conf '.vlan = 100 | .isGateway = true')
	c200=$(conf '.vlan = 200')
	track_link "$BR.100"
	add c1 "$c100"
	[ "$(jq -r '.interfaces[3].name' <<<"$RESULT")" = "$BR.100" ]
	[ "$(jq -r '.interfaces | length' <<<"$RESULT")" -eq 4 ]
	add c2 "$c100"
	add c3 "$c200"
	ns1=$(nsname c1)
	[ "$(addrs "$BR.100" "" 4)" = '["10.99.0.1/24"]' ]
	pings "$ns1" 10.99.0.1 10.99.0.3
	run ns_exec "$ns1" ping -q -c 2 -W 1 10.99.0.4
	[ "$status" -ne 0 ]
	del_twice c1 "$c100"
	del_twice c2 "$c100"
	del_twice c3 "$c200"
	[ -z "$(leases)" ]
}

@test "vlanTrunk: tagged VLANs on the port; native VLAN 1 kept unless preserveDefaultVlan is false" {
	vlan_filtering_supported || skip "kernel without bridge VLAN filtering"
	local c
	c=$(conf '.vlanTrunk = [{id: 101}, {minID: 200, maxID: 202}] | .ipam = {}')
	add c1 "$c"
	ip -d -j link show dev "$BR" | jq -e '.[0].linkinfo.info_data.vlan_filtering == 1'
	json_eq '[{"vlan": 1, "flags": ["PVID", "Egress Untagged"]}, {"vlan": 101, "flags": []},
		{"vlan": 200, "flags": []}, {"vlan": 201, "flags": []}, {"vlan": 202, "flags": []}]' \
		"$(port_vlans "$(host_veth c1)")"
	del_twice c1 "$c"

	c=$(conf '.vlanTrunk = [{id: 101}, {minID: 200, maxID: 202}] | .preserveDefaultVlan = false
		| .ipam = {}')
	add c2 "$c"
	json_eq '[{"vlan": 101, "flags": []}, {"vlan": 200, "flags": []}, {"vlan": 201, "flags": []},
		{"vlan": 202, "flags": []}]' "$(port_vlans "$(host_veth c2)")"
	del_twice c2 "$c"
	assert_no_leftovers "$BR"
}
