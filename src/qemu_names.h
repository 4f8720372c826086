/*
 * Which feature names one QEMU version accepts in -cpu (QEMU 7.2, the
 * version of Debian 12): `--names qemu` prints only these, and the QEMU
 * -cpu writer and the nearest-model search use only these, so that every
 * string cpucompat writes is one that QEMU 7.2 takes.  A database field
 * whose QEMU spelling is newer than 7.2, or that QEMU has no flag for,
 * has no QEMU 7.2 name.
 */
#ifndef QEMU_NAMES_H
#define QEMU_NAMES_H

#include <stddef.h>

#include "defs.h"

#define QEMU_NAMES_VERSION "7.2"

/* Is NAME (exact spelling; NULL: no) a flag QEMU 7.2 accepts? */
int qemu_names_known(const char *name);

/* The flags of QEMU 7.2, sorted: count and the I-th (NULL past the end). */
size_t qemu_names_count(void);
const char *qemu_names_at(size_t i);

/* F's QEMU 7.2 flag name, or NULL when QEMU 7.2 has none. */
const char *qemu_names_field(const struct cc_field *f);

/* F's QEMU 7.2 flag name; for a flag QEMU 7.2 lacks, our name in
 * brackets, "[amd_psfd]"; for a multi-bit value (family, max_leaf...),
 * which QEMU names no flag for, our name.  The string stays valid until
 * the process ends. */
const char *qemu_names_spell(const struct cc_field *f);

#endif
