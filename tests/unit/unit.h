/* SPDX-License-Identifier: Apache-2.0 */
/* Helpers shared by the cmocka unit tests. Include after <cmocka.h>. */
#ifndef CNET_UNIT_H
#define CNET_UNIT_H

#include <ftw.h>
#include <jansson.h>
#include <stdio.h>

/* Parse a test's JSON literal; a typo in the test itself fails loudly. */
static inline json_t *load(const char *text)
{
	json_error_t jerr;
	json_t *o = json_loads(text, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		fail_msg("bad test JSON: %s: %s", jerr.text, text);
	return o;
}

static inline int unit_rm_entry(const char *path, const struct stat *sb, int flag,
				struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* rm -rf path (a test's temporary directory). */
static inline int rm_tree(const char *path)
{
	return nftw(path, unit_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
