/*
 * Unit tests of the diff engine (diff.c): every compatibility rule on
 * synthetic sets, unnamed bits, host-dependent profile bits, changes of
 * stance between two profiles, waivers (by category, unused ones),
 * vendor mismatch, XSAVE component sizes, and — over every ordered pair of
 * the recorded CPUs in tests/data/cpus — that the "missing" findings are
 * exactly the flag positions set on the source and clear on the target,
 * computed independently from the raw registers.  Everything here judges
 * raw CPUID (the raw view, cc_diff's default with no options); the guest
 * view has its own tests in check_guest.c.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"
#include "diff.h"

static const struct cc_defs *defs;

/* A small Intel dump: max leaf 7, leaf 1 and 7 features as given. */
static struct cc_set *intel(const char *name, uint32_t ecx1, uint32_t ebx7,
			    uint32_t eax1)
{
	struct cc_set *s = cc_set_new(name, CC_KIND_DUMP);
	struct cc_err e;

	cct_put(s, 0, 0, 7, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(s, 1, 0, eax1, 0, ecx1, 0);
	cct_put(s, 7, 0, 0, ebx7, 0, 0);
	ck_assert_int_eq(cc_set_finish(s, &e), 0);
	return s;
}

static const struct cc_finding *find(const struct cc_report *r,
				     const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (r->findings[i].field &&
		    strcmp(r->findings[i].field->name, name) == 0)
			return &r->findings[i];
	return NULL;
}

/* The finding of NAME, failing the test when there is none. */
static const struct cc_finding *must(const struct cc_report *r,
				     const char *name)
{
	const struct cc_finding *f = find(r, name);

	if (f == NULL)
		ck_abort_msg("no finding for %s", name);
	return f;
}

START_TEST(test_identical)
{
	struct cc_set *a = intel("a", 0x00800001, 0x20, 0x50654);
	struct cc_report *r = cc_diff(a, a, defs, NULL);

	ck_assert_int_eq(r->verdict, CC_VERDICT_IDENTICAL);
	ck_assert_uint_eq(r->n, 0);
	cc_report_free(r);
	cc_set_free(a);
}
END_TEST

START_TEST(test_subset_missing_and_added)
{
	/* source has avx2 (7.0.EBX[5]) and popcnt; target lacks avx2 and
	 * adds bmi1 (7.0.EBX[3]) */
	struct cc_set *a = intel("a", 1u << 23, 1u << 5, 0x50654);
	struct cc_set *b = intel("b", 1u << 23, 1u << 3, 0x50654);
	struct cc_diff_opts o = {0};
	struct cc_report *r = cc_diff(a, b, defs, &o);
	const struct cc_finding *f = find(r, "avx2");

	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->change, CC_CHANGE_MISSING);
	ck_assert_int_eq(f->severity, CC_SEV_INCOMPATIBLE);
	ck_assert_uint_eq(f->src, 1);
	ck_assert_uint_eq(f->dst, 0);
	ck_assert_ptr_null(find(r, "bmi1")); /* extra on target: fine */
	ck_assert_uint_eq(r->count[CC_SEV_INCOMPATIBLE], 1);
	cc_report_free(r);
	/* the other way round, only bmi1 is missing */
	r = cc_diff(b, a, defs, &o);
	ck_assert_ptr_nonnull(find(r, "bmi1"));
	ck_assert_ptr_null(find(r, "avx2"));
	cc_report_free(r);
	/* diff lists both, as missing and added */
	o.symmetric = 1;
	r = cc_diff(a, b, defs, &o);
	ck_assert_int_eq(must(r, "avx2")->change, CC_CHANGE_MISSING);
	ck_assert_int_eq(must(r, "bmi1")->change, CC_CHANGE_ADDED);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_info_warning_does_not_block)
{
	/* only the stepping differs: a warning, compatible */
	struct cc_set *a = intel("a", 0, 0, 0x50654);
	struct cc_set *b = intel("b", 0, 0, 0x50657);
	struct cc_report *r = cc_diff(a, b, defs, NULL);
	const struct cc_finding *f = find(r, "stepping");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->severity, CC_SEV_WARNING);
	ck_assert_uint_eq(f->src, 4);
	ck_assert_uint_eq(f->dst, 7);
	ck_assert_int_eq(r->verdict, CC_VERDICT_COMPATIBLE);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_ge_max_leaf_and_past_max)
{
	/* target's max basic leaf is 1: leaf 7 does not exist there, so
	 * 7.0 features read as absent and the max leaf itself is lower */
	struct cc_set *a = intel("a", 0, 1u << 5, 0x50654);
	struct cc_set *b = cc_set_new("b", CC_KIND_DUMP);
	struct cc_report *r;
	struct cc_err e;

	cct_put(b, 0, 0, 1, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(b, 1, 0, 0x50654, 0, 0, 0);
	cct_put(b, 7, 0, 0, 1u << 5, 0, 0); /* the echo: dropped */
	ck_assert_int_eq(cc_set_finish(b, &e), 0);
	r = cc_diff(a, b, defs, NULL);
	ck_assert_ptr_nonnull(find(r, "avx2"));
	ck_assert_ptr_nonnull(find(r, "max_basic_leaf"));
	ck_assert_int_eq(must(r, "max_basic_leaf")->rule, CC_RULE_GE);
	cc_report_free(r);
	/* a higher max leaf on the target is fine */
	r = cc_diff(b, a, defs, NULL);
	ck_assert_ptr_null(find(r, "max_basic_leaf"));
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_vendor_mismatch)
{
	struct cc_set *a = intel("a", 0, 0, 0x50654);
	struct cc_set *b = cc_set_new("b", CC_KIND_DUMP);
	struct cc_report *r;
	struct cc_err e;

	cct_put(b, 0, 0, 7, CCT_AMD_B, CCT_AMD_C, CCT_AMD_D); /* AuthenticAMD */
	cct_put(b, 1, 0, 0x50654, 0, 0, 0);
	cct_put(b, 7, 0, 0, 0, 0, 0);
	ck_assert_int_eq(cc_set_finish(b, &e), 0);
	r = cc_diff(a, b, defs, NULL);
	ck_assert_int_eq(r->vendor_mismatch, 1);
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_unnamed_bit)
{
	/* 1.ECX[16] is reserved: no field names it, yet losing it blocks */
	struct cc_set *a = intel("a", 1u << 16, 0, 0x50654);
	struct cc_set *b = intel("b", 0, 0, 0x50654);
	struct cc_report *r = cc_diff(a, b, defs, NULL);

	ck_assert_uint_eq(r->n, 1);
	ck_assert_ptr_null(r->findings[0].field);
	ck_assert_uint_eq(r->findings[0].leaf, 1);
	ck_assert_uint_eq(r->findings[0].reg, CC_ECX);
	ck_assert_uint_eq(r->findings[0].lo, 16);
	ck_assert_int_eq(r->findings[0].change, CC_CHANGE_MISSING);
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_profile_host_dependent_and_waiver)
{
	/* a profile requiring avx2 and leaving the rest of 7.0.EBX to the
	 * host: a host with avx2 passes, one without fails by name, and the
	 * bits the profile leaves open are host-dependent, not findings */
	struct cc_set *p = cc_set_new("p", CC_KIND_PROFILE);
	struct cc_set *h = intel("h", 0, 1u << 3, 0x50654);
	struct cc_waiver w = {"avx2", "known gap", "--ignore"};
	struct cc_diff_opts o = {0};
	struct cc_report *r;
	struct cc_leaf *l;
	struct cc_err e;

	p->uncovered = CC_UNCOVERED_HOST;
	l = cct_put(p, 7, 0, 0, 1u << 5, 0, 0);
	l->known[CC_EBX] = 1u << 5;
	l->absent = (1u << CC_EAX) | (1u << CC_ECX) | (1u << CC_EDX);
	ck_assert_int_eq(cc_set_finish(p, &e), 0);
	r = cc_diff(p, h, defs, &o);
	ck_assert_ptr_nonnull(find(r, "avx2"));
	ck_assert_ptr_null(find(r, "bmi1"));
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	o.waivers = &w;
	o.nwaivers = 1;
	r = cc_diff(p, h, defs, &o);
	ck_assert_int_eq(must(r, "avx2")->waived, 1);
	ck_assert_str_eq(must(r, "avx2")->waiver, "known gap");
	ck_assert_int_eq(r->verdict, CC_VERDICT_COMPATIBLE);
	ck_assert_uint_eq(r->waived, 1);
	cc_report_free(r);
	/* host-dependent bits are counted when a field is partly open */
	o.nwaivers = 0;
	o.with_matches = 1;
	r = cc_diff(p, h, defs, &o);
	ck_assert_uint_gt(r->matched + r->host_dependent, 0);
	cc_report_free(r);
	cc_set_free(p);
	cc_set_free(h);
}
END_TEST

/* A profile fixing 7.0.EBX[5] (avx2) as KNOWN/VALUE says, the rest of
 * the register left to the host. */
static struct cc_set *avx2_profile(const char *name, uint32_t known,
				   uint32_t value)
{
	struct cc_set *p = cc_set_new(name, CC_KIND_PROFILE);
	struct cc_leaf *l;
	struct cc_err e;

	p->uncovered = CC_UNCOVERED_HOST;
	cct_put(p, 0, 0, 7, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	l = cct_put(p, 7, 0, 0, value & known, 0, 0);
	l->known[CC_EBX] = known;
	l->absent = (1u << CC_EAX) | (1u << CC_ECX) | (1u << CC_EDX);
	ck_assert_int_eq(cc_set_finish(p, &e), 0);
	return p;
}

/* Every change of stance of a flag between two profiles, both ways:
 * what each side does with avx2 (0 left to the host, 1 required, 2
 * absent), the finding's stances, its severity in a diff, its meaning. */
static const struct {
	int from, to;
	enum cc_stance sfrom, sto;
	enum cc_sev sev;
	const char *meaning;
} stances[] = {
	{0, 1, CC_STANCE_HOST, CC_STANCE_REQUIRED, CC_SEV_INCOMPATIBLE,
	 "now requires avx2: hosts without it can no longer run this profile"},
	{1, 0, CC_STANCE_REQUIRED, CC_STANCE_HOST, CC_SEV_INCOMPATIBLE,
	 "no longer requires avx2, left to the host now: guests may lose it"},
	{0, 2, CC_STANCE_HOST, CC_STANCE_ABSENT, CC_SEV_INCOMPATIBLE,
	 "now hides avx2: guests no longer see it, even on hosts that have "
	 "it"},
	{2, 0, CC_STANCE_ABSENT, CC_STANCE_HOST, CC_SEV_WARNING,
	 "avx2 is now left to the host: guests on hosts that have it gain "
	 "it"},
};

START_TEST(test_profile_stance)
{
	static const uint32_t known[] = {0, 1u << 5, 1u << 5};
	static const uint32_t value[] = {0, 1u << 5, 0};
	struct cc_set *a = avx2_profile("a", known[stances[_i].from],
					value[stances[_i].from]);
	struct cc_set *b =
		avx2_profile("b", known[stances[_i].to], value[stances[_i].to]);
	struct cc_diff_opts o = {0};
	const struct cc_finding *f;
	struct cc_report *r;
	char meaning[256];
	int symmetric;

	for (symmetric = 0; symmetric < 2; symmetric++) {
		o.symmetric = symmetric;
		r = cc_diff(a, b, defs, &o);
		f = must(r, "avx2");
		ck_assert_int_eq(f->change, CC_CHANGE_STANCE);
		ck_assert_int_eq(f->status, CC_STATUS_DIFFERENT);
		ck_assert_int_eq(cc_finding_stance(f, 0), stances[_i].sfrom);
		ck_assert_int_eq(cc_finding_stance(f, 1), stances[_i].sto);
		/* check only warns: a running guest loses nothing */
		ck_assert_int_eq(f->severity,
				 symmetric ? stances[_i].sev : CC_SEV_WARNING);
		cc_finding_meaning(r, f, "avx2", meaning, sizeof meaning);
		ck_assert_str_eq(meaning, stances[_i].meaning);
		ck_assert_int_ne(r->verdict, CC_VERDICT_IDENTICAL);
		/* diff fails on any of them, check on none */
		ck_assert_int_eq(cc_report_exit(r, 0), symmetric);
		cc_report_free(r);
	}
	/* the same profile twice is identical, and exits 0 */
	r = cc_diff(b, b, defs, &o);
	ck_assert_int_eq(r->verdict, CC_VERDICT_IDENTICAL);
	ck_assert_int_eq(cc_report_exit(r, 1), 0);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

/* Waivers by category are matched and counted; one that matched nothing
 * is unused, and fails only when strict. */
START_TEST(test_waiver_bookkeeping)
{
	struct cc_set *a = intel("a", 1u << 23, 1u << 5, 0x50654);
	struct cc_set *b = intel("b", 1u << 23, 0, 0x50654);
	struct cc_waiver w[] = {{"simd", "category", "w:1"},
				{"rdt", "stale", "w:2"}};
	struct cc_diff_opts o = {0};
	struct cc_report *r;

	o.symmetric = 1;
	o.waivers = w;
	o.nwaivers = 2;
	r = cc_diff(a, b, defs, &o);
	ck_assert_int_eq(must(r, "avx2")->waived, 1);
	ck_assert_str_eq(must(r, "avx2")->waiver, "category");
	ck_assert_uint_eq(r->waiver_hits[0], 1);
	ck_assert_uint_eq(r->waiver_hits[1], 0);
	ck_assert_uint_eq(r->unused_waivers, 1);
	ck_assert_uint_eq(r->failing, 0);
	ck_assert_int_eq(cc_report_exit(r, 0), 0);
	ck_assert_int_eq(cc_report_exit(r, 1), 1);
	cc_report_free(r);
	o.nwaivers = 0;
	r = cc_diff(a, b, defs, &o);
	ck_assert_uint_eq(r->failing, 1);
	ck_assert_int_eq(cc_report_exit(r, 0), 1);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

START_TEST(test_xsave_component_size)
{
	/* both enable AVX (component 2); the target's size differs */
	struct cc_set *a = cc_set_new("a", CC_KIND_DUMP);
	struct cc_set *b = cc_set_new("b", CC_KIND_DUMP);
	struct cc_report *r;
	struct cc_err e;
	size_t i;
	int seen = 0;

	cct_put(a, 0, 0, 0xd, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(b, 0, 0, 0xd, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(a, 0xd, 0, 0x7, 0x340, 0x340, 0);
	cct_put(b, 0xd, 0, 0x7, 0x340, 0x340, 0);
	cct_put(a, 0xd, 1, 0, 0, 0, 0);
	cct_put(b, 0xd, 1, 0, 0, 0, 0);
	cct_put(a, 0xd, 2, 0x100, 0x240, 0, 0);
	cct_put(b, 0xd, 2, 0x100, 0x280, 0, 0);
	cct_put(a, 0xd, 5, 0x40, 0x440, 0, 0); /* not enabled: never compared */
	ck_assert_int_eq(cc_set_finish(a, &e), 0);
	ck_assert_int_eq(cc_set_finish(b, &e), 0);
	r = cc_diff(a, b, defs, NULL);
	for (i = 0; i < r->n; i++) {
		const struct cc_finding *f = &r->findings[i];

		ck_assert_uint_ne(f->subleaf, 5);
		if (f->leaf == 0xd && f->subleaf == 2 && f->reg == CC_EBX) {
			ck_assert_int_eq(f->rule, CC_RULE_EQUAL);
			ck_assert_uint_eq(f->src, 0x240);
			ck_assert_uint_eq(f->dst, 0x280);
			seen = 1;
		}
	}
	ck_assert_int_eq(seen, 1);
	ck_assert_int_eq(r->verdict, CC_VERDICT_INCOMPATIBLE);
	cc_report_free(r);
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

/* --------------------------------------------- pairs of recorded CPUs */

static uint64_t xfeat(const struct cc_set *s)
{
	uint32_t k;

	return (uint64_t)cc_set_reg(s, 0xd, 0, CC_EAX, &k) |
	       (uint64_t)cc_set_reg(s, 0xd, 0, CC_EDX, &k) << 32 |
	       (uint64_t)cc_set_reg(s, 0xd, 1, CC_ECX, &k) |
	       (uint64_t)cc_set_reg(s, 0xd, 1, CC_EDX, &k) << 32;
}

/* Bits of (LEAF, SUB, REG) that are not single-bit subset flags for
 * VENDOR: multi-bit or non-subset fields. */
static uint32_t non_flag_bits(uint32_t leaf, uint32_t sub, int reg,
			      unsigned vendor)
{
	uint32_t m = 0;
	size_t i;

	for (i = 0; i < defs->n; i++) {
		const struct cc_field *f = &defs->fields[i];

		if (f->leaf != leaf || f->reg != reg ||
		    !cc_field_applies(f, sub, vendor))
			continue;
		if (f->lo != f->hi || f->rule != CC_RULE_SUBSET)
			m |= cc_field_mask(f);
	}
	return m;
}

START_TEST(test_cpus_missing_is_exact)
{
	struct cc_set **sets;
	size_t n = cct_load_cpus(&sets), i, j, k, pairs = 0, total = 0;

	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			const struct cc_set *a = sets[i], *b = sets[j];
			/* NULL options: the raw view */
			struct cc_report *r = cc_diff(a, b, defs, NULL);
			uint64_t both = xfeat(a) & xfeat(b);
			unsigned vendor = (unsigned)a->vendor;
			size_t expected = 0, got = 0;

			/* independent: every set-on-source, clear-on-target
			 * bit of a flag (or unnamed) position */
			for (k = 0; k < a->n; k++) {
				const struct cc_leaf *l = &a->leaves[k];
				int reg;

				if (l->leaf == 0xd && l->first >= 2 &&
				    (l->first > 63 || !(both >> l->first & 1)))
					continue;
				for (reg = 0; reg < 4; reg++) {
					const struct cc_leaf *t =
						cc_set_get(b, l->leaf,
							   l->first);
					uint32_t dv = t ? t->reg[reg] : 0;
					uint32_t miss = l->reg[reg] & ~dv &
							~non_flag_bits(l->leaf,
								       l->first,
								       reg,
								       vendor);
					int bit;

					for (bit = 0; bit < 32; bit++) {
						size_t x;
						int found = 0;

						if (!(miss >> bit & 1))
							continue;
						expected++;
						for (x = 0; x < r->n; x++) {
							const struct cc_finding *
								f = &r->findings
									     [x];

							if (f->leaf ==
								    l->leaf &&
							    f->subleaf ==
								    l->first &&
							    f->reg == reg &&
							    f->lo == bit &&
							    f->hi == bit &&
							    f->change ==
								    CC_CHANGE_MISSING)
								found = 1;
						}
						ck_assert_msg(
							found,
							"%s -> %s: %#x.%u.%s[%d] "
							"set on source, clear on "
							"target, not reported",
							a->name, b->name,
							l->leaf, l->first,
							cc_reg_name(
								(enum cc_reg)
									reg),
							bit);
					}
				}
			}
			for (k = 0; k < r->n; k++)
				if (r->findings[k].change ==
					    CC_CHANGE_MISSING &&
				    r->findings[k].lo == r->findings[k].hi &&
				    r->findings[k].rule == CC_RULE_SUBSET)
					got++;
			ck_assert_msg(got == expected,
				      "%s -> %s: %zu missing reported, %zu "
				      "expected",
				      a->name, b->name, got, expected);
			if (expected > 0)
				ck_assert_msg(r->verdict ==
						      CC_VERDICT_INCOMPATIBLE,
					      "%s -> %s: features missing but "
					      "verdict %s",
					      a->name, b->name,
					      cc_verdict_name(r->verdict));
			if (i == j)
				ck_assert_int_eq(r->verdict,
						 CC_VERDICT_IDENTICAL);
			if (a->vendor != b->vendor)
				ck_assert_int_eq(r->vendor_mismatch, 1);
			total += expected;
			pairs++;
			cc_report_free(r);
		}
	}
	ck_assert_uint_eq(pairs, n * n);
	/* 20186 over the 19 CPUs recorded today: not a vacuous loop */
	ck_assert_uint_gt(total, 15000);
	cct_free_sets(sets, n);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("diff");
	TCase *tc;

	defs = cc_defs_builtin();
	tc = tcase_create("rules");
	tcase_add_test(tc, test_identical);
	tcase_add_test(tc, test_subset_missing_and_added);
	tcase_add_test(tc, test_info_warning_does_not_block);
	tcase_add_test(tc, test_ge_max_leaf_and_past_max);
	tcase_add_test(tc, test_vendor_mismatch);
	tcase_add_test(tc, test_unnamed_bit);
	tcase_add_test(tc, test_profile_host_dependent_and_waiver);
	tcase_add_loop_test(tc, test_profile_stance, 0,
			    (int)(sizeof stances / sizeof stances[0]));
	tcase_add_test(tc, test_waiver_bookkeeping);
	tcase_add_test(tc, test_xsave_component_size);
	suite_add_tcase(s, tc);
	tc = tcase_create("cpus");
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_cpus_missing_is_exact);
	suite_add_tcase(s, tc);
	return cct_run(s);
}
