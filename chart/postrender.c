/* postrender.c - the --post-renderer executable: finding it as Go's
 * exec.LookPath does, and running it with no shell through pipes, feeding its
 * stdin while draining its stdout and stderr in one poll loop (so a child that
 * writes before it has read everything cannot deadlock us). SIGPIPE is blocked
 * while we write, so a child that never reads its input is not fatal. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../functions/functions.h"
#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "chart.h"
#include "postrender.h"

extern char **environ;

#define STDERR_KEEP ((size_t)16 << 20) /* stderr beyond this is read and dropped */
#define OUT_CHUNK   ((size_t)1 << 20)  /* stdout is kept in blocks, joined once at the end */

struct out_block {
	struct out_block *next;
	size_t len;
	char data[OUT_CHUNK];
};

/* Go's syscall error text: glibc's message with a lowercase first letter. */
static const char *go_errno(arena *a, int e)
{
	char *s = arena_strdup(a, strerror(e));
	if (s[0] >= 'A' && s[0] <= 'Z' && !(s[1] >= 'A' && s[1] <= 'Z'))
		s[0] = (char)(s[0] - 'A' + 'a');
	return s;
}

/* exec's findExecutable: a file (not a folder) we may execute. */
static int find_executable(arena *a, const char *file, const char **why)
{
	struct stat st;
	if (stat(file, &st) != 0) {
		*why = arena_sprintf(a, "stat %s: %s", file, go_errno(a, errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		*why = go_errno(a, EISDIR);
		return -1;
	}
	if (faccessat(AT_FDCWD, file, X_OK, AT_EACCESS) == 0)
		return 0;
	if (errno != ENOSYS && errno != EPERM) {
		*why = go_errno(a, errno);
		return -1;
	}
	if (st.st_mode & 0111)
		return 0;
	*why = go_errno(a, EACCES);
	return -1;
}

/* exec.LookPath: the path to run, or NULL with *why. */
static const char *look_path(arena *a, const char *file, const char **why)
{
	if (strchr(file, '/'))
		return find_executable(a, file, why) == 0 ? file : NULL;
	const char *p = getenv("PATH");
	while (p && *p) { /* an empty $PATH has no entries; an empty entry is "." */
		const char *colon = strchrnul(p, ':');
		const char *dir = colon > p ? arena_strndup(a, p, (size_t)(colon - p)) : ".";
		const char *j = arena_sprintf(a, "%s/%s", dir, file);
		j = go_path_clean(a, j, strlen(j));
		if (find_executable(a, j, why) == 0) {
			if (j[0] == '/')
				return j;
			*why = "cannot run executable found relative to current directory";
			return NULL;
		}
		if (!*colon)
			break;
		p = colon + 1;
	}
	*why = "executable file not found in $PATH";
	return NULL;
}

/* os.Getwd: $PWD when it names the current directory, else getcwd. */
static const char *go_getwd(arena *a)
{
	const char *pwd = getenv("PWD");
	struct stat d, p;
	if (pwd && pwd[0] == '/' && stat(".", &d) == 0 && stat(pwd, &p) == 0 &&
	    d.st_dev == p.st_dev && d.st_ino == p.st_ino)
		return pwd;
	char buf[4096];
	return getcwd(buf, sizeof buf) ? arena_strdup(a, buf) : "";
}

int postrender_find(arena *a, const char *path, const char **full, const char **err)
{
	const char *why = NULL, *found = look_path(a, path, &why);
	if (!found) {
		strbuf sb;
		sb_init(&sb, a);
		sb_addf(&sb, "unable to find binary at %s: exec: ", path);
		go_quote(&sb, path, strlen(path));
		sb_addf(&sb, ": %s", why);
		*err = sb_str(&sb);
		return -1;
	}
	const char *abs = found[0] == '/' ? found : arena_sprintf(a, "%s/%s", go_getwd(a), found);
	*full = go_path_clean(a, abs, strlen(abs));
	return 0;
}

/* One child's pipes as the poll loop sees them (-1 once closed). */
struct child_io {
	int in, out, err;
	const char *data;
	size_t len, off;
	arena *a;
	struct out_block *head, *tail; /* stdout so far: total bytes */
	size_t total;
	strbuf *serr;
	bool too_big;
};

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

static void feed(struct child_io *io)
{
	size_t n = io->len - io->off;
	ssize_t w = write(io->in, io->data + io->off, n > 65536 ? 65536 : n);
	if (w > 0)
		io->off += (size_t)w;
	else if (w < 0 && errno != EAGAIN && errno != EINTR)
		close_fd(&io->in); /* EPIPE: the child closed its stdin, as Go ignores */
	if (io->off == io->len)
		close_fd(&io->in);
}

/* One read; false once the pipe is closed (or broken). */
static bool read_some(int *fd, char *dst, size_t n, size_t *got)
{
	ssize_t r = read(*fd, dst, n);
	*got = r > 0 ? (size_t)r : 0;
	if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) {
		close_fd(fd);
		return false;
	}
	return true;
}

static void drain_out(struct child_io *io)
{
	if (!io->tail || io->tail->len == OUT_CHUNK) {
		struct out_block *b = arena_alloc(io->a, sizeof *b);
		if (io->tail)
			io->tail->next = b;
		else
			io->head = b;
		io->tail = b;
	}
	size_t got;
	read_some(&io->out, io->tail->data + io->tail->len, OUT_CHUNK - io->tail->len, &got);
	io->tail->len += got;
	io->total += got;
	if (io->total > POSTRENDER_MAX_OUTPUT)
		io->too_big = true;
}

static void drain_err(struct child_io *io)
{
	char buf[65536];
	size_t got;
	read_some(&io->err, buf, sizeof buf, &got);
	if (io->serr->len + got <= STDERR_KEEP)
		sb_add(io->serr, buf, got);
}

/* The blocks of stdout as one NUL-terminated string. */
static char *join_out(const struct child_io *io)
{
	char *s = arena_alloc(io->a, io->total + 1), *p = s;
	for (const struct out_block *b = io->head; b; b = b->next) {
		memcpy(p, b->data, b->len);
		p += b->len;
	}
	*p = 0;
	return s;
}

/* Feeds stdin and drains stdout and stderr until both are closed. */
static void pump(struct child_io *io)
{
	if (io->len == 0)
		close_fd(&io->in);
	else
		fcntl(io->in, F_SETFL, fcntl(io->in, F_GETFL) | O_NONBLOCK);
	while ((io->out >= 0 || io->err >= 0) && !io->too_big) {
		struct pollfd pf[3];
		int n = 0, iin = -1, iout = -1, ierr = -1;
		if (io->in >= 0)
			iin = n, pf[n++] = (struct pollfd){.fd = io->in, .events = POLLOUT};
		if (io->out >= 0)
			iout = n, pf[n++] = (struct pollfd){.fd = io->out, .events = POLLIN};
		if (io->err >= 0)
			ierr = n, pf[n++] = (struct pollfd){.fd = io->err, .events = POLLIN};
		if (poll(pf, (nfds_t)n, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (iin >= 0 && pf[iin].revents)
			feed(io);
		if (iout >= 0 && pf[iout].revents)
			drain_out(io);
		if (ierr >= 0 && pf[ierr].revents)
			drain_err(io);
	}
	close_fd(&io->in);
	close_fd(&io->out);
	close_fd(&io->err);
}

/* Starts path with its standard streams on fresh pipes; -1 with errno-style rc. */
static int spawn(arena *a, const char *path, const char **args, size_t nargs, const sigset_t *mask,
		 pid_t *pid, struct child_io *io)
{
	int p[3][2] = {{-1, -1}, {-1, -1}, {-1, -1}};
	int rc = 0;
	for (int i = 0; i < 3 && !rc; i++)
		if (pipe2(p[i], O_CLOEXEC) != 0)
			rc = errno;
	char **argv = arena_alloc(a, (nargs + 2) * sizeof *argv);
	argv[0] = (char *)path;
	for (size_t i = 0; i < nargs; i++)
		argv[i + 1] = (char *)args[i];
	argv[nargs + 1] = NULL;
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t def;
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&at);
	posix_spawn_file_actions_adddup2(&fa, p[0][0], 0);
	posix_spawn_file_actions_adddup2(&fa, p[1][1], 1);
	posix_spawn_file_actions_adddup2(&fa, p[2][1], 2);
	posix_spawn_file_actions_addclosefrom_np(&fa, 3);
	posix_spawnattr_setsigmask(&at, mask);
	posix_spawnattr_setsigdefault(&at, &def);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	if (!rc)
		rc = posix_spawn(pid, path, &fa, &at, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close_fd(&p[0][0]);
	close_fd(&p[1][1]);
	close_fd(&p[2][1]);
	io->in = p[0][1], io->out = p[1][0], io->err = p[2][0];
	if (rc) {
		close_fd(&io->in);
		close_fd(&io->out);
		close_fd(&io->err);
	}
	return rc;
}

/* How Go's os/exec words a process that did not exit with status 0, or NULL. */
static const char *exit_text(arena *a, int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st) ? arena_sprintf(a, "exit status %d", WEXITSTATUS(st)) : NULL;
	if (WIFSIGNALED(st)) {
		char *s = arena_strdup(a, strsignal(WTERMSIG(st)));
		if (s[0] >= 'A' && s[0] <= 'Z')
			s[0] = (char)(s[0] - 'A' + 'a');
		return arena_sprintf(a, "signal: %s%s", s, WCOREDUMP(st) ? " (core dumped)" : "");
	}
	return "unknown exit status";
}

/* Unblocks SIGPIPE again, first taking away one raised while it was blocked. */
static void restore_sigpipe(const sigset_t *old, bool was_pending)
{
	sigset_t pend, pipe_set;
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	if (!was_pending && sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE)) {
		struct timespec zero = {0, 0};
		sigtimedwait(&pipe_set, NULL, &zero);
	}
	pthread_sigmask(SIG_SETMASK, old, NULL);
}

int postrender_run(arena *a, const char *path, const char **args, size_t nargs, const char *in,
		   size_t inlen, const char **out, size_t *outlen, const char **err)
{
	strbuf serr;
	sb_init(&serr, a);
	struct child_io io = {.data = in, .len = inlen, .a = a, .serr = &serr};
	sigset_t block, old, pend;
	sigemptyset(&block);
	sigaddset(&block, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	bool was_pending = sigpending(&pend) == 0 && sigismember(&pend, SIGPIPE);
	pid_t pid;
	int rc = spawn(a, path, args, nargs, &old, &pid, &io);
	if (rc) {
		restore_sigpipe(&old, was_pending);
		*err = arena_sprintf(
		    a, "error while running command %s. error output:\n: fork/exec %s: %s", path,
		    path, go_errno(a, rc));
		return -1;
	}
	pump(&io);
	if (io.too_big)
		kill(pid, SIGKILL);
	int st = 0;
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	restore_sigpipe(&old, was_pending);
	if (io.too_big) {
		*err =
		    arena_sprintf(a, "error while running command %s: output larger than %zu bytes",
				  path, POSTRENDER_MAX_OUTPUT);
		return -1;
	}
	const char *why = exit_text(a, st);
	if (why) {
		*err = arena_sprintf(a, "error while running command %s. error output:\n%s: %s",
				     path, sb_str(&serr), why);
		return -1;
	}
	*out = join_out(&io);
	*outlen = io.total;
	return 0;
}

static bool manifest_ext(const char *n)
{
	size_t l = strlen(n);
	return (l > 5 && !strcmp(n + l - 5, ".yaml")) || (l > 4 && !strcmp(n + l - 4, ".yml")) ||
	       (l > 5 && !strcmp(n + l - 5, ".json"));
}

/* Chart.CRDObjects: the chart's crds/ files (.yaml, .yml, .json), then its dependencies'. */
static void join_crds(strbuf *sb, const chart *c)
{
	for (size_t i = 0; i < c->nfiles; i++) {
		const chart_file *f = &c->files[i];
		if (strncmp(f->name, "crds/", 5) || !manifest_ext(f->name))
			continue;
		sb_addf(sb, "---\n# Source: %s/%s\n", chart_full_path(sb->a, c), f->name);
		sb_add(sb, f->data, f->len);
		sb_addc(sb, '\n');
	}
	for (size_t i = 0; i < c->ndeps; i++)
		join_crds(sb, c->deps[i]);
}

void postrender_join(strbuf *sb, const pipeline_result *pr, bool include_crds)
{
	if (include_crds)
		join_crds(sb, pr->chart);
	for (size_t i = 0; i < pr->ms.ngeneric; i++) {
		const manifest *m = &pr->ms.generic[i];
		sb_addf(sb, "---\n# Source: %s\n", m->path);
		sb_adds(sb, m->content);
		sb_addc(sb, '\n');
	}
}

int postrender_manifest(arena *a, const pipeline_result *pr, bool include_crds, const char *path,
			const char **args, size_t nargs, const char **text, const char **err)
{
	strbuf sb;
	sb_init(&sb, a);
	postrender_join(&sb, pr, include_crds);
	size_t n;
	const char *e;
	if (postrender_run(a, path, args, nargs, sb.buf ? sb.buf : "", sb.len, text, &n, &e) != 0) {
		*err = arena_sprintf(a, "error while running post render on files: %s", e);
		return -1;
	}
	return 0;
}
