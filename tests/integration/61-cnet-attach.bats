#!/usr/bin/env bats
# The cnet command's attachment subcommands: attach, detach, ps, check, gc, status.
#
# Each test has its own config, cache and run dirs (CNET_CONFIG_DIR, CNET_CACHE_DIR,
# CNET_RUN_DIR under the test's temp dir); the plugins are $CNET_BIN's. Containers are
# `make_ns` namespaces; teardown removes every bridge, veth, lease and nftables table, since
# the tests of this file share one sandbox.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	cnet_setup
	export CNET_CONFIG_DIR=$BATS_TEST_TMPDIR/net.d CNET_CACHE_DIR=$BATS_TEST_TMPDIR/cache
	export CNET_RUN_DIR=$BATS_TEST_TMPDIR/run
	unset CNI_PATH
	CNET=$CNET_BIN/cnet
}

teardown() {
	cnet_teardown
	local l
	for l in $(ip -j link show type veth | jq -r '.[].ifname') \
		$(ip -j link show type bridge | jq -r '.[].ifname'); do
		ip link del "$l" 2>/dev/null || true
	done
	rm -rf /var/lib/cni/networks/*
	nft flush ruleset 2>/dev/null || true
}

# cn ARGS...: cnet with cnet's plugins; `run cn ...` for status/output.
cn() { "$CNET" --plugin-dir "$CNET_BIN" "$@"; }

# One line on stderr, exit status $1, stdout empty: run_err STATUS ARGS...
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

entry() { echo "$CNET_CACHE_DIR/results/$1"; }   # entry NET-ID-IF: its cache file

# Nothing of container $1 is left: no cache entry, no lease, no nftables element; and the
# sandbox has exactly $2 veths (the other attachments').
nothing_left() {
	local id=$1 veths=${2:-0}
	if compgen -G "$CNET_CACHE_DIR/results/*-$id-*" >/dev/null; then
		echo "cache entries left: $(ls "$CNET_CACHE_DIR/results")" >&2
		return 1
	fi
	if grep -rqsx -- "$id" /var/lib/cni/networks/; then
		echo "lease left: $(grep -rlx -- "$id" /var/lib/cni/networks/)" >&2
		return 1
	fi
	if nft list ruleset | grep -q -- "/$id/"; then
		nft list ruleset | grep -- "/$id/" >&2
		return 1
	fi
	is "$(ip -j link show type veth | jq length)" "$veths"
}

@test "help: the attachment commands are listed and each has --help" {
	local help
	help=$(cn --help)
	for c in attach detach run ps check gc status; do
		grep -qE "^  $c +[A-Z]" <<<"$help"
		run cn "$c" --help
		[ "$status" -eq 0 ]
		[[ ${lines[1]} == "usage: cnet $c"* ]]
		run cn help "$c"
		[ "$status" -eq 0 ]
	done
}

@test "attach: eth0 with an address, a table; the cache entry is libcni's cniCacheV1" {
	cn create web >/dev/null
	make_ns c1
	run --separate-stderr cn attach web c1
	[ "$status" -eq 0 ]
	is "$output" "NETWORK  IFNAME  ADDRESSES     PORTS
web      eth0    10.89.0.2/24"
	[ -z "$stderr" ]
	is "$(ip -n c1 -j addr show dev eth0 | jq -r '.[0].addr_info[] | select(.family == "inet") | .local')" 10.89.0.2
	ns_exec c1 ping -c 1 -W 2 10.89.0.1 >/dev/null
	# libcni's cache: <net>-<id>-<ifname>, its keys in Go's order, the list's bytes in base64
	local f
	f=$(entry web-c1-eth0)
	[ -f "$f" ]
	is "$(jq -c keys_unsorted "$f")" '["kind","containerId","config","ifName","networkName","netns","result"]'
	is "$(jq -r '[.kind, .containerId, .ifName, .networkName, .netns] | join(" ")' "$f")" \
		"cniCacheV1 c1 eth0 web /run/netns/c1"
	diff <(jq -r .config "$f" | base64 -d) "$CNET_CONFIG_DIR/web.conflist"
	is "$(jq -r '.result.ips[0].address' "$f")" 10.89.0.2/24
	# inspect and ls see it
	is "$(cn ls -q; cn ls | awk '$1 == "web" {print $4}')" $'web\n1'
	is "$(cn inspect web | jq -c '.[0].attachments[] | [.containerId, .ifname, .ips]')" '["c1","eth0",["10.89.0.2/24"]]'
}

@test "attach --format json prints the CNI result (the cached one); ps --format json" {
	cn create web >/dev/null
	make_ns c1
	run cn attach --format json web c1 -p 8080:80
	[ "$status" -eq 0 ]
	json_eq "$(jq .result "$(entry web-c1-eth0)")" "$output"
	is "$(jq -r '.interfaces[2].sandbox' <<<"$output")" /run/netns/c1
	local mac
	mac=$(ip -n c1 -j link show dev eth0 | jq -r '.[0].address')
	run cn ps --format json
	[ "$status" -eq 0 ]
	json_eq "[{\"network\": \"web\", \"containerId\": \"c1\", \"ifname\": \"eth0\",
		  \"netns\": \"/run/netns/c1\", \"ips\": [\"10.89.0.2/24\"], \"mac\": \"$mac\",
		  \"ports\": [{\"hostPort\": 8080, \"containerPort\": 80, \"protocol\": \"tcp\"}]}]" "$output"
	run cn --format json ps
	[ "$(jq length <<<"$output")" -eq 1 ]
}

@test "attach: a second network gives eth1 (docker's order); the same network twice is refused" {
	cn create web >/dev/null
	cn create db >/dev/null
	make_ns c1
	cn attach web c1 >/dev/null
	run cn attach db c1
	[ "$status" -eq 0 ]
	is "${lines[1]}" "db       eth1    10.89.1.2/24"
	ip -n c1 link show dev eth1 >/dev/null
	run_err 1 attach web c1
	is "$stderr" "cnet: attach c1 to web: c1 is already attached to network web as eth0"
	# an explicit other --ifname on the same network is a second interface, as CNI allows
	run cn attach --ifname net9 web c1
	[ "$status" -eq 0 ]
	is "${lines[1]}" "web      net9    10.89.0.3/24"
	run_err 1 attach --ifname net9 web c1
	is "$stderr" "cnet: attach c1 to web: c1 is already attached to network web as net9"
	# an interface the namespace has already (not cnet's) is never taken nor touched
	ip -n c1 link add eth2 type veth peer name peer2
	make_ns c2
	run_err 1 attach --ifname eth2 web c1
	is "$stderr" "cnet: attach c1 to web: --ifname eth2: the namespace has an interface eth2 already"
	cn create third >/dev/null
	run cn attach third c1
	[ "$status" -eq 0 ]
	is "${lines[1]}" "third    eth3    10.89.2.2/24"
	ip -n c1 link show dev eth2 >/dev/null
	is "$(cn ps -q)" c1
	is "$(cn ps | awk 'NR > 1 {print $1, $3}' | sort | tr '\n' ' ')" "db eth1 third eth3 web eth0 web net9 "
}

@test "attach: NETNS as a path; --id; an ID derived from a path outside /run/netns" {
	cn create web >/dev/null
	make_ns c1
	make_ns c2
	make_ns c3
	run cn attach web /run/netns/c1
	[ "$status" -eq 0 ]
	[ -f "$(entry web-c1-eth0)" ]
	run cn attach --id box-7 web c2
	[ "$status" -eq 0 ]
	[ -f "$(entry web-box-7-eth0)" ]
	bg c3 sleep 100
	local pid
	pid=$(cat "$BATS_TEST_TMPDIR/.cnet-pid")
	wait_until 2 test "$(readlink "/proc/$pid/ns/net")" = "$(ip netns exec c3 readlink /proc/self/ns/net)"
	run cn attach web "/proc/$pid/ns/net"
	[ "$status" -eq 0 ]
	local id
	id=$(cn ps --format json | jq -r ".[] | select(.netns == \"/proc/$pid/ns/net\") | .containerId")
	[[ $id =~ ^proc-${pid}-ns-net-[0-9a-f]{8}$ ]]
	ip -n c3 link show dev eth0 >/dev/null
	# detach by the same arguments
	cn detach web "/proc/$pid/ns/net"
	cn detach --id box-7 web c2
	cn detach web /run/netns/c1
	nothing_left c1
	nothing_left box-7
	nothing_left "$id"
	run_err 1 attach --id 'bad id' web c1
	is "$stderr" "cnet: --id \"bad id\": use letters, digits, '_', '.' and '-', starting with a letter or digit, at most 64"
}

@test "attach --ip and --mac (capabilities ips, mac); bad ones refused, nothing left" {
	cn create web >/dev/null
	make_ns c1
	make_ns c2
	run cn attach --ip 10.89.0.77 --mac 02:42:0a:59:00:4d web c1
	[ "$status" -eq 0 ]
	is "${lines[1]}" "web      eth0    10.89.0.77/24"
	is "$(ip -n c1 -j link show dev eth0 | jq -r '.[0].address')" 02:42:0a:59:00:4d
	is "$(jq -c .capabilityArgs "$(entry web-c1-eth0)")" '{"ips":["10.89.0.77"],"mac":"02:42:0a:59:00:4d"}'
	run_err 1 attach --ip 10.89.0.300 web c2
	is "$stderr" "cnet: --ip 10.89.0.300: not an IP address (like 10.89.0.5 or fd89::5)"
	run_err 1 attach --ip 10.1.2.3 web c2
	is "$stderr" "cnet: attach c2 to web: --ip 10.1.2.3 is not in a subnet of network web (10.89.0.0/24)"
	run_err 1 attach --ip 10.89.0.5 --ip 10.89.0.6 web c2
	is "$stderr" "cnet: --ip 10.89.0.6: only one IPv4 address per attachment"
	run_err 1 attach --ip 10.89.0.77 web c2
	[[ $stderr == "cnet: attach c2 to web: bridge: "*"10.89.0.77"* ]]
	run_err 1 attach --mac 01:00:5e:00:00:01 web c2
	is "$stderr" "cnet: --mac 01:00:5e:00:00:01: not a unicast address (the first byte must be even)"
	run_err 1 attach --mac nope web c2
	is "$stderr" "cnet: --mac nope: not a MAC address (like 02:42:ac:11:00:02)"
	nothing_left c2 1
	is "$(ip -n c2 -br link | awk '{print $1}')" lo
	# a network whose plugins do not take a capability refuses the option
	jq 'del(.plugins[0].capabilities.mac)' "$CNET_CONFIG_DIR/web.conflist" >"$CNET_CONFIG_DIR/nomac.conflist.tmp"
	jq '.name = "nomac" | .plugins[0].bridge = "cn-nomac" | .plugins[0].ipam.ranges[0][0] = {"subnet": "10.89.9.0/24"}' \
		"$CNET_CONFIG_DIR/nomac.conflist.tmp" >"$CNET_CONFIG_DIR/nomac.conflist"
	rm "$CNET_CONFIG_DIR/nomac.conflist.tmp"
	run_err 1 attach --mac 02:00:00:00:00:01 nomac c2
	is "$stderr" "cnet: attach c2 to nomac: network nomac does not take --mac (no plugin has the \"mac\" capability)"
	nothing_left c2 1
}

@test "attach -p: the published port answers on 127.0.0.1 and a host address; detach removes it" {
	cn create web >/dev/null
	make_ns c1
	local up=up-$SUFFIX
	track_link "$up"
	ip link add "$up" type veth peer name "upp-$SUFFIX"
	ip addr add 192.168.77.1/24 dev "$up"
	ip link set "$up" up
	run cn attach web c1 -p 8080:80 -p 127.0.0.1:5353:53/udp -p 9000-9001:7000-7001
	[ "$status" -eq 0 ]
	is "${lines[1]}" "web      eth0    10.89.0.2/24  8080->80/tcp,127.0.0.1:5353->53/udp,9000->7000/tcp,9001->7001/tcp"
	bg c1 socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo hello from c1'
	wait_until 5 bash -c "ip netns exec c1 ss -ltn | grep -q ':80 '"
	is "$(nc -w 2 -d 127.0.0.1 8080)" "hello from c1"
	is "$(nc -w 2 -d 192.168.77.1 8080)" "hello from c1"
	nft list ruleset | grep -q 'web/c1/eth0'
	cn detach web c1
	nothing_left c1 2   # the two are the "host address" veth pair
	run ! nc -w 1 -d 127.0.0.1 8080
}

@test "attach: a host port another attachment holds -> the portmap conflict, nothing left" {
	cn create web >/dev/null
	make_ns c1
	make_ns c2
	cn attach web c1 -p 8080:80 >/dev/null
	run_err 1 attach web c2 -p 8080:80
	is "$stderr" "cnet: attach c2 to web: portmap: host port tcp/8080 is already published by web/c1/eth0"
	nothing_left c2 1
	is "$(ip -n c2 -br link | awk '{print $1}')" lo
	# c1 keeps its mapping, and its own attachment is untouched
	nft list ruleset | grep -q 'tcp . 8080 comment "web/c1/eth0"'
	cn check web c1
	is "$(find /var/lib/cni/networks/web -type f ! -name lock ! -name 'last_reserved_ip.*' -printf '%f\n')" 10.89.0.2
}

@test "attach: bad input -> one line, exit 1 (2 for the command line), nothing made" {
	cn create web >/dev/null
	make_ns c1
	run_err 1 attach nope c1
	is "$stderr" "cnet: no network named nope (see 'cnet ls')"
	run_err 1 attach web c9
	is "$stderr" "cnet: no network namespace c9 (/run/netns/c9 does not exist)"
	touch "$BATS_TEST_TMPDIR/file"
	run_err 1 attach web "$BATS_TEST_TMPDIR/file"
	is "$stderr" "cnet: NETNS $BATS_TEST_TMPDIR/file: $BATS_TEST_TMPDIR/file is not a network namespace"
	run_err 1 attach web c1 -p 80
	is "$stderr" 'cnet: port spec "80": no host port (cnet does not choose one) (expected [HOSTIP:]HOSTPORT:PORT[/tcp|udp|sctp])'
	run_err 1 attach web c1 -p 8080:80/icmp
	run_err 1 attach web c1 -p 70000:80
	run_err 1 attach --ifname 'a/b' web c1
	is "$stderr" "cnet: attach c1 to web: --ifname \"a/b\": 1-15 bytes without '/', ':' or whitespace"
	run_err 1 attach --ifname waytoolongname16 web c1
	run_err 2 attach
	is "$stderr" "cnet attach: NETWORK and NETNS are missing (see 'cnet attach --help')"
	run_err 2 attach web
	is "$stderr" "cnet attach: NETNS is missing (see 'cnet attach --help')"
	run_err 2 attach web c1 extra
	run_err 2 attach --bogus web c1
	run_err 2 attach web c1 -p
	is "$stderr" "cnet attach: option -p needs a value (see 'cnet attach --help')"
	run_err 2 attach --format yaml web c1
	nothing_left c1
	[ ! -d "$CNET_CACHE_DIR/results" ] || [ -z "$(ls "$CNET_CACHE_DIR/results")" ]
}

@test "attach cnet0: the default network is made on first use (10.87.0.0/16, or the pool)" {
	make_ns c1
	run --separate-stderr cn attach cnet0 c1
	[ "$status" -eq 0 ]
	is "$stderr" "cnet: created the default network cnet0"
	is "${lines[1]}" "cnet0    eth0    10.87.0.2/16"
	is "$(jq -c '[.plugins[].type, .plugins[0].bridge, .plugins[0].ipMasq, .plugins[2].ingressPolicy, .plugins[0].ipam.ranges[0][0].subnet]' "$CNET_CONFIG_DIR/cnet0.conflist")" \
		'["bridge","portmap","firewall","cn-cnet0",true,"same-bridge","10.87.0.0/16"]'
	cn detach cnet0 c1
	# prune keeps it; with 10.87.0.0/16 taken, cnet0 gets create's choice
	is "$(cn prune)" ""
	cn rm cnet0 >/dev/null
	cn create --subnet 10.87.5.0/24 other >/dev/null
	run --separate-stderr cn attach cnet0 c1
	[ "$status" -eq 0 ]
	is "${lines[1]}" "cnet0    eth0    10.89.0.2/24"
	# other networks are not made on first use
	run_err 1 attach cnet1 c1
	is "$stderr" "cnet: no network named cnet1 (see 'cnet ls')"
}

@test "detach: DEL with the cached arguments; not attached is exit 1, -f makes it 0; gone netns ok" {
	cn create web >/dev/null
	make_ns c1
	make_ns c2
	cn attach web c1 -p 8080:80 >/dev/null
	cn attach web c2 >/dev/null
	run --separate-stderr cn detach web c1
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	nothing_left c1 1
	is "$(ip -n c1 -br link | awk '{print $1}')" lo
	run_err 1 detach web c1
	is "$stderr" "cnet: detach c1 from web: c1 is not attached to network web"
	run_err 1 detach --ifname eth1 web c2
	is "$stderr" "cnet: detach c2 from web: c2 is not attached to network web as eth1"
	run cn detach -f web c1
	[ "$status" -eq 0 ]
	run cn detach --force --ifname eth5 web c1
	[ "$status" -eq 0 ]
	run_err 1 detach nope c1
	is "$stderr" "cnet: no network named nope (see 'cnet ls')"
	run_err 2 detach web
	run_err 2 detach -p 1:1 web c1
	# the namespace is gone already: DEL still releases the lease and the cache entry
	_cnet_del_ns c2
	run cn detach web c2
	[ "$status" -eq 0 ]
	nothing_left c2
}

@test "detach/check: several attachments to one network need --ifname" {
	cn create web >/dev/null
	make_ns c1
	cn attach web c1 >/dev/null
	cn attach --ifname net1 web c1 >/dev/null
	run_err 1 detach web c1
	is "$stderr" "cnet: detach c1 from web: c1 is attached to network web 2 times (eth0, net1): say which with --ifname"
	run_err 1 check web c1
	cn check --ifname net1 web c1
	cn detach --ifname net1 web c1
	cn detach web c1
	nothing_left c1
}

@test "ps: table, --network, -q, json; other runtimes' entries too; an unknown network" {
	run cn ps
	[ "$status" -eq 0 ]
	is "$output" "NETWORK  CONTAINER  IFNAME  NETNS  ADDRESSES  PORTS"
	is "$(cn ps --format json)" "[]"
	cn create web >/dev/null
	cn create db >/dev/null
	make_ns c1
	make_ns c2
	cn attach web c1 -p 8080:80 >/dev/null
	cn attach db c1 >/dev/null
	cn attach db c2 >/dev/null
	run cn ps
	is "$output" "NETWORK  CONTAINER  IFNAME  NETNS          ADDRESSES     PORTS
db       c1         eth1    /run/netns/c1  10.89.1.2/24
db       c2         eth0    /run/netns/c2  10.89.1.3/24
web      c1         eth0    /run/netns/c1  10.89.0.2/24  8080->80/tcp"
	run cn ps --network db -q
	is "$output" $'c1\nc2'
	run cn ps --network web --format json
	is "$(jq -c '[.[] | [.network, .containerId, .ifname]]' <<<"$output")" '[["web","c1","eth0"]]'
	run cn ps -q
	is "$output" $'c1\nc2'
	# a libcni entry whose conflist is gone is still listed, and can be filtered on
	cp "$(entry web-c1-eth0)" "$(entry old-c1-eth0)"
	jq '.networkName = "old"' "$(entry old-c1-eth0)" >"$BATS_TEST_TMPDIR/e" && mv "$BATS_TEST_TMPDIR/e" "$(entry old-c1-eth0)"
	is "$(cn ps --network old -q)" c1
	rm "$(entry old-c1-eth0)"
	run_err 1 ps --network nope
	is "$stderr" "cnet: no network named nope (see 'cnet ls')"
	run_err 2 ps extra
	run_err 2 ps --format yaml
}

@test "check: silent when all is as ADD left it; a removed address or interface is reported" {
	cn create web >/dev/null
	make_ns c1
	cn attach web c1 -p 8080:80 >/dev/null
	run --separate-stderr cn check web c1
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	ip -n c1 addr del 10.89.0.2/24 dev eth0
	run_err 1 check web c1
	[[ $stderr == "cnet: check c1 on web: bridge: "*"10.89.0.2"* ]]
	ip -n c1 link del eth0
	run_err 1 check web c1
	[[ $stderr == "cnet: check c1 on web: bridge: "* ]]
	_cnet_del_ns c1
	run_err 1 check web c1
	is "$stderr" "cnet: check c1 on web: its namespace /run/netns/c1 is gone ('cnet gc' cleans up)"
	run_err 1 check web c2
	is "$stderr" "cnet: check c2 on web: c2 is not attached to network web"
	run_err 1 check nope c1
	run_err 2 check web
}

@test "gc: attachments whose namespace is gone are detached; the others stay; json; NETWORK args" {
	cn create web >/dev/null
	cn create db >/dev/null
	make_ns c1
	make_ns c2
	make_ns c3
	cn attach web c1 -p 8080:80 >/dev/null
	cn attach web c2 >/dev/null
	cn attach db c3 >/dev/null
	run cn gc
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	_cnet_del_ns c1
	_cnet_del_ns c3
	run cn gc web
	[ "$status" -eq 0 ]
	is "$output" "attachment web/c1/eth0"
	nothing_left c1 1
	[ -f "$(entry db-c3-eth0)" ]
	run cn gc --format json
	[ "$status" -eq 0 ]
	json_eq '{"runs": [], "attachments": [{"network": "db", "containerId": "c3", "ifname": "eth0"}]}' "$output"
	nothing_left c3 1
	is "$(cn ps -q)" c2
	cn check web c2
	run_err 1 gc nope
	is "$stderr" "cnet: no network named nope (see 'cnet ls')"
}

@test "status: ready networks; a missing plugin is not ready (exit 1); json; unknown network" {
	run cn status
	[ "$status" -eq 0 ]
	is "$output" "NETWORK  STATUS"
	cn create web >/dev/null
	cn create db >/dev/null
	run cn status
	[ "$status" -eq 0 ]
	is "$output" $'NETWORK  STATUS\ndb       ready\nweb      ready'
	local part=$BATS_TEST_TMPDIR/part t
	mkdir -p "$part"
	for t in bridge host-local portmap; do ln -s "$CNET_BIN/$t" "$part/$t"; done
	run "$CNET" --plugin-dir "$part" status web
	[ "$status" -eq 1 ]
	is "$output" $'NETWORK  STATUS\nweb      not ready: plugin "firewall" not found in '"$part"
	run "$CNET" --plugin-dir "$part" status --format json db
	[ "$status" -eq 1 ]
	json_eq "[{\"network\": \"db\", \"ready\": false, \"code\": 5, \"msg\": \"plugin \\\"firewall\\\" not found in $part\"}]" "$output"
	run cn status --format json web
	json_eq '[{"network": "web", "ready": true}]' "$output"
	run_err 1 status nope
	is "$stderr" "cnet: no network named nope (see 'cnet ls')"
}
