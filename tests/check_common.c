/*
 * Helpers shared by the Check suites: see check_common.h.  The fixture
 * loader sorts by file name so that every run sees the recorded CPUs in
 * the same order, whatever order the directory lists them in.
 */
#include "config.h"

#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_common.h"
#include "fmt.h"

#define CPUS_DIR TOP_SRCDIR "/tests/data/cpus"

struct cc_leaf *cct_put(struct cc_set *s, uint32_t leaf, uint32_t sub,
			uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	struct cc_leaf *l = cc_set_put(s, leaf, sub, sub);

	ck_assert_msg(l != NULL, "%s: leaf %#x subleaf %u is already there",
		      s->name, leaf, sub);
	l->reg[CC_EAX] = a;
	l->reg[CC_EBX] = b;
	l->reg[CC_ECX] = c;
	l->reg[CC_EDX] = d;
	return l;
}

void cct_finish(struct cc_set *s)
{
	struct cc_err e;

	if (cc_set_finish(s, &e) < 0)
		ck_abort_msg("%s", e.msg);
}

const char *cct_data_path(const char *file)
{
	static char path[4096];

	snprintf(path, sizeof path, "%s/tests/data/%s", TOP_SRCDIR, file);
	return path;
}

static struct cc_set *load_path(const char *path)
{
	struct cc_err e;
	struct cc_set *s;

	e.msg[0] = '\0';
	s = fmt_load_file(path, NULL, NULL, &e);
	if (s == NULL)
		ck_abort_msg("recorded CPU does not load: %s", e.msg);
	return s;
}

struct cc_set *cct_cpu(const char *name)
{
	char path[4096];

	snprintf(path, sizeof path, "%s/%s.json", CPUS_DIR, name);
	return load_path(path);
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

size_t cct_load_cpus(struct cc_set ***out)
{
	DIR *dp = opendir(CPUS_DIR);
	struct dirent *de;
	char **names = NULL, path[8192];
	size_t n = 0, i;

	ck_assert_msg(dp != NULL, "cannot read %s", CPUS_DIR);
	while ((de = readdir(dp)) != NULL) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".json") != 0)
			continue;
		names = cc_xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = cc_xstrdup(de->d_name);
	}
	closedir(dp);
	ck_assert_msg(n > 0, "no recorded CPU in %s", CPUS_DIR);
	qsort(names, n, sizeof *names, by_name);
	*out = cc_xcalloc(n, sizeof **out);
	for (i = 0; i < n; i++) {
		snprintf(path, sizeof path, "%s/%s", CPUS_DIR, names[i]);
		(*out)[i] = load_path(path);
		free(names[i]);
	}
	free(names);
	return n;
}

void cct_free_sets(struct cc_set **sets, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		cc_set_free(sets[i]);
	free(sets);
}

int cct_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
