/*
 * JSON parsing with located errors, for every JSON reader (formats, defs).
 */
#ifndef CC_JSON_H
#define CC_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "cc_err.h"

/* Parse BUF[0..LEN), which must be NUL-terminated at LEN; on a syntax error NULL and E "NAME:LINE:COL: invalid
 * JSON".  Nesting deeper than cJSON's limit (1000) is an error too, so deep
 * input cannot exhaust the stack.  Free the result with cJSON_Delete. */
cJSON *cc_json_parse(const char *buf, size_t len, const char *name,
		     struct cc_err *e);

#endif
