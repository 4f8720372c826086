/*
 * The dependency check of a CPUID set (`cpucompat lint`): features need
 * other features (AVX2 needs AVX, every AVX-512 extension needs
 * AVX512F), XSAVE state components (AVX needs XCR0 bit 2, AVX512F bits
 * 5-7, MPX bits 3-4, PKU bit 9, AMX bits 17-18) and leaves (AMX needs
 * leaves 0x1D and 0x1E, Intel PT leaf 0x14, SVM leaf 0x8000000A).  The
 * table holds positions and our field names (defs/ spelling); the facts
 * come from the Intel SDM and AMD APM and from QEMU's own tables (its
 * feature dependencies and XSAVE state areas).
 *
 * A dump (every bit known) violates a dependency when it has the feature
 * and lacks what the feature needs.  A profile fixes some bits and leaves
 * the rest to the host; for it:
 *   - a feature the profile fixes to 0 needs nothing;
 *   - a need the profile fixes to 0 (or a leaf past a range maximum it
 *     fixes) is a violation when the feature is required or left to the
 *     host: a host that has the feature would give the guest the feature
 *     without what it needs;
 *   - a need left to the host is fine for features and leaves (a host that
 *     has the feature has them), but not for an XSAVE state component of
 *     a required feature: what CPUID.(0xD,0) reports depends on the state
 *     the host's OS enables, so a profile that requires AVX-512 must
 *     require XCR0 bits 5-7, or `check` passes hosts that cannot run it
 *     (QEMU refuses them).
 *
 * Pure: no printing, no exit.
 */
#ifndef LINT_H
#define LINT_H

#include <stddef.h>
#include <stdint.h>

#include "cpuid_set.h"

/* One bit of CPUID, or (LINT_NEEDS_LEAF) one leaf. */
struct lint_bit {
	uint32_t leaf, subleaf;
	uint8_t reg; /* enum cc_reg */
	uint8_t bit;
	const char *name; /* field name in defs/, "leaf 0x1d" for a leaf */
};

enum lint_kind {
	LINT_NEEDS_FEATURE, /* another feature flag */
	LINT_NEEDS_STATE,   /* an XSAVE state component (XCR0 or IA32_XSS) */
	LINT_NEEDS_LEAF,    /* a leaf must exist (needs.leaf) */
};

struct lint_dep {
	struct lint_bit feature;
	enum lint_kind kind;
	struct lint_bit needs;
	const char *what; /* what is needed, for people: "XCR0 bit 5 (AVX-512
	                   * opmask state)", "AVX" */
};

enum lint_problem {
	LINT_MISSING, /* the need is 0 (a dump lacks it, a profile fixes 0) */
	LINT_HOST,    /* a profile requires the feature but leaves the
	               * state component to the host */
};

struct lint_finding {
	const struct lint_dep *dep; /* borrowed from the static table */
	enum lint_problem problem;
	int required; /* 1: the set has (or requires) the feature; 0: a
	               * profile leaves it to the host */
	char message[320];
};

struct lint_report {
	struct lint_finding *findings; /* in table order */
	size_t n;
	size_t checked; /* dependencies whose feature the set can have */
};

/* The dependency table (static); *N receives its length. */
const struct lint_dep *lint_deps(size_t *n);

/*
 * Check S against the table.  Returns a new report (never NULL): no
 * findings means S is consistent.  S is borrowed.
 */
struct lint_report *lint_check(const struct cc_set *s);
void lint_report_free(struct lint_report *r);

/* B's position into OUT: "CPUID.(7,0).EBX[16]", or "leaf 0x1d". */
void lint_position(const struct lint_bit *b, enum lint_kind kind, char *out,
		   size_t n);

#endif
