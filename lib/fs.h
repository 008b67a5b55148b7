/* SPDX-License-Identifier: Apache-2.0 */
/* Files: atomic writes (temp file + rename), small reads, directories, flock locks. */
#ifndef CNET_FS_H
#define CNET_FS_H

#include <stddef.h>
#include <sys/types.h>

#include "err.h"

/* mkdir -p with mode for each created component. */
int fs_mkdir_p(const char *path, mode_t mode, struct cnet_err *err);

/*
 * Replace dirfd/name with data atomically: write "<name>.cnet-tmp.<pid>", then rename over name.
 * A reader sees the old or the new file, never a partial one; a process killed mid-way
 * leaves at most a temp file, which fs_is_temp() recognises.
 */
int fs_write_atomic(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		    struct cnet_err *err);
/*
 * Overwrite dirfd/name with data in place (created with mode if missing): no temp file, no
 * rename, no truncation to zero, so a disk filesystem does not flush anything on the way
 * (ext4 starts writeback at once when a file replaces another by rename or is truncated to
 * zero and closed: auto_da_alloc, ~0.3 ms and a disk write per call). Not atomic: only for
 * small files written and read under one lock, whose readers survive a torn write (a hint).
 */
int fs_write_in_place(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		      struct cnet_err *err);
/*
 * Create dirfd/name with data only when it does not exist yet, atomically: the data is
 * written to a temp file which is then hard-linked to name (link fails with EEXIST when taken).
 * Returns -EEXIST (err untouched) when name exists.
 */
int fs_create_excl(int dirfd, const char *name, const void *data, size_t len, mode_t mode,
		   struct cnet_err *err);
/* Read up to len-1 bytes of dirfd/name, NUL-terminated. Returns the length or -errno. */
ssize_t fs_read_small(int dirfd, const char *name, char *buf, size_t len);
/* True for names that fs_write_atomic / fs_create_excl use for temp files. */
int fs_is_temp(const char *name);

/* Take an exclusive flock on path (created 0600 if missing). Returns the fd; close releases. */
int lock_take(const char *path, struct cnet_err *err);
int lock_take_at(int dirfd, const char *name, struct cnet_err *err);

/*
 * Lock cnet's host-wide state called name ("nftables"): an flock on <run dir>/<name>.lock,
 * where the run dir is $CNET_RUN_DIR or /run/cni/cnet (created 0700). Returns the fd.
 */
int cnet_state_lock(const char *name, struct cnet_err *err);

#endif
