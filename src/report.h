/*
 * Renderers of a diff report: plain text for people (verdict first, then
 * findings grouped by severity and leaf, then a summary line; fits 80
 * columns), JSON with a stable documented schema (man/cpucompat.5), and
 * JUnit XML for CI systems.  Renderers only read the report.
 */
#ifndef REPORT_H
#define REPORT_H

#include "cc_buf.h"
#include "diff.h"

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

/* JSON string literal of S appended to B. */
void report_json_string(struct cc_buf *b, const char *s);
/* XML-escaped S appended to B. */
void report_xml_string(struct cc_buf *b, const char *s);

/* Short label of a set for headers: brand, else name. */
void report_set_label(const struct cc_set *s, char *out, size_t n);

#endif
