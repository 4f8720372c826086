/*
 * What the explorer's two curses files share: tui.c (the terminal
 * session, signals and input) and tui_draw.c (one frame from the view).
 */
#ifndef TUI_PRIV_H
#define TUI_PRIV_H

#include <stddef.h>

#include "tui.h"
#include "view.h"

/* What fills the screen: the panes, the key help, or one field in full. */
enum mode { MODE_MAIN, MODE_HELP, MODE_DETAIL };

/* Colour pairs, one per kind of row. */
enum pair { PAIR_INC = 1, PAIR_WARN, PAIR_INFO, PAIR_OK, PAIR_HOST };

/* Where the bands and columns are for the terminal's current size. */
struct layout {
	int h, w;
	int ok; /* big enough to draw */
	int list_y, list_h;
	int lw;     /* left pane width */
	int rx, rw; /* right pane x and width */
	int detail_y;
	int status_y;
	int nw, vw, vwb, bw; /* field table: name, A, B and bits widths, sized
			      * per frame to the rows on screen */
};

/* One explorer session. */
struct tui {
	struct view *v;
	const struct tui_opts *o;
	struct layout l;
	enum mode mode;
	int color;
	int prompt;   /* the search prompt is open */
	char buf[64]; /* search text being typed */
	size_t len;
};

/* Fit the bands to the terminal's size (LINES x COLS) and tell the view
 * its list heights; l.ok is 0 when the terminal is too small. */
void tui_layout(struct tui *t);
/* Draw one frame from scratch from the view and refresh the screen. */
void tui_draw(struct tui *t);

#endif
