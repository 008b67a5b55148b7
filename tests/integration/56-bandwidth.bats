#!/usr/bin/env bats
# The bandwidth plugin, chained after cnet's bridge (host-local IPAM): its own behaviour,
# then differential tests against the reference ($REF_BIN/bandwidth, Debian 12's
# containernetworking/plugins v1.1.1).
#
# Ingress limits (ingressRate/ingressBurst, bits/s and bits) are a tbf qdisc (1:, root) on
# the host-side veth; egress limits put an ifb "bwp" + sha512(network name + container ID)
# [:12], an ingress qdisc (ffff:) on the host veth whose u32 filter redirects everything to
# the ifb, and a tbf on the ifb. Both sides compute rate, burst and limit the same way (25 ms
# latency), so `tc -j` shows the same qdiscs and filters on both.
#
# Every container is a netns with a bridge port on $BR; both sides use cnet's bridge, so the
# prevResult handed to bandwidth has the same shape. Differential tests run the same configs
# through both binaries, one after the other (same container ID, DEL in between) or on two
# containers at once (the ifb names then differ and are normalised), and compare the printed
# results (MACs and host veth names normalised) and the kernel's view.
# Deliberate (or observed) differences are asserted in tests named "difference:": error
# codes (7 vs 999), a failed ADD undone, the ifb's alias (cnet's GC finds its ifbs by it),
# the reference's second, unreachable mirred action, CHECK noticing a removed tbf.

# Bats runs each test in a subshell:
# shellcheck disable=SC2030,SC2031

load helpers

IN='.ingressRate = 1000000 | .ingressBurst = 80000'
EG='.egressRate = 2000000 | .egressBurst = 160000'

setup() {
	cnet_setup
	export LC_ALL=C
	command -v tc >/dev/null || skip "tc (iproute2) not installed"
	BR=bwbr-$SUFFIX
	NET=bw-$SUFFIX
	track_link "$BR"
	declare -gA CIDS NSN PREV HV
}

teardown() {
	cnet_teardown
}

# ---- helpers ------------------------------------------------------------------------------

need_ref() {
	[[ -x $REF_BIN/bandwidth ]] || skip "reference bandwidth not installed in $REF_BIN"
}

# ifb_name NETWORK CID: the reference's ifb name.
ifb_name() { echo "bwp$(printf '%s' "$1$2" | sha512sum | cut -c1-12)"; }

# container KEY [CID] [BRIDGE_FILTER]: netns KEY-$SUFFIX with eth0 on $BR made by cnet's bridge
# (its own host-local dataDir, so every KEY gets 10.77.0.2); CID defaults to KEY-$SUFFIX.
# Sets CIDS[KEY], NSN[KEY], PREV[KEY] (the bridge's result), HV[KEY] (the host veth).
container() {
	local key=$1 cid=${2:-$1-$SUFFIX} ns=$1-$SUFFIX conf
	make_ns "$ns"
	conf=$(jq -nc --arg net "$NET" --arg br "$BR" --arg dir "$DATA_DIR/$key" '{
		cniVersion: "1.0.0", name: $net, type: "bridge", bridge: $br, isGateway: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.77.0.0/24"}]]}}' |
		jq -c "${3:-.}")
	cni bridge ADD "$cid" "$(ns_path "$ns")" eth0 "$conf"
	[ "$status" -eq 0 ]
	CIDS[$key]=$cid
	NSN[$key]=$ns
	PREV[$key]=$output
	HV[$key]=$(jq -r --arg br "$BR" '.interfaces[] | select(.sandbox == null and .name != $br)
		| .name' <<<"$output")
	[[ ${HV[$key]} == veth* ]]
	track_link "$(ifb_name "$NET" "$cid")"
}

# bwconf KEY [FILTER] [NETWORK]: a bandwidth config with KEY's bridge result as prevResult.
# A string "N:DIGITS" in it becomes the number DIGITS as written (jq would round integers
# over 2^53 and print 1e+19).
bwconf() {
	jq -nc --arg net "${3:-$NET}" --argjson prev "${PREV[$1]}" '{cniVersion: "1.0.0",
		name: $net, type: "bandwidth", prevResult: $prev}' | jq -c "${2:-.}" |
		sed 's/"N:\([0-9]*\)"/\1/g'
}

# bw SIDE CMD KEY CONFIG: run that side's bandwidth (cnet|ref) for container KEY; like cni.
bw() {
	local ref=0
	[[ $1 == ref ]] && ref=1
	USE_REF=$ref cni bandwidth "$2" "${CIDS[$3]}" "$(ns_path "${NSN[$3]}")" eth0 "$4"
}

# ifb KEY [NETWORK]: the ifb name of container KEY.
ifb() { ifb_name "${2:-$NET}" "${CIDS[$1]}"; }

has_link() { ip link show "$1" >/dev/null 2>&1; }
no_link() { ! ip link show "$1" >/dev/null 2>&1; }

# qdiscs DEV: tc's qdiscs of DEV, one line of JSON.
qdiscs() { tc -j qdisc show dev "$1" | jq -c .; }

# shaping DEV: DEV's tbf and ingress qdiscs, without refcnt, one line of JSON.
shaping() {
	tc -j qdisc show dev "$1" | jq -c '[.[] | select(.kind == "tbf" or .kind == "ingress")
		| del(.refcnt)]'
}

# filters DEV [IFB]: DEV's ingress filters, action indices dropped (a per-netns counter),
# the ifb's name replaced by IFB, and the actions after the first that steals the packet
# dropped (the reference adds a second mirred that is never reached: see "difference:").
filters() {
	tc -j filter show dev "$1" ingress | jq -c --arg ifb "${2:-}" 'walk(
		if type == "object" then del(.index)
		  | if .to_dev? != null and .to_dev == $ifb then .to_dev = "IFB" else . end
		  | if (.actions? | type) == "array" then .actions |= (
			(map(.control_action.type) | index("stolen")) as $i
			| if $i == null then . else .[:$i + 1] end) else . end
		else . end)'
}

# link_attrs DEV: what both sides should agree on for an ifb.
link_attrs() {
	ip -j -d link show "$1" | jq -c '.[0] | {flags, mtu, qdisc, operstate, txqlen: (.txqlen // 0),
		kind: .linkinfo.info_kind, promiscuity, allmulti}'
}

# norm [IFB...]: a result with MACs, host veth names, sandboxes and the given ifb names replaced.
norm() {
	local a='[]' i
	for i in "$@"; do a=$(jq -c --arg i "$i" '. + [$i]' <<<"$a"); done
	jq -S --argjson ifbs "$a" 'walk(if type == "object" and has("mac") then .mac = "MAC" else . end
		| if type == "object" and has("sandbox") then .sandbox = "NETNS" else . end
		| if type == "object" and ((.name // "") | test("^veth[0-9a-f]{8}$"))
		  then .name = "HOSTVETH" else . end
		| if type == "object" and (.name? as $n | $ifbs | index([$n]) != null)
		  then .name = "IFB" else . end)'
}

# tbf_of RATE BURST: the tbf tc shows for the reference's formula (rate and burst in bytes,
# 25 ms latency), without refcnt.
tbf_of() {
	jq -nc --argjson r "$(($1 / 8))" --argjson b "$(($2 / 8))" \
		'{kind: "tbf", handle: "1:", root: true, options: {rate: $r, burst: $b, lat: 25000}}'
}

# with_ifb KEY [NETWORK]: KEY's prevResult with KEY's ifb appended, its MAC as the kernel says.
with_ifb() {
	local n
	n=$(ifb "$1" "${2:-}")
	jq -c --arg n "$n" --arg m "$(ip -j link show "$n" | jq -r '.[0].address')" \
		'.interfaces += [{name: $n, mac: $m}]' <<<"${PREV[$1]}"
}

# del_ok SIDE KEY CONFIG: DEL twice, both succeed and print nothing.
del_ok() {
	local _
	for _ in 1 2; do
		bw "$1" DEL "$2" "$3"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

# gc LIST_JSON [NETWORK]: cnet's GC (1.1.0) with cni.dev/valid-attachments = LIST_JSON.
gc() {
	cni bandwidth GC "" "" "" "$(jq -nc --arg net "${2:-$NET}" --argjson l "$1" '{
		cniVersion: "1.1.0", name: $net, type: "bandwidth", "cni.dev/valid-attachments": $l}')"
}

# tc_packets DEV: packets sent by DEV's root tbf.
tc_packets() { tc -s -j qdisc show dev "$1" | jq '[.[] | select(.kind == "tbf") | .packets] | add // 0'; }

# sent_some DEV: DEV's tbf has sent at least a packet.
sent_some() { (($(tc_packets "$1") > 0)); }

# ---- ADD / CHECK / DEL ------------------------------------------------------------------------

@test "ingress only: a tbf (1:, root) on the host veth with the reference's formula; prevResult printed unchanged; no ifb" {
	container c
	bw cnet ADD c "$(bwconf c "$IN")"
	[ "$status" -eq 0 ]
	json_eq "${PREV[c]}" "$output"
	is "$(shaping "${HV[c]}")" "[$(tbf_of 1000000 80000)]"
	no_link "$(ifb c)"
	assert_no_leftovers "$BR" "${HV[c]}"
	bw cnet CHECK c "$(bwconf c "$IN")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	del_ok cnet c "$(bwconf c "$IN")"
}

@test "egress only: ifb bwp+sha512(name+id)[:12] with the host veth's MTU, up; ingress qdisc + u32 match-all redirect; tbf on the ifb; result has the ifb appended" {
	container c "" '.mtu = 1400'
	local n
	n=$(ifb c)
	[[ $n =~ ^bwp[0-9a-f]{12}$ ]]
	bw cnet ADD c "$(bwconf c "$EG")"
	[ "$status" -eq 0 ]
	json_eq "$(with_ifb c)" "$output"
	local l
	l=$(ip -j -d link show "$n")
	is "$(jq -r '.[0].linkinfo.info_kind' <<<"$l")" ifb
	is "$(jq -r '.[0].mtu' <<<"$l")" 1400
	jq -e '.[0].flags | index("UP")' <<<"$l" >/dev/null
	# host veth: no tbf of its own, the ingress qdisc; its filter redirects to the ifb
	is "$(shaping "${HV[c]}")" '[{"kind":"ingress","handle":"ffff:","parent":"ffff:fff1","options":{}}]'
	local f
	f=$(tc -j filter show dev "${HV[c]}" ingress)
	is "$(jq -c '[.[] | select(.options.match != null) | {parent, protocol, pref, kind,
		flowid: .options.flowid, match: .options.match,
		action: (.options.actions[0] | {kind, mirred_action, direction, to_dev})}]' <<<"$f")" \
		"[{\"parent\":\"ffff:\",\"protocol\":\"all\",\"pref\":1,\"kind\":\"u32\",\"flowid\":\"1:1\",\"match\":{\"value\":\"0\",\"mask\":\"0\",\"offmask\":\"\",\"off\":0},\"action\":{\"kind\":\"mirred\",\"mirred_action\":\"redirect\",\"direction\":\"egress\",\"to_dev\":\"$n\"}}]"
	is "$(shaping "$n")" "[$(tbf_of 2000000 160000)]"
	bw cnet CHECK c "$(bwconf c "$EG")"
	[ "$status" -eq 0 ]
	# traffic from the container goes through the ifb's tbf
	ip netns exec "${NSN[c]}" ping -c 1 -W 2 10.77.0.1 >/dev/null
	wait_until 2 sent_some "$n"
	del_ok cnet c "$(bwconf c "$EG")"
	no_link "$n"
}

@test "ingress and egress: both tbfs, CHECK passes, DEL removes the ifb (twice, no prevResult, no netns)" {
	container c
	local c n
	c=$(bwconf c "$IN | $EG")
	n=$(ifb c)
	bw cnet ADD c "$c"
	[ "$status" -eq 0 ]
	json_eq "$(with_ifb c)" "$output"
	is "$(shaping "${HV[c]}")" "[$(tbf_of 1000000 80000),{\"kind\":\"ingress\",\"handle\":\"ffff:\",\"parent\":\"ffff:fff1\",\"options\":{}}]"
	is "$(shaping "$n")" "[$(tbf_of 2000000 160000)]"
	# the container's traffic both ways is shaped
	ip netns exec "${NSN[c]}" ping -c 1 -W 2 10.77.0.1 >/dev/null
	wait_until 2 sent_some "$n"
	wait_until 2 sent_some "${HV[c]}"
	bw cnet CHECK c "$c"
	[ "$status" -eq 0 ]
	del_ok cnet c "$(bwconf c 'del(.prevResult)')"
	no_link "$n"

	# again, then DEL with the namespace gone and with CNI_NETNS empty
	tc qdisc del dev "${HV[c]}" root 2>/dev/null || true
	tc qdisc del dev "${HV[c]}" ingress 2>/dev/null || true
	bw cnet ADD c "$c"
	[ "$status" -eq 0 ]
	has_link "$n"
	cni bandwidth DEL "${CIDS[c]}" "" eth0 "$c"
	[ "$status" -eq 0 ]
	no_link "$n"
	tc qdisc del dev "${HV[c]}" root 2>/dev/null || true
	tc qdisc del dev "${HV[c]}" ingress 2>/dev/null || true
	bw cnet ADD c "$c"
	[ "$status" -eq 0 ]
	has_link "$n"
	_cnet_del_ns "${NSN[c]}"
	del_ok cnet c "$(bwconf c 'del(.prevResult)')"
	no_link "$n"
	assert_no_leftovers "$BR"
}

@test "DEL of an attachment never added: success, nothing printed" {
	container c
	del_ok cnet c "$(bwconf c "$IN | $EG")"
	del_ok cnet c "$(bwconf c 'del(.prevResult)')"
	is "$(shaping "${HV[c]}")" '[]'
}

@test "nothing set, or all zero (top level or runtimeConfig): prevResult printed unchanged, nothing made" {
	container c
	local before f
	before=$(qdiscs "${HV[c]}")
	for f in . '.ingressRate = 0 | .ingressBurst = 0 | .egressRate = 0 | .egressBurst = 0' \
		'.runtimeConfig.bandwidth = {}' \
		'.runtimeConfig.bandwidth = {ingressRate: 0, ingressBurst: 0, egressRate: 0, egressBurst: 0}' \
		'.runtimeConfig = {}'; do
		bw cnet ADD c "$(bwconf c "$f")"
		[ "$status" -eq 0 ]
		json_eq "${PREV[c]}" "$output"
		is "$(qdiscs "${HV[c]}")" "$before"
		no_link "$(ifb c)"
	done
}

@test "runtimeConfig.bandwidth applies; any top-level key makes the top level win over it" {
	container c
	local rc='.runtimeConfig.bandwidth = {ingressRate: 4000000, ingressBurst: 400000,
		egressRate: 8000000, egressBurst: 800000}'
	bw cnet ADD c "$(bwconf c "$rc")"
	[ "$status" -eq 0 ]
	json_eq "$(with_ifb c)" "$output"
	is "$(shaping "${HV[c]}" | jq -c '.[0]')" "$(tbf_of 4000000 400000)"
	is "$(shaping "$(ifb c)")" "[$(tbf_of 8000000 800000)]"
	bw cnet CHECK c "$(bwconf c "$rc")"
	[ "$status" -eq 0 ]
	del_ok cnet c "$(bwconf c "$rc")"

	container d
	bw cnet ADD d "$(bwconf d "$rc | $IN")"
	[ "$status" -eq 0 ]
	json_eq "${PREV[d]}" "$output"
	is "$(shaping "${HV[d]}")" "[$(tbf_of 1000000 80000)]"
	no_link "$(ifb d)"

	# a single top-level key, zero, still wins: nothing to do
	container e
	bw cnet ADD e "$(bwconf e "$rc | .egressRate = 0")"
	[ "$status" -eq 0 ]
	json_eq "${PREV[e]}" "$output"
	is "$(shaping "${HV[e]}")" '[]'
	no_link "$(ifb e)"
}

@test "a conflist with the bandwidth capability, as libcni runs it: ADD, CHECK, DEL (twice)" {
	local list=$STATE/bw.conflist id=k-$SUFFIX rc n hv
	jq -n --arg net "$NET" --arg br "$BR" --arg dir "$DATA_DIR" '{cniVersion: "1.0.0",
		name: $net, plugins: [
		{type: "bridge", bridge: $br, isGateway: true,
		 ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.77.0.0/24"}]]}},
		{type: "bandwidth", capabilities: {bandwidth: true}}]}' >"$list"
	rc='{"bandwidth": {"ingressRate": 16000000, "ingressBurst": 1600000,
		"egressRate": 24000000, "egressBurst": 2400000}}'
	n=$(ifb_name "$NET" "$id")
	track_link "$n"
	make_ns "$id"
	cni_chain ADD "$list" "$id" "$rc"
	[ "$status" -eq 0 ]
	is "$(jq -r '.interfaces[-1].name' "$STATE/$id.result")" "$n"
	hv=$(jq -r '.interfaces[1].name' "$STATE/$id.result")
	is "$(shaping "$hv" | jq -c '.[0]')" "$(tbf_of 16000000 1600000)"
	is "$(shaping "$n")" "[$(tbf_of 24000000 2400000)]"
	cni_chain CHECK "$list" "$id" "$rc"
	[ "$status" -eq 0 ]
	cni_chain DEL "$list" "$id" "$rc"
	[ "$status" -eq 0 ]
	cni_chain DEL "$list" "$id" "$rc"
	[ "$status" -eq 0 ]
	no_link "$n"
	assert_no_leftovers "$BR"
}

@test "CHECK fails when the ifb is gone, its tbf or the host veth's tbf was removed" {
	local k c
	for k in a b d; do
		container "$k"
		bw cnet ADD "$k" "$(bwconf "$k" "$IN | $EG")"
		[ "$status" -eq 0 ]
		bw cnet CHECK "$k" "$(bwconf "$k" "$IN | $EG")"
		[ "$status" -eq 0 ]
	done
	ip link del "$(ifb a)"
	tc qdisc del dev "$(ifb b)" root
	tc qdisc del dev "${HV[d]}" root
	for k in a b d; do
		bw cnet CHECK "$k" "$(bwconf "$k" "$IN | $EG")"
		[ "$status" -ne 0 ] || {
			echo "CHECK of $k passed" >&2
			return 1
		}
	done
	# the settings themselves are compared too
	container e
	bw cnet ADD e "$(bwconf e "$IN | $EG")"
	[ "$status" -eq 0 ]
	for c in '.ingressRate = 1000008' '.egressBurst = 160008'; do
		bw cnet CHECK e "$(bwconf e "$IN | $EG | $c")"
		[ "$status" -ne 0 ] || {
			echo "CHECK with $c passed" >&2
			return 1
		}
	done
}

# refused KEY FILTER NAME...: ADD fails with code 7, the msg naming every NAME; nothing made.
refused() {
	local key=$1 f=$2 before
	shift 2
	before=$(qdiscs "${HV[$key]}")
	bw cnet ADD "$key" "$(bwconf "$key" "$f")"
	err_is 7 "$@"
	is "$(qdiscs "${HV[$key]}")" "$before"
	no_link "$(ifb "$key")"
}

@test "bad config: code 7 naming the key (a rate/burst pair: both), nothing made" {
	container c
	refused c '.ingressRate = 1000000' ingressBurst ingressRate
	refused c '.ingressBurst = 80000' ingressRate ingressBurst
	refused c '.egressRate = 1000000' egressBurst egressRate
	refused c '.egressBurst = 80000' egressRate egressBurst
	refused c "$IN | .egressRate = 1000000 | .egressBurst = 34359738368" egressBurst
	refused c "$IN | .egressRate = 1000000 | .egressBurst = 99999999999999" egressBurst
	refused c "$EG | .ingressRate = 1000000 | .ingressBurst = 34359738368" ingressBurst
	refused c "$EG | .ingressRate = -1 | .ingressBurst = 80000" ingressRate
	refused c "$IN | .egressRate = 2000000 | .egressBurst = -8" egressBurst
	refused c "$EG | .ingressRate = \"1000000\" | .ingressBurst = 80000" ingressRate
	refused c "$EG | .ingressRate = 1000000 | .ingressBurst = 1.5" ingressBurst
	refused c "$IN | .egressRate = true | .egressBurst = 80000" egressRate
	refused c '.runtimeConfig.bandwidth = 5' runtimeConfig.bandwidth
	refused c '.runtimeConfig.bandwidth = "x"' runtimeConfig.bandwidth
	refused c '.runtimeConfig.bandwidth = [1]' runtimeConfig.bandwidth
	refused c '.runtimeConfig.bandwidth = {ingressRate: 1000000}' runtimeConfig.bandwidth \
		ingressBurst ingressRate
	refused c '.runtimeConfig.bandwidth = {egressRate: -5, egressBurst: 80000}' runtimeConfig.bandwidth \
		egressRate
}

@test "the ifb's alias names network, container and interface (cnet only)" {
	container c
	bw cnet ADD c "$(bwconf c "$EG")"
	[ "$status" -eq 0 ]
	is "$(ip -j -d link show "$(ifb c)" | jq -r '.[0].ifalias')" "cnet bandwidth $NET ${CIDS[c]} eth0"
}

# ---- GC -----------------------------------------------------------------------------------------

@test "GC (1.1.0) removes this network's cnet ifbs not listed; keeps other networks' and alias-less ifbs" {
	local k other=$NET-b
	for k in a b d; do
		container "$k"
		bw cnet ADD "$k" "$(bwconf "$k" "$EG")"
		[ "$status" -eq 0 ]
	done
	# e: cnet's, in another network whose name starts with this one's
	container e
	track_link "$(ifb e "$other")"
	bw cnet ADD e "$(bwconf e "$EG" "$other")"
	[ "$status" -eq 0 ]
	# an ifb without cnet's alias, named as this network's, and one with someone else's alias
	local plain loose
	plain=$(ifb_name "$NET" gone-$SUFFIX)
	loose=bwpfeedfeedfeed
	track_link "$plain"
	track_link "$loose"
	ip link add "$plain" type ifb
	ip link add "$loose" type ifb
	ip link set "$loose" alias "something else $NET x eth0"

	# b is listed with another ifname: its eth0 is not valid
	gc "[{\"containerID\": \"${CIDS[a]}\", \"ifname\": \"eth0\"},
		{\"containerID\": \"${CIDS[b]}\", \"ifname\": \"net1\"}]"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	has_link "$(ifb a)"
	no_link "$(ifb b)"
	no_link "$(ifb d)"
	has_link "$(ifb e "$other")"
	has_link "$plain"
	has_link "$loose"
	# again: nothing more to do; an empty list clears the network
	gc "[{\"containerID\": \"${CIDS[a]}\", \"ifname\": \"eth0\"}]"
	[ "$status" -eq 0 ]
	has_link "$(ifb a)"
	gc '[]'
	[ "$status" -eq 0 ]
	no_link "$(ifb a)"
	has_link "$(ifb e "$other")"
	has_link "$plain"
	has_link "$loose"
	# the other network's own GC
	gc '[]' "$other"
	[ "$status" -eq 0 ]
	no_link "$(ifb e "$other")"
	has_link "$plain"
}

# ---- differential: the same configs through both ---------------------------------------------

# snapshot KEY: the kernel's view of KEY's shaping, one JSON object: the host veth's qdiscs
# and filters, the ifb's qdiscs (ifb name replaced by IFB). The ifb link itself is compared
# in a test of its own.
snapshot() {
	local n hv=${HV[$1]}
	n=$(ifb "$1")
	jq -nc --argjson q "$(qdiscs "$hv")" --argjson f "$(filters "$hv" "$n")" \
		--argjson iq "$(if has_link "$n"; then qdiscs "$n"; else echo null; fi)" \
		'{hostveth: {qdiscs: $q, filters: $f}, ifb: {qdiscs: $iq}}'
}

# same_on_both [--same-status] FILTER: ADD FILTER through the reference (container r) and
# cnet (container c) at once; both succeed (with --same-status: both succeed or both fail),
# same result after normalising, same kernel state; then both DELs, and the host veths'
# qdiscs removed for the next round.
same_on_both() {
	local any=0 st_r st_c out_r out_c snap_r snap_c k r=${RK:-r} c=${CK:-c}
	if [[ $1 == --same-status ]]; then
		any=1
		shift
	fi
	bw ref ADD "$r" "$(bwconf "$r" "$1")"
	st_r=$status
	out_r=$output
	bw cnet ADD "$c" "$(bwconf "$c" "$1")"
	st_c=$status
	out_c=$output
	if ((any)); then
		is "$((st_c != 0))" "$((st_r != 0))"
	else
		[ "$st_r" -eq 0 ]
		[ "$st_c" -eq 0 ]
	fi
	if ((st_r == 0)); then
		json_eq "$(norm "$(ifb "$r")" <<<"$out_r")" "$(norm "$(ifb "$c")" <<<"$out_c")"
		snap_r=$(snapshot "$r")
		snap_c=$(snapshot "$c")
		json_eq "$snap_r" "$snap_c"
	fi
	bw ref DEL "$r" "$(bwconf "$r" "$1")"
	[ "$status" -eq 0 ]
	bw cnet DEL "$c" "$(bwconf "$c" "$1")"
	[ "$status" -eq 0 ]
	no_link "$(ifb "$r")"
	no_link "$(ifb "$c")"
	for k in "$r" "$c"; do
		tc qdisc del dev "${HV[$k]}" root 2>/dev/null || true
		tc qdisc del dev "${HV[$k]}" ingress 2>/dev/null || true
	done
}

@test "same: ingress, egress, both, runtimeConfig; rates and bursts of many sizes give the same result, qdiscs (host veth, ifb) and filters" {
	need_ref
	container r "" '.mtu = 1450'
	container c "" '.mtu = 1450'
	local rb rate burst
	for rb in 1000000:80000 2000000:160000 100:999 12345:6789 1000000000:1000000 \
		10000000000:12345678 100000000000:800000000 64000:96000; do
		rate=${rb%:*}
		burst=${rb#*:}
		same_on_both ".ingressRate = $rate | .ingressBurst = $burst" || {
			echo "ingress $rate/$burst" >&2
			return 1
		}
		same_on_both ".egressRate = $rate | .egressBurst = $burst" || {
			echo "egress $rate/$burst" >&2
			return 1
		}
	done
	same_on_both "$IN | $EG"
	same_on_both '.runtimeConfig.bandwidth = {ingressRate: 5000000, ingressBurst: 50000,
		egressRate: 6000000, egressBurst: 60000}'
}

@test "same: extreme rates and bursts (a byte/s, bursts under a byte, just under 4 GB, rates over 2^63): same success or failure, same qdiscs" {
	need_ref
	container r
	container c
	local rb rate burst
	for rb in 8:8 8:80000 80:8 7:16 999999:7 3000000:34359738359 \
		9223372036854775807:80000 10000000000000000000:80000 18446744073709551615:80000; do
		rate=${rb%:*}
		burst=${rb#*:}
		same_on_both --same-status ".ingressRate = \"N:$rate\" | .ingressBurst = \"N:$burst\"" || {
			echo "ingress $rate/$burst" >&2
			return 1
		}
		same_on_both --same-status ".egressRate = \"N:$rate\" | .egressBurst = \"N:$burst\"" || {
			echo "egress $rate/$burst" >&2
			return 1
		}
	done
}

@test "same: nothing set, all zero, top level winning over runtimeConfig; every cniVersion's result" {
	need_ref
	container r
	container c
	local f v
	for f in . '.ingressRate = 0 | .ingressBurst = 0 | .egressRate = 0 | .egressBurst = 0' \
		'.runtimeConfig.bandwidth = {ingressRate: 4000000, ingressBurst: 400000} | .egressRate = 0' \
		'.runtimeConfig.bandwidth = {egressRate: 4000000, egressBurst: 400000} | '"$IN"; do
		same_on_both "$f"
	done
	# the bridge's result in the config's version, as libcni hands it
	for v in 0.3.0 0.3.1 0.4.0 1.0.0; do
		container "r${v//./}" "" ".cniVersion = \"$v\""
		container "c${v//./}" "" ".cniVersion = \"$v\""
		RK=r${v//./} CK=c${v//./} same_on_both ".cniVersion = \"$v\" | $EG"
	done
}

@test "same: the ifb link: kind, flags (up), MTU of the host veth, qdisc, promiscuity (txqlen: see the difference)" {
	need_ref
	container r "" '.mtu = 1420'
	container c "" '.mtu = 1420'
	bw ref ADD r "$(bwconf r "$IN | $EG")"
	[ "$status" -eq 0 ]
	bw cnet ADD c "$(bwconf c "$IN | $EG")"
	[ "$status" -eq 0 ]
	is "$(link_attrs "$(ifb r)" | jq .mtu)" 1420
	json_eq "$(link_attrs "$(ifb r)" | jq -c 'del(.txqlen)')" "$(link_attrs "$(ifb c)" | jq -c 'del(.txqlen)')"
}

@test "difference: the ifb's txqueuelen: v1.1.1 0, cnet the kernel's default (32), as for veths" {
	need_ref
	container r
	container c
	bw ref ADD r "$(bwconf r "$EG")"
	[ "$status" -eq 0 ]
	bw cnet ADD c "$(bwconf c "$EG")"
	[ "$status" -eq 0 ]
	is "$(link_attrs "$(ifb r)" | jq .txqlen)" 0
	is "$(link_attrs "$(ifb c)" | jq .txqlen)" 32
}

@test "same: one network name and container ID give one ifb name on both sides, the reference's hash" {
	need_ref
	local cid=same-$SUFFIX out
	container r "$cid"
	bw ref ADD r "$(bwconf r "$EG")"
	[ "$status" -eq 0 ]
	is "$(jq -r '.interfaces[-1].name' <<<"$output")" "$(ifb_name "$NET" "$cid")"
	bw ref DEL r "$(bwconf r "$EG")"
	[ "$status" -eq 0 ]
	_cnet_del_ns "${NSN[r]}"
	container c "$cid"
	bw cnet ADD c "$(bwconf c "$EG")"
	[ "$status" -eq 0 ]
	is "$(jq -r '.interfaces[-1].name' <<<"$output")" "$(ifb_name "$NET" "$cid")"
	has_link "$(ifb_name "$NET" "$cid")"
	# a long network name and ID: still 15 characters
	out=$(ifb_name "a-network-name-well-over-fifteen-characters" \
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")
	is "${#out}" 15
}

@test "same: upgrade path: cnet's DEL removes the reference's ifb, the reference's DEL removes cnet's" {
	need_ref
	container c
	bw ref ADD c "$(bwconf c "$IN | $EG")"
	[ "$status" -eq 0 ]
	has_link "$(ifb c)"
	del_ok cnet c "$(bwconf c "$IN | $EG")"
	no_link "$(ifb c)"
	tc qdisc del dev "${HV[c]}" root
	tc qdisc del dev "${HV[c]}" ingress
	bw cnet ADD c "$(bwconf c "$IN | $EG")"
	[ "$status" -eq 0 ]
	has_link "$(ifb c)"
	del_ok ref c "$(bwconf c "$IN | $EG")"
	no_link "$(ifb c)"
}

@test "same: CHECK passes on both right after ADD; both fail when the ifb is gone" {
	need_ref
	local side
	container r
	container c
	for side in ref cnet; do
		local k=${side:0:1}
		bw "$side" ADD "$k" "$(bwconf "$k" "$IN | $EG")"
		[ "$status" -eq 0 ]
		bw "$side" CHECK "$k" "$(bwconf "$k" "$IN | $EG")"
		[ "$status" -eq 0 ]
		ip link del "$(ifb "$k")"
		bw "$side" CHECK "$k" "$(bwconf "$k" "$IN | $EG")"
		[ "$status" -ne 0 ]
	done
}

@test "same: DEL with the ifb never made, the namespace gone, no prevResult: success on both" {
	need_ref
	local side
	container r
	for side in ref cnet; do
		bw "$side" DEL r "$(bwconf r "$IN | $EG")"
		[ "$status" -eq 0 ]
	done
	_cnet_del_ns "${NSN[r]}"
	for side in ref cnet; do
		bw "$side" DEL r "$(bwconf r 'del(.prevResult)')"
		[ "$status" -eq 0 ]
	done
}

# ---- deliberate differences --------------------------------------------------------------------

@test "difference: bad config is code 7 naming the key in cnet, 999 in the reference" {
	need_ref
	container c
	local f
	while IFS= read -r f; do
		bw ref ADD c "$(bwconf c "$f")"
		[ "$status" -eq 1 ] || {
			echo "reference: $f" >&2
			return 1
		}
		is "$(jq -r .code <<<"$output")" 999
		bw cnet ADD c "$(bwconf c "$f")"
		is "$(jq -r .code <<<"$output")" 7
		[ "$status" -eq 1 ]
	done <<<'.ingressRate = 1000000
.ingressBurst = 80000
.egressRate = 1000000
.egressBurst = 80000
.egressRate = 1000000 | .egressBurst = 34359738368
.ingressRate = -1 | .ingressBurst = 80000
.ingressRate = "1000000" | .ingressBurst = 80000
.ingressRate = 1000000 | .ingressBurst = 1.5
.runtimeConfig.bandwidth = 5
.runtimeConfig.bandwidth = {egressBurst: 80000}'
	is "$(shaping "${HV[c]}")" '[]'
	no_link "$(ifb c)"
}

@test "difference: a failed ADD (a veth holds the ifb's name): cnet undoes its ingress tbf, the reference leaves it" {
	need_ref
	local k n side
	for k in r c; do
		container "$k"
		n=$(ifb "$k")
		track_link "x$k$SUFFIX"
		ip link add "$n" type veth peer name "x$k$SUFFIX"
	done
	for side in ref cnet; do
		k=${side:0:1}
		n=$(ifb "$k")
		bw "$side" ADD "$k" "$(bwconf "$k" "$IN | $EG")"
		[ "$status" -ne 0 ]
		# the veth is still there, still a veth
		is "$(ip -j -d link show "$n" | jq -r '.[0].linkinfo.info_kind')" veth
		is "$(tc -j filter show dev "${HV[$k]}" ingress)" '[]'
	done
	# the reference: its tbf stays on the host veth
	is "$(shaping "${HV[r]}" | jq -c '[.[].kind]')" '["tbf"]'
	# cnet: nothing at all
	is "$(shaping "${HV[c]}")" '[]'
}

@test "difference: the ifb carries cnet's alias; the reference's has none" {
	need_ref
	container r
	container c
	bw ref ADD r "$(bwconf r "$EG")"
	[ "$status" -eq 0 ]
	bw cnet ADD c "$(bwconf c "$EG")"
	[ "$status" -eq 0 ]
	is "$(ip -j -d link show "$(ifb r)" | jq -r '.[0].ifalias // "none"')" none
	is "$(ip -j -d link show "$(ifb c)" | jq -r '.[0].ifalias')" "cnet bandwidth $NET ${CIDS[c]} eth0"
	# so cnet's GC leaves the reference's ifb alone
	gc '[]'
	[ "$status" -eq 0 ]
	has_link "$(ifb r)"
	no_link "$(ifb c)"
}

@test "difference: the reference's u32 filter has a second mirred (redirect, pass) after the one that steals the packet; cnet's has one" {
	need_ref
	container r
	container c
	bw ref ADD r "$(bwconf r "$EG")"
	[ "$status" -eq 0 ]
	bw cnet ADD c "$(bwconf c "$EG")"
	[ "$status" -eq 0 ]
	local sel='[.[] | .options.actions // empty | .[] | {order, kind, mirred_action, direction,
		control: .control_action.type}]'
	is "$(tc -j filter show dev "${HV[r]}" ingress | jq -c "$sel")" \
		'[{"order":1,"kind":"mirred","mirred_action":"redirect","direction":"egress","control":"stolen"},{"order":2,"kind":"mirred","mirred_action":"redirect","direction":"egress","control":"pass"}]'
	is "$(tc -j filter show dev "${HV[c]}" ingress | jq -c "$sel")" \
		'[{"order":1,"kind":"mirred","mirred_action":"redirect","direction":"egress","control":"stolen"}]'
}

@test "difference: CHECK after a tbf was removed (host veth's or ifb's): cnet fails, the reference passes" {
	need_ref
	local side k
	for side in ref cnet; do
		k=${side:0:1}
		container "${k}1"
		container "${k}2"
		bw "$side" ADD "${k}1" "$(bwconf "${k}1" "$IN | $EG")"
		[ "$status" -eq 0 ]
		bw "$side" ADD "${k}2" "$(bwconf "${k}2" "$IN | $EG")"
		[ "$status" -eq 0 ]
		tc qdisc del dev "${HV[${k}1]}" root
		tc qdisc del dev "$(ifb "${k}2")" root
		for k in "${k}1" "${k}2"; do
			bw "$side" CHECK "$k" "$(bwconf "$k" "$IN | $EG")"
			if [[ $side == ref ]]; then
				[ "$status" -eq 0 ]
			else
				[ "$status" -ne 0 ]
			fi
		done
	done
}
