/*
 * The fleet's classes: see fleet.h.  Hosts are hashed by their guest view
 * and land in an open-addressing table of classes; a hit is confirmed by
 * comparing the projection with the class's (the table's own equality
 * test, never a comparison of two hosts' dumps).  The keep masks of the
 * projection depend only on (vendor, leaf, subleaf, register), so they
 * are computed once per key and cached.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "fleet.h"
#include "fleet_priv.h"
#include "guest.h"

#define KEEP_CAPPED 4

/* Cached keep masks of one (vendor, leaf, subleaf). */
struct keep {
	uint32_t leaf, sub;
	unsigned vendor;
	int used;
	uint32_t mask[CC_NREGS];  /* bits the projection keeps */
	uint32_t block[CC_NREGS]; /* seen bits whose loss always blocks */
	/* seen fields whose guest value KVM caps or derives (guest.h) */
	const struct cc_field *capped[CC_NREGS][KEEP_CAPPED];
	uint8_t ncapped[CC_NREGS];
};

struct priv {
	struct keep *keeps; /* open addressing, nkeeps a power of two */
	size_t nkeeps, usedkeeps;
	size_t *bucket; /* class index + 1, 0 = free; nbuckets pow2 */
	size_t nbuckets;
	uint32_t *scratch; /* the projection being built */
	size_t capscratch;
};

uint32_t fleet_seen(const struct cc_defs *d, const struct cc_field *fl,
		    uint32_t leaf, uint32_t sub, int reg, uint32_t bits)
{
	struct cc_judgement j;

	/* A database without guest-view rules (an old --defs DIR): rule
	 * "info" marks what is host-specific and never blocks (APIC IDs,
	 * topology, caches, brand, frequencies, family/model/stepping). */
	if (d->kvm_rules == NULL)
		return fl != NULL && fl->rule == CC_RULE_INFO ? 0 : bits;
	/* An unnamed bit is seen exactly when cc_guest_judge finds it seen
	 * alone: in KVM's mask of a register the guest view shows and the
	 * VMM does not set, which is cc_guest_unnamed_mask (one lookup for
	 * all 32 bits; tests/check_fleet.c compares both on every register
	 * of the defs). */
	if (fl == NULL)
		return bits &
		       cc_guest_unnamed_mask(d, CC_VIEW_GUEST, leaf, sub, reg);
	cc_guest_judge(d, CC_VIEW_GUEST, fl, leaf, sub, reg, bits, &j);
	return j.unseen == CC_UNSEEN_NONE ? bits : 0;
}

static unsigned field_vendor(enum cc_vendor v)
{
	return v == CC_VENDOR_OTHER ? 0 : (unsigned)v;
}

/* Does losing FL's bits always block a guest that sees them? */
static int always_blocks(const struct cc_defs *d, const struct cc_field *fl,
			 uint32_t leaf, uint32_t sub, int reg)
{
	struct cc_judgement j;

	if (fl->rule != CC_RULE_SUBSET)
		return 0;
	if (fl->severity == CC_SEV_INCOMPATIBLE)
		return 1;
	/* the guest view blocks on a lost flag KVM can offer (guest.h) */
	cc_guest_judge(d, CC_VIEW_GUEST, fl, leaf, sub, reg, cc_field_mask(fl),
		       &j);
	return d->kvm_rules != NULL && j.offerable;
}

/* K's capped fields of register R: those whose guest value KVM caps or
 * derives (guest_max, zero_means), which the projection must apply. */
static void add_capped(struct keep *k, int r, const struct cc_field *fl)
{
	if (k->ncapped[r] < KEEP_CAPPED)
		k->capped[r][k->ncapped[r]++] = fl;
}

static void compute_keep(const struct cc_defs *d, struct keep *k)
{
	int r;

	for (r = 0; r < CC_NREGS; r++) {
		size_t b, e, i;
		uint32_t covered = 0, keep = 0, block = 0, unnamed;

		cc_defs_range(d, k->leaf, r, &b, &e);
		for (i = b; i < e; i++) {
			const struct cc_field *fl = &d->fields[i];
			uint32_t m = cc_field_mask(fl), seen;

			if (!cc_field_applies(fl, k->sub, k->vendor))
				continue;
			covered |= m;
			seen = fleet_seen(d, fl, k->leaf, k->sub, r, m);
			keep |= seen;
			if (seen && always_blocks(d, fl, k->leaf, k->sub, r))
				block |= m;
			if (seen && d->kvm_rules != NULL &&
			    (fl->guest_max != 0 || fl->zero_means))
				add_capped(k, r, fl);
		}
		unnamed = fleet_seen(d, NULL, k->leaf, k->sub, r, ~covered);
		keep |= unnamed;
		/* XSAVE components compare only when both sides enable them
		 * (diff.c): never a sure block */
		k->block[r] = k->leaf == 0xd && k->sub >= 2 ? 0
							    : block | unnamed;
		k->mask[r] = keep;
	}
}

static size_t key_hash(uint32_t leaf, uint32_t sub, unsigned vendor)
{
	uint64_t h = ((uint64_t)leaf << 32 | sub) * 0x9e3779b97f4a7c15ull;

	return (size_t)((h ^ (h >> 29) ^ vendor) * 0xbf58476d1ce4e5b9ull >> 7);
}

static void grow_keeps(struct priv *p)
{
	struct keep *old = p->keeps;
	size_t n = p->nkeeps, i;

	p->nkeeps = n ? n * 2 : 1024;
	p->keeps = cc_xcalloc(p->nkeeps, sizeof *p->keeps);
	for (i = 0; i < n; i++) {
		size_t h;

		if (!old[i].used)
			continue;
		h = key_hash(old[i].leaf, old[i].sub, old[i].vendor);
		while (p->keeps[h & (p->nkeeps - 1)].used)
			h++;
		p->keeps[h & (p->nkeeps - 1)] = old[i];
	}
	free(old);
}

static const struct keep *keep_of(struct cc_fleet *f, unsigned vendor,
				  uint32_t leaf, uint32_t sub)
{
	struct priv *p = f->priv;
	struct keep *k;
	size_t h;

	if (2 * (p->usedkeeps + 1) > p->nkeeps)
		grow_keeps(p);
	for (h = key_hash(leaf, sub, vendor);; h++) {
		k = &p->keeps[h & (p->nkeeps - 1)];
		if (!k->used)
			break;
		if (k->leaf == leaf && k->sub == sub && k->vendor == vendor)
			return k;
	}
	k->used = 1;
	k->leaf = leaf;
	k->sub = sub;
	k->vendor = vendor;
	compute_keep(f->d, k);
	p->usedkeeps++;
	return k;
}

/* V with FL's bits replaced by the value a guest compares (capped at
 * guest_max, or derived when zero means another field's value). */
static uint32_t capped_value(const struct cc_field *fl, uint32_t reg,
			     uint32_t v)
{
	uint32_t m = cc_field_mask(fl);
	uint32_t x = (reg & m) >> fl->lo, y = x;

	cc_guest_values(fl, reg, reg, &x, &y);
	return (v & ~m) | ((x << fl->lo) & m);
}

size_t fleet_guest_view(struct cc_fleet *f, const struct cc_set *s,
			uint32_t **out, size_t *cap)
{
	unsigned vendor = field_vendor(s->vendor);
	size_t i, n = 0;
	int r;

	if (*cap < 4 * CC_NREGS * s->n + 4) {
		*cap = 4 * CC_NREGS * s->n + 4;
		*out = cc_xrealloc(*out, *cap * sizeof **out);
	}
	/* the vendor first, so that vendors never share a class */
	(*out)[n++] = (uint32_t)s->vendor;
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		const struct keep *k;

		/* a dump holds no leaf past its range maximum
		 * (cc_set_finish), so every entry exists for the guest */
		k = keep_of(f, vendor, l->leaf, l->first);
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t v = l->reg[r] & k->mask[r];
			int c;

			for (c = 0; c < k->ncapped[r]; c++)
				v = capped_value(k->capped[r][c], l->reg[r], v);

			/* a zero MSR is known, an absent one unknown
			 * (cc_set_reg): they must not share a class */
			if (v == 0 && !CC_IS_MSR(l->leaf))
				continue;
			(*out)[n++] = l->leaf;
			(*out)[n++] = l->first;
			(*out)[n++] = (uint32_t)r;
			(*out)[n++] = v;
		}
	}
	return n;
}

static uint64_t hash_words(const uint32_t *w, size_t n)
{
	uint64_t h = 0x243f6a8885a308d3ull ^ n;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= w[i];
		h *= 0x100000001b3ull;
		h ^= h >> 29;
	}
	h ^= h >> 32;
	h *= 0xd6e8feb86659fd93ull;
	return h ^ (h >> 32);
}

struct cc_fleet *cc_fleet_new(const struct cc_defs *d)
{
	struct cc_fleet *f = cc_xcalloc(1, sizeof *f);

	f->d = d;
	f->priv = cc_xcalloc(1, sizeof(struct priv));
	return f;
}

static void free_vendor(struct fleet_vendor *v)
{
	size_t i;

	for (i = 0; i < v->ngains; i++) {
		free(v->gains[i].classes);
		free(v->gains[i].fields);
	}
	free(v->gains);
	free(v->classes);
	cc_baseline_free(v->baseline);
}

void cc_fleet_free(struct cc_fleet *f)
{
	struct priv *p;
	size_t i;

	if (f == NULL)
		return;
	p = f->priv;
	for (i = 0; i < f->nhosts; i++) {
		free(f->hosts[i].name);
		free(f->hosts[i].origin);
	}
	for (i = 0; i < f->nclasses; i++) {
		struct fleet_class *c = &f->classes[i];

		cc_set_free(c->rep);
		free(c->view);
		free(c->hosts);
		free(c->name);
		free(c->brand);
	}
	for (i = 0; i < f->nvendors; i++)
		free_vendor(&f->vendors[i]);
	free(f->vendors);
	free(f->hosts);
	free(f->classes);
	free(f->reach);
	free(f->edges);
	free(p->keeps);
	free(p->bucket);
	free(p->scratch);
	free(p);
	free(f);
}

char *fleet_stem(const char *path)
{
	const char *b = strrchr(path, '/'), *dot;
	char *s;

	b = b ? b + 1 : path;
	if (*b == '\0')
		return cc_xstrdup(path);
	dot = strrchr(b, '.');
	if (dot == NULL || dot == b)
		dot = b + strlen(b);
	s = cc_xmalloc((size_t)(dot - b) + 1);
	memcpy(s, b, (size_t)(dot - b));
	s[dot - b] = '\0';
	return s;
}

static void rehash(struct cc_fleet *f)
{
	struct priv *p = f->priv;
	size_t i;

	free(p->bucket);
	p->nbuckets = p->nbuckets ? p->nbuckets * 2 : 256;
	p->bucket = cc_xcalloc(p->nbuckets, sizeof *p->bucket);
	for (i = 0; i < f->nclasses; i++) {
		size_t h = (size_t)f->classes[i].hash;

		while (p->bucket[h & (p->nbuckets - 1)])
			h++;
		p->bucket[h & (p->nbuckets - 1)] = i + 1;
	}
}

/* The class of projection W[0..N) with hash H, or a new one for S. */
static size_t find_class(struct cc_fleet *f, struct cc_set *s,
			 const uint32_t *w, size_t n, uint64_t h, int *isnew)
{
	struct priv *p = f->priv;
	struct fleet_class *c;
	size_t b;

	if (2 * (f->nclasses + 1) > p->nbuckets)
		rehash(f);
	for (b = (size_t)h;; b++) {
		size_t x = p->bucket[b & (p->nbuckets - 1)];

		if (x == 0)
			break;
		c = &f->classes[x - 1];
		if (c->hash == h && c->nview == n &&
		    memcmp(c->view, w, n * sizeof *w) == 0) {
			*isnew = 0;
			return x - 1;
		}
	}
	if (f->nclasses == f->capclasses) {
		f->capclasses = f->capclasses ? f->capclasses * 2 : 64;
		f->classes = cc_xrealloc(f->classes,
					 f->capclasses * sizeof *f->classes);
	}
	c = &f->classes[f->nclasses];
	memset(c, 0, sizeof *c);
	c->rep = s;
	c->hash = h;
	c->nview = n;
	c->view = cc_xmalloc(n * sizeof *w + 1);
	memcpy(c->view, w, n * sizeof *w);
	p->bucket[b & (p->nbuckets - 1)] = f->nclasses + 1;
	*isnew = 1;
	return f->nclasses++;
}

int cc_fleet_add(struct cc_fleet *f, struct cc_set *s, const char *name,
		 struct cc_err *e)
{
	struct priv *p = f->priv;
	struct fleet_class *c;
	struct fleet_host *host;
	size_t n, k;
	int isnew;

	if (s->kind != CC_KIND_DUMP) {
		cc_errf(e, "%s: is a profile, not a host's CPUID dump",
			cc_set_label(s));
		cc_set_free(s);
		return -1;
	}
	if (s->vendor == CC_VENDOR_UNKNOWN) {
		cc_errf(e, "%s: leaf 0 names no vendor", cc_set_label(s));
		cc_set_free(s);
		return -1;
	}
	n = fleet_guest_view(f, s, &p->scratch, &p->capscratch);
	if (f->nhosts == f->caphosts) {
		f->caphosts = f->caphosts ? f->caphosts * 2 : 256;
		f->hosts = cc_xrealloc(f->hosts, f->caphosts * sizeof *host);
	}
	host = &f->hosts[f->nhosts];
	host->origin = cc_xstrdup(cc_set_label(s));
	host->name = name        ? cc_xstrdup(name)
		     : s->origin ? fleet_stem(s->origin)
				 : cc_xstrdup(s->name);
	k = find_class(f, s, p->scratch, n, hash_words(p->scratch, n), &isnew);
	if (!isnew)
		cc_set_free(s);
	host->cls = k;
	c = &f->classes[k];
	if (c->nhosts == c->caphosts) {
		c->caphosts = c->caphosts ? c->caphosts * 2 : 8;
		c->hosts =
			cc_xrealloc(c->hosts, c->caphosts * sizeof *c->hosts);
	}
	c->hosts[c->nhosts++] = f->nhosts++;
	return 0;
}

const struct cc_diff_opts *fleet_diff_opts(void)
{
	static const struct cc_diff_opts o = {.view = CC_VIEW_GUEST};

	return &o;
}

int fleet_surely_blocked(struct cc_fleet *f, const struct cc_set *a,
			 const struct cc_set *b)
{
	enum cc_vendor v = a->vendor != CC_VENDOR_UNKNOWN ? a->vendor
							  : b->vendor;
	size_t i;
	int r;

	for (i = 0; i < a->n; i++) {
		const struct cc_leaf *l = &a->leaves[i];
		const struct keep *k;

		if (l->first != l->last || !cc_set_exists(a, l->leaf))
			continue;
		k = keep_of(f, field_vendor(v), l->leaf, l->first);
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t sk, dk, sv, dv;

			if (k->block[r] == 0)
				continue;
			sv = cc_set_guest_reg(a, l->leaf, l->first, r, &sk);
			dv = cc_set_guest_reg(b, l->leaf, l->first, r, &dk);
			if (sv & sk & ~dv & dk & k->block[r])
				return 1;
		}
	}
	return 0;
}

int cc_fleet_reaches(const struct cc_fleet *f, size_t i, size_t j)
{
	if (i == j)
		return 1;
	return (int)(f->reach[i * f->words + j / 64] >> (j % 64) & 1);
}
