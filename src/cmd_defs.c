/*
 * `cpucompat defs [QUERY]`: search and list the field database by name,
 * alias, category or position (7.0.ebx), as text or JSON.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cmd.h"
#include "fmt.h"
#include "guest.h"
#include "report.h"

static const struct cmd_opt defs_opts[] = {
	CMD_USE(cmd_opt_format, "text (default) or json", "text|json"),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

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
			len += (size_t)snprintf(out + len,
						n > len ? n - len : 0, "%s%s",
						len ? "," : "",
						cc_vendor_name(
							(enum cc_vendor)bit));
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

	cc_buf_puts(b, "{");
	if (CC_IS_MSR(f->leaf)) /* the pseudo-leaf, named by its MSR too */
		cc_buf_printf(b, "\"msr\": \"%#x\", ", f->first);
	cc_buf_printf(b, "\"leaf\": %u, \"subleaf\": ", f->leaf);
	if (f->any_subleaf)
		cc_buf_puts(b, "null");
	else if (f->first == f->last)
		cc_buf_printf(b, "%u", f->first);
	else
		cc_buf_printf(b, "[%u, %u]", f->first, f->last);
	cc_buf_printf(b,
		      ", \"register\": \"%s\", \"bits\": [%u, %u], \"name\": ",
		      cc_reg_name((enum cc_reg)f->reg), f->lo, f->hi);
	cc_json_put_string(b, f->name);
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
			cc_json_put_string(b, sp[i]);
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
			cc_json_put_string(b, f->aliases[i]);
		}
	}
	cc_buf_puts(b, "], \"names\": {\"qemu\": ");
	cc_json_put_string(b, f->qemu);
	cc_buf_puts(b, ", \"libvirt\": ");
	cc_json_put_string(b, f->libvirt);
	cc_buf_puts(b, ", \"kernel\": ");
	cc_json_put_string(b, f->kernel);
	cc_buf_puts(b, "}, \"vendors\": [");
	vendors_str(f->vendors, vs, sizeof vs);
	first = 1;
	for (p = strtok_r(vs, ",", &save); p; p = strtok_r(NULL, ",", &save)) {
		cc_buf_printf(b, "%s\"%s\"", first ? "" : ", ", p);
		first = 0;
	}
	cc_policy_str(f, pol, sizeof pol);
	cc_buf_printf(b,
		      "], \"category\": \"%s\", \"rule\": \"%s\", "
		      "\"severity\": \"%s\", \"policy\": \"%s\", \"reason\": ",
		      cc_categories[f->category],
		      cc_rule_name((enum cc_rule)f->rule),
		      cc_sev_name((enum cc_sev)f->severity), pol);
	cc_json_put_string(b, f->reason);
	cc_buf_puts(b, ", \"description\": ");
	cc_json_put_string(b, f->description);
	cc_buf_printf(b, ", \"guest\": \"%s\", \"offer\": ",
		      cc_guest_names[f->guest]);
	cc_json_put_string(b, f->offer ? cc_offer_names[f->offer] : NULL);
	cc_buf_printf(b, ", \"consequence\": \"%s\", \"hint\": ",
		      cc_conseq_names[f->consequence]);
	cc_json_put_string(b, f->hint);
	cc_buf_puts(b, "}");
}

/* The two text lines of F. */
static void text_field(struct cc_buf *b, const struct cc_field *f)
{
	char sub[32], pos[48], vs[64];

	subleaf_str(f, sub, sizeof sub);
	if (CC_IS_MSR(f->leaf) || (f->first == f->last && !f->any_subleaf))
		cc_pos_format(pos, sizeof pos, CC_POS_HEX, f->leaf, f->first,
			      f->reg, f->lo, f->hi);
	else if (f->lo == f->hi)
		snprintf(pos, sizeof pos, "%#x.%s.%s[%u]", f->leaf, sub,
			 cc_reg_name((enum cc_reg)f->reg), f->lo);
	else
		snprintf(pos, sizeof pos, "%#x.%s.%s[%u:%u]", f->leaf, sub,
			 cc_reg_name((enum cc_reg)f->reg), f->hi, f->lo);
	vendors_str(f->vendors, vs, sizeof vs);
	cc_buf_printf(b, "%-24s %-22s %-6s %s\n    %s  [%s, %s]\n", pos,
		      f->name, cc_rule_name((enum cc_rule)f->rule),
		      cc_categories[f->category], f->description, vs,
		      f->qemu ? f->qemu : "-");
	cc_buf_printf(b, "    guest: %s; consequence: %s\n", cc_guest_text(f),
		      cc_conseq_names[f->consequence]);
	if (f->hint)
		cc_buf_printf(b, "    hint: %s\n", f->hint);
}

static int run_defs(const struct cmd *self, int argc, char **argv)
{
	struct cmd_args a = {.so = {NULL, -1}, .format = "text"};
	const char *q = NULL;
	struct cc_defs *owned;
	const struct cc_defs *d;
	struct cc_buf b;
	struct cc_err e;
	size_t i, hits = 0;
	int rc, json;

	rc = cmd_parse(self, argc, argv, &a);
	if (rc == CMD_GO)
		rc = cmd_check_values(self, &a);
	if (rc != CMD_GO)
		return rc;
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one QUERY");
	if (optind < argc)
		q = argv[optind];
	d = cmd_load_defs(a.defs, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	json = strcmp(a.format, "json") == 0;
	cc_buf_init(&b);
	if (json)
		cc_buf_puts(&b, "[");
	for (i = 0; i < d->n; i++) {
		const struct cc_field *f = &d->fields[i];

		if (!field_selected(f, q))
			continue;
		if (json) {
			cc_buf_puts(&b, hits ? ",\n  " : "\n  ");
			json_field(&b, f);
		} else {
			text_field(&b, f);
		}
		hits++;
	}
	if (json)
		cc_buf_puts(&b, hits ? "\n]\n" : "]\n");
	rc = cc_buf_save(&b, NULL, &e) < 0 ? cmd_fail(&e) : CC_EXIT_OK;
	if (hits == 0 && q != NULL && !json)
		fprintf(stderr, "cpucompat defs: no field matches '%s'\n", q);
	cc_buf_free(&b);
	cc_defs_free(owned);
	return rc;
}

const struct cmd cmd_defs = {
	.name = "defs",
	.synopsis = "[QUERY] [-f text|json] [--defs DIR]",
	.summary =
		"List CPUID fields matching a name, alias, category or "
		"position (7.0.ebx).",
	.opts = defs_opts,
	.run = run_defs,
};
