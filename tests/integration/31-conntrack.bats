#!/usr/bin/env bats
# lib/conntrack.c on the real kernel, through tests/conntrack-probe (built by `make test-tools`).
#
# Two namespaces joined by a veth: A sends, B receives. An nft `ct state` rule in each makes
# conntrack track their traffic, so real UDP/TCP packets create the entries; the probe runs in
# B (`ip netns exec`), where it flushes B's table only. The observer is /proc/net/nf_conntrack
# of each namespace. SCTP entries (no SCTP sockets in this kernel) and bulk entries are made by
# the probe through ctnetlink.

load helpers

setup() {
	cnet_setup
	PROBE=${CNET_CT_PROBE:-$CNET_BIN/../tests/conntrack-probe}
	[ -x "$PROBE" ] || {
		echo "$PROBE not built: run make test-tools" >&2
		return 1
	}
	command -v socat >/dev/null || skip "socat (the traffic) not installed"
	command -v nft >/dev/null || skip "nft not installed"
	[ -r /proc/net/nf_conntrack ] || skip "no /proc/net/nf_conntrack (CONFIG_NF_CONNTRACK_PROCFS)"
	A=cta-$SUFFIX
	B=ctb-$SUFFIX
	make_ns "$A"
	make_ns "$B"
	ip -n "$A" link add eth0 type veth peer name eth0 netns "$B"
	ip -n "$A" addr add 10.99.0.1/24 dev eth0
	ip -n "$A" addr add fd99::1/64 dev eth0 nodad
	ip -n "$B" addr add 10.99.0.2/24 dev eth0
	ip -n "$B" addr add fd99::2/64 dev eth0 nodad
	ip -n "$A" link set eth0 up
	ip -n "$B" link set eth0 up
	local ns
	for ns in "$A" "$B"; do
		ns_exec "$ns" nft -f - <<-'EOF'
			table inet track {
				chain in { type filter hook input priority 0; ct state new counter; }
				chain out { type filter hook output priority 0; ct state new counter; }
			}
		EOF
		# unanswered UDP entries live 30 s by default: plenty, but not under a slow ASan run
		ns_exec "$ns" sysctl -qw net.netfilter.nf_conntrack_udp_timeout=600
	done
}

teardown() {
	cnet_teardown
}

probe() { ns_exec "$B" "$PROBE" "$@"; }

# ct_count NS 4|6 PROTO DPORT: entries of NS whose original tuple is PROTO to DPORT
ct_count() {
	ns_exec "$1" cat /proc/net/nf_conntrack | awk -v fam="ipv$2" -v proto="$3" -v dport="dport=$4" '
		$1 == fam && $3 == proto {
			for (i = 4; i <= NF; i++)
				if ($i ~ /^dport=/) { if ($i == dport) n++; break }
		}
		END { print n + 0 }'
}

# ct_total NS 4|6: all entries of that family in NS
ct_total() {
	ns_exec "$1" cat /proc/net/nf_conntrack |
		awk -v fam="ipv$2" '$1 == fam { n++ } END { print n + 0 }'
}

# ct_is NS 4|6 PROTO DPORT N: exactly N such entries (for wait_until)
ct_is() { [ "$(ct_count "$1" "$2" "$3" "$4")" -eq "$5" ]; }

# udp_send NS DST PORT SPORT...: one datagram to DST:PORT from each source port
udp_send() {
	local ns=$1 dst=$2 port=$3 to sport
	shift 3
	to=UDP4-SENDTO:$dst:$port
	[[ $dst == *:* ]] && to=UDP6-SENDTO:[$dst]:$port
	for sport in "$@"; do
		echo x | ns_exec "$ns" socat -u - "$to,sourceport=$sport"
	done
}

# ct_reply_sport NS SPORT DPORT: the reply tuple's source port of the IPv4 UDP entry
# SPORT -> DPORT, i.e. where the traffic really went ("" when there is no such entry)
ct_reply_sport() {
	ns_exec "$1" cat /proc/net/nf_conntrack | awk -v s="sport=$2" -v d="dport=$3" '
		$1 == "ipv4" && $3 == "udp" {
			k = 0
			for (i = 4; i <= NF; i++)
				if ($i ~ /^sport=/) ports[++k] = $i
			if (k >= 2 && ports[1] == s && $0 ~ (" " d " ")) { sub(/^sport=/, "", ports[2]); print ports[2] }
		}'
}

kernel_has_ct_filter() {
	[ "$(printf '%s\n5.8\n' "$(uname -r | cut -d- -f1)" | sort -V | head -n1)" = 5.8 ]
}

@test "conntrack: flushing a UDP port deletes exactly its entries, in the caller's namespace only" {
	udp_send "$A" 10.99.0.2 5353 40001 40002 40003
	udp_send "$A" 10.99.0.2 5354 40001 40002
	wait_until 5 ct_is "$B" 4 udp 5353 3
	wait_until 5 ct_is "$B" 4 udp 5354 2
	wait_until 5 ct_is "$A" 4 udp 5353 3

	run probe flush 4 udp 5353
	[ "$status" -eq 0 ]
	[ "$output" = 3 ]
	[ "$(ct_count "$B" 4 udp 5353)" -eq 0 ]
	[ "$(ct_count "$B" 4 udp 5354)" -eq 2 ]
	[ "$(ct_count "$A" 4 udp 5353)" -eq 3 ] # A's own entries for the same flows: not ours

	run probe flush 4 udp 5353 # nothing left: 0, not an error
	[ "$status" -eq 0 ]
	[ "$output" = 0 ]
	run probe flush 4 udp 5354
	[ "$output" = 2 ]
	[ "$(ct_count "$B" 4 udp 5354)" -eq 0 ]
}

@test "conntrack: IPv6 entries are flushed per family" {
	udp_send "$A" fd99::2 5353 40001 40002
	udp_send "$A" fd99::2 5354 40001
	udp_send "$A" 10.99.0.2 5353 40001
	wait_until 5 ct_is "$B" 6 udp 5353 2
	wait_until 5 ct_is "$B" 6 udp 5354 1
	wait_until 5 ct_is "$B" 4 udp 5353 1

	run probe flush 6 udp 5353
	[ "$status" -eq 0 ]
	[ "$output" = 2 ]
	[ "$(ct_count "$B" 6 udp 5353)" -eq 0 ]
	[ "$(ct_count "$B" 6 udp 5354)" -eq 1 ]
	[ "$(ct_count "$B" 4 udp 5353)" -eq 1 ] # same port, other family: untouched

	run probe flush 6 udp 5353
	[ "$output" = 0 ]
	run probe flush 4 udp 5353
	[ "$output" = 1 ]
	[ "$(ct_count "$B" 6 udp 5354)" -eq 1 ]
}

@test "conntrack: the protocol is part of the match (a TCP connection to the same port stays)" {
	ns_exec "$B" socat -u TCP4-LISTEN:5353,reuseaddr OPEN:/dev/null &
	track_pid $!
	wait_until 5 bash -c "ip netns exec $B ss -Hltn 'sport = :5353' | grep -q ."
	echo x | ns_exec "$A" socat -u - TCP4:10.99.0.2:5353
	udp_send "$A" 10.99.0.2 5353 40001
	wait_until 5 ct_is "$B" 4 tcp 5353 1
	wait_until 5 ct_is "$B" 4 udp 5353 1

	run probe flush 4 udp 5353
	[ "$output" = 1 ]
	[ "$(ct_count "$B" 4 tcp 5353)" -eq 1 ]
	run probe flush 4 tcp 5353
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	[ "$(ct_count "$B" 4 tcp 5353)" -eq 0 ]
}

@test "conntrack: SCTP ports are compared here (the kernel filters SCTP by protocol only)" {
	probe create 4 sctp 10.99.0.1 40001 10.99.0.2 5353 2
	probe create 4 sctp 10.99.0.1 40001 10.99.0.2 7777 3
	probe create 4 udp 10.99.0.1 40001 10.99.0.2 5353 1
	[ "$(ct_count "$B" 4 sctp 5353)" -eq 2 ]

	run probe flush --stats 4 sctp 5353
	[ "$status" -eq 0 ]
	[[ "$output" == "deleted 2 matched 2 dumped "* ]]
	[ "$(ct_count "$B" 4 sctp 5353)" -eq 0 ]
	[ "$(ct_count "$B" 4 sctp 7777)" -eq 3 ]
	[ "$(ct_count "$B" 4 udp 5353)" -eq 1 ]
	run probe flush 4 sctp 5353
	[ "$output" = 0 ]
}

@test "conntrack: the kernel filters the dump; without its filter the result is the same" {
	# more entries than one sendmsg of deletes (64) and than one dump message (32 KiB)
	probe create 4 udp 10.99.0.1 20000 10.99.0.2 5353 150
	probe create 4 udp 10.99.0.1 20000 10.99.0.2 5354 150
	probe create 6 udp fd99::1 20000 fd99::2 5353 10
	[ "$(ct_count "$B" 4 udp 5353)" -eq 150 ]

	run probe flush --stats 4 udp 5353
	[ "$status" -eq 0 ]
	if kernel_has_ct_filter; then
		[ "$output" = "deleted 150 matched 150 dumped 150 dumps 1 filter kernel" ]
	else
		[[ "$output" == "deleted 150 matched 150 "* ]]
	fi
	[ "$(ct_count "$B" 4 udp 5353)" -eq 0 ]

	local all
	all=$(ct_total "$B" 4)
	run probe flush --stats --user-filter 4 udp 5354
	[ "$status" -eq 0 ]
	[ "$output" = "deleted 150 matched 150 dumped $all dumps 1 filter user" ]
	[ "$(ct_count "$B" 4 udp 5354)" -eq 0 ]
	[ "$(ct_count "$B" 6 udp 5353)" -eq 10 ]
}

@test "conntrack: a kernel that rejects the filter gets the dump again without it" {
	kernel_has_ct_filter || skip "kernel $(uname -r) has no CTA_FILTER to reject anything"
	udp_send "$A" fd99::2 5353 40001 40002
	udp_send "$A" fd99::2 5354 40001
	wait_until 5 ct_is "$B" 6 udp 5353 2
	wait_until 5 ct_is "$B" 6 udp 5354 1
	local all
	all=$(ct_total "$B" 6)

	run probe flush --bad-filter --stats 6 udp 5353
	[ "$status" -eq 0 ]
	[ "$output" = "deleted 2 matched 2 dumped $all dumps 2 filter user" ]
	[ "$(ct_count "$B" 6 udp 5353)" -eq 0 ]
	[ "$(ct_count "$B" 6 udp 5354)" -eq 1 ]
}

@test "conntrack: entries in other conntrack zones are deleted too" {
	ns_exec "$B" nft -f - <<-'EOF'
		table inet zone {
			chain pre { type filter hook prerouting priority raw; udp dport 5355 ct zone set 7; }
		}
	EOF
	udp_send "$A" 10.99.0.2 5355 40001 40002
	probe create 6 udp fd99::1 40001 fd99::2 5355 1 9
	wait_until 5 ct_is "$B" 4 udp 5355 2
	ns_exec "$B" grep -q 'dport=5355 .* zone=7 ' /proc/net/nf_conntrack
	ns_exec "$B" grep -q 'dport=5355 .* zone=9 ' /proc/net/nf_conntrack

	run probe flush 4 udp 5355
	[ "$output" = 2 ]
	run probe flush 6 udp 5355
	[ "$output" = 1 ]
	run ns_exec "$B" grep 'dport=5355 ' /proc/net/nf_conntrack
	[ "$status" -eq 1 ]
}

@test "conntrack: after a flush the next datagram goes through the new rules (plugins#123)" {
	udp_send "$A" 10.99.0.2 5353 40001
	wait_until 5 ct_is "$B" 4 udp 5353 1
	[ "$(ct_reply_sport "$B" 40001 5353)" = 5353 ]
	# "publish" the port: a DNAT rule that did not exist when the flow started
	ns_exec "$B" nft -f - <<-'EOF'
		table ip pub {
			chain pre { type nat hook prerouting priority dstnat; udp dport 5353 dnat to 10.99.0.2:5354; }
		}
	EOF
	udp_send "$A" 10.99.0.2 5353 40001
	[ "$(ct_reply_sport "$B" 40001 5353)" = 5353 ] # the old entry still steers the flow

	run probe flush 4 udp 5353
	[ "$output" = 1 ]
	udp_send "$A" 10.99.0.2 5353 40001
	wait_until 5 ct_is "$B" 4 udp 5353 1
	[ "$(ct_reply_sport "$B" 40001 5353)" = 5354 ] # re-tracked, and DNATed now
}

@test "conntrack: errors name the request; a bad argument never reaches the kernel" {
	probe create 4 udp 10.99.0.1 40001 10.99.0.2 5353 1
	# no CAP_NET_ADMIN over B's namespace from a fresh user namespace
	run ns_exec "$B" unshare -U "$PROBE" flush 4 udp 5353
	[ "$status" -eq 1 ] # EPERM
	[[ "$output" == *"dump conntrack table (ipv4 udp dport 5353): Operation not permitted"* ]]
	[ "$(ct_count "$B" 4 udp 5353)" -eq 1 ]

	run probe flush 4 udp 0
	[ "$status" -eq 22 ]
	[[ "$output" == *"flush conntrack entries: port 0"* ]]
	[ "$(ct_count "$B" 4 udp 5353)" -eq 1 ]
}
