/* SPDX-License-Identifier: Apache-2.0 */
/*
 * IPAM delegation (SPEC.md "Delegated plugins"): find the binary named by ipam.type on
 * CNI_PATH, exec it with the caller's environment (CNI_COMMAND replaced) and the caller's whole
 * config on stdin, and parse what it prints: a result on ADD, the error JSON on failure (its
 * code and message are passed up, prefixed with the delegate's name).
 */
#ifndef CNET_IPAM_H
#define CNET_IPAM_H

#include "cni.h"
#include "undo.h"

/* The "ipam" object's "type", or NULL when ipam, or its type, is absent or "" (layer 2 only). */
int ipam_type(const struct cni_args *a, const char **type, struct cnet_err *err);
/* The same, from a plugin config object. */
int ipam_conf_type(json_t *config, const char **type, struct cnet_err *err);

/* STATUS of a main plugin that has nothing of its own to report: its IPAM's (0 without one). */
int ipam_status(const struct cni_args *a, struct cnet_err *err);

/* Run command ("ADD", "DEL", "CHECK", "GC", "STATUS") on the delegate. On ADD, *out receives
 * the parsed result (out may be NULL otherwise). */
int ipam_exec(const struct cni_args *a, const char *type, const char *command,
	      struct cni_result **out, struct cnet_err *err);

/*
 * The IPAM step of a main plugin's ADD: type's ADD into *out, its DEL pushed on u (run when a
 * later step fails: l records what it needs and must live as long as u), a result without
 * any address refused (code 101), and every address pointed at result interface iface (-1:
 * none).
 */
struct ipam_lease {
	const struct cni_args *a;
	const char *type;
};
int ipam_add(struct ipam_lease *l, const struct cni_args *a, const char *type, int iface,
	     struct undo *u, struct cni_result **out, struct cnet_err *err);

/*
 * In-process IPAM. A main plugin may link an IPAM plugin of cnet's (host-local) and register
 * it; ipam_exec() then calls it in this process instead of exec'ing it — only when the binary
 * CNI_PATH names for that type is the one next to the running executable (this build of
 * cnet's own): a foreign or another version's host-local is still exec'd. The delegate gets
 * the very arguments an exec would have given it (the same config and environment), its
 * result goes through the same JSON emission and parsing, its errors get the same "ipam <type>
 * <command>" prefix: nothing but the fork and exec changes. CNET_IPAM_EXEC=1 turns it off.
 */
void ipam_link(const struct cni_plugin *p);

/* Low level: run bin with env and stdin_data; collects stdout. Exit status in *status. */
int cnet_exec_plugin(const char *bin, char *const envp[], const char *stdin_data,
		     size_t stdin_len, char **out, size_t *out_len, int *status,
		     struct cnet_err *err);

/* Find type on the ':'-separated path into buf. -ENOENT (err filled, code 7) when absent. */
int cnet_find_plugin(const char *path, const char *type, char *buf, size_t len,
		     struct cnet_err *err);

#endif
