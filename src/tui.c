/*
 * The explorer's terminal session and input: see tui.h.  tui_run starts a
 * curses session on the terminal (keys from /dev/tty when standard input
 * is not one), installs the signal handlers that restore the terminal,
 * and loops: draw a frame (tui_draw.c), read a key or mouse event, turn it
 * into a call on the view.  The what-if profile is written here, not by
 * the view model.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <curses.h>

#include "cc_buf.h"
#include "fmt.h"
#include "tui_priv.h"

#define KEY_CTRL(c) ((c)&0x1f)

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
		return cc_errf(e,
			       "explore: standard output is not a terminal "
			       "(use 'cpucompat check' for a report)");
	if (!isatty(STDIN_FILENO)) {
		tty_in = fopen("/dev/tty", "r");
		if (tty_in == NULL)
			return cc_errf(e,
				       "explore: no terminal to read keys "
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
		return cc_errf(e,
			       "explore: cannot drive terminal type '%s' "
			       "(TERM)",
			       term ? term : "");
	}
	tui_active = 1;
	if (LINES < TUI_MIN_LINES || COLS < TUI_MIN_COLS) {
		int h = LINES, w = COLS;

		end_session();
		return cc_errf(e,
			       "explore: the terminal is %dx%d; it needs at "
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
			view_move(t->v, ev.bstate & BUTTON4_PRESSED
						? VIEW_UP
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

/* The what-if profile of V written to PATH as native JSON, atomically;
 * 0 or -1 with E. */
static int save_profile(const struct view *v, const char *path,
			struct cc_err *e)
{
	struct cc_set *s = view_whatif_profile(v);
	struct cc_buf b;
	int rc;

	cc_buf_init(&b);
	rc = fmt_native.write(&b, s, e);
	if (rc == 0)
		rc = cc_buf_save(&b, path, e);
	cc_buf_free(&b);
	cc_set_free(s);
	return rc < 0 ? -1 : 0;
}

static void write_profile(struct tui *t)
{
	struct view *v = t->v;
	struct cc_buf msg;
	struct cc_err e;
	char path[256];

	if (!v->two) {
		set_message(v, "write needs two sets (explore A B)");
		return;
	}
	if (t->o->profile_path != NULL)
		snprintf(path, sizeof path, "%s", t->o->profile_path);
	else
		view_profile_path(v, path, sizeof path);
	cc_buf_init(&msg);
	if (save_profile(v, path, &e) < 0)
		cc_buf_puts(&msg, e.msg);
	else
		cc_buf_printf(&msg,
			      "wrote %s: A as a profile, %zu what-if "
			      "edit%s",
			      path, v->side[0].ntoggles,
			      v->side[0].ntoggles == 1 ? "" : "s");
	set_message(v, msg.data);
	cc_buf_free(&msg);
}

/* Cursor and pane keys (arrows, vi keys, paging); 1 when CH was one. */
static int on_move_key(struct view *v, int ch)
{
	switch (ch) {
	case KEY_UP:
	case 'k':
		view_move(v, VIEW_UP);
		return 1;
	case KEY_DOWN:
	case 'j':
		view_move(v, VIEW_DOWN);
		return 1;
	case KEY_PPAGE:
	case KEY_CTRL('b'):
		view_move(v, VIEW_PAGE_UP);
		return 1;
	case KEY_NPAGE:
	case KEY_CTRL('f'):
		view_move(v, VIEW_PAGE_DOWN);
		return 1;
	case KEY_HOME:
	case 'g':
		view_move(v, VIEW_HOME);
		return 1;
	case KEY_END:
	case 'G':
		view_move(v, VIEW_END);
		return 1;
	case '\t':
	case KEY_BTAB:
		view_next_pane(v);
		return 1;
	case KEY_LEFT:
	case 'h':
		view_focus(v, VIEW_PANE_GROUPS);
		return 1;
	case KEY_RIGHT:
	case 'l':
		view_focus(v, VIEW_PANE_ROWS);
		return 1;
	default:
		return 0;
	}
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
	if (ch == 'q' || ch == 'Q')
		return 1;
	if (on_move_key(v, ch))
		return 0;
	switch (ch) {
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
	tui_layout(&t);
	while (!got_signal) {
		if (dirty)
			tui_draw(&t);
		dirty = 1;
		ch = getch();
		if (ch == ERR) {
			dirty = 0;
			continue;
		}
		if (ch == KEY_RESIZE) {
			tui_layout(&t);
			continue;
		}
		if (on_key(&t, ch))
			break;
	}
	sig = got_signal;
	end_session();
	return sig;
}
