/*
 * The diff engine: a pure function from two CPUID sets and the field
 * database to a report.  No printing, no exit, no curses: renderers
 * (report.h, the TUI) only read the report.
 *
 * check (directional): can a guest that sees SOURCE keep running on TARGET?
 * Every field compares by its rule (subset, equal, ge, le, info); bits no
 * field names compare as unnamed flags (subset).  diff (symmetric): every
 * difference in both directions.  Leaves past a range maximum do not exist
 * (they read as zero); bits a profile leaves to the host are counted as
 * host-dependent, never as differences.  Enabled XSAVE components must agree
 * in size and offset (0xD subleaf n, for every component the source's
 * XCR0|XSS enables).
 */
#ifndef DIFF_H
#define DIFF_H

#include <stddef.h>
#include <stdint.h>

#include "cpuid_set.h"
#include "defs.h"

enum cc_change {
	CC_CHANGE_MISSING, /* set on source, absent on target */
	CC_CHANGE_ADDED,   /* absent on source, set on target */
	CC_CHANGE_CHANGED, /* a value differs */
};

enum cc_status {
	CC_STATUS_DIFFERENT, /* a finding */
	CC_STATUS_MATCH,     /* equal or acceptable (only with with_matches) */
	CC_STATUS_HOSTDEP,   /* left to the host by a profile (with_matches) */
};

enum cc_verdict {
	CC_VERDICT_IDENTICAL,
	CC_VERDICT_COMPATIBLE,
	CC_VERDICT_INCOMPATIBLE,
};

struct cc_finding {
	uint32_t leaf, subleaf;
	uint8_t reg, lo, hi;
	uint8_t change;   /* enum cc_change */
	uint8_t severity; /* enum cc_sev */
	uint8_t rule;     /* enum cc_rule */
	uint8_t status;   /* enum cc_status */
	uint8_t waived;
	const struct cc_field *field; /* NULL: unnamed bits (borrowed) */
	uint32_t src, dst;            /* the field's values, shifted down */
	uint32_t src_known, dst_known; /* their known masks, shifted down */
	const char *waiver;           /* reason, borrowed from the waivers */
	uint8_t kvm_hides; /* the raw CPU has what the KVM target lacks */
};

struct cc_waiver {
	const char *name;   /* field name, any spelling, or position */
	const char *reason; /* may be "" */
};

struct cc_diff_opts {
	int symmetric;    /* diff rather than check */
	int with_matches; /* also record matching and host-dependent fields */
	const struct cc_waiver *waivers; /* --ignore and --waivers, borrowed */
	size_t nwaivers;
};

struct cc_report {
	const struct cc_set *src, *dst; /* borrowed */
	int symmetric;
	int vendor_mismatch;
	enum cc_verdict verdict;
	struct cc_finding *findings; /* sorted: status, severity desc, position */
	size_t n;
	size_t count[3];      /* differing, not waived, per enum cc_sev */
	size_t waived;        /* differing but waived */
	size_t host_dependent; /* fields left to the host */
	size_t matched;        /* fields compared and found acceptable */
	size_t kvm_hidden;     /* findings with kvm_hides set */
};

/* Compare; the report borrows SRC, DST and D, which must outlive it. */
struct cc_report *cc_diff(const struct cc_set *src, const struct cc_set *dst,
			  const struct cc_defs *d, const struct cc_diff_opts *o);
void cc_report_free(struct cc_report *r);

/* When the target is KVM's view of this machine, mark the findings whose
 * missing bits RAW_HOST (this machine's own CPUID) does have: the CPU has
 * the feature but KVM does not offer it to guests (nested virtualization,
 * a kvm module parameter, an old kernel).  Sets r->kvm_hidden. */
void cc_report_explain_kvm(struct cc_report *r, const struct cc_set *raw_host);

/* "missing", "added", "changed"; "identical", "compatible", "incompatible" */
const char *cc_change_name(enum cc_change c);
const char *cc_verdict_name(enum cc_verdict v);

/* "CPUID.(7,0).EBX[16]" or "CPUID.(0xd,1).EAX[4:0]" into OUT. */
void cc_finding_position(const struct cc_finding *f, char *out, size_t n);

/* Does waiver name W match finding F (name, spelling, alias, or position
 * "7.0.ebx[16]" / "CPUID.(7,0).EBX[16]")? */
int cc_waiver_matches(const char *w, const struct cc_finding *f);

#endif
