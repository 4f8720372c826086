/*
 * Loading the guest view of the field database (internal to the loader):
 * the file-level keys "kvm_rules", "consequences", "hints" and "registers"
 * (defs/SCHEMA.md), and the pass that settles each field's guest
 * properties once the whole database is read: its consequence (the
 * category's unless the field says), its hint (by id), its zero_means
 * field, and agreement between each field and KVM's register masks.
 *
 * Ownership: a struct defs_guest owns every string and table it holds;
 * the database's cc_defs points into it.
 */
#ifndef DEFS_GUEST_H
#define DEFS_GUEST_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "cc_err.h"
#include "defs.h"

struct defs_guest {
	const char *file;          /* file that holds the rules (borrowed) */
	char *kvm_rules;           /* NULL: the database has no KVM rules */
	uint8_t conseq[32];        /* consequence per category index */
	struct cc_guest_reg *regs; /* sorted by (leaf, reg, first) */
	size_t nregs;
	struct cc_hint *hints; /* in file order */
	size_t nhints;
	char **strings; /* the hints' ids and texts, owned */
};

/* What load_field read but only the whole database can settle. */
struct defs_pending {
	char *hint;    /* hint id, owned, NULL when none */
	char *zero;    /* zero_means field name, owned, NULL when none */
	int has_guest; /* "guest" was given */
};

/* Read ROOT's guest-view keys (FILE names it in messages) into G.  0, or
 * -1 with E naming the file and the key. */
int defs_guest_load(struct defs_guest *g, const cJSON *root, const char *file,
		    struct cc_err *e);

/* Settle the N sorted fields FS (pending data P, file of each FILE_OF
 * into FILES): see the top of this file.  0, or -1 with E naming the file
 * and the field. */
int defs_guest_resolve(const struct defs_guest *g, struct cc_field *fs,
		       size_t n, const struct defs_pending *p,
		       const char *const *files, const size_t *file_of,
		       struct cc_err *e);

void defs_guest_free(struct defs_guest *g);

#endif
