/* archive.h - chart archives (.tgz) read and written with libarchive.
 *
 * Every archive is treated as hostile: absolute paths, "..", links, devices
 * and other non-regular entries are rejected, and sizes are capped as Helm
 * caps them (5 MiB per file, 100 MiB in all, decompressed).
 */
#ifndef RENDER_ARCHIVE_H
#define RENDER_ARCHIVE_H

#include "chart.h"

/* Reads a gzipped tar of a chart held in memory, as Helm's loader.LoadArchiveFiles
 * does: the first path component (the chart's folder) is removed from each name.
 * what names the archive in errors (a path, or "charts/sub-0.1.0.tgz").
 * Returns 0 with the files in archive order, or -1 with *err set to Helm's message. */
int archive_read_chart(arena *a, const char *what, const void *data, size_t len, chart_file **files,
		       size_t *nfiles, const char **err);

/* Helm's ensureArchive (what `helm template x.tgz` checks first): 0 when data
 * starts with gzip's magic, else -1 with "file 'WHAT' does not appear to be a
 * gzipped archive; got 'TYPE'" (or the YAML hint for a .yaml/.yml name).
 * archive_read_chart calls it; use archive_read_chart_data for a charts/ .tgz,
 * which Helm reads without that check. */
int archive_check_gzip(arena *a, const char *what, const void *data, size_t len, const char **err);
int archive_read_chart_data(arena *a, const char *what, const void *data, size_t len,
			    chart_file **files, size_t *nfiles, const char **err);

/* Writes files (names as stored, "mychart/Chart.yaml") in order as a gzipped tar
 * at path, reproducibly: regular files only, mode 0644, uid/gid 0, no owner
 * names, the given mtime, no directory entries, no timestamp or name in the
 * gzip header. The archive goes to a temporary file beside path, renamed into
 * place when complete. Returns 0, or -1 with *err set. */
int archive_write_chart(arena *a, const char *path, const chart_file *files, size_t n,
			long long mtime, const char **err);

#endif
