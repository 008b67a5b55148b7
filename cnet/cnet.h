/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The `cnet` command: what every subcommand shares.
 *
 * main() parses the global options into a struct cnet_ctx, finds the command in its table
 * and calls cmd->fn(ctx, argc, argv) with argv[0] = the command's name. A handler returns the
 * process's exit status (CNET_EXIT_*); it prints its own errors with cnet_error(), one line
 * each, on stderr. Only main() and the handlers print; the helpers (netdef, subnet, network,
 * output) return errors through struct cnet_err like lib/.
 */
#ifndef CNET_CNET_H
#define CNET_CNET_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "runtime.h"

#define CNET_VERSION "0.1.0"

enum cnet_exit {
	CNET_EXIT_OK = 0,
	CNET_EXIT_FAIL = 1,    /* the command could not do what was asked */
	CNET_EXIT_USAGE = 2,   /* the command line does not parse */
};

enum cnet_format { CNET_FORMAT_TABLE, CNET_FORMAT_JSON };

struct cnet_cmd;

struct cnet_ctx {
	struct cnet_rt rt;           /* config_dir, plugin_path, cache_dir */
	enum cnet_format format;     /* --format (global; ls also takes it) */
	const struct cnet_cmd *cmd;  /* the command running */
};

struct cnet_cmd {
	const char *name;
	const char *summary;   /* one line, for `cnet --help` */
	const char *usage;     /* "cnet NAME ..." + options, for `cnet NAME --help` */
	int (*fn)(struct cnet_ctx *ctx, int argc, char **argv);
};

/* The commands (one file each). */
extern const struct cnet_cmd cnet_cmd_create;   /* create.c */
extern const struct cnet_cmd cnet_cmd_ls;       /* ls.c */
extern const struct cnet_cmd cnet_cmd_inspect;  /* inspect.c */
extern const struct cnet_cmd cnet_cmd_rm;       /* rm.c */
extern const struct cnet_cmd cnet_cmd_prune;    /* rm.c */
extern const struct cnet_cmd cnet_cmd_attach;   /* attach.c */
extern const struct cnet_cmd cnet_cmd_detach;   /* attach.c */
extern const struct cnet_cmd cnet_cmd_run;      /* run.c */
extern const struct cnet_cmd cnet_cmd_ps;       /* ps.c */
extern const struct cnet_cmd cnet_cmd_check;    /* check.c */
extern const struct cnet_cmd cnet_cmd_gc;       /* gc.c */
extern const struct cnet_cmd cnet_cmd_status;   /* check.c */

/* ---- cli.c: messages and option errors ----------------------------------------------------- */

/* "cnet: <message>" on stderr, one line. Returns CNET_EXIT_FAIL. */
int cnet_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "cnet <cmd>: <message> (see 'cnet <cmd> --help')" on stderr. Returns CNET_EXIT_USAGE. */
int cnet_usage_error(const struct cnet_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* getopt_long's failure c (':' a missing value, with optstring starting with ':'; '?' an
 * unknown option) as a usage error; argv is the one given to getopt_long. */
int cnet_getopt_error(const struct cnet_ctx *ctx, int c, char **argv);
/* Print cmd's usage on f. */
void cnet_print_usage(const struct cnet_cmd *cmd, FILE *f);
/* A note for the user on stderr ("cnet: kept bridge ..."), never stdout. */
void cnet_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Parse "table" / "json". */
int cnet_parse_format(const char *s, enum cnet_format *out);

/* ---- rm.c: removing one network (rm and prune) ---------------------------------------------- */

/* Remove the network named name: with force, detach its attachments first (else refuse
 * while it has any). Prints the name on stdout when removed. Returns an exit status. */
int cnet_network_remove(struct cnet_ctx *ctx, const char *name, bool force);

/* ---- create.c: the default network ------------------------------------------------------- */

/* Create the default network cnet0 (bridge, NAT, isolated) unless a network of that name
 * exists: its subnet is 10.87.0.0/16 when that overlaps nothing, else what `cnet create`
 * would choose. *created says whether it was made now. */
int cnet_default_network_ensure(const struct cnet_ctx *ctx, bool *created, struct cnet_err *err);

#endif
