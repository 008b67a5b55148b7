#!/usr/bin/env bats
# The tuning plugin as a black box: chained after a plugin that made eth0, it sets network
# sysctls and link attributes (MAC, MTU, promisc, allmulti, txqlen) inside the container,
# prints prevResult with the new MAC, saves the old values in <dataDir>/<cid>_<ifname>.json
# and DEL puts them back. Every test makes its own container namespace holding a veth pair
# (eth0 and its peer p0, both inside, so nothing is left in the sandbox root) with a fixed
# MAC, and hands tuning a prevResult that names eth0.
#
# The differential part runs the same configs through the reference ($REF_BIN/tuning,
# Debian 12's v1.1.1), each side in its own namespace, and compares the printed JSON, the
# kernel's view of the link and sysctls, and the state file byte for byte; then checks that
# each side's DEL (and the other side's DEL) restores the link. Deliberate differences are
# asserted in tests named "difference:".

# Bats runs each test in a subshell:
# shellcheck disable=SC2030,SC2031

load helpers

MAC0=02:00:00:00:0a:01

setup() {
	cnet_setup
	CID=ctr-$SUFFIX
	NS=t-$SUFFIX
	NET=tn-$SUFFIX
	TDIR=$STATE/tuning
	container "$NS"
	PREV=$(prev_result "$(ns_path "$NS")")
}

teardown() {
	rm -f /etc/cni/tuning/allowlist.conf
	cnet_teardown
}

# ---- helpers ------------------------------------------------------------------------------

# container NS [IFNAME]: make netns NS with a veth IFNAME (default eth0, MAC $MAC0) + p0.
container() {
	make_ns "$1"
	ip -n "$1" link add "${2:-eth0}" address "$MAC0" type veth peer name p0 \
		address 02:00:00:00:0b:01
}

# prev_result NETNS_PATH [IFNAME]: a bridge-like 1.0.0 result whose container iface is IFNAME.
prev_result() {
	jq -nc --arg sb "$1" --arg ifn "${2:-eth0}" --arg mac "$MAC0" '{
		cniVersion: "1.0.0",
		interfaces: [{name: "br0", mac: "02:00:00:00:0c:01"},
			{name: "veth1", mac: "02:00:00:00:0c:02"},
			{name: $ifn, mac: $mac, sandbox: $sb}],
		ips: [{address: "10.1.0.2/24", gateway: "10.1.0.1", interface: 2}],
		routes: [{dst: "0.0.0.0/0"}],
		dns: {nameservers: ["10.1.0.1"]}}'
}

# tconf [JQ_FILTER] [DATADIR]: a tuning config with $PREV as prevResult; FILTER edits it.
tconf() {
	jq -nc --arg net "$NET" --arg dir "${2:-$TDIR}" --argjson prev "$PREV" '{
		cniVersion: "1.0.0", name: $net, type: "tuning", dataDir: $dir,
		prevResult: $prev}' | jq -c "${1:-.}"
}

# tn CMD CONFIG [CNI_ARGS] [NETNS] [IFNAME]: run cnet's tuning for $CID.
tn() {
	cni tuning "$1" "$CID" "$(ns_path "${4:-$NS}")" "${5:-eth0}" "$2" "${3-}"
}

# link_state [NETNS] [IFNAME]: what the kernel says of the link, one line of JSON.
link_state() {
	ip -n "${1:-$NS}" -j -d link show "${2:-eth0}" | jq -c '.[0] | {address, mtu, txqlen,
		promiscuity, allmulti, flags: ([.flags[] | select(. == "PROMISC" or . == "ALLMULTI")] | sort)}'
}

# sysctl_in NETNS KEY: the value of sysctl KEY inside NETNS.
sysctl_in() { ip netns exec "$1" sysctl -n "$2"; }

# fails_with JSON: the last call failed with exit 1 and printed exactly JSON.
fails_with() {
	[ "$status" -eq 1 ] || {
		echo "fails_with: exit status $status, expected 1" >&2
		return 1
	}
	json_eq "$1" "$output"
}

# del_twice CONFIG [CNI_ARGS] [NETNS]: DEL twice, both succeed and print nothing.
del_twice() {
	local _
	for _ in 1 2; do
		tn DEL "$1" "${2-}" "${3:-$NS}"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

# with_mac MAC: $PREV with eth0's MAC replaced (what ADD prints when it sets one).
with_mac() { jq -c --arg m "$1" '(.interfaces[] | select(.name == "eth0")).mac = $m' <<<"$PREV"; }

ORIG_LINK='{"address":"02:00:00:00:0a:01","mtu":1500,"txqlen":1000,"promiscuity":0,"allmulti":0,"flags":[]}'

# ---- ADD / CHECK / DEL ----------------------------------------------------------------------

@test "every key: ADD sets them, prints prevResult with the MAC as given, CHECK passes, DEL restores" {
	local c
	c=$(tconf '.mac = "C2:11:22:33:44:55" | .mtu = 1400 | .promisc = true | .allmulti = true
		| .txQLen = 5 | .sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1",
		"net/ipv4/conf/all/rp_filter": "2"}')
	is "$(link_state)" "$ORIG_LINK"
	tn ADD "$c"
	[ "$status" -eq 0 ]
	json_eq "$(with_mac C2:11:22:33:44:55)" "$output"
	is "$(link_state)" '{"address":"c2:11:22:33:44:55","mtu":1400,"txqlen":5,"promiscuity":1,"allmulti":1,"flags":["ALLMULTI","PROMISC"]}'
	is "$(sysctl_in "$NS" net.ipv4.conf.eth0.forwarding)" 1
	is "$(sysctl_in "$NS" net.ipv4.conf.all.rp_filter)" 2
	# the reference's file name and format (Go's MarshalIndent, one-space indent)
	is "$(cat "$TDIR/${CID}_eth0.json")" '{
 "mac": "02:00:00:00:0a:01",
 "promisc": false,
 "mtu": 1500,
 "allmulti": false,
 "txQLen": 1000
}'
	is "$(stat -c %a "$TDIR/${CID}_eth0.json")" 600

	tn CHECK "$c"
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	del_twice "$c"
	is "$(link_state)" "$ORIG_LINK"
	[ ! -e "$TDIR/${CID}_eth0.json" ]
	# sysctls are not put back (the namespace goes away with the container), as the reference
	is "$(sysctl_in "$NS" net.ipv4.conf.eth0.forwarding)" 1
}

@test "result in each cniVersion: prevResult converted, MAC updated on the interface named CNI_IFNAME" {
	local v
	for v in 0.3.0 0.3.1 0.4.0 1.0.0 1.1.0; do
		tn ADD "$(tconf ".cniVersion = \"$v\" | .mac = \"c2:00:00:00:00:0a\"")"
		[ "$status" -eq 0 ]
		if [[ $v == 0.* ]]; then
			json_eq "$(with_mac c2:00:00:00:00:0a | jq -c --arg v "$v" \
				'.cniVersion = $v | .ips[0].version = "4"')" "$output"
		else
			json_eq "$(with_mac c2:00:00:00:00:0a | jq -c --arg v "$v" '.cniVersion = $v')" \
				"$output"
		fi
		del_twice "$(tconf ".cniVersion = \"$v\"")"
		is "$(link_state)" "$ORIG_LINK"
	done
}

@test "sysctls only: no state file, result is prevResult unchanged, IFNAME and both separators" {
	tn ADD "$(tconf '.sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1",
		"net/ipv6/conf/IFNAME/accept_ra": "0", "net.core.somaxconn": "777",
		"net.ipv4.ip_local_port_range": "2000 3000"}')"
	[ "$status" -eq 0 ]
	json_eq "$PREV" "$output"
	is "$(sysctl_in "$NS" net.ipv4.conf.eth0.forwarding)" 1
	is "$(sysctl_in "$NS" net.ipv6.conf.eth0.accept_ra)" 0
	is "$(sysctl_in "$NS" net.core.somaxconn)" 777
	[ ! -e "$TDIR" ]
	# CHECK compares values up to blanks: the kernel reads "2000\t3000" back
	tn CHECK "$(tconf '.sysctl = {"net.ipv4.ip_local_port_range": "2000 3000",
		"net.ipv4.conf.IFNAME.forwarding": "1"}')"
	[ "$status" -eq 0 ]
	del_twice "$(tconf)"
	is "$(link_state)" "$ORIG_LINK"
}

@test "an interface name with a dot: IFNAME, and sysctl(8)'s '/' for a dot in a dotted name" {
	local ns2=d-$SUFFIX
	container "$ns2" e.100
	PREV=$(prev_result "$(ns_path "$ns2")" e.100)
	tn ADD "$(tconf '.sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1",
		"net.ipv6.conf.e/100.accept_ra": "0", "net/ipv4/conf/e.100/rp_filter": "1"}')" "" \
		"$ns2" e.100
	[ "$status" -eq 0 ]
	is "$(sysctl_in "$ns2" net/ipv4/conf/e.100/forwarding)" 1
	is "$(sysctl_in "$ns2" net/ipv6/conf/e.100/accept_ra)" 0
	is "$(sysctl_in "$ns2" net/ipv4/conf/e.100/rp_filter)" 1
}

@test "overrides: args.cni beats everything, runtimeConfig.mac beats CNI_ARGS MAC beats mac" {
	tn ADD "$(tconf '.mac = "c2:00:00:00:00:01" | .mtu = 1400 | .promisc = true
		| .args.cni = {mtu: 1300, promisc: false, allmulti: true, txQLen: 7,
			sysctl: {"net.core.somaxconn": "99"}}')" "IgnoreUnknown=1;MAC=c2:00:00:00:00:02"
	[ "$status" -eq 0 ]
	json_eq "$(with_mac c2:00:00:00:00:02)" "$output"
	is "$(link_state)" '{"address":"c2:00:00:00:00:02","mtu":1300,"txqlen":7,"promiscuity":0,"allmulti":1,"flags":["ALLMULTI"]}'
	is "$(sysctl_in "$NS" net.core.somaxconn)" 99
	del_twice "$(tconf)"
	is "$(link_state)" "$ORIG_LINK"

	tn ADD "$(tconf '.mac = "c2:00:00:00:00:01" | .runtimeConfig.mac = "c2:00:00:00:00:03"')" \
		"MAC=c2:00:00:00:00:02"
	[ "$status" -eq 0 ]
	json_eq "$(with_mac c2:00:00:00:00:03)" "$output"
	del_twice "$(tconf)"
	tn ADD "$(tconf '.runtimeConfig.mac = "c2:00:00:00:00:03" | .args.cni.mac = "c2:00:00:00:00:04"')"
	[ "$status" -eq 0 ]
	json_eq "$(with_mac c2:00:00:00:00:04)" "$output"
	del_twice "$(tconf)"
	is "$(link_state)" "$ORIG_LINK"
}

@test "the default dataDir is /run/cni/tuning" {
	tn ADD "$(tconf 'del(.dataDir) | .mtu = 1280')"
	[ "$status" -eq 0 ]
	is "$(cat "/run/cni/tuning/${CID}_eth0.json")" '{
 "mtu": 1500
}'
	del_twice "$(tconf 'del(.dataDir)')"
	[ ! -e "/run/cni/tuning/${CID}_eth0.json" ]
	is "$(link_state)" "$ORIG_LINK"
}

@test "a value already in place is not written again; DEL puts back only what differs" {
	# promisc from somewhere else (as a bridge port's) must survive ADD + DEL
	ip -n "$NS" link set eth0 promisc on
	tn ADD "$(tconf '.promisc = true | .mtu = 1500')"
	[ "$status" -eq 0 ]
	[ "$(link_state | jq .promiscuity)" = 1 ]
	del_twice "$(tconf)"
	[ "$(link_state | jq .promiscuity)" = 1 ]
}

# ---- CHECK ------------------------------------------------------------------------------------

@test "CHECK: a value changed behind tuning's back, a missing interface, no prevResult" {
	local c
	c=$(tconf '.mtu = 1400 | .allmulti = true | .sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1"}')
	tn ADD "$c"
	[ "$status" -eq 0 ]
	tn CHECK "$c"
	[ "$status" -eq 0 ]
	ip -n "$NS" link set eth0 mtu 1450
	tn CHECK "$c"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"mtu: configured 1400, \"eth0\" has 1450"}'
	ip -n "$NS" link set eth0 mtu 1400
	ip netns exec "$NS" sysctl -qw net.ipv4.conf.eth0.forwarding=0
	tn CHECK "$c"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"sysctl.net.ipv4.conf.IFNAME.forwarding: configured value is \"1\", current value of /proc/sys/net/ipv4/conf/eth0/forwarding is \"0\""}'
	ip netns exec "$NS" sysctl -qw net.ipv4.conf.eth0.forwarding=1
	ip -n "$NS" link set eth0 allmulticast off
	tn CHECK "$c"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"allmulti: configured true, \"eth0\" has it off"}'
	tn CHECK "$(tconf '.promisc = false')"
	[ "$status" -eq 0 ]
	tn CHECK "$(tconf '.promisc = true')"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"promisc: configured true, \"eth0\" has it off"}'
	tn CHECK "$(tconf '.mac = "c2:00:00:00:00:01"')"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"mac: configured c2:00:00:00:00:01, \"eth0\" has 02:00:00:00:0a:01"}'
	tn CHECK "$(tconf 'del(.prevResult)')"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"prevResult: missing: tuning is a chained plugin, it must follow the plugin that creates \"eth0\""}'
	tn CHECK "$(tconf '.cniVersion = "0.3.1"')"
	[ "$status" -eq 1 ]
	[ "$(jq .code <<<"$output")" = 1 ]
	ip -n "$NS" link del eth0
	tn CHECK "$(tconf)"
	fails_with '{"cniVersion":"1.0.0","code":3,"msg":"interface \"eth0\" not found in the container"}'
}

# ---- bad input and failed ADDs -------------------------------------------------------------------

# refused CONFIG_FILTER EXPECTED_JSON [CNI_ARGS]: ADD fails with exactly EXPECTED_JSON and
# touches nothing: link, forwarding sysctl, dataDir.
refused() {
	tn ADD "$(tconf "$1")" "${3-}"
	fails_with "$2"
	is "$(link_state)" "$ORIG_LINK"
	is "$(sysctl_in "$NS" net.ipv4.conf.eth0.forwarding)" 0
	[ ! -e "$TDIR/${CID}_eth0.json" ]
}

@test "bad input: exact error JSON, nothing changed" {
	local s='.mac = "c2:00:00:00:00:01" | .mtu = 1400 | .promisc = true | .sysctl["net.ipv4.conf.IFNAME.forwarding"] = "1"'
	refused "$s | .sysctl[\"net.core.somaxconn\"] = 5" \
		'{"cniVersion":"1.0.0","code":7,"msg":"sysctl.net.core.somaxconn: expected a string, got integer"}'
	refused "$s | .sysctl[\"kernel.hostname\"] = \"x\"" \
		'{"cniVersion":"1.0.0","code":2,"msg":"sysctl.kernel.hostname: only network sysctls (net.*, /proc/sys/net) can be set in a container'"'"'s namespace"}'
	refused "$s | .sysctl[\"net/../kernel/hostname\"] = \"x\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"sysctl.net/../kernel/hostname: not a valid sysctl name (empty, \".\" or \"..\" component)"}'
	refused "$s | .args.cni.sysctl[\"net.ipv4..x\"] = \"1\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"args.cni.sysctl.net.ipv4..x: not a valid sysctl name (empty, \".\" or \"..\" component)"}'
	refused "$s | .sysctl = \"x\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"sysctl: expected an object, got string"}'
	refused "$s | .mac = \"c2:00:00\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"mac: \"c2:00:00\" is not a MAC address"}'
	refused "$s | .mac = \"01:00:5e:00:00:01\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"mac: \"01:00:5e:00:00:01\" is not a unicast MAC address"}'
	refused "$s | .mtu = \"1400\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"mtu: expected an integer, got string"}'
	refused "$s | .promisc = 1" \
		'{"cniVersion":"1.0.0","code":7,"msg":"promisc: expected a boolean, got integer"}'
	refused "$s | .allmulti = \"yes\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"allmulti: expected a boolean, got string"}'
	refused "$s | .txQLen = -1" \
		'{"cniVersion":"1.0.0","code":7,"msg":"txQLen: -1 is out of range 0..4294967295"}'
	refused "$s | .dataDir = false" \
		'{"cniVersion":"1.0.0","code":7,"msg":"dataDir: expected a string, got boolean"}'
	refused "$s | .args.cni.mtu = \"1\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"args.cni.mtu: expected an integer, got string"}'
	refused "$s | .runtimeConfig.mac = 5" \
		'{"cniVersion":"1.0.0","code":7,"msg":"runtimeConfig.mac: expected a string, got integer"}'
	refused "$s | del(.prevResult)" \
		'{"cniVersion":"1.0.0","code":7,"msg":"prevResult: missing: tuning is a chained plugin, it must follow the plugin that creates \"eth0\""}'
	refused "$s" '{"cniVersion":"1.0.0","code":4,"msg":"CNI_ARGS MAC: \"x\" is not a MAC address"}' \
		"IgnoreUnknown=1;MAC=x"
	refused "$s" '{"cniVersion":"1.0.0","code":4,"msg":"CNI_ARGS: \"bad\" is not KEY=VALUE"}' "bad"
	refused "$s | .sysctl[\"net.core.nope\"] = \"1\"" \
		'{"cniVersion":"1.0.0","code":2,"msg":"sysctl.net.core.nope: no such sysctl (/proc/sys/net/core/nope) in the container'"'"'s namespace"}'
	refused "$s | .sysctl[\"net.core.somaxconn\"] = \"not-a-number\"" \
		'{"cniVersion":"1.0.0","code":7,"msg":"sysctl.net.core.somaxconn: write /proc/sys/net/core/somaxconn: Invalid argument"}'
}

@test "failed ADD: the kernel refuses the MTU after sysctls, MAC and promisc were set; all undone" {
	tn ADD "$(tconf '.sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1", "net.core.somaxconn": "321"}
		| .mac = "c2:00:00:00:00:01" | .promisc = true | .mtu = 70000 | .allmulti = true')"
	local idx
	idx=$(ip -n "$NS" -j link show eth0 | jq '.[0].ifindex')
	fails_with '{"cniVersion":"1.0.0","code":100,"msg":"interface \"eth0\": set MTU 70000 on link '"$idx"': Invalid argument (kernel: mtu greater than device maximum)"}'
	is "$(link_state)" "$ORIG_LINK"
	is "$(sysctl_in "$NS" net.ipv4.conf.eth0.forwarding)" 0
	is "$(sysctl_in "$NS" net.core.somaxconn)" 4096
	[ ! -e "$TDIR/${CID}_eth0.json" ]
	# a DEL after the failed ADD (runtimes send one) is fine
	del_twice "$(tconf)"
}

@test "failed ADD keeps a state file that was there before (a repeated ADD)" {
	tn ADD "$(tconf '.mtu = 1400')"
	[ "$status" -eq 0 ]
	tn ADD "$(tconf '.mtu = 70000')"
	[ "$status" -eq 1 ]
	is "$(cat "$TDIR/${CID}_eth0.json")" '{
 "mtu": 1500
}'
	del_twice "$(tconf)"
	is "$(link_state)" "$ORIG_LINK"
}

@test "ADD on an interface that is not there: error 3, nothing changed" {
	tn ADD "$(tconf '.mtu = 1400 | .sysctl = {"net.core.somaxconn": "123"}')" "" "$NS" eth9
	fails_with "{\"cniVersion\":\"1.0.0\",\"code\":3,\"msg\":\"interface \\\"eth9\\\" not found in $(ns_path "$NS")\"}"
	is "$(sysctl_in "$NS" net.core.somaxconn)" 4096
	[ ! -e "$TDIR/${CID}_eth9.json" ]
}

@test "allowlist: /etc/cni/tuning/allowlist.conf refuses what it does not match (code 2)" {
	local list='[^net\\.core\\.somaxconn$ ^net\\.ipv4\\.conf\\.IFNAME\\.[a-z_]+$]'
	mkdir -p /etc/cni/tuning
	printf '%s\n' '^net\.core\.somaxconn$' '' '  ^net\.ipv4\.conf\.IFNAME\.[a-z_]+$  ' \
		>/etc/cni/tuning/allowlist.conf
	refused '.mtu = 1400 | .sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1", "net.ipv4.ip_forward": "1"}' \
		'{"cniVersion":"1.0.0","code":2,"msg":"sysctl.net.ipv4.ip_forward: sysctl net.ipv4.ip_forward is not allowed by /etc/cni/tuning/allowlist.conf. Only the following sysctls are allowed: '"$list"'"}'
	refused '.args.cni.sysctl = {"net.ipv4.ip_forward": "1"}' \
		'{"cniVersion":"1.0.0","code":2,"msg":"args.cni.sysctl.net.ipv4.ip_forward: sysctl net.ipv4.ip_forward is not allowed by /etc/cni/tuning/allowlist.conf. Only the following sysctls are allowed: '"$list"'"}'
	tn ADD "$(tconf '.sysctl = {"net.core.somaxconn": "300", "net.ipv4.conf.IFNAME.forwarding": "1"}')"
	[ "$status" -eq 0 ]
	is "$(sysctl_in "$NS" net.core.somaxconn)" 300
	printf '(bad\n' >/etc/cni/tuning/allowlist.conf
	tn ADD "$(tconf '.sysctl = {"net.core.somaxconn": "301"}')"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"/etc/cni/tuning/allowlist.conf:1: \"(bad\" is not a valid regular expression"}'
	is "$(sysctl_in "$NS" net.core.somaxconn)" 300
	# no sysctls: the allowlist is not consulted
	tn ADD "$(tconf '.mtu = 1400')"
	[ "$status" -eq 0 ]
}

# ---- DEL in degraded forms ---------------------------------------------------------------------

@test "DEL: never ADDed, no dataDir, bad dataDir type" {
	del_twice "$(tconf)"
	del_twice "$(tconf 'del(.prevResult)')"
	tn DEL "$(tconf '.dataDir = 3')"
	fails_with '{"cniVersion":"1.0.0","code":7,"msg":"dataDir: expected a string, got integer"}'
}

@test "DEL with the namespace gone, or CNI_NETNS empty: success, state file removed" {
	tn ADD "$(tconf '.mtu = 1400')"
	[ "$status" -eq 0 ]
	[ -e "$TDIR/${CID}_eth0.json" ]
	cni tuning DEL "$CID" "" eth0 "$(tconf)"
	[ "$status" -eq 0 ]
	[ ! -e "$TDIR/${CID}_eth0.json" ]
	is "$(link_state | jq .mtu)" 1400

	tn ADD "$(tconf '.mtu = 1300')"
	[ "$status" -eq 0 ]
	ip netns del "$NS"
	del_twice "$(tconf)"
	[ ! -e "$TDIR/${CID}_eth0.json" ]
}

@test "DEL with the interface gone, or a corrupt state file: success, state file removed" {
	tn ADD "$(tconf '.mtu = 1400')"
	[ "$status" -eq 0 ]
	ip -n "$NS" link del eth0
	del_twice "$(tconf)"
	[ ! -e "$TDIR/${CID}_eth0.json" ]

	container "c2-$SUFFIX"
	printf 'not json' >"$TDIR/${CID}_eth0.json"
	del_twice "$(tconf)" "" "c2-$SUFFIX"
	[ ! -e "$TDIR/${CID}_eth0.json" ]
}

# ---- the skeleton ----------------------------------------------------------------------------------

@test "VERSION, GC and STATUS (1.1.0): nothing to do, success" {
	cni tuning VERSION "" "" "" '{"cniVersion":"1.1.0"}'
	[ "$status" -eq 0 ]
	json_eq '{"cniVersion":"1.1.0","supportedVersions":["0.3.0","0.3.1","0.4.0","1.0.0","1.1.0"]}' "$output"
	local c
	c=$(jq -nc --arg n "$NET" '{cniVersion: "1.1.0", name: $n, type: "tuning",
		"cni.dev/valid-attachments": []}')
	env CNI_COMMAND=GC CNI_PATH="$CNET_BIN" "$CNET_BIN/tuning" <<<"$c"
	env CNI_COMMAND=STATUS CNI_PATH="$CNET_BIN" "$CNET_BIN/tuning" <<<"$c"
}

@test "valgrind: ADD, CHECK and DEL are clean" {
	command -v valgrind >/dev/null || skip "valgrind not installed"
	! grep -q __asan_init "$CNET_BIN/tuning" || skip "an ASan build: valgrind cannot run it"
	local c cmd
	c=$(tconf '.mac = "c2:00:00:00:00:01" | .mtu = 1400 | .promisc = true | .allmulti = true
		| .txQLen = 5 | .sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1"}')
	for cmd in ADD CHECK DEL; do
		printf '%s' "$c" | env CNI_COMMAND=$cmd CNI_CONTAINERID="$CID" \
			CNI_NETNS="$(ns_path "$NS")" CNI_IFNAME=eth0 CNI_PATH="$CNET_BIN" \
			valgrind -q --leak-check=full --error-exitcode=99 "$CNET_BIN/tuning" >/dev/null
	done
	is "$(link_state)" "$ORIG_LINK"
}

# ---- differential: the reference plugin on the same configs ------------------------------------

# side_setup: a namespace per side (rn-, cn-) with identical links; SIDE_NS, SIDE_DIR.
side_setup() {
	[[ -x $REF_BIN/tuning ]] || skip "reference tuning not installed in $REF_BIN"
	declare -gA SIDE_NS SIDE_DIR SIDE_OUT SIDE_ST
	SIDE_NS=([ref]=rn-$SUFFIX [cnet]=cn-$SUFFIX)
	SIDE_DIR=([ref]=$STATE/ref [cnet]=$STATE/cnet)
	container "${SIDE_NS[ref]}"
	container "${SIDE_NS[cnet]}"
}

# side SIDE CMD CONFIG_FILTER [CNI_ARGS] [DIR_SIDE]: run SIDE's plugin in SIDE's namespace
# with dataDir of DIR_SIDE (default SIDE); keeps stdout and status in SIDE_OUT/SIDE_ST.
side() {
	local s=$1 cmd=$2 c
	c=$(tconf "$3" "${SIDE_DIR[${5:-$1}]}")
	USE_REF=$([[ $s == ref ]] && echo 1 || echo 0) \
		cni tuning "$cmd" "$CID" "$(ns_path "${SIDE_NS[$s]}")" eth0 "$c" "${4-}"
	SIDE_OUT[$s]=$output
	SIDE_ST[$s]=$status
}

# net_sysctls NETNS: every net.* sysctl of NETNS but those random by nature.
net_sysctls() {
	ip netns exec "$1" sysctl -a 2>/dev/null | grep '^net\.' |
		grep -Ev 'stable_secret|fastopen_key|rss_key|hash_seed|_secret' | sort
}

# same_add CONFIG_FILTER [CNI_ARGS]: ADD on both sides; same output, link, sysctls and state
# file; then each side's DEL restores its link.
same_add() {
	local s
	for s in ref cnet; do side "$s" ADD "$1" "${2-}"; done
	[ "${SIDE_ST[ref]}" -eq 0 ]
	[ "${SIDE_ST[cnet]}" -eq 0 ]
	json_eq "${SIDE_OUT[ref]}" "${SIDE_OUT[cnet]}"
	is "$(link_state "${SIDE_NS[cnet]}")" "$(link_state "${SIDE_NS[ref]}")"
	is "$(net_sysctls "${SIDE_NS[cnet]}")" "$(net_sysctls "${SIDE_NS[ref]}")"
	if [[ -e ${SIDE_DIR[ref]}/${CID}_eth0.json ]]; then
		is "$(cat "${SIDE_DIR[cnet]}/${CID}_eth0.json")" "$(cat "${SIDE_DIR[ref]}/${CID}_eth0.json")"
	else
		[ ! -e "${SIDE_DIR[cnet]}/${CID}_eth0.json" ]
	fi
	for s in ref cnet; do
		side "$s" DEL "$1" "${2-}"
		[ "${SIDE_ST[$s]}" -eq 0 ]
		is "$(link_state "${SIDE_NS[$s]}")" "$ORIG_LINK"
		[ ! -e "${SIDE_DIR[$s]}/${CID}_eth0.json" ]
	done
}

@test "differential: MAC, MTU, promisc, allmulti and an IFNAME sysctl" {
	side_setup
	same_add '.mac = "C2:11:22:33:44:55" | .mtu = 1400 | .promisc = true | .allmulti = true
		| .sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1", "net/core/somaxconn": "512"}'
}

@test "differential: each key alone" {
	side_setup
	same_add '.mac = "c2:00:00:00:00:07"'
	same_add '.mtu = 9000'
	same_add '.promisc = true'
	same_add '.allmulti = false'
	same_add '.allmulti = true'
	same_add '.sysctl = {"net.ipv6.conf.IFNAME.disable_ipv6": "1"}'
}

@test "differential: overrides (args.cni, runtimeConfig.mac, CNI_ARGS MAC)" {
	side_setup
	same_add '.mac = "c2:00:00:00:00:01" | .mtu = 1400 | .sysctl = {"net.core.somaxconn": "98",
		"net.ipv4.ip_forward": "1"} | .args.cni = {mtu: 1300, allmulti: true,
		sysctl: {"net.core.somaxconn": "99"}}' "IgnoreUnknown=1;MAC=c2:00:00:00:00:02"
	same_add '.runtimeConfig.mac = "c2:00:00:00:00:03"' "IgnoreUnknown=1;MAC=c2:00:00:00:00:02"
	same_add '.runtimeConfig.mac = "c2:00:00:00:00:03" | .args.cni.mac = "c2:00:00:00:00:04"'
}

@test "differential: cniVersion 0.3.1 and 0.4.0 results" {
	side_setup
	PREV=$(jq -c '.cniVersion = "0.4.0" | .ips[0].version = "4"' <<<"$PREV")
	same_add '.cniVersion = "0.4.0" | .mac = "c2:00:00:00:00:08"'
	PREV=$(jq -c '.cniVersion = "0.3.1"' <<<"$PREV")
	same_add '.cniVersion = "0.3.1" | .mac = "c2:00:00:00:00:09" | .mtu = 1280'
}

@test "differential: one side's ADD, the other side's DEL (the state file is shared)" {
	side_setup
	local c='.mac = "c2:00:00:00:00:0a" | .mtu = 1400 | .promisc = true | .allmulti = true'
	local rn=${SIDE_NS[ref]} cn=${SIDE_NS[cnet]}
	side ref ADD "$c"
	[ "${SIDE_ST[ref]}" -eq 0 ]
	SIDE_NS[cnet]=$rn
	side cnet DEL "$c" "" ref
	[ "${SIDE_ST[cnet]}" -eq 0 ]
	[ -z "${SIDE_OUT[cnet]}" ]
	is "$(link_state "$rn")" "$ORIG_LINK"
	[ ! -e "${SIDE_DIR[ref]}/${CID}_eth0.json" ]

	# cnet's ADD, the reference's DEL, even with the txQLen that v1.1.1 does not know
	SIDE_NS=([ref]=$cn [cnet]=$cn)
	side cnet ADD "$c | .txQLen = 20"
	[ "${SIDE_ST[cnet]}" -eq 0 ]
	side ref DEL "$c" "" cnet
	[ "${SIDE_ST[ref]}" -eq 0 ]
	is "$(link_state "$cn" | jq -c 'del(.txqlen)')" "$(jq -c 'del(.txqlen)' <<<"$ORIG_LINK")"
	[ ! -e "${SIDE_DIR[cnet]}/${CID}_eth0.json" ]
}

@test "differential: the same bad configs fail on both sides (codes differ: 999 vs 7/2)" {
	side_setup
	local f s
	for f in '.sysctl = {"net.core.somaxconn": 5}' '.sysctl = {"kernel.hostname": "x"}' \
		'.mtu = "1400"' 'del(.prevResult)' '.mac = "c2:00:00:00:00:01" | .mtu = 70000'; do
		for s in ref cnet; do
			side "$s" ADD "$f"
			[ "${SIDE_ST[$s]}" -eq 1 ]
		done
		[ "$(jq .code <<<"${SIDE_OUT[ref]}")" = 999 ]
		[ "$(jq .code <<<"${SIDE_OUT[cnet]}")" != 999 ]
	done
	# cnet undoes its failed ADD; the reference leaves the MAC it set before the MTU failed
	is "$(link_state "${SIDE_NS[cnet]}")" "$ORIG_LINK"
	[ "$(link_state "${SIDE_NS[ref]}" | jq -r .address)" = c2:00:00:00:00:01 ]
}

@test "difference: txQLen is applied (v1.1.1 ignores it; newer references set it)" {
	side_setup
	side ref ADD '.txQLen = 20'
	side cnet ADD '.txQLen = 20'
	[ "$(link_state "${SIDE_NS[ref]}" | jq .txqlen)" = 1000 ]
	[ "$(link_state "${SIDE_NS[cnet]}" | jq .txqlen)" = 20 ]
	side cnet DEL '.'
	[ "$(link_state "${SIDE_NS[cnet]}" | jq .txqlen)" = 1000 ]
}

@test "difference: args.cni.sysctl without a top-level sysctl works (v1.1.1 panics)" {
	side_setup
	side ref ADD '.args.cni.sysctl = {"net.core.somaxconn": "99"}'
	[ "${SIDE_ST[ref]}" -eq 2 ]
	side cnet ADD '.args.cni.sysctl = {"net.core.somaxconn": "99"}'
	[ "${SIDE_ST[cnet]}" -eq 0 ]
	is "$(sysctl_in "${SIDE_NS[cnet]}" net.core.somaxconn)" 99
}

@test "difference: CHECK resolves IFNAME (v1.1.1 looks for /proc/sys/net/.../IFNAME/...)" {
	side_setup
	local c='.sysctl = {"net.ipv4.conf.IFNAME.forwarding": "1"}'
	side ref ADD "$c"
	side cnet ADD "$c"
	side ref CHECK "$c"
	[ "${SIDE_ST[ref]}" -eq 1 ]
	side cnet CHECK "$c"
	[ "${SIDE_ST[cnet]}" -eq 0 ]
}

@test "difference: DEL with the namespace gone removes the state file (v1.1.1 leaves it)" {
	side_setup
	local s
	for s in ref cnet; do
		side "$s" ADD '.mtu = 1400'
		ip netns del "${SIDE_NS[$s]}"
		side "$s" DEL '.'
		[ "${SIDE_ST[$s]}" -eq 0 ]
	done
	[ -e "${SIDE_DIR[ref]}/${CID}_eth0.json" ]
	[ ! -e "${SIDE_DIR[cnet]}/${CID}_eth0.json" ]
}
