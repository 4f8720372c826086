/*
 * Renderers of a diff report: plain text for people (verdict first, then
 * findings grouped by severity and leaf, then a summary line; fits 80
 * columns), JSON with a stable documented schema (man/cpucompat.5), and
 * JUnit XML for CI systems.  A report of the guest view (guest.h) adds,
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
};

void report_text(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o);
void report_json(struct cc_buf *b, const struct cc_report *r,
		 const struct report_opts *o);
void report_junit(struct cc_buf *b, const struct cc_report *r,
		  const struct report_opts *o);

/* Value of a finding's side for people: "yes"/"no" for flags, decimal for
 * small numbers, hex otherwise, "host" when unknown. */
void report_value(const struct cc_finding *f, int target, char *out, size_t n);

/* XML-escaped S appended to B. */
void report_xml_string(struct cc_buf *b, const char *s);

#endif
