// SPDX-License-Identifier: Apache-2.0
/*
 * cnet run: make a network namespace, attach it, run a command inside, and when the command
 * ends (or cnet run is told to stop) detach and remove the namespace.
 *
 * The order makes every instant recoverable: the run's state file (runstate.h) is written
 * first, then the namespace is made, then attached; teardown goes backwards and removes the
 * state file last. Killed with SIGKILL at any point, `cnet gc` finds the state file with a dead
 * pid and finishes the teardown. The command gets SIGKILL when cnet run dies (PDEATHSIG).
 *
 * Signals: INT, TERM, HUP and QUIT are blocked from the start and taken with sigwaitinfo().
 * Before the command starts, one of them aborts the run (after cleaning up); while it runs,
 * they are passed on to it, except those the kernel sent to the terminal's foreground process
 * group (Ctrl-C: si_code SI_KERNEL), which the command, in the same group, got already.
 */
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "attachment.h"
#include "cleanup.h"
#include "cni.h"
#include "cnet.h"
#include "netdef.h"
#include "netns.h"
#include "nl.h"
#include "runstate.h"

/* Exit statuses of cnet run itself, as docker run's: the command's own status otherwise. */
enum {
	RUN_EXIT_CNET = 125,      /* cnet failed: nothing ran */
	RUN_EXIT_NOEXEC = 126,    /* CMD could not be executed */
	RUN_EXIT_NOTFOUND = 127,  /* CMD was not found */
};

static const char usage[] =
	"usage: cnet run [OPTIONS] [--] CMD [ARG...]\n"
	"\n"
	"Run CMD in a new network namespace attached to a network, as `docker run --rm` runs a\n"
	"container: the namespace (named --name, default cnet-PID, in /run/netns) gets lo up\n"
	"and an interface on the network, CMD runs inside with this terminal's stdin, stdout and\n"
	"stderr, and when it ends the namespace is detached and removed. SIGINT, SIGTERM, SIGHUP\n"
	"and SIGQUIT are passed on to CMD. The exit status is CMD's (128+N when a signal N killed\n"
	"it); 125 when cnet failed, 126 when CMD cannot be executed, 127 when it is not found.\n"
	"The default network " NETDEF_DEFAULT_NETWORK " is created on first use.\n"
	"\n"
	"Options:\n"
	"      --network NAME    the network (default " NETDEF_DEFAULT_NETWORK "); none: only lo;\n"
	"                        host: no namespace at all (CMD runs in this one)\n"
	"      --name NAME       the namespace's name and container ID (default cnet-PID)\n"
	"      --ifname NAME     the interface in the namespace (default eth0)\n"
	"      --ip ADDR         ask for this address (once per IP family)\n"
	"      --mac MAC         the interface's MAC address\n"
	"  -p, --publish [HOSTIP:]HOSTPORT:PORT[/tcp|udp|sctp]\n"
	"                        publish a port or a range of ports on the host (repeatable)\n"
	"      --rm              accepted for docker's sake: the namespace is always removed\n"
	"  -h, --help            this help\n";

enum { OPT_NETWORK = 256, OPT_NAME, OPT_IFNAME, OPT_IP, OPT_MAC, OPT_RM };

static const int forwarded[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

struct run {
	const char *network;       /* NULL: none */
	const char *ifname;
	bool host;
	json_t *caps;
	char **cmd;
	struct runstate state;
	bool state_written, netns_made, attached;
	sigset_t blocked, old_mask;
};

/* 0: go on; else an exit status (-1: --help printed, exit 0). */
static int parse(struct cnet_ctx *ctx, int argc, char **argv, struct run *r, const char **name)
{
	static const struct option longopts[] = {
		{ "network", required_argument, NULL, OPT_NETWORK },
		{ "name", required_argument, NULL, OPT_NAME },
		{ "ifname", required_argument, NULL, OPT_IFNAME },
		{ "ip", required_argument, NULL, OPT_IP },
		{ "mac", required_argument, NULL, OPT_MAC },
		{ "publish", required_argument, NULL, 'p' },
		{ "rm", no_argument, NULL, OPT_RM },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cnet_err err = { 0 };
	const char *network = NETDEF_DEFAULT_NETWORK;
	int c, ret = 0;

	/* '+': options end at CMD, so `cnet run ping -c 1 x` needs no "--" */
	while ((c = getopt_long(argc, argv, "+:p:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_NETWORK:
			network = optarg;
			break;
		case OPT_NAME:
			*name = optarg;
			break;
		case OPT_IFNAME:
			r->ifname = optarg;
			break;
		case OPT_IP:
			ret = attachspec_add_ip(r->caps, optarg, &err);
			break;
		case OPT_MAC:
			ret = attachspec_set_mac(r->caps, optarg, &err);
			break;
		case 'p':
			ret = attachspec_add_port(r->caps, optarg, &err);
			break;
		case OPT_RM:
			break;
		case 'h':
			cnet_print_usage(ctx->cmd, stdout);
			return -1;
		default:
			cnet_getopt_error(ctx, c, argv);
			return RUN_EXIT_CNET;
		}
		if (ret < 0) {
			cnet_error("%s", err.msg);
			return RUN_EXIT_CNET;
		}
	}
	if (optind >= argc) {
		cnet_usage_error(ctx, "CMD is missing");
		return RUN_EXIT_CNET;
	}
	r->cmd = &argv[optind];
	r->host = !strcmp(network, "host");
	r->network = strcmp(network, "none") ? network : NULL;
	if ((r->host || !r->network) && json_object_size(r->caps)) {
		cnet_error("--network %s: no interface to give -p, --ip or --mac to", network);
		return RUN_EXIT_CNET;
	}
	if (r->host && (*name || r->ifname)) {
		cnet_error("--network host: no namespace to give --name or --ifname to");
		return RUN_EXIT_CNET;
	}
	if (!r->network && r->ifname) {
		cnet_error("--network none: no interface to give --ifname to");
		return RUN_EXIT_CNET;
	}
	return 0;
}

/* The child: into the namespace (with a sysfs of its own, as `ip netns exec`), then CMD. */
static void exec_child(const struct run *r, int netns_fd, pid_t parent)
{
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		signal(forwarded[i], SIG_DFL);
	signal(SIGCHLD, SIG_DFL);
	sigprocmask(SIG_SETMASK, &r->old_mask, NULL);
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(RUN_EXIT_CNET);
	if (netns_fd >= 0) {
		if (setns(netns_fd, CLONE_NEWNET) < 0) {
			fprintf(stderr, "cnet: enter %s: %s\n", r->state.netns, strerror(errno));
			_exit(RUN_EXIT_CNET);
		}
		/* best effort: /sys/class/net should list the namespace's links */
		if (unshare(CLONE_NEWNS) == 0 &&
		    mount("none", "/", "none", MS_SLAVE | MS_REC, NULL) == 0 &&
		    umount2("/sys", MNT_DETACH) == 0)
			mount("sysfs", "/sys", "sysfs", 0, NULL);
	}
	execvp(r->cmd[0], r->cmd);
	int e = errno;
	fprintf(stderr, "cnet: run %s: %s\n", r->cmd[0], strerror(e));
	_exit(e == ENOENT ? RUN_EXIT_NOTFOUND : RUN_EXIT_NOEXEC);
}

/* --network host: CMD replaces cnet. */
static int exec_host(const struct run *r)
{
	fflush(stdout);
	execvp(r->cmd[0], r->cmd);
	int e = errno;
	cnet_error("run %s: %s", r->cmd[0], strerror(e));
	return e == ENOENT ? RUN_EXIT_NOTFOUND : RUN_EXIT_NOEXEC;
}

static int lo_up(int netns_fd, struct cnet_err *err)
{
	cleanup_nl struct cnet_nl *nl = NULL;
	struct cnet_link lo;
	int ret = cnet_nl_open(&nl, netns_fd, err);

	if (ret >= 0)
		ret = cnet_nl_link_get(nl, "lo", &lo, err);
	if (ret == -ENODEV)
		return cnet_err_set(err, CNI_ERR_INTERNAL, ENODEV, "no lo in the new namespace");
	if (ret >= 0)
		ret = cnet_nl_link_set_up(nl, lo.ifindex, true, err);
	return ret;
}

/* Undo what setup did, backwards. A step that fails keeps what it could not remove and the
 * state file, for `cnet gc`. Returns 0 or an exit status. */
static int teardown(const struct cnet_ctx *ctx, struct run *r, const struct cnet_conflist *cl)
{
	struct cnet_err err = { 0 };

	if (r->attached &&
	    cnet_detach(ctx, cl, r->state.netns, r->state.name, r->state.ifname, &err) < 0) {
		cnet_error("detach %s from %s: %s (kept: run 'cnet gc' to retry)", r->state.name,
			   r->state.network, err.msg);
		return RUN_EXIT_CNET;
	}
	if (r->netns_made && netns_delete(r->state.name, &err) < 0) {
		cnet_error("%s (kept: run 'cnet gc' to retry)", err.msg);
		return RUN_EXIT_CNET;
	}
	if (r->state_written && runstate_remove(r->state.name, &err) < 0) {
		cnet_error("%s", err.msg);
		return RUN_EXIT_CNET;
	}
	return 0;
}

/* The run's state file; a name taken by another run is an error that says which. */
static int write_state(struct run *r, struct cnet_err *err)
{
	int ret = runstate_create(&r->state, err);
	struct runstate other;

	if (ret != -EEXIST)
		return ret;
	if (runstate_load(r->state.name, &other, err) < 0)
		return cnet_err_set(err, CNET_ERR_CONFLICT, EEXIST, "run %s", r->state.name);
	if (runstate_alive(&other))
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "--name %s: a cnet run of that name is running (pid %ld)",
				    r->state.name, other.pid);
	return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
			    "--name %s: left over by a cnet run that died (pid %ld): run 'cnet gc'",
			    r->state.name, other.pid);
}

/* State file, namespace, lo, attachment. */
static int setup(const struct cnet_ctx *ctx, struct run *r, const struct cnet_conflist *cl,
		 int *netns_fd, struct cnet_err *err)
{
	char path[PATH_MAX];
	int ret = write_state(r, err);

	if (ret < 0)
		return ret;
	r->state_written = true;
	ret = netns_create(r->state.name, path, sizeof(path), err);
	if (ret == -EEXIST)
		return cnet_err_set(err, CNET_ERR_CONFLICT, 0,
				    "a network namespace %s exists already (%s): choose another --name",
				    r->state.name, path);
	if (ret < 0)
		return ret;
	r->netns_made = true;
	*netns_fd = netns_open(path, err);
	if (*netns_fd < 0)
		return *netns_fd;
	ret = lo_up(*netns_fd, err);
	if (ret < 0 || !cl)
		return ret;
	struct cnet_attach_req req = { .netns = path, .container_id = r->state.name,
				       .ifname = r->state.ifname, .caps = r->caps };
	char ifname[16];
	json_auto_t *result = NULL;
	ret = cnet_attach(ctx, cl, &req, ifname, &result, err);
	if (ret < 0)
		cnet_err_prefix(err, "attach %s to %s", r->state.name, cl->name);
	else
		r->attached = true;
	return ret;
}

/* The first forwarded signal pending (blocked during setup), or 0. */
static int pending_signal(void)
{
	sigset_t pending;

	if (sigpending(&pending) < 0)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		if (sigismember(&pending, forwarded[i]))
			return forwarded[i];
	return 0;
}

/* Wait for the child, passing signals on; its wait status. */
static int supervise(struct run *r, pid_t child)
{
	sigset_t set = r->blocked;
	int status = 0;

	for (;;) {
		siginfo_t si;
		int sig = sigwaitinfo(&set, &si);
		if (sig < 0)
			continue;   /* EINTR */
		if (sig == SIGCHLD) {
			pid_t w = waitpid(child, &status, WNOHANG);
			if (w == child || (w < 0 && errno == ECHILD))
				return status;
			continue;
		}
		if (si.si_code != SI_KERNEL)
			kill(child, sig);
	}
}

/* The run's state: name, namespace path, network, interface, our pid and its start time. */
static int init_state(struct run *r, const char *name, struct cnet_err *err)
{
	struct runstate *s = &r->state;

	if (name && (strlen(name) >= sizeof(s->name) || !cni_valid_container_id(name)))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--name \"%s\": use letters, digits, '_', '.' and '-', starting "
				    "with a letter or digit, at most %zu", name, sizeof(s->name) - 1);
	if (r->ifname && !cni_valid_ifname(r->ifname))
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--ifname \"%s\": 1-15 bytes without '/', ':' or whitespace",
				    r->ifname);
	s->pid = (long)getpid();
	if (name)
		snprintf(s->name, sizeof(s->name), "%s", name);
	else
		snprintf(s->name, sizeof(s->name), "cnet-%ld", s->pid);
	snprintf(s->ifname, sizeof(s->ifname), "%s",
		 r->ifname ? r->ifname : r->network ? "eth0" : "");
	snprintf(s->network, sizeof(s->network), "%s", r->network ? r->network : "");
	if (netns_path(s->name, s->netns, sizeof(s->netns)) < 0)
		return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0,
				    "--name %s: no namespace path can be made of it", s->name);
	int ret = runstate_proc_start(s->pid, &s->start);
	if (ret < 0)
		return cnet_err_set(err, CNI_ERR_IO, -ret, "read /proc/%ld/stat", s->pid);
	return 0;
}

static void noop(int sig)
{
	(void)sig;
}

static int run_main(struct cnet_ctx *ctx, int argc, char **argv)
{
	json_auto_t *caps = attachspec_caps_new();
	struct run r = { .caps = caps };
	const char *name = NULL;
	int ret = parse(ctx, argc, argv, &r, &name);

	if (ret)
		return ret < 0 ? CNET_EXIT_OK : ret;
	if (r.host)
		return exec_host(&r);

	struct cnet_err err = { 0 };
	if (init_state(&r, name, &err) < 0) {
		cnet_error("%s", err.msg);
		return RUN_EXIT_CNET;
	}
	cleanup_conflist struct cnet_conflist *cl = NULL;
	if (r.network && cnet_network_open(ctx, r.network, true, &cl, &err) < 0) {
		cnet_error("%s", err.msg);
		return RUN_EXIT_CNET;
	}

	/* from here on, INT/TERM/HUP/QUIT wait in the queue (see the top of this file) */
	sigemptyset(&r.blocked);
	for (size_t i = 0; i < ARRAY_SIZE(forwarded); i++)
		sigaddset(&r.blocked, forwarded[i]);
	sigaddset(&r.blocked, SIGCHLD);
	signal(SIGCHLD, noop);
	sigprocmask(SIG_BLOCK, &r.blocked, &r.old_mask);

	cleanup_close int netns_fd = -1;
	if (setup(ctx, &r, cl, &netns_fd, &err) < 0) {
		cnet_error("%s", err.msg);
		teardown(ctx, &r, cl);
		return RUN_EXIT_CNET;
	}
	int sig = pending_signal();
	if (sig) {
		teardown(ctx, &r, cl);
		return 128 + sig;
	}
	fflush(stdout);
	fflush(stderr);
	pid_t parent = getpid(), child = fork();
	if (child == 0)
		exec_child(&r, netns_fd, parent);
	if (child < 0) {
		cnet_error("run: fork: %s", strerror(errno));
		teardown(ctx, &r, cl);
		return RUN_EXIT_CNET;
	}
	close(TAKE_FD(netns_fd));
	int status = supervise(&r, child);
	ret = teardown(ctx, &r, cl);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WIFEXITED(status) ? WEXITSTATUS(status) : ret;
}

const struct cnet_cmd cnet_cmd_run = {
	.name = "run",
	.summary = "Run a command in a new network namespace on a network",
	.usage = usage,
	.fn = run_main,
};
