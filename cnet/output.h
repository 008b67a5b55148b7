/* SPDX-License-Identifier: Apache-2.0 */
/* What `cnet` prints: aligned tables (columns two spaces apart, no trailing blanks) and JSON
 * (two-space indent, keys in the order they were set, a final newline). */
#ifndef CNET_OUTPUT_H
#define CNET_OUTPUT_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>

#include "ipaddr.h"

struct table {
	size_t ncols, nrows;
	char **cells;   /* nrows * ncols copies; row 0 is the header */
};

/* A table with ncols columns and its header row. Returns 0 or -ENOMEM. */
int table_init(struct table *t, size_t ncols, const char *const *header);
/* Append a row of ncols cells (NULL prints as ""). */
int table_add(struct table *t, const char *const *cells);
void table_print(const struct table *t, FILE *f);
void table_free(struct table *t);
#define cleanup_table __attribute__((cleanup(table_free)))

/* Print v on f: indented JSON and a newline. Returns 0 or -EIO. */
int output_json(const json_t *v, FILE *f);

/* "a,b,c" of the formatted prefixes; buf of len bytes (truncated with "..."). */
const char *output_join_subnets(const struct ipnet *v, size_t n, char *buf, size_t len);

#endif
