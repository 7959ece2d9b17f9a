/* archive.c - chart archives (.tgz) in and out; the only user of libarchive.
 *
 * Reading follows Helm's loader.LoadArchiveFiles check for check and message
 * for message, and goes further: links, devices and fifos are refused, and the
 * number of entries is capped. Writing lays entries out as chartutil.Save does,
 * but reproducibly: fixed owner, mode and mtime, and no timestamp in gzip.
 */
#include "archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include "../values/lazylib.h"

/* libarchive, and the compression libraries it needs, are opened on first
 * use, so that rendering a chart folder does not pay for loading them. Every
 * archive_* function below is a pointer of this table, filled once. */
#define ARCHIVE_SONAME "libarchive.so.13"
#define ARCHIVE_FUNCS(X)                                                                           \
	X(archive_entry_clear)                                                                     \
	X(archive_entry_filetype)                                                                  \
	X(archive_entry_free)                                                                      \
	X(archive_entry_hardlink)                                                                  \
	X(archive_entry_new)                                                                       \
	X(archive_entry_pathname)                                                                  \
	X(archive_entry_set_filetype)                                                              \
	X(archive_entry_set_gid)                                                                   \
	X(archive_entry_set_mtime)                                                                 \
	X(archive_entry_set_pathname)                                                              \
	X(archive_entry_set_perm)                                                                  \
	X(archive_entry_set_size)                                                                  \
	X(archive_entry_set_uid)                                                                   \
	X(archive_entry_size)                                                                      \
	X(archive_entry_size_is_set)                                                               \
	X(archive_error_string)                                                                    \
	X(archive_read_data)                                                                       \
	X(archive_read_free)                                                                       \
	X(archive_read_new)                                                                        \
	X(archive_read_next_header)                                                                \
	X(archive_read_open_memory)                                                                \
	X(archive_read_support_filter_gzip)                                                        \
	X(archive_read_support_format_raw)                                                         \
	X(archive_read_support_format_tar)                                                         \
	X(archive_write_add_filter_gzip)                                                           \
	X(archive_write_close)                                                                     \
	X(archive_write_data)                                                                      \
	X(archive_write_free)                                                                      \
	X(archive_write_header)                                                                    \
	X(archive_write_new)                                                                       \
	X(archive_write_open_fd)                                                                   \
	X(archive_write_set_bytes_in_last_block)                                                   \
	X(archive_write_set_filter_option)                                                         \
	X(archive_write_set_format_pax_restricted)

LAZY_LIBRARY(archive, ARCHIVE_SONAME, ARCHIVE_FUNCS)

/* from here on, each archive_* name calls through the table */
#define archive_entry_clear		      archive_api()->archive_entry_clear
#define archive_entry_filetype		      archive_api()->archive_entry_filetype
#define archive_entry_free		      archive_api()->archive_entry_free
#define archive_entry_hardlink		      archive_api()->archive_entry_hardlink
#define archive_entry_new		      archive_api()->archive_entry_new
#define archive_entry_pathname		      archive_api()->archive_entry_pathname
#define archive_entry_set_filetype	      archive_api()->archive_entry_set_filetype
#define archive_entry_set_gid		      archive_api()->archive_entry_set_gid
#define archive_entry_set_mtime		      archive_api()->archive_entry_set_mtime
#define archive_entry_set_pathname	      archive_api()->archive_entry_set_pathname
#define archive_entry_set_perm		      archive_api()->archive_entry_set_perm
#define archive_entry_set_size		      archive_api()->archive_entry_set_size
#define archive_entry_set_uid		      archive_api()->archive_entry_set_uid
#define archive_entry_size		      archive_api()->archive_entry_size
#define archive_entry_size_is_set	      archive_api()->archive_entry_size_is_set
#define archive_error_string		      archive_api()->archive_error_string
#define archive_read_data		      archive_api()->archive_read_data
#define archive_read_free		      archive_api()->archive_read_free
#define archive_read_new		      archive_api()->archive_read_new
#define archive_read_next_header	      archive_api()->archive_read_next_header
#define archive_read_open_memory	      archive_api()->archive_read_open_memory
#define archive_read_support_filter_gzip      archive_api()->archive_read_support_filter_gzip
#define archive_read_support_format_raw	      archive_api()->archive_read_support_format_raw
#define archive_read_support_format_tar	      archive_api()->archive_read_support_format_tar
#define archive_write_add_filter_gzip	      archive_api()->archive_write_add_filter_gzip
#define archive_write_close		      archive_api()->archive_write_close
#define archive_write_data		      archive_api()->archive_write_data
#define archive_write_free		      archive_api()->archive_write_free
#define archive_write_header		      archive_api()->archive_write_header
#define archive_write_new		      archive_api()->archive_write_new
#define archive_write_open_fd		      archive_api()->archive_write_open_fd
#define archive_write_set_bytes_in_last_block archive_api()->archive_write_set_bytes_in_last_block
#define archive_write_set_filter_option	      archive_api()->archive_write_set_filter_option
#define archive_write_set_format_pax_restricted                                                    \
	archive_api()->archive_write_set_format_pax_restricted
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../functions/functions.h"
#include "../values/gofmt.h"
#include "../values/strbuf.h"

#define MAX_FILE_SIZE  (5LL << 20)   /* Helm's MaxDecompressedFileSize */
#define MAX_CHART_SIZE (100LL << 20) /* Helm's MaxDecompressedChartSize */
#define MAX_ENTRIES    100000	     /* ours: load.c's cap on a folder's files */

/* Go's %q of an entry name, as Helm's messages quote it. */
static const char *quoted(arena *a, const char *s)
{
	strbuf sb;
	sb_init(&sb, a);
	go_quote(&sb, s, strlen(s));
	return sb_str(&sb);
}

/* A subset of Go's http.DetectContentType over the first 512 bytes, zero
 * padded as Helm's ensureArchive reads them: enough for its error message. */
static const char *content_type(const unsigned char *d, size_t len)
{
	static const struct {
		const char *sig;
		size_t n;
		const char *type;
	} sigs[] = {
	    {"%PDF-", 5, "application/pdf"},
	    {"\x89PNG\r\n\x1a\n", 8, "image/png"},
	    {"GIF87a", 6, "image/gif"},
	    {"GIF89a", 6, "image/gif"},
	    {"\xff\xd8\xff", 3, "image/jpeg"},
	    {"PK\x03\x04", 4, "application/zip"},
	    {"BZh", 3, "application/x-bzip2"},
	    {"\3757zXZ\0", 6, "application/x-xz"},
	    {"<?xml", 5, "text/xml; charset=utf-8"},
	};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		if (len >= sigs[i].n && !memcmp(d, sigs[i].sig, sigs[i].n))
			return sigs[i].type;
	if (len < 512)
		return "application/octet-stream"; /* the zero padding is binary */
	for (size_t i = 0; i < 512; i++)
		if (d[i] <= 0x08 || d[i] == 0x0b || (d[i] >= 0x0e && d[i] <= 0x1a) ||
		    (d[i] >= 0x1c && d[i] <= 0x1f))
			return "application/octet-stream";
	return "text/plain; charset=utf-8";
}

static bool has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);
	return n >= m && !memcmp(s + n - m, suf, m);
}

int archive_check_gzip(arena *a, const char *what, const void *data, size_t len, const char **err)
{
	const unsigned char *d = data;
	if (len >= 3 && d[0] == 0x1f && d[1] == 0x8b && d[2] == 0x08)
		return 0;
	if (has_suffix(what, ".yml") || has_suffix(what, ".yaml"))
		*err = arena_sprintf(
		    a, "file '%s' seems to be a YAML file, but expected a gzipped archive", what);
	else
		*err =
		    arena_sprintf(a, "file '%s' does not appear to be a gzipped archive; got '%s'",
				  what, content_type(d, len));
	return -1;
}

/* Helm's name checks: the first component goes, the rest must stay inside. */
static int chart_name(arena *a, const char *raw, const char **name, const char **err)
{
	char delim = strchr(raw, '\\') ? '\\' : '/';
	const char *rest = strchr(raw, delim);
	size_t first = rest ? (size_t)(rest - raw) : strlen(raw);
	char *n = arena_strdup(a, rest ? rest + 1 : "");
	for (char *p = n; *p; p++)
		if (*p == delim)
			*p = '/';
	if (n[0] == '/') {
		*err = "chart illegally contains absolute paths";
		return -1;
	}
	n = (char *)go_path_clean(a, n, strlen(n));
	if (!strcmp(n, ".")) {
		*err = arena_sprintf(
		    a, "chart illegally contains content outside the base directory: %s",
		    quoted(a, raw));
		return -1;
	}
	if (!strncmp(n, "..", 2)) {
		*err = "chart illegally references parent directory";
		return -1;
	}
	if (((n[0] >= 'a' && n[0] <= 'z') || (n[0] >= 'A' && n[0] <= 'Z')) && n[1] == ':' &&
	    n[2] == '/') {
		*err = "chart contains illegally named files";
		return -1;
	}
	if (first == 10 && !strncmp(raw, "Chart.yaml", 10)) {
		*err = "chart yaml not in base directory";
		return -1;
	}
	*name = n;
	return 0;
}

/* Beyond Helm (which reads such entries as empty files): refuse anything
 * that is not a plain file. */
static const char *entry_kind(struct archive_entry *e)
{
	if (archive_entry_hardlink(e))
		return "a hard link";
	switch (archive_entry_filetype(e)) {
	case AE_IFREG:
		return NULL;
	case AE_IFLNK:
		return "a symbolic link";
	case AE_IFCHR:
	case AE_IFBLK:
		return "a device";
	case AE_IFIFO:
		return "a fifo";
	case AE_IFSOCK:
		return "a socket";
	default:
		return "an entry of unknown type";
	}
}

/* How many bytes (up to 512, one tar block) the gzip stream inflates to. */
static long long inflated_prefix(const void *data, size_t len)
{
	struct archive *ar = archive_read_new();
	struct archive_entry *e;
	char block[512];
	long long got = 0;
	archive_read_support_filter_gzip(ar);
	archive_read_support_format_raw(ar);
	if (archive_read_open_memory(ar, data, len) == ARCHIVE_OK &&
	    archive_read_next_header(ar, &e) == ARCHIVE_OK) {
		for (la_ssize_t k;
		     got < 512 && (k = archive_read_data(ar, block, 512 - (size_t)got)) > 0;)
			got += k;
	}
	archive_read_free(ar);
	return got;
}

/* libarchive's failures in Go's words where the cause is the same. */
static const char *read_error(arena *a, const char *what, struct archive *ar, const void *data,
			      size_t len)
{
	const char *s = archive_error_string(ar);
	if (!s)
		s = "unknown error";
	if (strstr(s, "runcated") || strstr(s, "remature") || strstr(s, "nexpected EOF"))
		return "unexpected EOF";
	if (strstr(s, "Unrecognized archive format"))
		return inflated_prefix(data, len) < 512 ? "unexpected EOF"
							: "archive/tar: invalid tar header";
	if (strstr(s, "Damaged tar archive"))
		return "archive/tar: invalid tar header";
	if (strstr(s, "decompression failed"))
		return "flate: corrupt input";
	return arena_sprintf(a, "file '%s' does not appear to be a valid chart file (details: %s)",
			     what, s);
}

struct reader {
	arena *a;
	const char *what;
	const void *data;
	size_t len;
	struct archive *ar;
	long long remaining;
	chart_file *files;
	size_t n, cap;
};

static int read_data(struct reader *r, struct archive_entry *e, const char *raw, chart_file *f,
		     const char **err)
{
	long long size = archive_entry_size_is_set(e) ? archive_entry_size(e) : 0;
	if (size > r->remaining || size < 0) {
		*err = arena_sprintf(r->a,
				     "decompressed chart is larger than the maximum file size %lld",
				     MAX_CHART_SIZE);
		return -1;
	}
	if (size > MAX_FILE_SIZE) {
		*err = arena_sprintf(
		    r->a, "decompressed chart file %s is larger than the maximum file size %lld",
		    quoted(r->a, raw), MAX_FILE_SIZE);
		return -1;
	}
	char *buf = arena_alloc(r->a, (size_t)size + 1);
	long long got = 0;
	for (;;) {
		char extra[1];
		la_ssize_t k = got < size
				   ? archive_read_data(r->ar, buf + got, (size_t)(size - got))
				   : archive_read_data(r->ar, extra, 1);
		if (k < 0) {
			*err = read_error(r->a, r->what, r->ar, r->data, r->len);
			return -1;
		}
		if (k == 0)
			break;
		if (got >= size) { /* more data than the header said: not a tar we trust */
			*err = arena_sprintf(
			    r->a, "decompressed chart is larger than the maximum file size %lld",
			    MAX_CHART_SIZE);
			return -1;
		}
		got += k;
	}
	r->remaining -= got;
	if (got < size || r->remaining <= 0) {
		*err = arena_sprintf(r->a,
				     "decompressed chart is larger than the maximum file size %lld",
				     MAX_CHART_SIZE);
		return -1;
	}
	buf[got] = 0;
	f->data = buf;
	f->len = (size_t)got;
	if (f->len >= 3 && !memcmp(buf, "\xef\xbb\xbf", 3)) { /* Helm drops a UTF-8 BOM */
		f->data += 3;
		f->len -= 3;
	}
	return 0;
}

static int read_entries(struct reader *r, const char **err)
{
	struct archive_entry *e;
	size_t entries = 0;
	for (;;) {
		int rc = archive_read_next_header(r->ar, &e);
		if (rc == ARCHIVE_EOF)
			return 0;
		if (rc < ARCHIVE_WARN) {
			*err = read_error(r->a, r->what, r->ar, r->data, r->len);
			return -1;
		}
		if (++entries > MAX_ENTRIES) {
			*err =
			    arena_sprintf(r->a, "chart archive '%s' has too many entries (over %d)",
					  r->what, MAX_ENTRIES);
			return -1;
		}
		if (archive_entry_filetype(e) == AE_IFDIR)
			continue;
		const char *raw = archive_entry_pathname(e);
		if (!raw)
			raw = "";
		chart_file f = {0};
		if (chart_name(r->a, raw, &f.name, err) != 0)
			return -1;
		const char *kind = entry_kind(e);
		if (kind) {
			*err = arena_sprintf(r->a, "chart illegally contains %s: %s", kind,
					     quoted(r->a, raw));
			return -1;
		}
		if (read_data(r, e, raw, &f, err) != 0)
			return -1;
		if (r->n == r->cap) {
			size_t nc = r->cap ? r->cap * 2 : 32;
			r->files = arena_realloc(r->a, r->files, r->cap * sizeof(chart_file),
						 nc * sizeof(chart_file));
			r->cap = nc;
		}
		r->files[r->n++] = f;
	}
}

int archive_read_chart_data(arena *a, const char *what, const void *data, size_t len,
			    chart_file **files, size_t *nfiles, const char **err)
{
	const unsigned char *d = data;
	if (len < 10) { /* Go's gzip reads a 10-byte header first */
		*err = len == 0 ? "EOF" : "unexpected EOF";
		return -1;
	}
	if (d[0] != 0x1f || d[1] != 0x8b || d[2] != 0x08) {
		*err = "gzip: invalid header";
		return -1;
	}
	struct reader r = {
	    .a = a, .what = what, .data = data, .len = len, .remaining = MAX_CHART_SIZE};
	r.ar = archive_read_new();
	archive_read_support_filter_gzip(r.ar);
	archive_read_support_format_tar(r.ar);
	int rc = -1;
	if (archive_read_open_memory(r.ar, data, len) != ARCHIVE_OK)
		*err = read_error(a, what, r.ar, data, len);
	else if (read_entries(&r, err) == 0)
		rc = 0;
	archive_read_free(r.ar);
	if (rc == 0 && r.n == 0) {
		*err = "no files in chart archive";
		rc = -1;
	}
	if (rc == 0) {
		*files = r.files;
		*nfiles = r.n;
	}
	return rc;
}

int archive_read_chart(arena *a, const char *what, const void *data, size_t len, chart_file **files,
		       size_t *nfiles, const char **err)
{
	if (archive_check_gzip(a, what, data, len, err) != 0)
		return -1;
	return archive_read_chart_data(a, what, data, len, files, nfiles, err);
}

static int write_entries(struct archive *ar, const chart_file *files, size_t n, long long mtime)
{
	struct archive_entry *e = archive_entry_new();
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		archive_entry_clear(e);
		archive_entry_set_pathname(e, files[i].name);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_uid(e, 0);
		archive_entry_set_gid(e, 0);
		archive_entry_set_size(e, (la_int64_t)files[i].len);
		archive_entry_set_mtime(e, (time_t)mtime, 0);
		if (archive_write_header(ar, e) != ARCHIVE_OK ||
		    (files[i].len && archive_write_data(ar, files[i].data, files[i].len) !=
					 (la_ssize_t)files[i].len))
			rc = -1;
	}
	archive_entry_free(e);
	return rc;
}

int archive_write_chart(arena *a, const char *path, const chart_file *files, size_t n,
			long long mtime, const char **err)
{
	const char *slash = strrchr(path, '/');
	const char *tmp =
	    slash ? arena_sprintf(a, "%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
		  : arena_sprintf(a, ".%s.XXXXXX", path);
	char *tpl = arena_strdup(a, tmp);
	int fd = mkstemp(tpl);
	if (fd < 0) {
		*err = arena_sprintf(a, "open %s: %s", path, strerror(errno));
		return -1;
	}
	mode_t um = umask(0);
	umask(um);
	fchmod(fd, 0666 & ~um);
	struct archive *ar = archive_write_new();
	int rc = -1;
	if (archive_write_add_filter_gzip(ar) != ARCHIVE_OK ||
	    archive_write_set_filter_option(ar, "gzip", "timestamp", NULL) != ARCHIVE_OK ||
	    archive_write_set_format_pax_restricted(ar) != ARCHIVE_OK ||
	    archive_write_set_bytes_in_last_block(ar, 1) != ARCHIVE_OK ||
	    archive_write_open_fd(ar, fd) != ARCHIVE_OK ||
	    write_entries(ar, files, n, mtime) != 0 || archive_write_close(ar) != ARCHIVE_OK)
		*err =
		    arena_sprintf(a, "write %s: %s", path,
				  archive_error_string(ar) ? archive_error_string(ar) : "failed");
	else
		rc = 0;
	archive_write_free(ar);
	if (close(fd) != 0 && rc == 0) {
		*err = arena_sprintf(a, "write %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc == 0 && rename(tpl, path) != 0) {
		*err = arena_sprintf(a, "rename %s: %s", path, strerror(errno));
		rc = -1;
	}
	if (rc != 0)
		unlink(tpl);
	return rc;
}
