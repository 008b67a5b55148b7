#!/usr/bin/env bats
# lib/nft.c on the real kernel, through tests/nft-probe (built by `make test-tools`).
# nft is only an observer here: every change is made by the library.

load helpers

setup() {
	cnet_setup
	PROBE=${CNET_PROBE:-$CNET_BIN/../tests/nft-probe}
	[ -x "$PROBE" ] || {
		echo "$PROBE not built: run make test-tools" >&2
		return 1
	}
	command -v nft >/dev/null || skip "nft (the observer) not installed"
	T=cnettest
}

teardown() {
	cnet_teardown
	nft delete table inet cnettest 2>/dev/null || true
	nft delete table inet cnetref 2>/dev/null || true
}

probe() { "$PROBE" "$@"; }

# nft -j list table, with handles removed, set elements sorted (hash order is per set) and the
# table name replaced by T, so that two tables built differently compare equal.
norm_json() {
	nft -j list table inet "$1" | jq -S --arg t "$1" '
		walk(if type == "object" then del(.handle) else . end)
		| walk(if type == "object" and has("elem") and (.elem | type) == "array"
		       then .elem |= sort else . end)
		| walk(if . == $t then "T" else . end)'
}

# the map's elements as "tcp . 8080 : 10.0.0.2 . 80 # comment" lines, as nft-probe lists them
elems() { probe list "$T" "$@"; }

# DESTROY (kernel >= 6.3) deletes absent elements in one round; older kernels take two
kernel_has_destroy() {
	[ "$(printf '%s\n6.3\n' "$(uname -r | cut -d- -f1)" | sort -V | head -n1)" = 6.3 ]
}

@test "nft lib: a ruleset built through lib/nft lists exactly like the same ruleset loaded by nft" {
	sed s/@TABLE@/cnetref/ "$CNET_ROOT/tests/integration/nft-ruleset.nft" | nft -f -
	run probe ruleset "$T"
	[ "$status" -eq 0 ]
	[ "$output" = "39 messages" ]
	diff -u <(nft list table inet cnetref | sed "s/cnetref/$T/") <(nft list table inet "$T")
	diff -u <(norm_json cnetref) <(norm_json "$T")
}

@test "nft lib: the dnat map prints its types, and each element its owner comment" {
	probe ruleset "$T"
	probe add "$T" --excl "tcp:9090=10.211.0.2:8080#net1 ctr-$SUFFIX eth0"
	nft list map inet "$T" hostports4 | grep -F 'type inet_proto . inet_service : ipv4_addr . inet_service'
	nft list map inet "$T" hostports4 | grep -F "tcp . 9090 comment \"net1 ctr-$SUFFIX eth0\" : 10.211.0.2 . 8080"
	local m
	m=$(nft -j list map inet "$T" hostports4 | jq -c '.nftables[] | select(.map) | .map')
	[ "$(jq -c .type <<<"$m")" = '["inet_proto","inet_service"]' ]
	[ "$(jq -r .map <<<"$m")" = "ipv4_addr . inet_service" ] # nft 1.0.6 prints data types so
	jq -e --arg c "net1 ctr-$SUFFIX eth0" \
		'.elem[] | select(.[0].elem.comment == $c)
		 | .[0].elem.val.concat == ["tcp", 9090] and .[1].concat == ["10.211.0.2", 8080]' <<<"$m"
	# and the library reads the same back
	run elems
	[ "$status" -eq 0 ]
	[[ "$output" == *"tcp . 9090 : 10.211.0.2 . 8080 # net1 ctr-$SUFFIX eth0"* ]]
	run probe get "$T" tcp:9090
	[ "$output" = "tcp . 9090 : 10.211.0.2 . 8080 # net1 ctr-$SUFFIX eth0" ]
	run probe get "$T" tcp:9091
	[ "$status" -eq 2 ]
}

@test "nft lib: elements of every set type read back with keys, ranges, values and comments" {
	probe ruleset "$T"
	run elems nets
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output")" = "10.88.0.0-10.88.255.255 # net1
255.255.255.0-255.255.255.255 # top" ]
	run elems nets6
	[ "$output" = "fd00:88::-fd00:88::ffff:ffff:ffff:ffff # net1" ]
	run elems cnets
	[ "$output" = "10.88.0.0 . 10.89.0.0-10.88.255.255 . 10.89.255.255 # pair" ]
	run elems ports
	[ "$output" = "8000-8100 # range" ]
	run elems iso
	[ "$(sort <<<"$output")" = '"br0" . "eth0" : drop # x
"br1" . "eth1" : jump isolate' ]
	run elems hip4
	[ "$output" = "10.0.0.1 . tcp . 8443 : 10.88.0.6 . 443 # ctr2 eth0" ]
	run elems hostports6
	[ "$output" = "udp . 5353 : fd00:88::5 . 53 # ctr1 eth0" ]
	run elems masq
	[ "$output" = "10.88.0.5 . 10.88.0.5 # ctr1" ]
	run elems marks
	[ "$output" = "0x0000002a # m" ]
	run elems macs
	[ "$output" = "02:42:ac:11:00:02 # mac" ]
	run elems ifs
	[ "$output" = '"cni0" # bridge' ]
	# the kernel finds addresses inside the ranges the library wrote (no 0.0.0.0 end element)
	nft get element inet "$T" nets '{ 10.88.7.7 }'
	nft get element inet "$T" nets '{ 255.255.255.255 }'
	run nft get element inet "$T" nets '{ 10.89.0.1 }'
	[ "$status" -ne 0 ]
	nft get element inet "$T" ports '{ 8100 }'
	run nft get element inet "$T" ports '{ 8101 }'
	[ "$status" -ne 0 ]
}

@test "nft lib: creating a taken key fails with EEXIST, names the element, and undoes the whole batch" {
	probe ruleset "$T"
	probe add "$T" --excl "tcp:9090=10.211.0.2:8080#first"
	local before
	before=$(nft list table inet "$T")
	# one batch: a new key, then the taken one
	run probe add "$T" --excl "tcp:9091=10.211.0.3:80#second" "tcp:9090=10.211.0.9:81#second"
	[ "$status" -eq 17 ]
	[[ "$output" == *'add element tcp . 9090 to map "hostports4" in table inet cnettest: File exists'* ]]
	[[ "$output" == *"failed message 1"* ]]
	# nothing of the batch was applied: 9091 is absent, 9090 still belongs to "first"
	[ "$(nft list table inet "$T")" = "$before" ]
	run probe get "$T" tcp:9091
	[ "$status" -eq 2 ]
	[ "$(probe get "$T" tcp:9090)" = "tcp . 9090 : 10.211.0.2 . 8080 # first" ]
	# without --excl ("add element"), the identical element is a no-op, a different one a conflict
	probe add "$T" "tcp:9090=10.211.0.2:8080#first"
	run probe add "$T" "tcp:9090=10.211.0.7:8080#other"
	[ "$status" -eq 17 ]
	[ "$(nft list table inet "$T")" = "$before" ]
}

@test "nft lib: deleting present and absent elements succeeds in one round (NFT_MSG_DESTROYSETELEM)" {
	probe ruleset "$T"
	probe add "$T" --excl tcp:9090=10.211.0.2:80 tcp:9091=10.211.0.3:80
	run probe del "$T" tcp:9090 tcp:1 udp:2
	[ "$status" -eq 0 ]
	if kernel_has_destroy; then
		[ "$output" = "rounds 1" ]
	else
		[ "$output" = "rounds 2" ]
	fi
	[ "$(elems | sort)" = "tcp . 8080 : 10.88.0.5 . 80 # ctr1 eth0
tcp . 9091 : 10.211.0.3 . 80" ]
	# DEL twice: all absent now
	run probe del "$T" tcp:9090 tcp:1 udp:2
	[ "$status" -eq 0 ]
}

@test "nft lib: without DESTROY, absent elements are dropped from the batch and the rest resent" {
	probe ruleset "$T"
	probe add "$T" --excl tcp:9090=10.211.0.2:80 tcp:9091=10.211.0.3:80 tcp:9092=10.211.0.4:80
	# told the kernel has no DESTROY: DELSETELEM, ENOENT for tcp:1, dropped, resent
	run probe --no-destroy del "$T" tcp:9090 tcp:1
	[ "$status" -eq 0 ]
	[ "$output" = "rounds 2" ]
	# a kernel < 6.3 (simulated): DESTROY rejected, downgraded, then the absent one dropped
	run probe --old-kernel del "$T" tcp:9091 tcp:1
	[ "$status" -eq 0 ]
	[ "$output" = "rounds 3" ]
	run probe --old-kernel del "$T" tcp:9092
	[ "$status" -eq 0 ]
	[ "$output" = "rounds 2" ]
	[ "$(elems)" = "tcp . 8080 : 10.88.0.5 . 80 # ctr1 eth0" ]
}

@test "nft lib: a strict delete of an absent element fails with ENOENT and deletes nothing" {
	probe ruleset "$T"
	run probe del "$T" --strict tcp:8080 tcp:9999
	[ "$status" -eq 2 ]
	[[ "$output" == *'delete element tcp . 9999 from map "hostports4" in table inet cnettest: No such file or directory'* ]]
	[[ "$output" == *"failed message 1"* ]]
	[ "$(elems)" = "tcp . 8080 : 10.88.0.5 . 80 # ctr1 eth0" ]
}

@test "nft lib: DEL when the table is gone is success; queries report it absent" {
	run probe del "$T" tcp:8080
	[ "$status" -eq 0 ]
	run probe --no-destroy del "$T" tcp:8080
	[ "$status" -eq 0 ]
	run probe exists "$T"
	[ "$status" -eq 1 ]
	run elems
	[ "$status" -eq 2 ]
	run probe drop "$T"
	[ "$status" -eq 0 ]
	probe ruleset "$T"
	probe exists "$T"
	probe drop "$T"
	[ -z "$(nft list tables)" ]
}

@test "nft lib: a TCP connection to a host port is DNATed through the map into a container namespace" {
	local cl=cl-$SUFFIX ct=ct-$SUFFIX got=$BATS_TEST_TMPDIR/got
	make_ns "$cl"
	make_ns "$ct"
	track_link "hc-$SUFFIX"
	track_link "hk-$SUFFIX"
	ip link add "hc-$SUFFIX" type veth peer name eth0 netns "$cl"
	ip link add "hk-$SUFFIX" type veth peer name eth0 netns "$ct"
	ip addr add 10.210.0.1/24 dev "hc-$SUFFIX"
	ip addr add 10.211.0.1/24 dev "hk-$SUFFIX"
	ip link set "hc-$SUFFIX" up
	ip link set "hk-$SUFFIX" up
	ns_exec "$cl" ip addr add 10.210.0.2/24 dev eth0
	ns_exec "$cl" ip link set eth0 up
	ns_exec "$ct" ip addr add 10.211.0.2/24 dev eth0
	ns_exec "$ct" ip link set eth0 up
	ns_exec "$ct" ip route add default via 10.211.0.1
	echo 1 >/proc/sys/net/ipv4/ip_forward # the sandbox's own namespace

	probe ruleset "$T"
	probe add "$T" --excl "tcp:9090=10.211.0.2:8080#ctr-$SUFFIX"

	ns_exec "$ct" nc -l 10.211.0.2 8080 </dev/null >"$got" 3>&- &
	track_pid $!
	wait_until 5 bash -c "ip netns exec $ct ss -Htln 'sport = :8080' | grep -q 8080"
	echo "hello-$SUFFIX" | ns_exec "$cl" nc -N -w 3 10.210.0.1 9090
	wait_until 5 grep -qx "hello-$SUFFIX" "$got"

	# the map is what does it: without the element, the host port is closed
	probe del "$T" tcp:9090
	run ns_exec "$cl" nc -z -w 2 10.210.0.1 9090
	[ "$status" -ne 0 ]
}
