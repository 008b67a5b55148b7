// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "fs.h"
#include "resolv.h"

static void push(char **v, size_t *n, const char *s)
{
	if (*n < CNI_RESULT_MAX_DNS)
		v[(*n)++] = strdup(s);
}

/* The lines the reference understands: nameserver, domain (their first value only),
 * search, options (every value). */
int hl_resolv_parse(const char *text, struct cni_dns *dns)
{
	char *copy = strdup(text), *save = NULL;
	if (!copy)
		return -ENOMEM;
	for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *ws = NULL;
		char *key = strtok_r(line, " \t\r", &ws);
		if (!key || key[0] == '#' || key[0] == ';')
			continue;
		char *val = strtok_r(NULL, " \t\r", &ws);
		if (!val)
			continue;
		if (!strcmp(key, "nameserver")) {
			push(dns->nameservers, &dns->n_nameservers, val);
		} else if (!strcmp(key, "domain")) {
			free(dns->domain);
			dns->domain = strdup(val);
		}
		for (; val; val = strtok_r(NULL, " \t\r", &ws)) {
			if (!strcmp(key, "search"))
				push(dns->search, &dns->n_search, val);
			else if (!strcmp(key, "options"))
				push(dns->options, &dns->n_options, val);
		}
	}
	free(copy);
	return 0;
}

int hl_resolv_load(const char *path, struct cni_dns *dns, struct cnet_err *err)
{
	char buf[16384];
	ssize_t n = fs_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return cnet_err_set(err, CNI_ERR_IO, (int)n, "ipam.resolvConf: read \"%s\"", path);
	return hl_resolv_parse(buf, dns);
}
