/* main.c - render's entry point: the table of subcommands. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "common.h"

static const struct command {
	const char *name;
	int (*run)(arena *a, int argc, char **argv);
	const char *help;
} commands[] = {
	{"template", cmd_template, "locally render templates"},
	{"version", cmd_version, "print the version information"},
	{"show", cmd_show, "show information of a chart"},
	{"lint", cmd_lint, "examine a chart for possible issues"},
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
	fputs("render: a Helm-compatible chart renderer\n\nUsage:\n  render [command]\n\nAvailable Commands:\n",
	      f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-12s %s\n", commands[i].name, commands[i].help);
	return f == stdout ? 0 : 1;
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
		arena *a = arena_new();
		int rc = commands[i].run(a, argc - 2, argv + 2);
		arena_free(a);
		return rc;
	}
	char msg[512];
	snprintf(msg, sizeof(msg), "unknown command \"%s\" for \"render\"", argv[1]);
	return cli_error(msg);
}
