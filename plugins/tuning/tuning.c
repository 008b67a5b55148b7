// SPDX-License-Identifier: Apache-2.0
/*
 * tuning: set network sysctls and link attributes (MAC, MTU, promisc, allmulti, txqlen) on
 * CNI_IFNAME inside the container. Chained after a plugin that made the interface; prints
 * its prevResult with the new MAC. What ADD replaced is saved in <dataDir> (the reference's
 * file and format) and DEL puts it back. A failed ADD undoes every change it made.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "cni.h"
#include "fs.h"
#include "log.h"
#include "netns.h"
#include "tn_apply.h"
#include "tn_conf.h"
#include "tn_state.h"

#define STATE_MAX 4096
#define ALLOWLIST_MAX ((size_t)256 * 1024)

/* ---- the state file ---------------------------------------------------------------------- */

struct state_file {
	const char *dir;
	char name[300];
	int dirfd;
	bool had_old;            /* a file was there before this ADD wrote it */
	char old[STATE_MAX];
};

static int state_open(struct state_file *f, const char *dir, const struct cni_args *a,
		      bool create, struct cnet_err *err)
{
	f->dir = dir;
	f->dirfd = -1;
	if (tn_state_name(f->name, sizeof(f->name), a->container_id, a->ifname) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, ENAMETOOLONG, "dataDir %s", dir);
	if (create) {
		int r = fs_mkdir_p(dir, 0700, err);
		if (r < 0)
			return r;
	}
	f->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (f->dirfd < 0)
		return cnet_err_set(err, CNI_ERR_IO, errno, "dataDir %s", dir);
	return 0;
}

static void state_close(struct state_file *f)
{
	if (f->dirfd >= 0)
		close(f->dirfd);
	f->dirfd = -1;
}

/* Save s, keeping what was there for state_unsave(). */
static int state_save(struct state_file *f, const struct tn_state *s, struct cnet_err *err)
{
	cleanup_free char *text = tn_state_encode(s);
	if (!text)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "encode state");
	f->had_old = fs_read_small(f->dirfd, f->name, f->old, sizeof(f->old)) >= 0;
	int r = fs_write_atomic(f->dirfd, f->name, text, strlen(text), 0600, err);
	if (r < 0)
		cnet_err_prefix(err, "save %s/%s", f->dir, f->name);
	return r;
}

static void state_unsave(struct state_file *f)
{
	struct cnet_err e = { 0 };
	if (f->had_old && fs_write_atomic(f->dirfd, f->name, f->old, strlen(f->old), 0600, &e) < 0)
		cnet_log_error("undo: restore %s/%s: %s", f->dir, f->name, e.msg);
	if (!f->had_old && unlinkat(f->dirfd, f->name, 0) < 0 && errno != ENOENT)
		cnet_log_error("undo: remove %s/%s: %m", f->dir, f->name);
}

/* ---- ADD --------------------------------------------------------------------------------- */

struct add_ctx {
	const struct cni_args *a;
	struct tn_conf c;
	struct state_file f;
};

/* Refuse sysctls that /etc/cni/tuning/allowlist.conf (when it exists) does not allow. */
static int check_allowlist(const struct tn_conf *c, struct cnet_err *err)
{
	const char *path = getenv("CNET_TUNING_ALLOWLIST");
	if (!c->n_sysctls)
		return 0;   /* as the reference: only sysctls are matched against it */
	if (!path || !*path)
		path = TN_ALLOWLIST_PATH;
	cleanup_free char *text = malloc(ALLOWLIST_MAX);
	if (!text)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "read %s", path);
	ssize_t n = fs_read_small(AT_FDCWD, path, text, ALLOWLIST_MAX);
	if (n == -ENOENT)
		return 0;
	if (n < 0)
		return cnet_err_set(err, CNI_ERR_IO, (int)n, "read %s", path);
	return tn_allowlist_check(c, text, path, err);
}

/* Inside the container: save what the link has, then change it; undo all on failure. */
static int add_link(struct add_ctx *x, struct cnet_err *err)
{
	cleanup_nl struct cnet_nl *nl = NULL;
	struct cnet_link l;
	struct tn_state s;
	struct tn_link_undo u = { .n = 0 };
	int r = cnet_nl_open(&nl, -1, err);
	if (r >= 0)
		r = cnet_nl_link_get(nl, x->a->ifname, &l, err);
	if (r == -ENODEV)
		return cnet_err_set(err, CNI_ERR_UNKNOWN_CONTAINER, 0,
				    "interface \"%s\" not found in %s", x->a->ifname, x->a->netns);
	if (r < 0)
		return r;
	tn_state_from_link(&x->c, &l, &s);
	r = state_save(&x->f, &s, err);
	if (r < 0)
		return r;
	r = tn_link_apply(nl, &x->c, &l, &u, err);
	if (r < 0) {
		tn_link_undo(nl, &u);
		state_unsave(&x->f);
	}
	return r;
}

static int add_in_ns(void *arg, struct cnet_err *err)
{
	struct add_ctx *x = arg;
	struct tn_sysctl_undo su;
	int r = tn_sysctls_apply(&x->c, &su, err);
	if (r >= 0 && tn_conf_has_link_changes(&x->c))
		r = add_link(x, err);
	if (r < 0)
		tn_sysctls_undo(&su);
	tn_sysctls_forget(&su);
	return r;
}

/* prevResult, in the config's version, with the new MAC on every interface named ifname. */
static int make_result(const struct cni_args *a, const struct tn_conf *c, struct cni_result **out,
		       struct cnet_err *err)
{
	struct cni_result *res = cni_result_copy(a->prev, a->version);
	if (!res)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "result");
	for (size_t i = 0; c->has_mac && i < res->n_interfaces; i++)
		if (!strcmp(res->interfaces[i].name, a->ifname))
			snprintf(res->interfaces[i].mac, sizeof(res->interfaces[i].mac), "%s",
				 c->mac_str);
	*out = res;
	return 0;
}

static int need_prev(const struct cni_args *a, struct cnet_err *err)
{
	if (a->prev)
		return 0;
	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
			    "prevResult: missing: tuning is a chained plugin, it must follow the "
			    "plugin that creates \"%s\"", a->ifname);
}

static int tn_add(const struct cni_args *a, struct cni_result **out, struct cnet_err *err)
{
	cleanup_free struct add_ctx *x = calloc(1, sizeof(*x));
	if (!x)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "tuning");
	x->a = a;
	x->f.dirfd = -1;
	int r = tn_conf_parse(a->config, a->cni_args, a->ifname, &x->c, err);
	if (r >= 0)
		r = check_allowlist(&x->c, err);
	if (r >= 0)
		r = need_prev(a, err);
	if (r >= 0 && tn_conf_has_link_changes(&x->c))
		r = state_open(&x->f, x->c.data_dir, a, true, err);
	if (r >= 0)
		r = netns_run(a->netns_fd, add_in_ns, x, err);
	state_close(&x->f);
	if (r >= 0)
		r = make_result(a, &x->c, out, err);
	return r;
}

/* ---- DEL --------------------------------------------------------------------------------- */

struct del_ctx {
	const struct cni_args *a;
	const struct tn_state *s;
};

static int restore_in_ns(void *arg, struct cnet_err *err)
{
	struct del_ctx *x = arg;
	cleanup_nl struct cnet_nl *nl = NULL;
	struct cnet_link l;
	int r = cnet_nl_open(&nl, -1, err);
	if (r >= 0)
		r = cnet_nl_link_get(nl, x->a->ifname, &l, err);
	if (r == -ENODEV)
		return 0;   /* the interface went away with what we changed on it */
	return r < 0 ? r : tn_link_restore(nl, &l, x->s, err);
}

/*
 * Put back what ADD saved and forget it. Nothing saved, a namespace or an interface that is
 * gone: nothing to do, success. A restore that fails is logged and the file kept (a later DEL
 * can try again), and DEL still succeeds, as the reference's: a failing DEL would stop the
 * runtime's whole DEL chain.
 */
static int tn_del(const struct cni_args *a, struct cnet_err *err)
{
	const char *dir = NULL;
	struct state_file f = { .dirfd = -1 };
	char text[STATE_MAX];
	struct tn_state s;
	struct cnet_err e = { 0 };
	int r = tn_conf_data_dir(a->config, &dir, err);
	if (r < 0)
		return r;
	if (state_open(&f, dir, a, false, &e) < 0)
		return 0;   /* no dataDir: nothing was saved */
	ssize_t n = fs_read_small(f.dirfd, f.name, text, sizeof(text));
	if (n >= 0 && tn_state_decode(text, (size_t)n, &s, &e) < 0)
		cnet_log_warn("%s/%s: %s: ignored", dir, f.name, e.msg);
	else if (n >= 0 && a->netns_fd >= 0) {
		struct del_ctx x = { a, &s };
		if (netns_run(a->netns_fd, restore_in_ns, &x, &e) < 0) {
			cnet_log_error("DEL: %s (kept %s/%s)", e.msg, dir, f.name);
			state_close(&f);
			return 0;
		}
	}
	if (n >= 0 && unlinkat(f.dirfd, f.name, 0) < 0 && errno != ENOENT)
		cnet_log_error("DEL: remove %s/%s: %m", dir, f.name);
	state_close(&f);
	return 0;
}

/* ---- CHECK ------------------------------------------------------------------------------- */

struct check_ctx {
	const struct cni_args *a;
	struct tn_conf c;
};

static int check_in_ns(void *arg, struct cnet_err *err)
{
	struct check_ctx *x = arg;
	return tn_check(&x->c, x->a->ifname, err);
}

static int tn_check_cmd(const struct cni_args *a, struct cnet_err *err)
{
	cleanup_free struct check_ctx *x = calloc(1, sizeof(*x));
	if (!x)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "tuning");
	x->a = a;
	int r = tn_conf_parse(a->config, a->cni_args, a->ifname, &x->c, err);
	if (r >= 0)
		r = need_prev(a, err);
	if (r >= 0)
		r = netns_run(a->netns_fd, check_in_ns, x, err);
	return r;
}

static const struct cni_plugin tuning_plugin = {
	.name = "tuning",
	.about = "cnet tuning: network sysctls and link attributes of a container interface",
	.add = tn_add,
	.del = tn_del,
	.check = tn_check_cmd,
};

int main(int argc, char **argv)
{
	return cni_main(&tuning_plugin, argc, argv);
}
