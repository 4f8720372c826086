/*
 * `cpucompat matrix SOURCE...`: which guest can move to which host, for
 * every pair of a fleet (profile.c computes the matrix), as a grid of
 * marks, CSV, or JSON that names what blocks each pair; exit 1 if any
 * pair cannot migrate.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_buf.h"
#include "cc_json.h"
#include "cmd.h"
#include "guest.h"
#include "matrix.h"
#include "profile.h"
#include "report.h"

struct matrix_args {
	struct cmd_args c;
	const char *view; /* --view: "guest" (default) or "raw" */
};

static const struct cmd_opt matrix_opts[] = {
	CMD_USE(cmd_opt_format,
		"text (default: a grid), json (what blocks "
		"each pair)\n"
		"or csv (a yes/no grid)",
		"text|json|csv"),
	CMD_USE(cmd_opt_output, NULL, NULL),
	CMD_OPT_CHOICES("view", 0, "VIEW", struct matrix_args, view,
			"guest (default): what a KVM guest sees, as\n"
			"check judges; raw: raw CPUID",
			"guest|raw"),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* Names blocking cell (I, J), as a JSON array, into B. */
static void cell_json(struct cc_buf *b, const struct cc_matrix *m, size_t i,
		      size_t j)
{
	struct cc_blocker fixed[64], *bl = fixed;
	size_t n, x, y, count = 0;
	enum cc_cell cell = cc_matrix_cell(m, i, j);

	if (cell == CC_CELL_OK) {
		cc_buf_puts(b, "[]");
		return;
	}
	if (cell == CC_CELL_VENDOR) {
		cc_buf_puts(b, "[\"vendor\"]");
		return;
	}
	n = cc_matrix_blockers(m, i, j, fixed, 64);
	if (n > 64) {
		bl = cc_xmalloc(n * sizeof *bl);
		cc_matrix_blockers(m, i, j, bl, n);
	}
	cc_buf_puts(b, "[");
	for (x = 0; x < n; x++) {
		char pos[64];
		const char *name;

		if (bl[x].field != NULL) {
			name = bl[x].field->name;
			for (y = 0; y < x; y++)
				if (bl[y].field == bl[x].field)
					break;
			if (y < x)
				continue;
		} else {
			cmd_position(bl[x].leaf, bl[x].subleaf, bl[x].reg,
				     bl[x].lo, bl[x].hi, pos, sizeof pos);
			name = pos;
		}
		if (count++)
			cc_buf_puts(b, ", ");
		cc_json_put_string(b, name);
	}
	cc_buf_puts(b, "]");
	if (bl != fixed)
		free(bl);
}

/*
 * JSON for fleets: N x N cells hold an index into "blockers", the list of
 * distinct blocking-name lists (blockers[0] is [], "can run"), so that a
 * matrix of 1,000 hosts stays a few megabytes: the names blocking cell
 * (i, j) are blockers[cells[i][j]].
 */
static void matrix_json(struct cc_buf *b, const struct cc_matrix *m,
			char *const *specs, size_t n)
{
	size_t nc = cc_matrix_nclasses(m), i, j, nlists = 1, k, nb = 64;
	size_t *idx = cc_xmalloc((nc * nc + 1) * sizeof *idx);
	size_t *rep = cc_xmalloc((nc + 1) * sizeof *rep), *bucket;
	struct cc_buf *lists = cc_xcalloc(nc * nc + 2, sizeof *lists);

	cc_buf_puts(&lists[0], "[]");
	while (nb < 2 * nc * nc)
		nb *= 2;
	bucket = cc_xmalloc(nb * sizeof *bucket);
	for (i = 0; i < nb; i++)
		bucket[i] = SIZE_MAX;
	/* one representative set per class; distinct lists by hash */
	for (i = n; i-- > 0;)
		rep[cc_matrix_class(m, i)] = i;
	for (i = 0; i < nc; i++) {
		for (j = 0; j < nc; j++) {
			struct cc_buf *l = &lists[nlists];
			uint64_t h = 14695981039346656037ull;

			if (cc_matrix_cell(m, rep[i], rep[j]) == CC_CELL_OK) {
				idx[i * nc + j] = 0;
				continue;
			}
			cell_json(l, m, rep[i], rep[j]);
			for (k = 0; k < l->len; k++)
				h = (h ^ (unsigned char)l->data[k]) *
				    1099511628211ull;
			for (k = h & (nb - 1); bucket[k] != SIZE_MAX;
			     k = (k + 1) & (nb - 1)) {
				const struct cc_buf *o = &lists[bucket[k]];

				if (o->len == l->len &&
				    memcmp(o->data, l->data, l->len) == 0)
					break;
			}
			if (bucket[k] == SIZE_MAX) {
				bucket[k] = nlists++;
			} else {
				cc_buf_free(l);
			}
			idx[i * nc + j] = bucket[k];
		}
	}
	free(bucket);
	free(rep);
	cc_buf_puts(b,
		    "{\n  \"question\": \"can a guest of sources[i] run "
		    "on sources[j]? blockers[cells[i][j]] lists what stops "
		    "it; [] = yes\",\n  \"sources\": [");
	for (i = 0; i < n; i++) {
		cc_buf_puts(b, i ? ",\n    " : "\n    ");
		cc_json_put_string(b, specs[i]);
	}
	cc_buf_puts(b, "\n  ],\n  \"blockers\": [");
	for (k = 0; k < nlists; k++) {
		cc_buf_puts(b, k ? ",\n    " : "\n    ");
		cc_buf_add(b, lists[k].data, lists[k].len);
		cc_buf_free(&lists[k]);
	}
	cc_buf_puts(b, "\n  ],\n  \"cells\": [");
	for (i = 0; i < n; i++) {
		const size_t *row = idx + cc_matrix_class(m, i) * nc;

		cc_buf_puts(b, i ? ",\n    [" : "\n    [");
		for (j = 0; j < n; j++)
			cc_buf_printf(b, j ? ",%zu" : "%zu",
				      row[cc_matrix_class(m, j)]);
		cc_buf_puts(b, "]");
	}
	cc_buf_puts(b, "\n  ]\n}\n");
	free(lists);
	free(idx);
}

static void csv_field(struct cc_buf *b, const char *s)
{
	if (strpbrk(s, ",\"\n\r") == NULL) {
		cc_buf_puts(b, s);
		return;
	}
	cc_buf_puts(b, "\"");
	for (; *s; s++) {
		if (*s == '"')
			cc_buf_puts(b, "\"");
		cc_buf_add(b, s, 1);
	}
	cc_buf_puts(b, "\"");
}

static void matrix_csv(struct cc_buf *b, const struct cc_matrix *m,
		       char *const *specs, size_t n)
{
	static const char *const word[] = {"yes", "no", "vendor"};
	size_t i, j;

	cc_buf_puts(b, "guest\\host");
	for (j = 0; j < n; j++) {
		cc_buf_puts(b, ",");
		csv_field(b, specs[j]);
	}
	cc_buf_puts(b, "\n");
	for (i = 0; i < n; i++) {
		csv_field(b, specs[i]);
		for (j = 0; j < n; j++) {
			cc_buf_puts(b, ",");
			cc_buf_puts(b, word[cc_matrix_cell(m, i, j)]);
		}
		cc_buf_puts(b, "\n");
	}
}

static void matrix_text(struct cc_buf *b, const struct cc_matrix *m,
			struct cc_set *const *sets, char *const *specs,
			size_t n, size_t ok)
{
	static const char mark[] = {'+', '-', 'v'};
	size_t i, j, digits = 1, w;
	unsigned long p;

	for (p = 10; p <= n - 1 && n > 1; p *= 10)
		digits++;
	w = digits < 5 ? 5 : digits;
	cc_buf_printf(b,
		      "Can a guest of row i run on host column j?  + yes, - "
		      "no, v vendor mismatch\n\n");
	for (p = 1, i = 1; i < digits; i++)
		p *= 10;
	for (; p >= 1; p /= 10) {
		cc_buf_printf(b, "%*s  ", (int)w, p == 1 ? "guest" : "");
		for (j = 0; j < n; j++) {
			char digit = (char)('0' + j / p % 10);

			cc_buf_add(b, j < p && p > 1 ? " " : &digit, 1);
		}
		cc_buf_puts(b, "\n");
		if (p == 1)
			break;
	}
	for (i = 0; i < n; i++) {
		cc_buf_printf(b, "%*zu  ", (int)w, i);
		for (j = 0; j < n; j++)
			cc_buf_add(b, &mark[cc_matrix_cell(m, i, j)], 1);
		cc_buf_puts(b, "\n");
	}
	cc_buf_puts(b, "\nsources:\n");
	for (i = 0; i < n; i++) {
		char label[128];

		cc_report_set_title(sets[i], label, sizeof label);
		cc_buf_printf(b, "%*zu  %s", (int)w, i, specs[i]);
		if (strcmp(label, specs[i]) != 0)
			cc_buf_printf(b, " (%s)", label);
		cc_buf_puts(b, "\n");
	}
	cc_buf_printf(b,
		      "\n%zu of %zu pairs can migrate (%zu distinct CPUID "
		      "sets); 'cpucompat check A B' names what blocks a "
		      "pair, -f json lists it for every pair\n",
		      ok, n * n, cc_matrix_nclasses(m));
}

/* The matrix of SETS (named SPECS) rendered and written; the status. */
static int matrix(const struct cmd *self, void *args, const struct cc_defs *d,
		  struct cc_set **sets, char **specs, size_t n)
{
	const struct matrix_args *ma = args;
	const struct cmd_args *a = &ma->c;
	struct cc_matrix *m;
	struct cc_buf b;
	struct cc_err e;
	size_t i, j, ok = 0;
	int rc;

	m = cc_matrix_new_view((const struct cc_set *const *)sets, n, d,
			       cc_view_parse(ma->view));
	for (i = 0; i < n; i++)
		for (j = 0; j < n; j++)
			ok += cc_matrix_cell(m, i, j) == CC_CELL_OK;
	cc_buf_init(&b);
	if (strcmp(a->format, "json") == 0)
		matrix_json(&b, m, specs, n);
	else if (strcmp(a->format, "csv") == 0)
		matrix_csv(&b, m, specs, n);
	else
		matrix_text(&b, m, sets, specs, n, ok);
	if (cc_buf_save(&b, a->output, &e) < 0)
		rc = cmd_fail(&e);
	else
		rc = ok == n * n ? CC_EXIT_OK : CC_EXIT_DIFF;
	cc_matrix_free(m);
	cc_buf_free(&b);
	return rc;
}

static const struct cmd_sources matrix_sources = {
	.min = 1,
	.count = "expected at least one SOURCE",
	.load = 1,
	.run = matrix,
};

static int run_matrix(const struct cmd *self, int argc, char **argv)
{
	struct matrix_args a = {.c = {.so = {NULL, -1}, .format = "text"},
				.view = "guest"};

	return cmd_run_sources(self, argc, argv, &a, &matrix_sources);
}

const struct cmd cmd_matrix = {
	.name = "matrix",
	.synopsis = "SOURCE... [-f text|json|csv] [-o FILE]",
	.summary =
		"Which guest can run on which host, for every pair of "
		"SOURCEs (exit 1 if any cannot).",
	.opts = matrix_opts,
	.run = run_matrix,
};
