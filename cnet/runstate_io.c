// SPDX-License-Identifier: Apache-2.0
/* `cnet run`'s state files in <run dir>/runs (see runstate.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "log.h"
#include "runstate.h"

int runstate_dir(char *buf, size_t len)
{
	const char *dir = getenv("CNET_RUN_DIR");
	int n = snprintf(buf, len, "%s/%s", dir && *dir ? dir : RUNSTATE_DEFAULT_DIR,
			 RUNSTATE_SUBDIR);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int runstate_proc_start(long pid, unsigned long long *out)
{
	char path[64], buf[1024];

	snprintf(path, sizeof(path), "/proc/%ld/stat", pid);
	ssize_t n = fs_read_small(AT_FDCWD, path, buf, sizeof(buf));
	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	return runstate_parse_start(buf, out);
}

bool runstate_alive(const struct runstate *s)
{
	unsigned long long start;

	return runstate_proc_start(s->pid, &start) == 0 && start == s->start;
}

static int open_dir(bool create, struct cnet_err *err)
{
	char dir[PATH_MAX];

	if (runstate_dir(dir, sizeof(dir)) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "CNET_RUN_DIR");
	if (create) {
		int r = fs_mkdir_p(dir, 0700, err);
		if (r < 0)
			return r;
	}
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (errno != ENOENT || create))
		return cnet_err_set(err, CNI_ERR_IO, errno, "open %s", dir);
	return fd < 0 ? -ENOENT : fd;
}

static void file_name(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "%s.json", name);
}

int runstate_create(const struct runstate *s, struct cnet_err *err)
{
	json_auto_t *o = runstate_to_json(s);
	cleanup_free char *text = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	char file[sizeof(s->name) + 8];

	if (!text)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "run state of %s", s->name);
	cleanup_close int dfd = open_dir(true, err);
	if (dfd < 0)
		return dfd;
	file_name(s->name, file, sizeof(file));
	return fs_create_excl(dfd, file, text, strlen(text), 0600, err);
}

static int load_at(int dfd, const char *file, struct runstate *s, struct cnet_err *err)
{
	char buf[8192];
	ssize_t n = fs_read_small(dfd, file, buf, sizeof(buf));

	if (n < 0)
		return n == -ENOENT ? -ENOENT : cnet_err_set(err, CNI_ERR_IO, (int)-n, "read %s", file);
	json_error_t jerr;
	json_auto_t *o = json_loadb(buf, (size_t)n, JSON_REJECT_DUPLICATES, &jerr);
	if (!o)
		return cnet_err_set(err, CNI_ERR_DECODE, 0, "%s: %s", file, jerr.text);
	int r = runstate_from_json(o, s, err);
	if (r < 0)
		cnet_err_prefix(err, "%s", file);
	return r;
}

int runstate_load(const char *name, struct runstate *s, struct cnet_err *err)
{
	char file[PATH_MAX];
	cleanup_close int dfd = open_dir(false, err);

	if (dfd < 0)
		return dfd;
	file_name(name, file, sizeof(file));
	return load_at(dfd, file, s, err);
}

int runstate_remove(const char *name, struct cnet_err *err)
{
	char file[PATH_MAX];
	cleanup_close int dfd = open_dir(false, err);

	if (dfd == -ENOENT)
		return 0;
	if (dfd < 0)
		return dfd;
	file_name(name, file, sizeof(file));
	if (unlinkat(dfd, file, 0) < 0 && errno != ENOENT)
		return cnet_err_set(err, CNI_ERR_IO, errno, "remove the run state %s", file);
	return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int is_state_file(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 && !strcmp(e->d_name + n - 5, ".json") &&
	       !fs_is_temp(e->d_name);
}

int runstate_each(int (*cb)(const struct runstate *s, void *arg), void *arg,
		  struct cnet_err *err)
{
	char dir[PATH_MAX];
	struct dirent **list = NULL;
	int ret = 0;

	if (runstate_dir(dir, sizeof(dir)) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "CNET_RUN_DIR");
	int n = scandir(dir, &list, is_state_file, by_name);
	if (n < 0)
		return errno == ENOENT ? 0 : cnet_err_set(err, CNI_ERR_IO, errno, "read %s", dir);
	cleanup_close int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	for (int i = 0; i < n; i++) {
		struct runstate s;
		struct cnet_err e = { 0 };
		if (ret == 0 && dfd >= 0) {
			int r = load_at(dfd, list[i]->d_name, &s, &e);
			if (r == 0)
				ret = cb(&s, arg);
			else if (r != -ENOENT)
				cnet_log_warn("%s/%s: %s (skipped)", dir, list[i]->d_name, e.msg);
		}
		free(list[i]);
	}
	free(list);
	return ret;
}
