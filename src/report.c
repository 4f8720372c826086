/*
 * Report renderers: see report.h.  Each reads the report alone: the
 * findings, the counts and the two sides' descriptions.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest.h"
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

void report_xml_string(struct cc_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			cc_buf_puts(b, "&lt;");
			break;
		case '>':
			cc_buf_puts(b, "&gt;");
			break;
		case '&':
			cc_buf_puts(b, "&amp;");
			break;
		case '"':
			cc_buf_puts(b, "&quot;");
			break;
		case '\'':
			cc_buf_puts(b, "&apos;");
			break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\n' ||
			    *s == '\t')
				cc_buf_add(b, s, 1);
		}
	}
}

void report_value(const struct cc_finding *f, int target, char *out, size_t n)
{
	uint32_t v = target ? f->dst : f->src;
	uint32_t k = target ? f->dst_known : f->src_known;
	uint32_t full = (f->hi - f->lo == 31)
				? UINT32_MAX
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

static const char *fname(const struct cc_finding *f,
			 const struct report_opts *o, char *buf, size_t n)
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
		cc_buf_puts(b, symmetric ? "values differ"
					 : "target value is lower");
	else if (f->rule == CC_RULE_LE)
		cc_buf_puts(b, symmetric ? "values differ"
					 : "target value is higher");
	else
		cc_buf_puts(b, "values differ");
}

/* Append TEXT word-wrapped to 80 columns, the first line indented by
 * FIRST and the others by MORE. */
static void wrap(struct cc_buf *b, const char *text, size_t first, size_t more)
{
	size_t colm = first;
	const char *p = text;

	cc_buf_printf(b, "%*s", (int)first, "");
	while (*p) {
		size_t w = strcspn(p, " ");

		if (colm > more && colm + 1 + w > 80) {
			cc_buf_printf(b, "\n%*s", (int)more, "");
			colm = more;
		} else if (colm > first) {
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

/* The hint a report prints for F: only the guest view prints hints; a
 * feature the CPU has but KVM does not offer gets the KVM hint. */
static const char *finding_hint(const struct cc_report *r,
				const struct cc_finding *f)
{
	if (r->view != CC_VIEW_GUEST)
		return NULL;
	if (f->kvm_hides && r->kvm_hides_hint != NULL)
		return r->kvm_hides_hint;
	return f->hint;
}

/* The report of F when F is the one finding of a vendor mismatch (guest
 * view), else NULL. */
static const struct cc_report *vendor_of(const struct cc_report *r,
					 const struct cc_finding *f)
{
	return cc_report_is_vendor(r, f) ? r : NULL;
}

static void text_finding(struct cc_buf *b, const struct cc_report *r,
			 const struct cc_finding *f,
			 const struct report_opts *o, const char *hint,
			 const struct cc_report *vendor)
{
	int symmetric = r->symmetric;
	char name[40], pos[48], sv[32], dv[32];
	const char *c = f->severity == CC_SEV_INCOMPATIBLE ? C_RED
			: f->severity == CC_SEV_WARNING    ? C_YEL
							   : "";

	const char *nm;
	size_t width;

	cc_finding_position(f, pos, sizeof pos);
	report_value(f, 0, sv, sizeof sv);
	report_value(f, 1, dv, sizeof dv);
	nm = fname(f, o, name, sizeof name);
	if (vendor != NULL) {
		/* the one finding of a vendor mismatch, as people say it */
		nm = "vendor";
		snprintf(pos, sizeof pos, "CPUID.(0,0).EBX,EDX,ECX");
		snprintf(sv, sizeof sv, "%s", vendor->source.vendor_id);
		snprintf(dv, sizeof dv, "%s", vendor->target.vendor_id);
	}
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
	if (f->change == CC_CHANGE_STANCE) {
		char meaning[256];

		cc_finding_meaning(r, f, nm, meaning, sizeof meaning);
		wrap(b, meaning, 6, 6);
	}
	if (vendor != NULL) {
		wrap(b,
		     "The CPU vendor: a guest cannot move between CPU "
		     "vendors",
		     6, 6);
	} else if (f->field != NULL && f->kvm_hides) {
		struct cc_buf t;

		cc_buf_init(&t);
		cc_buf_printf(&t, "%s [the CPU has it, KVM hides it]",
			      f->field->description);
		wrap(b, t.data, 6, 6);
		cc_buf_free(&t);
	} else if (f->field != NULL) {
		wrap(b, f->field->description, 6, 6);
	} else {
		struct cc_buf t;

		cc_buf_init(&t);
		cc_buf_puts(&t, "no known meaning; ");
		what_happens(&t, f, symmetric);
		wrap(b, t.data, 6, 6);
		cc_buf_free(&t);
	}
	if (hint != NULL) {
		struct cc_buf t;

		cc_buf_init(&t);
		cc_buf_printf(&t, "hint: %s", hint);
		wrap(b, t.data, 6, 6);
		cc_buf_free(&t);
	}
	if (o->color)
		cc_buf_puts(b, C_OFF);
}

/* "  source: TITLE (ORIGIN)" within 80 columns: ORIGIN (the file or spec
 * the side came from) moves to its own line when long, and keeps only its
 * tail when longer than a line; it is left out when it is the title. */
static void side_line(struct cc_buf *b, const char *role,
		      const struct cc_report_side *side)
{
	const char *title = cc_report_side_title(side);
	const char *origin = side->origin;
	size_t n = strlen(origin);

	cc_buf_printf(b, "  %s: %s", role, title);
	if (strcmp(title, origin) != 0) {
		if (4 + strlen(role) + strlen(title) + n + 3 <= 80)
			cc_buf_printf(b, " (%s)", origin);
		else if (n <= 70)
			cc_buf_printf(b, "\n          %s", origin);
		else
			cc_buf_printf(b, "\n          ...%s", origin + n - 67);
	}
	cc_buf_puts(b, "\n");
}

/* What losing findings of consequence C costs, for people (N of them). */
static const char *conseq_label(int c, size_t n)
{
	static const char *const one[] = {
		"instruction-set feature", "state component", "mitigation",
		"capacity limit",          "identity field",  "other field"};
	static const char *const many[] = {
		"instruction-set features", "state components", "mitigations",
		"capacity limits",          "identity fields",  "other fields"};

	return c < 0 || c >= CC_NCONSEQ ? "" : n == 1 ? one[c] : many[c];
}

/* Does F block (or, in a diff, count as a blocking difference)? */
static int blocking(const struct cc_finding *f)
{
	return f->status == CC_STATUS_DIFFERENT && !f->unseen && !f->waived &&
	       !f->folded && f->severity == CC_SEV_INCOMPATIBLE;
}

/* The line after the verdict, in the guest view: what blocks, summed up
 * by consequence ("blocks: 2 instruction-set features (avx512_vnni, ...),
 * 4 mitigations (md_clear, ...)"); the blocking findings come first, in
 * consequence order. */
void report_blocks(struct cc_buf *t, const struct cc_report *r,
		   const struct report_opts *o)
{
	size_t i = 0, k, folded = 0;
	char name[40];

	cc_buf_puts(t, r->symmetric ? "differs:" : "blocks:");
	for (k = 0; k < r->n; k++)
		folded += r->findings[k].folded && !r->findings[k].waived;
	if (r->vendor_mismatch && !r->symmetric)
		cc_buf_printf(t,
			      " the vendor (%s -> %s), with %zu further "
			      "difference%s folded under it",
			      r->source.vendor_id, r->target.vendor_id, folded,
			      folded == 1 ? "" : "s");
	while (!(r->vendor_mismatch && !r->symmetric) && i < r->n &&
	       blocking(&r->findings[i])) {
		int c = r->findings[i].consequence;

		for (k = i; k < r->n && blocking(&r->findings[k]) &&
			    r->findings[k].consequence == c;
		     k++)
			;
		cc_buf_printf(t, "%s %zu %s (%s%s)", i ? "," : "", k - i,
			      conseq_label(c, k - i),
			      fname(&r->findings[i], o, name, sizeof name),
			      k - i > 1 ? ", ..." : "");
		i = k;
	}
	if (i == 0 && !(r->vendor_mismatch && !r->symmetric))
		cc_buf_puts(t, " nothing");
}

static void blocks_line(struct cc_buf *b, const struct cc_report *r,
			const struct report_opts *o)
{
	struct cc_buf t;

	cc_buf_init(&t);
	report_blocks(&t, r, o);
	wrap(b, t.data, 0, 4);
	cc_buf_free(&t);
}

static void header(struct cc_buf *b, const struct cc_report *r,
		   const struct report_opts *o)
{
	const char *vc;

	vc = r->verdict == CC_VERDICT_INCOMPATIBLE ? C_RED : C_GRN;
	cc_buf_printf(b, "%s%s%s", col(o, C_BOLD), col(o, vc),
		      r->symmetric ? (r->verdict == CC_VERDICT_IDENTICAL
					      ? "IDENTICAL"
				      : cc_report_equal_for_guests(r)
					      ? "IDENTICAL FOR GUESTS"
					      : "DIFFERENT")
				   : (r->verdict == CC_VERDICT_INCOMPATIBLE
					      ? "INCOMPATIBLE"
				      : r->verdict == CC_VERDICT_COMPATIBLE
					      ? "COMPATIBLE"
					      : "IDENTICAL"));
	cc_buf_printf(b, "%s", col(o, C_OFF));
	if (r->symmetric && r->verdict == CC_VERDICT_IDENTICAL)
		cc_buf_puts(b, ": the two CPUID sets are the same\n");
	else if (r->symmetric && cc_report_equal_for_guests(r))
		cc_buf_puts(b,
			    ": the sets differ only where no KVM guest "
			    "looks\n");
	else if (r->symmetric && r->failing == 0 && r->waived > 0)
		cc_buf_puts(b,
			    ": the two CPUID sets differ; every difference "
			    "that counts is waived\n");
	else if (r->symmetric)
		cc_buf_puts(b, ": the two CPUID sets differ\n");
	else if (r->vendor_mismatch)
		cc_buf_printf(b,
			      ": vendor mismatch, %s -> %s; a guest cannot "
			      "move between CPU vendors\n",
			      r->source.vendor_id, r->target.vendor_id);
	else if (r->source.kind == CC_KIND_PROFILE)
		cc_buf_puts(b,
			    r->verdict == CC_VERDICT_INCOMPATIBLE
				    ? ": the target cannot run guests of this "
				      "profile\n"
				    : ": the target can run guests of this "
				      "profile\n");
	else if (r->verdict == CC_VERDICT_INCOMPATIBLE)
		cc_buf_puts(b,
			    ": a guest started on the source cannot safely "
			    "run on the target\n");
	else
		cc_buf_puts(b,
			    ": a guest started on the source can run on the "
			    "target\n");
	if (r->view == CC_VIEW_GUEST)
		blocks_line(b, r, o);
	side_line(b, r->symmetric ? "A" : "source", &r->source);
	side_line(b, r->symmetric ? "B" : "target", &r->target);
	if (r->view == CC_VIEW_GUEST)
		cc_buf_printf(b,
			      "  view:   what a KVM guest sees, by the KVM "
			      "rules of %s\n",
			      r->kvm_rules);
}

/* Compact list of names, each once, wrapped at 78 columns; a name found
 * in N places (one field in several subleaves) reads "NAME (xN)", so the
 * list accounts for every finding its heading counts. */
static void name_list(struct cc_buf *b, const struct cc_report *r, size_t from,
		      size_t to, const struct report_opts *o)
{
	size_t i, k, times, len, colm = 4;
	char name[40], other[40], item[72];
	int first = 1;

	cc_buf_puts(b, "    ");
	for (i = from; i < to; i++) {
		const char *n = fname(&r->findings[i], o, name, sizeof name);

		for (k = from; k < i; k++)
			if (strcmp(fname(&r->findings[k], o, other,
					 sizeof other),
				   n) == 0)
				break;
		if (k < i)
			continue;
		for (times = 1, k = i + 1; k < to; k++)
			times += strcmp(fname(&r->findings[k], o, other,
					      sizeof other),
					n) == 0;
		if (times > 1)
			snprintf(item, sizeof item, "%s (x%zu)", n, times);
		else
			snprintf(item, sizeof item, "%s", n);
		len = strlen(item) + 2;
		if (!first)
			cc_buf_puts(b, ",");
		if (!first && colm + len > 78) {
			cc_buf_puts(b, "\n    ");
			colm = 4;
		} else if (!first) {
			cc_buf_puts(b, " ");
		}
		cc_buf_puts(b, item);
		colm += len;
		first = 0;
	}
	cc_buf_puts(b, "\n");
}

/* The findings of severity SEV that are neither waived nor matches,
 * starting at *I (the findings are sorted that way), under their heading
 * and grouped by leaf; *I moves past them. */
static void text_section(struct cc_buf *b, const struct cc_report *r, int sev,
			 size_t *i, const struct report_opts *o)
{
	size_t start = *i, end, k;
	uint32_t leaf = UINT32_MAX, sub = UINT32_MAX;
	const char *hint;

	while (*i < r->n && r->findings[*i].status == CC_STATUS_DIFFERENT &&
	       !r->findings[*i].waived && !r->findings[*i].unseen &&
	       !r->findings[*i].folded && r->findings[*i].severity == sev)
		(*i)++;
	end = *i;
	if (start == end)
		return;
	cc_buf_printf(b, "\n%s (%zu):\n",
		      sev_heading((enum cc_sev)sev, r->symmetric), end - start);
	if (sev == CC_SEV_INFO && !o->all) {
		name_list(b, r, start, end, o);
		return;
	}
	for (k = start; k < end; k++) {
		const struct cc_finding *f = &r->findings[k];

		if (r->view == CC_VIEW_GUEST) {
			if (k == start ||
			    f->consequence != r->findings[k - 1].consequence)
				cc_buf_printf(b, " %s%s%s\n", col(o, C_DIM),
					      conseq_label(f->consequence, 2),
					      col(o, C_OFF));
		} else if (f->leaf != leaf || f->subleaf != sub) {
			leaf = f->leaf;
			sub = f->subleaf;
			if (CC_IS_MSR(leaf))
				cc_buf_printf(b, " %sMSR %#x%s\n",
					      col(o, C_DIM), sub,
					      col(o, C_OFF));
			else
				cc_buf_printf(b, " %sleaf %#x, subleaf %u%s\n",
					      col(o, C_DIM), leaf, sub,
					      col(o, C_OFF));
		}
		hint = finding_hint(r, f);
		/* a run of findings with one hint shows it once per group */
		text_finding(b, r, f, o,
			     k > start && hint == finding_hint(r, f - 1) &&
					     f->consequence == f[-1].consequence
				     ? NULL
				     : hint,
			     vendor_of(r, f));
	}
}

/* --all: one line per matching or host-dependent field. */
static void text_matches(struct cc_buf *b, const struct cc_report *r,
			 const struct report_opts *o)
{
	size_t k;
	int any = 0;

	for (k = 0; k < r->n; k++) {
		const struct cc_finding *f = &r->findings[k];
		char name[40], pos[48], sv[32], dv[32];

		if (f->status == CC_STATUS_DIFFERENT)
			continue;
		if (!any)
			cc_buf_puts(b,
				    "\nMatching and host-dependent fields:\n");
		any = 1;
		cc_finding_position(f, pos, sizeof pos);
		report_value(f, 0, sv, sizeof sv);
		report_value(f, 1, dv, sizeof dv);
		cc_buf_printf(b, "  %c %-20s %-26s %s -> %s\n",
			      f->status == CC_STATUS_MATCH ? '=' : '?',
			      fname(f, o, name, sizeof name), pos, sv, dv);
	}
}

/* The waivers that accepted nothing, so stale ones do not pile up. */
static void text_unused(struct cc_buf *b, const struct cc_report *r,
			const struct report_opts *o)
{
	size_t i;

	if (r->unused_waivers == 0)
		return;
	cc_buf_printf(b, "\nUnused waivers (%zu, accepted nothing%s):\n",
		      r->unused_waivers,
		      o->strict_waivers ? "; --strict-waivers fails on them"
					: "");
	for (i = 0; i < r->nwaivers; i++) {
		const struct cc_waiver *w = &r->waivers[i];

		if (r->waiver_hits[i] != 0)
			continue;
		cc_buf_printf(b, "  %-20s %s", w->name, w->where);
		if (strcmp(w->reason, w->where) != 0)
			cc_buf_printf(b, ": %s", w->reason);
		cc_buf_puts(b, "\n");
	}
}

/* Which side carries no feature MSRs when only one does ("source",
 * "target"), else NULL: the MSR features were compared, or neither side
 * has any. */
static const char *msrs_unjudged_side(const struct cc_report *r)
{
	return r->msrs_unjudged == 1   ? "target"
	       : r->msrs_unjudged == 2 ? "source"
				       : NULL;
}

/* The summary line, the note on feature MSRs left uncompared and the
 * note on features KVM hides. */
static void text_summary(struct cc_buf *b, const struct cc_report *r)
{
	cc_buf_printf(b,
		      "\nSummary: %zu incompatible, %zu warning%s, %zu info, "
		      "%zu waived; %zu left to the host",
		      r->count[CC_SEV_INCOMPATIBLE], r->count[CC_SEV_WARNING],
		      r->count[CC_SEV_WARNING] == 1 ? "" : "s",
		      r->count[CC_SEV_INFO], r->waived, r->host_dependent);
	if (r->view == CC_VIEW_GUEST) {
		/* the longer guest line wraps at 80 columns */
		struct cc_buf t;
		size_t at = b->len - 1; /* the "\nSummary" line's start */

		while (at > 0 && b->data[at - 1] != '\n')
			at--;
		cc_buf_init(&t);
		cc_buf_printf(&t, "%s; %zu not visible to KVM guests.",
			      b->data + at, r->unseen);
		b->len = at;
		b->data[at] = '\0';
		wrap(b, t.data, 0, 4);
		cc_buf_free(&t);
	} else {
		cc_buf_puts(b, ".\n");
	}
	if (r->msrs_unjudged)
		cc_buf_printf(b,
			      "MSR features not compared: the %s carries "
			      "none.\n",
			      msrs_unjudged_side(r));
	if (r->kvm_hidden)
		cc_buf_printf(
			b,
			"\nNote: %zu of the missing features are on this CPU, "
			"but KVM does not offer\nthem to guests. Typical "
			"causes: this machine is itself a guest (nested\n"
			"KVM sees only what the outer hypervisor "
			"passes on), a kvm module parameter,\nor an older "
			"kernel. 'cpucompat diff host kvm' lists all of "
			"them.\n",
			r->kvm_hidden);
}

/* The guest view's tail: waived, what folds under a vendor mismatch, and
 * the differences no KVM guest can see, collapsed to one line (listed
 * with --all), from finding *I on. */
static void text_guest_tail(struct cc_buf *b, const struct cc_report *r,
			    size_t i, const struct report_opts *o)
{
	size_t start, n;

	if (r->waived)
		cc_buf_printf(
			b, "\nWaived (%zu, accepted by --ignore/--waivers):\n",
			r->waived);
	for (; i < r->n && r->findings[i].status == CC_STATUS_DIFFERENT &&
	       !r->findings[i].unseen && !r->findings[i].folded;
	     i++)
		text_finding(b, r, &r->findings[i], o,
			     finding_hint(r, &r->findings[i]),
			     vendor_of(r, &r->findings[i]));
	for (start = i;
	     i < r->n && r->findings[i].status == CC_STATUS_DIFFERENT &&
	     !r->findings[i].unseen;
	     i++)
		;
	if (i > start && o->all) {
		cc_buf_printf(b, "\nFolded under the vendor mismatch (%zu):\n",
			      i - start);
		for (n = start; n < i; n++)
			text_finding(b, r, &r->findings[n], o, NULL, NULL);
	} else if (i > start) {
		cc_buf_printf(b,
			      "\nFolded under the vendor mismatch: %zu "
			      "difference%s; --all lists them\n",
			      i - start, i - start == 1 ? "" : "s");
	}
	for (start = i;
	     i < r->n && r->findings[i].status == CC_STATUS_DIFFERENT; i++)
		;
	if (i > start) {
		cc_buf_printf(b,
			      "\nNot visible to KVM guests: %zu difference%s; "
			      "--view raw lists them\n",
			      i - start, i - start == 1 ? "" : "s");
		if (o->all)
			name_list(b, r, start, i, o);
	}
}

void report_text(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o)
{
	size_t i = 0;
	int sev;

	header(b, r, o);
	if (r->view == CC_VIEW_GUEST) {
		for (sev = CC_SEV_INCOMPATIBLE; sev >= CC_SEV_INFO; sev--)
			text_section(b, r, sev, &i, o);
		text_guest_tail(b, r, i, o);
		text_unused(b, r, o);
		if (o->all)
			text_matches(b, r, o);
		text_summary(b, r);
		return;
	}
	for (sev = CC_SEV_INCOMPATIBLE; sev >= CC_SEV_INFO; sev--)
		text_section(b, r, sev, &i, o);
	if (r->waived) {
		cc_buf_printf(
			b, "\nWaived (%zu, accepted by --ignore/--waivers):\n",
			r->waived);
		for (; i < r->n && r->findings[i].status == CC_STATUS_DIFFERENT;
		     i++)
			text_finding(b, r, &r->findings[i], o,
				     finding_hint(r, &r->findings[i]), NULL);
	}
	text_unused(b, r, o);
	if (o->all)
		text_matches(b, r, o);
	text_summary(b, r);
}

static void json_side(struct cc_buf *b, const struct cc_report_side *s)
{
	cc_buf_puts(b, "{\"name\": ");
	cc_json_put_string(b, s->name);
	cc_buf_puts(b, ", \"origin\": ");
	cc_json_put_string(b, s->origin);
	cc_buf_puts(b, ", \"kind\": ");
	cc_json_put_string(b, s->kind == CC_KIND_PROFILE ? "profile" : "dump");
	cc_buf_puts(b, ", \"vendor\": ");
	cc_json_put_string(b, s->vendor_id[0] ? s->vendor_id : NULL);
	cc_buf_puts(b, ", \"model\": ");
	cc_json_put_string(b, s->model);
	if (s->has_fms)
		cc_buf_printf(b,
			      ", \"family\": %u, \"model_number\": %u, "
			      "\"stepping\": %u",
			      s->family, s->model_number, s->stepping);
	cc_buf_puts(b, "}");
}

static void json_finding(struct cc_buf *b, const struct cc_report *r,
			 const struct cc_finding *f,
			 const struct report_opts *o)
{
	char pos[48];
	static const char *const status[] = {"different", "match",
					     "host-dependent"};

	cc_finding_position(f, pos, sizeof pos);
	if (CC_IS_MSR(f->leaf)) {
		/* an MSR's bits count from bit 0 of EAX (EDX bit 0 is 32) */
		unsigned base = f->reg == CC_EDX ? 32 : 0;

		cc_buf_printf(b,
			      "{\"msr\": \"%#x\", \"bits\": [%u, %u], "
			      "\"position\": \"%s\", \"name\": ",
			      f->subleaf, base + f->lo, base + f->hi, pos);
	} else {
		cc_buf_printf(b,
			      "{\"leaf\": %u, \"subleaf\": %u, "
			      "\"register\": \"%s\", \"bits\": [%u, %u], "
			      "\"position\": \"%s\", \"name\": ",
			      f->leaf, f->subleaf,
			      cc_reg_name((enum cc_reg)f->reg), f->lo, f->hi,
			      pos);
	}
	cc_json_put_string(b, f->field ? cc_field_spelling(f->field, o->names)
				       : NULL);
	cc_buf_printf(b,
		      ", \"change\": \"%s\", \"severity\": \"%s\", "
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
	if (f->change == CC_CHANGE_STANCE)
		cc_buf_printf(b, "\"stance\": [\"%s\", \"%s\"], ",
			      cc_stance_name(cc_finding_stance(f, 0)),
			      cc_stance_name(cc_finding_stance(f, 1)));
	if (f->status == CC_STATUS_DIFFERENT) {
		char meaning[256], nm[40];

		cc_finding_meaning(r, f, fname(f, o, nm, sizeof nm), meaning,
				   sizeof meaning);
		cc_buf_puts(b, "\"meaning\": ");
		cc_json_put_string(b, meaning);
		cc_buf_printf(b, ", \"fails\": %s, ",
			      cc_finding_fails(r, f) ? "true" : "false");
	}
	cc_buf_puts(b, "\"category\": ");
	cc_json_put_string(b,
			   f->field ? cc_categories[f->field->category] : NULL);
	cc_buf_puts(b, ", \"description\": ");
	cc_json_put_string(b, f->field ? f->field->description : NULL);
	cc_buf_printf(b, ", \"kvm_hides\": %s, \"waived\": %s, \"waiver\": ",
		      f->kvm_hides ? "true" : "false",
		      f->waived ? "true" : "false");
	cc_json_put_string(b, f->waived ? (f->waiver ? f->waiver : "") : NULL);
	if (r->view == CC_VIEW_GUEST) {
		cc_buf_printf(b,
			      ", \"consequence\": \"%s\", \"guest\": \"%s\", "
			      "\"folded\": %s, \"hint\": ",
			      cc_conseq_names[f->consequence],
			      cc_unseen_name((enum cc_unseen)f->unseen),
			      f->folded ? "true" : "false");
		cc_json_put_string(b, finding_hint(r, f));
	}
	cc_buf_puts(b, "}");
}

/* Guest view: the view, its rules, and the blocking findings counted by
 * consequence, before "findings". */
static void json_guest_summary(struct cc_buf *b, const struct cc_report *r)
{
	size_t by[CC_NCONSEQ] = {0}, i;
	int c;

	for (i = 0; i < r->n; i++)
		if (blocking(&r->findings[i]))
			by[r->findings[i].consequence]++;
	cc_buf_puts(b, "  \"view\": \"guest\",\n  \"kvm_rules\": ");
	cc_json_put_string(b, r->kvm_rules);
	cc_buf_printf(b, ",\n  \"not_visible\": %zu,\n  \"blocks\": {",
		      r->unseen);
	for (c = 0; c < CC_NCONSEQ; c++)
		cc_buf_printf(b, "%s\"%s\": %zu", c ? ", " : "",
			      cc_conseq_names[c], by[c]);
	cc_buf_puts(b, "},\n");
}

void report_json(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o)
{
	size_t i;
	int first = 1;

	cc_buf_printf(b,
		      "{\n  \"schema\": \"cpucompat-report/1\",\n"
		      "  \"command\": \"%s\",\n  \"verdict\": \"%s\",\n"
		      "  \"vendor_mismatch\": %s,\n  \"source\": ",
		      o->command, cc_verdict_name(r->verdict),
		      r->vendor_mismatch ? "true" : "false");
	json_side(b, &r->source);
	cc_buf_puts(b, ",\n  \"target\": ");
	json_side(b, &r->target);
	cc_buf_printf(b,
		      ",\n  \"summary\": {\"incompatible\": %zu, "
		      "\"warning\": %zu, \"info\": %zu, \"waived\": %zu, "
		      "\"host_dependent\": %zu, \"matched\": %zu},\n",
		      r->count[CC_SEV_INCOMPATIBLE], r->count[CC_SEV_WARNING],
		      r->count[CC_SEV_INFO], r->waived, r->host_dependent,
		      r->matched);
	cc_buf_printf(b,
		      "  \"exit_status\": %d,\n  \"equal_for_guests\": "
		      "%s,\n  \"msrs_not_compared\": ",
		      cc_report_exit(r, o->strict_waivers),
		      cc_report_equal_for_guests(r) ? "true" : "false");
	cc_json_put_string(b, msrs_unjudged_side(r));
	cc_buf_puts(b, ",\n  \"unused_waivers\": [");
	for (i = 0; i < r->nwaivers; i++) {
		if (r->waiver_hits[i] != 0)
			continue;
		cc_buf_puts(b,
			    first ? "\n    {\"name\": " : ",\n    {\"name\": ");
		first = 0;
		cc_json_put_string(b, r->waivers[i].name);
		cc_buf_puts(b, ", \"where\": ");
		cc_json_put_string(b, r->waivers[i].where);
		cc_buf_puts(b, ", \"reason\": ");
		cc_json_put_string(b, r->waivers[i].reason);
		cc_buf_puts(b, "}");
	}
	cc_buf_puts(b, first ? "],\n" : "\n  ],\n");
	first = 1;
	if (r->view == CC_VIEW_GUEST)
		json_guest_summary(b, r);
	cc_buf_puts(b, "  \"findings\": [");
	for (i = 0; i < r->n; i++) {
		if (r->findings[i].status != CC_STATUS_DIFFERENT)
			continue;
		cc_buf_puts(b, first ? "\n    " : ",\n    ");
		first = 0;
		json_finding(b, r, &r->findings[i], o);
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
			json_finding(b, r, &r->findings[i], o);
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
	return a->leaf == b->leaf && a->subleaf == b->subleaf &&
	       a->reg == b->reg;
}

/* The failure message of one group: every differing finding of
 * BY[FROM..TO), one line each, XML-escaped. */
static void junit_failure(struct cc_buf *b, const struct cc_report *r,
			  const struct cc_finding *const *by, size_t from,
			  size_t to, size_t fails, const struct report_opts *o)
{
	size_t k;

	cc_buf_printf(b,
		      "      <failure type=\"%s\" "
		      "message=\"%zu %s field%s\">",
		      r->symmetric ? "different" : "incompatible", fails,
		      r->symmetric ? "differing" : "incompatible",
		      fails == 1 ? "" : "s");
	for (k = from; k < to; k++) {
		const struct cc_finding *f = by[k];
		char pos[48], sv[32], dv[32], nm[40];
		const char *name;
		struct cc_buf line;

		if (f->status != CC_STATUS_DIFFERENT || f->unseen)
			continue;
		cc_finding_position(f, pos, sizeof pos);
		report_value(f, 0, sv, sizeof sv);
		report_value(f, 1, dv, sizeof dv);
		cc_buf_init(&line);
		name = fname(f, o, nm, sizeof nm);
		cc_buf_printf(&line, "%s %s %s: %s -> %s%s",
			      cc_sev_name((enum cc_sev)f->severity), name, pos,
			      sv, dv, f->waived ? " [waived]" : "");
		if (f->change == CC_CHANGE_STANCE) {
			char meaning[256];

			cc_finding_meaning(r, f, name, meaning, sizeof meaning);
			cc_buf_printf(&line, ": %s", meaning);
		}
		cc_buf_printf(&line, " (%s)\n",
			      f->field ? f->field->description : "unnamed bit");
		report_xml_string(b, line.data);
		cc_buf_free(&line);
	}
	cc_buf_puts(b, "</failure>\n");
}

/* A group whose only differences are waived: listed, so a waiver never
 * hides a difference, as <system-out>. */
static void junit_waived(struct cc_buf *b, const struct cc_finding *const *by,
			 size_t from, size_t to, const struct report_opts *o)
{
	size_t k;

	cc_buf_puts(b, "      <system-out>");
	for (k = from; k < to; k++) {
		const struct cc_finding *f = by[k];
		char pos[48], sv[32], dv[32], nm[40];
		struct cc_buf line;

		if (!f->waived)
			continue;
		cc_finding_position(f, pos, sizeof pos);
		report_value(f, 0, sv, sizeof sv);
		report_value(f, 1, dv, sizeof dv);
		cc_buf_init(&line);
		cc_buf_printf(&line, "waived %s %s: %s -> %s (%s)\n",
			      fname(f, o, nm, sizeof nm), pos, sv, dv,
			      f->waiver ? f->waiver : "");
		report_xml_string(b, line.data);
		cc_buf_free(&line);
	}
	cc_buf_puts(b, "</system-out>\n");
}

/* A testcase "waivers" when the diff had any: a failure under
 * --strict-waivers when some accepted nothing, else their list. */
static void junit_waivers(struct cc_buf *b, const struct cc_report *r,
			  const struct report_opts *o, size_t *failures)
{
	size_t i;

	if (r->nwaivers == 0)
		return;
	cc_buf_printf(b,
		      "    <testcase classname=\"cpucompat.%s\" "
		      "name=\"waivers\">\n",
		      o->command);
	if (r->unused_waivers == 0) {
		cc_buf_puts(b, "    </testcase>\n");
		return;
	}
	if (o->strict_waivers) {
		(*failures)++;
		cc_buf_printf(b,
			      "      <failure type=\"unused-waiver\" "
			      "message=\"%zu unused waiver%s\">",
			      r->unused_waivers,
			      r->unused_waivers == 1 ? "" : "s");
	} else {
		cc_buf_puts(b, "      <system-out>");
	}
	for (i = 0; i < r->nwaivers; i++) {
		struct cc_buf line;

		if (r->waiver_hits[i] != 0)
			continue;
		cc_buf_init(&line);
		cc_buf_printf(&line, "unused waiver %s (%s): %s\n",
			      r->waivers[i].name, r->waivers[i].where,
			      r->waivers[i].reason);
		report_xml_string(b, line.data);
		cc_buf_free(&line);
	}
	cc_buf_puts(b, o->strict_waivers ? "</failure>\n" : "</system-out>\n");
	cc_buf_puts(b, "    </testcase>\n");
}

struct junit_counts {
	size_t tests, failures, skipped;
};

/* A run of findings of one (leaf, subleaf, register), and its rank: the
 * guest view lists failing groups first, by their first consequence. */
struct junit_group {
	size_t from, to, fails, hostdep, waived;
	int rank;
};

static int cmp_group(const void *x, const void *y)
{
	const struct junit_group *a = x, *b = y;

	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	return (a->from > b->from) - (a->from < b->from);
}

/* One testcase per (leaf, subleaf, register) the report compared, into
 * B: the findings, sorted by position, are walked once group by group. */
static void junit_cases(struct cc_buf *b, const struct cc_report *r,
			const struct report_opts *o, struct junit_counts *c)
{
	const struct cc_finding **by =
		cc_xmalloc((r->n ? r->n : 1) * sizeof *by);
	struct junit_group *gs = cc_xcalloc(r->n ? r->n : 1, sizeof *gs);
	size_t i, j, ng = 0, k;

	for (i = 0; i < r->n; i++)
		by[i] = &r->findings[i];
	qsort(by, r->n, sizeof *by, cmp_position);
	for (i = 0; i < r->n; i = j) {
		struct junit_group *g = &gs[ng++];

		g->from = i;
		g->rank = CC_NCONSEQ;
		for (j = i; j < r->n && same_group(by[j], by[i]); j++) {
			if (by[j]->status == CC_STATUS_HOSTDEP)
				g->hostdep++;
			if (by[j]->waived)
				g->waived++;
			if (cc_finding_fails(r, by[j])) {
				g->fails++;
				if (by[j]->consequence < g->rank)
					g->rank = by[j]->consequence;
			}
		}
		g->to = j;
		if (r->view != CC_VIEW_GUEST)
			g->rank = 0;
	}
	qsort(gs, ng, sizeof *gs, cmp_group);
	for (k = 0; k < ng; k++) {
		const struct junit_group *g = &gs[k];
		const struct cc_finding *f = by[g->from];
		char name[64];

		if (CC_IS_MSR(f->leaf)) /* "MSR 0x10a[31:0]" */
			cc_pos_format(name, sizeof name, CC_POS_MANUAL, f->leaf,
				      f->subleaf, f->reg, -1, -1);
		else
			snprintf(name, sizeof name,
				 f->leaf < 10 ? "CPUID.(%u,%u).%s"
					      : "CPUID.(0x%x,%u).%s",
				 f->leaf, f->subleaf,
				 cc_reg_name((enum cc_reg)f->reg));
		c->tests++;
		cc_buf_printf(b,
			      "    <testcase classname=\"cpucompat.%s\" "
			      "name=\"%s\">\n",
			      o->command, name);
		if (g->fails) {
			c->failures++;
			junit_failure(b, r, by, g->from, g->to, g->fails, o);
		} else if (g->waived) {
			junit_waived(b, by, g->from, g->to, o);
		} else if (g->hostdep == g->to - g->from) {
			c->skipped++;
			cc_buf_puts(b,
				    "      <skipped message=\"left to "
				    "the host by a profile\"/>\n");
		}
		cc_buf_puts(b, "    </testcase>\n");
	}
	free(gs);
	free(by);
}

/* A side in the suite name: "TITLE (ORIGIN)", or TITLE when they agree. */
static void junit_side(struct cc_buf *b, const struct cc_report_side *side)
{
	const char *title = cc_report_side_title(side);

	report_xml_string(b, title);
	if (strcmp(title, side->origin) != 0) {
		cc_buf_puts(b, " (");
		report_xml_string(b, side->origin);
		cc_buf_puts(b, ")");
	}
}

void report_junit(struct cc_buf *b, const struct cc_report *r,
		  const struct report_opts *o)
{
	struct cc_buf cases;
	struct junit_counts c = {0, 0, 0};

	cc_buf_init(&cases);
	junit_cases(&cases, r, o, &c);
	junit_waivers(&cases, r, o, &c.failures);
	c.tests += r->nwaivers > 0;
	cc_buf_puts(b,
		    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
		    "  <testsuite name=\"");
	cc_buf_printf(b, "cpucompat %s ", o->command);
	junit_side(b, &r->source);
	cc_buf_puts(b, " -&gt; ");
	junit_side(b, &r->target);
	cc_buf_printf(b,
		      "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" "
		      "skipped=\"%zu\">\n",
		      c.tests + 1, c.failures + (r->vendor_mismatch ? 1 : 0),
		      c.skipped);
	if (r->view == CC_VIEW_GUEST) {
		cc_buf_puts(b,
			    "    <properties>\n      <property name=\"view\" "
			    "value=\"guest\"/>\n      <property "
			    "name=\"kvm_rules\" value=\"");
		report_xml_string(b, r->kvm_rules);
		cc_buf_printf(b,
			      "\"/>\n      <property name=\"not_visible\" "
			      "value=\"%zu\"/>\n    </properties>\n",
			      r->unseen);
	}
	cc_buf_printf(b,
		      "    <testcase classname=\"cpucompat.%s\" "
		      "name=\"vendor\">\n",
		      o->command);
	if (r->vendor_mismatch) {
		cc_buf_puts(b,
			    "      <failure type=\"vendor\" message=\"vendor "
			    "mismatch\">");
		report_xml_string(b, r->source.vendor_id);
		cc_buf_puts(b, " -&gt; ");
		report_xml_string(b, r->target.vendor_id);
		cc_buf_puts(b, "</failure>\n");
	}
	cc_buf_puts(b, "    </testcase>\n");
	cc_buf_add(b, cases.data ? cases.data : "", cases.len);
	cc_buf_puts(b, "  </testsuite>\n</testsuites>\n");
	cc_buf_free(&cases);
}
