#!/usr/bin/env bats
# The sandbox and the helpers themselves: if these fail, nothing else can be trusted.

load helpers

setup() { cnet_setup; }
teardown() { cnet_teardown; }

link_names() { ip -j link show | jq -r '.[].ifname' | sort | tr '\n' ' '; }

@test "sandbox: a fresh network namespace with only lo, and lo is up" {
	[ "$(link_names)" = "lo " ]
	ip -j link show lo | jq -e '.[0].flags | index("UP")'
	[ "$(hostname)" = cnet-sandbox ]
}

@test "sandbox: state directories are empty tmpfs" {
	local d
	for d in /run/netns /run/cni /var/lib/cni /etc/cni /opt/cni; do
		[ "$(findmnt -n -o FSTYPE --mountpoint "$d")" = tmpfs ]
		[ -z "$(ls -A "$d")" ]
	done
	[ -z "$(ip netns list)" ]
	[ -z "$(nft list tables)" ]
}

@test "sandbox: sysfs shows the sandbox's links, not the machine's" {
	[ "$(ls /sys/class/net)" = lo ]
	track_link "sa-$SUFFIX"
	ip link add "sa-$SUFFIX" type veth peer name "sb-$SUFFIX"
	[ -e "/sys/class/net/sa-$SUFFIX" ]
	[ -e "/sys/class/net/sb-$SUFFIX" ]
	[ "$(cat "/sys/class/net/sa-$SUFFIX/ifindex")" = "$(ip -j link show "sa-$SUFFIX" | jq '.[0].ifindex')" ]
}

@test "sandbox: two namespaces joined by a veth ping each other over IPv4 and IPv6" {
	local a=a-$SUFFIX b=b-$SUFFIX
	make_ns "$a"
	make_ns "$b"
	ip link add "va-$SUFFIX" netns "$a" type veth peer name "vb-$SUFFIX" netns "$b"
	ns_exec "$a" ip addr add 10.200.0.1/30 dev "va-$SUFFIX"
	ns_exec "$b" ip addr add 10.200.0.2/30 dev "vb-$SUFFIX"
	ns_exec "$a" ip addr add fd00:cafe::1/64 dev "va-$SUFFIX" nodad
	ns_exec "$b" ip addr add fd00:cafe::2/64 dev "vb-$SUFFIX" nodad
	ns_exec "$a" ip link set "va-$SUFFIX" up
	ns_exec "$b" ip link set "vb-$SUFFIX" up
	wait_until 5 ns_exec "$a" ping -q -c 1 -W 1 10.200.0.2
	wait_until 5 ns_exec "$b" ping -q -c 1 -W 1 10.200.0.1
	wait_until 5 ns_exec "$a" ping -q -c 1 -W 1 fd00:cafe::2
	# nothing of it is visible in the sandbox root
	assert_no_leftovers
	[ "$(ip netns list | wc -l)" -eq 2 ]
}

@test "sandbox: a nested sandbox leaves nothing in its parent" {
	# shellcheck disable=SC2016 # expanded by the inner shell
	env -u CNET_SANDBOX "$CNET_ROOT/scripts/sandbox" sh -c \
		'ip netns add inner && ip link add leak0 type veth peer name leak1 && test "$(ip netns list)" = inner'
	[ -z "$(ip netns list)" ]
	assert_no_leftovers
}

@test "helpers: cnet_teardown removes namespaces and tracked links, tolerates missing ones" {
	make_ns "t-$SUFFIX"
	ip link add "tb-$SUFFIX" type bridge
	track_link "tb-$SUFFIX"
	track_link "never-made"
	ip link add "tv-$SUFFIX" type veth peer name eth0 netns "t-$SUFFIX"
	run assert_no_leftovers "tb-$SUFFIX"
	[ "$status" -eq 1 ]
	[[ "$output" == *"tv-$SUFFIX"* ]]
	cnet_teardown
	[ -z "$(ip netns list)" ]
	assert_no_leftovers
	cnet_teardown
}

@test "helpers: cni sets the CNI environment, feeds stdin, splits stdout and stderr" {
	CNET_BIN=$BATS_TEST_TMPDIR/bin
	mkdir -p "$CNET_BIN"
	cat >"$CNET_BIN/fake" <<-'EOF'
		#!/bin/sh
		echo "fake: to stderr" >&2
		jq -c --arg cmd "$CNI_COMMAND" --arg id "$CNI_CONTAINERID" --arg ns "$CNI_NETNS" \
			--arg ifn "$CNI_IFNAME" --arg args "$CNI_ARGS" --arg path "$CNI_PATH" \
			'{cmd: $cmd, id: $id, ns: $ns, if: $ifn, args: $args, path: $path, conf: .}'
		[ "$CNI_COMMAND" = ADD ]
	EOF
	chmod +x "$CNET_BIN/fake"
	cni fake ADD c1 /run/netns/x eth0 '{"a": 1}' 'K8S_POD_NAME=p'
	[ "$status" -eq 0 ]
	[ "$CNI_STDERR" = "fake: to stderr" ]
	[ "$(cat "$CNI_STDERR_FILE")" = "fake: to stderr" ]
	[ "${#lines[@]}" -eq 1 ]
	json_eq '{"cmd": "ADD", "id": "c1", "ns": "/run/netns/x", "if": "eth0",
		"args": "K8S_POD_NAME=p", "path": "'"$CNET_BIN"'", "conf": {"a": 1}}' "$output"
	cni fake DEL c1 "" eth0 '{}'
	[ "$status" -eq 1 ]
	[ "$(jq -r .ns <<<"$output")" = "" ]
}

@test "helpers: json_eq ignores key order and whitespace, not values" {
	json_eq '{"a": [1, 2], "b": {"c": "d"}}' '{"b":{"c":"d"},"a":[1,2]}'
	run json_eq '{"a": [1, 2]}' '{"a": [2, 1]}'
	[ "$status" -eq 1 ]
	run json_eq '{"a": 1}' 'not json'
	[ "$status" -eq 1 ]
	run json_eq '{"a": 1}' ''
	[ "$status" -eq 1 ]
}

@test "helpers: wait_until polls until success and gives up at its deadline" {
	local flag=$BATS_TEST_TMPDIR/flag start
	(sleep 0.2 && touch "$flag") &
	track_pid $!
	wait_until 5 test -e "$flag"
	start=${EPOCHREALTIME//[!0-9]/}
	run wait_until 0.3 false
	[ "$status" -eq 1 ]
	(( ${EPOCHREALTIME//[!0-9]/} - start < 2000000 ))
	run wait_until nonsense true
	[ "$status" -eq 2 ]
}

@test "reference plugins: bridge + host-local ADD, ping, CHECK, DEL twice, nothing left" {
	[ -x "$REF_BIN/bridge" ] || skip "reference plugins not installed in $REF_BIN"
	export USE_REF=1
	local ns=c-$SUFFIX br=cbr-$SUFFIX conf ip
	make_ns "$ns"
	track_link "$br"
	conf=$(jq -nc --arg br "$br" --arg dir "$DATA_DIR" '{
		cniVersion: "1.0.0", name: "sbx", type: "bridge", bridge: $br,
		isGateway: true, ipMasq: false,
		ipam: {type: "host-local", dataDir: $dir,
		       ranges: [[{subnet: "10.201.0.0/24"}]], routes: [{dst: "0.0.0.0/0"}]}}')

	cni bridge ADD "ctr-$SUFFIX" "$(ns_path "$ns")" eth0 "$conf"
	[ "$status" -eq 0 ]
	ip=$(jq -r '.ips[0].address' <<<"$output")
	[ "$ip" = 10.201.0.2/24 ]
	[ "$(jq -r '.ips[0].gateway' <<<"$output")" = 10.201.0.1 ]
	[ -e "$DATA_DIR/sbx/10.201.0.2" ]
	ns_exec "$ns" ip -j addr show eth0 | jq -e '.[0].addr_info[] | select(.local == "10.201.0.2")'
	wait_until 5 ping -q -c 1 -W 1 10.201.0.2

	cni bridge CHECK "ctr-$SUFFIX" "$(ns_path "$ns")" eth0 \
		"$(jq -c --argjson r "$output" '. + {prevResult: $r}' <<<"$conf")"
	[ "$status" -eq 0 ]

	cni bridge DEL "ctr-$SUFFIX" "$(ns_path "$ns")" eth0 "$conf"
	[ "$status" -eq 0 ]
	cni bridge DEL "ctr-$SUFFIX" "$(ns_path "$ns")" eth0 "$conf"
	[ "$status" -eq 0 ]
	[ ! -e "$DATA_DIR/sbx/10.201.0.2" ]
	assert_no_leftovers "$br"
	assert_no_leftovers -n "$ns"
}
