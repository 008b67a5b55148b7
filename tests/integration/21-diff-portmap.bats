#!/usr/bin/env bats
# Differential tests of portmap: the same conflist (bridge with isGateway, hairpinMode and
# host-local, then portmap with the portMappings capability, as podman writes it) run the
# way libcni runs a chain, through the reference plugins ($REF_BIN: Debian 12's
# containernetworking/plugins v1.1.1, portmap on iptables-nft) and through cnet ($CNET_BIN,
# portmap on nftables maps in table inet cnet):
#   ADD: bridge, then portmap with prevResult = the bridge's result and
#        runtimeConfig.portMappings; DEL: portmap, then bridge, each with prevResult = the
#        chain's result (and runtimeConfig, unless a test leaves it out).
# The two sides run in turns, reference first, with identical inputs: the same bridge name,
# subnet (10.99.0.0/24), container IDs, netns names, host ports and host addresses (each
# side has its own host-local dataDir). Between turns the containers, the bridge, table
# inet cnet and the reference's iptables nat rules are removed, so neither side sees the
# other's state. The "outside" namespace (the world, on a veth to the sandbox root: host
# ho-$SUFFIX 10.98.0.1 + 10.98.0.11, outside 10.98.0.2) stays for both turns.
# Containers answer with socat on TCP and UDP port 80: "NAME PEERADDR" (UDP: "NAME/udp ...").
# What both sides answer is recorded per probe and compared between the sides.
#
# Where cnet deliberately differs, the test is named "difference:" and asserts both
# behaviours (docs/portmap.md): a host port published twice, DEL without runtimeConfig.

load helpers

NET=diffpm

setup() {
	cnet_setup
	export LC_ALL=C
	[[ -x $REF_BIN/portmap && -x $REF_BIN/bridge && -x $REF_BIN/host-local ]] ||
		skip "reference plugins not installed in $REF_BIN"
	command -v nft >/dev/null || skip "nft (the observer) not installed"
	command -v iptables-save >/dev/null || skip "iptables (the reference's backend) not installed"
	command -v socat >/dev/null || skip "socat not installed: run scripts/install-deps"
	BR=pbr-$SUFFIX
	OUT=out-$SUFFIX
	HO=ho-$SUFFIX
	declare -gA ANS OUTS
	TURN_PIDS=()
	track_link "$BR"
}

teardown() {
	reset_host
	cnet_teardown
}

# ---- helpers ------------------------------------------------------------------------------

# reset_host: what portmap leaves in the sandbox root: table inet cnet, the reference's
# iptables nat chains and rules (this file has a sandbox of its own).
reset_host() {
	nft delete table inet cnet 2>/dev/null || true
	iptables -t nat -F 2>/dev/null || true
	iptables -t nat -X 2>/dev/null || true
}

# conflist VERSION: the network configuration list.
conflist() {
	jq -nc --arg v "$1" --arg net "$NET" --arg br "$BR" '{cniVersion: $v, name: $net, plugins: [
		{type: "bridge", bridge: $br, isGateway: true, hairpinMode: true,
		 ipam: {type: "host-local", ranges: [[{subnet: "10.99.0.0/24"}]],
			routes: [{dst: "0.0.0.0/0"}]}},
		{type: "portmap", capabilities: {portMappings: true}, snat: true}]}'
}

# netconf SIDE TYPE [PREV] [MAPPINGS]: what libcni gives plugin TYPE of $CONFLIST: the list's
# cniVersion and name, the plugin's object, this side's host-local dataDir, runtimeConfig
# {portMappings: MAPPINGS} when MAPPINGS is given and the plugin has the capability, and
# prevResult PREV when given.
netconf() {
	jq -c --arg t "$2" --arg dir "$DATA_DIR/$1" --argjson prev "${3:-null}" \
		--argjson pm "${4:-null}" '{cniVersion, name} + (.plugins[] | select(.type == $t))
		| if .ipam then .ipam.dataDir = $dir else . end
		| if $pm != null and .capabilities.portMappings then .runtimeConfig = {portMappings: $pm}
		  else . end
		| if $prev != null then .prevResult = $prev else . end' <<<"$CONFLIST"
}

# nsname ID: the netns of container ID.
nsname() { echo "$1-$SUFFIX"; }

# plugin SIDE TYPE CMD ID CONFIG: run that side's plugin for container ID (its netns, eth0);
# sets status/output like cni.
plugin() {
	local side=$1
	shift
	if [[ $side == ref ]]; then
		USE_REF=1 cni "$1" "$2" "$3" "$(ns_path "$(nsname "$3")")" eth0 "$4"
	else
		USE_REF=0 cni "$1" "$2" "$3" "$(ns_path "$(nsname "$3")")" eth0 "$4"
	fi
}

# attach SIDE ID [MAPPINGS]: libcni's ADD of the chain for container ID (netns made here).
# The bridge ADD must succeed; its result is kept in $STATE/SIDE.ID.prev. Portmap's status and
# output are left in status/output; on success the output is kept as the chain's cached
# result in $STATE/SIDE.ID.res.
attach() {
	local side=$1 id=$2 pm=${3-} prev
	make_ns "$(nsname "$id")"
	plugin "$side" bridge ADD "$id" "$(netconf "$side" bridge)"
	[ "$status" -eq 0 ]
	prev=$output
	printf '%s\n' "$prev" >"$STATE/$side.$id.prev"
	rm -f "$STATE/$side.$id.res"
	plugin "$side" portmap ADD "$id" "$(netconf "$side" portmap "$prev" "$pm")"
	if [[ $status == 0 ]]; then
		printf '%s\n' "$output" >"$STATE/$side.$id.res"
	fi
}

# publish SIDE ID MAPPINGS: attach; portmap's ADD must succeed and print the bridge's result.
publish() {
	attach "$@"
	[ "$status" -eq 0 ]
	json_eq "$(<"$STATE/$1.$2.prev")" "$output"
}

# detach SIDE ID [MAPPINGS]: libcni's DEL of the chain for container ID: portmap, then bridge,
# with prevResult = the cached result (none if portmap's ADD failed, as libcni caches only
# a successful chain) and runtimeConfig only when MAPPINGS is given (a runtime that does not
# resend them). Every DEL must succeed and print nothing.
detach() {
	local side=$1 id=$2 pm=${3-} res=
	[[ -f $STATE/$side.$id.res ]] && res=$(<"$STATE/$side.$id.res")
	plugin "$side" portmap DEL "$id" "$(netconf "$side" portmap "$res" "$pm")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	plugin "$side" bridge DEL "$id" "$(netconf "$side" bridge "$res")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# outside: the world, a namespace on a veth to the sandbox root (addresses above).
outside() {
	make_ns "$OUT"
	track_link "$HO"
	ip link add "$HO" type veth peer name eth0 netns "$OUT"
	ip addr add 10.98.0.1/24 dev "$HO"
	ip addr add 10.98.0.11/24 dev "$HO"
	ip link set "$HO" up
	ip -n "$OUT" addr add 10.98.0.2/24 dev eth0
	ip -n "$OUT" link set eth0 up
}

# serve ID: container ID answers on TCP and UDP port 80 with "ID PEERADDR" ("ID/udp ...").
# The servers hold none of bats' fds; end_turn (or teardown) kills them.
serve() {
	local ns
	ns=$(nsname "$1")
	ip netns exec "$ns" socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo $1 \$SOCAT_PEERADDR" \
		</dev/null >/dev/null 2>&1 3>&- &
	track_pid $!
	TURN_PIDS+=($!)
	ip netns exec "$ns" socat UDP4-RECVFROM:80,fork SYSTEM:"echo $1/udp \$SOCAT_PEERADDR" \
		</dev/null >/dev/null 2>&1 3>&- &
	track_pid $!
	TURN_PIDS+=($!)
}

# end_turn: stop this turn's servers, delete its containers and the bridge, and what
# portmap left in the sandbox root (after the test has looked at it).
end_turn() {
	local pid ns
	for pid in "${TURN_PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
	TURN_PIDS=()
	for ns in /run/netns/*-"$SUFFIX"; do
		[[ -e $ns && ${ns##*/} != "$OUT" ]] || continue
		_cnet_del_ns "${ns##*/}"
	done
	ip link del "$BR" 2>/dev/null || true
	reset_host
}

# fetch [-n NETNS] [-u] ADDR PORT: connect (from NETNS, default the sandbox root) over TCP
# (UDP with -u: send one datagram) and print what comes back.
fetch() {
	local pre=() proto=TCP
	while [[ $1 == -* ]]; do
		case $1 in
		-n) pre=(ip netns exec "$2") && shift ;;
		-u) proto=UDP ;;
		esac
		shift
	done
	if [[ $proto == TCP ]]; then
		timeout 5 "${pre[@]}" socat -T2 - "TCP:$1:$2,connect-timeout=1" </dev/null
	else
		echo ping | timeout 5 "${pre[@]}" socat -t0.5 - "UDP:$1:$2"
	fi
}

# _got FETCH_ARGS...: fetch into GOT; true when something answered.
_got() {
	GOT=$(fetch "$@" 2>/dev/null) || true
	[[ -n $GOT ]]
}

# hear SIDE KEY FETCH_ARGS...: wait up to 10 s (listeners start, neighbours resolve) for an
# answer; ANS[SIDE.KEY] = the answer.
hear() {
	local side=$1 key=$2
	shift 2
	wait_until 10 _got "$@"
	ANS[$side.$key]=$GOT
}

# answers EXPECTED FETCH_ARGS...: the answer is EXPECTED.
answers() {
	local want=$1
	shift
	_got "$@" && [[ $GOT == "$want" ]]
}

# refused FETCH_ARGS...: nothing answers (asserted once the positive cases have worked).
refused() {
	local got
	got=$(fetch "$@" 2>/dev/null) || true
	[[ -z $got ]] || {
		echo "refused: got an answer: $got ($*)" >&2
		return 1
	}
}

# nat_rules: the reference's rules in iptables' nat table (iptables-save, rules only).
nat_rules() { iptables-save -t nat | grep -- '^-A ' || true; }

# nat_chains: the non-builtin chains of iptables' nat table, sorted.
nat_chains() {
	iptables-save -t nat | sed -n 's/^:\([^ ]*\) - .*/\1/p' | sort
}

# owned: the comments of every nftables element in the ruleset that belong to $NET, sorted.
owned() {
	nft -j list ruleset | jq -r --arg p "$NET/" '.. | objects
		| select(has("elem") and (.elem | type) == "object") | .elem.comment // empty
		| select(startswith($p))' | sort
}

# norm: a result with what is random by nature (MACs, host veth names) replaced.
norm() {
	jq -S 'walk(if type == "object" and has("mac") then .mac = "MAC" else . end
		| if type == "object" and ((.name // "") | test("^veth[0-9a-f]{8}$"))
		  then .name = "HOSTVETH" else . end)'
}

# The mappings of the "same" tests: TCP, UDP, and TCP on one host address only.
MAPS='[{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"},
	{"hostPort": 5353, "containerPort": 80, "protocol": "udp"},
	{"hostPort": 8443, "containerPort": 80, "protocol": "tcp", "hostIP": "10.98.0.1"}]'

# PROBES: KEY|FETCH_ARGS|EXPECTED ANSWER, the same for both sides.
PROBES="out-tcp|-n OUT 10.98.0.1 8080|c1 10.98.0.2
out-udp|-n OUT -u 10.98.0.1 5353|c1/udp 10.98.0.2
host-tcp|10.98.0.1 8080|c1 10.98.0.1
host-bridge-tcp|10.99.0.1 8080|c1 10.99.0.1
host-udp|-u 10.98.0.1 5353|c1/udp 10.98.0.1
localhost-tcp|127.0.0.1 8080|c1 10.99.0.1
localhost-udp|-u 127.0.0.1 5353|c1/udp 10.99.0.1
hairpin-self-tcp|-n C1 10.98.0.1 8080|c1 10.99.0.1
hairpin-neighbour-tcp|-n C2 10.98.0.1 8080|c1 10.99.0.1
hairpin-neighbour-udp|-n C2 -u 10.98.0.1 5353|c1/udp 10.99.0.1
hostip-out-tcp|-n OUT 10.98.0.1 8443|c1 10.98.0.2
hostip-host-tcp|10.98.0.1 8443|c1 10.98.0.1"

# NOT_PUBLISHED: FETCH_ARGS that nothing answers while the ports are published: another
# host address or the bridge's for the hostIP mapping, an unmapped port, the other protocol.
NOT_PUBLISHED="-n OUT 10.98.0.11 8443
10.99.0.1 8443
-n OUT 10.98.0.1 8081
-n OUT 10.98.0.1 5353
-n OUT -u 10.98.0.1 8080"

# probe_args TEXT: FETCH_ARGS with OUT, C1 and C2 replaced by the namespaces' names.
probe_args() {
	local a out=()
	for a in $1; do
		case $a in
		OUT) out+=("$OUT") ;;
		C1) out+=("$(nsname c1)") ;;
		C2) out+=("$(nsname c2)") ;;
		*) out+=("$a") ;;
		esac
	done
	printf '%s\n' "${out[@]}"
}

# same_turn SIDE VERSION: one side's turn of the "same" tests (see there).
same_turn() {
	local side=$1 key fargs want args
	CONFLIST=$(conflist "$2")
	attach "$side" c1 "$MAPS"
	[ "$status" -eq 0 ]
	OUTS[$side]=$output
	json_eq "$(<"$STATE/$side.c1.prev")" "$output"
	[ "$(jq -r .cniVersion <<<"$output")" = "$2" ]
	# a neighbour on the same bridge: the chain runs with no mappings
	publish "$side" c2
	serve c1
	[ "$(cat "/proc/sys/net/ipv4/conf/$BR/route_localnet")" = 1 ]

	while IFS='|' read -r key fargs want; do
		mapfile -t args < <(probe_args "$fargs")
		hear "$side" "$key" "${args[@]}"
	done <<<"$PROBES"
	while read -r fargs; do
		mapfile -t args < <(probe_args "$fargs")
		refused "${args[@]}"
	done <<<"$NOT_PUBLISHED"

	# c1's DEL (portmap, then bridge), twice as runtimes retry, with runtimeConfig: nothing
	# answers any more, not even its neighbour
	detach "$side" c1 "$MAPS"
	detach "$side" c1 "$MAPS"
	while IFS='|' read -r key fargs want; do
		[[ $key == hairpin-self* ]] && continue # c1 has no address any more
		mapfile -t args < <(probe_args "$fargs")
		refused "${args[@]}"
	done <<<"$PROBES"
	detach "$side" c2
	detach "$side" c2
	if [[ $side == ref ]]; then
		# the per-container chain and its rules are gone; the shared chains stay, the
		# DNAT one empty, with their jumps from PREROUTING, OUTPUT and POSTROUTING
		is "$(nat_chains)" "CNI-HOSTPORT-DNAT
CNI-HOSTPORT-MASQ
CNI-HOSTPORT-SETMARK"
		[ "$(nat_rules | grep -c -- '^-A CNI-HOSTPORT-DNAT ')" -eq 0 ]
		[ "$(nat_rules | grep -c -e 'DNAT --to' -e 'CNI-DN-')" -eq 0 ]
	else
		# no element left; the table and its (empty) maps stay
		[ -z "$(owned)" ]
		nft list map inet cnet portmap-ports4 >/dev/null
		[ -z "$(nat_rules)" ]
	fi
	end_turn
}

# same_test VERSION: both turns, then the answers and outputs compared between the sides.
same_test() {
	local key fargs want
	outside
	same_turn ref "$1"
	same_turn cnet "$1"
	while IFS='|' read -r key fargs want; do
		is "${ANS[ref.$key]}" "${ANS[cnet.$key]}"
		is "${ANS[cnet.$key]}" "$want"
	done <<<"$PROBES"
	json_eq "$(norm <<<"${OUTS[ref]}")" "$(norm <<<"${OUTS[cnet]}")"
}

# ---- same behaviour ------------------------------------------------------------------------

@test "same, cniVersion 1.0.0: TCP/UDP answers from outside, host address, 127.0.0.1, hairpin (self, neighbour); hostIP only on its address; same output; DEL with runtimeConfig leaves nothing reachable (reference keeps its shared chains)" {
	same_test 1.0.0
}

@test "same, cniVersion 0.4.0: TCP/UDP answers from outside, host address, 127.0.0.1, hairpin (self, neighbour); hostIP only on its address; same output; DEL with runtimeConfig leaves nothing reachable (reference keeps its shared chains)" {
	same_test 0.4.0
	jq -e '.ips[0].version == "4"' <<<"${OUTS[cnet]}"
}

# ---- deliberate differences ----------------------------------------------------------------

@test "difference: one host port published by two containers: the reference takes both and the first keeps the port (the second gets it once the first is gone); cnet refuses the second with 103 naming the owner" {
	local m='[{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]' i
	outside
	CONFLIST=$(conflist 1.0.0)

	# the reference
	publish ref c1 "$m"
	publish ref c2 "$m"
	serve c1
	serve c2
	[ "$(nat_rules | grep -c -- '-A CNI-HOSTPORT-DNAT .*--dports 8080 ')" -eq 2 ]
	hear ref first -n "$OUT" 10.98.0.1 8080
	is "${ANS[ref.first]}" "c1 10.98.0.2"
	# it stays so, however often one asks
	for i in 1 2 3; do
		is "$(fetch -n "$OUT" 10.98.0.1 8080)" "c1 10.98.0.2" || {
			echo "attempt $i" >&2
			return 1
		}
	done
	detach ref c1 "$m"
	wait_until 10 answers "c2 10.98.0.2" -n "$OUT" 10.98.0.1 8080
	detach ref c2 "$m"
	refused -n "$OUT" 10.98.0.1 8080
	end_turn

	# cnet
	publish cnet c1 "$m"
	attach cnet c2 "$m"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" -eq 103 ]
	[[ $(jq -r .msg <<<"$output") == *8080*"$NET/c1/eth0"* ]]
	serve c1
	serve c2
	[ "$(owned | grep -c "^$NET/c2/")" -eq 0 ]
	# the runtime deletes the failed attachment (with its mappings): c1 keeps its port
	detach cnet c2 "$m"
	hear cnet first -n "$OUT" 10.98.0.1 8080
	is "${ANS[cnet.first]}" "c1 10.98.0.2"
	is "$(owned | uniq -c | awk '{print $1, $2}')" "2 $NET/c1/eth0"
	detach cnet c1 "$m"
	refused -n "$OUT" 10.98.0.1 8080
	[ -z "$(owned)" ]
	end_turn
}

@test "difference: DEL without runtimeConfig: the reference leaves its DNAT rules (a later container publishing that port is black-holed); cnet removes its elements" {
	local m='[{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]' side stale
	outside
	CONFLIST=$(conflist 1.0.0)
	for side in ref cnet; do
		publish "$side" c1 "$m"
		serve c1
		hear "$side" c1 -n "$OUT" 10.98.0.1 8080
		is "${ANS[$side.c1]}" "c1 10.98.0.2"
		# the runtime does not resend the mappings
		detach "$side" c1
		stale=$(nat_rules | grep -F -e 'id: \"c1\"' -e 'DNAT --to-destination 10.99.0.2:80' || true)
		if [[ $side == ref ]]; then
			[ "$(grep -c . <<<"$stale")" -eq 2 ]
			[[ $stale == *"-A CNI-HOSTPORT-DNAT "*"--dports 8080 "* ]]
		else
			[ -z "$stale" ]
			[ -z "$(owned)" ]
		fi
		# a new container publishes 8080 (and gets the next address)
		publish "$side" c2 "$m"
		serve c2
		[ "$(jq -r '.ips[0].address' "$STATE/$side.c2.prev")" = 10.99.0.3/24 ]
		wait_until 10 _got 10.99.0.3 80
		if [[ $side == ref ]]; then
			# the stale rule comes first: connections go to c1's old address
			refused -n "$OUT" 10.98.0.1 8080
			refused -n "$OUT" 10.98.0.1 8080
		else
			hear cnet c2 -n "$OUT" 10.98.0.1 8080
			is "${ANS[cnet.c2]}" "c2 10.98.0.2"
		fi
		detach "$side" c2 "$m"
		end_turn
	done
}

@test "difference: a mapping without protocol: the reference fails (999, iptables: unknown protocol \"\"), cnet takes tcp" {
	local m='[{"hostPort": 8080, "containerPort": 80}]'
	outside
	CONFLIST=$(conflist 1.0.0)
	attach ref c1 "$m"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" -eq 999 ]
	[[ $(jq -r .msg <<<"$output") == *'unknown protocol ""'* ]]
	# the runtime deletes the failed attachment
	detach ref c1 "$m"
	[ "$(nat_rules | grep -c -e 'DNAT --to' -e 'CNI-DN-')" -eq 0 ]
	end_turn

	publish cnet c1 "$m"
	serve c1
	hear cnet c1 -n "$OUT" 10.98.0.1 8080
	is "${ANS[cnet.c1]}" "c1 10.98.0.2"
	detach cnet c1 "$m"
	[ -z "$(owned)" ]
	end_turn
}
