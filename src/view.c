/*
 * The explorer's view model: see view.h.  This file holds rows, groups,
 * visibility, navigation, the filter, swap, and the words the screen shows
 * for them (summary, footer, short statuses); search is view_search.c and
 * the what-if edits view_whatif.c (shared internals: view_priv.h).
 *
 * Every change that alters the rows (filter, swap, what-if) goes through
 * one pattern: remember the selected position as a key (leaf, subleaf,
 * register, bits), rebuild, then view_relocate the key in the new visible
 * lists, falling back to the nearest following position.  Scroll offsets
 * are only ever clamped, never recomputed from scratch, so the screen
 * moves as little as possible.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "guest.h"
#include "report.h"
#include "view.h"
#include "view_priv.h"

/* ------------------------------------------------------------ helpers */

static uint32_t full_mask(const struct cc_finding *f)
{
	return (f->hi - f->lo == 31) ? UINT32_MAX
				     : ((1u << (f->hi - f->lo + 1)) - 1);
}

int view_row_nonzero(const struct view_row *r)
{
	return r->f.src != 0 || r->f.src_known != full_mask(&r->f);
}

int view_row_is_difference(const struct view_row *r)
{
	return r->mark <= VIEW_MARK_INFO || r->mark == VIEW_MARK_FOLDED;
}

int view_row_visible(const struct view *v, const struct view_row *r)
{
	if (r->toggled)
		return 1;
	switch (v->filter) {
	case VIEW_FILTER_INCOMPATIBLE:
		return r->mark == VIEW_MARK_INCOMPATIBLE;
	case VIEW_FILTER_DIFFERENT:
		return view_row_is_difference(r);
	case VIEW_FILTER_ALL:
		return 1;
	case VIEW_FILTER_NONZERO:
		return view_row_nonzero(r);
	}
	return 1;
}

static int cmp3(uint32_t al, uint32_t as, unsigned ar, uint32_t bl, uint32_t bs,
		unsigned br)
{
	if (al != bl)
		return al < bl ? -1 : 1;
	if (as != bs)
		return as < bs ? -1 : 1;
	return (ar > br) - (ar < br);
}

static int cmp_row(const void *a, const void *b)
{
	const struct cc_finding *x = &((const struct view_row *)a)->f;
	const struct cc_finding *y = &((const struct view_row *)b)->f;
	int c = cmp3(x->leaf, x->subleaf, x->reg, y->leaf, y->subleaf, y->reg);

	if (c)
		return c;
	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

static int cmp_group(const void *a, const void *b)
{
	const struct view_group *x = a, *y = b;

	return (x->order > y->order) - (x->order < y->order);
}

static void fix_scroll(struct view_list *l, size_t n)
{
	size_t h = l->height ? l->height : 1;

	if (n == 0) {
		l->cursor = l->top = 0;
		return;
	}
	if (l->cursor >= n)
		l->cursor = n - 1;
	if (l->top > l->cursor)
		l->top = l->cursor;
	if (l->cursor >= l->top + h)
		l->top = l->cursor - h + 1;
	if (n <= h)
		l->top = 0;
	else if (l->top > n - h)
		l->top = n - h;
}

/* ------------------------------------------------------------ building */

static void add_row(struct view *v, size_t *cap, const struct view_row *r)
{
	if (v->nrows == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		v->rows = cc_xrealloc(v->rows, *cap * sizeof *v->rows);
	}
	v->rows[v->nrows++] = *r;
}

/* One set: every field of every register of A, and set bits no field
 * names. */
static void decode_rows(struct view *v)
{
	const struct cc_set *s = v->side[0].set;
	unsigned vendor = s->vendor == CC_VENDOR_OTHER ? 0
						       : (unsigned)s->vendor;
	size_t cap = 0, i, k, b, e;
	int reg, bit;

	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];

		for (reg = 0; reg < CC_NREGS; reg++) {
			uint32_t kn, val, covered = 0;
			struct view_row r;

			val = cc_set_reg(s, l->leaf, l->first, (enum cc_reg)reg,
					 &kn);
			memset(&r, 0, sizeof r);
			r.mark = VIEW_MARK_VALUE;
			r.f.leaf = l->leaf;
			r.f.subleaf = l->first;
			r.f.reg = (uint8_t)reg;
			r.f.status = CC_STATUS_MATCH;
			r.f.change = CC_CHANGE_CHANGED;
			cc_defs_range(v->defs, l->leaf, reg, &b, &e);
			for (k = b; k < e; k++) {
				const struct cc_field *f = &v->defs->fields[k];
				uint32_t m = cc_field_mask(f);

				if (!cc_field_applies(f, l->first, vendor))
					continue;
				covered |= m;
				r.f.field = f;
				r.f.lo = f->lo;
				r.f.hi = f->hi;
				r.f.rule = f->rule;
				r.f.severity = f->severity;
				r.f.src = r.f.dst = (val & m) >> f->lo;
				r.f.src_known = r.f.dst_known = (kn & m) >>
								f->lo;
				add_row(v, &cap, &r);
			}
			for (bit = 0; bit < 32; bit++) {
				if ((covered >> bit & 1) ||
				    !((val & kn) >> bit & 1))
					continue;
				r.f.field = NULL;
				r.f.lo = r.f.hi = (uint8_t)bit;
				r.f.rule = CC_RULE_SUBSET;
				r.f.severity = CC_SEV_INFO;
				r.f.src = r.f.dst = 1;
				r.f.src_known = r.f.dst_known = 1;
				add_row(v, &cap, &r);
			}
		}
	}
}

static uint8_t mark_of(const struct cc_finding *f)
{
	if (f->status == CC_STATUS_MATCH)
		return VIEW_MARK_MATCH;
	if (f->status == CC_STATUS_HOSTDEP)
		return VIEW_MARK_HOSTDEP;
	if (f->unseen)
		return VIEW_MARK_UNSEEN;
	if (f->folded)
		return VIEW_MARK_FOLDED;
	switch (f->severity) {
	case CC_SEV_INCOMPATIBLE:
		return VIEW_MARK_INCOMPATIBLE;
	case CC_SEV_WARNING:
		return VIEW_MARK_WARNING;
	default:
		return VIEW_MARK_INFO;
	}
}

static void mark_toggles(struct view *v)
{
	size_t s, t, i;

	for (s = 0; s < 2; s++) {
		const struct view_side *sd = &v->side[s];

		for (t = 0; t < sd->ntoggles; t++) {
			const struct view_toggle *tg = &sd->toggles[t];

			for (i = 0; i < v->nrows; i++) {
				struct view_row *r = &v->rows[i];

				if (r->f.leaf == tg->leaf &&
				    r->f.subleaf == tg->subleaf &&
				    r->f.reg == tg->reg && r->f.lo == tg->bit &&
				    r->f.hi == tg->bit)
					r->toggled |= (uint8_t)(1u << s);
			}
		}
	}
}

/* Where row R puts its group: its order in the report, except that what
 * no KVM guest sees comes after everything else. */
static size_t row_rank(const struct view *v, const struct view_row *r)
{
	return r->mark == VIEW_MARK_UNSEEN ? v->nrows + r->order : r->order;
}

static void build_groups(struct view *v)
{
	size_t i, cap = 0;

	free(v->groups);
	v->groups = NULL;
	v->ngroups = 0;
	for (i = 0; i < v->nrows; i++) {
		const struct view_row *r = &v->rows[i];
		struct view_group *g = v->ngroups ? &v->groups[v->ngroups - 1]
						  : NULL;

		if (g == NULL || g->leaf != r->f.leaf ||
		    g->subleaf != r->f.subleaf || g->reg != r->f.reg) {
			if (v->ngroups == cap) {
				cap = cap ? cap * 2 : 64;
				v->groups =
					cc_xrealloc(v->groups,
						    cap * sizeof *v->groups);
			}
			g = &v->groups[v->ngroups++];
			memset(g, 0, sizeof *g);
			g->leaf = r->f.leaf;
			g->subleaf = r->f.subleaf;
			g->reg = r->f.reg;
			g->first = i;
			g->order = SIZE_MAX;
		}
		g->n++;
		if (row_rank(v, r) < g->order)
			g->order = row_rank(v, r);
		if (r->mark <= VIEW_MARK_INFO)
			g->count[r->f.severity]++;
		if (view_row_nonzero(r))
			g->nonzero++;
	}
}

/* Put the groups (built on rows in position order) in the order of their
 * least row order, and the rows with them. */
static void order_groups(struct view *v)
{
	struct view_row *rows;
	size_t i, at = 0;

	if (v->ngroups < 2)
		return;
	qsort(v->groups, v->ngroups, sizeof *v->groups, cmp_group);
	rows = cc_xmalloc(v->nrows * sizeof *rows);
	for (i = 0; i < v->ngroups; i++) {
		struct view_group *g = &v->groups[i];

		memcpy(rows + at, v->rows + g->first, g->n * sizeof *rows);
		g->first = at;
		at += g->n;
	}
	free(v->rows);
	v->rows = rows;
}

void view_build_rows(struct view *v)
{
	size_t i, cap = 0;

	free(v->rows);
	v->rows = NULL;
	v->nrows = 0;
	cc_report_free(v->report);
	v->report = NULL;
	if (v->two) {
		struct cc_diff_opts o;

		memset(&o, 0, sizeof o);
		o.with_matches = 1;
		o.view = v->judge;
		v->report =
			cc_diff(v->side[0].set, v->side[1].set, v->defs, &o);
		for (i = 0; i < v->report->n; i++) {
			struct view_row r;

			memset(&r, 0, sizeof r);
			r.f = v->report->findings[i];
			r.mark = mark_of(&r.f);
			r.order = i;
			add_row(v, &cap, &r);
		}
	} else {
		decode_rows(v);
	}
	if (v->nrows > 1)
		qsort(v->rows, v->nrows, sizeof *v->rows, cmp_row);
	memset(v->nmark, 0, sizeof v->nmark);
	for (i = 0; i < v->nrows; i++) {
		if (!v->two)
			v->rows[i].order = i;
		v->nmark[v->rows[i].mark]++;
	}
	mark_toggles(v);
	build_groups(v);
	if (v->two)
		order_groups(v);
}

/* ------------------------------------------------------------ visibility */

static int group_visible(const struct view *v, const struct view_group *g)
{
	size_t i;

	for (i = g->first; i < g->first + g->n; i++)
		if (view_row_visible(v, &v->rows[i]))
			return 1;
	return 0;
}

static void compute_vgroups(struct view *v)
{
	size_t i;

	free(v->vgroups);
	v->vgroups =
		cc_xmalloc((v->ngroups ? v->ngroups : 1) * sizeof *v->vgroups);
	v->nvgroups = 0;
	for (i = 0; i < v->ngroups; i++)
		if (group_visible(v, &v->groups[i]))
			v->vgroups[v->nvgroups++] = i;
}

/* Visible rows of the selected group; the row cursor is left to callers. */
static void compute_vrows(struct view *v)
{
	const struct view_group *g = view_group(v);
	size_t i;

	v->nvrows = 0;
	free(v->vrows);
	v->vrows = cc_xmalloc((g && g->n ? g->n : 1) * sizeof *v->vrows);
	if (g == NULL)
		return;
	for (i = g->first; i < g->first + g->n; i++)
		if (view_row_visible(v, &v->rows[i]))
			v->vrows[v->nvrows++] = i;
}

static void select_group_line(struct view *v, size_t line)
{
	v->list[VIEW_PANE_GROUPS].cursor = line;
	fix_scroll(&v->list[VIEW_PANE_GROUPS], v->nvgroups);
	compute_vrows(v);
	v->list[VIEW_PANE_ROWS].cursor = 0;
	v->list[VIEW_PANE_ROWS].top = 0;
	fix_scroll(&v->list[VIEW_PANE_ROWS], v->nvrows);
}

struct view_key view_current_key(const struct view *v)
{
	const struct view_group *g = view_group(v);
	const struct view_row *r = view_row(v);
	struct view_key k;

	memset(&k, 0, sizeof k);
	if (r != NULL) {
		k.leaf = r->f.leaf;
		k.subleaf = r->f.subleaf;
		k.reg = r->f.reg;
		k.lo = r->f.lo;
		k.hi = r->f.hi;
		k.valid = 1;
	} else if (g != NULL) {
		k.leaf = g->leaf;
		k.subleaf = g->subleaf;
		k.reg = g->reg;
		k.valid = 1;
		k.group_only = 1;
	}
	return k;
}

struct view_key view_row_key(const struct view_row *r)
{
	struct view_key k;

	memset(&k, 0, sizeof k);
	k.leaf = r->f.leaf;
	k.subleaf = r->f.subleaf;
	k.reg = r->f.reg;
	k.lo = r->f.lo;
	k.hi = r->f.hi;
	k.valid = 1;
	return k;
}

/* The visible group line of K's register, else of the register at the
 * nearest position after it, else the last line; *SAME says whether it is
 * K's own. */
static size_t nearest_group(const struct view *v, const struct view_key *k,
			    int *same)
{
	size_t gi, best = v->nvgroups;

	*same = 0;
	for (gi = 0; gi < v->nvgroups; gi++) {
		const struct view_group *g = &v->groups[v->vgroups[gi]];
		const struct view_group *b;
		int c = cmp3(g->leaf, g->subleaf, g->reg, k->leaf, k->subleaf,
			     k->reg);

		if (c == 0) {
			*same = 1;
			return gi;
		}
		if (c < 0)
			continue;
		b = best < v->nvgroups ? &v->groups[v->vgroups[best]] : NULL;
		if (b == NULL || cmp3(g->leaf, g->subleaf, g->reg, b->leaf,
				      b->subleaf, b->reg) < 0)
			best = gi;
	}
	if (best < v->nvgroups)
		return best;
	return v->nvgroups ? v->nvgroups - 1 : 0;
}

/* Recompute the visible lists and put the cursors on K, or on the nearest
 * position after it (else the last one). */
void view_relocate(struct view *v, const struct view_key *k)
{
	struct view_list *gl = &v->list[VIEW_PANE_GROUPS];
	struct view_list *rl = &v->list[VIEW_PANE_ROWS];
	size_t i, gi = 0;
	int same = 0;

	compute_vgroups(v);
	if (k->valid)
		gi = nearest_group(v, k, &same);
	gl->cursor = gi;
	fix_scroll(gl, v->nvgroups);
	compute_vrows(v);
	rl->cursor = 0;
	if (same && !k->group_only) {
		for (i = 0; i < v->nvrows; i++) {
			const struct cc_finding *f = &v->rows[v->vrows[i]].f;

			if (f->lo > k->lo || (f->lo == k->lo && f->hi >= k->hi))
				break;
		}
		rl->cursor = i < v->nvrows ? i
					   : (v->nvrows ? v->nvrows - 1 : 0);
	} else {
		rl->top = 0;
	}
	fix_scroll(rl, v->nvrows);
}

/* Select row RI (an index into rows), widening the filter if it is
 * hidden. */
void view_jump(struct view *v, size_t ri)
{
	const struct view_row *r = &v->rows[ri];
	struct view_key k = view_row_key(r);

	if (!view_row_visible(v, r)) {
		if (!v->two)
			v->filter = VIEW_FILTER_ALL;
		else if (view_row_is_difference(r) &&
			 v->filter == VIEW_FILTER_INCOMPATIBLE)
			v->filter = VIEW_FILTER_DIFFERENT;
		else
			v->filter = VIEW_FILTER_ALL;
	}
	view_relocate(v, &k);
	v->pane = VIEW_PANE_ROWS;
}

/* Index into rows of the selected row; 0 with *HAVE 0 when none. */
size_t view_current_index(const struct view *v, int *have)
{
	const struct view_group *g = view_group(v);

	*have = 0;
	if (v->nvrows > 0) {
		*have = 1;
		return v->vrows[v->list[VIEW_PANE_ROWS].cursor];
	}
	if (g != NULL && g->first > 0) {
		*have = 1;
		return g->first - 1;
	}
	return 0;
}

/* ------------------------------------------------------------ lifetime */

/* The first visible row in the report's order, what no guest sees last
 * (two sets), else the first line. */
static void initial_selection(struct view *v)
{
	struct view_key k;
	size_t i, best = v->nrows;

	memset(&k, 0, sizeof k);
	k.valid = 1;
	for (i = 0; v->two && i < v->nrows; i++)
		if (view_row_visible(v, &v->rows[i]) &&
		    (best == v->nrows ||
		     row_rank(v, &v->rows[i]) < row_rank(v, &v->rows[best])))
			best = i;
	if (best < v->nrows)
		k = view_row_key(&v->rows[best]);
	else if (v->nrows > 0)
		k = view_row_key(&v->rows[0]);
	view_relocate(v, &k);
}

struct view *view_new(const struct cc_set *a, const struct cc_set *b,
		      const struct cc_defs *d)
{
	return view_new_in(a, b, d, CC_VIEW_GUEST);
}

struct view *view_new_in(const struct cc_set *a, const struct cc_set *b,
			 const struct cc_defs *d, int judge)
{
	struct view *v = cc_xcalloc(1, sizeof *v);
	size_t i, ninc = 0, ndiff = 0;

	v->defs = d;
	v->judge = judge;
	v->two = b != NULL;
	v->side[0].set = cc_set_dup(a);
	v->side[1].set = b ? cc_set_dup(b) : NULL;
	view_build_rows(v);
	for (i = 0; i < v->nrows; i++) {
		ninc += v->rows[i].mark == VIEW_MARK_INCOMPATIBLE;
		ndiff += view_row_is_difference(&v->rows[i]);
	}
	if (!v->two)
		v->filter = VIEW_FILTER_NONZERO;
	else if (ninc)
		v->filter = VIEW_FILTER_INCOMPATIBLE;
	else if (ndiff)
		v->filter = VIEW_FILTER_DIFFERENT;
	else
		v->filter = VIEW_FILTER_ALL;
	v->pane = VIEW_PANE_GROUPS;
	initial_selection(v);
	return v;
}

void view_free(struct view *v)
{
	int s;

	if (v == NULL)
		return;
	for (s = 0; s < 2; s++) {
		cc_set_free(v->side[s].set);
		free(v->side[s].toggles);
	}
	cc_report_free(v->report);
	free(v->rows);
	free(v->groups);
	free(v->vgroups);
	free(v->vrows);
	free(v);
}

/* ------------------------------------------------------------ navigation */

void view_set_heights(struct view *v, size_t groups_h, size_t rows_h)
{
	/* the first heights: show the lists from their start when the
	 * cursor fits */
	if (v->list[VIEW_PANE_GROUPS].height == 0)
		v->list[VIEW_PANE_GROUPS].top = 0;
	if (v->list[VIEW_PANE_ROWS].height == 0)
		v->list[VIEW_PANE_ROWS].top = 0;
	v->list[VIEW_PANE_GROUPS].height = groups_h;
	v->list[VIEW_PANE_ROWS].height = rows_h;
	fix_scroll(&v->list[VIEW_PANE_GROUPS], v->nvgroups);
	fix_scroll(&v->list[VIEW_PANE_ROWS], v->nvrows);
}

void view_move(struct view *v, enum view_move m)
{
	struct view_list *l = &v->list[v->pane];
	size_t n = v->pane == VIEW_PANE_GROUPS ? v->nvgroups : v->nvrows;
	size_t h = l->height ? l->height : 1, old = l->cursor;

	if (n == 0)
		return;
	switch (m) {
	case VIEW_UP:
		if (l->cursor > 0)
			l->cursor--;
		break;
	case VIEW_DOWN:
		if (l->cursor + 1 < n)
			l->cursor++;
		break;
	case VIEW_PAGE_UP:
		l->cursor = l->cursor > h ? l->cursor - h : 0;
		l->top = l->top > h ? l->top - h : 0;
		break;
	case VIEW_PAGE_DOWN:
		l->cursor = l->cursor + h < n ? l->cursor + h : n - 1;
		l->top += h;
		break;
	case VIEW_HOME:
		l->cursor = 0;
		break;
	case VIEW_END:
		l->cursor = n - 1;
		break;
	}
	fix_scroll(l, n);
	if (v->pane == VIEW_PANE_GROUPS && l->cursor != old)
		select_group_line(v, l->cursor);
}

void view_focus(struct view *v, enum view_pane p)
{
	v->pane = p;
}

void view_next_pane(struct view *v)
{
	v->pane = v->pane == VIEW_PANE_GROUPS ? VIEW_PANE_ROWS
					      : VIEW_PANE_GROUPS;
}

int view_select_line(struct view *v, enum view_pane p, size_t line)
{
	struct view_list *l = &v->list[p];
	size_t n = p == VIEW_PANE_GROUPS ? v->nvgroups : v->nvrows;
	size_t i = l->top + line;

	if (i >= n || (l->height && line >= l->height))
		return -1;
	v->pane = p;
	if (p == VIEW_PANE_GROUPS) {
		if (i != l->cursor)
			select_group_line(v, i);
	} else {
		l->cursor = i;
		fix_scroll(l, n);
	}
	return 0;
}

/* ------------------------------------------------------------ filter */

const char *view_filter_name(enum view_filter f)
{
	switch (f) {
	case VIEW_FILTER_INCOMPATIBLE:
		return "incompatible";
	case VIEW_FILTER_DIFFERENT:
		return "all differences";
	case VIEW_FILTER_ALL:
		return "everything";
	case VIEW_FILTER_NONZERO:
		return "non-zero fields";
	}
	return "?";
}

void view_set_filter(struct view *v, enum view_filter f)
{
	struct view_key k = view_current_key(v);

	v->filter = f;
	view_relocate(v, &k);
	snprintf(v->message, sizeof v->message, "filter: %s",
		 view_filter_name(f));
}

void view_cycle_filter(struct view *v)
{
	enum view_filter f;

	if (!v->two)
		f = v->filter == VIEW_FILTER_NONZERO ? VIEW_FILTER_ALL
						     : VIEW_FILTER_NONZERO;
	else if (v->filter == VIEW_FILTER_INCOMPATIBLE)
		f = VIEW_FILTER_DIFFERENT;
	else if (v->filter == VIEW_FILTER_DIFFERENT)
		f = VIEW_FILTER_ALL;
	else
		f = VIEW_FILTER_INCOMPATIBLE;
	view_set_filter(v, f);
}

/* ------------------------------------------------------------ swap */

int view_swap(struct view *v)
{
	enum view_filter was = v->filter;
	struct view_side tmp;
	struct view_key k;
	size_t i;

	if (!v->two) {
		snprintf(v->message, sizeof v->message,
			 "swap needs two sets (explore A B)");
		return -1;
	}
	k = view_current_key(v);
	tmp = v->side[0];
	v->side[0] = v->side[1];
	v->side[1] = tmp;
	view_build_rows(v);
	for (i = 0; i < v->nrows && !k.group_only; i++) {
		const struct cc_finding *f = &v->rows[i].f;

		if (f->leaf == k.leaf && f->subleaf == k.subleaf &&
		    f->reg == k.reg && f->lo == k.lo && f->hi == k.hi)
			break;
	}
	if (k.valid && !k.group_only && i < v->nrows) {
		enum view_pane p = v->pane;

		view_jump(v, i); /* widens the filter if the field is hidden */
		v->pane = p;
	} else {
		view_relocate(v, &k);
	}
	snprintf(v->message, sizeof v->message,
		 "swapped A and B: the check is now %s%s%s",
		 cc_verdict_name(v->report->verdict),
		 v->filter != was ? "; filter: " : "",
		 v->filter != was ? view_filter_name(v->filter) : "");
	return 0;
}

/* ------------------------------------------------------------ accessors */

const struct view_group *view_group(const struct view *v)
{
	return view_group_at(v, v->list[VIEW_PANE_GROUPS].cursor);
}

const struct view_row *view_row(const struct view *v)
{
	return view_row_at(v, v->list[VIEW_PANE_ROWS].cursor);
}

const struct view_group *view_group_at(const struct view *v, size_t i)
{
	return i < v->nvgroups ? &v->groups[v->vgroups[i]] : NULL;
}

const struct view_row *view_row_at(const struct view *v, size_t i)
{
	return i < v->nvrows ? &v->rows[v->vrows[i]] : NULL;
}

void view_group_label(const struct view_group *g, char *out, size_t n)
{
	cc_pos_format(out, n, CC_POS_SHORT, g->leaf, g->subleaf, g->reg, -1,
		      -1);
}

const char *view_row_name(const struct view_row *r, char *buf, size_t n)
{
	if (r->f.field != NULL)
		return r->f.field->name;
	snprintf(buf, n, "bit %u", r->f.lo);
	return buf;
}

const char *view_mark_name(enum view_mark m)
{
	switch (m) {
	case VIEW_MARK_INCOMPATIBLE:
		return "incompatible";
	case VIEW_MARK_WARNING:
		return "warning";
	case VIEW_MARK_INFO:
		return "info";
	case VIEW_MARK_MATCH:
		return "ok";
	case VIEW_MARK_HOSTDEP:
		return "host";
	case VIEW_MARK_VALUE:
		return "value";
	case VIEW_MARK_FOLDED:
		return "folded";
	case VIEW_MARK_UNSEEN:
		return "unseen";
	case VIEW_NMARKS:
		break;
	}
	return "?";
}

char view_mark_symbol(enum view_mark m)
{
	switch (m) {
	case VIEW_MARK_INCOMPATIBLE:
		return 'X';
	case VIEW_MARK_WARNING:
		return '!';
	case VIEW_MARK_INFO:
		return 'i';
	case VIEW_MARK_MATCH:
		return '=';
	case VIEW_MARK_HOSTDEP:
		return '~';
	case VIEW_MARK_VALUE:
		return ' ';
	case VIEW_MARK_FOLDED:
		return 'v';
	case VIEW_MARK_UNSEEN:
		return '-';
	case VIEW_NMARKS:
		break;
	}
	return '?';
}

const char *view_row_status(const struct view_row *r)
{
	static const char *const conseq[] = {"X instr", "X state", "X mitig",
					     "X capac", "X ident", "X other"};

	switch ((enum view_mark)r->mark) {
	case VIEW_MARK_INCOMPATIBLE:
		return r->f.consequence < CC_NCONSEQ ? conseq[r->f.consequence]
						     : "X inc";
	case VIEW_MARK_WARNING:
		return "! warn";
	case VIEW_MARK_INFO:
		return "i info";
	case VIEW_MARK_MATCH:
		return "= ok";
	case VIEW_MARK_HOSTDEP:
		return "~ host";
	case VIEW_MARK_FOLDED:
		return "v fold";
	case VIEW_MARK_UNSEEN:
		return "- unseen";
	case VIEW_MARK_VALUE:
	case VIEW_NMARKS:
		break;
	}
	return "";
}

int view_row_is_vendor(const struct view *v, const struct view_row *r)
{
	return v->two && r->mark == VIEW_MARK_INCOMPATIBLE &&
	       cc_report_is_vendor(v->report, &r->f);
}

/* The counts, for the raw view and one set. */
static void counts_summary(const struct view *v, char *out, size_t n)
{
	if (!v->two)
		snprintf(out, n, "%zu fields in %zu registers", v->nrows,
			 v->ngroups);
	else
		snprintf(out, n, "%zu incompatible, %zu warning%s, %zu info",
			 v->report->count[CC_SEV_INCOMPATIBLE],
			 v->report->count[CC_SEV_WARNING],
			 v->report->count[CC_SEV_WARNING] == 1 ? "" : "s",
			 v->report->count[CC_SEV_INFO]);
}

void view_summary(const struct view *v, char *out, size_t n)
{
	struct report_opts o;
	struct cc_buf b;

	if (!v->two || v->report->view != CC_VIEW_GUEST) {
		counts_summary(v, out, n);
		return;
	}
	/* the text report's own line after the verdict, so the two never
	 * say it in different words */
	memset(&o, 0, sizeof o);
	o.command = "check";
	o.names = "linux";
	cc_buf_init(&b);
	report_blocks(&b, v->report, &o);
	snprintf(out, n, "%s", b.data);
	cc_buf_free(&b);
}

void view_footer(const struct view *v, char *out, size_t n)
{
	snprintf(out, n, "?:help /:search n/N:%s f:filter %sTab:pane q:quit",
		 v->query[0] ? "match" : "next",
		 v->two ? "s:swap space:what-if w:write " : "");
}
