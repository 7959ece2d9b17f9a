/* record.h - Helm's release records: the release.Release struct, its JSON,
 * and the storage form Helm keeps in a Secret.
 *
 * The JSON is what Go's encoding/json makes of Helm 3.17's release.Release:
 * struct field order, omitempty, []byte as base64, helm's time type ("" when
 * zero). The storage string is base64(gzip(json)); the Secret holding it is
 * named sh.helm.release.v1.NAME.vREVISION. Everything lives in the caller's arena.
 */
#ifndef RENDER_RELEASE_RECORD_H
#define RENDER_RELEASE_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "../values/strbuf.h"
#include "../values/value.h"

/* A time as Go prints it: the wall clock in its zone, and the zone's offset.
 * set == false is Go's zero time (helm's time type prints it as ""). */
typedef struct rel_time {
	int32_t year;
	uint8_t mon, day, hour, min, sec; /* mon and day from 1 */
	int32_t nsec;
	int32_t off; /* seconds east of UTC */
	bool set;
} rel_time;

/* The current time in the local zone, as Go's time.Now(). */
rel_time rel_time_now(void);
/* Seconds since the Unix epoch. */
int64_t rel_time_unix(rel_time t);
/* Parses RFC 3339 ("2006-01-02T15:04:05.999999999Z07:00") as Go's time.Time
 * UnmarshalJSON does (s without the quotes). Returns 0 or -1 with *err. */
int rel_time_parse(arena *a, const char *s, size_t n, rel_time *out, const char **err);
/* Appends t in RFC3339Nano, as Go's time.Time MarshalText (zero: 0001-01-01T00:00:00Z). */
void rel_time_format(strbuf *out, rel_time t);

/* A chart file: templates/x.yaml and its bytes. data == NULL is Go's nil (JSON null);
 * name and data both NULL is a nil *chart.File (JSON null). */
typedef struct rel_file {
	const char *name;
	const char *data;
	size_t len;
} rel_file;

/* release.Hook. Strings may be NULL (empty). */
typedef struct rel_hook {
	const char *name, *kind, *path, *manifest;
	const char **events; /* "pre-install"... */
	size_t nevents;
	rel_time started_at, completed_at;
	const char *phase; /* "", "Unknown", "Running", "Succeeded", "Failed" */
	int64_t weight;
	const char **delete_policies;
	size_t ndelete_policies;
} rel_hook;

/* release.Info. */
typedef struct rel_info {
	rel_time first_deployed, last_deployed, deleted;
	const char *description;
	const char *status; /* "deployed", "superseded", "pending-install"... */
	const char *notes;
	value resources; /* never stored by Helm; kept when a record has it */
} rel_info;

/* chart.Chart as a release stores it (only the top chart: Helm does not
 * serialise the subcharts). Slices are NULL for Go's nil (JSON null). */
typedef struct rel_chart {
	value metadata; /* chart.Metadata as a map in its JSON field names; V_NIL: null */
	value lock;	/* chart.Lock as a map ("generated" a string); V_NIL: null */
	rel_file *templates;
	size_t ntemplates;
	value values;	    /* a map, or V_NIL for null */
	const char *schema; /* values.schema.json bytes; NULL: null */
	size_t schema_len;
	rel_file *files;
	size_t nfiles;
} rel_chart;

/* release.Release. Strings may be NULL (empty). */
typedef struct release {
	const char *name;
	rel_info *info;	  /* NULL: omitted */
	rel_chart *chart; /* NULL: omitted */
	value config;	  /* user values: a map; nil or empty is omitted */
	const char *manifest;
	rel_hook *hooks;
	size_t nhooks;
	int64_t version; /* the revision */
	const char *namespace;
	vmap *labels; /* not in the JSON: the storage object's labels (may be NULL) */
} release;

struct chart;
/* The record of a loaded chart (chart/chart.h), as Helm's loader fills
 * chart.Chart: its metadata map, templates/ files, values, other files.
 * What the loader does not keep is passed in: has_values (false when the chart
 * has no values.yaml: Helm stores null), the raw values.schema.json (NULL: none)
 * and Chart.lock as a map (V_NIL: none). Install-time changes Helm makes to the
 * chart (dependency "enabled", rewritten import-values, imported values) are
 * the caller's to apply first. */
rel_chart *release_chart_from(arena *a, const struct chart *c, bool has_values, const char *schema,
			      size_t schema_len, value lock);

/* Whether a storage label is one Helm sets itself (name, owner, status,
 * version, createdAt, modifiedAt) rather than a user's --labels. */
bool release_system_label(const char *key);

/* json.Marshal(rel) appended to out. Returns 0, or -1 with *err. */
int release_to_json(strbuf *out, const release *r, const char **err);
/* json.Unmarshal into a release.Release. Returns 0, or -1 with *err. */
int release_from_json(arena *a, const char *text, size_t len, release **out, const char **err);

/* Helm's encodeRelease: base64(gzip(json)), NUL-terminated, in *out. */
int release_encode(arena *a, const release *r, const char **out, size_t *outlen, const char **err);
/* Helm's decodeRelease: base64, then gunzip when the gzip magic is there
 * (older records are plain JSON), then JSON. */
int release_decode(arena *a, const char *data, size_t len, release **out, const char **err);

/* "sh.helm.release.v1.NAME.vREV", the storage key. */
const char *release_key(arena *a, const char *name, int64_t version);

/* The v1 Secret Helm's secrets driver writes: metadata {name, namespace,
 * labels}, type helm.sh/release.v1, data.release = base64(release_encode).
 * Labels: r->labels as they are (Helm's Get filters the system ones out, its
 * List/Query keep them all: the caller mirrors whichever Helm used), then
 * createdAt (create) or modifiedAt (update) = now_unix, then name, owner=helm,
 * status, version. */
int release_secret(arena *a, const release *r, bool create, int64_t now_unix, value *out,
		   const char **err);
/* The same as a ConfigMap (HELM_DRIVER=configmap): no type, data.release the
 * encoded string itself. */
int release_configmap(arena *a, const release *r, bool create, int64_t now_unix, value *out,
		      const char **err);
/* The release held by a Secret or ConfigMap object (its JSON as a value):
 * data.release decoded; r->labels = all the object's labels (Helm's Get keeps
 * only the user's: see release_system_label). */
int release_from_secret(arena *a, value secret, release **out, const char **err);

/* Base64 (std encoding, padded) helpers, as Go's encoding/base64. Decoding skips
 * \r and \n as Go does; returns 0 or -1 with Go's "illegal base64 data at input byte N". */
void release_b64_encode(strbuf *out, const char *data, size_t len);
int release_b64_decode(arena *a, const char *s, size_t n, char **out, size_t *outlen,
		       const char **err);

#endif
