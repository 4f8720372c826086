/*
 * Unit tests of the explorer's view model (view.c), which is curses-free:
 * this binary links no curses at all.  Two small synthetic Intel dumps, A
 * and B, where B lacks avx512f, sha_ni, gfni and an unnamed bit of 7.0.ecx
 * (which no KVM guest sees) and has another stepping; every behaviour the
 * explorer promises is checked on them: building rows and groups,
 * filtering, search by name, alias, spelling and position, cursor and
 * scroll at the edges, resizing, swap, what-if toggles and the profile
 * they write, the footer per mode.  The order of the first screen (by
 * consequence, the vendor first, the unseen last) is checked on recorded
 * CPUs from tests/data/cpus and on hand-made sets.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"
#include "fmt.h"
#include "guest.h"
#include "view.h"

#define BIT(n) (1u << (n))

static const struct cc_defs *defs;
static struct cc_set *set_a, *set_b;
static struct view *v;

/* Leaf 1 ECX: pni, pclmulqdq, sse4_1, aes, avx (both sides). */
#define ECX1 (BIT(0) | BIT(1) | BIT(19) | BIT(25) | BIT(28))

static struct cc_set *intel(const char *name, uint32_t eax1, uint32_t ebx7,
			    uint32_t ecx7)
{
	struct cc_set *s = cc_set_new(name, CC_KIND_DUMP);
	struct cc_err e;

	cct_put(s, 0, 0, 7, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	cct_put(s, 1, 0, eax1, 0, ECX1, 0);
	cct_put(s, 7, 0, 0, ebx7, ecx7, 0);
	ck_assert_int_eq(cc_set_finish(s, &e), 0);
	return s;
}

static void setup(void)
{
	defs = cc_defs_builtin();
	/* A: avx2, avx512f, sha_ni; gfni and unnamed bit 15 of 7.0.ecx */
	set_a = intel("/data/A dump.json", 0x000906ea,
		      BIT(5) | BIT(16) | BIT(29), BIT(8) | BIT(15));
	/* B: avx2 only, another stepping */
	set_b = intel("B", 0x000906eb, BIT(5), 0);
	v = view_new(set_a, set_b, defs);
}

static void teardown(void)
{
	view_free(v);
	cc_set_free(set_a);
	cc_set_free(set_b);
	v = NULL;
}

static const char *row_name(void)
{
	static char buf[32];
	const struct view_row *r = view_row(v);

	return r ? view_row_name(r, buf, sizeof buf) : "(none)";
}

static const char *group_name(void)
{
	static char buf[32];
	const struct view_group *g = view_group(v);

	if (g == NULL)
		return "(none)";
	view_group_label(g, buf, sizeof buf);
	return buf;
}

static size_t count_incompatible(void)
{
	return v->report->count[CC_SEV_INCOMPATIBLE];
}

/* ------------------------------------------------------------ build */

START_TEST(test_build_check)
{
	const struct view_group *g;
	size_t i;

	ck_assert_int_eq(v->two, 1);
	ck_assert_int_eq(v->report->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_uint_eq(count_incompatible(), 3);
	ck_assert_uint_eq(v->nmark[VIEW_MARK_INCOMPATIBLE], 3);
	ck_assert_uint_eq(v->nmark[VIEW_MARK_UNSEEN], v->report->unseen);
	ck_assert_uint_ge(v->nmark[VIEW_MARK_UNSEEN], 1); /* bit 15 */
	ck_assert_int_eq(v->filter, VIEW_FILTER_INCOMPATIBLE);
	/* each group's rows are in bit order, groups in the report's order */
	for (i = 0; i < v->ngroups; i++) {
		const struct view_group *gr = &v->groups[i];
		size_t k;

		if (i > 0)
			ck_assert_uint_lt(v->groups[i - 1].order, gr->order);
		ck_assert_uint_eq(gr->first, i ? v->groups[i - 1].first +
							     v->groups[i - 1].n
					       : 0);
		for (k = gr->first + 1; k < gr->first + gr->n; k++)
			ck_assert_uint_lt(v->rows[k - 1].f.lo, v->rows[k].f.lo);
	}
	ck_assert_uint_eq(v->nvgroups, 2);
	g = view_group_at(v, 0);
	ck_assert_uint_eq(g->leaf, 7);
	ck_assert_uint_eq(g->reg, CC_EBX);
	ck_assert_uint_eq(g->count[CC_SEV_INCOMPATIBLE], 2);
	g = view_group_at(v, 1);
	ck_assert_uint_eq(g->reg, CC_ECX);
	ck_assert_uint_eq(g->count[CC_SEV_INCOMPATIBLE],
			  1); /* bit 15: unseen */
	ck_assert_ptr_null(view_group_at(v, 2));
	/* the cursor starts on the first missing feature */
	ck_assert_str_eq(group_name(), "7.0.ebx");
	ck_assert_str_eq(row_name(), "avx512f");
	ck_assert_int_eq(view_row(v)->mark, VIEW_MARK_INCOMPATIBLE);
	ck_assert_int_eq(view_row(v)->f.change, CC_CHANGE_MISSING);
	ck_assert_int_eq(v->pane, VIEW_PANE_GROUPS);
}
END_TEST

START_TEST(test_build_decode)
{
	struct view *d = view_new(set_a, NULL, defs);
	size_t i, unnamed = 0;

	ck_assert_int_eq(d->two, 0);
	ck_assert_ptr_null(d->report);
	ck_assert_int_eq(d->filter, VIEW_FILTER_NONZERO);
	for (i = 0; i < d->nrows; i++) {
		const struct view_row *r = &d->rows[i];

		ck_assert_int_eq(r->mark, VIEW_MARK_VALUE);
		ck_assert_uint_eq(r->f.src, r->f.dst);
		if (r->f.field == NULL) {
			ck_assert_uint_eq(r->f.leaf, 7);
			ck_assert_uint_eq(r->f.reg, CC_ECX);
			ck_assert_uint_eq(r->f.lo, 15);
			ck_assert_uint_eq(r->f.src, 1);
			unnamed++;
		}
	}
	ck_assert_uint_eq(unnamed, 1);
	/* every visible row is non-zero */
	for (i = 0; i < d->nvgroups; i++) {
		const struct view_group *g = view_group_at(d, i);

		ck_assert_uint_gt(g->nonzero, 0);
	}
	ck_assert_uint_eq(view_search(d, "gfni"), 1);
	ck_assert_str_eq(view_row(d)->f.field->name, "gfni");
	ck_assert_int_eq(view_swap(d), -1);
	view_free(d);
}
END_TEST

/* ------------------------------------------------------------ filter */

START_TEST(test_filter_cycle)
{
	size_t inc = v->nvgroups, diff, all;

	view_cycle_filter(v);
	ck_assert_int_eq(v->filter, VIEW_FILTER_DIFFERENT);
	diff = v->nvgroups;
	ck_assert_uint_eq(diff, inc + 1); /* 1.0.eax: stepping (warning) */
	ck_assert_str_eq(row_name(), "avx512f"); /* selection kept */
	view_cycle_filter(v);
	ck_assert_int_eq(v->filter, VIEW_FILTER_ALL);
	all = v->nvgroups;
	ck_assert_uint_eq(all, v->ngroups);
	ck_assert_uint_gt(all, diff);
	ck_assert_str_eq(row_name(), "avx512f");
	ck_assert_ptr_nonnull(strstr(v->message, "everything"));
	view_cycle_filter(v);
	ck_assert_int_eq(v->filter, VIEW_FILTER_INCOMPATIBLE);
	ck_assert_uint_eq(v->nvgroups, inc);
	ck_assert_str_eq(row_name(), "avx512f");
}
END_TEST

START_TEST(test_filter_decode_cycle)
{
	struct view *d = view_new(set_a, NULL, defs);
	size_t nz = d->nvgroups;

	view_cycle_filter(d);
	ck_assert_int_eq(d->filter, VIEW_FILTER_ALL);
	ck_assert_uint_eq(d->nvgroups, d->ngroups);
	ck_assert_uint_ge(d->nvgroups, nz);
	view_cycle_filter(d);
	ck_assert_int_eq(d->filter, VIEW_FILTER_NONZERO);
	view_free(d);
}
END_TEST

START_TEST(test_filter_falls_to_nearest)
{
	/* a matching row hidden by a narrower filter: the cursor goes to
	 * the next visible row of the same register */
	ck_assert_uint_eq(view_search(v, "avx2"), 1);
	ck_assert_int_eq(v->filter, VIEW_FILTER_ALL);
	ck_assert_str_eq(row_name(), "avx2");
	view_set_filter(v, VIEW_FILTER_INCOMPATIBLE);
	ck_assert_str_eq(group_name(), "7.0.ebx");
	ck_assert_str_eq(row_name(), "avx512f");
	/* a whole register hidden: the next visible register */
	view_search(v, "pni");
	ck_assert_str_eq(group_name(), "1.0.ecx");
	view_set_filter(v, VIEW_FILTER_INCOMPATIBLE);
	ck_assert_str_eq(group_name(), "7.0.ebx");
	ck_assert_uint_eq(v->list[VIEW_PANE_ROWS].cursor, 0);
	/* past the last visible register: the last one */
	view_search(v, "7.0.edx");
	ck_assert_str_eq(group_name(), "7.0.edx");
	view_set_filter(v, VIEW_FILTER_INCOMPATIBLE);
	ck_assert_str_eq(group_name(), "7.0.ecx");
}
END_TEST

/* ------------------------------------------------------------ search */

struct search_case {
	const char *query;
	const char *name; /* expected selected row */
	int filter;       /* expected filter afterwards */
};

static const struct search_case search_cases[] = {
	{"gfni", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"GFNI", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"  gfni ", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"sha", "sha_ni", VIEW_FILTER_INCOMPATIBLE},     /* alias */
	{"sha-ni", "sha_ni", VIEW_FILTER_INCOMPATIBLE},  /* QEMU spelling */
	{"SHA_NI", "sha_ni", VIEW_FILTER_INCOMPATIBLE},  /* kernel macro */
	{"sse4.1", "sse4_1", VIEW_FILTER_ALL},           /* not a position */
	{"pclmuldq", "pclmulqdq", VIEW_FILTER_ALL},      /* libvirt spelling */
	{"stepping", "stepping", VIEW_FILTER_DIFFERENT}, /* a warning */
	{"7.0.ecx", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"7.0.ecx[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"0x7.0.ECX[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"CPUID.(7,0).ECX[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"cpuid.(0x7, 0).ecx[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"7.0.ecx[15]", "bit 15", VIEW_FILTER_ALL}, /* unseen */
	{"7.0.ebx[5]", "avx2", VIEW_FILTER_ALL},
	{"1.0.eax[3:0]", "stepping", VIEW_FILTER_DIFFERENT},
	{"(1,0).eax", "stepping", VIEW_FILTER_DIFFERENT},
	{"7.0", "avx512f", VIEW_FILTER_INCOMPATIBLE},
	{"avx512", "avx512f", VIEW_FILTER_INCOMPATIBLE}, /* substring */
};

START_TEST(test_search_table)
{
	const struct search_case *c = &search_cases[_i];

	ck_assert_uint_gt(view_search(v, c->query), 0);
	ck_assert_msg(strcmp(row_name(), c->name) == 0,
		      "search '%s' selected %s, expected %s", c->query,
		      row_name(), c->name);
	ck_assert_int_eq(v->filter, c->filter);
	ck_assert_int_eq(v->pane, VIEW_PANE_ROWS);
}
END_TEST

START_TEST(test_search_misses)
{
	static const char *const misses[] = {
		"nosuchfeature",
		"99.0.eax",
		"7.0.ecx[40]",
		"7.0.exx",
	};
	size_t i;

	for (i = 0; i < sizeof misses / sizeof misses[0]; i++) {
		ck_assert_uint_eq(view_search(v, misses[i]), 0);
		ck_assert_str_eq(row_name(), "avx512f"); /* not moved */
		ck_assert_int_eq(v->filter, VIEW_FILTER_INCOMPATIBLE);
	}
	ck_assert_ptr_nonnull(strstr(v->message, "no field matches"));
	ck_assert_uint_eq(view_search(v, ""), 0);
	ck_assert_str_eq(v->query, "");
}
END_TEST

START_TEST(test_search_next_wraps)
{
	size_t n = view_search(v, "avx512"), i;
	const struct view_row *first;

	ck_assert_uint_gt(n, 2);
	first = view_row(v);
	ck_assert_str_eq(first->f.field->name, "avx512f");
	for (i = 0; i < n - 1; i++) {
		ck_assert_int_eq(view_search_next(v, 1), 1);
		ck_assert_ptr_nonnull(
			strstr(view_row(v)->f.field->name, "avx512"));
	}
	ck_assert_int_eq(v->filter, VIEW_FILTER_ALL); /* widened on the way */
	ck_assert_int_eq(view_search_next(v, 1), 1);  /* wrapped */
	ck_assert_str_eq(row_name(), "avx512f");
	ck_assert_int_eq(view_search_next(v, -1), 1); /* and back */
	ck_assert_str_ne(row_name(), "avx512f");
	ck_assert_int_eq(view_search_next(v, 1), 1);
	ck_assert_str_eq(row_name(), "avx512f");
	/* a single match has no other */
	view_search(v, "gfni");
	ck_assert_int_eq(view_search_next(v, 1), 0);
	ck_assert_str_eq(row_name(), "gfni");
}
END_TEST

START_TEST(test_next_finding)
{
	static const char *const order[] = {"sha_ni", "gfni", "avx512f"};
	size_t i;

	/* no search: n walks the findings the filter shows, wrapping */
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(view_search_next(v, 1), 1);
		ck_assert_str_eq(row_name(), order[i]);
	}
	ck_assert_int_eq(view_search_next(v, -1), 1);
	ck_assert_str_eq(row_name(), "gfni");
	view_set_filter(v, VIEW_FILTER_DIFFERENT);
	view_search(v, "avx512f");
	v->query[0] = '\0';
	ck_assert_int_eq(view_search_next(v, -1), 1);
	ck_assert_str_eq(row_name(), "stepping");
}
END_TEST

/* ------------------------------------------------------------ cursor */

START_TEST(test_cursor_edges_groups)
{
	struct view_list *l = &v->list[VIEW_PANE_GROUPS];
	size_t n;

	view_set_filter(v, VIEW_FILTER_ALL);
	view_set_heights(v, 3, 5);
	n = v->nvgroups;
	ck_assert_uint_gt(n, 6);
	view_focus(v, VIEW_PANE_GROUPS);
	view_move(v, VIEW_HOME);
	ck_assert_uint_eq(l->cursor, 0);
	view_move(v, VIEW_UP);
	ck_assert_uint_eq(l->cursor, 0);
	ck_assert_uint_eq(l->top, 0);
	view_move(v, VIEW_PAGE_UP);
	ck_assert_uint_eq(l->cursor, 0);
	ck_assert_uint_eq(l->top, 0);
	view_move(v, VIEW_DOWN);
	view_move(v, VIEW_DOWN);
	ck_assert_uint_eq(l->top, 0);
	view_move(v, VIEW_DOWN);
	ck_assert_uint_eq(l->cursor, 3);
	ck_assert_uint_eq(l->top, 1); /* scrolled by one */
	view_move(v, VIEW_END);
	ck_assert_uint_eq(l->cursor, n - 1);
	ck_assert_uint_eq(l->top, n - 3);
	view_move(v, VIEW_DOWN);
	ck_assert_uint_eq(l->cursor, n - 1);
	view_move(v, VIEW_PAGE_DOWN);
	ck_assert_uint_eq(l->cursor, n - 1);
	ck_assert_uint_eq(l->top, n - 3);
	view_move(v, VIEW_PAGE_UP);
	ck_assert_uint_eq(l->cursor, n - 4);
	ck_assert_uint_le(l->top, l->cursor);
	/* moving the group cursor resets the row list */
	ck_assert_uint_eq(v->list[VIEW_PANE_ROWS].cursor, 0);
	ck_assert_uint_eq(v->list[VIEW_PANE_ROWS].top, 0);
}
END_TEST

START_TEST(test_cursor_edges_rows)
{
	struct view_list *l = &v->list[VIEW_PANE_ROWS];
	size_t i;

	view_set_heights(v, 3, 5);
	view_search(v, "7.0.ebx[0]"); /* 32 named one-bit fields */
	ck_assert_int_eq(v->filter, VIEW_FILTER_ALL);
	ck_assert_uint_eq(v->nvrows, 32);
	ck_assert_uint_eq(l->cursor, 0);
	for (i = 0; i < 10; i++)
		view_move(v, VIEW_PAGE_DOWN);
	ck_assert_uint_eq(l->cursor, 31);
	ck_assert_uint_eq(l->top, 27);
	ck_assert_str_eq(row_name(), "avx512vl");
	/* a resize keeps the selection on screen */
	view_set_heights(v, 3, 10);
	ck_assert_uint_eq(l->cursor, 31);
	ck_assert_uint_eq(l->top, 22);
	view_set_heights(v, 3, 40);
	ck_assert_uint_eq(l->top, 0);
	ck_assert_str_eq(row_name(), "avx512vl");
	view_set_heights(v, 1, 1);
	ck_assert_uint_eq(l->top, 31);
	view_set_heights(v, 3, 5);
	ck_assert_uint_eq(l->top, 27);
	for (i = 0; i < 10; i++)
		view_move(v, VIEW_PAGE_UP);
	ck_assert_uint_eq(l->cursor, 0);
	ck_assert_uint_eq(l->top, 0);
	/* Tab and mouse selection */
	view_next_pane(v);
	ck_assert_int_eq(v->pane, VIEW_PANE_GROUPS);
	view_next_pane(v);
	ck_assert_int_eq(v->pane, VIEW_PANE_ROWS);
	ck_assert_int_eq(view_select_line(v, VIEW_PANE_ROWS, 4), 0);
	ck_assert_uint_eq(l->cursor, 4);
	ck_assert_int_eq(view_select_line(v, VIEW_PANE_ROWS, 5), -1);
	ck_assert_int_eq(view_select_line(v, VIEW_PANE_GROUPS, 1), 0);
	ck_assert_int_eq(v->pane, VIEW_PANE_GROUPS);
	ck_assert_uint_eq(v->list[VIEW_PANE_GROUPS].cursor,
			  v->list[VIEW_PANE_GROUPS].top + 1);
	ck_assert_uint_eq(l->cursor, 0);
}
END_TEST

START_TEST(test_empty_view)
{
	struct view *e = view_new(set_a, set_a, defs);

	ck_assert_int_eq(e->report->verdict, CC_VERDICT_IDENTICAL);
	ck_assert_int_eq(e->filter, VIEW_FILTER_ALL);
	view_set_filter(e, VIEW_FILTER_INCOMPATIBLE);
	ck_assert_uint_eq(e->nvgroups, 0);
	ck_assert_ptr_null(view_group(e));
	ck_assert_ptr_null(view_row(e));
	view_move(e, VIEW_DOWN);
	view_move(e, VIEW_END);
	view_focus(e, VIEW_PANE_ROWS);
	view_move(e, VIEW_PAGE_DOWN);
	ck_assert_int_eq(view_select_line(e, VIEW_PANE_GROUPS, 0), -1);
	ck_assert_int_eq(view_search_next(e, 1), 0);
	ck_assert_int_eq(view_toggle(e), -1);
	/* a search still finds rows the filter hides */
	ck_assert_uint_eq(view_search(e, "gfni"), 1);
	ck_assert_int_eq(e->filter, VIEW_FILTER_ALL);
	ck_assert_str_eq(view_row(e)->f.field->name, "gfni");
	view_free(e);
}
END_TEST

/* ------------------------------------------------------------ swap */

START_TEST(test_swap)
{
	view_search(v, "gfni");
	ck_assert_int_eq(view_swap(v), 0);
	ck_assert_str_eq(v->side[0].set->name, "B");
	ck_assert_int_eq(v->report->verdict, CC_VERDICT_COMPATIBLE);
	ck_assert_uint_eq(count_incompatible(), 0);
	ck_assert_str_eq(v->message,
			 "swapped A and B: the check is now "
			 "compatible; filter: everything");
	/* B -> A: gfni is only on the target, which is fine; the selection
	 * stayed on it, the filter widened to show it */
	ck_assert_str_eq(row_name(), "gfni");
	ck_assert_str_eq(group_name(), "7.0.ecx");
	ck_assert_int_eq(v->filter, VIEW_FILTER_ALL);
	ck_assert_int_eq(view_row(v)->mark, VIEW_MARK_MATCH);
	ck_assert_int_eq(view_row(v)->f.change, CC_CHANGE_ADDED);
	ck_assert_int_eq(view_swap(v), 0);
	ck_assert_str_eq(v->side[0].set->name, "/data/A dump.json");
	ck_assert_int_eq(v->report->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_str_eq(row_name(), "gfni"); /* selection kept */
	ck_assert_int_eq(view_row(v)->mark, VIEW_MARK_INCOMPATIBLE);
}
END_TEST

/* ------------------------------------------------------------ what-if */

START_TEST(test_whatif_toggle)
{
	static const char *const blockers[] = {"sha_ni", "gfni", "7.0.ecx[15]"};
	size_t i;

	ck_assert_str_eq(row_name(), "avx512f");
	ck_assert_int_eq(view_toggle(v), 0);
	ck_assert_uint_eq(count_incompatible(), 2);
	/* the toggled row stays visible and selected */
	ck_assert_str_eq(row_name(), "avx512f");
	ck_assert_int_eq(view_row(v)->toggled, 1);
	ck_assert_int_eq(view_row(v)->mark, VIEW_MARK_MATCH);
	ck_assert_ptr_nonnull(strstr(v->message, "off"));
	for (i = 0; i < 3; i++) {
		ck_assert_uint_eq(view_search(v, blockers[i]), 1);
		ck_assert_int_eq(view_toggle(v), 0);
	}
	ck_assert_uint_eq(count_incompatible(), 0);
	ck_assert_int_eq(v->report->verdict, CC_VERDICT_COMPATIBLE);
	ck_assert_uint_eq(v->side[0].ntoggles, 4);
	/* toggled again: back on, blocking again */
	view_search(v, "gfni");
	ck_assert_int_eq(view_toggle(v), 0);
	ck_assert_int_eq(view_row(v)->toggled, 0);
	ck_assert_int_eq(view_row(v)->mark, VIEW_MARK_INCOMPATIBLE);
	ck_assert_int_eq(v->report->verdict, CC_VERDICT_INCOMPATIBLE);
	ck_assert_uint_eq(v->side[0].ntoggles, 3);
	/* the caller's set is never touched */
	ck_assert_uint_eq(cc_set_reg(set_a, 7, 0, CC_EBX, NULL),
			  BIT(5) | BIT(16) | BIT(29));
	/* refusals */
	view_search(v, "stepping");
	ck_assert_int_eq(view_toggle(v), -1);
	ck_assert_ptr_nonnull(strstr(v->message, "4-bit"));
	view_search(v, "bmi1");
	ck_assert_int_eq(view_toggle(v), -1);
	ck_assert_ptr_nonnull(strstr(v->message, "already off"));
	/* toggles follow their set through a swap */
	view_swap(v);
	view_search(v, "avx512f");
	ck_assert_int_eq(view_row(v)->toggled, 2);
}
END_TEST

START_TEST(test_whatif_write)
{
	struct cc_set *w, *p;
	struct cc_report *r;
	struct cc_err e;
	struct cc_buf b;
	struct fmt_opts fo = {-1, 0};

	view_search(v, "gfni");
	ck_assert_int_eq(view_toggle(v), 0);
	/* what the TUI writes: the profile, as native JSON */
	w = view_whatif_profile(v);
	cc_buf_init(&b);
	ck_assert_int_eq(fmt_native.write(&b, w, &e), 0);
	p = fmt_load_buffer(b.data, b.len, "whatif.json", NULL, &fo, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_int_eq(p->kind, CC_KIND_PROFILE);
	ck_assert_str_eq(p->name, "A-dump-whatif");
	ck_assert_str_eq(cc_set_meta(p, "whatif_off"), "gfni");
	ck_assert_uint_eq(cc_set_reg(p, 7, 0, CC_ECX, NULL), BIT(15));
	ck_assert_uint_eq(cc_set_reg(p, 7, 0, CC_EBX, NULL),
			  BIT(5) | BIT(16) | BIT(29));
	/* the profile checks against B as the view said */
	r = cc_diff(p, set_b, defs, &(struct cc_diff_opts){.view = v->judge});
	ck_assert_int_eq(r->verdict, v->report->verdict);
	ck_assert_uint_eq(r->count[CC_SEV_INCOMPATIBLE], count_incompatible());
	cc_report_free(r);
	cc_set_free(p);
	cc_set_free(w);
	cc_buf_free(&b);
}
END_TEST

START_TEST(test_whatif_profile_passthrough)
{
	/* a profile that leaves avx512f to the host: what-if fixes it off */
	struct cc_set *prof = cc_set_new("profile:test", CC_KIND_PROFILE);
	struct cc_leaf *l;
	struct view *d;
	uint32_t known;
	struct cc_err e;

	cct_put(prof, 0, 0, 7, CCT_INTEL_B, CCT_INTEL_C, CCT_INTEL_D);
	l = cct_put(prof, 7, 0, 0, BIT(5), 0, 0);
	l->known[CC_EBX] = ~BIT(16);
	ck_assert_int_eq(cc_set_finish(prof, &e), 0);
	d = view_new(prof, set_b, defs);
	ck_assert_uint_eq(view_search(d, "avx512f"), 1);
	ck_assert_int_eq(view_toggle(d), 0);
	ck_assert_uint_eq(cc_set_reg(d->side[0].set, 7, 0, CC_EBX, &known) &
				  BIT(16),
			  0);
	ck_assert_uint_eq(known, UINT32_MAX);
	ck_assert_int_eq(view_toggle(d), 0); /* back to the host */
	cc_set_reg(d->side[0].set, 7, 0, CC_EBX, &known);
	ck_assert_uint_eq(known, ~BIT(16));
	view_free(d);
	cc_set_free(prof);
}
END_TEST

START_TEST(test_profile_path)
{
	static const struct {
		const char *name, *path;
	} cases[] = {
		{"/srv/dumps/Ice Lake.xml", "Ice-Lake-whatif.json"},
		{"profile:x86-64-v3", "x86-64-v3-whatif.json"},
		{"host", "host-whatif.json"},
		{"", "explore-whatif.json"},
	};
	char out[128];
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct cc_set *s = cc_set_dup(set_a);
		struct view *d;

		free(s->name);
		s->name = strdup(cases[i].name);
		d = view_new(s, NULL, defs);
		view_profile_path(d, out, sizeof out);
		ck_assert_str_eq(out, cases[i].path);
		view_free(d);
		cc_set_free(s);
	}
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(view_filter_name(VIEW_FILTER_INCOMPATIBLE),
			 "incompatible");
	ck_assert_str_eq(view_mark_name(VIEW_MARK_HOSTDEP), "host");
	ck_assert_int_eq(view_mark_symbol(VIEW_MARK_INCOMPATIBLE), 'X');
	ck_assert_int_eq(view_mark_symbol(VIEW_MARK_WARNING), '!');
	ck_assert_int_eq(view_mark_symbol(VIEW_MARK_MATCH), '=');
}
END_TEST

/* ------------------------------------------------------------ order */

/* The view of the check A -> B between two recorded CPUs. */
static struct view *recorded(const char *a, const char *b)
{
	struct cc_set *sa = cct_cpu(a), *sb = cct_cpu(b);
	struct view *x = view_new(sa, sb, defs);

	cc_set_free(sa);
	cc_set_free(sb);
	return x;
}

static const char *label_at(const struct view *x, size_t i)
{
	static char buf[32];

	view_group_label(view_group_at(x, i), buf, sizeof buf);
	return buf;
}

static const char *name_of(const struct view *x)
{
	static char buf[32];

	return view_row_name(view_row(x), buf, sizeof buf);
}

struct order_case {
	const char *a, *b;
	const char *groups[3]; /* the first visible registers */
	const char *row;       /* selected at start */
	const char *summary;   /* view_summary starts so (the text report's
				  words) */
};

static const struct order_case order_cases[] = {
	/* instruction-set features first, capacity after */
	{"ice-lake-server",
	 "xeon-platinum-8268",
	 {"7.0.ebx", "7.0.ecx", "7.0.edx"},
	 "sgx",
	 "blocks: 16 instruction-set features (sgx, ...), "},
	{"xeon-platinum-8268",
	 "xeon-gold-6148",
	 {"7.0.ecx", "7.0.edx", NULL},
	 "avx512_vnni",
	 "blocks: 1 instruction-set feature (avx512_vnni), 5 mitigations "
	 "(md_clear, ...)"},
	/* state (0xd) before a mitigation in leaf 7: not position order */
	{"xeon-platinum-8268",
	 "ice-lake-server",
	 {"d.0.eax", "7.0.edx", NULL},
	 "xcr0_bndregs",
	 "blocks: 2 state components (xcr0_bndregs, ...), 1 mitigation"},
	/* a vendor mismatch is one finding: the vendor */
	{"xeon-gold-6148",
	 "epyc-7502",
	 {"0.0.ebx", NULL, NULL},
	 "vendor_id_ebx",
	 "blocks: the vendor (GenuineIntel -> AuthenticAMD), with 80 further "
	 "differences folded under it"},
};

START_TEST(test_order_recorded)
{
	const struct order_case *c = &order_cases[_i];
	struct view *x = recorded(c->a, c->b);
	char sum[512];
	size_t i, k, nvis = 0;

	ck_assert_int_eq(x->filter, VIEW_FILTER_INCOMPATIBLE);
	for (i = 0; i < 3 && c->groups[i]; i++)
		ck_assert_str_eq(label_at(x, i), c->groups[i]);
	if (i < 3)
		ck_assert_ptr_null(view_group_at(x, i));
	ck_assert_str_eq(name_of(x), c->row);
	/* the selection is the report's first finding */
	ck_assert_uint_eq(view_row(x)->order, 0);
	ck_assert_uint_eq(view_row(x)->f.leaf, x->report->findings[0].leaf);
	ck_assert_uint_eq(view_row(x)->f.lo, x->report->findings[0].lo);
	view_summary(x, sum, sizeof sum);
	ck_assert_msg(strncmp(sum, c->summary, strlen(c->summary)) == 0,
		      "summary '%s'", sum);
	/* every blocking row is in a visible group, and those groups come
	 * before any group of rows that do not block */
	for (i = 0; i < x->nvgroups; i++) {
		const struct view_group *g = view_group_at(x, i);

		for (k = g->first; k < g->first + g->n; k++)
			nvis += x->rows[k].mark == VIEW_MARK_INCOMPATIBLE;
	}
	ck_assert_uint_eq(nvis, x->nmark[VIEW_MARK_INCOMPATIBLE]);
	view_set_filter(x, VIEW_FILTER_ALL);
	for (i = 0;
	     i < x->nvgroups && view_group_at(x, i)->count[CC_SEV_INCOMPATIBLE];
	     i++)
		;
	for (; i < x->nvgroups; i++)
		ck_assert_uint_eq(
			view_group_at(x, i)->count[CC_SEV_INCOMPATIBLE], 0);
	view_free(x);
}
END_TEST

START_TEST(test_order_first_screen)
{
	/* Ice Lake -> 8268: an AVX-512 feature is among the first rows */
	struct view *x = recorded("ice-lake-server", "xeon-platinum-8268");
	const struct view_row *r;
	size_t i;
	int avx512 = 0;

	view_set_heights(x, 9, 9); /* 80x24 */
	for (i = 0; (r = view_row_at(x, i)) != NULL && i < 9; i++)
		avx512 |= strncmp(r->f.field->name, "avx512", 6) == 0 &&
			  r->mark == VIEW_MARK_INCOMPATIBLE &&
			  r->f.consequence == CC_CONSEQ_INSTRUCTION;
	ck_assert_int_eq(avx512, 1);
	view_free(x);
}
END_TEST

START_TEST(test_vendor_folded)
{
	struct view *x = recorded("xeon-gold-6148", "epyc-7502");
	size_t i, folded = 0;

	ck_assert_int_eq(x->report->vendor_mismatch, 1);
	ck_assert_uint_eq(x->nvgroups, 1);
	ck_assert_uint_eq(x->nvrows, 1);
	ck_assert_int_eq(view_row_is_vendor(x, view_row(x)), 1);
	ck_assert_str_eq(view_row_status(view_row(x)), "X ident");
	for (i = 0; i < x->report->n; i++)
		folded += x->report->findings[i].folded;
	ck_assert_uint_eq(x->nmark[VIEW_MARK_FOLDED], folded);
	ck_assert_uint_eq(folded, 80);
	/* what folds under it shows with every difference */
	view_set_filter(x, VIEW_FILTER_DIFFERENT);
	ck_assert_uint_gt(x->nvgroups, 10);
	ck_assert_int_eq(view_row_is_vendor(x, view_row(x)), 1);
	ck_assert_uint_eq(view_search(x, "avx512f"), 1);
	ck_assert_int_eq(view_row(x)->mark, VIEW_MARK_FOLDED);
	ck_assert_int_eq(view_row_is_vendor(x, view_row(x)), 0);
	ck_assert_str_eq(view_row_status(view_row(x)), "v fold");
	view_free(x);
}
END_TEST

START_TEST(test_unseen_collapsed)
{
	size_t k;

	/* bit 15 of 7.0.ecx: no KVM guest sees it; only "everything"
	 * shows it, after what a guest does see */
	ck_assert_uint_eq(view_search(v, "7.0.ecx[15]"), 1);
	ck_assert_int_eq(view_row(v)->mark, VIEW_MARK_UNSEEN);
	ck_assert_int_ne(view_row(v)->f.unseen, 0);
	ck_assert_str_eq(view_row_status(view_row(v)), "- unseen");
	ck_assert_int_eq(v->filter, VIEW_FILTER_ALL);
	view_set_filter(v, VIEW_FILTER_DIFFERENT);
	ck_assert_str_ne(row_name(), "bit 15");
	/* only an unseen difference: compatible, everything shown, the
	 * unseen row after all the others */
	{
		struct cc_set *a2 = intel("A2", 0x000906eb, BIT(5), BIT(15));
		struct view *x = view_new(a2, set_b, defs);
		const struct view_row *last = &x->rows[x->nrows - 1];

		ck_assert_int_eq(x->report->verdict, CC_VERDICT_COMPATIBLE);
		ck_assert_int_eq(x->filter, VIEW_FILTER_ALL);
		ck_assert_uint_eq(x->nmark[VIEW_MARK_UNSEEN], 1);
		ck_assert_int_ne(view_row(x)->mark, VIEW_MARK_UNSEEN);
		ck_assert_int_eq(view_row(x)->mark, VIEW_MARK_MATCH);
		/* its register (all matches but bit 15) sorts among the
		 * matches, by its first match */
		ck_assert_uint_lt(view_group_at(x, 0)->order, x->nrows);
		for (last = NULL, k = 0; k < x->nrows; k++)
			if (x->rows[k].mark == VIEW_MARK_UNSEEN)
				last = &x->rows[k];
		ck_assert_ptr_nonnull(last);
		ck_assert_uint_eq(last->f.lo, 15);
		view_free(x);
		cc_set_free(a2);
	}
	/* in the raw view it blocks like any missing flag */
	{
		struct view *raw = view_new_in(set_a, set_b, defs, CC_VIEW_RAW);
		char sum[128];

		ck_assert_uint_eq(raw->report->count[CC_SEV_INCOMPATIBLE], 4);
		ck_assert_uint_eq(raw->nmark[VIEW_MARK_UNSEEN], 0);
		view_summary(raw, sum, sizeof sum);
		ck_assert_str_eq(sum, "4 incompatible, 1 warning, 0 info");
		view_free(raw);
	}
}
END_TEST

START_TEST(test_swap_recorded)
{
	/* 8268 -> 6148 on md_clear; swapped, md_clear is on the target
	 * only: still selected, the filter widened to show it */
	struct view *x = recorded("xeon-platinum-8268", "xeon-gold-6148");
	char sum[256];

	ck_assert_uint_eq(view_search(x, "md_clear"), 1);
	ck_assert_int_eq(x->filter, VIEW_FILTER_INCOMPATIBLE);
	view_focus(x, VIEW_PANE_ROWS);
	ck_assert_int_eq(view_swap(x), 0);
	ck_assert_str_eq(name_of(x), "md_clear");
	ck_assert_str_eq(label_at(x, x->list[VIEW_PANE_GROUPS].cursor),
			 "7.0.edx");
	ck_assert_int_eq(view_row(x)->mark, VIEW_MARK_MATCH);
	ck_assert_int_eq(x->filter, VIEW_FILTER_ALL);
	ck_assert_int_eq(x->pane, VIEW_PANE_ROWS);
	view_summary(x, sum, sizeof sum);
	ck_assert_str_eq(sum, "blocks: nothing"); /* hwp*: unseen */
	ck_assert_int_eq(x->report->verdict, CC_VERDICT_COMPATIBLE);
	/* swapped back: blocking again, still selected */
	ck_assert_int_eq(view_swap(x), 0);
	ck_assert_str_eq(name_of(x), "md_clear");
	ck_assert_int_eq(view_row(x)->mark, VIEW_MARK_INCOMPATIBLE);
	view_free(x);
}
END_TEST

START_TEST(test_every_pair)
{
	/* every ordered pair of recorded CPUs: an incompatible check opens
	 * on the report's first finding (the vendor when vendors differ),
	 * under the blocking filter, and no unseen or folded row is on the
	 * first screen */
	struct cc_set **sets;
	size_t n = cct_load_cpus(&sets), i, j, k, g, pairs = 0;

	ck_assert_uint_gt(n, 10);
	for (i = 0; i < n; i++) {
		for (j = 0; j < n; j++) {
			struct view *x;

			if (i == j)
				continue;
			x = view_new(sets[i], sets[j], defs);
			pairs++;
			if (x->report->verdict == CC_VERDICT_INCOMPATIBLE) {
				ck_assert_int_eq(x->filter,
						 VIEW_FILTER_INCOMPATIBLE);
				ck_assert_uint_eq(view_row(x)->order, 0);
				ck_assert_int_eq(view_row(x)->mark,
						 VIEW_MARK_INCOMPATIBLE);
				ck_assert_int_eq(
					view_row_is_vendor(x, view_row(x)),
					x->report->vendor_mismatch);
			}
			ck_assert(view_row(x) == NULL ||
				  view_row(x)->mark != VIEW_MARK_UNSEEN);
			for (g = 0; g < x->nvgroups; g++) {
				const struct view_group *gr =
					view_group_at(x, g);

				view_select_line(x, VIEW_PANE_GROUPS, g);
				for (k = 0; k < x->nvrows; k++)
					ck_assert_int_lt(
						view_row_at(x, k)->mark,
						VIEW_MARK_FOLDED);
				ck_assert_uint_gt(gr->n, 0);
			}
			view_free(x);
		}
	}
	ck_assert_uint_eq(pairs, n * (n - 1));
	cct_free_sets(sets, n);
}
END_TEST

/* ------------------------------------------------------------ footer */

START_TEST(test_footer)
{
	struct view *d = view_new(set_a, NULL, defs);
	char f[160];

	view_footer(v, f, sizeof f);
	ck_assert_str_eq(f,
			 "?:help /:search n/N:next f:filter s:swap "
			 "space:what-if w:write Tab:pane q:quit");
	ck_assert_uint_lt(strlen(f) + 1, 80); /* with the leading space */
	view_search(v, "avx512");
	view_footer(v, f, sizeof f);
	ck_assert_ptr_nonnull(strstr(f, "n/N:match"));
	/* one set: no swap, what-if or write, and the keys say why */
	view_footer(d, f, sizeof f);
	ck_assert_str_eq(f,
			 "?:help /:search n/N:next f:filter Tab:pane "
			 "q:quit");
	ck_assert_int_eq(view_swap(d), -1);
	ck_assert_str_eq(d->message, "swap needs two sets (explore A B)");
	ck_assert_int_eq(view_toggle(d), -1);
	ck_assert_str_eq(d->message, "what-if needs two sets (explore A B)");
	view_free(d);
}
END_TEST

START_TEST(test_row_status)
{
	static const struct {
		int mark, conseq;
		const char *want;
	} cases[] = {
		{VIEW_MARK_INCOMPATIBLE, CC_CONSEQ_INSTRUCTION, "X instr"},
		{VIEW_MARK_INCOMPATIBLE, CC_CONSEQ_STATE, "X state"},
		{VIEW_MARK_INCOMPATIBLE, CC_CONSEQ_MITIGATION, "X mitig"},
		{VIEW_MARK_INCOMPATIBLE, CC_CONSEQ_CAPACITY, "X capac"},
		{VIEW_MARK_INCOMPATIBLE, CC_CONSEQ_IDENTITY, "X ident"},
		{VIEW_MARK_INCOMPATIBLE, CC_CONSEQ_INFORMATIONAL, "X other"},
		{VIEW_MARK_WARNING, 0, "! warn"},
		{VIEW_MARK_INFO, 0, "i info"},
		{VIEW_MARK_MATCH, 0, "= ok"},
		{VIEW_MARK_HOSTDEP, 0, "~ host"},
		{VIEW_MARK_FOLDED, 0, "v fold"},
		{VIEW_MARK_UNSEEN, 0, "- unseen"},
		{VIEW_MARK_VALUE, 0, ""},
	};
	struct view_row r;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		memset(&r, 0, sizeof r);
		r.mark = (uint8_t)cases[i].mark;
		r.f.consequence = (uint8_t)cases[i].conseq;
		ck_assert_str_eq(view_row_status(&r), cases[i].want);
		ck_assert_uint_le(strlen(view_row_status(&r)), 8);
	}
}
END_TEST

static void add(Suite *s, const char *name, const TTest *t)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, t);
	suite_add_tcase(s, tc);
}

int main(void)
{
	Suite *s = suite_create("view");
	TCase *tc;

	add(s, "build_check", test_build_check);
	add(s, "build_decode", test_build_decode);
	add(s, "filter_cycle", test_filter_cycle);
	add(s, "filter_decode_cycle", test_filter_decode_cycle);
	add(s, "filter_falls_to_nearest", test_filter_falls_to_nearest);
	tc = tcase_create("search_table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_search_table, 0,
			    (int)(sizeof search_cases /
				  sizeof search_cases[0]));
	suite_add_tcase(s, tc);
	add(s, "search_misses", test_search_misses);
	add(s, "search_next_wraps", test_search_next_wraps);
	add(s, "next_finding", test_next_finding);
	add(s, "cursor_edges_groups", test_cursor_edges_groups);
	add(s, "cursor_edges_rows", test_cursor_edges_rows);
	add(s, "empty_view", test_empty_view);
	add(s, "swap", test_swap);
	add(s, "whatif_toggle", test_whatif_toggle);
	add(s, "whatif_write", test_whatif_write);
	add(s, "whatif_profile_passthrough", test_whatif_profile_passthrough);
	add(s, "profile_path", test_profile_path);
	add(s, "names", test_names);
	tc = tcase_create("order_recorded");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_order_recorded, 0,
			    (int)(sizeof order_cases / sizeof order_cases[0]));
	suite_add_tcase(s, tc);
	add(s, "order_first_screen", test_order_first_screen);
	add(s, "vendor_folded", test_vendor_folded);
	add(s, "unseen_collapsed", test_unseen_collapsed);
	add(s, "swap_recorded", test_swap_recorded);
	add(s, "every_pair", test_every_pair);
	add(s, "footer", test_footer);
	add(s, "row_status", test_row_status);
	return cct_run(s);
}
