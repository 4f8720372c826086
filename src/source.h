/*
 * Source specs: the one way every command names a CPUID set.
 *
 *   host          the CPUID instruction on this machine
 *   kvm           what /dev/kvm offers guests
 *   auto          kvm when /dev/kvm can be opened, else host with a
 *                 warning on the set (KVM may offer guests less than the
 *                 raw CPUID says); metadata "source" says which was used
 *   -             a file on standard input (format detected)
 *   profile:NAME  a bundled profile (profiles/NAME.json, compiled in), or
 *                 NAME.json in $CPUCOMPAT_PROFILES when that is set
 *   anything else a file path (format detected, or --input-format)
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <stddef.h>

#include "cc_err.h"
#include "cpuid_set.h"

struct cc_embedded {
	const char *name; /* file stem: "x86-64-v3" */
	const char *text; /* the JSON */
	size_t len;
};

/* profiles_table.c, generated; NULL-name terminated. */
extern const struct cc_embedded cc_builtin_profiles[];

struct source_opts {
	const char *input_format; /* NULL = detect */
	int cpu;                  /* -1 = first CPU of a multi-CPU file */
};

/* Load SPEC; NULL and E (naming the file, device or profile) on error. */
struct cc_set *source_load(const char *spec, const struct source_opts *o,
			   struct cc_err *e);

#endif
