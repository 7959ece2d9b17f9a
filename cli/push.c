/* push.c - `render push CHART.tgz oci://host/path`, as Helm 3.17.3 does it:
 * the archive (and CHART.tgz.prov beside it, when present) goes to
 * host/path/NAME:VERSION; the created annotation is the archive's mtime.
 * "Pushed:" and "Digest:" go to stderr, as Helm's registry client writes them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "../net/oci.h"
#include "../net/repo.h"
#include "commands.h"
#include "common.h"

/* Go's time.RFC3339 in local time: "2006-01-02T15:04:05Z07:00". */
static const char *rfc3339(arena *a, time_t t)
{
	struct tm tm;
	char buf[64];
	localtime_r(&t, &tm);
	strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
	long off = tm.tm_gmtoff;
	if (!off)
		return arena_sprintf(a, "%sZ", buf);
	char sign = off < 0 ? '-' : '+';
	if (off < 0)
		off = -off;
	return arena_sprintf(a, "%s%c%02ld:%02ld", buf, sign, off / 3600, off / 60 % 60);
}

static int push(arena *a, const char *path, const char *remote, const oci_opts *o, const char **err)
{
	const char *scheme = repo_url_scheme(a, remote);
	if (!scheme) {
		*err = arena_sprintf(a, "invalid chart URL format: %s", remote);
		return -1;
	}
	if (!*scheme) {
		*err = "scheme prefix missing from remote (e.g. \"oci://\")";
		return -1;
	}
	if (strcmp(scheme, "oci")) {
		*err = arena_sprintf(a, "scheme \"%s\" not supported", scheme);
		return -1;
	}
	struct stat st;
	if (stat(path, &st)) {
		*err = errno == ENOENT
			   ? arena_sprintf(a, "%s: no such file", path)
			   : arena_sprintf(a, "stat %s: %s", path, repo_strerror(a, errno));
		return -1;
	}
	if (S_ISDIR(st.st_mode)) {
		*err = "cannot push directory, must provide chart archive (.tgz)";
		return -1;
	}
	const char *data, *prov = NULL;
	size_t len, prov_len = 0;
	if (read_whole_file(a, path, &data, &len, err))
		return -1;
	const char *prov_path = arena_sprintf(a, "%s.prov", path);
	if (!stat(prov_path, &st) && read_whole_file(a, prov_path, &prov, &prov_len, err))
		return -1;
	struct stat cst;
	stat(path, &cst);
	const char *ref, *digest;
	if (oci_push(a, path, data, len, prov, prov_len, remote, rfc3339(a, cst.st_mtime), o, &ref,
		     &digest, err))
		return -1;
	oci_print_result("Pushed", ref, digest);
	return 0;
}

int cmd_push(arena *a, int argc, char **argv)
{
	oci_opts o = {0};
	bool debug = false;
	const char *ns = NULL, *kube_context = NULL;
	const flag_def defs[] = {
	    OCI_FLAGS(o),
	    {"debug", 0, FLAG_BOOL, &debug},
	    {"namespace", 'n', FLAG_STRING, &ns},
	    {"kube-context", 0, FLAG_STRING, &kube_context},
	    {0},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err))
		return cli_error(err);
	if (pos.n < 2)
		return cli_error(
		    "\"helm push\" requires at least 2 arguments\n\nUsage:  helm push [chart] "
		    "[remote] [flags]");
	if (push(a, pos.v[0], pos.v[1], &o, &err))
		return cli_error(err);
	return 0;
}
