#!/usr/bin/env bats
# bridge ipMasq on nftables: what a container sends out of its network leaves with the host's
# address; traffic inside the network is not touched; the elements go with DEL (also with the
# namespace gone) and with GC. An "outside" namespace joined to the host by a veth plays the
# world; nothing leaves the sandbox.

load helpers

NET=masqnet

setup() {
	cnet_setup
	BR=mbr-$SUFFIX
	OUT=out-$SUFFIX
	track_link "$BR"
	track_link "mo-$SUFFIX"
	make_ns "$OUT"
	ip link add "mo-$SUFFIX" type veth peer name eth0 netns "$OUT"
	ip addr add 10.77.0.1/24 dev "mo-$SUFFIX"
	ip link set "mo-$SUFFIX" up
	ip -n "$OUT" addr add 10.77.0.2/24 dev eth0
	ip -n "$OUT" link set eth0 up
	# the world knows no route back to the containers: only masquerade gets replies home
}

teardown() {
	cnet_teardown
	# this file's sandbox is shared by its tests: the next one starts without cnet's table
	nft delete table inet cnet 2>/dev/null || true
}

conf() {
	jq -nc --arg br "$BR" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: $br, isGateway: true,
		isDefaultGateway: true, ipMasq: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.66.0.0/24"}]]}}' |
		jq -c "${1:-.}"
}

add() { # ID
	make_ns "$1-$SUFFIX"
	cni bridge ADD "$1" "$(ns_path "$1-$SUFFIX")" eth0 "$(conf)"
	[ "$status" -eq 0 ]
}

# listen NS PORT: a TCP server in NS that answers each connection with the peer's address.
listen() {
	# ip netns exec execs socat, so $! is socat itself; its fds must not hold bats' output
	ip netns exec "$1" socat "TCP-LISTEN:$2,reuseaddr,fork" SYSTEM:'echo $SOCAT_PEERADDR' \
		</dev/null >/dev/null 2>&1 3>&- &
	track_pid $!
	wait_until 5 bash -c "ip netns exec $1 ss -ltn | grep -q ':$2 '"
}

elements() { # the masq set elements owned by this test's network
	nft -j list table inet cnet 2>/dev/null |
		jq -r --arg n "$NET/" '.nftables[] | .set? // empty | .elem[]? | .elem.comment // empty
			| select(startswith($n))'
}

@test "a container's connection to the outside leaves with the host's address" {
	add c1
	listen "$OUT" 7000
	run ns_exec "c1-$SUFFIX" socat -T 2 - TCP:10.77.0.2:7000
	[ "$status" -eq 0 ]
	[ "$output" = 10.77.0.1 ]
	nft list chain inet cnet masq-postrouting | grep -q 'ip saddr @masq-src4 masquerade'
}

@test "traffic inside the network is not masqueraded" {
	add c1
	add c2
	listen "c2-$SUFFIX" 7001
	run ns_exec "c1-$SUFFIX" socat -T 2 - TCP:10.66.0.3:7001
	[ "$status" -eq 0 ]
	[ "$output" = 10.66.0.2 ]
}

@test "without ipMasq the outside gets no reply (nothing masquerades it)" {
	make_ns "c1-$SUFFIX"
	cni bridge ADD c1 "$(ns_path "c1-$SUFFIX")" eth0 "$(conf '.ipMasq = false')"
	[ "$status" -eq 0 ]
	listen "$OUT" 7002
	run ns_exec "c1-$SUFFIX" socat -T 1 - TCP:10.77.0.2:7002,connect-timeout=1
	[ "$output" != 10.77.0.1 ]
	[ -z "$(elements)" ]
}

@test "the rules do not grow with containers; DEL (twice, and with the netns gone) removes the elements" {
	add c1
	local rules
	rules=$(nft -j list chain inet cnet masq-postrouting | jq '[.nftables[] | .rule? // empty] | length')
	add c2
	add c3
	[ "$(nft -j list chain inet cnet masq-postrouting | jq '[.nftables[] | .rule? // empty] | length')" -eq "$rules" ]
	[ "$(elements | sort -u | wc -l)" -eq 3 ]
	cni bridge DEL c1 "$(ns_path "c1-$SUFFIX")" eth0 "$(conf)"
	[ "$status" -eq 0 ]
	cni bridge DEL c1 "$(ns_path "c1-$SUFFIX")" eth0 "$(conf)"
	[ "$status" -eq 0 ]
	ip netns del "c2-$SUFFIX"
	cni bridge DEL c2 "$(ns_path "c2-$SUFFIX")" eth0 "$(conf)"
	[ "$status" -eq 0 ]
	[ "$(elements | sort -u)" = "$NET/c3/eth0" ]
}

@test "GC removes the elements of attachments no longer valid, and only this network's" {
	add c1
	add c2
	cni bridge GC "" "" "" "$(conf '. + {"cni.dev/valid-attachments": [{containerID: "c2", ifname: "eth0"}]}')"
	[ "$status" -eq 0 ]
	[ "$(elements | sort -u)" = "$NET/c2/eth0" ]
}

@test "a failed ADD leaves no masquerade element" {
	make_ns "c1-$SUFFIX"
	# the pool has room for nobody: IPAM fails after the veth is made
	cni bridge ADD c1 "$(ns_path "c1-$SUFFIX")" eth0 \
		"$(conf '.ipam.ranges = [[{subnet: "10.66.0.0/30", rangeStart: "10.66.0.1", rangeEnd: "10.66.0.1"}]]')"
	[ "$status" -eq 1 ]
	[ -z "$(elements)" ]
}
