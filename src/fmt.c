/*
 * The format table and content detection.  A file's format is decided by
 * asking every format's detect(): exactly one must claim it.  Nothing is
 * guessed: no match and several matches are both errors that name the file
 * and point to --input-format.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

const struct fmt *const fmt_table[] = {
	&fmt_native,  &fmt_cpuid_r,     &fmt_libvirt,     &fmt_aida64,
	&fmt_chv,     &fmt_chv_profile, &fmt_firecracker, NULL,
};

const struct fmt *fmt_find(const char *name)
{
	size_t i;

	for (i = 0; fmt_table[i]; i++)
		if (strcmp(fmt_table[i]->name, name) == 0)
			return fmt_table[i];
	return NULL;
}

static void list_names(char *out, size_t n, int writable_only)
{
	size_t i, len = 0;

	out[0] = '\0';
	for (i = 0; fmt_table[i]; i++) {
		if (writable_only && fmt_table[i]->write == NULL)
			continue;
		len += (size_t)snprintf(out + len, n > len ? n - len : 0,
					"%s%s", len ? ", " : "",
					fmt_table[i]->name);
	}
}

struct cc_set *fmt_load_buffer(const char *buf, size_t len, const char *name,
			       const char *format, const struct fmt_opts *opts,
			       struct cc_err *e)
{
	const struct fmt *f = NULL;
	const char *nul;
	struct fmt_opts def = {-1, 0};
	char names[256];
	size_t i, hits = 0;

	if (opts == NULL)
		opts = &def;
	if (format != NULL) {
		f = fmt_find(format);
		if (f == NULL || f->read == NULL) {
			list_names(names, sizeof names, 0);
			return cc_errf(e, "unknown input format '%s' (known: %s)",
				       format, names),
			       NULL;
		}
	}
	if (len == 0)
		return cc_errf(e, "%s: file is empty", name), NULL;
	nul = memchr(buf, '\0', len);
	if (nul != NULL)
		return cc_errf(e,
			       "%s: NUL byte at offset %zu: a binary file (or "
			       "UTF-16 text) is not a CPUID dump",
			       name, (size_t)(nul - buf)),
		       NULL;
	if (f == NULL) {
		char cands[256];
		size_t clen = 0;

		cands[0] = '\0';
		for (i = 0; fmt_table[i]; i++) {
			if (fmt_table[i]->detect(buf, len)) {
				hits++;
				f = fmt_table[i];
				clen += (size_t)snprintf(
					cands + clen,
					sizeof cands > clen ? sizeof cands - clen
							    : 0,
					"%s%s", clen ? ", " : "", f->name);
			}
		}
		if (hits != 1) {
			list_names(names, sizeof names, 0);
			if (hits == 0)
				return cc_errf(e,
					       "%s: not a CPUID file in any "
					       "known format (%s); name one "
					       "with --input-format",
					       name, names),
				       NULL;
			return cc_errf(e,
				       "%s: looks like several formats (%s); "
				       "name one with --input-format",
				       name, cands),
			       NULL;
		}
	}
	return f->read(buf, len, name, opts, e);
}

struct cc_set *fmt_load_file(const char *path, const char *format,
			     const struct fmt_opts *opts, struct cc_err *e)
{
	struct cc_buf b;
	struct cc_set *s;

	if (cc_buf_load(&b, path, e) < 0)
		return NULL;
	s = fmt_load_buffer(b.data, b.len,
			    strcmp(path, "-") == 0 ? "<stdin>" : path, format,
			    opts, e);
	cc_buf_free(&b);
	return s;
}

int fmt_parse_hex32(const char *s, size_t n, uint32_t *v)
{
	uint32_t x = 0;
	size_t i = 0, digits = 0;

	if (n >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		i = 2;
	if (i == n)
		return -1;
	for (; i < n; i++) {
		int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = c - '0';
		else if (c >= 'a' && c <= 'f')
			d = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			d = c - 'A' + 10;
		else
			return -1;
		if (digits == 0 && d == 0 && i + 1 < n)
			continue; /* leading zeros do not count */
		if (++digits > 8)
			return -1;
		x = x << 4 | (uint32_t)d;
	}
	*v = x;
	return 0;
}
