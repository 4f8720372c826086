/*
 * The expat plumbing of the XML formats: one parse per buffer, the first
 * error kept with the file name and expat's line, the element depth kept
 * and the format's handlers skipped once it failed, and what readers and
 * writers of XML both need (attribute look-up, trimming text, a comment
 * that cannot end early).  Which elements mean what stays with each
 * format; this file knows no element names.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "fmt_xml.h"

void fmt_xml_fail(struct fmt_xml *x, const char *fmt, ...)
{
	char msg[768];
	va_list ap;

	if (x->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	cc_errf(x->e, "%s:%lu: %s", x->name, fmt_xml_line(x), msg);
	x->failed = 1;
	XML_StopParser(x->p, XML_FALSE);
}

unsigned long fmt_xml_line(const struct fmt_xml *x)
{
	return (unsigned long)XML_GetCurrentLineNumber(x->p);
}

const char *fmt_xml_attr(const XML_Char **atts, const char *key)
{
	size_t i;

	for (i = 0; atts[i] != NULL; i += 2)
		if (strcmp(atts[i], key) == 0)
			return atts[i + 1];
	return NULL;
}

static void XMLCALL xml_start(void *data, const XML_Char *el,
			      const XML_Char **atts)
{
	struct fmt_xml *x = data;

	if (x->failed)
		return;
	x->depth++;
	if (x->h->start != NULL)
		x->h->start(x->data, el, atts);
}

static void XMLCALL xml_end(void *data, const XML_Char *el)
{
	struct fmt_xml *x = data;

	if (x->failed)
		return;
	if (x->h->end != NULL)
		x->h->end(x->data, el);
	x->depth--;
}

static void XMLCALL xml_chars(void *data, const XML_Char *s, int len)
{
	struct fmt_xml *x = data;

	if (!x->failed)
		x->h->chars(x->data, s, len);
}

static void XMLCALL xml_comment(void *data, const XML_Char *text)
{
	struct fmt_xml *x = data;

	if (!x->failed)
		x->h->comment(x->data, text);
}

int fmt_xml_parse(struct fmt_xml *x, const struct fmt_xml_handlers *h,
		  void *data, const char *buf, size_t len, const char *name,
		  struct cc_err *e)
{
	enum XML_Status st;

	memset(x, 0, sizeof *x);
	x->name = name;
	x->e = e;
	x->failed = 1;
	if (len > INT32_MAX)
		return cc_errf(x->e, "%s: file too large", x->name);
	x->p = XML_ParserCreate(NULL);
	if (x->p == NULL)
		return cc_errf(x->e, "%s: out of memory for the XML parser",
			       x->name);
	x->failed = 0;
	x->h = h;
	x->data = data;
	XML_SetUserData(x->p, x);
	XML_SetElementHandler(x->p, xml_start, xml_end);
	if (h->chars != NULL)
		XML_SetCharacterDataHandler(x->p, xml_chars);
	if (h->comment != NULL)
		XML_SetCommentHandler(x->p, xml_comment);
	st = XML_Parse(x->p, buf, (int)len, 1);
	if (st != XML_STATUS_OK && !x->failed) {
		cc_errf(x->e, "%s:%lu: invalid XML: %s", x->name,
			fmt_xml_line(x),
			XML_ErrorString(XML_GetErrorCode(x->p)));
		x->failed = 1;
	}
	XML_ParserFree(x->p);
	x->p = NULL;
	x->h = NULL;
	x->data = NULL;
	return x->failed ? -1 : 0;
}

static int is_space(char ch)
{
	return fmt_is_blank(ch) || ch == '\n';
}

size_t fmt_xml_trim(const char *t, size_t n, size_t *start)
{
	size_t s = 0;

	while (s < n && is_space(t[s]))
		s++;
	while (n > s && is_space(t[n - 1]))
		n--;
	*start = s;
	return n - s;
}

void fmt_xml_comment(struct cc_buf *b, const char *t)
{
	size_t i, n = strlen(t);

	cc_buf_puts(b, "<!-- ");
	for (i = 0; i < n; i++) {
		char ch = t[i];

		if (ch == '-' && (i + 1 == n || t[i + 1] == '-'))
			ch = '_';
		cc_buf_add(b, &ch, 1);
	}
	cc_buf_puts(b, " -->\n");
}
