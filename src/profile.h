/*
 * Profiles at work: generating one from a CPUID set, applying one to a
 * host, the baseline profile of a fleet, and the fleet's migration matrix.
 *
 * A profile (a cc_set of kind CC_KIND_PROFILE) fixes some bits and leaves
 * the rest to the host: applied to a host register it gives
 * (host & ~known) | value.  Generation walks the field database: policy
 * inherit copies the source's value, static:N fixes N, passthrough leaves
 * the bits to the host, and every bit no field covers is fixed to 0 (the
 * profile's uncovered rule is ZERO, as in Cloud Hypervisor, so that unknown
 * future features stay off).  The brand string becomes the profile's name.
 *
 * A baseline is generation over several sources at once: inherited flags
 * are intersected, ge fields take their minimum, le fields their maximum,
 * equal fields must agree (otherwise the field is left to the host and
 * reported as a conflict) and identity fields (family, model, stepping)
 * come from the oldest source.  XSAVE components the baseline no longer
 * enables are described as absent.
 *
 * The matrix answers "can a guest from set i run on set j" for every pair
 * with the same verdict as cc_diff, but compares per register with
 * precomputed masks: each set is reduced once to a vector of the registers
 * that can block a migration (subset bits, bits no field names,
 * ge/le/equal fields), sets with equal vectors share one class, and cells
 * are computed per pair of classes.  Fields are named only for cells that
 * are blocked, and only on request.
 *
 * Everything here is pure: no printing, no exit; errors name the input.
 */
#ifndef PROFILE_H
#define PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "cc_err.h"
#include "cpuid_set.h"
#include "defs.h"
#include "diff.h"

/* Longest profile name: the brand string holds 48 bytes, NUL included. */
#define CC_PROFILE_NAME_MAX 47

struct cc_profile_opts {
	const char *name;      /* profile name and brand string */
	const char *generated; /* meta "generated" (a timestamp), or NULL */
	const char *tool;      /* meta "tool" ("cpucompat 0.1"), or NULL */
};

/*
 * Generate a profile from SRC, a dump (what a guest of SRC's host can
 * see; ideally a KVM view).  The result is a new profile (uncovered rule
 * ZERO) whose metadata records where it came from (the source's own
 * metadata as "source_*").  NULL and E when SRC is not a dump, has no
 * vendor, or the name does not fit the brand string.
 */
struct cc_set *cc_profile_generate(const struct cc_set *src,
				   const struct cc_defs *d,
				   const struct cc_profile_opts *o,
				   struct cc_err *e);

/*
 * What a guest sees with profile P on HOST (a dump): every register of
 * HOST's leaves becomes (host & ~known) | value; registers P does not name
 * become 0 (uncovered ZERO) or stay the host's (uncovered HOST); single
 * subleaves P fixes but HOST lacks are added as if the host read 0.  The
 * result is a finished dump (leaves past P's range maxima dropped).  P may
 * also be a dump (every bit fixed).  NULL and E when HOST is a profile.
 * Whether HOST can run P at all is cc_diff(P, HOST) (check).
 */
struct cc_set *cc_profile_apply(const struct cc_set *p,
				const struct cc_set *host, struct cc_err *e);

/*
 * The self-check of a generated profile: P applied to its own source SRC
 * must pass `check` against SRC.  Returns the check report (verdict
 * CC_VERDICT_INCOMPATIBLE names the offending fields); *APPLIED receives
 * the applied set, which the report borrows: free the report first, then
 * the set.  NULL and E when the profile cannot be applied.
 */
struct cc_report *cc_profile_selfcheck(const struct cc_set *p,
				       const struct cc_set *src,
				       const struct cc_defs *d,
				       struct cc_set **applied,
				       struct cc_err *e);

/* One thing a source gives up in the baseline (a field it had). */
struct cc_baseline_cost {
	size_t source;                /* index into the sources */
	const struct cc_field *field; /* borrowed from the defs */
	uint32_t leaf, subleaf;
	uint32_t own, base;           /* the source's value, the baseline's */
};

/* An equal-rule field the sources disagree on: left to the host. */
struct cc_baseline_conflict {
	const struct cc_field *field; /* borrowed from the defs */
	uint32_t leaf, subleaf;
	size_t a, b;                  /* two sources that disagree */
	uint32_t va, vb;              /* their values */
};

struct cc_baseline {
	struct cc_set *profile;              /* owned */
	struct cc_baseline_cost *costs;      /* by source, then position */
	size_t ncosts;
	struct cc_baseline_conflict *conflicts;
	size_t nconflicts;
	size_t reference;                    /* source of the identity fields */
};

/*
 * The richest profile every one of SRC[0..N) can run.  Sources must be
 * dumps of one vendor: a profile or a vendor mix is an error naming the
 * source.  Costs list per source what it had that the baseline lacks.
 */
struct cc_baseline *cc_profile_baseline(const struct cc_set *const *src,
					size_t n, const struct cc_defs *d,
					const struct cc_profile_opts *o,
					struct cc_err *e);
void cc_baseline_free(struct cc_baseline *b);

/* ---------------------------------------------------------------- matrix */

enum cc_cell {
	CC_CELL_OK,      /* a guest of the row can run on the column */
	CC_CELL_BLOCKED, /* incompatible fields */
	CC_CELL_VENDOR,  /* vendor mismatch */
};

/* What blocks a cell: a field (or, FIELD NULL, one unnamed bit). */
struct cc_blocker {
	const struct cc_field *field;
	uint32_t leaf, subleaf;
	uint8_t reg, lo, hi;
};

struct cc_matrix;

/* Precompute the matrix of SETS[0..N) (borrowed; they and D must outlive
 * the matrix). */
struct cc_matrix *cc_matrix_new(const struct cc_set *const *sets, size_t n,
				const struct cc_defs *d);
void cc_matrix_free(struct cc_matrix *m);

/* Can a guest that sees set I run on set J? */
enum cc_cell cc_matrix_cell(const struct cc_matrix *m, size_t i, size_t j);

/* Sets with equal vectors share a class; cells depend only on classes. */
size_t cc_matrix_nclasses(const struct cc_matrix *m);
size_t cc_matrix_class(const struct cc_matrix *m, size_t i);

/*
 * The blockers of cell (I, J) in position order, into OUT (CAP entries);
 * returns how many there are (possibly more than CAP).  0 for OK and
 * vendor-mismatch cells.
 */
size_t cc_matrix_blockers(const struct cc_matrix *m, size_t i, size_t j,
			  struct cc_blocker *out, size_t cap);

#endif
