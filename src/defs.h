/*
 * The field-definition database: for every architecturally defined CPUID
 * field, where it lives (leaf, subleaf range, register, bits), what it is
 * called (our name plus QEMU, libvirt and kernel spellings and aliases), what
 * it means, how it compares across a migration (rule, severity) and what a
 * generated profile does with it (policy).
 *
 * The source of truth is defs/<name>.json (schema: man/cpucompat.5,
 * defs/SCHEMA.md).  At build time defsgen validates them and compiles them
 * into a C table (defs_table.c), so start-up parses nothing; `--defs DIR`
 * loads JSON at run time instead, through the same validating loader.
 *
 * Fields are sorted by (leaf, register, low bit, first subleaf); the
 * lookups below use that order.
 */
#ifndef DEFS_H
#define DEFS_H

#include <stddef.h>
#include <stdint.h>

#include "cc_err.h"

enum cc_rule { CC_RULE_SUBSET, CC_RULE_EQUAL, CC_RULE_GE, CC_RULE_LE, CC_RULE_INFO };
enum cc_sev { CC_SEV_INFO, CC_SEV_WARNING, CC_SEV_INCOMPATIBLE };
enum cc_policy { CC_POLICY_INHERIT, CC_POLICY_PASSTHROUGH, CC_POLICY_STATIC };

struct cc_field {
	uint32_t leaf;
	uint32_t first, last;  /* subleaf range (0..UINT32_MAX when any) */
	uint8_t any_subleaf;   /* "subleaf": null in the JSON */
	uint8_t reg;           /* enum cc_reg */
	uint8_t lo, hi;        /* bit range, inclusive */
	uint8_t rule;          /* enum cc_rule */
	uint8_t severity;      /* enum cc_sev, when the field differs */
	uint8_t policy;        /* enum cc_policy */
	uint8_t category;      /* index into cc_categories */
	uint16_t vendors;      /* mask of enum cc_vendor */
	uint32_t static_value; /* for CC_POLICY_STATIC */
	const char *name;
	const char *qemu, *libvirt, *kernel;   /* NULL when none */
	const char *const *aliases;            /* NULL-terminated */
	const char *description;
	const char *reason;                    /* NULL when none */
};

struct cc_defs {
	const struct cc_field *fields; /* sorted, see above */
	size_t n;
	void *owned; /* loader-owned storage, NULL for the built-in table */
};

extern const char *const cc_categories[]; /* NULL-terminated */

/* The compiled-in database. */
const struct cc_defs *cc_defs_builtin(void);

/* Load and validate JSON files (loader-owned result), or NULL and E naming
 * the file and the field. */
struct cc_defs *cc_defs_load_files(const char *const *paths, size_t n,
				   struct cc_err *e);
/* Every *.json in DIR. */
struct cc_defs *cc_defs_load_dir(const char *dir, struct cc_err *e);
void cc_defs_free(struct cc_defs *d);

/* [*begin, *end) = the fields of (LEAF, REG), any subleaf and vendor. */
void cc_defs_range(const struct cc_defs *d, uint32_t leaf, int reg,
		   size_t *begin, size_t *end);

/* Does F apply to SUBLEAF and VENDOR (VENDOR 0 = any)? */
int cc_field_applies(const struct cc_field *f, uint32_t subleaf,
		     unsigned vendor);

/* Mask of F's bits within its register. */
static inline uint32_t cc_field_mask(const struct cc_field *f)
{
	return (f->hi - f->lo == 31) ? UINT32_MAX
				     : (((1u << (f->hi - f->lo + 1)) - 1) << f->lo);
}

const char *cc_rule_name(enum cc_rule r);
const char *cc_sev_name(enum cc_sev s);
/* "inherit", "passthrough", "static:N" into OUT (>= 24 bytes) */
void cc_policy_str(const struct cc_field *f, char *out, size_t n);

/* Spelling by naming scheme: "linux" (our name), "qemu", "libvirt";
 * falls back to our name when the scheme has none. */
const char *cc_field_spelling(const struct cc_field *f, const char *scheme);

/* Does QUERY name F: our name, a QEMU/libvirt/kernel spelling or an alias
 * (case-insensitive, substring when SUBSTR)? */
int cc_field_named(const struct cc_field *f, const char *query, int substr);

/* cc_field_named, or QUERY is F's category. */
int cc_field_matches(const struct cc_field *f, const char *query, int substr);

#endif
