/*
 * Error values for library code.  Library functions never print and never
 * exit: they fill a struct cc_err with one message that names the input
 * (file, line, JSON path or leaf) and return -1 or NULL.  Only the command
 * layer (main.c, cmd_*.c) prints the message and picks the exit status.
 */
#ifndef CC_ERR_H
#define CC_ERR_H

#include <stddef.h>

struct cc_err {
	char msg[1024]; /* "FILE:LINE: what was expected", NUL-terminated */
};

/* Fill E (may be NULL) from a printf format; control bytes other than TAB
 * become '?', so the message is one line.  Always returns -1. */
int cc_errf(struct cc_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Exit statuses, as diff(1): 0 same/compatible, 1 different/incompatible,
 * 2 usage or input error. */
enum cc_exit { CC_EXIT_OK = 0, CC_EXIT_DIFF = 1, CC_EXIT_ERROR = 2 };

#endif
