/* storage.c - reading Helm's release Secrets through net/kube.h.
 *
 * Mirrors pkg/storage/driver/secrets.go (List, Query, Get) and the storage
 * layer above it (History, Last), with Helm's error texts. The printing
 * helpers at the end (Go time formats) serve list, history, status
 * and get.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../values/strbuf.h"
#include "storage.h"

struct storage {
	arena *a;
	kube_client *k;
	const char *ns;
	kube_resource secrets; /* or configmaps (HELM_DRIVER=configmap) */
	bool memory;	       /* HELM_DRIVER=memory: always empty */
	const char *driver_err;
};

/* Runs the driver's list; 0 with the list object, or -1 with *err, *st. */
static int driver_list(storage *s, const char *sel, value *list, long *st, const char **err)
{
	*st = 0;
	if (s->driver_err) {
		*err = s->driver_err;
		return -1;
	}
	if (s->memory) {
		*list = v_nil();
		return 0;
	}
	return kube_list(s->k, &s->secrets, s->ns, sel, list, st, err);
}

storage *storage_new(arena *a, kube_client *k, const char *ns)
{
	storage *s = arena_alloc(a, sizeof *s);
	s->a = a;
	s->k = k;
	s->ns = ns ? ns : "";
	s->secrets = (kube_resource){
	    .group = "", .version = "v1", .name = "secrets", .kind = "Secret", .namespaced = true};
	const char *drv = getenv("HELM_DRIVER");
	if (drv && (!strcmp(drv, "configmap") || !strcmp(drv, "configmaps"))) {
		s->secrets.name = "configmaps";
		s->secrets.kind = "ConfigMap";
	} else if (drv && !strcmp(drv, "memory")) {
		const char *data = getenv("HELM_MEMORY_DRIVER_DATA");
		s->memory = true;
		if (!data || !*data)
			s->driver_err = "helm.go:116: Unable to read memory driver dataopen : no "
					"such file or directory";
		else
			s->driver_err = "the memory driver's HELM_MEMORY_DRIVER_DATA files are not "
					"supported yet";
	} else if (drv && *drv && strcmp(drv, "secret") && strcmp(drv, "secrets")) {
		s->driver_err = arena_sprintf(a, "helm.go:78: unknown driver \"%s\"", drv);
	}
	return s;
}

storage *storage_open(arena *a, const kube_opts *o, bool all_namespaces, kube_client **k)
{
	*k = kube_new(a, o);
	return storage_new(a, *k, all_namespaces ? "" : kube_namespace(*k));
}

const char *storage_driver_error(const storage *s)
{
	return s->driver_err;
}

/* Decodes each item of a SecretList; bad records are skipped. Returns the
 * number of items, decoded or not. */
static size_t decode_items(storage *s, value list, release ***out, size_t *n)
{
	value *items = list.kind == V_MAP ? map_getc(list.u.m, "items") : NULL;
	size_t cnt = items && items->kind == V_LIST ? items->u.l->len : 0;
	release **v = arena_alloc(s->a, (cnt + 1) * sizeof *v);
	size_t k = 0;
	for (size_t i = 0; i < cnt; i++) {
		release *r;
		const char *e;
		value it = items->u.l->items[i];
		if (it.kind == V_MAP) /* list items carry no kind; the record module reads it */
			map_setc(s->a, it.u.m, "kind", v_cstr(s->a, s->secrets.kind));
		if (release_from_secret(s->a, it, &r, &e) == 0 && r)
			v[k++] = r;
	}
	*out = v;
	*n = k;
	return cnt;
}

int storage_list(storage *s, const char *selector, release ***out, size_t *n, const char **err)
{
	const char *sel =
	    selector && *selector ? arena_sprintf(s->a, "owner=helm,%s", selector) : "owner=helm";
	value list;
	long st;
	const char *e;
	if (driver_list(s, sel, &list, &st, &e)) {
		*err = st ? arena_sprintf(s->a, "list: failed to list: %s", e) : e;
		return -1;
	}
	decode_items(s, list, out, n);
	return 0;
}

int storage_history(storage *s, const char *name, release ***out, size_t *n, const char **err)
{
	value list;
	long st;
	const char *e;
	const char *sel = arena_sprintf(s->a, "name=%s,owner=helm", name);
	if (driver_list(s, sel, &list, &st, &e)) {
		*err = st ? arena_sprintf(s->a, "query: failed to query with labels: %s", e) : e;
		return -1;
	}
	if (!decode_items(s, list, out, n)) { /* records that do not decode count as found */
		*err = "release: not found";
		return -1;
	}
	return 0;
}

int storage_get(storage *s, const char *name, int64_t version, release **out, const char **err)
{
	const char *key = release_key(s->a, name, version);
	value obj;
	long st;
	const char *e;
	if (s->driver_err || s->memory) {
		*err = s->memory ? "release: not found" : s->driver_err;
		return -1;
	}
	if (kube_get(s->k, &s->secrets, s->ns, key, &obj, &st, &e)) {
		if (st == 404)
			*err = "release: not found";
		else
			*err =
			    st ? arena_sprintf(s->a, "get: failed to get \"%s\": %s", key, e) : e;
		return -1;
	}
	if (obj.kind == V_MAP)
		map_setc(s->a, obj.u.m, "kind", v_cstr(s->a, s->secrets.kind));
	if (release_from_secret(s->a, obj, out, &e)) {
		*err = arena_sprintf(s->a, "get: failed to decode data \"%s\": %s", key, e);
		return -1;
	}
	return 0;
}

int storage_last(storage *s, const char *name, release **out, const char **err)
{
	release **v;
	size_t n;
	if (storage_history(s, name, &v, &n, err))
		return -1;
	if (!n) {
		*err = arena_sprintf(s->a, "no revision for release \"%s\"", name);
		return -1;
	}
	release *best = v[0];
	for (size_t i = 1; i < n; i++)
		if (v[i]->version > best->version)
			best = v[i];
	*out = best;
	return 0;
}

static bool lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

bool storage_valid_name(const char *name)
{
	size_t n = strlen(name);
	if (!n || n > 53)
		return false;
	/* dot-separated labels of [a-z0-9-], each starting and ending alphanumeric */
	size_t start = 0;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && name[i] != '.') {
			if (!lower_alnum(name[i]) && name[i] != '-')
				return false;
			continue;
		}
		if (i == start || !lower_alnum(name[start]) || !lower_alnum(name[i - 1]))
			return false;
		start = i + 1;
	}
	return true;
}

int storage_content(storage *s, const char *name, int64_t version, release **out, const char **err)
{
	if (!storage_valid_name(name)) {
		*err = arena_sprintf(s->a, "releaseContent: Release name is invalid: %s", name);
		return -1;
	}
	if (version <= 0)
		return storage_last(s, name, out, err);
	return storage_get(s, name, version, out, err);
}

/* ---- printing ---- */

int release_output_format(arena *a, const char *s, const char **err)
{
	if (!s || !strcmp(s, "table"))
		return 0;
	if (!strcmp(s, "json"))
		return 1;
	if (!strcmp(s, "yaml"))
		return 2;
	*err = arena_sprintf(
	    a, "invalid argument \"%s\" for \"-o, --output\" flag: invalid format type", s);
	return -1;
}

static const char *const wdays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

/* Days since 1970-01-01 of a civil date (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* The zone's name as Go prints it: UTC, the local zone's abbreviation when
 * the offset is the local one at that instant, else "" (printed as +hhmm). */
static const char *zone_name(arena *a, rel_time t)
{
	if (t.off == 0)
		return "UTC";
	time_t u = (time_t)rel_time_unix(t);
	struct tm tm;
	if (localtime_r(&u, &tm) && tm.tm_gmtoff == t.off && tm.tm_zone)
		return arena_strdup(a, tm.tm_zone);
	return "";
}

static void add_offset(strbuf *sb, int32_t off)
{
	int32_t m = off / 60;
	char sign = '+';
	if (m < 0) {
		sign = '-';
		m = -m;
	}
	sb_addf(sb, "%c%02d%02d", sign, (int)(m / 60), (int)(m % 60));
}

const char *rel_time_string(arena *a, rel_time t)
{
	strbuf sb;
	sb_init(&sb, a);
	sb_addf(&sb, "%04d-%02u-%02u %02u:%02u:%02u", (int)t.year, t.mon, t.day, t.hour, t.min,
		t.sec);
	if (t.nsec) {
		char frac[16];
		snprintf(frac, sizeof frac, ".%09d", (int)t.nsec);
		size_t n = strlen(frac);
		while (n > 1 && frac[n - 1] == '0')
			frac[--n] = 0;
		sb_adds(&sb, frac);
	}
	sb_addc(&sb, ' ');
	add_offset(&sb, t.off);
	sb_addc(&sb, ' ');
	const char *z = zone_name(a, t);
	if (*z)
		sb_adds(&sb, z);
	else
		add_offset(&sb, t.off);
	return sb_str(&sb);
}

const char *rel_time_ansic(arena *a, rel_time t)
{
	if (!t.set)
		return "Mon Jan  1 00:00:00 0001";
	int64_t days = days_from_civil(t.year, t.mon, t.day);
	int wd = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
	unsigned mon = t.mon >= 1 && t.mon <= 12 ? t.mon : 1;
	return arena_sprintf(a, "%s %s %2u %02u:%02u:%02u %d", wdays[wd], months[mon - 1], t.day,
			     t.hour, t.min, t.sec, (int)t.year);
}

/* ---- Go layouts ---- */

enum lay {
	L_NONE,
	L_LONGMONTH,
	L_MONTH,
	L_NUMMONTH,
	L_ZEROMONTH,
	L_LONGWEEKDAY,
	L_WEEKDAY,
	L_DAY,
	L_UNDERDAY,
	L_ZERODAY,
	L_UNDERYDAY,
	L_ZEROYDAY,
	L_HOUR,
	L_HOUR12,
	L_ZEROHOUR12,
	L_MINUTE,
	L_ZEROMINUTE,
	L_SECOND,
	L_ZEROSECOND,
	L_LONGYEAR,
	L_YEAR,
	L_PM,
	L_LPM,
	L_TZ,
	L_ISO_Z,
	L_NUM_TZ,
	L_FRAC,
	L_FRAC9,
};

typedef struct lay_tok {
	const char *text;
	enum lay kind;
	int tz_style; /* numeric zones: 0 -0700, 1 -07:00, 2 -07, 3 -070000, 4 -07:00:00 */
} lay_tok;

static const lay_tok lay_toks[] = {
    {"January", L_LONGMONTH, 0},
    {"Jan", L_MONTH, 0},
    {"Monday", L_LONGWEEKDAY, 0},
    {"Mon", L_WEEKDAY, 0},
    {"MST", L_TZ, 0},
    {"01", L_ZEROMONTH, 0},
    {"02", L_ZERODAY, 0},
    {"03", L_ZEROHOUR12, 0},
    {"04", L_ZEROMINUTE, 0},
    {"05", L_ZEROSECOND, 0},
    {"06", L_YEAR, 0},
    {"002", L_ZEROYDAY, 0},
    {"15", L_HOUR, 0},
    {"1", L_NUMMONTH, 0},
    {"2006", L_LONGYEAR, 0},
    {"2", L_DAY, 0},
    {"__2", L_UNDERYDAY, 0},
    {"_2", L_UNDERDAY, 0},
    {"3", L_HOUR12, 0},
    {"4", L_MINUTE, 0},
    {"5", L_SECOND, 0},
    {"PM", L_PM, 0},
    {"pm", L_LPM, 0},
    {"Z070000", L_ISO_Z, 3},
    {"Z07:00:00", L_ISO_Z, 4},
    {"Z0700", L_ISO_Z, 0},
    {"Z07:00", L_ISO_Z, 1},
    {"Z07", L_ISO_Z, 2},
    {"-070000", L_NUM_TZ, 3},
    {"-07:00:00", L_NUM_TZ, 4},
    {"-0700", L_NUM_TZ, 0},
    {"-07:00", L_NUM_TZ, 1},
    {"-07", L_NUM_TZ, 2},
};

/* The token at l (longest first as Go's nextStdChunk picks), or NULL; *len its length. */
static const lay_tok *lay_at(const char *l, size_t *len, int *digits)
{
	if ((l[0] == '.' || l[0] == ',') && (l[1] == '0' || l[1] == '9')) {
		size_t j = 1;
		while (l[j] == l[1])
			j++;
		if (!(l[j] >= '0' && l[j] <= '9')) {
			static const lay_tok f0 = {".0", L_FRAC, 0}, f9 = {".9", L_FRAC9, 0};
			*len = j;
			*digits = (int)j - 1;
			return l[1] == '0' ? &f0 : &f9;
		}
	}
	if (!strncmp(l, "_2006", 5)) /* "_" then the year, as Go reads it */
		return NULL;
	const lay_tok *best = NULL;
	size_t bl = 0;
	for (size_t i = 0; i < sizeof lay_toks / sizeof lay_toks[0]; i++) {
		size_t n = strlen(lay_toks[i].text);
		if (n > bl && !strncmp(l, lay_toks[i].text, n)) {
			best = &lay_toks[i];
			bl = n;
		}
	}
	if (best && best->kind == L_MONTH && !strncmp(l, "January", 7))
		best = &lay_toks[0];
	*len = bl;
	return best;
}

static void lay_zone(strbuf *sb, int32_t off, int style, bool z)
{
	if (z && off == 0) {
		sb_addc(sb, 'Z');
		return;
	}
	int32_t m = off / 60, sec = off % 60;
	char sign = off < 0 ? '-' : '+';
	if (m < 0)
		m = -m;
	if (sec < 0)
		sec = -sec;
	sb_addf(sb, "%c%02d", sign, (int)(m / 60));
	if (style == 2)
		return;
	sb_addf(sb, style == 1 || style == 4 ? ":%02d" : "%02d", (int)(m % 60));
	if (style == 3 || style == 4)
		sb_addf(sb, style == 4 ? ":%02d" : "%02d", (int)sec);
}

static void lay_put(arena *a, strbuf *sb, rel_time t, const lay_tok *k, int digits, char sep)
{
	static const char *const long_months[] = {"January",   "February", "March",    "April",
						  "May",       "June",	   "July",     "August",
						  "September", "October",  "November", "December"};
	static const char *const long_days[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
						"Thursday", "Friday", "Saturday"};
	int64_t days = days_from_civil(t.year, t.mon, t.day);
	int wd = (int)(((days % 7) + 11) % 7);
	int yday = (int)(days - days_from_civil(t.year, 1, 1)) + 1;
	unsigned mon = t.mon >= 1 && t.mon <= 12 ? t.mon : 1;
	int h12 = t.hour % 12 ? t.hour % 12 : 12;
	switch (k->kind) {
	case L_LONGMONTH:
		sb_adds(sb, long_months[mon - 1]);
		break;
	case L_MONTH:
		sb_adds(sb, months[mon - 1]);
		break;
	case L_NUMMONTH:
		sb_addf(sb, "%u", mon);
		break;
	case L_ZEROMONTH:
		sb_addf(sb, "%02u", mon);
		break;
	case L_LONGWEEKDAY:
		sb_adds(sb, long_days[wd]);
		break;
	case L_WEEKDAY:
		sb_adds(sb, wdays[wd]);
		break;
	case L_DAY:
		sb_addf(sb, "%u", t.day);
		break;
	case L_UNDERDAY:
		sb_addf(sb, "%2u", t.day);
		break;
	case L_ZERODAY:
		sb_addf(sb, "%02u", t.day);
		break;
	case L_UNDERYDAY:
		sb_addf(sb, "%3d", yday);
		break;
	case L_ZEROYDAY:
		sb_addf(sb, "%03d", yday);
		break;
	case L_HOUR:
		sb_addf(sb, "%02u", t.hour);
		break;
	case L_HOUR12:
		sb_addf(sb, "%d", h12);
		break;
	case L_ZEROHOUR12:
		sb_addf(sb, "%02d", h12);
		break;
	case L_MINUTE:
		sb_addf(sb, "%u", t.min);
		break;
	case L_ZEROMINUTE:
		sb_addf(sb, "%02u", t.min);
		break;
	case L_SECOND:
		sb_addf(sb, "%u", t.sec);
		break;
	case L_ZEROSECOND:
		sb_addf(sb, "%02u", t.sec);
		break;
	case L_LONGYEAR:
		sb_addf(sb, "%04d", (int)t.year);
		break;
	case L_YEAR:
		sb_addf(sb, "%02d", (int)(t.year % 100));
		break;
	case L_PM:
		sb_adds(sb, t.hour >= 12 ? "PM" : "AM");
		break;
	case L_LPM:
		sb_adds(sb, t.hour >= 12 ? "pm" : "am");
		break;
	case L_TZ: {
		const char *z = zone_name(a, t);
		if (*z)
			sb_adds(sb, z);
		else
			lay_zone(sb, t.off, 0, false);
		break;
	}
	case L_ISO_Z:
		lay_zone(sb, t.off, k->tz_style, true);
		break;
	case L_NUM_TZ:
		lay_zone(sb, t.off, k->tz_style, false);
		break;
	case L_FRAC:
	case L_FRAC9: {
		char f[16];
		snprintf(f, sizeof f, "%09d", (int)t.nsec);
		size_t n = (size_t)(digits > 9 ? 9 : digits);
		if (k->kind == L_FRAC9) {
			while (n && f[n - 1] == '0')
				n--;
			if (!n)
				break;
		}
		sb_addc(sb, sep);
		sb_add(sb, f, n);
		break;
	}
	default:
		break;
	}
}

const char *rel_time_layout(arena *a, rel_time t, const char *layout)
{
	strbuf sb;
	sb_init(&sb, a);
	for (const char *l = layout; *l;) {
		size_t n;
		int digits = 0;
		const lay_tok *k = lay_at(l, &n, &digits);
		if (!k) {
			sb_addc(&sb, *l++);
			continue;
		}
		lay_put(a, &sb, t, k, digits, *l);
		l += n;
	}
	return sb_str(&sb);
}
