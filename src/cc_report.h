/*
 * The report model: what a comparison of two CPUID sets found, and
 * everything a renderer prints about it.  The diff engine (diff.h) builds
 * a report; the renderers (report.h), the explorer and the commands only
 * read it.  A report names both inputs on its own (struct cc_report_side:
 * where each set came from, its brand, vendor, kind and family/model/
 * stepping), so nothing that renders it needs the sets.
 *
 * It also holds the one rule for the exit status every renderer reports
 * and the command returns (cc_finding_fails, cc_report_exit), and what
 * each finding means in words (cc_finding_meaning).
 *
 * Ownership: a report owns its findings, both sides' strings and its
 * per-waiver counts; a finding borrows its field (from the defs) and its
 * waiver reason, and the report its waivers (from the diff options),
 * which must outlive the report.
 */
#ifndef CC_REPORT_H
#define CC_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "cpuid_set.h"
#include "defs.h"

enum cc_change {
	CC_CHANGE_MISSING, /* set on source, absent on target */
	CC_CHANGE_ADDED,   /* absent on source, set on target */
	CC_CHANGE_CHANGED, /* a value differs */
	CC_CHANGE_STANCE,  /* two profiles: what the field's stance is (see
			    * enum cc_stance) differs */
};

/* What a profile does with a field (from its known mask and value): a
 * dump's fields are always required, absent or fixed. */
enum cc_stance {
	CC_STANCE_HOST,     /* left to the host (no bit known) */
	CC_STANCE_REQUIRED, /* a flag fixed to 1: hosts must have it */
	CC_STANCE_ABSENT,   /* a flag fixed to 0: guests never see it */
	CC_STANCE_FIXED,    /* a multi-bit field fixed to a value */
	CC_STANCE_PARTIAL,  /* some of its bits fixed, the rest the host's */
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
	const struct cc_field *field;  /* NULL: unnamed bits (borrowed) */
	uint32_t src, dst;             /* the field's values, shifted down */
	uint32_t src_known, dst_known; /* their known masks, shifted down */
	const char *waiver;            /* reason, borrowed from the waivers */
	uint8_t kvm_hides;   /* the raw CPU has what the KVM target lacks */
	uint8_t consequence; /* enum cc_conseq: what the guest loses */
	uint8_t unseen;      /* enum cc_unseen (guest.h): why no KVM guest can
			      * see it; 0 = seen (always 0 in the raw view) */
	uint8_t folded;      /* guest view: folded under a vendor mismatch */
	const char *hint;    /* likely cause, borrowed from the defs, or NULL */
};

/* One accepted difference, as --ignore or a waivers file gave it. */
struct cc_waiver {
	const char *name;   /* field name, any spelling, position or category */
	const char *reason; /* why it is accepted; never empty in a file */
	const char *where;  /* "waivers.txt:3" or "--ignore" */
};

/* One compared input, as the report names it. */
struct cc_report_side {
	char *origin; /* where it came from as the user named it (a file
		       * path, "-", "host", "kvm", "profile:NAME"), else the
		       * set's name: cc_set_label */
	char *name;   /* the set's own name ("xeon-gold-6148", "host") */
	char *model;  /* brand string, else "comment" metadata, else NULL */
	char vendor_id[13]; /* "GenuineIntel"; "" when leaf 0 is unknown */
	enum cc_vendor vendor;
	enum cc_kind kind;
	int has_fms; /* leaf 1 present: family, model_number, stepping set */
	unsigned family, model_number, stepping;
};

struct cc_report {
	struct cc_report_side source, target; /* owned */
	int symmetric;
	int vendor_mismatch;
	enum cc_verdict verdict;
	/* sorted: status, severity desc, position; the guest view puts
	 * the unseen after the seen, a vendor mismatch's vendor first and
	 * orders each severity by consequence before position */
	struct cc_finding *findings;
	size_t n;
	size_t count[3];       /* differing, not waived, per enum cc_sev */
	size_t waived;         /* differing but waived */
	size_t host_dependent; /* fields left to the host */
	size_t matched;        /* fields compared and found acceptable */
	size_t kvm_hidden;     /* findings with kvm_hides set */
	int view;              /* enum cc_view (guest.h) the diff judged in */
	const char *kvm_rules; /* guest view: "Linux 7.1" (borrowed defs) */
	size_t unseen;         /* differences no KVM guest can see (guest
				* view): never counted in count[] */
	const char *kvm_hides_hint; /* hint for kvm_hides findings, or NULL */
	size_t failing; /* findings that set exit status 1 (below) */
	const struct cc_waiver *waivers; /* the diff's waivers (borrowed) */
	size_t nwaivers;
	size_t *waiver_hits;   /* per waiver, findings it accepted (owned) */
	size_t unused_waivers; /* waivers that accepted nothing */
	uint8_t msrs_unjudged; /* feature MSRs not compared because one side
				* carries none: 1 only the source carries
				* them, 2 only the target; 0 compared, or
				* neither side carries any */
};

/* A report of SRC -> DST with no findings yet: both sides described from
 * the sets (copied), R->src and R->dst pointing at them.  Never NULL. */
struct cc_report *cc_report_new(const struct cc_set *src,
				const struct cc_set *dst);
void cc_report_free(struct cc_report *r);

/* When the target is KVM's view of this machine, mark the findings whose
 * missing bits RAW_HOST (this machine's own CPUID) does have: the CPU has
 * the feature but KVM does not offer it to guests (nested virtualization,
 * a kvm module parameter, an old kernel).  Sets r->kvm_hidden. */
void cc_report_explain_kvm(struct cc_report *r, const struct cc_set *raw_host);

/* What people call S in a header: its brand string, else its "comment"
 * metadata, else its name, into OUT. */
void cc_report_set_title(const struct cc_set *s, char *out, size_t n);
/* The same for a report side: its model, else its name. */
const char *cc_report_side_title(const struct cc_report_side *side);

/*
 * Does F count against the comparison, so that the command exits 1?  A
 * difference a guest can see, not waived, not folded under a vendor
 * mismatch (which counts itself), and: in a diff (symmetric) of any
 * severity, in a check only an incompatible one.
 */
int cc_finding_fails(const struct cc_report *r, const struct cc_finding *f);

/* The exit status the report stands for: 1 when a finding fails, the
 * vendors differ, or (STRICT_WAIVERS) a waiver accepted nothing; else 0. */
int cc_report_exit(const struct cc_report *r, int strict_waivers);

/* Do the two sets look the same to a guest: no difference a guest can
 * see (waived or not), nothing left to the host by one side only, no
 * vendor mismatch?  True for an identical
 * report, and for two captures of one host that differ only in what the
 * VMM sets per vCPU (APIC IDs, topology) or no KVM guest sees. */
int cc_report_equal_for_guests(const struct cc_report *r);

/* Is F the one finding that stands for a vendor mismatch in the guest
 * view of check (the first differing register of the vendor string)? */
int cc_report_is_vendor(const struct cc_report *r, const struct cc_finding *f);

/* The stance of F's field on the source (TARGET 0) or target side. */
enum cc_stance cc_finding_stance(const struct cc_finding *f, int target);
/* "host", "required", "absent", "fixed", "partial" */
const char *cc_stance_name(enum cc_stance s);

/* What F means, for people, one sentence naming the field NAME: "now
 * requires avx512vbmi: hosts without it can no longer run this profile",
 * "the target lacks avx2: a guest that uses it fails"... into OUT. */
void cc_finding_meaning(const struct cc_report *r, const struct cc_finding *f,
			const char *name, char *out, size_t n);

/* "missing", "added", "changed", "stance"; "identical", "compatible",
 * "incompatible" */
const char *cc_change_name(enum cc_change c);
const char *cc_verdict_name(enum cc_verdict v);

/* "CPUID.(7,0).EBX[16]" or "CPUID.(0xd,1).EAX[4:0]" into OUT. */
void cc_finding_position(const struct cc_finding *f, char *out, size_t n);

#endif
