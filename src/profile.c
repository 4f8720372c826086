/*
 * Profiles at work: see profile.h.
 *
 * Generation and baseline share one builder.  It lists the keys (leaf,
 * subleaf) of every source, adds "gap" entries where the field database
 * describes subleaves no source has (the subleaves past the last cache
 * level of leaf 4, say) when the policy leaves bits there to the host,
 * and then computes each register field by field: passthrough clears the
 * known bits, static:N and inherit fix them, and bits no field covers stay
 * known and zero.  Registers no field covers at all are marked absent,
 * which in a profile of uncovered rule ZERO means the same as zero and
 * keeps the Cloud Hypervisor export as small as Cloud Hypervisor's own.
 * Adjacent entries whose register is the same are marked joined, so that
 * export writes one adjustment over the whole subleaf range.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "fmt.h"
#include "guest.h"
#include "profile.h"

#define BRAND_FIRST 0x80000002u
#define BRAND_LAST 0x80000004u

/* ------------------------------------------------------------- helpers */

/* The vendor whose field meanings apply to a set (0 = any), as diff.c. */
static unsigned field_vendor(enum cc_vendor v)
{
	return v == CC_VENDOR_OTHER ? 0 : (unsigned)v;
}

static int vendor_has(unsigned vendor, const struct cc_field *f)
{
	return vendor == 0 || (f->vendors & vendor) != 0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint32_t get_le32(const char *p)
{
	return (uint32_t)(unsigned char)p[0] |
	       (uint32_t)(unsigned char)p[1] << 8 |
	       (uint32_t)(unsigned char)p[2] << 16 |
	       (uint32_t)(unsigned char)p[3] << 24;
}

static int check_name(const char *name, struct cc_err *e)
{
	const char *p;

	if (name == NULL || *name == '\0')
		return cc_errf(e, "a profile needs a name (--name)");
	if (strlen(name) > CC_PROFILE_NAME_MAX)
		return cc_errf(e,
			       "profile name '%s' is %zu bytes long; the brand "
			       "string it becomes holds at most %d",
			       name, strlen(name), CC_PROFILE_NAME_MAX);
	for (p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			return cc_errf(e,
				       "profile name '%s': only printable "
				       "ASCII fits the brand string",
				       name);
	return 0;
}

/* Signature order (family, model, stepping); sets without leaf 1 last. */
static int older(const struct cc_set *a, const struct cc_set *b)
{
	unsigned fa, ma, sa, fb, mb, sb;

	if (cc_set_fms(a, &fa, &ma, &sa) < 0)
		return 0;
	if (cc_set_fms(b, &fb, &mb, &sb) < 0)
		return 1;
	if (fa != fb)
		return fa < fb;
	if (ma != mb)
		return ma < mb;
	return sa < sb;
}

/* ------------------------------------------------------------- builder */

struct build {
	const struct cc_defs *d;
	const struct cc_set *const *src;
	size_t n;
	unsigned vendor;  /* field vendor, 0 = any */
	size_t ref;       /* source of info fields */
	const char *name; /* brand string */
	struct cc_set *p;
	int has_flags; /* some source carries KVM entry flags */
	int have_xf;
	uint64_t xf;    /* XSAVE components the profile enables */
	uint32_t *vals; /* one register of every source */
	struct cc_baseline_conflict *conf;
	size_t nconf, capconf;
};

/* Entries to compute: a source key (first == last) or a gap range. */
struct span {
	uint32_t leaf, first, last;
	int gap;
};

static int cmp_span(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	if (x->leaf != y->leaf)
		return x->leaf < y->leaf ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

static void add_span(struct span **s, size_t *n, size_t *cap, uint32_t leaf,
		     uint32_t first, uint32_t last, int gap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		*s = cc_xrealloc(*s, *cap * sizeof **s);
	}
	(*s)[*n].leaf = leaf;
	(*s)[*n].first = first;
	(*s)[*n].last = last;
	(*s)[*n].gap = gap;
	(*n)++;
}

static int is_key(const uint64_t *keys, size_t nkeys, uint32_t leaf,
		  uint32_t sub)
{
	uint64_t k = (uint64_t)leaf << 32 | sub;
	size_t lo = 0, hi = nkeys;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (keys[mid] < k)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < nkeys && keys[lo] == k;
}

/*
 * Gap spans of LEAF: subleaf runs some applicable field describes but no
 * source has.  Indexed leaves are cut at every field and source boundary;
 * a non-indexed leaf no source has becomes one span at subleaf 0.
 */
static void leaf_gaps(const struct build *b, uint32_t leaf, size_t fb,
		      size_t fe, const uint64_t *keys, size_t nkeys,
		      struct span **s, size_t *n, size_t *cap)
{
	uint64_t *cut;
	size_t ncut = 0, i, k;
	int indexed = fmt_indexed_leaf(leaf);

	for (i = 0; i < b->n && !indexed; i++) {
		const struct cc_leaf *l = cc_set_first(b->src[i], leaf);

		indexed = l != NULL &&
			  (l->flags & CC_KVM_FLAG_SIGNIFICANT_INDEX) != 0;
	}
	if (!indexed) {
		if (!is_key(keys, nkeys, leaf, 0))
			add_span(s, n, cap, leaf, 0, 0, 1);
		return;
	}
	cut = cc_xmalloc((2 * (fe - fb) + 2 * nkeys + 2) * sizeof *cut);
	for (i = fb; i < fe; i++) {
		const struct cc_field *f = &b->d->fields[i];

		if (f->leaf != leaf || !vendor_has(b->vendor, f))
			continue;
		cut[ncut++] = f->first;
		cut[ncut++] = (uint64_t)f->last + 1;
	}
	for (i = 0; i < nkeys; i++) {
		if ((uint32_t)(keys[i] >> 32) != leaf)
			continue;
		cut[ncut++] = (uint32_t)keys[i];
		cut[ncut++] = (uint64_t)(uint32_t)keys[i] + 1;
	}
	qsort(cut, ncut, sizeof *cut, cmp_u64);
	for (i = 0; i < ncut; i++) {
		uint64_t lo = cut[i], hi;
		int covered = 0;

		if (lo > UINT32_MAX || (i > 0 && cut[i - 1] == lo))
			continue;
		for (k = i + 1; k < ncut && cut[k] == lo; k++)
			;
		hi = k < ncut ? cut[k] - 1 : UINT32_MAX;
		if (is_key(keys, nkeys, leaf, (uint32_t)lo))
			continue;
		for (k = fb; k < fe && !covered; k++) {
			const struct cc_field *f = &b->d->fields[k];

			covered = f->leaf == leaf && vendor_has(b->vendor, f) &&
				  f->first <= lo && hi <= f->last;
		}
		if (covered)
			add_span(s, n, cap, leaf, (uint32_t)lo, (uint32_t)hi,
				 1);
	}
	free(cut);
}

static void add_conflict(struct build *b, const struct cc_field *f,
			 uint32_t leaf, uint32_t sub, size_t x, size_t y,
			 uint32_t vx, uint32_t vy)
{
	struct cc_baseline_conflict *c;

	if (b->nconf == b->capconf) {
		b->capconf = b->capconf ? b->capconf * 2 : 8;
		b->conf = cc_xrealloc(b->conf, b->capconf * sizeof *b->conf);
	}
	c = &b->conf[b->nconf++];
	c->field = f;
	c->leaf = leaf;
	c->subleaf = sub;
	c->a = x;
	c->b = y;
	c->va = vx;
	c->vb = vy;
}

/* The XSAVE components P enables so far (0xd.0 EAX/EDX, 0xd.1 ECX/EDX). */
static uint64_t profile_xf(const struct cc_set *p)
{
	const struct cc_leaf *l0 = cc_set_get(p, 0xd, 0);
	const struct cc_leaf *l1 = cc_set_get(p, 0xd, 1);
	uint64_t x = 0;

	if (l0 != NULL)
		x |= (l0->reg[CC_EAX] & l0->known[CC_EAX]) |
		     (uint64_t)(l0->reg[CC_EDX] & l0->known[CC_EDX]) << 32;
	if (l1 != NULL)
		x |= (l1->reg[CC_ECX] & l1->known[CC_ECX]) |
		     (uint64_t)(l1->reg[CC_EDX] & l1->known[CC_EDX]) << 32;
	return x;
}

/*
 * An inherited field F (mask M) over the sources' register values
 * B->vals: the combination its rule calls for.  Returns -1 (and records a
 * conflict) when an equal field disagrees.
 */
static int combine(struct build *b, const struct cc_field *f, uint32_t m,
		   uint32_t leaf, uint32_t sub, uint32_t *out)
{
	uint32_t v = b->vals[0] & m;
	size_t i;

	switch (f->rule) {
	case CC_RULE_SUBSET:
		for (i = 1; i < b->n; i++)
			v &= b->vals[i];
		break;
	case CC_RULE_GE:
		for (i = 1; i < b->n; i++)
			if ((b->vals[i] & m) < v)
				v = b->vals[i] & m;
		break;
	case CC_RULE_LE:
		for (i = 1; i < b->n; i++)
			if ((b->vals[i] & m) > v)
				v = b->vals[i] & m;
		break;
	case CC_RULE_EQUAL:
		for (i = 1; i < b->n; i++) {
			if ((b->vals[i] & m) != v) {
				add_conflict(b, f, leaf, sub, 0, i, v >> f->lo,
					     (b->vals[i] & m) >> f->lo);
				return -1;
			}
		}
		break;
	default:
		v = b->vals[b->ref] & m;
		break;
	}
	*out = v & m;
	return 0;
}

/* Flags for a profile entry of LEAF at SUB. */
static uint32_t span_flags(const struct build *b, uint32_t leaf, uint32_t sub)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		const struct cc_leaf *l = cc_set_get(b->src[i], leaf, sub);

		if (l == NULL)
			l = cc_set_first(b->src[i], leaf);
		if (l != NULL && l->leaf == leaf)
			return l->flags;
	}
	return b->has_flags && fmt_indexed_leaf(leaf)
		       ? CC_KVM_FLAG_SIGNIFICANT_INDEX
		       : 0;
}

/* A source without an entry for the MSR of span S says nothing about
 * it: it takes the value (B->vals) of the first source that has the MSR,
 * so that it neither adds nor removes a bit. */
static void msr_unknown_sources(struct build *b, const struct span *s)
{
	size_t i, have = b->n;

	for (i = 0; i < b->n && have == b->n; i++)
		if (cc_set_get(b->src[i], s->leaf, s->first) != NULL)
			have = i;
	for (i = 0; i < b->n && have < b->n; i++)
		if (cc_set_get(b->src[i], s->leaf, s->first) == NULL)
			b->vals[i] = b->vals[have];
}

/* Register R of span S, field by field, into *VAL and *KNOWN (XS_OFF:
 * an XSAVE component the profile does not enable).  Returns whether any
 * field covers the register. */
static int build_reg(struct build *b, const struct span *s, int r, int xs_off,
		     uint32_t *val, uint32_t *known)
{
	size_t fb, fe, i;
	int any = 0;

	*val = 0;
	*known = UINT32_MAX;
	for (i = 0; i < b->n; i++) {
		uint32_t k;

		b->vals[i] = 0;
		if (!s->gap)
			b->vals[i] = cc_set_reg(b->src[i], s->leaf, s->first,
						(enum cc_reg)r, &k);
	}
	if (CC_IS_MSR(s->leaf) && !s->gap)
		msr_unknown_sources(b, s);
	cc_defs_range(b->d, s->leaf, r, &fb, &fe);
	for (i = fb; i < fe; i++) {
		const struct cc_field *f = &b->d->fields[i];
		uint32_t m = cc_field_mask(f), v;

		if (!cc_field_applies(f, s->first, b->vendor))
			continue;
		any = 1;
		switch (f->policy) {
		case CC_POLICY_PASSTHROUGH:
			*known &= ~m;
			break;
		case CC_POLICY_STATIC:
			*val |= (f->static_value << f->lo) & m;
			break;
		default:
			if (s->gap || xs_off)
				v = 0;
			else if (combine(b, f, m, s->leaf, s->first, &v) < 0) {
				*known &= ~m;
				break;
			}
			*val |= v;
			break;
		}
	}
	*val &= *known;
	return any;
}

/* Compute span S into the profile; gap spans only when they say more
 * than "zero". */
static void build_span(struct build *b, const struct span *s)
{
	uint32_t val[CC_NREGS], known[CC_NREGS];
	uint8_t absent = 0;
	int r, worth = !s->gap, xs_off;
	struct cc_leaf *l;

	if (s->leaf == 0xd && s->first >= 2 && !b->have_xf) {
		b->xf = profile_xf(b->p);
		b->have_xf = 1;
	}
	xs_off = s->leaf == 0xd && s->first >= 2 && s->first <= 63 &&
		 !(b->xf >> s->first & 1);
	for (r = 0; r < CC_NREGS; r++) {
		if (!build_reg(b, s, r, xs_off, &val[r], &known[r]))
			absent |= (uint8_t)(1u << r);
		if (known[r] != UINT32_MAX || val[r] != 0)
			worth = 1;
	}
	if (!s->gap && s->leaf >= BRAND_FIRST && s->leaf <= BRAND_LAST &&
	    s->first == 0) {
		char brand[48];

		memset(brand, 0, sizeof brand);
		memcpy(brand, b->name, strlen(b->name));
		for (r = 0; r < CC_NREGS; r++) {
			val[r] = get_le32(brand + 16 * (s->leaf - BRAND_FIRST) +
					  4 * r);
			known[r] = UINT32_MAX;
		}
		absent = 0;
	}
	if (!worth)
		return;
	l = cc_set_put(b->p, s->leaf, s->first, s->last);
	if (l == NULL)
		return; /* spans never overlap */
	l->flags = span_flags(b, s->leaf, s->first);
	for (r = 0; r < CC_NREGS; r++) {
		if (absent >> r & 1) {
			l->reg[r] = 0;
			l->known[r] = UINT32_MAX;
		} else {
			l->reg[r] = val[r];
			l->known[r] = known[r];
		}
	}
	l->absent = absent;
	if (CC_IS_MSR(s->leaf)) {
		/* an MSR is EDX:EAX, values and mask, never "absent" (what
		 * no field covers is fixed to 0); EBX and ECX are unused */
		for (r = 0; r < CC_NREGS; r++)
			if (l->absent >> r & 1)
				l->known[r] = UINT32_MAX;
		l->absent = 0;
		l->flags = 0;
	}
}

/* Mark registers that continue the previous entry's adjustment. */
static void join_entries(struct cc_set *p)
{
	size_t i;
	int r;

	for (i = 1; i < p->n; i++) {
		struct cc_leaf *l = &p->leaves[i];
		const struct cc_leaf *q = &p->leaves[i - 1];

		if (q->leaf != l->leaf || q->last == UINT32_MAX ||
		    q->last + 1 != l->first)
			continue;
		for (r = 0; r < CC_NREGS; r++)
			if (!((l->absent | q->absent) >> r & 1) &&
			    l->reg[r] == q->reg[r] &&
			    l->known[r] == q->known[r])
				l->joined |= (uint8_t)(1u << r);
	}
}

/* Build the profile of B->src into B->p. */
static int build(struct build *b, struct cc_err *e)
{
	struct span *spans = NULL;
	size_t nspans = 0, cap = 0, nkeys, i, fb;
	uint64_t *keys = cc_set_keys(b->src, b->n, &nkeys);

	for (i = 0; i < b->n; i++) {
		size_t j;

		for (j = 0; j < b->src[i]->n && !b->has_flags; j++)
			if (b->src[i]->leaves[j].flags)
				b->has_flags = 1;
	}
	for (i = 0; i < nkeys; i++)
		add_span(&spans, &nspans, &cap, (uint32_t)(keys[i] >> 32),
			 (uint32_t)keys[i], (uint32_t)keys[i], 0);
	/* gaps, one leaf of the defs at a time */
	for (fb = 0; fb < b->d->n;) {
		uint32_t leaf = b->d->fields[fb].leaf;
		size_t fe = fb;
		int any = 0;

		while (fe < b->d->n && b->d->fields[fe].leaf == leaf) {
			any |= vendor_has(b->vendor, &b->d->fields[fe]);
			fe++;
		}
		if (any)
			leaf_gaps(b, leaf, fb, fe, keys, nkeys, &spans, &nspans,
				  &cap);
		fb = fe;
	}
	qsort(spans, nspans, sizeof *spans, cmp_span);
	b->vals = cc_xmalloc((b->n + 1) * sizeof *b->vals);
	for (i = 0; i < nspans; i++)
		build_span(b, &spans[i]);
	join_entries(b->p);
	free(b->vals);
	b->vals = NULL;
	free(spans);
	free(keys);
	return cc_set_finish(b->p, e);
}

static void copy_meta(struct cc_set *p, const struct cc_set *src)
{
	static const char *const keys[] = {
		"brand",     "vendor", "family",   "model", "stepping",
		"microcode", "kernel", "hostname", "tool",  "captured",
	};
	const char *how = cc_set_meta(src, "source");
	int live = how != NULL && strcmp(src->name, how) == 0 &&
		   (strcmp(how, "kvm") == 0 || strcmp(how, "host") == 0);
	size_t i;

	/* a live capture is named by its source; anything else is a file */
	cc_set_meta_set(p, "source", live ? how : "dump", 0);
	if (!live)
		cc_set_meta_set(p, "source_file", src->name, 0);
	cc_set_meta_set(p, "source_view",
			how != NULL && strcmp(how, "kvm") == 0 ? "kvm" : "raw",
			0);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *v = cc_set_meta(src, keys[i]);
		char key[32];
		size_t k;

		if (v == NULL)
			continue;
		for (k = 0; k < src->nmeta; k++)
			if (strcmp(src->meta[k].key, keys[i]) == 0)
				break;
		snprintf(key, sizeof key, "source_%s", keys[i]);
		cc_set_meta_set(p, key, v, src->meta[k].is_number);
	}
}

static void common_meta(struct cc_set *p, const struct cc_profile_opts *o)
{
	if (o->generated != NULL)
		cc_set_meta_set(p, "generated", o->generated, 0);
	if (o->tool != NULL)
		cc_set_meta_set(p, "tool", o->tool, 0);
}

struct cc_set *cc_profile_generate(const struct cc_set *src,
				   const struct cc_defs *d,
				   const struct cc_profile_opts *o,
				   struct cc_err *e)
{
	struct build b;
	char brand[64];
	struct cc_buf desc;

	if (check_name(o->name, e) < 0)
		return NULL;
	if (src->kind != CC_KIND_DUMP)
		return cc_errf(e,
			       "%s: is a profile; generate needs a CPUID dump "
			       "(kvm, host or a dump file)",
			       src->name),
		       NULL;
	if (src->vendor == CC_VENDOR_UNKNOWN)
		return cc_errf(e, "%s: leaf 0 names no vendor", src->name),
		       NULL;
	memset(&b, 0, sizeof b);
	b.d = d;
	b.src = &src;
	b.n = 1;
	b.vendor = field_vendor(src->vendor);
	b.name = o->name;
	b.p = cc_set_new(o->name, CC_KIND_PROFILE);
	b.p->uncovered = CC_UNCOVERED_ZERO;
	cc_buf_init(&desc);
	cc_set_brand(src, brand);
	cc_buf_printf(&desc, "Generated from %s", src->name);
	if (cc_set_meta(src, "brand") != NULL)
		cc_buf_printf(&desc, " on %s", cc_set_meta(src, "brand"));
	else if (brand[0])
		cc_buf_printf(&desc, " on %s", brand);
	cc_set_meta_set(b.p, "description", desc.data, 0);
	cc_buf_free(&desc);
	common_meta(b.p, o);
	copy_meta(b.p, src);
	if (build(&b, e) < 0) {
		cc_set_free(b.p);
		free(b.conf);
		return NULL;
	}
	free(b.conf);
	return b.p;
}

/* -------------------------------------------------------------- apply */

struct cc_set *cc_profile_apply(const struct cc_set *p,
				const struct cc_set *host, struct cc_err *e)
{
	struct cc_buf name;
	struct cc_set *out;
	const char *v;
	size_t i;
	int zero = p->kind == CC_KIND_DUMP || p->uncovered == CC_UNCOVERED_ZERO;

	if (host->kind != CC_KIND_DUMP)
		return cc_errf(e,
			       "%s: is a profile; a profile is applied to a "
			       "host's CPUID (kvm, host or a dump file)",
			       host->name),
		       NULL;
	cc_buf_init(&name);
	cc_buf_printf(&name, "%s on %s", p->name, host->name);
	out = cc_set_new(name.data, CC_KIND_DUMP);
	cc_buf_free(&name);
	for (i = 0; i < host->n; i++) {
		const struct cc_leaf *h = &host->leaves[i];
		/* a profile that names no MSR leaves the host's */
		int covered = cc_set_get(p, h->leaf, h->first) != NULL ||
			      CC_IS_MSR(h->leaf);
		struct cc_leaf *l = cc_set_put(out, h->leaf, h->first, h->last);
		int r;

		l->flags = h->flags;
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t k, pv;

			if (zero && !covered) {
				l->reg[r] = 0;
				continue;
			}
			pv = cc_set_reg(p, h->leaf, h->first, (enum cc_reg)r,
					&k);
			l->reg[r] = (h->reg[r] & ~k) | (pv & k);
		}
	}
	for (i = 0; i < p->n; i++) {
		const struct cc_leaf *q = &p->leaves[i];
		struct cc_leaf *l;
		int r;

		/* an MSR the host says nothing about stays unknown */
		if (q->first != q->last || CC_IS_MSR(q->leaf) ||
		    cc_set_get(host, q->leaf, q->first) != NULL)
			continue;
		l = cc_set_put(out, q->leaf, q->first, q->first);
		if (l == NULL)
			continue;
		l->flags = q->flags;
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t k, pv = cc_set_reg(p, q->leaf, q->first,
						    (enum cc_reg)r, &k);

			l->reg[r] = pv & k;
		}
	}
	v = cc_set_meta(host, "source");
	if (v != NULL)
		cc_set_meta_set(out, "source", v, 0);
	cc_set_meta_set(out, "profile", p->name, 0);
	cc_set_meta_set(out, "host", host->name, 0);
	if (cc_set_finish(out, e) < 0) {
		cc_set_free(out);
		return NULL;
	}
	return out;
}

struct cc_report *cc_profile_selfcheck(const struct cc_set *p,
				       const struct cc_set *src,
				       const struct cc_defs *d,
				       struct cc_set **applied,
				       struct cc_err *e)
{
	*applied = cc_profile_apply(p, src, e);
	if (*applied == NULL)
		return NULL;
	return cc_diff(*applied, src, d, NULL);
}

/* ----------------------------------------------------------- baseline */

static void add_cost(struct cc_baseline *bl, size_t *cap, size_t source,
		     const struct cc_field *f, uint32_t leaf, uint32_t sub,
		     uint32_t own, uint32_t base)
{
	struct cc_baseline_cost *c;

	if (bl->ncosts == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		bl->costs = cc_xrealloc(bl->costs, *cap * sizeof *bl->costs);
	}
	c = &bl->costs[bl->ncosts++];
	c->source = source;
	c->field = f;
	c->leaf = leaf;
	c->subleaf = sub;
	c->own = own;
	c->base = base;
}

/*
 * What source I gives up: inherited fields where the baseline is worse
 * than the source's own value (a flag it had, a lower ge value, a higher
 * le value).  Static and passthrough fields are the same in the
 * source's own generated profile and in the baseline, so they cost
 * nothing; equal conflicts are reported separately.
 */
static void source_costs(struct cc_baseline *bl, size_t *cap, size_t i,
			 const struct cc_set *s, const struct cc_defs *d,
			 unsigned vendor)
{
	const struct cc_set *p = bl->profile;
	size_t k;

	for (k = 0; k < p->n; k++) {
		const struct cc_leaf *l = &p->leaves[k];
		int r;

		if (l->first != l->last)
			continue;
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t sk, own, base = l->reg[r], known = l->known[r];
			size_t fb, fe, x;

			if (l->absent >> r & 1)
				continue;
			own = cc_set_reg(s, l->leaf, l->first, (enum cc_reg)r,
					 &sk);
			if (own == base)
				continue;
			cc_defs_range(d, l->leaf, r, &fb, &fe);
			for (x = fb; x < fe; x++) {
				const struct cc_field *f = &d->fields[x];
				uint32_t m = cc_field_mask(f);
				uint32_t o = own & m, b = base & m;
				int worse;

				if (f->policy != CC_POLICY_INHERIT ||
				    (known & m) != m || o == b ||
				    !cc_field_applies(f, l->first, vendor))
					continue;
				switch (f->rule) {
				case CC_RULE_SUBSET:
					worse = (o & ~b) != 0;
					break;
				case CC_RULE_GE:
					worse = b < o;
					break;
				case CC_RULE_LE:
					worse = b > o;
					break;
				default:
					worse = 0;
					break;
				}
				if (worse)
					add_cost(bl, cap, i, f, l->leaf,
						 l->first, o >> f->lo,
						 b >> f->lo);
			}
		}
	}
}

struct cc_baseline *cc_profile_baseline(const struct cc_set *const *src,
					size_t n, const struct cc_defs *d,
					const struct cc_profile_opts *o,
					struct cc_err *e)
{
	struct cc_baseline *bl;
	struct build b;
	size_t i, cap = 0;
	char num[32];

	if (check_name(o->name, e) < 0)
		return NULL;
	if (n == 0)
		return cc_errf(e, "baseline: no sources"), NULL;
	for (i = 0; i < n; i++) {
		if (src[i]->kind != CC_KIND_DUMP)
			return cc_errf(e,
				       "%s: is a profile; a baseline is made "
				       "of CPUID dumps",
				       src[i]->name),
			       NULL;
		if (src[i]->vendor == CC_VENDOR_UNKNOWN)
			return cc_errf(e, "%s: leaf 0 names no vendor",
				       src[i]->name),
			       NULL;
		if (src[i]->vendor != src[0]->vendor)
			return cc_errf(e,
				       "%s: vendor %s differs from %s's (%s): "
				       "no profile runs on both",
				       src[i]->name, src[i]->vendor_id,
				       src[0]->name, src[0]->vendor_id),
			       NULL;
	}
	memset(&b, 0, sizeof b);
	b.d = d;
	b.src = src;
	b.n = n;
	b.vendor = field_vendor(src[0]->vendor);
	b.name = o->name;
	for (i = 1; i < n; i++)
		if (older(src[i], src[b.ref]))
			b.ref = i;
	b.p = cc_set_new(o->name, CC_KIND_PROFILE);
	b.p->uncovered = CC_UNCOVERED_ZERO;
	snprintf(num, sizeof num, "%zu", n);
	{
		struct cc_buf desc;

		cc_buf_init(&desc);
		cc_buf_printf(&desc, "Baseline of %zu CPUID set%s", n,
			      n == 1 ? "" : "s");
		cc_set_meta_set(b.p, "description", desc.data, 0);
		cc_buf_free(&desc);
	}
	common_meta(b.p, o);
	cc_set_meta_set(b.p, "sources", num, 1);
	cc_set_meta_set(b.p, "reference", src[b.ref]->name, 0);
	if (build(&b, e) < 0) {
		cc_set_free(b.p);
		free(b.conf);
		return NULL;
	}
	bl = cc_xcalloc(1, sizeof *bl);
	bl->profile = b.p;
	bl->conflicts = b.conf;
	bl->nconflicts = b.nconf;
	bl->reference = b.ref;
	for (i = 0; i < n; i++)
		source_costs(bl, &cap, i, src[i], d, b.vendor);
	return bl;
}

void cc_baseline_view(struct cc_baseline *b, const struct cc_defs *d, int view)
{
	size_t i, k = 0;

	for (i = 0; i < b->ncosts; i++) {
		const struct cc_baseline_cost *c = &b->costs[i];
		struct cc_judgement j;

		cc_guest_judge(d, (enum cc_view)view, c->field, c->leaf,
			       c->subleaf, c->field->reg,
			       cc_field_mask(c->field), &j);
		if (!j.unseen)
			b->costs[k++] = *c;
	}
	b->ncosts = k;
}

void cc_baseline_free(struct cc_baseline *b)
{
	if (b == NULL)
		return;
	cc_set_free(b->profile);
	free(b->costs);
	free(b->conflicts);
	free(b);
}
