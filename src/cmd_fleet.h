/*
 * The fleet commands (cmd_fleet.c, cmd_targets.c) and the loading they
 * share.
 */
#ifndef CMD_FLEET_H
#define CMD_FLEET_H

#include <stddef.h>

#include "cmd.h"
#include "fleet.h"
#include "fleet_input.h"

/*
 * Expand ARGS[0..N) (files, directories, @lists, - for a list on stdin)
 * and load them into F, printing each host that cannot be read (one line
 * on stderr; *NBAD counts them) and a progress line while loading
 * thousands on a terminal; then analyse F.  CMD_GO, or the exit status
 * after printing why (no host at all, an unreadable list or directory).
 */
int cmd_fleet_load(const struct cmd *self, char **args, size_t n,
		   const struct source_opts *so, struct cc_fleet *f,
		   size_t *nbad);

#endif
