/*
 * JSON parsing with located errors: see cc_json.h.
 */
#include "config.h"

#include "cc_json.h"

/* Line and column of P in BUF, for cJSON parse errors. */
static void line_col(const char *buf, const char *p, int *line, int *col)
{
	const char *q;

	*line = 1;
	*col = 1;
	for (q = buf; q < p; q++) {
		if (*q == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

/* Depth of array and object nesting at P in BUF (strings skipped) into
 * *DEPTH; whether P is inside a string. */
static int state_at(const char *buf, const char *p, long *depth)
{
	const char *q;
	int in_str = 0;

	*depth = 0;
	for (q = buf; q < p; q++) {
		if (in_str) {
			if (*q == '\\' && q + 1 < p)
				q++;
			else if (*q == '"')
				in_str = 0;
		} else if (*q == '"') {
			in_str = 1;
		} else if (*q == '[' || *q == '{') {
			(*depth)++;
		} else if (*q == ']' || *q == '}') {
			(*depth)--;
		}
	}
	return in_str;
}

cJSON *cc_json_parse(const char *buf, size_t len, const char *name,
		      struct cc_err *e)
{
	const char *end = NULL;
	cJSON *root;

	/* cJSON wants the terminating NUL inside the length it is given;
	 * every buffer we parse is NUL-terminated at LEN. */
	root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);

	if (root == NULL) {
		int line, col, in_str, truncated;
		const char *at = end ? end : cJSON_GetErrorPtr();
		long depth, depth_end;

		if (at == NULL || at < buf || at > buf + len)
			at = buf + len;
		line_col(buf, at, &line, &col);
		in_str = state_at(buf, at, &depth);
		/* truncated: stopped at the end, or in a string never closed */
		truncated = at == buf + len ||
			    (in_str && state_at(buf, buf + len, &depth_end));
		if (!in_str && depth >= CJSON_NESTING_LIMIT)
			cc_errf(e, "%s:%d:%d: invalid JSON: nested deeper than "
				   "the limit of %d levels",
				name, line, col, CJSON_NESTING_LIMIT - 1);
		else
			cc_errf(e, "%s:%d:%d: invalid JSON%s", name, line, col,
				truncated ? " (truncated?)" : "");
	}
	return root;
}

const char *cc_json_type(const cJSON *j)
{
	if (cJSON_IsString(j))
		return "a string";
	if (cJSON_IsNumber(j))
		return "a number";
	if (cJSON_IsObject(j))
		return "an object";
	if (cJSON_IsArray(j))
		return "an array";
	if (cJSON_IsBool(j))
		return "a boolean";
	return "null";
}

const char *cc_json_u32(const cJSON *j, uint32_t *v)
{
	double d;

	if (j == NULL)
		return "missing";
	if (!cJSON_IsNumber(j))
		return "wrong JSON type";
	d = j->valuedouble;
	if (d != d)
		return "not an integer";
	if (d < 0)
		return "negative number";
	if (d > 4294967295.0)
		return "value over 32 bits";
	if (d != (double)(uint32_t)d)
		return "not an integer";
	*v = (uint32_t)d;
	return NULL;
}

void cc_json_put_string(struct cc_buf *b, const char *s)
{
	cc_buf_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			cc_buf_printf(b, "\\%c", c);
		else if (c == '\n')
			cc_buf_puts(b, "\\n");
		else if (c == '\t')
			cc_buf_puts(b, "\\t");
		else if (c < 0x20)
			cc_buf_printf(b, "\\u%04x", c);
		else
			cc_buf_add(b, (const char *)&c, 1);
	}
	cc_buf_puts(b, "\"");
}
