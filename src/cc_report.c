/*
 * The report model: see cc_report.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_report.h"

void cc_report_set_title(const struct cc_set *s, char *out, size_t n)
{
	char brand[49];
	const char *m = cc_set_meta(s, "comment");

	cc_set_brand(s, brand);
	if (brand[0])
		snprintf(out, n, "%s", brand);
	else if (m != NULL)
		snprintf(out, n, "%s", m);
	else
		snprintf(out, n, "%s", s->name);
}

const char *cc_report_side_title(const struct cc_report_side *side)
{
	return side->model != NULL ? side->model : side->name;
}

static void side_init(struct cc_report_side *side, const struct cc_set *s)
{
	char brand[49];
	const char *comment = cc_set_meta(s, "comment");

	memset(side, 0, sizeof *side);
	side->origin = cc_xstrdup(cc_set_label(s));
	side->name = cc_xstrdup(s->name);
	cc_set_brand(s, brand);
	if (brand[0])
		side->model = cc_xstrdup(brand);
	else if (comment != NULL)
		side->model = cc_xstrdup(comment);
	memcpy(side->vendor_id, s->vendor_id, sizeof side->vendor_id);
	side->vendor_id[sizeof side->vendor_id - 1] = '\0';
	side->vendor = s->vendor;
	side->kind = s->kind;
	side->has_fms = cc_set_fms(s, &side->family, &side->model_number,
				   &side->stepping) == 0;
}

static void side_free(struct cc_report_side *side)
{
	free(side->origin);
	free(side->name);
	free(side->model);
}

struct cc_report *cc_report_new(const struct cc_set *src,
				const struct cc_set *dst)
{
	struct cc_report *r = cc_xcalloc(1, sizeof *r);

	side_init(&r->source, src);
	side_init(&r->target, dst);
	return r;
}

void cc_report_free(struct cc_report *r)
{
	if (r == NULL)
		return;
	side_free(&r->source);
	side_free(&r->target);
	free(r->findings);
	free(r);
}

void cc_report_explain_kvm(struct cc_report *r, const struct cc_set *raw_host)
{
	size_t i;

	r->kvm_hidden = 0;
	for (i = 0; i < r->n; i++) {
		struct cc_finding *f = &r->findings[i];
		uint32_t k, v, mask;

		if (f->status != CC_STATUS_DIFFERENT ||
		    f->change != CC_CHANGE_MISSING ||
		    !cc_set_exists(raw_host, f->leaf))
			continue;
		v = cc_set_reg(raw_host, f->leaf, f->subleaf,
			       (enum cc_reg)f->reg, &k);
		mask = (f->hi - f->lo == 31) ? UINT32_MAX
					     : ((1u << (f->hi - f->lo + 1)) - 1);
		v = (v >> f->lo) & mask;
		/* every bit the source needs and KVM lacks is on the CPU */
		if ((f->src & ~f->dst & ~v) == 0) {
			f->kvm_hides = 1;
			r->kvm_hidden++;
		}
	}
}

const char *cc_change_name(enum cc_change c)
{
	switch (c) {
	case CC_CHANGE_MISSING: return "missing";
	case CC_CHANGE_ADDED: return "added";
	case CC_CHANGE_CHANGED: return "changed";
	}
	return "?";
}

const char *cc_verdict_name(enum cc_verdict v)
{
	switch (v) {
	case CC_VERDICT_IDENTICAL: return "identical";
	case CC_VERDICT_COMPATIBLE: return "compatible";
	case CC_VERDICT_INCOMPATIBLE: return "incompatible";
	}
	return "?";
}

void cc_finding_position(const struct cc_finding *f, char *out, size_t n)
{
	char reg[4], leaf[16];
	int i;

	for (i = 0; i < 3; i++)
		reg[i] = (char)(cc_reg_name((enum cc_reg)f->reg)[i] - 'a' + 'A');
	reg[3] = '\0';
	/* leaves 0-9 read the same in hex and decimal: "CPUID.(7,0)" as in
	 * the manuals' prose; others carry 0x: "CPUID.(0x80000008,0)" */
	snprintf(leaf, sizeof leaf, f->leaf < 10 ? "%u" : "0x%x", f->leaf);
	if (f->lo == f->hi)
		snprintf(out, n, "CPUID.(%s,%u).%s[%u]", leaf, f->subleaf, reg,
			 f->lo);
	else
		snprintf(out, n, "CPUID.(%s,%u).%s[%u:%u]", leaf, f->subleaf,
			 reg, f->hi, f->lo);
}
