/*
 * Growable text buffers, bounded whole-file reads and atomic file writes.
 * Every output file cpucompat creates goes through cc_buf_save: the text is
 * rendered completely in memory first, then written to a temporary file in
 * the target's directory and renamed over the target, so a crash or signal
 * leaves either the old file or the new one, never a mix.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc_buf.h"

void *cc_xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (p == NULL) {
		fputs("cpucompat: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *cc_xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (p == NULL) {
		fputs("cpucompat: out of memory\n", stderr);
		abort();
	}
	return p;
}

void *cc_xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (p == NULL) {
		fputs("cpucompat: out of memory\n", stderr);
		abort();
	}
	return p;
}

char *cc_xstrdup(const char *s)
{
	size_t n = strlen(s) + 1;

	return memcpy(cc_xmalloc(n), s, n);
}

void cc_buf_init(struct cc_buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

void cc_buf_free(struct cc_buf *b)
{
	free(b->data);
	cc_buf_init(b);
}

static void grow(struct cc_buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 256;
	while (b->cap < need)
		b->cap *= 2;
	b->data = cc_xrealloc(b->data, b->cap);
}

void cc_buf_add(struct cc_buf *b, const char *s, size_t n)
{
	grow(b, n);
	memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void cc_buf_puts(struct cc_buf *b, const char *s)
{
	cc_buf_add(b, s, strlen(s));
}

void cc_buf_vprintf(struct cc_buf *b, const char *fmt, va_list ap)
{
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		return;
	grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void cc_buf_printf(struct cc_buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cc_buf_vprintf(b, fmt, ap);
	va_end(ap);
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * The save in progress: its temporary file, removed by save_signal when a
 * terminating signal arrives between mkstemp and rename.
 */
static char *volatile save_tmp;
static const int save_signals[] = {
	SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGPIPE,
	SIGALRM, SIGUSR1, SIGUSR2, SIGXCPU, SIGXFSZ,
};
#define NSAVE_SIGNALS (sizeof save_signals / sizeof save_signals[0])

static void save_signal(int sig)
{
	char *t = save_tmp;

	if (t != NULL)
		unlink(t);
	/* die of SIG as if it had not been caught: it is blocked in here and
	 * delivered, with the default action, when the handler returns */
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Catch the terminating signals left at their default action; OLD gets
 * the previous actions (installed[i] says which were replaced). */
static void save_catch(struct sigaction *old, int *installed)
{
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = save_signal;
	sigfillset(&sa.sa_mask);
	for (i = 0; i < NSAVE_SIGNALS; i++) {
		installed[i] = sigaction(save_signals[i], NULL, &old[i]) == 0 &&
			       old[i].sa_handler == SIG_DFL &&
			       sigaction(save_signals[i], &sa, NULL) == 0;
	}
}

static void save_release(const struct sigaction *old, const int *installed)
{
	size_t i;

	for (i = 0; i < NSAVE_SIGNALS; i++)
		if (installed[i])
			sigaction(save_signals[i], &old[i], NULL);
}

/* ".NAME.cpucompat-XXXXXX" in the directory of PATH (a mkstemp template). */
static char *temp_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	size_t n = strlen(path) + sizeof ".cpucompat-XXXXXX" + 1;
	char *tmp = cc_xmalloc(n);

	snprintf(tmp, n, "%.*s.%s.cpucompat-XXXXXX", (int)dirlen, path,
		 path + dirlen);
	return tmp;
}

int cc_buf_save(const struct cc_buf *b, const char *path, struct cc_err *e)
{
	const char *data = b->data ? b->data : "";
	char *tmp;
	int fd, saved, installed[NSAVE_SIGNALS];
	struct sigaction old_act[NSAVE_SIGNALS];
	sigset_t all, old;
	struct stat st;

	if (path == NULL || strcmp(path, "-") == 0) {
		if (write_all(STDOUT_FILENO, data, b->len) < 0)
			return cc_errf(e, "<stdout>: write failed: %s",
				       strerror(errno));
		return 0;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode) &&
	    !S_ISDIR(st.st_mode)) {
		/* a FIFO or a device (-o /dev/stderr): write in place, never
		 * replace it with a regular file */
		fd = open(path, O_WRONLY | O_CLOEXEC);
		if (fd < 0)
			return cc_errf(e, "%s: cannot open: %s", path,
				       strerror(errno));
		if (write_all(fd, data, b->len) < 0) {
			saved = errno;
			close(fd);
			return cc_errf(e, "%s: write failed: %s", path,
				       strerror(saved));
		}
		close(fd);
		return 0;
	}
	tmp = temp_name(path);
	/* From mkstemp to rename, a terminating signal removes the
	 * temporary (only SIGKILL can leave one behind). */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	save_catch(old_act, installed);
	fd = mkstemp(tmp);
	saved = errno;
	if (fd >= 0)
		save_tmp = tmp;
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (fd < 0) {
		save_release(old_act, installed);
		free(tmp);
		return cc_errf(e, "%s: cannot create: %s", path,
			       strerror(saved));
	}
	if (write_all(fd, data, b->len) < 0 || fchmod(fd, 0644) < 0 ||
	    fsync(fd) < 0) {
		saved = errno;
		close(fd);
		sigprocmask(SIG_BLOCK, &all, &old);
		unlink(tmp);
		save_tmp = NULL;
		save_release(old_act, installed);
		sigprocmask(SIG_SETMASK, &old, NULL);
		free(tmp);
		return cc_errf(e, "%s: write failed: %s", path,
			       strerror(saved));
	}
	close(fd);
	/* No signal may land between rename and the bookkeeping: one that
	 * arrives now is delivered after the rename, with its own action. */
	sigprocmask(SIG_BLOCK, &all, &old);
	if (rename(tmp, path) < 0) {
		saved = errno;
		unlink(tmp);
		save_tmp = NULL;
		save_release(old_act, installed);
		sigprocmask(SIG_SETMASK, &old, NULL);
		free(tmp);
		return cc_errf(e, "%s: cannot replace: %s", path,
			       strerror(saved));
	}
	save_tmp = NULL;
	save_release(old_act, installed);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return 0;
}

int cc_buf_load(struct cc_buf *b, const char *path, struct cc_err *e)
{
	int fd;
	int is_stdin = strcmp(path, "-") == 0;
	const char *shown = is_stdin ? "<stdin>" : path;
	struct stat st;
	char chunk[65536];

	cc_buf_init(b);
	fd = is_stdin ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return cc_errf(e, "%s: cannot open: %s", shown,
			       strerror(errno));
	if (fstat(fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			if (!is_stdin)
				close(fd);
			return cc_errf(e,
				       "%s: is a directory, not a CPUID file",
				       shown);
		}
		if (S_ISREG(st.st_mode) &&
		    (uintmax_t)st.st_size > CC_MAX_INPUT) {
			if (!is_stdin)
				close(fd);
			return cc_errf(e,
				       "%s: file is %jd bytes, larger than the "
				       "%u MiB limit for CPUID input",
				       shown, (intmax_t)st.st_size,
				       CC_MAX_INPUT >> 20);
		}
	}
	for (;;) {
		ssize_t r = read(fd, chunk, sizeof chunk);

		if (r < 0) {
			int saved = errno;

			if (saved == EINTR)
				continue;
			if (!is_stdin)
				close(fd);
			cc_buf_free(b);
			return cc_errf(e, "%s: read failed: %s", shown,
				       strerror(saved));
		}
		if (r == 0)
			break;
		if (b->len + (size_t)r > CC_MAX_INPUT) {
			if (!is_stdin)
				close(fd);
			cc_buf_free(b);
			return cc_errf(e,
				       "%s: input larger than the %u MiB limit "
				       "for CPUID input",
				       shown, CC_MAX_INPUT >> 20);
		}
		cc_buf_add(b, chunk, (size_t)r);
	}
	if (!is_stdin)
		close(fd);
	if (b->data == NULL)
		cc_buf_add(b, "", 0);
	return 0;
}
