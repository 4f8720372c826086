/*
 * QEMU CPU models as CPUID sets: see qemu_model.h.
 *
 * The nearest model is found by loading every bundled QEMU model of the
 * set's vendor and comparing, bit by bit, the features: single-bit fields
 * with a QEMU 7.2 name that a KVM guest can see.  A bit counts only where
 * both the set and the model fix it; a profile leaves the rest to the
 * host.  Every other field both fix and that differs is an "other"
 * difference: the features cannot express it.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_buf.h"
#include "fmt.h"
#include "guest.h"
#include "profile_names.h"
#include "qemu_model.h"
#include "qemu_names.h"

/* ------------------------------------------------------------ features */

/* QEMU's older spellings, which it still takes as aliases ("sse4_1" and
 * "sse4-1" need none: same_name takes '_', '-' and '.' as one). */
static const struct {
	const char *legacy, *name;
} legacy_names[] = {
	{"ffxsr", "fxsr-opt"},
	{"i64", "lm"},
	{"pclmuldq", "pclmulqdq"},
	{"xd", "nx"},
};

/* A and B the same name: case-insensitive, '_', '-' and '.' equal. */
static int same_name(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return 0;
	for (; *a && *b; a++, b++) {
		int ca = (*a == '_' || *a == '.') ? '-' : (*a | 0x20);
		int cb = (*b == '_' || *b == '.') ? '-' : (*b | 0x20);

		if (ca != cb)
			return 0;
	}
	return *a == *b;
}

static int is_flag(const struct cc_field *f, unsigned vendor)
{
	return f->lo == f->hi && cc_field_applies(f, f->first, vendor);
}

/* The flag of D whose spelling of kind K (0 QEMU, 1 libvirt, 2 ours, 3 an
 * alias) is NAME. */
static const struct cc_field *
find_kind(const struct cc_defs *d, const char *name, unsigned vendor, int k)
{
	size_t i, a;

	for (i = 0; i < d->n; i++) {
		const struct cc_field *f = &d->fields[i];

		if (!is_flag(f, vendor))
			continue;
		if ((k == 0 && same_name(f->qemu, name)) ||
		    (k == 1 && same_name(f->libvirt, name)) ||
		    (k == 2 && same_name(f->name, name)))
			return f;
		for (a = 0; k == 3 && f->aliases && f->aliases[a]; a++)
			if (same_name(f->aliases[a], name))
				return f;
	}
	return NULL;
}

const struct cc_field *qemu_feature_find(const struct cc_defs *d,
					 const char *name, unsigned vendor)
{
	const struct cc_field *f;
	size_t i;
	int k;

	for (i = 0; i < sizeof legacy_names / sizeof legacy_names[0]; i++)
		if (same_name(legacy_names[i].legacy, name))
			name = legacy_names[i].name;
	for (k = 0; k < 4; k++) {
		f = find_kind(d, name, vendor, k);
		if (f != NULL)
			return f;
	}
	return NULL;
}

/* Bits that follow a feature the way QEMU 7.2 derives them: the XSAVE
 * state components a feature owns (on and off), and what QEMU drops with
 * a feature turned off (leaf 0xD without xsave; a feature MSR without
 * the CPUID bit that announces it). */
static const struct follower {
	const char *feature; /* our name */
	uint32_t leaf, sub;
	int reg;
	uint32_t mask;
	int off_only; /* only when the feature goes off */
} followers[] = {
	{"avx", 0xd, 0, CC_EAX, 1u << 2, 0},
	{"mpx", 0xd, 0, CC_EAX, 3u << 3, 0},
	{"avx512f", 0xd, 0, CC_EAX, 7u << 5, 0},
	{"pku", 0xd, 0, CC_EAX, 1u << 9, 0},
	{"amx_tile", 0xd, 0, CC_EAX, 3u << 17, 0},
	{"xsave", 0xd, 0, CC_EAX, UINT32_MAX, 1},
	{"xsave", 0xd, 0, CC_EDX, UINT32_MAX, 1},
	{"xsave", 0xd, 1, CC_EAX, UINT32_MAX, 1},
	{"arch_capabilities", CC_MSR_LEAF, 0x10a, CC_EAX, UINT32_MAX, 1},
	{"arch_capabilities", CC_MSR_LEAF, 0x10a, CC_EDX, UINT32_MAX, 1},
	{"core_capability", CC_MSR_LEAF, 0xcf, CC_EAX, UINT32_MAX, 1},
	{"core_capability", CC_MSR_LEAF, 0xcf, CC_EDX, UINT32_MAX, 1},
	{"pdcm", CC_MSR_LEAF, 0x345, CC_EAX, UINT32_MAX, 1},
	{"pdcm", CC_MSR_LEAF, 0x345, CC_EDX, UINT32_MAX, 1},
};
#define NFOLLOWERS (sizeof followers / sizeof followers[0])

/* S's entry covering (LEAF, SUB), writable, or NULL. */
static struct cc_leaf *entry_of(struct cc_set *s, uint32_t leaf, uint32_t sub)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->leaves[i].leaf == leaf && s->leaves[i].first <= sub &&
		    sub <= s->leaves[i].last)
			return &s->leaves[i];
	return NULL;
}

/* Entry (LEAF, SUB) of S to write register R into, created when absent. */
static struct cc_leaf *entry_for(struct cc_set *s, uint32_t leaf, uint32_t sub,
				 int r, struct cc_err *e)
{
	struct cc_leaf *l = entry_of(s, leaf, sub);
	int zero = s->kind == CC_KIND_DUMP ||
		   (s->uncovered == CC_UNCOVERED_ZERO && !CC_IS_MSR(leaf));

	if (l != NULL && l->first != l->last) {
		cc_errf(e,
			"%s: CPUID leaf %#x subleaves %u-%u are one entry; "
			"a feature cannot be set in one of them",
			s->name, leaf, l->first, l->last);
		return NULL;
	}
	if (l == NULL) {
		l = cc_set_put(s, leaf, sub, sub);
		if (s->kind == CC_KIND_PROFILE) {
			memset(l->known, 0, sizeof l->known);
			l->absent = (1u << CC_NREGS) - 1;
		}
	}
	if (l->absent >> r & 1) {
		l->absent &= (uint8_t) ~(1u << r);
		l->reg[r] = 0;
		l->known[r] = zero ? UINT32_MAX : 0;
	}
	return l;
}

/* Set the bits M of (LEAF, SUB, R) to ON; 0 or -1 and E. */
static int set_bits(struct cc_set *s, uint32_t leaf, uint32_t sub, int r,
		    uint32_t m, int on, struct cc_err *e)
{
	struct cc_leaf *l = entry_for(s, leaf, sub, r, e);

	if (l == NULL)
		return -1;
	l->known[r] |= m;
	if (on)
		l->reg[r] |= m;
	else
		l->reg[r] &= ~m;
	return 0;
}

int qemu_feature_apply(struct cc_set *s, const struct cc_field *f, int on,
		       struct cc_err *e)
{
	size_t i;

	if (set_bits(s, f->leaf, f->first, f->reg, cc_field_mask(f), on, e) < 0)
		return -1;
	for (i = 0; i < NFOLLOWERS; i++) {
		const struct follower *w = &followers[i];
		uint32_t known, m;

		if (strcmp(f->name, w->feature) != 0 || (on && w->off_only))
			continue;
		/* only bits S fixes: a bit left to the host stays so */
		(void)cc_set_reg(s, w->leaf, w->sub, (enum cc_reg)w->reg,
				 &known);
		m = w->mask & known;
		if (cc_set_get(s, w->leaf, w->sub) != NULL && m != 0 &&
		    set_bits(s, w->leaf, w->sub, w->reg, m, on, e) < 0)
			return -1;
	}
	return 0;
}

/* ------------------------------------------------------------- nearest */

unsigned qemu_model_version(const char *name)
{
	const char *v = strrchr(name, '-');
	char *end;
	unsigned long n;

	if (v == NULL || v[1] != 'v' || v[2] < '1' || v[2] > '9')
		return 0;
	n = strtoul(v + 2, &end, 10);
	return *end == '\0' && n < 1000 ? (unsigned)n : 0;
}

/* One feature bit to compare, and the set's value of it. */
struct feat {
	const struct cc_field *f;
	int seen;        /* a KVM guest can see it */
	uint32_t vs, ks; /* the set's register and known mask there */
};

struct scan {
	const struct cc_defs *d;
	unsigned vendor;
	struct feat *feat;
	size_t nfeat;
	uint8_t *is_feat; /* by field index: a feature */
	const struct cc_set *s;
};

static unsigned set_vendor(const struct cc_set *s)
{
	return s->vendor == CC_VENDOR_OTHER ? 0 : (unsigned)s->vendor;
}

/* Can a KVM guest see a difference in F?  Not when KVM never shows it,
 * it lies outside what KVM offers, or the VMM sets it on any host (the
 * hypervisor bit); a database without KVM rules: yes. */
static int guest_sees(const struct cc_defs *d, const struct cc_field *f)
{
	struct cc_judgement j;

	cc_guest_judge(d, CC_VIEW_GUEST, f, f->leaf, f->first, f->reg,
		       cc_field_mask(f), &j);
	return j.unseen != CC_UNSEEN_NEVER && j.unseen != CC_UNSEEN_MASK &&
	       j.unseen != CC_UNSEEN_VMM;
}

/* The flags of D with a QEMU 7.2 name that apply to VENDOR. */
static void list_features(struct scan *sc)
{
	size_t i;

	sc->feat = cc_xcalloc(sc->d->n ? sc->d->n : 1, sizeof *sc->feat);
	sc->is_feat = cc_xcalloc(sc->d->n ? sc->d->n : 1, 1);
	for (i = 0; i < sc->d->n; i++) {
		const struct cc_field *f = &sc->d->fields[i];
		struct feat *t = &sc->feat[sc->nfeat];

		if (!is_flag(f, sc->vendor) || qemu_names_field(f) == NULL)
			continue;
		sc->is_feat[i] = 1;
		t->f = f;
		t->seen = guest_sees(sc->d, f);
		t->vs = cc_set_guest_reg(sc->s, f->leaf, f->first, f->reg,
					 &t->ks);
		sc->nfeat++;
	}
}

static void push(const struct cc_field ***v, size_t *n,
		 const struct cc_field *f)
{
	*v = cc_xrealloc(*v, (*n + 1) * sizeof **v);
	(*v)[(*n)++] = f;
}

/* Is F a bit that follows a feature (followers[], both ways) and agrees
 * with it in S?  The feature says it then. */
static int follows_feature(const struct scan *sc, const struct cc_field *f)
{
	size_t i, k;

	for (i = 0; i < NFOLLOWERS; i++) {
		const struct follower *w = &followers[i];
		uint32_t ks, kf, v, fv;

		if (w->off_only || f->leaf != w->leaf || f->first != w->sub ||
		    f->reg != w->reg || !(w->mask & cc_field_mask(f)))
			continue;
		v = cc_set_guest_reg(sc->s, w->leaf, w->sub, w->reg, &ks);
		for (k = 0; k < sc->nfeat; k++) {
			const struct cc_field *o = sc->feat[k].f;

			if (strcmp(o->name, w->feature) != 0)
				continue;
			fv = cc_set_guest_reg(sc->s, o->leaf, o->first, o->reg,
					      &kf);
			return (kf & cc_field_mask(o)) &&
			       !(fv & cc_field_mask(o)) ==
				       !(v & cc_field_mask(f));
		}
	}
	return 0;
}

/* Fields of M's entries that are no feature, that S and M both fix and
 * that differ: counted, and listed in M when KEEP. */
static void compare_others(const struct scan *sc, const struct cc_set *m,
			   struct qemu_model_match *res, int keep)
{
	size_t k, i, fb, fe;
	int r;

	for (k = 0; k < m->n; k++) {
		const struct cc_leaf *l = &m->leaves[k];

		if (l->first != l->last || !cc_set_exists(m, l->leaf))
			continue;
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t ks, km, vs, vm;

			if (l->absent >> r & 1)
				continue;
			vm = l->reg[r];
			km = l->known[r];
			vs = cc_set_guest_reg(sc->s, l->leaf, l->first, r, &ks);
			if (((vs ^ vm) & ks & km) == 0)
				continue;
			cc_defs_range(sc->d, l->leaf, r, &fb, &fe);
			for (i = fb; i < fe; i++) {
				const struct cc_field *f = &sc->d->fields[i];
				uint32_t fm = cc_field_mask(f);

				if (!cc_field_applies(f, l->first,
						      sc->vendor) ||
				    sc->is_feat[i] || (ks & km & fm) != fm ||
				    ((vs ^ vm) & fm) == 0 ||
				    follows_feature(sc, f))
					continue;
				if (!guest_sees(sc->d, f))
					res->unseen++;
				else if (keep)
					push(&res->others, &res->other, f);
				else
					res->other++;
			}
		}
	}
}

/* Compare S with model M into RES (lists only when KEEP). */
static void compare(const struct scan *sc, const struct cc_set *m,
		    struct qemu_model_match *res, int keep)
{
	size_t i;

	for (i = 0; i < sc->nfeat; i++) {
		const struct cc_field *f = sc->feat[i].f;
		uint32_t bit = cc_field_mask(f), ks, km, vs, vm;

		vm = cc_set_guest_reg(m, f->leaf, f->first, f->reg, &km);
		if (!(km & bit))
			continue;
		vs = sc->feat[i].vs;
		ks = sc->feat[i].ks;
		if (!(ks & bit)) {
			res->host += (vm & bit) != 0;
			continue;
		}
		if (((vs ^ vm) & bit) == 0)
			continue;
		if (!sc->feat[i].seen)
			res->unseen++;
		else if (!keep)
			*((vs & bit) ? &res->nplus : &res->nminus) += 1;
		else if (vs & bit)
			push(&res->plus, &res->nplus, f);
		else
			push(&res->minus, &res->nminus, f);
	}
	compare_others(sc, m, res, keep);
}

/* Is A (model version VA) nearer than B (VB)? */
static int nearer(const struct qemu_model_match *a, unsigned va,
		  const struct qemu_model_match *b, unsigned vb)
{
	size_t da = 2 * (a->nplus + a->nminus) + a->host;
	size_t db = 2 * (b->nplus + b->nminus) + b->host;

	if (da != db)
		return da < db;
	if (a->host != b->host)
		return a->host < b->host;
	if (a->other != b->other)
		return a->other < b->other;
	if (a->unseen != b->unseen)
		return a->unseen < b->unseen;
	return va > vb;
}

static struct cc_set *load_model(const struct cc_embedded *p, struct cc_err *e)
{
	char label[96];

	snprintf(label, sizeof label, "profile:%s", p->name);
	return fmt_load_buffer(p->text, p->len, label, "json", NULL, e);
}

int qemu_model_nearest(const struct cc_set *s, const struct cc_defs *d,
		       struct qemu_model_match *m, struct cc_err *e)
{
	struct scan sc;
	struct qemu_model_match best, cur;
	const struct cc_embedded *bp = NULL;
	struct cc_set *bs = NULL; /* bp loaded */
	char ebx[32];
	size_t i;
	int rc = 0;

	memset(m, 0, sizeof *m);
	memset(&sc, 0, sizeof sc);
	memset(&best, 0, sizeof best);
	if (s->vendor == CC_VENDOR_UNKNOWN && s->kind == CC_KIND_DUMP)
		return cc_errf(e, "%s: leaf 0 names no vendor: no QEMU model",
			       cc_set_label(s));
	ebx[0] = '\0';
	if (s->vendor != CC_VENDOR_UNKNOWN) /* no parse of other vendors */
		snprintf(ebx, sizeof ebx, "\"ebx\": \"0x%08x\"",
			 cc_set_reg(s, 0, 0, CC_EBX, NULL));
	sc.d = d;
	sc.s = s;
	sc.vendor = set_vendor(s);
	list_features(&sc);
	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *p = &cc_builtin_profiles[i];
		struct cc_set *ms;

		if (!profile_names_is_qemu(p) ||
		    (*ebx && strstr(p->text, ebx) == NULL))
			continue;
		ms = load_model(p, e);
		if (ms == NULL) {
			rc = -1;
			break;
		}
		if (ms->vendor == s->vendor || s->vendor == CC_VENDOR_UNKNOWN) {
			memset(&cur, 0, sizeof cur);
			compare(&sc, ms, &cur, 0);
			if (bp == NULL ||
			    nearer(&cur, qemu_model_version(p->name), &best,
				   qemu_model_version(bp->name))) {
				best = cur;
				bp = p;
				cc_set_free(bs);
				bs = ms;
				ms = NULL;
			}
		}
		cc_set_free(ms);
	}
	if (rc == 0 && bp == NULL)
		rc = cc_errf(e, "%s: no bundled QEMU model has vendor %s",
			     cc_set_label(s), s->vendor_id);
	if (rc == 0) {
		snprintf(m->model, sizeof m->model, "%s", bp->name);
		compare(&sc, bs, m, 1);
	}
	cc_set_free(bs);
	free(sc.feat);
	free(sc.is_feat);
	return rc;
}

void qemu_model_match_free(struct qemu_model_match *m)
{
	free(m->plus);
	free(m->minus);
	free(m->others);
	m->plus = m->minus = m->others = NULL;
	m->nplus = m->nminus = m->other = 0;
}

const char *qemu_model_describe(const struct qemu_model_match *m, char *out,
				size_t n)
{
	struct cc_buf b;
	size_t i;

	cc_buf_init(&b);
	cc_buf_puts(&b, m->model);
	for (i = 0; i < m->nminus; i++)
		cc_buf_printf(&b, "%s%s", i ? ", " : " minus ",
			      qemu_names_field(m->minus[i]));
	for (i = 0; i < m->nplus; i++)
		cc_buf_printf(&b, "%s%s",
			      i ? ", " : (m->nminus ? ", plus " : " plus "),
			      qemu_names_field(m->plus[i]));
	if (n > 0) {
		snprintf(out, n, "%s", b.data);
		if (b.len >= n && n > 4)
			memcpy(out + n - 4, "...", 4);
	}
	cc_buf_free(&b);
	return out;
}
