#!/usr/bin/env bats
# The portmap plugin, chained after bridge (host-local), as a black box: the nftables table
# `inet cnet` it keeps (maps, sets, base chains, owner comments), traffic through published
# ports (from an "outside" namespace, from the host, hairpin from the container itself and
# from a neighbour), UDP, SCTP, hostIP, IPv6, conflicts (103, atomic), 1000 mappings with a
# constant rule count, DEL in every degraded form, CHECK, GC and bad input.
#
# The sandbox root plays the host. Each test makes its own containers (make_ns), its own
# bridge br-$SUFFIX (10.99.0.0/24 [+ fd00:99::/64], gateway .1, hairpinMode: this kernel
# runs bridged frames through netfilter, so a container reaching itself through the host
# needs hairpin on its bridge port) and, when it needs the world, an "outside" namespace on
# a veth: host ho-$SUFFIX 10.98.0.1/24 + fd00:98::1/64, outside 10.98.0.2 + fd00:98::2.
# Containers answer with socat: TCP and UDP on port 80 reply "NAME PEERADDR" (UDP: NAME/udp).
#
# The table outlives a test (every file shares one sandbox), so every test uses its own
# network name (pm-$SUFFIX, owners "pm-$SUFFIX/<id>/<ifname>") and ends by asserting that
# no element of it is left; teardown deletes any it left behind with nft, so that one
# failing test does not make the next one collide on a host port.

load helpers

setup() {
	cnet_setup
	export LC_ALL=C
	NET=pm-$SUFFIX
	BR=br-$SUFFIX
	OUT=out-$SUFFIX
	HO=ho-$SUFFIX
	track_link "$BR"
	command -v nft >/dev/null || skip "nft (the observer) not installed"
	command -v socat >/dev/null || skip "socat not installed: run scripts/install-deps"
}

teardown() {
	purge_net
	cnet_teardown
}

# ---- helpers ------------------------------------------------------------------------------

# DUAL: a bconf filter for a dual-stack bridge.
DUAL='.ipam.ranges = [[{subnet: "10.99.0.0/24"}], [{subnet: "fd00:99::/64"}]]'

# bconf [JQ_FILTER]: cniVersion 1.1.0 bridge config on $BR, default gateway, hairpin,
# host-local over 10.99.0.0/24 in $DATA_DIR; FILTER (jq) edits it.
bconf() {
	jq -nc --arg br "$BR" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: $br,
		isDefaultGateway: true, hairpinMode: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.99.0.0/24"}]]}}' |
		jq -c "${1:-.}"
}

# nsname ID: the namespace of container ID in this test.
nsname() { echo "$1-$SUFFIX"; }

# container ID [BCONF]: make ID's namespace and bridge-ADD eth0 there (must succeed); the
# result is kept as ID's prevResult (see prev).
container() {
	local ns
	ns=$(nsname "$1")
	make_ns "$ns"
	cni bridge ADD "$1" "$(ns_path "$ns")" eth0 "${2:-$(bconf)}"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$STATE/$1.prev"
}

# prev ID: the bridge result of container ID.
prev() { cat "$STATE/$1.prev"; }

# fake_prev ID ADDR/PLEN...: ID's bridge result with only these addresses on its eth0 (an
# attachment the sandbox does not really have; attachments of different networks never
# share an address, so neither may fakes).
fake_prev() {
	local id=$1
	shift
	prev "$id" | jq -c '.ips = [$ARGS.positional[] | {interface: 2, address: .}]' --args "$@"
}

# pconf MAPPINGS PREVRESULT [JQ_FILTER]: a portmap config for $NET in PREVRESULT's
# cniVersion, runtimeConfig.portMappings = MAPPINGS; FILTER (jq) edits it.
pconf() {
	jq -nc --arg net "$NET" --argjson pm "$1" --argjson prev "$2" '{
		cniVersion: $prev.cniVersion, name: $net, type: "portmap",
		capabilities: {portMappings: true}, runtimeConfig: {portMappings: $pm},
		prevResult: $prev}' | jq -c "${3:-.}"
}

# pm CMD ID MAPPINGS [JQ_FILTER] [IFNAME]: run portmap CMD for container ID (its netns, its
# bridge result as prevResult); sets status/output like cni.
pm() {
	cni portmap "$1" "$2" "$(ns_path "$(nsname "$2")")" "${5:-eth0}" \
		"$(pconf "$3" "$(prev "$2")" "${4:-.}")"
}

# publish ID MAPPINGS [JQ_FILTER]: ADD must succeed and print the prevResult unchanged.
publish() {
	pm ADD "$1" "$2" "${3:-.}"
	[ "$status" -eq 0 ]
	json_eq "$(prev "$1")" "$output"
}

# unpublish ID MAPPINGS [JQ_FILTER]: DEL, twice; both must succeed and print nothing.
unpublish() {
	local _
	for _ in 1 2; do
		pm DEL "$1" "$2" "${3:-.}"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

# shellcheck disable=SC2016 # jq code, not shell
# jq: render nft JSON set/map elements as "KEY : VALUE # COMMENT" / "KEY # COMMENT".
JQ_ELEM='
def v: if type == "object" then
		if .concat then (.concat | map(v) | join(" . "))
		elif .prefix then "\(.prefix.addr)/\(.prefix.len)"
		elif .range then "\(.range[0] | v)-\(.range[1] | v)"
		else tojson end
	else tostring end;
def k: if type == "object" and has("elem") then .elem else {val: .} end;
def ent: if type == "array"
	then (.[0] | k) as $k | "\($k.val | v) : \(.[1] | v)" + (if $k.comment then " # \($k.comment)" else "" end)
	else k as $k | ($k.val | v) + (if $k.comment then " # \($k.comment)" else "" end) end;
'

# table_json: `nft -j list table inet cnet`, or an empty listing when there is none.
table_json() { nft -j list table inet cnet 2>/dev/null || echo '{"nftables": []}'; }

# elems NAME [PATTERN]: NAME's elements (sorted lines, see JQ_ELEM); only those whose
# comment starts with PATTERN (default: this test's network).
elems() {
	table_json | jq -r --arg n "$1" --arg p "${2-$NET/}" "$JQ_ELEM"'
		.nftables[] | (.map // .set // empty) | select(.name == $n) | (.elem // [])[]
		| select((if type == "array" then .[0] else . end | k | .comment // "") | startswith($p))
		| ent' | sort
}

# nelems NAME [PATTERN]: how many.
nelems() { elems "$@" | grep -c . || true; }

# owned [PREFIX]: the comments of every element in the whole ruleset that start with PREFIX
# (default: this test's network), sorted, with repeats.
owned() {
	nft -j list ruleset | jq -r --arg p "${1-$NET}" '.. | objects
		| select(has("elem") and (.elem | type) == "object") | .elem.comment // empty
		| select(startswith($p))' | sort
}

# assert_clean: no element in the ruleset belongs to this test's networks.
assert_clean() {
	local left
	left=$(owned)
	[[ -z $left ]] || {
		printf 'assert_clean: elements left:\n%s\n' "$left" >&2
		return 1
	}
}

# rules: the number of rules in table inet cnet.
rules() { table_json | jq '[.nftables[] | select(.rule)] | length'; }

# snapshot: table inet cnet as JSON, elements sorted (hash order is not stable).
snapshot() {
	table_json | jq -S 'walk(if type == "object" and has("elem") and (.elem | type) == "array"
		then .elem |= sort else . end)'
}

# purge_net: delete, with nft, every element of this test's networks (teardown).
purge_net() {
	local cmds
	command -v nft >/dev/null && [[ -n ${NET-} ]] || return 0
	cmds=$(table_json | jq -r --arg p "$NET" "$JQ_ELEM"'
		.nftables[] | (.map // .set // empty) | .name as $n | (.elem // [])[]
		| (if type == "array" then .[0] else . end) | select(type == "object" and has("elem"))
		| select(.elem.comment // "" | startswith($p))
		| "delete element inet cnet \($n) { \(.elem.val | v) }"' 2>/dev/null) || return 0
	[[ -z $cmds ]] || nft -f - <<<"$cmds" 2>/dev/null || true
}

# outside: the world, a namespace on a veth to the host (addresses above); the host side
# also has 10.98.0.11 and fd00:98::11, for hostIP tests.
outside() {
	make_ns "$OUT"
	track_link "$HO"
	ip link add "$HO" type veth peer name eth0 netns "$OUT"
	ip addr add 10.98.0.1/24 dev "$HO"
	ip addr add 10.98.0.11/24 dev "$HO"
	ip addr add fd00:98::1/64 dev "$HO" nodad
	ip addr add fd00:98::11/64 dev "$HO" nodad
	ip link set "$HO" up
	ip -n "$OUT" addr add 10.98.0.2/24 dev eth0
	ip -n "$OUT" addr add fd00:98::2/64 dev eth0 nodad
	ip -n "$OUT" link set eth0 up
}

# serve ID: container ID answers on TCP and UDP port 80, IPv4 and IPv6, with
# "ID PEERADDR" (TCP) and "ID/udp PEERADDR" (UDP).
serve() {
	local ns
	ns=$(nsname "$1")
	bg "$ns" socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo $1 \$SOCAT_PEERADDR"
	bg "$ns" socat TCP6-LISTEN:80,fork,reuseaddr,ipv6only=1 SYSTEM:"echo $1 \$SOCAT_PEERADDR"
	bg "$ns" socat UDP4-RECVFROM:80,fork SYSTEM:"echo $1/udp \$SOCAT_PEERADDR"
	bg "$ns" socat UDP6-RECVFROM:80,fork,ipv6only=1 SYSTEM:"echo $1/udp \$SOCAT_PEERADDR"
}

# fetch [-n NETNS] [-u] ADDR PORT: connect (from NETNS, default the host) over TCP (UDP
# with -u: send one datagram) and print what comes back.
fetch() {
	local pre=() proto=TCP addr
	while [[ $1 == -* ]]; do
		case $1 in
		-n) pre=(ip netns exec "$2") && shift ;;
		-u) proto=UDP ;;
		esac
		shift
	done
	addr=$1
	[[ $addr == *:* ]] && addr="[$addr]"
	if [[ $proto == TCP ]]; then
		timeout 5 "${pre[@]}" socat -T2 - "TCP:$addr:$2,connect-timeout=1" </dev/null
	else
		echo ping | timeout 5 "${pre[@]}" socat -t0.5 - "UDP:$addr:$2"
	fi
}

# answers EXPECTED FETCH_ARGS...: the reply starts with EXPECTED.
answers() {
	local want=$1 got
	shift
	got=$(fetch "$@" 2>/dev/null) || true
	[[ -n $got && $got == "$want"* ]]
}

# reaches EXPECTED FETCH_ARGS...: answers, waiting up to 10 s (listeners start, neighbours
# resolve, DAD settles).
reaches() { wait_until 10 answers "$@"; }

# refused FETCH_ARGS...: nothing answers (asserted once the positive case has worked).
refused() {
	local got
	got=$(fetch "$@" 2>/dev/null) || true
	[[ -z $got ]] || {
		echo "refused: got an answer: $got ($*)" >&2
		return 1
	}
}

# sctp_supported: can this kernel open SCTP sockets?
sctp_supported() {
	! socat -T1 /dev/null SCTP-CONNECT:127.0.0.1:9,connect-timeout=1 2>&1 |
		grep -q 'Protocol not supported'
}

TCP8080='[{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]'

# ---- the table ---------------------------------------------------------------------------

@test "ADD without mappings changes nothing; the first with one creates table inet cnet" {
	local before t
	container c1
	before=$(nft -j list ruleset)
	# no runtimeConfig, an empty list: prevResult printed, the ruleset untouched
	cni portmap ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$(pconf '[]' "$(prev c1)" 'del(.runtimeConfig)')"
	[ "$status" -eq 0 ]
	json_eq "$(prev c1)" "$output"
	publish c1 '[]'
	[ "$(nft -j list ruleset)" = "$before" ]

	publish c1 "$TCP8080"
	t=$(nft -j list table inet cnet)
	# the maps and sets, with their types
	nft list map inet cnet portmap-ports4 | grep -F 'type inet_proto . inet_service : ipv4_addr . inet_service'
	nft list map inet cnet portmap-ports6 | grep -F 'type inet_proto . inet_service : ipv6_addr . inet_service'
	nft list map inet cnet portmap-hostip4 |
		grep -F 'type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service'
	nft list map inet cnet portmap-hostip6 |
		grep -F 'type ipv6_addr . inet_proto . inet_service : ipv6_addr . inet_service'
	jq -e '[.nftables[] | .set // empty | select(.name == "portmap-masq4")][0]
		| .type == ["ipv4_addr", "ipv4_addr"] and (.flags | index("interval"))' <<<"$t"
	jq -e '[.nftables[] | .set // empty | select(.name == "portmap-masq6")][0]
		| .type == ["ipv6_addr", "ipv6_addr"] and (.flags | index("interval"))' <<<"$t"
	# the base chains
	json_eq '[{"name": "portmap-output", "type": "nat", "hook": "output", "prio": -100},
		  {"name": "portmap-postrouting", "type": "nat", "hook": "postrouting", "prio": 100},
		  {"name": "portmap-prerouting", "type": "nat", "hook": "prerouting", "prio": -100}]' \
		"$(jq -c '[.nftables[] | .chain // empty | select(.hook and (.name | startswith("portmap-")))
			| {name, type, hook, prio}] | sort_by(.name)' <<<"$t")"
	# one element per map/set, owned by the attachment
	is "$(elems portmap-ports4)" "tcp . 8080 : 10.99.0.2 . 80 # $NET/c1/eth0"
	is "$(elems portmap-masq4)" "10.99.0.0/24 . 10.99.0.2 # $NET/c1/eth0"
	[ -z "$(elems portmap-ports6)" ]
	[ -z "$(elems portmap-hostip4)" ]
	[ -z "$(elems portmap-hostip6)" ]
	[ -z "$(elems portmap-masq6)" ]
	[ "$(cat "/proc/sys/net/ipv4/conf/$BR/route_localnet")" = 1 ]

	unpublish c1 "$TCP8080"
	assert_clean
}

@test "every mapping is one element per protocol (tcp default, udp, sctp); one masq element" {
	container c1
	publish c1 '[{"hostPort": 8080, "containerPort": 80},
		{"hostPort": 8080, "containerPort": 81, "protocol": "udp"},
		{"hostPort": 9999, "containerPort": 99, "protocol": "sctp"},
		{"hostPort": 65535, "containerPort": 1, "protocol": "tcp"}]'
	is "$(elems portmap-ports4)" "sctp . 9999 : 10.99.0.2 . 99 # $NET/c1/eth0
tcp . 65535 : 10.99.0.2 . 1 # $NET/c1/eth0
tcp . 8080 : 10.99.0.2 . 80 # $NET/c1/eth0
udp . 8080 : 10.99.0.2 . 81 # $NET/c1/eth0"
	is "$(elems portmap-masq4)" "10.99.0.0/24 . 10.99.0.2 # $NET/c1/eth0"
	unpublish c1 '[]'
	assert_clean
}

@test "the container address is the first IPv4 of the interface named CNI_IFNAME with a sandbox" {
	local p
	container c1
	# an address of the bridge (no sandbox) first, then two of eth0
	p=$(prev c1 | jq -c '.ips = [{interface: 0, address: "10.99.0.77/24"}, .ips[0],
		{interface: 2, address: "10.99.0.9/24", gateway: "10.99.0.1"}]')
	printf '%s\n' "$p" >"$STATE/c1.prev"
	publish c1 "$TCP8080"
	is "$(elems portmap-ports4)" "tcp . 8080 : 10.99.0.2 . 80 # $NET/c1/eth0"
	is "$(elems portmap-masq4)" "10.99.0.0/24 . 10.99.0.2 # $NET/c1/eth0"
	unpublish c1 "$TCP8080"
	assert_clean
}

# ---- traffic -------------------------------------------------------------------------------

@test "TCP: published port answers the outside, the host (own address, 127.0.0.1), hairpin, a neighbour" {
	outside
	container c1
	container c2
	serve c1
	publish c1 "$TCP8080"
	# from the world: the client's address is kept
	reaches "c1 10.98.0.2" -n "$OUT" 10.98.0.1 8080
	# from the host, through each of its addresses and through localhost
	reaches c1 10.98.0.1 8080
	reaches c1 10.99.0.1 8080
	[ "$(cat "/proc/sys/net/ipv4/conf/$BR/route_localnet")" = 1 ]
	reaches c1 127.0.0.1 8080
	# the container through the host's address (hairpin), masqueraded to the bridge address
	reaches "c1 10.99.0.1" -n "$(nsname c1)" 10.98.0.1 8080
	# a second container on the same bridge
	reaches "c1 10.99.0.1" -n "$(nsname c2)" 10.98.0.1 8080
	# another port is not published
	refused -n "$OUT" 10.98.0.1 8081

	unpublish c1 "$TCP8080"
	assert_clean
	refused -n "$OUT" 10.98.0.1 8080
	refused 127.0.0.1 8080
}

@test "UDP: a published port answers the outside, the host and a neighbour; TCP on it does not" {
	local m='[{"hostPort": 5353, "containerPort": 80, "protocol": "udp"}]'
	outside
	container c1
	container c2
	serve c1
	publish c1 "$m"
	is "$(elems portmap-ports4)" "udp . 5353 : 10.99.0.2 . 80 # $NET/c1/eth0"
	reaches "c1/udp 10.98.0.2" -n "$OUT" -u 10.98.0.1 5353
	reaches c1/udp -u 10.98.0.1 5353
	reaches c1/udp -u 127.0.0.1 5353
	reaches c1/udp -n "$(nsname c2)" -u 10.98.0.1 5353
	reaches c1/udp -n "$(nsname c1)" -u 10.98.0.1 5353
	refused -n "$OUT" 10.98.0.1 5353
	unpublish c1 "$m"
	assert_clean
	refused -n "$OUT" -u 10.98.0.1 5353
}

@test "SCTP: a published port answers the outside" {
	sctp_supported || skip "this kernel has no SCTP sockets (socket(..., IPPROTO_SCTP): Protocol not supported)"
	local m='[{"hostPort": 9999, "containerPort": 99, "protocol": "sctp"}]'
	outside
	container c1
	bg "$(nsname c1)" socat SCTP4-LISTEN:99,fork,reuseaddr SYSTEM:"echo c1/sctp \$SOCAT_PEERADDR"
	publish c1 "$m"
	is "$(elems portmap-ports4)" "sctp . 9999 : 10.99.0.2 . 99 # $NET/c1/eth0"
	sctp_answers() {
		[[ "$(timeout 5 ip netns exec "$OUT" socat -T2 - SCTP4:10.98.0.1:9999,connect-timeout=1 \
			</dev/null 2>/dev/null)" == "c1/sctp 10.98.0.2"* ]]
	}
	wait_until 10 sctp_answers
	unpublish c1 "$m"
	assert_clean
	run sctp_answers
	[ "$status" -ne 0 ]
}

@test "snat: false adds no masquerade element; the outside still gets through" {
	outside
	container c1
	serve c1
	publish c1 "$TCP8080" '.snat = false'
	is "$(elems portmap-ports4)" "tcp . 8080 : 10.99.0.2 . 80 # $NET/c1/eth0"
	[ -z "$(elems portmap-masq4)" ]
	reaches "c1 10.98.0.2" -n "$OUT" 10.98.0.1 8080
	unpublish c1 "$TCP8080" '.snat = false'
	assert_clean
}

@test "masqAll: connections from the outside arrive from the bridge address" {
	outside
	container c1
	serve c1
	publish c1 "$TCP8080" '.masqAll = true'
	reaches "c1 10.99.0.1" -n "$OUT" 10.98.0.1 8080
	unpublish c1 "$TCP8080" '.masqAll = true'
	assert_clean
	refused -n "$OUT" 10.98.0.1 8080
}

@test "hostIP: only that address (and family) forwards; the map is portmap-hostip4" {
	local m='[{"hostPort": 8443, "containerPort": 80, "hostIP": "10.98.0.1"}]'
	outside
	container c1 "$(bconf "$DUAL")"
	serve c1
	publish c1 "$m"
	is "$(elems portmap-hostip4)" "10.98.0.1 . tcp . 8443 : 10.99.0.2 . 80 # $NET/c1/eth0"
	[ -z "$(elems portmap-ports4)" ]
	[ -z "$(elems portmap-ports6)" ]
	[ -z "$(elems portmap-hostip6)" ]
	reaches "c1 10.98.0.2" -n "$OUT" 10.98.0.1 8443
	reaches c1 10.98.0.1 8443
	# the other host addresses do not answer
	refused -n "$OUT" 10.98.0.11 8443
	refused -n "$OUT" fd00:98::1 8443
	refused 10.99.0.1 8443
	unpublish c1 "$m"
	assert_clean
	refused -n "$OUT" 10.98.0.1 8443
}

@test "IPv6: a dual-stack container gets one element per family; v6 from outside, host, hairpin" {
	outside
	container c1 "$(bconf "$DUAL")"
	container c2 "$(bconf "$DUAL")"
	serve c1
	publish c1 "$TCP8080"
	is "$(elems portmap-ports4)" "tcp . 8080 : 10.99.0.2 . 80 # $NET/c1/eth0"
	is "$(elems portmap-ports6)" "tcp . 8080 : fd00:99::2 . 80 # $NET/c1/eth0"
	is "$(elems portmap-masq4)" "10.99.0.0/24 . 10.99.0.2 # $NET/c1/eth0"
	is "$(elems portmap-masq6)" "fd00:99::/64 . fd00:99::2 # $NET/c1/eth0"
	reaches c1 -n "$OUT" fd00:98::1 8080
	reaches "c1 10.98.0.2" -n "$OUT" 10.98.0.1 8080
	reaches c1 fd00:98::1 8080
	reaches c1 -n "$(nsname c1)" fd00:98::1 8080
	reaches c1 -n "$(nsname c2)" fd00:98::1 8080

	# a v6 hostIP: only portmap-hostip6, only that address
	local m='[{"hostPort": 8443, "containerPort": 80, "hostIP": "fd00:98::1"}]'
	serve c2
	publish c2 "$m"
	is "$(elems portmap-hostip6 "$NET/c2/")" "fd00:98::1 . tcp . 8443 : fd00:99::3 . 80 # $NET/c2/eth0"
	[ -z "$(elems portmap-hostip4 "$NET/c2/")" ]
	[ -z "$(elems portmap-ports4 "$NET/c2/")" ]
	[ -z "$(elems portmap-ports6 "$NET/c2/")" ]
	reaches c2 -n "$OUT" fd00:98::1 8443
	refused -n "$OUT" fd00:98::11 8443
	refused -n "$OUT" 10.98.0.1 8443

	unpublish c1 "$TCP8080"
	[ -z "$(elems portmap-ports6 "$NET/c1/")" ]
	refused -n "$OUT" fd00:98::1 8080
	unpublish c2 "$m"
	assert_clean
}

# ---- conflicts -----------------------------------------------------------------------------

@test "a host port published by another attachment: 103 naming port and owner, nothing added" {
	local before
	outside
	container c1
	container c2
	serve c1
	publish c1 '[{"hostPort": 8080, "containerPort": 80},
		{"hostPort": 8443, "containerPort": 80, "hostIP": "10.98.0.1"}]'
	before=$(snapshot)

	# the first mapping is free, the second is taken: the whole ADD fails
	pm ADD c2 '[{"hostPort": 9090, "containerPort": 80}, {"hostPort": 8080, "containerPort": 80}]'
	err_is 103 8080 "$NET/c1/eth0"
	[ "$(snapshot)" = "$before" ]
	# the same hostIP and port
	pm ADD c2 '[{"hostPort": 8443, "containerPort": 80, "hostIP": "10.98.0.1"}]'
	err_is 103 8443 "$NET/c1/eth0"
	[ "$(snapshot)" = "$before" ]
	# another network's attachment
	cni portmap ADD c3 "$(ns_path "$(nsname c2)")" eth0 "$(pconf "$TCP8080" "$(prev c2)" ".name = \"$NET-b\"")"
	err_is 103 8080 "$NET/c1/eth0"
	[ "$(snapshot)" = "$before" ]
	[ -z "$(owned "$NET/c2")$(owned "$NET-b")" ]

	# the runtime cleans up the failed ADD: c1's elements stay, and its port still works
	unpublish c2 '[{"hostPort": 9090, "containerPort": 80}, {"hostPort": 8080, "containerPort": 80}]'
	[ "$(snapshot)" = "$before" ]
	reaches c1 -n "$OUT" 10.98.0.1 8080

	# another protocol on the same port is free
	publish c2 '[{"hostPort": 8080, "containerPort": 80, "protocol": "udp"}]'
	is "$(elems portmap-ports4 "$NET/c2/")" "udp . 8080 : 10.99.0.3 . 80 # $NET/c2/eth0"
	unpublish c2 '[]'
	unpublish c1 '[]'
	assert_clean
	# and once c1 is gone the port is free
	publish c2 "$TCP8080"
	is "$(elems portmap-ports4)" "tcp . 8080 : 10.99.0.3 . 80 # $NET/c2/eth0"
	unpublish c2 "$TCP8080"
	assert_clean
}

# ---- scale ---------------------------------------------------------------------------------

@test "1000 attachments: 1000 elements, the same number of rules as with one; DEL removes all" {
	local p tmpl cfg i ip r1 t0 t1 t2 ns
	outside
	container c0 "$(bconf '.ipam.ranges = [[{subnet: "10.99.0.0/20"}]]')"
	serve c0
	publish c0 '[{"hostPort": 19999, "containerPort": 80}]'
	r1=$(rules)
	[ "$r1" -gt 0 ]
	reaches c0 -n "$OUT" 10.98.0.1 19999

	# x0..x999: c0's result with a fake address each (10.99.4.1 ...), host ports 20000..20999
	ns=$(ns_path "$(nsname c0)")
	p=$(prev c0 | jq -c '.ips[0].address = "@IP@/20"')
	tmpl=$(pconf '[{"hostPort": "@HP@", "containerPort": 80}]' "$p")
	t0=$(_cnet_now_us)
	for ((i = 0; i < 1000; i++)); do
		ip=10.99.$((4 + i / 250)).$((i % 250 + 1))
		cfg=${tmpl/\"@HP@\"/$((20000 + i))}
		cni portmap ADD "x$i" "$ns" eth0 "${cfg/@IP@/$ip}"
		[ "$status" -eq 0 ] || {
			echo "ADD x$i failed: $output" >&2
			return 1
		}
	done
	t1=$(_cnet_now_us)
	[ "$(rules)" = "$r1" ]
	[ "$(nelems portmap-ports4 "$NET/x")" -eq 1000 ]
	[ "$(nelems portmap-masq4 "$NET/x")" -eq 1000 ]
	elems portmap-ports4 | grep -Fx "tcp . 20000 : 10.99.4.1 . 80 # $NET/x0/eth0"
	elems portmap-ports4 | grep -Fx "tcp . 20999 : 10.99.7.250 . 80 # $NET/x999/eth0"
	elems portmap-masq4 | grep -Fx "10.99.0.0/20 . 10.99.7.250 # $NET/x999/eth0"
	reaches c0 -n "$OUT" 10.98.0.1 19999
	# a taken port among them is still refused
	cni portmap ADD y "$ns" eth0 "$(pconf '[{"hostPort": 20500, "containerPort": 80}]' "$(prev c0)")"
	err_is 103 20500 "$NET/x500/eth0"

	t2=$(_cnet_now_us)
	for ((i = 0; i < 1000; i++)); do
		ip=10.99.$((4 + i / 250)).$((i % 250 + 1))
		cfg=${tmpl/\"@HP@\"/$((20000 + i))}
		cni portmap DEL "x$i" "$ns" eth0 "${cfg/@IP@/$ip}"
		[ "$status" -eq 0 ] || {
			echo "DEL x$i failed: $output" >&2
			return 1
		}
	done
	printf '# 1000 ADDs: %d ms, 1000 DELs: %d ms (with the shell around each call)\n' \
		$(((t1 - t0) / 1000)) $((($(_cnet_now_us) - t2) / 1000)) >&3
	[ "$(nelems portmap-ports4 "$NET/x")" -eq 0 ]
	[ "$(nelems portmap-masq4 "$NET/x")" -eq 0 ]
	[ "$(rules)" = "$r1" ]
	reaches c0 -n "$OUT" 10.98.0.1 19999
	unpublish c0 '[]'
	assert_clean
	[ "$(rules)" = "$r1" ] || [ "$(rules)" = 0 ]
}

# ---- DEL -----------------------------------------------------------------------------------

@test "DEL removes exactly this attachment's elements: same ID on another ifname, another network stay" {
	local p b
	container c1 "$(bconf "$DUAL")"
	container c2 "$(bconf "$DUAL")"
	publish c1 "$TCP8080"
	publish c2 '[{"hostPort": 8081, "containerPort": 80}]'
	# c1 again, as net1 and as eth0 in network $NET-b (other addresses)
	p=$(fake_prev c1 10.99.0.50/24 | jq -c '.interfaces[2].name = "net1"')
	cni portmap ADD c1 "$(ns_path "$(nsname c1)")" net1 "$(pconf '[{"hostPort": 8082, "containerPort": 80}]' "$p")"
	[ "$status" -eq 0 ]
	b=$(pconf '[{"hostPort": 8083, "containerPort": 80}]' "$(fake_prev c1 10.99.0.60/24 fd00:99::60/64)" \
		".name = \"$NET-b\"")
	cni portmap ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$b"
	[ "$status" -eq 0 ]
	is "$(owned | uniq -c | awk '{print $1, $2}')" "4 $NET-b/c1/eth0
4 $NET/c1/eth0
2 $NET/c1/net1
4 $NET/c2/eth0"
	unpublish c1 "$TCP8080"
	is "$(owned | uniq -c | awk '{print $1, $2}')" "4 $NET-b/c1/eth0
2 $NET/c1/net1
4 $NET/c2/eth0"
	is "$(elems portmap-ports4 "$NET/c1/")" "tcp . 8082 : 10.99.0.50 . 80 # $NET/c1/net1"

	cni portmap DEL c1 "$(ns_path "$(nsname c1)")" net1 "$(pconf '[]' "$p")"
	[ "$status" -eq 0 ]
	cni portmap DEL c1 "$(ns_path "$(nsname c1)")" eth0 "$b"
	[ "$status" -eq 0 ]
	is "$(owned | uniq -c | awk '{print $1, $2}')" "4 $NET/c2/eth0"
	unpublish c2 '[]'
	assert_clean
}

@test "DEL without runtimeConfig, without prevResult, and after the netns is gone" {
	local ns
	container c1 "$(bconf "$DUAL")"
	container c2 "$(bconf "$DUAL")"
	container c3 "$(bconf "$DUAL")"
	container c4 "$(bconf "$DUAL")"
	publish c1 '[{"hostPort": 8081, "containerPort": 80}, {"hostPort": 8081, "containerPort": 80, "protocol": "udp"}]'
	publish c2 '[{"hostPort": 8082, "containerPort": 80}]'
	publish c3 '[{"hostPort": 8083, "containerPort": 80}, {"hostPort": 8443, "containerPort": 443, "hostIP": "10.98.0.1"}]'
	publish c4 '[{"hostPort": 8084, "containerPort": 80}]'
	[ "$(owned | uniq | wc -l)" -eq 4 ]

	# no runtimeConfig (the runtime did not resend the mappings)
	unpublish c1 '[]' 'del(.runtimeConfig, .capabilities)'
	[ -z "$(owned "$NET/c1/")" ]
	# neither runtimeConfig nor prevResult
	unpublish c2 '[]' 'del(.runtimeConfig, .capabilities, .prevResult)'
	[ -z "$(owned "$NET/c2/")" ]
	# the namespace is gone: with its old path, then with an empty CNI_NETNS
	ns=$(nsname c3)
	ip netns del "$ns"
	unpublish c3 '[]' 'del(.prevResult)'
	[ -z "$(owned "$NET/c3/")" ]
	cni portmap DEL c3 "" eth0 "$(pconf '[]' "$(prev c3)")"
	[ "$status" -eq 0 ]
	# c4 untouched all along
	is "$(owned | uniq -c | awk '{print $1, $2}')" "4 $NET/c4/eth0"
	cni portmap DEL c4 "" eth0 "$(pconf '[]' "$(prev c4)" 'del(.prevResult)')"
	[ "$status" -eq 0 ]
	assert_clean
}

# ---- CHECK, GC, versions -------------------------------------------------------------------

@test "CHECK passes after ADD, fails once one of its elements is deleted" {
	container c1 "$(bconf "$DUAL")"
	publish c1 "$TCP8080"
	pm CHECK c1 "$TCP8080"
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	nft delete element inet cnet portmap-ports6 '{ tcp . 8080 }'
	pm CHECK c1 "$TCP8080"
	[ "$status" -ne 0 ]
	jq -e '.code and .msg' <<<"$output"

	unpublish c1 "$TCP8080"
	publish c1 "$TCP8080"
	pm CHECK c1 "$TCP8080"
	[ "$status" -eq 0 ]
	nft delete element inet cnet portmap-masq4 '{ 10.99.0.0/24 . 10.99.0.2 }'
	pm CHECK c1 "$TCP8080"
	[ "$status" -ne 0 ]

	unpublish c1 "$TCP8080"
	assert_clean
}

@test "GC (1.1.0) removes this network's attachments not listed, leaves other networks" {
	local gc b
	container c1
	container c2
	container c3
	publish c1 "$TCP8080"
	publish c2 '[{"hostPort": 8082, "containerPort": 80}]'
	publish c3 '[{"hostPort": 8083, "containerPort": 80}]'
	# c2 in another network
	b=$(pconf '[{"hostPort": 9082, "containerPort": 80}]' "$(fake_prev c2 10.99.0.62/24)" ".name = \"$NET-b\"")
	cni portmap ADD c2 "$(ns_path "$(nsname c2)")" eth0 "$b"
	[ "$status" -eq 0 ]

	# c2 is listed with another ifname: its eth0 is not valid
	gc=$(jq -nc --arg net "$NET" '{cniVersion: "1.1.0", name: $net, type: "portmap",
		"cni.dev/valid-attachments": [{containerID: "c1", ifname: "eth0"},
					      {containerID: "c2", ifname: "net1"}]}')
	cni portmap GC "" "" "" "$gc"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	is "$(owned | uniq -c | awk '{print $1, $2}')" "2 $NET-b/c2/eth0
2 $NET/c1/eth0"
	is "$(elems portmap-ports4 "$NET")" "tcp . 8080 : 10.99.0.2 . 80 # $NET/c1/eth0
tcp . 9082 : 10.99.0.62 . 80 # $NET-b/c2/eth0"
	# again: nothing more to do
	cni portmap GC "" "" "" "$gc"
	[ "$status" -eq 0 ]
	[ "$(owned | wc -l)" -eq 4 ]
	# an empty list clears the network
	cni portmap GC "" "" "" "$(jq -c '."cni.dev/valid-attachments" = []' <<<"$gc")"
	[ "$status" -eq 0 ]
	is "$(owned | uniq -c | awk '{print $1, $2}')" "2 $NET-b/c2/eth0"
	cni portmap DEL c2 "" eth0 "$b"
	[ "$status" -eq 0 ]
	assert_clean
}

@test "cniVersion 0.3.1, 0.4.0, 1.0.0 and 1.1.0: ADD prints the prevResult as is; CHECK from 0.4.0" {
	local v id n=1 m='[{"hostPort": 8080, "containerPort": 80}]'
	for v in 0.3.1 0.4.0 1.0.0 1.1.0; do
		id=c$n
		n=$((n + 1))
		container "$id" "$(bconf ".cniVersion = \"$v\" | $DUAL")"
		[ "$(prev "$id" | jq -r .cniVersion)" = "$v" ]
		publish "$id" "$m"
		[ "$(nelems portmap-ports4 "$NET/$id/")" -eq 1 ]
		[ "$(nelems portmap-ports6 "$NET/$id/")" -eq 1 ]
		if [[ $v != 0.3.1 ]]; then
			pm CHECK "$id" "$m"
			[ "$status" -eq 0 ]
		fi
		unpublish "$id" "$m"
		assert_clean
	done
}

@test "a prevResult of another version is printed in the config's cniVersion" {
	local p want
	container c1 "$(bconf "$DUAL")"
	p=$(prev c1)
	cni portmap ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$(pconf "$TCP8080" "$p" '.cniVersion = "1.0.0"')"
	[ "$status" -eq 0 ]
	json_eq "$(jq -c '.cniVersion = "1.0.0"' <<<"$p")" "$output"
	cni portmap DEL c1 "$(ns_path "$(nsname c1)")" eth0 "$(pconf "$TCP8080" "$p" '.cniVersion = "1.0.0"')"
	[ "$status" -eq 0 ]
	# 0.4.0 results carry ips[].version
	want=$(jq -c '.cniVersion = "0.4.0" | .ips |= map({version: (if (.address | test(":")) then "6" else "4" end)} + .)' <<<"$p")
	cni portmap ADD c1 "$(ns_path "$(nsname c1)")" eth0 "$(pconf "$TCP8080" "$p" '.cniVersion = "0.4.0"')"
	[ "$status" -eq 0 ]
	json_eq "$want" "$output"
	cni portmap DEL c1 "$(ns_path "$(nsname c1)")" eth0 "$(pconf "$TCP8080" "$p" '.cniVersion = "0.4.0"')"
	[ "$status" -eq 0 ]
	assert_clean
}

# ---- concurrency ---------------------------------------------------------------------------

@test "concurrent ADDs: 20 claims of one host port, exactly one wins; 20 distinct ports all land" {
	local i ns tmpl cfg rc codes r
	container c0
	ns=$(ns_path "$(nsname c0)")
	tmpl=$(pconf '[{"hostPort": "@HP@", "containerPort": 80}]' "$(fake_prev c0 @IP@/24)")
	# racer I PORT: ADD attachment rI with 10.99.0.(100+I), host port PORT, in the background
	racer() {
		cfg=${tmpl/\"@HP@\"/$2}
		printf '%s' "${cfg/@IP@/10.99.0.$((100 + $1))}" | env CNI_COMMAND=ADD CNI_CONTAINERID="r$1" \
			CNI_NETNS="$ns" CNI_IFNAME=eth0 CNI_PATH="$CNET_BIN" "$CNET_BIN/portmap" \
			>"$STATE/r$1.out" 2>"$STATE/r$1.err" && r=0 || r=$?
		echo "$r" >"$STATE/r$1.rc"
	}
	for ((i = 0; i < 20; i++)); do racer "$i" 7777 3>&- & done
	wait
	rc=$(cat "$STATE"/r*.rc | sort | uniq -c | awk '{print $1 "x" $2}' | tr '\n' ' ')
	is "$rc" "1x0 19x1 "
	codes=$(for ((i = 0; i < 20; i++)); do
		[[ $(cat "$STATE/r$i.rc") == 0 ]] || jq -r .code "$STATE/r$i.out"
	done | sort | uniq -c | awk '{print $1 "x" $2}')
	is "$codes" "19x103"
	[ "$(nelems portmap-ports4)" -eq 1 ]
	[ "$(nelems portmap-masq4)" -eq 1 ]
	GC_ALL=$(jq -nc --arg net "$NET" '{cniVersion: "1.1.0", name: $net, type: "portmap",
		"cni.dev/valid-attachments": []}')
	cni portmap GC "" "" "" "$GC_ALL"
	[ "$status" -eq 0 ]
	assert_clean

	rm -f "$STATE"/r*
	for ((i = 0; i < 20; i++)); do racer "$i" $((7000 + i)) 3>&- & done
	wait
	is "$(cat "$STATE"/r*.rc | sort | uniq -c | awk '{print $1 "x" $2}')" "20x0"
	[ "$(nelems portmap-ports4)" -eq 20 ]
	[ "$(nelems portmap-masq4)" -eq 20 ]
	cni portmap GC "" "" "" "$GC_ALL"
	[ "$status" -eq 0 ]
	assert_clean
}

# ---- bad input -----------------------------------------------------------------------------

@test "bad portMappings: code 7 naming the key; nothing added" {
	local m key
	container c1
	local texts
	while IFS='|' read -r m key; do
		IFS='|' read -ra texts <<<"$key"
		pm ADD c1 "$m"
		err_is 7 "${texts[@]}" || {
			echo "mappings: $m" >&2
			return 1
		}
		assert_clean
	done <<'EOF'
[{"hostPort": 0, "containerPort": 80}]|runtimeConfig.portMappings[0].hostPort
[{"hostPort": 65536, "containerPort": 80}]|runtimeConfig.portMappings[0].hostPort
[{"hostPort": -1, "containerPort": 80}]|runtimeConfig.portMappings[0].hostPort
[{"hostPort": "8080", "containerPort": 80}]|runtimeConfig.portMappings[0].hostPort
[{"hostPort": 8080.5, "containerPort": 80}]|runtimeConfig.portMappings[0].hostPort
[{"containerPort": 80}]|runtimeConfig.portMappings[0]|hostPort
[{"hostPort": 8080, "containerPort": 0}]|runtimeConfig.portMappings[0].containerPort
[{"hostPort": 8080, "containerPort": 70000}]|runtimeConfig.portMappings[0].containerPort
[{"hostPort": 8080, "containerPort": null}]|runtimeConfig.portMappings[0]|containerPort
[{"hostPort": 8080, "containerPort": 80, "protocol": "icmp"}]|runtimeConfig.portMappings[0].protocol
[{"hostPort": 8080, "containerPort": 80, "protocol": 6}]|runtimeConfig.portMappings[0].protocol
[{"hostPort": 8080, "containerPort": 80, "hostIP": "bogus"}]|runtimeConfig.portMappings[0].hostIP
[{"hostPort": 8080, "containerPort": 80, "hostIP": "10.0.0.300"}]|runtimeConfig.portMappings[0].hostIP
[{"hostPort": 8080, "containerPort": 80}, {"hostPort": 8081, "containerPort": 0}]|runtimeConfig.portMappings[1].containerPort
EOF
}

@test "conditionsV4/V6 and externalSetMarkChain are refused (code 2); no prevResult is code 7" {
	local f
	container c1
	for f in '.conditionsV4 = ["ip saddr 10.0.0.0/8"]' '.conditionsV6 = ["ip6 saddr fd00::/8"]' \
		'.externalSetMarkChain = "KUBE-MARK-MASQ"'; do
		pm ADD c1 "$TCP8080" "$f"
		err_is 2 || {
			echo "filter: $f" >&2
			return 1
		}
		assert_clean
	done
	pm ADD c1 "$TCP8080" 'del(.prevResult)'
	err_is 7
	assert_clean
	# empty conditions are fine
	publish c1 "$TCP8080" '.conditionsV4 = [] | .conditionsV6 = []'
	unpublish c1 "$TCP8080"
	assert_clean
}
