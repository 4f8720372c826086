/*
 * A growable text buffer.  Writers render into one, and cc_buf_save writes
 * it out atomically (temporary file in the same directory, fsync, rename),
 * so an interrupted run never leaves a half-written output file.
 * Allocation failure aborts (out of memory is not an input error).
 */
#ifndef CC_BUF_H
#define CC_BUF_H

#include <stdarg.h>
#include <stddef.h>

#include "cc_err.h"

struct cc_buf {
	char *data; /* NUL-terminated, owned */
	size_t len;
	size_t cap;
};

void cc_buf_init(struct cc_buf *b);
void cc_buf_free(struct cc_buf *b);
void cc_buf_add(struct cc_buf *b, const char *s, size_t n);
void cc_buf_puts(struct cc_buf *b, const char *s);
void cc_buf_printf(struct cc_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cc_buf_vprintf(struct cc_buf *b, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* Write B to PATH atomically; PATH "-" or NULL means stdout, and a FIFO or
 * device is written in place.  -1 and E on failure; the target is then
 * untouched.  The temporary is the hidden
 * ".NAME.cpucompat-XXXXXX" beside PATH; a terminating signal that can be
 * caught (INT, TERM, HUP, QUIT, ...) while it exists removes it and then
 * kills the process as it would have, so only SIGKILL or a crash can leave
 * one behind. */
int cc_buf_save(const struct cc_buf *b, const char *path, struct cc_err *e);

/* Read a whole file (PATH "-" = stdin) into B, refusing files larger than
 * CC_MAX_INPUT bytes, directories and unreadable files. */
#define CC_MAX_INPUT (64u << 20)
int cc_buf_load(struct cc_buf *b, const char *path, struct cc_err *e);

/* Portable helpers used by several modules. */
void *cc_xmalloc(size_t n);
void *cc_xcalloc(size_t n, size_t size);
void *cc_xrealloc(void *p, size_t n);
char *cc_xstrdup(const char *s);

#endif
