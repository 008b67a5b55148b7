// SPDX-License-Identifier: Apache-2.0
/* Unit tests for lib/fs.c (atomic and in-place writes, exclusive create, locks) and lib/undo.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit.h"

#include "fs.h"
#include "undo.h"

struct fx {
	char tmp[64];
	int dirfd;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	if (!f)
		return -1;
	snprintf(f->tmp, sizeof(f->tmp), "/tmp/cnet-unit-XXXXXX");
	if (!mkdtemp(f->tmp)) {
		free(f);
		return -1;
	}
	f->dirfd = open(f->tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	*state = f;
	return f->dirfd >= 0 ? 0 : -1;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	close(f->dirfd);
	int r = rm_tree(f->tmp);
	free(f);
	return r;
}

/* The names in the directory, sorted, joined by ' '. */
static const char *listing(struct fx *f)
{
	static char out[1024];
	struct dirent **names;
	int n = scandir(f->tmp, &names, NULL, alphasort);
	assert_true(n >= 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			size_t len = strlen(out);
			snprintf(out + len, sizeof(out) - len, "%s%s", len ? " " : "",
				 names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

static mode_t mode_of(struct fx *f, const char *name)
{
	struct stat st;
	assert_int_equal(fstatat(f->dirfd, name, &st, 0), 0);
	return st.st_mode & 07777;
}

static void test_write_atomic(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	char buf[64];
	mode_t old = umask(0);

	assert_int_equal(fs_write_atomic(f->dirfd, "a", "hello", 5, 0640, &err), 0);
	assert_int_equal(fs_read_small(f->dirfd, "a", buf, sizeof(buf)), 5);
	assert_string_equal(buf, "hello");
	assert_int_equal(mode_of(f, "a"), 0640);
	/* replaces, also with something shorter */
	assert_int_equal(fs_write_atomic(f->dirfd, "a", "hi", 2, 0640, &err), 0);
	assert_int_equal(fs_read_small(f->dirfd, "a", buf, sizeof(buf)), 2);
	assert_string_equal(buf, "hi");
	assert_int_equal(fs_write_atomic(f->dirfd, "empty", "", 0, 0600, &err), 0);
	assert_int_equal(fs_read_small(f->dirfd, "empty", buf, sizeof(buf)), 0);
	assert_string_equal(listing(f), "a empty");
	umask(old);

	/* a directory in the way */
	assert_int_equal(mkdirat(f->dirfd, "d", 0755), 0);
	assert_true(fs_write_atomic(f->dirfd, "d", "x", 1, 0644, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_IO);
	assert_string_equal(err.msg, "rename \"d\": Is a directory");
	assert_string_equal(listing(f), "a d empty");   /* no temp file left */
}

static void test_write_in_place(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	char buf[64];
	struct stat st1, st2;
	mode_t old = umask(0);

	assert_int_equal(fs_write_in_place(f->dirfd, "last", "10.1.0.9", 8, 0644, &err), 0);
	assert_int_equal(mode_of(f, "last"), 0644);
	assert_int_equal(fstatat(f->dirfd, "last", &st1, 0), 0);
	/* longer, then shorter again: exactly the new content, in the same file */
	assert_int_equal(fs_write_in_place(f->dirfd, "last", "10.1.0.10", 9, 0600, &err), 0);
	assert_int_equal(fs_read_small(f->dirfd, "last", buf, sizeof(buf)), 9);
	assert_string_equal(buf, "10.1.0.10");
	assert_int_equal(fs_write_in_place(f->dirfd, "last", "10.1.0.2", 8, 0600, &err), 0);
	assert_int_equal(fs_read_small(f->dirfd, "last", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "10.1.0.2");
	assert_int_equal(fstatat(f->dirfd, "last", &st2, 0), 0);
	assert_true(st1.st_ino == st2.st_ino);   /* no rename: the same inode */
	assert_int_equal(mode_of(f, "last"), 0644); /* an existing file keeps its mode */
	assert_string_equal(listing(f), "last"); /* and no temp file */
	umask(old);

	assert_true(fs_write_in_place(f->dirfd, "nodir/x", "x", 1, 0644, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_IO);
	assert_string_equal(err.msg, "open \"nodir/x\": No such file or directory");
}

static void test_create_excl(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	char buf[64];

	assert_int_equal(fs_create_excl(f->dirfd, "10.1.0.2", "c1\r\neth0", 8, 0644, &err), 0);
	cnet_err_set(&err, 42, 0, "untouched");
	assert_int_equal(fs_create_excl(f->dirfd, "10.1.0.2", "c2\r\neth0", 8, 0644, &err),
			 -EEXIST);
	assert_string_equal(err.msg, "untouched");   /* EEXIST is an answer, not an error */
	assert_int_equal(fs_read_small(f->dirfd, "10.1.0.2", buf, sizeof(buf)), 8);
	assert_string_equal(buf, "c1\r\neth0");
	assert_string_equal(listing(f), "10.1.0.2");

	/* the parent is missing */
	assert_true(fs_create_excl(f->dirfd, "nodir/x", "x", 1, 0644, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_IO);
	char want[128];
	snprintf(want, sizeof(want), "create \"nodir/x.cnet-tmp.%d\": No such file or directory",
		 (int)getpid());
	assert_string_equal(err.msg, want);
	assert_string_equal(listing(f), "10.1.0.2");
}

static void test_read_small(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	char buf[4];

	assert_int_equal(fs_write_atomic(f->dirfd, "long", "0123456789", 10, 0644, &err), 0);
	assert_int_equal(fs_read_small(f->dirfd, "long", buf, sizeof(buf)), 3);
	assert_string_equal(buf, "012");
	assert_int_equal(fs_read_small(f->dirfd, "missing", buf, sizeof(buf)), -ENOENT);

	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/long", f->tmp);
	char big[32];
	assert_int_equal(fs_read_small(AT_FDCWD, path, big, sizeof(big)), 10);
	assert_string_equal(big, "0123456789");
}

static void test_is_temp(void **state)
{
	(void)state;
	assert_true(fs_is_temp("10.1.0.2.cnet-tmp.1234"));
	assert_true(fs_is_temp("last_reserved_ip.0.cnet-tmp.1"));
	assert_false(fs_is_temp("10.1.0.2"));
	assert_false(fs_is_temp("last_reserved_ip.0"));
	assert_false(fs_is_temp("lock"));
}

static void test_mkdir_p(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };
	char path[PATH_MAX];
	struct stat st;

	snprintf(path, sizeof(path), "%s/a/b/c", f->tmp);
	assert_int_equal(fs_mkdir_p(path, 0700, &err), 0);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(fs_mkdir_p(path, 0700, &err), 0);   /* exists: fine */
	snprintf(path, sizeof(path), "%s/a/b/c/", f->tmp);
	assert_int_equal(fs_mkdir_p(path, 0700, &err), 0);   /* trailing slash */

	assert_int_equal(fs_write_atomic(f->dirfd, "file", "x", 1, 0644, &err), 0);
	snprintf(path, sizeof(path), "%s/file/sub", f->tmp);
	assert_true(fs_mkdir_p(path, 0700, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_IO);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "mkdir \"%s/file/sub\": Not a directory", f->tmp);
	assert_string_equal(err.msg, want);
}

static void test_lock(void **state)
{
	struct fx *f = *state;
	struct cnet_err err = { 0 };

	int fd = lock_take_at(f->dirfd, "lock", &err);
	assert_true(fd >= 0);
	assert_int_equal(mode_of(f, "lock") & 0077, 0);

	/* another open file description cannot take it while it is held */
	int other = openat(f->dirfd, "lock", O_RDWR | O_CLOEXEC);
	assert_true(other >= 0);
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), -1);
	assert_int_equal(errno, EWOULDBLOCK);
	close(fd);   /* releases */
	assert_int_equal(flock(other, LOCK_EX | LOCK_NB), 0);
	close(other);

	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/lock2", f->tmp);
	fd = lock_take(path, &err);
	assert_true(fd >= 0);
	close(fd);

	snprintf(path, sizeof(path), "%s/nodir/lock", f->tmp);
	assert_true(lock_take(path, &err) < 0);
	assert_int_equal(err.code, CNI_ERR_IO);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "open lock \"%s\": No such file or directory", path);
	assert_string_equal(err.msg, want);
}

/* ---- undo ------------------------------------------------------------------------------ */

struct trace {
	char log[64];
};

static void step_a(void *ctx)
{
	strcat(((struct trace *)ctx)->log, "a");
}

static void step_b(void *ctx)
{
	strcat(((struct trace *)ctx)->log, "b");
}

static void step_c(void *ctx)
{
	strcat(((struct trace *)ctx)->log, "c");
}

static void test_undo(void **state)
{
	(void)state;
	struct trace t = { "" };
	struct undo u = UNDO_INIT;

	undo_push(&u, step_a, &t, "a");
	undo_push(&u, step_b, &t, "b");
	undo_push(&u, step_c, &t, "c");
	assert_int_equal(u.n, 3);
	undo_run(&u);
	assert_string_equal(t.log, "cba");   /* reverse order */
	assert_int_equal(u.n, 0);
	undo_run(&u);                        /* nothing left to run */
	assert_string_equal(t.log, "cba");

	undo_push(&u, step_a, &t, "a");
	undo_push(&u, step_b, &t, "b");
	undo_drop(&u);
	undo_run(&u);
	assert_string_equal(t.log, "cba");   /* dropped steps never run */

	struct trace many = { "" };
	for (int i = 0; i < UNDO_MAX; i++)
		undo_push(&u, step_a, &many, "a");
	assert_int_equal(u.n, UNDO_MAX);
	undo_run(&u);
	assert_int_equal(strlen(many.log), UNDO_MAX);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_write_atomic),
		T(test_write_in_place),
		T(test_create_excl),
		T(test_read_small),
		cmocka_unit_test(test_is_temp),
		T(test_mkdir_p),
		T(test_lock),
		cmocka_unit_test(test_undo),
	};
#undef T

	return cmocka_run_group_tests(tests, NULL, NULL);
}
