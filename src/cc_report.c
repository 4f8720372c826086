/*
 * The report model: see cc_report.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_report.h"
#include "guest.h"

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
	free(r->waiver_hits);
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
		mask = (f->hi - f->lo == 31)
			       ? UINT32_MAX
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
	case CC_CHANGE_MISSING:
		return "missing";
	case CC_CHANGE_ADDED:
		return "added";
	case CC_CHANGE_CHANGED:
		return "changed";
	case CC_CHANGE_STANCE:
		return "stance";
	}
	return "?";
}

const char *cc_verdict_name(enum cc_verdict v)
{
	switch (v) {
	case CC_VERDICT_IDENTICAL:
		return "identical";
	case CC_VERDICT_COMPATIBLE:
		return "compatible";
	case CC_VERDICT_INCOMPATIBLE:
		return "incompatible";
	}
	return "?";
}

void cc_finding_position(const struct cc_finding *f, char *out, size_t n)
{
	cc_pos_format(out, n, CC_POS_MANUAL, f->leaf, f->subleaf, f->reg, f->lo,
		      f->hi);
}

int cc_finding_fails(const struct cc_report *r, const struct cc_finding *f)
{
	if (f->status != CC_STATUS_DIFFERENT || f->unseen || f->waived ||
	    f->folded)
		return 0;
	return r->symmetric || f->severity == CC_SEV_INCOMPATIBLE;
}

int cc_report_exit(const struct cc_report *r, int strict_waivers)
{
	if (r->failing > 0 || r->vendor_mismatch)
		return 1;
	return strict_waivers && r->unused_waivers > 0;
}

int cc_report_equal_for_guests(const struct cc_report *r)
{
	size_t i;

	if (r->vendor_mismatch || r->host_dependent > 0)
		return 0;
	for (i = 0; i < r->n; i++)
		if (r->findings[i].status == CC_STATUS_DIFFERENT &&
		    !r->findings[i].unseen)
			return 0;
	return 1;
}

enum cc_stance cc_finding_stance(const struct cc_finding *f, int target)
{
	uint32_t k = target ? f->dst_known : f->src_known;
	uint32_t v = target ? f->dst : f->src;
	uint32_t full = (f->hi - f->lo == 31)
				? UINT32_MAX
				: ((1u << (f->hi - f->lo + 1)) - 1);

	if (k == 0)
		return CC_STANCE_HOST;
	if (k != full)
		return CC_STANCE_PARTIAL;
	if (f->lo != f->hi)
		return CC_STANCE_FIXED;
	return v ? CC_STANCE_REQUIRED : CC_STANCE_ABSENT;
}

const char *cc_stance_name(enum cc_stance s)
{
	static const char *const names[] = {"host", "required", "absent",
					    "fixed", "partial"};

	return (unsigned)s < sizeof names / sizeof *names ? names[s] : "?";
}

/* The meaning of a change of stance from A to B of field NAME. */
static void stance_meaning(enum cc_stance a, enum cc_stance b, const char *name,
			   uint32_t value, char *out, size_t n)
{
	if (b == CC_STANCE_REQUIRED)
		snprintf(out, n,
			 "now requires %s: hosts without it can no "
			 "longer run this profile",
			 name);
	else if (b == CC_STANCE_FIXED)
		snprintf(out, n,
			 "now fixes %s to %#x: guests see it wherever "
			 "they run, not the host's value",
			 name, value);
	else if (b == CC_STANCE_ABSENT)
		snprintf(out, n,
			 "now hides %s: guests no longer see it, even "
			 "on hosts that have it",
			 name);
	else if (b == CC_STANCE_HOST && a == CC_STANCE_REQUIRED)
		snprintf(out, n,
			 "no longer requires %s, left to the host now: "
			 "guests may lose it",
			 name);
	else if (b == CC_STANCE_HOST && a == CC_STANCE_ABSENT)
		snprintf(out, n,
			 "%s is now left to the host: guests on hosts "
			 "that have it gain it",
			 name);
	else if (b == CC_STANCE_HOST)
		snprintf(out, n,
			 "%s is now left to the host: the value guests "
			 "see may change from host to host",
			 name);
	else
		snprintf(out, n,
			 "%s fixes other bits than before (%s -> %s): "
			 "some of its bits changed hands with the host",
			 name, cc_stance_name(a), cc_stance_name(b));
}

/* V of field F for people: yes/no for a flag, decimal under 10, hex. */
static const char *value_str(const struct cc_finding *f, uint32_t v, char *out,
			     size_t n)
{
	if (f->lo == f->hi)
		snprintf(out, n, "%s", v ? "yes" : "no");
	else
		snprintf(out, n, v < 10 ? "%u" : "%#x", v);
	return out;
}

void cc_finding_meaning(const struct cc_report *r, const struct cc_finding *f,
			const char *name, char *out, size_t n)
{
	int profiles = r->source.kind == CC_KIND_PROFILE &&
		       r->target.kind == CC_KIND_PROFILE;
	char a[16], b[16];

	if (f->change == CC_CHANGE_STANCE)
		stance_meaning(cc_finding_stance(f, 0), cc_finding_stance(f, 1),
			       name, f->dst, out, n);
	else if (f->change == CC_CHANGE_MISSING && !r->symmetric)
		snprintf(out, n,
			 "the target lacks %s: a guest that uses it "
			 "fails",
			 name);
	else if (f->change == CC_CHANGE_MISSING && profiles)
		snprintf(out, n,
			 "now hides %s: guests no longer see it, even "
			 "on hosts that have it",
			 name);
	else if (f->change == CC_CHANGE_MISSING)
		snprintf(out, n,
			 "only A has %s: a guest that uses it cannot "
			 "move to B",
			 name);
	else if (f->change == CC_CHANGE_ADDED && profiles)
		snprintf(out, n,
			 "now requires %s: hosts without it can no "
			 "longer run this profile",
			 name);
	else if (f->change == CC_CHANGE_ADDED)
		snprintf(out, n,
			 "only B has %s: a guest that uses it cannot "
			 "move back to A",
			 name);
	else if (!r->symmetric && f->rule == CC_RULE_GE)
		snprintf(out, n, "%s is lower on the target (%s -> %s)", name,
			 value_str(f, f->src, a, sizeof a),
			 value_str(f, f->dst, b, sizeof b));
	else if (!r->symmetric && f->rule == CC_RULE_LE)
		snprintf(out, n, "%s is higher on the target (%s -> %s)", name,
			 value_str(f, f->src, a, sizeof a),
			 value_str(f, f->dst, b, sizeof b));
	else
		snprintf(out, n, "%s changes from %s to %s", name,
			 value_str(f, f->src, a, sizeof a),
			 value_str(f, f->dst, b, sizeof b));
}

int cc_report_is_vendor(const struct cc_report *r, const struct cc_finding *f)
{
	return r->view == CC_VIEW_GUEST && r->vendor_mismatch &&
	       !r->symmetric && !f->folded && f->leaf == 0 && f->reg != CC_EAX;
}
