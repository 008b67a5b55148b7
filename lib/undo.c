// SPDX-License-Identifier: Apache-2.0
#include <stdlib.h>

#include "log.h"
#include "undo.h"

void undo_push(struct undo *u, void (*fn)(void *ctx), void *ctx, const char *what)
{
	if (u->n >= UNDO_MAX) {
		/* A programming error: a fixed, small number of steps per ADD. */
		cnet_log_error("undo stack full at \"%s\"", what);
		abort();
	}
	u->steps[u->n++] = (struct undo_step){ fn, ctx, what };
}

void undo_run(struct undo *u)
{
	while (u->n > 0) {
		struct undo_step *s = &u->steps[--u->n];
		cnet_log_debug("rollback: %s", s->what);
		s->fn(s->ctx);
	}
}

void undo_drop(struct undo *u)
{
	u->n = 0;
}
