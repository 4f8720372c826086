/*
 * Class names for people.  A class is called by its representative's
 * brand string, shortened ("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"
 * becomes "Intel Xeon Gold 6148"), followed by what it lacks next to the
 * other classes of the same brand ("-hle -rtm -md_clear"): hosts of one
 * model differ mostly by what firmware, microcode or the kernel turned
 * off.  Separately, each class gets the richest bundled profile it can
 * run (by cc_diff, as `check profile:NAME HOST` judges), the nearest
 * named CPU model a scheduler or a person knows it by.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "diff.h"
#include "fleet_priv.h"
#include "fmt.h"
#include "source.h"

#define MAX_NAMED 5 /* features listed in a name before "+N more" */

static void cut(char *s, const char *what)
{
	char *p;
	size_t n = strlen(what);

	while ((p = strstr(s, what)) != NULL)
		memmove(p, p + n, strlen(p + n) + 1);
}

/* Shorten a brand string in place: no (R)/(TM), "CPU", "Processor", or
 * frequency; single spaces. */
static void short_brand(char *s)
{
	char *p, *q;

	cut(s, "(R)");
	cut(s, "(r)");
	cut(s, "(TM)");
	cut(s, "(tm)");
	if ((p = strstr(s, " @")) != NULL)
		*p = '\0';
	cut(s, " CPU");
	cut(s, " Processor");
	for (p = q = s; *p; p++)
		if (*p != ' ' || (q > s && q[-1] != ' '))
			*q++ = *p;
	while (q > s && q[-1] == ' ')
		q--;
	*q = '\0';
}

static char *brand_of(const struct cc_set *s)
{
	char b[64];
	unsigned fam, model, step;

	cc_set_brand(s, b);
	short_brand(b);
	if (b[0] != '\0')
		return cc_xstrdup(b);
	if (cc_set_fms(s, &fam, &model, &step) == 0)
		snprintf(b, sizeof b, "%s family %u model %u", s->vendor_id,
			 fam, model);
	else
		snprintf(b, sizeof b, "%s", s->vendor_id);
	return cc_xstrdup(b);
}

/* The value of (LEAF, SUB, REG) in a class's projection (0 if absent). */
static uint32_t view_value(const struct fleet_class *c, uint32_t leaf,
			   uint32_t sub, uint32_t reg)
{
	size_t lo = 0, hi = (c->nview - 1) / 4;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const uint32_t *w = &c->view[1 + 4 * mid];

		if (w[0] < leaf ||
		    (w[0] == leaf &&
		     (w[1] < sub || (w[1] == sub && w[2] < reg))))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < (c->nview - 1) / 4) {
		const uint32_t *w = &c->view[1 + 4 * lo];

		if (w[0] == leaf && w[1] == sub && w[2] == reg)
			return w[3];
	}
	return 0;
}

/* Name the subset fields of BITS at (LEAF, SUB, REG) into B ("-name"). */
static void name_bits(const struct cc_defs *d, unsigned vendor, uint32_t leaf,
		      uint32_t sub, int reg, uint32_t bits, struct cc_buf *b,
		      size_t *count)
{
	size_t fb, fe, i;

	cc_defs_range(d, leaf, reg, &fb, &fe);
	for (i = fb; i < fe && bits; i++) {
		const struct cc_field *fl = &d->fields[i];
		uint32_t m = cc_field_mask(fl);

		if (!cc_field_applies(fl, sub, vendor) || !(bits & m))
			continue;
		bits &= ~m;
		if (fl->rule != CC_RULE_SUBSET)
			continue;
		if ((*count)++ < MAX_NAMED)
			cc_buf_printf(b, " -%s", fl->name);
	}
	for (i = 0; i < 32; i++) {
		char pos[48];

		if (!(bits >> i & 1) || (*count)++ >= MAX_NAMED)
			continue;
		cc_pos_format(pos, sizeof pos, CC_POS_SHORT, leaf, sub, reg,
			      (int)i, (int)i);
		cc_buf_printf(b, " -%s", pos);
	}
}

struct ukey {
	uint32_t leaf, sub, reg, v;
};

static int cmp_ukey(const void *pa, const void *pb)
{
	const struct ukey *a = pa, *b = pb;

	if (a->leaf != b->leaf)
		return a->leaf < b->leaf ? -1 : 1;
	if (a->sub != b->sub)
		return a->sub < b->sub ? -1 : 1;
	return (a->reg > b->reg) - (a->reg < b->reg);
}

/* Values of non-flag fields at key U where class K differs from a
 * sibling (SIB[0..NSIB)), as " name=value", into B. */
static void name_values(const struct cc_fleet *f, size_t k, const size_t *sib,
			size_t nsib, const struct ukey *u, unsigned vendor,
			struct cc_buf *b, size_t *count)
{
	const struct fleet_class *c = &f->classes[k];
	uint32_t cv = view_value(c, u->leaf, u->sub, u->reg);
	size_t fb, fe, i, j;

	cc_defs_range(f->d, u->leaf, (int)u->reg, &fb, &fe);
	for (i = fb; i < fe; i++) {
		const struct cc_field *fl = &f->d->fields[i];
		uint32_t m = cc_field_mask(fl);

		if (fl->rule == CC_RULE_SUBSET ||
		    !cc_field_applies(fl, u->sub, vendor) ||
		    !fleet_seen(f->d, fl, u->leaf, u->sub, (int)u->reg, m))
			continue;
		for (j = 0; j < nsib; j++)
			if ((view_value(&f->classes[sib[j]], u->leaf, u->sub,
					u->reg) ^
			     cv) &
			    m)
				break;
		if (j < nsib && (*count)++ < MAX_NAMED)
			cc_buf_printf(b, " %s=%u", fl->name,
				      (cv & m) >> fl->lo);
	}
}

/* Append the projection of class C to U. */
static void add_keys(struct ukey **u, size_t *n, size_t *cap,
		     const struct fleet_class *c)
{
	size_t x;

	for (x = 1; x + 3 < c->nview; x += 4) {
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*u = cc_xrealloc(*u, *cap * sizeof **u);
		}
		(*u)[*n].leaf = c->view[x];
		(*u)[*n].sub = c->view[x + 1];
		(*u)[*n].reg = c->view[x + 2];
		(*u)[(*n)++].v = c->view[x + 3];
	}
}

/* What class K lacks that another class of its brand has (the union of
 * the siblings' projections, less K's own), then the values it has where
 * siblings differ ("stepping=7"), into B. */
static void lacks(const struct cc_fleet *f, size_t k, struct cc_buf *b)
{
	const struct fleet_class *c = &f->classes[k];
	unsigned vendor = c->rep->vendor == CC_VENDOR_OTHER ? 0
							    : c->rep->vendor;
	struct ukey *u = NULL;
	size_t *sib = cc_xmalloc(f->nclasses * sizeof *sib);
	size_t n = 0, cap = 0, nsib = 0, i, x, count = 0;

	for (i = 0; i < f->nclasses; i++)
		if (i != k && strcmp(f->classes[i].brand, c->brand) == 0)
			sib[nsib++] = i;
	for (i = 0; i < nsib; i++)
		add_keys(&u, &n, &cap, &f->classes[sib[i]]);
	if (nsib)
		add_keys(&u, &n, &cap, c);
	if (n > 1)
		qsort(u, n, sizeof *u, cmp_ukey);
	for (i = 0; i < n; i = x) {
		uint32_t v = 0, miss;

		for (x = i; x < n && cmp_ukey(&u[x], &u[i]) == 0; x++)
			v |= u[x].v;
		miss = v & ~view_value(c, u[i].leaf, u[i].sub, u[i].reg);
		if (miss)
			name_bits(f->d, vendor, u[i].leaf, u[i].sub,
				  (int)u[i].reg, miss, b, &count);
	}
	for (i = 0; i < n; i = x) {
		for (x = i; x < n && cmp_ukey(&u[x], &u[i]) == 0; x++)
			;
		name_values(f, k, sib, nsib, &u[i], vendor, b, &count);
	}
	free(u);
	free(sib);
	if (count > MAX_NAMED)
		cc_buf_printf(b, " +%zu more", count - MAX_NAMED);
}

static size_t richness(const struct cc_set *p)
{
	size_t n = 0, i;
	int r;

	for (i = 0; i < p->n; i++)
		for (r = 0; r < CC_NREGS; r++)
			n += (size_t)__builtin_popcount(p->leaves[i].reg[r] &
							p->leaves[i].known[r]);
	return n;
}

/* The richest bundled profile each class can run. */
static void nearest_profiles(struct cc_fleet *f)
{
	size_t i, k;

	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *em = &cc_builtin_profiles[i];
		struct fmt_opts fo = {-1, 0};
		struct cc_err e;
		struct cc_set *p = fmt_load_buffer(em->text, em->len, em->name,
						   NULL, &fo, &e);
		size_t rich;

		if (p == NULL)
			continue;
		rich = richness(p);
		for (k = 0; k < f->nclasses; k++) {
			struct fleet_class *c = &f->classes[k];
			struct cc_report *r;

			if (fleet_surely_blocked(f, p, c->rep))
				continue;
			r = cc_diff(p, c->rep, f->d, fleet_diff_opts());
			if (r->verdict != CC_VERDICT_INCOMPATIBLE &&
			    i < FLEET_MAX_PROFILES)
				c->runs[i / 64] |= 1ull << (i % 64);
			if (r->verdict != CC_VERDICT_INCOMPATIBLE &&
			    (c->profile == NULL ||
			     rich > c->profile_richness)) {
				c->profile = em->name;
				c->profile_richness = rich;
			}
			cc_report_free(r);
		}
		cc_set_free(p);
	}
}

void fleet_name_classes(struct cc_fleet *f)
{
	size_t k;

	for (k = 0; k < f->nclasses; k++)
		f->classes[k].brand = brand_of(f->classes[k].rep);
	for (k = 0; k < f->nclasses; k++) {
		struct cc_buf b;

		cc_buf_init(&b);
		cc_buf_puts(&b, f->classes[k].brand);
		lacks(f, k, &b);
		f->classes[k].name = cc_xstrdup(b.data);
		cc_buf_free(&b);
	}
	nearest_profiles(f);
}
