/*
 * Renderers for code review: Markdown for a pull-request comment and
 * GitHub Actions workflow commands (annotations on the changed profile).
 * Both read the report alone, list the findings in the report's order
 * (deterministic bytes), say what each change means (cc_finding_meaning),
 * keep waived findings apart from the ones that count, list waivers that
 * accepted nothing, and end with the exit status the command returns
 * (cc_report_exit), so a reviewer reads the same verdict CI acts on.
 *
 * An annotation points at the line of the profile file where the
 * finding's leaf entry is defined.  The loaders keep no line numbers, so
 * report_entry_line finds it in the file's text, in one place: the native
 * format writes one entry per line beginning with '"leaf": "0x%08x",
 * "subleaf": N'.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "guest.h"
#include "report.h"

/* A finding's name as the report spells it, or its position. */
static const char *review_name(const struct cc_finding *f,
			       const struct report_opts *o, char *buf, size_t n)
{
	if (f->field != NULL)
		return cc_field_spelling(f->field, o->names);
	cc_finding_position(f, buf, n);
	return buf;
}

/* "|" and the characters CommonMark would read as markup, escaped for a
 * table cell; newlines become spaces. */
static void md_cell(struct cc_buf *b, const char *s)
{
	for (; *s; s++) {
		if (*s == '\n' || *s == '\r')
			cc_buf_puts(b, " ");
		else if (strchr("|\\`*[]<>#", *s) != NULL)
			cc_buf_printf(b, "\\%c", *s);
		else
			cc_buf_add(b, s, 1);
	}
}

/* Which findings a table lists: those that count, or the waived. */
enum md_rows { MD_FAILING, MD_OTHER, MD_WAIVED };

static int md_wanted(const struct cc_report *r, const struct cc_finding *f,
		     enum md_rows which)
{
	if (f->status != CC_STATUS_DIFFERENT || f->unseen || f->folded)
		return 0;
	switch (which) {
	case MD_FAILING:
		return cc_finding_fails(r, f);
	case MD_OTHER:
		return !f->waived && !cc_finding_fails(r, f);
	case MD_WAIVED:
		return f->waived;
	}
	return 0;
}

/* One table of findings under HEADING; nothing when it has no rows. */
static void md_table(struct cc_buf *b, const struct cc_report *r,
		     const struct report_opts *o, enum md_rows which,
		     const char *heading)
{
	size_t i, n = 0;

	for (i = 0; i < r->n; i++)
		n += md_wanted(r, &r->findings[i], which);
	if (n == 0)
		return;
	cc_buf_printf(b, "\n### %s (%zu)\n\n", heading, n);
	cc_buf_puts(b, which == MD_WAIVED
			       ? "| Field | Position | Change | Meaning | "
				 "Reason |\n|---|---|---|---|---|\n"
			       : "| Field | Position | Change | Meaning |\n"
				 "|---|---|---|---|\n");
	for (i = 0; i < r->n; i++) {
		const struct cc_finding *f = &r->findings[i];
		char nm[64], pos[48], sv[32], dv[32], meaning[256];
		const char *name;

		if (!md_wanted(r, f, which))
			continue;
		name = review_name(f, o, nm, sizeof nm);
		cc_finding_position(f, pos, sizeof pos);
		report_value(f, 0, sv, sizeof sv);
		report_value(f, 1, dv, sizeof dv);
		cc_finding_meaning(r, f, name, meaning, sizeof meaning);
		cc_buf_puts(b, "| ");
		md_cell(b, name);
		cc_buf_puts(b, " | `");
		cc_buf_puts(b, pos);
		cc_buf_puts(b, "` | ");
		md_cell(b, sv);
		cc_buf_puts(b, " → ");
		md_cell(b, dv);
		cc_buf_puts(b, " | ");
		md_cell(b, meaning);
		if (which == MD_WAIVED) {
			cc_buf_puts(b, " | ");
			md_cell(b, f->waiver ? f->waiver : "");
		}
		cc_buf_puts(b, " |\n");
	}
}

/* The verdict line a review opens with. */
static const char *verdict_words(const struct cc_report *r, int status)
{
	if (r->verdict == CC_VERDICT_IDENTICAL)
		return "identical";
	if (r->symmetric && cc_report_equal_for_guests(r))
		return "identical for guests (they differ only where no KVM "
		       "guest looks)";
	if (r->vendor_mismatch)
		return "incompatible: the CPU vendors differ";
	if (status == 0)
		return r->symmetric
			       ? "different, but every difference is waived"
			       : "compatible";
	if (r->failing == 0)
		return "unused waivers (--strict-waivers)";
	return r->symmetric ? "different" : "incompatible";
}

void report_markdown(struct cc_buf *b, const struct cc_report *r,
		     const struct report_opts *o)
{
	int status = cc_report_exit(r, o->strict_waivers);
	size_t i;

	cc_buf_printf(b, "## cpucompat %s: %s %s\n\n", o->command,
		      status ? "❌" : "✅", status ? "fails" : "passes");
	cc_buf_puts(b, "**Verdict:** ");
	md_cell(b, verdict_words(r, status));
	cc_buf_puts(b, "\n\n- ");
	cc_buf_puts(b, r->symmetric ? "A: " : "Source: ");
	md_cell(b, cc_report_side_title(&r->source));
	cc_buf_puts(b, " (`");
	cc_buf_puts(b, r->source.origin);
	cc_buf_puts(b, r->symmetric ? "`)\n- B: " : "`)\n- Target: ");
	md_cell(b, cc_report_side_title(&r->target));
	cc_buf_puts(b, " (`");
	cc_buf_puts(b, r->target.origin);
	cc_buf_puts(b, "`)\n");
	if (r->view == CC_VIEW_GUEST)
		cc_buf_printf(b,
			      "- View: what a KVM guest sees (KVM rules of "
			      "%s)\n",
			      r->kvm_rules);
	md_table(b, r, o, MD_FAILING,
		 r->symmetric ? "Differences that fail" : "Blocking");
	md_table(b, r, o, MD_OTHER, "Other differences");
	md_table(b, r, o, MD_WAIVED, "Waived");
	if (r->unused_waivers) {
		cc_buf_printf(b,
			      "\n### Unused waivers (%zu)\n\n"
			      "| Waiver | Where | Reason |\n|---|---|---|\n",
			      r->unused_waivers);
		for (i = 0; i < r->nwaivers; i++) {
			if (r->waiver_hits[i] != 0)
				continue;
			cc_buf_puts(b, "| ");
			md_cell(b, r->waivers[i].name);
			cc_buf_puts(b, " | ");
			md_cell(b, r->waivers[i].where);
			cc_buf_puts(b, " | ");
			md_cell(b, r->waivers[i].reason);
			cc_buf_puts(b, " |\n");
		}
	}
	cc_buf_printf(b,
		      "\n%zu failing, %zu waived, %zu not visible to KVM "
		      "guests; exit status %d.\n",
		      r->failing, r->waived, r->unseen, status);
}

int report_entry_line(const char *text, uint32_t leaf, uint32_t subleaf)
{
	char exact[64], any[32];
	const char *p;
	int line = 1, fallback = 0;

	if (text == NULL)
		return 0;
	snprintf(exact, sizeof exact, "\"leaf\": \"0x%08x\", \"subleaf\": %u,",
		 leaf, subleaf);
	snprintf(any, sizeof any, "\"leaf\": \"0x%08x\"", leaf);
	for (p = text; *p; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		const char *hit = strstr(p, any);

		if (hit != NULL && hit < p + len) {
			hit = strstr(p, exact);
			if (hit != NULL && hit < p + len)
				return line;
			if (fallback == 0)
				fallback = line;
		}
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	return fallback;
}

/* S escaped as GitHub's workflow commands want: %, CR and LF always;
 * ':' and ',' too in a property (PROPERTY). */
static void gh_escape(struct cc_buf *b, const char *s, int property)
{
	for (; *s; s++) {
		if (*s == '%')
			cc_buf_puts(b, "%25");
		else if (*s == '\r')
			cc_buf_puts(b, "%0D");
		else if (*s == '\n')
			cc_buf_puts(b, "%0A");
		else if (property && *s == ':')
			cc_buf_puts(b, "%3A");
		else if (property && *s == ',')
			cc_buf_puts(b, "%2C");
		else
			cc_buf_add(b, s, 1);
	}
}

/* "::LEVEL file=F,line=N,title=TITLE::MESSAGE\n" */
static void gh_command(struct cc_buf *b, const char *level,
		       const struct report_opts *o, int line, const char *title,
		       const char *message)
{
	cc_buf_printf(b, "::%s ", level);
	if (o->file != NULL) {
		cc_buf_puts(b, "file=");
		gh_escape(b, o->file, 1);
		if (line > 0)
			cc_buf_printf(b, ",line=%d", line);
		cc_buf_puts(b, ",");
	}
	cc_buf_puts(b, "title=");
	gh_escape(b, title, 1);
	cc_buf_puts(b, "::");
	gh_escape(b, message, 0);
	cc_buf_puts(b, "\n");
}

static void gh_finding(struct cc_buf *b, const struct cc_report *r,
		       const struct cc_finding *f, const struct report_opts *o)
{
	char nm[64], pos[48], sv[32], dv[32], meaning[256], title[160];
	char msg[512];
	const char *name = review_name(f, o, nm, sizeof nm);

	cc_finding_position(f, pos, sizeof pos);
	report_value(f, 0, sv, sizeof sv);
	report_value(f, 1, dv, sizeof dv);
	cc_finding_meaning(r, f, name, meaning, sizeof meaning);
	snprintf(title, sizeof title, "cpucompat %s: %s %s", o->command, name,
		 f->waived ? "waived" : cc_sev_name((enum cc_sev)f->severity));
	if (f->waived)
		snprintf(msg, sizeof msg, "%s (%s: %s -> %s); waived: %s",
			 meaning, pos, sv, dv, f->waiver ? f->waiver : "");
	else
		snprintf(msg, sizeof msg, "%s (%s: %s -> %s)", meaning, pos, sv,
			 dv);
	gh_command(b,
		   f->waived                ? "warning"
		   : cc_finding_fails(r, f) ? "error"
					    : "warning",
		   o, report_entry_line(o->file_text, f->leaf, f->subleaf),
		   title, msg);
}

void report_github(struct cc_buf *b, const struct cc_report *r,
		   const struct report_opts *o)
{
	int status = cc_report_exit(r, o->strict_waivers);
	char title[64], msg[512];
	struct report_opts nofile = *o;
	size_t i;

	nofile.file = NULL;
	snprintf(title, sizeof title, "cpucompat %s", o->command);
	if (r->vendor_mismatch) {
		snprintf(msg, sizeof msg, "the CPU vendors differ: %s -> %s",
			 r->source.vendor_id, r->target.vendor_id);
		gh_command(b, "error", o, report_entry_line(o->file_text, 0, 0),
			   title, msg);
	}
	for (i = 0; i < r->n; i++) {
		const struct cc_finding *f = &r->findings[i];

		if (f->status == CC_STATUS_DIFFERENT && !f->unseen &&
		    !f->folded)
			gh_finding(b, r, f, o);
	}
	for (i = 0; i < r->nwaivers; i++) {
		if (r->waiver_hits[i] != 0)
			continue;
		snprintf(msg, sizeof msg,
			 "waiver %s (%s) accepted nothing: "
			 "remove it",
			 r->waivers[i].name, r->waivers[i].where);
		gh_command(b, o->strict_waivers ? "error" : "warning", &nofile,
			   0, "cpucompat unused waiver", msg);
	}
	snprintf(msg, sizeof msg, "%s; %zu failing, %zu waived; exit status %d",
		 verdict_words(r, status), r->failing, r->waived, status);
	cc_buf_puts(b, "::notice title=");
	gh_escape(b, title, 1);
	cc_buf_puts(b, "::");
	gh_escape(b, msg, 0);
	cc_buf_puts(b, "\n");
}
