#!/usr/bin/env bats
# The firewall plugin, chained after bridge: getting through iptables' FORWARD DROP policy
# (the reference's CNI-FORWARD / CNI-ADMIN chains, as iptables-save shows them), published
# ports through that policy, ingressPolicy (same-bridge, isolated, open) between two networks
# and an "outside" namespace, DEL in every form, CHECK, GC, a failed ADD, bad input.
#
# The sandbox root plays the host: FORWARD policy DROP (iptables-nft), bridges ba-/bb-$SUFFIX
# for networks A (10.91.0.0/24, fd00:91::/64) and B (10.92.0.0/24), both with ipMasq, and an
# "outside" namespace on a veth: host fo-$SUFFIX 10.97.0.1 / fd00:97::1, outside 10.97.0.2 /
# fd00:97::2. Owners are "fw-<net>-$SUFFIX/<id>/eth0". Teardown removes cnet's table and the
# iptables tables, so every test starts from an empty ruleset.

load helpers

setup() {
	cnet_setup
	command -v iptables-save >/dev/null || skip "iptables not installed: run scripts/install-deps"
	command -v socat >/dev/null || skip "socat not installed: run scripts/install-deps"
	OUT=fwout-$SUFFIX
	HO=fo-$SUFFIX
	track_link "ba-$SUFFIX"
	track_link "bb-$SUFFIX"
}

teardown() {
	cnet_teardown
	nft delete table inet cnet 2>/dev/null || true
	nft delete table ip filter 2>/dev/null || true
	nft delete table ip6 filter 2>/dev/null || true
	nft delete table ip nat 2>/dev/null || true
}

# ---- helpers ------------------------------------------------------------------------------

# drop_forward: the host's iptables FORWARD policy is DROP (both families).
drop_forward() {
	iptables -P FORWARD DROP
	ip6tables -P FORWARD DROP
}

# outside: the world, on a veth to the host.
outside() {
	make_ns "$OUT"
	track_link "$HO"
	ip link add "$HO" type veth peer name eth0 netns "$OUT"
	ip addr add 10.97.0.1/24 dev "$HO"
	ip addr add fd00:97::1/64 dev "$HO" nodad
	ip link set "$HO" up
	ip -n "$OUT" addr add 10.97.0.2/24 dev eth0
	ip -n "$OUT" addr add fd00:97::2/64 dev eth0 nodad
	ip -n "$OUT" link set eth0 up
	# the outside answers on TCP 81 with the address it sees
	bg "$OUT" socat TCP4-LISTEN:81,fork,reuseaddr SYSTEM:"echo \$SOCAT_PEERADDR"
}

# net LETTER: network name; bridge LETTER: its bridge.
net() { echo "fw-$1-$SUFFIX"; }
bridge() { echo "b$1-$SUFFIX"; }
subnet() { [[ $1 == a ]] && echo 10.91.0.0/24 || echo 10.92.0.0/24; }
ns() { echo "$1-$SUFFIX"; }

# bconf LETTER: the bridge config of network LETTER (cniVersion 0.4.0, as podman writes it).
bconf() {
	jq -nc --arg net "$(net "$1")" --arg br "$(bridge "$1")" --arg dir "$DATA_DIR" \
		--arg sub "$(subnet "$1")" '{cniVersion: "0.4.0", name: $net, type: "bridge",
		bridge: $br, isGateway: true, ipMasq: true, hairpinMode: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: $sub}]],
		routes: [{dst: "0.0.0.0/0"}]}}' | jq -c "${2:-.}"
}

# fconf LETTER ID [JQ_FILTER]: the firewall config of network LETTER with ID's prevResult.
fconf() {
	jq -nc --arg net "$(net "$1")" --argjson prev "$(cat "$STATE/$2.prev")" \
		'{cniVersion: $prev.cniVersion, name: $net, type: "firewall", prevResult: $prev}' |
		jq -c "${3:-.}"
}

# container LETTER ID [BRIDGE_JQ]: ID's namespace, bridge ADD on network LETTER.
container() {
	make_ns "$(ns "$2")"
	cni bridge ADD "$2" "$(ns_path "$(ns "$2")")" eth0 "$(bconf "$1" "${3:-.}")"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$STATE/$2.prev"
}

# fw CMD LETTER ID [JQ_FILTER]: run the firewall for ID.
fw() { cni firewall "$1" "$3" "$(ns_path "$(ns "$3")")" eth0 "$(fconf "$2" "$3" "${4:-.}")"; }

# attach LETTER ID [POLICY]: container + firewall ADD (ingressPolicy POLICY), which must print
# the prevResult unchanged.
attach() {
	container "$1" "$2"
	fw ADD "$1" "$2" ".ingressPolicy = \"${3:-open}\""
	[ "$status" -eq 0 ]
	json_eq "$(cat "$STATE/$2.prev")" "$output"
}

# ip_of ID: ID's IPv4 address.
ip_of() { jq -r '.ips[] | select(.address | contains(".")) | .address | sub("/.*"; "")' "$STATE/$1.prev"; }

reaches() { ip netns exec "$(ns "$1")" ping -c 1 -W 1 "$2" >/dev/null; }
blocked() { ! ip netns exec "$(ns "$1")" ping -c 1 -W 1 "$2" >/dev/null; }

# cni_forward [6]: the CNI chains' rules as iptables-save prints them, counters left out.
cni_forward() {
	"ip${1:+6}tables-save" -t filter | grep -E '^-A (FORWARD|CNI-)' || true
}

# elems SET: the elements of set SET in table inet cnet, as "KEY # COMMENT" lines, sorted.
elems() {
	{ nft -j list set inet cnet "$1" 2>/dev/null || echo '{"nftables":[]}'; } | jq -r '
		.nftables[] | .set // empty | (.elem // [])[]
		| (if type == "object" and has("elem") then .elem else {val: .} end) as $e
		| ($e.val | if type == "object" then (.concat | join(" . ")) else . end)
		  + (if $e.comment then " # \($e.comment)" else "" end)' | sort
}

# is_lines TEXT LINE...: TEXT is exactly these lines.
is_lines() {
	local got=$1 want
	shift
	want=$(printf '%s\n' "$@")
	[[ $got == "$want" ]] || {
		printf 'is_lines: got:\n%s\n--- expected:\n%s\n' "$got" "$want" >&2
		return 1
	}
}

# ---- through iptables' FORWARD DROP ---------------------------------------------------------

@test "FORWARD DROP: the container reaches the outside only after firewall ADD, masqueraded" {
	drop_forward
	outside
	container a c1
	blocked c1 10.97.0.2
	fw ADD a c1
	[ "$status" -eq 0 ]
	json_eq "$(cat "$STATE/c1.prev")" "$output"
	reaches c1 10.97.0.2
	run ip netns exec "$(ns c1)" socat -T 2 - TCP4:10.97.0.2:81 </dev/null
	[ "$status" -eq 0 ]
	[[ $output == 10.97.0.1* ]]
}

@test "the reference's chains, rule for rule, with the owner as comment and a DNAT rule" {
	drop_forward
	container a c1
	fw ADD a c1
	[ "$status" -eq 0 ]
	local ip owner
	ip=$(ip_of c1)
	owner="$(net a)/c1/eth0"
	run cni_forward
	is_lines "$output" \
		'-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD' \
		'-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN' \
		"-A CNI-FORWARD -d $ip/32 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment \"$owner\" -j ACCEPT" \
		"-A CNI-FORWARD -d $ip/32 -m conntrack --ctstate DNAT -m comment --comment \"$owner\" -j ACCEPT" \
		"-A CNI-FORWARD -s $ip/32 -m comment --comment \"$owner\" -j ACCEPT"
	# iptables finds them by their full spec: the same bytes iptables itself would write
	iptables -C CNI-FORWARD -d "$ip/32" -m conntrack --ctstate RELATED,ESTABLISHED \
		-m comment --comment "$owner" -j ACCEPT
	iptables -C CNI-FORWARD -s "$ip/32" -m comment --comment "$owner" -j ACCEPT
	# nothing in IPv6 (no IPv6 address), no table of cnet's own (ingressPolicy open)
	run cni_forward 6
	[ -z "$output" ]
	! nft list table inet cnet 2>/dev/null | grep -q firewall || false
	# a second ADD (a retry) replaces the rules instead of doubling them
	fw ADD a c1
	[ "$status" -eq 0 ]
	[ "$(cni_forward | grep -c "$owner")" -eq 3 ]
}

@test "the jump into CNI-FORWARD is the first rule of FORWARD; other rules stay" {
	drop_forward
	iptables -A FORWARD -s 192.0.2.1/32 -j DROP
	container a c1
	fw ADD a c1
	[ "$status" -eq 0 ]
	run cni_forward
	[ "${lines[0]}" = '-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD' ]
	[ "${lines[1]}" = '-A FORWARD -s 192.0.2.1/32 -j DROP' ]
	# a second container does not add a second jump
	container a c2
	fw ADD a c2
	[ "$status" -eq 0 ]
	[ "$(cni_forward | grep -c -- '-j CNI-FORWARD')" -eq 1 ]
	[ "$(cni_forward | grep -c -- '-j CNI-ADMIN')" -eq 1 ]
}

@test "iptablesAdminChainName: the admin chain is consulted first and may drop" {
	drop_forward
	outside
	container a c1
	fw ADD a c1 '.iptablesAdminChainName = "MY-ADMIN"'
	[ "$status" -eq 0 ]
	cni_forward | grep -qx -- '-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j MY-ADMIN'
	reaches c1 10.97.0.2
	iptables -A MY-ADMIN -s "$(ip_of c1)/32" -j DROP
	blocked c1 10.97.0.2
}

@test "a published port answers through FORWARD DROP (portmap, then firewall)" {
	drop_forward
	outside
	container a c1
	bg "$(ns c1)" socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo c1"
	local pconf
	pconf=$(jq -nc --arg net "$(net a)" --argjson prev "$(cat "$STATE/c1.prev")" '{
		cniVersion: "0.4.0", name: $net, type: "portmap", capabilities: {portMappings: true},
		runtimeConfig: {portMappings: [{hostPort: 8080, containerPort: 80, protocol: "tcp"}]},
		prevResult: $prev}')
	cni portmap ADD c1 "$(ns_path "$(ns c1)")" eth0 "$pconf"
	[ "$status" -eq 0 ]
	fw ADD a c1
	[ "$status" -eq 0 ]
	wait_until 5 bash -c "ip netns exec $OUT socat -T 1 - TCP4:10.97.0.1:8080 </dev/null | grep -qx c1"
	cni portmap DEL c1 "$(ns_path "$(ns c1)")" eth0 "$pconf"
	[ "$status" -eq 0 ]
}

@test "IPv6: rules in ip6 filter, the container reaches the outside over IPv6" {
	drop_forward
	outside
	container a c1 '.ipam.ranges += [[{subnet: "fd00:91::/64"}]] | .ipam.routes += [{dst: "::/0"}]'
	fw ADD a c1
	[ "$status" -eq 0 ]
	local ip6
	ip6=$(jq -r '.ips[] | select(.address | contains(":")) | .address | sub("/.*"; "")' "$STATE/c1.prev")
	cni_forward 6 | grep -qx -- "-A CNI-FORWARD -s $ip6/128 -m comment --comment \"$(net a)/c1/eth0\" -j ACCEPT"
	wait_until 5 ip netns exec "$(ns c1)" ping -6 -c 1 -W 1 fd00:97::2
}

@test "no iptables FORWARD chain: nothing is written outside cnet's table" {
	container a c1
	fw ADD a c1
	[ "$status" -eq 0 ]
	! nft list table ip filter 2>/dev/null || false
	! nft list table ip6 filter 2>/dev/null || false
	fw DEL a c1
	[ "$status" -eq 0 ]
}

# ---- DEL ---------------------------------------------------------------------------------

@test "DEL removes the attachment's rules and only those; twice is fine" {
	drop_forward
	container a c1
	container a c2
	fw ADD a c1
	fw ADD a c2
	fw DEL a c1
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	! cni_forward | grep -q "$(net a)/c1/" || false
	[ "$(cni_forward | grep -c "$(net a)/c2/eth0")" -eq 3 ]
	fw DEL a c1
	[ "$status" -eq 0 ]
}

@test "DEL without prevResult and with the namespace gone still removes everything" {
	drop_forward
	container a c1
	container a c2
	fw ADD a c1 '.ingressPolicy = "same-bridge"'
	fw ADD a c2 '.ingressPolicy = "same-bridge"'
	cni firewall DEL c1 "$(ns_path "$(ns c1)")" eth0 "$(fconf a c1 'del(.prevResult)')"
	[ "$status" -eq 0 ]
	ip netns del "$(ns c2)"
	cni firewall DEL c2 "$(ns_path "$(ns c2)")" eth0 "$(fconf a c2 'del(.prevResult)')"
	[ "$status" -eq 0 ]
	! cni_forward | grep -q "$(net a)/" || false
	[ -z "$(elems firewall-members)" ]
	[ -z "$(elems firewall-isolated)" ]
	[ -z "$(elems firewall-same-bridge)" ]
}

# ---- ingressPolicy -----------------------------------------------------------------------

@test "same-bridge: A and B cannot reach each other; each reaches itself and the outside" {
	drop_forward
	outside
	attach a a1 same-bridge
	attach a a2 same-bridge
	attach b b1 same-bridge
	reaches a1 "$(ip_of a2)"
	reaches a1 10.97.0.2
	reaches b1 10.97.0.2
	blocked a1 "$(ip_of b1)"
	blocked b1 "$(ip_of a1)"
	# cnet's table: one rule, elements per network and per attachment
	local ba bb
	ba=$(bridge a)
	bb=$(bridge b)
	run elems firewall-isolated
	is_lines "$output" "$ba # $(net a)" "$bb # $(net b)"
	run elems firewall-same-bridge
	is_lines "$output" "$ba . $ba # $(net a)" "$bb . $bb # $(net b)"
	[ "$(elems firewall-members | grep -c "^$ba \. .* # $(net a)/a[12]/eth0$")" -eq 2 ]
	[ "$(nft -j list chain inet cnet firewall-forward | jq '[.nftables[] | select(.rule)] | length')" -eq 1 ]
	# the network's elements stay while it has a member, and go with the last one
	fw DEL a a1 '.ingressPolicy = "same-bridge"'
	[ "$status" -eq 0 ]
	elems firewall-isolated | grep -q "^$ba "
	fw DEL a a2 '.ingressPolicy = "same-bridge"'
	[ "$status" -eq 0 ]
	! elems firewall-isolated | grep -q "^$ba " || false
	! elems firewall-same-bridge | grep -q "^$ba " || false
	elems firewall-isolated | grep -q "^$bb "
}

@test "same-bridge: a published port of network B stays reachable from network A" {
	drop_forward
	outside
	attach a a1 same-bridge
	attach b b1 same-bridge
	bg "$(ns b1)" socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo b1"
	local pconf
	pconf=$(jq -nc --arg net "$(net b)" --argjson prev "$(cat "$STATE/b1.prev")" '{
		cniVersion: "0.4.0", name: $net, type: "portmap", capabilities: {portMappings: true},
		runtimeConfig: {portMappings: [{hostPort: 8081, containerPort: 80}]}, prevResult: $prev}')
	cni portmap ADD b1 "$(ns_path "$(ns b1)")" eth0 "$pconf"
	[ "$status" -eq 0 ]
	blocked a1 "$(ip_of b1)"
	wait_until 5 bash -c "ip netns exec $(ns a1) socat -T 1 - TCP4:10.97.0.1:8081 </dev/null | grep -qx b1"
	cni portmap DEL b1 "$(ns_path "$(ns b1)")" eth0 "$pconf"
}

@test "open (the default): networks reach each other" {
	drop_forward
	attach a a1
	attach b b1
	reaches a1 "$(ip_of b1)"
	reaches b1 "$(ip_of a1)"
	[ -z "$(elems firewall-members)" ]
}

@test "isolated: containers of the network cannot reach each other, only the gateway and out" {
	drop_forward
	outside
	attach a a1 isolated
	attach a a2 isolated
	attach b b1 same-bridge
	blocked a1 "$(ip_of a2)"
	reaches a1 10.91.0.1
	reaches a1 10.97.0.2
	blocked a1 "$(ip_of b1)"
	local port
	port=$(jq -r '.interfaces[1].name' "$STATE/a1.prev")
	[ "$(ip -j -d link show "$port" | jq '.[0].linkinfo.info_slave_data.isolated')" = true ]
	run elems firewall-same-bridge
	! grep -q "^$(bridge a) " <<<"$output" || false
}

# ---- CHECK, GC, failure, scale ----------------------------------------------------------------

@test "CHECK: passes after ADD, fails when a rule or a member element is gone" {
	drop_forward
	attach a c1 same-bridge
	fw CHECK a c1 '.ingressPolicy = "same-bridge"'
	[ "$status" -eq 0 ]
	iptables -D CNI-FORWARD -s "$(ip_of c1)/32" -m comment --comment "$(net a)/c1/eth0" -j ACCEPT
	fw CHECK a c1 '.ingressPolicy = "same-bridge"'
	err_is 7 "CNI-FORWARD" "2 rules of this attachment, expected 3"
	fw ADD a c1 '.ingressPolicy = "same-bridge"'
	nft flush set inet cnet firewall-members
	fw CHECK a c1 '.ingressPolicy = "same-bridge"'
	err_is 7 "not a member"
}

@test "GC removes what dead attachments left (rules and elements), keeps the living" {
	drop_forward
	attach a c1 same-bridge
	attach a c2 same-bridge
	local gc
	gc=$(jq -nc --arg net "$(net a)" '{cniVersion: "1.1.0", name: $net, type: "firewall",
		ingressPolicy: "same-bridge",
		"cni.dev/valid-attachments": [{containerID: "c1", ifname: "eth0"}]}')
	cni firewall GC "" "" "" "$gc"
	[ "$status" -eq 0 ]
	! cni_forward | grep -q "$(net a)/c2/" || false
	[ "$(cni_forward | grep -c "$(net a)/c1/")" -eq 3 ]
	[ "$(elems firewall-members | grep -c "$(net a)/")" -eq 1 ]
	gc=$(jq -c '."cni.dev/valid-attachments" = []' <<<"$gc")
	cni firewall GC "" "" "" "$gc"
	[ "$status" -eq 0 ]
	! cni_forward | grep -q "$(net a)/" || false
	[ -z "$(elems firewall-members)" ]
	[ -z "$(elems firewall-isolated)" ]
}

@test "a failed ADD leaves no rule and no element" {
	drop_forward
	container a c1
	# isolated needs the bridge port: a prevResult naming a bridge that is not there fails
	# after the rules were written; they must be rolled back
	fw ADD a c1 '.ingressPolicy = "isolated" | .prevResult.interfaces[0].name = "nosuchbr0"'
	err_is 7 'bridge "nosuchbr0" does not exist'
	! cni_forward | grep -q "$(net a)/" || false
	[ -z "$(elems firewall-members)" ]
	[ -z "$(elems firewall-isolated)" ]
}

@test "200 attachments: cnet's rule count does not grow; all gone after DEL" {
	drop_forward
	container a c1
	local i prev base rules
	prev=$(cat "$STATE/c1.prev")
	base=$(jq -nc --arg net "$(net a)" '{cniVersion: "0.4.0", name: $net, type: "firewall",
		ingressPolicy: "same-bridge"}')
	for ((i = 0; i < 200; i++)); do
		jq -c --argjson p "$prev" --arg ip "10.91.$((i / 250 + 1)).$((i % 250 + 1))/24" \
			'.prevResult = ($p | .ips[0].address = $ip)' <<<"$base" >"$STATE/f$i"
		CNI_COMMAND=ADD CNI_CONTAINERID=f$i CNI_NETNS=/dev/null CNI_IFNAME=eth0 \
			CNI_PATH="$CNET_BIN" "$CNET_BIN/firewall" <"$STATE/f$i" >/dev/null
		((i > 0)) || rules=$(nft -j list table inet cnet | jq '[.nftables[] | select(.rule)] | length')
	done
	[ "$(nft -j list table inet cnet | jq '[.nftables[] | select(.rule)] | length')" -eq "$rules" ]
	[ "$(elems firewall-members | wc -l)" -eq 200 ]
	# iptables has no sets: the reference layout there is 3 rules per address (+ the jump)
	[ "$(iptables-save -t filter | grep -c -- '-A CNI-FORWARD .*-j ACCEPT')" -eq 600 ]
	for ((i = 0; i < 200; i++)); do
		CNI_COMMAND=DEL CNI_CONTAINERID=f$i CNI_NETNS=/dev/null CNI_IFNAME=eth0 \
			CNI_PATH="$CNET_BIN" "$CNET_BIN/firewall" <"$STATE/f$i" >/dev/null
	done
	[ -z "$(elems firewall-members)" ]
	[ -z "$(elems firewall-isolated)" ]
	[ "$(iptables-save -t filter | grep -c -- '-A CNI-FORWARD .*-j ACCEPT' || true)" -eq 0 ]
}

# ---- bad input ---------------------------------------------------------------------------

@test "bad config: each key is checked and named; nothing is written" {
	drop_forward
	container a c1
	fw ADD a c1 '.backend = "firewalld"'
	err_is 2 'backend: "firewalld" is not supported'
	fw ADD a c1 '.backend = "pf"'
	err_is 7 'backend: "pf"'
	fw ADD a c1 '.backend = 1'
	err_is 7 'backend'
	fw ADD a c1 '.ingressPolicy = "closed"'
	err_is 7 'ingressPolicy: "closed"'
	fw ADD a c1 '.ingressPolicy = true'
	err_is 7 'ingressPolicy'
	fw ADD a c1 '.iptablesAdminChainName = "A-NAME-LONGER-THAN-28-CHARACTERS"'
	err_is 7 'iptablesAdminChainName'
	fw ADD a c1 '.iptablesAdminChainName = "FORWARD"'
	err_is 7 'iptablesAdminChainName: "FORWARD"'
	fw ADD a c1 '.firewalldZone = 5'
	err_is 7 'firewalldZone'
	fw ADD a c1 'del(.prevResult)'
	err_is 7 'prevResult'
	fw ADD a c1 '.ingressPolicy = "same-bridge" | .prevResult.interfaces = [] | .prevResult.ips[0] |= del(.interface)'
	err_is 7 'ingressPolicy "same-bridge" needs the bridge'
	fw ADD a c1 '.cniVersion = "0.3.1"'
	err_is 1 'firewall needs 0.4.0 or later'
	! cni_forward | grep -q CNI-FORWARD || false
	! nft list table inet cnet 2>/dev/null | grep -q firewall || false
}

@test "VERSION lists 0.4.0 and later, as the reference" {
	run env CNI_COMMAND=VERSION "$CNET_BIN/firewall" </dev/null
	[ "$status" -eq 0 ]
	[ "$(jq -c .supportedVersions <<<"$output")" = '["0.4.0","1.0.0","1.1.0"]' ]
}
