/*
 * What the view model's files share and nothing else sees: view.c (rows,
 * groups, visibility, navigation, filter, swap), view_search.c (search by
 * name or position) and view_whatif.c (what-if edits of A).  Not for the
 * drawer: tui.c uses view.h alone.
 */
#ifndef VIEW_PRIV_H
#define VIEW_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "view.h"

/* One what-if edit of A: the bit turned off and what it was before. */
struct view_toggle {
	uint32_t leaf, subleaf;
	uint8_t reg, bit;
	uint32_t old_reg,
		old_known;  /* the bit's previous value and known mask */
	uint8_t old_absent; /* the register's previous absent bit */
	const struct cc_field *field; /* for the profile's metadata, or NULL */
};

/* A position in the rows, kept across rebuilds. */
struct view_key {
	uint32_t leaf, subleaf;
	uint8_t reg, lo, hi;
	int valid;      /* 0: no selection */
	int group_only; /* a group is selected but none of its rows */
};

/* Does row R hold a non-zero (or partly unknown) value; is it a
 * difference (incompatible, warning or info); is it visible under V's
 * filter (toggled rows always are)? */
int view_row_nonzero(const struct view_row *r);
int view_row_is_difference(const struct view_row *r);
int view_row_visible(const struct view *v, const struct view_row *r);

/* Rebuild rows and groups from the sets (re-running the check with two);
 * the visible lists are left to view_relocate. */
void view_build_rows(struct view *v);

/* The selected position, or row R's, as a key for view_relocate. */
struct view_key view_current_key(const struct view *v);
struct view_key view_row_key(const struct view_row *r);
/* Recompute the visible lists and put the cursors on K, or on the nearest
 * position after it (else the last one). */
void view_relocate(struct view *v, const struct view_key *k);
/* Select row RI (an index into rows), widening the filter if it is
 * hidden. */
void view_jump(struct view *v, size_t ri);
/* Index into rows of the selected row; 0 with *HAVE 0 when none. */
size_t view_current_index(const struct view *v, int *have);

#endif
