/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The undo stack: after each step of an ADD that changed the kernel or the disk, push how to
 * take it back; on failure run them in reverse; on success drop them.
 *
 *	struct undo u = UNDO_INIT;
 *	...create veth...;  undo_push(&u, del_veth, &ctx, "delete veth");
 *	if (fails) { undo_run(&u); return r; }
 *	undo_drop(&u);
 */
#ifndef CNET_UNDO_H
#define CNET_UNDO_H

#include <stddef.h>

#define UNDO_MAX 32

struct undo_step {
	void (*fn)(void *ctx);
	void *ctx;
	const char *what;
};

struct undo {
	struct undo_step steps[UNDO_MAX];
	size_t n;
};

#define UNDO_INIT { .n = 0 }

/* fn must be best effort: it logs its own failures (the first error is the one reported). */
void undo_push(struct undo *u, void (*fn)(void *ctx), void *ctx, const char *what);
void undo_run(struct undo *u);
void undo_drop(struct undo *u);

#endif
