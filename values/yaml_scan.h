/* yaml_scan.h - line scanning shared by the two readers of plain block YAML
 * (internal to values/): yaml_fast.c (libyaml's tree) and yaml_head.c (a
 * manifest's head).
 */
#ifndef RENDER_YAML_SCAN_H
#define RENDER_YAML_SCAN_H

#include <stdbool.h>
#include <string.h>

static inline const char *ys_skip_sp(const char *p, const char *e)
{
	while (p < e && *p == ' ')
		p++;
	return p;
}

/* Nothing but spaces and an optional comment (after a space) up to e. */
static inline bool ys_rest_empty(const char *p, const char *e)
{
	const char *q = ys_skip_sp(p, e);
	return q == e || (*q == '#' && q > p);
}

/* A character that may not start a plain scalar; '-' may, before a
 * non-space (a negative number, "-foo"). */
static inline bool ys_indicator(char c)
{
	return c && strchr("?:,[]{}#&*!|>'\"%@`", c) != NULL;
}

static inline bool ys_bad_plain_start(const char *p, const char *e)
{
	if (*p == '-')
		return p + 1 >= e || p[1] == ' ';
	return ys_indicator(*p);
}

/* A plain scalar in a flow collection from p: up to , [ ] { } or, for a key,
 * the colon. Its end with trailing spaces trimmed, or NULL when it cannot
 * start at p, is empty, or meets '#' (or ':' when not a key): those are left
 * to libyaml. */
static inline const char *ys_flow_plain_end(const char *p, const char *e, bool key)
{
	const char *s = p;
	if (ys_bad_plain_start(p, e))
		return NULL;
	while (p < e && !strchr(",[]{}:#", *p))
		p++;
	if (p < e && (*p == '#' || (*p == ':' && !key)))
		return NULL;
	while (p > s && p[-1] == ' ')
		p--;
	return p == s ? NULL : p;
}

/* A block sequence entry: "-" then a space or the line end. */
static inline bool ys_is_item(const char *c, const char *e)
{
	return *c == '-' && (c + 1 == e || c[1] == ' ');
}

#endif
