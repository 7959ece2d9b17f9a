/* value.h - the value model: Go's interface{} as Helm's templates see it.
 *
 * Memory rule: every value lives in the arena it was made in and dies with it;
 * lists and maps are references (like Go maps and slices), so a change made
 * through one holder is seen by every holder, and cycles are allowed.
 *
 * A value is a small tagged union passed by value. Strings are immutable,
 * length-counted and also NUL-terminated. Maps keep their entries sorted by key
 * bytewise (Go's template `range` and encoding/json order), so lookups are a
 * binary search and ordered walks are free. Lists and maps carry the Go type
 * they stand for (`[]interface {}`, `[]string`, `map[string]interface {}`,
 * `chartutil.Values`...) because `typeOf`, `kindIs` and Go's argument checks
 * tell them apart. Objects (V_OBJ) stand for Go structs and named types with
 * fields and methods (`.Chart`, `.Capabilities`, `.Files`, time.Time, ...).
 */
#ifndef RENDER_VALUE_H
#define RENDER_VALUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"

enum vkind {
	V_NIL,	  /* Go's nil interface: a missing map key, `nil`, YAML null */
	V_BOOL,	  /* bool */
	V_INT,	  /* Go int: template literals, len, atoi, int */
	V_INT64,  /* int64: --set integers, add/sub/mul/..., int64 */
	V_FLOAT,  /* float64: every number from a YAML or JSON document */
	V_STRING, /* string */
	V_LIST,	  /* a slice; its Go type is in vlist.gotype */
	V_MAP,	  /* a map with string keys; its Go type is in vmap.gotype */
	V_OBJ,	  /* a Go struct, pointer or named type with fields and methods */
};

struct vlist;
struct vmap;
struct vobj;

typedef struct value {
	uint32_t kind; /* enum vkind */
	uint32_t len;  /* V_STRING: byte length */
	union {
		bool b;
		int64_t i;
		double f;
		const char *s;
		struct vlist *l;
		struct vmap *m;
		struct vobj *o;
	} u;
} value;

/* Go type names, shared so they compare by pointer or by strcmp. */
extern const char GT_LIST[];	/* "[]interface {}" */
extern const char GT_STRLIST[]; /* "[]string" */
extern const char GT_INTLIST[]; /* "[]int" */
extern const char GT_MAP[];	/* "map[string]interface {}" */
extern const char GT_STRMAP[];	/* "map[string]string" */
extern const char GT_VALUES[];	/* "chartutil.Values" */

typedef struct vlist {
	uint32_t len, cap;
	const char *gotype; /* never NULL: GT_LIST unless made otherwise */
	value *items;
} vlist;

typedef struct ventry {
	const char *key; /* NUL-terminated, klen bytes */
	uint32_t klen;
	value val;
} ventry;

typedef struct vmap {
	uint32_t len, cap;
	const char *gotype; /* never NULL: GT_MAP unless made otherwise */
	ventry *e;	    /* sorted by key, bytewise */
} vmap;

struct fn_def; /* renderer/funcs.h */

/* A Go struct or named type. The class answers field lookups and methods. */
typedef struct vclass {
	const char *gotype; /* as Go's %T prints it: "*chart.Metadata" */
	/* Sets *out and returns true when the struct has the field. */
	bool (*field)(arena *a, const struct vobj *o, const char *name, value *out);
	/* Methods callable as `.Obj.Method args`, receiver passed as argv[0]; NULL-terminated. */
	const struct fn_def *methods;
	/* The plain value encoding/json would see (maps of json field names); NULL: nil. */
	value (*to_plain)(arena *a, const struct vobj *o);
	/* Go's %v printing, when the type has a String() method or a custom form; NULL: print
	 * to_plain. */
	const char *(*to_string)(arena *a, const struct vobj *o);
	/* Go's reflect.Kind name for kindOf/kindIs ("struct", "ptr", "slice", "map"...). */
	const char *kind;
	/* For structs: the JSON field names in declaration order, NULL-terminated;
	 * encoding/json prints to_plain's keys in this order. NULL: sorted (a map). */
	const char *const *json_order;
	/* For structs: the Go field names in declaration order, NULL-terminated, read
	 * through field(): fmt prints "{v1 v2 ...}" ("&{...}" for a pointer). */
	const char *const *go_fields;
	/* String() is declared on the pointer: the template's printing of an
	 * addressable field uses to_string, fmt's %v of the value prints the struct. */
	bool ptr_stringer;
} vclass;

typedef struct vobj {
	const vclass *cls;
	void *data;
} vobj;

/* Constructors. Strings are copied into the arena unless the _static form is used. */
static inline value v_nil(void)
{
	return (value){.kind = V_NIL};
}
static inline value v_bool(bool b)
{
	return (value){.kind = V_BOOL, .u.b = b};
}
static inline value v_int(int64_t i)
{
	return (value){.kind = V_INT, .u.i = i};
}
static inline value v_int64(int64_t i)
{
	return (value){.kind = V_INT64, .u.i = i};
}
/* Go's other integer types, where a Helm object gives them (semver's Major is a
 * uint64, indexing a string gives a uint8): V_INT64 with the type in len. */
enum { VINT_UINT64 = 1, VINT_UINT8 = 2 };
/* A V_MAP whose len is VMAP_PLAIN is a chartutil.Values seen as the
 * map[string]interface{} a function parameter converted it to (`set .Values
 * ...` returns that type); the map itself is shared and keeps its type. */
enum { VMAP_PLAIN = 1 };
static inline value v_uint64(uint64_t i)
{
	return (value){.kind = V_INT64, .len = VINT_UINT64, .u.i = (int64_t)i};
}
static inline value v_uint8(uint8_t i)
{
	return (value){.kind = V_INT64, .len = VINT_UINT8, .u.i = i};
}
static inline value v_float(double f)
{
	return (value){.kind = V_FLOAT, .u.f = f};
}
value v_str(arena *a, const char *s, size_t n);
value v_cstr(arena *a, const char *s);
/* Wraps s without copying; s must outlive the arena's values (a literal, or arena memory). */
value v_str_static(const char *s, size_t n);
value v_list_new(arena *a, uint32_t cap);
value v_map_new(arena *a);
value v_obj(arena *a, const vclass *cls, void *data);

/* Lists. */
void list_push(arena *a, vlist *l, value v);
static inline value list_get(const vlist *l, uint32_t i)
{
	return l->items[i];
}

/* Maps. map_get returns NULL when the key is absent. */
value *map_get(const vmap *m, const char *key, size_t klen);
value *map_getc(const vmap *m, const char *key);
/* Inserts or replaces; the key is copied into the arena. */
void map_set(arena *a, vmap *m, const char *key, size_t klen, value v);
void map_setc(arena *a, vmap *m, const char *key, value v);
bool map_del(vmap *m, const char *key, size_t klen);
/* A new map holding the same entries (shallow). */
vmap *map_copy(arena *a, const vmap *m);

/* Deep copy of lists and maps (objects and strings are shared: they are immutable). */
value value_deep_copy(arena *a, value v);

/* Go's template truth: false, 0, nil, "" and empty list/map are false. */
bool value_truthy(value v);
/* Sprig's `empty`: the same as !truthy, but a struct is never empty. */
bool value_empty(value v);

/* The Go type name, as Sprig's typeOf prints it (`%T`): "int", "float64", "<nil>"... */
const char *value_gotype(value v);
/* The reflect.Kind name, as Sprig's kindOf prints it: "int", "string", "slice", "map", "invalid"...
 */
const char *value_kind(value v);

static inline bool value_is_int(value v)
{
	return v.kind == V_INT || v.kind == V_INT64;
}

#endif
