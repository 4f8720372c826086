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

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "fmt.h"
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

/* Sorted, distinct keys (leaf << 32 | first subleaf) of SETS[0..N). */
static uint64_t *union_keys(const struct cc_set *const *sets, size_t n,
			    size_t *nkeys)
{
	size_t total = 0, i, j, k;
	uint64_t *keys;

	for (i = 0; i < n; i++)
		total += sets[i]->n;
	keys = cc_xmalloc((total + 1) * sizeof *keys);
	for (i = k = 0; i < n; i++)
		for (j = 0; j < sets[i]->n; j++)
			keys[k++] = (uint64_t)sets[i]->leaves[j].leaf << 32 |
				    sets[i]->leaves[j].first;
	if (n > 1)
		qsort(keys, total, sizeof *keys, cmp_u64);
	for (i = j = 0; i < total; i++)
		if (j == 0 || keys[j - 1] != keys[i])
			keys[j++] = keys[i];
	*nkeys = j;
	return keys;
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
	int has_flags;    /* some source carries KVM entry flags */
	int have_xf;
	uint64_t xf;      /* XSAVE components the profile enables */
	uint32_t *vals;   /* one register of every source */
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
				add_conflict(b, f, leaf, sub, 0, i,
					     v >> f->lo,
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
		size_t fb, fe, i;
		int any = 0;

		val[r] = 0;
		known[r] = UINT32_MAX;
		for (i = 0; i < b->n; i++) {
			uint32_t k;

			b->vals[i] = 0;
			if (!s->gap)
				b->vals[i] = cc_set_reg(b->src[i], s->leaf,
							s->first,
							(enum cc_reg)r, &k);
		}
		cc_defs_range(b->d, s->leaf, r, &fb, &fe);
		for (i = fb; i < fe; i++) {
			const struct cc_field *f = &b->d->fields[i];
			uint32_t m = cc_field_mask(f), v;

			if (!cc_field_applies(f, s->first, b->vendor))
				continue;
			any = 1;
			switch (f->policy) {
			case CC_POLICY_PASSTHROUGH:
				known[r] &= ~m;
				break;
			case CC_POLICY_STATIC:
				val[r] |= (f->static_value << f->lo) & m;
				break;
			default:
				if (s->gap || xs_off)
					v = 0;
				else if (combine(b, f, m, s->leaf, s->first,
						 &v) < 0) {
					known[r] &= ~m;
					break;
				}
				val[r] |= v;
				break;
			}
		}
		if (!any)
			absent |= (uint8_t)(1u << r);
		val[r] &= known[r];
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
	uint64_t *keys = union_keys(b->src, b->n, &nkeys);

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
			leaf_gaps(b, leaf, fb, fe, keys, nkeys, &spans,
				  &nspans, &cap);
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
		"brand",  "vendor",   "family",   "model", "stepping",
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
		int covered = cc_set_get(p, h->leaf, h->first) != NULL;
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

		if (q->first != q->last ||
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

void cc_baseline_free(struct cc_baseline *b)
{
	if (b == NULL)
		return;
	cc_set_free(b->profile);
	free(b->costs);
	free(b->conflicts);
	free(b);
}

/* ------------------------------------------------------------- matrix */

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
	unsigned vendor;   /* field vendor, 0 = any */
	uint32_t *block;   /* per slot: subset bits that block */
	size_t *nbeg;      /* per slot + 1: first numeric field */
	struct mnum *nums;
	size_t nnums, capnums;
};

struct mclass {
	enum cc_vendor vendor;
	uint64_t xf;
	uint32_t *v, *k; /* per slot, restricted to the relevant bits */
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

/* Plan P's masks for (LEAF, SUB, REG); 1 when anything can block there. */
static int plan_slot(const struct cc_defs *d, struct mplan *p, uint32_t leaf,
		     uint32_t sub, int reg, uint32_t *block)
{
	size_t fb, fe, i;
	uint32_t covered = 0, sub_block = 0;
	int found = 0;

	cc_defs_range(d, leaf, reg, &fb, &fe);
	for (i = fb; i < fe; i++) {
		const struct cc_field *f = &d->fields[i];
		uint32_t m = cc_field_mask(f);

		if (!cc_field_applies(f, sub, p->vendor))
			continue;
		covered |= m;
		if (f->rule == CC_RULE_SUBSET) {
			if (f->severity == CC_SEV_INCOMPATIBLE)
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
	sub_block |= ~covered;
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
			while (e < s->n &&
			       (s->leaves[e].leaf < sl->leaf ||
				(s->leaves[e].leaf == sl->leaf &&
				 s->leaves[e].first < sl->sub)))
				e++;
			c->present[i] = e < s->n &&
					s->leaves[e].leaf == sl->leaf &&
					s->leaves[e].first == sl->sub;
			v = c->present[i] ? s->leaves[e].reg[sl->reg] : 0;
			k = UINT32_MAX;
		} else {
			const struct cc_leaf *l = cc_set_get(s, sl->leaf,
							     sl->sub);

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
	c->hash = fnv(14695981039346656037ull, c->v,
		      m->nslots * sizeof *c->v);
	c->hash = fnv(c->hash, c->k, m->nslots * sizeof *c->k);
	c->hash = fnv(c->hash, c->present, m->nslots);
	c->hash = fnv(c->hash, &c->xf, sizeof c->xf);
	c->hash = fnv(c->hash, &c->vendor, sizeof c->vendor);
}

static int same_class(const struct cc_matrix *m, const struct mclass *a,
		      const struct mclass *b)
{
	return a->hash == b->hash && a->vendor == b->vendor &&
	       a->xf == b->xf &&
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
		bad = nm->rule == CC_RULE_GE	? bv < av
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
static enum cc_cell eval_cell(const struct cc_matrix *m,
			      const struct mclass *a, const struct mclass *b,
			      struct cc_blocker *out, size_t cap, size_t *n)
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

struct cc_matrix *cc_matrix_new(const struct cc_set *const *sets, size_t n,
				const struct cc_defs *d)
{
	struct cc_matrix *m = cc_xcalloc(1, sizeof *m);
	size_t nkeys, i, j, capslots, nbuckets, *bucket;
	uint64_t *keys = union_keys(sets, n, &nkeys);
	uint32_t *rel;
	int any_unknown = 0;

	m->sets = sets;
	m->n = n;
	m->d = d;
	memset(m->plan_of, -1, sizeof m->plan_of);
	for (i = 0; i < n; i++) {
		if (sets[i]->vendor == CC_VENDOR_UNKNOWN)
			any_unknown = 1;
		else
			get_plan(m, field_vendor(sets[i]->vendor));
	}
	if (any_unknown)
		get_plan(m, 0);
	/* slots: every (key, register) where some plan can block */
	capslots = nkeys * CC_NREGS + 1;
	m->slots = cc_xmalloc(capslots * sizeof *m->slots);
	rel = cc_xmalloc(capslots * sizeof *rel);
	for (j = 0; j < m->nplans; j++) {
		m->plans[j].block = cc_xmalloc(capslots * sizeof(uint32_t));
		m->plans[j].nbeg = cc_xmalloc((capslots + 1) * sizeof(size_t));
	}
	for (i = 0; i < nkeys; i++) {
		uint32_t leaf = (uint32_t)(keys[i] >> 32);
		uint32_t sub = (uint32_t)keys[i];
		int r;

		for (r = 0; r < CC_NREGS; r++) {
			size_t s = m->nslots;
			int keep = 0;

			rel[s] = 0;
			for (j = 0; j < m->nplans; j++) {
				struct mplan *p = &m->plans[j];
				size_t before = p->nnums, x;

				p->nbeg[s] = p->nnums;
				keep |= plan_slot(d, p, leaf, sub, r,
						  &p->block[s]);
				rel[s] |= p->block[s];
				for (x = before; x < p->nnums; x++)
					rel[s] |= p->nums[x].mask;
			}
			if (!keep) {
				for (j = 0; j < m->nplans; j++)
					m->plans[j].nnums =
						m->plans[j].nbeg[s];
				continue;
			}
			m->slots[s].leaf = leaf;
			m->slots[s].sub = sub;
			m->slots[s].reg = (uint8_t)r;
			m->slots[s].comp = (int8_t)(leaf == 0xd && sub >= 2 &&
							    sub <= 63
						    ? (int)sub
						    : -1);
			m->nslots++;
		}
	}
	for (j = 0; j < m->nplans; j++)
		m->plans[j].nbeg[m->nslots] = m->plans[j].nnums;
	free(keys);
	/* classes */
	m->cls = cc_xmalloc((n + 1) * sizeof *m->cls);
	m->classes = cc_xmalloc((n + 1) * sizeof *m->classes);
	nbuckets = 16;
	while (nbuckets < 2 * n)
		nbuckets *= 2;
	bucket = cc_xmalloc(nbuckets * sizeof *bucket);
	for (i = 0; i < nbuckets; i++)
		bucket[i] = SIZE_MAX;
	for (i = 0; i < n; i++) {
		struct mclass *c = &m->classes[m->nclasses];
		size_t h;

		c->v = cc_xmalloc((m->nslots + 1) * sizeof *c->v);
		c->k = cc_xmalloc((m->nslots + 1) * sizeof *c->k);
		c->present = cc_xmalloc(m->nslots + 1);
		fill_vector(m, sets[i], rel, c);
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
	free(rel);
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
	eval_cell(m, &m->classes[m->cls[i]], &m->classes[m->cls[j]], out,
		  cap, &n);
	if (n <= cap)
		qsort(out, n, sizeof *out, cmp_blocker);
	return n;
}
