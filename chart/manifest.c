/* manifest.c - Helm's document splitting and kind ordering.
 *
 * Splitting follows the regular expression `(?:^|\s*\n)---\s*` over the
 * trimmed file, so `---b: 2` splits too. Documents are then sorted stably by
 * Helm's install order of kinds; unknown kinds go last, alphabetically.
 */
#include "manifest.h"

#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>

#include "../values/gofmt.h"
#include "../values/json.h"
#include "../values/yaml.h"

static const char *const install_order[] = {
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
};

static const char *const hook_events[] = {
    "pre-install",  "post-install", "pre-delete",    "post-delete", "pre-upgrade",
    "post-upgrade", "pre-rollback", "post-rollback", "test",	    "test-success",
};

/* Go's unicode.IsSpace for ASCII, which is what the documents use. */
static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static const char *trim_span(const char *s, size_t n, size_t *outn)
{
	while (n && is_space(*s))
		s++, n--;
	while (n && is_space(s[n - 1]))
		n--;
	*outn = n;
	return s;
}

/* Finds the next separator at or after pos; sets its start and end. */
static bool next_sep(const char *s, size_t n, size_t pos, size_t *start, size_t *end)
{
	size_t at;
	if (pos == 0 && n >= 3 && !memcmp(s, "---", 3)) {
		at = 0;
		*start = 0;
	} else {
		/* the next "\n---": s is a C string whose bytes past n are white
		 * space, so strstr (vectorised in glibc) finds only hits inside n */
		const char *hit = pos < n ? strstr(s + pos, "\n---") : NULL;
		if (!hit)
			return false;
		size_t b = (size_t)(hit - s);
		while (b > pos && is_space(s[b - 1]))
			b--;
		*start = b;
		at = (size_t)(hit - s) + 1;
	}
	size_t e = at + 3;
	while (e < n && is_space(s[e]))
		e++;
	*end = e;
	return true;
}

/* A document of a file: a span of the rendered text (not NUL-terminated). */
typedef struct span {
	const char *s;
	size_t n;
} span;

/* Calls fn on each document of text (trimmed spans into it); stops at the
 * first call that returns non-zero and returns that value, else 0. */
static int split_spans(const char *text, int (*fn)(void *ud, span d), void *ud)
{
	size_t n;
	const char *s = trim_span(text, strlen(text), &n);
	size_t pos = 0, st = 0, en = 0;
	for (;;) {
		bool found = next_sep(s, n, pos, &st, &en);
		size_t piece_end = found ? st : n;
		if (piece_end > pos || (!found && pos < n)) {
			span d;
			d.s = trim_span(s + pos, piece_end - pos, &d.n);
			int rc = fn(ud, d);
			if (rc)
				return rc;
		}
		if (!found)
			break;
		pos = en;
		if (en == st) /* cannot happen ("---" is consumed), but never loop forever */
			break;
	}
	return 0;
}

struct split_out {
	arena *a;
	const char **out;
	size_t count, cap;
};

static int split_copy(void *ud, span d)
{
	struct split_out *o = ud;
	if (o->count == o->cap) {
		size_t nc = o->cap ? o->cap * 2 : 8;
		o->out = arena_realloc(o->a, o->out, o->cap * sizeof(char *), nc * sizeof(char *));
		o->cap = nc;
	}
	o->out[o->count++] = arena_strndup(o->a, d.s, d.n);
	return 0;
}

size_t manifest_split(arena *a, const char *text, const char ***docs)
{
	struct split_out o = {.a = a};
	split_spans(text, split_copy, &o);
	*docs = o.out;
	return o.count;
}

static int kind_rank(const char *kind)
{
	for (size_t i = 0; i < sizeof(install_order) / sizeof(install_order[0]); i++)
		if (install_order[i][0] == kind[0] && !strcmp(install_order[i], kind))
			return (int)i;
	return -1;
}

/* An entry to sort: the manifest and its kind's rank (unknown kinds: -1, last, by name). */
struct ranked {
	manifest m;
	int rank;
};

static bool ranked_less(const struct ranked *x, const struct ranked *y)
{
	if (x->rank < 0 && y->rank < 0)
		return strcmp(x->m.kind, y->m.kind) < 0;
	if (x->rank < 0)
		return false;
	if (y->rank < 0)
		return true;
	return x->rank < y->rank;
}

/* A stable merge sort by install order (sort.SliceStable in Helm): the rank of
 * each kind is looked up once, so thousands of documents sort in n log n. */
static void sort_by_kind(arena *a, manifest *m, size_t n)
{
	if (n < 2)
		return;
	struct ranked *x = arena_alloc(a, n * sizeof(*x)), *tmp = arena_alloc(a, n * sizeof(*x));
	for (size_t i = 0; i < n; i++)
		x[i] = (struct ranked){m[i], kind_rank(m[i].kind)};
	for (size_t width = 1; width < n; width *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * width) {
			size_t mid = lo + width < n ? lo + width : n;
			size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
			size_t i = lo, j = mid, k = lo;
			while (i < mid && j < hi)
				tmp[k++] = ranked_less(&x[j], &x[i]) ? x[j++] : x[i++];
			while (i < mid)
				tmp[k++] = x[i++];
			while (j < hi)
				tmp[k++] = x[j++];
		}
		struct ranked *t = x;
		x = tmp;
		tmp = t;
	}
	for (size_t i = 0; i < n; i++)
		m[i] = x[i].m;
}

/* A string field of SimpleHead: numbers and booleans become their text, as
 * sigs.k8s.io/yaml converts them for a string target. */
static const char *str_at(arena *a, value v, const char *key)
{
	value *x = v.kind == V_MAP ? map_getc(v.u.m, key) : NULL;
	if (!x || x->kind == V_NIL || x->kind == V_LIST || x->kind == V_MAP)
		return "";
	if (x->kind == V_STRING)
		return x->u.s;
	strbuf sb;
	sb_init(&sb, a);
	go_print_value(&sb, *x);
	return sb_str(&sb);
}

/* json.Unmarshal into releaseutil.SimpleHead: the first type error, in the
 * sorted key order the YAML-to-JSON step gives, or NULL. */
static const char *head_type_error(arena *a, value head)
{
	/* fields of the anonymous metadata struct are named from "" (".metadata.name") */
	static const char pre[] = "error unmarshaling JSON: while decoding JSON: json: cannot "
				  "unmarshal %s into Go struct field %s of type %s";
	static const char *const top[] = {"apiVersion", "kind"};
	for (int i = 0; i < 2; i++) {
		value *x = map_getc(head.u.m, top[i]);
		if (x && (x->kind == V_LIST || x->kind == V_MAP))
			return arena_sprintf(a, pre, json_type_name(*x),
					     arena_sprintf(a, "SimpleHead.%s", top[i]), "string");
	}
	value *m = map_getc(head.u.m, "metadata");
	if (!m || m->kind == V_NIL)
		return NULL;
	if (m->kind != V_MAP)
		return arena_sprintf(a, pre, json_type_name(*m), "SimpleHead.metadata",
				     "struct { Name string \"json:\\\"name\\\"\"; Annotations "
				     "map[string]string \"json:\\\"annotations\\\"\" }");
	value *an = map_getc(m->u.m, "annotations");
	if (an && an->kind != V_NIL && an->kind != V_MAP)
		return arena_sprintf(a, pre, json_type_name(*an), ".metadata.annotations",
				     "map[string]string");
	for (uint32_t i = 0; an && an->kind == V_MAP && i < an->u.m->len; i++) {
		value v = an->u.m->e[i].val;
		if (v.kind == V_LIST || v.kind == V_MAP)
			return arena_sprintf(a, pre, json_type_name(v), ".metadata.annotations",
					     "string");
	}
	value *name = map_getc(m->u.m, "name");
	if (name && (name->kind == V_LIST || name->kind == V_MAP))
		return arena_sprintf(a, pre, json_type_name(*name), ".metadata.name", "string");
	return NULL;
}

static bool is_hook_event(const char *e)
{
	for (size_t i = 0; i < sizeof(hook_events) / sizeof(hook_events[0]); i++)
		if (!strcmp(hook_events[i], e))
			return true;
	return false;
}

/* Parses the helm.sh/hook list; false when an event is unknown (Helm skips the document). */
static bool parse_hook(arena *a, const char *events, manifest *m)
{
	char *list = arena_strdup(a, events);
	for (char *save = NULL, *tok = strtok_r(list, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		size_t n;
		char *t = (char *)trim_span(tok, strlen(tok), &n);
		t[n] = 0;
		for (char *p = t; *p; p++)
			*p = (char)tolower((unsigned char)*p);
		if (!is_hook_event(t)) {
			/* Helm's log.Printf, from the manifest sorter */
			strbuf q;
			sb_init(&q, a);
			go_quote(&q, events, strlen(events));
			fprintf(stderr, "manifest_sorter.go:190: info: skipping unknown hook: %s\n",
				sb_str(&q));
			return false;
		}
		if (!strcmp(t, "test") || !strcmp(t, "test-success"))
			m->test_hook = true;
	}
	return true;
}

/* Appends m; the array doubles when its count reaches a power of two. */
static void push(arena *a, manifest **arr, size_t *n, manifest m)
{
	if ((*n & (*n - 1)) == 0)
		*arr = arena_realloc(a, *arr, *n * sizeof(manifest),
				     (*n ? *n * 2 : 1) * sizeof(manifest));
	(*arr)[(*n)++] = m;
}

/* Fills m's kind, name and hook fields from a document's head, which lives in
 * arena s (strings are copied to a when s is another arena). Returns 0, or 1
 * when the document is a hook Helm skips. */
static int head_fields(arena *a, arena *s, value head, manifest *m)
{
	value *mp = head.kind == V_MAP ? map_getc(head.u.m, "metadata") : NULL;
	value meta = mp ? *mp : v_nil();
	value *ann = meta.kind == V_MAP ? map_getc(meta.u.m, "annotations") : NULL;
	const char *kind = str_at(s, head, "kind"), *name = str_at(s, meta, "name");
	m->kind = s == a ? kind : arena_strdup(a, kind);
	m->name = s == a ? name : arena_strdup(a, name);
	value *hook = ann && ann->kind == V_MAP ? map_getc(ann->u.m, "helm.sh/hook") : NULL;
	if (!hook || hook->kind != V_STRING)
		return 0;
	if (!parse_hook(a, hook->u.s, m))
		return 1;
	m->hook = true;
	value *w = map_getc(ann->u.m, "helm.sh/hook-weight");
	m->weight = w && w->kind == V_STRING ? atoi(w->u.s) : 0;
	return 0;
}

/* A scratch arena under a's byte limit. */
static arena *scratch_new(arena *a)
{
	size_t max;
	arena_limit_fn fn;
	void *ud;
	arena_get_limit(a, &max, &fn, &ud);
	arena *s = arena_new();
	if (max)
		arena_set_limit(s, max, fn, ud);
	return s;
}

/* One document's head. A plain document is read by yaml_head_fast straight
 * from the rendered text into the scratch arena heads (a few hundred bytes,
 * shared by all documents); any other gets a full parse in an arena of its
 * own, whose tree is thrown away at once. Returns 0, 1 when the document is
 * a hook Helm skips, or -1 with *err. */
static int read_head(arena *a, arena *heads, const rendered *f, span d, manifest *m,
		     const char **err)
{
	value head = v_nil();
	*m = (manifest){.path = f->name};
	if (yaml_head_fast(heads, d.s, d.n, &head))
		return head_fields(a, heads, head, m); /* no error possible (fuzz_yaml_head.c) */
	arena *s = scratch_new(a);
	const char *e = NULL;
	if (yaml_load(s, arena_strndup(s, d.s, d.n), d.n, &head, &e) == 0 && head.kind != V_MAP &&
	    head.kind != V_NIL)
		e = arena_sprintf(s,
				  "error unmarshaling JSON: while decoding JSON: json: cannot "
				  "unmarshal %s into Go value of type releaseutil.SimpleHead",
				  json_type_name(head));
	else if (!e && head.kind == V_MAP)
		e = head_type_error(s, head);
	int rc = -1;
	if (e)
		*err = arena_sprintf(a, "YAML parse error on %s: %s", f->name, e);
	else
		rc = head_fields(a, s, head, m);
	arena_free(s);
	return rc;
}

struct sort_ctx {
	arena *a, *heads; /* heads: see HEADS_RECYCLE */
	size_t ndocs;
	const rendered *f;
	manifest_set *out;
	const char **err;
};

/* The heads arena is replaced every so many documents (their heads take a
 * few hundred bytes each and are dead once read): the new arena reuses the
 * freed memory, whose pages are already mapped, and arena_new's cost is
 * shared by the documents. */
#define HEADS_RECYCLE 8

/* One document of a file: its head read, then (kept) a copy of its text. */
static int sort_doc(void *ud, span d)
{
	struct sort_ctx *c = ud;
	manifest m;
	if (c->ndocs++ % HEADS_RECYCLE == 0) {
		if (c->heads)
			arena_free(c->heads);
		c->heads = scratch_new(c->a);
	}
	int rc = read_head(c->a, c->heads, c->f, d, &m, c->err);
	if (rc < 0)
		return -1;
	if (rc == 0) {
		m.content = arena_strndup(c->a, d.s, d.n);
		push(c->a, m.hook ? &c->out->hooks : &c->out->generic,
		     m.hook ? &c->out->nhooks : &c->out->ngeneric, m);
	}
	return 0;
}

int manifest_sort(arena *a, const rendered *files, size_t n, manifest_set *out, const char **err)
{
	memset(out, 0, sizeof(*out));
	struct sort_ctx ctx = {.a = a, .out = out, .err = err};
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		const char *base = strrchr(files[i].name, '/');
		base = base ? base + 1 : files[i].name;
		if (base[0] == '_')
			continue;
		const char *c = files[i].content;
		while (*c && is_space(*c))
			c++;
		if (!*c)
			continue;
		ctx.f = &files[i];
		rc = split_spans(files[i].content, sort_doc, &ctx);
	}
	if (ctx.heads)
		arena_free(ctx.heads);
	if (rc)
		return -1;
	sort_by_kind(a, out->generic, out->ngeneric);
	sort_by_kind(a, out->hooks, out->nhooks);
	return 0;
}
