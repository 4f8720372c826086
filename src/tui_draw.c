/*
 * The explorer's screen (tui.h).  One frame is drawn from scratch from the
 * view on every change (curses sends only the difference), in five bands
 * that fit 80x24 and grow with the terminal:
 *
 *   header (5 lines)   A and B: name, vendor; the verdict and its reasons
 *                      in the text report's words (two lines); the counts
 *                      (blocking, warnings, info, folded, unseen) and the
 *                      filter
 *   titles (1 line)    the two panes' column headings; the field table's
 *                      is its register ("fields of 7.0.edx")
 *   lists              register list (left, in the report's order) | the
 *                      fields of the selected register
 *   detail (8 lines)   the selected field: meaning, consequence, rule,
 *                      hint or names, and the register bit by bit with
 *                      the field marked
 *   status (1 line)    search prompt, the last message, or the keys that
 *                      work in the current state (view_footer)
 *
 * Columns are sized per frame to the longest entry on screen.  No text is
 * cut silently: what does not fit ends with "...", prose is cut or wrapped
 * at a space.  Everything reads without colour: statuses have symbols and
 * words (X instr, ! warn, - unseen, ...), the selection has a '>' and
 * field bits have a '^' line under them.  Colour, when the terminal has it
 * and NO_COLOR is unset, only adds emphasis.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <curses.h>

#include "cc_buf.h"
#include "guest.h"
#include "report.h"
#include "tui_priv.h"

#define HEADER_H 5
#define DETAIL_H 8
#define STATUS_W 8 /* "- unseen" */

void tui_layout(struct tui *t)
{
	struct layout *l = &t->l;

	l->h = LINES;
	l->w = COLS;
	l->ok = l->h >= TUI_MIN_LINES && l->w >= TUI_MIN_COLS;
	if (!l->ok)
		return; /* keep the view's heights for when it grows again */
	l->list_y = HEADER_H + 1;
	l->list_h = l->h - HEADER_H - 1 - DETAIL_H - 1;
	l->detail_y = l->list_y + l->list_h;
	l->status_y = l->h - 1;
	/* marker, "80000008.0.eax", three counts of 3 */
	l->lw = 24 + (l->w - TUI_MIN_COLS) / 8;
	if (l->lw > 32)
		l->lw = 32;
	l->rx = l->lw + 1;
	l->rw = l->w - l->rx;
	view_set_heights(t->v, (size_t)l->list_h, (size_t)l->list_h);
}

static attr_t mark_attr(const struct tui *t, enum view_mark m)
{
	attr_t a = m == VIEW_MARK_INCOMPATIBLE ? A_BOLD : A_NORMAL;

	if (!t->color)
		return m == VIEW_MARK_UNSEEN ? A_DIM : a;
	switch (m) {
	case VIEW_MARK_INCOMPATIBLE:
		return a | COLOR_PAIR(PAIR_INC);
	case VIEW_MARK_WARNING:
		return a | COLOR_PAIR(PAIR_WARN);
	case VIEW_MARK_INFO:
		return a | COLOR_PAIR(PAIR_INFO);
	case VIEW_MARK_MATCH:
		return a | COLOR_PAIR(PAIR_OK);
	case VIEW_MARK_HOSTDEP:
		return a | COLOR_PAIR(PAIR_HOST);
	case VIEW_MARK_UNSEEN:
		return A_DIM;
	case VIEW_MARK_FOLDED:
	case VIEW_MARK_VALUE:
	case VIEW_NMARKS:
		break;
	}
	return a;
}

/* Cut S to W columns when longer, ending it with "..." (after the last
 * space when that keeps more than half of it, so prose is not cut
 * mid-word). */
static void fit(char *s, int w)
{
	int n = (int)strlen(s), cut;

	if (w <= 0) {
		s[0] = '\0';
		return;
	}
	if (n <= w)
		return;
	if (w < 4) {
		s[w] = '\0';
		return;
	}
	cut = w - 3;
	while (cut > w / 2 && s[cut] != ' ')
		cut--;
	if (s[cut] != ' ')
		cut = w - 3;
	while (cut > 0 && s[cut - 1] == ' ')
		cut--;
	memcpy(s + cut, "...", 4);
}

/* Print at (Y, X) at most W columns, padded to W with spaces; longer text
 * ends with "..." (fit). */
static void put(int y, int x, int w, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
static void put(int y, int x, int w, attr_t a, const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	if (w <= 0)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	fit(buf, w);
	n = (int)strlen(buf);
	attrset(a);
	mvaddnstr(y, x, buf, n);
	for (; n < w; n++)
		addch(' ');
	attrset(A_NORMAL);
}

/* Print TEXT at (Y, X) wrapped at word boundaries into at most LINES
 * lines of W columns, the last one ending with "..." when it does not
 * all fit; continuation lines start at X + INDENT.  A wrapped line stops
 * short of the last column, so that a line reaching it always means a
 * cut (and ends with "...").  Returns the lines used. */
static int put_wrapped(int y, int x, int w, int lines, int indent, attr_t a,
		       const char *text)
{
	char line[512];
	const char *p = text;
	int used = 0, lw = w;

	while (*p == ' ')
		p++;
	while (*p && used < lines) {
		size_t n = strlen(p), cut;

		if (used > 0)
			lw = w - indent;
		if (lw <= 0)
			break;
		cut = n;
		if ((int)n > lw && used + 1 < lines) {
			cut = (size_t)lw - 1;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = (size_t)lw;
		}
		if (cut >= sizeof line)
			cut = sizeof line - 1;
		memcpy(line, p, cut);
		line[cut] = '\0';
		put(y + used, used ? x + indent : x, lw, a, "%s", line);
		used++;
		p += cut;
		while (*p == ' ')
			p++;
	}
	return used;
}

static void bits_str(const struct cc_finding *f, char *out, size_t n)
{
	if (f->lo == f->hi)
		snprintf(out, n, "%u", f->lo);
	else
		snprintf(out, n, "%u:%u", f->hi, f->lo);
}

/* Name, position and both values of R as the screen shows them: the
 * finding of a vendor mismatch reads as "vendor", GenuineIntel ->
 * AuthenticAMD. */
static void row_text(const struct view *v, const struct view_row *r, char *name,
		     char *pos, char *sv, char *dv)
{
	char nb[16];

	if (view_row_is_vendor(v, r)) {
		strcpy(name, "vendor");
		strcpy(pos, "CPUID.(0,0).EBX,EDX,ECX");
		snprintf(sv, 32, "%s", v->side[0].set->vendor_id);
		snprintf(dv, 32, "%s", v->side[1].set->vendor_id);
		return;
	}
	snprintf(name, 64, "%s", view_row_name(r, nb, sizeof nb));
	cc_finding_position(&r->f, pos, 64);
	report_value(&r->f, 0, sv, 32);
	report_value(&r->f, 1, dv, 32);
}

/* What a row's status means, in words. */
static void explain(const struct view *v, const struct view_row *r, char *out,
		    size_t n)
{
	const struct cc_finding *f = &r->f;
	char sv[32];

	if (!v->two) {
		report_value(f, 0, sv, sizeof sv);
		snprintf(out, n, "value %s", sv);
		return;
	}
	switch ((enum view_mark)r->mark) {
	case VIEW_MARK_MATCH:
		snprintf(out, n, "ok: %s",
			 f->src == f->dst ? "same on both" : "B is acceptable");
		return;
	case VIEW_MARK_HOSTDEP:
		snprintf(out, n, "host: a profile leaves it to the host");
		return;
	case VIEW_MARK_UNSEEN:
		snprintf(out, n, "- unseen: no KVM guest sees it");
		return;
	case VIEW_MARK_FOLDED:
		snprintf(out, n, "v folded under the vendor mismatch");
		return;
	default:
		break;
	}
	if (view_row_is_vendor(v, r)) {
		snprintf(out, n, "X incompatible: another CPU vendor");
		return;
	}
	snprintf(out, n, "%c %s: %s", view_mark_symbol((enum view_mark)r->mark),
		 view_mark_name((enum view_mark)r->mark),
		 f->change == CC_CHANGE_MISSING ? "set on A, missing on B"
		 : f->change == CC_CHANGE_ADDED ? "only B has it"
		 : f->rule == CC_RULE_GE        ? "B is lower than A"
		 : f->rule == CC_RULE_LE        ? "B is higher than A"
						: "values differ");
}

static void set_label(const struct cc_set *s, char *out, size_t n)
{
	char label[96];
	const char *base = strrchr(s->name, '/');

	base = base ? base + 1 : s->name;
	cc_report_set_title(s, label, sizeof label);
	if (strcmp(label, s->name) != 0 && strcmp(label, base) != 0)
		snprintf(out, n, "%s (%s)", label, base);
	else
		snprintf(out, n, "%s", label);
}

static void draw_sides(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	char label[160];
	int side, vw;

	for (side = 0; side < (v->two ? 2 : 1); side++) {
		const struct cc_set *s = v->side[side].set;
		const char *vendor = s->vendor_id[0] ? s->vendor_id
						     : "vendor unknown";

		vw = (int)strlen(vendor);
		set_label(s, label, sizeof label);
		if ((int)strlen(label) > l->w - 3 - vw - 2 ||
		    v->side[side].ntoggles)
			cc_report_set_title(s, label, sizeof label);
		if (v->side[side].ntoggles) {
			size_t n = strlen(label);

			snprintf(label + n, sizeof label - n,
				 " + what-if: %zu off", v->side[side].ntoggles);
		}
		put(side, 0, 3, A_BOLD, "%s", side ? "B" : "A");
		put(side, 3, l->w - 3 - vw - 2, A_NORMAL, "%s", label);
		put(side, l->w - vw, vw, A_NORMAL, "%s", vendor);
	}
	if (!v->two)
		put(1, 3, l->w - 3, A_NORMAL,
		    "one set: every field decoded through the definitions");
}

/* Line 4: what each kind of row counts, and the filter at the right. */
static void draw_counts(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	char filter[48];
	struct cc_buf b;
	int fw;

	snprintf(filter, sizeof filter, "filter: %s",
		 view_filter_name(v->filter));
	fw = (int)strlen(filter);
	cc_buf_init(&b);
	if (v->two) {
		const size_t *m = v->nmark;

		cc_buf_printf(&b, "%zu blocking", m[VIEW_MARK_INCOMPATIBLE]);
		if (m[VIEW_MARK_WARNING])
			cc_buf_printf(&b, "  %zu warning%s",
				      m[VIEW_MARK_WARNING],
				      m[VIEW_MARK_WARNING] == 1 ? "" : "s");
		if (m[VIEW_MARK_INFO])
			cc_buf_printf(&b, "  %zu info", m[VIEW_MARK_INFO]);
		if (m[VIEW_MARK_FOLDED])
			cc_buf_printf(&b, "  %zu folded", m[VIEW_MARK_FOLDED]);
		if (m[VIEW_MARK_UNSEEN])
			cc_buf_printf(&b, "  %zu unseen by KVM guests",
				      m[VIEW_MARK_UNSEEN]);
	} else {
		size_t i, nz = 0;

		for (i = 0; i < v->ngroups; i++)
			nz += v->groups[i].nonzero;
		cc_buf_printf(&b, "%zu non-zero", nz);
	}
	put(4, 0, l->w - fw - 2, A_NORMAL, "%s", b.data);
	put(4, l->w - fw, fw, A_NORMAL, "%s", filter);
	cc_buf_free(&b);
}

/* Lines 0-4: both sides, the verdict and its reasons (the text report's
 * words, wrapped over two lines), the counts and the filter. */
static void draw_header(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	char sum[512];
	const char *word = "DECODE";
	attr_t a = A_BOLD;
	int x;

	draw_sides(t);
	if (v->two) {
		int inc = v->report->verdict == CC_VERDICT_INCOMPATIBLE;

		if (t->color)
			a |= COLOR_PAIR(inc ? PAIR_INC : PAIR_OK);
		word = inc ? "INCOMPATIBLE"
		       : v->report->verdict == CC_VERDICT_COMPATIBLE
			       ? "COMPATIBLE"
			       : "IDENTICAL";
	}
	x = (int)strlen(word) + 2;
	put(2, 0, x, a, "%s", word);
	view_summary(v, sum, sizeof sum);
	put_wrapped(2, x, l->w - x, 2, 0, A_NORMAL, sum);
	draw_counts(t);
}

/* Shrink the values (to 10) and the name (to 12), then the values (to 3),
 * until NW + VA + VB fit AVAIL columns. */
static void table_fit(int *nw, int *va, int *vb, int avail)
{
	if (*nw + *va + *vb > avail) {
		if (*va > 10)
			*va = 10;
		if (*vb > 10)
			*vb = 10;
	}
	if (*nw + *va + *vb > avail)
		*nw = avail - *va - *vb < 12 ? 12 : avail - *va - *vb;
	while (*nw + *va + *vb > avail && (*va > 3 || *vb > 3)) {
		if (*va >= *vb)
			(*va)--;
		else
			(*vb)--;
	}
}

/* Column widths of the field table for the rows on screen: each column
 * as wide as its longest entry, the name first when they do not fit; the
 * name column is at least as wide as LABEL (the register) and widens to
 * TITLE when there is room. */
static void table_widths(struct tui *t, const char *label, const char *title)
{
	const struct view *v = t->v;
	struct layout *l = &t->l;
	const struct view_list *rl = &v->list[VIEW_PANE_ROWS];
	int i, avail, va = 1, vb = 1, nw = (int)strlen(label), bw = 4;

	for (i = 0; i < l->list_h; i++) {
		const struct view_row *r = view_row_at(v, rl->top + (size_t)i);
		char name[64], pos[64], sv[32], dv[32], bits[8];

		if (r == NULL)
			break;
		row_text(v, r, name, pos, sv, dv);
		bits_str(&r->f, bits, sizeof bits);
		if ((int)strlen(name) > nw)
			nw = (int)strlen(name);
		if ((int)strlen(bits) > bw)
			bw = (int)strlen(bits);
		if ((int)strlen(sv) > va)
			va = (int)strlen(sv);
		if ((int)strlen(dv) > vb)
			vb = (int)strlen(dv);
	}
	if (!v->two) {
		/* "value"; the description takes the rest, at least a third */
		avail = l->rw - 2 - 1 - bw - 1 - 1 - l->rw / 3;
		va = va < 5 ? 5 : va > 12 ? 12 : va;
		vb = 0;
		if (nw + va > avail)
			nw = avail - va;
	} else {
		/* marker, toggle, name, bits, A, B, gaps, status */
		avail = l->rw - 2 - 1 - bw - 1 - 1 - 1 - STATUS_W;
		table_fit(&nw, &va, &vb, avail);
	}
	if (nw < (int)strlen(title))
		nw = avail - va - vb < (int)strlen(title) ? avail - va - vb
							  : (int)strlen(title);
	l->nw = nw;
	l->bw = bw;
	l->vw = va;
	l->vwb = vb;
}

static void draw_titles(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	const struct view_group *g = view_group(v);
	attr_t fg = A_REVERSE | (v->pane == VIEW_PANE_GROUPS ? A_BOLD : 0);
	attr_t fr = A_REVERSE | (v->pane == VIEW_PANE_ROWS ? A_BOLD : 0);
	char label[32], title[48];
	int y = HEADER_H;

	/* the field table is headed by its register */
	if (g != NULL) {
		view_group_label(g, label, sizeof label);
		snprintf(title, sizeof title, "fields of %s", label);
	} else {
		snprintf(label, sizeof label, "field");
		snprintf(title, sizeof title, "field");
	}
	table_widths(t, label, title);
	if ((int)strlen(title) > l->nw)
		snprintf(title, sizeof title, "%s", label);
	if (v->two)
		put(y, 0, l->lw, fg, " %-*s%3s%3s%3s", l->lw - 10,
		    "leaf.sub.reg", "X", "!", "i");
	else
		put(y, 0, l->lw, fg, " %-*s%5s", l->lw - 6, "leaf.sub.reg",
		    "set");
	put(y, l->lw, 1, A_REVERSE, " ");
	fit(title, l->nw);
	if (v->two)
		put(y, l->rx, l->rw, fr, "  %-*s %-*s %-*s %-*s %s", l->nw,
		    title, l->bw, "bits", l->vw, "A", l->vwb, "B", "status");
	else
		put(y, l->rx, l->rw, fr, "  %-*s %-*s %-*s %s", l->nw, title,
		    l->bw, "bits", l->vw, "value", "description");
}

static void count_str(size_t n, char *out, size_t sz)
{
	if (n == 0)
		snprintf(out, sz, ".");
	else
		snprintf(out, sz, "%zu", n);
}

static void draw_groups(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	const struct view_list *gl = &v->list[VIEW_PANE_GROUPS];
	int i;

	for (i = 0; i < l->list_h; i++) {
		size_t gi = gl->top + (size_t)i;
		const struct view_group *g = view_group_at(v, gi);
		int sel = g != NULL && gi == gl->cursor;
		attr_t a = A_NORMAL;
		char label[32], c0[24], c1[24], c2[24];

		mvaddch(l->list_y + i, l->lw, '|');
		if (g == NULL) {
			if (i == 0 && v->nvgroups == 0)
				put(l->list_y, 0, l->lw, A_NORMAL,
				    " (nothing to show)");
			else
				put(l->list_y + i, 0, l->lw, A_NORMAL, "%s",
				    "");
			continue;
		}
		view_group_label(g, label, sizeof label);
		if (v->two && g->count[CC_SEV_INCOMPATIBLE])
			a = mark_attr(t, VIEW_MARK_INCOMPATIBLE);
		else if (v->two && g->count[CC_SEV_WARNING])
			a = mark_attr(t, VIEW_MARK_WARNING);
		if (sel && v->pane == VIEW_PANE_GROUPS)
			a |= A_REVERSE;
		count_str(g->count[CC_SEV_INCOMPATIBLE], c0, sizeof c0);
		count_str(g->count[CC_SEV_WARNING], c1, sizeof c1);
		count_str(g->count[CC_SEV_INFO], c2, sizeof c2);
		if (v->two)
			put(l->list_y + i, 0, l->lw, a, "%c%-*s%3s%3s%3s",
			    sel ? '>' : ' ', l->lw - 10, label, c0, c1, c2);
		else
			put(l->list_y + i, 0, l->lw, a, "%c%-*s%5zu",
			    sel ? '>' : ' ', l->lw - 6, label, g->nonzero);
	}
}

static void draw_row(struct tui *t, int y, const struct view_row *r, int sel)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	char bits[8], sv[32], dv[32], name[64], pos[64], desc[256];
	attr_t a, sa;
	int dx;

	row_text(v, r, name, pos, sv, dv);
	fit(name, l->nw);
	bits_str(&r->f, bits, sizeof bits);
	fit(sv, l->vw);
	fit(dv, l->vwb);
	a = sel && v->pane == VIEW_PANE_ROWS ? A_REVERSE : A_NORMAL;
	sa = mark_attr(t, (enum view_mark)r->mark) | a;
	if (v->two) {
		dx = 2 + l->nw + 1 + l->bw + 1 + l->vw + 1 + l->vwb + 1;
		put(y, l->rx, dx,
		    a | (r->mark == VIEW_MARK_INCOMPATIBLE ? A_BOLD : 0),
		    "%c%c%-*s %-*s %-*s %-*s ", sel ? '>' : ' ',
		    r->toggled ? '*' : ' ', l->nw, name, l->bw, bits, l->vw, sv,
		    l->vwb, dv);
		put(y, l->rx + dx, l->rw - dx, sa, "%s", view_row_status(r));
		return;
	}
	dx = 2 + l->nw + 1 + l->bw + 1 + l->vw + 1;
	put(y, l->rx, dx, a, "%c%c%-*s %-*s %-*s ", sel ? '>' : ' ',
	    r->toggled ? '*' : ' ', l->nw, name, l->bw, bits, l->vw, sv);
	snprintf(desc, sizeof desc, "%s",
		 r->f.field ? r->f.field->description : "no known meaning");
	put(y, l->rx + dx, l->rw - dx, a | A_DIM, "%s", desc);
}

static void draw_rows(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	const struct view_list *rl = &v->list[VIEW_PANE_ROWS];
	int i;

	for (i = 0; i < l->list_h; i++) {
		size_t ri = rl->top + (size_t)i;
		const struct view_row *r = view_row_at(v, ri);
		int y = l->list_y + i;

		if (r != NULL)
			draw_row(t, y, r, ri == rl->cursor);
		else if (i == 0 && v->nvrows == 0)
			put(y, l->rx, l->rw, A_NORMAL,
			    "  nothing at filter '%s': press f to see more",
			    view_filter_name(v->filter));
		else
			put(y, l->rx, l->rw, A_NORMAL, "%s", "");
	}
}

/* Column of bit B (31..0) in the bit drawing starting at X. */
static int bit_x(int x, int b)
{
	return x + (31 - b) + (31 - b) / 4;
}

static void draw_register(struct tui *t, int y, int x, const char *tag,
			  const struct cc_set *s, const struct view_row *r,
			  uint32_t other)
{
	uint32_t known, val = cc_set_reg(s, r->f.leaf, r->f.subleaf,
					 (enum cc_reg)r->f.reg, &known);
	int b;

	put(y, x, 2, A_BOLD, "%s", tag);
	for (b = 31; b >= 0; b--) {
		int in = b >= r->f.lo && b <= r->f.hi;
		attr_t a =
			in ? (A_REVERSE | mark_attr(t, (enum view_mark)r->mark))
			   : A_NORMAL;
		char c = (known >> b & 1) ? ((val >> b & 1) ? '1' : '0') : '?';

		if (!in && ((val ^ other) >> b & 1))
			a |= A_UNDERLINE;
		attrset(a);
		mvaddch(y, bit_x(x + 3, b), (chtype)(unsigned char)c);
		attrset(A_NORMAL);
	}
	if (known == UINT32_MAX)
		put(y, bit_x(x + 3, 0) + 3, 12, A_NORMAL, "0x%08x", val);
	else if (known == 0)
		put(y, bit_x(x + 3, 0) + 3, 30, A_NORMAL, "left to the host");
	else
		put(y, bit_x(x + 3, 0) + 3, 30, A_NORMAL, "0x%08x known %08x",
		    val, known);
}

/* Line 3 of the detail band: why no guest sees it, else the likely
 * cause, else the field's other names. */
static void detail_note(const struct view_row *r, struct cc_buf *b)
{
	const struct cc_field *f = r->f.field;
	int i;

	if (r->f.unseen) {
		cc_buf_printf(b, "unseen: %s",
			      cc_unseen_text((enum cc_unseen)r->f.unseen));
		return;
	}
	if (r->f.hint != NULL &&
	    (r->mark <= VIEW_MARK_INFO || r->mark == VIEW_MARK_FOLDED)) {
		cc_buf_printf(b, "hint: %s", r->f.hint);
		return;
	}
	if (f == NULL) {
		cc_buf_puts(b, "compared as a flag (rule subset)");
		return;
	}
	if (f->qemu)
		cc_buf_printf(b, "names: qemu %s", f->qemu);
	if (f->libvirt)
		cc_buf_printf(b, "%slibvirt %s",
			      b->len ? ", " : "names: ", f->libvirt);
	if (f->kernel)
		cc_buf_printf(b, "%skernel %s",
			      b->len ? ", " : "names: ", f->kernel);
	for (i = 0; f->aliases && f->aliases[i]; i++)
		cc_buf_printf(b, "%s%s",
			      i        ? ", "
			      : b->len ? "; aliases: "
				       : "aliases: ",
			      f->aliases[i]);
	if (b->len == 0)
		cc_buf_puts(b, "no other names");
}

/* Lines 0-3 of the detail band: title, meaning, judgement, note. */
static void detail_text(struct tui *t, const struct view_row *r, int y)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	const struct cc_field *f = r->f.field;
	char pos[64], what[96], policy[32], name[64], sv[32], dv[32];
	struct cc_buf b;
	int x, w;

	row_text(v, r, name, pos, sv, dv);
	if (r->toggled)
		snprintf(what, sizeof what, "* what-if: off on %s",
			 r->toggled & 1 ? "A" : "B");
	else
		explain(v, r, what, sizeof what);
	/* title: -- NAME -- POSITION ------------- STATUS -- */
	x = 2;
	put(y, x, (int)strlen(name) + 2, A_BOLD, " %s ", name);
	x += (int)strlen(name) + 3;
	put(y, x, (int)strlen(pos) + 2, A_NORMAL, " %s ", pos);
	x += (int)strlen(pos) + 3;
	w = (int)strlen(what);
	if (w + 4 > l->w - x)
		w = l->w - x - 4;
	if (w > 8)
		put(y, l->w - w - 4, w + 2,
		    mark_attr(t, (enum view_mark)r->mark), " %s ", what);
	if (view_row_is_vendor(v, r))
		put(y + 1, 0, l->w, A_NORMAL,
		    "The CPU vendor: a guest cannot "
		    "move between CPU vendors (%zu differences fold under it)",
		    v->nmark[VIEW_MARK_FOLDED]);
	else
		put(y + 1, 0, l->w, A_NORMAL, "%s",
		    f ? f->description
		      : "no known meaning: no field definition names this bit");
	cc_buf_init(&b);
	if (v->two)
		cc_buf_printf(&b, "consequence %s   ",
			      r->f.consequence < CC_NCONSEQ
				      ? cc_conseq_names[r->f.consequence]
				      : "none");
	if (f != NULL) {
		cc_policy_str(f, policy, sizeof policy);
		cc_buf_printf(&b, "rule %s   category %s   policy %s%s%s%s",
			      cc_rule_name((enum cc_rule)f->rule),
			      cc_categories[f->category], policy,
			      f->reason ? " (" : "", f->reason ? f->reason : "",
			      f->reason ? ")" : "");
	}
	put(y + 2, 0, l->w, A_NORMAL, "%s", b.data ? b.data : "");
	cc_buf_free(&b);
	cc_buf_init(&b);
	detail_note(r, &b);
	put(y + 3, 0, l->w, A_NORMAL, "%s", b.data);
	cc_buf_free(&b);
}

static void draw_detail(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	const struct view_row *r = view_row(v);
	char pos[64], reg[4];
	uint32_t known, va, vb = 0;
	int y = l->detail_y, b, i;

	mvhline(y, 0, '-', l->w);
	if (r == NULL)
		return;
	detail_text(t, r, y);
	cc_finding_position(&r->f, pos, sizeof pos);
	/* the register, bit by bit, the field's bits marked */
	for (i = 0; i < 3; i++)
		reg[i] = (char)(cc_reg_name((enum cc_reg)r->f.reg)[i] - 'a' +
				'A');
	reg[3] = '\0';
	put(y + 4, 0, 4, A_BOLD, "%s", reg);
	for (b = 31; b >= 0; b -= 4) {
		char num[12];

		snprintf(num, sizeof num, "%d", b);
		mvaddstr(y + 4, bit_x(8, b) - (int)strlen(num) + 1, num);
	}
	va = cc_set_reg(v->side[0].set, r->f.leaf, r->f.subleaf,
			(enum cc_reg)r->f.reg, &known);
	if (v->two)
		vb = cc_set_reg(v->side[1].set, r->f.leaf, r->f.subleaf,
				(enum cc_reg)r->f.reg, &known);
	draw_register(t, y + 5, 5, "A", v->side[0].set, r, v->two ? vb : va);
	if (v->two)
		draw_register(t, y + 6, 5, "B", v->side[1].set, r, va);
	for (b = 31; b >= 0; b--)
		if (b >= r->f.lo && b <= r->f.hi)
			mvaddch(y + 7, bit_x(8, b), '^');
	put(y + 7, bit_x(8, 0) + 3, l->w - bit_x(8, 0) - 3, A_NORMAL, "%s %s",
	    r->f.lo == r->f.hi ? "bit" : "bits", pos);
}

static void draw_status(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	char keys[160];

	if (t->prompt) {
		put(l->status_y, 0, l->w, A_NORMAL,
		    "/%s_   (Enter: search  Esc: cancel  ^U: clear)", t->buf);
		return;
	}
	if (v->message[0]) {
		put(l->status_y, 0, l->w, A_BOLD, "%s", v->message);
		return;
	}
	view_footer(v, keys, sizeof keys);
	put(l->status_y, 0, l->w, A_REVERSE, " %s", keys);
}

static void draw_small(const struct tui *t)
{
	const struct layout *l = &t->l;
	char msg[200];
	int y = l->h / 2 - 2;

	snprintf(msg, sizeof msg,
		 "cpucompat explore needs at least %dx%d; this terminal is "
		 "%dx%d. Enlarge it, or press q to quit.",
		 TUI_MIN_COLS, TUI_MIN_LINES, l->w, l->h);
	put_wrapped(y < 0 ? 0 : y, 0, l->w, l->h, 0, A_NORMAL, msg);
}

/* Every key, in 23 lines of at most 80 columns; a line ending in '+' is
 * a key that needs two sets, said so in one-set mode. */
static const char *const help_lines[] = {
	"cpucompat explore: keys",
	"  Up/Down, j/k      move in the focused pane",
	"  PgUp/PgDn, ^B/^F  page up / page down",
	"  Home/End, g/G     first / last line",
	"  Tab, Left/Right   switch pane: registers (left) or their fields",
	"  h / l             go to the registers / to the fields",
	"  Enter             registers: go to the fields; fields: all about one",
	"  /                 search a name, alias, category or position",
	"                    (7.0.ebx, 7.0.ecx[8], CPUID.(7,0).ECX[8])",
	"  n / N             next / previous match (no search: difference)",
	"  f                 filter: incompatible > all differences > everything",
	"  s                 swap A and B and check again+",
	"  space             what-if: turn the selected flag off on A (again:",
	"                    back on) and check again+",
	"  w                 write A with the what-if edits as a profile+",
	"  Esc               clear the search; ^L redraws; q quits",
	"  mouse             click selects, wheel scrolls",
	"status  X blocks, by what the guest loses: instr(uction), state,",
	"          mitig(ation), capac(ity), ident(ity)",
	"        ! warning  i info  = ok  ~ host  * what-if  > selection",
	"        v folded under a vendor mismatch  - unseen by KVM guests",
	"press any key to return",
	NULL,
};

static void draw_help(const struct tui *t)
{
	int i;

	for (i = 0; help_lines[i] && i < t->l.h; i++) {
		const char *s = help_lines[i];
		int n = (int)strlen(s), two = n > 0 && s[n - 1] == '+';

		put(i, 0, t->l.w, i == 0 ? A_BOLD : A_NORMAL, "%.*s%s",
		    two ? n - 1 : n, s, two && !t->v->two ? " (two sets)" : "");
	}
}

/* "LABEL      TEXT" wrapped under TEXT's column; returns the lines. */
static int put_item(struct tui *t, int y, const char *label, const char *text)
{
	if (y >= t->l.h - 1)
		return 0;
	put(y, 0, 12, A_NORMAL, "%s", label);
	return put_wrapped(y, 12, t->l.w - 12, 3, 0, A_NORMAL, text);
}

/* The names, aliases and vendors of F in one string. */
static void field_names(const struct cc_field *f, struct cc_buf *b)
{
	static const unsigned vendors[] = {
		CC_VENDOR_INTEL,   CC_VENDOR_AMD,     CC_VENDOR_HYGON,
		CC_VENDOR_CENTAUR, CC_VENDOR_ZHAOXIN, CC_VENDOR_TRANSMETA,
		CC_VENDOR_OTHER};
	int i, any = 0;

	cc_buf_printf(b, "qemu %s, libvirt %s, kernel %s",
		      f->qemu ? f->qemu : "-", f->libvirt ? f->libvirt : "-",
		      f->kernel ? f->kernel : "-");
	for (i = 0; f->aliases && f->aliases[i]; i++)
		cc_buf_printf(b, "%s%s", i ? ", " : "; aliases ",
			      f->aliases[i]);
	for (i = 0; i < 7; i++)
		if (f->vendors & vendors[i])
			cc_buf_printf(b, "%s%s", any++ ? " " : "; vendors ",
				      cc_vendor_name(
					      (enum cc_vendor)vendors[i]));
}

static int full_field(struct tui *t, const struct view_row *r, int y)
{
	const struct cc_field *f = r->f.field;
	char policy[32], line[256];
	struct cc_buf b;

	if (f == NULL)
		return y;
	cc_policy_str(f, policy, sizeof policy);
	snprintf(line, sizeof line,
		 "%s; rule %s (%s when it differs); "
		 "policy %s%s%s%s",
		 cc_categories[f->category],
		 cc_rule_name((enum cc_rule)f->rule),
		 cc_sev_name((enum cc_sev)f->severity), policy,
		 f->reason ? " (" : "", f->reason ? f->reason : "",
		 f->reason ? ")" : "");
	y += put_item(t, y, "category", line);
	y += put_item(t, y, "guest", cc_guest_text(f));
	cc_buf_init(&b);
	field_names(f, &b);
	y += put_item(t, y, "names", b.data);
	cc_buf_free(&b);
	if (f->any_subleaf)
		y += put_item(t, y, "subleaves", "any");
	else if (f->first != f->last) {
		snprintf(line, sizeof line, "%u..%u", f->first, f->last);
		y += put_item(t, y, "subleaves", line);
	}
	return y;
}

static void draw_full_detail(struct tui *t)
{
	const struct view *v = t->v;
	const struct view_row *r = view_row(v);
	char pos[64], what[96], name[64], sv[32], dv[32], lab[160];
	char line[256];
	int y = 0, w = t->l.w;

	if (r == NULL) {
		put(0, 0, w, A_NORMAL, "no field selected; press any key");
		return;
	}
	row_text(v, r, name, pos, sv, dv);
	explain(v, r, what, sizeof what);
	put(y++, 0, w, A_BOLD, "%s   %s", name, pos);
	y += put_wrapped(y, 0, w, 2, 0, A_NORMAL,
			 r->f.field ? r->f.field->description
				    : "no known meaning: no definition names "
				      "this bit");
	y++;
	y += put_item(t, y, "status", what);
	set_label(v->side[0].set, lab, sizeof lab);
	snprintf(line, sizeof line, "%-12s %s", sv, lab);
	y += put_item(t, y, "A", line);
	if (v->two) {
		set_label(v->side[1].set, lab, sizeof lab);
		snprintf(line, sizeof line, "%-12s %s", dv, lab);
		y += put_item(t, y, "B", line);
		if (r->f.consequence < CC_NCONSEQ)
			y += put_item(t, y, "consequence",
				      cc_conseq_names[r->f.consequence]);
	}
	if (r->toggled)
		y += put_item(t, y, "what-if",
			      r->toggled & 1 ? "turned off on A"
					     : "turned off on B");
	if (r->f.unseen)
		y += put_item(t, y, "unseen",
			      cc_unseen_text((enum cc_unseen)r->f.unseen));
	if (r->f.hint != NULL &&
	    (r->mark <= VIEW_MARK_INFO || r->mark == VIEW_MARK_FOLDED))
		y += put_item(t, y, "hint", r->f.hint);
	y = full_field(t, r, y);
	y++;
	if (y < t->l.h)
		put(y, 0, w, A_NORMAL, "press any key to return");
}

void tui_draw(struct tui *t)
{
	erase();
	if (!t->l.ok) {
		draw_small(t);
	} else if (t->mode == MODE_HELP) {
		draw_help(t);
	} else if (t->mode == MODE_DETAIL) {
		draw_full_detail(t);
	} else {
		draw_header(t);
		draw_titles(t);
		draw_groups(t);
		draw_rows(t);
		draw_detail(t);
		draw_status(t);
	}
	move(t->l.h - 1, t->prompt ? (int)t->len + 1 : 0);
	refresh();
}
