/*
 * Unit tests of profile.c: applying a profile under both uncovered rules,
 * generating one by policy (inherit, static, passthrough, uncovered bits,
 * brand string, subleaf tails), the self-check, the baseline's
 * intersection, minimum, maximum and conflicts with per-source costs, and
 * the matrix, whose every cell must agree with cc_diff (on hand-made sets
 * and on every pair of the recorded CPUs in tests/data/cpus).
 *
 * Most tests use a small field database of their own (written to a
 * temporary directory and loaded like --defs), so that they test the
 * mechanics rather than today's policies in defs/.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_buf.h"
#include "check_common.h"
#include "diff.h"
#include "fmt.h"
#include "matrix.h"
#include "profile.h"
#include "source.h"

#define FLD(leaf, reg, lo, hi, name, rule, policy, extra)                      \
	"{\"leaf\": \"" leaf "\", \"subleaf\": null, \"register\": \"" reg     \
	"\", \"bits\": [" #lo ", " #hi "], \"name\": \"" name                  \
	"\", \"description\": \"test field\", \"vendors\": [\"intel\", "       \
	"\"amd\"], \"category\": \"isa\", \"rule\": \"" rule                   \
	"\", \"policy\": \"" policy "\"" extra "}"
#define WHY ", \"reason\": \"test\""

static const char test_defs[] =
	"{\"title\": \"profile tests\", \"fields\": [\n"
	FLD("0x00000000", "eax", 0, 31, "max_basic", "ge", "inherit", "") ",\n"
	FLD("0x00000000", "ebx", 0, 31, "vid_b", "equal", "inherit", "") ",\n"
	FLD("0x00000000", "ecx", 0, 31, "vid_c", "equal", "inherit", "") ",\n"
	FLD("0x00000000", "edx", 0, 31, "vid_d", "equal", "inherit", "") ",\n"
	FLD("0x00000001", "eax", 0, 15, "sig", "info", "inherit",
	    ", \"severity\": \"warning\"") ",\n"
	FLD("0x00000001", "ecx", 0, 0, "fa", "subset", "inherit", "") ",\n"
	FLD("0x00000001", "ecx", 1, 1, "fb", "subset", "static:1", WHY) ",\n"
	FLD("0x00000001", "ecx", 2, 2, "fc", "subset", "passthrough", WHY) ",\n"
	FLD("0x00000001", "ecx", 3, 3, "fd", "subset", "static:0", WHY) ",\n"
	FLD("0x00000001", "edx", 0, 7, "cnt", "ge", "inherit", "") ",\n"
	FLD("0x00000001", "edx", 8, 15, "lim", "le", "inherit", "") ",\n"
	FLD("0x00000001", "edx", 16, 23, "geo", "equal", "inherit", "") ",\n"
	FLD("0x00000004", "eax", 0, 4, "ctype", "info", "passthrough", WHY)
	",\n"
	FLD("0x80000000", "eax", 0, 31, "max_ext", "ge", "inherit", "") ",\n"
	FLD("0x80000002", "eax", 0, 31, "brand0", "info", "inherit", "") ",\n"
	FLD("0x80000002", "ebx", 0, 31, "brand1", "info", "inherit", "") ",\n"
	FLD("0x80000002", "ecx", 0, 31, "brand2", "info", "inherit", "") ",\n"
	FLD("0x80000002", "edx", 0, 31, "brand3", "info", "inherit", "") "\n"
	"]}\n";

static struct cc_defs *tdefs;
static char tdir[256];

static void setup_defs(void)
{
	char path[300];
	FILE *f;
	const char *paths[1];
	struct cc_err e;
	const char *tmp = getenv("TMPDIR");

	snprintf(tdir, sizeof tdir, "%s/check_profile.XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(tdir));
	snprintf(path, sizeof path, "%s/test.json", tdir);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(test_defs, f);
	fclose(f);
	paths[0] = path;
	tdefs = cc_defs_load_files(paths, 1, &e);
	if (tdefs == NULL)
		ck_abort_msg("test defs: %s", e.msg);
	unlink(path);
	rmdir(tdir);
}

static void teardown_defs(void)
{
	cc_defs_free(tdefs);
	tdefs = NULL;
}

/*
 * An Intel dump: leaf 1 signature SIG, flags ECX, counters EDX; leaf 2
 * (no field), leaf 4 with NCACHE subleaves, the extended range up to the
 * brand string.
 */
static struct cc_set *dump(const char *name, uint32_t sig, uint32_t ecx,
			   uint32_t edx, int ncache)
{
	struct cc_set *s = cc_set_new(name, CC_KIND_DUMP);
	int i;

	cct_put(s, 0, 0, 4, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(s, 1, 0, sig, 0x00100800, ecx, edx);
	cct_put(s, 2, 0, 0x00feff01, 0, 0, 0);
	for (i = 0; i < ncache; i++)
		cct_put(s, 4, (uint32_t)i, 0x121 + (uint32_t)i, 0x3f, 0x3f, 0);
	cct_put(s, 0x80000000u, 0, 0x80000004u, 0, 0, 0);
	cct_put(s, 0x80000002u, 0, 0x65746e49, 0x6e49206c, 0, 0);
	cct_put(s, 0x80000003u, 0, 0, 0, 0, 0);
	cct_put(s, 0x80000004u, 0, 0, 0, 0, 0);
	cct_finish(s);
	return s;
}

static uint32_t reg(const struct cc_set *s, uint32_t leaf, uint32_t sub,
		    enum cc_reg r, uint32_t *known)
{
	uint32_t k;

	return cc_set_reg(s, leaf, sub, r, known ? known : &k);
}

/* ------------------------------------------------------------- generate */

START_TEST(test_generate_policies)
{
	struct cc_set *src = dump("src.json", 0x0654, 0x0f, 0x00070305, 2);
	struct cc_profile_opts o = {"Test CPU", "2026-01-01T00:00:00Z", "t"};
	struct cc_err e;
	struct cc_set *p = cc_profile_generate(src, tdefs, &o, &e);
	const struct cc_leaf *l;
	uint32_t k, v;
	char brand[64];

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(p->kind, CC_KIND_PROFILE);
	ck_assert_int_eq(p->uncovered, CC_UNCOVERED_ZERO);
	ck_assert_str_eq(p->name, "Test CPU");
	ck_assert_int_eq(p->vendor, CC_VENDOR_INTEL);
	/* leaf 1 ECX: fa inherited (1), fb static 1, fc passthrough,
	 * fd static 0 although the source has it, bits 4..31 no field: 0 */
	v = reg(p, 1, 0, CC_ECX, &k);
	ck_assert_uint_eq(k, ~0x4u);
	ck_assert_uint_eq(v, 0x3);
	/* EAX: sig inherited, upper bits zero; EBX: no field at all */
	v = reg(p, 1, 0, CC_EAX, &k);
	ck_assert_uint_eq(k, UINT32_MAX);
	ck_assert_uint_eq(v, 0x0654);
	l = cc_set_get(p, 1, 0);
	ck_assert_uint_eq(l->absent, 1u << CC_EBX);
	ck_assert_uint_eq(reg(p, 1, 0, CC_EDX, NULL), 0x00070305);
	/* leaf 2 has no field: all registers absent, i.e. zero */
	l = cc_set_get(p, 2, 0);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->absent, 0xf);
	/* leaf 4: the source's subleaves, then the host's beyond them */
	ck_assert_uint_eq(reg(p, 4, 1, CC_EAX, &k), 0);
	ck_assert_uint_eq(k, ~0x1fu);
	l = cc_set_get(p, 4, 1000);
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->first, 2);
	ck_assert_uint_eq(l->last, UINT32_MAX);
	ck_assert_uint_eq(l->known[CC_EAX], ~0x1fu);
	ck_assert(l->joined & (1u << CC_EAX)); /* same as subleaf 1 */
	ck_assert_uint_eq(cc_set_get(p, 4, 1)->joined & (1u << CC_EAX),
			  1u << CC_EAX);
	/* the brand string is the profile's name */
	cc_set_brand(p, brand);
	ck_assert_str_eq(brand, "Test CPU");
	/* provenance */
	ck_assert_str_eq(cc_set_meta(p, "source"), "dump");
	ck_assert_str_eq(cc_set_meta(p, "source_file"), "src.json");
	ck_assert_str_eq(cc_set_meta(p, "source_view"), "raw");
	ck_assert_str_eq(cc_set_meta(p, "generated"), "2026-01-01T00:00:00Z");
	ck_assert_str_eq(cc_set_meta(p, "tool"), "t");
	cc_set_free(p);
	cc_set_free(src);
}
END_TEST

START_TEST(test_generate_live_meta_and_errors)
{
	struct cc_set *src = dump("kvm", 0x0654, 0x0f, 0, 1);
	struct cc_profile_opts o = {"x", NULL, NULL};
	struct cc_err e;
	struct cc_set *p;

	cc_set_meta_set(src, "source", "kvm", 0);
	cc_set_meta_set(src, "microcode", "0x2b000603", 0);
	cc_set_meta_set(src, "family", "6", 1);
	p = cc_profile_generate(src, tdefs, &o, &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(cc_set_meta(p, "source"), "kvm");
	ck_assert_ptr_null(cc_set_meta(p, "source_file"));
	ck_assert_str_eq(cc_set_meta(p, "source_view"), "kvm");
	ck_assert_str_eq(cc_set_meta(p, "source_microcode"), "0x2b000603");
	ck_assert_str_eq(cc_set_meta(p, "source_family"), "6");
	/* a profile is not a source */
	ck_assert_ptr_null(cc_profile_generate(p, tdefs, &o, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "is a profile"));
	cc_set_free(p);
	/* the name must fit the brand string */
	o.name = "a name that is far too long for the 48-byte brand string";
	ck_assert_ptr_null(cc_profile_generate(src, tdefs, &o, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "brand string"));
	o.name = "";
	ck_assert_ptr_null(cc_profile_generate(src, tdefs, &o, &e));
	cc_set_free(src);
}
END_TEST

/* ---------------------------------------------------------------- apply */

START_TEST(test_apply_uncovered_zero)
{
	struct cc_set *a = dump("a", 0x0654, 0x0b, 0x00070305, 2);
	struct cc_set *h = cc_set_new("h", CC_KIND_DUMP);
	struct cc_profile_opts o = {"P", NULL, NULL};
	struct cc_err e;
	struct cc_set *p = cc_profile_generate(a, tdefs, &o, &e), *g;
	char brand[64];

	ck_assert_ptr_nonnull(p);
	/* a host with more leaves, other flags, one cache level */
	cct_put(h, 0, 0, 7, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(h, 1, 0, 0x0657, 0xdeadbeef, 0xfffffff4, 0x00090909);
	cct_put(h, 3, 0, 1, 2, 3, 4);
	cct_put(h, 4, 0, 0x1fe3, 0x3f, 0x3f, 0);
	cct_put(h, 7, 0, 0, 0xffffffff, 0, 0);
	cct_put(h, 0x80000000u, 0, 0x80000004u, 0, 0, 0);
	cct_finish(h);
	g = cc_profile_apply(p, h, &e);
	ck_assert_ptr_nonnull(g);
	ck_assert_int_eq(g->kind, CC_KIND_DUMP);
	/* fixed bits from the profile, passthrough bit fc from the host,
	 * everything else zero */
	ck_assert_uint_eq(reg(g, 1, 0, CC_ECX, NULL), 0x3 | 0x4);
	ck_assert_uint_eq(reg(g, 1, 0, CC_EAX, NULL), 0x0654);
	ck_assert_uint_eq(reg(g, 1, 0, CC_EBX, NULL), 0); /* absent */
	ck_assert_uint_eq(reg(g, 1, 0, CC_EDX, NULL), 0x00070305);
	/* leaf 3: the profile does not name it: zero */
	ck_assert_ptr_nonnull(cc_set_get(g, 3, 0));
	ck_assert_uint_eq(reg(g, 3, 0, CC_EDX, NULL), 0);
	/* leaf 4.0: ctype from the host, the rest of EAX fixed (0) */
	ck_assert_uint_eq(reg(g, 4, 0, CC_EAX, NULL), 0x3);
	/* leaf 4.1: the profile's subleaf the host lacks */
	ck_assert_ptr_nonnull(cc_set_get(g, 4, 1));
	/* the profile's max basic leaf (4) drops the host's leaf 7 */
	ck_assert_uint_eq(reg(g, 0, 0, CC_EAX, NULL), 4);
	ck_assert_ptr_null(cc_set_get(g, 7, 0));
	/* brand leaves the host lacks come from the profile */
	cc_set_brand(g, brand);
	ck_assert_str_eq(brand, "P");
	ck_assert_str_eq(cc_set_meta(g, "profile"), "P");
	/* a dump applied as a profile is itself */
	cc_set_free(g);
	g = cc_profile_apply(a, h, &e);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(reg(g, 1, 0, CC_ECX, NULL), 0x0b);
	ck_assert_uint_eq(reg(g, 3, 0, CC_EAX, NULL), 0);
	cc_set_free(g);
	/* a profile is not a host */
	ck_assert_ptr_null(cc_profile_apply(p, p, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "P: is a profile"));
	cc_set_free(p);
	cc_set_free(h);
	cc_set_free(a);
}
END_TEST

START_TEST(test_apply_uncovered_host)
{
	/* a minimum profile: requires fa (1.ECX[0]), names nothing else */
	struct cc_set *p = cc_set_new("min", CC_KIND_PROFILE);
	struct cc_set *h = dump("h", 0x0654, 0xf0, 0x00070305, 1), *g;
	struct cc_leaf *l;
	struct cc_err e;
	struct cc_report *r;

	p->uncovered = CC_UNCOVERED_HOST;
	l = cc_set_put(p, 1, 0, 0);
	l->reg[CC_ECX] = 1;
	l->known[CC_ECX] = 1;
	l->known[CC_EDX] = 0;
	l->absent = (1u << CC_EAX) | (1u << CC_EBX);
	l->known[CC_EAX] = l->known[CC_EBX] = 0;
	cct_finish(p);
	g = cc_profile_apply(p, h, &e);
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(reg(g, 1, 0, CC_ECX, NULL), 0xf1);
	ck_assert_uint_eq(reg(g, 1, 0, CC_EAX, NULL), 0x0654); /* absent */
	ck_assert_uint_eq(reg(g, 1, 0, CC_EDX, NULL), 0x00070305);
	ck_assert_uint_eq(reg(g, 2, 0, CC_EAX, NULL), 0x00feff01); /* host's */
	ck_assert_uint_eq(reg(g, 0, 0, CC_EAX, NULL), 4);
	cc_set_free(g);
	/* the gate: the host lacks fa */
	r = cc_diff(p, h, tdefs, NULL);
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_uint_eq(r->count[CC_SEV_INCOMPATIBLE], 1);
	ck_assert_str_eq(r->findings[0].field->name, "fa");
	cc_report_free(r);
	cc_set_free(h);
	h = dump("h2", 0x0654, 0xf1, 0, 1);
	r = cc_diff(p, h, tdefs, NULL);
	ck_assert_int_ne(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	cc_set_free(h);
	cc_set_free(p);
}
END_TEST

/* ------------------------------------------------------------ selfcheck */

START_TEST(test_selfcheck)
{
	/* fb is static:1; a source without fb cannot run its own profile */
	struct cc_set *bad = dump("bad", 0x0654, 0x1, 0, 1);
	struct cc_set *good = dump("good", 0x0654, 0x3, 0, 1), *g = NULL;
	struct cc_profile_opts o = {"S", NULL, NULL};
	struct cc_err e;
	struct cc_set *p = cc_profile_generate(bad, tdefs, &o, &e);
	struct cc_report *r = cc_profile_selfcheck(p, bad, tdefs, &g, &e);
	size_t i, named = 0;

	ck_assert_ptr_nonnull(r);
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	for (i = 0; i < r->n; i++)
		if (r->findings[i].status == CC_STATUS_DIFFERENT &&
		    r->findings[i].severity == CC_SEV_INCOMPATIBLE) {
			ck_assert_ptr_nonnull(r->findings[i].field);
			ck_assert_str_eq(r->findings[i].field->name, "fb");
			named++;
		}
	ck_assert_uint_eq(named, 1);
	cc_report_free(r);
	cc_set_free(g);
	cc_set_free(p);
	p = cc_profile_generate(good, tdefs, &o, &e);
	r = cc_profile_selfcheck(p, good, tdefs, &g, &e);
	ck_assert_int_ne(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	cc_set_free(g);
	/* and the profile itself passes check against its source */
	r = cc_diff(p, good, tdefs, NULL);
	ck_assert_int_ne(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	cc_set_free(p);
	cc_set_free(good);
	cc_set_free(bad);
}
END_TEST

/* ------------------------------------------------------------- baseline */

static const struct cc_baseline_cost *cost(const struct cc_baseline *b,
					   size_t source, const char *name)
{
	size_t i;

	for (i = 0; i < b->ncosts; i++)
		if (b->costs[i].source == source &&
		    strcmp(b->costs[i].field->name, name) == 0)
			return &b->costs[i];
	return NULL;
}

START_TEST(test_baseline_intersection_and_minimum)
{
	/* fa: 1 1 0 (fb, static 1, everywhere); cnt (ge): 5 3 7;
	 * lim (le): 2 9 4; geo (equal): the same */
	struct cc_set *src[3];
	struct cc_profile_opts o = {"fleet", NULL, NULL};
	struct cc_err e;
	struct cc_baseline *b;
	const struct cc_baseline_cost *c;
	size_t i;

	src[0] = dump("a", 0x0655, 0x3, 0x00010205, 3);
	src[1] = dump("b", 0x0654, 0x3, 0x00010903, 2);
	src[2] = dump("c", 0x0657, 0x2, 0x00010407, 1);
	b = cc_profile_baseline((const struct cc_set *const *)src, 3, tdefs, &o,
				&e);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->nconflicts, 0);
	ck_assert_uint_eq(b->reference, 1); /* stepping 4 is the oldest */
	ck_assert_uint_eq(reg(b->profile, 1, 0, CC_ECX, NULL), 0x2);
	ck_assert_uint_eq(reg(b->profile, 1, 0, CC_EDX, NULL), 0x00010903);
	ck_assert_uint_eq(reg(b->profile, 1, 0, CC_EAX, NULL), 0x0654);
	ck_assert_str_eq(cc_set_meta(b->profile, "sources"), "3");
	/* what each gives up */
	c = cost(b, 0, "fa");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->own, 1);
	ck_assert_uint_eq(c->base, 0);
	ck_assert_ptr_nonnull(cost(b, 1, "fa"));
	ck_assert_ptr_null(cost(b, 2, "fa"));
	c = cost(b, 0, "cnt");
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(c->own, 5);
	ck_assert_uint_eq(c->base, 3);
	ck_assert_ptr_null(cost(b, 1, "cnt"));
	ck_assert_ptr_nonnull(cost(b, 2, "cnt"));
	ck_assert_ptr_nonnull(cost(b, 0, "lim"));
	ck_assert_ptr_null(cost(b, 1, "lim"));
	ck_assert_ptr_null(cost(b, 0, "sig")); /* info costs nothing */
	for (i = 1; i < b->ncosts; i++)
		ck_assert_uint_le(b->costs[i - 1].source, b->costs[i].source);
	/* every source can run it */
	for (i = 0; i < 3; i++) {
		struct cc_report *r = cc_diff(b->profile, src[i], tdefs, NULL);

		ck_assert_msg(r->verdict != CC_VERDICT_INCOMPATIBLE,
			      "%s cannot run the baseline", src[i]->name);
		cc_report_free(r);
	}
	cc_baseline_free(b);
	for (i = 0; i < 3; i++)
		cc_set_free(src[i]);
}
END_TEST

START_TEST(test_baseline_conflicts_and_errors)
{
	struct cc_set *src[3];
	struct cc_profile_opts o = {"fleet", NULL, NULL};
	struct cc_err e;
	struct cc_baseline *b;
	uint32_t k;

	src[0] = dump("a", 0x0654, 0x3, 0x00010000, 1);
	src[1] = dump("b", 0x0654, 0x3, 0x00020000, 1);
	b = cc_profile_baseline((const struct cc_set *const *)src, 2, tdefs, &o,
				&e);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(b->nconflicts, 1);
	ck_assert_str_eq(b->conflicts[0].field->name, "geo");
	ck_assert_uint_eq(b->conflicts[0].va, 1);
	ck_assert_uint_eq(b->conflicts[0].vb, 2);
	ck_assert_uint_eq(b->conflicts[0].b, 1);
	reg(b->profile, 1, 0, CC_EDX, &k);
	ck_assert_uint_eq(k & 0x00ff0000u, 0); /* left to the host */
	cc_baseline_free(b);
	/* vendor mix */
	src[2] = cc_set_new("amd", CC_KIND_DUMP);
	cct_put(src[2], 0, 0, 1, CCT_AMD_B, CCT_AMD_C, CCT_AMD_D);
	cct_finish(src[2]);
	ck_assert_ptr_null(
		cc_profile_baseline((const struct cc_set *const *)src, 3, tdefs,
				    &o, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "amd: vendor AuthenticAMD"));
	cc_set_free(src[2]);
	/* a profile among the sources */
	src[2] = cc_set_new("prof", CC_KIND_PROFILE);
	cct_put(src[2], 0, 0, 1, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_finish(src[2]);
	ck_assert_ptr_null(
		cc_profile_baseline((const struct cc_set *const *)src, 3, tdefs,
				    &o, &e));
	ck_assert_ptr_nonnull(strstr(e.msg, "prof: is a profile"));
	ck_assert_ptr_null(
		cc_profile_baseline((const struct cc_set *const *)src, 0, tdefs,
				    &o, &e));
	cc_set_free(src[2]);
	cc_set_free(src[1]);
	cc_set_free(src[0]);
}
END_TEST

/* --------------------------------------------------------------- matrix */

START_TEST(test_matrix_cells)
{
	struct cc_set *s[5];
	struct cc_matrix *m;
	struct cc_blocker bl[8];
	size_t i, j, n;

	s[0] = dump("a", 0x0654, 0x1, 0x00010205, 1);  /* fa, cnt 5 */
	s[1] = dump("b", 0x0654, 0x0, 0x00010205, 1);  /* no fa */
	s[2] = dump("a2", 0x0654, 0x1, 0x00010205, 1); /* same as a */
	s[3] = dump("c", 0x0654, 0x1, 0x00010203, 1);  /* cnt 3 */
	s[4] = cc_set_new("amd", CC_KIND_DUMP);
	cct_put(s[4], 0, 0, 1, CCT_AMD_B, CCT_AMD_C, CCT_AMD_D);
	cct_finish(s[4]);
	m = cc_matrix_new((const struct cc_set *const *)s, 5, tdefs);
	ck_assert_uint_eq(cc_matrix_nclasses(m), 4);
	ck_assert_uint_eq(cc_matrix_class(m, 0), cc_matrix_class(m, 2));
	ck_assert_int_eq(cc_matrix_cell(m, 0, 1), CC_CELL_BLOCKED);
	ck_assert_int_eq(cc_matrix_cell(m, 1, 0), CC_CELL_OK);
	ck_assert_int_eq(cc_matrix_cell(m, 0, 2), CC_CELL_OK);
	ck_assert_int_eq(cc_matrix_cell(m, 0, 3), CC_CELL_BLOCKED);
	ck_assert_int_eq(cc_matrix_cell(m, 3, 0), CC_CELL_OK);
	ck_assert_int_eq(cc_matrix_cell(m, 0, 4), CC_CELL_VENDOR);
	n = cc_matrix_blockers(m, 0, 1, bl, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(bl[0].field->name, "fa");
	n = cc_matrix_blockers(m, 0, 3, bl, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(bl[0].field->name, "cnt");
	ck_assert_uint_eq(cc_matrix_blockers(m, 1, 0, bl, 8), 0);
	ck_assert_uint_eq(cc_matrix_blockers(m, 0, 4, bl, 8), 0);
	/* every cell agrees with cc_diff */
	for (i = 0; i < 5; i++)
		for (j = 0; j < 5; j++) {
			struct cc_report *r = cc_diff(s[i], s[j], tdefs, NULL);

			ck_assert_int_eq(cc_matrix_cell(m, i, j) != CC_CELL_OK,
					 r->verdict == CC_VERDICT_INCOMPATIBLE);
			cc_report_free(r);
		}
	cc_matrix_free(m);
	for (i = 0; i < 5; i++)
		cc_set_free(s[i]);
}
END_TEST

START_TEST(test_matrix_unnamed_bits_and_profiles)
{
	/* leaf 2 has no field: its bits still block, one position each;
	 * a HOST profile leaves what it does not name to the host */
	struct cc_set *s[3];
	struct cc_matrix *m;
	struct cc_blocker bl[8];
	struct cc_leaf *l;
	size_t n;

	s[0] = dump("a", 0x0654, 0x1, 0, 1);
	s[1] = dump("b", 0x0654, 0x1, 0, 1);
	for (n = 0; n < s[1]->n; n++)
		if (s[1]->leaves[n].leaf == 2)
			s[1]->leaves[n].reg[CC_EAX] = 0x00fefe01;
	s[2] = cc_set_new("min", CC_KIND_PROFILE);
	s[2]->uncovered = CC_UNCOVERED_HOST;
	l = cc_set_put(s[2], 1, 0, 0);
	l->reg[CC_ECX] = 1;
	l->known[CC_ECX] = 1;
	l->known[CC_EAX] = l->known[CC_EBX] = l->known[CC_EDX] = 0;
	l->absent = 0xb;
	cct_finish(s[2]);
	m = cc_matrix_new((const struct cc_set *const *)s, 3, tdefs);
	ck_assert_int_eq(cc_matrix_cell(m, 0, 1), CC_CELL_BLOCKED);
	n = cc_matrix_blockers(m, 0, 1, bl, 8);
	ck_assert_uint_eq(n, 1);
	ck_assert_ptr_null(bl[0].field);
	ck_assert_uint_eq(bl[0].leaf, 2);
	ck_assert_uint_eq(bl[0].lo, 8);
	ck_assert_int_eq(cc_matrix_cell(m, 2, 0), CC_CELL_OK);
	ck_assert_int_eq(cc_matrix_cell(m, 2, 1), CC_CELL_OK);
	cc_matrix_free(m);
	cc_set_free(s[0]);
	cc_set_free(s[1]);
	cc_set_free(s[2]);
}
END_TEST

/* --------------------------------------------------------- recorded CPUs */

/* Does cell (I, J) name exactly the incompatible findings of R? */
static void same_names(const struct cc_matrix *m, size_t i, size_t j,
		       const struct cc_report *r)
{
	struct cc_blocker bl[512];
	size_t n = cc_matrix_blockers(m, i, j, bl, 512), x, y, want = 0;

	ck_assert_uint_le(n, 512);
	if (r->vendor_mismatch)
		return;
	for (x = 0; x < r->n; x++) {
		const struct cc_finding *f = &r->findings[x];

		if (f->status != CC_STATUS_DIFFERENT ||
		    f->severity != CC_SEV_INCOMPATIBLE || f->waived)
			continue;
		want++;
		for (y = 0; y < n; y++)
			if (bl[y].field == f->field && bl[y].leaf == f->leaf &&
			    bl[y].subleaf == f->subleaf &&
			    bl[y].reg == f->reg && bl[y].lo == f->lo)
				break;
		ck_assert_msg(y < n, "%s -> %s: %s at 0x%x.%u missing",
			      r->source.name, r->target.name,
			      f->field ? f->field->name : "(unnamed)", f->leaf,
			      f->subleaf);
	}
	ck_assert_uint_eq(n, want);
}

START_TEST(test_cpus_matrix_matches_check)
{
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_set **s;
	size_t n = cct_load_cpus(&s), i, j, base = n;
	struct cc_profile_opts o = {"gen", NULL, NULL};
	struct cc_matrix *m;
	struct cc_err e;

	/* profiles too: a bundled minimum profile and a generated one */
	s = cc_xrealloc(s, (n + 2) * sizeof *s);
	{
		size_t k;

		for (k = 0; cc_builtin_profiles[k].name; k++)
			if (strcmp(cc_builtin_profiles[k].name, "x86-64-v3") ==
			    0)
				break;
		ck_assert_ptr_nonnull(cc_builtin_profiles[k].name);
		s[n++] = fmt_load_buffer(cc_builtin_profiles[k].text,
					 cc_builtin_profiles[k].len, "v3", NULL,
					 NULL, &e);
		ck_assert_ptr_nonnull(s[n - 1]);
	}
	s[n] = cc_profile_generate(s[0], d, &o, &e);
	ck_assert_ptr_nonnull(s[n]);
	n++;
	m = cc_matrix_new((const struct cc_set *const *)s, n, d);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			struct cc_report *r = cc_diff(s[i], s[j], d, NULL);
			enum cc_cell c = cc_matrix_cell(m, i, j);

			ck_assert_msg((c != CC_CELL_OK) ==
					      (r->verdict ==
					       CC_VERDICT_INCOMPATIBLE),
				      "%s -> %s: matrix %d, check %s",
				      s[i]->name, s[j]->name, (int)c,
				      cc_verdict_name(r->verdict));
			ck_assert_int_eq(c == CC_CELL_VENDOR,
					 r->vendor_mismatch);
			same_names(m, i, j, r);
			cc_report_free(r);
		}
	}
	cc_matrix_free(m);
	ck_assert_uint_gt(base, 5);
	cct_free_sets(s, n);
}
END_TEST

START_TEST(test_cpus_baseline_runs_everywhere)
{
	/* Skylake-SP, Cascade Lake, Cooper Lake, Broadwell, Ice Lake-SP */
	static const char *const six[] = {
		"xeon-gold-6130", "xeon-gold-6148",  "xeon-platinum-8268",
		"cooperlake",     "xeon-e5-2650-v4", "ice-lake-server",
	};
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_set **all, *src[6];
	size_t n = cct_load_cpus(&all), i, k;
	struct cc_profile_opts o = {"six", NULL, NULL};
	struct cc_baseline *b;
	struct cc_err e;

	for (k = 0; k < 6; k++)
		src[k] = cct_cpu(six[k]);
	b = cc_profile_baseline((const struct cc_set *const *)src, 6, d, &o,
				&e);
	ck_assert_ptr_nonnull(b);
	for (k = 0; k < 6; k++) {
		struct cc_report *r = cc_diff(b->profile, src[k], d, NULL);
		struct cc_set *g = NULL;

		ck_assert_msg(r->verdict != CC_VERDICT_INCOMPATIBLE,
			      "%s cannot run the baseline", src[k]->name);
		cc_report_free(r);
		/* and the guest it gives runs there too */
		r = cc_profile_selfcheck(b->profile, src[k], d, &g, &e);
		ck_assert_int_ne(r->verdict, CC_VERDICT_INCOMPATIBLE);
		cc_report_free(r);
		cc_set_free(g);
	}
	/* the Broadwell (4) loses nothing; Ice Lake (5) loses AVX-512 */
	for (i = 0; i < b->ncosts; i++)
		ck_assert_msg(b->costs[i].source != 4, "%s gives up %s",
			      src[4]->name, b->costs[i].field->name);
	ck_assert_ptr_nonnull(cost(b, 5, "avx512f"));
	ck_assert_uint_eq(b->reference, 4); /* the oldest: family/model */
	cc_baseline_free(b);
	for (k = 0; k < 6; k++)
		cc_set_free(src[k]);
	/* every recorded CPU passes its own generated profile's self-check */
	for (i = 0; i < n; i++) {
		struct cc_set *p = cc_profile_generate(all[i], d, &o, &e), *g;
		struct cc_report *r;

		ck_assert_ptr_nonnull(p);
		r = cc_profile_selfcheck(p, all[i], d, &g, &e);
		ck_assert_msg(r->verdict != CC_VERDICT_INCOMPATIBLE,
			      "%s fails its own profile", all[i]->name);
		cc_report_free(r);
		cc_set_free(g);
		cc_set_free(p);
	}
	cct_free_sets(all, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("profile");
	TCase *tc;

	tc = tcase_create("generate");
	tcase_add_checked_fixture(tc, setup_defs, teardown_defs);
	tcase_add_test(tc, test_generate_policies);
	tcase_add_test(tc, test_generate_live_meta_and_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("apply");
	tcase_add_checked_fixture(tc, setup_defs, teardown_defs);
	tcase_add_test(tc, test_apply_uncovered_zero);
	tcase_add_test(tc, test_apply_uncovered_host);
	suite_add_tcase(s, tc);
	tc = tcase_create("selfcheck");
	tcase_add_checked_fixture(tc, setup_defs, teardown_defs);
	tcase_add_test(tc, test_selfcheck);
	suite_add_tcase(s, tc);
	tc = tcase_create("baseline");
	tcase_add_checked_fixture(tc, setup_defs, teardown_defs);
	tcase_add_test(tc, test_baseline_intersection_and_minimum);
	tcase_add_test(tc, test_baseline_conflicts_and_errors);
	suite_add_tcase(s, tc);
	tc = tcase_create("matrix");
	tcase_add_checked_fixture(tc, setup_defs, teardown_defs);
	tcase_add_test(tc, test_matrix_cells);
	tcase_add_test(tc, test_matrix_unnamed_bits_and_profiles);
	suite_add_tcase(s, tc);
	tc = tcase_create("cpus");
	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, test_cpus_matrix_matches_check);
	tcase_add_test(tc, test_cpus_baseline_runs_everywhere);
	suite_add_tcase(s, tc);
	return cct_run(s);
}
