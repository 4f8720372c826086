/*
 * Names of bundled profiles as people type them.  Every QEMU x86 CPU
 * model version is bundled under QEMU's own versioned name
 * ("Cascadelake-Server-v5"); QEMU's unversioned model name resolves to
 * version 1, as QEMU's pc machine types resolve it, and QEMU's alias
 * names resolve to the version they stand for ("Cascadelake-Server-noTSX"
 * is version 3).  A name that matches nothing is an error that suggests
 * the closest bundled names.
 */
#ifndef PROFILE_NAMES_H
#define PROFILE_NAMES_H

#include <stddef.h>

#include "cc_err.h"
#include "source.h"

/*
 * The bundled profile NAME stands for, after resolving an unversioned
 * QEMU model name or a QEMU alias; the entry is borrowed from
 * cc_builtin_profiles.  NULL and E when there is none: the message names
 * "profile:NAME" and suggests up to three close names.
 */
const struct cc_embedded *profile_names_find(const char *name,
					     struct cc_err *e);

/*
 * profile_names_find limited to the bundled QEMU models: a profile of
 * our own (skylake-sp) is no QEMU model.  The message names "qemu:NAME"
 * and suggests only QEMU model names.
 */
const struct cc_embedded *profile_names_find_qemu(const char *name,
						  struct cc_err *e);

/* Is P a bundled QEMU model version (profiles/qemu/, metadata
 * "qemu_model")? */
int profile_names_is_qemu(const struct cc_embedded *p);

/*
 * NAME with a QEMU alias or an unversioned QEMU model name replaced by
 * the versioned name it stands for ("Haswell-noTSX" -> "Haswell-v2",
 * "Haswell" -> "Haswell-v1"), written to OUT (N bytes, truncated).  A
 * name that is bundled as it is, or unknown, is copied unchanged.
 * Returns OUT.
 */
const char *profile_names_resolve(const char *name, char *out, size_t n);

/* The edit distance of A and B, ignoring case (SIZE_MAX when either is
 * over 64 bytes): how close a mistyped name is. */
size_t profile_names_distance(const char *a, const char *b);

#endif
