/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Base64 (RFC 4648 standard alphabet, '=' padding): how Go's encoding/json writes a []byte,
 * and so how libcni's result cache holds the conflist ("config").
 */
#ifndef CNET_BASE64_H
#define CNET_BASE64_H

#include <stddef.h>

/* The encoding of data, NUL-terminated, malloc'd; NULL when out of memory. */
char *base64_encode(const void *data, size_t len);

/*
 * Decode len characters of s into a malloc'd buffer of *out_len bytes (plus a NUL, so text
 * can be used as a string). Line breaks are ignored and the final padding may be omitted.
 * NULL with errno EINVAL for a character outside the alphabet or misplaced padding, ENOMEM.
 */
void *base64_decode(const char *s, size_t len, size_t *out_len);

#endif
