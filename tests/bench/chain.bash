# shellcheck shell=bash disable=SC2034 # (variables set here are for the scripts sourcing this)
# The chain bridge (+ host-local) -> portmap, run the way libcni runs a conflist, for
# chain-add-del and parallel-add. Sourced after lib.bash; not a benchmark itself.
#
# The conflist, one per implementation (IMPL cnet: BUILD_DIR/bin, ref: /usr/lib/cni), podman's
# default shape minus firewall and tuning, and without ipMasq unless BENCH_IPMASQ=1 (the
# reference's masquerade chains make its chain ADD about 4x slower at 1000 containers, its
# 1000-container set-up about 10 minutes instead of 3):
#   {"cniVersion": "1.0.0", "name": "bench-<IMPL>", "plugins": [
#     {"type": "bridge", "bridge": "<PREFIX>-<IMPL>", "isGateway": true, "ipMasq": false,
#      "hairpinMode": true, "ipam": {"type": "host-local", "dataDir": DIR,
#      "ranges": [[{"subnet": "10.<OCT>.0.0/16"}]], "routes": [{"dst": "0.0.0.0/0"}]}},
#     {"type": "portmap", "capabilities": {"portMappings": true}}]}
# with runtimeConfig {"portMappings": [{"hostPort": PORT, "containerPort": 80, "protocol": "tcp"}]}.
# As libcni does (and tests/integration/helpers.bash's cni_chain): each plugin gets its object
# + name + cniVersion, runtimeConfig for the capability it declares, and prevResult: on ADD
# the previous plugin's result, on DEL the cached ADD result (the chain's last result); DEL
# runs in reverse. Container ID = netns name = ID, /run/netns/ID, ifname eth0.
#
# The configs are put together with bash string operations only, so what is timed around
# chain_add / chain_del is the plugin execs (as a runtime, which builds them in-process).
#
# chain_netns NAME                 `ip netns add NAME`; with BENCH_CONTAINER_IPV6=0 also IPv6
#                                  off inside it (all + default), as Docker does for an
#                                  IPv4-only network: shows what the containers' own IPv6
#                                  multicast (router solicitations, MLD reports, flooded by the
#                                  bridge to every port) costs as containers add up
# chain_init IMPL BIN_DIR OCT PREFIX DATA_DIR  define the network of IMPL
# chain_add IMPL ID PORT OUT_DIR   ADD through the chain; the result is left in CHAIN_RESULT
#                                  and cached in OUT_DIR/ID.result. On a failure: returns 1
#                                  with "IMPL PLUGIN ADD ID failed: <output>" in CHAIN_ERROR
# chain_del IMPL ID PORT OUT_DIR   DEL in reverse with the cached OUT_DIR/ID.result as
#                                  prevResult (none when the ADD failed, as a runtime cleaning
#                                  up after it); same failure contract. OUT_DIR/ID.* are left
#                                  for the caller to remove (rm is a fork: not in timed code)
# chain_leftovers IMPL DATA_DIR    print what IMPL still holds (veth links on its bridge,
#                                  leases, published ports); empty when nothing

declare -A CHAIN_BIN CHAIN_BRCONF CHAIN_NAME CHAIN_BRIDGE
CHAIN_RESULT=
CHAIN_CONF=
CHAIN_IPMASQ=false
[[ ${BENCH_IPMASQ:-0} == 1 ]] && CHAIN_IPMASQ=true
CHAIN_ERROR=

CHAIN_IPV6=${BENCH_CONTAINER_IPV6:-1}
[[ $CHAIN_IPV6 == [01] ]] || bench_fail "BENCH_CONTAINER_IPV6 must be 0 or 1"

chain_netns() {
	ip netns add "$1"
	[[ $CHAIN_IPV6 == 0 ]] || return 0
	ip netns exec "$1" sh -c 'echo 1 >/proc/sys/net/ipv6/conf/all/disable_ipv6 &&
		echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6'
}

chain_init() {
	local impl=$1 bin=$2 oct=$3 prefix=$4 dir=$5
	CHAIN_BIN[$impl]=$bin
	CHAIN_NAME[$impl]=bench-$impl
	CHAIN_BRIDGE[$impl]=$prefix-$impl
	CHAIN_BRCONF[$impl]='{"type":"bridge","bridge":"'$prefix-$impl'","isGateway":true,'
	CHAIN_BRCONF[$impl]+='"ipMasq":'$CHAIN_IPMASQ',"hairpinMode":true,'
	CHAIN_BRCONF[$impl]+='"ipam":{"type":"host-local","dataDir":"'$dir'",'
	CHAIN_BRCONF[$impl]+='"ranges":[[{"subnet":"10.'$oct'.0.0/16"}]],"routes":[{"dst":"0.0.0.0/0"}]},'
	CHAIN_BRCONF[$impl]+='"cniVersion":"1.0.0","name":"bench-'$impl'"}'
}

# _chain_pmconf IMPL PORT PREV: portmap's config in CHAIN_CONF (no subshell)
_chain_pmconf() {
	CHAIN_CONF='{"type":"portmap","cniVersion":"1.0.0","name":"'${CHAIN_NAME[$1]}'",'
	CHAIN_CONF+='"runtimeConfig":{"portMappings":[{"hostPort":'$2',"containerPort":80,'
	CHAIN_CONF+='"protocol":"tcp"}]},"prevResult":'$3'}'
}

# _chain_exec IMPL PLUGIN CMD ID OUT_FILE CONFIG: one exec, stdout in OUT_FILE, stderr in
# OUT_FILE.err. Nothing here forks but the exec itself.
_chain_exec() {
	local bin=${CHAIN_BIN[$1]}
	if ! CNI_COMMAND=$3 CNI_CONTAINERID=$4 CNI_NETNS=/run/netns/$4 CNI_IFNAME=eth0 \
		CNI_PATH=$bin "$bin/$2" <<<"$6" >"$5" 2>"$5.err"; then
		CHAIN_ERROR="$1 $2 $3 $4 failed: $(cat "$5" "$5.err")"
		return 1
	fi
}

chain_add() {
	local impl=$1 id=$2 port=$3 out=$4 prev=''
	_chain_exec "$impl" bridge ADD "$id" "$out/$id.prev" "${CHAIN_BRCONF[$impl]}" || return 1
	IFS= read -r -d '' prev <"$out/$id.prev" || true
	_chain_pmconf "$impl" "$port" "$prev"
	_chain_exec "$impl" portmap ADD "$id" "$out/$id.result" "$CHAIN_CONF" || return 1
	IFS= read -r -d '' CHAIN_RESULT <"$out/$id.result" || true
}

chain_del() {
	local impl=$1 id=$2 port=$3 out=$4 prev=''
	[[ -f $out/$id.result ]] && { IFS= read -r -d '' prev <"$out/$id.result" || true; }
	_chain_pmconf "$impl" "$port" "${prev:-null}"
	[[ -n $prev ]] || CHAIN_CONF=${CHAIN_CONF%,\"prevResult\":null\}}\}
	_chain_exec "$impl" portmap DEL "$id" "$out/$id.del" "$CHAIN_CONF" || return 1
	_chain_exec "$impl" bridge DEL "$id" "$out/$id.del" \
		"${CHAIN_BRCONF[$impl]%\}}${prev:+,\"prevResult\":$prev}}"
}

chain_leftovers() {
	local impl=$1 dir=$2 n
	n=$(ip -j link show master "${CHAIN_BRIDGE[$impl]}" 2>/dev/null | jq length) || n=0
	((n == 0)) || echo "$n veth still on ${CHAIN_BRIDGE[$impl]}"
	n=$(find "$dir/${CHAIN_NAME[$impl]}" -name '10.*' 2>/dev/null | wc -l)
	((n == 0)) || echo "$n leases still in $dir/${CHAIN_NAME[$impl]}"
	if [[ $impl == cnet ]]; then # cnet: masq and portmap state are set/map elements
		n=$(nft -j list table inet cnet 2>/dev/null |
			jq '[.nftables[] | (.set // .map // empty) | (.elem // [])[]] | length') || n=0
	else # the reference: a masq and a portmap chain per container, named in comments
		n=$(iptables-save -t nat 2>/dev/null | grep -c -- "-A .*${CHAIN_NAME[$impl]}") || true
	fi
	((n == 0)) || echo "$n nat entries (masquerade, port mappings) still there"
}
