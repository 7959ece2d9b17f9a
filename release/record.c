/* record.c - Helm's release records: JSON in Go's struct order, the storage
 * string (base64 of gzip of the JSON) and the Secret that holds it.
 *
 * Emitting walks field tables in Go's declaration order, because value maps
 * are sorted and encoding/json follows the struct. The gzip bytes differ from
 * Go's compressor (zlib here) but decode the same either way. Only user of zlib.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>

#include "../chart/chart.h"
#include "../values/json.h"
#include "record.h"
#include "../values/lazylib.h"

/* zlib, loaded on first use: only release records are gzipped */

#define ZLIB_SONAME "libz.so.1"
#define ZLIB_FUNCS(X)                                                                              \
	X(deflate)                                                                                 \
	X(deflateBound)                                                                            \
	X(deflateEnd)                                                                              \
	X(deflateInit2_)                                                                           \
	X(deflateSetHeader)                                                                        \
	X(inflate)                                                                                 \
	X(inflateEnd)                                                                              \
	X(inflateInit2_)                                                                           \
	X(inflateReset)

LAZY_LIBRARY(zlib, ZLIB_SONAME, ZLIB_FUNCS)

/* from here on, each zlib name calls through the table */
#define deflate		 zlib_api()->deflate
#define deflateBound	 zlib_api()->deflateBound
#define deflateEnd	 zlib_api()->deflateEnd
#define deflateInit2_	 zlib_api()->deflateInit2_
#define deflateSetHeader zlib_api()->deflateSetHeader
#define inflate		 zlib_api()->inflate
#define inflateEnd	 zlib_api()->inflateEnd
#define inflateInit2_	 zlib_api()->inflateInit2_
#define inflateReset	 zlib_api()->inflateReset

/* Decompressed records above this are refused (Helm's Secrets hold at most 1 MiB). */
#define MAX_RECORD_BYTES (256u << 20)

/* ---- time ---- */

/* Days from 1970-01-01 to the given civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
	static const int dim[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dim[m - 1];
}

int64_t rel_time_unix(rel_time t)
{
	if (!t.set)
		return -62135596800LL; /* 0001-01-01T00:00:00Z */
	return days_from_civil(t.year, t.mon, t.day) * 86400 + t.hour * 3600 + t.min * 60 + t.sec -
	       t.off;
}

rel_time rel_time_now(void)
{
	struct timespec ts;
	struct tm tm;
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	return (rel_time){.year = tm.tm_year + 1900,
			  .mon = (uint8_t)(tm.tm_mon + 1),
			  .day = (uint8_t)tm.tm_mday,
			  .hour = (uint8_t)tm.tm_hour,
			  .min = (uint8_t)tm.tm_min,
			  .sec = (uint8_t)tm.tm_sec,
			  .nsec = (int32_t)ts.tv_nsec,
			  .off = (int32_t)tm.tm_gmtoff,
			  .set = true};
}

void rel_time_format(strbuf *out, rel_time t)
{
	if (!t.set) {
		sb_adds(out, "0001-01-01T00:00:00Z");
		return;
	}
	sb_addf(out, "%04d-%02d-%02dT%02d:%02d:%02d", (int)t.year, t.mon, t.day, t.hour, t.min,
		t.sec);
	if (t.nsec) {
		char frac[16];
		snprintf(frac, sizeof(frac), ".%09d", (int)t.nsec);
		size_t n = strlen(frac);
		while (frac[n - 1] == '0')
			n--;
		sb_add(out, frac, n);
	}
	if (t.off == 0) {
		sb_addc(out, 'Z');
		return;
	}
	int off = t.off < 0 ? -t.off : t.off;
	sb_addf(out, "%c%02d:%02d", t.off < 0 ? '-' : '+', off / 3600, off / 60 % 60);
}

/* The value of n digits at s, or -1 when one is not a digit. */
static int digits(const char *s, size_t n)
{
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int time_err(arena *a, const char *s, size_t n, const char *why, const char **err)
{
	*err =
	    arena_sprintf(a, "parsing time \"\\\"%.*s\\\"\": %s", (int)(n > 64 ? 64 : n), s, why);
	return -1;
}

/* The zone part of an RFC 3339 time: "Z" or "+hh:mm". */
static int parse_zone(const char *z, size_t zn, int32_t *off)
{
	if (zn == 1 && z[0] == 'Z') {
		*off = 0;
		return 0;
	}
	if (zn != 6 || (z[0] != '+' && z[0] != '-') || z[3] != ':')
		return -1;
	int zh = digits(z + 1, 2), zm = digits(z + 4, 2);
	if (zh < 0 || zm < 0 || zh >= 24 || zm >= 60)
		return -1;
	*off = (zh * 3600 + zm * 60) * (z[0] == '-' ? -1 : 1);
	return 0;
}

int rel_time_parse(arena *a, const char *s, size_t n, rel_time *out, const char **err)
{
	rel_time t = {.set = true};
	if (n < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':')
		return time_err(a, s, n, "invalid RFC 3339 time", err);
	int y = digits(s, 4), mo = digits(s + 5, 2), d = digits(s + 8, 2);
	int h = digits(s + 11, 2), mi = digits(s + 14, 2), se = digits(s + 17, 2);
	if (y < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || se < 0)
		return time_err(a, s, n, "invalid RFC 3339 time", err);
	if (mo < 1 || mo > 12)
		return time_err(a, s, n, "month out of range", err);
	if (d < 1 || d > days_in_month(y, mo))
		return time_err(a, s, n, "day out of range", err);
	if (h >= 24 || mi >= 60 || se >= 60)
		return time_err(a, s, n, "time out of range", err);
	size_t i = 19;
	if (i < n && s[i] == '.') {
		size_t j = i + 1;
		int32_t ns = 0, k = 0;
		for (; j < n && s[j] >= '0' && s[j] <= '9'; j++)
			if (k < 9) {
				ns = ns * 10 + (s[j] - '0');
				k++;
			}
		if (j == i + 1)
			return time_err(a, s, n, "invalid RFC 3339 time", err);
		for (; k < 9; k++)
			ns *= 10;
		t.nsec = ns;
		i = j;
	}
	if (parse_zone(s + i, n - i, &t.off))
		return time_err(a, s, n, "invalid RFC 3339 time zone", err);
	t.year = y;
	t.mon = (uint8_t)mo;
	t.day = (uint8_t)d;
	t.hour = (uint8_t)h;
	t.min = (uint8_t)mi;
	t.sec = (uint8_t)se;
	if (rel_time_unix(t) == -62135596800LL && t.nsec == 0)
		t = (rel_time){0};
	*out = t;
	return 0;
}

/* ---- base64 ---- */

static const char b64_alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

void release_b64_encode(strbuf *out, const char *data, size_t len)
{
	const unsigned char *p = (const unsigned char *)data;
	char *o = sb_grow(out, (len + 2) / 3 * 4);
	size_t k = 0;
	for (size_t i = 0; i < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < len)
			v |= p[i + 2];
		o[k++] = b64_alpha[v >> 18 & 63];
		o[k++] = b64_alpha[v >> 12 & 63];
		o[k++] = i + 1 < len ? b64_alpha[v >> 6 & 63] : '=';
		o[k++] = i + 2 < len ? b64_alpha[v & 63] : '=';
	}
	out->len += k;
}

static int b64_index(unsigned char c)
{
	const char *p = c ? strchr(b64_alpha, c) : NULL;
	return p ? (int)(p - b64_alpha) : -1;
}

static int b64_bad(arena *a, size_t at, const char **err)
{
	*err = arena_sprintf(a, "illegal base64 data at input byte %zu", at);
	return -1;
}

static size_t skip_breaks(const char *s, size_t n, size_t i)
{
	while (i < n && (s[i] == '\r' || s[i] == '\n'))
		i++;
	return i;
}

/* Go's base64.StdEncoding.DecodeString, error offsets included. */
int release_b64_decode(arena *a, const char *s, size_t n, char **out, size_t *outlen,
		       const char **err)
{
	unsigned char *o = arena_alloc(a, n / 4 * 3 + 4);
	size_t k = 0, si = 0;
	for (;;) {
		int q[4] = {0, 0, 0, 0}, dlen = 4;
		for (int j = 0; j < 4; j++) {
			if (si == n) {
				if (j == 0)
					goto done;
				return b64_bad(a, si - (size_t)j, err);
			}
			unsigned char c = (unsigned char)s[si++];
			if (c == '\r' || c == '\n') {
				j--;
				continue;
			}
			int d = b64_index(c);
			if (d >= 0) {
				q[j] = d;
				continue;
			}
			if (c != '=' || j < 2)
				return b64_bad(a, si - 1, err);
			if (j == 2) { /* a second '=' must follow */
				si = skip_breaks(s, n, si);
				if (si == n)
					return b64_bad(a, n, err);
				if (s[si] != '=')
					return b64_bad(a, si - 1, err);
				si++;
			}
			si = skip_breaks(s, n, si);
			if (si < n)
				return b64_bad(a, si, err);
			dlen = j;
			break;
		}
		uint32_t v = (uint32_t)q[0] << 18 | (uint32_t)q[1] << 12 | (uint32_t)q[2] << 6 |
			     (uint32_t)q[3];
		o[k++] = (unsigned char)(v >> 16);
		if (dlen > 2)
			o[k++] = (unsigned char)(v >> 8);
		if (dlen > 3)
			o[k++] = (unsigned char)v;
		if (dlen < 4)
			break;
	}
done:
	o[k] = 0;
	*out = (char *)o;
	*outlen = k;
	return 0;
}

/* ---- gzip ---- */

static int gzip_compress(arena *a, const char *in, size_t n, strbuf *out, const char **err)
{
	if (n > MAX_RECORD_BYTES) {
		*err = "release record is larger than 256 MiB";
		return -1;
	}
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK) {
		*err = "gzip: cannot initialise the compressor";
		return -1;
	}
	gz_header h;
	memset(&h, 0, sizeof(h));
	h.os = 255; /* "unknown", as Go's gzip writer */
	deflateSetHeader(&zs, &h);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	uLong bound = deflateBound(&zs, (uLong)n) + 32;
	char *o = sb_grow(out, bound);
	zs.next_out = (Bytef *)o;
	zs.avail_out = (uInt)bound;
	int rc = deflate(&zs, Z_FINISH);
	out->len += bound - zs.avail_out;
	deflateEnd(&zs);
	if (rc != Z_STREAM_END) {
		*err = arena_sprintf(a, "gzip: compression failed (%d)", rc);
		return -1;
	}
	return 0;
}

/* Go's gzip.Reader: members one after another until the input ends. */
static int gzip_decompress(arena *a, const char *in, size_t n, strbuf *out, const char **err)
{
	z_stream zs;
	memset(&zs, 0, sizeof(zs));
	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		*err = "gzip: cannot initialise the decompressor";
		return -1;
	}
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	int rc = Z_OK;
	*err = NULL;
	for (;;) {
		char *o = sb_grow(out, 65536);
		zs.next_out = (Bytef *)o;
		zs.avail_out = 65536;
		rc = inflate(&zs, Z_NO_FLUSH);
		out->len += 65536 - zs.avail_out;
		if (out->len > MAX_RECORD_BYTES) {
			*err = "release record is larger than 256 MiB";
			break;
		}
		if (rc == Z_STREAM_END) {
			if (zs.avail_in == 0)
				break;
			if (zs.avail_in < 2 || zs.next_in[0] != 0x1f || zs.next_in[1] != 0x8b) {
				*err = "gzip: invalid header";
				break;
			}
			inflateReset(&zs);
			continue;
		}
		if (rc == Z_BUF_ERROR && zs.avail_in == 0) {
			*err = "unexpected EOF";
			break;
		}
		if (rc != Z_OK) {
			*err = zs.msg && strstr(zs.msg, "check") ? "gzip: invalid checksum"
			       : zs.msg && strstr(zs.msg, "header")
				   ? "gzip: invalid header"
				   : arena_sprintf(a, "flate: corrupt input before offset %lu",
						   zs.total_in);
			break;
		}
	}
	inflateEnd(&zs);
	return *err ? -1 : 0;
}

/* ---- JSON out ---- */

typedef struct jw {
	strbuf *sb;
	const char **err;
	bool first;
} jw;

static void jw_open(jw *w)
{
	sb_addc(w->sb, '{');
	w->first = true;
}

static void jw_key(jw *w, const char *k)
{
	if (!w->first)
		sb_addc(w->sb, ',');
	w->first = false;
	sb_addf(w->sb, "\"%s\":", k);
}

static void jw_quote(strbuf *sb, const char *s)
{
	json_quote(sb, s ? s : "", s ? strlen(s) : 0, true);
}

static void jw_str(jw *w, const char *k, const char *s, bool omitempty)
{
	if (omitempty && (!s || !*s))
		return;
	jw_key(w, k);
	jw_quote(w->sb, s);
}

static void jw_strs(jw *w, const char *k, const char **v, size_t n)
{
	if (!n)
		return;
	jw_key(w, k);
	sb_addc(w->sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(w->sb, ',');
		jw_quote(w->sb, v[i]);
	}
	sb_addc(w->sb, ']');
}

/* helm's time type: "" when zero. */
static void jw_htime(jw *w, const char *k, rel_time t)
{
	jw_key(w, k);
	sb_addc(w->sb, '"');
	if (t.set)
		rel_time_format(w->sb, t);
	sb_addc(w->sb, '"');
}

static void jw_bytes(strbuf *sb, const char *data, size_t len)
{
	if (!data) {
		sb_adds(sb, "null");
		return;
	}
	sb_addc(sb, '"');
	release_b64_encode(sb, data, len);
	sb_addc(sb, '"');
}

/* Field lookup as encoding/json matches keys: exact, else case-insensitive. */
static value *field(const vmap *m, const char *name)
{
	value *v = map_getc(m, name);
	if (v)
		return v->kind == V_NIL ? NULL : v;
	for (uint32_t i = 0; i < m->len; i++)
		if (!strcasecmp(m->e[i].key, name) && m->e[i].klen == strlen(name))
			return m->e[i].val.kind == V_NIL ? NULL : &m->e[i].val;
	return NULL;
}

static int type_err(arena *a, value v, const char *path, const char *gotype, const char **err)
{
	*err = arena_sprintf(a, "json: cannot unmarshal %s into Go struct field %s of type %s",
			     json_type_name(v), path, gotype);
	return -1;
}

/* Field kinds of the chart structs kept as maps (Metadata, Maintainer, Dependency, Lock). */
enum fkind { F_STR, F_STRS, F_BOOL, F_STRMAP, F_ANYS, F_MAINTS, F_DEPS, F_TIME };

struct mfield {
	const char *name;
	enum fkind kind;
	bool keep; /* no omitempty */
};

static const struct mfield metadata_fields[] = {
    {"name", F_STR, 0},		  {"home", F_STR, 0},		{"sources", F_STRS, 0},
    {"version", F_STR, 0},	  {"description", F_STR, 0},	{"keywords", F_STRS, 0},
    {"maintainers", F_MAINTS, 0}, {"icon", F_STR, 0},		{"apiVersion", F_STR, 0},
    {"condition", F_STR, 0},	  {"tags", F_STR, 0},		{"appVersion", F_STR, 0},
    {"deprecated", F_BOOL, 0},	  {"annotations", F_STRMAP, 0}, {"kubeVersion", F_STR, 0},
    {"dependencies", F_DEPS, 0},  {"type", F_STR, 0},		{NULL, 0, 0},
};

static const struct mfield maintainer_fields[] = {
    {"name", F_STR, 0}, {"email", F_STR, 0}, {"url", F_STR, 0}, {NULL, 0, 0}};

static const struct mfield dependency_fields[] = {
    {"name", F_STR, 1},		  {"version", F_STR, 0}, {"repository", F_STR, 1},
    {"condition", F_STR, 0},	  {"tags", F_STRS, 0},	 {"enabled", F_BOOL, 0},
    {"import-values", F_ANYS, 0}, {"alias", F_STR, 0},	 {NULL, 0, 0},
};

static const struct mfield lock_fields[] = {
    {"generated", F_TIME, 1}, {"digest", F_STR, 1}, {"dependencies", F_DEPS, 1}, {NULL, 0, 0}};

static int emit_struct(jw *w, value v, const struct mfield *f, const char *path);

static int emit_list_of(jw *w, const vlist *l, const struct mfield *f, const char *path)
{
	sb_addc(w->sb, '[');
	for (uint32_t i = 0; i < l->len; i++) {
		if (i)
			sb_addc(w->sb, ',');
		jw sub = {.sb = w->sb, .err = w->err};
		if (emit_struct(&sub, l->items[i], f, path))
			return -1;
	}
	sb_addc(w->sb, ']');
	return 0;
}

static int emit_strs(jw *w, const vlist *l, const char *path)
{
	sb_addc(w->sb, '[');
	for (uint32_t i = 0; i < l->len; i++) {
		value s = l->items[i];
		if (i)
			sb_addc(w->sb, ',');
		if (s.kind != V_STRING && s.kind != V_NIL)
			return type_err(w->sb->a, s, path, "string", w->err);
		json_quote(w->sb, s.kind == V_STRING ? s.u.s : "", s.kind == V_STRING ? s.len : 0,
			   true);
	}
	sb_addc(w->sb, ']');
	return 0;
}

static int emit_strmap(jw *w, const vmap *m, const char *path)
{
	sb_addc(w->sb, '{');
	for (uint32_t i = 0; i < m->len; i++) {
		value s = m->e[i].val;
		if (i)
			sb_addc(w->sb, ',');
		if (s.kind != V_STRING && s.kind != V_NIL)
			return type_err(w->sb->a, s, path, "string", w->err);
		json_quote(w->sb, m->e[i].key, m->e[i].klen, true);
		sb_addc(w->sb, ':');
		json_quote(w->sb, s.kind == V_STRING ? s.u.s : "", s.kind == V_STRING ? s.len : 0,
			   true);
	}
	sb_addc(w->sb, '}');
	return 0;
}

/* Whether encoding/json's omitempty drops v. */
static bool empty_field(value *v)
{
	if (!v)
		return true;
	switch (v->kind) {
	case V_STRING:
		return v->len == 0;
	case V_BOOL:
		return !v->u.b;
	case V_LIST:
		return v->u.l->len == 0;
	case V_MAP:
		return v->u.m->len == 0;
	default:
		return false;
	}
}

static int emit_field(jw *w, const struct mfield *f, value *v, const char *path)
{
	arena *a = w->sb->a;
	const char *fp = arena_sprintf(a, "%s.%s", path, f->name);
	jw_key(w, f->name);
	switch (f->kind) {
	case F_STR:
		if (v && v->kind != V_STRING)
			return type_err(a, *v, fp, "string", w->err);
		json_quote(w->sb, v ? v->u.s : "", v ? v->len : 0, true);
		return 0;
	case F_BOOL:
		if (v && v->kind != V_BOOL)
			return type_err(a, *v, fp, "bool", w->err);
		sb_adds(w->sb, v && v->u.b ? "true" : "false");
		return 0;
	case F_TIME: {
		rel_time t = {0};
		if (v && v->kind != V_STRING)
			return type_err(a, *v, fp, "time.Time", w->err);
		if (v && rel_time_parse(a, v->u.s, v->len, &t, w->err))
			return -1;
		sb_addc(w->sb, '"');
		rel_time_format(w->sb, t);
		sb_addc(w->sb, '"');
		return 0;
	}
	default:
		break;
	}
	if (!v) {
		sb_adds(w->sb, "null");
		return 0;
	}
	if (f->kind == F_STRMAP) {
		if (v->kind != V_MAP)
			return type_err(a, *v, fp, "map[string]string", w->err);
		return emit_strmap(w, v->u.m, fp);
	}
	if (v->kind != V_LIST)
		return type_err(a, *v, fp,
				f->kind == F_STRS     ? "[]string"
				: f->kind == F_ANYS   ? "[]interface {}"
				: f->kind == F_MAINTS ? "[]*chart.Maintainer"
						      : "[]*chart.Dependency",
				w->err);
	if (f->kind == F_STRS)
		return emit_strs(w, v->u.l, fp);
	if (f->kind == F_ANYS)
		return json_emit(w->sb, *v, w->err);
	return emit_list_of(w, v->u.l, f->kind == F_MAINTS ? maintainer_fields : dependency_fields,
			    fp);
}

/* A struct kept as a map, in its fields' order; V_NIL is null. */
static int emit_struct(jw *w, value v, const struct mfield *f, const char *path)
{
	if (v.kind == V_NIL) {
		sb_adds(w->sb, "null");
		return 0;
	}
	if (v.kind != V_MAP)
		return type_err(w->sb->a, v, path, "struct", w->err);
	jw_open(w);
	for (; f->name; f++) {
		value *fv = field(v.u.m, f->name);
		if (!f->keep && empty_field(fv))
			continue;
		if (emit_field(w, f, fv, path))
			return -1;
	}
	sb_addc(w->sb, '}');
	return 0;
}

static void emit_files(jw *w, const char *k, const rel_file *f, size_t n)
{
	jw_key(w, k);
	if (!f) {
		sb_adds(w->sb, "null");
		return;
	}
	sb_addc(w->sb, '[');
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_addc(w->sb, ',');
		if (!f[i].name && !f[i].data) {
			sb_adds(w->sb, "null"); /* a nil *chart.File */
			continue;
		}
		sb_adds(w->sb, "{\"name\":");
		jw_quote(w->sb, f[i].name);
		sb_adds(w->sb, ",\"data\":");
		jw_bytes(w->sb, f[i].data, f[i].len);
		sb_addc(w->sb, '}');
	}
	sb_addc(w->sb, ']');
}

static int emit_map_or_null(jw *w, const char *k, value v)
{
	jw_key(w, k);
	if (v.kind == V_NIL) {
		sb_adds(w->sb, "null");
		return 0;
	}
	return json_emit(w->sb, v, w->err);
}

static int emit_chart(jw *w, const rel_chart *c)
{
	jw_open(w);
	jw_key(w, "metadata");
	jw sub = {.sb = w->sb, .err = w->err};
	if (emit_struct(&sub, c->metadata, metadata_fields, "Metadata.chart.metadata"))
		return -1;
	jw_key(w, "lock");
	sub.first = true;
	if (emit_struct(&sub, c->lock, lock_fields, "Lock.chart.lock"))
		return -1;
	emit_files(w, "templates", c->templates, c->ntemplates);
	if (emit_map_or_null(w, "values", c->values))
		return -1;
	jw_key(w, "schema");
	jw_bytes(w->sb, c->schema, c->schema_len);
	emit_files(w, "files", c->files, c->nfiles);
	sb_addc(w->sb, '}');
	return 0;
}

static int emit_info(jw *w, const rel_info *in)
{
	jw_open(w);
	jw_htime(w, "first_deployed", in->first_deployed);
	jw_htime(w, "last_deployed", in->last_deployed);
	jw_htime(w, "deleted", in->deleted);
	jw_str(w, "description", in->description, true);
	jw_str(w, "status", in->status, true);
	jw_str(w, "notes", in->notes, true);
	if (!empty_field(in->resources.kind == V_NIL ? NULL : (value *)&in->resources)) {
		jw_key(w, "resources");
		if (json_emit(w->sb, in->resources, w->err))
			return -1;
	}
	sb_addc(w->sb, '}');
	return 0;
}

static void emit_hook(jw *w, const rel_hook *h)
{
	jw_open(w);
	jw_str(w, "name", h->name, true);
	jw_str(w, "kind", h->kind, true);
	jw_str(w, "path", h->path, true);
	jw_str(w, "manifest", h->manifest, true);
	jw_strs(w, "events", h->events, h->nevents);
	jw_key(w, "last_run");
	jw sub = {.sb = w->sb, .err = w->err};
	jw_open(&sub);
	jw_htime(&sub, "started_at", h->started_at);
	jw_htime(&sub, "completed_at", h->completed_at);
	jw_str(&sub, "phase", h->phase, false);
	sb_addc(w->sb, '}');
	if (h->weight) {
		jw_key(w, "weight");
		sb_addf(w->sb, "%lld", (long long)h->weight);
	}
	jw_strs(w, "delete_policies", h->delete_policies, h->ndelete_policies);
	sb_addc(w->sb, '}');
}

int release_to_json(strbuf *out, const release *r, const char **err)
{
	strbuf tmp;
	sb_init(&tmp, out->a);
	jw w = {.sb = &tmp, .err = err};
	jw_open(&w);
	jw_str(&w, "name", r->name, true);
	if (r->info) {
		jw_key(&w, "info");
		jw sub = {.sb = &tmp, .err = err};
		if (emit_info(&sub, r->info))
			return -1;
	}
	if (r->chart) {
		jw_key(&w, "chart");
		jw sub = {.sb = &tmp, .err = err};
		if (emit_chart(&sub, r->chart))
			return -1;
	}
	if (!empty_field(r->config.kind == V_NIL ? NULL : (value *)&r->config)) {
		jw_key(&w, "config");
		if (json_emit(&tmp, r->config, err))
			return -1;
	}
	jw_str(&w, "manifest", r->manifest, true);
	if (r->nhooks) {
		jw_key(&w, "hooks");
		sb_addc(&tmp, '[');
		for (size_t i = 0; i < r->nhooks; i++) {
			if (i)
				sb_addc(&tmp, ',');
			jw sub = {.sb = &tmp, .err = err};
			emit_hook(&sub, &r->hooks[i]);
		}
		sb_addc(&tmp, ']');
	}
	if (r->version) {
		jw_key(&w, "version");
		sb_addf(&tmp, "%lld", (long long)r->version);
	}
	jw_str(&w, "namespace", r->namespace, true);
	sb_addc(&tmp, '}');
	sb_add(out, tmp.buf, tmp.len);
	return 0;
}

/* ---- JSON in ---- */

typedef struct jr {
	arena *a;
	const char **err;
} jr;

static int get_str(jr *j, const vmap *m, const char *name, const char *path, const char **out)
{
	value *v = field(m, name);
	*out = NULL;
	if (!v)
		return 0;
	if (v->kind != V_STRING)
		return type_err(j->a, *v, arena_sprintf(j->a, "%s.%s", path, name), "string",
				j->err);
	*out = v->u.s;
	return 0;
}

static int get_int(jr *j, const vmap *m, const char *name, const char *path, int64_t *out)
{
	value *v = field(m, name);
	*out = 0;
	if (!v)
		return 0;
	const char *fp = arena_sprintf(j->a, "%s.%s", path, name);
	if (v->kind != V_FLOAT && !value_is_int(*v))
		return type_err(j->a, *v, fp, "int", j->err);
	if (v->kind == V_FLOAT) {
		double f = v->u.f;
		if (f != (double)(int64_t)f || f >= 9.2233720368547758e18 ||
		    f < -9.2233720368547758e18) {
			*j->err = arena_sprintf(j->a,
						"json: cannot unmarshal number %.17g into Go "
						"struct field %s of type int",
						f, fp);
			return -1;
		}
		*out = (int64_t)f;
	} else {
		*out = v->u.i;
	}
	return 0;
}

/* helm's time type: null and "" are the zero time. */
static int get_htime(jr *j, const vmap *m, const char *name, rel_time *out)
{
	value *v = field(m, name);
	*out = (rel_time){0};
	if (!v || (v->kind == V_STRING && v->len == 0))
		return 0;
	if (v->kind != V_STRING) {
		*j->err = "Time.UnmarshalJSON: input is not a JSON string";
		return -1;
	}
	return rel_time_parse(j->a, v->u.s, v->len, out, j->err);
}

static int get_strs(jr *j, const vmap *m, const char *name, const char *path, const char ***out,
		    size_t *n)
{
	value *v = field(m, name);
	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	const char *fp = arena_sprintf(j->a, "%s.%s", path, name);
	if (v->kind != V_LIST)
		return type_err(j->a, *v, fp, "[]string", j->err);
	const vlist *l = v->u.l;
	*out = arena_alloc(j->a, (l->len + 1) * sizeof(char *));
	for (uint32_t i = 0; i < l->len; i++) {
		value s = l->items[i];
		if (s.kind != V_STRING && s.kind != V_NIL)
			return type_err(j->a, s, fp, "string", j->err);
		(*out)[i] = s.kind == V_STRING ? s.u.s : "";
	}
	*n = l->len;
	return 0;
}

static int get_map(jr *j, const vmap *m, const char *name, const char *path, value *out)
{
	value *v = field(m, name);
	*out = v_nil();
	if (!v)
		return 0;
	if (v->kind != V_MAP)
		return type_err(j->a, *v, arena_sprintf(j->a, "%s.%s", path, name),
				"map[string]interface {}", j->err);
	*out = *v;
	return 0;
}

static int get_bytes(jr *j, value v, const char *fp, const char **data, size_t *len)
{
	if (v.kind != V_STRING)
		return type_err(j->a, v, fp, "[]uint8", j->err);
	char *d;
	if (release_b64_decode(j->a, v.u.s, v.len, &d, len, j->err))
		return -1;
	*data = d;
	return 0;
}

static int get_files(jr *j, const vmap *m, const char *name, rel_file **out, size_t *n)
{
	value *v = field(m, name);
	const char *fp = arena_sprintf(j->a, "Chart.chart.%s", name);
	*out = NULL;
	*n = 0;
	if (!v)
		return 0;
	if (v->kind != V_LIST)
		return type_err(j->a, *v, fp, "[]*chart.File", j->err);
	const vlist *l = v->u.l;
	*out = arena_alloc(j->a, (l->len + 1) * sizeof(rel_file));
	for (uint32_t i = 0; i < l->len; i++) {
		value f = l->items[i];
		rel_file *rf = &(*out)[i];
		if (f.kind == V_NIL)
			continue;
		if (f.kind != V_MAP)
			return type_err(j->a, f, fp, "chart.File", j->err);
		if (get_str(j, f.u.m, "name", "File.name", &rf->name))
			return -1;
		if (!rf->name)
			rf->name = "";
		value *d = field(f.u.m, "data");
		if (d && get_bytes(j, *d, "File.data", &rf->data, &rf->len))
			return -1;
	}
	*n = l->len;
	return 0;
}

/* Checks a struct kept as a map by emitting it (the same type rules apply). */
static int check_struct(jr *j, value v, const struct mfield *f, const char *path)
{
	strbuf scratch;
	sb_init(&scratch, j->a);
	jw w = {.sb = &scratch, .err = j->err};
	return emit_struct(&w, v, f, path);
}

static int read_chart(jr *j, value v, rel_chart **out)
{
	if (v.kind != V_MAP)
		return type_err(j->a, v, "Release.chart", "chart.Chart", j->err);
	rel_chart *c = arena_alloc(j->a, sizeof(*c));
	const vmap *m = v.u.m;
	value *mv = field(m, "metadata"), *lv = field(m, "lock");
	c->metadata = mv ? *mv : v_nil();
	c->lock = lv ? *lv : v_nil();
	if (check_struct(j, c->metadata, metadata_fields, "Metadata.chart.metadata") ||
	    check_struct(j, c->lock, lock_fields, "Lock.chart.lock"))
		return -1;
	if (get_files(j, m, "templates", &c->templates, &c->ntemplates) ||
	    get_map(j, m, "values", "Chart.chart", &c->values) ||
	    get_files(j, m, "files", &c->files, &c->nfiles))
		return -1;
	value *sv = field(m, "schema");
	if (sv && get_bytes(j, *sv, "Chart.chart.schema", &c->schema, &c->schema_len))
		return -1;
	*out = c;
	return 0;
}

static int read_info(jr *j, value v, rel_info **out)
{
	if (v.kind != V_MAP)
		return type_err(j->a, v, "Release.info", "release.Info", j->err);
	rel_info *in = arena_alloc(j->a, sizeof(*in));
	const vmap *m = v.u.m;
	const char *p = "Info.info";
	if (get_htime(j, m, "first_deployed", &in->first_deployed) ||
	    get_htime(j, m, "last_deployed", &in->last_deployed) ||
	    get_htime(j, m, "deleted", &in->deleted) ||
	    get_str(j, m, "description", p, &in->description) ||
	    get_str(j, m, "status", p, &in->status) || get_str(j, m, "notes", p, &in->notes))
		return -1;
	value *rv = field(m, "resources");
	in->resources = rv ? *rv : v_nil();
	*out = in;
	return 0;
}

static int read_hook(jr *j, value v, rel_hook *h)
{
	if (v.kind == V_NIL)
		return 0;
	if (v.kind != V_MAP)
		return type_err(j->a, v, "Release.hooks", "release.Hook", j->err);
	const vmap *m = v.u.m;
	const char *p = "Hook.hooks";
	if (get_str(j, m, "name", p, &h->name) || get_str(j, m, "kind", p, &h->kind) ||
	    get_str(j, m, "path", p, &h->path) || get_str(j, m, "manifest", p, &h->manifest) ||
	    get_strs(j, m, "events", p, &h->events, &h->nevents) ||
	    get_int(j, m, "weight", p, &h->weight) ||
	    get_strs(j, m, "delete_policies", p, &h->delete_policies, &h->ndelete_policies))
		return -1;
	value *lr = field(m, "last_run");
	if (!lr)
		return 0;
	if (lr->kind != V_MAP)
		return type_err(j->a, *lr, "Hook.hooks.last_run", "release.HookExecution", j->err);
	return get_htime(j, lr->u.m, "started_at", &h->started_at) ||
		       get_htime(j, lr->u.m, "completed_at", &h->completed_at) ||
		       get_str(j, lr->u.m, "phase", "HookExecution.hooks.last_run.phase", &h->phase)
		   ? -1
		   : 0;
}

static int read_release(jr *j, const vmap *m, release *r)
{
	const char *p = "Release";
	if (get_str(j, m, "name", p, &r->name) || get_str(j, m, "manifest", p, &r->manifest) ||
	    get_str(j, m, "namespace", p, &r->namespace) ||
	    get_int(j, m, "version", p, &r->version) || get_map(j, m, "config", p, &r->config))
		return -1;
	value *v = field(m, "info");
	if (v && read_info(j, *v, &r->info))
		return -1;
	v = field(m, "chart");
	if (v && read_chart(j, *v, &r->chart))
		return -1;
	v = field(m, "hooks");
	if (!v)
		return 0;
	if (v->kind != V_LIST)
		return type_err(j->a, *v, "Release.hooks", "[]*release.Hook", j->err);
	r->nhooks = v->u.l->len;
	r->hooks = arena_alloc(j->a, (r->nhooks + 1) * sizeof(rel_hook));
	for (size_t i = 0; i < r->nhooks; i++)
		if (read_hook(j, v->u.l->items[i], &r->hooks[i]))
			return -1;
	return 0;
}

/* Go decodes an int field only from an integer literal ("1.0" and "1e0" are type
 * errors), which the parsed float cannot tell; so the int fields' literals
 * (version, hooks[].weight) are checked in the text, which json_parse accepted. */

static const char *lit_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* p at '"': past the closing quote. */
static const char *lit_string(const char *p, const char *e)
{
	for (p++; p < e && *p != '"'; p++)
		if (*p == '\\')
			p++;
	return p < e ? p + 1 : e;
}

static const char *lit_skip(const char *p, const char *e)
{
	int depth = 0;
	do {
		p = lit_ws(p, e);
		if (p >= e)
			return e;
		if (*p == '"')
			p = lit_string(p, e);
		else if (*p == '{' || *p == '[')
			depth++, p++;
		else if (*p == '}' || *p == ']')
			depth--, p++;
		else if (*p == ',' || *p == ':')
			p++;
		else
			while (p < e && !strchr(" \t\r\n,:]}", *p))
				p++;
	} while (depth > 0);
	return p;
}

/* Whether the key at p (a string) is name, as Go matches keys. */
static bool lit_key_is(const char *p, const char *e, const char *name)
{
	size_t n = strlen(name);
	return e - p > (ptrdiff_t)n + 1 && p[n + 1] == '"' && !strncasecmp(p + 1, name, n);
}

static int lit_int(jr *j, const char *p, const char *e, const char *field)
{
	const char *q = p;
	while (q < e && !strchr(" \t\r\n,]}", *q))
		q++;
	if (*p == 'n' || *p == '"' || *p == '{' || *p == '[' || *p == 't' || *p == 'f')
		return 0; /* null, or another type get_int reports */
	bool ok = q - p <= 19 + (*p == '-');
	for (const char *c = p; ok && c < q; c++)
		ok = *c != '.' && *c != 'e' && *c != 'E';
	if (ok)
		return 0;
	*j->err = arena_sprintf(
	    j->a, "json: cannot unmarshal number %.*s into Go struct field %s of type int",
	    (int)(q - p > 64 ? 64 : q - p), p, field);
	return -1;
}

/* Calls fn on the value of each key `name` of the object at p. */
static int lit_members(jr *j, const char *p, const char *e, const char *name,
		       int (*fn)(jr *, const char *, const char *))
{
	p = lit_ws(p, e);
	if (p >= e || *p != '{')
		return 0;
	for (p = lit_ws(p + 1, e); p < e && *p == '"';) {
		bool hit = lit_key_is(p, e, name);
		p = lit_ws(lit_string(p, e), e);
		p = lit_ws(p + 1, e); /* past ':' */
		if (hit && fn(j, p, e))
			return -1;
		p = lit_ws(lit_skip(p, e), e);
		if (p < e && *p == ',')
			p = lit_ws(p + 1, e);
	}
	return 0;
}

static int lit_weight(jr *j, const char *p, const char *e)
{
	return lit_int(j, p, e, "Hook.hooks.weight");
}

static int lit_hooks(jr *j, const char *p, const char *e)
{
	if (*p != '[')
		return 0;
	for (p = lit_ws(p + 1, e); p < e && *p != ']';) {
		if (lit_members(j, p, e, "weight", lit_weight))
			return -1;
		p = lit_ws(lit_skip(p, e), e);
		if (p < e && *p == ',')
			p = lit_ws(p + 1, e);
	}
	return 0;
}

static int lit_version(jr *j, const char *p, const char *e)
{
	return lit_int(j, p, e, "Release.version");
}

int release_from_json(arena *a, const char *text, size_t len, release **out, const char **err)
{
	value v;
	if (json_parse(a, text, len, &v, err))
		return -1;
	release *r = arena_alloc(a, sizeof(*r));
	jr j = {.a = a, .err = err};
	if (v.kind != V_NIL && v.kind != V_MAP) {
		*err = arena_sprintf(
		    a, "json: cannot unmarshal %s into Go value of type release.Release",
		    json_type_name(v));
		return -1;
	}
	if (v.kind == V_MAP &&
	    (lit_members(&j, text, text + len, "version", lit_version) ||
	     lit_members(&j, text, text + len, "hooks", lit_hooks) || read_release(&j, v.u.m, r)))
		return -1;
	*out = r;
	return 0;
}

/* ---- storage ---- */

int release_encode(arena *a, const release *r, const char **out, size_t *outlen, const char **err)
{
	strbuf js, gz, b64;
	sb_init(&js, a);
	sb_init(&gz, a);
	sb_init(&b64, a);
	if (release_to_json(&js, r, err) || gzip_compress(a, js.buf, js.len, &gz, err))
		return -1;
	release_b64_encode(&b64, gz.buf, gz.len);
	*out = sb_str(&b64);
	if (outlen)
		*outlen = b64.len;
	return 0;
}

int release_decode(arena *a, const char *data, size_t len, release **out, const char **err)
{
	char *raw;
	size_t n;
	if (release_b64_decode(a, data, len, &raw, &n, err))
		return -1;
	if (n >= 3 && (unsigned char)raw[0] == 0x1f && (unsigned char)raw[1] == 0x8b &&
	    raw[2] == 8) {
		strbuf sb;
		sb_init(&sb, a);
		if (gzip_decompress(a, raw, n, &sb, err))
			return -1;
		raw = (char *)sb_str(&sb);
		n = sb.len;
	}
	return release_from_json(a, raw, n, out, err);
}

const char *release_key(arena *a, const char *name, int64_t version)
{
	return arena_sprintf(a, "sh.helm.release.v1.%s.v%lld", name ? name : "",
			     (long long)version);
}

/* The object Helm's secrets or configmaps driver writes for r. */
static int storage_object(arena *a, const release *r, bool create, int64_t now_unix, bool configmap,
			  value *out, const char **err)
{
	const char *enc;
	size_t enclen;
	if (release_encode(a, r, &enc, &enclen, err))
		return -1;
	value labels = v_map_new(a);
	vmap *lm = labels.u.m;
	lm->gotype = GT_STRMAP;
	for (uint32_t i = 0; r->labels && i < r->labels->len; i++)
		map_set(a, lm, r->labels->e[i].key, r->labels->e[i].klen, r->labels->e[i].val);
	map_setc(a, lm, create ? "createdAt" : "modifiedAt",
		 v_cstr(a, arena_sprintf(a, "%lld", (long long)now_unix)));
	map_setc(a, lm, "name", v_cstr(a, r->name ? r->name : ""));
	map_setc(a, lm, "owner", v_cstr(a, "helm"));
	map_setc(a, lm, "status", v_cstr(a, r->info && r->info->status ? r->info->status : ""));
	map_setc(a, lm, "version", v_cstr(a, arena_sprintf(a, "%lld", (long long)r->version)));

	value meta = v_map_new(a);
	map_setc(a, meta.u.m, "name", v_cstr(a, release_key(a, r->name, r->version)));
	if (r->namespace && *r->namespace)
		map_setc(a, meta.u.m, "namespace", v_cstr(a, r->namespace));
	map_setc(a, meta.u.m, "labels", labels);

	/* a Secret's data is base64 on the wire (so the record is base64 twice) */
	value data = v_map_new(a);
	if (configmap) {
		map_setc(a, data.u.m, "release", v_str(a, enc, enclen));
	} else {
		strbuf b64;
		sb_init(&b64, a);
		release_b64_encode(&b64, enc, enclen);
		map_setc(a, data.u.m, "release", v_str(a, b64.buf, b64.len));
	}

	value s = v_map_new(a);
	map_setc(a, s.u.m, "apiVersion", v_cstr(a, "v1"));
	map_setc(a, s.u.m, "kind", v_cstr(a, configmap ? "ConfigMap" : "Secret"));
	map_setc(a, s.u.m, "metadata", meta);
	if (!configmap)
		map_setc(a, s.u.m, "type", v_cstr(a, "helm.sh/release.v1"));
	map_setc(a, s.u.m, "data", data);
	*out = s;
	return 0;
}

int release_secret(arena *a, const release *r, bool create, int64_t now_unix, value *out,
		   const char **err)
{
	return storage_object(a, r, create, now_unix, false, out, err);
}

int release_configmap(arena *a, const release *r, bool create, int64_t now_unix, value *out,
		      const char **err)
{
	return storage_object(a, r, create, now_unix, true, out, err);
}

int release_from_secret(arena *a, value secret, release **out, const char **err)
{
	value *data = secret.kind == V_MAP ? map_getc(secret.u.m, "data") : NULL;
	value *rel = data && data->kind == V_MAP ? map_getc(data->u.m, "release") : NULL;
	value *kind = secret.kind == V_MAP ? map_getc(secret.u.m, "kind") : NULL;
	if (!rel || rel->kind != V_STRING) {
		*err = "no data.release in the storage object";
		return -1;
	}
	const char *enc = rel->u.s;
	size_t n = rel->len;
	if (!(kind && kind->kind == V_STRING && !strcmp(kind->u.s, "ConfigMap"))) {
		char *raw;
		if (release_b64_decode(a, rel->u.s, rel->len, &raw, &n, err))
			return -1;
		enc = raw;
	}
	if (release_decode(a, enc, n, out, err))
		return -1;
	value *meta = map_getc(secret.u.m, "metadata");
	value *labels = meta && meta->kind == V_MAP ? map_getc(meta->u.m, "labels") : NULL;
	if (labels && labels->kind == V_MAP)
		(*out)->labels = map_copy(a, labels->u.m);
	return 0;
}

/* ---- building ---- */

static rel_file *copy_files(arena *a, const chart_file *f, size_t n)
{
	if (!n)
		return NULL; /* Go's nil slice: null */
	rel_file *out = arena_alloc(a, n * sizeof(*out));
	for (size_t i = 0; i < n; i++)
		out[i] = (rel_file){
		    .name = f[i].name, .data = f[i].data ? f[i].data : "", .len = f[i].len};
	return out;
}

rel_chart *release_chart_from(arena *a, const chart *c, bool has_values, const char *schema,
			      size_t schema_len, value lock)
{
	rel_chart *rc = arena_alloc(a, sizeof(*rc));
	rc->metadata = c->meta;
	rc->lock = lock;
	rc->templates = copy_files(a, c->templates, c->ntemplates);
	rc->ntemplates = c->ntemplates;
	rc->values = has_values && c->values ? (value){.kind = V_MAP, .u.m = c->values} : v_nil();
	rc->schema = schema;
	rc->schema_len = schema_len;
	rc->files = copy_files(a, c->files, c->nfiles);
	rc->nfiles = c->nfiles;
	return rc;
}

bool release_system_label(const char *key)
{
	static const char *const sys[] = {"name",      "owner",	     "status", "version",
					  "createdAt", "modifiedAt", NULL};
	for (int i = 0; sys[i]; i++)
		if (!strcmp(key, sys[i]))
			return true;
	return false;
}
