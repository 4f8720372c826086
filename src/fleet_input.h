/*
 * Fleet input: the ways an operator names thousands of hosts, and their
 * loading.  A SOURCE argument is
 *
 *   DIR         every regular file in the directory (not its
 *               subdirectories; names starting with '.' are skipped),
 *               in name order
 *   @FILE       a list: one source a line; blank lines and lines whose
 *               first non-blank character is '#' are skipped; relative
 *               paths are relative to the working directory
 *   -           the list on standard input
 *   otherwise   one source spec (a file, host, kvm, profile:NAME)
 *
 * Loading never stops at a bad host: each one is handed to the caller's
 * BAD callback as one message naming it, and the rest join the fleet.  A
 * list or directory that cannot be read is an error for the whole input.
 */
#ifndef FLEET_INPUT_H
#define FLEET_INPUT_H

#include <stddef.h>

#include "cc_err.h"
#include "fleet.h"
#include "source.h"

struct fleet_specs {
	char **v; /* owned */
	size_t n, cap;
};

/* Expand one SOURCE argument into S.  -1 and E when a directory or list
 * cannot be read (E names it). */
int fleet_specs_add(struct fleet_specs *s, const char *arg, struct cc_err *e);
void fleet_specs_free(struct fleet_specs *s);

struct fleet_load_opts {
	const struct source_opts *so; /* --input-format, --cpu; may be NULL */
	/* every PROGRESS_EVERY hosts and at the end (may be NULL) */
	void (*progress)(void *ctx, size_t done, size_t total);
	/* each host that cannot join, with why (may be NULL) */
	void (*bad)(void *ctx, const char *msg);
	void *ctx;
};
#define FLEET_PROGRESS_EVERY 1000

/* Load every spec of S into F; returns how many could not join. */
size_t fleet_load(struct cc_fleet *f, const struct fleet_specs *s,
		  const struct fleet_load_opts *o);

#endif
