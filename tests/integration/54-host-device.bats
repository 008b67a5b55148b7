#!/usr/bin/env bats
# The host-device plugin as a black box. This kernel has no dummy links and the sandbox no
# PCI device, so the "host device" is one end of a veth pair made in the sandbox root: it moves
# into the container renamed to eth0 with the IPAM address, and after DEL it is back in the
# root under its old name. DEL twice, DEL with the namespace gone, every key's bad input (with
# its code, message, and nothing left behind), CHECK, GC, STATUS, the PCI lookup and DPDK mode
# on a fake sysfs tree (CNET_SYSFS_ROOT), and the same configs through the reference plugin.

# Bats runs each test in a subshell:
# shellcheck disable=SC2030,SC2031

load helpers

NET=hdnet

setup() {
	cnet_setup
	DEV=hd-$SUFFIX
	PEER=hp-$SUFFIX
	NS=hdc-$SUFFIX
	CID=ctr-$SUFFIX
	ip link add "$DEV" type veth peer name "$PEER"
	track_link "$DEV"
	track_link "$PEER"
	make_ns "$NS"
	export CNET_RUN_DIR=$STATE/run
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf [JQ_FILTER]: cniVersion 1.1.0 host-device config for $DEV, host-local over
# 10.97.0.0/24 in $DATA_DIR; FILTER (jq) edits it.
conf() {
	jq -nc --arg dev "$DEV" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "host-device", device: $dev,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.97.0.0/24"}]]}}' |
		jq -c "${1:-.}"
}

# hd CMD CONFIG [NETNS_PATH]: run host-device for $CID's eth0 (NETNS_PATH defaults to $NS's).
hd() { cni host-device "$1" "$CID" "${3-$(ns_path "$NS")}" eth0 "$2"; }

# add CONFIG: ADD must succeed; the result is in RESULT.
add() {
	hd ADD "$1"
	[ "$status" -eq 0 ]
	RESULT=$output
}

# del_twice CONFIG [NETNS_PATH]: DEL twice; both succeed and print nothing.
del_twice() {
	local _
	for _ in 1 2; do
		hd DEL "$@"
		[ "$status" -eq 0 ]
		[ -z "$output" ]
	done
}

with_prev() { jq -c --argjson r "$2" '. + {prevResult: $r}' <<<"$1"; }

# link_json LINK [NETNS]: what matters of a link: name, alias, up, MAC, MTU.
link_json() {
	ip ${2:+-n "$2"} -j -d link show dev "$1" | jq -c '.[0] | {ifname, ifalias: (.ifalias // ""),
		up: (.flags | index("UP") != null), address, mtu}'
}

mac_of() { ip ${2:+-n "$2"} -j link show dev "$1" | jq -r '.[0].address'; }

# addrs LINK [NETNS]: global addresses as a JSON array of "addr/plen".
addrs() {
	ip ${2:+-n "$2"} -j addr show dev "$1" |
		jq -c '[.[0].addr_info // [] | .[] | select(.scope == "global") | "\(.local)/\(.prefixlen)"]'
}

# leases [DATA_DIR]: host-local's lease files for $NET.
leases() {
	local d=${1:-$DATA_DIR}/$NET
	[[ -d $d ]] || return 0
	find "$d" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' -printf '%f\n' | sort
}

# state_files: host-device's records (none must be left after DEL).
state_files() {
	find "$CNET_RUN_DIR/host-device" -type f -name '*.json' -printf '%P\n' 2>/dev/null | sort
}

# untouched: $DEV is in the root under its name, down, with no alias; the container holds
# only lo; no record and no lease is left.
untouched() {
	is "$(link_json "$DEV" | jq -c '{ifname, ifalias, up}')" \
		'{"ifname":"'"$DEV"'","ifalias":"","up":false}'
	assert_no_leftovers -n "$NS"
	is "$(state_files)" ""
	is "$(leases)" ""
}

# expected CONFIG_VERSION IPS: the result ADD prints for $DEV as eth0 in $NS.
expected() {
	jq -nc --arg v "$1" --argjson ips "$2" --arg mac "$(mac_of eth0 "$NS")" \
		--arg sb "$(ns_path "$NS")" '{cniVersion: $v,
		interfaces: [{name: "eth0", mac: $mac, sandbox: $sb}]}
		+ (if $ips == [] then {} else {ips: $ips} end) + {dns: {}}'
}

err_json() {
	jq -nc --argjson code "$1" --arg msg "$2" --arg v "${3:-1.1.0}" \
		'{cniVersion: $v, code: $code, msg: $msg}'
}

# ---- ADD, CHECK, DEL ------------------------------------------------------------------------

@test "ADD moves the device in as eth0 with its address; CHECK; DEL puts it back under its name; DEL twice" {
	local c mac
	mac=$(mac_of "$DEV")
	ip link set dev "$DEV" alias "uplink to the lab"
	ip link set dev "$DEV" mtu 1400
	c=$(conf)
	add "$c"
	json_eq "$(expected 1.1.0 '[{"interface": 0, "address": "10.97.0.2/24", "gateway": "10.97.0.1"}]')" \
		"$RESULT"
	# gone from the root, in the container: renamed, up, same MAC and MTU, host name in the alias
	run ip link show dev "$DEV"
	[ "$status" -ne 0 ]   # gone from the root
	is "$(link_json eth0 "$NS")" \
		'{"ifname":"eth0","ifalias":"'"$DEV"'","up":true,"address":"'"$mac"'","mtu":1400}'
	is "$(addrs eth0 "$NS")" '["10.97.0.2/24"]'
	is "$(leases)" "10.97.0.2"
	is "$(state_files)" "$NET/${CID}_eth0.json"
	is "$(jq -c '[.hostName, .hostAlias, .kind]' "$CNET_RUN_DIR/host-device/$NET/${CID}_eth0.json")" \
		'["'"$DEV"'","uplink to the lab","veth"]'

	# it works: the peer in the root reaches the container
	ip addr add 10.97.0.1/24 dev "$PEER"
	ip link set "$PEER" up
	wait_until 5 ping -q -c 1 -W 1 10.97.0.2 >/dev/null

	hd CHECK "$(with_prev "$c" "$RESULT")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]

	del_twice "$c"
	# back in the root under its name, its own alias back, MAC and MTU as they were
	is "$(link_json "$DEV")" \
		'{"ifname":"'"$DEV"'","ifalias":"uplink to the lab","up":false,"address":"'"$mac"'","mtu":1400}'
	is "$(addrs "$DEV")" '[]'
	assert_no_leftovers -n "$NS"
	is "$(leases)" ""
	is "$(state_files)" ""
}

@test "ADD without ipam: the device just comes up; the result has no ips; DEL twice" {
	local c
	c=$(conf 'del(.ipam)')
	add "$c"
	json_eq "$(expected 1.1.0 '[]')" "$RESULT"
	is "$(link_json eth0 "$NS" | jq -c '[.ifalias, .up]')" '["'"$DEV"'",true]'
	is "$(addrs eth0 "$NS")" '[]'
	hd CHECK "$(with_prev "$c" "$RESULT")"
	[ "$status" -eq 0 ]
	del_twice "$c"
	untouched
}

@test "CNI_IFNAME other than eth0, dual stack with routes and dns, cniVersion 0.4.0" {
	local c
	ip link set "$PEER" up   # carrier, so that IPv6 duplicate address detection can finish
	c=$(conf '.cniVersion = "0.4.0" | .ipam.ranges += [[{subnet: "fd97::/64"}]]
		| .ipam.routes = [{dst: "10.200.0.0/16"}] | .dns = {nameservers: ["10.97.0.53"]}')
	cni host-device ADD "$CID" "$(ns_path "$NS")" net1 "$c"
	[ "$status" -eq 0 ]
	json_eq '{"cniVersion": "0.4.0",
		"interfaces": [{"name": "net1", "mac": "'"$(mac_of net1 "$NS")"'", "sandbox": "'"$(ns_path "$NS")"'"}],
		"ips": [{"version": "4", "interface": 0, "address": "10.97.0.2/24", "gateway": "10.97.0.1"},
			{"version": "6", "interface": 0, "address": "fd97::2/64", "gateway": "fd97::1"}],
		"routes": [{"dst": "10.200.0.0/16"}],
		"dns": {"nameservers": ["10.97.0.53"]}}' "$output"
	is "$(addrs net1 "$NS")" '["10.97.0.2/24","fd97::2/64"]'
	ip -n "$NS" -j route show 10.200.0.0/16 | jq -e '.[0].gateway == "10.97.0.1"' >/dev/null
	cni host-device CHECK "$CID" "$(ns_path "$NS")" net1 "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ]
	for _ in 1 2; do
		cni host-device DEL "$CID" "$(ns_path "$NS")" net1 "$c"
		[ "$status" -eq 0 ]
	done
	is "$(link_json "$DEV" | jq -c '[.ifname, .ifalias]')" '["'"$DEV"'",""]'
	untouched
}

@test "hwaddr and kernelpath pick the device too" {
	local c mac
	mac=$(mac_of "$DEV")
	c=$(conf "del(.device) | .hwaddr = \"${mac^^}\"")
	add "$c"
	is "$(link_json eth0 "$NS" | jq -r .ifalias)" "$DEV"
	del_twice "$c"
	untouched
	# /sys/devices/virtual/net holds every virtual link: the first in name order is ours
	c=$(conf 'del(.device) | .kernelpath = "/sys/devices/virtual"')
	add "$c"
	is "$(link_json eth0 "$NS" | jq -r .ifalias)" "$DEV"
	del_twice "$c"
	untouched
}

@test "pciBusID and the deviceID capability find the interface through sysfs (fake tree)" {
	local c root=$BATS_TEST_TMPDIR/sys
	mkdir -p "$root/bus/pci/devices/0000:00:09.0/net/$DEV" "$root/bus/pci/devices/0000:00:0a.0"
	export CNET_SYSFS_ROOT=$root
	c=$(conf 'del(.device) | .pciBusID = "0000:00:0a.0" | .runtimeConfig.deviceID = "0000:00:09.0"')
	add "$c"
	is "$(link_json eth0 "$NS" | jq -r .ifalias)" "$DEV"
	hd CHECK "$(with_prev "$c" "$RESULT")"
	[ "$status" -eq 0 ]
	del_twice "$c"
	untouched
	c=$(conf 'del(.device) | .pciBusID = "0000:00:09.0"')
	add "$c"
	del_twice "$c"
	untouched
}

@test "DPDK mode: a PCI device bound to vfio-pci is not moved; the result carries the IPAM addresses" {
	local c root=$BATS_TEST_TMPDIR/sys
	mkdir -p "$root/bus/pci/devices/0000:00:09.0" "$root/bus/pci/drivers/vfio-pci"
	ln -s ../../drivers/vfio-pci "$root/bus/pci/devices/0000:00:09.0/driver"
	export CNET_SYSFS_ROOT=$root
	c=$(conf 'del(.device) | .runtimeConfig.deviceID = "0000:00:09.0"')
	add "$c"
	json_eq '{"cniVersion": "1.1.0", "ips": [{"address": "10.97.0.2/24", "gateway": "10.97.0.1"}],
		"dns": {}}' "$RESULT"
	assert_no_leftovers -n "$NS"
	hd CHECK "$(with_prev "$c" "$RESULT")"
	[ "$status" -eq 0 ]
	del_twice "$c"
	untouched
}

# ---- DEL when the container is gone ---------------------------------------------------------

@test "DEL with the namespace gone: the veth died with it; DEL succeeds, releases the lease, drops the record" {
	local c
	c=$(conf)
	add "$c"
	ip netns del "$NS"
	# a virtual device is destroyed with its namespace, and its peer with it
	wait_until 5 bash -c "! ip link show dev $PEER 2>/dev/null"
	del_twice "$c"
	is "$(leases)" ""
	is "$(state_files)" ""
	assert_no_leftovers
}

@test "DEL with CNI_NETNS empty after the namespace is gone: the same" {
	local c
	c=$(conf)
	add "$c"
	ip netns del "$NS"
	del_twice "$c" ""
	is "$(leases)" ""
	is "$(state_files)" ""
}

@test "DEL after the kernel handed the device back under its container name: renamed back from the record" {
	local c mac
	mac=$(mac_of "$DEV")
	c=$(conf 'del(.ipam)')
	add "$c"
	# what the kernel does for a physical device when the namespace dies: back in the
	# initial namespace, named as in the container, its alias kept
	ip -n "$NS" link set eth0 netns 1
	ip netns del "$NS"
	is "$(link_json eth0 | jq -c '[.ifalias, .address]')" '["'"$DEV"'","'"$mac"'"]'
	del_twice "$c" "$(ns_path "$NS")"
	is "$(link_json "$DEV" | jq -c '[.ifname, .ifalias, .address]')" '["'"$DEV"'","","'"$mac"'"]'
	is "$(state_files)" ""
	assert_no_leftovers "$DEV" "$PEER"
}

# ---- failures leave nothing behind ----------------------------------------------------------

@test "eth0 already in the container: 103, the device stays in the root under its name" {
	ip -n "$NS" link add eth0 type veth peer name other
	hd ADD "$(conf)"
	json_eq "$(err_json 103 "container interface \"eth0\" already exists in $(ns_path "$NS")")" "$output"
	ip -n "$NS" link del eth0
	untouched
}

@test "an IPAM failure after the move gives the device back with its alias" {
	ip link set dev "$DEV" alias "keep me"
	hd ADD "$(conf '.ipam.ranges = [[{subnet: "10.97.0.0/24", rangeStart: "10.97.0.300"}]]')"
	[ "$status" -eq 1 ]
	is "$(jq -r .code <<<"$output")" 7
	is "$(link_json "$DEV" | jq -c '[.ifname, .ifalias, .up]')" '["'"$DEV"'","keep me",false]'
	assert_no_leftovers -n "$NS"
	is "$(state_files)" ""
	is "$(leases)" ""
	hd ADD "$(conf '.ipam.type = "no-such-ipam"')"
	[ "$status" -eq 1 ]
	is "$(link_json "$DEV" | jq -c '[.ifname, .ifalias]')" '["'"$DEV"'","keep me"]'
	assert_no_leftovers -n "$NS"
	is "$(state_files)" ""
}

@test "bad input for each key: its code and message, nothing left behind" {
	local root=$BATS_TEST_TMPDIR/sys
	mkdir -p "$root/bus/pci/devices/0000:00:04.0" "$root/devices/pci0000:00/0000:00:05.0"
	ln -s /sys/class "$root/class"   # hwaddr looks at the real links
	export CNET_SYSFS_ROOT=$root
	local -a cases=(
		'del(.device)'
		'7' 'specify either "device", "hwaddr", "kernelpath" or "pciBusID" (or the deviceID capability)'
		'.device = 5'
		'7' 'device: expected a string, got integer'
		'.device = "a/b"'
		'7' 'device: "a/b" is not a valid interface name'
		'.device = "nosuchdev"'
		'7' 'device: no link "nosuchdev" in the host namespace'
		'del(.device) | .hwaddr = "02:00:00"'
		'7' 'hwaddr: "02:00:00" is not a MAC address'
		'del(.device) | .hwaddr = "02:00:00:00:00:99"'
		'7' 'hwaddr: no link with MAC 02:00:00:00:00:99 in the host namespace'
		'del(.device) | .kernelpath = "/etc"'
		'7' 'kernelpath: "/etc" must be an absolute path under /sys/devices/ without "." or ".." components'
		'del(.device) | .kernelpath = "/sys/devices/pci0000:00/0000:00:05.0"'
		'7' 'kernelpath: no network interface at "/sys/devices/pci0000:00/0000:00:05.0/net"'
		'del(.device) | .pciBusID = "../../x"'
		'7' 'pciBusID: "../../x" is not a PCI address or device name (letters, digits and ":._-", at most 63 bytes)'
		'del(.device) | .pciBusID = "0000:00:01.0"'
		'7' 'pciBusID: no PCI or auxiliary device "0000:00:01.0" (no /sys/bus/pci/devices/0000:00:01.0 nor /sys/bus/auxiliary/devices/0000:00:01.0)'
		'del(.device) | .runtimeConfig.deviceID = "0000:00:04.0"'
		'7' 'runtimeConfig.deviceID: device "0000:00:04.0" has no network interface (no net directory; bound to a userspace driver other than vfio-pci, uio_pci_generic or igb_uio?)'
		'.runtimeConfig = "x"'
		'7' 'runtimeConfig: expected an object, got string'
		'.ipam = []'
		'7' 'ipam: expected an object, got array'
		'.dns = {nameservers: "1.1.1.1"}'
		'7' 'dns.nameservers: expected an array, got string'
	)
	local i
	for ((i = 0; i < ${#cases[@]}; i += 3)); do
		hd ADD "$(conf "${cases[i]}")"
		json_eq "$(err_json "${cases[i + 1]}" "${cases[i + 2]}")" "$output"
		untouched
	done
	# a link that cannot leave its namespace: the kernel's answer, nothing left behind
	hd ADD "$(conf '.device = "lo"')"
	[ "$status" -eq 1 ]
	is "$(jq -r .code <<<"$output")" 100
	[[ $(jq -r .msg <<<"$output") == 'move "lo" into the container: '* ]]
	untouched
	# the environment
	cni host-device ADD "$CID" "$(ns_path "$NS")" "eth0/x" "$(conf)"
	is "$(jq -r .code <<<"$output")" 4
	cni host-device ADD "$CID" /run/netns/nonexistent eth0 "$(conf)"
	is "$(jq -r .code <<<"$output")" 4
	untouched
}

@test "DEL when the host name was taken meanwhile: 103, the device stays in the container until it is free" {
	local c
	c=$(conf)
	add "$c"
	ip link add "$DEV" type veth peer name "x$SUFFIX"
	hd DEL "$c"
	json_eq "$(err_json 103 "give \"eth0\" back to the host as \"$DEV\": the host already has a link of that name")" \
		"$output"
	is "$(link_json eth0 "$NS" | jq -c '[.ifalias, .up]')" '["'"$DEV"'",true]'
	ip link del "$DEV"
	del_twice "$c"
	is "$(link_json "$DEV" | jq -r .ifname)" "$DEV"
	untouched
}

# ---- CHECK ----------------------------------------------------------------------------------

@test "CHECK fails on a missing address, a missing device, a lost alias, a missing prevResult" {
	local c
	c=$(conf)
	add "$c"
	hd CHECK "$c"
	json_eq "$(err_json 7 "prevResult: required for CHECK")" "$output"
	hd CHECK "$(with_prev "$c" "$(jq -c '.interfaces[0].sandbox = "/elsewhere"' <<<"$RESULT")")"
	json_eq "$(err_json 7 "prevResult: no interface \"eth0\" with sandbox \"$(ns_path "$NS")\"")" "$output"
	hd CHECK "$(with_prev "$c" "$(jq -c '.interfaces[0].mac = "02:00:00:00:00:01"' <<<"$RESULT")")"
	json_eq "$(err_json 7 "interface \"eth0\": MAC $(mac_of eth0 "$NS"), prevResult says 02:00:00:00:00:01")" "$output"
	ip -n "$NS" addr del 10.97.0.2/24 dev eth0
	hd CHECK "$(with_prev "$c" "$RESULT")"
	json_eq "$(err_json 7 "address 10.97.0.2/24 is missing on \"eth0\"")" "$output"
	ip -n "$NS" link set eth0 alias ""
	hd CHECK "$(with_prev "$c" "$RESULT")"
	json_eq "$(err_json 7 "interface \"eth0\" has lost the record of its host name (its alias is empty)")" "$output"
	ip -n "$NS" link set eth0 alias "$DEV"
	ip -n "$NS" link set eth0 down
	ip -n "$NS" link set eth0 name gone0
	hd CHECK "$(with_prev "$c" "$RESULT")"
	json_eq "$(err_json 3 "interface \"eth0\" not found in $(ns_path "$NS")")" "$output"
	ip -n "$NS" link set gone0 name eth0
	del_twice "$c"
	untouched
}

# ---- GC and STATUS --------------------------------------------------------------------------

@test "GC (1.1.0) drops the records and leases of attachments not listed as valid, reclaims their device" {
	local c c2 dev2=hq-$SUFFIX ns2=hdd-$SUFFIX
	ip link add "$dev2" type veth peer name "hr-$SUFFIX"
	track_link "$dev2"
	track_link "hr-$SUFFIX"
	make_ns "$ns2"
	c=$(conf)
	c2=$(jq -c --arg d "$dev2" '.device = $d' <<<"$c")
	add "$c"
	cni host-device ADD other "$(ns_path "$ns2")" eth0 "$c2"
	[ "$status" -eq 0 ]
	is "$(state_files | wc -l)" 2
	# "other" lost its namespace (a veth dies with it)
	ip netns del "$ns2"
	cni host-device GC "" "" "" "$(jq -c --arg id "$CID" '. + {"cni.dev/valid-attachments":
		[{containerID: $id, ifname: "eth0"}]}' <<<"$c")"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	is "$(state_files)" "$NET/${CID}_eth0.json"
	is "$(leases)" "10.97.0.2"
	is "$(link_json eth0 "$NS" | jq -r .ifalias)" "$DEV"
	# GC needs a 1.1.0 config
	cni host-device GC "" "" "" "$(jq -c '.cniVersion = "1.0.0" | . + {"cni.dev/valid-attachments": []}' <<<"$c")"
	is "$(jq -c '[.cniVersion, .code]' <<<"$output")" '["1.0.0",1]'
	del_twice "$c"
	untouched
}

@test "STATUS (1.1.0) is IPAM's: 0, then 50 when the range is exhausted; 0 without ipam" {
	local c
	c=$(conf '.ipam.ranges = [[{subnet: "10.97.0.0/30"}]]')
	cni host-device STATUS "" "" "" "$c"
	[ "$status" -eq 0 ]
	add "$c"
	cni host-device STATUS "" "" "" "$c"
	is "$(jq -c '[.code, .msg]' <<<"$output")" \
		'[50,"ipam host-local STATUS: range set 0 (10.97.0.0/30) has no free address"]'
	del_twice "$c"
	cni host-device STATUS "" "" "" "$(conf 'del(.ipam)')"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

# ---- against the reference plugin -----------------------------------------------------------

# ref_ok: is the reference host-device installed?
ref_ok() { [[ -x $REF_BIN/host-device && -x $REF_BIN/host-local ]]; }

# side SIDE CMD CONFIG: run SIDE's plugin (ref or cnet) on $DEV / $NS, with host-local's
# dataDir of its own ($DATA_DIR/SIDE), so that both sides hand out the same addresses.
side() {
	local c
	c=$(jq -c --arg d "$DATA_DIR/$1" 'if .ipam then .ipam.dataDir = $d else . end' <<<"$3")
	if [[ $1 == ref ]]; then USE_REF=1 hd "$2" "$c"; else USE_REF=0 hd "$2" "$c"; fi
}

# norm RESULT: MACs and the sandbox path replaced.
norm() { jq -cS '(.interfaces // [] | .[]) |= (.mac = "MAC" | .sandbox = "SANDBOX")' <<<"$1"; }

# in_container: the state of eth0 in $NS (alias, up, addresses).
in_container() {
	jq -nc --argjson l "$(link_json eth0 "$NS")" --argjson a "$(addrs eth0 "$NS")" \
		'$l + {addrs: $a} | del(.address)'
}

@test "diff: the same configs give the same result and container state as the reference" {
	ref_ok || skip "reference plugins not installed in $REF_BIN"
	local c tmpl res_ref st_ref s
	for tmpl in '.' 'del(.ipam)' '.ipam.routes = [{dst: "10.200.0.0/16", gw: "10.97.0.1"}] | .dns = {nameservers: ["10.97.0.53"]}'; do
		c=$(conf ".cniVersion = \"1.0.0\" | $tmpl")
		for s in ref cnet; do
			side "$s" ADD "$c"
			[ "$status" -eq 0 ]
			if [[ $s == ref ]]; then
				res_ref=$(norm "$output")
				st_ref=$(in_container)
			else
				is "$(norm "$output")" "$res_ref"
				is "$(in_container)" "$st_ref"
			fi
			side "$s" CHECK "$(with_prev "$c" "$output")"
			[ "$status" -eq 0 ]
			side "$s" DEL "$c"
			[ "$status" -eq 0 ]
			is "$(link_json "$DEV" | jq -c '[.ifname, .up]')" '["'"$DEV"'",false]'
			is "$(leases "$DATA_DIR/$s")" ""
		done
	done
}

@test "diff: either plugin's DEL gives back what the other's ADD moved (the alias holds the host name)" {
	ref_ok || skip "reference plugins not installed in $REF_BIN"
	local c
	c=$(conf '.cniVersion = "1.0.0"')   # one dataDir: the lease is shared too
	USE_REF=1 hd ADD "$c"
	[ "$status" -eq 0 ]
	hd CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ]
	hd DEL "$c"
	[ "$status" -eq 0 ]
	# no record of the alias it had: cleared, as newer references do
	is "$(link_json "$DEV" | jq -c '[.ifname, .ifalias]')" '["'"$DEV"'",""]'
	untouched

	hd ADD "$c"
	[ "$status" -eq 0 ]
	USE_REF=1 hd CHECK "$(with_prev "$c" "$output")"
	[ "$status" -eq 0 ]
	USE_REF=1 hd DEL "$c"
	[ "$status" -eq 0 ]
	# back under its name; the reference leaves the alias, and cnet's record to cnet's DEL
	is "$(link_json "$DEV" | jq -c '[.ifname, .ifalias]')" '["'"$DEV"'","'"$DEV"'"]'
	is "$(leases)" ""
	hd DEL "$c"
	[ "$status" -eq 0 ]
	ip link set dev "$DEV" alias ""
	untouched
}

@test "difference: the reference leaves its alias behind, fails a second DEL and DEL with the namespace gone" {
	ref_ok || skip "reference plugins not installed in $REF_BIN"
	local c
	c=$(conf '.cniVersion = "1.0.0"')
	side ref ADD "$c"
	side ref DEL "$c"
	[ "$status" -eq 0 ]
	is "$(link_json "$DEV" | jq -r .ifalias)" "$DEV"   # cnet: the alias it had before
	side ref DEL "$c"
	[ "$status" -eq 1 ]
	is "$(jq -r .msg <<<"$output")" 'failed to find "eth0": Link not found'
	ip link set dev "$DEV" alias ""
	side ref ADD "$c"
	ip netns del "$NS"
	side ref DEL "$c"
	[ "$status" -eq 1 ]
	[[ $(jq -r .msg <<<"$output") == 'failed to open netns '* ]]
	is "$(leases "$DATA_DIR/ref" | wc -l)" 1   # cnet releases it (cni#1167)
}

@test "difference: the reference leaves the device in the container when eth0 is taken there" {
	ref_ok || skip "reference plugins not installed in $REF_BIN"
	ip -n "$NS" link add eth0 type veth peer name other
	side ref ADD "$(conf '.cniVersion = "1.0.0" | del(.ipam)')"
	[ "$status" -eq 1 ]
	is "$(jq -r .msg <<<"$output")" "failed to move link failed to rename device \"$DEV\" to \"eth0\": file exists"
	run ip link show dev "$DEV"
	[ "$status" -ne 0 ]   # gone from the root
	ip -n "$NS" link show dev "$DEV" >/dev/null   # cnet: 103 and the device stays in the root
}
