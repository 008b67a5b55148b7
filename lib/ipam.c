// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "conf.h"
#include "ipam.h"
#include "log.h"

#define DELEGATE_OUTPUT_MAX (1 << 20)

extern char **environ;

int ipam_type(const struct cni_args *a, const char **type, struct cnet_err *err)
{
	return ipam_conf_type(a->config, type, err);
}

int ipam_conf_type(json_t *config, const char **type, struct cnet_err *err)
{
	json_t *ipam = NULL;
	*type = NULL;
	int r = conf_object(config, "", "ipam", false, &ipam, err);
	if (r >= 0 && ipam)
		r = conf_string(ipam, "ipam", "type", false, type, err);
	if (r < 0 || !*type)
		return r;
	if (!**type) {   /* "type": "" is layer 2 only, as a missing type */
		*type = NULL;
		return 0;
	}
	if (strchr(*type, '/'))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "ipam.type: \"%s\" is not a plugin name", *type);
	return 0;
}

int cnet_find_plugin(const char *path, const char *type, char *buf, size_t len,
		     struct cnet_err *err)
{
	if (!path || !*path)
		return cnet_err_set(err, CNI_ERR_INVALID_ENV, 0,
				    "CNI_PATH is empty: cannot find plugin \"%s\"", type);
	const char *p = path;
	while (*p) {
		const char *end = strchrnul(p, ':');
		if (end > p) {
			snprintf(buf, len, "%.*s/%s", (int)(end - p), p, type);
			if (access(buf, X_OK) == 0)
				return 0;
		}
		p = *end ? end + 1 : end;
	}
	cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
		     "failed to find plugin \"%s\" in path [%s]", type, path);
	return -ENOENT;
}

/* Write stdin_data and read stdout together, so neither side can block on a full pipe. */
static int pump(int in_fd, const char *data, size_t len, int out_fd, char **out, size_t *out_len,
		struct cnet_err *err)
{
	size_t cap = 4096, n = 0, off = 0;
	char *buf cleanup_free = malloc(cap);
	if (!buf)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "delegate output");
	if (len == 0) {
		close(in_fd);
		in_fd = -1;
	}
	while (out_fd >= 0) {
		struct pollfd fds[2] = { { out_fd, POLLIN, 0 }, { in_fd, POLLOUT, 0 } };
		if (poll(fds, in_fd >= 0 ? 2 : 1, -1) < 0) {
			if (errno == EINTR)
				continue;
			return cnet_err_set(err, CNI_ERR_IO, errno, "delegate: poll");
		}
		if (in_fd >= 0 && fds[1].revents) {
			ssize_t w = write(in_fd, data + off, len - off);
			if (w > 0)
				off += (size_t)w;
			if (w < 0 || off == len) {
				close(in_fd);   /* EPIPE: the delegate did not want it all */
				in_fd = -1;
			}
		}
		if (fds[0].revents) {
			if (n + 1 >= cap) {
				if (cap >= DELEGATE_OUTPUT_MAX)
					return cnet_err_set(err, CNI_ERR_IO, 0,
							    "delegate: output too large");
				cap *= 2;
				char *nb = realloc(buf, cap);
				if (!nb)
					return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "delegate");
				buf = nb;
			}
			ssize_t rd = read(out_fd, buf + n, cap - n - 1);
			if (rd < 0 && errno == EINTR)
				continue;
			if (rd <= 0)
				break;
			n += (size_t)rd;
		}
	}
	if (in_fd >= 0)
		close(in_fd);
	buf[n] = '\0';
	*out_len = n;
	*out = TAKE_PTR(buf);
	return 0;
}

int cnet_exec_plugin(const char *bin, char *const envp[], const char *stdin_data,
		     size_t stdin_len, char **out, size_t *out_len, int *status,
		     struct cnet_err *err)
{
	int in[2], outp[2];
	if (pipe2(in, O_CLOEXEC) < 0)
		return cnet_err_set(err, CNI_ERR_INTERNAL, errno, "pipe");
	if (pipe2(outp, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return cnet_err_set(err, CNI_ERR_INTERNAL, errno, "pipe");
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, in[0], STDIN_FILENO);
	posix_spawn_file_actions_adddup2(&fa, outp[1], STDOUT_FILENO);
	char *const argv[] = { (char *)bin, NULL };
	pid_t pid;
	int r = posix_spawn(&pid, bin, &fa, NULL, argv, envp);
	posix_spawn_file_actions_destroy(&fa);
	close(in[0]);
	close(outp[1]);
	if (r != 0) {
		close(in[1]);
		close(outp[0]);
		return cnet_err_set(err, CNI_ERR_INTERNAL, r, "exec \"%s\"", bin);
	}
	/* A delegate that exits early must not kill us with SIGPIPE. */
	struct sigaction ign = { .sa_handler = SIG_IGN }, old;
	sigaction(SIGPIPE, &ign, &old);
	r = pump(in[1], stdin_data, stdin_len, outp[0], out, out_len, err);
	sigaction(SIGPIPE, &old, NULL);
	close(outp[0]);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	*status = st;
	return r;
}

/* Our environment with CNI_COMMAND replaced. */
static char **delegate_env(const char *command)
{
	size_t n = 0;
	while (environ[n])
		n++;
	char **env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	size_t j = 0;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "CNI_COMMAND=", 12))
			env[j++] = environ[i];
	static char cmd[32];
	snprintf(cmd, sizeof(cmd), "CNI_COMMAND=%s", command);
	env[j] = cmd;
	return env;
}

/* Turn the delegate's error JSON (or its silence) into err. */
static int delegate_error(const char *type, const char *command, const char *out, size_t len,
			  int status, struct cnet_err *err)
{
	json_auto_t *o = json_loadb(out, len, 0, NULL);
	json_t *code = o ? json_object_get(o, "code") : NULL;
	json_t *msg = o ? json_object_get(o, "msg") : NULL;
	if (json_is_integer(code) && json_is_string(msg)) {
		cnet_err_set(err, (int)json_integer_value(code), 0, "%s", json_string_value(msg));
		json_t *details = json_object_get(o, "details");
		if (json_is_string(details))
			cnet_err_details(err, "%s", json_string_value(details));
	} else {
		cnet_err_set(err, CNET_ERR_IPAM, 0, "exited with status %d and no error JSON",
			     WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
	}
	cnet_err_prefix(err, "ipam %s %s", type, command);
	return -EIO;
}

/* ---- in-process IPAM ---------------------------------------------------------------------- */

#define IPAM_LINKED_MAX 4
static const struct cni_plugin *linked[IPAM_LINKED_MAX];

void ipam_link(const struct cni_plugin *p)
{
	for (size_t i = 0; i < IPAM_LINKED_MAX; i++)
		if (!linked[i] || linked[i] == p) {
			linked[i] = p;
			return;
		}
}

/* The linked plugin of this type, if bin (found on CNI_PATH) is its sibling binary. */
static const struct cni_plugin *linked_for(const char *type, const char *bin)
{
	const struct cni_plugin *p = NULL;
	for (size_t i = 0; i < IPAM_LINKED_MAX && linked[i] && !p; i++)
		if (!strcmp(linked[i]->name, type))
			p = linked[i];
	const char *off = getenv("CNET_IPAM_EXEC");
	if (!p || (off && !strcmp(off, "1")))
		return NULL;
	char self[4096], sibling[4096], found[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return NULL;
	self[n] = '\0';
	char *slash = strrchr(self, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	if ((size_t)snprintf(sibling, sizeof(sibling), "%s/%s", self, type) >= sizeof(sibling) ||
	    !realpath(bin, found))
		return NULL;
	char sib_real[4096];
	return realpath(sibling, sib_real) && !strcmp(sib_real, found) ? p : NULL;
}

static int run_linked(const struct cni_plugin *p, const struct cni_args *a, const char *command,
		      struct cni_result **out, struct cnet_err *err)
{
	struct cni_args d = *a;   /* what an exec would have parsed from the same input */
	d.command = command;
	int r;
	cleanup_result struct cni_result *res = NULL;
	if (!strcmp(command, "ADD")) {
		d.cmd = CNI_CMD_ADD;
		r = p->add(&d, &res, err);
	} else if (!strcmp(command, "DEL")) {
		d.cmd = CNI_CMD_DEL;
		r = p->del(&d, err);
	} else if (!strcmp(command, "CHECK")) {
		d.cmd = CNI_CMD_CHECK;
		r = p->check(&d, err);
	} else if (!strcmp(command, "GC")) {
		d.cmd = CNI_CMD_GC;
		r = p->gc ? p->gc(&d, err) : 0;
	} else {
		d.cmd = CNI_CMD_STATUS;
		r = p->status ? p->status(&d, err) : 0;
	}
	if (r < 0) {
		cnet_err_prefix(err, "ipam %s %s", p->name, command);
		return -EIO;
	}
	if (!out)
		return 0;
	/* the result as the exec'd plugin would have printed it, and as it would be read back */
	json_auto_t *o = res ? cni_result_to_json(res, a->version) : NULL;
	*out = o ? cni_result_parse(o, "ipam result", err) : NULL;
	if (!*out) {
		if (!o)
			cnet_err_set(err, CNET_ERR_IPAM, 0, "no result");
		cnet_err_prefix(err, "ipam %s %s", p->name, command);
		return -EINVAL;
	}
	return 0;
}

int ipam_exec(const struct cni_args *a, const char *type, const char *command,
	      struct cni_result **out, struct cnet_err *err)
{
	char bin[4096];
	int r = cnet_find_plugin(a->path, type, bin, sizeof(bin), err);
	if (r < 0)
		return r;
	const struct cni_plugin *p = linked_for(type, bin);
	if (p) {
		cnet_log_debug("ipam: %s %s in this process", type, command);
		return run_linked(p, a, command, out, err);
	}
	cleanup_free char **env = delegate_env(command);
	cleanup_free char *stdout_buf = NULL;
	size_t len = 0;
	int status = 0;
	if (!env)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENOMEM, "ipam");
	cnet_log_debug("ipam: %s %s", bin, command);
	r = cnet_exec_plugin(bin, env, a->stdin_data, a->stdin_len, &stdout_buf, &len, &status,
			     err);
	if (r < 0)
		return r;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return delegate_error(type, command, stdout_buf, len, status, err);
	if (!out)
		return 0;
	json_error_t jerr;
	json_auto_t *o = json_loadb(stdout_buf, len, 0, &jerr);
	if (!o)
		return cnet_err_set(err, CNET_ERR_IPAM, 0, "ipam %s %s: result is not JSON: %s",
				    type, command, jerr.text);
	*out = cni_result_parse(o, "ipam result", err);
	if (!*out) {
		cnet_err_prefix(err, "ipam %s %s", type, command);
		return -EINVAL;
	}
	return 0;
}

int ipam_status(const struct cni_args *a, struct cnet_err *err)
{
	const char *type;
	int r = ipam_type(a, &type, err);
	if (r < 0 || !type)
		return r;
	return ipam_exec(a, type, "STATUS", NULL, err);
}

static void undo_lease(void *ctx)
{
	struct ipam_lease *l = ctx;
	struct cnet_err e = { 0 };
	if (ipam_exec(l->a, l->type, "DEL", NULL, &e) < 0)
		cnet_log_warn("rollback: %s", e.msg);
}

int ipam_add(struct ipam_lease *l, const struct cni_args *a, const char *type, int iface,
	     struct undo *u, struct cni_result **out, struct cnet_err *err)
{
	int r = ipam_exec(a, type, "ADD", out, err);
	if (r < 0)
		return r;
	*l = (struct ipam_lease){ a, type };
	undo_push(u, undo_lease, l, "ipam DEL");
	if ((*out)->n_ips == 0)
		return cnet_err_set(err, CNET_ERR_IPAM, 0, "ipam %s returned no IP address", type);
	for (size_t i = 0; i < (*out)->n_ips; i++)
		(*out)->ips[i].interface = iface;
	return 0;
}
