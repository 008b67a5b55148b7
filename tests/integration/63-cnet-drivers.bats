#!/usr/bin/env bats
# cnet create with the other drivers, end to end through cnet run: a macvlan network on a
# veth "LAN" (a neighbour namespace answers), and a host-device network that moves a veth end
# into the command's namespace and gives it back afterwards.

load helpers

setup() {
	cnet_setup
	export CNET_CONFIG_DIR=$BATS_TEST_TMPDIR/net.d CNET_CACHE_DIR=$BATS_TEST_TMPDIR/cache
	export CNET_RUN_DIR=$BATS_TEST_TMPDIR/run CNI_PATH=$CNET_BIN
	CNET=$CNET_BIN/cnet
	LAN=lan-$SUFFIX
	UP=up-$SUFFIX
	make_ns "$LAN"
	track_link "$UP"
	ip link add "$UP" type veth peer name eth0 netns "$LAN"
	ip link set "$UP" up
	ip -n "$LAN" link set eth0 up
	ip -n "$LAN" addr add 192.168.80.2/24 dev eth0
}

teardown() {
	cnet_teardown
	nft delete table inet cnet 2>/dev/null || true
}

@test "macvlan: the conflist, a cnet run on the LAN reaches a neighbour, nothing left" {
	run "$CNET" create mv --driver macvlan --parent "$UP" --subnet 192.168.80.0/24 \
		--ip-range 192.168.80.96/28
	[ "$status" -eq 0 ]
	[ "$(jq -c '.plugins[0] | {type, master, range: .ipam.ranges[0][0].rangeStart}' \
		"$CNET_CONFIG_DIR/mv.conflist")" = \
		"{\"type\":\"macvlan\",\"master\":\"$UP\",\"range\":\"192.168.80.96\"}" ]
	run "$CNET" run --network mv -- sh -c 'ip -4 -br addr show eth0; ping -c 1 -W 2 192.168.80.2'
	[ "$status" -eq 0 ]
	[[ ${lines[0]} == *"192.168.80.9"[6-9]"/24"* || ${lines[0]} == *"192.168.80.1"[01]"/24"* ]]
	run "$CNET" ps -q
	[ -z "$output" ]
	run "$CNET" rm mv
	[ "$status" -eq 0 ]
	assert_no_leftovers "$UP"
}

@test "host-device: the device moves into the command's namespace and comes back" {
	track_link hd0
	ip link add hd0 type veth peer name hd0p
	track_link hd0p
	run "$CNET" create hd --driver host-device --opt device=hd0 --subnet 10.66.0.0/24
	[ "$status" -eq 0 ]
	run "$CNET" run --network hd -- ip -j addr show eth0
	[ "$status" -eq 0 ]
	[ "$(jq -r '.[0].addr_info[] | select(.family == "inet") | .local' <<<"$output")" = 10.66.0.2 ]
	# back in the host under its own name
	ip link show hd0 >/dev/null
	run "$CNET" rm hd
	[ "$status" -eq 0 ]
	assert_no_leftovers "$UP" hd0 hd0p
}

@test "vxlan: cnet create writes the overlay's conflist; two attachments talk; rm removes the VXLAN link and bridge" {
	local a=vxa-$SUFFIX b=vxb-$SUFFIX
	run "$CNET" create ov --driver vxlan --subnet 10.99.0.0/24 --ip-range 10.99.0.64/26 \
		--opt vni=4242 --opt 'peers=["192.168.80.2"]' --opt local=192.168.80.1
	[ "$status" -eq 0 ]
	[ "$(jq -c '.plugins[0] | {type, vni, peers, local, start: .ipam.ranges[0][0].rangeStart}' \
		"$CNET_CONFIG_DIR/ov.conflist")" = \
		'{"type":"vxlan","vni":4242,"peers":["192.168.80.2"],"local":"192.168.80.1","start":"10.99.0.64"}' ]
	ip addr add 192.168.80.1/24 dev "$UP"
	make_ns "$a"
	make_ns "$b"
	"$CNET" attach ov "$a"
	"$CNET" attach ov "$b"
	ip -d -j link show vxlan4242 | jq -e '.[0] | .master == "vxbr4242"
		and .linkinfo.info_data.id == 4242 and .linkinfo.info_data.local == "192.168.80.1"'
	bridge -j fdb show dev vxlan4242 | jq -e 'map(select(.mac == "00:00:00:00:00:00")) | map(.dst) == ["192.168.80.2"]'
	local ipb
	ipb=$(ip -n "$b" -j -4 addr show eth0 | jq -r '.[0].addr_info[0].local')
	[[ $ipb == 10.99.0.6[4-9] ]]
	ip netns exec "$a" ping -c 1 -W 2 "$ipb"
	"$CNET" detach ov "$a"
	"$CNET" detach ov "$b"
	run "$CNET" rm ov
	[ "$status" -eq 0 ]
	! ip link show vxlan4242 2>/dev/null || false
	! ip link show vxbr4242 2>/dev/null || false
	ip addr del 192.168.80.1/24 dev "$UP"
	assert_no_leftovers "$UP"
}

@test "vxlan: cnet create without a VNI is refused, naming --opt vni" {
	run --separate-stderr "$CNET" create ov --driver vxlan
	[ "$status" -eq 1 ]
	[[ $stderr == *"--opt vni=N"* ]]
	[ ! -e "$CNET_CONFIG_DIR/ov.conflist" ]
}
