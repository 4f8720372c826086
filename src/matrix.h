/*
 * The migration matrix of a fleet: can a guest that sees set i run on set
 * j, for every ordered pair, with the same verdict as cc_diff (check)
 * would give.  It compares per register with precomputed masks: each set
 * is reduced once to a vector of the registers that can block a migration
 * (subset bits, bits no field names, ge/le/equal fields), sets with equal
 * vectors share one class, and cells are computed per pair of classes.
 * Fields are named only for cells that are blocked, and only on request.
 *
 * Pure: no printing, no exit.  Ownership: the matrix borrows its sets and
 * the defs, which must outlive it.
 */
#ifndef MATRIX_H
#define MATRIX_H

#include <stddef.h>
#include <stdint.h>

#include "cpuid_set.h"
#include "defs.h"

enum cc_cell {
	CC_CELL_OK,      /* a guest of the row can run on the column */
	CC_CELL_BLOCKED, /* incompatible fields */
	CC_CELL_VENDOR,  /* vendor mismatch */
};

/* What blocks a cell: a field (or, FIELD NULL, one unnamed bit). */
struct cc_blocker {
	const struct cc_field *field;
	uint32_t leaf, subleaf;
	uint8_t reg, lo, hi;
};

struct cc_matrix;

/* Precompute the matrix of SETS[0..N) (borrowed; they and D must outlive
 * the matrix), judging raw CPUID as cc_diff does with no options. */
struct cc_matrix *cc_matrix_new(const struct cc_set *const *sets, size_t n,
				const struct cc_defs *d);
/* The same in VIEW (enum cc_view, guest.h): the cells agree with cc_diff
 * in that view. */
struct cc_matrix *cc_matrix_new_view(const struct cc_set *const *sets, size_t n,
				     const struct cc_defs *d, int view);
void cc_matrix_free(struct cc_matrix *m);

/* Can a guest that sees set I run on set J? */
enum cc_cell cc_matrix_cell(const struct cc_matrix *m, size_t i, size_t j);

/* Sets with equal vectors share a class; cells depend only on classes. */
size_t cc_matrix_nclasses(const struct cc_matrix *m);
size_t cc_matrix_class(const struct cc_matrix *m, size_t i);

/*
 * The blockers of cell (I, J) in position order, into OUT (CAP entries);
 * returns how many there are (possibly more than CAP).  0 for OK and
 * vendor-mismatch cells.
 */
size_t cc_matrix_blockers(const struct cc_matrix *m, size_t i, size_t j,
			  struct cc_blocker *out, size_t cap);

/*
 * Sources grouped into classes before the matrix, so that a fleet of
 * 10,000 hosts of 200 distinct views costs 200 x 200 cells
 * (matrix_class.c).  In the guest view a host dump joins a class by the
 * hash of its guest view (cc_fleet: fields no guest sees or the VMM sets,
 * such as APIC IDs, never split a class); in the raw view, and for dumps
 * without a vendor, by its raw CPUID; each profile is a class of its own.
 * A class keeps its first source's set as representative and every other
 * set is freed once hashed, so memory grows with the classes.  Classes
 * are numbered in order of their first source.
 *
 * Ownership: the grouping owns the representatives (or its fleet does),
 * the specs and the names; it borrows the defs, which must outlive it.
 */
struct cc_matrix_class {
	const struct cc_set *rep; /* its first source's set */
	char *name;               /* after cc_matrix_classes_name, else NULL */
	/* the richest bundled profile it runs (host classes of the guest
	 * view), or NULL */
	const char *profile;
	size_t *members; /* source indices, ascending */
	size_t nmembers, capmembers;
};

struct cc_matrix_classes {
	struct cc_matrix_class *classes;
	const struct cc_set **reps; /* classes[k].rep, for cc_matrix_new */
	size_t nclasses, capclasses;
	char **specs; /* per source, as the user named it (owned) */
	size_t *cls;  /* per source: its class */
	size_t nsources, capsources;
	void *priv;
};

/* An empty grouping in VIEW (enum cc_view) over D (borrowed). */
struct cc_matrix_classes *cc_matrix_classes_new(const struct cc_defs *d,
						int view);
void cc_matrix_classes_free(struct cc_matrix_classes *g);

/* Add source S (consumed) named SPEC (copied); returns its class. */
size_t cc_matrix_classes_add(struct cc_matrix_classes *g, struct cc_set *s,
			     const char *spec);

/* Name every class, once, after the last add: in the guest view a host
 * class gets the fleet's name ("Xeon Gold 6148 -hle -rtm", fleet_name.c)
 * and the richest bundled profile it runs; other classes their
 * representative's brand string, comment or name. */
void cc_matrix_classes_name(struct cc_matrix_classes *g);

#endif
