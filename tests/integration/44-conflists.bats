#!/usr/bin/env bats
# The shipped conflists (tests/fixtures/conflists, copies of the ones users run today) through
# cnet's plugins, unchanged, executed the way libcni does: ADD through the list with each
# result as the next plugin's prevResult and runtimeConfig for the declared capabilities;
# CHECK and DEL with the cached ADD result as prevResult, DEL in reverse order.
#
# podman-default.conflist (0.4.0: bridge -> portmap -> firewall -> tuning) on a host whose
# iptables FORWARD policy is DROP, with an "outside" namespace on a veth (host 10.96.0.1,
# outside 10.96.0.2). kubernetes-node.conflist ends with `bandwidth`: once all cnet, once with
# the reference's bandwidth (CNI_PATH lists cnet without bandwidth, then /usr/lib/cni), which
# shows that cnet's results chain into a reference plugin.

load helpers

setup() {
	cnet_setup
	command -v iptables >/dev/null || skip "iptables not installed: run scripts/install-deps"
	command -v socat >/dev/null || skip "socat not installed: run scripts/install-deps"
	FIX=$CNET_ROOT/tests/fixtures/conflists
	OUT=cfout-$SUFFIX
	HO=cfo-$SUFFIX
	track_link cni-podman0
	track_link cni0
}

teardown() {
	cnet_teardown
	local t
	for t in "inet cnet" "bridge cnet" "ip filter" "ip6 filter" "ip nat" "ip6 nat"; do
		nft delete table $t 2>/dev/null || true
	done
}

outside() {
	make_ns "$OUT"
	track_link "$HO"
	ip link add "$HO" type veth peer name eth0 netns "$OUT"
	ip addr add 10.96.0.1/24 dev "$HO"
	ip link set "$HO" up
	ip -n "$OUT" addr add 10.96.0.2/24 dev eth0
	ip -n "$OUT" link set eth0 up
}

fetch() { # [NETNS] ADDR PORT
	if (($# == 3)); then
		ip netns exec "$1" socat -T 1 - "TCP4:$2:$3" </dev/null
	else
		socat -T 1 - "TCP4:$1:$2" </dev/null
	fi
}

ip_of() { jq -r '.ips[] | select(.address | contains(".")) | .address | sub("/.*"; "")' "$STATE/$1.result"; }

@test "podman's conflist, unchanged: through FORWARD DROP, a published port, CHECK, DEL leaves nothing" {
	local list=$FIX/podman-default.conflist rc
	rc='{"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]}'
	iptables -P FORWARD DROP
	outside
	make_ns c1
	make_ns c2
	cni_chain ADD "$list" c1 "$rc"
	[ "$status" -eq 0 ]
	# the last plugin's output is the chain's result: 0.4.0, bridge's interfaces and address
	[ "$(jq -r .cniVersion "$STATE/c1.result")" = 0.4.0 ]
	[ "$(jq -c '[.interfaces[].name]' "$STATE/c1.result" | jq -c '.[0], .[2]')" = $'"cni-podman0"\n"eth0"' ]
	[[ $(ip_of c1) == 10.88.0.* ]]
	cni_chain ADD "$list" c2
	[ "$status" -eq 0 ]
	bg c1 socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo c1 \$SOCAT_PEERADDR"
	bg "$OUT" socat TCP4-LISTEN:81,fork,reuseaddr SYSTEM:"echo \$SOCAT_PEERADDR"
	listening c1 80
	listening "$OUT" 81

	# out through the DROP policy, masqueraded; in through the published port
	ip netns exec c1 ping -c 1 -W 2 10.96.0.2 >/dev/null
	[ "$(fetch c1 10.96.0.2 81)" = 10.96.0.1 ]
	wait_until 5 bash -c "ip netns exec $OUT socat -T 1 - TCP4:10.96.0.1:8080 </dev/null | grep -q '^c1 10.96.0.2'"
	[[ $(fetch 127.0.0.1 8080) == "c1 "* ]]
	# hairpin (the conflist sets hairpinMode) and a neighbour on the network
	[[ $(fetch c1 10.96.0.1 8080) == "c1 "* ]]
	[[ $(fetch c2 "$(ip_of c1)" 80) == "c1 $(ip_of c2)" ]]

	cni_chain CHECK "$list" c1 "$rc"
	[ "$status" -eq 0 ]

	for id in c1 c2; do
		cni_chain DEL "$list" "$id" "$rc"
		[ "$status" -eq 0 ]
		cni_chain DEL "$list" "$id" "$rc"
		[ "$status" -eq 0 ]
	done
	# nothing of either attachment is left: links, leases, elements, iptables rules, tuning state
	assert_no_leftovers cni-podman0 "$HO"
	[ -z "$(ls /var/lib/cni/networks/podman | grep -v -e '^lock$' -e '^last_reserved_ip')" ]
	[ -z "$(nft -j list ruleset | jq -r '.. | objects | select(has("elem") and (.elem | type) == "object") | .elem.comment // empty' | grep '^podman/')" ]
	! iptables-save -t filter | grep -q 'podman/' || false
	[ -z "$(ls /run/cni/tuning 2>/dev/null)" ]
	! timeout 2 socat -T 1 - TCP4:127.0.0.1:8080 </dev/null 2>/dev/null | grep -q c1 || false
}

# kube_node PATH: kubernetes-node.conflist through the plugins found on PATH, two pods.
kube_node() {
	local list=$FIX/kubernetes-node.conflist path=$1 rc
	# with limits: v1.1.1's bandwidth CHECK dereferences them unconditionally (panics without)
	rc='{"bandwidth": {"ingressRate": 100000000, "ingressBurst": 1000000,
		"egressRate": 100000000, "egressBurst": 1000000}}'
	make_ns p1
	make_ns p2
	cni_chain ADD "$list" p1 "$rc" "$path"
	[ "$status" -eq 0 ]
	cni_chain ADD "$list" p2 "$rc" "$path"
	[ "$status" -eq 0 ]
	# dual stack, the MTU and tuning's sysctl reached the pod; bandwidth shaped its veth
	[ "$(jq '[.ips[]] | length' "$STATE/p1.result")" -eq 2 ]
	[ "$(ip -n p1 -j link show eth0 | jq '.[0].mtu')" -eq 1450 ]
	[ "$(ip netns exec p1 sysctl -n net.ipv4.conf.eth0.accept_redirects)" = 0 ]
	local ifb veth
	ifb=$(jq -r '.interfaces[-1].name' "$STATE/p1.result")
	[[ $ifb == bwp* ]]
	veth=$(jq -r '.interfaces[1].name' "$STATE/p1.result")
	tc -j qdisc show dev "$veth" | jq -e 'map(select(.kind == "tbf" and .options.rate == 12500000)) | length == 1'
	tc -j qdisc show dev "$ifb" | jq -e 'map(select(.kind == "tbf" and .options.rate == 12500000)) | length == 1'
	ip netns exec p1 ping -c 1 -W 2 "$(ip_of p2)" >/dev/null
	cni_chain CHECK "$list" p1 "$rc" "$path"
	[ "$status" -eq 0 ]
	for id in p1 p2; do
		cni_chain DEL "$list" "$id" "$rc" "$path"
		[ "$status" -eq 0 ]
	done
	[ -z "$(ip -j link show type ifb | jq -r '.[].ifname | select(startswith("bwp"))')" ]
	assert_no_leftovers cni0
}

@test "kubernetes-node.conflist, unchanged, all cnet: bridge, portmap, tuning, bandwidth" {
	kube_node "$CNET_BIN"
}

@test "kubernetes-node.conflist with the reference's bandwidth after cnet's plugins" {
	[[ -x $REF_BIN/bandwidth ]] || skip "reference plugins not installed"
	local dir=$BATS_TEST_TMPDIR/mixed p
	mkdir -p "$dir"
	for p in bridge host-local portmap tuning; do ln -s "$CNET_BIN/$p" "$dir/$p"; done
	kube_node "$dir:$REF_BIN"
}

@test "tuning after bridge: every setting applied to the veth end, tuning's DEL restores them" {
	local list=$STATE/bt.conflist
	jq -n --arg dir "$DATA_DIR" '{cniVersion: "1.0.0", name: "bt", plugins: [
		{type: "bridge", bridge: "cni-bt0", isGateway: true,
		 ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.95.0.0/24"}]]}},
		{type: "tuning", mtu: 1400, mac: "02:aa:bb:cc:dd:01", promisc: true, allmulti: true,
		 txQLen: 2000, sysctl: {"net.ipv4.conf.IFNAME.accept_redirects": "0"}}]}' >"$list"
	track_link cni-bt0
	make_ns t1
	cni_chain ADD "$list" t1
	[ "$status" -eq 0 ]
	# the result says the new MAC; the kernel agrees on every attribute
	[ "$(jq -r '.interfaces[2].mac' "$STATE/t1.result")" = 02:aa:bb:cc:dd:01 ]
	local l
	l=$(ip -n t1 -j -d link show eth0)
	[ "$(jq -r '.[0].mtu' <<<"$l")" -eq 1400 ]
	[ "$(jq -r '.[0].address' <<<"$l")" = 02:aa:bb:cc:dd:01 ]
	[ "$(jq -r '.[0].promiscuity' <<<"$l")" -ge 1 ]
	jq -e '.[0].flags | index("ALLMULTI")' <<<"$l" >/dev/null
	[ "$(jq -r '.[0].txqlen' <<<"$l")" -eq 2000 ]
	[ "$(ip netns exec t1 sysctl -n net.ipv4.conf.eth0.accept_redirects)" = 0 ]
	# tuning's DEL alone (the first step of the chain's DEL) puts back what bridge made
	local conf
	conf=$(jq -c --slurpfile r "$STATE/t1.result" '.plugins[1] + {cniVersion, name, prevResult: $r[0]}' "$list")
	run env CNI_COMMAND=DEL CNI_CONTAINERID=t1 CNI_NETNS=/run/netns/t1 CNI_IFNAME=eth0 \
		CNI_PATH="$CNET_BIN" "$CNET_BIN/tuning" <<<"$conf"
	[ "$status" -eq 0 ]
	l=$(ip -n t1 -j -d link show eth0)
	[ "$(jq -r '.[0].mtu' <<<"$l")" -eq 1500 ]
	[ "$(jq -r '.[0].address' <<<"$l")" != 02:aa:bb:cc:dd:01 ]
	[ "$(jq -r '.[0].promiscuity' <<<"$l")" -eq 0 ]
	! jq -e '.[0].flags | index("ALLMULTI")' <<<"$l" >/dev/null || false
	[ "$(jq -r '.[0].txqlen' <<<"$l")" -eq 1000 ]
	cni_chain DEL "$list" t1
	[ "$status" -eq 0 ]
	assert_no_leftovers cni-bt0
}
