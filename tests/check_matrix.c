/*
 * Unit tests of the matrix by classes (matrix_class.c): on a synthetic
 * fleet built from the recorded CPUs (bench/fleet_synth), every cell of
 * the per-host matrix equals the cell of its two hosts' classes, in the
 * guest and the raw view; hosts that differ only in APIC IDs share a
 * class in the guest view and not in the raw view; profiles are never
 * merged; members are listed in source order; classes are named as the
 * fleet names them.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "check_common.h"
#include "defs.h"
#include "fleet_synth.h"
#include "guest.h"
#include "matrix.h"
#include "source.h"

static const char *const models[] = {"xeon-gold-6148", "xeon-platinum-8268",
				     "epyc-7502", "epyc-7713"};
#define NMODELS (sizeof models / sizeof *models)

/* Host I of the synthetic fleet: model I mod NMODELS, varied as host I. */
static struct cc_set *host(struct cc_set *const *m, size_t i)
{
	struct cc_set *s = cc_set_dup(m[i % NMODELS]);
	struct synth_variant v;

	synth_variant_of(i, &v);
	synth_apply(s, &v);
	return s;
}

static struct cc_set *profile(const char *spec)
{
	struct cc_err e;
	struct cc_set *s = source_load(spec, NULL, &e);

	ck_assert_msg(s != NULL, "%s", e.msg);
	return s;
}

/* N synthetic hosts and two profiles: the per-host cells and the cells of
 * their classes agree for every pair of sources, in VIEW. */
static void expand_agrees(int view, size_t n, size_t *nclasses)
{
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_matrix_classes *g = cc_matrix_classes_new(d, view);
	struct cc_set *m[NMODELS], **all = cc_xcalloc(n + 2, sizeof *all);
	struct cc_matrix *hm, *cm;
	size_t i, j;

	for (i = 0; i < NMODELS; i++)
		m[i] = cct_cpu(models[i]);
	for (i = 0; i < n + 2; i++) {
		char spec[32];

		all[i] = i < n    ? host(m, i)
			 : i == n ? profile("profile:x86-64-v3")
				  : profile("profile:Skylake-Server-v1");
		snprintf(spec, sizeof spec, "h%zu", i);
		cc_matrix_classes_add(g, cc_set_dup(all[i]), spec);
	}
	hm = cc_matrix_new_view((const struct cc_set *const *)all, n + 2, d,
				view);
	cm = cc_matrix_new_view(g->reps, g->nclasses, d, view);
	ck_assert_uint_eq(g->nsources, n + 2);
	for (i = 0; i < n + 2; i++)
		for (j = 0; j < n + 2; j++)
			ck_assert_msg(cc_matrix_cell(hm, i, j) ==
					      cc_matrix_cell(cm, g->cls[i],
							     g->cls[j]),
				      "view %d: h%zu -> h%zu: host cell %d, "
				      "class cell (%zu, %zu) %d",
				      view, i, j, cc_matrix_cell(hm, i, j),
				      g->cls[i], g->cls[j],
				      cc_matrix_cell(cm, g->cls[i], g->cls[j]));
	*nclasses = g->nclasses;
	cc_matrix_free(hm);
	cc_matrix_free(cm);
	cc_matrix_classes_free(g);
	cct_free_sets(all, n + 2);
	for (i = 0; i < NMODELS; i++)
		cc_set_free(m[i]);
}

START_TEST(class_cells_expand_to_hosts)
{
	size_t guest, raw;

	expand_agrees(CC_VIEW_GUEST, 96, &guest);
	expand_agrees(CC_VIEW_RAW, 96, &raw);
	/* every host has its own APIC ID, so raw CPUID never repeats;
	 * the guest view repeats (4 models x at most 16 variants = 64) */
	ck_assert_uint_eq(raw, 96 + 2);
	ck_assert_uint_lt(guest, 64 + 2 + 1);
	ck_assert_uint_gt(guest, NMODELS + 2 - 1);
}
END_TEST

/* Two hosts that differ only in their APIC IDs, then the same host again
 * and a profile twice. */
static struct cc_matrix_classes *four(int view)
{
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_matrix_classes *g = cc_matrix_classes_new(d, view);
	struct cc_set *m = cct_cpu("xeon-gold-6148"), *s;
	struct synth_variant v;

	memset(&v, 0, sizeof v);
	v.apic = 3;
	s = cc_set_dup(m);
	synth_apply(s, &v);
	ck_assert_uint_eq(cc_matrix_classes_add(g, s, "a"), 0);
	v.apic = 17;
	s = cc_set_dup(m);
	synth_apply(s, &v);
	cc_matrix_classes_add(g, s, "b");
	cc_matrix_classes_add(g, cc_set_dup(m), "c");
	cc_matrix_classes_add(g, profile("profile:x86-64-v3"), "p1");
	cc_matrix_classes_add(g, profile("profile:x86-64-v3"), "p2");
	cc_set_free(m);
	cc_matrix_classes_name(g);
	return g;
}

START_TEST(apic_ids_split_only_raw_classes)
{
	struct cc_matrix_classes *g = four(CC_VIEW_GUEST);

	/* a, b and the recording share the guest view; profiles apart */
	ck_assert_uint_eq(g->nclasses, 3);
	ck_assert_uint_eq(g->classes[0].nmembers, 3);
	ck_assert_uint_eq(g->classes[0].members[0], 0);
	ck_assert_uint_eq(g->classes[0].members[1], 1);
	ck_assert_uint_eq(g->classes[0].members[2], 2);
	ck_assert_str_eq(g->specs[g->classes[0].members[1]], "b");
	ck_assert_uint_eq(g->cls[3], 1);
	ck_assert_uint_eq(g->cls[4], 2);
	/* named as `cpucompat fleet` names it, with its nearest model */
	ck_assert_str_eq(g->classes[0].name, "Intel Xeon Gold 6148");
	ck_assert_ptr_nonnull(g->classes[0].profile);
	ck_assert_str_eq(g->classes[0].profile, "Skylake-Server-v1");
	ck_assert_str_eq(g->classes[1].name, "x86-64-v3");
	ck_assert_ptr_null(g->classes[1].profile);
	cc_matrix_classes_free(g);

	g = four(CC_VIEW_RAW);
	/* a, b and c differ in raw CPUID (APIC IDs) */
	ck_assert_uint_eq(g->nclasses, 5);
	ck_assert_uint_eq(g->classes[2].nmembers, 1);
	ck_assert_str_eq(g->classes[0].name,
			 "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz");
	cc_matrix_classes_free(g);
}
END_TEST

/* The same raw CPUID twice is one class in the raw view too. */
START_TEST(equal_raw_dumps_share_a_class)
{
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_matrix_classes *g = cc_matrix_classes_new(d, CC_VIEW_RAW);
	struct cc_set *m = cct_cpu("epyc-7713");

	cc_matrix_classes_add(g, cc_set_dup(m), "x");
	cc_matrix_classes_add(g, cct_cpu("epyc-7502"), "y");
	cc_matrix_classes_add(g, m, "z");
	ck_assert_uint_eq(g->nclasses, 2);
	ck_assert_uint_eq(g->cls[2], 0);
	ck_assert_uint_eq(g->classes[0].nmembers, 2);
	cc_matrix_classes_free(g);
}
END_TEST

static Suite *matrix_suite(void)
{
	Suite *s = suite_create("matrix");
	TCase *tc = tcase_create("classes");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, class_cells_expand_to_hosts);
	tcase_add_test(tc, apic_ids_split_only_raw_classes);
	tcase_add_test(tc, equal_raw_dumps_share_a_class);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(matrix_suite());
}
