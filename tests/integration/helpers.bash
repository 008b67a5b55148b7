# shellcheck shell=bash
# Shared helpers for the integration suite: `load helpers` at the top of a .bats file.
#
# Every file runs in its own scripts/sandbox (scripts/run-tests does that), which plays
# "the host": the plugin under test runs here, containers are `make_ns` namespaces.
# Run one file by hand with:  scripts/sandbox env CNET_BIN=$PWD/build/bin bats FILE
#
#   setup()    { cnet_setup; }
#   teardown() { cnet_teardown; }
#
# cnet_setup                 refuse to run outside the sandbox; export STATE (per-test dir,
#                            created), DATA_DIR (host-local dataDir, not created) and SUFFIX
#                            (5 hex chars, unique per test in a file; for link/netns names)
# make_ns NAME               ip netns add NAME, lo up inside, deleted at teardown
# ns_path NAME               echo /run/netns/NAME
# ns_exec NAME CMD...        run CMD inside netns NAME
# track_link NAME            delete link NAME (sandbox root) at teardown, if still there
# track_pid PID              kill PID at teardown, if still running
# cni PLUGIN CMD CONTAINERID NETNS_PATH IFNAME CONFIG_JSON [CNI_ARGS]
#                            run $CNET_BIN/PLUGIN ($REF_BIN/PLUGIN when USE_REF=1) like a
#                            runtime: CNI_* env, config on stdin, CNI_PATH = that bin dir.
#                            Like bats `run`, never fails itself and sets:
#                              status, output (stdout only), lines
#                              CNI_STDERR (stderr text), CNI_STDERR_FILE (where it is kept)
#                            It logs the call and exit status to stderr (bats shows it only
#                            if the test fails); when the plugin exits non-zero it also logs
#                            the config, stdout and stderr.
# json_eq EXPECTED ACTUAL    compare two JSON texts after `jq -S`; print both and fail if
#                            they differ (key order and whitespace do not matter; array
#                            order does)
# wait_until SECS CMD...     run CMD every 50 ms until it succeeds; fail after SECS
#                            (decimals allowed). Use this, never a fixed sleep.
# assert_no_leftovers [-n NETNS] [NAME...]
#                            fail if links other than lo and NAME... exist in the sandbox
#                            root (or in NETNS)
# bg NETNS CMD...            start CMD in NETNS in the background (holding none of bats' fds),
#                            killed at teardown
# listening NETNS PORT       wait up to 5 s until a TCP socket listens on PORT in NETNS
# is ACTUAL EXPECTED         equal strings, or print both and a diff and fail
# err_is CODE TEXT...        the last `cni` call failed with exit 1 and error CODE, its msg
#                            containing every TEXT
# cni_chain CMD CONFLIST ID [RUNTIME_CONFIG] [CNI_PATH]
#                            run CMD (ADD, CHECK, DEL) for container ID (netns ID, eth0)
#                            through the conflist file like libcni: each plugin gets its
#                            object + name + cniVersion, runtimeConfig for the capabilities it
#                            declares, prevResult (ADD: the previous result; CHECK/DEL: the
#                            cached ADD result, kept in $STATE/ID.result); DEL in reverse.
#                            CNI_PATH defaults to $CNET_BIN. Sets status/output of the last
#                            plugin run, or of the one that failed (and stops there).
# cnet_teardown              delete recorded netns and links, kill tracked pids; never fails

cnet_in_sandbox() {
	[[ "${CNET_SANDBOX:-}" == 1 && "${CNET_SANDBOX_NETNS:-}" == "$(readlink /proc/self/ns/net)" ]]
}

cnet_setup() {
	if ! cnet_in_sandbox; then
		echo "not inside scripts/sandbox: refusing to touch this machine's network." >&2
		echo "run: scripts/run-tests build   or   scripts/sandbox bats FILE" >&2
		return 1
	fi
	: "${CNET_ROOT:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
	: "${CNET_BIN:=$CNET_ROOT/build/bin}"
	: "${REF_BIN:=/usr/lib/cni}"
	export CNET_ROOT CNET_BIN REF_BIN
	export STATE=$BATS_TEST_TMPDIR/state
	export DATA_DIR=$BATS_TEST_TMPDIR/ipam
	SUFFIX=$(printf '%02x%03x' $((BATS_TEST_NUMBER % 256)) $((RANDOM % 4096)))
	export SUFFIX
	CNI_CALLS=0
	mkdir -p "$STATE"
}

# Files under the per-test dir, so records survive subshells (`run make_ns ...`).
_cnet_record() { printf '%s\n' "$2" >>"$BATS_TEST_TMPDIR/.cnet-$1"; }

make_ns() {
	ip netns add "$1" || return
	_cnet_record netns "$1"
	ip -n "$1" link set lo up
}

ns_path() { echo "/run/netns/$1"; }

ns_exec() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

track_link() { _cnet_record link "$1"; }

track_pid() { _cnet_record pid "$1"; }

# shellcheck disable=SC2034 # status, output, lines, CNI_STDERR are for the caller
cni() {
	if [[ $# -lt 6 || $# -gt 7 ]]; then
		echo "usage: cni PLUGIN CMD CONTAINERID NETNS_PATH IFNAME CONFIG_JSON [CNI_ARGS]" >&2
		return 2
	fi
	local plugin=$1 cmd=$2 cid=$3 netns=$4 ifname=$5 config=$6 args=${7-} dir
	dir=$CNET_BIN
	[[ "${USE_REF:-0}" == 1 ]] && dir=$REF_BIN
	CNI_CALLS=$((${CNI_CALLS:-0} + 1))
	CNI_STDERR_FILE=$BATS_TEST_TMPDIR/cni.$CNI_CALLS.stderr
	output=$(printf '%s' "$config" | env CNI_COMMAND="$cmd" CNI_CONTAINERID="$cid" \
		CNI_NETNS="$netns" CNI_IFNAME="$ifname" CNI_ARGS="$args" CNI_PATH="$dir" \
		"$dir/$plugin" 2>"$CNI_STDERR_FILE") && status=0 || status=$?
	CNI_STDERR=$(<"$CNI_STDERR_FILE")
	lines=()
	[[ -n $output ]] && mapfile -t lines <<<"$output"
	printf '# cni %s %s id=%s netns=%s if=%s args=%s -> exit %d\n' \
		"$dir/$plugin" "$cmd" "$cid" "$netns" "$ifname" "$args" "$status" >&2
	if ((status != 0)); then
		printf '#   config: %s\n#   stdout: %s\n#   stderr: %s\n' \
			"$config" "$output" "$CNI_STDERR" >&2
	fi
	return 0
}

json_eq() {
	local exp act
	if ! exp=$(jq -S . <<<"$1" 2>&1) || [[ -z $exp ]]; then
		printf 'json_eq: EXPECTED is not JSON: %s\n' "$1" >&2
		return 1
	fi
	if ! act=$(jq -S . <<<"$2" 2>&1) || [[ -z $act ]]; then
		printf 'json_eq: ACTUAL is not JSON: %s\n' "$2" >&2
		return 1
	fi
	if [[ "$exp" != "$act" ]]; then
		printf 'json_eq: JSON differs\n--- expected\n%s\n--- actual\n%s\n--- diff\n' \
			"$exp" "$act" >&2
		diff <(printf '%s\n' "$exp") <(printf '%s\n' "$act") >&2 || true
		return 1
	fi
}

_cnet_now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }

wait_until() {
	local t=$1 frac='' deadline
	shift
	if ! [[ $t =~ ^[0-9]+(\.[0-9]+)?$ ]] || [[ $# -eq 0 ]]; then
		echo "usage: wait_until TIMEOUT_SECS CMD..." >&2
		return 2
	fi
	[[ $t == *.* ]] && frac=${t#*.}
	frac=${frac}000000
	deadline=$(($(_cnet_now_us) + 10#${t%%.*} * 1000000 + 10#${frac:0:6}))
	while :; do
		"$@" && return 0
		if (($(_cnet_now_us) >= deadline)); then
			echo "wait_until: still failing after ${t}s: $*" >&2
			return 1
		fi
		sleep 0.05
	done
}

assert_no_leftovers() {
	local ns=() name extra=() want
	if [[ "${1-}" == -n ]]; then
		ns=(-n "$2")
		shift 2
	fi
	local -A allowed=([lo]=1)
	for want in "$@"; do allowed[$want]=1; done
	while read -r name; do
		[[ -n ${allowed[$name]-} ]] || extra+=("$name")
	done < <(ip "${ns[@]}" -j link show | jq -r '.[].ifname')
	if ((${#extra[@]} > 0)); then
		echo "assert_no_leftovers: unexpected links${ns[1]:+ in netns ${ns[1]}}: ${extra[*]}" >&2
		ip "${ns[@]}" -br link show >&2
		return 1
	fi
}

# Delete the links inside a netns first: that removes veth peers in the sandbox root at
# once, where the kernel's asynchronous netns cleanup could leave them for the next test.
_cnet_del_ns() {
	local link
	[[ -e /run/netns/$1 ]] || return 0
	while read -r link; do
		[[ $link == lo ]] || ip -n "$1" link del "$link" 2>/dev/null || true
	done < <(ip -n "$1" -j link show 2>/dev/null | jq -r '.[].ifname' 2>/dev/null)
	ip netns del "$1" 2>/dev/null || true
}

cnet_teardown() {
	local f=$BATS_TEST_TMPDIR/.cnet- item
	if [[ -f ${f}pid ]]; then
		while read -r item; do kill "$item" 2>/dev/null || true; done <"${f}pid"
	fi
	if [[ -f ${f}netns ]]; then
		while read -r item; do _cnet_del_ns "$item"; done <"${f}netns"
	fi
	if [[ -f ${f}link ]]; then
		while read -r item; do ip link del "$item" 2>/dev/null || true; done <"${f}link"
	fi
	rm -f "${f}pid" "${f}netns" "${f}link"
	return 0
}

cni_chain() {
	local cmd=$1 list=$2 id=$3 rc=${4:-'{}'} path=${5:-$CNET_BIN} n i conf type prev=null
	n=$(jq '.plugins | length' "$list")
	[[ $cmd == ADD ]] || prev=$(cat "$STATE/$id.result")
	local order=()
	for ((i = 0; i < n; i++)); do
		if [[ $cmd == DEL ]]; then order=("$i" "${order[@]}"); else order+=("$i"); fi
	done
	for i in "${order[@]}"; do
		conf=$(jq -c --argjson i "$i" --argjson rc "$rc" --argjson prev "$prev" '
			.plugins[$i] as $p
			| $p + {cniVersion, name}
			| (($p.capabilities // {}) | with_entries(.key as $k
			   | select(.value == true and ($rc | has($k))) | .value = $rc[$k])) as $r
			| if ($r | length) > 0 then .runtimeConfig = $r else . end
			| if $prev != null then .prevResult = $prev else . end
			| del(.capabilities)' "$list")
		type=$(jq -r .type <<<"$conf")
		run env CNI_COMMAND="$cmd" CNI_CONTAINERID="$id" CNI_NETNS="/run/netns/$id" \
			CNI_IFNAME=eth0 CNI_PATH="$path" "$(_cnet_plugin_path "$type" "$path")" <<<"$conf"
		if [[ $status -ne 0 ]]; then
			echo "cni_chain: $type $cmd failed: $output" >&2
			return 0
		fi
		[[ $cmd == ADD ]] && prev=$output
	done
	[[ $cmd == ADD ]] && printf '%s\n' "$prev" >"$STATE/$id.result"
	return 0
}

# _cnet_plugin_path TYPE CNI_PATH: the first TYPE binary on the path.
_cnet_plugin_path() {
	local d dirs
	IFS=: read -ra dirs <<<"$2"
	for d in "${dirs[@]}"; do
		[[ -x $d/$1 ]] && { echo "$d/$1"; return; }
	done
	echo "/nonexistent/$1"
}

bg() {
	local where=$1
	shift
	ip netns exec "$where" "$@" </dev/null >/dev/null 2>&1 3>&- &
	track_pid $!
}

# listening NS PORT: wait (up to 5 s) until a TCP socket listens on PORT in namespace NS, so a
# server started with bg is there before the first connection.
listening() {
	wait_until 5 bash -c "ip netns exec '$1' ss -Hltn 'sport = :$2' | grep -q ."
}

is() {
	[[ "$1" == "$2" ]] || {
		printf 'is: got:\n%s\n--- expected:\n%s\n--- diff:\n' "$1" "$2" >&2
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$1") >&2 || true
		return 1
	}
}

err_is() {
	local code=$1 t msg
	shift
	[ "$status" -eq 1 ] || {
		echo "err_is: exit status $status, expected 1: $output" >&2
		return 1
	}
	[ "$(jq -r .code <<<"$output")" = "$code" ] || {
		echo "err_is: code $(jq -r .code <<<"$output"), expected $code: $output" >&2
		return 1
	}
	msg=$(jq -r .msg <<<"$output")
	for t in "$@"; do
		[[ $msg == *"$t"* ]] || {
			echo "err_is: msg does not contain \"$t\": $msg" >&2
			return 1
		}
	done
}
