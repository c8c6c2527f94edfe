/* annot.y: grammar of annotation texts ("range(0, 16)") and of the C-like expressions inside them. */
%define api.pure full
%define api.prefix {vg_yy}
%define api.token.prefix {TK_}
%define parse.error custom
%define parse.lac full
%locations
%define api.location.type {struct vgp_span}
%param {yyscan_t scanner}
%parse-param {struct vgp_ctx *ctx}

%code requires {
#include "annot_private.h"
typedef void *yyscan_t;
}

%code provides {
/* The scanner (annot.l), which also records the last tokens for the error messages. */
int vg_yylex(VG_YYSTYPE *lval, VG_YYLTYPE *lloc, yyscan_t scanner);
}

%code {
#include <stdlib.h>
#include <string.h>

static void vg_yyerror(VG_YYLTYPE *loc, yyscan_t scanner, struct vgp_ctx *ctx, const char *msg);

#define YYMAXDEPTH (2 * VGP_MAX_TEXT + 16)
}

%union {
    uint64_t ival;
    char *name;
    struct vgp_str *str;
    struct vg_expr *expr;
}

%token END 0 "end of text"
/* the first token, chosen by vgp_run(): which grammar to use */
%token ANN_START EXPR_START
%token <ival> INT
%token <name> IDENT
%token <str> STRING
%token VERSION SIZEOF COUNTOF
%token SHL SHR LE GE EQ NE ANDAND OROR
/* in no rule: each makes a syntax error with a message of its own */
%token TYPEKW ASSIGN INCDEC ARROW BADCHAR LEXERR

%type <expr> expr cond oror andand bitor bitxor bitand equality rel shift add mul unary postfix primary
%type <str> strings

%destructor { vg_expr_free($$); } <expr>
%destructor { free($$); } <name>
%destructor { vgp_str_free($$); } <str>

%%

start:
    ANN_START annot END
  | EXPR_START expr END                 { ctx->expr = $2; }
  ;

annot:
    word
  | word '(' ')'                        { ctx->has_parens = true; ctx->rparen_col = @3.first_column; }
  | word '(' args ')'                   { ctx->has_parens = true; ctx->rparen_col = @4.first_column; }
  ;

/* any word: vg_annot_parse() tells known from unknown ones */
word:
    IDENT                               { free($1); vgp_set_word(ctx, @1.first_column, @1.last_column); }
  | VERSION                             { vgp_set_word(ctx, @1.first_column, @1.last_column); }
  | SIZEOF                              { vgp_set_word(ctx, @1.first_column, @1.last_column); }
  | COUNTOF                             { vgp_set_word(ctx, @1.first_column, @1.last_column); }
  | TYPEKW                              { vgp_set_word(ctx, @1.first_column, @1.last_column); }
  ;

args:
    arg
  | args ',' arg
  ;

arg:
    strings     { vgp_add_arg(ctx, VGP_RAW_STRING, NULL, $1, @1.first_column, @1.last_column); }
  | '-'         { vgp_add_arg(ctx, VGP_RAW_DASH, NULL, NULL, @1.first_column, @1.last_column); }
  | cond        { vgp_add_arg(ctx, VGP_RAW_EXPR, $1, NULL, @1.first_column, @1.last_column); }
  ;

strings:
    STRING
  | strings STRING                      { $$ = vgp_str_cat($1, $2); }
  ;

/* C's precedence and associativity, one level per rule, from the comma operator down */
expr:
    cond
  | expr ',' cond                       { $$ = vgp_binary(',', $1, $3); }
  ;

cond:
    oror
  | oror '?' expr ':' cond
    {
        $$ = vgp_node(VG_E_COND, @1.first_column);
        $$->a = $1;
        $$->b = $3;
        $$->c = $5;
    }
  ;

oror:
    andand
  | oror OROR andand                    { $$ = vgp_binary(VG_OP_OR, $1, $3); }
  ;

andand:
    bitor
  | andand ANDAND bitor                 { $$ = vgp_binary(VG_OP_AND, $1, $3); }
  ;

bitor:
    bitxor
  | bitor '|' bitxor                    { $$ = vgp_binary('|', $1, $3); }
  ;

bitxor:
    bitand
  | bitxor '^' bitand                   { $$ = vgp_binary('^', $1, $3); }
  ;

bitand:
    equality
  | bitand '&' equality                 { $$ = vgp_binary('&', $1, $3); }
  ;

equality:
    rel
  | equality EQ rel                     { $$ = vgp_binary(VG_OP_EQ, $1, $3); }
  | equality NE rel                     { $$ = vgp_binary(VG_OP_NE, $1, $3); }
  ;

rel:
    shift
  | rel '<' shift                       { $$ = vgp_binary('<', $1, $3); }
  | rel '>' shift                       { $$ = vgp_binary('>', $1, $3); }
  | rel LE shift                        { $$ = vgp_binary(VG_OP_LE, $1, $3); }
  | rel GE shift                        { $$ = vgp_binary(VG_OP_GE, $1, $3); }
  ;

shift:
    add
  | shift SHL add                       { $$ = vgp_binary(VG_OP_SHL, $1, $3); }
  | shift SHR add                       { $$ = vgp_binary(VG_OP_SHR, $1, $3); }
  ;

add:
    mul
  | add '+' mul                         { $$ = vgp_binary('+', $1, $3); }
  | add '-' mul                         { $$ = vgp_binary('-', $1, $3); }
  ;

mul:
    unary
  | mul '*' unary                       { $$ = vgp_binary('*', $1, $3); }
  | mul '/' unary                       { $$ = vgp_binary('/', $1, $3); }
  | mul '%' unary                       { $$ = vgp_binary('%', $1, $3); }
  ;

unary:
    postfix
  | '!' unary                           { $$ = vgp_unary('!', $2, @1.first_column); }
  | '~' unary                           { $$ = vgp_unary('~', $2, @1.first_column); }
  | '-' unary                           { $$ = vgp_unary('-', $2, @1.first_column); }
  | '+' unary                           { $$ = vgp_unary('+', $2, @1.first_column); }
  | SIZEOF unary
    {
        $$ = vgp_node(VG_E_SIZEOF, @1.first_column);
        $$->a = $2;
    }
  | COUNTOF '(' expr ')'
    {
        $$ = vgp_node(VG_E_COUNTOF, @1.first_column);
        $$->a = $3;
    }
  ;

postfix:
    primary
  | postfix '.' IDENT
    {
        $$ = vgp_node(VG_E_MEMBER, @1.first_column);
        $$->a = $1;
        $$->name = $3;
    }
  | postfix '[' expr ']'
    {
        $$ = vgp_node(VG_E_INDEX, @1.first_column);
        $$->a = $1;
        $$->b = $3;
    }
  ;

primary:
    INT
    {
        $$ = vgp_node(VG_E_INT, @1.first_column);
        $$->ival = $1;
    }
  | IDENT
    {
        $$ = vgp_node(VG_E_NAME, @1.first_column);
        $$->name = $1;
    }
  | VERSION                             { $$ = vgp_node(VG_E_VERSION, @1.first_column); }
  | '(' expr ')'
    {
        $$ = $2;
        $$->col = @1.first_column; /* a group starts at its parenthesis */
    }
  ;

%%

static bool is_operand_start(int t)
{
    switch (t) {
    case TK_INT: case TK_IDENT: case TK_VERSION: case TK_SIZEOF: case TK_COUNTOF:
    case '(': case '!': case '~':
        return true;
    default:
        return false;
    }
}

static bool is_operand_end(int t)
{
    return t == TK_INT || t == TK_IDENT || t == TK_VERSION || t == ')' || t == ']';
}

/* The lookahead as the user wrote it, quoted ("'foo'"), or what it is ("end of text"). */
static void token_text(const struct vgp_ctx *ctx, int t, const VG_YYLTYPE *loc, struct vg_buf *out)
{
    size_t from = loc->first_column ? loc->first_column - 1 : 0;
    size_t to = loc->last_column;

    if (t == TK_END) {
        vg_buf_printf(out, "end of text");
    } else if (t == TK_STRING) {
        vg_buf_printf(out, "a string literal");
    } else if (t == TK_BADCHAR && (unsigned char)ctx->text[from] >= 0x80) {
        vg_buf_printf(out, "'\\x%02x'", (unsigned char)ctx->text[from]); /* not half a UTF-8 sequence */
    } else if (to > ctx->len || from >= to) {
        vg_buf_printf(out, "this token");
    } else {
        vg_buf_printf(out, "'");
        vgp_quote(out, ctx->text + from, to - from);
        vg_buf_printf(out, "'");
    }
}

struct expected {
    bool operand, name, string, oper, rparen, rbracket, colon, end, lparen;
};

static struct expected expected_of(const yypcontext_t *yyctx)
{
    yysymbol_kind_t syms[YYNTOKENS];
    int n = yypcontext_expected_tokens(yyctx, syms, YYNTOKENS);
    struct expected e = {0};

    for (int i = 0; i < n; i++) {
        yysymbol_kind_t k = syms[i];

        e.operand |= k == YYSYMBOL_INT; /* expected exactly where any operand is */
        e.name |= k == YYSYMBOL_IDENT;
        e.string |= k == YYSYMBOL_STRING;
        e.oper |= k == YYSYMBOL_OROR || k == YYTRANSLATE('*');
        e.end |= k == YYSYMBOL_YYEOF;
        e.rparen |= k == YYTRANSLATE(')');
        e.lparen |= k == YYTRANSLATE('(');
        e.rbracket |= k == YYTRANSLATE(']');
        e.colon |= k == YYTRANSLATE(':');
    }
    return e;
}

/* "expected ')'" or "expected ')' before 'x'" */
static void expected_before(struct vg_buf *m, const char *what, int t, const char *tok)
{
    if (t == TK_END)
        vg_buf_printf(m, "expected %s", what);
    else
        vg_buf_printf(m, "expected %s before %s", what, tok);
}

/* Why the lookahead is refused, when the token itself is the reason. */
static bool refused_token(const struct vgp_ctx *ctx, int t, const struct expected *e, const char *tok,
                          struct vg_buf *m, unsigned *col)
{
    const int *h = ctx->hist;

    if (t == TK_TYPEKW)
        vg_buf_printf(m, "type names such as %s are not allowed in expressions", tok);
    else if (t == TK_ASSIGN)
        vg_buf_printf(m, "assignment is not allowed in expressions%s",
                      strcmp(tok, "'='") == 0 ? " (use '==' to compare)" : "");
    else if (t == TK_INCDEC)
        vg_buf_printf(m, "%s is not allowed in expressions", tok);
    else if (t == TK_ARROW)
        vg_buf_printf(m, "'->' is not allowed in expressions (name members with '.')");
    else if (t == TK_BADCHAR)
        vg_buf_printf(m, "unexpected character %s", tok);
    else if (is_operand_start(t) && h[0] == '(' && h[1] == TK_IDENT && h[2] == ')') {
        vg_buf_printf(m, "casts are not allowed in expressions");
        *col = ctx->hist_col[0]; /* at the cast's '(' */
    } else if (t == '(' && is_operand_end(h[2]) && !e->lparen)
        vg_buf_printf(m, "function calls are not allowed in expressions");
    else if (t == TK_STRING && e->operand)
        vg_buf_printf(m, "string literals are not allowed in expressions");
    else
        return false;
    return true;
}

/*
 * The message for a syntax error: what was expected, in the user's terms, or
 * why the token is refused; may move *col to where the problem starts.
 */
static void explain(const struct vgp_ctx *ctx, int t, const struct expected *e, const char *tok,
                    struct vg_buf *m, unsigned *col)
{
    /* the scanner has counted the lookahead already: an argument list is open at depth 1 without it */
    int depth = ctx->depth + (t == ')') - (t == '(');
    bool in_args = ctx->mode == VGP_MODE_ANNOT && depth == 1;

    if (refused_token(ctx, t, e, tok, m, col))
        return;
    if (ctx->mode == VGP_MODE_ANNOT && ctx->hist[2] == TK_ANN_START)
        expected_before(m, "the name of an annotation", t, tok);
    else if (e->operand && e->string && in_args)
        expected_before(m, "an argument", t, tok);
    else if (e->operand)
        expected_before(m, "an expression", t, tok);
    else if (e->name)
        expected_before(m, "a member name", t, tok);
    else if (in_args && e->rparen)
        expected_before(m, "',' or ')'", t, tok);
    else if (is_operand_start(t) && e->oper)
        vg_buf_printf(m, "expected an operator before %s", tok);
    else if (e->colon)
        expected_before(m, "':'", t, tok);
    else if (e->rbracket)
        expected_before(m, "']'", t, tok);
    else if (e->rparen)
        expected_before(m, "')'", t, tok);
    else if (e->lparen && e->end)
        expected_before(m, "'(' or the end of the annotation", t, tok);
    else if (e->lparen)
        expected_before(m, "'('", t, tok);
    else if (e->end)
        vg_buf_printf(m, "unexpected %s after the end of the %s", tok,
                      ctx->mode == VGP_MODE_ANNOT ? "annotation" : "expression");
    else
        vg_buf_printf(m, "unexpected %s", tok);
}

static int yyreport_syntax_error(const yypcontext_t *yyctx, yyscan_t scanner, struct vgp_ctx *ctx)
{
    /* the lookahead is the token the scanner returned last (see vg_yylex()) */
    int t = yypcontext_token(yyctx) == YYSYMBOL_YYEOF ? TK_END : ctx->lookahead;
    const VG_YYLTYPE *loc = yypcontext_location(yyctx);
    struct expected e = expected_of(yyctx);
    struct vg_buf tok = {0}, m = {0};
    unsigned col = t == TK_END ? (unsigned)ctx->len + 1 : loc->first_column;

    (void)scanner;
    if (t == TK_LEXERR)
        return 0; /* the scanner has said why */
    token_text(ctx, t, loc, &tok);
    explain(ctx, t, &e, tok.s, &m, &col);
    vgp_error(ctx, col, "%s", m.s);
    vg_buf_free(&tok);
    vg_buf_free(&m);
    return 0;
}

static void vg_yyerror(VG_YYLTYPE *loc, yyscan_t scanner, struct vgp_ctx *ctx, const char *msg)
{
    (void)scanner;
    /* only "memory exhausted" comes here: the text nests too deeply */
    vgp_error(ctx, loc->first_column, "too deeply nested (%s)", msg);
}
