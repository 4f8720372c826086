/*
 * What the fleet modules share among themselves and nothing else uses:
 * the steps of cc_fleet_analyze that live in their own files.
 */
#ifndef FLEET_PRIV_H
#define FLEET_PRIV_H

#include "diff.h"
#include "fleet.h"

/* Name every class (fleet_name.c): brand, what it lacks next to the
 * other classes of its brand, the richest bundled profile it runs, and
 * every bundled profile it runs (runs[]). */
void fleet_name_classes(struct cc_fleet *f);

/* The same without runs[] (left as it was): brand, name and the richest
 * bundled profile only, which judges only the profiles richer than it;
 * for what names a class and its profile (matrix's legend, and
 * cc_fleet_analyze: fleet_name_runs fills runs[] when the labels ask). */
void fleet_name_classes_nearest(struct cc_fleet *f);

/* One baseline per vendor and its removal gains (fleet_base.c). */
int fleet_vendor_baselines(struct cc_fleet *f, struct cc_err *e);

/* The judgement of every class pair and target: `check` without waivers,
 * in the guest view (what a KVM guest can see), as `check` judges by
 * default. */
const struct cc_diff_opts *fleet_diff_opts(void);

/*
 * A quick sufficient test that cc_diff(A, B, fleet_diff_opts()) finds
 * A's guests cannot run on B: a bit a guest sees whose loss always
 * blocks (a subset field of severity incompatible, a flag KVM can offer,
 * an unnamed bit) is fixed to 1 in A and to 0 in B.  0 says nothing; the caller then runs cc_diff.  Most pairs
 * of a fleet's classes are settled here, in microseconds.
 */
int fleet_surely_blocked(struct cc_fleet *f, const struct cc_set *a,
			 const struct cc_set *b);

#endif
