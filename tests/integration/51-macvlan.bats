#!/usr/bin/env bats
# The macvlan plugin as a black box: the exact JSON it prints, the link it leaves in the
# container (`ip -d -j`), pings to the LAN and between containers per mode, CHECK, DEL (twice,
# with the netns gone, with the master gone), each key with good and bad values, chaining
# with tuning, GC, STATUS; then the same configs through the reference macvlan, compared.
#
# This kernel has no dummy links: the "physical" parent is a veth end ($PARENT) in the
# sandbox root whose peer sits in the namespace $LAN (10.77.0.1/24, fd77::1/64): the LAN.

load helpers

NET=mvnet

setup() {
	cnet_setup
	PARENT=mv-$SUFFIX
	LAN=lan-$SUFFIX
	make_ns "$LAN"
	ip link add "$PARENT" type veth peer name lanif netns "$LAN"
	track_link "$PARENT"
	ip link set "$PARENT" up
	ip -n "$LAN" addr add 10.77.0.1/24 dev lanif
	ip -n "$LAN" addr add fd77::1/64 dev lanif nodad
	ip -n "$LAN" link set lanif up
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf [JQ_FILTER]: cniVersion 1.1.0 macvlan config on $PARENT, host-local over 10.77.0.0/24
# from .10 in $DATA_DIR; FILTER (jq) edits it.
conf() {
	jq -nc --arg m "$PARENT" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "macvlan", master: $m,
		ipam: {type: "host-local", dataDir: $dir,
		       ranges: [[{subnet: "10.77.0.0/24", rangeStart: "10.77.0.10"}]]}}' |
		jq -c "${1:-.}"
}

# nsname ID: the container namespace of container ID in this test.
nsname() { echo "$1-$SUFFIX"; }

# add ID CONFIG [CNI_ARGS] [IFNAME]: make ID's namespace (if needed) and ADD; must succeed.
# The result is in $output (and RESULT).
add() {
	local ns
	ns=$(nsname "$1")
	[[ -e $(ns_path "$ns") ]] || make_ns "$ns"
	cni macvlan ADD "$1" "$(ns_path "$ns")" "${4:-eth0}" "$2" "${3-}"
	[ "$status" -eq 0 ]
	RESULT=$output
}

# try_add ID CONFIG [CNI_ARGS] [IFNAME]: the same, but the caller checks status/output.
try_add() {
	local ns
	ns=$(nsname "$1")
	[[ -e $(ns_path "$ns") ]] || make_ns "$ns"
	cni macvlan ADD "$1" "$(ns_path "$ns")" "${4:-eth0}" "$2" "${3-}"
}

# del_twice ID CONFIG [IFNAME]: DEL twice; both must succeed and print nothing.
del_twice() {
	local _
	for _ in 1 2; do
		cni macvlan DEL "$1" "$(ns_path "$(nsname "$1")")" "${3:-eth0}" "$2"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

with_prev() { jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"; }

# check ID CONFIG RESULT [IFNAME]: CHECK with RESULT as prevResult; sets status/output.
check() {
	cni macvlan CHECK "$1" "$(ns_path "$(nsname "$1")")" "${4:-eth0}" "$(with_prev "$2" "$3")"
}

mac_of() { ip ${2:+-n "$2"} -j link show dev "$1" | jq -r '.[0].address'; }

# mv_state NETNS IFNAME: the link's kind, mode, parent ifindex, MTU and flags, as JSON.
mv_state() {
	ip -n "$1" -d -j link show dev "$2" | jq -c '.[0] | {kind: .linkinfo.info_kind,
		mode: .linkinfo.info_data.mode, link_index, mtu, up: (.flags | index("UP") != null)}'
}

ifindex_of() { ip ${2:+-n "$2"} -j link show dev "$1" | jq '.[0].ifindex'; }

addrs() {
	ip ${2:+-n "$2"} ${3:+"-$3"} -j addr show dev "$1" |
		jq -c '[.[0].addr_info // [] | .[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"]'
}

leases() {
	local d=$DATA_DIR/${1:-$NET}
	[[ -d $d ]] || return 0
	find "$d" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' -printf '%f\n' | sort
}

# pings NETNS DST...: NETNS reaches every DST (polls: neighbours settle).
pings() {
	local ns=$1 dst
	shift
	for dst in "$@"; do
		wait_until 5 ns_exec "$ns" ping -q -c 1 -W 1 "$dst" >/dev/null
	done
}

# no_ping NETNS DST: two tries, both unanswered.
no_ping() { ! ns_exec "$1" ping -q -c 2 -W 1 "$2" >/dev/null; }

err_json() {
	jq -nc --argjson code "$1" --arg msg "$2" --arg v "${3:-1.1.0}" \
		'{cniVersion: $v, code: $code, msg: $msg}'
}

# expected_result ID VERSION IPS [ROUTES] [IFNAME]: what ADD must print, the MAC read back.
expected_result() {
	local ns
	ns=$(nsname "$1")
	jq -nc --arg v "$2" --argjson ips "$3" --argjson routes "${4:-[]}" \
		--arg ifn "${5:-eth0}" --arg mac "$(mac_of "${5:-eth0}" "$ns")" \
		--arg sb "$(ns_path "$ns")" '
		{cniVersion: $v, interfaces: [{name: $ifn, mac: $mac, sandbox: $sb}]}
		+ (if $ips == [] then {} else {ips: $ips} end)
		+ (if $routes == [] then {} else {routes: $routes} end)
		+ {dns: {}}'
}

# nothing_left ID: no link but lo in ID's namespace, no lease.
nothing_left() {
	assert_no_leftovers -n "$(nsname "$1")"
	[ -z "$(leases)" ]
}

# ---- ADD, kernel state, CHECK, DEL ----------------------------------------------------------

@test "ADD prints the exact result; the macvlan is born in the container on the master; CHECK; DEL twice" {
	local c ns
	c=$(conf '.ipam.routes = [{dst: "0.0.0.0/0"}]')
	add c1 "$c"
	ns=$(nsname c1)
	json_eq "$(expected_result c1 1.1.0 \
		'[{"interface": 0, "address": "10.77.0.10/24", "gateway": "10.77.0.1"}]' \
		'[{"dst": "0.0.0.0/0"}]')" "$RESULT"
	# a bridge-mode macvlan on the master, its MTU, up, with the address and routes
	json_eq "$(jq -nc --argjson i "$(ifindex_of "$PARENT")" \
		'{kind: "macvlan", mode: "bridge", link_index: $i, mtu: 1500, up: true}')" \
		"$(mv_state "$ns" eth0)"
	[ "$(addrs eth0 "$ns" 4)" = '["10.77.0.10/24"]' ]
	ip -n "$ns" -j route show default | jq -e '.[0].gateway == "10.77.0.1" and .[0].dev == "eth0"'
	# announcements of the new MAC, as the reference
	[ "$(ns_exec "$ns" cat /proc/sys/net/ipv4/conf/eth0/arp_notify)" = 1 ]
	[ "$(ns_exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/ndisc_notify)" = 1 ]
	# nothing in the sandbox root but what was there
	assert_no_leftovers "$PARENT"
	[ "$(leases)" = 10.77.0.10 ]
	# the LAN at the far end of the parent
	pings "$ns" 10.77.0.1

	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	del_twice c1 "$c"
	nothing_left c1
	assert_no_leftovers "$PARENT"
}

@test "bridge mode: two containers on the same parent reach each other and the LAN" {
	local c
	c=$(conf '.mode = "bridge"')
	add c1 "$c"
	add c2 "$c"
	pings "$(nsname c1)" 10.77.0.11 10.77.0.1
	pings "$(nsname c2)" 10.77.0.10 10.77.0.1
	del_twice c1 "$c"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
}

@test "private mode: two containers reach the LAN, not each other" {
	local c
	c=$(conf '.mode = "private"')
	add c1 "$c"
	add c2 "$c"
	[ "$(mv_state "$(nsname c1)" eth0 | jq -r .mode)" = private ]
	pings "$(nsname c1)" 10.77.0.1
	pings "$(nsname c2)" 10.77.0.1
	no_ping "$(nsname c1)" 10.77.0.11
	no_ping "$(nsname c2)" 10.77.0.10
	del_twice c1 "$c"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
}

@test "vepa mode: the link is in vepa mode and reaches the LAN" {
	local c
	c=$(conf '.mode = "vepa"')
	add c1 "$c"
	[ "$(mv_state "$(nsname c1)" eth0 | jq -r .mode)" = vepa ]
	pings "$(nsname c1)" 10.77.0.1
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	nothing_left c1
}

@test "passthru takes the parent: its MAC, promiscuous; no other macvlan can join it" {
	local c ns pmac
	pmac=$(mac_of "$PARENT")
	c=$(conf '.mode = "passthru"')
	add c1 "$c"
	ns=$(nsname c1)
	[ "$(mv_state "$ns" eth0 | jq -r .mode)" = passthru ]
	[ "$(mac_of eth0 "$ns")" = "$pmac" ]
	[ "$(jq -r '.interfaces[0].mac' <<<"$RESULT")" = "$pmac" ]
	ip -d -j link show dev "$PARENT" | jq -e '.[0].promiscuity >= 1'
	pings "$ns" 10.77.0.1
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]

	# a second one, passthru or bridge: refused by the kernel, nothing left, lease kept
	for mode in passthru bridge; do
		try_add c2 "$(conf ".mode = \"$mode\"")"
		err_is 100 "macvlan on master \"$PARENT\" in mode $mode" "Invalid argument"
		[ "$(jq -r .details <<<"$output")" = "the master must be an Ethernet device, and a passthru macvlan must be the only macvlan on its master" ]
		assert_no_leftovers -n "$(nsname c2)"
	done
	[ "$(leases)" = 10.77.0.10 ]
	del_twice c1 "$c"
	nothing_left c1
}

@test "IPv4 and IPv6: DAD passes before ADD returns, both families reach the LAN" {
	local c ns
	c=$(conf '.ipam.ranges = [[{subnet: "10.77.0.0/24", rangeStart: "10.77.0.10"}],
		[{subnet: "fd77::/64", rangeStart: "fd77::10"}]]')
	add c1 "$c"
	ns=$(nsname c1)
	[ "$(addrs eth0 "$ns" 4)" = '["10.77.0.10/24"]' ]
	[ "$(addrs eth0 "$ns" 6)" = '["fd77::10/64"]' ]
	# DAD ran (as the reference) and is over: not tentative when ADD returns
	ip -n "$ns" -6 -j addr show dev eth0 | jq -e '[.[0].addr_info[] | select(.local == "fd77::10")
		| .tentative // false] == [false]'
	[ "$(ns_exec "$ns" cat /proc/sys/net/ipv6/conf/eth0/accept_dad)" = 1 ]
	pings "$ns" 10.77.0.1 fd77::1
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	nothing_left c1
}

@test "layer 2 only (ipam {} or no ipam): the link comes up, no address, frames cross" {
	local c ns ipam
	for ipam in '{}' 'null'; do
		c=$(conf ".ipam = $ipam | if .ipam == null then del(.ipam) else . end")
		add c1 "$c"
		ns=$(nsname c1)
		json_eq "$(expected_result c1 1.1.0 '[]')" "$RESULT"
		[ "$(mv_state "$ns" eth0 | jq .up)" = true ]
		[ "$(addrs eth0 "$ns")" = '[]' ]
		# give it an address by hand: the LAN answers
		ip -n "$ns" addr add 10.77.0.99/24 dev eth0
		pings "$ns" 10.77.0.1
		check c1 "$c" "$RESULT"
		[ "$status" -eq 0 ]
		del_twice c1 "$c"
		assert_no_leftovers -n "$ns"
	done
}

@test "mtu: set when given, the master's when 0 or absent, larger than the master's is error 7" {
	local c ns
	ip link set "$PARENT" mtu 1450
	add c1 "$(conf '.mtu = 1400')"
	[ "$(mv_state "$(nsname c1)" eth0 | jq .mtu)" = 1400 ]
	add c2 "$(conf '.mtu = 0')"
	[ "$(mv_state "$(nsname c2)" eth0 | jq .mtu)" = 1450 ]
	add c3 "$(conf)"
	[ "$(mv_state "$(nsname c3)" eth0 | jq .mtu)" = 1450 ]
	add c4 "$(conf '.mtu = 1450')"
	[ "$(mv_state "$(nsname c4)" eth0 | jq .mtu)" = 1450 ]
	try_add c5 "$(conf '.mtu = 1451')"
	json_eq "$(err_json 7 "mtu: 1451 is larger than the MTU of master \"$PARENT\" (1450)")" "$output"
	assert_no_leftovers -n "$(nsname c5)"
	for id in c1 c2 c3 c4; do del_twice "$id" "$(conf)"; done
	[ -z "$(leases)" ]
}

@test "bcqueuelen: the macvlan asks for that broadcast queue length" {
	local c ns
	c=$(conf '.bcqueuelen = 2000 | .ipam = {}')
	add c1 "$c"
	ns=$(nsname c1)
	ip -n "$ns" -d -j link show dev eth0 | jq -e '.[0].linkinfo.info_data.bcqueuelen == 2000'
	del_twice c1 "$c"
	assert_no_leftovers -n "$ns"
}

@test "mac: runtimeConfig.mac > args.cni.mac > CNI_ARGS MAC= > mac, set at creation" {
	local c
	c=$(conf '.mac = "02:00:00:00:00:04"')
	add c1 "$c"
	[ "$(mac_of eth0 "$(nsname c1)")" = 02:00:00:00:00:04 ]
	add c2 "$c" "IgnoreUnknown=1;MAC=02:00:00:00:00:03"
	[ "$(mac_of eth0 "$(nsname c2)")" = 02:00:00:00:00:03 ]
	add c3 "$(jq -c '.args.cni.mac = "02:00:00:00:00:02"' <<<"$c")" "MAC=02:00:00:00:00:03"
	[ "$(mac_of eth0 "$(nsname c3)")" = 02:00:00:00:00:02 ]
	add c4 "$(jq -c '.args.cni.mac = "02:00:00:00:00:02" | .runtimeConfig.mac = "02:00:00:00:00:01"' <<<"$c")" \
		"MAC=02:00:00:00:00:03"
	[ "$(mac_of eth0 "$(nsname c4)")" = 02:00:00:00:00:01 ]
	json_eq "$(expected_result c4 1.1.0 \
		'[{"interface": 0, "address": "10.77.0.13/24", "gateway": "10.77.0.1"}]')" "$RESULT"
	[ "$(jq -r '.interfaces[0].mac' <<<"$RESULT")" = 02:00:00:00:00:01 ]
	pings "$(nsname c4)" 10.77.0.1
	# two macvlans with one MAC on one master: the kernel refuses the second; nothing left
	try_add c5 "$c"
	json_eq "$(err_json 103 "MAC 02:00:00:00:00:04 is taken by another macvlan on master \"$PARENT\"")" \
		"$output"
	assert_no_leftovers -n "$(nsname c5)"
	[ "$(leases | wc -l)" -eq 4 ]
	for id in c1 c2 c3 c4; do del_twice "$id" "$c"; done
	[ -z "$(leases)" ]
}

@test "master: absent means the interface of the default route; none is error 7" {
	local c ns
	c=$(conf 'del(.master)')
	try_add c1 "$c"
	json_eq "$(err_json 7 "master: not set, and the host namespace has no default route to take it from")" "$output"
	nothing_left c1
	ip addr add 10.77.0.2/24 dev "$PARENT"
	ip route add default via 10.77.0.1 dev "$PARENT"
	add c1 "$c"
	ns=$(nsname c1)
	[ "$(mv_state "$ns" eth0 | jq .link_index)" = "$(ifindex_of "$PARENT")" ]
	pings "$ns" 10.77.0.1
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	nothing_left c1
}

@test "linkInContainer: the master lives in the container namespace" {
	local c ns
	ns=$(nsname c1)
	make_ns "$ns"
	# a second parent, moved into the container, its peer on the LAN too
	ip link add "p2-$SUFFIX" type veth peer name lan2 netns "$LAN"
	ip link set "p2-$SUFFIX" netns "$ns"
	ip -n "$ns" link set "p2-$SUFFIX" up
	ip -n "$LAN" link add lanbr type bridge
	ip -n "$LAN" link set lanif master lanbr
	ip -n "$LAN" link set lan2 master lanbr
	ip -n "$LAN" addr flush dev lanif
	ip -n "$LAN" addr add 10.77.0.1/24 dev lanbr
	ip -n "$LAN" link set lan2 up
	ip -n "$LAN" link set lanbr up
	c=$(conf ".master = \"p2-$SUFFIX\" | .linkInContainer = true")
	add c1 "$c"
	# same namespace: ip names the parent instead of giving its index
	ip -n "$ns" -d -j link show dev eth0 | jq -e --arg p "p2-$SUFFIX" \
		'.[0].link == $p and .[0].linkinfo.info_data.mode == "bridge"'
	pings "$ns" 10.77.0.1
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	# without linkInContainer that master is not found (it is not in the host namespace)
	try_add c2 "$(conf ".master = \"p2-$SUFFIX\"")"
	json_eq "$(err_json 7 "master: \"p2-$SUFFIX\" not found in the host namespace")" "$output"
	# and a host master is not found in a container
	try_add c2 "$(conf '.linkInContainer = true')"
	json_eq "$(err_json 7 "master: \"$PARENT\" not found in the container namespace $(ns_path "$(nsname c2)")")" "$output"
	assert_no_leftovers -n "$(nsname c2)"
	del_twice c1 "$c"
	assert_no_leftovers -n "$ns" "p2-$SUFFIX"
	[ -z "$(leases)" ]
}

@test "CNI_IFNAME already in the container is 103, nothing touched; a host link of that name is no clash" {
	local c ns
	c=$(conf)
	ns=$(nsname c1)
	make_ns "$ns"
	ip -n "$ns" link add eth0 type veth peer name peer0
	try_add c1 "$c"
	json_eq "$(err_json 103 "container interface \"eth0\" already exists in $(ns_path "$ns")")" "$output"
	ip -n "$ns" -d -j link show dev eth0 | jq -e '.[0].linkinfo.info_kind == "veth"'
	[ -z "$(leases)" ]
	# the master's own name, taken in the host namespace, is free in the container
	add c2 "$c" "" "$PARENT"
	[ "$(mv_state "$(nsname c2)" "$PARENT" | jq -r .kind)" = macvlan ]
	check c2 "$c" "$RESULT" "$PARENT"
	[ "$status" -eq 0 ]
	del_twice c2 "$c" "$PARENT"
	nothing_left c2
}

# ---- failures leave nothing behind -----------------------------------------------------------

@test "bad input: each key's error with its code; nothing left behind" {
	local cases=(
		'.master = "nope0"|7|master: "nope0" not found in the host namespace'
		'.master = 5|7|master: expected a string, got integer'
		'.master = "a/b"|7|master: "a/b" is not a valid interface name'
		'.mode = "bridged"|7|mode: "bridged" is not one of "bridge", "private", "vepa", "passthru"'
		'.mode = true|7|mode: expected a string, got boolean'
		'.mtu = 9000|7|mtu: 9000 is larger than the MTU of master "PARENT" (1500)'
		'.mtu = 67|7|mtu: 67 is below the minimum of 68 (0 = the master'"'"'s MTU)'
		'.mtu = -1|7|mtu: -1 is out of range 0..65535'
		'.mtu = "1500"|7|mtu: expected an integer, got string'
		'.mac = "02:00:00:00:00"|7|mac: "02:00:00:00:00" is not a MAC address'
		'.runtimeConfig.mac = "01:00:5e:00:00:01"|7|runtimeConfig.mac: 01:00:5e:00:00:01 is a multicast address'
		'.args.cni.mac = 1|7|args.cni.mac: expected a string, got integer'
		'.linkInContainer = "true"|7|linkInContainer: expected a boolean, got string'
		'.bcqueuelen = -5|7|bcqueuelen: -5 is out of range 0..4294967295'
		'.ipam = []|7|ipam: expected an object, got array'
		'.ipam.type = "no-such-ipam"|7|'
	)
	local item filter code msg
	for item in "${cases[@]}"; do
		IFS='|' read -r filter code msg <<<"$item"
		msg=${msg//PARENT/$PARENT}
		try_add c1 "$(conf "$filter")"
		if [[ -n $msg ]]; then
			json_eq "$(err_json "$code" "$msg")" "$output"
		else
			err_is "$code" "no-such-ipam"
		fi
		nothing_left c1
	done
	try_add c1 "$(conf)" "IgnoreUnknown=1;MAC=xyz"
	json_eq "$(err_json 4 'CNI_ARGS MAC: "xyz" is not a MAC address')" "$output"
	nothing_left c1
	assert_no_leftovers "$PARENT"
}

@test "master down is error 11 (a macvlan on it would have no link); nothing left" {
	ip link set "$PARENT" down
	try_add c1 "$(conf)"
	json_eq "$(err_json 11 "master \"$PARENT\" in the host namespace is down: a macvlan on it has no link")" \
		"$output"
	nothing_left c1
	ip link set "$PARENT" up
	add c1 "$(conf)"
	del_twice c1 "$(conf)"
}

@test "a failure after IPAM (a route that cannot be added) removes the link and releases the lease" {
	local c
	c=$(conf '.ipam.routes = [{dst: "192.168.0.0/16", gw: "10.88.0.1"}]')
	try_add c1 "$c"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 100 ]
	nothing_left c1
	# and IPAM itself failing (pool exhausted): no link
	c=$(conf '.ipam.ranges = [[{subnet: "10.77.0.0/30"}]]')
	add c2 "$c"
	try_add c3 "$c"
	err_is 102 "ipam host-local ADD"
	assert_no_leftovers -n "$(nsname c3)"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
}

# ---- DEL -----------------------------------------------------------------------------------------

@test "DEL with the netns gone, with CNI_NETNS empty, or with the master gone still releases the lease" {
	local c
	c=$(conf)
	add c1 "$c"
	ip netns del "$(nsname c1)"
	del_twice c1 "$c"
	[ -z "$(leases)" ]

	add c2 "$c"
	cni macvlan DEL c2 "" eth0 "$c"
	[ "$status" -eq 0 ]
	[ -z "$(leases)" ]
	del_twice c2 "$c"
	assert_no_leftovers -n "$(nsname c2)"

	add c3 "$c"
	ip link del "$PARENT"   # the macvlan goes with its master
	del_twice c3 "$c"
	[ -z "$(leases)" ]
	assert_no_leftovers -n "$(nsname c3)"
}

@test "DEL leaves an interface of another kind alone (error 7) but still releases the lease" {
	local c ns
	c=$(conf)
	add c1 "$c"
	ns=$(nsname c1)
	ip -n "$ns" link del eth0
	ip -n "$ns" link add eth0 type veth peer name peer0
	cni macvlan DEL c1 "$(ns_path "$ns")" eth0 "$c"
	json_eq "$(err_json 7 'container interface "eth0" is a veth, not a macvlan: not deleting it')" "$output"
	[ -z "$(leases)" ]
	ip -n "$ns" -j link show dev eth0 >/dev/null
}

# ---- CHECK ---------------------------------------------------------------------------------------

@test "CHECK: mode, master, MAC, addresses, the link itself, prevResult, IPAM" {
	local c ns prev
	c=$(conf)
	add c1 "$c"
	ns=$(nsname c1)
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	# another mode in the config
	check c1 "$(conf '.mode = "private"')" "$RESULT"
	json_eq "$(err_json 7 'macvlan "eth0" is in mode bridge, the config says private')" "$output"
	# another master in the config
	ip link add "o-$SUFFIX" type veth peer name "oq-$SUFFIX"
	track_link "o-$SUFFIX"
	ip link set "o-$SUFFIX" up
	check c1 "$(conf ".master = \"o-$SUFFIX\"")" "$RESULT"
	json_eq "$(err_json 7 "macvlan \"eth0\" is not on master \"o-$SUFFIX\"")" "$output"
	# the master down
	ip link set "$PARENT" down
	check c1 "$c" "$RESULT"
	err_is 11 "is down"
	ip link set "$PARENT" up
	# another MAC in prevResult
	prev=$(jq -c '.interfaces[0].mac = "02:99:99:99:99:99"' <<<"$RESULT")
	check c1 "$c" "$prev"
	json_eq "$(err_json 7 "macvlan \"eth0\" has MAC $(mac_of eth0 "$ns"), prevResult says 02:99:99:99:99:99")" \
		"$output"
	# the sandbox in prevResult is another one
	prev=$(jq -c '.interfaces[0].sandbox = "/run/netns/other"' <<<"$RESULT")
	check c1 "$c" "$prev"
	json_eq "$(err_json 7 "prevResult: interface \"eth0\" has sandbox \"/run/netns/other\", not $(ns_path "$ns")")" \
		"$output"
	# no prevResult
	cni macvlan CHECK c1 "$(ns_path "$ns")" eth0 "$c"
	json_eq "$(err_json 7 'prevResult: required for CHECK')" "$output"
	# the address gone
	ip -n "$ns" addr del 10.77.0.10/24 dev eth0
	check c1 "$c" "$RESULT"
	json_eq "$(err_json 7 'address 10.77.0.10/24 is missing on "eth0"')" "$output"
	# IPAM's CHECK is part of it
	ip -n "$ns" addr add 10.77.0.10/24 dev eth0
	mv "$DATA_DIR/$NET/10.77.0.10" "$BATS_TEST_TMPDIR/lease"
	check c1 "$c" "$RESULT"
	err_is 3 "ipam host-local CHECK"
	mv "$BATS_TEST_TMPDIR/lease" "$DATA_DIR/$NET/10.77.0.10"
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	# the link replaced by a veth, then gone
	ip -n "$ns" link del eth0
	ip -n "$ns" link add eth0 type veth peer name peer0
	check c1 "$c" "$RESULT"
	json_eq "$(err_json 7 '"eth0" is a veth, not a macvlan')" "$output"
	ip -n "$ns" link del eth0
	check c1 "$c" "$RESULT"
	json_eq "$(err_json 3 "interface \"eth0\" not found in $(ns_path "$ns")")" "$output"
	del_twice c1 "$c"
	nothing_left c1
}

# ---- result versions, IPAM plugins, chaining -------------------------------------------------------

@test "cniVersion 0.3.1, 0.4.0, 1.0.0 and 1.1.0 result shapes" {
	local v c id n=10 ips
	for v in 0.3.1 0.4.0 1.0.0 1.1.0; do
		id=c$n
		c=$(conf ".cniVersion = \"$v\"")
		add "$id" "$c"
		ips=$(jq -nc --arg v "$v" --arg a "10.77.0.$n/24" '[
			(if $v == "0.3.1" or $v == "0.4.0" then {version: "4"} else {} end)
			+ {interface: 0, address: $a, gateway: "10.77.0.1"}]')
		json_eq "$(expected_result "$id" "$v" "$ips")" "$RESULT"
		check "$id" "$c" "$RESULT"
		if [[ $v == 0.3.1 ]]; then
			[ "$status" -eq 1 ]
			[ "$(jq -c '[.cniVersion, .code]' <<<"$output")" = '["0.3.1",1]' ]
		else
			[ "$status" -eq 0 ]
		fi
		del_twice "$id" "$c"
		n=$((n + 1))
	done
	[ -z "$(leases)" ]
}

@test "static IPAM: the given address and route, released on DEL" {
	[[ -x $CNET_BIN/static ]] ||
		skip "build/bin/static not built yet (ipam/static is being written in parallel)"
	local c ns
	c=$(conf '.ipam = {type: "static", addresses: [{address: "10.77.0.50/24", gateway: "10.77.0.1"}],
		routes: [{dst: "192.168.7.0/24"}]}')
	add c1 "$c"
	ns=$(nsname c1)
	json_eq "$(expected_result c1 1.1.0 \
		'[{"interface": 0, "address": "10.77.0.50/24", "gateway": "10.77.0.1"}]' \
		'[{"dst": "192.168.7.0/24"}]')" "$RESULT"
	[ "$(addrs eth0 "$ns" 4)" = '["10.77.0.50/24"]' ]
	ip -n "$ns" -j route show 192.168.7.0/24 | jq -e '.[0].gateway == "10.77.0.1"'
	pings "$ns" 10.77.0.1
	check c1 "$c" "$RESULT"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	assert_no_leftovers -n "$ns"
}

@test "tuning chained after macvlan: MTU, MAC and a sysctl applied; tuning DEL restores MTU and MAC" {
	local list=$BATS_TEST_TMPDIR/net.conflist id=t1-$SUFFIX conf
	jq -n --arg m "$PARENT" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, plugins: [
		{type: "macvlan", master: $m, mac: "02:00:00:00:00:77", ipam: {type: "host-local", dataDir: $dir,
			ranges: [[{subnet: "10.77.0.0/24", rangeStart: "10.77.0.10"}]]}},
		{type: "tuning", mtu: 1400, mac: "02:aa:bb:cc:dd:ee",
		 sysctl: {"net.ipv4.conf.IFNAME.accept_redirects": "0"}}]}' >"$list"
	make_ns "$id"
	cni_chain ADD "$list" "$id"
	[ "$status" -eq 0 ]
	[ "$(mac_of eth0 "$id")" = 02:aa:bb:cc:dd:ee ]
	[ "$(mv_state "$id" eth0 | jq .mtu)" = 1400 ]
	[ "$(ns_exec "$id" cat /proc/sys/net/ipv4/conf/eth0/accept_redirects)" = 0 ]
	jq -e '.interfaces[0].mac == "02:aa:bb:cc:dd:ee"' "$STATE/$id.result"
	pings "$id" 10.77.0.1
	cni_chain CHECK "$list" "$id"
	[ "$status" -eq 0 ]

	# tuning's DEL alone (the first step of the chain's DEL) puts back what macvlan made
	conf=$(jq -c --slurpfile r "$STATE/$id.result" '.plugins[1] + {cniVersion, name,
		prevResult: $r[0]}' "$list")
	run env CNI_COMMAND=DEL CNI_CONTAINERID="$id" CNI_NETNS="/run/netns/$id" CNI_IFNAME=eth0 \
		CNI_PATH="$CNET_BIN" "$CNET_BIN/tuning" <<<"$conf"
	[ "$status" -eq 0 ]
	[ "$(mv_state "$id" eth0 | jq .mtu)" = 1500 ]
	[ "$(mac_of eth0 "$id")" = 02:00:00:00:00:77 ]
	# sysctls are not put back (they die with the namespace), as the reference tuning
	[ "$(ns_exec "$id" cat /proc/sys/net/ipv4/conf/eth0/accept_redirects)" = 0 ]

	cni_chain DEL "$list" "$id"
	[ "$status" -eq 0 ]
	assert_no_leftovers -n "$id"
	[ -z "$(leases)" ]
}

# ---- GC and STATUS -----------------------------------------------------------------------------

@test "GC (1.1.0) passes to IPAM: leases of attachments not listed as valid are released" {
	local c
	c=$(conf)
	add c1 "$c"
	add c2 "$c"
	cni macvlan GC "" "" "" "$(jq -c '. + {"cni.dev/valid-attachments": [
		{containerID: "c2", ifname: "eth0"}]}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(leases)" = 10.77.0.11 ]
	# layer 2 only: nothing to do
	cni macvlan GC "" "" "" "$(conf '.ipam = {} | .["cni.dev/valid-attachments"] = []')"
	[ "$status" -eq 0 ]
	del_twice c1 "$c"
	del_twice c2 "$c"
	[ -z "$(leases)" ]
}

@test "STATUS (1.1.0): 0 when the master is up and IPAM has room; 50 when missing, down or exhausted" {
	local c
	c=$(conf)
	cni macvlan STATUS "" "" "" "$c"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	cni macvlan STATUS "" "" "" "$(conf '.master = "nope0"')"
	json_eq "$(err_json 50 'master: "nope0" not found in the host namespace')" "$output"
	ip link set "$PARENT" down
	cni macvlan STATUS "" "" "" "$c"
	err_is 50 "is down"
	ip link set "$PARENT" up
	c=$(conf '.ipam.ranges = [[{subnet: "10.77.0.0/30"}]]')
	add c1 "$c"
	cni macvlan STATUS "" "" "" "$c"
	err_is 50 "ipam host-local STATUS"
	del_twice c1 "$c"
	# linkInContainer: the master cannot be looked at; layer 2: no IPAM
	cni macvlan STATUS "" "" "" "$(conf '.master = "nope0" | .linkInContainer = true | .ipam = {}')"
	[ "$status" -eq 0 ]
}

# ---- differential: the reference macvlan ($REF_BIN, Debian's v1.1.1) ----------------------------

# diff_side SIDE CMD ID [FILTER] [PREV_RESULT]: run SIDE's macvlan (ref or cnet) on netns
# ID-SIDE with the side's own dataDir (and PREV_RESULT as prevResult); sets status/output.
diff_side() {
	local side=$1 cmd=$2 id=$3 c ns
	ns=$(nsname "$id-$side")
	[[ -e $(ns_path "$ns") ]] || make_ns "$ns"
	c=$(jq -c --arg d "$DATA_DIR/$side" '.cniVersion = "1.0.0"
		| if .ipam.type? == "host-local" then .ipam.dataDir = $d else . end' <<<"$(conf "${4:-.}")")
	[[ -z ${5-} ]] || c=$(with_prev "$c" "$5")
	if [[ $side == ref ]]; then
		USE_REF=1 cni macvlan "$cmd" "$id" "$(ns_path "$ns")" eth0 "$c"
	else
		USE_REF=0 cni macvlan "$cmd" "$id" "$(ns_path "$ns")" eth0 "$c"
	fi
}

# norm_result SIDE ID: the result with the MAC and sandbox path made neutral.
norm_result() {
	jq -cS --arg sb "$(ns_path "$(nsname "$2-$1")")" '
		.interfaces[]?.mac |= "MAC" | .interfaces |= map(if .sandbox == $sb then .sandbox = "SB" else . end)'
}

# kernel_state NETNS: the container link, addresses and routes, neutral of MAC and ids.
kernel_state() {
	{
		ip -n "$1" -d -j link show dev eth0 | jq -c '.[0] | {ifname, flags, mtu, operstate,
			kind: .linkinfo.info_kind, mode: .linkinfo.info_data.mode, link_index, qdisc}'
		addrs eth0 "$1"
		ip -n "$1" -j route show | jq -c 'map(del(.dev))'
		ns_exec "$1" cat /proc/sys/net/ipv4/conf/eth0/arp_notify
	}
}

@test "differential: results, kernel state and leases match the reference, mode by mode" {
	[[ -x $REF_BIN/macvlan ]] || skip "reference macvlan not installed in $REF_BIN"
	local f side id=d1
	local -A res kstate
	for f in '.' '.mode = "private" | .mtu = 1400' '.mode = "vepa" | .ipam.routes = [{dst: "0.0.0.0/0"}]' \
		'.ipam = {} | .mac = "02:00:00:00:00:42"' '.mode = "passthru"'; do
		for side in ref cnet; do
			diff_side "$side" ADD "$id" "$f"
			[ "$status" -eq 0 ]
			res[$side]=$(norm_result "$side" "$id" <<<"$output")
			diff_side "$side" CHECK "$id" "$f" "$output"
			[ "$status" -eq 0 ]
			kstate[$side]=$(kernel_state "$(nsname "$id-$side")")
			# passthru, or a fixed MAC: one at a time on the master
			if [[ $f == *passthru* || $f == *.mac* ]]; then
				diff_side "$side" DEL "$id" "$f"
				[ "$status" -eq 0 ]
			fi
		done
		json_eq "${res[ref]}" "${res[cnet]}"
		is "${kstate[cnet]}" "${kstate[ref]}"
		[[ $f != *02:00:00:00:00:42* ]] || jq -e '.interfaces[0].mac == "MAC"' <<<"${res[cnet]}"
		is "$(leases cnet/"$NET")" "$(leases ref/"$NET")"
		for side in ref cnet; do
			diff_side "$side" DEL "$id" "$f"
			[ "$status" -eq 0 ]
			assert_no_leftovers -n "$(nsname "$id-$side")"
		done
		is "$(leases cnet/"$NET")" "$(leases ref/"$NET")"
		id=${id}x
	done
}

@test "differential: the same errors, with the spec's codes where the reference says 999" {
	[[ -x $REF_BIN/macvlan ]] || skip "reference macvlan not installed in $REF_BIN"
	local f
	for f in '.master = "nope0"' '.mode = "bridged"' '.mtu = 9000'; do
		diff_side ref ADD e1 "$f"
		[ "$status" -eq 1 ]
		[ "$(jq .code <<<"$output")" = 999 ]
		diff_side cnet ADD e1 "$f"
		[ "$status" -eq 1 ]
		[ "$(jq .code <<<"$output")" = 7 ]
		assert_no_leftovers -n "$(nsname e1-ref)"
		assert_no_leftovers -n "$(nsname e1-cnet)"
	done
	# CNI_IFNAME taken: 999 after a rename attempt (reference), 103 (cnet); neither touches it
	for side in ref cnet; do
		make_ns "$(nsname e2-$side)"
		ip -n "$(nsname e2-$side)" link add eth0 type veth peer name peer0
		diff_side "$side" ADD e2 '.ipam = {}'
		[ "$status" -eq 1 ]
		ip -n "$(nsname e2-$side)" -d -j link show dev eth0 | jq -e '.[0].linkinfo.info_kind == "veth"'
	done
}

@test "difference: a down master is error 11 (the reference makes a macvlan with no carrier)" {
	[[ -x $REF_BIN/macvlan ]] || skip "reference macvlan not installed in $REF_BIN"
	ip link set "$PARENT" down
	diff_side ref ADD d1 '.ipam = {}'
	[ "$status" -eq 0 ]
	diff_side cnet ADD d1 '.ipam = {}'
	err_is 11 "is down"
	assert_no_leftovers -n "$(nsname d1-cnet)"
	diff_side ref DEL d1 '.ipam = {}'
}

@test "difference: DEL with the master gone succeeds and releases the lease (the reference fails, the lease leaks)" {
	[[ -x $REF_BIN/macvlan ]] || skip "reference macvlan not installed in $REF_BIN"
	for side in ref cnet; do
		diff_side "$side" ADD d1
		[ "$status" -eq 0 ]
	done
	ip link del "$PARENT"
	diff_side ref DEL d1
	[ "$status" -eq 1 ]
	[ "$(leases ref/"$NET")" = 10.77.0.10 ]
	diff_side cnet DEL d1
	[ "$status" -eq 0 ]
	[ -z "$(leases cnet/"$NET")" ]
}
