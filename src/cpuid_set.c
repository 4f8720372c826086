/*
 * The CPUID set model: see cpuid_set.h.  Entries stay sorted on insert
 * (inputs arrive nearly sorted, so inserts are appends in practice) and are
 * found by binary search on (leaf, first subleaf).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_buf.h"
#include "cpuid_set.h"

struct cc_set *cc_set_new(const char *name, enum cc_kind kind)
{
	struct cc_set *s = cc_xcalloc(1, sizeof *s);

	s->name = cc_xstrdup(name ? name : "");
	s->kind = kind;
	s->uncovered = CC_UNCOVERED_ZERO;
	return s;
}

void cc_set_free(struct cc_set *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nmeta; i++) {
		free(s->meta[i].key);
		free(s->meta[i].value);
	}
	for (i = 0; i < s->nwarnings; i++)
		free(s->warnings[i]);
	free(s->warnings);
	free(s->meta);
	free(s->leaves);
	free(s->name);
	free(s->origin);
	free(s);
}

void cc_set_set_origin(struct cc_set *s, const char *origin)
{
	free(s->origin);
	s->origin = origin ? cc_xstrdup(origin) : NULL;
}

const char *cc_set_label(const struct cc_set *s)
{
	return s->origin ? s->origin : s->name;
}

struct cc_set *cc_set_dup(const struct cc_set *s)
{
	struct cc_set *d = cc_set_new(s->name, s->kind);
	size_t i;

	cc_set_set_origin(d, s->origin);
	d->uncovered = s->uncovered;
	d->vendor = s->vendor;
	memcpy(d->vendor_id, s->vendor_id, sizeof d->vendor_id);
	d->n = d->cap = s->n;
	d->leaves = cc_xmalloc(s->n * sizeof *s->leaves);
	if (s->n)
		memcpy(d->leaves, s->leaves, s->n * sizeof *s->leaves);
	for (i = 0; i < s->nmeta; i++)
		cc_set_meta_set(d, s->meta[i].key, s->meta[i].value,
				s->meta[i].is_number);
	for (i = 0; i < s->nwarnings; i++)
		cc_set_warn(d, "%s", s->warnings[i]);
	return d;
}

/* Index of the first entry with (leaf, first) >= (LEAF, SUB). */
static size_t lower_bound(const struct cc_set *s, uint32_t leaf, uint32_t sub)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct cc_leaf *l = &s->leaves[mid];

		if (l->leaf < leaf || (l->leaf == leaf && l->first < sub))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct cc_leaf *cc_set_put(struct cc_set *s, uint32_t leaf, uint32_t first,
			   uint32_t last)
{
	size_t i;
	struct cc_leaf *l;

	if (last < first)
		return NULL;
	/* fast path: append in order */
	if (s->n == 0 || s->leaves[s->n - 1].leaf < leaf ||
	    (s->leaves[s->n - 1].leaf == leaf &&
	     s->leaves[s->n - 1].last < first)) {
		i = s->n;
	} else {
		i = lower_bound(s, leaf, first);
		if (i < s->n && s->leaves[i].leaf == leaf &&
		    s->leaves[i].first <= last)
			return NULL;
		if (i > 0 && s->leaves[i - 1].leaf == leaf &&
		    s->leaves[i - 1].last >= first)
			return NULL;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 64;
		s->leaves = cc_xrealloc(s->leaves, s->cap * sizeof *s->leaves);
	}
	memmove(&s->leaves[i + 1], &s->leaves[i],
		(s->n - i) * sizeof *s->leaves);
	s->n++;
	l = &s->leaves[i];
	memset(l, 0, sizeof *l);
	l->leaf = leaf;
	l->first = first;
	l->last = last;
	memset(l->known, 0xff, sizeof l->known);
	return l;
}

struct cc_leaf *cc_set_put_msr(struct cc_set *s, uint32_t index, uint64_t value)
{
	struct cc_leaf *l = cc_set_put(s, CC_MSR_LEAF, index, index);

	if (l == NULL)
		return NULL;
	l->reg[CC_EAX] = (uint32_t)value;
	l->reg[CC_EDX] = (uint32_t)(value >> 32);
	return l;
}

void cc_set_msr_set(struct cc_set *s, uint32_t index, uint64_t value)
{
	size_t i = lower_bound(s, CC_MSR_LEAF, index);
	struct cc_leaf *l;

	if (i < s->n && s->leaves[i].leaf == CC_MSR_LEAF &&
	    s->leaves[i].first == index) {
		l = &s->leaves[i];
		l->reg[CC_EAX] = (uint32_t)value;
		l->reg[CC_EDX] = (uint32_t)(value >> 32);
		l->known[CC_EAX] = l->known[CC_EDX] = UINT32_MAX;
		return;
	}
	cc_set_put_msr(s, index, value);
}

int cc_set_has_msrs(const struct cc_set *s)
{
	return cc_set_first(s, CC_MSR_LEAF) != NULL;
}

/* "[16]", "[3:0]" or "" (LO < 0) into OUT. */
static void bits_str(char *out, size_t n, int lo, int hi)
{
	if (lo < 0)
		out[0] = '\0';
	else if (lo == hi)
		snprintf(out, n, "[%d]", lo);
	else
		snprintf(out, n, "[%d:%d]", hi, lo);
}

void cc_pos_format(char *out, size_t n, enum cc_pos_style style, uint32_t leaf,
		   uint32_t subleaf, int reg, int lo, int hi)
{
	char bits[24], lf[16], rg[4];
	int i;

	if (CC_IS_MSR(leaf)) {
		int base = reg == CC_EDX ? 32 : 0;

		if (lo < 0) {
			lo = 0;
			hi = 31;
		}
		bits_str(bits, sizeof bits, lo + base, hi + base);
		snprintf(out, n,
			 style == CC_POS_MANUAL ? "MSR %#x%s" : "msr.%#x%s",
			 subleaf, bits);
		return;
	}
	bits_str(bits, sizeof bits, lo, hi);
	if (style != CC_POS_MANUAL) {
		snprintf(out, n,
			 style == CC_POS_HEX ? "%#x.%u.%s%s" : "%x.%u.%s%s",
			 leaf, subleaf, cc_reg_name((enum cc_reg)reg), bits);
		return;
	}
	for (i = 0; i < 3; i++)
		rg[i] = (char)(cc_reg_name((enum cc_reg)reg)[i] - 'a' + 'A');
	rg[3] = '\0';
	/* leaves 0-9 read the same in hex and decimal: "CPUID.(7,0)" as in
	 * the manuals' prose; others carry 0x: "CPUID.(0x80000008,0)" */
	snprintf(lf, sizeof lf, leaf < 10 ? "%u" : "0x%x", leaf);
	snprintf(out, n, "CPUID.(%s,%u).%s%s", lf, subleaf, rg, bits);
}

const struct cc_leaf *cc_set_get(const struct cc_set *s, uint32_t leaf,
				 uint32_t subleaf)
{
	size_t i = lower_bound(s, leaf, subleaf);

	if (i < s->n && s->leaves[i].leaf == leaf &&
	    s->leaves[i].first == subleaf)
		return &s->leaves[i];
	if (i > 0 && s->leaves[i - 1].leaf == leaf &&
	    s->leaves[i - 1].first <= subleaf &&
	    subleaf <= s->leaves[i - 1].last)
		return &s->leaves[i - 1];
	return NULL;
}

const struct cc_leaf *cc_set_first(const struct cc_set *s, uint32_t leaf)
{
	size_t i = lower_bound(s, leaf, 0);

	if (i < s->n && s->leaves[i].leaf == leaf)
		return &s->leaves[i];
	return NULL;
}

/* The known mask of a register S does not name at LEAF: a feature MSR's
 * bits are unknown (the set says nothing about it), a HOST profile leaves
 * it to the host, anything else reads as known zeros. */
static uint32_t unnamed_known(const struct cc_set *s, uint32_t leaf)
{
	if (CC_IS_MSR(leaf) ||
	    (s->kind == CC_KIND_PROFILE && s->uncovered == CC_UNCOVERED_HOST))
		return 0;
	return UINT32_MAX;
}

uint32_t cc_set_reg(const struct cc_set *s, uint32_t leaf, uint32_t subleaf,
		    enum cc_reg reg, uint32_t *known)
{
	const struct cc_leaf *l = cc_set_get(s, leaf, subleaf);

	if (l == NULL || (l->absent >> reg & 1)) {
		if (known)
			*known = unnamed_known(s, leaf);
		return 0;
	}
	if (known)
		*known = l->known[reg];
	return l->reg[reg];
}

static uint32_t range_base(uint32_t leaf)
{
	return leaf & 0xffff0000u;
}

int cc_set_exists(const struct cc_set *s, uint32_t leaf)
{
	const struct cc_leaf *base;

	if (CC_IS_MSR(leaf))
		return 1; /* no range maximum; absent MSRs read as unknown */
	base = cc_set_get(s, range_base(leaf), 0);
	if (base == NULL)
		return s->kind == CC_KIND_PROFILE;
	if (base->known[CC_EAX] != UINT32_MAX)
		return 1;
	return leaf <= cc_set_range_max(s, leaf);
}

uint32_t cc_set_guest_reg(const struct cc_set *s, uint32_t leaf,
			  uint32_t subleaf, int reg, uint32_t *known)
{
	if (!cc_set_exists(s, leaf)) {
		*known = UINT32_MAX;
		return 0;
	}
	return cc_set_reg(s, leaf, subleaf, (enum cc_reg)reg, known);
}

/* The maximum the base entry L of the range at BASE announces. */
static uint32_t range_max_of(const struct cc_leaf *l, uint32_t base)
{
	if (base == 0)
		return l->reg[CC_EAX];
	/* A range exists only when its base leaf reports a maximum inside
	 * it; otherwise the CPU echoed some other leaf. */
	if (range_base(l->reg[CC_EAX]) != base)
		return 0;
	return l->reg[CC_EAX];
}

uint32_t cc_set_range_max(const struct cc_set *s, uint32_t leaf)
{
	uint32_t base = range_base(leaf);
	const struct cc_leaf *l;

	if (CC_IS_MSR(leaf))
		return 0;
	l = cc_set_get(s, base, 0);
	return l == NULL ? 0 : range_max_of(l, base);
}

enum cc_vendor cc_vendor_from_id(const char *id)
{
	static const struct {
		const char *id;
		enum cc_vendor v;
	} ids[] = {
		{"GenuineIntel", CC_VENDOR_INTEL},
		{"AuthenticAMD", CC_VENDOR_AMD},
		{"HygonGenuine", CC_VENDOR_HYGON},
		{"CentaurHauls", CC_VENDOR_CENTAUR},
		{"  Shanghai  ", CC_VENDOR_ZHAOXIN},
		{"GenuineTMx86", CC_VENDOR_TRANSMETA},
	};
	size_t i;

	for (i = 0; i < sizeof ids / sizeof ids[0]; i++)
		if (memcmp(id, ids[i].id, 12) == 0)
			return ids[i].v;
	return CC_VENDOR_OTHER;
}

const char *cc_vendor_brand(enum cc_vendor v)
{
	switch (v) {
	case CC_VENDOR_INTEL:
		return "Intel";
	case CC_VENDOR_AMD:
		return "AMD";
	case CC_VENDOR_HYGON:
		return "Hygon";
	default:
		return NULL;
	}
}

const char *cc_vendor_name(enum cc_vendor v)
{
	switch (v) {
	case CC_VENDOR_INTEL:
		return "intel";
	case CC_VENDOR_AMD:
		return "amd";
	case CC_VENDOR_HYGON:
		return "hygon";
	case CC_VENDOR_CENTAUR:
		return "centaur";
	case CC_VENDOR_ZHAOXIN:
		return "zhaoxin";
	case CC_VENDOR_TRANSMETA:
		return "transmeta";
	case CC_VENDOR_OTHER:
		return "other";
	case CC_VENDOR_UNKNOWN:
		break;
	}
	return "unknown";
}

static void put_le32(char *p, uint32_t v)
{
	p[0] = (char)(v & 0xff);
	p[1] = (char)((v >> 8) & 0xff);
	p[2] = (char)((v >> 16) & 0xff);
	p[3] = (char)((v >> 24) & 0xff);
}

int cc_set_finish(struct cc_set *s, struct cc_err *e)
{
	const struct cc_leaf *l0 = cc_set_get(s, 0, 0);
	uint32_t cur = 0, lim = 0;
	size_t i, j;
	int all = 0;

	if (l0 == NULL) {
		if (s->kind == CC_KIND_DUMP)
			return cc_errf(
				e,
				"%s: leaf 0x00000000 (vendor and maximum "
				"basic leaf) is missing",
				s->name);
		s->vendor = CC_VENDOR_UNKNOWN;
		s->vendor_id[0] = '\0';
	} else {
		/* the basic range is 0x0000xxxx (range_base): a maximum past
		 * it contradicts every other range's maximum */
		if (s->kind == CC_KIND_DUMP && l0->reg[CC_EAX] > 0xffffu)
			return cc_errf(e,
				       "%s: leaf 0x00000000 EAX: maximum basic "
				       "leaf 0x%08x is past the basic range "
				       "(inconsistent maxima)",
				       s->name, l0->reg[CC_EAX]);
		if (l0->known[CC_EBX] != UINT32_MAX ||
		    l0->known[CC_ECX] != UINT32_MAX ||
		    l0->known[CC_EDX] != UINT32_MAX) {
			s->vendor = CC_VENDOR_UNKNOWN;
			s->vendor_id[0] = '\0';
		} else {
			put_le32(s->vendor_id, l0->reg[CC_EBX]);
			put_le32(s->vendor_id + 4, l0->reg[CC_EDX]);
			put_le32(s->vendor_id + 8, l0->reg[CC_ECX]);
			s->vendor_id[12] = '\0';
			s->vendor = cc_vendor_from_id(s->vendor_id);
		}
	}
	/* Drop every entry past its range maximum (never store the echo).
	 * Profiles keep theirs: a VMM applies every adjustment it is given
	 * and re-export must reproduce them; readers of a profile ask
	 * cc_set_range_max whether a leaf exists for the guest. */
	if (s->kind == CC_KIND_PROFILE)
		return 0;
	/* entries are sorted, so a range's entries are adjacent and its base
	 * entry comes first: decide the range once, at its first entry */
	for (i = j = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		uint32_t base = range_base(l->leaf);
		int keep;

		if (i == 0 || base != cur) {
			/* the base entry (BASE, 0) would be the range's first:
			 * entry I, not yet moved */
			const struct cc_leaf *b =
				l->leaf == base && l->first == 0 ? l : NULL;

			cur = base;
			if (b == NULL)
				lim = base == 0 ? UINT32_MAX
						: 0; /* dumps only */
			else if (b->known[CC_EAX] != UINT32_MAX)
				lim = UINT32_MAX;
			else
				lim = range_max_of(b, base);
			all = b == NULL ? base == 0 : lim == UINT32_MAX;
		}
		keep = all || l->leaf <= lim || CC_IS_MSR(l->leaf);
		if (keep)
			s->leaves[j++] = *l;
	}
	s->n = j;
	return 0;
}

void cc_set_meta_set(struct cc_set *s, const char *key, const char *value,
		     int is_number)
{
	size_t i;

	for (i = 0; i < s->nmeta; i++) {
		if (strcmp(s->meta[i].key, key) == 0) {
			free(s->meta[i].value);
			s->meta[i].value = cc_xstrdup(value);
			s->meta[i].is_number = is_number;
			return;
		}
	}
	s->meta = cc_xrealloc(s->meta, (s->nmeta + 1) * sizeof *s->meta);
	s->meta[s->nmeta].key = cc_xstrdup(key);
	s->meta[s->nmeta].value = cc_xstrdup(value);
	s->meta[s->nmeta].is_number = is_number;
	s->nmeta++;
}

const char *cc_set_meta(const struct cc_set *s, const char *key)
{
	size_t i;

	for (i = 0; i < s->nmeta; i++)
		if (strcmp(s->meta[i].key, key) == 0)
			return s->meta[i].value;
	return NULL;
}

void cc_set_warn(struct cc_set *s, const char *fmt, ...)
{
	struct cc_buf b;
	va_list ap;

	cc_buf_init(&b);
	va_start(ap, fmt);
	cc_buf_vprintf(&b, fmt, ap);
	va_end(ap);
	s->warnings = cc_xrealloc(s->warnings,
				  (s->nwarnings + 1) * sizeof *s->warnings);
	s->warnings[s->nwarnings++] = b.data ? b.data : cc_xstrdup("");
}

const char *cc_reg_name(enum cc_reg r)
{
	static const char *const names[] = {"eax", "ebx", "ecx", "edx"};

	return (unsigned)r < CC_NREGS ? names[r] : "?";
}

int cc_reg_parse(const char *s)
{
	int i;

	for (i = 0; i < CC_NREGS; i++)
		if (strcasecmp(s, cc_reg_name((enum cc_reg)i)) == 0)
			return i;
	return -1;
}

void cc_set_brand(const struct cc_set *s, char *out)
{
	uint32_t leaf;
	char *p = out;
	size_t n, start = 0;

	out[0] = '\0';
	if (cc_set_range_max(s, 0x80000000u) < 0x80000004u)
		return;
	for (leaf = 0x80000002u; leaf <= 0x80000004u; leaf++) {
		const struct cc_leaf *l = cc_set_get(s, leaf, 0);
		int r;

		if (l == NULL)
			return;
		for (r = 0; r < CC_NREGS; r++) {
			put_le32(p, l->reg[r]);
			p += 4;
		}
	}
	*p = '\0';
	n = strlen(out);
	while (n > 0 && out[n - 1] == ' ')
		out[--n] = '\0';
	while (out[start] == ' ')
		start++;
	memmove(out, out + start, n - start + 1);
	for (p = out; *p; p++)
		if ((unsigned char)*p < 0x20 || (unsigned char)*p > 0x7e)
			*p = '?';
}

int cc_set_fms(const struct cc_set *s, unsigned *family, unsigned *model,
	       unsigned *stepping)
{
	const struct cc_leaf *l = cc_set_get(s, 1, 0);
	uint32_t a;
	unsigned fam, mod;

	if (l == NULL || cc_set_range_max(s, 0) < 1)
		return -1;
	a = l->reg[CC_EAX];
	fam = (a >> 8) & 0xf;
	mod = (a >> 4) & 0xf;
	if (fam == 0xf)
		fam += (a >> 20) & 0xff;
	if (fam == 0x6 || fam >= 0xf)
		mod |= ((a >> 16) & 0xf) << 4;
	*family = fam;
	*model = mod;
	*stepping = a & 0xf;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t *cc_set_keys(const struct cc_set *const *sets, size_t n, size_t *nkeys)
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
		qsort(keys, total, sizeof *keys, cmp_key);
	for (i = j = 0; i < total; i++)
		if (j == 0 || keys[j - 1] != keys[i])
			keys[j++] = keys[i];
	*nkeys = j;
	return keys;
}
