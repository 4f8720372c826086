/*
 * The explorer's screen: see tui.h.  One frame is drawn from scratch from
 * the view on every change (curses sends only the difference), in five
 * bands that fit 80x24 and grow with the terminal:
 *
 *   header (3 lines)   A and B: name, vendor; the verdict and the filter
 *   titles (1 line)    the two panes' column headings
 *   lists              leaf list (left) | field table of the selected leaf
 *   detail (8 lines)   the selected field: meaning, rule, policy, names and
 *                      the register bit by bit with the field marked
 *   status (1 line)    search prompt, the last message, or key hints
 *
 * Everything reads without colour: statuses have symbols (X ! i = ~), the
 * selection has a '>' and field bits have a '^' line under them.  Colour,
 * when the terminal has it and NO_COLOR is unset, only adds emphasis.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "cc_buf.h"
#include "diff.h"
#include "report.h"
#include "tui.h"

#define HEADER_H 3
#define DETAIL_H 8
#define STATUS_W 6 /* "! warn" */
#define KEY_CTRL(c) ((c) & 0x1f)

enum mode { MODE_MAIN, MODE_HELP, MODE_DETAIL };

enum pair { PAIR_INC = 1, PAIR_WARN, PAIR_INFO, PAIR_OK, PAIR_HOST };

struct layout {
	int h, w;
	int ok;            /* big enough to draw */
	int list_y, list_h;
	int lw;            /* left pane width */
	int rx, rw;        /* right pane x and width */
	int detail_y;
	int status_y;
	int nw, vw, bw;    /* field table: name, value and bits widths */
};

struct tui {
	struct view *v;
	const struct tui_opts *o;
	struct layout l;
	enum mode mode;
	int color;
	int prompt;        /* the search prompt is open */
	char buf[64];      /* search text being typed */
	size_t len;
};

/* ------------------------------------------------------------ terminal */

static SCREEN *screen;
static FILE *tty_in;
static volatile sig_atomic_t tui_active;
static volatile sig_atomic_t got_signal;

static const int quit_signals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT};
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
#define NQUIT (sizeof quit_signals / sizeof quit_signals[0])
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction old_quit[NQUIT], old_fatal[NFATAL];

static void restore_terminal(void)
{
	if (tui_active) {
		tui_active = 0;
		endwin();
	}
}

static void on_quit_signal(int sig)
{
	got_signal = sig;
}

static void on_fatal_signal(int sig)
{
	/* endwin is not async-signal-safe, but the process is about to die
	 * and a terminal left in raw mode is worse */
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install_signals(void)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = on_quit_signal; /* no SA_RESTART: wake the read */
	for (i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &sa, &old_quit[i]);
	sa.sa_handler = on_fatal_signal;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < NFATAL; i++)
		sigaction(fatal_signals[i], &sa, &old_fatal[i]);
}

static void uninstall_signals(void)
{
	size_t i;

	for (i = 0; i < NQUIT; i++)
		sigaction(quit_signals[i], &old_quit[i], NULL);
	for (i = 0; i < NFATAL; i++)
		sigaction(fatal_signals[i], &old_fatal[i], NULL);
}

static void end_session(void)
{
	restore_terminal();
	if (screen != NULL) {
		delscreen(screen);
		screen = NULL;
	}
	if (tty_in != NULL) {
		fclose(tty_in);
		tty_in = NULL;
	}
	uninstall_signals();
}

static int start_session(struct tui *t, struct cc_err *e)
{
	static int atexit_done;
	const char *term = getenv("TERM");
	FILE *in = stdin;

	if (!isatty(STDOUT_FILENO))
		return cc_errf(e, "explore: standard output is not a terminal "
				  "(use 'cpucompat check' for a report)");
	if (!isatty(STDIN_FILENO)) {
		tty_in = fopen("/dev/tty", "r");
		if (tty_in == NULL)
			return cc_errf(e, "explore: no terminal to read keys "
					  "from: /dev/tty: %s",
				       strerror(errno));
		in = tty_in;
	}
	if (!atexit_done) {
		atexit(restore_terminal);
		atexit_done = 1;
	}
	/* before newterm, so that curses keeps our handlers (it installs
	 * its own only where the disposition is still the default) */
	install_signals();
	screen = newterm(NULL, stdout, in);
	if (screen == NULL) {
		end_session();
		return cc_errf(e, "explore: cannot drive terminal type '%s' "
				  "(TERM)",
			       term ? term : "");
	}
	tui_active = 1;
	if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
		int h = LINES, w = COLS;

		end_session();
		return cc_errf(e, "explore: the terminal is %dx%d; it needs at "
				  "least %dx%d",
			       w, h, TUI_MIN_COLS, TUI_MIN_LINES);
	}
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	timeout(200); /* poll for signals */
	set_escdelay(25);
	curs_set(0);
	/* keys a plain vt100 entry does not know, as modern terminals send
	 * them */
	define_key("\033[5~", KEY_PPAGE);
	define_key("\033[6~", KEY_NPAGE);
	define_key("\033[1~", KEY_HOME);
	define_key("\033[4~", KEY_END);
	define_key("\033[H", KEY_HOME);
	define_key("\033[F", KEY_END);
	define_key("\033OH", KEY_HOME);
	define_key("\033OF", KEY_END);
	define_key("\033[Z", KEY_BTAB);
	define_key("\033[A", KEY_UP);
	define_key("\033[B", KEY_DOWN);
	define_key("\033[C", KEY_RIGHT);
	define_key("\033[D", KEY_LEFT);
	mousemask(BUTTON1_PRESSED | BUTTON1_CLICKED | BUTTON4_PRESSED |
			  BUTTON5_PRESSED,
		  NULL);
	mouseinterval(0);
	t->color = 0;
	if (t->o->color && has_colors() && start_color() == OK) {
		short bg = use_default_colors() == OK ? -1 : COLOR_BLACK;

		init_pair(PAIR_INC, COLOR_RED, bg);
		init_pair(PAIR_WARN, COLOR_YELLOW, bg);
		init_pair(PAIR_INFO, COLOR_CYAN, bg);
		init_pair(PAIR_OK, COLOR_GREEN, bg);
		init_pair(PAIR_HOST, COLOR_MAGENTA, bg);
		t->color = 1;
	}
	return 0;
}

/* ------------------------------------------------------------ drawing */

static void layout(struct tui *t)
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
	l->bw = 5;
	/* marker, toggle, name, bits, A, B, status and the gaps: at 80
	 * columns names get 18, values 10 (a full 32-bit hex value) */
	l->vw = 10 + (l->rw - 55) / 4;
	if (l->vw > 20)
		l->vw = 20;
	l->nw = l->rw - 2 - 1 - l->bw - 1 - l->vw - 1 - l->vw - 1 - STATUS_W;
	view_set_heights(t->v, (size_t)l->list_h, (size_t)l->list_h);
}

static attr_t mark_attr(const struct tui *t, enum view_mark m)
{
	attr_t a = m == VIEW_MARK_INCOMPATIBLE ? A_BOLD : A_NORMAL;

	if (!t->color)
		return a;
	switch (m) {
	case VIEW_MARK_INCOMPATIBLE: return a | COLOR_PAIR(PAIR_INC);
	case VIEW_MARK_WARNING: return a | COLOR_PAIR(PAIR_WARN);
	case VIEW_MARK_INFO: return a | COLOR_PAIR(PAIR_INFO);
	case VIEW_MARK_MATCH: return a | COLOR_PAIR(PAIR_OK);
	case VIEW_MARK_HOSTDEP: return a | COLOR_PAIR(PAIR_HOST);
	case VIEW_MARK_VALUE: break;
	}
	return a;
}

/* Print at (Y, X) at most W columns, padded to W with spaces. */
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
	n = (int)strlen(buf);
	if (n > w)
		n = w;
	attrset(a);
	mvaddnstr(y, x, buf, n);
	for (; n < w; n++)
		addch(' ');
	attrset(A_NORMAL);
}

static const char *short_status(enum view_mark m)
{
	switch (m) {
	case VIEW_MARK_INCOMPATIBLE: return "X inc";
	case VIEW_MARK_WARNING: return "! warn";
	case VIEW_MARK_INFO: return "i info";
	case VIEW_MARK_MATCH: return "= ok";
	case VIEW_MARK_HOSTDEP: return "~ host";
	case VIEW_MARK_VALUE: break;
	}
	return "";
}

/* Cut S to W columns, marking the cut with '+'. */
static void fit(char *s, int w)
{
	if (w > 0 && (int)strlen(s) > w) {
		s[w - 1] = '+';
		s[w] = '\0';
	}
}

static void bits_str(const struct cc_finding *f, char *out, size_t n)
{
	if (f->lo == f->hi)
		snprintf(out, n, "%u", f->lo);
	else
		snprintf(out, n, "%u:%u", f->hi, f->lo);
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
	default:
		break;
	}
	snprintf(out, n, "%c %s: %s", view_mark_symbol((enum view_mark)r->mark),
		 view_mark_name((enum view_mark)r->mark),
		 f->change == CC_CHANGE_MISSING ? "set on A, missing on B"
		 : f->change == CC_CHANGE_ADDED ? "only B has it"
		 : f->rule == CC_RULE_GE	? "B is lower than A"
		 : f->rule == CC_RULE_LE	? "B is higher than A"
						: "values differ");
}

static void set_label(const struct cc_set *s, char *out, size_t n)
{
	char label[96];
	const char *base = strrchr(s->name, '/');

	base = base ? base + 1 : s->name;
	report_set_label(s, label, sizeof label);
	if (strcmp(label, s->name) != 0 && strcmp(label, base) != 0)
		snprintf(out, n, "%s (%s)", label, base);
	else
		snprintf(out, n, "%s", label);
}

static void draw_header(struct tui *t)
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
			report_set_label(s, label, sizeof label);
		if (v->side[side].ntoggles) {
			size_t n = strlen(label);

			snprintf(label + n, sizeof label - n,
				 " + what-if: %zu off", v->side[side].ntoggles);
		}
		put(side, 0, 3, A_BOLD, "%s", side ? "B" : "A");
		put(side, 3, l->w - 3 - vw - 2, A_NORMAL, "%s", label);
		put(side, l->w - vw, vw, A_NORMAL, "%s", vendor);
	}
	if (v->two) {
		const struct cc_report *r = v->report;
		int inc = r->verdict == CC_VERDICT_INCOMPATIBLE;
		attr_t a = A_BOLD | (t->color ? COLOR_PAIR(inc ? PAIR_INC
							      : PAIR_OK)
					      : 0);
		const char *word = inc ? "INCOMPATIBLE"
				   : r->verdict == CC_VERDICT_COMPATIBLE
					   ? "COMPATIBLE"
					   : "IDENTICAL";
		int x = (int)strlen(word) + 2;

		put(2, 0, x, a, "%s", word);
		if (r->vendor_mismatch)
			put(2, x, l->w - x, A_NORMAL,
			    "vendor mismatch  %zu incompatible   filter: %s",
			    r->count[CC_SEV_INCOMPATIBLE],
			    view_filter_name(v->filter));
		else
			put(2, x, l->w - x, A_NORMAL,
			    "%zu incompatible  %zu warning%s  %zu info   "
			    "filter: %s",
			    r->count[CC_SEV_INCOMPATIBLE],
			    r->count[CC_SEV_WARNING],
			    r->count[CC_SEV_WARNING] == 1 ? "" : "s",
			    r->count[CC_SEV_INFO], view_filter_name(v->filter));
	} else {
		size_t i, nz = 0;

		for (i = 0; i < v->ngroups; i++)
			nz += v->groups[i].nonzero;
		put(1, 3, l->w - 3, A_NORMAL,
		    "one set: every field decoded through the definitions");
		put(2, 0, 8, A_BOLD, "DECODE");
		put(2, 8, l->w - 8, A_NORMAL,
		    "%zu fields in %zu registers, %zu non-zero   filter: %s",
		    v->nrows, v->ngroups, nz, view_filter_name(v->filter));
	}
}

static void draw_titles(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	attr_t fg = A_REVERSE | (v->pane == VIEW_PANE_GROUPS ? A_BOLD : 0);
	attr_t fr = A_REVERSE | (v->pane == VIEW_PANE_ROWS ? A_BOLD : 0);
	int y = HEADER_H;

	if (v->two)
		put(y, 0, l->lw, fg, " %-*s%3s%3s%3s", l->lw - 10,
		    "leaf.sub.reg", "X", "!", "i");
	else
		put(y, 0, l->lw, fg, " %-*s%5s", l->lw - 6, "leaf.sub.reg",
		    "set");
	put(y, l->lw, 1, A_REVERSE, " ");
	if (v->two)
		put(y, l->rx, l->rw, fr, "  %-*s %-*s %-*s %-*s %s", l->nw,
		    "field", l->bw, "bits", l->vw, "A", l->vw, "B", "status");
	else
		put(y, l->rx, l->rw, fr, "  %-*s %-*s %-*s %s", l->nw, "field",
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
				put(l->list_y + i, 0, l->lw, A_NORMAL, "%s", "");
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

static void draw_rows(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	const struct view_list *rl = &v->list[VIEW_PANE_ROWS];
	int i;

	for (i = 0; i < l->list_h; i++) {
		size_t ri = rl->top + (size_t)i;
		const struct view_row *r = view_row_at(v, ri);
		int y = l->list_y + i, sel = r != NULL && ri == rl->cursor;
		char nb[16], bits[8], sv[32], dv[32], name[64];
		attr_t a, sa;

		if (r == NULL) {
			if (i == 0 && v->nvrows == 0)
				put(y, l->rx, l->rw, A_NORMAL,
				    "  nothing at filter '%s': press f to see "
				    "more",
				    view_filter_name(v->filter));
			else
				put(y, l->rx, l->rw, A_NORMAL, "%s", "");
			continue;
		}
		snprintf(name, sizeof name, "%s", view_row_name(r, nb, sizeof nb));
		fit(name, l->nw);
		bits_str(&r->f, bits, sizeof bits);
		report_value(&r->f, 0, sv, sizeof sv);
		report_value(&r->f, 1, dv, sizeof dv);
		fit(sv, l->vw);
		fit(dv, l->vw);
		a = sel && v->pane == VIEW_PANE_ROWS ? A_REVERSE : A_NORMAL;
		sa = mark_attr(t, (enum view_mark)r->mark) | a;
		if (v->two) {
			put(y, l->rx, l->rw - STATUS_W,
			    a | (r->mark == VIEW_MARK_INCOMPATIBLE ? A_BOLD : 0),
			    "%c%c%-*s %-*s %-*s %-*s ", sel ? '>' : ' ',
			    r->toggled ? '*' : ' ', l->nw, name, l->bw, bits,
			    l->vw, sv, l->vw, dv);
			put(y, l->rx + l->rw - STATUS_W, STATUS_W, sa, "%s",
			    short_status((enum view_mark)r->mark));
		} else {
			int dx = 2 + l->nw + 1 + l->bw + 1 + l->vw + 1;

			put(y, l->rx, dx, a, "%c%c%-*s %-*s %-*s ",
			    sel ? '>' : ' ', r->toggled ? '*' : ' ', l->nw, name,
			    l->bw, bits, l->vw, sv);
			put(y, l->rx + dx, l->rw - dx, a | A_DIM, "%s",
			    r->f.field ? r->f.field->description
				       : "no known meaning");
		}
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
		attr_t a = in ? (A_REVERSE | mark_attr(t, (enum view_mark)r->mark))
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

static void draw_detail(struct tui *t)
{
	const struct view *v = t->v;
	const struct layout *l = &t->l;
	const struct view_row *r = view_row(v);
	const struct cc_field *f;
	struct cc_buf names;
	char pos[64], what[96], policy[32], nb[16], reg[4];
	uint32_t known, va, vb = 0;
	const char *name;
	int y = l->detail_y, x, b, i;

	mvhline(y, 0, '-', l->w);
	if (r == NULL)
		return;
	f = r->f.field;
	name = view_row_name(r, nb, sizeof nb);
	cc_finding_position(&r->f, pos, sizeof pos);
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
	if ((int)strlen(what) + 4 < l->w - x)
		put(y, l->w - (int)strlen(what) - 4, (int)strlen(what) + 2,
		    mark_attr(t, (enum view_mark)r->mark), " %s ", what);
	if (f != NULL) {
		put(y + 1, 0, l->w, A_NORMAL, "%s", f->description);
		cc_policy_str(f, policy, sizeof policy);
		put(y + 2, 0, l->w, A_NORMAL,
		    "category %s   rule %s   policy %s%s%s%s",
		    cc_categories[f->category],
		    cc_rule_name((enum cc_rule)f->rule), policy,
		    f->reason ? " (" : "", f->reason ? f->reason : "",
		    f->reason ? ")" : "");
		cc_buf_init(&names);
		if (f->qemu)
			cc_buf_printf(&names, "names: qemu %s", f->qemu);
		if (f->libvirt)
			cc_buf_printf(&names, "%slibvirt %s",
				      names.len ? ", " : "names: ", f->libvirt);
		if (f->kernel)
			cc_buf_printf(&names, "%skernel %s",
				      names.len ? ", " : "names: ", f->kernel);
		for (i = 0; f->aliases && f->aliases[i]; i++)
			cc_buf_printf(&names, "%s%s",
				      i ? ", " : names.len ? "; aliases: "
							   : "aliases: ",
				      f->aliases[i]);
		put(y + 3, 0, l->w, A_NORMAL, "%s",
		    names.len ? names.data : "no other names");
		cc_buf_free(&names);
	} else {
		put(y + 1, 0, l->w, A_NORMAL,
		    "no known meaning: no field definition names this bit");
		put(y + 2, 0, l->w, A_NORMAL, "compared as a flag (rule subset)");
	}
	/* the register, bit by bit, the field's bits marked */
	for (i = 0; i < 3; i++)
		reg[i] = (char)(cc_reg_name((enum cc_reg)r->f.reg)[i] - 'a' + 'A');
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

	if (t->prompt) {
		put(l->status_y, 0, l->w, A_NORMAL, "/%s_", t->buf);
		return;
	}
	if (v->message[0]) {
		put(l->status_y, 0, l->w, A_BOLD, "%s", v->message);
		return;
	}
	put(l->status_y, 0, l->w, A_REVERSE,
	    " ?:help /:search n/N:next f:filter s:swap Tab:pane "
	    "space:what-if w:write q:quit");
}

static void draw_small(const struct tui *t)
{
	const struct layout *l = &t->l;
	char msg[160];
	int y = l->h / 2 - 1;

	snprintf(msg, sizeof msg,
		 "cpucompat explore needs at least %dx%d; this terminal is "
		 "%dx%d.",
		 TUI_MIN_COLS, TUI_MIN_LINES, l->w, l->h);
	mvaddnstr(y < 0 ? 0 : y, 0, msg, l->w);
	mvaddnstr(y < 0 ? 1 : y + 1, 0, "Enlarge it, or press q to quit.",
		  l->w);
}

static const char *const help_lines[] = {
	"cpucompat explore: keys",
	"",
	"  Up/Down, j/k      move in the focused pane",
	"  PgUp/PgDn, ^B/^F  page up / page down",
	"  Home/End, g/G     first / last line",
	"  Tab, Left/Right   switch between the leaf list and the field table",
	"  Enter             leaf list: go to its fields; fields: full details",
	"  /                 search a name, alias, spelling, category or",
	"                    position (7.0.ebx, 7.0.ecx[8], CPUID.(7,0).ECX[8])",
	"  n / N             next / previous match (no search: finding)",
	"  f                 filter: incompatible > all differences > everything",
	"  s                 swap A and B and check again",
	"  space             what-if: turn the selected feature off on A (again:",
	"                    back on); the verdict is recomputed",
	"  w                 write A with the what-if edits as a profile",
	"  Esc               clear the search; close this screen",
	"  q                 quit (also closes this screen)",
	"  mouse             click selects, wheel scrolls (where supported)",
	"",
	"status: X incompatible  ! warning  i info  = ok  ~ host-dependent",
	"        * turned off by what-if;  '>' marks the selection",
	"",
	"press any key to return",
	NULL,
};

static void draw_help(const struct tui *t)
{
	int i;

	for (i = 0; help_lines[i] && i < t->l.h; i++)
		put(i, 0, t->l.w, i == 0 ? A_BOLD : A_NORMAL, "%s",
		    help_lines[i]);
}

static void draw_full_detail(struct tui *t)
{
	const struct view *v = t->v;
	const struct view_row *r = view_row(v);
	const struct cc_field *f;
	char pos[64], what[96], policy[32], nb[16], sv[32], dv[32], lab[160];
	struct cc_buf b;
	int y = 0, i, w = t->l.w;

	if (r == NULL) {
		put(0, 0, w, A_NORMAL, "no field selected; press any key");
		return;
	}
	f = r->f.field;
	cc_finding_position(&r->f, pos, sizeof pos);
	explain(v, r, what, sizeof what);
	report_value(&r->f, 0, sv, sizeof sv);
	report_value(&r->f, 1, dv, sizeof dv);
	put(y++, 0, w, A_BOLD, "%s   %s", view_row_name(r, nb, sizeof nb), pos);
	put(y++, 0, w, A_NORMAL, "%s",
	    f ? f->description : "no known meaning: no definition names this bit");
	y++;
	put(y++, 0, w, mark_attr(t, (enum view_mark)r->mark), "status     %s",
	    what);
	set_label(v->side[0].set, lab, sizeof lab);
	put(y++, 0, w, A_NORMAL, "A          %-12s %s", sv, lab);
	if (v->two) {
		set_label(v->side[1].set, lab, sizeof lab);
		put(y++, 0, w, A_NORMAL, "B          %-12s %s", dv, lab);
	}
	if (r->toggled)
		put(y++, 0, w, A_NORMAL, "what-if    turned off on %s",
		    r->toggled & 1 ? "A" : "B");
	if (f != NULL) {
		cc_policy_str(f, policy, sizeof policy);
		put(y++, 0, w, A_NORMAL, "category   %s",
		    cc_categories[f->category]);
		put(y++, 0, w, A_NORMAL, "rule       %s (%s when it differs)",
		    cc_rule_name((enum cc_rule)f->rule),
		    cc_sev_name((enum cc_sev)f->severity));
		put(y++, 0, w, A_NORMAL, "policy     %s", policy);
		if (f->reason)
			put(y++, 0, w, A_NORMAL, "reason     %s", f->reason);
		cc_buf_init(&b);
		for (i = 0; i < 7; i++) {
			static const unsigned vendors[] = {
				CC_VENDOR_INTEL, CC_VENDOR_AMD, CC_VENDOR_HYGON,
				CC_VENDOR_CENTAUR, CC_VENDOR_ZHAOXIN,
				CC_VENDOR_TRANSMETA, CC_VENDOR_OTHER};

			if (f->vendors & vendors[i])
				cc_buf_printf(&b, " %s",
					      cc_vendor_name((enum cc_vendor)
								     vendors[i]));
		}
		put(y++, 0, w, A_NORMAL, "vendors   %s", b.len ? b.data : " any");
		cc_buf_free(&b);
		put(y++, 0, w, A_NORMAL, "qemu       %s", f->qemu ? f->qemu : "-");
		put(y++, 0, w, A_NORMAL, "libvirt    %s",
		    f->libvirt ? f->libvirt : "-");
		put(y++, 0, w, A_NORMAL, "kernel     %s",
		    f->kernel ? f->kernel : "-");
		cc_buf_init(&b);
		for (i = 0; f->aliases && f->aliases[i]; i++)
			cc_buf_printf(&b, "%s%s", i ? ", " : "", f->aliases[i]);
		put(y++, 0, w, A_NORMAL, "aliases    %s", b.len ? b.data : "-");
		cc_buf_free(&b);
		if (f->any_subleaf)
			put(y++, 0, w, A_NORMAL, "subleaves  any");
		else if (f->first != f->last)
			put(y++, 0, w, A_NORMAL, "subleaves  %u..%u", f->first,
			    f->last);
	}
	y++;
	if (y < t->l.h - 1)
		put(y, 0, w, A_NORMAL, "press any key to return");
}

static void draw(struct tui *t)
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

/* ------------------------------------------------------------ input */

static void on_mouse(struct tui *t)
{
	const struct layout *l = &t->l;
	MEVENT ev;
	enum view_pane p;
	int i;

	if (getmouse(&ev) != OK)
		return;
	if (t->mode != MODE_MAIN) {
		t->mode = MODE_MAIN;
		return;
	}
	if (ev.y < l->list_y || ev.y >= l->list_y + l->list_h)
		return;
	p = ev.x < l->lw ? VIEW_PANE_GROUPS : VIEW_PANE_ROWS;
	if (ev.bstate & (BUTTON4_PRESSED | BUTTON5_PRESSED)) {
		view_focus(t->v, p);
		for (i = 0; i < 3; i++)
			view_move(t->v, ev.bstate & BUTTON4_PRESSED ? VIEW_UP
								     : VIEW_DOWN);
		return;
	}
	view_select_line(t->v, p, (size_t)(ev.y - l->list_y));
}

static void on_prompt_key(struct tui *t, int ch)
{
	switch (ch) {
	case '\n':
	case '\r':
	case KEY_ENTER:
		t->prompt = 0;
		view_search(t->v, t->buf);
		break;
	case 27:
		t->prompt = 0;
		break;
	case KEY_BACKSPACE:
	case 127:
	case 8:
		if (t->len > 0)
			t->buf[--t->len] = '\0';
		else
			t->prompt = 0;
		break;
	case KEY_CTRL('u'):
		t->len = 0;
		t->buf[0] = '\0';
		break;
	default:
		if (ch >= 0x20 && ch < 0x7f && t->len + 1 < sizeof t->buf) {
			t->buf[t->len++] = (char)ch;
			t->buf[t->len] = '\0';
		}
	}
}

/* Copy S into the view's status message, cut to fit. */
static void set_message(struct view *v, const char *s)
{
	size_t n = strlen(s);

	if (n >= sizeof v->message)
		n = sizeof v->message - 1;
	memcpy(v->message, s, n);
	v->message[n] = '\0';
}

static void write_profile(struct tui *t)
{
	struct view *v = t->v;
	struct cc_buf msg;
	struct cc_err e;
	char path[256];

	if (t->o->profile_path != NULL)
		snprintf(path, sizeof path, "%s", t->o->profile_path);
	else
		view_profile_path(v, path, sizeof path);
	cc_buf_init(&msg);
	if (view_write_profile(v, path, &e) < 0)
		cc_buf_puts(&msg, e.msg);
	else
		cc_buf_printf(&msg, "wrote %s (A as a profile%s)", path,
			      v->side[0].ntoggles ? ", what-if edits in" : "");
	set_message(v, msg.data);
	cc_buf_free(&msg);
}

/* Returns 1 to quit. */
static int on_key(struct tui *t, int ch)
{
	struct view *v = t->v;

	if (ch == KEY_MOUSE) {
		on_mouse(t);
		return 0;
	}
	if (!t->l.ok)
		return ch == 'q' || ch == 'Q';
	if (t->mode != MODE_MAIN) {
		t->mode = MODE_MAIN;
		return 0;
	}
	if (t->prompt) {
		on_prompt_key(t, ch);
		return 0;
	}
	v->message[0] = '\0';
	switch (ch) {
	case 'q':
	case 'Q':
		return 1;
	case KEY_UP:
	case 'k':
		view_move(v, VIEW_UP);
		break;
	case KEY_DOWN:
	case 'j':
		view_move(v, VIEW_DOWN);
		break;
	case KEY_PPAGE:
	case KEY_CTRL('b'):
		view_move(v, VIEW_PAGE_UP);
		break;
	case KEY_NPAGE:
	case KEY_CTRL('f'):
		view_move(v, VIEW_PAGE_DOWN);
		break;
	case KEY_HOME:
	case 'g':
		view_move(v, VIEW_HOME);
		break;
	case KEY_END:
	case 'G':
		view_move(v, VIEW_END);
		break;
	case '\t':
	case KEY_BTAB:
		view_next_pane(v);
		break;
	case KEY_LEFT:
	case 'h':
		view_focus(v, VIEW_PANE_GROUPS);
		break;
	case KEY_RIGHT:
	case 'l':
		view_focus(v, VIEW_PANE_ROWS);
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		if (v->pane == VIEW_PANE_GROUPS)
			view_focus(v, VIEW_PANE_ROWS);
		else if (view_row(v) != NULL)
			t->mode = MODE_DETAIL;
		break;
	case '/':
		t->prompt = 1;
		t->len = 0;
		t->buf[0] = '\0';
		break;
	case 'n':
		view_search_next(v, 1);
		break;
	case 'N':
		view_search_next(v, -1);
		break;
	case 'f':
		view_cycle_filter(v);
		break;
	case 's':
		view_swap(v);
		break;
	case ' ':
		view_toggle(v);
		break;
	case 'w':
		write_profile(t);
		break;
	case '?':
		t->mode = MODE_HELP;
		break;
	case 27:
		v->query[0] = '\0';
		break;
	case KEY_CTRL('l'):
		clearok(curscr, TRUE);
		break;
	default:
		break;
	}
	return 0;
}

int tui_run(struct view *v, const struct tui_opts *o, struct cc_err *e)
{
	struct tui t;
	int ch, dirty = 1, sig;

	memset(&t, 0, sizeof t);
	t.v = v;
	t.o = o;
	got_signal = 0;
	if (start_session(&t, e) < 0)
		return -1;
	layout(&t);
	while (!got_signal) {
		if (dirty)
			draw(&t);
		dirty = 1;
		ch = getch();
		if (ch == ERR) {
			dirty = 0;
			continue;
		}
		if (ch == KEY_RESIZE) {
			layout(&t);
			continue;
		}
		if (on_key(&t, ch))
			break;
	}
	sig = got_signal;
	end_session();
	return sig;
}
