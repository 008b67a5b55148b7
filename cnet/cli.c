// SPDX-License-Identifier: Apache-2.0
/* What every command prints besides its output: errors, notes, usage (see cnet.h). */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cnet.h"

int cnet_error(const char *fmt, ...)
{
	va_list ap;

	fputs("cnet: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CNET_EXIT_FAIL;
}

void cnet_note(const char *fmt, ...)
{
	va_list ap;

	fputs("cnet: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int cnet_usage_error(const struct cnet_ctx *ctx, const char *fmt, ...)
{
	const char *name = ctx && ctx->cmd ? ctx->cmd->name : NULL;
	va_list ap;

	fprintf(stderr, "cnet%s%s: ", name ? " " : "", name ? name : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see 'cnet%s%s --help')\n", name ? " " : "", name ? name : "");
	return CNET_EXIT_USAGE;
}

int cnet_getopt_error(const struct cnet_ctx *ctx, int c, char **argv)
{
	const char *arg = optind > 0 ? argv[optind - 1] : "";

	if (c == ':')
		return cnet_usage_error(ctx, "option %s needs a value", arg);
	if (optopt && strncmp(arg, "--", 2))
		return cnet_usage_error(ctx, "unknown option -%c", optopt);
	return cnet_usage_error(ctx, "unknown option %s", arg);
}

void cnet_print_usage(const struct cnet_cmd *cmd, FILE *f)
{
	fprintf(f, "%s\n\n%s", cmd->summary, cmd->usage);
}

int cnet_parse_format(const char *s, enum cnet_format *out)
{
	if (!strcmp(s, "table"))
		*out = CNET_FORMAT_TABLE;
	else if (!strcmp(s, "json"))
		*out = CNET_FORMAT_JSON;
	else
		return -1;
	return 0;
}
