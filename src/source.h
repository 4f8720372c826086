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
 *   qemu:MODEL[,+FEAT|,-FEAT|,FEAT=on|,FEAT=off|,FEAT]...
 *                 a QEMU -cpu argument: the bundled QEMU model MODEL
 *                 (profile_names_find_qemu: an unversioned name is v1,
 *                 QEMU's aliases resolve) with features switched as QEMU
 *                 does: FEAT=on|off and a bare FEAT (on) in order, then
 *                 every +FEAT, then every -FEAT (QEMU applies the minus
 *                 list last); "enforce" and "check" are taken and change
 *                 nothing; on/off may be spelt yes/no, true/false,
 *                 y/n as QEMU takes them.  A feature is any QEMU,
 *                 libvirt or cpucompat name of a flag (qemu_feature_find);
 *                 the XSAVE state a feature owns follows it.  An unknown
 *                 model (with close names suggested), an unknown feature
 *                 (with the closest QEMU 7.2 name), a flag of another
 *                 vendor or another FEAT=VALUE is an error naming it.
 *                 The set's name and origin are the spec; metadata
 *                 "qemu_cpu" is MODEL,...
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
