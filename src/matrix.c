/*
 * The migration matrix: see matrix.h.
 *
 * The matrix keeps, per set, only the register bits that can block a
 * migration under the rules of diff.c (see visit_key and compare there):
 * subset fields of severity incompatible, bits no field names (compared
 * as flags), and ge/le/equal fields of severity incompatible, compared
 * only where both sides know every bit.  As in diff.c, keys are visited
 * only when one of the two sets has them, never in leaves past the
 * guest's range maximum, and XSAVE component subleaves only when both
 * sets enable the component.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "guest.h"
#include "matrix.h"

/* The vendor whose field meanings apply to a set (0 = any), as diff.c. */
static unsigned field_vendor(enum cc_vendor v)
{
	return v == CC_VENDOR_OTHER ? 0 : (unsigned)v;
}

struct mslot {
	uint32_t leaf, sub;
	uint8_t reg;
	int8_t comp; /* XSAVE component of a 0xd subleaf 2..63, else -1 */
};

struct mnum {
	const struct cc_field *f;
	uint32_t mask;
	uint8_t rule, lo;
};

struct mplan {
	unsigned vendor; /* field vendor, 0 = any */
	uint32_t *block; /* per slot: subset bits that block */
	size_t *nbeg;    /* per slot + 1: first numeric field */
	struct mnum *nums;
	size_t nnums, capnums;
};

struct mclass {
	enum cc_vendor vendor;
	uint64_t xf;
	uint32_t *v, *k;  /* per slot, restricted to the relevant bits */
	uint8_t *present; /* per slot: SLOT_KEY | SLOT_LEAF */
	uint64_t hash;
	uint32_t *diff; /* slots whose v or k differ from class 0's */
	size_t ndiff;
};

#define SLOT_KEY 1  /* the set has this (leaf, subleaf) entry */
#define SLOT_LEAF 2 /* the leaf exists (not past a range maximum) */

struct cc_matrix {
	const struct cc_set *const *sets;
	size_t n;
	const struct cc_defs *d;
	int view; /* enum cc_view: what can block, as cc_diff judges */
	struct mslot *slots;
	size_t nslots;
	struct mplan plans[8];
	size_t nplans;
	signed char plan_of[128]; /* field vendor -> plan index */
	struct mclass *classes;
	size_t nclasses;
	size_t *cls;    /* per set */
	uint8_t *cells; /* nclasses * nclasses, enum cc_cell */
};

static unsigned cell_vendor(enum cc_vendor a, enum cc_vendor b)
{
	return field_vendor(a != CC_VENDOR_UNKNOWN ? a : b);
}

/* Plan P's masks for (LEAF, SUB, REG) in VIEW; 1 when anything can block
 * there.  In the guest view, as diff.c judges: what no KVM guest sees
 * never blocks, and a flag KVM can offer blocks whatever its severity. */
static int plan_slot(const struct cc_defs *d, int view, struct mplan *p,
		     uint32_t leaf, uint32_t sub, int reg, uint32_t *block)
{
	size_t fb, fe, i;
	uint32_t covered = 0, sub_block = 0;
	int found = 0, guest = view == CC_VIEW_GUEST && d->kvm_rules != NULL;

	cc_defs_range(d, leaf, reg, &fb, &fe);
	for (i = fb; i < fe; i++) {
		const struct cc_field *f = &d->fields[i];
		uint32_t m = cc_field_mask(f);
		struct cc_judgement j;

		if (!cc_field_applies(f, sub, p->vendor))
			continue;
		covered |= m;
		cc_guest_judge(d, (enum cc_view)view, f, leaf, sub, reg, m, &j);
		if (j.unseen)
			continue;
		if (f->rule == CC_RULE_SUBSET) {
			if (f->severity == CC_SEV_INCOMPATIBLE ||
			    (guest && j.offerable))
				sub_block |= m;
			continue;
		}
		if (f->severity != CC_SEV_INCOMPATIBLE)
			continue;
		if (p->nnums == p->capnums) {
			p->capnums = p->capnums ? p->capnums * 2 : 64;
			p->nums = cc_xrealloc(p->nums,
					      p->capnums * sizeof *p->nums);
		}
		p->nums[p->nnums].f = f;
		p->nums[p->nnums].mask = m;
		p->nums[p->nnums].rule = f->rule;
		p->nums[p->nnums].lo = f->lo;
		p->nnums++;
		found = 1;
	}
	/* bits no field names may be features the guest detected */
	sub_block |= ~covered & cc_guest_unnamed_mask(d, (enum cc_view)view,
						      leaf, sub, reg);
	*block = sub_block;
	return found || sub_block != 0;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *c = p;
	size_t i;

	for (i = 0; i < n; i++) {
		h ^= c[i];
		h *= 1099511628211ull;
	}
	return h;
}

/* Fill the vector of set S (slots sorted by leaf, subleaf, register). */
static void fill_vector(const struct cc_matrix *m, const struct cc_set *s,
			const uint32_t *rel, struct mclass *c)
{
	size_t i, e = 0;
	uint32_t last_leaf = 0;
	int exists = 0;

	for (i = 0; i < m->nslots; i++) {
		const struct mslot *sl = &m->slots[i];
		uint32_t v, k;

		if (i == 0 || sl->leaf != last_leaf) {
			last_leaf = sl->leaf;
			exists = cc_set_exists(s, sl->leaf);
		}

		if (s->kind == CC_KIND_DUMP) {
			/* dumps hold no leaf past a range maximum */
			while (e < s->n && (s->leaves[e].leaf < sl->leaf ||
					    (s->leaves[e].leaf == sl->leaf &&
					     s->leaves[e].first < sl->sub)))
				e++;
			c->present[i] = e < s->n &&
					s->leaves[e].leaf == sl->leaf &&
					s->leaves[e].first == sl->sub;
			v = c->present[i] ? s->leaves[e].reg[sl->reg] : 0;
			/* a dump says nothing of an MSR it does not carry
			 * (cc_set_reg): unknown, as diff.c judges it */
			k = c->present[i] || !CC_IS_MSR(sl->leaf) ? UINT32_MAX
								  : 0;
		} else {
			const struct cc_leaf *l =
				cc_set_get(s, sl->leaf, sl->sub);

			c->present[i] = l != NULL && l->first == sl->sub;
			v = cc_set_guest_reg(s, sl->leaf, sl->sub, sl->reg, &k);
		}
		c->present[i] |= exists ? SLOT_LEAF : 0;
		c->v[i] = v & rel[i];
		c->k[i] = k & rel[i];
	}
	c->vendor = s->vendor;
	c->xf = 0;
	if (cc_set_exists(s, 0xd)) {
		uint32_t k;

		c->xf = cc_set_reg(s, 0xd, 0, CC_EAX, &k) |
			(uint64_t)cc_set_reg(s, 0xd, 0, CC_EDX, &k) << 32 |
			cc_set_reg(s, 0xd, 1, CC_ECX, &k) |
			(uint64_t)cc_set_reg(s, 0xd, 1, CC_EDX, &k) << 32;
	}
	c->hash = fnv(14695981039346656037ull, c->v, m->nslots * sizeof *c->v);
	c->hash = fnv(c->hash, c->k, m->nslots * sizeof *c->k);
	c->hash = fnv(c->hash, c->present, m->nslots);
	c->hash = fnv(c->hash, &c->xf, sizeof c->xf);
	c->hash = fnv(c->hash, &c->vendor, sizeof c->vendor);
}

static int same_class(const struct cc_matrix *m, const struct mclass *a,
		      const struct mclass *b)
{
	return a->hash == b->hash && a->vendor == b->vendor && a->xf == b->xf &&
	       memcmp(a->v, b->v, m->nslots * sizeof *a->v) == 0 &&
	       memcmp(a->k, b->k, m->nslots * sizeof *a->k) == 0 &&
	       memcmp(a->present, b->present, m->nslots) == 0;
}

static void add_blocker(struct cc_blocker *out, size_t cap, size_t *n,
			const struct cc_field *f, const struct mslot *sl,
			uint8_t lo, uint8_t hi)
{
	if (*n < cap) {
		out[*n].field = f;
		out[*n].leaf = sl->leaf;
		out[*n].subleaf = sl->sub;
		out[*n].reg = sl->reg;
		out[*n].lo = lo;
		out[*n].hi = hi;
	}
	(*n)++;
}

/* Name the subset blockers MISS of slot SL under plan P. */
static void name_missing(const struct cc_matrix *m, const struct mplan *p,
			 const struct mslot *sl, uint32_t miss,
			 struct cc_blocker *out, size_t cap, size_t *n)
{
	size_t fb, fe, i;
	uint32_t covered = 0;
	int bit;

	cc_defs_range(m->d, sl->leaf, sl->reg, &fb, &fe);
	for (i = fb; i < fe; i++) {
		const struct cc_field *f = &m->d->fields[i];
		uint32_t fm = cc_field_mask(f);

		if (!cc_field_applies(f, sl->sub, p->vendor))
			continue;
		covered |= fm;
		if (f->rule == CC_RULE_SUBSET && (miss & fm))
			add_blocker(out, cap, n, f, sl, f->lo, f->hi);
	}
	for (bit = 0; bit < 32; bit++)
		if ((miss & ~covered) >> bit & 1)
			add_blocker(out, cap, n, NULL, sl, (uint8_t)bit,
				    (uint8_t)bit);
}

/* Does slot S block a guest of class A on class B?  Names the blockers
 * into OUT when it is not NULL. */
static int eval_slot(const struct cc_matrix *m, const struct mplan *p,
		     const struct mclass *a, const struct mclass *b, size_t s,
		     struct cc_blocker *out, size_t cap, size_t *n)
{
	const struct mslot *sl;
	uint32_t va = a->v[s], ka = a->k[s], vb = b->v[s], kb = b->k[s];
	uint32_t miss;
	size_t x;
	int blocked = 0;

	/* equal registers never block */
	if (va == vb && ka == kb)
		return 0;
	sl = &m->slots[s];
	/* keys of neither set are not compared; leaves the guest (A) does
	 * not have cannot break it (diff.c's visit_key) */
	if (!((a->present[s] | b->present[s]) & SLOT_KEY) ||
	    !(a->present[s] & SLOT_LEAF))
		return 0;
	if (sl->comp >= 0 && !((a->xf & b->xf) >> sl->comp & 1))
		return 0;
	miss = va & ka & ~vb & kb & p->block[s];
	if (miss) {
		if (out == NULL)
			return 1;
		blocked = 1;
		name_missing(m, p, sl, miss, out, cap, n);
	}
	for (x = p->nbeg[s]; x < p->nbeg[s + 1]; x++) {
		const struct mnum *nm = &p->nums[x];
		uint32_t mk = nm->mask, av, bv;
		int bad;

		if ((ka & mk) != mk || (kb & mk) != mk)
			continue;
		av = (va & mk) >> nm->lo;
		bv = (vb & mk) >> nm->lo;
		if (m->view == CC_VIEW_GUEST && m->d->kvm_rules != NULL)
			cc_guest_values(nm->f, va, vb, &av, &bv);
		bad = nm->rule == CC_RULE_GE   ? bv < av
		      : nm->rule == CC_RULE_LE ? bv > av
					       : av != bv;
		if (!bad)
			continue;
		if (out == NULL)
			return 1;
		blocked = 1;
		add_blocker(out, cap, n, nm->f, sl, nm->f->lo, nm->f->hi);
	}
	return blocked;
}

/*
 * Cell (A, B) of classes; with OUT != NULL also list the blockers (*N
 * counts them, possibly beyond CAP).  Only slots where A or B differs
 * from the reference class can differ between A and B, so the walk
 * merges the two classes' lists of such slots.
 */
static enum cc_cell eval_cell(const struct cc_matrix *m, const struct mclass *a,
			      const struct mclass *b, struct cc_blocker *out,
			      size_t cap, size_t *n)
{
	const struct mplan *p;
	enum cc_cell cell = CC_CELL_OK;
	size_t x = 0, y = 0;

	if (a->vendor != CC_VENDOR_UNKNOWN && b->vendor != CC_VENDOR_UNKNOWN &&
	    a->vendor != b->vendor)
		return CC_CELL_VENDOR;
	p = &m->plans[(int)m->plan_of[cell_vendor(a->vendor, b->vendor)]];
	while (x < a->ndiff || y < b->ndiff) {
		uint32_t s;

		if (y == b->ndiff ||
		    (x < a->ndiff && a->diff[x] < b->diff[y])) {
			s = a->diff[x++];
		} else if (x == a->ndiff || b->diff[y] < a->diff[x]) {
			s = b->diff[y++];
		} else {
			s = a->diff[x++];
			y++;
		}
		if (eval_slot(m, p, a, b, s, out, cap, n)) {
			if (out == NULL)
				return CC_CELL_BLOCKED;
			cell = CC_CELL_BLOCKED;
		}
	}
	return cell;
}

static struct mplan *get_plan(struct cc_matrix *m, unsigned vendor)
{
	if (m->plan_of[vendor] < 0) {
		struct mplan *p = &m->plans[m->nplans];

		memset(p, 0, sizeof *p);
		p->vendor = vendor;
		m->plan_of[vendor] = (signed char)m->nplans++;
	}
	return &m->plans[(int)m->plan_of[vendor]];
}

/* One plan per field vendor among the sets (plan 0 = any, when a set's
 * vendor is unknown). */
static void make_plans(struct cc_matrix *m)
{
	size_t i;
	int any_unknown = 0;

	memset(m->plan_of, -1, sizeof m->plan_of);
	for (i = 0; i < m->n; i++) {
		if (m->sets[i]->vendor == CC_VENDOR_UNKNOWN)
			any_unknown = 1;
		else
			get_plan(m, field_vendor(m->sets[i]->vendor));
	}
	if (any_unknown)
		get_plan(m, 0);
}

/* Slot S for (LEAF, SUB, REG) under every plan, with REL[S] the bits any
 * plan compares there; kept (m->nslots grows) only when some plan can
 * block there. */
static void add_slot(struct cc_matrix *m, uint32_t leaf, uint32_t sub, int reg,
		     uint32_t *rel)
{
	size_t s = m->nslots, j;
	int keep = 0;

	rel[s] = 0;
	for (j = 0; j < m->nplans; j++) {
		struct mplan *p = &m->plans[j];
		size_t before = p->nnums, x;

		p->nbeg[s] = p->nnums;
		keep |= plan_slot(m->d, m->view, p, leaf, sub, reg,
				  &p->block[s]);
		rel[s] |= p->block[s];
		for (x = before; x < p->nnums; x++) {
			const struct cc_field *f = p->nums[x].f;

			rel[s] |= p->nums[x].mask;
			if (m->view == CC_VIEW_GUEST && f->zero_means)
				rel[s] |= (f->zero_hi - f->zero_lo == 31
						   ? UINT32_MAX
						   : ((1u << (f->zero_hi -
							      f->zero_lo + 1)) -
						      1))
					  << f->zero_lo;
		}
	}
	if (!keep) {
		for (j = 0; j < m->nplans; j++)
			m->plans[j].nnums = m->plans[j].nbeg[s];
		return;
	}
	m->slots[s].leaf = leaf;
	m->slots[s].sub = sub;
	m->slots[s].reg = (uint8_t)reg;
	m->slots[s].comp =
		(int8_t)(leaf == 0xd && sub >= 2 && sub <= 63 ? (int)sub : -1);
	m->nslots++;
}

/* The slots: every (key, register) of the sets where some plan can
 * block.  Returns the relevant bits per slot (free it). */
static uint32_t *make_slots(struct cc_matrix *m)
{
	size_t nkeys, i, j, capslots;
	uint64_t *keys = cc_set_keys(m->sets, m->n, &nkeys);
	uint32_t *rel;
	int r;

	capslots = nkeys * CC_NREGS + 1;
	m->slots = cc_xmalloc(capslots * sizeof *m->slots);
	rel = cc_xmalloc(capslots * sizeof *rel);
	for (j = 0; j < m->nplans; j++) {
		m->plans[j].block = cc_xmalloc(capslots * sizeof(uint32_t));
		m->plans[j].nbeg = cc_xmalloc((capslots + 1) * sizeof(size_t));
	}
	for (i = 0; i < nkeys; i++)
		for (r = 0; r < CC_NREGS; r++)
			add_slot(m, (uint32_t)(keys[i] >> 32),
				 (uint32_t)keys[i], r, rel);
	for (j = 0; j < m->nplans; j++)
		m->plans[j].nbeg[m->nslots] = m->plans[j].nnums;
	free(keys);
	return rel;
}

/* Reduce every set to its vector (bits REL of each slot) and collapse
 * equal vectors into classes, through an open-addressing hash table. */
static void make_classes(struct cc_matrix *m, const uint32_t *rel)
{
	size_t i, nbuckets = 16, *bucket;

	m->cls = cc_xmalloc((m->n + 1) * sizeof *m->cls);
	m->classes = cc_xmalloc((m->n + 1) * sizeof *m->classes);
	while (nbuckets < 2 * m->n)
		nbuckets *= 2;
	bucket = cc_xmalloc(nbuckets * sizeof *bucket);
	for (i = 0; i < nbuckets; i++)
		bucket[i] = SIZE_MAX;
	for (i = 0; i < m->n; i++) {
		struct mclass *c = &m->classes[m->nclasses];
		size_t h;

		c->v = cc_xmalloc((m->nslots + 1) * sizeof *c->v);
		c->k = cc_xmalloc((m->nslots + 1) * sizeof *c->k);
		c->present = cc_xmalloc(m->nslots + 1);
		fill_vector(m, m->sets[i], rel, c);
		for (h = c->hash & (nbuckets - 1); bucket[h] != SIZE_MAX;
		     h = (h + 1) & (nbuckets - 1))
			if (same_class(m, &m->classes[bucket[h]], c))
				break;
		if (bucket[h] != SIZE_MAX) {
			m->cls[i] = bucket[h];
			free(c->v);
			free(c->k);
			free(c->present);
			continue;
		}
		bucket[h] = m->nclasses;
		m->cls[i] = m->nclasses++;
	}
	free(bucket);
}

/* Per class, the slots where it differs from class 0; then every cell. */
static void make_cells(struct cc_matrix *m)
{
	size_t i, j;

	for (i = 0; i < m->nclasses; i++) {
		struct mclass *c = &m->classes[i];
		const struct mclass *r = &m->classes[0];
		size_t s;

		c->diff = cc_xmalloc((m->nslots + 1) * sizeof *c->diff);
		c->ndiff = 0;
		for (s = 0; s < m->nslots; s++)
			if (c->v[s] != r->v[s] || c->k[s] != r->k[s])
				c->diff[c->ndiff++] = (uint32_t)s;
	}
	m->cells = cc_xmalloc(m->nclasses * m->nclasses + 1);
	for (i = 0; i < m->nclasses; i++)
		for (j = 0; j < m->nclasses; j++)
			m->cells[i * m->nclasses + j] =
				i == j ? CC_CELL_OK
				       : (uint8_t)eval_cell(m, &m->classes[i],
							    &m->classes[j],
							    NULL, 0, NULL);
}

struct cc_matrix *cc_matrix_new(const struct cc_set *const *sets, size_t n,
				const struct cc_defs *d)
{
	return cc_matrix_new_view(sets, n, d, CC_VIEW_RAW);
}

struct cc_matrix *cc_matrix_new_view(const struct cc_set *const *sets, size_t n,
				     const struct cc_defs *d, int view)
{
	struct cc_matrix *m = cc_xcalloc(1, sizeof *m);
	uint32_t *rel;

	m->sets = sets;
	m->n = n;
	m->d = d;
	m->view = view;
	make_plans(m);
	rel = make_slots(m);
	make_classes(m, rel);
	free(rel);
	make_cells(m);
	return m;
}

void cc_matrix_free(struct cc_matrix *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->nplans; i++) {
		free(m->plans[i].block);
		free(m->plans[i].nbeg);
		free(m->plans[i].nums);
	}
	for (i = 0; i < m->nclasses; i++) {
		free(m->classes[i].v);
		free(m->classes[i].k);
		free(m->classes[i].present);
		free(m->classes[i].diff);
	}
	free(m->classes);
	free(m->slots);
	free(m->cls);
	free(m->cells);
	free(m);
}

enum cc_cell cc_matrix_cell(const struct cc_matrix *m, size_t i, size_t j)
{
	return (enum cc_cell)m->cells[m->cls[i] * m->nclasses + m->cls[j]];
}

size_t cc_matrix_nclasses(const struct cc_matrix *m)
{
	return m->nclasses;
}

size_t cc_matrix_class(const struct cc_matrix *m, size_t i)
{
	return m->cls[i];
}

static int cmp_blocker(const void *pa, const void *pb)
{
	const struct cc_blocker *a = pa, *b = pb;

	if (a->leaf != b->leaf)
		return a->leaf < b->leaf ? -1 : 1;
	if (a->subleaf != b->subleaf)
		return a->subleaf < b->subleaf ? -1 : 1;
	if (a->reg != b->reg)
		return a->reg < b->reg ? -1 : 1;
	return (a->lo > b->lo) - (a->lo < b->lo);
}

size_t cc_matrix_blockers(const struct cc_matrix *m, size_t i, size_t j,
			  struct cc_blocker *out, size_t cap)
{
	size_t n = 0;

	if (cc_matrix_cell(m, i, j) != CC_CELL_BLOCKED)
		return 0;
	eval_cell(m, &m->classes[m->cls[i]], &m->classes[m->cls[j]], out, cap,
		  &n);
	if (n <= cap)
		qsort(out, n, sizeof *out, cmp_blocker);
	return n;
}
