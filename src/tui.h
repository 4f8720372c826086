/*
 * The explorer's terminal front end: the only module that includes curses
 * (tui.c: session and input; tui_draw.c: drawing).
 * It draws a struct view (view.h) and turns keys, mouse clicks and resizes
 * into calls on it; every piece of state worth keeping lives in the view.
 *
 * The terminal is restored on every way out: a normal quit, an error, a
 * terminating signal (INT, TERM, HUP, QUIT: the session ends cleanly and
 * tui_run reports the signal), a crash (SEGV, BUS, FPE, ILL, ABRT: restored
 * from the handler, then the signal is re-raised) and exit() (atexit).
 */
#ifndef TUI_H
#define TUI_H

#include "cc_err.h"
#include "view.h"

#define TUI_MIN_COLS 80
#define TUI_MIN_LINES 24

struct tui_opts {
	int color;                /* use colour when the terminal has it */
	const char *profile_path; /* where `w` writes the what-if profile */
};

/*
 * Run the explorer on V until the user quits.  Keys are read from the
 * terminal on standard input, or from /dev/tty when standard input is not
 * one.  Returns 0 after `q`; the number of the signal that ended the
 * session (> 0, terminal already restored; the caller re-raises it after
 * cleaning up); or -1 with E when standard output is not a terminal, TERM
 * is unusable or the terminal is smaller than TUI_MIN_COLS x TUI_MIN_LINES.
 */
int tui_run(struct view *v, const struct tui_opts *o, struct cc_err *e);

#endif
