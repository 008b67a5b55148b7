#!/usr/bin/env bats
# cnet run: a namespace made, attached, CMD run inside, everything removed afterwards; also
# when cnet run is told to stop (SIGINT, SIGTERM, SIGHUP) and, with `cnet gc`, when it is
# killed with SIGKILL.
#
# Each test has its own config, cache and run dirs under its temp dir; the namespaces are
# in the sandbox's /run/netns. Background runs are started with start_run and killed at
# teardown if still there.

load helpers
bats_require_minimum_version 1.5.0

setup() {
	cnet_setup
	export CNET_CONFIG_DIR=$BATS_TEST_TMPDIR/net.d CNET_CACHE_DIR=$BATS_TEST_TMPDIR/cache
	export CNET_RUN_DIR=$BATS_TEST_TMPDIR/run
	export CNI_PATH=$CNET_BIN
	CNET=$CNET_BIN/cnet
}

teardown() {
	cnet_teardown
	local l ns
	for ns in /run/netns/*; do
		[[ -e $ns ]] && _cnet_del_ns "${ns##*/}"
	done
	for l in $(ip -j link show type veth | jq -r '.[].ifname') \
		$(ip -j link show type bridge | jq -r '.[].ifname'); do
		ip link del "$l" 2>/dev/null || true
	done
	rm -rf /var/lib/cni/networks/*
	nft flush ruleset 2>/dev/null || true
}

cn() { "$CNET" "$@"; }

# start_run ARGS...: `cnet ARGS...` in the background (stdio to $BATS_TEST_TMPDIR/run.out);
# RUN_PID is its pid.
start_run() {
	"$CNET" "$@" </dev/null >"$BATS_TEST_TMPDIR/run.out" 2>&1 3>&- &
	RUN_PID=$!
	track_pid "$RUN_PID"
}

# Wait for the background run to end (within 5 s); RUN_RC is its exit status. (Not in a
# $(...): a subshell cannot wait for its parent's children.)
run_wait() {
	wait_until 5 bash -c "! kill -0 $RUN_PID 2>/dev/null"
	RUN_RC=0
	wait "$RUN_PID" || RUN_RC=$?
}

# CMD (a process named $1) runs as the child of the background run.
cmd_running() { pgrep -P "$RUN_PID" -x "$1" >/dev/null; }

# Nothing of any run or attachment is left: namespaces, cache entries, run state, veths,
# leases, nftables elements with an owner.
all_clean() {
	is "$(ls /run/netns)" ""
	is "$(ls "$CNET_CACHE_DIR/results" 2>/dev/null)" ""
	is "$(ls "$CNET_RUN_DIR/runs" 2>/dev/null)" ""
	is "$(ip -j link show type veth | jq length)" 0
	# (host-local keeps its own files under dot-dirs: not leases)
	is "$(find /var/lib/cni/networks -type f ! -path '*/.*' ! -name lock ! -name 'last_reserved_ip.*' 2>/dev/null)" ""
	is "$(nft list ruleset | grep -cE 'comment "[^"]+/[^"]+/[^"]+"')" 0
}

@test "run: the default network is made on first use; CMD sees lo and eth0; nothing left" {
	run --separate-stderr cn run -- ip -j addr show
	[ "$status" -eq 0 ]
	is "$stderr" "cnet: created the default network cnet0"
	is "$(jq -r '.[] | select(.ifname == "lo") | .operstate' <<<"$output")" UNKNOWN
	is "$(jq -r '.[] | select(.ifname == "lo") | .flags | index("UP") != null' <<<"$output")" true
	is "$(jq -r '.[] | select(.ifname == "eth0") | .addr_info[] | select(.family == "inet") | .local' <<<"$output")" 10.87.0.2
	is "$(jq -r '.plugins[0].ipam.ranges[0][0].subnet' "$CNET_CONFIG_DIR/cnet0.conflist")" 10.87.0.0/16
	all_clean
	# the next run does not create it again, and says nothing
	run --separate-stderr cn run -- true
	[ "$status" -eq 0 ]
	[ -z "$output$stderr" ]
	# the namespace's own sysfs, as `ip netns exec` gives
	is "$(cn run -- ls /sys/class/net | sort | tr '\n' ' ')" "eth0 lo "
	all_clean
}

@test "run: the exit status is CMD's; 128+N when killed; 126, 127; 125 when cnet fails" {
	run cn run -- sh -c 'exit 7'
	[ "$status" -eq 7 ]
	run cn run -- sh -c 'kill -TERM $$'
	[ "$status" -eq 143 ]
	run -127 --separate-stderr cn run -- /nonexistent/cmd
	[ "$status" -eq 127 ]
	is "$stderr" "cnet: run /nonexistent/cmd: No such file or directory"
	touch "$BATS_TEST_TMPDIR/noexec"
	run --separate-stderr cn run -- "$BATS_TEST_TMPDIR/noexec"
	[ "$status" -eq 126 ]
	is "$stderr" "cnet: run $BATS_TEST_TMPDIR/noexec: Permission denied"
	run --separate-stderr cn run --network nope -- true
	[ "$status" -eq 125 ]
	is "$stderr" "cnet: no network named nope (see 'cnet ls')"
	run --separate-stderr cn run -p 80 -- true
	[ "$status" -eq 125 ]
	is "$stderr" 'cnet: port spec "80": no host port (cnet does not choose one) (expected [HOSTIP:]HOSTPORT:PORT[/tcp|udp|sctp])'
	run --separate-stderr cn run
	[ "$status" -eq 125 ]
	is "$stderr" "cnet run: CMD is missing (see 'cnet run --help')"
	run --separate-stderr cn run --bogus true
	[ "$status" -eq 125 ]
	run --separate-stderr cn run --name 'a b' -- true
	[ "$status" -eq 125 ]
	is "$stderr" "cnet: --name \"a b\": use letters, digits, '_', '.' and '-', starting with a letter or digit, at most 127"
	run --separate-stderr cn run --ip 10.1.2.3 -- true
	[ "$status" -eq 125 ]
	[[ $stderr == *"cnet: attach cnet-"*" to cnet0: --ip 10.1.2.3 is not in a subnet of network cnet0 (10.87.0.0/16)" ]]
	all_clean
}

@test "run: CMD gets the caller's stdin, stdout and stderr; options end at CMD" {
	is "$(echo hello | cn run -- cat)" hello
	is "$(cn run -- sh -c 'echo out; echo err >&2' 2>&1 >/dev/null)" err
	# no "--" needed: CMD's own options are its own
	is "$(cn run echo -n -p 1 --network x)" "-p 1 --network x"
	all_clean
}

@test "run --network none: only lo; host: this namespace; NAME: that network" {
	run cn run --network none -- ip -j link show
	[ "$status" -eq 0 ]
	is "$(jq -r '.[].ifname' <<<"$output")" lo
	is "$(jq -r '.[0].flags | index("UP") != null' <<<"$output")" true
	[ ! -e "$CNET_CONFIG_DIR/cnet0.conflist" ]
	run cn run --network host -- readlink /proc/self/ns/net
	[ "$status" -eq 0 ]
	is "$output" "$(readlink /proc/self/ns/net)"
	run cn run --network host -- sh -c 'exit 3'
	[ "$status" -eq 3 ]
	run --separate-stderr cn run --network host -p 1:1 -- true
	[ "$status" -eq 125 ]
	is "$stderr" "cnet: --network host: no interface to give -p, --ip or --mac to"
	run --separate-stderr cn run --network host --name x -- true
	[ "$status" -eq 125 ]
	run --separate-stderr cn run --network none --ip 10.1.1.1 -- true
	[ "$status" -eq 125 ]
	cn create web >/dev/null
	run cn run --network web -- ip -j -4 addr show dev eth0
	[ "$status" -eq 0 ]
	is "$(jq -r '.[0].addr_info[0].local' <<<"$output")" 10.89.0.2
	all_clean
}

@test "run -p: the published port answers while CMD runs; SIGTERM ends CMD and cleans up" {
	start_run run --name web1 -p 8080:80 -- socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo hello from web1'
	wait_until 5 bash -c 'nc -w 1 -d 127.0.0.1 8080 | grep -q "hello from web1"'
	is "$(cn ps | awk 'NR > 1 {print $1, $2, $3, $6}')" "cnet0 web1 eth0 8080->80/tcp"
	[ -f "$CNET_RUN_DIR/runs/web1.json" ]
	is "$(jq -r '[.name, .netns, .network, .ifname, .pid] | join(" ")' "$CNET_RUN_DIR/runs/web1.json")" \
		"web1 /run/netns/web1 cnet0 eth0 $RUN_PID"
	kill -TERM "$RUN_PID"
	run_wait
	is "$RUN_RC" 143   # socat's own exit on SIGTERM
	all_clean
	run ! nc -w 1 -d 127.0.0.1 8080
}

@test "run: SIGINT, SIGTERM, SIGHUP to cnet run reach CMD; exit 128+N; nothing left" {
	local sig n
	for sig in INT TERM HUP; do
		start_run run -- sleep 100
		wait_until 5 cmd_running sleep
		kill -s "$sig" "$RUN_PID"
		n=$(kill -l "$sig")
		run_wait
		is "$RUN_RC" $((128 + n))
		all_clean
	done
	# CMD may handle the signal and exit its own way
	start_run run -- bash -c 'trap "exit 42" TERM; while :; do sleep 0.05; done'
	wait_until 5 cmd_running bash
	kill -TERM "$RUN_PID"
	run_wait
	is "$RUN_RC" 42
	all_clean
}

@test "run: kill -9 of cnet run kills CMD; cnet gc then leaves nothing at all" {
	cn create web >/dev/null
	start_run run --network web -p 8081:81 -- sleep 100
	wait_until 5 cmd_running sleep
	local name
	name=$(cn ps -q)
	is "$name" "cnet-$RUN_PID"
	kill -KILL "$RUN_PID"
	run_wait
	wait_until 5 bash -c '! pgrep -x sleep'   # PDEATHSIG
	# what the dead run left: its namespace, veth, lease, nft elements, cache entry, state
	[ -e "/run/netns/$name" ]
	is "$(ip -j link show type veth | jq length)" 1
	nft list ruleset | grep -q "web/$name/eth0"
	[ -f "$CNET_RUN_DIR/runs/$name.json" ]
	# a live run is never collected
	start_run run --network web -- sleep 100
	wait_until 5 cmd_running sleep
	local live=cnet-$RUN_PID
	run cn gc
	[ "$status" -eq 0 ]
	is "$output" "run $name"
	[ -e "/run/netns/$live" ]
	is "$(cn ps -q)" "$live"
	kill -TERM "$RUN_PID"
	run_wait
	all_clean
	run cn gc
	[ -z "$output" ]
}

@test "run --name: the namespace's name and container ID; taken names; a dead run's name" {
	start_run run --name box -- sleep 100
	wait_until 5 cmd_running sleep
	[ -e /run/netns/box ]
	is "$(cn ps -q)" box
	run --separate-stderr cn run --name box -- true
	[ "$status" -eq 125 ]
	is "$stderr" "cnet: --name box: a cnet run of that name is running (pid $RUN_PID)"
	local pid=$RUN_PID
	kill -KILL "$RUN_PID"
	run_wait
	run --separate-stderr cn run --name box -- true
	[ "$status" -eq 125 ]
	is "$stderr" "cnet: --name box: left over by a cnet run that died (pid $pid): run 'cnet gc'"
	is "$(cn gc)" "run box"
	run cn run --name box -- true
	[ "$status" -eq 0 ]
	# a namespace of that name that is not a run's
	make_ns taken
	run --separate-stderr cn run --name taken -- true
	[ "$status" -eq 125 ]
	is "$stderr" "cnet: a network namespace taken exists already (/run/netns/taken): choose another --name"
	[ ! -e "$CNET_RUN_DIR/runs/taken.json" ]
	_cnet_del_ns taken
	all_clean
}

@test "run: two runs on one network talk; a run on another network is isolated" {
	cn create web >/dev/null
	start_run run --name srv --network web -- socat TCP-LISTEN:80,fork,reuseaddr SYSTEM:'echo hi'
	wait_until 5 bash -c 'ip netns exec srv ss -ltn 2>/dev/null | grep -q ":80 "'
	local ip
	ip=$(cn ps --format json | jq -r '.[0].ips[0] | sub("/.*"; "")')
	is "$ip" 10.89.0.2
	run cn run --network web -- ping -c 1 -W 2 "$ip"
	[ "$status" -eq 0 ]
	run cn run --network web -- nc -w 2 -d "$ip" 80
	[ "$status" -eq 0 ]
	is "$output" hi
	run cn run -- nc -w 1 -d "$ip" 80
	[ "$status" -ne 0 ]
	kill -TERM "$RUN_PID"
	run_wait
	all_clean
}

@test "run --ip, --mac, --ifname; gc NETWORK collects only that network's dead runs" {
	cn create web >/dev/null
	run cn run --network web --ip 10.89.0.99 --mac 02:00:00:00:00:99 --ifname net0 -- \
		ip -j addr show dev net0
	[ "$status" -eq 0 ]
	is "$(jq -r '.[0].address, (.[0].addr_info[] | select(.family == "inet") | .local)' <<<"$output")" \
		$'02:00:00:00:00:99\n10.89.0.99'
	run --separate-stderr cn run --ifname 'bad/if' -- true
	[ "$status" -eq 125 ]
	# two dead runs: one on web, one without a network
	start_run run --network web --name onweb -- sleep 100
	wait_until 5 cmd_running sleep
	kill -KILL "$RUN_PID"
	run_wait
	start_run run --network none --name alone -- sleep 100
	wait_until 5 cmd_running sleep
	kill -KILL "$RUN_PID"
	run_wait
	run cn gc web
	is "$output" "run onweb"
	[ -e /run/netns/alone ]
	run cn gc --format json
	json_eq '{"runs": ["alone"], "attachments": []}' "$output"
	all_clean
}
