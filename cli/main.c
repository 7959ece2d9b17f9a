/* main.c - render's entry point: the table of subcommands. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "commands.h"
#include "common.h"
#include "../renderer/stack.h"

static const struct command {
	const char *name;
	int (*run)(arena *a, int argc, char **argv);
	const char *help;
} commands[] = {
    {"template", cmd_template, "locally render templates"},
    {"version", cmd_version, "print the version information"},
    {"show", cmd_show, "show information of a chart"},
    {"lint", cmd_lint, "examine a chart for possible issues"},
    {"dependency", cmd_dependency, "manage a chart's dependencies"},
    {"diff", cmd_diff, "show what an upgrade would change, object by object (beyond Helm)"},
    {"dep", cmd_dependency, "manage a chart's dependencies (alias of dependency)"},
    {"repo", cmd_repo, "add, list, remove, update, and index chart repositories"},
    {"pull", cmd_pull,
     "download a chart from a repository and (optionally) unpack it in local directory"},
    {"package", cmd_package, "package a chart directory into a chart archive"},
    {"__release", cmd_releasedebug, "(internal) release record tests, not for use"},
    {"list", cmd_list, "list releases"},
    {"ls", cmd_list, "list releases (alias of list)"},
    {"history", cmd_history, "fetch release history"},
    {"hist", cmd_history, "fetch release history (alias of history)"},
    {"status", cmd_status, "display the status of the named release"},
    {"get", cmd_get, "download extended information of a named release"},
    {"__kube", cmd_kubedebug, "(internal) raw Kubernetes API requests, not for use"},
    {"install", cmd_install, "install a chart"},
    {"upgrade", cmd_upgrade, "upgrade a release"},
    {"rollback", cmd_rollback, "roll back a release to a previous revision"},
    {"uninstall", cmd_uninstall, "uninstall a release"},
    {"push", cmd_push, "push a chart to remote"},
    {"registry", cmd_registry, "login to or logout from a registry"},
};

#define RENDER_VERSION "0.1.0"

int cmd_version(arena *a, int argc, char **argv)
{
	(void)a;
	(void)argc;
	(void)argv;
	printf("render v%s (Helm v3.17.3 compatible)\n", RENDER_VERSION);
	return 0;
}

static int usage(FILE *f)
{
	fputs("render: a Helm-compatible chart renderer\n\nUsage:\n  render [command]\n\nAvailable "
	      "Commands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	return f == stdout ? 0 : 1;
}

/* A command runs on a large stack (reserved, not used, until a deep template
 * needs it), under a memory cap: RENDER_MEMORY_LIMIT_MB, 4096 by default. The
 * main thread switches to that stack (swapcontext): a second thread would cost
 * a cross-CPU wake-up, a malloc arena of its own and a join, about a tenth of a
 * small render. Sanitizer builds keep a thread, which their runtimes expect. */
#ifdef __SANITIZE_ADDRESS__
/* AddressSanitizer warns when a longjmp unwinds more than 64 MiB of stack; a
 * deep template then stops a little earlier, with the same error. */
#define COMMAND_STACK ((size_t)60 << 20)
#else
#define COMMAND_STACK ((size_t)512 << 20)
#endif

struct job {
	const struct command *cmd;
	int argc;
	char **argv;
	int rc;
};

static void over_limit(void *ud)
{
	(void)ud;
	fputs("Error: out of memory: render went past its memory limit (RENDER_MEMORY_LIMIT_MB)\n",
	      stderr);
	fflush(stderr);
	_exit(1);
}

static void *run_job(void *p)
{
	struct job *j = p;
	arena *a = arena_new();
	const char *env = getenv("RENDER_MEMORY_LIMIT_MB");
	long mb = env && *env ? atol(env) : 4096;
	if (mb > 0)
		arena_set_limit(a, (size_t)mb << 20, over_limit, NULL);
	j->rc = j->cmd->run(a, j->argc, j->argv);
	/* The process ends here, and the system takes the arena back at once:
	 * freeing it chunk by chunk, or tearing the stack down, costs more
	 * (sanitizer builds free it, for the leak checker). */
#ifdef __SANITIZE_ADDRESS__
	arena_free(a);
#else
	(void)a;
#endif
	exit(j->rc);
}

#ifndef __SANITIZE_ADDRESS__
/* makecontext passes int arguments only: the job's address goes in two halves. */
static void job_entry(unsigned int hi, unsigned int lo)
{
	run_job((void *)(((uintptr_t)hi << 32) | lo));
}

static bool run_on_big_stack(struct job *j)
{
	size_t guard = (size_t)sysconf(_SC_PAGESIZE);
	char *base = mmap(NULL, COMMAND_STACK + guard, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE | MAP_STACK, -1, 0);
	if (base == MAP_FAILED)
		return false;
	ucontext_t here, job;
	if (mprotect(base, guard, PROT_NONE) != 0 || getcontext(&job) != 0) {
		munmap(base, COMMAND_STACK + guard);
		return false;
	}
	job.uc_stack.ss_sp = base + guard;
	job.uc_stack.ss_size = COMMAND_STACK;
	job.uc_link = &here;
	tset_set_stack(base + guard);
	uintptr_t p = (uintptr_t)j;
	makecontext(&job, (void (*)(void))job_entry, 2, (unsigned int)(p >> 32),
		    (unsigned int)(p & 0xFFFFFFFFu));
	return swapcontext(&here, &job) == 0; /* run_job exits: no return but on failure */
}
#endif

static int run_command(const struct command *cmd, int argc, char **argv)
{
	struct job j = {.cmd = cmd, .argc = argc, .argv = argv};
#ifndef __SANITIZE_ADDRESS__
	if (run_on_big_stack(&j))
		return j.rc;
#endif
	pthread_attr_t at;
	pthread_t th;
	if (pthread_attr_init(&at) == 0 && pthread_attr_setstacksize(&at, COMMAND_STACK) == 0 &&
	    pthread_create(&th, &at, run_job, &j) == 0) {
		pthread_attr_destroy(&at);
		pthread_join(th, NULL);
		return j.rc;
	}
	run_job(&j); /* no thread: the main stack will do */
	return j.rc;
}

int main(int argc, char **argv)
{
	if (argc < 2)
		return usage(stderr);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help"))
		return usage(stdout);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(commands[i].name, argv[1]))
			continue;
		return run_command(&commands[i], argc - 2, argv + 2);
	}
	char msg[512];
	snprintf(msg, sizeof(msg), "unknown command \"%s\" for \"render\"", argv[1]);
	return cli_error(msg);
}
