/*
 * JSON for every reader and writer: parsing with located errors (formats,
 * defs), reading checked text in place without a tree (the native format,
 * whose files a fleet loads by the ten thousand), and the one JSON string
 * writer (native format, Cloud Hypervisor profiles, reports, defs and
 * profile commands).
 */
#ifndef CC_JSON_H
#define CC_JSON_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "cc_buf.h"
#include "cc_err.h"

/* Parse BUF[0..LEN), which must be NUL-terminated at LEN; on a syntax error NULL and E "NAME:LINE:COL: invalid
 * JSON".  Nesting deeper than cJSON's limit (1000) is an error too, so deep
 * input cannot exhaust the stack.  Free the result with cJSON_Delete. */
cJSON *cc_json_parse(const char *buf, size_t len, const char *name,
		     struct cc_err *e);

/* "a string", "a number", "an object", "an array", "a boolean" or "null",
 * for messages. */
const char *cc_json_type(const cJSON *j);
/* J (may be NULL) as an integer 0..UINT32_MAX into *V: NULL, or what is
 * wrong ("missing", "wrong JSON type", "negative number", "value over 32
 * bits", "not an integer"). */
const char *cc_json_u32(const cJSON *j, uint32_t *v);
/* S as a JSON string literal (RFC 8259) into B, or null when S is NULL:
 * quote and backslash escaped, control characters as \b \f \n \r \t or
 * \u00XX, bytes that are not well-formed UTF-8 replaced by U+FFFD, in
 * UTF-8 rather than escaped so that it reads back as it writes (JSON
 * text is UTF-8), everything else copied. */
void cc_json_put_string(struct cc_buf *b, const char *s);
/* D (a JSON number) as an integer 0..UINT32_MAX, as cc_json_u32. */
const char *cc_json_num_u32(double d, uint32_t *v);

/*
 * JSON read in place, without a tree (the native reader: a fleet loads
 * tens of thousands of files a second).  cc_json_check accepts exactly
 * the text cc_json_parse accepts (cJSON's rules: blanks are bytes up to
 * 0x20, numbers are what strtod takes of a run of [0-9+-.eE], a \u escape
 * with bad hex digits is U+0000, at most CJSON_NESTING_LIMIT levels) and
 * fails with the same message at the same place.  The walkers below then
 * read checked text only: a value is a pointer to its first byte ('{',
 * '[', '"', 't', 'f', 'n', or a number), and they never look past it.
 */
/* Where the values of a top-level object's first members end, so that
 * reading them needs no skip over the text between. */
#define CC_JSON_TOP_MAX 16
struct cc_jtop {
	const char *end[CC_JSON_TOP_MAX];
	size_t n;
};
/* 0, or -1 and E as cc_json_parse would fail on BUF[0..LEN) (NUL at LEN).
 * TOP (may be NULL) gets the member ends when the text is an object. */
int cc_json_check(const char *buf, size_t len, const char *name,
		  struct cc_jtop *top, struct cc_err *e);
/* The top-level value of checked BUF. */
const char *cc_json_root(const char *buf, size_t len);
/* A walk over the members of one object or the elements of one array. */
struct cc_jwalk {
	const char *p;   /* where the next step reads on */
	const char *val; /* the value last given, until skipped */
};
/* Start W at the object or array at P. */
void cc_json_walk(struct cc_jwalk *w, const char *p);
/* The next member (KEY points at the key's quote) or element: 1, or 0
 * after the last one, W->p then past the closing bracket. */
int cc_json_member(struct cc_jwalk *w, const char **key, const char **val);
int cc_json_element(struct cc_jwalk *w, const char **val);
/* The value last given ends at END (its reader walked it to there): the
 * next step starts there instead of skipping the value again. */
void cc_json_walked(struct cc_jwalk *w, const char *end);
/* The value last given is member I of the object TOP describes: as
 * cc_json_walked with its end, when TOP knows it. */
void cc_json_walked_top(struct cc_jwalk *w, const struct cc_jtop *top,
			size_t i);
/* The string at P: whether it decodes (cJSON's way, up to a \u0000) to
 * LIT; its decoded text as a new string (free it); its raw bytes between
 * the quotes and whether they hold an escape. */
int cc_json_str_is(const char *p, const char *lit);
char *cc_json_str_dup(const char *p);
size_t cc_json_str_raw(const char *p, const char **raw, int *escaped);
/* The number at P, as cJSON reads it. */
double cc_json_number(const char *p);

#endif
