/*
 * fleetgen: write a synthetic fleet of N host dumps (native JSON) into a
 * directory, for `make bench` and for trying `cpucompat fleet` at scale.
 * Host I is recorded CPU I mod M (of the M fixtures given), varied as
 * fleet_synth.h describes; the output is a function of N and the fixtures
 * only.  Files are DIR/host-NNNNNN.json; -l FILE also writes their paths,
 * one a line, for `cpucompat fleet @FILE`.
 *
 *   fleetgen -n 10000 -o /tmp/fleet [-l /tmp/fleet.txt] tests/data/cpus/X.json ...
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc_buf.h"
#include "fleet_synth.h"
#include "fmt.h"

static int usage(void)
{
	fprintf(stderr, "usage: fleetgen -n N -o DIR [-l LISTFILE] "
			"FIXTURE...\n");
	return 2;
}

/* Plain write: a bench fleet needs no atomic replace (cc_buf_save
 * fsyncs every file, which is slow for 100,000 of them). */
static int put_file(const char *path, const struct cc_buf *b)
{
	FILE *f = fopen(path, "w");
	int bad;

	if (f == NULL) {
		fprintf(stderr, "fleetgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	bad = fwrite(b->data, 1, b->len, f) != b->len;
	if (fclose(f) != 0 || bad) {
		fprintf(stderr, "fleetgen: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int write_host(const struct cc_set *model, size_t i, const char *dir,
		      FILE *list)
{
	struct synth_variant v;
	struct cc_set *s = cc_set_dup(model);
	struct cc_buf b, path;
	struct cc_err e;
	char name[32];
	int rc = 0;

	snprintf(name, sizeof name, "host-%06zu", i);
	free(s->name);
	s->name = cc_xstrdup(name);
	synth_variant_of(i, &v);
	synth_apply(s, &v);
	cc_buf_init(&b);
	cc_buf_init(&path);
	cc_buf_printf(&path, "%s/%s.json", dir, name);
	if (fmt_native.write(&b, s, &e) < 0) {
		fprintf(stderr, "fleetgen: %s\n", e.msg);
		rc = -1;
	} else if (put_file(path.data, &b) < 0) {
		rc = -1;
	} else if (list != NULL) {
		fprintf(list, "%s\n", path.data);
	}
	cc_buf_free(&b);
	cc_buf_free(&path);
	cc_set_free(s);
	return rc;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *listpath = NULL;
	struct cc_set **models;
	size_t n = 0, m, i;
	FILE *list = NULL;
	int c, rc = 0;

	while ((c = getopt(argc, argv, "n:o:l:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 'o':
			dir = optarg;
			break;
		case 'l':
			listpath = optarg;
			break;
		default:
			return usage();
		}
	}
	if (n == 0 || dir == NULL || optind >= argc)
		return usage();
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "fleetgen: %s: %s\n", dir, strerror(errno));
		return 2;
	}
	m = (size_t)(argc - optind);
	models = cc_xcalloc(m, sizeof *models);
	for (i = 0; i < m; i++) {
		struct fmt_opts fo = {-1, 0};
		struct cc_err e;

		models[i] = fmt_load_file(argv[optind + i], NULL, &fo, &e);
		if (models[i] == NULL) {
			fprintf(stderr, "fleetgen: %s\n", e.msg);
			rc = 2;
			goto out;
		}
	}
	if (listpath != NULL && (list = fopen(listpath, "w")) == NULL) {
		fprintf(stderr, "fleetgen: %s: %s\n", listpath,
			strerror(errno));
		rc = 2;
		goto out;
	}
	for (i = 0; i < n && rc == 0; i++)
		if (write_host(models[i % m], i, dir, list) < 0)
			rc = 2;
	if (list != NULL && fclose(list) != 0)
		rc = 2;
out:
	for (i = 0; i < m; i++)
		cc_set_free(models[i]);
	free(models);
	return rc;
}
