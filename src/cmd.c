/*
 * What the commands share: the options several of them take, the parser
 * that turns a command's option table into getopt_long() strings, --help
 * lines and value checks, the usage and error messages, and the loading,
 * naming and writing helpers more than one command calls.  The command
 * table and main() are in main.c; each command is in its cmd_NAME.c.
 */
#include "config.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cc_buf.h"
#include "cmd.h"
#include "diff.h"
#include "fmt.h"
#include "profile.h"

#define SHARED(name, key, arg, help, kind, field, values, choices)             \
	{                                                                      \
		NULL, name, key, arg, help, kind,                              \
			offsetof(struct cmd_args, field), values, choices      \
	}

const struct cmd_opt cmd_opt_format =
	SHARED("format", 'f', "FMT", NULL, CMD_STR, format, CMD_CHOICES, NULL);
const struct cmd_opt cmd_opt_writable_format =
	SHARED("format", 'f', "FMT", NULL, CMD_STR, format, CMD_WRITABLE, NULL);
const struct cmd_opt cmd_opt_output =
	SHARED("output", 'o', "FILE",
	       "write to FILE atomically (default: stdout)", CMD_STR, output,
	       CMD_ANY, NULL);
const struct cmd_opt cmd_opt_names =
	SHARED("names", 0, "SCHEME",
	       "linux (default), qemu (QEMU 7.2's names) or libvirt", CMD_STR,
	       names, CMD_CHOICES, "linux|qemu|libvirt");
const struct cmd_opt cmd_opt_color =
	SHARED("color", 0, "WHEN",
	       "auto (default), always or never; NO_COLOR is honoured", CMD_STR,
	       color, CMD_CHOICES, "auto|always|never");
const struct cmd_opt cmd_opt_defs =
	SHARED("defs", 0, "DIR", "read field definitions from DIR/*.json",
	       CMD_STR, defs, CMD_ANY, NULL);
const struct cmd_opt cmd_opt_input_format =
	SHARED("input-format", 0, "FMT",
	       "read files as FMT instead of detecting it\n"
	       "(json, cpuid-r, libvirt, libvirt-cpu, aida64,\n"
	       "cloud-hypervisor, cloud-hypervisor-profile,\n"
	       "firecracker)",
	       CMD_STR, so.input_format, CMD_READABLE, NULL);
const struct cmd_opt cmd_opt_cpu =
	SHARED("cpu", 0, "N",
	       "which CPU of a multi-CPU file (default: the "
	       "first)",
	       CMD_CPU, so.cpu, CMD_ANY, NULL);
const struct cmd_opt cmd_opt_help = SHARED("help", 'h', NULL, "show this help",
					   CMD_HELP, format, CMD_ANY, NULL);

#define HELP_COLUMN 26 /* where option help text starts */
#define HELP_WIDTH 80

/* ------------------------------------------------------------ options */

/* OPT with the fields it leaves zero taken from its shared option. */
static struct cmd_opt resolve(const struct cmd_opt *opt)
{
	struct cmd_opt o = *opt;
	const struct cmd_opt *s = opt->shared;

	if (s == NULL)
		return o;
	o.name = s->name;
	o.key = s->key;
	o.arg = s->arg;
	o.kind = s->kind;
	o.off = s->off;
	o.values = s->values;
	if (o.help == NULL)
		o.help = s->help;
	if (o.choices == NULL)
		o.choices = s->choices;
	return o;
}

static size_t count_opts(const struct cmd *c)
{
	size_t n = 0;

	while (c->opts[n].name != NULL || c->opts[n].shared != NULL)
		n++;
	return n;
}

/* Can F be written (WRITABLE) or read? */
static int format_can(const struct fmt *f, int writable)
{
	return writable ? f->write != NULL : f->read != NULL;
}

/* The names of the writable (or readable) formats, SEP between them. */
static void format_names(struct cc_buf *b, int writable, const char *sep,
			 const char *last)
{
	size_t i, n = 0, k = 0;

	for (i = 0; fmt_table[i]; i++)
		n += format_can(fmt_table[i], writable);
	for (i = 0; fmt_table[i]; i++) {
		if (!format_can(fmt_table[i], writable))
			continue;
		if (k > 0)
			cc_buf_puts(b, k + 1 == n && last ? last : sep);
		cc_buf_puts(b, fmt_table[i]->name);
		k++;
	}
}

/* The accepted values of O as "a|b|c" (listed ones only) into B. */
static void value_list(struct cc_buf *b, const struct cmd_opt *o)
{
	const char *hidden;

	if (o->values == CMD_READABLE || o->values == CMD_WRITABLE) {
		format_names(b, o->values == CMD_WRITABLE, "|", NULL);
		return;
	}
	if (o->values != CMD_CHOICES || o->choices == NULL)
		return;
	hidden = strstr(o->choices, "||");
	cc_buf_add(b, o->choices,
		   hidden ? (size_t)(hidden - o->choices) : strlen(o->choices));
}

static int accepted(const struct cmd_opt *o, const char *v)
{
	const char *p = o->choices;
	size_t len = strlen(v);

	while (p != NULL && *p) {
		size_t n = strcspn(p, "|");

		if (n == len && strncmp(p, v, n) == 0)
			return 1;
		p += n;
		p += strspn(p, "|");
	}
	return 0;
}

/* "--format: expected a, b or c" for the listed choices of O. */
static int bad_choice(const struct cmd *self, const struct cmd_opt *o)
{
	struct cc_buf list, b;
	const char *p;
	size_t k = 0, n = 1;
	int rc;

	cc_buf_init(&list);
	cc_buf_init(&b);
	value_list(&list, o);
	cc_buf_puts(&list, "");
	for (p = list.data; *p; p++)
		n += *p == '|';
	for (p = list.data; *p; k++) {
		size_t len = strcspn(p, "|");

		if (k > 0)
			cc_buf_puts(&b, k + 1 == n ? " or " : ", ");
		cc_buf_add(&b, p, len);
		p += len;
		p += *p == '|';
	}
	cc_buf_puts(&b, "");
	rc = cmd_usage(self, "--%s: expected %s", o->name, b.data);
	cc_buf_free(&list);
	cc_buf_free(&b);
	return rc;
}

int cmd_check_values(const struct cmd *self, const void *args)
{
	size_t i, n = count_opts(self);

	for (i = 0; i < n; i++) {
		struct cmd_opt o = resolve(&self->opts[i]);
		const char *v;

		if (o.kind != CMD_STR)
			continue;
		v = *(const char *const *)((const char *)args + o.off);
		if (v == NULL)
			continue;
		if (o.values == CMD_CHOICES && !accepted(&o, v))
			return bad_choice(self, &o);
		if (o.values == CMD_WRITABLE &&
		    (fmt_find(v) == NULL || fmt_find(v)->write == NULL)) {
			struct cc_buf b;
			int rc;

			cc_buf_init(&b);
			format_names(&b, 1, ", ", NULL);
			rc = cmd_usage(
				self,
				"--%s: '%s' is not a writable format (%s)",
				o.name, v, b.data);
			cc_buf_free(&b);
			return rc;
		}
	}
	return CMD_GO;
}

/* Store the value of option O (optarg) into ARGS; CMD_GO or the status. */
static int store(const struct cmd *self, const struct cmd_opt *o, void *args)
{
	char *at = (char *)args + o->off;
	struct cmd_list *l;
	char *end;
	long v;

	switch (o->kind) {
	case CMD_STR:
		*(const char **)at = optarg;
		break;
	case CMD_FLAG:
		*(int *)at = 1;
		break;
	case CMD_LIST:
		l = (struct cmd_list *)at;
		l->v = cc_xrealloc(l->v, (l->n + 1) * sizeof *l->v);
		l->v[l->n++] = optarg;
		break;
	case CMD_CPU:
		v = strtol(optarg, &end, 10);
		if (*optarg == '\0' || *end != '\0' || v < 0 || v > 65535)
			return cmd_usage(
				self, "--cpu: expected a CPU number, got '%s'",
				optarg);
		*(int *)at = (int)v;
		break;
	case CMD_HELP:
		return cmd_help(self);
	}
	return CMD_GO;
}

int cmd_parse(const struct cmd *self, int argc, char **argv, void *args)
{
	size_t i, n = count_opts(self), ns = 0;
	struct option *lo = cc_xcalloc(n + 1, sizeof *lo);
	struct cmd_opt *opts = cc_xcalloc(n + 1, sizeof *opts);
	char *shorts = cc_xmalloc(2 * n + 1);
	int c, rc = CMD_GO;

	for (i = 0; i < n; i++) {
		opts[i] = resolve(&self->opts[i]);
		lo[i].name = opts[i].name;
		lo[i].has_arg = opts[i].arg ? required_argument : no_argument;
		lo[i].val = opts[i].key ? opts[i].key : 0x100 + (int)i;
		if (opts[i].key) {
			shorts[ns++] = (char)opts[i].key;
			if (opts[i].arg)
				shorts[ns++] = ':';
		}
	}
	shorts[ns] = '\0';
	while (rc == CMD_GO &&
	       (c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		for (i = 0; i < n; i++)
			if (lo[i].val == c)
				break;
		if (i == n)
			rc = cmd_usage(self, "unknown option");
		else
			rc = store(self, &opts[i], args);
	}
	free(shorts);
	free(opts);
	free(lo);
	return rc;
}

void cmd_list_options(const struct cmd *self)
{
	size_t i, n = count_opts(self);

	for (i = 0; i < n; i++) {
		struct cmd_opt o = resolve(&self->opts[i]);
		struct cc_buf b;

		cc_buf_init(&b);
		value_list(&b, &o);
		if (o.key)
			printf("--%s -%c", o.name, o.key);
		else
			printf("--%s -", o.name);
		printf(" %s %s\n", o.arg ? o.arg : "-", b.len ? b.data : "-");
		cc_buf_free(&b);
	}
}

/* The help text of O into B; for the writable formats their names from
 * the format table (the first is the default), wrapped to the width. */
static void help_text(struct cc_buf *b, const struct cmd_opt *o)
{
	size_t i, k = 0, n = 0, col = 0;

	if (o->values != CMD_WRITABLE) {
		cc_buf_puts(b, o->help ? o->help : "");
		return;
	}
	for (i = 0; fmt_table[i]; i++)
		n += fmt_table[i]->write != NULL;
	for (i = 0; fmt_table[i]; i++) {
		char word[64];
		size_t len;

		if (fmt_table[i]->write == NULL)
			continue;
		len = (size_t)snprintf(word, sizeof word, "%s%s%s",
				       fmt_table[i]->name,
				       k == 0 ? " (default)" : "",
				       k + 1 < n ? "," : "");
		if (k > 0 && HELP_COLUMN + col + 1 + len > HELP_WIDTH) {
			cc_buf_puts(b, "\n");
			col = 0;
		} else if (k > 0) {
			cc_buf_puts(b, " ");
			col++;
		}
		cc_buf_puts(b, word);
		col += len;
		k++;
	}
}

int cmd_help(const struct cmd *c)
{
	size_t i, n = count_opts(c);

	printf("usage: cpucompat %s %s\n\n%s\n\noptions:\n", c->name,
	       c->synopsis, c->summary);
	for (i = 0; i < n; i++) {
		struct cmd_opt o = resolve(&c->opts[i]);
		char head[64];
		struct cc_buf b;
		const char *p, *nl;

		if (o.key)
			snprintf(head, sizeof head, "  -%c, --%s%s%s", o.key,
				 o.name, o.arg ? " " : "", o.arg ? o.arg : "");
		else
			snprintf(head, sizeof head, "      --%s%s%s", o.name,
				 o.arg ? " " : "", o.arg ? o.arg : "");
		cc_buf_init(&b);
		help_text(&b, &o);
		cc_buf_puts(&b, "");
		printf("%-*s", HELP_COLUMN - 2, head);
		for (p = b.data; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
			printf("  %.*s\n%*s", (int)(nl - p), p, HELP_COLUMN - 2,
			       "");
		printf("  %s\n", p);
		cc_buf_free(&b);
	}
	return CC_EXIT_OK;
}

/* ----------------------------------------------------------- messages */

int cmd_usage(const struct cmd *c, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cpucompat %s: ", c->name);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr,
		"\nusage: cpucompat %s %s\nTry 'cpucompat %s --help'.\n",
		c->name, c->synopsis, c->name);
	return CC_EXIT_ERROR;
}

int cmd_fail(const struct cc_err *e)
{
	fprintf(stderr, "cpucompat: %s\n", e->msg);
	return CC_EXIT_ERROR;
}

void cmd_warnings(const struct cc_set *s)
{
	size_t i;

	for (i = 0; i < s->nwarnings; i++)
		fprintf(stderr, "cpucompat: warning: %s\n", s->warnings[i]);
}

int cmd_color(const char *when, int fd)
{
	const char *nc = getenv("NO_COLOR");

	if (when != NULL && strcmp(when, "always") == 0)
		return 1;
	if (when != NULL && strcmp(when, "never") == 0)
		return 0;
	if (nc != NULL && *nc)
		return 0;
	return isatty(fd);
}

/* ------------------------------------------------------------ loading */

struct cc_set *cmd_load(const char *spec, const struct source_opts *o)
{
	struct cc_err e;
	struct cc_set *s = source_load(spec, o, &e);

	if (s == NULL) {
		cmd_fail(&e);
		return NULL;
	}
	cmd_warnings(s);
	return s;
}

struct cc_set **cmd_load_all(const struct cmd *self, char **specs, size_t n,
			     const struct source_opts *so)
{
	struct cc_set **sets = cc_xcalloc(n + 1, sizeof *sets);
	size_t i, stdin_uses = 0;

	for (i = 0; i < n; i++)
		stdin_uses += strcmp(specs[i], "-") == 0;
	if (stdin_uses > 1) {
		cmd_usage(self, "only one source can be standard input");
		free(sets);
		return NULL;
	}
	for (i = 0; i < n; i++) {
		sets[i] = cmd_load(specs[i], so);
		if (sets[i] == NULL) {
			while (i > 0)
				cc_set_free(sets[--i]);
			free(sets);
			return NULL;
		}
	}
	return sets;
}

void cmd_free_all(struct cc_set **sets, size_t n)
{
	size_t i;

	if (sets == NULL)
		return;
	for (i = 0; i < n; i++)
		cc_set_free(sets[i]);
	free(sets);
}

const struct cc_defs *cmd_load_defs(const char *dir, struct cc_defs **owned)
{
	struct cc_err e;

	*owned = NULL;
	if (dir == NULL)
		return cc_defs_builtin();
	*owned = cc_defs_load_dir(dir, &e);
	if (*owned == NULL)
		cmd_fail(&e);
	return *owned;
}

int cmd_run_sources(const struct cmd *self, int argc, char **argv, void *args,
		    const struct cmd_sources *how)
{
	const struct cmd_args *a = args;
	struct cc_defs *owned;
	const struct cc_defs *d;
	struct cc_set **sets = NULL;
	char *one[1] = {how->deflt};
	char **ops;
	size_t n;
	int rc;

	rc = cmd_parse(self, argc, argv, args);
	if (rc != CMD_GO)
		return rc;
	ops = argv + optind;
	n = (size_t)(argc - optind);
	if (n < how->min || (how->max && n > how->max))
		return cmd_usage(self, "%s", how->count);
	if (cmd_check_values(self, args) != CMD_GO)
		return CC_EXIT_ERROR;
	if (n == 0 && how->deflt != NULL) {
		ops = one;
		n = 1;
	}
	if (how->check != NULL) {
		rc = how->check(self, args, ops, n);
		if (rc != CMD_GO)
			return rc;
	}
	d = cmd_load_defs(a->defs, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	if (how->load)
		sets = cmd_load_all(self, ops, n, &a->so);
	if (how->load && sets == NULL)
		rc = CC_EXIT_ERROR;
	else
		rc = how->run(self, args, d, sets, ops, n);
	cmd_free_all(sets, n);
	cc_defs_free(owned);
	return rc;
}

/* ------------------------------------------------- naming and writing */

void cmd_timestamp(char *out, size_t n)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t now = time(NULL);
	struct tm tm;

	if (sde != NULL && *sde) {
		char *end;
		long long v = strtoll(sde, &end, 10);

		if (*end == '\0' && v >= 0)
			now = (time_t)v;
	}
	gmtime_r(&now, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

void cmd_profile_opts(struct cc_profile_opts *po, const char *name, char *when,
		      size_t n)
{
	cmd_timestamp(when, n);
	po->name = name;
	po->generated = when;
	po->tool = PACKAGE_STRING;
}

void cmd_position(uint32_t leaf, uint32_t sub, uint8_t reg, uint8_t lo,
		  uint8_t hi, char *out, size_t n)
{
	struct cc_finding f;

	memset(&f, 0, sizeof f);
	f.leaf = leaf;
	f.subleaf = sub;
	f.reg = reg;
	f.lo = lo;
	f.hi = hi;
	cc_finding_position(&f, out, n);
}

const char *cmd_finding_name(const struct cc_finding *f, char *buf, size_t n)
{
	if (f->field != NULL)
		return f->field->name;
	cmd_position(f->leaf, f->subleaf, f->reg, f->lo, f->hi, buf, n);
	return buf;
}

/*
 * A Firecracker template names single subleaves.  Ranges wider than the
 * writer expands are dropped when they fix nothing but zeros (Firecracker
 * leaves unnamed subleaves to the host, whose reserved bits read 0
 * there); a wider range that fixes ones cannot be written.
 */
static struct cc_set *for_template(const struct cc_set *p, struct cc_err *e)
{
	struct cc_set *t = cc_set_dup(p);
	size_t i, j;

	for (i = j = 0; i < t->n; i++) {
		const struct cc_leaf *l = &t->leaves[i];
		int r, ones = 0;

		if (l->last - l->first < FMT_MAX_EXPAND) {
			t->leaves[j++] = *l;
			continue;
		}
		for (r = 0; r < CC_NREGS; r++)
			if (!(l->absent >> r & 1) &&
			    (l->reg[r] & l->known[r]) != 0)
				ones = 1;
		if (ones) {
			cc_errf(e,
				"%s: leaf 0x%08x fixes bits on subleaves "
				"%u..%u, more than a Firecracker template can "
				"name",
				p->name, l->leaf, l->first, l->last);
			cc_set_free(t);
			return NULL;
		}
	}
	t->n = j;
	return t;
}

int cmd_write_profile(const struct cc_set *p, const char *format,
		      const char *out, struct cc_err *e)
{
	struct cc_buf b;
	struct cc_set *t = NULL;
	int r;

	cc_buf_init(&b);
	if (strcmp(format, "json") == 0) {
		r = fmt_native.write(&b, p, e);
	} else if (strcmp(format, "cloud-hypervisor") == 0 ||
		   strcmp(format, "cloud-hypervisor-profile") == 0) {
		r = fmt_chv_profile.write(&b, p, e);
	} else if (strcmp(format, "libvirt-cpu") == 0 ||
		   strcmp(format, "qemu-cpu") == 0) {
		const struct fmt *f = fmt_find(format);

		r = f != NULL && f->write != NULL
			    ? f->write(&b, p, e)
			    : cc_errf(e, "no writer for format %s", format);
	} else {
		t = for_template(p, e);
		r = t == NULL ? -1 : fmt_firecracker.write(&b, t, e);
	}
	if (r == 0)
		r = cc_buf_save(&b, out, e);
	cc_buf_free(&b);
	cc_set_free(t);
	return r;
}
