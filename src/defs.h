/*
 * The field-definition database: for every architecturally defined CPUID
 * field, where it lives (leaf, subleaf range, register, bits), what it is
 * called (our name plus QEMU, libvirt and kernel spellings and aliases), what
 * it means, how it compares across a migration (rule, severity) and what a
 * generated profile does with it (policy), and what a KVM guest can see of
 * it (guest view: never, masked by KVM's capability words, passed through,
 * or set by the VMM), what losing it costs the guest (consequence) and the
 * likely cause of a difference (hint).  A register table, also in defs,
 * says the same for bits no field names, and records which Linux KVM the
 * rules were read from.
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

enum cc_rule {
	CC_RULE_SUBSET,
	CC_RULE_EQUAL,
	CC_RULE_GE,
	CC_RULE_LE,
	CC_RULE_INFO
};
enum cc_sev { CC_SEV_INFO, CC_SEV_WARNING, CC_SEV_INCOMPATIBLE };
enum cc_policy { CC_POLICY_INHERIT, CC_POLICY_PASSTHROUGH, CC_POLICY_STATIC };

/* What a KVM guest can see of a field or register. */
enum cc_guest {
	CC_GUEST_NEVER,       /* zeroed, not emitted, or outside KVM's mask */
	CC_GUEST_KVM,         /* a KVM capability bit: see enum cc_offer */
	CC_GUEST_PASSTHROUGH, /* the host's raw value reaches the guest */
	CC_GUEST_VMM, /* the VMM writes it (topology, brand, max leaf) */
};

/* How KVM decides a CC_GUEST_KVM field. */
enum cc_offer {
	CC_OFFER_NONE,        /* not a KVM field */
	CC_OFFER_HOST,        /* offered when the host CPU and kernel have it */
	CC_OFFER_EMULATED,    /* offered everywhere, even without the CPU */
	CC_OFFER_SYNTHESIZED, /* from host kernel state, maybe not in raw CPUID */
	CC_OFFER_RUNTIME,     /* follows the guest's own state at run time */
	CC_OFFER_MODULE,      /* only with a KVM module parameter (nested...) */
	CC_OFFER_COMPUTED, /* KVM computes it from fields judged themselves */
};

/* What the guest loses when the field is missing on the target, in the
 * order reports list blocking findings. */
enum cc_conseq {
	CC_CONSEQ_INSTRUCTION,   /* it may execute it: #UD or a crash */
	CC_CONSEQ_STATE,         /* XSAVE state: the restore fails */
	CC_CONSEQ_MITIGATION,    /* security silently lost */
	CC_CONSEQ_CAPACITY,      /* address bits, counters, caches */
	CC_CONSEQ_IDENTITY,      /* vendor, family/model/stepping */
	CC_CONSEQ_INFORMATIONAL, /* nothing the guest relies on */
	CC_NCONSEQ,
};

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
	const char *qemu, *libvirt, *kernel; /* NULL when none */
	const char *const *aliases;          /* NULL-terminated */
	const char *description;
	const char *reason;  /* NULL when none */
	uint8_t guest;       /* enum cc_guest */
	uint8_t offer;       /* enum cc_offer, CC_OFFER_NONE unless KVM */
	uint8_t consequence; /* enum cc_conseq (the category's unless set) */
	uint8_t zero_means;  /* 1: value 0 means bits zero_hi:zero_lo apply */
	uint8_t zero_lo, zero_hi;
	uint32_t guest_max; /* KVM caps the guest's value here; 0 = no cap */
	const char *hint;   /* likely cause of a difference, NULL if none */
};

/* What a guest can see of the bits of one register no field names: KVM
 * offers only MASK's bits of a CC_GUEST_KVM register; a passthrough
 * register passes MASK's bits.  A register no entry covers is never seen. */
struct cc_guest_reg {
	uint32_t leaf, leaf_last; /* leaf range */
	uint32_t first, last;     /* subleaf range */
	uint8_t reg;              /* enum cc_reg */
	uint8_t guest;            /* enum cc_guest */
	uint32_t mask;            /* bits that can reach a guest */
};

struct cc_hint {
	const char *id;   /* as fields name it: "microcode" */
	const char *text; /* one paragraph for people */
};

struct cc_defs {
	const struct cc_field *fields; /* sorted, see above */
	size_t n;
	/* The guest view: which Linux KVM the rules were read from ("Linux
	 * 7.1"; NULL when the database has none, and then every field reads
	 * as passthrough), the register table sorted by (leaf, reg, first),
	 * and the hints fields refer to. */
	const char *kvm_rules;
	const struct cc_guest_reg *regs;
	size_t nregs;
	const struct cc_hint *hints;
	size_t nhints;
	void *owned; /* loader-owned storage, NULL for the built-in table */
};

extern const char *const cc_categories[]; /* NULL-terminated */
/* "never", "kvm", "passthrough", "vmm"; NULL-terminated, enum order */
extern const char *const cc_guest_names[];
/* "", "host", "emulated", "synthesized", "runtime", "module", "computed" */
extern const char *const cc_offer_names[];
/* "instruction", "state", ..., "informational"; enum order */
extern const char *const cc_conseq_names[];

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

/* The register-table entry covering (LEAF, SUBLEAF, REG), or NULL when
 * no guest ever sees that register. */
const struct cc_guest_reg *cc_defs_guest_reg(const struct cc_defs *d,
					     uint32_t leaf, uint32_t subleaf,
					     int reg);

/* The hint named ID ("kvm-hides"), or NULL. */
const char *cc_defs_hint(const struct cc_defs *d, const char *id);

/* Does F apply to SUBLEAF and VENDOR (VENDOR 0 = any)? */
int cc_field_applies(const struct cc_field *f, uint32_t subleaf,
		     unsigned vendor);

/* Mask of F's bits within its register. */
static inline uint32_t cc_field_mask(const struct cc_field *f)
{
	return (f->hi - f->lo == 31)
		       ? UINT32_MAX
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
