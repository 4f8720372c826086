/*
 * Replays fuzz inputs through the fuzz targets without libFuzzer, so that
 * every `make check` (gcc or clang, with or without sanitizers) runs each
 * reproducer of a fixed finding and every seed.
 *
 *   fuzz-replay                  every file in tests/fuzz/regress/TARGET
 *                                and tests/fuzz/seeds/TARGET (source tree)
 *   fuzz-replay TARGET FILE...   the given files through one target
 *
 * A broken invariant or a crash aborts (the test fails); bad input is not
 * a failure.  Exit 0, or 1 when a directory or file cannot be read.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cc_buf.h"
#include "fuzz_targets.h"

#ifndef TOP_SRCDIR
#define TOP_SRCDIR "."
#endif

static int replay_file(const struct fuzz_target *t, const char *path)
{
	struct cc_buf b;
	struct cc_err e;

	if (cc_buf_load(&b, path, &e) < 0) {
		fprintf(stderr, "fuzz-replay: %s\n", e.msg);
		return -1;
	}
	printf("%s %s\n", t->name, path);
	fflush(stdout);
	t->run((const unsigned char *)b.data, b.len);
	cc_buf_free(&b);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every regular file in DIR/TARGET, in name order; the count, or -1. */
static long replay_dir(const struct fuzz_target *t, const char *dir)
{
	char path[4096];
	DIR *dp;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, i;
	long done = 0;

	snprintf(path, sizeof path, "%s/%s", dir, t->name);
	dp = opendir(path);
	if (dp == NULL) {
		fprintf(stderr, "fuzz-replay: %s: cannot open\n", path);
		return -1;
	}
	while ((de = readdir(dp)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		names = cc_xrealloc(names, (n + 1) * sizeof *names);
		names[n++] = cc_xstrdup(de->d_name);
	}
	closedir(dp);
	if (n)
		qsort(names, n, sizeof *names, cmp_str);
	for (i = 0; i < n; i++) {
		struct stat st;

		snprintf(path, sizeof path, "%s/%s/%s", dir, t->name, names[i]);
		if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(t, path) < 0)
				done = -1;
			else if (done >= 0)
				done++;
		}
		free(names[i]);
	}
	free(names);
	return done;
}

int main(int argc, char **argv)
{
	static const char *const dirs[] = {
		TOP_SRCDIR "/tests/fuzz/regress",
		TOP_SRCDIR "/tests/fuzz/seeds",
	};
	const struct fuzz_target *t;
	size_t d, i;
	int rc = 0;

	if (argc > 1) {
		int k;

		t = fuzz_find(argv[1]);
		if (t == NULL) {
			fprintf(stderr, "fuzz-replay: no target '%s'\n", argv[1]);
			return 1;
		}
		for (k = 2; k < argc; k++)
			if (replay_file(t, argv[k]) < 0)
				rc = 1;
		return rc;
	}
	for (d = 0; d < sizeof dirs / sizeof dirs[0]; d++) {
		for (i = 0; fuzz_targets[i].name; i++) {
			long n = replay_dir(&fuzz_targets[i], dirs[d]);

			if (n < 0)
				rc = 1;
			else
				printf("%s: %ld inputs from %s\n",
				       fuzz_targets[i].name, n, dirs[d]);
		}
	}
	return rc;
}
