// SPDX-License-Identifier: Apache-2.0
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

static const char *log_prog = "cnet";
static int log_level = -1;

static int log_level_from_env(void)
{
	static const char *names[] = { "error", "warn", "info", "debug" };
	const char *s = getenv("CNET_LOG_LEVEL");
	if (s)
		for (int i = 0; i < 4; i++)
			if (!strcasecmp(s, names[i]))
				return i;
	return CNET_LOG_WARN;
}

void cnet_log_init(const char *prog)
{
	const char *slash = strrchr(prog, '/');
	log_prog = slash ? slash + 1 : prog;
	log_level = log_level_from_env();
}

void cnet_log(enum cnet_log_level level, const char *fmt, ...)
{
	static const char *tags[] = { "error", "warn", "info", "debug" };
	if (log_level < 0)
		log_level = log_level_from_env();
	if ((int)level > log_level)
		return;

	char line[2048];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	int n = snprintf(line, sizeof(line), "%lld.%03ld %s[%d] %s: ", (long long)ts.tv_sec,
			 ts.tv_nsec / 1000000, log_prog, (int)getpid(), tags[level]);
	va_list ap;
	va_start(ap, fmt);
	if (n > 0 && (size_t)n < sizeof(line))
		vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);

	const char *path = getenv("CNET_LOG_FILE");
	FILE *f = path && *path ? fopen(path, "ae") : NULL;
	fprintf(f ? f : stderr, "%s\n", line);
	if (f)
		fclose(f);
}
