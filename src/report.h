/*
 * Renderers of a diff report: plain text for people (verdict first, then
 * findings grouped by severity and leaf, then a summary line; fits 80
 * columns), JSON with a stable documented schema (man/cpucompat.5), JUnit
 * XML for CI systems, and for code review Markdown and GitHub Actions
 * annotations (report_review.c).  Every format says the same exit status
 * (cc_report_exit), lists waived findings as waived and the waivers that
 * accepted nothing, and words a change of stance between two profiles by
 * what it means (cc_finding_meaning).  A report of the guest view (guest.h) adds,
 * and only it: the line after the verdict that sums up what blocks by
 * consequence, the view and its KVM rules, findings grouped by
 * consequence with their hints, a vendor mismatch as one finding with the
 * rest folded under it, and the differences no KVM guest sees collapsed
 * to one line; a raw-view report is what it always was.  Renderers read
 * the report alone (cc_report.h), never the sets it came from; each names
 * both inputs by what people call them (brand) and where they came from
 * (file path or source spec).
 */
#ifndef REPORT_H
#define REPORT_H

#include "cc_buf.h"
#include "cc_json.h"
#include "cc_report.h"

struct report_opts {
	const char *command; /* "check" or "diff" */
	const char *names;   /* spelling scheme: "linux", "qemu", "libvirt" */
	int color;           /* ANSI colour */
	int all;             /* also list matching and host-dependent fields */
	int strict_waivers;  /* --strict-waivers: unused waivers fail */
	const char *file;    /* github: the file annotations point at */
	const char *file_text; /* github: its text, to find entry lines */
};

void report_text(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o);
/* The guest view's line after the verdict, unwrapped, into B: "blocks:"
 * (check) or "differs:" (diff), the blocking findings summed up by
 * consequence, or the vendor with the count folded under it. */
void report_blocks(struct cc_buf *b, const struct cc_report *r,
		   const struct report_opts *o);
void report_json(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o);
void report_junit(struct cc_buf *b, const struct cc_report *r,
		  const struct report_opts *o);

/* Markdown (CommonMark) for a pull-request comment: the verdict, a table
 * of the findings that count (position, change, meaning), the waived
 * ones in a table of their own, unused waivers, the exit status. */
void report_markdown(struct cc_buf *b, const struct cc_report *r,
		     const struct report_opts *o);
/* GitHub Actions workflow commands: one "::error" (a finding that sets
 * exit status 1) or "::warning" (waived, unused waiver) line each, with
 * file= O->file and line= the line of O->file_text where the finding's
 * leaf entry is defined (report_entry_line), then one "::notice" line
 * with the verdict.  Escaped by GitHub's rules. */
void report_github(struct cc_buf *b, const struct cc_report *r,
		   const struct report_opts *o);
/* The 1-based line of TEXT (a file in the native format) that defines
 * the entry of (LEAF, SUBLEAF): the first line holding
 * '"leaf": "0x%08x", "subleaf": SUBLEAF', else the first holding its
 * leaf (a profile entry covering several subleaves); 0 when none. */
int report_entry_line(const char *text, uint32_t leaf, uint32_t subleaf);

/* Value of a finding's side for people: "yes"/"no" for flags, decimal for
 * small numbers, hex otherwise, "host" when unknown. */
void report_value(const struct cc_finding *f, int target, char *out, size_t n);

/* XML-escaped S appended to B. */
void report_xml_string(struct cc_buf *b, const char *s);

#endif
