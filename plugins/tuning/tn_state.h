/* SPDX-License-Identifier: Apache-2.0 */
/*
 * tuning: the values an ADD replaced, kept until DEL puts them back. One file per attachment,
 * <dataDir>/<containerID>_<ifname>.json, in the reference's format (Go's json.MarshalIndent
 * with a one-space indent, keys in this order, absent ones omitted), so that either plugin's
 * DEL restores what the other's ADD changed:
 *
 *	{
 *	 "mac": "92:9f:81:ca:52:c1",
 *	 "promisc": false,
 *	 "mtu": 1500,
 *	 "allmulti": false,
 *	 "txQLen": 1000
 *	}
 *
 * Pure: encoding and decoding only.
 */
#ifndef TUNING_STATE_H
#define TUNING_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct tn_state {
	bool has_mac;
	uint8_t mac[6];
	bool has_promisc, promisc;
	unsigned mtu;                 /* 0 = not saved (the reference's omitempty) */
	bool has_allmulti, allmulti;
	bool has_txqlen;
	unsigned txqlen;
};

/* The file name: "<containerID>_<ifname>.json". -ENAMETOOLONG when it does not fit. */
int tn_state_name(char *buf, size_t len, const char *container_id, const char *ifname);

/* The file's text (malloc'd, no trailing newline, as the reference writes it). */
char *tn_state_encode(const struct tn_state *s);

/* Parse a state file's text. Code 6 when it is not the expected JSON. */
int tn_state_decode(const char *text, size_t len, struct tn_state *s, struct cnet_err *err);

#endif
