/* internal.h - the renderer's private types: tokens, syntax nodes, trees, the set.
 *
 * Nodes mirror Go's text/template/parse nodes. Each node keeps the byte offset
 * of its source and the tree it was parsed in; line and column are computed
 * only when an error is printed (Go's Tree.ErrorContext).
 */
#ifndef RENDER_RENDERER_INTERNAL_H
#define RENDER_RENDERER_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "template.h"

/* Lexer items, in Go's order: keywords come after IT_KEYWORD. */
enum itype {
	IT_ERROR,
	IT_BOOL,
	IT_CHAR,
	IT_CHARCONST,
	IT_COMMENT,
	IT_COMPLEX,
	IT_ASSIGN,
	IT_DECLARE,
	IT_EOF,
	IT_FIELD,
	IT_IDENT,
	IT_LDELIM,
	IT_LPAREN,
	IT_NUMBER,
	IT_PIPE,
	IT_RAWSTRING,
	IT_RDELIM,
	IT_RPAREN,
	IT_SPACE,
	IT_STRING,
	IT_TEXT,
	IT_VARIABLE,
	IT_KEYWORD,
	IT_BLOCK,
	IT_BREAK,
	IT_CONTINUE,
	IT_DOT,
	IT_DEFINE,
	IT_ELSE,
	IT_END,
	IT_IF,
	IT_NIL,
	IT_RANGE,
	IT_TEMPLATE,
	IT_WITH,
};

typedef struct item {
	enum itype typ;
	uint32_t pos;
	const char *val; /* points into the input, or an error text */
	uint32_t len;
	int line;
} item;

typedef struct lexer {
	const char *input;
	uint32_t len;
	uint32_t pos, start;
	int line, start_line;
	int paren_depth;
	bool inside_action;
	bool at_eof;
	bool done;
	bool break_ok, continue_ok;
	arena *a;
} lexer;

void lex_init(lexer *l, arena *a, const char *input, size_t len);
/* Stores the next item in *it (written straight into the parser's lookahead). */
void lex_next(lexer *l, item *it);

enum ntype {
	N_TEXT,
	N_ACTION,
	N_IF,
	N_RANGE,
	N_WITH,
	N_TEMPLATE,
	N_BREAK,
	N_CONTINUE,
	N_LIST,
	N_PIPE,
	N_CMD,
	N_FIELD,
	N_VAR,
	N_CHAIN,
	N_IDENT,
	N_DOT,
	N_NIL,
	N_BOOL,
	N_NUMBER,
	N_STRING,
	N_COMMENT,
	N_END,
	N_ELSE,
};

struct ttree;

/* A field name's length, and the map entry it was found at last time: a
 * cache the executor writes (checked before use), so a field of a map that
 * keeps its shape costs one compare instead of a binary search. */
typedef struct fkey {
	uint32_t len;
	uint32_t hint;
} fkey;

/* A node is 48 bytes: the fields of each kind share storage through anonymous
 * unions (C11), so parsing touches less memory. Read only the fields of the
 * node's own kind; everything starts zeroed.
 *   LIST: kids   PIPE: kids (commands), decl, flag (is assign)   CMD: kids (args)
 *   IF RANGE WITH: pipe, list, elselist   ACTION: pipe   TEMPLATE: pipe, text (name)
 *   FIELD VAR: ident   CHAIN: pipe (the term), ident   BOOL: flag
 *   TEXT: text   STRING: text (unquoted), quoted (source)   NUMBER: text (source), i, f
 *   IDENT: text, fn (found in fn_table, the set's table when it was looked up) */
typedef struct node {
	uint32_t pos; /* in the text of the tree the node belongs to */
	uint8_t type;
	bool flag;
	union {
		struct {
			struct node **kids;
			struct node **decl;
			uint32_t nkids, ndecl;
		};
		struct {
			struct node *pipe;
			union {
				struct {
					struct node *list, *elselist;
				};
				struct {
					const char **ident; /* without the dots */
					fkey *keys;	    /* one per ident */
					uint32_t nident;
				};
				struct {
					const char *text;
					uint32_t tlen;
					bool is_int, is_float, is_uint;
					union {
						struct {
							const char *quoted;
							uint32_t qlen;
						};
						struct {
							int64_t i;
							double f;
						};
						struct {
							const void *fn_table;
							const struct fn_def *fn;
						};
					};
				};
			};
		};
	};
} node;

typedef struct ttree {
	const char *name;
	const char *parse_name;
	node *root;
	const char *text;
	size_t len;
} ttree;

typedef struct tentry {
	const char *name;
	ttree *tree;
} tentry;

struct tset {
	arena *a;
	const fn_table *funcs;
	tentry *e; /* sorted by name */
	uint32_t n, cap;
	/* A hash index over e (slot: entry + 1, 0 empty), built when execution
	 * starts after a change. A clone (tpl makes one per call) has none: it
	 * would cost more to build than its few lookups save. */
	uint32_t *idx;
	uint32_t idx_mask;
	bool is_clone;
	bool strict;
	bool break_ok, continue_ok; /* no function shadows the keyword */
	void *host;
	size_t outlim;
};

/* parse.c */
ttree *tset_lookup(const tset *t, const char *name);
/* Builds the set's hash index if a change dropped it, clones aside (the executor calls it). */
void tset_index(tset *t);
/* The function NAME as the set sees it: the embedder's, else the builtin; NULL if none. */
const fn_def *tset_find_func(const tset *t, const char *name);
/* The Go String() of a node, as error contexts print it. */
void node_string(strbuf *sb, const node *n);
/* Go's ErrorContext: "PARSENAME:LINE:COL" and the node's text; tr is the tree
 * the node belongs to (the one being executed). */
void node_context(arena *a, const ttree *tr, const node *n, const char **loc, const char **ctx);
/* Unquotes a Go string or raw string literal; returns false on a syntax error. */
bool go_unquote(arena *a, const char *s, size_t n, const char **out, uint32_t *outlen);

/* builtins.c */
extern const fn_table builtin_table;
bool fn_is_lazy(const fn_def *d); /* and, or */

/* exec.c helpers for builtins */
noreturn void exec_fail_plain(struct fnctx *c, const char *msg);

#endif
