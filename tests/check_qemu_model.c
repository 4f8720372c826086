/*
 * Unit tests of qemu_model.c (QEMU features and the nearest QEMU model),
 * qemu_names.c (the names QEMU 7.2 accepts), the qemu: source spec
 * (source.c) and the qemu-cpu writer (fmt_qemu_cpu.c).  A bundled QEMU
 * model is its own nearest model; recorded Cascade Lake and Rome CPUs are
 * nearest to their QEMU models with named differences; QEMU's spellings
 * of a feature all find it; QEMU's order of +f, -f and f=on|off; the
 * XSAVE state a feature owns follows it; an unknown model or feature is
 * an error naming it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "check_common.h"
#include "defs.h"
#include "fmt.h"
#include "profile_names.h"
#include "qemu_model.h"
#include "qemu_names.h"
#include "source.h"

static struct cc_set *load(const char *spec)
{
	struct cc_err e;
	struct cc_set *s = source_load(spec, NULL, &e);

	ck_assert_msg(s != NULL, "%s: %s", spec, e.msg);
	return s;
}

/* The message loading SPEC fails with (the test fails if it loads). */
static const char *load_error(const char *spec)
{
	static struct cc_err e;
	struct cc_set *s = source_load(spec, NULL, &e);

	ck_assert_msg(s == NULL, "%s loaded", spec);
	return e.msg;
}

/* Bit BIT of (LEAF, SUB, REG) of S: 1, 0, or -1 when S leaves it. */
static int bit_of(const struct cc_set *s, uint32_t leaf, uint32_t sub,
		  enum cc_reg reg, unsigned bit)
{
	uint32_t known, v = cc_set_reg(s, leaf, sub, reg, &known);

	if (!(known >> bit & 1))
		return -1;
	return (int)(v >> bit & 1);
}

static int has(const struct cc_field *const *v, size_t n, const char *qemu)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(qemu_names_field(v[i]), qemu) == 0)
			return 1;
	return 0;
}

/* ------------------------------------------------------------- nearest */

START_TEST(test_model_is_its_own_nearest)
{
	struct cc_set *s = load("profile:Cascadelake-Server-v5");
	struct qemu_model_match m;
	struct cc_err e;
	char out[128];

	ck_assert_int_eq(qemu_model_nearest(s, cc_defs_builtin(), &m, &e), 0);
	ck_assert_str_eq(m.model, "Cascadelake-Server-v5");
	ck_assert_uint_eq(m.nplus, 0);
	ck_assert_uint_eq(m.nminus, 0);
	ck_assert_uint_eq(m.other, 0);
	ck_assert_str_eq(qemu_model_describe(&m, out, sizeof out),
			 "Cascadelake-Server-v5");
	qemu_model_match_free(&m);
	cc_set_free(s);
}
END_TEST

/* Every bundled QEMU model version: some model says all it says. */
START_TEST(test_every_model_matches_exactly)
{
	size_t i, n = 0;

	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *p = &cc_builtin_profiles[i];
		struct qemu_model_match m;
		struct cc_buf spec;
		struct cc_set *s;
		struct cc_err e;

		if (!profile_names_is_qemu(p))
			continue;
		cc_buf_init(&spec);
		cc_buf_printf(&spec, "profile:%s", p->name);
		s = load(spec.data);
		ck_assert_msg(qemu_model_nearest(s, cc_defs_builtin(), &m,
						 &e) == 0,
			      "%s: %s", p->name, e.msg);
		ck_assert_msg(m.nplus + m.nminus + m.other == 0,
			      "%s: nearest %s with %zu+%zu+%zu differences",
			      p->name, m.model, m.nplus, m.nminus, m.other);
		qemu_model_match_free(&m);
		cc_set_free(s);
		cc_buf_free(&spec);
		n++;
	}
	ck_assert_uint_eq(n, 74);
}
END_TEST

START_TEST(test_cascade_lake_dump)
{
	struct cc_set *s = cct_cpu("xeon-silver-4214r");
	struct qemu_model_match m;
	struct cc_err e;
	char out[512];

	ck_assert_int_eq(qemu_model_nearest(s, cc_defs_builtin(), &m, &e), 0);
	ck_assert_str_eq(m.model, "Cascadelake-Server-v5");
	ck_assert_uint_eq(m.nminus, 0);
	ck_assert(has(m.plus, m.nplus, "md-clear"));
	ck_assert(has(m.plus, m.nplus, "stibp"));
	ck_assert(has(m.plus, m.nplus, "vmx"));
	ck_assert(!has(m.plus, m.nplus, "avx512vnni"));
	ck_assert_ptr_nonnull(strstr(qemu_model_describe(&m, out, sizeof out),
				     "Cascadelake-Server-v5 plus "));
	ck_assert_ptr_nonnull(strstr(out, "md-clear"));
	qemu_model_match_free(&m);
	cc_set_free(s);
}
END_TEST

START_TEST(test_rome_dump)
{
	struct cc_set *s = cct_cpu("epyc-7502");
	struct qemu_model_match m;
	struct cc_err e;

	ck_assert_int_eq(qemu_model_nearest(s, cc_defs_builtin(), &m, &e), 0);
	ck_assert_str_eq(m.model, "EPYC-Rome-v2");
	ck_assert(has(m.plus, m.nplus, "svm"));
	qemu_model_match_free(&m);
	cc_set_free(s);
}
END_TEST

/* A model with one feature less is that model minus the feature. */
START_TEST(test_minus_one_feature)
{
	struct cc_set *s = load("qemu:Icelake-Server-v6,-avx512vnni");
	struct qemu_model_match m;
	struct cc_err e;
	char out[128];

	ck_assert_int_eq(qemu_model_nearest(s, cc_defs_builtin(), &m, &e), 0);
	ck_assert_str_eq(qemu_model_describe(&m, out, sizeof out),
			 "Icelake-Server-v6 minus avx512vnni");
	ck_assert_str_eq(qemu_model_describe(&m, out, 12), "Icelake-...");
	qemu_model_match_free(&m);
	cc_set_free(s);
}
END_TEST

/* Profiles that leave bits to the host: a model that fixes more of them
 * to 1 narrows the hosts, and costs (skylake-sp is not Cascade Lake). */
START_TEST(test_minimum_profiles)
{
	static const struct {
		const char *spec, *near;
	} cases[] = {
		{"profile:skylake-sp", "Skylake-Server-v4 plus clflushopt"},
		{"profile:x86-64-v3", "Haswell-v2"}, /* names no vendor */
		{"profile:x86-64-v2", "Nehalem-v1"},
		{"profile:epyc-rome", "EPYC-Rome-v2"},
		{"profile:cascadelake", "Cascadelake-Server-v5"},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cc_set *s = load(cases[i].spec);
		struct qemu_model_match m;
		struct cc_err e;
		char out[256];

		ck_assert_int_eq(qemu_model_nearest(s, cc_defs_builtin(), &m,
						    &e),
				 0);
		ck_assert_str_eq(qemu_model_describe(&m, out, sizeof out),
				 cases[i].near);
		qemu_model_match_free(&m);
		cc_set_free(s);
	}
}
END_TEST

START_TEST(test_no_vendor_dump)
{
	struct cc_set *s = cc_set_new("odd", CC_KIND_DUMP);
	struct qemu_model_match m;
	struct cc_err e;

	cct_put(s, 0, 0, 1, 0x11111111u, 0x22222222u, 0x33333333u);
	cct_finish(s);
	ck_assert_int_eq(qemu_model_nearest(s, cc_defs_builtin(), &m, &e), -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "no bundled QEMU model"));
	cc_set_free(s);
}
END_TEST

/* ------------------------------------------------------------ features */

START_TEST(test_feature_spellings)
{
	const struct cc_defs *d = cc_defs_builtin();
	const struct cc_field *f;

	f = qemu_feature_find(d, "avx512vnni", CC_VENDOR_INTEL);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->name, "avx512_vnni");
	ck_assert_ptr_eq(qemu_feature_find(d, "avx512_vnni", CC_VENDOR_INTEL),
			 f);
	ck_assert_ptr_eq(qemu_feature_find(d, "AVX512-VNNI", CC_VENDOR_INTEL),
			 f);
	f = qemu_feature_find(d, "sse4_1", CC_VENDOR_INTEL);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->qemu, "sse4.1");
	f = qemu_feature_find(d, "pclmuldq", CC_VENDOR_AMD);
	ck_assert_ptr_nonnull(f);
	ck_assert_str_eq(f->qemu, "pclmulqdq");
	ck_assert_ptr_null(qemu_feature_find(d, "bogus", 0));
	/* svm is AMD's; family is no flag */
	ck_assert_ptr_null(qemu_feature_find(d, "svm", CC_VENDOR_INTEL));
	ck_assert_ptr_nonnull(qemu_feature_find(d, "svm", CC_VENDOR_AMD));
	ck_assert_ptr_null(qemu_feature_find(d, "family", CC_VENDOR_INTEL));
}
END_TEST

START_TEST(test_spec_minus_xsaves)
{
	struct cc_set *s = load("qemu:EPYC-Rome-v2,-xsaves");

	ck_assert_int_eq(bit_of(s, 0xd, 1, CC_EAX, 3), 0);
	ck_assert_int_eq(bit_of(s, 0xd, 1, CC_EAX, 1), 1); /* xsavec kept */
	ck_assert_str_eq(s->name, "qemu:EPYC-Rome-v2,-xsaves");
	ck_assert_str_eq(s->origin, "qemu:EPYC-Rome-v2,-xsaves");
	ck_assert_str_eq(cc_set_meta(s, "qemu_cpu"), "EPYC-Rome-v2,-xsaves");
	cc_set_free(s);
	s = load("qemu:EPYC-Rome-v2");
	ck_assert_int_eq(bit_of(s, 0xd, 1, CC_EAX, 3), 1);
	cc_set_free(s);
}
END_TEST

/* QEMU: properties in order, then every +f, then every -f. */
START_TEST(test_spec_order)
{
	static const struct {
		const char *spec;
		int avx2;
	} cases[] = {
		{"qemu:Haswell,-avx2,+avx2", 0},
		{"qemu:Haswell,+avx2,-avx2", 0},
		{"qemu:Haswell,avx2=off", 0},
		{"qemu:Haswell,avx2=off,avx2", 1},
		{"qemu:Haswell,-avx2,avx2=on", 0},
		{"qemu:Haswell,avx2=off,+avx2", 1},
		{"qemu:Haswell-v1,enforce", 1},
		{"qemu:Haswell,avx2=no", 0},
		{"qemu:Haswell,avx2=false,avx2=y", 1},
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cc_set *s = load(cases[i].spec);

		ck_assert_msg(bit_of(s, 7, 0, CC_EBX, 5) == cases[i].avx2, "%s",
			      cases[i].spec);
		cc_set_free(s);
	}
}
END_TEST

/* The XSAVE components a feature owns follow it (QEMU enables them). */
START_TEST(test_spec_xsave_follows)
{
	struct cc_set *s = load("qemu:Cascadelake-Server-v5,-avx512f");
	uint32_t k, v = cc_set_reg(s, 0xd, 0, CC_EAX, &k);

	ck_assert_uint_eq(v & k, 0x207); /* x87, SSE, AVX, PKRU */
	ck_assert_int_eq(bit_of(s, 7, 0, CC_EBX, 16), 0);
	cc_set_free(s);
	s = load("qemu:Haswell-v4,+avx512f");
	v = cc_set_reg(s, 0xd, 0, CC_EAX, &k);
	ck_assert_uint_eq(v & k & 0xe0, 0xe0);
	cc_set_free(s);
	/* QEMU answers leaf 0xD with zeros without xsave */
	s = load("qemu:Haswell-v4,-xsave");
	ck_assert_int_eq(bit_of(s, 0xd, 0, CC_EAX, 0), 0);
	ck_assert_int_eq(bit_of(s, 0xd, 0, CC_EAX, 2), 0);
	ck_assert_int_eq(bit_of(s, 0xd, 1, CC_EAX, 0), 0); /* xsaveopt */
	ck_assert_int_eq(bit_of(s, 1, 0, CC_ECX, 28), 1);  /* avx stays */
	cc_set_free(s);
	/* no ARCH_CAPABILITIES MSR without the CPUID bit (mds-no: bit 5) */
	s = load("qemu:Cascadelake-Server-v5");
	ck_assert_int_eq(bit_of(s, CC_MSR_LEAF, 0x10a, CC_EAX, 5), 1);
	cc_set_free(s);
	s = load("qemu:Cascadelake-Server-v5,-arch-capabilities");
	ck_assert_int_eq(bit_of(s, CC_MSR_LEAF, 0x10a, CC_EAX, 5), 0);
	cc_set_free(s);
	/* a feature in a leaf the model does not name is added */
	s = load("qemu:qemu64,+avx512vnni");
	ck_assert_int_eq(bit_of(s, 7, 0, CC_ECX, 11), 1);
	cc_set_free(s);
}
END_TEST

START_TEST(test_spec_errors)
{
	const char *m;

	m = load_error("qemu:Nonexistent");
	ck_assert_ptr_nonnull(strstr(m, "qemu:Nonexistent: no such QEMU CPU"));
	ck_assert_ptr_nonnull(strstr(m, "Cascadelake-Server"));
	m = load_error("qemu:Haswel");
	ck_assert_ptr_nonnull(strstr(m, "did you mean Haswell"));
	m = load_error("qemu:Haswell,+bogus");
	ck_assert_ptr_nonnull(strstr(m, "qemu:Haswell,+bogus"));
	ck_assert_ptr_nonnull(strstr(m, "'bogus'"));
	m = load_error("qemu:Haswell,avx2=maybe");
	ck_assert_ptr_nonnull(strstr(m, "'avx2=maybe'"));
	m = load_error("qemu:Haswell,,avx2");
	ck_assert_ptr_nonnull(strstr(m, "empty feature"));
	m = load_error("qemu:skylake-sp");
	ck_assert_ptr_nonnull(strstr(m, "not a QEMU CPU model"));
	m = load_error("qemu:Haswell,-");
	ck_assert_ptr_nonnull(strstr(m, "'-' names no feature"));
	m = load_error("qemu:");
	ck_assert_ptr_nonnull(strstr(m, "no QEMU CPU model named"));
	m = load_error("qemu:EPYC-Rome,+vmx");
	ck_assert_ptr_nonnull(
		strstr(m, "'vmx' is no flag of AuthenticAMD CPUs"));
	m = load_error("qemu:Haswell,+avx512vnn");
	ck_assert_ptr_nonnull(strstr(m, "did you mean avx512vnni?"));
}
END_TEST

/* Aliases and unversioned names resolve as QEMU's pc machines do. */
START_TEST(test_spec_aliases)
{
	struct cc_set *a = load("qemu:Cascadelake-Server-noTSX");
	struct cc_set *b = load("profile:Cascadelake-Server-v3");
	uint32_t ka, kb;

	ck_assert_uint_eq(cc_set_reg(a, 7, 0, CC_EBX, &ka),
			  cc_set_reg(b, 7, 0, CC_EBX, &kb));
	ck_assert_uint_eq(ka, kb);
	ck_assert_int_eq(bit_of(a, 7, 0, CC_EBX, 4), 0); /* hle */
	cc_set_free(a);
	cc_set_free(b);
}
END_TEST

/* -------------------------------------------------------------- writer */

static char *write_cpu(const char *spec)
{
	struct cc_set *s = load(spec);
	struct cc_buf b;
	struct cc_err e;
	char *out;

	cc_buf_init(&b);
	ck_assert_msg(fmt_qemu_cpu.write(&b, s, &e) == 0, "%s", e.msg);
	out = cc_xstrdup(b.data);
	cc_buf_free(&b);
	cc_set_free(s);
	return out;
}

START_TEST(test_writer)
{
	char *o;

	ck_assert_ptr_eq(fmt_find("qemu-cpu"), &fmt_qemu_cpu);
	ck_assert_ptr_null(fmt_qemu_cpu.read);
	o = write_cpu("profile:Cascadelake-Server-v5");
	ck_assert_str_eq(o, "Cascadelake-Server-v5\n");
	free(o);
	o = write_cpu("qemu:Cascadelake-Server-v5,-avx512vnni,+rdpid");
	ck_assert_str_eq(o, "Cascadelake-Server-v5,-avx512vnni,+rdpid\n");
	free(o);
	o = write_cpu("qemu:EPYC-Rome-v2,-xsaves");
	ck_assert_str_eq(o, "EPYC-Rome-v2,-xsaves\n");
	free(o);
	/* amd-psfd is newer than QEMU 7.2: a comment names it */
	o = write_cpu("profile:epyc-milan");
	ck_assert_ptr_nonnull(strstr(o, "\n# not expressed: "));
	ck_assert_ptr_nonnull(strstr(o, "amd_psfd"));
	ck_assert_ptr_null(strstr(o, "amd-psfd"));
	free(o);
}
END_TEST

/* --------------------------------------------------------------- names */

START_TEST(test_names_sorted_and_known)
{
	size_t i, n = qemu_names_count();

	ck_assert_uint_gt(n, 300);
	for (i = 1; i < n; i++)
		ck_assert_msg(strcmp(qemu_names_at(i - 1), qemu_names_at(i)) <
				      0,
			      "%s before %s", qemu_names_at(i - 1),
			      qemu_names_at(i));
	ck_assert_ptr_null(qemu_names_at(n));
	ck_assert(qemu_names_known("avx512vnni"));
	ck_assert(qemu_names_known("sse4.1"));
	ck_assert(!qemu_names_known("amd-psfd"));
	ck_assert(!qemu_names_known("stibp-always-on"));
	ck_assert(!qemu_names_known("lfence-always-serializing"));
	ck_assert(!qemu_names_known(NULL));
}
END_TEST

/* Every field's --names qemu spelling is a QEMU 7.2 flag, a flag QEMU 7.2
 * lacks marked as such, or a multi-bit value spelled as our name. */
START_TEST(test_every_spelling_known_or_marked)
{
	const struct cc_defs *d = cc_defs_builtin();
	size_t i, known = 0, marked = 0, values = 0;

	for (i = 0; i < d->n; i++) {
		const struct cc_field *f = &d->fields[i];
		const char *s = cc_field_spelling(f, "qemu");
		size_t n = strlen(f->name);

		if (qemu_names_known(s)) {
			known++;
			continue;
		}
		if (f->hi != f->lo) {
			ck_assert_str_eq(s, f->name);
			values++;
			continue;
		}
		ck_assert_msg(s[0] == '[' && strncmp(s + 1, f->name, n) == 0 &&
				      strcmp(s + 1 + n, "]") == 0,
			      "%s: %s", f->name, s);
		ck_assert_ptr_eq(cc_field_spelling(f, "qemu"), s);
		marked++;
	}
	ck_assert_uint_gt(known, 200);
	ck_assert_uint_gt(marked, 0);
	ck_assert_uint_gt(values, 0);
	for (i = 0; i < d->n; i++)
		if (strcmp(d->fields[i].name, "amd_psfd") == 0)
			ck_assert_str_eq(cc_field_spelling(&d->fields[i],
							   "qemu"),
					 "[amd_psfd]");
}
END_TEST

static Suite *qemu_model_suite(void)
{
	Suite *s = suite_create("qemu_model");
	TCase *tc;

	tc = tcase_create("nearest");
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_model_is_its_own_nearest);
	tcase_add_test(tc, test_every_model_matches_exactly);
	tcase_add_test(tc, test_cascade_lake_dump);
	tcase_add_test(tc, test_rome_dump);
	tcase_add_test(tc, test_minus_one_feature);
	tcase_add_test(tc, test_minimum_profiles);
	tcase_add_test(tc, test_no_vendor_dump);
	suite_add_tcase(s, tc);
	tc = tcase_create("features");
	tcase_add_test(tc, test_feature_spellings);
	tcase_add_test(tc, test_spec_minus_xsaves);
	tcase_add_test(tc, test_spec_order);
	tcase_add_test(tc, test_spec_xsave_follows);
	tcase_add_test(tc, test_spec_errors);
	tcase_add_test(tc, test_spec_aliases);
	suite_add_tcase(s, tc);
	tc = tcase_create("writer");
	tcase_add_test(tc, test_writer);
	suite_add_tcase(s, tc);
	tc = tcase_create("names");
	tcase_add_test(tc, test_names_sorted_and_known);
	tcase_add_test(tc, test_every_spelling_known_or_marked);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(qemu_model_suite());
}
