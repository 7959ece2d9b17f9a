/* diff.c - `render diff upgrade`'s comparison: manifests split into objects,
 * objects matched by kind, namespace and name, each pair compared line by line
 * with Myers' O(ND) algorithm and printed as a unified diff. Objects are small,
 * so the trace Myers keeps for backtracking stays small too; a pair of texts
 * over MAX_LINES lines is shown as a whole replacement instead. */
#include "diff.h"

#include <string.h>

#include "../chart/manifest.h"
#include "../values/yaml.h"

#define MAX_LINES 20000

enum op { OP_EQ, OP_DEL, OP_ADD };

typedef struct lines {
	const char **s;
	size_t *len;
	size_t n;
} lines;

static void split_lines(arena *a, const char *text, lines *out)
{
	size_t cap = 16;
	out->s = arena_alloc(a, cap * sizeof(char *));
	out->len = arena_alloc(a, cap * sizeof(size_t));
	out->n = 0;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t l = nl ? (size_t)(nl - p) : strlen(p);
		if (out->n == cap) {
			out->s = arena_realloc(a, out->s, cap * sizeof(char *),
					       2 * cap * sizeof(char *));
			out->len = arena_realloc(a, out->len, cap * sizeof(size_t),
						 2 * cap * sizeof(size_t));
			cap *= 2;
		}
		out->s[out->n] = p;
		out->len[out->n++] = l;
		p = nl ? nl + 1 : p + l;
	}
}

static bool same(const lines *a, size_t i, const lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->s[i], b->s[j], a->len[i]);
}

/* The edit script from old to new, as ops in order; *nops its length. */
static enum op *myers(arena *ar, const lines *A, const lines *B, size_t *nops)
{
	long n = (long)A->n, m = (long)B->n, max = n + m, off = max + 1;
	enum op *ops = arena_alloc(ar, ((size_t)max + 1) * sizeof(enum op));
	if (max > MAX_LINES) { /* too big to trace: everything replaced */
		size_t k = 0;
		for (long i = 0; i < n; i++)
			ops[k++] = OP_DEL;
		for (long j = 0; j < m; j++)
			ops[k++] = OP_ADD;
		*nops = k;
		return ops;
	}
	long *v = arena_alloc(ar, (size_t)(2 * max + 3) * sizeof(long));
	long **trace = arena_alloc(ar, (size_t)(max + 1) * sizeof(long *));
	long d_end = 0;
	for (long d = 0; d <= max; d++) {
		trace[d] = arena_alloc(ar, (size_t)(2 * max + 3) * sizeof(long));
		memcpy(trace[d], v, (size_t)(2 * max + 3) * sizeof(long));
		bool done = false;
		for (long k = -d; k <= d && !done; k += 2) {
			long x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
				     ? v[off + k + 1]
				     : v[off + k - 1] + 1;
			long y = x - k;
			while (x < n && y < m && same(A, (size_t)x, B, (size_t)y))
				x++, y++;
			v[off + k] = x;
			done = x >= n && y >= m;
		}
		if (done) {
			d_end = d;
			break;
		}
	}
	/* backtrack from (n, m), collecting ops in reverse */
	size_t k = 0;
	long x = n, y = m;
	for (long d = d_end; d > 0; d--) {
		const long *pv = trace[d];
		long kk = x - y;
		long pk = (kk == -d || (kk != d && pv[off + kk - 1] < pv[off + kk + 1])) ? kk + 1
											 : kk - 1;
		long px = pv[off + pk], py = px - pk;
		while (x > px && y > py)
			ops[k++] = OP_EQ, x--, y--;
		if (x == px)
			ops[k++] = OP_ADD, y--;
		else
			ops[k++] = OP_DEL, x--;
	}
	while (x > 0 && y > 0)
		ops[k++] = OP_EQ, x--, y--;
	for (size_t i = 0; i < k / 2; i++) {
		enum op t = ops[i];
		ops[i] = ops[k - 1 - i];
		ops[k - 1 - i] = t;
	}
	*nops = k;
	return ops;
}

static void range(strbuf *out, char sign, size_t start, size_t count)
{
	/* GNU diff -u: an empty range names the line before it */
	if (count == 1)
		sb_addf(out, "%c%zu", sign, start + 1);
	else
		sb_addf(out, "%c%zu,%zu", sign, count ? start + 1 : start, count);
}

static void line(strbuf *out, char sign, const lines *l, size_t i, bool color)
{
	const char *on = !color ? "" : sign == '-' ? "\x1b[31m" : sign == '+' ? "\x1b[32m" : "";
	sb_adds(out, on);
	sb_addc(out, sign);
	sb_add(out, l->s[i], l->len[i]);
	if (*on)
		sb_adds(out, "\x1b[0m");
	sb_addc(out, '\n');
}

size_t text_diff(arena *a, const char *old, const char *new_text, const char *old_label,
		 const char *new_label, int context, bool color, strbuf *out)
{
	lines A, B;
	split_lines(a, old, &A);
	split_lines(a, new_text, &B);
	size_t nops, changed = 0;
	enum op *ops = myers(a, &A, &B, &nops);
	for (size_t i = 0; i < nops; i++)
		changed += ops[i] != OP_EQ;
	if (!changed)
		return 0;
	sb_addf(out, "%s--- %s%s\n%s+++ %s%s\n", color ? "\x1b[1m" : "", old_label,
		color ? "\x1b[0m" : "", color ? "\x1b[1m" : "", new_label, color ? "\x1b[0m" : "");
	/* line positions before each op */
	size_t *ai = arena_alloc(a, (nops + 1) * sizeof(size_t)),
	       *bi = arena_alloc(a, (nops + 1) * sizeof(size_t));
	for (size_t i = 0, x = 0, y = 0; i <= nops; i++) {
		ai[i] = x, bi[i] = y;
		if (i < nops) {
			x += ops[i] != OP_ADD;
			y += ops[i] != OP_DEL;
		}
	}
	size_t ctx = context < 0 ? 0 : (size_t)context;
	for (size_t i = 0; i < nops;) {
		if (ops[i] == OP_EQ) {
			i++;
			continue;
		}
		size_t start = i > ctx ? i - ctx : 0, end = i;
		/* extend the hunk while changes come within 2*ctx of each other */
		for (size_t j = i; j < nops; j++) {
			if (ops[j] != OP_EQ) {
				end = j + 1;
				continue;
			}
			if (j - end >= 2 * ctx)
				break;
		}
		size_t stop = end + ctx < nops ? end + ctx : nops;
		size_t ca = 0, cb = 0;
		for (size_t j = start; j < stop; j++)
			ca += ops[j] != OP_ADD, cb += ops[j] != OP_DEL;
		sb_adds(out, color ? "\x1b[36m@@ " : "@@ ");
		range(out, '-', ai[start], ca);
		sb_addc(out, ' ');
		range(out, '+', bi[start], cb);
		sb_adds(out, color ? " @@\x1b[0m\n" : " @@\n");
		for (size_t j = start; j < stop; j++) {
			if (ops[j] == OP_EQ)
				line(out, ' ', &A, ai[j], color);
			else if (ops[j] == OP_DEL)
				line(out, '-', &A, ai[j], color);
			else
				line(out, '+', &B, bi[j], color);
		}
		i = stop;
	}
	return changed;
}

typedef struct object {
	const char *key; /* "Kind/namespace/name" */
	const char *text;
	bool matched;
} object;

static const char *field(value v, const char *key)
{
	value *x = v.kind == V_MAP ? map_getc(v.u.m, key) : NULL;
	return x && x->kind == V_STRING ? x->u.s : "";
}

static object *objects_of(arena *a, const char *text, const char *ns, size_t *n)
{
	const char **docs;
	size_t nd = manifest_split(a, text ? text : "", &docs);
	object *o = arena_alloc(a, (nd + 1) * sizeof(object));
	*n = 0;
	for (size_t i = 0; i < nd; i++) {
		value head = v_nil();
		const char *err;
		if (yaml_load(a, docs[i], strlen(docs[i]), &head, &err) != 0 || head.kind != V_MAP)
			continue;
		value *meta = map_getc(head.u.m, "metadata");
		value m = meta ? *meta : v_nil();
		const char *ons = *field(m, "namespace") ? field(m, "namespace") : ns;
		o[*n].key =
		    arena_sprintf(a, "%s/%s/%s", field(head, "kind"), ons, field(m, "name"));
		o[*n].text = arena_sprintf(a, "%s\n", docs[i]);
		o[*n].matched = false;
		(*n)++;
	}
	return o;
}

size_t manifest_diff(arena *a, const char *old_manifest, const char *new_manifest,
		     const char *default_namespace, bool color, strbuf *out)
{
	size_t no, nn, changed = 0;
	object *olds = objects_of(a, old_manifest, default_namespace, &no);
	object *news = objects_of(a, new_manifest, default_namespace, &nn);
	for (size_t i = 0; i < nn; i++) {
		const object *prev = NULL;
		for (size_t j = 0; j < no && !prev; j++)
			if (!olds[j].matched && !strcmp(olds[j].key, news[i].key)) {
				olds[j].matched = true;
				prev = &olds[j];
			}
		const char *label = arena_sprintf(a, "b/%s", news[i].key);
		if (text_diff(a, prev ? prev->text : "", news[i].text,
			      prev ? arena_sprintf(a, "a/%s", prev->key) : "/dev/null", label, 3,
			      color, out))
			changed++;
	}
	for (size_t j = 0; j < no; j++)
		if (!olds[j].matched &&
		    text_diff(a, olds[j].text, "", arena_sprintf(a, "a/%s", olds[j].key),
			      "/dev/null", 3, color, out))
			changed++;
	return changed;
}
