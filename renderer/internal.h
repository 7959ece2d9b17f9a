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
item lex_next(lexer *l);

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

typedef struct node {
	uint8_t type;
	bool flag; /* BOOL: value; PIPE: is assign */
	bool is_int, is_float, is_uint;
	uint32_t pos;
	struct ttree *tr;
	struct node **kids; /* LIST items, PIPE commands, CMD args */
	uint32_t nkids;
	uint32_t nident;
	const char **ident; /* FIELD, VAR, CHAIN field names (without the dot) */
	struct node **decl; /* PIPE declarations */
	uint32_t ndecl;
	uint32_t tlen;
	const char *text;   /* TEXT, STRING (unquoted), IDENT, NUMBER (source), TEMPLATE name */
	const char *quoted; /* STRING: source form */
	struct node *pipe, *list, *elselist; /* IF RANGE WITH ACTION TEMPLATE; CHAIN: pipe = term */
	int64_t i;
	double f;
	/* IDENTIFIER: the function found at its first call, for the table it came from */
	const void *fn_table;
	const struct fn_def *fn;
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
	tentry *e;
	uint32_t n, cap;
	bool strict;
	void *host;
	size_t outlim;
};

/* parse.c */
ttree *tset_lookup(const tset *t, const char *name);
bool tset_has_func(const tset *t, const char *name);
/* The Go String() of a node, as error contexts print it. */
void node_string(strbuf *sb, const node *n);
/* Go's ErrorContext: "PARSENAME:LINE:COL" and the node's text. */
void node_context(arena *a, const node *n, const char **loc, const char **ctx);
/* Unquotes a Go string or raw string literal; returns false on a syntax error. */
bool go_unquote(arena *a, const char *s, size_t n, const char **out, uint32_t *outlen);

/* builtins.c */
extern const fn_table builtin_table;
bool fn_is_lazy(const fn_def *d); /* and, or */

/* exec.c helpers for builtins */
noreturn void exec_fail_plain(struct fnctx *c, const char *msg);

#endif
