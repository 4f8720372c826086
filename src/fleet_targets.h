/*
 * Where can this guest go?  `cpucompat targets GUEST FLEET...`: every
 * class of the fleet judged against the guest by cc_diff (as `check GUEST
 * HOST` judges), the classes that can take it, and the others grouped by
 * the reason they cannot (the same list of blocking fields, or a vendor
 * mismatch), largest group first.
 */
#ifndef FLEET_TARGETS_H
#define FLEET_TARGETS_H

#include <stddef.h>

#include "cc_buf.h"
#include "diff.h"
#include "fleet.h"

struct fleet_reason {
	char *why; /* "vendor mismatch" or "lacks avx512_vnni, ..." */
	size_t *classes;
	size_t nclasses;
	size_t nhosts;
};

struct fleet_targets {
	size_t *ok; /* classes that can run the guest */
	size_t nok, okhosts;
	struct fleet_reason *r; /* the others, most hosts first */
	size_t nr;
};

/* Judge GUEST (borrowed) against every class of F with options O (NULL:
 * `check`'s default, the guest view without waivers). */
struct fleet_targets *fleet_targets(const struct cc_fleet *f,
				    const struct cc_set *guest,
				    const struct cc_diff_opts *o);
void fleet_targets_free(struct fleet_targets *t);

/* Render for a person (ALL: every host) or as JSON (schema
 * "cpucompat-targets/1"). */
void fleet_targets_text(struct cc_buf *b, const struct cc_fleet *f,
			const struct fleet_targets *t,
			const struct cc_set *guest, int all);
void fleet_targets_json(struct cc_buf *b, const struct cc_fleet *f,
			const struct fleet_targets *t,
			const struct cc_set *guest);

#endif
