#!/usr/bin/env bats
# The benchmarks (tests/bench, `make bench`) in their --smoke mode: tiny sizes, a few seconds
# each, so that they cannot rot. Each runs in a fresh scripts/sandbox of its own (nested in
# this file's), exactly as `make bench` starts it, and must exit 0: a plugin error or a
# leftover fails it, a timing never does. It must also append one JSON document, with
# results, to BENCH_JSON. tests/bench/*.bash are the scripts' shared code, not benchmarks.

load helpers

setup() {
	cnet_setup
	command -v iptables >/dev/null || skip "iptables not installed: run scripts/install-deps"
	[[ -x /usr/bin/time ]] || skip "/usr/bin/time not installed: run scripts/install-deps"
	[[ -x $REF_BIN/bridge ]] || skip "reference plugins missing in $REF_BIN"
}

teardown() { cnet_teardown; }

# smoke SCRIPT: run it as `make bench` does, in --smoke mode; check its JSON document.
smoke() {
	local json=$BATS_TEST_TMPDIR/${1##*/}.json
	echo "# $1 --smoke" >&2
	env -u CNET_SANDBOX -u CNET_SANDBOX_NETNS BENCH_JSON="$json" REF_BIN="$REF_BIN" \
		"$CNET_ROOT/scripts/sandbox" "$1" --smoke "${CNET_BIN%/bin}" >&2 || {
		echo "# $1 --smoke failed" >&2
		return 1
	}
	[[ $(jq -s 'length' "$json") == 1 ]] ||
		{ echo "# $1: not one JSON document in $json" >&2; return 1; }
	jq -se '.[0] | .smoke == true and .bench != null and (.results | length > 0)
		and all(.results[]; .bench and .case and .impl)' "$json" >/dev/null ||
		{ echo "# $1: bad JSON: $(cat "$json")" >&2; return 1; }
}

@test "every tests/bench script passes its --smoke run and writes its JSON" {
	local f failed=() n=0
	for f in "$CNET_ROOT"/tests/bench/*; do
		[[ -f $f && -x $f && $f != *.bash ]] || continue
		n=$((n + 1))
		smoke "$f" || failed+=("${f##*/}")
	done
	((n > 0))
	if ((${#failed[@]})); then
		echo "# failed: ${failed[*]}" >&2
		return 1
	fi
	# nothing was left in this file's sandbox either
	assert_no_leftovers
}
