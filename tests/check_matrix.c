/*
 * Unit tests of the matrix by classes (matrix_class.c): on a synthetic
 * fleet built from the recorded CPUs (bench/fleet_synth), every cell of
 * the per-host matrix equals the cell of its two hosts' classes, in the
 * guest and the raw view; hosts that differ only in APIC IDs share a
 * class in the guest view and not in the raw view; profiles are never
 * merged; members are listed in source order; classes are named as the
 * fleet names them, and their nearest profile (tried richest first,
 * fleet_name.c) is the richest bundled profile `check` lets run, the
 * first in the table among equals, as judging every profile finds it.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_report.h"
#include "check_common.h"
#include "defs.h"
#include "diff.h"
#include "fleet.h"
#include "fleet_priv.h"
#include "fleet_synth.h"
#include "fmt.h"
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

/* Recorded CPUs of every vendor, for the judgements of every bundled
 * profile (84 x these cc_diff runs); the last two run two profiles of
 * equal richness (Skylake-Server-v1 and -v2, Icelake-Server-v5 and
 * -v6), where the first in the table wins. */
static const char *const named[] = {
	"xeon-gold-6148",  "xeon-platinum-8268", "xeon-e5-2650-v4",
	"atom-p5362",      "epyc-7502",          "epyc-7713",
	"ryzen-9-9950x",   "hygon-c86-7185",     "xeon-gold-6130",
	"ice-lake-server",
};
#define NNAMED (sizeof named / sizeof *named)

static size_t set_bits(const struct cc_set *p)
{
	size_t n = 0, i;
	int r;

	for (i = 0; i < p->n; i++)
		for (r = 0; r < CC_NREGS; r++)
			n += (size_t)__builtin_popcount(p->leaves[i].reg[r] &
							p->leaves[i].known[r]);
	return n;
}

/* Which bundled profiles a guest view of REP runs, by cc_diff alone, into
 * RUNS; returns the richest (the first in the table among equals), or
 * NULL. */
static const char *judge_all(const struct cc_set *rep, uint64_t *runs)
{
	static const struct cc_diff_opts o = {.view = CC_VIEW_GUEST};
	const char *best = NULL;
	size_t i, rich = 0;

	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *em = &cc_builtin_profiles[i];
		struct fmt_opts fo = {-1, 0};
		struct cc_err e;
		struct cc_set *p = fmt_load_buffer(em->text, em->len, em->name,
						   NULL, &fo, &e);
		struct cc_report *r;

		ck_assert_msg(p != NULL, "%s: %s", em->name, e.msg);
		r = cc_diff(p, rep, cc_defs_builtin(), &o);
		if (r->verdict != CC_VERDICT_INCOMPATIBLE) {
			runs[i / 64] |= 1ull << (i % 64);
			if (best == NULL || set_bits(p) > rich) {
				best = em->name;
				rich = set_bits(p);
			}
		}
		cc_report_free(r);
		cc_set_free(p);
	}
	return best;
}

START_TEST(nearest_profile_is_the_richest_that_runs)
{
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_matrix_classes *g = cc_matrix_classes_new(d, CC_VIEW_GUEST);
	struct cc_fleet *full = cc_fleet_new(d), *near = cc_fleet_new(d);
	size_t i, k, some = 0;

	for (i = 0; i < NNAMED; i++) {
		struct cc_err e;

		cc_matrix_classes_add(g, cct_cpu(named[i]), named[i]);
		ck_assert_int_eq(cc_fleet_add(full, cct_cpu(named[i]), NULL,
					      &e),
				 0);
		ck_assert_int_eq(cc_fleet_add(near, cct_cpu(named[i]), NULL,
					      &e),
				 0);
	}
	ck_assert_uint_eq(g->nclasses, NNAMED);
	ck_assert_uint_eq(full->nclasses, NNAMED);
	cc_matrix_classes_name(g);
	fleet_name_classes(full);
	fleet_name_classes_nearest(near);
	for (k = 0; k < NNAMED; k++) {
		uint64_t runs[FLEET_MAX_PROFILES / 64] = {0};
		const char *best = judge_all(full->classes[k].rep, runs);
		const char *got = g->classes[k].profile;

		ck_assert_msg(best == got ||
				      (best && got && strcmp(best, got) == 0),
			      "%s: matrix names %s, every judgement %s",
			      named[k], got ? got : "none",
			      best ? best : "none");
		ck_assert_ptr_eq(full->classes[k].profile, got);
		ck_assert_ptr_eq(near->classes[k].profile, got);
		ck_assert_str_eq(near->classes[k].name, full->classes[k].name);
		ck_assert_str_eq(g->classes[k].name, full->classes[k].name);
		/* fleet lists every profile it runs; matrix needs none */
		ck_assert_mem_eq(full->classes[k].runs, runs, sizeof runs);
		for (i = 0; i < FLEET_MAX_PROFILES / 64; i++)
			ck_assert_uint_eq(near->classes[k].runs[i], 0);
		some += got != NULL;
	}
	/* the brief's own example, and most recorded CPUs run one */
	ck_assert_str_eq(g->classes[0].profile, "Skylake-Server-v1");
	ck_assert_str_eq(g->classes[NNAMED - 2].profile, "Skylake-Server-v1");
	ck_assert_str_eq(g->classes[NNAMED - 1].profile, "Icelake-Server-v5");
	ck_assert_uint_gt(some, NNAMED / 2);
	cc_fleet_free(full);
	cc_fleet_free(near);
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
	tcase_add_test(tc, nearest_profile_is_the_richest_that_runs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(matrix_suite());
}
