/*
 * `cpucompat fleet SOURCE...`: a fleet of hosts (files, directories,
 * @lists, - for a list on standard input) collapsed into classes of equal
 * guest CPUID, with the migration order between classes, one baseline per
 * vendor, the largest group with a common profile and the hosts whose
 * removal would add most to a baseline; as text, JSON, Graphviz DOT or
 * SVG (through Graphviz's dot); or, with --labels, each host's Kubernetes
 * node labels.  Hosts that cannot be read are reported on stderr, one line
 * each, the rest is answered, and the exit status is then 2.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cc_buf.h"
#include "cmd.h"
#include "cmd_fleet.h"
#include "fleet_out.h"

struct fleet_args {
	struct cmd_args c;
	int labels;
	int all;
};

static const struct cmd_opt fleet_opts[] = {
	CMD_USE(cmd_opt_format,
		"text (default), json, dot (Graphviz) or svg "
		"(needs\nGraphviz's dot); with --labels: text "
		"or json",
		"text|json|dot|svg"),
	CMD_USE(cmd_opt_output, NULL, NULL),
	CMD_OPT("labels", 0, NULL, CMD_FLAG, struct fleet_args, labels,
		"each host's Kubernetes node labels (KubeVirt's\n"
		"cpu-model/cpu-feature/cpu-vendor convention)"),
	CMD_OPT("all-hosts", 0, NULL, CMD_FLAG, struct fleet_args, all,
		"name every host in text (default: a few per class)"),
	CMD_USE(cmd_opt_defs, NULL, NULL),
	CMD_USE(cmd_opt_input_format, NULL, NULL),
	CMD_USE(cmd_opt_cpu, NULL, NULL),
	CMD_USE(cmd_opt_help, NULL, NULL),
	CMD_END,
};

/* Whether a progress line is on the terminal, unfinished. */
struct progress {
	int open;
};

static void on_bad(void *ctx, const char *msg)
{
	struct progress *p = ctx;

	if (p->open)
		fputs("\n", stderr);
	p->open = 0;
	fprintf(stderr, "cpucompat: %s\n", msg);
}

static void on_progress(void *ctx, size_t done, size_t total)
{
	struct progress *p = ctx;

	fprintf(stderr, "\rcpucompat: loaded %zu of %zu hosts", done, total);
	p->open = done < total;
	if (done == total)
		fputs("\n", stderr);
}

/* Is NAME an executable file in a directory of $PATH? */
static int in_path(const char *name)
{
	const char *p = getenv("PATH");
	struct cc_buf b;
	int found = 0;

	while (p != NULL && *p && !found) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);

		cc_buf_init(&b);
		cc_buf_add(&b, n ? p : ".", n ? n : 1);
		cc_buf_printf(&b, "/%s", name);
		found = access(b.data, X_OK) == 0;
		cc_buf_free(&b);
		p = end ? end + 1 : NULL;
	}
	return found;
}

/* Run `dot -Tsvg` on DOT (a temporary file feeds its input), its output
 * into SVG.  -1 and E when it cannot run or fails. */
static int dot_svg(const struct cc_buf *dot, struct cc_buf *svg,
		   struct cc_err *e)
{
	char tmp[] = "/tmp/cpucompat-dot.XXXXXX", chunk[65536];
	int fd = mkstemp(tmp), pipefd[2], status;
	ssize_t r;
	pid_t pid;

	if (fd < 0)
		return cc_errf(e, "%s: %s", tmp, strerror(errno));
	if (write(fd, dot->data, dot->len) != (ssize_t)dot->len ||
	    lseek(fd, 0, SEEK_SET) != 0 || pipe(pipefd) < 0) {
		close(fd);
		unlink(tmp);
		return cc_errf(e, "writing the graph for dot: %s",
			       strerror(errno));
	}
	unlink(tmp);
	pid = fork();
	if (pid == 0) {
		dup2(fd, STDIN_FILENO);
		dup2(pipefd[1], STDOUT_FILENO);
		close(pipefd[0]);
		execlp("dot", "dot", "-Tsvg", (char *)NULL);
		_exit(127);
	}
	close(fd);
	close(pipefd[1]);
	while (pid > 0 && (r = read(pipefd[0], chunk, sizeof chunk)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		cc_buf_add(svg, chunk, (size_t)r);
	}
	close(pipefd[0]);
	if (pid < 0 || waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0)
		return cc_errf(e, "Graphviz's dot failed to draw the graph");
	return 0;
}

/* Render the analysed fleet F as A asks into B; -1 and E on failure. */
static int render(const struct fleet_args *a, const struct cc_fleet *f,
		  size_t nbad, struct cc_buf *b, struct cc_err *e)
{
	const char *fmt = a->c.format;

	if (a->labels) {
		fleet_labels(b, f, strcmp(fmt, "json") == 0);
	} else if (strcmp(fmt, "json") == 0) {
		fleet_json(b, f, nbad);
	} else if (strcmp(fmt, "dot") == 0) {
		fleet_dot(b, f);
	} else if (strcmp(fmt, "svg") == 0) {
		struct cc_buf dot;
		int rc;

		cc_buf_init(&dot);
		fleet_dot(&dot, f);
		rc = dot_svg(&dot, b, e);
		cc_buf_free(&dot);
		return rc;
	} else {
		fleet_text(b, f, nbad, a->all);
	}
	return 0;
}

int cmd_fleet_load(const struct cmd *self, char **args, size_t n,
		   const struct source_opts *so, struct cc_fleet *f,
		   size_t *nbad)
{
	struct fleet_specs sp;
	struct fleet_load_opts lo;
	struct progress prog = {0};
	struct cc_err e;
	size_t i, stdin_lists = 0;

	memset(&sp, 0, sizeof sp);
	for (i = 0; i < n; i++) {
		if (strcmp(args[i], "-") == 0 && stdin_lists++)
			return cmd_usage(self,
					 "standard input (-) given twice");
		if (fleet_specs_add(&sp, args[i], &e) < 0) {
			fleet_specs_free(&sp);
			return cmd_fail(&e);
		}
	}
	memset(&lo, 0, sizeof lo);
	lo.so = so;
	lo.bad = on_bad;
	lo.ctx = &prog;
	if (sp.n >= FLEET_PROGRESS_EVERY && isatty(STDERR_FILENO))
		lo.progress = on_progress;
	*nbad = fleet_load(f, &sp, &lo);
	fleet_specs_free(&sp);
	if (f->nhosts == 0) {
		fprintf(stderr, "cpucompat %s: no host could be read\n",
			self->name);
		return CC_EXIT_ERROR;
	}
	if (cc_fleet_analyze(f, &e) < 0)
		return cmd_fail(&e);
	return CMD_GO;
}

/* The checks of --labels and -f svg before anything is read. */
static int fleet_check(const struct cmd *self, const void *args, char **ops,
		       size_t n)
{
	const struct fleet_args *a = args;

	if (a->labels && strcmp(a->c.format, "text") != 0 &&
	    strcmp(a->c.format, "json") != 0)
		return cmd_usage(self, "--labels: -f text or json");
	if (!a->labels && strcmp(a->c.format, "svg") == 0 && !in_path("dot")) {
		fprintf(stderr,
			"cpucompat fleet: -f svg needs Graphviz's dot "
			"(Debian package graphviz), which is not "
			"installed; -f dot writes the graph for it\n");
		return CC_EXIT_ERROR;
	}
	return CMD_GO;
}

/* Read the fleet of OPS[0..N) and write it; the exit status. */
static int fleet(const struct cmd *self, void *args, const struct cc_defs *d,
		 struct cc_set **sets, char **ops, size_t n)
{
	const struct fleet_args *a = args;
	struct cc_fleet *f = cc_fleet_new(d);
	struct cc_buf b;
	struct cc_err e;
	size_t nbad = 0;
	int rc;

	rc = cmd_fleet_load(self, ops, n, &a->c.so, f, &nbad);
	if (rc == CMD_GO) {
		/* only the labels list every profile a class runs */
		if (a->labels)
			fleet_name_runs(f);
		cc_buf_init(&b);
		if (render(a, f, nbad, &b, &e) < 0 ||
		    cc_buf_save(&b, a->c.output, &e) < 0)
			rc = cmd_fail(&e);
		else
			rc = nbad ? CC_EXIT_ERROR : CC_EXIT_OK;
		cc_buf_free(&b);
	}
	cc_fleet_free(f);
	return rc;
}

static const struct cmd_sources fleet_sources = {
	.min = 1,
	.count = "expected at least one SOURCE",
	.check = fleet_check,
	.run = fleet,
};

static int run_fleet(const struct cmd *self, int argc, char **argv)
{
	struct fleet_args a = {.c = {.so = {NULL, -1}, .format = "text"}};

	return cmd_run_sources(self, argc, argv, &a, &fleet_sources);
}

const struct cmd cmd_fleet = {
	.name = "fleet",
	.synopsis = "SOURCE... [-f text|json|dot|svg] [--labels] [-o FILE]",
	.summary =
		"Classes of hosts with equal guest CPUID, the migration "
		"order, per-vendor baselines.",
	.opts = fleet_opts,
	.run = run_fleet,
};
