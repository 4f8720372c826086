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
 * CC_UNCOVERED_HOST profile, where it is 0. */
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
enum cc_vendor cc_vendor_from_id(const char *id12);

/* Brand string from 0x80000002..4 into OUT (>= 49 bytes), trimmed; "" if absent. */
void cc_set_brand(const struct cc_set *s, char *out);
/* Display family/model/stepping from leaf 1 EAX; -1 when leaf 1 is absent. */
int cc_set_fms(const struct cc_set *s, unsigned *family, unsigned *model,
	       unsigned *stepping);

#endif
