/*
 * Unit tests of the explorer's view model (view.c), which is curses-free:
 * this binary links no curses at all.  Two small synthetic Intel dumps, A
 * and B, where B lacks avx512f, sha_ni, gfni and an unnamed bit of 7.0.ecx
 * and has another stepping; every behaviour the explorer promises is
 * checked on them: building rows and groups, filtering, search by name,
 * alias, spelling and position, cursor and scroll at the edges, resizing,
 * swap, what-if toggles and the profile they write.
 */
#include "config.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "view.h"

#define BIT(n) (1u << (n))

static const struct cc_defs *defs;
static struct cc_set *set_a, *set_b;
static struct view *v;

static struct cc_leaf *put(struct cc_set *s, uint32_t leaf, uint32_t sub,
			   uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct cc_leaf *l = cc_set_put(s, leaf, sub, sub);

	ck_assert_ptr_nonnull(l);
	l->reg[CC_EAX] = a;
	l->reg[CC_EBX] = b;
	l->reg[CC_ECX] = c;
	l->reg[CC_EDX] = d;
	return l;
}

/* Leaf 1 ECX: pni, pclmulqdq, sse4_1, aes, avx (both sides). */
#define ECX1 (BIT(0) | BIT(1) | BIT(19) | BIT(25) | BIT(28))

static struct cc_set *intel(const char *name, uint32_t eax1, uint32_t ebx7,
			    uint32_t ecx7)
{
	struct cc_set *s = cc_set_new(name, CC_KIND_DUMP);
	struct cc_err e;

	put(s, 0, 0, 7, 0x756e6547, 0x6c65746e, 0x49656e69);
	put(s, 1, 0, eax1, 0, ECX1, 0);
	put(s, 7, 0, 0, ebx7, ecx7, 0);
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
	ck_assert_uint_eq(count_incompatible(), 4);
	ck_assert_int_eq(v->filter, VIEW_FILTER_INCOMPATIBLE);
	/* rows are in position order, grouped by register */
	for (i = 1; i < v->nrows; i++) {
		const struct cc_finding *p = &v->rows[i - 1].f,
					*q = &v->rows[i].f;

		ck_assert(p->leaf < q->leaf ||
			  (p->leaf == q->leaf && (p->subleaf < q->subleaf ||
			   (p->subleaf == q->subleaf && (p->reg < q->reg ||
			    (p->reg == q->reg && p->lo < q->lo))))));
	}
	ck_assert_uint_eq(v->nvgroups, 2);
	g = view_group_at(v, 0);
	ck_assert_uint_eq(g->leaf, 7);
	ck_assert_uint_eq(g->reg, CC_EBX);
	ck_assert_uint_eq(g->count[CC_SEV_INCOMPATIBLE], 2);
	g = view_group_at(v, 1);
	ck_assert_uint_eq(g->reg, CC_ECX);
	ck_assert_uint_eq(g->count[CC_SEV_INCOMPATIBLE], 2);
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
	const char *name;   /* expected selected row */
	int filter;         /* expected filter afterwards */
};

static const struct search_case search_cases[] = {
	{"gfni", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"GFNI", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"  gfni ", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"sha", "sha_ni", VIEW_FILTER_INCOMPATIBLE},      /* alias */
	{"sha-ni", "sha_ni", VIEW_FILTER_INCOMPATIBLE},   /* QEMU spelling */
	{"SHA_NI", "sha_ni", VIEW_FILTER_INCOMPATIBLE},   /* kernel macro */
	{"sse4.1", "sse4_1", VIEW_FILTER_ALL},            /* not a position */
	{"pclmuldq", "pclmulqdq", VIEW_FILTER_ALL},       /* libvirt spelling */
	{"stepping", "stepping", VIEW_FILTER_DIFFERENT},  /* a warning */
	{"7.0.ecx", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"7.0.ecx[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"0x7.0.ECX[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"CPUID.(7,0).ECX[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"cpuid.(0x7, 0).ecx[8]", "gfni", VIEW_FILTER_INCOMPATIBLE},
	{"7.0.ecx[15]", "bit 15", VIEW_FILTER_INCOMPATIBLE},
	{"7.0.ebx[5]", "avx2", VIEW_FILTER_ALL},
	{"1.0.eax[3:0]", "stepping", VIEW_FILTER_DIFFERENT},
	{"(1,0).eax", "stepping", VIEW_FILTER_DIFFERENT},
	{"7.0", "avx512f", VIEW_FILTER_INCOMPATIBLE},
	{"avx512", "avx512f", VIEW_FILTER_INCOMPATIBLE},  /* substring */
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
		"nosuchfeature", "99.0.eax", "7.0.ecx[40]", "7.0.exx",
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
		ck_assert_ptr_nonnull(strstr(view_row(v)->f.field->name,
					     "avx512"));
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
	static const char *const order[] = {"sha_ni", "gfni", "bit 15",
					    "avx512f"};
	size_t i;

	/* no search: n walks the findings the filter shows, wrapping */
	for (i = 0; i < 4; i++) {
		ck_assert_int_eq(view_search_next(v, 1), 1);
		ck_assert_str_eq(row_name(), order[i]);
	}
	ck_assert_int_eq(view_search_next(v, -1), 1);
	ck_assert_str_eq(row_name(), "bit 15");
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
	ck_assert_ptr_nonnull(strstr(v->message, "compatible"));
	/* B -> A: gfni is only on the target, which is fine */
	view_set_filter(v, VIEW_FILTER_ALL);
	view_search(v, "gfni");
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
	static const char *const blockers[] = {"sha_ni", "gfni",
					       "7.0.ecx[15]"};
	size_t i;

	ck_assert_str_eq(row_name(), "avx512f");
	ck_assert_int_eq(view_toggle(v), 0);
	ck_assert_uint_eq(count_incompatible(), 3);
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

static char *temp_path(void)
{
	static char path[64];
	int fd;

	snprintf(path, sizeof path, "/tmp/check_view.XXXXXX");
	fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	close(fd);
	return path;
}

START_TEST(test_whatif_write)
{
	char *path = temp_path();
	struct cc_set *p;
	struct cc_report *r;
	struct cc_err e;
	struct fmt_opts fo = {-1, 0};

	view_search(v, "gfni");
	ck_assert_int_eq(view_toggle(v), 0);
	ck_assert_int_eq(view_write_profile(v, path, &e), 0);
	p = fmt_load_file(path, NULL, &fo, &e);
	ck_assert_msg(p != NULL, "%s", e.msg);
	ck_assert_int_eq(p->kind, CC_KIND_PROFILE);
	ck_assert_str_eq(p->name, "A-dump-whatif");
	ck_assert_str_eq(cc_set_meta(p, "whatif_off"), "gfni");
	ck_assert_uint_eq(cc_set_reg(p, 7, 0, CC_ECX, NULL), BIT(15));
	ck_assert_uint_eq(cc_set_reg(p, 7, 0, CC_EBX, NULL),
			  BIT(5) | BIT(16) | BIT(29));
	/* the profile checks against B as the view said */
	r = cc_diff(p, set_b, defs, NULL);
	ck_assert_int_eq(r->verdict, v->report->verdict);
	ck_assert_uint_eq(r->count[CC_SEV_INCOMPATIBLE], count_incompatible());
	cc_report_free(r);
	cc_set_free(p);
	unlink(path);
	/* an unwritable path is an error naming it, not a crash */
	ck_assert_int_eq(view_write_profile(v, "/nonexistent/dir/x.json", &e),
			 -1);
	ck_assert_ptr_nonnull(strstr(e.msg, "/nonexistent/dir"));
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

	put(prof, 0, 0, 7, 0x756e6547, 0x6c65746e, 0x49656e69);
	l = put(prof, 7, 0, 0, BIT(5), 0, 0);
	l->known[CC_EBX] = ~BIT(16);
	ck_assert_int_eq(cc_set_finish(prof, &e), 0);
	d = view_new(prof, NULL, defs);
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
	SRunner *sr;
	TCase *tc;
	int failed;

	add(s, "build_check", test_build_check);
	add(s, "build_decode", test_build_decode);
	add(s, "filter_cycle", test_filter_cycle);
	add(s, "filter_decode_cycle", test_filter_decode_cycle);
	add(s, "filter_falls_to_nearest", test_filter_falls_to_nearest);
	tc = tcase_create("search_table");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_loop_test(tc, test_search_table, 0,
			    (int)(sizeof search_cases / sizeof search_cases[0]));
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
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
