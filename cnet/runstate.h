/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What `cnet run` leaves for `cnet gc` while it runs: one small JSON file per run,
 * <run dir>/runs/NAME.json = {"name", "pid", "start", "netns", "network", "ifname"}, written
 * before the namespace is made and removed after it is gone. A run whose pid no longer exists
 * (or belongs to a newer process: "start" is the pid's start time, field 22 of /proc/PID/stat)
 * died without cleaning up; gc detaches its attachment and deletes its namespace.
 *
 * The run dir is $CNET_RUN_DIR, else /run/cni/cnet (where lib/ keeps cnet's locks).
 * runstate_to_json, runstate_from_json and runstate_parse_start are pure; the rest is I/O
 * (runstate_io.c).
 */
#ifndef CNET_RUNSTATE_H
#define CNET_RUNSTATE_H

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/types.h>

#include "err.h"

#define RUNSTATE_DEFAULT_DIR "/run/cni/cnet"
#define RUNSTATE_SUBDIR "runs"

struct runstate {
	char name[128];            /* the namespace's name, also the container ID */
	char netns[PATH_MAX];      /* its path */
	char network[256];         /* "" for --network none */
	char ifname[16];
	long pid;                  /* the cnet run process */
	unsigned long long start;  /* its start time, clock ticks since boot */
};

json_t *runstate_to_json(const struct runstate *s);
/* Every key checked (code 6 naming the key). */
int runstate_from_json(json_t *o, struct runstate *s, struct cnet_err *err);
/* The start time (field 22) from the text of /proc/PID/stat. -EINVAL when malformed. */
int runstate_parse_start(const char *stat, unsigned long long *out);

/* <run dir>/runs, into buf. */
int runstate_dir(char *buf, size_t len);
/* The start time of process pid: -ESRCH when there is none. */
int runstate_proc_start(long pid, unsigned long long *out);
/* True while the run's process lives (same pid, same start time). */
bool runstate_alive(const struct runstate *s);
/* Write s->name's file, only when it does not exist: -EEXIST (err untouched) else. */
int runstate_create(const struct runstate *s, struct cnet_err *err);
/* Read name's file: -ENOENT (err untouched) when there is none. */
int runstate_load(const char *name, struct runstate *s, struct cnet_err *err);
/* Remove name's file (absent: 0). */
int runstate_remove(const char *name, struct cnet_err *err);
/* Every run file, in name order; files that do not parse are skipped with a warning. */
int runstate_each(int (*cb)(const struct runstate *s, void *arg), void *arg,
		  struct cnet_err *err);

#endif
