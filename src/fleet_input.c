/*
 * Fleet input: see fleet_input.h.  Files are read with one open, fstat
 * and read into a buffer reused from host to host, then parsed by the
 * format layer (fmt_load_buffer, detection included), so per-host cost is
 * the parse; `host`, `kvm` and `profile:NAME` go through source_load.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc_buf.h"
#include "fleet_input.h"
#include "fmt.h"

static void push(struct fleet_specs *s, char *spec)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = cc_xrealloc(s->v, s->cap * sizeof *s->v);
	}
	s->v[s->n++] = spec;
}

void fleet_specs_free(struct fleet_specs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int add_dir(struct fleet_specs *s, const char *dir, struct cc_err *e)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t first = s->n;
	const char *sep = dir[strlen(dir) - 1] == '/' ? "" : "/";

	if (d == NULL)
		return cc_errf(e, "%s: cannot read the directory: %s", dir,
			       strerror(errno));
	while ((de = readdir(d)) != NULL) {
		struct cc_buf p;
		struct stat st;
		int reg;

		if (de->d_name[0] == '.')
			continue;
		cc_buf_init(&p);
		cc_buf_printf(&p, "%s%s%s", dir, sep, de->d_name);
		if (de->d_type == DT_REG)
			reg = 1;
		else if (de->d_type == DT_UNKNOWN || de->d_type == DT_LNK)
			reg = stat(p.data, &st) == 0 && S_ISREG(st.st_mode);
		else
			reg = 0;
		if (reg)
			push(s, p.data);
		else
			cc_buf_free(&p);
	}
	closedir(d);
	if (s->n == first) /* and s->v may still be NULL: no qsort */
		return cc_errf(e, "%s: the directory holds no host files", dir);
	qsort(s->v + first, s->n - first, sizeof *s->v, cmp_str);
	return 0;
}

/* The lines of list LIST (already read) as specs. */
static void add_lines(struct fleet_specs *s, char *list)
{
	char *line = list, *next;

	for (; line != NULL && *line; line = next) {
		char *end;

		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		while (*line == ' ' || *line == '\t')
			line++;
		end = line + strlen(line);
		while (end > line &&
		       (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r'))
			*--end = '\0';
		if (*line == '\0' || *line == '#')
			continue;
		push(s, cc_xstrdup(line));
	}
}

int fleet_specs_add(struct fleet_specs *s, const char *arg, struct cc_err *e)
{
	struct stat st;
	struct cc_buf b;

	if (arg[0] == '@' || strcmp(arg, "-") == 0) {
		const char *path = arg[0] == '@' ? arg + 1 : "-";

		if (cc_buf_load(&b, path, e) < 0)
			return -1;
		add_lines(s, b.data);
		cc_buf_free(&b);
		return 0;
	}
	if (stat(arg, &st) == 0 && S_ISDIR(st.st_mode))
		return add_dir(s, arg, e);
	push(s, cc_xstrdup(arg));
	return 0;
}

/* Read PATH into *BUF (capacity *CAP, reused), NUL-terminated. */
static int read_file(const char *path, char **buf, size_t *cap, size_t *len,
		     struct cc_err *e)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	ssize_t r;

	if (fd < 0)
		return cc_errf(e, "%s: cannot open: %s", path, strerror(errno));
	if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
		close(fd);
		return cc_errf(e, "%s: is a directory, not a CPUID file", path);
	}
	*len = 0;
	for (;;) {
		if (*cap - *len < 4096) {
			*cap = *cap ? *cap * 2 : 65536;
			*buf = cc_xrealloc(*buf, *cap);
		}
		r = read(fd, *buf + *len, *cap - *len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int saved = errno;

			close(fd);
			return cc_errf(e, "%s: read failed: %s", path,
				       strerror(saved));
		}
		if (r == 0)
			break;
		*len += (size_t)r;
		if (*len > CC_MAX_INPUT) {
			close(fd);
			return cc_errf(e,
				       "%s: larger than the %u MiB limit for "
				       "CPUID input",
				       path, CC_MAX_INPUT >> 20);
		}
	}
	close(fd);
	(*buf)[*len] = '\0';
	return 0;
}

static int is_special(const char *spec)
{
	return strcmp(spec, "host") == 0 || strcmp(spec, "kvm") == 0 ||
	       strncmp(spec, "profile:", 8) == 0;
}

size_t fleet_load(struct cc_fleet *f, const struct fleet_specs *s,
		  const struct fleet_load_opts *o)
{
	struct fmt_opts fo = {-1, 0};
	const char *format = NULL;
	char *buf = NULL;
	size_t cap = 0, len = 0, i, nbad = 0;

	if (o->so != NULL) {
		fo.cpu = o->so->cpu;
		format = o->so->input_format;
	}
	for (i = 0; i < s->n; i++) {
		struct cc_set *set = NULL;
		struct cc_err e;

		if (is_special(s->v[i]))
			set = source_load(s->v[i], o->so, &e);
		else if (read_file(s->v[i], &buf, &cap, &len, &e) == 0 &&
			 (set = fmt_load_buffer(buf, len, s->v[i], format, &fo,
						&e)) != NULL)
			cc_set_set_origin(set, s->v[i]);
		if (set == NULL || cc_fleet_add(f, set, NULL, &e) < 0) {
			nbad++;
			if (o->bad != NULL)
				o->bad(o->ctx, e.msg);
		}
		if (o->progress != NULL &&
		    ((i + 1) % FLEET_PROGRESS_EVERY == 0 || i + 1 == s->n))
			o->progress(o->ctx, i + 1, s->n);
	}
	free(buf);
	return nbad;
}
