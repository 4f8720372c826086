/*
 * JSON parsing with located errors, the in-place reading of checked text,
 * and the JSON string writer: see cc_json.h.  The checker follows cJSON
 * 1.7's parser rule for rule (what it skips as blanks, how it reads
 * numbers and escapes, where it stops on an error), so that a file is
 * accepted or refused, and reported at the same place, whichever way it
 * is read.
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>
#include <string.h>

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

/* E for a syntax error at AT (NULL: the end) in BUF[0..LEN), as the place
 * and kind cJSON stops at: "NAME:LINE:COL: invalid JSON", noting input
 * that ends early and nesting past the limit. */
static void syntax_error(const char *buf, size_t len, const char *at,
			 const char *name, struct cc_err *e)
{
	int line, col, in_str, truncated;
	long depth, depth_end;

	if (at == NULL || at < buf || at > buf + len)
		at = buf + len;
	line_col(buf, at, &line, &col);
	in_str = state_at(buf, at, &depth);
	/* truncated: stopped at the end, or in a string never closed */
	truncated = at == buf + len ||
		    (in_str && state_at(buf, buf + len, &depth_end));
	if (!in_str && depth >= CJSON_NESTING_LIMIT)
		cc_errf(e,
			"%s:%d:%d: invalid JSON: nested deeper than "
			"the limit of %d levels",
			name, line, col, CJSON_NESTING_LIMIT - 1);
	else
		cc_errf(e, "%s:%d:%d: invalid JSON%s", name, line, col,
			truncated ? " (truncated?)" : "");
}

cJSON *cc_json_parse(const char *buf, size_t len, const char *name,
		     struct cc_err *e)
{
	const char *end = NULL;
	cJSON *root;

	/* cJSON wants the terminating NUL inside the length it is given;
	 * every buffer we parse is NUL-terminated at LEN. */
	root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
	if (root == NULL)
		syntax_error(buf, len, end ? end : cJSON_GetErrorPtr(), name,
			     e);
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
	if (j == NULL)
		return "missing";
	if (!cJSON_IsNumber(j))
		return "wrong JSON type";
	return cc_json_num_u32(j->valuedouble, v);
}

const char *cc_json_num_u32(double d, uint32_t *v)
{
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

/* Length of the well-formed UTF-8 sequence at S (1 to 4), or 0 when the
 * bytes there are not one (a stray continuation byte, a truncated or
 * overlong sequence, a surrogate, a code point over U+10FFFF). */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void cc_json_put_string(struct cc_buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	if (s == NULL) {
		cc_buf_puts(b, "null");
		return;
	}
	cc_buf_puts(b, "\"");
	while (*p) {
		size_t n = utf8_len(p);

		switch (*p) {
		case '"':
			cc_buf_puts(b, "\\\"");
			break;
		case '\\':
			cc_buf_puts(b, "\\\\");
			break;
		case '\b':
			cc_buf_puts(b, "\\b");
			break;
		case '\f':
			cc_buf_puts(b, "\\f");
			break;
		case '\n':
			cc_buf_puts(b, "\\n");
			break;
		case '\r':
			cc_buf_puts(b, "\\r");
			break;
		case '\t':
			cc_buf_puts(b, "\\t");
			break;
		default:
			if (*p < 0x20)
				cc_buf_printf(b, "\\u%04x", *p);
			else if (n == 0) /* U+FFFD, unescaped (see .h) */
				cc_buf_puts(b, "\xef\xbf\xbd");
			else
				cc_buf_add(b, (const char *)p, n);
		}
		p += n ? n : 1;
	}
	cc_buf_puts(b, "\"");
}

/* Bytes that end a run of plain string bytes: the quote, the backslash,
 * and NUL (the end of the text, or a NUL inside a string). */
static const unsigned char str_stop[256] = {[0] = 1, ['"'] = 1, ['\\'] = 1};

/* cJSON's number at P: the run of number bytes (at most 63) as strtod
 * reads it.  The bytes taken (0: not a number) and the value in *D. */
static size_t num_scan(const char *p, double *d)
{
	char tmp[64], *after;
	size_t i;
	uint64_t v = 0;
	int plain = 1;

	for (i = 0; i < sizeof tmp - 1; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9') {
			v = v * 10 + (uint64_t)(c - '0');
			tmp[i] = c;
		} else if (c == '+' || c == '-' || c == 'e' || c == 'E') {
			plain = 0;
			tmp[i] = c;
		} else if (c == '.') {
			plain = 0;
			tmp[i] = *localeconv()->decimal_point;
		} else {
			break;
		}
	}
	if (plain && i > 0 && i <= 15) { /* digits only: exact in a double */
		*d = (double)v;
		return i;
	}
	tmp[i] = '\0';
	*d = strtod(tmp, &after);
	return (size_t)(after - tmp);
}

/* cJSON's four hex digits: any other byte makes the whole value 0. */
static unsigned hex4(const char *p)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		char c = p[i];

		if (c >= '0' && c <= '9')
			v = v << 4 | (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v = v << 4 | (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v = v << 4 | (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	return v;
}

/* The \u escape (one, or a surrogate pair) at Q of a string closed at
 * CLOSE, as UTF-8 at OUT + *K (OUT NULL: only counted into *K); the bytes
 * of the escape, or 0 where cJSON refuses it. */
static int utf16(const char *q, const char *close, char *out, size_t *k)
{
	unsigned long cp;
	unsigned first, second;
	int seq = 6, n, i;

	if (close - q < 6)
		return 0;
	first = hex4(q + 2);
	if (first >= 0xdc00 && first <= 0xdfff)
		return 0;
	cp = first;
	if (first >= 0xd800 && first <= 0xdbff) {
		if (close - (q + 6) < 6 || q[6] != '\\' || q[7] != 'u')
			return 0;
		second = hex4(q + 8);
		if (second < 0xdc00 || second > 0xdfff)
			return 0;
		cp = 0x10000 + (((first & 0x3ffu) << 10) | (second & 0x3ffu));
		seq = 12;
	}
	n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	if (out != NULL) {
		static const unsigned char mark[5] = {0, 0, 0xc0, 0xe0, 0xf0};

		out += *k;
		for (i = n - 1; i > 0; i--) {
			out[i] = (char)((cp | 0x80) & 0xbf);
			cp >>= 6;
		}
		out[0] = (char)(n > 1 ? (cp | mark[n]) & 0xff : cp & 0x7f);
	}
	*k += (size_t)n;
	return seq;
}

/* The string bytes Q..CLOSE unescaped into OUT (NULL: only checked), their
 * count in *N; NULL, or the escape cJSON refuses. */
static const char *unescape(const char *q, const char *close, char *out,
			    size_t *n)
{
	size_t k = 0;

	while (q < close) {
		char c;
		int seq;

		if (*q != '\\') {
			if (out != NULL)
				out[k] = *q;
			k++;
			q++;
			continue;
		}
		switch (q[1]) {
		case 'b':
			c = '\b';
			break;
		case 'f':
			c = '\f';
			break;
		case 'n':
			c = '\n';
			break;
		case 'r':
			c = '\r';
			break;
		case 't':
			c = '\t';
			break;
		case '"':
		case '\\':
		case '/':
			c = q[1];
			break;
		case 'u':
			seq = utf16(q, close, out, &k);
			if (seq == 0)
				return q;
			q += seq;
			continue;
		default:
			return q;
		}
		if (out != NULL)
			out[k] = c;
		k++;
		q += 2;
	}
	*n = k;
	return NULL;
}

/* cJSON's string at P in text ending at END (its NUL): past the closing
 * quote, or NULL with *AT where cJSON reports the error. */
static const char *str_check(const char *p, const char *end, const char **at)
{
	const char *q = p + 1;
	size_t n;
	int esc = 0;

	*at = p + 1;
	if (*p != '"')
		return NULL;
	for (;; q++) {
		while (!str_stop[(unsigned char)*q])
			q++;
		if (*q == '"')
			break;
		if (q >= end)
			return NULL; /* never closed */
		if (*q == '\\') {
			if (q + 1 >= end)
				return NULL;
			esc = 1;
			q++; /* the escaped byte */
		}
	}
	if (esc && (*at = unescape(p + 1, q, NULL, &n)) != NULL)
		return NULL;
	return q + 1;
}

/* A literal or number at P: past it, or NULL. */
static const char *scalar_check(const char *p)
{
	double d;
	size_t n;

	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		n = num_scan(p, &d);
		return n ? p + n : NULL;
	}
	if (strncmp(p, "null", 4) == 0 || strncmp(p, "true", 4) == 0)
		return p + 4;
	if (strncmp(p, "false", 5) == 0)
		return p + 5;
	return NULL;
}

#define SKIP_BLANKS(p, end)                                                    \
	while ((p) < (end) && (unsigned char)*(p) <= 32)                       \
	(p)++

/* Where cJSON stops on BUF[0..LEN), or NULL when it takes the text: one
 * walk with a stack of the open containers. */
static const char *check_at(const char *buf, size_t len, struct cc_jtop *top)
{
	const char *p = buf, *end = buf + len, *at;
	char open[CJSON_NESTING_LIMIT];
	size_t depth = 0;

	if (len >= 4 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	SKIP_BLANKS(p, end);
value:
	if (*p == '"') {
		if ((p = str_check(p, end, &at)) == NULL)
			return at;
	} else if (*p == '[' || *p == '{') {
		if (depth >= CJSON_NESTING_LIMIT)
			return p;
		open[depth++] = *p++;
		SKIP_BLANKS(p, end);
		if (*p == (open[depth - 1] == '[' ? ']' : '}')) {
			p++;
			depth--;
		} else if (open[depth - 1] == '[') {
			goto value;
		} else {
			goto key;
		}
	} else if ((at = scalar_check(p)) != NULL) {
		p = at;
	} else {
		return p;
	}
after:
	if (depth == 1 && open[0] == '{' && top->n < CC_JSON_TOP_MAX)
		top->end[top->n++] = p;
	SKIP_BLANKS(p, end);
	if (depth == 0)
		return p < end ? p : NULL;
	if (*p == ',') {
		p++;
		SKIP_BLANKS(p, end);
		if (open[depth - 1] == '[')
			goto value;
		goto key;
	}
	if (*p != (open[depth - 1] == '[' ? ']' : '}'))
		return p;
	p++;
	depth--;
	goto after;
key:
	if ((p = str_check(p, end, &at)) == NULL)
		return at;
	SKIP_BLANKS(p, end);
	if (*p != ':')
		return p;
	p++;
	SKIP_BLANKS(p, end);
	goto value;
}

int cc_json_check(const char *buf, size_t len, const char *name,
		  struct cc_jtop *top, struct cc_err *e)
{
	struct cc_jtop unused;
	const char *at;

	if (top == NULL)
		top = &unused;
	top->n = 0;
	at = check_at(buf, len, top);

	if (at == NULL)
		return 0;
	syntax_error(buf, len, at, name, e);
	return -1;
}

const char *cc_json_root(const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len;

	if (len >= 4 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	SKIP_BLANKS(p, end);
	return p;
}

/* Past the blanks at P, inside checked text (a token always follows). */
static const char *blanks(const char *p)
{
	while ((unsigned char)*p <= 32)
		p++;
	return p;
}

/* Past the string at P (its quote). */
static const char *skip_str(const char *p)
{
	for (p++;; p++) {
		while (!str_stop[(unsigned char)*p])
			p++;
		if (*p == '"')
			return p + 1;
		if (*p == '\\')
			p++;
	}
}

static int is_num_byte(char c)
{
	return (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' ||
	       c == 'e' || c == 'E';
}

/* Past the value at P in checked text. */
static const char *skip(const char *p)
{
	size_t depth = 0;

	if (*p == '"')
		return skip_str(p);
	do {
		switch (*p) {
		case '"':
			p = skip_str(p);
			break;
		case '{':
		case '[':
			depth++;
			p++;
			break;
		case '}':
		case ']':
			depth--;
			p++;
			break;
		case 'n':
		case 't':
			p += 4;
			break;
		case 'f':
			p += 5;
			break;
		default:
			if (!is_num_byte(*p)) { /* blank, comma, colon */
				p++;
				break;
			}
			/* a number: checked text holds all of its run */
			while (is_num_byte(*p))
				p++;
		}
	} while (depth > 0);
	return p;
}

void cc_json_walk(struct cc_jwalk *w, const char *p)
{
	w->p = p + 1;
	w->val = NULL;
}

void cc_json_walked(struct cc_jwalk *w, const char *end)
{
	w->p = end;
	w->val = NULL;
}

void cc_json_walked_top(struct cc_jwalk *w, const struct cc_jtop *top, size_t i)
{
	if (i < top->n)
		cc_json_walked(w, top->end[i]);
}

/* The start of W's next step: past a separator, or at the closing
 * bracket (then W->p past it and NULL). */
static const char *step(struct cc_jwalk *w)
{
	const char *p = w->val != NULL ? skip(w->val) : w->p;

	w->val = NULL;
	p = blanks(p);
	if (*p == ',')
		return blanks(p + 1);
	if (*p == '}' || *p == ']') {
		w->p = p + 1;
		return NULL;
	}
	return p; /* the first one */
}

int cc_json_member(struct cc_jwalk *w, const char **key, const char **val)
{
	const char *p = step(w);

	if (p == NULL)
		return 0;
	*key = p;
	p = blanks(skip_str(p));
	*val = w->val = blanks(p + 1); /* past the colon */
	return 1;
}

int cc_json_element(struct cc_jwalk *w, const char **val)
{
	const char *p = step(w);

	if (p == NULL)
		return 0;
	*val = w->val = p;
	return 1;
}

size_t cc_json_str_raw(const char *p, const char **raw, int *escaped)
{
	const char *q = p + 1;

	*escaped = 0;
	for (; *q != '"'; q++) {
		if (*q == '\\') {
			*escaped = 1;
			q++;
		}
	}
	*raw = p + 1;
	return (size_t)(q - (p + 1));
}

char *cc_json_str_dup(const char *p)
{
	const char *raw;
	int esc;
	size_t n = cc_json_str_raw(p, &raw, &esc), k = n;
	char *out = cc_xmalloc(n + 1);

	if (esc)
		unescape(raw, raw + n, out, &k);
	else
		memcpy(out, raw, n);
	out[k] = '\0';
	return out;
}

int cc_json_str_is(const char *p, const char *lit)
{
	const char *raw;
	int esc, same;
	size_t n = cc_json_str_raw(p, &raw, &esc);
	char *d;

	if (!esc)
		return strlen(lit) == n && memcmp(raw, lit, n) == 0;
	d = cc_json_str_dup(p);
	same = strcmp(d, lit) == 0;
	free(d);
	return same;
}

double cc_json_number(const char *p)
{
	double d;

	num_scan(p, &d);
	return d;
}
