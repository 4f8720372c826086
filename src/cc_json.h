/*
 * JSON parsing with located errors, for every JSON reader (formats, defs).
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
/* S as a quoted JSON string (control characters escaped) into B. */
void cc_json_put_string(struct cc_buf *b, const char *s);

#endif
