/* repo.h - Helm's HTTP chart repositories: where their files live, the
 * repositories.yaml list, the cached index files, and chart lookups by
 * `repo/chart` with a semver constraint, all as Helm 3.17.3 reads and writes them.
 */
#ifndef RENDER_REPO_H
#define RENDER_REPO_H

#include <stdbool.h>

#include "../values/value.h"
#include "http.h"

/* Helm's paths: HELM_{CONFIG,CACHE,DATA}_HOME, then XDG_*_HOME/helm, then
 * $HOME/.config/helm, $HOME/.cache/helm, $HOME/.local/share/helm. */
const char *repo_config_home(arena *a);
const char *repo_cache_home(arena *a);
/* repositories.yaml: the flag when non-empty, else HELM_REPOSITORY_CONFIG, else config home. */
const char *repo_config_file(arena *a, const char *flag);
/* The index cache folder: flag, HELM_REPOSITORY_CACHE, or <cache home>/repository. */
const char *repo_cache_dir(arena *a, const char *flag);

/* One entry of repositories.yaml (repo.Entry). */
typedef struct repo_entry {
	const char *name, *url, *username, *password, *cert_file, *key_file, *ca_file;
	bool insecure, pass_credentials;
} repo_entry;

typedef struct repo_file {
	const char *api_version, *generated; /* kept as read; "" and the zero time when new */
	repo_entry *v;
	size_t n, cap;
} repo_file;

/* Loads repositories.yaml; a missing file gives an empty list (*missing set when given). */
int repo_file_load(arena *a, const char *path, repo_file *f, bool *missing, const char **err);
/* Writes it as Helm does (folder 0755, file 0600 when created). */
int repo_file_write(arena *a, const char *path, const repo_file *f, const char **err);
repo_entry *repo_file_get(repo_file *f, const char *name);
/* The entry of f named by "repo/chart" (*chart gets "chart"), with Helm's errors
 * for a reference without a slash, an unknown repository or one without a URL. */
repo_entry *repo_for_ref(arena *a, repo_file *f, const char *ref, const char **chart,
			 const char **err);
/* Replaces the entry of the same name, or appends. */
void repo_file_update(arena *a, repo_file *f, const repo_entry *e);
bool repo_file_remove(repo_file *f, const char *name);
bool repo_entry_equal(const repo_entry *x, const repo_entry *y);

/* Takes the lock file beside repositories.yaml (repositories.lock); returns an fd or -1. */
int repo_lock(arena *a, const char *config_file);

/* HTTP options for talking to a repository (TLS files and credentials). */
http_opts repo_http_opts(const repo_entry *e);

/* A URL's scheme as Go's url.Parse finds it: "" when there is none, NULL when the
 * URL does not parse ("127.0.0.1:8080": a colon in the first path segment). */
const char *repo_url_scheme(arena *a, const char *url);

/* NewChartRepository's check: the URL parses and its scheme is http or https.
 * Returns 0, or -1 with "could not find protocol handler for: ftp" and the like. */
int repo_check_url(arena *a, const char *url, const char **err);

/* Downloads URL/index.yaml, checks it as Helm's loadIndex does, and, when name is
 * non-NULL, writes <cache>/<name>-index.yaml and <name>-charts.txt. On success
 * *index (when given) holds the parsed index with entries sorted newest first. */
int repo_download_index(arena *a, const repo_entry *e, const char *cache_dir, const char *name,
			value *index, const char **err);

/* Parses index.yaml text as Helm's loadIndex: drops invalid versions, sorts. */
int repo_index_parse(arena *a, const char *data, size_t len, value *index, const char **err);
/* Loads an index file from disk (same checks). */
int repo_index_load(arena *a, const char *path, value *index, const char **err);

/* IndexFile.Get: the version map matching name and constraint version ("" = latest
 * stable). Returns NULL with *err = "no chart name found" / "no chart version found for N-V"... */
vmap *repo_index_get(arena *a, value index, const char *name, const char *version,
		     const char **err);

/* repo.ResolveReferenceURL: ref against the repository URL. */
const char *repo_resolve_url(arena *a, const char *base, const char *ref);

/* Compares two versions by semver precedence (invalid versions sort first). */
int repo_version_cmp(arena *a, const char *x, const char *y);

/* Sorts each entries list by version, newest first (IndexFile.SortEntries). */
void repo_index_sort(arena *a, value index);

/* strerror(e) as Go prints it ("no such file or directory"), for file errors. */
const char *repo_strerror(arena *a, int e);

/* Go's time.Now() as RFC 3339 with nanoseconds, as encoding/json writes it. */
const char *repo_now(arena *a);

/* Where a chart named on the command line comes from (ChartPathOptions). */
typedef struct repo_locate_opts {
	const char *version;		      /* constraint, "" for the newest stable */
	const char *repo_url;		      /* --repo, or NULL */
	const char *repo_config, *repo_cache; /* NULL: the defaults */
	const char *username, *password, *ca_file, *cert_file, *key_file;
	bool insecure;
} repo_locate_opts;

/* ChartPathOptions.LocateChart: name itself when it exists on disk; else the
 * chart "repo/chart" (cached index), NAME in the repository at o->repo_url, or
 * an absolute URL, downloaded into the repository cache as Helm does it (and,
 * unlike Helm, checked against the index's digest). *path is the file. Errors
 * are Helm's: `path "./x" not found`, "repo x not found", "non-absolute URLs
 * should be in form of repo_name/path_to_chart, got: x"... */
int repo_locate_chart(arena *a, const char *name, const repo_locate_opts *o, const char **path,
		      const char **err);

#endif
