/*
 * The explorer's view model: see view.h.
 *
 * Every change that alters the rows (filter, swap, what-if) goes through
 * one pattern: remember the selected position as a key (leaf, subleaf,
 * register, bits), rebuild, then relocate the key in the new visible
 * lists, falling back to the nearest following position.  Scroll offsets
 * are only ever clamped, never recomputed from scratch, so the screen
 * moves as little as possible.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_buf.h"
#include "fmt.h"
#include "view.h"

struct view_toggle {
	uint32_t leaf, subleaf;
	uint8_t reg, bit;
	uint32_t old_reg, old_known; /* the bit's previous value and known mask */
	uint8_t old_absent;          /* the register's previous absent bit */
	const struct cc_field *field; /* for the profile's metadata, or NULL */
};

struct key {
	uint32_t leaf, subleaf;
	uint8_t reg, lo, hi;
	int valid; /* 0: no selection */
	int group_only; /* a group is selected but none of its rows */
};

/* ------------------------------------------------------------ helpers */

static uint32_t full_mask(const struct cc_finding *f)
{
	return (f->hi - f->lo == 31) ? UINT32_MAX
				      : ((1u << (f->hi - f->lo + 1)) - 1);
}

static int row_nonzero(const struct view_row *r)
{
	return r->f.src != 0 || r->f.src_known != full_mask(&r->f);
}

static int row_is_difference(const struct view_row *r)
{
	return r->mark <= VIEW_MARK_INFO;
}

static int row_visible(const struct view *v, const struct view_row *r)
{
	if (r->toggled)
		return 1;
	switch (v->filter) {
	case VIEW_FILTER_INCOMPATIBLE:
		return r->mark == VIEW_MARK_INCOMPATIBLE;
	case VIEW_FILTER_DIFFERENT:
		return row_is_difference(r);
	case VIEW_FILTER_ALL:
		return 1;
	case VIEW_FILTER_NONZERO:
		return row_nonzero(r);
	}
	return 1;
}

static int cmp3(uint32_t al, uint32_t as, unsigned ar, uint32_t bl,
		uint32_t bs, unsigned br)
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
	unsigned vendor = s->vendor == CC_VENDOR_OTHER ? 0 : (unsigned)s->vendor;
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
				r.f.src_known = r.f.dst_known = (kn & m) >> f->lo;
				add_row(v, &cap, &r);
			}
			for (bit = 0; bit < 32; bit++) {
				if ((covered >> bit & 1) || !((val & kn) >> bit & 1))
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
				v->groups = cc_xrealloc(v->groups,
							cap * sizeof *v->groups);
			}
			g = &v->groups[v->ngroups++];
			memset(g, 0, sizeof *g);
			g->leaf = r->f.leaf;
			g->subleaf = r->f.subleaf;
			g->reg = r->f.reg;
			g->first = i;
		}
		g->n++;
		if (row_is_difference(r))
			g->count[r->f.severity]++;
		if (row_nonzero(r))
			g->nonzero++;
	}
}

static void build_rows(struct view *v)
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
		v->report = cc_diff(v->side[0].set, v->side[1].set, v->defs, &o);
		for (i = 0; i < v->report->n; i++) {
			struct view_row r;

			memset(&r, 0, sizeof r);
			r.f = v->report->findings[i];
			r.mark = mark_of(&r.f);
			add_row(v, &cap, &r);
		}
	} else {
		decode_rows(v);
	}
	if (v->nrows > 1)
		qsort(v->rows, v->nrows, sizeof *v->rows, cmp_row);
	mark_toggles(v);
	build_groups(v);
}

/* ------------------------------------------------------------ visibility */

static int group_visible(const struct view *v, const struct view_group *g)
{
	size_t i;

	for (i = g->first; i < g->first + g->n; i++)
		if (row_visible(v, &v->rows[i]))
			return 1;
	return 0;
}

static void compute_vgroups(struct view *v)
{
	size_t i;

	free(v->vgroups);
	v->vgroups = cc_xmalloc((v->ngroups ? v->ngroups : 1) *
				sizeof *v->vgroups);
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
		if (row_visible(v, &v->rows[i]))
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

static struct key current_key(const struct view *v)
{
	const struct view_group *g = view_group(v);
	const struct view_row *r = view_row(v);
	struct key k;

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

static struct key row_key(const struct view_row *r)
{
	struct key k;

	memset(&k, 0, sizeof k);
	k.leaf = r->f.leaf;
	k.subleaf = r->f.subleaf;
	k.reg = r->f.reg;
	k.lo = r->f.lo;
	k.hi = r->f.hi;
	k.valid = 1;
	return k;
}

/* Recompute the visible lists and put the cursors on K, or on the nearest
 * position after it (else the last one). */
static void relocate(struct view *v, const struct key *k)
{
	struct view_list *gl = &v->list[VIEW_PANE_GROUPS];
	struct view_list *rl = &v->list[VIEW_PANE_ROWS];
	size_t i, gi = 0;
	int same = 0;

	compute_vgroups(v);
	if (k->valid) {
		for (gi = 0; gi < v->nvgroups; gi++) {
			const struct view_group *g = &v->groups[v->vgroups[gi]];
			int c = cmp3(g->leaf, g->subleaf, g->reg, k->leaf,
				     k->subleaf, k->reg);

			if (c >= 0) {
				same = c == 0;
				break;
			}
		}
		if (gi == v->nvgroups && gi > 0)
			gi--;
	}
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
		rl->cursor = i < v->nvrows ? i : (v->nvrows ? v->nvrows - 1 : 0);
	} else {
		rl->top = 0;
	}
	fix_scroll(rl, v->nvrows);
}

/* Select row RI (an index into rows), widening the filter if it is
 * hidden. */
static void jump(struct view *v, size_t ri)
{
	const struct view_row *r = &v->rows[ri];
	struct key k = row_key(r);

	if (!row_visible(v, r)) {
		if (!v->two)
			v->filter = VIEW_FILTER_ALL;
		else if (row_is_difference(r) &&
			 v->filter == VIEW_FILTER_INCOMPATIBLE)
			v->filter = VIEW_FILTER_DIFFERENT;
		else
			v->filter = VIEW_FILTER_ALL;
	}
	relocate(v, &k);
	v->pane = VIEW_PANE_ROWS;
}

/* Index into rows of the selected row; 0 with *HAVE 0 when none. */
static size_t current_index(const struct view *v, int *have)
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

static void initial_selection(struct view *v)
{
	struct key k;
	size_t i;

	memset(&k, 0, sizeof k);
	k.valid = 1;
	for (i = 0; v->two && i < v->nrows; i++) {
		const struct view_row *r = &v->rows[i];

		if (r->mark == VIEW_MARK_INCOMPATIBLE &&
		    r->f.change == CC_CHANGE_MISSING && r->f.lo == r->f.hi &&
		    r->f.field != NULL) {
			k = row_key(r);
			break;
		}
	}
	relocate(v, &k);
}

struct view *view_new(const struct cc_set *a, const struct cc_set *b,
		      const struct cc_defs *d)
{
	struct view *v = cc_xcalloc(1, sizeof *v);
	size_t i, ninc = 0, ndiff = 0;

	v->defs = d;
	v->two = b != NULL;
	v->side[0].set = cc_set_dup(a);
	v->side[1].set = b ? cc_set_dup(b) : NULL;
	build_rows(v);
	for (i = 0; i < v->nrows; i++) {
		ninc += v->rows[i].mark == VIEW_MARK_INCOMPATIBLE;
		ndiff += row_is_difference(&v->rows[i]);
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
	case VIEW_FILTER_INCOMPATIBLE: return "incompatible";
	case VIEW_FILTER_DIFFERENT: return "all differences";
	case VIEW_FILTER_ALL: return "everything";
	case VIEW_FILTER_NONZERO: return "non-zero fields";
	}
	return "?";
}

void view_set_filter(struct view *v, enum view_filter f)
{
	struct key k = current_key(v);

	v->filter = f;
	relocate(v, &k);
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

/* ------------------------------------------------------------ search */

struct pos {
	uint32_t leaf, subleaf;
	int has_sub;
	int reg;    /* -1: any */
	int lo, hi; /* -1: any */
};

static int parse_num(const char **s, int base, uint32_t *out)
{
	const char *p = *s;
	unsigned long x;
	char *end;

	if (base == 10 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		base = 16;
	if (!((*p >= '0' && *p <= '9') ||
	      (base == 16 && ((*p >= 'a' && *p <= 'f') ||
			      (*p >= 'A' && *p <= 'F')))))
		return -1;
	x = strtoul(p, &end, base);
	if (end == p || x > UINT32_MAX)
		return -1;
	*out = (uint32_t)x;
	*s = end;
	return 0;
}

/* "7.0.ebx[16]", "0x7.0", "CPUID.(7,0).EBX[31:0]", "(0xd,1).eax".  Returns
 * 0 when Q is a position. */
static int parse_position(const char *q, struct pos *p)
{
	const char *s = q;
	uint32_t x;

	memset(p, 0, sizeof *p);
	p->reg = p->lo = p->hi = -1;
	if (strncasecmp(s, "cpuid.", 6) == 0)
		s += 6;
	if (*s == '(') {
		s++;
		if (parse_num(&s, 16, &p->leaf) < 0 || *s++ != ',')
			return -1;
		while (*s == ' ')
			s++;
		if (parse_num(&s, 10, &p->subleaf) < 0 || *s++ != ')')
			return -1;
		p->has_sub = 1;
	} else {
		if (parse_num(&s, 16, &p->leaf) < 0 || *s++ != '.')
			return -1;
		if (parse_num(&s, 10, &p->subleaf) < 0)
			return -1;
		p->has_sub = 1;
	}
	if (*s == '.') {
		char reg[4];

		s++;
		if (strlen(s) < 3)
			return -1;
		memcpy(reg, s, 3);
		reg[3] = '\0';
		p->reg = cc_reg_parse(reg);
		if (p->reg < 0)
			return -1;
		s += 3;
	}
	if (*s == '[' && p->reg >= 0) {
		s++;
		if (parse_num(&s, 10, &x) < 0 || x > 31)
			return -1;
		p->hi = p->lo = (int)x;
		if (*s == ':') {
			s++;
			if (parse_num(&s, 10, &x) < 0 || x > (uint32_t)p->hi)
				return -1;
			p->lo = (int)x;
		}
		if (*s++ != ']')
			return -1;
	}
	return *s == '\0' ? 0 : -1;
}

/* 0: no match, 1: match, 2: exact match. */
static int row_matches(const struct view_row *r, const char *q,
		       const struct pos *p)
{
	const struct cc_finding *f = &r->f;

	if (p != NULL) {
		if (f->leaf != p->leaf || (p->has_sub && f->subleaf != p->subleaf))
			return 0;
		if (p->reg >= 0 && f->reg != p->reg)
			return 0;
		if (p->lo < 0)
			return 2;
		if (f->lo > p->hi || f->hi < p->lo)
			return 0;
		return f->lo == p->lo && f->hi == p->hi ? 2 : 1;
	}
	if (f->field == NULL)
		return 0;
	if (cc_field_matches(f->field, q, 0))
		return 2;
	return cc_field_matches(f->field, q, 1);
}

size_t view_search(struct view *v, const char *q)
{
	/* candidates in order of preference: an exact match that the
	 * filter shows, any exact match, a visible match from the cursor
	 * on, any match from the cursor on, the first match */
	enum { EXACT_VIS, EXACT, AFTER_VIS, AFTER, FIRST, NPICK };
	size_t pick[NPICK], i, n = 0, len, cur;
	int have[NPICK], k, have_cur;
	struct pos p;
	const struct pos *pp;

	while (*q == ' ')
		q++;
	len = strlen(q);
	while (len > 0 && q[len - 1] == ' ')
		len--;
	if (len == 0 || len >= sizeof v->query) {
		v->query[0] = '\0';
		snprintf(v->message, sizeof v->message,
			 len ? "search text too long" : "search cleared");
		return 0;
	}
	memcpy(v->query, q, len);
	v->query[len] = '\0';
	pp = parse_position(v->query, &p) == 0 ? &p : NULL;
	cur = current_index(v, &have_cur);
	memset(have, 0, sizeof have);
	memset(pick, 0, sizeof pick);
	for (i = 0; i < v->nrows; i++) {
		int m = row_matches(&v->rows[i], v->query, pp);
		int vis = row_visible(v, &v->rows[i]);
		int cand[NPICK];

		if (!m)
			continue;
		n++;
		cand[EXACT_VIS] = m == 2 && vis;
		cand[EXACT] = m == 2;
		cand[AFTER_VIS] = (!have_cur || i >= cur) && vis;
		cand[AFTER] = !have_cur || i >= cur;
		cand[FIRST] = 1;
		for (k = 0; k < NPICK; k++) {
			if (cand[k] && !have[k]) {
				pick[k] = i;
				have[k] = 1;
			}
		}
	}
	if (n == 0) {
		snprintf(v->message, sizeof v->message,
			 "no field matches '%s'", v->query);
		return 0;
	}
	for (k = 0; !have[k]; k++)
		;
	jump(v, pick[k]);
	snprintf(v->message, sizeof v->message, "'%s': %zu match%s%s",
		 v->query, n, n == 1 ? "" : "es",
		 n > 1 ? " (n/N: next/previous)" : "");
	return n;
}

int view_search_next(struct view *v, int dir)
{
	struct pos p;
	const struct pos *pp = NULL;
	int have;
	size_t cur = current_index(v, &have), i, step;

	if (v->nrows == 0)
		return 0;
	if (v->query[0])
		pp = parse_position(v->query, &p) == 0 ? &p : NULL;
	if (!have)
		cur = dir > 0 ? v->nrows - 1 : 0;
	for (step = 1; step <= v->nrows; step++) {
		const struct view_row *r;

		if (dir > 0)
			i = (cur + step) % v->nrows;
		else
			i = (cur + v->nrows - step % v->nrows) % v->nrows;
		r = &v->rows[i];
		if (v->query[0] ? row_matches(r, v->query, pp) != 0
				: (row_visible(v, r) &&
				   (v->two ? row_is_difference(r)
					   : row_nonzero(r)))) {
			if (have && i == cur)
				break;
			jump(v, i);
			v->message[0] = '\0';
			return 1;
		}
	}
	snprintf(v->message, sizeof v->message, "%s",
		 v->query[0] ? "no other match"
			     : v->two ? "no other difference"
				      : "no other non-zero field");
	return 0;
}

/* ------------------------------------------------------------ swap */

int view_swap(struct view *v)
{
	struct view_side tmp;
	struct key k;

	if (!v->two) {
		snprintf(v->message, sizeof v->message,
			 "only one set: nothing to swap");
		return -1;
	}
	k = current_key(v);
	tmp = v->side[0];
	v->side[0] = v->side[1];
	v->side[1] = tmp;
	build_rows(v);
	relocate(v, &k);
	snprintf(v->message, sizeof v->message,
		 "swapped A and B: the check is now %s",
		 cc_verdict_name(v->report->verdict));
	return 0;
}

/* ------------------------------------------------------------ what-if */

/* The entry of S covering (LEAF, SUB), writable. */
static struct cc_leaf *entry(struct cc_set *s, uint32_t leaf, uint32_t sub)
{
	const struct cc_leaf *l = cc_set_get(s, leaf, sub);

	return l ? &s->leaves[l - s->leaves] : NULL;
}

static void toggle_message(struct view *v, const char *name, const char *what)
{
	if (v->two)
		snprintf(v->message, sizeof v->message,
			 "what-if: %s %s on A; verdict %s (%zu incompatible)",
			 name, what, cc_verdict_name(v->report->verdict),
			 v->report->count[CC_SEV_INCOMPATIBLE]);
	else
		snprintf(v->message, sizeof v->message, "what-if: %s %s on A",
			 name, what);
}

int view_toggle(struct view *v)
{
	const struct view_row *r = view_row(v);
	struct view_side *sd = &v->side[0];
	struct cc_set *s = sd->set;
	struct view_toggle *t = NULL;
	struct cc_leaf *l;
	struct key k;
	char buf[48];
	const char *name;
	uint32_t m, val, kn;
	size_t i;

	if (r == NULL) {
		snprintf(v->message, sizeof v->message, "no field selected");
		return -1;
	}
	name = view_row_name(r, buf, sizeof buf);
	if (r->f.lo != r->f.hi) {
		snprintf(v->message, sizeof v->message,
			 "what-if turns one-bit features off; %s is a "
			 "%u-bit value", name, r->f.hi - r->f.lo + 1);
		return -1;
	}
	k = row_key(r);
	m = 1u << r->f.lo;
	for (i = 0; i < sd->ntoggles; i++) {
		t = &sd->toggles[i];
		if (t->leaf == r->f.leaf && t->subleaf == r->f.subleaf &&
		    t->reg == r->f.reg && t->bit == r->f.lo)
			break;
	}
	if (i < sd->ntoggles) {
		/* turn it back on: restore the bit as it was */
		l = entry(s, t->leaf, t->subleaf);
		if (l != NULL) {
			l->reg[t->reg] = (l->reg[t->reg] & ~m) | t->old_reg;
			l->known[t->reg] = (l->known[t->reg] & ~m) | t->old_known;
			l->absent |= t->old_absent;
		}
		sd->toggles[i] = sd->toggles[--sd->ntoggles];
		build_rows(v);
		relocate(v, &k);
		toggle_message(v, name, "back on");
		return 0;
	}
	val = cc_set_reg(s, r->f.leaf, r->f.subleaf, (enum cc_reg)r->f.reg, &kn);
	if ((kn & m) && !(val & m)) {
		snprintf(v->message, sizeof v->message, "%s is already off on A",
			 name);
		return -1;
	}
	l = entry(s, r->f.leaf, r->f.subleaf);
	if (l == NULL) {
		/* only a profile that leaves unnamed registers to the host
		 * gets here: add an entry that names this register alone */
		int reg;

		l = cc_set_put(s, r->f.leaf, r->f.subleaf, r->f.subleaf);
		if (l == NULL) {
			snprintf(v->message, sizeof v->message,
				 "cannot edit %s on A", name);
			return -1;
		}
		for (reg = 0; reg < CC_NREGS; reg++)
			l->known[reg] = 0;
		l->absent = s->uncovered == CC_UNCOVERED_HOST ? 0xf : 0;
	}
	sd->toggles = cc_xrealloc(sd->toggles,
				  (sd->ntoggles + 1) * sizeof *sd->toggles);
	t = &sd->toggles[sd->ntoggles++];
	memset(t, 0, sizeof *t);
	t->leaf = r->f.leaf;
	t->subleaf = r->f.subleaf;
	t->reg = r->f.reg;
	t->bit = r->f.lo;
	t->field = r->f.field;
	t->old_reg = l->reg[t->reg] & m;
	t->old_known = l->known[t->reg] & m;
	t->old_absent = (uint8_t)(l->absent & (1u << t->reg));
	l->reg[t->reg] &= ~m;
	l->known[t->reg] |= m;
	l->absent &= (uint8_t)~(1u << t->reg);
	build_rows(v);
	relocate(v, &k);
	toggle_message(v, name, "off");
	return 0;
}

/* A's name as a file stem: no directory, extension or odd characters. */
static void side_stem(const struct view *v, char *out, size_t n)
{
	const char *name = v->side[0].set->name, *slash = strrchr(name, '/');
	char stem[64];
	size_t i, len;
	char *dot;

	if (slash != NULL)
		name = slash + 1;
	if (strncmp(name, "profile:", 8) == 0)
		name += 8;
	snprintf(stem, sizeof stem, "%s", name);
	dot = strrchr(stem, '.');
	if (dot != NULL && dot != stem)
		*dot = '\0';
	len = strlen(stem);
	for (i = 0; i < len; i++) {
		char c = stem[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		      c == '.'))
			stem[i] = '-';
	}
	snprintf(out, n, "%s", len ? stem : "explore");
}

int view_write_profile(const struct view *v, const char *path,
		       struct cc_err *e)
{
	const struct view_side *sd = &v->side[0];
	struct cc_set *s = cc_set_dup(sd->set);
	struct cc_buf b, off;
	char stem[64];
	size_t i;
	int rc;

	if (s->kind == CC_KIND_DUMP) {
		/* every bit fixed: the profile pins exactly this CPU */
		s->kind = CC_KIND_PROFILE;
		s->uncovered = CC_UNCOVERED_ZERO;
	}
	side_stem(v, stem, sizeof stem);
	free(s->name);
	s->name = cc_xmalloc(strlen(stem) + sizeof "-whatif");
	sprintf(s->name, "%s-whatif", stem);
	cc_buf_init(&b);
	cc_buf_init(&off);
	for (i = 0; i < sd->ntoggles; i++) {
		const struct view_toggle *t = &sd->toggles[i];

		if (t->field != NULL)
			cc_buf_printf(&off, "%s%s", i ? "," : "", t->field->name);
		else
			cc_buf_printf(&off, "%s%x.%u.%s[%u]", i ? "," : "",
				      t->leaf, t->subleaf,
				      cc_reg_name((enum cc_reg)t->reg), t->bit);
	}
	if (off.len)
		cc_set_meta_set(s, "whatif_off", off.data, 0);
	rc = fmt_native.write(&b, s, e);
	if (rc == 0)
		rc = cc_buf_save(&b, path, e);
	cc_buf_free(&b);
	cc_buf_free(&off);
	cc_set_free(s);
	return rc < 0 ? -1 : 0;
}

void view_profile_path(const struct view *v, char *out, size_t n)
{
	char stem[64];

	side_stem(v, stem, sizeof stem);
	snprintf(out, n, "%s-whatif.json", stem);
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
	snprintf(out, n, "%x.%u.%s", g->leaf, g->subleaf,
		 cc_reg_name((enum cc_reg)g->reg));
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
	case VIEW_MARK_INCOMPATIBLE: return "incompatible";
	case VIEW_MARK_WARNING: return "warning";
	case VIEW_MARK_INFO: return "info";
	case VIEW_MARK_MATCH: return "ok";
	case VIEW_MARK_HOSTDEP: return "host";
	case VIEW_MARK_VALUE: return "value";
	}
	return "?";
}

char view_mark_symbol(enum view_mark m)
{
	switch (m) {
	case VIEW_MARK_INCOMPATIBLE: return 'X';
	case VIEW_MARK_WARNING: return '!';
	case VIEW_MARK_INFO: return 'i';
	case VIEW_MARK_MATCH: return '=';
	case VIEW_MARK_HOSTDEP: return '~';
	case VIEW_MARK_VALUE: return ' ';
	}
	return '?';
}
