/*
 * Sources grouped into classes before the matrix: see matrix.h.  Host
 * dumps of the guest view go to a cc_fleet, whose hash of the guest view
 * (fleet.c) decides their class; everything else is hashed here by its
 * raw CPUID (vendor, then every entry's leaf, subleaf range, flags,
 * values and known bits) into an open-addressing table whose hits are
 * confirmed by comparing the words, never two sources' sets.  Profiles
 * are never merged: how a profile answers for the bits it does not name
 * is its own (its uncovered rule), and a fleet holds few of them.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_report.h"
#include "fleet.h"
#include "fleet_priv.h"
#include "guest.h"
#include "matrix.h"

#define RAW_WORDS 14 /* words per entry: leaf, first, last, flags, 4+4 */

/* The key of a class hashed here (not by the fleet): its raw words. */
struct rawkey {
	uint32_t *w;
	size_t n;
	uint64_t hash;
};

struct priv {
	const struct cc_defs *d;
	int view;
	struct cc_fleet *fleet; /* guest view: the host dumps' classes */
	size_t *of_fleet;       /* fleet class -> class */
	size_t capfleet;
	struct rawkey *keys;   /* per class (w NULL: not keyed here) */
	struct cc_set **owned; /* per class: its rep when the grouping owns it,
				* else NULL (the fleet does) */
	size_t *bucket;        /* class + 1, 0 = free; nbuckets a power of 2 */
	size_t nbuckets, nkeyed;
	uint32_t *scratch;
	size_t capscratch;
	int named; /* the fleet has named its classes */
};

struct cc_matrix_classes *cc_matrix_classes_new(const struct cc_defs *d,
						int view)
{
	struct cc_matrix_classes *g = cc_xcalloc(1, sizeof *g);
	struct priv *p = cc_xcalloc(1, sizeof *p);

	p->d = d;
	p->view = view;
	if (view == CC_VIEW_GUEST)
		p->fleet = cc_fleet_new(d);
	g->priv = p;
	return g;
}

void cc_matrix_classes_free(struct cc_matrix_classes *g)
{
	struct priv *p;
	size_t i;

	if (g == NULL)
		return;
	p = g->priv;
	for (i = 0; i < g->nclasses; i++) {
		cc_set_free(p->owned[i]);
		free(p->keys[i].w);
		free(g->classes[i].name);
		free(g->classes[i].members);
	}
	for (i = 0; i < g->nsources; i++)
		free(g->specs[i]);
	cc_fleet_free(p->fleet);
	free(p->of_fleet);
	free(p->keys);
	free(p->owned);
	free(p->bucket);
	free(p->scratch);
	free(p);
	free(g->classes);
	free(g->reps);
	free(g->specs);
	free(g->cls);
	free(g);
}

/* A new class represented by REP; OWNED (NULL or REP) is freed with the
 * grouping. */
static size_t new_class(struct cc_matrix_classes *g, const struct cc_set *rep,
			struct cc_set *owned)
{
	struct priv *p = g->priv;
	size_t k = g->nclasses;

	if (k == g->capclasses) {
		g->capclasses = k ? 2 * k : 64;
		g->classes = cc_xrealloc(g->classes,
					 g->capclasses * sizeof *g->classes);
		g->reps = cc_xrealloc(g->reps, g->capclasses * sizeof *g->reps);
		p->keys = cc_xrealloc(p->keys, g->capclasses * sizeof *p->keys);
		p->owned =
			cc_xrealloc(p->owned, g->capclasses * sizeof *p->owned);
	}
	memset(&g->classes[k], 0, sizeof g->classes[k]);
	memset(&p->keys[k], 0, sizeof p->keys[k]);
	g->classes[k].rep = rep;
	g->reps[k] = rep;
	p->owned[k] = owned;
	g->nclasses++;
	return k;
}

/* The raw words of dump S into the scratch; returns their number. */
static size_t raw_words(struct priv *p, const struct cc_set *s)
{
	size_t i, n = 0;
	int r;

	if (p->capscratch < RAW_WORDS * s->n + 1) {
		p->capscratch = RAW_WORDS * s->n + 1;
		p->scratch = cc_xrealloc(p->scratch,
					 p->capscratch * sizeof *p->scratch);
	}
	p->scratch[n++] = (uint32_t)s->vendor;
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];

		p->scratch[n++] = l->leaf;
		p->scratch[n++] = l->first;
		p->scratch[n++] = l->last;
		p->scratch[n++] = l->flags;
		for (r = 0; r < CC_NREGS; r++) {
			p->scratch[n++] = l->reg[r];
			p->scratch[n++] = l->known[r];
		}
	}
	return n;
}

static uint64_t hash_words(const uint32_t *w, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ull ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= w[i];
		h *= 0x100000001b3ull;
		h ^= h >> 31;
	}
	return h ^ (h >> 29);
}

static void rehash(struct cc_matrix_classes *g)
{
	struct priv *p = g->priv;
	size_t i;

	free(p->bucket);
	p->nbuckets = p->nbuckets ? 2 * p->nbuckets : 256;
	p->bucket = cc_xcalloc(p->nbuckets, sizeof *p->bucket);
	for (i = 0; i < g->nclasses; i++) {
		size_t h;

		if (p->keys[i].w == NULL)
			continue;
		for (h = (size_t)p->keys[i].hash;
		     p->bucket[h & (p->nbuckets - 1)]; h++)
			;
		p->bucket[h & (p->nbuckets - 1)] = i + 1;
	}
}

/* The class of dump S by its raw CPUID; S is kept as a new class's
 * representative or freed. */
static size_t raw_class(struct cc_matrix_classes *g, struct cc_set *s)
{
	struct priv *p = g->priv;
	size_t n = raw_words(p, s), h, k;
	uint64_t hash = hash_words(p->scratch, n);

	if (2 * (p->nkeyed + 1) > p->nbuckets)
		rehash(g);
	for (h = (size_t)hash;; h++) {
		size_t x = p->bucket[h & (p->nbuckets - 1)];
		const struct rawkey *rk;

		if (x == 0)
			break;
		rk = &p->keys[x - 1];
		if (rk->hash == hash && rk->n == n &&
		    memcmp(rk->w, p->scratch, n * sizeof *rk->w) == 0) {
			cc_set_free(s);
			return x - 1;
		}
	}
	k = new_class(g, s, s);
	p->keys[k].w = cc_xmalloc(n * sizeof *p->keys[k].w);
	memcpy(p->keys[k].w, p->scratch, n * sizeof *p->keys[k].w);
	p->keys[k].n = n;
	p->keys[k].hash = hash;
	p->bucket[h & (p->nbuckets - 1)] = k + 1;
	p->nkeyed++;
	return k;
}

/* The class of host dump S in the guest view, by the fleet's hash. */
static size_t fleet_class(struct cc_matrix_classes *g, struct cc_set *s,
			  const char *spec)
{
	struct priv *p = g->priv;
	struct cc_fleet *f = p->fleet;
	size_t before = f->nclasses, fk;
	struct cc_err e;

	/* a dump with a vendor always joins (cc_fleet_add's contract) */
	if (cc_fleet_add(f, s, spec, &e) < 0)
		abort();
	fk = f->hosts[f->nhosts - 1].cls;
	if (f->nclasses > before) {
		if (fk >= p->capfleet) {
			p->capfleet = p->capfleet ? 2 * p->capfleet : 64;
			p->of_fleet =
				cc_xrealloc(p->of_fleet,
					    p->capfleet * sizeof *p->of_fleet);
		}
		p->of_fleet[fk] = new_class(g, f->classes[fk].rep, NULL);
	}
	return p->of_fleet[fk];
}

size_t cc_matrix_classes_add(struct cc_matrix_classes *g, struct cc_set *s,
			     const char *spec)
{
	struct priv *p = g->priv;
	struct cc_matrix_class *c;
	size_t k;

	if (s->kind != CC_KIND_DUMP)
		k = new_class(g, s, s);
	else if (p->fleet != NULL && s->vendor != CC_VENDOR_UNKNOWN)
		k = fleet_class(g, s, spec);
	else
		k = raw_class(g, s);
	if (g->nsources == g->capsources) {
		g->capsources = g->capsources ? 2 * g->capsources : 256;
		g->specs =
			cc_xrealloc(g->specs, g->capsources * sizeof *g->specs);
		g->cls = cc_xrealloc(g->cls, g->capsources * sizeof *g->cls);
	}
	g->specs[g->nsources] = cc_xstrdup(spec);
	g->cls[g->nsources] = k;
	c = &g->classes[k];
	if (c->nmembers == c->capmembers) {
		c->capmembers = c->capmembers ? 2 * c->capmembers : 4;
		c->members = cc_xrealloc(c->members,
					 c->capmembers * sizeof *c->members);
	}
	c->members[c->nmembers++] = g->nsources++;
	return k;
}

void cc_matrix_classes_name(struct cc_matrix_classes *g)
{
	struct priv *p = g->priv;
	size_t k;

	if (p->fleet != NULL && p->fleet->nclasses > 0 && !p->named)
		fleet_name_classes_nearest(p->fleet);
	p->named = 1;
	for (k = 0; k < g->nclasses; k++) {
		struct cc_matrix_class *c = &g->classes[k];
		char title[128];

		free(c->name);
		c->name = NULL;
		c->profile = NULL;
		if (p->owned[k] != NULL) {
			cc_report_set_title(c->rep, title, sizeof title);
			c->name = cc_xstrdup(title);
		}
	}
	for (k = 0; p->fleet != NULL && k < p->fleet->nclasses; k++) {
		struct cc_matrix_class *c = &g->classes[p->of_fleet[k]];

		c->name = cc_xstrdup(p->fleet->classes[k].name);
		c->profile = p->fleet->classes[k].profile;
	}
}
