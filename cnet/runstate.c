// SPDX-License-Identifier: Apache-2.0
/* `cnet run`'s state file: JSON in and out, and /proc/PID/stat's start time. No I/O. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runstate.h"

json_t *runstate_to_json(const struct runstate *s)
{
	return json_pack("{s:s,s:I,s:I,s:s,s:s,s:s}", "name", s->name, "pid", (json_int_t)s->pid,
			 "start", (json_int_t)s->start, "netns", s->netns, "network", s->network,
			 "ifname", s->ifname);
}

static int get_str(json_t *o, const char *key, char *out, size_t len, bool empty_ok,
		   struct cnet_err *err)
{
	const char *v = json_string_value(json_object_get(o, key));

	if (!v || (!*v && !empty_ok) || strlen(v) >= len)
		return cnet_err_set(err, CNI_ERR_DECODE, 0, "%s: expected a string of 1-%zu bytes",
				    key, len - 1);
	memcpy(out, v, strlen(v) + 1);
	return 0;
}

int runstate_from_json(json_t *o, struct runstate *s, struct cnet_err *err)
{
	json_t *pid = json_object_get(o, "pid"), *start = json_object_get(o, "start");

	memset(s, 0, sizeof(*s));
	if (!json_is_object(o))
		return cnet_err_set(err, CNI_ERR_DECODE, 0, "expected an object");
	if (!json_is_integer(pid) || json_integer_value(pid) <= 0)
		return cnet_err_set(err, CNI_ERR_DECODE, 0, "pid: expected a positive integer");
	if (!json_is_integer(start) || json_integer_value(start) < 0)
		return cnet_err_set(err, CNI_ERR_DECODE, 0, "start: expected an integer >= 0");
	s->pid = (long)json_integer_value(pid);
	s->start = (unsigned long long)json_integer_value(start);
	int r = get_str(o, "name", s->name, sizeof(s->name), false, err);
	if (r >= 0)
		r = get_str(o, "netns", s->netns, sizeof(s->netns), false, err);
	if (r >= 0)
		r = get_str(o, "network", s->network, sizeof(s->network), true, err);
	if (r >= 0)
		r = get_str(o, "ifname", s->ifname, sizeof(s->ifname), true, err);
	return r;
}

int runstate_parse_start(const char *stat, unsigned long long *out)
{
	/* "PID (COMM) STATE ..." where COMM may hold spaces and ')': fields count after the
	 * last ')'; STATE is field 3, the start time field 22. */
	const char *p = stat ? strrchr(stat, ')') : NULL;

	if (!p)
		return -EINVAL;
	p++;
	for (int field = 3; field < 22; field++) {
		while (*p == ' ')
			p++;
		if (!*p)
			return -EINVAL;
		while (*p && *p != ' ')
			p++;
	}
	while (*p == ' ')
		p++;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(p, &end, 10);
	if (errno || end == p || (*end && *end != ' ' && *end != '\n'))
		return -EINVAL;
	*out = v;
	return 0;
}
