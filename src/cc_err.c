/*
 * Error values: see cc_err.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>

#include "cc_err.h"

int cc_errf(struct cc_err *e, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	/* Messages quote input (excerpts, JSON keys): keep them one line and
	 * free of terminal control bytes. */
	for (p = e->msg; *p; p++)
		if ((*p > 0 && *p < 0x20 && *p != '\t') || *p == 0x7f)
			*p = '?';
	return -1;
}
