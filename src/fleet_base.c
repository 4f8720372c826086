/*
 * Per-vendor baselines of a fleet, and what removing hosts would add.
 *
 * A profile cannot span CPU vendors, so a mixed fleet gets one baseline
 * per vendor (cc_profile_baseline over the vendor's class
 * representatives: hosts of a class share every field a baseline keeps).
 *
 * Removal gains: a field the baseline lacks (a flag some class has, or a
 * ge value some class exceeds) is held back by the classes that lack it,
 * those that list no cost for it.  Each distinct set of holding-back
 * classes is a candidate removal; it would add every field held back
 * only by classes in the set.  Candidates are ranked by hosts removed
 * (fewest first), then by fields gained (most first); a candidate that
 * removes more than half of the vendor's hosts is not offered, since
 * that is a different fleet rather than a few odd hosts.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "fleet_priv.h"
#include "guest.h"

#define MAX_GAINS 10

/* A field the baseline lacks, with the classes (bits over the vendor's
 * classes) that have more of it. */
struct held {
	const struct cc_field *field;
	uint32_t leaf, sub;
	uint64_t *have;
};

static int same_key(const struct held *h, const struct cc_baseline_cost *c)
{
	return h->field == c->field && h->leaf == c->leaf &&
	       h->sub == c->subleaf;
}

/* The distinct fields of V's costs, each with its "have" bits. */
static struct held *held_fields(const struct fleet_vendor *v, size_t words,
				size_t *nheld)
{
	const struct cc_baseline *bl = v->baseline;
	struct held *h = NULL;
	size_t n = 0, cap = 0, i, j;

	for (i = 0; i < bl->ncosts; i++) {
		const struct cc_baseline_cost *c = &bl->costs[i];

		for (j = 0; j < n && !same_key(&h[j], c); j++)
			;
		if (j == n) {
			if (n == cap) {
				cap = cap ? cap * 2 : 32;
				h = cc_xrealloc(h, cap * sizeof *h);
			}
			h[n].field = c->field;
			h[n].leaf = c->leaf;
			h[n].sub = c->subleaf;
			h[n].have = cc_xcalloc(words, sizeof(uint64_t));
			n++;
		}
		h[j].have[c->source / 64] |= 1ull << (c->source % 64);
	}
	*nheld = n;
	return h;
}

/* Do the classes lacking field F all lack field S too?  (lack(F) within
 * lack(S) is have(S) within have(F).) */
static int lack_within(const uint64_t *have_f, const uint64_t *have_s,
		       size_t words)
{
	size_t i;

	for (i = 0; i < words; i++)
		if (have_s[i] & ~have_f[i])
			return 0;
	return 1;
}

static int cmp_gain(const void *pa, const void *pb)
{
	const struct fleet_gain *a = pa, *b = pb;

	if (a->nhosts != b->nhosts)
		return a->nhosts < b->nhosts ? -1 : 1;
	return (a->nfields < b->nfields) - (a->nfields > b->nfields);
}

/* Candidate removal S = the classes lacking held field H[s]. */
static int make_gain(const struct cc_fleet *f, struct fleet_vendor *v,
		     const struct held *h, size_t nh, size_t s, size_t words,
		     struct fleet_gain *g)
{
	size_t i;

	memset(g, 0, sizeof *g);
	for (i = 0; i < v->nclasses; i++) {
		if (h[s].have[i / 64] >> (i % 64) & 1)
			continue;
		g->classes = cc_xrealloc(g->classes, (g->nclasses +
						      1) * sizeof *g->classes);
		g->classes[g->nclasses++] = v->classes[i];
		g->nhosts += f->classes[v->classes[i]].nhosts;
	}
	if (g->nclasses == 0 || 2 * g->nhosts > v->nhosts) {
		free(g->classes);
		return 0;
	}
	for (i = 0; i < nh; i++) {
		/* the same removal set came from an earlier field */
		if (i < s && lack_within(h[i].have, h[s].have, words) &&
		    lack_within(h[s].have, h[i].have, words)) {
			free(g->classes);
			free(g->fields);
			return 0;
		}
		if (!lack_within(h[i].have, h[s].have, words))
			continue;
		g->fields = cc_xrealloc(g->fields,
					(g->nfields + 1) * sizeof *g->fields);
		g->fields[g->nfields++] = h[i].field;
	}
	return 1;
}

static void vendor_gains(const struct cc_fleet *f, struct fleet_vendor *v)
{
	size_t words = (v->nclasses + 63) / 64, nh, i;
	struct held *h = held_fields(v, words, &nh);

	v->gains = cc_xcalloc(nh + 1, sizeof *v->gains);
	for (i = 0; i < nh; i++)
		if (make_gain(f, v, h, nh, i, words, &v->gains[v->ngains]))
			v->ngains++;
	qsort(v->gains, v->ngains, sizeof *v->gains, cmp_gain);
	while (v->ngains > MAX_GAINS) {
		v->ngains--;
		free(v->gains[v->ngains].classes);
		free(v->gains[v->ngains].fields);
	}
	for (i = 0; i < nh; i++)
		free(h[i].have);
	free(h);
}

static struct fleet_vendor *vendor_of(struct cc_fleet *f, enum cc_vendor vd)
{
	size_t i;

	for (i = 0; i < f->nvendors; i++)
		if (f->vendors[i].vendor == vd)
			return &f->vendors[i];
	f->vendors =
		cc_xrealloc(f->vendors, (f->nvendors + 1) * sizeof *f->vendors);
	memset(&f->vendors[f->nvendors], 0, sizeof *f->vendors);
	f->vendors[f->nvendors].vendor = vd;
	return &f->vendors[f->nvendors++];
}

int fleet_vendor_baselines(struct cc_fleet *f, struct cc_err *e)
{
	size_t i, k;

	for (k = 0; k < f->nclasses; k++) {
		struct fleet_vendor *v =
			vendor_of(f, f->classes[k].rep->vendor);

		v->classes = cc_xrealloc(v->classes, (v->nclasses +
						      1) * sizeof *v->classes);
		v->classes[v->nclasses++] = k;
		v->nhosts += f->classes[k].nhosts;
	}
	for (i = 0; i < f->nvendors; i++) {
		struct fleet_vendor *v = &f->vendors[i];
		const struct cc_set **src =
			cc_xcalloc(v->nclasses, sizeof *src);
		struct cc_profile_opts po;
		char name[32];

		snprintf(name, sizeof name, "fleet-%s",
			 cc_vendor_name(v->vendor));
		memset(&po, 0, sizeof po);
		po.name = name;
		for (k = 0; k < v->nclasses; k++)
			src[k] = f->classes[v->classes[k]].rep;
		v->baseline =
			cc_profile_baseline(src, v->nclasses, f->d, &po, e);
		free(src);
		if (v->baseline == NULL)
			return -1;
		/* what a guest gives up, as check judges it */
		cc_baseline_view(v->baseline, f->d, CC_VIEW_GUEST);
		vendor_gains(f, v);
	}
	return 0;
}
