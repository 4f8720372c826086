/*
 * The guest view: see guest.h.
 *
 * A named field carries its verdict in the table: never, vmm and the KVM
 * offers that do not depend on the host (emulated, runtime, computed) are
 * unseen; everything else is seen.  Bits no field names take their
 * register's entry in the register table: none means never seen, a KVM
 * register shows only its mask, a passthrough register its mask.  A field
 * over a range of subleaves is seen only where its register has an entry
 * (KVM emits XSAVE component subleaves only for the components it offers).
 */
#include "config.h"

#include <string.h>

#include "guest.h"

static uint8_t field_unseen(const struct cc_field *f)
{
	switch ((enum cc_guest)f->guest) {
	case CC_GUEST_NEVER:
		return CC_UNSEEN_NEVER;
	case CC_GUEST_VMM:
		return CC_UNSEEN_VMM;
	case CC_GUEST_PASSTHROUGH:
		return CC_UNSEEN_NONE;
	case CC_GUEST_KVM:
		break;
	}
	switch ((enum cc_offer)f->offer) {
	case CC_OFFER_EMULATED:
		return CC_UNSEEN_EMULATED;
	case CC_OFFER_RUNTIME:
		return CC_UNSEEN_RUNTIME;
	case CC_OFFER_COMPUTED:
		return CC_UNSEEN_COMPUTED;
	default:
		return CC_UNSEEN_NONE;
	}
}

static uint8_t bits_unseen(const struct cc_defs *d, uint32_t leaf,
			   uint32_t subleaf, int reg, uint32_t bits)
{
	const struct cc_guest_reg *r = cc_defs_guest_reg(d, leaf, subleaf, reg);

	if (r == NULL)
		return CC_UNSEEN_NEVER;
	if (r->guest == CC_GUEST_VMM)
		return CC_UNSEEN_VMM;
	if ((bits & r->mask) == 0)
		return r->guest == CC_GUEST_KVM ? CC_UNSEEN_MASK
						: CC_UNSEEN_NEVER;
	return CC_UNSEEN_NONE;
}

void cc_guest_judge(const struct cc_defs *d, enum cc_view view,
		    const struct cc_field *field, uint32_t leaf,
		    uint32_t subleaf, int reg, uint32_t bits,
		    struct cc_judgement *out)
{
	int guest = view == CC_VIEW_GUEST && d->kvm_rules != NULL;

	memset(out, 0, sizeof *out);
	if (field != NULL) {
		out->consequence = field->consequence;
		out->hint = field->hint;
		out->offerable = field->guest == CC_GUEST_KVM &&
				 (field->offer == CC_OFFER_HOST ||
				  field->offer == CC_OFFER_SYNTHESIZED ||
				  field->offer == CC_OFFER_MODULE) &&
				 field->lo == field->hi &&
				 field->rule == CC_RULE_SUBSET;
		out->unseen = guest ? field_unseen(field) : CC_UNSEEN_NONE;
		/* a field over many subleaves (XSAVE components) is seen
		 * only in those KVM emits */
		if (guest && out->unseen == CC_UNSEEN_NONE &&
		    field->first != field->last &&
		    cc_defs_guest_reg(d, leaf, subleaf, reg) == NULL)
			out->unseen = CC_UNSEEN_NEVER;
		return;
	}
	/* a bit we cannot name may be a feature the guest detected */
	out->consequence = CC_CONSEQ_INSTRUCTION;
	out->unseen = guest ? bits_unseen(d, leaf, subleaf, reg, bits)
			    : CC_UNSEEN_NONE;
}

uint32_t cc_guest_unnamed_mask(const struct cc_defs *d, enum cc_view view,
			       uint32_t leaf, uint32_t subleaf, int reg)
{
	const struct cc_guest_reg *r;

	if (view != CC_VIEW_GUEST || d->kvm_rules == NULL)
		return UINT32_MAX;
	r = cc_defs_guest_reg(d, leaf, subleaf, reg);
	return r == NULL || r->guest == CC_GUEST_VMM ? 0 : r->mask;
}

static uint32_t bits_of(uint32_t v, unsigned lo, unsigned hi)
{
	return hi - lo == 31 ? v : (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

void cc_guest_values(const struct cc_field *f, uint32_t src_reg,
		     uint32_t dst_reg, uint32_t *src, uint32_t *dst)
{
	/* equal values stay equal: a zero_means field that is 0 on both
	 * sides is judged through the field it names, not twice */
	if (*src == *dst)
		return;
	if (f->zero_means) {
		if (*src == 0)
			*src = bits_of(src_reg, f->zero_lo, f->zero_hi);
		if (*dst == 0)
			*dst = bits_of(dst_reg, f->zero_lo, f->zero_hi);
	}
	if (f->guest_max != 0) {
		if (*src > f->guest_max)
			*src = f->guest_max;
		if (*dst > f->guest_max)
			*dst = f->guest_max;
	}
}

const char *cc_guest_text(const struct cc_field *f)
{
	switch ((enum cc_guest)f->guest) {
	case CC_GUEST_NEVER:
		return "never seen by a KVM guest";
	case CC_GUEST_VMM:
		return "set by the VMM";
	case CC_GUEST_PASSTHROUGH:
		return "the host's value reaches the guest";
	case CC_GUEST_KVM:
		break;
	}
	switch ((enum cc_offer)f->offer) {
	case CC_OFFER_HOST:
		return "KVM offers it when the host CPU and kernel have it";
	case CC_OFFER_EMULATED:
		return "KVM offers it on every host";
	case CC_OFFER_SYNTHESIZED:
		return "KVM derives it from the host kernel's state";
	case CC_OFFER_RUNTIME:
		return "follows the guest's own state";
	case CC_OFFER_MODULE:
		return "KVM offers it only with a module parameter";
	case CC_OFFER_COMPUTED:
		return "KVM computes it from other fields";
	case CC_OFFER_NONE:
		break;
	}
	return "?";
}

const char *cc_view_name(enum cc_view v)
{
	return v == CC_VIEW_GUEST ? "guest" : "raw";
}

int cc_view_parse(const char *s)
{
	if (strcmp(s, "guest") == 0)
		return CC_VIEW_GUEST;
	if (strcmp(s, "raw") == 0)
		return CC_VIEW_RAW;
	return -1;
}

const char *cc_unseen_name(enum cc_unseen u)
{
	switch (u) {
	case CC_UNSEEN_NONE:
		return "seen";
	case CC_UNSEEN_NEVER:
		return "never";
	case CC_UNSEEN_MASK:
		return "outside-kvm-mask";
	case CC_UNSEEN_VMM:
		return "vmm";
	case CC_UNSEEN_EMULATED:
		return "emulated";
	case CC_UNSEEN_RUNTIME:
		return "runtime";
	case CC_UNSEEN_COMPUTED:
		return "computed";
	}
	return "?";
}

const char *cc_unseen_text(enum cc_unseen u)
{
	switch (u) {
	case CC_UNSEEN_NONE:
		return "";
	case CC_UNSEEN_NEVER:
		return "KVM never shows it to a guest";
	case CC_UNSEEN_MASK:
		return "KVM does not offer this bit";
	case CC_UNSEEN_VMM:
		return "the VMM sets it on the target";
	case CC_UNSEEN_EMULATED:
		return "KVM offers it on every host";
	case CC_UNSEEN_RUNTIME:
		return "it follows the guest's own state";
	case CC_UNSEEN_COMPUTED:
		return "KVM computes it from fields judged on their own";
	}
	return "";
}
