/*
 * Unit tests of lint.c (the dependency check) and profile_names.c (names
 * of bundled profiles): the table's names are the field database's names
 * at the table's positions; every bundled profile and every recorded CPU
 * of tests/data/cpus passes (but one early Ice Lake, see below); hand-made sets
 * that break a dependency are caught, naming the feature and what it needs
 * (AVX-512 without XCR0 bit 5, AVX2 without AVX, AMX without leaf 0x1D); a
 * profile's rules for bits left to the host; QEMU's unversioned and alias names
 * resolve, and an unknown name is an error that suggests close names.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"
#include "defs.h"
#include "fmt.h"
#include "lint.h"
#include "profile_names.h"
#include "source.h"

/* Does R hold a finding of FEATURE needing NEEDS with PROBLEM? */
static const struct lint_finding *find(const struct lint_report *r,
				       const char *feature, const char *needs)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcmp(r->findings[i].dep->feature.name, feature) == 0 &&
		    strcmp(r->findings[i].dep->needs.name, needs) == 0)
			return &r->findings[i];
	return NULL;
}

static struct cc_set *load_text(const char *text, const char *name)
{
	struct cc_err e;
	struct cc_set *s;

	e.msg[0] = '\0';
	s = fmt_load_buffer(text, strlen(text), name, NULL, NULL, &e);
	ck_assert_msg(s != NULL, "%s does not load: %s", name, e.msg);
	return s;
}

/* The field at B's position in the built-in defs is called B->name. */
static void assert_named(const struct cc_defs *d, const struct lint_bit *b)
{
	size_t lo, hi, i;

	cc_defs_range(d, b->leaf, b->reg, &lo, &hi);
	for (i = lo; i < hi; i++) {
		const struct cc_field *f = &d->fields[i];

		if (f->lo == b->bit && f->hi == b->bit &&
		    cc_field_applies(f, b->subleaf, CC_VENDOR_INTEL) &&
		    strcmp(f->name, b->name) == 0)
			return;
		if (f->lo == b->bit && f->hi == b->bit &&
		    cc_field_applies(f, b->subleaf, CC_VENDOR_AMD) &&
		    strcmp(f->name, b->name) == 0)
			return;
	}
	ck_abort_msg("no field %s at %#x.%u.%s[%u] in defs/", b->name, b->leaf,
		     b->subleaf, cc_reg_name((enum cc_reg)b->reg), b->bit);
}

START_TEST(test_table_names_are_defs_names)
{
	const struct cc_defs *d = cc_defs_builtin();
	const struct lint_dep *t;
	size_t n, i, states = 0;

	t = lint_deps(&n);
	ck_assert_uint_ge(n, 60);
	for (i = 0; i < n; i++) {
		assert_named(d, &t[i].feature);
		if (t[i].kind == LINT_NEEDS_LEAF) {
			ck_assert_uint_eq(t[i].needs.reg, CC_EAX);
			continue;
		}
		assert_named(d, &t[i].needs);
		if (t[i].kind == LINT_NEEDS_STATE) {
			ck_assert_uint_eq(t[i].needs.leaf, 0xd);
			states++;
		}
	}
	ck_assert_uint_ge(states, 12);
}
END_TEST

START_TEST(test_every_bundled_profile_passes)
{
	size_t i, qemu = 0;

	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *p = &cc_builtin_profiles[i];
		struct cc_set *s = load_text(p->text, p->name);
		struct lint_report *r = lint_check(s);

		ck_assert_msg(r->n == 0, "profile:%s: %s", p->name,
			      r->n ? r->findings[0].message : "");
		if (cc_set_meta(s, "qemu_model") != NULL)
			qemu++;
		lint_report_free(r);
		cc_set_free(s);
	}
	/* QEMU 7.2 knows 74 x86 model versions */
	ck_assert_uint_eq(qemu, 74);
}
END_TEST

/*
 * Every recorded CPU is consistent but one: the Ice Lake-SP of libvirt's
 * test data is an early part (family 6 model 0x6a stepping 0, no brand
 * string) that enumerates MPX in CPUID.(7,0).EBX[14] but not MPX's state
 * components (CPUID.(0xD,0).EAX = 0x2e7 lacks bits 3-4 and there are no
 * subleaves 3-4).  Intel dropped MPX from Ice Lake: production parts
 * enumerate neither, and QEMU's Icelake-Server models have no MPX.
 */
START_TEST(test_every_recorded_cpu_passes)
{
	struct cc_set **cpus;
	size_t n = cct_load_cpus(&cpus), i, odd = 0;

	ck_assert_uint_ge(n, 19);
	for (i = 0; i < n; i++) {
		struct lint_report *r = lint_check(cpus[i]);

		ck_assert_uint_gt(r->checked, 5);
		if (strcmp(cpus[i]->name, "ice-lake-server") == 0) {
			ck_assert_uint_eq(r->n, 2);
			ck_assert_ptr_nonnull(find(r, "mpx", "xcr0_bndregs"));
			ck_assert_ptr_nonnull(find(r, "mpx", "xcr0_bndcsr"));
			odd++;
		} else {
			ck_assert_msg(r->n == 0, "%s: %s", cpus[i]->name,
				      r->n ? r->findings[0].message : "");
		}
		lint_report_free(r);
	}
	ck_assert_uint_eq(odd, 1);
	cct_free_sets(cpus, n);
}
END_TEST

/* A profile that requires AVX, AVX2 and AVX512F and says what it wants of
 * XCR0 in XCR0_ENTRY (empty: nothing, left to the host). */
#define AVX512_PROFILE(xcr0_entry)                                             \
	"{\"format\": \"cpucompat\", \"version\": 1, \"kind\": \"profile\", "  \
	"\"uncovered\": \"host\", \"leaves\": ["                               \
	"{\"leaf\": \"0x00000001\", \"subleaf\": 0, \"eax\": \"0x0\", "        \
	"\"ebx\": \"0x0\", \"ecx\": \"0x14000000\", \"edx\": \"0x06000000\", " \
	"\"mask\": {\"ecx\": \"0xebffffff\", \"edx\": \"0xf9ffffff\"}, "       \
	"\"absent\": [\"eax\", \"ebx\"]}, "                                    \
	"{\"leaf\": \"0x00000007\", \"subleaf\": 0, \"eax\": \"0x0\", "        \
	"\"ebx\": \"0x00010020\", \"ecx\": \"0x0\", \"edx\": \"0x0\", "        \
	"\"mask\": {\"ebx\": \"0xfffeffdf\"}, "                                \
	"\"absent\": [\"eax\", \"ecx\", \"edx\"]}" xcr0_entry "]}"

START_TEST(test_avx512f_needs_xcr0_opmask_left_to_host)
{
	struct cc_set *s = load_text(AVX512_PROFILE(""), "hand-made");
	struct lint_report *r = lint_check(s);
	const struct lint_finding *f = find(r, "avx512f", "xcr0_opmask");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->problem, LINT_HOST);
	ck_assert_int_eq(f->required, 1);
	ck_assert_ptr_nonnull(strstr(f->message, "avx512f"));
	ck_assert_ptr_nonnull(strstr(f->message, "XCR0 bit 5"));
	ck_assert_ptr_nonnull(strstr(f->message, "opmask"));
	ck_assert_ptr_nonnull(strstr(f->message, "CPUID.(0xd,0).EAX[5]"));
	/* bits 6 and 7, AVX's bit 2 and XSAVE's bits 0-1 too; nothing else */
	ck_assert_ptr_nonnull(find(r, "avx512f", "xcr0_zmm_hi256"));
	ck_assert_ptr_nonnull(find(r, "avx512f", "xcr0_hi16_zmm"));
	ck_assert_ptr_nonnull(find(r, "avx", "xcr0_avx"));
	ck_assert_uint_eq(r->n, 6);
	lint_report_free(r);
	cc_set_free(s);
}
END_TEST

START_TEST(test_avx512f_needs_xcr0_opmask_fixed_zero)
{
	/* XCR0 fixed to x87, SSE and AVX only: bits 5-7 are fixed to 0 */
	struct cc_set *s = load_text(
		AVX512_PROFILE(", {\"leaf\": \"0x0000000d\", \"subleaf\": 0, "
			       "\"eax\": \"0x7\", \"ebx\": \"0x0\", "
			       "\"ecx\": \"0x0\", \"edx\": \"0x0\", "
			       "\"absent\": [\"ebx\", \"ecx\", \"edx\"]}"),
		"hand-made");
	struct lint_report *r = lint_check(s);
	const struct lint_finding *f = find(r, "avx512f", "xcr0_opmask");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->problem, LINT_MISSING);
	ck_assert_int_eq(f->required, 1);
	ck_assert_ptr_nonnull(strstr(f->message, "fixes it to 0"));
	ck_assert_ptr_nonnull(find(r, "avx512f", "xcr0_hi16_zmm"));
	ck_assert_ptr_null(find(r, "avx", "xcr0_avx"));
	/* PKU is left to the host, its state fixed to 0: a host with PKU
	 * would give the guest PKU without PKRU state */
	f = find(r, "pku", "xcr0_pkru");
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->required, 0);
	/* avx512f 3, mpx 2, pku 1, amx_tile 2, apx_f 1 */
	ck_assert_uint_eq(r->n, 9);
	lint_report_free(r);
	cc_set_free(s);
}
END_TEST

START_TEST(test_required_state_passes)
{
	struct cc_set *s = load_text(
		AVX512_PROFILE(", {\"leaf\": \"0x0000000d\", \"subleaf\": 0, "
			       "\"eax\": \"0xe7\", \"ebx\": \"0x0\", "
			       "\"ecx\": \"0x0\", \"edx\": \"0x0\", "
			       "\"mask\": {\"eax\": \"0xffffff18\"}, "
			       "\"absent\": [\"ebx\", \"ecx\", \"edx\"]}"),
		"hand-made");
	struct lint_report *r = lint_check(s);

	ck_assert_msg(r->n == 0, "%s", r->n ? r->findings[0].message : "");
	lint_report_free(r);
	cc_set_free(s);
}
END_TEST

/* An Intel dump: leaf 0 (max leaf MAX), leaf 1 ECX, leaf 7 EBX/EDX, XCR0. */
static struct cc_set *dump(uint32_t max, uint32_t ecx1, uint32_t ebx7,
			   uint32_t edx7, uint32_t xcr0)
{
	struct cc_set *s = cc_set_new("hand-made dump", CC_KIND_DUMP);

	cct_put(s, 0, 0, max, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(s, 1, 0, 0x806f8, 0, ecx1, 0x07808101);
	cct_put(s, 7, 0, 0, ebx7, 0, edx7);
	cct_put(s, 0xd, 0, xcr0, 0, 0, 0);
	cct_finish(s);
	return s;
}

START_TEST(test_dump_avx2_without_avx)
{
	/* XSAVE but no AVX; AVX2 */
	struct cc_set *s = dump(0xd, 0x04000000, 1u << 5, 0, 0x3);
	struct lint_report *r = lint_check(s);
	const struct lint_finding *f = find(r, "avx2", "avx");

	ck_assert_uint_eq(r->n, 1);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->message,
			 "has avx2 (CPUID.(7,0).EBX[5]), which needs AVX: avx "
			 "(CPUID.(1,0).ECX[28]); the set lacks it");
	lint_report_free(r);
	cc_set_free(s);
}
END_TEST

START_TEST(test_dump_amx_without_its_leaves)
{
	/* AMX-TILE with its state, but the basic leaves end at 0xd */
	struct cc_set *s = dump(0xd, 0x14000000, 0, 1u << 24, 0x60007);
	struct lint_report *r = lint_check(s);

	ck_assert_uint_eq(r->n, 2);
	ck_assert_ptr_nonnull(find(r, "amx_tile", "leaf 0x1d"));
	ck_assert_ptr_nonnull(find(r, "amx_tile", "leaf 0x1e"));
	ck_assert_str_eq(r->findings[0].message,
			 "has amx_tile (CPUID.(7,0).EDX[24]), which needs leaf "
			 "0x1D (tile palettes); the set lacks it");
	lint_report_free(r);
	cc_set_free(s);
	/* and without its state: XCR0 bits 17 and 18 */
	s = dump(0xd, 0x14000000, 0, 1u << 24, 0x7);
	r = lint_check(s);
	ck_assert_ptr_nonnull(find(r, "amx_tile", "xcr0_xtilecfg"));
	ck_assert_ptr_nonnull(find(r, "amx_tile", "xcr0_xtiledata"));
	lint_report_free(r);
	cc_set_free(s);
}
END_TEST

START_TEST(test_profile_feature_left_to_host_need_fixed_zero)
{
	/* AVX2 left to the host, AVX fixed to 0: a host with AVX2 would give
	 * the guest AVX2 without AVX */
	static const char text[] =
		"{\"format\": \"cpucompat\", \"version\": 1, \"kind\": "
		"\"profile\", \"uncovered\": \"host\", \"leaves\": ["
		"{\"leaf\": \"0x00000001\", \"subleaf\": 0, \"eax\": \"0x0\", "
		"\"ebx\": \"0x0\", \"ecx\": \"0x0\", \"edx\": \"0x0\", "
		"\"mask\": {\"ecx\": \"0xefffffff\", \"edx\": \"0xffffffff\"}, "
		"\"absent\": [\"eax\", \"ebx\"]}]}";
	struct cc_set *s = load_text(text, "hand-made");
	struct lint_report *r = lint_check(s);
	const struct lint_finding *f = find(r, "avx2", "avx");

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(f->required, 0);
	ck_assert_ptr_nonnull(strstr(f->message, "leaves to the host avx2"));
	/* fma, f16c, vaes... are left to the host too: one finding each */
	ck_assert_ptr_nonnull(find(r, "avx512f", "avx"));
	ck_assert_ptr_null(find(r, "avx", "xsave"));
	lint_report_free(r);
	cc_set_free(s);
}
END_TEST

START_TEST(test_qemu_profile_requires_model_state)
{
	struct cc_err e;
	const struct cc_embedded *p =
		profile_names_find("Cascadelake-Server-v5", &e);
	struct cc_set *s;
	uint32_t known, xcr0;

	ck_assert_ptr_nonnull(p);
	s = load_text(p->text, p->name);
	xcr0 = cc_set_reg(s, 0xd, 0, CC_EAX, &known);
	/* x87, SSE, AVX, AVX-512 (5-7) and PKRU required; MPX fixed off */
	ck_assert_uint_eq(xcr0 & known, 0x2e7);
	ck_assert_uint_eq(known & 0x6029f, 0x6029f);
	ck_assert_str_eq(cc_set_meta(s, "qemu_model"), "Cascadelake-Server");
	ck_assert_str_eq(cc_set_meta(s, "qemu_version"), "5");
	cc_set_free(s);
}
END_TEST

START_TEST(test_names_resolve)
{
	char buf[80];
	struct cc_err e;
	const struct cc_embedded *p;

	ck_assert_str_eq(profile_names_resolve("Cascadelake-Server", buf,
					       sizeof buf),
			 "Cascadelake-Server-v1");
	ck_assert_str_eq(profile_names_resolve("Haswell-noTSX", buf,
					       sizeof buf),
			 "Haswell-v2");
	ck_assert_str_eq(profile_names_resolve("skylake-sp", buf, sizeof buf),
			 "skylake-sp");
	ck_assert_str_eq(profile_names_resolve("486", buf, sizeof buf),
			 "486-v1");
	p = profile_names_find("Skylake-Server-noTSX-IBRS", &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->name, "Skylake-Server-v3");
	p = profile_names_find("EPYC", &e);
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(p->name, "EPYC-v1");
}
END_TEST

START_TEST(test_aliases_match_profiles)
{
	size_t i;
	char buf[80];

	/* each profile that QEMU aliases names its alias, and the alias
	 * resolves to it */
	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *p = &cc_builtin_profiles[i];
		struct cc_set *s = load_text(p->text, p->name);
		const char *alias = cc_set_meta(s, "qemu_alias");
		const char *model = cc_set_meta(s, "qemu_model");

		if (model != NULL) {
			snprintf(buf, sizeof buf, "%s-v%s", model,
				 cc_set_meta(s, "qemu_version"));
			ck_assert_str_eq(buf, p->name);
		}
		if (alias != NULL)
			ck_assert_str_eq(profile_names_resolve(alias, buf,
							       sizeof buf),
					 p->name);
		cc_set_free(s);
	}
}
END_TEST

START_TEST(test_unknown_name_suggests)
{
	static const char want[] =
		"profile:Cascadelake-Server-v9: no such bundled profile; did "
		"you mean Cascadelake-Server-v1, Cascadelake-Server-v2, "
		"Cascadelake-Server-v3? ('cpucompat profiles' lists all ";
	struct cc_err e;

	e.msg[0] = '\0';
	ck_assert_ptr_null(profile_names_find("Cascadelake-Server-v9", &e));
	ck_assert_msg(strncmp(e.msg, want, strlen(want)) == 0, "%s", e.msg);
	ck_assert_ptr_null(profile_names_find("Skylake-Servr", &e));
	ck_assert_msg(strstr(e.msg, "did you mean Skylake-Server") != NULL,
		      "%s", e.msg);
	ck_assert_ptr_null(profile_names_find("zzzzzzzzzzzzzzzzzzzz", &e));
	ck_assert_msg(strstr(e.msg, "did you mean") == NULL, "%s", e.msg);
	ck_assert_ptr_nonnull(strstr(e.msg, "'cpucompat profiles' lists"));
}
END_TEST

static Suite *lint_suite(void)
{
	Suite *s = suite_create("lint");
	TCase *tc;

	tc = tcase_create("table");
	tcase_add_test(tc, test_table_names_are_defs_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("consistent");
	tcase_add_test(tc, test_every_bundled_profile_passes);
	tcase_add_test(tc, test_every_recorded_cpu_passes);
	tcase_add_test(tc, test_qemu_profile_requires_model_state);
	suite_add_tcase(s, tc);
	tc = tcase_create("violations");
	tcase_add_test(tc, test_avx512f_needs_xcr0_opmask_left_to_host);
	tcase_add_test(tc, test_avx512f_needs_xcr0_opmask_fixed_zero);
	tcase_add_test(tc, test_required_state_passes);
	tcase_add_test(tc, test_dump_avx2_without_avx);
	tcase_add_test(tc, test_dump_amx_without_its_leaves);
	tcase_add_test(tc, test_profile_feature_left_to_host_need_fixed_zero);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, test_names_resolve);
	tcase_add_test(tc, test_aliases_match_profiles);
	tcase_add_test(tc, test_unknown_name_suggests);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(lint_suite());
}
