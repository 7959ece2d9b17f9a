/* value.c - constructors, lists, sorted maps, truth and Go type names. */
#include "value.h"

#include <string.h>

const char GT_LIST[] = "[]interface {}";
const char GT_STRLIST[] = "[]string";
const char GT_INTLIST[] = "[]int";
const char GT_MAP[] = "map[string]interface {}";
const char GT_STRMAP[] = "map[string]string";
const char GT_VALUES[] = "chartutil.Values";

value v_str(arena *a, const char *s, size_t n)
{
	return (value){.kind = V_STRING, .len = (uint32_t)n, .u.s = arena_strndup(a, s, n)};
}

value v_cstr(arena *a, const char *s)
{
	return v_str(a, s, strlen(s));
}

value v_str_static(const char *s, size_t n)
{
	return (value){.kind = V_STRING, .len = (uint32_t)n, .u.s = s};
}

value v_list_new(arena *a, uint32_t cap)
{
	vlist *l = arena_alloc(a, sizeof(*l));
	l->gotype = GT_LIST;
	l->cap = cap;
	l->items = cap ? arena_alloc(a, cap * sizeof(value)) : NULL;
	return (value){.kind = V_LIST, .u.l = l};
}

value v_map_new(arena *a)
{
	vmap *m = arena_alloc(a, sizeof(*m));
	m->gotype = GT_MAP;
	return (value){.kind = V_MAP, .u.m = m};
}

value v_obj(arena *a, const vclass *cls, void *data)
{
	vobj *o = arena_alloc(a, sizeof(*o));
	o->cls = cls;
	o->data = data;
	return (value){.kind = V_OBJ, .u.o = o};
}

void list_push(arena *a, vlist *l, value v)
{
	if (l->len == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 4;
		l->items = arena_realloc(a, l->items, l->len * sizeof(value), cap * sizeof(value));
		l->cap = cap;
	}
	l->items[l->len++] = v;
}

static inline int keycmp(const char *a, size_t an, const char *b, size_t bn)
{
	if (an && bn && a[0] != b[0]) /* most probes differ at once: spare the call */
		return (unsigned char)a[0] < (unsigned char)b[0] ? -1 : 1;
	int c = memcmp(a, b, an < bn ? an : bn);
	if (c)
		return c;
	return an < bn ? -1 : an > bn;
}

/* Index of key, or -(insertion point)-1 when absent. */
static long map_find(const vmap *m, const char *key, size_t klen)
{
	long lo = 0, hi = (long)m->len - 1;
	while (lo <= hi) {
		long mid = (lo + hi) / 2;
		int c = keycmp(m->e[mid].key, m->e[mid].klen, key, klen);
		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid - 1;
	}
	return -lo - 1;
}

value *map_get(const vmap *m, const char *key, size_t klen)
{
	long i = map_find(m, key, klen);
	return i >= 0 ? &m->e[i].val : NULL;
}

value *map_getc(const vmap *m, const char *key)
{
	return map_get(m, key, strlen(key));
}

void map_set(arena *a, vmap *m, const char *key, size_t klen, value v)
{
	long i = map_find(m, key, klen);
	if (i >= 0) {
		m->e[i].val = v;
		return;
	}
	size_t at = (size_t)(-i - 1);
	if (m->len == m->cap) {
		uint32_t cap = m->cap ? m->cap * 2 : 4;
		m->e = arena_realloc(a, m->e, m->len * sizeof(ventry), cap * sizeof(ventry));
		m->cap = cap;
	}
	memmove(&m->e[at + 1], &m->e[at], (m->len - at) * sizeof(ventry));
	m->e[at] = (ventry){.key = arena_strndup(a, key, klen), .klen = (uint32_t)klen, .val = v};
	m->len++;
}

void map_setc(arena *a, vmap *m, const char *key, value v)
{
	map_set(a, m, key, strlen(key), v);
}

bool map_del(vmap *m, const char *key, size_t klen)
{
	long i = map_find(m, key, klen);
	if (i < 0)
		return false;
	memmove(&m->e[i], &m->e[i + 1], (m->len - (size_t)i - 1) * sizeof(ventry));
	m->len--;
	return true;
}

vmap *map_copy(arena *a, const vmap *m)
{
	vmap *c = arena_alloc(a, sizeof(*c));
	c->gotype = m->gotype;
	c->len = c->cap = m->len;
	if (m->len) {
		c->e = arena_alloc(a, m->len * sizeof(ventry));
		memcpy(c->e, m->e, m->len * sizeof(ventry));
	}
	return c;
}

static value deep_copy(arena *a, value v, int depth)
{
	if (depth > 10000)
		return v; /* a cycle: share rather than recurse forever */
	if (v.kind == V_LIST) {
		value c = v_list_new(a, v.u.l->len);
		c.u.l->gotype = v.u.l->gotype;
		for (uint32_t i = 0; i < v.u.l->len; i++)
			c.u.l->items[i] = deep_copy(a, v.u.l->items[i], depth + 1);
		c.u.l->len = v.u.l->len;
		return c;
	}
	if (v.kind == V_MAP) {
		vmap *m = map_copy(a, v.u.m);
		if (v.len == VMAP_PLAIN)
			m->gotype = GT_MAP;
		for (uint32_t i = 0; i < m->len; i++)
			m->e[i].val = deep_copy(a, m->e[i].val, depth + 1);
		return (value){.kind = V_MAP, .u.m = m};
	}
	return v;
}

value value_deep_copy(arena *a, value v)
{
	return deep_copy(a, v, 0);
}

bool value_truthy(value v)
{
	switch ((enum vkind)v.kind) {
	case V_NIL:
		return false;
	case V_BOOL:
		return v.u.b;
	case V_INT:
	case V_INT64:
		return v.u.i != 0;
	case V_FLOAT:
		return v.u.f != 0;
	case V_STRING:
		return v.len != 0;
	case V_LIST:
		return v.u.l->len != 0;
	case V_MAP:
		return v.u.m->len != 0;
	case V_OBJ:
		return true;
	}
	return false;
}

bool value_empty(value v)
{
	return !value_truthy(v);
}

const char *value_gotype(value v)
{
	switch ((enum vkind)v.kind) {
	case V_NIL:
		return "<nil>";
	case V_BOOL:
		return "bool";
	case V_INT:
		return "int";
	case V_INT64:
		return v.len == VINT_UINT64 ? "uint64" : v.len == VINT_UINT8 ? "uint8" : "int64";
	case V_FLOAT:
		return "float64";
	case V_STRING:
		return "string";
	case V_LIST:
		return v.u.l->gotype;
	case V_MAP:
		return v.len == VMAP_PLAIN ? GT_MAP : v.u.m->gotype;
	case V_OBJ:
		return v.u.o->cls->gotype;
	}
	return "<nil>";
}

const char *value_kind(value v)
{
	switch ((enum vkind)v.kind) {
	case V_NIL:
		return "invalid";
	case V_BOOL:
		return "bool";
	case V_INT:
		return "int";
	case V_INT64:
		return v.len == VINT_UINT64 ? "uint64" : v.len == VINT_UINT8 ? "uint8" : "int64";
	case V_FLOAT:
		return "float64";
	case V_STRING:
		return "string";
	case V_LIST:
		return "slice";
	case V_MAP:
		return "map";
	case V_OBJ:
		return v.u.o->cls->kind ? v.u.o->cls->kind : "struct";
	}
	return "invalid";
}
