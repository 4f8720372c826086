/*
 * cpucompat's native JSON, written by `dump` and `generate` and read back
 * byte for byte (the writer is deterministic, the reader keeps metadata in
 * order).  man/cpucompat.5 documents it:
 *
 *   {"format": "cpucompat", "version": 1, "kind": "dump"|"profile",
 *    "name": ..., "uncovered": "zero"|"host" (profiles),
 *    "meta": {key: string|integer, ...},
 *    "leaves": [{"leaf": "0x00000007", "subleaf": 0 | [first, last],
 *                "flags": N (optional), "eax": "0x...", ...,
 *                "mask": {"eax": "0x..."} (profiles: bits left to the host),
 *                "absent": ["ecx"], "joined": ["eax"] (profiles)},
 *               {"msr": "0x10a", "eax": "0x...", "edx": "0x...",
 *                "mask": {"eax": "0x..."} (profiles)}]}
 *
 * A feature MSR is an entry of the pseudo-leaf CC_MSR_LEAF (cpuid_set.h)
 * and is written with "msr" (its index) in place of "leaf" and "subleaf",
 * and only the registers RDMSR returns (EDX:EAX); MSR entries come after
 * every CPUID leaf, in index order.  Older files kept them as metadata
 * ("msr.0x10a": "0xHIGH:0xLOW"), which stays metadata: such a set says
 * nothing about its MSRs (dump the original file again for entries).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_json.h"
#include "fmt.h"

#define NATIVE_VERSION 1

static int native_detect(const char *buf, size_t len)
{
	size_t i = 0;
	size_t lim = len < 512 ? len : 512;

	if (fmt_first_char(buf, len) != '{')
		return 0;
	for (; i + 22 <= lim; i++)
		if (memcmp(buf + i, "\"format\": \"cpucompat\"", 21) == 0 ||
		    memcmp(buf + i, "\"format\":\"cpucompat\"", 20) == 0)
			return 1;
	return 0;
}

/*
 * The reader checks the whole text first (cc_json_check: the same syntax
 * errors, at the same place, as cJSON), then reads the checked text in
 * place: no tree, no allocation per value.  Members are looked up as
 * cJSON_GetObjectItemCaseSensitive does (the first of a repeated key
 * counts), and the checks run in the same order as the messages promise.
 */

/* Members of a leaf object a reader looks at, in check order. */
enum leaf_key {
	K_LEAF,
	K_SUBLEAF,
	K_FLAGS,
	K_EAX,
	K_EBX,
	K_ECX,
	K_EDX,
	K_MASK,
	K_ABSENT,
	K_JOINED,
	K_MSR,
	K_N
};

static const char *const leaf_keys[K_N] = {
	"leaf", "subleaf", "flags",  "eax",    "ebx", "ecx",
	"edx",  "mask",    "absent", "joined", "msr",
};

/* The leaf_key the key string at KEY names, or -1.  Keys are compared
 * in place, up to the closing quote; only a key with an escape is
 * decoded. */
static int leaf_key_of(const char *key)
{
	const char *raw = key + 1;
	int esc, k;

	if (raw[0] == 'e' && raw[2] == 'x' && raw[3] == '"' && raw[1] >= 'a' &&
	    raw[1] <= 'd')
		return K_EAX + (raw[1] - 'a');
	for (k = 0; k < K_N; k++) {
		const char *n = leaf_keys[k];
		size_t i = 0;

		while (n[i] != '\0' && raw[i] == n[i]) /* stops at a NUL */
			i++;
		if (n[i] == '\0' && raw[i] == '"')
			return k;
	}
	cc_json_str_raw(key, &raw, &esc);
	if (!esc)
		return -1;
	for (k = 0; k < K_N; k++)
		if (cc_json_str_is(key, leaf_keys[k]))
			return k;
	return -1;
}

/* Where a leaf's member is, for messages: "NAME: leaves[IDX]SUB.KEY". */
struct where {
	const char *name;
	size_t idx;
	const char *sub; /* "" or ".mask" */
};

/* Hex digit values plus one, 0 for other bytes (see hex_fast). */
static const unsigned char hexval1[256] = {
	['0'] = 1,  ['1'] = 2,  ['2'] = 3,  ['3'] = 4,  ['4'] = 5,  ['5'] = 6,
	['6'] = 7,  ['7'] = 8,  ['8'] = 9,  ['9'] = 10, ['a'] = 11, ['b'] = 12,
	['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16, ['A'] = 11, ['B'] = 12,
	['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The writer's "0x%08x" at V into *X: 1, else 0. */
static int hex_fast(const char *v, uint32_t *x)
{
	uint32_t r = 0;
	int i;

	if (v[1] != '0' || v[2] != 'x')
		return 0;
	for (i = 3; i < 11; i++) {
		unsigned d = hexval1[(unsigned char)v[i]];

		if (d == 0)
			return 0;
		r = r << 4 | (d - 1);
	}
	if (v[11] != '"')
		return 0;
	*x = r;
	return 1;
}

/* The string at V (NULL: missing) as a 32-bit hex number, as
 * fmt_json_hex32: NULL, or what is wrong with it. */
static const char *hex_at(const char *v, uint32_t *x)
{
	const char *raw, *why = NULL;
	int esc;
	size_t n;
	char *d;

	if (v == NULL)
		return "missing";
	if (*v != '"')
		return "wrong JSON type";
	if (hex_fast(v, x))
		return NULL;
	n = cc_json_str_raw(v, &raw, &esc);
	if (!esc)
		return fmt_parse_hex32(raw, n, x) == 0
			       ? NULL
			       : fmt_hex_problem(raw, n);
	d = cc_json_str_dup(v);
	n = strlen(d);
	if (fmt_parse_hex32(d, n, x) < 0)
		why = fmt_hex_problem(d, n);
	free(d);
	return why;
}

static int get_hex(const char *v, const char *key, uint32_t *x,
		   const struct where *w, struct cc_err *e)
{
	const char *why = hex_at(v, x);

	if (v == NULL)
		return cc_errf(e, "%s: leaves[%zu]%s.%s: missing", w->name,
			       w->idx, w->sub, key);
	if (why != NULL)
		return cc_errf(e,
			       "%s: leaves[%zu]%s.%s: expected a 32-bit hex "
			       "string like \"0x0000001f\" (%s)",
			       w->name, w->idx, w->sub, key, why);
	return 0;
}

/* Is the value at V (may be NULL) a number? */
static int is_number(const char *v)
{
	return v != NULL && (*v == '-' || (*v >= '0' && *v <= '9'));
}

/* The number at V (NULL: missing) as cc_json_u32 reads it. */
static const char *u32_at(const char *v, uint32_t *x)
{
	if (v == NULL)
		return "missing";
	if (!is_number(v))
		return "wrong JSON type";
	return cc_json_num_u32(cc_json_number(v), x);
}

/* The register name in the string at V, as cc_reg_parse; -1 if none. */
static int reg_at(const char *v)
{
	const char *raw;
	int esc, r;
	size_t n;
	char *d;

	if (*v != '"')
		return -1;
	n = cc_json_str_raw(v, &raw, &esc);
	if (!esc) {
		if (n != 3)
			return -1;
		for (r = 0; r < CC_NREGS; r++)
			if (strncasecmp(raw, cc_reg_name((enum cc_reg)r), 3) ==
			    0)
				return r;
		return -1;
	}
	d = cc_json_str_dup(v);
	r = cc_reg_parse(d);
	free(d);
	return r;
}

static int reg_list(const char *a, const char *key, uint8_t *bits,
		    const struct where *w, struct cc_err *e)
{
	struct cc_jwalk it;
	const char *v;

	*bits = 0;
	if (a == NULL)
		return 0;
	if (*a != '[')
		return cc_errf(e,
			       "%s: leaves[%zu].%s: expected a list of "
			       "registers",
			       w->name, w->idx, key);
	cc_json_walk(&it, a);
	while (cc_json_element(&it, &v)) {
		int r = reg_at(v);

		if (r < 0)
			return cc_errf(e,
				       "%s: leaves[%zu].%s: expected \"eax\", "
				       "\"ebx\", \"ecx\" or \"edx\"",
				       w->name, w->idx, key);
		*bits |= (uint8_t)(1u << r);
	}
	return 0;
}

/* Subleaf member SUB into *FIRST..*LAST: an integer or [first, last]. */
static int get_subleaf(const char *sub, const struct cc_set *s, uint32_t *first,
		       uint32_t *last, const struct where *w, struct cc_err *e)
{
	struct cc_jwalk it;
	const char *v[3], *why = NULL;
	int n = 0;

	if (sub == NULL)
		return cc_errf(e, "%s: leaves[%zu].subleaf: missing", w->name,
			       w->idx);
	if (*sub == '[') {
		cc_json_walk(&it, sub);
		while (n < 3 && cc_json_element(&it, &v[n]))
			n++;
		if (n == 2 && u32_at(v[0], first) == NULL &&
		    u32_at(v[1], last) == NULL && *first <= *last)
			goto range;
	} else if ((why = u32_at(sub, first)) == NULL) {
		*last = *first;
		goto range;
	}
	return cc_errf(e,
		       "%s: leaves[%zu].subleaf: expected an integer or "
		       "[first, last] (%s)",
		       w->name, w->idx, *sub == '[' ? "bad range" : why);
range:
	if (s->kind == CC_KIND_DUMP && *first != *last)
		return cc_errf(e,
			       "%s: leaves[%zu].subleaf: a dump cannot hold a "
			       "subleaf range",
			       w->name, w->idx);
	return 0;
}

/* The mask object M of leaf L (profiles): the bits left to the host. */
static int read_mask(const char *m, const struct cc_set *s, struct cc_leaf *l,
		     const struct where *lw, struct cc_err *e)
{
	struct where w = {lw->name, lw->idx, ".mask"};
	const char *v[CC_NREGS] = {NULL}, *key, *val;
	struct cc_jwalk it;
	int r;

	if (s->kind != CC_KIND_PROFILE || *m != '{')
		return cc_errf(e,
			       "%s: leaves[%zu].mask: only a profile's leaves "
			       "have a mask object",
			       w.name, w.idx);
	cc_json_walk(&it, m);
	while (cc_json_member(&it, &key, &val)) {
		int k = leaf_key_of(key);

		if (k >= K_EAX && k <= K_EDX && v[k - K_EAX] == NULL)
			v[k - K_EAX] = val;
	}
	for (r = 0; r < CC_NREGS; r++) {
		uint32_t x;

		if (v[r] == NULL)
			continue;
		if (get_hex(v[r], cc_reg_name((enum cc_reg)r), &x, &w, e) < 0)
			return -1;
		l->known[r] = ~x;
	}
	return 0;
}

/* The registers of L against its absent list and known bits. */
static int check_regs(const struct cc_set *s, struct cc_leaf *l,
		      const struct where *w, struct cc_err *e)
{
	int r;

	for (r = 0; r < CC_NREGS; r++) {
		if ((l->absent >> r & 1) && l->reg[r] != 0)
			return cc_errf(e,
				       "%s: leaves[%zu].%s: a register listed "
				       "in \"absent\" must be \"0x00000000\"",
				       w->name, w->idx,
				       cc_reg_name((enum cc_reg)r));
		if (l->reg[r] & ~l->known[r])
			return cc_errf(e,
				       "%s: leaves[%zu].%s: value sets bits "
				       "that the mask leaves to the host",
				       w->name, w->idx,
				       cc_reg_name((enum cc_reg)r));
		if (s->uncovered == CC_UNCOVERED_HOST && (l->absent >> r & 1))
			l->known[r] = 0;
	}
	return 0;
}

/* The MSR entry V (V[K_MSR] is its index) into ST: EAX and EDX only. */
static int read_msr(struct cc_set *s, struct fmt_stage *st, const char **v,
		    const struct where *w, struct cc_err *e)
{
	uint32_t index, eax, edx;
	struct cc_leaf *l;
	int k;

	if (get_hex(v[K_MSR], "msr", &index, w, e) < 0)
		return -1;
	for (k = 0; k < K_N; k++)
		if (v[k] != NULL && (k == K_LEAF || k == K_SUBLEAF ||
				     k == K_FLAGS || k == K_EBX || k == K_ECX ||
				     k == K_ABSENT || k == K_JOINED))
			return cc_errf(e,
				       "%s: leaves[%zu].%s: an MSR entry has "
				       "only \"msr\", \"eax\", \"edx\" and "
				       "\"mask\"",
				       w->name, w->idx, leaf_keys[k]);
	if (get_hex(v[K_EAX], "eax", &eax, w, e) < 0 ||
	    get_hex(v[K_EDX], "edx", &edx, w, e) < 0)
		return -1;
	l = fmt_stage_put(st, CC_MSR_LEAF, index, index, NULL);
	if (l == NULL)
		return cc_errf(e, "%s: leaves[%zu]: MSR 0x%x appears twice",
			       w->name, w->idx, index);
	l->reg[CC_EAX] = eax;
	l->reg[CC_EDX] = edx;
	if (v[K_MASK] != NULL && read_mask(v[K_MASK], s, l, w, e) < 0)
		return -1;
	l->known[CC_EBX] = l->known[CC_ECX] = UINT32_MAX; /* unused */
	return check_regs(s, l, w, e);
}

/* The leaf object O (leaves[W->idx]) into ST; *END past it. */
static int read_leaf(struct cc_set *s, struct fmt_stage *st, const char *o,
		     const char **end, const struct where *w, struct cc_err *e)
{
	const char *v[K_N] = {NULL}, *key, *val;
	struct cc_jwalk it;
	uint32_t leaf, first, last, flags = 0, regs[CC_NREGS];
	uint8_t absent, joined;
	struct cc_leaf *l;
	int r;

	if (*o != '{')
		return cc_errf(e, "%s: leaves[%zu]: expected an object",
			       w->name, w->idx);
	cc_json_walk(&it, o);
	while (cc_json_member(&it, &key, &val)) {
		int k = leaf_key_of(key);

		if (k >= 0 && v[k] == NULL)
			v[k] = val;
	}
	*end = it.p;
	if (v[K_MSR] != NULL)
		return read_msr(s, st, v, w, e);
	if (get_hex(v[K_LEAF], "leaf", &leaf, w, e) < 0 ||
	    get_subleaf(v[K_SUBLEAF], s, &first, &last, w, e) < 0)
		return -1;
	if (CC_IS_MSR(leaf))
		return cc_errf(e,
			       "%s: leaves[%zu].leaf: 0x%08x stands for the "
			       "feature MSRs; write {\"msr\": \"0x...\"}",
			       w->name, w->idx, leaf);
	if (v[K_FLAGS] != NULL && u32_at(v[K_FLAGS], &flags) != NULL)
		return cc_errf(e,
			       "%s: leaves[%zu].flags: expected a "
			       "non-negative integer",
			       w->name, w->idx);
	for (r = 0; r < CC_NREGS; r++)
		if (get_hex(v[K_EAX + r], cc_reg_name((enum cc_reg)r), &regs[r],
			    w, e) < 0)
			return -1;
	if (reg_list(v[K_ABSENT], "absent", &absent, w, e) < 0 ||
	    reg_list(v[K_JOINED], "joined", &joined, w, e) < 0)
		return -1;
	l = fmt_stage_put(st, leaf, first, last, NULL);
	if (l == NULL)
		return cc_errf(
			e,
			"%s: leaves[%zu]: leaf 0x%08x subleaf %u appears "
			"twice (or overlaps an earlier range)",
			w->name, w->idx, leaf, first);
	memcpy(l->reg, regs, sizeof regs);
	l->flags = flags;
	l->absent = absent;
	l->joined = joined;
	if (v[K_MASK] != NULL && read_mask(v[K_MASK], s, l, w, e) < 0)
		return -1;
	return check_regs(s, l, w, e);
}

/* The top-level members a reader looks at (the first of each). */
struct top {
	const char *version, *kind, *name, *uncovered, *meta, *leaves;
};

static void find_top(const char *root, const struct cc_jtop *ends,
		     struct top *t)
{
	static const char *const keys[] = {"version",   "kind", "name",
					   "uncovered", "meta", "leaves"};
	const char **slot[] = {&t->version,   &t->kind, &t->name,
			       &t->uncovered, &t->meta, &t->leaves};
	const char *key, *val;
	struct cc_jwalk it;
	size_t i, m;

	memset(t, 0, sizeof *t);
	cc_json_walk(&it, root);
	for (m = 0; cc_json_member(&it, &key, &val); m++) {
		for (i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (*slot[i] == NULL && cc_json_str_is(key, keys[i])) {
				*slot[i] = val;
				break;
			}
		cc_json_walked_top(&it, ends, m);
	}
}

/* The header of T: version and kind into *KIND; -1 and E. */
static int read_header(const struct top *t, const char *name,
		       enum cc_kind *kind, struct cc_err *e)
{
	if (!is_number(t->version) ||
	    cc_json_number(t->version) != NATIVE_VERSION)
		return cc_errf(e, "%s: version: expected %d", name,
			       NATIVE_VERSION);
	if (t->kind != NULL && *t->kind == '"' &&
	    cc_json_str_is(t->kind, "dump"))
		*kind = CC_KIND_DUMP;
	else if (t->kind != NULL && *t->kind == '"' &&
		 cc_json_str_is(t->kind, "profile"))
		*kind = CC_KIND_PROFILE;
	else
		return cc_errf(e, "%s: kind: expected \"dump\" or \"profile\"",
			       name);
	if (t->name != NULL && *t->name != '"')
		return cc_errf(e, "%s: name: expected a string", name);
	return 0;
}

/* "uncovered" of T into S; -1 and E. */
static int read_uncovered(const struct top *t, struct cc_set *s,
			  const char *name, struct cc_err *e)
{
	const char *j = t->uncovered;

	if (j == NULL)
		return 0;
	if (*j == '"' && cc_json_str_is(j, "zero"))
		s->uncovered = CC_UNCOVERED_ZERO;
	else if (*j == '"' && cc_json_str_is(j, "host"))
		s->uncovered = CC_UNCOVERED_HOST;
	else
		return cc_errf(e,
			       "%s: uncovered: expected \"zero\" or "
			       "\"host\"",
			       name);
	return 0;
}

/* One "meta" member KEY: VAL into S; -1 and E. */
static int read_meta_one(struct cc_set *s, const char *key, const char *val,
			 const char *name, struct cc_err *e)
{
	char num[32], *k = cc_json_str_dup(key), *v = NULL;
	uint32_t x;
	int rc;

	if (*val == '"') {
		v = cc_json_str_dup(val);
		rc = fmt_meta_set(s, k, v, 0);
	} else if (u32_at(val, &x) == NULL) {
		snprintf(num, sizeof num, "%u", x);
		rc = fmt_meta_set(s, k, num, 1);
	} else {
		cc_errf(e,
			"%s: meta.%s: expected a string or a non-negative "
			"integer",
			name, k);
		free(k);
		return -1;
	}
	if (rc < 0)
		cc_errf(e, "%s: meta.%s: more than %d entries", name, k,
			FMT_MAX_META);
	free(k);
	free(v);
	return rc;
}

/* "meta" of T into S; -1 and E. */
static int read_meta(const struct top *t, struct cc_set *s, const char *name,
		     struct cc_err *e)
{
	const char *key, *val;
	struct cc_jwalk it;

	if (t->meta == NULL)
		return 0;
	if (*t->meta != '{')
		return cc_errf(e, "%s: meta: expected an object", name);
	cc_json_walk(&it, t->meta);
	while (cc_json_member(&it, &key, &val))
		if (read_meta_one(s, key, val, name, e) < 0)
			return -1;
	return 0;
}

/* The leaves of T into S through the staging; -1 and E. */
static int read_leaves(const struct top *t, struct cc_set *s, const char *name,
		       struct cc_err *e)
{
	struct fmt_stage st;
	struct where w = {name, 0, ""};
	struct cc_jwalk it;
	const char *v, *end = NULL;
	size_t bad;

	if (t->leaves == NULL || *t->leaves != '[')
		return cc_errf(e, "%s: leaves: expected a list of leaves",
			       name);
	fmt_stage_init(&st);
	cc_json_walk(&it, t->leaves);
	for (; cc_json_element(&it, &v); w.idx++) {
		if (read_leaf(s, &st, v, &end, &w, e) < 0) {
			fmt_stage_free(&st);
			return -1;
		}
		cc_json_walked(&it, end);
	}
	if (fmt_stage_flush(&st, s, &bad) < 0)
		return cc_errf(e,
			       "%s: leaves[%zu]: subleaf range overlaps "
			       "another entry of its leaf",
			       name, bad);
	return 0;
}

static struct cc_set *native_read(const char *buf, size_t len, const char *name,
				  const struct fmt_opts *opts, struct cc_err *e)
{
	const char *root;
	struct cc_set *s = NULL;
	enum cc_kind kind = CC_KIND_DUMP;
	struct cc_jtop ends;
	struct top t;

	(void)opts;
	if (cc_json_check(buf, len, name, &ends, e) < 0)
		return NULL;
	root = cc_json_root(buf, len);
	if (*root != '{')
		return cc_errf(e, "%s: expected a JSON object at the top",
			       name),
		       NULL;
	find_top(root, &ends, &t);
	if (read_header(&t, name, &kind, e) < 0)
		return NULL;
	/* named after the file until loaded, so that messages name it */
	s = cc_set_new(name, kind);
	if (read_uncovered(&t, s, name, e) < 0 ||
	    read_meta(&t, s, name, e) < 0 || read_leaves(&t, s, name, e) < 0 ||
	    cc_set_finish(s, e) < 0) {
		cc_set_free(s);
		return NULL;
	}
	if (t.name != NULL) {
		free(s->name);
		s->name = cc_json_str_dup(t.name);
	}
	return s;
}

static void put_reg_list(struct cc_buf *b, const char *key, uint8_t bits)
{
	int r, first = 1;

	if (!bits)
		return;
	cc_buf_printf(b, ", \"%s\": [", key);
	for (r = 0; r < CC_NREGS; r++) {
		if (!(bits >> r & 1))
			continue;
		cc_buf_printf(b, "%s\"%s\"", first ? "" : ", ",
			      cc_reg_name((enum cc_reg)r));
		first = 0;
	}
	cc_buf_puts(b, "]");
}

/* MSR entry L (entry I of S): index, EDX:EAX and, in a profile, the bits
 * left to the host. */
static void put_msr(struct cc_buf *b, const struct cc_set *s,
		    const struct cc_leaf *l, size_t i)
{
	static const int regs[] = {CC_EAX, CC_EDX};
	int k, any_mask = 0;

	cc_buf_printf(b,
		      "%s\n    {\"msr\": \"0x%x\", \"eax\": \"0x%08x\", "
		      "\"edx\": \"0x%08x\"",
		      i ? "," : "", l->first, l->reg[CC_EAX], l->reg[CC_EDX]);
	for (k = 0; k < 2; k++) {
		uint32_t m = ~l->known[regs[k]];

		if (s->kind != CC_KIND_PROFILE || m == 0)
			continue;
		cc_buf_printf(b, "%s\"%s\": \"0x%08x\"",
			      any_mask ? ", " : ", \"mask\": {",
			      cc_reg_name((enum cc_reg)regs[k]), m);
		any_mask = 1;
	}
	cc_buf_puts(b, any_mask ? "}}" : "}");
}

static int native_write(struct cc_buf *b, const struct cc_set *s,
			struct cc_err *e)
{
	size_t i;
	int r;

	(void)e;
	cc_buf_printf(b,
		      "{\n  \"format\": \"cpucompat\",\n  \"version\": %d,\n"
		      "  \"kind\": \"%s\",\n  \"name\": ",
		      NATIVE_VERSION,
		      s->kind == CC_KIND_PROFILE ? "profile" : "dump");
	cc_json_put_string(b, s->name);
	if (s->kind == CC_KIND_PROFILE)
		cc_buf_printf(b, ",\n  \"uncovered\": \"%s\"",
			      s->uncovered == CC_UNCOVERED_HOST ? "host"
								: "zero");
	cc_buf_puts(b, ",\n  \"meta\": {");
	for (i = 0; i < s->nmeta; i++) {
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_json_put_string(b, s->meta[i].key);
		cc_buf_puts(b, ": ");
		if (s->meta[i].is_number)
			cc_buf_puts(b, s->meta[i].value);
		else
			cc_json_put_string(b, s->meta[i].value);
	}
	cc_buf_puts(b, s->nmeta ? "\n  },\n  \"leaves\": ["
				: "},\n  \"leaves\": [");
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		int any_mask = 0;

		if (CC_IS_MSR(l->leaf)) {
			put_msr(b, s, l, i);
			continue;
		}
		cc_buf_printf(b, "%s\n    {\"leaf\": \"0x%08x\", ",
			      i ? "," : "", l->leaf);
		if (l->first == l->last)
			cc_buf_printf(b, "\"subleaf\": %u", l->first);
		else
			cc_buf_printf(b, "\"subleaf\": [%u, %u]", l->first,
				      l->last);
		if (l->flags)
			cc_buf_printf(b, ", \"flags\": %u", l->flags);
		for (r = 0; r < CC_NREGS; r++)
			cc_buf_printf(b, ", \"%s\": \"0x%08x\"",
				      cc_reg_name((enum cc_reg)r), l->reg[r]);
		for (r = 0; r < CC_NREGS; r++) {
			uint32_t m = ~l->known[r];

			if (s->kind != CC_KIND_PROFILE || m == 0 ||
			    (s->uncovered == CC_UNCOVERED_HOST &&
			     (l->absent >> r & 1)))
				continue;
			cc_buf_printf(b, "%s\"%s\": \"0x%08x\"",
				      any_mask ? ", " : ", \"mask\": {",
				      cc_reg_name((enum cc_reg)r), m);
			any_mask = 1;
		}
		if (any_mask)
			cc_buf_puts(b, "}");
		put_reg_list(b, "absent", l->absent);
		put_reg_list(b, "joined", l->joined);
		cc_buf_puts(b, "}");
	}
	cc_buf_puts(b, s->n ? "\n  ]\n}\n" : "]\n}\n");
	return 0;
}

const struct fmt fmt_native = {
	.name = "json",
	.description = "cpucompat native JSON (dump and profile)",
	.detect = native_detect,
	.read = native_read,
	.write = native_write,
};
