/*
 * Unit tests of the CPUID set model (cpuid_set.c): ordered inserts,
 * duplicate and overlap rejection, range lookups, range maxima and the
 * dropping of Intel's echo past them, vendor and brand derivation, and the
 * known-mask rules for profiles.
 */
#include "config.h"

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"
#include "cpuid_set.h"

/* Leaf 0 of a GenuineIntel CPU with max basic leaf MAX. */
static void intel0(struct cc_set *s, uint32_t max)
{
	cct_put(s, 0, 0, max, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
}

START_TEST(test_insert_out_of_order_and_lookup)
{
	struct cc_set *s = cc_set_new("t", CC_KIND_DUMP);
	static const uint32_t order[][2] = {{7, 1},          {0, 0}, {4, 2},
					    {4, 0},          {7, 0}, {4, 1},
					    {0x80000000u, 0}};
	size_t i;

	for (i = 0; i < sizeof order / sizeof order[0]; i++)
		cct_put(s, order[i][0], order[i][1], (uint32_t)i, 0, 0, 0);
	ck_assert_uint_eq(s->n, 7);
	for (i = 1; i < s->n; i++)
		ck_assert(s->leaves[i - 1].leaf < s->leaves[i].leaf ||
			  (s->leaves[i - 1].leaf == s->leaves[i].leaf &&
			   s->leaves[i - 1].first < s->leaves[i].first));
	ck_assert_uint_eq(cc_set_get(s, 4, 1)->reg[CC_EAX], 5);
	ck_assert_uint_eq(cc_set_get(s, 7, 1)->reg[CC_EAX], 0);
	ck_assert_ptr_null(cc_set_get(s, 4, 3));
	ck_assert_ptr_null(cc_set_get(s, 5, 0));
	ck_assert_uint_eq(cc_set_first(s, 4)->first, 0);
	cc_set_free(s);
}
END_TEST

START_TEST(test_duplicates_and_overlaps_rejected)
{
	struct cc_set *s = cc_set_new("t", CC_KIND_PROFILE);

	ck_assert_ptr_nonnull(cc_set_put(s, 4, 5, 10));
	ck_assert_ptr_null(cc_set_put(s, 4, 5, 5));
	ck_assert_ptr_null(cc_set_put(s, 4, 10, 12));
	ck_assert_ptr_null(cc_set_put(s, 4, 0, 5));
	ck_assert_ptr_null(cc_set_put(s, 4, 3, 2)); /* inverted range */
	ck_assert_ptr_nonnull(cc_set_put(s, 4, 0, 4));
	ck_assert_ptr_nonnull(cc_set_put(s, 4, 11, UINT32_MAX));
	ck_assert_uint_eq(cc_set_get(s, 4, 7)->first, 5);
	ck_assert_uint_eq(cc_set_get(s, 4, 4000000000u)->first, 11);
	ck_assert_uint_eq(cc_set_get(s, 4, UINT32_MAX)->first, 11);
	cc_set_free(s);
}
END_TEST

START_TEST(test_echo_past_range_max_dropped)
{
	struct cc_set *s = cc_set_new("t", CC_KIND_DUMP);
	struct cc_err e;

	intel0(s, 0x16);
	cct_put(s, 0x16, 0, 1, 2, 3, 0);
	cct_put(s, 0x17, 0, 1, 2, 3, 0); /* Intel echoes 0x16 here */
	cct_put(s, 0x40000000u, 0, 0xbb8, 0x0, 0, 0); /* echo, range absent */
	cct_put(s, 0x80000000u, 0, 0x80000008u, 0, 0, 0);
	cct_put(s, 0x80000008u, 0, 0x3027, 0, 0, 0);
	cct_put(s, 0x80000009u, 0, 1, 2, 3, 0);
	ck_assert_int_eq(cc_set_finish(s, &e), 0);
	ck_assert_ptr_nonnull(cc_set_get(s, 0x16, 0));
	ck_assert_ptr_null(cc_set_get(s, 0x17, 0));
	ck_assert_ptr_null(cc_set_get(s, 0x40000000u, 0));
	ck_assert_ptr_nonnull(cc_set_get(s, 0x80000008u, 0));
	ck_assert_ptr_null(cc_set_get(s, 0x80000009u, 0));
	ck_assert_uint_eq(cc_set_range_max(s, 0x7), 0x16);
	ck_assert_uint_eq(cc_set_range_max(s, 0x40000001u), 0);
	ck_assert_uint_eq(cc_set_range_max(s, 0x80000001u), 0x80000008u);
	cc_set_free(s);
}
END_TEST

START_TEST(test_vendor_brand_fms)
{
	struct cc_set *s = cc_set_new("t", CC_KIND_DUMP);
	struct cc_err e;
	char brand[64];
	unsigned f, m, st;
	static const char text[48] =
		"  Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz";
	uint32_t w[12];
	int i;

	memcpy(w, text, sizeof w);
	intel0(s, 1);
	cct_put(s, 1, 0, 0x00050654, 0, 0, 0);
	cct_put(s, 0x80000000u, 0, 0x80000004u, 0, 0, 0);
	for (i = 0; i < 3; i++)
		cct_put(s, 0x80000002u + (uint32_t)i, 0, w[i * 4], w[i * 4 + 1],
			w[i * 4 + 2], w[i * 4 + 3]);
	ck_assert_int_eq(cc_set_finish(s, &e), 0);
	ck_assert_int_eq(s->vendor, CC_VENDOR_INTEL);
	ck_assert_str_eq(s->vendor_id, "GenuineIntel");
	cc_set_brand(s, brand);
	ck_assert_str_eq(brand, "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");
	ck_assert_int_eq(cc_set_fms(s, &f, &m, &st), 0);
	ck_assert_uint_eq(f, 6);
	ck_assert_uint_eq(m, 0x55);
	ck_assert_uint_eq(st, 4);
	cc_set_free(s);
}
END_TEST

START_TEST(test_missing_leaf0_is_an_error)
{
	struct cc_set *s = cc_set_new("some.json", CC_KIND_DUMP);
	struct cc_err e;

	cct_put(s, 1, 0, 0, 0, 0, 0);
	ck_assert_int_eq(cc_set_finish(s, &e), -1);
	ck_assert_str_eq(e.msg,
			 "some.json: leaf 0x00000000 (vendor and "
			 "maximum basic leaf) is missing");
	cc_set_free(s);
}
END_TEST

START_TEST(test_profile_known_rules)
{
	struct cc_set *zero = cc_set_new("ch", CC_KIND_PROFILE);
	struct cc_set *host = cc_set_new("fc", CC_KIND_PROFILE);
	struct cc_leaf *l;
	uint32_t k;

	host->uncovered = CC_UNCOVERED_HOST;
	l = cct_put(zero, 7, 0, 0, 0x20, 0, 0);
	l->known[CC_EBX] = 0xff;
	l->absent = 1u << CC_ECX;
	l = cct_put(host, 7, 0, 0, 0x20, 0, 0);
	l->absent = 1u << CC_ECX;
	/* named register: its own mask */
	ck_assert_uint_eq(cc_set_reg(zero, 7, 0, CC_EBX, &k), 0x20);
	ck_assert_uint_eq(k, 0xff);
	/* register the profile does not name: 0 (Cloud Hypervisor) ... */
	ck_assert_uint_eq(cc_set_reg(zero, 7, 0, CC_ECX, &k), 0);
	ck_assert_uint_eq(k, UINT32_MAX);
	/* ... or the host's (Firecracker) */
	cc_set_reg(host, 7, 0, CC_ECX, &k);
	ck_assert_uint_eq(k, 0);
	/* leaves the profile does not name at all follow the same rule */
	cc_set_reg(zero, 0xd, 0, CC_EAX, &k);
	ck_assert_uint_eq(k, UINT32_MAX);
	cc_set_reg(host, 0xd, 0, CC_EAX, &k);
	ck_assert_uint_eq(k, 0);
	cc_set_free(zero);
	cc_set_free(host);
}
END_TEST

START_TEST(test_meta_and_dup)
{
	struct cc_set *s = cc_set_new("t", CC_KIND_DUMP), *d;

	cc_set_meta_set(s, "a", "1", 1);
	cc_set_meta_set(s, "b", "x", 0);
	cc_set_meta_set(s, "a", "2", 1);
	cc_set_warn(s, "inferred %d", 3);
	intel0(s, 0);
	d = cc_set_dup(s);
	ck_assert_uint_eq(d->nmeta, 2);
	ck_assert_str_eq(cc_set_meta(d, "a"), "2");
	ck_assert_str_eq(d->meta[1].key, "b");
	ck_assert_str_eq(d->warnings[0], "inferred 3");
	ck_assert_ptr_nonnull(cc_set_get(d, 0, 0));
	ck_assert_ptr_null(cc_set_meta(d, "c"));
	cc_set_free(s);
	cc_set_free(d);
}
END_TEST

static Suite *set_suite(void)
{
	Suite *s = suite_create("cpuid_set");
	TCase *tc;

	tc = tcase_create("order");
	tcase_add_test(tc, test_insert_out_of_order_and_lookup);
	tcase_add_test(tc, test_duplicates_and_overlaps_rejected);
	suite_add_tcase(s, tc);
	tc = tcase_create("finish");
	tcase_add_test(tc, test_echo_past_range_max_dropped);
	tcase_add_test(tc, test_vendor_brand_fms);
	tcase_add_test(tc, test_missing_leaf0_is_an_error);
	suite_add_tcase(s, tc);
	tc = tcase_create("profile");
	tcase_add_test(tc, test_profile_known_rules);
	tcase_add_test(tc, test_meta_and_dup);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(set_suite());
}
