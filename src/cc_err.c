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

	if (e == NULL)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	return -1;
}
