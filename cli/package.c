/* package.c - `render package CHART_PATH...`, as `helm package` writes a chart
 * (chart/package.c does the writing). With --dependency-update the chart's
 * dependencies are updated first, as `helm dependency update` does it
 * (cli/dependency.c). Unlike Helm the archive is reproducible: fixed order,
 * owner and mode, mtime from SOURCE_DATE_EPOCH or else 0 (1970-01-01).
 */
#include <stdio.h>

#include "../chart/package.h"
#include "commands.h"
#include "common.h"
#include "dependency.h"

int cmd_package(arena *a, int argc, char **argv)
{
	chart_package_opts o = {.dest = ".", .check_deps = true};
	bool dep_update = false;
	bool sign = false;
	const char *key = NULL, *keyring = NULL, *passfile = NULL;
	const flag_def defs[] = {
	    {"version", 0, FLAG_STRING, &o.version},
	    {"app-version", 0, FLAG_STRING, &o.app_version},
	    {"destination", 'd', FLAG_STRING, &o.dest},
	    {"dependency-update", 'u', FLAG_BOOL, &dep_update},
	    {"sign", 0, FLAG_BOOL, &sign},
	    {"key", 0, FLAG_STRING, &key},
	    {"keyring", 0, FLAG_STRING, &keyring},
	    {"passphrase-file", 0, FLAG_STRING, &passfile},
	    {NULL, 0, 0, NULL},
	};
	strlist pos = {0};
	const char *err;
	if (flags_parse(a, defs, argc, argv, &pos, &err) != 0)
		return cli_error(err);
	if (pos.n == 0)
		return cli_error("need at least one argument, the path to the chart");
	if (sign)
		return cli_error("signing packages is not supported");
	for (size_t i = 0; i < pos.n; i++) {
		fflush(stdout);
		const char *out;
		if (dep_update && dependency_update_dir(a, pos.v[i], NULL, &err) != 0)
			return cli_error(err);
		if (chart_package(a, pos.v[i], &o, &out, &err) != 0)
			return cli_error(err);
		printf("Successfully packaged chart and saved it to: %s\n", out);
	}
	return 0;
}
