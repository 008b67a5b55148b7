// SPDX-License-Identifier: Apache-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "err.h"

int cnet_err_set(struct cnet_err *err, int code, int errnum, const char *fmt, ...)
{
	if (errnum < 0)
		errnum = -errnum;
	if (err) {
		va_list ap;
		va_start(ap, fmt);
		int n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
		if (errnum && n >= 0 && (size_t)n < sizeof(err->msg))
			snprintf(err->msg + n, sizeof(err->msg) - (size_t)n, ": %s", strerror(errnum));
		err->code = code;
		err->details[0] = '\0';
	}
	return errnum ? -errnum : -EINVAL;
}

void cnet_err_prefix(struct cnet_err *err, const char *fmt, ...)
{
	if (!err)
		return;
	char prefix[CNET_ERR_MSG_MAX];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	char joined[2 * CNET_ERR_MSG_MAX + 2];
	snprintf(joined, sizeof(joined), "%s: %s", prefix, err->msg);
	snprintf(err->msg, sizeof(err->msg), "%.*s", (int)sizeof(err->msg) - 1, joined);
}

void cnet_err_details(struct cnet_err *err, const char *fmt, ...)
{
	if (!err)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->details, sizeof(err->details), fmt, ap);
	va_end(ap);
}

void cnet_err_clear(struct cnet_err *err)
{
	if (err) {
		err->code = 0;
		err->msg[0] = '\0';
		err->details[0] = '\0';
	}
}

int cnet_err_kernel_v(struct cnet_err *err, int errnum, const char *ext, const char *fmt,
		      va_list ap)
{
	char what[CNET_ERR_MSG_MAX / 2];
	if (errnum < 0)
		errnum = -errnum;
	vsnprintf(what, sizeof(what), fmt, ap);
	if (ext && ext[0])
		cnet_err_set(err, CNET_ERR_KERNEL, 0, "%s: %s (kernel: %s)", what, strerror(errnum),
			     ext);
	else
		cnet_err_set(err, CNET_ERR_KERNEL, errnum, "%s", what);
	return -errnum;
}

int cnet_err_kernel(struct cnet_err *err, int errnum, const char *ext, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = cnet_err_kernel_v(err, errnum, ext, fmt, ap);
	va_end(ap);
	return r;
}
