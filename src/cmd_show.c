/*
 * `cpucompat show [SOURCE]`: decode one CPUID set field by field, like
 * cpuid(1) but from any source and with our names (linux, qemu or libvirt
 * spellings): each leaf with its raw registers, then one line per field;
 * set bits no field names are listed as "(unnamed)".  Text or JSON.  A
 * feature MSR (an entry of CC_MSR_LEAF) shows as "MSR 0x10a" with its
 * value as EDX:EAX, its bits counted in the MSR ("msr[62]", JSON "msr"
 * and "bits" instead of "leaf", "subleaf" and "register").
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cmd.h"
#include "report.h"

static const struct cmd_opt show_opts[] = {
	CMD_USE(cmd_opt_format, "text (default) or json", "text|json"),
	CMD_USE(cmd_opt_names, NULL, NULL),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* What is being written: the buffer, its format and the entries so far. */
struct show {
	struct cc_buf b;
	const char *names;
	int json;
	size_t nout;
};

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

/* What the bits of register REG of leaf L are called ("ebx"), and the
 * number of the register's bit 0 in *BASE: a feature MSR's bits are
 * "msr" and count from bit 0 of EAX, so its EDX starts at bit 32. */
static const char *reg_label(const struct cc_leaf *l, int reg, unsigned *base)
{
	*base = 0;
	if (!CC_IS_MSR(l->leaf))
		return cc_reg_name((enum cc_reg)reg);
	if (reg == CC_EDX)
		*base = 32;
	return "msr";
}

/* The text head of leaf L: its position and raw registers (an MSR's
 * value as EDX:EAX; its EBX and ECX are unused). */
static void leaf_head(struct cc_buf *b, const struct cc_leaf *l)
{
	int reg;

	if (CC_IS_MSR(l->leaf)) {
		if (l->first == l->last)
			cc_buf_printf(b, "\nMSR %#x:", l->first);
		else
			cc_buf_printf(b, "\nMSRs %#x-%#x:", l->first, l->last);
		cc_buf_printf(b, " edx:eax=0x%08x:0x%08x\n", l->reg[CC_EDX],
			      l->reg[CC_EAX]);
		return;
	}
	if (l->first == l->last)
		cc_buf_printf(b, "\nleaf %#x subleaf %u:", l->leaf, l->first);
	else
		cc_buf_printf(b, "\nleaf %#x subleaves %u-%u:", l->leaf,
			      l->first, l->last);
	for (reg = 0; reg < CC_NREGS; reg++)
		cc_buf_printf(b, " %s=0x%08x", cc_reg_name((enum cc_reg)reg),
			      l->reg[reg]);
	cc_buf_puts(b, "\n");
}

/* The JSON opening of the entry for bits HI:LO of register REG of leaf L,
 * up to its "name": an MSR's as {"msr": "0x10a", "bits": [...] with its
 * bits counted in the MSR. */
static void json_position(struct show *sh, const struct cc_leaf *l, int reg,
			  unsigned lo, unsigned hi)
{
	unsigned base;
	const char *rn = reg_label(l, reg, &base);

	if (CC_IS_MSR(l->leaf))
		cc_buf_printf(&sh->b,
			      "%s\n  {\"msr\": \"%#x\", \"bits\": [%u, %u], "
			      "\"name\": ",
			      sh->nout ? "," : "", l->first, base + lo,
			      base + hi);
	else
		cc_buf_printf(&sh->b,
			      "%s\n  {\"leaf\": %u, \"subleaf\": %u, "
			      "\"register\": \"%s\", \"bits\": [%u, %u], "
			      "\"name\": ",
			      sh->nout ? "," : "", l->leaf, l->first, rn, lo,
			      hi);
}

/* One named field F of register REG of leaf L. */
static void named_field(struct show *sh, const struct cc_leaf *l, int reg,
			const struct cc_field *f)
{
	struct cc_buf *b = &sh->b;
	uint32_t v = l->reg[reg], kn = l->known[reg], m = cc_field_mask(f);
	unsigned base;
	const char *rn = reg_label(l, reg, &base);
	char bits[16];

	if (sh->json) {
		json_position(sh, l, reg, f->lo, f->hi);
		cc_json_put_string(b, cc_field_spelling(f, sh->names));
		if ((kn & m) == 0)
			cc_buf_puts(b, ", \"value\": null");
		else
			cc_buf_printf(b, ", \"value\": %u", (v & m) >> f->lo);
		cc_buf_puts(b, ", \"description\": ");
		cc_json_put_string(b, f->description);
		cc_buf_printf(b, ", \"guest\": \"%s\"}",
			      cc_guest_names[f->guest]);
	} else {
		if (f->lo == f->hi)
			snprintf(bits, sizeof bits, "%s[%u]", rn, base + f->lo);
		else
			snprintf(bits, sizeof bits, "%s[%u:%u]", rn,
				 base + f->hi, base + f->lo);
		cc_buf_printf(b, "  %-10s %-24s ", bits,
			      cc_field_spelling(f, sh->names));
		show_value(b, v, kn, f);
		cc_buf_printf(b, "  %s%s\n", f->description,
			      f->guest == CC_GUEST_NEVER
				      ? " [no KVM guest sees it]"
			      : f->guest == CC_GUEST_VMM ? " [the VMM sets it]"
							 : "");
	}
	sh->nout++;
}

/* A set bit BIT of register REG of leaf L that no field names. */
static void unnamed_bit(struct show *sh, const struct cc_leaf *l, int reg,
			int bit)
{
	unsigned base;
	const char *rn = reg_label(l, reg, &base);

	if (sh->json) {
		json_position(sh, l, reg, (unsigned)bit, (unsigned)bit);
		cc_buf_puts(&sh->b,
			    "null, \"value\": 1, "
			    "\"description\": null}");
	} else {
		bit += (int)base;
		cc_buf_printf(&sh->b,
			      "  %s[%d]%*s %-24s yes  no known meaning\n", rn,
			      bit, bit < 10 ? 5 : 4, "", "(unnamed)");
	}
	sh->nout++;
}

/* Every field of register REG of leaf L of S, then its unnamed set bits. */
static void show_register(struct show *sh, const struct cc_set *s,
			  const struct cc_leaf *l, int reg,
			  const struct cc_defs *d)
{
	uint32_t covered = 0, v = l->reg[reg], kn = l->known[reg];
	unsigned vendor = s->vendor == CC_VENDOR_OTHER ? 0
						       : (unsigned)s->vendor;
	size_t fb, fe, k;
	int bit;

	cc_defs_range(d, l->leaf, reg, &fb, &fe);
	for (k = fb; k < fe; k++) {
		const struct cc_field *f = &d->fields[k];

		if (!cc_field_applies(f, l->first, vendor))
			continue;
		covered |= cc_field_mask(f);
		named_field(sh, l, reg, f);
	}
	for (bit = 0; bit < 32; bit++)
		if (!(covered >> bit & 1) && ((v & kn) >> bit & 1))
			unnamed_bit(sh, l, reg, bit);
}

/* The whole of S into SH. */
static void show_set(struct show *sh, const struct cc_set *s,
		     const struct cc_defs *d)
{
	char label[96];
	size_t i;
	int reg;

	cc_report_set_title(s, label, sizeof label);
	if (sh->json) {
		cc_buf_puts(&sh->b, "{\"name\": ");
		cc_json_put_string(&sh->b, s->name);
		cc_buf_puts(&sh->b, ", \"vendor\": ");
		cc_json_put_string(&sh->b,
				   s->vendor_id[0] ? s->vendor_id : NULL);
		cc_buf_puts(&sh->b, ", \"fields\": [");
	} else {
		cc_buf_printf(&sh->b, "%s: %s, %s\n", s->name, label,
			      s->vendor_id[0] ? s->vendor_id
					      : "vendor unknown");
	}
	for (i = 0; i < s->n; i++) {
		if (!sh->json)
			leaf_head(&sh->b, &s->leaves[i]);
		for (reg = 0; reg < CC_NREGS; reg++)
			show_register(sh, s, &s->leaves[i], reg, d);
	}
	if (sh->json)
		cc_buf_puts(&sh->b, sh->nout ? "\n]}\n" : "]}\n");
}

static int run_show(const struct cmd *self, int argc, char **argv)
{
	struct cmd_args a = {.so = {NULL, -1},
			     .format = "text",
			     .names = "linux"};
	struct cc_defs *owned = NULL;
	const struct cc_defs *d;
	struct show sh;
	struct cc_set *s;
	struct cc_err e;
	int r;

	r = cmd_parse(self, argc, argv, &a);
	if (r == CMD_GO)
		r = cmd_check_values(self, &a);
	if (r != CMD_GO)
		return r;
	if (argc - optind > 1)
		return cmd_usage(self, "expected at most one SOURCE");
	d = cmd_load_defs(a.defs, &owned);
	if (d == NULL)
		return CC_EXIT_ERROR;
	s = cmd_load(optind < argc ? argv[optind] : "host", &a.so);
	if (s == NULL) {
		cc_defs_free(owned);
		return CC_EXIT_ERROR;
	}
	memset(&sh, 0, sizeof sh);
	cc_buf_init(&sh.b);
	sh.names = a.names;
	sh.json = strcmp(a.format, "json") == 0;
	show_set(&sh, s, d);
	r = cc_buf_save(&sh.b, NULL, &e) < 0 ? cmd_fail(&e) : CC_EXIT_OK;
	cc_buf_free(&sh.b);
	cc_set_free(s);
	cc_defs_free(owned);
	return r;
}

const struct cmd cmd_show = {
	.name = "show",
	.synopsis = "[SOURCE] [-f text|json] [--names SCHEME]",
	.summary =
		"Decode one CPUID set field by field (default SOURCE: host).",
	.opts = show_opts,
	.run = run_show,
};
