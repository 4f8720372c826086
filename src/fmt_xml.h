/*
 * What the expat-based formats (fmt_libvirt.c, fmt_libvirt_cpu.c) share:
 * a parse of one buffer whose every error reads "FILE:LINE: message",
 * with LINE expat's current line, that keeps the element depth and calls
 * no handler after the first error, and the small pieces their handlers
 * and writers repeat.  A reader embeds a struct fmt_xml in its context,
 * passes that context to fmt_xml_parse as the handlers' user data, and
 * calls fmt_xml_fail from a handler to record an error and stop.
 */
#ifndef FMT_XML_H
#define FMT_XML_H

#include <stddef.h>

#include <expat.h>

#include "cc_buf.h"
#include "cc_err.h"

/* The handlers fmt_xml_parse calls, with the DATA it is given; any may
 * be NULL.  None is called once the parse has failed. */
struct fmt_xml_handlers {
	XML_StartElementHandler start;
	XML_EndElementHandler end;
	XML_CharacterDataHandler chars;
	XML_CommentHandler comment;
};

/* One parse: what the format's handlers and fmt_xml_fail need. */
struct fmt_xml {
	XML_Parser p;     /* while fmt_xml_parse runs, else NULL */
	const char *name; /* the file, for messages (borrowed) */
	struct cc_err *e; /* where the first error goes (borrowed) */
	int failed;       /* E is filled; the parse was stopped */
	/* in start and end handlers the element's depth, the root's 1 */
	int depth;
	const struct fmt_xml_handlers *h; /* while parsing (borrowed) */
	void *data;                       /* the handlers' DATA */
};

/*
 * Parse BUF..BUF+LEN, the file NAME, with handlers H, which get DATA as
 * user data (the context that embeds X) and read X->depth; X keeps NAME
 * and E after the parse.  Returns 0, or -1 with X->failed set and E
 * filled: the buffer is over INT32_MAX bytes ("NAME: file too large"),
 * the parser cannot be made, the XML is malformed ("NAME:LINE: invalid
 * XML: <expat's reason>"), or a handler called fmt_xml_fail.  Nothing is
 * left allocated.
 */
int fmt_xml_parse(struct fmt_xml *x, const struct fmt_xml_handlers *h,
		  void *data, const char *buf, size_t len, const char *name,
		  struct cc_err *e);

/*
 * From a handler: unless an error is already recorded, fill X->e with
 * "NAME:LINE: <FMT...>" (LINE the current line), set X->failed and stop
 * the parser.  Later calls are ignored: the first error wins.
 */
void fmt_xml_fail(struct fmt_xml *x, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* From a handler: expat's current line. */
unsigned long fmt_xml_line(const struct fmt_xml *x);

/* The value of attribute KEY in expat's ATTS (name, value, ..., NULL), or
 * NULL when absent.  Borrowed from ATTS. */
const char *fmt_xml_attr(const XML_Char **atts, const char *key);

/* T..T+N without leading and trailing blanks and newlines: returns the
 * trimmed length and sets *START to its offset in T. */
size_t fmt_xml_trim(const char *t, size_t n, size_t *start);

/* Append "<!-- T -->\n" to B, T made safe inside a comment: a '-' that
 * ends T or precedes another '-' is written as '_'. */
void fmt_xml_comment(struct cc_buf *b, const char *t);

#endif
