/*
 * The diff engine: see diff.h.
 *
 * The walk merges the two sets' sorted entries into one sequence of
 * (leaf, subleaf) keys; for each key and register it reads both sides'
 * value and known mask once, then visits only the fields of that
 * (leaf, register) (a binary search in the sorted defs) and finally the
 * bits no applicable field covers.  Work is per register, not per bit.
 *
 * Feature MSRs (CC_MSR_LEAF entries) compare like CPUID registers, field
 * by field, when both sets carry some; a set with none says nothing about
 * them, and an MSR no field names (AIDA64 lists many) is never compared.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_buf.h"
#include "diff.h"
#include "guest.h"

struct walk {
	const struct cc_set *src, *dst;
	const struct cc_defs *d;
	const struct cc_diff_opts *o;
	unsigned vendor; /* vendor whose field meanings apply */
	int guest;       /* judging in the guest view, with KVM rules */
	int profiles;    /* both sets are profiles: stances compare too */
	int stances;     /* ... in the register being visited (stance_here) */
	int msrs;        /* both sets carry feature MSRs: compare them */
	struct cc_report *r;
	size_t cap;
	uint64_t src_xfeatures, dst_xfeatures; /* XCR0 | XSS bitmaps */
};

static struct cc_finding *add(struct walk *w)
{
	struct cc_report *r = w->r;
	struct cc_finding *f;

	if (r->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		r->findings = cc_xrealloc(r->findings, w->cap * sizeof *f);
	}
	f = &r->findings[r->n++];
	memset(f, 0, sizeof *f);
	return f;
}

static uint64_t xfeatures(const struct cc_set *s)
{
	uint32_t k;
	uint64_t x = 0;

	if (!cc_set_exists(s, 0xd))
		return 0;
	x |= cc_set_reg(s, 0xd, 0, CC_EAX, &k);
	x |= (uint64_t)cc_set_reg(s, 0xd, 0, CC_EDX, &k) << 32;
	x |= cc_set_reg(s, 0xd, 1, CC_ECX, &k);
	x |= (uint64_t)cc_set_reg(s, 0xd, 1, CC_EDX, &k) << 32;
	return x;
}

/* Judge finding F (bits BITS of its register) in the diff's view: its
 * consequence, hint and whether a guest can see it; in the guest view a
 * flag KVM can offer that the target lacks blocks whatever its severity. */
static void judge(const struct walk *w, struct cc_finding *f, uint32_t bits)
{
	struct cc_judgement j;

	cc_guest_judge(w->d, (enum cc_view)w->o->view, f->field, f->leaf,
		       f->subleaf, f->reg, bits, &j);
	f->consequence = j.consequence;
	f->hint = j.hint;
	f->unseen = j.unseen;
	if (w->guest && j.offerable && !j.unseen &&
	    f->change == CC_CHANGE_MISSING)
		f->severity = CC_SEV_INCOMPATIBLE;
}

/* The severity of a change of stance between two profiles in a diff
 * (check, which asks whether a running guest can move, only warns), from the
 * source's known bits SKN (value S) to the target's DKN, of a field whose
 * bits are FULL: fixing what was the host's narrows the hosts that can
 * run the profile, leaving to the host what was fixed lets a guest's
 * value change under it (a required flag may vanish): both block.  Only
 * a flag fixed to 0 that is now the host's, or a change in how many bits
 * are fixed, merely warns. */
static enum cc_sev stance_severity(uint32_t skn, uint32_t dkn, uint32_t s,
				   uint32_t full)
{
	if (skn == 0 && dkn != 0)
		return CC_SEV_INCOMPATIBLE;
	if (dkn == 0 && (s & skn) == 0)
		return CC_SEV_WARNING;
	if (dkn == 0)
		return CC_SEV_INCOMPATIBLE;
	return (skn == full || dkn == full) && (skn & ~dkn & s)
		       ? CC_SEV_INCOMPATIBLE
		       : CC_SEV_WARNING;
}

/* Compare bits MASK of one register under RULE; record the outcome. */
static void compare(struct walk *w, uint32_t leaf, uint32_t sub, int reg,
		    const struct cc_field *field, uint8_t lo, uint8_t hi,
		    enum cc_rule rule, enum cc_sev sev, uint32_t sv,
		    uint32_t sk, uint32_t dv, uint32_t dk, int keep_matches)
{
	uint32_t mask = (hi - lo == 31) ? UINT32_MAX
					: (((1u << (hi - lo + 1)) - 1) << lo);
	uint32_t s = (sv & mask) >> lo, d = (dv & mask) >> lo;
	uint32_t skn = (sk & mask) >> lo, dkn = (dk & mask) >> lo;
	uint32_t full = mask >> lo;
	int status = CC_STATUS_MATCH, change = CC_CHANGE_CHANGED;
	struct cc_finding *f;
	int stance = w->stances && skn != dkn;

	/* the guest view compares what KVM would give: capped values, and
	 * "0 means the same as" fields resolved */
	if (w->guest && field != NULL && skn == full && dkn == full)
		cc_guest_values(field, sv, dv, &s, &d);
	if (rule == CC_RULE_SUBSET) {
		/* bits the source fixes to 1 must be fixed to 1 on target */
		uint32_t need = s & skn;
		uint32_t missing = need & ~d & dkn;
		uint32_t added = d & dkn & ~s & skn;
		uint32_t hostdep = (need & ~dkn) |
				   (w->o->symmetric ? (d & dkn & ~skn) : 0);

		if (missing && (!w->o->symmetric || !added))
			change = CC_CHANGE_MISSING;
		else if (added && !missing)
			change = CC_CHANGE_ADDED;
		if (missing || (w->o->symmetric && added))
			status = CC_STATUS_DIFFERENT;
		else if (hostdep)
			status = CC_STATUS_HOSTDEP;
		else if (!w->o->symmetric && added)
			status = CC_STATUS_MATCH;
	} else {
		if (skn != full || dkn != full) {
			if (skn == 0 && dkn == 0)
				return; /* neither side says anything */
			status = CC_STATUS_HOSTDEP;
		} else if (s != d) {
			switch (rule) {
			case CC_RULE_GE:
				status = (d < s || w->o->symmetric)
						 ? CC_STATUS_DIFFERENT
						 : CC_STATUS_MATCH;
				break;
			case CC_RULE_LE:
				status = (d > s || w->o->symmetric)
						 ? CC_STATUS_DIFFERENT
						 : CC_STATUS_MATCH;
				break;
			default:
				status = CC_STATUS_DIFFERENT;
				break;
			}
		}
	}
	if (stance && status != CC_STATUS_DIFFERENT) {
		/* two profiles that differ in which bits they fix, and in
		 * nothing the rule above already calls a difference */
		status = CC_STATUS_DIFFERENT;
		change = CC_CHANGE_STANCE;
		sev = w->o->symmetric ? stance_severity(skn, dkn, s, full)
				      : CC_SEV_WARNING;
	}
	if (status == CC_STATUS_HOSTDEP)
		w->r->host_dependent++;
	else if (status == CC_STATUS_MATCH)
		w->r->matched++;
	if (status != CC_STATUS_DIFFERENT && !keep_matches)
		return;
	f = add(w);
	f->leaf = leaf;
	f->subleaf = sub;
	f->reg = (uint8_t)reg;
	f->lo = lo;
	f->hi = hi;
	f->field = field;
	f->rule = (uint8_t)rule;
	f->severity = (uint8_t)sev;
	f->status = (uint8_t)status;
	f->change = (uint8_t)change;
	f->src = s;
	f->dst = d;
	f->src_known = skn;
	f->dst_known = dkn;
	judge(w, f, mask);
}

/* Does profile S name register REG of (LEAF, SUB) itself, rather than
 * leave it to its format's rule for what it does not name? */
static int names_reg(const struct cc_set *s, uint32_t leaf, uint32_t sub,
		     int reg)
{
	const struct cc_leaf *l = cc_set_get(s, leaf, sub);

	return l != NULL && !(l->absent & (1u << reg));
}

/* Do stances compare in this register?  Between two profiles, unless one
 * of them does not name it and their formats treat what they do not
 * name differently (Cloud Hypervisor zeroes it, a Firecracker template
 * leaves it to the host): that is the formats' difference, not the
 * profiles'. */
static int stance_here(const struct walk *w, uint32_t leaf, uint32_t sub,
		       int reg)
{
	if (!w->profiles)
		return 0;
	return w->src->uncovered == w->dst->uncovered ||
	       (names_reg(w->src, leaf, sub, reg) &&
		names_reg(w->dst, leaf, sub, reg));
}

/* Is XSAVE component SUB relevant to this comparison? */
static int xsave_component_wanted(const struct walk *w, uint32_t sub)
{
	uint64_t bit;

	if (sub < 2 || sub > 63)
		return 1;
	bit = 1ull << sub;
	if (w->o->symmetric)
		return ((w->src_xfeatures | w->dst_xfeatures) & bit) != 0;
	/* check: components the source enables and the target has */
	return (w->src_xfeatures & w->dst_xfeatures & bit) != 0;
}

/* Does the field database describe MSR INDEX (a feature MSR)?  Other
 * MSRs a dump carries (AIDA64 lists many) are machine state, not
 * features: never compared. */
static int feature_msr(const struct cc_defs *d, uint32_t index)
{
	size_t b, e, i;
	int reg;

	for (reg = CC_EAX; reg < CC_NREGS; reg += CC_EDX - CC_EAX) {
		cc_defs_range(d, CC_MSR_LEAF, reg, &b, &e);
		for (i = b; i < e; i++)
			if (d->fields[i].first <= index &&
			    index <= d->fields[i].last)
				return 1;
	}
	return 0;
}

static void visit_key(struct walk *w, uint32_t leaf, uint32_t sub)
{
	int reg;

	if (leaf == 0xd && !xsave_component_wanted(w, sub))
		return;
	if (CC_IS_MSR(leaf) && (!w->msrs || !feature_msr(w->d, sub)))
		return;
	/* check: a leaf past the source's range maximum is invisible to the
	 * guest, so nothing the target has there can break it */
	if (!w->o->symmetric && !cc_set_exists(w->src, leaf))
		return;
	for (reg = 0; reg < CC_NREGS; reg++) {
		uint32_t sk, dk, sv, dv, covered = 0;
		size_t b, e, i;
		int bit;

		sv = cc_set_guest_reg(w->src, leaf, sub, reg, &sk);
		dv = cc_set_guest_reg(w->dst, leaf, sub, reg, &dk);
		w->stances = stance_here(w, leaf, sub, reg);
		cc_defs_range(w->d, leaf, reg, &b, &e);
		for (i = b; i < e; i++) {
			const struct cc_field *f = &w->d->fields[i];

			if (!cc_field_applies(f, sub, w->vendor))
				continue;
			covered |= cc_field_mask(f);
			compare(w, leaf, sub, reg, f, f->lo, f->hi,
				(enum cc_rule)f->rule, (enum cc_sev)f->severity,
				sv, sk, dv, dk, w->o->with_matches);
		}
		/* Unnamed bits: compare as flags, one finding per bit, but
		 * only where something differs (matches are not listed).  A
		 * bit we cannot name may be a feature the guest detected, so
		 * losing one blocks. */
		if ((~covered & ((sv ^ dv) | (sk ^ dk))) == 0)
			continue;
		for (bit = 0; bit < 32; bit++) {
			uint32_t m = 1u << bit;

			if ((covered & m) ||
			    !(((sv ^ dv) | (w->stances ? sk ^ dk : 0)) & m))
				continue;
			compare(w, leaf, sub, reg, NULL, (uint8_t)bit,
				(uint8_t)bit, CC_RULE_SUBSET,
				CC_SEV_INCOMPATIBLE, sv, sk, dv, dk, 0);
		}
	}
}

static int cmp_position(const struct cc_finding *x, const struct cc_finding *y)
{
	if (x->leaf != y->leaf)
		return x->leaf < y->leaf ? -1 : 1;
	if (x->subleaf != y->subleaf)
		return x->subleaf < y->subleaf ? -1 : 1;
	if (x->reg != y->reg)
		return x->reg < y->reg ? -1 : 1;
	return (x->lo > y->lo) - (x->lo < y->lo);
}

/* Raw view: status, waived, severity (descending), position. */
static int cmp_finding(const void *a, const void *b)
{
	const struct cc_finding *x = a, *y = b;

	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if (x->waived != y->waived)
		return x->waived < y->waived ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	return cmp_position(x, y);
}

/* Guest view: status, seen before unseen, a vendor mismatch's vendor
 * before what folds under it, waived, severity (descending),
 * consequence, position. */
static int cmp_finding_guest(const void *a, const void *b)
{
	const struct cc_finding *x = a, *y = b;

	if (x->status != y->status)
		return x->status < y->status ? -1 : 1;
	if ((x->unseen != 0) != (y->unseen != 0))
		return x->unseen ? 1 : -1;
	if (x->folded != y->folded)
		return x->folded < y->folded ? -1 : 1;
	if (x->waived != y->waived)
		return x->waived < y->waived ? -1 : 1;
	if (x->severity != y->severity)
		return x->severity > y->severity ? -1 : 1;
	if (x->consequence != y->consequence)
		return x->consequence < y->consequence ? -1 : 1;
	return cmp_position(x, y);
}

/* Parse "7.0.ebx[16]", "0x7.0.EBX[16]", "CPUID.(7,0).EBX[16]" (an MSR:
 * "MSR 0x10a[5]", "msr.0x10a[5]") loosely by rendering F's own position
 * strings and comparing. */
int cc_waiver_matches(const char *w, const struct cc_finding *f)
{
	char pos[64], alt[64];
	size_t i;

	if (f->field != NULL && cc_field_matches(f->field, w, 0))
		return 1;
	cc_finding_position(f, pos, sizeof pos);
	if (strcasecmp(w, pos) == 0)
		return 1;
	cc_pos_format(alt, sizeof alt, CC_POS_SHORT, f->leaf, f->subleaf,
		      f->reg, f->lo, f->hi);
	if (strcasecmp(w, alt) == 0)
		return 1;
	if (CC_IS_MSR(f->leaf))
		return 0;
	for (i = 0; alt[i] && w[0] == '0' && (w[1] == 'x' || w[1] == 'X'); i++)
		return strcasecmp(w + 2, alt) == 0;
	return 0;
}

/* Visit every (leaf, subleaf) key of both sets once, in order: a merge
 * of the two sorted entry lists. */
static void walk_keys(struct walk *w)
{
	const struct cc_set *src = w->src, *dst = w->dst;
	size_t i = 0, j = 0;

	while (i < src->n || j < dst->n) {
		const struct cc_leaf *a = i < src->n ? &src->leaves[i] : NULL;
		const struct cc_leaf *b = j < dst->n ? &dst->leaves[j] : NULL;
		uint32_t leaf, sub;

		if (b == NULL || (a != NULL && (a->leaf < b->leaf ||
						(a->leaf == b->leaf &&
						 a->first < b->first)))) {
			leaf = a->leaf;
			sub = a->first;
			i++;
		} else if (a == NULL || b->leaf < a->leaf ||
			   b->first < a->first) {
			leaf = b->leaf;
			sub = b->first;
			j++;
		} else {
			leaf = a->leaf;
			sub = a->first;
			i++;
			j++;
		}
		visit_key(w, leaf, sub);
	}
}

/* Mark the differences O's waivers accept, count the rest per severity,
 * sort the findings and reach the verdict. */
static void conclude(struct cc_report *r, const struct cc_diff_opts *o,
		     int guest)
{
	size_t k;
	int vendor_kept = 0;

	r->waivers = o->waivers;
	r->nwaivers = o->nwaivers;
	r->waiver_hits = cc_xcalloc(o->nwaivers ? o->nwaivers : 1,
				    sizeof *r->waiver_hits);

	for (k = 0; k < r->n; k++) {
		struct cc_finding *f = &r->findings[k];
		size_t x;

		if (f->status != CC_STATUS_DIFFERENT)
			continue;
		if (f->unseen) {
			r->unseen++;
			continue;
		}
		/* a vendor mismatch is one finding, the first register of
		 * the vendor string that differs: the rest fold under it */
		f->folded = guest && r->vendor_mismatch && !r->symmetric &&
			    !(f->leaf == 0 && f->reg != CC_EAX && !vendor_kept);
		if (guest && r->vendor_mismatch && !f->folded)
			vendor_kept = 1;
		for (x = 0; x < o->nwaivers; x++) {
			if (cc_waiver_matches(o->waivers[x].name, f)) {
				f->waived = 1;
				f->waiver = o->waivers[x].reason;
				r->waiver_hits[x]++;
				break;
			}
		}
		if (f->waived)
			r->waived++;
		else
			r->count[f->severity]++;
		r->failing += cc_finding_fails(r, f);
	}
	for (k = 0; k < o->nwaivers; k++)
		r->unused_waivers += r->waiver_hits[k] == 0;
	if (r->n > 1)
		qsort(r->findings, r->n, sizeof *r->findings,
		      guest ? cmp_finding_guest : cmp_finding);
	if (r->vendor_mismatch || r->count[CC_SEV_INCOMPATIBLE] > 0)
		r->verdict = CC_VERDICT_INCOMPATIBLE;
	else if (r->count[CC_SEV_WARNING] + r->count[CC_SEV_INFO] + r->waived +
			 r->host_dependent + r->unseen >
		 0)
		r->verdict = CC_VERDICT_COMPATIBLE;
	else
		r->verdict = CC_VERDICT_IDENTICAL;
}

struct cc_report *cc_diff(const struct cc_set *src, const struct cc_set *dst,
			  const struct cc_defs *d, const struct cc_diff_opts *o)
{
	struct cc_report *r = cc_report_new(src, dst);
	struct walk w;
	struct cc_diff_opts def;

	if (o == NULL) {
		memset(&def, 0, sizeof def);
		o = &def;
	}
	memset(&w, 0, sizeof w);
	w.src = src;
	w.dst = dst;
	w.d = d;
	w.o = o;
	w.r = r;
	r->symmetric = o->symmetric;
	w.vendor = src->vendor != CC_VENDOR_UNKNOWN ? (unsigned)src->vendor
						    : (unsigned)dst->vendor;
	if (w.vendor == CC_VENDOR_OTHER)
		w.vendor = 0;
	r->vendor_mismatch = src->vendor != CC_VENDOR_UNKNOWN &&
			     dst->vendor != CC_VENDOR_UNKNOWN &&
			     src->vendor != dst->vendor;
	w.src_xfeatures = xfeatures(src);
	w.dst_xfeatures = xfeatures(dst);
	w.guest = o->view == CC_VIEW_GUEST && d->kvm_rules != NULL;
	w.profiles = src->kind == CC_KIND_PROFILE &&
		     dst->kind == CC_KIND_PROFILE;
	/* a set without MSR entries says nothing about them: MSR features
	 * are compared only when both sides carry some */
	w.msrs = cc_set_has_msrs(src) && cc_set_has_msrs(dst);
	r->msrs_unjudged = w.msrs                 ? 0
			   : cc_set_has_msrs(src) ? 1
			   : cc_set_has_msrs(dst) ? 2
						  : 0;
	r->view = w.guest ? CC_VIEW_GUEST : CC_VIEW_RAW;
	r->kvm_rules = w.guest ? d->kvm_rules : NULL;
	r->kvm_hides_hint = cc_defs_hint(d, "kvm-hides");
	walk_keys(&w);
	conclude(r, o, w.guest);
	return r;
}
