/*
 * Formats: every reader turns bytes into a struct cc_set, every writer
 * renders a set into a struct cc_buf.  fmt.c holds the table of formats and
 * the detection: each format's detect() says whether a buffer looks like it;
 * exactly one must say yes, otherwise the load fails listing the candidates
 * and suggesting --input-format.  Readers report the file and the line (or
 * JSON path) of the first problem and never return a half-filled set.
 *
 * Readers are given NAME (the path, or "<stdin>") for messages and the
 * set's display name, and OPTS (which CPU of a multi-CPU file).
 */
#ifndef FMT_H
#define FMT_H

#include <stddef.h>

#include "cc_buf.h"
#include "cc_err.h"
#include "cpuid_set.h"

struct fmt_opts {
	int cpu;      /* which CPU/block of a multi-CPU file; -1 = the first */
	int reserved; /* keep the struct extensible */
};

struct fmt {
	const char *name;        /* "json", "cpuid-r", "libvirt", ... */
	const char *description; /* one line for --help and errors */
	/* non-zero when BUF looks like this format (cheap, prefix-based) */
	int (*detect)(const char *buf, size_t len);
	/* parse; NULL and E on error.  BUF is NUL-terminated at LEN. */
	struct cc_set *(*read)(const char *buf, size_t len, const char *name,
			       const struct fmt_opts *opts, struct cc_err *e);
	/* render S into OUT; -1 and E when S cannot be expressed (may be NULL
	 * for read-only formats) */
	int (*write)(struct cc_buf *out, const struct cc_set *s,
		     struct cc_err *e);
};

/* NULL-terminated table of all formats. */
extern const struct fmt *const fmt_table[];

const struct fmt *fmt_find(const char *name);

/* For readers of files that describe one CPU: 0 when OPTS asks for no
 * particular CPU or for CPU 0, else -1 and E ("NAME: no CPU N: the file
 * describes one CPU"). */
int fmt_one_cpu(const struct fmt_opts *opts, const char *name,
		struct cc_err *e);

/* Load a file ("-" = stdin).  FORMAT NULL = detect from content. */
struct cc_set *fmt_load_file(const char *path, const char *format,
			     const struct fmt_opts *opts, struct cc_err *e);
struct cc_set *fmt_load_buffer(const char *buf, size_t len, const char *name,
			       const char *format, const struct fmt_opts *opts,
			       struct cc_err *e);

/*
 * Truncated input: a dump S (CC_KIND_DUMP; profiles pass) whose maxima
 * announce leaves it does not contain was cut short.  A cut keeps a
 * prefix of the file, so the rule looks at what a cut loses: the leaves
 * from the highest one present up to the maximum of the last range the
 * file reaches (the extended range when leaf 0x80000000 is present, else
 * the basic range).  A file that goes on past the basic range was not cut
 * inside it; gaps before the highest leaf of a range are a hand-abridged
 * file's choice, not a cut.  Leaves a real capture may lack (see fmt.c)
 * are not required.  Returns 0, or -1 and E naming FILE and the first
 * missing leaf.  fmt_load_* apply it to every format not listed in fmt.c
 * as omitting leaves by nature.
 */
int fmt_check_complete(const struct cc_set *s, const char *file,
		       struct cc_err *e);

/* Per-format entry points (fmt_*.c). */
extern const struct fmt fmt_native;  /* "json": ours (fmt_native.c) */
extern const struct fmt fmt_cpuid_r; /* "cpuid-r" (fmt_cpuid_r.c) */
extern const struct fmt fmt_libvirt; /* "libvirt" (fmt_libvirt.c, expat) */
extern const struct fmt fmt_aida64;  /* "aida64", read only (fmt_aida64.c) */
extern const struct fmt
	fmt_chv; /* "cloud-hypervisor": CpuIdEntry list (fmt_chv.c) */
extern const struct fmt
	fmt_chv_profile; /* "cloud-hypervisor-profile" (fmt_chv.c) */
extern const struct fmt
	fmt_firecracker; /* "firecracker": template or fingerprint (fmt_firecracker.c) */

/* Shared parsing helpers for readers. */
/* JSON readers parse with cc_json_parse (cc_json.h): located errors. */
/* Parse hex "0x..." or plain hex digits of at most 8 digits into *V. */
int fmt_parse_hex32(const char *s, size_t n, uint32_t *v);
int fmt_is_hex(char c);
int fmt_is_blank(char c); /* space, TAB or CR */
/* Why fmt_parse_hex32 refused S..S+N, for messages: "empty number",
 * "negative number", "not a hex number" or "value over 32 bits". */
const char *fmt_hex_problem(const char *s, size_t n);
/* J (a cJSON string) as a 32-bit hex number: NULL, or what is wrong with
 * it ("missing", "wrong JSON type" or a fmt_hex_problem). */
struct cJSON;
const char *fmt_json_hex32(const struct cJSON *j, uint32_t *v);

/* One line of a text format, as fmt_next_line splits them. */
struct fmt_line {
	const char *p; /* start of the line, after leading blanks */
	size_t n;      /* length without the line end and trailing blanks */
	int no;        /* 1-based line number */
};
/* Next line of BUF at *POS into L (L->no counts up), trimmed; 0 at the
 * end of the buffer. */
int fmt_next_line(const char *buf, size_t len, size_t *pos, struct fmt_line *l);

/* Detection: the first byte of BUF that is not blank or a newline (0 when
 * none); whether KEY occurs in BUF as a JSON member name ("KEY" then a
 * colon), not merely as a string value. */
char fmt_first_char(const char *buf, size_t len);
int fmt_has_key(const char *buf, size_t len, const char *key);

/* Most metadata entries a reader takes from a file (MSRs, versions):
 * metadata is a short list, looked up by a linear search. */
#define FMT_MAX_META 1024
/* cc_set_meta_set, or -1 when KEY is new and S already holds FMT_MAX_META
 * entries (the reader reports it with its place). */
int fmt_meta_set(struct cc_set *s, const char *key, const char *value,
		 int is_number);

/* MSR metadata (key "msr.0x10a", value "0xHIGH:0xLOW", as readers store
 * it): the index of KEY and the halves of VALUE; -1 for another shape. */
int fmt_msr_key(const char *key, uint32_t *index);
int fmt_msr_value(const char *value, uint32_t *hi, uint32_t *lo);

/*
 * Staging for readers: entries are collected in file order and handed to
 * the set sorted, so that a file listing its leaves in any order loads in
 * O(n log n) (cc_set_put moves the entries after an out-of-order one).
 * A repeated (leaf, first subleaf) is caught at once, as cc_set_put would.
 */
struct fmt_staged;
struct fmt_stage {
	struct fmt_staged *v; /* entries in file order */
	size_t n, cap;
	size_t *slot; /* hash of (leaf, first): entry index + 1, 0 = free */
	size_t nslot; /* a power of two, or 0 */
	int unsorted; /* an entry came out of order: SLOT is in use */
};
void fmt_stage_init(struct fmt_stage *st);
void fmt_stage_free(struct fmt_stage *st);
/* A zeroed entry for LEAF, subleaves FIRST..LAST, all bits known (as from
 * cc_set_put), valid until the next put; NULL when LAST < FIRST or when
 * an entry with the same LEAF and FIRST came before (*PREV, may be NULL,
 * gets its index: entries are numbered from 0 in put order). */
struct cc_leaf *fmt_stage_put(struct fmt_stage *st, uint32_t leaf,
			      uint32_t first, uint32_t last, size_t *prev);
/* Insert the staged entries into S in order and free the staging; -1 with
 * *BAD (an entry index) when that entry's range overlaps another's. */
int fmt_stage_flush(struct fmt_stage *st, struct cc_set *s, size_t *bad);

/* Shared helpers for writers. */
#define FMT_MAX_EXPAND 64 /* widest range a per-subleaf writer expands */
/* Leaves whose output depends on the subleaf (KVM's SIGNIFICANT_INDEX). */
int fmt_indexed_leaf(uint32_t leaf);
/* Does any entry of S carry KVM flags?  The flags to write for L: its own
 * when the set has flags (SET_HAS_FLAGS), else derived from the leaf. */
int fmt_set_has_flags(const struct cc_set *s);
uint32_t fmt_entry_flags(const struct cc_leaf *l, int set_has_flags);
/* Register R of L where every bit must be known, into *V; -1 and E ending
 * in HOLDER ("libvirt <cpudata> holds only fully known registers") when
 * bits are left to the host. */
int fmt_full_reg(const struct cc_set *s, const struct cc_leaf *l, int r,
		 uint32_t *v, const char *holder, struct cc_err *e);
/* -1 and E when L covers more than FMT_MAX_EXPAND subleaves; WHAT says
 * who lists single subleaves ("`cpuid -r` text lists"). */
int fmt_check_expand(const struct cc_set *s, const struct cc_leaf *l,
		     const char *what, struct cc_err *e);

/* One (leaf, subleaf) of a fully known set, as list writers print it. */
struct fmt_row {
	const struct cc_leaf *l; /* the entry (flags etc.) */
	uint32_t sub;            /* this subleaf of the entry's range */
	uint32_t v[CC_NREGS];    /* register values */
};

/* The loop every list writer (cpuid-r, libvirt, CpuIdEntry) shares: call
 * ROW(B, row, CTX) for every subleaf of every entry of S, after checking
 * each register is fully known (HOLDER as for fmt_full_reg) and each range
 * may be expanded (WHAT as for fmt_check_expand).  -1 and E otherwise. */
int fmt_each_row(const struct cc_set *s, const char *holder, const char *what,
		 void (*row)(struct cc_buf *b, const struct fmt_row *r,
			     void *ctx),
		 struct cc_buf *b, void *ctx, struct cc_err *e);

#endif
