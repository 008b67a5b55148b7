#!/usr/bin/env bats
# Many plugin runs at once on one network, as a runtime starting a node's pods does: 8
# parallel workers ADD 200 containers (bridge + host-local, 200 namespaces, one /24), then
# DEL them all in parallel. No run may fail, no address may be handed out twice (checked in
# the printed results, the lease files and the kernel), and nothing may be left at the end.

load helpers

NET=concnet
WORKERS=8

setup() {
	cnet_setup
	BR=cc-$SUFFIX
	track_link "$BR"
	OUT=$BATS_TEST_TMPDIR/out
	mkdir -p "$OUT"
}

teardown() { cnet_teardown; }

# ---- helpers ------------------------------------------------------------------------------

# conf: bridge config on $BR (a gateway), host-local over 10.96.0.0/24.
conf() {
	jq -nc --arg br "$BR" --arg dir "$DATA_DIR" --arg net "$NET" '{
		cniVersion: "1.1.0", name: $net, type: "bridge", bridge: $br, isGateway: true,
		ipam: {type: "host-local", dataDir: $dir, ranges: [[{subnet: "10.96.0.0/24"}]]}}'
}

nsname() { echo "n$1-$SUFFIX"; }

# run_plugin PLUGIN CMD I CONFIG: run it for container c<I> (eth0 in its namespace) and
# keep stdout in $OUT/<I>.<CMD>; a failure also leaves $OUT/<I>.<CMD>.fail.
run_plugin() {
	local plugin=$1 cmd=$2 i=$3 config=$4 netns
	netns=$(ns_path "$(nsname "$i")")
	[[ $plugin == host-local ]] && netns=$(ns_path "$(nsname 0)")
	if ! printf '%s' "$config" | CNI_COMMAND=$cmd CNI_CONTAINERID=c$i CNI_NETNS=$netns \
		CNI_IFNAME=eth0 CNI_PATH=$CNET_BIN "$CNET_BIN/$plugin" >"$OUT/$i.$cmd" \
		2>"$OUT/$i.$cmd.stderr"; then
		cat "$OUT/$i.$cmd" "$OUT/$i.$cmd.stderr" >"$OUT/$i.$cmd.fail"
	fi
}

# worker W PLUGIN CMD FIRST COUNT CONFIG: containers FIRST+W, FIRST+W+WORKERS, ... below
# FIRST+COUNT.
worker() {
	local w=$1 plugin=$2 cmd=$3 first=$4 count=$5 config=$6 i
	for ((i = first + w; i < first + count; i += WORKERS)); do
		run_plugin "$plugin" "$cmd" "$i" "$config"
	done
}

# parallel PLUGIN CMD FIRST COUNT CONFIG: $WORKERS workers at once; waits for all of them.
# Prints the time taken (seconds) to the TAP stream.
parallel() {
	local w pids=() start=${EPOCHREALTIME/./} ms
	for ((w = 0; w < WORKERS; w++)); do
		worker "$w" "$@" &
		pids+=($!)
	done
	for w in "${pids[@]}"; do wait "$w"; done
	ms=$(((${EPOCHREALTIME/./} - start) / 1000))
	printf '# %d x %s %s, %d workers: %d.%03d s\n' "$4" "$1" "$2" "$WORKERS" \
		$((ms / 1000)) $((ms % 1000)) >&3
}

# no_failures CMD: no run of CMD failed (else show the first few).
no_failures() {
	local fails
	fails=$(find "$OUT" -name "*.$1.fail" | sort -V)
	if [[ -n $fails ]]; then
		echo "$(wc -l <<<"$fails") $1 runs failed, e.g.:" >&2
		head -n 3 <<<"$fails" | xargs cat >&2
		return 1
	fi
}

# leases: "<ip> <containerID>/<ifname>" for every lease file, sorted.
leases() {
	local d=$DATA_DIR/$NET f s
	[[ -d $d ]] || return 0
	for f in "$d"/*; do
		case ${f##*/} in lock | last_reserved_ip.*) continue ;; esac
		s=$(<"$f")
		printf '%s %s\n' "${f##*/}" "${s//$'\r\n'//}"
	done | sort -V
}

# results FIRST COUNT: "<ip> c<I>/eth0" from each successful ADD result, sorted.
results() {
	local i files=()
	for ((i = $1; i < $1 + $2; i++)); do
		[[ -e $OUT/$i.ADD.fail ]] || files+=("$OUT/$i.ADD")
	done
	jq -r '"\(.ips[0].address | split("/")[0]) c\(input_filename
		| capture("/(?<i>[0-9]+)[.]ADD$").i)/eth0"' "${files[@]}" | sort -V
}

# kernel_addrs FIRST COUNT: "<ip> c<I>/eth0" from each container's eth0, sorted.
kernel_addrs() {
	local i addr
	for ((i = $1; i < $1 + $2; i++)); do
		read -r _ _ addr _ < <(ip -n "$(nsname "$i")" -4 -br addr show dev eth0)
		printf '%s c%d/eth0\n' "${addr%/*}" "$i"
	done | sort -V
}

# only_lo FIRST COUNT: the namespaces of those containers hold nothing but lo.
only_lo() {
	local i links
	for ((i = $1; i < $1 + $2; i++)); do
		links=$(ip -n "$(nsname "$i")" -br link show | cut -d' ' -f1)
		if [[ $links != lo ]]; then
			echo "$(nsname "$i"): $links" >&2
			return 1
		fi
	done
}

# drop_ns FIRST COUNT: delete those (empty) namespaces now, which is quicker than teardown.
drop_ns() {
	local i
	for ((i = $1; i < $1 + $2; i++)); do ip netns del "$(nsname "$i")"; done
}

# ---- tests ------------------------------------------------------------------------------------

@test "8 parallel workers ADD 200 containers on one /24, then DEL them: no failure, no duplicate, nothing left" {
	local n=200 c i dups
	c=$(conf)
	for ((i = 0; i < n; i++)); do make_ns "$(nsname "$i")"; done

	parallel bridge ADD 0 "$n" "$c"
	no_failures ADD
	# every address once, in the results, on disk and in the kernel
	[ "$(results 0 "$n" | wc -l)" -eq "$n" ]
	dups=$(results 0 "$n" | cut -d' ' -f1 | uniq -d)
	[ -z "$dups" ]
	[ "$(results 0 "$n")" = "$(leases)" ]
	results 0 "$n" | cut -d' ' -f1 |
		awk -F. '$1 "." $2 "." $3 != "10.96.0" || $4 < 2 || $4 > 254 { bad = 1 } END { exit bad }'
	[ "$(kernel_addrs 0 "$n")" = "$(results 0 "$n")" ]
	[ "$(ip -j link show master "$BR" | jq length)" -eq "$n" ]
	[ "$(ip -j addr show dev "$BR" | jq -c '[.[0].addr_info[] | select(.family == "inet") | .local]')" = \
		'["10.96.0.1"]' ]
	# the first and the last container reach each other and the gateway
	wait_until 5 ns_exec "$(nsname 0)" ping -q -c 1 -W 1 \
		"$(jq -r '.ips[0].address | split("/")[0]' "$OUT/$((n - 1)).ADD")" >/dev/null
	wait_until 5 ns_exec "$(nsname $((n - 1)))" ping -q -c 1 -W 1 10.96.0.1 >/dev/null

	parallel bridge DEL 0 "$n" "$c"
	no_failures DEL
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
	only_lo 0 "$n"
	# and once more: DEL is idempotent under concurrency too
	rm -f "$OUT"/*.DEL*
	parallel bridge DEL 0 "$n" "$c"
	no_failures DEL
	drop_ns 0 "$n"
}

@test "exhaustion under concurrency: 256 parallel host-local ADDs on a /24 give 253 addresses, 3 errors 102" {
	local n=256 c f
	c=$(conf)
	make_ns "$(nsname 0)"
	parallel host-local ADD 0 "$n" "$c"
	[ "$(find "$OUT" -name '*.ADD.fail' | wc -l)" -eq 3 ]
	for f in "$OUT"/*.ADD.fail; do
		json_eq '{"cniVersion": "1.1.0", "code": 102,
			"msg": "no IP addresses available in range set 0 (10.96.0.0/24)"}' "$(head -n1 "$f")"
	done
	# each successful result names the address its lease file holds, each address once
	[ "$(results 0 "$n" | wc -l)" -eq 253 ]
	[ "$(results 0 "$n")" = "$(leases)" ]
	[ -z "$(leases | cut -d' ' -f1 | uniq -d)" ]
	parallel host-local DEL 0 "$n" "$c"
	no_failures DEL
	[ -z "$(leases)" ]
}

@test "ADDs and DELs at once: 100 containers leave while 100 arrive; the leases match exactly" {
	local c i
	c=$(conf)
	for ((i = 0; i < 200; i++)); do make_ns "$(nsname "$i")"; done
	parallel bridge ADD 0 100 "$c"
	no_failures ADD

	local pids=() w
	for ((w = 0; w < WORKERS; w++)); do
		# even workers DEL containers 0..99, odd ones ADD 100..199
		(
			for ((i = w / 2; i < 100; i += WORKERS / 2)); do
				if ((w % 2)); then
					run_plugin bridge ADD $((100 + i)) "$c"
				else
					run_plugin bridge DEL "$i" "$c"
				fi
			done
		) &
		pids+=($!)
	done
	for w in "${pids[@]}"; do wait "$w"; done
	no_failures ADD
	no_failures DEL
	[ "$(results 100 100)" = "$(leases)" ]
	[ -z "$(leases | cut -d' ' -f1 | uniq -d)" ]
	[ "$(kernel_addrs 100 100)" = "$(leases)" ]
	[ "$(ip -j link show master "$BR" | jq length)" -eq 100 ]
	only_lo 0 100
	parallel bridge DEL 100 100 "$c"
	no_failures DEL
	[ -z "$(leases)" ]
	assert_no_leftovers "$BR"
	only_lo 100 100
	drop_ns 0 200
}
