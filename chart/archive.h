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
int archive_read_chart(arena *a, const char *what, const void *data, size_t len,
		       chart_file **files, size_t *nfiles, const char **err);

#endif
