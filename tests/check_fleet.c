/*
 * Unit tests of the fleet modules: classes by hashed guest view (as many
 * classes as distinct guest views on a synthetic fleet, APIC IDs never
 * split a class), the reduced migration graph, one baseline per vendor,
 * removal gains, targets grouped by reason, labels that are valid
 * Kubernetes label keys, and the input forms (directory, @list, a bad
 * file reported by name while the rest loads).  Fleets are built in
 * memory from the recorded CPUs of tests/data/cpus with bench/fleet_synth.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_buf.h"
#include "check_common.h"
#include "fleet.h"
#include "fleet_input.h"
#include "fleet_out.h"
#include "fleet_priv.h"
#include "fleet_synth.h"
#include "fleet_targets.h"
#include "fmt.h"
#include "guest.h"

static struct cc_set *cpu(const char *stem)
{
	char path[512];
	struct fmt_opts fo = {-1, 0};
	struct cc_err e;
	struct cc_set *s;

	snprintf(path, sizeof path, "%s/tests/data/cpus/%s.json", TOP_SRCDIR,
		 stem);
	s = fmt_load_file(path, NULL, &fo, &e);
	ck_assert_msg(s != NULL, "%s", e.msg);
	return s;
}

/* Add host NAME: MODEL varied by V. */
static void add(struct cc_fleet *f, const struct cc_set *model,
		const struct synth_variant *v, const char *name)
{
	struct cc_set *s = cc_set_dup(model);
	struct cc_err e;

	synth_apply(s, v);
	ck_assert_msg(cc_fleet_add(f, s, name, &e) == 0, "%s", e.msg);
}

/* Does V change MODEL's dump, next to the variant that only sets the
 * APIC ID 0? */
static int changes(const struct cc_set *model, const struct synth_variant *v)
{
	struct cc_set *s = cc_set_dup(model), *z = cc_set_dup(model);
	struct synth_variant zero;
	int diff;

	memset(&zero, 0, sizeof zero);
	synth_apply(s, v);
	synth_apply(z, &zero);
	diff = memcmp(s->leaves, z->leaves, s->n * sizeof *s->leaves) != 0;
	cc_set_free(s);
	cc_set_free(z);
	return diff;
}

static const char *const models3[] = {"xeon-gold-6148", "xeon-platinum-8268",
				      "epyc-7502"};

START_TEST(classes_are_distinct_views)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct cc_set *m[3];
	/* per model, which of the three visible changes alter it at all */
	int eff[3][3];
	unsigned char seen[3][8];
	size_t i, expect = 0;

	memset(seen, 0, sizeof seen);
	for (i = 0; i < 3; i++) {
		struct synth_variant v;

		m[i] = cpu(models3[i]);
		memset(&v, 0, sizeof v);
		v.old_ucode = 1;
		eff[i][0] = changes(m[i], &v);
		memset(&v, 0, sizeof v);
		v.no_tsx = 1;
		eff[i][1] = changes(m[i], &v);
		memset(&v, 0, sizeof v);
		v.no_avx512 = 1;
		eff[i][2] = changes(m[i], &v);
	}
	/* the Platinum 8268 has all three (the 6148's recording predates
	 * the MDS microcode); the EPYC 7502 has neither TSX nor AVX-512 */
	ck_assert(!eff[0][0] && eff[0][1] && eff[0][2]);
	ck_assert(eff[1][0] && eff[1][1] && eff[1][2]);
	ck_assert_msg(eff[2][0] && !eff[2][1] && !eff[2][2], "%d %d %d",
		      eff[2][0], eff[2][1], eff[2][2]);
	for (i = 0; i < 600; i++) {
		struct synth_variant v;
		size_t k = i % 3;
		unsigned key;

		synth_variant_of(i, &v);
		v.stepping = 0;
		add(f, m[k], &v, NULL);
		key = (unsigned)((v.old_ucode && eff[k][0]) |
				 (v.no_tsx && eff[k][1]) << 1 |
				 (v.no_avx512 && eff[k][2]) << 2);
		if (!seen[k][key]++)
			expect++;
	}
	ck_assert_uint_eq(f->nhosts, 600);
	ck_assert_uint_eq(expect, 4 + 8 + 2);
	ck_assert_uint_eq(f->nclasses, expect);
	for (i = 0; i < 3; i++)
		cc_set_free(m[i]);
	cc_fleet_free(f);
}
END_TEST

/* A host whose IA32_ARCH_CAPABILITIES reads 0 (affected by all of it) and
 * one whose dump carries no MSRs (unknown) are not one class: a guest
 * with mds-no may go to the second as far as anyone knows, not to the
 * first. */
START_TEST(zero_msr_is_not_unknown_msr)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct cc_set *m = cpu("xeon-gold-6148"), *z = cc_set_dup(m);
	struct cc_set *u = cc_set_dup(m), *g = cc_set_dup(m);
	struct cc_err e;

	cc_set_put_msr(z, 0x10a, 0);
	cc_set_put_msr(g, 0x10a, 0x2b); /* rdcl-no ibrs-all ... mds-no */
	ck_assert_int_eq(cc_fleet_add(f, z, "zero", &e), 0);
	ck_assert_int_eq(cc_fleet_add(f, u, "unknown", &e), 0);
	ck_assert_int_eq(cc_fleet_add(f, g, "guest", &e), 0);
	ck_assert_uint_eq(f->nclasses, 3);
	cc_set_free(m);
	cc_fleet_free(f);
}
END_TEST

START_TEST(apic_ids_do_not_split)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct cc_set *m = cpu("xeon-gold-6148"), *a = cpu("epyc-7713");
	struct synth_variant v;
	uint32_t *w1 = NULL, *w2 = NULL;
	size_t c1 = 0, c2 = 0, n1, n2, i;

	memset(&v, 0, sizeof v);
	for (i = 0; i < 64; i++) {
		v.apic = (uint32_t)i * 3;
		add(f, m, &v, NULL);
		add(f, a, &v, NULL);
	}
	ck_assert_uint_eq(f->nclasses, 2);
	ck_assert_uint_eq(f->classes[0].nhosts, 64);
	/* the APIC ID is really in the dumps, and out of the views */
	v.apic = 7;
	ck_assert(changes(m, &v));
	v.apic = 0;
	ck_assert(!changes(m, &v));
	n1 = fleet_guest_view(f, f->classes[0].rep, &w1, &c1);
	n2 = fleet_guest_view(f, m, &w2, &c2);
	ck_assert_uint_eq(n1, n2);
	ck_assert(memcmp(w1, w2, n1 * sizeof *w1) == 0);
	free(w1);
	free(w2);
	cc_set_free(m);
	cc_set_free(a);
	cc_fleet_free(f);
}
END_TEST

static const char *const all_cpus[] = {
	"atom-p5362",       "cooperlake",        "core-i7-1270p",
	"epyc-7502",        "epyc-7601",         "epyc-7713",
	"epyc-9334",        "hygon-c86-7185",    "ice-lake-server",
	"ryzen-9-9950x",    "xeon-bronze-3408u", "xeon-e3-1245-v5",
	"xeon-e5-2650-v4",  "xeon-e7-8890",      "xeon-gold-6130",
	"xeon-gold-6148",   "xeon-gold-6530",    "xeon-platinum-8268",
	"xeon-silver-4214r"};
#define NCPUS (sizeof all_cpus / sizeof *all_cpus)

/* The quick test never contradicts `check`: over every ordered pair of
 * the recorded CPUs (and their variants), whenever it says blocked,
 * cc_diff in the guest view says incompatible; and it settles most. */
START_TEST(quick_test_agrees_with_check)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct cc_set *s[2 * NCPUS];
	size_t i, j, sure = 0, blocked = 0;

	for (i = 0; i < NCPUS; i++) {
		struct synth_variant v;

		s[i] = cpu(all_cpus[i]);
		s[NCPUS + i] = cc_set_dup(s[i]);
		memset(&v, 0, sizeof v);
		v.no_tsx = v.no_avx512 = v.old_ucode = 1;
		synth_apply(s[NCPUS + i], &v);
	}
	for (i = 0; i < 2 * NCPUS; i++) {
		for (j = 0; j < 2 * NCPUS; j++) {
			struct cc_report *r;
			int quick = fleet_surely_blocked(f, s[i], s[j]);

			r = cc_diff(s[i], s[j], f->d, fleet_diff_opts());
			ck_assert_msg(!quick || r->verdict ==
							CC_VERDICT_INCOMPATIBLE,
				      "%s -> %s", s[i]->name, s[j]->name);
			blocked += r->verdict == CC_VERDICT_INCOMPATIBLE &&
				   !r->vendor_mismatch;
			sure += quick && !r->vendor_mismatch;
			cc_report_free(r);
		}
	}
	ck_assert_uint_ge(sure * 10, blocked * 9);
	for (i = 0; i < 2 * NCPUS; i++)
		cc_set_free(s[i]);
	cc_fleet_free(f);
}
END_TEST

/* Hosts of one class take each other's guests, as `check` judges. */
START_TEST(class_members_are_compatible)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	size_t i, k;

	for (i = 0; i < NCPUS; i++) {
		struct cc_set *m = cpu(all_cpus[i]), *a, *b;
		struct synth_variant v;
		struct cc_report *r;

		memset(&v, 0, sizeof v);
		a = cc_set_dup(m);
		b = cc_set_dup(m);
		v.apic = 3;
		synth_apply(a, &v);
		v.apic = 200;
		synth_apply(b, &v);
		for (k = 0; k < 2; k++) {
			r = cc_diff(k ? a : b, k ? b : a, f->d,
				    fleet_diff_opts());
			ck_assert_msg(r->verdict != CC_VERDICT_INCOMPATIBLE,
				      "%s", all_cpus[i]);
			cc_report_free(r);
		}
		ck_assert_int_eq(cc_fleet_add(f, a, NULL, NULL), 0);
		ck_assert_int_eq(cc_fleet_add(f, b, NULL, NULL), 0);
		cc_set_free(m);
	}
	ck_assert_uint_eq(f->nclasses, NCPUS);
	cc_fleet_free(f);
}
END_TEST

/* Hosts of one model: A = no TSX and old microcode, B = no TSX, C = all.
 * Guests go A -> B -> C; the reduced graph drops A -> C. */
START_TEST(graph_is_reduced)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct cc_set *m = cpu("xeon-platinum-8268");
	struct synth_variant v;
	struct cc_err e;

	memset(&v, 0, sizeof v);
	v.no_tsx = 1;
	v.old_ucode = 1;
	add(f, m, &v, "a");
	v.old_ucode = 0;
	add(f, m, &v, "b");
	v.no_tsx = 0;
	add(f, m, &v, "c");
	ck_assert_uint_eq(f->nclasses, 3);
	ck_assert_msg(cc_fleet_analyze(f, &e) == 0, "%s", e.msg);
	ck_assert(cc_fleet_reaches(f, 0, 1) && cc_fleet_reaches(f, 1, 2));
	ck_assert(cc_fleet_reaches(f, 0, 2));
	ck_assert(!cc_fleet_reaches(f, 2, 0) && !cc_fleet_reaches(f, 1, 0));
	ck_assert_uint_eq(f->nedges, 2);
	ck_assert_uint_eq(f->edges[0].from, 0);
	ck_assert_uint_eq(f->edges[0].to, 1);
	ck_assert_uint_eq(f->edges[1].from, 1);
	ck_assert_uint_eq(f->edges[1].to, 2);
	/* names: the brand plus what each lacks next to its siblings */
	ck_assert_str_eq(f->classes[2].name, "Intel Xeon Platinum 8268");
	ck_assert_msg(strstr(f->classes[1].name, "-hle -rtm") != NULL, "%s",
		      f->classes[1].name);
	ck_assert_msg(strstr(f->classes[0].name, "-md_clear") != NULL, "%s",
		      f->classes[0].name);
	/* the largest group runs a's guests: every host */
	ck_assert_uint_eq(f->largest, 0);
	ck_assert_uint_eq(f->largest_hosts, 3);
	cc_set_free(m);
	cc_fleet_free(f);
}
END_TEST

START_TEST(mixed_fleet_two_baselines)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct cc_set *m[3];
	struct synth_variant v;
	struct cc_err e;
	size_t i;

	memset(&v, 0, sizeof v);
	for (i = 0; i < 3; i++) {
		m[i] = cpu(models3[i]);
		add(f, m[i], &v, NULL);
	}
	ck_assert_msg(cc_fleet_analyze(f, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(f->nvendors, 2);
	ck_assert_int_eq(f->vendors[0].vendor, CC_VENDOR_INTEL);
	ck_assert_uint_eq(f->vendors[0].nclasses, 2);
	ck_assert_int_eq(f->vendors[1].vendor, CC_VENDOR_AMD);
	ck_assert_uint_eq(f->vendors[1].nclasses, 1);
	ck_assert_ptr_nonnull(f->vendors[0].baseline);
	ck_assert_ptr_nonnull(f->vendors[1].baseline);
	ck_assert_str_eq(f->vendors[0].baseline->profile->name, "fleet-intel");
	ck_assert(!cc_fleet_reaches(f, 0, 2) && !cc_fleet_reaches(f, 2, 0));
	for (i = 0; i < 3; i++)
		cc_set_free(m[i]);
	cc_fleet_free(f);
}
END_TEST

static int gains_field(const struct fleet_gain *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nfields; i++)
		if (strcmp(g->fields[i]->name, name) == 0)
			return 1;
	return 0;
}

/* Ten hosts with TSX and two with TSX turned off: removing those two
 * adds hle and rtm to the baseline; a guest of a TSX host can go to the
 * ten, not the two, for that reason.  (Mitigations would not do here:
 * profiles leave them to the host, so they never shrink a baseline.) */
START_TEST(gains_and_targets)
{
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct cc_set *m = cpu("xeon-platinum-8268");
	struct synth_variant v;
	struct fleet_targets *t;
	struct cc_err e;
	size_t i;

	memset(&v, 0, sizeof v);
	for (i = 0; i < 12; i++) {
		char name[16];

		snprintf(name, sizeof name, "n%02zu", i);
		v.no_tsx = i >= 10;
		v.apic = (uint32_t)i;
		add(f, m, &v, name);
	}
	ck_assert_msg(cc_fleet_analyze(f, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(f->nclasses, 2);
	ck_assert_uint_ge(f->vendors[0].ngains, 1);
	ck_assert_uint_eq(f->vendors[0].gains[0].nhosts, 2);
	ck_assert_uint_eq(f->vendors[0].gains[0].classes[0], 1);
	ck_assert(gains_field(&f->vendors[0].gains[0], "hle"));
	ck_assert(gains_field(&f->vendors[0].gains[0], "rtm"));
	ck_assert_uint_eq(f->vendors[0].gains[0].nfields, 2);
	t = fleet_targets(f, f->classes[0].rep, NULL);
	ck_assert_uint_eq(t->okhosts, 10);
	ck_assert_uint_eq(t->nr, 1);
	ck_assert_uint_eq(t->r[0].nhosts, 2);
	ck_assert_str_eq(t->r[0].why, "lacks hle, rtm");
	fleet_targets_free(t);
	/* and a guest of an old host can go anywhere */
	t = fleet_targets(f, f->classes[1].rep, NULL);
	ck_assert_uint_eq(t->okhosts, 12);
	ck_assert_uint_eq(t->nr, 0);
	fleet_targets_free(t);
	cc_set_free(m);
	cc_fleet_free(f);
}
END_TEST

START_TEST(label_rules)
{
	static const char *const good[] = {
		"cpu-feature.node.kubevirt.io/avx512vnni",
		"cpu-model.node.kubevirt.io/x86-64-v3", "a", "a.b_c-D9",
		"example.com/x"};
	static const char *const bad[] = {
		"",
		"-a",
		"a-",
		"cpu-feature.node.kubevirt.io/",
		"Cpu.node.io/x",
		"a..b/x",
		"-a.io/x",
		"x/y z",
		"a/0123456789012345678901234567890123456789012345678901234567890123"};
	size_t i;

	for (i = 0; i < sizeof good / sizeof *good; i++)
		ck_assert_msg(fleet_label_valid(good[i]), "%s", good[i]);
	for (i = 0; i < sizeof bad / sizeof *bad; i++)
		ck_assert_msg(!fleet_label_valid(bad[i]), "%s", bad[i]);
}
END_TEST

/* Every label of every host of a mixed fleet is a valid key, and the
 * labels say what the host's CPU has. */
START_TEST(labels_valid)
{
	static const char *const stems[] = {"xeon-gold-6530", "core-i7-1270p",
					    "epyc-9334", "hygon-c86-7185",
					    "atom-p5362"};
	struct cc_fleet *f = cc_fleet_new(cc_defs_builtin());
	struct synth_variant v;
	struct cc_buf b;
	struct cc_err e;
	char *line, *save = NULL;
	size_t i, labels = 0;

	memset(&v, 0, sizeof v);
	for (i = 0; i < sizeof stems / sizeof *stems; i++) {
		struct cc_set *m = cpu(stems[i]);

		add(f, m, &v, stems[i]);
		cc_set_free(m);
	}
	ck_assert_msg(cc_fleet_analyze(f, &e) == 0, "%s", e.msg);
	fleet_name_runs(f);
	cc_buf_init(&b);
	fleet_labels(&b, f, 0);
	ck_assert_msg(strstr(b.data,
			     "xeon-gold-6530 cpu-vendor.node.kubevirt."
			     "io/Intel=true") == b.data,
		      "%.80s", b.data);
	ck_assert(strstr(b.data,
			 " cpu-feature.node.kubevirt.io/avx512-vnni="
			 "true") != NULL ||
		  strstr(b.data,
			 " cpu-feature.node.kubevirt.io/avx512vnni="
			 "true") != NULL);
	ck_assert(strstr(b.data, "cpu-model.node.kubevirt.io/x86-64-v4=true") !=
		  NULL);
	for (line = strtok_r(b.data, " \n", &save); line != NULL;
	     line = strtok_r(NULL, " \n", &save)) {
		char *eq = strchr(line, '=');

		if (eq == NULL)
			continue; /* a host name */
		ck_assert_str_eq(eq, "=true");
		*eq = '\0';
		ck_assert_msg(fleet_label_valid(line), "%s", line);
		labels++;
	}
	ck_assert_uint_gt(labels, 5 * 40);
	cc_buf_free(&b);
	cc_fleet_free(f);
}
END_TEST

/* fleet_seen of unnamed bits as it was: one cc_guest_judge per bit. */
static uint32_t seen_bitwise(const struct cc_defs *d, uint32_t leaf,
			     uint32_t sub, int reg, uint32_t bits)
{
	struct cc_judgement j;
	uint32_t seen = 0;
	int bit;

	if (d->kvm_rules == NULL)
		return bits;
	for (bit = 0; bit < 32; bit++) {
		if (!(bits >> bit & 1))
			continue;
		cc_guest_judge(d, CC_VIEW_GUEST, NULL, leaf, sub, reg,
			       1u << bit, &j);
		if (j.unseen == CC_UNSEEN_NONE)
			seen |= 1u << bit;
	}
	return seen;
}

/* Both ways agree on (LEAF, SUB), every register, for every bit and for
 * the bits no field names; the number of seen unnamed bits into *NSEEN. */
static void same_seen(const struct cc_defs *d, uint32_t leaf, uint32_t sub,
		      size_t *nseen)
{
	static const uint32_t probes[] = {UINT32_MAX, 0x80000001u, 0x0000ff00u,
					  0};
	int r;
	size_t i;

	for (r = 0; r < CC_NREGS; r++)
		for (i = 0; i < sizeof probes / sizeof *probes; i++) {
			uint32_t a = seen_bitwise(d, leaf, sub, r, probes[i]);
			uint32_t b =
				fleet_seen(d, NULL, leaf, sub, r, probes[i]);

			ck_assert_msg(a == b,
				      "%#x.%u reg %d bits %#x: judged %#x, "
				      "mask %#x",
				      leaf, sub, r, probes[i], a, b);
			if (i == 0)
				*nseen += (size_t)__builtin_popcount(a);
		}
}

/* The unnamed bits a guest sees come from one register lookup
 * (cc_guest_unnamed_mask), as they did from judging each bit: on every
 * (leaf, subleaf) the defs name, at the ends of every guest-register
 * range and just past them, with and without KVM rules. */
START_TEST(unnamed_mask_is_bitwise_judgement)
{
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_defs raw = *d;
	size_t i, k, seen = 0, none = 0;

	ck_assert_ptr_nonnull(d->kvm_rules);
	ck_assert_uint_gt(d->nregs, 10);
	for (i = 0; i < d->nregs; i++) {
		const struct cc_guest_reg *g = &d->regs[i];
		const uint32_t leaves[] = {g->leaf, g->leaf_last,
					   g->leaf_last + 1};
		const uint32_t subs[] = {g->first, g->last, g->last + 1, 0};

		for (k = 0; k < 12; k++)
			same_seen(d, leaves[k / 4], subs[k % 4], &seen);
	}
	for (i = 0; i < d->n; i++) {
		const struct cc_field *fl = &d->fields[i];

		same_seen(d, fl->leaf, fl->first, &none);
		same_seen(d, fl->leaf, fl->last, &none);
	}
	same_seen(d, 0x4fffffffu, 0, &none);
	/* both kinds occur: some unnamed bits seen, some registers hidden */
	ck_assert_uint_gt(seen, 0);
	ck_assert_uint_eq(fleet_seen(d, NULL, 0x4fffffffu, 0, 0, UINT32_MAX),
			  0);
	/* KVM's mask of leaf 0x80000001 ECX; the VMM sets 0x40000000 */
	ck_assert_uint_eq(fleet_seen(d, NULL, 0x80000001u, 0, CC_ECX,
				     UINT32_MAX),
			  0x00e10bf7u);
	ck_assert_uint_eq(fleet_seen(d, NULL, 0x40000000u, 0, CC_EAX,
				     UINT32_MAX),
			  0);
	raw.kvm_rules = NULL;
	same_seen(&raw, 1, 0, &none);
	ck_assert_uint_eq(fleet_seen(&raw, NULL, 0x40000000u, 0, CC_EAX,
				     UINT32_MAX),
			  UINT32_MAX);
}
END_TEST

/* fleet_name_runs after analyze (which judges only up to each class's
 * richest profile) lists exactly the profiles fleet_name_classes lists
 * by judging them all, for CPUs of three vendors. */
START_TEST(runs_after_analyze_as_full)
{
	static const char *const stems[] = {"xeon-gold-6148", "epyc-7502",
					    "hygon-c86-7185", "atom-p5362",
					    "xeon-e7-8890",   "ryzen-9-9950x"};
	const struct cc_defs *d = cc_defs_builtin();
	struct cc_fleet *f = cc_fleet_new(d), *full = cc_fleet_new(d);
	struct synth_variant v;
	struct cc_err e;
	size_t i, k, j, some = 0;

	memset(&v, 0, sizeof v);
	for (i = 0; i < sizeof stems / sizeof *stems; i++) {
		struct cc_set *m = cpu(stems[i]);

		add(f, m, &v, stems[i]);
		add(full, m, &v, stems[i]);
		cc_set_free(m);
	}
	ck_assert_msg(cc_fleet_analyze(f, &e) == 0, "%s", e.msg);
	for (k = 0; k < f->nclasses; k++)
		for (j = 0; j < FLEET_MAX_PROFILES / 64; j++)
			ck_assert_uint_eq(f->classes[k].runs[j], 0);
	fleet_name_runs(f);
	fleet_name_classes(full);
	ck_assert_uint_eq(f->nclasses, full->nclasses);
	for (k = 0; k < f->nclasses; k++) {
		ck_assert_ptr_eq(f->classes[k].profile,
				 full->classes[k].profile);
		ck_assert_mem_eq(f->classes[k].runs, full->classes[k].runs,
				 sizeof f->classes[k].runs);
		for (j = 0; j < FLEET_MAX_PROFILES / 64; j++)
			some += (size_t)__builtin_popcountll(
				f->classes[k].runs[j]);
	}
	/* Skylake-Server-v1 is the richest a Xeon Gold 6148 runs */
	ck_assert_str_eq(f->classes[0].profile, "Skylake-Server-v1");
	ck_assert_uint_gt(some, f->nclasses);
	fleet_name_runs(f); /* again: the same */
	ck_assert_mem_eq(f->classes[0].runs, full->classes[0].runs,
			 sizeof f->classes[0].runs);
	cc_fleet_free(f);
	cc_fleet_free(full);
}
END_TEST

static void write_file(const char *path, const char *text)
{
	FILE *fp = fopen(path, "w");

	ck_assert_ptr_nonnull(fp);
	fputs(text, fp);
	ck_assert_int_eq(fclose(fp), 0);
}

struct bads {
	char msg[4][1024];
	size_t n;
};

static void on_bad(void *ctx, const char *msg)
{
	struct bads *b = ctx;

	if (b->n < 4)
		snprintf(b->msg[b->n], sizeof b->msg[0], "%s", msg);
	b->n++;
}

/* A directory, then a list naming the same files plus a broken one: the
 * broken one is reported by name and the others join. */
START_TEST(input_dir_and_list)
{
	char dir[] = "/tmp/check_fleet.XXXXXX", path[600], list[600];
	struct fleet_specs sp;
	struct fleet_load_opts lo;
	struct cc_fleet *f;
	struct bads bad;
	struct cc_err e;
	struct cc_buf b;
	size_t i;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (i = 0; i < 3; i++) {
		struct cc_set *m = cpu(models3[i]);

		cc_buf_init(&b);
		ck_assert_int_eq(fmt_native.write(&b, m, &e), 0);
		snprintf(path, sizeof path, "%s/%s.json", dir, models3[i]);
		write_file(path, b.data);
		cc_buf_free(&b);
		cc_set_free(m);
	}
	memset(&sp, 0, sizeof sp);
	ck_assert_int_eq(fleet_specs_add(&sp, dir, &e), 0);
	ck_assert_uint_eq(sp.n, 3);
	snprintf(path, sizeof path, "%s/broken.json", dir);
	snprintf(list, sizeof list, "%s/hosts.txt", dir);
	cc_buf_init(&b);
	cc_buf_printf(&b, "# fleet\n\n  %s/%s.json  \n%s\n", dir, models3[0],
		      path);
	write_file(list, b.data);
	cc_buf_free(&b);
	memmove(list + 1, list, strlen(list) + 1);
	list[0] = '@';
	ck_assert_int_eq(fleet_specs_add(&sp, list, &e), 0);
	ck_assert_uint_eq(sp.n, 5);
	write_file(path, "{\"format\": \"cpucompat\", \"leaves\": [}\n");
	memset(&bad, 0, sizeof bad);
	memset(&lo, 0, sizeof lo);
	lo.bad = on_bad;
	lo.ctx = &bad;
	f = cc_fleet_new(cc_defs_builtin());
	ck_assert_uint_eq(fleet_load(f, &sp, &lo), 1);
	ck_assert_uint_eq(bad.n, 1);
	ck_assert_msg(strstr(bad.msg[0], "broken.json") != NULL, "%s",
		      bad.msg[0]);
	ck_assert_uint_eq(f->nhosts, 4);
	ck_assert_uint_eq(f->nclasses, 3);
	ck_assert_str_eq(f->hosts[0].name, "epyc-7502");
	ck_assert_int_lt(fleet_specs_add(&sp, "@/nonexistent/list", &e), 0);
	ck_assert_msg(strstr(e.msg, "/nonexistent/list") != NULL, "%s", e.msg);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s/%s.json", dir, models3[i]);
		unlink(path);
	}
	snprintf(path, sizeof path, "%s/broken.json", dir);
	unlink(path);
	unlink(list + 1);
	rmdir(dir);
	fleet_specs_free(&sp);
	cc_fleet_free(f);
}
END_TEST

static Suite *fleet_suite(void)
{
	Suite *s = suite_create("fleet");
	TCase *tc;

	tc = tcase_create("classes");
	tcase_add_test(tc, classes_are_distinct_views);
	tcase_add_test(tc, apic_ids_do_not_split);
	tcase_add_test(tc, zero_msr_is_not_unknown_msr);
	tcase_add_test(tc, quick_test_agrees_with_check);
	tcase_add_test(tc, class_members_are_compatible);
	suite_add_tcase(s, tc);
	tc = tcase_create("graph");
	tcase_add_test(tc, graph_is_reduced);
	tcase_add_test(tc, mixed_fleet_two_baselines);
	tcase_add_test(tc, gains_and_targets);
	suite_add_tcase(s, tc);
	tc = tcase_create("labels");
	tcase_add_test(tc, label_rules);
	tcase_add_test(tc, labels_valid);
	tcase_add_test(tc, runs_after_analyze_as_full);
	tcase_add_test(tc, unnamed_mask_is_bitwise_judgement);
	suite_add_tcase(s, tc);
	tc = tcase_create("input");
	tcase_add_test(tc, input_dir_and_list);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return cct_run(fleet_suite());
}
