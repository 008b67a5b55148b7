#!/usr/bin/env bats
# host-local on its own, as a runtime's delegate would run it: allocation order, the on-disk
# layout it shares with the reference plugin, requested addresses, dual stack, resolvConf,
# routes, CHECK, DEL (with prevResult, twice), GC and STATUS. host-local never touches the
# namespace, but CNI_NETNS is required on ADD: each test makes one.

load helpers

NET=hlnet

setup() {
	cnet_setup
	NS=hl-$SUFFIX
	make_ns "$NS"
	STORE=$DATA_DIR/$NET
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf [JQ_FILTER]: cniVersion 1.1.0 config (as the bridge hands it over) with host-local over
# 10.50.0.0/24 in $DATA_DIR; FILTER (jq) edits it.
conf() {
	jq -nc --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: "unused0",
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.50.0.0/24"}]]}}' |
		jq -c "${1:-.}"
}

# hl CMD ID CONFIG [CNI_ARGS] [IFNAME]: run host-local for container ID.
hl() {
	cni host-local "$1" "$2" "$(ns_path "$NS")" "${5:-eth0}" "$3" "${4-}"
}

# add ID CONFIG [CNI_ARGS] [IFNAME]: ADD, must succeed; the result is in $output and RESULT.
add() {
	hl ADD "$@"
	[ "$status" -eq 0 ]
	RESULT=$output
}

# add_ip ID CONFIG [CNI_ARGS]: ADD, must succeed; prints the addresses taken (one per line).
add_ip() {
	add "$@"
	jq -r '.ips[].address' <<<"$RESULT"
}

# del ID CONFIG [IFNAME]: DEL, must succeed and print nothing.
del() {
	hl DEL "$1" "$2" "" "${3-}"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# gc CONFIG: GC with the config as given (it carries the valid-attachments list).
gc() { cni host-local GC "" "" "" "$1"; }

# leases [NET]: the lease files (named by address), sorted.
leases() {
	local d=$DATA_DIR/${1:-$NET}
	[[ -d $d ]] || return 0
	find "$d" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' -printf '%f\n' | sort
}

# owner IP: the lease file's "<id>\r\n<ifname>" shown as "<id>/<ifname>".
owner() {
	local s
	s=$(<"$STORE/$1")
	printf '%s' "${s//$'\r\n'//}"
}

# err_json CODE MSG [VERSION]
err_json() {
	jq -nc --argjson code "$1" --arg msg "$2" --arg v "${3:-1.1.0}" \
		'{cniVersion: $v, code: $code, msg: $msg}'
}

# ---- allocation -----------------------------------------------------------------------------

@test "ADD prints the exact result: the first free address, the subnet's first host as gateway" {
	add a "$(conf)"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.50.0.2/24", "gateway": "10.50.0.1"}],
		"dns": {}}' "$RESULT"
	# host-local configures nothing in the namespace
	assert_no_leftovers -n "$NS"
	assert_no_leftovers
}

@test "allocation order: round robin after the last reserved address, gateway skipped, then 102" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.0.0/24", rangeStart: "10.50.0.10",
		rangeEnd: "10.50.0.13", gateway: "10.50.0.11"}]]')
	[ "$(add_ip a "$c")" = 10.50.0.10/24 ]
	add b "$c"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.50.0.12/24", "gateway": "10.50.0.11"}],
		"dns": {}}' "$RESULT"   # .11 is the gateway
	del a "$c"
	# .10 is free again, but allocation goes on after the last reserved one
	[ "$(add_ip c "$c")" = 10.50.0.13/24 ]
	[ "$(add_ip d "$c")" = 10.50.0.10/24 ]
	hl ADD e "$c"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 102 "no IP addresses available in range set 0 (10.50.0.0/24)")" "$output"
	[ "$(leases)" = "$(printf '10.50.0.10\n10.50.0.12\n10.50.0.13')" ]
	del b "$c"
	[ "$(add_ip e "$c")" = 10.50.0.12/24 ]
}

@test "allocation order: the default range skips network, gateway and broadcast addresses" {
	local c i
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.1.0/29"}]]')
	for i in 2 3 4 5 6; do
		[ "$(add_ip "c$i" "$c")" = "10.50.1.$i/29" ]
	done
	hl ADD c7 "$c"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 102 ]
	# a gateway inside the range is skipped; rangeStart defaults to the first host
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.2.0/29", gateway: "10.50.2.2"}]]')
	[ "$(add_ip g1 "$c")" = 10.50.2.1/29 ]
	[ "$(add_ip g2 "$c")" = 10.50.2.3/29 ]
}

@test "allocation order: a range set of several ranges is used in order, then wraps" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.2.0/30"}, {subnet: "10.50.3.0/30"}]]')
	[ "$(add_ip a "$c")" = 10.50.2.2/30 ]
	add b "$c"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.50.3.2/30", "gateway": "10.50.3.1"}],
		"dns": {}}' "$RESULT"
	hl ADD c "$c"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 102 "no IP addresses available in range set 0 (10.50.2.0/30, ...)")" \
		"$output"
	del a "$c"
	[ "$(add_ip c "$c")" = 10.50.2.2/30 ]
}

@test "IPv6 has no broadcast address: the last address of the subnet is handed out" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "fd00:50::/126"}]]')
	[ "$(add_ip a "$c")" = fd00:50::2/126 ]
	[ "$(add_ip b "$c")" = fd00:50::3/126 ]
	hl ADD c "$c"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 102 "no IP addresses available in range set 0 (fd00:50::/126)")" "$output"
}

@test "the legacy single range (ipam.subnet ...) and runtimeConfig.ipRanges (first)" {
	local c
	c=$(conf '.ipam = {type: "host-local", dataDir: .ipam.dataDir, subnet: "10.50.0.0/24",
		rangeStart: "10.50.0.100", rangeEnd: "10.50.0.110", gateway: "10.50.0.254"}')
	add a "$c"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.50.0.100/24", "gateway": "10.50.0.254"}],
		"dns": {}}' "$RESULT"
	c=$(conf '.ipam.ranges = [[{subnet: "fd00:50::/64"}]]
		| .runtimeConfig = {ipRanges: [[{subnet: "10.51.0.0/24", rangeStart: "10.51.0.9"}]]}')
	add b "$c"
	json_eq '{"cniVersion": "1.1.0", "ips": [
		{"address": "10.51.0.9/24", "gateway": "10.51.0.1"},
		{"address": "fd00:50::2/64", "gateway": "fd00:50::1"}], "dns": {}}' "$RESULT"
	cmp <(printf '10.51.0.9') "$STORE/last_reserved_ip.0"
	cmp <(printf 'fd00:50::2') "$STORE/last_reserved_ip.1"
}

@test "dataDir defaults to /var/lib/cni/networks (a tmpfs in the sandbox)" {
	local c
	c=$(conf 'del(.ipam.dataDir)')
	add a "$c"
	cmp <(printf 'a\r\neth0') "/var/lib/cni/networks/$NET/10.50.0.2"
	del a "$c"
	[ ! -e "/var/lib/cni/networks/$NET/10.50.0.2" ]
	rm -rf "/var/lib/cni/networks/$NET"
}

@test "disjoint ranges of one subnet form one range set (not an overlap)" {
	local c
	c=$(conf '.ipam.ranges = [[
		{subnet: "10.50.0.0/24", rangeStart: "10.50.0.10", rangeEnd: "10.50.0.10"},
		{subnet: "10.50.0.0/24", rangeStart: "10.50.0.100", rangeEnd: "10.50.0.100"}]]')
	[ "$(add_ip a "$c")" = 10.50.0.10/24 ]
	[ "$(add_ip b "$c")" = 10.50.0.100/24 ]
	hl ADD c "$c"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 102 ]
	# and in two range sets: one address from each
	c=$(conf '.ipam.ranges = [
		[{subnet: "10.50.1.0/24", rangeEnd: "10.50.1.50"}],
		[{subnet: "10.50.1.0/24", rangeStart: "10.50.1.100"}]]')
	[ "$(add_ip d "$c")" = "$(printf '10.50.1.2/24\n10.50.1.100/24')" ]
}

@test "the same attachment cannot ADD twice; another ifname of the container can" {
	local c
	c=$(conf)
	add a "$c"
	hl ADD a "$c"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 103 "10.50.0.2 has been allocated to a, duplicate allocation is not allowed")" \
		"$output"
	[ "$(leases)" = 10.50.0.2 ]
	add a "$c" "" eth1
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = 10.50.0.3/24 ]
	[ "$(owner 10.50.0.3)" = a/eth1 ]
}

# ---- the on-disk layout (the reference plugin's) ---------------------------------------------

@test "on disk: a file per address with \"<id>\\r\\n<ifname>\", last_reserved_ip.<set>, lock" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.0.0/24"}], [{subnet: "fd00:50::/64"}]]')
	add ctr-a "$c"
	add ctr-b "$c" "" net1
	[ "$(find "$STORE" -mindepth 1 -printf '%f\n' | sort)" = "$(printf '%s\n' 10.50.0.2 \
		10.50.0.3 fd00:50::2 fd00:50::3 last_reserved_ip.0 last_reserved_ip.1 lock | sort)" ]
	cmp <(printf 'ctr-a\r\neth0') "$STORE/10.50.0.2"
	cmp <(printf 'ctr-a\r\neth0') "$STORE/fd00:50::2"
	cmp <(printf 'ctr-b\r\nnet1') "$STORE/10.50.0.3"
	cmp <(printf 'ctr-b\r\nnet1') "$STORE/fd00:50::3"
	cmp <(printf '10.50.0.3') "$STORE/last_reserved_ip.0"
	cmp <(printf 'fd00:50::3') "$STORE/last_reserved_ip.1"
	del ctr-a "$c"
	[ "$(leases)" = "$(printf '10.50.0.3\nfd00:50::3')" ]
	# last_reserved_ip survives releases
	cmp <(printf '10.50.0.3') "$STORE/last_reserved_ip.0"
}

@test "on disk: leases written by the reference (both formats) are honoured and released" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.0.0/24", rangeEnd: "10.50.0.5"}]]')
	mkdir -p "$STORE"
	printf 'old-ctr\r\neth0' >"$STORE/10.50.0.3"
	printf 'older-ctr' >"$STORE/10.50.0.4"   # before v0.8: the container ID alone
	printf '10.50.0.2' >"$STORE/last_reserved_ip.0"
	[ "$(add_ip new "$c")" = 10.50.0.5/24 ]
	[ "$(add_ip new2 "$c")" = 10.50.0.2/24 ]
	hl ADD new3 "$c"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 102 ]
	del old-ctr "$c"
	del older-ctr "$c"
	[ "$(leases)" = "$(printf '10.50.0.2\n10.50.0.5')" ]
}

# ---- requested addresses ---------------------------------------------------------------------

@test "requested IP via CNI_ARGS IP=, args.cni.ips and runtimeConfig.ips" {
	local c
	c=$(conf)
	[ "$(add_ip a "$c" "IgnoreUnknown=1;IP=10.50.0.7")" = 10.50.0.7/24 ]
	[ "$(add_ip b "$(conf '.args = {cni: {ips: ["10.50.0.8"]}}')")" = 10.50.0.8/24 ]
	[ "$(add_ip c "$(conf '.runtimeConfig = {ips: ["10.50.0.9/24"]}')")" = 10.50.0.9/24 ]
	# the same address from two sources is one request
	[ "$(add_ip d "$(conf '.runtimeConfig = {ips: ["10.50.0.10/24"]}')" "IP=10.50.0.10")" = \
		10.50.0.10/24 ]
	[ "$(owner 10.50.0.8)" = b/eth0 ]
	# dynamic allocation goes on after the last reserved address
	[ "$(add_ip e "$c")" = 10.50.0.11/24 ]
}

@test "requested IP: taken -> 103, the gateway or outside every range -> 7; nothing kept" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.0.0/24"}], [{subnet: "fd00:50::/64"}]]')
	add a "$c" "IP=10.50.0.7"
	hl ADD b "$c" "IP=10.50.0.7"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 103 "requested IP address 10.50.0.7 is not available in range set 0")" \
		"$output"
	hl ADD b "$c" "IP=10.50.0.1"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 7 "requested IP 10.50.0.1 is the subnet's gateway")" "$output"
	hl ADD b "$(conf '.ipam.ranges = [[{subnet: "10.50.0.0/24"}], [{subnet: "fd00:50::/64"}]]
		| .args = {cni: {ips: ["10.60.0.1"]}}')"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 7 "requested IP 10.60.0.1 was not allocated: it is in no range set (or two were requested from one set)")" \
		"$output"
	# a failed ADD releases what it took in the other range sets
	[ "$(leases)" = "$(printf '10.50.0.7\nfd00:50::2')" ]
	hl ADD b "$c" "IP=not-an-ip"
	[ "$status" -eq 1 ]
	[ "$(jq -r .code <<<"$output")" = 4 ]
	[ "$(leases)" = "$(printf '10.50.0.7\nfd00:50::2')" ]
}

@test "a requested IPv6 address is stored under its canonical name" {
	add a "$(conf '.ipam.ranges = [[{subnet: "fd00:50::/64"}]]
		| .args = {cni: {ips: ["FD00:0050:0:0:0:0:0:0007"]}}')"
	[ "$(jq -r '.ips[0].address' <<<"$RESULT")" = fd00:50::7/64 ]
	[ "$(leases)" = fd00:50::7 ]
	[ "$(owner fd00:50::7)" = a/eth0 ]
}

@test "requested IPs for both families in one ADD" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.0.0/24"}], [{subnet: "fd00:50::/64"}]]
		| .runtimeConfig = {ips: ["fd00:50::77/64", "10.50.0.77/24"]}')
	add a "$c"
	json_eq '{"cniVersion": "1.1.0", "ips": [
		{"address": "10.50.0.77/24", "gateway": "10.50.0.1"},
		{"address": "fd00:50::77/64", "gateway": "fd00:50::1"}], "dns": {}}' "$RESULT"
}

# ---- dual stack, dns, routes -----------------------------------------------------------------

@test "dual stack: one address per range set, in order" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "fd00:50::/64"}], [{subnet: "10.50.0.0/24"}]]')
	add a "$c"
	json_eq '{"cniVersion": "1.1.0", "ips": [
		{"address": "fd00:50::2/64", "gateway": "fd00:50::1"},
		{"address": "10.50.0.2/24", "gateway": "10.50.0.1"}], "dns": {}}' "$RESULT"
	add b "$c"
	[ "$(jq -c '[.ips[].address]' <<<"$RESULT")" = '["fd00:50::3/64","10.50.0.3/24"]' ]
}

@test "resolvConf becomes the result's dns" {
	local rc=$BATS_TEST_TMPDIR/resolv.conf
	cat >"$rc" <<-'EOF'
		# generated
		; also a comment
		nameserver 10.0.0.53
		nameserver fd00::53
		domain example.org
		search a.example b.example
		options ndots:2 edns0
	EOF
	add a "$(conf ".ipam.resolvConf = \"$rc\"")"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.50.0.2/24", "gateway": "10.50.0.1"}],
		"dns": {"nameservers": ["10.0.0.53", "fd00::53"], "domain": "example.org",
			"search": ["a.example", "b.example"], "options": ["ndots:2", "edns0"]}}' "$RESULT"
}

@test "resolvConf: like the reference, only the first value of nameserver and domain lines" {
	local rc=$BATS_TEST_TMPDIR/resolv.conf
	printf 'nameserver 10.0.0.1 10.0.0.2\ndomain a.org b.org\n' >"$rc"
	add a "$(conf ".ipam.resolvConf = \"$rc\"")"
	json_eq '{"nameservers": ["10.0.0.1"], "domain": "a.org"}' "$(jq -c .dns <<<"$RESULT")"
}

@test "resolvConf that cannot be read: error 5, no lease taken" {
	hl ADD a "$(conf ".ipam.resolvConf = \"$BATS_TEST_TMPDIR/missing\"")"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 5 "ipam.resolvConf: read \"$BATS_TEST_TMPDIR/missing\": No such file or directory")" \
		"$output"
	[ -z "$(leases)" ]
}

@test "routes are copied into the result" {
	add a "$(conf '.ipam.routes = [{dst: "0.0.0.0/0"}, {dst: "192.168.0.0/16", gw: "10.50.0.254"},
		{dst: "172.16.0.0/12", gw: "10.50.0.253", priority: 10}]')"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.50.0.2/24", "gateway": "10.50.0.1"}],
		"routes": [{"dst": "0.0.0.0/0"}, {"dst": "192.168.0.0/16", "gw": "10.50.0.254"},
			{"dst": "172.16.0.0/12", "gw": "10.50.0.253", "priority": 10}],
		"dns": {}}' "$RESULT"
}

@test "cniVersion 0.3.1 and 0.4.0 results carry ips[].version" {
	local v
	for v in 0.3.1 0.4.0; do
		add "a$v" "$(conf ".cniVersion = \"$v\"")"
		[ "$(jq -c '[.cniVersion, .ips[0].version]' <<<"$RESULT")" = "[\"$v\",\"4\"]" ]
	done
}

# ---- CHECK, DEL -------------------------------------------------------------------------------

@test "CHECK: ok while the lease exists, error 3 once it is gone" {
	local c
	c=$(conf)
	add a "$c"
	hl CHECK a "$(jq -c --argjson r "$RESULT" '. + {prevResult: $r}' <<<"$c")"
	[ "$status" -eq 0 ]
	rm "$STORE/10.50.0.2"
	hl CHECK a "$(jq -c --argjson r "$RESULT" '. + {prevResult: $r}' <<<"$c")"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 3 "host-local: failed to find an address of container a (ifname eth0)")" \
		"$output"
}

@test "DEL with prevResult releases the attachment's addresses, not another's" {
	local c ra rb
	c=$(conf '.ipam.ranges = [[{subnet: "10.50.0.0/24"}], [{subnet: "fd00:50::/64"}]]')
	add a "$c"
	ra=$RESULT
	add b "$c"
	rb=$RESULT
	# a prevResult naming b's addresses does not release them for a
	hl DEL a "$(jq -c --argjson r "$rb" '. + {prevResult: $r}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ "$(leases)" = "$(printf '10.50.0.3\nfd00:50::3')" ]
	hl DEL b "$(jq -c --argjson r "$rb" '. + {prevResult: $r}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ -z "$(leases)" ]
	hl DEL a "$(jq -c --argjson r "$ra" '. + {prevResult: $r}' <<<"$c")"
	[ "$status" -eq 0 ]
}

@test "DEL twice, and DEL of what was never added, succeed; only that ifname is released" {
	local c
	c=$(conf)
	add a "$c"
	add a "$c" "" eth1
	del a "$c"
	[ "$(leases)" = 10.50.0.3 ]
	del a "$c"
	del never "$c"
	[ "$(leases)" = 10.50.0.3 ]
	del a "$c" eth1
	[ -z "$(leases)" ]
	# DEL needs no CNI_NETNS
	add b "$c"
	cni host-local DEL b "" eth0 "$c"
	[ "$status" -eq 0 ]
	[ -z "$(leases)" ]
}

# ---- GC and STATUS ----------------------------------------------------------------------------

@test "GC with cni.dev/valid-attachments keeps the valid attachments, releases the rest" {
	local c
	c=$(conf)
	add a "$c"
	add b "$c"
	add c "$c"
	add a "$c" "" eth1
	gc "$(jq -c '. + {"cni.dev/valid-attachments": [{containerID: "a", ifname: "eth0"},
		{containerID: "c", ifname: "eth0"}, {containerID: "gone", ifname: "eth0"}]}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	[ "$(leases)" = "$(printf '10.50.0.2\n10.50.0.4')" ]
	[ "$(owner 10.50.0.4)" = c/eth0 ]
	gc "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ -z "$(leases)" ]
}

@test "GC with cni.dev/attachments (the spec v1.1.0 key) works the same" {
	local c
	c=$(conf)
	add a "$c"
	add b "$c"
	mkdir -p "$STORE"
	printf 'old' >"$STORE/10.50.0.9"   # a one-line lease: matched by container ID
	printf 'old2' >"$STORE/10.50.0.10"
	gc "$(jq -c '. + {"cni.dev/attachments": [{containerID: "b", ifname: "eth0"},
		{containerID: "old", ifname: "eth0"}]}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ "$(leases)" = "$(printf '10.50.0.3\n10.50.0.9')" ]
	# GC needs cniVersion 1.1.0
	gc "$(jq -c '.cniVersion = "1.0.0" | . + {"cni.dev/attachments": []}' <<<"$c")"
	[ "$status" -eq 1 ]
	[ "$(jq -c '[.cniVersion, .code]' <<<"$output")" = '["1.0.0",1]' ]
	[ "$(leases)" = "$(printf '10.50.0.3\n10.50.0.9')" ]
}

@test "GC and DEL touch only their own network's leases" {
	local c other
	c=$(conf)
	other=$(conf '.name = "othernet"')
	add a "$c"
	add a "$other"
	[ "$(leases othernet)" = 10.50.0.2 ]
	gc "$(jq -c '. + {"cni.dev/valid-attachments": []}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ -z "$(leases)" ]
	[ "$(leases othernet)" = 10.50.0.2 ]
	del a "$c"
	[ "$(leases othernet)" = 10.50.0.2 ]
	del a "$other"
	[ -z "$(leases othernet)" ]
}

@test "STATUS: 0 with free addresses, 50 once a range set is exhausted, 0 after DEL" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "fd00:50::/64"}], [{subnet: "10.50.0.0/30"}]]')
	cni host-local STATUS "" "" "" "$c"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	add a "$c"
	cni host-local STATUS "" "" "" "$c"
	[ "$status" -eq 1 ]
	json_eq "$(err_json 50 "range set 1 (10.50.0.0/30) has no free address")" "$output"
	del a "$c"
	cni host-local STATUS "" "" "" "$c"
	[ "$status" -eq 0 ]
	cni host-local STATUS "" "" "" "$(jq -c '.cniVersion = "1.0.0"' <<<"$c")"
	[ "$status" -eq 1 ]
	[ "$(jq -c '[.cniVersion, .code]' <<<"$output")" = '["1.0.0",1]' ]
}

# ---- the bridge runs cnet's host-local in its own process (lib/ipam.h) ------------------------

# bridge_add ID NETNS [ENV...]: bridge ADD of ID on br-$SUFFIX with host-local (10.51.0.0/24),
# ENV (VAR=value) in the environment; the output is in $output.
bridge_add() {
	local id=$1 netns=$2
	shift 2
	local bconf
	bconf=$(conf '.type = "bridge" | .bridge = "br-'"$SUFFIX"'" | .isGateway = true
		| .ipam.ranges = [[{subnet: "10.51.0.0/24"}]] | .ipam.routes = [{dst: "0.0.0.0/0"}]')
	run env "$@" CNI_COMMAND=ADD CNI_CONTAINERID="$id" CNI_NETNS="$(ns_path "$netns")" \
		CNI_IFNAME=eth0 CNI_PATH="${CNI_PATH_OVERRIDE:-$CNET_BIN}" "$CNET_BIN/bridge" <<<"$bconf"
}

@test "in process or exec'd, cnet's host-local gives the bridge the same result and leases" {
	track_link "br-$SUFFIX"
	make_ns "b1-$SUFFIX"
	make_ns "b2-$SUFFIX"
	bridge_add b1 "b1-$SUFFIX"
	[ "$status" -eq 0 ]
	local inproc=$output
	bridge_add b2 "b2-$SUFFIX" CNET_IPAM_EXEC=1
	[ "$status" -eq 0 ]
	# the same shape: only the address, the MACs, the veth and the sandbox differ
	local norm='del(.interfaces[].mac) | .interfaces[1].name = "V" | .interfaces[2].sandbox = "S"
		| .ips[].address |= sub("\\.[0-9]+/"; ".X/")'
	json_eq "$(jq -c "$norm" <<<"$inproc")" "$(jq -c "$norm" <<<"$output")"
	# the reference's lease format, "<id>\r\n<ifname>", whoever wrote it
	[ "$(cat "$DATA_DIR/$NET/10.51.0.2")" = $'b1\r\neth0' ]
	[ "$(cat "$DATA_DIR/$NET/10.51.0.3")" = $'b2\r\neth0' ]
}

@test "a host-local that is not this build's (first on CNI_PATH) is exec'd, not run in process" {
	track_link "br-$SUFFIX"
	make_ns "b1-$SUFFIX"
	local other=$BATS_TEST_TMPDIR/other
	mkdir -p "$other"
	# a foreign host-local: records that it ran, then does the real work
	printf '#!/bin/sh\necho ran >>%s/ran\nexec %s/host-local\n' "$other" "$CNET_BIN" >"$other/host-local"
	chmod +x "$other/host-local"
	CNI_PATH_OVERRIDE=$other:$CNET_BIN bridge_add b1 "b1-$SUFFIX"
	[ "$status" -eq 0 ]
	[ "$(cat "$other/ran")" = ran ]
	# and errors read the same either way: the delegate's code, "ipam host-local ADD:" first
	local bad='.ipam.ranges = [[{subnet: "10.51.0.0/24", rangeStart: "10.52.0.1"}]]'
	run env CNI_COMMAND=ADD CNI_CONTAINERID=b9 CNI_NETNS="$(ns_path "b1-$SUFFIX")" CNI_IFNAME=eth9 \
		CNI_PATH="$CNET_BIN" "$CNET_BIN/bridge" <<<"$(conf ".bridge = \"br-$SUFFIX\" | $bad")"
	local inproc=$output
	run env CNET_IPAM_EXEC=1 CNI_COMMAND=ADD CNI_CONTAINERID=b9 CNI_NETNS="$(ns_path "b1-$SUFFIX")" \
		CNI_IFNAME=eth9 CNI_PATH="$CNET_BIN" "$CNET_BIN/bridge" <<<"$(conf ".bridge = \"br-$SUFFIX\" | $bad")"
	[ "$status" -eq 1 ]
	is "$inproc" "$output"
	[[ $(jq -r .msg <<<"$output") == "ipam host-local ADD: "* ]]
}
