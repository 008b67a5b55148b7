// SPDX-License-Identifier: Apache-2.0
/* Aligned tables and JSON for `cnet`'s output. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"

int table_init(struct table *t, size_t ncols, const char *const *header)
{
	t->ncols = ncols;
	t->nrows = 0;
	t->cells = NULL;
	return table_add(t, header);
}

int table_add(struct table *t, const char *const *cells)
{
	char **v = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof(*v));

	if (!v)
		return -ENOMEM;
	t->cells = v;
	char **row = &v[t->nrows * t->ncols];
	for (size_t c = 0; c < t->ncols; c++)
		row[c] = strdup(cells[c] ? cells[c] : "");
	t->nrows++;
	for (size_t c = 0; c < t->ncols; c++)
		if (!row[c])
			return -ENOMEM;
	return 0;
}

void table_print(const struct table *t, FILE *f)
{
	size_t width[16] = { 0 };
	size_t ncols = t->ncols < 16 ? t->ncols : 16;

	for (size_t r = 0; r < t->nrows; r++)
		for (size_t c = 0; c < ncols; c++) {
			size_t w = strlen(t->cells[r * t->ncols + c]);
			if (w > width[c])
				width[c] = w;
		}
	for (size_t r = 0; r < t->nrows; r++) {
		size_t last = ncols;   /* cells after the last non-empty one are not padded */
		while (last > 1 && !t->cells[r * t->ncols + last - 1][0])
			last--;
		for (size_t c = 0; c < last; c++) {
			const char *s = t->cells[r * t->ncols + c];
			if (c + 1 == last)
				fprintf(f, "%s\n", s);
			else
				fprintf(f, "%-*s  ", (int)width[c], s);
		}
	}
}

void table_free(struct table *t)
{
	for (size_t i = 0; i < t->nrows * t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->nrows = 0;
}

int output_json(const json_t *v, FILE *f)
{
	if (json_dumpf(v, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

const char *output_join_subnets(const struct ipnet *v, size_t n, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		char s[IPNET_STRLEN];
		int w = snprintf(buf + off, len - off, "%s%s", i ? "," : "", ipnet_format(&v[i], s));
		if (w < 0 || (size_t)w >= len - off) {
			if (len > 4)
				memcpy(buf + len - 4, "...", 4);
			break;
		}
		off += (size_t)w;
	}
	return buf;
}
