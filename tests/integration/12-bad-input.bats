#!/usr/bin/env bats
# Bad input to the bridge plugin (and host-local behind it): every case must exit 1, print
# exactly the spec's error object ({cniVersion, code, msg[, details]}) on stdout, and leave
# nothing behind: no link in the sandbox root or the container, no lease file. Failures
# detected before the bridge is made leave no bridge either; failures in IPAM come after it
# (as in the reference plugin, the bridge stays: it is shared and never deleted).

load helpers

NET=badnet

setup() {
	cnet_setup
	BR=bb-$SUFFIX
	track_link "$BR"
	NS=bad-$SUFFIX
	make_ns "$NS"
	CID=ctr-$SUFFIX
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf [JQ_FILTER]: cniVersion 1.1.0 bridge config on $BR, host-local over 10.98.0.0/24 in
# $DATA_DIR; FILTER (jq) edits it.
conf() {
	jq -nc --arg br "$BR" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: $br,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.98.0.0/24"}]]}}' |
		jq -c "${1:-.}"
}

# add CONFIG [CNI_ARGS]: bridge ADD of $CID's eth0 in $NS.
add() { cni bridge ADD "$CID" "$(ns_path "$NS")" eth0 "$1" "${2-}"; }

# raw PLUGIN CONFIG [ENV_ARG...]: ADD like `add`, then `env ENV_ARG...` on top of the usual
# environment (NAME=VALUE overrides, -u NAME removes); sets status and output.
raw() {
	local plugin=$1 config=$2
	shift 2
	output=$(printf '%s' "$config" | env CNI_COMMAND=ADD CNI_CONTAINERID="$CID" \
		CNI_NETNS="$(ns_path "$NS")" CNI_IFNAME=eth0 CNI_PATH="$CNET_BIN" \
		env "$@" "$CNET_BIN/$plugin" 2>"$BATS_TEST_TMPDIR/raw.stderr") && status=0 || status=$?
	printf '# raw %s %s -> exit %d: %s\n' "$plugin" "$*" "$status" "$output" >&2
}

# err_json CODE MSG [DETAILS]: the error object (cniVersion 1.1.0).
err_json() {
	jq -nc --argjson code "$1" --arg msg "$2" --arg details "${3-}" \
		'{cniVersion: "1.1.0", code: $code, msg: $msg}
		 + (if $details == "" then {} else {details: $details} end)'
}

# expect_error CODE MSG [DETAILS]: the last run exited 1 printing exactly that error.
expect_error() {
	[ "$status" -eq 1 ]
	json_eq "$(err_json "$@")" "$output"
}

# leases: the lease files of $NET.
leases() {
	local d=$DATA_DIR/$NET
	[[ -d $d ]] || return 0
	find "$d" -maxdepth 1 -type f ! -name lock ! -name 'last_reserved_ip.*' -printf '%f\n' | sort
}

# nothing_left [LINK...]: no link but LINK... in the sandbox root, only lo in $NS, no lease.
nothing_left() {
	assert_no_leftovers "$@"
	assert_no_leftovers -n "$NS"
	[ -z "$(leases)" ]
}

# ---- decoding and versions ------------------------------------------------------------------

@test "malformed JSON: 6" {
	add '{"cniVersion": "1.1.0", "name": '
	expect_error 6 "decode config: unexpected token near end of file (line 1, column 32)"
	nothing_left
	add '{"cniVersion": "1.1.0", "cniVersion": "1.1.0", "name": "x", "type": "bridge"}'
	expect_error 6 "decode config: duplicate object key near '\"cniVersion\"' (line 1, column 36)"
	add '["cniVersion", "1.1.0"]'
	expect_error 6 "decode config: expected a JSON object, got array"
	add ''
	expect_error 6 "decode config: '[' or '{' expected near end of file (line 1, column 0)"
	add "$(conf '.cniVersion = 110')"
	expect_error 6 "cniVersion: expected a string, got integer"
	nothing_left
}

@test "unsupported cniVersion \"9.9.9\": 1" {
	add "$(conf '.cniVersion = "9.9.9"')"
	expect_error 1 "incompatible CNI versions: config is \"9.9.9\", plugin supports 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0" \
		"config is \"9.9.9\""
	nothing_left
	# host-local alone says the same
	raw host-local "$(conf '.cniVersion = "9.9.9"')"
	expect_error 1 "incompatible CNI versions: config is \"9.9.9\", plugin supports 0.3.0, 0.3.1, 0.4.0, 1.0.0, 1.1.0" \
		"config is \"9.9.9\""
	nothing_left
}

# ---- the environment ------------------------------------------------------------------------

@test "missing or invalid CNI_IFNAME: 4" {
	local bad
	raw bridge "$(conf)" -u CNI_IFNAME
	expect_error 4 "CNI_IFNAME is required"
	raw bridge "$(conf)" CNI_IFNAME=
	expect_error 4 "CNI_IFNAME is required"
	for bad in eth0123456789abc a/b . .. "a b" a:b; do
		raw bridge "$(conf)" CNI_IFNAME="$bad"
		expect_error 4 "CNI_IFNAME \"$bad\" is invalid: it must be 1-15 bytes without '/', ':' or whitespace, and not '.' or '..'"
	done
	nothing_left
}

@test "missing or invalid CNI_CONTAINERID: 4" {
	local bad
	raw bridge "$(conf)" -u CNI_CONTAINERID
	expect_error 4 "CNI_CONTAINERID is required"
	for bad in -ctr "a b" "a/b" "ctr;1"; do
		raw bridge "$(conf)" CNI_CONTAINERID="$bad"
		expect_error 4 "CNI_CONTAINERID \"$bad\" is invalid: it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*"
	done
	nothing_left
}

@test "missing CNI_NETNS, CNI_NETNS a regular file, missing or not a network namespace: 4" {
	local f=$BATS_TEST_TMPDIR/not-a-netns
	touch "$f"
	raw bridge "$(conf)" -u CNI_NETNS
	expect_error 4 "CNI_NETNS is required for ADD"
	raw bridge "$(conf)" CNI_NETNS="$f"
	expect_error 4 "CNI_NETNS: \"$f\" is not a network namespace"
	raw bridge "$(conf)" CNI_NETNS="/run/netns/none-$SUFFIX"
	expect_error 4 "CNI_NETNS: open \"/run/netns/none-$SUFFIX\": No such file or directory"
	raw bridge "$(conf)" CNI_NETNS=/proc/self/ns/mnt
	expect_error 4 "CNI_NETNS: \"/proc/self/ns/mnt\" is a namespace, but not a network namespace"
	# host-local needs it on ADD as well
	raw host-local "$(conf)" -u CNI_NETNS
	expect_error 4 "CNI_NETNS is required for ADD"
	nothing_left
}

@test "malformed CNI_ARGS, or a MAC= that is not a MAC: 4" {
	add "$(conf)" "IgnoreUnknown=1;FOO"
	expect_error 4 "CNI_ARGS: \"FOO\" is not KEY=VALUE"
	add "$(conf)" "MAC=02:00:00:00:00"
	expect_error 4 "CNI_ARGS MAC: \"02:00:00:00:00\" is not a MAC address"
	nothing_left
}

# ---- host-local's config (through the bridge: the veth is rolled back) ------------------------

@test "invalid subnet: 7" {
	local s
	add "$(conf '.ipam.ranges[0][0].subnet = "10.98.0.0/33"')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].subnet: \"10.98.0.0/33\" is not a CIDR prefix"
	add "$(conf '.ipam.ranges[0][0].subnet = "banana"')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].subnet: \"banana\" is not a CIDR prefix"
	add "$(conf '.ipam.ranges[0][0].subnet = "10.98.0.1/24"')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].subnet: 10.98.0.1/24 has host bits set; the network address is 10.98.0.0/24"
	for s in 10.98.0.0/31 10.98.0.0/32 fd00:98::/127; do
		add "$(conf ".ipam.ranges[0][0].subnet = \"$s\"")"
		expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].subnet: network $s is too small to allocate from"
	done
	add "$(conf '.ipam.ranges = []')"
	expect_error 7 "ipam host-local ADD: ipam: no IP ranges specified (set \"ranges\" or \"subnet\")"
	nothing_left "$BR"
	[ ! -e "$DATA_DIR" ]
}

@test "rangeStart (or rangeEnd) outside the subnet, or after rangeEnd: 7" {
	add "$(conf '.ipam.ranges[0][0].rangeStart = "10.97.0.10"')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].rangeStart: 10.97.0.10 is not in network 10.98.0.0/24"
	add "$(conf '.ipam.ranges[0][0].rangeEnd = "10.98.1.10"')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].rangeEnd: 10.98.1.10 is not in network 10.98.0.0/24"
	add "$(conf '.ipam.ranges[0][0] += {rangeStart: "10.98.0.50", rangeEnd: "10.98.0.40"}')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0]: rangeStart 10.98.0.50 is after rangeEnd"
	nothing_left "$BR"
	[ ! -e "$DATA_DIR" ]
}

@test "overlapping ranges, in one range set or across two: 7" {
	add "$(conf '.ipam.ranges = [[{subnet: "10.98.0.0/24"}, {subnet: "10.98.0.0/25"}]]')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0]: subnets 10.98.0.0/24 and 10.98.0.0/25 overlap"
	add "$(conf '.ipam.ranges = [[{subnet: "10.98.0.0/24"}], [{subnet: "10.98.0.128/25"}]]')"
	expect_error 7 "ipam host-local ADD: ipam.ranges: range set 0 overlaps with 1"
	add "$(conf '.ipam.ranges = [[{subnet: "10.98.0.0/24"}, {subnet: "fd00:98::/64"}]]')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][1]: mixed address families in one range set"
	nothing_left "$BR"
	[ ! -e "$DATA_DIR" ]
}

@test "gateway outside the subnet: 7" {
	add "$(conf '.ipam.ranges[0][0].gateway = "10.97.0.1"')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].gateway: 10.97.0.1 is not in network 10.98.0.0/24"
	add "$(conf '.ipam.ranges[0][0].gateway = "fd00::1"')"
	expect_error 7 "ipam host-local ADD: ipam.ranges[0][0].gateway: fd00::1 is not in network 10.98.0.0/24"
	nothing_left "$BR"
	[ ! -e "$DATA_DIR" ]
}

@test "unknown IPAM type: 7, no veth left" {
	add "$(conf '.ipam = {type: "no-such-ipam"}')"
	expect_error 7 "failed to find plugin \"no-such-ipam\" in path [$CNET_BIN]"
	nothing_left "$BR"
	add "$(conf '.ipam = {type: "../host-local"}')"
	expect_error 7 "ipam.type: \"../host-local\" is not a plugin name"
	add "$(conf '.ipam = {type: 5}')"
	expect_error 7 "ipam.type: expected a string, got integer"
	nothing_left "$BR"
}

# ---- resources ---------------------------------------------------------------------------------

@test "pool exhausted on the bridge path: 102, no veth left, no new lease" {
	local c first=first-$SUFFIX veth
	c=$(conf '.ipam.ranges = [[{subnet: "10.98.0.0/30"}]]')
	make_ns "$first"
	cni bridge ADD first "$(ns_path "$first")" eth0 "$c"
	[ "$status" -eq 0 ]
	veth=$(jq -r '.interfaces[1].name' <<<"$output")
	add "$c"
	expect_error 102 "ipam host-local ADD: no IP addresses available in range set 0 (10.98.0.0/30)"
	assert_no_leftovers "$BR" "$veth"
	assert_no_leftovers -n "$NS"
	[ "$(leases)" = 10.98.0.2 ]
	[ "$(head -n1 "$DATA_DIR/$NET/10.98.0.2" | tr -d '\r')" = first ]
	# the same once more: nothing accumulates
	add "$c"
	expect_error 102 "ipam host-local ADD: no IP addresses available in range set 0 (10.98.0.0/30)"
	assert_no_leftovers "$BR" "$veth"
	[ "$(leases)" = 10.98.0.2 ]
}

@test "requested IP taken, on the bridge path: 103, no veth left" {
	local c first=first-$SUFFIX veth
	c=$(conf)
	make_ns "$first"
	cni bridge ADD first "$(ns_path "$first")" eth0 "$c" "IP=10.98.0.5"
	[ "$status" -eq 0 ]
	veth=$(jq -r '.interfaces[1].name' <<<"$output")
	add "$c" "IgnoreUnknown=1;IP=10.98.0.5"
	expect_error 103 "ipam host-local ADD: requested IP address 10.98.0.5 is not available in range set 0"
	assert_no_leftovers "$BR" "$veth"
	assert_no_leftovers -n "$NS"
	[ "$(leases)" = 10.98.0.5 ]
}

@test "interface name already taken in the container: 103, the existing interface untouched" {
	local before
	ip -n "$NS" link add eth0 type veth peer name other0
	ip -n "$NS" addr add 192.168.50.1/24 dev eth0
	before=$(ip -n "$NS" -j addr show dev eth0 | jq -c '.[0] | {ifindex, address, mtu, flags, addr_info}')
	add "$(conf '.isGateway = true')"
	expect_error 103 "container interface \"eth0\" already exists in $(ns_path "$NS")"
	[ "$(ip -n "$NS" -j addr show dev eth0 | jq -c '.[0] | {ifindex, address, mtu, flags, addr_info}')" = \
		"$before" ]
	assert_no_leftovers
	assert_no_leftovers -n "$NS" eth0 other0
	[ ! -e "$DATA_DIR" ]
}

# ---- the bridge's own keys --------------------------------------------------------------------

@test "wrong type or value for a bridge key: 7 naming the key; nothing made" {
	local -A cases=(
		['.isGateway = "yes"']='isGateway: expected a boolean, got string'
		['.hairpinMode = 1']='hairpinMode: expected a boolean, got integer'
		['.mtu = "1500"']='mtu: expected an integer, got string'
		['.mtu = 70000']='mtu: 70000 is out of range 0..65535'
		['.vlan = 4095']='vlan: 4095 is out of range 0..4094'
		['.bridge = 5']='bridge: expected a string, got integer'
		['.bridge = "way-too-long-name"']='bridge: "way-too-long-name" is not a valid interface name'
		['.vlanTrunk = {id: 5}']='vlanTrunk: expected an array, got object'
		['.vlanTrunk = [{minID: 5}]']='vlanTrunk[0]: minID and maxID must be given together'
		['.vlanTrunk = [{minID: 20, maxID: 10}]']='vlanTrunk[0]: minID 20 is greater than maxID 10'
		['.vlanTrunk = [{id: 0}]']='vlanTrunk[0].id: 0 is out of range 1..4094'
		['.dns = ["1.1.1.1"]']='dns: expected an object, got array'
		['.ipam = "host-local"']='ipam: expected an object, got string'
		['.runtimeConfig = {mac: "zz:00:00:00:00:00"}']='runtimeConfig.mac: "zz:00:00:00:00:00" is not a MAC address'
		['.ipMasqBackend = "pf"']='ipMasqBackend: "pf" is not "iptables" or "nftables"'
		['.hairpinMode = true | .promiscMode = true']='hairpinMode and promiscMode cannot both be true'
		['.disableContainerInterface = true']='disableContainerInterface: cannot be true when ipam is set'
	)
	local f
	for f in "${!cases[@]}"; do
		add "$(conf "$f")"
		expect_error 7 "${cases[$f]}"
	done
	nothing_left
	[ ! -e "$DATA_DIR" ]
}

@test "macspoofchk and ipMasq are booleans: 7, nothing made" {
	add "$(conf '.macspoofchk = "true"')"
	expect_error 7 "macspoofchk: expected a boolean, got string"
	nothing_left "$BR"
	[ -z "$(nft list table bridge cnet 2>/dev/null)" ]
	add "$(conf '.ipMasq = "yes"')"
	expect_error 7 "ipMasq: expected a boolean, got string"
	# false is fine
	add "$(conf '.ipMasq = false | .macspoofchk = false')"
	[ "$status" -eq 0 ]
	cni bridge DEL "$CID" "$(ns_path "$NS")" eth0 "$(conf)"
	[ "$status" -eq 0 ]
	nothing_left "$BR"
}

@test "the bridge name belongs to a link that is not a bridge: 7, nothing made" {
	ip link add "$BR" type veth peer name "$BR-p"
	add "$(conf)"
	expect_error 7 "bridge: \"$BR\" exists and is not a bridge"
	nothing_left "$BR" "$BR-p"
	[ ! -e "$DATA_DIR" ]
}
