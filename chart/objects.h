/* objects.h - Helm's Go objects as templates see them: .Chart, .Capabilities, .Files. */
#ifndef RENDER_OBJECTS_H
#define RENDER_OBJECTS_H

#include "chart.h"

typedef struct capabilities {
	const char *kube_version; /* "v1.32.0" */
	const char *kube_major, *kube_minor;
	const char **api_versions;
	size_t napi;
} capabilities;

/* Helm 3.17.3's defaults with no cluster: Kubernetes v1.32.0 and the built-in API list. */
void capabilities_default(arena *a, capabilities *caps);
/* --kube-version: "1.30", "v1.30.2"...; returns -1 with Helm's message when invalid. */
int capabilities_set_kube_version(arena *a, capabilities *caps, const char *v, const char **err);
void capabilities_add_api(arena *a, capabilities *caps, const char *gv);

/* .Chart for chart c (struct { chart.Metadata; IsRoot bool }). */
value obj_chart(arena *a, const chart *c);
/* .Capabilities */
value obj_capabilities(arena *a, const capabilities *caps);
/* .Files over the chart's plain files. */
value obj_files(arena *a, const chart_file *files, size_t n);

#endif
