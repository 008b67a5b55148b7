# shellcheck shell=bash disable=SC2034 # (variables set here are for the scripts sourcing this)
# Shared by the tests/bench scripts: `. "$(dirname "$0")/lib.bash"` at the top, then
# `bench_init NAME "$@"`. Not a benchmark itself (`make bench` skips tests/bench/*.bash).
#
# bench_init NAME ARGS...  refuse to run outside scripts/sandbox; take --smoke out of ARGS
#                          (BENCH_SMOKE=1) and leave the rest in BENCH_ARGS; set BENCH_NAME,
#                          BENCH_WORK (a temp dir, removed at exit; bench_on_exit CMD adds
#                          cleanup run before that) and BENCH_JSON
# bench_now_us             microseconds since the epoch (no fork)
# bench_stats FILE         "median p95" in ms of the microsecond samples in FILE (one a line)
# bench_ratio REF CNET     REF/CNET with one decimal, "-" when CNET is 0
# bench_num X              X if it is a number, else null (for JSON)
# bench_result CASE IMPL MEDIAN_MS P95_MS [JSON_OBJECT]
#                          record one result; the object's fields are added to it (n, unit,
#                          value, ...). All results of a run are appended to BENCH_JSON as
#                          one document, on one line, when the script exits successfully:
#                          {"date","kernel","cpu","commit","smoke","bench","results":[{"bench",
#                          "case","impl","median_ms","p95_ms",...}]}   (read them: jq -s)
# bench_fail MSG...        print MSG to stderr and exit 1
#
# Environment: BENCH_JSON (default BUILD_DIR/bench/results.json, BUILD_DIR being the first
# argument left after --smoke, default build; with --smoke, a file in BENCH_WORK unless set),
# REF_BIN (the reference plugins, default /usr/lib/cni).

bench_fail() {
	echo "$BENCH_NAME: $*" >&2
	exit 1
}

bench_now_us() { echo "${EPOCHREALTIME//[!0-9]/}"; }

bench_init() {
	BENCH_NAME=$1
	shift
	[[ "${CNET_SANDBOX:-}" == 1 && "${CNET_SANDBOX_NETNS:-}" == "$(readlink /proc/self/ns/net)" ]] ||
		{ echo "$BENCH_NAME: run inside scripts/sandbox (make bench)" >&2; exit 1; }
	BENCH_SMOKE=0
	BENCH_ARGS=()
	local a
	for a in "$@"; do
		if [[ $a == --smoke ]]; then BENCH_SMOKE=1; else BENCH_ARGS+=("$a"); fi
	done
	REF=${REF_BIN:-/usr/lib/cni}
	BENCH_WORK=$(mktemp -d)
	BENCH_RESULTS=$BENCH_WORK/results.jsonl
	: >"$BENCH_RESULTS"
	local build=${BENCH_ARGS[0]:-build}
	if ((BENCH_SMOKE)); then
		BENCH_JSON=${BENCH_JSON:-$BENCH_WORK/smoke.json}
	else
		BENCH_JSON=${BENCH_JSON:-$build/bench/results.json}
	fi
	_BENCH_EXIT=()
	trap _bench_exit EXIT
}

bench_on_exit() { _BENCH_EXIT+=("$*"); }

_bench_exit() {
	local rc=$? i
	for ((i = ${#_BENCH_EXIT[@]} - 1; i >= 0; i--)); do eval "${_BENCH_EXIT[i]}" || true; done
	if ((rc == 0)) && [[ -s $BENCH_RESULTS ]]; then
		_bench_write_json || rc=1
	fi
	rm -rf "$BENCH_WORK"
	exit "$rc"
}

_bench_write_json() {
	local cpu commit
	cpu=$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)
	cpu="$cpu ($(nproc) CPUs)"
	commit=$(git -C "$(dirname "${BASH_SOURCE[0]}")" describe --always --dirty 2>/dev/null) ||
		commit=unknown
	mkdir -p "$(dirname "$BENCH_JSON")"
	jq -sc --arg date "$(date -Iseconds)" --arg kernel "$(uname -r)" --arg cpu "$cpu" \
		--arg commit "$commit" --arg bench "$BENCH_NAME" --argjson smoke "$BENCH_SMOKE" \
		'{date: $date, kernel: $kernel, cpu: $cpu, commit: $commit, smoke: ($smoke == 1),
		  bench: $bench, results: .}' "$BENCH_RESULTS" >>"$BENCH_JSON"
	echo "results appended to $BENCH_JSON"
}

bench_stats() {
	sort -n "$1" | awk '{a[NR] = $1} END {
		if (NR == 0) { print "- -"; exit }
		p = int(NR * 0.95 + 0.5); if (p < 1) p = 1
		printf "%.2f %.2f\n", a[int((NR + 1) / 2)] / 1000, a[p] / 1000 }'
}

bench_ratio() {
	awk -v r="$1" -v c="$2" 'BEGIN { if (c + 0 > 0) printf "%.1f", r / c; else print "-" }'
}

bench_num() { if [[ $1 =~ ^-?[0-9]+(\.[0-9]+)?$ ]]; then echo "$1"; else echo null; fi; }

bench_result() {
	local extra=${5:-'{}'}
	jq -nc --arg b "$BENCH_NAME" --arg c "$1" --arg i "$2" --arg m "$3" --arg p "$4" \
		--argjson x "$extra" '{bench: $b, case: $c, impl: $i,
		median_ms: ($m | tonumber? // null), p95_ms: ($p | tonumber? // null)} + $x' \
		>>"$BENCH_RESULTS"
}
