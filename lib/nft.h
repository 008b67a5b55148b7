/* SPDX-License-Identifier: Apache-2.0 */
/*
 * nftables through libnftnl + libmnl: every change is one atomic batch.
 *
 * libnftnl and libmnl stay inside lib/nft*.c: callers see only the types below and the kernel's
 * uapi constants (NFPROTO_*, NF_INET_*, NFT_REG_*, NFT_META_*, NFT_CT_*, NFT_CMP_*, NFT_JUMP ...).
 *
 *	cleanup_nft_batch struct cnet_nft_batch *b = cnet_nft_batch_new();
 *	cnet_nft_elem_add(b, &hostports4, elems, n, CNET_NFT_EXCL, err);   // "create element"
 *	r = cnet_nft_commit(nft, b, err);    // one sendmsg, every ACK read
 *	if (r == -EEXIST) ... cnet_nft_batch_failed(b) says which message (the host port taken)
 *
 * A batch holds any number of messages (tables, chains, sets, rules, elements; add or delete).
 * Each add function appends one message per object (one per element, so a failure names the
 * element) and returns the index of its first message, or a negative errno with err filled
 * (a bad argument: CNI_ERR_INTERNAL). Nothing reaches the kernel before cnet_nft_commit(),
 * which sends NFNL_MSG_BATCH_BEGIN, the messages (each with NLM_F_ACK) and NFNL_MSG_BATCH_END
 * in one sendmsg and reads every acknowledgement. The kernel applies all of it or none of it.
 *
 * Errors: negative errno of the first message that failed, and err filled with CNET_ERR_KERNEL
 * and a message naming the object and the kernel's extended-ack text when it sent one:
 *	add element tcp . 8080 to map "hostports4" in table inet cnet: File exists
 *
 * Idempotent deletes (CNET_NFT_IGNORE_ABSENT): a failed message aborts the whole nftables
 * transaction, so "delete, and absent is fine" cannot simply ignore an error ACK. Instead:
 *  - an element delete is sent as NFT_MSG_DESTROYSETELEM (kernel >= 6.3), which skips absent
 *    elements inside the kernel: one round trip, nothing to retry;
 *  - when the kernel answers a message flagged IGNORE_ABSENT with ENOENT (the set or table
 *    itself is gone, or a table/chain/set/rule delete of a missing object), commit drops those
 *    messages and sends the rest again as a new batch (the failed one changed nothing);
 *  - a kernel without DESTROY (< 6.3 answers EINVAL/EOPNOTSUPP) gets the same messages as
 *    NFT_MSG_DELSETELEM, and the absent ones are dropped as above. The socket remembers this.
 * So a DEL is one round trip on a kernel with DESTROY, whatever is absent; on an older kernel
 * the first commit of a socket spends one more finding that out, and absent elements one more.
 * Every round is a whole transaction: what is finally committed is still all or nothing.
 *
 * Sets are described once by a struct cnet_nft_set (family, table, name, key and data field
 * types) and that description is passed to every element call: keys are built field by field
 * (cnet_nft_key_*), checked against the set's types, padded as nft pads them (each field of a
 * concatenation to 4 bytes), and the set carries the userdata nft 1.0.6 writes, so that
 * `nft list ruleset` shows `type inet_proto . inet_service : ipv4_addr . inet_service` and each
 * element's comment.
 */
#ifndef CNET_NFT_H
#define CNET_NFT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include <netinet/in.h> /* before the linux/ headers, which then skip their in.h copies */
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

#include "err.h"
#include "ipaddr.h"

/* ---- socket ------------------------------------------------------------------------------ */

struct cnet_nft;

enum cnet_nft_open_flags {
	/* Never send NFT_MSG_DESTROY*: behave as once a kernel < 6.3 has been detected. */
	CNET_NFT_OPEN_NO_DESTROY = 1 << 0,
	/* Tests only: send DESTROY as a message type no kernel knows, so this kernel answers as
	 * one < 6.3 does (EINVAL) and the detection and fallback run. */
	CNET_NFT_OPEN_TEST_OLD_KERNEL = 1 << 1,
};

/* Open a NETLINK_NETFILTER socket inside netns_fd (or the current namespace when < 0). */
int cnet_nft_open(struct cnet_nft **out, int netns_fd, unsigned flags, struct cnet_err *err);
void cnet_nft_close(struct cnet_nft *nft);
static inline void cnet_nft_closep(struct cnet_nft **nft)
{
	if (*nft)
		cnet_nft_close(*nft);
}
#define cleanup_nft __attribute__((cleanup(cnet_nft_closep)))

/* ---- batch ------------------------------------------------------------------------------- */

struct cnet_nft_batch;

struct cnet_nft_batch *cnet_nft_batch_new(void); /* NULL when out of memory */
void cnet_nft_batch_free(struct cnet_nft_batch *b);
static inline void cnet_nft_batch_freep(struct cnet_nft_batch **b)
{
	if (*b)
		cnet_nft_batch_free(*b);
}
#define cleanup_nft_batch __attribute__((cleanup(cnet_nft_batch_freep)))

/* Number of messages added (excluding the batch begin/end framing). */
size_t cnet_nft_batch_count(const struct cnet_nft_batch *b);

/*
 * Send the batch as one transaction and read every ACK. 0 when the kernel applied all of it
 * (messages dropped under CNET_NFT_IGNORE_ABSENT count as applied). On failure nothing was
 * applied; the result is -errno of the first failing message (by batch order), or of the
 * batch itself (e.g. -EPERM without CAP_NET_ADMIN), with err filled. The batch stays
 * intact and may be committed again.
 */
int cnet_nft_commit(struct cnet_nft *nft, struct cnet_nft_batch *b, struct cnet_err *err);

/* Index of the message that failed in the last commit (as returned by the add functions),
 * -1 when none did or the failure was the batch's own. */
int cnet_nft_batch_failed(const struct cnet_nft_batch *b);

/* How many transactions the last commit sent: 1, or more when messages were dropped under
 * CNET_NFT_IGNORE_ABSENT or DESTROY was downgraded (see the top of this file). */
unsigned cnet_nft_batch_rounds(const struct cnet_nft_batch *b);

/*
 * The wire form commit sends: BATCH_BEGIN (sequence number seq), the messages that are not
 * dropped (seq + 1, seq + 2, ...) and BATCH_END. *buf is malloc'd. For tests and debugging.
 */
int cnet_nft_batch_render(struct cnet_nft_batch *b, uint32_t seq, void **buf, size_t *len);

/* Message flags for the add/delete functions below. */
enum cnet_nft_flags {
	CNET_NFT_EXCL = 1 << 0,          /* add: fail with EEXIST when it exists ("create") */
	CNET_NFT_IGNORE_ABSENT = 1 << 1, /* delete: absent (or its set/table absent) is success */
};

/* ---- tables and chains ------------------------------------------------------------------- */

/* Family names as nft prints them: "ip", "ip6", "inet", "arp", "bridge", "netdev". */
const char *cnet_nft_family_name(uint8_t family);

/* Without CNET_NFT_EXCL an existing table/chain/set is left as it is ("add", not "create"). */
int cnet_nft_table_add(struct cnet_nft_batch *b, uint8_t family, const char *name, unsigned flags,
		       struct cnet_err *err);
/* Deletes the table and everything in it. */
int cnet_nft_table_del(struct cnet_nft_batch *b, uint8_t family, const char *name, unsigned flags,
		       struct cnet_err *err);

struct cnet_nft_chain {
	uint8_t family;    /* NFPROTO_INET, NFPROTO_IPV4, ... */
	const char *table;
	const char *name;
	const char *type;  /* base chain: "filter", "nat" or "route"; NULL: a regular chain */
	uint32_t hook;     /* NF_INET_PRE_ROUTING, NF_INET_FORWARD, ... */
	int32_t prio;      /* e.g. -100 (dstnat), 100 (srcnat), 0 (filter) */
	bool policy_drop;  /* base chain policy: drop (default accept) */
};

int cnet_nft_chain_add(struct cnet_nft_batch *b, const struct cnet_nft_chain *c, unsigned flags,
		       struct cnet_err *err);
/* The chain must be empty and unreferenced; flush it first, in the same batch. */
int cnet_nft_chain_del(struct cnet_nft_batch *b, uint8_t family, const char *table,
		       const char *chain, unsigned flags, struct cnet_err *err);
/* Delete every rule in the chain. */
int cnet_nft_chain_flush(struct cnet_nft_batch *b, uint8_t family, const char *table,
			 const char *chain, struct cnet_err *err);

/* ---- data types and keys ----------------------------------------------------------------- */

/* nft's datatype ids (nftables src/datatype.h enum datatypes): the kernel stores them for nft
 * to print with; concatenations combine them 6 bits apiece. */
enum cnet_nft_dtype {
	CNET_NFT_VERDICT = 1,      /* map data only */
	CNET_NFT_IPV4_ADDR = 7,    /* 4 bytes, network order */
	CNET_NFT_IPV6_ADDR = 8,    /* 16 bytes, network order */
	CNET_NFT_ETHER_ADDR = 9,   /* 6 bytes */
	CNET_NFT_INET_PROTO = 12,  /* 1 byte (IPPROTO_TCP ...) */
	CNET_NFT_INET_SERVICE = 13, /* 2 bytes, network order */
	CNET_NFT_MARK = 19,        /* 4 bytes, host order */
	CNET_NFT_IFNAME = 41,      /* 16 bytes, NUL padded */
};

#define CNET_NFT_MAX_FIELDS 5  /* 5 x 6 bits of type id fit in 32 */
#define CNET_NFT_KEY_MAX 64    /* NFT_DATA_VALUE_MAXLEN */
#define CNET_NFT_COMMENT_MAX 128 /* nft's limit (NFTNL_UDATA_COMMENT_MAXLEN), without the NUL */

/* nft's name of a type ("ipv4_addr"), "" for an unknown one. */
const char *cnet_nft_dtype_name(enum cnet_nft_dtype t);

/*
 * A key (or map value) built field by field: each field is padded to 4 bytes as in a
 * concatenation; a single-field key is sent unpadded where the set says so. Start from
 * `struct cnet_nft_key k = {0};`. A field that does not fit marks the key bad, which the
 * element functions report.
 */
struct cnet_nft_key {
	uint8_t nfields;
	bool bad;
	uint8_t len;                           /* bytes used */
	uint8_t types[CNET_NFT_MAX_FIELDS];    /* enum cnet_nft_dtype */
	uint8_t data[CNET_NFT_KEY_MAX];
};

void cnet_nft_key_addr(struct cnet_nft_key *k, const struct ipaddr *ip); /* ipv4_addr/ipv6_addr */
void cnet_nft_key_proto(struct cnet_nft_key *k, uint8_t proto);          /* inet_proto */
void cnet_nft_key_port(struct cnet_nft_key *k, uint16_t port);           /* inet_service */
void cnet_nft_key_ifname(struct cnet_nft_key *k, const char *name);      /* ifname */
void cnet_nft_key_ether(struct cnet_nft_key *k, const uint8_t mac[6]);   /* ether_addr */
void cnet_nft_key_mark(struct cnet_nft_key *k, uint32_t mark);           /* mark */
/* A prefix as an interval: its first address to start, its last to end. */
void cnet_nft_key_prefix(struct cnet_nft_key *start, struct cnet_nft_key *end,
			 const struct ipnet *net);

/* Read field i back; -EINVAL when i is out of range or of another type. */
int cnet_nft_key_get_addr(const struct cnet_nft_key *k, unsigned i, struct ipaddr *out);
int cnet_nft_key_get_proto(const struct cnet_nft_key *k, unsigned i, uint8_t *out);
int cnet_nft_key_get_port(const struct cnet_nft_key *k, unsigned i, uint16_t *out);
int cnet_nft_key_get_ifname(const struct cnet_nft_key *k, unsigned i, char out[IF_NAMESIZE]);
int cnet_nft_key_get_ether(const struct cnet_nft_key *k, unsigned i, uint8_t out[6]);
int cnet_nft_key_get_mark(const struct cnet_nft_key *k, unsigned i, uint32_t *out);

/* Format as nft prints it: `tcp . 8080`, `10.88.0.5 . 80`, `"br0" . "eth0"`. Returns buf. */
const char *cnet_nft_key_format(const struct cnet_nft_key *k, char *buf, size_t size);

/* ---- sets and maps ----------------------------------------------------------------------- */

enum cnet_nft_set_flags {
	CNET_NFT_SET_INTERVAL = NFT_SET_INTERVAL, /* elements are ranges (prefixes) */
	CNET_NFT_SET_TIMEOUT = NFT_SET_TIMEOUT,   /* elements may expire */
};

/*
 * A set, or a map when data[0] is set. Field lists end at the first 0:
 *	{ .family = NFPROTO_INET, .table = "cnet", .name = "hostports4",
 *	  .key = { CNET_NFT_INET_PROTO, CNET_NFT_INET_SERVICE },
 *	  .data = { CNET_NFT_IPV4_ADDR, CNET_NFT_INET_SERVICE } }
 * A verdict map has .data = { CNET_NFT_VERDICT }. NFT_SET_MAP, NFT_SET_CONCAT and the
 * concatenation's field description are derived.
 */
struct cnet_nft_set {
	uint8_t family;
	const char *table;
	const char *name;
	enum cnet_nft_dtype key[CNET_NFT_MAX_FIELDS];
	enum cnet_nft_dtype data[CNET_NFT_MAX_FIELDS];
	uint32_t flags;       /* enum cnet_nft_set_flags */
	uint64_t timeout_ms;  /* default element timeout (CNET_NFT_SET_TIMEOUT), 0 = none */
	const char *comment;  /* NULL = none */
};

int cnet_nft_set_add(struct cnet_nft_batch *b, const struct cnet_nft_set *s, unsigned flags,
		     struct cnet_err *err);
/* The set must be unreferenced by rules. */
int cnet_nft_set_del(struct cnet_nft_batch *b, const struct cnet_nft_set *s, unsigned flags,
		     struct cnet_err *err);
/* Delete every element. */
int cnet_nft_set_flush(struct cnet_nft_batch *b, const struct cnet_nft_set *s,
		       struct cnet_err *err);

/* ---- elements ---------------------------------------------------------------------------- */

struct cnet_nft_elem {
	struct cnet_nft_key key;
	/* Interval sets: the last value of the range, inclusive (nfields 0: just key). */
	struct cnet_nft_key key_end;
	/* Maps: the value. */
	struct cnet_nft_key data;
	/* Verdict maps: NF_ACCEPT, NF_DROP (0), NFT_JUMP or NFT_GOTO (to chain), NFT_RETURN. */
	int verdict;
	const char *chain;
	const char *comment;  /* the owner; shown by `nft list`; NULL = none */
	uint64_t timeout_ms;  /* sets with CNET_NFT_SET_TIMEOUT: 0 = the set's default */
};

/*
 * One message per element (a failure names the element). With CNET_NFT_EXCL ("create
 * element") an existing key fails the batch with EEXIST: the conflict detection for host ports
 * (look the element up with cnet_nft_elem_get() to see whose it is: a retried ADD of the same
 * owner conflicts with itself too). Without it, re-adding the same key with the same value is
 * a silent no-op that keeps the old comment, and with another value EEXIST.
 */
int cnet_nft_elem_add(struct cnet_nft_batch *b, const struct cnet_nft_set *s,
		      const struct cnet_nft_elem *elems, size_t n, unsigned flags,
		      struct cnet_err *err);
/* Only key (and key_end for intervals) is used. See the top of this file for IGNORE_ABSENT. */
int cnet_nft_elem_del(struct cnet_nft_batch *b, const struct cnet_nft_set *s,
		      const struct cnet_nft_elem *elems, size_t n, unsigned flags,
		      struct cnet_err *err);

/* ---- rules: an expression builder -------------------------------------------------------- */

/*
 * Registers: NFT_REG_1..NFT_REG_4 are 16 bytes each; NFT_REG32_00..NFT_REG32_15 4 bytes each
 * and alias them (NFT_REG_1 = NFT_REG32_00..03). A concatenation is loaded into consecutive
 * 4-byte registers, one field each, as nft does: `meta l4proto . th dport` is
 * meta(L4PROTO -> NFT_REG_1), payload(transport, 2, 2 -> NFT_REG32_01).
 *
 * Builder calls never fail on their own: the first problem (out of memory, a value too long,
 * too many expressions) is kept and reported by cnet_nft_rule_add().
 */
struct cnet_nft_rule;

struct cnet_nft_rule *cnet_nft_rule_new(uint8_t family, const char *table, const char *chain);
void cnet_nft_rule_free(struct cnet_nft_rule *r);
static inline void cnet_nft_rule_freep(struct cnet_nft_rule **r)
{
	if (*r)
		cnet_nft_rule_free(*r);
}
#define cleanup_nft_rule __attribute__((cleanup(cnet_nft_rule_freep)))

/* `comment "..."` (rule userdata, as nft writes it). */
void cnet_nft_rule_comment(struct cnet_nft_rule *r, const char *comment);

/* payload load: base NFT_PAYLOAD_{LL,NETWORK,TRANSPORT}_HEADER, offset and len in bytes. */
void cnet_nft_rule_payload(struct cnet_nft_rule *r, uint32_t base, uint32_t offset, uint32_t len,
			   uint32_t dreg);
/* meta load: NFT_META_L4PROTO, NFT_META_IIFNAME, NFT_META_OIFNAME, NFT_META_MARK, NFT_META_NFPROTO */
void cnet_nft_rule_meta(struct cnet_nft_rule *r, uint32_t key, uint32_t dreg);
/* meta set (e.g. NFT_META_MARK from sreg). */
void cnet_nft_rule_meta_set(struct cnet_nft_rule *r, uint32_t key, uint32_t sreg);
/* ct load: NFT_CT_STATE, NFT_CT_STATUS, NFT_CT_MARK (no direction). */
void cnet_nft_rule_ct(struct cnet_nft_rule *r, uint32_t key, uint32_t dreg);
/* fib: flags NFTA_FIB_F_DADDR|..., result NFT_FIB_RESULT_ADDRTYPE (compare with RTN_LOCAL, 4
 * bytes host order) or NFT_FIB_RESULT_OIF. */
void cnet_nft_rule_fib(struct cnet_nft_rule *r, uint32_t flags, uint32_t result, uint32_t dreg);
/* cmp: NFT_CMP_EQ, NFT_CMP_NEQ, NFT_CMP_LT, ... data is compared bytewise as given. */
void cnet_nft_rule_cmp(struct cnet_nft_rule *r, uint32_t sreg, uint32_t op, const void *data,
		       uint32_t len);
/* bitwise: dreg = (sreg & mask) ^ xor over len bytes. */
void cnet_nft_rule_bitwise(struct cnet_nft_rule *r, uint32_t sreg, uint32_t dreg, uint32_t len,
			   const void *mask, const void *xor);
/* lookup: is the value starting at sreg in the named set (invert: "not in")? */
void cnet_nft_rule_lookup(struct cnet_nft_rule *r, uint32_t sreg, const char *set, bool invert);
/* map: look the value starting at sreg up in the named map and load its value into dreg;
 * dreg NFT_REG_VERDICT for a verdict map (`vmap`). No match: the rule stops there. */
void cnet_nft_rule_map(struct cnet_nft_rule *r, uint32_t sreg, const char *map, uint32_t dreg);
/* immediate verdict: NF_ACCEPT, NF_DROP, NFT_RETURN, NFT_JUMP/NFT_GOTO with chain. */
void cnet_nft_rule_verdict(struct cnet_nft_rule *r, int verdict, const char *chain);
/* immediate data into dreg. */
void cnet_nft_rule_immediate(struct cnet_nft_rule *r, uint32_t dreg, const void *data,
			     uint32_t len);
/* nat: type NFT_NAT_DNAT/NFT_NAT_SNAT, nfproto NFPROTO_IPV4/IPV6, address and port taken from
 * registers (0 = not given), flags NF_NAT_RANGE_* (0 usually). */
void cnet_nft_rule_nat(struct cnet_nft_rule *r, uint32_t type, uint8_t nfproto, uint32_t reg_addr,
		       uint32_t reg_proto, uint32_t flags);
void cnet_nft_rule_masq(struct cnet_nft_rule *r, uint32_t flags);
void cnet_nft_rule_counter(struct cnet_nft_rule *r);
/*
 * An x_tables match through nft_compat (`match name conntrack rev 3`), info being the
 * extension's struct (of XT_ALIGN()ed length, as the kernel checks). Only for rules in the
 * tables iptables-nft owns: iptables can print a rule only in the form it writes itself, and
 * it writes `-m conntrack` this way (a native `ct state` makes it call the whole table
 * incompatible).
 */
void cnet_nft_rule_xt_match(struct cnet_nft_rule *r, const char *name, uint32_t rev,
			    const void *info, uint32_t len);

/* Append the rule to its chain. The rule is copied into the batch: free it (or reuse it). */
int cnet_nft_rule_add(struct cnet_nft_batch *b, const struct cnet_nft_rule *r,
		      struct cnet_err *err);
/* Insert the rule at the top of its chain (`nft insert rule`, `iptables -I CHAIN 1`). */
int cnet_nft_rule_insert(struct cnet_nft_batch *b, const struct cnet_nft_rule *r,
			 struct cnet_err *err);
/* Delete one rule by its handle (as `nft -a list` shows). */
int cnet_nft_rule_del(struct cnet_nft_batch *b, uint8_t family, const char *table,
		      const char *chain, uint64_t handle, unsigned flags, struct cnet_err *err);

/* ---- queries (one request each, outside any batch) ---------------------------------------- */

/* 1 when the table exists, 0 when not, negative errno (err filled) on failure. */
int cnet_nft_table_exists(struct cnet_nft *nft, uint8_t family, const char *name,
			  struct cnet_err *err);
/* 1 / 0 / negative errno: the set named by s (type not compared). */
int cnet_nft_set_exists(struct cnet_nft *nft, const struct cnet_nft_set *s, struct cnet_err *err);
/* 1 / 0 / negative errno: the chain (0 also when its table does not exist). */
int cnet_nft_chain_exists(struct cnet_nft *nft, uint8_t family, const char *table,
			  const char *chain, struct cnet_err *err);

/* A rule as read back: enough to find cnet's own rules in a chain and delete them. */
struct cnet_nft_rule_info {
	uint64_t handle;
	unsigned nexprs;
	/* "" when none: the rule's userdata comment (nft's), else the text of an x_tables
	 * comment match (iptables-nft's `-m comment`) */
	char comment[CNET_NFT_COMMENT_MAX + 1];
	int verdict;                            /* of the last immediate verdict; 0 when none */
	char target[NFT_CHAIN_MAXNAMELEN];      /* its chain, for NFT_JUMP / NFT_GOTO */
};
/*
 * Call cb for every rule of the chain, in order (one GETRULE dump). cb returns 0 to go on,
 * anything else stops the walk and is returned. -ENOENT (err untouched) when the chain or its
 * table does not exist.
 */
int cnet_nft_rule_list(struct cnet_nft *nft, uint8_t family, const char *table, const char *chain,
		       int (*cb)(const struct cnet_nft_rule_info *r, void *arg), void *arg,
		       struct cnet_err *err);

/* An element as read back: elem.comment and elem.chain point into the buffers below (so a
 * plain struct copy still points into the original). */
struct cnet_nft_elem_info {
	struct cnet_nft_elem elem;
	uint64_t expires_ms;  /* time left, sets with timeouts */
	char comment[CNET_NFT_COMMENT_MAX + 1];
	char chain[NFT_CHAIN_MAXNAMELEN];
};

/*
 * Call cb for every element of the set (one GETSETELEM dump). Keys and data are typed from s;
 * in an interval set each range is reported once with key..key_end. cb returns 0 to go on,
 * anything else stops the walk and is returned. -ENOENT (err untouched) when the set or its
 * table does not exist.
 */
int cnet_nft_elem_list(struct cnet_nft *nft, const struct cnet_nft_set *s,
		       int (*cb)(const struct cnet_nft_elem_info *e, void *arg), void *arg,
		       struct cnet_err *err);

/* Look one element up by exact key (sets and maps without intervals). -ENOENT (err untouched)
 * when it, the set or the table does not exist. */
int cnet_nft_elem_get(struct cnet_nft *nft, const struct cnet_nft_set *s,
		      const struct cnet_nft_key *key, struct cnet_nft_elem_info *out,
		      struct cnet_err *err);

#endif
