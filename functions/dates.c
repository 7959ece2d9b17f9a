/* dates.c - Sprig's date functions over a time.Time object, with Go's layouts.
 *
 * A time is seconds and nanoseconds since the Unix epoch plus the zone it is shown
 * in (offset and abbreviation). Go's reference-time layouts ("2006-01-02T15:04:05Z07:00")
 * are read chunk by chunk exactly as time.Format and time.Parse read them. Zones come
 * from the TZif files under /usr/share/zoneinfo (read per call, no global state);
 * "Local" is the process's zone as the C library knows it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../values/gofmt.h"
#include "../values/strbuf.h"
#include "functions.h"

typedef struct gotime {
	int64_t sec;	  /* Unix seconds */
	int32_t nsec;	  /* 0..999999999 */
	int32_t off;	  /* seconds east of UTC */
	const char *zone; /* abbreviation ("UTC", "EST"); "" prints the numeric offset */
} gotime;

/* ---- zones ---- */

static int64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	for (int i = 0; i < n; i++)
		v = v << 8 | p[i];
	if (n < 8 && (p[0] & 0x80))
		v |= ~(uint64_t)0 << (8 * n);
	return (int64_t)v;
}

/* Offset and abbreviation of a TZif zone at Unix time t; false if unreadable. */
static bool tzif_lookup(arena *a, const char *name, int64_t t, int32_t *off, const char **abbr)
{
	char path[512];
	if (strstr(name, "..") || name[0] == '/' ||
	    snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", name) >= (int)sizeof path)
		return false;
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	unsigned char *buf = arena_alloc(a, 1 << 17);
	size_t n = fread(buf, 1, 1 << 17, f);
	fclose(f);
	if (n < 44 || memcmp(buf, "TZif", 4))
		return false;
	const unsigned char *p = buf;
	int tsize = 4;
	int64_t cnt[6];
	for (int i = 0; i < 6; i++)
		cnt[i] = be(p + 20 + 4 * i, 4);
	if (buf[4] >= '2') { /* skip the 32-bit block to the 64-bit one */
		size_t skip = 44 + cnt[3] * 5 + cnt[4] * 6 + cnt[5] + cnt[2] * 8 + cnt[1] + cnt[0];
		if (skip + 44 > n)
			return false;
		p = buf + skip;
		for (int i = 0; i < 6; i++)
			cnt[i] = be(p + 20 + 4 * i, 4);
		tsize = 8;
	}
	int64_t ntrans = cnt[3], ntypes = cnt[4];
	const unsigned char *trans = p + 44, *idx = trans + ntrans * tsize, *types = idx + ntrans;
	const char *chars = (const char *)(types + ntypes * 6);
	if ((const unsigned char *)chars + cnt[5] > buf + n || ntypes == 0)
		return false;
	int64_t type = 0;
	for (int64_t i = 0; i < ntrans && be(trans + i * tsize, tsize) <= t; i++)
		type = idx[i];
	if (type >= ntypes)
		return false;
	*off = (int32_t)be(types + type * 6, 4);
	*abbr = arena_strdup(a, chars + types[type * 6 + 5]);
	return true;
}

static void zone_local(int64_t t, int32_t *off, const char **abbr, arena *a)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	*off = (int32_t)tm.tm_gmtoff;
	*abbr = arena_strdup(a, tm.tm_zone ? tm.tm_zone : "UTC");
}

/* time.LoadLocation + In: false when the zone is unknown. */
static bool zone_in(arena *a, const char *zone, gotime *t)
{
	if (!*zone || !strcmp(zone, "UTC")) {
		t->off = 0, t->zone = "UTC";
		return true;
	}
	if (!strcmp(zone, "Local")) {
		zone_local(t->sec, &t->off, &t->zone, a);
		return true;
	}
	return tzif_lookup(a, zone, t->sec, &t->off, &t->zone);
}

/* ---- civil dates ---- */

static int64_t floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

/* Days since 1970-01-01 of a proleptic Gregorian date (month 1-12). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = floordiv(y, 400);
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

typedef struct civil {
	int64_t year;
	int month, day, hour, min, sec, wday, yday;
} civil;

static civil to_civil(const gotime *t)
{
	civil c;
	int64_t s = t->sec + t->off, days = floordiv(s, 86400), rem = s - days * 86400;
	c.hour = (int)(rem / 3600), c.min = (int)(rem / 60 % 60), c.sec = (int)(rem % 60);
	c.wday = (int)((days % 7 + 11) % 7); /* 1970-01-01 was a Thursday */
	int64_t z = days + 719468, era = floordiv(z, 146097), doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
	c.day = (int)(doy - (153 * mp + 2) / 5 + 1);
	c.month = (int)(mp < 10 ? mp + 3 : mp - 9);
	c.year = yoe + era * 400 + (c.month <= 2);
	c.yday = (int)(days - days_from_civil(c.year, 1, 1)) + 1;
	return c;
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
					  "May",       "June",	   "July",     "August",
					  "September", "October",  "November", "December"};
static const char *const day_names[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
					"Thursday", "Friday", "Saturday"};

/* ---- layouts ---- */

enum std {
	S_NONE,
	S_LONG_MONTH,
	S_MONTH,
	S_NUM_MONTH,
	S_ZERO_MONTH,
	S_LONG_WEEKDAY,
	S_WEEKDAY,
	S_DAY,
	S_UNDER_DAY,
	S_ZERO_DAY,
	S_UNDER_YDAY,
	S_ZERO_YDAY,
	S_HOUR,
	S_HOUR12,
	S_ZERO_HOUR12,
	S_MINUTE,
	S_ZERO_MINUTE,
	S_SECOND,
	S_ZERO_SECOND,
	S_LONG_YEAR,
	S_YEAR,
	S_PM,
	S_pm,
	S_TZ,
	S_ISO_SS,
	S_ISO_COLON_SS,
	S_ISO,
	S_ISO_COLON,
	S_ISO_SHORT,
	S_NUM_SS,
	S_NUM_COLON_SS,
	S_NUM,
	S_NUM_COLON,
	S_NUM_SHORT,
	S_FRAC0,
	S_FRAC9,
};

static const struct {
	const char *text;
	enum std std;
} tz_chunks[] = {
    {"Z070000", S_ISO_SS},
    {"Z07:00:00", S_ISO_COLON_SS},
    {"Z0700", S_ISO},
    {"Z07:00", S_ISO_COLON},
    {"Z07", S_ISO_SHORT},
    {"-070000", S_NUM_SS},
    {"-07:00:00", S_NUM_COLON_SS},
    {"-0700", S_NUM},
    {"-07:00", S_NUM_COLON},
    {"-07", S_NUM_SHORT},
};

static bool has(const char *s, size_t n, size_t i, const char *p)
{
	size_t k = strlen(p);
	return i + k <= n && !memcmp(s + i, p, k);
}

/* Go's nextStdChunk: the std chunk starting at i (S_NONE if none), its length in *len,
 * and the fraction digits in *digits. */
static enum std std_at(const char *l, size_t n, size_t i, size_t *len, int *digits)
{
	static const enum std zero_x[] = {S_ZERO_MONTH,	 S_ZERO_DAY,	S_ZERO_HOUR12,
					  S_ZERO_MINUTE, S_ZERO_SECOND, S_YEAR};
	*len = 0;
	switch (l[i]) {
	case 'J':
		if (has(l, n, i, "January"))
			return *len = 7, S_LONG_MONTH;
		if (has(l, n, i, "Jan"))
			return *len = 3, S_MONTH;
		break;
	case 'M':
		if (has(l, n, i, "Monday"))
			return *len = 6, S_LONG_WEEKDAY;
		if (has(l, n, i, "Mon"))
			return *len = 3, S_WEEKDAY;
		if (has(l, n, i, "MST"))
			return *len = 3, S_TZ;
		break;
	case '0':
		if (i + 1 < n && l[i + 1] >= '1' && l[i + 1] <= '6')
			return *len = 2, zero_x[l[i + 1] - '1'];
		if (has(l, n, i, "002"))
			return *len = 3, S_ZERO_YDAY;
		break;
	case '1':
		if (has(l, n, i, "15"))
			return *len = 2, S_HOUR;
		return *len = 1, S_NUM_MONTH;
	case '2':
		if (has(l, n, i, "2006"))
			return *len = 4, S_LONG_YEAR;
		return *len = 1, S_DAY;
	case '_':
		if (has(l, n, i, "_2") && !has(l, n, i, "_2006"))
			return *len = 2, S_UNDER_DAY;
		if (has(l, n, i, "__2"))
			return *len = 3, S_UNDER_YDAY;
		break;
	case '3':
		return *len = 1, S_HOUR12;
	case '4':
		return *len = 1, S_MINUTE;
	case '5':
		return *len = 1, S_SECOND;
	case 'P':
		if (has(l, n, i, "PM"))
			return *len = 2, S_PM;
		break;
	case 'p':
		if (has(l, n, i, "pm"))
			return *len = 2, S_pm;
		break;
	case '-':
	case 'Z':
		for (size_t k = 0; k < sizeof tz_chunks / sizeof tz_chunks[0]; k++)
			if (tz_chunks[k].text[0] == l[i] && has(l, n, i, tz_chunks[k].text))
				return *len = strlen(tz_chunks[k].text), tz_chunks[k].std;
		break;
	case '.':
	case ',':
		if (i + 1 < n && (l[i + 1] == '0' || l[i + 1] == '9')) {
			size_t j = i + 1;
			while (j < n && l[j] == l[i + 1])
				j++;
			if (!(j < n && l[j] >= '0' && l[j] <= '9')) {
				*digits = (int)(j - i - 1);
				*len = j - i;
				return l[i + 1] == '0' ? S_FRAC0 : S_FRAC9;
			}
		}
		break;
	}
	return S_NONE;
}

static void fmt_offset(strbuf *sb, int32_t off, enum std s)
{
	bool iso = s >= S_ISO_SS && s <= S_ISO_SHORT;
	if (iso && off == 0) {
		sb_addc(sb, 'Z');
		return;
	}
	int k = iso ? s - S_ISO_SS : s - S_NUM_SS; /* 0 hhmmss, 1 hh:mm:ss, 2 hhmm, 3 hh:mm, 4 hh */
	int32_t z = off < 0 ? -off : off;
	sb_addf(sb, "%c%02d", off < 0 ? '-' : '+', z / 3600);
	if (k != 4)
		sb_addf(sb, "%s%02d", k == 1 || k == 3 ? ":" : "", z / 60 % 60);
	if (k <= 1)
		sb_addf(sb, "%s%02d", k == 1 ? ":" : "", z % 60);
}

static void fmt_chunk(strbuf *sb, const gotime *t, const civil *c, enum std s, int digits, char sep)
{
	int h12 = c->hour % 12 ? c->hour % 12 : 12;
	switch (s) {
	case S_LONG_MONTH:
		sb_adds(sb, month_names[c->month - 1]);
		break;
	case S_MONTH:
		sb_add(sb, month_names[c->month - 1], 3);
		break;
	case S_NUM_MONTH:
		sb_addf(sb, "%d", c->month);
		break;
	case S_ZERO_MONTH:
		sb_addf(sb, "%02d", c->month);
		break;
	case S_LONG_WEEKDAY:
		sb_adds(sb, day_names[c->wday]);
		break;
	case S_WEEKDAY:
		sb_add(sb, day_names[c->wday], 3);
		break;
	case S_DAY:
		sb_addf(sb, "%d", c->day);
		break;
	case S_UNDER_DAY:
		sb_addf(sb, "%2d", c->day);
		break;
	case S_ZERO_DAY:
		sb_addf(sb, "%02d", c->day);
		break;
	case S_UNDER_YDAY:
		sb_addf(sb, "%3d", c->yday);
		break;
	case S_ZERO_YDAY:
		sb_addf(sb, "%03d", c->yday);
		break;
	case S_HOUR:
		sb_addf(sb, "%02d", c->hour);
		break;
	case S_HOUR12:
		sb_addf(sb, "%d", h12);
		break;
	case S_ZERO_HOUR12:
		sb_addf(sb, "%02d", h12);
		break;
	case S_MINUTE:
		sb_addf(sb, "%d", c->min);
		break;
	case S_ZERO_MINUTE:
		sb_addf(sb, "%02d", c->min);
		break;
	case S_SECOND:
		sb_addf(sb, "%d", c->sec);
		break;
	case S_ZERO_SECOND:
		sb_addf(sb, "%02d", c->sec);
		break;
	case S_LONG_YEAR:
		sb_addf(sb, c->year < 0 ? "-%04lld" : "%04lld",
			(long long)(c->year < 0 ? -c->year : c->year));
		break;
	case S_YEAR:
		sb_addf(sb, "%02d", (int)((c->year % 100 + 100) % 100));
		break;
	case S_PM:
		sb_adds(sb, c->hour >= 12 ? "PM" : "AM");
		break;
	case S_pm:
		sb_adds(sb, c->hour >= 12 ? "pm" : "am");
		break;
	case S_TZ:
		if (*t->zone) {
			sb_adds(sb, t->zone);
		} else {
			int32_t z = t->off / 60, az = z < 0 ? -z : z;
			sb_addf(sb, "%c%02d%02d", z < 0 ? '-' : '+', az / 60, az % 60);
		}
		break;
	case S_FRAC0:
	case S_FRAC9: {
		char d[10];
		snprintf(d, sizeof d, "%09d", t->nsec);
		int k = digits > 9 ? 9 : digits;
		if (s == S_FRAC9)
			while (k > 0 && d[k - 1] == '0')
				k--;
		if (k > 0 || s == S_FRAC0) {
			sb_addc(sb, sep);
			sb_add(sb, d, (size_t)k);
		}
		break;
	}
	case S_NONE:
		break;
	default:
		fmt_offset(sb, t->off, s);
	}
}

/* Go's Time.Format. */
static void time_format(strbuf *sb, const gotime *t, const char *l, size_t n)
{
	civil c = to_civil(t);
	for (size_t i = 0; i < n;) {
		size_t len;
		int digits = 0;
		enum std s = std_at(l, n, i, &len, &digits);
		if (s == S_NONE) {
			sb_addc(sb, l[i++]);
			continue;
		}
		fmt_chunk(sb, t, &c, s, digits, l[i]);
		i += len;
	}
}

static const char *time_string(arena *a, const gotime *t)
{
	static const char layout[] = "2006-01-02 15:04:05.999999999 -0700 MST";
	strbuf sb;
	sb_init(&sb, a);
	time_format(&sb, t, layout, sizeof layout - 1);
	return sb_str(&sb);
}

/* ---- parsing (Go's time.Parse) ---- */

typedef struct tparse {
	int64_t year;
	int month, day, hour, min, sec, nsec;
	bool pm, am, utc;
	int32_t off;
	bool has_off;
	const char *zone; /* an abbreviation read by MST, zone_len bytes */
	size_t zone_len;
	const char *range; /* a field out of range */
} tparse;

/* Up to max digits (at least 1); fixed: exactly max. Returns chars used or 0. */
static size_t get_num(const char *v, size_t n, size_t max, bool fixed, int64_t *out)
{
	size_t i = 0;
	*out = 0;
	while (i < n && i < max && v[i] >= '0' && v[i] <= '9')
		*out = *out * 10 + (v[i++] - '0');
	return (fixed && i != max) ? 0 : i;
}

static size_t lookup_name(const char *const *names, int count, size_t len, const char *v, size_t n,
			  int *idx)
{
	for (int k = 0; k < count; k++) {
		size_t l = len ? len : strlen(names[k]);
		if (l <= n && !strncasecmp(names[k], v, l)) {
			*idx = k;
			return l;
		}
	}
	return 0;
}

static size_t parse_offset(const char *v, size_t n, enum std s, tparse *p)
{
	bool iso = s >= S_ISO_SS && s <= S_ISO_SHORT;
	if (iso && n > 0 && v[0] == 'Z') {
		p->utc = true;
		return 1;
	}
	int k = iso ? s - S_ISO_SS : s - S_NUM_SS;
	static const char *const shapes[] = {"+hhmmss", "+hh:mm:ss", "+hhmm", "+hh:mm", "+hh"};
	const char *shape = shapes[k];
	size_t len = strlen(shape);
	if (n < len || (v[0] != '+' && v[0] != '-'))
		return 0;
	int32_t parts[3] = {0, 0, 0};
	int pi = 0;
	for (size_t i = 1; i < len; i++) {
		if (shape[i] == ':') {
			if (v[i] != ':')
				return 0;
			continue;
		}
		if (v[i] < '0' || v[i] > '9')
			return 0;
		parts[pi / 2] = parts[pi / 2] * 10 + (v[i] - '0');
		pi++;
	}
	p->off = (parts[0] * 3600 + parts[1] * 60 + parts[2]) * (v[0] == '-' ? -1 : 1);
	p->has_off = true;
	return len;
}

static size_t parse_zone_name(const char *v, size_t n, tparse *p)
{
	size_t i = 0;
	while (i < n && v[i] >= 'A' && v[i] <= 'Z')
		i++;
	if (i < 3)
		return 0;
	p->zone = v;
	p->zone_len = i;
	return i;
}

/* One chunk; returns the chars used, 0 on a mismatch. */
static size_t parse_chunk(const char *v, size_t n, enum std s, int digits, tparse *p)
{
	int64_t x = 0;
	size_t u = 0;
	int idx;
	switch (s) {
	case S_YEAR:
		if ((u = get_num(v, n, 2, true, &x)))
			p->year = x >= 69 ? 1900 + x : 2000 + x;
		return u;
	case S_LONG_YEAR:
		if ((u = get_num(v, n, 4, true, &x)))
			p->year = x;
		return u;
	case S_MONTH:
	case S_LONG_MONTH:
		if ((u = lookup_name(month_names, 12, s == S_MONTH ? 3 : 0, v, n, &idx)))
			p->month = idx + 1;
		return u;
	case S_WEEKDAY:
	case S_LONG_WEEKDAY:
		return lookup_name(day_names, 7, s == S_WEEKDAY ? 3 : 0, v, n, &idx);
	case S_NUM_MONTH:
	case S_ZERO_MONTH:
		u = get_num(v, n, 2, s == S_ZERO_MONTH, &x);
		if (u && (x < 1 || x > 12))
			p->range = "month";
		p->month = (int)x;
		return u;
	case S_UNDER_DAY:
	case S_DAY:
	case S_ZERO_DAY: {
		size_t sp = s == S_UNDER_DAY && n > 0 && v[0] == ' ';
		u = get_num(v + sp, n - sp, 2, s == S_ZERO_DAY, &x);
		p->day = (int)x;
		return u ? u + sp : 0;
	}
	case S_UNDER_YDAY:
	case S_ZERO_YDAY:
		return get_num(v, n, 3, s == S_ZERO_YDAY, &x);
	case S_HOUR:
	case S_HOUR12:
	case S_ZERO_HOUR12:
		u = get_num(v, n, 2, s == S_ZERO_HOUR12, &x);
		if (u && (x < 0 || x > (s == S_HOUR ? 23 : 12)))
			p->range = "hour";
		p->hour = (int)x;
		return u;
	case S_MINUTE:
	case S_ZERO_MINUTE:
	case S_SECOND:
	case S_ZERO_SECOND:
		u = get_num(v, n, 2, s == S_ZERO_MINUTE || s == S_ZERO_SECOND, &x);
		if (u && x > 59)
			p->range = s <= S_ZERO_MINUTE ? "minute" : "second";
		*(s <= S_ZERO_MINUTE ? &p->min : &p->sec) = (int)x;
		if (u && (s == S_SECOND || s == S_ZERO_SECOND) && u + 1 < n &&
		    (v[u] == '.' || v[u] == ',') && v[u + 1] >= '0' && v[u + 1] <= '9') {
			size_t k = u + 1;
			int64_t f = 0, scale = 0;
			for (; k < n && v[k] >= '0' && v[k] <= '9'; k++)
				if (scale++ < 9)
					f = f * 10 + (v[k] - '0');
			while (scale++ < 9)
				f *= 10;
			p->nsec = (int)f;
			u = k;
		}
		return u;
	case S_PM:
	case S_pm:
		if (n >= 2 && (!strncmp(v, s == S_PM ? "PM" : "pm", 2) ||
			       !strncmp(v, s == S_PM ? "AM" : "am", 2))) {
			*(v[0] == 'P' || v[0] == 'p' ? &p->pm : &p->am) = true;
			return 2;
		}
		return 0;
	case S_TZ:
		if (n >= 3 && !strncmp(v, "UTC", 3)) {
			p->utc = true;
			return 3;
		}
		return parse_zone_name(v, n, p);
	case S_FRAC0:
	case S_FRAC9: {
		if (n < 2 || (v[0] != '.' && v[0] != ',') || v[1] < '0' || v[1] > '9')
			return s == S_FRAC9 ? (size_t)-1 : 0;
		size_t k = 1;
		int64_t f = 0, scale = 0;
		for (; k < n && v[k] >= '0' && v[k] <= '9' && (s == S_FRAC9 || (int)k <= digits);
		     k++)
			if (scale++ < 9)
				f = f * 10 + (v[k] - '0');
		if (s == S_FRAC0 && (int)k - 1 != digits)
			return 0;
		while (scale++ < 9)
			f *= 10;
		p->nsec = (int)f;
		return k;
	}
	default:
		return parse_offset(v, n, s, p);
	}
}

static int days_in(int m, int64_t y)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

static const char *quoted(arena *a, const char *s, size_t n)
{
	strbuf sb;
	sb_init(&sb, a);
	go_quote(&sb, s, n);
	return sb_str(&sb);
}

/* Skips a literal layout run as Go's skip does (spaces match runs of spaces). */
static bool skip_literal(const char **v, const char *vend, const char *l, size_t ln)
{
	for (size_t i = 0; i < ln;) {
		if (l[i] == ' ') {
			if (*v < vend && **v != ' ')
				return false;
			while (i < ln && l[i] == ' ')
				i++;
			while (*v < vend && **v == ' ')
				(*v)++;
			continue;
		}
		if (*v >= vend || **v != l[i])
			return false;
		(*v)++, i++;
	}
	return true;
}

/* Go's time.ParseInLocation(layout, value, Local); returns NULL or Go's error text. */
static const char *time_parse(arena *a, value layout, value val, gotime *out)
{
	const char *l = layout.u.s, *v = val.u.s, *vend = v + val.len;
	size_t ln = layout.len;
	tparse p = {.month = -1, .day = -1};
	for (size_t i = 0, lit = 0; i <= ln;) {
		size_t len = 0;
		int digits = 0;
		enum std s = i < ln ? std_at(l, ln, i, &len, &digits) : S_NONE;
		if (s == S_NONE && i < ln) {
			i++;
			continue;
		}
		const char *vbefore = v;
		if (!skip_literal(&v, vend, l + lit, i - lit))
			return arena_sprintf(a, "parsing time %s as %s: cannot parse %s as %s",
					     quoted(a, val.u.s, val.len), quoted(a, l, ln),
					     quoted(a, vbefore, (size_t)(vend - vbefore)),
					     quoted(a, l + lit, i - lit));
		if (i >= ln)
			break;
		size_t u = parse_chunk(v, (size_t)(vend - v), s, digits, &p);
		if (p.range)
			return arena_sprintf(a, "parsing time %s: %s out of range",
					     quoted(a, val.u.s, val.len), p.range);
		if (u == 0)
			return arena_sprintf(a, "parsing time %s as %s: cannot parse %s as %s",
					     quoted(a, val.u.s, val.len), quoted(a, l, ln),
					     quoted(a, v, (size_t)(vend - v)),
					     quoted(a, l + i, len));
		v += u == (size_t)-1 ? 0 : u;
		i += len;
		lit = i;
	}
	if (v < vend)
		return arena_sprintf(a, "parsing time %s: extra text: %s",
				     quoted(a, val.u.s, val.len), quoted(a, v, (size_t)(vend - v)));
	if (p.pm && p.hour < 12)
		p.hour += 12;
	else if (p.am && p.hour == 12)
		p.hour = 0;
	int month = p.month < 0 ? 1 : p.month, day = p.day < 0 ? 1 : p.day;
	if (day < 1 || day > days_in(month, p.year))
		return arena_sprintf(a, "parsing time %s: day out of range",
				     quoted(a, val.u.s, val.len));
	int64_t secs =
	    days_from_civil(p.year, month, day) * 86400 + p.hour * 3600 + p.min * 60 + p.sec;
	*out = (gotime){.sec = secs, .nsec = p.nsec};
	if (p.utc) {
		out->zone = "UTC";
	} else if (p.zone) {
		int32_t loff;
		const char *labbr;
		zone_local(out->sec, &loff, &labbr, a);
		bool local = strlen(labbr) == p.zone_len && !memcmp(labbr, p.zone, p.zone_len);
		out->sec -= local ? loff : 0;
		out->off = local ? loff : 0;
		out->zone = arena_strndup(a, p.zone, p.zone_len);
	} else if (p.has_off) {
		out->sec -= p.off;
		int32_t loff;
		const char *labbr;
		zone_local(out->sec, &loff, &labbr, a);
		out->off = p.off;
		out->zone = loff == p.off ? labbr : "";
	} else {
		int32_t loff;
		const char *labbr;
		zone_local(out->sec, &loff, &labbr, a);
		out->sec -= loff;
		zone_local(out->sec, &out->off, &out->zone, a);
	}
	return NULL;
}

/* ---- durations ---- */

/* Go's Duration.String. */
static void duration_string(strbuf *sb, int64_t d)
{
	if (d == 0) {
		sb_adds(sb, "0s");
		return;
	}
	uint64_t u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	if (d < 0)
		sb_addc(sb, '-');
	if (u < 1000000000) {
		const char *unit = u < 1000 ? "ns" : u < 1000000 ? "µs" : "ms";
		uint64_t scale = u < 1000 ? 1 : u < 1000000 ? 1000 : 1000000;
		sb_addf(sb, "%llu", (unsigned long long)(u / scale));
		char frac[16];
		int k = snprintf(frac, sizeof frac, "%0*llu",
				 scale == 1	 ? 0
				 : scale == 1000 ? 3
						 : 6,
				 (unsigned long long)(u % scale));
		while (k > 0 && frac[k - 1] == '0')
			k--;
		if (scale > 1 && k > 0)
			sb_addf(sb, ".%.*s", k, frac);
		sb_adds(sb, unit);
		return;
	}
	uint64_t secs = u / 1000000000, ns = u % 1000000000;
	if (secs >= 3600)
		sb_addf(sb, "%lluh", (unsigned long long)(secs / 3600));
	if (secs >= 60)
		sb_addf(sb, "%llum", (unsigned long long)(secs / 60 % 60));
	sb_addf(sb, "%llu", (unsigned long long)(secs % 60));
	if (ns) {
		char frac[16];
		int k = snprintf(frac, sizeof frac, "%09llu", (unsigned long long)ns);
		while (k > 0 && frac[k - 1] == '0')
			k--;
		sb_addf(sb, ".%.*s", k, frac);
	}
	sb_addc(sb, 's');
}

static const struct {
	const char *name;
	int64_t ns;
} duration_units[] = {
    {"ns", 1},	     {"us", 1000},	{"µs", 1000},	      {"μs", 1000},
    {"ms", 1000000}, {"s", 1000000000}, {"m", 60000000000LL}, {"h", 3600000000000LL},
};

/* Go's time.ParseDuration, in its integer arithmetic (up to 1<<63 ns, the fraction
 * through a float64); returns NULL or the error text. */
static const char *parse_duration(arena *a, const char *s, size_t n, int64_t *out)
{
	const char *orig = s, *end = s + n;
	const char *bad = arena_sprintf(a, "time: invalid duration %s", quoted(a, orig, n));
	const uint64_t max = (uint64_t)1 << 63;
	bool neg = false;
	uint64_t d = 0;
	if (s < end && (*s == '-' || *s == '+'))
		neg = *s++ == '-';
	if (end - s == 1 && *s == '0') {
		*out = 0;
		return NULL;
	}
	if (s == end)
		return bad;
	while (s < end) {
		uint64_t v = 0, f = 0;
		double scale = 1;
		bool pre = false, post = false, over = false;
		for (; s < end && *s >= '0' && *s <= '9'; s++, pre = true) {
			if (v > max / 10)
				return bad;
			v = v * 10 + (uint64_t)(*s - '0');
			if (v > max)
				return bad;
		}
		if (s < end && *s == '.') {
			for (s++; s < end && *s >= '0' && *s <= '9'; s++, post = true) {
				if (over || f > (max - 1) / 10 ||
				    f * 10 + (uint64_t)(*s - '0') > max) {
					over = true;
					continue;
				}
				f = f * 10 + (uint64_t)(*s - '0');
				scale *= 10;
			}
		}
		if (!pre && !post)
			return bad;
		const char *u = s;
		while (s < end && *s != '.' && (*s < '0' || *s > '9'))
			s++;
		if (u == s)
			return arena_sprintf(a, "time: missing unit in duration %s",
					     quoted(a, orig, n));
		int64_t unit = 0;
		for (size_t k = 0; k < sizeof duration_units / sizeof duration_units[0]; k++)
			if (strlen(duration_units[k].name) == (size_t)(s - u) &&
			    !memcmp(u, duration_units[k].name, (size_t)(s - u)))
				unit = duration_units[k].ns;
		if (!unit)
			return arena_sprintf(a, "time: unknown unit %s in duration %s",
					     quoted(a, u, (size_t)(s - u)), quoted(a, orig, n));
		if (v > max / (uint64_t)unit)
			return bad;
		v *= (uint64_t)unit;
		if (f > 0) {
			v += (uint64_t)((double)f * ((double)unit / scale));
			if (v > max)
				return bad;
		}
		d += v;
		if (d > max)
			return bad;
	}
	if (!neg && d > max - 1)
		return bad;
	*out = neg ? (int64_t)(0 - d) : (int64_t)d;
	return NULL;
}

/* ---- the time.Time object ---- */

static const char *obj_string(arena *a, const vobj *o)
{
	return time_string(a, o->data);
}

static value obj_plain(arena *a, const vobj *o)
{
	strbuf sb;
	sb_init(&sb, a);
	static const char rfc3339nano[] = "2006-01-02T15:04:05.999999999Z07:00";
	time_format(&sb, o->data, rfc3339nano, sizeof rfc3339nano - 1);
	return v_str(a, sb_str(&sb), sb.len);
}

static bool no_field(arena *a, const vobj *o, const char *name, value *out)
{
	(void)a, (void)o, (void)name, (void)out;
	return false;
}

static const gotime *tm_of(value v)
{
	return v.u.o->data;
}

static value m_unix(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int64(tm_of(argv[0])->sec);
}

static value m_year(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int(to_civil(tm_of(argv[0])).year);
}

static value m_day(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int(to_civil(tm_of(argv[0])).day);
}

static value m_hour(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int(to_civil(tm_of(argv[0])).hour);
}

static value m_minute(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int(to_civil(tm_of(argv[0])).min);
}

static value m_second(fnctx *c, value *argv, int argc)
{
	(void)c, (void)argc;
	return v_int(to_civil(tm_of(argv[0])).sec);
}

static value m_month(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, month_names[to_civil(tm_of(argv[0])).month - 1]);
}

static value m_format(fnctx *c, value *argv, int argc)
{
	(void)argc;
	if (argv[1].kind != V_STRING)
		fn_fail(c, "wrong type for value; expected string; got %s", value_gotype(argv[1]));
	strbuf sb;
	sb_init(&sb, c->a);
	time_format(&sb, tm_of(argv[0]), argv[1].u.s, argv[1].len);
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value new_time(arena *a, gotime t);

static value m_utc(fnctx *c, value *argv, int argc)
{
	(void)argc;
	gotime t = *tm_of(argv[0]);
	t.off = 0, t.zone = "UTC";
	return new_time(c->a, t);
}

static value m_string(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, time_string(c->a, tm_of(argv[0])));
}

static const fn_def time_methods[] = {
    {"Unix", m_unix, "o"},
    {"Year", m_year, "o"},
    {"Month", m_month, "o"},
    {"Day", m_day, "o"},
    {"Hour", m_hour, "o"},
    {"Minute", m_minute, "o"},
    {"Second", m_second, "o"},
    {"Format", m_format, "ov"},
    {"UTC", m_utc, "o"},
    {"String", m_string, "o"},
    {0},
};

static const vclass time_class = {
    .gotype = "time.Time",
    .field = no_field,
    .methods = time_methods,
    .to_plain = obj_plain,
    .to_string = obj_string,
    .kind = "struct",
};

static value new_time(arena *a, gotime t)
{
	gotime *p = arena_alloc(a, sizeof *p);
	*p = t;
	return v_obj(a, &time_class, p);
}

static bool is_time(value v)
{
	return v.kind == V_OBJ && v.u.o->cls == &time_class;
}

static const gotime *time_arg(fnctx *c, value v)
{
	if (!is_time(v))
		fn_fail_raw(c, "wrong type for value; expected time.Time; got %s", value_gotype(v));
	return v.u.o->data;
}

static gotime time_now(arena *a)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	gotime t = {.sec = ts.tv_sec, .nsec = (int32_t)ts.tv_nsec};
	zone_local(t.sec, &t.off, &t.zone, a);
	return t;
}

/* Sprig's date argument: a time, or Unix seconds as int/int64; anything else is now. */
static gotime date_arg(arena *a, value v)
{
	if (is_time(v))
		return *(const gotime *)v.u.o->data;
	if (value_is_int(v))
		return (gotime){.sec = v.u.i, .zone = "UTC"};
	return time_now(a);
}

static value date_in_zone(fnctx *c, value fmt, value date, const char *zone)
{
	gotime t = date_arg(c->a, date);
	if (!zone_in(c->a, zone, &t))
		zone_in(c->a, "UTC", &t);
	strbuf sb;
	sb_init(&sb, c->a);
	time_format(&sb, &t, fmt.u.s, fmt.len);
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value fn_date(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return date_in_zone(c, argv[0], argv[1], "Local");
}

static value fn_dateInZone(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return date_in_zone(c, argv[0], argv[1], argv[2].u.s);
}

static value fn_htmlDate(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return date_in_zone(c, v_str_static("2006-01-02", 10), argv[0], "Local");
}

static value fn_htmlDateInZone(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return date_in_zone(c, v_str_static("2006-01-02", 10), argv[0], argv[1].u.s);
}

static value fn_now(fnctx *c, value *argv, int argc)
{
	(void)argv, (void)argc;
	return new_time(c->a, time_now(c->a));
}

static value fn_toDate(fnctx *c, value *argv, int argc)
{
	(void)argc;
	gotime t;
	const char *err = time_parse(c->a, argv[0], argv[1], &t);
	if (err && c->fn->name[0] == 'm')
		fn_fail(c, "%s", err);
	if (err) /* Go's zero time: January 1, year 1, 00:00:00 UTC */
		t = (gotime){.sec = days_from_civil(1, 1, 1) * 86400, .zone = "UTC"};
	return new_time(c->a, t);
}

static value fn_unixEpoch(fnctx *c, value *argv, int argc)
{
	(void)argc;
	return v_cstr(c->a, arena_sprintf(c->a, "%lld", (long long)time_arg(c, argv[0])->sec));
}

static value fn_dateModify(fnctx *c, value *argv, int argc)
{
	(void)argc;
	gotime t = *time_arg(c, argv[1]);
	int64_t d;
	const char *err = parse_duration(c->a, argv[0].u.s, argv[0].len, &d);
	if (err && (c->fn->name[0] == 'm'))
		fn_fail(c, "%s", err);
	if (err)
		return argv[1];
	int64_t ns = (int64_t)t.nsec + d % 1000000000;
	t.sec += d / 1000000000 + floordiv(ns, 1000000000);
	t.nsec = (int32_t)(ns - floordiv(ns, 1000000000) * 1000000000);
	return new_time(c->a, t);
}

static int64_t since_ns(arena *a, const gotime *t)
{
	gotime now = time_now(a);
	return (now.sec - t->sec) * 1000000000 + (now.nsec - t->nsec);
}

static value fn_ago(fnctx *c, value *argv, int argc)
{
	(void)argc;
	gotime t = date_arg(c->a, argv[0]);
	int64_t d = since_ns(c->a, &t), r = d % 1000000000;
	d -= r;
	if (r >= 500000000 || r <= -500000000)
		d += r > 0 ? 1000000000 : -1000000000;
	strbuf sb;
	sb_init(&sb, c->a);
	duration_string(&sb, d);
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value fn_duration(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t n = 0;
	if (argv[0].kind == V_STRING) {
		char *end;
		long long x = strtoll(argv[0].u.s, &end, 10);
		n = (*end || !argv[0].len || argv[0].u.s[0] == ' ') ? 0 : x;
	} else if (argv[0].kind == V_INT64) {
		n = argv[0].u.i;
	}
	strbuf sb;
	sb_init(&sb, c->a);
	duration_string(&sb, n * 1000000000);
	return v_str(c->a, sb_str(&sb), sb.len);
}

static value fn_durationRound(fnctx *c, value *argv, int argc)
{
	(void)argc;
	int64_t d = 0;
	if (argv[0].kind == V_STRING && parse_duration(c->a, argv[0].u.s, argv[0].len, &d))
		d = 0;
	else if (argv[0].kind == V_INT64)
		d = argv[0].u.i;
	else if (is_time(argv[0]))
		d = since_ns(c->a, argv[0].u.o->data);
	uint64_t u = d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
	static const struct {
		uint64_t ns;
		const char *suffix;
	} units[] = {
	    {3600000000000ULL * 24 * 365, "y"},
	    {3600000000000ULL * 24 * 30, "mo"},
	    {3600000000000ULL * 24, "d"},
	    {3600000000000ULL, "h"},
	    {60000000000ULL, "m"},
	    {1000000000ULL, "s"},
	};
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (u > units[i].ns)
			return v_cstr(c->a, arena_sprintf(c->a, "%llu%s",
							  (unsigned long long)(u / units[i].ns),
							  units[i].suffix));
	return v_str_static("0s", 2);
}

const fn_def fn_family_dates[] = {
    {"now", fn_now, ""},
    {"date", fn_date, "sv"},
    {"dateInZone", fn_dateInZone, "svs"},
    {"date_in_zone", fn_dateInZone, "svs"},
    {"htmlDate", fn_htmlDate, "v"},
    {"htmlDateInZone", fn_htmlDateInZone, "vs"},
    {"toDate", fn_toDate, "ss"},
    {"mustToDate", fn_toDate, "ss"},
    {"unixEpoch", fn_unixEpoch, "v"},
    {"dateModify", fn_dateModify, "sv"},
    {"date_modify", fn_dateModify, "sv"},
    {"mustDateModify", fn_dateModify, "sv"},
    {"must_date_modify", fn_dateModify, "sv"},
    {"ago", fn_ago, "v"},
    {"duration", fn_duration, "v"},
    {"durationRound", fn_durationRound, "v"},
    {0},
};
