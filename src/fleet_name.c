/*
 * Class names for people.  A class is called by its representative's
 * brand string, shortened ("Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"
 * becomes "Intel Xeon Gold 6148"), followed by what it lacks next to the
 * other classes of the same brand ("-hle -rtm -md_clear"): hosts of one
 * model differ mostly by what firmware, microcode or the kernel turned
 * off; the projections of a brand's classes are merged once, into the
 * OR and AND of their values per key, from which each class reads what
 * it lacks and where its siblings differ.  Separately, each class gets
 * the richest bundled profile it can run (by cc_diff, as `check
 * profile:NAME HOST` judges), the nearest named CPU model a scheduler or
 * a person knows it by, and, for `fleet --labels`, the list of every
 * bundled profile it runs.  Profiles are tried richest first, so a caller
 * that wants only the nearest one (matrix's legend, fleet's text, JSON
 * and graph) stops at the first profile a class runs, and the list
 * (fleet_name_runs) starts at that profile.
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

/* A key of a brand's projections: the OR and the AND of its classes'
 * values there (a class without the key counts as 0). */
struct bkey {
	uint32_t leaf, sub, reg, any, all;
};

/* Values of non-flag fields at key U where class K differs from another
 * class of its brand, as " name=value", into B.  Some class differs from
 * K in a field exactly when the brand's classes disagree on one of its
 * bits (K is one of them). */
static void name_values(const struct cc_fleet *f, size_t k,
			const struct bkey *u, unsigned vendor, struct cc_buf *b,
			size_t *count)
{
	uint32_t cv = view_value(&f->classes[k], u->leaf, u->sub, u->reg);
	uint32_t disagree = u->any ^ u->all;
	size_t fb, fe, i;

	cc_defs_range(f->d, u->leaf, (int)u->reg, &fb, &fe);
	for (i = fb; i < fe && disagree; i++) {
		const struct cc_field *fl = &f->d->fields[i];
		uint32_t m = cc_field_mask(fl);

		if (fl->rule == CC_RULE_SUBSET || !(disagree & m) ||
		    !cc_field_applies(fl, u->sub, vendor) ||
		    !fleet_seen(f->d, fl, u->leaf, u->sub, (int)u->reg, m))
			continue;
		if ((*count)++ < MAX_NAMED)
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

/* The keys of the projections of classes MEM[0..NMEM) (one brand), in
 * key order, into *NK. */
static struct bkey *brand_keys(const struct cc_fleet *f, const size_t *mem,
			       size_t nmem, size_t *nk)
{
	struct ukey *u = NULL;
	struct bkey *bk;
	size_t n = 0, cap = 0, i, x, have;

	for (i = 0; i < nmem; i++)
		add_keys(&u, &n, &cap, &f->classes[mem[i]]);
	if (n > 1)
		qsort(u, n, sizeof *u, cmp_ukey);
	bk = cc_xmalloc((n + 1) * sizeof *bk);
	*nk = 0;
	for (i = 0; i < n; i = x) {
		struct bkey *k = &bk[(*nk)++];

		k->leaf = u[i].leaf;
		k->sub = u[i].sub;
		k->reg = u[i].reg;
		k->any = 0;
		k->all = UINT32_MAX;
		for (x = i; x < n && cmp_ukey(&u[x], &u[i]) == 0; x++) {
			k->any |= u[x].v;
			k->all &= u[x].v;
		}
		/* a projection holds a key once */
		have = x - i;
		if (have < nmem)
			k->all = 0;
	}
	free(u);
	return bk;
}

/* What class K lacks that another class of its brand has (the brand's
 * OR less K's own), then the values it has where the brand's classes
 * differ ("stepping=7"), over the brand's keys U[0..N), into B. */
static void lacks(const struct cc_fleet *f, size_t k, const struct bkey *u,
		  size_t n, struct cc_buf *b)
{
	const struct fleet_class *c = &f->classes[k];
	unsigned vendor = c->rep->vendor == CC_VENDOR_OTHER ? 0
							    : c->rep->vendor;
	size_t i, count = 0;

	for (i = 0; i < n; i++) {
		uint32_t miss = u[i].any &
				~view_value(c, u[i].leaf, u[i].sub, u[i].reg);

		if (miss)
			name_bits(f->d, vendor, u[i].leaf, u[i].sub,
				  (int)u[i].reg, miss, b, &count);
	}
	for (i = 0; i < n; i++)
		name_values(f, k, &u[i], vendor, b, &count);
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

/* A bundled profile, loaded, with its place in cc_builtin_profiles. */
struct bundled {
	struct cc_set *p;
	size_t rich; /* richness(p) */
	size_t idx;
};

/* Richest first; among equals, the first in cc_builtin_profiles (the
 * one a walk in table order keeping only richer ones would keep). */
static int cmp_bundled(const void *pa, const void *pb)
{
	const struct bundled *a = pa, *b = pb;

	if (a->rich != b->rich)
		return a->rich > b->rich ? -1 : 1;
	return (a->idx > b->idx) - (a->idx < b->idx);
}

/* Every bundled profile that loads, in cmp_bundled order, into *N. */
static struct bundled *load_bundled(size_t *n)
{
	struct bundled *b;
	size_t i, total = 0;

	while (cc_builtin_profiles[total].name)
		total++;
	b = cc_xmalloc((total + 1) * sizeof *b);
	*n = 0;
	for (i = 0; i < total; i++) {
		const struct cc_embedded *em = &cc_builtin_profiles[i];
		struct fmt_opts fo = {-1, 0};
		struct cc_err e;
		struct cc_set *p = fmt_load_buffer(em->text, em->len, em->name,
						   NULL, &fo, &e);

		if (p == NULL)
			continue;
		b[*n].p = p;
		b[*n].rich = richness(p);
		b[(*n)++].idx = i;
	}
	qsort(b, *n, sizeof *b, cmp_bundled);
	return b;
}

static void free_bundled(struct bundled *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cc_set_free(b[i].p);
	free(b);
}

/* Can a guest of profile P run on REP, as `check profile:P REP` judges? */
static int runs_on(struct cc_fleet *f, const struct cc_set *p,
		   const struct cc_set *rep)
{
	struct cc_report *r;
	int ok;

	/* two known vendors that differ: cc_diff's verdict is incompatible
	 * whatever else it finds */
	if (p->vendor != CC_VENDOR_UNKNOWN &&
	    rep->vendor != CC_VENDOR_UNKNOWN && p->vendor != rep->vendor)
		return 0;
	if (fleet_surely_blocked(f, p, rep))
		return 0;
	r = cc_diff(p, rep, f->d, fleet_diff_opts());
	ok = r->verdict != CC_VERDICT_INCOMPATIBLE;
	cc_report_free(r);
	return ok;
}

/*
 * The richest bundled profile each class can run; with ALL also every
 * profile it runs (runs[]).  Profiles are tried richest first, so the
 * first one a class runs is its profile, and without ALL nothing past it
 * is judged: a class costs the judgements of the richer profiles it
 * cannot run, most of them settled by fleet_surely_blocked.
 */
static void nearest_profiles(struct cc_fleet *f, int all)
{
	size_t n, i, k;
	struct bundled *b = load_bundled(&n);

	for (k = 0; k < f->nclasses; k++) {
		struct fleet_class *c = &f->classes[k];

		for (i = 0; i < n && (all || c->profile == NULL); i++) {
			if (!runs_on(f, b[i].p, c->rep))
				continue;
			if (all && b[i].idx < FLEET_MAX_PROFILES)
				c->runs[b[i].idx / 64] |= 1ull
							  << (b[i].idx % 64);
			if (c->profile == NULL) {
				c->profile = cc_builtin_profiles[b[i].idx].name;
				c->profile_richness = b[i].rich;
			}
		}
	}
	free_bundled(b, n);
}

/* Brand and name of every class; the keys of a brand's projections are
 * merged once for all its classes. */
static void name_all(struct cc_fleet *f)
{
	size_t *mem = cc_xmalloc((f->nclasses + 1) * sizeof *mem);
	char *done = cc_xcalloc(f->nclasses + 1, 1);
	size_t k, i, nmem, nk;

	for (k = 0; k < f->nclasses; k++)
		f->classes[k].brand = brand_of(f->classes[k].rep);
	for (k = 0; k < f->nclasses; k++) {
		struct bkey *u = NULL;

		if (done[k])
			continue;
		for (i = k, nmem = 0; i < f->nclasses; i++)
			if (!done[i] && strcmp(f->classes[i].brand,
					       f->classes[k].brand) == 0) {
				mem[nmem++] = i;
				done[i] = 1;
			}
		nk = 0;
		if (nmem > 1)
			u = brand_keys(f, mem, nmem, &nk);
		for (i = 0; i < nmem; i++) {
			struct cc_buf b;

			cc_buf_init(&b);
			cc_buf_puts(&b, f->classes[mem[i]].brand);
			lacks(f, mem[i], u, nk, &b);
			f->classes[mem[i]].name = cc_xstrdup(b.data);
			cc_buf_free(&b);
		}
		free(u);
	}
	free(done);
	free(mem);
}

void fleet_name_classes(struct cc_fleet *f)
{
	name_all(f);
	nearest_profiles(f, 1);
}

void fleet_name_classes_nearest(struct cc_fleet *f)
{
	name_all(f);
	nearest_profiles(f, 0);
}

void fleet_name_runs(struct cc_fleet *f)
{
	size_t n, i, k;
	struct bundled *b = load_bundled(&n);

	for (k = 0; k < f->nclasses; k++) {
		struct fleet_class *c = &f->classes[k];
		int past = 0, it;

		memset(c->runs, 0, sizeof c->runs);
		/* analyze judged the profiles richer than c->profile (it
		 * runs none of them) and c->profile (it runs); with no
		 * profile it runs none */
		for (i = 0; i < n && c->profile != NULL; i++) {
			it = cc_builtin_profiles[b[i].idx].name == c->profile;
			past = past || it;
			if (!past || b[i].idx >= FLEET_MAX_PROFILES)
				continue;
			if (it || runs_on(f, b[i].p, c->rep))
				c->runs[b[i].idx / 64] |= 1ull
							  << (b[i].idx % 64);
		}
	}
	free_bundled(b, n);
}
