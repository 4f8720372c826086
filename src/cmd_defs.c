/*
 * Commands that read the field database without comparing: `defs` (search
 * and list fields), `show` (decode one set field by field, like cpuid(1)
 * but from any source and with our names) and `profiles` (list the bundled
 * profiles).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_buf.h"
#include "cmd.h"
#include "fmt.h"
#include "report.h"

enum { OPT_DEFS = 0x300, OPT_NAMES };

/* Parse a position query "7", "0x7.0", "7.0.ebx", "0x80000008"; returns
 * the number of parts parsed (0 = not a position). */
static int parse_position(const char *q, uint32_t *leaf, uint32_t *sub,
			  int *reg)
{
	char buf[64], *parts[3], *save = NULL, *t;
	int n = 0;

	if (strlen(q) >= sizeof buf)
		return 0;
	strcpy(buf, q);
	for (t = strtok_r(buf, ".", &save); t && n < 3;
	     t = strtok_r(NULL, ".", &save))
		parts[n++] = t;
	if (n == 0 || t != NULL)
		return 0;
	if (fmt_parse_hex32(parts[0], strlen(parts[0]), leaf) < 0)
		return 0;
	/* a bare word like "abm" parses as hex; positions need a digit first */
	if (parts[0][0] < '0' || parts[0][0] > '9')
		return 0;
	if (n >= 2) {
		char *end;
		unsigned long v = strtoul(parts[1], &end, 0);

		if (*end || v > UINT32_MAX)
			return 0;
		*sub = (uint32_t)v;
	}
	if (n == 3) {
		*reg = cc_reg_parse(parts[2]);
		if (*reg < 0)
			return 0;
	}
	return n;
}

static int field_selected(const struct cc_field *f, const char *q)
{
	uint32_t leaf, sub = 0;
	int reg = -1, n;

	if (q == NULL)
		return 1;
	n = parse_position(q, &leaf, &sub, &reg);
	if (n > 0) {
		if (f->leaf != leaf)
			return 0;
		if (n >= 2 && (sub < f->first || sub > f->last))
			return 0;
		if (n == 3 && f->reg != reg)
			return 0;
		return 1;
	}
	return cc_field_matches(f, q, 1);
}

static void vendors_str(unsigned v, char *out, size_t n)
{
	unsigned bit;
	size_t len = 0;

	out[0] = '\0';
	for (bit = 1; bit <= CC_VENDOR_TRANSMETA; bit <<= 1)
		if (v & bit)
			len += (size_t)snprintf(out + len, n > len ? n - len : 0,
						"%s%s", len ? "," : "",
						cc_vendor_name((enum cc_vendor)bit));
}

static void subleaf_str(const struct cc_field *f, char *out, size_t n)
{
	if (f->any_subleaf)
		snprintf(out, n, "*");
	else if (f->first == f->last)
		snprintf(out, n, "%u", f->first);
	else
		snprintf(out, n, "%u-%u", f->first, f->last);
}

static void json_field(struct cc_buf *b, const struct cc_field *f)
{
	char pol[32], vs[64], *p, *save = NULL;
	size_t i;
	int first = 1;

	cc_buf_printf(b, "{\"leaf\": %u, \"subleaf\": ", f->leaf);
	if (f->any_subleaf)
		cc_buf_puts(b, "null");
	else if (f->first == f->last)
		cc_buf_printf(b, "%u", f->first);
	else
		cc_buf_printf(b, "[%u, %u]", f->first, f->last);
	cc_buf_printf(b, ", \"register\": \"%s\", \"bits\": [%u, %u], \"name\": ",
		      cc_reg_name((enum cc_reg)f->reg), f->lo, f->hi);
	report_json_string(b, f->name);
	cc_buf_puts(b, ", \"aliases\": [");
	{
		const char *sp[3] = {f->qemu, f->libvirt, f->kernel};
		const char *seen[16];
		size_t ns = 0, k;

		for (i = 0; i < 3; i++) {
			if (sp[i] == NULL || strcasecmp(sp[i], f->name) == 0)
				continue;
			for (k = 0; k < ns; k++)
				if (strcmp(seen[k], sp[i]) == 0)
					break;
			if (k < ns)
				continue;
			seen[ns++] = sp[i];
			cc_buf_puts(b, first ? "" : ", ");
			first = 0;
			report_json_string(b, sp[i]);
		}
		for (i = 0; f->aliases && f->aliases[i]; i++) {
			for (k = 0; k < ns; k++)
				if (strcmp(seen[k], f->aliases[i]) == 0)
					break;
			if (k < ns || ns >= 15)
				continue;
			seen[ns++] = f->aliases[i];
			cc_buf_puts(b, first ? "" : ", ");
			first = 0;
			report_json_string(b, f->aliases[i]);
		}
	}
	cc_buf_puts(b, "], \"names\": {\"qemu\": ");
	report_json_string(b, f->qemu);
	cc_buf_puts(b, ", \"libvirt\": ");
	report_json_string(b, f->libvirt);
	cc_buf_puts(b, ", \"kernel\": ");
	report_json_string(b, f->kernel);
	cc_buf_puts(b, "}, \"vendors\": [");
	vendors_str(f->vendors, vs, sizeof vs);
	first = 1;
	for (p = strtok_r(vs, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		cc_buf_printf(b, "%s\"%s\"", first ? "" : ", ", p);
		first = 0;
	}
	cc_policy_str(f, pol, sizeof pol);
	cc_buf_printf(b, "], \"category\": \"%s\", \"rule\": \"%s\", "
			 "\"severity\": \"%s\", \"policy\": \"%s\", \"reason\": ",
		      cc_categories[f->category],
		      cc_rule_name((enum cc_rule)f->rule),
		      cc_sev_name((enum cc_sev)f->severity), pol);
	report_json_string(b, f->reason);
	cc_buf_puts(b, ", \"description\": ");
	report_json_string(b, f->description);
	cc_buf_puts(b, "}");
}

static int run_defs(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"defs", required_argument, NULL, OPT_DEFS},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *format = "text", *dir = NULL, *q = NULL;
	struct cc_defs *owned;
	const struct cc_defs *d;
	struct cc_buf b;
	struct cc_err e;
	size_t i, hits = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case OPT_DEFS:
			dir = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			return cmd_usage(self, "unknown option");
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cmd_usage(self, "--format: expected text or json");
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one QUERY");
	if (optind < argc)
		q = argv[optind];
	d = cmd_load_defs(dir, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	cc_buf_init(&b);
	if (strcmp(format, "json") == 0)
		cc_buf_puts(&b, "[");
	for (i = 0; i < d->n; i++) {
		const struct cc_field *f = &d->fields[i];
		char sub[32], pos[48], vs[64];

		if (!field_selected(f, q))
			continue;
		if (strcmp(format, "json") == 0) {
			cc_buf_puts(&b, hits ? ",\n  " : "\n  ");
			json_field(&b, f);
		} else {
			subleaf_str(f, sub, sizeof sub);
			if (f->lo == f->hi)
				snprintf(pos, sizeof pos, "%#x.%s.%s[%u]", f->leaf,
					 sub, cc_reg_name((enum cc_reg)f->reg),
					 f->lo);
			else
				snprintf(pos, sizeof pos, "%#x.%s.%s[%u:%u]",
					 f->leaf, sub,
					 cc_reg_name((enum cc_reg)f->reg), f->hi,
					 f->lo);
			vendors_str(f->vendors, vs, sizeof vs);
			cc_buf_printf(&b, "%-24s %-22s %-6s %s\n    %s  [%s, %s]\n",
				      pos, f->name,
				      cc_rule_name((enum cc_rule)f->rule),
				      cc_categories[f->category], f->description,
				      vs, f->qemu ? f->qemu : "-");
		}
		hits++;
	}
	if (strcmp(format, "json") == 0)
		cc_buf_puts(&b, hits ? "\n]\n" : "]\n");
	rc = cc_buf_save(&b, NULL, &e) < 0 ? cmd_fail(&e) : CC_EXIT_OK;
	if (hits == 0 && q != NULL && strcmp(format, "text") == 0)
		fprintf(stderr, "cpucompat defs: no field matches '%s'\n", q);
	cc_buf_free(&b);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_defs = {
	.name = "defs",
	.synopsis = "[QUERY] [-f text|json] [--defs DIR]",
	.summary = "List CPUID fields matching a name, alias, category or "
		   "position (7.0.ebx).",
	.options = "  -f, --format FMT        text (default) or json\n"
		   "      --defs DIR          read field definitions from "
		   "DIR/*.json\n"
		   "  -h, --help              show this help\n",
	.run = run_defs,
};

/* ------------------------------------------------------------------ show */

static void show_value(struct cc_buf *b, uint32_t v, uint32_t k,
		       const struct cc_field *f)
{
	uint32_t m = cc_field_mask(f);

	if ((k & m) == 0)
		cc_buf_puts(b, "host");
	else if (f->lo == f->hi)
		cc_buf_puts(b, ((v & m) >> f->lo) ? "yes" : "no");
	else
		cc_buf_printf(b, "%#x", (v & m) >> f->lo);
}

static int run_show(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"format", required_argument, NULL, 'f'},
		{"defs", required_argument, NULL, OPT_DEFS},
		{"names", required_argument, NULL, OPT_NAMES},
		CMD_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0},
	};
	struct source_opts so = {NULL, -1};
	const char *format = "text", *dir = NULL, *names = "linux";
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct cc_set *s;
	struct cc_buf b;
	struct cc_err e;
	size_t i, k, nout = 0;
	int c, r, json;
	char label[96];

	while ((c = getopt_long(argc, argv, "f:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			format = optarg;
			break;
		case OPT_DEFS:
			dir = optarg;
			break;
		case OPT_NAMES:
			names = optarg;
			break;
		case 'h':
			return cmd_help(self);
		default:
			r = cmd_common_opt(self, c, &so);
			if (r != 0)
				return r > 0 ? cmd_usage(self, "unknown option")
					     : CC_EXIT_ERROR;
		}
	}
	if (strcmp(format, "text") && strcmp(format, "json"))
		return cmd_usage(self, "--format: expected text or json");
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one SOURCE");
	d = cmd_load_defs(dir, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	s = cmd_load(optind < argc ? argv[optind] : "host", &so);
	if (s == NULL) {
		cc_defs_free(owned);
		return CC_EXIT_ERROR;
	}
	json = strcmp(format, "json") == 0;
	cc_buf_init(&b);
	report_set_label(s, label, sizeof label);
	if (json) {
		cc_buf_puts(&b, "{\"name\": ");
		report_json_string(&b, s->name);
		cc_buf_puts(&b, ", \"vendor\": ");
		report_json_string(&b, s->vendor_id[0] ? s->vendor_id : NULL);
		cc_buf_puts(&b, ", \"fields\": [");
	} else {
		cc_buf_printf(&b, "%s: %s, %s\n", s->name, label,
			      s->vendor_id[0] ? s->vendor_id : "vendor unknown");
	}
	for (i = 0; i < s->n; i++) {
		const struct cc_leaf *l = &s->leaves[i];
		int reg;

		if (!json) {
			if (l->first == l->last)
				cc_buf_printf(&b, "\nleaf %#x subleaf %u:", l->leaf,
					      l->first);
			else
				cc_buf_printf(&b, "\nleaf %#x subleaves %u-%u:",
					      l->leaf, l->first, l->last);
			for (reg = 0; reg < CC_NREGS; reg++)
				cc_buf_printf(&b, " %s=0x%08x",
					      cc_reg_name((enum cc_reg)reg),
					      l->reg[reg]);
			cc_buf_puts(&b, "\n");
		}
		for (reg = 0; reg < CC_NREGS; reg++) {
			size_t fb, fe;
			uint32_t covered = 0, v = l->reg[reg], kn = l->known[reg];
			int bit;

			cc_defs_range(d, l->leaf, reg, &fb, &fe);
			for (k = fb; k < fe; k++) {
				const struct cc_field *f = &d->fields[k];

				if (!cc_field_applies(f, l->first, s->vendor ==
						      CC_VENDOR_OTHER ? 0 :
						      (unsigned)s->vendor))
					continue;
				covered |= cc_field_mask(f);
				if (json) {
					cc_buf_printf(&b, "%s\n  {\"leaf\": %u, "
						     "\"subleaf\": %u, "
						     "\"register\": \"%s\", "
						     "\"bits\": [%u, %u], "
						     "\"name\": ",
						     nout ? "," : "", l->leaf,
						     l->first,
						     cc_reg_name((enum cc_reg)reg),
						     f->lo, f->hi);
					report_json_string(&b,
						cc_field_spelling(f, names));
					if ((kn & cc_field_mask(f)) == 0)
						cc_buf_puts(&b, ", \"value\": null");
					else
						cc_buf_printf(&b, ", \"value\": %u",
							      (v & cc_field_mask(f)) >> f->lo);
					cc_buf_puts(&b, ", \"description\": ");
					report_json_string(&b, f->description);
					cc_buf_puts(&b, "}");
				} else {
					char bits[16];

					if (f->lo == f->hi)
						snprintf(bits, sizeof bits, "%s[%u]",
							 cc_reg_name((enum cc_reg)reg), f->lo);
					else
						snprintf(bits, sizeof bits, "%s[%u:%u]",
							 cc_reg_name((enum cc_reg)reg), f->hi,
							 f->lo);
					cc_buf_printf(&b, "  %-10s %-24s ", bits,
						      cc_field_spelling(f, names));
					show_value(&b, v, kn, f);
					cc_buf_printf(&b, "  %s\n", f->description);
				}
				nout++;
			}
			for (bit = 0; bit < 32; bit++) {
				if ((covered >> bit & 1) || !((v & kn) >> bit & 1))
					continue;
				if (json) {
					cc_buf_printf(&b, "%s\n  {\"leaf\": %u, "
						     "\"subleaf\": %u, \"register\": "
						     "\"%s\", \"bits\": [%d, %d], "
						     "\"name\": null, \"value\": 1, "
						     "\"description\": null}",
						     nout ? "," : "", l->leaf, l->first,
						     cc_reg_name((enum cc_reg)reg), bit,
						     bit);
				} else {
					cc_buf_printf(&b, "  %s[%d]%*s %-24s yes  no "
						     "known meaning\n",
						     cc_reg_name((enum cc_reg)reg), bit,
						     bit < 10 ? 5 : 4, "", "(unnamed)");
				}
				nout++;
			}
		}
	}
	if (json)
		cc_buf_puts(&b, nout ? "\n]}\n" : "]}\n");
	r = cc_buf_save(&b, NULL, &e) < 0 ? cmd_fail(&e) : CC_EXIT_OK;
	cc_buf_free(&b);
	cc_set_free(s);
	cc_defs_free(owned);
	return r;
}

const struct cmd cmd_show = {
	.name = "show",
	.synopsis = "[SOURCE] [-f text|json] [--names SCHEME]",
	.summary = "Decode one CPUID set field by field (default SOURCE: host).",
	.options = "  -f, --format FMT        text (default) or json\n"
		   "      --names SCHEME      linux (default), qemu or libvirt\n"
		   "      --defs DIR          read field definitions from "
		   "DIR/*.json\n" CMD_COMMON_HELP,
	.run = run_show,
};

/* -------------------------------------------------------------- profiles */

static int run_profiles(const struct cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h')
			return cmd_help(self);
		return cmd_usage(self, "unknown option");
	}
	if (optind < argc)
		return cmd_usage(self, "expected no arguments");
	for (i = 0; cc_builtin_profiles[i].name; i++) {
		const struct cc_embedded *p = &cc_builtin_profiles[i];
		struct cc_err e;
		struct cc_set *s = fmt_load_buffer(p->text, p->len, p->name, NULL,
						   NULL, &e);
		const char *desc;

		if (s == NULL)
			return cmd_fail(&e);
		desc = cc_set_meta(s, "description");
		printf("profile:%-22s %s\n", p->name, desc ? desc : "");
		cc_set_free(s);
	}
	return CC_EXIT_OK;
}

const struct cmd cmd_profiles = {
	.name = "profiles",
	.synopsis = "",
	.summary = "List the bundled CPU profiles (usable as profile:NAME).",
	.options = "  -h, --help              show this help\n",
	.run = run_profiles,
};
