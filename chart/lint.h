/* lint.h - Helm 3.17.3's chart linter (pkg/lint): the rules run on one chart
 * folder, in Helm's order (Chart.yaml, values.yaml, templates, dependencies),
 * each message with its severity and the path Helm prints. The report around
 * it (headers, --strict, --quiet, the summary) is cli/lint.c's job. */
#ifndef RENDER_LINT_H
#define RENDER_LINT_H

#include "../values/strbuf.h"
#include "objects.h"

/* support.Severity: the values order the levels, as in Helm. */
enum lint_severity { LINT_INFO = 1, LINT_WARNING = 2, LINT_ERROR = 4 };

typedef struct lint_msg {
	int sev;
	const char *path; /* "Chart.yaml", "templates/x.yaml", "" or the chart folder */
	const char *text;
} lint_msg;

typedef struct lint_opts {
	const char *namespace;
	capabilities caps;	    /* for rendering (default, or --kube-version) */
	int kube_major, kube_minor; /* for API deprecations: 1.32 unless --kube-version */
	bool skip_schema;	    /* --skip-schema-validation */
} lint_opts;

typedef struct lint_result {
	lint_msg *msgs;
	size_t n;
} lint_result;

/* lint.AllWithKubeVersion on the chart folder dir, which should be absolute
 * (Helm prints it in dependency messages). user holds the merged -f/--set
 * values. Helm's log lines (coalesce warnings, required/fail in lint mode) are
 * appended to log. The messages go to out, in Helm's order. */
void lint_all(arena *a, const char *dir, vmap *user, const lint_opts *o, lint_result *out,
	      strbuf *log);

/* The first type error json.Unmarshal finds decoding meta (Chart.yaml as
 * loaded) into chart.Metadata, in Helm's words ("error unmarshaling JSON:
 * while decoding JSON: json: cannot unmarshal string into Go struct field
 * Metadata.sources of type []string"), or NULL. Keys are visited in sorted
 * order (Helm reports the first in the file). The loader could share it. */
const char *lint_metadata_type_error(arena *a, value meta);

/* "[WARNING] templates/x.yaml: text" */
const char *lint_msg_string(arena *a, const lint_msg *m);

#endif
