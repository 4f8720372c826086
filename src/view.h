/*
 * The explorer's view model: everything `cpucompat explore` shows and
 * remembers, in plain C with no curses, so it can be unit-tested.
 *
 * Rows are fields.  With two sets a row is one outcome of the check A -> B
 * in the guest view (guest.h) unless told otherwise (the diff engine's
 * findings, matches and host-dependent fields included); with one set a
 * row is one field of A decoded through the defs (plus the set bits no
 * field names).  Rows are grouped by register: a group is one (leaf,
 * subleaf, register), the unit of the leaf list, and lists its rows in bit
 * order.  With two sets the groups come in the report's order (cc_report.h:
 * blocking findings by consequence, the vendor first in a vendor mismatch,
 * then warnings, info, what folds under a vendor mismatch, matches): a
 * group stands where its first row in the report stands, so the first
 * screen shows what breaks a guest first; differences no KVM guest can
 * see count last, after the matches.
 * With one set they are in position order.  The filter decides which rows
 * are visible, and a group is visible when one of its rows is.
 *
 * There are two lists, each with a cursor and a first visible line (top):
 * the groups (left pane) and the visible rows of the selected group (right
 * pane).  Every operation that rebuilds rows (filter, swap, what-if) keeps
 * the selection on the same field (swap widens the filter when the field
 * would be hidden), so the user never loses their place; resizing only
 * changes the page heights and keeps the cursor on screen.
 *
 * What-if: the view owns copies of both sets; `view_toggle` turns a one-bit
 * field off on side A of the copy (or back on) and re-runs the diff, and
 * `view_whatif_profile` gives the edited A as a profile, which the TUI
 * writes: the view model does no file I/O.  Swap and what-if need two
 * sets; view_footer names only the keys that work in the current state.
 *
 * Ownership: the view copies A and B and borrows the defs, which must
 * outlive it.  Everything the structs below expose is read-only for the
 * drawer; change state only through the functions.
 */
#ifndef VIEW_H
#define VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "cpuid_set.h"
#include "defs.h"
#include "diff.h"

enum view_filter {
	VIEW_FILTER_INCOMPATIBLE, /* two sets: blocking findings */
	VIEW_FILTER_DIFFERENT,    /* two sets: every difference a guest can
				   * see (and what folds under a vendor
				   * mismatch) */
	VIEW_FILTER_ALL,          /* every row */
	VIEW_FILTER_NONZERO,      /* one set: fields with a non-zero value */
};

/* What a row says; decides its colour and symbol. */
enum view_mark {
	VIEW_MARK_INCOMPATIBLE, /* a difference that blocks the migration */
	VIEW_MARK_WARNING,      /* a guest-visible difference */
	VIEW_MARK_INFO,         /* a host-specific difference */
	VIEW_MARK_MATCH,        /* equal or acceptable */
	VIEW_MARK_HOSTDEP,      /* left to the host by a profile */
	VIEW_MARK_VALUE,        /* one set: a decoded value */
	VIEW_MARK_FOLDED,       /* folded under a vendor mismatch */
	VIEW_MARK_UNSEEN,       /* a difference no KVM guest can see */
	VIEW_NMARKS,
};

enum view_pane { VIEW_PANE_GROUPS, VIEW_PANE_ROWS };

enum view_move {
	VIEW_UP,
	VIEW_DOWN,
	VIEW_PAGE_UP,
	VIEW_PAGE_DOWN,
	VIEW_HOME,
	VIEW_END,
};

struct view_row {
	struct cc_finding f; /* position, field, both sides' values; with one
				set, dst == src */
	uint8_t mark;        /* enum view_mark */
	uint8_t toggled;     /* what-if: bit 0 = off on A, bit 1 = off on B */
	size_t order;        /* index in the report's findings (one set: in
				position order); groups sort by their least */
};

struct view_group {
	uint32_t leaf, subleaf;
	uint8_t reg;
	size_t first, n; /* rows[first .. first + n) */
	size_t count[3]; /* differences a guest sees, per enum cc_sev */
	size_t nonzero;  /* rows with a non-zero or unknown value */
	size_t order;    /* its rows' least order (rows no KVM guest sees
			   * count after all others): groups sort by it */
};

struct view_list {
	size_t cursor; /* index into the visible list */
	size_t top;    /* first visible line */
	size_t height; /* lines on screen (0 until view_set_heights) */
};

struct view_toggle; /* what-if record, private to view.c */

struct view_side {
	struct cc_set *set;          /* owned copy, edited by what-if */
	struct view_toggle *toggles; /* owned */
	size_t ntoggles;
};

struct view {
	const struct cc_defs *defs; /* borrowed */
	int two;                    /* 1: check A -> B; 0: decode A */
	struct view_side side[2];   /* [0] = A (source), [1] = B (target) */
	int judge;                  /* enum cc_view the check is judged in */
	struct cc_report *report;   /* two sets only, else NULL */
	size_t nmark[VIEW_NMARKS];  /* rows per enum view_mark */
	struct view_row *rows;      /* every row, group by group */
	size_t nrows;
	struct view_group *groups; /* every group, in display order */
	size_t ngroups;
	size_t *vgroups; /* visible groups (indexes into groups) */
	size_t nvgroups;
	size_t *vrows; /* visible rows of the selected group */
	size_t nvrows;
	struct view_list list[2]; /* by enum view_pane */
	enum view_pane pane;      /* focused pane */
	enum view_filter filter;
	char query[64];    /* last search, "" = none */
	char message[160]; /* feedback for the status line, "" = none */
};

/*
 * A view of the check A -> B judged in JUDGE (enum cc_view), or of A
 * decoded when B is NULL.  Copies A and B; borrows D.  The initial filter
 * shows blocking findings when there are any (else every difference, else
 * everything; non-zero fields for one set) and the cursor starts on the
 * report's first finding: the vendor in a vendor mismatch, else the first
 * blocking finding by consequence.  Never NULL (allocation failure
 * aborts).  view_new judges in the guest view, as check does.
 */
struct view *view_new_in(const struct cc_set *a, const struct cc_set *b,
			 const struct cc_defs *d, int judge);
struct view *view_new(const struct cc_set *a, const struct cc_set *b,
		      const struct cc_defs *d);
void view_free(struct view *v);

/* Lines available to each list; keeps both cursors on screen. */
void view_set_heights(struct view *v, size_t groups_h, size_t rows_h);

/* Move the cursor of the focused pane; stops at the edges. */
void view_move(struct view *v, enum view_move m);
/* Focus a pane; view_next_pane toggles between the two. */
void view_focus(struct view *v, enum view_pane p);
void view_next_pane(struct view *v);
/* Select line LINE (0 = the first visible one) of pane P, as a mouse click
 * does, and focus P.  Returns 0, or -1 when LINE shows nothing. */
int view_select_line(struct view *v, enum view_pane p, size_t line);

/* Set or cycle the filter: incompatible -> different -> all -> incompatible
 * with two sets, non-zero <-> all with one.  Keeps the selection when it
 * stays visible. */
void view_set_filter(struct view *v, enum view_filter f);
void view_cycle_filter(struct view *v);

/*
 * Search Q by name, any spelling or alias (substring, case-insensitive),
 * category, or position ("7.0.ebx", "7.0.ebx[16]", "0x7.0.EBX",
 * "CPUID.(7,0).EBX[16]").  Jumps to the first exact match, else to the first
 * match from the cursor on; widens the filter when the match is hidden.
 * Returns the number of matching rows (0: nothing moved, message set).
 */
size_t view_search(struct view *v, const char *q);
/* Next (DIR > 0) or previous match of the last search, wrapping; without
 * a search, the next or previous difference (one set: non-zero field).
 * Returns 1 when the cursor moved. */
int view_search_next(struct view *v, int dir);

/* Swap A and B (two sets only) and re-run the check, keeping the
 * selection on the same field (widening the filter when the field's new
 * outcome would hide it).  Returns 0, or -1 with a message. */
int view_swap(struct view *v);

/* What-if (two sets only): turn the selected one-bit field off on A, or
 * back on when it was turned off, and re-run the check.  Returns 0, or -1
 * with a message (one set, no selection, not a one-bit field, already
 * off). */
int view_toggle(struct view *v);
/* A with the what-if edits, as a new profile named "STEM-whatif" (a dump
 * becomes a profile that fixes every bit), the toggled fields listed in
 * its "whatif_off" metadata.  The caller owns (and writes) it. */
struct cc_set *view_whatif_profile(const struct view *v);
/* Default file name for the what-if profile: "STEM-whatif.json" in the
 * current directory, STEM from A's name. */
void view_profile_path(const struct view *v, char *out, size_t n);

/* The selected group and row, or NULL when nothing is visible. */
const struct view_group *view_group(const struct view *v);
const struct view_row *view_row(const struct view *v);
/* Group or row on visible line I of its list, or NULL. */
const struct view_group *view_group_at(const struct view *v, size_t i);
const struct view_row *view_row_at(const struct view *v, size_t i);

/* The verdict's reasons in one line, in the words of the text report's
 * line after the verdict ("blocks: 2 instruction-set features (avx512_vnni,
 * ...), 4 mitigations (md_clear, ...)"); in the raw view or with one set,
 * the counts.  Into OUT. */
void view_summary(const struct view *v, char *out, size_t n);

/* The key hints of the main screen for V's state, as "KEY:WORD" pairs
 * separated by spaces: only keys that do something (no swap, what-if or
 * write with one set; n/N named "next" with a search).  Into OUT. */
void view_footer(const struct view *v, char *out, size_t n);

/* Is R the one finding of a vendor mismatch (shown as "vendor")? */
int view_row_is_vendor(const struct view *v, const struct view_row *r);

/* Short status of a row for a narrow column: "X instr", "X mitig", ...
 * (blocking: its consequence), "! warn", "i info", "= ok", "~ host",
 * "v fold", "- unseen"; "" for a decoded value.  At most 8 columns. */
const char *view_row_status(const struct view_row *r);

/* "7.0.ebx" for a group into OUT. */
void view_group_label(const struct view_group *g, char *out, size_t n);
/* Row name: the field's name, else "bit N". */
const char *view_row_name(const struct view_row *r, char *buf, size_t n);
const char *view_filter_name(enum view_filter f);
/* One word for a mark: "incompatible", "warning", "info", "ok", "host",
 * "value", "folded", "unseen"; and a one-character symbol that reads
 * without colour. */
const char *view_mark_name(enum view_mark m);
char view_mark_symbol(enum view_mark m);

#endif
