/*
 * The guest view: what one difference between two CPUID sets means to a
 * KVM guest.  The diff engine (diff.c) walks the sets and finds where
 * they differ; this module judges one such difference: can a guest see
 * it at all (KVM never shows it, it lies outside KVM's mask, the VMM sets
 * it on the target anyway, KVM offers it everywhere, it follows the
 * guest's own state), what the guest loses (consequence), and the likely
 * cause (hint).  Everything it reads was settled per field at build time
 * (defs.h); a judgement is a few table reads, no search per bit.
 *
 * The raw view judges raw CPUID as it is: every difference is seen, and
 * the consequence and hint are still given.
 */
#ifndef GUEST_H
#define GUEST_H

#include <stdint.h>

#include "defs.h"

enum cc_view {
	CC_VIEW_RAW,   /* raw CPUID: every difference counts */
	CC_VIEW_GUEST, /* what a KVM guest started on the source can see */
};

/* Why a difference cannot matter to a KVM guest. */
enum cc_unseen {
	CC_UNSEEN_NONE,     /* a guest sees it */
	CC_UNSEEN_NEVER,    /* KVM never shows it to a guest */
	CC_UNSEEN_MASK,     /* a bit outside what KVM offers in its register */
	CC_UNSEEN_VMM,      /* the VMM sets it on the target anyway */
	CC_UNSEEN_EMULATED, /* KVM offers it on every host */
	CC_UNSEEN_RUNTIME,  /* it follows the guest's own state */
	CC_UNSEEN_COMPUTED, /* KVM computes it from fields judged themselves */
};

struct cc_judgement {
	uint8_t unseen;      /* enum cc_unseen */
	uint8_t consequence; /* enum cc_conseq */
	uint8_t offerable;   /* a flag KVM can offer: losing it always blocks */
	const char *hint;    /* from the defs, NULL when none */
};

/*
 * Judge a difference in bits BITS of register (LEAF, SUBLEAF, REG), which
 * FIELD covers (NULL: bits no field names), in VIEW.  A database without
 * KVM rules judges every view as raw.
 */
void cc_guest_judge(const struct cc_defs *d, enum cc_view view,
		    const struct cc_field *field, uint32_t leaf,
		    uint32_t subleaf, int reg, uint32_t bits,
		    struct cc_judgement *out);

/* The bits of (LEAF, SUBLEAF, REG) that, when no field names them, a
 * guest can see in VIEW (all of them in the raw view). */
uint32_t cc_guest_unnamed_mask(const struct cc_defs *d, enum cc_view view,
			       uint32_t leaf, uint32_t subleaf, int reg);

/*
 * The values a guest would compare for FIELD, given both sides' whole
 * register values SRC_REG and DST_REG: *SRC and *DST (FIELD's bits,
 * shifted down) are capped at the field's guest_max, and a zero_means
 * value of 0 becomes the named bits' value; equal values are left alone.
 * Only for the guest view.
 */
void cc_guest_values(const struct cc_field *field, uint32_t src_reg,
		     uint32_t dst_reg, uint32_t *src, uint32_t *dst);

/* What a KVM guest sees of FIELD, for people: "never seen by a KVM guest",
 * "KVM offers it when the host CPU and kernel have it", ... */
const char *cc_guest_text(const struct cc_field *field);

/* "raw", "guest"; parse returns -1 for anything else. */
const char *cc_view_name(enum cc_view v);
int cc_view_parse(const char *s);

/* "seen", "never", "outside-kvm-mask", "vmm", "emulated", "runtime",
 * "computed": the class a report gives a difference no guest can see. */
const char *cc_unseen_name(enum cc_unseen u);

/* What the difference's class means, for people: "KVM never shows it to
 * a guest", ... ("" for CC_UNSEEN_NONE). */
const char *cc_unseen_text(enum cc_unseen u);

#endif
