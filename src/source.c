/*
 * Resolving source specs to CPUID sets: see source.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "cc_buf.h"
#include "fmt.h"
#include "profile_names.h"
#include "source.h"

static struct cc_set *load_profile(const char *name, const struct fmt_opts *fo,
				   struct cc_err *e)
{
	const char *dir = getenv("CPUCOMPAT_PROFILES");
	const struct cc_embedded *p;
	char label[160];
	struct cc_set *s;

	if (dir != NULL && *dir) {
		struct cc_buf path;

		cc_buf_init(&path);
		cc_buf_printf(&path, "%s/%s.json", dir, name);
		s = fmt_load_file(path.data, NULL, fo, e);
		cc_buf_free(&path);
		return s;
	}
	snprintf(label, sizeof label, "profile:%s", name);
	p = profile_names_find(name, e);
	if (p == NULL)
		return NULL;
	return fmt_load_buffer(p->text, p->len, label, NULL, fo, e);
}

static struct cc_set *load_spec(const char *spec, const struct source_opts *o,
				struct cc_err *e)
{
	struct fmt_opts fo = {-1, 0};

	if (o != NULL)
		fo.cpu = o->cpu;
	if (strcmp(spec, "host") == 0)
		return capture_host(e);
	if (strcmp(spec, "kvm") == 0)
		return capture_kvm(NULL, e);
	if (strcmp(spec, "auto") == 0)
		return capture_auto(e);
	if (strncmp(spec, "profile:", 8) == 0)
		return load_profile(spec + 8, &fo, e);
	return fmt_load_file(spec, o ? o->input_format : NULL, &fo, e);
}

struct cc_set *source_load(const char *spec, const struct source_opts *o,
			   struct cc_err *e)
{
	struct cc_set *s = load_spec(spec, o, e);

	if (s != NULL)
		cc_set_set_origin(s, spec);
	return s;
}
