/*
 * The command layer.  Each subcommand is one struct cmd in its cmd_*.c:
 * name, synopsis, one-line summary, option table and run().  The option
 * table is the single source of the command's getopt_long() strings, of
 * the option lines of `cpucompat CMD --help`, of the values completion
 * offers (`cpucompat --list-options CMD`) and of the checks of option
 * values; tests/cli_docs.sh holds the man page to the same list.  Options
 * several commands take (format, output, names, color, defs, input-format,
 * cpu, help) are declared once in cmd.c and referenced by the tables.
 * Only this layer prints errors and picks exit statuses (enum cc_exit).
 */
#ifndef CMD_H
#define CMD_H

#include <getopt.h>
#include <stddef.h>

#include "cc_err.h"
#include "cpuid_set.h"
#include "defs.h"
#include "source.h"

/* How an option's value is stored at its offset in the arguments. */
enum cmd_kind {
	CMD_STR,  /* const char *: the last value given */
	CMD_FLAG, /* int: set to 1, takes no value */
	CMD_LIST, /* struct cmd_list: every value given, in order */
	CMD_CPU,  /* int: a CPU number 0..65535 */
	CMD_HELP, /* --help: print the help and stop */
};

/* Which values an option accepts. */
enum cmd_values {
	CMD_ANY,      /* anything (a file, a name...) */
	CMD_CHOICES,  /* one of .choices */
	CMD_READABLE, /* a format name of fmt_table (the loader checks it) */
	CMD_WRITABLE, /* a format of fmt_table that has a writer */
};

/*
 * One line of an option table.  An entry that names .shared takes every
 * field it leaves zero from that shared option (so a command can give a
 * shared option its own help text and choices).  .help may hold "\n":
 * the next line is indented under the first.  .choices is "a|b|c"; the
 * words after a "||" are accepted but neither listed nor offered.
 */
struct cmd_opt {
	const struct cmd_opt *shared;
	const char *name; /* long name, without "--" */
	int key;          /* short letter, or 0 for long only */
	const char *arg;  /* metavariable; NULL = takes no value */
	const char *help;
	enum cmd_kind kind;
	size_t off; /* where the value goes in the arguments */
	enum cmd_values values;
	const char *choices;
};

/* A command-specific option: long NAME, short KEY (0 = none), value ARG
 * (NULL = none), stored as KIND in the member FIELD of struct TYPE. */
#define CMD_OPT(name, key, arg, kind, type, field, help)                       \
	{                                                                      \
		NULL, name, key, arg, help, kind, offsetof(type, field),       \
			CMD_ANY, NULL                                          \
	}
/* The same, taking one of CHOICES ("raw|guest"; checked by
 * cmd_check_values, offered by the completion). */
#define CMD_OPT_CHOICES(name, key, arg, type, field, help, choices)            \
	{                                                                      \
		NULL, name, key, arg, help, CMD_STR, offsetof(type, field),    \
			CMD_CHOICES, choices                                   \
	}
/* A shared option (cmd_opt_format...), with this command's help text and
 * accepted values (NULL: the shared ones). */
#define CMD_USE(opt, help, choices)                                            \
	{                                                                      \
		&(opt), NULL, 0, NULL, help, CMD_STR, 0, CMD_ANY, choices      \
	}
#define CMD_END                                                                \
	{                                                                      \
		NULL, NULL, 0, NULL, NULL, CMD_STR, 0, CMD_ANY, NULL           \
	}

/* The values of the shared options: the first member of every command's
 * argument struct. */
struct cmd_args {
	struct source_opts so; /* --input-format, --cpu */
	const char *format;
	const char *output;
	const char *names;
	const char *color;
	const char *defs;
};

/* The values of a repeatable option (CMD_LIST); free .v. */
struct cmd_list {
	char **v;
	size_t n;
};

/* The shared options (cmd.c).  cmd_opt_writable_format is --format for
 * the formats of fmt_table that have a writer, help text included. */
extern const struct cmd_opt cmd_opt_format, cmd_opt_writable_format,
	cmd_opt_output, cmd_opt_names, cmd_opt_color, cmd_opt_defs,
	cmd_opt_input_format, cmd_opt_cpu, cmd_opt_help;

struct cmd {
	const char *name;
	const char *synopsis;       /* arguments after the command name */
	const char *summary;        /* one line */
	const struct cmd_opt *opts; /* ends with CMD_END */
	int (*run)(const struct cmd *self, int argc, char **argv);
};

extern const struct cmd cmd_dump, cmd_show, cmd_check, cmd_diff, cmd_defs,
	cmd_profiles, cmd_generate, cmd_apply, cmd_baseline, cmd_matrix,
	cmd_fleet, cmd_targets, cmd_lint, cmd_explore;

/* cmd_parse() returns this when the command should go on. */
#define CMD_GO (-1)

/* Parse the options of ARGV by SELF's table into ARGS (a struct whose
 * first member is a struct cmd_args, defaults already set), leaving optind
 * at the first operand.  CMD_GO, or the exit status to return at once:
 * 0 after --help, 2 after a usage message. */
int cmd_parse(const struct cmd *self, int argc, char **argv, void *args);

/* Check the values of SELF's options in ARGS against their choices;
 * CMD_GO, or 2 after a usage message ("--format: expected text or json"). */
int cmd_check_values(const struct cmd *self, const void *args);

/* Print SELF's options for the completion, one a line: "--long -s ARG
 * VALUES" ("-" for none; VALUES as "a|b"). */
void cmd_list_options(const struct cmd *self);

/* Print "cpucompat CMD: MESSAGE" and the synopsis to stderr; returns 2. */
int cmd_usage(const struct cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Print the command's help to stdout; returns 0. */
int cmd_help(const struct cmd *c);
/* Print "cpucompat: E->msg" to stderr; returns 2. */
int cmd_fail(const struct cc_err *e);
/* Print a set's loader warnings to stderr. */
void cmd_warnings(const struct cc_set *s);

/* Load SPEC or print the error; warnings printed. */
struct cc_set *cmd_load(const char *spec, const struct source_opts *o);

/* Load SPECS[0..N) (at most one "-"); NULL after printing the error.
 * Free with cmd_free_all. */
struct cc_set **cmd_load_all(const struct cmd *self, char **specs, size_t n,
			     const struct source_opts *so);
void cmd_free_all(struct cc_set **sets, size_t n);

/* The built-in defs, or DIR's (*OWNED then set; free with cc_defs_free).
 * NULL after printing the loader's error. */
const struct cc_defs *cmd_load_defs(const char *dir, struct cc_defs **owned);

/*
 * How cmd_run_sources() runs a command whose operands are sources: how
 * many it takes, what else to check, whether to load them, and the work.
 */
struct cmd_sources {
	size_t min;        /* fewest operands */
	size_t max;        /* most operands; 0 = no limit */
	const char *count; /* usage message when the count is off */
	char *deflt;       /* the one operand when none is given, or NULL */
	/* Checks of ARGS and the operands OPS[0..N) once the option values
	 * are good, before anything is loaded: CMD_GO, or the exit status
	 * after its message.  NULL: none. */
	int (*check)(const struct cmd *self, const void *args, char **ops,
		     size_t n);
	int load; /* load the operands (cmd_load_all) before .run */
	/* The work, on OPS[0..N) with defs D; SETS holds the loaded
	 * operands when .load, else it is NULL.  The exit status. */
	int (*run)(const struct cmd *self, void *args, const struct cc_defs *d,
		   struct cc_set **sets, char **ops, size_t n);
};

/* The run() of a command of sources: parse ARGV into ARGS (defaults
 * already set) by cmd_parse, check the operand count and the option
 * values (cmd_check_values), HOW->check, then load --defs (ARGS is a
 * struct cmd_args first), the sources when HOW->load, call HOW->run and
 * free what was loaded.  The exit status. */
int cmd_run_sources(const struct cmd *self, int argc, char **argv, void *args,
		    const struct cmd_sources *how);

/* Parse --color/NO_COLOR/isatty into 0/1 for FD. */
int cmd_color(const char *when, int fd);

/* "2026-11-25T13:13:33Z" into OUT, from $SOURCE_DATE_EPOCH when set. */
void cmd_timestamp(char *out, size_t n);

struct cc_profile_opts;
/* Fill *PO for a profile named NAME made now by this tool: its
 * "generated" is cmd_timestamp() written into WHEN[0..N), which must
 * outlive *PO. */
void cmd_profile_opts(struct cc_profile_opts *po, const char *name, char *when,
		      size_t n);

/* "CPUID.(7,0).EBX[16]" for a field position, into OUT. */
void cmd_position(uint32_t leaf, uint32_t sub, uint8_t reg, uint8_t lo,
		  uint8_t hi, char *out, size_t n);

struct cc_finding;
/* A finding's field name, or its position (into BUF) when no field names
 * it. */
const char *cmd_finding_name(const struct cc_finding *f, char *buf, size_t n);

/* Write profile P in FORMAT (json, cloud-hypervisor[-profile],
 * firecracker) to OUT (NULL = stdout) atomically; -1 and E on error. */
int cmd_write_profile(const struct cc_set *p, const char *format,
		      const char *out, struct cc_err *e);

#endif
