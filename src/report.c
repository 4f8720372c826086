/*
 * Report renderers: see report.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"

#define C_RED "\033[31m"
#define C_YEL "\033[33m"
#define C_DIM "\033[2m"
#define C_BOLD "\033[1m"
#define C_GRN "\033[32m"
#define C_OFF "\033[0m"

static const char *col(const struct report_opts *o, const char *c)
{
	return o->color ? c : "";
}

void report_json_string(struct cc_buf *b, const char *s)
{
	if (s == NULL) {
		cc_buf_puts(b, "null");
		return;
	}
	cc_buf_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			cc_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			cc_buf_puts(b, "\\n");
		else if (c < 0x20)
			cc_buf_printf(b, "\\u%04x", c);
		else
			cc_buf_add(b, (const char *)&c, 1);
	}
	cc_buf_puts(b, "\"");
}

void report_xml_string(struct cc_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<': cc_buf_puts(b, "&lt;"); break;
		case '>': cc_buf_puts(b, "&gt;"); break;
		case '&': cc_buf_puts(b, "&amp;"); break;
		case '"': cc_buf_puts(b, "&quot;"); break;
		case '\'': cc_buf_puts(b, "&apos;"); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' || *s == '\t')
				cc_buf_add(b, s, 1);
		}
	}
}

void report_set_label(const struct cc_set *s, char *out, size_t n)
{
	char brand[64];
	const char *m = cc_set_meta(s, "comment");

	cc_set_brand(s, brand);
	if (brand[0])
		snprintf(out, n, "%s", brand);
	else if (m != NULL)
		snprintf(out, n, "%s", m);
	else
		snprintf(out, n, "%s", s->name);
}

void report_value(const struct cc_finding *f, int target, char *out, size_t n)
{
	uint32_t v = target ? f->dst : f->src;
	uint32_t k = target ? f->dst_known : f->src_known;
	uint32_t full = (f->hi - f->lo == 31) ? UINT32_MAX
					       : ((1u << (f->hi - f->lo + 1)) - 1);

	if (k == 0)
		snprintf(out, n, "host");
	else if (f->lo == f->hi)
		snprintf(out, n, "%s", v ? "yes" : "no");
	else if (k != full)
		snprintf(out, n, "%#x (partly host)", v);
	else if (v < 10)
		snprintf(out, n, "%u", v);
	else
		snprintf(out, n, "%#x", v);
}

static const char *fname(const struct cc_finding *f, const struct report_opts *o,
			 char *buf, size_t n)
{
	if (f->field != NULL)
		return cc_field_spelling(f->field, o->names);
	snprintf(buf, n, "unnamed bit %u", f->lo);
	return buf;
}

static const char *sev_heading(enum cc_sev s, int symmetric)
{
	switch (s) {
	case CC_SEV_INCOMPATIBLE:
		return symmetric ? "Blocking differences"
				 : "Incompatible (blocks the migration)";
	case CC_SEV_WARNING:
		return "Warnings (the guest can see these, but they do not block)";
	case CC_SEV_INFO:
		return "Info (host-specific, never blocks)";
	}
	return "";
}

static void what_happens(struct cc_buf *b, const struct cc_finding *f,
			 int symmetric)
{
	if (f->change == CC_CHANGE_MISSING && !symmetric)
		cc_buf_puts(b, "the guest may use it; the target lacks it");
	else if (f->change == CC_CHANGE_MISSING)
		cc_buf_puts(b, "only the first set has it");
	else if (f->change == CC_CHANGE_ADDED)
		cc_buf_puts(b, "only the second set has it");
	else if (f->rule == CC_RULE_GE)
		cc_buf_puts(b, symmetric ? "values differ" : "target value is lower");
	else if (f->rule == CC_RULE_LE)
		cc_buf_puts(b, symmetric ? "values differ" : "target value is higher");
	else
		cc_buf_puts(b, "values differ");
}

/* Append TEXT word-wrapped to 80 columns, every line indented by 6. */
static void wrapped(struct cc_buf *b, const char *text)
{
	size_t colm = 6;
	const char *p = text;

	cc_buf_puts(b, "      ");
	while (*p) {
		size_t w = strcspn(p, " ");

		if (colm > 6 && colm + 1 + w > 80) {
			cc_buf_puts(b, "\n      ");
			colm = 6;
		} else if (colm > 6) {
			cc_buf_puts(b, " ");
			colm++;
		}
		cc_buf_add(b, p, w);
		colm += w;
		p += w;
		while (*p == ' ')
			p++;
	}
	cc_buf_puts(b, "\n");
}

static void text_finding(struct cc_buf *b, const struct cc_finding *f,
			 const struct report_opts *o, int symmetric)
{
	char name[40], pos[48], sv[32], dv[32];
	const char *c = f->severity == CC_SEV_INCOMPATIBLE ? C_RED
			: f->severity == CC_SEV_WARNING     ? C_YEL
							    : "";

	const char *nm;
	size_t width;

	cc_finding_position(f, pos, sizeof pos);
	report_value(f, 0, sv, sizeof sv);
	report_value(f, 1, dv, sizeof dv);
	nm = fname(f, o, name, sizeof name);
	width = 2 + (strlen(nm) > 20 ? strlen(nm) : 20) + 1 +
		(strlen(pos) > 26 ? strlen(pos) : 26) + 1 + strlen(sv) + 4 +
		strlen(dv);
	cc_buf_printf(b, "  %s%-20s%s ", col(o, c), nm, col(o, C_OFF));
	if (width > 80)
		cc_buf_puts(b, "\n    ");
	cc_buf_printf(b, "%-26s %s -> %s", pos, sv, dv);
	if (f->waived) {
		cc_buf_printf(b, "\n      [waived%s%s]",
			      f->waiver && *f->waiver ? ": " : "",
			      f->waiver ? f->waiver : "");
	}
	cc_buf_puts(b, "\n");
	if (o->color)
		cc_buf_puts(b, C_DIM);
	if (f->field != NULL && f->kvm_hides) {
		struct cc_buf t;

		cc_buf_init(&t);
		cc_buf_printf(&t, "%s [the CPU has it, KVM hides it]",
			      f->field->description);
		wrapped(b, t.data);
		cc_buf_free(&t);
	} else if (f->field != NULL) {
		wrapped(b, f->field->description);
	} else {
		struct cc_buf t;

		cc_buf_init(&t);
		cc_buf_puts(&t, "no known meaning; ");
		what_happens(&t, f, symmetric);
		wrapped(b, t.data);
		cc_buf_free(&t);
	}
	if (o->color)
		cc_buf_puts(b, C_OFF);
}

/* "  source: LABEL (NAME)" within 80 columns: NAME moves to its own line
 * when long, and keeps only its tail when longer than a line. */
static void side_line(struct cc_buf *b, const char *role, const char *label,
		      const char *name)
{
	size_t n = strlen(name);

	cc_buf_printf(b, "  %s: %s", role, label);
	if (strcmp(label, name) != 0) {
		if (4 + strlen(role) + strlen(label) + n + 3 <= 80)
			cc_buf_printf(b, " (%s)", name);
		else if (n <= 70)
			cc_buf_printf(b, "\n          %s", name);
		else
			cc_buf_printf(b, "\n          ...%s", name + n - 67);
	}
	cc_buf_puts(b, "\n");
}

static void header(struct cc_buf *b, const struct cc_report *r,
		   const struct report_opts *o)
{
	char sl[96], dl[96];
	const char *vc;

	report_set_label(r->src, sl, sizeof sl);
	report_set_label(r->dst, dl, sizeof dl);
	vc = r->verdict == CC_VERDICT_INCOMPATIBLE ? C_RED : C_GRN;
	cc_buf_printf(b, "%s%s%s", col(o, C_BOLD), col(o, vc),
		      r->symmetric ? (r->verdict == CC_VERDICT_IDENTICAL
					      ? "IDENTICAL"
					      : "DIFFERENT")
				   : (r->verdict == CC_VERDICT_INCOMPATIBLE
					      ? "INCOMPATIBLE"
				      : r->verdict == CC_VERDICT_COMPATIBLE
					      ? "COMPATIBLE"
					      : "IDENTICAL"));
	cc_buf_printf(b, "%s", col(o, C_OFF));
	if (r->symmetric)
		cc_buf_puts(b, r->verdict == CC_VERDICT_IDENTICAL
				       ? ": the two CPUID sets are the same\n"
				       : ": the two CPUID sets differ\n");
	else if (r->vendor_mismatch)
		cc_buf_printf(b, ": vendor mismatch, %s -> %s; a guest cannot "
				 "move between CPU vendors\n",
			      r->src->vendor_id, r->dst->vendor_id);
	else if (r->src->kind == CC_KIND_PROFILE)
		cc_buf_puts(b, r->verdict == CC_VERDICT_INCOMPATIBLE
				       ? ": the target cannot run guests of this "
					 "profile\n"
				       : ": the target can run guests of this "
					 "profile\n");
	else if (r->verdict == CC_VERDICT_INCOMPATIBLE)
		cc_buf_puts(b, ": a guest started on the source cannot safely "
			       "run on the target\n");
	else
		cc_buf_puts(b, ": a guest started on the source can run on the "
			       "target\n");
	side_line(b, r->symmetric ? "A" : "source", sl, r->src->name);
	side_line(b, r->symmetric ? "B" : "target", dl, r->dst->name);
}

/* Compact list of names, each once, wrapped at 78 columns. */
static void name_list(struct cc_buf *b, const struct cc_report *r, size_t from,
		      size_t to, const struct report_opts *o)
{
	size_t i, k, colm = 4;
	char name[40], other[40];
	int first = 1;

	cc_buf_puts(b, "    ");
	for (i = from; i < to; i++) {
		const char *n = fname(&r->findings[i], o, name, sizeof name);
		size_t len = strlen(n) + 2;

		for (k = from; k < i; k++)
			if (strcmp(fname(&r->findings[k], o, other,
					 sizeof other), n) == 0)
				break;
		if (k < i)
			continue;
		if (!first)
			cc_buf_puts(b, ",");
		if (!first && colm + len > 78) {
			cc_buf_puts(b, "\n    ");
			colm = 4;
		} else if (!first) {
			cc_buf_puts(b, " ");
		}
		cc_buf_puts(b, n);
		colm += len;
		first = 0;
	}
	cc_buf_puts(b, "\n");
}

void report_text(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o)
{
	size_t i = 0;
	int sev;

	header(b, r, o);
	for (sev = CC_SEV_INCOMPATIBLE; sev >= CC_SEV_INFO; sev--) {
		size_t start, end, k;
		uint32_t leaf = UINT32_MAX, sub = UINT32_MAX;

		start = i;
		while (i < r->n && r->findings[i].status == CC_STATUS_DIFFERENT &&
		       !r->findings[i].waived && r->findings[i].severity == sev)
			i++;
		end = i;
		if (start == end)
			continue;
		cc_buf_printf(b, "\n%s (%zu):\n", sev_heading((enum cc_sev)sev,
							       r->symmetric),
			      end - start);
		if (sev == CC_SEV_INFO && !o->all) {
			name_list(b, r, start, end, o);
			continue;
		}
		for (k = start; k < end; k++) {
			const struct cc_finding *f = &r->findings[k];

			if (f->leaf != leaf || f->subleaf != sub) {
				leaf = f->leaf;
				sub = f->subleaf;
				cc_buf_printf(b, " %sleaf %#x, subleaf %u%s\n",
					      col(o, C_DIM), leaf, sub,
					      col(o, C_OFF));
			}
			text_finding(b, f, o, r->symmetric);
		}
	}
	if (r->waived) {
		cc_buf_printf(b, "\nWaived (%zu, accepted by --ignore/--waivers):\n",
			      r->waived);
		for (; i < r->n && r->findings[i].status == CC_STATUS_DIFFERENT;
		     i++)
			text_finding(b, &r->findings[i], o, r->symmetric);
	}
	if (o->all) {
		size_t k;
		int any = 0;

		for (k = 0; k < r->n; k++) {
			const struct cc_finding *f = &r->findings[k];
			char name[40], pos[48], sv[32], dv[32];

			if (f->status == CC_STATUS_DIFFERENT)
				continue;
			if (!any)
				cc_buf_puts(b, "\nMatching and host-dependent "
					       "fields:\n");
			any = 1;
			cc_finding_position(f, pos, sizeof pos);
			report_value(f, 0, sv, sizeof sv);
			report_value(f, 1, dv, sizeof dv);
			cc_buf_printf(b, "  %c %-20s %-26s %s -> %s\n",
				      f->status == CC_STATUS_MATCH ? '=' : '?',
				      fname(f, o, name, sizeof name), pos, sv, dv);
		}
	}
	cc_buf_printf(b,
		      "\nSummary: %zu incompatible, %zu warning%s, %zu info, "
		      "%zu waived; %zu left to the host.\n",
		      r->count[CC_SEV_INCOMPATIBLE], r->count[CC_SEV_WARNING],
		      r->count[CC_SEV_WARNING] == 1 ? "" : "s",
		      r->count[CC_SEV_INFO], r->waived, r->host_dependent);
	if (r->kvm_hidden)
		cc_buf_printf(b,
			      "\nNote: %zu of the missing features are on this CPU, "
			      "but KVM does not offer\nthem to guests. Typical "
			      "causes: this machine is itself a guest (nested\n"
			      "KVM sees only what the outer hypervisor "
			      "passes on), a kvm module parameter,\nor an older "
			      "kernel. 'cpucompat diff host kvm' lists all of "
			      "them.\n",
			      r->kvm_hidden);
}

static void json_side(struct cc_buf *b, const struct cc_set *s)
{
	char brand[64];
	unsigned fam, mod, step;

	cc_set_brand(s, brand);
	cc_buf_puts(b, "{\"name\": ");
	report_json_string(b, s->name);
	cc_buf_puts(b, ", \"kind\": ");
	report_json_string(b, s->kind == CC_KIND_PROFILE ? "profile" : "dump");
	cc_buf_puts(b, ", \"vendor\": ");
	report_json_string(b, s->vendor_id[0] ? s->vendor_id : NULL);
	cc_buf_puts(b, ", \"model\": ");
	report_json_string(b, brand[0] ? brand : cc_set_meta(s, "comment"));
	if (cc_set_fms(s, &fam, &mod, &step) == 0)
		cc_buf_printf(b, ", \"family\": %u, \"model_number\": %u, "
				 "\"stepping\": %u",
			      fam, mod, step);
	cc_buf_puts(b, "}");
}

static void json_finding(struct cc_buf *b, const struct cc_finding *f,
			 const struct report_opts *o)
{
	char pos[48];
	static const char *const status[] = {"different", "match",
					     "host-dependent"};

	cc_finding_position(f, pos, sizeof pos);
	cc_buf_printf(b, "{\"leaf\": %u, \"subleaf\": %u, \"register\": \"%s\", "
			 "\"bits\": [%u, %u], \"position\": \"%s\", \"name\": ",
		      f->leaf, f->subleaf, cc_reg_name((enum cc_reg)f->reg),
		      f->lo, f->hi, pos);
	report_json_string(b, f->field ? cc_field_spelling(f->field, o->names)
				       : NULL);
	cc_buf_printf(b, ", \"change\": \"%s\", \"severity\": \"%s\", "
			 "\"rule\": \"%s\", \"status\": \"%s\", ",
		      cc_change_name((enum cc_change)f->change),
		      cc_sev_name((enum cc_sev)f->severity),
		      cc_rule_name((enum cc_rule)f->rule), status[f->status]);
	if (f->src_known)
		cc_buf_printf(b, "\"source\": %u, ", f->src);
	else
		cc_buf_puts(b, "\"source\": null, ");
	if (f->dst_known)
		cc_buf_printf(b, "\"target\": %u, ", f->dst);
	else
		cc_buf_puts(b, "\"target\": null, ");
	cc_buf_puts(b, "\"category\": ");
	report_json_string(b, f->field ? cc_categories[f->field->category]
				       : NULL);
	cc_buf_puts(b, ", \"description\": ");
	report_json_string(b, f->field ? f->field->description : NULL);
	cc_buf_printf(b, ", \"kvm_hides\": %s, \"waived\": %s, \"waiver\": ",
		      f->kvm_hides ? "true" : "false",
		      f->waived ? "true" : "false");
	report_json_string(b, f->waived ? (f->waiver ? f->waiver : "") : NULL);
	cc_buf_puts(b, "}");
}

void report_json(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o)
{
	size_t i;
	int first = 1;

	cc_buf_printf(b, "{\n  \"schema\": \"cpucompat-report/1\",\n"
			 "  \"command\": \"%s\",\n  \"verdict\": \"%s\",\n"
			 "  \"vendor_mismatch\": %s,\n  \"source\": ",
		      o->command, cc_verdict_name(r->verdict),
		      r->vendor_mismatch ? "true" : "false");
	json_side(b, r->src);
	cc_buf_puts(b, ",\n  \"target\": ");
	json_side(b, r->dst);
	cc_buf_printf(b, ",\n  \"summary\": {\"incompatible\": %zu, "
			 "\"warning\": %zu, \"info\": %zu, \"waived\": %zu, "
			 "\"host_dependent\": %zu, \"matched\": %zu},\n"
			 "  \"findings\": [",
		      r->count[CC_SEV_INCOMPATIBLE], r->count[CC_SEV_WARNING],
		      r->count[CC_SEV_INFO], r->waived, r->host_dependent,
		      r->matched);
	for (i = 0; i < r->n; i++) {
		if (r->findings[i].status != CC_STATUS_DIFFERENT)
			continue;
		cc_buf_puts(b, first ? "\n    " : ",\n    ");
		first = 0;
		json_finding(b, &r->findings[i], o);
	}
	cc_buf_puts(b, first ? "]" : "\n  ]");
	if (o->all) {
		first = 1;
		cc_buf_puts(b, ",\n  \"matches\": [");
		for (i = 0; i < r->n; i++) {
			if (r->findings[i].status == CC_STATUS_DIFFERENT)
				continue;
			cc_buf_puts(b, first ? "\n    " : ",\n    ");
			first = 0;
			json_finding(b, &r->findings[i], o);
		}
		cc_buf_puts(b, first ? "]" : "\n  ]");
	}
	cc_buf_puts(b, "\n}\n");
}

static int cmp_position(const void *x, const void *y)
{
	const struct cc_finding *a = *(const struct cc_finding *const *)x;
	const struct cc_finding *b = *(const struct cc_finding *const *)y;

	if (a->leaf != b->leaf)
		return a->leaf < b->leaf ? -1 : 1;
	if (a->subleaf != b->subleaf)
		return a->subleaf < b->subleaf ? -1 : 1;
	if (a->reg != b->reg)
		return a->reg < b->reg ? -1 : 1;
	return (a->lo > b->lo) - (a->lo < b->lo);
}

static int same_group(const struct cc_finding *a, const struct cc_finding *b)
{
	return a->leaf == b->leaf && a->subleaf == b->subleaf && a->reg == b->reg;
}

/* One testcase per (leaf, subleaf, register) the report compared: the
 * findings, sorted by position, are walked once group by group. */
void report_junit(struct cc_buf *b, const struct cc_report *r,
		  const struct report_opts *o)
{
	struct cc_buf cases;
	const struct cc_finding **by = cc_xmalloc((r->n ? r->n : 1) * sizeof *by);
	size_t i, j, k, tests = 0, failures = 0, skipped = 0;
	char sl[96], dl[96];

	for (i = 0; i < r->n; i++)
		by[i] = &r->findings[i];
	qsort(by, r->n, sizeof *by, cmp_position);
	cc_buf_init(&cases);
	for (i = 0; i < r->n; i = j) {
		const struct cc_finding *g = by[i];
		size_t fails = 0, hostdep = 0;
		char name[64];

		for (j = i; j < r->n && same_group(by[j], g); j++) {
			if (by[j]->status == CC_STATUS_HOSTDEP)
				hostdep++;
			if (by[j]->status == CC_STATUS_DIFFERENT &&
			    !by[j]->waived &&
			    by[j]->severity == CC_SEV_INCOMPATIBLE)
				fails++;
		}
		snprintf(name, sizeof name,
			 g->leaf < 10 ? "CPUID.(%u,%u).%s" : "CPUID.(0x%x,%u).%s",
			 g->leaf, g->subleaf, cc_reg_name((enum cc_reg)g->reg));
		tests++;
		cc_buf_printf(&cases,
			      "    <testcase classname=\"cpucompat.%s\" "
			      "name=\"%s\">\n",
			      o->command, name);
		if (fails) {
			failures++;
			cc_buf_printf(&cases,
				      "      <failure type=\"incompatible\" "
				      "message=\"%zu incompatible field%s\">",
				      fails, fails == 1 ? "" : "s");
			for (k = i; k < j; k++) {
				const struct cc_finding *f = by[k];
				char pos[48], sv[32], dv[32], nm[40];
				struct cc_buf line;

				if (f->status != CC_STATUS_DIFFERENT)
					continue;
				cc_finding_position(f, pos, sizeof pos);
				report_value(f, 0, sv, sizeof sv);
				report_value(f, 1, dv, sizeof dv);
				cc_buf_init(&line);
				cc_buf_printf(&line, "%s %s %s: %s -> %s%s (%s)\n",
					      cc_sev_name((enum cc_sev)f->severity),
					      fname(f, o, nm, sizeof nm), pos, sv,
					      dv, f->waived ? " [waived]" : "",
					      f->field ? f->field->description
						       : "unnamed bit");
				report_xml_string(&cases, line.data);
				cc_buf_free(&line);
			}
			cc_buf_puts(&cases, "</failure>\n");
		} else if (hostdep == j - i) {
			skipped++;
			cc_buf_puts(&cases, "      <skipped message=\"left to "
					    "the host by a profile\"/>\n");
		}
		cc_buf_puts(&cases, "    </testcase>\n");
	}
	free(by);
	report_set_label(r->src, sl, sizeof sl);
	report_set_label(r->dst, dl, sizeof dl);
	cc_buf_puts(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		       "  <testsuite name=\"");
	cc_buf_printf(b, "cpucompat %s ", o->command);
	report_xml_string(b, sl);
	cc_buf_puts(b, " -&gt; ");
	report_xml_string(b, dl);
	cc_buf_printf(b, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
			 "skipped=\"%zu\">\n",
		      tests + 1, failures + (r->vendor_mismatch ? 1 : 0),
		      skipped);
	cc_buf_printf(b, "    <testcase classname=\"cpucompat.%s\" "
			 "name=\"vendor\">\n",
		      o->command);
	if (r->vendor_mismatch) {
		cc_buf_puts(b, "      <failure type=\"vendor\" message=\"vendor "
			       "mismatch\">");
		report_xml_string(b, r->src->vendor_id);
		cc_buf_puts(b, " -&gt; ");
		report_xml_string(b, r->dst->vendor_id);
		cc_buf_puts(b, "</failure>\n");
	}
	cc_buf_puts(b, "    </testcase>\n");
	cc_buf_add(b, cases.data ? cases.data : "", cases.len);
	cc_buf_puts(b, "  </testsuite>\n</testsuites>\n");
	cc_buf_free(&cases);
}
