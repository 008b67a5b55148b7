// SPDX-License-Identifier: Apache-2.0
/*
 * cnet: create, list and remove container networks (CNI conflists) and attach network
 * namespaces to them. main() parses the global options and dispatches through the command
 * table; each command lives in its own file.
 */
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cnet.h"
#include "log.h"
#include "network.h"

static const struct cnet_cmd cmd_help;

/* The command table: `cnet --help` lists the commands in this order. */
static const struct cnet_cmd *const commands[] = {
	&cnet_cmd_create, &cnet_cmd_ls, &cnet_cmd_inspect, &cnet_cmd_rm, &cnet_cmd_prune,
	&cnet_cmd_attach, &cnet_cmd_detach, &cnet_cmd_run, &cnet_cmd_ps, &cnet_cmd_check,
	&cnet_cmd_gc, &cnet_cmd_status,
	&cmd_help,
};

static const char global_usage[] =
	"usage: cnet [OPTIONS] COMMAND [ARGS...]\n"
	"\n"
	"Create, list and remove container networks (CNI network configuration lists).\n"
	"\n"
	"Options:\n"
	"  --config-dir DIR      the networks' conflists (env CNET_CONFIG_DIR;\n"
	"                        default " CNET_DEFAULT_CONFIG_DIR ")\n"
	"  --plugin-dir PATH     CNI plugin directories, colon-separated (env CNI_PATH;\n"
	"                        default: the directory of this cnet binary when it holds a\n"
	"                        bridge plugin, else " CNET_DEFAULT_PLUGIN_PATH ")\n"
	"  --cache-dir DIR       libcni's result cache (env CNET_CACHE_DIR;\n"
	"                        default " CNET_DEFAULT_CACHE_DIR ")\n"
	"  --format table|json   output of the listing commands (default table)\n"
	"  -h, --help            this help (a command's: cnet help COMMAND)\n"
	"  --version             print the version\n"
	"\n"
	"Commands:\n";

static void print_global_usage(FILE *f)
{
	fputs(global_usage, f);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-10s %s\n", commands[i]->name, commands[i]->summary);
}

static const struct cnet_cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i]->name, name))
			return commands[i];
	return NULL;
}

static int help_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	if (argc > 2)
		return cnet_usage_error(ctx, "at most one COMMAND");
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		print_global_usage(stdout);
		return CNET_EXIT_OK;
	}
	const struct cnet_cmd *cmd = find_cmd(argv[1]);
	if (!cmd)
		return cnet_usage_error(ctx, "unknown command \"%s\"", argv[1]);
	cnet_print_usage(cmd, stdout);
	return CNET_EXIT_OK;
}

static const struct cnet_cmd cmd_help = {
	.name = "help",
	.summary = "Show the help of cnet or of one command",
	.usage = "usage: cnet help [COMMAND]\n",
	.fn = help_main,
};

/* CNI_PATH unset and no --plugin-dir: the directory of this binary when it holds `bridge`
 * (build/bin/cnet runs out of the tree), else the default. */
static const char *default_plugin_path(char *buf, size_t len)
{
	char exe[PATH_MAX], probe[PATH_MAX + 8];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0)
		return CNET_DEFAULT_PLUGIN_PATH;
	exe[n] = '\0';
	const char *dir = dirname(exe);
	if ((size_t)snprintf(probe, sizeof(probe), "%s/bridge", dir) >= sizeof(probe) ||
	    access(probe, X_OK) < 0 || (size_t)snprintf(buf, len, "%s", dir) >= len)
		return CNET_DEFAULT_PLUGIN_PATH;
	return buf;
}

enum { OPT_CONFIG_DIR = 256, OPT_PLUGIN_DIR, OPT_CACHE_DIR, OPT_FORMAT, OPT_VERSION };

/* Global options; returns -1 to go on, else the exit status. */
static int parse_global(struct cnet_ctx *ctx, int argc, char **argv, char *pathbuf, size_t len)
{
	static const struct option opts[] = {
		{ "config-dir", required_argument, NULL, OPT_CONFIG_DIR },
		{ "plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR },
		{ "cache-dir", required_argument, NULL, OPT_CACHE_DIR },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ 0 },
	};
	const char *cni_path = getenv("CNI_PATH");
	bool plugin_dir_set = cni_path && *cni_path;
	int c;

	while ((c = getopt_long(argc, argv, "+:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_CONFIG_DIR:
			ctx->rt.config_dir = optarg;
			break;
		case OPT_PLUGIN_DIR:
			ctx->rt.plugin_path = optarg;
			plugin_dir_set = true;
			break;
		case OPT_CACHE_DIR:
			ctx->rt.cache_dir = optarg;
			break;
		case OPT_FORMAT:
			if (cnet_parse_format(optarg, &ctx->format) < 0)
				return cnet_usage_error(ctx, "--format %s: expected table or json",
							optarg);
			break;
		case 'h':
			print_global_usage(stdout);
			return CNET_EXIT_OK;
		case OPT_VERSION:
			printf("cnet %s\n", CNET_VERSION);
			return CNET_EXIT_OK;
		default:
			return cnet_getopt_error(ctx, c, argv);
		}
	}
	if (!plugin_dir_set)
		ctx->rt.plugin_path = default_plugin_path(pathbuf, len);
	return -1;
}

int main(int argc, char **argv)
{
	struct cnet_ctx ctx = { .format = CNET_FORMAT_TABLE };
	char pathbuf[PATH_MAX];

	cnet_log_init("cnet");
	cnet_rt_init(&ctx.rt);
	opterr = 0;
	int ret = parse_global(&ctx, argc, argv, pathbuf, sizeof(pathbuf));
	if (ret >= 0)
		return ret;
	if (optind >= argc) {
		print_global_usage(stderr);
		return CNET_EXIT_USAGE;
	}
	const struct cnet_cmd *cmd = find_cmd(argv[optind]);
	if (!cmd)
		return cnet_usage_error(&ctx, "unknown command \"%s\"", argv[optind]);
	ctx.cmd = cmd;
	argc -= optind;
	argv += optind;
	optind = 0;   /* glibc: a full re-initialisation for the command's getopt_long */
	ret = cmd->fn(&ctx, argc, argv);
	if (fflush(stdout) == EOF || ferror(stdout)) {
		cnet_error("write to stdout failed");
		return CNET_EXIT_FAIL;
	}
	return ret;
}
