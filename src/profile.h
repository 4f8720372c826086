/*
 * Profiles at work: generating one from a CPUID set, applying one to a
 * host, and the baseline profile of a fleet.  (The fleet's migration
 * matrix is matrix.h.)
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
	uint32_t own, base; /* the source's value, the baseline's */
};

/* An equal-rule field the sources disagree on: left to the host. */
struct cc_baseline_conflict {
	const struct cc_field *field; /* borrowed from the defs */
	uint32_t leaf, subleaf;
	size_t a, b;     /* two sources that disagree */
	uint32_t va, vb; /* their values */
};

struct cc_baseline {
	struct cc_set *profile;         /* owned */
	struct cc_baseline_cost *costs; /* by source, then position */
	size_t ncosts;
	struct cc_baseline_conflict *conflicts;
	size_t nconflicts;
	size_t reference; /* source of the identity fields */
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

/* Keep only the costs a guest can see in VIEW (enum cc_view, guest.h):
 * in the guest view a source gives up nothing a KVM guest never sees (the
 * maximum leaf, topology, HWP, RDT ...).  The profile is unchanged. */
void cc_baseline_view(struct cc_baseline *b, const struct cc_defs *d, int view);

#endif
