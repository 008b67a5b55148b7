#!/usr/bin/env bats
# Differential tests of the firewall plugin: the same chains through the reference plugins
# ($REF_BIN: Debian 12's containernetworking/plugins v1.1.1, "ref") and through cnet
# ($CNET_BIN, "cnet"): bridge (ipMasq, default gateway) [-> portmap] -> firewall, the
# firewall's config carrying the previous plugin's result as prevResult, as libcni does.
# The sandbox root plays a host whose iptables FORWARD policy is DROP (`iptables -P FORWARD
# DROP` in setup; Docker and hardened hosts do that), which is what the firewall plugin is for:
#   - before firewall ADD a container cannot reach the world, after it it can (both);
#   - `iptables-save -t filter`: the same chains and rules (cnet adds an owner comment to each
#     per-container rule and a `--ctstate DNAT` accept: the documented differences);
#   - a published port (portmap): cnet's DNAT accept lets it through FORWARD DROP, the
#     reference's rules block it (difference); from the host itself both answer;
#   - ingressPolicy "same-bridge": the same reachability matrix (the reference isolates in
#     iptables' CNI-ISOLATION-STAGE-1/2 chains, cnet in its own table `inet cnet`);
#   - dual-stack (ip6tables) and iptablesAdminChainName, with an admin override;
#   - DEL, CHECK, and the degraded forms (no prevResult, rules deleted by hand);
#   - iptables-save | iptables-restore: both find their rules afterwards (cnet writes its
#     owner comment as iptables-nft's comment match, so a restore gives back the same rules).
#
# Each side has its own bridges and subnets, so both can run side by side: network "a" is
# 10.71.0.0/24 (ref, bridge rba-$SUFFIX) and 10.81.0.0/24 (cnet, cba-$SUFFIX), network "b"
# 10.72/10.82. Both sides use the same container IDs and network names (fwa, fwb); netns
# r-ID-$SUFFIX / c-ID-$SUFFIX. The "outside" is a namespace on a veth: host ho-$SUFFIX
# 10.98.0.1/24, outside 10.98.0.2, which answers TCP port 80 with "outside PEERADDR" (the
# bridges masquerade, so the peer is 10.98.0.1). Containers answer TCP port 80 with
# "SIDE-ID PEERADDR".
#
# Every file runs in its own sandbox but the tests of a file share it: teardown deletes table
# inet cnet, flushes and deletes the iptables chains (filter and nat, both families) and
# resets the FORWARD policies.

# Bats runs each test in a subshell and helpers here take optional arguments:
# shellcheck disable=SC2030,SC2031,SC2119,SC2120

load helpers

setup() {
	cnet_setup
	export LC_ALL=C
	local p
	for p in bridge host-local portmap firewall; do
		[[ -x $REF_BIN/$p ]] || skip "reference $p not installed in $REF_BIN"
	done
	command -v iptables-save >/dev/null || skip "iptables not installed"
	command -v nft >/dev/null || skip "nft (the observer) not installed"
	command -v socat >/dev/null || skip "socat not installed: run scripts/install-deps"
	OUT=out-$SUFFIX
	HO=ho-$SUFFIX
	iptables -P FORWARD DROP
}

teardown() {
	cnet_teardown
	nft delete table inet cnet 2>/dev/null || true
	local fam cmd tbl
	for fam in ip ip6; do
		cmd=iptables
		[[ $fam == ip6 ]] && cmd=ip6tables
		for tbl in filter nat; do
			nft list table "$fam" "$tbl" >/dev/null 2>&1 || continue
			if [[ $tbl == filter ]]; then "$cmd" -P FORWARD ACCEPT 2>/dev/null || true; fi
			"$cmd" -t "$tbl" -F 2>/dev/null || true
			"$cmd" -t "$tbl" -X 2>/dev/null || true
		done
	done
}

# ---- helpers ------------------------------------------------------------------------------

# on SIDE PLUGIN CMD CONTAINERID NETNS IFNAME CONFIG: `cni` with SIDE's plugins.
on() {
	local side=$1
	shift
	if [[ $side == ref ]]; then
		USE_REF=1 cni "$@"
	else
		USE_REF=0 cni "$@"
	fi
}

# prefix SIDE NET: the first three octets of SIDE's subnet for network NET (a or b).
prefix() {
	local o=71
	[[ $1 == cnet ]] && o=81
	[[ $2 == b ]] && o=$((o + 1))
	echo "10.$o.0"
}

# bridge_of SIDE NET, nsof SIDE ID: names of SIDE's bridge for NET and of container ID's netns.
bridge_of() { echo "${1:0:1}b$2-$SUFFIX"; }
nsof() { echo "${1:0:1}-$2-$SUFFIX"; }

# container SIDE NET ID [VERSION] [JQ_FILTER]: make ID's netns and run SIDE's bridge ADD for
# it on network NET (cniVersion VERSION, default 1.0.0; ipMasq, default gateway; FILTER edits
# the config); must succeed. The result is kept as ID's prevResult (see prev).
container() {
	local side=$1 net=$2 id=$3 ver=${4:-1.0.0} filter=${5:-.} br p
	br=$(bridge_of "$side" "$net")
	p=$(prefix "$side" "$net")
	make_ns "$(nsof "$side" "$id")"
	track_link "$br"
	echo "fw$net" >"$STATE/$side.$id.net"
	on "$side" bridge ADD "$id" "$(ns_path "$(nsof "$side" "$id")")" eth0 "$(jq -nc \
		--arg v "$ver" --arg name "fw$net" --arg br "$br" --arg p "$p" \
		--arg dir "$DATA_DIR/$side" '{cniVersion: $v, name: $name, type: "bridge",
		bridge: $br, isDefaultGateway: true, ipMasq: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: ($p + ".0/24")}]]}}' |
		jq -c --arg p6 "fd00:$(cut -d. -f2 <<<"$p")::" "$filter")"
	[ "$status" -eq 0 ]
	printf '%s\n' "$output" >"$STATE/$side.$id.prev"
}

prev() { cat "$STATE/$1.$2.prev"; }
netof() { cat "$STATE/$1.$2.net"; }
# ipof SIDE ID: ID's address; owner SIDE ID: cnet's owner comment for ID's rules.
ipof() { prev "$1" "$2" | jq -r '.ips[0].address | split("/")[0]'; }
ip6of() { prev "$1" "$2" | jq -r '[.ips[].address | select(contains(":"))][0] | split("/")[0]'; }
owner() { echo "$(netof "$1" "$2")/$2/eth0"; }

# fw SIDE CMD ID [JQ_FILTER]: run SIDE's firewall CMD for ID, prevResult = ID's result, in its
# cniVersion; FILTER (jq) edits the config. Sets status/output like cni.
fw() {
	on "$1" firewall "$2" "$3" "$(ns_path "$(nsof "$1" "$3")")" eth0 "$(jq -nc \
		--arg net "$(netof "$1" "$3")" --argjson prev "$(prev "$1" "$3")" \
		'{cniVersion: $prev.cniVersion, name: $net, type: "firewall", prevResult: $prev}' |
		jq -c "${4:-.}")"
}

# fw_add SIDE ID [JQ_FILTER]: firewall ADD must succeed and print prevResult unchanged.
fw_add() {
	fw "$1" ADD "$2" "${3:-.}"
	[ "$status" -eq 0 ]
	json_eq "$(prev "$1" "$2")" "$output"
}

# publish SIDE ID HOSTPORT: SIDE's portmap ADD, hostPort HOSTPORT -> ID's TCP port 80; must
# succeed and print prevResult unchanged (which is what the firewall then gets).
publish() {
	on "$1" portmap ADD "$2" "$(ns_path "$(nsof "$1" "$2")")" eth0 "$(jq -nc \
		--arg net "$(netof "$1" "$2")" --argjson prev "$(prev "$1" "$2")" --argjson hp "$3" '{
		cniVersion: $prev.cniVersion, name: $net, type: "portmap",
		capabilities: {portMappings: true},
		runtimeConfig: {portMappings: [{hostPort: $hp, containerPort: 80, protocol: "tcp"}]},
		prevResult: $prev}')"
	[ "$status" -eq 0 ]
	json_eq "$(prev "$1" "$2")" "$output"
}

# serve SIDE ID: container ID answers TCP port 80 with "SIDE-ID PEERADDR".
serve() {
	bg "$(nsof "$1" "$2")" socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo $1-$2 \$SOCAT_PEERADDR"
}

# outside: the world (addresses above), answering TCP port 80; waits until the host reaches
# it (OUTPUT, not FORWARD: the policy does not apply).
outside() {
	make_ns "$OUT"
	track_link "$HO"
	ip link add "$HO" type veth peer name eth0 netns "$OUT"
	ip addr add 10.98.0.1/24 dev "$HO"
	ip link set "$HO" up
	ip -n "$OUT" addr add 10.98.0.2/24 dev eth0
	ip -n "$OUT" link set eth0 up
	bg "$OUT" socat TCP4-LISTEN:80,fork,reuseaddr SYSTEM:"echo outside \$SOCAT_PEERADDR"
	reaches "outside 10.98.0.1" 10.98.0.2 80
}

# fetch [-n NETNS] ADDR PORT: connect over TCP (from NETNS, default the host) and print what
# comes back.
fetch() {
	local pre=()
	if [[ $1 == -n ]]; then
		pre=(ip netns exec "$2")
		shift 2
	fi
	timeout 5 "${pre[@]}" socat -T2 - "TCP:$1:$2,connect-timeout=1" </dev/null
}

# answers EXPECTED FETCH_ARGS...: the reply starts with EXPECTED.
answers() {
	local want=$1 got
	shift
	got=$(fetch "$@" 2>/dev/null) || true
	[[ -n $got && $got == "$want"* ]]
}

# reaches EXPECTED FETCH_ARGS...: answers, waiting up to 10 s.
reaches() { wait_until 10 answers "$@"; }

# refused FETCH_ARGS...: nothing answers (asserted where a positive case shows the path and
# the listener work).
refused() {
	local got
	got=$(fetch "$@" 2>/dev/null) || true
	[[ -z $got ]] || {
		echo "refused: got an answer: $got ($*)" >&2
		return 1
	}
}

# pings NETNS ADDR: one echo answered within a second.
pings() { ip netns exec "$1" ping -c1 -W1 -q "$2" >/dev/null 2>&1; }

# pinged NETNS ADDR: pings, waiting up to 5 s; unpinged NETNS ADDR: two echoes, no answer.
pinged() { wait_until 5 pings "$@"; }
unpinged() {
	if ip netns exec "$1" ping -c2 -i0.5 -W1 -q "$2" >/dev/null 2>&1; then
		echo "unpinged: $1 got an answer from $2" >&2
		return 1
	fi
}

# refute CMD...: fail when CMD succeeds (bats does not fail a test on `! CMD`).
refute() {
	if "$@" >/dev/null 2>&1; then
		echo "refute: succeeded: $*" >&2
		return 1
	fi
}

# filter_table [iptables|ip6tables]: `iptables-save -t filter` without comment lines and
# counters.
filter_table() {
	"${1:-iptables}-save" -t filter | grep -v '^#' | sed -E 's/ \[[0-9]+:[0-9]+\]$//'
}

# layout SIDE ID [iptables|ip6tables]: filter_table with ID's address (IPv6 with ip6tables)
# as CIP and (cnet) its owner comment as OWNER.
layout() {
	local ip
	ip=$(ipof "$1" "$2")
	[[ ${3-} == ip6tables ]] && ip=$(ip6of "$1" "$2")
	filter_table "${3-}" | sed -e "s|${ip//./\\.}/|CIP/|g" -e "s|\"$(owner "$1" "$2")\"|\"OWNER\"|g"
}

# rules_of SIDE ID: the lines of `iptables -S` that name ID's address.
rules_of() { iptables -S | grep -F -- " $(ipof "$1" "$2")/32 " || true; }

# reset_iptables: flush and delete the chains of iptables' filter table (between turns).
reset_iptables() {
	iptables -F
	iptables -X
}

# The layout both write for one IPv4 container on a fresh host with FORWARD DROP.
REF_LAYOUT='*filter
:INPUT ACCEPT
:FORWARD DROP
:OUTPUT ACCEPT
:CNI-ADMIN -
:CNI-FORWARD -
-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD
-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
-A CNI-FORWARD -d CIP/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A CNI-FORWARD -s CIP/32 -j ACCEPT
COMMIT'
CNET_LAYOUT='*filter
:INPUT ACCEPT
:FORWARD DROP
:OUTPUT ACCEPT
:CNI-ADMIN -
:CNI-FORWARD -
-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD
-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
-A CNI-FORWARD -d CIP/32 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "OWNER" -j ACCEPT
-A CNI-FORWARD -d CIP/32 -m conntrack --ctstate DNAT -m comment --comment "OWNER" -j ACCEPT
-A CNI-FORWARD -s CIP/32 -m comment --comment "OWNER" -j ACCEPT
COMMIT'

# without_differences: drop cnet's documented additions (the DNAT accept, owner comments).
without_differences() { grep -v -- '--ctstate DNAT' | sed 's/ -m comment --comment "OWNER"//'; }

# ---- ADD: through FORWARD DROP, the same iptables layout ----------------------------------

# opens_forward SIDE VERSION: on a fresh iptables filter table, container c1 cannot reach the
# outside before firewall ADD and can after it (ping and TCP, masqueraded by the bridge);
# prints the normalised layout to $STATE/SIDE.layout; checks the rules with `iptables -C`.
opens_forward() {
	local side=$1 ns ip o
	container "$side" a c1 "$2"
	ns=$(nsof "$side" c1)
	ip=$(ipof "$side" c1)
	o=$(owner "$side" c1)
	# the gateway answers (INPUT), the outside does not (FORWARD DROP)
	pinged "$ns" "$(prefix "$side" a).1"
	unpinged "$ns" 10.98.0.2
	refused -n "$ns" 10.98.0.2 80

	fw_add "$side" c1
	pinged "$ns" 10.98.0.2
	reaches "outside 10.98.0.1" -n "$ns" 10.98.0.2 80

	layout "$side" c1 >"$STATE/$side.layout"
	# the shared jumps, with the reference's exact specs
	iptables -C FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD
	iptables -C CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
	if [[ $side == ref ]]; then
		iptables -C CNI-FORWARD -d "$ip/32" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
		iptables -C CNI-FORWARD -s "$ip/32" -j ACCEPT
	else
		iptables -C CNI-FORWARD -d "$ip/32" -m conntrack --ctstate RELATED,ESTABLISHED \
			-m comment --comment "$o" -j ACCEPT
		iptables -C CNI-FORWARD -d "$ip/32" -m conntrack --ctstate DNAT \
			-m comment --comment "$o" -j ACCEPT
		iptables -C CNI-FORWARD -s "$ip/32" -m comment --comment "$o" -j ACCEPT
		# difference: the reference's own specs (no comment) do not match cnet's rules
		refute iptables -C CNI-FORWARD -s "$ip/32" -j ACCEPT
		refute iptables -C CNI-FORWARD -d "$ip/32" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
	fi
}

# add_in_turns VERSION: opens_forward for the reference, then (iptables reset) for cnet; the
# layouts are the expected ones, and the same once cnet's documented differences are removed.
add_in_turns() {
	outside
	opens_forward ref "$1"
	reset_iptables
	# the reference's rules are gone: its container is cut off again
	unpinged "$(nsof ref c1)" 10.98.0.2
	opens_forward cnet "$1"
	is "$(cat "$STATE/ref.layout")" "$REF_LAYOUT"
	is "$(cat "$STATE/cnet.layout")" "$CNET_LAYOUT"
	is "$(without_differences <"$STATE/cnet.layout")" "$(cat "$STATE/ref.layout")"
}

@test "ADD, cniVersion 1.0.0: both get a container through FORWARD DROP; same iptables layout" {
	add_in_turns 1.0.0
}

@test "ADD, cniVersion 0.4.0 (podman's conflists): through FORWARD DROP; same iptables layout" {
	add_in_turns 0.4.0
}

@test "ADD again, a second container: no duplicates (the reference appends unique, cnet replaces)" {
	local side
	for side in ref cnet; do
		container "$side" a c1
		container "$side" a c2
		fw_add "$side" c1
		fw_add "$side" c2
		fw_add "$side" c1
	done
	# one jump each, shared by both sides
	[ "$(iptables -S FORWARD | grep -c -- '-j CNI-FORWARD')" -eq 1 ]
	[ "$(iptables -S CNI-FORWARD | grep -c -- '-j CNI-ADMIN')" -eq 1 ]
	# the reference appends unique rules: c1's stay first; cnet replaces c1's (now last)
	is "$(rules_of ref c1 | wc -l)" 2
	is "$(rules_of ref c2 | wc -l)" 2
	is "$(rules_of cnet c1 | wc -l)" 3
	is "$(rules_of cnet c2 | wc -l)" 3
	is "$(iptables -S CNI-FORWARD | sed -n 3p)" \
		"-A CNI-FORWARD -d $(ipof ref c1)/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"
	is "$(iptables -S CNI-FORWARD | tail -n1)" \
		"-A CNI-FORWARD -s $(ipof cnet c1)/32 -m comment --comment \"$(owner cnet c1)\" -j ACCEPT"
}

# DUAL: a container filter for a dual-stack bridge (IPv6 subnet fd00:71::/64 for 10.71.0.0/24).
# shellcheck disable=SC2016 # jq program
DUAL='.ipam.ranges += [[{subnet: ($p6 + "/64")}]]'

@test "dual-stack, iptablesAdminChainName: the same layout in iptables and ip6tables; the admin chain comes first" {
	local side cmd ip
	outside
	ip addr add fd00:98::1/64 dev "$HO" nodad
	ip -n "$OUT" addr add fd00:98::2/64 dev eth0 nodad
	ip6tables -P FORWARD DROP
	for side in ref cnet; do
		container "$side" a c1 1.0.0 "$DUAL"
		[ "$(prev "$side" c1 | jq '.ips | length')" -eq 2 ]
		unpinged "$(nsof "$side" c1)" fd00:98::2
		fw_add "$side" c1 '.iptablesAdminChainName = "ADMIN-OVERRIDES"'
		pinged "$(nsof "$side" c1)" 10.98.0.2
		pinged "$(nsof "$side" c1)" fd00:98::2
		for cmd in iptables ip6tables; do
			layout "$side" c1 "$cmd" >"$STATE/$side.$cmd.layout"
		done
		iptables -F
		iptables -X
		ip6tables -F
		ip6tables -X
	done
	for cmd in iptables ip6tables; do
		local plen=32
		[[ $cmd == ip6tables ]] && plen=128
		is "$(cat "$STATE/ref.$cmd.layout")" \
			"$(sed -e 's/CNI-ADMIN/ADMIN-OVERRIDES/' -e "s|/32 |/$plen |" <<<"$REF_LAYOUT")"
		is "$(cat "$STATE/cnet.$cmd.layout")" \
			"$(sed -e 's/CNI-ADMIN/ADMIN-OVERRIDES/' -e "s|/32 |/$plen |" <<<"$CNET_LAYOUT")"
	done

	# the admin chain is evaluated before the container's accepts, in both
	for side in ref cnet; do
		fw_add "$side" c1 '.iptablesAdminChainName = "ADMIN-OVERRIDES"'
		ip=$(ipof "$side" c1)
		pinged "$(nsof "$side" c1)" 10.98.0.2
		iptables -A ADMIN-OVERRIDES -s "$ip/32" -j DROP
		unpinged "$(nsof "$side" c1)" 10.98.0.2
		pinged "$(nsof "$side" c1)" fd00:98::2
		iptables -D ADMIN-OVERRIDES -s "$ip/32" -j DROP
		pinged "$(nsof "$side" c1)" 10.98.0.2
	done
	# neither writes into the admin chain
	[ "$(iptables -S ADMIN-OVERRIDES)" = "-N ADMIN-OVERRIDES" ]
	[ "$(ip6tables -S ADMIN-OVERRIDES)" = "-N ADMIN-OVERRIDES" ]
}

@test "difference: without an iptables filter table cnet creates none; the reference creates it" {
	iptables -F
	nft delete table ip filter
	container cnet a c1
	fw_add cnet c1
	refute nft list table ip filter
	container ref a c1
	fw_add ref c1
	nft list table ip filter
	is "$(rules_of ref c1 | wc -l)" 2
	# the reference's FORWARD chain is the kernel default: ACCEPT
	iptables -S FORWARD | grep -qx -- '-P FORWARD ACCEPT'
	iptables -P FORWARD DROP
}

# ---- published ports -----------------------------------------------------------------------

@test "difference: a published port gets through FORWARD DROP with cnet, not with the reference" {
	outside
	# podman's chain: bridge -> portmap -> firewall, cniVersion 0.4.0; ref 8080, cnet 8081
	container ref a c1 0.4.0
	container cnet a c1 0.4.0
	serve ref c1
	serve cnet c1
	publish ref c1 8080
	publish cnet c1 8081
	fw_add ref c1
	fw_add cnet c1

	# from the outside: cnet's ctstate DNAT accept lets the connection through
	reaches "cnet-c1 10.98.0.2" -n "$OUT" 10.98.0.1 8081
	# the reference's rules only accept RELATED,ESTABLISHED to the container: blocked ...
	refused -n "$OUT" 10.98.0.1 8080
	# ... by the FORWARD policy: with ACCEPT it answers
	iptables -P FORWARD ACCEPT
	reaches "ref-c1 10.98.0.2" -n "$OUT" 10.98.0.1 8080
	iptables -P FORWARD DROP
	refused -n "$OUT" 10.98.0.1 8080

	# from the host itself (OUTPUT, not FORWARD): both answer, through its own address, the
	# bridge's and 127.0.0.1 (masqueraded to the bridge address)
	local side hp
	for side in ref cnet; do
		hp=8080
		[[ $side == cnet ]] && hp=8081
		reaches "$side-c1 10.98.0.1" 10.98.0.1 "$hp"
		reaches "$side-c1 $(prefix "$side" a).1" "$(prefix "$side" a).1" "$hp"
		reaches "$side-c1 $(prefix "$side" a).1" 127.0.0.1 "$hp"
	done
}

# ---- ingressPolicy same-bridge -------------------------------------------------------------

# isolation SIDE: networks a (a1, a2) and b (b1), firewall with ingressPolicy same-bridge;
# a1 and a2 reach each other, a and b do not, all reach the outside.
isolation() {
	local side=$1 id
	for id in a1 a2 b1; do
		container "$side" "${id:0:1}" "$id"
		serve "$side" "$id"
		fw_add "$side" "$id" '.ingressPolicy = "same-bridge"'
	done
	local a1 a2 b1 na1 na2 nb1
	a1=$(ipof "$side" a1) a2=$(ipof "$side" a2) b1=$(ipof "$side" b1)
	na1=$(nsof "$side" a1) na2=$(nsof "$side" a2) nb1=$(nsof "$side" b1)
	# within a network, to the outside
	pinged "$na1" "$a2"
	pinged "$na2" "$a1"
	reaches "$side-a2 $a1" -n "$na1" "$a2" 80
	pinged "$na1" 10.98.0.2
	pinged "$nb1" 10.98.0.2
	reaches "outside 10.98.0.1" -n "$na1" 10.98.0.2 80
	reaches "outside 10.98.0.1" -n "$nb1" 10.98.0.2 80
	# the gateways of the host stay reachable (INPUT)
	pinged "$na1" "$(prefix "$side" b).1"
	# between networks: neither way
	unpinged "$na1" "$b1"
	unpinged "$nb1" "$a1"
	unpinged "$nb1" "$a2"
	refused -n "$na1" "$b1" 80
	refused -n "$nb1" "$a1" 80
}

@test "ingressPolicy same-bridge: two networks, the same reachability with both" {
	outside
	isolation ref
	isolation cnet
	# how each does it: the reference in iptables ...
	local rba rbb
	rba=$(bridge_of ref a) rbb=$(bridge_of ref b)
	iptables -C FORWARD -m comment --comment "CNI firewall plugin rules (ingressPolicy: same-bridge)" \
		-j CNI-ISOLATION-STAGE-1
	is "$(iptables -S FORWARD | sed -n 2p)" \
		'-A FORWARD -m comment --comment "CNI firewall plugin rules (ingressPolicy: same-bridge)" -j CNI-ISOLATION-STAGE-1'
	iptables -S CNI-ISOLATION-STAGE-1 | grep -F -- "-i $rba ! -o $rba "
	iptables -S CNI-ISOLATION-STAGE-1 | grep -F -- "-i $rbb ! -o $rbb "
	iptables -S CNI-ISOLATION-STAGE-2 | grep -F -- "-o $rba "
	iptables -S CNI-ISOLATION-STAGE-2 | grep -F -- "-o $rbb "
	# ... cnet in table inet cnet, nothing of it in iptables
	refute grep -F cba- <<<"$(iptables-save)"
	nft list set inet cnet firewall-isolated | grep -F "\"$(bridge_of cnet a)\""
	nft list set inet cnet firewall-isolated | grep -F "\"$(bridge_of cnet b)\""
	[ "$(nft -j list set inet cnet firewall-members | jq '[.nftables[].set.elem // [] | .[]] | length')" -eq 3 ]

	# DEL: cnet's elements go with the last member of each network; the reference leaves its
	# isolation rules (its teardown is a no-op: the bridge may still be in use)
	local side id
	for side in ref cnet; do
		for id in a1 a2 b1; do
			fw "$side" DEL "$id" '.ingressPolicy = "same-bridge"'
			[ "$status" -eq 0 ]
		done
	done
	[ "$(nft -j list table inet cnet | jq '[.nftables[].set | select(.name? // "" | startswith("firewall-")) | .elem // [] | .[]] | length')" -eq 0 ]
	iptables -S CNI-ISOLATION-STAGE-2 | grep -F -- "-o $rba "
	iptables -S CNI-ISOLATION-STAGE-2 | grep -F -- "-o $rbb "
}

@test "difference: ingressPolicy same-bridge, a published port is reachable from the other network with cnet only" {
	outside
	local side hp
	for side in ref cnet; do
		hp=8080
		[[ $side == cnet ]] && hp=8081
		container "$side" a a1
		container "$side" b b1
		serve "$side" a1
		publish "$side" a1 "$hp"
		fw_add "$side" a1 '.ingressPolicy = "same-bridge"'
		fw_add "$side" b1 '.ingressPolicy = "same-bridge"'
	done
	# b1 -> the host's address -> DNAT -> a1, on the other bridge
	reaches cnet-a1 -n "$(nsof cnet b1)" 10.98.0.1 8081
	refused -n "$(nsof ref b1)" 10.98.0.1 8080
	# with the reference it is the isolation that drops it, not only the FORWARD policy
	iptables -P FORWARD ACCEPT
	refused -n "$(nsof ref b1)" 10.98.0.1 8080
	# (the outside does get through with ACCEPT: the path works)
	reaches "ref-a1 10.98.0.2" -n "$OUT" 10.98.0.1 8080
	iptables -P FORWARD DROP
	# the direct address stays isolated with cnet
	refused -n "$(nsof cnet b1)" "$(ipof cnet a1)" 80
}

# ---- DEL -----------------------------------------------------------------------------------

@test "DEL with prevResult removes the container's rules in both; twice is fine; chains stay" {
	local side
	outside
	for side in ref cnet; do
		container "$side" a c1 0.4.0
		container "$side" a c2 0.4.0
		fw_add "$side" c1
		fw_add "$side" c2
		pinged "$(nsof "$side" c1)" 10.98.0.2
	done
	for side in ref cnet; do
		fw "$side" DEL c1
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		[ -z "$(rules_of "$side" c1)" ]
		# the other container keeps its rules
		[ -n "$(rules_of "$side" c2)" ]
		fw "$side" DEL c1
		[ "$status" -eq 0 ]
		[ -z "$output" ]
		unpinged "$(nsof "$side" c1)" 10.98.0.2
		pinged "$(nsof "$side" c2)" 10.98.0.2
		fw "$side" DEL c2
		[ "$status" -eq 0 ]
	done
	# both leave the chains and the jumps, and nothing else
	is "$(filter_table)" '*filter
:INPUT ACCEPT
:FORWARD DROP
:OUTPUT ACCEPT
:CNI-ADMIN -
:CNI-FORWARD -
-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD
-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
COMMIT'
}

@test "difference: DEL without prevResult: cnet removes its rules (by owner), the reference leaks them" {
	local side
	for side in ref cnet; do
		container "$side" a c1
		fw_add "$side" c1
	done
	for side in ref cnet; do
		fw "$side" DEL c1 'del(.prevResult)'
		[ "$status" -eq 0 ]
	done
	[ -z "$(rules_of cnet c1)" ]
	is "$(rules_of ref c1)" "-A CNI-FORWARD -d $(ipof ref c1)/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A CNI-FORWARD -s $(ipof ref c1)/32 -j ACCEPT"
	# cnet, twice, and with prevResult after it: nothing to do, no error
	fw cnet DEL c1 'del(.prevResult)'
	[ "$status" -eq 0 ]
	fw cnet DEL c1
	[ "$status" -eq 0 ]
	# the reference's are only removed by a DEL with prevResult
	fw ref DEL c1
	[ "$status" -eq 0 ]
	[ -z "$(rules_of ref c1)" ]
}

# ---- CHECK ---------------------------------------------------------------------------------

# check_both: CHECK of c1 on both sides; keeps exit status and output in CST/COUT.
check_both() {
	local side
	for side in ref cnet; do
		fw "$side" CHECK c1
		CST[$side]=$status
		COUT[$side]=$output
	done
}

# check_fails REF_TEXT CNET_TEXT: both CHECKs failed with exit 1 and an error JSON (code, msg)
# whose msg contains the side's TEXT. The codes differ: the reference says 999, cnet 7.
check_fails() {
	local side ok=0
	local -A want=([ref]="$1" [cnet]="$2")
	for side in ref cnet; do
		if [[ ${CST[$side]} != 1 ]] ||
			! jq -e --arg t "${want[$side]}" '(.code | type) == "number" and (.msg | contains($t))' \
				<<<"${COUT[$side]}" >/dev/null; then
			printf '%s: expected exit 1 and a msg containing "%s", got exit %s: %s\n' "$side" \
				"${want[$side]}" "${CST[$side]}" "${COUT[$side]}" >&2
			ok=1
		fi
	done
	printf '# CHECK: ref: %s\n# CHECK: cnet: %s\n' "$(jq -c . <<<"${COUT[ref]}")" \
		"$(jq -c . <<<"${COUT[cnet]}")" >&3
	[ "$(jq .code <<<"${COUT[ref]}")" = 999 ]
	[ "$(jq .code <<<"${COUT[cnet]}")" = 7 ]
	return $ok
}

@test "CHECK succeeds after ADD; fails on both once a rule of the container is deleted by hand" {
	declare -A CST COUT
	local side ip
	for side in ref cnet; do
		container "$side" a c1
		fw_add "$side" c1
	done
	check_both
	[ "${CST[ref]}" -eq 0 ] && [ -z "${COUT[ref]}" ]
	[ "${CST[cnet]}" -eq 0 ] && [ -z "${COUT[cnet]}" ]

	# the container's -s rule
	ip=$(ipof ref c1)
	iptables -D CNI-FORWARD -s "$ip/32" -j ACCEPT
	ip=$(ipof cnet c1)
	iptables -D CNI-FORWARD -s "$ip/32" -m comment --comment "$(owner cnet c1)" -j ACCEPT
	check_both
	check_fails "expected rule [-s $(ipof ref c1)/32 -j ACCEPT] not found" \
		"chain CNI-FORWARD: 2 rules of this attachment, expected 3"

	# ADD again repairs it
	fw_add ref c1
	fw_add cnet c1
	check_both
	[ "${CST[ref]}" -eq 0 ] && [ "${CST[cnet]}" -eq 0 ]

	# the shared jump from FORWARD
	iptables -D FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD
	check_both
	check_fails "expected FORWARD rule [-m comment --comment CNI firewall plugin rules -j CNI-FORWARD] not found" \
		"the jump from FORWARD to CNI-FORWARD is missing"
	fw_add ref c1
	fw_add cnet c1

	# the shared jump to the admin chain
	iptables -D CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
	check_both
	check_fails "expected CNI-FORWARD rule [-m comment --comment CNI firewall plugin admin overrides -j CNI-ADMIN] not found" \
		"the jump from CNI-FORWARD to the admin chain is missing"
	fw_add ref c1
	fw_add cnet c1
	check_both
	[ "${CST[ref]}" -eq 0 ] && [ "${CST[cnet]}" -eq 0 ]
	[ "$(iptables -S FORWARD | grep -c -- '-j CNI-FORWARD')" -eq 1 ]
	[ "$(iptables -S CNI-FORWARD | grep -c -- '-j CNI-ADMIN')" -eq 1 ]
}

# ---- iptables-save | iptables-restore ------------------------------------------------------

@test "after iptables-save | iptables-restore, CHECK, ADD and DEL still find the rules (both)" {
	local side before
	for side in ref cnet; do
		container "$side" a c1
		fw_add "$side" c1
	done
	# a host that saves and restores its rules (netfilter-persistent, firewall scripts):
	# iptables shows exactly the same rules afterwards ...
	before=$(filter_table)
	iptables-save -t filter >"$STATE/filter.rules"
	iptables-restore <"$STATE/filter.rules"
	is "$(filter_table)" "$before"
	# ... and the reference does not notice: CHECK passes, ADD adds nothing, DEL removes them
	fw ref CHECK c1
	[ "$status" -eq 0 ]
	fw_add ref c1
	is "$(rules_of ref c1 | wc -l)" 2
	fw ref DEL c1
	[ "$status" -eq 0 ]
	[ -z "$(rules_of ref c1)" ]

	# cnet: the owner is an xt "comment" match, the form iptables-restore writes back
	fw cnet CHECK c1
	[ "$status" -eq 0 ]
	fw_add cnet c1
	is "$(rules_of cnet c1 | wc -l)" 3
	fw cnet DEL c1
	[ "$status" -eq 0 ]
	[ -z "$(rules_of cnet c1)" ]
}
