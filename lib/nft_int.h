/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared by lib/nft*.c only (never included elsewhere): the batch's insides, the set layout
 * computed from a struct cnet_nft_set, and cleanup shorthands for libnftnl objects.
 */
#ifndef CNET_NFT_INT_H
#define CNET_NFT_INT_H

#include <linux/netlink.h>
#include <linux/netfilter/nfnetlink.h>

#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>

#include "nft.h"

/* Since kernel 6.3; Debian 12's uapi headers (6.1) do not name it yet. */
#define CNET_NFT_MSG_DESTROYSETELEM 30

/* nft's enum byteorder, as written in NFTNL_UDATA_SET_{KEY,DATA}BYTEORDER. */
enum { NFT_BYTEORDER_INVALID, NFT_BYTEORDER_HOST, NFT_BYTEORDER_BIG };

/*
 * Room kept free at the tail of the batch buffer before a message is built: libnftnl's
 * builders write without bounds checks. Every message we build is far smaller (a rule is
 * capped at CNET_NFT_RULE_MAX_EXPRS expressions of bounded size, userdata at 256 bytes).
 */
#define CNET_NFT_MSG_ROOM 65536
#define CNET_NFT_RULE_MAX_EXPRS 128
#define CNET_NFT_WHAT_MAX 384

struct cnet_nft_msg {
	size_t off;      /* in batch->buf */
	uint32_t len;
	int ignore;      /* errno that means "already done": drop the message and resend */
	bool destroy;    /* NFT_MSG_DESTROY*: may be downgraded to NFT_MSG_DEL* (kernel < 6.3) */
	bool dropped;
	char what[CNET_NFT_WHAT_MAX];
};

struct cnet_nft_batch {
	char *buf;
	size_t len, cap;
	struct cnet_nft_msg *msgs;
	size_t n, cap_msgs;
	int failed;      /* index of the failed message in the last commit, -1 if none */
	uint32_t set_id; /* NFTA_SET_ID of the last set added (the kernel requires one) */
	unsigned rounds; /* transactions sent by the last commit */
};

/*
 * Start a message at the tail of the batch: nfnetlink header with type NFT_MSG_* (subsystem
 * added), family and NLM_F_* flags (NLM_F_REQUEST and NLM_F_ACK are always set). NULL when
 * out of memory.
 */
struct nlmsghdr *cnet_nft_msg_start(struct cnet_nft_batch *b, uint16_t type, uint8_t family,
				    uint16_t flags);
/* Close the message started last and describe it for error messages. Returns its index. */
int cnet_nft_msg_end(struct cnet_nft_batch *b, struct nlmsghdr *nlh, int ignore, bool destroy,
		     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Drop the messages from index n (at offset len) on: undo a call that failed half way. */
void cnet_nft_batch_truncate(struct cnet_nft_batch *b, size_t n, size_t len);

/* ---- socket ----------------------------------------------------------------------------- */

#define CNET_NFT_RECV_BUF 65536       /* a dump part is at most 32 KiB */
#define CNET_NFT_ACK_TIMEOUT_MS 5000  /* only when an ACK is missing after the batch ran */

struct mnl_socket;

struct cnet_nft {
	struct mnl_socket *nl;
	uint32_t portid;
	uint32_t seq;
	bool no_destroy;  /* the kernel does not know NFT_MSG_DESTROY* (or we were told so) */
	bool fake_old;    /* CNET_NFT_OPEN_TEST_OLD_KERNEL */
	char *buf;        /* CNET_NFT_RECV_BUF */
};

/* Reserve n consecutive sequence numbers; returns the first. */
uint32_t cnet_nft_next_seq(struct cnet_nft *nft, uint32_t n);
/* errno and extended-ack text (NLMSGERR_ATTR_MSG, "" if none) of an NLMSG_ERROR. */
void cnet_nft_parse_ack(const struct nlmsghdr *nlh, int *errnum, char *ext, size_t ext_size);
/* err = "<what>: <strerror>[ (kernel: <ext>)]", CNET_ERR_KERNEL; returns -errnum. */
int cnet_nft_fail(int errnum, const char *ext, struct cnet_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* ---- set layout -------------------------------------------------------------------------- */

/* The fields of a set's key or data and how they go on the wire. */
struct cnet_nft_layout {
	unsigned n;                          /* number of fields, 0 = none */
	uint32_t len;                        /* bytes on the wire */
	uint32_t type;                       /* NFTA_SET_{KEY,DATA}_TYPE */
	uint32_t byteorder;                  /* for the set userdata */
	uint8_t field_len[CNET_NFT_MAX_FIELDS]; /* unpadded, for NFTA_SET_DESC_CONCAT */
	enum cnet_nft_dtype types[CNET_NFT_MAX_FIELDS];
};

/* Compute the layout of a 0-terminated field list. -EINVAL (err filled) when invalid. */
int cnet_nft_layout(const enum cnet_nft_dtype *f, struct cnet_nft_layout *out, const char *what,
		    struct cnet_err *err);
/* Check k against the layout (field types, length); -EINVAL with err filled. */
int cnet_nft_key_check(const struct cnet_nft_key *k, const struct cnet_nft_layout *l,
		       const char *what, struct cnet_err *err);
/* Fill k from wire bytes laid out as l. -EINVAL when len does not match. */
int cnet_nft_key_from_wire(struct cnet_nft_key *k, const struct cnet_nft_layout *l,
			   const void *data, uint32_t len);
/* Add one to a big-endian value of len bytes; false when it wraps around (was all ones). */
bool cnet_nft_be_inc(uint8_t *v, uint32_t len);
/* "map" or "set", for messages. */
const char *cnet_nft_set_kind(const struct cnet_nft_set *s);

/* ---- cleanup shorthands for libnftnl objects ---------------------------------------------- */

static inline void nftnl_table_freep(struct nftnl_table **p)
{
	if (*p)
		nftnl_table_free(*p);
}
static inline void nftnl_chain_freep(struct nftnl_chain **p)
{
	if (*p)
		nftnl_chain_free(*p);
}
static inline void nftnl_set_freep(struct nftnl_set **p)
{
	if (*p)
		nftnl_set_free(*p);
}
static inline void nftnl_set_elem_freep(struct nftnl_set_elem **p)
{
	if (*p)
		nftnl_set_elem_free(*p);
}
static inline void nftnl_rule_freep(struct nftnl_rule **p)
{
	if (*p)
		nftnl_rule_free(*p);
}
static inline void nftnl_expr_freep(struct nftnl_expr **p)
{
	if (*p)
		nftnl_expr_free(*p);
}
static inline void nftnl_udata_buf_freep(struct nftnl_udata_buf **p)
{
	if (*p)
		nftnl_udata_buf_free(*p);
}
#define cleanup_nftnl_table __attribute__((cleanup(nftnl_table_freep)))
#define cleanup_nftnl_chain __attribute__((cleanup(nftnl_chain_freep)))
#define cleanup_nftnl_set __attribute__((cleanup(nftnl_set_freep)))
#define cleanup_nftnl_set_elem __attribute__((cleanup(nftnl_set_elem_freep)))
#define cleanup_nftnl_rule __attribute__((cleanup(nftnl_rule_freep)))
#define cleanup_nftnl_expr __attribute__((cleanup(nftnl_expr_freep)))
#define cleanup_nftnl_udata __attribute__((cleanup(nftnl_udata_buf_freep)))

#endif
