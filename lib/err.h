/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The error contract, written once.
 *
 * A function that can fail returns 0 (or a non-negative value) on success and a negative
 * errno-style value on failure (or NULL), and takes `struct cnet_err *err` as its last
 * argument. It fills `err` only when it fails:
 *
 *	return cnet_err_set(err, CNI_ERR_INVALID_CONFIG, 0, "ipam.subnet: expected a CIDR");
 *
 * Callers add context on the way up with cnet_err_prefix(). The first failure is the one
 * reported: rollback errors are logged, never substituted. Only cni_main() (and the main of
 * the cnet command) prints an error.
 */
#ifndef CNET_ERR_H
#define CNET_ERR_H

#include <stdarg.h>

/* The CNI spec's well-known error codes (SPEC.md "Error"); 100+ are cnet's own. */
enum cni_err_code {
	CNI_ERR_INCOMPATIBLE_VERSION = 1,
	CNI_ERR_UNSUPPORTED_FIELD = 2,
	CNI_ERR_UNKNOWN_CONTAINER = 3,
	CNI_ERR_INVALID_ENV = 4,
	CNI_ERR_IO = 5,
	CNI_ERR_DECODE = 6,
	CNI_ERR_INVALID_CONFIG = 7,
	CNI_ERR_TRY_AGAIN = 11,
	CNI_ERR_NOT_AVAILABLE = 50,
	CNI_ERR_NOT_AVAILABLE_LIMITED = 51,
	CNI_ERR_INTERNAL = 999,
	/* cnet's own */
	CNET_ERR_KERNEL = 100,      /* a netlink / nftables request failed */
	CNET_ERR_IPAM = 101,        /* the IPAM delegate failed or returned nonsense */
	CNET_ERR_EXHAUSTED = 102,   /* no free address in the range(s) */
	CNET_ERR_CONFLICT = 103,    /* the resource is held by another attachment */
};

#define CNET_ERR_MSG_MAX 1024

struct cnet_err {
	int code;
	char msg[CNET_ERR_MSG_MAX];
	char details[CNET_ERR_MSG_MAX];
};

/*
 * Fill err with code and the formatted message; when errnum is non-zero, ": strerror(errnum)"
 * is appended. Returns -errnum, or -EINVAL when errnum is 0, so it can be returned directly.
 * err may be NULL.
 */
int cnet_err_set(struct cnet_err *err, int code, int errnum, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Prepend "<context>: " to the message already in err. */
void cnet_err_prefix(struct cnet_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Set the details string (free-form, shown as "details" in the error JSON). */
void cnet_err_details(struct cnet_err *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void cnet_err_clear(struct cnet_err *err);

/*
 * A failed kernel request: "<what>: <strerror(errnum)>", with " (kernel: <ext>)" when the
 * kernel sent extended-ack text. Code CNET_ERR_KERNEL. Returns -errnum.
 */
int cnet_err_kernel(struct cnet_err *err, int errnum, const char *ext, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int cnet_err_kernel_v(struct cnet_err *err, int errnum, const char *ext, const char *fmt,
		      va_list ap) __attribute__((format(printf, 4, 0)));

#endif
