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

cJSON *cc_json_parse(const char *buf, size_t len, const char *name,
		      struct cc_err *e)
{
	const char *end = NULL;
	cJSON *root;

	/* cJSON wants the terminating NUL inside the length it is given;
	 * every buffer we parse is NUL-terminated at LEN. */
	root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);

	if (root == NULL) {
		int line, col;
		const char *at = end ? end : cJSON_GetErrorPtr();

		if (at == NULL || at < buf || at > buf + len)
			at = buf + len;
		line_col(buf, at, &line, &col);
		cc_errf(e, "%s:%d:%d: invalid JSON%s", name, line, col,
			at == buf + len ? " (truncated?)" : "");
	}
	return root;
}

