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

/* Load a file ("-" = stdin).  FORMAT NULL = detect from content. */
struct cc_set *fmt_load_file(const char *path, const char *format,
			     const struct fmt_opts *opts, struct cc_err *e);
struct cc_set *fmt_load_buffer(const char *buf, size_t len, const char *name,
			       const char *format, const struct fmt_opts *opts,
			       struct cc_err *e);

/* Per-format entry points (fmt_*.c). */
extern const struct fmt fmt_native;       /* "json": ours (fmt_native.c) */
extern const struct fmt fmt_cpuid_r;      /* "cpuid-r" (fmt_cpuid_r.c) */
extern const struct fmt fmt_libvirt;      /* "libvirt" (fmt_libvirt.c, expat) */
extern const struct fmt fmt_aida64;       /* "aida64", read only (fmt_aida64.c) */
extern const struct fmt fmt_chv;          /* "cloud-hypervisor": CpuIdEntry list (fmt_chv.c) */
extern const struct fmt fmt_chv_profile;  /* "cloud-hypervisor-profile" (fmt_chv.c) */
extern const struct fmt fmt_firecracker;  /* "firecracker": template or fingerprint (fmt_firecracker.c) */

/* Shared parsing helpers for readers. */
/* JSON readers parse with cc_json_parse (cc_json.h): located errors. */
/* Parse hex "0x..." or plain hex digits of at most 8 digits into *V. */
int fmt_parse_hex32(const char *s, size_t n, uint32_t *v);

#endif
