/* registry.c - `render registry login HOST` and `render registry logout HOST`,
 * as Helm 3.17.3: the credentials are checked against HOST/v2/ and kept in
 * Helm's registry config file (Docker's config.json format), so Helm and
 * render share logins. Messages go to stderr, as Helm writes them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "../net/oci.h"
#include "commands.h"
#include "common.h"

/* Helm's prompts: "Username: " read as a line, "Password: " read from the
 * terminal without echo (a non-terminal stdin fails as Go's term package does). */
static int prompt(arena *a, const char *what, bool secret, const char **out, const char **err)
{
	fputs(what, stdout);
	fflush(stdout);
	struct termios old, quiet;
	if (secret) {
		if (tcgetattr(0, &old)) {
			*err = errno == ENOTTY ? "inappropriate ioctl for device"
					       : "cannot read the password";
			return -1;
		}
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	char buf[4096];
	bool got = fgets(buf, sizeof buf, stdin) != NULL;
	if (secret) {
		tcsetattr(0, TCSAFLUSH, &old);
		fputc('\n', stdout);
	}
	size_t n = got ? strlen(buf) : 0;
	if (!got || !n || buf[n - 1] != '\n') {
		*err = "EOF";
		return -1;
	}
	buf[--n] = 0;
	if (n && buf[n - 1] == '\r')
		buf[--n] = 0;
	*out = arena_strdup(a, buf);
	return 0;
}

static int login(arena *a, int argc, char **argv)
{
	oci_opts o = {0};
	const char *user = "", *pass = "";
	bool from_stdin = false, debug = false;
	const flag_def defs[] = {
	    {"username", 'u', FLAG_STRING, &user},
	    {"password", 'p', FLAG_STRING, &pass},
	    {"password-stdin", 0, FLAG_BOOL, &from_stdin},
	    {"insecure", 0, FLAG_BOOL, &o.insecure},
	    {"ca-file", 0, FLAG_STRING, &o.ca_file},
	    {"cert-file", 0, FLAG_STRING, &o.cert_file},
	    {"key-file", 0, FLAG_STRING, &o.key_file},
	    {"registry-config", 0, FLAG_STRING, &o.registry_config},
	    {"debug", 0, FLAG_BOOL, &debug},
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (pos.n < 1)
		return cli_error(
		    "\"helm registry login\" requires at least 1 argument\n\nUsage:  helm "
		    "registry login [host] [flags]");
	if (from_stdin) {
		const char *data;
		size_t len;
		if (read_whole_file(a, "-", &data, &len, &err))
			return cli_error(err);
		char *p = arena_strndup(a, data, len);
		if (len && p[len - 1] == '\n')
			p[--len] = 0;
		if (len && p[len - 1] == '\r')
			p[--len] = 0;
		pass = p;
	} else if (!*pass) {
		if ((!*user && prompt(a, "Username: ", false, &user, &err)) ||
		    prompt(a, "Password: ", true, &pass, &err))
			return cli_error(err);
	} else {
		fputs("WARNING: Using --password via the CLI is insecure. Use --password-stdin.\n",
		      stderr);
	}
	if (oci_login(a, pos.v[0], user, pass, &o, &err))
		return cli_error(err);
	fputs("Login Succeeded\n", stderr);
	return 0;
}

static int logout(arena *a, int argc, char **argv)
{
	oci_opts o = {0};
	bool debug = false;
	const flag_def defs[] = {
	    {"registry-config", 0, FLAG_STRING, &o.registry_config},
	    {"debug", 0, FLAG_BOOL, &debug},
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (pos.n < 1)
		return cli_error(
		    "\"helm registry logout\" requires at least 1 argument\n\nUsage:  helm "
		    "registry logout [host] [flags]");
	if (oci_logout(a, pos.v[0], &o, &err))
		return cli_error(err);
	fprintf(stderr, "Removing login credentials for %s\n", pos.v[0]);
	return 0;
}

int cmd_registry(arena *a, int argc, char **argv)
{
	if (argc >= 1 && !strcmp(argv[0], "login"))
		return login(a, argc - 1, argv + 1);
	if (argc >= 1 && !strcmp(argv[0], "logout"))
		return logout(a, argc - 1, argv + 1);
	return cli_error("\"helm registry\" requires a subcommand: login or logout");
}
