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
 * NAME with a QEMU alias or an unversioned QEMU model name replaced by
 * the versioned name it stands for ("Haswell-noTSX" -> "Haswell-v2",
 * "Haswell" -> "Haswell-v1"), written to OUT (N bytes, truncated).  A
 * name that is bundled as it is, or unknown, is copied unchanged.
 * Returns OUT.
 */
const char *profile_names_resolve(const char *name, char *out, size_t n);

#endif
