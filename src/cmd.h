/*
 * The command table.  Each subcommand is one struct cmd in its cmd_*.c:
 * name, synopsis, one-line summary, option help and run().  The same text
 * feeds `cpucompat --help`, `cpucompat CMD --help`, usage errors and the
 * man page synopsis (a test checks they agree).  Only this layer prints
 * errors and picks exit statuses (enum cc_exit).
 */
#ifndef CMD_H
#define CMD_H

#include <getopt.h>

#include "cc_err.h"
#include "cpuid_set.h"
#include "defs.h"
#include "source.h"

struct cmd {
	const char *name;
	const char *synopsis; /* arguments after the command name */
	const char *summary;  /* one line */
	const char *options;  /* option lines, "  -o, --output FILE  ..." */
	int (*run)(const struct cmd *self, int argc, char **argv);
};

extern const struct cmd cmd_dump, cmd_show, cmd_check, cmd_diff, cmd_defs,
	cmd_profiles, cmd_generate, cmd_apply, cmd_baseline, cmd_matrix,
	cmd_explore;

/* Print "cpucompat CMD: MESSAGE" and the synopsis to stderr; returns 2. */
int cmd_usage(const struct cmd *c, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print the command's help to stdout; returns 0. */
int cmd_help(const struct cmd *c);
/* Print "cpucompat: E->msg" to stderr; returns 2. */
int cmd_fail(const struct cc_err *e);
/* Print a set's loader warnings to stderr. */
void cmd_warnings(const struct cc_set *s);

/* Options every command that loads sources accepts. */
#define CMD_OPT_INPUT_FORMAT 0x100
#define CMD_OPT_CPU 0x101
#define CMD_COMMON_LONGOPTS                                               \
	{"input-format", required_argument, NULL, CMD_OPT_INPUT_FORMAT},  \
	{"cpu", required_argument, NULL, CMD_OPT_CPU},                    \
	{"help", no_argument, NULL, 'h'}
#define CMD_COMMON_HELP                                                        \
	"      --input-format FMT  read files as FMT instead of detecting it\n"  \
	"                          (json, cpuid-r, libvirt, aida64,\n"           \
	"                          cloud-hypervisor, cloud-hypervisor-profile,\n" \
	"                          firecracker)\n"                                \
	"      --cpu N             which CPU of a multi-CPU file (default: the "  \
	"first)\n"                                                               \
	"  -h, --help              show this help\n"

/* Handle a common option C (with optarg) into O; 0 = handled, 1 = not a
 * common option, -1 = bad value (message printed, exit 2). */
int cmd_common_opt(const struct cmd *self, int c, struct source_opts *o);

/* Load SPEC or print the error; warnings printed. */
struct cc_set *cmd_load(const char *spec, const struct source_opts *o);

/* The built-in defs, or DIR's (*OWNED then set; free with cc_defs_free).
 * NULL after printing the loader's error. */
const struct cc_defs *cmd_load_defs(const char *dir, struct cc_defs **owned);

/* Parse --color/NO_COLOR/isatty into 0/1 for FD. */
int cmd_color(const char *when, int fd);

#endif
