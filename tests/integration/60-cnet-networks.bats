#!/usr/bin/env bats
# The cnet command's network subcommands: create, ls, inspect, rm, prune (and help).
#
# Each test has its own config and cache dirs (CNET_CONFIG_DIR, CNET_CACHE_DIR under the
# test's temp dir); the plugins are $CNET_BIN's (--plugin-dir). Attachments are result cache
# entries in libcni's cniCacheV1 format, written by hand (cache_entry) because `cnet attach`
# is not there yet; where one must be real, cni_chain makes it first.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	cnet_setup
	export CNET_CONFIG_DIR=$BATS_TEST_TMPDIR/net.d CNET_CACHE_DIR=$BATS_TEST_TMPDIR/cache
	unset CNI_PATH
	CNET=$CNET_BIN/cnet
}

teardown() {
	cnet_teardown
	local t
	for t in "inet cnet" "bridge cnet"; do nft delete table $t 2>/dev/null || true; done
}

# cn ARGS...: cnet with cnet's plugins; `run cn ...` for status/output.
cn() { "$CNET" --plugin-dir "$CNET_BIN" "$@"; }

# One line on stderr, exit status $1: run_err STATUS ARGS... (stdout must stay empty)
run_err() {
	local want=$1
	shift
	run --separate-stderr cn "$@"
	if [[ $status -ne $want ]]; then
		echo "expected exit $want, got $status: $stderr" >&2
		return 1
	fi
	[ -z "$output" ]
	[ "${#stderr_lines[@]}" -eq 1 ]
}

# cache_entry NET ID IFNAME RESULT_JSON [CAPABILITY_ARGS]: an attachment in libcni's cache.
cache_entry() {
	mkdir -p "$CNET_CACHE_DIR/results"
	jq -n --arg net "$1" --arg id "$2" --arg ifn "$3" --argjson res "$4" \
		--argjson caps "${5:-"{}"}" --arg cfg "$(base64 -w0 "$CNET_CONFIG_DIR/$1.conflist")" \
		'{kind: "cniCacheV1", containerId: $id, config: $cfg, ifName: $ifn,
		  networkName: $net, netns: ("/run/netns/" + $id), cniArgs: [],
		  capabilityArgs: $caps, result: $res}' >"$CNET_CACHE_DIR/results/$1-$2-$3"
}

# The conflist as written, without the creation time.
conflist() { jq 'del(.cnet.created)' "$CNET_CONFIG_DIR/$1.conflist"; }

bridge_list() { # NAME BRIDGE V4RANGE [V6RANGE] -> the bridge driver's default conflist
	local ranges routes='[{"dst": "0.0.0.0/0"}]'
	ranges="[[$3]]"
	if [[ -n ${4-} ]]; then
		ranges="[[$3], [$4]]"
		routes='[{"dst": "0.0.0.0/0"}, {"dst": "::/0"}]'
	fi
	cat <<-EOF
		{"cniVersion": "1.0.0", "name": "$1", "plugins": [
		  {"type": "bridge", "bridge": "$2", "isGateway": true, "ipMasq": true,
		   "hairpinMode": true, "capabilities": {"ips": true, "mac": true},
		   "ipam": {"type": "host-local", "ranges": $ranges, "routes": $routes}},
		  {"type": "portmap", "capabilities": {"portMappings": true}},
		  {"type": "firewall", "ingressPolicy": "same-bridge"}],
		 "cnet": {"driver": "bridge"}}
	EOF
}

foreign_podman() { # a conflist cnet did not write (podman's, 10.88.0.0/16)
	mkdir -p "$CNET_CONFIG_DIR"
	cp "$CNET_ROOT/tests/fixtures/conflists/podman-default.conflist" "$CNET_CONFIG_DIR/87-podman.conflist"
}

@test "help: cnet --help lists the commands, every command has --help, help CMD, --version" {
	run cn --help
	[ "$status" -eq 0 ]
	for c in create ls inspect rm prune help; do
		grep -qE "^  $c +[A-Z]" <<<"$output"
	done
	grep -q -- "--plugin-dir PATH" <<<"$output"
	grep -q "directory of this cnet binary" <<<"$output"
	for c in create ls inspect rm prune; do
		run cn "$c" --help
		[ "$status" -eq 0 ]
		[[ ${lines[1]} == "usage: cnet $c"* ]]
		run cn "$c" -h
		[ "$status" -eq 0 ]
		run cn help "$c"
		[ "$status" -eq 0 ]
		[[ ${lines[1]} == "usage: cnet $c"* ]]
	done
	run cn --version
	[ "$status" -eq 0 ]
	[[ $output == "cnet "[0-9]* ]]
	[ -f "$CNET_ROOT/build/man/cnet.1" ] || [ -f "$CNET_BIN/../man/cnet.1" ]
}

@test "usage errors: unknown command, unknown option, missing value or NAME -> one line, exit 2" {
	run_err 2 frobnicate
	[ "$stderr" = "cnet: unknown command \"frobnicate\" (see 'cnet --help')" ]
	run_err 2 --bogus ls
	[ "$stderr" = "cnet: unknown option --bogus (see 'cnet --help')" ]
	run_err 2 create --bogus x
	[ "$stderr" = "cnet create: unknown option --bogus (see 'cnet create --help')" ]
	run_err 2 create -Z x
	[ "$stderr" = "cnet create: unknown option -Z (see 'cnet create --help')" ]
	run_err 2 create x --subnet
	[ "$stderr" = "cnet create: option --subnet needs a value (see 'cnet create --help')" ]
	run_err 2 create
	[ "$stderr" = "cnet create: NAME is missing (see 'cnet create --help')" ]
	run_err 2 create a b
	run_err 2 --format yaml ls
	run_err 2 ls --format yaml
	run_err 2 ls extra
	run_err 2 inspect
	run_err 2 rm
	run_err 2 prune extra
	run_err 2 help nosuch
	run --separate-stderr cn
	[ "$status" -eq 2 ]
	[ ! -e "$CNET_CONFIG_DIR" ]
}

@test "create: the bridge driver's conflist, exactly; the first free /24 of 10.89.0.0/16" {
	run cn create web
	[ "$status" -eq 0 ]
	[ "$output" = web ]
	json_eq "$(bridge_list web cn-web '{"subnet": "10.89.0.0/24", "gateway": "10.89.0.1"}')" \
		"$(conflist web)"
	[[ $(jq -r .cnet.created "$CNET_CONFIG_DIR/web.conflist") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$ ]]
	[ "$(stat -c %a "$CNET_CONFIG_DIR/web.conflist")" = 644 ]
	# the next one takes the next /24; --ipv6 adds the first /64 of fd89:636e:6574::/48
	run cn create db --ipv6
	[ "$status" -eq 0 ]
	json_eq "$(bridge_list db cn-db '{"subnet": "10.89.1.0/24", "gateway": "10.89.1.1"}' \
		'{"subnet": "fd89:636e:6574::/64", "gateway": "fd89:636e:6574::1"}')" "$(conflist db)"
	run cn create v6 --ipv6
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.plugins[0].ipam.ranges[][].subnet]' "$CNET_CONFIG_DIR/v6.conflist")" = '["10.89.2.0/24","fd89:636e:6574:1::/64"]' ]
	# only temp-free files and the lock in the dir
	[ "$(ls -A "$CNET_CONFIG_DIR" | tr '\n' ' ')" = ".cnet.lock db.conflist v6.conflist web.conflist " ]
}

@test "create: --subnet (both families, IPv6 alone), --gateway, --ip-range, --internal, --opt" {
	run cn create dual -s 10.50.0.0/24 --subnet fd00:50::/64
	[ "$status" -eq 0 ]
	json_eq "$(bridge_list dual cn-dual '{"subnet": "10.50.0.0/24", "gateway": "10.50.0.1"}' \
		'{"subnet": "fd00:50::/64", "gateway": "fd00:50::1"}')" "$(conflist dual)"
	run cn create only6 --subnet fd00:51::/64
	[ "$status" -eq 0 ]
	[ "$(jq -c .plugins[0].ipam "$CNET_CONFIG_DIR/only6.conflist")" = '{"type":"host-local","ranges":[[{"subnet":"fd00:51::/64","gateway":"fd00:51::1"}]],"routes":[{"dst":"::/0"}]}' ]

	run cn create in --internal --subnet 10.52.0.0/24 --gateway 10.52.0.254 \
		--ip-range 10.52.0.0/25 -o mtu=1400 -o isolate=false -o promiscMode=false \
		--opt note=hello
	[ "$status" -eq 0 ]
	json_eq '{"cniVersion": "1.0.0", "name": "in", "plugins": [
		  {"type": "bridge", "bridge": "cn-in", "isGateway": true, "ipMasq": false,
		   "hairpinMode": true, "capabilities": {"ips": true, "mac": true}, "mtu": 1400,
		   "promiscMode": false, "note": "hello",
		   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.52.0.0/24",
		     "gateway": "10.52.0.254", "rangeStart": "10.52.0.1", "rangeEnd": "10.52.0.127"}]]}},
		  {"type": "portmap", "capabilities": {"portMappings": true}},
		  {"type": "firewall", "ingressPolicy": "open"}],
		 "cnet": {"driver": "bridge"}}' "$(conflist in)"
	run cn create strict --opt isolate=strict -o bridge=br-strict
	[ "$status" -eq 0 ]
	[ "$(jq -r '.plugins[0].bridge, .plugins[2].ingressPolicy' "$CNET_CONFIG_DIR/strict.conflist")" = $'br-strict\nisolated' ]
	# a long name: cn-<7>-<hash>, 15 bytes
	run cn create a-rather-long-network-name
	[ "$status" -eq 0 ]
	[[ $(jq -r .plugins[0].bridge "$CNET_CONFIG_DIR/a-rather-long-network-name.conflist") =~ ^cn-a-rathe-[0-9a-f]{4}$ ]]
}

@test "create: bad input is one line, exit 1, and nothing is written" {
	run_err 1 create x --subnet 10.1.0.0
	[ "$stderr" = "cnet: --subnet 10.1.0.0: not a CIDR (like 10.89.5.0/24 or fd00:1::/64)" ]
	run_err 1 create x --subnet 300.1.0.0/24
	run_err 1 create x --subnet 10.1.0.5/24
	[ "$stderr" = "cnet: --subnet 10.1.0.5/24: host bits are set (did you mean 10.1.0.0/24?)" ]
	run_err 1 create x -s 10.1.0.0/24 -s 10.2.0.0/24
	[ "$stderr" = "cnet: --subnet 10.2.0.0/24: only one IPv4 subnet per network" ]
	run_err 1 create x --gateway 10.1.0.300
	[ "$stderr" = "cnet: --gateway 10.1.0.300: not an IP address" ]
	run_err 1 create x -s 10.1.0.0/24 --gateway 10.2.0.1
	[ "$stderr" = "cnet: --gateway 10.2.0.1 is not in subnet 10.1.0.0/24" ]
	run_err 1 create x --gateway 10.2.0.1
	[ "$stderr" = "cnet: --gateway 10.2.0.1 needs the --subnet it belongs to" ]
	run_err 1 create x -s 10.1.0.0/24 --ip-range 10.1.1.0/25
	[ "$stderr" = "cnet: --ip-range 10.1.1.0/25 is not inside subnet 10.1.0.0/24" ]
	run_err 1 create x -s 10.1.0.0/24 --ip-range 10.1.0.1/25
	run_err 1 create x --opt mtu
	[ "$stderr" = "cnet: --opt mtu: expected KEY=VALUE" ]
	run_err 1 create x --opt type=ptp
	[ "$stderr" = "cnet: --opt type=ptp: cnet sets \"type\" itself (see --driver and --ipam)" ]
	run_err 1 create x --opt isolate=maybe
	[ "$stderr" = "cnet: --opt isolate=maybe: expected true, false or strict" ]
	run_err 1 create 'bad/name'
	[ "$stderr" = "cnet: invalid network name \"bad/name\": use letters, digits, '_', '.' and '-', starting with a letter or digit, at most 128" ]
	run_err 1 create x --driver ovs
	[ "$stderr" = 'cnet: unknown driver "ovs" (bridge, macvlan, vxlan, host-device)' ]
	run_err 1 create x --ipam ldap
	[ "$stderr" = 'cnet: unknown IPAM "ldap" (host-local, static, dhcp)' ]
	run_err 1 create x --driver macvlan
	[ "$stderr" = "cnet: driver macvlan needs --parent IF (the host interface to attach to)" ]
	run_err 1 create x --driver host-device
	[ "$stderr" = "cnet: driver host-device needs --opt device=IF (or --parent IF)" ]
	run_err 1 create x --parent lo
	[ "$stderr" = "cnet: --parent: only for the macvlan and host-device drivers" ]
	run_err 1 create x --ipam dhcp --subnet 10.1.0.0/24
	[ "$stderr" = "cnet: --subnet: not with --ipam dhcp (the DHCP server gives the addresses)" ]
	[ ! -e "$CNET_CONFIG_DIR" ] || [ -z "$(ls "$CNET_CONFIG_DIR")" ]
}

@test "create: a plugin missing on the plugin path is refused, naming it and the path" {
	local empty=$BATS_TEST_TMPDIR/empty part=$BATS_TEST_TMPDIR/part t
	mkdir -p "$empty" "$part"
	for t in bridge host-local portmap; do ln -s "$CNET_BIN/$t" "$part/$t"; done
	for t in macvlan host-device vxlan; do
		[[ -x $CNET_BIN/$t ]] && continue   # written since: nothing to refuse
		if [[ $t == macvlan ]]; then
			run_err 1 create x --driver macvlan --parent lo
		elif [[ $t == host-device ]]; then
			run_err 1 create x --driver host-device --parent lo
		else
			run_err 1 create x --driver vxlan
		fi
		[ "$stderr" = "cnet: driver $t: plugin \"$t\" not found in $CNET_BIN" ]
	done
	for t in static dhcp; do
		[[ -x $CNET_BIN/$t ]] && continue
		run_err 1 create x --ipam "$t"
		[ "$stderr" = "cnet: ipam $t: plugin \"$t\" not found in $CNET_BIN" ]
	done
	run_err 1 --plugin-dir "$empty" create x
	[ "$stderr" = "cnet: driver bridge: plugin \"bridge\" not found in $empty" ]
	run_err 1 --plugin-dir "$part" create x
	[ "$stderr" = "cnet: plugin \"firewall\" not found in $part (every network chains portmap and firewall)" ]
	# CNI_PATH is the default of --plugin-dir, a colon-separated path
	CNI_PATH=$empty run --separate-stderr "$CNET" create x
	[ "$status" -eq 1 ]
	CNI_PATH=$empty:$CNET_BIN run "$CNET" create x
	[ "$status" -eq 0 ]
	[ ! -e "$CNET_CONFIG_DIR/y.conflist" ]
}

@test "create: without --plugin-dir or CNI_PATH the binary's own directory (it holds bridge)" {
	run "$CNET" create here
	[ "$status" -eq 0 ]
	[ -f "$CNET_CONFIG_DIR/here.conflist" ]
}

@test "create: name clash with any file of the config dir; NAME.conflist taken by another name" {
	foreign_podman
	run_err 1 create podman
	[ "$stderr" = "cnet: network podman already exists ($CNET_CONFIG_DIR/87-podman.conflist)" ]
	# a single-plugin .conf counts too
	echo '{"cniVersion": "0.4.0", "name": "old", "type": "bridge", "bridge": "old0"}' >"$CNET_CONFIG_DIR/10-old.conf"
	run_err 1 create old
	[ "$stderr" = "cnet: network old already exists ($CNET_CONFIG_DIR/10-old.conf)" ]
	run cn create new
	[ "$status" -eq 0 ]
	run_err 1 create new
	[ "$stderr" = "cnet: network new already exists ($CNET_CONFIG_DIR/new.conflist)" ]
	# a file NAME.conflist naming another network is never overwritten
	jq '.name = "other"' "$CNET_CONFIG_DIR/new.conflist" >"$CNET_CONFIG_DIR/mine.conflist"
	jq -S . "$CNET_CONFIG_DIR/mine.conflist" >"$BATS_TEST_TMPDIR/before"
	run_err 1 create mine --subnet 10.60.0.0/24
	[ "$stderr" = "cnet: $CNET_CONFIG_DIR/mine.conflist exists (it names another network)" ]
	diff "$BATS_TEST_TMPDIR/before" <(jq -S . "$CNET_CONFIG_DIR/mine.conflist")
}

@test "create: overlapping subnets are refused (a conflist's, a host address); the choice skips both" {
	foreign_podman
	run_err 1 create x --subnet 10.88.5.0/24
	[ "$stderr" = "cnet: subnet 10.88.5.0/24 overlaps network podman (10.88.0.0/16)" ]
	run_err 1 create x --subnet 10.0.0.0/8
	[ "$stderr" = "cnet: subnet 10.0.0.0/8 overlaps network podman (10.88.0.0/16)" ]
	run cn create a
	[ "$status" -eq 0 ]
	run_err 1 create x --subnet 10.89.0.128/25
	[ "$stderr" = "cnet: subnet 10.89.0.128/25 overlaps network a (10.89.0.0/24)" ]
	# host addresses
	local h=ho-$SUFFIX
	track_link "$h"
	ip link add "$h" type veth peer name "hp-$SUFFIX"
	ip addr add 10.89.1.9/24 dev "$h"
	ip addr add fd89:636e:6574::9/64 dev "$h"
	ip addr add 172.30.0.1/16 dev "$h"
	run_err 1 create x --subnet 172.30.4.0/24
	[ "$stderr" = "cnet: subnet 172.30.4.0/24 overlaps address 172.30.0.1/16 on $h" ]
	run cn create b --ipv6
	[ "$status" -eq 0 ]
	[ "$(jq -c '[.plugins[0].ipam.ranges[][].subnet]' "$CNET_CONFIG_DIR/b.conflist")" = '["10.89.2.0/24","fd89:636e:6574:1::/64"]' ]
}

@test "ls: table, -q, --format json (also global); every conflist; attachments from the cache" {
	run cn ls
	[ "$status" -eq 0 ]
	[ "$output" = "NAME  DRIVER  SUBNETS  ATTACHMENTS" ]
	run cn ls --format json
	[ "$output" = "[]" ]
	foreign_podman
	cn create web >/dev/null
	cn create db --ipv6 >/dev/null
	cn create --driver bridge --subnet 10.40.0.0/24 -o isolate=false open >/dev/null
	cache_entry web c1 eth0 '{"cniVersion": "1.0.0", "ips": [{"address": "10.89.0.2/24"}]}'
	cache_entry web c2 eth0 '{"cniVersion": "1.0.0", "ips": [{"address": "10.89.0.3/24"}]}'
	run cn ls
	[ "$status" -eq 0 ]
	[ "$output" = "NAME    DRIVER  SUBNETS                           ATTACHMENTS
podman  bridge  10.88.0.0/16                      0
db      bridge  10.89.1.0/24,fd89:636e:6574::/64  0
open    bridge  10.40.0.0/24                      0
web     bridge  10.89.0.0/24                      2" ]
	run cn ls -q
	[ "$output" = $'podman\ndb\nopen\nweb' ]
	run cn ls --format json
	[ "$status" -eq 0 ]
	local d=$CNET_CONFIG_DIR
	json_eq "[
	  {\"name\": \"podman\", \"driver\": \"bridge\", \"subnets\": [\"10.88.0.0/16\"], \"attachments\": 0, \"file\": \"$d/87-podman.conflist\"},
	  {\"name\": \"db\", \"driver\": \"bridge\", \"subnets\": [\"10.89.1.0/24\", \"fd89:636e:6574::/64\"], \"attachments\": 0, \"file\": \"$d/db.conflist\"},
	  {\"name\": \"open\", \"driver\": \"bridge\", \"subnets\": [\"10.40.0.0/24\"], \"attachments\": 0, \"file\": \"$d/open.conflist\"},
	  {\"name\": \"web\", \"driver\": \"bridge\", \"subnets\": [\"10.89.0.0/24\"], \"attachments\": 2, \"file\": \"$d/web.conflist\"}
	]" "$output"
	run cn --format json ls
	json_eq "$(cn ls --format json)" "$output"
	# --config-dir overrides CNET_CONFIG_DIR
	run cn --config-dir "$BATS_TEST_TMPDIR/nothing" ls -q
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "inspect: config and attachments (addresses, ports); an unknown name is exit 1 after the known" {
	cn create web --subnet 10.30.0.0/24 >/dev/null
	cn create db >/dev/null
	cache_entry web c1 eth0 '{"cniVersion": "1.0.0", "ips": [{"address": "10.30.0.2/24", "gateway": "10.30.0.1"}, {"address": "fd00::2/64"}]}' \
		'{"portMappings": [{"hostPort": 8080, "containerPort": 80, "protocol": "tcp"}]}'
	run cn inspect web
	[ "$status" -eq 0 ]
	json_eq "[{\"name\": \"web\", \"driver\": \"bridge\", \"subnets\": [\"10.30.0.0/24\"],
		\"file\": \"$CNET_CONFIG_DIR/web.conflist\", \"config\": $(cat "$CNET_CONFIG_DIR/web.conflist"),
		\"attachments\": [{\"containerId\": \"c1\", \"ifname\": \"eth0\", \"netns\": \"/run/netns/c1\",
		  \"ips\": [\"10.30.0.2/24\", \"fd00::2/64\"],
		  \"ports\": [{\"hostPort\": 8080, \"containerPort\": 80, \"protocol\": \"tcp\"}]}]}]" "$output"
	run --separate-stderr cn inspect db nope web
	[ "$status" -eq 1 ]
	[ "$stderr" = "cnet: no network named nope in $CNET_CONFIG_DIR" ]
	[ "$(jq -c '[.[] | .name, (.attachments | length)]' <<<"$output")" = '["db",0,"web",1]' ]
	run --separate-stderr cn inspect nope
	[ "$status" -eq 1 ]
	[ "$output" = "[]" ]
}

@test "rm: refused while attached; unknown network; removes the file, the bridge and the lease dir" {
	cn create web --subnet 10.31.0.0/24 >/dev/null
	cn create db --subnet 10.32.0.0/24 >/dev/null
	cache_entry web c1 eth0 '{"cniVersion": "1.0.0"}'
	cache_entry web c2 eth1 '{"cniVersion": "1.0.0"}'
	run_err 1 rm web
	[ "$stderr" = "cnet: network web has 2 attachments: detach them or use -f" ]
	[ -f "$CNET_CONFIG_DIR/web.conflist" ]
	rm "$CNET_CACHE_DIR/results/web-c2-eth1"
	run_err 1 rm web
	[ "$stderr" = "cnet: network web has 1 attachment: detach it or use -f" ]
	run_err 1 rm nope
	[ "$stderr" = "cnet: no network named nope in $CNET_CONFIG_DIR" ]
	# a bridge without ports and an empty lease dir go with the network
	track_link cn-db
	ip link add cn-db type bridge
	mkdir -p /var/lib/cni/networks/db
	touch /var/lib/cni/networks/db/lock /var/lib/cni/networks/db/last_reserved_ip.0
	run --separate-stderr cn rm db nope
	[ "$status" -eq 1 ]
	[ "$output" = db ]
	[ ! -e "$CNET_CONFIG_DIR/db.conflist" ]
	[ ! -e /sys/class/net/cn-db ]
	[ ! -e /var/lib/cni/networks/db ]
	[ -f "$CNET_CONFIG_DIR/web.conflist" ]
}

@test "rm: keeps a bridge with ports, one another network names, and a lease dir with leases" {
	cn create keep --subnet 10.33.0.0/24 >/dev/null
	track_link cn-keep
	track_link "kp-$SUFFIX"
	ip link add cn-keep type bridge
	ip link add "kp-$SUFFIX" type veth peer name "kq-$SUFFIX"
	ip link set "kp-$SUFFIX" master cn-keep
	mkdir -p /var/lib/cni/networks/keep
	echo c9 >/var/lib/cni/networks/keep/10.33.0.9
	run --separate-stderr cn rm keep
	[ "$status" -eq 0 ]
	[ "$output" = keep ]
	[ "${stderr_lines[0]}" = "cnet: kept bridge cn-keep: it still has 1 port" ]
	[ "${stderr_lines[1]}" = "cnet: kept /var/lib/cni/networks/keep: 1 lease" ]
	ip link show cn-keep >/dev/null
	rm -r /var/lib/cni/networks/keep
	# a bridge named by another conflist
	cn create a -o bridge=shared0 >/dev/null
	cn create b -o bridge=shared0 >/dev/null
	track_link shared0
	ip link add shared0 type bridge
	run --separate-stderr cn rm a
	[ "$status" -eq 0 ]
	[ "$stderr" = "cnet: kept bridge shared0: network b uses it" ]
	ip link show shared0 >/dev/null
	run cn rm b
	[ "$status" -eq 0 ]
	[ ! -e /sys/class/net/shared0 ]
}

@test "rm -f: detaches a real attachment (DEL through the list), then removes the network" {
	command -v iptables >/dev/null || skip "iptables not installed: run scripts/install-deps"
	cn create web --subnet 10.34.0.0/24 >/dev/null
	local list=$CNET_CONFIG_DIR/web.conflist rc='{"portMappings": [{"hostPort": 8034, "containerPort": 80, "protocol": "tcp"}]}'
	track_link cn-web
	make_ns "c1-$SUFFIX"
	cni_chain ADD "$list" "c1-$SUFFIX" "$rc"
	[ "$status" -eq 0 ]
	cache_entry web "c1-$SUFFIX" eth0 "$(cat "$STATE/c1-$SUFFIX.result")" "$rc"
	ip -n "c1-$SUFFIX" link show eth0 >/dev/null
	[ -f /var/lib/cni/networks/web/10.34.0.2 ]
	run_err 1 rm web
	run cn rm -f web
	[ "$status" -eq 0 ]
	[ "$output" = web ]
	run ip -n "c1-$SUFFIX" link show eth0
	[ "$status" -ne 0 ]
	[ ! -e /var/lib/cni/networks/web ]
	[ ! -e "$CNET_CACHE_DIR/results/web-c1-$SUFFIX-eth0" ]
	[ ! -e "$list" ]
	[ ! -e /sys/class/net/cn-web ]
	assert_no_leftovers
}

@test "prune: removes cnet's unused networks, keeps attached ones, foreign ones and cnet0" {
	foreign_podman
	cn create cnet0 >/dev/null
	cn create used >/dev/null
	cn create idle1 >/dev/null
	cn create idle2 >/dev/null
	cache_entry used c1 eth0 '{"cniVersion": "1.0.0"}'
	run cn prune
	[ "$status" -eq 0 ]
	[ "$output" = $'idle1\nidle2' ]
	run cn ls -q
	[ "$output" = $'podman\ncnet0\nused' ]
	run cn prune
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "the default dirs: /etc/cni/net.d and /var/lib/cni (the sandbox's)" {
	unset CNET_CONFIG_DIR CNET_CACHE_DIR
	run cn create dflt-$SUFFIX
	[ "$status" -eq 0 ]
	[ -f "/etc/cni/net.d/dflt-$SUFFIX.conflist" ]
	run cn ls -q
	grep -qx "dflt-$SUFFIX" <<<"$output"
	run cn rm "dflt-$SUFFIX"
	[ "$status" -eq 0 ]
	[ ! -e "/etc/cni/net.d/dflt-$SUFFIX.conflist" ]
}

# A conflist written by cnet create, unchanged, through a plugin set: two namespaces talk.
two_namespaces_talk() { # CNI_PATH NET
	local path=$1 net=$2 list=$CNET_CONFIG_DIR/$2.conflist a=$2-a-$SUFFIX b=$2-b-$SUFFIX ipb
	make_ns "$a"
	make_ns "$b"
	cni_chain ADD "$list" "$a" '{}' "$path"
	[ "$status" -eq 0 ]
	cni_chain ADD "$list" "$b" '{}' "$path"
	[ "$status" -eq 0 ]
	ipb=$(jq -r '.ips[0].address | sub("/.*"; "")' "$STATE/$b.result")
	ip netns exec "$a" ping -c 1 -W 2 "$ipb" >/dev/null
	ip netns exec "$b" ping -c 1 -W 2 "$(jq -r '.ips[0].gateway' "$STATE/$b.result")" >/dev/null
	cni_chain DEL "$list" "$a" '{}' "$path"
	[ "$status" -eq 0 ]
	cni_chain DEL "$list" "$b" '{}' "$path"
	[ "$status" -eq 0 ]
}

@test "a conflist from cnet create runs unchanged through the reference plugins (v1.1.1) and cnet's" {
	command -v iptables >/dev/null || skip "iptables not installed: run scripts/install-deps"
	local t
	for t in bridge host-local portmap firewall; do
		[[ -x $REF_BIN/$t ]] || skip "reference plugin $t not in $REF_BIN"
	done
	cn create refnet --subnet 10.35.0.0/24 >/dev/null
	cn create cnetnet --subnet 10.36.0.0/24 --ipv6 >/dev/null
	track_link cn-refnet
	track_link cn-cnetnet
	two_namespaces_talk "$REF_BIN" refnet
	two_namespaces_talk "$CNET_BIN" cnetnet
	# DEL removed the leases of both plugin sets
	[ -z "$(ls /var/lib/cni/networks/refnet 2>/dev/null | grep -v -e lock -e last_reserved)" ]
	[ -z "$(ls /var/lib/cni/networks/cnetnet 2>/dev/null | grep -v -e lock -e last_reserved)" ]
	run cn rm refnet cnetnet
	[ "$status" -eq 0 ]
}

@test "networks from cnet create are isolated from each other; -o isolate=false opens one" {
	command -v iptables >/dev/null || skip "iptables not installed: run scripts/install-deps"
	local n ns ip1 ip2 ip3
	cn create iso1 --subnet 10.37.1.0/24 >/dev/null
	cn create iso2 --subnet 10.37.2.0/24 >/dev/null
	cn create open3 --subnet 10.37.3.0/24 -o isolate=false >/dev/null
	for n in iso1 iso2 open3; do
		ns=$n-$SUFFIX
		track_link "cn-$n"
		make_ns "$ns"
		cni_chain ADD "$CNET_CONFIG_DIR/$n.conflist" "$ns"
		[ "$status" -eq 0 ]
	done
	ip2=$(jq -r '.ips[0].address | sub("/.*"; "")' "$STATE/iso2-$SUFFIX.result")
	ip3=$(jq -r '.ips[0].address | sub("/.*"; "")' "$STATE/open3-$SUFFIX.result")
	ip1=$(jq -r '.ips[0].address | sub("/.*"; "")' "$STATE/iso1-$SUFFIX.result")
	# two isolated networks: dropped both ways
	run ip netns exec "iso1-$SUFFIX" ping -c 1 -W 1 "$ip2"
	[ "$status" -ne 0 ]
	run ip netns exec "iso2-$SUFFIX" ping -c 1 -W 1 "$ip1"
	[ "$status" -ne 0 ]
	# an open network reaches and is reached by the others (the firewall's ingressPolicy open)
	ip netns exec "iso1-$SUFFIX" ping -c 1 -W 2 "$ip3" >/dev/null
	ip netns exec "open3-$SUFFIX" ping -c 1 -W 2 "$ip2" >/dev/null
	for n in iso1 iso2 open3; do
		cni_chain DEL "$CNET_CONFIG_DIR/$n.conflist" "$n-$SUFFIX"
		[ "$status" -eq 0 ]
	done
}
