#!/usr/bin/env bats
# The vxlan plugin (the bridge plugin plus a VXLAN uplink on the bridge) as a black box, on
# two simulated hosts: network namespaces h1 and h2 joined by an underlay veth (u1 in h1 =
# 192.0.2.1/24, u2 in h2 = 192.0.2.2/24). The plugin runs inside a host namespace
# (`ip netns exec h1 ... vxlan`); containers c1, c2, ... are namespaces of their own. We check
# the exact JSON it prints, the kernel state it leaves in the host (`ip -d -j`, `bridge -j
# fdb`), pings across the overlay, MTUs, DEL (twice), CHECK, bad configs and VERSION.
#
# Every namespace carries the per-test suffix (h1-$SUFFIX, c1-$SUFFIX); the links inside a
# host namespace (u1, vxlan42, vxbr42, veth*) need none, they die with it at teardown.

load helpers

NET=ov

setup() {
	cnet_setup
	make_ns "$(nsname h1)"
	make_ns "$(nsname h2)"
	ip link add u1 netns "$(nsname h1)" type veth peer name u2 netns "$(nsname h2)"
	ip -n "$(nsname h1)" addr add 192.0.2.1/24 dev u1
	ip -n "$(nsname h2)" addr add 192.0.2.2/24 dev u2
	ip -n "$(nsname h1)" link set u1 up
	ip -n "$(nsname h2)" link set u2 up
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# nsname NAME: the namespace of host or container NAME (h1, c1, ...) in this test.
nsname() { echo "$1-$SUFFIX"; }

# ipam_dir HOST: the host-local dataDir of HOST (h1 or h2).
ipam_dir() { echo "$BATS_TEST_TMPDIR/ipam-$1"; }

# conf HOST [JQ_FILTER]: the vxlan config of HOST (h1: local .1, dev u1, peers [.2], range
# 10.99.0.10-19; h2: the mirror, range .20-29); FILTER (jq) edits it.
conf() {
	local me=1 peer=2 first=10 last=19
	if [[ $1 == h2 ]]; then
		me=2 peer=1 first=20 last=29
	fi
	jq -nc --arg net "$NET" --arg dir "$(ipam_dir "$1")" --arg local "192.0.2.$me" \
		--arg dev "u$me" --arg peer "192.0.2.$peer" \
		--arg rs "10.99.0.$first" --arg re "10.99.0.$last" '{
		cniVersion: "1.0.0", name: $net, type: "vxlan", vni: 42,
		local: $local, dev: $dev, peers: [$peer],
		ipam: {type: "host-local", dataDir: $dir,
		       ranges: [[{subnet: "10.99.0.0/24", rangeStart: $rs, rangeEnd: $re}]]}}' |
		jq -c "${2:-.}"
}

# vx HOST CMD ID [IFNAME] <<<CONFIG: run $CNET_BIN/vxlan inside HOST's namespace for container
# ID (netns ID-$SUFFIX, IFNAME default eth0), the config on stdin. Like bats `run`: never
# fails, sets status, output (stdout) and CNI_STDERR; logs the call to stderr (bats shows it
# only when the test fails).
# shellcheck disable=SC2034 # status, output, CNI_STDERR are for the caller
vx() {
	local host=$1 cmd=$2 id=$3 ifname=${4:-eth0} config errf
	config=$(cat)
	CNI_CALLS=$((${CNI_CALLS:-0} + 1))
	errf=$BATS_TEST_TMPDIR/vx.$CNI_CALLS.stderr
	output=$(printf '%s' "$config" | ip netns exec "$(nsname "$host")" env CNI_COMMAND="$cmd" \
		CNI_CONTAINERID="$id" CNI_NETNS="$(ns_path "$(nsname "$id")")" CNI_IFNAME="$ifname" \
		CNI_PATH="$CNET_BIN" "$CNET_BIN/vxlan" 2>"$errf") && status=0 || status=$?
	CNI_STDERR=$(<"$errf")
	printf '# vx %s %s id=%s if=%s -> exit %d\n#   config: %s\n#   stdout: %s\n#   stderr: %s\n' \
		"$host" "$cmd" "$id" "$ifname" "$status" "$config" "$output" "$CNI_STDERR" >&2
	return 0
}

# add HOST ID [CONFIG]: make ID's namespace (if needed) and ADD eth0 there from HOST; must
# succeed. The result is in $output and RESULT.
add() {
	local ns
	ns=$(nsname "$2")
	[[ -e $(ns_path "$ns") ]] || make_ns "$ns"
	vx "$1" ADD "$2" <<<"${3:-$(conf "$1")}"
	[ "$status" -eq 0 ]
	RESULT=$output
}

# try_add HOST ID CONFIG: the same, but the caller checks status/output.
try_add() {
	local ns
	ns=$(nsname "$2")
	[[ -e $(ns_path "$ns") ]] || make_ns "$ns"
	vx "$1" ADD "$2" <<<"$3"
}

# with_prev CONFIG RESULT: CONFIG with RESULT as prevResult.
with_prev() { jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"; }

# hip HOST ARGS...: `ip -n <HOST's netns> ARGS...`
hip() {
	local h=$1
	shift
	ip -n "$(nsname "$h")" "$@"
}

# mac_of LINK NETNS
mac_of() { ip -n "$2" -j link show dev "$1" | jq -r '.[0].address'; }

# mtu_of LINK NETNS
mtu_of() { ip -n "$2" -j link show dev "$1" | jq '.[0].mtu'; }

# host_veth HOST ID: the host end (in HOST) of container ID's eth0.
host_veth() {
	local idx
	idx=$(ip -n "$(nsname "$2")" -j link show dev eth0 | jq '.[0].link_index')
	hip "$1" -j link show | jq -r --argjson i "$idx" '.[] | select(.ifindex == $i) | .ifname'
}

# zero_dsts HOST [DEV]: the dst of every 00:00:00:00:00:00 FDB entry on DEV (vxlan42), sorted,
# as a JSON array.
zero_dsts() {
	bridge -n "$(nsname "$1")" -j fdb show dev "${2:-vxlan42}" |
		jq -c '[.[] | select(.mac == "00:00:00:00:00:00") | .dst] | sort'
}

# vx_state HOST [DEV]: the vxlan device's kind, VNI, port, local, underlay, learning,
# master, MTU, up and address generation mode, as JSON.
vx_state() {
	hip "$1" -d -j link show dev "${2:-vxlan42}" | jq -c '.[0] | {
		kind: .linkinfo.info_kind, id: .linkinfo.info_data.id,
		port: .linkinfo.info_data.port, local: .linkinfo.info_data.local,
		link: .linkinfo.info_data.link, learning: .linkinfo.info_data.learning,
		master, mtu, up: (.flags | index("UP") != null), addrgen: .inet6_addr_gen_mode}'
}

# leases HOST: the lease files host-local keeps for $NET in HOST's dataDir.
leases() {
	local d
	d=$(ipam_dir "$1")/$NET
	[[ -d $d ]] || return 0
	find "$d" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' -printf '%f\n' | sort
}

# pings NETNS DST [DST...]: NETNS reaches every DST (polls: ports and neighbours settle).
pings() {
	local ns=$1 dst
	shift
	for dst in "$@"; do
		wait_until 10 ns_exec "$ns" ping -q -c 1 -W 1 "$dst" >/dev/null
	done
}

# expected_result HOST ID ADDRESS [BRIDGE]: the result ADD must print for container ID on
# HOST, with the MACs and the host veth name read from the kernel. The gateway is the one
# host-local reports (the subnet's first address), as the bridge plugin prints it.
expected_result() {
	local h ns veth br=${4:-vxbr42}
	h=$(nsname "$1")
	ns=$(nsname "$2")
	veth=$(host_veth "$1" "$2")
	jq -nc --arg br "$br" --arg brmac "$(mac_of "$br" "$h")" \
		--arg veth "$veth" --arg vmac "$(mac_of "$veth" "$h")" \
		--arg cmac "$(mac_of eth0 "$ns")" --arg sb "$(ns_path "$ns")" --arg a "$3" '
		{cniVersion: "1.0.0",
		 interfaces: [{name: $br, mac: $brmac}, {name: $veth, mac: $vmac},
			      {name: "eth0", mac: $cmac, sandbox: $sb}],
		 ips: [{interface: 2, address: $a, gateway: "10.99.0.1"}],
		 dns: {}}'
}

# nothing_in HOST ID: no link in HOST but lo and u1/u2 (no vxbr*, vxlan*, veth*), none but
# lo in ID's namespace, no lease.
nothing_in() {
	assert_no_leftovers -n "$(nsname "$1")" "u${1#h}"
	assert_no_leftovers -n "$(nsname "$2")"
	[ -z "$(leases "$1")" ]
}

# veths HOST: the veth* links in HOST, one a line.
veths() { hip "$1" -j link show | jq -r '.[].ifname | select(startswith("veth"))'; }

# ---- ADD on two hosts ---------------------------------------------------------------------

@test "ADD on two hosts: containers ping each other across the overlay; vxlan42 and its FDB" {
	local v
	add h1 c1
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.99.0.10/24 ]
	add h2 c2
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.99.0.20/24 ]
	[ "$(ip -n "$(nsname c1)" -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')" = 10.99.0.10 ]

	pings "$(nsname c1)" 10.99.0.20
	pings "$(nsname c2)" 10.99.0.10

	# vxlan42 on h1: VNI 42, port 4789, on the underlay, in the bridge, up, no link-local
	json_eq '{"kind": "vxlan", "id": 42, "port": 4789, "local": "192.0.2.1", "link": "u1",
		"learning": true, "master": "vxbr42", "mtu": 1450, "up": true, "addrgen": "none"}' \
		"$(vx_state h1)"
	json_eq '{"kind": "vxlan", "id": 42, "port": 4789, "local": "192.0.2.2", "link": "u2",
		"learning": true, "master": "vxbr42", "mtu": 1450, "up": true, "addrgen": "none"}' \
		"$(vx_state h2)"
	# no IPv6 link-local address on it
	[ "$(hip h1 -6 -j addr show dev vxlan42 | jq '[.[].addr_info[]?] | length')" -eq 0 ]
	# the bridge: a bridge, up, with the vxlan device and the host veth as ports
	hip h1 -d -j link show dev vxbr42 | jq -e '.[0].linkinfo.info_kind == "bridge"
		and (.[0].flags | index("UP") != null)'
	v=$(host_veth h1 c1)
	[[ $v =~ ^veth[0-9a-f]{8}$ ]]
	[ "$(hip h1 -j link show master vxbr42 | jq -c '[.[].ifname] | sort')" = \
		"$(jq -nc --arg v "$v" '[$v, "vxlan42"] | sort')" ]
	# the FDB: one all-zero entry, to the peer, self, permanent
	[ "$(zero_dsts h1)" = '["192.0.2.2"]' ]
	[ "$(zero_dsts h2)" = '["192.0.2.1"]' ]
	bridge -n "$(nsname h1)" -j fdb show dev vxlan42 | jq -e '[.[] | select(.mac == "00:00:00:00:00:00")]
		| length == 1 and .[0].state == "permanent" and (.[0].flags | index("self") != null)'
	[ "$(leases h1)" = 10.99.0.10 ]
	[ "$(leases h2)" = 10.99.0.20 ]
}

@test "ADD prints the exact result: bridge, host veth, eth0 with its sandbox; ips on interface 2" {
	add h1 c1
	json_eq "$(expected_result h1 c1 10.99.0.10/24)" "$RESULT"
	[[ $(jq -r '.interfaces[1].name' <<<"$RESULT") =~ ^veth[0-9a-f]{8}$ ]]
	add h2 c2
	json_eq "$(expected_result h2 c2 10.99.0.20/24)" "$RESULT"
}

# ---- MTU ----------------------------------------------------------------------------------

@test "mtu: the vxlan device's (underlay MTU - 50) on the bridge and both veth ends by default" {
	local h
	add h1 c1
	h=$(nsname h1)
	[ "$(mtu_of vxlan42 "$h")" -eq 1450 ]
	[ "$(mtu_of vxbr42 "$h")" -eq 1450 ]
	[ "$(mtu_of "$(host_veth h1 c1)" "$h")" -eq 1450 ]
	[ "$(mtu_of eth0 "$(nsname c1)")" -eq 1450 ]
	# a jumbo underlay on h2: 9000 - 50
	hip h2 link set u2 mtu 9000
	add h2 c2
	h=$(nsname h2)
	[ "$(mtu_of vxlan42 "$h")" -eq 8950 ]
	[ "$(mtu_of vxbr42 "$h")" -eq 8950 ]
	[ "$(mtu_of "$(host_veth h2 c2)" "$h")" -eq 8950 ]
	[ "$(mtu_of eth0 "$(nsname c2)")" -eq 8950 ]
}

@test "mtu: the mtu key sets the bridge and both veth ends" {
	local h
	add h1 c1 "$(conf h1 '.mtu = 1400')"
	h=$(nsname h1)
	[ "$(mtu_of vxbr42 "$h")" -eq 1400 ]
	[ "$(mtu_of "$(host_veth h1 c1)" "$h")" -eq 1400 ]
	[ "$(mtu_of eth0 "$(nsname c1)")" -eq 1400 ]
	add h2 c2 "$(conf h2 '.mtu = 1400')"
	pings "$(nsname c1)" 10.99.0.20
}

# ---- more containers, more peers ---------------------------------------------------------------

@test "a second container reuses vxlan42 and vxbr42; a new peer in the config is appended at the next ADD" {
	local h vxidx bridx
	add h1 c1
	h=$(nsname h1)
	vxidx=$(hip h1 -j link show dev vxlan42 | jq '.[0].ifindex')
	bridx=$(hip h1 -j link show dev vxbr42 | jq '.[0].ifindex')
	add h1 c3
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.99.0.11/24 ]
	[ "$(hip h1 -j link show dev vxlan42 | jq '.[0].ifindex')" = "$vxidx" ]
	[ "$(hip h1 -j link show dev vxbr42 | jq '.[0].ifindex')" = "$bridx" ]
	[ "$(hip h1 -j link show master vxbr42 | jq length)" -eq 3 ]
	[ "$(zero_dsts h1)" = '["192.0.2.2"]' ]
	[ "$(hip h1 -j link show type vxlan | jq length)" -eq 1 ]
	[ "$(hip h1 -j link show type bridge | jq length)" -eq 1 ]
	# the two containers on h1 reach each other through vxbr42
	pings "$(nsname c1)" 10.99.0.11

	add h1 c4 "$(conf h1 '.peers = ["192.0.2.2", "192.0.2.3"]')"
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.99.0.12/24 ]
	[ "$(zero_dsts h1)" = '["192.0.2.2","192.0.2.3"]' ]
	[ "$(hip h1 -d -j link show dev vxlan42 | jq '.[0].ifindex')" = "$vxidx" ]
	[ "$(leases h1)" = "$(printf '10.99.0.10\n10.99.0.11\n10.99.0.12')" ]
}

# ---- DEL --------------------------------------------------------------------------------------

@test "DEL removes the container veth and the lease, keeps vxlan42 and vxbr42; DEL twice" {
	local h lease
	add h1 c1
	h=$(nsname h1)
	lease=$(ipam_dir h1)/$NET/10.99.0.10
	[ -f "$lease" ]
	[ -n "$(veths h1)" ]
	vx h1 DEL c1 <<<"$(conf h1)"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ ! -e "$lease" ]
	[ -z "$(leases h1)" ]
	assert_no_leftovers -n "$(nsname c1)"
	[ -z "$(veths h1)" ]
	# infrastructure stays: the vxlan device (still in the bridge, up) and the bridge
	hip h1 -d -j link show dev vxbr42 | jq -e '.[0].linkinfo.info_kind == "bridge"'
	json_eq '{"kind": "vxlan", "id": 42, "port": 4789, "local": "192.0.2.1", "link": "u1",
		"learning": true, "master": "vxbr42", "mtu": 1450, "up": true, "addrgen": "none"}' \
		"$(vx_state h1)"
	[ "$(zero_dsts h1)" = '["192.0.2.2"]' ]
	assert_no_leftovers -n "$h" u1 vxlan42 vxbr42
	# again: nothing to do, no error
	vx h1 DEL c1 <<<"$(conf h1)"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	assert_no_leftovers -n "$h" u1 vxlan42 vxbr42
	# and with the container's namespace gone too
	ip netns del "$(nsname c1)"
	vx h1 DEL c1 <<<"$(conf h1)"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# ---- CHECK ------------------------------------------------------------------------------------

@test "CHECK with prevResult passes; fails naming vxlan42 once it is out of the bridge or gone" {
	local c
	add h1 c1
	c=$(with_prev "$(conf h1)" "$RESULT")
	vx h1 CHECK c1 <<<"$c"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	# vxlan42 no longer a port of the bridge
	hip h1 link set vxlan42 nomaster
	vx h1 CHECK c1 <<<"$c"
	[ "$status" -ne 0 ]
	[[ $(jq -r .msg <<<"$output") == *vxlan42* ]]
	hip h1 link set vxlan42 master vxbr42
	vx h1 CHECK c1 <<<"$c"
	[ "$status" -eq 0 ]
	# vxlan42 gone
	hip h1 link del vxlan42
	vx h1 CHECK c1 <<<"$c"
	[ "$status" -ne 0 ]
	[[ $(jq -r .msg <<<"$output") == *vxlan42* ]]
}

@test "CHECK fails naming vxlan42 when it has another VNI than the config" {
	local c
	add h1 c1
	c=$(with_prev "$(conf h1)" "$RESULT")
	hip h1 link del vxlan42
	hip h1 link add vxlan42 type vxlan id 7 dstport 4789 local 192.0.2.1 dev u1
	hip h1 link set vxlan42 master vxbr42
	hip h1 link set vxlan42 up
	vx h1 CHECK c1 <<<"$c"
	[ "$status" -ne 0 ]
	[[ $(jq -r .msg <<<"$output") == *vxlan42* ]]
}

# ---- bad configs, clashes ------------------------------------------------------------------------

@test "bad config: error 7 naming the key, nothing created" {
	local cases=(
		'del(.vni)|vni'
		'.vni = 0|vni'
		'.vni = 16777216|vni'
		'.vni = "42"|vni'
		'.vni = -1|vni'
		'.peers = "192.0.2.2"|peers'
		'.peers = ["nope"]|peers'
		'.peers = [5]|peers'
		'.port = 0|port'
		'.port = 70000|port'
		'.port = "4789"|port'
		'.local = "x"|local'
		'.local = 1|local'
		'.dev = "nope0"|dev'
		'.learning = "yes"|learning'
	)
	local item filter key
	for item in "${cases[@]}"; do
		IFS='|' read -r filter key <<<"$item"
		try_add h1 c1 "$(conf h1 "$filter")"
		echo "# case: $filter" >&2
		err_is 7 "$key"
		nothing_in h1 c1
	done
	# and a good one still works afterwards
	add h1 c1
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.99.0.10/24 ]
}

@test "an existing vxlan42 with another VNI is error 7 naming it; no veth, no lease left" {
	hip h1 link add vxlan42 type vxlan id 7 dstport 4789 local 192.0.2.1
	try_add h1 c1 "$(conf h1)"
	err_is 7 vxlan42
	[ -z "$(veths h1)" ]
	[ -z "$(leases h1)" ]
	assert_no_leftovers -n "$(nsname c1)"
	# untouched
	[ "$(hip h1 -d -j link show dev vxlan42 | jq '.[0].linkinfo.info_data.id')" -eq 7 ]
}

@test "an existing vxlan42 on another port, or not a vxlan at all, is error 7 naming it" {
	hip h1 link add vxlan42 type vxlan id 42 dstport 8472 local 192.0.2.1
	try_add h1 c1 "$(conf h1)"
	err_is 7 vxlan42
	[ -z "$(veths h1)" ]
	[ -z "$(leases h1)" ]
	assert_no_leftovers -n "$(nsname c1)"
	[ "$(hip h1 -d -j link show dev vxlan42 | jq '.[0].linkinfo.info_data.port')" -eq 8472 ]
	hip h1 link del vxlan42

	hip h1 link add vxlan42 type veth peer name vxq
	try_add h1 c1 "$(conf h1)"
	err_is 7 vxlan42
	[ -z "$(leases h1)" ]
	assert_no_leftovers -n "$(nsname c1)"
	hip h1 -d -j link show dev vxlan42 | jq -e '.[0].linkinfo.info_kind == "veth"'
}

@test "an existing vxlan42 with the right VNI and port is reused" {
	local idx
	hip h1 link add vxlan42 type vxlan id 42 dstport 4789 local 192.0.2.1 dev u1
	idx=$(hip h1 -j link show dev vxlan42 | jq '.[0].ifindex')
	add h1 c1
	add h2 c2
	[ "$(hip h1 -j link show dev vxlan42 | jq '.[0].ifindex')" = "$idx" ]
	vx_state h1 | jq -e '.master == "vxbr42" and .up'
	[ "$(zero_dsts h1)" = '["192.0.2.2"]' ]
	pings "$(nsname c1)" 10.99.0.20
}

# ---- other keys -----------------------------------------------------------------------------------

@test "port, learning and bridge keys: vxlan42 on port 8472 without learning in bridge ovbr" {
	local f='.port = 8472 | .learning = false | .bridge = "ovbr"'
	add h1 c1 "$(conf h1 "$f")"
	json_eq "$(expected_result h1 c1 10.99.0.10/24 ovbr)" "$RESULT"
	add h2 c2 "$(conf h2 "$f")"
	json_eq '{"kind": "vxlan", "id": 42, "port": 8472, "local": "192.0.2.1", "link": "u1",
		"learning": false, "master": "ovbr", "mtu": 1450, "up": true, "addrgen": "none"}' \
		"$(vx_state h1)"
	run hip h1 link show dev vxbr42
	[ "$status" -ne 0 ]
	pings "$(nsname c1)" 10.99.0.20
	pings "$(nsname c2)" 10.99.0.10
}

@test "local, dev and peers are optional: no underlay pinned, no flooding entries, MTU 1450" {
	local h mtu
	add h1 c1 "$(conf h1 'del(.local) | del(.dev) | del(.peers)')"
	h=$(nsname h1)
	json_eq '{"kind": "vxlan", "id": 42, "port": 4789, "local": null, "link": null,
		"learning": true, "master": "vxbr42", "up": true, "addrgen": "none"}' \
		"$(vx_state h1 | jq -c 'del(.mtu)')"
	[ "$(zero_dsts h1)" = '[]' ]
	# without an underlay to derive it from, a 1500-byte one is assumed (the kernel alone
	# would give 1500); the bridge and both veth ends take the vxlan device's MTU
	mtu=$(mtu_of vxlan42 "$h")
	[ "$mtu" -eq 1450 ]
	[ "$(mtu_of vxbr42 "$h")" -eq "$mtu" ]
	[ "$(mtu_of "$(host_veth h1 c1)" "$h")" -eq "$mtu" ]
	[ "$(mtu_of eth0 "$(nsname c1)")" -eq "$mtu" ]
}

@test "another VNI gets its own vxlan and bridge: vxlan43 in vxbr43 next to vxlan42" {
	add h1 c1
	add h1 c2 "$(conf h1 '.vni = 43 | .name = "ov43"')"
	vx_state h1 vxlan43 | jq -e '.id == 43 and .master == "vxbr43"'
	vx_state h1 vxlan42 | jq -e '.id == 42 and .master == "vxbr42"'
	[ "$(jq -r '.interfaces[0].name' <<<"$RESULT")" = vxbr43 ]
	[ "$(zero_dsts h1 vxlan43)" = '["192.0.2.2"]' ]
}

# ---- VERSION ------------------------------------------------------------------------------------------

@test "VERSION lists the same versions as the bridge plugin" {
	local b v
	b=$(CNI_COMMAND=VERSION "$CNET_BIN/bridge" <<<'{"cniVersion": "1.0.0"}')
	v=$(CNI_COMMAND=VERSION "$CNET_BIN/vxlan" <<<'{"cniVersion": "1.0.0"}')
	json_eq "$b" "$v"
	jq -e '.supportedVersions | index("1.0.0") != null' <<<"$v"
}
