/*
 * Cloud Hypervisor's two CPUID files.  "cloud-hypervisor" is a list of KVM
 * CpuIdEntry objects, [{"function": 7, "index": 0, "flags": 1, "eax": 0,
 * ...}], bare or under a "common_cpuid" key anywhere in a larger document
 * (migration config, snapshot state): a dump, entry flags kept.
 * "cloud-hypervisor-profile" is a CPU profile, {"hypervisor": "Kvm",
 * "cpu_vendor": "Intel", "adjustments": [[{"leaf", "sub_leaf": {"start",
 * "end"}, "register"}, {"replacements", "mask"}], ...]}: Cloud Hypervisor
 * sets a register to (host & mask) | replacements and zeroes whatever no
 * adjustment covers, so it loads as a profile with uncovered rule ZERO.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_json.h"
#include "fmt.h"

#define CHV_ORDER_KEY "adjustment_order"

/* ------------------------------------------------- CpuIdEntry list (dump) */

/*
 * Depth-first search for member KEY; PATH (CAP bytes, LEN used) receives its
 * JSON path.
 */
static const cJSON *find_key(const cJSON *j, const char *key, char *path,
			     size_t cap, size_t len)
{
	const cJSON *c, *hit;
	size_t i = 0;

	cJSON_ArrayForEach(c, j)
	{
		size_t nl = len;
		int n;

		if (cJSON_IsObject(j))
			n = snprintf(path + len, cap - len, "%s%s",
				     len ? "." : "", c->string);
		else
			n = snprintf(path + len, cap - len, "[%zu]", i);
		i++;
		if (n > 0)
			nl += (size_t)n < cap - len ? (size_t)n : cap - len - 1;
		if (cJSON_IsObject(j) && strcmp(c->string, key) == 0)
			return c;
		if (cJSON_IsObject(c) || cJSON_IsArray(c)) {
			hit = find_key(c, key, path, cap, nl);
			if (hit != NULL)
				return hit;
		}
		path[len] = '\0';
	}
	return NULL;
}

static int chv_detect(const char *buf, size_t len)
{
	char c = fmt_first_char(buf, len);
	size_t lim = len < 4096 ? len : 4096;

	if (c == '[')
		return fmt_has_key(buf, lim, "function");
	if (c == '{')
		return fmt_has_key(buf, len, "common_cpuid");
	return 0;
}

/*
 * Member KEY of object OBJ as an integer 0..UINT32_MAX into *V: 0, or -1
 * with E "NAME: WHERE.KEY: expected an integer ...".  An absent member is
 * an error unless OPTIONAL, when *V keeps its value.
 */
static int member_u32(const cJSON *obj, const char *key, int optional,
		      uint32_t *v, const char *name, const char *where,
		      struct cc_err *e)
{
	const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, key);
	const char *why;

	if (j == NULL && optional)
		return 0;
	why = cc_json_u32(j, v);
	if (why != NULL)
		return cc_errf(e,
			       "%s: %s.%s: expected an integer "
			       "0..4294967295 (%s)",
			       name, where, key, why);
	return 0;
}

/* The JSON document of BUF, a file that describes one CPU (so --cpu N
 * above 0 is refused); NULL with E. */
static cJSON *parse_one_cpu(const char *buf, size_t len, const char *name,
			    const struct fmt_opts *opts, struct cc_err *e)
{
	if (fmt_one_cpu(opts, name, e) < 0)
		return NULL;
	return cc_json_parse(buf, len, name, e);
}

/* The CpuIdEntry list of ROOT: ROOT itself, or the first "common_cpuid"
 * member anywhere in it (its JSON path into PATH); NULL with E. */
static const cJSON *entry_list(const cJSON *root, const char *name, char *path,
			       size_t cap, struct cc_err *e)
{
	const cJSON *list;

	path[0] = '\0';
	if (cJSON_IsArray(root))
		return root;
	list = find_key(root, "common_cpuid", path, cap, 0);
	if (list == NULL)
		return cc_errf(e,
			       "%s: expected a CpuIdEntry array, bare or "
			       "under a \"common_cpuid\" key",
			       name),
		       NULL;
	if (!cJSON_IsArray(list))
		return cc_errf(e,
			       "%s: %s: expected an array of CpuIdEntry "
			       "objects, got %s",
			       name, path, cc_json_type(list)),
		       NULL;
	return list;
}

/* Stage CpuIdEntry IT, number IDX of the list at PATH; -1 with E. */
static int read_entry(const cJSON *it, const char *path, size_t idx,
		      const char *name, struct fmt_stage *st, struct cc_err *e)
{
	static const char *const keys[CC_NREGS] = {"eax", "ebx", "ecx", "edx"};
	uint32_t fn, index = 0, flags = 0, v[CC_NREGS];
	struct cc_leaf *l;
	char where[300];
	int r;

	if (!cJSON_IsObject(it))
		return cc_errf(e,
			       "%s: %s[%zu]: expected a CpuIdEntry object, "
			       "got %s",
			       name, path, idx, cc_json_type(it));
	snprintf(where, sizeof where, "%s[%zu]", path, idx);
	if (member_u32(it, "function", 0, &fn, name, where, e) < 0 ||
	    member_u32(it, "index", 1, &index, name, where, e) < 0 ||
	    member_u32(it, "flags", 1, &flags, name, where, e) < 0)
		return -1;
	for (r = 0; r < CC_NREGS; r++)
		if (member_u32(it, keys[r], 0, &v[r], name, where, e) < 0)
			return -1;
	l = fmt_stage_put(st, fn, index, index, NULL);
	if (l == NULL)
		return cc_errf(e,
			       "%s: %s[%zu]: duplicate function 0x%x index "
			       "%u",
			       name, path, idx, fn, index);
	memcpy(l->reg, v, sizeof l->reg);
	l->flags = flags;
	return 0;
}

static struct cc_set *chv_read(const char *buf, size_t len, const char *name,
			       const struct fmt_opts *opts, struct cc_err *e)
{
	cJSON *root;
	const cJSON *list, *it;
	struct cc_set *s = NULL;
	struct fmt_stage st;
	char path[256];
	size_t idx = 0, bad;

	root = parse_one_cpu(buf, len, name, opts, e);
	if (root == NULL)
		return NULL;
	fmt_stage_init(&st);
	list = entry_list(root, name, path, sizeof path, e);
	if (list == NULL)
		goto fail;
	s = cc_set_new(name, CC_KIND_DUMP);
	cJSON_ArrayForEach(it, list)
	{
		if (read_entry(it, path, idx, name, &st, e) < 0)
			goto fail;
		idx++;
	}
	if (st.n == 0) {
		cc_errf(e, "%s: %s: the CpuIdEntry list is empty", name,
			path[0] ? path : "top level");
		goto fail;
	}
	if (fmt_stage_flush(&st, s, &bad) < 0) {
		cc_errf(e, "%s: %s[%zu]: overlapping entries", name, path, bad);
		goto fail;
	}
	cJSON_Delete(root);
	if (cc_set_finish(s, e) < 0) {
		cc_set_free(s);
		return NULL;
	}
	return s;
fail:
	fmt_stage_free(&st);
	cJSON_Delete(root);
	cc_set_free(s);
	return NULL;
}

struct chv_rows {
	int has_flags; /* the set carries KVM flags */
	int first;     /* no entry written yet */
};

static void chv_row(struct cc_buf *b, const struct fmt_row *r, void *ctx)
{
	struct chv_rows *c = ctx;

	cc_buf_printf(b,
		      "%s\n  {\"function\": %u, \"index\": %u, \"flags\": %u, "
		      "\"eax\": %u, \"ebx\": %u, \"ecx\": %u, \"edx\": %u}",
		      c->first ? "" : ",", r->l->leaf, r->sub,
		      fmt_entry_flags(r->l, c->has_flags), r->v[CC_EAX],
		      r->v[CC_EBX], r->v[CC_ECX], r->v[CC_EDX]);
	c->first = 0;
}

static int chv_write(struct cc_buf *out, const struct cc_set *s,
		     struct cc_err *e)
{
	struct cc_buf b;
	struct chv_rows c = {fmt_set_has_flags(s), 1};

	cc_buf_init(&b);
	cc_buf_puts(&b, "[");
	if (fmt_each_row(s,
			 "a CpuIdEntry list holds only fully known registers "
			 "(write a cloud-hypervisor-profile instead)",
			 "a CpuIdEntry list names", chv_row, &b, &c, e) < 0) {
		cc_buf_free(&b);
		return -1;
	}
	cc_buf_puts(&b, c.first ? "]\n" : "\n]\n");
	cc_buf_add(out, b.data, b.len);
	cc_buf_free(&b);
	return 0;
}

/*
 * Read: the first "common_cpuid" list found depth first, or the bare array.
 * Write: a bare array, one entry per line; flags are the set's, or KVM's
 * SIGNIFICANT_INDEX on subleaf-indexed leaves when the set has none.  A bit
 * left to the host, or a range over FMT_MAX_EXPAND subleaves, is an error.
 */
const struct fmt fmt_chv = {
	.name = "cloud-hypervisor",
	.description =
		"Cloud Hypervisor CpuIdEntry list (bare or under "
		"\"common_cpuid\")",
	.detect = chv_detect,
	.read = chv_read,
	.write = chv_write,
};

/* -------------------------------------------------------- profile (JSON) */

/*
 * Adjustments are per register, and the registers of one leaf may have
 * different subleaf ranges: the set's entries are cut at every range
 * boundary of the leaf, a register an entry's range lacks is marked absent,
 * and one whose adjustment spans several entries is marked joined so the
 * writer merges it back.  known = ~mask | replacements (a replacement bit
 * inside the mask is forced to 1 all the same), value = replacements.
 *
 * Cloud Hypervisor lists adjustments in the order of its field table, which
 * no rule over the set reproduces.  So that a profile read and written
 * comes back byte for byte, the reader keeps the file's order in metadata
 * "adjustment_order" when it differs from the writer's own: tokens
 * "0xd.5.eax" (leaf, first subleaf, register), one per adjustment.  The
 * writer follows that order when it still names every adjustment of the
 * set, and its own order otherwise.
 */

/* One adjustment: a register over a subleaf range. */
struct adj {
	uint32_t leaf, start, end;
	int reg;
	uint32_t repl, mask;
	size_t src; /* index in the file (reader) */
};

static int hypervisor_leaf(uint32_t leaf)
{
	return (leaf & 0xf0000000u) == 0x40000000u;
}

/* Mask and replacements of register R of L, as Cloud Hypervisor applies
 * them; 0 when L does not name R (nothing to write). */
static int adj_of(const struct cc_set *s, const struct cc_leaf *l, int r,
		  uint32_t *mask, uint32_t *repl)
{
	if ((l->absent >> r) & 1) {
		if (s->kind != CC_KIND_PROFILE ||
		    s->uncovered != CC_UNCOVERED_HOST)
			return 0;   /* zero: what an absent adjustment means */
		*mask = UINT32_MAX; /* the host's value */
		*repl = 0;
		return 1;
	}
	*mask = ~l->known[r];
	*repl = l->reg[r] & l->known[r];
	return 1;
}

/* Entry I continues entry I-1 for register R (one adjustment). */
static int continues(const struct cc_set *s, size_t i, int r)
{
	const struct cc_leaf *l = &s->leaves[i], *p;
	uint32_t m1, r1, m2, r2;

	if (i == 0 || !((l->joined >> r) & 1))
		return 0;
	p = &s->leaves[i - 1];
	if (p->leaf != l->leaf || p->last == UINT32_MAX ||
	    p->last + 1 != l->first)
		return 0;
	if (!adj_of(s, p, r, &m1, &r1) || !adj_of(s, l, r, &m2, &r2))
		return 0;
	return m1 == m2 && r1 == r2;
}

/*
 * The adjustments that express S, in the writer's own order: leaves in
 * order with the hypervisor range (0x4xxxxxxx) last, as Cloud Hypervisor
 * generates them; within a leaf, entries in order, registers EAX..EDX.
 */
static struct adj *build_adjs(const struct cc_set *s, size_t *n)
{
	struct adj *a = cc_xmalloc((s->n * CC_NREGS + 1) * sizeof *a);
	int pass;

	*n = 0;
	for (pass = 0; pass < 2; pass++) {
		size_t i;

		for (i = 0; i < s->n; i++) {
			const struct cc_leaf *l = &s->leaves[i];
			int r;

			/* Cloud Hypervisor profiles hold no MSRs: they are
			 * left out */
			if (hypervisor_leaf(l->leaf) != pass ||
			    CC_IS_MSR(l->leaf))
				continue;
			for (r = 0; r < CC_NREGS; r++) {
				struct adj *x = &a[*n];
				size_t k;

				if (continues(s, i, r) ||
				    !adj_of(s, l, r, &x->mask, &x->repl))
					continue;
				x->leaf = l->leaf;
				x->start = l->first;
				x->end = l->last;
				x->reg = r;
				x->src = 0;
				for (k = i + 1; k < s->n && continues(s, k, r);
				     k++)
					x->end = s->leaves[k].last;
				(*n)++;
			}
		}
	}
	return a;
}

/* Token naming adjustment A in "adjustment_order": "0xd.5.eax". */
static void order_token(struct cc_buf *b, const struct adj *a)
{
	cc_buf_printf(b, "%s0x%x.%u.%s", b->len ? " " : "", a->leaf, a->start,
		      cc_reg_name((enum cc_reg)a->reg));
}

/* Parse one order token T..END into X (leaf, start, reg); -1 when
 * malformed. */
static int parse_token(const char *t, const char *end, struct adj *x)
{
	unsigned long long v;
	char *q, rn[4];

	memset(x, 0, sizeof *x);
	v = strtoull(t, &q, 16);
	if (q == t || *q != '.' || v > UINT32_MAX)
		return -1;
	x->leaf = (uint32_t)v;
	t = q + 1;
	v = strtoull(t, &q, 10);
	if (q == t || v > UINT32_MAX)
		return -1;
	x->start = x->end = (uint32_t)v;
	if (*q != '.' || end - q != 4)
		return -1;
	memcpy(rn, q + 1, 3);
	rn[3] = '\0';
	x->reg = cc_reg_parse(rn);
	return x->reg < 0 ? -1 : 0;
}

/* Adjustments by name: leaf, first subleaf, register. */
static int cmp_name(const void *pa, const void *pb)
{
	const struct adj *x = pa, *y = pb;

	if (x->leaf != y->leaf)
		return x->leaf < y->leaf ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->reg < y->reg ? -1 : x->reg > y->reg;
}

/*
 * The order of metadata "adjustment_order" over S's adjustments A (N of
 * them, each named at least once): *ORDER (*NORDER) indexes A.  -1 when
 * there is no order or it does not fit.
 */
static int stored_order(const struct cc_set *s, const struct adj *a, size_t n,
			size_t **order, size_t *norder)
{
	const char *p = cc_set_meta(s, CHV_ORDER_KEY);
	unsigned char *used;
	size_t cap = n + 16, k;
	struct adj *byname;

	*order = NULL;
	*norder = 0;
	if (p == NULL)
		return -1;
	used = cc_xcalloc(n + 1, 1);
	byname = cc_xmalloc((n + 1) * sizeof *byname);
	for (k = 0; k < n; k++) {
		byname[k] = a[k];
		byname[k].src = k;
	}
	qsort(byname, n, sizeof *byname, cmp_name);
	*order = cc_xmalloc(cap * sizeof **order);
	while (*p) {
		const char *t = p;
		const struct adj *hit;
		struct adj x;
		int rc;

		while (*p && *p != ' ')
			p++;
		rc = parse_token(t, p, &x);
		while (*p == ' ')
			p++;
		if (rc < 0)
			goto bad;
		hit = bsearch(&x, byname, n, sizeof *byname, cmp_name);
		if (hit == NULL)
			goto bad;
		k = hit->src;
		used[k] = 1;
		if (*norder == cap) {
			cap *= 2;
			*order = cc_xrealloc(*order, cap * sizeof **order);
		}
		(*order)[(*norder)++] = k;
	}
	for (k = 0; k < n; k++)
		if (!used[k])
			goto bad;
	free(byname);
	free(used);
	return 0;
bad:
	free(byname);
	free(used);
	free(*order);
	*order = NULL;
	*norder = 0;
	return -1;
}

static int chv_profile_detect(const char *buf, size_t len)
{
	size_t lim = len < 4096 ? len : 4096;

	return fmt_first_char(buf, len) == '{' &&
	       fmt_has_key(buf, lim, "adjustments") &&
	       !fmt_has_key(buf, len, "common_cpuid");
}

/* Parse adjustments[IDX] (J) into A; -1 with E naming its JSON path. */
static int read_adj(const cJSON *j, size_t idx, const char *name, struct adj *a,
		    struct cc_err *e)
{
	const cJSON *par, *val, *sub, *reg;
	const char *why;
	char where[64];

	if (!cJSON_IsArray(j) || cJSON_GetArraySize(j) != 2)
		return cc_errf(e,
			       "%s: adjustments[%zu]: expected [parameters, "
			       "adjustment] (an array of two objects), got %s",
			       name, idx, cc_json_type(j));
	par = cJSON_GetArrayItem(j, 0);
	val = cJSON_GetArrayItem(j, 1);
	if (!cJSON_IsObject(par))
		return cc_errf(e,
			       "%s: adjustments[%zu][0]: expected an object "
			       "{leaf, sub_leaf, register}, got %s",
			       name, idx, cc_json_type(par));
	if (!cJSON_IsObject(val))
		return cc_errf(e,
			       "%s: adjustments[%zu][1]: expected an object "
			       "{replacements, mask}, got %s",
			       name, idx, cc_json_type(val));
	why = fmt_json_hex32(cJSON_GetObjectItemCaseSensitive(par, "leaf"),
			     &a->leaf);
	if (why != NULL)
		return cc_errf(e,
			       "%s: adjustments[%zu][0].leaf: expected a "
			       "hex string like \"0x00000007\" (%s)",
			       name, idx, why);
	sub = cJSON_GetObjectItemCaseSensitive(par, "sub_leaf");
	if (!cJSON_IsObject(sub))
		return cc_errf(e,
			       "%s: adjustments[%zu][0].sub_leaf: expected "
			       "an object {start, end}, got %s",
			       name, idx, sub ? cc_json_type(sub) : "nothing");
	snprintf(where, sizeof where, "adjustments[%zu][0].sub_leaf", idx);
	if (member_u32(sub, "start", 0, &a->start, name, where, e) < 0 ||
	    member_u32(sub, "end", 0, &a->end, name, where, e) < 0)
		return -1;
	if (a->start > a->end)
		return cc_errf(e,
			       "%s: adjustments[%zu][0].sub_leaf: start %u "
			       "is after end %u",
			       name, idx, a->start, a->end);
	reg = cJSON_GetObjectItemCaseSensitive(par, "register");
	a->reg = cJSON_IsString(reg) ? cc_reg_parse(reg->valuestring) : -1;
	if (a->reg < 0)
		return cc_errf(e,
			       "%s: adjustments[%zu][0].register: expected "
			       "\"EAX\", \"EBX\", \"ECX\" or \"EDX\"",
			       name, idx);
	why = fmt_json_hex32(cJSON_GetObjectItemCaseSensitive(val,
							      "replacements"),
			     &a->repl);
	if (why != NULL)
		return cc_errf(e,
			       "%s: adjustments[%zu][1].replacements: "
			       "expected a hex string like \"0x00000000\" "
			       "(%s)",
			       name, idx, why);
	why = fmt_json_hex32(cJSON_GetObjectItemCaseSensitive(val, "mask"),
			     &a->mask);
	if (why != NULL)
		return cc_errf(e,
			       "%s: adjustments[%zu][1].mask: expected a hex "
			       "string like \"0xffffffff\" (%s)",
			       name, idx, why);
	a->src = idx;
	return 0;
}

static int cmp_adj(const void *pa, const void *pb)
{
	const struct adj *a = pa, *b = pb;

	if (a->leaf != b->leaf)
		return a->leaf < b->leaf ? -1 : 1;
	if (a->reg != b->reg)
		return a->reg < b->reg ? -1 : 1;
	if (a->start != b->start)
		return a->start < b->start ? -1 : 1;
	return a->src < b->src ? -1 : a->src > b->src;
}

static int cmp_u32(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;

	return a < b ? -1 : a > b;
}

/*
 * Turn the adjustments of one leaf, A[0..N) sorted by (reg, start), into
 * set entries cut at every range boundary.
 */
static int put_leaf(struct cc_set *s, const struct adj *a, size_t n,
		    const char *name, struct cc_err *e)
{
	uint32_t *cut = cc_xmalloc(2 * n * sizeof *cut);
	size_t ncut = 0, i, k, cur[CC_NREGS], stop[CC_NREGS];
	int rc = 0, r;

	/* A[] holds each register's adjustments in a run, by start */
	for (r = 0, k = 0; r < CC_NREGS; r++) {
		cur[r] = k;
		while (k < n && a[k].reg == r)
			k++;
		stop[r] = k;
	}
	for (i = 0; i < n; i++) {
		cut[ncut++] = a[i].start;
		if (a[i].end != UINT32_MAX)
			cut[ncut++] = a[i].end + 1;
	}
	qsort(cut, ncut, sizeof *cut, cmp_u32);
	for (i = 0; i < ncut; i = k) {
		uint32_t lo = cut[i], hi;
		const struct adj *by[CC_NREGS] = {NULL, NULL, NULL, NULL};
		struct cc_leaf *l;
		int any = 0;

		for (k = i + 1; k < ncut && cut[k] == lo; k++)
			;
		hi = k < ncut ? cut[k] - 1 : UINT32_MAX;
		for (r = 0; r < CC_NREGS; r++) {
			while (cur[r] < stop[r] && a[cur[r]].end < lo)
				cur[r]++;
			if (cur[r] < stop[r] && a[cur[r]].start <= lo) {
				by[r] = &a[cur[r]];
				any = 1;
			}
		}
		if (!any)
			continue;
		l = cc_set_put(s, a[0].leaf, lo, hi);
		if (l == NULL) {
			rc = cc_errf(e, "%s: leaf 0x%08x: overlapping entries",
				     name, a[0].leaf);
			break;
		}
		for (r = 0; r < CC_NREGS; r++) {
			if (by[r] == NULL) {
				l->absent |= (uint8_t)(1u << r);
				l->reg[r] = 0;
				l->known[r] = UINT32_MAX;
				continue;
			}
			l->known[r] = ~by[r]->mask | by[r]->repl;
			l->reg[r] = by[r]->repl;
			if (by[r]->start < lo)
				l->joined |= (uint8_t)(1u << r);
		}
	}
	free(cut);
	return rc;
}

/* The optional string members "hypervisor" and "cpu_vendor" of ROOT
 * into S's metadata; -1 with E. */
static int read_profile_meta(const cJSON *root, struct cc_set *s,
			     const char *name, struct cc_err *e)
{
	static const char *const keys[] = {"hypervisor", "cpu_vendor"};
	size_t i;

	for (i = 0; i < 2; i++) {
		const cJSON *j =
			cJSON_GetObjectItemCaseSensitive(root, keys[i]);

		if (j == NULL)
			continue;
		if (!cJSON_IsString(j))
			return cc_errf(e, "%s: %s: expected a string, got %s",
				       name, keys[i], cc_json_type(j));
		cc_set_meta_set(s, keys[i], j->valuestring, 0);
	}
	return 0;
}

/* The adjustments of ROOT in file order into *A (N of them); -1 with E
 * (*A is then still to be freed). */
static int read_adjs(const cJSON *root, struct adj **a, size_t *n,
		     const char *name, struct cc_err *e)
{
	const cJSON *adjs =
		cJSON_GetObjectItemCaseSensitive(root, "adjustments");
	const cJSON *it;

	*n = 0;
	if (!cJSON_IsArray(adjs))
		return cc_errf(e, "%s: adjustments: expected an array, got %s",
			       name, adjs ? cc_json_type(adjs) : "nothing");
	*a = cc_xmalloc(((size_t)cJSON_GetArraySize(adjs) + 1) * sizeof **a);
	cJSON_ArrayForEach(it, adjs)
	{
		if (read_adj(it, *n, name, &(*a)[*n], e) < 0)
			return -1;
		(*n)++;
	}
	return 0;
}

/*
 * Put A[0..N) into S: sorted by (leaf, register, start); within the same
 * register of a leaf ranges must not overlap, except exact repeats (Cloud
 * Hypervisor's generator writes some), which are dropped.  -1 with E.
 */
static int put_adjs(struct cc_set *s, const struct adj *a, size_t n,
		    const char *name, struct cc_err *e)
{
	struct adj *sorted = cc_xmalloc((n + 1) * sizeof *sorted);
	size_t i, k;
	int rc = 0;

	if (n)
		memcpy(sorted, a, n * sizeof *a);
	qsort(sorted, n, sizeof *sorted, cmp_adj);
	for (i = k = 0; i < n; i++) {
		const struct adj *p = k ? &sorted[k - 1] : NULL,
				 *c = &sorted[i];

		if (p != NULL && p->leaf == c->leaf && p->reg == c->reg &&
		    c->start <= p->end) {
			if (p->start == c->start && p->end == c->end &&
			    p->mask == c->mask && p->repl == c->repl)
				continue; /* exact repeat */
			rc = cc_errf(
				e,
				"%s: adjustments[%zu][0]: leaf 0x%08x %s "
				"subleaves %u..%u overlap adjustments[%zu] "
				"(subleaves %u..%u) with other values",
				name, c->src, c->leaf,
				cc_reg_name((enum cc_reg)c->reg), c->start,
				c->end, p->src, p->start, p->end);
			goto done;
		}
		sorted[k++] = *c;
	}
	/* one leaf at a time, sorted by (reg, start) within it */
	for (i = 0; i < k && rc == 0;) {
		size_t m = i;

		while (m < k && sorted[m].leaf == sorted[i].leaf)
			m++;
		rc = put_leaf(s, &sorted[i], m - i, name, e);
		i = m;
	}
done:
	free(sorted);
	return rc;
}

/* Keep the file's adjustment order A[0..N) in S's metadata when it is not
 * the order the writer would use. */
static void keep_order(struct cc_set *s, const struct adj *a, size_t n)
{
	struct cc_buf want, got;
	struct adj *mine;
	size_t i, nmine = 0;

	cc_buf_init(&want);
	cc_buf_init(&got);
	mine = build_adjs(s, &nmine);
	for (i = 0; i < nmine; i++)
		order_token(&want, &mine[i]);
	for (i = 0; i < n; i++)
		order_token(&got, &a[i]);
	if (got.len != want.len ||
	    (got.len && memcmp(got.data, want.data, got.len) != 0))
		cc_set_meta_set(s, CHV_ORDER_KEY, got.data, 0);
	free(mine);
	cc_buf_free(&want);
	cc_buf_free(&got);
}

static struct cc_set *chv_profile_read(const char *buf, size_t len,
				       const char *name,
				       const struct fmt_opts *opts,
				       struct cc_err *e)
{
	cJSON *root;
	struct cc_set *s = NULL;
	struct adj *a = NULL;
	size_t n = 0;

	root = parse_one_cpu(buf, len, name, opts, e);
	if (root == NULL)
		return NULL;
	if (!cJSON_IsObject(root)) {
		cc_errf(e,
			"%s: expected a Cloud Hypervisor profile object "
			"{hypervisor, cpu_vendor, adjustments}, got %s",
			name, cc_json_type(root));
		goto fail;
	}
	s = cc_set_new(name, CC_KIND_PROFILE);
	s->uncovered = CC_UNCOVERED_ZERO;
	if (read_profile_meta(root, s, name, e) < 0 ||
	    read_adjs(root, &a, &n, name, e) < 0 ||
	    put_adjs(s, a, n, name, e) < 0 || cc_set_finish(s, e) < 0)
		goto fail;
	keep_order(s, a, n);
	free(a);
	cJSON_Delete(root);
	return s;
fail:
	free(a);
	cJSON_Delete(root);
	cc_set_free(s);
	return NULL;
}

static const char *vendor_word(const struct cc_set *s)
{
	switch (s->vendor) {
	case CC_VENDOR_INTEL:
		return "Intel";
	case CC_VENDOR_AMD:
		return "AMD";
	default:
		return "Unknown";
	}
}

static void put_adj(struct cc_buf *b, const struct adj *a, int last)
{
	static const char *const regs[CC_NREGS] = {"EAX", "EBX", "ECX", "EDX"};

	cc_buf_printf(b,
		      "    [\n"
		      "      {\n"
		      "        \"leaf\": \"0x%08x\",\n"
		      "        \"sub_leaf\": {\n"
		      "          \"start\": %u,\n"
		      "          \"end\": %u\n"
		      "        },\n"
		      "        \"register\": \"%s\"\n"
		      "      },\n"
		      "      {\n"
		      "        \"replacements\": \"0x%08x\",\n"
		      "        \"mask\": \"0x%08x\"\n"
		      "      }\n"
		      "    ]%s\n",
		      a->leaf, a->start, a->end, regs[a->reg], a->repl, a->mask,
		      last ? "" : ",");
}

/*
 * Layout of Cloud Hypervisor's own files (serde_json pretty: 2-space
 * indent, no final newline), so a profile read and written is unchanged.
 */
static int chv_profile_write(struct cc_buf *out, const struct cc_set *s,
			     struct cc_err *e)
{
	const char *hv = cc_set_meta(s, "hypervisor");
	const char *vendor = cc_set_meta(s, "cpu_vendor");
	struct adj *a;
	size_t n, i, *order = NULL, norder = 0;
	struct cc_buf b;

	(void)e;
	a = build_adjs(s, &n);
	if (stored_order(s, a, n, &order, &norder) < 0) {
		norder = n;
		order = cc_xmalloc((n + 1) * sizeof *order);
		for (i = 0; i < n; i++)
			order[i] = i;
	}
	cc_buf_init(&b);
	cc_buf_puts(&b, "{\n  \"hypervisor\": ");
	cc_json_put_string(&b, hv ? hv : "Kvm");
	cc_buf_puts(&b, ",\n  \"cpu_vendor\": ");
	cc_json_put_string(&b, vendor ? vendor : vendor_word(s));
	if (norder == 0) {
		cc_buf_puts(&b, ",\n  \"adjustments\": []\n}");
	} else {
		cc_buf_puts(&b, ",\n  \"adjustments\": [\n");
		for (i = 0; i < norder; i++)
			put_adj(&b, &a[order[i]], i + 1 == norder);
		cc_buf_puts(&b, "  ]\n}");
	}
	cc_buf_add(out, b.data, b.len);
	cc_buf_free(&b);
	free(order);
	free(a);
	return 0;
}

/*
 * Read: the profile, uncovered rule ZERO.  Write: any set (a dump fixes
 * every bit; registers a HOST profile leaves unnamed are written as full
 * passthrough, mask 0xffffffff; leaves the set lacks become 0 in Cloud
 * Hypervisor whatever its uncovered rule); never fails.
 */
const struct fmt fmt_chv_profile = {
	.name = "cloud-hypervisor-profile",
	.description = "Cloud Hypervisor CPU profile JSON (adjustments)",
	.detect = chv_profile_detect,
	.read = chv_profile_read,
	.write = chv_profile_write,
};
