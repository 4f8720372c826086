/*
 * The CPUID set: what one CPU, one KVM, one dump or one profile says CPUID
 * returns.  Entries are kept sorted by (leaf, first subleaf) and never
 * overlap, so lookups are a binary search.  An entry covers a subleaf range
 * (first..last): a real dump has first == last; a profile may say "every
 * subleaf from 5 up" in one entry.
 *
 * Each register carries a known mask: all ones for a real dump; a profile
 * fixes only some bits and leaves the rest to the host (known bit 0).
 *
 * Range maxima: leaf 0 EAX bounds the basic range, 0x40000000 EAX the
 * hypervisor range, 0x80000000 EAX the extended range (likewise 0x80860000,
 * 0xC0000000).  cc_set_finish drops every dump entry past its range
 * maximum: Intel echoes the highest basic leaf for such leaves, and that
 * echo must never be stored or diffed.  Profiles keep such entries (a VMM
 * applies them all; re-export needs them) and the diff treats them as
 * absent for the guest.
 *
 * Ownership: a set owns its entries, metadata and warnings; strings passed
 * in are copied.
 */
#ifndef CPUID_SET_H
#define CPUID_SET_H

#include <stddef.h>
#include <stdint.h>

#include "cc_err.h"

enum cc_reg { CC_EAX, CC_EBX, CC_ECX, CC_EDX, CC_NREGS };

/* Vendor bits; a field's vendors are a mask of these. */
enum cc_vendor {
	CC_VENDOR_UNKNOWN = 0,
	CC_VENDOR_INTEL = 1 << 0,
	CC_VENDOR_AMD = 1 << 1,
	CC_VENDOR_HYGON = 1 << 2,
	CC_VENDOR_CENTAUR = 1 << 3,
	CC_VENDOR_ZHAOXIN = 1 << 4,
	CC_VENDOR_TRANSMETA = 1 << 5,
	CC_VENDOR_OTHER = 1 << 6,
};

enum cc_kind {
	CC_KIND_DUMP,    /* every register fully known */
	CC_KIND_PROFILE, /* some bits left to the host */
};

/* What a profile does with a (leaf, subleaf, register) it does not name. */
enum cc_uncovered {
	CC_UNCOVERED_ZERO, /* Cloud Hypervisor: becomes 0 */
	CC_UNCOVERED_HOST, /* Firecracker templates: stays the host's */
};

#define CC_SUBLEAF_MAX UINT32_MAX

/*
 * Feature MSRs (IA32_ARCH_CAPABILITIES 0x10a, ...) live in the set as the
 * entries of one pseudo-leaf: subleaf = MSR index, EAX = bits 31:0, EDX =
 * bits 63:32 (RDMSR's EDX:EAX); EBX and ECX are unused (known zeros, and
 * no guest sees them).  The value
 * lies outside every CPUID range base (0, 0x40000000, 0x80000000,
 * 0x80860000, 0xC0000000), has no range maximum and always exists.  A set
 * with no entry for an MSR says nothing about it: its bits read as unknown
 * (known 0), whatever the set's kind.
 */
#define CC_MSR_LEAF 0xfe4d5352u
#define CC_IS_MSR(leaf) ((leaf) == CC_MSR_LEAF)
#define CC_KVM_FLAG_SIGNIFICANT_INDEX 1u

struct cc_leaf {
	uint32_t leaf;
	uint32_t first; /* first subleaf covered */
	uint32_t last;  /* last subleaf covered (== first in a dump) */
	uint32_t flags; /* KVM entry flags as captured or read, else 0 */
	uint32_t reg[CC_NREGS];   /* values of the known bits */
	uint32_t known[CC_NREGS]; /* 1 = value fixed by this set */
	/* Profiles only, for faithful re-export (0 in dumps):
	 * absent: bit r set = the profile does not name register r here
	 *   (value/known then follow the set's uncovered rule);
	 * joined: bit r set = register r's range continues the previous
	 *   entry's (one source adjustment split by another register's
	 *   subleaf range). */
	uint8_t absent;
	uint8_t joined;
};

struct cc_meta {
	char *key;
	char *value;
	int is_number; /* value is a JSON number, written unquoted */
};

struct cc_set {
	struct cc_leaf *leaves; /* sorted by (leaf, first), non-overlapping */
	size_t n;
	size_t cap;
	struct cc_meta *meta; /* in insertion order */
	size_t nmeta;
	char **warnings; /* loader warnings for the user, e.g. inferred subleaves */
	size_t nwarnings;
	char *name;   /* display name: path, "host", "kvm", profile name */
	char *origin; /* where it came from as the user named it: a file
			   * path, "-", "host", "kvm", "profile:NAME"; NULL
			   * when built in memory (cc_set_set_origin) */
	enum cc_kind kind;
	enum cc_uncovered uncovered; /* profiles only */
	enum cc_vendor vendor;       /* set by cc_set_finish from leaf 0 */
	char vendor_id[13];          /* "GenuineIntel", set by cc_set_finish */
};

struct cc_set *cc_set_new(const char *name, enum cc_kind kind);
void cc_set_free(struct cc_set *s);
struct cc_set *cc_set_dup(const struct cc_set *s);

/*
 * Insert an entry for LEAF, subleaves FIRST..LAST, all registers zero and
 * known (a dump entry).  Returns the new entry, or NULL when the range
 * overlaps an existing entry of LEAF (a duplicate): the caller reports it
 * with its own file and line.  The pointer is valid until the next insert.
 */
struct cc_leaf *cc_set_put(struct cc_set *s, uint32_t leaf, uint32_t first,
			   uint32_t last);

/* The entry covering (LEAF, SUBLEAF), or NULL. */
const struct cc_leaf *cc_set_get(const struct cc_set *s, uint32_t leaf,
				 uint32_t subleaf);
/* The first entry of LEAF (any subleaf), or NULL. */
const struct cc_leaf *cc_set_first(const struct cc_set *s, uint32_t leaf);

/* Register value at (LEAF, SUBLEAF, REG), with KNOWN filled (may be NULL).
 * Absent entries read as 0; their known mask is all ones, except for a
 * CC_UNCOVERED_HOST profile and for MSRs (CC_MSR_LEAF), where it is 0. */
uint32_t cc_set_reg(const struct cc_set *s, uint32_t leaf, uint32_t subleaf,
		    enum cc_reg reg, uint32_t *known);

/*
 * Finish loading: derive the vendor from leaf 0, drop entries past their
 * range maximum, and check consistency.  A dump without leaf 0 is an error
 * naming the set.  Returns 0 or -1 with E.
 */
int cc_set_finish(struct cc_set *s, struct cc_err *e);

/* Does LEAF exist for a guest of S?  Not past its range maximum; a
 * profile that leaves the maximum (or its whole range base) to the host
 * keeps its leaves. */
int cc_set_exists(const struct cc_set *s, uint32_t leaf);

/* cc_set_reg as a guest sees it: a leaf that does not exist reads as
 * known zeros.  The diff engine and the fleet code compare through this. */
uint32_t cc_set_guest_reg(const struct cc_set *s, uint32_t leaf,
			  uint32_t subleaf, int reg, uint32_t *known);

/* Range maximum for the range containing LEAF (0 when the range is absent). */
uint32_t cc_set_range_max(const struct cc_set *s, uint32_t leaf);

/* The sorted, distinct keys (leaf << 32 | first subleaf) of the entries
 * of SETS[0..N), in a new array of *NKEYS (free it). */
uint64_t *cc_set_keys(const struct cc_set *const *sets, size_t n,
		      size_t *nkeys);

/* Does S carry any feature MSR entry? */
int cc_set_has_msrs(const struct cc_set *s);

/* Insert MSR INDEX with VALUE (bits 63:0) into S as a dump entry (every
 * register known; EBX and ECX zero).  NULL when S already has INDEX. */
struct cc_leaf *cc_set_put_msr(struct cc_set *s, uint32_t index,
			       uint64_t value);

/* Set MSR INDEX of S to VALUE: a new dump entry, or the new value of the
 * existing one (then fully known in EAX and EDX). */
void cc_set_msr_set(struct cc_set *s, uint32_t index, uint64_t value);

/* Position styles for cc_pos_format. */
enum cc_pos_style {
	CC_POS_MANUAL, /* "CPUID.(7,0).EBX[16]", "MSR 0x10a[5]" */
	CC_POS_SHORT,  /* "7.0.ebx[16]", "msr.0x10a[5]" */
	CC_POS_HEX,    /* "0x7.0.ebx[16]", "msr.0x10a[5]" */
};

/*
 * Write the position of bits HI:LO of (LEAF, SUBLEAF, REG) into OUT (N
 * bytes) in STYLE; LO < 0 names the whole register ("CPUID.(7,0).EBX",
 * "7.0.ebx"; an MSR's EAX is "MSR 0x10a[31:0]", its EDX "MSR
 * 0x10a[63:32]").  An MSR's bit numbers count from bit 0 of EAX (EDX bit 0 is
 * MSR bit 32).  The one formatter every report, list and error uses.
 */
void cc_pos_format(char *out, size_t n, enum cc_pos_style style, uint32_t leaf,
		   uint32_t subleaf, int reg, int lo, int hi);

/* Record where S came from (copied); NULL clears it. */
void cc_set_set_origin(struct cc_set *s, const char *origin);
/* S's origin, else its name: what a report calls the set. */
const char *cc_set_label(const struct cc_set *s);

void cc_set_meta_set(struct cc_set *s, const char *key, const char *value,
		     int is_number);
const char *cc_set_meta(const struct cc_set *s, const char *key);
void cc_set_warn(struct cc_set *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

const char *cc_reg_name(enum cc_reg r); /* "eax" */
int cc_reg_parse(const char *s);        /* "eax"/"EAX" -> CC_EAX, else -1 */
const char *cc_vendor_name(enum cc_vendor v); /* "intel", "amd", ... */
/* As libvirt and KubeVirt spell the vendors they know: "Intel", "AMD",
 * "Hygon"; NULL for any other. */
const char *cc_vendor_brand(enum cc_vendor v);
enum cc_vendor cc_vendor_from_id(const char *id12);

/* Brand string from 0x80000002..4 into OUT (>= 49 bytes), trimmed; "" if absent. */
void cc_set_brand(const struct cc_set *s, char *out);
/* Display family/model/stepping from leaf 1 EAX; -1 when leaf 1 is absent. */
int cc_set_fms(const struct cc_set *s, unsigned *family, unsigned *model,
	       unsigned *stepping);

#endif
