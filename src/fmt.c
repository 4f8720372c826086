/*
 * The format table and content detection.  A file's format is decided by
 * asking every format's detect(): exactly one must claim it.  Nothing is
 * guessed: no match and several matches are both errors that name the file
 * and point to --input-format.  The one exception is our own JSON, which
 * names itself ("format": "cpucompat" at its start): it is taken without
 * asking the others, whose probes look for member names anywhere in the
 * file (a fleet loads tens of thousands of native files a second).
 *
 * It also holds the one rule for truncated files (fmt_check_complete): a
 * dump that announces leaves it does not contain was cut short, and is bad
 * input rather than a CPU without those leaves.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "fmt.h"
#include "qemu_model.h"

/* libvirt <cpu>, domain XML, capabilities (fmt_libvirt_cpu.c, expat) */
extern const struct fmt fmt_libvirt_cpu;

const struct fmt *const fmt_table[] = {
	&fmt_native,      &fmt_cpuid_r,
	&fmt_libvirt,     &fmt_aida64,
	&fmt_chv,         &fmt_chv_profile,
	&fmt_firecracker, &fmt_qemu_cpu,
	&fmt_libvirt_cpu, NULL,
};

int fmt_one_cpu(const struct fmt_opts *opts, const char *name, struct cc_err *e)
{
	if (opts != NULL && opts->cpu > 0)
		return cc_errf(e, "%s: no CPU %d: the file describes one CPU",
			       name, opts->cpu);
	return 0;
}

const struct fmt *fmt_find(const char *name)
{
	size_t i;

	for (i = 0; fmt_table[i]; i++)
		if (strcmp(fmt_table[i]->name, name) == 0)
			return fmt_table[i];
	return NULL;
}

static void list_names(char *out, size_t n, int writable_only)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; fmt_table[i]; i++) {
		if (writable_only ? fmt_table[i]->write == NULL
				  : fmt_table[i]->read == NULL)
			continue;
		len += (size_t)snprintf(out + len, n > len ? n - len : 0,
					"%s%s", len ? ", " : "",
					fmt_table[i]->name);
	}
}

/*
 * Formats whose files legitimately omit leaves, so that a leaf the maxima
 * announce may be absent without the file being cut short.  Every other
 * format (native JSON dumps, cpuid -r, libvirt <cpudata>, AIDA64) is a
 * capture that lists every leaf the CPU has, and is checked.  Profiles of
 * any format are never checked (they name only the leaves they fix).
 */
static const struct {
	const struct fmt *f;
	const char *why;
} fmt_omits[] = {
	/* KVM_GET_SUPPORTED_CPUID, and VMM configs built from it, leave out
	 * the leaves KVM does not know or offer (3, 0x80000002..4 under some
	 * VMMs, vendor leaves) */
	{&fmt_chv, "CpuIdEntry lists hold what KVM or the VMM offers"},
	/* adjustments of chosen registers */
	{&fmt_chv_profile, "Cloud Hypervisor profiles adjust chosen leaves"},
	/* templates modify chosen registers; fingerprints hold the guest CPUID
	 * Firecracker configured, which omits leaves like CpuIdEntry lists */
	{&fmt_firecracker,
	 "Firecracker templates and fingerprints list "
	 "chosen leaves"},
};

static int omits_leaves(const struct fmt *f)
{
	size_t i;

	for (i = 0; i < sizeof fmt_omits / sizeof fmt_omits[0]; i++)
		if (fmt_omits[i].f == f)
			return 1;
	return 0;
}

/* Leaves a complete capture may lack: etallen cpuid prints no line for
 * them when their subleaf 0 already ends the enumeration (0x8000001D
 * without caches; older versions also 4 and 0xB on AMD, 0x80000020 when
 * all zero). */
static int may_be_empty(uint32_t leaf)
{
	return leaf == 0x4 || leaf == 0xb || leaf == 0x8000001du ||
	       leaf == 0x80000020u;
}

/* The range at BASE (0 or 0x80000000): its leaves from the highest one
 * present up to its maximum; -1 and E naming the first missing. */
static int check_tail(const struct cc_set *s, const char *file, uint32_t base,
		      struct cc_err *e)
{
	uint32_t max = cc_set_range_max(s, base), hi = base, leaf;
	size_t i;

	if (max == 0 && base != 0)
		return 0; /* range absent */
	for (i = 0; i < s->n; i++)
		if (s->leaves[i].leaf >= hi && s->leaves[i].leaf <= max)
			hi = s->leaves[i].leaf;
	for (leaf = hi + 1; leaf <= max && leaf > hi; leaf++)
		if (!may_be_empty(leaf))
			return cc_errf(e,
				       "%s: truncated: leaf 0x%08x is missing, "
				       "though leaf 0x%08x announces leaves up "
				       "to 0x%08x",
				       file, leaf, base, max);
	return 0;
}

int fmt_check_complete(const struct cc_set *s, const char *file,
		       struct cc_err *e)
{
	if (s->kind != CC_KIND_DUMP)
		return 0;
	/* the last range the file reaches: files list the basic range,
	 * the hypervisor's, then the extended range */
	if (cc_set_first(s, 0x80000000u) != NULL)
		return check_tail(s, file, 0x80000000u, e);
	return check_tail(s, file, 0, e);
}

/* Read BUF with F, and refuse a cut-short capture. */
static struct cc_set *read_checked(const struct fmt *f, const char *buf,
				   size_t len, const char *name,
				   const struct fmt_opts *opts,
				   struct cc_err *e)
{
	struct cc_set *s = f->read(buf, len, name, opts, e);

	if (s != NULL && !omits_leaves(f) &&
	    fmt_check_complete(s, name, e) < 0) {
		cc_set_free(s);
		return NULL;
	}
	return s;
}

struct cc_set *fmt_load_buffer(const char *buf, size_t len, const char *name,
			       const char *format, const struct fmt_opts *opts,
			       struct cc_err *e)
{
	const struct fmt *f = NULL;
	const char *nul;
	struct fmt_opts def = {-1, 0};
	char names[256];
	size_t i, hits = 0;

	if (opts == NULL)
		opts = &def;
	if (format != NULL) {
		f = fmt_find(format);
		if (f == NULL || f->read == NULL) {
			list_names(names, sizeof names, 0);
			return cc_errf(e,
				       "unknown input format '%s' (known: %s)",
				       format, names),
			       NULL;
		}
	}
	if (len == 0)
		return cc_errf(e, "%s: file is empty", name), NULL;
	nul = memchr(buf, '\0', len);
	if (nul != NULL)
		return cc_errf(e,
			       "%s: NUL byte at offset %zu: a binary file (or "
			       "UTF-16 text) is not a CPUID dump",
			       name, (size_t)(nul - buf)),
		       NULL;
	if (f == NULL && fmt_native.detect(buf, len))
		f = &fmt_native;
	if (f == NULL) {
		char cands[256];
		size_t clen = 0;

		cands[0] = '\0';
		for (i = 0; fmt_table[i]; i++) {
			if (fmt_table[i]->detect(buf, len)) {
				hits++;
				f = fmt_table[i];
				clen += (size_t)snprintf(
					cands + clen,
					sizeof cands > clen
						? sizeof cands - clen
						: 0,
					"%s%s", clen ? ", " : "", f->name);
			}
		}
		if (hits != 1) {
			list_names(names, sizeof names, 0);
			if (hits == 0)
				return cc_errf(e,
					       "%s: not a CPUID file in any "
					       "known format (%s); name one "
					       "with --input-format",
					       name, names),
				       NULL;
			return cc_errf(e,
				       "%s: looks like several formats (%s); "
				       "name one with --input-format",
				       name, cands),
			       NULL;
		}
	}
	return read_checked(f, buf, len, name, opts, e);
}

struct cc_set *fmt_load_file(const char *path, const char *format,
			     const struct fmt_opts *opts, struct cc_err *e)
{
	struct cc_buf b;
	struct cc_set *s;

	if (cc_buf_load(&b, path, e) < 0)
		return NULL;
	s = fmt_load_buffer(b.data, b.len,
			    strcmp(path, "-") == 0 ? "<stdin>" : path, format,
			    opts, e);
	cc_buf_free(&b);
	return s;
}

int fmt_parse_hex32(const char *s, size_t n, uint32_t *v)
{
	uint32_t x = 0;
	size_t i = 0, digits = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (digits == 0 && d == 0 && i + 1 < n)
			continue; /* leading zeros do not count */
		if (++digits > 8)
			return -1;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return 0;
}

int fmt_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

int fmt_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

const char *fmt_hex_problem(const char *s, size_t n)
{
	size_t i = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == n)
		return "empty number";
	if (s[0] == '-')
		return "negative number";
	for (; i < n; i++)
		if (!fmt_is_hex(s[i]))
			return "not a hex number";
	return "value over 32 bits";
}

const char *fmt_json_hex32(const struct cJSON *j, uint32_t *v)
{
	size_t n;

	if (j == NULL)
		return "missing";
	if (!cJSON_IsString(j))
		return "wrong JSON type";
	n = strlen(j->valuestring);
	if (fmt_parse_hex32(j->valuestring, n, v) == 0)
		return NULL;
	return fmt_hex_problem(j->valuestring, n);
}

int fmt_next_line(const char *buf, size_t len, size_t *pos, struct fmt_line *l)
{
	size_t s = *pos, e;

	if (s >= len)
		return 0;
	e = s;
	while (e < len && buf[e] != '\n')
		e++;
	*pos = e < len ? e + 1 : e;
	l->no++;
	while (s < e && fmt_is_blank(buf[s]))
		s++;
	while (e > s && fmt_is_blank(buf[e - 1]))
		e--;
	l->p = buf + s;
	l->n = e - s;
	return 1;
}

char fmt_first_char(const char *buf, size_t len)
{
	size_t i = 0;

	while (i < len && (fmt_is_blank(buf[i]) || buf[i] == '\n'))
		i++;
	return i < len ? buf[i] : 0;
}

int fmt_has_key(const char *buf, size_t len, const char *key)
{
	size_t kn = strlen(key);
	const char *p = buf, *end = buf + len;

	while ((p = memmem(p, (size_t)(end - p), key, kn)) != NULL) {
		const char *q = p + kn;

		if (p > buf && p[-1] == '"' && q < end && *q == '"') {
			q++;
			while (q < end && (fmt_is_blank(*q) || *q == '\n'))
				q++;
			if (q < end && *q == ':')
				return 1;
		}
		p += kn;
	}
	return 0;
}

int fmt_msr_key(const char *key, uint32_t *index)
{
	if (strncmp(key, "msr.", 4) != 0 ||
	    fmt_parse_hex32(key + 4, strlen(key + 4), index) < 0)
		return -1;
	return 0;
}

int fmt_msr_value(const char *value, uint32_t *hi, uint32_t *lo)
{
	const char *colon = strchr(value, ':');

	if (colon == NULL ||
	    fmt_parse_hex32(value, (size_t)(colon - value), hi) < 0 ||
	    fmt_parse_hex32(colon + 1, strlen(colon + 1), lo) < 0)
		return -1;
	return 0;
}

int fmt_indexed_leaf(uint32_t leaf)
{
	static const uint32_t leaves[] = {
		0x4,  0x7,  0xb,        0xd,        0xf,        0x10, 0x12,
		0x14, 0x17, 0x18,       0x1d,       0x1e,       0x1f, 0x20,
		0x23, 0x24, 0x8000001d, 0x80000020, 0x80000026,
	};
	size_t i;

	for (i = 0; i < sizeof leaves / sizeof leaves[0]; i++)
		if (leaves[i] == leaf)
			return 1;
	return 0;
}

int fmt_set_has_flags(const struct cc_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->leaves[i].flags != 0)
			return 1;
	return 0;
}

uint32_t fmt_entry_flags(const struct cc_leaf *l, int set_has_flags)
{
	if (set_has_flags)
		return l->flags;
	return fmt_indexed_leaf(l->leaf) ? CC_KVM_FLAG_SIGNIFICANT_INDEX : 0;
}

int fmt_full_reg(const struct cc_set *s, const struct cc_leaf *l, int r,
		 uint32_t *v, const char *holder, struct cc_err *e)
{
	uint32_t known = l->known[r];

	if ((l->absent >> r) & 1)
		known = (s->kind == CC_KIND_PROFILE &&
			 s->uncovered == CC_UNCOVERED_HOST)
				? 0
				: UINT32_MAX;
	if (known != UINT32_MAX && CC_IS_MSR(l->leaf))
		return cc_errf(e, "%s: MSR %#x: bits are left to the host; %s",
			       s->name, l->first, holder);
	if (known != UINT32_MAX)
		return cc_errf(e,
			       "%s: leaf 0x%08x subleaf %u %s: bits 0x%08x are "
			       "left to the host; %s",
			       s->name, l->leaf, l->first,
			       cc_reg_name((enum cc_reg)r), ~known, holder);
	*v = (l->absent >> r) & 1 ? 0 : l->reg[r];
	return 0;
}

int fmt_check_expand(const struct cc_set *s, const struct cc_leaf *l,
		     const char *what, struct cc_err *e)
{
	if (l->last - l->first < FMT_MAX_EXPAND)
		return 0;
	return cc_errf(e,
		       "%s: leaf 0x%08x covers subleaves %u..%u; %s single "
		       "subleaves (at most %d are expanded)",
		       s->name, l->leaf, l->first, l->last, what,
		       FMT_MAX_EXPAND);
}

int fmt_each_row(const struct cc_set *s, const char *holder, const char *what,
		 void (*row)(struct cc_buf *b, const struct fmt_row *r,
			     void *ctx),
		 struct cc_buf *b, void *ctx, struct cc_err *e)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		struct fmt_row r;
		int reg;

		r.l = &s->leaves[i];
		if (CC_IS_MSR(r.l->leaf))
			continue; /* MSRs are not CPUID rows */
		for (reg = 0; reg < CC_NREGS; reg++)
			if (fmt_full_reg(s, r.l, reg, &r.v[reg], holder, e) < 0)
				return -1;
		if (fmt_check_expand(s, r.l, what, e) < 0)
			return -1;
		for (r.sub = r.l->first;; r.sub++) {
			row(b, &r, ctx);
			if (r.sub == r.l->last)
				break;
		}
	}
	return 0;
}

struct fmt_staged {
	struct cc_leaf l;
	size_t src; /* index in put order */
};

void fmt_stage_init(struct fmt_stage *st)
{
	memset(st, 0, sizeof *st);
}

void fmt_stage_free(struct fmt_stage *st)
{
	free(st->v);
	free(st->slot);
	fmt_stage_init(st);
}

static size_t stage_hash(uint32_t leaf, uint32_t first, size_t mask)
{
	uint64_t h = ((uint64_t)leaf << 32 | first) * 0x9e3779b97f4a7c15u;

	return (size_t)(h >> 32) & mask;
}

/* The slot of (LEAF, FIRST): its entry, or the free slot to take. */
static size_t *stage_slot(const struct fmt_stage *st, uint32_t leaf,
			  uint32_t first)
{
	size_t mask = st->nslot - 1, i = stage_hash(leaf, first, mask);

	for (;; i = (i + 1) & mask) {
		const struct cc_leaf *l;

		if (st->slot[i] == 0)
			return &st->slot[i];
		l = &st->v[st->slot[i] - 1].l;
		if (l->leaf == leaf && l->first == first)
			return &st->slot[i];
	}
}

/* Hash every entry of ST, in a table at most half full with one more. */
static void stage_rehash(struct fmt_stage *st)
{
	size_t i;

	free(st->slot);
	if (st->nslot == 0)
		st->nslot = 64;
	while (2 * (st->n + 1) > st->nslot)
		st->nslot *= 2;
	st->slot = cc_xcalloc(st->nslot, sizeof *st->slot);
	for (i = 0; i < st->n; i++)
		*stage_slot(st, st->v[i].l.leaf, st->v[i].l.first) = i + 1;
}

/* Does (LEAF, FIRST) come after the last entry of ST (or is ST empty)?
 * 0 when it repeats it, -1 when it comes before. */
static int stage_after_last(const struct fmt_stage *st, uint32_t leaf,
			    uint32_t first)
{
	const struct cc_leaf *l;

	if (st->n == 0)
		return 1;
	l = &st->v[st->n - 1].l;
	if (l->leaf != leaf)
		return l->leaf < leaf ? 1 : -1;
	if (l->first != first)
		return l->first < first ? 1 : -1;
	return 0;
}

struct cc_leaf *fmt_stage_put(struct fmt_stage *st, uint32_t leaf,
			      uint32_t first, uint32_t last, size_t *prev)
{
	struct fmt_staged *x;
	size_t *slot = NULL;
	int order;

	if (last < first)
		return NULL;
	/* in order (as every writer lists them), an entry can only repeat
	 * the last one: no hashing until the first entry out of order */
	order = st->unsorted ? -1 : stage_after_last(st, leaf, first);
	if (order == 0) {
		if (prev != NULL)
			*prev = st->n - 1;
		return NULL;
	}
	if (order < 0) {
		if (!st->unsorted || 2 * (st->n + 1) > st->nslot)
			stage_rehash(st);
		st->unsorted = 1;
		slot = stage_slot(st, leaf, first);
		if (*slot != 0) {
			if (prev != NULL)
				*prev = *slot - 1;
			return NULL;
		}
		*slot = st->n + 1;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? 2 * st->cap : 64;
		st->v = cc_xrealloc(st->v, st->cap * sizeof *st->v);
	}
	x = &st->v[st->n];
	memset(x, 0, sizeof *x);
	x->src = st->n++;
	x->l.leaf = leaf;
	x->l.first = first;
	x->l.last = last;
	memset(x->l.known, 0xff, sizeof x->l.known);
	return &x->l;
}

static int cmp_staged(const void *pa, const void *pb)
{
	const struct fmt_staged *a = pa, *b = pb;

	if (a->l.leaf != b->l.leaf)
		return a->l.leaf < b->l.leaf ? -1 : 1;
	if (a->l.first != b->l.first)
		return a->l.first < b->l.first ? -1 : 1;
	return a->src < b->src ? -1 : a->src > b->src;
}

int fmt_stage_flush(struct fmt_stage *st, struct cc_set *s, size_t *bad)
{
	size_t i;
	int rc = 0;

	if (st->n && st->unsorted)
		qsort(st->v, st->n, sizeof *st->v, cmp_staged);
	for (i = 0; i < st->n; i++) {
		const struct cc_leaf *x = &st->v[i].l;
		struct cc_leaf *l = cc_set_put(s, x->leaf, x->first, x->last);

		if (l == NULL) {
			*bad = st->v[i].src;
			rc = -1;
			break;
		}
		*l = *x;
	}
	fmt_stage_free(st);
	return rc;
}

int fmt_meta_set(struct cc_set *s, const char *key, const char *value,
		 int is_number)
{
	if (s->nmeta >= FMT_MAX_META && cc_set_meta(s, key) == NULL)
		return -1;
	cc_set_meta_set(s, key, value, is_number);
	return 0;
}
